/* report_model.h — what the rapporteurs' report (EX-2..EX-6) says, before any format: the
 * small-count suppression (EX-4) and the report's model, with language codes, never words.
 * Pure: it reads a core_state; no clock, no I/O. Not the rendering: server/report/ walks this
 * model and writes Markdown, HTML, CSV or JSON. */
#ifndef RT_REPORT_MODEL_H
#define RT_REPORT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core.h"

/* EX-4: counts from 1 to k - 1 are never published as such. */
#define CORE_REPORT_DEFAULT_K 5
#define CORE_REPORT_MAX_K 100

/* EX-4: how one count of a published table is shown. */
typedef enum core_cell {
	CORE_CELL_SHOWN,    /* the exact count (0, or k and up) */
	CORE_CELL_FEWER,    /* 1..k-1: "fewer than k" */
	CORE_CELL_WITHHELD, /* k or more, hidden so that no "fewer than k" cell can be computed */
} core_cell;

/* How a count published on its own is shown: 1..k-1 as fewer than k, any other as it is. */
core_cell core_report_cell(uint32_t value, uint32_t k);

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
/* The same, when the reader also knows that cell i has at least known[i] members (the report's
 * items listed in it); known may be NULL. A cell pinned by its own bound cannot be protected by
 * withholding others: then suppression fails and the table is not published. */
bool core_report_disclosed_given(const uint32_t *values, const uint32_t *known, const core_cell *cells, int n,
                                 uint32_t k);
bool core_report_suppress_given(const uint32_t *values, const uint32_t *known, int n, uint32_t k, core_cell *out);

/* --- the model ------------------------------------------------------------------------------ */

typedef enum core_report_item_kind {
	CORE_REPORT_SUMMARY,  /* a rapporteurs' paraphrase */
	CORE_REPORT_QUESTION, /* an approved or answered question */
	CORE_REPORT_MERGED,   /* a question other questions were merged into */
} core_report_item_kind;

/* One item of the report; its text is borrowed from the state. */
typedef struct core_report_item {
	core_report_item_kind kind;
	uint16_t segment;
	const char *theme; /* "" for none */
	const char *text;
	uint32_t text_len;
	uint32_t votes;  /* questions of a sealed consultation only (EX-6) */
	uint32_t number; /* 1.., in the report's order: by segment, theme, upvotes; never posting order */
} core_report_item;

typedef enum core_report_table_kind {
	CORE_REPORT_BY_SEGMENT,
	CORE_REPORT_BY_LANGUAGE,
	/* FLOOR-1: spoken interventions from the list of speakers, requested and taken. */
	CORE_REPORT_REQUESTED_BY_SEGMENT,
	CORE_REPORT_REQUESTED_BY_LANGUAGE,
	CORE_REPORT_TAKEN_BY_SEGMENT,
	CORE_REPORT_TAKEN_BY_LANGUAGE,
	CORE_REPORT_BY_POLL, /* POLL-1: one poll's answers (labels: its options, scale points or words) */
} core_report_table_kind;

/* A published table of counts with its total (EX-4); never crossed with another. */
typedef struct core_report_table {
	core_report_table_kind kind;
	int n;
	const char *labels[CORE_MAX_SEGMENTS];  /* by segment: the segments' titles */
	core_lang langs[CORE_MAX_CHANNELS + 1]; /* by language: the floor, then each channel */
	uint32_t values[CORE_MAX_SEGMENTS];
	uint32_t known[CORE_MAX_SEGMENTS]; /* items the report lists in each cell: what a reader counts */
	core_cell cells[CORE_MAX_SEGMENTS];
	uint32_t total;
	bool published;           /* false: too few to protect, only that is said */
	uint32_t fewer, withheld; /* how many cells of each kind, when published */
	/* BY_POLL: its title ("Poll 2: ...") and machine name ("poll_2"). */
	char title[CORE_TITLE_MAX_BYTES + 64];
	char key[16];
} core_report_table;

/* The report of one consultation. Borrows from st, which must outlive it; owns items. */
typedef struct core_report_model {
	const core_state *st;
	core_lang lang; /* the document's language: the floor's unless one was asked for */
	uint32_t k;
	bool sealed;      /* false: a draft, which carries no count (EX-6) */
	const char *date; /* the agenda's date, or its first segment's; NULL when neither is set */
	core_report_item *items;
	uint32_t nitems;
	uint32_t questions_posted;
	core_report_table by_segment, by_language; /* sealed only */
	uint32_t fewer_votes;                      /* items whose upvotes show as fewer than k */
	/* EX-4: 1 to k - 1 participants: even "fewer than k" may say who took part; the report warns. */
	bool small_group;
	/* FLOOR-1: interventions requested and taken, by segment and by language: one-way tables
	 * like the questions' (EX-4), sealed only, and only when anyone asked for the floor. */
	core_report_table speakers[4];
	int nspeakers;
} core_report_model;

/* Whether a table is of segments (its labels are the segments' titles) or of languages. */
bool core_report_by_segment(const core_report_table *t);
/* Whether a table counts spoken interventions (FLOOR-1) rather than questions. */
bool core_report_of_speakers(const core_report_table *t);

/* Builds the report of st in lang (CORE_LANG_NONE: the floor's) with threshold k (0:
 * CORE_REPORT_DEFAULT_K). Returns 0, or -1 when lang or k is invalid or memory runs out (then
 * there is nothing to free). core_report_model_free releases a built model. */
int core_report_model_build(core_report_model *m, const core_state *st, core_lang lang, uint32_t k);
void core_report_model_free(core_report_model *m);

/* Minutes, rounded, of a segment's actual time (AG-6); -1 when it never ran. A seal stops the
 * clock first; in a draft, the current segment's running stretch counts up to now_ms (the
 * caller's clock: the report reads none), or not at all when now_ms is 0. */
long core_report_actual_minutes(const core_state *st, int segment, int64_t now_ms);

#endif
