/* main.c — the roundtable command line: parse arguments, open the store, and either create a
 * consultation and print its role links (new), serve (serve), or both for the demo (demo).
 * No consultation logic and no protocol here: those live in server/core and server/wire. */
#include <errno.h>
#include <arpa/inet.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "core.h"
#include "crypto.h"
#include "hub.h"
#include "log.h"
#include "net.h"
#include "report.h"
#include "store.h"
#include "wire.h"

#ifndef ROUNDTABLE_VERSION
#define ROUNDTABLE_VERSION "0.1.0"
#endif
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

/* Personal invitations are few per consultation (selected participants); a bound keeps a
 * typo from minting a million links. */
#define MAX_INVITATIONS 10000
/* --add and --revoke given at once to `roundtable invitations`. */
#define MAX_LABEL_ARGS 256

typedef struct options {
	const char *data_dir;
	const char *listen;
	int port;
	const char *web_dir;
	const char *base_url;
	int invitations;
	bool json;
	int format;                          /* export: core_report_format */
	int lang;                            /* export: core_lang, or CORE_LANG_NONE */
	int k;                               /* export: 0 for the default */
	int ping;                            /* serve: seconds of silence before a ping (0: the default) */
	int queue;                           /* serve: KiB that may wait for one connection (0: the default) */
	int links_ttl_hours;                 /* serve, seal: how long links work after a seal (-1: the default) */
	int live_window;                     /* serve: a busy consultation's live window, ms (-1: the default) */
	net_options net;                     /* serve: origins, limits, TLS */
	const char *revoke, *rotate, *label; /* links */
	/* invitations: labels to add (in order) and to revoke, the group of those added, the cap */
	const char *adds[MAX_LABEL_ARGS], *revokes[MAX_LABEL_ARGS];
	int nadds, nrevokes;
	const char *group;
	const char *seats;
	bool list, csv;
	bool check_config;         /* serve: check the configuration, print it, exit */
	int log_level, log_format; /* serve, demo: rtlog_level, rtlog_format */
} options;

static const char usage_main[] =
    "Usage: roundtable COMMAND [OPTIONS]\n"
    "\n"
    "Roundtable runs the live side of a virtual consultation held under the Chatham House\n"
    "Rule: moderated questions and upvotes, with no question or vote ever attributable.\n"
    "\n"
    "Commands:\n"
    "  serve              serve every consultation in the database\n"
    "  demo               create the demo consultation (once), print its role links, serve\n"
    "  new AGENDA.json    create a consultation from an agenda file and print its role links\n"
    "  denylist ID FILE   give a running server the names to catch in consultation ID's questions\n"
    "  seal ID            seal consultation ID: no pseudonym, secret or unpublished text remains\n"
    "  links ID           revoke or rotate consultation ID's links (live connections cut off)\n"
    "  export ID          write consultation ID's anonymised report (md, html, csv or json)\n"
    "  backup ID FILE     copy consultation ID alone to FILE, safely while the server runs\n"
    "  programme new FILE create a programme of sessions from a file and print its links\n"
    "  programme attendance ID  who attended which session, and the certificates (--csv)\n"
    "  invitations ID     add, revoke and list personal invitations, with seats and a waiting list\n"
    "\n"
    "Run 'roundtable COMMAND --help' for a command's options.\n";

/* The security options of serve and demo (README.md, "Security"). */
#define USAGE_SECURITY                                                                                                 \
	"\n"                                                                                                           \
	"Security (defaults are safe; README.md, \"Security\"):\n"                                                     \
	"  --origin URL     where people open the pages, e.g. https://consult.example.org (repeat\n"                   \
	"                   for up to 4). A WebSocket from a page of any other origin is refused,\n"                   \
	"                   and the CSP names it. Default: the address each request came to\n"                         \
	"  --tls-cert FILE  serve https and wss with this PEM certificate (chain) ...\n"                               \
	"  --tls-key FILE   ... and this PEM private key (default: plain http, for a proxy)\n"                         \
	"  --trusted-proxy ADDR  a reverse proxy at ADDR (e.g. 127.0.0.1) names its client in\n"                       \
	"                   X-Forwarded-For: that address counts for --max-per-address\n"                              \
	"  --max-connections N   WebSocket connections in all (default 20000)\n"                                       \
	"  --max-per-address N   ... from one client address (default 256)\n"                                          \
	"  --rate N         messages per second one connection may send on average (default 20)\n"                     \
	"  --burst N        ... and at once (default 60); beyond, limit.message_rate, then a close\n"                  \
	"  --max-message BYTES  the largest message taken, up to 65536 (default); larger: 1009\n"                      \
	"  --auth-timeout SECS  time from connecting to authenticating (default 10)\n"                                 \
	"  --header-timeout SECS  time for a request's headers to arrive (default 5)\n"                                \
	"  --header-bytes N the most header bytes a request may carry (default 4096)\n"                                \
	"  --links-ttl HOURS  links stop working this long after the consultation is sealed\n"                         \
	"                   (default 168, a week, to read the final report; 0: at the seal)\n"                         \
	"\n"                                                                                                           \
	"Log (standard error, one line per event; never a question, token, label or address):\n"                       \
	"  --log-level L    error, warn, info (default: start, stop, organiser actions, failures)\n"                   \
	"                   or debug (also each refused or dropped connection)\n"                                      \
	"  --log-format F   text (logfmt: key=value, the default) or json (one object a line)\n"

static const char usage_serve[] =
    "Usage: roundtable serve [OPTIONS]\n"
    "\n"
    "Serve the web client and protocol roundtable.v1 for every consultation in the database.\n"
    "\n"
    "  --config FILE    read options from FILE first, one per line as `name = value` (the\n"
    "                   names below without --); options given here override it, and\n"
    "                   --origin given here replaces the file's origins\n"
    "  --check-config   check the options (and FILE), print what the server would use, exit\n"
    "  --data DIR       folder of the database (default ./data)\n"
    "  --listen ADDR    address to listen on (default 127.0.0.1)\n"
    "  --port N         port to listen on (default 8080; 0 picks a free one)\n"
    "  --web DIR        folder of the web client (default: the one built with roundtable, or\n"
    "                   the installed one)\n"
    "  --ping SECS      ping a connection silent for SECS seconds, and drop it after three\n"
    "                   times that without an answer (default 15: a dead phone goes within\n"
    "                   a minute)\n"
    "  --queue-limit KIB  drop a connection that stopped reading once this much waits for\n"
    "                   it (default 4096); it resumes when it comes back\n"
    "  --live-window MS  a busy consultation's updates go out together, at most once in MS\n"
    "                   milliseconds, vote counts coalesced; a lone change at once (default\n"
    "                   200; 0: with every commit)\n" USAGE_SECURITY "  --help           this text\n"
    "\n"
    "SIGTERM or SIGINT stops it gracefully: it stops accepting, commits what it acknowledged,\n"
    "closes every connection with 1001 (clients reconnect and resume) and exits 0.\n";

static const char usage_demo[] =
    "Usage: roundtable demo [OPTIONS]\n"
    "\n"
    "Create the demo consultation (the engagement session 'International cooperation against\n"
    "cybercrime') the first time, print a fresh link for every role, and serve.\n"
    "Earlier links keep working: the server stores only hashes of tokens, so it cannot print\n"
    "old links again.\n"
    "\n"
    "  --data DIR        folder of the database (default ./data)\n"
    "  --listen ADDR     address to listen on (default 127.0.0.1)\n"
    "  --port N          port to listen on (default 8080)\n"
    "  --web DIR         folder of the web client\n"
    "  --base-url URL    start of the printed links (default http://ADDR:PORT/)\n"
    "  --invitations N   also print N personal invitation links (default 0)\n" USAGE_SECURITY
    "  --help            this text\n";

static const char usage_new[] =
    "Usage: roundtable new AGENDA.json [OPTIONS]\n"
    "\n"
    "Create a consultation from an agenda file (format: protocol/agenda.md) and print one link\n"
    "per role: the open participant link, personal invitations, co-chair, rapporteur, one booth\n"
    "per interpretation channel, and stage. Links carry their token after '#'; keep them: the\n"
    "server stores only their hashes.\n"
    "\n"
    "  --data DIR        folder of the database (default ./data)\n"
    "  --base-url URL    start of the printed links (default http://127.0.0.1:8080/)\n"
    "  --invitations N   also create N personal invitation links (default 0)\n"
    "  --json            print the links as one JSON object\n"
    "  --help            this text\n";

static const char usage_denylist[] =
    "Usage: roundtable denylist ID FILE [OPTIONS]\n"
    "\n"
    "Give the server running on the data folder a deny-list for consultation ID (CHR-6): names\n"
    "of people that participants must not name in a question. FILE is UTF-8, one name per line;\n"
    "empty lines and lines starting with '#' are skipped. Names match whatever their case,\n"
    "accents, or Arabic spelling variants. The list is held in the server's memory only, never\n"
    "written to disk: run this again after the server restarts. Delete FILE after the event.\n"
    "\n"
    "  --data DIR       folder of the database (default ./data)\n"
    "  --help           this text\n";

static const char usage_seal[] =
    "Usage: roundtable seal ID [OPTIONS]\n"
    "\n"
    "Seal consultation ID (CHR-5): destroy its pseudonym secret and every pseudonym, delete the\n"
    "text of withdrawn, rejected and never-moderated questions, keep only vote totals, then\n"
    "checkpoint and vacuum the database so that nothing deleted survives in the file, its WAL\n"
    "or free pages. A sealed consultation is read-only. Asks the running server if there is one\n"
    "(the same as a co-chair's Seal), otherwise seals the database itself.\n"
    "\n"
    "  --data DIR       folder of the database (default ./data)\n"
    "  --links-ttl HOURS  when no server runs: links stop working this long after the seal\n"
    "                   (default 168; a running server uses its own setting)\n"
    "  --help           this text\n";

