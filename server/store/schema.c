/* schema.c — the database's shape: numbered migrations keyed on PRAGMA user_version, the
 * settings the store depends on (read back, never assumed) and the data folder probe.
 * It reads and writes no consultation's rows. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "internal.h"

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
    /* 11: the stage's short join codes (K7QX-42AB), each naming the open participant link of a
     * consultation or of a programme. That link is public by design (the stage shows it to the
     * whole meeting), so its token is kept as it is, unlike every other link's (hashes only);
     * a code is deleted when its link is revoked. */
    "CREATE TABLE join_code ("
    "  code TEXT PRIMARY KEY,"
    "  consultation TEXT REFERENCES consultation(id),"
    "  programme TEXT REFERENCES programme(id),"
    "  token TEXT NOT NULL,"
    "  CHECK ((consultation IS NULL) <> (programme IS NULL))"
    ") STRICT, WITHOUT ROWID;",
    /* 12: a digest of the command each kept ack answered (PL-3), so that an id sent again with
     * another command is refused rather than answered with the first one's ack. It is a hash
     * of the receipt's key and the command's fields, so it names nobody and can only be checked
     * against a command already in hand; it goes with its receipt when the consultation is
     * sealed. NULL: kept before digests were. */
    "ALTER TABLE receipt ADD COLUMN digest BLOB;",
    /* 13: a segment the agenda says starts empty ("carry_over": false, QA-6): entering it
     * carries no unanswered questions over from the segment left. */
    "ALTER TABLE segment ADD COLUMN starts_empty INTEGER NOT NULL DEFAULT 0;",
    /* 14: a question's version, bumped by every edit (QA-4) (compare-and-set between co-chairs); a
     * merged question's state before the merge, and its voters parked while it is merged
     * (gained: the merge gave them a vote on the question kept), so that a merge can be undone
     * exactly. Deleted by the seal like every vote row. */
    "ALTER TABLE question ADD COLUMN version INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE question ADD COLUMN premerge TEXT;"
    "CREATE TABLE parked_vote ("
    "  consultation TEXT NOT NULL,"
    "  question INTEGER NOT NULL,"
    "  voter BLOB NOT NULL," /* pseudonym */
    "  gained INTEGER NOT NULL,"
    "  PRIMARY KEY (consultation, question, voter),"
    "  FOREIGN KEY (consultation, question) REFERENCES question(consultation, id)"
    ") STRICT, WITHOUT ROWID;",
    /* 15: abuse from the open link (AB-*): the agenda's settings and the co-chairs' pauses
     * (server ms; 0: not paused). Counts per network and the open link's votes stay in memory. */
    "CREATE TABLE guard ("
    "  consultation TEXT PRIMARY KEY REFERENCES consultation(id),"
    "  voting_invitations INTEGER NOT NULL DEFAULT 0,"
    "  max_pending INTEGER NOT NULL DEFAULT 0,"
    "  new_devices INTEGER NOT NULL DEFAULT 0,"
    "  work_bits INTEGER NOT NULL DEFAULT 0,"
    "  link_paused_until INTEGER NOT NULL DEFAULT 0,"
    "  queue_paused_until INTEGER NOT NULL DEFAULT 0"
    ") STRICT, WITHOUT ROWID;",
    /* 16: the rapporteurs marked the report final (EX-7): after the seal their workspace stays
     * open until then, and nothing changes afterwards. */
    "ALTER TABLE consultation ADD COLUMN report_final INTEGER NOT NULL DEFAULT 0;",
    /* 17: the agenda's texts in languages other than the floor's (AG-1, LC-2), whose own text
     * stays where it was: the consultation's title (place 'title', item 0), a segment's title
     * ('segment', its index) and a listening note ('note', the language it is for). A
     * consultation made before has none: every view reads the floor language's. */
    "CREATE TABLE agenda_text ("
    "  consultation TEXT NOT NULL REFERENCES consultation(id),"
    "  place TEXT NOT NULL CHECK (place IN ('title', 'segment', 'note')),"
    "  item INTEGER NOT NULL,"
    "  lang TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  PRIMARY KEY (consultation, place, item, lang)"
    ") STRICT, WITHOUT ROWID;",
    /* 18: unlinkable credentials for invitations (CHR-3, RFC 9474): the consultation's
     * blind-signing key (DER), destroyed when sealed like the secret; and per invitation link how
     * many credentials it drew, how many re-issues it was allowed and whether its holder asks for
     * one. No time, no seq, nothing derived from a credential: a row says that an invitation drew,
     * never what. `reissued` counts the re-issues drawn, for the co-chairs and the report; the
     * seal deletes the rows and keeps the count. */
    "ALTER TABLE consultation ADD COLUMN credential_key BLOB;"
    "ALTER TABLE consultation ADD COLUMN reissued INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE credential ("
    "  consultation TEXT NOT NULL REFERENCES consultation(id),"
    "  link BLOB NOT NULL," /* the invitation's token hash */
    "  drawn INTEGER NOT NULL DEFAULT 0,"
    "  allowed INTEGER NOT NULL DEFAULT 0,"
    "  requested INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (consultation, link)"
    ") STRICT, WITHOUT ROWID;",
    /* 19: the organiser's links (ORG-1), of the whole data folder rather than one consultation:
     * hashes only, like every link; a rotation revokes the ones before. */
    "CREATE TABLE organiser_token ("
    "  hash BLOB PRIMARY KEY,"
    "  revoked INTEGER NOT NULL DEFAULT 0"
    ") STRICT, WITHOUT ROWID;",
    /* 20: attendance that holds up, in a programme's sessions: minutes from another record of a
     * session (a Zoom report matched to labels in the organiser's browser: only label and minutes
     * arrive) and corrections with a reason. Both carry an invitation label, never a name, and a
     * correction's row (its audit trail) never says who made it. */
    "CREATE TABLE attendance_import ("
    "  consultation TEXT NOT NULL REFERENCES consultation(id),"
    "  label TEXT NOT NULL,"
    "  minutes INTEGER NOT NULL,"
    "  PRIMARY KEY (consultation, label)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE attendance_correction ("
    "  consultation TEXT NOT NULL REFERENCES consultation(id),"
    "  label TEXT NOT NULL,"
    "  minutes INTEGER NOT NULL," /* added, or taken away when negative */
    "  reason TEXT NOT NULL,"
    "  at INTEGER NOT NULL" /* server ms */
    ") STRICT;",
    /* 21: anonymous polls (POLL-1): each poll, its texts by language, a closed cloud's words
     * with their counts, and the answers to open polls by pseudonym, deleted when the poll
     * closes or the consultation is sealed (CHR-5): only totals outlive a poll. */
    "CREATE TABLE poll ("
    "  consultation TEXT NOT NULL REFERENCES consultation(id),"
    "  id INTEGER NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  segment INTEGER," /* opened and closed with this segment; NULL: by hand */
    "  state TEXT NOT NULL,"
    "  shown INTEGER NOT NULL,"
    "  respondents INTEGER NOT NULL DEFAULT 0," /* once closed */
    "  counts TEXT NOT NULL DEFAULT '',"        /* once closed: each option's count, space-separated */
    "  PRIMARY KEY (consultation, id)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE poll_text ("
    "  consultation TEXT NOT NULL,"
    "  poll INTEGER NOT NULL,"
    "  option INTEGER NOT NULL," /* -1: the question */
    "  lang TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  PRIMARY KEY (consultation, poll, option, lang)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE poll_word ("
    "  consultation TEXT NOT NULL,"
    "  poll INTEGER NOT NULL,"
    "  word TEXT NOT NULL,"
    "  count INTEGER NOT NULL,"
    "  PRIMARY KEY (consultation, poll, word)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE poll_answer ("
    "  consultation TEXT NOT NULL,"
    "  poll INTEGER NOT NULL,"
    "  who BLOB NOT NULL," /* pseudonym, keyed like votes; deleted at the poll's close */
    "  choices INTEGER NOT NULL,"
    "  value INTEGER NOT NULL,"
    "  word1 TEXT,"
    "  word2 TEXT,"
    "  word3 TEXT,"
    "  PRIMARY KEY (consultation, poll, who)"
    ") STRICT, WITHOUT ROWID;",
    /* 22: the list of speakers (FLOOR-1): each segment's time budget of one intervention, and
     * how many interventions were requested and taken per segment and language, for the report.
     * Nothing else of the list is ever stored: no ticket, no pseudonym, no time. */
    "ALTER TABLE segment ADD COLUMN speaking_minutes INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE speaker_count ("
    "  consultation TEXT NOT NULL REFERENCES consultation(id),"
    "  segment INTEGER NOT NULL,"
    "  lang TEXT NOT NULL,"
    "  requested INTEGER NOT NULL DEFAULT 0,"
    "  taken INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (consultation, segment, lang)"
    ") STRICT, WITHOUT ROWID;",
};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

