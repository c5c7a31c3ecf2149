/* hub.c — authentication, command dispatch and group-committed delivery.
 * Knows the core, the codec and the store; knows nothing of sockets or of lws.
 *
 * A batch is everything accepted since the last flush. Each command is decided against the
 * in-memory state, appended to the store's open transaction and evolved at once, so the next
 * command of the batch sees it; what it produced for clients waits in `pending` until the
 * transaction commits. If the commit fails, the touched rooms are reloaded from the database
 * and every command of the batch is answered server.unavailable: nothing was delivered, so no
 * client saw a change that did not persist. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "hub.h"
#include "report.h"

struct hub_room {
	core_state st;
	uint8_t secret[CRYPTO_SECRET_BYTES];
	core_denylist *deny; /* CHR-6: the organiser's deny-list, in memory only; st.deny borrows it */
	hub_peer *peers;
	bool dirty;   /* changed by the open batch */
	bool sealing; /* sealed by the open batch: the secret and the files are wiped once it commits */
	hub_room *next;
};

typedef enum pending_kind {
	P_PEER,     /* to one connection: an ack or an error */
	P_AUDIENCE, /* to every connection of a room in one audience */
} pending_kind;

/* One delivery waiting for the commit. */
typedef struct pending {
	pending_kind kind;
	hub_peer *peer; /* P_PEER; NULL once that connection closed */
	hub_room *room; /* P_AUDIENCE */
	core_audience aud;
	core_pseud author; /* P_AUDIENCE to CORE_AUD_AUTHOR */
	wire_buf *buf;
	bool is_ack;              /* turns into an error if the batch fails */
	char id[WIRE_ID_MAX + 1]; /* the command id, for that error */
} pending;

struct hub {
	store *store;
	hub_io io;
	size_t headroom;
	hub_room *rooms;
	pending *pend;
	size_t npend, pcap;
	size_t npeers;
	uint64_t sessions; /* the last session number given to a connection (LC-6) */
	/* CHR-5: why the last seal could not wipe the files (hub_seal reports it) */
	bool compact_failed;
	char compact_error[160];
	/* Scratch space, reused: a decoded frame and a decision are several KB each. */
	wire_message msg;
	core_decision dec;
};

hub *hub_new(store *st, const hub_io *io, size_t headroom)
{
	hub *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->store = st;
	h->io = *io;
	h->headroom = headroom;
	return h;
}

void hub_free(hub *h)
{
	if (!h)
		return;
	hub_flush(h);
	for (hub_room *r = h->rooms, *next; r; r = next) {
		next = r->next;
		core_state_free(&r->st);
		memset(r->secret, 0, sizeof r->secret);
		core_denylist_free(r->deny);
		free(r);
	}
	free(h->pend);
	free(h);
}

size_t hub_peer_count(const hub *h)
{
	return h->npeers;
}

/* --- pending deliveries ------------------------------------------------------------------ */

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

static void queue_error(hub *h, hub_peer *peer, const char *id, rt_err err, const char *field,
                        const core_err_params *params)
{
	pending *p = push(h, P_PEER, wire_encode_error(id, err, field, params, h->headroom));
	if (p)
		p->peer = peer;
}

static bool is_moderation(const hub_peer *peer)
{
	return core_role_audience(peer->actor.role) == CORE_AUD_MODERATION;
}

static void deliver(hub *h, const pending *p)
{
	if (p->kind == P_PEER) {
		if (p->peer)
			h->io.send(h->io.ctx, p->peer, p->buf);
		return;
	}
	for (hub_peer *peer = p->room->peers; peer; peer = peer->next) {
		bool to;
		switch (p->aud) {
		case CORE_AUD_PUBLIC:
			to = !is_moderation(peer);
			break;
		case CORE_AUD_MODERATION:
			to = is_moderation(peer);
			break;
		case CORE_AUD_COCHAIRS:
			to = peer->actor.role == CORE_ROLE_COCHAIR;
			break;
		case CORE_AUD_BOOTHS:
			to = peer->actor.role == CORE_ROLE_BOOTH;
			break;
		case CORE_AUD_RAPPORTEURS:
			to = peer->actor.role == CORE_ROLE_RAPPORTEUR;
			break;
		default: /* CORE_AUD_AUTHOR: a participant's own connections, by pseudonym */
			to = !is_moderation(peer) && peer->actor.has_pseud &&
			     memcmp(peer->actor.pseud.b, p->author.b, CORE_PSEUD_LEN) == 0;
			break;
		}
		if (to)
			h->io.send(h->io.ctx, peer, p->buf);
	}
}

