/* hub.h — the path of a command, without sockets: authenticate a connection, decode its
 * frames, let the core decide, append to the store's open batch, evolve, encode once per
 * audience, and deliver acks and events only after the batch commits (group commit).
 * The transport (server/net) owns connections and calls in; the hub calls back through hub_io.
 *
 * Everything here runs on the service thread. */
#ifndef RT_HUB_H
#define RT_HUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"
#include "store.h"
#include "wire.h"

typedef struct hub hub;
typedef struct hub_room hub_room;

/* One connection as the hub sees it. The transport embeds it in its per-connection state,
 * zeroes it, sets `user`, and hands it to hub_peer_closed before freeing it. */
typedef struct hub_peer {
	void *user;     /* the transport's connection */
	hub_room *room; /* NULL until authenticated */
	core_actor actor;
	/* PL-3: whose command ids these are: the participant's pseudonym, or the role link's hash */
	uint8_t scope[STORE_HASH_BYTES];
	/* PL-2: the hash of the link it authenticated with, so that revoking or expiring the link
	 * ends the connection. In memory only. */
	uint8_t link[STORE_HASH_BYTES];
	/* PERF-4: the consultation its socket's path names (/c/ID/ws), set by the transport; a link
	 * of another consultation is then refused. "" for /ws. */
	char path_consultation[CORE_ID_MAX + 1];
	/* PERF-2: joined while its room held deliveries: the first held_skip of them, held in the
	 * room's window number held_window, are already in its snapshot or replay */
	uint64_t held_window;
	size_t held_skip;
	/* Programmes: the attendee (index + 1 in its room's attendance) of the personal invitation it
	 * authenticated with, or 0. In memory only. */
	int attendee;
	/* AB-2: the opaque key of the network it came from (hub_peer_network), in memory only */
	uint8_t network[CORE_NETWORK_KEY_LEN];
	bool heard;                   /* a message arrived: only the first may authenticate */
	bool closing;                 /* its connection is being closed: nothing more is taken from it */
	bool organiser;               /* ORG-1: authenticated with the organiser's link: no room */
	struct hub_peer *prev, *next; /* the room's list of connections */
} hub_peer;

typedef struct hub_io {
	/* Queues buf for peer. Borrows buf: takes its own reference if it keeps it. */
	void (*send)(void *ctx, hub_peer *peer, wire_buf *buf);
	/* Asks for hub_flush once the current loop iteration has handled its input. */
	void (*wake)(void *ctx);
	/* The server's clock, in milliseconds since the epoch. */
	int64_t (*now_ms)(void *ctx);
	/* Asks for hub_tick at due_ms (server clock), replacing any earlier request; 0 cancels.
	 * May be NULL: then nothing is ever due on its own. */
	void (*schedule)(void *ctx, int64_t due_ms);
	/* Ends peer's connection once what was queued for it is written; `why` is the error it was
	 * last sent (auth.required, auth.invalid). The transport calls hub_peer_closed later.
	 * May be NULL when no connection is ever served (the command line). */
	void (*close)(void *ctx, hub_peer *peer, rt_err why);
	void *ctx;
} hub_io;

/* Creates a hub over an open store (borrowed: it must outlive the hub). `headroom` is the
 * space every outgoing buffer keeps in front of its payload (LWS_PRE). `io` may be NULL: then
 * the hub has no transport yet (it sends nothing, and its clock is the wall clock) until
 * hub_set_io gives it one. NULL when out of memory.
 *
 * The command line is where a server is put together: it makes the hub over its store, sets
 * what it was asked to (hub_set_links_ttl, hub_set_live_window), and hands the hub to the
 * transport (net_serve), which gives it its io for as long as it serves, then takes it back. */
hub *hub_new(store *st, const hub_io *io, size_t headroom);
/* Gives the hub the transport it sends through (`io` is copied; its ctx must outlive its use),
 * and the headroom that transport's buffers need; NULL: none, as hub_new with NULL. Only while
 * no connection is authenticated and no delivery waits for a flush, and, once a consultation
 * is loaded (its recent events are kept encoded), never with more headroom than before. */
