/* Unit tests of the server's log (server/log/log.c): every line is one valid JSON object or one
 * logfmt line whatever its values hold, levels filter, a long line is cut at a field, and a
 * sampled warning is written once per period with its count. */
#define _GNU_SOURCE
#include <stdlib.h>

#include <jansson.h>

#include "check.h"
#include "log.h"

/* Runs one line through the log into a memory buffer; returns it (static). */
static const char *capture(rtlog_level setting, rtlog_format format, rtlog_level level, const char *value)
{
	static char *buf;
	static size_t len;
	free(buf);
	buf = NULL;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	rtlog_setup(setting, format, f);
	rtlog_line l;
	rtlog_begin(&l, level, "test.event");
	rtlog_str(&l, "value", value);
	rtlog_int(&l, "count", -42);
	rtlog_bool(&l, "ok", true);
	rtlog_num(&l, "seconds", 0.25);
	rtlog_end(&l);
	fclose(f);
	rtlog_setup(RTLOG_INFO, RTLOG_TEXT, NULL);
	return buf;
}

static json_t *parse_line(const char *line)
{
	size_t n = strlen(line);
	CHECK(n > 0 && line[n - 1] == '\n' && strchr(line, '\n') == line + n - 1);
	json_error_t e;
	json_t *j = json_loadb(line, n, 0, &e);
	if (!j)
		fprintf(stderr, "not JSON: %s (%s)\n", line, e.text);
	return j;
}

int main(void)
{
	CHECK_EQ_INT(rtlog_level_parse("debug"), RTLOG_DEBUG);
	CHECK_EQ_INT(rtlog_level_parse("loud"), -1);
	CHECK_EQ_INT(rtlog_level_parse(NULL), -1);
	CHECK_EQ_INT(rtlog_format_parse("json"), RTLOG_JSON);
	CHECK_EQ_INT(rtlog_format_parse("xml"), -1);
	CHECK_EQ_STR(rtlog_level_name(RTLOG_WARN), "warn");

	/* Levels: a line less severe than the setting is not written at all. */
	CHECK_EQ_STR(capture(RTLOG_WARN, RTLOG_TEXT, RTLOG_INFO, "x"), "");
	CHECK_EQ_STR(capture(RTLOG_ERROR, RTLOG_JSON, RTLOG_DEBUG, "x"), "");
	CHECK(strlen(capture(RTLOG_WARN, RTLOG_TEXT, RTLOG_ERROR, "x")) > 0);

	/* logfmt: plain values bare, others quoted and escaped, on one line. */
	const char *t = capture(RTLOG_INFO, RTLOG_TEXT, RTLOG_INFO, "plain");
	CHECK(!strncmp(t, "ts=", 3));
	CHECK(strstr(t, " level=info event=test.event value=plain count=-42 ok=true seconds=0.250\n") != NULL);
	t = capture(RTLOG_INFO, RTLOG_TEXT, RTLOG_INFO, "a \"b\"=c\\d\ne\x01");
	CHECK(strstr(t, " value=\"a \\\"b\\\"=c\\\\d\\ne\\u0001\" count=-42") != NULL);
	CHECK(strchr(t, '\n') == t + strlen(t) - 1);
	CHECK(strstr(capture(RTLOG_INFO, RTLOG_TEXT, RTLOG_INFO, ""), " value=\"\" ") != NULL);

	/* JSON: every value survives a round trip, whatever bytes it holds. */
	static const char *const values[] = {"plain",        "",         "quote \" backslash \\ newline \n tab \t",
	                                     "\x01\x1f\x7f", "عربي été", "{\"nested\": [1]}"};
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		json_t *j = parse_line(capture(RTLOG_DEBUG, RTLOG_JSON, RTLOG_WARN, values[i]));
		CHECK(j != NULL);
		if (!j)
			continue;
		CHECK_EQ_STR(json_string_value(json_object_get(j, "value")), values[i]);
		CHECK_EQ_STR(json_string_value(json_object_get(j, "level")), "warn");
		CHECK_EQ_STR(json_string_value(json_object_get(j, "event")), "test.event");
		CHECK_EQ_INT(json_integer_value(json_object_get(j, "count")), -42);
		CHECK(json_is_true(json_object_get(j, "ok")));
		CHECK(json_real_value(json_object_get(j, "seconds")) == 0.25);
		const char *ts = json_string_value(json_object_get(j, "ts"));
		CHECK(ts && strlen(ts) == 24 && ts[10] == 'T' && ts[23] == 'Z');
		json_decref(j);
	}

	/* A value longer than a line: the field is left out whole, the line says it was cut, and
	 * stays valid; the fields after it are dropped too. */
	char big[RTLOG_LINE_MAX * 2];
	memset(big, 'q', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	json_t *j = parse_line(capture(RTLOG_INFO, RTLOG_JSON, RTLOG_ERROR, big));
	CHECK(j != NULL);
	if (j) {
		CHECK(json_object_get(j, "value") == NULL);
		CHECK(json_object_get(j, "count") == NULL);
		CHECK(json_is_true(json_object_get(j, "truncated")));
		CHECK_EQ_STR(json_string_value(json_object_get(j, "event")), "test.event");
		json_decref(j);
	}
	t = capture(RTLOG_INFO, RTLOG_TEXT, RTLOG_ERROR, big);
	CHECK(strstr(t, " truncated=true\n") != NULL && strstr(t, "qqq") == NULL);
	/* A value that just fits is kept. */
	big[RTLOG_LINE_MAX - 200] = '\0';
	j = parse_line(capture(RTLOG_INFO, RTLOG_JSON, RTLOG_ERROR, big));
	CHECK(j && strlen(json_string_value(json_object_get(j, "value"))) == RTLOG_LINE_MAX - 200);
	json_decref(j);

	/* Sampled: the first at once, then nothing within the period; the next line counts what
	 * came since the last one, this one included. At debug, every time. */
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	rtlog_setup(RTLOG_INFO, RTLOG_TEXT, f);
	rtlog_sample sm = {0};
	for (int i = 0; i < 5; i++)
		rtlog_sampled(&sm, 60, "disk.failed", "full");
	fflush(f);
	CHECK(strstr(out, " level=warn event=disk.failed reason=full count=1 per_seconds=60\n") != NULL);
	CHECK(strstr(strchr(out, '\n') + 1, "disk.failed") == NULL);
	CHECK_EQ_INT(sm.since, 4);
	sm.last -= 60; /* the period has passed */
	rtlog_sampled(&sm, 60, "disk.failed", "full");
	fflush(f);
	CHECK(strstr(out, "count=5 per_seconds=60\n") != NULL);
	CHECK_EQ_INT(sm.since, 0);
	rtlog_setup(RTLOG_DEBUG, RTLOG_TEXT, f);
	rtlog_sampled(&sm, 60, "disk.failed", "full");
	rtlog_sampled(&sm, 60, "disk.failed", "full");
	fclose(f);
	int lines = 0;
	for (const char *p = out; (p = strstr(p, "event=disk.failed")); p++)
		lines++;
	CHECK_EQ_INT(lines, 4); /* the first, the one after the period, and both at debug */
	free(out);
	rtlog_setup(RTLOG_INFO, RTLOG_TEXT, NULL);
	return check_done();
}
