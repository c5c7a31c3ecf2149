/* programme.c — programmes of sessions (programme new, programme attendance) and personal
 * invitations with seats and a waiting list (invitations): parse, ask the store, print. Who
 * leaves the waiting list, and who earns a certificate, are the core's rules. */
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
static void *room_for_one(void *items, int n, int *cap, size_t size)
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
		attendee_row *rows = room_for_one(t->rows, t->n, &t->cap, sizeof *rows);
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

/* store_each_label's callback for --list: invitations (no priority), or the waiting list with
 * positions and groups; with `find`, only that label's line. */
typedef struct label_listing {
	const char *priority;
	const char *find;
	int n;
} label_listing;

static void list_label(void *arg, const char *label, int rank, int64_t ms)
{
	(void)ms;
	label_listing *l = arg;
	l->n++;
	if (l->find && strcmp(l->find, label) != 0)
		return;
	if (!l->priority) {
		printf("  %s\n", label);
		return;
	}
	if (l->find)
		printf("%s: waiting list, position %d", label, l->n);
	size_t len;
	const char *g = core_group_name(l->priority, rank, &len);
	int glen = len ? (int)len : 5;
	if (!len)
		g = "other";
	if (l->find)
		printf(" (%.*s)\n", glen, g);
	else
		printf("  %d. %s (%.*s)\n", l->n, label, glen, g);
}

/* The waiting list as the store lists it (store_each_label's callback), so that the core can
 * say who leaves it: each label with its group, in the order of arrival within a group. */
typedef struct waiting_entry {
	char label[STORE_LABEL_MAX + 1];
	int rank;
} waiting_entry;

typedef struct waiting_list {
	waiting_entry *e;
	int n, cap;
	bool failed;
} waiting_list;

static void take_waiting(void *arg, const char *label, int rank, int64_t ms)
{
	(void)ms;
	waiting_list *l = arg;
	waiting_entry *e = l->failed ? NULL : room_for_one(l->e, l->n, &l->cap, sizeof *e);
	if (!e) {
		l->failed = true;
		return;
	}
	l->e = e;
	snprintf(e[l->n].label, sizeof e[l->n].label, "%s", label);
	e[l->n++].rank = rank;
}

/* Gives free seats to the owner's waiting list, in the core's order (core_seats_promote): each
 * label taken off the list gets an invitation link in ls. 0, or -1. */
static int promote(store *st, const char *id, const store_seats *s, const char *base, link_set *ls)
{
	waiting_list l = {0};
	if (store_each_label(st, id, false, take_waiting, &l) != RT_OK || l.failed) {
		free(l.e);
		return -1;
	}
	core_waiting *w = calloc((size_t)l.n + 1, sizeof *w);
	int rc = w ? 0 : -1;
	for (int i = 0; w && i < l.n; i++)
		w[i] = (core_waiting){.label = l.e[i].label, .rank = l.e[i].rank, .arrival = i};
	int seated = w ? core_seats_promote(w, l.n, s->seats, s->invited) : 0;
	for (int i = 0; rc == 0 && i < seated; i++)
		if (store_waiting_remove(st, id, w[i].label) ||
		    cli_issue_for(st, id, s->programme, base, CORE_ROLE_PARTICIPANT, STORE_TOKEN_PERSONAL, w[i].label,
		                  ls))
			rc = -1;
	free(w);
	free(l.e);
	return rc;
}

/* CHR-3: --reissue LABEL: the invitation LABEL may draw one more credential (a lost device), in
 * consultation id or in every session of programme id, each invitation at most
 * STORE_CREDENTIAL_REISSUES times. The running server reads the count at the next draw. */
static int reissue(const char *data_dir, const char *id, const char *label, bool more, const char *usage)
{
	if (more) {
		fprintf(stderr, "roundtable invitations: --reissue goes alone\n\n%s", usage);
		return 2;
	}
	store *st = cli_open_store(data_dir);
	store_session ss[CORE_MAX_SESSIONS];
	int n = 0, allowed = 0;
	rt_err err = st ? store_programme_sessions(st, id, ss, CORE_MAX_SESSIONS, &n) : RT_E_SERVER_UNAVAILABLE;
	if (err == RT_OK && n == 0) {
		snprintf(ss[0].id, sizeof ss[0].id, "%s", id);
		n = 1;
	}
	for (int i = 0; err == RT_OK && i < n; i++) {
		int count = 0;
		err = store_credential_allow(st, ss[i].id, label, STORE_CREDENTIAL_REISSUES, &count);
		allowed += count;
	}
	if (err == RT_OK)
		err = store_commit(st);
	store_close(st);
	if (err) {
		fprintf(stderr, "roundtable: cannot write the database\n");
		return 1;
	}
	if (!allowed) {
		fprintf(stderr,
		        "roundtable: %s has no credential to re-issue here (it drew none, was re-issued %d times "
		        "already, or is not an invitation)\n",
		        label, STORE_CREDENTIAL_REISSUES);
		return 1;
	}
	printf("%s: may draw a new credential (%d session%s); each re-issue may vote again\n", label, allowed,
	       allowed == 1 ? "" : "s");
	return 0;
}

