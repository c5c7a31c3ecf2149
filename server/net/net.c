/* net.c — libwebsockets transport for Roundtable (lws 4.1): static files for the web client
 * and the roundtable.v1 WebSocket protocol, on lws' own poll loop, single-threaded.
 * No consultation logic: frames go to the hub whole, and buffers the hub queues come out in
 * order, one lws_write per writeable callback.
 *
 * Never handle LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: lws 4.1.6 as shipped by Debian has a
 * use-after-free behind that callback (CVE-2025-11677). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <libwebsockets.h>
#include <openssl/ssl.h>

#include "clock.h"
#include "hub.h"
#include "log.h"
#include "net.h"
#include "wire.h"

/* A connection's outgoing queue is bounded by bytes (PERF-3): a client that stops reading
 * is dropped once this much waits for it (net_options.queue_limit_kib overrides it), and
 * resumes or takes a snapshot when it returns. Far above what a reading client ever has
 * queued: a co-chair's snapshot of a thousand questions is about 150 KB. */
#define CONN_QUEUE_MAX_BYTES ((size_t)NET_QUEUE_KIB * 1024)

/* The kernel's send buffer per connection (Linux doubles it for its bookkeeping). Left to
 * itself it grows to megabytes for a client that stopped reading, out of sight of the queue
 * bound above; this is ample for a reader on a slow network. */
#define CONN_SNDBUF_BYTES (64 * 1024)

/* Queued messages framed together for one write, at most (on_writeable). */
#define NET_GATHER_BYTES 16384

/* What lws reads of a frame before handing it over (a longer message comes in pieces, gathered
 * by on_receive): each connection holds a buffer this size. Commands are small. */
#define CONN_RX_BYTES 1024
/* What lws may hand the kernel in one write: the whole message (the kernel takes what its
 * buffer holds, lws keeps the rest), not the rx buffer's size, which it defaults to. */
#define CONN_TX_BYTES (1024 * 1024)

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
	/* the client's address, for the per-address limit (memory only, never logged: CHR-7) */
	char addr[INET6_ADDRSTRLEN];
	bool counted; /* in the per-address table */
	/* the message rate: a token bucket holding microseconds of credit */
	int64_t credit_us, refilled_us;
	unsigned refused; /* messages refused since the last one taken */
	bool closing;     /* to be closed once its queue is written */
	/* PERF-3: when it was last heard from (any frame, a pong included) and last pinged (mono
	 * us); a ping waits for its writeable callback. In the server's list of connections. */
	int64_t heard_us, pinged_us;
	int64_t ping_after_us; /* its silence before a ping: the server's, less a share of it */
	bool ping_due;
	struct conn *prev, *next;
	enum lws_close_status close_status;
	const char *close_reason;
} conn;

/* Connections per client address, in memory only. */
typedef struct addr_count {
	struct addr_count *next;
	unsigned n;
	char addr[INET6_ADDRSTRLEN];
} addr_count;
#define ADDR_BUCKETS 4096

/* How much of an oversized message is drained before closing regardless. */
#define CONN_DISCARD_MAX (16u * WIRE_MAX_MESSAGE)

/* A warning logged at most once a minute, with how many times it happened (log_sampled). */
typedef struct log_sample {
	time_t last;
	uint64_t since;
} log_sample;

typedef struct server {
	struct lws_context *ctx;
	hub *hub;
	lws_sorted_usec_list_t flush_sul;
	bool flush_scheduled;
	lws_sorted_usec_list_t due_sul;   /* the agenda clocks' next action (AG-4) */
	lws_sorted_usec_list_t drain_sul; /* wakes the loop while a graceful stop waits */
	lws_sorted_usec_list_t alive_sul; /* the liveness sweep, once a second (PERF-3) */
	conn *conns;                      /* every open WebSocket connection */
	int64_t ping_us;                  /* silence before a ping; three times that: dropped */
	uint64_t ping_phase;              /* spreads connections' pings over the ping interval */
	size_t nconns;                    /* WebSocket connections open, authenticated or not */
	size_t queue_max;                 /* bytes a connection may have waiting (PERF-3) */
	uint64_t culled;                  /* connections dropped for not reading */
	uint64_t refused_conns;           /* WebSocket handshakes refused by a limit or the Origin */
	log_sample culled_log, refused_log;
	size_t queued_bytes; /* what waits in all connections' queues */
	uint64_t gathered;   /* messages that went several to a write (PERF-2) */
	/* several queued messages framed for one write (on_writeable) */
	uint8_t gather[NET_GATHER_BYTES];
	time_t started; /* for GET /metrics */
	size_t max_conns, max_per_addr, max_message;
	int64_t msg_cost_us, burst_us; /* the token bucket: one message's cost, the bucket's size */
	unsigned burst;
	int auth_timeout;
	const net_options *opt;
	addr_count *addrs[ADDR_BUCKETS];
	/* the Content-Security-Policy header's value: connect-src names the WebSocket origins */
	char csp[1024];
	bool draining; /* stopping gracefully: no new connections or commands, close with 1001 */
	bool stopping; /* the context is going: no more timers (closing connections still call in) */
} server;

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Logs a warning about something that can happen many times a second (a flood of refused
 * handshakes, a crowd of slow phones) at most once a minute, with how many times it happened
 * since the last line: the log stays quiet, the metrics have the exact counts. At debug, each
 * time. */
#define SAMPLE_SECONDS 60
static void log_sampled(log_sample *sm, const char *event, const char *reason)
{
	time_t now = time(NULL);
	sm->since++;
	if (sm->last && now - sm->last < SAMPLE_SECONDS && !rtlog_enabled(RTLOG_DEBUG))
		return;
	rtlog_line l;
	rtlog_begin(&l, RTLOG_WARN, event);
	rtlog_str(&l, "reason", reason);
	rtlog_int(&l, "count", (int64_t)sm->since);
	rtlog_int(&l, "per_seconds", SAMPLE_SECONDS);
	rtlog_end(&l);
	sm->last = now;
	sm->since = 0;
}

/* Drops c (a client that stops reading, or answers nothing): from outside its own callback, so
 * asynchronously. Counted and logged (sampled) with `reason`, unless reason is NULL. */
