/* admit.c — limits and admission (README.md, "Security"): which WebSocket may open (version,
 * path, Origin, total and per-address limits), the client's address behind a trusted proxy,
 * and the message rate. Knows nothing of what the messages say. */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "clock.h"
#include "server.h"

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

bool net_addr_add(server *s, const char *addr)
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

void net_addr_remove(server *s, const char *addr)
{
	addr_count **pp = addr_slot(s, addr);
	addr_count *a = *pp;
	assert(a && a->n > 0); /* only a connection counted by net_addr_add is removed */
	if (--a->n == 0) {
		*pp = a->next;
		free(a);
	}
}

void net_addr_free_all(server *s)
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
void net_client_addr(server *s, struct lws *wsi, char out[INET6_ADDRSTRLEN])
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
size_t net_path_id_len(const char *id)
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
	size_t n = strncmp(uri, "/c/", 3) ? 0 : net_path_id_len(uri + 3);
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
const char *net_admit(server *s, conn *c, struct lws *wsi)
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
	if (s->conns.count >= s->max_conns)
		return "max_connections";
	net_client_addr(s, wsi, c->addr);
	return addr_connections(s, c->addr) < s->max_per_addr ? NULL : "max_per_address";
}

/* The message rate: takes one message's credit from c's bucket, which fills at `rate` per
 * second up to `burst` messages. False when it is empty. */
bool net_take_credit(server *s, conn *c)
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
