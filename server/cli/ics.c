/* ics.c — `roundtable ics ID`: a calendar file (RFC 5545) of a consultation or of a programme's
 * sessions, one event each, in UTC, described in the zones the organiser lists. It carries no
 * link: the personal files (one per registration, with its link) are made in the organiser's
 * page (web-client/lib/ics.js writes the same shape), never here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "attend.h"
#include "cli.h"
#include "crypto.h"
#include "report.h"

#define ICS_ZONES_MAX 8

/* One content line, escaped as TEXT when `text` (backslash, semicolon, comma, line breaks) and
 * folded at 75 octets without cutting a UTF-8 sequence, CRLF after each physical line. */
static void ics_line(FILE *f, const char *name, const char *value, bool text)
{
	char buf[4096];
	size_t n = (size_t)snprintf(buf, sizeof buf, "%s:", name);
	for (const char *s = value; *s && n + 3 < sizeof buf; s++) {
		if (text && (*s == '\\' || *s == ';' || *s == ','))
			buf[n++] = '\\';
		if (text && *s == '\n') {
			buf[n++] = '\\';
			buf[n++] = 'n';
			continue;
		}
		buf[n++] = *s;
	}
	size_t octets = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];
		size_t seq = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
		if (octets + seq > 75) {
			fputs("\r\n ", f);
			octets = 1;
		}
		fwrite(buf + i, 1, seq, f);
		octets += seq;
		i += seq - 1;
	}
	fputs("\r\n", f);
}

static void utc_stamp(int64_t ms, char out[20])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(out, 20, "%Y%m%dT%H%M%SZ", &tm))
		out[0] = '\0';
}

