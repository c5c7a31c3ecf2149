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

#include "clock.h"
#include "crypto.h"
#include "hub.h"
#include "log.h"
#include "report.h"

/* PL-4: how much of a consultation's recent traffic is kept for resuming connections. A gap
 * wider than this is filled with a snapshot instead. */
#define RING_MAX_EVENTS 1024
#define RING_MAX_BYTES (2u * 1024 * 1024)
/* Replays smaller than this go out without comparing them with a snapshot's size. */
#define RESUME_CHEAP_BYTES 8192

/* One event as it was delivered: its encoding for one audience. */
typedef struct ring_entry {
	uint64_t seq;   /* the event's seq; for an ephemeral event, the seq it followed */
	bool ephemeral; /* presence: no seq of its own */
	core_audience aud;
	core_pseud author; /* for CORE_AUD_AUTHOR */
	wire_buf *buf;
} ring_entry;

/* One delivery held for the end of a live window (PERF-2). */
typedef struct held_entry {
	core_audience aud;
	core_pseud author; /* for CORE_AUD_AUTHOR */
	wire_buf *buf;
} held_entry;

struct hub_room {
	core_state st;
	/* PL-4: the most recent delivered events, oldest first; every event after seq ring_from
	 * (and every ephemeral one that followed it) is here. In memory only. */
	ring_entry ring[RING_MAX_EVENTS];
	size_t ring_head, ring_len, ring_bytes;
	uint64_t ring_from;
	uint8_t secret[CRYPTO_SECRET_BYTES];
	core_denylist *deny; /* CHR-6: the organiser's deny-list, in memory only; st.deny borrows it */
	hub_peer *peers;
	bool dirty;           /* changed by the open batch */
	bool sealing;         /* sealed by the open batch: the secret and the files are wiped once it commits */
	int64_t links_expire; /* PL-2: when its links stop working (server ms), or 0 */
	bool links_cut;       /* ... and the connections left then were closed */
	/* PERF-2: questions whose vote count changed since the last votes.changed (ids, each once:
	 * vmark[id] is set while it is listed). */
	uint32_t *vdirty;
	uint8_t *vmark;
	size_t nvdirty, vcap;
	/* PERF-2: deliveries held for the end of the live window, in order; how many windows have
	 * ended; and when the last live delivery went out (server ms). */
	held_entry *held;
	size_t nheld, heldcap;
	uint64_t window;
	int64_t live_sent_ms;
	bool live_open; /* during hub_flush: deliveries go out at once (the window had passed) */
	bool live_used; /* ... and some did */
	/* Attendance by invitation label (programmes): who was connected while it was in session,
	 * saved at least every HUB_ATTEND_SAVE_MS and whenever someone leaves or the session's
	 * window opens or closes. att_end: when the window closes by itself (server ms), or 0. */
	core_attendance att;
	int64_t att_saved_ms, att_end;
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
	uint64_t seq; /* P_AUDIENCE: as in ring_entry */
	bool ephemeral, replayable;
	bool coalesced;           /* P_AUDIENCE: kept for replays only; live, it goes in votes.changed */
	bool is_ack;              /* turns into an error if the batch fails */
	rt_err close;             /* P_PEER: once sent, the connection is closed for this reason */
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
	uint64_t sessions;   /* the last session number given to a connection (LC-6) */
	int64_t links_ttl;   /* PL-2: links work this long after a seal */
	int64_t live_window; /* PERF-2: a busy room's live deliveries go out once in this many ms */
	hub_stats stats;     /* for operators: counters only (hub_get_stats adds what is current) */
	/* CHR-5: why the last seal could not wipe the files (hub_seal reports it) */
	bool compact_failed;
	char compact_error[160];
	/* Scratch space, reused: a decoded frame and a decision are several KB each. */
	wire_message msg;
	core_decision dec;
};

static void ring_clear(hub_room *r);

hub *hub_new(store *st, const hub_io *io, size_t headroom)
{
	hub *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->store = st;
	h->io = *io;
	h->headroom = headroom;
	h->links_ttl = HUB_LINKS_TTL_MS;
	h->live_window = HUB_LIVE_WINDOW_MS;
	return h;
}

void hub_set_live_window(hub *h, int64_t ms)
{
	h->live_window = ms;
}