static const char usage_links[] =
    "Usage: roundtable links ID (--revoke WHO | --rotate WHO) [OPTIONS]\n"
    "\n"
    "Revoke consultation ID's links, or rotate them (revoke, then print new ones) (PL-2). WHO is\n"
    "participant (the open link), invitation, cochair, rapporteur, booth or stage. A running\n"
    "server on the data folder cuts off every connection made with a revoked link at once.\n"
    "Rotating the participant link also rotates the stage link, which shows it as a QR code.\n"
    "\n"
    "  --data DIR       folder of the database (default ./data)\n"
    "  --revoke WHO     revoke these links\n"
    "  --rotate WHO     revoke them and print new ones\n"
    "  --label L        only the link with this label: a booth's channel (ar), or an\n"
    "                   invitation's (\"invitation 3\"); needed to rotate an invitation\n"
    "  --base-url URL   start of the printed links (default http://127.0.0.1:8080/)\n"
    "  --json           print JSON: the new links, or what was revoked and cut off (the\n"
    "                   summary line then goes to stderr)\n"
    "  --help           this text\n";

static const char usage_export[] =
    "Usage: roundtable export ID [OPTIONS]\n"
    "\n"
    "Write consultation ID's report to standard output (EX-2..EX-6): the approved items by\n"
    "segment and theme, participation in aggregate, the agenda with planned and actual minutes,\n"
    "and a privacy manifest. Counts from 1 to k-1 read 'fewer than k'. Before the consultation is\n"
    "sealed the report is a draft without counts. The same data gives the same bytes.\n"
    "\n"
    "  --data DIR       folder of the database (default ./data)\n"
    "  --format F       md, html, csv or json (default md)\n"
    "  --lang L         language of the report's own words: en, ar, fr, es (default: the floor's)\n"
    "  --k N            the small-count threshold, 2 to 100 (default 5)\n"
    "  --help           this text\n";

static const char usage_backup[] =
    "Usage: roundtable backup ID FILE [OPTIONS]\n"
    "\n"
    "Copy consultation ID, and nothing of any other consultation, to FILE: a Roundtable database\n"
    "of its own (mode 0600). Safe while the server runs: SQLite's online backup API reads one\n"
    "consistent snapshot and the room goes on meanwhile. FILE is replaced only once the copy is\n"
    "complete, checked and on disk. To restore, serve it: copy FILE to DIR/roundtable.db and run\n"
    "roundtable serve --data DIR.\n"
    "A copy of a consultation not yet sealed holds what the seal destroys (its pseudonyms and\n"
    "their key): keep it as safe as the database, and delete it once the consultation is sealed.\n"
    "\n"
    "  --data DIR       folder of the database (default ./data)\n"
    "  --help           this text\n";

enum {
	OPT_DATA = 256,
	OPT_LISTEN,
	OPT_PORT,
	OPT_WEB,
	OPT_BASE_URL,
	OPT_INVITATIONS,
	OPT_JSON,
	OPT_FORMAT,
	OPT_LANG,
	OPT_K,
	OPT_PING,
	OPT_QUEUE,
	OPT_ORIGIN,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_PROXY,
	OPT_MAX_CONN,
	OPT_MAX_ADDR,
	OPT_RATE,
	OPT_BURST,
	OPT_MAX_MESSAGE,
	OPT_AUTH_TIMEOUT,
	OPT_HEADER_TIMEOUT,
	OPT_HEADER_BYTES,
	OPT_LINKS_TTL,
	OPT_REVOKE,
	OPT_ROTATE,
	OPT_LABEL,
	OPT_CONFIG,
	OPT_CHECK_CONFIG,
	OPT_LOG_LEVEL,
	OPT_LOG_FORMAT,
	OPT_LIVE_WINDOW,
	OPT_ADD,
	OPT_GROUP,
	OPT_SEATS,
	OPT_LIST,
	OPT_CSV,
	OPT_HELP
};

/* The options of serve and demo beyond the address and the files. */
#define OPTS_SECURITY                                                                                                  \
	OPT_PING, OPT_QUEUE, OPT_ORIGIN, OPT_TLS_CERT, OPT_TLS_KEY, OPT_PROXY, OPT_MAX_CONN, OPT_MAX_ADDR, OPT_RATE,   \
	    OPT_BURST, OPT_MAX_MESSAGE, OPT_AUTH_TIMEOUT, OPT_HEADER_TIMEOUT, OPT_HEADER_BYTES, OPT_LINKS_TTL,         \
	    OPT_LOG_LEVEL, OPT_LOG_FORMAT, OPT_LIVE_WINDOW