void hub_set_io(hub *h, const hub_io *io, size_t headroom);
/* Commits what is pending, then frees the hub and its rooms. */
void hub_free(hub *h);

/* How long a consultation's links keep working after it is sealed (PL-2); the default is
 * HUB_LINKS_TTL_MS. 0: they stop at the seal. */
#define HUB_LINKS_TTL_MS (7 * 24 * 3600 * 1000LL)
void hub_set_links_ttl(hub *h, int64_t ms);
/* PERF-2: what a consultation's live connections are sent is paced by this window. When nothing
 * went to the consultation in the last `ms`, a change goes out at once; otherwise it is held,
 * in order, until the window ends, and everything held then goes out together (vote counts
 * coalesced in one votes.changed), so a busy consultation costs each connection at most one
 * write per window. Answers to a connection's own commands are never held. Default below;
 * 0: nothing is held. */
#define HUB_LIVE_WINDOW_MS 200
void hub_set_live_window(hub *h, int64_t ms);
/* Sends everything held for a window now (a graceful stop). */
void hub_send_held(hub *h);

/* Attendance (programmes): the time of everyone connected with a personal invitation is saved
 * at least this often while a session is in session, so that a crash loses at most this much. */
#define HUB_ATTEND_SAVE_MS 60000

/* AB-2: the transport hands the hub the client's address before its first frame; the hub keeps
 * only a keyed hash of it (a key drawn per process), so that new device keys can be counted
 * per network without any address being kept, stored or logged. */
void hub_peer_network(hub *h, hub_peer *peer, const char *address);

/* Handles one complete client frame from peer. Replies are queued until hub_flush.
 * Only the first frame of a connection may authenticate: if it is anything else, or fails,
 * the connection gets the error and is closed.
 * An auth with `since` resumes (PL-4): `resumed` and the events missed, when the room's recent
 * events cover them and they are smaller than a snapshot; a snapshot otherwise. A command
 * whose id was already acknowledged (PL-3) is answered with the kept ack and applied no more. */
void hub_receive(hub *h, hub_peer *peer, const char *frame, size_t len);
/* Commits the batch, then delivers its acks and events (or, if the commit failed, reloads the
 * touched consultations and answers each command server.unavailable). */
void hub_flush(hub *h);
/* Answers a frame the transport will not hand over (the message rate limit): error `err`
 * with the frame's command id when it has one. Closes the connection when `close` is set. */
void hub_refuse(hub *h, hub_peer *peer, const char *frame, size_t len, rt_err err, bool close);
/* PL-2: consultation (or programme) `id`'s links changed on disk (the organiser revoked some):
 * every connection whose link no longer works gets auth.invalid and is closed. Returns how many. */
int hub_links_changed(hub *h, const char *id);
/* The transport is about to free peer: forget it everywhere. */
void hub_peer_closed(hub *h, hub_peer *peer);

/* AG-4: the earliest time (server ms) at which a consultation's clock needs to act, or 0. */
int64_t hub_next_due_ms(const hub *h);
/* Runs what the clocks make due now, through the same path as clients' commands (the server's
 * own role, no ack); delivery follows with the next hub_flush. */
void hub_tick(hub *h);

/* CHR-5, for the organiser (`roundtable seal`): seals consultation `id` through the core, as a
 * co-chair's consultation.seal would, commits, then wipes the secret and compacts the files.
 * RT_OK; RT_E_NOT_FOUND for an unknown id; RT_E_CONSULTATION_SEALED when it already
 * is; RT_E_SERVER_UNAVAILABLE with a reason in errbuf when the files could not be compacted. */
rt_err hub_seal(hub *h, const char *id, char *errbuf, size_t errlen);

/* CHR-6: gives consultation `id` the organiser's deny-list (owned from here on, even on
 * failure), replacing any earlier one. It lives in memory only. RT_OK or
 * RT_E_NOT_FOUND. */
