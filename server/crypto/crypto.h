/* crypto.h — the few cryptographic operations Roundtable needs, over OpenSSL's libcrypto:
 * random capability tokens, SHA-256 of tokens, keyed pseudonyms, constant-time comparison and
 * base64url. Not a general-purpose wrapper. */
#ifndef RT_CRYPTO_H
#define RT_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Capability tokens are 128 bits from the CSPRNG (PL-2). */
#define CRYPTO_TOKEN_BYTES 16
/* 16 bytes in base64url without padding. */
#define CRYPTO_TOKEN_CHARS 22
#define CRYPTO_HASH_BYTES 32
/* The per-consultation secret behind pseudonyms (CHR-3). */
#define CRYPTO_SECRET_BYTES 32

/* Fills buf with n bytes from the CSPRNG. Returns 0, or -1 if the CSPRNG failed. */
int crypto_random(uint8_t *buf, size_t n);

/* A fresh token: raw bytes in `raw`, its text form (22 chars + NUL) in `text`. */
int crypto_token_new(uint8_t raw[CRYPTO_TOKEN_BYTES], char text[CRYPTO_TOKEN_CHARS + 1]);

/* Parses a token's text form. Returns 0, or -1 when it is not 22 base64url characters that
 * encode exactly 16 bytes. */
int crypto_token_parse(const char *text, uint8_t raw[CRYPTO_TOKEN_BYTES]);

/* SHA-256 of n bytes. */
void crypto_sha256(const void *data, size_t n, uint8_t out[CRYPTO_HASH_BYTES]);

/* HMAC-SHA-256(key, domain || 0x00 || data), truncated to outlen (<= 32) bytes. The domain
 * keeps pseudonyms of device keys and of invitation tokens apart. */
void crypto_pseudonym(const uint8_t key[CRYPTO_SECRET_BYTES], const char *domain, const uint8_t *data, size_t n,
                      uint8_t *out, size_t outlen);

/* Constant-time equality of two n-byte buffers. */
bool crypto_equal(const void *a, const void *b, size_t n);

/* base64url without padding; out must hold 4*ceil(n/3)+1 bytes. Returns the length written. */
size_t crypto_b64url_encode(const uint8_t *in, size_t n, char *out);

/* Lowercase letters and digits from the CSPRNG, for consultation ids. Returns 0 or -1. */
int crypto_random_id(char *out, size_t nchars);

#endif
