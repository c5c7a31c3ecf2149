/* batch.c — the group commit: each command is decided, appended to the store's open transaction
 * and evolved at once, and what it produced for clients waits in `pending` until the flush
 * commits. Not delivery itself (room.c) nor authentication (auth.c).
 *
 * A batch is everything accepted since the last flush: the next command of the batch sees the
 * state the previous ones made. If a write fails before the commit, the transaction is rolled
 * back, the touched rooms are reloaded and every command of the batch is answered
 * server.unavailable: nothing was stored and nothing delivered. If the COMMIT itself fails
 * (an fsync, a full disk), its outcome is unknown: the WAL may hold the whole batch and replay
 * it at the next start. Then the database is reopened, as a restart would, and what it holds
 * decides: the batch is there (its acks and events go out as committed) or it is not (then
 * server.unavailable is the truth). If it cannot even be reopened (or a consultation read back
 * after a failed write), the server exits with HUB_EXIT_STORE_LOST so that its supervisor
 * (systemd) restarts it: clients reconnect and send their unanswered commands again with their
 * ids, and get the true answer (PL-3). Serving on from memory that the disk may not match
 * would answer later commands from a state nobody can read back. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "crypto.h"
#include "internal.h"
#include "log.h"

static pending *push(hub *h, pending_kind kind, wire_buf *buf)
{
	if (!buf)
		return NULL;
	if (h->npend == h->pcap) {
		size_t ncap = h->pcap ? h->pcap * 2 : 64;
		pending *np = realloc(h->pend, ncap * sizeof *np);
		if (!np) {
			wire_buf_unref(buf);
			return NULL;
		}
		h->pend = np;
		h->pcap = ncap;
	}
	pending *p = &h->pend[h->npend++];
	memset(p, 0, sizeof *p);
	p->kind = kind;
	p->buf = buf;
	if (h->npend == 1)
		h->io.wake(h->io.ctx);
	return p;
}

void hub_queue_error(hub *h, hub_peer *peer, const char *id, rt_err err, const char *field,
                     const core_err_params *params)
{
	pending *p = push(h, P_PEER, wire_encode_error(id, err, field, params, h->headroom));
	if (p)
		p->peer = peer;
}

static void queue_error_close(hub *h, hub_peer *peer, const char *id, rt_err err, const char *field,
                              const core_err_params *params)
{
	peer->closing = true;
	pending *p = push(h, P_PEER, wire_encode_error(id, err, field, params, h->headroom));
	if (p) {
		p->peer = peer;
		p->close = err;
	} else if (h->io.close) {
		h->io.close(h->io.ctx, peer, err); /* out of memory: closing says enough */
	}
}

/* Queues error `err` for peer, then the end of its connection: the error says why. */
void hub_queue_error_close(hub *h, hub_peer *peer, const char *id, rt_err err, const char *field)
{
	queue_error_close(h, peer, id, err, field, NULL);
}

void hub_queue_error_close_params(hub *h, hub_peer *peer, rt_err err, const core_err_params *params)
{
	queue_error_close(h, peer, NULL, err, NULL, params);
}

/* Queues ack (taking its reference) for peer: it turns into server.unavailable if the batch
 * does not commit. */
static void queue_ack(hub *h, hub_peer *peer, const char *id, wire_buf *ack)
{
	pending *p = push(h, P_PEER, ack);
	if (p) {
		p->peer = peer;
		p->is_ack = true;
		memcpy(p->id, id, sizeof p->id);
	}
}

/* Failures of the store are logged at most once a minute (the first at once), with how many
 * since the last line: a full disk fails every batch. The metrics keep the exact count. */
#define STORE_LOG_SECONDS 60

void hub_store_failed(hub *h)
{
	h->stats.store_failures++;
	const char *why = store_failure(h->store);
	rtlog_sampled(&h->store_log, STORE_LOG_SECONDS, "store_failed", why[0] ? why : "out of memory");
}

