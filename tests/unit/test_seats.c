/* test_seats.c — the core's rules for personal invitations (server/core/seats.c): priority
 * groups, the order in which a waiting list takes seats and how many take one; and the
 * certificate's rule (server/core/attend.c) at its boundaries. */
#include <stdbool.h>
#include <stdlib.h>

#include "attend.h"
#include "check.h"
#include "seats.h"

#define MIN_MS 60000LL
#define MAX_WAITING 8

static void group_cases(void)
{
	static const struct {
		const char *priority, *group;
		int rank;
	} cases[] = {
	    {"speakers members observers", "speakers", 0},
	    {"speakers members observers", "members", 1},
	    {"speakers members observers", "observers", 2},
	    {"speakers members observers", NULL, 3}, /* no group: after every listed one */
	    {"speakers members observers", "press", -1},
	    {"speakers members observers", "member", -1}, /* a prefix is not a group */
	    {"speakers members observers", "members observers", -1},
	    {"speakers members observers", "", -1},
	    {"speakers", "speakers", 0},
	    {"speakers", NULL, 1},
	    {"", NULL, 0},
	    {"", "speakers", -1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK_EQ_INT(core_group_rank(cases[i].priority, cases[i].group), cases[i].rank);

	static const struct {
		const char *priority;
		int rank;
		const char *name; /* NULL: none */
	} names[] = {
	    {"speakers members observers", 0, "speakers"},  {"speakers members observers", 1, "members"},
	    {"speakers members observers", 2, "observers"}, {"speakers members observers", 3, NULL},
	    {"speakers members observers", -1, NULL},       {"", 0, NULL},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t len = 99;
		const char *g = core_group_name(names[i].priority, names[i].rank, &len);
		if (!names[i].name) {
			CHECK(g == NULL);
			CHECK_EQ_INT(len, 0);
			continue;
		}
		CHECK(g != NULL);
		CHECK_EQ_INT(len, strlen(names[i].name));
		CHECK(g && !strncmp(g, names[i].name, len));
		/* The name's rank is the rank it was asked for. */
		char copy[64];
		snprintf(copy, sizeof copy, "%.*s", (int)len, g ? g : "");
		CHECK_EQ_INT(core_group_rank(names[i].priority, copy), names[i].rank);
	}
}

static void free_cases(void)
{
	static const struct {
		int seats, invited, free_seats;
	} cases[] = {
	    {-1, 0, -1}, {-1, 500, -1},            /* no cap: unlimited */
	    {5, 2, 3},   {5, 5, 0},     {2, 5, 0}, /* a cap lowered below the invitations: none, never negative */
	    {0, 0, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK_EQ_INT(core_seats_free(cases[i].seats, cases[i].invited), cases[i].free_seats);
}

/* One waiting list as given, the seats, and who leaves it, in order. */
static const struct promote_case {
	const char *what;
	int seats, invited;
	struct {
		const char *label;
		int rank;
		int64_t arrival;
	} list[MAX_WAITING];
	const char *seated[MAX_WAITING]; /* NULL-terminated */
	const char *rest[MAX_WAITING];   /* the order of those left waiting, NULL-terminated */
} promote_cases[] = {
    {"priority groups in order", 2, 0, {{"x", 2, 1}, {"y", 1, 2}, {"z", 0, 3}}, {"z", "y"}, {"x"}},
    {"first come, first served within a group",
     2,
     0,
     {{"late", 0, 9}, {"early", 0, 1}, {"mid", 0, 5}},
     {"early", "mid"},
     {"late"}},
    {"a group before an earlier arrival of a later group",
     1,
     0,
     {{"observer", 2, 1}, {"speaker", 0, 7}},
     {"speaker"},
     {"observer"}},
    {"no seats: every one leaves, in order", -1, 40, {{"c", 1, 3}, {"a", 0, 1}, {"b", 0, 2}}, {"a", "b", "c"}, {NULL}},
    {"full: nobody leaves", 3, 3, {{"a", 0, 1}, {"b", 0, 2}}, {NULL}, {"a", "b"}},
    {"a revocation frees one seat (3 seats, 3 invited, 1 revoked)", 3, 3 - 1, {{"a", 0, 1}, {"b", 0, 2}}, {"a"}, {"b"}},
    {"two revocations free two", 3, 3 - 2, {{"a", 0, 1}, {"b", 0, 2}, {"c", 0, 3}}, {"a", "b"}, {"c"}},
    {"a cap lowered below the invitations: nobody", 1, 4, {{"a", 0, 1}}, {NULL}, {"a"}},
    {"zero seats: nobody", 0, 0, {{"a", 0, 1}}, {NULL}, {"a"}},
    {"more seats than waiting", 10, 2, {{"a", 1, 1}, {"b", 0, 2}}, {"b", "a"}, {NULL}},
    {"an empty list", 5, 0, {{NULL, 0, 0}}, {NULL}, {NULL}},
    {"ties keep the order given", 1, 0, {{"p", 0, 1}, {"q", 0, 1}}, {"p"}, {"q"}},
    {"ties keep the order given, reversed", 1, 0, {{"q", 0, 1}, {"p", 0, 1}}, {"q"}, {"p"}},
    {"ties within groups", 3, 0, {{"b1", 1, 1}, {"a1", 0, 5}, {"b2", 1, 1}, {"a2", 0, 5}}, {"a1", "a2", "b1"}, {"b2"}},
};

static void promote_cases_run(void)
{
	for (size_t c = 0; c < sizeof promote_cases / sizeof promote_cases[0]; c++) {
		const struct promote_case *pc = &promote_cases[c];
		core_waiting w[MAX_WAITING];
		int n = 0;
		for (; n < MAX_WAITING && pc->list[n].label; n++)
			w[n] = (core_waiting){
			    .label = pc->list[n].label, .rank = pc->list[n].rank, .arrival = pc->list[n].arrival};
		int seated = core_seats_promote(w, n, pc->seats, pc->invited);
		int want = 0;
		while (want < MAX_WAITING && pc->seated[want])
			want++;
		if (seated != want)
			fprintf(stderr, "case: %s\n", pc->what);
		CHECK_EQ_INT(seated, want);
		for (int i = 0; i < want && i < seated; i++)
			CHECK_EQ_STR(w[i].label, pc->seated[i]);
		for (int i = seated, k = 0; i < n; i++, k++)
			CHECK_EQ_STR(w[i].label, pc->rest[k]);
	}
}

static void certificate_cases(void)
{
	/* Each session is scheduled for an hour; attended at 50 % (30 minutes). */
	static const int64_t hour[3] = {60 * MIN_MS, 60 * MIN_MS, 60 * MIN_MS};
	static const struct {
		int64_t ms[3];
		int percent;
		bool was[3];
		int attended;
	} rows[] = {
	    {{30 * MIN_MS, 30 * MIN_MS - 1, -1}, 50, {true, false, false}, 1}, /* exactly half; a ms short; none */
	    {{60 * MIN_MS, 59 * MIN_MS, 0}, 100, {true, false, false}, 1},
	    {{0, -1, 0}, 0, {true, false, true}, 2}, /* 0 %: any record counts, no record never */
	    {{90 * MIN_MS, 31 * MIN_MS, 30 * MIN_MS}, 50, {true, true, true}, 3},
	    {{-1, -1, -1}, 50, {false, false, false}, 0},
	};
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		bool was[3] = {!rows[r].was[0], !rows[r].was[1], !rows[r].was[2]};
		CHECK_EQ_INT(core_sessions_attended(rows[r].ms, hour, 3, rows[r].percent, was), rows[r].attended);
		for (int i = 0; i < 3; i++)
			CHECK_EQ_INT(was[i], rows[r].was[i]);
		CHECK_EQ_INT(core_sessions_attended(rows[r].ms, hour, 3, rows[r].percent, NULL), rows[r].attended);
	}
	/* Sessions of different lengths: each against its own schedule. */
	static const int64_t mixed[2] = {120 * MIN_MS, 30 * MIN_MS};
	static const int64_t forty[2] = {40 * MIN_MS, 40 * MIN_MS};
	CHECK_EQ_INT(core_sessions_attended(forty, mixed, 2, 50, NULL), 1);

	static const struct {
		int attended, certificate;
		bool earned;
	} certs[] = {
	    {7, 7, true}, {6, 7, false}, {8, 7, true}, {0, 1, false}, {1, 1, true},
	};
	for (size_t i = 0; i < sizeof certs / sizeof certs[0]; i++)
		CHECK_EQ_INT(core_certified(certs[i].attended, certs[i].certificate), certs[i].earned);

	static const struct {
		int sessions, certificate;
	} defaults[] = {{8, 7}, {3, 2}, {2, 1}, {1, 1}};
	for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
		CHECK_EQ_INT(core_certificate_default(defaults[i].sessions), defaults[i].certificate);
}

int main(void)
{
	group_cases();
	free_cases();
	promote_cases_run();
	certificate_cases();
	return check_done();
}
