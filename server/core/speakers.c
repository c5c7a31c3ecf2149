/* speakers.c — the list of speakers (FLOOR-1): participants ask for the floor in a language and
 * get a ticket, co-chairs call, skip, close and reopen; a call moves the floor language (LC-3).
 * Pure like the rest of the core. Not the floor language itself (presence.c), nor any storage:
 * a ticket lives in memory only and is never linked to a question, a vote or a poll answer. */
#include <assert.h>
#include <string.h>

#include "internal.h"

/* The place of `ticket` in the queue, or -1. */
static int queue_place(const core_speakers *sp, uint32_t ticket)
{
	for (uint32_t i = 0; i < sp->n; i++)
		if (sp->queue[i].ticket == ticket)
			return (int)i;
	return -1;
}

/* The place of this participant's ticket in the queue, or -1. */
static int own_place(const core_speakers *sp, const core_pseud *who)
{
	for (uint32_t i = 0; i < sp->n; i++)
		if (same_pseud(&sp->queue[i].who, who))
			return (int)i;
	return -1;
}

static bool has_floor(const core_speakers *sp, const core_pseud *who)
{
	return sp->current.ticket && same_pseud(&sp->current.who, who);
}

uint32_t core_speaker_ticket(const core_state *st, const core_pseud *who)
{
	const core_speakers *sp = &st->speakers;
	if (has_floor(sp, who))
		return sp->current.ticket;
	int i = own_place(sp, who);
	return i < 0 ? 0 : sp->queue[i].ticket;
}

bool core_speakers_open(const core_state *st)
{
	return !st->speakers.closed[st->current_segment];
}

/* A speakers event about this ticket, counted in the current segment. */
static core_event *speakers_event(const core_state *st, core_decision *out, core_speaker_op op, const core_speaker *who)
{
	core_event *ev = core_next_event(st, out, CORE_EV_SPEAKERS, NULL);
	ev->speaker_op = op;
	ev->segment = st->current_segment;
	ev->topic = -1;
	if (who) {
		ev->ticket = who->ticket;
		ev->lang = who->lang;
		ev->topic = who->topic;
		ev->author = who->who;
	}
	return ev;
}

static rt_err decide_request(const core_state *st, const core_actor *actor, const core_command *cmd, core_decision *out)
{
	const core_speakers *sp = &st->speakers;
	if (!core_rule_accepted(st, &actor->pseud))
		return RT_E_CHR_ACK_REQUIRED; /* CHR-2: they will speak under the Rule */
	if (!core_language_offered(&st->agenda, cmd->lang))
		return RT_E_LANGUAGE_UNKNOWN;
	if (cmd->has_topic && core_segment_exists(st, cmd->segment, out))
		return RT_E_SEGMENT_NOT_FOUND;
	if (!core_speakers_open(st)) {
		out->err.segment = st->current_segment;
		return RT_E_SPEAKERS_CLOSED;
	}
	if (core_speaker_ticket(st, &actor->pseud))
		return RT_E_SPEAKER_ALREADY;
	if (sp->n >= CORE_MAX_SPEAKERS) {
		out->err.max = CORE_MAX_SPEAKERS;
		return RT_E_SPEAKERS_FULL;
	}
	core_speaker s = {.ticket = sp->last_ticket + 1,
	                  .lang = cmd->lang,
	                  .topic = (int16_t)(cmd->has_topic ? cmd->segment : -1),
	                  .who = actor->pseud};
	speakers_event(st, out, CORE_SPEAKER_REQUESTED, &s);
	return RT_OK;
}

static rt_err decide_withdraw(const core_state *st, const core_actor *actor, core_decision *out)
{
	const core_speakers *sp = &st->speakers;
	int i = own_place(sp, &actor->pseud);
	if (i >= 0)
		speakers_event(st, out, CORE_SPEAKER_WITHDRAWN, &sp->queue[i]);
	else if (has_floor(sp, &actor->pseud))
		speakers_event(st, out, CORE_SPEAKER_WITHDRAWN, &sp->current);
	else
		return RT_E_SPEAKER_NOT_FOUND;
	return RT_OK;
}

/* A call: the speaker has the floor, and the floor language follows them (LC-3), so that every
 * booth learns at once whether it now works direct, in retour or from relay. */
static rt_err decide_call(const core_state *st, const core_command *cmd, int64_t now, core_decision *out)
{
	const core_speakers *sp = &st->speakers;
	int i = cmd->ticket ? queue_place(sp, cmd->ticket) : (sp->n ? 0 : -1);
	if (i < 0)
		return RT_E_SPEAKER_NOT_FOUND;
	const core_speaker *s = &sp->queue[i];
	speakers_event(st, out, CORE_SPEAKER_CALLED, s)->at_ms = now;
	if (s->lang != st->floor_now)
		core_next_event(st, out, CORE_EV_FLOOR, NULL)->lang = s->lang;
	return RT_OK;
}

