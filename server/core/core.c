/* core.c — consultation state, roles, decide and evolve for the Q&A queue.
 * Pure: it reads only its arguments and writes only the state it is given. Persisting,
 * encoding and delivering events is the caller's job (server/hub). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* --- names ------------------------------------------------------------------------------- */

static const char *const lang_names[CORE_LANG_COUNT] = {"en", "ar", "fr", "es"};
static const char *const role_names[CORE_ROLE_COUNT] = {"participant", "cochair", "rapporteur",
                                                        "booth",       "stage",   "system"};
static const char *const clock_names[CORE_CLOCK_STATE_COUNT] = {"idle", "running", "paused"};
static const char *const qstate_names[CORE_Q_STATE_COUNT] = {"pending",  "approved",  "answered",
                                                             "rejected", "withdrawn", "merged"};
static const char *const kind_names[CORE_SEG_KIND_COUNT] = {"opening", "panel", "qa", "break", "closing"};

static int parse_name(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *core_lang_name(core_lang lang)
{
	return (unsigned)lang < CORE_LANG_COUNT ? lang_names[lang] : "en";
}
const char *core_role_name(core_role role)
{
	return (unsigned)role < CORE_ROLE_COUNT ? role_names[role] : "stage";
}
const char *core_qstate_name(core_qstate s)
{
	return (unsigned)s < CORE_Q_STATE_COUNT ? qstate_names[s] : "pending";
}
const char *core_segment_kind_name(core_segment_kind k)
{
	return (unsigned)k < CORE_SEG_KIND_COUNT ? kind_names[k] : "opening";
}
static const char *const signal_names[CORE_SIGNAL_COUNT] = {"slower", "no_floor_audio", "mic_off", "need_document"};
const char *core_signal_name(core_signal s)
{
	return (unsigned)s < CORE_SIGNAL_COUNT ? signal_names[s] : "slower";
}
int core_signal_parse(const char *s)
{
	return parse_name(signal_names, CORE_SIGNAL_COUNT, s);
}
int core_lang_parse(const char *s)
{
	return parse_name(lang_names, CORE_LANG_COUNT, s);
}
int core_role_parse(const char *s)
{
	/* The system role is never a token's: it does not parse. */
	return parse_name(role_names, CORE_ROLE_SYSTEM, s);
}
const char *core_clock_state_name(core_clock_state c)
{
	return (unsigned)c < CORE_CLOCK_STATE_COUNT ? clock_names[c] : "idle";
}
int core_clock_state_parse(const char *s)
{
	return parse_name(clock_names, CORE_CLOCK_STATE_COUNT, s);
}
int core_qstate_parse(const char *s)
{
	return parse_name(qstate_names, CORE_Q_STATE_COUNT, s);
}
int core_segment_kind_parse(const char *s)
{
	return parse_name(kind_names, CORE_SEG_KIND_COUNT, s);
}

/* --- roles ------------------------------------------------------------------------------- */

/* Which role may issue which command. A new command is denied to everyone until listed. */
static const bool may[CORE_ROLE_COUNT][CORE_CMD_COUNT] = {
    [CORE_ROLE_PARTICIPANT] =
        {
            [CORE_CMD_QUESTION_POST] = true,
            [CORE_CMD_QUESTION_VOTE] = true,
            [CORE_CMD_QUESTION_UNVOTE] = true,
            [CORE_CMD_QUESTION_WITHDRAW] = true,
            [CORE_CMD_LISTEN] = true,
            [CORE_CMD_RULE_ACCEPT] = true,
        },
    [CORE_ROLE_COCHAIR] =
        {
            [CORE_CMD_QUESTION_APPROVE] = true,    [CORE_CMD_QUESTION_REJECT] = true,
            [CORE_CMD_QUESTION_EDIT] = true,       [CORE_CMD_QUESTION_MERGE] = true,
            [CORE_CMD_QUESTION_PIN] = true,        [CORE_CMD_QUESTION_UNPIN] = true,
            [CORE_CMD_QUESTION_ANSWER_NOW] = true, [CORE_CMD_QUESTION_ANSWER] = true,
            [CORE_CMD_QUESTION_REOPEN] = true,     [CORE_CMD_QUESTION_MOVE] = true,
            [CORE_CMD_SEGMENT_OPEN] = true,        [CORE_CMD_SEGMENT_CLOSE] = true,
            [CORE_CMD_AGENDA_GOTO] = true,         [CORE_CMD_CLOCK_START] = true,
            [CORE_CMD_CLOCK_PAUSE] = true,         [CORE_CMD_CLOCK_RESUME] = true,
            [CORE_CMD_CLOCK_ADJUST] = true,        [CORE_CMD_FLOOR_SET] = true,
            [CORE_CMD_QUESTION_NEXT] = true,       [CORE_CMD_SEAL] = true,
            [CORE_CMD_REPORT_EXPORT] = true,
        },
    [CORE_ROLE_RAPPORTEUR] =
        {
            [CORE_CMD_NOTE_SET] = true,
            [CORE_CMD_QUESTION_TAG] = true,
            [CORE_CMD_REPORT_INCLUDE] = true,
            [CORE_CMD_PARAPHRASE_SAVE] = true,
            [CORE_CMD_PARAPHRASE_DELETE] = true,
            [CORE_CMD_REPORT_EXPORT] = true,
        },
    [CORE_ROLE_BOOTH] = {[CORE_CMD_SIGNAL] = true},
    /* The stage's operator is the technician who follows the floor (LC-3). */
    [CORE_ROLE_STAGE] = {[CORE_CMD_FLOOR_SET] = true},
    /* The server's timers, and the organiser's command line (`roundtable seal`). */
    [CORE_ROLE_SYSTEM] = {[CORE_CMD_CLOCK_DUE] = true, [CORE_CMD_LEAVE] = true, [CORE_CMD_SEAL] = true},
};

bool core_role_may(core_role role, core_cmd_kind cmd)
{
	return (unsigned)role < CORE_ROLE_COUNT && (unsigned)cmd < CORE_CMD_COUNT && may[role][cmd];
}

core_audience core_role_audience(core_role role)
{
	return role == CORE_ROLE_COCHAIR || role == CORE_ROLE_RAPPORTEUR ? CORE_AUD_MODERATION : CORE_AUD_PUBLIC;
}

bool core_visible(core_audience aud, core_qstate state)
{
	return aud != CORE_AUD_PUBLIC || state == CORE_Q_APPROVED || state == CORE_Q_ANSWERED;
}

bool core_event_ephemeral(const core_event *ev)
{
	return ev->kind == CORE_EV_SIGNAL || ev->kind == CORE_EV_PRESENCE;
}

unsigned core_event_audiences(const core_state *st, const core_event *ev)
{
	const unsigned pub = 1u << CORE_AUD_PUBLIC, mod = 1u << CORE_AUD_MODERATION, author = 1u << CORE_AUD_AUTHOR;
	if (ev->kind == CORE_EV_SIGNAL)
		return 1u << CORE_AUD_COCHAIRS; /* LC-4: never participants, never stored */
	if (ev->kind == CORE_EV_PRESENCE)
		return ev->notify; /* LC-6: only when a banded view changes; never participants */
	if (ev->kind == CORE_EV_NEXT)
		return mod | (1u << CORE_AUD_BOOTHS); /* LC-5: before the stage and the room */
	if (ev->kind == CORE_EV_RULE_ACCEPTED)
		return author; /* the participant's own connections; nobody else learns who accepted */
	if (ev->kind == CORE_EV_NOTE || ev->kind == CORE_EV_TAGGED || ev->kind == CORE_EV_REPORTED ||
	    ev->kind == CORE_EV_PARAPHRASE)
		return 1u << CORE_AUD_RAPPORTEURS; /* EX-1: the rapporteurs' workspace */
	if (ev->kind == CORE_EV_ANSWERING || ev->kind == CORE_EV_SEGMENT_OPENED || ev->kind == CORE_EV_SEGMENT_CLOSED ||
	    ev->kind == CORE_EV_AGENDA_CURRENT || ev->kind == CORE_EV_CLOCK || ev->kind == CORE_EV_FLOOR ||
	    ev->kind == CORE_EV_SEALED)
		return mod | pub;
	const core_question *q = core_question_get(st, ev->question);
	if (!q || ev->kind >= CORE_EV_COUNT)
		return 0;
	/* The public hears of a question while it may see it, and of the change that hides it;
	 * otherwise only the author's own connections do (the public includes them already). */
	bool public = core_visible(CORE_AUD_PUBLIC, ev->prev_state) || core_visible(CORE_AUD_PUBLIC, q->state);
	return public ? mod | pub : mod | author;
}

/* --- state ------------------------------------------------------------------------------- */

void core_state_init(core_state *st, const core_agenda *agenda)
{
	memset(st, 0, sizeof *st);
	st->agenda = *agenda;
	if (!st->agenda.max_open_questions)
		st->agenda.max_open_questions = CORE_DEFAULT_OPEN_QUESTIONS;
	if (!st->agenda.votes_per_minute)
		st->agenda.votes_per_minute = CORE_DEFAULT_VOTES_PER_MINUTE;
	if (st->agenda.nsegments < 1)
		st->agenda.nsegments = 1; /* a consultation always has a current segment */
	for (int i = 0; i < st->agenda.nsegments; i++)
		st->timing[i].allotted_ms = (int64_t)st->agenda.segments[i].duration_min * 60000;
	st->floor_now = st->agenda.floor;
}

void core_state_free(core_state *st)
{
	for (uint32_t i = 0; i < st->nquestions; i++)
		free(st->questions[i].text);
	for (uint32_t i = 0; i < st->nparas; i++)
		free(st->paras[i].text);
	for (int i = 0; i < CORE_MAX_SEGMENTS; i++)
		free(st->notes[i].text);
	free(st->questions);
	free(st->paras);
	free(st->votes);
	free(st->live);
	free(st->sessions);
	free(st->accepted);
	memset(st, 0, sizeof *st);
}

const core_paraphrase *core_paraphrase_get(const core_state *st, uint32_t id)
{
	if (id == 0 || id > st->nparas || st->paras[id - 1].deleted)
		return NULL;
	return &st->paras[id - 1];
}

const core_question *core_question_get(const core_state *st, uint32_t id)
{
	if (id == 0 || id > st->nquestions)
		return NULL;
	return &st->questions[id - 1];
}

bool core_language_offered(const core_agenda *agenda, core_lang lang)
{
	if (lang == agenda->floor)
		return true;
	for (int i = 0; i < agenda->nchannels; i++)
		if (agenda->channels[i] == lang)
			return true;
	return false;
}

/* --- the vote set ------------------------------------------------------------------------ */

#define SLOT_EMPTY 0u
#define SLOT_DELETED UINT32_MAX

/* Pseudonyms are HMAC output, so their bytes are already uniform: mix in the question id. */
static uint32_t vote_hash(uint32_t question, const core_pseud *voter)
{
	uint64_t h;
	memcpy(&h, voter->b, sizeof h);
	h ^= (uint64_t)question * 0x9E3779B97F4A7C15ull;
	h ^= h >> 29;
	return (uint32_t)h;
}

/* Index of the slot holding (question, voter), or of the slot where it would go; -1 when the
 * table is empty. */
static long vote_find(const core_state *st, uint32_t question, const core_pseud *voter, bool *found)
{
	*found = false;
	if (st->vcap == 0)
		return -1;
	uint32_t mask = st->vcap - 1, i = vote_hash(question, voter) & mask;
	long first_deleted = -1;
	for (uint32_t probes = 0; probes < st->vcap; probes++, i = (i + 1) & mask) {
		const core_vote_slot *s = &st->votes[i];
		if (s->question == SLOT_EMPTY)
			return first_deleted >= 0 ? first_deleted : (long)i;
		if (s->question == SLOT_DELETED) {
			if (first_deleted < 0)
				first_deleted = (long)i;
			continue;
		}
		if (s->question == question && memcmp(s->voter.b, voter->b, CORE_PSEUD_LEN) == 0) {
			*found = true;
			return (long)i;
		}
	}
	return first_deleted;
}

/* Grows (or cleans) the table so n more votes fit under a 3/4 load. */
static int vote_reserve(core_state *st, uint32_t n)
{
	if (st->vcap && ((uint64_t)st->vused + n) * 4 <= (uint64_t)st->vcap * 3)
		return 0;
	uint32_t ncap = st->vcap ? st->vcap : 64;
	while (((uint64_t)st->vused + n) * 4 > (uint64_t)ncap * 3)
		ncap *= 2;
	core_vote_slot *nv = calloc(ncap, sizeof *nv);
	if (!nv)
		return -1;
	core_vote_slot *old = st->votes;
	uint32_t ocap = st->vcap;
	st->votes = nv;
	st->vcap = ncap;
	st->vused = 0;
	for (uint32_t i = 0; i < ocap; i++) {
		if (old[i].question == SLOT_EMPTY || old[i].question == SLOT_DELETED)
			continue;
		bool found;
		long at = vote_find(st, old[i].question, &old[i].voter, &found);
		assert(at >= 0 && !found);
		st->votes[at] = old[i];
		st->vused++;
	}
	free(old);
	return 0;
}

bool core_has_voted(const core_state *st, uint32_t question, const core_pseud *voter)
{
	bool found;
	vote_find(st, question, voter, &found);
	return found;
}

/* --- the rate window --------------------------------------------------------------------- */

static uint32_t pseud_hash(const core_pseud *p)
{
	uint32_t h;
	memcpy(&h, p->b, sizeof h);
	return h;
}

static core_live_slot *live_find(const core_state *st, const core_pseud *who)
{
	if (st->lcap == 0)
		return NULL;
	uint32_t mask = st->lcap - 1;
	for (uint32_t i = pseud_hash(who) & mask;; i = (i + 1) & mask) {
		core_live_slot *s = &st->live[i];
		if (!s->used || memcmp(s->who.b, who->b, CORE_PSEUD_LEN) == 0)
			return s;
	}
}

/* Makes room for one more entry in an open-addressing table (*slots, *cap entries of `size`
 * bytes, `used` of them taken) under a 3/4 load, doubling it (64 at first); `rehash` then puts
 * each entry of the old table into the new one. -1 when out of memory. */
static int table_reserve(core_state *st, void **slots, uint32_t *cap, uint32_t used, size_t size,
                         void (*rehash)(core_state *st, const void *old, uint32_t ocap))
{
	if ((uint64_t)(used + 1) * 4 <= (uint64_t)*cap * 3)
		return 0;
	uint32_t ocap = *cap, ncap = ocap ? ocap * 2 : 64;
	void *fresh = calloc(ncap, size), *old = *slots;
	if (!fresh)
		return -1;
	*slots = fresh;
	*cap = ncap;
	rehash(st, old, ocap);
	free(old);
	return 0;
}

static void live_rehash(core_state *st, const void *old, uint32_t ocap)
{
	const core_live_slot *o = old;
	for (uint32_t i = 0; i < ocap; i++)
		if (o[i].used)
			*live_find(st, &o[i].who) = o[i];
}

/* The slot of `who`, created if needed; NULL when out of memory. */
static core_live_slot *live_slot(core_state *st, const core_pseud *who)
{
	if (table_reserve(st, (void **)&st->live, &st->lcap, st->lused, sizeof *st->live, live_rehash))
		return NULL;
	core_live_slot *s = live_find(st, who);
	if (!s->used) {
		memset(s, 0, sizeof *s);
		s->used = true;
		s->who = *who;
		st->lused++;
	}
	return s;
}

/* --- who accepted the Rule (CHR-2) ----------------------------------------------------- */

static core_accept_slot *accept_find(const core_state *st, const core_pseud *who)
{
	if (st->acap == 0)
		return NULL;
	uint32_t mask = st->acap - 1;
	for (uint32_t i = pseud_hash(who) & mask;; i = (i + 1) & mask) {
		core_accept_slot *s = &st->accepted[i];
		if (!s->used || memcmp(s->who.b, who->b, CORE_PSEUD_LEN) == 0)
			return s;
	}
}

static void accept_rehash(core_state *st, const void *old, uint32_t ocap)
{
	const core_accept_slot *o = old;
	for (uint32_t i = 0; i < ocap; i++)
		if (o[i].used)
			*accept_find(st, &o[i].who) = o[i];
}

bool core_rule_accepted(const core_state *st, const core_pseud *who)
{
	const core_accept_slot *s = accept_find(st, who);
	return s && s->used;
}

/* --- decide ------------------------------------------------------------------------------ */

static bool same_pseud(const core_pseud *a, const core_pseud *b)
{
	return memcmp(a->b, b->b, CORE_PSEUD_LEN) == 0;
}

uint32_t core_open_questions(const core_state *st, const core_pseud *who)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < st->nquestions; i++) {
		const core_question *q = &st->questions[i];
		if ((q->state == CORE_Q_PENDING || q->state == CORE_Q_APPROVED) && same_pseud(&q->author, who))
			n++;
	}
	return n;
}

