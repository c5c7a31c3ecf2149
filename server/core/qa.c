/* qa.c — questions and votes: post, vote and take back, withdraw, the co-chairs' moderation,
 * merge, answer now and the question selected next (QA, LC-5), and their evolve. The
 * rapporteurs' themes and report marks on a question are workspace.c's decisions. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

rt_err core_decide_post(const core_state *st, const core_actor *actor, const core_command *cmd, int64_t now_ms,
                        core_decision *out)
{
	if (!core_rule_accepted(st, &actor->pseud))
		return RT_E_CHR_ACK_REQUIRED;
	if (!st->agenda.segments[st->current_segment].questions_open) {
		out->err.segment = st->current_segment;
		return RT_E_QUEUE_CLOSED;
	}
	/* AB-3, AB-1: the co-chairs paused incoming questions, or the queue holds its most. */
	if (core_paused(st->queue_paused_until, now_ms)) {
		out->err.seconds = core_pause_seconds(st->queue_paused_until, now_ms);
		return RT_E_QUEUE_PAUSED;
	}
	if (st->agenda.premoderation && core_pending_questions(st) >= core_max_pending(&st->agenda)) {
		out->err.max = (int)core_max_pending(&st->agenda);
		return RT_E_QUEUE_FULL;
	}
	if (core_open_questions(st, &actor->pseud) >= st->agenda.max_open_questions) {
		out->err.max = st->agenda.max_open_questions;
		return RT_E_LIMIT_OPEN_QUESTIONS;
	}
	if (!core_language_offered(&st->agenda, cmd->lang))
		return RT_E_QUESTION_LANGUAGE_UNKNOWN;
	size_t len;
	rt_err err = core_clean_text(st, cmd, out, &len, CORE_TEXT_MAX_CP);
	if (err)
		return err;
	core_event *ev = core_next_event(st, out, CORE_EV_QUESTION_POSTED, NULL);
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

rt_err core_decide_merge(const core_state *st, const core_command *cmd, core_decision *out)
{
	const core_question *q = core_question_get(st, cmd->question), *into = core_question_get(st, cmd->into);
	if (!q || !into)
		return RT_E_QUESTION_NOT_FOUND;
	if (q == into)
		return RT_E_QUESTION_MERGE_SELF;
	if (q->state != CORE_Q_PENDING && q->state != CORE_Q_APPROVED)
		return core_state_error(out, RT_E_QUESTION_WRONG_STATE, q);
	if (into->state != CORE_Q_APPROVED)
		return core_state_error(out, RT_E_QUESTION_WRONG_STATE, into);
	core_event *ev = core_next_event(st, out, CORE_EV_QUESTION_MERGED, q);
	ev->into = into->id;
	ev->votes = into->votes + merge_gain(st, q, into);
	/* The duplicate was being answered: the question it joined is now. */
	core_stop_answering_if(st, out, q, into->id);
	return RT_OK;
}

/* The parked votes of merged question q: how many, and how many of the GAINED ones `into` still
 * holds (a participant may have taken one back since). */
static void parked(const core_state *st, const core_question *q, const core_question *into, uint32_t *n, uint32_t *held)
{
	*n = *held = 0;
	for (uint32_t i = 0; i < st->vcap; i++) {
		const core_vote_slot *s = &st->votes[i];
		if (s->question == (q->id | CORE_PARKED_KEPT))
			(*n)++;
		if (s->question == (q->id | CORE_PARKED_GAINED)) {
			(*n)++;
			*held += core_has_voted(st, into->id, &s->voter);
		}
	}
}

/* QA-4: a merge undone while live: the duplicate is as it was before the merge, with exactly
 * the voters it had, and `into` gives back the votes the merge gave it. Refused once `into` has
 * itself left the queue (merged or withdrawn): its votes are no longer where the merge put them. */
