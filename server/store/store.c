/* store.c — SQLite persistence for Roundtable. Each statement is prepared once, at open; the
 * schema moves forward by numbered migrations keyed on PRAGMA user_version.
 * It holds no consultation logic: rows are the image of core events.
 *
 * Privacy (CHR-3, CHR-4): question and vote rows carry the segment, an ordinal and a keyed
 * pseudonym, never a time or anything a participant typed about themselves. Tokens are stored
 * only as SHA-256 hashes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"

/* Migrations, in order: migrations[i] takes user_version i to i + 1. Append only. */
static const char *const migrations[] = {
    /* 1: consultations, agenda segments, role tokens, questions and votes. */
    "CREATE TABLE consultation ("
    "  id TEXT PRIMARY KEY,"
    "  origin TEXT,"
    "  title TEXT NOT NULL,"
    "  timezone TEXT NOT NULL,"
    "  date TEXT NOT NULL,"
    "  floor TEXT NOT NULL,"
    "  channels TEXT NOT NULL," /* space-separated language codes */
    "  premoderation INTEGER NOT NULL,"
    "  secret BLOB," /* CHR-3 pseudonym key; destroyed when sealed */
    "  seq INTEGER NOT NULL DEFAULT 0,"
    "  current_segment INTEGER NOT NULL DEFAULT 0"
    ") STRICT;"
    "CREATE TABLE segment ("
    "  consultation TEXT NOT NULL REFERENCES consultation(id),"
    "  position INTEGER NOT NULL,"
    "  title TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  start_min INTEGER NOT NULL,"
    "  duration_min INTEGER NOT NULL,"
    "  questions INTEGER NOT NULL,"
    "  chatham_house INTEGER NOT NULL,"
    "  PRIMARY KEY (consultation, position)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE token ("
    "  hash BLOB PRIMARY KEY,"
    "  consultation TEXT NOT NULL REFERENCES consultation(id),"
    "  role TEXT NOT NULL,"
    "  kind INTEGER NOT NULL,"
    "  label TEXT NOT NULL,"
    "  revoked INTEGER NOT NULL DEFAULT 0"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE question ("
    "  consultation TEXT NOT NULL REFERENCES consultation(id),"
    "  id INTEGER NOT NULL,"
    "  segment INTEGER NOT NULL,"
    "  lang TEXT NOT NULL,"
    "  state TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  author BLOB," /* pseudonym; nulled when sealed */
    "  PRIMARY KEY (consultation, id)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE vote ("
    "  consultation TEXT NOT NULL,"
    "  question INTEGER NOT NULL,"
    "  voter BLOB NOT NULL," /* pseudonym */
    "  PRIMARY KEY (consultation, question, voter),"
    "  FOREIGN KEY (consultation, question) REFERENCES question(consultation, id)"
    ") STRICT, WITHOUT ROWID;",
    /* 2: the complete Q&A (QA-4..QA-7): moderation marks on questions, the question being
     * answered, per-participant limits. segment.questions becomes live state. */
    "ALTER TABLE question ADD COLUMN edited INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE question ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE question ADD COLUMN merged_into INTEGER;"
    "ALTER TABLE consultation ADD COLUMN answering INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE consultation ADD COLUMN max_open_questions INTEGER NOT NULL DEFAULT 3;"
    "ALTER TABLE consultation ADD COLUMN votes_per_minute INTEGER NOT NULL DEFAULT 30;",
    /* 3: the agenda clock (AG-2..AG-6): its state, and each segment's actual time. These are
     * times of the agenda, never of a participant's action (CHR-4). */
    "ALTER TABLE consultation ADD COLUMN clock_state INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE consultation ADD COLUMN clock_started_at INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE consultation ADD COLUMN warning_minutes INTEGER NOT NULL DEFAULT 2;"
    "ALTER TABLE consultation ADD COLUMN close_minutes INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE segment ADD COLUMN date TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE segment ADD COLUMN started_at INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE segment ADD COLUMN elapsed_ms INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE segment ADD COLUMN allotted_ms INTEGER;" /* NULL: the planned duration */
    "ALTER TABLE segment ADD COLUMN auto_closed INTEGER NOT NULL DEFAULT 0;",
    /* 4: the language spoken on the floor now (LC-3); NULL: the agenda's floor language. */
    "ALTER TABLE consultation ADD COLUMN floor_now TEXT;",
    /* 5: the question the co-chairs selected next for the booths (LC-5); 0 for none. */
    "ALTER TABLE consultation ADD COLUMN next_up INTEGER NOT NULL DEFAULT 0;",
    /* 6: how participants listen in each language (LC-1), from the agenda. */
    "CREATE TABLE listening ("
    "  consultation TEXT NOT NULL REFERENCES consultation(id),"
    "  lang TEXT NOT NULL,"
    "  zoom_channel TEXT NOT NULL,"
    "  note TEXT NOT NULL,"
    "  PRIMARY KEY (consultation, lang)"
    ") STRICT, WITHOUT ROWID;",
    /* 7: the Chatham House Rule and the report (CHR-2, CHR-5, EX-1). Who accepted the Rule is a
     * pseudonym, deleted when sealed; then only `participants` (their number) is left, and each
     * question's vote total. Notes, themes and paraphrases are the rapporteurs' workspace. */
    "ALTER TABLE consultation ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE consultation ADD COLUMN participants INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE question ADD COLUMN sealed_votes INTEGER;" /* NULL until sealed */
    "ALTER TABLE question ADD COLUMN theme TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE question ADD COLUMN reported INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE acceptance ("
    "  consultation TEXT NOT NULL REFERENCES consultation(id),"
    "  who BLOB NOT NULL," /* pseudonym */
    "  PRIMARY KEY (consultation, who)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE note ("
    "  consultation TEXT NOT NULL REFERENCES consultation(id),"
    "  segment INTEGER NOT NULL,"
    "  text TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  PRIMARY KEY (consultation, segment)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE paraphrase ("
    "  consultation TEXT NOT NULL REFERENCES consultation(id),"
    "  id INTEGER NOT NULL,"
    "  segment INTEGER NOT NULL,"
    "  theme TEXT NOT NULL,"
    "  text TEXT," /* NULL once deleted: the id is never reused */
    "  included INTEGER NOT NULL,"
    "  PRIMARY KEY (consultation, id)"
    ") STRICT, WITHOUT ROWID;",
    /* 8: acknowledgements kept for retries (PL-3). `key` is a hash of the sender's scope (its
     * pseudonym or role link) and the command id, so a row names nobody; rows carry no time
     * and all go when the consultation is sealed. */
    "CREATE TABLE receipt ("
    "  consultation TEXT NOT NULL REFERENCES consultation(id),"
    "  key BLOB NOT NULL,"
    "  ack BLOB NOT NULL,"
    "  PRIMARY KEY (consultation, key)"
    ") STRICT, WITHOUT ROWID;",
    /* 9: when a consultation's links stop working (PL-2): set when it is sealed, in server ms;
     * NULL while they work. A link revoked by the organiser has token.revoked = 1. */
    "ALTER TABLE consultation ADD COLUMN links_expire INTEGER;",
    /* 10: programmes (a series of consultations, its sessions), seats and waiting lists, and
     * attendance. A token belongs to a consultation or to a programme (then it works in every
     * session). A waiting list entry and an attendance row carry the organiser's label of an
     * invitation, and attendance a length of time: never a pseudonym, a question, a vote or a
     * language. Attendance survives the seal: it is what organisers need per person. */
    "CREATE TABLE programme ("
    "  id TEXT PRIMARY KEY,"
    "  title TEXT NOT NULL,"
    "  attend_percent INTEGER NOT NULL,"  /* a session is attended at this share of its time */
    "  certificate INTEGER NOT NULL,"     /* sessions attended for the certificate */
    "  seats INTEGER,"                    /* invitations at most; NULL: no cap */
    "  priority TEXT NOT NULL DEFAULT ''" /* waiting list groups, first first, space-separated */
    ") STRICT;"
    "ALTER TABLE consultation ADD COLUMN programme TEXT REFERENCES programme(id);"
    "ALTER TABLE consultation ADD COLUMN programme_order INTEGER;" /* its place in it, from 1 */
    "ALTER TABLE consultation ADD COLUMN starts_at INTEGER;"       /* planned start, server ms (UTC) */
    "ALTER TABLE consultation ADD COLUMN seats INTEGER;"
    "ALTER TABLE consultation ADD COLUMN priority TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE token_v10 ("
    "  hash BLOB PRIMARY KEY,"
    "  consultation TEXT REFERENCES consultation(id),"
    "  programme TEXT REFERENCES programme(id),"
    "  role TEXT NOT NULL,"
    "  kind INTEGER NOT NULL,"
    "  label TEXT NOT NULL,"
    "  revoked INTEGER NOT NULL DEFAULT 0,"
    "  CHECK ((consultation IS NULL) <> (programme IS NULL))"
    ") STRICT, WITHOUT ROWID;"
    "INSERT INTO token_v10 (hash, consultation, role, kind, label, revoked) "
    "  SELECT hash, consultation, role, kind, label, revoked FROM token;"
    "DROP TABLE token;"
    "ALTER TABLE token_v10 RENAME TO token;"
    "CREATE TABLE waiting ("
    "  consultation TEXT REFERENCES consultation(id),"
    "  programme TEXT REFERENCES programme(id),"
    "  label TEXT NOT NULL,"
    "  rank INTEGER NOT NULL,"    /* its priority group's place; groups not listed come last */
    "  ordinal INTEGER NOT NULL," /* first come, first served within a group */
    "  CHECK ((consultation IS NULL) <> (programme IS NULL))"
    ") STRICT;"
    "CREATE UNIQUE INDEX waiting_label ON waiting (coalesce(consultation, programme), label);"
    "CREATE TABLE attendance ("
    "  consultation TEXT NOT NULL REFERENCES consultation(id),"
    "  label TEXT NOT NULL,"
    "  attended_ms INTEGER NOT NULL,"
    "  PRIMARY KEY (consultation, label)"
    ") STRICT, WITHOUT ROWID;",
};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

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
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_INSERT_CONSULTATION] = "INSERT INTO consultation (id, origin, title, timezone, date, floor, channels, "
                               "premoderation, secret, max_open_questions, votes_per_minute, warning_minutes, "
                               "close_minutes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [ST_INSERT_SEGMENT] = "INSERT INTO segment (consultation, position, title, kind, start_min, duration_min, "
                          "questions, chatham_house, date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [ST_FIND_ORIGIN] = "SELECT id FROM consultation WHERE origin = ? ORDER BY rowid DESC LIMIT 1",
    [ST_INSERT_TOKEN] =
        "INSERT INTO token (hash, consultation, programme, role, kind, label) VALUES (?, ?, ?, ?, ?, ?)",
    /* A programme's token works until it is revoked; whether the session it opens still takes
     * links is that session's own links_expire (the hub checks it). */
    [ST_FIND_TOKEN] = "SELECT t.hash, t.consultation, t.programme, t.role, t.kind, t.label FROM token t "
                      "LEFT JOIN consultation c ON c.id = t.consultation WHERE t.hash = ?1 AND t.revoked = 0 AND "
                      "(c.links_expire IS NULL OR c.links_expire > ?2)",
    [ST_REVOKE_TOKENS] = "UPDATE token SET revoked = 1 WHERE (consultation = ?1 OR programme = ?1) AND role = ?2 "
                         "AND kind = ?3 AND (?4 IS NULL OR label = ?4) AND revoked = 0",
    [ST_EXPIRE_LINKS] = "UPDATE consultation SET links_expire = ? WHERE id = ?",
    [ST_LINKS_EXPIRE] = "SELECT links_expire FROM consultation WHERE id = ?",
    [ST_LOAD_CONSULTATION] =
        "SELECT title, timezone, date, floor, channels, premoderation, secret, seq, "
        "current_segment, answering, max_open_questions, votes_per_minute, clock_state, "
        "clock_started_at, warning_minutes, close_minutes, floor_now, next_up, sealed, participants "
        "FROM consultation WHERE id = ?",
    [ST_LOAD_SEGMENTS] = "SELECT title, kind, start_min, duration_min, questions, chatham_house, date, started_at, "
                         "elapsed_ms, allotted_ms, auto_closed FROM segment WHERE consultation = ? ORDER BY position",
    [ST_LOAD_QUESTIONS] = "SELECT id, segment, lang, state, text, author, edited, pinned, merged_into, "
                          "sealed_votes, theme, reported FROM question WHERE consultation = ? ORDER BY id",
    [ST_LOAD_VOTES] = "SELECT question, voter FROM vote WHERE consultation = ?",
    /* A question row is the image of the question after the event: one statement serves every
     * question event. The author is written once, when the row is made. */
    [ST_SAVE_QUESTION] = "INSERT INTO question (consultation, id, segment, lang, state, text, author, edited, "
                         "pinned, merged_into, sealed_votes, theme, reported) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
                         "ON CONFLICT (consultation, id) DO UPDATE SET segment = ?3, state = ?5, text = ?6, "
                         "author = CASE WHEN ?11 IS NULL THEN author END, edited = ?8, pinned = ?9, "
                         "merged_into = ?10, sealed_votes = ?11, theme = ?12, reported = ?13",
    [ST_INSERT_VOTE] = "INSERT INTO vote (consultation, question, voter) VALUES (?, ?, ?)",
    [ST_DELETE_VOTE] = "DELETE FROM vote WHERE consultation = ? AND question = ? AND voter = ?",
    /* A merge: the duplicate's voters join the question kept, unless already there or its
     * author (QA-4: union, no double count); what is left of the duplicate's votes goes. */
    [ST_MOVE_VOTES] = "UPDATE OR IGNORE vote SET question = ?3 WHERE consultation = ?1 AND question = ?2 AND "
                      "voter IS NOT (SELECT author FROM question WHERE consultation = ?1 AND id = ?3)",
    [ST_DELETE_VOTES] = "DELETE FROM vote WHERE consultation = ? AND question = ?",
    [ST_SET_SEQ] = "UPDATE consultation SET seq = ? WHERE id = ?",
    [ST_SET_ANSWERING] = "UPDATE consultation SET answering = ? WHERE id = ?",
    [ST_SET_CURRENT] = "UPDATE consultation SET current_segment = ? WHERE id = ?",
    /* A segment row's live part is the image of the segment after the event. */
    [ST_SAVE_SEGMENT] = "UPDATE segment SET questions = ?, started_at = ?, elapsed_ms = ?, allotted_ms = ?, "
                        "auto_closed = ? WHERE consultation = ? AND position = ?",
    [ST_SET_CLOCK] = "UPDATE consultation SET clock_state = ?, clock_started_at = ? WHERE id = ?",
    [ST_SET_FLOOR] = "UPDATE consultation SET floor_now = ? WHERE id = ?",
    [ST_SET_NEXT] = "UPDATE consultation SET next_up = ? WHERE id = ?",
    [ST_INSERT_LISTENING] = "INSERT INTO listening (consultation, lang, zoom_channel, note) VALUES (?, ?, ?, ?)",
    [ST_LOAD_LISTENING] = "SELECT lang, zoom_channel, note FROM listening WHERE consultation = ?",
    [ST_INSERT_ACCEPTANCE] = "INSERT OR IGNORE INTO acceptance (consultation, who) VALUES (?, ?)",
    [ST_LOAD_ACCEPTANCE] = "SELECT who FROM acceptance WHERE consultation = ?",
    [ST_SAVE_NOTE] = "INSERT INTO note (consultation, segment, text, version) VALUES (?1, ?2, ?3, ?4) "
                     "ON CONFLICT (consultation, segment) DO UPDATE SET text = ?3, version = ?4",
    [ST_LOAD_NOTES] = "SELECT segment, text, version FROM note WHERE consultation = ?",
    [ST_SAVE_PARAPHRASE] = "INSERT INTO paraphrase (consultation, id, segment, theme, text, included) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (consultation, id) DO UPDATE SET "
                           "segment = ?3, theme = ?4, text = ?5, included = ?6",
    [ST_LOAD_PARAPHRASES] =
        "SELECT id, segment, theme, text, included FROM paraphrase WHERE consultation = ? ORDER BY id",
    /* CHR-5: with the question rows rewritten (no author, vote totals), these finish the seal. */
    [ST_SEAL] = "UPDATE consultation SET sealed = 1, secret = NULL, participants = ? WHERE id = ?",
    [ST_SEAL_VOTES] = "DELETE FROM vote WHERE consultation = ?",
    [ST_SEAL_ACCEPTANCE] = "DELETE FROM acceptance WHERE consultation = ?",
    [ST_FIND_RECEIPT] = "SELECT ack FROM receipt WHERE consultation = ? AND key = ?",
    [ST_INSERT_RECEIPT] = "INSERT OR IGNORE INTO receipt (consultation, key, ack) VALUES (?, ?, ?)",
    [ST_SEAL_RECEIPTS] = "DELETE FROM receipt WHERE consultation = ?",
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[ST_COUNT];
	bool in_txn;
	bool checkpoint_on_close; /* set once open succeeded */
	uint64_t commits;
};

