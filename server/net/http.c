/* http.c — HTTP: the web client's static files (gzipped when the browser takes it), the
 * security headers and the CSP, a consultation's page at /c/ID/, the stage's short join code at
 * /j/CODE, and GET /healthz and /metrics for operators. Not the WebSocket protocol (ws.c) nor the metrics' text
 * (metrics.c). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "clock.h"
#include "server.h"

void net_headers_init(http_headers *hh, const char *csp, bool tls)
{
	hh->hsts = (struct lws_protocol_vhost_options){NULL, NULL, "strict-transport-security:", "max-age=31536000"};
	hh->nosniff =
	    (struct lws_protocol_vhost_options){tls ? &hh->hsts : NULL, NULL, "x-content-type-options:", "nosniff"};
	hh->frame = (struct lws_protocol_vhost_options){&hh->nosniff, NULL, "x-frame-options:", "DENY"};
	hh->referrer = (struct lws_protocol_vhost_options){&hh->frame, NULL, "referrer-policy:", "no-referrer"};
	hh->csp = (struct lws_protocol_vhost_options){&hh->referrer, NULL, "content-security-policy:", csp};
}

/* "ws://host:port" for "http://host:port" (and wss for https), appended to csp. */
static void csp_add_ws(char *csp, size_t cap, const char *origin)
{
	size_t n = strlen(csp);
	if (!strncasecmp(origin, "https://", 8))
		snprintf(csp + n, cap - n, " wss://%s", origin + 8);
	else if (!strncasecmp(origin, "http://", 7))
		snprintf(csp + n, cap - n, " ws://%s", origin + 7);
}

void net_csp_build(server *s, int port)
{
	const net_options *o = s->opt;
	snprintf(s->csp, sizeof s->csp, "default-src 'self'; connect-src 'self'");
	for (int i = 0; i < o->norigins; i++)
		csp_add_ws(s->csp, sizeof s->csp, o->origins[i]);
	bool wildcard = !strcmp(o->listen, "0.0.0.0") || !strcmp(o->listen, "::");
	if (!o->norigins && !wildcard) {
		char self[300];
		snprintf(self, sizeof self, "%s://%s%s%s:%d", o->tls_cert ? "https" : "http",
		         strchr(o->listen, ':') ? "[" : "", o->listen, strchr(o->listen, ':') ? "]" : "", port);
		csp_add_ws(s->csp, sizeof s->csp, self);
	}
	size_t n = strlen(s->csp);
	/* base-uri 'self': a consultation's page takes its files from the top with <base>. */
	snprintf(s->csp + n, sizeof s->csp - n,
	         "; base-uri 'self'; form-action 'none'; frame-ancestors 'none'; object-src 'none'");
}

/* Cache-Control by asset (LWS_CALLBACK_ADD_HEADERS, for files of the mount). No file name
 * carries a content hash, so every file is revalidated (cheap: lws answers If-None-Match with
 * 304); only the icon may be kept a day. Every file may come gzipped (gz_open): Vary says so. */
static int add_cache_header(struct lws *wsi, struct lws_process_html_args *args)
{
	char uri[256];
	int n = lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI);
	const char *cc = n > 0 && !strcmp(uri, "/favicon.svg") ? "public, max-age=86400" : "no-cache";
	unsigned char *p = (unsigned char *)args->p, *end = p + args->max_len;
	if (lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:", (const unsigned char *)cc,
	                                (int)strlen(cc), &p, end) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)"vary:", (const unsigned char *)"Accept-Encoding",
	                                15, &p, end))
		return 1;
	args->p = (char *)p;
	return 0;
}

/* Weak networks: the build writes FILE.gz beside every text file of the web client
 * (cmake/gzip.cmake). lws flags a file's open with LWS_FOP_FLAG_COMPR_ACCEPTABLE_GZIP when
 * the request's Accept-Encoding names gzip, and answers Content-Encoding: gzip when the file
 * opened says LWS_FOP_FLAG_COMPR_IS_GZIP; this wraps its platform open to open FILE.gz then,
 * when it is there and no older than FILE (a file edited in place is never hidden behind a
 * stale copy). Length and ETag are the compressed file's; the type is still FILE's. */
