/* scrub.h — finds identifying detail in a text before it is stored (CHR-6): e-mail addresses,
 * links, social-media handles, phone numbers (Latin, Arabic-Indic and Extended Arabic-Indic
 * digits) and names on the organiser's deny-list, and puts placeholders in their place.
 * Pure: no I/O, no clock. Finding never allocates; only building a deny-list does.
 * It decides nothing about what happens next: the core refuses or stores with placeholders. */
#ifndef RT_SCRUB_H
#define RT_SCRUB_H

#include <stddef.h>
#include <stdint.h>

/* Printed in every export's privacy manifest (EX-5): bump it whenever a rule changes. */
#define CORE_SCRUB_VERSION "scrub-1"

/* The longest text scrubbed: a rapporteur's note (CORE_NOTE_MAX_CP in core.h). */
#define CORE_SCRUB_MAX_CP 2000
#define CORE_SCRUB_MAX_BYTES (CORE_SCRUB_MAX_CP * 4)
/* A deny-listed name, in code points. */
#define CORE_DENY_NAME_MAX_CP 100

typedef enum core_find_kind {
	CORE_FIND_EMAIL,
	CORE_FIND_URL,
	CORE_FIND_HANDLE,
	CORE_FIND_PHONE,
	CORE_FIND_NAME,
	CORE_FIND_KIND_COUNT
} core_find_kind;

/* One finding: bytes [start, end) of the text. */
typedef struct core_find {
	core_find_kind kind;
	uint32_t start, end;
} core_find;

#define CORE_SCRUB_MAX_FINDS 32

/* The organiser's deny-list: names, folded once (case, diacritics, Arabic letter variants). */
typedef struct core_denylist core_denylist;

/* An empty deny-list, or NULL when out of memory. Free with core_denylist_free. */
core_denylist *core_denylist_new(void);
/* Adds one name (UTF-8, any case or accents; words separated by white space). 0, or -1 for
 * invalid UTF-8, a name with no letter or digit, one over CORE_DENY_NAME_MAX_CP code points, or
 * no memory. */
int core_denylist_add(core_denylist *d, const char *name, size_t len);
/* How many names it holds. */
size_t core_denylist_count(const core_denylist *d);
/* Frees it (NULL is fine), overwriting the names first. */
void core_denylist_free(core_denylist *d);

/* Finds identifying spans in valid UTF-8 text (deny may be NULL). Writes at most `max`
 * findings into out, sorted by start and not overlapping (of two overlapping findings the
 * longer stays; on a tie, the kind listed first in core_find_kind). Returns how many, or -1
 * when the text is not valid UTF-8 or longer than CORE_SCRUB_MAX_CP code points. */
int core_scrub_find(const char *text, size_t len, const core_denylist *deny, core_find *out, int max);

/* Writes text with each finding replaced by its placeholder, and a NUL, into out. Returns the
 * new length, or -1 when it does not fit in cap. The findings must be as core_scrub_find
 * returns them. */
long core_scrub_replace(const char *text, size_t len, const core_find *f, int n, char *out, size_t cap);

const char *core_find_kind_name(core_find_kind k);   /* "email" "url" "handle" "phone" "name" */
const char *core_find_placeholder(core_find_kind k); /* "[email]" "[link]" "[handle]" "[phone]" "[name]" */

#endif
