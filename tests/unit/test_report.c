/* test_report.c — the consultation report (EX-2..EX-7).
 * - Small-count suppression on random tables, checked by brute force: every table of counts a
 *   reader could reconcile with the published cells, labels and total is enumerated, and no
 *   hidden cell may take a single value in all of them. The same enumeration shows that
 *   suppressing the small cells alone would often give them away.
 * - Golden files: the sample engagement session, run through the core as it would be live, then
 *   sealed (a draft with its counts), then finalised, in all four formats (and a draft before
 *   the seal). RT_UPDATE_GOLDEN=1 rewrites them.
 * - The same state gives the same bytes; nothing internal (ids, pseudonyms, times) leaks out.
 * - No CSV cell, the report's or the attendance sheet's, is a live spreadsheet formula. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixtures.h"
#include "report.h"
#include "wire.h"

/* --- suppression ------------------------------------------------------------------------- */

typedef struct enumeration {
	const uint32_t *values;
	const core_cell *cells;
	int n;
	uint32_t k, total;
	uint32_t lo[CORE_MAX_SEGMENTS], hi[CORE_MAX_SEGMENTS];
	uint32_t x[CORE_MAX_SEGMENTS];
	uint32_t seen_min[CORE_MAX_SEGMENTS], seen_max[CORE_MAX_SEGMENTS];
	long solutions;
} enumeration;

static void walk(enumeration *e, int i, uint32_t sum)
{
	if (sum > e->total)
		return;
	if (i == e->n) {
		if (sum != e->total)
			return;
		e->solutions++;
		for (int j = 0; j < e->n; j++) {
			if (e->x[j] < e->seen_min[j])
				e->seen_min[j] = e->x[j];
			if (e->x[j] > e->seen_max[j])
				e->seen_max[j] = e->x[j];
		}
		return;
	}
	for (uint32_t v = e->lo[i]; v <= e->hi[i]; v++) {
		e->x[i] = v;
		walk(e, i + 1, sum + v);
	}
}

/* Brute force: whether some hidden cell has one value in every table a reader could reconcile
 * with what is published (shown cells exact, "fewer than k" 1..k-1, withheld k..total). */
static bool brute_disclosed(const uint32_t *values, const core_cell *cells, int n, uint32_t k)
{
	enumeration e = {.values = values, .cells = cells, .n = n, .k = k};
	for (int i = 0; i < n; i++)
		e.total += values[i];
	for (int i = 0; i < n; i++) {
		if (cells[i] == CORE_CELL_SHOWN)
			e.lo[i] = e.hi[i] = values[i];
		else if (cells[i] == CORE_CELL_FEWER)
			e.lo[i] = 1, e.hi[i] = k - 1;
		else
			e.lo[i] = k, e.hi[i] = e.total;
		e.seen_min[i] = UINT32_MAX;
		e.seen_max[i] = 0;
	}
	walk(&e, 0, 0);
	CHECK(e.solutions >= 1); /* the truth is always one of them */
	for (int i = 0; i < n; i++)
		if (cells[i] != CORE_CELL_SHOWN && e.seen_min[i] == e.seen_max[i])
			return true;
	return false;
}