static const struct option long_options[] = {
    {"data", required_argument, NULL, OPT_DATA},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"port", required_argument, NULL, OPT_PORT},
    {"web", required_argument, NULL, OPT_WEB},
    {"base-url", required_argument, NULL, OPT_BASE_URL},
    {"invitations", required_argument, NULL, OPT_INVITATIONS},
    {"json", no_argument, NULL, OPT_JSON},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"lang", required_argument, NULL, OPT_LANG},
    {"k", required_argument, NULL, OPT_K},
    {"ping", required_argument, NULL, OPT_PING},
    {"queue-limit", required_argument, NULL, OPT_QUEUE},
    {"origin", required_argument, NULL, OPT_ORIGIN},
    {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
    {"tls-key", required_argument, NULL, OPT_TLS_KEY},
    {"trusted-proxy", required_argument, NULL, OPT_PROXY},
    {"max-connections", required_argument, NULL, OPT_MAX_CONN},
    {"max-per-address", required_argument, NULL, OPT_MAX_ADDR},
    {"rate", required_argument, NULL, OPT_RATE},
    {"burst", required_argument, NULL, OPT_BURST},
    {"max-message", required_argument, NULL, OPT_MAX_MESSAGE},
    {"auth-timeout", required_argument, NULL, OPT_AUTH_TIMEOUT},
    {"header-timeout", required_argument, NULL, OPT_HEADER_TIMEOUT},
    {"header-bytes", required_argument, NULL, OPT_HEADER_BYTES},
    {"links-ttl", required_argument, NULL, OPT_LINKS_TTL},
    {"revoke", required_argument, NULL, OPT_REVOKE},
    {"rotate", required_argument, NULL, OPT_ROTATE},
    {"label", required_argument, NULL, OPT_LABEL},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"check-config", no_argument, NULL, OPT_CHECK_CONFIG},
    {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
    {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
    {"live-window", required_argument, NULL, OPT_LIVE_WINDOW},
    {"add", required_argument, NULL, OPT_ADD},
    {"group", required_argument, NULL, OPT_GROUP},
    {"seats", required_argument, NULL, OPT_SEATS},
    {"list", no_argument, NULL, OPT_LIST},
    {"csv", no_argument, NULL, OPT_CSV},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

/* The options that take a whole number: their bounds, and where the number goes. */
static const struct int_option {
	int opt;
	int dflt; /* what the server uses when the option is not given (-1: none) */
	const char *name, *unit;
	int lo, hi;
	size_t at; /* offset in options */
} int_options[] = {
    {OPT_PORT, 8080, "port", "", 0, 65535, offsetof(options, port)},
    {OPT_INVITATIONS, -1, "invitations", "", 0, MAX_INVITATIONS, offsetof(options, invitations)},
    {OPT_QUEUE, NET_QUEUE_KIB, "queue-limit", " of KiB", 64, 1024 * 1024, offsetof(options, queue)},
    {OPT_PING, NET_PING_SECONDS, "ping", " of seconds", 1, 3600, offsetof(options, ping)},
    {OPT_K, CORE_REPORT_DEFAULT_K, "k", "", 2, CORE_REPORT_MAX_K, offsetof(options, k)},
    {OPT_MAX_CONN, NET_MAX_CONNECTIONS, "max-connections", "", 1, 1000000, offsetof(options, net.max_connections)},
    {OPT_MAX_ADDR, NET_MAX_PER_ADDRESS, "max-per-address", "", 1, 1000000, offsetof(options, net.max_per_address)},
    {OPT_RATE, NET_RATE, "rate", " of messages per second", 1, 10000, offsetof(options, net.rate)},
    {OPT_BURST, NET_BURST, "burst", " of messages", 1, 100000, offsetof(options, net.burst)},
    {OPT_MAX_MESSAGE, WIRE_MAX_MESSAGE, "max-message", " of bytes", 1024, WIRE_MAX_MESSAGE,
     offsetof(options, net.max_message)},
    {OPT_AUTH_TIMEOUT, NET_AUTH_TIMEOUT, "auth-timeout", " of seconds", 1, 600, offsetof(options, net.auth_timeout)},
    {OPT_HEADER_TIMEOUT, NET_HEADER_TIMEOUT, "header-timeout", " of seconds", 1, 600,
     offsetof(options, net.header_timeout)},
    {OPT_HEADER_BYTES, NET_HEADER_BYTES, "header-bytes", "", 1024, 16384, offsetof(options, net.header_bytes)},
    {OPT_LINKS_TTL, (int)(HUB_LINKS_TTL_MS / 3600000), "links-ttl", " of hours", 0, 24 * 366,
     offsetof(options, links_ttl_hours)},
    {OPT_LIVE_WINDOW, HUB_LIVE_WINDOW_MS, "live-window", " of milliseconds", 0, 5000, offsetof(options, live_window)},
};

/* "http://host[:port]" or "https://...", with no path (a final "/" is allowed). */
/* Options whose value is one of a few words. */
static const struct enum_option {
	int opt;
	int (*parse)(const char *); /* the value's number, or -1 */
	const char *name, *choices;
	size_t at; /* offset in options */
} enum_options[] = {
    {OPT_FORMAT, core_report_format_parse, "format", "md, html, csv or json", offsetof(options, format)},
    {OPT_LANG, core_lang_parse, "lang", "en, ar, fr or es", offsetof(options, lang)},
    {OPT_LOG_LEVEL, rtlog_level_parse, "log-level", "error, warn, info or debug", offsetof(options, log_level)},
    {OPT_LOG_FORMAT, rtlog_format_parse, "log-format", "text or json", offsetof(options, log_format)},
};

static bool valid_origin(const char *s)
{
	const char *h = !strncmp(s, "https://", 8) ? s + 8 : !strncmp(s, "http://", 7) ? s + 7 : NULL;
	if (!h || !*h || *h == '/' || *h == ':')
		return false;
	const char *slash = strchr(h, '/');
	return !slash || !slash[1];
}

/* Sets an option that takes a string; -1 after printing why it is refused. */
static int set_string_option(int ch, const char *arg, options *o)
{
	switch (ch) {
	case OPT_ORIGIN:
		if (o->net.norigins == NET_MAX_ORIGINS || !valid_origin(arg)) {
			fprintf(stderr,
			        "roundtable: --origin takes up to %d origins like https://consult.example.org[:PORT], "
			        "with no path\n",
			        NET_MAX_ORIGINS);
			return -1;
		}
		o->net.origins[o->net.norigins++] = arg;
		return 0;
	case OPT_PROXY: {
		unsigned char bin[16];
		if (inet_pton(AF_INET, arg, bin) != 1 && inet_pton(AF_INET6, arg, bin) != 1) {
			fprintf(stderr, "roundtable: --trusted-proxy must be an IP address, such as 127.0.0.1\n");
			return -1;
		}
		o->net.trusted_proxy = arg;
		return 0;
	}
	case OPT_TLS_CERT:
	case OPT_TLS_KEY:
		if (access(arg, R_OK)) {
			fprintf(stderr, "roundtable: cannot read %s: %s\n", arg, strerror(errno));
			return -1;
		}
		*(ch == OPT_TLS_CERT ? &o->net.tls_cert : &o->net.tls_key) = arg;
		return 0;
	default:
		return 0;
	}
}

/* Parses options for one command; `allowed` lists the OPT_ values it takes, and the command
 * takes exactly `npos` arguments into positional[] (described by `what` when they are missing).
 * Returns 0, 1 after printing help, or -1 after printing an error. */
static int parse_options(int argc, char **argv, const char *usage, const int *allowed, options *o, char **positional,
                         int npos, const char *what)
{
	optind = 1;
	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		if (ch == 'h' || ch == OPT_HELP) {
			fputs(usage, stdout);
			return 1;
		}
		bool ok = false;
		for (int i = 0; allowed[i]; i++)
			ok = ok || allowed[i] == ch;
		if (!ok || ch == '?' || ch == ':') {
			fprintf(stderr, "roundtable %s: unknown or incomplete option '%s'\n\n%s", argv[0],
			        argv[optind - 1], usage);
			return -1;
		}
		bool done = false;
		for (size_t i = 0; i < sizeof int_options / sizeof int_options[0] && !done; i++) {
			const struct int_option *io = &int_options[i];
			if (io->opt != ch)
				continue;
			if (parse_int(optarg, io->lo, io->hi, (int *)((char *)o + io->at))) {
				fprintf(stderr, "roundtable: --%s must be a number%s from %d to %d\n", io->name,
				        io->unit, io->lo, io->hi);
				return -1;
			}
			done = true;
		}
		for (size_t i = 0; i < sizeof enum_options / sizeof enum_options[0] && !done; i++) {
			const struct enum_option *eo = &enum_options[i];
			if (eo->opt != ch)
				continue;
			int *at = (int *)((char *)o + eo->at);
			if ((*at = eo->parse(optarg)) < 0) {
				fprintf(stderr, "roundtable: --%s must be %s\n", eo->name, eo->choices);
				return -1;
			}
			done = true;
		}
		if (done)
			continue;
		if (set_string_option(ch, optarg, o))
			return -1;
		switch (ch) {
		case OPT_DATA:
			o->data_dir = optarg;
			break;
		case OPT_LISTEN:
			o->listen = optarg;
			break;
		case OPT_WEB:
			o->web_dir = optarg;
			break;
		case OPT_BASE_URL:
			o->base_url = optarg;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_REVOKE:
			o->revoke = optarg;
			if (o->nrevokes < MAX_LABEL_ARGS)
				o->revokes[o->nrevokes++] = optarg;
			break;
		case OPT_ADD:
			if (o->nadds == MAX_LABEL_ARGS) {
				fprintf(stderr, "roundtable: at most %d --add at once\n", MAX_LABEL_ARGS);
				return -1;
			}
			o->adds[o->nadds++] = optarg;
			break;
		case OPT_GROUP:
			o->group = optarg;
			break;
		case OPT_SEATS:
			o->seats = optarg;
			break;
		case OPT_LIST:
			o->list = true;
			break;
		case OPT_CSV:
			o->csv = true;
			break;
		case OPT_ROTATE:
			o->rotate = optarg;
			break;
		case OPT_LABEL:
			o->label = optarg;
			break;
		case OPT_CHECK_CONFIG:
			o->check_config = true;
			break;
		default:
			break;
		}
	}
	if ((o->net.tls_cert != NULL) != (o->net.tls_key != NULL)) {
		fprintf(stderr, "roundtable: --tls-cert and --tls-key go together\n");
		return -1;
	}
	if (argc - optind != npos) {
		fprintf(stderr, "roundtable %s: %s\n\n%s", argv[0], npos ? what : "takes no arguments", usage);
		return -1;
	}
	for (int i = 0; i < npos; i++)
		positional[i] = argv[optind + i];
	return 0;
}

/* Opens (creating the folder if needed) the database under data_dir. */
static store *open_store(const char *data_dir)
{
	if (mkdir(data_dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "roundtable: cannot create %s: %s\n", data_dir, strerror(errno));
		return NULL;
	}
	char path[PATH_MAX], err[256];
	snprintf(path, sizeof path, "%s/roundtable.db", data_dir);
	store *st = store_open(path, err, sizeof err);
	if (!st)
		fprintf(stderr, "roundtable: %s: %s\n", path, err);
	return st;
}

/* A whole file, malloc'd and NUL-terminated (the caller frees it); NULL on failure. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *nb = cap < (1u << 22) ? realloc(buf, cap * 2) : NULL;
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (buf)
		buf[n] = '\0'; /* the loop always leaves room: it grows the buffer when it is full */
	*len = n;
	return buf;
}

/* read_file, saying why on stderr when it cannot. */
static char *read_text(const char *path, size_t *len)
{
	char *text = read_file(path, len);
	if (!text)
		fprintf(stderr, "roundtable: cannot read %s: %s\n", path, strerror(errno));
	return text;
}

/* --- creating consultations and links ---------------------------------------------------- */

#define MAX_LINKS (MAX_INVITATIONS + 4 + CORE_MAX_CHANNELS)
#define URL_MAX 512

typedef struct link_set {
	wire_link links[MAX_LINKS];
	char urls[MAX_LINKS][URL_MAX];
	char labels[MAX_LINKS][STORE_LABEL_MAX + 1];
	int n;
} link_set;

/* Mints one token, stores its hash, and records its link. */
static int issue_for(store *st, const char *owner, bool programme, const char *base, core_role role,
                     store_token_kind kind, const char *label, link_set *ls)
{
	uint8_t raw[CRYPTO_TOKEN_BYTES];
	char text[CRYPTO_TOKEN_CHARS + 1];
	store_token t = {.role = role, .kind = kind};
	if (crypto_token_new(raw, text))
		return -1;
	crypto_sha256(raw, sizeof raw, t.hash);
	snprintf(programme ? t.programme : t.consultation, CORE_ID_MAX + 1, "%s", owner);
	snprintf(t.label, sizeof t.label, "%s", label);
	if (store_add_token(st, &t) != RT_OK)
		return -1;
	int i = ls->n++;
	snprintf(ls->labels[i], sizeof ls->labels[i], "%s", label);
	/* PERF-4: the consultation's own page, /c/ID/, so that a proxy in front of several servers
	 * finds the one that holds it by the path; the token stays in the fragment. */
	snprintf(ls->urls[i], sizeof ls->urls[i], "%sc/%s/#%s", base, owner, text);
	ls->links[i] = (wire_link){
	    .role = role, .personal = kind == STORE_TOKEN_PERSONAL, .label = ls->labels[i], .url = ls->urls[i]};
	return 0;
}

static int issue(store *st, const core_agenda *a, const char *base, core_role role, store_token_kind kind,
                 const char *label, link_set *ls)
{
	return issue_for(st, a->id, false, base, role, kind, label, ls);
}

/* The stage link carries the open participant link's token ("#STAGE.JOIN": the page sends only the
 * first to the server), the first link of ls: appends it to the last, the stage's. */
static int rejoin_stage(link_set *ls)
{
	const char *join = strchr(ls->urls[0], '#');
	char *stage = ls->urls[ls->n - 1];
	size_t len = strlen(stage);
	if (!join || len + strlen(join) >= URL_MAX)
		return -1;
	snprintf(stage + len, URL_MAX - len, ".%s", join + 1);
	return 0;
}

/* One link per role: open participant link, invitations, co-chair, rapporteur, a booth per
 * channel, stage; of a consultation, or (`programme`, with a->id the programme's) of every
 * session of a programme. */
static int issue_owner_links(store *st, const core_agenda *a, bool programme, const char *base, int invitations,
                             link_set *ls)
{
	const char *id = a->id;
	int rc = issue_for(st, id, programme, base, CORE_ROLE_PARTICIPANT, STORE_TOKEN_OPEN, "", ls);
	for (int i = 1; rc == 0 && i <= invitations; i++) {
		char label[32];
		snprintf(label, sizeof label, "invitation %d", i);
		rc = issue_for(st, id, programme, base, CORE_ROLE_PARTICIPANT, STORE_TOKEN_PERSONAL, label, ls);
	}
	if (rc == 0)
		rc = issue_for(st, id, programme, base, CORE_ROLE_COCHAIR, STORE_TOKEN_ROLE, "", ls);
	if (rc == 0)
		rc = issue_for(st, id, programme, base, CORE_ROLE_RAPPORTEUR, STORE_TOKEN_ROLE, "", ls);
	for (int i = 0; rc == 0 && i < a->nchannels; i++)
		rc = issue_for(st, id, programme, base, CORE_ROLE_BOOTH, STORE_TOKEN_ROLE,
		               core_lang_name(a->channels[i]), ls);
	if (rc == 0)
		rc = issue_for(st, id, programme, base, CORE_ROLE_STAGE, STORE_TOKEN_ROLE, "", ls);
	/* The stage shows the join QR code and link, so its link carries the open participant
	 * token after its own: "#STAGE.JOIN". The page sends only the first to the server, and the
	 * server keeps hashes only, so this is the one place both are known together. */
	if (rc == 0)
		rc = rejoin_stage(ls);
	/* The links are printed only once every token (and a new consultation) is durable. */
	if (rc == 0 && store_commit(st) != RT_OK)
		rc = -1;
	if (rc)
		fprintf(stderr, "roundtable: could not store role links\n");
	return rc;
}

