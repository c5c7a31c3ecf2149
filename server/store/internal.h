/* internal.h — what the store's files share and no other layer may see: the connection and its
 * prepared statements (struct store, the statement ids), and the helpers that run a statement,
 * bind an id and read a column. The store's interface is store.h. */
#ifndef RT_STORE_INTERNAL_H
#define RT_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store.h"

/* Every statement the store runs, prepared once at open. */
enum stmt_id {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_INSERT_CONSULTATION,
	ST_INSERT_SEGMENT,
	ST_FIND_ORIGIN,
	ST_INSERT_TOKEN,
	ST_FIND_TOKEN,
	ST_REVOKE_TOKENS,
	ST_EXPIRE_LINKS,
	ST_LINKS_EXPIRE,
	ST_LOAD_CONSULTATION,
	ST_LOAD_SEGMENTS,
	ST_LOAD_QUESTIONS,
	ST_LOAD_VOTES,
	ST_SAVE_QUESTION,
	ST_INSERT_VOTE,
	ST_DELETE_VOTE,
	ST_MOVE_VOTES,
	ST_DELETE_VOTES,
	ST_SET_SEQ,
	ST_SET_ANSWERING,
	ST_SET_CURRENT,
	ST_SAVE_SEGMENT,
	ST_SET_CLOCK,
	ST_SET_FLOOR,
	ST_SET_NEXT,
	ST_INSERT_LISTENING,
	ST_LOAD_LISTENING,
	ST_INSERT_ACCEPTANCE,
	ST_LOAD_ACCEPTANCE,
	ST_SAVE_NOTE,
	ST_LOAD_NOTES,
	ST_SAVE_PARAPHRASE,
	ST_LOAD_PARAPHRASES,
	ST_SEAL,
	ST_SEAL_VOTES,
	ST_SEAL_ACCEPTANCE,
	ST_FIND_RECEIPT,
	ST_INSERT_RECEIPT,
	ST_SEAL_RECEIPTS,
	ST_PARK_VOTE,    /* QA-4: a merged question's voter, parked */
	ST_UNPARK_VOTES, /* QA-4: a question's parked voters, gone (unmerged) */
	ST_LOAD_PARKED,  /* QA-4: every parked voter of a consultation */
	ST_SEAL_PARKED,  /* CHR-5: the seal deletes the parked voters too */
	ST_SAVE_GUARD,
	ST_LOAD_GUARD,
	ST_SEAL_ATTENDANCE, /* CHR-5: a plain consultation's connected time per invitation */
	ST_SET_FINAL,       /* EX-7: the rapporteurs marked the report final */
	ST_LOAD_FINAL,
	ST_INSERT_TEXT, /* AG-1, LC-2: an agenda text in a language other than the floor's */
	ST_LOAD_TEXTS,
	ST_SAVE_SPEAKING, /* FLOOR-1: a segment's time budget of one intervention */
	ST_LOAD_SPEAKING,
	ST_COUNT_SPEAKER, /* FLOOR-1: one more intervention requested or taken */
	ST_LOAD_SPEAKER_COUNTS,
	ST_COUNT
};

struct store {
	sqlite3 *db; /* NULL after a reopen failed: every operation then fails until one succeeds */
	sqlite3_stmt *stmt[ST_COUNT];
	bool in_txn;
	bool checkpoint_on_close; /* set once open succeeded */
	uint64_t commits;
	char *path; /* the database file, for store_reopen */
	/* The last write, or the last reopen, failed (and why); a commit that succeeds clears it. */
	bool failing;
	char failure[256];
	/* store_health's probe of the data folder: when it last ran (monotonic us), and its verdict */
	int64_t probed_us;
	char probe_error[160];
};

/* --- stmt.c: statements, transactions, binds and columns ---------------------------------- */

/* Notes that a write failed (`what`, with SQLite's message), for store_health and
 * store_failure. */
void store_note_failure(store *s, const char *what);

/* Prepares every statement, at open. 0, or -1 with a reason in errbuf. */
int store_prepare_all(store *s, char *errbuf, size_t errlen);
/* Rolls back a transaction left open and finalizes every statement, at close. */
void store_finalize_all(store *s);

/* "what: SQLite's message" into errbuf (if not NULL); "out of memory" without a db. */
void store_set_err(char *errbuf, size_t errlen, const char *what, sqlite3 *db);
/* Steps a statement that returns no row, then resets it. */
int store_run(store *s, sqlite3_stmt *st);
/* Runs a write of the open transaction; when it fails, rolls the transaction back and returns
 * RT_E_SERVER_UNAVAILABLE. */