/* "Thu 28 Oct 2021, 12:00–13:30 BST" in one zone (the end's day too when it is another). */
static size_t when_line(const char *zone, int64_t start, int64_t end, char *out, size_t cap)
{
	struct tm t0, t1;
	char z0[16], z1[16], a[48] = "", b[48] = "";
	if (cli_zone_time(zone, start, &t0, z0, sizeof z0) || cli_zone_time(zone, end, &t1, z1, sizeof z1))
		return 0;
	strftime(a, sizeof a, "%a %-d %b %Y, %H:%M", &t0);
	if (t0.tm_yday != t1.tm_yday || t0.tm_year != t1.tm_year)
		strftime(b, sizeof b, "%a %-d %b %H:%M", &t1);
	else
		strftime(b, sizeof b, "%H:%M", &t1);
	int n = snprintf(out, cap, "%s\u2013%s %s", a, b, z1);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* A session's event: its agenda's first segment's start to its last segment's end. 0, or -1
 * when the agenda has no date. */
static int session_times(const core_agenda *a, int64_t *start, int64_t *end)
{
	const core_segment *first = &a->segments[0], *last = &a->segments[a->nsegments - 1];
	const char *d0 = first->date[0] ? first->date : a->date, *d1 = last->date[0] ? last->date : a->date;
	if (!d0[0] || !d1[0])
		return -1;
	*start = cli_local_ms(a->timezone, d0, first->start_min);
	*end = cli_local_ms(a->timezone, d1, last->start_min) + (int64_t)last->duration_min * 60000;
	return *start ? 0 : -1;
}

static void write_event(FILE *f, const core_agenda *a, const char *programme, const char *zones[], int nzones,
                        const char *stamp)
{
	int64_t start, end;
	if (session_times(a, &start, &end))
		return;
	char s0[20], s1[20], uid[CORE_ID_MAX + 16], desc[2048];
	utc_stamp(start, s0);
	utc_stamp(end, s1);
	snprintf(uid, sizeof uid, "%s@roundtable", a->id);
	size_t used = 0;
	if (programme)
		used += (size_t)snprintf(desc, sizeof desc, "%s\n", programme);
	used += (size_t)snprintf(desc + used, sizeof desc - used, "%s\n", a->title);
	for (int z = 0; z < nzones && used + 2 < sizeof desc; z++) {
		desc[used++] = '\n';
		used += when_line(zones[z], start, end, desc + used, sizeof desc - used);
	}
	desc[used < sizeof desc ? used : sizeof desc - 1] = '\0';
	fputs("BEGIN:VEVENT\r\n", f);
	ics_line(f, "UID", uid, false);
	ics_line(f, "DTSTAMP", stamp, false);
	ics_line(f, "DTSTART", s0, false);
	ics_line(f, "DTEND", s1, false);
	ics_line(f, "SUMMARY", a->title, true);
	ics_line(f, "DESCRIPTION", desc, true);
	fputs("BEGIN:VALARM\r\nACTION:DISPLAY\r\n", f);
	ics_line(f, "DESCRIPTION", a->title, true);
	fputs("TRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT\r\n", f);
}

/* Whether the system knows zone (its time zone database has a file for it). */
static bool known_zone(const char *zone)
{
	char path[160];
	struct stat sb;
	if (!strcmp(zone, "UTC"))
		return true;
	if (strstr(zone, "..") || zone[0] == '/' || !zone[0] || strlen(zone) > CORE_TIMEZONE_MAX)
		return false;
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zone);
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

int cli_ics(int argc, char **argv, const char *usage)
{
	static const int allowed[] = {OPT_DATA, OPT_ZONES, OPT_OUTPUT, 0};
	options o = {.data_dir = "data"};
	char *id;
	int rc = cli_parse_options(argc, argv, usage, allowed, &o, &id, 1, "expects a consultation or programme id");
	if (rc)
		return rc > 0 ? 0 : 2;
	const char *zones[ICS_ZONES_MAX];
	int nzones = 0;
	char *zbuf = o.zones ? strdup(o.zones) : NULL; /* zones[] point into it */
	char *save = NULL;
	for (char *z = zbuf ? strtok_r(zbuf, ",", &save) : NULL; z; z = strtok_r(NULL, ",", &save)) {
		if (nzones == ICS_ZONES_MAX || !known_zone(z)) {
			fprintf(stderr,
			        "roundtable: --zones takes at most %d time zones such as Europe/London, "
			        "comma-separated; %s is not one\n",
			        ICS_ZONES_MAX, nzones == ICS_ZONES_MAX ? "the next" : z);
			free(zbuf);
			return 2;
		}
		zones[nzones++] = z;
	}
	store *st = cli_open_store(o.data_dir);
	if (!st) {
		free(zbuf);
		return 1;
	}
	store_programme p;
	store_session *ss = calloc(CORE_MAX_SESSIONS, sizeof *ss);
	core_state *state = calloc(1, sizeof *state);
	int n = 0;
	bool programme = ss && store_find_programme(st, id, &p) == RT_OK;
	if (programme && store_programme_sessions(st, id, ss, CORE_MAX_SESSIONS, &n))
		n = -1;
	if (!programme && ss) {
		snprintf(ss[0].id, sizeof ss[0].id, "%s", id);
		n = 1;
	}
	char stamp[20], name[REPORT_FILENAME_MAX] = "calendar.ics";
	utc_stamp((int64_t)time(NULL) * 1000, stamp);
	char *buf = NULL;
	size_t size = 0;
	FILE *f = state && n > 0 ? open_memstream(&buf, &size) : NULL;
	rc = f ? 0 : 1;
	if (f)
		fputs(
		    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Roundtable//Invitations//EN\r\nCALSCALE:GREGORIAN\r\n"
		    "METHOD:PUBLISH\r\n",
		    f);
	int events = 0;
	for (int i = 0; rc == 0 && i < n; i++) {
		uint8_t secret[CRYPTO_SECRET_BYTES];
		rt_err err = store_load(st, ss[i].id, state, secret);
		memset(secret, 0, sizeof secret);
		if (err) {
			fprintf(stderr, "roundtable: %s: %s\n", id,
			        err == RT_E_NOT_FOUND ? "no such consultation or programme"
			                              : "cannot read the database");
			rc = 1;
			break;
		}
		int64_t a = 0, b = 0;
		if (session_times(&state->agenda, &a, &b) == 0) {
			const char *own[1] = {state->agenda.timezone};
			write_event(f, &state->agenda, programme ? p.title : NULL, nzones ? zones : own,
			            nzones ? nzones : 1, stamp);
			events++;
		}
		if (i == 0) {
			char date[16] = "", abbr[16];
			struct tm tm;
			if (events && !cli_zone_time(state->agenda.timezone, a, &tm, abbr, sizeof abbr))
				strftime(date, sizeof date, "%Y-%m-%d", &tm);
			report_filename(programme ? p.title : state->agenda.title, events ? date : "", "calendar",
			                "ics", name, sizeof name);
		}
		core_state_free(state);
		memset(state, 0, sizeof *state);
	}
	if (f) {
		fputs("END:VCALENDAR\r\n", f);
		if (fclose(f) != 0)
			rc = 1;
	}
	if (rc == 0 && !events) {
		fprintf(stderr, "roundtable: %s has no date: an agenda needs one for a calendar\n", id);
		rc = 1;
	}
	if (rc == 0 && o.output && cli_output_to(o.output, name))
		rc = 1;
	if (rc == 0 && (fwrite(buf, 1, size, stdout) != size || fflush(stdout) != 0))
		rc = 1;
	free(buf);
	free(state);
	free(ss);
	free(zbuf);
	store_close(st);
	return rc;
}
