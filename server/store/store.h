/* store.h — durable state in one SQLite file: schema migrations, consultations, role tokens,
 * and the append of core events in group-committed transactions. The only layer that knows
 * SQL. It stores what the core decided; it decides nothing.
 *
 * Runs on the service thread only; a store is not shared between threads. */
#ifndef RT_STORE_H
#define RT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attend.h"
#include "core.h"
#include "rt_err.h"

#define STORE_HASH_BYTES 32
#define STORE_SECRET_BYTES 32
#define STORE_LABEL_MAX CORE_LABEL_MAX
/* A programme's or consultation's waiting list groups, space-separated, in bytes. */
#define STORE_PRIORITY_MAX 256

typedef struct store store;

/* How a token identifies its holder. */
typedef enum store_token_kind {
	STORE_TOKEN_ROLE = 0,     /* co-chair, rapporteur, booth, stage: a role, not a person */
	STORE_TOKEN_OPEN = 1,     /* the open participant link: the browser's device key tells people apart */
	STORE_TOKEN_PERSONAL = 2, /* a personal invitation: the token itself is the person's key */
} store_token_kind;

typedef struct store_token {
	uint8_t hash[STORE_HASH_BYTES];
	char consultation[CORE_ID_MAX + 1]; /* the consultation it opens, or "" for a programme's */
	char programme[CORE_ID_MAX + 1];    /* the programme whose every session it opens, or "" */
	core_role role;
	store_token_kind kind;
	char label[STORE_LABEL_MAX + 1]; /* "ar" for a booth, "invitation 3"; never a name */
} store_token;

/* Opens (creating if needed) the database at path, in WAL mode with synchronous=FULL, and
 * migrates its schema to the current version. On failure returns NULL and, if errbuf is not
 * NULL, a reason in errbuf. The store owns the connection; store_close frees everything. */
store *store_open(const char *path, char *errbuf, size_t errlen);
void store_close(store *s);
/* After a commit failed, its outcome is unknown: the WAL may hold the whole transaction, and
 * would replay it at the next start. Closes the connection and opens the file afresh, as a
 * restart would (the new connection reads whatever the WAL holds), so that what is loaded next
 * is what is durably stored. Any open transaction is lost. RT_OK, or RT_E_SERVER_UNAVAILABLE
 * with a reason in errbuf: then every operation fails until a later store_reopen succeeds. */
rt_err store_reopen(store *s, char *errbuf, size_t errlen);
/* Whether the store can take writes now, for operators (GET /healthz): the connection is open,
 * the last write did not fail, the file is not read-only, and the data folder takes a new file
 * (probed at most every STORE_PROBE_SECONDS). false with the reason in why. */
#define STORE_PROBE_SECONDS 5
bool store_health(store *s, char *why, size_t cap);
/* Why the last write failed ("" if none since the last commit): SQLite's words, never a row. */
const char *store_failure(const store *s);

/* --- organiser operations (not on the hot path) ------------------------------------------ */

/* Creates a consultation from agenda (whose id must be set) with its pseudonym secret, in the
 * open transaction (begun if none is): store_commit makes it durable, together with its
 * tokens. `origin` tags how it was made ("demo", or NULL). On failure everything uncommitted
 * is rolled back. */
rt_err store_create_consultation(store *s, const core_agenda *agenda, const uint8_t secret[STORE_SECRET_BYTES],
                                 const char *origin);
/* The id of the newest consultation with this origin, into id (CORE_ID_MAX + 1 bytes).
 * Returns RT_OK, or RT_E_NOT_FOUND when there is none. */
rt_err store_find_by_origin(store *s, const char *origin, char *id);
/* Records a token by its hash, in the open transaction (begun if none is); see above. */
rt_err store_add_token(store *s, const store_token *t);
/* Looks a token up by its hash; compares the stored hash in constant time. Returns
 * RT_OK, or RT_E_AUTH_INVALID when unknown, revoked, or its consultation's links expired at
 * or before now_ms (server clock). */
rt_err store_find_token(store *s, const uint8_t hash[STORE_HASH_BYTES], int64_t now_ms, store_token *out);
/* PL-2: revokes consultation cid's links of `role` and `kind` (label NULL: whatever their
 * label; "ar" for a booth, "invitation 3"), in the open transaction (begun if none is).
 * *count is how many were working until now. */