static void cull(server *s, conn *c, const char *reason)
{
	c->culled = true;
	if (reason) {
		s->culled++;
		log_sampled(&s->culled_log, "connections_culled", reason);
	}
	lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

/* --- hub callbacks ----------------------------------------------------------------------- */

static void conn_queue(void *ctx, hub_peer *peer, wire_buf *buf)
{
	server *s = ctx;
	conn *c = peer->user;
	if (c->culled)
		return;
	if (c->qbytes + buf->len > s->queue_max) {
		cull(s, c, "queue_full");
		return;
	}
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

static int64_t io_now_ms(void *ctx)
{
	(void)ctx;
	return now_ms();
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
	int64_t wait_ms = due_ms - now_ms();
	lws_sul_schedule(s->ctx, 0, &s->due_sul, due_cb, wait_ms > 0 ? wait_ms * LWS_US_PER_MS : 1);
}

/* --- limits and admission (README.md, "Security") ------------------------------------------ */

static addr_count **addr_slot(server *s, const char *addr)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const char *p = addr; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	addr_count **pp = &s->addrs[h % ADDR_BUCKETS];
	while (*pp && strcmp((*pp)->addr, addr) != 0)
		pp = &(*pp)->next;
	return pp;
}

static unsigned addr_connections(server *s, const char *addr)
{
	addr_count *a = *addr_slot(s, addr);
	return a ? a->n : 0;
}

static bool addr_add(server *s, const char *addr)
{
	addr_count **pp = addr_slot(s, addr);
	if (!*pp) {
		*pp = calloc(1, sizeof **pp);
		if (!*pp)
			return false;
		snprintf((*pp)->addr, sizeof(*pp)->addr, "%s", addr);
	}
	(*pp)->n++;
	return true;
}

static void addr_remove(server *s, const char *addr)
{
	addr_count **pp = addr_slot(s, addr);
	addr_count *a = *pp;
	if (a && --a->n == 0) {
		*pp = a->next;
		free(a);
	}
}

static void addr_free_all(server *s)
{
	for (size_t i = 0; i < ADDR_BUCKETS; i++)
		for (addr_count *a = s->addrs[i], *next; a; a = next) {
			next = a->next;
			free(a);
		}
}

/* The address in canonical text form (so that "::ffff:1.2.3.4" and spellings of one IPv6
 * address count together), or "" when `in` is not an address. */
static void canonical_addr(const char *in, char out[INET6_ADDRSTRLEN])
{
	unsigned char bin[sizeof(struct in6_addr)];
	out[0] = '\0';
	if (inet_pton(AF_INET, in, bin) == 1)
		inet_ntop(AF_INET, bin, out, INET6_ADDRSTRLEN);
	else if (inet_pton(AF_INET6, in, bin) == 1)
		inet_ntop(AF_INET6, bin, out, INET6_ADDRSTRLEN);
}

/* Who the client is: the TCP peer, or, when that is the trusted reverse proxy, the last
 * address of X-Forwarded-For (the one the proxy added). */
static void client_addr(server *s, struct lws *wsi, char out[INET6_ADDRSTRLEN])
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof sa;
	char peer[INET6_ADDRSTRLEN] = "";
	out[0] = '\0';
	if (getpeername(lws_get_socket_fd(wsi), (struct sockaddr *)&sa, &len) == 0) {
		if (sa.ss_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, peer, sizeof peer);
		else if (sa.ss_family == AF_INET6) {
			const struct in6_addr *a6 = &((struct sockaddr_in6 *)&sa)->sin6_addr;
			if (IN6_IS_ADDR_V4MAPPED(a6))
				inet_ntop(AF_INET, &a6->s6_addr[12], peer, sizeof peer);
			else
				inet_ntop(AF_INET6, a6, peer, sizeof peer);
		}
	}
	snprintf(out, INET6_ADDRSTRLEN, "%s", peer);
	if (!s->opt->trusted_proxy || strcmp(peer, s->opt->trusted_proxy) != 0)
		return;
	char xff[NET_HEADER_BYTES];
	if (lws_hdr_copy(wsi, xff, sizeof xff, WSI_TOKEN_X_FORWARDED_FOR) <= 0)
		return;
	char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ')
		last++;
	char *end = last + strlen(last);
	while (end > last && end[-1] == ' ')
		*--end = '\0';
	char forwarded[INET6_ADDRSTRLEN];
	canonical_addr(last, forwarded);
	if (forwarded[0])
		snprintf(out, INET6_ADDRSTRLEN, "%s", forwarded);
}

/* Whether a scheme://host[:port] origin equals one given (case-insensitive, no trailing /). */
static bool same_origin(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	while (la && a[la - 1] == '/')
		la--;
	while (lb && b[lb - 1] == '/')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

/* Cross-Site WebSocket Hijacking: a browser says which page opens a socket in Origin. It must
 * be one of the configured origins, or, when none is configured, the server this request
 * came to (its Host). Clients that are not browsers send no Origin, and need none. */
static bool origin_allowed(server *s, struct lws *wsi)
{
	char origin[256], host[256], self[300];
	int n = lws_hdr_copy(wsi, origin, sizeof origin, WSI_TOKEN_ORIGIN);
	if (n == 0 && !lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN))
		return true;
	if (n <= 0)
		return false; /* too long to be ours */
	for (int i = 0; i < s->opt->norigins; i++)
		if (same_origin(origin, s->opt->origins[i]))
			return true;
	if (s->opt->norigins || lws_hdr_copy(wsi, host, sizeof host, WSI_TOKEN_HOST) <= 0)
		return false;
	snprintf(self, sizeof self, "http://%s", host);
	if (same_origin(origin, self))
		return true;
	snprintf(self, sizeof self, "https://%s", host);
	return same_origin(origin, self);
}

/* The length of the consultation id starting at `id` (up to CORE_ID_MAX characters of
 * [A-Za-z0-9_-]), or 0 when there is none. */
static size_t path_id_len(const char *id)
{
	size_t n = 0;
	while (n <= CORE_ID_MAX && (isalnum((unsigned char)id[n]) || id[n] == '-' || id[n] == '_'))
		n++;
	return n <= CORE_ID_MAX ? n : 0;
}

/* PERF-4: the protocol's WebSocket is at /ws, or at /c/ID/ws beside a consultation's page;
 * then id is ID, else "". False for any other path. */
