/* console.c — the organiser's console (ORG-1): the organiser link (`roundtable organiser-link`),
 * and the answer to each frame an organiser's browser sends. Every operation is the command
 * line's own code (cli_make_consultation, cli_issue_links, cli_change_links,
 * cli_apply_invitations, cli_parse_denylist, hub_seal, report_render); this file only reads the
 * frame and writes the answer. Not the transport (server/hub/console.c hands frames here). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"
#include "crypto.h"
#include "report.h"
#include "seats.h"

/* --- the organiser link ------------------------------------------------------------------ */

int cli_organiser_link_new(store *st, const char *base, char *url, size_t cap)
{
	uint8_t raw[CRYPTO_TOKEN_BYTES], hash[CRYPTO_HASH_BYTES];
	char text[CRYPTO_TOKEN_CHARS + 1];
	if (crypto_token_new(raw, text))
		return -1;
	crypto_sha256(raw, sizeof raw, hash);
	memset(raw, 0, sizeof raw);
	if (store_organiser_token_set(st, hash) != RT_OK || store_commit(st) != RT_OK) {
		store_rollback(st);
		return -1;
	}
	/* The token stays in the fragment: no server or proxy log ever sees it. */
	snprintf(url, cap, "%s#%s", base, text);
	return 0;
}

int cli_organiser_link(int argc, char **argv, const char *usage)
{
	static const int allowed[] = {OPT_DATA, OPT_BASE_URL, 0};
	options o = {.data_dir = "data", .listen = "127.0.0.1", .port = 8080};
	/* --rotate and --revoke are words here, not options with a value. */
	bool rotate = false, revoke = false;
	char *args[64];
	int n = 0;
	for (int i = 0; i < argc && n < 63; i++) {
		if (i && !strcmp(argv[i], "--rotate"))
			rotate = true;
		else if (i && !strcmp(argv[i], "--revoke"))
			revoke = true;
		else
			args[n++] = argv[i];
	}
	args[n] = NULL;
	int rc = cli_parse_options(n, args, usage, allowed, &o, NULL, 0, NULL);
	if (rc)
		return rc > 0 ? 0 : 2;
	if (rotate && revoke) {
		fprintf(stderr, "roundtable organiser-link: give --rotate or --revoke, not both\n\n%s", usage);
		return 2;
	}
	store *st = cli_open_store(o.data_dir);
	if (!st)
		return 1;
	char base[URL_MAX - 32], url[URL_MAX];
	cli_default_base(&o, base, sizeof base);
	int revoked = 0;
	rc = 0;
	if (revoke) {
		if (store_organiser_token_revoke(st, &revoked) != RT_OK || store_commit(st) != RT_OK)
			rc = -1;
		else
			printf("revoked %d organiser link%s\n", revoked, revoked == 1 ? "" : "s");
	} else if (cli_organiser_link_new(st, base, url, sizeof url) == 0) {
		printf("Organiser console%s:\n  organiser:        %s\n", rotate ? " (every earlier link revoked)" : "",
		       url);
	} else {
		rc = -1;
	}
	store_close(st);
	if (rc) {
		fprintf(stderr, "roundtable: could not store the organiser link\n");
		return 1;
	}
	/* A running server cuts off the consoles of the links revoked, now. */
	char *req = wire_encode_control_request("links", "organiser", NULL, 0);
	if (req) {
		char reply[512];
		net_control_request(o.data_dir, req, reply, sizeof reply);
	}
	free(req);
	return 0;
}

/* --- the console's frames ---------------------------------------------------------------- */

/* An answer as a wire_buf: j taken. */
static wire_buf *to_buf(wire_json *j, size_t headroom)
{
	return wire_json_buf(j, headroom);
}

/* A typed error: code, the place at fault (JSON path, or NULL), and words for the organiser's
 * own reading (NULL for none). */
static wire_buf *error_of(const char *id, rt_err err, const char *field, const char *detail, size_t headroom)
{
	wire_json *params = wire_json_object();
	if (field)
		wire_json_set(params, "field", wire_json_string(field));
	if (detail && detail[0])
		wire_json_set(params, "detail", wire_json_string(detail));
	wire_json *e = wire_json_object();
	wire_json_set(e, "type", wire_json_string("error"));
	wire_json_set(e, "id", wire_json_string(id));
	wire_json_set(e, "code", wire_json_string(rt_err_code(err)));
	wire_json_set(e, "params", params);
	return to_buf(e, headroom);
}

