/* stmt.c — the store's statements: their SQL, prepared once at open, how one is run and reset,
 * the transaction around a batch, and the bind and column helpers every store file uses.
 * No schema (schema.c) and no row of any kind in particular (the other store files). */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "internal.h"

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_INSERT_CONSULTATION] = "INSERT INTO consultation (id, origin, title, timezone, date, floor, channels, "
                               "premoderation, secret, max_open_questions, votes_per_minute, warning_minutes, "
                               "close_minutes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [ST_INSERT_SEGMENT] = "INSERT INTO segment (consultation, position, title, kind, start_min, duration_min, "
                          "questions, chatham_house, date, starts_empty) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        "clock_started_at, warning_minutes, close_minutes, floor_now, next_up, sealed, participants, "
        "reissued FROM consultation WHERE id = ?",
    [ST_LOAD_SEGMENTS] = "SELECT title, kind, start_min, duration_min, questions, chatham_house, date, started_at, "
                         "elapsed_ms, allotted_ms, auto_closed, starts_empty FROM segment WHERE consultation = ? "
                         "ORDER BY position",
    [ST_LOAD_QUESTIONS] =
        "SELECT id, segment, lang, state, text, author, edited, pinned, merged_into, "
        "sealed_votes, theme, reported, version, premerge FROM question WHERE consultation = ? ORDER BY id",
    [ST_LOAD_VOTES] = "SELECT question, voter FROM vote WHERE consultation = ?",
    /* A question row is the image of the question after the event: one statement serves every
     * question event. The author is written once, when the row is made. */
    [ST_SAVE_QUESTION] = "INSERT INTO question (consultation, id, segment, lang, state, text, author, edited, "
                         "pinned, merged_into, sealed_votes, theme, reported, version, premerge) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
                         "ON CONFLICT (consultation, id) DO UPDATE SET segment = ?3, state = ?5, text = ?6, "
                         "author = CASE WHEN ?11 IS NULL THEN author END, edited = ?8, pinned = ?9, "
                         "merged_into = ?10, sealed_votes = ?11, theme = ?12, reported = ?13, version = ?14, "
                         "premerge = ?15",
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
    [ST_FIND_RECEIPT] = "SELECT ack, digest FROM receipt WHERE consultation = ? AND key = ?",
    [ST_INSERT_RECEIPT] = "INSERT OR IGNORE INTO receipt (consultation, key, ack, digest) VALUES (?, ?, ?, ?)",
    [ST_SEAL_RECEIPTS] = "DELETE FROM receipt WHERE consultation = ?",
    /* QA-4: a merged question's voters, parked until it is unmerged or the seal. */
    [ST_PARK_VOTE] = "INSERT INTO parked_vote (consultation, question, voter, gained) VALUES (?, ?, ?, ?)",
    [ST_UNPARK_VOTES] = "DELETE FROM parked_vote WHERE consultation = ? AND question = ?",
    [ST_LOAD_PARKED] = "SELECT question, voter, gained FROM parked_vote WHERE consultation = ?",
    [ST_SEAL_PARKED] = "DELETE FROM parked_vote WHERE consultation = ?",
    /* AB-*: the image of the agenda's open-link settings and the co-chairs' pauses. */
    [ST_SAVE_GUARD] = "INSERT INTO guard (consultation, voting_invitations, max_pending, new_devices, work_bits, "
                      "link_paused_until, queue_paused_until) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                      "ON CONFLICT (consultation) DO UPDATE SET voting_invitations = ?2, max_pending = ?3, "
                      "new_devices = ?4, work_bits = ?5, link_paused_until = ?6, queue_paused_until = ?7",
    [ST_LOAD_GUARD] = "SELECT voting_invitations, max_pending, new_devices, work_bits, link_paused_until, "
                      "queue_paused_until FROM guard WHERE consultation = ?",
    /* CHR-5: outside a programme no certificate needs attendance, so the seal deletes it. */
    [ST_SEAL_ATTENDANCE] = "DELETE FROM attendance WHERE consultation = ?1 AND "
                           "(SELECT programme FROM consultation WHERE id = ?1) IS NULL",
    /* EX-7: the report is final; its workspace no longer changes. */
    [ST_SET_FINAL] = "UPDATE consultation SET report_final = ? WHERE id = ?",
    [ST_LOAD_FINAL] = "SELECT report_final FROM consultation WHERE id = ?",
    [ST_INSERT_TEXT] = "INSERT INTO agenda_text (consultation, place, item, lang, text) VALUES (?, ?, ?, ?, ?)",
    [ST_LOAD_TEXTS] = "SELECT place, item, lang, text FROM agenda_text WHERE consultation = ?",
    /* FLOOR-1: the agenda's budget per intervention, and counts only: nothing of a ticket. */
    [ST_SAVE_SPEAKING] = "UPDATE segment SET speaking_minutes = ? WHERE consultation = ? AND position = ?",
    [ST_LOAD_SPEAKING] = "SELECT position, speaking_minutes FROM segment WHERE consultation = ?",
    [ST_COUNT_SPEAKER] = "INSERT INTO speaker_count (consultation, segment, lang, requested, taken) "
                         "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (consultation, segment, lang) DO UPDATE SET "
                         "requested = requested + ?4, taken = taken + ?5",
    [ST_LOAD_SPEAKER_COUNTS] = "SELECT segment, lang, requested, taken FROM speaker_count WHERE consultation = ?",
};

