/* serve.c — serve and demo: open the store, hand it to the transport, and run until a signal;
 * demo first creates its consultation (once) and prints fresh role links once the port is
 * known. The options are parsed in options.c; serving is server/net's. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "crypto.h"
#include "log.h"

#ifndef ROUNDTABLE_INSTALLED_WEB_DIR
#define ROUNDTABLE_INSTALLED_WEB_DIR "/usr/share/roundtable/web"
#endif
#ifndef ROUNDTABLE_WEB_DIR
#define ROUNDTABLE_WEB_DIR "web-client"
#endif

/* The web client: the one this binary was built with while it is there (a build tree), else
 * the installed one (cmake --install). */
static const char *default_web_dir(void)
{
	char index[PATH_MAX];
	snprintf(index, sizeof index, "%s/index.html", ROUNDTABLE_WEB_DIR);
	return access(index, R_OK) == 0 ? ROUNDTABLE_WEB_DIR : ROUNDTABLE_INSTALLED_WEB_DIR;
}

/* The demo agenda (protocol/agendas/engagement-session.json), embedded by the build. */
extern const char roundtable_demo_agenda[];
extern const size_t roundtable_demo_agenda_len;

static int serve_common(const options *o, store *st, void (*on_ready)(int, void *), void *arg)
{
	net_options no = o->net;
	no.listen = o->listen;
	no.port = o->port;
	no.web_dir = o->web_dir;
	no.data_path = o->data_dir;
	no.ping_seconds = o->ping;
	no.queue_limit_kib = o->queue;
	rtlog_setup((rtlog_level)o->log_level, (rtlog_format)o->log_format, NULL);
	char index[PATH_MAX];
	snprintf(index, sizeof index, "%s/index.html", o->web_dir);
	if (access(index, R_OK)) {
		fprintf(stderr, "roundtable: no web client at %s (use --web DIR)\n", o->web_dir);
		return 1;
	}
	/* The composition root: the hub over the store, handed to the transport. */
	hub *h = hub_new(st, NULL, 0);
	if (!h)
		return 1;
	if (o->links_ttl_hours >= 0)
		hub_set_links_ttl(h, o->links_ttl_hours * 3600000LL);
	if (o->live_window >= 0)
		hub_set_live_window(h, o->live_window);
	cli_console_ctx console = {.st = st, .data_dir = o->data_dir};
	hub_set_console(h, cli_console, &console); /* ORG-1 */
	int rc = net_serve(&no, h, on_ready, arg);
	hub_free(h);
	return rc;
}

/* What serve and demo use when no option says otherwise. */
static options server_defaults(void)
{
	return (options){.data_dir = "data",
	                 .listen = "127.0.0.1",
	                 .port = 8080,
	                 .web_dir = default_web_dir(),
	                 .links_ttl_hours = -1,
	                 .live_window = -1,
	                 .log_level = RTLOG_INFO,
	                 .log_format = RTLOG_TEXT};
}

int cli_serve(int argc, char **argv, const char *usage)
{
	static const int allowed[] = {OPT_DATA,   OPT_LISTEN,       OPT_PORT,      OPT_WEB,
	                              OPT_CONFIG, OPT_CHECK_CONFIG, OPTS_SECURITY, 0};
	options o = server_defaults();
	config_argv ca = {0};
	const char *path = cli_config_arg(argc, argv);
	if (path && cli_config_args(path, argc, argv, usage, allowed, &o, &ca)) {
		cli_config_argv_free(&ca);
		return 2;
	}
	int rc = cli_parse_options(path ? ca.argc : argc, path ? ca.argv : argv, usage, allowed, &o, NULL, 0, NULL);
	if (rc || o.check_config) {
		rc = rc ? (rc > 0 ? 0 : 2) : cli_check_config(&o);
		cli_config_argv_free(&ca);
		return rc;
	}
	store *st = cli_open_store(o.data_dir);
	rc = st ? serve_common(&o, st, NULL, NULL) : 1;
	store_close(st);
	cli_config_argv_free(&ca);
	return rc;
}

typedef struct demo_ctx {
	options *o;
	store *st;
	core_agenda *a;
	int rc;
} demo_ctx;

/* Runs once the port is known, so that the printed links carry it. */
static void demo_ready(int port, void *arg)
{
	demo_ctx *d = arg;
	link_set *ls = calloc(1, sizeof *ls);
	char base[URL_MAX - 32];
	d->o->port = port;
	cli_default_base(d->o, base, sizeof base);
	char organiser[URL_MAX];
	if (ls && cli_issue_links(d->st, d->a, base, d->o->invitations, ls) == 0 &&
	    cli_organiser_link_new(d->st, base, organiser, sizeof organiser) == 0) {
		cli_print_links(d->a, ls, false);
		printf("  organiser:        %s\n", organiser);
		fflush(stdout);
	} else {
		d->rc = 1;
	}
	free(ls);
}

int cli_demo(int argc, char **argv, const char *usage)
{
	static const int allowed[] = {OPT_DATA,     OPT_LISTEN,      OPT_PORT,      OPT_WEB,
	                              OPT_BASE_URL, OPT_INVITATIONS, OPTS_SECURITY, 0};
	options o = server_defaults();
	int rc = cli_parse_options(argc, argv, usage, allowed, &o, NULL, 0, NULL);
	if (rc)
		return rc > 0 ? 0 : 2;
	store *st = cli_open_store(o.data_dir);
	core_agenda *a = calloc(1, sizeof *a);
	if (!st || !a) {
		store_close(st);
		free(a);
		return 1;
	}
	core_state state;
	uint8_t secret[CRYPTO_SECRET_BYTES];
	rc = 1;
	if (store_find_by_origin(st, "demo", a->id) == RT_OK && store_load(st, a->id, &state, secret) == RT_OK) {
		*a = state.agenda;
		core_state_free(&state);
		memset(secret, 0, sizeof secret);
		rc = 0;
	} else if (cli_create_consultation(st, roundtable_demo_agenda, roundtable_demo_agenda_len, "the demo agenda",
	                                   "demo", a) == 0) {
		rc = 0;
	}
	if (rc == 0) {
		demo_ctx d = {.o = &o, .st = st, .a = a};
		rc = serve_common(&o, st, demo_ready, &d);
		rc = rc ? rc : d.rc;
	}
	free(a);
	store_close(st);
	return rc;
}
