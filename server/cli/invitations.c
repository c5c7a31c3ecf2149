/* invitations.c — personal invitations with seats, a waiting list and credential re-issues
 * (roundtable invitations, and the console's organiser.invitations): parse, ask the store,
 * print. Who leaves the waiting list is the core's rule; programmes are programme.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "crypto.h"
#include "seats.h"

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
	waiting_entry *e = l->failed ? NULL : cli_room_for_one(l->e, l->n, &l->cap, sizeof *e);
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