rt_err store_revoke_tokens(store *s, const char *cid, core_role role, store_token_kind kind, const char *label,
                           int *count);
/* PL-2: every link of consultation cid stops working at at_ms (server clock), in the open
 * transaction (begun if none is). Set when it is sealed; its join codes go at once (CHR-5). */
rt_err store_expire_links(store *s, const char *cid, int64_t at_ms);
/* When consultation cid's links stop working (0: not set). RT_OK, RT_E_NOT_FOUND or
 * RT_E_SERVER_UNAVAILABLE. */
rt_err store_links_expire(store *s, const char *cid, int64_t *at_ms);

/* Loads a consultation into st (initialised here; free with core_state_free) and its secret.
 * Returns RT_OK, RT_E_NOT_FOUND for an unknown id, or RT_E_SERVER_UNAVAILABLE. */
rt_err store_load(store *s, const char *id, core_state *st, uint8_t secret[STORE_SECRET_BYTES]);

/* --- group commit ------------------------------------------------------------------------ */

/* Appends the events of one command to the open transaction, beginning one if none is open.
 * `st` is the consultation right after evolving them: question rows are written as images of
 * the questions in it. Events of every command accepted in one loop iteration go into the
 * same transaction. */
rt_err store_append(store *s, const core_state *st, const core_event *events, int n);
/* Commits the open transaction (if any). Returns RT_OK once it is durable. On failure the
 * transaction is rolled back and RT_E_SERVER_UNAVAILABLE returned: the caller reloads. */
rt_err store_commit(store *s);
/* Rolls the open transaction back (if any): after a failed append, the caller reloads. */
void store_rollback(store *s);
/* CHR-5: after a seal has committed, leaves no trace of what it deleted: checkpoints the WAL
 * into the file and truncates it, then VACUUMs (with secure_delete on, deleted content was
 * already overwritten; VACUUM drops the free pages). Not in a transaction. RT_OK, or
 * RT_E_SERVER_UNAVAILABLE with a reason in errbuf (another process holding the file open makes
 * the checkpoint busy). Blocks for as long as a VACUUM of the whole file takes. */
rt_err store_compact(store *s, char *errbuf, size_t errlen);
/* CHR-3: checkpoints the WAL into the file and truncates it, so that the order of the commits
 * so far (an invitation's credential drawn, then a pseudonym's first row) is kept nowhere at
 * rest: the file's pages hold no order. Not in a transaction. RT_OK, or RT_E_SERVER_UNAVAILABLE
 * when another reader holds the WAL (the commits then stay in it until the next checkpoint). */
rt_err store_forget_order(store *s);
/* --- receipts: acknowledgements kept for retries (PL-3) ---------------------------------- */

#define STORE_RECEIPT_KEY_BYTES 16

#define STORE_DIGEST_BYTES 16

/* The ack kept under `key` in consultation `cid`, as a malloc'd copy (*len bytes, the caller
 * frees it), and the digest of the command it answered (all zero for a receipt kept before
 * digests were). Sees the open transaction. RT_OK; RT_E_NOT_FOUND when there is none;
 * RT_E_SERVER_UNAVAILABLE when the database fails. */
rt_err store_find_receipt(store *s, const char *cid, const uint8_t key[STORE_RECEIPT_KEY_BYTES], char **ack,
                          size_t *len, uint8_t digest[STORE_DIGEST_BYTES]);
/* Keeps `ack` under `key` with the digest of the command it answers, in the open transaction
 * (begun if none is), so that it commits with the command's effects. A key already kept is
 * left as it was. */
rt_err store_put_receipt(store *s, const char *cid, const uint8_t key[STORE_RECEIPT_KEY_BYTES], const void *ack,
                         size_t len, const uint8_t digest[STORE_DIGEST_BYTES]);

/* --- backup (operations) ------------------------------------------------------------------ */