/* Throws the batch away: rolls the transaction back, reloads every room it touched, drops its
 * events and turns its acks into server.unavailable. */
static void abort_batch(hub *h)
{
	store_rollback(h->store);
	for (hub_room *r = h->rooms; r; r = r->next) {
		if (!r->dirty)
			continue;
		char id[CORE_ID_MAX + 1];
		memcpy(id, r->st.agenda.id, sizeof id);
		core_state fresh;
		if (store_load(h->store, id, &fresh, r->secret) == RT_OK) {
			/* What lives in memory only was never in the batch: keep it. */
			core_state_move_live(&fresh, &r->st);
			core_state_free(&r->st);
			r->st = fresh;
		}
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

static void schedule_due(hub *h)
{
	if (h->io.schedule)
		h->io.schedule(h->io.ctx, hub_next_due_ms(h));
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
		memset(r->secret, 0, sizeof r->secret);
		for (hub_peer *p = r->peers; p; p = p->next) {
			memset(&p->actor.pseud, 0, sizeof p->actor.pseud);
			p->actor.has_pseud = false;
		}
	}
	if (any && store_compact(h->store, h->compact_error, sizeof h->compact_error) != RT_OK)
		h->compact_failed = true;
}

void hub_flush(hub *h)
{
	if (store_in_transaction(h->store) && store_commit(h->store) != RT_OK)
		abort_batch(h);
	for (hub_room *r = h->rooms; r; r = r->next)
		r->dirty = false;
	for (size_t i = 0; i < h->npend; i++) {
		if (h->pend[i].buf)
			deliver(h, &h->pend[i]);
		wire_buf_unref(h->pend[i].buf);
	}
	h->npend = 0;
	finish_seals(h);
	schedule_due(h);
}

/* --- rooms and peers --------------------------------------------------------------------- */

static hub_room *room_get(hub *h, const char *id, rt_err *err)
{
	for (hub_room *r = h->rooms; r; r = r->next)
		if (strcmp(r->st.agenda.id, id) == 0)
			return r;
	hub_room *r = calloc(1, sizeof *r);
	if (!r) {
		*err = RT_E_SERVER_UNAVAILABLE;
		return NULL;
	}
	*err = store_load(h->store, id, &r->st, r->secret);
	if (*err) {
		free(r);
		if (*err == RT_E_QUESTION_NOT_FOUND)
			*err = RT_E_AUTH_INVALID; /* a token for a consultation that is gone */
		return NULL;
	}
	r->next = h->rooms;
	h->rooms = r;
	return r;
}

static void room_join(hub *h, hub_room *r, hub_peer *peer)
{
	peer->room = r;
	peer->prev = NULL;
	peer->next = r->peers;
	if (r->peers)
		r->peers->prev = peer;
	r->peers = peer;
	h->npeers++;
}

static rt_err run_system(hub *h, hub_room *r, core_cmd_kind kind, uint64_t session);

void hub_peer_closed(hub *h, hub_peer *peer)
{
	for (size_t i = 0; i < h->npend; i++)
		if (h->pend[i].peer == peer)
			h->pend[i].peer = NULL;
	hub_room *r = peer->room;
	if (!r)
		return;
	/* LC-6: the connection's language choice ends with it. */
	if (peer->actor.session)
		run_system(h, r, CORE_CMD_LEAVE, peer->actor.session);
	if (peer->prev)
		peer->prev->next = peer->next;
	else
		r->peers = peer->next;
	if (peer->next)
		peer->next->prev = peer->prev;
	peer->room = NULL;
	peer->prev = peer->next = NULL;
	h->npeers--;
}

/* --- authentication ---------------------------------------------------------------------- */

static rt_err authenticate(hub *h, hub_peer *peer, const wire_message *m)
{
	uint8_t raw[CRYPTO_TOKEN_BYTES], hash[CRYPTO_HASH_BYTES];
	store_token tok;
	if (crypto_token_parse(m->token, raw))
		return RT_E_AUTH_INVALID;
	crypto_sha256(raw, sizeof raw, hash);
	rt_err err = store_find_token(h->store, hash, &tok);
	if (err)
		return err;
	core_actor actor = {.role = tok.role, .session = ++h->sessions};
	if (tok.role == CORE_ROLE_BOOTH) {
		/* A booth link's label is the channel it interprets into. */
		int channel = core_lang_parse(tok.label);
		if (channel < 0)
			return RT_E_AUTH_INVALID;
		actor.channel = (core_lang)channel;
	}
	uint8_t device[CRYPTO_TOKEN_BYTES];
	if (tok.kind == STORE_TOKEN_OPEN && (!m->has_device || crypto_token_parse(m->device, device)))
		return RT_E_AUTH_INVALID;
	hub_room *r = room_get(h, tok.consultation, &err);
	if (!r)
		return err;
	/* CHR-3: the pseudonym is keyed by the consultation's secret, so it links a participant's
	 * questions and votes within this consultation only, and only while the secret exists. */
	if (r->st.sealed) {
		/* CHR-5: no secret is left, and a sealed consultation takes no participant command. */
	} else if (tok.kind == STORE_TOKEN_OPEN) {
		crypto_pseudonym(r->secret, "device", device, sizeof device, actor.pseud.b, CORE_PSEUD_LEN);
		actor.has_pseud = true;
	} else if (tok.kind == STORE_TOKEN_PERSONAL) {
		crypto_pseudonym(r->secret, "invitation", raw, sizeof raw, actor.pseud.b, CORE_PSEUD_LEN);
		actor.has_pseud = true;
	}
	/* The snapshot must show committed state only, and every later event must follow it:
	 * deliver the open batch first, then join. */
	hub_flush(h);
	peer->actor = actor;
	room_join(h, r, peer);
	wire_buf *snap = wire_encode_snapshot(&r->st, &actor, h->headroom);
	if (!snap)
		return RT_E_SERVER_UNAVAILABLE;
	h->io.send(h->io.ctx, peer, snap);
	wire_buf_unref(snap);
	return RT_OK;
}

/* --- commands ---------------------------------------------------------------------------- */

/* Answers a command that could not be stored: the batch is gone, and so is this command. */
static void refuse_unstored(hub *h, hub_peer *peer, const wire_message *m)
{
	abort_batch(h);
	if (peer)
		queue_error(h, peer, m->id, RT_E_SERVER_UNAVAILABLE, NULL, NULL);
}

/* Decides and applies one command in room r. `peer` is who answers for it (NULL for the
 * server's own commands, which get no ack). Returns the core's verdict, or
 * RT_E_SERVER_UNAVAILABLE when it could not be stored. */
static rt_err run_command(hub *h, hub_room *r, hub_peer *peer, const core_actor *actor, const wire_message *m)
{
	core_decision *d = &h->dec;
	rt_err err = core_decide(&r->st, actor, &m->cmd, h->io.now_ms(h->io.ctx), d);
	if (err) {
		if (peer)
			queue_error(h, peer, m->id, err, NULL, &d->err);
		return err;
	}
	if (d->nevents)
		r->dirty = true;
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
			}
		}
	}
	/* Rows are written as images of the state the events produced. */
	if (store_append(h->store, &r->st, d->events, d->nevents) != RT_OK) {
		refuse_unstored(h, peer, m);
		return RT_E_SERVER_UNAVAILABLE;
	}
	if (!peer)
		return RT_OK;
	uint64_t seq =
	    d->nevents && !core_event_ephemeral(&d->events[d->nevents - 1]) ? d->events[d->nevents - 1].seq : r->st.seq;
	uint32_t question = m->cmd.kind == CORE_CMD_QUESTION_POST ? d->events[0].question : m->cmd.question;
	pending *p = push(h, P_PEER, wire_encode_ack(&r->st, m->id, seq, &m->cmd, question, actor, h->headroom));
	if (p) {
		p->peer = peer;
		p->is_ack = true;
		memcpy(p->id, m->id, sizeof p->id);
	}
	return RT_OK;
}

