/* server.h — what the transport's files share and no other layer may see: the server, a
 * WebSocket connection, the limits they keep, and the functions one file calls in another.
 * The public interface is net.h; nothing here knows a consultation. */
#ifndef RT_NET_SERVER_H
#define RT_NET_SERVER_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <time.h>

#include <libwebsockets.h>

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

/* Queued messages framed together for one write, at most (on_writeable, ws.c). */
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
	/* the client's address, for the per-address limit (memory only, never logged: CHR-7) */
	char addr[INET6_ADDRSTRLEN];
	bool counted; /* in the per-address table */
	/* the message rate: a token bucket holding microseconds of credit */
	int64_t credit_us, refilled_us;
	unsigned refused; /* messages refused since the last one taken */
	bool closing;     /* to be closed once its queue is written */
	bool close_sent;  /* its close frame is written: waiting for the client's (send_close) */
	int64_t close_sent_us;
	/* PERF-3: when it was last heard from (any frame, a pong included) and last pinged (mono
	 * us); a ping waits for its writeable callback. In the server's list of connections. */
	int64_t heard_us, pinged_us;
	int64_t opened_us;     /* its handshake: it must authenticate within auth_timeout of it */
	int64_t ping_after_us; /* its silence before a ping: the server's, less a share of it */
	bool ping_due;
	/* Memory (PERF-3): a message longer than one write goes out in fragments, qoff bytes of
	 * the head written so far; the first message queued (the answer to auth, the snapshot) is
	 * exempt from queue_max, bounded by the server's memory budget instead. drained_us: when
	 * a write last went out (or it was queued to with nothing waiting): the budget drops the
	 * connections that hold the most and have not read for longest. */
	size_t qoff;
	const wire_buf *exempt;
	bool queued_any;
	int64_t drained_us;
	/* Floods: when the connection's current run over its rate began (0: within its rate) */
	int64_t flood_since_us;
	/* When the message being gathered began arriving (0: none in progress): a message must be
	 * complete within NET_MESSAGE_SECONDS. */
	int64_t partial_since_us;
	lws_dll2_t list; /* in the server's list of connections (server.conns) */
	enum lws_close_status close_status;
	const char *close_reason;
} conn;

/* Per client address, in memory only, never stored or logged (CHR-7): its WebSocket
 * connections, its connections still sending their request headers, and its failed logins in
 * the current minute. Freed when all are zero. */
typedef struct addr_count {
	struct addr_count *next;
	unsigned n;
	unsigned headers;
	struct header_slot *slots; /* its connections still sending headers */
	unsigned fails;
	int64_t fails_since_us;
	char addr[INET6_ADDRSTRLEN];
} addr_count;
#define ADDR_BUCKETS 4096

/* A connection still sending its request headers, by its wsi (admit.c). */
typedef struct header_slot {
	struct header_slot *next, *a_next; /* in its hash bucket; in its address' list */
	struct lws *wsi;
	addr_count *a;
	int64_t since_us; /* accepted, or its last request answered (mono us) */
	bool killed;
	bool kept_alive; /* waiting for its next request: slow only once that has begun */
} header_slot;
#define HEADER_BUCKETS 1024

/* How long a client may take to answer the close frame before it is dropped. */
#define NET_CLOSE_WAIT_SECONDS 5

/* A message longer than this goes out in fragments of this size (ws.c, write_fragment). */
#define FRAGMENT_BYTES (NET_GATHER_BYTES - 4)

/* A warning logged at most once a minute, with how many times it happened (log_sampled). */
typedef rtlog_sample log_sample;

