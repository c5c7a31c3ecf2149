/* links.c — the role links of a consultation or programme: issued (new, and for serve's demo),
 * printed, revoked and rotated (links). A link's token is printed once: the store keeps only
 * its hash. Not the invitations' seats and waiting list (programme.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "crypto.h"
#include "rsabssa.h"

/* The short address of ls->join_code, BASE/j/K7QX-42AB, into ls. */
static void keep_join_url(link_set *ls, const char *base)
{
	char shown[CORE_JOIN_CODE_LEN + 2];
	core_join_code_format(ls->join_code, shown);
	snprintf(ls->join_url, sizeof ls->join_url, "%sj/%s", base, shown);
}

/* The stage's short join code for the open link `token` of owner, stored in the open
 * transaction, into ls with its URL (BASE/j/K7QX-42AB). A code already taken (40 random bits:
 * rare) is drawn again. The open link is public by design: the stage shows it to everyone. */
static int issue_join_code(store *st, const char *owner, bool programme, const char *base, const char *token,
                           link_set *ls)
{
	for (int tries = 0; tries < 8; tries++) {
		uint8_t raw[CORE_JOIN_CODE_BYTES];
		bool added = false;
		if (crypto_random(raw, sizeof raw))
			return -1;
		core_join_code_make(raw, ls->join_code);
		if (store_add_join_code(st, ls->join_code, owner, programme, token, &added) != RT_OK)
			return -1;
		if (added) {
			keep_join_url(ls, base);
			return 0;
		}
	}
	return -1;
}

/* Mints one token, stores its hash, and records its link. */
int cli_issue_for(store *st, const char *owner, bool programme, const char *base, core_role role, store_token_kind kind,
                  const char *label, link_set *ls)
{
	uint8_t raw[CRYPTO_TOKEN_BYTES];
	char text[CRYPTO_TOKEN_CHARS + 1];
	store_token t = {.role = role, .kind = kind};
	if (ls->n == MAX_LINKS || crypto_token_new(raw, text))
		return -1;
	crypto_sha256(raw, sizeof raw, t.hash);
	snprintf(programme ? t.programme : t.consultation, CORE_ID_MAX + 1, "%s", owner);
	snprintf(t.label, sizeof t.label, "%s", label);
	if (store_add_token(st, &t) != RT_OK ||
	    (kind == STORE_TOKEN_OPEN && issue_join_code(st, owner, programme, base, text, ls)))
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
	return cli_issue_for(st, a->id, false, base, role, kind, label, ls);
}

/* The stage link carries the open participant link's token and its join code
 * ("#STAGE.JOIN.CODE": the page sends only the first to the server): appends `token` and ls's
 * code to the last link of ls, the stage's. */
static int rejoin_stage_with(link_set *ls, const char *token)
{
	char *stage = ls->urls[ls->n - 1];
	size_t len = strlen(stage);
	if (!ls->join_code[0] || len + strlen(token) + sizeof ls->join_code + 2 >= URL_MAX)
		return -1;
	snprintf(stage + len, URL_MAX - len, ".%s.%s", token, ls->join_code);
	return 0;
}

/* ... with the first link of ls, the open link issued with it. */
static int rejoin_stage(link_set *ls)
{
	const char *join = strchr(ls->urls[0], '#');
	return join ? rejoin_stage_with(ls, join + 1) : -1;
}

/* A stage link rotated alone carries the open link and join code kept for owner, if any. */
static int rejoin_kept(store *st, const char *owner, const char *base, link_set *ls)
{
	store_join j;
	rt_err err = store_join_code_of(st, owner, ls->join_code, sizeof ls->join_code, &j);
	if (err == RT_E_NOT_FOUND)
		return 0;
	if (err != RT_OK)
		return -1;
	keep_join_url(ls, base);
	return rejoin_stage_with(ls, j.token);
}

/* One link per role: open participant link, invitations, co-chair, rapporteur, a booth per
 * channel, stage; of a consultation, or (`programme`, with a->id the programme's) of every
 * session of a programme. */