static wire_json *result(const char *id, const char *op)
{
	wire_json *r = wire_json_object();
	wire_json_set(r, "type", wire_json_string("organiser.result"));
	wire_json_set(r, "id", wire_json_string(id));
	wire_json_set(r, "op", wire_json_string(op));
	return r;
}

static wire_json *links_json(const link_set *ls)
{
	wire_json *a = wire_json_array();
	for (int i = 0; i < ls->n; i++) {
		const wire_link *l = &ls->links[i];
		wire_json *o = wire_json_object();
		wire_json_set(o, "role", wire_json_string(core_role_name(l->role)));
		wire_json_set(o, "label", wire_json_string(l->label));
		wire_json_set(o, "personal", wire_json_bool(l->personal));
		wire_json_set(o, "url", wire_json_string(l->url));
		wire_json_push(a, o);
	}
	return a;
}

static void add_join(wire_json *r, const link_set *ls)
{
	if (!ls->join_code[0])
		return;
	char shown[CORE_JOIN_CODE_LEN + 2];
	core_join_code_format(ls->join_code, shown);
	wire_json_set(r, "join_code", wire_json_string(shown));
	wire_json_set(r, "join_url", wire_json_string(ls->join_url));
}

static void add_item(void *arg, const store_item *it)
{
	wire_json *o = wire_json_object();
	wire_json_set(o, "kind", wire_json_string(it->is_programme ? "programme" : "consultation"));
	wire_json_set(o, "id", wire_json_string(it->id));
	wire_json_set(o, "title", wire_json_string(it->title));
	wire_json_set(o, "date", wire_json_string(it->date));
	wire_json_set(o, "timezone", wire_json_string(it->timezone));
	wire_json_set(o, "sealed", wire_json_bool(it->sealed));
	if (it->programme[0])
		wire_json_set(o, "programme", wire_json_string(it->programme));
	wire_json_set(o, "session", wire_json_integer(it->session));
	/* A consultation's planned start: its first segment's, in its time zone; with no date, only
	 * the wall-clock time is known. */
	int64_t starts_at = it->starts_at;
	const char *date = it->first_date[0] ? it->first_date : it->date;
	if (!it->is_programme && !starts_at && it->first_min >= 0 && date[0])
		starts_at = cli_local_ms(it->timezone, date, it->first_min);
	wire_json_set(o, "starts_at", wire_json_integer(starts_at));
	wire_json_set(o, it->is_programme ? "sessions" : "participants", wire_json_integer(it->count));
	wire_json_set(o, "invitations", wire_json_integer(it->invitations));
	if (!it->is_programme && !starts_at && it->first_min >= 0) {
		char hhmm[8];
		snprintf(hhmm, sizeof hhmm, "%02d:%02d", it->first_min / 60 % 24, it->first_min % 60);
		wire_json_set(o, "start", wire_json_string(hhmm));
	}
	wire_json_push(arg, o);
}

/* The start of new links: the console's own page's, checked. */
static bool base_ok(const char *base)
{
	size_t n = base ? strlen(base) : 0;
	if (n < 9 || n >= URL_MAX - 96 || base[n - 1] != '/' ||
	    (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)base[i] <= ' ' || base[i] == '"' || base[i] == '#' || base[i] == '?' ||
		    base[i] == '<' || base[i] == '>' || (unsigned char)base[i] >= 0x7f)
			return false;
	return true;
}

/* agenda.invalid with every error and its place: the first names the field (its message up to
 * ": ", "segments[2].duration"), the detail lists them all. */
