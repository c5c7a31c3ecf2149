/* attendance.c — attendance that holds up, from the command line: minutes imported from another
 * record of a session (label,minutes: what the organiser's page makes of a Zoom report, names
 * left in the browser), corrections with a reason and their audit trail, and one label's view.
 * What counts as attended is the core's (core_attendance_effective); not the attendance sheet
 * (programme.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attend.h"
#include "cli.h"
#include "report.h"

/* Programme pid's session number `session` (from 1): its consultation id into cid. 0, or -1
 * after saying why. */
static int session_id(store *st, const char *pid, const char *session, char cid[CORE_ID_MAX + 1], int64_t *scheduled_ms)
{
	store_session *ss = calloc(CORE_MAX_SESSIONS, sizeof *ss);
	int n = 0, k = 0;
	store_programme p;
	rt_err err = ss ? store_find_programme(st, pid, &p) : RT_E_SERVER_UNAVAILABLE;
	if (!err)
		err = store_programme_sessions(st, pid, ss, CORE_MAX_SESSIONS, &n);
	int rc = 0;
	if (err) {
		fprintf(stderr, "roundtable: %s\n",
		        err == RT_E_NOT_FOUND ? "no such programme" : "cannot read the database");
		rc = -1;
	} else if (cli_parse_int(session, 1, n, &k)) {
		fprintf(stderr, "roundtable: the session is a number from 1 to %d\n", n);
		rc = -1;
	} else {
		snprintf(cid, CORE_ID_MAX + 1, "%s", ss[k - 1].id);
		if (scheduled_ms)
			*scheduled_ms = ss[k - 1].info.scheduled_ms;
	}
	free(ss);
	return rc;
}

/* One CSV field of line at *p (RFC 4180: quoted, or up to the next comma), into out; moves *p
 * past it and its comma. */
static void csv_field(const char **p, char *out, size_t cap)
{
	const char *s = *p;
	size_t n = 0;
	if (*s == '"') {
		for (s++; *s && !(*s == '"' && s[1] != '"'); s++) {
			if (*s == '"')
				s++;
			if (n + 1 < cap)
				out[n++] = *s;
		}
		if (*s == '"')
			s++;
	} else {
		for (; *s && *s != ','; s++)
			if (n + 1 < cap)
				out[n++] = *s;
	}
	out[n] = '\0';
	if (*s == ',')
		s++;
	*p = s;
}

int cli_attendance_apply(store *st, const char *pid, const char *cid, const cli_attendance_entry *e, int n, int64_t now,
                         char *why, size_t cap)
{
	for (int i = 0; i < n; i++) {
		const char *wrong = NULL;
		bool known = false;
		size_t len = e[i].label ? strlen(e[i].label) : 0;
		if (e[i].reason)
			core_correction_check(e[i].minutes, e[i].reason, strlen(e[i].reason), &wrong);
		else if (core_import_check(e[i].minutes))
			wrong = "imported minutes are a number from 0 to 1440";
		if (!wrong && (len < 1 || len > STORE_LABEL_MAX || core_utf8_count(e[i].label, len) < 1))
			wrong = "a label of 1 to 64 bytes of UTF-8 text is needed";
		if (!wrong && store_programme_label(st, pid, e[i].label, &known))
			return -1;
		if (!wrong && !known) {
			snprintf(why, cap, "%s is not an invitation of this programme", e[i].label);
			return 1;
		}
		if (wrong) {
			snprintf(why, cap, "%s: %s", e[i].label && len <= STORE_LABEL_MAX ? e[i].label : "?", wrong);
			return 1;
		}
	}
	rt_err err = RT_OK;
	for (int i = 0; !err && i < n; i++)
		err = e[i].reason ? store_attendance_correct(st, cid, e[i].label, e[i].minutes, e[i].reason, now)
		                  : store_attendance_import(st, cid, e[i].label, e[i].minutes);
	if (!err)
		err = store_commit(st);
	if (err) {
		store_rollback(st);
		snprintf(why, cap, "could not store the attendance");
		return -1;
	}
	return 0;
}

