/* metrics.c — GET /metrics' body for operators, in Prometheus' text format: counts over the
 * whole server (the hub's and the transport's), never a consultation's id or content, a token
 * or an address. Serving it is http.c's. */
#include <stdio.h>

#include "server.h"

/* Prometheus' text format (https://prometheus.io/docs/instrumenting/exposition_formats/):
 * counts over the whole server, never a consultation's id or content, a token or an address. */
size_t net_metrics_text(server *s, char *out, size_t cap)
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
	    (unsigned long long)(s->conns.count > authed ? s->conns.count - authed : 0));
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
	    {"queue_bytes", "gauge",
	     "Bytes waiting to be written to clients, all connections together, snapshots included.", s->queued_bytes},
	    {"memory_limit_bytes", "gauge", "The budget for queue_bytes (--memory-limit).", s->memory_max},
	    {"evicted_total", "counter", "Connections dropped to keep queue_bytes within the budget.", s->evicted},
	    {"header_refused_total", "counter",
	     "Connections refused: their address had too many requests still sending headers.", s->header_refused},
	    {"login_throttled_total", "counter", "Logins refused: their address failed too often this minute.",
	     s->login_throttled},
	    {"culled_total", "counter", "Connections dropped for not reading (their queue was full).", s->culled},
	    {"refused_connections_total", "counter", "WebSocket handshakes refused (origin, version, limits).",
	     s->refused_conns},
	    {"commit_failures_total", "counter", "Batches the database could not commit (answered server.unavailable).",
	     st.commit_failures},
	    {"store_failures_total", "counter",
	     "Writes and commits the database refused (a full or failing disk, a file it may not write).",
	     st.store_failures},
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
