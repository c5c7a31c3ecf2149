/* organiser.c — the organiser's commands on one consultation: denylist, seal, export and backup.
 * denylist and seal ask the server running on the data folder first (its control socket); seal
 * works on the database itself when none runs. Not links (links.c) nor programmes (programme.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "crypto.h"
#include "hub.h"
#include "report.h"

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

/* Prints a control reply: {"ok": true, ...} is success. */
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

int cli_parse_denylist(char *text, core_denylist *deny, const char **names, size_t *n)
{
	int line = 0;
	*n = 0;
	for (char *l = text, *next; l; l = next) {
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
		if (core_denylist_add(deny, l, ll))
			return line;
		names[(*n)++] = l;
	}
	return 0;
}

int cli_denylist(int argc, char **argv, const char *usage)
{
	static const int allowed[] = {OPT_DATA, 0};
	options o = {.data_dir = "data"};
	char *pos[2];
	int rc = cli_parse_options(argc, argv, usage, allowed, &o, pos, 2, "expects a consultation id and a file");
	if (rc)
		return rc > 0 ? 0 : 2;
	size_t len;
	char *text = cli_read_text(pos[1], &len);
	if (!text)
		return 1;
	/* Checked here line by line, so that a mistake names its line; the server checks again. */
	const char **names = calloc(len / 2 + 1, sizeof *names);
	size_t n = 0;
	core_denylist *check = core_denylist_new();
	rc = names && check ? 0 : 1;
	int line = rc ? 0 : cli_parse_denylist(text, check, names, &n);
	if (line) {
		fprintf(stderr, "roundtable: %s:%d: not a usable name (invalid UTF-8, empty or too long)\n", pos[1],
		        line);
		rc = 1;
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

int cli_seal(int argc, char **argv, const char *usage)
{
	static const int allowed[] = {OPT_DATA, OPT_LINKS_TTL, 0};
	options o = {.data_dir = "data", .links_ttl_hours = -1};
	char *id;
	int rc = cli_parse_options(argc, argv, usage, allowed, &o, &id, 1, "expects a consultation id");
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
	store *st = cli_open_store(o.data_dir);
	hub *h = st ? hub_new(st, NULL, 0) : NULL; /* no transport: it sends nothing */
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

rt_err cli_render_report(store *st, const char *id, const report_options *opt, char **doc, size_t *len,
                         char name[REPORT_FILENAME_MAX])
{
	name[0] = '\0';
	*doc = NULL;
	core_state *state = calloc(1, sizeof *state);
	uint8_t secret[CRYPTO_SECRET_BYTES];
	rt_err err = state ? store_load(st, id, state, secret) : RT_E_SERVER_UNAVAILABLE;
	memset(secret, 0, sizeof secret);
	if (err) {
		free(state);
		return err;
	}
	*doc = report_render(state, opt, len);
	report_filename(state->agenda.title, report_agenda_date(&state->agenda), report_kind(state),
	                report_format_name(opt->format), name, REPORT_FILENAME_MAX);
	core_state_free(state);
	free(state);
	if (!*doc) {
		name[0] = 1; /* rendered nothing: out of memory */
		return RT_E_SERVER_UNAVAILABLE;
	}
	return RT_OK;
}

int cli_export(int argc, char **argv, const char *usage)
{
	static const int allowed[] = {OPT_DATA, OPT_FORMAT, OPT_LANG, OPT_K, OPT_OUTPUT, 0};
	options o = {.data_dir = "data", .format = REPORT_MD, .lang = CORE_LANG_NONE};
	char *id;
	int rc = cli_parse_options(argc, argv, usage, allowed, &o, &id, 1, "expects a consultation id");
	if (rc)
		return rc > 0 ? 0 : 2;
	store *st = cli_open_store(o.data_dir);
	if (!st)
		return 1;
	/* AG-6: a draft counts the segment still running up to now. */
	report_options opt = {.format = (report_format)o.format,
	                      .lang = (core_lang)o.lang,
	                      .k = (uint32_t)o.k,
	                      .now_ms = (int64_t)time(NULL) * 1000};
	size_t len;
	char *doc = NULL, name[REPORT_FILENAME_MAX];
	rt_err err = cli_render_report(st, id, &opt, &doc, &len, name);
	store_close(st);
	if (err == RT_E_NOT_FOUND) /* not a consultation: a programme's report, or no such id */
		return cli_export_programme(&o, id);
	if (err) {
		fprintf(stderr, "roundtable: %s: %s\n", id,
		        err == RT_E_SERVER_UNAVAILABLE && !doc && name[0] == 1 ? "out of memory"
		                                                               : "cannot read the database");
		return 1;
	}
	if (o.output && cli_output_to(o.output, name)) {
		free(doc);
		return 1;
	}
	rc = fwrite(doc, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : 1;
	free(doc);
	return rc;
}

int cli_output_to(const char *output, const char *name)
{
	char path[4096];
	struct stat sb;
	bool folder = stat(output, &sb) == 0 && S_ISDIR(sb.st_mode);
	int n = folder
	            ? snprintf(path, sizeof path, "%s%s%s", output, output[strlen(output) - 1] == '/' ? "" : "/", name)
	            : snprintf(path, sizeof path, "%s", output);
	if (n < 0 || (size_t)n >= sizeof path || !freopen(path, "wb", stdout)) {
		fprintf(stderr, "roundtable: cannot write %s\n", n < 0 || (size_t)n >= sizeof path ? output : path);
		return -1;
	}
	fprintf(stderr, "roundtable: writing %s\n", path);
	return 0;
}

int cli_backup(int argc, char **argv, const char *usage)
{
	static const int allowed[] = {OPT_DATA, 0};
	options o = {.data_dir = "data"};
	char *pos[2];
	int rc = cli_parse_options(argc, argv, usage, allowed, &o, pos, 2, "expects a consultation id and a file");
	if (rc)
		return rc > 0 ? 0 : 2;
	store *st = cli_open_store(o.data_dir);
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
