/* config.h — the configuration file of `roundtable serve` (deploy/roundtable.conf): one option
 * of serve per line, as `name = value`, with the names of the command line's long options.
 * Reading only: which names exist and what their values mean is options.c's, which turns the
 * entries into options before those of the command line (so that these override them).
 * Not the agenda file (wire.c), not the database (store.c). */
#ifndef RT_CONFIG_H
#define RT_CONFIG_H

#include <stddef.h>

typedef struct config_entry {
	const char *name;  /* "port" */
	const char *value; /* "8080"; "" when the line has a name only */
	int line;          /* 1-based, for messages */
} config_entry;

#define CONFIG_MAX_ENTRIES 64

typedef struct config {
	char *text; /* the file, cut in place into names and values */
	config_entry e[CONFIG_MAX_ENTRIES];
	int n;
} config;

/* Parses a file's text, malloc'd and NUL-terminated, in place; *out takes it (free it with
 * config_free). Lines are `name = value` or `name value`; white space around both is trimmed,
 * a value may be wrapped in double quotes (to keep spaces or a '#'), a '#' after an unquoted
 * value starts a comment, and blank lines and lines starting with '#' are skipped. 0, or -1
 * with "PATH:LINE: why" in err (`path` is for messages only). */
int config_parse(char *text, const char *path, config *out, char *err, size_t cap);
void config_free(config *c);

#endif
