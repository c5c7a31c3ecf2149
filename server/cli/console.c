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

#include <jansson.h>

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
	char *req = wire_encode_control_request("links", "organiser", NULL, 0), reply[512];
	if (req)
		net_control_request(o.data_dir, req, reply, sizeof reply);
	free(req);
	return 0;
}

/* --- the console's frames ---------------------------------------------------------------- */

/* An answer as a wire_buf: j taken. */
static wire_buf *to_buf(json_t *j, size_t headroom)
{
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	wire_buf *b = s ? wire_buf_new(s, strlen(s), headroom) : NULL;
	free(s);
	return b;
}

/* A typed error: code, the place at fault (JSON path, or NULL), and words for the organiser's
 * own reading (NULL for none). */
static wire_buf *error_of(const char *id, rt_err err, const char *field, const char *detail, size_t headroom)
{
	json_t *params = json_object();
	if (field)
		json_object_set_new(params, "field", json_string(field));
	if (detail && detail[0])
		json_object_set_new(params, "detail", json_string(detail));
	return to_buf(
	    json_pack("{s:s, s:s?, s:s, s:o}", "type", "error", "id", id, "code", rt_err_code(err), "params", params),
	    headroom);
}

static json_t *result(const char *id, const char *op)
{
	return json_pack("{s:s, s:s, s:s}", "type", "organiser.result", "id", id, "op", op);
}

static json_t *links_json(const link_set *ls)
{
	json_t *a = json_array();
	for (int i = 0; i < ls->n; i++) {
		const wire_link *l = &ls->links[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:b, s:s}", "role", core_role_name(l->role), "label",
		                                   l->label, "personal", l->personal, "url", l->url));
	}
	return a;
}

static void add_join(json_t *r, const link_set *ls)
{
	if (!ls->join_code[0])
		return;
	char shown[CORE_JOIN_CODE_LEN + 2];
	core_join_code_format(ls->join_code, shown);
	json_object_set_new(r, "join_code", json_string(shown));
	json_object_set_new(r, "join_url", json_string(ls->join_url));
}

static void add_item(void *arg, const store_item *it)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s?, s:i, s:I, s:i, s:i}", "kind",
	                                     it->is_programme ? "programme" : "consultation", "id", it->id, "title",
	                                     it->title, "date", it->date, "timezone", it->timezone, "sealed",
	                                     it->sealed, "programme", it->programme[0] ? it->programme : NULL,
	                                     "session", it->session, "starts_at", (json_int_t)it->starts_at,
	                                     it->is_programme ? "sessions" : "participants", it->count, "invitations",
	                                     it->invitations));
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

/* The field of an agenda error: its message up to ": " ("segments[2].duration"). */
static void error_field(const char *msg, char *out, size_t cap)
{
	const char *colon = strstr(msg, ": ");
	size_t n = colon ? (size_t)(colon - msg) : 0;
	snprintf(out, cap, "%.*s", (int)(n < cap ? n : cap - 1), msg);
}

static wire_buf *op_create(store *st, const char *id, json_t *req, size_t headroom)
{
	json_t *agenda = json_object_get(req, "agenda");
	const char *base = json_string_value(json_object_get(req, "base"));
	json_t *inv = json_object_get(req, "invitations");
	json_int_t invitations = inv ? json_integer_value(inv) : 0;
	if (!json_is_object(agenda))
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "agenda", NULL, headroom);
	if (!base_ok(base))
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "base", NULL, headroom);
	if ((inv && !json_is_integer(inv)) || invitations < 0 || invitations > MAX_INVITATIONS)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "invitations", NULL, headroom);
	char *text = json_dumps(agenda, JSON_COMPACT);
	core_agenda *a = malloc(sizeof *a);
	link_set *ls = calloc(1, sizeof *ls);
	wire_agenda_errors errs;
	int rc = text && a && ls ? cli_make_consultation(st, text, strlen(text), NULL, a, &errs) : -3;
	wire_buf *b;
	if (rc == -1) {
		/* Every error, with its place: the first names the field, the detail lists them all. */
		char field[160], detail[WIRE_AGENDA_MAX_ERRORS * 162] = "";
		error_field(errs.msg[0], field, sizeof field);
		for (int i = 0; i < errs.n; i++)
			snprintf(detail + strlen(detail), sizeof detail - strlen(detail), "%s%s", i ? "\n" : "",
			         errs.msg[i]);
		b = error_of(id, RT_E_AGENDA_INVALID, field, detail, headroom);
	} else if (rc || cli_issue_links(st, a, base, (int)invitations, ls)) {
		store_rollback(st);
		b = error_of(id, RT_E_SERVER_UNAVAILABLE, NULL, NULL, headroom);
	} else {
		json_t *r = result(id, "create");
		json_object_set_new(r, "consultation", json_pack("{s:s, s:s}", "id", a->id, "title", a->title));
		json_object_set_new(r, "links", links_json(ls));
		add_join(r, ls);
		b = to_buf(r, headroom);
	}
	free(text);
	free(a);
	free(ls);
	return b;
}