static void test_suppression(void)
{
	srand(20211018);
	const uint32_t k = 5;
	int tables = 0, published = 0, withheld_cells = 0, naive_disclosed = 0, unpublishable = 0;
	for (int round = 0; round < 3000; round++) {
		int n = 1 + rand() % 5;
		uint32_t values[CORE_MAX_SEGMENTS], total = 0;
		for (int i = 0; i < n; i++) {
			values[i] = (uint32_t)(rand() % 4 == 0 ? 0 : rand() % 13);
			total += values[i];
		}
		if (total < k)
			continue; /* the report publishes no breakdown of a total under k */
		tables++;
		core_cell cells[CORE_MAX_SEGMENTS], naive[CORE_MAX_SEGMENTS];
		for (int i = 0; i < n; i++)
			naive[i] = values[i] >= 1 && values[i] < k ? CORE_CELL_FEWER : CORE_CELL_SHOWN;
		bool naive_bad = brute_disclosed(values, naive, n, k);
		naive_disclosed += naive_bad;
		/* The core's own check agrees with brute force. */
		CHECK_EQ_INT(core_report_disclosed(values, naive, n, k), naive_bad);
		if (!core_report_suppress(values, n, k, cells)) {
			unpublishable++;
			continue;
		}
		published++;
		for (int i = 0; i < n; i++) {
			/* Exactly the small counts read "fewer than k"; withheld cells are k or more. */
			CHECK_EQ_INT(cells[i] == CORE_CELL_FEWER, values[i] >= 1 && values[i] < k);
			if (cells[i] == CORE_CELL_WITHHELD) {
				CHECK(values[i] >= k);
				withheld_cells++;
			}
		}
		if (brute_disclosed(values, cells, n, k)) {
			CHECK(!"a hidden cell can be worked out");
			fprintf(stderr, "disclosed:");
			for (int i = 0; i < n; i++)
				fprintf(stderr, " %u/%d", values[i], (int)cells[i]);
			fprintf(stderr, "\n");
		}
	}
	printf("suppression: %d random tables (k = %u); %d published, %d cells withheld to protect others, %d not "
	       "publishable; suppressing small cells alone would have disclosed one in %d of them\n",
	       tables, k, published, withheld_cells, unpublishable, naive_disclosed);
	CHECK(tables > 1500);
	CHECK(naive_disclosed > 100); /* the brute force does find disclosures when there are some */
	CHECK(withheld_cells > 100);
	/* Hand-picked: one small cell beside large ones needs a partner; then nothing is pinned. */
	uint32_t v1[] = {3, 20, 7};
	core_cell c1[3];
	CHECK(core_report_suppress(v1, 3, k, c1));
	CHECK_EQ_INT(c1[0], CORE_CELL_FEWER);
	CHECK_EQ_INT(c1[1], CORE_CELL_SHOWN);
	CHECK_EQ_INT(c1[2], CORE_CELL_WITHHELD);
	/* A lone small cell and nothing else to hide: the table cannot be published. */
	uint32_t v2[] = {2, 0, 0};
	core_cell c2[3];
	CHECK(!core_report_suppress(v2, 3, k, c2));
	/* The report's items are lower bounds a reader has too: four items listed in a segment
	 * whose cell says "fewer than 5" pin it at 4, whatever else is withheld; so the table is
	 * not published. Three items leave it 3 or 4, as without them. */
	uint32_t v3[] = {4, 20, 7}, known4[] = {4, 0, 0}, known3[] = {3, 0, 0};
	core_cell c3[3];
	CHECK(core_report_suppress(v3, 3, k, c3));
	CHECK(!core_report_disclosed(v3, c3, 3, k));
	CHECK(core_report_disclosed_given(v3, known4, c3, 3, k));
	CHECK(!core_report_suppress_given(v3, known4, 3, k, c3));
	CHECK(core_report_suppress_given(v3, known3, 3, k, c3));
	CHECK_EQ_INT(c3[0], CORE_CELL_FEWER);
	CHECK(!core_report_disclosed_given(v3, known3, c3, 3, k));
	/* A withheld cell whose items reach the total's remainder is pinned as well. */
	uint32_t v4[] = {1, 6, 9}, known_w[] = {0, 6, 0};
	core_cell c4[3];
	CHECK(core_report_suppress(v4, 3, k, c4));
	CHECK_EQ_INT(c4[1], CORE_CELL_WITHHELD);
	CHECK(core_report_disclosed_given(v4, known_w, c4, 3, k));
}

/* --- the sample engagement session -------------------------------------------------------- */

static core_state st;
static core_decision dec;
static int64_t now = FIXED_NOW_MS;

static rt_err act(const core_actor *who, core_command cmd)
{
	rt_err err = core_decide(&st, who, &cmd, now, &dec);
	for (int i = 0; !err && i < dec.nevents; i++)
		CHECK_EQ_INT(core_evolve(&st, &dec.events[i]), 0);
	return err;
}

static core_command cmd_text(core_cmd_kind kind, const char *text)
{
	return (core_command){.kind = kind, .text = text, .text_len = strlen(text), .lang = CORE_LANG_EN};
}

static uint32_t post(int who, const char *text, core_lang lang)
{
	core_actor p = fixture_participant((uint8_t)who);
	core_command c = cmd_text(CORE_CMD_QUESTION_POST, text);
	c.lang = lang;
	CHECK_EQ_INT(act(&p, c), RT_OK);
	return st.nquestions;
}

static void chair(core_cmd_kind kind, uint32_t q)
{
	core_actor a = fixture_role(CORE_ROLE_COCHAIR);
	CHECK_EQ_INT(act(&a, (core_command){.kind = kind, .question = q}), RT_OK);
}

static void votes(uint32_t q, int from, int to)
{
	for (int v = from; v <= to; v++) {
		core_actor p = fixture_participant((uint8_t)v);
		CHECK_EQ_INT(act(&p, (core_command){.kind = CORE_CMD_QUESTION_VOTE, .question = q}), RT_OK);
	}
}

static void tag(uint32_t q, const char *theme, bool include)
{
	core_actor r = fixture_role(CORE_ROLE_RAPPORTEUR);
	CHECK_EQ_INT(act(&r,
	                 (core_command){
	                     .kind = CORE_CMD_QUESTION_TAG, .question = q, .theme = theme, .theme_len = strlen(theme)}),
	             RT_OK);
	if (include)
		CHECK_EQ_INT(act(&r, (core_command){.kind = CORE_CMD_REPORT_INCLUDE, .question = q, .included = true}),
		             RT_OK);
}

static void minutes(int m)
{
	now += (int64_t)m * 60000;
}

