/* core.h — the consultation core: agenda, Q&A state, roles, decide(command) -> events and
 * evolve(event). Pure: no I/O, no clock, no JSON, no SQL, no sockets, no logging. Time, when a
 * rule needs it, arrives as a parameter. Every other layer talks to a consultation through this.
 *
 * Memory: core_state owns its questions' text and its vote set; both grow by doubling, so a
 * vote costs no allocation once the set has room. Events borrow text from a core_decision or
 * from the caller; evolve copies what it keeps. */
#ifndef RT_CORE_H
#define RT_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt_err.h"
#include "scrub.h"
#include "text.h"

/* QA-1: a question is 1..500 Unicode code points after cleaning. */
#define CORE_TEXT_MAX_CP 500
/* Four bytes per code point at most in UTF-8, plus the terminating NUL. */
#define CORE_TEXT_MAX_BYTES (CORE_TEXT_MAX_CP * 4)
/* Agenda strings: titles of consultations and segments, in code points. */
#define CORE_TITLE_MAX_CP 200
#define CORE_TITLE_MAX_BYTES (CORE_TITLE_MAX_CP * 4)
#define CORE_MAX_SEGMENTS 50
#define CORE_MAX_CHANNELS 3
/* Consultation ids: lowercase letters and digits, as in links and logs. */
#define CORE_ID_MAX 32
#define CORE_TIMEZONE_MAX 64
/* A pseudonym is the first 16 bytes of HMAC-SHA-256(consultation secret, participant key):
 * enough to make a collision among 10^4 participants about 2^-100 likely. */
#define CORE_PSEUD_LEN 16
/* The most events one command can produce (a question answered and "now answering" cleared). */
#define CORE_MAX_EVENTS 2
/* QA-7 defaults, when the agenda file sets no limits. */
#define CORE_DEFAULT_OPEN_QUESTIONS 3
#define CORE_DEFAULT_VOTES_PER_MINUTE 30
#define CORE_VOTE_WINDOW_MS 60000
/* AG-3/AG-4 defaults, when the agenda file sets no clock settings. */
#define CORE_DEFAULT_WARNING_MINUTES 2
#define CORE_DEFAULT_CLOSE_MINUTES 0
/* LC-4: signals one booth may send per window. */
#define CORE_SIGNALS_PER_WINDOW 6
#define CORE_SIGNAL_WINDOW_MS 60000
/* A segment is never shortened below this (AG-2). */
#define CORE_MIN_ALLOTTED_MS 60000
/* EX-1: a rapporteur's note on a segment, and a theme, in code points. A paraphrase is as long
 * as a question. */
#define CORE_NOTE_MAX_CP 2000
#define CORE_NOTE_MAX_BYTES (CORE_NOTE_MAX_CP * 4)
#define CORE_THEME_MAX_CP 60
#define CORE_THEME_MAX_BYTES (CORE_THEME_MAX_CP * 4)
/* QA-6: the most questions one question.move takes, and one change of segment carries over. */
#define CORE_MAX_MOVE 500
/* Abuse from the open link (docs/requirements.md, AB-*): the pending questions a consultation
 * holds at most, new device keys one network may bring per window, the proof of work a new
 * device key costs (leading zero bits; 0: none), the longest a pause lasts unless it is until
 * resumed, and the most questions one bulk reject names. */
#define CORE_DEFAULT_MAX_PENDING 500
#define CORE_DEFAULT_NEW_DEVICES_PER_MINUTE 30
#define CORE_NEW_DEVICE_WINDOW_MS 60000
/* 2^17 tries on average: measured in Chromium at 170,000-320,000 SHA-256 a second on a busy
 * 2-core server (web-client/lib/pow.js), about what a mid-range phone does, so about a second. */
#define CORE_DEFAULT_WORK_BITS 17
#define CORE_MAX_WORK_BITS 28
#define CORE_PAUSE_MAX_MINUTES 480
#define CORE_PAUSED_UNTIL_RESUMED INT64_MAX
#define CORE_BULK_MAX CORE_MAX_MOVE
/* The transport's opaque key for a client's network (a keyed hash of its address, in memory
 * only), and how many networks a consultation follows at once. */
#define CORE_NETWORK_KEY_LEN 16
#define CORE_NETWORK_SLOTS 128

typedef enum core_lang { CORE_LANG_EN, CORE_LANG_AR, CORE_LANG_FR, CORE_LANG_ES, CORE_LANG_COUNT } core_lang;
/* No language: a connection that listens in none (LC-6). */
#define CORE_LANG_NONE CORE_LANG_COUNT

typedef enum core_role {
	CORE_ROLE_PARTICIPANT,
	CORE_ROLE_COCHAIR,
	CORE_ROLE_RAPPORTEUR,
	CORE_ROLE_BOOTH,
	CORE_ROLE_STAGE,
	CORE_ROLE_SYSTEM, /* the server's own timers (AG-4); no token ever carries it */
	/* ORG-1: the organiser's console, of the whole data folder: no consultation's command, only
	 * the organiser's (server/hub/console.c); its link is kept apart from every other */
	CORE_ROLE_ORGANISER,
	CORE_ROLE_COUNT
} core_role;

/* Who an event is encoded for: once per audience, never once per client. */
typedef enum core_audience {
	CORE_AUD_PUBLIC,      /* participant, booth, stage: approved questions only */
	CORE_AUD_MODERATION,  /* co-chair, rapporteur: every question */
	CORE_AUD_AUTHOR,      /* the connections of the question's own author */
	CORE_AUD_COCHAIRS,    /* the co-chairs alone (LC-4: booth signals) */
	CORE_AUD_BOOTHS,      /* the interpretation booths (LC-5: the question selected next) */
	CORE_AUD_RAPPORTEURS, /* the rapporteurs alone (EX-1: their workspace) */
	CORE_AUD_COUNT
} core_audience;

/* LC-4: what a booth can tell the co-chairs. */
typedef enum core_signal {
	CORE_SIGNAL_SLOWER,
	CORE_SIGNAL_NO_FLOOR_AUDIO,
	CORE_SIGNAL_MIC_OFF,
	CORE_SIGNAL_NEED_DOCUMENT,
	CORE_SIGNAL_COUNT
} core_signal;

