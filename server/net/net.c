/* net.c — libwebsockets transport for Roundtable (lws 4.1): the context, its vhost and mounts,
 * the timers the hub asks for, signals, the graceful stop and the loop, on lws' own poll loop,
 * single-threaded. No consultation logic, and no protocol callback (ws.c, http.c, control.c).
 *
 * LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: lws 4.1.6 as shipped by Debian calls it with a pointer into
 * released headers for an upgrade it does not know (CVE-2025-11677); http.c handles it only to
 * refuse h2c, and never reads that pointer. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/un.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "clock.h"
#include "log.h"
#include "server.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* --- timers: the hub's flush and its clocks --------------------------------------------------- */

static void flush_cb(lws_sorted_usec_list_t *sul)
{
	server *s = lws_container_of(sul, server, flush_sul);
	s->flush_scheduled = false;
	hub_flush(s->hub);
}

static void wake(void *ctx)
{
	server *s = ctx;
	if (s->flush_scheduled || s->stopping)
		return;
	s->flush_scheduled = true;
	/* Due at once: lws runs ripe timers at the top of its next loop iteration, after every
	 * socket that was ready in this one has been read — so one flush (one commit) covers
	 * every command that arrived together. */
	lws_sul_schedule(s->ctx, 0, &s->flush_sul, flush_cb, 1);
}

static int64_t io_now_ms(void *ctx)
{
	(void)ctx;
	return now_ms();
}

static void due_cb(lws_sorted_usec_list_t *sul)
{
	server *s = lws_container_of(sul, server, due_sul);
	hub_tick(s->hub);
}

/* The clocks' timer lives in the event loop like every other: when it fires, the hub sends the
 * core a command through the same path as clients'. */
static void schedule(void *ctx, int64_t due_ms)
{
	server *s = ctx;
	if (s->stopping)
		return;
	if (!due_ms) {
		lws_sul_cancel(&s->due_sul);
		return;
	}
	int64_t wait_ms = due_ms - now_ms();
	lws_sul_schedule(s->ctx, 0, &s->due_sul, due_cb, wait_ms > 0 ? wait_ms * LWS_US_PER_MS : 1);
}

/* Appends len bytes to a receive buffer that doubles as needed up to max bytes (the caller has
 * checked that they fit). -1 when out of memory. */
int net_append_rx(char **buf, size_t *used, size_t *cap, const void *in, size_t len, size_t max)
{
	if (*used + len > *cap) {
		size_t ncap = *cap ? *cap : 4096;
		while (ncap < *used + len)
			ncap *= 2;
		if (ncap > max)
			ncap = max;
		char *nb = realloc(*buf, ncap);
		if (!nb)
			return -1;
		*buf = nb;
		*cap = ncap;
	}
	memcpy(*buf + *used, in, len);
	*used += len;
	return 0;
}

/* --- context ----------------------------------------------------------------------------- */

static const struct lws_protocol_vhost_options mime_json = {NULL, NULL, ".json", "application/json"};
static const struct lws_protocol_vhost_options mime_mjs = {&mime_json, NULL, ".mjs", "text/javascript"};

static void drain_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul; /* only wakes lws_service up, so that the drain loop looks at the time */
}

/* The graceful stop: new connections are refused, what is pending commits and is queued, and
 * each connection is closed with 1001 once its queue is written; one that does not take it
 * within NET_DRAIN_MS is closed with the context. */
static void drain(server *s, const struct lws_protocols *ws)
{
	s->draining = true;
	lws_sul_cancel(&s->due_sul);
	hub_flush(s->hub);
	hub_send_held(s->hub);
	lws_callback_on_writable_all_protocol(s->ctx, ws);
	int64_t deadline = now_ms() + NET_DRAIN_MS;
	while (s->conns.count && now_ms() < deadline) {
		lws_sul_schedule(s->ctx, 0, &s->drain_sul, drain_cb, 50 * LWS_US_PER_MS);
		if (lws_service(s->ctx, 0) < 0)
			break;
	}
	lws_sul_cancel(&s->drain_sul);
	hub_flush(s->hub); /* what the closing connections' departures changed (presence) */
}