/* A commit went through after failures: says so, with the failures not yet logged. */
static void store_recovered(hub *h)
{
	if (!h->store_log.last)
		return;
	rtlog_line l;
	rtlog_begin(&l, RTLOG_INFO, "store_recovered");
	rtlog_int(&l, "unlogged_failures", (int64_t)h->store_log.since);
	rtlog_end(&l);
	memset(&h->store_log, 0, sizeof h->store_log);
}

/* The database cannot be read back: what is in memory may hold what it does not, and only a
 * new start can tell. Logged, then the process ends for its supervisor to restart it. */
_Noreturn static void store_lost(const char *why)
{
	rtlog_line l;
	rtlog_begin(&l, RTLOG_ERROR, "store_lost");
	rtlog_str(&l, "reason", why);
	rtlog_int(&l, "exit", HUB_EXIT_STORE_LOST);
	rtlog_end(&l);
	exit(HUB_EXIT_STORE_LOST);
}

void hub_queue_ack(hub *h, hub_peer *peer, const char *id, wire_buf *ack)
{
	queue_ack(h, peer, id, ack);
}

/* Throws the batch away: rolls the transaction back, reloads every room it touched, drops its
 * events and turns its acks into server.unavailable. */
static void abort_batch(hub *h)
{
	store_rollback(h->store);
	for (hub_room *r = h->rooms; r; r = r->next) {
		/* A key made in this batch was not kept: the next use loads or makes it again. */
		crypto_rsa_free(r->cred_key);
		r->cred_key = NULL;
		if (!r->dirty)
			continue;
		char id[CORE_ID_MAX + 1];
		memcpy(id, r->st.agenda.id, sizeof id);
		core_state fresh;
		if (store_load(h->store, id, &fresh, r->secret) != RT_OK)
			store_lost("reloading a consultation after a failed write");
		/* What lives in memory only was never in the batch: keep it. */
		core_state_move_live(&fresh, &r->st);
		core_state_free(&r->st);
		r->st = fresh;
		hub_snapshot_forget(r);
		r->dirty = false;
		r->sealing = false;
	}
	for (size_t i = 0; i < h->npend; i++) {
		pending *p = &h->pend[i];
		if (p->kind == P_AUDIENCE) {
			wire_buf_unref(p->buf);
			p->buf = NULL;
			p->peer = NULL;
			p->kind = P_PEER;
		} else if (p->is_ack) {
			wire_buf_unref(p->buf);
			p->buf = wire_encode_error(p->id, RT_E_SERVER_UNAVAILABLE, NULL, NULL, h->headroom);
			p->is_ack = false;
		}
	}
}

/* CHR-5, once a seal is durable: the secret leaves memory, and so does every connection's
 * pseudonym; then the database file, its WAL and its free pages lose what the seal deleted. */
static void finish_seals(hub *h)
{
	bool any = false;
	for (hub_room *r = h->rooms; r; r = r->next) {
		if (!r->sealing)
			continue;
		r->sealing = false;
		any = true;
		rtlog_event(RTLOG_INFO, "sealed", "consultation", r->st.agenda.id);
		if (hub_live_due_ms(h, r)) /* what was held, before the pseudonyms go */
			hub_live_send(h, r, h->io.now_ms(h->io.ctx));
		memset(r->secret, 0, sizeof r->secret);
		crypto_rsa_free(r->cred_key); /* CHR-3: the blind-signing key goes with the secret */
		r->cred_key = NULL;
		hub_ring_clear(r); /* encoded for connections that had pseudonyms */
		for (hub_peer *p = r->peers; p; p = p->next) {
			memset(&p->actor.pseud, 0, sizeof p->actor.pseud);
			p->actor.has_pseud = false;
		}
	}
	if (any && store_compact(h->store, h->compact_error, sizeof h->compact_error) != RT_OK) {
		h->compact_failed = true;
		rtlog_event(RTLOG_WARN, "compact_failed", "msg", h->compact_error);
	}
}