typedef enum core_segment_kind {
	CORE_SEG_OPENING,
	CORE_SEG_PANEL,
	CORE_SEG_QA,
	CORE_SEG_BREAK,
	CORE_SEG_CLOSING,
	CORE_SEG_KIND_COUNT
} core_segment_kind;

/* A question's life (protocol/README.md, "The question view"). */
typedef enum core_qstate {
	CORE_Q_PENDING,   /* awaiting moderation */
	CORE_Q_APPROVED,  /* live: in the queue, can be upvoted */
	CORE_Q_ANSWERED,  /* marked answered; can be reopened */
	CORE_Q_REJECTED,  /* rejected by a co-chair; can still be approved */
	CORE_Q_WITHDRAWN, /* withdrawn by its author */
	CORE_Q_MERGED,    /* merged into another question (core_question.into) */
	CORE_Q_STATE_COUNT
} core_qstate;

typedef struct core_pseud {
	uint8_t b[CORE_PSEUD_LEN];
} core_pseud;

typedef struct core_segment {
	char title[CORE_TITLE_MAX_BYTES + 1];
	core_segment_kind kind;
	uint16_t start_min;    /* planned start, minutes after local midnight */
	uint16_t duration_min; /* planned length in minutes, >= 1 */
	bool questions_open;   /* participants may post while it is current; co-chairs change it */
	bool chatham_house;    /* false: on the record */
	char date[11];         /* "YYYY-MM-DD" for agendas over several days, or empty */
	bool starts_empty;     /* QA-6: the agenda's "carry_over": false; entering it carries nothing */
	/* AG-1, LC-2: the title in each other language the agenda gives ("" where it gives none; the
	 * floor language's is `title`). core_segment_title picks one. */
	char title_in[CORE_LANG_COUNT][CORE_TITLE_MAX_BYTES + 1];
	/* FLOOR-1: one intervention's time budget, 1..60 minutes; 0: none. */
	uint8_t speaking_minutes;
} core_segment;

/* LC-1: how participants listen in one language: the name of its channel in Zoom's
 * interpretation menu, and the organisers' own note (phone dial-in, say). Empty when unset. */
#define CORE_ZOOM_CHANNEL_MAX_CP 60
#define CORE_LISTENING_NOTE_MAX_CP 500
typedef struct core_listening {
	char zoom_channel[CORE_ZOOM_CHANNEL_MAX_CP * 4 + 1];
	char note[CORE_LISTENING_NOTE_MAX_CP * 4 + 1];
	/* AG-1, LC-2: the note in each other language the agenda gives, as title_in */
	char note_in[CORE_LANG_COUNT][CORE_LISTENING_NOTE_MAX_CP * 4 + 1];
} core_listening;

typedef struct core_agenda {
	char id[CORE_ID_MAX + 1];
	char title[CORE_TITLE_MAX_BYTES + 1];
	char timezone[CORE_TIMEZONE_MAX + 1];
	char date[11]; /* "YYYY-MM-DD" or empty */
	core_lang floor;
	core_lang channels[CORE_MAX_CHANNELS];
	int nchannels;
	core_listening listening[CORE_LANG_COUNT]; /* by language; only offered ones may be set */
	bool premoderation;
	uint16_t max_open_questions; /* QA-7: pending or live questions per participant */
	uint16_t votes_per_minute;   /* QA-7: upvotes and take-backs per participant per minute */
	uint16_t warning_minutes;    /* AG-3: views warn this long before a segment ends */
	uint16_t close_minutes;      /* AG-4: questions close this long before a segment ends */
	core_segment segments[CORE_MAX_SEGMENTS];
	int nsegments;
	/* Abuse from the open link: votes from personal invitations only; the pending questions
	 * the consultation holds at most (0: CORE_DEFAULT_MAX_PENDING); new device keys per network
	 * per minute (0: no cap); the proof of work of a new device key (0: none). */
	bool voting_invitations;
	uint16_t max_pending;
	uint16_t new_devices_per_minute;
	uint8_t work_bits;
	/* AG-1, LC-2: the title in each other language the agenda gives, as core_segment's */
	char title_in[CORE_LANG_COUNT][CORE_TITLE_MAX_BYTES + 1];
} core_agenda;

typedef struct core_question {
	uint32_t id; /* ordinal from 1, the neutral label "Question 12" */
	uint16_t segment;
	core_lang lang;
	core_qstate state;
	uint32_t votes;
	bool edited;       /* a co-chair changed the text */
	bool pinned;       /* only while approved */
	uint32_t into;     /* CORE_Q_MERGED: the question it was merged into */
	core_pseud author; /* all zero once sealed (CHR-5) */
	char *text;        /* owned, NUL-terminated, valid UTF-8, NFC; emptied when sealed unless kept */
	uint32_t text_len;
	/* EX-1: the rapporteurs' theme ("" for none) and whether the question is in the report. */
	bool reported;
	char theme[CORE_THEME_MAX_BYTES + 1];
	/* CHR-6: the text looks as if it may name or describe a person (core_scrub_may_identify);
	 * worked out from the text whenever it changes, shown to the moderators only. */
	bool may_identify;
	/* QA-4: bumped by every edit, so that two co-chairs' edits compare and set. */
	uint32_t version;
	/* QA-4: CORE_Q_MERGED: the state it had before, which question.unmerge gives back. */
	core_qstate premerge;
	/* Votes cast from the open link since the consultation was loaded, in memory only: the
	 * co-chairs' view of how much of the total the open link makes. */
	uint32_t open_votes;
} core_question;

/* QA-4: while a question is merged, the vote set keeps its voters under a parked key, so that
 * an unmerge restores both questions' voters exactly: GAINED when the merge gave the voter a
 * vote on `into`, KEPT when the voter already had one there (or wrote it). Question ids stay
 * below CORE_PARKED_KEPT. The seal wipes them with every other vote. */
#define CORE_PARKED_KEPT 0x40000000u
#define CORE_PARKED_GAINED 0x80000000u

