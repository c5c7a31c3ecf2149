/* test_crypto.c — tokens, hashes and pseudonyms. */
#include "check.h"
#include "crypto.h"

int main(void)
{
	uint8_t raw[CRYPTO_TOKEN_BYTES], back[CRYPTO_TOKEN_BYTES];
	char text[CRYPTO_TOKEN_CHARS + 1];
	for (int i = 0; i < 100; i++) {
		CHECK_EQ_INT(crypto_token_new(raw, text), 0);
		CHECK_EQ_INT(strlen(text), 22);
		CHECK_EQ_INT(crypto_token_parse(text, back), 0);
		CHECK(memcmp(raw, back, sizeof raw) == 0);
	}
	CHECK_EQ_INT(crypto_token_parse("AAAAAAAAAAAAAAAAAAAAA", back), -1);   /* 21 */
	CHECK_EQ_INT(crypto_token_parse("AAAAAAAAAAAAAAAAAAAAAAA", back), -1); /* 23 */
	CHECK_EQ_INT(crypto_token_parse("AAAAAAAAAAAAAAAAAAAA+A", back), -1);  /* not base64url */
	CHECK_EQ_INT(crypto_token_parse("AAAAAAAAAAAAAAAAAAAAAB", back), -1);  /* stray low bits */
	CHECK_EQ_INT(crypto_token_parse("AAAAAAAAAAAAAAAAAAAAAQ", back), 0);
	CHECK_EQ_INT(back[15], 1);
	CHECK_EQ_INT(crypto_token_parse(NULL, back), -1);

	char out[16];
	CHECK_EQ_INT(crypto_b64url_encode((const uint8_t *)"\xfb\xff", 2, out), 3);
	CHECK_EQ_STR(out, "-_8");
	crypto_b64url_encode((const uint8_t *)"Man", 3, out);
	CHECK_EQ_STR(out, "TWFu");

	uint8_t h[CRYPTO_HASH_BYTES];
	crypto_sha256("abc", 3, h);
	static const uint8_t abc[4] = {0xba, 0x78, 0x16, 0xbf};
	CHECK(memcmp(h, abc, 4) == 0);

	uint8_t key[CRYPTO_SECRET_BYTES] = {1}, key2[CRYPTO_SECRET_BYTES] = {2};
	uint8_t a[16], b[16], c[16], d[16];
	crypto_pseudonym(key, "device", raw, sizeof raw, a, sizeof a);
	crypto_pseudonym(key, "device", raw, sizeof raw, b, sizeof b);
	crypto_pseudonym(key, "invitation", raw, sizeof raw, c, sizeof c);
	crypto_pseudonym(key2, "device", raw, sizeof raw, d, sizeof d);
	CHECK(crypto_equal(a, b, sizeof a));
	CHECK(!crypto_equal(a, c, sizeof a));
	CHECK(!crypto_equal(a, d, sizeof a));

	char id[11];
	CHECK_EQ_INT(crypto_random_id(id, 10), 0);
	CHECK_EQ_INT(strlen(id), 10);
	CHECK(strspn(id, "abcdefghijkmnpqrstuvwxyz23456789") == 10);
	return check_done();
}
