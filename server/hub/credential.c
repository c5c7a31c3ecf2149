/* credential.c — invitations' unlinkable credentials (CHR-3, RFC 9474), on the hub's side: the
 * consultation's blind-signing key (loaded on first use; made then for a consultation older
 * than credentials; freed at the seal), a draw answered with a blind signature, a credential
 * checked at auth and turned into the pseudonym, re-issue requests and the co-chairs' allowing
 * them. Not the cryptography (crypto/rsabssa.c) nor what is stored (store/credentials.c):
 * never a credential, a blinded message or a time. */
#include <string.h>

#include "internal.h"

#define HUB_CREDENTIAL_REISSUES STORE_CREDENTIAL_REISSUES

crypto_rsa *hub_credential_key(hub *h, hub_room *r)
{
	if (r->cred_key || r->st.sealed)
		return r->cred_key;
	static uint8_t der[CRYPTO_RSA_DER_MAX]; /* service thread only */
	size_t len = 0;
	rt_err err = store_credential_key(h->store, r->st.agenda.id, der, sizeof der, &len);
	if (err == RT_OK) {
		r->cred_key = crypto_rsa_from_der(der, len);
	} else if (err == RT_E_NOT_FOUND) {
		/* A consultation made before credentials were, or not yet used by an invitation: its key
		 * is made now and goes into the open batch, so that nothing signed with it is answered
		 * before the key is durable. */
		crypto_rsa *k = crypto_rsa_generate();
		len = k ? crypto_rsa_der(k, der, sizeof der) : 0;
		if (len && store_credential_key_put(h->store, r->st.agenda.id, der, len) == RT_OK)
			r->cred_key = k;
		else
			crypto_rsa_free(k);
	}
	memset(der, 0, sizeof der);
	return r->cred_key;
}

rt_err hub_credential_pseudonym(hub *h, hub_room *r, const wire_message *m, core_pseud *out)
{
	crypto_rsa *k = hub_credential_key(h, r);
	if (!k)
		return RT_E_SERVER_UNAVAILABLE;
	if (crypto_rsa_verify(k, m->credential, sizeof m->credential, m->rsa, m->rsa_len))
		return RT_E_CREDENTIAL_INVALID;
	/* The pseudonym is keyed by the consultation's secret, as every pseudonym is, and derived
	 * from the credential alone: nothing the server or the organiser holds names its invitation. */
	uint8_t digest[CRYPTO_HASH_BYTES];
	crypto_sha256(m->credential, sizeof m->credential, digest);
	crypto_pseudonym(r->secret, "credential", digest, sizeof digest, out->b, CORE_PSEUD_LEN);
	memset(digest, 0, sizeof digest);
	return RT_OK;
}

/* Where the invitation that peer authenticated with stands, for credential.key. */
static rt_err stand(hub *h, const hub_peer *peer, const char **state)
{
	store_credential c;
	if (store_credential_get(h->store, peer->room->st.agenda.id, peer->link, &c) != RT_OK)
		return RT_E_SERVER_UNAVAILABLE;
	*state = c.drawn <= c.allowed ? (c.drawn ? "allowed" : "draw") : c.requested ? "requested" : "drawn";
	return RT_OK;
}

/* credential.key for peer (answering command `id`, or "" after its snapshot). */
static wire_buf *key_message(hub *h, const hub_peer *peer, const char *id)
{
	const char *state;
	uint8_t n[CRYPTO_RSA_MAX_BYTES];
	uint32_t e;
	crypto_rsa *k = hub_credential_key(h, peer->room);
	if (!k || stand(h, peer, &state) || crypto_rsa_public(k, n, &e))
		return NULL;
	return wire_encode_credential_key(id, n, crypto_rsa_size(k), e, state, h->headroom);
}

rt_err hub_credential_offer(hub *h, hub_peer *peer)
{
	wire_buf *b = key_message(h, peer, "");
	if (!b)
		return RT_E_SERVER_UNAVAILABLE;
	h->io.send(h->io.ctx, peer, b);
	wire_buf_unref(b);
	return RT_OK;
}

/* The co-chairs' counts: to `to` answering command id (allowed >= 0), after the commit; or, with
 * `to` NULL, to every co-chair of the room at once (a count, read from the open batch). */
