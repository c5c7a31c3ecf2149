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

/* addr's entry, made when there is none (NULL when out of memory). */
static addr_count *addr_get(server *s, const char *addr)
{
	addr_count **pp = addr_slot(s, addr);
	if (!*pp) {
		*pp = calloc(1, sizeof **pp);
		if (!*pp)
			return NULL;
		snprintf((*pp)->addr, sizeof(*pp)->addr, "%s", addr);
	}
	return *pp;
}

/* Frees addr's entry once nothing counts in it. */
static void addr_release(server *s, const char *addr)
{
	addr_count **pp = addr_slot(s, addr);
	addr_count *a = *pp;
	if (a && !a->n && !a->headers && !a->fails) {
		*pp = a->next;
		free(a);
	}
}

bool net_addr_add(server *s, const char *addr)
{
	addr_count *a = addr_get(s, addr);
	if (!a)
		return false;
	a->n++;
	return true;
}

void net_addr_remove(server *s, const char *addr)
{
	addr_count *a = *addr_slot(s, addr);
	assert(a && a->n > 0); /* only a connection counted by net_addr_add is removed */
	a->n--;
	addr_release(s, addr);
}

void net_addr_free_all(server *s)
{
	net_header_free_all(s);
	for (size_t i = 0; i < ADDR_BUCKETS; i++)
		for (addr_count *a = s->addrs[i], *next; a; a = next) {
			next = a->next;
			free(a);
		}
}

/* --- slow headers: connections still sending their request, per address --------------------- */

/* The text form of a socket address (an IPv4-mapped IPv6 address as IPv4), or "". */
static void sockaddr_text(const struct sockaddr *sa, char out[INET6_ADDRSTRLEN])
{
	out[0] = '\0';
	if (sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, INET6_ADDRSTRLEN);
	} else if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a6))
			inet_ntop(AF_INET, &a6->s6_addr[12], out, INET6_ADDRSTRLEN);
		else
			inet_ntop(AF_INET6, a6, out, INET6_ADDRSTRLEN);
	}
}

static header_slot **header_slot_of(server *s, const struct lws *wsi)
{
	uintptr_t h = (uintptr_t)wsi;
	header_slot **pp = &s->header_slots[(h >> 4) % HEADER_BUCKETS];
	while (*pp && (*pp)->wsi != wsi)
		pp = &(*pp)->next;
	return pp;
}

/* How long a request may take for its headers before its address' count holds against it: a
 * client sends its headers right after connecting, so only a slow or hostile one takes this
 * long, and a crowd behind one address connecting at once is never refused for being many. */
#define HEADER_GRACE_US (1000 * 1000LL)

/* Whether h counts: a new connection, or a kept-alive one whose next request has begun (lws
 * holds headers for it; an idle one costs no header buffer). */
static bool slot_active(const header_slot *h)
{
	return !h->kept_alive || lws_hdr_total_length(h->wsi, WSI_TOKEN_GET_URI) ||
	       lws_hdr_total_length(h->wsi, WSI_TOKEN_HOST);
}

/* Whether h has been sending its headers longer than the grace. */
static bool slot_slow(const header_slot *h, int64_t now)
{
	return !h->killed && now - h->since_us > HEADER_GRACE_US && slot_active(h);
}

/* How many of a's requests are in the header phase; *slow: whether one of them is slow. */
static unsigned addr_pending(const addr_count *a, int64_t now, bool *slow)
{
	unsigned n = 0;
	*slow = false;
	for (const header_slot *h = a->slots; h; h = h->a_next)
		if (!h->killed && slot_active(h)) {
			n++;
			*slow = *slow || now - h->since_us > HEADER_GRACE_US;
		}
	return n;
}

/* Slow headers: only NET_HEADER_POOL requests have their headers read at once (the rest wait
 * for a place), and one that sends them a byte at a time holds its place for the header
 * timeout. One address may keep at most NET_HEADER_PER_ADDRESS requests in that phase once
 * one of them is slow: past that, its new connections are refused at once, and the liveness
 * sweep closes its slow ones beyond the limit (net_header_sweep), so that a trickle from one
 * address cannot keep everybody else waiting. The trusted proxy is exempt: every client comes
 * through it, and it reads headers itself before it forwards a request. */