static core_event *next_event(const core_state *st, core_decision *out, core_event_kind kind, const core_question *q)
{
	core_event *ev = &out->events[out->nevents];
	memset(ev, 0, sizeof *ev);
	ev->kind = kind;
	if (q) {
		ev->question = q->id;
		ev->prev_state = q->state;
	}
	ev->seq = st->seq + 1 + (uint64_t)out->nevents;
	out->nevents++;
	return ev;
}

/* Refuses because of q's state, saying which state (and, when merged, into what). */
static rt_err state_error(core_decision *out, rt_err err, const core_question *q)
{
	out->err.state = (int)q->state;
	out->err.question = q->id;
	out->err.into = q->state == CORE_Q_MERGED ? q->into : 0;
	return err;
}

/* Clears "now answering" as a second event when q is the question being answered. */
static void stop_answering_if(const core_state *st, core_decision *out, const core_question *q, uint32_t next)
{
	if (st->answering == q->id)
		next_event(st, out, CORE_EV_ANSWERING, NULL)->question = next;
}

/* Cleans the command's text into out->text (QA-1), up to max_cp code points, then looks for
 * identifying detail (CHR-6): refused with what was found, unless the sender asked for
 * placeholders, which then take its place. */
static rt_err clean_text_max(const core_state *st, const core_command *cmd, core_decision *out, size_t *len,
                             size_t max_cp)
{
	size_t ncp;
	rt_err err = core_text_clean(cmd->text, cmd->text_len, max_cp, out->text, sizeof out->text, len, &ncp);
	if (err == RT_E_QUESTION_TEXT_TOO_LONG)
		out->err.max = (int)max_cp;
	if (err)
		return err;
	int n = core_scrub_find(out->text, *len, st->deny, out->err.finds, CORE_SCRUB_MAX_FINDS);
	if (n < 0)
		return RT_E_PROTOCOL_MALFORMED;
	if (n == 0)
		return RT_OK;
	if (!cmd->placeholders) {
		out->err.nfinds = n;
		out->err.text = out->text;
		return RT_E_TEXT_IDENTIFYING;
	}
	long r = core_scrub_replace(out->text, *len, out->err.finds, n, out->scratch, sizeof out->scratch);
	long rcp = r < 0 ? -1 : core_utf8_count(out->scratch, (size_t)r);
	if (rcp < 0 || (size_t)rcp > max_cp) {
		out->err.max = (int)max_cp;
		return RT_E_QUESTION_TEXT_TOO_LONG;
	}
	memcpy(out->text, out->scratch, (size_t)r + 1);
	*len = (size_t)r;
	return RT_OK;
}