static int issue_links(store *st, const core_agenda *a, const char *base, int invitations, link_set *ls)
{
	return issue_owner_links(st, a, false, base, invitations, ls);
}

static void print_link_lines(const link_set *ls);

static void print_links(const core_agenda *a, const link_set *ls, bool json)
{
	if (json) {
		char *s = wire_encode_links(a, ls->links, ls->n);
		if (s)
			puts(s);
		free(s);
		return;
	}
	printf("Roundtable consultation %s: %s\n", a->id, a->title);
	print_link_lines(ls);
}

static void print_link_lines(const link_set *ls)
{
	for (int i = 0; i < ls->n; i++) {
		const wire_link *l = &ls->links[i];
		char name[96];
		if (l->personal)
			snprintf(name, sizeof name, "%s", l->label);
		else if (l->label[0])
			snprintf(name, sizeof name, "%s %s", core_role_name(l->role), l->label);
		else
			snprintf(name, sizeof name, "%s", core_role_name(l->role));
		printf("  %s: %*s%s\n", name, strlen(name) >= 16 ? 0 : (int)(16 - strlen(name)), "", l->url);
	}
	fflush(stdout);
}

/* Every error of an agenda or programme file, with its place, on stderr. */
static void print_file_errors(const char *source, const char *what, const wire_agenda_errors *errs)
{
	fprintf(stderr, "roundtable: %s is not a valid %s (%d error%s):\n", source, what, errs->n,
	        errs->n == 1 ? "" : "s");
	for (int i = 0; i < errs->n; i++)
		fprintf(stderr, "  %s\n", errs->msg[i]);
}

/* Creates a consultation from agenda text. Reports every agenda error on stderr. */
static int create_consultation(store *st, const char *text, size_t len, const char *source, const char *origin,
                               core_agenda *a)
{
	wire_agenda_errors errs;
	if (wire_decode_agenda(text, len, a, &errs)) {
		print_file_errors(source, "agenda", &errs);
		return -1;
	}
	uint8_t secret[CRYPTO_SECRET_BYTES];
	if (crypto_random_id(a->id, 10) || crypto_random(secret, sizeof secret)) {
		fprintf(stderr, "roundtable: the system's random generator failed\n");
		return -1;
	}
	rt_err err = store_create_consultation(st, a, secret, origin);
	memset(secret, 0, sizeof secret);
	if (err) {
		fprintf(stderr, "roundtable: could not store the consultation\n");
		return -1;
	}
	return 0;
}

static void default_base(const options *o, char *buf, size_t cap)
{
	if (o->base_url) {
		size_t n = strlen(o->base_url);
		snprintf(buf, cap, "%s%s", o->base_url, n && o->base_url[n - 1] == '/' ? "" : "/");
	} else {
		snprintf(buf, cap, "http://%s:%d/", o->listen, o->port);
	}
}

/* --- commands ---------------------------------------------------------------------------- */

static int cmd_new(int argc, char **argv)
{
	static const int allowed[] = {OPT_DATA, OPT_BASE_URL, OPT_INVITATIONS, OPT_JSON, 0};
	options o = {.data_dir = "data", .listen = "127.0.0.1", .port = 8080};
	char *path = NULL;
	int rc = parse_options(argc, argv, usage_new, allowed, &o, &path, 1, "expects one agenda file");
	if (rc)
		return rc > 0 ? 0 : 2;
	size_t len;
	char *text = read_text(path, &len);
	if (!text)
		return 1;
	store *st = open_store(o.data_dir);
	core_agenda *a = malloc(sizeof *a);
	link_set *ls = calloc(1, sizeof *ls);
	char base[URL_MAX - 32];
	default_base(&o, base, sizeof base);
	rc = 1;
	if (st && a && ls && create_consultation(st, text, len, path, NULL, a) == 0 &&
	    issue_links(st, a, base, o.invitations, ls) == 0) {
		print_links(a, ls, o.json);
		rc = 0;
	}
	free(ls);
	free(a);
	free(text);
	store_close(st);
	return rc;
}

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

/* --- the configuration file (serve --config) -------------------------------------------- */

static const struct option *long_option(const char *name)
{
	for (const struct option *lo = long_options; lo->name; lo++)
		if (!strcmp(lo->name, name))
			return lo;
	return NULL;
}

/* Where --config FILE is in argv (or --config=FILE), NULL if nowhere. */
static const char *config_arg(int argc, char **argv)
{
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			path = argv[++i];
		else if (!strncmp(argv[i], "--config=", 9))
			path = argv[i] + 9;
	}
	return path;
}

static bool has_arg(int argc, char **argv, const char *opt)
{
	size_t n = strlen(opt);
	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], opt, n) && (!argv[i][n] || argv[i][n] == '='))
			return true;
	return false;
}

/* What serve parses when given --config: the file's settings as options, then the command
 * line's, which thus win (and --origin on the command line replaces the file's origins). */
typedef struct config_argv {
	config cfg;
	char (*flags)[40]; /* "--name" of each setting */
	char **argv;
	int argc;
} config_argv;

static void config_argv_free(config_argv *ca)
{
	config_free(&ca->cfg);
	free(ca->flags);
	free(ca->argv);
}

/* Reads `path` into ca. Each setting is checked alone first, so that a message can name its
 * line. 0, or -1 after printing why. */
static int config_args(const char *path, int argc, char **argv, const char *usage, const int *allowed,
                       const options *defaults, config_argv *ca)
{
	size_t len;
	char *text = read_file(path, &len), err[512];
	if (!text || memchr(text, '\0', len)) {
		fprintf(stderr, "roundtable: cannot read %s: %s\n", path, text ? "not a text file" : strerror(errno));
		free(text);
		return -1;
	}
	if (config_parse(text, path, &ca->cfg, err, sizeof err)) {
		fprintf(stderr, "roundtable: %s\n", err);
		return -1;
	}
	const config *cfg = &ca->cfg;
	ca->flags = calloc((size_t)cfg->n + 1, sizeof *ca->flags);
	ca->argv = calloc(2 * (size_t)cfg->n + (size_t)argc + 1, sizeof *ca->argv);
	if (!ca->flags || !ca->argv)
		return -1;
	bool cli_origins = has_arg(argc, argv, "--origin");
	int n = 0;
	ca->argv[n++] = argv[0];
	for (int i = 0; i < cfg->n; i++) {
		const config_entry *e = &cfg->e[i];
		const struct option *lo = long_option(e->name);
		bool known = false;
		for (int j = 0; lo && allowed[j]; j++)
			known =
			    known || (allowed[j] == lo->val && lo->val != OPT_CONFIG && lo->val != OPT_CHECK_CONFIG);
		if (!known) {
			fprintf(stderr, "roundtable: %s:%d: '%s' %s\n", path, e->line, e->name,
			        lo && (lo->val == OPT_CONFIG || lo->val == OPT_CHECK_CONFIG)
			            ? "goes on the command line, not in the file"
			            : "is not an option of serve");
			return -1;
		}
		snprintf(ca->flags[i], sizeof ca->flags[i], "--%s", e->name);
		char *one[] = {argv[0], ca->flags[i], (char *)e->value, NULL};
		options scratch = *defaults;
		if (parse_options(lo->has_arg == no_argument ? 2 : 3, one, usage, allowed, &scratch, NULL, 0, NULL)) {
			fprintf(stderr, "roundtable: (that is %s, line %d)\n", path, e->line);
			return -1;
		}
		if (lo->val == OPT_ORIGIN && cli_origins)
			continue;
		ca->argv[n++] = ca->flags[i];
		if (lo->has_arg != no_argument)
			ca->argv[n++] = (char *)e->value;
	}
	for (int i = 1; i < argc; i++)
		ca->argv[n++] = argv[i];
	ca->argc = n;
	return 0;
}

/* serve --check-config: whether the folders and files the options name are usable, and what
 * the server would use. 0 when it would start, 1 otherwise. Changes nothing. */