/* EX-1: a rapporteur's own summary for the report, in a segment. */
typedef struct core_paraphrase {
	uint32_t id; /* ordinal from 1 */
	uint16_t segment;
	bool deleted; /* ids are never reused */
	bool included;
	char theme[CORE_THEME_MAX_BYTES + 1];
	char *text; /* owned; NULL once deleted */
	uint32_t text_len;
} core_paraphrase;

/* EX-1: the rapporteurs' note on one segment; version 0 is the empty note never written. */
typedef struct core_note {
	char *text; /* owned, or NULL */
	uint32_t text_len;
	uint32_t version;
} core_note;

/* CHR-2: a participant who accepted the Rule, by pseudonym; destroyed when sealed. */
typedef struct core_accept_slot {
	bool used;
	core_pseud who;
} core_accept_slot;

/* The vote set: which pseudonym upvoted which question. Open addressing, owned by the state. */
typedef struct core_vote_slot {
	uint32_t question; /* 0: empty slot */
	core_pseud voter;
	bool open; /* cast from the open link while loaded (memory only; replayed votes: false) */
} core_vote_slot;

/* What a live consultation keeps about one participant in memory only, never stored: the
 * QA-7 vote-rate window and, for LC-6, how many of their connections listen in each
 * language. It is linkage a live consultation needs (CHR-3) and nothing after it. */
typedef struct core_live_slot {
	bool used;
	uint16_t count;       /* votes in the window */
	int64_t window_start; /* server clock, ms */
	core_pseud who;
	uint16_t listening[CORE_LANG_COUNT]; /* connections of this participant listening in each */
} core_live_slot;

/* LC-6: one connection's language choice, by the hub's session number; memory only. */
typedef struct core_session_slot {
	uint64_t session; /* 0: empty */
	core_pseud who;
	core_lang lang;
} core_session_slot;

/* LC-6: how listener counts are shown. Co-chairs see none, few (1 to 4) or a range (5-9,
 * 10-19, 20-49, 50-99, 100 and more), never an exact count; booths see none or present. */
typedef enum core_band { CORE_BAND_NONE, CORE_BAND_FEW, CORE_BAND_RANGE, CORE_BAND_PRESENT } core_band;
/* LC-6: a co-chairs' band goes down only once its count has stayed below it this long, so that
 * one person leaving cannot be matched against the meeting's participant list. */
#define CORE_BAND_HOLD_MS 60000

/* New device keys seen from one network (the transport's opaque key) in the current window;
 * memory only, never stored. */
typedef struct core_network_slot {
	uint8_t key[CORE_NETWORK_KEY_LEN];
	int64_t window_start; /* 0: empty */
	uint16_t count;
} core_network_slot;

/* FLOOR-1: the list of speakers. A ticket is a number from 1, a language and an optional topic
 * (an agenda segment); its participant's pseudonym is kept in memory only, for their withdrawal
 * and their one request at a time, and wiped by the seal. Nothing of a ticket is ever stored;
 * the store keeps only how many interventions were requested and taken per segment and
 * language, for the report (EX-4 suppresses the small ones). */
#define CORE_MAX_SPEAKERS 100
#define CORE_MAX_SPEAKING_MINUTES 60
typedef struct core_speaker {
	uint32_t ticket; /* 0: none */
	core_lang lang;
	int16_t topic; /* the segment the intervention is about, -1: none named */
	core_pseud who;
} core_speaker;

typedef struct core_speakers {
	core_speaker queue[CORE_MAX_SPEAKERS]; /* waiting, in order */
	uint32_t n;
	core_speaker current; /* the speaker who has the floor; ticket 0: nobody */
	int64_t called_at;    /* server ms, for the intervention's timer */
	uint32_t last_ticket; /* the highest ticket given: the requests counted so far */
	bool closed[CORE_MAX_SEGMENTS];
	uint32_t requested[CORE_MAX_SEGMENTS][CORE_LANG_COUNT];
	uint32_t taken[CORE_MAX_SEGMENTS][CORE_LANG_COUNT];
} core_speakers;

/* AG-2: the agenda clock. Times are the server's clock in ms since the epoch. */
typedef enum core_clock_state {
	CORE_CLOCK_IDLE,
	CORE_CLOCK_RUNNING,
	CORE_CLOCK_PAUSED,
	CORE_CLOCK_STATE_COUNT
} core_clock_state;

/* AG-6: one segment's actual time. */
typedef struct core_timing {
	int64_t started_at;  /* when it first ran, 0 before */
	int64_t elapsed_ms;  /* run time, not counting the running stretch of the current segment */
	int64_t allotted_ms; /* planned duration plus extensions */
	bool auto_closed;    /* the clock has closed it for questions (once per end time) */
} core_timing;

/* POLL-1: anonymous polls. A poll's question and options are written in up to four languages
 * (empty: fall back to the floor language's); answers are kept by pseudonym only while the poll
 * is open, so that a participant may change theirs, and collapse to totals when it closes. */
#define CORE_POLL_TEXT_MAX_CP 300
#define CORE_POLL_OPTION_MAX_CP 100
#define CORE_POLL_MAX_OPTIONS 10
#define CORE_POLL_WORD_MAX_CP 30
#define CORE_POLL_MAX_WORDS 3   /* words in one word-cloud answer */
#define CORE_POLL_MAX_CLOUD 200 /* distinct words one cloud counts; later new words are not counted */
#define CORE_POLL_SCALE_MAX 5
#define CORE_MAX_POLLS 100
#define CORE_POLL_NO_SEGMENT 0xFFFFu

typedef enum core_poll_kind {
	CORE_POLL_SINGLE,
	CORE_POLL_MULTIPLE,
	CORE_POLL_SCALE, /* 1..CORE_POLL_SCALE_MAX */
	CORE_POLL_WORDS, /* a short-word cloud */
	CORE_POLL_KIND_COUNT
} core_poll_kind;

typedef enum core_poll_state {
	CORE_POLL_DRAFT,
	CORE_POLL_OPEN,
	CORE_POLL_CLOSED,
	CORE_POLL_STATE_COUNT
} core_poll_state;