/* The engagement session of protocol/agendas, played through: 14 questions from 9 of 27
 * participants in four languages, upvotes, a merge, a withdrawal, a rejection, the
 * rapporteurs' themes, notes and a summary. */
static void play_session(void)
{
	char path[512];
	snprintf(path, sizeof path, "%s/protocol/agendas/engagement-session.json", RT_SOURCE_DIR);
	FILE *f = fopen(path, "rb");
	CHECK(f != NULL);
	static char buf[1 << 16];
	size_t len = f ? fread(buf, 1, sizeof buf, f) : 0;
	if (f)
		fclose(f);
	core_agenda ag;
	wire_agenda_errors errs;
	CHECK_EQ_INT(wire_decode_agenda(buf, len, &ag, &errs), 0);
	strcpy(ag.id, "golden");
	strcpy(ag.date, "2021-10-12");
	/* This session's co-chairs left each segment's questions where they were asked: every
	 * segment starts empty (QA-6), so the report lists them under the segment they were asked in. */
	for (int i = 0; i < ag.nsegments; i++)
		ag.segments[i].starts_empty = true;
	fixture_state_init(&st, &ag);
	/* Only 27 participants accepted the Rule in this session (the fixture accepts 255). */
	for (uint32_t i = 0; i < st.acap; i++)
		st.accepted[i].used = false;
	st.aused = 0;
	for (int p = 1; p <= 27; p++)
		CHECK_EQ_INT(act(&(core_actor){.role = CORE_ROLE_PARTICIPANT,
		                               .has_pseud = true,
		                               .pseud = fixture_participant((uint8_t)p).pseud},
		                 (core_command){.kind = CORE_CMD_RULE_ACCEPT}),
		             RT_OK);
	core_actor c = fixture_role(CORE_ROLE_COCHAIR), r = fixture_role(CORE_ROLE_RAPPORTEUR);
	CHECK_EQ_INT(act(&c, (core_command){.kind = CORE_CMD_CLOCK_START}), RT_OK);
	minutes(16);
	CHECK_EQ_INT(act(&c, (core_command){.kind = CORE_CMD_AGENDA_GOTO, .segment = 1}), RT_OK);
	uint32_t q1 =
	    post(1, "How will the safeguards in Article 24 apply to requests for cross-border evidence?", CORE_LANG_EN);
	uint32_t q2 =
	    post(2, "¿Cómo se protegerá a los periodistas que investigan delitos cibernéticos?", CORE_LANG_ES);
	uint32_t q3 = post(3, "Quelles garanties pour la liberté d’expression dans la définition des infractions ?",
	                   CORE_LANG_FR);
	uint32_t q4 = post(4, "كيف ستضمن الاتفاقية حماية البيانات الشخصية عند تبادل الأدلة؟", CORE_LANG_AR);
	uint32_t q5 =
	    post(5, "What will the treaty mean for security researchers who report vulnerabilities?", CORE_LANG_EN);
	uint32_t q6 = post(1, "Will States publish statistics on requests made under the treaty?", CORE_LANG_EN);
	uint32_t q7 = post(6, "Protection for researchers who disclose vulnerabilities responsibly?", CORE_LANG_EN);
	uint32_t q8 = post(7, "Off-topic: when is lunch?", CORE_LANG_EN);
	for (uint32_t q = q1; q <= q7; q++)
		chair(CORE_CMD_QUESTION_APPROVE, q);
	chair(CORE_CMD_QUESTION_REJECT, q8);
	votes(q1, 10, 21);
	votes(q2, 10, 16);
	votes(q3, 12, 14);
	votes(q4, 10, 18);
	votes(q5, 13, 20);
	votes(q7, 21, 23);
	votes(q6, 22, 22);
	chair(CORE_CMD_QUESTION_ANSWER_NOW, q1);
	chair(CORE_CMD_QUESTION_ANSWER, q1);
	CHECK_EQ_INT(act(&c, (core_command){.kind = CORE_CMD_QUESTION_MERGE, .question = q7, .into = q5}), RT_OK);
	minutes(37);
	CHECK_EQ_INT(act(&c, (core_command){.kind = CORE_CMD_AGENDA_GOTO, .segment = 2}), RT_OK);
	uint32_t q9 = post(8, "How will capacity-building funds reach civil society in small States?", CORE_LANG_EN);
	uint32_t q10 = post(9, "هل سيكون للمجتمع المدني دور في مؤتمر الدول الأطراف؟", CORE_LANG_AR);
	uint32_t q11 = post(2, "¿Habrá una revisión del tratado a los cinco años?", CORE_LANG_ES);
	uint32_t q12 =
	    post(3, "Le texte prévoit-il des voies de recours pour les personnes concernées ?", CORE_LANG_FR);
	uint32_t q13 = post(4, "Withdrawn before it was read: CANARY-WITHDRAWN-TEXT", CORE_LANG_EN);
	uint32_t q14 = post(5, "What oversight will there be of 24/7 points of contact?", CORE_LANG_EN);
	for (uint32_t q = q9; q <= q14; q++)
		if (q != q13)
			chair(CORE_CMD_QUESTION_APPROVE, q);
	core_actor p4 = fixture_participant(4);
	CHECK_EQ_INT(act(&p4, (core_command){.kind = CORE_CMD_QUESTION_WITHDRAW, .question = q13}), RT_OK);
	votes(q9, 10, 20);
	votes(q10, 11, 19);
	votes(q11, 12, 13);
	votes(q12, 14, 18);
	votes(q14, 15, 26);
	chair(CORE_CMD_QUESTION_ANSWER, q9);
	chair(CORE_CMD_QUESTION_ANSWER, q10);
	chair(CORE_CMD_QUESTION_ANSWER, q14);
	minutes(28);
	CHECK_EQ_INT(act(&c, (core_command){.kind = CORE_CMD_AGENDA_GOTO, .segment = 3}), RT_OK);
	minutes(9);
	/* The rapporteurs' work. */
	tag(q1, "Safeguards and human rights", true);
	tag(q2, "Safeguards and human rights", true);
	tag(q3, "Safeguards and human rights", true);
	tag(q4, "Data protection", true);
	tag(q5, "Security research", true);
	tag(q6, "Transparency", true);
	tag(q9, "Capacity building", true);
	tag(q10, "Civil society participation", true);
	tag(q11, "Civil society participation", false);
	tag(q12, "Safeguards and human rights", true);
	tag(q14, "Safeguards and human rights", true);
	const char *note1 = "Speakers compared the treaty with the Budapest Convention.\nParticipants returned "
	                    "several times to safeguards and to the protection of journalists.";
	core_command n1 = cmd_text(CORE_CMD_NOTE_SET, note1);
	n1.segment = 1;
	CHECK_EQ_INT(act(&r, n1), RT_OK);
	const char *para =
	    "Several participants asked how civil society would be consulted once the treaty is in force.";
	core_command p1 = cmd_text(CORE_CMD_PARAPHRASE_SAVE, para);
	p1.segment = 2;
	p1.theme = "Civil society participation";
	p1.theme_len = strlen(p1.theme);
	p1.included = true;
	CHECK_EQ_INT(act(&r, p1), RT_OK);
}