static rt_err clean_text(const core_state *st, const core_command *cmd, core_decision *out, size_t *len)
{
	return clean_text_max(st, cmd, out, len, CORE_TEXT_MAX_CP);
}

static rt_err decide_post(const core_state *st, const core_actor *actor, const core_command *cmd, core_decision *out)
{
	if (!core_rule_accepted(st, &actor->pseud))
		return RT_E_CHR_ACK_REQUIRED;
	if (!st->agenda.segments[st->current_segment].questions_open) {
		out->err.segment = st->current_segment;
		return RT_E_QUEUE_CLOSED;
	}
	if (core_open_questions(st, &actor->pseud) >= st->agenda.max_open_questions) {
		out->err.max = st->agenda.max_open_questions;
		return RT_E_LIMIT_OPEN_QUESTIONS;
	}
	if (!core_language_offered(&st->agenda, cmd->lang))
		return RT_E_QUESTION_LANGUAGE_UNKNOWN;
	size_t len;
	rt_err err = clean_text(st, cmd, out, &len);
	if (err)
		return err;
	core_event *ev = next_event(st, out, CORE_EV_QUESTION_POSTED, NULL);
	ev->question = st->nquestions + 1;
	ev->segment = st->current_segment;
	ev->lang = cmd->lang;
	ev->state = st->agenda.premoderation ? CORE_Q_PENDING : CORE_Q_APPROVED;
	ev->prev_state = ev->state;
	ev->author = actor->pseud;
	ev->text = out->text;
	ev->text_len = (uint32_t)len;
	return RT_OK;
}

/* The voters of `from` who would be new voters of `to`: not already voting for it, and not
 * its author. Counted without changing anything. */
static uint32_t merge_gain(const core_state *st, const core_question *from, const core_question *to)
{
	uint32_t gain = 0;
	for (uint32_t i = 0; i < st->vcap; i++) {
		const core_vote_slot *s = &st->votes[i];
		if (s->question == from->id && !same_pseud(&s->voter, &to->author) &&
		    !core_has_voted(st, to->id, &s->voter))
			gain++;
	}
	return gain;
}

static rt_err decide_merge(const core_state *st, const core_command *cmd, core_decision *out)
{
	const core_question *q = core_question_get(st, cmd->question), *into = core_question_get(st, cmd->into);
	if (!q || !into)
		return RT_E_QUESTION_NOT_FOUND;
	if (q == into)
		return RT_E_QUESTION_MERGE_SELF;
	if (q->state != CORE_Q_PENDING && q->state != CORE_Q_APPROVED)
		return state_error(out, RT_E_QUESTION_WRONG_STATE, q);
	if (into->state != CORE_Q_APPROVED)
		return state_error(out, RT_E_QUESTION_WRONG_STATE, into);
	core_event *ev = next_event(st, out, CORE_EV_QUESTION_MERGED, q);
	ev->into = into->id;
	ev->votes = into->votes + merge_gain(st, q, into);
	/* The duplicate was being answered: the question it joined is now. */
	stop_answering_if(st, out, q, into->id);
	return RT_OK;
}

#define FROM(state) (1u << (state))

/* The moves of a question from one state to another that a co-chair makes by one command. */
static const struct transition {
	core_cmd_kind cmd;
	unsigned from; /* states it applies in, as FROM() bits */
	core_event_kind event;
	rt_err refused; /* the error in any other state */
} transitions[] = {
    {CORE_CMD_QUESTION_APPROVE, FROM(CORE_Q_PENDING) | FROM(CORE_Q_REJECTED), CORE_EV_QUESTION_APPROVED,
     RT_E_QUESTION_NOT_PENDING},
    {CORE_CMD_QUESTION_REJECT, FROM(CORE_Q_PENDING), CORE_EV_QUESTION_REJECTED, RT_E_QUESTION_NOT_PENDING},
    {CORE_CMD_QUESTION_ANSWER, FROM(CORE_Q_APPROVED), CORE_EV_QUESTION_ANSWERED, RT_E_QUESTION_WRONG_STATE},
    {CORE_CMD_QUESTION_REOPEN, FROM(CORE_Q_ANSWERED), CORE_EV_QUESTION_REOPENED, RT_E_QUESTION_WRONG_STATE},
};

