/* hub.c — the hub's entry points: make and free it, take a connection's frames (authenticate,
 * answer at once, or run a command into the batch), refuse frames, and count for operators.
 * Not the batch (batch.c), rooms and delivery (room.c) or the organiser's commands (organiser.c). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "internal.h"

/* The io of a hub without a transport: nothing is sent, nothing is scheduled, and the clock is
 * the wall clock (the command line's seal, or before and after net_serve). */
static void null_send(void *ctx, hub_peer *peer, wire_buf *buf)
{
	(void)ctx, (void)peer, (void)buf;
}

static void null_wake(void *ctx)
{
	(void)ctx;
}

static int64_t wall_ms(void *ctx)
{
	(void)ctx;
	return now_ms();
}

static const hub_io null_io = {.send = null_send, .wake = null_wake, .now_ms = wall_ms};

hub *hub_new(store *st, const hub_io *io, size_t headroom)
{
	hub *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->store = st;
	h->io = io ? *io : null_io;
	h->headroom = headroom;
	h->links_ttl = HUB_LINKS_TTL_MS;
	h->live_window = HUB_LIVE_WINDOW_MS;
	return h;
}

void hub_set_io(hub *h, const hub_io *io, size_t headroom)
{
	/* Nothing may still go to, or through, the transport being replaced. */
	assert(h->npeers == 0 && h->npend == 0);
	/* Recent events and held deliveries stay encoded with the headroom they were made with. */
	assert(!h->rooms || headroom <= h->headroom);
	h->io = io ? *io : null_io;
	h->headroom = headroom;
}

void hub_set_live_window(hub *h, int64_t ms)
{
	h->live_window = ms;
}

void hub_set_links_ttl(hub *h, int64_t ms)
{
	h->links_ttl = ms;
}

void hub_free(hub *h)
{
	if (!h)
		return;
	hub_flush(h);
	hub_attend_all(h, true); /* a graceful stop: what everyone attended until now */
	for (int i = 0; i < HUB_DOWNLOADS; i++)
		hub_download_free(&h->downloads[i]);
	for (hub_room *r = h->rooms, *next; r; r = next) {
		next = r->next;
		hub_ring_clear(r);
		hub_snapshot_forget(r);
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

bool hub_health(hub *h, char *why, size_t cap)
{
	return store_health(h->store, why, cap);
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

void hub_receive(hub *h, hub_peer *peer, const char *frame, size_t len)
{
	wire_message *m = &h->msg;
	if (peer->closing)
		return; /* refused (its first frame did not authenticate, or its link was revoked) */
	bool first = !peer->heard;
	peer->heard = true;
	if (peer->organiser) {
		hub_console_receive(h, peer, frame, len);
		return;
	}
	rt_err err = wire_decode(frame, len, m);
	if (err && first) {
		hub_queue_error_close(h, peer, m->id, err, m->field);
		return;
	}
	if (err) {
		hub_queue_error(h, peer, m->id, err, m->field, NULL);
		return;
	}
	if (m->kind == WIRE_MSG_AUTH) {
		core_err_params params = CORE_ERR_PARAMS_NONE;
		err = peer->room ? RT_E_AUTH_ALREADY : hub_authenticate(h, peer, m, &params);
		if (err && first)
			hub_queue_error_close_params(h, peer, err, &params);
		else if (err)
			hub_queue_error(h, peer, NULL, err, NULL, &params);
		return;
	}
	if (!peer->room) {
		hub_queue_error_close(h, peer, m->id, RT_E_AUTH_REQUIRED, NULL);
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
		hub_export_report(h, peer, m);
		return;
	}
	uint8_t key[STORE_RECEIPT_KEY_BYTES];
	hub_receipt_key(peer, m->id, key);
	if (hub_answer_retry(h, peer, m, key))
		return;
	if (m->cmd.kind == CORE_CMD_QUESTION_REJECT_ALL) {
		hub_reject_all(h, peer, m); /* AB-4 */
		return;
	}
	hub_run_command(h, peer->room, peer, &peer->actor, m, key);
}

void hub_refuse(hub *h, hub_peer *peer, const char *frame, size_t len, rt_err err, bool close)
{
	if (peer->closing)
		return;
	wire_message *m = &h->msg;
	wire_decode(frame, len, m); /* for the id only: the frame is not handled */
	if (close)
		hub_queue_error_close(h, peer, m->id, err, NULL);
	else
		hub_queue_error(h, peer, m->id, err, NULL, NULL);
}
