/* libFuzzer target: the export renderer (EX-2..EX-7), fed by whole sessions. Each input line is
 * one command: an actor digit (0-5 participants 1-6, 6 co-chair, 7 rapporteur, 8 booth, 9 the
 * server's clock), a digit of minutes that pass first, then the command's JSON as a client sends
 * it. Commands go through the decoder and the core's decide and evolve, as in the server; at the
 * end the draft, then the sealed report, are rendered in every format.
 * Invariants: no crash, no leak; rendering is deterministic; the JSON parses and says whether it
 * is a draft (EX-6); the HTML carries no script, whatever participants typed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "wire.h"

extern const char roundtable_demo_agenda[];
extern const size_t roundtable_demo_agenda_len;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static core_agenda agenda;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	wire_agenda_errors errs;
	if (wire_decode_agenda(roundtable_demo_agenda, roundtable_demo_agenda_len, &agenda, &errs))
		abort();
	strcpy(agenda.id, "fuzz");
	return 0;
}

static core_actor actor_for(char c)
{
	core_actor a = {.role = CORE_ROLE_PARTICIPANT, .has_pseud = true};
	int n = (c - '0') % 10;
	if (n < 0)
		n += 10;
	if (n < 6) {
		memset(a.pseud.b, n + 1, sizeof a.pseud.b);
		return a;
	}
	a.has_pseud = false;
	a.role = n == 6   ? CORE_ROLE_COCHAIR
	         : n == 7 ? CORE_ROLE_RAPPORTEUR
	         : n == 8 ? CORE_ROLE_BOOTH
	                  : CORE_ROLE_SYSTEM;
	a.channel = agenda.nchannels ? agenda.channels[0] : CORE_LANG_NONE;
	return a;
}

static void act(core_state *st, const core_actor *who, const core_command *cmd, int64_t now)
{
	static core_decision dec;
	if (core_decide(st, who, cmd, now, &dec) != RT_OK)
		return;
	for (int i = 0; i < dec.nevents; i++)
		if (core_evolve(st, &dec.events[i]))
			abort(); /* out of memory only; never on a fuzzer's small inputs */
}

/* Every format, in one language picked by the input (the floor's, French or Arabic; Arabic with
 * the smallest k), twice: the same bytes both times. */
static void render_all(const core_state *st, bool draft, size_t pick)
{
	static const core_lang langs[] = {CORE_LANG_NONE, CORE_LANG_FR, CORE_LANG_AR};
	size_t l = pick % 3;
	for (int f = 0; f < REPORT_FORMAT_COUNT; f++) {
		report_options opt = {.format = (report_format)f, .lang = langs[l], .k = l == 2 ? 2 : 0};
		size_t len = 0, len2 = 0;
		char *doc = report_render(st, &opt, &len);
		char *again = report_render(st, &opt, &len2);
		if (!doc || !again || len != len2 || memcmp(doc, again, len) != 0 || strlen(doc) != len)
			abort();
		if (f == REPORT_JSON) {
			/* Valid JSON, stamped as what it is. */
			json_t *j = json_loadb(doc, len, 0, NULL);
			if (!j || !strstr(doc, draft ? "\"status\": \"draft\"" : "\"status\": \"final\""))
				abort();
			json_decref(j);
		}
		if (f == REPORT_HTML && strstr(doc, "<script"))
			abort(); /* participants' text is escaped: no markup of theirs survives */
		free(doc);
		free(again);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static core_state st;
	static wire_message m;
	core_state_init(&st, &agenda);
	int64_t now = 1700000000000;
	const char *p = (const char *)data, *end = p + size;
	for (int line = 0; p < end && line < 200; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		if (stop - p >= 2) {
			core_actor who = actor_for(p[0]);
			now += (int64_t)((unsigned char)p[1] % 8) * 60000;
			if (who.role == CORE_ROLE_SYSTEM) {
				core_command due = {.kind = CORE_CMD_CLOCK_DUE};
				act(&st, &who, &due, now);
			} else if (wire_decode(p + 2, (size_t)(stop - p - 2), &m) == RT_OK &&
			           m.kind == WIRE_MSG_COMMAND) {
				act(&st, &who, &m.cmd, now);
			}
		}
		p = nl ? nl + 1 : end;
	}
	render_all(&st, !st.final, size);
	core_actor chair = actor_for('6');
	core_command seal = {.kind = CORE_CMD_SEAL};
	act(&st, &chair, &seal, now + 60000);
	render_all(&st, !st.final, size);
	/* EX-7: finalised, the report says so. */
	core_actor rapporteur = actor_for('7');
	core_command finalise = {.kind = CORE_CMD_REPORT_FINALISE};
	act(&st, &rapporteur, &finalise, now + 120000);
	render_all(&st, !st.final, size);
	core_state_free(&st);
	return 0;
}