void hub_set_links_ttl(hub *h, int64_t ms)
{
	h->links_ttl = ms;
}

static void attend_all(hub *h, bool all);

void hub_free(hub *h)
{
	if (!h)
		return;
	hub_flush(h);
	attend_all(h, true); /* a graceful stop: what everyone attended until now */
	for (hub_room *r = h->rooms, *next; r; r = next) {
		next = r->next;
		ring_clear(r);
		core_state_free(&r->st);
		memset(r->secret, 0, sizeof r->secret);
		core_denylist_free(r->deny);
		free(r->vdirty);
		free(r->vmark);
		for (size_t i = 0; i < r->nheld; i++)
			wire_buf_unref(r->held[i].buf);
		free(r->held);
		core_attendance_free(&r->att);
		free(r);
	}
	free(h->pend);
	free(h);
}

size_t hub_peer_count(const hub *h)
{
	return h->npeers;
}

void hub_get_stats(const hub *h, hub_stats *out)
{
	*out = h->stats;
	for (const hub_room *r = h->rooms; r; r = r->next) {
		out->consultations++;
		for (const hub_peer *p = r->peers; p; p = p->next)
			out->peers[p->actor.role]++;
	}
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

/* Queues error `err` for peer, then the end of its connection: the error says why. */
static void queue_error_close(hub *h, hub_peer *peer, const char *id, rt_err err, const char *field)
{
	peer->closing = true;
	pending *p = push(h, P_PEER, wire_encode_error(id, err, field, NULL, h->headroom));
	if (p) {
		p->peer = peer;
		p->close = err;
	} else if (h->io.close) {
		h->io.close(h->io.ctx, peer, err); /* out of memory: closing says enough */
	}
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

static bool is_moderation(const hub_peer *peer)
{
	return core_role_audience(peer->actor.role) == CORE_AUD_MODERATION;
}

/* Whether peer is in audience aud (author: whose own connections CORE_AUD_AUTHOR means). */
static bool peer_gets(const hub_peer *peer, core_audience aud, const core_pseud *author)
{
	switch (aud) {
	case CORE_AUD_PUBLIC:
		return !is_moderation(peer);
	case CORE_AUD_MODERATION:
		return is_moderation(peer);
	case CORE_AUD_COCHAIRS:
		return peer->actor.role == CORE_ROLE_COCHAIR;
	case CORE_AUD_BOOTHS:
		return peer->actor.role == CORE_ROLE_BOOTH;
	case CORE_AUD_RAPPORTEURS:
		return peer->actor.role == CORE_ROLE_RAPPORTEUR;
	default: /* CORE_AUD_AUTHOR: a participant's own connections, by pseudonym */
		return !is_moderation(peer) && peer->actor.has_pseud &&
		       memcmp(peer->actor.pseud.b, author->b, CORE_PSEUD_LEN) == 0;
	}
}

/* --- recent events, for resuming connections (PL-4) --------------------------------------- */

static ring_entry *ring_at(hub_room *r, size_t i)
{
	return &r->ring[(r->ring_head + i) % RING_MAX_EVENTS];
}

static void ring_drop_oldest(hub_room *r)
{
	ring_entry *e = ring_at(r, 0);
	/* Clients that saw e.seq may have missed an ephemeral event after it: they must now take
	 * a snapshot, as must everyone before e. */
	uint64_t from = e->seq + (e->ephemeral ? 1 : 0);
	if (from > r->ring_from)
		r->ring_from = from;
	r->ring_bytes -= e->buf->len;
	wire_buf_unref(e->buf);
	e->buf = NULL;
	r->ring_head = (r->ring_head + 1) % RING_MAX_EVENTS;
	r->ring_len--;
}

static void ring_push(hub_room *r, const pending *p)
{
	while (r->ring_len && (r->ring_len == RING_MAX_EVENTS || r->ring_bytes + p->buf->len > RING_MAX_BYTES))
		ring_drop_oldest(r);
	if (p->buf->len > RING_MAX_BYTES) {
		r->ring_from = p->seq + 1; /* too big to keep: nobody resumes across it */
		return;
	}
	ring_entry *e = ring_at(r, r->ring_len++);
	e->seq = p->seq;
	e->ephemeral = p->ephemeral;
	e->aud = p->aud;
	e->author = p->author;
	e->buf = wire_buf_ref(p->buf);
	r->ring_bytes += p->buf->len;
}

/* Forgets every recent event: nobody can resume from before now. */
static void ring_clear(hub_room *r)
{
	while (r->ring_len)
		ring_drop_oldest(r);
	memset(r->ring, 0, sizeof r->ring);
	r->ring_from = r->st.seq;
}

static bool ring_replays(const ring_entry *e, uint64_t since)
{
	return e->seq > since || (e->ephemeral && e->seq == since);
}

/* Sends buf to every connection of room r in audience aud. */
static void send_audience(hub *h, hub_room *r, core_audience aud, const core_pseud *author, wire_buf *buf)
{
	for (hub_peer *peer = r->peers; peer; peer = peer->next)
		if (peer_gets(peer, aud, author))
			h->io.send(h->io.ctx, peer, buf);
}

/* Holds buf (taking a reference) for room r's audience aud until the window ends. False when
 * out of memory. */
static bool held_add(hub_room *r, core_audience aud, const core_pseud *author, wire_buf *buf)
{
	if (r->nheld == r->heldcap) {
		size_t ncap = r->heldcap ? r->heldcap * 2 : 16;
		held_entry *nh = realloc(r->held, ncap * sizeof *nh);
		if (!nh)
			return false;
		r->held = nh;
		r->heldcap = ncap;
	}
	r->held[r->nheld++] = (held_entry){.aud = aud, .author = *author, .buf = wire_buf_ref(buf)};
	return true;
}

static void deliver(hub *h, const pending *p)
{
	if (p->kind == P_PEER) {
		if (p->peer)
			h->io.send(h->io.ctx, p->peer, p->buf);
		if (p->peer && p->close && h->io.close)
			h->io.close(h->io.ctx, p->peer, p->close);
		return;
	}
	hub_room *r = p->room;
	/* PERF-2: a vote's event is replayed only; live, its count goes out in votes.changed. In a
	 * busy room, the rest waits for the end of the window (or, out of memory, goes at once). */
	if (!p->coalesced && (r->live_open || !held_add(r, p->aud, &p->author, p->buf))) {
		send_audience(h, r, p->aud, &p->author, p->buf);
		r->live_used = true;
	}
	if (p->replayable)
		ring_push(r, p);
}

/* --- vote counts, coalesced (PERF-2) ------------------------------------------------------ */

/* Notes that question id's count changed. False when out of memory (the count then goes out
 * with the next change, or the next snapshot). */
static bool votes_mark(hub_room *r, uint32_t id)
{
	if (id >= r->vcap) {
		size_t cap = r->vcap ? r->vcap : 64;
		while (cap <= id)
			cap *= 2;
		uint32_t *ids = realloc(r->vdirty, cap * sizeof *ids);
		if (ids)
			r->vdirty = ids;
		uint8_t *mark = ids ? realloc(r->vmark, cap) : NULL;
		if (!mark)
			return false;
		memset(mark + r->vcap, 0, cap - r->vcap);
		r->vmark = mark;
		r->vcap = cap;
	}
	if (!r->vmark[id]) {
		r->vmark[id] = 1;
		r->vdirty[r->nvdirty++] = id;
	}
	return true;
}

/* When room r's held deliveries and changed counts are due (server ms), or 0 for none waiting. */
static int64_t live_due_ms(const hub *h, const hub_room *r)
{
	return r->nvdirty || r->nheld ? r->live_sent_ms + h->live_window : 0;
}

/* Holds room r's votes.changed: for each audience, one buffer with the count now of every
 * changed question it may see. Only from committed state (after a flush, or with no batch open).
 * False when out of memory (the counts then wait for the next window). */
static bool votes_hold(hub *h, hub_room *r)
{
	static const core_audience auds[] = {CORE_AUD_PUBLIC, CORE_AUD_MODERATION};
	static const core_pseud nobody; /* no author audience here */
	uint32_t(*pairs)[2] = malloc(r->nvdirty * sizeof *pairs);
	if (!pairs)
		return false;
	for (size_t a = 0; a < sizeof auds / sizeof auds[0]; a++) {
		int n = 0;
		for (size_t i = 0; i < r->nvdirty; i++) {
			const core_question *q = core_question_get(&r->st, r->vdirty[i]);
			if (q && core_visible(auds[a], q->state)) {
				pairs[n][0] = q->id;
				pairs[n][1] = q->votes;
				n++;
			}
		}
		if (!n)
			continue;
		wire_buf *buf = wire_encode_votes_changed((const uint32_t(*)[2])pairs, n, h->headroom);
		bool held = buf && held_add(r, auds[a], &nobody, buf);
		wire_buf_unref(buf);
		if (!held) {
			free(pairs);
			return false;
		}
		h->stats.votes_messages++;
	}
	free(pairs);
	for (size_t i = 0; i < r->nvdirty; i++)
		r->vmark[r->vdirty[i]] = 0;
	r->nvdirty = 0;
	return true;
}

/* Ends room r's live window: what was held goes out, in order, then the counts that changed.
 * A connection that joined during the window skips what its snapshot or replay already had. */
static void live_send(hub *h, hub_room *r, int64_t now)
{
	votes_hold(h, r); /* after everything held: counts are newer than any snapshot */
	for (hub_peer *peer = r->peers; peer; peer = peer->next) {
		size_t from = peer->held_window == r->window ? peer->held_skip : 0;
		for (size_t i = from; i < r->nheld; i++)
			if (peer_gets(peer, r->held[i].aud, &r->held[i].author))
				h->io.send(h->io.ctx, peer, r->held[i].buf);
	}
	h->stats.held_windows += r->nheld > 0;
	for (size_t i = 0; i < r->nheld; i++)
		wire_buf_unref(r->held[i].buf);
	r->nheld = 0;
	r->window++;
	r->live_sent_ms = now;
}

/* Ends every room's live window that has passed. */
static void live_send_due(hub *h)
{
	int64_t now = h->io.now_ms(h->io.ctx);
	for (hub_room *r = h->rooms; r; r = r->next) {
		int64_t due = live_due_ms(h, r);
		if (due && now >= due)
			live_send(h, r, now);
	}
}

void hub_send_held(hub *h)
{
	int64_t now = h->io.now_ms(h->io.ctx);
	for (hub_room *r = h->rooms; r; r = r->next)
		if (live_due_ms(h, r))
			live_send(h, r, now);
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

/* --- attendance (programmes) ------------------------------------------------------------- */

/* When room r's attendance next needs the hub: its window closing by itself, or the periodic
 * save while someone is counted; 0 for never. */
static int64_t attend_due_ms(const hub_room *r)
{
	int64_t due = r->att_end, save = r->att_saved_ms + HUB_ATTEND_SAVE_MS;
	if (r->att.in_session && r->att.present && (!due || save < due))
		due = save;
	return due;
}

/* Brings every room's attendance up to now: whether it is in session, and (every
 * HUB_ATTEND_SAVE_MS, or at once with `all`) the time of whoever is still connected; then saves
 * what changed in a transaction of its own, never in a batch of commands (whose failure it
 * must not cause, nor share). With a batch open, saving waits for its flush. */
static void attend_all(hub *h, bool all)
{
	int64_t now = h->io.now_ms(h->io.ctx);
	bool dirty = false;
	for (hub_room *r = h->rooms; r; r = r->next) {
		if (!r->att.n)
			continue;
		/* Closing by itself, it closed at its end, even if this runs a little later. */
		int64_t end = r->att_end;
		bool open = core_in_session(&r->st, now, &r->att_end);
		core_attendance_window(&r->att, open, !open && end && end <= now ? end : now);
		if (all || now >= r->att_saved_ms + HUB_ATTEND_SAVE_MS) {
			core_attendance_settle(&r->att, now);
			r->att_saved_ms = now;
		}
		dirty = dirty || r->att.dirty;
	}
	if (!dirty || store_in_transaction(h->store))
		return;
	rt_err err = RT_OK;
	for (hub_room *r = h->rooms; r && !err; r = r->next)
		for (uint32_t i = 0; r->att.dirty && i < r->att.n && !err; i++)
			if (r->att.a[i].dirty)
				err = store_attendance_put(h->store, r->st.agenda.id, r->att.a[i].label,
				                           r->att.a[i].attended_ms);
	if (!err)
		err = store_commit(h->store);
	if (err) {
		store_rollback(h->store);
		rtlog_event(RTLOG_WARN, "attendance_not_saved", "msg", "kept in memory; tried again later");
		return;
	}
	for (hub_room *r = h->rooms; r; r = r->next)
		core_attendance_clean(&r->att);
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
		rtlog_event(RTLOG_INFO, "sealed", "consultation", r->st.agenda.id);
		if (live_due_ms(h, r)) /* what was held, before the pseudonyms go */
			live_send(h, r, h->io.now_ms(h->io.ctx));
		memset(r->secret, 0, sizeof r->secret);
		ring_clear(r); /* encoded for connections that had pseudonyms */
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

void hub_flush(hub *h)
{
	if (store_in_transaction(h->store)) {
		int64_t t0 = mono_us();
		bool ok = store_commit(h->store) == RT_OK;
		count_commit(h, (uint64_t)(mono_us() - t0), ok);
		if (!ok) {
			/* Every command of the batch is answered server.unavailable; nothing is lost. */
			rtlog_line l;
			rtlog_begin(&l, RTLOG_WARN, "commit_failed");
			rtlog_int(&l, "commands", (int64_t)h->npend);
			rtlog_end(&l);
			abort_batch(h);
		}
	}
	/* PERF-2: a room whose window has passed with nothing held sends at once, and starts a new
	 * window; a busy room holds what it delivers. */
	int64_t now = h->io.now_ms(h->io.ctx);
	for (hub_room *r = h->rooms; r; r = r->next) {
		r->dirty = false;
		r->live_open = h->live_window <= 0 || (!r->nheld && now >= r->live_sent_ms + h->live_window);
		r->live_used = false;
	}
	for (size_t i = 0; i < h->npend; i++) {
		if (h->pend[i].buf)
			deliver(h, &h->pend[i]);
		wire_buf_unref(h->pend[i].buf);
	}
	h->npend = 0;
	for (hub_room *r = h->rooms; r; r = r->next) {
		if (r->live_open && (r->live_used || r->nvdirty))
			live_send(h, r, now);
		r->live_open = false;
	}
	finish_seals(h);
	live_send_due(h);
	attend_all(h, false);
	schedule_due(h);
}

/* --- rooms and peers --------------------------------------------------------------------- */

/* store_attendance_load's callback: an attendee's time saved before. */
static void attend_loaded(void *arg, const char *label, int n, int64_t ms)
{
	(void)n;
	core_attendance *att = arg;
	int i = core_attendance_find(att, label);
	if (i >= 0)
		att->a[i].attended_ms = ms;
}

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
	if (*err == RT_E_SERVER_UNAVAILABLE)
		rtlog_event(RTLOG_ERROR, "load_failed", "consultation", id);
	if (*err) {
		free(r);
		if (*err == RT_E_NOT_FOUND)
			*err = RT_E_AUTH_INVALID; /* a token for a consultation that is gone */
		return NULL;
	}
	r->ring_from = r->st.seq; /* nothing before the load can be replayed */
	core_attendance_init(&r->att);
	if (store_attendance_load(h->store, id, attend_loaded, &r->att) != RT_OK) {
		core_state_free(&r->st);
		core_attendance_free(&r->att);
		free(r);
		*err = RT_E_SERVER_UNAVAILABLE;
		return NULL;
	}
	r->att_saved_ms = h->io.now_ms(h->io.ctx);
	rtlog_event(RTLOG_INFO, "loaded", "consultation", id);
	if (store_links_expire(h->store, id, &r->links_expire) != RT_OK)
		r->links_expire = 0;
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
	if (peer->attendee) {
		core_attendance_leave(&r->att, peer->attendee - 1, h->io.now_ms(h->io.ctx));
		peer->attendee = 0;
		h->io.wake(h->io.ctx); /* saved by the next flush */
	}
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

/* PL-4: sends peer `resumed` and the events it missed after `since`, and returns true; or
 * returns false when it needs a snapshot (*snap is then set if one was encoded to compare). */
static bool resume(hub *h, hub_room *r, hub_peer *peer, uint64_t since, wire_buf **snap)
{
	if (since < r->ring_from || since > r->st.seq)
		return false;
	size_t bytes = 0;
	for (size_t i = 0; i < r->ring_len; i++) {
		const ring_entry *e = ring_at(r, i);
		if (ring_replays(e, since) && peer_gets(peer, e->aud, &e->author))
			bytes += e->buf->len;
	}
	if (bytes > RESUME_CHEAP_BYTES) {
		*snap = wire_encode_snapshot(&r->st, &peer->actor, h->headroom);
		if (!*snap || (*snap)->len <= bytes)
			return false;
		wire_buf_unref(*snap);
		*snap = NULL;
	}
	wire_buf *b = wire_encode_resumed(since, r->st.seq, h->headroom);
	if (!b)
		return false;
	h->io.send(h->io.ctx, peer, b);
	wire_buf_unref(b);
	for (size_t i = 0; i < r->ring_len; i++) {
		ring_entry *e = ring_at(r, i);
		if (ring_replays(e, since) && peer_gets(peer, e->aud, &e->author))
			h->io.send(h->io.ctx, peer, e->buf);
	}
	return true;
}

/* Which consultation a token opens, into cid: its own; or, for a programme's, the session its
 * socket's path names, else the one core_programme_pick chooses now (*chosen is then set: the
 * session may differ from the one the client last saw, so its `since` means nothing here). */
static rt_err session_of(hub *h, const hub_peer *peer, const store_token *tok, int64_t now, char *cid, bool *chosen)
{
	*chosen = false;
	const char *path = peer->path_consultation;
	if (!tok->programme[0]) {
		if (path[0] && strcmp(path, tok->consultation) != 0)
			return RT_E_AUTH_INVALID; /* opened under another consultation's page */
		snprintf(cid, CORE_ID_MAX + 1, "%s", tok->consultation);
		return RT_OK;
	}
	store_session ss[CORE_MAX_SESSIONS];
	core_session_info info[CORE_MAX_SESSIONS];
	int n;
	if (store_programme_sessions(h->store, tok->programme, ss, CORE_MAX_SESSIONS, &n) != RT_OK)
		return RT_E_SERVER_UNAVAILABLE;
	int pick = -1;
	for (int i = 0; i < n; i++) {
		info[i] = ss[i].info;
		if (path[0] && !strcmp(path, ss[i].id))
			pick = i;
	}
	if (pick < 0 && n && (!path[0] || !strcmp(path, tok->programme))) {
		pick = core_programme_pick(info, n, now);
		*chosen = true;
	}
	if (pick < 0)
		return RT_E_AUTH_INVALID; /* another programme's session, or none */
	snprintf(cid, CORE_ID_MAX + 1, "%s", ss[pick].id);
	return RT_OK;
}

static rt_err authenticate(hub *h, hub_peer *peer, const wire_message *m)
{
	uint8_t raw[CRYPTO_TOKEN_BYTES], hash[CRYPTO_HASH_BYTES];
	store_token tok;
	if (crypto_token_parse(m->token, raw))
		return RT_E_AUTH_INVALID;
	crypto_sha256(raw, sizeof raw, hash);
	int64_t now = h->io.now_ms(h->io.ctx);
	rt_err err = store_find_token(h->store, hash, now, &tok);
	char cid[CORE_ID_MAX + 1];
	bool chosen;
	if (err || (err = session_of(h, peer, &tok, now, cid, &chosen)) != RT_OK)
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
	hub_room *r = room_get(h, cid, &err);
	if (!r)
		return err;
	if (tok.programme[0] && r->links_expire && r->links_expire <= now)
		return RT_E_AUTH_INVALID; /* a programme's link, in a session sealed long enough ago */
	int attendee = 0;
	if (tok.kind == STORE_TOKEN_PERSONAL && (attendee = core_attendance_find(&r->att, tok.label) + 1) == 0)
		return RT_E_SERVER_UNAVAILABLE;
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
	/* PL-3: a participant's command ids are theirs across connections and devices' tabs; a
	 * role link's are shared by whoever holds the link. */
	memset(peer->scope, 0, sizeof peer->scope);
	if (actor.has_pseud)
		memcpy(peer->scope, actor.pseud.b, CORE_PSEUD_LEN);
	else
		memcpy(peer->scope, tok.hash, sizeof peer->scope);
	memcpy(peer->link, tok.hash, sizeof peer->link);
	/* The snapshot must show committed state only, and every later event must follow it:
	 * deliver the open batch first, then join. */
	hub_flush(h);
	peer->actor = actor;
	room_join(h, r, peer);
	if (attendee) {
		peer->attendee = attendee;
		core_attendance_join(&r->att, attendee - 1, now);
	}
	/* What the room holds now is in the snapshot or the replay below. */
	peer->held_window = r->window;
	peer->held_skip = r->nheld;
	wire_buf *snap = NULL;
	if (m->has_since && !chosen && resume(h, r, peer, m->since, &snap))
		return RT_OK;
	if (!snap)
		snap = wire_encode_snapshot(&r->st, &actor, h->headroom);
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
 * server's own commands, which get no ack); `key` the receipt key its ack is kept under (NULL:
 * not kept). Returns the core's verdict, or
 * RT_E_SERVER_UNAVAILABLE when it could not be stored. */
static rt_err run_command(hub *h, hub_room *r, hub_peer *peer, const core_actor *actor, const wire_message *m,
                          const uint8_t *key)
{
	core_decision *d = &h->dec;
	rt_err err = core_decide(&r->st, actor, &m->cmd, h->io.now_ms(h->io.ctx), d);
	h->stats.commands++;
	h->stats.refused += err != RT_OK;
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
				p->ephemeral = core_event_ephemeral(ev);
				p->seq = p->ephemeral ? r->st.seq : ev->seq;
				p->replayable = ev->kind != CORE_EV_SIGNAL; /* LC-4: signals are never replayed */
				/* PERF-2: a vote reaches live connections in votes.changed. */
				p->coalesced = (ev->kind == CORE_EV_VOTE_ADDED || ev->kind == CORE_EV_VOTE_REMOVED) &&
				               votes_mark(r, ev->question);
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
	uint32_t question = m->cmd.kind == CORE_CMD_QUESTION_POST ? d->events[0].question : m->cmd.question;
	wire_buf *ack = wire_encode_ack(&r->st, m->id, seq, &m->cmd, question, actor, h->headroom);
	bool stored = false;
	for (int i = 0; i < d->nevents; i++)
		stored |= !core_event_ephemeral(&d->events[i]);
	/* PL-3: the ack commits with the command's effects, so a retry finds both or neither.
	 * Commands that stored nothing are decided again when retried. */
	if (stored && key &&
	    (!ack || store_put_receipt(h->store, r->st.agenda.id, key, wire_buf_payload(ack), ack->len) != RT_OK)) {
		wire_buf_unref(ack);
		refuse_unstored(h, peer, m);
		return RT_E_SERVER_UNAVAILABLE;
	}
	queue_ack(h, peer, m->id, ack);
	return RT_OK;
}

/* PL-3: the key a command id is kept under: a hash of the sender's scope and the id. */
static void receipt_key(const hub_peer *peer, const char *id, uint8_t key[STORE_RECEIPT_KEY_BYTES])
{
	uint8_t in[sizeof peer->scope + WIRE_ID_MAX + 1], out[CRYPTO_HASH_BYTES];
	size_t n = strlen(id);
	memcpy(in, peer->scope, sizeof peer->scope);
	memcpy(in + sizeof peer->scope, id, n); /* NOLINT(bugprone-not-null-terminated-result): bytes to hash */
	crypto_sha256(in, sizeof peer->scope + n, out);
	memcpy(key, out, STORE_RECEIPT_KEY_BYTES);
}

/* PL-3: answers a command already acknowledged with its kept ack, and returns true; false when
 * the id is new. A database that cannot answer refuses the command. */
static bool answer_retry(hub *h, hub_peer *peer, const wire_message *m, const uint8_t *key)
{
	char *kept;
	size_t n;
	rt_err err = store_find_receipt(h->store, peer->room->st.agenda.id, key, &kept, &n);
	if (err == RT_E_NOT_FOUND)
		return false;
	if (err) {
		queue_error(h, peer, m->id, RT_E_SERVER_UNAVAILABLE, NULL, NULL);
		return true;
	}
	/* Delivered after the commit like any ack: the kept one may belong to the open batch. */
	queue_ack(h, peer, m->id, wire_buf_new(kept, n, h->headroom));
	free(kept);
	return true;
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
	if (peer->closing)
		return; /* refused (its first frame did not authenticate, or its link was revoked) */
	bool first = !peer->heard;
	peer->heard = true;
	rt_err err = wire_decode(frame, len, m);
	if (err && first) {
		queue_error_close(h, peer, m->id, err, m->field);
		return;
	}
	if (err) {
		queue_error(h, peer, m->id, err, m->field, NULL);
		return;
	}
	if (m->kind == WIRE_MSG_AUTH) {
		err = peer->room ? RT_E_AUTH_ALREADY : authenticate(h, peer, m);
		if (err && first)
			queue_error_close(h, peer, NULL, err, NULL);
		else if (err)
			queue_error(h, peer, NULL, err, NULL, NULL);
		return;
	}
	if (!peer->room) {
		queue_error_close(h, peer, m->id, RT_E_AUTH_REQUIRED, NULL);
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
	uint8_t key[STORE_RECEIPT_KEY_BYTES];
	receipt_key(peer, m->id, key);
	if (answer_retry(h, peer, m, key))
		return;
	run_command(h, peer->room, peer, &peer->actor, m, key);
}

void hub_refuse(hub *h, hub_peer *peer, const char *frame, size_t len, rt_err err, bool close)
{
	if (peer->closing)
		return;
	wire_message *m = &h->msg;
	wire_decode(frame, len, m); /* for the id only: the frame is not handled */
	if (close)
		queue_error_close(h, peer, m->id, err, NULL);
	else
		queue_error(h, peer, m->id, err, NULL, NULL);
}

/* --- links (PL-2) ------------------------------------------------------------------------ */

/* Ends every connection of room r whose link no longer works at `now`. */
static int cut_off(hub *h, hub_room *r, int64_t now)
{
	int n = 0;
	store_token tok;
	for (hub_peer *p = r->peers; p; p = p->next) {
		if (p->closing || (store_find_token(h->store, p->link, now, &tok) == RT_OK &&
		                   (!tok.programme[0] || !r->links_expire || r->links_expire > now)))
			continue;
		queue_error_close(h, p, NULL, RT_E_AUTH_INVALID, NULL);
		n++;
	}
	return n;
}

int hub_links_changed(hub *h, const char *id)
{
	int64_t now = h->io.now_ms(h->io.ctx);
	for (hub_room *r = h->rooms; r; r = r->next)
		if (strcmp(r->st.agenda.id, id) == 0)
			return cut_off(h, r, now);
	/* A programme's links work in all its sessions: every connection's link is checked (an
	 * organiser's action, rare). An id of nothing loaded changes nobody's. */
	int n = 0;
	for (hub_room *r = h->rooms; r; r = r->next)
		n += cut_off(h, r, now);
	return n;
}

/* --- the clock's own commands (AG-4) ------------------------------------------------------ */

/* When room r next needs the hub: its clock's next action, or its links expiring while
 * someone is still connected. */
static int64_t room_due_ms(const hub *h, const hub_room *r)
{
	int64_t due = core_clock_due_ms(&r->st);
	if (r->links_expire && !r->links_cut && r->peers && (!due || r->links_expire < due))
		due = r->links_expire;
	int64_t live = live_due_ms(h, r);
	if (live && (!due || live < due))
		due = live;
	int64_t att = attend_due_ms(r);
	if (att && (!due || att < due))
		due = att;
	return due;
}

int64_t hub_next_due_ms(const hub *h)
{
	int64_t next = 0;
	for (const hub_room *r = h->rooms; r; r = r->next) {
		int64_t due = room_due_ms(h, r);
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
	return run_command(h, r, NULL, &system, m, NULL);
}

/* --- the organiser's commands ------------------------------------------------------------ */

rt_err hub_seal(hub *h, const char *id, char *errbuf, size_t errlen)
{
	rt_err err;
	errbuf[0] = '\0';
	hub_room *r = room_get(h, id, &err);
	if (!r)
		return err == RT_E_AUTH_INVALID ? RT_E_NOT_FOUND : err;
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
		return err == RT_E_AUTH_INVALID ? RT_E_NOT_FOUND : err;
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
		if (r->links_expire && !r->links_cut && r->links_expire <= now) {
			rtlog_line l;
			rtlog_begin(&l, RTLOG_INFO, "links_expired");
			rtlog_str(&l, "consultation", r->st.agenda.id);
			rtlog_int(&l, "cut_off", cut_off(h, r, now));
			rtlog_end(&l);
			r->links_cut = true;
		}
	}
	/* Counts from committed state only: with a batch open, its flush sends them. */
	if (!store_in_transaction(h->store))
		live_send_due(h);
	attend_all(h, false);
	schedule_due(h);
}