/* What a co-chair writes: the question and options, by language. */
typedef struct core_poll_def {
	core_poll_kind kind;
	uint16_t segment; /* opens and closes with this agenda segment; CORE_POLL_NO_SEGMENT: by hand */
	char text[CORE_LANG_COUNT][CORE_POLL_TEXT_MAX_CP * 4 + 1];
	int noptions;
	char options[CORE_POLL_MAX_OPTIONS][CORE_LANG_COUNT][CORE_POLL_OPTION_MAX_CP * 4 + 1];
} core_poll_def;

/* One answer: the options chosen (a bit each), the scale's value, or up to three words. */
typedef struct core_poll_answer {
	uint16_t choices;
	uint8_t value;
	int nwords;
	char words[CORE_POLL_MAX_WORDS][CORE_POLL_WORD_MAX_CP * 4 + 1];
} core_poll_answer;

typedef struct core_poll_word {
	char word[CORE_POLL_WORD_MAX_CP * 4 + 1];
	uint32_t count;
} core_poll_word;

typedef struct core_poll {
	uint32_t id; /* ordinal from 1, "Poll 3" */
	core_poll_def def;
	core_poll_state state;
	bool shown; /* the co-chairs show its results to the room */
	/* Totals, kept as answers come and go: respondents, each option's (or scale value's) count,
	 * and the cloud's words. The only record of a poll that outlives its close. */
	uint32_t respondents;
	uint32_t counts[CORE_POLL_MAX_OPTIONS];
	core_poll_word *words; /* owned */
	uint32_t nwords;
} core_poll;

/* A participant's answer to an open poll, by pseudonym: wiped when the poll closes. */
typedef struct core_poll_slot {
	uint32_t poll; /* 0: empty */
	core_pseud who;
	core_poll_answer answer;
} core_poll_slot;

typedef struct core_state {
	core_agenda agenda; /* segments[].questions_open is live state */
	core_clock_state clock;
	int64_t clock_started_at; /* when the current running stretch began; 0 unless running */
	core_timing timing[CORE_MAX_SEGMENTS];
	uint64_t seq;             /* the last event applied; 0 before any */
	uint16_t current_segment; /* index into agenda.segments */
	uint32_t answering;       /* the question being answered now, 0 for none */
	core_lang floor_now;      /* LC-3: the language spoken on the floor now */
	uint32_t next_up;         /* LC-5: the live question the co-chairs selected next, 0 for none */
	core_question *questions; /* questions[i].id == i + 1 */
	uint32_t nquestions, qcap;
	core_vote_slot *votes;
	uint32_t vcap, vused;
	core_live_slot *live;
	uint32_t lcap, lused;
	/* LC-4: each booth's signal window, in memory only like everything about signals. */
	int64_t signal_window_start[CORE_LANG_COUNT];
	uint16_t signal_count[CORE_LANG_COUNT];
	/* LC-6: connections' language choices and the distinct participants listening in each
	 * language, in memory only: never stored, never exported, never shown to participants. */
	core_session_slot *sessions;
	uint32_t scap, sused;
	uint32_t listeners[CORE_LANG_COUNT];
	/* LC-6: the lowest count of the band the co-chairs see per language (core_band_floor), and
	 * since when (server ms) the count has been below it, 0 when it is not. */
	uint32_t shown_floor[CORE_LANG_COUNT];
	int64_t below_since[CORE_LANG_COUNT];
	/* CHR-2: who accepted the Rule (stored until sealed). */
	core_accept_slot *accepted;
	uint32_t acap, aused;
	/* CHR-5: sealed consultations are read-only; `participants` is how many accepted the
	 * Rule, counted when sealed (the only trace of them left). */
	bool sealed;
	uint32_t participants;
	/* CHR-6: the organiser's deny-list, borrowed (its owner outlives the state), memory only. */
	const core_denylist *deny;
	/* EX-1: the rapporteurs' workspace. */
	core_note notes[CORE_MAX_SEGMENTS];
	core_paraphrase *paras; /* paras[i].id == i + 1 */
	uint32_t nparas, paracap;
	/* The co-chairs' pauses of the open link and of incoming questions: paused while now is
	 * before it (CORE_PAUSED_UNTIL_RESUMED: until resumed), 0 when not paused. Stored. */
	int64_t link_paused_until, queue_paused_until;
	/* New device keys per network (memory only). */
	core_network_slot networks[CORE_NETWORK_SLOTS];
	/* EX-7: the rapporteurs marked the report final: after the seal their workspace stays open
	 * until then, and nothing changes afterwards. Stored. */
	bool final;
	/* POLL-1: polls (polls[i].id == i + 1) and the answers to open ones. */
	core_poll *polls;
	uint32_t npolls, pollcap;
	core_poll_slot *poll_answers;
	uint32_t nanswers, answercap;
	/* FLOOR-1: the list of speakers (memory only, but for its counts). */
	core_speakers speakers;
	/* CHR-3: credentials re-issued after a lost device (each could vote again): a count, kept
	 * after the seal, for the co-chairs and the report. Stored. */
	uint32_t reissued;
} core_state;

