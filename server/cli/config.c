/* config.c — reading the configuration file of `roundtable serve` (see config.h). */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static char *trim(char *s)
{
	while (blank(*s))
		s++;
	char *end = s + strlen(s);
	while (end > s && blank(end[-1]))
		*--end = '\0';
	return s;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

int config_parse(char *text, const char *path, config *out, char *err, size_t cap)
{
	out->text = text;
	out->n = 0;
	int line = 0;
	for (char *p = text; p && *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		line++;
		char *s = trim(p);
		p = nl ? nl + 1 : NULL;
		if (!*s || *s == '#')
			continue;
		char *name = s;
		while (name_char(*s))
			s++;
		if (s == name || *name < 'a' || *name > 'z' || (*s && !blank(*s) && *s != '=')) {
			snprintf(err, cap,
			         "%s:%d: expected 'name = value', where name is an option of serve without its --",
			         path, line);
			return -1;
		}
		char *rest = s;
		if (*rest)
			*rest++ = '\0';
		rest = trim(rest);
		if (*rest == '=')
			rest = trim(rest + 1);
		if (*rest == '"') {
			char *close = strchr(rest + 1, '"');
			if (!close || *trim(close + 1)) {
				snprintf(err, cap,
				         "%s:%d: a quoted value must end with its quote, and nothing after it", path,
				         line);
				return -1;
			}
			*close = '\0';
			rest++;
		} else if (strchr(rest, '#')) {
			/* a comment after the value */
			*strchr(rest, '#') = '\0';
			rest = trim(rest);
		}
		if (out->n == CONFIG_MAX_ENTRIES) {
			snprintf(err, cap, "%s:%d: more than %d settings", path, line, CONFIG_MAX_ENTRIES);
			return -1;
		}
		out->e[out->n++] = (config_entry){.name = name, .value = rest, .line = line};
	}
	return 0;
}

void config_free(config *c)
{
	free(c->text);
	c->text = NULL;
	c->n = 0;
}