static char *render(report_format format, core_lang lang, size_t *len)
{
	report_options opt = {.format = format, .lang = lang};
	char *doc = report_render(&st, &opt, len);
	CHECK(doc != NULL);
	/* Same state, same bytes. */
	size_t len2;
	char *again = report_render(&st, &opt, &len2);
	CHECK(again && len2 == *len && memcmp(doc, again, *len) == 0);
	free(again);
	return doc;
}

static void golden(const char *name, const char *doc, size_t len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/tests/fixtures/export/%s", RT_SOURCE_DIR, name);
	if (getenv("RT_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "wb");
		CHECK(f && fwrite(doc, 1, len, f) == len);
		if (f)
			fclose(f);
		return;
	}
	FILE *f = fopen(path, "rb");
	static char want[1 << 20];
	size_t n = f ? fread(want, 1, sizeof want, f) : 0;
	if (f)
		fclose(f);
	bool same = f && n == len && memcmp(want, doc, len) == 0;
	if (!same)
		fprintf(stderr,
		        "%s differs from the golden file (%zu bytes, golden %zu); RT_UPDATE_GOLDEN=1 rewrites it\n",
		        name, len, n);
	CHECK(same);
}

static bool contains(const char *doc, size_t len, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= len; i++)
		if (memcmp(doc + i, needle, k) == 0)
			return true;
	return false;
}