static bool socket_path(struct lws *wsi, char id[CORE_ID_MAX + 1])
{
	char uri[64];
	id[0] = '\0';
	if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0)
		return false;
	if (!strcmp(uri, "/ws"))
		return true;
	size_t n = strncmp(uri, "/c/", 3) ? 0 : path_id_len(uri + 3);
	if (!n || strcmp(uri + 3 + n, "/ws") != 0)
		return false;
	memcpy(id, uri + 3, n);
	id[n] = '\0';
	return true;
}

/* Whether a new WebSocket may open: version 13, not while stopping, on the protocol's path (its
 * consultation noted in c), from an allowed Origin, under the total and per-address limits.
 * Notes the client's address in c for ESTABLISHED to count. NULL when it may; otherwise why it
 * may not (for the log). */
static const char *admit(server *s, conn *c, struct lws *wsi)
{
	/* RFC 6455 §4.2.1: version 13 only (lws would take any other as 13). */
	char version[8];
	if (lws_hdr_copy(wsi, version, sizeof version, WSI_TOKEN_VERSION) <= 0 || strcmp(version, "13") != 0)
		return "version";
	if (s->draining)
		return "stopping";
	if (!socket_path(wsi, c->peer.path_consultation))
		return "path";
	if (!origin_allowed(s, wsi))
		return "origin";
	if (s->nconns >= s->max_conns)
		return "max_connections";
	client_addr(s, wsi, c->addr);
	return addr_connections(s, c->addr) < s->max_per_addr ? NULL : "max_per_address";
}

/* The message rate: takes one message's credit from c's bucket, which fills at `rate` per
 * second up to `burst` messages. False when it is empty. */