static lws_fop_fd_t (*plat_open)(const struct lws_plat_file_ops *fops, const char *filename, const char *vpath,
                                 lws_fop_flags_t *flags);

static lws_fop_fd_t gz_open(const struct lws_plat_file_ops *fops, const char *filename, const char *vpath,
                            lws_fop_flags_t *flags)
{
	char gz[PATH_MAX];
	struct stat plain, packed;
	if ((*flags & LWS_FOP_FLAG_COMPR_ACCEPTABLE_GZIP) &&
	    snprintf(gz, sizeof gz, "%s.gz", filename) < (int)sizeof gz && !stat(filename, &plain) &&
	    S_ISREG(plain.st_mode) && !stat(gz, &packed) && S_ISREG(packed.st_mode) &&
	    packed.st_mtime >= plain.st_mtime) {
		lws_fop_flags_t f = *flags | LWS_FOP_FLAG_COMPR_IS_GZIP;
		lws_fop_fd_t fd = plat_open(fops, gz, vpath, &f);
		if (fd) {
			*flags = f;
			return fd;
		}
	}
	return plat_open(fops, filename, vpath, flags);
}

void net_serve_gzip(struct lws_context *ctx)
{
	struct lws_plat_file_ops *fops = lws_get_fops(ctx);
	if (fops->LWS_FOP_OPEN == gz_open)
		return;
	plat_open = fops->LWS_FOP_OPEN;
	fops->LWS_FOP_OPEN = gz_open;
}

/* Ends a request answered here: 0 when its connection is kept for the next one, whose headers
 * then count against its address again (net_header_rearm); -1 to close it. */
static int completed(struct lws *wsi)
{
	if (lws_http_transaction_completed(wsi))
		return -1;
	net_header_rearm(lws_context_user(lws_get_context(wsi)), wsi);
	return 0;
}

/* --- operators: GET /healthz and GET /metrics --------------------------------------------- */

/* Sends a whole answer the server writes by hand: status, type, one optional header (name and
 * value), Cache-Control: no-store (none of these may be kept by a browser or a cache), and the
 * body `text`, which has LWS_PRE bytes of room before it. */
static int send_answer(struct lws *wsi, unsigned status, const char *type, const char *name, const char *value,
                       char *text, size_t len)
{
	unsigned char head[LWS_PRE + 1024], *start = head + LWS_PRE, *p = start, *end = head + sizeof head - 1;
	if (lws_add_http_common_headers(wsi, status, type, len, &p, end) ||
	    (name && lws_add_http_header_by_name(wsi, (const unsigned char *)name, (const unsigned char *)value,
	                                         (int)strlen(value), &p, end)) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:", (const unsigned char *)"no-store",
	                                8, &p, end) ||
	    lws_finalize_write_http_header(wsi, start, &p, end))
		return -1;
	if (lws_write(wsi, (unsigned char *)text, len, LWS_WRITE_HTTP_FINAL) != (int)len)
		return -1;
	return completed(wsi);
}

/* Answers GET /healthz (200 while the service loop runs and the database takes writes, 503 with
 * the reason otherwise; a stopping server takes no new connection at all) and GET /metrics. */
static int serve_status(server *s, struct lws *wsi, const char *path)
{
	static char body[LWS_PRE + 8192];
	char *text = body + LWS_PRE;
	size_t cap = sizeof body - LWS_PRE, len;
	const char *type = "text/plain; charset=utf-8";
	unsigned status = HTTP_STATUS_OK;
	if (!strcmp(path, "/healthz")) {
		/* Not ok while the database takes no writes: every command would fail. */
		char why[256];
		bool ok = hub_health(s->hub, why, sizeof why);
		status = ok ? HTTP_STATUS_OK : HTTP_STATUS_SERVICE_UNAVAILABLE;
		len = (size_t)(ok ? snprintf(text, cap, "ok\n") : snprintf(text, cap, "unavailable: %s\n", why));
	} else {
		type = "text/plain; version=0.0.4; charset=utf-8";
		len = net_metrics_text(s, text, cap);
	}
	return send_answer(wsi, status, type, NULL, NULL, text, len);
}

