/* log.c — structured lines on stderr (log.h). No allocation: a line is built in its own
 * buffer and written with one fwrite, so lines from one process never interleave. */
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "log.h"

static struct {
	rtlog_level level;
	rtlog_format format;
	FILE *out;
} config = {RTLOG_INFO, RTLOG_TEXT, NULL};

static const char *const level_names[] = {"error", "warn", "info", "debug"};
static const char *const format_names[] = {"text", "json"};

static int parse_name(const char *s, const char *const *names, int n)
{
	for (int i = 0; s && i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

int rtlog_level_parse(const char *s)
{
	return parse_name(s, level_names, 4);
}
int rtlog_format_parse(const char *s)
{
	return parse_name(s, format_names, 2);
}
const char *rtlog_level_name(rtlog_level l)
{
	return level_names[l];
}
const char *rtlog_format_name(rtlog_format f)
{
	return format_names[f];
}

void rtlog_setup(rtlog_level level, rtlog_format format, FILE *out)
{
	config.level = level;
	config.format = format;
	config.out = out;
}

bool rtlog_enabled(rtlog_level level)
{
	return level <= config.level;
}

void rtlog_timestamp(char *buf, size_t cap)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	         tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

/* Room kept at the end of the buffer for the closing of the line and a truncation mark. */
#define TAIL 32

static void put(rtlog_line *l, const char *s, size_t n)
{
	if (l->cut || l->len + n > sizeof l->buf - TAIL) {
		l->cut = true;
		return;
	}
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

static void putf(rtlog_line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(rtlog_line *l, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		put(l, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Whether logfmt needs quotes around s: empty, or a space, '=', '"', '\' or a control byte. */
static bool needs_quotes(const char *s)
{
	if (!*s)
		return true;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == '=' || *p == '"' || *p == '\\' || *p == 0x7f)
			return true;
	return false;
}

/* s quoted and escaped the same way for both formats (JSON's rules; logfmt readers take them). */
static void put_quoted(rtlog_line *l, const char *s)
{
	put(l, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p && !l->cut; p++) {
		if (*p == '"' || *p == '\\') {
			char esc[2] = {'\\', (char)*p};
			put(l, esc, 2);
		} else if (*p == '\n') {
			put(l, "\\n", 2);
		} else if (*p < 0x20 || *p == 0x7f) {
			putf(l, "\\u%04x", *p);
		} else {
			put(l, (const char *)p, 1);
		}
	}
	put(l, "\"", 1);
}

/* The key of a field, and the separator before it. */
static void put_key(rtlog_line *l, const char *key)
{
	size_t mark = l->len;
	if (config.format == RTLOG_JSON) {
		put(l, ",", 1);
		put_quoted(l, key);
		put(l, ":", 1);
	} else {
		put(l, " ", 1);
		put(l, key, strlen(key));
		put(l, "=", 1);
	}
	if (l->cut)
		l->len = mark;
}

void rtlog_begin(rtlog_line *l, rtlog_level level, const char *event)
{
	l->on = rtlog_enabled(level);
	l->cut = false;
	l->len = 0;
	if (!l->on)
		return;
	char ts[32];
	rtlog_timestamp(ts, sizeof ts);
	if (config.format == RTLOG_JSON) {
		put(l, "{\"ts\":\"", 7);
		put(l, ts, strlen(ts));
		put(l, "\"", 1);
	} else {
		put(l, "ts=", 3);
		put(l, ts, strlen(ts));
	}
	rtlog_str(l, "level", level_names[level]);
	rtlog_str(l, "event", event);
}

/* A field's value is written whole or not at all. */
#define FIELD(l, key, body)                                                                                            \
	do {                                                                                                           \
		if (!(l)->on || (l)->cut)                                                                              \
			return;                                                                                        \
		size_t mark_ = (l)->len;                                                                               \
		put_key(l, key);                                                                                       \
		body;                                                                                                  \
		if ((l)->cut)                                                                                          \
			(l)->len = mark_;                                                                              \
	} while (0)

void rtlog_str(rtlog_line *l, const char *key, const char *value)
{
	FIELD(l, key, {
		if (config.format == RTLOG_JSON || needs_quotes(value))
			put_quoted(l, value);
		else
			put(l, value, strlen(value));
	});
}

void rtlog_int(rtlog_line *l, const char *key, int64_t value)
{
	FIELD(l, key, putf(l, "%lld", (long long)value));
}

void rtlog_bool(rtlog_line *l, const char *key, bool value)
{
	FIELD(l, key, put(l, value ? "true" : "false", value ? 4 : 5));
}

void rtlog_num(rtlog_line *l, const char *key, double value)
{
	FIELD(l, key, putf(l, "%.3f", value));
}

void rtlog_end(rtlog_line *l)
{
	if (!l->on)
		return;
	static const char mark_text[] = " truncated=true", mark_json[] = ",\"truncated\":true";
	if (l->cut) {
		const char *m = config.format == RTLOG_JSON ? mark_json : mark_text;
		memcpy(l->buf + l->len, m, strlen(m));
		l->len += strlen(m);
	}
	if (config.format == RTLOG_JSON)
		l->buf[l->len++] = '}';
	l->buf[l->len++] = '\n';
	FILE *out = config.out ? config.out : stderr;
	fwrite(l->buf, 1, l->len, out);
	fflush(out);
	l->on = false;
}

void rtlog_event(rtlog_level level, const char *event, const char *key, const char *value)
{
	rtlog_line l;
	rtlog_begin(&l, level, event);
	if (key)
		rtlog_str(&l, key, value);
	rtlog_end(&l);
}

void rtlog_sampled(rtlog_sample *sm, int period, const char *event, const char *reason)
{
	int64_t now = (int64_t)time(NULL);
	sm->since++;
	if (sm->last && now - sm->last < period && !rtlog_enabled(RTLOG_DEBUG))
		return;
	rtlog_line l;
	rtlog_begin(&l, RTLOG_WARN, event);
	rtlog_str(&l, "reason", reason);
	rtlog_int(&l, "count", (int64_t)sm->since);
	rtlog_int(&l, "per_seconds", period);
	rtlog_end(&l);
	sm->last = now;
	sm->since = 0;
}
