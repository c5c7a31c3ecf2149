/* test_scrub.c — the identifying-detail scrubber (CHR-6) against a labelled corpus of questions
 * in English, French, Spanish and Arabic (every labelled span found, with its kind and exact
 * bytes, and nothing else) and a clean corpus full of treaty numbers, dates and symbols (no
 * finding at all); then the placeholders, the deny-list's folding and the limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "core.h"

static core_denylist *load_denylist(json_t *root)
{
	core_denylist *d = core_denylist_new();
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(root, "denylist"), i, v)
	{
		CHECK_EQ_INT(core_denylist_add(d, json_string_value(v), json_string_length(v)), 0);
	}
	return d;
}

static json_t *load(const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/tests/fixtures/scrub/%s", RT_SOURCE_DIR, name);
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);
	if (!root)
		fprintf(stderr, "%s: %s\n", path, err.text);
	CHECK(root != NULL);
	return root;
}

/* Every labelled span is found, with its kind and exact bytes; nothing else is. */
static void test_labelled(void)
{
	json_t *root = load("labelled.json");
	if (!root)
		return;
	core_denylist *deny = load_denylist(root);
	int spans = 0, found = 0, extra = 0, langs[CORE_LANG_COUNT] = {0};
	size_t i;
	json_t *q;
	json_array_foreach(json_object_get(root, "questions"), i, q)
	{
		const char *text = json_string_value(json_object_get(q, "text"));
		int lang = core_lang_parse(json_string_value(json_object_get(q, "lang")));
		if (lang >= 0)
			langs[lang]++;
		core_find f[CORE_SCRUB_MAX_FINDS];
		int n = core_scrub_find(text, strlen(text), deny, lang, f, CORE_SCRUB_MAX_FINDS);
		bool used[CORE_SCRUB_MAX_FINDS] = {false};
		size_t j;
		json_t *s;
		json_array_foreach(json_object_get(q, "spans"), j, s)
		{
			spans++;
			const char *want = json_string_value(json_object_get(s, "text"));
			int kind = -1;
			for (int k = 0; k < CORE_FIND_KIND_COUNT; k++)
				if (strcmp(core_find_kind_name((core_find_kind)k),
				           json_string_value(json_object_get(s, "kind"))) == 0)
					kind = k;
			bool hit = false;
			for (int k = 0; k < n && !hit; k++) {
				size_t len = f[k].end - f[k].start;
				if (!used[k] && (int)f[k].kind == kind && len == strlen(want) &&
				    memcmp(text + f[k].start, want, len) == 0)
					used[k] = hit = true;
			}
			found += hit;
			if (!hit)
				fprintf(stderr, "missed %s \"%s\" in: %s\n",
				        json_string_value(json_object_get(s, "kind")), want, text);
		}
		for (int k = 0; k < n; k++) {
			if (used[k])
				continue;
			extra++;
			fprintf(stderr, "extra %s \"%.*s\" in: %s\n", core_find_kind_name(f[k].kind),
			        (int)(f[k].end - f[k].start), text + f[k].start, text);
		}
	}
	printf("labelled: %d/%d spans found, %d extra, in %zu questions (en %d, ar %d, fr %d, es %d)\n", found, spans,
	       extra, json_array_size(json_object_get(root, "questions")), langs[CORE_LANG_EN], langs[CORE_LANG_AR],
	       langs[CORE_LANG_FR], langs[CORE_LANG_ES]);
	CHECK(spans >= 80);
	CHECK_EQ_INT(found, spans);
	CHECK_EQ_INT(extra, 0);
	for (int l = 0; l < CORE_LANG_COUNT; l++)
		CHECK(langs[l] >= 15);
	core_denylist_free(deny);
	json_decref(root);
}

/* Treaty numbers, document symbols, dates, years, amounts and words that contain a deny-listed
 * name are not identifying. */
