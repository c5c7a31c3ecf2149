/* wire.h — the JSON codec of protocol v1 (protocol/README.md): strict decoding of what clients
 * send, encoding of what the server sends, and the agenda file. The only layer that knows JSON.
 * It decides nothing: rules live in server/core. */
#ifndef RT_WIRE_H
#define RT_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "rt_err.h"

/* Subprotocol name, with its version. */
#define WIRE_SUBPROTOCOL "roundtable.v1"
/* PL-6: the largest message accepted; a bigger one closes its connection with 1009. */
#define WIRE_MAX_MESSAGE 65536
/* Command ids: 1..64 characters of [A-Za-z0-9._:-]. */
#define WIRE_ID_MAX 64
/* question.post text as sent, before the core cleans it, in code points. */
#define WIRE_TEXT_MAX_CP 2000
#define WIRE_TOKEN_CHARS 22
/* PL-4: the largest seq a client may resume from: 2^53 - 1, the largest integer a JavaScript
 * number holds exactly. */
#define WIRE_SEQ_MAX 9007199254740991LL

/* CHR-3: an invitation's credential, the 64-byte prepared message of RFC 9474, and the largest
 * RSA value (a 4096-bit modulus) a client sends or is sent. */
#define WIRE_CREDENTIAL_BYTES 64
#define WIRE_RSA_MAX_BYTES 512

/* --- outgoing buffers -------------------------------------------------------------------- */

/* An encoded message, shared by every connection it is queued on. `headroom` bytes precede
 * the payload so the transport can write its frame header in place (LWS_PRE). */
typedef struct wire_buf {
	unsigned refs;
	size_t headroom;
	size_t len; /* payload bytes */
	unsigned char data[];
} wire_buf;

/* The payload, after the headroom. */
static inline unsigned char *wire_buf_payload(wire_buf *b)
{
	return b->data + b->headroom;
}
/* A new buffer with one reference holding a copy of len bytes of payload; NULL when out of
 * memory. */
wire_buf *wire_buf_new(const void *payload, size_t len, size_t headroom);
/* Takes one more reference; returns b. */
wire_buf *wire_buf_ref(wire_buf *b);
/* Drops one reference; frees b with the last one. NULL is ignored. */
void wire_buf_unref(wire_buf *b);

/* --- decoding client messages ------------------------------------------------------------ */

/* auth; a command (decided by the core); clock.sync (answered at once, changes nothing);
 * report.export (answered at once with the document, changes nothing). */
typedef enum wire_msg_kind {
	WIRE_MSG_AUTH,
	WIRE_MSG_COMMAND,
	WIRE_MSG_SYNC,
	WIRE_MSG_EXPORT,
	/* CHR-3: an invitation's credential (RFC 9474), answered at once by the hub */
	WIRE_MSG_CREDENTIAL_DRAW,
	WIRE_MSG_CREDENTIAL_REISSUE,
	WIRE_MSG_CREDENTIAL_ALLOW,
} wire_msg_kind;

typedef struct wire_message {
	wire_msg_kind kind;
	/* Command id; empty when absent or unreadable (then errors go out with "id": null). */
	char id[WIRE_ID_MAX + 1];
	/* auth */
	char token[WIRE_TOKEN_CHARS + 1];
	bool has_device;
	char device[WIRE_TOKEN_CHARS + 1];
	/* PL-4: resume after the event with this seq */
	bool has_since;
	uint64_t since;
	/* AB-6: the proof of work of a new device key: its decimal nonce */
	bool has_work;
	char work[17];
	/* CHR-3: auth's credential (the RFC 9474 prepared message) and its signature; or
	 * credential.draw's blinded message in rsa[0..rsa_len) */
	bool has_credential;
	uint8_t credential[WIRE_CREDENTIAL_BYTES];
	uint8_t rsa[WIRE_RSA_MAX_BYTES];
	size_t rsa_len;
	/* report.export: the format and language asked for (cmd.lang; CORE_LANG_NONE: the
	 * consultation's floor) */
	int format;
	/* command; cmd.text points into `text`, cmd.theme into `theme` */
	core_command cmd;
	char theme[CORE_THEME_MAX_BYTES + 1];
	char text[WIRE_TEXT_MAX_CP * 4 + 1];
	/* on error: the field at fault, for params.field */
	char field[32];
	/* QA-6: question.move's questions; cmd.questions points here (only its first
	 * cmd.nquestions are set) */
	uint32_t questions[CORE_MAX_MOVE];
	/* POLL-1: poll.create's definition and poll.answer's answer; cmd.poll_def and
	 * cmd.poll_answer point here (set only for those commands) */
	core_poll_def poll_def;
	core_poll_answer poll_answer;
} wire_message;

/* Decodes and validates one client frame. On RT_OK, *out is filled. On error, out->id holds the
 * command id if one could be read, and out->field names the field at fault when there is one.
 * Never allocates past its return. */
rt_err wire_decode(const char *buf, size_t len, wire_message *out);

/* --- encoding server messages ------------------------------------------------------------ */
/* Each returns a new buffer with one reference, or NULL when out of memory. */

