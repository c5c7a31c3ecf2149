/* usage.c — the usage texts of the command line: the commands' list, and one text per command
 * with its options. Words only: which options a command takes is its own file's. */
#include "cli.h"

const char cli_usage_main[] =
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
    "  ics ID             a calendar file (.ics) of a consultation or of a programme's sessions\n"
    "  organiser-link     print a link to the organiser's console (--rotate, --revoke)\n"
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
	"  --memory-limit MIB  what may wait for all clients together, snapshots included (default\n"                  \
	"                   256); past it, the connections holding most for longest are dropped\n"                     \
	"  --links-ttl HOURS  links stop working this long after the consultation is sealed\n"                         \
	"                   (default 168, a week, to read the final report; 0: at the seal)\n"                         \
	"\n"                                                                                                           \
	"Log (standard error, one line per event; never a question, token, label or address):\n"                       \
	"  --log-level L    error, warn, info (default: start, stop, organiser actions, failures)\n"                   \
	"                   or debug (also each refused or dropped connection)\n"                                      \
	"  --log-format F   text (logfmt: key=value, the default) or json (one object a line)\n"

const char cli_usage_serve[] =
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
    "  --live-window MS  a large, busy consultation's updates go out together, at most once\n"
    "                   in MS milliseconds, vote counts coalesced; a lone change at once\n"
    "                   (default 200; 0: with every commit)\n"
    "  --live-budget N  writes a second one consultation's updates may cost: its window is\n"
    "                   its connections * 1000 / N ms, up to --live-window (default 50000:\n"
    "                   none for a small room, 20 ms for 1,000 connections)\n" USAGE_SECURITY
    "  --help           this text\n"
    "\n"
    "SIGTERM or SIGINT stops it gracefully: it stops accepting, commits what it acknowledged,\n"
    "closes every connection with 1001 (clients reconnect and resume) and exits 0.\n";

const char cli_usage_demo[] =
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

const char cli_usage_new[] =
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

const char cli_usage_denylist[] =
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

const char cli_usage_seal[] =
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

const char cli_usage_links[] =
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

const char cli_usage_export[] =
    "Usage: roundtable export ID [OPTIONS]\n"
    "\n"
    "Write consultation ID's report to standard output (EX-2..EX-7): the approved items by\n"
    "segment and theme, participation in aggregate, the agenda with planned and actual minutes,\n"
    "and a privacy manifest. Counts from 1 to k-1 read 'fewer than k'. Before the consultation is\n"
    "sealed the report is a draft without counts; once sealed, a draft with its counts until the\n"
    "rapporteurs finalise it, then FINAL. The same data gives the same bytes.\n"
    "\n"
    "  --data DIR       folder of the database (default ./data)\n"
    "  --format F       md, html, csv or json (default md)\n"
    "  --lang L         language of the report's own words: en, ar, fr, es (default: the floor's)\n"
    "  --k N            the small-count threshold, 2 to 100 (default 5)\n"
    "  --output PATH    write to PATH instead of standard output; a folder gets the usual name:\n"
    "                   the title, the date and the kind, e.g.\n"
    "                   un-cybercrime-consultation-2026-12-03-report.md (report-draft until final)\n"
    "  --help           this text\n";

const char cli_usage_backup[] =
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