/* import ID SESSION FILE: label,minutes lines (a first line "label,minutes" is a header). Every
 * line is checked before anything is written: one bad line changes nothing. */
static int programme_import(int argc, char **argv, const char *usage)
{
	static const int allowed[] = {OPT_DATA, 0};
	options o = {.data_dir = "data"};
	char *pos[3];
	int rc =
	    cli_parse_options(argc, argv, usage, allowed, &o, pos, 3, "expects a programme id, a session and a file");
	if (rc)
		return rc > 0 ? 0 : 2;
	size_t len;
	char *text = cli_read_text(pos[2], &len);
	store *st = text ? cli_open_store(o.data_dir) : NULL;
	char cid[CORE_ID_MAX + 1];
	rc = st && session_id(st, pos[0], pos[1], cid, NULL) == 0 ? 0 : 1;
	/* Every line read, then all checked before any is written: one bad line changes nothing. */
	typedef struct line_entry {
		char label[STORE_LABEL_MAX + 2];
	} line_entry;
	size_t most = 1;
	for (size_t i = 0; text && i < len; i++)
		most += text[i] == '\n';
	line_entry *labels = calloc(most, sizeof *labels);
	cli_attendance_entry *e = calloc(most, sizeof *e);
	int imported = 0, lines = 0;
	char *save = NULL;
	if (!labels || !e)
		rc = -1;
	for (char *line = rc == 0 ? strtok_r(text, "\r\n", &save) : NULL; rc == 0 && line;
	     line = strtok_r(NULL, "\r\n", &save)) {
		lines++;
		const char *p = line + (lines == 1 && !strncmp(line, "\xEF\xBB\xBF", 3) ? 3 : 0);
		char minutes[16];
		csv_field(&p, labels[imported].label, sizeof labels[imported].label);
		csv_field(&p, minutes, sizeof minutes);
		if (lines == 1 && !strcmp(labels[imported].label, "label"))
			continue;
		int m;
		if (cli_parse_int(minutes, 0, CORE_IMPORT_MINUTES_MAX, &m) || *p || (size_t)imported + 1 >= most) {
			fprintf(stderr, "roundtable: %s: line %d: give label,minutes (0 to %d)\n", pos[2], lines,
			        CORE_IMPORT_MINUTES_MAX);
			rc = 1;
			break;
		}
		e[imported] = (cli_attendance_entry){.label = labels[imported].label, .minutes = m};
		imported++;
	}
	if (rc == 0) {
		char why[STORE_LABEL_MAX + 128] = "";
		rc = cli_attendance_apply(st, pos[0], cid, e, imported, (int64_t)time(NULL) * 1000, why, sizeof why);
		if (rc)
			fprintf(stderr, "roundtable: %s: %s\n", pos[2], why);
	} else if (rc < 0) {
		fprintf(stderr, "roundtable: out of memory\n");
	}
	free(labels);
	free(e);
	if (rc == 0)
		printf("session %s: minutes from another record for %d invitation%s\n", pos[1], imported,
		       imported == 1 ? "" : "s");
	store_close(st);
	free(text);
	return rc ? 1 : 0;
}