static void test_clean(void)
{
	json_t *root = load("clean.json");
	if (!root)
		return;
	core_denylist *deny = load_denylist(root);
	int fp = 0;
	size_t i;
	json_t *q;
	json_array_foreach(json_object_get(root, "questions"), i, q)
	{
		const char *text = json_string_value(json_object_get(q, "text"));
		int lang = core_lang_parse(json_string_value(json_object_get(q, "lang")));
		core_find f[CORE_SCRUB_MAX_FINDS];
		int n = core_scrub_find(text, strlen(text), deny, lang, f, CORE_SCRUB_MAX_FINDS);
		for (int k = 0; k < n; k++)
			fprintf(stderr, "false positive %s \"%.*s\" in: %s\n", core_find_kind_name(f[k].kind),
			        (int)(f[k].end - f[k].start), text + f[k].start, text);
		fp += n;
	}
	printf("clean: %d false positives in %zu questions\n", fp, json_array_size(json_object_get(root, "questions")));
	CHECK(json_array_size(json_object_get(root, "questions")) >= 60);
	CHECK_EQ_INT(fp, 0);
	core_denylist_free(deny);
	json_decref(root);
}

static void expect_replaced_in(const core_denylist *deny, int lang, const char *in, const char *want)
{
	core_find f[CORE_SCRUB_MAX_FINDS];
	int n = core_scrub_find(in, strlen(in), deny, lang, f, CORE_SCRUB_MAX_FINDS);
	char out[1024];
	long len = core_scrub_replace(in, strlen(in), f, n, out, sizeof out);
	CHECK(len >= 0);
	CHECK_EQ_STR(len >= 0 ? out : "", want);
}

static void expect_replaced(const core_denylist *deny, const char *in, const char *want)
{
	expect_replaced_in(deny, CORE_LANG_EN, in, want);
}

static void test_replace_and_limits(void)
{
	core_denylist *deny = core_denylist_new();
	CHECK_EQ_INT(core_denylist_add(deny, "Zainab  Haddad", strlen("Zainab  Haddad")), 0);
	CHECK_EQ_INT(core_denylist_add(deny, "أحمد", strlen("أحمد")), 0);
	CHECK_EQ_INT(core_denylist_count(deny), 2);
	/* Names that cannot be matched are refused: empty, punctuation only, invalid UTF-8, too long. */
	CHECK_EQ_INT(core_denylist_add(deny, "", 0), -1);
	CHECK_EQ_INT(core_denylist_add(deny, " - ", 3), -1);
	CHECK_EQ_INT(core_denylist_add(deny, "\xC3\x28", 2), -1);
	char longname[400];
	memset(longname, 'a', 101);
	longname[101] = '\0';
	CHECK_EQ_INT(core_denylist_add(deny, longname, 101), -1);
	CHECK_EQ_INT(core_denylist_count(deny), 2);

	expect_replaced(deny, "Write to a.b@example.org or call +44 20 7946 0958.",
	                "Write to [email] or call [phone].");
	expect_replaced(deny, "zainab\nhaddad asked", "[name] asked");
	expect_replaced(deny, "Zainab Haddad", "[name]");
	expect_replaced(deny, "see https://x.org/a, and @handle_1.", "see [link], and [handle].");
	expect_replaced(deny, "وأحمد سأل", "و[name] سأل");
	expect_replaced(deny, "Nothing here about Article 24.", "Nothing here about Article 24.");
	/* An e-mail address is one finding, not a handle inside an address. */
	core_find f[CORE_SCRUB_MAX_FINDS];
	const char *mail = "x@cyber-rights.org";
	CHECK_EQ_INT(core_scrub_find(mail, strlen(mail), NULL, CORE_LANG_EN, f, CORE_SCRUB_MAX_FINDS), 1);
	CHECK_EQ_INT(f[0].kind, CORE_FIND_EMAIL);
	/* At most `max` findings. */
	const char *many = "a@b.org c@d.org e@f.org g@h.org";
	CHECK_EQ_INT(core_scrub_find(many, strlen(many), NULL, CORE_LANG_EN, f, 2), 2);
	/* Invalid UTF-8 and over-long text are refused. */
	CHECK_EQ_INT(core_scrub_find("\xFF", 1, NULL, CORE_LANG_EN, f, CORE_SCRUB_MAX_FINDS), -1);
	static char big[CORE_SCRUB_MAX_BYTES + 2];
	memset(big, 'a', CORE_SCRUB_MAX_CP + 1);
	CHECK_EQ_INT(core_scrub_find(big, CORE_SCRUB_MAX_CP + 1, NULL, CORE_LANG_EN, f, CORE_SCRUB_MAX_FINDS), -1);
	CHECK(core_scrub_find(big, CORE_SCRUB_MAX_CP, NULL, CORE_LANG_EN, f, CORE_SCRUB_MAX_FINDS) == 0);
	/* A placeholder that does not fit is an error, not a truncation. */
	char small[8];
	int n = core_scrub_find(mail, strlen(mail), NULL, CORE_LANG_EN, f, CORE_SCRUB_MAX_FINDS);
	CHECK_EQ_INT(core_scrub_replace(mail, strlen(mail), f, n, small, 7), -1);
	CHECK_EQ_INT(core_scrub_replace(mail, strlen(mail), f, n, small, 8), 7);
	core_denylist_free(deny);
}

