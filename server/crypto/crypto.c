/* crypto.c — Roundtable's use of libcrypto. Every secret byte comes from RAND_bytes. */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "crypto.h"

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int crypto_random(uint8_t *buf, size_t n)
{
	return RAND_bytes(buf, (int)n) == 1 ? 0 : -1;
}

size_t crypto_b64url_encode(const uint8_t *in, size_t n, char *out)
{
	size_t o = 0, i = 0;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
		out[o++] = b64url[v >> 6 & 63];
		out[o++] = b64url[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
		out[o++] = b64url[v >> 6 & 63];
	}
	out[o] = '\0';
	return o;
}

static int b64url_value(char c)
{
	const char *p = c ? strchr(b64url, c) : NULL;
	return p ? (int)(p - b64url) : -1;
}

int crypto_token_new(uint8_t raw[CRYPTO_TOKEN_BYTES], char text[CRYPTO_TOKEN_CHARS + 1])
{
	if (crypto_random(raw, CRYPTO_TOKEN_BYTES))
		return -1;
	crypto_b64url_encode(raw, CRYPTO_TOKEN_BYTES, text);
	return 0;
}

int crypto_token_parse(const char *text, uint8_t raw[CRYPTO_TOKEN_BYTES])
{
	if (!text || strlen(text) != CRYPTO_TOKEN_CHARS)
		return -1;
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < CRYPTO_TOKEN_CHARS; i++) {
		int v = b64url_value(text[i]);
		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			raw[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* 22 characters carry 132 bits: the 4 left over must be zero, so that each token has
	 * exactly one text form. */
	if (o != CRYPTO_TOKEN_BYTES || (acc & ((1u << bits) - 1)) != 0)
		return -1;
	return 0;
}

void crypto_sha256(const void *data, size_t n, uint8_t out[CRYPTO_HASH_BYTES])
{
	SHA256(data, n, out);
}

void crypto_pseudonym(const uint8_t key[CRYPTO_SECRET_BYTES], const char *domain, const uint8_t *data, size_t n,
                      uint8_t *out, size_t outlen)
{
	uint8_t msg[64 + 1 + 64];
	size_t dl = strlen(domain);
	if (dl > 64)
		dl = 64;
	if (n > 64)
		n = 64;
	memcpy(msg, domain, dl);
	msg[dl] = 0;
	memcpy(msg + dl + 1, data, n);
	uint8_t mac[EVP_MAX_MD_SIZE];
	unsigned maclen = 0;
	HMAC(EVP_sha256(), key, CRYPTO_SECRET_BYTES, msg, dl + 1 + n, mac, &maclen);
	memcpy(out, mac, outlen <= maclen ? outlen : maclen);
	OPENSSL_cleanse(mac, sizeof mac);
	OPENSSL_cleanse(msg, sizeof msg);
}

bool crypto_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

int crypto_random_id(char *out, size_t nchars)
{
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789"; /* no l, o, 0, 1 */
	uint8_t buf[64];
	if (nchars > sizeof buf || crypto_random(buf, nchars))
		return -1;
	for (size_t i = 0; i < nchars; i++)
		out[i] = alphabet[buf[i] & 31];
	out[nchars] = '\0';
	return 0;
}