const char cli_usage_programme[] =
    "Usage: roundtable programme new FILE [OPTIONS]\n"
    "       roundtable programme attendance ID [--csv] [--label LABEL] [OPTIONS]\n"
    "       roundtable programme import ID SESSION FILE [OPTIONS]\n"
    "       roundtable programme correct ID SESSION LABEL MINUTES REASON [OPTIONS]\n"
    "       roundtable programme audit ID [--csv] [OPTIONS]\n"
    "\n"
    "new: create a programme, a series of sessions (each a consultation with its own questions,\n"
    "clock and report), from a programme file (format: protocol/programme.md), and print its links:\n"
    "each works in every session and opens the session under way (or the next one). Issue\n"
    "personal invitations with 'roundtable invitations ID --add LABEL'.\n"
    "\n"
    "attendance: per invitation label, the sessions attended (connected for the programme's share\n"
    "of a session's scheduled time while it was in session, measured by the server) and whether\n"
    "the certificate's number of sessions is met. Attendance is kept by invitation only, never\n"
    "with questions, votes or languages, and survives the seal. A running server counts it in\n"
    "memory and writes it once for everyone when a session leaves session (its end, the seal) or\n"
    "the server stops gracefully, never as people come and go: a crash during a session loses\n"
    "that session's attendance (Zoom's attendance report and corrections make up for it).\n"
    "A session counts the longer of that measure and the minutes imported from another\n"
    "record, plus the corrections.\n"
    "\n"
    "import: minutes from another record of session SESSION (1, 2...), such as a Zoom attendance\n"
    "report: FILE has lines label,minutes (the organiser's page makes it from the report and the\n"
    "registration list, which never leave the browser). It replaces a label's earlier import.\n"
    "correct: adds MINUTES (20, or -15 to take minutes away) to LABEL's time\n"
    "in SESSION, with REASON, which must name nobody (\"joined by telephone, host confirmed\").\n"
    "audit: every correction, oldest first: time, label, session, minutes, reason; never who.\n"
    "\n"
    "  --data DIR        folder of the database (default ./data)\n"
    "  --label LABEL     attendance: one invitation's records, session by session\n"
    "  --base-url URL    new: start of the printed links (default http://127.0.0.1:8080/)\n"
    "  --invitations N   new: also create N personal invitations labelled \"invitation 1\"...\n"
    "  --csv             attendance: print CSV (label, one column per session, sessions\n"
    "                    attended, certificate)\n"
    "  --output PATH     attendance: write to PATH instead of standard output; a folder gets\n"
    "                    the usual name, e.g. training-programme-2026-11-02-attendance.csv\n"
    "  --help            this text\n";

const char cli_usage_invitations[] =
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
    "  --reissue LABEL   let LABEL draw a new anonymous credential (a lost or new device), at\n"
    "                    most twice per invitation: each re-issue may vote again\n"
    "  --csv             print the links made now as CSV (label,link) for a mail merge; a link\n"
    "                    is printed once, when it is made (the server keeps only hashes)\n"
    "  --base-url URL    start of the printed links (default http://127.0.0.1:8080/)\n"
    "  --data DIR        folder of the database (default ./data)\n"
    "  --help            this text\n";

const char cli_usage_organiser_link[] =
    "Usage: roundtable organiser-link [--rotate | --revoke] [OPTIONS]\n"
    "\n"
    "Prints a new link to the organiser's console, for every consultation and programme in the\n"
    "data folder: create them from an agenda, issue and revoke links and invitations, the\n"
    "deny-list, seal and export, from a browser. It is printed once: the server keeps only its\n"
    "hash. A new link revokes every earlier one (and a running server closes their consoles).\n"
    "\n"
    "  --rotate          the same, saying so (every earlier organiser link stops working)\n"
    "  --revoke          revoke every organiser link and print none\n"
    "  --base-url URL    start of the printed link (default http://127.0.0.1:8080/)\n"
    "  --data DIR        folder of the database (default ./data)\n"
    "  --help            this text\n";

const char cli_usage_ics[] =
    "Usage: roundtable ics ID [OPTIONS]\n"
    "\n"
    "Write a calendar file (RFC 5545) for consultation or programme ID to standard output: one\n"
    "event per session (a consultation is one session: its first segment's start to its last's\n"
    "end), in UTC, with a reminder 15 minutes before, and a description giving the time in each\n"
    "zone of --zones as invitations write it (12:00 BST, 13:00 CEST, 07:00 EDT). It carries no\n"
    "link: personal links are in the files the organiser's page makes, one per registration.\n"
    "An agenda without a date has no calendar.\n"
    "\n"
    "  --zones LIST     IANA time zones, comma-separated (default: the agenda's own)\n"
    "  --output PATH    write to PATH instead of standard output; a folder gets the usual name\n"
    "  --data DIR       folder of the database (default ./data)\n"
    "  --help           this text\n";