static bool take_credit(server *s, conn *c)
{
	int64_t now = mono_us();
	int64_t credit = c->credit_us + (now - c->refilled_us);
	c->refilled_us = now;
	c->credit_us = credit > s->burst_us ? s->burst_us : credit;
	if (c->credit_us < s->msg_cost_us)
		return false;
	c->credit_us -= s->msg_cost_us;
	return true;
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

/* The hub ends a connection (a first message that was not a good auth, a revoked link). */
static void conn_close(void *ctx, hub_peer *peer, rt_err why)
{
	(void)ctx;
	close_later(peer->user, LWS_CLOSE_STATUS_POLICY_VIOLATION, rt_err_code(why));
}

/* --- the roundtable.v1 protocol ---------------------------------------------------------- */

static void conn_free(server *s, conn *c)
{
	s->queued_bytes -= c->qbytes;
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

/* A close frame from the client (RFC 6455 §5.5.1, §7.4). lws already answers the codes a peer
 * must not send below 5000 with 1002, drops a connection whose close reason is not UTF-8, and
 * echoes the payload, which `in` points at: a code past 4999 is made 1002 in place. A one-byte
 * payload cannot be echoed correctly: that connection is dropped (allowed when failing a
 * connection, §7.1.7). */
static int on_peer_close(unsigned char *in, size_t len)
{
	if (len == 1)
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
	if (!take_credit(s, c)) {
		/* Over the rate: answered, not handled; sending on at that pace ends the connection. */
		c->refused++;
		hub_refuse(s->hub, &c->peer, msg, len, RT_E_LIMIT_MESSAGE_RATE, c->refused > s->burst);
		return;
	}
	c->refused = 0;
	hub_receive(s->hub, &c->peer, msg, len);
	if (c->peer.room)
		lws_set_timer_usecs(c->wsi, LWS_SET_TIMER_USEC_CANCEL); /* authenticated in time */
}

static int on_receive(server *s, conn *c, const void *in, size_t len)
{
	if (lws_frame_is_binary(c->wsi))
		return close_with(c, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE, "protocol.binary"); /* PL-6: text only */
	if (s->draining || c->closing)
		return 0; /* stopping: the client re-sends what has no answer to the next server */
	size_t remaining = lws_remaining_packet_payload(c->wsi);
	bool complete = lws_is_final_fragment(c->wsi) && !remaining;
	/* PL-6: an oversized message closes this connection only, with 1009. The frame header
	 * announces its length, so a frame too large is refused at its first chunk, and none of it
	 * is kept. */
	if (c->discarded || c->rxlen + len + remaining > s->max_message) {
		c->rxlen = 0;
		c->discarded += len ? len : 1;
		if (complete || c->discarded > CONN_DISCARD_MAX)
			return close_with(c, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "protocol.too_large");
		return 0;
	}
	if (complete && c->rxlen == 0) {
		/* The common case: a whole message in one read, handled in place. */
		handle_message(s, c, in, len);
		return 0;
	}
	/* A message in pieces: gather it in a buffer that grows only as far as it needs. */
	if (append_rx(&c->rx, &c->rxlen, &c->rxcap, in, len, s->max_message))
		return -1;
	if (!complete)
		return 0;
	size_t n = c->rxlen;
	c->rxlen = 0;
	handle_message(s, c, c->rx, n);
	return 0;
}

/* Frames as many of c's queued messages as fit in s->gather, in order, and returns how many
 * (their bytes in *len). Server frames are unmasked: FIN and text, then the length. Not for a
 * WebSocket carried in an HTTP/2 stream, which frames it itself. */
static size_t gather(server *s, conn *c, size_t *len)
{
	size_t k = 0, at = 0;
	if (c->qlen < 2 || lws_get_network_wsi(c->wsi) != c->wsi)
		return 0;
	for (; k < c->qlen; k++) {
		wire_buf *b = c->q[(c->qhead + k) % c->qcap];
		size_t head = b->len < 126 ? 2 : b->len <= 0xffff ? 4 : 10;
		if (at + head + b->len > sizeof s->gather)
			break;
		uint8_t *f = s->gather + at;
		f[0] = 0x81;
		if (head == 2) {
			f[1] = (uint8_t)b->len;
		} else if (head == 4) {
			f[1] = 126;
			f[2] = (uint8_t)(b->len >> 8);
			f[3] = (uint8_t)b->len;
		} else {
			f[1] = 127;
			for (int i = 0; i < 8; i++)
				f[2 + i] = (uint8_t)((uint64_t)b->len >> (56 - 8 * i));
		}
		memcpy(f + head, wire_buf_payload(b), b->len);
		at += head + b->len;
	}
	*len = at;
	return k;
}

static int on_writeable(server *s, conn *c)
{
	if (c->closing && !c->qlen && !c->culled)
		return close_with(c, c->close_status, c->close_reason);
	if (s->draining && !c->qlen && !c->culled)
		return close_with(c, LWS_CLOSE_STATUS_GOINGAWAY, "server.stopping");
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
	/* One write per callback: several queued messages go as consecutive frames (PERF-2: what a
	 * busy consultation held for its window), one alone as it is. */
	size_t len, k = gather(s, c, &len);
	int n;
	if (k > 1) {
		n = lws_write(c->wsi, s->gather, len, LWS_WRITE_RAW);
	} else {
		len = c->q[c->qhead]->len;
		n = lws_write(c->wsi, wire_buf_payload(c->q[c->qhead]), len, LWS_WRITE_TEXT);
		k = 1;
	}
	if (n < (int)len)
		return -1; /* a short write is fatal for this connection */
	s->gathered += k > 1 ? k : 0;
	for (; k; k--) {
		wire_buf *b = c->q[c->qhead];
		c->qhead = (c->qhead + 1) % c->qcap;
		c->qlen--;
		c->qbytes -= b->len;
		s->queued_bytes -= b->len;
		wire_buf_unref(b);
	}
	if (c->qlen || s->draining || c->closing)
		lws_callback_on_writable(c->wsi);
	return 0;
}

/* PERF-3, once a second: a connection silent for ping_us is pinged, one silent for three times
 * that is dropped (a phone that lost its network sends no FIN). One sweep for all connections
 * rather than a timer each (lws' own keepalive): the pings of a second go out in one pass of
 * the loop, and a wake-up of the loop costs O(N). */
static void alive_cb(lws_sorted_usec_list_t *sul)
{
	server *s = lws_container_of(sul, server, alive_sul);
	if (s->stopping)
		return;
	int64_t now = mono_us();
	for (conn *c = s->conns; c; c = c->next) {
		if (c->culled || c->closing)
			continue;
		int64_t silent = now - c->heard_us;
		if (silent >= 3 * s->ping_us)
			cull(s, c, "silent");
		else if (silent >= c->ping_after_us && now - c->pinged_us >= c->ping_after_us) {
			c->ping_due = true;
			c->pinged_us = now;
			lws_callback_on_writable(c->wsi);
		}
	}
	lws_sul_schedule(s->ctx, 0, &s->alive_sul, alive_cb, LWS_US_PER_SEC);
}

static int callback_roundtable(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	conn *c = user;
	server *s = lws_context_user(lws_get_context(wsi));
	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* c is lws' zeroed user space, kept for ESTABLISHED, which follows at once. */
		{
			const char *why = admit(s, c, wsi);
			if (!why)
				return 0;
			s->refused_conns++;
			log_sampled(&s->refused_log, "connections_refused", why);
		}
		return 1;
	case LWS_CALLBACK_ESTABLISHED:
		c->wsi = wsi;
		c->peer.user = c;
		c->credit_us = s->burst_us;
		c->refilled_us = mono_us();
		c->counted = addr_add(s, c->addr);
		s->nconns++;
		c->heard_us = c->pinged_us = mono_us();
		/* Connections that open together (a room joining at the start) are pinged apart: each
		 * waits from half to all of the interval, spread evenly (golden-ratio steps), so a
		 * sweep pings a share of them, never all at once. */
		s->ping_phase += 0x9E3779B97F4A7C15ull;
		c->ping_after_us = s->ping_us - (int64_t)((s->ping_phase >> 11) % (uint64_t)(s->ping_us / 2 + 1));
		c->next = s->conns;
		if (s->conns)
			s->conns->prev = c;
		s->conns = c;
		{
			int sz = CONN_SNDBUF_BYTES;
			setsockopt(lws_get_socket_fd(wsi), SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
		}
		/* Authenticate within auth_timeout seconds, or go (a socket that never speaks). */
		lws_set_timer_usecs(wsi, (lws_usec_t)s->auth_timeout * LWS_USEC_PER_SEC);
		break;
	case LWS_CALLBACK_TIMER:
		if (!c->peer.room)
			return close_with(c, LWS_CLOSE_STATUS_POLICY_VIOLATION, "auth.timeout");
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
		return on_peer_close(in, len);
	case LWS_CALLBACK_CLOSED:
		if (!c->wsi)
			break; /* refused by the filter: never established, never counted */
		hub_peer_closed(s->hub, &c->peer);
		conn_free(s, c);
		if (c->prev)
			c->prev->next = c->next;
		else
			s->conns = c->next;
		if (c->next)
			c->next->prev = c->prev;
		c->prev = c->next = NULL;
		if (c->counted)
			addr_remove(s, c->addr);
		c->counted = false;
		s->nconns--;
		break;
	default:
		break;
	}
	return 0;
}

/* --- HTTP ------------------------------------------------------------------------------- */

/* Headers on every HTTP response (CHR-8, PL-2): nothing from another origin, no referrer that
 * could carry a link, no framing by other sites (the stage page is shared by screen in Zoom,
 * never embedded, so it is no exception). The CSP's value is the server's: connect-src names
 * the WebSocket origins, since 'self' does not cover ws: and wss: in every browser. */
typedef struct http_headers {
	struct lws_protocol_vhost_options hsts, nosniff, frame, referrer, csp;
} http_headers;

static void headers_init(http_headers *hh, const char *csp, bool tls)
{
	hh->hsts = (struct lws_protocol_vhost_options){NULL, NULL, "strict-transport-security:", "max-age=31536000"};
	hh->nosniff =
	    (struct lws_protocol_vhost_options){tls ? &hh->hsts : NULL, NULL, "x-content-type-options:", "nosniff"};
	hh->frame = (struct lws_protocol_vhost_options){&hh->nosniff, NULL, "x-frame-options:", "DENY"};
	hh->referrer = (struct lws_protocol_vhost_options){&hh->frame, NULL, "referrer-policy:", "no-referrer"};
	hh->csp = (struct lws_protocol_vhost_options){&hh->referrer, NULL, "content-security-policy:", csp};
}

/* "ws://host:port" for "http://host:port" (and wss for https), appended to csp. */
static void csp_add_ws(char *csp, size_t cap, const char *origin)
{
	size_t n = strlen(csp);
	if (!strncasecmp(origin, "https://", 8))
		snprintf(csp + n, cap - n, " wss://%s", origin + 8);
	else if (!strncasecmp(origin, "http://", 7))
		snprintf(csp + n, cap - n, " ws://%s", origin + 7);
}

static void csp_build(server *s, int port)
{
	const net_options *o = s->opt;
	snprintf(s->csp, sizeof s->csp, "default-src 'self'; connect-src 'self'");
	for (int i = 0; i < o->norigins; i++)
		csp_add_ws(s->csp, sizeof s->csp, o->origins[i]);
	bool wildcard = !strcmp(o->listen, "0.0.0.0") || !strcmp(o->listen, "::");
	if (!o->norigins && !wildcard) {
		char self[300];
		snprintf(self, sizeof self, "%s://%s%s%s:%d", o->tls_cert ? "https" : "http",
		         strchr(o->listen, ':') ? "[" : "", o->listen, strchr(o->listen, ':') ? "]" : "", port);
		csp_add_ws(s->csp, sizeof s->csp, self);
	}
	size_t n = strlen(s->csp);
	/* base-uri 'self': a consultation's page takes its files from the top with <base>. */
	snprintf(s->csp + n, sizeof s->csp - n,
	         "; base-uri 'self'; form-action 'none'; frame-ancestors 'none'; object-src 'none'");
}

/* Cache-Control by asset (LWS_CALLBACK_ADD_HEADERS, for files of the mount). No file name
 * carries a content hash, so every file is revalidated (cheap: lws answers If-None-Match with
 * 304); only the icon may be kept a day. Every file may come gzipped (gz_open): Vary says so. */
static int add_cache_header(struct lws *wsi, struct lws_process_html_args *args)
{
	char uri[256];
	int n = lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI);
	const char *cc = n > 0 && !strcmp(uri, "/favicon.svg") ? "public, max-age=86400" : "no-cache";
	unsigned char *p = (unsigned char *)args->p, *end = p + args->max_len;
	if (lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:", (const unsigned char *)cc,
	                                (int)strlen(cc), &p, end) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)"vary:", (const unsigned char *)"Accept-Encoding",
	                                15, &p, end))
		return 1;
	args->p = (char *)p;
	return 0;
}

