/* log.h — the server's log: one line per event on stderr, structured (logfmt or JSON lines),
 * quiet by default (what an operator acts on: start, stop, organiser actions, failures).
 *
 * Privacy (CHR-7): a line names events, consultations, roles, counts and durations. It never
 * carries question or note text, a token, a link label, a pseudonym or a peer's address; the
 * callers hold to that, and tests/integration/logging.test.mjs checks it. */
#ifndef ROUNDTABLE_LOG_H
#define ROUNDTABLE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum rtlog_level { RTLOG_ERROR, RTLOG_WARN, RTLOG_INFO, RTLOG_DEBUG } rtlog_level;
typedef enum rtlog_format { RTLOG_TEXT, RTLOG_JSON } rtlog_format;

/* "error", "warn", "info", "debug" (or -1); "text", "json" (or -1). */
int rtlog_level_parse(const char *s);
int rtlog_format_parse(const char *s);
const char *rtlog_level_name(rtlog_level l);
const char *rtlog_format_name(rtlog_format f);

/* Lines of `level` and more severe go to `out` (stderr when NULL) in `format`. Until called:
 * info, text, stderr. */
void rtlog_setup(rtlog_level level, rtlog_format format, FILE *out);
bool rtlog_enabled(rtlog_level level);

/* One line, built field by field:
 *     rtlog_line l;
 *     rtlog_begin(&l, RTLOG_INFO, "listening");
 *     rtlog_str(&l, "url", url);
 *     rtlog_int(&l, "port", port);
 *     rtlog_end(&l);
 * Each call does nothing when the level is off. A line longer than the buffer is cut at a
 * field boundary and says so (truncated=true). */
#define RTLOG_LINE_MAX 1024
typedef struct rtlog_line {
	bool on, cut;
	size_t len;
	char buf[RTLOG_LINE_MAX];
} rtlog_line;

void rtlog_begin(rtlog_line *l, rtlog_level level, const char *event);
void rtlog_str(rtlog_line *l, const char *key, const char *value);
void rtlog_int(rtlog_line *l, const char *key, int64_t value);
void rtlog_bool(rtlog_line *l, const char *key, bool value);
/* A duration or rate, printed with 3 decimals. */
void rtlog_num(rtlog_line *l, const char *key, double value);
void rtlog_end(rtlog_line *l);

/* The commonest line: an event and one text field (key may be NULL for none). */
void rtlog_event(rtlog_level level, const char *event, const char *key, const char *value);

/* A warning that can come many times a second (a full disk failing every batch, a flood of
 * refused handshakes): the first is logged at once, then at most one line every `period`
 * seconds, whose `count` says how many happened since the last line, this one included. The
 * log stays quiet; the metrics keep the exact counts. At debug, each time. Zero it to start. */
typedef struct rtlog_sample {
	int64_t last;   /* when the last line was written (Unix seconds), 0: never */
	uint64_t since; /* how many since then */
} rtlog_sample;
/* Counts one, and writes `event reason=... count=N per_seconds=period` at warn when due. */
void rtlog_sampled(rtlog_sample *sm, int period, const char *event, const char *reason);

/* Formats the current wall-clock time as RFC 3339 UTC with milliseconds into buf (>= 25). */
void rtlog_timestamp(char *buf, size_t cap);

#endif