int cli_issue_owner_links(store *st, const core_agenda *a, bool programme, const char *base, int invitations,
                          link_set *ls)
{
	const char *id = a->id;
	int rc = cli_issue_for(st, id, programme, base, CORE_ROLE_PARTICIPANT, STORE_TOKEN_OPEN, "", ls);
	for (int i = 1; rc == 0 && i <= invitations; i++) {
		char label[32];
		snprintf(label, sizeof label, "invitation %d", i);
		rc = cli_issue_for(st, id, programme, base, CORE_ROLE_PARTICIPANT, STORE_TOKEN_PERSONAL, label, ls);
	}
	if (rc == 0)
		rc = cli_issue_for(st, id, programme, base, CORE_ROLE_COCHAIR, STORE_TOKEN_ROLE, "", ls);
	if (rc == 0)
		rc = cli_issue_for(st, id, programme, base, CORE_ROLE_RAPPORTEUR, STORE_TOKEN_ROLE, "", ls);
	for (int i = 0; rc == 0 && i < a->nchannels; i++)
		rc = cli_issue_for(st, id, programme, base, CORE_ROLE_BOOTH, STORE_TOKEN_ROLE,
		                   core_lang_name(a->channels[i]), ls);
	if (rc == 0)
		rc = cli_issue_for(st, id, programme, base, CORE_ROLE_STAGE, STORE_TOKEN_ROLE, "", ls);
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

int cli_credential_key(store *st, const char *cid)
{
	static uint8_t der[CRYPTO_RSA_DER_MAX];
	crypto_rsa *k = crypto_rsa_generate();
	size_t len = k ? crypto_rsa_der(k, der, sizeof der) : 0;
	crypto_rsa_free(k);
	int rc = len && store_credential_key_put(st, cid, der, len) == RT_OK ? 0 : -1;
	memset(der, 0, sizeof der);
	return rc;
}

int cli_issue_links(store *st, const core_agenda *a, const char *base, int invitations, link_set *ls)
{
	return cli_issue_owner_links(st, a, false, base, invitations, ls);
}

void cli_print_links(const core_agenda *a, const link_set *ls, bool json)
{
	if (json) {
		char *s = wire_encode_links(a, ls->links, ls->n);
		if (s)
			puts(s);
		free(s);
		return;
	}
	printf("Roundtable consultation %s: %s\n", a->id, a->title);
	cli_print_link_lines(ls);
}

void cli_print_link_lines(const link_set *ls)
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
	if (ls->join_code[0]) {
		char shown[CORE_JOIN_CODE_LEN + 2];
		core_join_code_format(ls->join_code, shown);
		printf("  Join code:        %s  %s\n", shown, ls->join_url);
	}
	fflush(stdout);
}

int cli_make_consultation(store *st, const char *text, size_t len, const char *origin, core_agenda *a,
                          wire_agenda_errors *errs)
{
	if (wire_decode_agenda(text, len, a, errs))
		return -1;
	uint8_t secret[CRYPTO_SECRET_BYTES];
	if (crypto_random_id(a->id, 10) || crypto_random(secret, sizeof secret))
		return -2;
	rt_err err = store_create_consultation(st, a, secret, origin);
	memset(secret, 0, sizeof secret);
	if (!err && cli_credential_key(st, a->id)) /* CHR-3: its invitations' blind-signing key */
		err = RT_E_SERVER_UNAVAILABLE;
	/* The waiting list's priority groups, when the agenda lists them (invitations --group). */
	char priority[WIRE_PRIORITY_MAX + 1];
	if (!err && !wire_agenda_priority(text, len, priority) && priority[0])
		err = store_priority_set(st, a->id, false, priority);
	if (err)
		return -3;
	int rc = cli_make_agenda_polls(st, text, len, a, errs); /* POLL-1 */
	if (rc)
		store_rollback(st); /* nothing is created */
	return rc;
}

/* Creates a consultation from agenda text. Reports every agenda error on stderr. */
int cli_create_consultation(store *st, const char *text, size_t len, const char *source, const char *origin,
                            core_agenda *a)
{
	wire_agenda_errors errs;
	int rc = cli_make_consultation(st, text, len, origin, a, &errs);
	if (rc == -1)
		cli_print_file_errors(source, "agenda", &errs);
	else if (rc == -2)
		fprintf(stderr, "roundtable: the system's random generator failed\n");
	else if (rc)
		fprintf(stderr, "roundtable: could not store the consultation\n");
	return rc ? -1 : 0;
}

