/* core.c — consultation state, roles, decide and evolve for the Q&A queue.
 * Pure: it reads only its arguments and writes only the state it is given. Persisting,
 * encoding and delivering events is the caller's job (server/hub). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* --- names ------------------------------------------------------------------------------- */

static const char *const lang_names[CORE_LANG_COUNT] = {"en", "ar", "fr", "es"};
static const char *const role_names[CORE_ROLE_COUNT] = {"participant", "cochair", "rapporteur", "booth", "stage"};
static const char *const qstate_names[CORE_Q_STATE_COUNT] = {"pending", "approved", "rejected"};
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
int core_lang_parse(const char *s)
{
	return parse_name(lang_names, CORE_LANG_COUNT, s);
}
int core_role_parse(const char *s)
{
	return parse_name(role_names, CORE_ROLE_COUNT, s);
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
        },
    [CORE_ROLE_COCHAIR] =
        {
            [CORE_CMD_QUESTION_APPROVE] = true,
            [CORE_CMD_QUESTION_REJECT] = true,
        },
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
	return aud != CORE_AUD_PUBLIC || state == CORE_Q_APPROVED;
}

unsigned core_event_audiences(const core_event *ev)
{
	const unsigned pub = 1u << CORE_AUD_PUBLIC, mod = 1u << CORE_AUD_MODERATION, author = 1u << CORE_AUD_AUTHOR;
	switch (ev->kind) {
	case CORE_EV_QUESTION_POSTED:
		/* Without pre-moderation the question is public at once and the author is in the
		 * public audience already. */
		return ev->state == CORE_Q_APPROVED ? mod | pub : mod | author;
	case CORE_EV_QUESTION_APPROVED:
		return mod | pub;
	case CORE_EV_QUESTION_REJECTED:
		return mod | author;
	case CORE_EV_VOTE_ADDED:
	case CORE_EV_VOTE_REMOVED:
		return mod | pub;
	case CORE_EV_COUNT:
		break;
	}
	return 0;
}

/* --- state ------------------------------------------------------------------------------- */

void core_state_init(core_state *st, const core_agenda *agenda)
{
	memset(st, 0, sizeof *st);
	st->agenda = *agenda;
}

