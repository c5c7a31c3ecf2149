/* net.c — libwebsockets transport for Roundtable (lws 4.1): static files for the web client
 * and the roundtable.v1 WebSocket protocol, on lws' own poll loop, single-threaded.
 * No consultation logic: frames go to the hub whole, and buffers the hub queues come out in
 * order, one lws_write per writeable callback.
 *
 * Never handle LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: lws 4.1.6 as shipped by Debian has a
 * use-after-free behind that callback (CVE-2025-11677). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "hub.h"
#include "net.h"
#include "wire.h"

/* A connection's outgoing queue is bounded by bytes (PERF-3): a client that stops reading
 * is dropped once this much waits for it (net_options.queue_limit_kib overrides it), and
 * resumes or takes a snapshot when it returns. Far above what a reading client ever has
 * queued: a co-chair's snapshot of a thousand questions is about 150 KB. */
#define CONN_QUEUE_MAX_BYTES (4u * 1024 * 1024)

/* The kernel's send buffer per connection (Linux doubles it for its bookkeeping). Left to
 * itself it grows to megabytes for a client that stopped reading, out of sight of the queue
 * bound above; this is ample for a reader on a slow network. */
#define CONN_SNDBUF_BYTES (64 * 1024)

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
	/* PL-6: past the cap, the rest of the message is read and dropped, then the connection is
	 * closed with 1009; closing with bytes unread would reset it and lose the close code. */
	size_t discarded;
} conn;

/* How much of an oversized message is drained before closing regardless. */
#define CONN_DISCARD_MAX (16u * WIRE_MAX_MESSAGE)