typedef enum core_cmd_kind {
	CORE_CMD_QUESTION_POST,
	CORE_CMD_QUESTION_APPROVE,
	CORE_CMD_QUESTION_REJECT,
	CORE_CMD_QUESTION_VOTE,
	CORE_CMD_QUESTION_UNVOTE,
	CORE_CMD_QUESTION_WITHDRAW,
	CORE_CMD_QUESTION_EDIT,
	CORE_CMD_QUESTION_MERGE,
	CORE_CMD_QUESTION_PIN,
	CORE_CMD_QUESTION_UNPIN,
	CORE_CMD_QUESTION_ANSWER_NOW,
	CORE_CMD_QUESTION_ANSWER,
	CORE_CMD_QUESTION_REOPEN,
	CORE_CMD_QUESTION_MOVE,
	CORE_CMD_SEGMENT_OPEN,
	CORE_CMD_SEGMENT_CLOSE,
	CORE_CMD_AGENDA_GOTO,
	CORE_CMD_CLOCK_START,
	CORE_CMD_CLOCK_PAUSE,
	CORE_CMD_CLOCK_RESUME,
	CORE_CMD_CLOCK_ADJUST,
	CORE_CMD_CLOCK_DUE,         /* system: whatever the clock makes due now (AG-4) */
	CORE_CMD_FLOOR_SET,         /* LC-3: the floor now speaks `lang` */
	CORE_CMD_SIGNAL,            /* LC-4: a booth signals the co-chairs */
	CORE_CMD_QUESTION_NEXT,     /* LC-5: select the next question (0: none) for the booths */
	CORE_CMD_LISTEN,            /* LC-6: a participant's connection listens in `lang` (or none) */
	CORE_CMD_LEAVE,             /* system: a connection closed; its language choice ends */
	CORE_CMD_RULE_ACCEPT,       /* CHR-2: a participant accepts the Chatham House Rule */
	CORE_CMD_SEAL,              /* CHR-5: a co-chair or the organiser seals the consultation */
	CORE_CMD_NOTE_SET,          /* EX-1: a rapporteur writes a segment's note */
	CORE_CMD_QUESTION_TAG,      /* EX-1: a rapporteur sets a question's theme ("" clears) */
	CORE_CMD_REPORT_INCLUDE,    /* EX-1: a rapporteur puts a question in the report, or takes it out */
	CORE_CMD_PARAPHRASE_SAVE,   /* EX-1: a rapporteur writes (paraphrase 0) or rewrites one */
	CORE_CMD_PARAPHRASE_DELETE, /* EX-1: a rapporteur deletes one */
	CORE_CMD_REPORT_EXPORT,     /* EX-2: read-only: who may download the report (never decided) */
	CORE_CMD_BOOTH_ACKNOWLEDGE, /* LC-4: a co-chair tells booth `lang` its `signal` was seen */
	CORE_CMD_QUESTION_UNMERGE,  /* QA-4: a co-chair undoes the merge of `question` */
	CORE_CMD_LINK_PAUSE,        /* AB-3: no new participant joins by the open link (`minutes`, 0: until resumed) */
	CORE_CMD_LINK_RESUME,       /* AB-3: the open link takes new participants again */
	CORE_CMD_QUEUE_PAUSE,       /* AB-3: no question is posted (`minutes`, 0: until resumed) */
	CORE_CMD_QUEUE_RESUME,      /* AB-3: questions are posted again */
	CORE_CMD_QUESTION_REJECT_ALL, /* AB-4: rejects every pending question, or those `ids` name */
	CORE_CMD_JOIN,                /* AB-2: a participant's connection arrives (the hub, at auth) */
	CORE_CMD_REPORT_FINALISE,     /* EX-7: a rapporteur marks the report final, after the seal */
	CORE_CMD_POLL_CREATE,         /* POLL-1: a co-chair prepares a poll (`poll_def`) */
	CORE_CMD_POLL_OPEN,           /* POLL-1: opens `poll` for answers */
	CORE_CMD_POLL_CLOSE,          /* POLL-1: closes it: its answers collapse to totals */
	CORE_CMD_POLL_SHOW,           /* POLL-1: shows its results to the room (`included`), or hides them */
	CORE_CMD_POLL_ANSWER,         /* POLL-1: a participant answers `poll` (`poll_answer`), or changes it */
	/* FLOOR-1: the list of speakers */
	CORE_CMD_SPEAKER_REQUEST,  /* a participant asks for the floor in `lang` (`segment`: topic) */
	CORE_CMD_SPEAKER_WITHDRAW, /* a participant takes back their request, or ends their turn */
	CORE_CMD_SPEAKER_CALL,     /* a co-chair calls `ticket` (0: the first waiting) */
	CORE_CMD_SPEAKER_SKIP,     /* a co-chair takes `ticket` off the list, or ends its turn */
	CORE_CMD_SPEAKERS_CLOSE,   /* a co-chair closes the current segment's list to requests */
	CORE_CMD_SPEAKERS_OPEN,    /* and reopens it */
	CORE_CMD_COUNT
} core_cmd_kind;

/* A command's fields, by what uses them; a kind reads only its own and the rest stay zero. */
typedef struct core_command {
	core_cmd_kind kind;
	/* Questions: the one acted on (0 with answer_now and question.next: none); a merge's target. */
	uint32_t question;
	uint32_t into;
	/* The agenda and the clock: question.move, segment.open/close, agenda.goto, note.set and
	 * paraphrase.save name a segment; clock.adjust adds minutes (negative: fewer). */
	uint16_t segment;
	int minutes;
	/* Languages: question.post, floor.set, listen (CORE_LANG_NONE: none); booth.signal. */
	core_lang lang;
	core_signal signal;
	/* Text of question.post, question.edit, note.set and paraphrase.save: borrowed, need not be
	 * NUL-terminated. CHR-6: placeholders stand in for identifying detail rather than refuse. */
	const char *text;
	size_t text_len;
	bool placeholders;
	/* The rapporteurs' workspace (EX-1): report.include and paraphrase.save (included), note.set
	 * (the version the edit started from), paraphrase.save (0: a new one) and .delete, and the
	 * theme of question.tag and paraphrase.save (borrowed). */
	bool included;
	uint32_t version;
	uint32_t paraphrase;
	const char *theme;
	size_t theme_len;
	/* QA-6: question.move of several questions, AB-4: question.reject_all of those named
	 * (borrowed, 1..CORE_MAX_MOVE ids); 0 when the command names one `question` (reject_all:
	 * every pending one). */
	const uint32_t *questions;
	uint32_t nquestions;
	/* QA-4, two co-chairs: approve, reject and edit may say the state the sender saw (`from`)
	 * and an edit the question's version it started from (`version`); a question changed since
	 * is refused with question.conflict. Without them, today's rules alone apply. */
	bool has_from, has_version;
	core_qstate from;
	/* POLL-1: the poll acted on, a new poll's definition and an answer (borrowed). */
	uint32_t poll;
	const core_poll_def *poll_def;
	const core_poll_answer *poll_answer;
	/* FLOOR-1: the ticket of speaker.call and speaker.skip; speaker.request's topic (`segment`). */
	uint32_t ticket;
	bool has_topic;
} core_command;