static void set_err(char *errbuf, size_t errlen, const char *what, sqlite3 *db)
{
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

static int migrate(sqlite3 *db, char *errbuf, size_t errlen)
{
	sqlite3_stmt *st;
	int version = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version < 0 || version > SCHEMA_VERSION) {
		if (errbuf)
			snprintf(errbuf, errlen, "database schema version %d is newer than this roundtable (%d)",
			         version, SCHEMA_VERSION);
		return -1;
	}
	for (; version < SCHEMA_VERSION; version++) {
		char pragma[48];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", version + 1);
		/* Each migration and its version bump commit together, or not at all. */
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(db, migrations[version], NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(db, pragma, NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			set_err(errbuf, errlen, "migrating the database schema", db);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}

/* How long a statement waits for another process's lock (a backup, `roundtable export`) before
 * it fails: long enough for a reader, short enough not to stall the room. */
#define BUSY_TIMEOUT_MS "2000"

/* Each setting the store depends on, and the value it must read back. */
static const struct {
	const char *pragma;
	const char *expect;
	const char *why;
} settings[] = {
    {"journal_mode", "wal", "write-ahead logging, so readers never block commits"},
    {"synchronous", "2", "synchronous=FULL, so an acknowledged command survives a power loss"},
    {"foreign_keys", "1", "foreign keys enforced"},
    {"busy_timeout", BUSY_TIMEOUT_MS, "a busy timeout of " BUSY_TIMEOUT_MS " ms"},
    {"secure_delete", "1", "secure_delete, so deleted content leaves no trace (CHR-5)"},
};

/* PL-3: reads every setting back. SQLite ignores some silently (a database another process
 * holds open in rollback-journal mode stays in it; a file system without shared memory cannot
 * do WAL): serving without them would acknowledge commands that are not safe. */
static int check_settings(sqlite3 *db, char *errbuf, size_t errlen)
{
	for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
		char sql[64], got[32] = "";
		snprintf(sql, sizeof sql, "PRAGMA %s", settings[i].pragma);
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_text(st, 0))
			snprintf(got, sizeof got, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (strcmp(got, settings[i].expect) != 0) {
			if (errbuf)
				snprintf(errbuf, errlen,
				         "the database refused a setting: PRAGMA %s is '%s', it must be '%s' (%s); "
				         "is another program holding the database open?",
				         settings[i].pragma, got, settings[i].expect, settings[i].why);
			return -1;
		}
	}
	return 0;
}

/* Proves the data folder takes a new file and an fsync before anything is opened in it: a
 * read-only or full folder is refused at start-up, with its name, not at the first command. */
static int probe_folder(const char *path, char *errbuf, size_t errlen)
{
	char probe[4096];
	if (snprintf(probe, sizeof probe, "%s.probe", path) >= (int)sizeof probe) {
		if (errbuf)
			snprintf(errbuf, errlen, "the database path is too long");
		return -1;
	}
	int fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int err = fd < 0 ? errno : 0;
	if (fd >= 0) {
		if (write(fd, "roundtable", 10) != 10 || fsync(fd))
			err = errno ? errno : EIO;
		close(fd);
		unlink(probe);
	}
	if (err) {
		char dir[4096];
		snprintf(dir, sizeof dir, "%s", path);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		if (errbuf)
			snprintf(errbuf, errlen, "the data folder %s is not writable: %s", slash ? dir : ".",
			         strerror(err));
		return -1;
	}
	return 0;
}

store *store_open(const char *path, char *errbuf, size_t errlen)
{
	store *s = calloc(1, sizeof *s);
	if (!s) {
		set_err(errbuf, errlen, "opening the database", NULL);
		return NULL;
	}
	if (probe_folder(path, errbuf, errlen))
		goto fail;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		set_err(errbuf, errlen, "opening the database", s->db);
		goto fail;
	}
	/* WAL with synchronous=FULL: a commit is on disk when COMMIT returns (PL-3), and readers
	 * (backups, exports) never block the loop. */
	if (sqlite3_exec(s->db,
	                 "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
	                 "PRAGMA busy_timeout = " BUSY_TIMEOUT_MS ";"
	                 /* CHR-5: deleted content is overwritten, never left in free space */
	                 "PRAGMA secure_delete = ON;",
	                 NULL, NULL, NULL) != SQLITE_OK) {
		set_err(errbuf, errlen, "configuring the database", s->db);
		goto fail;
	}
	if (check_settings(s->db, errbuf, errlen))
		goto fail;
	if (migrate(s->db, errbuf, errlen))
		goto fail;
	for (int i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL) !=
		    SQLITE_OK) {
			set_err(errbuf, errlen, "preparing statements", s->db);
			goto fail;
		}
	}
	s->checkpoint_on_close = true;
	return s;
