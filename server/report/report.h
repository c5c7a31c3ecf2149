/* report.h — the rapporteurs' report (EX-2..EX-6) as a document: Markdown, HTML, CSV or JSON,
 * in one of four languages, from the model in core/report_model.h. A pure library above the
 * core: it reads a core_state and returns bytes; no clock, no files, no sockets. The same state
 * and options always give the same bytes. Not the protocol: wire encodes messages, this writes
 * documents. */
#ifndef RT_REPORT_H
#define RT_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core.h"
#include "report_model.h"

typedef enum report_format { REPORT_MD, REPORT_HTML, REPORT_CSV, REPORT_JSON, REPORT_FORMAT_COUNT } report_format;

typedef struct report_options {
	report_format format;
	core_lang lang; /* the language of the document's own words; CORE_LANG_NONE: the floor */
	uint32_t k;     /* 2..CORE_REPORT_MAX_K; 0: CORE_REPORT_DEFAULT_K */
	int64_t now_ms; /* a draft's running segment counts up to this (server ms); 0: not at all */
} report_options;

/* "md" "html" "csv" "json", and back (-1 for an unknown name). */
const char *report_format_name(report_format f);
int report_format_parse(const char *s);
/* The media type of a format, with its charset ("text/markdown; charset=utf-8"). */
const char *report_media_type(report_format f);

/* The document for st, malloc'd and NUL-terminated (the caller frees it), its length in *len;
 * NULL when out of memory or when the options are invalid. A consultation not yet sealed gives
 * a draft, stamped as one, with no count in it (EX-6); a sealed one, a draft with its counts
 * until the rapporteurs finalise it, then the final report (EX-7). */
char *report_render(const core_state *st, const report_options *opt, size_t *len);

/* Writes s as one CSV field (RFC 4180) to f, quoted only when it must be. A field that a
 * spreadsheet would read as a formula (it starts with =, +, -, @, a tab or a carriage return)
 * is quoted and starts with a single quote, so that it stays text. The report's CSV uses the
 * same writer, with every field quoted. */
void report_csv_field(FILE *f, const char *s);

/* EX-2: what a download is called: the title as an ASCII slug (at most REPORT_SLUG_MAX bytes,
 * cut at a word; "consultation" when it has no Latin letter), the date ("YYYY-MM-DD", left out
 * when empty), the kind ("report", "report-draft", "attendance") and the extension:
 * "un-cybercrime-consultation-2026-12-03-report.md". Writes it and a NUL into out; returns its
 * length, or 0 when it does not fit in cap (REPORT_FILENAME_MAX always does). */
#define REPORT_SLUG_MAX 48
#define REPORT_FILENAME_MAX 96
size_t report_filename(const char *title, const char *date, const char *kind, const char *ext, char *out, size_t cap);
/* The kind a report's file name carries: "report" once the rapporteurs finalised it (EX-7),
 * "report-draft" until then, before the seal and after it. */
const char *report_kind(const core_state *st);
/* The date an export carries: the consultation's, else its first segment's ("" when neither). */
const char *report_agenda_date(const core_agenda *a);

/* A programme's report (EX-4): per session, how many invitations attended it by the programme's
 * rule and its rate, then, once the session is sealed, the figures of its own report
 * (participants, questions, languages of the questions), every count from 1 to k - 1 shown as
 * "fewer than k". Markdown, CSV or JSON, in English; NULL for another format, an invalid k or
 * no memory. */
typedef struct report_session {
	const core_state *st; /* the session, loaded */
	int64_t scheduled_ms;
	uint32_t attended; /* invitations that attended it */
	bool started;      /* its clock has left idle */
} report_session;
typedef struct report_programme {
	const char *title;
	int attend_percent, certificate;
	uint32_t invited;   /* working personal invitations */
	uint32_t certified; /* invitations meeting the certificate's number of sessions */
	int n;
	const report_session *sessions;
} report_programme;
char *report_programme_render(const report_programme *p, const report_options *opt, size_t *len);

#endif