/* Weak networks: the build writes FILE.gz beside every text file of the web client
 * (web-client/gzip.cmake). lws flags a file's open with LWS_FOP_FLAG_COMPR_ACCEPTABLE_GZIP when
 * the request's Accept-Encoding names gzip, and answers Content-Encoding: gzip when the file
 * opened says LWS_FOP_FLAG_COMPR_IS_GZIP; this wraps its platform open to open FILE.gz then,
 * when it is there and no older than FILE (a file edited in place is never hidden behind a
 * stale copy). Length and ETag are the compressed file's; the type is still FILE's. */
static lws_fop_fd_t (*plat_open)(const struct lws_plat_file_ops *fops, const char *filename, const char *vpath,
                                 lws_fop_flags_t *flags);

static lws_fop_fd_t gz_open(const struct lws_plat_file_ops *fops, const char *filename, const char *vpath,
                            lws_fop_flags_t *flags)
{
	char gz[PATH_MAX];
	struct stat plain, packed;
	if ((*flags & LWS_FOP_FLAG_COMPR_ACCEPTABLE_GZIP) &&
	    snprintf(gz, sizeof gz, "%s.gz", filename) < (int)sizeof gz && !stat(filename, &plain) &&
	    S_ISREG(plain.st_mode) && !stat(gz, &packed) && S_ISREG(packed.st_mode) &&
	    packed.st_mtime >= plain.st_mtime) {
		lws_fop_flags_t f = *flags | LWS_FOP_FLAG_COMPR_IS_GZIP;
		lws_fop_fd_t fd = plat_open(fops, gz, vpath, &f);
		if (fd) {
			*flags = f;
			return fd;
		}
	}
	return plat_open(fops, filename, vpath, flags);
}

static void serve_gzip(struct lws_context *ctx)
{
	struct lws_plat_file_ops *fops = lws_get_fops(ctx);
	if (fops->LWS_FOP_OPEN == gz_open)
		return;
	plat_open = fops->LWS_FOP_OPEN;
	fops->LWS_FOP_OPEN = gz_open;
}

/* --- operators: GET /healthz and GET /metrics --------------------------------------------- */

/* Prometheus' text format (https://prometheus.io/docs/instrumenting/exposition_formats/):
 * counts over the whole server, never a consultation's id or content, a token or an address. */