/* Commands a co-chair issues about one question. */
static rt_err decide_moderation(const core_state *st, const core_command *cmd, core_decision *out)
{
	const core_question *q = core_question_get(st, cmd->question);
	if (!q)
		return RT_E_QUESTION_NOT_FOUND;
	core_qstate s = q->state;
	for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++) {
		const struct transition *t = &transitions[i];
		if (t->cmd != cmd->kind)
			continue;
		if (!(t->from & FROM(s)))
			return state_error(out, t->refused, q);
		next_event(st, out, t->event, q);
		/* An answered question is no longer being answered. */
		if (t->event == CORE_EV_QUESTION_ANSWERED)
			stop_answering_if(st, out, q, 0);
		return RT_OK;
	}
	bool live = s == CORE_Q_APPROVED;
	bool editable = s == CORE_Q_PENDING || live || s == CORE_Q_ANSWERED;
	size_t len;
	rt_err err;
	switch (cmd->kind) {
	case CORE_CMD_QUESTION_EDIT:
		if (!editable)
			return state_error(out, RT_E_QUESTION_WRONG_STATE, q);
		if ((err = clean_text(st, cmd, out, &len)))
			return err;
		if (len == q->text_len && memcmp(out->text, q->text, len) == 0)
			return RT_OK; /* nothing to change */
		core_event *ev = next_event(st, out, CORE_EV_QUESTION_EDITED, q);
		ev->text = out->text;
		ev->text_len = (uint32_t)len;
		return RT_OK;
	case CORE_CMD_QUESTION_PIN:
		if (!live)
			return state_error(out, RT_E_QUESTION_WRONG_STATE, q);
		if (!q->pinned)
			next_event(st, out, CORE_EV_QUESTION_PINNED, q);
		return RT_OK;
	case CORE_CMD_QUESTION_UNPIN:
		/* Only a live question is ever pinned; unpinning anything else changes nothing. */
		if (q->pinned)
			next_event(st, out, CORE_EV_QUESTION_UNPINNED, q);
		return RT_OK;
	case CORE_CMD_QUESTION_ANSWER_NOW:
		if (!live)
			return state_error(out, RT_E_QUESTION_WRONG_STATE, q);
		if (st->answering != q->id)
			next_event(st, out, CORE_EV_ANSWERING, NULL)->question = q->id;
		return RT_OK;
	case CORE_CMD_QUESTION_MOVE:
		if (cmd->segment >= st->agenda.nsegments) {
			out->err.segment = cmd->segment;
			return RT_E_SEGMENT_NOT_FOUND;
		}
		if (!editable)
			return state_error(out, RT_E_QUESTION_WRONG_STATE, q);
		if (q->segment != cmd->segment)
			next_event(st, out, CORE_EV_QUESTION_MOVED, q)->segment = cmd->segment;
		return RT_OK;
	default:
		return RT_E_AUTH_FORBIDDEN;
	}
}

static rt_err decide_withdraw(const core_state *st, const core_actor *actor, const core_command *cmd,
                              core_decision *out)
{
	const core_question *q = core_question_get(st, cmd->question);
	bool own = q && same_pseud(&q->author, &actor->pseud);
	/* QA-7: someone else's question that this participant cannot see does not exist. */
	if (!q || (!own && !core_visible(CORE_AUD_PUBLIC, q->state)))
		return RT_E_QUESTION_NOT_FOUND;
	if (!own)
		return RT_E_QUESTION_NOT_OWN;
	if (q->state != CORE_Q_PENDING && q->state != CORE_Q_APPROVED)
		return state_error(out, RT_E_QUESTION_WRONG_STATE, q);
	next_event(st, out, CORE_EV_QUESTION_WITHDRAWN, q);
	stop_answering_if(st, out, q, 0);
	return RT_OK;
}

static rt_err decide_vote(const core_state *st, const core_actor *actor, const core_command *cmd, int64_t now_ms,
                          core_decision *out)
{
	if (!core_rule_accepted(st, &actor->pseud))
		return RT_E_CHR_ACK_REQUIRED;
	const core_question *q = core_question_get(st, cmd->question);
	/* QA-7: a question this participant cannot see does not exist, whatever its state. */
	if (!q || !core_visible(CORE_AUD_PUBLIC, q->state))
		return RT_E_QUESTION_NOT_FOUND;
	if (same_pseud(&q->author, &actor->pseud))
		return RT_E_VOTE_OWN_QUESTION;
	if (q->state != CORE_Q_APPROVED)
		return state_error(out, RT_E_QUESTION_WRONG_STATE, q);
	bool voted = core_has_voted(st, q->id, &actor->pseud);
	bool up = cmd->kind == CORE_CMD_QUESTION_VOTE;
	if (up && voted)
		return RT_E_VOTE_ALREADY;
	if (!up && !voted)
		return RT_E_VOTE_NOT_VOTED;
	const core_live_slot *r = live_find(st, &actor->pseud);
	if (r && r->used && now_ms - r->window_start < CORE_VOTE_WINDOW_MS && r->count >= st->agenda.votes_per_minute) {
		out->err.max = st->agenda.votes_per_minute;
		out->err.seconds = CORE_VOTE_WINDOW_MS / 1000;
		return RT_E_LIMIT_VOTE_RATE;
	}
	core_event *ev = next_event(st, out, up ? CORE_EV_VOTE_ADDED : CORE_EV_VOTE_REMOVED, q);
	ev->votes = up ? q->votes + 1 : q->votes - 1;
	ev->voter = actor->pseud;
	ev->at_ms = now_ms;
	return RT_OK;
}

static void goto_clock(const core_state *st, uint16_t seg, int64_t now, core_decision *out);

static rt_err decide_segment(const core_state *st, const core_command *cmd, int64_t now, core_decision *out)
{
	if (cmd->segment >= st->agenda.nsegments) {
		out->err.segment = cmd->segment;
		return RT_E_SEGMENT_NOT_FOUND;
	}
	bool open = st->agenda.segments[cmd->segment].questions_open;
	core_event_kind kind;
	if (cmd->kind == CORE_CMD_AGENDA_GOTO) {
		if (st->current_segment == cmd->segment)
			return RT_OK;
		kind = CORE_EV_AGENDA_CURRENT;
	} else if (cmd->kind == CORE_CMD_SEGMENT_OPEN) {
		if (open)
			return RT_OK;
		kind = CORE_EV_SEGMENT_OPENED;
	} else {
		if (!open)
			return RT_OK;
		kind = CORE_EV_SEGMENT_CLOSED;
	}
	next_event(st, out, kind, NULL)->segment = cmd->segment;
	if (kind == CORE_EV_AGENDA_CURRENT)
		goto_clock(st, cmd->segment, now, out);
	return RT_OK;
}

/* --- the question selected next (LC-5) ------------------------------------------------------- */

/* A live question, not the one being answered, may be selected next; 0 clears the selection. */
static rt_err decide_next(const core_state *st, const core_command *cmd, core_decision *out)
{
	if (cmd->question) {
		const core_question *q = core_question_get(st, cmd->question);
		if (!q)
			return RT_E_QUESTION_NOT_FOUND;
		if (q->state != CORE_Q_APPROVED || st->answering == q->id)
			return state_error(out, RT_E_QUESTION_WRONG_STATE, q);
	}
	if (st->next_up != cmd->question)
		next_event(st, out, CORE_EV_NEXT, NULL)->question = cmd->question;
	return RT_OK;
}

/* The selection lapses by itself when its question is answered now or is no longer live: no
 * event says so, every client and the store apply the same rule. */
static void lapse_next(core_state *st)
{
	const core_question *q = core_question_get(st, st->next_up);
	if (st->next_up && (!q || q->state != CORE_Q_APPROVED || st->answering == st->next_up))
		st->next_up = 0;
}

/* --- booth signals (LC-4) ------------------------------------------------------------------ */

static bool signal_window_open(const core_state *st, core_lang booth, int64_t now)
{
	return st->signal_count[booth] && now - st->signal_window_start[booth] < CORE_SIGNAL_WINDOW_MS;
}

static rt_err decide_signal(const core_state *st, const core_actor *actor, const core_command *cmd, int64_t now,
                            core_decision *out)
{
	core_lang booth = actor->channel;
	if ((unsigned)booth >= CORE_LANG_COUNT || (unsigned)cmd->signal >= CORE_SIGNAL_COUNT)
		return RT_E_AUTH_FORBIDDEN;
	if (signal_window_open(st, booth, now) && st->signal_count[booth] >= CORE_SIGNALS_PER_WINDOW) {
		out->err.max = CORE_SIGNALS_PER_WINDOW;
		out->err.seconds = CORE_SIGNAL_WINDOW_MS / 1000;
		return RT_E_LIMIT_SIGNAL_RATE;
	}
	core_event *ev = next_event(st, out, CORE_EV_SIGNAL, NULL);
	ev->seq = 0; /* ephemeral: no place in the consultation's order */
	ev->lang = booth;
	ev->signal = cmd->signal;
	ev->at_ms = now;
	return RT_OK;
}

/* --- listener presence (LC-6) ------------------------------------------------------------ */

static const char *const band_names[] = {"none", "few", "exact", "present"};
const char *core_band_name(core_band b)
{
	return (unsigned)b <= CORE_BAND_PRESENT ? band_names[b] : "none";
}

core_band core_band_for(core_audience aud, uint32_t listeners)
{
	if (listeners == 0)
		return CORE_BAND_NONE;
	if (aud == CORE_AUD_BOOTHS)
		return CORE_BAND_PRESENT;
	return listeners < CORE_EXACT_LISTENERS ? CORE_BAND_FEW : CORE_BAND_EXACT;
}

