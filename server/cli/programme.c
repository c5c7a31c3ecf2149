/* programme.c — programmes of sessions (programme new, attendance, export): parse, ask the
 * store, print. Who earns a certificate is the core's rule; invitations are invitations.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attend.h"
#include "cli.h"
#include "crypto.h"
#include "report.h"
#include "seats.h"

/* A session's planned start in server ms (UTC): its first segment's date (or the agenda's) and
 * start, in the agenda's time zone; 0 when it has no date. */
static int64_t planned_start_ms(const core_agenda *a)
{
	const core_segment *g = &a->segments[0];
	return cli_local_ms(a->timezone, g->date[0] ? g->date : a->date, g->start_min);
}

int cli_make_programme(store *st, const char *text, size_t len, const char *base, int invitations, store_programme *sp,
                       wire_programme *wp, link_set *ls, wire_agenda_errors *errs)
{
	if (wire_decode_programme(text, len, wp, errs))
		return -1;
	core_agenda *all = calloc(1, sizeof *all);     /* the programme, as its links see it */
	wire_agenda_errors *own = malloc(sizeof *own); /* a session's errors, before their place */
	*sp =
	    (store_programme){.attend_percent = wp->attend_percent, .certificate = wp->certificate, .seats = wp->seats};
	snprintf(sp->title, sizeof sp->title, "%s", wp->title);
	snprintf(sp->priority, sizeof sp->priority, "%s", wp->priority);
	int rc = all && own && !crypto_random_id(sp->id, 10) && store_create_programme(st, sp) == RT_OK ? 0 : -3;
	for (int i = 0; rc == 0 && i < wp->nsessions; i++) {
		core_agenda *a = &wp->sessions[i];
		uint8_t secret[CRYPTO_SECRET_BYTES];
		if (crypto_random_id(a->id, 10) || crypto_random(secret, sizeof secret) ||
		    store_create_consultation(st, a, secret, NULL) || cli_credential_key(st, a->id) ||
		    store_add_session(st, a->id, sp->id, i + 1, planned_start_ms(a)))
			rc = -3;
		memset(secret, 0, sizeof secret);
		/* POLL-1: the polls the session's agenda prepares, their errors at their place. */
		if (rc == 0 && (rc = cli_make_agenda_polls(st, wp->texts[i], strlen(wp->texts[i]), a, own)) == -1) {
			errs->n = own->n;
			for (int k = 0; k < own->n; k++)
				snprintf(errs->msg[k], sizeof errs->msg[k], "sessions[%d].%.130s", i, own->msg[k]);
		}
		/* Booth links for every channel of any session. */
		for (int c = 0; c < a->nchannels; c++)
			if (!core_language_offered(all, a->channels[c]))
				all->channels[all->nchannels++] = a->channels[c];
	}
	if (rc == 0) {
		snprintf(all->id, sizeof all->id, "%s", sp->id);
		all->floor = CORE_LANG_COUNT; /* no floor: every channel is offered above */
		rc = cli_issue_owner_links(st, all, true, base, invitations, ls) ? -2 : 0;
	} else {
		store_rollback(st);
	}
	free(all);
	free(own);
	if (rc)
		wire_programme_free(wp);
	return rc;
}