fail:
	store_close(s);
	return NULL;
}

void store_close(store *s)
{
	if (!s)
		return;
	if (s->in_txn)
		sqlite3_step(s->stmt[ST_ROLLBACK]);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	/* A clean stop leaves the WAL copied into the file and empty: a backup of the file alone
	 * is then complete. Busy (another reader) only means the next open replays the WAL. */
	if (s->db && s->checkpoint_on_close)
		sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	sqlite3_close(s->db);
	free(s);
}

/* Steps a statement that returns no row, then resets it. */
static int run(store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	(void)s;
	return rc == SQLITE_DONE ? 0 : -1;
}

static void done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static int begin(store *s)
{
	if (s->in_txn)
		return 0;
	if (run(s, s->stmt[ST_BEGIN]))
		return -1;
	s->in_txn = true;
	return 0;
}

static void bind_id(sqlite3_stmt *st, int col, const char *cid);
static int set_consultation(store *s, enum stmt_id which, const char *cid, int64_t value);

void store_rollback(store *s)
{
	if (s->in_txn)
		run(s, s->stmt[ST_ROLLBACK]);
	s->in_txn = false;
}

rt_err store_commit(store *s)
{
	if (!s->in_txn)
		return RT_OK;
	if (run(s, s->stmt[ST_COMMIT])) {
		store_rollback(s);
		return RT_E_SERVER_UNAVAILABLE;
	}
	s->in_txn = false;
	s->commits++;
	return RT_OK;
}

rt_err store_compact(store *s, char *errbuf, size_t errlen)
{
	if (s->in_txn) {
		snprintf(errbuf, errlen, "a transaction is open");
		return RT_E_SERVER_UNAVAILABLE;
	}
	/* Copy the WAL into the file and empty it, rebuild the file without free pages, then empty
	 * the WAL again (VACUUM wrote through it). A reader holding the WAL open makes a TRUNCATE
	 * checkpoint return busy (its second column): that is a failure, not a success. */
	static const char *const steps[] = {"PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM",
	                                    "PRAGMA wal_checkpoint(TRUNCATE)"};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(s->db, steps[i], -1, &st, NULL) != SQLITE_OK) {
			set_err(errbuf, errlen, steps[i], s->db);
			return RT_E_SERVER_UNAVAILABLE;
		}
		int rc = sqlite3_step(st);
		bool busy = rc == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
		if (rc == SQLITE_ROW)
			rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE || busy) {
			if (busy)
				snprintf(errbuf, errlen, "%s: another reader has the database open", steps[i]);
			else
				set_err(errbuf, errlen, steps[i], s->db);
			return RT_E_SERVER_UNAVAILABLE;
		}
	}
	return RT_OK;
}

bool store_in_transaction(const store *s)
{
	return s->in_txn;
}
uint64_t store_commit_count(const store *s)
{
	return s->commits;
}

/* --- organiser operations ---------------------------------------------------------------- */

