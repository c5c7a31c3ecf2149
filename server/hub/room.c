/* room.c — a consultation in memory and its connections: loading a room, joining and leaving
 * it, who is in which audience, delivery after a commit with live-window pacing (PERF-2), and
 * when a room next needs the hub. Not the resume ring (ring.c) nor the batch (batch.c). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "log.h"

static bool is_moderation(const hub_peer *peer)
{
	return core_role_audience(peer->actor.role) == CORE_AUD_MODERATION;
}

/* Whether peer is in audience aud (author: whose own connections CORE_AUD_AUTHOR means). */
bool hub_peer_gets(const hub_peer *peer, core_audience aud, const core_pseud *author)
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

/* Sends buf to every connection of room r in audience aud. */
static void send_audience(hub *h, hub_room *r, core_audience aud, const core_pseud *author, wire_buf *buf)
{
	for (hub_peer *peer = r->peers; peer; peer = peer->next)
		if (hub_peer_gets(peer, aud, author))
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

void hub_deliver(hub *h, const pending *p)
{
	if (p->kind == P_PEER) {
		if (p->peer)
			h->io.send(h->io.ctx, p->peer, p->buf);
		if (p->peer && p->close && h->io.close)
			h->io.close(h->io.ctx, p->peer, p->close);
		return;
	}
	hub_room *r = p->room;
	assert(p->kind == P_AUDIENCE && r);
	/* PERF-2: a vote's event is replayed only; live, its count goes out in votes.changed. In a
	 * busy room, the rest waits for the end of the window (or, out of memory, goes at once). */
	if (!p->coalesced && (r->live_open || !held_add(r, p->aud, &p->author, p->buf))) {
		send_audience(h, r, p->aud, &p->author, p->buf);
		r->live_used = true;
	}
	if (p->replayable)
		hub_ring_push(r, p);
}

/* --- vote counts, coalesced (PERF-2) ------------------------------------------------------ */

/* Notes that question id's count changed. False when out of memory (the count then goes out
 * with the next change, or the next snapshot). */
bool hub_votes_mark(hub_room *r, uint32_t id)
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
		assert(r->nvdirty < r->vcap); /* each id listed once, and every id is below vcap */
		r->vmark[id] = 1;
		r->vdirty[r->nvdirty++] = id;
	}
	return true;
}

/* When room r's held deliveries and changed counts are due (server ms), or 0 for none waiting. */
int64_t hub_live_due_ms(const hub *h, const hub_room *r)
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
void hub_live_send(hub *h, hub_room *r, int64_t now)
{
	votes_hold(h, r); /* after everything held: counts are newer than any snapshot */
	for (hub_peer *peer = r->peers; peer; peer = peer->next) {
		size_t from = peer->held_window == r->window ? peer->held_skip : 0;
		for (size_t i = from; i < r->nheld; i++)
			if (hub_peer_gets(peer, r->held[i].aud, &r->held[i].author))
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
void hub_live_send_due(hub *h)
{
	int64_t now = h->io.now_ms(h->io.ctx);
	for (hub_room *r = h->rooms; r; r = r->next) {
		int64_t due = hub_live_due_ms(h, r);
		if (due && now >= due)
			hub_live_send(h, r, now);
	}
}

void hub_send_held(hub *h)
{
	int64_t now = h->io.now_ms(h->io.ctx);
	for (hub_room *r = h->rooms; r; r = r->next)
		if (hub_live_due_ms(h, r))
			hub_live_send(h, r, now);
}

/* --- rooms and peers --------------------------------------------------------------------- */

hub_room *hub_room_get(hub *h, const char *id, rt_err *err)
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
	if (store_attendance_load(h->store, id, hub_attend_loaded, &r->att) != RT_OK) {
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

wire_buf *hub_room_snapshot(hub *h, hub_room *r, const core_actor *actor)
{
	if (!wire_snapshot_shareable(&r->st, actor))
		return wire_encode_snapshot(&r->st, actor, h->headroom);
	wire_buf **shared = &r->snap[actor->role];
	if (!*shared)
		*shared = wire_encode_snapshot_shared(&r->st, actor->role);
	return *shared ? wire_encode_snapshot_for(*shared, &r->st, actor, h->headroom) : NULL;
}

void hub_snapshot_forget(hub_room *r)
{
	for (int i = 0; i < CORE_ROLE_COUNT; i++) {
		wire_buf_unref(r->snap[i]);
		r->snap[i] = NULL;
	}
}

void hub_room_join(hub *h, hub_room *r, hub_peer *peer)
{
	assert(!peer->room); /* a connection authenticates once (hub_receive answers auth.already) */
	peer->room = r;
	peer->prev = NULL;
	peer->next = r->peers;
	if (r->peers)
		r->peers->prev = peer;
	r->peers = peer;
	h->npeers++;
}

void hub_peer_closed(hub *h, hub_peer *peer)
{
	for (size_t i = 0; i < h->npend; i++)
		if (h->pend[i].peer == peer)
			h->pend[i].peer = NULL;
	hub_console_closed(h, peer);
	hub_room *r = peer->room;
	if (!r)
		return;
	/* LC-6: the connection's language choice ends with it. */
	if (peer->actor.session)
		hub_run_system(h, r, CORE_CMD_LEAVE, peer->actor.session);
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
	assert(h->npeers > 0);
	h->npeers--;
}

/* --- the clock's own commands (AG-4) ------------------------------------------------------ */

/* When room r next needs the hub: its clock's next action, or its links expiring while
 * someone is still connected. */
static int64_t room_due_ms(const hub *h, const hub_room *r)
{
	int64_t due = core_clock_due_ms(&r->st);
	if (r->links_expire && !r->links_cut && r->peers && (!due || r->links_expire < due))
		due = r->links_expire;
	int64_t live = hub_live_due_ms(h, r);
	if (live && (!due || live < due))
		due = live;
	int64_t att = hub_attend_due_ms(r);
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

void hub_schedule_due(hub *h)
{
	if (h->io.schedule)
		h->io.schedule(h->io.ctx, hub_next_due_ms(h));
}
