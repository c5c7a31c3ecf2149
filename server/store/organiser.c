/* organiser.c — the organiser's side of the store (ORG-1): the organiser's links, kept as hashes
 * apart from every consultation's (one organiser for the data folder), and the list of
 * consultations and programmes the console shows. Not a consultation's links (tokens.c). */
#include <string.h>

#include <sqlite3.h>

#include "internal.h"

rt_err store_organiser_token_set(store *s, const uint8_t hash[STORE_HASH_BYTES])
{
	if (store_begin(s))
		return RT_E_SERVER_UNAVAILABLE;
	sqlite3_stmt *st = store_prepare(s, "UPDATE organiser_token SET revoked = 1 WHERE revoked = 0");
	if (!st || store_write_once(s, st))
		return RT_E_SERVER_UNAVAILABLE;
	st = store_prepare(s, "INSERT INTO organiser_token (hash) VALUES (?)");
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	sqlite3_bind_blob(st, 1, hash, STORE_HASH_BYTES, SQLITE_TRANSIENT);
	return store_write_once(s, st);
}

rt_err store_organiser_token_revoke(store *s, int *count)
{
	*count = 0;
	if (store_begin(s))
		return RT_E_SERVER_UNAVAILABLE;
	sqlite3_stmt *st = store_prepare(s, "UPDATE organiser_token SET revoked = 1 WHERE revoked = 0");
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		store_rollback(s);
		return RT_E_SERVER_UNAVAILABLE;
	}
	*count = sqlite3_changes(s->db);
	sqlite3_finalize(st);
	return RT_OK;
}

rt_err store_organiser_token_find(store *s, const uint8_t hash[STORE_HASH_BYTES])
{
	/* Found by the hash of the token, never the token; the comparison is constant-time. */
	sqlite3_stmt *st = store_prepare(s, "SELECT hash FROM organiser_token WHERE hash = ? AND revoked = 0");
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	sqlite3_bind_blob(st, 1, hash, STORE_HASH_BYTES, SQLITE_TRANSIENT);
	rt_err err = RT_E_AUTH_INVALID;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == STORE_HASH_BYTES) {
		const uint8_t *got = sqlite3_column_blob(st, 0);
		volatile uint8_t diff = 0;
		for (int i = 0; i < STORE_HASH_BYTES; i++)
			diff |= got[i] ^ hash[i];
		if (!diff)
			err = RT_OK;
	}
	sqlite3_finalize(st);
	return err;
}

rt_err store_each_item(store *s, store_item_fn each, void *arg)
{
	/* Programmes first, then every consultation in the order they were made. */
	static const char *const sql[] = {
	    "SELECT p.id, p.title, '', (SELECT c.timezone FROM consultation c WHERE c.programme = p.id AND "
	    "c.sealed = 0 ORDER BY c.starts_at LIMIT 1), 0, '', 0, (SELECT min(starts_at) FROM consultation c WHERE "
	    "c.programme = p.id AND c.sealed = 0), (SELECT count(*) FROM consultation c WHERE c.programme = p.id), "
	    "(SELECT count(*) FROM token t WHERE t.programme = p.id AND t.kind = ? AND t.revoked = 0), '', -1 "
	    "FROM programme p ORDER BY p.rowid",
	    "SELECT c.id, c.title, c.date, c.timezone, c.sealed, coalesce(c.programme, ''), "
	    "coalesce(c.programme_order, 0), coalesce(c.starts_at, 0), c.participants, "
	    "(SELECT count(*) FROM token t WHERE t.consultation = c.id AND t.kind = ? AND t.revoked = 0), "
	    "(SELECT g.date FROM segment g WHERE g.consultation = c.id ORDER BY g.position LIMIT 1), "
	    "coalesce((SELECT g.start_min FROM segment g WHERE g.consultation = c.id ORDER BY g.position LIMIT 1), -1) "
	    "FROM consultation c ORDER BY c.rowid",
	};
	for (int q = 0; q < 2; q++) {
		sqlite3_stmt *st = store_prepare(s, sql[q]);
		if (!st)
			return RT_E_SERVER_UNAVAILABLE;
		sqlite3_bind_int(st, 1, STORE_TOKEN_PERSONAL);
		int rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			store_item it = {.is_programme = q == 0};
			store_column_copy(st, 0, it.id, sizeof it.id);
			store_column_copy(st, 1, it.title, sizeof it.title);
			store_column_copy(st, 2, it.date, sizeof it.date);
			store_column_copy(st, 3, it.timezone, sizeof it.timezone);
			it.sealed = sqlite3_column_int(st, 4) != 0;
			store_column_copy(st, 5, it.programme, sizeof it.programme);
			it.session = sqlite3_column_int(st, 6);
			it.starts_at = sqlite3_column_int64(st, 7);
			it.count = sqlite3_column_int(st, 8);
			it.invitations = sqlite3_column_int(st, 9);
			store_column_copy(st, 10, it.first_date, sizeof it.first_date);
			it.first_min = sqlite3_column_int(st, 11);
			each(arg, &it);
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return RT_E_SERVER_UNAVAILABLE;
	}
	return RT_OK;
}
