/* ring.c — the resume ring (PL-4): each room's most recent delivered events, as encoded for
 * each audience, and the replay of what a returning connection missed. In memory only; a gap
 * the ring no longer covers is answered with a snapshot (auth.c). */
#include <assert.h>
#include <string.h>

#include "internal.h"

static ring_entry *ring_at(hub_room *r, size_t i)
{
	return &r->ring[(r->ring_head + i) % RING_MAX_EVENTS];
}

static void ring_drop_oldest(hub_room *r)
{
	assert(r->ring_len > 0);
	ring_entry *e = ring_at(r, 0);
	assert(r->ring_bytes >= e->buf->len);
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

void hub_ring_push(hub_room *r, const pending *p)
{
	while (r->ring_len && (r->ring_len == RING_MAX_EVENTS || r->ring_bytes + p->buf->len > RING_MAX_BYTES))
		ring_drop_oldest(r);
	if (p->buf->len > RING_MAX_BYTES) {
		r->ring_from = p->seq + 1; /* too big to keep: nobody resumes across it */
		return;
	}
	/* Oldest first, in the order of seq: a replay sends a suffix of the ring. */
	assert(r->ring_len < RING_MAX_EVENTS && (!r->ring_len || ring_at(r, r->ring_len - 1)->seq <= p->seq));
	ring_entry *e = ring_at(r, r->ring_len++);
	e->seq = p->seq;
	e->ephemeral = p->ephemeral;
	e->aud = p->aud;
	e->author = p->author;
	e->buf = wire_buf_ref(p->buf);
	r->ring_bytes += p->buf->len;
}

/* Forgets every recent event: nobody can resume from before now. */
void hub_ring_clear(hub_room *r)
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

/* --- resuming a connection --------------------------------------------------------------- */

/* PL-4: sends peer `resumed` and the events it missed after `since`, and returns true; or
 * returns false when it needs a snapshot (*snap is then set if one was encoded to compare). */
bool hub_resume(hub *h, hub_room *r, hub_peer *peer, uint64_t since, wire_buf **snap)
{
	if (since < r->ring_from || since > r->st.seq)
		return false;
	size_t bytes = 0;
	for (size_t i = 0; i < r->ring_len; i++) {
		const ring_entry *e = ring_at(r, i);
		if (ring_replays(e, since) && hub_peer_gets(peer, e->aud, &e->author))
			bytes += e->buf->len;
	}
	if (bytes > RESUME_CHEAP_BYTES) {
		*snap = hub_room_snapshot(h, r, &peer->actor);
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
		if (ring_replays(e, since) && hub_peer_gets(peer, e->aud, &e->author))
			h->io.send(h->io.ctx, peer, e->buf);
	}
	return true;
}