/* CHR-6: placeholders are written in the text's language. */
static void test_placeholders_by_language(void)
{
	core_denylist *deny = core_denylist_new();
	CHECK_EQ_INT(core_denylist_add(deny, "Zainab Haddad", strlen("Zainab Haddad")), 0);
	CHECK_EQ_INT(core_denylist_add(deny, "أحمد", strlen("أحمد")), 0);
	const char *mixed = "Zainab Haddad: a.b@example.org, https://x.org/a, @cyber_ng, +44 20 7946 0958";
	expect_replaced_in(deny, CORE_LANG_EN, mixed, "[name]: [email], [link], [handle], [phone]");
	expect_replaced_in(deny, CORE_LANG_FR, mixed, "[nom]: [courriel], [lien], [compte], [téléphone]");
	expect_replaced_in(deny, CORE_LANG_ES, mixed, "[nombre]: [correo], [enlace], [cuenta], [teléfono]");
	expect_replaced_in(deny, CORE_LANG_AR, mixed, "[اسم]: [بريد إلكتروني], [رابط], [حساب], [هاتف]");
	expect_replaced_in(deny, CORE_LANG_AR, "ناقشت المادة ٢٤ مع أحمد، راسلوني على a.b@example.org أو ٠٥٥٥١٢٣٤٥٦",
	                   "ناقشت المادة ٢٤ مع [اسم]، راسلوني على [بريد إلكتروني] أو [هاتف]");
	expect_replaced_in(deny, CORE_LANG_FR, "Écrivez-moi : a.b@example.org ou www.exemple.fr.",
	                   "Écrivez-moi : [courriel] ou [lien].");
	expect_replaced_in(deny, CORE_LANG_ES, "Llame al +34 912 345 678 o escriba a Zainab Haddad.",
	                   "Llame al [teléfono] o escriba a [nombre].");
	/* The kind's placeholder in each language; an unknown language reads English. */
	CHECK_EQ_STR(core_find_placeholder(CORE_FIND_URL, CORE_LANG_AR), "[رابط]");
	CHECK_EQ_STR(core_find_placeholder(CORE_FIND_NAME, -1), "[name]");
	CHECK_EQ_STR(core_find_placeholder(CORE_FIND_NAME, CORE_LANG_COUNT), "[name]");
	core_find f[CORE_SCRUB_MAX_FINDS];
	const char *mail = "x@cyber-rights.org";
	CHECK_EQ_INT(core_scrub_find(mail, strlen(mail), NULL, CORE_LANG_FR, f, CORE_SCRUB_MAX_FINDS), 1);
	CHECK_EQ_INT(f[0].lang, CORE_LANG_FR);
	core_denylist_free(deny);
}