static void test_session(void)
{
	play_session();
	static const struct {
		report_format format;
		core_lang lang;
		const char *draft, *sealed;
	} files[] = {
	    {REPORT_MD, CORE_LANG_NONE, "engagement-session-draft.md", "engagement-session.md"},
	    {REPORT_HTML, CORE_LANG_NONE, "engagement-session-draft.html", "engagement-session.html"},
	    {REPORT_CSV, CORE_LANG_NONE, "engagement-session-draft.csv", "engagement-session.csv"},
	    {REPORT_JSON, CORE_LANG_NONE, "engagement-session-draft.json", "engagement-session.json"},
	    {REPORT_HTML, CORE_LANG_AR, NULL, "engagement-session-ar.html"},
	    {REPORT_MD, CORE_LANG_FR, NULL, "engagement-session-fr.md"},
	    {REPORT_MD, CORE_LANG_ES, NULL, "engagement-session-es.md"},
	};
	size_t len;
	/* EX-6: a draft says so and carries no count. */
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		if (!files[i].draft)
			continue;
		char *doc = render(files[i].format, files[i].lang, &len);
		golden(files[i].draft, doc, len);
		CHECK(contains(doc, len, "raft"));
		CHECK(!contains(doc, len, "upvotes:") && !contains(doc, len, "\"upvotes\"") &&
		      !contains(doc, len, "fewer than"));
		free(doc);
	}
	/* AG-6: a draft counts the segment still running (9 minutes in) up to when it is asked for. */
	report_options at = {.format = REPORT_JSON, .now_ms = now + 12 * 60000};
	char *running = report_render(&st, &at, &len);
	CHECK(running && contains(running, len, "\"planned_minutes\": 10, \"actual_minutes\": 21"));
	free(running);

	core_actor c = fixture_role(CORE_ROLE_COCHAIR), rap = fixture_role(CORE_ROLE_RAPPORTEUR);
	/* EX-7: the report is finalised once its counts are final, never before. */
	CHECK_EQ_INT(act(&rap, (core_command){.kind = CORE_CMD_REPORT_FINALISE}), RT_E_REPORT_NOT_SEALED);
	CHECK_EQ_INT(act(&c, (core_command){.kind = CORE_CMD_SEAL}), RT_OK);
	CHECK(st.sealed);
	CHECK_EQ_INT(st.participants, 27);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char *doc = render(files[i].format, files[i].lang, &len);
		golden(files[i].sealed, doc, len);
		/* EX-3: no internal id (the consultation's, "Question 7"), no time, no pseudonym text;
		 * EX-4: the suppressed counts are marked. */
		CHECK(!contains(doc, len, "golden"));
		CHECK(!contains(doc, len, "Question 1") && !contains(doc, len, "11:30") &&
		      !contains(doc, len, "CANARY"));
		CHECK(!contains(doc, len, "Off-topic"));
		if (files[i].lang == CORE_LANG_NONE && files[i].format != REPORT_JSON)
			CHECK(contains(doc, len, "fewer than 5"));
		free(doc);
	}
	/* The Arabic HTML is right to left. */
	char *ar = render(REPORT_HTML, CORE_LANG_AR, &len);
	CHECK(contains(ar, len, "<html lang=\"ar\" dir=\"rtl\">"));
	free(ar);
	/* The item the rapporteurs left out, and the rejected and withdrawn questions, are absent. */
	char *md = render(REPORT_MD, CORE_LANG_NONE, &len);
	CHECK(!contains(md, len, "cinco años"));
	CHECK(contains(md, len, "merged questions"));
	CHECK(contains(md, len, "Participants who accepted the Rule: 27"));
	CHECK(!contains(md, len, "took part"));
	free(md);
	/* EX-4: a session of fewer than k participants: the manifest warns that even "fewer than
	 * k" may say who they were, in every format and language. */
	st.participants = 3;
	md = render(REPORT_MD, CORE_LANG_NONE, &len);
	CHECK(contains(md, len, "Participants who accepted the Rule: fewer than 5"));
	CHECK(contains(md, len, "warning: fewer than 5 participants took part"));
	free(md);
	static const report_format formats[] = {REPORT_HTML, REPORT_CSV, REPORT_JSON};
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		char *doc = render(formats[i], CORE_LANG_NONE, &len);
		CHECK(contains(doc, len, "fewer than 5 participants took part"));
		free(doc);
	}
	char *ar_small = render(REPORT_MD, CORE_LANG_AR, &len);
	CHECK(contains(ar_small, len, "تحذير"));
	free(ar_small);
	st.participants = 27;
	/* CHR-3: credentials re-issued after a lost device are counted in every format and language
	 * (none above: the goldens say nothing of them). */
	st.reissued = 2;
	static const struct {
		report_format format;
		core_lang lang;
		const char *says;
	} reissued[] = {
	    {REPORT_MD, CORE_LANG_NONE, "- Credentials re-issued after a lost device (each could upvote again): 2\n"},
	    {REPORT_HTML, CORE_LANG_NONE,
	     "<li>Credentials re-issued after a lost device (each could upvote again): 2</li>"},
	    {REPORT_CSV, CORE_LANG_NONE,
	     "\"participation\",\"\",\"\",\"\",\"\",\"Credentials re-issued after a lost device (each could upvote "
	     "again)\",\"2\""},
	    {REPORT_JSON, CORE_LANG_NONE, "\"questions_posted\": 14, \"credentials_reissued\": 2"},
	    {REPORT_MD, CORE_LANG_FR,
	     "Justificatifs renouvelés après la perte d’un appareil (chacun a pu voter une "
	     "seconde fois)\u00A0: 2"},
	    {REPORT_MD, CORE_LANG_ES,
	     "Credenciales renovadas tras la pérdida de un dispositivo (cada una pudo votar de "
	     "nuevo): 2"},
	    {REPORT_HTML, CORE_LANG_AR, "الاعتمادات المجدَّدة بعد فقدان جهاز (كان بإمكان كل منها التصويت مجددًا)"},
	};
	for (size_t i = 0; i < sizeof reissued / sizeof reissued[0]; i++) {
		char *doc = render(reissued[i].format, reissued[i].lang, &len);
		if (!contains(doc, len, reissued[i].says))
			fprintf(stderr, "no re-issue count in %s (%d):\n%.*s\n", report_format_name(reissued[i].format),
			        (int)reissued[i].lang, (int)len, doc);
		CHECK(contains(doc, len, reissued[i].says));
		free(doc);
	}
	st.reissued = 0;
	/* EX-7: sealed, the report is still a draft, with its counts, until the rapporteurs finalise
	 * it; then every format says it is final. */
	md = render(REPORT_MD, CORE_LANG_NONE, &len);
	CHECK(contains(md, len, "**Draft: the consultation is sealed and its counts are final;"));
	CHECK(contains(md, len, "Status: draft, sealed: counts final"));
	free(md);
	char *js = render(REPORT_JSON, CORE_LANG_NONE, &len);
	CHECK(contains(js, len, "\"status\": \"draft\"") && contains(js, len, "\"sealed\": true"));
	free(js);
	CHECK_EQ_INT(act(&rap, (core_command){.kind = CORE_CMD_REPORT_FINALISE}), RT_OK);
	CHECK(st.final);
	static const struct {
		report_format format;
		const char *file, *says;
	} finals[] = {
	    {REPORT_MD, "engagement-session-final.md", "**Final: the rapporteurs have finalised this report.**"},
	    {REPORT_HTML, "engagement-session-final.html",
	     "<p class=\"final\">Final: the rapporteurs have finalised this report.</p>"},
	    {REPORT_CSV, "engagement-session-final.csv",
	     "\"report\",\"\",\"\",\"\",\"\",\"Status\",\"Final: the rapporteurs have finalised this report.\""},
	    {REPORT_JSON, "engagement-session-final.json", "\"status\": \"final\""},
	};
	for (size_t i = 0; i < sizeof finals / sizeof finals[0]; i++) {
		char *doc = render(finals[i].format, CORE_LANG_NONE, &len);
		golden(finals[i].file, doc, len);
		CHECK(contains(doc, len, finals[i].says));
		CHECK(!contains(doc, len, "Draft") && !contains(doc, len, "draft,") &&
		      !contains(doc, len, "\"draft\""));
		free(doc);
	}
	/* Final: nothing changes it any more, and the co-chairs' commands stay refused. */
	CHECK_EQ_INT(act(&rap, (core_command){.kind = CORE_CMD_REPORT_FINALISE}), RT_E_REPORT_FINAL);
	core_command late = cmd_text(CORE_CMD_NOTE_SET, "Late");
	CHECK_EQ_INT(act(&rap, late), RT_E_REPORT_FINAL);
	CHECK_EQ_INT(act(&c, (core_command){.kind = CORE_CMD_QUESTION_ANSWER, .question = 2}),
	             RT_E_CONSULTATION_SEALED);
	/* Invalid options render nothing. */
	report_options bad = {.format = REPORT_FORMAT_COUNT};
	CHECK(report_render(&st, &bad, &len) == NULL);
	bad = (report_options){.format = REPORT_MD, .k = 1};
	CHECK(report_render(&st, &bad, &len) == NULL);
	core_state_free(&st);
}