static int check_config(const options *o)
{
	int bad = 0;
	struct stat st;
	if (stat(o->data_dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode) || access(o->data_dir, W_OK | X_OK)) {
			fprintf(stderr, "roundtable: data %s: not a folder this user can write to\n", o->data_dir);
			bad = 1;
		}
	} else {
		char parent[PATH_MAX];
		snprintf(parent, sizeof parent, "%s", o->data_dir);
		char *slash = strrchr(parent, '/');
		if (slash)
			*slash = '\0';
		if (access(slash ? (*parent ? parent : "/") : ".", W_OK | X_OK)) {
			fprintf(stderr, "roundtable: data %s: missing, and its parent folder is not writable\n",
			        o->data_dir);
			bad = 1;
		}
	}
	char index[PATH_MAX];
	snprintf(index, sizeof index, "%s/index.html", o->web_dir);
	if (access(index, R_OK)) {
		fprintf(stderr, "roundtable: web %s: no readable index.html\n", o->web_dir);
		bad = 1;
	}
	const char *tls[] = {o->net.tls_cert, o->net.tls_key};
	for (int i = 0; i < 2; i++)
		if (tls[i] && access(tls[i], R_OK)) {
			fprintf(stderr, "roundtable: %s %s: %s\n", i ? "tls-key" : "tls-cert", tls[i], strerror(errno));
			bad = 1;
		}
	/* What the server would use, in the file's own format. */
	printf("data = %s\nlisten = %s\nport = %d\nweb = %s\n", o->data_dir, o->listen, o->port, o->web_dir);
	for (int i = 0; i < o->net.norigins; i++)
		printf("origin = %s\n", o->net.origins[i]);
	if (o->net.tls_cert)
		printf("tls-cert = %s\ntls-key = %s\n", o->net.tls_cert, o->net.tls_key);
	if (o->net.trusted_proxy)
		printf("trusted-proxy = %s\n", o->net.trusted_proxy);
	printf("log-level = %s\nlog-format = %s\n", rtlog_level_name((rtlog_level)o->log_level),
	       rtlog_format_name((rtlog_format)o->log_format));
	for (size_t i = 0; i < sizeof int_options / sizeof int_options[0]; i++) {
		const struct int_option *io = &int_options[i];
		if (io->opt == OPT_PORT || io->opt == OPT_INVITATIONS || io->opt == OPT_K)
			continue;
		int v = *(const int *)((const char *)o + io->at);
		if (v > 0 || (v == 0 && (io->opt == OPT_LINKS_TTL || io->opt == OPT_LIVE_WINDOW)))
			printf("%s = %d\n", io->name, v);
		else
			printf("%s = %d  # the default\n", io->name, io->dflt);
	}
	fprintf(stderr,
	        bad ? "roundtable: the configuration has problems (above)\n" : "roundtable: configuration OK\n");
	return bad;
}

static int cmd_serve(int argc, char **argv)
{
	static const int allowed[] = {OPT_DATA,   OPT_LISTEN,       OPT_PORT,      OPT_WEB,
	                              OPT_CONFIG, OPT_CHECK_CONFIG, OPTS_SECURITY, 0};
	options o = server_defaults();
	config_argv ca = {0};
	const char *path = config_arg(argc, argv);
	if (path && config_args(path, argc, argv, usage_serve, allowed, &o, &ca)) {
		config_argv_free(&ca);
		return 2;
	}
	int rc = parse_options(path ? ca.argc : argc, path ? ca.argv : argv, usage_serve, allowed, &o, NULL, 0, NULL);
	if (rc || o.check_config) {
		rc = rc ? (rc > 0 ? 0 : 2) : check_config(&o);
		config_argv_free(&ca);
		return rc;
	}
	store *st = open_store(o.data_dir);
	rc = st ? serve_common(&o, st, NULL, NULL) : 1;
	store_close(st);
	config_argv_free(&ca);
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
	default_base(d->o, base, sizeof base);
	if (ls && issue_links(d->st, d->a, base, d->o->invitations, ls) == 0)
		print_links(d->a, ls, false);
	else
		d->rc = 1;
	free(ls);
}