rt_err core_decide_unmerge(const core_state *st, const core_command *cmd, core_decision *out)
{
	const core_question *q = core_question_get(st, cmd->question);
	if (!q)
		return RT_E_QUESTION_NOT_FOUND;
	if (q->state != CORE_Q_MERGED)
		return core_state_error(out, RT_E_QUESTION_WRONG_STATE, q);
	const core_question *into = core_question_get(st, q->into);
	assert(into); /* a merged question names the one it joined */
	if (into->state != CORE_Q_APPROVED && into->state != CORE_Q_ANSWERED)
		return core_state_error(out, RT_E_QUESTION_WRONG_STATE, into);
	uint32_t n, held;
	parked(st, q, into, &n, &held);
	assert(held <= into->votes);
	core_event *ev = core_next_event(st, out, CORE_EV_QUESTION_UNMERGED, q);
	ev->state = q->premerge;
	ev->into = into->id;
	ev->votes = into->votes - held;
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

/* QA-4, two co-chairs: a command that says what its sender saw (the state, and for an edit the
 * version) is refused when the question has changed since, with the question's state and
 * version now, so that the sender can ask whether to go ahead anyway. */
static rt_err conflict(const core_question *q, const core_command *cmd, core_decision *out)
{
	bool checked = cmd->kind == CORE_CMD_QUESTION_APPROVE || cmd->kind == CORE_CMD_QUESTION_REJECT ||
	               cmd->kind == CORE_CMD_QUESTION_EDIT;
	if (!checked)
		return RT_OK;
	bool moved = cmd->has_from && cmd->from != q->state;
	bool rewritten = cmd->kind == CORE_CMD_QUESTION_EDIT && cmd->has_version && cmd->version != q->version;
	if (!moved && !rewritten)
		return RT_OK;
	out->err.version = q->version;
	return core_state_error(out, RT_E_QUESTION_CONFLICT, q);
}

/* Commands a co-chair issues about one question. */
rt_err core_decide_moderation(const core_state *st, const core_command *cmd, core_decision *out)
{
	/* Answering none: clears "now answering". */
	if (cmd->kind == CORE_CMD_QUESTION_ANSWER_NOW && cmd->question == 0) {
		if (st->answering)
			core_next_event(st, out, CORE_EV_ANSWERING, NULL);
		return RT_OK;
	}
	const core_question *q = core_question_get(st, cmd->question);
	if (!q)
		return RT_E_QUESTION_NOT_FOUND;
	rt_err err = conflict(q, cmd, out);
	if (err)
		return err;
	core_qstate s = q->state;
	for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++) {
		const struct transition *t = &transitions[i];
		if (t->cmd != cmd->kind)
			continue;
		if (!(t->from & FROM(s)))
			return core_state_error(out, t->refused, q);
		core_next_event(st, out, t->event, q);
		/* An answered question is no longer being answered. */
		if (t->event == CORE_EV_QUESTION_ANSWERED)
			core_stop_answering_if(st, out, q, 0);
		return RT_OK;
	}
	bool live = s == CORE_Q_APPROVED;
	bool editable = s == CORE_Q_PENDING || live || s == CORE_Q_ANSWERED;
	size_t len;
	switch (cmd->kind) {
	case CORE_CMD_QUESTION_EDIT:
		if (!editable)
			return core_state_error(out, RT_E_QUESTION_WRONG_STATE, q);
		if ((err = core_clean_text(st, cmd, out, &len, CORE_TEXT_MAX_CP)))
			return err;
		if (same_text(out->text, len, q->text, q->text_len))
			return RT_OK; /* nothing to change */
		core_event *ev = core_next_event(st, out, CORE_EV_QUESTION_EDITED, q);
		ev->text = out->text;
		ev->text_len = (uint32_t)len;
		return RT_OK;
	case CORE_CMD_QUESTION_PIN:
		if (!live)
			return core_state_error(out, RT_E_QUESTION_WRONG_STATE, q);
		if (!q->pinned)
			core_next_event(st, out, CORE_EV_QUESTION_PINNED, q);
		return RT_OK;
	case CORE_CMD_QUESTION_UNPIN:
		/* Only a live question is ever pinned; unpinning anything else changes nothing. */
		if (q->pinned)
			core_next_event(st, out, CORE_EV_QUESTION_UNPINNED, q);
		return RT_OK;
	case CORE_CMD_QUESTION_ANSWER_NOW:
		if (!live)
			return core_state_error(out, RT_E_QUESTION_WRONG_STATE, q);
		if (st->answering != q->id)
			core_next_event(st, out, CORE_EV_ANSWERING, NULL)->question = q->id;
		return RT_OK;
	case CORE_CMD_QUESTION_MOVE:
		if ((err = core_segment_exists(st, cmd->segment, out)))
			return err;
		if (!editable)
			return core_state_error(out, RT_E_QUESTION_WRONG_STATE, q);
		if (q->segment != cmd->segment)
			core_next_event(st, out, CORE_EV_QUESTION_MOVED, q)->segment = cmd->segment;
		return RT_OK;
	default:
		return RT_E_AUTH_FORBIDDEN;
	}
}