/* The snapshot for one connection: everything `role` may see, and for a participant (has_pseud)
 * the ids of its own questions and of those it upvoted. */
wire_buf *wire_encode_snapshot(const core_state *st, const core_actor *actor, size_t headroom);
/* PERF-1: a snapshot in two parts, so that a room encodes the large one once per role and seq:
 * the part every connection of `role` shares (the consultation, the questions, the limits; no
 * headroom), and one connection's snapshot made from it with its own "you" spliced in. Only for
 * an actor wire_snapshot_shareable allows (one with no questions of its own that its audience
 * does not see); the result is byte for byte wire_encode_snapshot's. */
bool wire_snapshot_shareable(const core_state *st, const core_actor *actor);
wire_buf *wire_encode_snapshot_shared(const core_state *st, core_role role);
wire_buf *wire_encode_snapshot_for(wire_buf *shared, const core_state *st, const core_actor *actor, size_t headroom);

/* One event for one audience, encoded against st as it is right after evolving the event. */
wire_buf *wire_encode_event(const core_state *st, const core_event *ev, core_audience aud, size_t headroom);

/* The ack of command `cmd` (st right after it): `seq` is its last event's, or the current one
 * when it produced none; `question` the question its result shows (0: none). */
wire_buf *wire_encode_ack(const core_state *st, const char *id, uint64_t seq, const core_command *cmd,
                          uint32_t question, const core_actor *actor, size_t headroom);

/* An error; id may be empty (sent as null); field, when not empty, goes into params.field, and
 * what p holds (may be NULL) into the other params. */
wire_buf *wire_encode_error(const char *id, rt_err err, const char *field, const core_err_params *p, size_t headroom);

/* clock.now: the server clock for the clock.sync with this id. */
wire_buf *wire_encode_clock_now(const char *id, int64_t now_ms, size_t headroom);

/* votes.changed (PERF-2): n questions' counts now, pairs[i] = {id, votes}; no seq. */
wire_buf *wire_encode_votes_changed(const uint32_t (*pairs)[2], int n, size_t headroom);

/* resumed: this connection resumes after `since`; the consultation is at `seq`. */
wire_buf *wire_encode_resumed(uint64_t since, uint64_t seq, size_t headroom);

/* report.document: the answer to report.export `id`; borrows content (len bytes). */
wire_buf *wire_encode_document(const char *id, const char *format, const char *filename, const char *media_type,
                               const char *content, size_t len, size_t headroom);

/* CHR-3: credential.key, the consultation's public key (modulus n, nlen bytes; exponent e) and
 * where the invitation stands ("draw", "drawn", "requested", "allowed"); id may be empty. */
wire_buf *wire_encode_credential_key(const char *id, const uint8_t *n, size_t nlen, uint32_t e, const char *state,
                                     size_t headroom);
/* CHR-3: credential.signed, the blind signature (len bytes) answering credential.draw `id`. */
wire_buf *wire_encode_credential_signed(const char *id, const uint8_t *sig, size_t len, size_t headroom);
/* CHR-3: credential.requests for co-chairs; id may be empty; allowed < 0 leaves it out. */
wire_buf *wire_encode_credential_requests(const char *id, int pending, int reissued, int allowed, size_t headroom);

/* --- the organiser's control socket (roundtable seal / denylist) ------------------------- */

/* One request per connection: a JSON object on one line. */
#define WIRE_CONTROL_MAX (4u * 1024 * 1024)
#define WIRE_DENYLIST_MAX 10000

/* seal, denylist, and links: "the consultation's links changed; cut off who lost theirs" */
typedef enum wire_control_op { WIRE_CONTROL_SEAL, WIRE_CONTROL_DENYLIST, WIRE_CONTROL_LINKS } wire_control_op;

typedef struct wire_control {
	wire_control_op op;
	char consultation[CORE_ID_MAX + 1];
	core_denylist *deny; /* DENYLIST: built from "names"; owned by the caller */
	char error[160];     /* why the request was refused */
} wire_control;

/* Decodes {"op": "seal" or "links", "consultation": ID} or {"op": "denylist", "consultation": ID,
 * "names": [...]}. 0, or -1 with out->error set (and nothing for the caller to free). */
int wire_decode_control(const char *buf, size_t len, wire_control *out);
/* The request line for `op` ("seal", or "denylist" with n names), malloc'd with a final
 * newline; NULL when out of memory. */
char *wire_encode_control_request(const char *op, const char *id, const char *const *names, size_t n);
/* The reply line: {"ok": true, ...} or {"ok": false, "error": code, "message": ...}, malloc'd
 * with a final newline. `count` (when not -1): the deny-list's size, or the connections cut off. */
char *wire_encode_control_reply(rt_err err, const char *message, long count);
/* A reply as the command line reads it. */
typedef struct wire_control_reply {
	bool ok;
	long count;        /* -1 when the reply has none */
	char error[48];    /* rt_err_code() of the refusal, "" when ok */
	char message[160]; /* the server's detail, "" when none */
} wire_control_reply;
/* Reads such a reply into *out. 0, or -1 (and out->ok false) when buf is not a reply. */
int wire_decode_control_reply(const char *buf, size_t len, wire_control_reply *out);