/* Writes a copy of the database holding consultation `cid` alone to `path`, while the server
 * may be serving from the same file: SQLite's online backup API reads one consistent snapshot,
 * then every other consultation's rows are deleted from the copy (secure_delete), which is
 * VACUUMed, checked (integrity, foreign keys), made one self-contained file (no WAL), fsynced,
 * and renamed over `path` (mode 0600): `path` is never a partial copy. *sealed tells whether the
 * consultation was sealed (an unsealed copy still holds what a later seal destroys). RT_OK;
 * RT_E_NOT_FOUND for an unknown consultation; RT_E_SERVER_UNAVAILABLE with a reason in
 * errbuf. The copy is a Roundtable database: serve it as DATA/roundtable.db to restore. */
rt_err store_backup(store *s, const char *cid, const char *path, bool *sealed, char *errbuf, size_t errlen);

/* --- programmes, seats and attendance ---------------------------------------------------- */

typedef struct store_programme {
	char id[CORE_ID_MAX + 1];
	char title[CORE_TITLE_MAX_BYTES + 1];
	int attend_percent; /* a session counts as attended at this share of its scheduled time */
	int certificate;    /* sessions attended for the certificate */
	int seats;          /* invitations at most; -1: no cap */
	char priority[STORE_PRIORITY_MAX + 1];
} store_programme;

/* Creates programme p, in the open transaction (begun if none is). */
rt_err store_create_programme(store *s, const store_programme *p);
/* Makes consultation cid session number `session` (from 1) of programme pid, planned to start
 * at starts_at (server ms, UTC), in the open transaction (begun if none is). */
rt_err store_add_session(store *s, const char *cid, const char *pid, int session, int64_t starts_at);
/* Programme pid. RT_OK, RT_E_NOT_FOUND or RT_E_SERVER_UNAVAILABLE. */
rt_err store_find_programme(store *s, const char *pid, store_programme *out);

typedef struct store_session {
	char id[CORE_ID_MAX + 1];
	core_session_info info;
} store_session;
/* Programme pid's sessions in order, at most cap, into out[0..*n). RT_OK (with *n == 0 for an
 * unknown programme) or RT_E_SERVER_UNAVAILABLE. */
rt_err store_programme_sessions(store *s, const char *pid, store_session *out, int cap, int *n);

/* Seats of a programme or of a consultation ("the owner"): the cap, its waiting list groups, and
 * how many personal invitations work and wait now. */
typedef struct store_seats {
	bool programme; /* the owner is a programme */
	int seats;      /* -1: no cap */
	char priority[STORE_PRIORITY_MAX + 1];
	int invited, waiting;
} store_seats;
/* RT_OK, RT_E_NOT_FOUND (neither a programme nor a consultation) or
 * RT_E_SERVER_UNAVAILABLE. */
rt_err store_seats_get(store *s, const char *owner, store_seats *out);
/* Sets the owner's cap (-1: none), in the open transaction (begun if none is). */
rt_err store_seats_set(store *s, const char *owner, bool programme, int seats);
/* Sets the waiting list groups (space-separated, first first) of a consultation or programme,
 * in the open transaction (begun if none is). */
rt_err store_priority_set(store *s, const char *owner, bool programme, const char *priority);

/* Where a label stands with an owner. */
typedef enum store_label_state { STORE_LABEL_NONE, STORE_LABEL_INVITED, STORE_LABEL_WAITING } store_label_state;
rt_err store_label_state_get(store *s, const char *owner, const char *label, store_label_state *out);
/* Puts label last in its group (rank) of the owner's waiting list, in the open transaction
 * (begun if none is); *position is its place in the whole list, from 1. */
rt_err store_waiting_add(store *s, const char *owner, bool programme, const char *label, int rank, int *position);
/* Takes label off the owner's waiting list, in the open transaction (begun if none is). */
rt_err store_waiting_remove(store *s, const char *owner, const char *label);
/* What the label listings below call for each row: a label and two numbers, whose meaning each
 * listing gives. */
typedef void (*store_label_fn)(void *arg, const char *label, int n, int64_t ms);
/* Calls each(arg, label, rank, 0) for the owner's waiting list in order (groups first first,
 * then first come, first served) or, with `invited`, for its working personal invitations by
 * label. */
rt_err store_each_label(store *s, const char *owner, bool invited, store_label_fn each, void *arg);