static wire_buf *agenda_errors(const char *id, const wire_agenda_errors *errs, size_t headroom)
{
	char field[160], detail[WIRE_AGENDA_MAX_ERRORS * 162] = "";
	const char *colon = strstr(errs->msg[0], ": ");
	size_t n = colon ? (size_t)(colon - errs->msg[0]) : 0;
	snprintf(field, sizeof field, "%.*s", (int)(n < sizeof field ? n : sizeof field - 1), errs->msg[0]);
	for (int i = 0; i < errs->n; i++)
		snprintf(detail + strlen(detail), sizeof detail - strlen(detail), "%s%s", i ? "\n" : "", errs->msg[i]);
	return error_of(id, RT_E_AGENDA_INVALID, field, detail, headroom);
}

/* organiser.create with a programme file's JSON: the programme, its sessions and its links. */
static wire_buf *create_programme(store *st, const char *id, const char *text, const char *base, int invitations,
                                  size_t headroom)
{
	wire_programme wp;
	store_programme sp;
	link_set *ls = calloc(1, sizeof *ls);
	wire_agenda_errors *errs = malloc(sizeof *errs);
	int rc = ls && errs ? cli_make_programme(st, text, strlen(text), base, invitations, &sp, &wp, ls, errs) : -3;
	wire_buf *b;
	if (rc == -1) {
		b = agenda_errors(id, errs, headroom);
	} else if (rc) {
		b = error_of(id, RT_E_SERVER_UNAVAILABLE, NULL, NULL, headroom);
	} else {
		wire_json *r = result(id, "create"), *made = wire_json_object();
		wire_json_set(made, "id", wire_json_string(sp.id));
		wire_json_set(made, "title", wire_json_string(sp.title));
		wire_json_set(made, "sessions", wire_json_integer(wp.nsessions));
		wire_json_set(r, "programme", made);
		wire_json_set(r, "links", links_json(ls));
		add_join(r, ls);
		b = to_buf(r, headroom);
		wire_programme_free(&wp);
	}
	free(errs);
	free(ls);
	return b;
}

static wire_buf *op_create(store *st, const char *id, wire_json *req, size_t headroom)
{
	wire_json *agenda = wire_json_get(req, "agenda"), *programme = wire_json_get(req, "programme");
	const char *base = wire_json_str(wire_json_get(req, "base"));
	wire_json *inv = wire_json_get(req, "invitations");
	int64_t invitations = inv ? wire_json_int(inv) : 0;
	if (!wire_json_is_object(programme) && (programme || !wire_json_is_object(agenda)))
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, programme ? "programme" : "agenda", NULL, headroom);
	if (programme && agenda)
		return error_of(id, RT_E_PROTOCOL_UNKNOWN_FIELD, "agenda", NULL, headroom);
	if (!base_ok(base))
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "base", NULL, headroom);
	if ((inv && !wire_json_is_int(inv)) || invitations < 0 || invitations > MAX_INVITATIONS)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "invitations", NULL, headroom);
	char *text = wire_json_dump(programme ? programme : agenda);
	if (programme) {
		wire_buf *pb = text ? create_programme(st, id, text, base, (int)invitations, headroom)
		                    : error_of(id, RT_E_SERVER_UNAVAILABLE, NULL, NULL, headroom);
		free(text);
		return pb;
	}
	core_agenda *a = malloc(sizeof *a);
	link_set *ls = calloc(1, sizeof *ls);
	wire_agenda_errors errs;
	int rc = text && a && ls ? cli_make_consultation(st, text, strlen(text), NULL, a, &errs) : -3;
	wire_buf *b;
	if (rc == -1)
		b = agenda_errors(id, &errs, headroom);
	else if (rc || cli_issue_links(st, a, base, (int)invitations, ls)) {
		store_rollback(st);
		b = error_of(id, RT_E_SERVER_UNAVAILABLE, NULL, NULL, headroom);
	} else {
		wire_json *r = result(id, "create");
		wire_json *made = wire_json_object();
		wire_json_set(made, "id", wire_json_string(a->id));
		wire_json_set(made, "title", wire_json_string(a->title));
		wire_json_set(r, "consultation", made);
		wire_json_set(r, "links", links_json(ls));
		add_join(r, ls);
		b = to_buf(r, headroom);
	}
	free(text);
	free(a);
	free(ls);
	return b;
}