/* The latency of one group commit, for operators. */
static void count_commit(hub *h, uint64_t us, bool ok)
{
	static const uint64_t bounds[HUB_COMMIT_BUCKETS] = HUB_COMMIT_BOUNDS_US;
	h->stats.commits++;
	h->stats.commit_failures += !ok;
	h->stats.commit_us_sum += us;
	for (int i = 0; i < HUB_COMMIT_BUCKETS; i++)
		h->stats.commit_buckets[i] += us <= bounds[i];
	h->stats.commit_buckets[HUB_COMMIT_BUCKETS]++;
}

/* After a failed commit, on the reopened database: whether the batch is there. Each room it
 * moved on (its seq) is read back; the batch was one transaction, so it is there for all of them
 * or for none. A batch that moved no room's seq stored nothing a client was told of. */
static bool batch_landed(hub *h)
{
	bool moved = false, landed = true;
	for (hub_room *r = h->rooms; r; r = r->next) {
		if (!r->dirty || r->st.seq == r->batch_seq)
			continue;
		moved = true;
		core_state fresh;
		uint8_t secret[CRYPTO_SECRET_BYTES];
		bool loaded = store_load(h->store, r->st.agenda.id, &fresh, secret) == RT_OK;
		memset(secret, 0, sizeof secret);
		if (!loaded)
			return false; /* abort_batch reloads it, or ends the process */
		landed &= fresh.seq == r->st.seq;
		core_state_free(&fresh);
	}
	return moved && landed;
}

/* The commit failed: its outcome is unknown until the files are read afresh (see the top). */
static void commit_failed(hub *h)
{
	hub_store_failed(h);
	char why[160];
	if (store_reopen(h->store, why, sizeof why) != RT_OK)
		store_lost(why);
	bool landed = batch_landed(h);
	rtlog_line l;
	rtlog_begin(&l, RTLOG_WARN, "commit_outcome");
	rtlog_bool(&l, "stored", landed);
	rtlog_end(&l);
	if (!landed)
		abort_batch(h);
}

void hub_flush(hub *h)
{
	if (store_in_transaction(h->store)) {
		int64_t t0 = mono_us();
		bool ok = store_commit(h->store) == RT_OK;
		count_commit(h, (uint64_t)(mono_us() - t0), ok);
		if (ok)
			store_recovered(h);
		else
			commit_failed(h);
		/* CHR-3: an invitation's draw must not sit in the WAL just before its credential's
		 * first row; emptied before the signature goes out, the WAL keeps neither. */
		if (ok && h->forget_order && store_forget_order(h->store) != RT_OK) {
			rtlog_line l; /* a backup reading the file: the next draw's checkpoint empties it */
			rtlog_begin(&l, RTLOG_WARN, "wal_kept");
			rtlog_end(&l);
		}
		h->forget_order = false;
	}
	/* PERF-2: a room whose window has passed with nothing held sends at once, and starts a new
	 * window; a busy room holds what it delivers. A small room's window is empty. */
	int64_t now = h->io.now_ms(h->io.ctx);
	for (hub_room *r = h->rooms; r; r = r->next) {
		int64_t window = hub_room_window(h, r);
		r->dirty = false;
		r->live_open = !r->nheld && (window <= 0 || now >= r->live_sent_ms + window);
		r->live_used = false;
	}
	for (size_t i = 0; i < h->npend; i++) {
		if (h->pend[i].buf)
			hub_deliver(h, &h->pend[i]);
		wire_buf_unref(h->pend[i].buf);
	}
	h->npend = 0;
	for (hub_room *r = h->rooms; r; r = r->next) {
		if (r->live_open && (r->live_used || r->nvdirty))
			hub_live_send(h, r, now);
		r->live_open = false;
	}
	finish_seals(h);
	hub_live_send_due(h);
	hub_attend_all(h, false);
	hub_schedule_due(h);
}

/* --- commands ---------------------------------------------------------------------------- */

/* Answers a command that could not be stored: the batch is gone, and so is this command. */
static void refuse_unstored(hub *h, hub_peer *peer, const wire_message *m)
{
	hub_store_failed(h);
	abort_batch(h);
	if (peer)
		hub_queue_error(h, peer, m->id, RT_E_SERVER_UNAVAILABLE, NULL, NULL);
}