rt_err store_write(store *s, sqlite3_stmt *st);
/* Resets a statement whose rows were read, and clears its bindings. */
void store_done(sqlite3_stmt *st);
/* Begins a transaction unless one is open. 0, or -1 when BEGIN fails. */
int store_begin(store *s);
/* Binds an id (a consultation's, a programme's) as text; it must outlive the step. */
void store_bind_id(sqlite3_stmt *st, int col, const char *cid);
/* Runs a write whose parameters are (value, consultation), in the open transaction. */
int store_set_consultation(store *s, enum stmt_id which, const char *cid, int64_t value);
/* The status of a look-up from its first step's result: RT_OK for a row, RT_E_NOT_FOUND for
 * none, RT_E_SERVER_UNAVAILABLE for a failure. */
rt_err store_found(int rc);
/* A pseudonym column into out; all zero unless it holds CORE_PSEUD_LEN bytes. */
void store_column_pseud(sqlite3_stmt *st, int col, core_pseud *out);
/* A text column into out (cap bytes); "" for NULL. */
void store_column_copy(sqlite3_stmt *st, int col, char *out, size_t cap);
/* Runs one statement on db that returns no row (or whose rows are ignored). */
int store_exec_sql(sqlite3 *db, const char *sql, char *errbuf, size_t errlen);
/* Prepares sql for one use, or NULL: organiser operations and attendance run rarely, so their
 * statements are prepared each time. */
sqlite3_stmt *store_prepare(store *s, const char *sql);
/* POLL-1 (polls.c): the rows of a poll event (or of the seal), in the open transaction; a
 * consultation's polls and open answers put back into stt on load. 0, or -1. */
int store_poll_append(store *s, const char *cid, const core_state *stt, const core_event *ev);
int store_poll_load(store *s, const char *cid, core_state *stt);
/* The first column of the first row of `sql` on db, as text in out ("" if none). 0, or -1 with
 * a reason in errbuf (if not NULL). */
int store_first_value(sqlite3 *db, const char *sql, char *out, size_t cap, char *errbuf, size_t errlen);
/* Runs a prepared write in the open transaction (begun if none is), and finalizes it. */
rt_err store_write_once(store *s, sqlite3_stmt *st);

/* --- credentials.c ------------------------------------------------------------------------- */

/* CHR-5: in the seal's transaction, the consultation's blind-signing key and its invitations'
 * credential counts go. 0, or -1. */
int store_credential_seal(store *s, const char *cid);
/* --- speakers.c: the list of speakers' counts (FLOOR-1) --------------------------------------- */

/* Writes each segment's speaking_minutes of agenda a, in the open transaction. 0, or -1. */
int store_save_speaking(store *s, const core_agenda *a);
/* Reads them and the counts back into stt (loaded from its agenda). 0, or -1. */
int store_load_speakers(store *s, const char *cid, core_state *stt);
/* Counts a request or a call of a speakers event (others store nothing). 0, or -1. */
int store_count_speaker(store *s, const char *cid, const core_event *ev);

/* --- schema.c: migrations, settings, the data folder ---------------------------------------- */

/* Takes the schema to the current version, each migration in its own transaction. */
int store_migrate(sqlite3 *db, char *errbuf, size_t errlen);
/* Gives the connection every setting the store depends on (WAL, synchronous=FULL, foreign keys,
 * the busy timeout, secure_delete) and reads each back (PL-3). 0, or -1 with a reason in errbuf. */
int store_configure(sqlite3 *db, char *errbuf, size_t errlen);
/* Proves the data folder takes a new file and an fsync before anything is opened in it: a
 * read-only or full folder is refused at start-up, with its name, not at the first command. */
int store_probe_folder(const char *path, char *errbuf, size_t errlen);
/* Refuses a database file SQLite opened read-only (a file the server's user cannot write: it
 * does so silently). Right after opening, before any setting. 0, or -1 with a reason. */
int store_probe_writable(sqlite3 *db, const char *path, char *errbuf, size_t errlen);
/* Proves the database takes a write transaction (begun and rolled back), once configured. 0, or
 * -1 with a reason in errbuf. */
int store_probe_write_lock(sqlite3 *db, char *errbuf, size_t errlen);
/* Creates the database file, if it does not exist yet, readable and writable by its owner
 * alone: SQLite gives its -wal and -shm files the database file's mode. 0, or -1 with a
 * reason. */
int store_create_private(const char *path, char *errbuf, size_t errlen);
/* The folder holding path, into dir (cap bytes): "/" for a file at the root, "." for a bare name. */
void store_folder_of(const char *path, char *dir, size_t cap);

#endif
