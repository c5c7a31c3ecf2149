/* ws.c — the roundtable.v1 WebSocket protocol: admission and the connection's life, frames
 * reassembled and handed to the hub whole, the bounded outgoing queue written in order (one
 * lws_write per writeable callback), and liveness. No consultation logic: that is the hub's. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "clock.h"
#include "log.h"
#include "server.h"

/* Refused handshakes and culled connections are logged at most once a minute, with a count. */
#define SAMPLE_SECONDS 60
#define log_sampled(sm, event, reason) rtlog_sampled(sm, SAMPLE_SECONDS, event, reason)

/* Drops c (a client that stops reading, or answers nothing): from outside its own callback, so
 * asynchronously. Counted and logged (sampled) with `reason`, unless reason is NULL. */
static void cull(server *s, conn *c, const char *reason)
{
	c->culled = true;
	s->doomed_bytes += c->qbytes; /* frozen from here: nothing more is queued or written */
	if (reason) {
		s->culled++;
		log_sampled(&s->culled_log, "connections_culled", reason);
	}
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

/* --- hub callbacks ----------------------------------------------------------------------- */

/* The memory budget (PERF-3): while what waits for all connections together is over it, the
 * connection that holds the most for the longest (bytes waiting times seconds since it last
 * took a write) is dropped; it resumes when it comes back. */
static void keep_budget(server *s)
{
	int64_t now = mono_us();
	while (s->queued_bytes - s->doomed_bytes > s->memory_max) {
		conn *worst = NULL;
		double worst_score = 0;
		lws_start_foreach_dll(struct lws_dll2 *, d, lws_dll2_get_head(&s->conns))
		{
			conn *c = lws_container_of(d, conn, list);
			double score = (double)c->qbytes * (1.0 + (double)(now - c->drained_us) / 1e6);
			if (!c->culled && c->qbytes && score > worst_score) {
				worst = c;
				worst_score = score;
			}
		}
		lws_end_foreach_dll(d);
		if (!worst)
			return;
		s->evicted++;
		cull(s, worst, "memory_budget");
	}
}

/* What counts against a connection's own queue_max: all it has waiting but what is left of its
 * first message (the snapshot it authenticated for, however large the room). */
static size_t counted_bytes(const conn *c)
{
	if (c->qlen && c->q[c->qhead] == c->exempt)
		return c->qbytes - (c->exempt->len - c->qoff);
	return c->qbytes;
}

void net_conn_queue(void *ctx, hub_peer *peer, wire_buf *buf)
{
	server *s = ctx;
	conn *c = peer->user;
	if (c->culled)
		return;
	if (!c->queued_any) {
		c->queued_any = true;
		c->exempt = buf;
	} else if (counted_bytes(c) + buf->len > s->queue_max) {
		cull(s, c, "queue_full");
		return;
	}
	if (!c->qlen)
		c->drained_us = mono_us(); /* nothing was waiting: its wait starts now */
	if (c->qlen == c->qcap) {
		size_t ncap = c->qcap ? c->qcap * 2 : 8;
		wire_buf **nq = malloc(ncap * sizeof *nq); /* NOLINT(bugprone-sizeof-expression): pointers */
		if (!nq) {
			cull(s, c, NULL); /* out of memory */
			return;
		}
		for (size_t i = 0; i < c->qlen; i++)
			nq[i] = c->q[(c->qhead + i) % c->qcap];
		free(c->q);
		c->q = nq;
		c->qcap = ncap;
		c->qhead = 0;
	}
	c->q[(c->qhead + c->qlen) % c->qcap] = wire_buf_ref(buf);
	c->qlen++;
	c->qbytes += buf->len;
	s->queued_bytes += buf->len;
	lws_callback_on_writable(c->wsi);
	if (s->queued_bytes - s->doomed_bytes > s->memory_max)
		keep_budget(s);
}

/* Closes c with status and reason once what is queued for it is written. */
static void close_later(conn *c, enum lws_close_status status, const char *reason)
{
	if (c->closing)
		return;
	c->closing = true;
	c->close_status = status;
	c->close_reason = reason;
	lws_callback_on_writable(c->wsi);
}

/* The hub ends a connection (a first message that was not a good auth, a revoked link). A
 * login with a token that works nowhere counts against its address (net_login_throttled). */
void net_conn_close(void *ctx, hub_peer *peer, rt_err why)
{
	server *s = ctx;
	conn *c = peer->user;
	if (why == RT_E_AUTH_INVALID && !peer->room && !c->closing)
		net_login_failed(s, c->addr);
	close_later(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, rt_err_code(why));
}

/* --- the roundtable.v1 protocol ---------------------------------------------------------- */

static void conn_free(server *s, conn *c)
{
	assert(s->queued_bytes >= c->qbytes); /* the server's total counts every connection's queue */
	s->queued_bytes -= c->qbytes;
	if (c->culled) {
		assert(s->doomed_bytes >= c->qbytes);
		s->doomed_bytes -= c->qbytes;
	}
	for (size_t i = 0; i < c->qlen; i++)
		wire_buf_unref(c->q[(c->qhead + i) % c->qcap]);
	free(c->q);
	free(c->rx);
	c->q = NULL;
	c->rx = NULL;
	c->qlen = c->qbytes = c->rxcap = 0;
}

static int close_with(conn *c, enum lws_close_status status, const char *reason)
{
	lws_close_reason(c->wsi, status, (unsigned char *)reason, strlen(reason));
	return -1;
}

/* A close frame from the client (RFC 6455 §5.5.1, §7.4). lws already answers the codes a peer
 * must not send below 5000 with 1002, drops a connection whose close reason is not UTF-8, and
 * echoes the payload, which `in` points at: a code past 4999 is made 1002 in place. A one-byte
 * payload cannot be echoed correctly: that connection is dropped (allowed when failing a
 * connection, §7.1.7). When ours went first (send_close), this is the answer: hang up. */
static int on_peer_close(conn *c, unsigned char *in, size_t len)
{
	if (c->close_sent || len == 1)
		return -1;
	if (len >= 2 && ((unsigned)in[0] << 8 | in[1]) >= 5000) {
		in[0] = LWS_CLOSE_STATUS_PROTOCOL_ERR >> 8;
		in[1] = LWS_CLOSE_STATUS_PROTOCOL_ERR & 0xff;
	}
	return 0;
}

/* One complete message from c: through the rate limit to the hub. */
static void handle_message(server *s, conn *c, const char *msg, size_t len)
{
	if (!c->peer.room && net_login_throttled(s, c->addr)) {
		/* Too many failed logins from this address this minute: not even tried. */
		s->login_throttled++;
		hub_refuse(s->hub, &c->peer, msg, len, RT_E_LIMIT_MESSAGE_RATE, true);
		return;
	}
	if (!net_take_credit(s, c)) {
		/* Over the rate: answered, not handled. Sending on at that pace ends the connection:
		 * a burst of more than `burst` refused in a row, or a run over the rate for more than
		 * NET_FLOOD_SECONDS (the bucket never refilling to half). The close follows what is
		 * queued, and what arrives meanwhile is read and ignored: no reset. */
		int64_t now = mono_us();
		if (!c->flood_since_us)
			c->flood_since_us = now;
		c->refused++;
		hub_refuse(s->hub, &c->peer, msg, len, RT_E_LIMIT_MESSAGE_RATE,
		           c->refused > s->burst || now - c->flood_since_us > (int64_t)NET_FLOOD_SECONDS * 1000000);
		return;
	}
	c->refused = 0;
	if (c->credit_us >= s->burst_us / 2)
		c->flood_since_us = 0;
	if (!c->peer.heard)
		hub_peer_network(s->hub, &c->peer, c->addr); /* AB-2: hashed at once, never kept */
	hub_receive(s->hub, &c->peer, msg, len);
}

static int on_receive(server *s, conn *c, const void *in, size_t len)
{
	if (s->draining || c->closing)
		return 0; /* stopping: the client re-sends what has no answer to the next server */
	if (lws_frame_is_binary(c->wsi)) {
		/* PL-6: text only (closed after what is queued, like an oversized message) */
		close_later(c, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE, "protocol.binary");
		return 0;
	}
	size_t remaining = lws_remaining_packet_payload(c->wsi);
	bool complete = lws_is_final_fragment(c->wsi) && !remaining;
	/* PL-6: an oversized message closes this connection only, with 1009. The frame header
	 * announces its length, so a frame too large is refused at its first chunk, and none of it
	 * is kept: the close frame follows what is already queued for it, and the rest is read
	 * and dropped meanwhile (returning -1 here would make lws reset the connection, losing
	 * the close frame). */
	if (c->rxlen + len + remaining > s->max_message) {
		c->rxlen = 0;
		c->partial_since_us = 0;
		close_later(c, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "protocol.too_large");
		return 0;
	}
	c->partial_since_us = complete ? 0 : c->partial_since_us ? c->partial_since_us : mono_us();
	if (complete && c->rxlen == 0) {
		/* The common case: a whole message in one read, handled in place. */
		handle_message(s, c, in, len);
		return 0;
	}
	/* A message in pieces: gather it in a buffer that grows only as far as it needs. */
	if (net_append_rx(&c->rx, &c->rxlen, &c->rxcap, in, len, s->max_message))
		return -1;
	if (!complete)
		return 0;
	size_t n = c->rxlen;
	c->rxlen = 0;
	handle_message(s, c, c->rx, n);
	return 0;
}

/* Writes a server frame's header (unmasked) at f: its first byte (FIN, opcode), then the
 * payload length `len`. Returns the header's length. */
static size_t frame_head(uint8_t *f, uint8_t first, size_t len)
{
	f[0] = first;
	if (len < 126) {
		f[1] = (uint8_t)len;
		return 2;
	}
	if (len <= 0xffff) {
		f[1] = 126;
		f[2] = (uint8_t)(len >> 8);
		f[3] = (uint8_t)len;
		return 4;
	}
	f[1] = 127;
	for (int i = 0; i < 8; i++)
		f[2 + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
	return 10;
}

/* Frames as many of c's queued messages as fit in s->gather, in order, and returns how many
 * (their bytes in *len). Server frames are unmasked: FIN and text, then the length. Not for a
 * WebSocket carried in an HTTP/2 stream, which frames it itself. */
static size_t gather(server *s, conn *c, size_t *len)
{
	size_t k = 0, at = 0;
	if (c->qlen < 2 || c->qoff || lws_get_network_wsi(c->wsi) != c->wsi)
		return 0;
	for (; k < c->qlen; k++) {
		wire_buf *b = c->q[(c->qhead + k) % c->qcap];
		size_t head = b->len < 126 ? 2 : b->len <= 0xffff ? 4 : 10;
		if (at + head + b->len > sizeof s->gather)
			break;
		uint8_t *f = s->gather + at;
		frame_head(f, 0x81, b->len);
		memcpy(f + head, wire_buf_payload(b), b->len);
		at += head + b->len;
	}
	*len = at;
	return k;
}

/* Takes the first k queued messages, written, off c's queue (the head's fragments already
 * counted off). */
static void pop(server *s, conn *c, size_t k)
{
	for (; k; k--) {
		wire_buf *b = c->q[c->qhead];
		size_t left = b->len - c->qoff;
		assert(c->qbytes >= left && s->queued_bytes >= left);
		if (b == c->exempt)
			c->exempt = NULL;
		c->qhead = (c->qhead + 1) % c->qcap;
		c->qlen--;
		c->qbytes -= left;
		s->queued_bytes -= left;
		c->qoff = 0;
		wire_buf_unref(b);
	}
}

/* A message longer than one write (a snapshot of a large room) goes out FRAGMENT_BYTES at a
 * time, as a text frame and its continuations, each written only when the client has taken
 * the last: what it has not taken waits in its queue, where the per-connection limit and the
 * memory budget see it, never in lws' or the kernel's buffers. */
static int write_fragment(server *s, conn *c)
{
	wire_buf *b = c->q[c->qhead];
	size_t n = b->len - c->qoff < FRAGMENT_BYTES ? b->len - c->qoff : FRAGMENT_BYTES;
	bool first = !c->qoff, last = c->qoff + n == b->len;
	uint8_t *f = s->gather;
	size_t head = frame_head(f, (uint8_t)((last ? 0x80 : 0) | (first ? 0x1 : 0x0)), n);
	memcpy(f + head, wire_buf_payload(b) + c->qoff, n);
	if (lws_write(c->wsi, f, head + n, LWS_WRITE_RAW) < (int)(head + n))
		return -1;
	if (last) {
		pop(s, c, 1);
	} else {
		c->qoff += n;
		c->qbytes -= n;
		s->queued_bytes -= n;
	}
	if (c->qlen || s->draining || c->closing)
		lws_callback_on_writable(c->wsi);
	return 0;
}

/* The close frame, once everything queued before it is written (RFC 6455 §5.5.1), written by
 * hand so that lws stays in its open state: it goes on reading what the client still sends
 * (on_receive drops it) until the client's own close frame, then hangs up (on_peer_close).
 * Closing through lws instead would stop reading, and a socket closed with bytes unread is
 * reset, which can destroy the close frame before the client reads it. A client that never
 * answers is dropped after NET_CLOSE_WAIT_SECONDS (net_alive_cb). */
static int send_close(server *s, conn *c)
{
	if (c->close_sent)
		return 0;
	size_t n = strlen(c->close_reason);
	if (n > 123)
		n = 123;
	uint8_t *f = s->gather;
	frame_head(f, 0x88, 2 + n);
	f[2] = (uint8_t)(c->close_status >> 8);
	f[3] = (uint8_t)c->close_status;
	memcpy(f + 4, c->close_reason, n);
	if (lws_write(c->wsi, f, 4 + n, LWS_WRITE_RAW) < (int)(4 + n))
		return -1;
	c->close_sent = true;
	c->close_sent_us = mono_us();
	return 0;
}

static int on_writeable(server *s, conn *c)
{
	if (c->closing && !c->qlen && !c->culled)
		return send_close(s, c);
	if (s->draining && !c->qlen && !c->culled)
		return close_with(c, LWS_CLOSE_STATUS_GOINGAWAY, "server.stopping");
	if (c->close_sent)
		return 0;
	if (c->ping_due && !c->culled) {
		c->ping_due = false;
		/* not empty: lws reports an empty pong to nobody */
		uint8_t ping[LWS_PRE + 1] = {[LWS_PRE] = 'p'};
		if (lws_write(c->wsi, ping + LWS_PRE, 1, LWS_WRITE_PING) < 0)
			return -1;
		if (c->qlen)
			lws_callback_on_writable(c->wsi);
		return 0;
	}
	if (!c->qlen || c->culled)
		return 0; /* spurious writeable callbacks are normal */
	c->drained_us = mono_us();
	wire_buf *head = c->q[c->qhead];
	if (c->qoff || (head->len > FRAGMENT_BYTES && lws_get_network_wsi(c->wsi) == c->wsi))
		return write_fragment(s, c);
	/* One write per callback: several queued messages go as consecutive frames (PERF-2: what a
	 * busy consultation held for its window), one alone as it is. */
	size_t len, k = gather(s, c, &len);
	int n;
	if (k > 1) {
		n = lws_write(c->wsi, s->gather, len, LWS_WRITE_RAW);
	} else {
		len = head->len;
		n = lws_write(c->wsi, wire_buf_payload(head), len, LWS_WRITE_TEXT);
		k = 1;
	}
	if (n < (int)len)
		return -1; /* a short write is fatal for this connection */
	s->gathered += k > 1 ? k : 0;
	assert(k >= 1 && k <= c->qlen);
	pop(s, c, k);
	if (c->qlen || s->draining || c->closing)
		lws_callback_on_writable(c->wsi);
	return 0;
}

/* PERF-3, once a second: a connection silent for ping_us is pinged, one silent for three times
 * that is dropped (a phone that lost its network sends no FIN), one not authenticated within
 * auth_timeout of its handshake is closed. One sweep for all connections
 * rather than a timer each (lws' own keepalive): the pings of a second go out in one pass of
 * the loop, and a wake-up of the loop costs O(N). */
void net_alive_cb(lws_sorted_usec_list_t *sul)
{
	server *s = lws_container_of(sul, server, alive_sul);
	if (s->stopping)
		return;
	int64_t now = mono_us();
	/* No `continue` in this loop: lws' macro steps to the next entry at its end. */
	lws_start_foreach_dll_safe(struct lws_dll2 *, d, next, lws_dll2_get_head(&s->conns))
	{
		conn *c = lws_container_of(d, conn, list);
		int64_t silent = now - c->heard_us;
		if (c->close_sent && !c->culled && now - c->close_sent_us > (int64_t)NET_CLOSE_WAIT_SECONDS * 1000000) {
			cull(s, c, NULL); /* never answered the close frame */
		} else if (c->culled || c->closing) {
			/* already going */
		} else if (c->partial_since_us && now - c->partial_since_us > (int64_t)NET_MESSAGE_SECONDS * 1000000) {
			/* A message begun and never finished (a stalled frame): its buffer is not held
			 * for ever. */
			close_later(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "protocol.timeout");
			c->partial_since_us = 0;
		} else if (!c->peer.room && now - c->opened_us >= (int64_t)s->auth_timeout * 1000000) {
			/* Not authenticated in time (a socket that never speaks, or never a good auth). */
			close_later(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "auth.timeout");
		} else if (silent >= 3 * s->ping_us) {
			cull(s, c, "silent");
		} else if (silent >= c->ping_after_us && now - c->pinged_us >= c->ping_after_us) {
			c->ping_due = true;
			c->pinged_us = now;
			lws_callback_on_writable(c->wsi);
		}
	}
	lws_end_foreach_dll_safe(d, next);
	net_header_sweep(s);
	if (++s->sweeps % 60 == 0)
		net_login_sweep(s);
	lws_sul_schedule(s->ctx, 0, &s->alive_sul, net_alive_cb, LWS_US_PER_SEC);
}

int net_callback_roundtable(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	conn *c = user;
	server *s = lws_context_user(lws_get_context(wsi));
	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* c is lws' zeroed user space, kept for ESTABLISHED, which follows at once. */
		{
			net_header_done(s, wsi);
			const char *why = net_admit(s, c, wsi);
			if (!why)
				return 0;
			s->refused_conns++;
			log_sampled(&s->refused_log, "connections_refused", why);
			if (!strcmp(why, "key"))
				lws_return_http_status(wsi, HTTP_STATUS_BAD_REQUEST, NULL); /* RFC 6455 §4.2.1 */
		}
		return 1;
	case LWS_CALLBACK_ESTABLISHED:
		c->wsi = wsi;
		c->peer.user = c;
		c->credit_us = s->burst_us;
		c->refilled_us = mono_us();
		c->counted = net_addr_add(s, c->addr);
		c->heard_us = c->pinged_us = c->drained_us = c->opened_us = mono_us();
		/* Connections that open together (a room joining at the start) are pinged apart: each
		 * waits from half to all of the interval, spread evenly (golden-ratio steps), so a
		 * sweep pings a share of them, never all at once. */
		s->ping_phase += 0x9E3779B97F4A7C15ull;
		c->ping_after_us = s->ping_us - (int64_t)((s->ping_phase >> 11) % (uint64_t)(s->ping_us / 2 + 1));
		lws_dll2_add_tail(&c->list, &s->conns);
		{
			int sz = CONN_SNDBUF_BYTES;
			setsockopt(lws_get_socket_fd(wsi), SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
		}
		/* It must authenticate within auth_timeout seconds (net_alive_cb): no lws timer per
		 * connection, whose insertion into lws' sorted list of timers costs O(N) (PERF-3). */
		break;
	case LWS_CALLBACK_RECEIVE:
		c->heard_us = mono_us();
		return on_receive(s, c, in, len);
	case LWS_CALLBACK_RECEIVE_PONG:
		c->heard_us = mono_us();
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return on_writeable(s, c);
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		return on_peer_close(c, in, len);
	case LWS_CALLBACK_CLOSED:
		if (!c->wsi)
			break; /* refused by the filter: never established, never counted */
		hub_peer_closed(s->hub, &c->peer);
		conn_free(s, c);
		assert(lws_dll2_owner(&c->list) == &s->conns); /* listed since ESTABLISHED */
		lws_dll2_remove(&c->list);
		if (c->counted)
			net_addr_remove(s, c->addr);
		c->counted = false;
		break;
	default:
		break;
	}
	return 0;
}