rt_err store_create_consultation(store *s, const core_agenda *a, const uint8_t secret[STORE_SECRET_BYTES],
                                 const char *origin)
{
	char channels[CORE_MAX_CHANNELS * 3 + 1] = "";
	size_t used = 0;
	for (int i = 0; i < a->nchannels && used < sizeof channels; i++)
		used += (size_t)snprintf(channels + used, sizeof channels - used, "%s%s", i ? " " : "",
		                         core_lang_name(a->channels[i]));
	if (begin(s))
		return RT_E_SERVER_UNAVAILABLE;
	sqlite3_stmt *st = s->stmt[ST_INSERT_CONSULTATION];
	sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
	if (origin)
		sqlite3_bind_text(st, 2, origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->timezone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, a->date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, core_lang_name(a->floor), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, channels, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, a->premoderation);
	sqlite3_bind_blob(st, 9, secret, STORE_SECRET_BYTES, SQLITE_STATIC);
	sqlite3_bind_int(st, 10, a->max_open_questions ? a->max_open_questions : CORE_DEFAULT_OPEN_QUESTIONS);
	sqlite3_bind_int(st, 11, a->votes_per_minute ? a->votes_per_minute : CORE_DEFAULT_VOTES_PER_MINUTE);
	sqlite3_bind_int(st, 12, a->warning_minutes);
	sqlite3_bind_int(st, 13, a->close_minutes);
	if (run(s, st))
		goto fail;
	for (int i = 0; i < a->nsegments; i++) {
		const core_segment *seg = &a->segments[i];
		st = s->stmt[ST_INSERT_SEGMENT];
		sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, i);
		sqlite3_bind_text(st, 3, seg->title, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, core_segment_kind_name(seg->kind), -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, seg->start_min);
		sqlite3_bind_int(st, 6, seg->duration_min);
		sqlite3_bind_int(st, 7, seg->questions_open);
		sqlite3_bind_int(st, 8, seg->chatham_house);
		sqlite3_bind_text(st, 9, seg->date, -1, SQLITE_STATIC);
		if (run(s, st))
			goto fail;
	}
	for (int l = 0; l < CORE_LANG_COUNT; l++) {
		const core_listening *li = &a->listening[l];
		if (!li->zoom_channel[0] && !li->note[0])
			continue;
		st = s->stmt[ST_INSERT_LISTENING];
		sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, core_lang_name((core_lang)l), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, li->zoom_channel, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, li->note, -1, SQLITE_STATIC);
		if (run(s, st))
			goto fail;
	}
	return RT_OK;
fail:
	store_rollback(s);
	return RT_E_SERVER_UNAVAILABLE;
}

rt_err store_find_by_origin(store *s, const char *origin, char *id)
{
	sqlite3_stmt *st = s->stmt[ST_FIND_ORIGIN];
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	rt_err err = RT_E_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(id, CORE_ID_MAX + 1, "%s", (const char *)sqlite3_column_text(st, 0));
		err = RT_OK;
	}
	done(st);
	return err;
}

rt_err store_add_token(store *s, const store_token *t)
{
	if (begin(s))
		return RT_E_SERVER_UNAVAILABLE;
	sqlite3_stmt *st = s->stmt[ST_INSERT_TOKEN];
	sqlite3_bind_blob(st, 1, t->hash, STORE_HASH_BYTES, SQLITE_STATIC);
	if (t->programme[0])
		sqlite3_bind_text(st, 3, t->programme, -1, SQLITE_STATIC);
	else
		sqlite3_bind_text(st, 2, t->consultation, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, core_role_name(t->role), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, (int)t->kind);
	sqlite3_bind_text(st, 6, t->label, -1, SQLITE_STATIC);
	if (run(s, st)) {
		store_rollback(s);
		return RT_E_SERVER_UNAVAILABLE;
	}
	return RT_OK;
}

rt_err store_revoke_tokens(store *s, const char *cid, core_role role, store_token_kind kind, const char *label,
                           int *count)
{
	*count = 0;
	if (begin(s))
		return RT_E_SERVER_UNAVAILABLE;
	sqlite3_stmt *st = s->stmt[ST_REVOKE_TOKENS];
	bind_id(st, 1, cid);
	sqlite3_bind_text(st, 2, core_role_name(role), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, (int)kind);
	if (label)
		sqlite3_bind_text(st, 4, label, -1, SQLITE_STATIC);
	if (run(s, st)) {
		store_rollback(s);
		return RT_E_SERVER_UNAVAILABLE;
	}
	*count = sqlite3_changes(s->db);
	return RT_OK;
}

rt_err store_expire_links(store *s, const char *cid, int64_t at_ms)
{
	if (begin(s) || set_consultation(s, ST_EXPIRE_LINKS, cid, at_ms))
		return RT_E_SERVER_UNAVAILABLE;
	return RT_OK;
}

rt_err store_links_expire(store *s, const char *cid, int64_t *at_ms)
{
	sqlite3_stmt *st = s->stmt[ST_LINKS_EXPIRE];
	bind_id(st, 1, cid);
	int rc = sqlite3_step(st);
	*at_ms = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	done(st);
	return rc == SQLITE_ROW ? RT_OK : rc == SQLITE_DONE ? RT_E_NOT_FOUND : RT_E_SERVER_UNAVAILABLE;
}

/* An id column into a CORE_ID_MAX + 1 buffer; "" for NULL. */
static void column_id(sqlite3_stmt *st, int col, char *out)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(out, CORE_ID_MAX + 1, "%s", t ? (const char *)t : "");
}

