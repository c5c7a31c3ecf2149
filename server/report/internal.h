/* internal.h — what the report's files share and no other layer sees: the document being
 * written, the words, the emitter a format plugs into the one walk of render.c, and the helpers
 * every emitter uses. Not an interface: report.h is. */
#ifndef RT_REPORT_INTERNAL_H
#define RT_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

/* The document's own words; the comment at each says which printf arguments it takes. */
typedef enum report_word {
	W_REPORT,
	W_DRAFT,
	W_DATE,
	W_DATE_UNSET,
	W_FORMAT,
	W_FORMAT_VALUE, /* %d: segments */
	W_LANGUAGES,
	W_FLOOR,
	W_INTERPRETATION,
	W_RULE_STATEMENT,
	W_PARTICIPATION,
	W_PARTICIPANTS,
	W_QUESTIONS_POSTED,
	W_BY_SEGMENT,
	W_BY_LANGUAGE,
	W_QUESTIONS,
	W_TOTAL,
	W_FEWER, /* %u: k */
	W_WITHHELD,
	W_NOT_PUBLISHED,
	W_COUNTS_AFTER_SEAL,
	W_NOTES,
	W_OTHER_THEME,
	W_KIND_QUESTION,
	W_KIND_MERGED,
	W_KIND_SUMMARY,
	W_UPVOTES,
	W_NO_ITEMS,
	W_AGENDA,
	W_SEGMENT,
	W_RULE,
	W_CHATHAM_HOUSE,
	W_ON_RECORD,
	W_PLANNED,
	W_ACTUAL,
	W_NOT_HELD,
	W_MANIFEST,
	W_K,
	W_STATUS,
	W_FINAL_STATUS, /* EX-7: final (and so sealed) */
	W_DRAFT_STATUS,
	W_SCRUBBER,
	W_SUPPRESSED,
	W_NOTHING,
	W_SUPPRESSED_TABLE, /* %s: table, %u: fewer, %u: k, %u: withheld */
	W_SUPPRESSED_VOTES, /* %u: items, %u: k */
	W_TABLE_WITHHELD,   /* %s: table */
	W_CONTAINS_NOTHING,
	/* The punctuation the formats write between words, as the language writes it: a label's
	 * colon (French: a no-break space before it), a list's semicolon and comma (Arabic ؛ and ،). */
	W_COLON,
	W_SEMICOLON,
	W_COMMA,
	W_SMALL_GROUP, /* %u: k; EX-4: fewer than k participants */
	/* EX-7: sealed, counts final, the rapporteurs still writing; and final. */
	W_DRAFT_SEALED,
	W_FINAL,
	W_SEALED_DRAFT_STATUS,
	W_POLL_TITLE, /* %u: the poll's number, %s: its question (POLL-1) */
	W_POLL_ANSWER,
	/* FLOOR-1: the list of speakers' tables. */
	W_REQUESTED_BY_SEGMENT,
	W_REQUESTED_BY_LANGUAGE,
	W_TAKEN_BY_SEGMENT,
	W_TAKEN_BY_LANGUAGE,
	W_INTERVENTIONS,
	W_INTERVENTIONS_NOT_PUBLISHED,
	W_POLL_COUNT, /* POLL-1: a poll table's count column */
	W_REISSUED,   /* CHR-3: credentials re-issued after a lost device (a label; sealed, > 0 only) */
	W_COUNT
} report_word;

/* The document being written: where to, and what it says. */
typedef struct report_doc {
	FILE *f;
	const core_report_model *m;
	const core_agenda *agenda;
	int64_t now_ms;       /* report_options.now_ms */
	const core_state *st; /* POLL-1: the polls */
} report_doc;

/* The manifest's lines of what was suppressed: at most one per table (the questions' two, the
 * list of speakers' four) and one for upvotes, and the warning that the group was small. */
#define REPORT_MAX_LINES 8
#define REPORT_LINE_MAX 512
typedef char report_line[REPORT_LINE_MAX];

/* A format's part of the walk (render.c), in the order the walk calls it; the walk decides what
 * comes when, an emitter only how it is written. Those marked optional may be NULL. */
