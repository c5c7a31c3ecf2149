/* credentials.c — what the store keeps of invitations' unlinkable credentials (CHR-3, RFC 9474):
 * each consultation's blind-signing key until the seal, and per invitation link a count of the
 * credentials it drew, the re-issues it was allowed and a pending request. Never a credential,
 * a blinded message, a signature, a time or a seq: nothing here can be joined to a pseudonym. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "internal.h"

rt_err store_credential_key(store *s, const char *cid, uint8_t *der, size_t cap, size_t *len)
{
	*len = 0;
	sqlite3_stmt *st = store_prepare(s, "SELECT credential_key FROM consultation WHERE id = ? AND sealed = 0");
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	store_bind_id(st, 1, cid);
	int rc = sqlite3_step(st);
	rt_err err = store_found(rc);
	if (rc == SQLITE_ROW) {
		int n = sqlite3_column_bytes(st, 0);
		if (sqlite3_column_type(st, 0) != SQLITE_BLOB || n <= 0 || (size_t)n > cap) {
			err = RT_E_NOT_FOUND;
		} else {
			memcpy(der, sqlite3_column_blob(st, 0), (size_t)n);
			*len = (size_t)n;
		}
	}
	sqlite3_finalize(st);
	return err;
}

rt_err store_credential_key_put(store *s, const char *cid, const uint8_t *der, size_t len)
{
	sqlite3_stmt *st = store_prepare(
	    s, "UPDATE consultation SET credential_key = ? WHERE id = ? AND sealed = 0 AND credential_key IS NULL");
	if (st) {
		sqlite3_bind_blob(st, 1, der, (int)len, SQLITE_STATIC);
		store_bind_id(st, 2, cid);
	}
	return store_write_once(s, st);
}

rt_err store_credential_get(store *s, const char *cid, const uint8_t link[STORE_HASH_BYTES], store_credential *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st =
	    store_prepare(s, "SELECT drawn, allowed, requested FROM credential WHERE consultation = ? AND link = ?");
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	store_bind_id(st, 1, cid);
	sqlite3_bind_blob(st, 2, link, STORE_HASH_BYTES, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->drawn = sqlite3_column_int(st, 0);
		out->allowed = sqlite3_column_int(st, 1);
		out->requested = sqlite3_column_int(st, 2) != 0;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? RT_OK : RT_E_SERVER_UNAVAILABLE;
}

rt_err store_credential_drawn(store *s, const char *cid, const uint8_t link[STORE_HASH_BYTES])
{
	sqlite3_stmt *st = store_prepare(s, "INSERT INTO credential (consultation, link, drawn) VALUES (?1, ?2, 1) "
	                                    "ON CONFLICT DO UPDATE SET drawn = drawn + 1, requested = 0");
	if (st) {
		store_bind_id(st, 1, cid);
		sqlite3_bind_blob(st, 2, link, STORE_HASH_BYTES, SQLITE_STATIC);
	}
	if (store_write_once(s, st))
		return RT_E_SERVER_UNAVAILABLE;
	/* A draw after the first is a re-issue: counted for the co-chairs and the report. */
	st = store_prepare(s, "UPDATE consultation SET reissued = reissued + 1 WHERE id = ?1 AND "
	                      "(SELECT drawn FROM credential WHERE consultation = ?1 AND link = ?2) > 1");
	if (st) {
		store_bind_id(st, 1, cid);
		sqlite3_bind_blob(st, 2, link, STORE_HASH_BYTES, SQLITE_STATIC);
	}
	return store_write_once(s, st);
}

rt_err store_credential_request(store *s, const char *cid, const uint8_t link[STORE_HASH_BYTES])
{
	sqlite3_stmt *st =
	    store_prepare(s, "UPDATE credential SET requested = 1 WHERE consultation = ? AND link = ? AND drawn > 0");
	if (st) {
		store_bind_id(st, 1, cid);
		sqlite3_bind_blob(st, 2, link, STORE_HASH_BYTES, SQLITE_STATIC);
	}
	return store_write_once(s, st);
}

rt_err store_credential_allow(store *s, const char *cid, const char *label, int max, int *count)
{
	*count = 0;
	/* A request pending, or with a label the organiser's word for that invitation: one more
	 * draw, while the invitation has had fewer than `max` re-issues. */
	sqlite3_stmt *st = store_prepare(
	    s, label ? "UPDATE credential SET allowed = allowed + 1, requested = 0 WHERE consultation = ?1 AND "
	               "allowed < ?2 AND drawn > allowed AND link IN (SELECT hash FROM token WHERE label = ?3 AND "
	               "kind = 2 AND revoked = 0 AND (consultation = ?1 OR programme = "
	               "(SELECT programme FROM consultation WHERE id = ?1)))"
	             : "UPDATE credential SET allowed = allowed + 1, requested = 0 WHERE consultation = ?1 AND "
	               "allowed < ?2 AND drawn > allowed AND requested = 1");
	if (st) {
		store_bind_id(st, 1, cid);
		sqlite3_bind_int(st, 2, max);
		if (label)
			sqlite3_bind_text(st, 3, label, -1, SQLITE_STATIC);
	}
	if (store_write_once(s, st))
		return RT_E_SERVER_UNAVAILABLE;
	*count = sqlite3_changes(s->db);
	return RT_OK;
}

rt_err store_credential_counts(store *s, const char *cid, int *pending, int *reissued)
{
	*pending = *reissued = 0;
	sqlite3_stmt *st = store_prepare(s, "SELECT reissued, (SELECT count(*) FROM credential WHERE consultation = ?1 "
	                                    "AND requested = 1) FROM consultation WHERE id = ?1");
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	store_bind_id(st, 1, cid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*reissued = sqlite3_column_int(st, 0);
		*pending = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return store_found(rc);
}

int store_credential_seal(store *s, const char *cid)
{
	/* CHR-5: the key goes with the secret; the rows go too (only `reissued`, a count, stays). */
	sqlite3_stmt *st = store_prepare(s, "UPDATE consultation SET credential_key = NULL WHERE id = ?");
	if (st)
		store_bind_id(st, 1, cid);
	int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	st = store_prepare(s, "DELETE FROM credential WHERE consultation = ?");
	if (st)
		store_bind_id(st, 1, cid);
	rc = st ? sqlite3_step(st) : SQLITE_ERROR;
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
