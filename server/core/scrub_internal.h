/* scrub_internal.h — what the identifying-detail scrubber's files share (scrub.c finds
 * addresses, links, handles and phone numbers; denylist.c finds the organisers' names; hints.c
 * finds name-like text for the moderators): the text as code points, folding, and the spans
 * found in it. Included by those files only. */
#ifndef RT_SCRUB_INTERNAL_H
#define RT_SCRUB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <unictype.h>

#include "scrub.h"

/* A text as code points, with each one's byte offset (off[n] is the length). */
typedef struct cps {
	uint32_t c[CORE_SCRUB_MAX_CP + 1];
	uint32_t off[CORE_SCRUB_MAX_CP + 2];
	int n;
} cps;

static inline uint32_t at(const cps *t, int i)
{
	return i >= 0 && i < t->n ? t->c[i] : 0;
}

static inline bool is_word(uint32_t c)
{
	return c && (uc_is_alpha(c) || uc_is_digit(c) || uc_is_general_category(c, UC_CATEGORY_Mn));
}

static inline bool is_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == 0x00A0 || c == 0x202F || c == 0x2009 || c == 0x3000;
}

typedef struct span {
	core_find_kind kind;
	int start, end; /* code points */
} span;

#define MAX_SPANS 128

typedef struct spans {
	span s[MAX_SPANS];
	int n;
} spans;

static inline void add(spans *sp, core_find_kind kind, int start, int end)
{
	if (end > start && sp->n < MAX_SPANS)
		sp->s[sp->n++] = (span){kind, start, end};
}

/* Decodes valid UTF-8 into t: 0, or -1 for invalid UTF-8 or over CORE_SCRUB_MAX_CP code points. */
int core_scrub_decode(const char *text, size_t len, cps *t);
/* Folds one code point for matching (denylist.c): case, marks (0: dropped), Arabic letter
 * variants, white space to ' '. */
uint32_t core_scrub_fold(uint32_t c);

/* Marks every name of the deny-list d (NULL or empty: none) found in t. */
void core_scrub_find_names(const cps *t, const core_denylist *d, spans *sp);

#endif