/* The host of an origin "scheme://host[:port]" into buf, and its port (the scheme's if none). */
static int origin_host(const char *origin, char *buf, size_t cap)
{
	bool tls = !strncasecmp(origin, "https://", 8);
	const char *h = strstr(origin, "://");
	h = h ? h + 3 : origin;
	size_t n = strcspn(h, ":/");
	snprintf(buf, cap, "%.*s", (int)n, h);
	return h[n] == ':' ? (int)strtol(h + n + 1, NULL, 10) : tls ? 443 : 80;
}

/* lws' own lines, as lines of the log: its level, and the text without the newline. */
static void lws_log(int level, const char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	char text[512];
	snprintf(text, sizeof text, "%.*s", (int)(n < sizeof text ? n : sizeof text - 1), line);
	rtlog_line l;
	rtlog_begin(&l, level == LLL_ERR ? RTLOG_ERROR : RTLOG_DEBUG, "libwebsockets");
	rtlog_str(&l, "msg", text);
	rtlog_end(&l);
}

int net_serve(const net_options *opt, hub *h, void (*on_ready)(int port, void *arg), void *arg)
{
	static const struct lws_protocols protocols[] = {
	    {"http", net_callback_http, 0, 0, 0, NULL, 0},
	    {WIRE_SUBPROTOCOL, net_callback_roundtable, sizeof(conn), CONN_RX_BYTES, 0, NULL, CONN_TX_BYTES},
	    {NULL, NULL, 0, 0, 0, NULL, 0},
	};
	server *s = calloc(1, sizeof *s); /* the address table makes it too large for the stack */
	if (!s)
		return 1;
	s->opt = opt;
	s->started = time(NULL);
	s->queue_max = opt->queue_limit_kib > 0 ? (size_t)opt->queue_limit_kib * 1024 : CONN_QUEUE_MAX_BYTES;
	s->memory_max = (size_t)(opt->memory_limit_mib > 0 ? opt->memory_limit_mib : NET_MEMORY_MIB) * 1024 * 1024;
	s->max_conns = opt->max_connections > 0 ? (size_t)opt->max_connections : NET_MAX_CONNECTIONS;
	s->max_per_addr = opt->max_per_address > 0 ? (size_t)opt->max_per_address : NET_MAX_PER_ADDRESS;
	s->max_message =
	    opt->max_message > 0 && opt->max_message < WIRE_MAX_MESSAGE ? (size_t)opt->max_message : WIRE_MAX_MESSAGE;
	int rate = opt->rate > 0 ? opt->rate : NET_RATE;
	s->burst = opt->burst > 0 ? (unsigned)opt->burst : NET_BURST;
	s->msg_cost_us = 1000000 / rate;
	s->burst_us = s->msg_cost_us * s->burst;
	s->auth_timeout = opt->auth_timeout > 0 ? opt->auth_timeout : NET_AUTH_TIMEOUT;

	/* GET /healthz and /metrics, for operators (README.md, "Operations"); /c/ID/, a
	 * consultation's page (serve_page, http.c); the rest are files. */
	struct lws_http_mount mount = {0}, health = {0}, metrics = {0}, pages = {0}, joins = {0}, downloads = {0};
	health.mountpoint = "/healthz";
	health.mountpoint_len = 8;
	health.origin = "http";
	health.origin_protocol = LWSMPRO_CALLBACK;
	health.mount_next = &metrics;
	metrics = health;
	metrics.mountpoint = "/metrics";
	metrics.mount_next = &pages;
	pages = health;
	pages.mountpoint = "/c";
	pages.mountpoint_len = 2;
	pages.mount_next = &joins;
	joins = pages;
	joins.mountpoint = "/j"; /* the stage's short join code (serve_join, http.c) */
	joins.mount_next = &downloads;
	downloads = pages;
	downloads.mountpoint = "/download"; /* ORG-1: the organiser's one-time downloads */
	downloads.mountpoint_len = 9;
	downloads.mount_next = &mount;
	mount.mountpoint = "/";
	mount.mountpoint_len = 1;
	mount.origin = opt->web_dir;
	mount.def = "index.html";
	mount.origin_protocol = LWSMPRO_FILE;
	mount.extra_mimetypes = &mime_mjs;
	mount.protocol = "http"; /* for LWS_CALLBACK_ADD_HEADERS: Cache-Control per file */
	/* What a 304 carries (lws adds it itself): revalidate, as the 200 says with no-cache. */
	mount.cache_max_age = 1;
	mount.cache_reusable = 1;
	mount.cache_revalidate = 1;

	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.port = opt->port;
	info.iface = opt->listen;
	info.protocols = protocols;
	info.mounts = &health;
	info.user = s;
	/* Browsers check the Host they sent against this name when the server is reached directly
	 * (strict host check); behind a proxy or a port mapping, the proxy checks it. */
	char vhost[256] = "roundtable";
	if (opt->norigins && !opt->trusted_proxy) {
		int oport = origin_host(opt->origins[0], vhost, sizeof vhost);
		if (oport == opt->port)
			info.options |= LWS_SERVER_OPTION_VHOST_UPG_STRICT_HOST_CHECK;
		else
			snprintf(vhost, sizeof vhost, "roundtable");
	}
	info.vhost_name = vhost;
	/* PL-6: lws rejects text that is not UTF-8, even split across fragments, with 1007. No
	 * info.extensions: no permessage-deflate (a small frame must not inflate to a large one). */
	info.options |= LWS_SERVER_OPTION_VALIDATE_UTF8;
	/* Slow headers: a request has header_timeout seconds for its headers, and only
	 * NET_HEADER_POOL requests hold a header buffer at once; others wait their turn. */
	info.timeout_secs = (unsigned)(opt->header_timeout > 0 ? opt->header_timeout : NET_HEADER_TIMEOUT);
	info.timeout_secs_ah_idle = info.timeout_secs;
	info.keepalive_timeout = (int)info.timeout_secs;
	info.max_http_header_data = (unsigned short)(opt->header_bytes > 0 ? opt->header_bytes : NET_HEADER_BYTES);
	info.max_http_header_pool = NET_HEADER_POOL;
	/* lws caps itself at 2,560 connections when the fd limit is huge (some containers);
	 * ask for a definite limit instead, above the WebSocket limit. */
	info.rlimit_nofile = (int)(s->max_conns + 1024 > 65536 ? s->max_conns + 1024 : 65536);
	/* PERF-3: a connection silent for `ping` seconds is pinged; one that answers nothing for
	 * three times that is dropped (net_alive_cb, ws.c). */
	s->ping_us = (int64_t)(opt->ping_seconds > 0 ? opt->ping_seconds : NET_PING_SECONDS) * 1000000;
	/* PERF-3: and no lws validity timer per connection. lws 4.1 keeps every connection's in one
	 * sorted list of all timers and re-inserts it on each pong, a walk of the whole list: at
	 * 10,000 connections, millions of steps a second. A vhost policy whose hang-up time is 0
	 * schedules none (_lws_validity_confirmed_role); the sweep above does the job instead. */
	static const lws_retry_bo_t no_validity_timer = {.secs_since_valid_ping = 0, .secs_since_valid_hangup = 0};
	info.retry_and_idle_policy = &no_validity_timer;
	if (opt->tls_cert) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = opt->tls_cert;
		info.ssl_private_key_filepath = opt->tls_key;
		info.ssl_options_set = SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1;
		info.alpn = "http/1.1"; /* WebSockets over HTTP/1.1 only: one code path */
	}
	net_csp_build(s, opt->port);
	http_headers hh;
	net_headers_init(&hh, s->csp, opt->tls_cert != NULL);
	info.headers = &hh.csp;

	/* CHR-7: lws' notices name peers' addresses; keep only its errors (and warnings when
	 * debugging), as lines of our log. */
	lws_set_log_level(LLL_ERR | (rtlog_enabled(RTLOG_DEBUG) ? LLL_WARN : 0), lws_log);

	hub_io io = {.send = net_conn_queue,
	             .wake = wake,
	             .now_ms = io_now_ms,
	             .schedule = schedule,
	             .close = net_conn_close,
	             .ctx = s};
	s->hub = h;
	hub_set_io(h, &io, LWS_PRE);
	s->ctx = lws_create_context(&info);
	if (!s->ctx) {
		rtlog_line l;
		rtlog_begin(&l, RTLOG_ERROR, "start_failed");
		rtlog_str(&l, "msg",
		          opt->tls_cert ? "cannot listen, or cannot load the TLS certificate and key"
		                        : "cannot listen");
		rtlog_str(&l, "listen", opt->listen);
		rtlog_int(&l, "port", opt->port);
		rtlog_end(&l);
		hub_set_io(h, NULL, LWS_PRE);
		free(s);
		return 1;
	}
	if (opt->data_path && net_control_listen(s, opt->data_path)) {
		lws_context_destroy(s->ctx);
		hub_set_io(h, NULL, LWS_PRE);
		free(s);
		return 1;
	}
	net_serve_gzip(s->ctx);
	struct lws_vhost *vh = lws_get_vhost_by_name(s->ctx, vhost);
	int port = vh ? lws_get_vhost_listen_port(vh) : opt->port;
	net_csp_build(s, port); /* the port chosen when 0 was asked for; lws holds the same buffer */
	if (on_ready)
		on_ready(port, arg);
	/* Handlers first: whoever reads "listening" may stop the server at once, gracefully. */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	char url[300];
	snprintf(url, sizeof url, "%s://%s:%d/", opt->tls_cert ? "https" : "http", opt->listen, port);
	{
		rtlog_line l;
		rtlog_begin(&l, RTLOG_INFO, "listening");
		rtlog_str(&l, "url", url);
		rtlog_int(&l, "pid", (int64_t)getpid());
		rtlog_int(&l, "max_connections", (int64_t)s->max_conns);
		rtlog_end(&l);
	}
	/* For people and scripts waiting for the server: one plain line on stdout. */
	printf("roundtable: listening on %s\n", url);
	fflush(stdout);
	lws_sul_schedule(s->ctx, 0, &s->alive_sul, net_alive_cb, LWS_US_PER_SEC);
	while (!interrupted)
		if (lws_service(s->ctx, 0) < 0)
			break;
	{
		rtlog_line l;
		rtlog_begin(&l, RTLOG_INFO, "stopping");
		rtlog_int(&l, "connections", (int64_t)s->conns.count);
		rtlog_end(&l);
	}
	drain(s, &protocols[1]);
	s->stopping = true;
	lws_sul_cancel(&s->flush_sul);
	lws_sul_cancel(&s->due_sul);
	lws_sul_cancel(&s->alive_sul);
	lws_context_destroy(s->ctx);
	/* What the closed connections' departures changed (presence) commits; the hub goes back to
	 * its caller with nothing pending and nobody connected. */
	hub_flush(h);
	hub_set_io(h, NULL, LWS_PRE);
	if (opt->data_path) {
		char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
		net_control_path(opt->data_path, path, sizeof path);
		unlink(path);
	}
	rtlog_line l;
	rtlog_begin(&l, RTLOG_INFO, "stopped");
	rtlog_int(&l, "uptime_s", (int64_t)(time(NULL) - s->started));
	rtlog_int(&l, "culled", (int64_t)s->culled);
	rtlog_int(&l, "refused", (int64_t)s->refused_conns);
	rtlog_end(&l);
	net_addr_free_all(s);
	free(s);
	return 0;
}