/* correct ID SESSION LABEL MINUTES REASON: adds (or takes away) minutes, with its reason. */
static int programme_correct(int argc, char **argv, const char *usage)
{
	static const int allowed[] = {OPT_DATA, 0};
	options o = {.data_dir = "data"};
	char *pos[5];
	/* "-15" is minutes taken away, not an option: getopt sees it with a space before it, which
	 * cli_parse_int reads past. */
	char *args[64], minus[16] = " ";
	if (argc > 64)
		argc = 64;
	for (int i = 0; i < argc; i++) {
		args[i] = argv[i];
		if (i > 0 && argv[i][0] == '-' && argv[i][1] >= '0' && argv[i][1] <= '9' && strlen(argv[i]) < 15) {
			snprintf(minus + 1, sizeof minus - 1, "%s", argv[i]);
			args[i] = minus;
		}
	}
	argv = args;
	int rc = cli_parse_options(argc, argv, usage, allowed, &o, pos, 5,
	                           "expects a programme id, a session, a label, minutes and a reason");
	if (rc)
		return rc > 0 ? 0 : 2;
	int minutes;
	const char *why = NULL;
	if (cli_parse_int(pos[3], -CORE_CORRECTION_MINUTES_MAX, CORE_CORRECTION_MINUTES_MAX, &minutes) ||
	    core_correction_check(minutes, pos[4], strlen(pos[4]), &why)) {
		fprintf(stderr, "roundtable: %s\n",
		        why ? why : "the minutes of a correction are a non-zero number from -1440 to 1440");
		return 2;
	}
	store *st = cli_open_store(o.data_dir);
	char cid[CORE_ID_MAX + 1];
	rc = st && session_id(st, pos[0], pos[1], cid, NULL) == 0 ? 0 : 1;
	cli_attendance_entry e = {.label = pos[2], .minutes = minutes, .reason = pos[4]};
	char why2[STORE_LABEL_MAX + 128];
	if (rc == 0 && cli_attendance_apply(st, pos[0], cid, &e, 1, (int64_t)time(NULL) * 1000, why2, sizeof why2)) {
		fprintf(stderr, "roundtable: %s\n", why2);
		rc = 1;
	}
	if (rc == 0)
		printf("%s, session %s: %+d minutes (%s)\n", pos[2], pos[1], minutes, pos[4]);
	store_close(st);
	return rc;
}

/* The audit trail, as its rows come. */
static void print_correction(void *arg, const char *label, int session, int minutes, const char *reason, int64_t at)
{
	const bool *csv = arg;
	char when[32] = "";
	time_t t = (time_t)(at / 1000);
	struct tm tm;
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (*csv) {
		printf("%s,", when);
		report_csv_field(stdout, label);
		printf(",%d,%+d,", session, minutes);
		report_csv_field(stdout, reason);
		printf("\r\n");
	} else {
		printf("  %s  %-24s session %d  %+d min  %s\n", when, label, session, minutes, reason);
	}
}

/* audit ID [--csv]: every correction, oldest first: when, label, session, minutes, reason. */
static int programme_audit(int argc, char **argv, const char *usage)
{
	static const int allowed[] = {OPT_DATA, OPT_CSV, 0};
	options o = {.data_dir = "data"};
	char *id;
	int rc = cli_parse_options(argc, argv, usage, allowed, &o, &id, 1, "expects a programme id");
	if (rc)
		return rc > 0 ? 0 : 2;
	store *st = cli_open_store(o.data_dir);
	store_programme p;
	rt_err err = st ? store_find_programme(st, id, &p) : RT_E_SERVER_UNAVAILABLE;
	if (!err) {
		if (o.csv)
			printf("time,invitation,session,minutes,reason\r\n");
		else
			printf("Corrections of programme %s: %s\n", id, p.title);
		err = store_attendance_audit(st, id, print_correction, &o.csv);
	}
	if (err)
		fprintf(stderr, "roundtable: %s\n",
		        err == RT_E_NOT_FOUND ? "no such programme" : "cannot read the database");
	store_close(st);
	return err ? 1 : 0;
}

/* One label's records, by session. */
typedef struct label_view {
	const char *label;
	int64_t measured[CORE_MAX_SESSIONS + 1], imported[CORE_MAX_SESSIONS + 1], corrected[CORE_MAX_SESSIONS + 1];
	int corrections[CORE_MAX_SESSIONS + 1];
	bool invited;
} label_view;