/* Who issues a command. Participants carry their pseudonym; other roles none. */
typedef struct core_actor {
	core_role role;
	bool has_pseud;
	core_pseud pseud;
	core_lang channel; /* a booth: the language it interprets into */
	uint64_t session;  /* the connection, numbered by the hub; 0 for none (LC-6) */
	/* A participant by the open link (a device key) rather than a personal invitation, and the
	 * transport's opaque key of the network the connection came from (memory only). */
	bool open_link;
	uint8_t network[CORE_NETWORK_KEY_LEN];
} core_actor;

/* FLOOR-1: what a CORE_EV_SPEAKERS does to the list of speakers. */
typedef enum core_speaker_op {
	CORE_SPEAKER_REQUESTED,
	CORE_SPEAKER_WITHDRAWN,
	CORE_SPEAKER_CALLED,
	CORE_SPEAKER_SKIPPED,
	CORE_SPEAKERS_CLOSED,
	CORE_SPEAKERS_OPENED
} core_speaker_op;

typedef enum core_event_kind {
	CORE_EV_QUESTION_POSTED,
	CORE_EV_QUESTION_APPROVED,
	CORE_EV_QUESTION_REJECTED,
	CORE_EV_VOTE_ADDED,
	CORE_EV_VOTE_REMOVED,
	CORE_EV_QUESTION_WITHDRAWN,
	CORE_EV_QUESTION_EDITED,
	CORE_EV_QUESTION_MERGED,
	CORE_EV_QUESTION_PINNED,
	CORE_EV_QUESTION_UNPINNED,
	CORE_EV_QUESTION_ANSWERED,
	CORE_EV_QUESTION_REOPENED,
	CORE_EV_QUESTION_MOVED,
	CORE_EV_ANSWERING,
	CORE_EV_SEGMENT_OPENED,
	CORE_EV_SEGMENT_CLOSED,
	CORE_EV_AGENDA_CURRENT,
	CORE_EV_CLOCK,
	CORE_EV_FLOOR,         /* LC-3: `lang` is the floor language now */
	CORE_EV_SIGNAL,        /* LC-4: booth `lang` signals `signal`; ephemeral (see core_event_ephemeral) */
	CORE_EV_NEXT,          /* LC-5: `question` is selected next (0: none) */
	CORE_EV_PRESENCE,      /* LC-6: connection `session` of `author` listens in `lang`, was
	                          `prev_lang` (either CORE_LANG_NONE); ephemeral */
	CORE_EV_RULE_ACCEPTED, /* CHR-2: `author` accepted the Rule */
	CORE_EV_SEALED,        /* CHR-5: sealed, with `participants` */
	CORE_EV_NOTE,          /* EX-1: `segment`'s note is `text`, at `version` */
	CORE_EV_TAGGED,        /* EX-1: `question`'s theme is `theme` */
	CORE_EV_REPORTED,      /* EX-1: `question` is `included` in the report or not */
	CORE_EV_PARAPHRASE,    /* EX-1: paraphrase `paraphrase` is as given, or `deleted` */
	/* QA-6: questions `ids` moved to `segment` */
	CORE_EV_QUESTIONS_MOVED,
	CORE_EV_BOOTH_ACK,         /* LC-4: the co-chairs have seen booth `lang`'s `signal`; ephemeral */
	CORE_EV_QUESTION_UNMERGED, /* QA-4: `question` is `state` again, `into` gives back its votes */
	CORE_EV_GUARD,             /* AB-3: the open link and the queue are paused until `link_until`, `queue_until` */
	CORE_EV_JOINED,            /* AB-2: a new device key from `network`, `count` in its window; ephemeral,
	                              told to the co-chairs (`notify`) when the count reaches the cap */
	CORE_EV_FINALISED,         /* EX-7: the rapporteurs marked the report final */
	CORE_EV_POLL_CREATED,      /* POLL-1: poll `poll` is `poll_def` (borrowed), a draft */
	CORE_EV_POLL_STATE,        /* POLL-1: poll `poll` is now `poll_state`, its results `included` (shown) */
	CORE_EV_POLL_ANSWERED,     /* POLL-1: `author` answers `poll` with `poll_answer` (borrowed) */
	CORE_EV_SPEAKERS,          /* FLOOR-1: `speaker_op` on `ticket` (lang, topic, author; at_ms) */
	CORE_EV_COUNT
} core_event_kind;

/* An event's fields, by the kinds that carry them; the rest stay zero. */
typedef struct core_event {
	core_event_kind kind;
	uint64_t seq; /* 0 for an ephemeral event */
	/* Question events: the question (for ANSWERING and NEXT the new one, 0: none) and its state
	 * before, which decides who hears of it. */
	uint32_t question;
	core_qstate prev_state;
	/* POSTED: the new question (edited, pinned, into, votes, theme and included only when the
	 * store replays a row); EDITED: its new text (borrowed). */
	uint16_t segment; /* also MOVED (the new segment), the segment and agenda events, NOTE, PARAPHRASE */
	core_lang lang;   /* also FLOOR, SIGNAL (the booth), PRESENCE (the language now) */
	core_qstate state;
	bool edited, pinned;
	core_pseud author; /* also RULE_ACCEPTED and PRESENCE: the participant */
	const char *text;  /* also NOTE and PARAPHRASE */
	uint32_t text_len;
	/* MERGED: the question kept. */
	uint32_t into;
	/* VOTE_ADDED, VOTE_REMOVED: the voter, the count after this event (MERGED: of `into`), and
	 * the server clock for the rate window (SIGNAL: its window), never stored (CHR-4). */
	core_pseud voter;
	uint32_t votes;
	int64_t at_ms;
	/* SIGNAL (LC-4): what the booth in `lang` signals. */
	core_signal signal;
	/* PRESENCE (LC-6): the connection, its previous language, and the audiences whose banded
	 * view of the listener counts changes (a mask as core_event_audiences returns). */
	uint64_t session;
	core_lang prev_lang;
	unsigned notify;
	/* SEGMENT_CLOSED: by the clock rather than a co-chair. */
	bool automatic;
	/* EX-1: NOTE (segment, text, version), TAGGED (theme), REPORTED (included), PARAPHRASE
	 * (paraphrase, segment, theme, text, included, deleted). */
	uint32_t version;
	uint32_t paraphrase;
	const char *theme; /* borrowed */
	uint32_t theme_len;
	bool included, deleted;
	/* SEALED (CHR-5): how many accepted the Rule. */
	uint32_t participants;
	/* CLOCK: the clock's new state and the timing of the segments it changed (one, or two when
	 * the current segment changes while the clock runs). */
	core_clock_state clock;
	int64_t clock_started_at;
	int ntiming;
	uint16_t timing_segment[2];
	core_timing timing[2];
	/* QA-6: AGENDA_CURRENT (the questions carried over from segment `from`) and
	 * QUESTIONS_MOVED: the questions that move to `segment`, in id order (borrowed). */
	const uint32_t *ids;
	uint32_t nids;
	uint16_t from;
	/* GUARD: the pauses after it. JOINED: the network and its count of new device keys. VOTE_*:
	 * cast from the open link. */
	int64_t link_until, queue_until;
	uint8_t network[CORE_NETWORK_KEY_LEN];
	uint32_t count;
	bool open_link;
	/* SPEAKERS (FLOOR-1): what changed the list; its ticket, language (`lang`), topic and
	 * participant (`author`), the segment it is counted in (`segment`) and, for a call, `at_ms`. */
	int16_t topic;
	core_speaker_op speaker_op;
	uint32_t ticket;
	/* POLL-1: the poll, its definition when created, its state, an answer. */
	uint32_t poll;
	core_poll_state poll_state;
	const core_poll_def *poll_def;
	const core_poll_answer *poll_answer;
} core_event;

