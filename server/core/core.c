/* core.c — the consultation core's two entry points: core_decide, which checks the role and
 * the seal and hands a command to the part of the core that decides it, and core_evolve, which
 * hands an event to the part that applies it. The rules themselves live in qa.c, clock.c,
 * presence.c and workspace.c. Pure: it reads only its arguments and writes only the state it
 * is given; persisting, encoding and delivering events is the caller's job (server/hub). */
#include <assert.h>

#include "internal.h"

rt_err core_decide(const core_state *st, const core_actor *actor, const core_command *cmd, int64_t now_ms,
                   core_decision *out)
{
	assert(st && actor && cmd && out);
	assert(st->current_segment < st->agenda.nsegments); /* a consultation always has one */
	out->nevents = 0;
	out->err = CORE_ERR_PARAMS_NONE;
	if (!core_role_may(actor->role, cmd->kind))
		return RT_E_AUTH_FORBIDDEN;
	/* CHR-5: nothing changes a sealed consultation, not even memory-only presence, except the
	 * rapporteurs' own words on the report until they mark it final (EX-7). */
	if (st->sealed && !core_workspace_command(cmd->kind))
		return RT_E_CONSULTATION_SEALED;
	if (st->final)
		return RT_E_REPORT_FINAL;
	/* Participant commands need the pseudonym that links them while live (CHR-3). */
	if (actor->role == CORE_ROLE_PARTICIPANT && !actor->has_pseud)
		return RT_E_AUTH_FORBIDDEN;
	rt_err err;
	switch (cmd->kind) {
	case CORE_CMD_QUESTION_POST:
		err = core_decide_post(st, actor, cmd, now_ms, out);
		break;
	case CORE_CMD_QUESTION_VOTE:
	case CORE_CMD_QUESTION_UNVOTE:
		err = core_decide_vote(st, actor, cmd, now_ms, out);
		break;
	case CORE_CMD_QUESTION_WITHDRAW:
		err = core_decide_withdraw(st, actor, cmd, out);
		break;
	case CORE_CMD_QUESTION_MERGE:
		err = core_decide_merge(st, cmd, out);
		break;
	case CORE_CMD_QUESTION_UNMERGE:
		err = core_decide_unmerge(st, cmd, out);
		break;
	case CORE_CMD_QUESTION_NEXT:
		err = core_decide_next(st, cmd, out);
		break;
	case CORE_CMD_SEGMENT_OPEN:
	case CORE_CMD_SEGMENT_CLOSE:
	case CORE_CMD_AGENDA_GOTO:
		err = core_decide_segment(st, cmd, now_ms, out);
		break;
	case CORE_CMD_CLOCK_START:
	case CORE_CMD_CLOCK_PAUSE:
	case CORE_CMD_CLOCK_RESUME:
	case CORE_CMD_CLOCK_ADJUST:
	case CORE_CMD_CLOCK_DUE:
		/* POLL-1: a poll the agenda clock opens or closes goes first, one per command. */
		err = core_decide_poll_due(st, out) ? RT_OK : core_decide_clock(st, cmd, now_ms, out);
		break;
	case CORE_CMD_FLOOR_SET:
		err = core_decide_floor(st, cmd, out);
		break;
	case CORE_CMD_SIGNAL:
		err = core_decide_signal(st, actor, cmd, now_ms, out);
		break;
	case CORE_CMD_LISTEN:
	case CORE_CMD_LEAVE:
		err = core_decide_presence(st, actor, cmd, now_ms, out);
		break;
	case CORE_CMD_RULE_ACCEPT:
		err = core_decide_rule(st, actor, out);
		break;
	case CORE_CMD_SEAL:
		err = core_decide_seal(st, now_ms, out);
		break;
	case CORE_CMD_NOTE_SET:
		err = core_decide_note(st, cmd, out);
		break;
	case CORE_CMD_QUESTION_TAG:
	case CORE_CMD_REPORT_INCLUDE:
		err = core_decide_report(st, cmd, out);
		break;
	case CORE_CMD_PARAPHRASE_SAVE:
	case CORE_CMD_PARAPHRASE_DELETE:
		err = core_decide_paraphrase(st, cmd, out);
		break;
	case CORE_CMD_REPORT_EXPORT:
		err = RT_OK; /* reads only: the hub renders the report */
		break;
	case CORE_CMD_REPORT_FINALISE:
		err = core_decide_finalise(st, out);
		break;
	case CORE_CMD_QUESTION_MOVE:
		err = cmd->nquestions ? core_decide_move_many(st, cmd, out) : core_decide_moderation(st, cmd, out);
		break;
	case CORE_CMD_BOOTH_ACKNOWLEDGE:
		err = core_decide_booth_ack(st, cmd, now_ms, out);
		break;
	case CORE_CMD_LINK_PAUSE:
	case CORE_CMD_LINK_RESUME:
	case CORE_CMD_QUEUE_PAUSE:
	case CORE_CMD_QUEUE_RESUME:
	case CORE_CMD_QUESTION_REJECT_ALL:
	case CORE_CMD_JOIN:
		err = core_decide_guard(st, actor, cmd, now_ms, out);
		break;
	case CORE_CMD_POLL_CREATE:
	case CORE_CMD_POLL_OPEN:
	case CORE_CMD_POLL_CLOSE:
	case CORE_CMD_POLL_SHOW:
	case CORE_CMD_POLL_ANSWER:
		err = core_decide_poll(st, actor, cmd, out);
		break;
	case CORE_CMD_SPEAKER_REQUEST:
	case CORE_CMD_SPEAKER_WITHDRAW:
	case CORE_CMD_SPEAKER_CALL:
	case CORE_CMD_SPEAKER_SKIP:
	case CORE_CMD_SPEAKERS_CLOSE:
	case CORE_CMD_SPEAKERS_OPEN:
		err = core_decide_speakers(st, actor, cmd, now_ms, out);
		break;
	default:
		/* approve, reject, edit, pin, unpin, answer now, answer, reopen, move */
		err = core_decide_moderation(st, cmd, out);
		break;
	}
	if (err)
		out->nevents = 0;
	assert(out->nevents <= CORE_MAX_EVENTS);
	return err;
}