/* EX-2: the report, answered at once to the one who asked; it changes nothing. */
static void export_report(hub *h, hub_peer *peer, const wire_message *m)
{
	hub_room *r = peer->room;
	if (!core_role_may(peer->actor.role, CORE_CMD_REPORT_EXPORT)) {
		queue_error(h, peer, m->id, RT_E_AUTH_FORBIDDEN, NULL, NULL);
		return;
	}
	core_report_options opt = {.format = (core_report_format)m->format, .lang = m->cmd.lang};
	size_t len;
	char *doc = core_report_render(&r->st, &opt, &len);
	char filename[64];
	const char *date = r->st.agenda.date[0] ? r->st.agenda.date : r->st.agenda.segments[0].date;
	snprintf(filename, sizeof filename, "report%s%s%s.%s", r->st.sealed ? "" : "-draft", date[0] ? "-" : "", date,
	         core_report_format_name(opt.format));
	wire_buf *b = doc ? wire_encode_document(m->id, core_report_format_name(opt.format), filename,
	                                         core_report_media_type(opt.format), doc, len, h->headroom)
	                  : NULL;
	free(doc);
	if (!b) {
		queue_error(h, peer, m->id, RT_E_SERVER_UNAVAILABLE, NULL, NULL);
		return;
	}
	h->io.send(h->io.ctx, peer, b);
	wire_buf_unref(b);
}

