/* markdown.c — the report as Markdown (EX-2): headings, lists and pipe tables, with any user
 * text escaped so that it cannot become markup. Only the writing: what comes when is render.c's
 * walk, the words are words.c's. */
#include <string.h>

#include "internal.h"

/* Punctuation that would be markup is backslash-escaped; a line break inside a list item keeps
 * the item going, and one inside a heading or a table cell (inline) becomes a space. */
static void esc(const report_doc *d, const char *s, size_t n, bool inline_md)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n') {
			fputs(inline_md ? " " : "  \n   ", d->f);
		} else if (c && strchr("\\`*_[]<>#|{}!~", c)) {
			fputc('\\', d->f);
			fputc(c, d->f);
		} else {
			fputc(c, d->f);
		}
	}
}

static void esc_inline(const report_doc *d, const char *s)
{
	esc(d, s, strlen(s), true);
}

static void head(const report_doc *d)
{
	char buf[512];
	fputs("# ", d->f);
	esc_inline(d, report_title(d));
	fputs("\n\n", d->f);
	fprintf(d->f, "**%s**\n\n", report_w(d, report_banner(d)));
	report_format_text(d, buf, sizeof buf);
	const char *colon = report_w(d, W_COLON);
	fprintf(d->f, "- %s%s %s\n- %s%s %s", report_w(d, W_DATE), colon, report_date(d), report_w(d, W_FORMAT), colon,
	        buf);
	report_languages_text(d, buf, sizeof buf);
	fprintf(d->f, "\n- %s%s %s\n\n> %s\n\n", report_w(d, W_LANGUAGES), colon, buf, report_w(d, W_RULE_STATEMENT));
	fprintf(d->f, "## %s\n\n", report_w(d, W_PARTICIPATION));
}

static void participation(const report_doc *d)
{
	if (!d->m->sealed) {
		fprintf(d->f, "%s\n\n", report_w(d, W_COUNTS_AFTER_SEAL));
		return;
	}
	char c[REPORT_COUNT_MAX];
	report_count_of(d, d->m->st->participants, c);
	fprintf(d->f, "- %s%s %s\n", report_w(d, W_PARTICIPANTS), report_w(d, W_COLON), c);
	report_count_of(d, d->m->questions_posted, c);
	fprintf(d->f, "- %s%s %s\n", report_w(d, W_QUESTIONS_POSTED), report_w(d, W_COLON), c);
	if (d->m->st->reissued) /* CHR-3 */
		fprintf(d->f, "- %s%s %u\n", report_w(d, W_REISSUED), report_w(d, W_COLON), d->m->st->reissued);
	fputc('\n', d->f);
}

static void table(const report_doc *d, const core_report_table *t)
{
	fprintf(d->f, "### %s\n\n", report_table_title(d, t));
	if (!t->published)
		fprintf(d->f, "%s\n\n", report_table_not_published(d, t));
	else
		fprintf(d->f, "| %s | %s |\n| --- | ---: |\n", report_table_column(d, t), report_table_unit(d, t));
}

static void table_row(const report_doc *d, const core_report_table *t, int i)
{
	char c[REPORT_COUNT_MAX];
	report_count_text(d, t->values[i], t->cells[i], c);
	fputs("| ", d->f);
	esc_inline(d, report_table_label(d, t, i));
	fprintf(d->f, " | %s |\n", c);
}

static void table_end(const report_doc *d, const core_report_table *t)
{
	fprintf(d->f, "| %s | %u |\n\n", report_w(d, W_TOTAL), t->total);
}

static void segment(const report_doc *d, int s)
{
	fputs("## ", d->f);
	esc_inline(d, report_segment_title(d, s));
	fputs("\n\n", d->f);
	const core_note *note = &d->m->st->notes[s];
	if (note->text_len) {
		fprintf(d->f, "**%s%s** ", report_w(d, W_NOTES), report_w(d, W_COLON));
		esc(d, note->text, note->text_len, false);
		fputs("\n\n", d->f);
	}
}

static void theme(const report_doc *d, const core_report_item *it, bool after)
{
	if (after)
		fputs("\n", d->f); /* a list ends before the next heading */
	fputs("### ", d->f);
	esc_inline(d, report_theme_word(d, it->theme));
	fputs("\n\n", d->f);
}

static void item(const report_doc *d, const core_report_item *it, bool first)
{
	(void)first;
	fprintf(d->f, "%u. ", it->number);
	esc(d, it->text, it->text_len, false);
	char note[256];
	report_item_note(d, it, note, sizeof note);
	fprintf(d->f, " *(%s)*\n", note);
}

static void segment_end(const report_doc *d, int s, bool any)
{
	(void)s;
	if (any)
		fputs("\n", d->f);
	else
		fprintf(d->f, "%s\n\n", report_w(d, W_NO_ITEMS));
}

static void agenda(const report_doc *d)
{
	fprintf(d->f, "## %s\n\n| %s | %s | %s | %s |\n| --- | --- | ---: | ---: |\n", report_w(d, W_AGENDA),
	        report_w(d, W_SEGMENT), report_w(d, W_RULE), report_w(d, W_PLANNED), report_w(d, W_ACTUAL));
}

static void agenda_row(const report_doc *d, int s)
{
	const core_segment *seg = &d->agenda->segments[s];
	fputs("| ", d->f);
	esc_inline(d, report_segment_title(d, s));
	char act[REPORT_COUNT_MAX];
	report_actual_text(d, s, act);
	fprintf(d->f, " | %s | %u | %s |\n", report_rule_word(d, s), (unsigned)seg->duration_min, act);
}

static void manifest(const report_doc *d, const report_line *lines, int n)
{
	const char *colon = report_w(d, W_COLON);
	fprintf(d->f, "\n## %s\n\n- %s%s %u\n- %s%s %s\n- %s%s %s\n- %s%s", report_w(d, W_MANIFEST), report_w(d, W_K),
	        colon, d->m->k, report_w(d, W_STATUS), colon, report_w(d, report_status(d)), report_w(d, W_SCRUBBER),
	        colon, CORE_SCRUB_VERSION, report_w(d, W_SUPPRESSED), colon);
	if (!n)
		fprintf(d->f, " %s\n", report_w(d, W_NOTHING));
	else
		fputs("\n", d->f);
	for (int i = 0; i < n; i++)
		fprintf(d->f, "  - %s\n", lines[i]);
	fprintf(d->f, "\n%s\n", report_w(d, W_CONTAINS_NOTHING));
}

const report_emitter report_markdown = {
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
