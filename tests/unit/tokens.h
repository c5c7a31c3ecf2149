/* tokens.h — a role token for the unit tests: made from the CSPRNG, stored by its hash, and its
 * text (CRYPTO_TOKEN_CHARS + 1 bytes) given back for the test's auth frames. A personal
 * invitation's holder also needs a credential (CHR-3): made here the way a browser ends up with
 * one (a 64-byte message signed with RSA-PSS under the consultation's key), so that a test's
 * auth frame presents it. */
#ifndef RT_TEST_TOKENS_H
#define RT_TEST_TOKENS_H

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "check.h"
#include "crypto.h"
#include "rsabssa.h"
#include "store.h"

/* The invitations added so far, with their consultation and store. */
static struct {
	char token[CRYPTO_TOKEN_CHARS + 1];
	char cid[CORE_ID_MAX + 1];
	store *s;
} test_invitations[64];
static int test_ninvitations;

static inline void add_token(store *s, const char *cid, core_role role, store_token_kind kind, char *text)
{
	uint8_t raw[CRYPTO_TOKEN_BYTES];
	store_token t = {.role = role, .kind = kind};
	crypto_token_new(raw, text);
	crypto_sha256(raw, sizeof raw, t.hash);
	strcpy(t.consultation, cid);
	CHECK_EQ_INT(store_add_token(s, &t), RT_OK);
	if (kind != STORE_TOKEN_PERSONAL || test_ninvitations == 64)
		return;
	snprintf(test_invitations[test_ninvitations].token, sizeof test_invitations[0].token, "%s", text);
	snprintf(test_invitations[test_ninvitations].cid, sizeof test_invitations[0].cid, "%s", cid);
	test_invitations[test_ninvitations++].s = s;
	/* The consultation's blind-signing key, as the hub makes it on first use. */
	static uint8_t der[CRYPTO_RSA_DER_MAX];
	size_t len = 0;
	if (store_credential_key(s, cid, der, sizeof der, &len) == RT_E_NOT_FOUND) {
		crypto_rsa *k = crypto_rsa_generate();
		len = crypto_rsa_der(k, der, sizeof der);
		CHECK_EQ_INT(store_credential_key_put(s, cid, der, len), RT_OK);
		crypto_rsa_free(k);
	}
}

/* The auth fields that present invitation token's credential (",\"credential\":...") into out,
 * read with store s (NULL: the one it was added with); "" for any other token. The credential is
 * the same for a token every time (a participant's own browser), its signature is new. */
static inline void credential_fields(store *s, const char *token, char *out, size_t cap)
{
	out[0] = '\0';
	int i = 0;
	while (i < test_ninvitations && strcmp(test_invitations[i].token, token) != 0)
		i++;
	if (i == test_ninvitations)
		return;
	static uint8_t der[CRYPTO_RSA_DER_MAX];
	size_t len = 0;
	CHECK_EQ_INT(
	    store_credential_key(s ? s : test_invitations[i].s, test_invitations[i].cid, der, sizeof der, &len), RT_OK);
	uint8_t msg[CRYPTO_CREDENTIAL_BYTES], sig[CRYPTO_RSA_MAX_BYTES];
	crypto_sha256(token, strlen(token), msg);
	crypto_sha256(msg, 32, msg + 32);
	const unsigned char *p = der;
	EVP_PKEY *pkey = d2i_PrivateKey(EVP_PKEY_RSA, NULL, &p, (long)len);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	size_t siglen = sizeof sig;
	CHECK(pkey && EVP_DigestSignInit_ex(md, &pctx, "SHA384", NULL, NULL, pkey, NULL) == 1 &&
	      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
	      EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, "SHA384", NULL) == 1 &&
	      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) == 1 &&
	      EVP_DigestSign(md, sig, &siglen, msg, sizeof msg) == 1);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);
	char c64[(CRYPTO_CREDENTIAL_BYTES + 2) / 3 * 4 + 1], s64[(CRYPTO_RSA_MAX_BYTES + 2) / 3 * 4 + 1];
	crypto_b64url_encode(msg, sizeof msg, c64);
	crypto_b64url_encode(sig, siglen, s64);
	snprintf(out, cap, ",\"credential\":\"%s\",\"signature\":\"%s\"", c64, s64);
}

#endif
