/* scrub.c — the identifying-detail scrubber (CHR-6). Works on code points: the text is decoded
 * once into a fixed array, each rule marks spans, overlaps are resolved, spans go back to bytes.
 * Precision matters as much as recall here: questions about a treaty are full of numbers
 * (Article 24, A/RES/74/247, 2019–2021, 1 000 000), and none of those is a phone number.
 * Pure: libunistring supplies Unicode tables; nothing here allocates. The names on the
 * organisers' deny-list are matched in denylist.c. */
#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <unictype.h>

#include "core.h"
#include "scrub.h"
#include "scrub_internal.h"

static const char *const kind_names[CORE_FIND_KIND_COUNT] = {"email", "url", "handle", "phone", "name"};
/* CHR-6: the placeholders in the text's own language, so that an Arabic question reads as Arabic. */
static const char *const placeholders[CORE_LANG_COUNT][CORE_FIND_KIND_COUNT] = {
    [CORE_LANG_EN] = {"[email]", "[link]", "[handle]", "[phone]", "[name]"},
    [CORE_LANG_AR] = {"[بريد إلكتروني]", "[رابط]", "[حساب]", "[هاتف]", "[اسم]"},
    [CORE_LANG_FR] = {"[courriel]", "[lien]", "[compte]", "[téléphone]", "[nom]"},
    [CORE_LANG_ES] = {"[correo]", "[enlace]", "[cuenta]", "[teléfono]", "[nombre]"},
};

const char *core_find_kind_name(core_find_kind k)
{
	return (unsigned)k < CORE_FIND_KIND_COUNT ? kind_names[k] : "?";
}

const char *core_find_placeholder(core_find_kind k, int lang)
{
	if ((unsigned)lang >= CORE_LANG_COUNT)
		lang = CORE_LANG_EN;
	return (unsigned)k < CORE_FIND_KIND_COUNT ? placeholders[lang][k] : "[?]";
}

/* --- code points ------------------------------------------------------------------------- */

int core_scrub_decode(const char *text, size_t len, cps *t)
{
	const unsigned char *p = (const unsigned char *)text;
	t->n = 0;
	for (size_t i = 0; i < len;) {
		if (t->n >= CORE_SCRUB_MAX_CP)
			return -1;
		uint32_t cp;
		size_t k = core_utf8_decode(p + i, len - i, &cp);
		if (!k)
			return -1;
		t->off[t->n] = (uint32_t)i;
		t->c[t->n++] = cp;
		i += k;
	}
	t->off[t->n] = (uint32_t)len;
	return 0;
}

static bool is_ascii_alnum(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* 0..9 for a Latin, Arabic-Indic or Extended Arabic-Indic digit, else -1. */
static int digit(uint32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 0x0660 && c <= 0x0669)
		return (int)(c - 0x0660);
	if (c >= 0x06F0 && c <= 0x06F9)
		return (int)(c - 0x06F0);
	return -1;
}

/* --- e-mail addresses, links, handles ---------------------------------------------------- */

