/* rt_err.c — stable code strings for the server's error enum. Append only: clients and
 * translations key on these strings, so an existing one never changes. */
#include "rt_err.h"

static const char *const codes[RT_E_COUNT] = {
    [RT_OK] = "ok",
    [RT_E_PROTOCOL_MALFORMED] = "protocol.malformed",
    [RT_E_PROTOCOL_UNKNOWN_TYPE] = "protocol.unknown_type",
    [RT_E_PROTOCOL_UNKNOWN_FIELD] = "protocol.unknown_field",
    [RT_E_PROTOCOL_MISSING_FIELD] = "protocol.missing_field",
    [RT_E_PROTOCOL_INVALID_FIELD] = "protocol.invalid_field",
    [RT_E_PROTOCOL_TOO_LARGE] = "protocol.too_large",
    [RT_E_AUTH_REQUIRED] = "auth.required",
    [RT_E_AUTH_ALREADY] = "auth.already",
    [RT_E_AUTH_INVALID] = "auth.invalid",
    [RT_E_AUTH_FORBIDDEN] = "auth.forbidden",
    [RT_E_QUESTION_NOT_FOUND] = "question.not_found",
    [RT_E_QUESTION_NOT_PENDING] = "question.not_pending",
    [RT_E_QUESTION_TEXT_EMPTY] = "question.text_empty",
    [RT_E_QUESTION_TEXT_TOO_LONG] = "question.text_too_long",
    [RT_E_QUESTION_LANGUAGE_UNKNOWN] = "question.language_unknown",
    [RT_E_VOTE_OWN_QUESTION] = "vote.own_question",
    [RT_E_VOTE_ALREADY] = "vote.already",
    [RT_E_VOTE_NOT_VOTED] = "vote.not_voted",
    [RT_E_SERVER_UNAVAILABLE] = "server.unavailable",
    [RT_E_QUESTION_WRONG_STATE] = "question.wrong_state",
    [RT_E_QUESTION_NOT_OWN] = "question.not_own",
    [RT_E_QUESTION_MERGE_SELF] = "question.merge_self",
    [RT_E_SEGMENT_NOT_FOUND] = "segment.not_found",
    [RT_E_QUEUE_CLOSED] = "queue.closed",
    [RT_E_LIMIT_OPEN_QUESTIONS] = "limit.open_questions",
    [RT_E_LIMIT_VOTE_RATE] = "limit.vote_rate",
    [RT_E_LANGUAGE_UNKNOWN] = "language.unknown",
    [RT_E_LIMIT_SIGNAL_RATE] = "limit.signal_rate",
    [RT_E_LIMIT_MESSAGE_RATE] = "limit.message_rate",
    [RT_E_CLOCK_WRONG_STATE] = "clock.wrong_state",
    [RT_E_CHR_ACK_REQUIRED] = "chr.ack_required",
    [RT_E_CONSULTATION_SEALED] = "consultation.sealed",
    [RT_E_TEXT_IDENTIFYING] = "text.identifying",
    [RT_E_NOTE_CONFLICT] = "note.conflict",
    [RT_E_REPORT_NOT_ELIGIBLE] = "report.not_eligible",
    [RT_E_PARAPHRASE_NOT_FOUND] = "paraphrase.not_found",
    [RT_E_COMMAND_ID_REUSED] = "command.id_reused",
    [RT_E_QUESTION_CONFLICT] = "question.conflict",
    [RT_E_QUEUE_FULL] = "queue.full",
    [RT_E_QUEUE_PAUSED] = "queue.paused",
    [RT_E_LINK_PAUSED] = "link.paused",
    [RT_E_LIMIT_NEW_DEVICES] = "limit.new_devices",
    [RT_E_AUTH_WORK_REQUIRED] = "auth.work_required",
    [RT_E_VOTE_INVITATIONS_ONLY] = "vote.invitations_only",
    [RT_E_SPEAKERS_CLOSED] = "speakers.closed",
    [RT_E_SPEAKER_ALREADY] = "speaker.already",
    [RT_E_SPEAKER_NOT_FOUND] = "speaker.not_found",
    [RT_E_SPEAKERS_FULL] = "speakers.full",
    [RT_E_NOT_FOUND] = "not_found",
};

const char *rt_err_code(rt_err err)
{
	if ((unsigned)err >= RT_E_COUNT || !codes[err])
		return "server.unavailable";
	return codes[err];
}