/* What an error needs to explain itself (protocol error params); -1 or 0 when absent. */
typedef struct core_err_params {
	int state;         /* the question's state, as core_qstate */
	int clock_state;   /* the clock's state, as core_clock_state */
	uint32_t question; /* which question the state belongs to, when the command names two */
	uint32_t into;     /* a merged question's target */
	int segment;
	int max;
	int seconds;
	int64_t version; /* note.conflict: the note's version now */
	/* text.identifying: what the scrubber found, as byte spans of `text` (the cleaned text,
	 * borrowed from the decision) */
	const char *text;
	int nfinds;
	core_find finds[CORE_SCRUB_MAX_FINDS];
	/* auth.work_required: the leading zero bits a new device key's proof needs, and the
	 * consultation it is for (borrowed); 0 and NULL otherwise. */
	int bits;
	const char *consultation;
} core_err_params;

/* No params at all. */
#define CORE_ERR_PARAMS_NONE ((core_err_params){.state = -1, .clock_state = -1, .segment = -1, .version = -1})

/* The output of core_decide: events whose text lives in the decision itself. An accepted
 * command may produce no event when it asks for what already is (pin a pinned question). */
typedef struct core_decision {
	core_event events[CORE_MAX_EVENTS];
	int nevents;
	core_err_params err; /* filled when core_decide refuses */
	char text[CORE_NOTE_MAX_BYTES + 1];
	char scratch[CORE_NOTE_MAX_BYTES + 1]; /* text with placeholders, before it replaces text */
	char theme[CORE_THEME_MAX_BYTES + 1];
	uint32_t ids[CORE_MAX_MOVE];  /* QA-6: the questions its one move event names */
	core_poll_def poll_def;       /* POLL-1: a new poll's definition, cleaned */
	core_poll_answer poll_answer; /* POLL-1: an answer, cleaned */
} core_decision;

/* --- state ------------------------------------------------------------------------------- */

/* Initialises st for a consultation with this agenda and no questions. */
void core_state_init(core_state *st, const core_agenda *agenda);
/* Frees what st owns; st may be initialised again. */
void core_state_free(core_state *st);

/* The question with this id, or NULL. Borrowed: valid until the next evolve. */
const core_question *core_question_get(const core_state *st, uint32_t id);
/* Whether voter has upvoted question. */
bool core_has_voted(const core_state *st, uint32_t question, const core_pseud *voter);
/* Whether lang is the floor or one of the channels. */
bool core_language_offered(const core_agenda *agenda, core_lang lang);

/* --- roles ------------------------------------------------------------------------------- */

bool core_role_may(core_role role, core_cmd_kind cmd);
core_audience core_role_audience(core_role role);
/* Whether a question in this state is shown to this audience (AUTHOR: always). */
bool core_visible(core_audience aud, core_qstate state);
/* The audiences an event is delivered to, as a bit mask of (1 << core_audience), given the
 * state right after it was applied. A question event reaches the public when the question was
 * or is visible to it, and otherwise its author. */
unsigned core_event_audiences(const core_state *st, const core_event *ev);
/* Whether an event is ephemeral: delivered at once, never stored, numbered 0 (it takes no
 * place in the consultation's seq), like booth signals (LC-4). */
bool core_event_ephemeral(const core_event *ev);
/* AG-4: when the clock will next need to act (close the current segment for questions), in
 * server ms, or 0 when nothing is due. A CORE_CMD_CLOCK_DUE decided at or after it acts. */
int64_t core_clock_due_ms(const core_state *st);
/* Remaining time of the current segment at now_ms; negative in overrun. */
int64_t core_clock_remaining_ms(const core_state *st, int64_t now_ms);
const char *core_clock_state_name(core_clock_state s); /* "running" */
int core_clock_state_parse(const char *s);

/* LC-6: the band of a listener count as co-chairs (CORE_BAND_NONE, _FEW, _EXACT) or booths
 * (CORE_BAND_NONE, _PRESENT) see it. */
core_band core_band_for(core_audience aud, uint32_t listeners);
/* LC-6: the lowest count of the co-chairs' band that `listeners` falls in (0, 1, 5, 10, 20, 50,
 * 100), and the highest of the band that starts at `floor` (0: no upper end). */
