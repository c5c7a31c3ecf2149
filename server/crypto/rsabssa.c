/* rsabssa.c — RFC 9474 blind signatures, the server's half, on libcrypto's EVP interface only
 * (the RSA_* calls are deprecated in OpenSSL 3). Keys never leave this file except as DER for
 * the store; no blinding or finalizing happens here: that is the client's. */
#include <stdbool.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "rsabssa.h"

struct crypto_rsa {
	EVP_PKEY *pkey;
	size_t size;
};

static crypto_rsa *wrap(EVP_PKEY *pkey)
{
	int bits = pkey ? EVP_PKEY_get_bits(pkey) : 0;
	crypto_rsa *k = NULL;
	if (pkey && EVP_PKEY_is_a(pkey, "RSA") && bits >= CRYPTO_RSA_BITS && bits <= CRYPTO_RSA_MAX_BYTES * 8)
		k = OPENSSL_zalloc(sizeof *k);
	if (!k) {
		EVP_PKEY_free(pkey);
		return NULL;
	}
	k->pkey = pkey;
	k->size = (size_t)EVP_PKEY_get_size(pkey);
	return k;
}

crypto_rsa *crypto_rsa_generate(void)
{
	return wrap(EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)CRYPTO_RSA_BITS));
}

crypto_rsa *crypto_rsa_from_der(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	if (!der || len == 0 || len > CRYPTO_RSA_DER_MAX)
		return NULL;
	return wrap(d2i_PrivateKey(EVP_PKEY_RSA, NULL, &p, (long)len));
}

size_t crypto_rsa_der(const crypto_rsa *k, uint8_t *out, size_t cap)
{
	unsigned char *der = NULL;
	int len = i2d_PrivateKey(k->pkey, &der);
	size_t n = len > 0 && (size_t)len <= cap ? (size_t)len : 0;
	if (n)
		memcpy(out, der, n);
	if (len > 0)
		OPENSSL_clear_free(der, (size_t)len);
	return n;
}

void crypto_rsa_free(crypto_rsa *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey); /* OpenSSL wipes the private components as it frees them */
	OPENSSL_free(k);
}

size_t crypto_rsa_size(const crypto_rsa *k)
{
	return k->size;
}

int crypto_rsa_public(const crypto_rsa *k, uint8_t *n, uint32_t *e)
{
	BIGNUM *bn = NULL, *be = NULL;
	int rc = -1;
	if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_N, &bn) == 1 &&
	    EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_RSA_E, &be) == 1 &&
	    BN_bn2binpad(bn, n, (int)k->size) == (int)k->size && BN_num_bits(be) <= 32) {
		*e = (uint32_t)BN_get_word(be);
		rc = 0;
	}
	BN_free(bn);
	BN_free(be);
	return rc;
}

/* One raw RSA operation (no padding) of len = k->size bytes: the private one (RSASP1) with
 * `sign`, else the public one (RSAVP1). Returns 0, or -1 (OpenSSL refuses a value not below
 * the modulus). */
static int raw(const crypto_rsa *k, bool sign, const uint8_t *in, uint8_t *out)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
	size_t outlen = k->size;
	int ok = ctx != NULL;
	if (sign)
		ok = ok && EVP_PKEY_sign_init(ctx) == 1 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) == 1 &&
		     EVP_PKEY_sign(ctx, out, &outlen, in, k->size) == 1;
	else
		ok = ok && EVP_PKEY_verify_recover_init(ctx) == 1 &&
		     EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) == 1 &&
		     EVP_PKEY_verify_recover(ctx, out, &outlen, in, k->size) == 1;
	EVP_PKEY_CTX_free(ctx);
	return ok && outlen == k->size ? 0 : -1;
}

int crypto_rsa_blind_sign(const crypto_rsa *k, const uint8_t *blinded, size_t len, uint8_t *sig)
{
	uint8_t check[CRYPTO_RSA_MAX_BYTES];
	if (len != k->size || raw(k, true, blinded, sig) || raw(k, false, sig, check) ||
	    CRYPTO_memcmp(check, blinded, len) != 0) {
		OPENSSL_cleanse(sig, len);
		return -1;
	}
	return 0;
}

int crypto_rsa_verify(const crypto_rsa *k, const uint8_t *msg, size_t msglen, const uint8_t *sig, size_t siglen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok = md && siglen == k->size &&
	         EVP_DigestVerifyInit_ex(md, &pctx, "SHA384", NULL, NULL, k->pkey, NULL) == 1 &&
	         EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
	         EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, "SHA384", NULL) == 1 &&
	         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) == 1 && EVP_DigestVerify(md, sig, siglen, msg, msglen) == 1;
	EVP_MD_CTX_free(md);
	return ok ? 0 : -1;
}
