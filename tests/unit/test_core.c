/* test_core.c — decide and evolve of the consultation core, table-driven, with a fixed clock.
 * Every case also checks that decide changed nothing. */
#include <stdlib.h>

#include "check.h"
#include "core.h"
#include "poll.h"
#include "fixtures.h"

/* A digest of what a state holds, to show decide leaves it alone. */
typedef struct digest {
	uint64_t seq;
	uint32_t nquestions, votes_total, vused, answering, lused, sused, listeners_sum;
	uint32_t edited, pinned, into_sum, segment_sum;
	int clock;
	int64_t clock_started_at, timing_sum;
	uint16_t current_segment;
	int states[CORE_Q_STATE_COUNT];
	bool open[CORE_MAX_SEGMENTS];
} digest;

static digest digest_of(const core_state *st)
{
	digest d;
	memset(&d, 0, sizeof d);
	d.seq = st->seq;
	d.nquestions = st->nquestions;
	d.vused = st->vused;
	d.answering = st->answering;
	d.lused = st->lused;
	d.sused = st->sused;
	for (int l = 0; l < CORE_LANG_COUNT; l++)
		d.listeners_sum += st->listeners[l] * (uint32_t)(l + 1);
	d.current_segment = st->current_segment;
	for (uint32_t i = 0; i < st->nquestions; i++) {
		const core_question *q = &st->questions[i];
		d.votes_total += q->votes;
		d.states[q->state]++;
		d.edited += q->edited;
		d.pinned += q->pinned;
		d.into_sum += q->into;
		d.segment_sum += q->segment;
	}
	d.clock = (int)st->clock;
	d.clock_started_at = st->clock_started_at;
	for (int i = 0; i < st->agenda.nsegments; i++) {
		d.open[i] = st->agenda.segments[i].questions_open;
		d.timing_sum += st->timing[i].started_at + st->timing[i].elapsed_ms * 3 +
		                st->timing[i].allotted_ms * 7 + st->timing[i].auto_closed;
	}
	return d;
}

/* Decides at `now`, checks that deciding changed nothing, and applies the events. */
static rt_err apply_at(core_state *st, const core_actor *who, core_command cmd, int64_t now, core_decision *dec)
{
	digest before = digest_of(st);
	rt_err err = core_decide(st, who, &cmd, now, dec);
	digest after = digest_of(st);
	CHECK(memcmp(&before, &after, sizeof before) == 0);
	if (err) {
		CHECK_EQ_INT(dec->nevents, 0);
		return err;
	}
	for (int i = 0; i < dec->nevents; i++) {
		CHECK_EQ_INT(dec->events[i].seq, core_event_ephemeral(&dec->events[i]) ? 0 : st->seq + 1);
		CHECK_EQ_INT(core_evolve(st, &dec->events[i]), 0);
	}
	return RT_OK;
}

