/* test_attend.c — attendance of a session at its boundaries (reconnections, two tabs, joining
 * late or early, a session extended or sealed) and the session a programme link opens, with a
 * fixed clock. */
#include <stdlib.h>
#include <string.h>

#include "attend.h"
#include "check.h"
#include "fixtures.h"

#define MIN_MS 60000LL
#define T0 FIXED_NOW_MS

static void run(core_state *st, core_cmd_kind kind, uint16_t segment, int minutes, int64_t now)
{
	core_actor chair = fixture_role(CORE_ROLE_COCHAIR);
	core_command cmd = {.kind = kind, .segment = segment, .minutes = minutes};
	core_decision dec;
	rt_err err = core_decide(st, &chair, &cmd, now, &dec);
	CHECK_EQ_INT(err, RT_OK);
	for (int i = 0; err == RT_OK && i < dec.nevents; i++)
		CHECK_EQ_INT(core_evolve(st, &dec.events[i]), 0);
}

/* The hub's part, as it does it: after every change of the consultation, and when the window
 * changes by itself, tell attendance whether the session is in session. */
static int64_t sync_window(core_attendance *att, const core_state *st, int64_t now)
{
	int64_t at;
	core_attendance_window(att, core_in_session(st, now, &at), now);
	return at;
}

/* The fixture's four segments of 15 minutes: 60 minutes scheduled; attendance from 30. */
static void test_window(void)
{
	core_agenda ag = fixture_agenda(false);
	core_state st;
	fixture_state_init(&st, &ag);
	int64_t at;
	CHECK_EQ_INT(core_scheduled_ms(&ag), 60 * MIN_MS);
	CHECK(!core_in_session(&st, T0, &at)); /* idle */
	run(&st, CORE_CMD_CLOCK_START, 0, 0, T0);
	CHECK(core_in_session(&st, T0, &at));
	CHECK_EQ_INT(at, 0); /* not in the last segment: nothing ends by itself */
	run(&st, CORE_CMD_AGENDA_GOTO, 3, 0, T0 + 45 * MIN_MS);
	CHECK(core_in_session(&st, T0 + 45 * MIN_MS, &at));
	CHECK_EQ_INT(at, T0 + 60 * MIN_MS); /* the last segment's end */
	CHECK(!core_in_session(&st, T0 + 60 * MIN_MS, &at));
	CHECK(!core_in_session(&st, T0 + 70 * MIN_MS, &at)); /* overrun is not in session */
	/* Extended by 10 minutes: in session again until the new end. */
	run(&st, CORE_CMD_CLOCK_ADJUST, 0, 10, T0 + 61 * MIN_MS);
	CHECK(core_in_session(&st, T0 + 61 * MIN_MS, &at));
	CHECK_EQ_INT(at, T0 + 70 * MIN_MS);
	/* Paused in the last segment: no end by itself. */
	run(&st, CORE_CMD_CLOCK_PAUSE, 0, 0, T0 + 62 * MIN_MS);
	CHECK(core_in_session(&st, T0 + 90 * MIN_MS, &at));
	CHECK_EQ_INT(at, 0);
	/* Going back reopens it. */
	run(&st, CORE_CMD_AGENDA_GOTO, 1, 0, T0 + 91 * MIN_MS);
	CHECK(core_in_session(&st, T0 + 91 * MIN_MS, &at));
	st.sealed = true;
	CHECK(!core_in_session(&st, T0 + 91 * MIN_MS, &at));
	core_state_free(&st);

	CHECK(core_attended(30 * MIN_MS, 60 * MIN_MS, 50));
	CHECK(!core_attended(30 * MIN_MS - 1, 60 * MIN_MS, 50));
	CHECK(core_attended(45 * MIN_MS, 90 * MIN_MS, 50));
	CHECK(!core_attended(59 * MIN_MS, 60 * MIN_MS, 100));
	CHECK(core_attended(0, 60 * MIN_MS, 0));
}

