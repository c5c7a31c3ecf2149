/* tokens.h — a role token for the unit tests: made from the CSPRNG, stored by its hash, and its
 * text (CRYPTO_TOKEN_CHARS + 1 bytes) given back for the test's auth frames. */
#ifndef RT_TEST_TOKENS_H
#define RT_TEST_TOKENS_H

#include <string.h>

#include "check.h"
#include "crypto.h"
#include "store.h"

static inline void add_token(store *s, const char *cid, core_role role, store_token_kind kind, char *text)
{
	uint8_t raw[CRYPTO_TOKEN_BYTES];
	store_token t = {.role = role, .kind = kind};
	crypto_token_new(raw, text);
	crypto_sha256(raw, sizeof raw, t.hash);
	strcpy(t.consultation, cid);
	CHECK_EQ_INT(store_add_token(s, &t), RT_OK);
}

#endif