/* A status with no body but its own headers (lws' own carry no Cache-Control): a 404, and the
 * redirect of /c/ID to /c/ID/, neither of which a browser or a cache may keep. */
static int answer_status(struct lws *wsi, unsigned code, const char *location)
{
	unsigned char head[LWS_PRE + 1024], *start = head + LWS_PRE, *p = start, *end = head + sizeof head - 1;
	if (lws_add_http_header_status(wsi, code, &p, end) ||
	    (location && lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_LOCATION, (const unsigned char *)location,
	                                              (int)strlen(location), &p, end)) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:", (const unsigned char *)"no-store",
	                                8, &p, end) ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE, (const unsigned char *)"text/plain", 10, &p,
	                                 end) ||
	    lws_add_http_header_content_length(wsi, 0, &p, end) || lws_finalize_http_header(wsi, &p, end))
		return -1;
	if (lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_HEADERS | LWS_WRITE_H2_STREAM_END) < 0)
		return -1;
	return completed(wsi);
}

/* PERF-4: GET /c/ID/ is a consultation's page: the web client's index.html, whose <base> takes
 * its files from the top and whose WebSocket goes to /c/ID/ws, so that a proxy can pin each
 * consultation to one process by the path alone. /c/ID answers with a redirect to /c/ID/; any
 * other path under /c is not found. */
static int serve_page(server *s, struct lws *wsi, const char *uri)
{
	const char *id = uri + 3;
	size_t n = strncmp(uri, "/c/", 3) ? 0 : net_path_id_len(id);
	unsigned char head[LWS_PRE + 1024], *start = head + LWS_PRE, *p = start, *end = head + sizeof head - 1;
	if (n && id[n] == '\0') {
		/* Relative, so that it holds behind a proxy that serves Roundtable under a prefix. */
		char loc[CORE_ID_MAX + 2];
		snprintf(loc, sizeof loc, "%.*s/", (int)n, id);
		return answer_status(wsi, HTTP_STATUS_MOVED_PERMANENTLY, loc);
	}
	if (!n || strcmp(id + n, "/") != 0)
		return answer_status(wsi, HTTP_STATUS_NOT_FOUND, NULL);
	char index[PATH_MAX];
	snprintf(index, sizeof index, "%s/index.html", s->opt->web_dir);
	if (lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:", (const unsigned char *)"no-cache",
	                                8, &p, end) ||
	    lws_add_http_header_by_name(wsi, (const unsigned char *)"vary:", (const unsigned char *)"Accept-Encoding",
	                                15, &p, end))
		return -1;
	int rc = lws_serve_http_file(wsi, index, "text/html", (const char *)start, (int)(p - start));
	if (rc < 0 || (rc > 0 && lws_http_transaction_completed(wsi)))
		return -1;
	return 0;
}

/* --- the stage's short join code: GET /j/CODE ------------------------------------------- */

/* An answer of its own with a short body (a join code's answer changes when its link is
 * rotated or revoked, so it is never kept either). */
static int answer(struct lws *wsi, unsigned status, const char *type, const char *name, const char *value,
                  const char *body)
{
	static char out[LWS_PRE + 512];
	int n = snprintf(out + LWS_PRE, sizeof out - LWS_PRE, "%s", body);
	if (n < 0 || (size_t)n >= sizeof out - LWS_PRE)
		return -1;
	return send_answer(wsi, status, type, name, value, out + LWS_PRE, (size_t)n);
}

/* Failed look-ups are limited per client address, so that nobody can try codes until one
 * opens a consultation: after JOIN_FAILURES misses within JOIN_WINDOW_US, every look-up from
 * that address (a right code too, or the limit would tell a hit from a miss) gets 429 until the
 * window that began with its first miss ends. Addresses are kept here, in memory only, for as
 * long as a window lasts, and never logged (CHR-7). A table of fixed size: when every slot an
 * address may take holds another live window, the oldest is forgotten. */