/* --- CSV: no cell is a live spreadsheet formula ------------------------------------------- */

/* Whether every field of the CSV document, read as RFC 4180, starts with something other than
 * what makes a spreadsheet evaluate it (=, +, -, @, a tab or a carriage return). */
static bool no_formula(const char *doc, size_t len)
{
	size_t i = 0;
	if (len >= 3 && memcmp(doc, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len) {
		char first = '\0';
		bool any = false;
		if (doc[i] == '"') {
			for (i++; i < len; i++) {
				if (doc[i] == '"' && (i + 1 >= len || doc[i + 1] != '"'))
					break;
				if (doc[i] == '"')
					i++;
				if (!any)
					first = doc[i], any = true;
			}
			i++; /* the closing quote */
		} else {
			if (i < len && doc[i] != ',' && doc[i] != '\r')
				first = doc[i];
			while (i < len && doc[i] != ',' && doc[i] != '\r')
				i++;
		}
		if (first && strchr("=+-@\t\r", first))
			return false;
		if (i < len && doc[i] == ',')
			i++;
		else if (i + 1 < len && doc[i] == '\r' && doc[i + 1] == '\n')
			i += 2;
		else if (i < len)
			return false; /* not CSV */
	}
	return true;
}

static char *field_text(const char *s)
{
	static char buf[256];
	memset(buf, 0, sizeof buf);
	FILE *f = fmemopen(buf, sizeof buf - 1, "w");
	CHECK(f != NULL);
	if (!f)
		return "";
	report_csv_field(f, s);
	fclose(f);
	return buf;
}

static void test_csv_formulas(void)
{
	/* The command line's attendance sheet: quoted only when needed, formulas made text. */
	CHECK(strcmp(field_text("REG-A"), "REG-A") == 0);
	CHECK(strcmp(field_text(""), "") == 0);
	CHECK(strcmp(field_text("a,b"), "\"a,b\"") == 0);
	CHECK(strcmp(field_text("say \"hi\""), "\"say \"\"hi\"\"\"") == 0);
	CHECK(strcmp(field_text("=1+2"), "\"'=1+2\"") == 0);
	CHECK(strcmp(field_text("-2"), "\"'-2\"") == 0);
	CHECK(strcmp(field_text("+x"), "\"'+x\"") == 0);
	CHECK(strcmp(field_text("@SUM(A1)"), "\"'@SUM(A1)\"") == 0);
	CHECK(strcmp(field_text("\tx"), "\"'\tx\"") == 0);
	CHECK(strcmp(field_text("\rx"), "\"'\rx\"") == 0);
	CHECK(no_formula("\"a\",\"'=b\",c\r\n", 13) && !no_formula("\"a\",\"=b\"\r\n", 11));

	/* The report: approved questions that a spreadsheet would read as formulas, under a theme
	 * that is one too. A formula that calls a function is a link to the scrubber (CHR-6) and
	 * never gets this far; those it lets through, the CSV still writes as text. */
	play_session();
	core_actor c = fixture_role(CORE_ROLE_COCHAIR);
	CHECK_EQ_INT(act(&c, (core_command){.kind = CORE_CMD_AGENDA_GOTO, .segment = 2}), RT_OK);
	core_actor p8 = fixture_participant(8);
	core_command hyper = cmd_text(CORE_CMD_QUESTION_POST, "=HYPERLINK(\"http\"&\"s://x.org\")");
	CHECK_EQ_INT(act(&p8, hyper), RT_E_TEXT_IDENTIFYING);
	uint32_t q = post(7, "=A1*2\"&\"x is what the sheet shows", CORE_LANG_EN);
	chair(CORE_CMD_QUESTION_APPROVE, q);
	tag(q, "@SUM(A1)", true);
	uint32_t q2 = post(9, "-1 vote, +2 votes: which counts?", CORE_LANG_AR);
	chair(CORE_CMD_QUESTION_APPROVE, q2);
	tag(q2, "@SUM(A1)", true);
	static const core_lang langs[] = {CORE_LANG_NONE, CORE_LANG_EN, CORE_LANG_AR, CORE_LANG_FR, CORE_LANG_ES};
	for (int sealed = 0; sealed < 2; sealed++) {
		if (sealed)
			CHECK_EQ_INT(act(&c, (core_command){.kind = CORE_CMD_SEAL}), RT_OK);
		for (size_t l = 0; l < sizeof langs / sizeof langs[0]; l++) {
			size_t len;
			char *doc = render(REPORT_CSV, langs[l], &len);
			CHECK(contains(doc, len, "\"'=A1*2\"\"&\"\"x is what the sheet shows\""));
			CHECK(contains(doc, len, "\"'-1 vote, +2 votes: which counts?\""));
			CHECK(contains(doc, len, "\"'@SUM(A1)\""));
			CHECK(no_formula(doc, len));
			free(doc);
		}
	}
	core_state_free(&st);
}

/* The report's own punctuation as each language writes it, in every format that writes any:
 * Arabic ؛ and ، in lists and notes, French no-break spaces before : and ;, and never the other
 * language's marks. */
static void test_punctuation(void)
{
	play_session();
	core_actor c = fixture_role(CORE_ROLE_COCHAIR);
	CHECK_EQ_INT(act(&c, (core_command){.kind = CORE_CMD_SEAL}), RT_OK);
	static const report_format formats[] = {REPORT_MD, REPORT_HTML, REPORT_CSV};
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		size_t len;
		char *ar = render(formats[i], CORE_LANG_AR, &len);
		/* "English (floor)؛ interpretation: Arabic، French، Spanish" and "question؛ upvotes: 12" */
		CHECK(contains(ar, len, "(لغة القاعة)؛ الترجمة الفورية: العربية، الفرنسية، الإسبانية"));
		if (formats[i] != REPORT_CSV)
			CHECK(contains(ar, len, "(سؤال؛ أصوات التأييد: 12)"));
		CHECK(!contains(ar, len, "; الترجمة") && !contains(ar, len, "سؤال;") && !contains(ar, len, "العربية,"));
		free(ar);
		char *fr = render(formats[i], CORE_LANG_FR, &len);
		CHECK(contains(fr, len, "(langue de la salle)\u202F; interprétation\u00A0: arabe, français, espagnol"));
		CHECK(contains(fr, len, "Consultation en ligne\u202F; segments de l’ordre du jour\u00A0: 4"));
		if (formats[i] != REPORT_CSV)
			CHECK(contains(fr, len, "Questions posées\u00A0: 14") &&
			      contains(fr, len, "(question\u202F; votes\u00A0: 12)"));
		CHECK(!contains(fr, len, " :") && !contains(fr, len, " ;") && !contains(fr, len, "« ") &&
		      !contains(fr, len, " »"));
		free(fr);
		char *en = render(formats[i], CORE_LANG_EN, &len);
		CHECK(contains(en, len, "English (floor); interpretation: Arabic, French, Spanish"));
		CHECK(!contains(en, len, "\u00A0") && !contains(en, len, "\u202F") && !contains(en, len, "؛"));
		free(en);
	}
	core_state_free(&st);
}

