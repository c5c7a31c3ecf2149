/* Unit tests of the configuration file's reader (server/cli/config.c): what each line becomes,
 * and the message each malformed line gets. */
#include <stdlib.h>

#include "check.h"
#include "config.h"

static int parse(const char *text, config *c, char *err, size_t cap)
{
	char *copy = strdup(text);
	if (!copy)
		abort();
	int rc = config_parse(copy, "test.conf", c, err, cap);
	if (rc)
		config_free(c);
	return rc;
}

int main(void)
{
	config c;
	char err[256];
	/* Names, values, comments, quotes, white space and blank lines. */
	CHECK_EQ_INT(parse("# a comment\n\n  port = 8080\nlisten 127.0.0.1\r\n"
	                   "origin = https://a.example.org   # where people open it\n"
	                   "web = \"/srv/my web # folder\"\ndata=/var/lib/roundtable\ncheck-config\n",
	                   &c, err, sizeof err),
	             0);
	CHECK_EQ_INT(c.n, 6);
	static const struct {
		const char *name, *value;
		int line;
	} want[] = {{"port", "8080", 3},
	            {"listen", "127.0.0.1", 4},
	            {"origin", "https://a.example.org", 5},
	            {"web", "/srv/my web # folder", 6},
	            {"data", "/var/lib/roundtable", 7},
	            {"check-config", "", 8}};
	for (int i = 0; i < c.n && i < 6; i++) {
		CHECK(strcmp(c.e[i].name, want[i].name) == 0);
		CHECK(strcmp(c.e[i].value, want[i].value) == 0);
		CHECK_EQ_INT(c.e[i].line, want[i].line);
	}
	config_free(&c);

	/* An empty file, and one of comments only. */
	CHECK_EQ_INT(parse("", &c, err, sizeof err), 0);
	CHECK_EQ_INT(c.n, 0);
	config_free(&c);
	CHECK_EQ_INT(parse("# nothing\n   # else\n", &c, err, sizeof err), 0);
	CHECK_EQ_INT(c.n, 0);
	config_free(&c);

	/* Malformed lines: refused with the file and the line. */
	static const struct {
		const char *text, *message;
	} bad[] = {
	    {"= 8080\n", "test.conf:1: expected 'name = value'"},
	    {"\nPort = 8080\n", "test.conf:2: expected 'name = value'"},
	    {"port: 8080\n", "test.conf:1: expected 'name = value'"},
	    {"--port = 8080\n", "test.conf:1: expected 'name = value'"},
	    {"web = \"/srv\n", "test.conf:1: a quoted value must end with its quote"},
	    {"web = \"/srv\" trailing\n", "test.conf:1: a quoted value must end with its quote"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		CHECK_EQ_INT(parse(bad[i].text, &c, err, sizeof err), -1);
		CHECK(strncmp(err, bad[i].message, strlen(bad[i].message)) == 0);
	}
	/* More settings than it holds. */
	char many[CONFIG_MAX_ENTRIES * 16 + 64] = "";
	for (int i = 0; i <= CONFIG_MAX_ENTRIES; i++)
		strcat(many, "rate = 20\n");
	CHECK_EQ_INT(parse(many, &c, err, sizeof err), -1);
	CHECK(strstr(err, "more than 64 settings") != NULL);
	return check_done();
}