/* A scripted session: every boundary at once, checked against the expected minutes. */
static void test_attendance(void)
{
	core_agenda ag = fixture_agenda(false);
	core_state st;
	fixture_state_init(&st, &ag);
	core_attendance att;
	core_attendance_init(&att);
	int early = core_attendance_find(&att, "REG-001");   /* joins before the start */
	int late = core_attendance_find(&att, "REG-002");    /* joins 35 minutes in */
	int flaky = core_attendance_find(&att, "REG-003");   /* reconnects */
	int twotabs = core_attendance_find(&att, "REG-004"); /* two tabs, overlapping */
	int stays = core_attendance_find(&att, "REG-005");   /* stays on after the end */
	CHECK_EQ_INT(core_attendance_find(&att, "REG-003"), flaky);
	CHECK_EQ_INT(att.n, 5);

	sync_window(&att, &st, T0 - 10 * MIN_MS);
	core_attendance_join(&att, early, T0 - 10 * MIN_MS);
	core_attendance_join(&att, stays, T0 - 5 * MIN_MS);
	CHECK_EQ_INT(core_attendance_ms(&att, early, T0), 0); /* waiting for the start counts nothing */

	run(&st, CORE_CMD_CLOCK_START, 0, 0, T0);
	sync_window(&att, &st, T0);
	core_attendance_join(&att, flaky, T0 + 1 * MIN_MS);
	core_attendance_leave(&att, flaky, T0 + 11 * MIN_MS); /* 10 minutes */
	core_attendance_join(&att, flaky, T0 + 12 * MIN_MS);  /* a 1-minute gap, not counted */
	core_attendance_leave(&att, flaky, T0 + 32 * MIN_MS); /* 20 more: 30 in all */
	core_attendance_join(&att, twotabs, T0 + 10 * MIN_MS);
	core_attendance_join(&att, twotabs, T0 + 15 * MIN_MS); /* a second tab */
	/* Open now: early, stays and twotabs (flaky's script has run to its end); two tabs are one. */
	CHECK_EQ_INT(att.present, 3);
	core_attendance_leave(&att, twotabs, T0 + 20 * MIN_MS);
	core_attendance_leave(&att, twotabs, T0 + 38 * MIN_MS); /* 28 minutes, not 33 */
	core_attendance_join(&att, late, T0 + 35 * MIN_MS);
	CHECK_EQ_INT(core_attendance_ms(&att, early, T0 + 20 * MIN_MS), 20 * MIN_MS);

	/* Paused for 5 minutes: still the session (counts). */
	run(&st, CORE_CMD_CLOCK_PAUSE, 0, 0, T0 + 40 * MIN_MS);
	sync_window(&att, &st, T0 + 40 * MIN_MS);
	run(&st, CORE_CMD_CLOCK_RESUME, 0, 0, T0 + 45 * MIN_MS);
	sync_window(&att, &st, T0 + 45 * MIN_MS);
	run(&st, CORE_CMD_AGENDA_GOTO, 3, 0, T0 + 50 * MIN_MS);
	int64_t end = sync_window(&att, &st, T0 + 50 * MIN_MS);
	CHECK_EQ_INT(end, T0 + 65 * MIN_MS); /* 15 minutes of the last segment, after the pause */
	/* The co-chairs extend the last segment by 5: the window ends at 70. */
	run(&st, CORE_CMD_CLOCK_ADJUST, 0, 5, T0 + 60 * MIN_MS);
	end = sync_window(&att, &st, T0 + 60 * MIN_MS);
	CHECK_EQ_INT(end, T0 + 70 * MIN_MS);
	sync_window(&att, &st, end); /* the hub's tick at the end */
	CHECK(!att.in_session);
	core_attendance_leave(&att, early, T0 + 71 * MIN_MS);
	core_attendance_leave(&att, late, T0 + 80 * MIN_MS);

	int64_t later = T0 + 200 * MIN_MS;
	CHECK_EQ_INT(core_attendance_ms(&att, early, later), 70 * MIN_MS);
	CHECK_EQ_INT(core_attendance_ms(&att, late, later), 35 * MIN_MS);
	CHECK_EQ_INT(core_attendance_ms(&att, flaky, later), 30 * MIN_MS);
	CHECK_EQ_INT(core_attendance_ms(&att, twotabs, later), 28 * MIN_MS);
	CHECK_EQ_INT(core_attendance_ms(&att, stays, later), 70 * MIN_MS); /* still open: the end stopped it */
	int64_t scheduled = core_scheduled_ms(&ag);
	CHECK(core_attended(core_attendance_ms(&att, flaky, later), scheduled, 50));    /* exactly half */
	CHECK(!core_attended(core_attendance_ms(&att, twotabs, later), scheduled, 50)); /* two short of it */
	CHECK(core_attended(core_attendance_ms(&att, late, later), scheduled, 50));     /* late, but long enough */

	/* Settling makes attended_ms current and marks what changed; a second settle adds nothing. */
	core_attendance_settle(&att, later);
	CHECK_EQ_INT(att.a[early].attended_ms, 70 * MIN_MS);
	CHECK(att.a[early].dirty);
	CHECK(att.dirty);
	CHECK_EQ_INT(att.present, 1); /* stays */
	core_attendance_clean(&att);
	CHECK(!att.dirty && !att.a[early].dirty && !att.a[stays].dirty);
	core_attendance_settle(&att, later + MIN_MS);
	CHECK_EQ_INT(att.a[stays].attended_ms, 70 * MIN_MS);
	CHECK(!att.a[stays].dirty && !att.dirty);

	/* Going back to an earlier segment reopens the window for whoever is still there. */
	run(&st, CORE_CMD_AGENDA_GOTO, 2, 0, T0 + 100 * MIN_MS);
	sync_window(&att, &st, T0 + 100 * MIN_MS);
	CHECK_EQ_INT(core_attendance_ms(&att, stays, T0 + 110 * MIN_MS), 80 * MIN_MS);
	/* Sealed: the window closes for good. */
	st.sealed = true;
	sync_window(&att, &st, T0 + 110 * MIN_MS);
	CHECK_EQ_INT(core_attendance_ms(&att, stays, T0 + 300 * MIN_MS), 80 * MIN_MS);
	core_attendance_free(&att);
	core_state_free(&st);
}