/* QA-6: question.move of several questions: each must exist and be pending, live or answered
 * (the first at fault is named); one event moves those not in the segment already, each once. */
rt_err core_decide_move_many(const core_state *st, const core_command *cmd, core_decision *out)
{
	rt_err err = core_segment_exists(st, cmd->segment, out);
	if (err)
		return err;
	if (cmd->nquestions < 1 || cmd->nquestions > CORE_MAX_MOVE) {
		out->err.max = CORE_MAX_MOVE;
		return RT_E_PROTOCOL_INVALID_FIELD;
	}
	uint32_t n = 0;
	for (uint32_t i = 0; i < cmd->nquestions; i++) {
		const core_question *q = core_question_get(st, cmd->questions[i]);
		if (!q) {
			out->err.question = cmd->questions[i];
			return RT_E_QUESTION_NOT_FOUND;
		}
		if (q->state != CORE_Q_PENDING && q->state != CORE_Q_APPROVED && q->state != CORE_Q_ANSWERED)
			return core_state_error(out, RT_E_QUESTION_WRONG_STATE, q);
		bool seen = false;
		for (uint32_t k = 0; k < n && !seen; k++)
			seen = out->ids[k] == q->id;
		if (q->segment != cmd->segment && !seen)
			out->ids[n++] = q->id;
	}
	if (n == 0)
		return RT_OK;
	/* In id order, as a change of segment names them. */
	for (uint32_t i = 1; i < n; i++)
		for (uint32_t k = i; k > 0 && out->ids[k - 1] > out->ids[k]; k--) {
			uint32_t t = out->ids[k];
			out->ids[k] = out->ids[k - 1];
			out->ids[k - 1] = t;
		}
	core_event *ev = core_next_event(st, out, CORE_EV_QUESTIONS_MOVED, NULL);
	ev->segment = cmd->segment;
	ev->ids = out->ids;
	ev->nids = n;
	return RT_OK;
}

rt_err core_decide_withdraw(const core_state *st, const core_actor *actor, const core_command *cmd, core_decision *out)
{
	const core_question *q = core_question_get(st, cmd->question);
	bool own = q && same_pseud(&q->author, &actor->pseud);
	/* QA-7: someone else's question that this participant cannot see does not exist. */
	if (!q || (!own && !core_visible(CORE_AUD_PUBLIC, q->state)))
		return RT_E_QUESTION_NOT_FOUND;
	if (!own)
		return RT_E_QUESTION_NOT_OWN;
	if (q->state != CORE_Q_PENDING && q->state != CORE_Q_APPROVED)
		return core_state_error(out, RT_E_QUESTION_WRONG_STATE, q);
	core_next_event(st, out, CORE_EV_QUESTION_WITHDRAWN, q);
	core_stop_answering_if(st, out, q, 0);
	return RT_OK;
}

rt_err core_decide_vote(const core_state *st, const core_actor *actor, const core_command *cmd, int64_t now_ms,
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
		return core_state_error(out, RT_E_QUESTION_WRONG_STATE, q);
	bool voted = core_has_voted(st, q->id, &actor->pseud);
	bool up = cmd->kind == CORE_CMD_QUESTION_VOTE;
	/* AB-5: one vote per person means one per invitation where the open link does not vote. */
	if (up && actor->open_link && st->agenda.voting_invitations)
		return RT_E_VOTE_INVITATIONS_ONLY;
	if (up && voted)
		return RT_E_VOTE_ALREADY;
	if (!up && !voted)
		return RT_E_VOTE_NOT_VOTED;
	const core_live_slot *r = core_live_find(st, &actor->pseud);
	if (r && now_ms - r->window_start < CORE_VOTE_WINDOW_MS && r->count >= st->agenda.votes_per_minute) {
		out->err.max = st->agenda.votes_per_minute;
		out->err.seconds = CORE_VOTE_WINDOW_MS / 1000;
		return RT_E_LIMIT_VOTE_RATE;
	}
	core_event *ev = core_next_event(st, out, up ? CORE_EV_VOTE_ADDED : CORE_EV_VOTE_REMOVED, q);
	ev->votes = up ? q->votes + 1 : q->votes - 1;
	ev->voter = actor->pseud;
	ev->at_ms = now_ms;
	ev->open_link = actor->open_link;
	return RT_OK;
}