/* A session's attendance: label's time so far, written in the open transaction (begun if none
 * is), replacing what was there. */
rt_err store_attendance_put(store *s, const char *cid, const char *label, int64_t ms);
/* Calls each(arg, label, 0, ms) for every attendance row of consultation cid. */
rt_err store_attendance_load(store *s, const char *cid, store_label_fn each, void *arg);
/* Calls each(arg, label, session, ms) for programme pid's attendance rows and, with session 0
 * and ms 0, for every label that holds a working invitation to it; ordered by label. */
rt_err store_attendance_report(store *s, const char *pid, store_label_fn each, void *arg);

/* Attendance that holds up (programmes): minutes imported from another record of session cid
 * (replacing the label's earlier import) and a correction with its reason, kept as an audit row
 * (label, minutes, reason, time: never who), each in the open transaction (begun if none is). */
rt_err store_attendance_import(store *s, const char *cid, const char *label, int minutes);
rt_err store_attendance_correct(store *s, const char *cid, const char *label, int minutes, const char *reason,
                                int64_t at);
/* The programme consultation cid is a session of into pid ("" for none): RT_OK, RT_E_NOT_FOUND
 * (no such consultation) or RT_E_SERVER_UNAVAILABLE. */
rt_err store_consultation_programme(store *s, const char *cid, char pid[CORE_ID_MAX + 1], int *session);
/* Whether label names a personal invitation of programme pid, revoked or not. */
rt_err store_programme_label(store *s, const char *pid, const char *label, bool *known);
/* Programme pid's attendance, every record: for each label and session with anything recorded,
 * each(arg, label, session, measured_ms or -1, imported minutes or -1, corrections' sum in
 * minutes, how many corrections); and, with session 0 (the rest -1, 0), every label holding a
 * working invitation. Ordered by label, then session. */
typedef void (*store_attendance_fn)(void *arg, const char *label, int session, int64_t measured_ms,
                                    int64_t imported_min, int64_t corrected_min, int corrections);
rt_err store_attendance_detail(store *s, const char *pid, store_attendance_fn each, void *arg);
/* The corrections of programme pid in the order they were made: each(arg, label, session,
 * minutes, reason, at). */
typedef void (*store_correction_fn)(void *arg, const char *label, int session, int minutes, const char *reason,
                                    int64_t at);
rt_err store_attendance_audit(store *s, const char *pid, store_correction_fn each, void *arg);

/* Whether a transaction is open. */
bool store_in_transaction(const store *s);
/* Commits made since open: lets tests see that a batch shared one commit. */
uint64_t store_commit_count(const store *s);

/* --- join codes: the stage's short code of the open participant link ----------------------- */

/* What a join code opens: the consultation's (or programme's) id and its open participant
 * link's token, which is public by design (the stage shows it to everyone). */
#define STORE_JOIN_TOKEN_MAX 64
typedef struct store_join {
	char owner[CORE_ID_MAX + 1];
	char token[STORE_JOIN_TOKEN_MAX + 1];
} store_join;
/* Keeps canonical `code` (core/joincode.h) for the open link `token` of owner (a consultation,
 * or with `programme` a programme), in the open transaction (begun if none is). *added is false
 * when the code is already taken: draw another. */
rt_err store_add_join_code(store *s, const char *code, const char *owner, bool programme, const char *token,
                           bool *added);
/* Deletes every join code of owner (its open link was revoked), in the open transaction (begun
 * if none is). */
rt_err store_delete_join_codes(store *s, const char *owner);
/* What canonical `code` opens, unless its consultation's links expired at or before now_ms.
 * RT_OK, RT_E_NOT_FOUND or RT_E_SERVER_UNAVAILABLE. */
rt_err store_find_join_code(store *s, const char *code, int64_t now_ms, store_join *out);
/* A join code of owner (one, when the open link was issued more than once) into code (cap
 * bytes), and what it opens: for a stage link issued alone. RT_OK, RT_E_NOT_FOUND or
 * RT_E_SERVER_UNAVAILABLE. */
rt_err store_join_code_of(store *s, const char *owner, char *code, size_t cap, store_join *out);

/* --- credentials: invitations' unlinkable credentials (CHR-3, RFC 9474) -------------------- */