/* Many attendees: the table grows. */
static void test_many(void)
{
	core_attendance att;
	core_attendance_init(&att);
	char label[16];
	for (int i = 0; i < 1000; i++) {
		snprintf(label, sizeof label, "R%d", i);
		CHECK_EQ_INT(core_attendance_find(&att, label), i);
	}
	core_attendance_window(&att, true, T0);
	core_attendance_join(&att, 999, T0);
	CHECK_EQ_INT(core_attendance_ms(&att, 999, T0 + 5), 5);
	CHECK_EQ_INT(core_attendance_find(&att, "R500"), 500);
	core_attendance_free(&att);
}

#define DAY_MS (24 * 60 * MIN_MS)

/* Eight sessions on eight days at T0, 90 minutes each. */
static void programme(core_session_info s[8])
{
	for (int i = 0; i < 8; i++)
		s[i] = (core_session_info){.starts_at = T0 + i * DAY_MS, .scheduled_ms = 90 * MIN_MS};
}

static void test_pick(void)
{
	core_session_info s[8];
	programme(s);
	CHECK_EQ_INT(core_programme_pick(s, 8, T0 - 3 * DAY_MS), 0);      /* before it all: the first */
	CHECK_EQ_INT(core_programme_pick(s, 8, T0 + 30 * MIN_MS), 0);     /* during the first, not started */
	CHECK_EQ_INT(core_programme_pick(s, 8, T0 + 91 * MIN_MS), 1);     /* after its planned end: the next */
	CHECK_EQ_INT(core_programme_pick(s, 8, T0 + 2 * DAY_MS - 1), 2);  /* the day before the third */
	s[0].started = true;                                              /* the first runs late */
	CHECK_EQ_INT(core_programme_pick(s, 8, T0 + 120 * MIN_MS), 0);    /* in progress wins */
	CHECK_EQ_INT(core_programme_pick(s, 8, T0 + DAY_MS - MIN_MS), 1); /* left running overnight: the next */
	s[0].sealed = true;
	CHECK_EQ_INT(core_programme_pick(s, 8, T0 + 120 * MIN_MS), 1); /* sealed: the next */
	s[1].started = s[2].started = true;                            /* two in progress the same day */
	CHECK_EQ_INT(core_programme_pick(s, 8, T0 + 2 * DAY_MS), 2);   /* the later one */
	for (int i = 0; i < 8; i++)
		s[i].started = true;
	CHECK_EQ_INT(core_programme_pick(s, 8, T0 + 30 * DAY_MS), 7); /* over, not sealed: the last */
	for (int i = 0; i < 8; i++)
		s[i].sealed = true;
	CHECK_EQ_INT(core_programme_pick(s, 8, T0 + 30 * DAY_MS), 7); /* all sealed: the last */
	programme(s);
	s[7].starts_at = 0; /* unknown start */
	CHECK_EQ_INT(core_programme_pick(s, 8, T0 + 30 * DAY_MS), 7);
	core_session_info one = {.starts_at = T0, .scheduled_ms = MIN_MS};
	CHECK_EQ_INT(core_programme_pick(&one, 1, T0 + DAY_MS), 0);
}