bool net_header_admit(server *s, const struct sockaddr *sa)
{
	char addr[INET6_ADDRSTRLEN];
	s->accepting[0] = '\0';
	if (!sa)
		return true;
	sockaddr_text(sa, addr);
	if (!addr[0] || (s->opt->trusted_proxy && !strcmp(addr, s->opt->trusted_proxy)))
		return true;
	const addr_count *a = *addr_slot(s, addr);
	bool slow;
	if (a && a->headers >= NET_HEADER_PER_ADDRESS && addr_pending(a, mono_us(), &slow) >= NET_HEADER_PER_ADDRESS &&
	    slow) {
		s->header_refused++;
		return false;
	}
	snprintf(s->accepting, sizeof s->accepting, "%s", addr);
	return true;
}

/* Counts wsi's headers for addr. */
static void slot_add(server *s, struct lws *wsi, const char *addr, bool kept_alive)
{
	header_slot *h = calloc(1, sizeof *h);
	addr_count *a = h ? addr_get(s, addr) : NULL;
	if (!a) {
		free(h);
		return;
	}
	h->kept_alive = kept_alive;
	a->headers++;
	h->wsi = wsi;
	h->a = a;
	h->since_us = mono_us();
	h->a_next = a->slots;
	a->slots = h;
	header_slot **pp = header_slot_of(s, wsi);
	h->next = *pp;
	*pp = h;
}

void net_header_start(server *s, struct lws *wsi)
{
	if (!s->accepting[0])
		return;
	char addr[INET6_ADDRSTRLEN];
	snprintf(addr, sizeof addr, "%s", s->accepting);
	s->accepting[0] = '\0';
	slot_add(s, wsi, addr, false);
}

void net_header_rearm(server *s, struct lws *wsi)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof sa;
	char addr[INET6_ADDRSTRLEN];
	if (*header_slot_of(s, wsi) || getpeername(lws_get_socket_fd(wsi), (struct sockaddr *)&sa, &len))
		return;
	sockaddr_text((struct sockaddr *)&sa, addr);
	if (addr[0] && !(s->opt->trusted_proxy && !strcmp(addr, s->opt->trusted_proxy)))
		slot_add(s, wsi, addr, true);
}

void net_header_done(server *s, const struct lws *wsi)
{
	header_slot **pp = header_slot_of(s, wsi), *h = *pp;
	if (!h)
		return;
	*pp = h->next;
	addr_count *a = h->a;
	header_slot **ap = &a->slots;
	while (*ap != h)
		ap = &(*ap)->a_next;
	*ap = h->a_next;
	assert(a->headers > 0);
	a->headers--;
	free(h);
	if (!a->headers) {
		char addr[INET6_ADDRSTRLEN];
		snprintf(addr, sizeof addr, "%s", a->addr);
		addr_release(s, addr);
	}
}

