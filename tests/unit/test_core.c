/* test_core.c — decide and evolve of the consultation core, table-driven, with a fixed clock.
 * Every case also checks that decide changed nothing. */
#include <stdlib.h>

#include "check.h"
#include "core.h"
#include "fixtures.h"

/* A digest of what a state holds, to show decide leaves it alone. */
typedef struct digest {
	uint64_t seq;
	uint32_t nquestions, votes_total, vused;
	int states[CORE_Q_STATE_COUNT];
} digest;

static digest digest_of(const core_state *st)
{
	digest d = {.seq = st->seq, .nquestions = st->nquestions, .vused = st->vused};
	for (uint32_t i = 0; i < st->nquestions; i++) {
		d.votes_total += st->questions[i].votes;
		d.states[st->questions[i].state]++;
	}
	return d;
}

static rt_err apply(core_state *st, const core_actor *who, core_command cmd)
{
	core_decision dec;
	digest before = digest_of(st);
	rt_err err = core_decide(st, who, &cmd, FIXED_NOW_MS, &dec);
	digest after = digest_of(st);
	CHECK(memcmp(&before, &after, sizeof before) == 0);
	if (err) {
		CHECK_EQ_INT(dec.nevents, 0);
		return err;
	}
	for (int i = 0; i < dec.nevents; i++) {
		CHECK_EQ_INT(dec.events[i].seq, st->seq + 1);
		CHECK_EQ_INT(core_evolve(st, &dec.events[i]), 0);
	}
	return RT_OK;
}

static core_command post(const char *text, core_lang lang)
{
	return (core_command){.kind = CORE_CMD_QUESTION_POST, .text = text, .text_len = strlen(text), .lang = lang};
}

static core_command on(core_cmd_kind kind, uint32_t q)
{
	return (core_command){.kind = kind, .question = q};
}

static void test_permissions(void)
{
	/* Who may do what: the whole table. */
	static const bool want[CORE_ROLE_COUNT][CORE_CMD_COUNT] = {
	    [CORE_ROLE_PARTICIPANT] =
	        {[CORE_CMD_QUESTION_POST] = true, [CORE_CMD_QUESTION_VOTE] = true, [CORE_CMD_QUESTION_UNVOTE] = true},
	    [CORE_ROLE_COCHAIR] = {[CORE_CMD_QUESTION_APPROVE] = true, [CORE_CMD_QUESTION_REJECT] = true},
	};
	core_agenda ag = fixture_agenda(true);
	for (int r = 0; r < CORE_ROLE_COUNT; r++) {
		for (int c = 0; c < CORE_CMD_COUNT; c++) {
			CHECK_EQ_INT(core_role_may((core_role)r, (core_cmd_kind)c), want[r][c]);
			if (want[r][c])
				continue;
			core_state st;
			core_state_init(&st, &ag);
			core_actor who = fixture_role((core_role)r);
			who.has_pseud = r == CORE_ROLE_PARTICIPANT;
			core_command cmd =
			    c == CORE_CMD_QUESTION_POST ? post("Hello", CORE_LANG_EN) : on((core_cmd_kind)c, 1);
			cmd.kind = (core_cmd_kind)c;
			CHECK_EQ_STR(rt_err_code(apply(&st, &who, cmd)), "auth.forbidden");
			core_state_free(&st);
		}
	}
	/* A participant without a pseudonym cannot post or vote. */
	core_state st;
	core_state_init(&st, &ag);
	core_actor anon = fixture_role(CORE_ROLE_PARTICIPANT);
	CHECK_EQ_INT(apply(&st, &anon, post("Hello", CORE_LANG_EN)), RT_E_AUTH_FORBIDDEN);
	core_state_free(&st);
	CHECK_EQ_INT(core_role_audience(CORE_ROLE_COCHAIR), CORE_AUD_MODERATION);
	CHECK_EQ_INT(core_role_audience(CORE_ROLE_RAPPORTEUR), CORE_AUD_MODERATION);
	CHECK_EQ_INT(core_role_audience(CORE_ROLE_PARTICIPANT), CORE_AUD_PUBLIC);
	CHECK_EQ_INT(core_role_audience(CORE_ROLE_BOOTH), CORE_AUD_PUBLIC);
	CHECK_EQ_INT(core_role_audience(CORE_ROLE_STAGE), CORE_AUD_PUBLIC);
}

