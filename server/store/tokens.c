/* tokens.c — role and invitation links, stored as the SHA-256 hashes of their tokens: adding,
 * finding (constant-time), revoking, and when a consultation's links expire. Not the tokens
 * themselves, which the store never sees, nor seats and waiting lists (programme.c). */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "internal.h"

rt_err store_add_token(store *s, const store_token *t)
{
	if (store_begin(s))
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
	return store_write(s, st);
}

rt_err store_revoke_tokens(store *s, const char *cid, core_role role, store_token_kind kind, const char *label,
                           int *count)
{
	*count = 0;
	if (store_begin(s))
		return RT_E_SERVER_UNAVAILABLE;
	sqlite3_stmt *st = s->stmt[ST_REVOKE_TOKENS];
	store_bind_id(st, 1, cid);
	sqlite3_bind_text(st, 2, core_role_name(role), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, (int)kind);
	if (label)
		sqlite3_bind_text(st, 4, label, -1, SQLITE_STATIC);
	if (store_write(s, st))
		return RT_E_SERVER_UNAVAILABLE;
	*count = sqlite3_changes(s->db);
	return RT_OK;
}

rt_err store_expire_links(store *s, const char *cid, int64_t at_ms)
{
	if (store_begin(s) || store_set_consultation(s, ST_EXPIRE_LINKS, cid, at_ms))
		return RT_E_SERVER_UNAVAILABLE;
	/* CHR-5: the join codes keep the open link's token as it is; the seal leaves none. */
	return store_delete_join_codes(s, cid);
}

rt_err store_links_expire(store *s, const char *cid, int64_t *at_ms)
{
	sqlite3_stmt *st = s->stmt[ST_LINKS_EXPIRE];
	store_bind_id(st, 1, cid);
	int rc = sqlite3_step(st);
	*at_ms = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	store_done(st);
	return store_found(rc);
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
		store_column_copy(st, 1, out->consultation, sizeof out->consultation);
		store_column_copy(st, 2, out->programme, sizeof out->programme);
		int role = core_role_parse((const char *)sqlite3_column_text(st, 3));
		out->kind = (store_token_kind)sqlite3_column_int(st, 4);
		store_column_copy(st, 5, out->label, sizeof out->label);
		if (role >= 0) {
			out->role = (core_role)role;
			err = RT_OK;
		}
	}
	store_done(st);
	return err;
}
