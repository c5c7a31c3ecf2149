/* json.c — the report as JSON (EX-2), format "roundtable.report.v1": machine names and numbers
 * where the other formats have words, counts as a number, {"fewer_than": k} or {"withheld":
 * true}. Only the writing: what comes when is render.c's walk, the words are words.c's. */
#include <string.h>

#include "internal.h"

/* A JSON string of n bytes (already valid UTF-8). */
static void str(const report_doc *d, const char *s, size_t n)
{
	fputc('"', d->f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			fputc('\\', d->f);
			fputc(c, d->f);
		} else if (c == '\n') {
			fputs("\\n", d->f);
		} else if (c < 0x20) {
			fprintf(d->f, "\\u%04x", c);
		} else {
			fputc(c, d->f);
		}
	}
	fputc('"', d->f);
}

static void str_s(const report_doc *d, const char *s)
{
	str(d, s, strlen(s));
}

static void count(const report_doc *d, uint32_t v, core_cell c)
{
	if (c == CORE_CELL_FEWER)
		fprintf(d->f, "{\"fewer_than\": %u}", d->m->k);
	else if (c == CORE_CELL_WITHHELD)
		fputs("{\"withheld\": true}", d->f);
	else
		fprintf(d->f, "%u", v);
}

static void count_of(const report_doc *d, uint32_t v)
{
	count(d, v, core_report_cell(v, d->m->k));
}

static void head(const report_doc *d)
{
	const core_agenda *a = d->agenda;
	fputs("{\n  \"format\": \"roundtable.report.v1\",\n  \"title\": ", d->f);
	str_s(d, report_title(d));
	/* EX-7: "final" once the rapporteurs said so; until then a draft, with counts once sealed. */
	fprintf(d->f, ",\n  \"status\": \"%s\",\n  \"date\": ", d->m->st->final ? "final" : "draft");
	if (d->m->date)
		str_s(d, d->m->date);
	else
		fputs("null", d->f);
	fprintf(d->f, ",\n  \"language\": \"%s\",\n  \"languages\": {\"floor\": \"%s\", \"interpretation\": [",
	        core_lang_name(d->m->lang), core_lang_name(a->floor));
	for (int i = 0; i < a->nchannels; i++)
		fprintf(d->f, "%s\"%s\"", i ? ", " : "", core_lang_name(a->channels[i]));
	fputs("]},\n  \"rule\": ", d->f);
	str_s(d, report_w(d, W_RULE_STATEMENT));
	fputs(",\n  \"participation\": ", d->f);
}

static void participation(const report_doc *d)
{
	if (!d->m->sealed) {
		fputs("null", d->f);
		return;
	}
	fputs("{\"participants\": ", d->f);
	count_of(d, d->m->st->participants);
	fputs(", \"questions_posted\": ", d->f);
	count_of(d, d->m->questions_posted);
	if (d->m->st->reissued) /* CHR-3 */
		fprintf(d->f, ", \"credentials_reissued\": %u", d->m->st->reissued);
}

static void table(const report_doc *d, const core_report_table *t)
{
	fprintf(d->f, ",\n    \"%s\": %s", report_table_key(t), t->published ? "{\"cells\": [" : "null");
}

static void table_row(const report_doc *d, const core_report_table *t, int i)
{
	fputs(i ? ", {\"label\": " : "{\"label\": ", d->f);
	str_s(d, report_table_label(d, t, i));
	fprintf(d->f, ", \"%s\": ", report_table_unit_key(t));
	count(d, t->values[i], t->cells[i]);
	fputs("}", d->f);
}

static void table_end(const report_doc *d, const core_report_table *t)
{
	fprintf(d->f, "], \"total\": %u}", t->total);
}

static void segments(const report_doc *d)
{
	fprintf(d->f, "%s,\n  \"segments\": [", d->m->sealed ? "}" : "");
}

static void segment(const report_doc *d, int s)
{
	const core_segment *seg = &d->agenda->segments[s];
	fputs(s ? ",\n    {\"title\": " : "\n    {\"title\": ", d->f);
	str_s(d, report_segment_title(d, s));
	fprintf(d->f, ", \"rule\": \"%s\", \"planned_minutes\": %u, \"actual_minutes\": ",
	        seg->chatham_house ? "chatham_house" : "on_record", (unsigned)seg->duration_min);
	long act = core_report_actual_minutes(d->m->st, s, d->now_ms);
	if (act < 0)
		fputs("null", d->f);
	else
		fprintf(d->f, "%ld", act);
	fputs(",\n     \"note\": ", d->f);
	const core_note *note = &d->m->st->notes[s];
	if (note->text_len)
		str(d, note->text, note->text_len);
	else
		fputs("null", d->f);
	fputs(",\n     \"items\": [", d->f);
}

static void item(const report_doc *d, const core_report_item *it, bool first)
{
	fprintf(d->f, "%s\n       {\"number\": %u, \"kind\": \"%s\", \"theme\": ", first ? "" : ",", it->number,
	        it->kind == CORE_REPORT_SUMMARY  ? "summary"
	        : it->kind == CORE_REPORT_MERGED ? "merged_questions"
	                                         : "question");
	if (it->theme[0])
		str_s(d, it->theme);
	else
		fputs("null", d->f);
	fputs(", \"text\": ", d->f);
	str(d, it->text, it->text_len);
	if (report_votes_shown(d, it)) {
		fputs(", \"upvotes\": ", d->f);
		count_of(d, it->votes);
	}
	fputs("}", d->f);
}

static void segment_end(const report_doc *d, int s, bool any)
{
	(void)s;
	fputs(any ? "\n     ]}" : "]}", d->f);
}

static void manifest(const report_doc *d, const report_line *lines, int n)
{
	fprintf(d->f, "\n  ],\n  \"privacy\": {\"k\": %u, \"sealed\": %s, \"scrubber\": \"%s\", \"suppressed\": [",
	        d->m->k, d->m->sealed ? "true" : "false", CORE_SCRUB_VERSION);
	for (int i = 0; i < n; i++) {
		if (i)
			fputs(", ", d->f);
		str_s(d, lines[i]);
	}
	fputs("],\n    \"statement\": ", d->f);
	str_s(d, report_w(d, W_CONTAINS_NOTHING));
	fputs("}\n}\n", d->f);
}

const report_emitter report_json = {
    .head = head,
    .participation = participation,
    .table = table,
    .table_row = table_row,
    .table_end = table_end,
    .segments = segments,
    .segment = segment,
    .item = item,
    .segment_end = segment_end,
    .manifest = manifest,
};