uint32_t core_band_floor(uint32_t listeners);
uint32_t core_band_ceiling(uint32_t floor);
/* LC-6: when a co-chairs' band next goes down by itself (server ms), 0 for never. */
int64_t core_band_due_ms(const core_state *st);
const char *core_band_name(core_band b); /* "few" */
/* Moves what lives in memory only (vote windows, signal windows, listeners) from src to dst,
 * for a state reloaded from the store; src keeps none of it. */
void core_state_move_live(core_state *dst, core_state *src);

/* QA-4: puts back a parked vote of a merged question (CORE_PARKED_*), for a state reloaded
 * from the store; -1 when out of memory or the question is not merged. */
int core_vote_park(core_state *st, uint32_t question, const core_pseud *voter, bool gained);

/* CHR-2: whether this participant accepted the Rule. */
bool core_rule_accepted(const core_state *st, const core_pseud *who);
/* A paraphrase by id, NULL when there is none or it was deleted. */
const core_paraphrase *core_paraphrase_get(const core_state *st, uint32_t id);

/* Pending or approved questions by this participant (QA-7). */
uint32_t core_open_questions(const core_state *st, const core_pseud *who);

/* --- abuse from the open link (guard.c) ---------------------------------------------------- */

/* Whether a pause that lasts until `until` (0: none) holds at now_ms. */
bool core_paused(int64_t until, int64_t now_ms);
/* Seconds left of a pause at now_ms, at least 1; -1 when it lasts until resumed. */
int core_pause_seconds(int64_t until, int64_t now_ms);
/* Questions awaiting moderation in the whole consultation. */
uint32_t core_pending_questions(const core_state *st);
/* The pending questions cap in force (the agenda's, or CORE_DEFAULT_MAX_PENDING). */
uint32_t core_max_pending(const core_agenda *a);
/* AB-4: the questions a question.reject_all rejects, at most `max` of them, into ids; their
 * count. Those named but no longer pending are left out. */
uint32_t core_reject_targets(const core_state *st, const core_command *cmd, uint32_t *ids, uint32_t max);
/* Votes cast from the open link (since loaded), over every question. */
uint32_t core_open_votes_total(const core_state *st);
/* Whether `bits` leading bits of hash (32 bytes, SHA-256) are zero: a new device key's proof. */
bool core_work_ok(const uint8_t hash[32], int bits);

/* --- decide and evolve ------------------------------------------------------------------- */

/* Turns a command into events without changing st. Checks the role first (auth.forbidden),
 * then the rules. On RT_OK, out holds 1..CORE_MAX_EVENTS events numbered from st->seq + 1.
 * On error, out->nevents is 0. `now_ms` is the server's clock, for the rules that need it. */
rt_err core_decide(const core_state *st, const core_actor *actor, const core_command *cmd, int64_t now_ms,
                   core_decision *out);

/* Applies one event. Cannot fail on an event core_decide produced for this state, except for
 * running out of memory, which returns -1 and leaves st unchanged. Returns 0 otherwise. */
int core_evolve(core_state *st, const core_event *ev);

/* --- names ---------------------------------------------------------------------- */

const char *core_lang_name(core_lang lang);      /* "en" */
const char *core_role_name(core_role role);      /* "cochair" */
const char *core_qstate_name(core_qstate state); /* "pending" */
const char *core_segment_kind_name(core_segment_kind kind);
const char *core_signal_name(core_signal s); /* "no_floor_audio" */
int core_signal_parse(const char *s);
/* Reverse look-ups; return -1 for an unknown name. */
int core_lang_parse(const char *s);
int core_role_parse(const char *s);
int core_qstate_parse(const char *s);
int core_segment_kind_parse(const char *s);

/* --- agenda texts in several languages (AG-1, LC-2) ---------------------------------------- */

/* A text of the agenda in language `lang`: its text in that language where the agenda gives
 * one, the floor language's otherwise. CORE_LANG_NONE: the floor language's. */
const char *core_agenda_title(const core_agenda *a, core_lang lang);
const char *core_segment_title(const core_segment *seg, core_lang lang);
const char *core_listening_note(const core_listening *li, core_lang lang);
/* --- the list of speakers (speakers.c, FLOOR-1) --------------------------------------------- */

/* The ticket of this participant, waiting or called; 0 for none. */
uint32_t core_speaker_ticket(const core_state *st, const core_pseud *who);
/* Whether the current segment's list takes requests. */
bool core_speakers_open(const core_state *st);

/* --- the seal ---------------------------------------------------------------------------- */

/* CHR-5: whether the seal deletes this question's text because it was never public: pending,
 * rejected, withdrawn, or merged away from one of these states. */
bool core_question_unpublished(const core_question *q);

/* EX-7: whether a command is the rapporteurs' own work on the report (notes, themes, report
 * marks, summaries, finalising), which a sealed consultation still takes until it is final. */
bool core_workspace_command(core_cmd_kind kind);
/* --- polls (POLL-1, poll.c) ------------------------------------------------------------- */

/* The poll with this id, or NULL. Borrowed: valid until the next evolve. */
const core_poll *core_poll_get(const core_state *st, uint32_t id);
/* This participant's answer to an open poll, or NULL. */
const core_poll_answer *core_poll_answer_of(const core_state *st, uint32_t poll, const core_pseud *who);
/* Puts back an answer of an open poll, for a state reloaded from the store; -1 when out of
 * memory or the poll is not open. */
int core_poll_restore_answer(core_state *st, uint32_t poll, const core_pseud *who, const core_poll_answer *a);
/* Puts back a closed poll's totals (respondents, counts, cloud words), for a reloaded state. */
int core_poll_restore_totals(core_state *st, uint32_t poll, uint32_t respondents, const uint32_t *counts,
                             const core_poll_word *words, uint32_t nwords);
const char *core_poll_kind_name(core_poll_kind k);   /* "single" */
const char *core_poll_state_name(core_poll_state s); /* "open" */
int core_poll_kind_parse(const char *s);
int core_poll_state_parse(const char *s);
/* The text of a poll's question (option -1) or option in lang, or the floor language's. */
const char *core_poll_text(const core_state *st, const core_poll *p, int option, core_lang lang);
/* How many values a poll's result table has: its options, the scale's points, its words. */
uint32_t core_poll_cells(const core_poll *p);

#endif
