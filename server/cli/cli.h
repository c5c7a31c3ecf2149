/* cli.h — what the files of the command line share: the options every command parses into, the
 * option numbers, the parsing and file helpers, and the links that several commands print.
 * Only server/main.c and the files of server/cli include it; no other layer sees the command line. */
#ifndef RT_CLI_H
#define RT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "core.h"
#include "hub.h"
#include "joincode.h"
#include "report.h"
#include "net.h"
#include "store.h"
#include "wire.h"

/* Personal invitations are few per consultation (selected participants); a bound keeps a
 * typo from minting a million links. */
#define MAX_INVITATIONS 10000
/* --add and --revoke given at once to `roundtable invitations`. */
#define MAX_LABEL_ARGS 256

/* Every command's options, in one struct: each command sets its defaults and parses the options
 * it allows (cli_parse_options). */
typedef struct options {
	const char *data_dir;
	const char *listen;
	int port;
	const char *web_dir;
	const char *base_url;
	int invitations;
	bool json;
	int format;                          /* export: report_format */
	int lang;                            /* export: core_lang, or CORE_LANG_NONE */
	int k;                               /* export: 0 for the default */
	int ping;                            /* serve: seconds of silence before a ping (0: the default) */
	int queue;                           /* serve: KiB that may wait for one connection (0: the default) */
	int links_ttl_hours;                 /* serve, seal: how long links work after a seal (-1: the default) */
	int live_window;                     /* serve: a busy consultation's live window, ms (-1: the default) */
	int live_budget;                     /* serve: writes a second that set it (0: the default) */
	net_options net;                     /* serve: origins, limits, TLS */
	const char *revoke, *rotate, *label; /* links */
	/* invitations: labels to add (in order) and to revoke, the group of those added, the cap */
	const char *adds[MAX_LABEL_ARGS], *revokes[MAX_LABEL_ARGS];
	int nadds, nrevokes;
	const char *group;
	const char *seats;
	bool list, csv;
	const char *reissue;       /* invitations: the label allowed one more credential (CHR-3) */
	bool check_config;         /* serve: check the configuration, print it, exit */
	const char *output;        /* export, programme attendance: a file, or a folder for the usual name */
	int log_level, log_format; /* serve, demo: rtlog_level, rtlog_format */
	const char *zones;         /* ics: the time zones a description lists, comma-separated */
} options;

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
	OPT_OUTPUT,
	OPT_HELP,
	OPT_MEMORY,
	OPT_LIVE_BUDGET,
	OPT_REISSUE,
	OPT_ZONES
};

/* The options of serve and demo beyond the address and the files. */
#define OPTS_SECURITY                                                                                                  \
	OPT_PING, OPT_QUEUE, OPT_ORIGIN, OPT_TLS_CERT, OPT_TLS_KEY, OPT_PROXY, OPT_MAX_CONN, OPT_MAX_ADDR, OPT_RATE,   \
	    OPT_BURST, OPT_MAX_MESSAGE, OPT_AUTH_TIMEOUT, OPT_HEADER_TIMEOUT, OPT_HEADER_BYTES, OPT_LINKS_TTL,         \
	    OPT_LOG_LEVEL, OPT_LOG_FORMAT, OPT_LIVE_WINDOW, OPT_MEMORY, OPT_LIVE_BUDGET

/* The links one command issues at most: invitations, the open link, co-chair, rapporteur, stage,
 * and a booth per channel. */
#define MAX_LINKS (MAX_INVITATIONS + 4 + CORE_MAX_CHANNELS)
#define URL_MAX 512

/* Links issued by one command, kept to print once their tokens are durable (the store keeps
 * only hashes, so this is the one time they can be printed). */
typedef struct link_set {
	wire_link links[MAX_LINKS];
	char urls[MAX_LINKS][URL_MAX];
	char labels[MAX_LINKS][STORE_LABEL_MAX + 1];
	int n;
	/* the open participant link's short join code (canonical, "" if none issued) and its URL */
	char join_code[CORE_JOIN_CODE_LEN + 1];
	char join_url[URL_MAX];
} link_set;

/* --- the commands: each takes its own argv (argv[0] is its name) and its usage text, and
 * returns the process's exit status (0, 1 on failure, 2 on a usage error) ------------------- */

typedef int cli_command(int argc, char **argv, const char *usage);
cli_command cli_serve, cli_demo, cli_new, cli_denylist, cli_seal, cli_links, cli_export, cli_backup, cli_programme,
    cli_invitations, cli_organiser_link;
cli_command cli_ics;

/* --- the usage texts (usage.c) ------------------------------------------------------------- */

extern const char cli_usage_main[], cli_usage_serve[], cli_usage_demo[], cli_usage_new[], cli_usage_denylist[],
    cli_usage_seal[], cli_usage_links[], cli_usage_export[], cli_usage_backup[], cli_usage_programme[],
    cli_usage_invitations[], cli_usage_organiser_link[];