/* Decides and applies one command in room r. `peer` is who answers for it (NULL for the
 * server's own commands, which get no ack); `key` the receipt key its ack is kept under (NULL:
 * not kept). Returns the core's verdict, or
 * RT_E_SERVER_UNAVAILABLE when it could not be stored. */
rt_err hub_run_command(hub *h, hub_room *r, hub_peer *peer, const core_actor *actor, const wire_message *m,
                       const uint8_t *key)
{
	core_decision *d = &h->dec;
	rt_err err = core_decide(&r->st, actor, &m->cmd, h->io.now_ms(h->io.ctx), d);
	h->stats.commands++;
	h->stats.refused += err != RT_OK;
	if (err) {
		if (peer)
			hub_queue_error(h, peer, m->id, err, NULL, &d->err);
		return err;
	}
	if (d->nevents && !r->dirty)
		r->batch_seq = r->st.seq;
	if (d->nevents)
		r->dirty = true;
	if (d->nevents)
		hub_snapshot_forget(r); /* PERF-1: encoded from the state these events change */
	for (int i = 0; i < d->nevents; i++) {
		const core_event *ev = &d->events[i];
		if (core_evolve(&r->st, ev)) {
			/* Out of memory: the state no longer matches the transaction. */
			refuse_unstored(h, peer, m);
			return RT_E_SERVER_UNAVAILABLE;
		}
		if (ev->kind == CORE_EV_SEALED)
			r->sealing = true;
		/* Encoded once per audience, right after its own evolve, so that each event shows
		 * the state it produced even when later events of the batch change it again. */
		unsigned mask = core_event_audiences(&r->st, ev);
		const core_question *q = core_question_get(&r->st, ev->question);
		for (int aud = 0; aud < CORE_AUD_COUNT; aud++) {
			if (!(mask & (1u << aud)))
				continue;
			pending *p =
			    push(h, P_AUDIENCE, wire_encode_event(&r->st, ev, (core_audience)aud, h->headroom));
			if (p) {
				p->room = r;
				p->aud = (core_audience)aud;
				p->author = q ? q->author : ev->author;
				p->ephemeral = core_event_ephemeral(ev);
				p->seq = p->ephemeral ? r->st.seq : ev->seq;
				/* LC-4: signals and their acknowledgements are never replayed */
				p->replayable = ev->kind != CORE_EV_SIGNAL && ev->kind != CORE_EV_BOOTH_ACK;
				/* PERF-2: a vote reaches live connections in votes.changed. */
				p->coalesced = (ev->kind == CORE_EV_VOTE_ADDED || ev->kind == CORE_EV_VOTE_REMOVED) &&
				               hub_votes_mark(r, ev->question);
			}
		}
	}
	/* Rows are written as images of the state the events produced. A seal also starts the
	 * links' last stretch (PL-2), in the same transaction. */
	int64_t expire = r->sealing && !r->links_expire ? h->io.now_ms(h->io.ctx) + h->links_ttl : 0;
	if (store_append(h->store, &r->st, d->events, d->nevents) != RT_OK ||
	    (expire && store_expire_links(h->store, r->st.agenda.id, expire) != RT_OK)) {
		refuse_unstored(h, peer, m);
		return RT_E_SERVER_UNAVAILABLE;
	}
	if (expire)
		r->links_expire = expire;
	h->stats.events += (uint64_t)d->nevents;
	if (!peer)
		return RT_OK;
	uint64_t seq =
	    d->nevents && !core_event_ephemeral(&d->events[d->nevents - 1]) ? d->events[d->nevents - 1].seq : r->st.seq;
	assert(m->cmd.kind != CORE_CMD_QUESTION_POST || d->nevents > 0); /* a question accepted is posted */
	uint32_t question = m->cmd.kind == CORE_CMD_QUESTION_POST ? d->events[0].question : m->cmd.question;
	wire_buf *ack = wire_encode_ack(&r->st, m->id, seq, &m->cmd, question, actor, h->headroom);
	bool stored = false;
	for (int i = 0; i < d->nevents; i++)
		stored |= !core_event_ephemeral(&d->events[i]);
	/* PL-3: the ack commits with the command's effects, so a retry finds both or neither.
	 * Commands that stored nothing are decided again when retried. CHR-5: the seal keeps no
	 * ack, its own included (sealed here by anyone but a rapporteur means this command sealed
	 * it); its retry is answered consultation.sealed. EX-7: the rapporteurs' work after the seal
	 * keeps its acks, under their link's scope, which names no participant. */
	uint8_t digest[STORE_DIGEST_BYTES];
	if (key)
		hub_command_digest(key, &m->cmd, digest);
	/* POLL-1: a poll answer keeps no ack: decided again, the same answer changes nothing, and a
	 * kept ack would outlive the poll's close as a record of who answered it. FLOOR-1: nor does
	 * a request for the floor: its ack names the ticket, under the participant's scope, and a
	 * ticket's participant is never stored (a retry is answered speaker.already; the snapshot's
	 * you.ticket has the ticket). */
	if (stored && key && (!r->st.sealed || actor->role == CORE_ROLE_RAPPORTEUR) &&
	    m->cmd.kind != CORE_CMD_POLL_ANSWER && m->cmd.kind != CORE_CMD_SPEAKER_REQUEST &&
	    (!ack ||
	     store_put_receipt(h->store, r->st.agenda.id, key, wire_buf_payload(ack), ack->len, digest) != RT_OK)) {
		wire_buf_unref(ack);
		refuse_unstored(h, peer, m);
		return RT_E_SERVER_UNAVAILABLE;
	}
	queue_ack(h, peer, m->id, ack);
	return RT_OK;
}