static wire_buf *op_links(store *st, hub *h, const char *id, wire_json *req, size_t headroom)
{
	const char *cid = wire_json_str(wire_json_get(req, "consultation"));
	const char *who = wire_json_str(wire_json_get(req, "link"));
	const char *action = wire_json_str(wire_json_get(req, "action"));
	const char *label = wire_json_str(wire_json_get(req, "label"));
	const char *base = wire_json_str(wire_json_get(req, "base"));
	bool rotate = action && !strcmp(action, "rotate");
	if (!cid)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "consultation", NULL, headroom);
	if (!rotate && (!action || strcmp(action, "revoke") != 0))
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "action", NULL, headroom);
	if (!base_ok(base))
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "base", NULL, headroom);
	core_agenda *a = malloc(sizeof *a);
	link_set *ls = calloc(1, sizeof *ls);
	int revoked = 0, stage_revoked = 0;
	int rc = a && ls ? cli_change_links(st, cid, who, label, rotate, base, ls, a, &revoked, &stage_revoked) : -1;
	wire_buf *b;
	if (rc == 1)
		b = error_of(id, RT_E_ORGANISER_NOT_FOUND, "consultation", NULL, headroom);
	else if (rc == 2)
		b = error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "link", NULL, headroom);
	else if (rc == 3)
		b = error_of(id, RT_E_ORGANISER_REFUSED, "label", NULL, headroom);
	else if (rc)
		b = error_of(id, RT_E_SERVER_UNAVAILABLE, NULL, NULL, headroom);
	else {
		/* PL-2: who held a revoked link is cut off now. */
		int closed = hub_links_changed(h, cid);
		wire_json *r = result(id, "links");
		wire_json_set(r, "consultation", wire_json_string(cid));
		wire_json_set(r, "revoked", wire_json_integer(revoked + stage_revoked));
		wire_json_set(r, "connections_closed", wire_json_integer(closed));
		wire_json_set(r, "links", links_json(ls));
		add_join(r, ls);
		b = to_buf(r, headroom);
	}
	free(a);
	free(ls);
	return b;
}

/* Reads a JSON array of strings into out (at most cap); -1 when it is not one. */
static int strings(wire_json *arr, const char **out, int cap)
{
	if (!arr)
		return 0;
	long n = wire_json_len(arr);
	if (n < 0 || n > cap)
		return -1;
	for (long i = 0; i < n; i++)
		if (!(out[i] = wire_json_str(wire_json_at(arr, (size_t)i))))
			return -1;
	return (int)n;
}

typedef struct listing {
	wire_json *arr;
	const char *priority;
} listing;

static void list_invited(void *arg, const char *label, int rank, int64_t ms)
{
	(void)rank, (void)ms;
	wire_json_push(((listing *)arg)->arr, wire_json_string(label));
}

static void list_waiting(void *arg, const char *label, int rank, int64_t ms)
{
	(void)ms;
	listing *l = arg;
	size_t len;
	const char *g = core_group_name(l->priority, rank, &len);
	wire_json *group = len ? wire_json_stringn(g, len) : wire_json_null();
	wire_json *o = wire_json_object();
	wire_json_set(o, "label", wire_json_string(label));
	wire_json_set(o, "group", group);
	wire_json_push(l->arr, o);
}

static wire_json *revoked_json(const char *label, bool invitation)
{
	wire_json *o = wire_json_object();
	wire_json_set(o, "label", wire_json_string(label));
	wire_json_set(o, "invitation", wire_json_bool(invitation));
	return o;
}