/* --- role links, for organisers' scripts (`roundtable new --json`) ------------------------ */

typedef struct wire_link {
	core_role role;
	bool personal;     /* a personal invitation rather than the open participant link */
	const char *label; /* the booth's language, or "invitation N" */
	const char *url;
} wire_link;

/* {"consultation": id, "title": ..., "links": {"participant": url, "invitations": [url...],
 * "cochair": url, "rapporteur": url, "booth": {"ar": url, ...}, "stage": url}} as a malloc'd,
 * NUL-terminated string (the caller frees it), or NULL when out of memory. */
char *wire_encode_links(const core_agenda *agenda, const wire_link *links, int n);

/* --- the agenda file (protocol/agenda.md) ------------------------------------------------ */

#define WIRE_AGENDA_MAX_ERRORS 32

typedef struct wire_agenda_errors {
	int n;
	char msg[WIRE_AGENDA_MAX_ERRORS][160]; /* "segments[2].duration: must be ..." */
} wire_agenda_errors;

/* Parses and validates an agenda file, reporting every error with its JSON path. Fills *out
 * (without an id) and returns 0, or returns -1 with errs->n >= 1. */
int wire_decode_agenda(const char *buf, size_t len, core_agenda *out, wire_agenda_errors *errs);

/* POLL-1: the polls an agenda file prepares (segments[].polls), each attached to its segment,
 * into out (at most max, in file order). Only their shape is checked here: the core checks the
 * rest when they are created. Returns how many, or -1 with errs->n >= 1. */
int wire_decode_agenda_polls(const char *buf, size_t len, core_poll_def *out, int max, wire_agenda_errors *errs);

/* --- the programme file (protocol/programme.md) ------------------------------------------ */

#define WIRE_PRIORITY_MAX 256
#define WIRE_MAX_GROUPS 16

typedef struct wire_programme {
	char title[CORE_TITLE_MAX_BYTES + 1];
	uint16_t attend_percent;              /* a session is attended at this share of its scheduled time */
	uint16_t certificate;                 /* sessions attended for the certificate */
	int seats;                            /* invitations at most; -1: no cap */
	char priority[WIRE_PRIORITY_MAX + 1]; /* waiting list groups, first first, space-separated */
	int nsessions;
	core_agenda *sessions; /* owned: nsessions agendas (without ids), in programme order */
	char **texts;          /* owned: each session's agenda text (defaults and its own fields) */
} wire_programme;

/* Parses and validates a programme file: its own fields, then each session as an agenda made of
 * the file's session_defaults and the session's own fields (errors carry "sessions[i]."). Fills
 * *out and returns 0 (free it with wire_programme_free), or returns -1 with errs->n >= 1 and
 * nothing to free. */
int wire_decode_programme(const char *buf, size_t len, wire_programme *out, wire_agenda_errors *errs);
/* A single consultation's waiting list groups, from agenda text that wire_decode_agenda accepted:
 * space-separated, first first ("" when it lists none). 0, or -1 (and "") for invalid ones. */
int wire_agenda_priority(const char *buf, size_t len, char out[WIRE_PRIORITY_MAX + 1]);
void wire_programme_free(wire_programme *p);

/* --- the organiser's console (organiser.c; ORG-1) ------------------------------------------ */

/* A JSON value of an organiser frame or answer, for server/cli/console.c. Values got from an
 * object or array are borrowed; wire_json_set and wire_json_push take theirs. */
typedef struct wire_json wire_json;
/* The frame as a JSON object, or NULL when it is not one (free it with wire_json_free). */
wire_json *wire_json_parse(const char *buf, size_t len);
void wire_json_free(wire_json *v);
/* A member of an object (NULL when absent), and what a value is. */
wire_json *wire_json_get(const wire_json *o, const char *key);
const char *wire_json_str(const wire_json *v); /* NULL unless a string */
bool wire_json_is_int(const wire_json *v);
int64_t wire_json_int(const wire_json *v);
bool wire_json_is_null(const wire_json *v);
bool wire_json_is_object(const wire_json *v);
long wire_json_len(const wire_json *v); /* an array's length, -1 for anything else */
wire_json *wire_json_at(const wire_json *v, size_t i);
char *wire_json_dump(const wire_json *v); /* malloc'd compact JSON, NULL when out of memory */
/* New values (a NULL string is null). */
wire_json *wire_json_object(void);
wire_json *wire_json_array(void);
wire_json *wire_json_string(const char *s);
wire_json *wire_json_stringn(const char *s, size_t n);
wire_json *wire_json_integer(int64_t n);
wire_json *wire_json_bool(bool b);
wire_json *wire_json_null(void);
void wire_json_set(wire_json *o, const char *key, wire_json *v);
void wire_json_push(wire_json *a, wire_json *v);
/* The value as a frame (taken), or NULL when out of memory. */
wire_buf *wire_json_buf(wire_json *v, size_t headroom);

#endif