/* PL-3: the key a command id is kept under: a hash of the sender's scope and the id. */
void hub_receipt_key(const hub_peer *peer, const char *id, uint8_t key[STORE_RECEIPT_KEY_BYTES])
{
	uint8_t in[sizeof peer->scope + WIRE_ID_MAX + 1], out[CRYPTO_HASH_BYTES];
	size_t n = strlen(id);
	assert(n <= WIRE_ID_MAX); /* wire_decode refused a longer one */
	memcpy(in, peer->scope, sizeof peer->scope);
	memcpy(in + sizeof peer->scope, id, n); /* NOLINT(bugprone-not-null-terminated-result): bytes to hash */
	crypto_sha256(in, sizeof peer->scope + n, out);
	memcpy(key, out, STORE_RECEIPT_KEY_BYTES);
}

/* Appends n bytes of v, least significant first. */
static size_t put_le(uint8_t *out, size_t at, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		out[at + (size_t)i] = (uint8_t)(v >> (8 * i));
	return at + (size_t)n;
}

/* PL-3: what "the same command" means for a retry: its decoded fields (the kind and every field
 * a kind reads; the rest are zero), not its JSON's spelling, hashed with its receipt key so that
 * the digest is bound to that key and says nothing on its own. A new field of core_command
 * belongs here too. */