static int programme_new(int argc, char **argv, const char *usage)
{
	static const int allowed[] = {OPT_DATA, OPT_BASE_URL, OPT_INVITATIONS, 0};
	options o = {.data_dir = "data", .listen = "127.0.0.1", .port = 8080};
	char *path = NULL;
	int rc = cli_parse_options(argc, argv, usage, allowed, &o, &path, 1, "expects one programme file");
	if (rc)
		return rc > 0 ? 0 : 2;
	size_t len;
	char *text = cli_read_text(path, &len);
	if (!text)
		return 1;
	wire_programme wp;
	wire_agenda_errors *errs = malloc(sizeof *errs);
	store *st = errs ? cli_open_store(o.data_dir) : NULL;
	link_set *ls = calloc(1, sizeof *ls);
	store_programme sp;
	char base[URL_MAX - 32];
	cli_default_base(&o, base, sizeof base);
	rc = st && ls ? cli_make_programme(st, text, len, base, o.invitations, &sp, &wp, ls, errs) : -3;
	free(text);
	if (rc == -1)
		cli_print_file_errors(path, "programme", errs);
	else if (rc == -3)
		fprintf(stderr, "roundtable: could not store the programme\n");
	free(errs);
	if (rc == 0) {
		printf("Roundtable programme %s: %s\n", sp.id, sp.title);
		printf("  attended: %d%% of a session's scheduled time; certificate: %d of %d sessions\n",
		       sp.attend_percent, sp.certificate, wp.nsessions);
		for (int i = 0; i < wp.nsessions; i++) {
			const core_agenda *a = &wp.sessions[i];
			printf("  session %d: %s %02d:%02d %s  %s  %s\n", i + 1,
			       a->segments[0].date[0] ? a->segments[0].date : a->date, a->segments[0].start_min / 60,
			       a->segments[0].start_min % 60, a->timezone, a->id, a->title);
		}
		printf("Links for every session:\n");
		cli_print_link_lines(ls);
		wire_programme_free(&wp);
	}
	free(ls);
	store_close(st);
	return rc ? 1 : 0;
}

/* One invitation label's attendance, gathered for the report. */
typedef struct attendee_row {
	char label[STORE_LABEL_MAX + 1];
	int64_t ms[CORE_MAX_SESSIONS + 1]; /* by session number; -1: none recorded */
} attendee_row;

typedef struct attendance_table {
	attendee_row *rows;
	int n, cap;
	bool failed;
} attendance_table;

/* items (n of them, room for *cap, each `size` bytes) with room for one more: the same or a
 * larger array (then *cap grows), or NULL when out of memory (items is left as it was). */
void *cli_room_for_one(void *items, int n, int *cap, size_t size)
{
	if (n < *cap)
		return items;
	int more = *cap ? *cap * 2 : 64;
	void *bigger = realloc(items, (size_t)more * size);
	if (bigger)
		*cap = more;
	return bigger;
}

/* store_attendance_detail's callback: rows come ordered by label. A session's time is the core's
 * (core_attendance_effective): the page-open measure or the imported record, and corrections. */
static void attendance_row(void *arg, const char *label, int session, int64_t measured_ms, int64_t imported_min,
                           int64_t corrected_min, int corrections)
{
	int64_t ms = core_attendance_effective(measured_ms, imported_min < 0 ? -1 : imported_min * 60000,
	                                       corrected_min * 60000, corrections > 0);
	attendance_table *t = arg;
	if (t->failed)
		return;
	if (!t->n || strcmp(t->rows[t->n - 1].label, label) != 0) {
		attendee_row *rows = cli_room_for_one(t->rows, t->n, &t->cap, sizeof *rows);
		if (!rows) {
			t->failed = true;
			return;
		}
		t->rows = rows;
		attendee_row *r = &t->rows[t->n++];
		snprintf(r->label, sizeof r->label, "%s", label);
		for (int i = 0; i <= CORE_MAX_SESSIONS; i++)
			r->ms[i] = -1;
	}
	if (session >= 1 && session <= CORE_MAX_SESSIONS && ms >= 0)
		t->rows[t->n - 1].ms[session] = ms;
}

/* EX-2: the attendance sheet's usual name: the programme's title, its first session's date, and
 * "attendance" ("training-programme-2026-11-02-attendance.csv"). */
static int output_attendance(const store_programme *p, const store_session *ss, int n, const char *output, bool csv)
{
	char date[16] = "", name[REPORT_FILENAME_MAX];
	time_t t = n > 0 ? (time_t)(ss[0].info.starts_at / 1000) : 0;
	struct tm tm;
	if (t > 0 && gmtime_r(&t, &tm))
		strftime(date, sizeof date, "%Y-%m-%d", &tm);
	report_filename(p->title, date, "attendance", csv ? "csv" : "txt", name, sizeof name);
	return cli_output_to(output, name);
}