static rt_err decide_skip(const core_state *st, const core_command *cmd, core_decision *out)
{
	const core_speakers *sp = &st->speakers;
	int i = queue_place(sp, cmd->ticket);
	if (i >= 0)
		speakers_event(st, out, CORE_SPEAKER_SKIPPED, &sp->queue[i]);
	else if (sp->current.ticket && sp->current.ticket == cmd->ticket)
		speakers_event(st, out, CORE_SPEAKER_SKIPPED, &sp->current);
	else
		return RT_E_SPEAKER_NOT_FOUND;
	return RT_OK;
}

rt_err core_decide_speakers(const core_state *st, const core_actor *actor, const core_command *cmd, int64_t now,
                            core_decision *out)
{
	switch (cmd->kind) {
	case CORE_CMD_SPEAKER_REQUEST:
		return decide_request(st, actor, cmd, out);
	case CORE_CMD_SPEAKER_WITHDRAW:
		return decide_withdraw(st, actor, out);
	case CORE_CMD_SPEAKER_CALL:
		return decide_call(st, cmd, now, out);
	case CORE_CMD_SPEAKER_SKIP:
		return decide_skip(st, cmd, out);
	case CORE_CMD_SPEAKERS_CLOSE:
	case CORE_CMD_SPEAKERS_OPEN: {
		bool close = cmd->kind == CORE_CMD_SPEAKERS_CLOSE;
		if (close == core_speakers_open(st)) /* otherwise it asks for what already is */
			speakers_event(st, out, close ? CORE_SPEAKERS_CLOSED : CORE_SPEAKERS_OPENED, NULL);
		return RT_OK;
	}
	default:
		return RT_E_AUTH_FORBIDDEN;
	}
}

/* Takes ticket off the queue, or off the floor; -1 when it is in neither. */
static int take_off(core_speakers *sp, uint32_t ticket)
{
	int i = queue_place(sp, ticket);
	if (i >= 0) {
		core_wipe(&sp->queue[i], sizeof sp->queue[i]);
		memmove(&sp->queue[i], &sp->queue[i + 1], (sp->n - (uint32_t)i - 1) * sizeof sp->queue[0]);
		sp->n--;
		core_wipe(&sp->queue[sp->n], sizeof sp->queue[0]);
		return 0;
	}
	if (ticket && sp->current.ticket == ticket) {
		core_wipe(&sp->current, sizeof sp->current);
		sp->called_at = 0;
		return 0;
	}
	return -1;
}

int core_evolve_speakers(core_state *st, const core_event *ev)
{
	core_speakers *sp = &st->speakers;
	if (ev->segment >= st->agenda.nsegments)
		return -1;
	switch (ev->speaker_op) {
	case CORE_SPEAKER_REQUESTED:
		if (sp->n >= CORE_MAX_SPEAKERS || (unsigned)ev->lang >= CORE_LANG_COUNT)
			return -1;
		sp->queue[sp->n++] =
		    (core_speaker){.ticket = ev->ticket, .lang = ev->lang, .topic = ev->topic, .who = ev->author};
		if (ev->ticket > sp->last_ticket)
			sp->last_ticket = ev->ticket;
		sp->requested[ev->segment][ev->lang]++;
		return 0;
	case CORE_SPEAKER_CALLED: {
		int i = queue_place(sp, ev->ticket);
		if (i < 0)
			return -1;
		core_speaker s = sp->queue[i];
		take_off(sp, ev->ticket);
		sp->current = s;
		sp->called_at = ev->at_ms;
		sp->taken[ev->segment][s.lang]++;
		return 0;
	}
	case CORE_SPEAKER_WITHDRAWN:
	case CORE_SPEAKER_SKIPPED:
		return take_off(sp, ev->ticket);
	case CORE_SPEAKERS_CLOSED:
	case CORE_SPEAKERS_OPENED:
		sp->closed[ev->segment] = ev->speaker_op == CORE_SPEAKERS_CLOSED;
		return 0;
	}
	return -1;
}

void core_speakers_seal(core_state *st)
{
	core_speakers *sp = &st->speakers;
	core_wipe(sp->queue, sizeof sp->queue);
	core_wipe(&sp->current, sizeof sp->current);
	sp->n = 0;
	sp->called_at = 0;
}