void hub_receive(hub *h, hub_peer *peer, const char *frame, size_t len)
{
	wire_message *m = &h->msg;
	rt_err err = wire_decode(frame, len, m);
	if (err) {
		queue_error(h, peer, m->id, err, m->field, NULL);
		return;
	}
	if (m->kind == WIRE_MSG_AUTH) {
		err = peer->room ? RT_E_AUTH_ALREADY : authenticate(h, peer, m);
		if (err)
			queue_error(h, peer, NULL, err, NULL, NULL);
		return;
	}
	if (!peer->room) {
		queue_error(h, peer, m->id, RT_E_AUTH_REQUIRED, NULL, NULL);
		return;
	}
	if (m->kind == WIRE_MSG_SYNC) {
		/* Answered at once, not after the batch: the reply's delay is what the client measures. */
		wire_buf *b = wire_encode_clock_now(m->id, h->io.now_ms(h->io.ctx), h->headroom);
		if (b)
			h->io.send(h->io.ctx, peer, b);
		wire_buf_unref(b);
		return;
	}
	if (m->kind == WIRE_MSG_EXPORT) {
		export_report(h, peer, m);
		return;
	}
	run_command(h, peer->room, peer, &peer->actor, m);
}

/* --- the clock's own commands (AG-4) ------------------------------------------------------ */

int64_t hub_next_due_ms(const hub *h)
{
	int64_t next = 0;
	for (const hub_room *r = h->rooms; r; r = r->next) {
		int64_t due = core_clock_due_ms(&r->st);
		if (due && (!next || due < next))
			next = due;
	}
	return next;
}

/* Runs one of the server's own commands in room r, about connection `session` (or none). */
static rt_err run_system(hub *h, hub_room *r, core_cmd_kind kind, uint64_t session)
{
	core_actor system = {.role = CORE_ROLE_SYSTEM, .session = session};
	wire_message *m = &h->msg;
	memset(m, 0, offsetof(wire_message, text));
	m->kind = WIRE_MSG_COMMAND;
	m->cmd.kind = kind;
	return run_command(h, r, NULL, &system, m);
}

/* --- the organiser's commands ------------------------------------------------------------ */

rt_err hub_seal(hub *h, const char *id, char *errbuf, size_t errlen)
{
	rt_err err;
	errbuf[0] = '\0';
	hub_room *r = room_get(h, id, &err);
	if (!r)
		return err == RT_E_AUTH_INVALID ? RT_E_QUESTION_NOT_FOUND : err;
	err = run_system(h, r, CORE_CMD_SEAL, 0);
	h->compact_failed = false;
	hub_flush(h);
	if (!err && !r->st.sealed)
		err = RT_E_SERVER_UNAVAILABLE; /* the batch did not commit */
	if (!err && h->compact_failed) {
		snprintf(errbuf, errlen, "%s", h->compact_error);
		err = RT_E_SERVER_UNAVAILABLE;
	}
	return err;
}

rt_err hub_set_denylist(hub *h, const char *id, core_denylist *deny)
{
	rt_err err;
	hub_room *r = room_get(h, id, &err);
	if (!r) {
		core_denylist_free(deny);
		return err == RT_E_AUTH_INVALID ? RT_E_QUESTION_NOT_FOUND : err;
	}
	core_denylist_free(r->deny);
	r->deny = deny;
	r->st.deny = deny;
	return RT_OK;
}

void hub_tick(hub *h)
{
	int64_t now = h->io.now_ms(h->io.ctx);
	for (hub_room *r = h->rooms; r; r = r->next) {
		int64_t due = core_clock_due_ms(&r->st);
		if (due && due <= now)
			run_system(h, r, CORE_CMD_CLOCK_DUE, 0);
	}
	schedule_due(h);
}