/* Attendance that holds up: another record and corrections beside the page-open measure. */
static void test_records(void)
{
	/* The longer of the two records, then the corrections; never below 0. */
	CHECK(core_attendance_effective(-1, -1, 0, false) == -1);
	CHECK(core_attendance_effective(30 * MIN_MS, -1, 0, false) == 30 * MIN_MS);
	CHECK(core_attendance_effective(30 * MIN_MS, 80 * MIN_MS, 0, false) == 80 * MIN_MS);
	CHECK(core_attendance_effective(85 * MIN_MS, 80 * MIN_MS, 0, false) == 85 * MIN_MS);
	CHECK(core_attendance_effective(-1, -1, 45 * MIN_MS, true) == 45 * MIN_MS);
	CHECK(core_attendance_effective(20 * MIN_MS, -1, -30 * MIN_MS, true) == 0);
	/* Corrections that cancel out still say something was recorded. */
	CHECK(core_attendance_effective(-1, -1, 0, true) == 0);
	/* What an import and a correction may be. */
	CHECK_EQ_INT(core_import_check(0), RT_OK);
	CHECK_EQ_INT(core_import_check(CORE_IMPORT_MINUTES_MAX), RT_OK);
	CHECK(core_import_check(-1) != RT_OK && core_import_check(CORE_IMPORT_MINUTES_MAX + 1) != RT_OK);
	const char *why;
	static const char ok[] = "joined by telephone, host confirmed";
	CHECK_EQ_INT(core_correction_check(45, ok, sizeof ok - 1, &why), RT_OK);
	CHECK_EQ_INT(core_correction_check(-15, "left early", 10, &why), RT_OK);
	CHECK(core_correction_check(0, ok, sizeof ok - 1, &why) != RT_OK && why);
	CHECK(core_correction_check(1441, ok, sizeof ok - 1, &why) != RT_OK);
	CHECK(core_correction_check(10, "", 0, &why) != RT_OK);
	CHECK(core_correction_check(10, "two\nlines", 9, &why) != RT_OK);
	static const char mail[] = "ask aicha@example.org";
	CHECK(core_correction_check(10, mail, sizeof mail - 1, &why) != RT_OK);
	static const char phone[] = "called +44 20 7946 0018";
	CHECK(core_correction_check(10, phone, sizeof phone - 1, &why) != RT_OK);
	char longer[CORE_REASON_MAX_CP + 2];
	memset(longer, 'a', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	CHECK(core_correction_check(10, longer, sizeof longer - 1, &why) != RT_OK);
	CHECK_EQ_INT(core_correction_check(10, longer, CORE_REASON_MAX_CP, &why), RT_OK);
}

int main(void)
{
	test_records();
	test_window();
	test_attendance();
	test_many();
	test_pick();
	return check_done();
}