static uint32_t session_hash(uint64_t session)
{
	session *= 0x9E3779B97F4A7C15ull;
	return (uint32_t)(session >> 32);
}

/* The slot of session, or the empty slot where it would go; NULL when the table is empty. */
static core_session_slot *session_find(const core_state *st, uint64_t session)
{
	if (st->scap == 0)
		return NULL;
	uint32_t mask = st->scap - 1;
	for (uint32_t i = session_hash(session) & mask;; i = (i + 1) & mask) {
		core_session_slot *s = &st->sessions[i];
		if (s->session == 0 || s->session == session)
			return s;
	}
}

static void session_rehash(core_state *st, const void *old, uint32_t ocap)
{
	const core_session_slot *o = old;
	for (uint32_t i = 0; i < ocap; i++)
		if (o[i].session)
			*session_find(st, o[i].session) = o[i];
}

/* Room for one more session; -1 when out of memory. */
static int session_reserve(core_state *st)
{
	return table_reserve(st, (void **)&st->sessions, &st->scap, st->sused, sizeof *st->sessions, session_rehash);
}

/* Removes a slot by shifting the rest of its probe run back (no tombstones). */
static void session_remove(core_state *st, const core_session_slot *slot)
{
	uint32_t mask = st->scap - 1, hole = (uint32_t)(slot - st->sessions);
	for (uint32_t i = (hole + 1) & mask; st->sessions[i].session; i = (i + 1) & mask) {
		uint32_t home = session_hash(st->sessions[i].session) & mask;
		/* Move it into the hole unless its home lies cyclically in (hole, i]. */
		if (((i - home) & mask) >= ((i - hole) & mask)) {
			st->sessions[hole] = st->sessions[i];
			hole = i;
		}
	}
	st->sessions[hole].session = 0;
	st->sused--;
}

/* A connection's language now, CORE_LANG_NONE when it has not chosen one. */
static core_lang session_lang(const core_state *st, uint64_t session)
{
	const core_session_slot *s = session ? session_find(st, session) : NULL;
	return s && s->session ? s->lang : CORE_LANG_NONE;
}

/* Which audiences see a change when the count of `lang` goes from `before` to `after`. */
static unsigned band_changes(core_lang lang, uint32_t before, uint32_t after)
{
	unsigned mask = 0;
	if (lang == CORE_LANG_NONE)
		return 0;
	const core_audience auds[] = {CORE_AUD_COCHAIRS, CORE_AUD_BOOTHS};
	for (int i = 0; i < 2; i++) {
		core_audience a = auds[i];
		core_band b0 = core_band_for(a, before), b1 = core_band_for(a, after);
		if (b0 != b1 || (b1 == CORE_BAND_EXACT && before != after))
			mask |= 1u << a;
	}
	return mask;
}

/* LC-6: a participant's connection chooses a language (or none), or, from the system, a
 * connection closed. A participant counts once per language however many of their
 * connections listen in it. */
static rt_err decide_presence(const core_state *st, const core_actor *actor, const core_command *cmd,
                              core_decision *out)
{
	core_lang lang = cmd->kind == CORE_CMD_LEAVE ? CORE_LANG_NONE : cmd->lang;
	if (lang != CORE_LANG_NONE && !core_language_offered(&st->agenda, lang))
		return RT_E_LANGUAGE_UNKNOWN;
	if (!actor->session)
		return cmd->kind == CORE_CMD_LEAVE ? RT_OK : RT_E_AUTH_FORBIDDEN;
	core_lang prev = session_lang(st, actor->session);
	if (prev == lang)
		return RT_OK;
	const core_session_slot *slot = prev == CORE_LANG_NONE ? NULL : session_find(st, actor->session);
	const core_pseud *who = slot ? &slot->who : &actor->pseud;
	const core_live_slot *live = live_find(st, who);
	bool had = live && live->used;
	core_event *ev = next_event(st, out, CORE_EV_PRESENCE, NULL);
	ev->seq = 0; /* ephemeral */
	ev->session = actor->session;
	ev->author = *who;
	ev->lang = lang;
	ev->prev_lang = prev;
	if (prev != CORE_LANG_NONE && had && live->listening[prev] == 1)
		ev->notify |= band_changes(prev, st->listeners[prev], st->listeners[prev] - 1);
	if (lang != CORE_LANG_NONE && !(had && live->listening[lang]))
		ev->notify |= band_changes(lang, st->listeners[lang], st->listeners[lang] + 1);
	return RT_OK;
}

static int evolve_presence(core_state *st, const core_event *ev)
{
	if (!ev->session || (unsigned)ev->lang > CORE_LANG_NONE || session_lang(st, ev->session) != ev->prev_lang)
		return -1;
	/* Everything that can fail first, so that a failure leaves st unchanged. */
	if (ev->prev_lang == CORE_LANG_NONE && session_reserve(st))
		return -1;
	core_live_slot *live = live_slot(st, &ev->author);
	if (!live)
		return -1;
	if (ev->prev_lang != CORE_LANG_NONE && --live->listening[ev->prev_lang] == 0)
		st->listeners[ev->prev_lang]--;
	if (ev->lang != CORE_LANG_NONE && live->listening[ev->lang]++ == 0)
		st->listeners[ev->lang]++;
	core_session_slot *slot = session_find(st, ev->session);
	if (ev->lang == CORE_LANG_NONE) {
		session_remove(st, slot);
	} else {
		if (!slot->session)
			st->sused++;
		slot->session = ev->session;
		slot->who = ev->author;
		slot->lang = ev->lang;
	}
	return 0;
}

void core_state_move_live(core_state *dst, core_state *src)
{
	free(dst->live);
	free(dst->sessions);
	dst->live = src->live;
	dst->lcap = src->lcap;
	dst->lused = src->lused;
	dst->sessions = src->sessions;
	dst->scap = src->scap;
	dst->sused = src->sused;
	memcpy(dst->listeners, src->listeners, sizeof dst->listeners);
	memcpy(dst->signal_window_start, src->signal_window_start, sizeof dst->signal_window_start);
	memcpy(dst->signal_count, src->signal_count, sizeof dst->signal_count);
	dst->deny = src->deny;
	src->live = NULL;
	src->sessions = NULL;
	src->lcap = src->lused = src->scap = src->sused = 0;
	memset(src->listeners, 0, sizeof src->listeners);
}

/* --- the clock --------------------------------------------------------------------------- */

int64_t core_clock_remaining_ms(const core_state *st, int64_t now_ms)
{
	const core_timing *t = &st->timing[st->current_segment];
	int64_t run = st->clock == CORE_CLOCK_RUNNING ? now_ms - st->clock_started_at : 0;
	return t->allotted_ms - t->elapsed_ms - run;
}

int64_t core_clock_due_ms(const core_state *st)
{
	const core_timing *t = &st->timing[st->current_segment];
	if (st->sealed || st->clock != CORE_CLOCK_RUNNING || !st->agenda.segments[st->current_segment].questions_open ||
	    t->auto_closed)
		return 0;
	int64_t due = st->clock_started_at + t->allotted_ms - t->elapsed_ms - (int64_t)st->agenda.close_minutes * 60000;
	return due > 0 ? due : 1;
}

/* A CLOCK event with the clock as it will be, and the timing of `seg` (and of `also`, >= 0). */
static core_event *clock_event(const core_state *st, core_decision *out, core_clock_state state, int64_t started_at)
{
	core_event *ev = next_event(st, out, CORE_EV_CLOCK, NULL);
	ev->clock = state;
	ev->clock_started_at = started_at;
	return ev;
}

static void add_timing(core_event *ev, uint16_t seg, core_timing t)
{
	ev->timing_segment[ev->ntiming] = seg;
	ev->timing[ev->ntiming++] = t;
}

static rt_err clock_refused(core_decision *out, const core_state *st)
{
	out->err.clock_state = (int)st->clock;
	return RT_E_CLOCK_WRONG_STATE;
}