static void take_label(void *arg, const char *label, int session, int64_t measured_ms, int64_t imported_min,
                       int64_t corrected_min, int corrections)
{
	label_view *v = arg;
	if (strcmp(label, v->label) != 0 || session < 0 || session > CORE_MAX_SESSIONS)
		return;
	if (session == 0) {
		v->invited = true;
		return;
	}
	v->measured[session] = measured_ms;
	v->imported[session] = imported_min;
	v->corrected[session] = corrected_min;
	v->corrections[session] = corrections;
}

int cli_programme_label(store *st, const char *pid, const char *label, bool csv)
{
	store_programme p;
	store_session *ss = calloc(CORE_MAX_SESSIONS, sizeof *ss);
	label_view *v = calloc(1, sizeof *v);
	int n = 0;
	rt_err err = ss && v ? store_find_programme(st, pid, &p) : RT_E_SERVER_UNAVAILABLE;
	if (!err)
		err = store_programme_sessions(st, pid, ss, CORE_MAX_SESSIONS, &n);
	if (!err) {
		v->label = label;
		for (int i = 0; i <= CORE_MAX_SESSIONS; i++)
			v->measured[i] = v->imported[i] = -1;
		err = store_attendance_detail(st, pid, take_label, v);
	}
	if (err) {
		fprintf(stderr, "roundtable: %s\n",
		        err == RT_E_NOT_FOUND ? "no such programme" : "cannot read the database");
		free(ss);
		free(v);
		return 1;
	}
	if (csv)
		printf("session,measured minutes,imported minutes,corrections,counted minutes,attended\r\n");
	else
		printf("%s in programme %s: %s%s\n", label, pid, p.title, v->invited ? "" : " (no working invitation)");
	int attended = 0;
	for (int i = 1; i <= n; i++) {
		int64_t ms = core_attendance_effective(v->measured[i], v->imported[i] < 0 ? -1 : v->imported[i] * 60000,
		                                       v->corrected[i] * 60000, v->corrections[i] > 0);
		bool yes = ms >= 0 && core_attended(ms, ss[i - 1].info.scheduled_ms, p.attend_percent);
		attended += yes;
		long measured = v->measured[i] < 0 ? -1 : (long)((v->measured[i] + 30000) / 60000);
		long counted = ms < 0 ? -1 : (long)((ms + 30000) / 60000);
		if (csv) {
			printf("%d,", i);
			if (measured >= 0)
				printf("%ld", measured);
			printf(",");
			if (v->imported[i] >= 0)
				printf("%lld", (long long)v->imported[i]);
			printf(",%+lld,", (long long)v->corrected[i]);
			if (counted >= 0)
				printf("%ld", counted);
			printf(",%s\r\n", yes ? "yes" : "no");
		} else {
			printf("  session %d: ", i);
			if (counted < 0) {
				printf("nothing recorded\n");
				continue;
			}
			printf("%ld of %lld min", counted, (long long)(ss[i - 1].info.scheduled_ms / 60000));
			if (measured >= 0)
				printf("; page open %ld", measured);
			if (v->imported[i] >= 0)
				printf("; other record %lld", (long long)v->imported[i]);
			if (v->corrections[i])
				printf("; corrected %+lld (%d)", (long long)v->corrected[i], v->corrections[i]);
			printf("%s\n", yes ? "  attended" : "");
		}
	}
	if (!csv)
		printf("%d of %d sessions attended; the certificate needs %d: %s\n", attended, n, p.certificate,
		       core_certified(attended, p.certificate) ? "met" : "not met");
	free(ss);
	free(v);
	return 0;
}

int cli_programme_attendance_more(int argc, char **argv, const char *usage)
{
	if (!strcmp(argv[1], "import"))
		return programme_import(argc - 1, argv + 1, usage);
	if (!strcmp(argv[1], "correct"))
		return programme_correct(argc - 1, argv + 1, usage);
	return programme_audit(argc - 1, argv + 1, usage);
}
