/* net.h — the transport: one libwebsockets context serving the web client over HTTP and
 * protocol roundtable.v1 over WebSocket on the same port. The only layer that knows sockets.
 * It reassembles frames, hands them to the hub, and writes what the hub queues. */
#ifndef RT_NET_H
#define RT_NET_H

#include "store.h"

/* How long a graceful stop waits for connections to take their last messages and the 1001. */
#define NET_DRAIN_MS 2000

typedef struct net_options {
	const char *listen;    /* address to bind, e.g. "127.0.0.1" */
	int port;              /* 0 picks a free port */
	const char *web_dir;   /* folder served at / */
	const char *data_path; /* the data folder: the control socket lives there */
	int ping_seconds;      /* silence before a ping; hang-up after three times that (0: 15) */
	int queue_limit_kib;   /* what may wait for one connection before it is dropped (0: 4096) */
} net_options;

/* Serves until SIGINT or SIGTERM, then stops gracefully: refuses new connections, commits
 * and delivers what is pending, closes every connection with 1001 once its queue is written
 * (or after NET_DRAIN_MS), and returns. Prints "roundtable: listening on http://ADDR:PORT/" to
 * stdout once the socket is bound, after `on_ready` (may be NULL) has printed what it wants
 * with the actual port. Returns 0 on a clean stop, 1 on a failure to start. */
int net_serve(const net_options *opt, store *st, void (*on_ready)(int port, void *arg), void *arg);

/* The organiser's control socket of a data folder (DIR/roundtable.ctl), into buf. */
void net_control_path(const char *data_dir, char *buf, size_t cap);
/* Sends one request line (ending in a newline) to the server running on data_dir and reads
 * its one-line reply into reply (request NULL: only whether a server answers). 0; -1 when no server is running there;
 * -2 when it did not answer. Runs outside any server (the command line). */
int net_control_request(const char *data_dir, const char *request, char *reply, size_t cap);

#endif