int cli_apply_invitations(store *st, const char *id, const cli_invitation_change *c, const char *base, link_set *ls,
                          bool *was_invited, char *why, size_t cap)
{
	why[0] = '\0';
	for (int i = 0; i < c->nadds; i++) {
		size_t len = strlen(c->adds[i]);
		long cp = core_utf8_count(c->adds[i], len);
		bool ctrl = false;
		for (size_t k = 0; k < len; k++)
			ctrl = ctrl || (unsigned char)c->adds[i][k] < 0x20;
		if (cp < 1 || len > STORE_LABEL_MAX || ctrl || c->adds[i][0] == ' ') {
			snprintf(why, cap, "a label of 1 to %d bytes of UTF-8 text without control characters",
			         STORE_LABEL_MAX);
			return 2;
		}
	}
	store_seats s;
	rt_err err = store_seats_get(st, id, &s);
	if (err) {
		snprintf(why, cap, "%s",
		         err == RT_E_NOT_FOUND ? "no such programme or consultation (a programme's session takes "
		                                 "the programme's invitations)"
		                               : "cannot read the database");
		return err == RT_E_NOT_FOUND ? 3 : -1;
	}
	int rank = core_group_rank(s.priority, c->group);
	if (rank < 0) {
		snprintf(why, cap, "the group must be one of the priority groups: %s",
		         s.priority[0] ? s.priority : "(none listed)");
		return 2;
	}
	int rc = 0, revoked = 0;
	/* Everything is checked before anything is written: a refused label changes nothing. The
	 * labels revoked come first, then those added. */
	const char *given[2 * MAX_LABEL_ARGS];
	int ngiven = 0;
	for (int i = 0; i < c->nrevokes; i++)
		given[ngiven++] = c->revokes[i];
	for (int i = 0; i < c->nadds; i++)
		given[ngiven++] = c->adds[i];
	for (int i = 0; rc == 0 && i < ngiven; i++) {
		bool add = i >= c->nrevokes;
		store_label_state state;
		if (store_label_state_get(st, id, given[i], &state)) {
			rc = -1;
		} else if (add ? state != STORE_LABEL_NONE : state == STORE_LABEL_NONE) {
			snprintf(why, cap, "%s is %s", given[i],
			         state == STORE_LABEL_INVITED   ? "already invited"
			         : state == STORE_LABEL_WAITING ? "already on the waiting list"
			                                        : "neither invited nor waiting");
			rc = 1;
		}
		for (int j = 0; rc == 0 && j < i; j++)
			if (!strcmp(given[i], given[j])) {
				snprintf(why, cap, "%s is given twice", given[i]);
				rc = 1;
			}
	}
	for (int i = 0; rc == 0 && i < c->nrevokes; i++) {
		int n = 0;
		if (store_revoke_tokens(st, id, CORE_ROLE_PARTICIPANT, STORE_TOKEN_PERSONAL, c->revokes[i], &n) ||
		    store_waiting_remove(st, id, c->revokes[i]))
			rc = -1;
		revoked += n;
		was_invited[i] = n > 0;
	}
	if (rc == 0 && c->seats != -2 && store_seats_set(st, id, s.programme, c->seats))
		rc = -1;
	if (c->seats != -2)
		s.seats = c->seats;
	s.invited -= revoked;
	/* Newcomers join the end of their group; then free seats go to the list, in the core's order
	 * (seats freed by the revocations above included). */
	for (int i = 0; rc == 0 && i < c->nadds; i++) {
		int pos;
		if (store_waiting_add(st, id, s.programme, c->adds[i], rank, &pos))
			rc = -1;
	}
	if (rc == 0)
		rc = promote(st, id, &s, base, ls);
	/* Links are shown only once they are durable. */
	if (rc == 0 && store_commit(st) != RT_OK)
		rc = -1;
	if (rc)
		store_rollback(st);
	if (rc < 0)
		snprintf(why, cap, "could not store the invitations");
	return rc;
}

