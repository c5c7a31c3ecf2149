/* report.h — the rapporteurs' report (EX-2..EX-6): the anonymised document a consultation
 * becomes, in Markdown, HTML, CSV or JSON, and the small-count suppression it applies.
 * Pure: it reads a core_state and writes bytes; no clock, no I/O. The same state and options
 * always give the same bytes. Not the protocol: wire.c encodes messages, this writes documents. */
#ifndef RT_REPORT_H
#define RT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"

/* EX-4: counts from 1 to k - 1 are never published as such. */
#define CORE_REPORT_DEFAULT_K 5
#define CORE_REPORT_MAX_K 100

typedef enum core_report_format {
	CORE_REPORT_MD,
	CORE_REPORT_HTML,
	CORE_REPORT_CSV,
	CORE_REPORT_JSON,
	CORE_REPORT_FORMAT_COUNT
} core_report_format;

typedef struct core_report_options {
	core_report_format format;
	core_lang lang; /* the language of the document's own words; CORE_LANG_NONE: the floor */
	uint32_t k;     /* 2..CORE_REPORT_MAX_K; 0: CORE_REPORT_DEFAULT_K */
} core_report_options;

/* "md" "html" "csv" "json", and back (-1 for an unknown name). */
const char *core_report_format_name(core_report_format f);
int core_report_format_parse(const char *s);
/* The media type of a format, with its charset ("text/markdown; charset=utf-8"). */
const char *core_report_media_type(core_report_format f);

/* The document for st, malloc'd and NUL-terminated (the caller frees it), its length in *len;
 * NULL when out of memory or when the options are invalid. A consultation not yet sealed gives
 * a draft, stamped as one, with no count in it (EX-6). */
char *core_report_render(const core_state *st, const core_report_options *opt, size_t *len);

/* EX-4: how one count of a published table is shown. */
typedef enum core_cell {
	CORE_CELL_SHOWN,    /* the exact count (0, or k and up) */
	CORE_CELL_FEWER,    /* 1..k-1: "fewer than k" */
	CORE_CELL_WITHHELD, /* k or more, hidden so that no "fewer than k" cell can be computed */
} core_cell;

/* Decides how each of the n counts of a table is shown when the table's total is published:
 * counts 1..k-1 as fewer than k, then, while some hidden cell could be worked out from the
 * shown cells, the total and what the labels say of hidden cells (fewer: 1..k-1; withheld:
 * k..total), the smallest shown count of k or more is withheld too. Returns true with out[]
 * filled, or false when no choice protects every hidden cell: then the table is not published.
 * n <= CORE_MAX_SEGMENTS. */
bool core_report_suppress(const uint32_t *values, int n, uint32_t k, core_cell *out);

/* Whether a hidden cell of this table could be worked out exactly, given the labels in cells
 * and the published total (the same reasoning a reader could do). */
bool core_report_disclosed(const uint32_t *values, const core_cell *cells, int n, uint32_t k);

#endif
