/* test_speakers.c — the list of speakers in the core (FLOOR-1), with a fixed clock: one table of
 * steps (who sends what, the answer, the list after it), the floor language a call moves (LC-3),
 * the report's tables of interventions (EX-4), and the seal that leaves only counts (CHR-5). */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "core.h"
#include "fixtures.h"
#include "report_model.h"

enum { P1 = 1, P2, P3, CHAIR = 100, BOOTH = 101 };

typedef struct step {
	int who;
	core_cmd_kind kind;
	core_lang lang;
	uint32_t ticket;
	int topic; /* -1: none */
	const char *want;
	const char *queue; /* the tickets waiting after it, "1 2" */
	uint32_t current;  /* the ticket that has the floor after it */
	core_lang floor;   /* the floor language after it */
} step;

static core_actor actor(int who)
{
	if (who == CHAIR)
		return fixture_role(CORE_ROLE_COCHAIR);
	if (who == BOOTH) {
		core_actor b = fixture_role(CORE_ROLE_BOOTH);
		b.channel = CORE_LANG_AR;
		return b;
	}
	return fixture_participant((uint8_t)who);
}

static void queue_text(const core_state *st, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; i < st->speakers.n && n < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s%u", i ? " " : "", st->speakers.queue[i].ticket);
}

static const step steps[] = {
    {P1, CORE_CMD_SPEAKER_REQUEST, CORE_LANG_AR, 0, -1, "ok", "1", 0, CORE_LANG_EN},
    {P2, CORE_CMD_SPEAKER_REQUEST, CORE_LANG_FR, 0, 2, "ok", "1 2", 0, CORE_LANG_EN},
    /* one request at a time; a language the consultation does not offer; an unknown topic */
    {P1, CORE_CMD_SPEAKER_REQUEST, CORE_LANG_EN, 0, -1, "speaker.already", "1 2", 0, CORE_LANG_EN},
    {P3, CORE_CMD_SPEAKER_REQUEST, CORE_LANG_ES, 0, -1, "language.unknown", "1 2", 0, CORE_LANG_EN},
    {P3, CORE_CMD_SPEAKER_REQUEST, CORE_LANG_EN, 0, 9, "segment.not_found", "1 2", 0, CORE_LANG_EN},
    {P3, CORE_CMD_SPEAKER_WITHDRAW, CORE_LANG_EN, 0, -1, "speaker.not_found", "1 2", 0, CORE_LANG_EN},
    /* who may */
    {P3, CORE_CMD_SPEAKER_CALL, CORE_LANG_EN, 0, -1, "auth.forbidden", "1 2", 0, CORE_LANG_EN},
    {BOOTH, CORE_CMD_SPEAKERS_CLOSE, CORE_LANG_EN, 0, -1, "auth.forbidden", "1 2", 0, CORE_LANG_EN},
    {CHAIR, CORE_CMD_SPEAKER_REQUEST, CORE_LANG_EN, 0, -1, "auth.forbidden", "1 2", 0, CORE_LANG_EN},
    /* the call: the first waiting, and the floor follows its language */
    {CHAIR, CORE_CMD_SPEAKER_CALL, CORE_LANG_EN, 0, -1, "ok", "2", 1, CORE_LANG_AR},
    {P3, CORE_CMD_SPEAKER_REQUEST, CORE_LANG_AR, 0, -1, "ok", "2 3", 1, CORE_LANG_AR},
    /* called by number; the same language: no floor event */
    {CHAIR, CORE_CMD_SPEAKER_CALL, CORE_LANG_EN, 3, -1, "ok", "2", 3, CORE_LANG_AR},
    {CHAIR, CORE_CMD_SPEAKER_CALL, CORE_LANG_EN, 3, -1, "speaker.not_found", "2", 3, CORE_LANG_AR},
    /* the one who has the floor ends it; a skip takes a ticket off */
    {P3, CORE_CMD_SPEAKER_WITHDRAW, CORE_LANG_EN, 0, -1, "ok", "2", 0, CORE_LANG_AR},
    {CHAIR, CORE_CMD_SPEAKER_SKIP, CORE_LANG_EN, 2, -1, "ok", "", 0, CORE_LANG_AR},
    {CHAIR, CORE_CMD_SPEAKER_SKIP, CORE_LANG_EN, 2, -1, "speaker.not_found", "", 0, CORE_LANG_AR},
    {CHAIR, CORE_CMD_SPEAKER_CALL, CORE_LANG_EN, 0, -1, "speaker.not_found", "", 0, CORE_LANG_AR},
    /* closed, then open again */
    {CHAIR, CORE_CMD_SPEAKERS_CLOSE, CORE_LANG_EN, 0, -1, "ok", "", 0, CORE_LANG_AR},
    {P2, CORE_CMD_SPEAKER_REQUEST, CORE_LANG_EN, 0, -1, "speakers.closed", "", 0, CORE_LANG_AR},
    {CHAIR, CORE_CMD_SPEAKERS_OPEN, CORE_LANG_EN, 0, -1, "ok", "", 0, CORE_LANG_AR},
    {P2, CORE_CMD_SPEAKER_REQUEST, CORE_LANG_EN, 0, -1, "ok", "4", 0, CORE_LANG_AR},
    {CHAIR, CORE_CMD_SPEAKER_CALL, CORE_LANG_EN, 0, -1, "ok", "", 4, CORE_LANG_EN},
};