static wire_buf *op_invitations(store *st, hub *h, const char *id, wire_json *req, size_t headroom)
{
	const char *owner = wire_json_str(wire_json_get(req, "owner"));
	const char *base = wire_json_str(wire_json_get(req, "base"));
	const char *adds[MAX_LABEL_ARGS], *revokes[MAX_LABEL_ARGS];
	cli_invitation_change c = {.adds = adds, .revokes = revokes, .seats = -2};
	c.group = wire_json_str(wire_json_get(req, "group"));
	wire_json *seats = wire_json_get(req, "seats");
	if (!owner)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "owner", NULL, headroom);
	if ((c.nadds = strings(wire_json_get(req, "add"), adds, MAX_LABEL_ARGS)) < 0)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "add", NULL, headroom);
	if ((c.nrevokes = strings(wire_json_get(req, "revoke"), revokes, MAX_LABEL_ARGS)) < 0)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "revoke", NULL, headroom);
	if (wire_json_is_null(seats))
		c.seats = -1;
	else if (seats && (!wire_json_is_int(seats) || wire_json_int(seats) < 0 || wire_json_int(seats) > 100000))
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "seats", NULL, headroom);
	else if (seats)
		c.seats = (int)wire_json_int(seats);
	if ((c.nadds || seats) && !base_ok(base))
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "base", NULL, headroom);
	link_set *ls = calloc(1, sizeof *ls);
	bool was_invited[MAX_LABEL_ARGS];
	char why[STORE_LABEL_MAX + 160];
	int rc = ls ? cli_apply_invitations(st, owner, &c, base ? base : "", ls, was_invited, why, sizeof why) : -1;
	wire_buf *b;
	if (rc == 3)
		b = error_of(id, RT_E_ORGANISER_NOT_FOUND, "owner", NULL, headroom);
	else if (rc == 2 && !strncmp(why, "a label", 7))
		b = error_of(id, RT_E_ORGANISER_REFUSED, "add", why, headroom);
	else if (rc == 2)
		b = error_of(id, RT_E_ORGANISER_REFUSED, "group", why, headroom);
	else if (rc == 1)
		b = error_of(id, RT_E_ORGANISER_REFUSED, "labels", why, headroom);
	else if (rc)
		b = error_of(id, RT_E_SERVER_UNAVAILABLE, NULL, NULL, headroom);
	else {
		bool cut = false;
		wire_json *r = result(id, "invitations"), *gone = wire_json_array();
		for (int i = 0; i < c.nrevokes; i++) {
			cut = cut || was_invited[i];
			wire_json_push(gone, revoked_json(revokes[i], was_invited[i]));
		}
		if (cut)
			hub_links_changed(h, owner);
		wire_json_set(r, "owner", wire_json_string(owner));
		wire_json_set(r, "revoked", gone);
		wire_json_set(r, "links", links_json(ls));
		store_seats now;
		if (store_seats_get(st, owner, &now) == RT_OK) {
			wire_json_set(r, "seats", now.seats >= 0 ? wire_json_integer(now.seats) : wire_json_null());
			wire_json_set(r, "priority", wire_json_string(now.priority));
			listing inv = {.arr = wire_json_array()},
			        wait = {.arr = wire_json_array(), .priority = now.priority};
			store_each_label(st, owner, true, list_invited, &inv);
			store_each_label(st, owner, false, list_waiting, &wait);
			wire_json_set(r, "invited", inv.arr);
			wire_json_set(r, "waiting", wait.arr);
		}
		b = to_buf(r, headroom);
	}
	free(ls);
	return b;
}

static wire_buf *op_denylist(hub *h, const char *id, wire_json *req, size_t headroom)
{
	const char *cid = wire_json_str(wire_json_get(req, "consultation"));
	const char *text = wire_json_str(wire_json_get(req, "denylist"));
	if (!cid)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "consultation", NULL, headroom);
	if (!text || strlen(text) > WIRE_CONTROL_MAX)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "denylist", NULL, headroom);
	/* CHR-6: the same parsing as `roundtable denylist`; the names stay in memory only. */
	char *copy = strdup(text);
	const char **names = calloc(strlen(text) / 2 + 1, sizeof *names);
	core_denylist *deny = core_denylist_new();
	size_t n = 0;
	int line = copy && names && deny ? cli_parse_denylist(copy, deny, names, &n) : -1;
	wire_buf *b;
	if (line) {
		char where[32];
		snprintf(where, sizeof where, "denylist:%d", line);
		core_denylist_free(deny);
		b = line < 0 ? error_of(id, RT_E_SERVER_UNAVAILABLE, NULL, NULL, headroom)
		             : error_of(id, RT_E_ORGANISER_REFUSED, where, NULL, headroom);
	} else {
		rt_err err = hub_set_denylist(h, cid, deny); /* takes deny */
		wire_json *r = result(id, "denylist");
		wire_json_set(r, "consultation", wire_json_string(cid));
		wire_json_set(r, "entries", wire_json_integer((int64_t)n));
		if (err) {
			wire_json_free(r);
			b = err == RT_E_NOT_FOUND
			        ? error_of(id, RT_E_ORGANISER_NOT_FOUND, "consultation", NULL, headroom)
			        : error_of(id, err, NULL, NULL, headroom);
		} else {
			b = to_buf(r, headroom);
		}
	}
	free(names);
	free(copy);
	return b;
}