typedef struct report_emitter {
	void (*head)(const report_doc *d);          /* title, status, date, languages, the Rule */
	void (*participation)(const report_doc *d); /* the counts, or (draft) that there are none yet */
	/* Sealed only: each table; rows and end only when it is published. */
	void (*table)(const report_doc *d, const core_report_table *t);
	void (*table_row)(const report_doc *d, const core_report_table *t, int i);
	void (*table_end)(const report_doc *d, const core_report_table *t);
	void (*segments)(const report_doc *d); /* optional: the participation is over, segments follow */
	void (*segment)(const report_doc *d, int s);
	/* optional: it starts a new theme in its segment; after: another theme came before it */
	void (*theme)(const report_doc *d, const core_report_item *it, bool after);
	void (*item)(const report_doc *d, const core_report_item *it, bool first);
	void (*segment_end)(const report_doc *d, int s, bool any);              /* optional */
	void (*agenda)(const report_doc *d);                                    /* optional */
	void (*agenda_row)(const report_doc *d, int s);                         /* optional */
	void (*manifest)(const report_doc *d, const report_line *lines, int n); /* and the end */
} report_emitter;

extern const report_emitter report_markdown, report_html, report_csv, report_json;

/* words.c: a word, or a language's name, in the document's language. */
const char *report_w(const report_doc *d, report_word x);
const char *report_lang_word(const report_doc *d, core_lang lang);

/* emit.c: what several formats write the same way. */
/* A count as published: the number, "fewer than k" or "withheld". */
#define REPORT_COUNT_MAX 64
void report_count_text(const report_doc *d, uint32_t v, core_cell c, char buf[REPORT_COUNT_MAX]);
/* A count published on its own (participants, questions, an item's upvotes). */
void report_count_of(const report_doc *d, uint32_t v, char buf[REPORT_COUNT_MAX]);
/* EX-6, EX-7: what the report is, under its title (a draft before the seal, a draft with final
 * counts after it, final once the rapporteurs said so), and in the manifest's status. */
report_word report_banner(const report_doc *d);
report_word report_status(const report_doc *d);
/* Whether an item's upvotes are shown: a sealed consultation's questions (EX-6). */
bool report_votes_shown(const report_doc *d, const core_report_item *it);
const char *report_kind_word(const report_doc *d, core_report_item_kind k);
/* "question; upvotes: 12": what an item is, and its upvotes when they are shown. */
void report_item_note(const report_doc *d, const core_report_item *it, char *buf, size_t cap);
/* A segment's actual minutes, or "not held". */
void report_actual_text(const report_doc *d, int s, char buf[REPORT_COUNT_MAX]);
const char *report_theme_word(const report_doc *d, const char *theme); /* "" reads "Other points" */
const char *report_date(const report_doc *d);                          /* or "not set" */
void report_format_text(const report_doc *d, char *buf, size_t cap);   /* "Online consultation; …" */
void report_languages_text(const report_doc *d, char *buf, size_t cap);
const char *report_rule_word(const report_doc *d, int s); /* Chatham House or on the record */
/* AG-1, LC-2: the consultation's and segment s's titles in the report's language (the floor's
 * where the agenda gives none) */
const char *report_title(const report_doc *d);
const char *report_segment_title(const report_doc *d, int s);
/* A table's title, its first column's heading, its machine name, and the label of row i. */
const char *report_table_title(const report_doc *d, const core_report_table *t);
const char *report_table_column(const report_doc *d, const core_report_table *t);
const char *report_table_key(const core_report_table *t);
const char *report_table_label(const report_doc *d, const core_report_table *t, int i);
/* What a table counts, as a column heading and as a machine name ("questions"), and what it says
 * when it is not published. */
const char *report_table_unit(const report_doc *d, const core_report_table *t);
const char *report_table_unit_key(const core_report_table *t);
const char *report_table_not_published(const report_doc *d, const core_report_table *t);
int report_suppressed_lines(const report_doc *d, report_line lines[REPORT_MAX_LINES]);
/* polls.c (POLL-1): each closed poll of a sealed consultation as a table of its suppressed
 * totals, written with the emitter's table parts. */
void report_walk_polls(const report_doc *d, const report_emitter *e);
/* The published tables in the report's order: the questions' two, then the list of speakers'
 * four (FLOOR-1) when anyone asked for the floor; their count. */
int report_tables(const core_report_model *m, const core_report_table *out[6]);

#endif