/* CHR-6: links in disguise and spreadsheet formulas are links: found whole, one finding each. */
static void test_disguised_links(void)
{
	static const struct {
		const char *text, *link; /* link: the one finding's text, or NULL for none */
	} cases[] = {
	    {"=HYPERLINK(\"http\"&\"s://evil.example/x\")", "=HYPERLINK(\"http\"&\"s://evil.example/x\")"},
	    {"=HYPERLINK(\"https://evil.example/x\", \"click\")", "=HYPERLINK(\"https://evil.example/x\", \"click\")"},
	    {"=hyperlink(\"http\" & \"s://evil.example/x\") please", "=hyperlink(\"http\" & \"s://evil.example/x\")"},
	    {"Read \"http\"&\"s://evil.example/x\" now", "http\"&\"s://evil.example/x"},
	    {"See 'ht' + 'tps://evil.example.org/a' today", "ht' + 'tps://evil.example.org/a"},
	    {"Our report: hxxps://evil.example.org/r, page 3.", "hxxps://evil.example.org/r"},
	    {"Our report: hxxp[:]//evil[.]example[.]org/r", "hxxp[:]//evil[.]example[.]org/r"},
	    {"Our report is on evil[.]org.", "evil[.]org"},
	    {"Our report is on evil(dot)example(dot)com", "evil(dot)example(dot)com"},
	    {"Notre rapport : exemple (point) fr, page 3", "exemple (point) fr"},
	    {"Nuestro informe: ejemplo[punto]es", "ejemplo[punto]es"},
	    {"تقريرنا على evil [.] org", "evil [.] org"},
	    {"Go to https : // evil.example.org/x", "https : // evil.example.org/x"},
	    {"Go to http s://evil.example.org/x", "http s://evil.example.org/x"},
	    {"Go to www . evil . org", "www . evil . org"},
	    {"=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0"},
	    {"@SUM(1+1)*cmd|' /C calc'!A0", "@SUM(1+1)"},
	    {"+IMPORTXML(\"x\", \"//a\")", "+IMPORTXML(\"x\", \"//a\")"},
	    {"Question:\n=WEBSERVICE(\"u\")", "=WEBSERVICE(\"u\")"},
	    {"Is the cost =IMPORTDATA(\"u\") here?", "=IMPORTDATA(\"u\")"},
	    /* prose that must stay prose */
	    {"The end . It was long.", NULL},
	    {"See (dot) points and [.] marks.", NULL},
	    {"If cost = max(a, b) in Article 5, what then?", NULL},
	    {"- What about (a) and (b)?", NULL},
	    {"=1+1 is arithmetic, not a link", NULL},
	    {"He said \"yes\", \"no\" and \"maybe\".", NULL},
	    {"e.g. the U.N. treaty bodies, i.e. the committees.", NULL},
	    {"Article 6 . Article 7 . Article 8", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *text = cases[i].text;
		core_find f[CORE_SCRUB_MAX_FINDS];
		int n = core_scrub_find(text, strlen(text), NULL, CORE_LANG_EN, f, CORE_SCRUB_MAX_FINDS);
		int want = cases[i].link ? 1 : 0;
		bool ok = n == want &&
		          (!want || (f[0].kind == CORE_FIND_URL && f[0].end - f[0].start == strlen(cases[i].link) &&
		                     memcmp(text + f[0].start, cases[i].link, strlen(cases[i].link)) == 0));
		if (!ok)
			fprintf(stderr, "disguised link: %d findings (%s \"%.*s\") in: %s\n", n,
			        n > 0 ? core_find_kind_name(f[0].kind) : "-", n > 0 ? (int)(f[0].end - f[0].start) : 0,
			        n > 0 ? text + f[0].start : "", text);
		CHECK(ok);
	}
	expect_replaced_in(NULL, CORE_LANG_AR, "=HYPERLINK(\"http\"&\"s://evil.example/x\")", "[رابط]");
	expect_replaced_in(NULL, CORE_LANG_FR, "Voir evil[.]example[.]org svp", "Voir [lien] svp");
}

/* CHR-6: hints that a text may identify someone, for the moderators; never a finding. */
static void test_hints(void)
{
	static const struct {
		const char *text;
		const char *kinds; /* the hints' kinds, in order, comma-separated; "" for none */
	} cases[] = {
	    {"Ambassador Petrova of the Ruritanian delegation said so. I work at Access Now in Tunis.",
	     "self,title,capitals"},
	    {"As Ambassador Petrova said, what about Article 24?", "title"},
	    {"Dr. Amina Yusuf asked about encryption.", "title,capitals"},
	    {"Mrs Okafor and Mr. Smith disagreed.", "title,title"},
	    {"Could Prof Haddad clarify the data retention rules?", "title"},
	    {"I work for a small NGO; how do we report abuse?", "self"},
	    {"In my organisation we see many requests.", "self"},
	    {"My name is Lucy, what about Article 6?", "self"},
	    {"Yesterday Maria Lopez Garcia asked the same question.", "capitals"},
	    {"The question from Luis de la Fuente was not answered.", "capitals"},
	    {"As J. Smith wrote, the scope is too wide.", "capitals"},
	    /* fr */
	    {"Je travaille chez Access Now à Tunis : quelles garanties ?", "self,capitals"},
	    {"L'ambassadrice Dupont a posé la même question.", "title"},
	    {"M. Moreau et Mme Lefèvre ont parlé de l'article 24.", "title,title"},
	    {"La ministre Fatou Diallo a-t-elle répondu ?", "title,capitals"},
	    {"Je m’appelle Claire, et notre organisation suit le traité.", "self,self"},
	    {"Maître Benali a plaidé cette affaire.", "title"},
	    /* es */
	    {"Trabajo en Derechos Digitales: ¿qué pasará con el cifrado?", "self"},
	    {"La embajadora Rodríguez preguntó lo mismo.", "title"},
	    {"El Sr. Pérez y la Dra. Gómez no estaban de acuerdo.", "title,title"},
	    {"El licenciado Ramírez preguntó por el artículo 6.", "title"},
	    {"Mi organización trabaja con periodistas en Lima.", "self"},
	    /* ar */
	    {"قال السفير بتروفا إن المادة ٢٤ غامضة.", "title"},
	    {"أعمل في منظمة أكسس ناو في تونس، فما الضمانات؟", "self"},
	    {"وأعمل لدى جمعية حقوقية في عمّان.", "self"},
	    {"سألت الدكتورة سلمى عن التشفير.", "title"},
	    {"هل أجاب د. سمير عن سؤالي؟", "title"},
	    {"تحدثت السيدة ليلى عن حماية الصحفيين.", "title"},
	    {"منظمتي تتابع المفاوضات منذ ٢٠١٩.", "self"},
	    /* not identifying */
	    {"What did the Ad Hoc Committee decide in 2019?", ""},
	    {"How does the Budapest Convention compare with the United Nations treaty?", ""},
	    {"Will the Conference of States Parties meet in New York or Vienna?", ""},
	    {"The Human Rights Council and the General Assembly disagree.", ""},
	    {"The minister of justice said nothing about it.", ""},
	    {"Can the President of the Conference extend the session?", ""},
	    {"NGOs from Latin America and the Middle East were absent.", ""},
	    {"Quelle est la position de l'Union européenne sur l'article 24 ?", ""},
	    {"Le Comité spécial se réunira-t-il en janvier ?", ""},
	    {"¿Qué opina la Unión Europea del Comité Especial?", ""},
	    {"هل ناقش السيد الرئيس المادة ٢٤؟", ""},
	    {"قال الوزير في كلمته إن التعاون ضروري.", ""},
	    {"ما موقف الدول الأطراف من الأدلة الإلكترونية؟", ""},
	    {"Thanks. Article 24 is clear. Budapest is older.", ""},
	    {"5 M. de personnes sont concernées.", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *text = cases[i].text;
		core_hint h[CORE_SCRUB_MAX_HINTS];
		int n = core_scrub_hints(text, strlen(text), h, CORE_SCRUB_MAX_HINTS);
		char got[256] = "";
		for (int k = 0; k < n; k++)
			snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", k ? "," : "",
			         core_hint_kind_name(h[k].kind));
		if (strcmp(got, cases[i].kinds) != 0) {
			fprintf(stderr, "hints \"%s\", want \"%s\", in: %s\n", got, cases[i].kinds, text);
			for (int k = 0; k < n; k++)
				fprintf(stderr, "  %s \"%.*s\"\n", core_hint_kind_name(h[k].kind),
				        (int)(h[k].end - h[k].start), text + h[k].start);
		}
		CHECK_EQ_STR(got, cases[i].kinds);
		CHECK(core_scrub_may_identify(text, strlen(text)) == (cases[i].kinds[0] != '\0'));
	}
	/* The span of a hint, exactly. */
	const char *t = "I met Ambassador Petrova. I work at Access Now.";
	core_hint h[CORE_SCRUB_MAX_HINTS];
	int n = core_scrub_hints(t, strlen(t), h, CORE_SCRUB_MAX_HINTS);
	CHECK_EQ_INT(n, 3);
	if (n == 3) {
		CHECK_EQ_INT(h[0].kind, CORE_HINT_SELF);
		CHECK(h[0].end - h[0].start == strlen("I work at") && memcmp(t + h[0].start, "I work at", 9) == 0);
		CHECK(h[1].end - h[1].start == strlen("Ambassador Petrova") &&
		      memcmp(t + h[1].start, "Ambassador Petrova", h[1].end - h[1].start) == 0);
		CHECK(h[2].end - h[2].start == strlen("Access Now") &&
		      memcmp(t + h[2].start, "Access Now", h[2].end - h[2].start) == 0);
	}
	CHECK_EQ_INT(core_scrub_hints(t, strlen(t), h, 1), 1);
	CHECK_EQ_INT(core_scrub_hints("\xFF", 1, h, 1), -1);
	CHECK(!core_scrub_may_identify("", 0));
	CHECK(!core_scrub_may_identify("\xFF", 1));
}

/* The hints' false-positive rate on the clean corpus (questions a moderator need not look at),
 * and their reach on the labelled one (which holds real names). */
static void test_hints_rates(void)
{
	const char *files[2] = {"clean.json", "labelled.json"};
	int flagged[2] = {0, 0}, total[2] = {0, 0};
	for (int fi = 0; fi < 2; fi++) {
		json_t *root = load(files[fi]);
		if (!root)
			return;
		size_t i;
		json_t *q;
		json_array_foreach(json_object_get(root, "questions"), i, q)
		{
			const char *text = json_string_value(json_object_get(q, "text"));
			bool names = fi == 0;
			size_t j;
			json_t *sp;
			json_array_foreach(json_object_get(q, "spans"), j, sp)
			{
				names = names || strcmp(json_string_value(json_object_get(sp, "kind")), "name") == 0;
			}
			if (!names)
				continue;
			total[fi]++;
			if (core_scrub_may_identify(text, strlen(text))) {
				flagged[fi]++;
				if (fi == 0)
					fprintf(stderr, "clean question flagged: %s\n", text);
			}
		}
		json_decref(root);
	}
	printf("hints: %d of %d clean questions flagged (%.1f%%); %d of %d labelled questions with a name "
	       "flagged\n",
	       flagged[0], total[0], total[0] ? 100.0 * flagged[0] / total[0] : 0.0, flagged[1], total[1]);
	CHECK(total[0] >= 100);
	CHECK(flagged[0] * 100 <= total[0] * 3); /* at most 3% */
}

int main(void)
{
	test_labelled();
	test_clean();
	test_replace_and_limits();
	test_placeholders_by_language();
	test_disguised_links();
	test_hints();
	test_hints_rates();
	return check_done();
}