static size_t metrics_text(server *s, char *out, size_t cap)
{
	static const uint64_t bounds[HUB_COMMIT_BUCKETS] = HUB_COMMIT_BOUNDS_US;
	hub_stats st;
	hub_get_stats(s->hub, &st);
	size_t n = 0;
#define PUT(...) (n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, __VA_ARGS__))
	PUT("# HELP roundtable_connections WebSocket connections now, by role (none: not yet authenticated).\n"
	    "# TYPE roundtable_connections gauge\n");
	uint64_t authed = 0;
	for (int r = 0; r < CORE_ROLE_COUNT; r++) {
		if (r == CORE_ROLE_SYSTEM)
			continue;
		PUT("roundtable_connections{role=\"%s\"} %llu\n", core_role_name((core_role)r),
		    (unsigned long long)st.peers[r]);
		authed += st.peers[r];
	}
	PUT("roundtable_connections{role=\"none\"} %llu\n",
	    (unsigned long long)(s->nconns > authed ? s->nconns - authed : 0));
	const struct {
		const char *name, *type, *help;
		unsigned long long value;
	} one[] = {
	    {"consultations", "gauge", "Consultations loaded in memory.", st.consultations},
	    {"commands_total", "counter", "Commands decided (people's and the server's own clock).", st.commands},
	    {"commands_refused_total", "counter", "Commands answered with an error.", st.refused},
	    {"events_total", "counter", "Events stored.", st.events},
	    {"votes_messages_total", "counter", "votes.changed messages encoded (vote counts, coalesced).",
	     st.votes_messages},
	    {"held_windows_total", "counter", "Live windows whose held updates went out together.", st.held_windows},
	    {"gathered_messages_total", "counter", "Messages written several to a write.", s->gathered},
	    {"queue_bytes", "gauge", "Bytes waiting to be written to clients, all connections together.",
	     s->queued_bytes},
	    {"culled_total", "counter", "Connections dropped for not reading (their queue was full).", s->culled},
	    {"refused_connections_total", "counter", "WebSocket handshakes refused (origin, version, limits).",
	     s->refused_conns},
	    {"commit_failures_total", "counter", "Batches the database could not commit (answered server.unavailable).",
	     st.commit_failures},
	    {"start_time_seconds", "gauge", "When the server started (Unix time).", (unsigned long long)s->started},
	};
	for (size_t i = 0; i < sizeof one / sizeof one[0]; i++)
		PUT("# HELP roundtable_%s %s\n# TYPE roundtable_%s %s\nroundtable_%s %llu\n", one[i].name, one[i].help,
		    one[i].name, one[i].type, one[i].name, one[i].value);
	PUT("# HELP roundtable_commit_seconds Time to commit one batch of changes to the database.\n"
	    "# TYPE roundtable_commit_seconds histogram\n");
	for (int i = 0; i < HUB_COMMIT_BUCKETS; i++)
		PUT("roundtable_commit_seconds_bucket{le=\"%g\"} %llu\n", (double)bounds[i] / 1e6,
		    (unsigned long long)st.commit_buckets[i]);
	PUT("roundtable_commit_seconds_bucket{le=\"+Inf\"} %llu\nroundtable_commit_seconds_sum %.6f\n"
	    "roundtable_commit_seconds_count %llu\n",
	    (unsigned long long)st.commit_buckets[HUB_COMMIT_BUCKETS], (double)st.commit_us_sum / 1e6,
	    (unsigned long long)st.commits);
#undef PUT
	return n < cap ? n : cap - 1;
}

/* Answers GET /healthz (liveness: 200 while the service loop runs; a stopping server takes no
 * new connection at all) and GET /metrics. */
static int serve_status(server *s, struct lws *wsi, const char *path)
{
	static char body[LWS_PRE + 8192];
	char *text = body + LWS_PRE;
	size_t cap = sizeof body - LWS_PRE, len;
	const char *type = "text/plain; charset=utf-8";
	if (!strcmp(path, "/healthz")) {
		len = (size_t)snprintf(text, cap, "ok\n");
	} else {
		type = "text/plain; version=0.0.4; charset=utf-8";
		len = metrics_text(s, text, cap);
	}
	unsigned char head[LWS_PRE + 1024], *start = head + LWS_PRE, *p = start, *end = head + sizeof head - 1;
	if (lws_add_http_common_headers(wsi, HTTP_STATUS_OK, type, len, &p, end) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:", (const unsigned char *)"no-store",
	                                8, &p, end) ||
	    lws_finalize_write_http_header(wsi, start, &p, end))
		return 1;
	if (lws_write(wsi, (unsigned char *)text, len, LWS_WRITE_HTTP_FINAL) != (int)len)
		return 1;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* PERF-4: GET /c/ID/ is a consultation's page: the web client's index.html, whose <base> takes
 * its files from the top and whose WebSocket goes to /c/ID/ws, so that a proxy can pin each
 * consultation to one process by the path alone. /c/ID answers with a redirect to /c/ID/; any
 * other path under /c is not found. */
static int serve_page(server *s, struct lws *wsi, const char *uri)
{
	const char *id = uri + 3;
	size_t n = strncmp(uri, "/c/", 3) ? 0 : path_id_len(id);
	unsigned char head[LWS_PRE + 1024], *start = head + LWS_PRE, *p = start, *end = head + sizeof head - 1;
	if (n && id[n] == '\0') {
		/* Relative, so that it holds behind a proxy that serves Roundtable under a prefix. */
		char loc[CORE_ID_MAX + 2];
		snprintf(loc, sizeof loc, "%.*s/", (int)n, id);
		if (lws_http_redirect(wsi, HTTP_STATUS_MOVED_PERMANENTLY, (const unsigned char *)loc, (int)strlen(loc),
		                      &p, end) < 0)
			return -1;
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	if (!n || strcmp(id + n, "/") != 0)
		return lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, NULL) || lws_http_transaction_completed(wsi)
		           ? -1
		           : 0;
	char index[PATH_MAX];
	snprintf(index, sizeof index, "%s/index.html", s->opt->web_dir);
	if (lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:", (const unsigned char *)"no-cache",
	                                8, &p, end) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)"vary:", (const unsigned char *)"Accept-Encoding",
	                                15, &p, end))
		return -1;
	int rc = lws_serve_http_file(wsi, index, "text/html", (const char *)start, (int)(p - start));
	if (rc < 0 || (rc > 0 && lws_http_transaction_completed(wsi)))
		return -1;
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
	if (reason == LWS_CALLBACK_ADD_HEADERS)
		return add_cache_header(wsi, in);
	if (reason == LWS_CALLBACK_HTTP) {
		/* Only the status and page mounts call back here; files are lws' own. */
		char uri[128];
		server *s = lws_context_user(lws_get_context(wsi));
		if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0)
			uri[0] = '\0'; /* none (HEAD, POST) or too long: not found */
		if (!strcmp(uri, "/healthz") || !strcmp(uri, "/metrics"))
			return serve_status(s, wsi, uri);
		if (!strcmp(uri, "/c") || !strncmp(uri, "/c/", 3))
			return serve_page(s, wsi, uri);
		return lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, NULL) || lws_http_transaction_completed(wsi)
		           ? -1
		           : 0;
	}
	/* Never LWS_CALLBACK_HTTP_CONFIRM_UPGRADE (see the top of this file): the dummy leaves it
	 * alone, and so do we. */
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
	rtlog_line l;
	rtlog_begin(&l, RTLOG_INFO, "control");
	rtlog_str(&l, "consultation", c.consultation);
	char *reply;
	if (c.op == WIRE_CONTROL_LINKS) {
		/* PL-2: the organiser revoked links: who holds one is cut off now. */
		int n = hub_links_changed(s->hub, c.consultation);
		hub_flush(s->hub);
		rtlog_str(&l, "op", "links");
		rtlog_int(&l, "cut_off", n);
		reply = wire_encode_control_reply(RT_OK, NULL, n);
	} else if (c.op == WIRE_CONTROL_DENYLIST) {
		/* The names themselves never reach the log (CHR-6). */
		long n = (long)core_denylist_count(c.deny);
		rt_err err = hub_set_denylist(s->hub, c.consultation, c.deny);
		rtlog_str(&l, "op", "denylist");
		rtlog_str(&l, "result", err ? rt_err_code(err) : "ok");
		rtlog_int(&l, "names", err ? 0 : n);
		reply = wire_encode_control_reply(err, NULL, err ? -1 : n);
	} else {
		char why[160];
		rt_err err = hub_seal(s->hub, c.consultation, why, sizeof why);
		rtlog_str(&l, "op", "seal");
		rtlog_str(&l, "result", err ? rt_err_code(err) : "ok");
		reply = wire_encode_control_reply(err, why, -1);
	}
	rtlog_end(&l);
	return reply;
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
		rtlog_line l;
		rtlog_begin(&l, RTLOG_ERROR, "start_failed");
		rtlog_str(&l, "msg", "another server is running on this data folder");
		rtlog_str(&l, "data", data_dir);
		rtlog_end(&l);
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
		rtlog_line l;
		rtlog_begin(&l, RTLOG_ERROR, "start_failed");
		rtlog_str(&l, "msg", "cannot listen on the control socket");
		rtlog_str(&l, "path", path);
		rtlog_end(&l);
		return -1;
	}
	return 0;
}