/* LC-5: a live question, not the one being answered, may be selected next; 0 clears the
 * selection. */
rt_err core_decide_next(const core_state *st, const core_command *cmd, core_decision *out)
{
	if (cmd->question) {
		const core_question *q = core_question_get(st, cmd->question);
		if (!q)
			return RT_E_QUESTION_NOT_FOUND;
		if (q->state != CORE_Q_APPROVED || st->answering == q->id)
			return core_state_error(out, RT_E_QUESTION_WRONG_STATE, q);
	}
	if (st->next_up != cmd->question)
		core_next_event(st, out, CORE_EV_NEXT, NULL)->question = cmd->question;
	return RT_OK;
}

/* --- evolve ------------------------------------------------------------------------------ */

int core_evolve_posted(core_state *st, const core_event *ev)
{
	if (ev->question != st->nquestions + 1)
		return -1;
	if (core_list_reserve((void **)&st->questions, &st->qcap, st->nquestions, sizeof *st->questions, 64))
		return -1;
	char *text = core_dup_text(ev->text, ev->text_len);
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
	q->may_identify = core_scrub_may_identify(q->text, q->text_len); /* CHR-6, for the moderators */
	/* A row replayed from the store: once sealed its total stands in for the vote rows. */
	q->votes = ev->votes;
	q->reported = ev->included;
	q->version = ev->version;
	/* A merged row replayed from the store carries its state before the merge in prev_state. */
	q->premerge = ev->state == CORE_Q_MERGED ? ev->prev_state : ev->state;
	core_set_theme(q->theme, ev);
	return 0;
}

/* ANSWERING and NEXT: a question (q) to answer now, or to take next; 0 for none. */
int core_evolve_selected(core_state *st, const core_question *q, const core_event *ev)
{
	if (ev->question && !q)
		return -1;
	*(ev->kind == CORE_EV_ANSWERING ? &st->answering : &st->next_up) = ev->question;
	return 0;
}