/* One scenario step: who does what, and what must come of it. */
typedef struct step {
	const char *what;
	int actor; /* 1..3: participants, 0: co-chair */
	core_command cmd;
	rt_err err;
	uint32_t want_votes; /* of cmd.question after the step, when it is a vote step */
} step;

static void test_qa_scenario(void)
{
	core_agenda ag = fixture_agenda(true);
	core_state st;
	core_state_init(&st, &ag);
	st.current_segment = 2;
	core_actor chair = fixture_role(CORE_ROLE_COCHAIR);
	core_actor p[4] = {chair, fixture_participant(1), fixture_participant(2), fixture_participant(3)};
	const step steps[] = {
	    {"post by 1", 1, post("  What about Article 24?  ", CORE_LANG_EN), RT_OK, 0},
	    {"post by 2 in French", 2, post("Et l'article 5 ?", CORE_LANG_FR), RT_OK, 0},
	    {"post in a language not offered", 1, post("Hola", CORE_LANG_ES), RT_E_QUESTION_LANGUAGE_UNKNOWN, 0},
	    {"post empty", 1, post(" \xe2\x80\xae ", CORE_LANG_EN), RT_E_QUESTION_TEXT_EMPTY, 0},
	    {"vote on a pending question", 2, on(CORE_CMD_QUESTION_VOTE, 1), RT_E_QUESTION_NOT_FOUND, 0},
	    {"unvote on a pending question", 2, on(CORE_CMD_QUESTION_UNVOTE, 1), RT_E_QUESTION_NOT_FOUND, 0},
	    {"approve 1", 0, on(CORE_CMD_QUESTION_APPROVE, 1), RT_OK, 0},
	    {"approve 1 again", 0, on(CORE_CMD_QUESTION_APPROVE, 1), RT_E_QUESTION_NOT_PENDING, 0},
	    {"reject 1 after approval", 0, on(CORE_CMD_QUESTION_REJECT, 1), RT_E_QUESTION_NOT_PENDING, 0},
	    {"approve unknown", 0, on(CORE_CMD_QUESTION_APPROVE, 99), RT_E_QUESTION_NOT_FOUND, 0},
	    {"reject 2", 0, on(CORE_CMD_QUESTION_REJECT, 2), RT_OK, 0},
	    {"vote on a rejected question", 1, on(CORE_CMD_QUESTION_VOTE, 2), RT_E_QUESTION_NOT_FOUND, 0},
	    {"vote own", 1, on(CORE_CMD_QUESTION_VOTE, 1), RT_E_VOTE_OWN_QUESTION, 0},
	    {"vote by 2", 2, on(CORE_CMD_QUESTION_VOTE, 1), RT_OK, 1},
	    {"vote by 2 again", 2, on(CORE_CMD_QUESTION_VOTE, 1), RT_E_VOTE_ALREADY, 1},
	    {"vote by 3", 3, on(CORE_CMD_QUESTION_VOTE, 1), RT_OK, 2},
	    {"unvote by 3", 3, on(CORE_CMD_QUESTION_UNVOTE, 1), RT_OK, 1},
	    {"unvote by 3 again", 3, on(CORE_CMD_QUESTION_UNVOTE, 1), RT_E_VOTE_NOT_VOTED, 1},
	    {"vote by 3 again", 3, on(CORE_CMD_QUESTION_VOTE, 1), RT_OK, 2},
	    {"vote on unknown", 3, on(CORE_CMD_QUESTION_VOTE, 7), RT_E_QUESTION_NOT_FOUND, 2},
	};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		const step *s = &steps[i];
		rt_err err = apply(&st, &p[s->actor], s->cmd);
		if (err != s->err)
			fprintf(stderr, "step '%s': %s\n", s->what, rt_err_code(err));
		CHECK_EQ_STR(rt_err_code(err), rt_err_code(s->err));
		if (s->cmd.kind == CORE_CMD_QUESTION_VOTE || s->cmd.kind == CORE_CMD_QUESTION_UNVOTE) {
			const core_question *q = core_question_get(&st, s->cmd.question);
			if (q)
				CHECK_EQ_INT(q->votes, s->want_votes);
		}
	}
	const core_question *q1 = core_question_get(&st, 1), *q2 = core_question_get(&st, 2);
	CHECK_EQ_STR(q1->text, "What about Article 24?");
	CHECK_EQ_INT(q1->state, CORE_Q_APPROVED);
	CHECK_EQ_INT(q1->segment, 2);
	CHECK_EQ_INT(q2->state, CORE_Q_REJECTED);
	CHECK_EQ_INT(q2->lang, CORE_LANG_FR);
	CHECK(core_has_voted(&st, 1, &p[2].pseud));
	CHECK(core_has_voted(&st, 1, &p[3].pseud));
	CHECK(!core_has_voted(&st, 1, &p[1].pseud));
	CHECK_EQ_INT(st.seq, 8); /* 2 posts, approve, reject, 4 vote changes */
	CHECK(core_question_get(&st, 0) == NULL);
	CHECK(core_question_get(&st, 3) == NULL);
	core_state_free(&st);
}