extern const char cli_usage_ics[];

/* --- options and files (options.c) --------------------------------------------------------- */

/* A whole number from lo to hi into *out: 0, or -1 when s is not one. */
int cli_parse_int(const char *s, int lo, int hi, int *out);
/* Parses options for one command; `allowed` lists the OPT_ values it takes, and the command
 * takes exactly `npos` arguments into positional[] (described by `what` when they are missing).
 * Returns 0, 1 after printing help, or -1 after printing an error. */
int cli_parse_options(int argc, char **argv, const char *usage, const int *allowed, options *o, char **positional,
                      int npos, const char *what);
/* Opens (creating the folder if needed) the database under data_dir; NULL after saying why. */
store *cli_open_store(const char *data_dir);
/* EX-2: sends standard output to `output`: that file, or, when it is a folder, the file called
 * `name` in it (report_filename). Says where on standard error. 0, or -1 with a message. */
int cli_output_to(const char *output, const char *name);
/* A whole file, malloc'd and NUL-terminated (the caller frees it); NULL after saying why on
 * stderr. */
char *cli_read_text(const char *path, size_t *len);
/* Every error of an agenda or programme file, with its place, on stderr. */
void cli_print_file_errors(const char *source, const char *what, const wire_agenda_errors *errs);
/* The start of printed links: --base-url with a final '/', else http://LISTEN:PORT/. */
void cli_default_base(const options *o, char *buf, size_t cap);

/* What serve parses when given --config: the file's settings as options, then the command
 * line's, which thus win (and --origin on the command line replaces the file's origins). */
typedef struct config_argv {
	config cfg;
	char (*flags)[40]; /* "--name" of each setting */
	char **argv;
	int argc;
} config_argv;

/* Where --config FILE is in argv (or --config=FILE), NULL if nowhere. */
const char *cli_config_arg(int argc, char **argv);
/* Reads `path` into ca: the file's settings as options, then argv's. 0, or -1 after printing
 * why (free ca with cli_config_argv_free either way). */
int cli_config_args(const char *path, int argc, char **argv, const char *usage, const int *allowed,
                    const options *defaults, config_argv *ca);
void cli_config_argv_free(config_argv *ca);
/* serve --check-config: whether the folders and files the options name are usable, and what
 * the server would use. 0 when it would start, 1 otherwise. Changes nothing. */
int cli_check_config(const options *o);

/* --- links (links.c) ----------------------------------------------------------------------- */

/* Mints one token for owner (a consultation, or a programme), stores its hash, and records its
 * link in ls. 0, or -1. */
int cli_issue_for(store *st, const char *owner, bool programme, const char *base, core_role role, store_token_kind kind,
                  const char *label, link_set *ls);
/* One link per role of a consultation or (`programme`, with a->id the programme's) of every
 * session of a programme, committed; 0, or -1 after saying so. */
/* CHR-3: consultation cid's blind-signing key for invitations' credentials, made with it and put
 * in the open transaction (a consultation made before credentials gets one on first use). 0 or
 * -1. */
int cli_credential_key(store *st, const char *cid);
int cli_issue_owner_links(store *st, const core_agenda *a, bool programme, const char *base, int invitations,
                          link_set *ls);
int cli_issue_links(store *st, const core_agenda *a, const char *base, int invitations, link_set *ls);
/* A consultation's links, as lines for people or (json) one JSON object. */
void cli_print_links(const core_agenda *a, const link_set *ls, bool json);
void cli_print_link_lines(const link_set *ls);
/* Creates a consultation from agenda text, into *a. Reports every agenda error on stderr. */
int cli_create_consultation(store *st, const char *text, size_t len, const char *source, const char *origin,
                            core_agenda *a);
/* POLL-1 (polls.c): the polls the agenda text prepares, created in consultation a's open
 * transaction, without printing: 0; -1 with their errors in errs, each at its place
 * ("segments[1].polls[0]: poll.invalid"); -3 when the store failed. */
int cli_make_agenda_polls(store *st, const char *text, size_t len, const core_agenda *a, wire_agenda_errors *errs);

/* --- time (tz.c) --------------------------------------------------------------------------- */

/* The local time `minute` minutes after midnight of date (YYYY-MM-DD) in time zone `timezone`
 * (an IANA name, "Europe/Vienna"), as server ms (UTC); 0 when date is not a date. */
int64_t cli_local_ms(const char *timezone, const char *date, int minute);

/* --- the organiser's operations, shared by the command line and the console (ORG-1) ------ */

/* Creates a consultation from agenda text, with the polls it prepares, into *a, without
 * printing: 0; -1 with the agenda's errors in errs (nothing created); -2 when the random
 * generator failed; -3 when the store did. */
int cli_make_consultation(store *st, const char *text, size_t len, const char *origin, core_agenda *a,
                          wire_agenda_errors *errs);