/* Constant-time comparison without linking libcrypto into the store. */
static bool same_hash(const uint8_t *a, const uint8_t *b)
{
	volatile uint8_t diff = 0;
	for (int i = 0; i < STORE_HASH_BYTES; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

rt_err store_find_token(store *s, const uint8_t hash[STORE_HASH_BYTES], int64_t now_ms, store_token *out)
{
	/* The index finds the row by the hash of the token, never by the token itself, so the
	 * look-up's timing says nothing about any token; the final comparison is constant-time. */
	sqlite3_stmt *st = s->stmt[ST_FIND_TOKEN];
	sqlite3_bind_blob(st, 1, hash, STORE_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_ms);
	rt_err err = RT_E_AUTH_INVALID;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == STORE_HASH_BYTES &&
	    same_hash(sqlite3_column_blob(st, 0), hash)) {
		memset(out, 0, sizeof *out);
		memcpy(out->hash, hash, STORE_HASH_BYTES);
		column_id(st, 1, out->consultation);
		column_id(st, 2, out->programme);
		int role = core_role_parse((const char *)sqlite3_column_text(st, 3));
		out->kind = (store_token_kind)sqlite3_column_int(st, 4);
		snprintf(out->label, sizeof out->label, "%s", (const char *)sqlite3_column_text(st, 5));
		if (role >= 0) {
			out->role = (core_role)role;
			err = RT_OK;
		}
	}
	done(st);
	return err;
}

/* --- load -------------------------------------------------------------------------------- */

/* What the consultation and segment rows hold besides the agenda itself. */
typedef struct loaded {
	uint64_t seq;
	int current;
	uint32_t answering;
	int clock;
	int64_t clock_started_at;
	int floor_now; /* core_lang, or -1: the agenda's floor */
	uint32_t next_up;
	bool sealed;
	uint32_t participants;
	core_timing timing[CORE_MAX_SEGMENTS];
} loaded;

static rt_err load_agenda(store *s, const char *id, core_agenda *a, uint8_t secret[STORE_SECRET_BYTES], loaded *l)
{
	sqlite3_stmt *st = s->stmt[ST_LOAD_CONSULTATION];
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		done(st);
		return rc == SQLITE_DONE ? RT_E_NOT_FOUND : RT_E_SERVER_UNAVAILABLE;
	}
	memset(a, 0, sizeof *a);
	snprintf(a->id, sizeof a->id, "%s", id);
	snprintf(a->title, sizeof a->title, "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(a->timezone, sizeof a->timezone, "%s", (const char *)sqlite3_column_text(st, 1));
	snprintf(a->date, sizeof a->date, "%s", (const char *)sqlite3_column_text(st, 2));
	int floor = core_lang_parse((const char *)sqlite3_column_text(st, 3));
	a->floor = floor < 0 ? CORE_LANG_EN : (core_lang)floor;
	char channels[64];
	snprintf(channels, sizeof channels, "%s", (const char *)sqlite3_column_text(st, 4));
	for (char *save = NULL, *tok = strtok_r(channels, " ", &save); tok && a->nchannels < CORE_MAX_CHANNELS;
	     tok = strtok_r(NULL, " ", &save)) {
		int lang = core_lang_parse(tok);
		if (lang >= 0)
			a->channels[a->nchannels++] = (core_lang)lang;
	}
	a->premoderation = sqlite3_column_int(st, 5) != 0;
	memset(secret, 0, STORE_SECRET_BYTES);
	if (sqlite3_column_bytes(st, 6) == STORE_SECRET_BYTES)
		memcpy(secret, sqlite3_column_blob(st, 6), STORE_SECRET_BYTES);
	l->seq = (uint64_t)sqlite3_column_int64(st, 7);
	l->current = sqlite3_column_int(st, 8);
	l->answering = (uint32_t)sqlite3_column_int64(st, 9);
	a->max_open_questions = (uint16_t)sqlite3_column_int(st, 10);
	a->votes_per_minute = (uint16_t)sqlite3_column_int(st, 11);
	l->clock = sqlite3_column_int(st, 12);
	l->clock_started_at = sqlite3_column_int64(st, 13);
	a->warning_minutes = (uint16_t)sqlite3_column_int(st, 14);
	a->close_minutes = (uint16_t)sqlite3_column_int(st, 15);
	const unsigned char *floor_now = sqlite3_column_text(st, 16);
	l->floor_now = floor_now ? core_lang_parse((const char *)floor_now) : -1;
	l->next_up = (uint32_t)sqlite3_column_int64(st, 17);
	l->sealed = sqlite3_column_int(st, 18) != 0;
	l->participants = (uint32_t)sqlite3_column_int64(st, 19);
	done(st);

	st = s->stmt[ST_LOAD_SEGMENTS];
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && a->nsegments < CORE_MAX_SEGMENTS) {
		core_segment *seg = &a->segments[a->nsegments++];
		snprintf(seg->title, sizeof seg->title, "%s", (const char *)sqlite3_column_text(st, 0));
		int kind = core_segment_kind_parse((const char *)sqlite3_column_text(st, 1));
		seg->kind = kind < 0 ? CORE_SEG_OPENING : (core_segment_kind)kind;
		seg->start_min = (uint16_t)sqlite3_column_int(st, 2);
		seg->duration_min = (uint16_t)sqlite3_column_int(st, 3);
		seg->questions_open = sqlite3_column_int(st, 4) != 0;
		seg->chatham_house = sqlite3_column_int(st, 5) != 0;
		snprintf(seg->date, sizeof seg->date, "%s", (const char *)sqlite3_column_text(st, 6));
		core_timing *t = &l->timing[a->nsegments - 1];
		t->started_at = sqlite3_column_int64(st, 7);
		t->elapsed_ms = sqlite3_column_int64(st, 8);
		t->allotted_ms = sqlite3_column_type(st, 9) == SQLITE_NULL ? (int64_t)seg->duration_min * 60000
		                                                           : sqlite3_column_int64(st, 9);
		t->auto_closed = sqlite3_column_int(st, 10) != 0;
	}
	done(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return RT_E_SERVER_UNAVAILABLE;

	st = s->stmt[ST_LOAD_LISTENING];
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int lang = core_lang_parse((const char *)sqlite3_column_text(st, 0));
		if (lang < 0)
			continue;
		core_listening *li = &a->listening[lang];
		snprintf(li->zoom_channel, sizeof li->zoom_channel, "%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(li->note, sizeof li->note, "%s", (const char *)sqlite3_column_text(st, 2));
	}
	done(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? RT_OK : RT_E_SERVER_UNAVAILABLE;
}

static void column_pseud(sqlite3_stmt *st, int col, core_pseud *out)
{
	memset(out, 0, sizeof *out);
	if (sqlite3_column_bytes(st, col) == CORE_PSEUD_LEN)
		memcpy(out->b, sqlite3_column_blob(st, col), CORE_PSEUD_LEN);
}

/* Turns one row of a load statement into the event that produced it. */
typedef void (*row_event_fn)(sqlite3_stmt *st, const core_state *stt, core_event *ev);

static void question_row(sqlite3_stmt *st, const core_state *stt, core_event *ev)
{
	ev->kind = CORE_EV_QUESTION_POSTED;
	ev->question = (uint32_t)sqlite3_column_int64(st, 0);
	ev->segment = (uint16_t)sqlite3_column_int(st, 1);
	int lang = core_lang_parse((const char *)sqlite3_column_text(st, 2));
	int state = core_qstate_parse((const char *)sqlite3_column_text(st, 3));
	ev->lang = lang < 0 ? stt->agenda.floor : (core_lang)lang;
	ev->state = state < 0 ? CORE_Q_PENDING : (core_qstate)state;
	ev->text = (const char *)sqlite3_column_text(st, 4);
	ev->text_len = (uint32_t)sqlite3_column_bytes(st, 4);
	column_pseud(st, 5, &ev->author);
	ev->edited = sqlite3_column_int(st, 6) != 0;
	ev->pinned = sqlite3_column_int(st, 7) != 0;
	ev->into = (uint32_t)sqlite3_column_int64(st, 8);
	/* Until sealed, the vote rows make the totals (they replay after the questions). */
	ev->votes = stt->sealed ? (uint32_t)sqlite3_column_int64(st, 9) : 0;
	ev->theme = (const char *)sqlite3_column_text(st, 10);
	ev->theme_len = (uint32_t)sqlite3_column_bytes(st, 10);
	ev->included = sqlite3_column_int(st, 11) != 0;
}

static void acceptance_row(sqlite3_stmt *st, const core_state *stt, core_event *ev)
{
	(void)stt;
	ev->kind = CORE_EV_RULE_ACCEPTED;
	column_pseud(st, 0, &ev->author);
}

static void note_row(sqlite3_stmt *st, const core_state *stt, core_event *ev)
{
	(void)stt;
	ev->kind = CORE_EV_NOTE;
	ev->segment = (uint16_t)sqlite3_column_int(st, 0);
	ev->text = (const char *)sqlite3_column_text(st, 1);
	ev->text_len = (uint32_t)sqlite3_column_bytes(st, 1);
	ev->version = (uint32_t)sqlite3_column_int64(st, 2);
}

static void paraphrase_row(sqlite3_stmt *st, const core_state *stt, core_event *ev)
{
	(void)stt;
	ev->kind = CORE_EV_PARAPHRASE;
	ev->paraphrase = (uint32_t)sqlite3_column_int64(st, 0);
	ev->segment = (uint16_t)sqlite3_column_int(st, 1);
	ev->theme = (const char *)sqlite3_column_text(st, 2);
	ev->theme_len = (uint32_t)sqlite3_column_bytes(st, 2);
	ev->deleted = sqlite3_column_type(st, 3) == SQLITE_NULL;
	ev->text = (const char *)sqlite3_column_text(st, 3);
	ev->text_len = (uint32_t)sqlite3_column_bytes(st, 3);
	ev->included = sqlite3_column_int(st, 4) != 0;
}

static void vote_row(sqlite3_stmt *st, const core_state *stt, core_event *ev)
{
	(void)stt;
	ev->kind = CORE_EV_VOTE_ADDED;
	ev->question = (uint32_t)sqlite3_column_int64(st, 0);
	column_pseud(st, 1, &ev->voter);
}

/* Runs a load statement for one consultation and evolves stt with each row's event. */
static int replay(store *s, enum stmt_id which, const char *id, row_event_fn to_event, core_state *stt)
{
	sqlite3_stmt *st = s->stmt[which];
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		core_event ev;
		memset(&ev, 0, sizeof ev);
		to_event(st, stt, &ev);
		if (core_evolve(stt, &ev)) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

rt_err store_load(store *s, const char *id, core_state *stt, uint8_t secret[STORE_SECRET_BYTES])
{
	core_agenda *agenda = malloc(sizeof *agenda);
	if (!agenda)
		return RT_E_SERVER_UNAVAILABLE;
	loaded *l = calloc(1, sizeof *l);
	rt_err err = l ? load_agenda(s, id, agenda, secret, l) : RT_E_SERVER_UNAVAILABLE;
	if (err) {
		free(agenda);
		free(l);
		return err;
	}
	core_state_init(stt, agenda);
	free(agenda);
	stt->current_segment = (uint16_t)(l->current >= 0 && l->current < stt->agenda.nsegments ? l->current : 0);
	stt->clock = l->clock >= 0 && l->clock < CORE_CLOCK_STATE_COUNT ? (core_clock_state)l->clock : CORE_CLOCK_IDLE;
	stt->clock_started_at = l->clock_started_at;
	if (l->floor_now >= 0 && core_language_offered(&stt->agenda, (core_lang)l->floor_now))
		stt->floor_now = (core_lang)l->floor_now;
	memcpy(stt->timing, l->timing, sizeof stt->timing);
	uint64_t seq = l->seq;
	uint32_t answering = l->answering, next_up = l->next_up;
	stt->sealed = l->sealed;
	stt->participants = l->participants;
	free(l);

	/* The rows are the image of past events: replaying them through core_evolve rebuilds the
	 * state with the same code that built it live. */
	if (replay(s, ST_LOAD_QUESTIONS, id, question_row, stt) || replay(s, ST_LOAD_VOTES, id, vote_row, stt) ||
	    replay(s, ST_LOAD_ACCEPTANCE, id, acceptance_row, stt) || replay(s, ST_LOAD_NOTES, id, note_row, stt) ||
	    replay(s, ST_LOAD_PARAPHRASES, id, paraphrase_row, stt))
		goto fail;
	stt->seq = seq;
	stt->answering = core_question_get(stt, answering) ? answering : 0;
	/* The selection may have lapsed since it was written (core.c, lapse_next): the same rule. */
	const core_question *nq = core_question_get(stt, next_up);
	stt->next_up = nq && nq->state == CORE_Q_APPROVED && next_up != stt->answering ? next_up : 0;
	return RT_OK;
fail:
	core_state_free(stt);
	return RT_E_SERVER_UNAVAILABLE;
}

/* --- append ------------------------------------------------------------------------------ */

static void bind_id(sqlite3_stmt *st, int col, const char *cid)
{
	sqlite3_bind_text(st, col, cid, -1, SQLITE_STATIC);
}

/* Writes the row image of question `id` as it is in st. */
static int save_question(store *s, const char *cid, const core_state *stt, uint32_t id)
{
	const core_question *q = core_question_get(stt, id);
	if (!q)
		return -1;
	sqlite3_stmt *st = s->stmt[ST_SAVE_QUESTION];
	bind_id(st, 1, cid);
	sqlite3_bind_int64(st, 2, q->id);
	sqlite3_bind_int(st, 3, q->segment);
	sqlite3_bind_text(st, 4, core_lang_name(q->lang), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, core_qstate_name(q->state), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, q->text, (int)q->text_len, SQLITE_STATIC);
	/* Once sealed a row has no author, and its vote total stands in for the vote rows. */
	if (!stt->sealed)
		sqlite3_bind_blob(st, 7, q->author.b, CORE_PSEUD_LEN, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, q->edited);
	sqlite3_bind_int(st, 9, q->pinned);
	if (q->state == CORE_Q_MERGED)
		sqlite3_bind_int64(st, 10, q->into);
	if (stt->sealed)
		sqlite3_bind_int64(st, 11, q->votes);
	sqlite3_bind_text(st, 12, q->theme, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 13, q->reported);
	return run(s, st);
}

/* Writes the live part of segment `i` as it is in st. */
static int save_segment(store *s, const char *cid, const core_state *stt, int i)
{
	if (i < 0 || i >= stt->agenda.nsegments)
		return -1;
	const core_timing *t = &stt->timing[i];
	sqlite3_stmt *st = s->stmt[ST_SAVE_SEGMENT];
	sqlite3_bind_int(st, 1, stt->agenda.segments[i].questions_open);
	sqlite3_bind_int64(st, 2, t->started_at);
	sqlite3_bind_int64(st, 3, t->elapsed_ms);
	sqlite3_bind_int64(st, 4, t->allotted_ms);
	sqlite3_bind_int(st, 5, t->auto_closed);
	bind_id(st, 6, cid);
	sqlite3_bind_int(st, 7, i);
	return run(s, st);
}

/* Binds (consultation, a, b) as integers after the id and runs the statement. */
static int run_ints(store *s, enum stmt_id which, const char *cid, int64_t a, int64_t b, int nb)
{
	sqlite3_stmt *st = s->stmt[which];
	bind_id(st, 1, cid);
	if (nb > 0)
		sqlite3_bind_int64(st, 2, a);
	if (nb > 1)
		sqlite3_bind_int64(st, 3, b);
	return run(s, st);
}

/* Runs a statement whose parameters are (value, consultation). */
static int set_consultation(store *s, enum stmt_id which, const char *cid, int64_t value)
{
	sqlite3_stmt *st = s->stmt[which];
	sqlite3_bind_int64(st, 1, value);
	bind_id(st, 2, cid);
	return run(s, st);
}

static int append_one(store *s, const char *cid, const core_state *stt, const core_event *ev)
{
	sqlite3_stmt *st;
	switch (ev->kind) {
	case CORE_EV_VOTE_ADDED:
	case CORE_EV_VOTE_REMOVED:
		st = s->stmt[ev->kind == CORE_EV_VOTE_ADDED ? ST_INSERT_VOTE : ST_DELETE_VOTE];
		bind_id(st, 1, cid);
		sqlite3_bind_int64(st, 2, ev->question);
		sqlite3_bind_blob(st, 3, ev->voter.b, CORE_PSEUD_LEN, SQLITE_STATIC);
		return run(s, st);
	case CORE_EV_QUESTION_MERGED:
		if (run_ints(s, ST_MOVE_VOTES, cid, ev->question, ev->into, 2) ||
		    run_ints(s, ST_DELETE_VOTES, cid, ev->question, 0, 1))
			return -1;
		return save_question(s, cid, stt, ev->question);
	case CORE_EV_ANSWERING:
		return set_consultation(s, ST_SET_ANSWERING, cid, ev->question);
	case CORE_EV_NEXT:
		return set_consultation(s, ST_SET_NEXT, cid, ev->question);
	case CORE_EV_AGENDA_CURRENT:
		return set_consultation(s, ST_SET_CURRENT, cid, ev->segment);
	case CORE_EV_SEGMENT_OPENED:
	case CORE_EV_SEGMENT_CLOSED:
		return save_segment(s, cid, stt, ev->segment);
	case CORE_EV_CLOCK:
		st = s->stmt[ST_SET_CLOCK];
		sqlite3_bind_int(st, 1, (int)stt->clock);
		sqlite3_bind_int64(st, 2, stt->clock_started_at);
		bind_id(st, 3, cid);
		if (run(s, st))
			return -1;
		for (int i = 0; i < ev->ntiming; i++)
			if (save_segment(s, cid, stt, ev->timing_segment[i]))
				return -1;
		return 0;
	case CORE_EV_FLOOR:
		st = s->stmt[ST_SET_FLOOR];
		sqlite3_bind_text(st, 1, core_lang_name(stt->floor_now), -1, SQLITE_STATIC);
		bind_id(st, 2, cid);
		return run(s, st);
	case CORE_EV_RULE_ACCEPTED:
		st = s->stmt[ST_INSERT_ACCEPTANCE];
		bind_id(st, 1, cid);
		sqlite3_bind_blob(st, 2, ev->author.b, CORE_PSEUD_LEN, SQLITE_STATIC);
		return run(s, st);
	case CORE_EV_NOTE:
		st = s->stmt[ST_SAVE_NOTE];
		bind_id(st, 1, cid);
		sqlite3_bind_int(st, 2, ev->segment);
		sqlite3_bind_text(st, 3, ev->text_len ? ev->text : "", (int)ev->text_len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, ev->version);
		return run(s, st);
	case CORE_EV_PARAPHRASE: {
		const core_paraphrase *p = &stt->paras[ev->paraphrase - 1];
		st = s->stmt[ST_SAVE_PARAPHRASE];
		bind_id(st, 1, cid);
		sqlite3_bind_int64(st, 2, p->id);
		sqlite3_bind_int(st, 3, p->segment);
		sqlite3_bind_text(st, 4, p->theme, -1, SQLITE_STATIC);
		if (!p->deleted)
			sqlite3_bind_text(st, 5, p->text, (int)p->text_len, SQLITE_STATIC);
		sqlite3_bind_int(st, 6, p->included);
		return run(s, st);
	}
	case CORE_EV_SEALED:
		for (uint32_t i = 1; i <= stt->nquestions; i++)
			if (save_question(s, cid, stt, i))
				return -1;
		if (run_ints(s, ST_SEAL_VOTES, cid, 0, 0, 0) || run_ints(s, ST_SEAL_ACCEPTANCE, cid, 0, 0, 0) ||
		    run_ints(s, ST_SEAL_RECEIPTS, cid, 0, 0, 0))
			return -1;
		return set_consultation(s, ST_SEAL, cid, stt->participants);
	case CORE_EV_COUNT:
		return -1;
	default:
		return save_question(s, cid, stt, ev->question);
	}
}

rt_err store_append(store *s, const core_state *stt, const core_event *events, int n)
{
	const char *cid = stt->agenda.id;
	int stored = 0;
	for (int i = 0; i < n; i++)
		stored += !core_event_ephemeral(&events[i]);
	if (stored == 0)
		return RT_OK;
	if (begin(s))
		return RT_E_SERVER_UNAVAILABLE;
	/* A savepoint would let one failed command leave the batch's others intact; a failed
	 * statement here means the database is failing, so the whole batch is refused instead. */
	uint64_t seq = 0;
	for (int i = 0; i < n; i++) {
		if (core_event_ephemeral(&events[i]))
			continue; /* never stored: booth signals (LC-4) */
		if (append_one(s, cid, stt, &events[i]))
			return RT_E_SERVER_UNAVAILABLE;
		seq = events[i].seq;
	}
	if (seq && set_consultation(s, ST_SET_SEQ, cid, (int64_t)seq))
		return RT_E_SERVER_UNAVAILABLE;
	return RT_OK;
}

/* --- receipts (PL-3) --------------------------------------------------------------------- */

rt_err store_find_receipt(store *s, const char *cid, const uint8_t key[STORE_RECEIPT_KEY_BYTES], char **ack,
                          size_t *len)
{
	sqlite3_stmt *st = s->stmt[ST_FIND_RECEIPT];
	bind_id(st, 1, cid);
	sqlite3_bind_blob(st, 2, key, STORE_RECEIPT_KEY_BYTES, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	rt_err err = rc == SQLITE_DONE ? RT_E_NOT_FOUND : RT_E_SERVER_UNAVAILABLE;
	if (rc == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		const void *b = sqlite3_column_blob(st, 0);
		*ack = malloc(n ? n : 1);
		if (*ack) {
			memcpy(*ack, b, n);
			*len = n;
			err = RT_OK;
		}
	}
	done(st);
	return err;
}

rt_err store_put_receipt(store *s, const char *cid, const uint8_t key[STORE_RECEIPT_KEY_BYTES], const void *ack,
                         size_t len)
{
	if (begin(s))
		return RT_E_SERVER_UNAVAILABLE;
	sqlite3_stmt *st = s->stmt[ST_INSERT_RECEIPT];
	bind_id(st, 1, cid);
	sqlite3_bind_blob(st, 2, key, STORE_RECEIPT_KEY_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, ack, (int)len, SQLITE_STATIC);
	return run(s, st) ? RT_E_SERVER_UNAVAILABLE : RT_OK;
}

/* --- backup ------------------------------------------------------------------------------- */

/* Runs one statement on db that returns no row (or whose rows are ignored). */
static int exec_sql(sqlite3 *db, const char *sql, char *errbuf, size_t errlen)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	set_err(errbuf, errlen, sql, db);
	return -1;
}

/* Deletes from the copy `db` every row of every consultation but `cid`. Each table is keyed by
 * a `consultation` column (the consultation table by `id`); a table with neither is an error,
 * so that a future migration cannot leak another consultation's rows into a backup. */
static int keep_only(sqlite3 *db, const char *cid, char *errbuf, size_t errlen)
{
	sqlite3_stmt *tables;
	if (sqlite3_prepare_v2(db,
	                       "SELECT m.name, EXISTS (SELECT 1 FROM pragma_table_info(m.name) AS c WHERE c.name = "
	                       "'consultation') FROM sqlite_schema AS m WHERE m.type = 'table' AND m.name NOT LIKE "
	                       "'sqlite\\_%' ESCAPE '\\'",
	                       -1, &tables, NULL) != SQLITE_OK) {
		set_err(errbuf, errlen, "listing the tables", db);
		return -1;
	}
	int rc = 0;
	while (rc == 0 && sqlite3_step(tables) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(tables, 0);
		bool keyed = sqlite3_column_int(tables, 1) != 0;
		if (!strcmp(name, "programme"))
			continue; /* emptied by finish_copy */
		const char *column = keyed ? "consultation" : !strcmp(name, "consultation") ? "id" : NULL;
		if (!column) {
			snprintf(errbuf, errlen, "table %s is not keyed by consultation", name);
			rc = -1;
			break;
		}
		char *sql = sqlite3_mprintf("DELETE FROM \"%w\" WHERE \"%w\" IS NOT ?", name, column);
		sqlite3_stmt *del = NULL;
		if (!sql || sqlite3_prepare_v2(db, sql, -1, &del, NULL) != SQLITE_OK) {
			set_err(errbuf, errlen, "preparing a deletion", db);
			rc = -1;
		} else {
			sqlite3_bind_text(del, 1, cid, -1, SQLITE_STATIC);
			if (sqlite3_step(del) != SQLITE_DONE) {
				set_err(errbuf, errlen, "deleting other consultations", db);
				rc = -1;
			}
		}
		sqlite3_finalize(del);
		sqlite3_free(sql);
	}
	sqlite3_finalize(tables);
	return rc;
}

/* The first column of the first row of `sql` on db, as text in out ("" if none). */
static int first_value(sqlite3 *db, const char *sql, char *out, size_t cap, char *errbuf, size_t errlen)
{
	sqlite3_stmt *st;
	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		set_err(errbuf, errlen, sql, db);
		return -1;
	}
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		set_err(errbuf, errlen, sql, db);
		return -1;
	}
	return 0;
}

/* Makes the copy `db` hold consultation `cid` alone, in one self-contained file (no WAL),
 * checked for integrity and foreign keys, without free pages. */
static int finish_copy(sqlite3 *db, const char *cid, char *errbuf, size_t errlen)
{
	char got[64];
	if (exec_sql(db, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;", errbuf,
	             errlen) ||
	    exec_sql(db, "BEGIN IMMEDIATE", errbuf, errlen))
		return -1;
	/* A programme spans consultations: the copy keeps the consultation alone, outside it (its
	 * attendance stays; keep_only drops the programme's own links and waiting list, whose
	 * consultation is NULL). */
	if (exec_sql(db, "UPDATE consultation SET programme = NULL", errbuf, errlen) ||
	    exec_sql(db, "DELETE FROM programme", errbuf, errlen) || keep_only(db, cid, errbuf, errlen)) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (exec_sql(db, "COMMIT", errbuf, errlen) || exec_sql(db, "VACUUM", errbuf, errlen))
		return -1;
	if (first_value(db, "PRAGMA foreign_key_check", got, sizeof got, errbuf, errlen))
		return -1;
	if (got[0]) {
		snprintf(errbuf, errlen, "the copy fails its foreign key check (table %s)", got);
		return -1;
	}
	if (first_value(db, "PRAGMA integrity_check", got, sizeof got, errbuf, errlen))
		return -1;
	if (strcmp(got, "ok") != 0) {
		snprintf(errbuf, errlen, "the copy fails its integrity check: %s", got);
		return -1;
	}
	return 0;
}

/* fsyncs a file, or the folder holding it (for a rename). */
static int sync_path(const char *path, bool folder)
{
	char dir[4096];
	if (folder) {
		snprintf(dir, sizeof dir, "%s", path);
		char *slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else if (slash)
			*slash = '\0';
		else
			snprintf(dir, sizeof dir, ".");
		path = dir;
	}
	int fd = open(path, O_RDONLY | (folder ? O_DIRECTORY : 0) | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

rt_err store_backup(store *s, const char *cid, const char *path, bool *sealed, char *errbuf, size_t errlen)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.partial", path) >= (int)sizeof tmp) {
		snprintf(errbuf, errlen, "the backup path is too long");
		return RT_E_SERVER_UNAVAILABLE;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT sealed FROM consultation WHERE id = ?", -1, &st, NULL) != SQLITE_OK) {
		set_err(errbuf, errlen, "reading the consultation", s->db);
		return RT_E_SERVER_UNAVAILABLE;
	}
	sqlite3_bind_text(st, 1, cid, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sealed)
		*sealed = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		snprintf(errbuf, errlen, "no such consultation");
		return RT_E_NOT_FOUND;
	}
	/* The copy holds what the database holds: it is created readable by its owner alone. */
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(errbuf, errlen, "cannot create %s: %s", tmp, strerror(errno));
		return RT_E_SERVER_UNAVAILABLE;
	}
	close(fd);
	sqlite3 *dst = NULL;
	rt_err err = RT_E_SERVER_UNAVAILABLE;
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		set_err(errbuf, errlen, "opening the copy", dst);
		goto out;
	}
	/* One step of all pages: the whole copy is read in one read transaction of the source, a
	 * consistent snapshot. With WAL, the live server's commits go on meanwhile. */
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", s->db, "main");
	if (!b) {
		set_err(errbuf, errlen, "starting the backup", dst);
		goto out;
	}
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(errbuf, errlen, "copying the database: %s", sqlite3_errstr(rc));
		goto out;
	}
	if (finish_copy(dst, cid, errbuf, errlen))
		goto out;
	if (sqlite3_close(dst) != SQLITE_OK) {
		set_err(errbuf, errlen, "closing the copy", dst);
		goto out;
	}
	dst = NULL;
	if (sync_path(tmp, false) || rename(tmp, path) || sync_path(path, true)) {
		snprintf(errbuf, errlen, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	err = RT_OK;
out:
	sqlite3_close(dst);
	if (err)
		unlink(tmp);
	return err;
}

/* --- programmes, seats and attendance ---------------------------------------------------- */

/* Organiser operations and attendance run rarely: their statements are prepared each time. */
static sqlite3_stmt *prepare(store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/* Runs a prepared write in the open transaction (begun if none is), and finalizes it. */
static rt_err write_once(store *s, sqlite3_stmt *st)
{
	int rc = st && !begin(s) ? sqlite3_step(st) : SQLITE_ERROR;
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_rollback(s);
		return RT_E_SERVER_UNAVAILABLE;
	}
	return RT_OK;
}

static void column_copy(sqlite3_stmt *st, int col, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(out, cap, "%s", t ? (const char *)t : "");
}

rt_err store_create_programme(store *s, const store_programme *p)
{
	sqlite3_stmt *st = prepare(s, "INSERT INTO programme (id, title, attend_percent, certificate, seats, priority) "
	                              "VALUES (?, ?, ?, ?, ?, ?)");
	if (st) {
		bind_id(st, 1, p->id);
		sqlite3_bind_text(st, 2, p->title, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, p->attend_percent);
		sqlite3_bind_int(st, 4, p->certificate);
		if (p->seats >= 0)
			sqlite3_bind_int(st, 5, p->seats);
		sqlite3_bind_text(st, 6, p->priority, -1, SQLITE_STATIC);
	}
	return write_once(s, st);
}

rt_err store_add_session(store *s, const char *cid, const char *pid, int session, int64_t starts_at)
{
	sqlite3_stmt *st =
	    prepare(s, "UPDATE consultation SET programme = ?, programme_order = ?, starts_at = ? WHERE id = ?");
	if (st) {
		bind_id(st, 1, pid);
		sqlite3_bind_int(st, 2, session);
		sqlite3_bind_int64(st, 3, starts_at);
		bind_id(st, 4, cid);
	}
	return write_once(s, st);
}

rt_err store_find_programme(store *s, const char *pid, store_programme *out)
{
	sqlite3_stmt *st =
	    prepare(s, "SELECT title, attend_percent, certificate, seats, priority FROM programme WHERE id = ?");
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	bind_id(st, 1, pid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		snprintf(out->id, sizeof out->id, "%s", pid);
		column_copy(st, 0, out->title, sizeof out->title);
		out->attend_percent = sqlite3_column_int(st, 1);
		out->certificate = sqlite3_column_int(st, 2);
		out->seats = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 3);
		column_copy(st, 4, out->priority, sizeof out->priority);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? RT_OK : rc == SQLITE_DONE ? RT_E_NOT_FOUND : RT_E_SERVER_UNAVAILABLE;
}

rt_err store_programme_sessions(store *s, const char *pid, store_session *out, int cap, int *n)
{
	*n = 0;
	sqlite3_stmt *st =
	    prepare(s, "SELECT c.id, coalesce(c.starts_at, 0), c.clock_state, c.sealed, "
	               "(SELECT coalesce(sum(duration_min), 0) FROM segment g WHERE g.consultation = c.id) "
	               "FROM consultation c WHERE c.programme = ? ORDER BY c.programme_order");
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	bind_id(st, 1, pid);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < cap) {
		store_session *o = &out[(*n)++];
		column_copy(st, 0, o->id, sizeof o->id);
		o->info = (core_session_info){.starts_at = sqlite3_column_int64(st, 1),
		                              .started = sqlite3_column_int(st, 2) != CORE_CLOCK_IDLE,
		                              .sealed = sqlite3_column_int(st, 3) != 0,
		                              .scheduled_ms = sqlite3_column_int64(st, 4) * 60000};
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? RT_OK : RT_E_SERVER_UNAVAILABLE;
}

rt_err store_seats_get(store *s, const char *owner, store_seats *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st =
	    prepare(s, "SELECT 1, seats, priority FROM programme WHERE id = ?1 UNION ALL "
	               "SELECT 0, seats, priority FROM consultation WHERE id = ?1 AND programme IS NULL");
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	bind_id(st, 1, owner);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->programme = sqlite3_column_int(st, 0) != 0;
		out->seats = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 1);
		column_copy(st, 2, out->priority, sizeof out->priority);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? RT_E_NOT_FOUND : RT_E_SERVER_UNAVAILABLE;
	st = prepare(s,
	             "SELECT (SELECT count(*) FROM token WHERE (consultation = ?1 OR programme = ?1) AND kind = 2 AND "
	             "revoked = 0), (SELECT count(*) FROM waiting WHERE coalesce(consultation, programme) = ?1)");
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	bind_id(st, 1, owner);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->invited = sqlite3_column_int(st, 0);
		out->waiting = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? RT_OK : RT_E_SERVER_UNAVAILABLE;
}