/* EX-2: what a download is called: the title's slug, the date and the kind, never "report.*". */
static void test_filenames(void)
{
	char name[REPORT_FILENAME_MAX];
	CHECK_EQ_INT(report_filename("UN Cybercrime Consultation", "2026-12-03", "report", "md", name, sizeof name),
	             (int)strlen("un-cybercrime-consultation-2026-12-03-report.md"));
	CHECK_EQ_STR(name, "un-cybercrime-consultation-2026-12-03-report.md");
	report_filename("UN Cybercrime Consultation", "2026-12-03", "report-draft", "csv", name, sizeof name);
	CHECK_EQ_STR(name, "un-cybercrime-consultation-2026-12-03-report-draft.csv");
	report_filename("Training programme", "", "attendance", "csv", name, sizeof name);
	CHECK_EQ_STR(name, "training-programme-attendance.csv");
	/* Accents go, punctuation and dashes separate, a long title is cut at a word. */
	report_filename("Consultation régionale — États d’Afrique : l’après-Budapest", "2026-01-05", "report", "html",
	                name, sizeof name);
	CHECK_EQ_STR(name, "consultation-regionale-etats-d-afrique-l-apres-2026-01-05-report.html");
	report_filename("Engaging civil society in the fight against cybercrime — Session two: International",
	                "2021-10-12", "report", "json", name, sizeof name);
	CHECK_EQ_STR(name, "engaging-civil-society-in-the-fight-against-2021-10-12-report.json");
	/* A title with no Latin letter, or none at all. */
	report_filename("مشاورة إقليمية", "2026-12-03", "report", "md", name, sizeof name);
	CHECK_EQ_STR(name, "consultation-2026-12-03-report.md");
	report_filename(NULL, NULL, "report", "md", name, sizeof name);
	CHECK_EQ_STR(name, "consultation-report.md");
	/* One word longer than a slug: cut. */
	char longword[200];
	memset(longword, 'a', sizeof longword - 1);
	longword[sizeof longword - 1] = '\0';
	CHECK(report_filename(longword, "2026-12-03", "attendance", "csv", name, sizeof name) > 0);
	CHECK(strlen(name) <= REPORT_SLUG_MAX + strlen("-2026-12-03-attendance.csv"));
	/* Too small a buffer is an error, not a truncation. */
	CHECK_EQ_INT(report_filename("Title", "2026-12-03", "report", "md", name, 10), 0);
	/* The consultation's date, else its first segment's. */
	core_agenda a;
	memset(&a, 0, sizeof a);
	a.nsegments = 1;
	CHECK_EQ_STR(report_agenda_date(&a), "");
	snprintf(a.segments[0].date, sizeof a.segments[0].date, "2026-11-02");
	CHECK_EQ_STR(report_agenda_date(&a), "2026-11-02");
	snprintf(a.date, sizeof a.date, "2026-12-03");
	CHECK_EQ_STR(report_agenda_date(&a), "2026-12-03");
}