static int programme_attendance(int argc, char **argv, const char *usage)
{
	static const int allowed[] = {OPT_DATA, OPT_CSV, OPT_OUTPUT, OPT_LABEL, 0};
	options o = {.data_dir = "data"};
	char *id = NULL;
	int rc = cli_parse_options(argc, argv, usage, allowed, &o, &id, 1, "expects a programme id");
	if (rc)
		return rc > 0 ? 0 : 2;
	store *st = cli_open_store(o.data_dir);
	if (st && o.label) {
		/* One invitation's records, session by session. */
		rc = cli_programme_label(st, id, o.label, o.csv);
		store_close(st);
		return rc;
	}
	store_programme p;
	store_session *ss = calloc(CORE_MAX_SESSIONS, sizeof *ss);
	int n = 0;
	attendance_table t = {0};
	rt_err err = st && ss ? store_find_programme(st, id, &p) : RT_E_SERVER_UNAVAILABLE;
	if (!err)
		err = store_programme_sessions(st, id, ss, CORE_MAX_SESSIONS, &n);
	if (!err)
		err = store_attendance_detail(st, id, attendance_row, &t);
	if (err || t.failed) {
		fprintf(stderr, "roundtable: %s\n",
		        err == RT_E_NOT_FOUND ? "no such programme" : "cannot read the database");
		rc = 1;
	} else if (o.output && output_attendance(&p, ss, n, o.output, o.csv)) {
		rc = 1;
	} else {
		if (o.csv) {
			printf("invitation");
			for (int i = 1; i <= n; i++)
				printf(",session %d", i);
			printf(",sessions attended,certificate\r\n");
		} else {
			printf("Programme %s: %s\n%d sessions; attended at %d%% of a session's scheduled time; "
			       "certificate at %d\n",
			       id, p.title, n, p.attend_percent, p.certificate);
		}
		int64_t scheduled[CORE_MAX_SESSIONS];
		for (int i = 0; i < n; i++)
			scheduled[i] = ss[i].info.scheduled_ms;
		int certified = 0;
		for (int r = 0; r < t.n; r++) {
			const attendee_row *row = &t.rows[r];
			bool was[CORE_MAX_SESSIONS];
			int attended = core_sessions_attended(row->ms + 1, scheduled, n, p.attend_percent, was);
			bool cert = core_certified(attended, p.certificate);
			certified += cert;
			if (o.csv) {
				report_csv_field(stdout, row->label); /* the report's writer: formulas guarded */
				for (int i = 0; i < n; i++)
					printf(",%s", was[i] ? "yes" : "no");
				printf(",%d,%s\r\n", attended, cert ? "yes" : "no");
			} else {
				printf("  %-24s ", row->label);
				for (int i = 0; i < n; i++)
					putchar(was[i] ? 'x' : '.');
				printf("  %d of %d%s\n", attended, n, cert ? "  certificate" : "");
			}
		}
		if (!o.csv)
			printf("%d invitation%s, %d meet%s the certificate's threshold\n", t.n, t.n == 1 ? "" : "s",
			       certified, certified == 1 ? "s" : "");
	}
	free(t.rows);
	free(ss);
	store_close(st);
	return rc;
}

/* EX-4: the programme's report: per session, how many invitations attended it (the same rule as
 * the attendance sheet) and the figures of its own report once sealed. */