static wire_buf *op_links(store *st, hub *h, const char *id, json_t *req, size_t headroom)
{
	const char *cid = json_string_value(json_object_get(req, "consultation"));
	const char *who = json_string_value(json_object_get(req, "link"));
	const char *action = json_string_value(json_object_get(req, "action"));
	const char *label = json_string_value(json_object_get(req, "label"));
	const char *base = json_string_value(json_object_get(req, "base"));
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
		json_t *r = result(id, "links");
		json_object_set_new(r, "consultation", json_string(cid));
		json_object_set_new(r, "revoked", json_integer(revoked + stage_revoked));
		json_object_set_new(r, "connections_closed", json_integer(closed));
		json_object_set_new(r, "links", links_json(ls));
		add_join(r, ls);
		b = to_buf(r, headroom);
	}
	free(a);
	free(ls);
	return b;
}

/* Reads a JSON array of strings into out (at most cap); -1 when it is not one. */
static int strings(json_t *arr, const char **out, int cap)
{
	if (!arr)
		return 0;
	if (!json_is_array(arr) || (int)json_array_size(arr) > cap)
		return -1;
	for (size_t i = 0; i < json_array_size(arr); i++)
		if (!(out[i] = json_string_value(json_array_get(arr, i))))
			return -1;
	return (int)json_array_size(arr);
}

typedef struct listing {
	json_t *arr;
	const char *priority;
} listing;

static void list_invited(void *arg, const char *label, int rank, int64_t ms)
{
	(void)rank, (void)ms;
	json_array_append_new(((listing *)arg)->arr, json_string(label));
}

static void list_waiting(void *arg, const char *label, int rank, int64_t ms)
{
	(void)ms;
	listing *l = arg;
	size_t len;
	const char *g = core_group_name(l->priority, rank, &len);
	json_t *group = len ? json_stringn(g, len) : json_null();
	json_array_append_new(l->arr, json_pack("{s:s, s:o}", "label", label, "group", group));
}

static wire_buf *op_invitations(store *st, hub *h, const char *id, json_t *req, size_t headroom)
{
	const char *owner = json_string_value(json_object_get(req, "owner"));
	const char *base = json_string_value(json_object_get(req, "base"));
	const char *adds[MAX_LABEL_ARGS], *revokes[MAX_LABEL_ARGS];
	cli_invitation_change c = {.adds = adds, .revokes = revokes, .seats = -2};
	c.group = json_string_value(json_object_get(req, "group"));
	json_t *seats = json_object_get(req, "seats");
	if (!owner)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "owner", NULL, headroom);
	if ((c.nadds = strings(json_object_get(req, "add"), adds, MAX_LABEL_ARGS)) < 0)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "add", NULL, headroom);
	if ((c.nrevokes = strings(json_object_get(req, "revoke"), revokes, MAX_LABEL_ARGS)) < 0)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "revoke", NULL, headroom);
	if (json_is_null(seats))
		c.seats = -1;
	else if (seats &&
	         (!json_is_integer(seats) || json_integer_value(seats) < 0 || json_integer_value(seats) > 100000))
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "seats", NULL, headroom);
	else if (seats)
		c.seats = (int)json_integer_value(seats);
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
		json_t *r = result(id, "invitations"), *gone = json_array();
		for (int i = 0; i < c.nrevokes; i++) {
			cut = cut || was_invited[i];
			json_array_append_new(
			    gone, json_pack("{s:s, s:b}", "label", revokes[i], "invitation", was_invited[i]));
		}
		if (cut)
			hub_links_changed(h, owner);
		json_object_set_new(r, "owner", json_string(owner));
		json_object_set_new(r, "revoked", gone);
		json_object_set_new(r, "links", links_json(ls));
		store_seats now;
		if (store_seats_get(st, owner, &now) == RT_OK) {
			json_object_set_new(r, "seats", now.seats >= 0 ? json_integer(now.seats) : json_null());
			json_object_set_new(r, "priority", json_string(now.priority));
			listing inv = {.arr = json_array()}, wait = {.arr = json_array(), .priority = now.priority};
			store_each_label(st, owner, true, list_invited, &inv);
			store_each_label(st, owner, false, list_waiting, &wait);
			json_object_set_new(r, "invited", inv.arr);
			json_object_set_new(r, "waiting", wait.arr);
		}
		b = to_buf(r, headroom);
	}
	free(ls);
	return b;
}