static int cmd_demo(int argc, char **argv)
{
	static const int allowed[] = {OPT_DATA,     OPT_LISTEN,      OPT_PORT,      OPT_WEB,
	                              OPT_BASE_URL, OPT_INVITATIONS, OPTS_SECURITY, 0};
	options o = server_defaults();
	int rc = parse_options(argc, argv, usage_demo, allowed, &o, NULL, 0, NULL);
	if (rc)
		return rc > 0 ? 0 : 2;
	store *st = open_store(o.data_dir);
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
	} else if (create_consultation(st, roundtable_demo_agenda, roundtable_demo_agenda_len, "the demo agenda",
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

/* --- links: revoke and rotate (PL-2) ------------------------------------------------------ */

/* Who a --revoke or --rotate names: a role and a kind of link. */
static const struct link_kind {
	const char *name;
	core_role role;
	store_token_kind kind;
} link_kinds[] = {
    {"participant", CORE_ROLE_PARTICIPANT, STORE_TOKEN_OPEN},
    {"invitation", CORE_ROLE_PARTICIPANT, STORE_TOKEN_PERSONAL},
    {"cochair", CORE_ROLE_COCHAIR, STORE_TOKEN_ROLE},
    {"rapporteur", CORE_ROLE_RAPPORTEUR, STORE_TOKEN_ROLE},
    {"booth", CORE_ROLE_BOOTH, STORE_TOKEN_ROLE},
    {"stage", CORE_ROLE_STAGE, STORE_TOKEN_ROLE},
};

/* Revokes (and for `rotate`, re-issues into ls) one kind's links. -1 after printing why. */
static int revoke_kind(store *st, const core_agenda *a, const struct link_kind *k, const char *label, bool rotate,
                       const char *base, link_set *ls, int *revoked)
{
	int n = 0;
	if (store_revoke_tokens(st, a->id, k->role, k->kind, label, &n) != RT_OK) {
		fprintf(stderr, "roundtable: could not revoke the links\n");
		return -1;
	}
	*revoked += n;
	if (!rotate)
		return 0;
	if (k->role == CORE_ROLE_BOOTH && !label) {
		for (int i = 0; i < a->nchannels; i++)
			if (issue(st, a, base, k->role, k->kind, core_lang_name(a->channels[i]), ls))
				return -1;
		return 0;
	}
	return issue(st, a, base, k->role, k->kind, label ? label : "", ls);
}

static int cmd_links(int argc, char **argv)
{
	static const int allowed[] = {OPT_DATA, OPT_REVOKE, OPT_ROTATE, OPT_LABEL, OPT_BASE_URL, OPT_JSON, 0};
	options o = {.data_dir = "data", .listen = "127.0.0.1", .port = 8080};
	char *id;
	int rc = parse_options(argc, argv, usage_links, allowed, &o, &id, 1, "expects a consultation id");
	if (rc)
		return rc > 0 ? 0 : 2;
	const char *who = o.rotate ? o.rotate : o.revoke;
	const struct link_kind *k = NULL;
	for (size_t i = 0; who && i < sizeof link_kinds / sizeof link_kinds[0]; i++)
		if (!strcmp(who, link_kinds[i].name))
			k = &link_kinds[i];
	if (!k || (o.rotate && o.revoke)) {
		fprintf(stderr,
		        "roundtable links: give one of --revoke or --rotate, with participant, invitation, "
		        "cochair, rapporteur, booth or stage\n\n%s",
		        usage_links);
		return 2;
	}
	if (o.rotate && k->kind == STORE_TOKEN_PERSONAL && !o.label) {
		fprintf(stderr, "roundtable links: rotating an invitation needs its --label (\"invitation 3\")\n");
		return 2;
	}
	store *st = open_store(o.data_dir);
	core_state state;
	uint8_t secret[CRYPTO_SECRET_BYTES];
	rt_err err = st ? store_load(st, id, &state, secret) : RT_E_SERVER_UNAVAILABLE;
	memset(secret, 0, sizeof secret);
	if (err) {
		fprintf(stderr, "roundtable: %s\n",
		        err == RT_E_NOT_FOUND ? "no such consultation" : "cannot read the database");
		store_close(st);
		return 1;
	}
	link_set *ls = calloc(1, sizeof *ls);
	char base[URL_MAX - 32];
	default_base(&o, base, sizeof base);
	int revoked = 0, stage_revoked = 0;
	rc = ls ? revoke_kind(st, &state.agenda, k, o.label, o.rotate != NULL, base, ls, &revoked) : -1;
	if (rc == 0 && o.rotate && k->kind == STORE_TOKEN_OPEN) {
		static const struct link_kind *stage = &link_kinds[5];
		rc = revoke_kind(st, &state.agenda, stage, NULL, true, base, ls, &stage_revoked);
		rc = rc ? rc : rejoin_stage(ls);
	}
	if (rc == 0 && (store_commit(st) != RT_OK || (o.rotate && !ls->n))) {
		fprintf(stderr, "roundtable: could not store the links\n");
		rc = -1;
	}
	store_close(st);
	if (rc == 0) {
		/* A running server cuts off who held a revoked link, now. */
		char *req = wire_encode_control_request("links", id, NULL, 0), reply[512];
		int r = req ? net_control_request(o.data_dir, req, reply, sizeof reply) : -2;
		free(req);
		wire_control_reply rep;
		long closed = -1;
		if (r == 0 && wire_decode_control_reply(reply, strlen(reply), &rep) == 0 && rep.ok)
			closed = rep.count;
		/* The summary is for people: on stderr when stdout carries JSON. */
		FILE *out = o.json ? stderr : stdout;
		fprintf(out, "revoked %d %s link%s", revoked, who, revoked == 1 ? "" : "s");
		if (stage_revoked)
			fprintf(out, " and %d stage link%s", stage_revoked, stage_revoked == 1 ? "" : "s");
		fprintf(out, " of %s", id);
		if (closed >= 0)
			fprintf(out, "; connections closed: %ld\n", closed);
		else
			fprintf(out,
			        r == -1 ? " (no server is running on this folder)\n" : "; the server did not answer\n");
		if (o.rotate)
			print_links(&state.agenda, ls, o.json);
		else if (o.json && closed >= 0)
			printf("{\"consultation\": \"%s\", \"revoked\": %d, \"connections_closed\": %ld}\n", id,
			       revoked, closed);
		else if (o.json) /* no server: nobody was connected */
			printf("{\"consultation\": \"%s\", \"revoked\": %d, \"connections_closed\": null}\n", id,
			       revoked);
	}
	core_state_free(&state);
	free(ls);
	return rc ? 1 : 0;
}

/* --- the organiser's commands on a consultation ------------------------------------------ */

/* Prints a control reply: {"ok": true, ...} is success. */
/* What a failed organiser command tells its user: words for the statuses an organiser can
 * cause, the code itself for the rest. */
static void print_refusal(const char *what, const char *id, rt_err err, const char *code, const char *why)
{
	if (err == RT_E_NOT_FOUND || !strcmp(code, rt_err_code(RT_E_NOT_FOUND)))
		fprintf(stderr, "roundtable: cannot %s %s: no such consultation\n", what, id);
	else if (err == RT_E_CONSULTATION_SEALED || !strcmp(code, rt_err_code(RT_E_CONSULTATION_SEALED)))
		fprintf(stderr, "roundtable: cannot %s %s: it is already sealed\n", what, id);
	else
		fprintf(stderr, "roundtable: cannot %s %s: %s%s%s\n", what, id, code[0] ? code : rt_err_code(err),
		        why[0] ? ": " : "", why);
}

static int control_result(const char *reply, const char *done, const char *what, const char *id)
{
	wire_control_reply rep;
	if (wire_decode_control_reply(reply, strlen(reply), &rep) != 0) {
		fprintf(stderr, "roundtable: the server's answer to %s %s is not a reply: %s", what, id, reply);
		return 1;
	}
	if (rep.ok) {
		printf("%s\n", done);
		return 0;
	}
	print_refusal(what, id, RT_OK, rep.error, rep.message);
	return 1;
}

static int cmd_denylist(int argc, char **argv)
{
	static const int allowed[] = {OPT_DATA, 0};
	options o = {.data_dir = "data"};
	char *pos[2];
	int rc = parse_options(argc, argv, usage_denylist, allowed, &o, pos, 2, "expects a consultation id and a file");
	if (rc)
		return rc > 0 ? 0 : 2;
	size_t len;
	char *text = read_text(pos[1], &len);
	if (!text)
		return 1;
	/* Checked here line by line, so that a mistake names its line; the server checks again. */
	const char **names = calloc(len / 2 + 1, sizeof *names);
	size_t n = 0;
	core_denylist *check = core_denylist_new();
	rc = names && check ? 0 : 1;
	int line = 0;
	for (char *l = text, *next; l && !rc; l = next) {
		line++;
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		size_t ll = strlen(l);
		while (ll && (l[ll - 1] == '\r' || l[ll - 1] == ' ' || l[ll - 1] == '\t'))
			l[--ll] = '\0';
		while (*l == ' ' || *l == '\t')
			l++, ll--;
		if (!ll || *l == '#')
			continue;
		if (core_denylist_add(check, l, ll)) {
			fprintf(stderr, "roundtable: %s:%d: not a usable name (invalid UTF-8, empty or too long)\n",
			        pos[1], line);
			rc = 1;
		}
		names[n++] = l;
	}
	char *req = rc ? NULL : wire_encode_control_request("denylist", pos[0], names, n);
	if (!rc && !req)
		rc = 1;
	if (!rc) {
		char reply[512];
		int r = net_control_request(o.data_dir, req, reply, sizeof reply);
		if (r == -1) {
			fprintf(stderr,
			        "roundtable: no server is running on %s. A deny-list lives only in a running server's "
			        "memory: start the server, then run this again.\n",
			        o.data_dir);
			rc = 1;
		} else if (r) {
			fprintf(stderr, "roundtable: the server on %s did not answer\n", o.data_dir);
			rc = 1;
		} else {
			char done[128];
			snprintf(done, sizeof done, "deny-list for %s: %zu names, held in the server's memory", pos[0],
			         n);
			rc = control_result(reply, done, "give the deny-list to", pos[0]);
		}
	}
	free(req);
	core_denylist_free(check);
	free(names);
	free(text);
	return rc;
}

static void null_send(void *ctx, hub_peer *peer, wire_buf *buf)
{
	(void)ctx, (void)peer, (void)buf;
}
static void null_wake(void *ctx)
{
	(void)ctx;
}
static int64_t wall_ms(void *ctx)
{
	(void)ctx;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int cmd_seal(int argc, char **argv)
{
	static const int allowed[] = {OPT_DATA, OPT_LINKS_TTL, 0};
	options o = {.data_dir = "data", .links_ttl_hours = -1};
	char *id;
	int rc = parse_options(argc, argv, usage_seal, allowed, &o, &id, 1, "expects a consultation id");
	if (rc)
		return rc > 0 ? 0 : 2;
	char done[128];
	snprintf(done, sizeof done, "sealed %s", id);
	char *req = wire_encode_control_request("seal", id, NULL, 0), reply[512];
	int r = req ? net_control_request(o.data_dir, req, reply, sizeof reply) : -2;
	free(req);
	if (r == 0)
		return control_result(reply, done, "seal", id);
	if (r != -1) {
		fprintf(stderr, "roundtable: the server on %s did not answer\n", o.data_dir);
		return 1;
	}
	/* No server runs on this folder: seal the database here, through the same hub and core. */
	store *st = open_store(o.data_dir);
	hub_io io = {.send = null_send, .wake = null_wake, .now_ms = wall_ms};
	hub *h = st ? hub_new(st, &io, 0) : NULL;
	if (h && o.links_ttl_hours >= 0)
		hub_set_links_ttl(h, o.links_ttl_hours * 3600000LL);
	char why[160] = "";
	rt_err err = h ? hub_seal(h, id, why, sizeof why) : RT_E_SERVER_UNAVAILABLE;
	hub_free(h);
	store_close(st);
	if (err == RT_OK) {
		printf("%s\n", done);
		return 0;
	}
	print_refusal("seal", id, err, rt_err_code(err), why);
	return 1;
}

static int cmd_export(int argc, char **argv)
{
	static const int allowed[] = {OPT_DATA, OPT_FORMAT, OPT_LANG, OPT_K, 0};
	options o = {.data_dir = "data", .format = CORE_REPORT_MD, .lang = CORE_LANG_NONE};
	char *id;
	int rc = parse_options(argc, argv, usage_export, allowed, &o, &id, 1, "expects a consultation id");
	if (rc)
		return rc > 0 ? 0 : 2;
	store *st = open_store(o.data_dir);
	if (!st)
		return 1;
	core_state *state = calloc(1, sizeof *state);
	uint8_t secret[CRYPTO_SECRET_BYTES];
	rt_err err = state ? store_load(st, id, state, secret) : RT_E_SERVER_UNAVAILABLE;
	memset(secret, 0, sizeof secret);
	store_close(st);
	if (err) {
		fprintf(stderr, "roundtable: %s: %s\n", id,
		        err == RT_E_NOT_FOUND ? "no such consultation" : "cannot read the database");
		free(state);
		return 1;
	}
	core_report_options opt = {
	    .format = (core_report_format)o.format, .lang = (core_lang)o.lang, .k = (uint32_t)o.k};
	size_t len;
	char *doc = core_report_render(state, &opt, &len);
	core_state_free(state);
	free(state);
	if (!doc) {
		fprintf(stderr, "roundtable: out of memory\n");
		return 1;
	}
	rc = fwrite(doc, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : 1;
	free(doc);
	return rc;
}

/* --- programmes, seats and attendance ---------------------------------------------------- */

static const char usage_programme[] =
    "Usage: roundtable programme new FILE [OPTIONS]\n"
    "       roundtable programme attendance ID [--csv] [OPTIONS]\n"
    "\n"
    "new: create a programme, a series of sessions (each a consultation with its own questions,\n"
    "clock and report), from a programme file (format: protocol/programme.md), and print its links:\n"
    "each works in every session and opens the session under way (or the next one). Issue\n"
    "personal invitations with 'roundtable invitations ID --add LABEL'.\n"
    "\n"
    "attendance: per invitation label, the sessions attended (connected for the programme's share\n"
    "of a session's scheduled time while it was in session, measured by the server) and whether\n"
    "the certificate's number of sessions is met. Attendance is kept by invitation only, never\n"
    "with questions, votes or languages, and survives the seal. A running server saves it at\n"
    "least every minute.\n"
    "\n"
    "  --data DIR        folder of the database (default ./data)\n"
    "  --base-url URL    new: start of the printed links (default http://127.0.0.1:8080/)\n"
    "  --invitations N   new: also create N personal invitations labelled \"invitation 1\"...\n"
    "  --csv             attendance: print CSV (label, one column per session, sessions\n"
    "                    attended, certificate)\n"
    "  --help            this text\n";

static const char usage_invitations[] =
    "Usage: roundtable invitations ID [OPTIONS]\n"
    "\n"
    "Personal invitations of programme or consultation ID, with limited seats and a waiting list\n"
    "(priority groups first, in the order the programme or agenda file lists them, then first\n"
    "come, first served). LABEL is the organiser's own reference (a registration number, say):\n"
    "Roundtable never needs a name. New links are printed once: the server keeps only hashes.\n"
    "\n"
    "  --add LABEL       invite LABEL if a seat is free, else put it on the waiting list\n"
    "                    (repeatable; in the order given)\n"
    "  --group G         the priority group of those added (default: after every listed group)\n"
    "  --revoke LABEL    revoke LABEL's invitation (its connections are cut off) or take it off\n"
    "                    the waiting list (repeatable); freed seats go to the waiting list\n"
    "  --seats N         cap the invitations at N (or 'none'); raising it invites from the list\n"
    "  --list            print the seats, the invitations and the waiting list\n"
    "  --base-url URL    start of the printed links (default http://127.0.0.1:8080/)\n"
    "  --data DIR        folder of the database (default ./data)\n"
    "  --help            this text\n";

/* A session's planned start in server ms (UTC): its first segment's date (or the agenda's) and
 * start, in the agenda's time zone; 0 when it has no date. */
static int64_t planned_start_ms(const core_agenda *a)
{
	const core_segment *g = &a->segments[0];
	int y, mo, d;
	if (sscanf(g->date[0] ? g->date : a->date, "%d-%d-%d", &y, &mo, &d) != 3)
		return 0;
	const char *was = getenv("TZ");
	char saved[128] = "";
	if (was)
		snprintf(saved, sizeof saved, "%s", was);
	setenv("TZ", a->timezone, 1);
	tzset();
	struct tm tm = {.tm_year = y - 1900,
	                .tm_mon = mo - 1,
	                .tm_mday = d,
	                .tm_hour = g->start_min / 60,
	                .tm_min = g->start_min % 60,
	                .tm_isdst = -1};
	time_t t = mktime(&tm);
	if (was)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	return t == (time_t)-1 ? 0 : (int64_t)t * 1000;
}

static int programme_new(int argc, char **argv)
{
	static const int allowed[] = {OPT_DATA, OPT_BASE_URL, OPT_INVITATIONS, 0};
	options o = {.data_dir = "data", .listen = "127.0.0.1", .port = 8080};
	char *path = NULL;
	int rc = parse_options(argc, argv, usage_programme, allowed, &o, &path, 1, "expects one programme file");
	if (rc)
		return rc > 0 ? 0 : 2;
	size_t len;
	char *text = read_text(path, &len);
	if (!text)
		return 1;
	wire_programme wp;
	wire_agenda_errors *errs = malloc(sizeof *errs);
	if (!errs || wire_decode_programme(text, len, &wp, errs)) {
		if (errs)
			print_file_errors(path, "programme", errs);
		free(errs);
		free(text);
		return 1;
	}
	free(errs);
	free(text);
	store *st = open_store(o.data_dir);
	link_set *ls = calloc(1, sizeof *ls);
	core_agenda *all = calloc(1, sizeof *all); /* the programme, as its links see it */
	store_programme sp = {.attend_percent = wp.attend_percent, .certificate = wp.certificate, .seats = wp.seats};
	snprintf(sp.title, sizeof sp.title, "%s", wp.title);
	snprintf(sp.priority, sizeof sp.priority, "%s", wp.priority);
	rc = st && ls && all && !crypto_random_id(sp.id, 10) && store_create_programme(st, &sp) == RT_OK ? 0 : -1;
	for (int i = 0; rc == 0 && i < wp.nsessions; i++) {
		core_agenda *a = &wp.sessions[i];
		uint8_t secret[CRYPTO_SECRET_BYTES];
		if (crypto_random_id(a->id, 10) || crypto_random(secret, sizeof secret) ||
		    store_create_consultation(st, a, secret, NULL) ||
		    store_add_session(st, a->id, sp.id, i + 1, planned_start_ms(a)))
			rc = -1;
		memset(secret, 0, sizeof secret);
		/* Booth links for every channel of any session. */
		for (int c = 0; c < a->nchannels; c++)
			if (!core_language_offered(all, a->channels[c]))
				all->channels[all->nchannels++] = a->channels[c];
	}
	char base[URL_MAX - 32];
	default_base(&o, base, sizeof base);
	if (rc == 0) {
		snprintf(all->id, sizeof all->id, "%s", sp.id);
		all->floor = CORE_LANG_COUNT; /* no floor: every channel is offered above */
		rc = issue_owner_links(st, all, true, base, o.invitations, ls);
	} else {
		fprintf(stderr, "roundtable: could not store the programme\n");
		store_rollback(st);
	}
	if (rc == 0) {
		printf("Roundtable programme %s: %s\n", sp.id, sp.title);
		printf("  attended: %d%% of a session's scheduled time; certificate: %d of %d sessions\n",
		       sp.attend_percent, sp.certificate, wp.nsessions);
		for (int i = 0; i < wp.nsessions; i++) {
			const core_agenda *a = &wp.sessions[i];
			printf("  session %d: %s %02d:%02d %s  %s  %s\n", i + 1,
			       a->segments[0].date[0] ? a->segments[0].date : a->date, a->segments[0].start_min / 60,
			       a->segments[0].start_min % 60, a->timezone, a->id, a->title);
		}
		printf("Links for every session:\n");
		print_link_lines(ls);
	}
	wire_programme_free(&wp);
	free(all);
	free(ls);
	store_close(st);
	return rc ? 1 : 0;
}

/* One invitation label's attendance, gathered for the report. */
typedef struct attendee_row {
	char label[STORE_LABEL_MAX + 1];
	int64_t ms[CORE_MAX_SESSIONS + 1]; /* by session number; -1: none recorded */
} attendee_row;

typedef struct attendance_table {
	attendee_row *rows;
	int n, cap;
	bool failed;
} attendance_table;

/* store_attendance_report's callback: rows come ordered by label. */
static void attendance_row(void *arg, const char *label, int session, int64_t ms)
{
	attendance_table *t = arg;
	if (t->failed)
		return;
	if (!t->n || strcmp(t->rows[t->n - 1].label, label) != 0) {
		if (t->n == t->cap) {
			int cap = t->cap ? t->cap * 2 : 64;
			attendee_row *rows = realloc(t->rows, (size_t)cap * sizeof *rows);
			if (!rows) {
				t->failed = true;
				return;
			}
			t->rows = rows;
			t->cap = cap;
		}
		attendee_row *r = &t->rows[t->n++];
		snprintf(r->label, sizeof r->label, "%s", label);
		for (int i = 0; i <= CORE_MAX_SESSIONS; i++)
			r->ms[i] = -1;
	}
	if (session >= 1 && session <= CORE_MAX_SESSIONS)
		t->rows[t->n - 1].ms[session] = ms;
}

/* A CSV field: quoted when it must be, and never read as a formula by a spreadsheet. */
static void csv_field(const char *s)
{
	bool formula = strchr("=+-@\t\r", s[0]) && s[0];
	bool quote = formula || strpbrk(s, ",\"\n\r");
	if (quote)
		putchar('"');
	if (formula)
		putchar('\'');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	if (quote)
		putchar('"');
}

static int programme_attendance(int argc, char **argv)
{
	static const int allowed[] = {OPT_DATA, OPT_CSV, 0};
	options o = {.data_dir = "data"};
	char *id = NULL;
	int rc = parse_options(argc, argv, usage_programme, allowed, &o, &id, 1, "expects a programme id");
	if (rc)
		return rc > 0 ? 0 : 2;
	store *st = open_store(o.data_dir);
	store_programme p;
	store_session *ss = calloc(CORE_MAX_SESSIONS, sizeof *ss);
	int n = 0;
	attendance_table t = {0};
	rt_err err = st && ss ? store_find_programme(st, id, &p) : RT_E_SERVER_UNAVAILABLE;
	if (!err)
		err = store_programme_sessions(st, id, ss, CORE_MAX_SESSIONS, &n);
	if (!err)
		err = store_attendance_report(st, id, attendance_row, &t);
	if (err || t.failed) {
		fprintf(stderr, "roundtable: %s\n",
		        err == RT_E_NOT_FOUND ? "no such programme" : "cannot read the database");
		rc = 1;
	} else {
		if (o.csv) {
			printf("invitation");
			for (int i = 1; i <= n; i++)
				printf(",session %d", i);
			printf(",sessions attended,certificate\r\n");
		} else {
			printf("Programme %s: %s\n%d sessions; attended at %d%% of a session's scheduled time; "
			       "certificate at %d\n",
			       id, p.title, n, p.attend_percent, p.certificate);
		}
		int certified = 0;
		for (int r = 0; r < t.n; r++) {
			const attendee_row *row = &t.rows[r];
			int attended = 0;
			for (int i = 1; i <= n; i++)
				attended += row->ms[i] >= 0 &&
				            core_attended(row->ms[i], ss[i - 1].info.scheduled_ms, p.attend_percent);
			bool cert = attended >= p.certificate;
			certified += cert;
			if (o.csv) {
				csv_field(row->label);
				for (int i = 1; i <= n; i++)
					printf(",%s",
					       row->ms[i] >= 0 && core_attended(row->ms[i], ss[i - 1].info.scheduled_ms,
					                                        p.attend_percent)
					           ? "yes"
					           : "no");
				printf(",%d,%s\r\n", attended, cert ? "yes" : "no");
			} else {
				printf("  %-24s ", row->label);
				for (int i = 1; i <= n; i++)
					putchar(row->ms[i] >= 0 &&
					                core_attended(row->ms[i], ss[i - 1].info.scheduled_ms,
					                              p.attend_percent)
					            ? 'x'
					            : '.');
				printf("  %d of %d%s\n", attended, n, cert ? "  certificate" : "");
			}
		}
		if (!o.csv)
			printf("%d invitation%s, %d meet%s the certificate's threshold\n", t.n, t.n == 1 ? "" : "s",
			       certified, certified == 1 ? "s" : "");
	}
	free(t.rows);
	free(ss);
	store_close(st);
	return rc;
}

static int cmd_programme(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "new"))
		return programme_new(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "attendance"))
		return programme_attendance(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage_programme, stdout);
		return 0;
	}
	fprintf(stderr, "roundtable programme: give new FILE or attendance ID\n\n%s", usage_programme);
	return 2;
}