rt_err store_seats_set(store *s, const char *owner, bool programme, int seats)
{
	sqlite3_stmt *st = prepare(s, programme ? "UPDATE programme SET seats = ? WHERE id = ?"
	                                        : "UPDATE consultation SET seats = ? WHERE id = ?");
	if (st) {
		if (seats >= 0)
			sqlite3_bind_int(st, 1, seats);
		bind_id(st, 2, owner);
	}
	return write_once(s, st);
}

/* The whole number `sql` gives for an owner (?1) and a label (?2) into *out; `none` when it gives
 * no row. */
static rt_err label_number(store *s, const char *sql, const char *owner, const char *label, int none, int *out)
{
	sqlite3_stmt *st = prepare(s, sql);
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	bind_id(st, 1, owner);
	sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : none;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? RT_OK : RT_E_SERVER_UNAVAILABLE;
}

rt_err store_label_state_get(store *s, const char *owner, const char *label, store_label_state *out)
{
	int state;
	rt_err err = label_number(s,
	                          "SELECT 1 FROM token WHERE (consultation = ?1 OR programme = ?1) AND kind = 2 AND "
	                          "revoked = 0 AND label = ?2 UNION ALL SELECT 2 FROM waiting WHERE "
	                          "coalesce(consultation, programme) = ?1 AND label = ?2",
	                          owner, label, STORE_LABEL_NONE, &state);
	*out = err ? STORE_LABEL_NONE : (store_label_state)state;
	return err;
}