/* LC-5: the selection lapses by itself when its question is answered now or is no longer
 * live: no event says so, every client and the store apply the same rule. */
static void lapse_next(core_state *st)
{
	const core_question *q = core_question_get(st, st->next_up);
	if (st->next_up && (!q || q->state != CORE_Q_APPROVED || st->answering == st->next_up))
		st->next_up = 0;
}

int core_evolve(core_state *st, const core_event *ev)
{
	assert(st && ev);
	/* Ephemeral events take no place in the consultation's order. */
	assert(!core_event_ephemeral(ev) || ev->seq == 0);
	int rc;
	core_question *q = ev->question && ev->question <= st->nquestions ? &st->questions[ev->question - 1] : NULL;
	switch (ev->kind) {
	case CORE_EV_QUESTION_POSTED:
		rc = core_evolve_posted(st, ev);
		break;
	case CORE_EV_ANSWERING:
	case CORE_EV_NEXT:
		rc = core_evolve_selected(st, q, ev);
		break;
	case CORE_EV_SEGMENT_OPENED:
	case CORE_EV_SEGMENT_CLOSED:
	case CORE_EV_AGENDA_CURRENT:
		rc = core_evolve_segment(st, ev);
		break;
	case CORE_EV_CLOCK:
		rc = core_evolve_clock(st, ev);
		break;
	case CORE_EV_FLOOR:
		rc = core_evolve_floor(st, ev);
		break;
	case CORE_EV_SIGNAL:
		rc = core_evolve_signal(st, ev);
		break;
	case CORE_EV_PRESENCE:
		rc = core_evolve_presence(st, ev);
		break;
	case CORE_EV_RULE_ACCEPTED:
		rc = core_evolve_accepted(st, ev);
		break;
	case CORE_EV_SEALED:
		rc = core_evolve_sealed(st, ev);
		break;
	case CORE_EV_NOTE:
		rc = core_evolve_note(st, ev);
		break;
	case CORE_EV_PARAPHRASE:
		rc = core_evolve_paraphrase(st, ev);
		break;
	case CORE_EV_QUESTIONS_MOVED:
		rc = core_evolve_moved(st, ev);
		break;
	case CORE_EV_BOOTH_ACK:
		rc = 0; /* LC-4: delivered, never kept */
		break;
	case CORE_EV_GUARD:
	case CORE_EV_JOINED:
		rc = core_evolve_guard(st, ev);
		break;
	case CORE_EV_FINALISED:
		st->final = true; /* EX-7 */
		rc = 0;
		break;
	case CORE_EV_POLL_CREATED:
	case CORE_EV_POLL_STATE:
	case CORE_EV_POLL_ANSWERED:
		rc = core_evolve_poll(st, ev);
		break;
	case CORE_EV_SPEAKERS:
		rc = core_evolve_speakers(st, ev);
		break;
	default:
		/* the events about one question, its votes, theme and report mark */
		rc = q ? core_evolve_question(st, q, ev) : -1;
		break;
	}
	if (rc == 0 && ev->kind == CORE_EV_SEALED)
		core_speakers_seal(st); /* CHR-5: only the counts stay */
	if (rc == 0)
		lapse_next(st);
	if (rc == 0 && ev->seq > st->seq)
		st->seq = ev->seq;
	return rc;
}
