/* html.c — the report as one self-contained HTML page (EX-2): print-ready on A4, right to left
 * when its language is, user text escaped and isolated in its own direction. Only the writing:
 * what comes when is render.c's walk, the words are words.c's. */
#include <string.h>

#include "internal.h"

/* Print-ready on A4, right-to-left when the document's language is, with logical properties
 * only so that one style sheet serves both directions; user text isolates its own direction. */
static const char html_style[] =
    "body{font-family:'Noto Naskh Arabic','Noto Sans','DejaVu Sans',sans-serif;line-height:1.5;"
    "max-inline-size:48em;margin-inline:auto;padding:1em;color:#111}"
    "h1{font-size:1.6em}h2{font-size:1.3em;border-block-end:1px solid #999;margin-block-start:1.6em}"
    "h3{font-size:1.1em}table{border-collapse:collapse;margin-block:0.5em 1em}"
    "th,td{border:1px solid #999;padding:0.2em 0.6em;text-align:start}td.n{text-align:end}"
    ".draft{border:2px solid #a00;color:#a00;padding:0.5em;font-weight:bold}"
    ".final{border:2px solid #060;color:#060;padding:0.5em;font-weight:bold}"
    ".rule{border-inline-start:4px solid #555;padding-inline-start:1em}"
    ".kind{color:#555;font-size:0.9em}ol{padding-inline-start:2em}"
    "@page{size:A4;margin:2cm}@media print{body{max-inline-size:none;padding:0}"
    "h2{break-after:avoid}li,tr{break-inside:avoid}}";

/* HTML text: markup characters as entities, a line break as <br>. */
static void esc(const report_doc *d, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '<')
			fputs("&lt;", d->f);
		else if (c == '>')
			fputs("&gt;", d->f);
		else if (c == '&')
			fputs("&amp;", d->f);
		else if (c == '"')
			fputs("&quot;", d->f);
		else if (c == '\n')
			fputs("<br>", d->f);
		else
			fputc(c, d->f);
	}
}

static void esc_s(const report_doc *d, const char *s)
{
	esc(d, s, strlen(s));
}

static void head(const report_doc *d)
{
	char buf[512];
	fprintf(d->f, "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
	        core_lang_name(d->m->lang), d->m->lang == CORE_LANG_AR ? "rtl" : "ltr");
	fputs("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
	      "'unsafe-inline'\">\n<title>",
	      d->f);
	esc_s(d, report_title(d));
	fprintf(d->f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1 dir=\"auto\">", html_style);
	esc_s(d, report_title(d));
	fputs("</h1>\n", d->f);
	fprintf(d->f, "<p class=\"%s\">%s</p>\n", d->m->st->final ? "final" : "draft", report_w(d, report_banner(d)));
	report_format_text(d, buf, sizeof buf);
	fprintf(d->f, "<dl>\n<dt>%s</dt><dd>%s</dd>\n<dt>%s</dt><dd>%s", report_w(d, W_DATE), report_date(d),
	        report_w(d, W_FORMAT), buf);
	report_languages_text(d, buf, sizeof buf);
	fprintf(d->f, "</dd>\n<dt>%s</dt><dd>%s</dd>\n</dl>\n<p class=\"rule\">%s</p>\n", report_w(d, W_LANGUAGES), buf,
	        report_w(d, W_RULE_STATEMENT));
	fprintf(d->f, "<h2>%s</h2>\n", report_w(d, W_PARTICIPATION));
}

static void participation(const report_doc *d)
{
	if (!d->m->sealed) {
		fprintf(d->f, "<p>%s</p>\n", report_w(d, W_COUNTS_AFTER_SEAL));
		return;
	}
	char c1[REPORT_COUNT_MAX], c2[REPORT_COUNT_MAX];
	report_count_of(d, d->m->st->participants, c1);
	report_count_of(d, d->m->questions_posted, c2);
	const char *colon = report_w(d, W_COLON);
	fprintf(d->f, "<ul>\n<li>%s%s %s</li>\n<li>%s%s %s</li>\n", report_w(d, W_PARTICIPANTS), colon, c1,
	        report_w(d, W_QUESTIONS_POSTED), colon, c2);
	if (d->m->st->reissued) /* CHR-3 */
		fprintf(d->f, "<li>%s%s %u</li>\n", report_w(d, W_REISSUED), colon, d->m->st->reissued);
	fputs("</ul>\n", d->f);
}

