/* net.h — the transport: one libwebsockets context serving the web client over HTTP and
 * protocol roundtable.v1 over WebSocket on the same port. The only layer that knows sockets.
 * It reassembles frames, hands them to the hub, and writes what the hub queues. */
#ifndef RT_NET_H
#define RT_NET_H

#include "hub.h"

/* How long a graceful stop waits for connections to take their last messages and the 1001. */
#define NET_DRAIN_MS 2000

/* Defaults of the limits below (README.md, "Security"). */
#define NET_MAX_CONNECTIONS 20000 /* WebSocket connections in all */
#define NET_MAX_PER_ADDRESS 256   /* ... from one client address (a venue's NAT is one address) */
#define NET_RATE 20               /* messages per second a connection may send, on average */
#define NET_BURST 60              /* ... and at once (a reconnecting page re-sends what it kept) */
#define NET_AUTH_TIMEOUT 10       /* seconds from the handshake to a successful auth */
#define NET_HEADER_TIMEOUT 5      /* seconds for a request's headers to arrive */
#define NET_HEADER_BYTES 4096     /* the most header bytes a request may carry */
#define NET_HEADER_POOL 64        /* requests whose headers are read at once; others wait */
#define NET_MAX_ORIGINS 4
#define NET_PING_SECONDS 15      /* silence before a ping; three times that without an answer: dropped */
#define NET_QUEUE_KIB 4096       /* what may wait for a client that does not read */
#define NET_HEADER_PER_ADDRESS 8 /* connections from one address still sending headers */
#define NET_MEMORY_MIB 256       /* what may wait for all clients together, snapshots included */
#define NET_MESSAGE_SECONDS 10   /* from a message's first byte to its last */
#define NET_FLOOD_SECONDS 3      /* sending past the rate this long closes the connection */
#define NET_LOGIN_FAILURES 20    /* failed logins a minute from one address; then refused */

typedef struct net_options {
	const char *listen;    /* address to bind, e.g. "127.0.0.1" */
	int port;              /* 0 picks a free port */
	const char *web_dir;   /* folder served at / */
	const char *data_path; /* the data folder: the control socket lives there */
	int ping_seconds;      /* silence before a ping; hang-up after three times that (0: 15) */
	int queue_limit_kib;   /* what may wait for one connection before it is dropped (0: 4096) */
	int memory_limit_mib;  /* what may wait for all connections together (0: NET_MEMORY_MIB) */
	/* Where browsers load the page from, "https://host[:port]" (none: the Host of each request,
	 * and the CSP names http://LISTEN:PORT). A WebSocket whose Origin is not one is refused. */
	const char *origins[NET_MAX_ORIGINS];
	int norigins;
	int max_connections; /* 0: NET_MAX_CONNECTIONS */
	int max_per_address; /* 0: NET_MAX_PER_ADDRESS */
	int rate, burst;     /* 0: NET_RATE, NET_BURST */
	int auth_timeout;    /* seconds; 0: NET_AUTH_TIMEOUT */
	int max_message;     /* bytes; 0: WIRE_MAX_MESSAGE (larger is refused by the caller) */
	int header_timeout;  /* seconds; 0: NET_HEADER_TIMEOUT */
	int header_bytes;    /* 0: NET_HEADER_BYTES */
	/* A reverse proxy at this address says who its client is in X-Forwarded-For (the last
	 * entry): that address counts for the per-address limit. NULL: the TCP peer counts. */
	const char *trusted_proxy;
	const char *tls_cert, *tls_key; /* PEM files: serve https and wss directly (NULL: plain) */
} net_options;

/* Serves hub `h` until SIGINT or SIGTERM, then stops gracefully: refuses new connections,
 * commits and delivers what is pending, closes every connection with 1001 once its queue is
 * written (or after NET_DRAIN_MS), and returns. Prints "roundtable: listening on
 * http://ADDR:PORT/" to stdout once the socket is bound, after `on_ready` (may be NULL) has
 * printed what it wants with the actual port. Returns 0 on a clean stop, 1 on a failure to
 * start.
 *
 * The hub is the caller's, made over its store with nothing loaded yet (hub.h): net_serve
 * gives it the server's io (hub_set_io: send, wake, the clock, schedule, close, with LWS_PRE
 * headroom) while it serves, and takes it back before it returns, with nothing pending and
 * nobody connected. The caller then frees the hub (hub_free saves what is left). */
int net_serve(const net_options *opt, hub *h, void (*on_ready)(int port, void *arg), void *arg);

/* The organiser's control socket of a data folder (DIR/roundtable.ctl), into buf. */
void net_control_path(const char *data_dir, char *buf, size_t cap);
/* Sends one request line (ending in a newline) to the server running on data_dir and reads
 * its one-line reply into reply (request NULL: only whether a server answers). 0; -1 when no server is running there;
 * -2 when it did not answer. Runs outside any server (the command line). */
int net_control_request(const char *data_dir, const char *request, char *reply, size_t cap);

#endif