int cli_invitations(int argc, char **argv, const char *usage)
{
	static const int allowed[] = {OPT_DATA, OPT_ADD,      OPT_GROUP,   OPT_REVOKE, OPT_SEATS,
	                              OPT_LIST, OPT_BASE_URL, OPT_REISSUE, OPT_CSV,    0};
	options o = {.data_dir = "data", .listen = "127.0.0.1", .port = 8080};
	char *id = NULL;
	int rc = cli_parse_options(argc, argv, usage, allowed, &o, &id, 1, "expects a programme or consultation id");
	if (rc)
		return rc > 0 ? 0 : 2;
	if (o.reissue)
		return reissue(o.data_dir, id, o.reissue, o.nadds || o.nrevokes || o.seats || o.list, usage);
	if (!o.nadds && !o.nrevokes && !o.seats && !o.list) {
		fprintf(stderr, "roundtable invitations: give --add, --revoke, --seats, --reissue or --list\n\n%s",
		        usage);
		return 2;
	}
	if (o.csv && o.list) {
		/* The server keeps hashes only: a link can be printed once, when it is made. */
		fprintf(stderr, "roundtable: --csv prints the links made now (by --add, --seats or --revoke freeing a "
		                "seat); links made before cannot be printed again: the server keeps only hashes\n");
		return 2;
	}
	int seats = -2; /* not changed */
	if (o.seats && strcmp(o.seats, "none") != 0 && cli_parse_int(o.seats, 0, 100000, &seats)) {
		fprintf(stderr, "roundtable: --seats must be a number from 0 to 100000, or none\n");
		return 2;
	}
	if (o.seats && !strcmp(o.seats, "none"))
		seats = -1;
	store *st = cli_open_store(o.data_dir);
	if (!st)
		return 1;
	link_set *ls = calloc(1, sizeof *ls);
	char base[URL_MAX - 32];
	cli_default_base(&o, base, sizeof base);
	cli_invitation_change c = {.adds = o.adds,
	                           .nadds = o.nadds,
	                           .revokes = o.revokes,
	                           .nrevokes = o.nrevokes,
	                           .group = o.group,
	                           .seats = seats};
	bool was_invited[MAX_LABEL_ARGS];
	char why[STORE_LABEL_MAX + 160];
	rc = ls ? cli_apply_invitations(st, id, &c, base, ls, was_invited, why, sizeof why) : -1;
	if (rc > 0) {
		if (rc == 2 && !strncmp(why, "a label", 7))
			fprintf(stderr, "roundtable: --add takes %s\n", why);
		else if (rc == 2)
			fprintf(stderr, "roundtable: --group must be %s\n", strstr(why, "one of"));
		else
			fprintf(stderr, "roundtable: %s\n", why);
		store_close(st);
		free(ls);
		return rc == 3 ? 1 : rc;
	}
	for (int i = 0; rc == 0 && i < o.nrevokes; i++)
		printf("%s: %s\n", o.revokes[i], was_invited[i] ? "invitation revoked" : "taken off the waiting list");
	if (rc == 0) {
		if (o.csv)
			printf("label,link\r\n");
		for (int i = 0; i < ls->n; i++) {
			if (!o.csv) {
				printf("%s: invited: %s\n", ls->labels[i], ls->urls[i]);
				continue;
			}
			/* For a mail merge: the formulas guard of every CSV Roundtable writes. */
			report_csv_field(stdout, ls->labels[i]);
			putchar(',');
			report_csv_field(stdout, ls->urls[i]);
			printf("\r\n");
		}
		fflush(stdout);
		store_seats s;
		label_listing waiting = {.priority = store_seats_get(st, id, &s) == RT_OK ? s.priority : ""};
		for (int i = 0; i < o.nadds; i++) {
			store_label_state state = STORE_LABEL_NONE;
			store_label_state_get(st, id, o.adds[i], &state);
			if (state == STORE_LABEL_WAITING) {
				waiting.n = 0;
				waiting.find = o.adds[i];
				if (o.csv) /* standard output is the CSV alone */
					fprintf(stderr, "%s: waiting list\n", o.adds[i]);
				else
					store_each_label(st, id, false, list_label, &waiting);
			}
		}
	}
	bool any_revoked = false;
	for (int i = 0; rc == 0 && i < o.nrevokes; i++)
		any_revoked = any_revoked || was_invited[i];
	if (rc == 0 && any_revoked) {
		/* A running server cuts off who held a revoked invitation, now. */
		char *req = wire_encode_control_request("links", id, NULL, 0);
		if (req) {
			char reply[512];
			net_control_request(o.data_dir, req, reply, sizeof reply);
		}
		free(req);
	}
	if (rc == 0 && o.list) {
		store_seats now;
		if (store_seats_get(st, id, &now) == RT_OK) {
			printf("%s %s: ", now.programme ? "Programme" : "Consultation", id);
			if (now.seats >= 0)
				printf("%d of %d seats taken; %d waiting\n", now.invited, now.seats, now.waiting);
			else
				printf("%d invited (no cap); %d waiting\n", now.invited, now.waiting);
			label_listing all = {0};
			printf("invited:\n");
			store_each_label(st, id, true, list_label, &all);
			all = (label_listing){.priority = now.priority};
			printf("waiting list, in order:\n");
			store_each_label(st, id, false, list_label, &all);
		}
	}
	if (rc < 0)
		fprintf(stderr, "roundtable: could not store the invitations\n");
	store_close(st);
	free(ls);
	return rc ? 1 : 0;
}