static void test_steps(void)
{
	core_agenda ag = fixture_agenda(false);
	core_state st;
	fixture_state_init(&st, &ag);
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		const step *s = &steps[i];
		core_actor who = actor(s->who);
		core_command cmd = {.kind = s->kind,
		                    .lang = s->lang,
		                    .ticket = s->ticket,
		                    .has_topic = s->topic >= 0,
		                    .segment = (uint16_t)(s->topic >= 0 ? s->topic : 0)};
		core_decision dec;
		uint64_t seq = st.seq;
		rt_err err = core_decide(&st, &who, &cmd, FIXED_NOW_MS + (int64_t)i * 1000, &dec);
		CHECK_EQ_STR(rt_err_code(err), s->want);
		for (int e = 0; !err && e < dec.nevents; e++) {
			CHECK_EQ_INT(dec.events[e].seq, seq + 1 + (uint64_t)e);
			CHECK_EQ_INT(core_evolve(&st, &dec.events[e]), 0);
		}
		char q[64];
		queue_text(&st, q, sizeof q);
		CHECK_EQ_STR(q, s->queue);
		CHECK_EQ_INT(st.speakers.current.ticket, s->current);
		CHECK_EQ_INT(st.floor_now, s->floor);
		/* A call that moves the floor is two events, the list first. */
		if (!err && s->kind == CORE_CMD_SPEAKER_CALL && dec.nevents == 2)
			CHECK_EQ_INT(dec.events[1].kind, CORE_EV_FLOOR);
	}
	/* The timer starts at the call, on the server's clock given to the core. */
	CHECK_EQ_INT(st.speakers.called_at, FIXED_NOW_MS + (int64_t)(sizeof steps / sizeof steps[0] - 1) * 1000);
	/* Topics are kept for the co-chairs; a participant holds one ticket at a time. */
	core_actor p2 = fixture_participant(P2);
	CHECK_EQ_INT(core_speaker_ticket(&st, &p2.pseud), 4);
	CHECK_EQ_INT(st.speakers.requested[0][CORE_LANG_AR], 2);
	CHECK_EQ_INT(st.speakers.requested[0][CORE_LANG_FR], 1);
	CHECK_EQ_INT(st.speakers.requested[0][CORE_LANG_EN], 1);
	CHECK_EQ_INT(st.speakers.taken[0][CORE_LANG_AR], 2);
	CHECK_EQ_INT(st.speakers.taken[0][CORE_LANG_EN], 1);
	CHECK_EQ_INT(st.speakers.taken[0][CORE_LANG_FR], 0);

	/* The report: one-way tables, suppressed below k, none crossed (EX-4). */
	st.sealed = true;
	core_report_model m;
	CHECK_EQ_INT(core_report_model_build(&m, &st, CORE_LANG_NONE, 3), 0);
	CHECK_EQ_INT(m.nspeakers, 4);
	CHECK_EQ_INT(m.speakers[0].kind, CORE_REPORT_REQUESTED_BY_SEGMENT);
	CHECK_EQ_INT(m.speakers[0].values[0], 4);
	CHECK_EQ_INT(m.speakers[1].values[1], 2); /* requested in Arabic */
	CHECK_EQ_INT(m.speakers[1].cells[2], CORE_CELL_FEWER);
	CHECK(m.speakers[3].published);
	core_report_model_free(&m);
	st.sealed = false;

	/* The seal: no ticket, no pseudonym, only the counts. */
	core_actor chair = actor(CHAIR);
	core_command seal = {.kind = CORE_CMD_SEAL};
	core_decision dec;
	CHECK_EQ_STR(rt_err_code(core_decide(&st, &chair, &seal, FIXED_NOW_MS + 60000, &dec)), "ok");
	for (int e = 0; e < dec.nevents; e++)
		CHECK_EQ_INT(core_evolve(&st, &dec.events[e]), 0);
	core_speaker zero;
	memset(&zero, 0, sizeof zero);
	CHECK_EQ_INT(st.speakers.n, 0);
	CHECK(memcmp(&st.speakers.current, &zero, sizeof zero) == 0);
	for (int i = 0; i < CORE_MAX_SPEAKERS; i++)
		CHECK(memcmp(&st.speakers.queue[i], &zero, sizeof zero) == 0);
	CHECK_EQ_INT(st.speakers.requested[0][CORE_LANG_AR], 2);
	CHECK_EQ_INT(core_speaker_ticket(&st, &p2.pseud), 0);
	core_state_free(&st);
}

/* A full list, and nobody asked: no table in the report. */
static void test_limits(void)
{
	core_agenda ag = fixture_agenda(false);
	core_state st;
	fixture_state_init(&st, &ag);
	core_report_model m;
	st.sealed = true;
	CHECK_EQ_INT(core_report_model_build(&m, &st, CORE_LANG_NONE, 0), 0);
	CHECK_EQ_INT(m.nspeakers, 0);
	core_report_model_free(&m);
	st.sealed = false;
	for (int n = 1; n <= CORE_MAX_SPEAKERS + 1; n++) {
		core_actor p = fixture_participant((uint8_t)n);
		core_command cmd = {.kind = CORE_CMD_SPEAKER_REQUEST, .lang = CORE_LANG_FR};
		core_decision dec;
		rt_err err = core_decide(&st, &p, &cmd, FIXED_NOW_MS, &dec);
		CHECK_EQ_STR(rt_err_code(err), n <= CORE_MAX_SPEAKERS ? "ok" : "speakers.full");
		if (err)
			CHECK_EQ_INT(dec.err.max, CORE_MAX_SPEAKERS);
		for (int e = 0; !err && e < dec.nevents; e++)
			CHECK_EQ_INT(core_evolve(&st, &dec.events[e]), 0);
	}
	core_state_free(&st);
}

int main(void)
{
	test_steps();
	test_limits();
	return check_done();
}
