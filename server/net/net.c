/* net.c — libwebsockets transport for Roundtable (lws 4.1): static files for the web client
 * and the roundtable.v1 WebSocket protocol, on lws' own poll loop, single-threaded.
 * No consultation logic: frames go to the hub whole, and buffers the hub queues come out in
 * order, one lws_write per writeable callback.
 *
 * Never handle LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: lws 4.1.6 as shipped by Debian has a
 * use-after-free behind that callback (CVE-2025-11677). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libwebsockets.h>

#include "hub.h"
#include "net.h"
#include "wire.h"

/* A connection's outgoing queue is bounded by bytes (PERF-3): a client that stops reading
 * is dropped once this much waits for it, and resynchronises with a snapshot when it returns. */
#define CONN_QUEUE_MAX_BYTES (4u * 1024 * 1024)

/* Per-connection state, allocated and zeroed by lws (per_session_data_size). */
typedef struct conn {
	struct lws *wsi;
	hub_peer peer;
	/* reassembly of a message split over frames or reads, capped at WIRE_MAX_MESSAGE */
	char *rx;
	size_t rxlen, rxcap;
	/* outgoing ring of shared buffers */
	wire_buf **q;
	size_t qhead, qlen, qcap, qbytes;
	bool culled;
} conn;

typedef struct server {
	struct lws_context *ctx;
	hub *hub;
	lws_sorted_usec_list_t flush_sul;
	bool flush_scheduled;
	lws_sorted_usec_list_t due_sul; /* the agenda clocks' next action (AG-4) */
	bool stopping;                  /* the context is going: no more timers (closing connections still call in) */
} server;

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* --- hub callbacks ----------------------------------------------------------------------- */