int cli_new(int argc, char **argv, const char *usage)
{
	static const int allowed[] = {OPT_DATA, OPT_BASE_URL, OPT_INVITATIONS, OPT_JSON, 0};
	options o = {.data_dir = "data", .listen = "127.0.0.1", .port = 8080};
	char *path = NULL;
	int rc = cli_parse_options(argc, argv, usage, allowed, &o, &path, 1, "expects one agenda file");
	if (rc)
		return rc > 0 ? 0 : 2;
	size_t len;
	char *text = cli_read_text(path, &len);
	if (!text)
		return 1;
	store *st = cli_open_store(o.data_dir);
	core_agenda *a = malloc(sizeof *a);
	link_set *ls = calloc(1, sizeof *ls);
	char base[URL_MAX - 32];
	cli_default_base(&o, base, sizeof base);
	rc = 1;
	if (st && a && ls && cli_create_consultation(st, text, len, path, NULL, a) == 0 &&
	    cli_issue_links(st, a, base, o.invitations, ls) == 0) {
		cli_print_links(a, ls, o.json);
		rc = 0;
	}
	free(ls);
	free(a);
	free(text);
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
	/* The open link's join codes go with it. */
	if (k->kind == STORE_TOKEN_OPEN && store_delete_join_codes(st, a->id) != RT_OK) {
		fprintf(stderr, "roundtable: could not revoke the join code\n");
		return -1;
	}
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

int cli_change_links(store *st, const char *id, const char *who, const char *label, bool rotate, const char *base,
                     link_set *ls, core_agenda *agenda, int *revoked, int *stage_revoked)
{
	const struct link_kind *k = NULL;
	for (size_t i = 0; who && i < sizeof link_kinds / sizeof link_kinds[0]; i++)
		if (!strcmp(who, link_kinds[i].name))
			k = &link_kinds[i];
	if (!k)
		return 2;
	if (rotate && k->kind == STORE_TOKEN_PERSONAL && !label)
		return 3;
	core_state state;
	uint8_t secret[CRYPTO_SECRET_BYTES];
	rt_err err = store_load(st, id, &state, secret);
	memset(secret, 0, sizeof secret);
	if (err)
		return err == RT_E_NOT_FOUND ? 1 : -1;
	*agenda = state.agenda;
	*revoked = *stage_revoked = 0;
	int rc = revoke_kind(st, &state.agenda, k, label, rotate, base, ls, revoked);
	if (rc == 0 && rotate && k->kind == STORE_TOKEN_OPEN) {
		static const struct link_kind *stage = &link_kinds[5];
		rc = revoke_kind(st, &state.agenda, stage, NULL, true, base, ls, stage_revoked);
		rc = rc ? rc : rejoin_stage(ls);
	} else if (rc == 0 && rotate && k->role == CORE_ROLE_STAGE) {
		rc = rejoin_kept(st, id, base, ls);
	}
	core_state_free(&state);
	if (rc == 0 && (store_commit(st) != RT_OK || (rotate && !ls->n))) {
		fprintf(stderr, "roundtable: could not store the links\n");
		rc = -1;
	}
	if (rc)
		store_rollback(st);
	return rc ? -1 : 0;
}

int cli_links(int argc, char **argv, const char *usage)
{
	static const int allowed[] = {OPT_DATA, OPT_REVOKE, OPT_ROTATE, OPT_LABEL, OPT_BASE_URL, OPT_JSON, 0};
	options o = {.data_dir = "data", .listen = "127.0.0.1", .port = 8080};
	char *id;
	int rc = cli_parse_options(argc, argv, usage, allowed, &o, &id, 1, "expects a consultation id");
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
		        usage);
		return 2;
	}
	if (o.rotate && k->kind == STORE_TOKEN_PERSONAL && !o.label) {
		fprintf(stderr, "roundtable links: rotating an invitation needs its --label (\"invitation 3\")\n");
		return 2;
	}
	store *st = cli_open_store(o.data_dir);
	core_agenda *agenda = malloc(sizeof *agenda);
	link_set *ls = calloc(1, sizeof *ls);
	char base[URL_MAX - 32];
	cli_default_base(&o, base, sizeof base);
	int revoked = 0, stage_revoked = 0;
	rc = st && ls && agenda
	         ? cli_change_links(st, id, who, o.label, o.rotate != NULL, base, ls, agenda, &revoked, &stage_revoked)
	         : -1;
	if (rc == 1)
		fprintf(stderr, "roundtable: no such consultation\n");
	else if (rc && !st)
		fprintf(stderr, "roundtable: cannot read the database\n");
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
			cli_print_links(agenda, ls, o.json);
		else if (o.json && closed >= 0)
			printf("{\"consultation\": \"%s\", \"revoked\": %d, \"connections_closed\": %ld}\n", id,
			       revoked, closed);
		else if (o.json) /* no server: nobody was connected */
			printf("{\"consultation\": \"%s\", \"revoked\": %d, \"connections_closed\": null}\n", id,
			       revoked);
	}
	free(agenda);
	free(ls);
	return rc ? 1 : 0;
}