/* --- context ----------------------------------------------------------------------------- */

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
	hub_send_held(s->hub);
	lws_callback_on_writable_all_protocol(s->ctx, ws);
	int64_t deadline = now_ms() + NET_DRAIN_MS;
	while (s->nconns && now_ms() < deadline) {
		lws_sul_schedule(s->ctx, 0, &s->drain_sul, drain_cb, 50 * LWS_US_PER_MS);
		if (lws_service(s->ctx, 0) < 0)
			break;
	}
	lws_sul_cancel(&s->drain_sul);
	hub_flush(s->hub); /* what the closing connections' departures changed (presence) */
}

/* The host of an origin "scheme://host[:port]" into buf, and its port (the scheme's if none). */
static int origin_host(const char *origin, char *buf, size_t cap)
{
	bool tls = !strncasecmp(origin, "https://", 8);
	const char *h = strstr(origin, "://");
	h = h ? h + 3 : origin;
	size_t n = strcspn(h, ":/");
	snprintf(buf, cap, "%.*s", (int)n, h);
	return h[n] == ':' ? (int)strtol(h + n + 1, NULL, 10) : tls ? 443 : 80;
}

/* lws' own lines, as lines of the log: its level, and the text without the newline. */
static void lws_log(int level, const char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	char text[512];
	snprintf(text, sizeof text, "%.*s", (int)(n < sizeof text ? n : sizeof text - 1), line);
	rtlog_line l;
	rtlog_begin(&l, level == LLL_ERR ? RTLOG_ERROR : RTLOG_DEBUG, "libwebsockets");
	rtlog_str(&l, "msg", text);
	rtlog_end(&l);
}