/* The seal's guard rail, as the co-chairs' console has it: the organiser types SEAL (any case)
 * or the consultation's title. */
static bool confirmed(const char *typed, const char *title)
{
	return typed && (!strcasecmp(typed, "seal") || !strcmp(typed, title));
}

static wire_buf *op_seal(store *st, hub *h, const char *id, wire_json *req, size_t headroom)
{
	const char *cid = wire_json_str(wire_json_get(req, "consultation"));
	if (!cid)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "consultation", NULL, headroom);
	store_item want = {0};
	bool found = false;
	(void)st;
	rt_err err;
	/* The title, from the loaded room or the store. */
	core_state *state = calloc(1, sizeof *state);
	uint8_t secret[CRYPTO_SECRET_BYTES];
	err = state ? store_load(st, cid, state, secret) : RT_E_SERVER_UNAVAILABLE;
	memset(secret, 0, sizeof secret);
	if (err == RT_OK) {
		found = true;
		snprintf(want.title, sizeof want.title, "%s", state->agenda.title);
		want.sealed = state->sealed;
		core_state_free(state);
	}
	free(state);
	if (!found)
		return error_of(id, err == RT_E_NOT_FOUND ? RT_E_ORGANISER_NOT_FOUND : RT_E_SERVER_UNAVAILABLE,
		                "consultation", NULL, headroom);
	if (want.sealed)
		return error_of(id, RT_E_CONSULTATION_SEALED, NULL, NULL, headroom);
	if (!confirmed(wire_json_str(wire_json_get(req, "confirm")), want.title))
		return error_of(id, RT_E_SEAL_CONFIRM_REQUIRED, "confirm", NULL, headroom);
	char why[160];
	err = hub_seal(h, cid, why, sizeof why);
	if (err == RT_E_NOT_FOUND)
		err = RT_E_ORGANISER_NOT_FOUND;
	if (err)
		return error_of(id, err, NULL, why, headroom);
	wire_json *r = result(id, "seal");
	wire_json_set(r, "consultation", wire_json_string(cid));
	return to_buf(r, headroom);
}

/* The answer r (taken) that hands a document over: kept under a one-time ticket, fetched from
 * download/TICKET (relative to the console's page). body is taken. */
static wire_buf *handed_over(hub *h, const char *id, char *body, size_t len, const char *filename,
                             const char *media_type, wire_json *r, size_t headroom)
{
	char ticket[HUB_TICKET_CHARS + 1], url[HUB_TICKET_CHARS + 16];
	if (hub_download_put(h, body, len, filename, media_type, ticket)) {
		wire_json_free(r);
		return error_of(id, RT_E_SERVER_UNAVAILABLE, NULL, NULL, headroom);
	}
	snprintf(url, sizeof url, "download/%s", ticket);
	wire_json_set(r, "url", wire_json_string(url));
	wire_json_set(r, "filename", wire_json_string(filename));
	return to_buf(r, headroom);
}

static wire_buf *op_export(store *st, hub *h, const char *id, wire_json *req, size_t headroom)
{
	const char *cid = wire_json_str(wire_json_get(req, "consultation"));
	int format = report_format_parse(wire_json_str(wire_json_get(req, "format")));
	const char *lang_name = wire_json_str(wire_json_get(req, "lang"));
	int lang = lang_name ? core_lang_parse(lang_name) : CORE_LANG_NONE;
	if (!cid)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "consultation", NULL, headroom);
	if (format < 0)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "format", NULL, headroom);
	if (lang < 0)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "lang", NULL, headroom);
	/* EX-2: the same document `roundtable export` writes, from what is committed. */
	/* AG-6: a draft counts the segment still running up to now. */
	report_options opt = {
	    .format = (report_format)format, .lang = (core_lang)lang, .now_ms = (int64_t)time(NULL) * 1000};
	size_t len;
	char *doc, name[REPORT_FILENAME_MAX];
	rt_err err = cli_render_report(st, cid, &opt, &doc, &len, name);
	if (err)
		return error_of(id, err == RT_E_NOT_FOUND ? RT_E_ORGANISER_NOT_FOUND : RT_E_SERVER_UNAVAILABLE,
		                err == RT_E_NOT_FOUND ? "consultation" : NULL, NULL, headroom);
	return handed_over(h, id, doc, len, name, report_media_type(opt.format), result(id, "export"), headroom);
}

