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
		int n = core_scrub_find(text, strlen(text), deny, f, CORE_SCRUB_MAX_FINDS);
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
		core_find f[CORE_SCRUB_MAX_FINDS];
		int n = core_scrub_find(text, strlen(text), deny, f, CORE_SCRUB_MAX_FINDS);
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

static void expect_replaced(const core_denylist *deny, const char *in, const char *want)
{
	core_find f[CORE_SCRUB_MAX_FINDS];
	int n = core_scrub_find(in, strlen(in), deny, f, CORE_SCRUB_MAX_FINDS);
	char out[1024];
	long len = core_scrub_replace(in, strlen(in), f, n, out, sizeof out);
	CHECK(len >= 0);
	CHECK_EQ_STR(len >= 0 ? out : "", want);
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
	CHECK_EQ_INT(core_scrub_find(mail, strlen(mail), NULL, f, CORE_SCRUB_MAX_FINDS), 1);
	CHECK_EQ_INT(f[0].kind, CORE_FIND_EMAIL);
	/* At most `max` findings. */
	const char *many = "a@b.org c@d.org e@f.org g@h.org";
	CHECK_EQ_INT(core_scrub_find(many, strlen(many), NULL, f, 2), 2);
	/* Invalid UTF-8 and over-long text are refused. */
	CHECK_EQ_INT(core_scrub_find("\xFF", 1, NULL, f, CORE_SCRUB_MAX_FINDS), -1);
	static char big[CORE_SCRUB_MAX_BYTES + 2];
	memset(big, 'a', CORE_SCRUB_MAX_CP + 1);
	CHECK_EQ_INT(core_scrub_find(big, CORE_SCRUB_MAX_CP + 1, NULL, f, CORE_SCRUB_MAX_FINDS), -1);
	CHECK(core_scrub_find(big, CORE_SCRUB_MAX_CP, NULL, f, CORE_SCRUB_MAX_FINDS) == 0);
	/* A placeholder that does not fit is an error, not a truncation. */
	char small[8];
	int n = core_scrub_find(mail, strlen(mail), NULL, f, CORE_SCRUB_MAX_FINDS);
	CHECK_EQ_INT(core_scrub_replace(mail, strlen(mail), f, n, small, 7), -1);
	CHECK_EQ_INT(core_scrub_replace(mail, strlen(mail), f, n, small, 8), 7);
	core_denylist_free(deny);
}

int main(void)
{
	test_labelled();
	test_clean();
	test_replace_and_limits();
	return check_done();
}
