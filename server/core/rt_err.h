/* rt_err.h — the one error enum of the Roundtable server, and its stable protocol codes.
 * Success is 0. Every layer returns these; the wire codec sends rt_err_code() to clients,
 * which map the code to a localised message. Not a place for prose.
 *
 * Return conventions, the same in every layer:
 *   - a function that can fail for a reason a user should hear returns rt_err (RT_OK = 0);
 *   - a function that can only fail or succeed returns int, 0 on success and -1 on failure,
 *     with the detail (if any) in an error buffer or struct the caller passes;
 *   - a constructor returns a pointer, NULL on failure (out of memory or bad input);
 *   - a predicate returns bool and has no side effects.
 * Codes before RT_E_INTERNAL_ reach clients in error frames; the internal ones never do (the
 * codec asserts it): they are statuses between the server's own layers and its command line. */
#ifndef RT_ERR_H
#define RT_ERR_H

typedef enum rt_err {
	RT_OK = 0,
	/* The frame itself: decoding and validation in server/wire. */
	RT_E_PROTOCOL_MALFORMED,     /* not a JSON object, or not UTF-8 */
	RT_E_PROTOCOL_UNKNOWN_TYPE,  /* "type" missing or names no message */
	RT_E_PROTOCOL_UNKNOWN_FIELD, /* a field the message does not define */
	RT_E_PROTOCOL_MISSING_FIELD, /* a required field is absent */
	RT_E_PROTOCOL_INVALID_FIELD, /* wrong type, length or format */
	RT_E_PROTOCOL_TOO_LARGE,     /* frame over the cap: the connection closes (1009) */
	/* Who may do what. */
	RT_E_AUTH_REQUIRED,  /* a command before auth */
	RT_E_AUTH_ALREADY,   /* a second auth on one connection */
	RT_E_AUTH_INVALID,   /* unknown or revoked token, or missing device key */
	RT_E_AUTH_FORBIDDEN, /* the role may not use this command */
	/* Q&A rules, decided by the core. */
	RT_E_QUESTION_NOT_FOUND,        /* no such question visible to this role */
	RT_E_QUESTION_NOT_PENDING,      /* approve/reject of a question in another state */
	RT_E_QUESTION_TEXT_EMPTY,       /* nothing left once trimmed and cleaned */
	RT_E_QUESTION_TEXT_TOO_LONG,    /* over CORE_TEXT_MAX_CP code points */
	RT_E_QUESTION_LANGUAGE_UNKNOWN, /* not a language of the consultation */
	RT_E_VOTE_OWN_QUESTION,         /* a participant upvoted their own question */
	RT_E_VOTE_ALREADY,              /* second upvote of the same question */
	RT_E_VOTE_NOT_VOTED,            /* unvote without a vote */
	/* The server. */
	RT_E_SERVER_UNAVAILABLE, /* the store could not commit: nothing changed */
	/* Moderation, segments and limits (QA-4..QA-7). */
	RT_E_QUESTION_WRONG_STATE, /* the command does not apply in the question's state */
	RT_E_QUESTION_NOT_OWN,     /* withdraw of someone else's question */
	RT_E_QUESTION_MERGE_SELF,  /* a question merged into itself */
	RT_E_SEGMENT_NOT_FOUND,    /* no such agenda segment */
	RT_E_QUEUE_CLOSED,         /* the current segment is closed for questions */
	RT_E_LIMIT_OPEN_QUESTIONS, /* too many pending or live questions by this participant */
	RT_E_LIMIT_VOTE_RATE,      /* too many votes in the window */
	RT_E_CLOCK_WRONG_STATE,    /* the clock command does not apply in the clock's state */
	RT_E_LANGUAGE_UNKNOWN,     /* not the floor or a channel of this consultation */
	RT_E_LIMIT_SIGNAL_RATE,    /* too many booth signals in the window */
	/* The Chatham House Rule and the report (CHR, EX). */
	RT_E_CHR_ACK_REQUIRED,     /* post or vote before accepting the Rule (CHR-2) */
	RT_E_CONSULTATION_SEALED,  /* the consultation is sealed: read-only (CHR-5) */
	RT_E_TEXT_IDENTIFYING,     /* identifying detail found; resend with placeholders (CHR-6) */
	RT_E_NOTE_CONFLICT,        /* a note changed since the version the edit started from */
	RT_E_REPORT_NOT_ELIGIBLE,  /* only live or answered questions go into the report */
	RT_E_PARAPHRASE_NOT_FOUND, /* no such rapporteur paraphrase */
	/* The transport's limits. */
	RT_E_LIMIT_MESSAGE_RATE, /* more messages than the connection's rate allows: not handled */
	/* Retries (PL-3). */
	RT_E_COMMAND_ID_REUSED, /* an id already used for another command: nothing changed */
	/* Two co-chairs at once (QA-4). */
	RT_E_QUESTION_CONFLICT, /* the question changed since the state or version the sender saw */
	/* Abuse from the open link: caps, the co-chairs' pauses, the cost of a new device key. */
	RT_E_QUEUE_FULL,            /* the consultation holds its most pending questions */
	RT_E_QUEUE_PAUSED,          /* the co-chairs paused incoming questions */
	RT_E_LINK_PAUSED,           /* the co-chairs paused the open link: no new participant joins */
	RT_E_LIMIT_NEW_DEVICES,     /* too many new device keys from one network in the window */
	RT_E_AUTH_WORK_REQUIRED,    /* a new device key needs its proof of work */
	RT_E_VOTE_INVITATIONS_ONLY, /* only personal invitations vote in this consultation */
	/* The report after the seal (EX-7). */
	RT_E_REPORT_FINAL,      /* the rapporteurs marked the report final: nothing changes it */
	RT_E_REPORT_NOT_SEALED, /* a report is finalised only once the consultation is sealed */
	/* Invitations' unlinkable credentials (CHR-3). */
	RT_E_CREDENTIAL_REQUIRED,      /* an invitation's holder acts before presenting a credential */
	RT_E_CREDENTIAL_INVALID,       /* a credential that does not verify under the consultation's key */
	RT_E_CREDENTIAL_DRAWN,         /* the invitation drew its credential; a re-issue was not allowed */
	RT_E_CREDENTIAL_REISSUE_LIMIT, /* the invitation had every re-issue it may have */
	/* The organiser's console (ORG-1). */
	RT_E_AGENDA_INVALID,        /* an agenda or programme the organiser sent: params.field names the place */
	RT_E_ORGANISER_NOT_FOUND,   /* no such consultation or programme */
	RT_E_ORGANISER_REFUSED,     /* a label, group or link the operation cannot take: params.field */
	RT_E_SEAL_CONFIRM_REQUIRED, /* the seal's typed confirmation does not match */
	/* Polls (POLL-1). */
	RT_E_POLL_NOT_FOUND,        /* no such poll (a draft, to a participant) */
	RT_E_POLL_WRONG_STATE,      /* the poll is not in a state this command applies to */
	RT_E_POLL_INVALID,          /* a poll's definition: texts, options or kind */
	RT_E_POLL_INVALID_ANSWER,   /* the answer does not fit the poll's kind or options */
	RT_E_POLL_WORD_IDENTIFYING, /* a word-cloud word looks identifying (CHR-6): refused */
	/* The list of speakers (FLOOR-1). */
	RT_E_SPEAKERS_CLOSED,   /* the current segment's list of speakers takes no requests */
	RT_E_SPEAKER_ALREADY,   /* this participant is on the list already, or has the floor */
	RT_E_SPEAKER_NOT_FOUND, /* no such ticket waiting (or speaking), or none waiting at all */
	RT_E_SPEAKERS_FULL,     /* the list holds its most tickets */
	/* Internal statuses: never sent to a client (see the top of this file). */
	RT_E_INTERNAL_,
	RT_E_NOT_FOUND = RT_E_INTERNAL_, /* the store has no such consultation, programme, row */
	RT_E_COUNT
} rt_err;

/* The stable code string of an error ("vote.already"); "ok" for RT_OK.
 * Returns a static string; never NULL. */
const char *rt_err_code(rt_err err);

/* Whether err may be sent to a client in an error frame (false for RT_OK and internal statuses). */
static inline int rt_err_public(rt_err err)
{
	return err > RT_OK && err < RT_E_INTERNAL_;
}

#endif
