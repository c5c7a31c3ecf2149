/* options.c — the command line's options: the getopt table, whole-number and one-of-a-few
 * options, the configuration file merged under the command line's, and the files and database a
 * command opens. It runs no command: each command's file says which options it takes. */
#include <errno.h>
#include <arpa/inet.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "hub.h"
#include "log.h"
#include "report.h"

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
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"help", no_argument, NULL, OPT_HELP},
    {"memory-limit", required_argument, NULL, OPT_MEMORY},
    {"live-budget", required_argument, NULL, OPT_LIVE_BUDGET},
    {"reissue", required_argument, NULL, OPT_REISSUE},
    {"zones", required_argument, NULL, OPT_ZONES},
    {NULL, 0, NULL, 0},
};

int cli_parse_int(const char *s, int lo, int hi, int *out)
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
    {OPT_MEMORY, NET_MEMORY_MIB, "memory-limit", " of MiB", 1, 1024 * 1024, offsetof(options, net.memory_limit_mib)},
    {OPT_LIVE_BUDGET, HUB_LIVE_BUDGET, "live-budget", " of writes per second", 1, 100000000,
     offsetof(options, live_budget)},
};

/* Options whose value is one of a few words. */
static const struct enum_option {
	int opt;
	int (*parse)(const char *); /* the value's number, or -1 */
	const char *name, *choices;
	size_t at; /* offset in options */
} enum_options[] = {
    {OPT_FORMAT, report_format_parse, "format", "md, html, csv or json", offsetof(options, format)},
    {OPT_LANG, core_lang_parse, "lang", "en, ar, fr or es", offsetof(options, lang)},
    {OPT_LOG_LEVEL, rtlog_level_parse, "log-level", "error, warn, info or debug", offsetof(options, log_level)},
    {OPT_LOG_FORMAT, rtlog_format_parse, "log-format", "text or json", offsetof(options, log_format)},
};

/* "http://host[:port]" or "https://...", with no path (a final "/" is allowed). */
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
int cli_parse_options(int argc, char **argv, const char *usage, const int *allowed, options *o, char **positional,
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
			if (cli_parse_int(optarg, io->lo, io->hi, (int *)((char *)o + io->at))) {
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
		case OPT_REISSUE:
			o->reissue = optarg;
			break;
		case OPT_LIST:
			o->list = true;
			break;
		case OPT_CSV:
			o->csv = true;
			break;
		case OPT_OUTPUT:
			o->output = optarg;
			break;
		case OPT_ROTATE:
			o->rotate = optarg;
			break;
		case OPT_LABEL:
			o->label = optarg;
			break;
		case OPT_ZONES:
			o->zones = optarg;
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
store *cli_open_store(const char *data_dir)
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
char *cli_read_text(const char *path, size_t *len)
{
	char *text = read_file(path, len);
	if (!text)
		fprintf(stderr, "roundtable: cannot read %s: %s\n", path, strerror(errno));
	return text;
}

/* Every error of an agenda or programme file, with its place, on stderr. */
void cli_print_file_errors(const char *source, const char *what, const wire_agenda_errors *errs)
{
	fprintf(stderr, "roundtable: %s is not a valid %s (%d error%s):\n", source, what, errs->n,
	        errs->n == 1 ? "" : "s");
	for (int i = 0; i < errs->n; i++)
		fprintf(stderr, "  %s\n", errs->msg[i]);
}

void cli_default_base(const options *o, char *buf, size_t cap)
{
	if (o->base_url) {
		size_t n = strlen(o->base_url);
		snprintf(buf, cap, "%s%s", o->base_url, n && o->base_url[n - 1] == '/' ? "" : "/");
	} else {
		snprintf(buf, cap, "http://%s:%d/", o->listen, o->port);
	}
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
const char *cli_config_arg(int argc, char **argv)
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

void cli_config_argv_free(config_argv *ca)
{
	config_free(&ca->cfg);
	free(ca->flags);
	free(ca->argv);
}

/* Reads `path` into ca. Each setting is checked alone first, so that a message can name its
 * line. 0, or -1 after printing why. */
int cli_config_args(const char *path, int argc, char **argv, const char *usage, const int *allowed,
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
		if (cli_parse_options(lo->has_arg == no_argument ? 2 : 3, one, usage, allowed, &scratch, NULL, 0,
		                      NULL)) {
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
int cli_check_config(const options *o)
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