/* Consultation cid's blind-signing key (DER) into der (cap bytes), *len its length. RT_OK;
 * RT_E_NOT_FOUND when it has none (made before credentials were, or sealed);
 * RT_E_SERVER_UNAVAILABLE. */
rt_err store_credential_key(store *s, const char *cid, uint8_t *der, size_t cap, size_t *len);
/* Keeps the key of unsealed consultation cid (which had none), in the open transaction (begun if
 * none is). */
rt_err store_credential_key_put(store *s, const char *cid, const uint8_t *der, size_t len);

/* How many credentials one invitation may draw beyond its first (a lost device, a second one):
 * each may vote again, so the co-chairs and the report show how many there were. */
#define STORE_CREDENTIAL_REISSUES 2

/* What an invitation link did with its credentials in one consultation: counts only. */
typedef struct store_credential {
	int drawn;      /* credentials drawn */
	int allowed;    /* draws allowed beyond the first (re-issues) */
	bool requested; /* its holder asks for a re-issue */
} store_credential;
/* Link `link`'s counts in consultation cid (all zero when it drew none). RT_OK or
 * RT_E_SERVER_UNAVAILABLE. */
rt_err store_credential_get(store *s, const char *cid, const uint8_t link[STORE_HASH_BYTES], store_credential *out);
/* Link `link` drew one more credential in cid (its request, if any, is answered), in the open
 * transaction (begun if none is); a draw after the first counts in the consultation's
 * re-issues. */
rt_err store_credential_drawn(store *s, const char *cid, const uint8_t link[STORE_HASH_BYTES]);
/* Link `link`, which drew, asks for a re-issue in cid, in the open transaction (begun if none
 * is). */
rt_err store_credential_request(store *s, const char *cid, const uint8_t link[STORE_HASH_BYTES]);
/* Allows one more draw to the invitations of cid that ask for it, or with `label` to the
 * personal invitation with that label, each while it was allowed fewer than `max`; in the open
 * transaction (begun if none is). *count: how many were allowed. */
rt_err store_credential_allow(store *s, const char *cid, const char *label, int max, int *count);
/* Cid's pending re-issue requests and re-issues drawn. RT_OK, RT_E_NOT_FOUND or
 * RT_E_SERVER_UNAVAILABLE. */
rt_err store_credential_counts(store *s, const char *cid, int *pending, int *reissued);
/* --- the organiser (organiser.c; ORG-1) ------------------------------------------------------ */

/* Keeps the hash of a new organiser link and revokes every one before it (a rotation), in the
 * open transaction (begun if none is). */
rt_err store_organiser_token_set(store *s, const uint8_t hash[STORE_HASH_BYTES]);
/* Revokes every organiser link, in the open transaction (begun if none is); *count of them. */
rt_err store_organiser_token_revoke(store *s, int *count);
/* RT_OK when hash is a working organiser link's, else RT_E_AUTH_INVALID (or
 * RT_E_SERVER_UNAVAILABLE). */
rt_err store_organiser_token_find(store *s, const uint8_t hash[STORE_HASH_BYTES]);
/* One line of the organiser's dashboard: a programme or a consultation. */
typedef struct store_item {
	bool is_programme;
	char id[CORE_ID_MAX + 1];
	char title[CORE_TITLE_MAX_BYTES + 1];
	char date[16], timezone[CORE_TIMEZONE_MAX + 1];
	bool sealed;
	char programme[CORE_ID_MAX + 1]; /* a session's programme, "" for none */
	int session;                     /* its place in its programme, from 1; 0 for none */
	int64_t starts_at;               /* planned start, server ms; a programme's next session's; 0: none */
	int count;                       /* a programme's sessions; a sealed consultation's participants */
	int invitations;                 /* personal invitations that work */
	/* A consultation's first segment: its own date ("" for the agenda's) and start minute in the
	 * time zone (-1: none), from which its planned start is worked out. */
	char first_date[16];
	int first_min;
} store_item;
typedef void (*store_item_fn)(void *arg, const store_item *item);
/* Calls each for every programme, then every consultation, in the order they were made. */
rt_err store_each_item(store *s, store_item_fn each, void *arg);

#endif