static bool local_char(uint32_t c)
{
	return is_ascii_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static bool label_char(uint32_t c)
{
	return is_ascii_alnum(c) || c == '-';
}

/* The end of a domain name starting at i (labels joined by dots, the last of 2+ letters), or
 * -1. *tld_start receives where the last label starts. */
static int domain_end(const cps *t, int i, int *tld_start)
{
	int labels = 0, last = -1, j = i;
	for (;;) {
		int k = j;
		while (label_char(at(t, k)))
			k++;
		if (k == j)
			break;
		labels++;
		last = j;
		j = k;
		if (at(t, j) == '.' && label_char(at(t, j + 1)))
			j++;
		else
			break;
	}
	if (labels < 2)
		return -1;
	for (int k = last; k < j; k++)
		if (!((t->c[k] >= 'a' && t->c[k] <= 'z') || (t->c[k] >= 'A' && t->c[k] <= 'Z')))
			return -1;
	if (j - last < 2)
		return -1;
	*tld_start = last;
	return j;
}

static void find_emails(const cps *t, spans *sp)
{
	for (int i = 1; i < t->n; i++) {
		if (t->c[i] != '@' || !local_char(at(t, i - 1)))
			continue;
		int s = i;
		while (s > 0 && local_char(at(t, s - 1)))
			s--;
		while (s < i && at(t, s) == '.')
			s++;
		int tld, e = domain_end(t, i + 1, &tld);
		if (s < i && e > 0)
			add(sp, CORE_FIND_EMAIL, s, e);
	}
}

/* Whether t at i starts with the ASCII string s, in any case. */
static bool starts_ci(const cps *t, int i, const char *s)
{
	for (int k = 0; s[k]; k++) {
		uint32_t c = at(t, i + k);
		if (c >= 'A' && c <= 'Z')
			c += 32;
		if (c != (uint32_t)(unsigned char)s[k])
			return false;
	}
	return true;
}

/* Punctuation that ends a sentence or a bracket rather than a link (Arabic comma, question
 * mark and full stop included). */
static bool trailing_punct(uint32_t c)
{
	return (c < 128 && c && strchr(".,;:!?)]}'", (int)c)) || c == 0x060C || c == 0x061F || c == 0x06D4;
}

/* A link runs to white space or a bracket that cannot be part of it; trailing punctuation is
 * the sentence's, not the link's. */
static int url_end(const cps *t, int i)
{
	int e = i;
	while (e < t->n && !is_space(t->c[e]) && t->c[e] != '<' && t->c[e] != '>' && t->c[e] != '"' &&
	       t->c[e] != 0x00AB && t->c[e] != 0x00BB && t->c[e] != 0x201C && t->c[e] != 0x201D)
		e++;
	while (e > i && trailing_punct(t->c[e - 1]))
		e--;
	return e;
}

/* Country and generic top-level domains a bare "name.tld" must end in to count as a link. */
static const char *const tlds[] = {
    "com", "org", "net", "int", "edu", "gov", "info", "io", "co", "me", "app",    "dev",  "ngo",  "news", "uk",
    "fr",  "es",  "de",  "ch",  "be",  "nl",  "it",   "pt", "ma", "eg", "sa",     "ae",   "jo",   "lb",   "tn",
    "dz",  "qa",  "kw",  "om",  "bh",  "iq",  "sy",   "ye", "ly", "sd", "mr",     "ps",   "ng",   "ke",   "za",
    "in",  "pk",  "bd",  "br",  "mx",  "ar",  "cl",   "pe", "ca", "us", "au",     "eu",   "ru",   "cn",   "jp",
    "tr",  "ir",  "sn",  "ci",  "cm",  "gh",  "rw",   "et", "tz", "ug", "ly",     "at",   "se",   "no",   "dk",
    "fi",  "pl",  "ie",  "gr",  "ro",  "hu",  "cz",   "ua", "ve", "bo", "ec",     "py",   "uy",   "cr",   "gt",
    "do",  "cu",  "ph",  "id",  "my",  "sg",  "th",   "vn", "kr", "nz", "online", "site", "blog", "tv",   NULL};

static bool known_tld(const cps *t, int s, int e)
{
	for (int k = 0; tlds[k]; k++) {
		size_t n = strlen(tlds[k]);
		if ((int)n != e - s)
			continue;
		bool same = true;
		for (int j = 0; j < e - s && same; j++)
			same = t->c[s + j] ==
			       (uint32_t)(unsigned char)tlds[k][j]; /* lower case only: "treaty.It" is prose */
		if (same)
			return true;
	}
	return false;
}

static void find_urls(const cps *t, spans *sp)
{
	for (int i = 0; i < t->n; i++) {
		if (i > 0 &&
		    (is_ascii_alnum(t->c[i - 1]) || t->c[i - 1] == '@' || t->c[i - 1] == '.' || t->c[i - 1] == '/'))
			continue;
		if (starts_ci(t, i, "http://") || starts_ci(t, i, "https://") || starts_ci(t, i, "www.")) {
			int e = url_end(t, i);
			add(sp, CORE_FIND_URL, i, e);
			i = e;
			continue;
		}
		int tld, e = domain_end(t, i, &tld);
		if (e < 0 || at(t, e) == '@' || !known_tld(t, tld, e))
			continue;
		if (at(t, e) == '/')
			e = url_end(t, e);
		add(sp, CORE_FIND_URL, i, e);
		i = e;
	}
}

static void find_handles(const cps *t, spans *sp)
{
	for (int i = 0; i < t->n; i++) {
		if (t->c[i] != '@' || is_word(at(t, i - 1)))
			continue;
		int e = i + 1;
		while (is_ascii_alnum(at(t, e)) || at(t, e) == '_' || at(t, e) == '.')
			e++;
		while (e > i + 1 && t->c[e - 1] == '.')
			e--;
		if (e - i - 1 >= 2)
			add(sp, CORE_FIND_HANDLE, i, e);
	}
}

/* --- disguised links and spreadsheet formulas -------------------------------------------- */

/* The text with the disguises of links taken off ("hxxp", "[.]", "(dot)", a scheme split by
 * spaces, strings concatenated with & + or a comma), so that find_urls can read it. View code
 * point k came from t's code points [src[k], srcend[k]); how[k] says whether it was rewritten. */
enum { HOW_AS_IS, HOW_UNDONE, HOW_SPACED };
typedef struct view {
	cps v;
	int16_t src[CORE_SCRUB_MAX_CP + 1];
	int16_t srcend[CORE_SCRUB_MAX_CP + 1];
	uint8_t how[CORE_SCRUB_MAX_CP + 1];
} view;

static void put(view *w, uint32_t c, int from, int to, uint8_t how)
{
	int k = w->v.n++;
	w->v.c[k] = c;
	w->src[k] = (int16_t)from;
	w->srcend[k] = (int16_t)to;
	w->how[k] = how;
}

static int skip_spaces(const cps *t, int i)
{
	while (is_space(at(t, i)) && at(t, i) != '\n')
		i++;
	return i;
}

/* A disguised scheme at i ("hxxps://", "http s : //", "h**p[:]//"): where it ends and whether
 * it has the s, or -1. */
static int disguised_scheme(const cps *t, int i, bool *secure)
{
	if ((at(t, i) | 32) != 'h')
		return -1;
	for (int k = 1; k <= 2; k++) {
		uint32_t c = at(t, i + k) | 32;
		if (c != 't' && c != 'x' && at(t, i + k) != '*')
			return -1;
	}
	if ((at(t, i + 3) | 32) != 'p')
		return -1;
	int j = skip_spaces(t, i + 4);
	*secure = (at(t, j) | 32) == 's';
	if (*secure)
		j = skip_spaces(t, j + 1);
	if (at(t, j) == ':')
		j++;
	else if ((at(t, j) == '[' || at(t, j) == '(') && at(t, j + 1) == ':' &&
	         (at(t, j + 2) == ']' || at(t, j + 2) == ')'))
		j += 3;
	else
		return -1;
	j = skip_spaces(t, j);
	if (at(t, j) != '/')
		return -1;
	j = skip_spaces(t, j + 1);
	if (at(t, j) != '/')
		return -1;
	int k = skip_spaces(t, j + 1);
	return label_char(at(t, k)) ? k : j + 1;
}

/* A disguised dot at i: "[.]", "(.)", "{.}", "[dot]", "(dot)", "(point)", "(punto)" and the like,
 * with spaces around it; where it ends, or -1. */
static int disguised_dot(const cps *t, int i)
{
	static const char *const words[] = {".", "dot", "point", "punto", NULL};
	int j = skip_spaces(t, i);
	uint32_t open = at(t, j), close = open == '[' ? ']' : open == '(' ? ')' : open == '{' ? '}' : 0;
	if (!close)
		return -1;
	for (int k = 0; words[k]; k++)
		if (starts_ci(t, j + 1, words[k]) && at(t, j + 1 + (int)strlen(words[k])) == close)
			return skip_spaces(t, j + 2 + (int)strlen(words[k]));
	return -1;
}

static bool is_quote(uint32_t c)
{
	return c == '"' || c == '\'';
}

/* Builds the view; false when nothing was disguised. */
static bool undisguise(const cps *t, view *w)
{
	bool any = false;
	w->v.n = 0;
	for (int i = 0; i < t->n;) {
		bool secure;
		int e;
		uint32_t prev = w->v.n ? w->v.c[w->v.n - 1] : 0;
		if (!is_ascii_alnum(prev) && (e = disguised_scheme(t, i, &secure)) > 0) {
			const char *plain = secure ? "https://" : "http://";
			bool same = e - i == (int)strlen(plain) && starts_ci(t, i, plain);
			for (int k = 0; plain[k]; k++)
				put(w, (uint32_t)plain[k], i, e, same ? HOW_AS_IS : HOW_UNDONE);
			any = any || !same;
			i = e;
			continue;
		}
		if (label_char(prev) && (e = disguised_dot(t, i)) > 0 && label_char(at(t, e))) {
			put(w, '.', i, e, HOW_UNDONE);
			any = true;
			i = e;
			continue;
		}
		/* "example . org", "example. org" */
		int j = skip_spaces(t, i);
		if (label_char(prev) && at(t, j) == '.' && (j > i || is_space(at(t, j + 1)))) {
			e = skip_spaces(t, j + 1);
			if (label_char(at(t, e))) {
				put(w, '.', i, e, HOW_SPACED);
				any = true;
				i = e;
				continue;
			}
		}
		/* "http"&"s://", 'ht' + 'tp://', "http","s://" */
		if (is_quote(t->c[i]) && prev && !is_space(prev)) {
			j = skip_spaces(t, i + 1);
			uint32_t op = at(t, j);
			e = skip_spaces(t, j + 1);
			if ((op == '&' || op == '+' || op == ',') && is_quote(at(t, e))) {
				any = true;
				i = e + 1;
				if (i < t->n) {
					put(w, t->c[i], e, i + 1, HOW_UNDONE);
					i++;
				}
				continue;
			}
		}
		put(w, t->c[i], i, i + 1, HOW_AS_IS);
		i++;
	}
	return any;
}

/* Links that only show once their disguise is off. A link whose only disguise is a spaced dot
 * ("the end . It") must also have a scheme or www, or prose would be read as links. */
static void find_disguised_urls(const cps *t, spans *sp)
{
	static_assert(sizeof(view) < 30000, "the view fits the stack");
	view w;
	if (!undisguise(t, &w))
		return;
	spans found;
	found.n = 0;
	find_urls(&w.v, &found);
	for (int k = 0; k < found.n; k++) {
		const span *s = &found.s[k];
		bool undone = false, spaced = false;
		for (int j = s->start; j < s->end; j++) {
			undone = undone || w.how[j] == HOW_UNDONE;
			spaced = spaced || w.how[j] == HOW_SPACED;
		}
		if (!undone && !spaced)
			continue; /* find_urls found it in the text itself */
		if (spaced && !undone && !starts_ci(&w.v, s->start, "http") && !starts_ci(&w.v, s->start, "www."))
			continue;
		add(sp, CORE_FIND_URL, w.src[s->start], w.srcend[s->end - 1]);
	}
}

/* Functions that reach out of a spreadsheet wherever they stand in a cell. */
static const char *const reaching[] = {"hyperlink",   "importxml",  "importdata", "importhtml", "importfeed",
                                       "importrange", "webservice", "image",      "dde",        NULL};

/* A spreadsheet formula: at the start of the text or of a line, = + - or @ before a function
 * call ("=SUM(", "@IF(") or a DDE link ("=cmd|"); elsewhere, = before a function that reaches
 * out (=HYPERLINK(, =IMPORTXML(). From its sign to its closing bracket, or to the line's end. */
static void find_formulas(const cps *t, spans *sp)
{
	for (int i = 0; i < t->n; i++) {
		uint32_t c = t->c[i];
		if (c != '=' && c != '+' && c != '-' && c != '@')
			continue;
		int b = i - 1;
		while (b >= 0 && is_space(t->c[b]) && t->c[b] != '\n')
			b--;
		bool line_start = b < 0 || t->c[b] == '\n' || is_quote(t->c[b]);
		if (!line_start && (c != '=' || is_word(at(t, i - 1))))
			continue;
		int j = c == '=' || c == '@' ? skip_spaces(t, i + 1) : i + 1, name = j;
		if (!((at(t, j) | 32) >= 'a' && (at(t, j) | 32) <= 'z'))
			continue;
		while (is_ascii_alnum(at(t, j)) || at(t, j) == '.' || at(t, j) == '_')
			j++;
		uint32_t call = at(t, j);
		if (j - name < 2 || (call != '(' && call != '|'))
			continue;
		if (!line_start) {
			bool known = false;
			for (int k = 0; reaching[k] && !known; k++)
				known = (int)strlen(reaching[k]) == j - name && starts_ci(t, name, reaching[k]);
			if (!known && call != '|')
				continue;
		}
		int e = j + 1, depth = call == '(' ? 1 : 0;
		uint32_t quote = 0;
		while (e < t->n && t->c[e] != '\n') {
			uint32_t d = t->c[e++];
			if (quote) {
				quote = d == quote ? 0 : quote;
			} else if (d == '"') {
				quote = d;
			} else if (d == '(') {
				depth++;
			} else if (d == ')' && depth && --depth == 0) {
				break;
			}
		}
		while (e > j && is_space(t->c[e - 1]))
			e--;
		add(sp, CORE_FIND_URL, i, e);
		i = e - 1;
	}
}

/* --- phone numbers ----------------------------------------------------------------------- */

#define MAX_GROUPS 8

typedef struct number {
	int start, end; /* code points, the whole candidate */
	int ngroups;
	int len[MAX_GROUPS];      /* digits in each group */
	int value[MAX_GROUPS];    /* each group's value, when it has at most 4 digits */
	int first_digit;          /* of the first group */
	uint32_t sep[MAX_GROUPS]; /* the punctuation before group k (0: white space only) */
	int digits;
	bool plus; /* a leading '+', or "00" */
} number;

static bool sep_char(uint32_t c)
{
	return is_space(c) || c == '-' || c == '.' || c == '/' || c == '(' || c == ')' || c == 0x2010 || c == 0x2011 ||
	       c == 0x2013;
}

/* Reads digit groups from i: groups joined by 1..3 separator characters, at most one of them
 * punctuation other than brackets. Returns the index after the last digit. */
static int read_number(const cps *t, int i, number *nb)
{
	memset(nb, 0, sizeof *nb);
	nb->start = i;
	int j = i;
	if (at(t, j) == '+') {
		nb->plus = true;
		j++;
	} else if (at(t, j) == '(') {
		j++;
	}
	int end = j;
	while (nb->ngroups < MAX_GROUPS && digit(at(t, j)) >= 0) {
		int g = nb->ngroups++, v = 0, n = 0;
		if (g == 0)
			nb->first_digit = digit(at(t, j));
		while (digit(at(t, j)) >= 0) {
			if (n < 5)
				v = v * 10 + digit(at(t, j));
			n++, j++;
		}
		nb->len[g] = n;
		nb->value[g] = n <= 4 ? v : -1;
		nb->digits += n;
		end = j;
		/* a separator run, then the next group */
		int k = j, punct = 0;
		uint32_t p = 0;
		while (k - j < 3 && sep_char(at(t, k))) {
			uint32_t c = at(t, k);
			if (c != '(' && c != ')' && !is_space(c)) {
				punct++;
				p = c;
			}
			k++;
		}
		if (k == j || punct > 1 || digit(at(t, k)) < 0 || nb->ngroups == MAX_GROUPS)
			break;
		nb->sep[nb->ngroups] = p;
		j = k;
	}
	if (at(t, end) == ')')
		end++;
	nb->end = end;
	if (!nb->plus && nb->ngroups && nb->len[0] >= 2 && nb->first_digit == 0 && at(t, i) != '(' &&
	    digit(at(t, i + 1)) == 0)
		nb->plus = true; /* "00 44 …": the international prefix */
	return end;
}

static bool same_seps(const number *nb, bool allow_space)
{
	for (int g = 2; g < nb->ngroups; g++)
		if (nb->sep[g] != nb->sep[1])
			return false;
	return allow_space || nb->sep[1] != 0;
}

/* The rules that tell a phone number from the other numbers of a consultation's questions. */
static bool is_phone(const cps *t, const number *nb)
{
	if (nb->digits < 7 || nb->digits > 15)
		return false;
	/* Part of a document symbol or a word: A/RES/74/247, E/CN.15/2019/L.1, 5G, 24th. */
	uint32_t before = at(t, nb->start - 1), after = at(t, nb->end);
	if (before == '/' || before == '.' || before == '-' || is_word(before) || is_word(after))
		return false;
	if (after == '/' || (after == '.' && digit(at(t, nb->end + 1)) >= 0) || after == '%')
		return false;
	const int n = nb->ngroups;
	if (n == 1)
		return nb->plus || nb->digits >= 9 || (nb->first_digit == 0 && nb->digits >= 7);
	if (nb->plus)
		return true;
	/* Dates: 2021-09-15, 15/09/2021, 15.09.21 */
	if (n == 3 && same_seps(nb, false) && nb->sep[1] != '(' &&
	    ((nb->len[0] == 4 && nb->len[1] <= 2 && nb->len[2] <= 2) ||
	     (nb->len[0] <= 2 && nb->len[1] <= 2 && (nb->len[2] == 2 || nb->len[2] == 4))))
		return false;
	/* Year ranges: 2019-2021, 2019/2020 */
	if (n == 2 && nb->len[0] == 4 && nb->len[1] == 4 && nb->value[0] >= 1900 && nb->value[0] <= 2099 &&
	    nb->value[1] >= 1900 && nb->value[1] <= 2099)
		return false;
	/* Thousands: 1 000 000, 10.000.000 */
	bool thousands =
	    nb->len[0] <= 3 && nb->first_digit != 0 && same_seps(nb, true) && (nb->sep[1] == 0 || nb->sep[1] == '.');
	for (int g = 1; g < n && thousands; g++)
		thousands = nb->len[g] == 3;
	return !thousands;
}

static void find_phones(const cps *t, spans *sp)
{
	for (int i = 0; i < t->n; i++) {
		uint32_t c = t->c[i];
		bool starts = digit(c) >= 0 || ((c == '+' || c == '(') && digit(at(t, i + 1)) >= 0);
		if (!starts || digit(at(t, i - 1)) >= 0)
			continue;
		number nb;
		int e = read_number(t, i, &nb);
		if (is_phone(t, &nb))
			add(sp, CORE_FIND_PHONE, i, nb.end);
		i = e > i ? e - 1 : i;
	}
}

/* --- together ---------------------------------------------------------------------------- */

static int compare_spans(const void *pa, const void *pb)
{
	const span *a = pa, *b = pb;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1;
	return (int)a->kind - (int)b->kind;
}

int core_scrub_find(const char *text, size_t len, const core_denylist *deny, int lang, core_find *out, int max)
{
	static_assert(sizeof(cps) < 20000, "the decoded text fits the stack");
	cps t;
	spans sp;
	if (len > CORE_SCRUB_MAX_BYTES || core_scrub_decode(text, len, &t))
		return -1;
	sp.n = 0;
	find_emails(&t, &sp);
	find_urls(&t, &sp);
	find_disguised_urls(&t, &sp);
	find_formulas(&t, &sp);
	find_handles(&t, &sp);
	find_phones(&t, &sp);
	core_scrub_find_names(&t, deny, &sp);
	qsort(sp.s, (size_t)sp.n, sizeof *sp.s, compare_spans);
	int n = 0, last_end = -1;
	for (int i = 0; i < sp.n; i++) {
		const span *s = &sp.s[i];
		if (s->start < last_end) {
			/* Overlaps the one kept before it: keep the longer (ties: the earlier kind). */
			span *prev = &sp.s[n - 1];
			if (s->end - s->start > prev->end - prev->start) {
				*prev = *s;
				last_end = s->end;
			}
			continue;
		}
		sp.s[n++] = *s;
		last_end = s->end;
	}
	int w = 0;
	for (int i = 0; i < n && w < max; i++) {
		/* merging may leave a later span overlapping a longer replacement: drop it */
		if (w && out[w - 1].end > t.off[sp.s[i].start])
			continue;
		out[w].kind = sp.s[i].kind;
		out[w].start = t.off[sp.s[i].start];
		out[w].end = t.off[sp.s[i].end];
		out[w].lang = (unsigned)lang < CORE_LANG_COUNT ? (uint8_t)lang : CORE_LANG_EN;
		w++;
	}
	return w;
}

long core_scrub_replace(const char *text, size_t len, const core_find *f, int n, char *out, size_t cap)
{
	size_t o = 0, pos = 0;
	for (int i = 0; i <= n; i++) {
		size_t upto = i < n ? f[i].start : len;
		if (upto < pos || upto > len)
			return -1;
		size_t chunk = upto - pos;
		if (o + chunk + 1 > cap)
			return -1;
		memcpy(out + o, text + pos, chunk);
		o += chunk;
		if (i == n)
			break;
		const char *ph = core_find_placeholder(f[i].kind, f[i].lang);
		size_t pl = strlen(ph);
		if (o + pl + 1 > cap)
			return -1;
		memcpy(out + o, ph, pl);
		o += pl;
		pos = f[i].end;
	}
	out[o] = '\0';
	return (long)o;
}
