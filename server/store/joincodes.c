/* joincodes.c — the stage's short join codes: which consultation's (or programme's) open
 * participant link a code opens. That link is public by design (the stage shows it to the whole
 * meeting as a QR code), so its token is kept here as it is, unlike every other link, whose
 * hash alone is stored (tokens.c); the seal deletes a consultation's codes (CHR-5). Not the
 * codes' making or reading (core/joincode.c). */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "internal.h"

rt_err store_add_join_code(store *s, const char *code, const char *owner, bool programme, const char *token,
                           bool *added)
{
	*added = false;
	sqlite3_stmt *st = store_prepare(s, programme ? "INSERT OR IGNORE INTO join_code (code, programme, token) "
	                                                "VALUES (?, ?, ?)"
	                                              : "INSERT OR IGNORE INTO join_code (code, consultation, token) "
	                                                "VALUES (?, ?, ?)");
	if (st) {
		sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
		store_bind_id(st, 2, owner);
		sqlite3_bind_text(st, 3, token, -1, SQLITE_STATIC);
	}
	rt_err err = store_write_once(s, st);
	*added = err == RT_OK && sqlite3_changes(s->db) == 1;
	return err;
}

rt_err store_delete_join_codes(store *s, const char *owner)
{
	sqlite3_stmt *st = store_prepare(s, "DELETE FROM join_code WHERE consultation = ?1 OR programme = ?1");
	if (st)
		store_bind_id(st, 1, owner);
	return store_write_once(s, st);
}

rt_err store_find_join_code(store *s, const char *code, int64_t now_ms, store_join *out)
{
	/* A sealed consultation's codes are deleted; and none outlives its links (PL-2). */
	sqlite3_stmt *st = store_prepare(s, "SELECT coalesce(j.consultation, j.programme), j.token FROM join_code j "
	                                    "LEFT JOIN consultation c ON c.id = j.consultation WHERE j.code = ?1 "
	                                    "AND (c.links_expire IS NULL OR c.links_expire > ?2)");
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_ms);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		store_column_copy(st, 0, out->owner, sizeof out->owner);
		store_column_copy(st, 1, out->token, sizeof out->token);
	}
	sqlite3_finalize(st);
	return store_found(rc);
}

rt_err store_join_code_of(store *s, const char *owner, char *code, size_t cap, store_join *out)
{
	sqlite3_stmt *st = store_prepare(s, "SELECT code, coalesce(consultation, programme), token FROM join_code "
	                                    "WHERE consultation = ?1 OR programme = ?1 ORDER BY code LIMIT 1");
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	store_bind_id(st, 1, owner);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		store_column_copy(st, 0, code, cap);
		store_column_copy(st, 1, out->owner, sizeof out->owner);
		store_column_copy(st, 2, out->token, sizeof out->token);
	}
	sqlite3_finalize(st);
	return store_found(rc);
}