static wire_buf *op_denylist(hub *h, const char *id, json_t *req, size_t headroom)
{
	const char *cid = json_string_value(json_object_get(req, "consultation"));
	const char *text = json_string_value(json_object_get(req, "names"));
	if (!cid)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "consultation", NULL, headroom);
	if (!text || strlen(text) > WIRE_CONTROL_MAX)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "names", NULL, headroom);
	/* CHR-6: the same parsing as `roundtable denylist`; the names stay in memory only. */
	char *copy = strdup(text);
	const char **names = calloc(strlen(text) / 2 + 1, sizeof *names);
	core_denylist *deny = core_denylist_new();
	size_t n = 0;
	int line = copy && names && deny ? cli_parse_denylist(copy, deny, names, &n) : -1;
	wire_buf *b;
	if (line) {
		char where[32];
		snprintf(where, sizeof where, "names[%d]", line - 1);
		core_denylist_free(deny);
		b = line < 0 ? error_of(id, RT_E_SERVER_UNAVAILABLE, NULL, NULL, headroom)
		             : error_of(id, RT_E_ORGANISER_REFUSED, where, NULL, headroom);
	} else {
		rt_err err = hub_set_denylist(h, cid, deny); /* takes deny */
		json_t *r = result(id, "denylist");
		json_object_set_new(r, "consultation", json_string(cid));
		json_object_set_new(r, "names", json_integer((json_int_t)n));
		b = err == RT_E_NOT_FOUND ? error_of(id, RT_E_ORGANISER_NOT_FOUND, "consultation", NULL, headroom)
		    : err                 ? error_of(id, err, NULL, NULL, headroom)
		                          : to_buf(json_incref(r), headroom);
		json_decref(r);
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

static wire_buf *op_seal(store *st, hub *h, const char *id, json_t *req, size_t headroom)
{
	const char *cid = json_string_value(json_object_get(req, "consultation"));
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
	if (!confirmed(json_string_value(json_object_get(req, "confirm")), want.title))
		return error_of(id, RT_E_SEAL_CONFIRM_REQUIRED, "confirm", NULL, headroom);
	char why[160];
	err = hub_seal(h, cid, why, sizeof why);
	if (err == RT_E_NOT_FOUND)
		err = RT_E_ORGANISER_NOT_FOUND;
	if (err)
		return error_of(id, err, NULL, why, headroom);
	json_t *r = result(id, "seal");
	json_object_set_new(r, "consultation", json_string(cid));
	return to_buf(r, headroom);
}

static wire_buf *op_export(store *st, const char *id, json_t *req, size_t headroom)
{
	const char *cid = json_string_value(json_object_get(req, "consultation"));
	int format = report_format_parse(json_string_value(json_object_get(req, "format")));
	const char *lang_name = json_string_value(json_object_get(req, "lang"));
	int lang = lang_name ? core_lang_parse(lang_name) : CORE_LANG_NONE;
	if (!cid)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "consultation", NULL, headroom);
	if (format < 0)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "format", NULL, headroom);
	if (lang < 0)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, "lang", NULL, headroom);
	/* EX-2: the same document `roundtable export` writes, from what is committed. */
	core_state *state = calloc(1, sizeof *state);
	uint8_t secret[CRYPTO_SECRET_BYTES];
	rt_err err = state ? store_load(st, cid, state, secret) : RT_E_SERVER_UNAVAILABLE;
	memset(secret, 0, sizeof secret);
	if (err) {
		free(state);
		return error_of(id, err == RT_E_NOT_FOUND ? RT_E_ORGANISER_NOT_FOUND : RT_E_SERVER_UNAVAILABLE,
		                "consultation", NULL, headroom);
	}
	report_options opt = {.format = (report_format)format, .lang = (core_lang)lang};
	size_t len;
	char *doc = report_render(state, &opt, &len);
	char name[REPORT_FILENAME_MAX];
	report_filename(state->agenda.title, report_agenda_date(&state->agenda),
	                state->sealed ? "report" : "report-draft", report_format_name(opt.format), name, sizeof name);
	core_state_free(state);
	free(state);
	wire_buf *b = doc ? wire_encode_document(id, report_format_name(opt.format), name,
	                                         report_media_type(opt.format), doc, len, headroom)
	                  : NULL;
	free(doc);
	return b ? b : error_of(id, RT_E_SERVER_UNAVAILABLE, NULL, NULL, headroom);
}