int store_prepare_all(store *s, char *errbuf, size_t errlen)
{
	for (int i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i], NULL) !=
		    SQLITE_OK) {
			store_set_err(errbuf, errlen, "preparing statements", s->db);
			return -1;
		}
	}
	return 0;
}

void store_finalize_all(store *s)
{
	if (s->in_txn)
		sqlite3_step(s->stmt[ST_ROLLBACK]);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
}

void store_set_err(char *errbuf, size_t errlen, const char *what, sqlite3 *db)
{
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

int store_run(store *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	(void)s;
	return rc == SQLITE_DONE ? 0 : -1;
}

void store_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

void store_note_failure(store *s, const char *what)
{
	s->failing = true;
	snprintf(s->failure, sizeof s->failure, "%s: %s", what,
	         s->db ? sqlite3_errmsg(s->db) : "the database is closed");
}

rt_err store_write(store *s, sqlite3_stmt *st)
{
	assert(s->in_txn);
	if (store_run(s, st)) {
		store_note_failure(s, "writing");
		store_rollback(s);
		return RT_E_SERVER_UNAVAILABLE;
	}
	return RT_OK;
}

int store_begin(store *s)
{
	if (s->in_txn)
		return 0;
	if (store_run(s, s->stmt[ST_BEGIN])) {
		store_note_failure(s, "beginning a transaction");
		return -1;
	}
	s->in_txn = true;
	return 0;
}

void store_rollback(store *s)
{
	if (s->in_txn)
		store_run(s, s->stmt[ST_ROLLBACK]);
	s->in_txn = false;
}

rt_err store_commit(store *s)
{
	if (!s->in_txn)
		return RT_OK;
	if (store_run(s, s->stmt[ST_COMMIT])) {
		store_note_failure(s, "committing");
		store_rollback(s);
		return RT_E_SERVER_UNAVAILABLE;
	}
	s->in_txn = false;
	s->commits++;
	s->failing = false;
	s->failure[0] = '\0';
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

rt_err store_found(int rc)
{
	return rc == SQLITE_ROW ? RT_OK : rc == SQLITE_DONE ? RT_E_NOT_FOUND : RT_E_SERVER_UNAVAILABLE;
}

void store_column_pseud(sqlite3_stmt *st, int col, core_pseud *out)
{
	memset(out, 0, sizeof *out);
	if (sqlite3_column_bytes(st, col) == CORE_PSEUD_LEN)
		memcpy(out->b, sqlite3_column_blob(st, col), CORE_PSEUD_LEN);
}

void store_bind_id(sqlite3_stmt *st, int col, const char *cid)
{
	sqlite3_bind_text(st, col, cid, -1, SQLITE_STATIC);
}

int store_set_consultation(store *s, enum stmt_id which, const char *cid, int64_t value)
{
	assert((unsigned)which < ST_COUNT && s->in_txn);
	sqlite3_stmt *st = s->stmt[which];
	sqlite3_bind_int64(st, 1, value);
	store_bind_id(st, 2, cid);
	return store_run(s, st);
}

int store_exec_sql(sqlite3 *db, const char *sql, char *errbuf, size_t errlen)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	store_set_err(errbuf, errlen, sql, db);
	return -1;
}

int store_first_value(sqlite3 *db, const char *sql, char *out, size_t cap, char *errbuf, size_t errlen)
{
	sqlite3_stmt *st;
	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		store_set_err(errbuf, errlen, sql, db);
		return -1;
	}
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		store_column_copy(st, 0, out, cap);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_set_err(errbuf, errlen, sql, db);
		return -1;
	}
	return 0;
}

sqlite3_stmt *store_prepare(store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

rt_err store_write_once(store *s, sqlite3_stmt *st)
{
	int rc = st && !store_begin(s) ? sqlite3_step(st) : SQLITE_ERROR;
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_note_failure(s, "writing");
		store_rollback(s);
		return RT_E_SERVER_UNAVAILABLE;
	}
	return RT_OK;
}

void store_column_copy(sqlite3_stmt *st, int col, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(out, cap, "%s", t ? (const char *)t : "");
}