static int evolve_vote(core_state *st, core_question *q, const core_event *ev)
{
	core_live_slot *r = NULL;
	/* Replayed votes carry no time (CHR-4): they count for nothing in any window. */
	if (ev->at_ms) {
		r = core_live_get(st, &ev->voter);
		if (!r)
			return -1;
	}
	if (ev->kind == CORE_EV_VOTE_ADDED) {
		if (core_vote_add(st, q->id, &ev->voter, ev->open_link))
			return -1;
		q->votes++;
		q->open_votes += ev->open_link;
	} else {
		bool open = false;
		if (core_vote_remove(st, q->id, &ev->voter, &open))
			return -1;
		assert(q->votes > 0 && q->open_votes >= (uint32_t)open);
		q->votes--;
		q->open_votes -= open;
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

/* The votes under `key` (a question, or one parked under it), copied out (NULL and 0 when
 * none); -1 when out of memory. */
static int voters_of(const core_state *st, uint32_t key, core_vote_slot **out, uint32_t *n)
{
	*out = NULL;
	*n = 0;
	for (uint32_t i = 0; i < st->vcap; i++)
		*n += st->votes[i].question == key;
	if (!*n)
		return 0;
	*out = malloc((size_t)*n * sizeof **out);
	if (!*out)
		return -1;
	uint32_t k = 0;
	for (uint32_t i = 0; i < st->vcap; i++)
		if (st->votes[i].question == key)
			(*out)[k++] = st->votes[i];
	assert(k == *n);
	return 0;
}

/* QA-4: the duplicate's voters join `into`, except those already there and its author; each
 * is parked under the duplicate, so that an unmerge can give back exactly what was. A vote
 * keeps its open-link mark (AB-7) wherever it goes. */
static int evolve_merged(core_state *st, core_question *q, const core_event *ev)
{
	core_question *into = ev->into && ev->into <= st->nquestions ? &st->questions[ev->into - 1] : NULL;
	if (!into || into == q || q->id >= CORE_PARKED_KEPT)
		return -1;
	core_vote_slot *moved;
	uint32_t k;
	/* Nothing after the reservation allocates: each voter takes out one vote and puts in at
	 * most two, so the state changes all at once or not at all. */
	if (voters_of(st, q->id, &moved, &k) || core_vote_reserve(st, k)) {
		free(moved);
		return -1;
	}
	for (uint32_t i = 0; i < k; i++) {
		const core_pseud *v = &moved[i].voter;
		int rc = core_vote_remove(st, q->id, v, NULL);
		assert(rc == 0);
		bool gained = !same_pseud(v, &into->author) && !core_has_voted(st, into->id, v);
		rc = core_vote_add(st, q->id | (gained ? CORE_PARKED_GAINED : CORE_PARKED_KEPT), v, moved[i].open);
		assert(rc == 0);
		if (gained) {
			rc = core_vote_add(st, into->id, v, moved[i].open);
			assert(rc == 0);
			into->votes++;
			into->open_votes += moved[i].open;
		}
		(void)rc;
	}
	free(moved);
	q->premerge = q->state;
	q->votes = 0;
	q->open_votes = 0;
	q->state = CORE_Q_MERGED;
	q->into = into->id;
	q->pinned = false;
	return 0;
}

int core_evolve_moved(core_state *st, const core_event *ev)
{
	if (ev->segment >= st->agenda.nsegments || ev->nids > CORE_MAX_MOVE || (ev->nids && !ev->ids))
		return -1;
	for (uint32_t i = 0; i < ev->nids; i++)
		if (!core_question_get(st, ev->ids[i]))
			return -1;
	for (uint32_t i = 0; i < ev->nids; i++)
		st->questions[ev->ids[i] - 1].segment = ev->segment;
	return 0;
}

/* QA-4: the merge undone: the parked voters are the duplicate's again, and `into` loses the
 * votes the merge gave it (those its voters have not taken back since). */
static int evolve_unmerged(core_state *st, core_question *q, const core_event *ev)
{
	core_question *into = ev->into && ev->into <= st->nquestions ? &st->questions[ev->into - 1] : NULL;
	if (!into || q->state != CORE_Q_MERGED || q->into != into->id)
		return -1;
	core_vote_slot *gained, *kept;
	uint32_t ng, nk;
	if (voters_of(st, q->id | CORE_PARKED_GAINED, &gained, &ng))
		return -1;
	if (voters_of(st, q->id | CORE_PARKED_KEPT, &kept, &nk)) {
		free(gained);
		return -1;
	}
	/* Each step takes a vote out before it puts one in: nothing allocates. */
	for (uint32_t i = 0; i < ng + nk; i++) {
		const core_vote_slot *slot = i < ng ? &gained[i] : &kept[i - ng];
		const core_pseud *v = &slot->voter;
		int rc = core_vote_remove(st, q->id | (i < ng ? CORE_PARKED_GAINED : CORE_PARKED_KEPT), v, NULL);
		assert(rc == 0);
		if (i < ng && core_has_voted(st, into->id, v)) {
			bool was_open = false;
			rc = core_vote_remove(st, into->id, v, &was_open);
			assert(rc == 0 && into->votes > 0);
			into->votes--;
			into->open_votes -= into->open_votes && was_open;
		}
		rc = core_vote_add(st, q->id, v, slot->open);
		assert(rc == 0);
		(void)rc;
		q->votes++;
		q->open_votes += slot->open;
	}
	free(gained);
	free(kept);
	q->state = ev->state;
	q->into = 0;
	return 0;
}

int core_evolve_question(core_state *st, core_question *q, const core_event *ev)
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
		text = core_dup_text(ev->text, ev->text_len);
		if (!text)
			return -1;
		free(q->text);
		q->text = text;
		q->text_len = ev->text_len;
		q->may_identify = core_scrub_may_identify(q->text, q->text_len);
		q->edited = true;
		q->version++;
		return 0;
	case CORE_EV_QUESTION_MERGED:
		return evolve_merged(st, q, ev);
	case CORE_EV_QUESTION_UNMERGED:
		return evolve_unmerged(st, q, ev);
	case CORE_EV_TAGGED:
		core_set_theme(q->theme, ev);
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