void net_header_sweep(server *s)
{
	int64_t now = mono_us();
	for (size_t i = 0; i < ADDR_BUCKETS; i++)
		for (addr_count *a = s->addrs[i]; a; a = a->next) {
			bool slow;
			unsigned live = a->headers > NET_HEADER_PER_ADDRESS ? addr_pending(a, now, &slow) : 0;
			if (live <= NET_HEADER_PER_ADDRESS)
				continue;
			unsigned excess = live - NET_HEADER_PER_ADDRESS;
			/* The slow ones go (newest first in the list: the oldest are at its end, but any
			 * slow one will do); closed asynchronously, so the list stays as it is here. */
			for (header_slot *h = a->slots; h && excess; h = h->a_next)
				if (slot_slow(h, now)) {
					h->killed = true;
					excess--;
					s->header_refused++;
					lws_set_timeout(h->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
				}
		}
}

void net_header_free_all(server *s)
{
	for (size_t i = 0; i < HEADER_BUCKETS; i++)
		for (header_slot *h = s->header_slots[i], *next; h; h = next) {
			next = h->next;
			free(h);
		}
	memset(s->header_slots, 0, sizeof s->header_slots);
	for (size_t i = 0; i < ADDR_BUCKETS; i++)
		for (addr_count *a = s->addrs[i]; a; a = a->next) {
			a->slots = NULL;
			a->headers = 0;
		}
}

/* --- failed logins per address --------------------------------------------------------------- */

#define LOGIN_WINDOW_US (60 * 1000000LL)

void net_login_failed(server *s, const char *addr)
{
	if (!addr[0])
		return;
	addr_count *a = addr_get(s, addr);
	if (!a)
		return;
	int64_t now = mono_us();
	if (!a->fails || now - a->fails_since_us >= LOGIN_WINDOW_US) {
		a->fails = 0;
		a->fails_since_us = now;
	}
	a->fails++;
}

bool net_login_throttled(server *s, const char *addr)
{
	addr_count *a = addr[0] ? *addr_slot(s, addr) : NULL;
	return a && a->fails >= NET_LOGIN_FAILURES && mono_us() - a->fails_since_us < LOGIN_WINDOW_US;
}

void net_login_sweep(server *s)
{
	int64_t now = mono_us();
	for (size_t i = 0; i < ADDR_BUCKETS; i++)
		for (addr_count *a = s->addrs[i], *next; a; a = next) {
			next = a->next;
			if (a->fails && now - a->fails_since_us >= LOGIN_WINDOW_US) {
				char addr[INET6_ADDRSTRLEN];
				snprintf(addr, sizeof addr, "%s", a->addr);
				a->fails = 0;
				addr_release(s, addr);
			}
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
	if (getpeername(lws_get_socket_fd(wsi), (struct sockaddr *)&sa, &len) == 0)
		sockaddr_text((struct sockaddr *)&sa, peer);
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

/* DNS rebinding: a page of another site whose name the attacker points at this server sends
 * its own name in Host and Origin alike. With no --origin, the Host of a browser's socket must
 * name this server as it is reached directly: localhost, a loopback or the address the
 * connection came to (the one listened on), and the port it came to. */
static bool host_is_self(server *s, struct lws *wsi, const char *host)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof sa;
	char local[INET6_ADDRSTRLEN] = "", name[INET6_ADDRSTRLEN + 2];
	int local_port = 0;
	if (getsockname(lws_get_socket_fd(wsi), (struct sockaddr *)&sa, &len) == 0) {
		sockaddr_text((struct sockaddr *)&sa, local);
		local_port = ntohs(sa.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
		                                            : ((struct sockaddr_in *)&sa)->sin_port);
	}
	const char *colon = host[0] == '[' ? strstr(host, "]:") : strrchr(host, ':');
	if (colon && host[0] == '[')
		colon++;
	size_t n = colon ? (size_t)(colon - host) : strlen(host);
	int port = colon ? (int)strtol(colon + 1, NULL, 10) : s->opt->tls_cert ? 443 : 80;
	if (port != local_port || n >= sizeof name)
		return false;
	memcpy(name, host, n);
	name[n] = '\0';
	if (name[0] == '[' && n > 2 && name[n - 1] == ']') {
		memmove(name, name + 1, n - 2);
		name[n - 2] = '\0';
	}
	return !strcasecmp(name, "localhost") || !strcmp(name, "127.0.0.1") || !strcmp(name, "::1") ||
	       (local[0] && !strcasecmp(name, local)) || !strcasecmp(name, s->opt->listen);
}

/* Cross-Site WebSocket Hijacking: a browser says which page opens a socket in Origin. It must
 * be one of the configured origins, or, when none is configured, the server this request
 * came to (its Host, which must name this server: host_is_self). Clients that are not
 * browsers send no Origin, and need none. */
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
	if (s->opt->norigins || lws_hdr_copy(wsi, host, sizeof host, WSI_TOKEN_HOST) <= 0 ||
	    !host_is_self(s, wsi, host))
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
	/* RFC 6455 §4.2.1: a key, 16 bytes in base64 (the caller answers 400). */
	char key[32];
	if (lws_hdr_copy(wsi, key, sizeof key, WSI_TOKEN_KEY) != 24)
		return "key";
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
