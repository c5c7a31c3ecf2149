/* roles.c — who may do what: the role matrix, the audience each role belongs to, what each
 * audience may see, and to which audiences an event goes. No rule about a question's content
 * or the clock is decided here. */
#include "core.h"

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
            [CORE_CMD_JOIN] = true, /* run by the hub at auth, never sent: no message decodes to it */
            [CORE_CMD_POLL_ANSWER] = true,
            [CORE_CMD_SPEAKER_REQUEST] = true,
            [CORE_CMD_SPEAKER_WITHDRAW] = true,
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
            [CORE_CMD_REPORT_EXPORT] = true,       [CORE_CMD_BOOTH_ACKNOWLEDGE] = true,
            [CORE_CMD_QUESTION_UNMERGE] = true,    [CORE_CMD_QUESTION_REJECT_ALL] = true,
            [CORE_CMD_LINK_PAUSE] = true,          [CORE_CMD_LINK_RESUME] = true,
            [CORE_CMD_QUEUE_PAUSE] = true,         [CORE_CMD_QUEUE_RESUME] = true,
            [CORE_CMD_POLL_CREATE] = true,         [CORE_CMD_POLL_OPEN] = true,
            [CORE_CMD_POLL_CLOSE] = true,          [CORE_CMD_POLL_SHOW] = true,
            [CORE_CMD_SPEAKER_CALL] = true,        [CORE_CMD_SPEAKER_SKIP] = true,
            [CORE_CMD_SPEAKERS_CLOSE] = true,      [CORE_CMD_SPEAKERS_OPEN] = true,
        },
    [CORE_ROLE_RAPPORTEUR] =
        {
            [CORE_CMD_NOTE_SET] = true,
            [CORE_CMD_QUESTION_TAG] = true,
            [CORE_CMD_REPORT_INCLUDE] = true,
            [CORE_CMD_PARAPHRASE_SAVE] = true,
            [CORE_CMD_PARAPHRASE_DELETE] = true,
            [CORE_CMD_REPORT_EXPORT] = true,
            [CORE_CMD_REPORT_FINALISE] = true,
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
	return ev->kind == CORE_EV_SIGNAL || ev->kind == CORE_EV_PRESENCE || ev->kind == CORE_EV_BOOTH_ACK ||
	       ev->kind == CORE_EV_JOINED;
}

unsigned core_event_audiences(const core_state *st, const core_event *ev)
{
	const unsigned pub = 1u << CORE_AUD_PUBLIC, mod = 1u << CORE_AUD_MODERATION, author = 1u << CORE_AUD_AUTHOR;
	if (ev->kind == CORE_EV_SIGNAL)
		return 1u << CORE_AUD_COCHAIRS; /* LC-4: never participants, never stored */
	if (ev->kind == CORE_EV_PRESENCE)
		return ev->notify;         /* LC-6: only when a banded view changes; never participants */
	if (ev->kind == CORE_EV_BOOTH_ACK) /* LC-4: the booths, and the other co-chairs' alerts */
		return (1u << CORE_AUD_COCHAIRS) | (1u << CORE_AUD_BOOTHS);
	if (ev->kind == CORE_EV_JOINED)
		return ev->notify ? 1u << CORE_AUD_COCHAIRS : 0; /* AB-2: the alert, counts only */
	if (ev->kind == CORE_EV_GUARD)
		return mod | pub;
	/* POLL-1: a draft is the co-chairs' own; an answer reaches its author and, as totals only,
	 * the moderators; opening, closing and showing reach everyone. */
	if (ev->kind == CORE_EV_POLL_CREATED)
		return mod;
	if (ev->kind == CORE_EV_POLL_ANSWERED)
		return mod | author;
	if (ev->kind == CORE_EV_POLL_STATE)
		return mod | pub; /* AB-3: participants learn that questions are paused */
	if (ev->kind == CORE_EV_SPEAKERS)
		return mod | pub; /* FLOOR-1: tickets and languages, never who holds them */
	if (ev->kind == CORE_EV_NEXT)
		return mod | (1u << CORE_AUD_BOOTHS); /* LC-5: before the stage and the room */
	if (ev->kind == CORE_EV_RULE_ACCEPTED)
		return author; /* the participant's own connections; nobody else learns who accepted */
	if (ev->kind == CORE_EV_FINALISED)
		return mod; /* EX-7: the rapporteurs, and the co-chairs who see the report's state */
	if (ev->kind == CORE_EV_NOTE || ev->kind == CORE_EV_TAGGED || ev->kind == CORE_EV_REPORTED ||
	    ev->kind == CORE_EV_PARAPHRASE)
		return 1u << CORE_AUD_RAPPORTEURS; /* EX-1: the rapporteurs' workspace */
	if (ev->kind == CORE_EV_ANSWERING || ev->kind == CORE_EV_SEGMENT_OPENED || ev->kind == CORE_EV_SEGMENT_CLOSED ||
	    ev->kind == CORE_EV_AGENDA_CURRENT || ev->kind == CORE_EV_CLOCK || ev->kind == CORE_EV_FLOOR ||
	    ev->kind == CORE_EV_SEALED)
		return mod | pub;
	if (ev->kind == CORE_EV_QUESTIONS_MOVED) {
		/* QA-6: the public hears of the questions it may see, when there is one. */
		for (uint32_t i = 0; i < ev->nids; i++) {
			const core_question *m = core_question_get(st, ev->ids[i]);
			if (m && core_visible(CORE_AUD_PUBLIC, m->state))
				return mod | pub;
		}
		return mod;
	}
	const core_question *q = core_question_get(st, ev->question);
	if (!q || ev->kind >= CORE_EV_COUNT)
		return 0;
	/* The public hears of a question while it may see it, and of the change that hides it;
	 * otherwise only the author's own connections do (the public includes them already). */
	bool public = core_visible(CORE_AUD_PUBLIC, ev->prev_state) || core_visible(CORE_AUD_PUBLIC, q->state);
	return public ? mod | pub : mod | author;
}
