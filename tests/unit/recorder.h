/* recorder.h — a recording transport for the hub's unit tests: what each connection was sent,
 * why the hub closed it, the wake-ups, and a clock the test moves. Not a transport. */
#ifndef RT_TEST_RECORDER_H
#define RT_TEST_RECORDER_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hub.h"

#define MAX_PEERS 8
#define MAX_MSGS 64

typedef struct recorder {
	char *msgs[MAX_PEERS][MAX_MSGS];
	int n[MAX_PEERS];
	rt_err closed[MAX_PEERS]; /* why the hub closed each connection (RT_OK: it did not) */
	int wakes;
	int64_t now; /* the server clock: FIXED_NOW_MS, moved on by the test only */
} recorder;

typedef struct test_peer {
	hub_peer peer;
	int index;
} test_peer;

static inline void rec_send(void *ctx, hub_peer *peer, wire_buf *buf)
{
	recorder *r = ctx;
	int i = ((test_peer *)peer->user)->index;
	if (r->n[i] < MAX_MSGS) {
		char *s = malloc(buf->len + 1);
		memcpy(s, wire_buf_payload(buf), buf->len);
		s[buf->len] = '\0';
		r->msgs[i][r->n[i]++] = s;
	}
}

static inline void rec_close(void *ctx, hub_peer *peer, rt_err why)
{
	((recorder *)ctx)->closed[((test_peer *)peer->user)->index] = why;
}

/* A new connection in p's place. */
static inline void fresh(recorder *r, test_peer *p)
{
	memset(&p->peer, 0, sizeof p->peer);
	p->peer.user = p;
	r->closed[p->index] = RT_OK;
}

static inline void rec_wake(void *ctx)
{
	((recorder *)ctx)->wakes++;
}
static inline int64_t fixed_now(void *ctx)
{
	return ((recorder *)ctx)->now;
}

static inline void rec_clear(recorder *r)
{
	for (int p = 0; p < MAX_PEERS; p++) {
		for (int m = 0; m < r->n[p]; m++)
			free(r->msgs[p][m]);
		r->n[p] = 0;
	}
}

/* Whether peer i received a message containing each of the fragments, in order of arrival. */
static inline bool got(recorder *r, int i, const char *fragment)
{
	for (int m = 0; m < r->n[i]; m++)
		if (strstr(r->msgs[i][m], fragment))
			return true;
	return false;
}

/* Hands the hub one frame from p, as the transport would. */
static inline void frame(hub *h, test_peer *p, const char *json)
{
	hub_receive(h, &p->peer, json, strlen(json));
}

/* A hub over store s whose transport is rec, its clock at FIXED_NOW_MS (the hub copies its io). */
static inline hub *rec_hub(store *s, recorder *rec)
{
	rec->now = FIXED_NOW_MS;
	hub_io io = {.send = rec_send, .wake = rec_wake, .now_ms = fixed_now, .close = rec_close, .ctx = rec};
	return hub_new(s, &io, 16);
}

/* MAX_PEERS test connections, each numbered and knowing itself. */
static inline void rec_peers(test_peer peers[MAX_PEERS])
{
	memset(peers, 0, MAX_PEERS * sizeof *peers);
	for (int i = 0; i < MAX_PEERS; i++) {
		peers[i].index = i;
		peers[i].peer.user = &peers[i];
	}
}

#endif