/* The backup `roundtable backup` makes (store_backup), written in the data folder (private to
 * the server's user), read back and deleted at once: it is handed over from memory. */
static wire_buf *op_backup(const cli_console_ctx *c, hub *h, const char *id, wire_json *req, size_t headroom)
{
	const char *cid = wire_json_str(wire_json_get(req, "consultation"));
	if (!cid)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "consultation", NULL, headroom);
	char path[4096], why[512] = "", name[CORE_ID_MAX + 16];
	uint8_t raw[8];
	char tag[17];
	if (crypto_random(raw, sizeof raw))
		return error_of(id, RT_E_SERVER_UNAVAILABLE, NULL, NULL, headroom);
	for (int i = 0; i < 8; i++)
		snprintf(tag + 2 * i, 3, "%02x", raw[i]);
	snprintf(path, sizeof path, "%s/console-backup-%s.db", c->data_dir, tag);
	bool sealed = false;
	rt_err err = store_backup(c->st, cid, path, &sealed, why, sizeof why);
	size_t len = 0;
	char *body = err ? NULL : cli_read_text(path, &len);
	remove(path);
	if (err == RT_E_NOT_FOUND)
		return error_of(id, RT_E_ORGANISER_NOT_FOUND, "consultation", NULL, headroom);
	if (!body)
		return error_of(id, RT_E_SERVER_UNAVAILABLE, NULL, why, headroom);
	snprintf(name, sizeof name, "%s-backup.db", cid);
	/* An unsealed copy holds pseudonyms and their key, which the seal will not reach. */
	wire_json *r = result(id, "backup");
	wire_json_set(r, "sealed", wire_json_bool(sealed));
	return handed_over(h, id, body, len, name, "application/vnd.sqlite3", r, headroom);
}

/* ORG-3: minutes from another record (a Zoom report the organiser's page matched to labels:
 * label and minutes only) and corrections with their reason, for one session of a programme;
 * all or nothing (cli_attendance_apply). */
