/* denylist.c — the organisers' deny-list of names (CHR-6): names folded for matching (case,
 * accents, Arabic letter variants and harakat), kept in memory only, and found in a text with
 * the Arabic proclitics that may be written onto them. Not the other rules of the scrubber
 * (scrub.c) and not where the list comes from (the command line reads the file). */
#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>

#include "core.h"
#include "scrub.h"
#include "scrub_internal.h"

/* Folds one code point for matching: canonical decomposition down to its base, marks and
 * tatweel dropped (0), Arabic letter variants unified, lower case, white space to ' '. */
uint32_t core_scrub_fold(uint32_t c)
{
	if (is_space(c))
		return ' ';
	uint32_t d[UC_DECOMPOSITION_MAX_LENGTH];
	for (int guard = 0; guard < 4; guard++) {
		int n = uc_canonical_decomposition(c, d);
		if (n <= 0)
			break;
		c = d[0];
	}
	if (c == 0x0640 || uc_is_general_category(c, UC_CATEGORY_Mn))
		return 0; /* tatweel, harakat and other combining marks */
	switch (c) {
	case 0x0622: /* آ أ إ ٱ: alef forms */
	case 0x0623:
	case 0x0625:
	case 0x0671:
		return 0x0627;
	case 0x0629: /* ة ta marbuta */
		return 0x0647;
	case 0x0649: /* ى alef maqsura */
		return 0x064A;
	default:
		return uc_tolower(c);
	}
}

struct core_denylist {
	uint32_t *cp;     /* all names, folded, back to back */
	uint32_t *starts; /* name k is cp[starts[k] .. starts[k + 1]) */
	size_t n, cap, cpn, cpcap;
};

core_denylist *core_denylist_new(void)
{
	core_denylist *d = calloc(1, sizeof *d);
	if (d && !(d->starts = calloc(1, sizeof *d->starts))) {
		free(d);
		return NULL;
	}
	return d;
}

size_t core_denylist_count(const core_denylist *d)
{
	return d ? d->n : 0;
}

void core_denylist_free(core_denylist *d)
{
	if (!d)
		return;
	if (d->cp)
		memset(d->cp, 0, d->cpcap * sizeof *d->cp);
	free(d->cp);
	free(d->starts);
	free(d);
}

int core_denylist_add(core_denylist *d, const char *name, size_t len)
{
	uint32_t folded[CORE_DENY_NAME_MAX_CP];
	int n = 0, cpcount = 0;
	bool any = false;
	const unsigned char *p = (const unsigned char *)name;
	for (size_t i = 0; i < len;) {
		uint32_t c;
		size_t k = core_utf8_decode(p + i, len - i, &c);
		if (!k || ++cpcount > CORE_DENY_NAME_MAX_CP)
			return -1;
		i += k;
		uint32_t f = core_scrub_fold(c);
		if (!f || (f == ' ' && (n == 0 || folded[n - 1] == ' ')))
			continue;
		any = any || is_word(f);
		folded[n++] = f;
	}
	while (n && folded[n - 1] == ' ')
		n--;
	if (!any || !n)
		return -1;
	if (d->n + 2 > d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 16;
		uint32_t *ns = realloc(d->starts, (ncap + 1) * sizeof *ns);
		if (!ns)
			return -1;
		d->starts = ns;
		d->cap = ncap;
	}
	if (d->cpn + (size_t)n > d->cpcap) {
		size_t ncap = d->cpcap ? d->cpcap * 2 : 256;
		while (ncap < d->cpn + (size_t)n)
			ncap *= 2;
		uint32_t *nc = realloc(d->cp, ncap * sizeof *nc);
		if (!nc)
			return -1;
		d->cp = nc;
		d->cpcap = ncap;
	}
	memcpy(d->cp + d->cpn, folded, (size_t)n * sizeof *folded);
	d->starts[d->n] = (uint32_t)d->cpn;
	d->cpn += (size_t)n;
	d->n++;
	d->starts[d->n] = (uint32_t)d->cpn;
	return 0;
}

/* The text folded: f[k] came from code point src[k]; dropped code points leave no entry. */
typedef struct folded {
	uint32_t f[CORE_SCRUB_MAX_CP];
	int src[CORE_SCRUB_MAX_CP];
	int n;
} folded;

static bool is_arabic_letter(uint32_t c)
{
	return c >= 0x0620 && c <= 0x064A;
}

/* Arabic proclitics written onto a name: "and", "so", "by", "to", "like", "the" and their
 * combinations (folded: ال, وال, بال, لل, فال, كال, و, ف, ب, ل, ك). */
static bool proclitic(const uint32_t *s, int n)
{
	static const uint32_t forms[][3] = {
	    {0x0627, 0x0644, 0},      {0x0648, 0x0627, 0x0644}, {0x0628, 0x0627, 0x0644}, {0x0644, 0x0644, 0},
	    {0x0641, 0x0627, 0x0644}, {0x0643, 0x0627, 0x0644}, {0x0648, 0, 0},           {0x0641, 0, 0},
	    {0x0628, 0, 0},           {0x0644, 0, 0},           {0x0643, 0, 0},           {0x0648, 0x0628, 0},
	    {0x0648, 0x0644, 0},
	};
	for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
		int len = forms[k][2] ? 3 : forms[k][1] ? 2 : 1;
		if (len == n && memcmp(s, forms[k], (size_t)n * sizeof *s) == 0)
			return true;
	}
	return false;
}

void core_scrub_find_names(const cps *t, const core_denylist *d, spans *sp)
{
	if (!d || !d->n)
		return;
	static_assert(sizeof(folded) < 20000, "folded text fits the stack");
	folded ft;
	ft.n = 0;
	for (int i = 0; i < t->n; i++) {
		uint32_t f = core_scrub_fold(t->c[i]);
		if (!f || (f == ' ' && ft.n && ft.f[ft.n - 1] == ' '))
			continue;
		ft.f[ft.n] = f;
		ft.src[ft.n++] = i;
	}
	for (size_t k = 0; k < d->n; k++) {
		const uint32_t *name = d->cp + d->starts[k];
		int len = (int)(d->starts[k + 1] - d->starts[k]);
		if (len < 1)
			continue; /* core_denylist_add keeps no empty name; this says so to the reader */
		for (int p = 0; p + len <= ft.n; p++) {
			if (memcmp(ft.f + p, name, (size_t)len * sizeof *name) != 0)
				continue;
			if (p + len < ft.n && is_word(ft.f[p + len]))
				continue;
			if (p > 0 && is_word(ft.f[p - 1])) {
				/* Only an Arabic proclitic may be written onto the name. */
				int w = p;
				while (w > 0 && is_word(ft.f[w - 1]))
					w--;
				if (!is_arabic_letter(name[0]) || p - w > 3 || !proclitic(ft.f + w, p - w))
					continue;
			}
			/* The span ends after the marks on its last letter. */
			int end = p + len < ft.n ? ft.src[p + len] : t->n;
			while (end > ft.src[p + len - 1] + 1 && is_space(t->c[end - 1]))
				end--;
			add(sp, CORE_FIND_NAME, ft.src[p], end);
		}
	}
}