static void conn_queue(void *ctx, hub_peer *peer, wire_buf *buf)
{
	(void)ctx;
	conn *c = peer->user;
	if (c->culled)
		return;
	if (c->qbytes + buf->len > CONN_QUEUE_MAX_BYTES) {
		/* Not from inside another connection's callback: close it asynchronously. */
		c->culled = true;
		lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		return;
	}
	if (c->qlen == c->qcap) {
		size_t ncap = c->qcap ? c->qcap * 2 : 8;
		wire_buf **nq = malloc(ncap * sizeof *nq);
		if (!nq) {
			c->culled = true;
			lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
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
	lws_callback_on_writable(c->wsi);
}

static void flush_cb(lws_sorted_usec_list_t *sul)
{
	server *s = lws_container_of(sul, server, flush_sul);
	s->flush_scheduled = false;
	hub_flush(s->hub);
}

static void wake(void *ctx)
{
	server *s = ctx;
	if (s->flush_scheduled || s->stopping)
		return;
	s->flush_scheduled = true;
	/* Due at once: lws runs ripe timers at the top of its next loop iteration, after every
	 * socket that was ready in this one has been read — so one flush (one commit) covers
	 * every command that arrived together. */
	lws_sul_schedule(s->ctx, 0, &s->flush_sul, flush_cb, 1);
}

static int64_t now_ms(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void due_cb(lws_sorted_usec_list_t *sul)
{
	server *s = lws_container_of(sul, server, due_sul);
	hub_tick(s->hub);
}

/* The clocks' timer lives in the event loop like every other: when it fires, the hub sends the
 * core a command through the same path as clients'. */
static void schedule(void *ctx, int64_t due_ms)
{
	server *s = ctx;
	if (s->stopping)
		return;
	if (!due_ms) {
		lws_sul_cancel(&s->due_sul);
		return;
	}
	int64_t wait_ms = due_ms - now_ms(ctx);
	lws_sul_schedule(s->ctx, 0, &s->due_sul, due_cb, wait_ms > 0 ? wait_ms * LWS_US_PER_MS : 1);
}

/* --- the roundtable.v1 protocol ---------------------------------------------------------- */

static void conn_free(conn *c)
{
	for (size_t i = 0; i < c->qlen; i++)
		wire_buf_unref(c->q[(c->qhead + i) % c->qcap]);
	free(c->q);
	free(c->rx);
	c->q = NULL;
	c->rx = NULL;
	c->qlen = c->qbytes = c->rxcap = 0;
}

static int on_receive(server *s, conn *c, const void *in, size_t len)
{
	if (c->rxlen + len > WIRE_MAX_MESSAGE) {
		/* PL-6: an oversized message closes this connection only, with 1009. */
		static const char reason[] = "protocol.too_large";
		lws_close_reason(c->wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, (unsigned char *)reason,
		                 sizeof reason - 1);
		return -1;
	}
	bool complete = lws_is_final_fragment(c->wsi) && !lws_remaining_packet_payload(c->wsi);
	if (complete && c->rxlen == 0) {
		/* The common case: a whole message in one read, handled in place. */
		hub_receive(s->hub, &c->peer, in, len);
		return 0;
	}
	/* A message in pieces: gather it in a buffer that grows only as far as it needs. */
	if (c->rxlen + len > c->rxcap) {
		size_t ncap = c->rxcap ? c->rxcap : 4096;
		while (ncap < c->rxlen + len)
			ncap *= 2;
		if (ncap > WIRE_MAX_MESSAGE)
			ncap = WIRE_MAX_MESSAGE;
		char *nrx = realloc(c->rx, ncap);
		if (!nrx)
			return -1;
		c->rx = nrx;
		c->rxcap = ncap;
	}
	memcpy(c->rx + c->rxlen, in, len);
	c->rxlen += len;
	if (!complete)
		return 0;
	size_t n = c->rxlen;
	c->rxlen = 0;
	hub_receive(s->hub, &c->peer, c->rx, n);
	return 0;
}

static int on_writeable(conn *c)
{
	if (!c->qlen || c->culled)
		return 0; /* spurious writeable callbacks are normal */
	wire_buf *b = c->q[c->qhead];
	int n = lws_write(c->wsi, wire_buf_payload(b), b->len, LWS_WRITE_TEXT);
	if (n < (int)b->len)
		return -1; /* a short write is fatal for this connection */
	c->qhead = (c->qhead + 1) % c->qcap;
	c->qlen--;
	c->qbytes -= b->len;
	wire_buf_unref(b);
	if (c->qlen)
		lws_callback_on_writable(c->wsi);
	return 0;
}

static int callback_roundtable(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	conn *c = user;
	server *s = lws_context_user(lws_get_context(wsi));
	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		memset(c, 0, sizeof *c);
		c->wsi = wsi;
		c->peer.user = c;
		break;
	case LWS_CALLBACK_RECEIVE:
		return on_receive(s, c, in, len);
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return on_writeable(c);
	case LWS_CALLBACK_CLOSED:
		hub_peer_closed(s->hub, &c->peer);
		conn_free(c);
		break;
	default:
		break;
	}
	return 0;
}

/* The HTTP protocol serves files through lws' default handler. A WebSocket upgrade that
 * offers no subprotocol lands here, on the vhost's first protocol: refuse it, so that every
 * session speaks a named, versioned protocol. */
static int callback_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	if (reason == LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION)
		return 1;
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* --- context ----------------------------------------------------------------------------- */

/* Headers on every HTTP response (CHR-8, PL-2): nothing from another origin, no referrer that
 * could carry a link, no framing by other sites. */
static const struct lws_protocol_vhost_options hdr_nosniff = {NULL, NULL, "x-content-type-options:", "nosniff"};
static const struct lws_protocol_vhost_options hdr_frame = {&hdr_nosniff, NULL, "x-frame-options:", "DENY"};
static const struct lws_protocol_vhost_options hdr_referrer = {&hdr_frame, NULL, "referrer-policy:", "no-referrer"};
static const struct lws_protocol_vhost_options hdr_csp = {
    &hdr_referrer, NULL, "content-security-policy:",
    "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'"};

static const struct lws_protocol_vhost_options mime_json = {NULL, NULL, ".json", "application/json"};
static const struct lws_protocol_vhost_options mime_mjs = {&mime_json, NULL, ".mjs", "text/javascript"};

int net_serve(const net_options *opt, store *st, void (*on_ready)(int port, void *arg), void *arg)
{
	static const struct lws_protocols protocols[] = {
	    {"http", callback_http, 0, 0, 0, NULL, 0},
	    {WIRE_SUBPROTOCOL, callback_roundtable, sizeof(conn), 4096, 0, NULL, 0},
	    {NULL, NULL, 0, 0, 0, NULL, 0},
	};
	server s = {0};
	struct lws_http_mount mount = {0};
	mount.mountpoint = "/";
	mount.mountpoint_len = 1;
	mount.origin = opt->web_dir;
	mount.def = "index.html";
	mount.origin_protocol = LWSMPRO_FILE;
	mount.extra_mimetypes = &mime_mjs;

	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.port = opt->port;
	info.iface = opt->listen;
	info.protocols = protocols;
	info.mounts = &mount;
	info.headers = &hdr_csp;
	info.user = &s;
	info.vhost_name = "roundtable";
	/* lws caps itself at 2,560 connections when the fd limit is huge (some containers);
	 * ask for a definite limit instead. */
	info.rlimit_nofile = 65536;

	/* CHR-7: lws' notices name peers' addresses; keep only errors. */
	lws_set_log_level(LLL_ERR, NULL);

	hub_io io = {.send = conn_queue, .wake = wake, .now_ms = now_ms, .schedule = schedule, .ctx = &s};
	s.hub = hub_new(st, &io, LWS_PRE);
	if (!s.hub)
		return 1;
	s.ctx = lws_create_context(&info);
	if (!s.ctx) {
		fprintf(stderr, "roundtable: cannot listen on %s port %d\n", opt->listen, opt->port);
		hub_free(s.hub);
		return 1;
	}
	struct lws_vhost *vh = lws_get_vhost_by_name(s.ctx, "roundtable");
	int port = vh ? lws_get_vhost_listen_port(vh) : opt->port;
	if (on_ready)
		on_ready(port, arg);
	/* Handlers first: whoever reads "listening" may stop the server at once, gracefully. */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	printf("roundtable: listening on http://%s:%d/\n", opt->listen, port);
	fflush(stdout);
	while (!interrupted)
		if (lws_service(s.ctx, 0) < 0)
			break;
	/* Commit and deliver what is pending before the sockets go. */
	hub_flush(s.hub);
	s.stopping = true;
	lws_sul_cancel(&s.flush_sul);
	lws_sul_cancel(&s.due_sul);
	lws_context_destroy(s.ctx);
	hub_free(s.hub);
	printf("roundtable: stopped\n");
	return 0;
}
