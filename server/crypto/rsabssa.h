/* rsabssa.h — the server's half of RSA blind signatures (RFC 9474, RSABSSA-SHA384-PSS-Randomized)
 * over OpenSSL's libcrypto: a consultation's key pair, BlindSign and Verify of a finalized
 * credential. Not the client's half (Prepare, Blind, Finalize: web-client/lib/blindrsa.js). */
#ifndef RT_RSABSSA_H
#define RT_RSABSSA_H

#include <stddef.h>
#include <stdint.h>

/* CHR-3: each consultation's key has a 2048-bit modulus (RFC 9474 asks for 2048 at least). */
#define CRYPTO_RSA_BITS 2048
/* The largest modulus accepted from a stored key, in bytes (4096 bits). */
#define CRYPTO_RSA_MAX_BYTES 512
/* The largest stored private key (DER of a 4096-bit RSAPrivateKey is about 2.4 KB). */
#define CRYPTO_RSA_DER_MAX 4096
/* The prepared message a credential signs: a 32-byte random prefix (RFC 9474 §4.1, the
 * Randomized variant) and the client's 32 random bytes. Fixed, so that nothing a client
 * chooses can carry more than a random value. */
#define CRYPTO_CREDENTIAL_BYTES 64

typedef struct crypto_rsa crypto_rsa;

/* A fresh key pair (CRYPTO_RSA_BITS, e = 65537); NULL when the CSPRNG or memory fails.
 * Takes some tens of milliseconds. Free with crypto_rsa_free. */
crypto_rsa *crypto_rsa_generate(void);
/* A key pair from its DER (RSAPrivateKey, as crypto_rsa_der writes it); NULL when der is not
 * an RSA private key of 2048 to 4096 bits. */
crypto_rsa *crypto_rsa_from_der(const uint8_t *der, size_t len);
/* The private key's DER into out (cap bytes); its length, or 0 when it does not fit. The caller
 * wipes it (OPENSSL_cleanse or memset) once stored. */
size_t crypto_rsa_der(const crypto_rsa *k, uint8_t *out, size_t cap);
/* Frees k, wiping its private part. NULL is ignored. */
void crypto_rsa_free(crypto_rsa *k);

/* The modulus' length in bytes: every blinded message, blind signature and signature has it. */
size_t crypto_rsa_size(const crypto_rsa *k);
/* The public key: the modulus (crypto_rsa_size bytes, big-endian) into n and the public exponent
 * into *e. Returns 0, or -1. */
int crypto_rsa_public(const crypto_rsa *k, uint8_t *n, uint32_t *e);

/* RFC 9474 §4.3 BlindSign: sig = RSASP1(sk, blinded), checked by RSAVP1(pk, sig) == blinded
 * (a fault in the private operation must not leak the key). `blinded` and `sig` are
 * crypto_rsa_size bytes. Returns 0, or -1 when the length is wrong, the value is not below the
 * modulus, or the check fails. */
int crypto_rsa_blind_sign(const crypto_rsa *k, const uint8_t *blinded, size_t len, uint8_t *sig);

/* RFC 9474 §4.5 Verify: RSASSA-PSS (SHA-384, MGF1 with SHA-384, 48-byte salt) of the prepared
 * message `msg` under k. Returns 0 when sig is a valid signature of msg, -1 otherwise. */
int crypto_rsa_verify(const crypto_rsa *k, const uint8_t *msg, size_t msglen, const uint8_t *sig, size_t siglen);

#endif