void core_state_free(core_state *st)
{
	for (uint32_t i = 0; i < st->nquestions; i++)
		free(st->questions[i].text);
	free(st->questions);
	free(st->votes);
	memset(st, 0, sizeof *st);
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

/* Grows (or cleans) the table so one more vote fits under a 3/4 load. */
static int vote_reserve(core_state *st)
{
	if (st->vcap && (st->vused + 1) * 4 <= st->vcap * 3)
		return 0;
	uint32_t ncap = st->vcap ? st->vcap * 2 : 64;
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

/* --- decide ------------------------------------------------------------------------------ */

static bool same_pseud(const core_pseud *a, const core_pseud *b)
{
	return memcmp(a->b, b->b, CORE_PSEUD_LEN) == 0;
}

static core_event *next_event(const core_state *st, core_decision *out, core_event_kind kind, uint32_t question)
{
	core_event *ev = &out->events[out->nevents];
	memset(ev, 0, sizeof *ev);
	ev->kind = kind;
	ev->question = question;
	ev->seq = st->seq + 1 + (uint64_t)out->nevents;
	out->nevents++;
	return ev;
}

static rt_err decide_post(const core_state *st, const core_actor *actor, const core_command *cmd, core_decision *out)
{
	if (!core_language_offered(&st->agenda, cmd->lang))
		return RT_E_QUESTION_LANGUAGE_UNKNOWN;
	size_t len, ncp;
	rt_err err =
	    core_text_clean(cmd->text, cmd->text_len, CORE_TEXT_MAX_CP, out->text, sizeof out->text, &len, &ncp);
	if (err)
		return err;
	core_event *ev = next_event(st, out, CORE_EV_QUESTION_POSTED, st->nquestions + 1);
	ev->segment = st->current_segment;
	ev->lang = cmd->lang;
	ev->state = st->agenda.premoderation ? CORE_Q_PENDING : CORE_Q_APPROVED;
	ev->author = actor->pseud;
	ev->text = out->text;
	ev->text_len = (uint32_t)len;
	return RT_OK;
}

static rt_err decide_moderation(const core_state *st, const core_command *cmd, core_decision *out)
{
	const core_question *q = core_question_get(st, cmd->question);
	if (!q)
		return RT_E_QUESTION_NOT_FOUND;
	if (q->state != CORE_Q_PENDING)
		return RT_E_QUESTION_NOT_PENDING;
	next_event(st, out,
	           cmd->kind == CORE_CMD_QUESTION_APPROVE ? CORE_EV_QUESTION_APPROVED : CORE_EV_QUESTION_REJECTED,
	           q->id);
	return RT_OK;
}

static rt_err decide_vote(const core_state *st, const core_actor *actor, const core_command *cmd, core_decision *out)
{
	const core_question *q = core_question_get(st, cmd->question);
	/* QA-7: a question this participant cannot see does not exist, whatever its state. */
	if (!q || !core_visible(CORE_AUD_PUBLIC, q->state))
		return RT_E_QUESTION_NOT_FOUND;
	bool voted = core_has_voted(st, q->id, &actor->pseud);
	core_event *ev;
	if (cmd->kind == CORE_CMD_QUESTION_VOTE) {
		if (same_pseud(&q->author, &actor->pseud))
			return RT_E_VOTE_OWN_QUESTION;
		if (voted)
			return RT_E_VOTE_ALREADY;
		ev = next_event(st, out, CORE_EV_VOTE_ADDED, q->id);
		ev->votes = q->votes + 1;
	} else {
		if (!voted)
			return RT_E_VOTE_NOT_VOTED;
		ev = next_event(st, out, CORE_EV_VOTE_REMOVED, q->id);
		ev->votes = q->votes - 1;
	}
	ev->voter = actor->pseud;
	return RT_OK;
}

rt_err core_decide(const core_state *st, const core_actor *actor, const core_command *cmd, int64_t now_ms,
                   core_decision *out)
{
	(void)now_ms; /* no rule of this slice depends on time yet */
	out->nevents = 0;
	if (!core_role_may(actor->role, cmd->kind))
		return RT_E_AUTH_FORBIDDEN;
	/* Participant commands need the pseudonym that links them while live (CHR-3). */
	bool needs_pseud = cmd->kind == CORE_CMD_QUESTION_POST || cmd->kind == CORE_CMD_QUESTION_VOTE ||
	                   cmd->kind == CORE_CMD_QUESTION_UNVOTE;
	if (needs_pseud && !actor->has_pseud)
		return RT_E_AUTH_FORBIDDEN;
	rt_err err = RT_E_AUTH_FORBIDDEN;
	switch (cmd->kind) {
	case CORE_CMD_QUESTION_POST:
		err = decide_post(st, actor, cmd, out);
		break;
	case CORE_CMD_QUESTION_APPROVE:
	case CORE_CMD_QUESTION_REJECT:
		err = decide_moderation(st, cmd, out);
		break;
	case CORE_CMD_QUESTION_VOTE:
	case CORE_CMD_QUESTION_UNVOTE:
		err = decide_vote(st, actor, cmd, out);
		break;
	case CORE_CMD_COUNT:
		break;
	}
	if (err)
		out->nevents = 0;
	return err;
}

/* --- evolve ------------------------------------------------------------------------------ */

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
	char *text = malloc((size_t)ev->text_len + 1);
	if (!text)
		return -1;
	memcpy(text, ev->text, ev->text_len);
	text[ev->text_len] = '\0';
	core_question *q = &st->questions[st->nquestions++];
	memset(q, 0, sizeof *q);
	q->id = ev->question;
	q->segment = ev->segment;
	q->lang = ev->lang;
	q->state = ev->state;
	q->author = ev->author;
	q->text = text;
	q->text_len = ev->text_len;
	return 0;
}

static int evolve_vote(core_state *st, core_question *q, const core_event *ev)
{
	bool found;
	if (ev->kind == CORE_EV_VOTE_ADDED) {
		if (vote_reserve(st))
			return -1;
		long at = vote_find(st, q->id, &ev->voter, &found);
		if (found || at < 0)
			return -1;
		if (st->votes[at].question == SLOT_EMPTY)
			st->vused++;
		st->votes[at].question = q->id;
		st->votes[at].voter = ev->voter;
		q->votes++;
	} else {
		long at = vote_find(st, q->id, &ev->voter, &found);
		if (!found)
			return -1;
		st->votes[at].question = SLOT_DELETED;
		q->votes--;
	}
	return 0;
}

int core_evolve(core_state *st, const core_event *ev)
{
	int rc = -1;
	core_question *q = ev->question && ev->question <= st->nquestions ? &st->questions[ev->question - 1] : NULL;
	switch (ev->kind) {
	case CORE_EV_QUESTION_POSTED:
		rc = evolve_posted(st, ev);
		break;
	case CORE_EV_QUESTION_APPROVED:
	case CORE_EV_QUESTION_REJECTED:
		if (q) {
			q->state = ev->kind == CORE_EV_QUESTION_APPROVED ? CORE_Q_APPROVED : CORE_Q_REJECTED;
			rc = 0;
		}
		break;
	case CORE_EV_VOTE_ADDED:
	case CORE_EV_VOTE_REMOVED:
		if (q)
			rc = evolve_vote(st, q, ev);
		break;
	case CORE_EV_COUNT:
		break;
	}
	if (rc == 0 && ev->seq > st->seq)
		st->seq = ev->seq;
	return rc;
}