int net_serve(const net_options *opt, store *st, void (*on_ready)(int port, void *arg), void *arg)
{
	static const struct lws_protocols protocols[] = {
	    {"http", callback_http, 0, 0, 0, NULL, 0},
	    {WIRE_SUBPROTOCOL, callback_roundtable, sizeof(conn), CONN_RX_BYTES, 0, NULL, CONN_TX_BYTES},
	    {NULL, NULL, 0, 0, 0, NULL, 0},
	};
	server *s = calloc(1, sizeof *s); /* the address table makes it too large for the stack */
	if (!s)
		return 1;
	s->opt = opt;
	s->started = time(NULL);
	s->queue_max = opt->queue_limit_kib > 0 ? (size_t)opt->queue_limit_kib * 1024 : CONN_QUEUE_MAX_BYTES;
	s->max_conns = opt->max_connections > 0 ? (size_t)opt->max_connections : NET_MAX_CONNECTIONS;
	s->max_per_addr = opt->max_per_address > 0 ? (size_t)opt->max_per_address : NET_MAX_PER_ADDRESS;
	s->max_message =
	    opt->max_message > 0 && opt->max_message < WIRE_MAX_MESSAGE ? (size_t)opt->max_message : WIRE_MAX_MESSAGE;
	int rate = opt->rate > 0 ? opt->rate : NET_RATE;
	s->burst = opt->burst > 0 ? (unsigned)opt->burst : NET_BURST;
	s->msg_cost_us = 1000000 / rate;
	s->burst_us = s->msg_cost_us * s->burst;
	s->auth_timeout = opt->auth_timeout > 0 ? opt->auth_timeout : NET_AUTH_TIMEOUT;

	/* GET /healthz and /metrics, for operators (README.md, "Operations"); /c/ID/, a
	 * consultation's page (serve_page); the rest are files. */
	struct lws_http_mount mount = {0}, health = {0}, metrics = {0}, pages = {0};
	health.mountpoint = "/healthz";
	health.mountpoint_len = 8;
	health.origin = "http";
	health.origin_protocol = LWSMPRO_CALLBACK;
	health.mount_next = &metrics;
	metrics = health;
	metrics.mountpoint = "/metrics";
	metrics.mount_next = &pages;
	pages = health;
	pages.mountpoint = "/c";
	pages.mountpoint_len = 2;
	pages.mount_next = &mount;
	mount.mountpoint = "/";
	mount.mountpoint_len = 1;
	mount.origin = opt->web_dir;
	mount.def = "index.html";
	mount.origin_protocol = LWSMPRO_FILE;
	mount.extra_mimetypes = &mime_mjs;
	mount.protocol = "http"; /* for LWS_CALLBACK_ADD_HEADERS: Cache-Control per file */
	/* What a 304 carries (lws adds it itself): revalidate, as the 200 says with no-cache. */
	mount.cache_max_age = 1;
	mount.cache_reusable = 1;
	mount.cache_revalidate = 1;

	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.port = opt->port;
	info.iface = opt->listen;
	info.protocols = protocols;
	info.mounts = &health;
	info.user = s;
	/* Browsers check the Host they sent against this name when the server is reached directly
	 * (strict host check); behind a proxy or a port mapping, the proxy checks it. */
	char vhost[256] = "roundtable";
	if (opt->norigins && !opt->trusted_proxy) {
		int oport = origin_host(opt->origins[0], vhost, sizeof vhost);
		if (oport == opt->port)
			info.options |= LWS_SERVER_OPTION_VHOST_UPG_STRICT_HOST_CHECK;
		else
			snprintf(vhost, sizeof vhost, "roundtable");
	}
	info.vhost_name = vhost;
	/* PL-6: lws rejects text that is not UTF-8, even split across fragments, with 1007. No
	 * info.extensions: no permessage-deflate (a small frame must not inflate to a large one). */
	info.options |= LWS_SERVER_OPTION_VALIDATE_UTF8;
	/* Slow headers: a request has header_timeout seconds for its headers, and only
	 * NET_HEADER_POOL requests hold a header buffer at once; others wait their turn. */
	info.timeout_secs = (unsigned)(opt->header_timeout > 0 ? opt->header_timeout : NET_HEADER_TIMEOUT);
	info.timeout_secs_ah_idle = info.timeout_secs;
	info.keepalive_timeout = (int)info.timeout_secs;
	info.max_http_header_data = (unsigned short)(opt->header_bytes > 0 ? opt->header_bytes : NET_HEADER_BYTES);
	info.max_http_header_pool = NET_HEADER_POOL;
	/* lws caps itself at 2,560 connections when the fd limit is huge (some containers);
	 * ask for a definite limit instead, above the WebSocket limit. */
	info.rlimit_nofile = (int)(s->max_conns + 1024 > 65536 ? s->max_conns + 1024 : 65536);
	/* PERF-3: a connection silent for `ping` seconds is pinged; one that answers nothing for
	 * three times that is dropped (alive_cb). */
	s->ping_us = (int64_t)(opt->ping_seconds > 0 ? opt->ping_seconds : NET_PING_SECONDS) * 1000000;
	if (opt->tls_cert) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = opt->tls_cert;
		info.ssl_private_key_filepath = opt->tls_key;
		info.ssl_options_set = SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1;
		info.alpn = "http/1.1"; /* WebSockets over HTTP/1.1 only: one code path */
	}
	csp_build(s, opt->port);
	http_headers hh;
	headers_init(&hh, s->csp, opt->tls_cert != NULL);
	info.headers = &hh.csp;

	/* CHR-7: lws' notices name peers' addresses; keep only its errors (and warnings when
	 * debugging), as lines of our log. */
	lws_set_log_level(LLL_ERR | (rtlog_enabled(RTLOG_DEBUG) ? LLL_WARN : 0), lws_log);

	hub_io io = {
	    .send = conn_queue, .wake = wake, .now_ms = io_now_ms, .schedule = schedule, .close = conn_close, .ctx = s};
	s->hub = hub_new(st, &io, LWS_PRE);
	if (!s->hub) {
		free(s);
		return 1;
	}
	if (opt->links_ttl_ms >= 0)
		hub_set_links_ttl(s->hub, opt->links_ttl_ms);
	if (opt->live_window_ms >= 0)
		hub_set_live_window(s->hub, opt->live_window_ms);
	s->ctx = lws_create_context(&info);
	if (!s->ctx) {
		rtlog_line l;
		rtlog_begin(&l, RTLOG_ERROR, "start_failed");
		rtlog_str(&l, "msg",
		          opt->tls_cert ? "cannot listen, or cannot load the TLS certificate and key"
		                        : "cannot listen");
		rtlog_str(&l, "listen", opt->listen);
		rtlog_int(&l, "port", opt->port);
		rtlog_end(&l);
		hub_free(s->hub);
		free(s);
		return 1;
	}
	if (opt->data_path && control_listen(s, opt->data_path)) {
		lws_context_destroy(s->ctx);
		hub_free(s->hub);
		free(s);
		return 1;
	}
	serve_gzip(s->ctx);
	struct lws_vhost *vh = lws_get_vhost_by_name(s->ctx, vhost);
	int port = vh ? lws_get_vhost_listen_port(vh) : opt->port;
	csp_build(s, port); /* the port chosen when 0 was asked for; lws holds the same buffer */
	if (on_ready)
		on_ready(port, arg);
	/* Handlers first: whoever reads "listening" may stop the server at once, gracefully. */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	char url[300];
	snprintf(url, sizeof url, "%s://%s:%d/", opt->tls_cert ? "https" : "http", opt->listen, port);
	{
		rtlog_line l;
		rtlog_begin(&l, RTLOG_INFO, "listening");
		rtlog_str(&l, "url", url);
		rtlog_int(&l, "pid", (int64_t)getpid());
		rtlog_int(&l, "max_connections", (int64_t)s->max_conns);
		rtlog_end(&l);
	}
	/* For people and scripts waiting for the server: one plain line on stdout. */
	printf("roundtable: listening on %s\n", url);
	fflush(stdout);
	lws_sul_schedule(s->ctx, 0, &s->alive_sul, alive_cb, LWS_US_PER_SEC);
	while (!interrupted)
		if (lws_service(s->ctx, 0) < 0)
			break;
	{
		rtlog_line l;
		rtlog_begin(&l, RTLOG_INFO, "stopping");
		rtlog_int(&l, "connections", (int64_t)s->nconns);
		rtlog_end(&l);
	}
	drain(s, &protocols[1]);
	s->stopping = true;
	lws_sul_cancel(&s->flush_sul);
	lws_sul_cancel(&s->due_sul);
	lws_sul_cancel(&s->alive_sul);
	lws_context_destroy(s->ctx);
	hub_free(s->hub);
	if (opt->data_path) {
		char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
		net_control_path(opt->data_path, path, sizeof path);
		unlink(path);
	}
	rtlog_line l;
	rtlog_begin(&l, RTLOG_INFO, "stopped");
	rtlog_int(&l, "uptime_s", (int64_t)(time(NULL) - s->started));
	rtlog_int(&l, "culled", (int64_t)s->culled);
	rtlog_int(&l, "refused", (int64_t)s->refused_conns);
	rtlog_end(&l);
	addr_free_all(s);
	free(s);
	return 0;
}