rt_err store_waiting_add(store *s, const char *owner, bool programme, const char *label, int rank, int *position)
{
	sqlite3_stmt *st = prepare(s, "INSERT INTO waiting (consultation, programme, label, rank, ordinal) VALUES "
	                              "(?1, ?2, ?3, ?4, (SELECT coalesce(max(ordinal), 0) + 1 FROM waiting WHERE "
	                              "coalesce(consultation, programme) = ?5))");
	if (st) {
		bind_id(st, programme ? 2 : 1, owner);
		sqlite3_bind_text(st, 3, label, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, rank);
		bind_id(st, 5, owner);
	}
	rt_err err = write_once(s, st);
	if (err)
		return err;
	return label_number(
	    s,
	    "SELECT count(*) FROM waiting w, waiting me WHERE coalesce(me.consultation, me.programme) = "
	    "?1 AND me.label = ?2 AND coalesce(w.consultation, w.programme) = ?1 AND (w.rank < me.rank "
	    "OR (w.rank = me.rank AND w.ordinal <= me.ordinal))",
	    owner, label, 0, position);
}

rt_err store_waiting_remove(store *s, const char *owner, const char *label)
{
	sqlite3_stmt *st = prepare(s, "DELETE FROM waiting WHERE coalesce(consultation, programme) = ? AND label = ?");
	if (st) {
		bind_id(st, 1, owner);
		sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
	}
	return write_once(s, st);
}