static void test_events_and_audiences(void)
{
	core_agenda ag = fixture_agenda(false);
	core_state st;
	core_state_init(&st, &ag);
	core_actor p1 = fixture_participant(1);
	core_decision dec;
	core_command cmd = post("Without moderation", CORE_LANG_AR);
	CHECK_EQ_INT(core_decide(&st, &p1, &cmd, FIXED_NOW_MS, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 1);
	const core_event *ev = &dec.events[0];
	CHECK_EQ_INT(ev->kind, CORE_EV_QUESTION_POSTED);
	CHECK_EQ_INT(ev->question, 1);
	CHECK_EQ_INT(ev->state, CORE_Q_APPROVED);
	CHECK(memcmp(ev->author.b, p1.pseud.b, CORE_PSEUD_LEN) == 0);
	const unsigned pub = 1u << CORE_AUD_PUBLIC, mod = 1u << CORE_AUD_MODERATION, author = 1u << CORE_AUD_AUTHOR;
	CHECK_EQ_INT(core_event_audiences(ev), pub | mod);
	core_event e = *ev;
	e.state = CORE_Q_PENDING;
	CHECK_EQ_INT(core_event_audiences(&e), mod | author);
	e.kind = CORE_EV_QUESTION_APPROVED;
	CHECK_EQ_INT(core_event_audiences(&e), pub | mod);
	e.kind = CORE_EV_QUESTION_REJECTED;
	CHECK_EQ_INT(core_event_audiences(&e), mod | author);
	e.kind = CORE_EV_VOTE_ADDED;
	CHECK_EQ_INT(core_event_audiences(&e), pub | mod);
	e.kind = CORE_EV_VOTE_REMOVED;
	CHECK_EQ_INT(core_event_audiences(&e), pub | mod);
	CHECK(core_visible(CORE_AUD_PUBLIC, CORE_Q_APPROVED));
	CHECK(!core_visible(CORE_AUD_PUBLIC, CORE_Q_PENDING));
	CHECK(!core_visible(CORE_AUD_PUBLIC, CORE_Q_REJECTED));
	CHECK(core_visible(CORE_AUD_MODERATION, CORE_Q_PENDING));
	CHECK(core_visible(CORE_AUD_MODERATION, CORE_Q_REJECTED));
	/* An event that does not follow the state is refused, not applied. */
	core_event wrong = *ev;
	wrong.question = 5;
	CHECK_EQ_INT(core_evolve(&st, &wrong), -1);
	CHECK_EQ_INT(st.nquestions, 0);
	core_state_free(&st);
}

/* Many voters on many questions: the vote set grows, deletes and keeps counting right. */
static void test_many_votes(void)
{
	core_agenda ag = fixture_agenda(false);
	core_state st;
	core_state_init(&st, &ag);
	core_actor author = fixture_participant(200);
	for (int i = 0; i < 50; i++)
		CHECK_EQ_INT(apply(&st, &author, post("A question", CORE_LANG_EN)), RT_OK);
	enum { VOTERS = 5000 };
	core_actor *voters = calloc(VOTERS, sizeof *voters);
	for (uint32_t v = 0; v < VOTERS; v++) {
		voters[v] = fixture_participant(0);
		memcpy(voters[v].pseud.b, &v, sizeof v);
		voters[v].pseud.b[15] = 0x5A;
	}
	int failures = 0;
	for (uint32_t v = 0; v < VOTERS; v++) {
		core_command c = on(CORE_CMD_QUESTION_VOTE, 1 + v % 50);
		core_decision dec;
		if (core_decide(&st, &voters[v], &c, FIXED_NOW_MS, &dec) || core_evolve(&st, &dec.events[0]))
			failures++;
	}
	CHECK_EQ_INT(failures, 0);
	for (uint32_t q = 1; q <= 50; q++)
		CHECK_EQ_INT(core_question_get(&st, q)->votes, VOTERS / 50);
	for (uint32_t v = 0; v < VOTERS; v += 2) {
		core_command c = on(CORE_CMD_QUESTION_UNVOTE, 1 + v % 50);
		core_decision dec;
		if (core_decide(&st, &voters[v], &c, FIXED_NOW_MS, &dec) || core_evolve(&st, &dec.events[0]))
			failures++;
	}
	CHECK_EQ_INT(failures, 0);
	uint32_t total = 0, voted = 0;
	for (uint32_t q = 1; q <= 50; q++)
		total += core_question_get(&st, q)->votes;
	for (uint32_t v = 0; v < VOTERS; v++)
		voted += core_has_voted(&st, 1 + v % 50, &voters[v].pseud);
	CHECK_EQ_INT(total, VOTERS / 2);
	CHECK_EQ_INT(voted, VOTERS / 2);
	/* Odd voters kept their vote (voter 1 on question 2), even ones took it back. */
	CHECK(core_has_voted(&st, 2, &voters[1].pseud));
	CHECK(!core_has_voted(&st, 3, &voters[1].pseud));
	CHECK(!core_has_voted(&st, 1, &voters[0].pseud));
	free(voters);
	core_state_free(&st);
}

static void test_names(void)
{
	for (int i = 0; i < CORE_LANG_COUNT; i++)
		CHECK_EQ_INT(core_lang_parse(core_lang_name((core_lang)i)), i);
	for (int i = 0; i < CORE_ROLE_COUNT; i++)
		CHECK_EQ_INT(core_role_parse(core_role_name((core_role)i)), i);
	for (int i = 0; i < CORE_Q_STATE_COUNT; i++)
		CHECK_EQ_INT(core_qstate_parse(core_qstate_name((core_qstate)i)), i);
	for (int i = 0; i < CORE_SEG_KIND_COUNT; i++)
		CHECK_EQ_INT(core_segment_kind_parse(core_segment_kind_name((core_segment_kind)i)), i);
	CHECK_EQ_INT(core_lang_parse("de"), -1);
	CHECK_EQ_INT(core_role_parse("admin"), -1);
	CHECK_EQ_INT(core_lang_parse(NULL), -1);
	CHECK_EQ_STR(rt_err_code(RT_E_VOTE_ALREADY), "vote.already");
	for (int e = 0; e < RT_E_COUNT; e++)
		CHECK(strchr(rt_err_code((rt_err)e), '.') != NULL || e == RT_OK);
}

int main(void)
{
	test_permissions();
	test_qa_scenario();
	test_events_and_audiences();
	test_many_votes();
	test_names();
	return check_done();
}