/* AG-2: start, pause, resume, adjust; and what the clock makes due (AG-4). */
static rt_err decide_clock(const core_state *st, const core_command *cmd, int64_t now, core_decision *out)
{
	uint16_t cur = st->current_segment;
	core_timing t = st->timing[cur];
	switch (cmd->kind) {
	case CORE_CMD_CLOCK_START:
	case CORE_CMD_CLOCK_RESUME:
		if (st->clock != (cmd->kind == CORE_CMD_CLOCK_START ? CORE_CLOCK_IDLE : CORE_CLOCK_PAUSED))
			return clock_refused(out, st);
		if (!t.started_at)
			t.started_at = now;
		add_timing(clock_event(st, out, CORE_CLOCK_RUNNING, now), cur, t);
		return RT_OK;
	case CORE_CMD_CLOCK_PAUSE:
		if (st->clock != CORE_CLOCK_RUNNING)
			return clock_refused(out, st);
		t.elapsed_ms += now - st->clock_started_at;
		add_timing(clock_event(st, out, CORE_CLOCK_PAUSED, 0), cur, t);
		return RT_OK;
	case CORE_CMD_CLOCK_ADJUST: {
		if (st->clock == CORE_CLOCK_IDLE)
			return clock_refused(out, st);
		int64_t allotted = t.allotted_ms + (int64_t)cmd->minutes * 60000;
		if (allotted < CORE_MIN_ALLOTTED_MS)
			allotted = CORE_MIN_ALLOTTED_MS;
		if (allotted == t.allotted_ms)
			return RT_OK;
		/* A later end is a new end: the clock may close the questions again at it. */
		if (allotted > t.allotted_ms)
			t.auto_closed = false;
		t.allotted_ms = allotted;
		add_timing(clock_event(st, out, st->clock, st->clock_started_at), cur, t);
		return RT_OK;
	}
	case CORE_CMD_CLOCK_DUE: {
		int64_t due = core_clock_due_ms(st);
		if (!due || now < due)
			return RT_OK;
		core_event *ev = next_event(st, out, CORE_EV_SEGMENT_CLOSED, NULL);
		ev->segment = cur;
		ev->automatic = true;
		return RT_OK;
	}
	default:
		return RT_E_AUTH_FORBIDDEN;
	}
}

/* agenda.goto: the current segment changes; a started clock leaves the old segment with its
 * time and runs in the new one, from that segment's own elapsed time (going back resumes). */
static void goto_clock(const core_state *st, uint16_t seg, int64_t now, core_decision *out)
{
	if (st->clock == CORE_CLOCK_IDLE)
		return;
	uint16_t cur = st->current_segment;
	core_timing from = st->timing[cur], to = st->timing[seg];
	if (st->clock == CORE_CLOCK_RUNNING)
		from.elapsed_ms += now - st->clock_started_at;
	if (!to.started_at)
		to.started_at = now;
	core_event *ev = clock_event(st, out, CORE_CLOCK_RUNNING, now);
	add_timing(ev, cur, from);
	add_timing(ev, seg, to);
}

/* --- the Rule, the seal and the rapporteurs' workspace (CHR, EX) ------------------------- */

/* CHR-5: a running clock stops first, so the report keeps every segment's actual time. */
static rt_err decide_seal(const core_state *st, int64_t now, core_decision *out)
{
	if (st->clock == CORE_CLOCK_RUNNING) {
		core_command pause = {.kind = CORE_CMD_CLOCK_PAUSE};
		rt_err err = decide_clock(st, &pause, now, out);
		if (err)
			return err;
	}
	next_event(st, out, CORE_EV_SEALED, NULL)->participants = st->aused;
	return RT_OK;
}

/* A theme: one line of at most CORE_THEME_MAX_CP code points, "" for none. */
static rt_err clean_theme(const core_command *cmd, core_decision *out, size_t *len)
{
	size_t ncp;
	*len = 0;
	out->theme[0] = '\0';
	if (cmd->theme_len == 0)
		return RT_OK;
	rt_err err =
	    core_text_clean(cmd->theme, cmd->theme_len, CORE_THEME_MAX_CP, out->theme, sizeof out->theme, len, &ncp);
	if (err == RT_E_QUESTION_TEXT_EMPTY) {
		*len = 0;
		return RT_OK;
	}
	if (err == RT_E_QUESTION_TEXT_TOO_LONG)
		out->err.max = CORE_THEME_MAX_CP;
	if (!err && memchr(out->theme, '\n', *len))
		err = RT_E_PROTOCOL_INVALID_FIELD;
	return err;
}