int cli_export_programme(const options *o, const char *pid)
{
	if (o->format != REPORT_MD && o->format != REPORT_CSV && o->format != REPORT_JSON) {
		fprintf(stderr, "roundtable: a programme's report is written as md, csv or json\n");
		return 2;
	}
	store *st = cli_open_store(o->data_dir);
	store_programme p;
	store_session *ss = calloc(CORE_MAX_SESSIONS, sizeof *ss);
	report_session *rs = calloc(CORE_MAX_SESSIONS, sizeof *rs);
	core_state *states[CORE_MAX_SESSIONS] = {0}; /* each session, loaded (owned) */
	int n = 0;
	attendance_table t = {0};
	rt_err err = st && ss && rs ? store_find_programme(st, pid, &p) : RT_E_SERVER_UNAVAILABLE;
	if (!err)
		err = store_programme_sessions(st, pid, ss, CORE_MAX_SESSIONS, &n);
	if (!err)
		err = store_attendance_detail(st, pid, attendance_row, &t);
	store_seats seats = {0};
	if (!err)
		err = store_seats_get(st, pid, &seats);
	for (int i = 0; !err && i < n; i++) {
		core_state *state = states[i] = calloc(1, sizeof *state);
		uint8_t secret[CRYPTO_SECRET_BYTES];
		err = state ? store_load(st, ss[i].id, state, secret) : RT_E_SERVER_UNAVAILABLE;
		memset(secret, 0, sizeof secret);
		rs[i] = (report_session){
		    .st = state, .scheduled_ms = ss[i].info.scheduled_ms, .started = ss[i].info.started};
	}
	int rc = 0;
	if (err || t.failed) {
		fprintf(stderr, "roundtable: %s: %s\n", pid,
		        err == RT_E_NOT_FOUND ? "no such consultation or programme" : "cannot read the database");
		rc = 1;
	}
	int64_t scheduled[CORE_MAX_SESSIONS];
	for (int i = 0; i < n; i++)
		scheduled[i] = ss[i].info.scheduled_ms;
	uint32_t certified = 0;
	for (int r = 0; rc == 0 && r < t.n; r++) {
		bool was[CORE_MAX_SESSIONS];
		int attended = core_sessions_attended(t.rows[r].ms + 1, scheduled, n, p.attend_percent, was);
		certified += core_certified(attended, p.certificate);
		for (int i = 0; i < n; i++)
			rs[i].attended += was[i];
	}
	report_programme rp = {.title = p.title,
	                       .attend_percent = p.attend_percent,
	                       .certificate = p.certificate,
	                       .invited = (uint32_t)seats.invited,
	                       .certified = certified,
	                       .n = n,
	                       .sessions = rs};
	report_options opt = {.format = (report_format)o->format, .k = (uint32_t)o->k};
	size_t len = 0;
	char *doc = rc == 0 ? report_programme_render(&rp, &opt, &len) : NULL;
	if (rc == 0 && !doc) {
		fprintf(stderr, "roundtable: out of memory\n");
		rc = 1;
	}
	char name[REPORT_FILENAME_MAX];
	if (doc) {
		char date[16] = "";
		time_t when = n > 0 ? (time_t)(ss[0].info.starts_at / 1000) : 0;
		struct tm tm;
		if (when > 0 && gmtime_r(&when, &tm))
			strftime(date, sizeof date, "%Y-%m-%d", &tm);
		report_filename(p.title, date, "programme-report", report_format_name(opt.format), name, sizeof name);
	}
	if (doc && o->output && cli_output_to(o->output, name))
		rc = 1;
	if (doc && rc == 0)
		rc = fwrite(doc, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : 1;
	free(doc);
	for (int i = 0; i < n; i++)
		if (states[i]) {
			core_state_free(states[i]);
			free(states[i]);
		}
	free(rs);
	free(t.rows);
	free(ss);
	store_close(st);
	return rc;
}

int cli_programme(int argc, char **argv, const char *usage)
{
	if (argc >= 2 && !strcmp(argv[1], "new"))
		return programme_new(argc - 1, argv + 1, usage);
	if (argc >= 2 && !strcmp(argv[1], "attendance"))
		return programme_attendance(argc - 1, argv + 1, usage);
	if (argc >= 2 && (!strcmp(argv[1], "import") || !strcmp(argv[1], "correct") || !strcmp(argv[1], "audit")))
		return cli_programme_attendance_more(argc, argv, usage);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 0;
	}
	fprintf(stderr, "roundtable programme: give new, attendance, import, correct or audit\n\n%s", usage);
	return 2;
}