void hub_command_digest(const uint8_t key[STORE_RECEIPT_KEY_BYTES], const core_command *c,
                        uint8_t digest[STORE_DIGEST_BYTES])
{
	uint8_t buf[STORE_RECEIPT_KEY_BYTES + 60 + 4 * CRYPTO_HASH_BYTES], out[CRYPTO_HASH_BYTES];
	size_t n = 0;
	memcpy(buf, key, STORE_RECEIPT_KEY_BYTES);
	n += STORE_RECEIPT_KEY_BYTES;
	n = put_le(buf, n, (uint64_t)c->kind, 4);
	n = put_le(buf, n, c->question, 4);
	n = put_le(buf, n, c->into, 4);
	n = put_le(buf, n, c->segment, 2);
	n = put_le(buf, n, (uint64_t)(int64_t)c->minutes, 8);
	n = put_le(buf, n, (uint64_t)c->lang, 4);
	n = put_le(buf, n, (uint64_t)c->signal, 4);
	n = put_le(buf, n, c->placeholders, 1);
	n = put_le(buf, n, c->included, 1);
	n = put_le(buf, n, c->version, 4);
	n = put_le(buf, n, c->paraphrase, 4);
	n = put_le(buf, n, c->has_from, 1);
	n = put_le(buf, n, (uint64_t)c->from, 4);
	n = put_le(buf, n, c->has_version, 1);
	n = put_le(buf, n, c->nquestions, 4);
	/* FLOOR-1: only when set, so that every other command's digest stays what it was. */
	if (c->ticket || c->has_topic) {
		n = put_le(buf, n, c->ticket, 4);
		n = put_le(buf, n, c->has_topic, 1);
	}
	/* The texts by their own hashes: fixed-size, so no two commands run together. */
	crypto_sha256(c->text ? c->text : "", c->text ? c->text_len : 0, buf + n);
	n += CRYPTO_HASH_BYTES;
	crypto_sha256(c->theme ? c->theme : "", c->theme ? c->theme_len : 0, buf + n);
	n += CRYPTO_HASH_BYTES;
	/* The questions of a move or a bulk reject, in the order named. */
	crypto_sha256(c->questions ? (const void *)c->questions : "",
	              c->questions ? c->nquestions * sizeof *c->questions : 0, buf + n);
	n += CRYPTO_HASH_BYTES;
	/* POLL-1: the poll and a new poll's definition (zeroed whole by the decoder); an answer
	 * keeps no receipt (hub_run_command), so it has no digest to match. */
	n = put_le(buf, n, c->poll, 4);
	crypto_sha256(c->poll_def ? (const void *)c->poll_def : "", c->poll_def ? sizeof *c->poll_def : 0, buf + n);
	n += CRYPTO_HASH_BYTES;
	assert(n <= sizeof buf);
	crypto_sha256(buf, n, out);
	memcpy(digest, out, STORE_DIGEST_BYTES);
}

/* PL-3: answers a command already acknowledged with its kept ack, and returns true; false when
 * the id is new. The same id with another command is refused (command.id_reused), and changes
 * nothing. A database that cannot answer refuses the command. */
bool hub_answer_retry(hub *h, hub_peer *peer, const wire_message *m, const uint8_t *key)
{
	char *kept;
	size_t n;
	uint8_t digest[STORE_DIGEST_BYTES], mine[STORE_DIGEST_BYTES];
	static const uint8_t none[STORE_DIGEST_BYTES];
	rt_err err = store_find_receipt(h->store, peer->room->st.agenda.id, key, &kept, &n, digest);
	if (err == RT_E_NOT_FOUND)
		return false;
	if (err) {
		hub_queue_error(h, peer, m->id, RT_E_SERVER_UNAVAILABLE, NULL, NULL);
		return true;
	}
	hub_command_digest(key, &m->cmd, mine);
	/* A receipt kept before digests were (all zero) answers any command with its id. */
	if (memcmp(digest, none, sizeof none) != 0 && memcmp(digest, mine, sizeof mine) != 0) {
		free(kept);
		h->stats.commands++;
		h->stats.refused++;
		hub_queue_error(h, peer, m->id, RT_E_COMMAND_ID_REUSED, NULL, NULL);
		return true;
	}
	/* Delivered after the commit like any ack: the kept one may belong to the open batch. */
	queue_ack(h, peer, m->id, wire_buf_new(kept, n, h->headroom));
	free(kept);
	return true;
}

/* Runs one of the server's own commands in room r, about connection `session` (or none). */
rt_err hub_run_system(hub *h, hub_room *r, core_cmd_kind kind, uint64_t session)
{
	core_actor system = {.role = CORE_ROLE_SYSTEM, .session = session};
	wire_message *m = &h->msg;
	memset(m, 0, offsetof(wire_message, text));
	m->kind = WIRE_MSG_COMMAND;
	m->cmd.kind = kind;
	return hub_run_command(h, r, NULL, &system, m, NULL);
}