int store_migrate(sqlite3 *db, char *errbuf, size_t errlen)
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
			store_set_err(errbuf, errlen, "migrating the database schema", db);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}

/* How long a statement waits for another process's lock (a backup, `roundtable export`) before
 * it fails: long enough for a reader, short enough not to stall the room. */
#define BUSY_TIMEOUT_MS "2000"

/* Each setting the store depends on, the value it is given, and the value it must read back.
 * WAL with synchronous=FULL: a commit is on disk when COMMIT returns (PL-3), and readers
 * (backups, exports) never block the loop. CHR-5: with secure_delete, deleted content is
 * overwritten, never left in free space. */
static const struct {
	const char *pragma;
	const char *set;
	const char *expect;
	const char *why;
} settings[] = {
    {"journal_mode", "WAL", "wal", "write-ahead logging, so readers never block commits"},
    {"synchronous", "FULL", "2", "synchronous=FULL, so an acknowledged command survives a power loss"},
    {"foreign_keys", "ON", "1", "foreign keys enforced"},
    {"busy_timeout", BUSY_TIMEOUT_MS, BUSY_TIMEOUT_MS, "a busy timeout of " BUSY_TIMEOUT_MS " ms"},
    {"secure_delete", "ON", "1", "secure_delete, so deleted content leaves no trace (CHR-5)"},
};
#define NSETTINGS (sizeof settings / sizeof settings[0])