static bool same_text(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static rt_err segment_exists(const core_state *st, uint16_t seg, core_decision *out)
{
	if (seg < st->agenda.nsegments)
		return RT_OK;
	out->err.segment = seg;
	return RT_E_SEGMENT_NOT_FOUND;
}

static rt_err decide_note(const core_state *st, const core_command *cmd, core_decision *out)
{
	rt_err err = segment_exists(st, cmd->segment, out);
	if (err)
		return err;
	const core_note *n = &st->notes[cmd->segment];
	/* Two rapporteurs editing one note: the second to save learns it changed under them. */
	if (cmd->version != n->version) {
		out->err.version = n->version;
		out->err.segment = cmd->segment;
		return RT_E_NOTE_CONFLICT;
	}
	size_t len = 0;
	out->text[0] = '\0';
	if (cmd->text_len) {
		err = clean_text_max(st, cmd, out, &len, CORE_NOTE_MAX_CP);
		if (err == RT_E_QUESTION_TEXT_EMPTY)
			err = RT_OK, len = 0, out->text[0] = '\0';
		if (err)
			return err;
	}
	if (same_text(out->text, len, n->text, n->text_len))
		return RT_OK;
	core_event *ev = next_event(st, out, CORE_EV_NOTE, NULL);
	ev->segment = cmd->segment;
	ev->text = out->text;
	ev->text_len = (uint32_t)len;
	ev->version = n->version + 1;
	return RT_OK;
}

static rt_err decide_report(const core_state *st, const core_command *cmd, core_decision *out)
{
	const core_question *q = core_question_get(st, cmd->question);
	if (!q)
		return RT_E_QUESTION_NOT_FOUND;
	if (cmd->kind == CORE_CMD_QUESTION_TAG) {
		size_t len;
		rt_err err = clean_theme(cmd, out, &len);
		if (err)
			return err;
		if (!same_text(out->theme, len, q->theme, strlen(q->theme))) {
			core_event *ev = next_event(st, out, CORE_EV_TAGGED, q);
			ev->theme = out->theme;
			ev->theme_len = (uint32_t)len;
		}
		return RT_OK;
	}
	/* Only what the room saw goes into the report: a live or answered question (a merged
	 * group is the question kept). */
	if (cmd->included && q->state != CORE_Q_APPROVED && q->state != CORE_Q_ANSWERED)
		return state_error(out, RT_E_REPORT_NOT_ELIGIBLE, q);
	if (q->reported != cmd->included)
		next_event(st, out, CORE_EV_REPORTED, q)->included = cmd->included;
	return RT_OK;
}

static rt_err decide_paraphrase(const core_state *st, const core_command *cmd, core_decision *out)
{
	const core_paraphrase *p = NULL;
	if (cmd->paraphrase && !(p = core_paraphrase_get(st, cmd->paraphrase)))
		return RT_E_PARAPHRASE_NOT_FOUND;
	if (cmd->kind == CORE_CMD_PARAPHRASE_DELETE) {
		if (!p)
			return RT_E_PARAPHRASE_NOT_FOUND;
		core_event *ev = next_event(st, out, CORE_EV_PARAPHRASE, NULL);
		ev->paraphrase = p->id;
		ev->segment = p->segment;
		ev->deleted = true;
		return RT_OK;
	}
	rt_err err = segment_exists(st, cmd->segment, out);
	size_t len, tlen;
	if (err || (err = clean_text(st, cmd, out, &len)) || (err = clean_theme(cmd, out, &tlen)))
		return err;
	if (p && p->segment == cmd->segment && p->included == cmd->included &&
	    same_text(out->theme, tlen, p->theme, strlen(p->theme)) && same_text(out->text, len, p->text, p->text_len))
		return RT_OK;
	core_event *ev = next_event(st, out, CORE_EV_PARAPHRASE, NULL);
	ev->paraphrase = p ? p->id : st->nparas + 1;
	ev->segment = cmd->segment;
	ev->text = out->text;
	ev->text_len = (uint32_t)len;
	ev->theme = out->theme;
	ev->theme_len = (uint32_t)tlen;
	ev->included = cmd->included;
	return RT_OK;
}

rt_err core_decide(const core_state *st, const core_actor *actor, const core_command *cmd, int64_t now_ms,
                   core_decision *out)
{
	out->nevents = 0;
	out->err = CORE_ERR_PARAMS_NONE;
	if (!core_role_may(actor->role, cmd->kind))
		return RT_E_AUTH_FORBIDDEN;
	/* CHR-5: nothing changes a sealed consultation, not even memory-only presence. */
	if (st->sealed)
		return RT_E_CONSULTATION_SEALED;
	/* Participant commands need the pseudonym that links them while live (CHR-3). */
	if (actor->role == CORE_ROLE_PARTICIPANT && !actor->has_pseud)
		return RT_E_AUTH_FORBIDDEN;
	rt_err err;
	switch (cmd->kind) {
	case CORE_CMD_QUESTION_POST:
		err = decide_post(st, actor, cmd, out);
		break;
	case CORE_CMD_QUESTION_VOTE:
	case CORE_CMD_QUESTION_UNVOTE:
		err = decide_vote(st, actor, cmd, now_ms, out);
		break;
	case CORE_CMD_QUESTION_WITHDRAW:
		err = decide_withdraw(st, actor, cmd, out);
		break;
	case CORE_CMD_QUESTION_MERGE:
		err = decide_merge(st, cmd, out);
		break;
	case CORE_CMD_QUESTION_ANSWER_NOW:
		if (cmd->question == 0) {
			if (st->answering)
				next_event(st, out, CORE_EV_ANSWERING, NULL);
			err = RT_OK;
			break;
		}
		err = decide_moderation(st, cmd, out);
		break;
	case CORE_CMD_SEGMENT_OPEN:
	case CORE_CMD_SEGMENT_CLOSE:
	case CORE_CMD_AGENDA_GOTO:
		err = decide_segment(st, cmd, now_ms, out);
		break;
	case CORE_CMD_CLOCK_START:
	case CORE_CMD_CLOCK_PAUSE:
	case CORE_CMD_CLOCK_RESUME:
	case CORE_CMD_CLOCK_ADJUST:
	case CORE_CMD_CLOCK_DUE:
		err = decide_clock(st, cmd, now_ms, out);
		break;
	case CORE_CMD_FLOOR_SET:
		err = core_language_offered(&st->agenda, cmd->lang) ? RT_OK : RT_E_LANGUAGE_UNKNOWN;
		if (!err && cmd->lang != st->floor_now)
			next_event(st, out, CORE_EV_FLOOR, NULL)->lang = cmd->lang;
		break;
	case CORE_CMD_SIGNAL:
		err = decide_signal(st, actor, cmd, now_ms, out);
		break;
	case CORE_CMD_QUESTION_NEXT:
		err = decide_next(st, cmd, out);
		break;
	case CORE_CMD_LISTEN:
	case CORE_CMD_LEAVE:
		err = decide_presence(st, actor, cmd, out);
		break;
	case CORE_CMD_RULE_ACCEPT:
		err = RT_OK;
		if (!core_rule_accepted(st, &actor->pseud))
			next_event(st, out, CORE_EV_RULE_ACCEPTED, NULL)->author = actor->pseud;
		break;
	case CORE_CMD_SEAL:
		err = decide_seal(st, now_ms, out);
		break;
	case CORE_CMD_NOTE_SET:
		err = decide_note(st, cmd, out);
		break;
	case CORE_CMD_QUESTION_TAG:
	case CORE_CMD_REPORT_INCLUDE:
		err = decide_report(st, cmd, out);
		break;
	case CORE_CMD_PARAPHRASE_SAVE:
	case CORE_CMD_PARAPHRASE_DELETE:
		err = decide_paraphrase(st, cmd, out);
		break;
	case CORE_CMD_REPORT_EXPORT:
		err = RT_OK; /* reads only: the hub renders the report */
		break;
	default:
		err = decide_moderation(st, cmd, out);
		break;
	}
	if (err)
		out->nevents = 0;
	return err;
}

/* --- evolve ------------------------------------------------------------------------------ */

/* A NUL-terminated copy of len bytes of s, or NULL when out of memory. */
static char *dup_text(const char *s, uint32_t len)
{
	char *t = malloc((size_t)len + 1);
	if (t) {
		if (len)
			memcpy(t, s, len);
		t[len] = '\0';
	}
	return t;
}

/* CHR-5: memory that held linkage is overwritten before it is given back. The call goes
 * through a volatile pointer so that the compiler cannot drop it as a dead store. */
static void *(*const volatile wipe_memset)(void *, int, size_t) = memset;
static void wipe_free(void *p, size_t n)
{
	if (p)
		wipe_memset(p, 0, n);
	free(p);
}

/* CHR-5: the secret is the hub's; here every pseudonym goes, the text of questions that were
 * never published goes, votes become totals, and memory-only linkage is wiped. */
static int evolve_sealed(core_state *st, const core_event *ev)
{
	for (uint32_t i = 0; i < st->nquestions; i++) {
		core_question *q = &st->questions[i];
		wipe_memset(&q->author, 0, sizeof q->author);
		if (q->state == CORE_Q_WITHDRAWN || q->state == CORE_Q_REJECTED || q->state == CORE_Q_PENDING) {
			wipe_memset(q->text, 0, q->text_len);
			q->text_len = 0;
		}
	}
	wipe_free(st->votes, (size_t)st->vcap * sizeof *st->votes);
	wipe_free(st->accepted, (size_t)st->acap * sizeof *st->accepted);
	wipe_free(st->live, (size_t)st->lcap * sizeof *st->live);
	wipe_free(st->sessions, (size_t)st->scap * sizeof *st->sessions);
	st->votes = NULL;
	st->accepted = NULL;
	st->live = NULL;
	st->sessions = NULL;
	st->vcap = st->vused = st->acap = st->aused = st->lcap = st->lused = st->scap = st->sused = 0;
	memset(st->listeners, 0, sizeof st->listeners);
	st->sealed = true;
	st->participants = ev->participants;
	return 0;
}

static int evolve_accepted(core_state *st, const core_event *ev)
{
	if (table_reserve(st, (void **)&st->accepted, &st->acap, st->aused, sizeof *st->accepted, accept_rehash))
		return -1;
	core_accept_slot *s = accept_find(st, &ev->author);
	if (!s->used) {
		s->used = true;
		s->who = ev->author;
		st->aused++;
	}
	return 0;
}

static int evolve_note(core_state *st, const core_event *ev)
{
	if (ev->segment >= st->agenda.nsegments)
		return -1;
	core_note *n = &st->notes[ev->segment];
	char *t = ev->text_len ? dup_text(ev->text, ev->text_len) : NULL;
	if (ev->text_len && !t)
		return -1;
	free(n->text);
	n->text = t;
	n->text_len = ev->text_len;
	n->version = ev->version;
	return 0;
}

static void set_theme(char *dst, const core_event *ev)
{
	uint32_t n = ev->theme_len <= CORE_THEME_MAX_BYTES ? ev->theme_len : 0;
	if (n)
		memcpy(dst, ev->theme, n);
	dst[n] = '\0';
}

static int evolve_paraphrase(core_state *st, const core_event *ev)
{
	if (ev->paraphrase == 0 || ev->paraphrase > st->nparas + 1 || ev->segment >= st->agenda.nsegments)
		return -1;
	if (ev->paraphrase == st->nparas + 1 && st->nparas == st->paracap) {
		uint32_t ncap = st->paracap ? st->paracap * 2 : 16;
		core_paraphrase *np = realloc(st->paras, (size_t)ncap * sizeof *np);
		if (!np)
			return -1;
		st->paras = np;
		st->paracap = ncap;
	}
	char *t = ev->deleted ? NULL : dup_text(ev->text, ev->text_len);
	if (!ev->deleted && !t)
		return -1;
	if (ev->paraphrase == st->nparas + 1)
		memset(&st->paras[st->nparas++], 0, sizeof *st->paras);
	core_paraphrase *p = &st->paras[ev->paraphrase - 1];
	free(p->text);
	p->id = ev->paraphrase;
	p->segment = ev->segment;
	p->deleted = ev->deleted;
	p->included = ev->included && !ev->deleted;
	p->text = t;
	p->text_len = t ? ev->text_len : 0;
	set_theme(p->theme, ev);
	return 0;
}

static int evolve_posted(core_state *st, const core_event *ev)
{
	if (ev->question != st->nquestions + 1)
		return -1;
	if (st->nquestions == st->qcap) {
		uint32_t ncap = st->qcap ? st->qcap * 2 : 64;
		core_question *nq = realloc(st->questions, (size_t)ncap * sizeof *nq);
		if (!nq)
			return -1;
		st->questions = nq;
		st->qcap = ncap;
	}
	char *text = dup_text(ev->text, ev->text_len);
	if (!text)
		return -1;
	core_question *q = &st->questions[st->nquestions++];
	memset(q, 0, sizeof *q);
	q->id = ev->question;
	q->segment = ev->segment;
	q->lang = ev->lang;
	q->state = ev->state;
	q->edited = ev->edited;
	q->pinned = ev->pinned;
	q->into = ev->into;
	q->author = ev->author;
	q->text = text;
	q->text_len = ev->text_len;
	/* A row replayed from the store: once sealed its total stands in for the vote rows. */
	q->votes = ev->votes;
	q->reported = ev->included;
	set_theme(q->theme, ev);
	return 0;
}

static int vote_insert(core_state *st, uint32_t question, const core_pseud *voter)
{
	bool found;
	long at = vote_find(st, question, voter, &found);
	if (found || at < 0)
		return -1;
	if (st->votes[at].question == SLOT_EMPTY)
		st->vused++;
	st->votes[at].question = question;
	st->votes[at].voter = *voter;
	return 0;
}

static int evolve_vote(core_state *st, core_question *q, const core_event *ev)
{
	core_live_slot *r = NULL;
	/* Replayed votes carry no time (CHR-4): they count for nothing in any window. */
	if (ev->at_ms) {
		r = live_slot(st, &ev->voter);
		if (!r)
			return -1;
	}
	if (ev->kind == CORE_EV_VOTE_ADDED) {
		if (vote_reserve(st, 1) || vote_insert(st, q->id, &ev->voter))
			return -1;
		q->votes++;
	} else {
		bool found;
		long at = vote_find(st, q->id, &ev->voter, &found);
		if (!found)
			return -1;
		st->votes[at].question = SLOT_DELETED;
		q->votes--;
	}
	if (r) {
		if (ev->at_ms - r->window_start >= CORE_VOTE_WINDOW_MS) {
			r->window_start = ev->at_ms;
			r->count = 0;
		}
		r->count++;
	}
	return 0;
}

/* QA-4: the duplicate's voters join `into`, except those already there and its author. */
static int evolve_merged(core_state *st, core_question *q, const core_event *ev)
{
	core_question *into = ev->into && ev->into <= st->nquestions ? &st->questions[ev->into - 1] : NULL;
	if (!into || into == q)
		return -1;
	uint32_t n = 0;
	for (uint32_t i = 0; i < st->vcap; i++)
		n += st->votes[i].question == q->id;
	core_pseud *moved = n ? malloc((size_t)n * sizeof *moved) : NULL;
	if (n && (!moved || vote_reserve(st, n))) {
		free(moved);
		return -1;
	}
	/* Nothing below allocates: the state changes all at once or not at all. */
	uint32_t k = 0;
	for (uint32_t i = 0; i < st->vcap; i++) {
		if (st->votes[i].question != q->id)
			continue;
		moved[k++] = st->votes[i].voter;
		st->votes[i].question = SLOT_DELETED;
	}
	for (uint32_t i = 0; i < k; i++) {
		if (same_pseud(&moved[i], &into->author) || core_has_voted(st, into->id, &moved[i]))
			continue;
		vote_insert(st, into->id, &moved[i]);
		into->votes++;
	}
	free(moved);
	q->votes = 0;
	q->state = CORE_Q_MERGED;
	q->into = into->id;
	q->pinned = false;
	return 0;
}

static int evolve_question(core_state *st, core_question *q, const core_event *ev)
{
	char *text;
	switch (ev->kind) {
	case CORE_EV_QUESTION_APPROVED:
		q->state = CORE_Q_APPROVED;
		return 0;
	case CORE_EV_QUESTION_REJECTED:
		q->state = CORE_Q_REJECTED;
		return 0;
	case CORE_EV_QUESTION_WITHDRAWN:
		q->state = CORE_Q_WITHDRAWN;
		q->pinned = false;
		return 0;
	case CORE_EV_QUESTION_ANSWERED:
		q->state = CORE_Q_ANSWERED;
		q->pinned = false;
		return 0;
	case CORE_EV_QUESTION_REOPENED:
		q->state = CORE_Q_APPROVED;
		return 0;
	case CORE_EV_QUESTION_PINNED:
	case CORE_EV_QUESTION_UNPINNED:
		q->pinned = ev->kind == CORE_EV_QUESTION_PINNED;
		return 0;
	case CORE_EV_QUESTION_MOVED:
		q->segment = ev->segment;
		return 0;
	case CORE_EV_QUESTION_EDITED:
		text = dup_text(ev->text, ev->text_len);
		if (!text)
			return -1;
		free(q->text);
		q->text = text;
		q->text_len = ev->text_len;
		q->edited = true;
		return 0;
	case CORE_EV_QUESTION_MERGED:
		return evolve_merged(st, q, ev);
	case CORE_EV_TAGGED:
		set_theme(q->theme, ev);
		return 0;
	case CORE_EV_REPORTED:
		q->reported = ev->included;
		return 0;
	case CORE_EV_VOTE_ADDED:
	case CORE_EV_VOTE_REMOVED:
		return evolve_vote(st, q, ev);
	default:
		return -1;
	}
}

int core_evolve(core_state *st, const core_event *ev)
{
	int rc = -1;
	core_question *q = ev->question && ev->question <= st->nquestions ? &st->questions[ev->question - 1] : NULL;
	switch (ev->kind) {
	case CORE_EV_QUESTION_POSTED:
		rc = evolve_posted(st, ev);
		break;
	case CORE_EV_ANSWERING:
	case CORE_EV_NEXT:
		/* A question to answer now, or to take next; 0 for none. */
		if (!ev->question || q) {
			*(ev->kind == CORE_EV_ANSWERING ? &st->answering : &st->next_up) = ev->question;
			rc = 0;
		}
		break;
	case CORE_EV_SEGMENT_OPENED:
	case CORE_EV_SEGMENT_CLOSED:
	case CORE_EV_AGENDA_CURRENT:
		if (ev->segment < st->agenda.nsegments) {
			if (ev->kind == CORE_EV_AGENDA_CURRENT)
				st->current_segment = ev->segment;
			else
				st->agenda.segments[ev->segment].questions_open = ev->kind == CORE_EV_SEGMENT_OPENED;
			if (ev->automatic)
				st->timing[ev->segment].auto_closed = true;
			rc = 0;
		}
		break;
	case CORE_EV_SIGNAL:
		rc = (unsigned)ev->lang < CORE_LANG_COUNT ? 0 : -1;
		if (rc == 0) {
			if (!signal_window_open(st, ev->lang, ev->at_ms)) {
				st->signal_window_start[ev->lang] = ev->at_ms;
				st->signal_count[ev->lang] = 0;
			}
			st->signal_count[ev->lang]++;
		}
		break;
	case CORE_EV_PRESENCE:
		rc = evolve_presence(st, ev);
		break;
	case CORE_EV_RULE_ACCEPTED:
		rc = evolve_accepted(st, ev);
		break;
	case CORE_EV_SEALED:
		rc = evolve_sealed(st, ev);
		break;
	case CORE_EV_NOTE:
		rc = evolve_note(st, ev);
		break;
	case CORE_EV_PARAPHRASE:
		rc = evolve_paraphrase(st, ev);
		break;
	case CORE_EV_FLOOR:
		rc = core_language_offered(&st->agenda, ev->lang) ? 0 : -1;
		if (rc == 0)
			st->floor_now = ev->lang;
		break;
	case CORE_EV_CLOCK:
		rc = 0;
		for (int i = 0; i < ev->ntiming; i++)
			if (ev->timing_segment[i] >= st->agenda.nsegments)
				rc = -1;
		if (rc == 0) {
			st->clock = ev->clock;
			st->clock_started_at = ev->clock_started_at;
			for (int i = 0; i < ev->ntiming; i++)
				st->timing[ev->timing_segment[i]] = ev->timing[i];
		}
		break;
	default:
		if (q)
			rc = evolve_question(st, q, ev);
		break;
	}
	if (rc == 0)
		lapse_next(st);
	if (rc == 0 && ev->seq > st->seq)
		st->seq = ev->seq;
	return rc;
}