#define JOIN_FAILURES 10
#define JOIN_WINDOW_US (60 * 1000000LL)
#define JOIN_SLOTS 1024
#define JOIN_PROBES 8
static struct join_misses {
	char addr[INET6_ADDRSTRLEN];
	int64_t since_us;
	unsigned n;
} join_misses[JOIN_SLOTS];

/* The slot of addr's window (NULL if none) or, with `take`, a slot for a new one. */
static struct join_misses *join_slot(const char *addr, int64_t now, bool take)
{
	uint32_t h = 2166136261u;
	for (const char *c = addr; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	struct join_misses *free_slot = NULL, *oldest = NULL;
	for (int i = 0; i < JOIN_PROBES; i++) {
		struct join_misses *m = &join_misses[(h + (uint32_t)i) % JOIN_SLOTS];
		if (m->addr[0] && now - m->since_us >= JOIN_WINDOW_US)
			memset(m, 0, sizeof *m); /* its window is over: forget the address */
		if (m->addr[0] && !strcmp(m->addr, addr))
			return m;
		if (!m->addr[0] && !free_slot)
			free_slot = m;
		if (m->addr[0] && (!oldest || m->since_us < oldest->since_us))
			oldest = m;
	}
	if (!take)
		return NULL;
	struct join_misses *m = free_slot ? free_slot : oldest;
	memset(m, 0, sizeof *m);
	snprintf(m->addr, sizeof m->addr, "%s", addr);
	m->since_us = now;
	return m;
}

/* GET /j/CODE: the stage's short join code (K7QX-42AB, any case, dash optional) answers 303
 * with the open participant link, relative so that it holds behind a proxy that serves
 * Roundtable under a prefix (../c/ID/#TOKEN from /j/CODE). The token is in the fragment, which
 * the browser keeps and never sends. No such code: 404. */
static int serve_join(server *s, struct lws *wsi, const char *uri)
{
	static const char html[] = "text/html; charset=utf-8";
	char addr[INET6_ADDRSTRLEN];
	net_client_addr(s, wsi, addr);
	int64_t now = mono_us();
	struct join_misses *m = join_slot(addr, now, false);
	if (m && m->n >= JOIN_FAILURES) {
		char retry[24];
		snprintf(retry, sizeof retry, "%lld",
		         (long long)((m->since_us + JOIN_WINDOW_US - now + 999999) / 1000000));
		return answer(wsi, 429, html, "retry-after:", retry,
		              "<!doctype html><meta charset=\"utf-8\"><title>Roundtable</title>"
		              "<p>Too many unknown join codes from this address. Wait a minute, then try again.</p>\n");
	}
	const char *code = strncmp(uri, "/j/", 3) ? "" : uri + 3;
	store_join join;
	rt_err err = hub_join_code(s->hub, code, strlen(code), &join);
	if (err == RT_OK) {
		char loc[sizeof join.owner + sizeof join.token + 16];
		snprintf(loc, sizeof loc, "../c/%s/#%s", join.owner, join.token);
		return answer(wsi, HTTP_STATUS_SEE_OTHER, html, "location:", loc,
		              "<!doctype html><meta charset=\"utf-8\"><title>Roundtable</title><p>Opening the "
		              "consultation.</p>\n");
	}
	if (err == RT_E_SERVER_UNAVAILABLE)
		return answer(wsi, HTTP_STATUS_SERVICE_UNAVAILABLE, html, "retry-after:", "5",
		              "<!doctype html><meta charset=\"utf-8\"><title>Roundtable</title>"
		              "<p>The server is busy. Try again in a few seconds.</p>\n");
	m = join_slot(addr, now, true);
	m->n++;
	return answer(wsi, HTTP_STATUS_NOT_FOUND, html, NULL, NULL,
	              "<!doctype html><meta charset=\"utf-8\"><title>Roundtable</title>"
	              "<p>No consultation has this join code. Check it on the shared screen: eight letters and "
	              "digits, such as K7QX-42AB.</p>\n");
}

/* The HTTP protocol serves files through lws' default handler. A WebSocket upgrade that
 * offers no subprotocol lands here, on the vhost's first protocol: refuse it, so that every
 * session speaks a named, versioned protocol. */
/* --- ORG-1: GET /download/TICKET, a document the organiser's console asked for --------------- */

/* A ticket works once, for a minute (hub_download_take): the organiser's own token never goes
 * in a URL, and a ticket in a log is spent. */
static int serve_download(server *s, struct lws *wsi, const char *ticket)
{
	hub_download d;
	if (!hub_download_take(s->hub, ticket, &d))
		return answer_status(wsi, HTTP_STATUS_NOT_FOUND, NULL);
	char *buf = malloc(LWS_PRE + d.len + 1);
	char disposition[HUB_DOWNLOAD_NAME_MAX + 32];
	snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", d.filename);
	int rc = -1;
	if (buf) {
		memcpy(buf + LWS_PRE, d.body, d.len);
		rc = send_answer(wsi, HTTP_STATUS_OK, d.media_type, "content-disposition:", disposition, buf + LWS_PRE,
		                 d.len);
	}
	free(buf);
	hub_download_free(&d);
	return rc;
}

int net_callback_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	server *s = lws_context_user(lws_get_context(wsi));
	switch (reason) {
	case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
		/* A stopping server takes no new connection: clients retry until the next one is up.
		 * `user` holds the accepted client's address: one address may have only so many
		 * requests whose headers are still arriving (net_header_admit). */
		if (s->draining)
			return 1;
		return !net_header_admit(
		    s, user ? (const struct sockaddr *)&((struct lws_filter_network_conn_args *)user)->cli_addr : NULL);
	case LWS_CALLBACK_WSI_CREATE:
		net_header_start(s, wsi);
		return 0;
	case LWS_CALLBACK_HTTP_FILE_COMPLETION:
		/* lws completes the transaction next; closed instead, WSI_DESTROY undoes this. */
		net_header_rearm(s, wsi);
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	case LWS_CALLBACK_WSI_DESTROY:
	case LWS_CALLBACK_FILTER_HTTP_CONNECTION:
		net_header_done(s, wsi);
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		net_header_done(s, wsi);
		return 1;
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: {
		/* lws would turn a connection asking `Upgrade: h2c` into HTTP/2, whose code Roundtable
		 * does not use, and whose settings a client may make absurd: it is hung up on. `in` is
		 * not read: for an upgrade lws does not know, it points into headers lws has already
		 * released (CVE-2025-11677); the headers are read through the wsi, which has none then. */
		char up[16];
		net_header_done(s, wsi);
		if (lws_hdr_copy(wsi, up, sizeof up, WSI_TOKEN_UPGRADE) > 0 && !strcasecmp(up, "h2c"))
			return -1;
		return 0;
	}
	default:
		break;
	}
	if (reason == LWS_CALLBACK_ADD_HEADERS)
		return add_cache_header(wsi, in);
	if (reason == LWS_CALLBACK_HTTP) {
		/* Only the status and page mounts call back here; files are lws' own. */
		char uri[128];
		if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) <= 0)
			uri[0] = '\0'; /* none (HEAD, POST) or too long: not found */
		if (!strcmp(uri, "/healthz") || !strcmp(uri, "/metrics"))
			return serve_status(s, wsi, uri);
		if (!strcmp(uri, "/c") || !strncmp(uri, "/c/", 3))
			return serve_page(s, wsi, uri);
		if (!strcmp(uri, "/j") || !strncmp(uri, "/j/", 3))
			return serve_join(s, wsi, uri);
		if (!strncmp(uri, "/download/", 10))
			return serve_download(s, wsi, uri + 10);
		return answer_status(wsi, HTTP_STATUS_NOT_FOUND, NULL);
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}
