/* net.h — the transport: one libwebsockets context serving the web client over HTTP and
 * protocol roundtable.v1 over WebSocket on the same port. The only layer that knows sockets.
 * It reassembles frames, hands them to the hub, and writes what the hub queues. */
#ifndef RT_NET_H
#define RT_NET_H

#include "store.h"

typedef struct net_options {
	const char *listen;    /* address to bind, e.g. "127.0.0.1" */
	int port;              /* 0 picks a free port */
	const char *web_dir;   /* folder served at / */
	const char *data_path; /* for messages only */
} net_options;

/* Serves until SIGINT or SIGTERM. Prints "roundtable: listening on http://ADDR:PORT/" to
 * stdout once the socket is bound, after `on_ready` (may be NULL) has printed what it wants
 * with the actual port. Returns 0 on a clean stop, 1 on a failure to start. */
int net_serve(const net_options *opt, store *st, void (*on_ready)(int port, void *arg), void *arg);

#endif