rt_err hub_set_denylist(hub *h, const char *id, core_denylist *deny);

/* Whether the database takes writes now (GET /healthz); false with the reason in why. */
bool hub_health(hub *h, char *why, size_t cap);
/* The exit status of a server whose database failed a commit and could not be reopened: the
 * outcome of that commit can only be known by starting again (see batch.c). EX_TEMPFAIL. */
#define HUB_EXIT_STORE_LOST 75

/* Connections currently authenticated, over all consultations. */
size_t hub_peer_count(const hub *h);

/* For operators (GET /metrics): counts over all consultations, never one's content, token or
 * address. The commit latency histogram's upper bounds are HUB_COMMIT_BOUNDS_US. */
#define HUB_COMMIT_BUCKETS 10
#define HUB_COMMIT_BOUNDS_US                                                                                           \
	{                                                                                                              \
		250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000                                        \
	}
typedef struct hub_stats {
	uint64_t peers[CORE_ROLE_COUNT]; /* authenticated connections now, by role */
	uint64_t consultations;          /* loaded now */
	uint64_t commands;               /* commands decided since start */
	uint64_t refused;                /* ... of which refused with an error */
	uint64_t events;                 /* events appended */
	uint64_t votes_messages;         /* votes.changed buffers sent (PERF-2: one per audience and window) */
	uint64_t held_windows;           /* windows whose held deliveries went out together (PERF-2) */
	uint64_t commits, commit_failures;
	uint64_t store_failures; /* writes or commits the database refused (each logged, sampled) */
	uint64_t commit_us_sum;  /* total time spent committing */
	uint64_t commit_buckets[HUB_COMMIT_BUCKETS + 1]; /* commits that took <= each bound; last: all */
} hub_stats;
void hub_get_stats(const hub *h, hub_stats *out);

/* The open participant link a stage's short join code opens (GET /j/CODE): `typed` (len bytes)
 * in any case, with or without its dash. RT_OK; RT_E_NOT_FOUND for no such code (or not a code,
 * or its consultation's links expired); RT_E_SERVER_UNAVAILABLE. */
rt_err hub_join_code(hub *h, const char *typed, size_t len, store_join *out);

/* ORG-1: the organiser's console. Answers one frame of an authenticated organiser connection
 * with one reply (a malloc'd wire_buf with `headroom`, or NULL when out of memory); it runs the
 * organiser's operations, the same code as the command line's. */
typedef wire_buf *(*hub_console_fn)(void *ctx, hub *h, const char *frame, size_t len, size_t headroom);
/* Lets organiser links in, answered by fn; without it, an organiser link is refused. */
void hub_set_console(hub *h, hub_console_fn fn, void *ctx);

/* ORG-1: documents the organiser's console downloads over HTTP (GET /download/TICKET): each
 * kept in memory under a one-time ticket for HUB_DOWNLOAD_SECONDS, at most HUB_DOWNLOADS at once
 * (the oldest goes first). */
#define HUB_DOWNLOADS 8
#define HUB_DOWNLOAD_SECONDS 60
#define HUB_DOWNLOAD_NAME_MAX 160
#define HUB_TICKET_CHARS 22
typedef struct hub_download {
	char ticket[HUB_TICKET_CHARS + 1];
	char filename[HUB_DOWNLOAD_NAME_MAX + 1];
	char media_type[64];
	char *body; /* owned */
	size_t len;
	int64_t expires; /* server ms */
} hub_download;
/* Keeps body (taken, malloc'd) under a new ticket, written into ticket. 0, or -1 (body freed). */
int hub_download_put(hub *h, char *body, size_t len, const char *filename, const char *media_type,
                     char ticket[HUB_TICKET_CHARS + 1]);
/* Takes the download of ticket, if it is there and not expired, into *out (free it with
 * hub_download_free): true; it is gone from the hub either way. */
bool hub_download_take(hub *h, const char *ticket, hub_download *out);
void hub_download_free(hub_download *d);

#endif
