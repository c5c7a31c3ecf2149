/* guard.c — abuse from the open link, as the hub meets it: the opaque key of a connection's
 * network, a new device key's proof of work and its count against its network's cap at auth,
 * and the co-chairs' bulk reject run as one reject per question. The rules are the core's
 * (server/core/guard.c); the address itself is never kept, stored or logged. */
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "internal.h"

void hub_peer_network(hub *h, hub_peer *peer, const char *address)
{
	/* A key drawn once per process: the same address gives the same key only while this
	 * process runs, and nothing written anywhere can be matched to an address. */
	if (!h->network_keyed) {
		if (crypto_random(h->network_key, sizeof h->network_key))
			return; /* no randomness: every connection counts as one unknown network */
		h->network_keyed = true;
	}
	uint8_t out[CORE_NETWORK_KEY_LEN];
	crypto_pseudonym(h->network_key, "network", (const uint8_t *)address, strlen(address), out, sizeof out);
	memcpy(peer->network, out, sizeof peer->network);
}

/* AB-6: whether SHA-256("roundtable-pow" ‖ consultation ‖ device key ‖ nonce) starts with
 * `bits` zero bits. */
static bool work_done(const char *cid, const wire_message *m, int bits)
{
	char in[16 + CORE_ID_MAX + WIRE_TOKEN_CHARS + sizeof m->work];
	int n = snprintf(in, sizeof in, "roundtable-pow%s%s%s", cid, m->device, m->work);
	if (!m->has_work || n < 0 || (size_t)n >= sizeof in)
		return false;
	uint8_t hash[CRYPTO_HASH_BYTES];
	crypto_sha256(in, (size_t)n, hash);
	return core_work_ok(hash, bits);
}

rt_err hub_guard_join(hub *h, hub_room *r, const core_actor *actor, const wire_message *m, core_err_params *params)
{
	if (!actor->open_link || !actor->has_pseud || core_rule_accepted(&r->st, &actor->pseud))
		return RT_OK; /* an invitation, or a device key this consultation knows: no cost */
	wire_message join;
	memset(&join, 0, offsetof(wire_message, text));
	join.kind = WIRE_MSG_COMMAND;
	join.cmd.kind = CORE_CMD_JOIN;
	/* The pause and the network's cap first, so that nobody pays for a refusal. */
	rt_err err = core_decide(&r->st, actor, &join.cmd, h->io.now_ms(h->io.ctx), &h->dec);
	if (err) {
		*params = h->dec.err;
		return err;
	}
	int bits = r->st.agenda.work_bits;
	if (bits > 0 && !work_done(r->st.agenda.id, m, bits)) {
		params->bits = bits;
		params->consultation = r->st.agenda.id;
		return RT_E_AUTH_WORK_REQUIRED;
	}
	err = hub_run_command(h, r, NULL, actor, &join, NULL);
	if (err)
		*params = h->dec.err;
	return err;
}

void hub_reject_all(hub *h, hub_peer *peer, const wire_message *m)
{
	hub_room *r = peer->room;
	core_decision *d = &h->dec;
	rt_err err = core_decide(&r->st, &peer->actor, &m->cmd, h->io.now_ms(h->io.ctx), d);
	h->stats.commands++;
	if (err) {
		h->stats.refused++;
		hub_queue_error(h, peer, m->id, err, NULL, &d->err);
		return;
	}
	uint32_t ids[CORE_BULK_MAX];
	uint32_t n = core_reject_targets(&r->st, &m->cmd, ids, CORE_BULK_MAX), rejected = 0;
	wire_message one;
	memset(&one, 0, offsetof(wire_message, text));
	one.kind = WIRE_MSG_COMMAND;
	one.cmd.kind = CORE_CMD_QUESTION_REJECT;
	for (uint32_t i = 0; i < n; i++) {
		one.cmd.question = ids[i];
		err = hub_run_command(h, r, NULL, &peer->actor, &one, NULL);
		if (err == RT_E_SERVER_UNAVAILABLE) {
			hub_queue_error(h, peer, m->id, err, NULL, NULL);
			return;
		}
		rejected += err == RT_OK;
	}
	/* Retried, it finds nothing left pending to reject: no receipt is needed. */
	hub_queue_ack(h, peer, m->id,
	              wire_encode_ack(&r->st, m->id, r->st.seq, &m->cmd, rejected, &peer->actor, h->headroom));
}
