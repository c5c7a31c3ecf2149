/* test_rsabssa.c — the server's half of RFC 9474 blind signatures: the RFC's own test vector
 * (appendix A, RSABSSA-SHA384-PSS-Randomized) signed through the stored-key path, keys made and
 * reloaded, a wrong key, a tampered message and malformed input refused. */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "check.h"
#include "rsabssa.h"

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	if (!strncmp(s, "0x", 2))
		s += 2;
	size_t n = strlen(s) / 2;
	CHECK(n <= cap);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		CHECK(sscanf(s + 2 * i, "%2x", &v) == 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

static BIGNUM *bn_of(json_t *v, const char *name)
{
	BIGNUM *bn = NULL;
	const char *s = json_string_value(json_object_get(v, name));
	CHECK(s && BN_hex2bn(&bn, s + 2) > 0);
	return bn;
}

/* The vector's key, made into the DER the store keeps, then loaded the way the hub loads it. */
static crypto_rsa *vector_key(json_t *v)
{
	BIGNUM *n = bn_of(v, "n"), *e = bn_of(v, "e"), *d = bn_of(v, "d"), *p = bn_of(v, "p"), *q = bn_of(v, "q");
	BN_CTX *bc = BN_CTX_new();
	BIGNUM *p1 = BN_dup(p), *q1 = BN_dup(q), *dp = BN_new(), *dq = BN_new(), *qi = BN_new();
	BN_sub_word(p1, 1);
	BN_sub_word(q1, 1);
	BN_mod(dp, d, p1, bc);
	BN_mod(dq, d, q1, bc);
	BN_mod_inverse(qi, q, p, bc);
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, n);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, e);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_D, d);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_FACTOR1, p);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_FACTOR2, q);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq);
	OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qi);
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(b);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *pkey = NULL;
	CHECK(EVP_PKEY_fromdata_init(ctx) == 1 && EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) == 1);
	unsigned char *der = NULL;
	int len = i2d_PrivateKey(pkey, &der);
	CHECK(len > 0);
	crypto_rsa *k = crypto_rsa_from_der(der, (size_t)len);
	CHECK(k != NULL);
	OPENSSL_free(der);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(b);
	BN_CTX_free(bc);
	BN_free(n), BN_free(e), BN_free(d), BN_free(p), BN_free(q);
	BN_free(p1), BN_free(q1), BN_free(dp), BN_free(dq), BN_free(qi);
	return k;
}

/* A PSS signature (SHA-384, MGF1-SHA-384, 48-byte salt) made by OpenSSL directly, as a client's
 * finalized credential would be, under a key made by crypto_rsa_generate. */
static size_t pss_sign(const crypto_rsa *k, const uint8_t *msg, size_t n, uint8_t *sig)
{
	uint8_t der[CRYPTO_RSA_DER_MAX];
	size_t len = crypto_rsa_der(k, der, sizeof der);
	const unsigned char *p = der;
	EVP_PKEY *pkey = d2i_PrivateKey(EVP_PKEY_RSA, NULL, &p, (long)len);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	size_t siglen = CRYPTO_RSA_MAX_BYTES;
	CHECK(pkey && EVP_DigestSignInit_ex(md, &pctx, "SHA384", NULL, NULL, pkey, NULL) == 1);
	CHECK(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1);
	CHECK(EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, "SHA384", NULL) == 1);
	CHECK(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) == 1);
	CHECK(EVP_DigestSign(md, sig, &siglen, msg, n) == 1);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);
	return siglen;
}