/* ORG-3: minutes from another record (a Zoom report the organiser's page matched to labels:
 * label and minutes only) and corrections with their reason, for one session of a programme;
 * all or nothing (cli_attendance_apply). */
static wire_buf *op_attendance(store *st, const char *id, json_t *req, size_t headroom)
{
	const char *cid = json_string_value(json_object_get(req, "consultation"));
	json_t *minutes = json_object_get(req, "minutes"), *corrections = json_object_get(req, "corrections");
	size_t n = json_array_size(minutes) + json_array_size(corrections);
	if (!cid)
		return error_of(id, RT_E_PROTOCOL_MISSING_FIELD, "consultation", NULL, headroom);
	if ((minutes && !json_is_array(minutes)) || (corrections && !json_is_array(corrections)) || n < 1 || n > 10000)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, minutes ? "minutes" : "corrections", NULL, headroom);
	char pid[CORE_ID_MAX + 1];
	int session;
	rt_err err = store_consultation_programme(st, cid, pid, &session);
	if (err || !pid[0])
		return error_of(id, err == RT_E_SERVER_UNAVAILABLE ? err : RT_E_ORGANISER_NOT_FOUND, "consultation",
		                NULL, headroom);
	cli_attendance_entry *e = calloc(n, sizeof *e);
	if (!e)
		return error_of(id, RT_E_SERVER_UNAVAILABLE, NULL, NULL, headroom);
	size_t k = 0, i;
	json_t *v;
	const char *bad = NULL;
	json_array_foreach(minutes, i, v)
	{
		json_t *m = json_object_get(v, "minutes");
		e[k++] = (cli_attendance_entry){.label = json_string_value(json_object_get(v, "label")),
		                                .minutes = json_is_integer(m) ? (int)json_integer_value(m) : -1};
		bad = bad ? bad : !json_is_integer(m) || !e[k - 1].label ? "minutes" : NULL;
	}
	json_array_foreach(corrections, i, v)
	{
		json_t *m = json_object_get(v, "minutes");
		const char *reason = json_string_value(json_object_get(v, "reason"));
		e[k++] = (cli_attendance_entry){.label = json_string_value(json_object_get(v, "label")),
		                                .minutes = json_is_integer(m) ? (int)json_integer_value(m) : 0,
		                                .reason = reason ? reason : ""};
		bad = bad ? bad : !json_is_integer(m) || !e[k - 1].label ? "corrections" : NULL;
	}
	char why[STORE_LABEL_MAX + 128] = "";
	int rc = bad ? 1 : cli_attendance_apply(st, pid, cid, e, (int)k, (int64_t)time(NULL) * 1000, why, sizeof why);
	free(e);
	if (bad)
		return error_of(id, RT_E_PROTOCOL_INVALID_FIELD, bad, NULL, headroom);
	if (rc)
		return error_of(id, rc > 0 ? RT_E_ORGANISER_REFUSED : RT_E_SERVER_UNAVAILABLE, NULL, why, headroom);
	json_t *r = result(id, "attendance");
	json_object_set_new(r, "consultation", json_string(cid));
	json_object_set_new(r, "imported", json_integer((json_int_t)json_array_size(minutes)));
	json_object_set_new(r, "corrected", json_integer((json_int_t)json_array_size(corrections)));
	return to_buf(r, headroom);
}

wire_buf *cli_console(void *ctx, hub *h, const char *frame, size_t len, size_t headroom)
{
	store *st = ctx;
	json_error_t jerr;
	json_t *req = json_loadb(frame, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(req)) {
		json_decref(req);
		return error_of(NULL, RT_E_PROTOCOL_MALFORMED, NULL, NULL, headroom);
	}
	const char *type = json_string_value(json_object_get(req, "type"));
	const char *id = json_string_value(json_object_get(req, "id"));
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
		json_t *r = result(id, "list"), *items = json_array();
		b = store_each_item(st, add_item, items) == RT_OK
		        ? (json_object_set_new(r, "items", items), to_buf(json_incref(r), headroom))
		        : (json_decref(items), error_of(id, RT_E_SERVER_UNAVAILABLE, NULL, NULL, headroom));
		json_decref(r);
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
		b = op_export(st, id, req, headroom);
	else if (!strcmp(type, "organiser.attendance"))
		b = op_attendance(st, id, req, headroom);
	else
		/* Every consultation's own command is refused here: the organiser has no room. */
		b = error_of(id, !strncmp(type, "organiser.", 10) ? RT_E_PROTOCOL_UNKNOWN_TYPE : RT_E_AUTH_FORBIDDEN,
		             NULL, NULL, headroom);
	json_decref(req);
	return b;
}