static rt_err apply(core_state *st, const core_actor *who, core_command cmd)
{
	core_decision dec;
	return apply_at(st, who, cmd, FIXED_NOW_MS, &dec);
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
	    [CORE_ROLE_PARTICIPANT] = {[CORE_CMD_QUESTION_POST] = true,
	                               [CORE_CMD_QUESTION_VOTE] = true,
	                               [CORE_CMD_QUESTION_UNVOTE] = true,
	                               [CORE_CMD_QUESTION_WITHDRAW] = true,
	                               [CORE_CMD_LISTEN] = true,
	                               [CORE_CMD_RULE_ACCEPT] = true,
	                               [CORE_CMD_JOIN] = true,
	                               [CORE_CMD_POLL_ANSWER] = true,

	                               [CORE_CMD_SPEAKER_REQUEST] = true,
	                               [CORE_CMD_SPEAKER_WITHDRAW] = true},
	    [CORE_ROLE_COCHAIR] = {[CORE_CMD_QUESTION_APPROVE] = true,    [CORE_CMD_QUESTION_REJECT] = true,
	                           [CORE_CMD_QUESTION_EDIT] = true,       [CORE_CMD_QUESTION_MERGE] = true,
	                           [CORE_CMD_QUESTION_PIN] = true,        [CORE_CMD_QUESTION_UNPIN] = true,
	                           [CORE_CMD_QUESTION_ANSWER_NOW] = true, [CORE_CMD_QUESTION_ANSWER] = true,
	                           [CORE_CMD_QUESTION_REOPEN] = true,     [CORE_CMD_QUESTION_MOVE] = true,
	                           [CORE_CMD_SEGMENT_OPEN] = true,        [CORE_CMD_SEGMENT_CLOSE] = true,
	                           [CORE_CMD_AGENDA_GOTO] = true,         [CORE_CMD_CLOCK_START] = true,
	                           [CORE_CMD_CLOCK_PAUSE] = true,         [CORE_CMD_CLOCK_RESUME] = true,
	                           [CORE_CMD_CLOCK_ADJUST] = true,        [CORE_CMD_FLOOR_SET] = true,
	                           [CORE_CMD_QUESTION_NEXT] = true,       [CORE_CMD_SEAL] = true,
	                           [CORE_CMD_REPORT_EXPORT] = true,       [CORE_CMD_BOOTH_ACKNOWLEDGE] = true,
	                           [CORE_CMD_QUESTION_UNMERGE] = true,    [CORE_CMD_QUESTION_REJECT_ALL] = true,
	                           [CORE_CMD_LINK_PAUSE] = true,          [CORE_CMD_LINK_RESUME] = true,
	                           [CORE_CMD_QUEUE_PAUSE] = true,         [CORE_CMD_QUEUE_RESUME] = true,
	                           [CORE_CMD_POLL_CREATE] = true,         [CORE_CMD_POLL_OPEN] = true,
	                           [CORE_CMD_POLL_CLOSE] = true,          [CORE_CMD_POLL_SHOW] = true,

	                           [CORE_CMD_SPEAKER_CALL] = true,        [CORE_CMD_SPEAKER_SKIP] = true,
	                           [CORE_CMD_SPEAKERS_CLOSE] = true,      [CORE_CMD_SPEAKERS_OPEN] = true},
	    /* the stage's operator follows the floor language (LC-3) */
	    [CORE_ROLE_STAGE] = {[CORE_CMD_FLOOR_SET] = true},
	    /* a booth signals the co-chairs (LC-4) */
	    [CORE_ROLE_BOOTH] = {[CORE_CMD_SIGNAL] = true},
	    /* only the server's own timers say what the clock makes due */
	    /* and that a connection closed, which ends its language choice (LC-6) */
	    /* and the organiser's command line seals (CHR-5) */
	    [CORE_ROLE_SYSTEM] = {[CORE_CMD_CLOCK_DUE] = true, [CORE_CMD_LEAVE] = true, [CORE_CMD_SEAL] = true},
	    /* the rapporteurs: their workspace and the report (EX-1, EX-2), no command of the Q&A */
	    [CORE_ROLE_RAPPORTEUR] = {[CORE_CMD_NOTE_SET] = true,
	                              [CORE_CMD_QUESTION_TAG] = true,
	                              [CORE_CMD_REPORT_INCLUDE] = true,
	                              [CORE_CMD_PARAPHRASE_SAVE] = true,
	                              [CORE_CMD_PARAPHRASE_DELETE] = true,
	                              [CORE_CMD_REPORT_EXPORT] = true,
	                              [CORE_CMD_REPORT_FINALISE] = true},
	};
	core_agenda ag = fixture_agenda(true);
	for (int r = 0; r < CORE_ROLE_COUNT; r++) {
		for (int c = 0; c < CORE_CMD_COUNT; c++) {
			CHECK_EQ_INT(core_role_may((core_role)r, (core_cmd_kind)c), want[r][c]);
			if (want[r][c])
				continue;
			core_state st;
			fixture_state_init(&st, &ag);
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
	fixture_state_init(&st, &ag);
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
	fixture_state_init(&st, &ag);
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
	fixture_state_init(&st, &ag);
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
	/* Audiences are judged against the state right after the event: post it first. */
	core_event e = *ev;
	CHECK_EQ_INT(core_evolve(&st, &e), 0);
	CHECK_EQ_INT(core_event_audiences(&st, &e), pub | mod);
	/* A question event reaches the public if the question was or is visible to it, and
	 * otherwise its author; the agenda and "now answering" reach everyone. */
	static const struct {
		core_event_kind kind;
		core_qstate before, after;
		unsigned want;
	} cases[] = {
	    {CORE_EV_QUESTION_POSTED, CORE_Q_PENDING, CORE_Q_PENDING,
	     1u << CORE_AUD_MODERATION | 1u << CORE_AUD_AUTHOR},
	    {CORE_EV_QUESTION_APPROVED, CORE_Q_PENDING, CORE_Q_APPROVED,
	     1u << CORE_AUD_MODERATION | 1u << CORE_AUD_PUBLIC},
	    {CORE_EV_QUESTION_REJECTED, CORE_Q_PENDING, CORE_Q_REJECTED,
	     1u << CORE_AUD_MODERATION | 1u << CORE_AUD_AUTHOR},
	    {CORE_EV_QUESTION_WITHDRAWN, CORE_Q_APPROVED, CORE_Q_WITHDRAWN,
	     1u << CORE_AUD_MODERATION | 1u << CORE_AUD_PUBLIC},
	    {CORE_EV_QUESTION_WITHDRAWN, CORE_Q_PENDING, CORE_Q_WITHDRAWN,
	     1u << CORE_AUD_MODERATION | 1u << CORE_AUD_AUTHOR},
	    {CORE_EV_QUESTION_MERGED, CORE_Q_APPROVED, CORE_Q_MERGED,
	     1u << CORE_AUD_MODERATION | 1u << CORE_AUD_PUBLIC},
	    {CORE_EV_QUESTION_MERGED, CORE_Q_PENDING, CORE_Q_MERGED, 1u << CORE_AUD_MODERATION | 1u << CORE_AUD_AUTHOR},
	    {CORE_EV_QUESTION_EDITED, CORE_Q_PENDING, CORE_Q_PENDING,
	     1u << CORE_AUD_MODERATION | 1u << CORE_AUD_AUTHOR},
	    {CORE_EV_QUESTION_EDITED, CORE_Q_ANSWERED, CORE_Q_ANSWERED,
	     1u << CORE_AUD_MODERATION | 1u << CORE_AUD_PUBLIC},
	    {CORE_EV_QUESTION_ANSWERED, CORE_Q_APPROVED, CORE_Q_ANSWERED,
	     1u << CORE_AUD_MODERATION | 1u << CORE_AUD_PUBLIC},
	    {CORE_EV_VOTE_ADDED, CORE_Q_APPROVED, CORE_Q_APPROVED, 1u << CORE_AUD_MODERATION | 1u << CORE_AUD_PUBLIC},
	    {CORE_EV_ANSWERING, CORE_Q_PENDING, CORE_Q_PENDING, 1u << CORE_AUD_MODERATION | 1u << CORE_AUD_PUBLIC},
	    {CORE_EV_SEGMENT_CLOSED, CORE_Q_PENDING, CORE_Q_PENDING, 1u << CORE_AUD_MODERATION | 1u << CORE_AUD_PUBLIC},
	    {CORE_EV_AGENDA_CURRENT, CORE_Q_PENDING, CORE_Q_PENDING, 1u << CORE_AUD_MODERATION | 1u << CORE_AUD_PUBLIC},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		e.kind = cases[i].kind;
		e.prev_state = cases[i].before;
		st.questions[0].state = cases[i].after;
		CHECK_EQ_INT(core_event_audiences(&st, &e), cases[i].want);
	}
	(void)pub;
	(void)mod;
	(void)author;
	core_state_free(&st);
	fixture_state_init(&st, &ag);
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
	ag.max_open_questions = 100;
	core_state st;
	fixture_state_init(&st, &ag);
	core_actor author = fixture_participant(200);
	for (int i = 0; i < 50; i++)
		CHECK_EQ_INT(apply(&st, &author, post("A question", CORE_LANG_EN)), RT_OK);
	enum { VOTERS = 5000 };
	core_actor *voters = calloc(VOTERS, sizeof *voters);
	for (uint32_t v = 0; v < VOTERS; v++) {
		voters[v] = fixture_participant(0);
		memcpy(voters[v].pseud.b, &v, sizeof v);
		voters[v].pseud.b[15] = 0x5A;
		CHECK_EQ_INT(apply(&st, &voters[v], (core_command){.kind = CORE_CMD_RULE_ACCEPT}), RT_OK);
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

static core_command merge(uint32_t q, uint32_t into)
{
	return (core_command){.kind = CORE_CMD_QUESTION_MERGE, .question = q, .into = into};
}

static core_command edit(uint32_t q, const char *text)
{
	return (core_command){.kind = CORE_CMD_QUESTION_EDIT, .question = q, .text = text, .text_len = strlen(text)};
}

static core_command seg(core_cmd_kind kind, uint16_t segment)
{
	return (core_command){.kind = kind, .segment = segment};
}

/* One step of the moderation table: who, what, the error (with its state param), and how many
 * events an accepted command produces (0: it asked for what already was). */
typedef struct mstep {
	const char *what;
	int actor; /* 0: co-chair, 1..5: participants */
	core_command cmd;
	rt_err err;
	int state;   /* params.state of the error, -1 for none */
	int nevents; /* when accepted */
} mstep;

/* Every co-chair and participant action of QA-2..QA-7, and every illegal transition, in one
 * consultation with pre-moderation. Questions: 1 by p1, 2 by p2, 3 by p3, 4 by p4, 5 by p1. */
static void test_moderation_table(void)
{
	core_agenda ag = fixture_agenda(true);
	core_state st;
	fixture_state_init(&st, &ag);
	core_actor p[6] = {fixture_role(CORE_ROLE_COCHAIR), fixture_participant(1), fixture_participant(2),
	                   fixture_participant(3),          fixture_participant(4), fixture_participant(5)};
	const mstep steps[] = {
	    {"p1 posts 1", 1, post("Article 24 safeguards?", CORE_LANG_EN), RT_OK, -1, 1},
	    {"p2 posts 2", 2, post("What safeguards in Article 24?", CORE_LANG_EN), RT_OK, -1, 1},
	    {"p3 posts 3", 3, post("Data retention periods?", CORE_LANG_FR), RT_OK, -1, 1},
	    {"p4 posts 4", 4, post("Dual criminality?", CORE_LANG_AR), RT_OK, -1, 1},
	    {"p1 posts 5", 1, post("Capacity building?", CORE_LANG_EN), RT_OK, -1, 1},
	    /* pending questions */
	    {"vote on pending 1", 2, on(CORE_CMD_QUESTION_VOTE, 1), RT_E_QUESTION_NOT_FOUND, -1, 0},
	    {"pin pending 1", 0, on(CORE_CMD_QUESTION_PIN, 1), RT_E_QUESTION_WRONG_STATE, CORE_Q_PENDING, 0},
	    {"answer now pending 1", 0, on(CORE_CMD_QUESTION_ANSWER_NOW, 1), RT_E_QUESTION_WRONG_STATE, CORE_Q_PENDING,
	     0},
	    {"answer pending 1", 0, on(CORE_CMD_QUESTION_ANSWER, 1), RT_E_QUESTION_WRONG_STATE, CORE_Q_PENDING, 0},
	    {"reopen pending 1", 0, on(CORE_CMD_QUESTION_REOPEN, 1), RT_E_QUESTION_WRONG_STATE, CORE_Q_PENDING, 0},
	    {"merge pending into pending", 0, merge(2, 1), RT_E_QUESTION_WRONG_STATE, CORE_Q_PENDING, 0},
	    {"edit pending 4", 0, edit(4, "Dual criminality requirement?"), RT_OK, -1, 1},
	    {"edit 4 to the same text", 0, edit(4, " Dual criminality requirement? "), RT_OK, -1, 0},
	    {"edit 4 to nothing", 0, edit(4, " \t "), RT_E_QUESTION_TEXT_EMPTY, -1, 0},
	    {"p2 withdraws p1's pending 1", 2, on(CORE_CMD_QUESTION_WITHDRAW, 1), RT_E_QUESTION_NOT_FOUND, -1, 0},
	    {"approve 1", 0, on(CORE_CMD_QUESTION_APPROVE, 1), RT_OK, -1, 1},
	    {"approve 2", 0, on(CORE_CMD_QUESTION_APPROVE, 2), RT_OK, -1, 1},
	    {"approve 3", 0, on(CORE_CMD_QUESTION_APPROVE, 3), RT_OK, -1, 1},
	    {"reject 4", 0, on(CORE_CMD_QUESTION_REJECT, 4), RT_OK, -1, 1},
	    {"approve 1 twice", 0, on(CORE_CMD_QUESTION_APPROVE, 1), RT_E_QUESTION_NOT_PENDING, CORE_Q_APPROVED, 0},
	    {"reject approved 1", 0, on(CORE_CMD_QUESTION_REJECT, 1), RT_E_QUESTION_NOT_PENDING, CORE_Q_APPROVED, 0},
	    {"reject 4 twice", 0, on(CORE_CMD_QUESTION_REJECT, 4), RT_E_QUESTION_NOT_PENDING, CORE_Q_REJECTED, 0},
	    /* rejected */
	    {"vote on rejected 4", 1, on(CORE_CMD_QUESTION_VOTE, 4), RT_E_QUESTION_NOT_FOUND, -1, 0},
	    {"edit rejected 4", 0, edit(4, "x"), RT_E_QUESTION_WRONG_STATE, CORE_Q_REJECTED, 0},
	    {"merge rejected 4", 0, merge(4, 1), RT_E_QUESTION_WRONG_STATE, CORE_Q_REJECTED, 0},
	    {"p4 withdraws rejected 4", 4, on(CORE_CMD_QUESTION_WITHDRAW, 4), RT_E_QUESTION_WRONG_STATE,
	     CORE_Q_REJECTED, 0},
	    /* votes on live questions */
	    {"p2 votes 1", 2, on(CORE_CMD_QUESTION_VOTE, 1), RT_OK, -1, 1},
	    {"p3 votes 1", 3, on(CORE_CMD_QUESTION_VOTE, 1), RT_OK, -1, 1},
	    {"p3 votes 2", 3, on(CORE_CMD_QUESTION_VOTE, 2), RT_OK, -1, 1},
	    {"p1 votes 2", 1, on(CORE_CMD_QUESTION_VOTE, 2), RT_OK, -1, 1},
	    {"p5 votes 2", 5, on(CORE_CMD_QUESTION_VOTE, 2), RT_OK, -1, 1},
	    {"p2 votes own 2", 2, on(CORE_CMD_QUESTION_VOTE, 2), RT_E_VOTE_OWN_QUESTION, -1, 0},
	    /* merge: 2 into 1; voters of 2 are p3 (already on 1), p1 (author of 1), p5 (new) */
	    {"merge 1 into itself", 0, merge(1, 1), RT_E_QUESTION_MERGE_SELF, -1, 0},
	    {"merge into unknown", 0, merge(2, 99), RT_E_QUESTION_NOT_FOUND, -1, 0},
	    {"merge into rejected 4", 0, merge(2, 4), RT_E_QUESTION_WRONG_STATE, CORE_Q_REJECTED, 0},
	    {"answer now 2", 0, on(CORE_CMD_QUESTION_ANSWER_NOW, 2), RT_OK, -1, 1},
	    {"merge 2 into 1 (2 was being answered)", 0, merge(2, 1), RT_OK, -1, 2},
	    {"approve merged 2", 0, on(CORE_CMD_QUESTION_APPROVE, 2), RT_E_QUESTION_NOT_PENDING, CORE_Q_MERGED, 0},
	    {"merge 2 again", 0, merge(2, 3), RT_E_QUESTION_WRONG_STATE, CORE_Q_MERGED, 0},
	    {"vote on merged 2", 5, on(CORE_CMD_QUESTION_VOTE, 2), RT_E_QUESTION_NOT_FOUND, -1, 0},
	    {"p5 votes 1 again (moved by the merge)", 5, on(CORE_CMD_QUESTION_VOTE, 1), RT_E_VOTE_ALREADY, -1, 0},
	    {"p2 withdraws merged 2", 2, on(CORE_CMD_QUESTION_WITHDRAW, 2), RT_E_QUESTION_WRONG_STATE, CORE_Q_MERGED,
	     0},
	    {"move merged 2", 0, (core_command){.kind = CORE_CMD_QUESTION_MOVE, .question = 2, .segment = 1},
	     RT_E_QUESTION_WRONG_STATE, CORE_Q_MERGED, 0},
	    /* pin, now answering */
	    {"pin 3", 0, on(CORE_CMD_QUESTION_PIN, 3), RT_OK, -1, 1},
	    {"pin 3 again", 0, on(CORE_CMD_QUESTION_PIN, 3), RT_OK, -1, 0},
	    {"unpin 3", 0, on(CORE_CMD_QUESTION_UNPIN, 3), RT_OK, -1, 1},
	    {"unpin 3 again", 0, on(CORE_CMD_QUESTION_UNPIN, 3), RT_OK, -1, 0},
	    {"pin 3 back", 0, on(CORE_CMD_QUESTION_PIN, 3), RT_OK, -1, 1},
	    {"answer now 1 again", 0, on(CORE_CMD_QUESTION_ANSWER_NOW, 1), RT_OK, -1, 0},
	    {"answer now 3 (replaces 1)", 0, on(CORE_CMD_QUESTION_ANSWER_NOW, 3), RT_OK, -1, 1},
	    {"answer now nothing", 0, on(CORE_CMD_QUESTION_ANSWER_NOW, 0), RT_OK, -1, 1},
	    {"answer now nothing again", 0, on(CORE_CMD_QUESTION_ANSWER_NOW, 0), RT_OK, -1, 0},
	    {"answer now 3", 0, on(CORE_CMD_QUESTION_ANSWER_NOW, 3), RT_OK, -1, 1},
	    /* answered */
	    {"answer 3 (being answered)", 0, on(CORE_CMD_QUESTION_ANSWER, 3), RT_OK, -1, 2},
	    {"answer 3 twice", 0, on(CORE_CMD_QUESTION_ANSWER, 3), RT_E_QUESTION_WRONG_STATE, CORE_Q_ANSWERED, 0},
	    {"vote on answered 3", 1, on(CORE_CMD_QUESTION_VOTE, 3), RT_E_QUESTION_WRONG_STATE, CORE_Q_ANSWERED, 0},
	    {"pin answered 3", 0, on(CORE_CMD_QUESTION_PIN, 3), RT_E_QUESTION_WRONG_STATE, CORE_Q_ANSWERED, 0},
	    {"answer now answered 3", 0, on(CORE_CMD_QUESTION_ANSWER_NOW, 3), RT_E_QUESTION_WRONG_STATE,
	     CORE_Q_ANSWERED, 0},
	    {"merge answered 3", 0, merge(3, 1), RT_E_QUESTION_WRONG_STATE, CORE_Q_ANSWERED, 0},
	    {"merge into answered 3", 0, merge(1, 3), RT_E_QUESTION_WRONG_STATE, CORE_Q_ANSWERED, 0},
	    {"p3 withdraws answered 3", 3, on(CORE_CMD_QUESTION_WITHDRAW, 3), RT_E_QUESTION_WRONG_STATE,
	     CORE_Q_ANSWERED, 0},
	    {"edit answered 3", 0, edit(3, "Data retention periods under Article 23?"), RT_OK, -1, 1},
	    {"reopen approved 1", 0, on(CORE_CMD_QUESTION_REOPEN, 1), RT_E_QUESTION_WRONG_STATE, CORE_Q_APPROVED, 0},
	    {"reopen 3", 0, on(CORE_CMD_QUESTION_REOPEN, 3), RT_OK, -1, 1},
	    /* withdraw */
	    {"p2 withdraws p1's live 1", 2, on(CORE_CMD_QUESTION_WITHDRAW, 1), RT_E_QUESTION_NOT_OWN, -1, 0},
	    {"p1 withdraws pending 5", 1, on(CORE_CMD_QUESTION_WITHDRAW, 5), RT_OK, -1, 1},
	    {"p1 withdraws 5 twice", 1, on(CORE_CMD_QUESTION_WITHDRAW, 5), RT_E_QUESTION_WRONG_STATE, CORE_Q_WITHDRAWN,
	     0},
	    {"approve withdrawn 5", 0, on(CORE_CMD_QUESTION_APPROVE, 5), RT_E_QUESTION_NOT_PENDING, CORE_Q_WITHDRAWN,
	     0},
	    {"answer now 1", 0, on(CORE_CMD_QUESTION_ANSWER_NOW, 1), RT_OK, -1, 1},
	    {"p1 withdraws 1 while answered now", 1, on(CORE_CMD_QUESTION_WITHDRAW, 1), RT_OK, -1, 2},
	    {"answer withdrawn 1", 0, on(CORE_CMD_QUESTION_ANSWER, 1), RT_E_QUESTION_WRONG_STATE, CORE_Q_WITHDRAWN, 0},
	    {"withdraw unknown", 1, on(CORE_CMD_QUESTION_WITHDRAW, 42), RT_E_QUESTION_NOT_FOUND, -1, 0},
	    /* segments */
	    {"move 3 to segment 2", 0, (core_command){.kind = CORE_CMD_QUESTION_MOVE, .question = 3, .segment = 2},
	     RT_OK, -1, 1},
	    {"move 3 to segment 2 again", 0,
	     (core_command){.kind = CORE_CMD_QUESTION_MOVE, .question = 3, .segment = 2}, RT_OK, -1, 0},
	    {"move 3 to segment 9", 0, (core_command){.kind = CORE_CMD_QUESTION_MOVE, .question = 3, .segment = 9},
	     RT_E_SEGMENT_NOT_FOUND, -1, 0},
	    {"close segment 0", 0, seg(CORE_CMD_SEGMENT_CLOSE, 0), RT_OK, -1, 1},
	    {"close segment 0 again", 0, seg(CORE_CMD_SEGMENT_CLOSE, 0), RT_OK, -1, 0},
	    {"post while closed", 5, post("Too late?", CORE_LANG_EN), RT_E_QUEUE_CLOSED, -1, 0},
	    {"open segment 0", 0, seg(CORE_CMD_SEGMENT_OPEN, 0), RT_OK, -1, 1},
	    {"go to closing segment 3", 0, seg(CORE_CMD_AGENDA_GOTO, 3), RT_OK, -1, 1},
	    {"go to 3 again", 0, seg(CORE_CMD_AGENDA_GOTO, 3), RT_OK, -1, 0},
	    {"post in the closing segment", 5, post("Closing remarks?", CORE_LANG_EN), RT_E_QUEUE_CLOSED, -1, 0},
	    {"go to segment 9", 0, seg(CORE_CMD_AGENDA_GOTO, 9), RT_E_SEGMENT_NOT_FOUND, -1, 0},
	    {"open segment 9", 0, seg(CORE_CMD_SEGMENT_OPEN, 9), RT_E_SEGMENT_NOT_FOUND, -1, 0},
	    {"go to Q&A segment 2", 0, seg(CORE_CMD_AGENDA_GOTO, 2), RT_OK, -1, 1},
	    {"p5 posts 6 in segment 2", 5, post("Gender perspective?", CORE_LANG_ES), RT_E_QUESTION_LANGUAGE_UNKNOWN,
	     -1, 0},
	    {"p5 posts 6", 5, post("Gender perspective?", CORE_LANG_FR), RT_OK, -1, 1},
	};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		const mstep *s = &steps[i];
		core_decision dec;
		rt_err err = apply_at(&st, &p[s->actor], s->cmd, FIXED_NOW_MS, &dec);
		if (err != s->err || (err && dec.err.state != s->state) || (!err && dec.nevents != s->nevents))
			fprintf(stderr, "step '%s': %s (state %d, %d events)\n", s->what, rt_err_code(err),
			        dec.err.state, dec.nevents);
		CHECK_EQ_STR(rt_err_code(err), rt_err_code(s->err));
		if (err)
			CHECK_EQ_INT(dec.err.state, s->state);
		else
			CHECK_EQ_INT(dec.nevents, s->nevents);
		if (err == RT_E_QUESTION_NOT_PENDING && dec.err.state == CORE_Q_MERGED)
			CHECK_EQ_INT(dec.err.into, 1); /* "merged into Question 1" */
	}
	const core_question *q1 = core_question_get(&st, 1), *q2 = core_question_get(&st, 2),
	                    *q3 = core_question_get(&st, 3), *q4 = core_question_get(&st, 4);
	/* Union of voters: 1 had p2 and p3; 2 brought p3 (again), p1 (1's author) and p5 (new). */
	CHECK_EQ_INT(q1->votes, 3);
	CHECK(core_has_voted(&st, 1, &p[5].pseud));
	CHECK(!core_has_voted(&st, 1, &p[1].pseud));
	CHECK_EQ_INT(q2->state, CORE_Q_MERGED);
	CHECK_EQ_INT(q2->into, 1);
	CHECK_EQ_INT(q2->votes, 0);
	CHECK(!core_has_voted(&st, 2, &p[3].pseud));
	CHECK_EQ_INT(q1->state, CORE_Q_WITHDRAWN);
	CHECK_EQ_INT(st.answering, 0);
	CHECK_EQ_INT(q3->state, CORE_Q_APPROVED);
	CHECK(q3->edited && !q3->pinned); /* answering unpinned it; reopening does not pin again */
	CHECK_EQ_STR(q3->text, "Data retention periods under Article 23?");
	CHECK_EQ_INT(q3->segment, 2);
	CHECK(q4->edited);
	CHECK_EQ_STR(q4->text, "Dual criminality requirement?");
	CHECK_EQ_INT(core_question_get(&st, 6)->segment, 2);
	CHECK_EQ_INT(st.current_segment, 2);
	CHECK(st.agenda.segments[0].questions_open);
	core_state_free(&st);
}

/* QA-7: at most N open questions; at most M votes a minute; neither says anything of others. */
static void test_limits(void)
{
	core_agenda ag = fixture_agenda(false);
	ag.max_open_questions = 2;
	ag.votes_per_minute = 3;
	core_state st;
	fixture_state_init(&st, &ag);
	core_actor p1 = fixture_participant(1), p2 = fixture_participant(2), chair = fixture_role(CORE_ROLE_COCHAIR);
	core_decision dec;
	CHECK_EQ_INT(apply(&st, &p1, post("One", CORE_LANG_EN)), RT_OK);
	CHECK_EQ_INT(apply(&st, &p1, post("Two", CORE_LANG_EN)), RT_OK);
	CHECK_EQ_INT(apply_at(&st, &p1, post("Three", CORE_LANG_EN), FIXED_NOW_MS, &dec), RT_E_LIMIT_OPEN_QUESTIONS);
	CHECK_EQ_INT(dec.err.max, 2);
	CHECK_EQ_INT(dec.err.state, -1);
	/* Another participant is not limited by p1's questions. */
	CHECK_EQ_INT(apply(&st, &p2, post("Mine", CORE_LANG_EN)), RT_OK);
	/* An answered question is no longer open: p1 may ask again. */
	CHECK_EQ_INT(apply(&st, &chair, on(CORE_CMD_QUESTION_ANSWER, 1)), RT_OK);
	CHECK_EQ_INT(core_open_questions(&st, &p1.pseud), 1);
	CHECK_EQ_INT(apply(&st, &p1, post("Three", CORE_LANG_EN)), RT_OK);

	/* Votes: 3 in a minute, then refused until the window has passed. */
	const int64_t t0 = FIXED_NOW_MS;
	CHECK_EQ_INT(apply_at(&st, &p2, on(CORE_CMD_QUESTION_VOTE, 2), t0, &dec), RT_OK);
	CHECK_EQ_INT(apply_at(&st, &p2, on(CORE_CMD_QUESTION_UNVOTE, 2), t0 + 1000, &dec), RT_OK);
	CHECK_EQ_INT(apply_at(&st, &p2, on(CORE_CMD_QUESTION_VOTE, 2), t0 + 2000, &dec), RT_OK);
	CHECK_EQ_INT(apply_at(&st, &p2, on(CORE_CMD_QUESTION_VOTE, 4), t0 + 3000, &dec), RT_E_LIMIT_VOTE_RATE);
	CHECK_EQ_INT(dec.err.max, 3);
	CHECK_EQ_INT(dec.err.seconds, 60);
	/* p1 has a window of its own. */
	CHECK_EQ_INT(apply_at(&st, &p1, on(CORE_CMD_QUESTION_VOTE, 3), t0 + 3000, &dec), RT_OK);
	CHECK_EQ_INT(apply_at(&st, &p2, on(CORE_CMD_QUESTION_VOTE, 4), t0 + 59999, &dec), RT_E_LIMIT_VOTE_RATE);
	CHECK_EQ_INT(apply_at(&st, &p2, on(CORE_CMD_QUESTION_VOTE, 4), t0 + 60000, &dec), RT_OK);
	core_state_free(&st);
}

/* QA-1: NFC after cleaning; the 500 code points are counted after composition. */
static void test_nfc(void)
{
	core_agenda ag = fixture_agenda(false);
	core_state st;
	fixture_state_init(&st, &ag);
	core_actor p1 = fixture_participant(1);
	/* "Qu'en pense l'e\u0301quipe ?" decomposed arrives composed. */
	CHECK_EQ_INT(apply(&st, &p1, post("Qu'en pense l'e\xcc\x81quipe ?", CORE_LANG_FR)), RT_OK);
	CHECK_EQ_STR(core_question_get(&st, 1)->text, "Qu'en pense l'\xc3\xa9quipe ?");
	/* 500 decomposed letters (1,000 code points as sent) are 500 after NFC: accepted. */
	char *buf = malloc(500 * 3 + 3);
	for (int i = 0; i < 500; i++)
		memcpy(buf + i * 3, "e\xcc\x81", 3);
	buf[1500] = '\0';
	CHECK_EQ_INT(apply(&st, &p1, post(buf, CORE_LANG_FR)), RT_OK);
	CHECK_EQ_INT(core_utf8_count(core_question_get(&st, 2)->text, core_question_get(&st, 2)->text_len), 500);
	/* 501 of them are too many. */
	memcpy(buf + 1500, "\xc3\xa9", 3);
	core_decision dec;
	CHECK_EQ_INT(apply_at(&st, &p1, post(buf, CORE_LANG_FR), FIXED_NOW_MS, &dec), RT_E_QUESTION_TEXT_TOO_LONG);
	CHECK_EQ_INT(dec.err.max, 500);
	free(buf);
	core_state_free(&st);
}

static core_command clk(core_cmd_kind kind)
{
	return (core_command){.kind = kind};
}

static core_command adjust(int minutes)
{
	return (core_command){.kind = CORE_CMD_CLOCK_ADJUST, .minutes = minutes};
}

#define MIN_MS 60000LL

/* AG-2..AG-4 with a fixed clock: every transition, and what the clock closes on its own. The
 * fixture's segments last 15 minutes; questions close 2 minutes before the end. */
static void test_clock(void)
{
	core_agenda ag = fixture_agenda(true);
	ag.close_minutes = 2;
	core_state st;
	fixture_state_init(&st, &ag);
	core_actor chair = fixture_role(CORE_ROLE_COCHAIR), sys = fixture_role(CORE_ROLE_SYSTEM);
	core_actor p1 = fixture_participant(1);
	core_decision dec;
	const int64_t t0 = FIXED_NOW_MS;
	CHECK_EQ_INT(st.timing[0].allotted_ms, 15 * MIN_MS);
	CHECK_EQ_INT(core_clock_due_ms(&st), 0); /* idle: nothing due */

	/* Not started: only start (and goto) apply. */
	CHECK_EQ_INT(apply_at(&st, &chair, clk(CORE_CMD_CLOCK_PAUSE), t0, &dec), RT_E_CLOCK_WRONG_STATE);
	CHECK_EQ_INT(dec.err.clock_state, CORE_CLOCK_IDLE);
	CHECK_EQ_INT(apply_at(&st, &chair, clk(CORE_CMD_CLOCK_RESUME), t0, &dec), RT_E_CLOCK_WRONG_STATE);
	CHECK_EQ_INT(apply_at(&st, &chair, adjust(5), t0, &dec), RT_E_CLOCK_WRONG_STATE);
	CHECK_EQ_INT(apply_at(&st, &p1, clk(CORE_CMD_CLOCK_START), t0, &dec), RT_E_AUTH_FORBIDDEN);
	CHECK_EQ_INT(apply_at(&st, &chair, clk(CORE_CMD_CLOCK_DUE), t0, &dec), RT_E_AUTH_FORBIDDEN);

	/* Start: running from t0; the countdown is the planned 15 minutes. */
	CHECK_EQ_INT(apply_at(&st, &chair, clk(CORE_CMD_CLOCK_START), t0, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 1);
	CHECK_EQ_INT(st.clock, CORE_CLOCK_RUNNING);
	CHECK_EQ_INT(st.timing[0].started_at, t0);
	CHECK_EQ_INT(core_clock_remaining_ms(&st, t0 + 4 * MIN_MS), 11 * MIN_MS);
	CHECK_EQ_INT(apply_at(&st, &chair, clk(CORE_CMD_CLOCK_START), t0, &dec), RT_E_CLOCK_WRONG_STATE);
	CHECK_EQ_INT(dec.err.clock_state, CORE_CLOCK_RUNNING);
	CHECK_EQ_INT(core_clock_due_ms(&st), t0 + 13 * MIN_MS);

	/* Pause at 4 min: the remaining time stays while paused, whatever the clock says. */
	CHECK_EQ_INT(apply_at(&st, &chair, clk(CORE_CMD_CLOCK_PAUSE), t0 + 4 * MIN_MS, &dec), RT_OK);
	CHECK_EQ_INT(st.timing[0].elapsed_ms, 4 * MIN_MS);
	CHECK_EQ_INT(core_clock_remaining_ms(&st, t0 + 60 * MIN_MS), 11 * MIN_MS);
	CHECK_EQ_INT(core_clock_due_ms(&st), 0); /* paused: nothing due */
	/* Extend while paused. */
	CHECK_EQ_INT(apply_at(&st, &chair, adjust(5), t0 + 5 * MIN_MS, &dec), RT_OK);
	CHECK_EQ_INT(st.timing[0].allotted_ms, 20 * MIN_MS);
	CHECK_EQ_INT(st.clock, CORE_CLOCK_PAUSED);
	CHECK_EQ_INT(core_clock_remaining_ms(&st, t0 + 60 * MIN_MS), 16 * MIN_MS);
	CHECK_EQ_INT(apply_at(&st, &chair, clk(CORE_CMD_CLOCK_PAUSE), t0, &dec), RT_E_CLOCK_WRONG_STATE);
	/* Resume at 10 min: 16 minutes left then. */
	CHECK_EQ_INT(apply_at(&st, &chair, clk(CORE_CMD_CLOCK_RESUME), t0 + 10 * MIN_MS, &dec), RT_OK);
	CHECK_EQ_INT(core_clock_remaining_ms(&st, t0 + 10 * MIN_MS), 16 * MIN_MS);
	CHECK_EQ_INT(st.timing[0].started_at, t0); /* the first start stays */
	CHECK_EQ_INT(apply_at(&st, &chair, clk(CORE_CMD_CLOCK_RESUME), t0, &dec), RT_E_CLOCK_WRONG_STATE);
	/* Shorten: never below a minute of allotted time. */
	CHECK_EQ_INT(apply_at(&st, &chair, adjust(-3), t0 + 10 * MIN_MS, &dec), RT_OK);
	CHECK_EQ_INT(st.timing[0].allotted_ms, 17 * MIN_MS);
	CHECK_EQ_INT(apply_at(&st, &chair, adjust(-120), t0 + 10 * MIN_MS, &dec), RT_OK);
	CHECK_EQ_INT(st.timing[0].allotted_ms, MIN_MS);
	CHECK_EQ_INT(apply_at(&st, &chair, adjust(-1), t0 + 10 * MIN_MS, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 0);
	CHECK_EQ_INT(apply_at(&st, &chair, adjust(14), t0 + 10 * MIN_MS, &dec), RT_OK);
	CHECK_EQ_INT(st.timing[0].allotted_ms, 15 * MIN_MS);
	/* At 16 min: 4 min run before the pause + 6 since the resume = 10 of 15, 5 left. The
	 * segment ends at 21 min; questions close 2 minutes before. */
	CHECK_EQ_INT(core_clock_remaining_ms(&st, t0 + 16 * MIN_MS), 5 * MIN_MS);
	int64_t due = core_clock_due_ms(&st);
	CHECK_EQ_INT(due, t0 + 19 * MIN_MS);

	/* The clock acts only when due, once, through the same decide. */
	CHECK_EQ_INT(apply_at(&st, &sys, clk(CORE_CMD_CLOCK_DUE), due - 1, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 0);
	CHECK_EQ_INT(apply(&st, &p1, post("Before the close", CORE_LANG_EN)), RT_OK);
	CHECK_EQ_INT(apply_at(&st, &sys, clk(CORE_CMD_CLOCK_DUE), due, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 1);
	CHECK_EQ_INT(dec.events[0].kind, CORE_EV_SEGMENT_CLOSED);
	CHECK(dec.events[0].automatic);
	CHECK(!st.agenda.segments[0].questions_open);
	CHECK_EQ_INT(apply_at(&st, &p1, post("After the close", CORE_LANG_EN), due + 1, &dec), RT_E_QUEUE_CLOSED);
	CHECK_EQ_INT(core_clock_due_ms(&st), 0);
	/* A co-chair reopens it: the clock does not close it again at the same end. */
	CHECK_EQ_INT(apply(&st, &chair, seg(CORE_CMD_SEGMENT_OPEN, 0)), RT_OK);
	CHECK_EQ_INT(core_clock_due_ms(&st), 0);
	CHECK_EQ_INT(apply_at(&st, &sys, clk(CORE_CMD_CLOCK_DUE), due + MIN_MS, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 0);
	/* Extending makes a new end, which closes again. */
	CHECK_EQ_INT(apply_at(&st, &chair, adjust(10), due + MIN_MS, &dec), RT_OK);
	CHECK_EQ_INT(core_clock_due_ms(&st), due + 10 * MIN_MS);

	/* Skip while in overrun (at 40 min: 25 allotted, 34 run): segment 0 keeps its
	 * 34 minutes, segment 1 runs from its start. */
	int64_t t1 = t0 + 40 * MIN_MS;
	CHECK(core_clock_remaining_ms(&st, t1) < 0);
	CHECK_EQ_INT(apply_at(&st, &chair, seg(CORE_CMD_AGENDA_GOTO, 1), t1, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 2);
	CHECK_EQ_INT(st.current_segment, 1);
	CHECK_EQ_INT(st.clock, CORE_CLOCK_RUNNING);
	CHECK_EQ_INT(st.timing[0].elapsed_ms, 34 * MIN_MS);
	CHECK_EQ_INT(st.timing[1].started_at, t1);
	CHECK_EQ_INT(core_clock_remaining_ms(&st, t1 + MIN_MS), 14 * MIN_MS);

	/* Pause across a segment boundary: paused in 1, go to 2 — 1 keeps its time, 2 runs. */
	CHECK_EQ_INT(apply_at(&st, &chair, clk(CORE_CMD_CLOCK_PAUSE), t1 + 3 * MIN_MS, &dec), RT_OK);
	CHECK_EQ_INT(apply_at(&st, &chair, seg(CORE_CMD_AGENDA_GOTO, 2), t1 + 9 * MIN_MS, &dec), RT_OK);
	CHECK_EQ_INT(st.timing[1].elapsed_ms, 3 * MIN_MS);
	CHECK_EQ_INT(st.clock, CORE_CLOCK_RUNNING);
	CHECK_EQ_INT(st.timing[2].started_at, t1 + 9 * MIN_MS);
	/* Go back: segment 1 resumes from its own 3 minutes. */
	CHECK_EQ_INT(apply_at(&st, &chair, seg(CORE_CMD_AGENDA_GOTO, 1), t1 + 10 * MIN_MS, &dec), RT_OK);
	CHECK_EQ_INT(st.timing[2].elapsed_ms, MIN_MS);
	CHECK_EQ_INT(st.timing[1].started_at, t1); /* the first start stays */
	CHECK_EQ_INT(core_clock_remaining_ms(&st, t1 + 10 * MIN_MS), 12 * MIN_MS);
	core_state_free(&st);

	/* Before the start, goto moves the agenda without starting the clock. */
	fixture_state_init(&st, &ag);
	CHECK_EQ_INT(apply_at(&st, &chair, seg(CORE_CMD_AGENDA_GOTO, 2), t0, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 1);
	CHECK_EQ_INT(st.clock, CORE_CLOCK_IDLE);
	CHECK_EQ_INT(st.timing[2].started_at, 0);
	core_state_free(&st);
}

/* LC-3: the floor language, set by a co-chair or the stage, heard by everyone. */
static void test_floor(void)
{
	core_agenda ag = fixture_agenda(true); /* floor en, channels ar and fr */
	core_state st;
	fixture_state_init(&st, &ag);
	core_decision dec;
	core_actor chair = fixture_role(CORE_ROLE_COCHAIR), stage = fixture_role(CORE_ROLE_STAGE);
	core_actor booth = fixture_role(CORE_ROLE_BOOTH), p1 = fixture_participant(1);
	core_command to_ar = {.kind = CORE_CMD_FLOOR_SET, .lang = CORE_LANG_AR};
	core_command to_es = {.kind = CORE_CMD_FLOOR_SET, .lang = CORE_LANG_ES};
	core_command to_en = {.kind = CORE_CMD_FLOOR_SET, .lang = CORE_LANG_EN};
	CHECK_EQ_INT(st.floor_now, CORE_LANG_EN);
	/* The language already spoken: acknowledged, nothing happens. */
	CHECK_EQ_INT(apply_at(&st, &chair, to_en, 0, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 0);
	CHECK_EQ_INT(apply_at(&st, &chair, to_ar, 0, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 1);
	CHECK_EQ_INT(dec.events[0].kind, CORE_EV_FLOOR);
	CHECK_EQ_INT(dec.events[0].lang, CORE_LANG_AR);
	CHECK_EQ_INT(st.floor_now, CORE_LANG_AR);
	CHECK_EQ_INT(core_event_audiences(&st, &dec.events[0]), (1u << CORE_AUD_PUBLIC) | (1u << CORE_AUD_MODERATION));
	/* Not a language of this consultation: refused, nothing changes. */
	CHECK_EQ_INT(apply_at(&st, &chair, to_es, 0, &dec), RT_E_LANGUAGE_UNKNOWN);
	CHECK_EQ_INT(st.floor_now, CORE_LANG_AR);
	/* The stage's operator may; booths and participants may not. */
	CHECK_EQ_INT(apply_at(&st, &booth, to_en, 0, &dec), RT_E_AUTH_FORBIDDEN);
	CHECK_EQ_INT(apply_at(&st, &p1, to_en, 0, &dec), RT_E_AUTH_FORBIDDEN);
	CHECK_EQ_INT(apply_at(&st, &stage, to_en, 0, &dec), RT_OK);
	CHECK_EQ_INT(st.floor_now, CORE_LANG_EN);
	CHECK_EQ_INT(st.seq, 2);
	/* An event naming a language the consultation does not have is refused by evolve. */
	core_event bad = {.kind = CORE_EV_FLOOR, .seq = 3, .lang = CORE_LANG_ES};
	CHECK_EQ_INT(core_evolve(&st, &bad), -1);
	CHECK_EQ_INT(st.floor_now, CORE_LANG_EN);
	core_state_free(&st);
}

/* LC-4: booth signals reach the co-chairs alone, take no seq, change nothing stored, and are
 * limited per booth. */
static void test_signals(void)
{
	core_agenda ag = fixture_agenda(true);
	core_state st;
	fixture_state_init(&st, &ag);
	core_decision dec;
	core_actor ar = fixture_role(CORE_ROLE_BOOTH), fr = fixture_role(CORE_ROLE_BOOTH);
	ar.channel = CORE_LANG_AR;
	fr.channel = CORE_LANG_FR;
	core_actor chair = fixture_role(CORE_ROLE_COCHAIR), p1 = fixture_participant(1);
	core_command slower = {.kind = CORE_CMD_SIGNAL, .signal = CORE_SIGNAL_SLOWER};
	int64_t t0 = 1000000;
	CHECK_EQ_INT(apply_at(&st, &chair, (core_command){.kind = CORE_CMD_FLOOR_SET, .lang = CORE_LANG_FR}, t0, &dec),
	             RT_OK);
	uint64_t seq = st.seq;
	CHECK_EQ_INT(apply_at(&st, &ar, slower, t0, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 1);
	CHECK_EQ_INT(dec.events[0].kind, CORE_EV_SIGNAL);
	CHECK_EQ_INT(dec.events[0].lang, CORE_LANG_AR);
	CHECK_EQ_INT(dec.events[0].signal, CORE_SIGNAL_SLOWER);
	CHECK_EQ_INT(dec.events[0].seq, 0);
	CHECK(core_event_ephemeral(&dec.events[0]));
	CHECK(!core_event_ephemeral(&(core_event){.kind = CORE_EV_FLOOR}));
	CHECK_EQ_INT(core_event_audiences(&st, &dec.events[0]), 1u << CORE_AUD_COCHAIRS);
	CHECK_EQ_INT(st.seq, seq);
	/* Six in a minute per booth; the seventh is refused with the limit; another booth is not
	 * held back; a minute later the window opens again. */
	for (int i = 1; i < CORE_SIGNALS_PER_WINDOW; i++)
		CHECK_EQ_INT(apply_at(&st, &ar, (core_command){.kind = CORE_CMD_SIGNAL, .signal = (core_signal)(i % 4)},
		                      t0 + i * 1000, &dec),
		             RT_OK);
	CHECK_EQ_INT(apply_at(&st, &ar, slower, t0 + 30000, &dec), RT_E_LIMIT_SIGNAL_RATE);
	CHECK_EQ_INT(dec.err.max, CORE_SIGNALS_PER_WINDOW);
	CHECK_EQ_INT(dec.err.seconds, 60);
	CHECK_EQ_INT(apply_at(&st, &fr, slower, t0 + 30000, &dec), RT_OK);
	CHECK_EQ_INT(apply_at(&st, &ar, slower, t0 + CORE_SIGNAL_WINDOW_MS, &dec), RT_OK);
	CHECK_EQ_INT(st.seq, seq);
	/* Only booths signal. */
	CHECK_EQ_INT(apply_at(&st, &chair, slower, t0, &dec), RT_E_AUTH_FORBIDDEN);
	CHECK_EQ_INT(apply_at(&st, &p1, slower, t0, &dec), RT_E_AUTH_FORBIDDEN);
	CHECK_EQ_INT(core_signal_parse("mic_off"), CORE_SIGNAL_MIC_OFF);
	CHECK_EQ_INT(core_signal_parse("louder"), -1);
	for (int i = 0; i < CORE_SIGNAL_COUNT; i++)
		CHECK_EQ_INT(core_signal_parse(core_signal_name((core_signal)i)), i);
	core_state_free(&st);
}

/* LC-5: the question selected next reaches moderation and the booths; it lapses by itself. */
static void test_next(void)
{
	core_agenda ag = fixture_agenda(false);
	core_state st;
	fixture_state_init(&st, &ag);
	core_decision dec;
	core_actor chair = fixture_role(CORE_ROLE_COCHAIR), p1 = fixture_participant(1), p2 = fixture_participant(2);
	for (int i = 0; i < 3; i++)
		CHECK_EQ_INT(apply_at(&st, i ? &p2 : &p1, post(i ? "Second" : "First", CORE_LANG_AR), 0, &dec), RT_OK);
	core_command next1 = {.kind = CORE_CMD_QUESTION_NEXT, .question = 1};
	CHECK_EQ_INT(apply_at(&st, &chair, next1, 0, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 1);
	CHECK_EQ_INT(dec.events[0].kind, CORE_EV_NEXT);
	CHECK_EQ_INT(st.next_up, 1);
	CHECK_EQ_INT(core_event_audiences(&st, &dec.events[0]), (1u << CORE_AUD_MODERATION) | (1u << CORE_AUD_BOOTHS));
	CHECK_EQ_INT(apply_at(&st, &chair, next1, 0, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 0);
	CHECK_EQ_INT(apply_at(&st, &chair, (core_command){.kind = CORE_CMD_QUESTION_NEXT, .question = 9}, 0, &dec),
	             RT_E_QUESTION_NOT_FOUND);
	CHECK_EQ_INT(apply_at(&st, &p1, next1, 0, &dec), RT_E_AUTH_FORBIDDEN);
	/* Answering it now ends the selection, with no event of its own. */
	CHECK_EQ_INT(apply_at(&st, &chair, on(CORE_CMD_QUESTION_ANSWER_NOW, 1), 0, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 1);
	CHECK_EQ_INT(st.next_up, 0);
	/* The question being answered cannot be selected next; a withdrawn one neither. */
	CHECK_EQ_INT(apply_at(&st, &chair, next1, 0, &dec), RT_E_QUESTION_WRONG_STATE);
	CHECK_EQ_INT(apply_at(&st, &chair, (core_command){.kind = CORE_CMD_QUESTION_NEXT, .question = 2}, 0, &dec),
	             RT_OK);
	CHECK_EQ_INT(apply_at(&st, &p2, on(CORE_CMD_QUESTION_WITHDRAW, 2), 0, &dec), RT_OK);
	CHECK_EQ_INT(st.next_up, 0);
	CHECK_EQ_INT(apply_at(&st, &chair, (core_command){.kind = CORE_CMD_QUESTION_NEXT, .question = 2}, 0, &dec),
	             RT_E_QUESTION_WRONG_STATE);
	CHECK_EQ_INT(dec.err.state, CORE_Q_WITHDRAWN);
	/* Selecting none clears it; none again changes nothing. */
	CHECK_EQ_INT(apply_at(&st, &chair, (core_command){.kind = CORE_CMD_QUESTION_NEXT, .question = 3}, 0, &dec),
	             RT_OK);
	CHECK_EQ_INT(apply_at(&st, &chair, (core_command){.kind = CORE_CMD_QUESTION_NEXT}, 0, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 1);
	CHECK_EQ_INT(st.next_up, 0);
	CHECK_EQ_INT(apply_at(&st, &chair, (core_command){.kind = CORE_CMD_QUESTION_NEXT}, 0, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 0);
	core_state_free(&st);
}

static void test_names(void)
{
	for (int i = 0; i < CORE_LANG_COUNT; i++)
		CHECK_EQ_INT(core_lang_parse(core_lang_name((core_lang)i)), i);
	for (int i = 0; i < CORE_ROLE_SYSTEM; i++)
		CHECK_EQ_INT(core_role_parse(core_role_name((core_role)i)), i);
	/* No token can name the server's own role. */
	CHECK_EQ_INT(core_role_parse("system"), -1);
	for (int i = 0; i < CORE_CLOCK_STATE_COUNT; i++)
		CHECK_EQ_INT(core_clock_state_parse(core_clock_state_name((core_clock_state)i)), i);
	for (int i = 0; i < CORE_Q_STATE_COUNT; i++)
		CHECK_EQ_INT(core_qstate_parse(core_qstate_name((core_qstate)i)), i);
	for (int i = 0; i < CORE_SEG_KIND_COUNT; i++)
		CHECK_EQ_INT(core_segment_kind_parse(core_segment_kind_name((core_segment_kind)i)), i);
	CHECK_EQ_INT(core_lang_parse("de"), -1);
	CHECK_EQ_INT(core_role_parse("admin"), -1);
	CHECK_EQ_INT(core_lang_parse(NULL), -1);
	CHECK_EQ_STR(rt_err_code(RT_E_VOTE_ALREADY), "vote.already");
	/* Codes that reach clients are "topic.reason"; internal statuses never do. */
	for (int e = 0; e < RT_E_COUNT; e++)
		CHECK((strchr(rt_err_code((rt_err)e), '.') != NULL) == rt_err_public((rt_err)e));
	CHECK(!rt_err_public(RT_OK));
	CHECK(!rt_err_public(RT_E_NOT_FOUND));
	CHECK_EQ_STR(rt_err_code(RT_E_NOT_FOUND), "not_found");
}

/* LC-6: listeners counted per language in memory, once per participant however many of their
 * connections listen; the co-chairs' and the booths' banded views change only when their band
 * changes, and the co-chairs' goes down only a minute after its count fell below it. */
static core_actor listener(uint8_t n, uint64_t session)
{
	core_actor a = fixture_participant(n);
	a.session = session;
	return a;
}

static unsigned listen_to(core_state *st, const core_actor *who, core_lang lang)
{
	core_decision dec;
	core_command cmd = {.kind = CORE_CMD_LISTEN, .lang = lang};
	CHECK_EQ_INT(apply_at(st, who, cmd, FIXED_NOW_MS, &dec), RT_OK);
	if (dec.nevents == 0)
		return 0;
	CHECK_EQ_INT(dec.nevents, 1);
	CHECK_EQ_INT(dec.events[0].kind, CORE_EV_PRESENCE);
	CHECK(core_event_ephemeral(&dec.events[0]));
	return core_event_audiences(st, &dec.events[0]);
}

static unsigned leave(core_state *st, uint64_t session)
{
	core_decision dec;
	core_actor sys = {.role = CORE_ROLE_SYSTEM, .session = session};
	CHECK_EQ_INT(apply_at(st, &sys, (core_command){.kind = CORE_CMD_LEAVE}, FIXED_NOW_MS, &dec), RT_OK);
	return dec.nevents ? core_event_audiences(st, &dec.events[0]) : 0;
}

static void test_presence(void)
{
	const unsigned chairs = 1u << CORE_AUD_COCHAIRS, booths = 1u << CORE_AUD_BOOTHS;
	core_agenda ag = fixture_agenda(true);
	core_state st;
	fixture_state_init(&st, &ag);
	CHECK_EQ_INT(core_band_for(CORE_AUD_COCHAIRS, 0), CORE_BAND_NONE);
	CHECK_EQ_INT(core_band_for(CORE_AUD_BOOTHS, 0), CORE_BAND_NONE);
	CHECK_EQ_INT(core_band_for(CORE_AUD_COCHAIRS, 3), CORE_BAND_FEW);
	CHECK_EQ_INT(core_band_for(CORE_AUD_BOOTHS, 3), CORE_BAND_PRESENT);
	CHECK_EQ_INT(core_band_for(CORE_AUD_COCHAIRS, 4), CORE_BAND_FEW);
	CHECK_EQ_INT(core_band_for(CORE_AUD_COCHAIRS, 5), CORE_BAND_RANGE);
	CHECK_EQ_STR(core_band_name(CORE_BAND_FEW), "few");
	CHECK_EQ_STR(core_band_name(CORE_BAND_RANGE), "range");
	/* The co-chairs' bands: none, few, 5-9, 10-19, 20-49, 50-99, 100 and more. */
	static const uint32_t counts[] = {0, 1, 4, 5, 9, 10, 19, 20, 49, 50, 99, 100, 5000};
	static const uint32_t floors[] = {0, 1, 1, 5, 5, 10, 10, 20, 20, 50, 50, 100, 100};
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
		CHECK_EQ_INT(core_band_floor(counts[i]), floors[i]);
	CHECK_EQ_INT(core_band_ceiling(5), 9);
	CHECK_EQ_INT(core_band_ceiling(50), 99);
	CHECK_EQ_INT(core_band_ceiling(100), 0);
	uint64_t seq = st.seq;

	/* 0, then 1 to 3 listeners in Arabic: only the first changes what anyone sees. */
	core_actor p[8];
	for (int i = 1; i <= 7; i++)
		p[i] = listener((uint8_t)i, (uint64_t)i);
	CHECK_EQ_INT(listen_to(&st, &p[1], CORE_LANG_AR), chairs | booths);
	CHECK_EQ_INT(listen_to(&st, &p[2], CORE_LANG_AR), 0);
	CHECK_EQ_INT(listen_to(&st, &p[3], CORE_LANG_AR), 0);
	CHECK_EQ_INT(st.listeners[CORE_LANG_AR], 3);
	CHECK_EQ_INT(listen_to(&st, &p[4], CORE_LANG_AR), 0);
	/* The fifth moves the co-chairs' band to 5-9; the sixth and seventh stay in it. */
	CHECK_EQ_INT(listen_to(&st, &p[5], CORE_LANG_AR), chairs);
	CHECK_EQ_INT(listen_to(&st, &p[6], CORE_LANG_AR), 0);
	CHECK_EQ_INT(listen_to(&st, &p[7], CORE_LANG_AR), 0);
	CHECK_EQ_INT(st.listeners[CORE_LANG_AR], 7);
	/* Choosing again what one listens to changes nothing. */
	CHECK_EQ_INT(listen_to(&st, &p[7], CORE_LANG_AR), 0);

	/* A second connection of the same participant does not count twice, and the participant
	 * stays counted until the last of their connections in that language goes. */
	core_actor p1b = listener(1, 101);
	CHECK_EQ_INT(listen_to(&st, &p1b, CORE_LANG_AR), 0);
	CHECK_EQ_INT(st.listeners[CORE_LANG_AR], 7);
	CHECK_EQ_INT(leave(&st, 1), 0);
	CHECK_EQ_INT(st.listeners[CORE_LANG_AR], 7);
	CHECK_EQ_INT(leave(&st, 101), 0); /* 6: still 5-9 */
	CHECK_EQ_INT(st.listeners[CORE_LANG_AR], 6);
	CHECK_EQ_INT(leave(&st, 101), 0); /* already gone */

	/* Switching language moves the participant; French goes from none to present. */
	CHECK_EQ_INT(listen_to(&st, &p[2], CORE_LANG_FR), chairs | booths);
	CHECK_EQ_INT(st.listeners[CORE_LANG_AR], 5);
	CHECK_EQ_INT(st.listeners[CORE_LANG_FR], 1);
	/* Down from 5 to 4 Arabic listeners: the co-chairs still see 5-9 for a minute, so that one
	 * departure cannot be matched against the meeting's list; then "fewer than 5". */
	CHECK_EQ_INT(listen_to(&st, &p[3], CORE_LANG_NONE), 0);
	CHECK_EQ_INT(st.shown_floor[CORE_LANG_AR], 5);
	CHECK_EQ_INT(core_clock_due_ms(&st), FIXED_NOW_MS + CORE_BAND_HOLD_MS);
	core_actor sys = {.role = CORE_ROLE_SYSTEM};
	core_decision due;
	CHECK_EQ_INT(
	    apply_at(&st, &sys, (core_command){.kind = CORE_CMD_CLOCK_DUE}, FIXED_NOW_MS + CORE_BAND_HOLD_MS - 1, &due),
	    RT_OK);
	CHECK_EQ_INT(due.nevents, 0);
	CHECK_EQ_INT(st.shown_floor[CORE_LANG_AR], 5);
	CHECK_EQ_INT(
	    apply_at(&st, &sys, (core_command){.kind = CORE_CMD_CLOCK_DUE}, FIXED_NOW_MS + CORE_BAND_HOLD_MS, &due),
	    RT_OK);
	CHECK_EQ_INT(due.nevents, 1);
	CHECK_EQ_INT(due.events[0].kind, CORE_EV_PRESENCE);
	CHECK_EQ_INT(core_event_audiences(&st, &due.events[0]), chairs);
	CHECK_EQ_INT(st.shown_floor[CORE_LANG_AR], 1);
	CHECK_EQ_INT(core_clock_due_ms(&st), 0);
	/* Back up to 5 and down again within the minute: the band shows 5-9 throughout. */
	CHECK_EQ_INT(listen_to(&st, &p[3], CORE_LANG_AR), chairs);
	CHECK_EQ_INT(listen_to(&st, &p[3], CORE_LANG_NONE), 0);
	CHECK_EQ_INT(st.shown_floor[CORE_LANG_AR], 5);
	/* The last French listener leaves: the booths see none at once, the co-chairs a minute on. */
	CHECK_EQ_INT(leave(&st, 2), booths);
	CHECK_EQ_INT(st.listeners[CORE_LANG_FR], 0);
	CHECK_EQ_INT(st.shown_floor[CORE_LANG_FR], 1);

	/* Bad input changes nothing: a language the consultation does not offer, a connection
	 * without a session number, a role that does not listen. */
	core_decision dec;
	CHECK_EQ_INT(apply_at(&st, &p[4], (core_command){.kind = CORE_CMD_LISTEN, .lang = CORE_LANG_ES}, 0, &dec),
	             RT_E_LANGUAGE_UNKNOWN);
	core_actor nosession = fixture_participant(9);
	CHECK_EQ_INT(apply_at(&st, &nosession, (core_command){.kind = CORE_CMD_LISTEN, .lang = CORE_LANG_AR}, 0, &dec),
	             RT_E_AUTH_FORBIDDEN);
	core_actor booth = fixture_role(CORE_ROLE_BOOTH);
	booth.session = 77;
	CHECK_EQ_INT(apply_at(&st, &booth, (core_command){.kind = CORE_CMD_LISTEN, .lang = CORE_LANG_AR}, 0, &dec),
	             RT_E_AUTH_FORBIDDEN);
	/* Presence never takes a place in the consultation's order. */
	CHECK_EQ_INT(st.seq, seq);

	/* Many connections come and go in every order: the table stays consistent (backward-shift
	 * deletion) and the counts return to what they were. */
	uint32_t ar_before = st.listeners[CORE_LANG_AR], sessions_before = st.sused;
	for (uint64_t i = 0; i < 3000; i++) {
		core_actor a = listener((uint8_t)(100 + i % 100), 1000 + i);
		listen_to(&st, &a, i % 3 ? CORE_LANG_FR : CORE_LANG_EN);
	}
	CHECK_EQ_INT(st.listeners[CORE_LANG_FR], 100); /* each of 100 participants in both */
	CHECK_EQ_INT(st.listeners[CORE_LANG_EN], 100);
	for (uint64_t i = 0; i < 3000; i += 2)
		leave(&st, 1000 + i);
	for (int64_t i = 2999; i >= 1; i -= 2)
		leave(&st, 1000 + (uint64_t)i);
	CHECK_EQ_INT(st.listeners[CORE_LANG_FR], 0);
	CHECK_EQ_INT(st.listeners[CORE_LANG_EN], 0);
	CHECK_EQ_INT(st.listeners[CORE_LANG_AR], ar_before);
	CHECK_EQ_INT(st.sused, sessions_before);

	/* A state reloaded from the store keeps what lives in memory only. */
	core_state fresh;
	fixture_state_init(&fresh, &ag);
	core_state_move_live(&fresh, &st);
	CHECK_EQ_INT(fresh.listeners[CORE_LANG_AR], ar_before);
	CHECK_EQ_INT(st.listeners[CORE_LANG_AR], 0);
	CHECK_EQ_INT(leave(&fresh, 4), 0);
	CHECK_EQ_INT(fresh.listeners[CORE_LANG_AR], ar_before - 1);
	core_state_free(&fresh);
	core_state_free(&st);
}

/* QA-6: applies a decision's events to a second state too, as a replica (or a replay) does. */
static rt_err apply_both(core_state *st, core_state *copy, const core_actor *who, core_command cmd, core_decision *dec)
{
	rt_err err = apply_at(st, who, cmd, FIXED_NOW_MS, dec);
	for (int i = 0; !err && i < dec->nevents; i++)
		CHECK_EQ_INT(core_evolve(copy, &dec->events[i]), 0);
	return err;
}

static core_command move_many(const uint32_t *ids, uint32_t n, uint16_t segment)
{
	return (core_command){.kind = CORE_CMD_QUESTION_MOVE, .questions = ids, .nquestions = n, .segment = segment};
}

/* QA-6: a change of segment carries the unanswered questions over, unless the segment entered
 * starts empty; pinned, now answering and next up survive; replaying the events gives the same
 * state. */
static void test_carry_over(void)
{
	core_agenda ag = fixture_agenda(true);
	ag.segments[3].starts_empty = true; /* the closing segment: "carry_over": false */
	core_state st, copy;
	fixture_state_init(&st, &ag);
	fixture_state_init(&copy, &ag);
	core_actor chair = fixture_role(CORE_ROLE_COCHAIR);
	core_decision dec;
	for (uint8_t n = 1; n <= 7; n++) {
		core_actor p = fixture_participant(n);
		CHECK_EQ_INT(apply_both(&st, &copy, &p, post("Mutual legal assistance timelines?", CORE_LANG_EN), &dec),
		             RT_OK);
	}
	for (uint32_t q = 1; q <= 7; q++)
		if (q != 4 && q != 6)
			CHECK_EQ_INT(apply_both(&st, &copy, &chair, on(CORE_CMD_QUESTION_APPROVE, q), &dec), RT_OK);
	CHECK_EQ_INT(apply_both(&st, &copy, &chair, on(CORE_CMD_QUESTION_REJECT, 6), &dec), RT_OK);
	CHECK_EQ_INT(apply_both(&st, &copy, &chair, on(CORE_CMD_QUESTION_PIN, 1), &dec), RT_OK);
	CHECK_EQ_INT(apply_both(&st, &copy, &chair, on(CORE_CMD_QUESTION_ANSWER_NOW, 2), &dec), RT_OK);
	CHECK_EQ_INT(apply_both(&st, &copy, &chair, on(CORE_CMD_QUESTION_NEXT, 3), &dec), RT_OK);
	CHECK_EQ_INT(apply_both(&st, &copy, &chair, on(CORE_CMD_QUESTION_ANSWER, 5), &dec), RT_OK);
	CHECK_EQ_INT(apply_both(&st, &copy, &chair,
	                        (core_command){.kind = CORE_CMD_QUESTION_MOVE, .question = 7, .segment = 2}, &dec),
	             RT_OK);
	CHECK_EQ_INT(apply_both(&st, &copy, &chair, (core_command){.kind = CORE_CMD_CLOCK_START}, &dec), RT_OK);

	/* Next segment: the live 1, 2, 3 and the pending 4 move; answered 5, rejected 6 stay. */
	CHECK_EQ_INT(apply_both(&st, &copy, &chair, seg(CORE_CMD_AGENDA_GOTO, 1), &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 2); /* the segment, and the clock */
	CHECK_EQ_INT(dec.events[0].kind, CORE_EV_AGENDA_CURRENT);
	CHECK_EQ_INT(dec.events[0].from, 0);
	CHECK_EQ_INT(dec.events[0].nids, 4);
	for (uint32_t i = 0; i < 4 && i < dec.events[0].nids; i++)
		CHECK_EQ_INT(dec.events[0].ids[i], i + 1);
	const uint16_t after_goto[] = {1, 1, 1, 1, 0, 0, 2};
	for (uint32_t q = 1; q <= 7; q++)
		CHECK_EQ_INT(core_question_get(&st, q)->segment, after_goto[q - 1]);
	CHECK(core_question_get(&st, 1)->pinned);
	CHECK_EQ_INT(st.answering, 2);
	CHECK_EQ_INT(st.next_up, 3);
	CHECK_EQ_INT(core_event_audiences(&st, &dec.events[0]), (1u << CORE_AUD_PUBLIC) | (1u << CORE_AUD_MODERATION));

	/* The closing segment starts empty: nothing moves. */
	CHECK_EQ_INT(apply_both(&st, &copy, &chair, seg(CORE_CMD_AGENDA_GOTO, 3), &dec), RT_OK);
	CHECK_EQ_INT(dec.events[0].nids, 0);
	CHECK_EQ_INT(core_question_get(&st, 1)->segment, 1);
	/* Going back carries nothing from the empty segment; then from 1 back to 0, everything. */
	CHECK_EQ_INT(apply_both(&st, &copy, &chair, seg(CORE_CMD_AGENDA_GOTO, 1), &dec), RT_OK);
	CHECK_EQ_INT(dec.events[0].nids, 0);
	CHECK_EQ_INT(apply_both(&st, &copy, &chair, seg(CORE_CMD_AGENDA_GOTO, 0), &dec), RT_OK);
	CHECK_EQ_INT(dec.events[0].nids, 4);
	CHECK_EQ_INT(core_question_get(&st, 4)->segment, 0);

	/* Move many: typed errors change nothing. */
	const uint32_t unknown[] = {1, 99}, rejected[] = {2, 6}, some[] = {5, 1, 1, 2}, pending[] = {4};
	core_actor p1 = fixture_participant(1);
	CHECK_EQ_INT(apply_both(&st, &copy, &p1, move_many(some, 4, 2), &dec), RT_E_AUTH_FORBIDDEN);
	CHECK_EQ_INT(apply_both(&st, &copy, &chair, move_many(unknown, 2, 2), &dec), RT_E_QUESTION_NOT_FOUND);
	CHECK_EQ_INT(dec.err.question, 99);
	CHECK_EQ_INT(apply_both(&st, &copy, &chair, move_many(rejected, 2, 2), &dec), RT_E_QUESTION_WRONG_STATE);
	CHECK_EQ_INT(dec.err.question, 6);
	CHECK_EQ_INT(dec.err.state, CORE_Q_REJECTED);
	CHECK_EQ_INT(apply_both(&st, &copy, &chair, move_many(some, 4, 9), &dec), RT_E_SEGMENT_NOT_FOUND);
	static uint32_t too_many[CORE_MAX_MOVE + 1];
	for (uint32_t i = 0; i <= CORE_MAX_MOVE; i++)
		too_many[i] = 1;
	CHECK_EQ_INT(apply_both(&st, &copy, &chair, move_many(too_many, CORE_MAX_MOVE + 1, 2), &dec),
	             RT_E_PROTOCOL_INVALID_FIELD);
	CHECK_EQ_INT(core_question_get(&st, 1)->segment, 0);
	/* One event names each question once, in id order; answered 5 moves too. */
	CHECK_EQ_INT(apply_both(&st, &copy, &chair, move_many(some, 4, 2), &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 1);
	CHECK_EQ_INT(dec.events[0].kind, CORE_EV_QUESTIONS_MOVED);
	CHECK_EQ_INT(dec.events[0].nids, 3);
	CHECK_EQ_INT(dec.events[0].ids[0], 1);
	CHECK_EQ_INT(dec.events[0].ids[1], 2);
	CHECK_EQ_INT(dec.events[0].ids[2], 5);
	CHECK_EQ_INT(core_question_get(&st, 5)->segment, 2);
	CHECK(core_question_get(&st, 1)->pinned);
	CHECK_EQ_INT(apply_both(&st, &copy, &chair, move_many(some, 4, 2), &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 0); /* there already */
	/* A pending question alone moves for the co-chairs only (QA-2). */
	CHECK_EQ_INT(apply_both(&st, &copy, &chair, move_many(pending, 1, 2), &dec), RT_OK);
	CHECK_EQ_INT(core_event_audiences(&st, &dec.events[0]), 1u << CORE_AUD_MODERATION);

	/* The replica that applied the same events holds the same state. */
	CHECK_EQ_INT(copy.current_segment, st.current_segment);
	CHECK_EQ_INT(copy.answering, st.answering);
	CHECK_EQ_INT(copy.next_up, st.next_up);
	for (uint32_t q = 1; q <= st.nquestions; q++) {
		CHECK_EQ_INT(core_question_get(&copy, q)->segment, core_question_get(&st, q)->segment);
		CHECK_EQ_INT(core_question_get(&copy, q)->pinned, core_question_get(&st, q)->pinned);
	}
	/* An event naming an unknown question changes nothing. */
	core_event bad = {.kind = CORE_EV_QUESTIONS_MOVED, .segment = 1, .ids = unknown, .nids = 2};
	CHECK_EQ_INT(core_evolve(&copy, &bad), -1);
	CHECK_EQ_INT(core_question_get(&copy, 1)->segment, 2);
	core_state_free(&st);
	core_state_free(&copy);
}

/* QA-6: one change of segment carries at most CORE_MAX_MOVE questions, the oldest first. */
static void test_carry_over_bound(void)
{
	core_agenda ag = fixture_agenda(false);
	core_state st;
	fixture_state_init(&st, &ag);
	core_actor chair = fixture_role(CORE_ROLE_COCHAIR);
	core_decision dec;
	for (int k = 0; k < 3; k++)
		for (uint8_t n = 1; n <= 200; n++) {
			core_actor p = fixture_participant(n);
			CHECK_EQ_INT(
			    apply_at(&st, &p, post("Extradition safeguards?", CORE_LANG_EN), FIXED_NOW_MS, &dec),
			    RT_OK);
		}
	CHECK_EQ_INT(apply_at(&st, &chair, seg(CORE_CMD_AGENDA_GOTO, 1), FIXED_NOW_MS, &dec), RT_OK);
	CHECK_EQ_INT(dec.events[0].nids, CORE_MAX_MOVE);
	CHECK_EQ_INT(core_question_get(&st, CORE_MAX_MOVE)->segment, 1);
	CHECK_EQ_INT(core_question_get(&st, CORE_MAX_MOVE + 1)->segment, 0);
	core_state_free(&st);
}

/* QA-4, two co-chairs at once: approve, reject and edit that say what their sender saw are
 * refused with question.conflict once the question changed; without it, today's rules. */
static void test_cochairs(void)
{
	core_agenda ag = fixture_agenda(true);
	core_state st;
	fixture_state_init(&st, &ag);
	core_decision dec;
	core_actor a = fixture_role(CORE_ROLE_COCHAIR), p1 = fixture_participant(1);
	CHECK_EQ_INT(apply(&st, &p1, post("Who ratifies first?", CORE_LANG_EN)), RT_OK);
	CHECK_EQ_INT(apply(&st, &p1, post("And the second one?", CORE_LANG_FR)), RT_OK);
	core_command approve = on(CORE_CMD_QUESTION_APPROVE, 1), reject = on(CORE_CMD_QUESTION_REJECT, 1);
	approve.has_from = reject.has_from = true;
	approve.from = reject.from = CORE_Q_PENDING;
	/* One co-chair rejects; the other's approve, sent while it was pending, is refused. */
	CHECK_EQ_INT(apply(&st, &a, reject), RT_OK);
	CHECK_EQ_INT(apply_at(&st, &a, approve, FIXED_NOW_MS, &dec), RT_E_QUESTION_CONFLICT);
	CHECK_EQ_STR(rt_err_code(RT_E_QUESTION_CONFLICT), "question.conflict");
	CHECK_EQ_INT(dec.err.state, CORE_Q_REJECTED);
	CHECK_EQ_INT(dec.err.question, 1);
	CHECK_EQ_INT(dec.err.version, 0);
	CHECK_EQ_INT(st.questions[0].state, CORE_Q_REJECTED);
	/* Approve anyway: sent again with the state now. */
	approve.from = CORE_Q_REJECTED;
	CHECK_EQ_INT(apply(&st, &a, approve), RT_OK);
	CHECK_EQ_INT(st.questions[0].state, CORE_Q_APPROVED);
	/* A reject that saw it pending, after the approval: a conflict, not question.not_pending. */
	CHECK_EQ_INT(apply_at(&st, &a, reject, FIXED_NOW_MS, &dec), RT_E_QUESTION_CONFLICT);
	CHECK_EQ_INT(dec.err.state, CORE_Q_APPROVED);
	/* Without `from`, an older client's approve of a rejected question still goes through. */
	CHECK_EQ_INT(apply(&st, &a, on(CORE_CMD_QUESTION_REJECT, 2)), RT_OK);
	CHECK_EQ_INT(apply(&st, &a, on(CORE_CMD_QUESTION_APPROVE, 2)), RT_OK);
	CHECK_EQ_INT(st.questions[1].state, CORE_Q_APPROVED);
	/* Edits compare and set on the version, which every edit bumps. */
	core_command edit = {.kind = CORE_CMD_QUESTION_EDIT, .question = 1, .text = "Who ratifies it first?"};
	edit.text_len = strlen(edit.text);
	edit.has_version = true;
	edit.version = 0;
	CHECK_EQ_INT(st.questions[0].version, 0);
	CHECK_EQ_INT(apply(&st, &a, edit), RT_OK);
	CHECK_EQ_INT(st.questions[0].version, 1);
	edit.text = "Which state ratifies first?";
	edit.text_len = strlen(edit.text);
	CHECK_EQ_INT(apply_at(&st, &a, edit, FIXED_NOW_MS, &dec), RT_E_QUESTION_CONFLICT);
	CHECK_EQ_INT(dec.err.version, 1);
	CHECK_EQ_INT(dec.err.state, CORE_Q_APPROVED);
	CHECK_EQ_STR(st.questions[0].text, "Who ratifies it first?");
	edit.version = 1;
	edit.has_from = true;
	edit.from = CORE_Q_PENDING; /* the state changed too: still a conflict */
	CHECK_EQ_INT(apply_at(&st, &a, edit, FIXED_NOW_MS, &dec), RT_E_QUESTION_CONFLICT);
	edit.from = CORE_Q_APPROVED;
	CHECK_EQ_INT(apply(&st, &a, edit), RT_OK);
	CHECK_EQ_INT(st.questions[0].version, 2);
	/* Without a version, last writer wins as before. */
	edit.has_version = edit.has_from = false;
	edit.text = "Which state ratifies the treaty first?";
	edit.text_len = strlen(edit.text);
	CHECK_EQ_INT(apply(&st, &a, edit), RT_OK);
	CHECK_EQ_INT(st.questions[0].version, 3);
	/* A replayed row keeps its version. */
	core_event row = {.kind = CORE_EV_QUESTION_POSTED,
	                  .question = 3,
	                  .state = CORE_Q_APPROVED,
	                  .text = "x",
	                  .text_len = 1,
	                  .version = 7};
	CHECK_EQ_INT(core_evolve(&st, &row), 0);
	CHECK_EQ_INT(st.questions[2].version, 7);
	/* A bad `from` never matters to commands that do not take one. */
	core_command pin = on(CORE_CMD_QUESTION_PIN, 1);
	pin.has_from = true;
	pin.from = CORE_Q_PENDING;
	CHECK_EQ_INT(apply(&st, &a, pin), RT_OK);
	core_state_free(&st);
}

/* LC-4: the co-chairs acknowledge a booth's signal: ephemeral, to the booths and co-chairs. */
static void test_booth_ack(void)
{
	core_agenda ag = fixture_agenda(true);
	core_state st;
	fixture_state_init(&st, &ag);
	core_decision dec;
	core_actor chair = fixture_role(CORE_ROLE_COCHAIR), booth = fixture_role(CORE_ROLE_BOOTH);
	booth.channel = CORE_LANG_AR;
	core_actor p1 = fixture_participant(1);
	uint64_t seq = st.seq;
	core_command ack = {
	    .kind = CORE_CMD_BOOTH_ACKNOWLEDGE, .lang = CORE_LANG_AR, .signal = CORE_SIGNAL_NO_FLOOR_AUDIO};
	CHECK_EQ_INT(apply_at(&st, &chair, ack, FIXED_NOW_MS, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 1);
	CHECK_EQ_INT(dec.events[0].kind, CORE_EV_BOOTH_ACK);
	CHECK_EQ_INT(dec.events[0].lang, CORE_LANG_AR);
	CHECK_EQ_INT(dec.events[0].signal, CORE_SIGNAL_NO_FLOOR_AUDIO);
	CHECK(core_event_ephemeral(&dec.events[0]));
	CHECK_EQ_INT(core_event_audiences(&st, &dec.events[0]), (1u << CORE_AUD_COCHAIRS) | (1u << CORE_AUD_BOOTHS));
	CHECK_EQ_INT(st.seq, seq);
	/* Only co-chairs; only a channel this consultation offers (not the floor). */
	CHECK_EQ_INT(apply(&st, &booth, ack), RT_E_AUTH_FORBIDDEN);
	CHECK_EQ_INT(apply(&st, &p1, ack), RT_E_AUTH_FORBIDDEN);
	ack.lang = CORE_LANG_ES;
	CHECK_EQ_INT(apply(&st, &chair, ack), RT_E_LANGUAGE_UNKNOWN);
	ack.lang = CORE_LANG_EN;
	CHECK_EQ_INT(apply(&st, &chair, ack), RT_E_LANGUAGE_UNKNOWN);
	core_state_free(&st);
}

/* QA-4: a merge undone restores both questions' voters exactly, whatever happened between. */
static void test_unmerge(void)
{
	core_agenda ag = fixture_agenda(false);
	core_state st;
	fixture_state_init(&st, &ag);
	core_decision dec;
	core_actor chair = fixture_role(CORE_ROLE_COCHAIR);
	core_actor p[8];
	for (int i = 0; i < 8; i++)
		p[i] = fixture_participant((uint8_t)(i + 1));
	/* 1 by p1, 2 by p2 (live at once: no pre-moderation), 3 by p3 pending nowhere: answered. */
	CHECK_EQ_INT(apply(&st, &p[0], post("How is Article 24 applied?", CORE_LANG_EN)), RT_OK);
	CHECK_EQ_INT(apply(&st, &p[1], post("What does Article 24 mean?", CORE_LANG_EN)), RT_OK);
	/* 2's voters: p1 (the author of 1), p3 (also on 1), p4 and p5 (new to 1). 1's: p3, p6. */
	const int on2[] = {0, 2, 3, 4}, on1[] = {2, 5};
	for (int i = 0; i < 4; i++)
		CHECK_EQ_INT(apply(&st, &p[on2[i]], on(CORE_CMD_QUESTION_VOTE, 2)), RT_OK);
	for (int i = 0; i < 2; i++)
		CHECK_EQ_INT(apply(&st, &p[on1[i]], on(CORE_CMD_QUESTION_VOTE, 1)), RT_OK);
	uint32_t vused = st.vused;
	CHECK_EQ_INT(apply(&st, &chair, merge(2, 1)), RT_OK);
	CHECK_EQ_INT(st.questions[0].votes, 4); /* p3, p6 and the gained p4, p5 */
	CHECK_EQ_INT(st.questions[1].state, CORE_Q_MERGED);
	CHECK_EQ_INT(st.questions[1].premerge, CORE_Q_APPROVED);
	/* Meanwhile p5 takes back the vote the merge gave, and p7 upvotes 1. */
	CHECK_EQ_INT(apply(&st, &p[4], on(CORE_CMD_QUESTION_UNVOTE, 1)), RT_OK);
	CHECK_EQ_INT(apply(&st, &p[6], on(CORE_CMD_QUESTION_VOTE, 1)), RT_OK);
	/* Only a merged question is unmerged; only co-chairs do it. */
	CHECK_EQ_INT(apply_at(&st, &chair, on(CORE_CMD_QUESTION_UNMERGE, 1), FIXED_NOW_MS, &dec),
	             RT_E_QUESTION_WRONG_STATE);
	CHECK_EQ_INT(apply(&st, &p[0], on(CORE_CMD_QUESTION_UNMERGE, 2)), RT_E_AUTH_FORBIDDEN);
	CHECK_EQ_INT(apply(&st, &chair, on(CORE_CMD_QUESTION_UNMERGE, 99)), RT_E_QUESTION_NOT_FOUND);
	CHECK_EQ_INT(apply_at(&st, &chair, on(CORE_CMD_QUESTION_UNMERGE, 2), FIXED_NOW_MS, &dec), RT_OK);
	CHECK_EQ_INT(dec.events[0].kind, CORE_EV_QUESTION_UNMERGED);
	CHECK_EQ_INT(dec.events[0].into, 1);
	CHECK_EQ_INT(dec.events[0].votes, 3); /* 1 keeps p3, p6 and p7 */
	CHECK_EQ_INT(core_event_audiences(&st, &dec.events[0]), (1u << CORE_AUD_MODERATION) | (1u << CORE_AUD_PUBLIC));
	/* 2 is live again with exactly its four voters; 1 has its own and the new one. */
	const core_question *q1 = core_question_get(&st, 1), *q2 = core_question_get(&st, 2);
	CHECK_EQ_INT(q2->state, CORE_Q_APPROVED);
	CHECK_EQ_INT(q2->into, 0);
	CHECK_EQ_INT(q2->votes, 4);
	for (int i = 0; i < 8; i++) {
		bool want2 = i == 0 || i == 2 || i == 3 || i == 4, want1 = i == 2 || i == 5 || i == 6;
		CHECK_EQ_INT(core_has_voted(&st, 2, &p[i].pseud), want2);
		CHECK_EQ_INT(core_has_voted(&st, 1, &p[i].pseud), want1);
	}
	CHECK_EQ_INT(q1->votes, 3);
	CHECK_EQ_INT(st.vused, vused + 1); /* p7's vote; nothing parked is left */
	/* Twice is refused; a merge whose kept question left the queue cannot be undone. */
	CHECK_EQ_INT(apply(&st, &chair, on(CORE_CMD_QUESTION_UNMERGE, 2)), RT_E_QUESTION_WRONG_STATE);
	CHECK_EQ_INT(apply(&st, &chair, merge(2, 1)), RT_OK);
	CHECK_EQ_INT(apply(&st, &p[0], on(CORE_CMD_QUESTION_WITHDRAW, 1)), RT_OK);
	CHECK_EQ_INT(apply_at(&st, &chair, on(CORE_CMD_QUESTION_UNMERGE, 2), FIXED_NOW_MS, &dec),
	             RT_E_QUESTION_WRONG_STATE);
	CHECK_EQ_INT(dec.err.question, 1);
	CHECK_EQ_INT(dec.err.state, CORE_Q_WITHDRAWN);
	/* The store's replay parks only under a merged question. */
	CHECK_EQ_INT(core_vote_park(&st, 1, &p[7].pseud, true), -1);
	CHECK_EQ_INT(core_vote_park(&st, 2, &p[7].pseud, true), 0);
	core_state_free(&st);
}

/* A participant on the open link whose device key this consultation has never seen, from
 * network `net`. */
static core_actor newcomer(uint32_t n, uint8_t net)
{
	core_actor a = {.role = CORE_ROLE_PARTICIPANT, .has_pseud = true, .open_link = true};
	memset(a.pseud.b, 0xA5, sizeof a.pseud.b);
	memcpy(a.pseud.b, &n, sizeof n);
	memset(a.network, net, sizeof a.network);
	return a;
}

static void test_guard(void)
{
	core_agenda ag = fixture_agenda(true);
	ag.max_pending = 3;
	ag.new_devices_per_minute = 3;
	core_state st;
	fixture_state_init(&st, &ag);
	core_actor chair = fixture_role(CORE_ROLE_COCHAIR);
	core_decision dec;

	/* AB-1: the pending queue holds at most max_pending; a rejection makes room. */
	for (uint8_t i = 1; i <= 3; i++) {
		core_actor p = fixture_participant(i);
		CHECK_EQ_INT(apply(&st, &p, post("A question", CORE_LANG_EN)), RT_OK);
	}
	core_actor p4 = fixture_participant(4);
	CHECK_EQ_STR(rt_err_code(apply_at(&st, &p4, post("One more", CORE_LANG_EN), FIXED_NOW_MS, &dec)), "queue.full");
	CHECK_EQ_INT(dec.err.max, 3);
	CHECK_EQ_INT(core_pending_questions(&st), 3);
	CHECK_EQ_INT(apply(&st, &chair, on(CORE_CMD_QUESTION_REJECT, 1)), RT_OK);
	CHECK_EQ_INT(apply(&st, &p4, post("One more", CORE_LANG_EN)), RT_OK);

	/* AB-4: bulk reject takes every pending question, or the pending ones named. */
	uint32_t ids[CORE_BULK_MAX];
	core_command all = {.kind = CORE_CMD_QUESTION_REJECT_ALL};
	CHECK_EQ_INT(core_reject_targets(&st, &all, ids, CORE_BULK_MAX), 3);
	CHECK_EQ_INT(ids[0], 2);
	static const uint32_t named[] = {1, 3, 3, 4};
	core_command some = {.kind = CORE_CMD_QUESTION_REJECT_ALL, .questions = named, .nquestions = 4};
	CHECK_EQ_INT(core_reject_targets(&st, &some, ids, CORE_BULK_MAX), 2); /* 1 is rejected, 3 twice */
	CHECK_EQ_INT(ids[0], 3);
	CHECK_EQ_INT(ids[1], 4);
	static const uint32_t unknown[] = {2, 99};
	core_command bad = {.kind = CORE_CMD_QUESTION_REJECT_ALL, .questions = unknown, .nquestions = 2};
	CHECK_EQ_STR(rt_err_code(apply(&st, &chair, bad)), "question.not_found");
	CHECK_EQ_STR(rt_err_code(apply(&st, &p4, all)), "auth.forbidden");

	/* AB-3: the queue paused for 5 minutes refuses posts, saying for how long; then not. */
	core_command pause5 = {.kind = CORE_CMD_QUEUE_PAUSE, .minutes = 5};
	CHECK_EQ_INT(apply_at(&st, &chair, pause5, FIXED_NOW_MS, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 1);
	CHECK_EQ_INT(dec.events[0].kind, CORE_EV_GUARD);
	CHECK_EQ_INT(core_event_audiences(&st, &dec.events[0]), (1u << CORE_AUD_MODERATION) | (1u << CORE_AUD_PUBLIC));
	core_actor p5 = fixture_participant(5);
	CHECK_EQ_STR(rt_err_code(apply_at(&st, &p5, post("Paused?", CORE_LANG_EN), FIXED_NOW_MS + 1000, &dec)),
	             "queue.paused");
	CHECK_EQ_INT(dec.err.seconds, 299);
	CHECK_EQ_INT(apply_at(&st, &chair, on(CORE_CMD_QUESTION_REJECT, 2), FIXED_NOW_MS, &dec), RT_OK);
	CHECK_EQ_INT(apply_at(&st, &p5, post("Later", CORE_LANG_EN), FIXED_NOW_MS + 5 * 60000, &dec), RT_OK);
	/* Until resumed; resuming twice changes nothing the second time. */
	core_command pause = {.kind = CORE_CMD_QUEUE_PAUSE};
	CHECK_EQ_INT(apply(&st, &chair, pause), RT_OK);
	CHECK_EQ_INT(st.queue_paused_until, CORE_PAUSED_UNTIL_RESUMED);
	CHECK_EQ_STR(rt_err_code(apply_at(&st, &p5, post("Still?", CORE_LANG_EN), FIXED_NOW_MS + 86400000, &dec)),
	             "queue.paused");
	CHECK_EQ_INT(apply_at(&st, &chair, (core_command){.kind = CORE_CMD_QUEUE_RESUME}, FIXED_NOW_MS, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 1);
	CHECK_EQ_INT(apply_at(&st, &chair, (core_command){.kind = CORE_CMD_QUEUE_RESUME}, FIXED_NOW_MS, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 0);

	/* AB-2: new device keys per network: the third reaches the cap and tells the co-chairs,
	 * the fourth is refused until the window ends; another network is not affected; a known
	 * participant and an invitation are never counted. */
	core_command join = {.kind = CORE_CMD_JOIN};
	for (uint32_t i = 1; i <= 3; i++) {
		core_actor n = newcomer(i, 7);
		CHECK_EQ_INT(apply_at(&st, &n, join, FIXED_NOW_MS + i, &dec), RT_OK);
		CHECK_EQ_INT(dec.nevents, 1);
		CHECK(core_event_ephemeral(&dec.events[0]));
		CHECK_EQ_INT(dec.events[0].count, i);
		CHECK_EQ_INT(core_event_audiences(&st, &dec.events[0]), i == 3 ? 1u << CORE_AUD_COCHAIRS : 0u);
	}
	core_actor n4 = newcomer(4, 7);
	CHECK_EQ_STR(rt_err_code(apply_at(&st, &n4, join, FIXED_NOW_MS + 10000, &dec)), "limit.new_devices");
	CHECK_EQ_INT(dec.err.max, 3);
	CHECK_EQ_INT(dec.err.seconds, 51); /* the window began at the first, 1 ms in */
	core_actor elsewhere = newcomer(5, 8);
	CHECK_EQ_INT(apply_at(&st, &elsewhere, join, FIXED_NOW_MS + 10000, &dec), RT_OK);
	core_actor known = fixture_participant(9);
	known.open_link = true;
	memset(known.network, 7, sizeof known.network);
	CHECK_EQ_INT(apply_at(&st, &known, join, FIXED_NOW_MS + 10000, &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 0);
	CHECK_EQ_INT(apply_at(&st, &n4, join, FIXED_NOW_MS + 60001, &dec), RT_OK);

	/* AB-3: the open link paused refuses new device keys only. */
	CHECK_EQ_INT(apply(&st, &chair, (core_command){.kind = CORE_CMD_LINK_PAUSE, .minutes = 10}), RT_OK);
	core_actor n6 = newcomer(6, 9);
	CHECK_EQ_STR(rt_err_code(apply_at(&st, &n6, join, FIXED_NOW_MS, &dec)), "link.paused");
	CHECK_EQ_INT(dec.err.seconds, 600);
	CHECK_EQ_INT(apply_at(&st, &known, join, FIXED_NOW_MS, &dec), RT_OK);
	CHECK_EQ_INT(apply(&st, &chair, (core_command){.kind = CORE_CMD_LINK_RESUME}), RT_OK);
	CHECK_EQ_INT(apply_at(&st, &n6, join, FIXED_NOW_MS, &dec), RT_OK);
	core_state_free(&st);

	/* AB-5, AB-7: with "invitations", the open link does not vote; with "everyone" its votes
	 * are counted apart for the co-chairs, through take-backs and merges. */
	ag = fixture_agenda(false);
	ag.voting_invitations = true;
	fixture_state_init(&st, &ag);
	core_actor author = fixture_participant(1), invited = fixture_participant(2), device = fixture_participant(3);
	device.open_link = true;
	CHECK_EQ_INT(apply(&st, &author, post("Votes", CORE_LANG_EN)), RT_OK);
	CHECK_EQ_STR(rt_err_code(apply(&st, &device, on(CORE_CMD_QUESTION_VOTE, 1))), "vote.invitations_only");
	CHECK_EQ_INT(apply(&st, &invited, on(CORE_CMD_QUESTION_VOTE, 1)), RT_OK);
	core_state_free(&st);

	ag.voting_invitations = false;
	fixture_state_init(&st, &ag);
	CHECK_EQ_INT(apply(&st, &author, post("Votes", CORE_LANG_EN)), RT_OK);
	CHECK_EQ_INT(apply(&st, &invited, post("Same votes", CORE_LANG_EN)), RT_OK);
	CHECK_EQ_INT(apply(&st, &device, on(CORE_CMD_QUESTION_VOTE, 1)), RT_OK);
	CHECK_EQ_INT(apply(&st, &invited, on(CORE_CMD_QUESTION_VOTE, 1)), RT_OK);
	CHECK_EQ_INT(core_question_get(&st, 1)->votes, 2);
	CHECK_EQ_INT(core_question_get(&st, 1)->open_votes, 1);
	CHECK_EQ_INT(core_open_votes_total(&st), 1);
	CHECK_EQ_INT(apply(&st, &device, on(CORE_CMD_QUESTION_UNVOTE, 1)), RT_OK);
	CHECK_EQ_INT(core_question_get(&st, 1)->open_votes, 0);
	CHECK_EQ_INT(apply(&st, &device, on(CORE_CMD_QUESTION_VOTE, 1)), RT_OK);
	CHECK_EQ_INT(apply(&st, &chair, (core_command){.kind = CORE_CMD_QUESTION_MERGE, .question = 1, .into = 2}),
	             RT_OK);
	CHECK_EQ_INT(core_question_get(&st, 2)->votes, 1); /* the device; 2's author does not join */
	CHECK_EQ_INT(core_question_get(&st, 2)->open_votes, 1);
	CHECK_EQ_INT(core_open_votes_total(&st), 1);
	core_state_free(&st);

	/* AB-6: the proof of work's leading zero bits. */
	uint8_t hash[32] = {0x00, 0x0F, 0xFF};
	CHECK(core_work_ok(hash, 0));
	CHECK(core_work_ok(hash, 12));
	CHECK(!core_work_ok(hash, 13));
	CHECK(!core_work_ok(hash, 257));
}

/* CHR-5: the seal deletes the text of every question the room never saw, a pending question
 * merged away included, and keeps the text of what was public, merged or not. */
static void test_seal_unpublished(void)
{
	core_agenda ag = fixture_agenda(true);
	core_state st;
	fixture_state_init(&st, &ag);
	core_actor a = fixture_participant(1), b = fixture_participant(2), chair = fixture_role(CORE_ROLE_COCHAIR);
	static const char *const texts[] = {"Kept",     "Merged while pending", "Never moderated",
	                                    "Rejected", "Merged once public",   "Withdrawn"};
	for (int i = 0; i < 6; i++)
		CHECK_EQ_INT(apply(&st, i % 2 ? &b : &a, post(texts[i], CORE_LANG_EN)), RT_OK);
	CHECK_EQ_INT(apply(&st, &chair, on(CORE_CMD_QUESTION_APPROVE, 1)), RT_OK);
	CHECK_EQ_INT(apply(&st, &chair, on(CORE_CMD_QUESTION_APPROVE, 5)), RT_OK);
	CHECK_EQ_INT(apply(&st, &chair, (core_command){.kind = CORE_CMD_QUESTION_MERGE, .question = 2, .into = 1}),
	             RT_OK);
	CHECK_EQ_INT(apply(&st, &chair, (core_command){.kind = CORE_CMD_QUESTION_MERGE, .question = 5, .into = 1}),
	             RT_OK);
	CHECK_EQ_INT(apply(&st, &chair, on(CORE_CMD_QUESTION_REJECT, 4)), RT_OK);
	CHECK_EQ_INT(apply(&st, &b, on(CORE_CMD_QUESTION_WITHDRAW, 6)), RT_OK);
	static const bool unpublished[] = {false, true, true, true, false, true};
	for (uint32_t id = 1; id <= 6; id++)
		CHECK_EQ_INT(core_question_unpublished(core_question_get(&st, id)), unpublished[id - 1]);
	core_actor sys = {.role = CORE_ROLE_SYSTEM};
	CHECK_EQ_INT(apply(&st, &sys, (core_command){.kind = CORE_CMD_SEAL}), RT_OK);
	for (uint32_t id = 1; id <= 6; id++) {
		const core_question *q = core_question_get(&st, id);
		CHECK_EQ_INT(q->text_len, unpublished[id - 1] ? 0 : strlen(texts[id - 1]));
		CHECK_EQ_INT(q->text_len ? memcmp(q->text, texts[id - 1], q->text_len) : 0, 0);
	}
	/* EX-7: after the seal the rapporteurs still work on the report, on what survived only;
	 * participants and co-chairs do nothing; once final, nobody changes anything. */
	core_actor rap = fixture_role(CORE_ROLE_RAPPORTEUR);
	CHECK_EQ_INT(apply(&st, &a, post("Late", CORE_LANG_EN)), RT_E_CONSULTATION_SEALED);
	CHECK_EQ_INT(apply(&st, &chair, on(CORE_CMD_QUESTION_ANSWER, 1)), RT_E_CONSULTATION_SEALED);
	core_command tag = {.kind = CORE_CMD_QUESTION_TAG, .question = 1, .theme = "Kept", .theme_len = 4};
	CHECK_EQ_INT(apply(&st, &rap, tag), RT_OK);
	tag.question = 4; /* rejected: its text is gone */
	CHECK_EQ_INT(apply(&st, &rap, tag), RT_E_QUESTION_NOT_FOUND);
	CHECK_EQ_INT(apply(&st, &rap, (core_command){.kind = CORE_CMD_REPORT_INCLUDE, .question = 1, .included = true}),
	             RT_OK);
	core_command note = {.kind = CORE_CMD_NOTE_SET, .segment = 0, .text = "After the seal", .text_len = 14};
	CHECK_EQ_INT(apply(&st, &rap, note), RT_OK);
	CHECK_EQ_INT(st.notes[0].version, 1);
	CHECK_EQ_INT(apply(&st, &rap, (core_command){.kind = CORE_CMD_REPORT_FINALISE}), RT_OK);
	CHECK(st.final);
	note.version = 1;
	CHECK_EQ_INT(apply(&st, &rap, note), RT_E_REPORT_FINAL);
	CHECK_EQ_INT(apply(&st, &rap, (core_command){.kind = CORE_CMD_REPORT_FINALISE}), RT_E_REPORT_FINAL);
	CHECK_EQ_INT(apply(&st, &chair, on(CORE_CMD_QUESTION_ANSWER, 1)), RT_E_CONSULTATION_SEALED);
	core_state_free(&st);
}

/* POLL-1: a scale poll through its life: 4 respondents are too few, 5 publish with the report's
 * suppression, a change moves the totals and not the respondents, the close leaves totals only. */
static void test_polls(void)
{
	core_agenda ag = fixture_agenda(false);
	core_state st;
	fixture_state_init(&st, &ag);
	core_actor chair = fixture_role(CORE_ROLE_COCHAIR), sys = {.role = CORE_ROLE_SYSTEM};
	core_poll_def def;
	memset(&def, 0, sizeof def);
	def.kind = CORE_POLL_SCALE;
	def.segment = CORE_POLL_NO_SEGMENT;
	snprintf(def.text[CORE_LANG_EN], sizeof def.text[0], "%s", "How useful?");
	CHECK_EQ_INT(apply(&st, &chair, (core_command){.kind = CORE_CMD_POLL_CREATE, .poll_def = &def}), RT_OK);
	CHECK_EQ_INT(apply(&st, &chair, (core_command){.kind = CORE_CMD_POLL_OPEN, .poll = 1}), RT_OK);
	static const struct {
		uint8_t value;
		bool published;
		int cells[CORE_POLL_SCALE_MAX]; /* core_cell */
	} steps[] = {
	    {4, false, {0}},
	    {4, false, {0}},
	    {4, false, {0}},
	    {2, false, {0}},
	    /* 5 answered: 2 once and 4 four times, both fewer than 5 */
	    {4, true, {CORE_CELL_SHOWN, CORE_CELL_FEWER, CORE_CELL_SHOWN, CORE_CELL_FEWER, CORE_CELL_SHOWN}},
	};
	for (int i = 0; i < (int)(sizeof steps / sizeof steps[0]); i++) {
		core_actor p = fixture_participant((uint8_t)(i + 1));
		CHECK_EQ_INT(apply(&st, &p, (core_command){.kind = CORE_CMD_RULE_ACCEPT}), RT_OK);
		core_poll_answer a = {.value = steps[i].value};
		CHECK_EQ_INT(apply(&st, &p, (core_command){.kind = CORE_CMD_POLL_ANSWER, .poll = 1, .poll_answer = &a}),
		             RT_OK);
		core_poll_result r;
		core_poll_result_of(core_poll_get(&st, 1), CORE_REPORT_DEFAULT_K, &r);
		CHECK_EQ_INT(r.published, steps[i].published);
		for (int c = 0; r.published && c < CORE_POLL_SCALE_MAX; c++)
			CHECK_EQ_INT(r.cells[c], steps[i].cells[c]);
	}
	/* The fourth changes 2 to 4: five 4s, shown; a 1 among six would be fewer and the 5 withheld. */
	core_actor fourth = fixture_participant(4);
	core_poll_answer four = {.value = 4}, bad = {.value = 4, .choices = 1};
	CHECK_EQ_INT(apply(&st, &fourth, (core_command){.kind = CORE_CMD_POLL_ANSWER, .poll = 1, .poll_answer = &four}),
	             RT_OK);
	CHECK_EQ_INT(apply(&st, &fourth, (core_command){.kind = CORE_CMD_POLL_ANSWER, .poll = 1, .poll_answer = &bad}),
	             RT_E_POLL_INVALID_ANSWER);
	const core_poll *p = core_poll_get(&st, 1);
	CHECK_EQ_INT(p->respondents, 5);
	CHECK_EQ_INT(p->counts[3], 5);
	CHECK_EQ_INT(p->counts[1], 0);
	CHECK_EQ_INT(st.nanswers, 5);
	/* The close collapses the answers: the totals stay, no answer does. */
	CHECK_EQ_INT(apply(&st, &chair, (core_command){.kind = CORE_CMD_POLL_CLOSE, .poll = 1}), RT_OK);
	CHECK_EQ_INT(st.nanswers, 0);
	CHECK(core_poll_answer_of(&st, 1, &fourth.pseud) == NULL);
	CHECK_EQ_INT(core_poll_get(&st, 1)->counts[3], 5);
	CHECK_EQ_INT(apply(&st, &fourth, (core_command){.kind = CORE_CMD_POLL_ANSWER, .poll = 1, .poll_answer = &four}),
	             RT_E_POLL_WRONG_STATE);
	/* A poll prepared for segment 1 opens when the clock runs there, and the seal closes it. */
	def.segment = 1;
	CHECK_EQ_INT(apply(&st, &chair, (core_command){.kind = CORE_CMD_POLL_CREATE, .poll_def = &def}), RT_OK);
	CHECK_EQ_INT(core_clock_due_ms(&st) == 1, false);
	CHECK_EQ_INT(apply(&st, &chair, (core_command){.kind = CORE_CMD_CLOCK_START}), RT_OK);
	CHECK_EQ_INT(apply(&st, &chair, (core_command){.kind = CORE_CMD_AGENDA_GOTO, .segment = 1}), RT_OK);
	CHECK_EQ_INT(core_clock_due_ms(&st), 1);
	CHECK_EQ_INT(apply(&st, &sys, (core_command){.kind = CORE_CMD_CLOCK_DUE}), RT_OK);
	CHECK_EQ_INT(core_poll_get(&st, 2)->state, CORE_POLL_OPEN);
	CHECK_EQ_INT(apply(&st, &fourth, (core_command){.kind = CORE_CMD_POLL_ANSWER, .poll = 2, .poll_answer = &four}),
	             RT_OK);
	CHECK_EQ_INT(apply(&st, &sys, (core_command){.kind = CORE_CMD_SEAL}), RT_OK);
	CHECK_EQ_INT(core_poll_get(&st, 2)->state, CORE_POLL_CLOSED);
	CHECK_EQ_INT(st.nanswers, 0);
	CHECK_EQ_INT(core_poll_get(&st, 2)->respondents, 1);
	core_state_free(&st);
}

int main(void)
{
	test_permissions();
	test_qa_scenario();
	test_events_and_audiences();
	test_many_votes();
	test_moderation_table();
	test_limits();
	test_nfc();
	test_clock();
	test_floor();
	test_signals();
	test_next();
	test_presence();
	test_names();
	test_carry_over();
	test_carry_over_bound();
	test_cochairs();
	test_booth_ack();
	test_unmerge();
	test_guard();
	test_seal_unpublished();
	test_polls();
	return check_done();
}