/* Calls each(arg, label, column 1 as int, column 2 as int64) for every row of `sql`, whose ?1 is
 * id. */
static rt_err each_row(store *s, const char *sql, const char *id, store_label_fn each, void *arg)
{
	sqlite3_stmt *st = prepare(s, sql);
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	bind_id(st, 1, id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		each(arg, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1),
		     sqlite3_column_int64(st, 2));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? RT_OK : RT_E_SERVER_UNAVAILABLE;
}

rt_err store_each_label(store *s, const char *owner, bool invited, store_label_fn each, void *arg)
{
	return each_row(s,
	                invited ? "SELECT label, 0, 0 FROM token WHERE (consultation = ?1 OR programme = ?1) AND "
	                          "kind = 2 AND revoked = 0 ORDER BY label"
	                        : "SELECT label, rank, 0 FROM waiting WHERE coalesce(consultation, programme) = ?1 "
	                          "ORDER BY rank, ordinal",
	                owner, each, arg);
}

rt_err store_attendance_put(store *s, const char *cid, const char *label, int64_t ms)
{
	sqlite3_stmt *st = prepare(s, "INSERT INTO attendance (consultation, label, attended_ms) VALUES (?1, ?2, ?3) "
	                              "ON CONFLICT (consultation, label) DO UPDATE SET attended_ms = ?3");
	if (st) {
		bind_id(st, 1, cid);
		sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, ms);
	}
	return write_once(s, st);
}

rt_err store_attendance_load(store *s, const char *cid, store_label_fn each, void *arg)
{
	return each_row(s, "SELECT label, 0, attended_ms FROM attendance WHERE consultation = ?1", cid, each, arg);
}

rt_err store_attendance_report(store *s, const char *pid, store_label_fn each, void *arg)
{
	return each_row(s,
	                "SELECT a.label, c.programme_order, a.attended_ms FROM attendance a JOIN consultation c "
	                "ON c.id = a.consultation WHERE c.programme = ?1 UNION ALL "
	                "SELECT label, 0, 0 FROM token WHERE programme = ?1 AND kind = 2 AND revoked = 0 ORDER BY 1, 2",
	                pid, each, arg);
}