typedef struct server {
	struct lws_context *ctx;
	hub *hub;
	lws_sorted_usec_list_t flush_sul;
	bool flush_scheduled;
	lws_sorted_usec_list_t due_sul;   /* the agenda clocks' next action (AG-4) */
	lws_sorted_usec_list_t drain_sul; /* wakes the loop while a graceful stop waits */
	size_t nconns;                    /* WebSocket connections open, authenticated or not */
	size_t queue_max;                 /* bytes a connection may have waiting (PERF-3) */
	uint64_t culled;                  /* connections dropped for not reading */
	bool draining;                    /* stopping gracefully: no new connections or commands, close with 1001 */
	bool stopping;                    /* the context is going: no more timers (closing connections still call in) */
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
	server *s = ctx;
	conn *c = peer->user;
	if (c->culled)
		return;
	if (c->qbytes + buf->len > s->queue_max) {
		/* Not from inside another connection's callback: close it asynchronously. */
		c->culled = true;
		s->culled++;
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

/* Appends len bytes to a receive buffer that doubles as needed up to max bytes (the caller has
 * checked that they fit). -1 when out of memory. */
static int append_rx(char **buf, size_t *used, size_t *cap, const void *in, size_t len, size_t max)
{
	if (*used + len > *cap) {
		size_t ncap = *cap ? *cap : 4096;
		while (ncap < *used + len)
			ncap *= 2;
		if (ncap > max)
			ncap = max;
		char *nb = realloc(*buf, ncap);
		if (!nb)
			return -1;
		*buf = nb;
		*cap = ncap;
	}
	memcpy(*buf + *used, in, len);
	*used += len;
	return 0;
}

static int close_with(conn *c, enum lws_close_status status, const char *reason)
{
	lws_close_reason(c->wsi, status, (unsigned char *)reason, strlen(reason));
	return -1;
}

static int on_receive(server *s, conn *c, const void *in, size_t len)
{
	if (lws_frame_is_binary(c->wsi))
		return close_with(c, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE, "protocol.binary"); /* PL-6: text only */
	if (s->draining)
		return 0; /* stopping: the client re-sends what has no answer to the next server */
	bool complete = lws_is_final_fragment(c->wsi) && !lws_remaining_packet_payload(c->wsi);
	if (c->discarded || c->rxlen + len > WIRE_MAX_MESSAGE) {
		/* PL-6: an oversized message closes this connection only, with 1009. */
		c->rxlen = 0;
		c->discarded += len ? len : 1;
		if (complete || c->discarded > CONN_DISCARD_MAX)
			return close_with(c, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "protocol.too_large");
		return 0;
	}
	if (complete && c->rxlen == 0) {
		/* The common case: a whole message in one read, handled in place. */
		hub_receive(s->hub, &c->peer, in, len);
		return 0;
	}
	/* A message in pieces: gather it in a buffer that grows only as far as it needs. */
	if (append_rx(&c->rx, &c->rxlen, &c->rxcap, in, len, WIRE_MAX_MESSAGE))
		return -1;
	if (!complete)
		return 0;
	size_t n = c->rxlen;
	c->rxlen = 0;
	hub_receive(s->hub, &c->peer, c->rx, n);
	return 0;
}

static int on_writeable(server *s, conn *c)
{
	if (s->draining && !c->qlen && !c->culled)
		return close_with(c, LWS_CLOSE_STATUS_GOINGAWAY, "server.stopping");
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
	if (c->qlen || s->draining)
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
		s->nconns++;
		{
			int sz = CONN_SNDBUF_BYTES;
			setsockopt(lws_get_socket_fd(wsi), SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
		}
		break;
	case LWS_CALLBACK_RECEIVE:
		return on_receive(s, c, in, len);
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return on_writeable(s, c);
	case LWS_CALLBACK_CLOSED:
		hub_peer_closed(s->hub, &c->peer);
		conn_free(c);
		s->nconns--;
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
	if (reason == LWS_CALLBACK_FILTER_NETWORK_CONNECTION) {
		/* A stopping server takes no new connection: clients retry until the next one is up. */
		server *s = lws_context_user(lws_get_context(wsi));
		return s->draining;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* --- the organiser's control socket -------------------------------------------------------- */

/* One request per connection on a Unix socket beside the database, readable by the server's
 * own user only: `roundtable seal` and `roundtable denylist` (CHR-5, CHR-6). A deny-list
 * arrives here because it must never be written to disk. */
typedef struct ctl_conn {
	char *rx;
	size_t rxlen, rxcap;
	unsigned char *reply; /* LWS_PRE headroom, then the reply line */
	size_t reply_len;
} ctl_conn;

static char *control_handle(server *s, const char *req, size_t len)
{
	wire_control c;
	if (wire_decode_control(req, len, &c))
		return wire_encode_control_reply(RT_E_PROTOCOL_INVALID_FIELD, c.error, -1);
	if (c.op == WIRE_CONTROL_DENYLIST) {
		long n = (long)core_denylist_count(c.deny);
		rt_err err = hub_set_denylist(s->hub, c.consultation, c.deny);
		return wire_encode_control_reply(err, NULL, err ? -1 : n);
	}
	char why[160];
	rt_err err = hub_seal(s->hub, c.consultation, why, sizeof why);
	return wire_encode_control_reply(err, why, -1);
}

static int control_rx(struct lws *wsi, server *s, ctl_conn *c, const char *in, size_t len)
{
	if (c->reply)
		return 0; /* one request per connection */
	if (c->rxlen + len > WIRE_CONTROL_MAX || append_rx(&c->rx, &c->rxlen, &c->rxcap, in, len, WIRE_CONTROL_MAX))
		return -1;
	char *nl = memchr(c->rx, '\n', c->rxlen);
	if (!nl)
		return 0;
	char *line = control_handle(s, c->rx, (size_t)(nl - c->rx));
	if (!line)
		return -1;
	size_t n = strlen(line);
	c->reply = malloc(LWS_PRE + n);
	if (c->reply) {
		memcpy(c->reply + LWS_PRE, line, n);
		c->reply_len = n;
	}
	free(line);
	if (!c->reply)
		return -1;
	lws_callback_on_writable(wsi);
	return 0;
}

static int callback_control(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	ctl_conn *c = user;
	server *s = lws_context_user(lws_get_context(wsi));
	switch (reason) {
	case LWS_CALLBACK_RAW_ADOPT:
		memset(c, 0, sizeof *c);
		break;
	case LWS_CALLBACK_RAW_RX:
		return control_rx(wsi, s, c, in, len);
	case LWS_CALLBACK_RAW_WRITEABLE:
		if (!c->reply)
			return 0;
		lws_write(wsi, c->reply + LWS_PRE, c->reply_len, LWS_WRITE_RAW);
		return -1; /* answered: close */
	case LWS_CALLBACK_RAW_CLOSE:
		free(c->rx);
		free(c->reply);
		c->rx = NULL;
		c->reply = NULL;
		break;
	default:
		break;
	}
	return 0;
}

void net_control_path(const char *data_dir, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/roundtable.ctl", data_dir);
}

int net_control_request(const char *data_dir, const char *request, char *reply, size_t cap)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	net_control_path(data_dir, path, sizeof path);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		close(fd);
		return -1; /* no server is running on this folder */
	}
	if (!request) {
		close(fd);
		return 0;
	}
	size_t n = strlen(request), off = 0;
	while (off < n) {
		ssize_t w = write(fd, request + off, n - off);
		if (w <= 0) {
			close(fd);
			return -2;
		}
		off += (size_t)w;
	}
	size_t got = 0;
	while (got + 1 < cap) {
		ssize_t r = read(fd, reply + got, cap - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
		if (memchr(reply, '\n', got))
			break;
	}
	reply[got] = '\0';
	close(fd);
	return got ? 0 : -2;
}

/* Listens on the control socket, unless another server already answers on it. */
static int control_listen(server *s, const char *data_dir)
{
	static const struct lws_protocols ctl_protocols[] = {
	    {"roundtable-control", callback_control, sizeof(ctl_conn), 4096, 0, NULL, 0},
	    {NULL, NULL, 0, 0, 0, NULL, 0},
	};
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	net_control_path(data_dir, path, sizeof path);
	if (net_control_request(data_dir, NULL, NULL, 0) == 0) {
		fprintf(stderr, "roundtable: another server is running on %s\n", data_dir);
		return -1;
	}
	unlink(path); /* a socket left by a server that did not stop cleanly */
	struct lws_context_creation_info ci;
	memset(&ci, 0, sizeof ci);
	ci.options = LWS_SERVER_OPTION_UNIX_SOCK | LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG;
	ci.iface = path;
	ci.vhost_name = "control";
	ci.protocols = ctl_protocols;
	ci.listen_accept_role = "raw-skt";
	ci.listen_accept_protocol = "roundtable-control";
	mode_t old = umask(0177); /* the socket is created 0600: the server's own user only */
	struct lws_vhost *vh = lws_create_vhost(s->ctx, &ci);
	umask(old);
	if (!vh) {
		fprintf(stderr, "roundtable: cannot listen on %s\n", path);
		return -1;
	}
	return 0;
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

static void drain_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul; /* only wakes lws_service up, so that the drain loop looks at the time */
}

/* The graceful stop: new connections are refused, what is pending commits and is queued, and
 * each connection is closed with 1001 once its queue is written; one that does not take it
 * within NET_DRAIN_MS is closed with the context. */
static void drain(server *s, const struct lws_protocols *ws)
{
	s->draining = true;
	lws_sul_cancel(&s->due_sul);
	hub_flush(s->hub);
	lws_callback_on_writable_all_protocol(s->ctx, ws);
	int64_t deadline = now_ms(s) + NET_DRAIN_MS;
	while (s->nconns && now_ms(s) < deadline) {
		lws_sul_schedule(s->ctx, 0, &s->drain_sul, drain_cb, 50 * LWS_US_PER_MS);
		if (lws_service(s->ctx, 0) < 0)
			break;
	}
	lws_sul_cancel(&s->drain_sul);
	hub_flush(s->hub); /* what the closing connections' departures changed (presence) */
}

int net_serve(const net_options *opt, store *st, void (*on_ready)(int port, void *arg), void *arg)
{
	static const struct lws_protocols protocols[] = {
	    {"http", callback_http, 0, 0, 0, NULL, 0},
	    {WIRE_SUBPROTOCOL, callback_roundtable, sizeof(conn), 4096, 0, NULL, 0},
	    {NULL, NULL, 0, 0, 0, NULL, 0},
	};
	server s = {0};
	s.queue_max = opt->queue_limit_kib > 0 ? (size_t)opt->queue_limit_kib * 1024 : CONN_QUEUE_MAX_BYTES;
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
	/* PERF-3: a connection silent for `ping` seconds is pinged; one that answers nothing for
	 * three times that is dropped (a phone that lost its network sends no FIN). */
	int ping = opt->ping_seconds > 0 ? opt->ping_seconds : 15;
	lws_retry_bo_t idle = {.secs_since_valid_ping = (uint16_t)ping,
	                       .secs_since_valid_hangup = (uint16_t)(ping * 3)};
	info.retry_and_idle_policy = &idle;

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
	if (opt->data_path && control_listen(&s, opt->data_path)) {
		lws_context_destroy(s.ctx);
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
	drain(&s, &protocols[1]);
	s.stopping = true;
	lws_sul_cancel(&s.flush_sul);
	lws_sul_cancel(&s.due_sul);
	lws_context_destroy(s.ctx);
	hub_free(s.hub);
	if (opt->data_path) {
		char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
		net_control_path(opt->data_path, path, sizeof path);
		unlink(path);
	}
	printf("roundtable: stopped (%llu connections dropped for not reading)\n", (unsigned long long)s.culled);
	return 0;
}