static void table(const report_doc *d, const core_report_table *t)
{
	fprintf(d->f, "<h3>%s</h3>\n", report_table_title(d, t));
	if (!t->published)
		fprintf(d->f, "<p>%s</p>\n", report_table_not_published(d, t));
	else
		fprintf(d->f, "<table><thead><tr><th>%s</th><th>%s</th></tr></thead><tbody>\n",
		        report_table_column(d, t), report_table_unit(d, t));
}

static void table_row(const report_doc *d, const core_report_table *t, int i)
{
	char c[REPORT_COUNT_MAX];
	report_count_text(d, t->values[i], t->cells[i], c);
	fputs("<tr><td><bdi>", d->f);
	esc_s(d, report_table_label(d, t, i));
	fprintf(d->f, "</bdi></td><td class=\"n\">%s</td></tr>\n", c);
}

static void table_end(const report_doc *d, const core_report_table *t)
{
	fprintf(d->f, "<tr><th>%s</th><td class=\"n\">%u</td></tr>\n</tbody></table>\n", report_w(d, W_TOTAL),
	        t->total);
}

static void segment(const report_doc *d, int s)
{
	fputs("<section>\n<h2 dir=\"auto\">", d->f);
	esc_s(d, report_segment_title(d, s));
	fputs("</h2>\n", d->f);
	const core_note *note = &d->m->st->notes[s];
	if (note->text_len) {
		fprintf(d->f, "<h3>%s</h3>\n<p dir=\"auto\">", report_w(d, W_NOTES));
		esc(d, note->text, note->text_len);
		fputs("</p>\n", d->f);
	}
}

static void theme(const report_doc *d, const core_report_item *it, bool after)
{
	if (after)
		fputs("</ol>\n", d->f);
	fputs("<h3 dir=\"auto\">", d->f);
	esc_s(d, report_theme_word(d, it->theme));
	fprintf(d->f, "</h3>\n<ol start=\"%u\">\n", it->number);
}

static void item(const report_doc *d, const core_report_item *it, bool first)
{
	(void)first;
	fputs("<li><bdi>", d->f);
	esc(d, it->text, it->text_len);
	char note[256];
	report_item_note(d, it, note, sizeof note);
	fprintf(d->f, "</bdi> <span class=\"kind\">(%s)</span></li>\n", note);
}

static void segment_end(const report_doc *d, int s, bool any)
{
	(void)s;
	if (any)
		fputs("</ol>\n", d->f);
	else
		fprintf(d->f, "<p>%s</p>\n", report_w(d, W_NO_ITEMS));
	fputs("</section>\n", d->f);
}

static void agenda(const report_doc *d)
{
	fprintf(d->f,
	        "<h2>%s</h2>\n<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
	        report_w(d, W_AGENDA), report_w(d, W_SEGMENT), report_w(d, W_RULE), report_w(d, W_PLANNED),
	        report_w(d, W_ACTUAL));
}

static void agenda_row(const report_doc *d, int s)
{
	const core_segment *seg = &d->agenda->segments[s];
	fputs("<tr><td><bdi>", d->f);
	esc_s(d, report_segment_title(d, s));
	char act[REPORT_COUNT_MAX];
	report_actual_text(d, s, act);
	fprintf(d->f, "</bdi></td><td>%s</td><td class=\"n\">%u</td><td class=\"n\">%s</td></tr>\n",
	        report_rule_word(d, s), (unsigned)seg->duration_min, act);
}

static void manifest(const report_doc *d, const report_line *lines, int n)
{
	fprintf(d->f,
	        "</tbody></table>\n<h2>%s</h2>\n<dl>\n<dt>%s</dt><dd>%u</dd>\n<dt>%s</dt><dd>%s</dd>\n"
	        "<dt>%s</dt><dd>%s</dd>\n<dt>%s</dt><dd>",
	        report_w(d, W_MANIFEST), report_w(d, W_K), d->m->k, report_w(d, W_STATUS),
	        report_w(d, report_status(d)), report_w(d, W_SCRUBBER), CORE_SCRUB_VERSION, report_w(d, W_SUPPRESSED));
	if (!n)
		fputs(report_w(d, W_NOTHING), d->f);
	for (int i = 0; i < n; i++)
		fprintf(d->f, "%s%s", i ? "<br>" : "", lines[i]);
	fprintf(d->f, "</dd>\n</dl>\n<p>%s</p>\n</body>\n</html>\n", report_w(d, W_CONTAINS_NOTHING));
}

const report_emitter report_html = {
    .head = head,
    .participation = participation,
    .table = table,
    .table_row = table_row,
    .table_end = table_end,
    .segment = segment,
    .theme = theme,
    .item = item,
    .segment_end = segment_end,
    .agenda = agenda,
    .agenda_row = agenda_row,
    .manifest = manifest,
};