/* PL-3: reads every setting back. SQLite ignores some silently (a database another process
 * holds open in rollback-journal mode stays in it; a file system without shared memory cannot
 * do WAL): serving without them would acknowledge commands that are not safe. */
static int check_settings(sqlite3 *db, char *errbuf, size_t errlen)
{
	for (size_t i = 0; i < NSETTINGS; i++) {
		char sql[64], got[32] = "";
		snprintf(sql, sizeof sql, "PRAGMA %s", settings[i].pragma);
		store_first_value(db, sql, got, sizeof got, NULL, 0); /* a failure reads as "" */
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

int store_configure(sqlite3 *db, char *errbuf, size_t errlen)
{
	for (size_t i = 0; i < NSETTINGS; i++) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA %s = %s", settings[i].pragma, settings[i].set);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
			store_set_err(errbuf, errlen, "configuring the database", db);
			return -1;
		}
	}
	return check_settings(db, errbuf, errlen);
}

int store_probe_folder(const char *path, char *errbuf, size_t errlen)
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
		store_folder_of(path, dir, sizeof dir);
		if (errbuf)
			snprintf(errbuf, errlen, "the data folder %s is not writable: %s", dir, strerror(err));
		return -1;
	}
	return 0;
}

int store_probe_writable(sqlite3 *db, const char *path, char *errbuf, size_t errlen)
{
	/* SQLite opens a file it may not write read-only, silently: the first command would fail. */
	if (sqlite3_db_readonly(db, "main") == 1) {
		if (errbuf)
			snprintf(
			    errbuf, errlen,
			    "the database file %s is read-only for this user (uid %u): give the file, its -wal and "
			    "-shm files and its folder to the user the server runs as",
			    path, (unsigned)geteuid());
		return -1;
	}
	return 0;
}

int store_probe_write_lock(sqlite3 *db, char *errbuf, size_t errlen)
{
	/* BEGIN IMMEDIATE takes the write lock, opening the WAL for writing: a file or WAL that
	 * cannot be written fails here. Busy (a running server holds the lock past the busy timeout,
	 * while an organiser's command opens the file) says the file is written: that is enough. */
	int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
		store_set_err(errbuf, errlen, "the database does not take writes", db);
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int store_create_private(const char *path, char *errbuf, size_t errlen)
{
	/* A new database holds pseudonyms and their key until sealed: its owner alone may read it,
	 * whatever the umask. SQLite creates the -wal and -shm files with the database file's mode.
	 * An existing file keeps its mode: the organiser may have chosen it (deploy/ makes the data
	 * folder 0700, which guards every file in it). */
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return 0; /* it exists (or cannot be made: opening it says why) */
	int rc = fchmod(fd, 0600);
	close(fd);
	if (rc) {
		if (errbuf)
			snprintf(errbuf, errlen, "cannot make %s private: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

void store_folder_of(const char *path, char *dir, size_t cap)
{
	snprintf(dir, cap, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(dir, cap, ".");
}