/* AG-1, LC-2: the report's titles in the report's language, the floor's where the agenda gives
 * none: the consultation's title and the first segment's in Arabic only. */
static void test_languages(void)
{
	play_session();
	snprintf(st.agenda.title_in[CORE_LANG_AR], sizeof st.agenda.title_in[0], "%s", "جلسة التواصل");
	snprintf(st.agenda.segments[0].title_in[CORE_LANG_AR], sizeof st.agenda.segments[0].title_in[0], "%s",
	         "كلمة الترحيب");
	static const report_format formats[] = {REPORT_MD, REPORT_HTML, REPORT_CSV, REPORT_JSON};
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		size_t len;
		char *doc = render(formats[i], CORE_LANG_AR, &len);
		CHECK(contains(doc, len, "جلسة التواصل") && contains(doc, len, "كلمة الترحيب"));
		CHECK(!contains(doc, len, st.agenda.segments[0].title));
		CHECK(contains(doc, len, st.agenda.segments[1].title)); /* given in English only */
		free(doc);
		doc = render(formats[i], CORE_LANG_FR, &len);
		CHECK(!contains(doc, len, "جلسة التواصل") && !contains(doc, len, "كلمة الترحيب"));
		CHECK(contains(doc, len, st.agenda.segments[0].title));
		free(doc);
	}
	core_state_free(&st);
}

int main(void)
{
	test_suppression();
	test_session();
	test_languages();
	test_csv_formulas();
	test_punctuation();
	test_filenames();
	return check_done();
}