static wire_buf *op_attendance(store *st, const char *id, const wire_json *req, size_t headroom)
{
	const char *cid = wire_json_str(wire_json_get(req, "consultation"));
	const wire_json *minutes = wire_json_get(req, "minutes"), *corrections = wire_json_get(req, "corrections");
	long nm = minutes ? wire_json_len(minutes) : 0, nc = corrections ? wire_json_len(corrections) : 0;
	if (!cid)
		return error_of(id, RT_E_PROTOCOL_MISSING_FIELD, "consultation", NULL, headroom);
	if (nm < 0 || nc < 0 || nm + nc < 1 || nm + nc > 10000)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, nm < 0 || !nc ? "minutes" : "corrections", NULL,
		                headroom);
	char pid[CORE_ID_MAX + 1];
	int session;
	rt_err err = store_consultation_programme(st, cid, pid, &session);
	if (err || !pid[0])
		return error_of(id, err == RT_E_SERVER_UNAVAILABLE ? err : RT_E_ORGANISER_NOT_FOUND, "consultation",
		                NULL, headroom);
	cli_attendance_entry *e = calloc((size_t)(nm + nc), sizeof *e);
	if (!e)
		return error_of(id, RT_E_SERVER_UNAVAILABLE, NULL, NULL, headroom);
	const char *bad = NULL;
	for (long i = 0; i < nm + nc; i++) {
		bool fix = i >= nm;
		const wire_json *v =
		    fix ? wire_json_at(corrections, (size_t)(i - nm)) : wire_json_at(minutes, (size_t)i);
		const wire_json *m = wire_json_get(v, "minutes");
		const char *reason = wire_json_str(wire_json_get(v, "reason"));
		e[i] = (cli_attendance_entry){.label = wire_json_str(wire_json_get(v, "label")),
		                              .minutes = wire_json_is_int(m) ? (int)wire_json_int(m) : -1,
		                              .reason = fix ? (reason ? reason : "") : NULL};
		if (!bad &&
		    (!wire_json_is_int(m) || !e[i].label || wire_json_int(m) < -100000 || wire_json_int(m) > 100000))
			bad = fix ? "corrections" : "minutes";
	}
	char why[STORE_LABEL_MAX + 128] = "";
	int rc =
	    bad ? 1
	        : cli_attendance_apply(st, pid, cid, e, (int)(nm + nc), (int64_t)time(NULL) * 1000, why, sizeof why);
	free(e);
	if (bad)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, bad, NULL, headroom);
	if (rc)
		return error_of(id, rc > 0 ? RT_E_ORGANISER_REFUSED : RT_E_SERVER_UNAVAILABLE, NULL, why, headroom);
	wire_json *r = result(id, "attendance");
	wire_json_set(r, "consultation", wire_json_string(cid));
	wire_json_set(r, "imported", wire_json_integer(nm));
	wire_json_set(r, "corrected", wire_json_integer(nc));
	return to_buf(r, headroom);
}

wire_buf *cli_console(void *ctx, hub *h, const char *frame, size_t len, size_t headroom)
{
	const cli_console_ctx *c = ctx;
	store *st = c->st;
	wire_json *req = wire_json_parse(frame, len);
	if (!req)
		return error_of(NULL, RT_E_PROTOCOL_MALFORMED, NULL, NULL, headroom);
	const char *type = wire_json_str(wire_json_get(req, "type"));
	const char *id = wire_json_str(wire_json_get(req, "id"));
	wire_buf *b;
	size_t idlen = id ? strlen(id) : 0;
	bool id_ok = idlen >= 1 && idlen <= 64 &&
	             strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                        "0123456789._:-") == idlen;
	if (!id_ok)
		b = error_of(NULL, id ? RT_E_PROTOCOL_INVALID_FIELD : RT_E_PROTOCOL_MISSING_FIELD, "id", NULL,
		             headroom);
	else if (!type)
		b = error_of(id, RT_E_PROTOCOL_UNKNOWN_TYPE, NULL, NULL, headroom);
	else if (!strcmp(type, "organiser.list")) {
		wire_json *r = result(id, "list"), *items = wire_json_array();
		wire_json_set(r, "items", items);
		if (store_each_item(st, add_item, items) == RT_OK) {
			b = to_buf(r, headroom);
		} else {
			wire_json_free(r);
			b = error_of(id, RT_E_SERVER_UNAVAILABLE, NULL, NULL, headroom);
		}
	} else if (!strcmp(type, "organiser.create"))
		b = op_create(st, id, req, headroom);
	else if (!strcmp(type, "organiser.links"))
		b = op_links(st, h, id, req, headroom);
	else if (!strcmp(type, "organiser.invitations"))
		b = op_invitations(st, h, id, req, headroom);
	else if (!strcmp(type, "organiser.denylist"))
		b = op_denylist(h, id, req, headroom);
	else if (!strcmp(type, "organiser.seal"))
		b = op_seal(st, h, id, req, headroom);
	else if (!strcmp(type, "organiser.export"))
		b = op_export(st, h, id, req, headroom);
	else if (!strcmp(type, "organiser.backup"))
		b = op_backup(c, h, id, req, headroom);
	else if (!strcmp(type, "organiser.attendance"))
		b = op_attendance(st, id, req, headroom);
	else
		/* Every consultation's own command is refused here: the organiser has no room. */
		b = error_of(id, !strncmp(type, "organiser.", 10) ? RT_E_PROTOCOL_UNKNOWN_TYPE : RT_E_AUTH_FORBIDDEN,
		             NULL, NULL, headroom);
	wire_json_free(req);
	return b;
}