/* Creates a programme and its sessions, with the polls they prepare, from programme text
 * (protocol/programme.md), and issues its links into ls, committed: 0 (free wp with
 * wire_programme_free); -1 with the file's errors in errs (nothing created); -2 when the links
 * could not be stored; -3 when the programme could not. */
int cli_make_programme(store *st, const char *text, size_t len, const char *base, int invitations, store_programme *sp,
                       wire_programme *wp, link_set *ls, wire_agenda_errors *errs);
/* Revokes (and with `rotate` issues again, into ls) the links of kind `who` (participant,
 * invitation, cochair, rapporteur, booth, stage) of consultation id, committed; its agenda into
 * *agenda. 0; 1 for no such consultation; 2 for an unknown kind; 3 for an invitation rotated
 * without its label; -1 after a failure of the store. */
int cli_change_links(store *st, const char *id, const char *who, const char *label, bool rotate, const char *base,
                     link_set *ls, core_agenda *agenda, int *revoked, int *stage_revoked);
/* Invitations of a programme or consultation: labels revoked, then labels added to the waiting
 * list in `group`, the cap (-2: unchanged, -1: none), then free seats to the waiting list. */
typedef struct cli_invitation_change {
	const char *const *adds;
	int nadds;
	const char *const *revokes;
	int nrevokes;
	const char *group;
	int seats;
} cli_invitation_change;
/* Applies c to owner id, committed: every check before any write. The links of those invited
 * into ls; was_invited[i]: revokes[i] held an invitation (rather than a place on the waiting
 * list). 0; 1 or 2 (a label or group refused) or 3 (no such owner) with why; -1 when the store
 * failed. */
int cli_apply_invitations(store *st, const char *id, const cli_invitation_change *c, const char *base, link_set *ls,
                          bool *was_invited, char *why, size_t cap);
/* CHR-6: parses a deny-list, one name a line ('#' starts a comment), into deny, and each name
 * into names[*n] (room for one per two bytes of text, and one). 0, or the number of the first
 * line that is no usable name. Changes text (each line ends with its NUL). */
int cli_parse_denylist(char *text, core_denylist *deny, const char **names, size_t *n);
/* What the console works on: the server's store and its data folder. */
typedef struct cli_console_ctx {
	store *st;
	const char *data_dir;
} cli_console_ctx;
/* EX-2: consultation id's report as opt says, malloc'd into *doc (*len bytes), and its usual
 * file name. RT_OK; RT_E_NOT_FOUND; RT_E_SERVER_UNAVAILABLE (the database, or memory: then
 * name[0] is 1). */
rt_err cli_render_report(store *st, const char *id, const report_options *opt, char **doc, size_t *len,
                         char name[REPORT_FILENAME_MAX]);
/* The organiser's console: one frame of an organiser connection answered (hub_console_fn);
 * ctx is a cli_console_ctx. */
wire_buf *cli_console(void *ctx, hub *h, const char *frame, size_t len, size_t headroom);
/* Mints an organiser link (revoking every one before) into url (cap bytes), committed: 0, or -1. */
int cli_organiser_link_new(store *st, const char *base, char *url, size_t cap);

/* Attendance that holds up (attendance.c): programme import, correct and audit (argv[1] names
 * which), and one label's records (programme attendance ID --label L). */
/* ORG-3: imported minutes (reason NULL) or a correction (with its reason) for one label. */
typedef struct cli_attendance_entry {
	const char *label;
	int minutes;
	const char *reason;
} cli_attendance_entry;
/* Applies entries to session cid of programme pid, committed: every entry checked first (its
 * minutes, its reason, its label one of pid's invitations), then all written at `now`. 0; 1
 * with why ("LABEL: what is wrong") when one is refused, nothing written; -1 when the store
 * failed. The command line and the organiser's console both call it. */
int cli_attendance_apply(store *st, const char *pid, const char *cid, const cli_attendance_entry *e, int n, int64_t now,
                         char *why, size_t cap);
int cli_programme_attendance_more(int argc, char **argv, const char *usage);
int cli_programme_label(store *st, const char *pid, const char *label, bool csv);

/* export PROGRAMME_ID: the programme's report (programme.c), with export's options. */
int cli_export_programme(const options *o, const char *pid);

/* An instant (server ms) as the wall clock of `timezone` reads it: *tm, and the zone's
 * abbreviation then ("BST", "EDT", "SAST": the system's time zone database's) in abbr. 0, or -1. */
struct tm;
int cli_zone_time(const char *timezone, int64_t ms, struct tm *tm, char *abbr, size_t cap);

/* Room in a growing array of `size`-byte items for one more beyond n (capacity *cap); NULL
 * when out of memory (the array stays as it was). */
void *cli_room_for_one(void *items, int n, int *cap, size_t size);

#endif
