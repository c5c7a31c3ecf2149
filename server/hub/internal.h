/* internal.h — what the hub's files share and no other layer may see: the hub, its rooms,
 * the resume ring's entries and the deliveries waiting for a commit, with the functions one
 * file of the hub calls in another. The public interface is hub.h. */
#ifndef RT_HUB_INTERNAL_H
#define RT_HUB_INTERNAL_H

#include "crypto.h"
#include "hub.h"
#include "log.h"

/* PL-4: how much of a consultation's recent traffic is kept for resuming connections. A gap
 * wider than this is filled with a snapshot instead. */
#define RING_MAX_EVENTS 1024
#define RING_MAX_BYTES (2u * 1024 * 1024)
/* Replays smaller than this go out without comparing them with a snapshot's size. */
#define RESUME_CHEAP_BYTES 8192

/* One event as it was delivered: its encoding for one audience. */
typedef struct ring_entry {
	uint64_t seq;   /* the event's seq; for an ephemeral event, the seq it followed */
	bool ephemeral; /* presence: no seq of its own */
	core_audience aud;
	core_pseud author; /* for CORE_AUD_AUTHOR */
	wire_buf *buf;
} ring_entry;

/* One delivery held for the end of a live window (PERF-2). */
typedef struct held_entry {
	core_audience aud;
	core_pseud author; /* for CORE_AUD_AUTHOR */
	wire_buf *buf;
} held_entry;

struct hub_room {
	core_state st;
	/* PL-4: the most recent delivered events, oldest first; every event after seq ring_from
	 * (and every ephemeral one that followed it) is here. In memory only. */
	ring_entry ring[RING_MAX_EVENTS];
	size_t ring_head, ring_len, ring_bytes;
	uint64_t ring_from;
	uint8_t secret[CRYPTO_SECRET_BYTES];
	core_denylist *deny; /* CHR-6: the organiser's deny-list, in memory only; st.deny borrows it */
	hub_peer *peers;
	bool dirty;           /* changed by the open batch */
	uint64_t batch_seq;   /* ... and its seq before it did */
	bool sealing;         /* sealed by the open batch: the secret and the files are wiped once it commits */
	int64_t links_expire; /* PL-2: when its links stop working (server ms), or 0 */
	bool links_cut;       /* ... and the connections left then were closed */
	/* PERF-2: questions whose vote count changed since the last votes.changed (ids, each once:
	 * vmark[id] is set while it is listed). */
	uint32_t *vdirty;
	uint8_t *vmark;
	size_t nvdirty, vcap;
	/* PERF-2: deliveries held for the end of the live window, in order; how many windows have
	 * ended; and when the last live delivery went out (server ms). */
	held_entry *held;
	size_t nheld, heldcap;
	uint64_t window;
	int64_t live_sent_ms;
	bool live_open; /* during hub_flush: deliveries go out at once (the window had passed) */
	bool live_used; /* ... and some did */
	/* Attendance by invitation label (programmes): who was connected while it was in session,
	 * saved at least every HUB_ATTEND_SAVE_MS and whenever someone leaves or the session's
	 * window opens or closes. att_end: when the window closes by itself (server ms), or 0. */
	core_attendance att;
	int64_t att_saved_ms, att_end;
	hub_room *next;
	/* PERF-1: each role's shared snapshot part (wire_encode_snapshot_shared) for the state as it
	 * is now, encoded for the first to join and shared by the rest; dropped at every change of
	 * the state (hub_snapshot_forget). */
	wire_buf *snap[CORE_ROLE_COUNT];
};

typedef enum pending_kind {
	P_PEER,     /* to one connection: an ack or an error */
	P_AUDIENCE, /* to every connection of a room in one audience */
} pending_kind;

/* One delivery waiting for the commit. */
typedef struct pending {
	pending_kind kind;
	hub_peer *peer; /* P_PEER; NULL once that connection closed */
	hub_room *room; /* P_AUDIENCE */
	core_audience aud;
	core_pseud author; /* P_AUDIENCE to CORE_AUD_AUTHOR */
	wire_buf *buf;
	uint64_t seq; /* P_AUDIENCE: as in ring_entry */
	bool ephemeral, replayable;
	bool coalesced;           /* P_AUDIENCE: kept for replays only; live, it goes in votes.changed */
	bool is_ack;              /* turns into an error if the batch fails */
	rt_err close;             /* P_PEER: once sent, the connection is closed for this reason */
	char id[WIRE_ID_MAX + 1]; /* the command id, for that error */
} pending;

struct hub {
	store *store;
	hub_io io;
	size_t headroom;
	hub_room *rooms;
	pending *pend;
	size_t npend, pcap;
	size_t npeers;
	uint64_t sessions;      /* the last session number given to a connection (LC-6) */
	int64_t links_ttl;      /* PL-2: links work this long after a seal */
	int64_t live_window;    /* PERF-2: a busy room's live deliveries go out once in this many ms */
	hub_stats stats;        /* for operators: counters only (hub_get_stats adds what is current) */
	rtlog_sample store_log; /* the store's failures, logged at most once a minute */
	/* CHR-5: why the last seal could not wipe the files (hub_seal reports it) */
	bool compact_failed;
	char compact_error[160];
	/* Scratch space, reused: a decoded frame and a decision are several KB each. */
	wire_message msg;
	core_decision dec;
	/* AB-2: the per-process key of networks' opaque keys (guard.c), in memory only. */
	uint8_t network_key[CRYPTO_SECRET_BYTES];
	bool network_keyed;
	/* ORG-1: what answers the organiser's console (hub_set_console), and its connections */
	hub_console_fn console;
	void *console_ctx;
	hub_peer *organisers;
	hub_download downloads[HUB_DOWNLOADS]; /* ORG-1: the console's one-time downloads */
};