int main(void)
{
	json_error_t jerr;
	json_t *v = json_load_file(RT_SOURCE_DIR "/tests/fixtures/rsabssa/rfc9474-pss-randomized.json", 0, &jerr);
	CHECK(v != NULL);
	static uint8_t blinded[CRYPTO_RSA_MAX_BYTES], blind_sig[CRYPTO_RSA_MAX_BYTES], sig[CRYPTO_RSA_MAX_BYTES],
	    msg[256], out[CRYPTO_RSA_MAX_BYTES];
	size_t nb = unhex(json_string_value(json_object_get(v, "blinded_msg")), blinded, sizeof blinded);
	size_t ns = unhex(json_string_value(json_object_get(v, "blind_sig")), blind_sig, sizeof blind_sig);
	size_t nsig = unhex(json_string_value(json_object_get(v, "sig")), sig, sizeof sig);
	size_t nm = unhex(json_string_value(json_object_get(v, "input_msg")), msg, sizeof msg);

	/* The RFC's vector: BlindSign gives its blind signature, Verify accepts its signature. */
	crypto_rsa *rfc = vector_key(v);
	CHECK_EQ_INT(crypto_rsa_size(rfc), 512);
	CHECK_EQ_INT(nb, 512);
	CHECK_EQ_INT(crypto_rsa_blind_sign(rfc, blinded, nb, out), 0);
	CHECK_EQ_INT(ns, 512);
	CHECK(memcmp(out, blind_sig, ns) == 0);
	CHECK_EQ_INT(crypto_rsa_verify(rfc, msg, nm, sig, nsig), 0);
	/* A tampered message, a tampered signature, a short signature: refused. */
	msg[nm - 1] ^= 1;
	CHECK_EQ_INT(crypto_rsa_verify(rfc, msg, nm, sig, nsig), -1);
	msg[nm - 1] ^= 1;
	sig[10] ^= 0x40;
	CHECK_EQ_INT(crypto_rsa_verify(rfc, msg, nm, sig, nsig), -1);
	sig[10] ^= 0x40;
	CHECK_EQ_INT(crypto_rsa_verify(rfc, msg, nm, sig, nsig - 1), -1);
	/* A blinded message of the wrong length, or not below the modulus: refused. */
	CHECK_EQ_INT(crypto_rsa_blind_sign(rfc, blinded, nb - 1, out), -1);
	memset(blinded, 0xff, nb);
	CHECK_EQ_INT(crypto_rsa_blind_sign(rfc, blinded, nb, out), -1);

	/* A consultation's key: 2048 bits, e = 65537, the same after a trip through its DER. */
	crypto_rsa *k = crypto_rsa_generate();
	CHECK(k != NULL);
	CHECK_EQ_INT(crypto_rsa_size(k), 256);
	static uint8_t der[CRYPTO_RSA_DER_MAX], n1[CRYPTO_RSA_MAX_BYTES], n2[CRYPTO_RSA_MAX_BYTES];
	size_t dlen = crypto_rsa_der(k, der, sizeof der);
	CHECK(dlen > 0);
	CHECK_EQ_INT(crypto_rsa_der(k, der, 16), 0); /* too small: nothing */
	dlen = crypto_rsa_der(k, der, sizeof der);
	crypto_rsa *k2 = crypto_rsa_from_der(der, dlen);
	CHECK(k2 != NULL);
	uint32_t e1 = 0, e2 = 0;
	CHECK_EQ_INT(crypto_rsa_public(k, n1, &e1), 0);
	CHECK_EQ_INT(crypto_rsa_public(k2, n2, &e2), 0);
	CHECK_EQ_INT(e1, 65537);
	CHECK(e1 == e2 && memcmp(n1, n2, 256) == 0);
	CHECK(crypto_rsa_from_der(der, dlen / 2) == NULL);
	CHECK(crypto_rsa_from_der(der, 0) == NULL);

	/* Sign and verify under it; another key (the RFC's) and a tampered message are refused. */
	uint8_t cred[CRYPTO_CREDENTIAL_BYTES];
	for (int i = 0; i < CRYPTO_CREDENTIAL_BYTES; i++)
		cred[i] = (uint8_t)(i * 7 + 1);
	size_t slen = pss_sign(k, cred, sizeof cred, sig);
	CHECK_EQ_INT(slen, 256);
	CHECK_EQ_INT(crypto_rsa_verify(k2, cred, sizeof cred, sig, slen), 0);
	CHECK_EQ_INT(crypto_rsa_verify(rfc, cred, sizeof cred, sig, slen), -1);
	crypto_rsa *other = crypto_rsa_generate();
	CHECK_EQ_INT(crypto_rsa_verify(other, cred, sizeof cred, sig, slen), -1);
	cred[0] ^= 1;
	CHECK_EQ_INT(crypto_rsa_verify(k2, cred, sizeof cred, sig, slen), -1);

	/* BlindSign is RSASP1: the public operation undoes it. */
	uint8_t m[256] = {0x12, 0x34}, s[256], back[256];
	m[255] = 9;
	CHECK_EQ_INT(crypto_rsa_blind_sign(k2, m, sizeof m, s), 0);
	CHECK(memcmp(s, m, sizeof m) != 0);
	CHECK_EQ_INT(crypto_rsa_blind_sign(k, m, sizeof m, back), 0);
	CHECK(memcmp(s, back, sizeof s) == 0);

	crypto_rsa_free(rfc);
	crypto_rsa_free(k);
	crypto_rsa_free(k2);
	crypto_rsa_free(other);
	crypto_rsa_free(NULL);
	json_decref(v);
	return check_done();
}
