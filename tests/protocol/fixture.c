/* fixture.c — runs one protocol example through the server's own decoder (server/wire).
 * Client messages (their folder has expected.json): valid-* must decode, invalid-* must be
 * refused with the code expected.json gives. Server messages must be refused as
 * protocol.unknown_type: a client cannot send them. With --agenda, an agenda file must load. With
 * --lines, each line of stdin is a frame and its answer (its error code, or "ok") is printed:
 * tests/protocol/agree.mjs compares those with the schemas. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "wire.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static int check_agenda(const char *path)
{
	size_t len;
	char *text = slurp(path, &len);
	if (!text) {
		fprintf(stderr, "cannot read %s\n", path);
		return 1;
	}
	core_agenda a;
	wire_agenda_errors errs;
	int rc = wire_decode_agenda(text, len, &a, &errs);
	free(text);
	for (int i = 0; i < errs.n; i++)
		fprintf(stderr, "%s: %s\n", path, errs.msg[i]);
	if (rc == 0)
		printf("%s: loads, %d segments\n", path, a.nsegments);
	return rc ? 1 : 0;
}

static int decode_lines(void)
{
	wire_message *m = malloc(sizeof *m);
	int rc = m ? 0 : 1;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while (m && (n = getline(&line, &cap, stdin)) > 0) {
		size_t len = line[n - 1] == '\n' ? (size_t)n - 1 : (size_t)n;
		rt_err err = wire_decode(line, len, m);
		printf("%s\n", err ? rt_err_code(err) : "ok");
	}
	free(line);
	free(m);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--agenda") == 0)
		return check_agenda(argv[2]);
	if (argc == 2 && strcmp(argv[1], "--lines") == 0)
		return decode_lines();
	if (argc != 2) {
		fprintf(stderr, "usage: protocol_fixture EXAMPLE.json | --agenda AGENDA.json | --lines\n");
		return 2;
	}
	char path[4096], dirbuf[4096];
	snprintf(path, sizeof path, "%s", argv[1]);
	snprintf(dirbuf, sizeof dirbuf, "%s", argv[1]);
	const char *file = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	const char *dir = dirname(dirbuf);
	bool valid = strncmp(file, "valid-", 6) == 0 || strcmp(file, "valid.json") == 0;
	if (!valid && strncmp(file, "invalid-", 8) != 0) {
		fprintf(stderr, "%s: an example is named valid-*.json or invalid-*.json\n", file);
		return 2;
	}
	size_t len;
	char *text = slurp(path, &len);
	if (!text) {
		fprintf(stderr, "cannot read %s\n", path);
		return 2;
	}
	char exp_path[4200];
	snprintf(exp_path, sizeof exp_path, "%s/expected.json", dir);
	json_t *expected = json_load_file(exp_path, 0, NULL);
	wire_message *m = malloc(sizeof *m);
	rt_err err = wire_decode(text, len, m);
	int rc = 0;
	if (!expected) {
		/* A message only the server sends. */
		if (err != RT_E_PROTOCOL_UNKNOWN_TYPE) {
			fprintf(stderr,
			        "%s: a server message must be refused from a client as protocol.unknown_type, got %s\n",
			        file, rt_err_code(err));
			rc = 1;
		}
	} else if (valid) {
		if (err) {
			fprintf(stderr, "%s: valid example refused: %s (field '%s')\n", file, rt_err_code(err),
			        m->field);
			rc = 1;
		}
	} else {
		const char *want = json_string_value(json_object_get(expected, file));
		if (!want) {
			fprintf(stderr, "%s: no expected code for it in %s\n", file, exp_path);
			rc = 1;
		} else if (strcmp(want, rt_err_code(err)) != 0) {
			fprintf(stderr, "%s: expected %s, decoder said %s\n", file, want, rt_err_code(err));
			rc = 1;
		}
	}
	if (!rc)
		printf("%s: %s\n", file, err ? rt_err_code(err) : "decodes");
	json_decref(expected);
	free(m);
	free(text);
	return rc;
}