/* --- batch.c: the group commit ---------------------------------------------------------- */

/* Queues error `err` for peer, delivered after the commit like every answer. */
void hub_queue_error(hub *h, hub_peer *peer, const char *id, rt_err err, const char *field,
                     const core_err_params *params);
/* Queues error `err` for peer, then the end of its connection: the error says why. */
void hub_queue_error_close(hub *h, hub_peer *peer, const char *id, rt_err err, const char *field);
/* The same, with the error's params (an auth refused with what to do next). */
void hub_queue_error_close_params(hub *h, hub_peer *peer, rt_err err, const core_err_params *params);
/* Queues an ack (taking its reference) that turns into server.unavailable if the batch fails. */
void hub_queue_ack(hub *h, hub_peer *peer, const char *id, wire_buf *ack);
/* Decides and applies one command in room r, into the open batch (see batch.c). */
rt_err hub_run_command(hub *h, hub_room *r, hub_peer *peer, const core_actor *actor, const wire_message *m,
                       const uint8_t *key);
/* Runs one of the server's own commands in room r, about connection `session` (or none). */
rt_err hub_run_system(hub *h, hub_room *r, core_cmd_kind kind, uint64_t session);
/* Counts a write or commit the store refused, and logs it (sampled: see batch.c). */
void hub_store_failed(hub *h);
/* PL-3: the receipt key of command id `id` from peer, and the answer to a retried id. */
void hub_receipt_key(const hub_peer *peer, const char *id, uint8_t key[STORE_RECEIPT_KEY_BYTES]);
/* PL-3: the digest kept with a receipt: which command its id was first used for. */
void hub_command_digest(const uint8_t key[STORE_RECEIPT_KEY_BYTES], const core_command *c,
                        uint8_t digest[STORE_DIGEST_BYTES]);
bool hub_answer_retry(hub *h, hub_peer *peer, const wire_message *m, const uint8_t *key);

/* --- room.c: rooms, audiences, delivery and pacing ---------------------------------------- */

/* Room `id`, loaded from the store if it is not in memory yet; NULL with *err otherwise. */
hub_room *hub_room_get(hub *h, const char *id, rt_err *err);
void hub_room_join(hub *h, hub_room *r, hub_peer *peer);
/* PERF-1: the snapshot for actor in room r (committed state: after hub_flush), from the room's
 * shared part for its role, encoded once until the state next changes. NULL out of memory. */
wire_buf *hub_room_snapshot(hub *h, hub_room *r, const core_actor *actor);
/* The room's state changed (or is going): its shared snapshot parts are stale. */
void hub_snapshot_forget(hub_room *r);
bool hub_peer_gets(const hub_peer *peer, core_audience aud, const core_pseud *author);
/* Delivers one committed pending entry (or holds it for the live window). */
void hub_deliver(hub *h, const pending *p);
bool hub_votes_mark(hub_room *r, uint32_t id);
int64_t hub_live_due_ms(const hub *h, const hub_room *r);
void hub_live_send(hub *h, hub_room *r, int64_t now);
void hub_live_send_due(hub *h);
/* Asks the transport for hub_tick at the next due time. */
void hub_schedule_due(hub *h);

/* --- ring.c: the resume ring (PL-4) ------------------------------------------------------- */

void hub_ring_push(hub_room *r, const pending *p);
void hub_ring_clear(hub_room *r);
/* Sends peer `resumed` and what it missed since `since`; false when it needs a snapshot. */
bool hub_resume(hub *h, hub_room *r, hub_peer *peer, uint64_t since, wire_buf **snap);

/* --- attendance.c ------------------------------------------------------------------------- */

int64_t hub_attend_due_ms(const hub_room *r);
void hub_attend_all(hub *h, bool all);
/* store_attendance_load's callback (arg: the room's core_attendance). */
void hub_attend_loaded(void *arg, const char *label, int n, int64_t ms);

/* --- auth.c and organiser.c --------------------------------------------------------------- */

rt_err hub_authenticate(hub *h, hub_peer *peer, const wire_message *m, core_err_params *params);
/* EX-2: answers a report export at once. */
void hub_export_report(hub *h, hub_peer *peer, const wire_message *m);

/* --- console.c: the organiser's connections (ORG-1) ---------------------------------------- */

/* An auth frame whose token is no consultation's: an organiser link makes peer the organiser's
 * console. RT_OK, or RT_E_AUTH_INVALID. */
rt_err hub_console_join(hub *h, hub_peer *peer, const uint8_t hash[STORE_HASH_BYTES]);
/* A frame from an organiser's connection, handed to the console. */
void hub_console_receive(hub *h, hub_peer *peer, const char *frame, size_t len);
/* Ends the organiser connections whose link no longer works; how many. */
int hub_console_cut_off(hub *h);
/* Forgets an organiser connection the transport closes. */
void hub_console_closed(hub *h, hub_peer *peer);

/* --- guard.c: abuse from the open link ----------------------------------------------------- */

/* AB-2, AB-6: at auth, a device key new to room r's consultation pays its proof of work and
 * counts against its network's cap; RT_OK, or the refusal with its params. */
rt_err hub_guard_join(hub *h, hub_room *r, const core_actor *actor, const wire_message *m, core_err_params *params);
/* AB-4: a co-chair's question.reject_all, as one reject per question in the open batch. */
void hub_reject_all(hub *h, hub_peer *peer, const wire_message *m);

#endif