static void tell_cochairs(hub *h, hub_room *r, const hub_peer *to, const char *id, int allowed)
{
	int asked, reissued;
	if (store_credential_counts(h->store, r->st.agenda.id, &asked, &reissued) != RT_OK)
		return;
	r->st.reissued = (uint32_t)reissued; /* the report's count (CHR-3) */
	for (hub_peer *p = r->peers; p; p = p->next) {
		if (p->actor.role != CORE_ROLE_COCHAIR || (to && p != to))
			continue;
		wire_buf *b = wire_encode_credential_requests(p == to ? id : "", asked, reissued,
		                                              p == to ? allowed : -1, h->headroom);
		if (b && to)
			hub_queue_ack(h, p, id, b);
		else if (b)
			h->io.send(h->io.ctx, p, b);
		if (!to)
			wire_buf_unref(b);
	}
}

void hub_credential_cochair(hub *h, hub_peer *peer)
{
	int asked, reissued;
	hub_room *r = peer->room;
	/* Nothing to show while nobody asked and nothing was re-issued. */
	if (r->st.sealed || store_credential_counts(h->store, r->st.agenda.id, &asked, &reissued) != RT_OK ||
	    (asked == 0 && reissued == 0))
		return;
	wire_buf *b = wire_encode_credential_requests("", asked, reissued, -1, h->headroom);
	if (b)
		h->io.send(h->io.ctx, peer, b);
	wire_buf_unref(b);
}

void hub_credential_command(hub *h, hub_peer *peer, const wire_message *m)
{
	hub_room *r = peer->room;
	const char *cid = r->st.agenda.id;
	rt_err err = RT_OK;
	if (r->st.sealed) {
		err = RT_E_CONSULTATION_SEALED;
	} else if (m->kind == WIRE_MSG_CREDENTIAL_ALLOW) {
		int allowed = 0;
		if (peer->actor.role != CORE_ROLE_COCHAIR)
			err = RT_E_AUTH_FORBIDDEN;
		else if (store_credential_allow(h->store, cid, NULL, HUB_CREDENTIAL_REISSUES, &allowed) != RT_OK)
			err = RT_E_SERVER_UNAVAILABLE;
		else
			tell_cochairs(h, r, peer, m->id, allowed);
	} else if (!peer->credential_pending) {
		/* Only the holder of an invitation, before presenting a credential, draws or asks. */
		err = peer->actor.role == CORE_ROLE_PARTICIPANT && peer->invitation ? RT_E_CREDENTIAL_DRAWN
		                                                                    : RT_E_AUTH_FORBIDDEN;
	} else {
		store_credential c;
		crypto_rsa *k = hub_credential_key(h, r);
		if (!k || store_credential_get(h->store, cid, peer->link, &c) != RT_OK)
			err = RT_E_SERVER_UNAVAILABLE;
		else if (m->kind == WIRE_MSG_CREDENTIAL_REISSUE)
			err = c.drawn <= c.allowed                   ? RT_OK /* nothing to ask: it may draw */
			      : c.allowed >= HUB_CREDENTIAL_REISSUES ? RT_E_CREDENTIAL_REISSUE_LIMIT
			      : store_credential_request(h->store, cid, peer->link) ? RT_E_SERVER_UNAVAILABLE
			                                                            : RT_OK;
		else if (c.drawn > c.allowed)
			err = RT_E_CREDENTIAL_DRAWN;
		if (!err && m->kind == WIRE_MSG_CREDENTIAL_REISSUE) {
			/* The answer says where the invitation stands once the request is durable. */
			wire_buf *b = key_message(h, peer, m->id);
			if (!b)
				err = RT_E_SERVER_UNAVAILABLE;
			else
				hub_queue_ack(h, peer, m->id, b);
			if (b)
				tell_cochairs(h, r, NULL, "", -1);
		} else if (!err) {
			uint8_t sig[CRYPTO_RSA_MAX_BYTES];
			if (m->rsa_len != crypto_rsa_size(k) || crypto_rsa_blind_sign(k, m->rsa, m->rsa_len, sig)) {
				hub_queue_error(h, peer, m->id, RT_E_PROTOCOL_INVALID_FIELD, "blinded", NULL);
				return;
			}
			/* CHR-3: the one thing kept is that this invitation drew (a count). */
			wire_buf *b = store_credential_drawn(h->store, cid, peer->link) == RT_OK
			                  ? wire_encode_credential_signed(m->id, sig, m->rsa_len, h->headroom)
			                  : NULL;
			memset(sig, 0, sizeof sig);
			h->forget_order = h->forget_order || b;
			if (!b)
				err = RT_E_SERVER_UNAVAILABLE;
			else
				hub_queue_ack(h, peer, m->id, b);
			if (b && c.drawn > 0)
				tell_cochairs(h, r, NULL, "", -1); /* a re-issue: the co-chairs' count goes up */
		}
	}
	if (err)
		hub_queue_error(h, peer, m->id, err, NULL, NULL);
	h->io.wake(h->io.ctx);
}