/* store_each_label's callback for --list: invitations (no priority), or the waiting list with
 * positions and groups; with `find`, only that label's line. */
typedef struct label_listing {
	const char *priority;
	const char *find;
	int n;
} label_listing;

static void list_label(void *arg, const char *label, int rank, int64_t ms)
{
	(void)ms;
	label_listing *l = arg;
	l->n++;
	if (l->find && strcmp(l->find, label) != 0)
		return;
	if (!l->priority) {
		printf("  %s\n", label);
		return;
	}
	if (l->find)
		printf("%s: waiting list, position %d", label, l->n);
	/* The rank's group name: the rank-th word of the priority list. */
	const char *g = l->priority;
	for (int i = 0; i < rank && g; i++)
		g = strchr(g, ' ') ? strchr(g, ' ') + 1 : NULL;
	int glen = g && *g ? (int)(strchr(g, ' ') ? strchr(g, ' ') - g : (long)strlen(g)) : 0;
	if (l->find)
		printf(" (%.*s)\n", glen ? glen : 5, glen ? g : "other");
	else
		printf("  %d. %s (%.*s)\n", l->n, label, glen ? glen : 5, glen ? g : "other");
}

/* store_each_label's callback: the first label into arg (STORE_LABEL_MAX + 1 bytes). */
static void take_first(void *arg, const char *label, int rank, int64_t ms)
{
	(void)rank;
	(void)ms;
	char *first = arg;
	if (!first[0])
		snprintf(first, STORE_LABEL_MAX + 1, "%s", label);
}

/* The rank of group g in a priority list (space-separated), or -1 when it is not listed. */
static int group_rank(const char *priority, const char *g, int *groups)
{
	int rank = 0, found = -1;
	for (const char *w = priority; *w; rank++) {
		size_t len = strcspn(w, " ");
		if (len == strlen(g) && !strncmp(w, g, len))
			found = rank;
		w += len;
		w += *w == ' ';
	}
	*groups = rank;
	return found;
}