typedef struct server {
	struct lws_context *ctx;
	hub *hub;
	lws_sorted_usec_list_t flush_sul;
	bool flush_scheduled;
	lws_sorted_usec_list_t due_sul;   /* the agenda clocks' next action (AG-4) */
	lws_sorted_usec_list_t drain_sul; /* wakes the loop while a graceful stop waits */
	lws_sorted_usec_list_t alive_sul; /* the liveness sweep, once a second (PERF-3) */
	/* every open WebSocket connection, authenticated or not (from ESTABLISHED to CLOSED);
	 * conns.count: how many */
	lws_dll2_owner_t conns;
	int64_t ping_us;        /* silence before a ping; three times that: dropped */
	uint64_t ping_phase;    /* spreads connections' pings over the ping interval */
	size_t queue_max;       /* bytes a connection may have waiting (PERF-3) */
	uint64_t culled;        /* connections dropped for not reading */
	uint64_t refused_conns; /* WebSocket handshakes refused by a limit or the Origin */
	log_sample culled_log, refused_log;
	size_t queued_bytes;      /* what waits in all connections' queues, snapshots included */
	size_t memory_max;        /* the budget for queued_bytes (--memory-limit) */
	size_t doomed_bytes;      /* queued for connections already being dropped */
	uint64_t evicted;         /* connections dropped to keep within the budget */
	uint64_t header_refused;  /* connections refused: their address had too many headers pending */
	uint64_t login_throttled; /* logins refused: their address failed too often */
	/* the address of the connection being accepted, for LWS_CALLBACK_WSI_CREATE ("": none) */
	char accepting[INET6_ADDRSTRLEN];
	header_slot *header_slots[HEADER_BUCKETS];
	uint64_t sweeps;   /* liveness sweeps so far (one a second) */
	uint64_t gathered; /* messages that went several to a write (PERF-2) */
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

/* Headers on every HTTP response (CHR-8, PL-2): nothing from another origin, no referrer that
 * could carry a link, no framing by other sites (the stage page is shared by screen in Zoom,
 * never embedded, so it is no exception). The CSP's value is the server's: connect-src names
 * the WebSocket origins, since 'self' does not cover ws: and wss: in every browser. */
typedef struct http_headers {
	struct lws_protocol_vhost_options hsts, nosniff, frame, referrer, csp;
} http_headers;

/* --- functions one file of the transport calls in another -------------------------------- */

/* net.c: appends len bytes to a receive buffer that doubles as needed up to max bytes (the
 * caller has checked that they fit). -1 when out of memory. */
int net_append_rx(char **buf, size_t *used, size_t *cap, const void *in, size_t len, size_t max);

/* ws.c: the roundtable.v1 protocol's callback; the hub's send and close; the liveness sweep. */
int net_callback_roundtable(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);
void net_conn_queue(void *ctx, hub_peer *peer, wire_buf *buf);
void net_conn_close(void *ctx, hub_peer *peer, rt_err why);
void net_alive_cb(lws_sorted_usec_list_t *sul);

/* admit.c: who may open a WebSocket, the per-address table and the message rate. */
const char *net_admit(server *s, conn *c, struct lws *wsi);
bool net_addr_add(server *s, const char *addr);
void net_addr_remove(server *s, const char *addr);
void net_addr_free_all(server *s);
bool net_take_credit(server *s, conn *c);
/* The client's address (memory only, never logged: CHR-7), behind a trusted proxy its own. */
void net_client_addr(server *s, struct lws *wsi, char out[INET6_ADDRSTRLEN]);
/* Slow headers: whether a connection from the address accepted now may start its request
 * (notes it for net_header_start); false when that address has too many pending. */
bool net_header_admit(server *s, const struct sockaddr *sa);
/* The accepted connection's wsi now exists: its headers count for its address. */
void net_header_start(server *s, struct lws *wsi);
/* Its headers arrived (or it closed): they no longer count. Safe to call more than once. */
void net_header_done(server *s, const struct lws *wsi);
/* A request was answered and its connection is kept alive: its next request's headers count
 * again, once they begin arriving. */
void net_header_rearm(server *s, struct lws *wsi);
void net_header_free_all(server *s);
/* Once a second: an address with more than NET_HEADER_PER_ADDRESS slow ones loses the excess. */
void net_header_sweep(server *s);
/* Failed logins per address (NET_LOGIN_FAILURES a minute): note one; whether addr is over. */
void net_login_failed(server *s, const char *addr);
bool net_login_throttled(server *s, const char *addr);
/* Forgets failures older than a minute (the liveness sweep calls it). */
void net_login_sweep(server *s);
/* The length of the consultation id starting at `id`, or 0 when there is none. */
size_t net_path_id_len(const char *id);

/* http.c: the HTTP protocol's callback, response headers and the CSP, gzipped files. */
int net_callback_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);
void net_headers_init(http_headers *hh, const char *csp, bool tls);
void net_csp_build(server *s, int port);
void net_serve_gzip(struct lws_context *ctx);

/* metrics.c: GET /metrics' body into out; its length. */
size_t net_metrics_text(server *s, char *out, size_t cap);

/* control.c: listens on the organiser's control socket of data_dir; -1 on failure. */
int net_control_listen(server *s, const char *data_dir);

#endif
