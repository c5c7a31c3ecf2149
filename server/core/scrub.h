/* scrub.h — finds identifying detail in a text before it is stored (CHR-6): e-mail addresses,
 * links, social-media handles, phone numbers (Latin, Arabic-Indic and Extended Arabic-Indic
 * digits) and names on the organiser's deny-list, and puts placeholders in their place.
 * Pure: no I/O, no clock. Finding never allocates; only building a deny-list does.
 * It decides nothing about what happens next: the core refuses or stores with placeholders. */
#ifndef RT_SCRUB_H
#define RT_SCRUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Printed in every export's privacy manifest (EX-5): bump it whenever a rule changes. */
#define CORE_SCRUB_VERSION "scrub-2"

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

/* One finding: bytes [start, end) of the text, and the language its placeholder is written in
 * (a core_lang: the text's). */
typedef struct core_find {
	core_find_kind kind;
	uint32_t start, end;
	uint8_t lang;
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

/* Finds identifying spans in valid UTF-8 text (deny may be NULL) written in `lang` (a
 * core_lang; out of range: English), the language of the placeholders. Writes at most `max`
 * findings into out, sorted by start and not overlapping (of two overlapping findings the
 * longer stays; on a tie, the kind listed first in core_find_kind). Returns how many, or -1
 * when the text is not valid UTF-8 or longer than CORE_SCRUB_MAX_CP code points.
 * Links are found written plainly and obfuscated: "hxxp://", "example[.]org", "example(dot)org",
 * a scheme split by spaces or by string concatenation ("http"&"s://…"), and a spreadsheet
 * formula (=HYPERLINK(…), =cmd|…, a leading = + - @ before a function call) counts as a link
 * from its sign to its closing bracket. */
int core_scrub_find(const char *text, size_t len, const core_denylist *deny, int lang, core_find *out, int max);

/* Writes text with each finding replaced by its placeholder (in the finding's language), and a
 * NUL, into out. Returns the new length, or -1 when it does not fit in cap. The findings must
 * be as core_scrub_find returns them. */
long core_scrub_replace(const char *text, size_t len, const core_find *f, int n, char *out, size_t cap);

const char *core_find_kind_name(core_find_kind k); /* "email" "url" "handle" "phone" "name" */
/* A kind's placeholder in a language (a core_lang; out of range: English): "[email]" "[link]"
 * "[handle]" "[phone]" "[name]"; "[بريد إلكتروني]" "[رابط]" "[حساب]" "[هاتف]" "[اسم]";
 * "[courriel]" "[lien]" "[compte]" "[téléphone]" "[nom]"; "[correo]" "[enlace]" "[cuenta]"
 * "[teléfono]" "[nombre]". */
const char *core_find_placeholder(core_find_kind k, int lang);

/* --- what may identify, for the moderators only (CHR-6) --------------------------------- */

/* Hints that a text may name or describe a person, never a reason to refuse it: the co-chairs
 * see a flag and decide. */
typedef enum core_hint_kind {
	CORE_HINT_CAPITALS, /* two or more capitalised words not explained by a sentence's start */
	CORE_HINT_TITLE,    /* an honorific or title before a name: "Ambassador Petrova", "الدكتور سمير" */
	CORE_HINT_SELF,     /* the author describes themselves: "I work at", "je travaille chez", "أعمل في" */
	CORE_HINT_KIND_COUNT
} core_hint_kind;

typedef struct core_hint {
	core_hint_kind kind;
	uint32_t start, end; /* bytes */
} core_hint;

#define CORE_SCRUB_MAX_HINTS 16

/* Finds name-like sequences in valid UTF-8 text, in English, French, Spanish and Arabic alike
 * (a question's language tag need not be its language). Writes at most `max` hints, in the
 * order found; returns how many, or -1 as core_scrub_find. */
int core_scrub_hints(const char *text, size_t len, core_hint *out, int max);
/* Whether text has any hint: the question view's "may_identify" for the moderators. */
bool core_scrub_may_identify(const char *text, size_t len);
const char *core_hint_kind_name(core_hint_kind k); /* "capitals" "title" "self" */

#endif