static int cmd_invitations(int argc, char **argv)
{
	static const int allowed[] = {OPT_DATA, OPT_ADD, OPT_GROUP, OPT_REVOKE, OPT_SEATS, OPT_LIST, OPT_BASE_URL, 0};
	options o = {.data_dir = "data", .listen = "127.0.0.1", .port = 8080};
	char *id = NULL;
	int rc =
	    parse_options(argc, argv, usage_invitations, allowed, &o, &id, 1, "expects a programme or consultation id");
	if (rc)
		return rc > 0 ? 0 : 2;
	if (!o.nadds && !o.nrevokes && !o.seats && !o.list) {
		fprintf(stderr, "roundtable invitations: give --add, --revoke, --seats or --list\n\n%s",
		        usage_invitations);
		return 2;
	}
	for (int i = 0; i < o.nadds; i++) {
		size_t len = strlen(o.adds[i]);
		long cp = core_utf8_count(o.adds[i], len);
		bool ctrl = false;
		for (size_t k = 0; k < len; k++)
			ctrl = ctrl || (unsigned char)o.adds[i][k] < 0x20;
		if (cp < 1 || len > STORE_LABEL_MAX || ctrl || o.adds[i][0] == ' ') {
			fprintf(stderr,
			        "roundtable: --add takes a label of 1 to %d bytes of UTF-8 text without control "
			        "characters\n",
			        STORE_LABEL_MAX);
			return 2;
		}
	}
	int seats = -2; /* not changed */
	if (o.seats && strcmp(o.seats, "none") != 0 && parse_int(o.seats, 0, 100000, &seats)) {
		fprintf(stderr, "roundtable: --seats must be a number from 0 to 100000, or none\n");
		return 2;
	}
	if (o.seats && !strcmp(o.seats, "none"))
		seats = -1;
	store *st = open_store(o.data_dir);
	store_seats s;
	rt_err err = st ? store_seats_get(st, id, &s) : RT_E_SERVER_UNAVAILABLE;
	if (err) {
		fprintf(stderr, "roundtable: %s\n",
		        err == RT_E_NOT_FOUND ? "no such programme or consultation (a programme's session takes "
		                                "the programme's invitations)"
		                              : "cannot read the database");
		store_close(st);
		return 1;
	}
	int groups = 0, rank = 0;
	group_rank(s.priority, "", &groups);
	if (o.group && (rank = group_rank(s.priority, o.group, &groups)) < 0) {
		fprintf(stderr, "roundtable: --group must be one of the priority groups: %s\n",
		        s.priority[0] ? s.priority : "(none listed)");
		store_close(st);
		return 2;
	}
	if (!o.group)
		rank = groups;
	link_set *ls = calloc(1, sizeof *ls);
	char base[URL_MAX - 32];
	default_base(&o, base, sizeof base);
	rc = ls ? 0 : -1;
	int revoked = 0;
	/* Everything is checked before anything is written: a refused label changes nothing. The
	 * labels revoked come first, then those added. */
	const char *given[2 * MAX_LABEL_ARGS];
	int ngiven = 0;
	for (int i = 0; i < o.nrevokes; i++)
		given[ngiven++] = o.revokes[i];
	for (int i = 0; i < o.nadds; i++)
		given[ngiven++] = o.adds[i];
	for (int i = 0; rc == 0 && i < ngiven; i++) {
		bool add = i >= o.nrevokes;
		store_label_state state;
		if (store_label_state_get(st, id, given[i], &state)) {
			rc = -1;
		} else if (add ? state != STORE_LABEL_NONE : state == STORE_LABEL_NONE) {
			fprintf(stderr, "roundtable: %s is %s\n", given[i],
			        state == STORE_LABEL_INVITED   ? "already invited"
			        : state == STORE_LABEL_WAITING ? "already on the waiting list"
			                                       : "neither invited nor waiting");
			rc = 1;
		}
		for (int j = 0; rc == 0 && j < i; j++)
			if (!strcmp(given[i], given[j])) {
				fprintf(stderr, "roundtable: %s is given twice\n", given[i]);
				rc = 1;
			}
	}
	for (int i = 0; rc == 0 && i < o.nrevokes; i++) {
		int n = 0;
		if (store_revoke_tokens(st, id, CORE_ROLE_PARTICIPANT, STORE_TOKEN_PERSONAL, o.revokes[i], &n) ||
		    store_waiting_remove(st, id, o.revokes[i]))
			rc = -1;
		revoked += n;
		if (rc == 0)
			printf("%s: %s\n", o.revokes[i], n ? "invitation revoked" : "taken off the waiting list");
	}
	if (rc == 0 && seats != -2 && store_seats_set(st, id, s.programme, seats))
		rc = -1;
	if (seats != -2)
		s.seats = seats;
	s.invited -= revoked;
	/* Newcomers join the end of their group; then free seats go to the list in its order. */
	for (int i = 0; rc == 0 && i < o.nadds; i++) {
		int pos;
		if (store_waiting_add(st, id, s.programme, o.adds[i], rank, &pos))
			rc = -1;
	}
	while (rc == 0 && (s.seats < 0 || s.invited < s.seats)) {
		char first[STORE_LABEL_MAX + 1] = "";
		bool failed = store_each_label(st, id, false, take_first, first) != RT_OK;
		if (!failed && !first[0])
			break;
		if (failed || store_waiting_remove(st, id, first) ||
		    issue_for(st, id, s.programme, base, CORE_ROLE_PARTICIPANT, STORE_TOKEN_PERSONAL, first, ls))
			rc = -1;
		s.invited++;
	}
	/* Links are printed only once they are durable. */
	if (rc == 0 && store_commit(st) != RT_OK)
		rc = -1;
	if (rc == 0) {
		for (int i = 0; i < ls->n; i++)
			printf("%s: invited: %s\n", ls->labels[i], ls->urls[i]);
		label_listing waiting = {.priority = s.priority};
		for (int i = 0; i < o.nadds; i++) {
			store_label_state state = STORE_LABEL_NONE;
			store_label_state_get(st, id, o.adds[i], &state);
			if (state == STORE_LABEL_WAITING) {
				waiting.n = 0;
				waiting.find = o.adds[i];
				store_each_label(st, id, false, list_label, &waiting);
			}
		}
	}
	if (rc == 0 && revoked) {
		/* A running server cuts off who held a revoked invitation, now. */
		char *req = wire_encode_control_request("links", id, NULL, 0);
		if (req) {
			char reply[512];
			net_control_request(o.data_dir, req, reply, sizeof reply);
		}
		free(req);
	}
	if (rc == 0 && o.list) {
		store_seats now;
		if (store_seats_get(st, id, &now) == RT_OK) {
			printf("%s %s: ", now.programme ? "Programme" : "Consultation", id);
			if (now.seats >= 0)
				printf("%d of %d seats taken; %d waiting\n", now.invited, now.seats, now.waiting);
			else
				printf("%d invited (no cap); %d waiting\n", now.invited, now.waiting);
			label_listing all = {0};
			printf("invited:\n");
			store_each_label(st, id, true, list_label, &all);
			all = (label_listing){.priority = now.priority};
			printf("waiting list, in order:\n");
			store_each_label(st, id, false, list_label, &all);
		}
	}
	if (rc < 0)
		fprintf(stderr, "roundtable: could not store the invitations\n");
	store_close(st);
	free(ls);
	return rc ? 1 : 0;
}

static int cmd_backup(int argc, char **argv)
{
	static const int allowed[] = {OPT_DATA, 0};
	options o = {.data_dir = "data"};
	char *pos[2];
	int rc = parse_options(argc, argv, usage_backup, allowed, &o, pos, 2, "expects a consultation id and a file");
	if (rc)
		return rc > 0 ? 0 : 2;
	store *st = open_store(o.data_dir);
	if (!st)
		return 1;
	char why[512] = "";
	bool sealed = false;
	rt_err err = store_backup(st, pos[0], pos[1], &sealed, why, sizeof why);
	store_close(st);
	if (err) {
		fprintf(stderr, "roundtable: cannot back up %s: %s\n", pos[0], why);
		return 1;
	}
	struct stat sb;
	printf("backed up %s to %s (%lld bytes)\n", pos[0], pos[1], stat(pos[1], &sb) ? 0LL : (long long)sb.st_size);
	if (!sealed)
		fprintf(stderr,
		        "roundtable: %s is not sealed: this copy holds its pseudonyms and their key, which "
		        "the seal will not reach; delete it once the consultation is sealed\n",
		        pos[0]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_main, stderr);
		return 2;
	}
	const char *cmd = argv[1];
	/* Commands other than serve and demo print for a person; the log says only what went wrong
	 * underneath (a seal run here, without a server, goes through the hub). */
	rtlog_setup(RTLOG_WARN, RTLOG_TEXT, NULL);
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("roundtable %s\n", ROUNDTABLE_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "serve"))
		return cmd_serve(argc - 1, argv + 1);
	if (!strcmp(cmd, "demo"))
		return cmd_demo(argc - 1, argv + 1);
	if (!strcmp(cmd, "new"))
		return cmd_new(argc - 1, argv + 1);
	if (!strcmp(cmd, "denylist"))
		return cmd_denylist(argc - 1, argv + 1);
	if (!strcmp(cmd, "seal"))
		return cmd_seal(argc - 1, argv + 1);
	if (!strcmp(cmd, "links"))
		return cmd_links(argc - 1, argv + 1);
	if (!strcmp(cmd, "export"))
		return cmd_export(argc - 1, argv + 1);
	if (!strcmp(cmd, "backup"))
		return cmd_backup(argc - 1, argv + 1);
	if (!strcmp(cmd, "programme"))
		return cmd_programme(argc - 1, argv + 1);
	if (!strcmp(cmd, "invitations"))
		return cmd_invitations(argc - 1, argv + 1);
	fprintf(stderr, "roundtable: unknown command '%s'\n\n%s", cmd, usage_main);
	return 2;
}
