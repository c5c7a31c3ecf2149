/* csv.c — the report as one CSV sheet (EX-2), and the one CSV field writer, with its guard
 * against spreadsheet formulas, that the report and the command line's attendance sheet share.
 * One record per line: section, segment, item number, theme, kind, label, value (RFC 4180, CRLF,
 * every field quoted), so one sheet holds the whole report, manifest included. Only the
 * writing: what comes when is render.c's walk, the words are words.c's. */
#include <string.h>

#include "internal.h"

/* One field of n bytes; quoted when `always`, or when it holds a comma, a quote or a line
 * break. A field a spreadsheet would take for a formula starts with a single quote instead. */
static void field(FILE *f, const char *s, size_t n, bool always)
{
	bool formula = n && s[0] && strchr("=+-@\t\r", s[0]);
	bool quote = always || formula;
	for (size_t i = 0; i < n && !quote; i++)
		quote = strchr(",\"\n\r", s[i]) && s[i];
	if (quote)
		fputc('"', f);
	if (formula)
		fputc('\'', f);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			fputc('"', f);
		fputc(s[i], f);
	}
	if (quote)
		fputc('"', f);
}

void report_csv_field(FILE *f, const char *s)
{
	field(f, s, strlen(s), false);
}

static void field_s(FILE *f, const char *s)
{
	field(f, s ? s : "", s ? strlen(s) : 0, true);
}

static void row(const report_doc *d, const char *section, const char *segment, uint32_t number, const char *theme,
                const char *kind, const char *label, size_t label_len, const char *value)
{
	char num[16] = "";
	if (number)
		snprintf(num, sizeof num, "%u", number);
	field_s(d->f, section);
	const char *fields[] = {segment, num, theme, kind};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		fputc(',', d->f);
		field_s(d->f, fields[i]);
	}
	fputc(',', d->f);
	field(d->f, label, label_len, true);
	fputc(',', d->f);
	field_s(d->f, value);
	fputs("\r\n", d->f);
}

static void kv(const report_doc *d, const char *section, const char *segment, const char *label, const char *value)
{
	row(d, section, segment, 0, NULL, NULL, label, strlen(label), value);
}

static void head(const report_doc *d)
{
	char buf[512];
	fputs("\xEF\xBB\xBF", d->f); /* a byte order mark: spreadsheets then read UTF-8 (Arabic) right */
	fputs("\"section\",\"segment\",\"item\",\"theme\",\"kind\",\"label\",\"value\"\r\n", d->f);
	kv(d, "report", NULL, report_w(d, W_REPORT), report_title(d));
	kv(d, "report", NULL, report_w(d, W_STATUS), report_w(d, report_banner(d)));
	kv(d, "report", NULL, report_w(d, W_DATE), report_date(d));
	report_format_text(d, buf, sizeof buf);
	kv(d, "report", NULL, report_w(d, W_FORMAT), buf);
	report_languages_text(d, buf, sizeof buf);
	kv(d, "report", NULL, report_w(d, W_LANGUAGES), buf);
	kv(d, "report", NULL, report_w(d, W_RULE), report_w(d, W_RULE_STATEMENT));
}

static void participation(const report_doc *d)
{
	if (!d->m->sealed) {
		kv(d, "participation", NULL, report_w(d, W_PARTICIPATION), report_w(d, W_COUNTS_AFTER_SEAL));
		return;
	}
	char c[REPORT_COUNT_MAX];
	report_count_of(d, d->m->st->participants, c);
	kv(d, "participation", NULL, report_w(d, W_PARTICIPANTS), c);
	report_count_of(d, d->m->questions_posted, c);
	kv(d, "participation", NULL, report_w(d, W_QUESTIONS_POSTED), c);
	if (d->m->st->reissued) { /* CHR-3 */
		snprintf(c, sizeof c, "%u", d->m->st->reissued);
		kv(d, "participation", NULL, report_w(d, W_REISSUED), c);
	}
}

static void table(const report_doc *d, const core_report_table *t)
{
	if (!t->published)
		kv(d, report_table_key(t), NULL, report_table_not_published(d, t), "");
}

/* By segment, the segment is the row's segment; by language, the language is its label. */
static void table_row(const report_doc *d, const core_report_table *t, int i)
{
	char c[REPORT_COUNT_MAX];
	report_count_text(d, t->values[i], t->cells[i], c);
	bool by_segment = core_report_by_segment(t);
	kv(d, report_table_key(t), by_segment ? t->labels[i] : NULL,
	   by_segment ? report_table_unit(d, t) : report_table_label(d, t, i), c);
}

static void table_end(const report_doc *d, const core_report_table *t)
{
	char total[16];
	snprintf(total, sizeof total, "%u", t->total);
	kv(d, report_table_key(t), NULL, report_w(d, W_TOTAL), total);
}

static void segment(const report_doc *d, int s)
{
	const core_note *note = &d->m->st->notes[s];
	if (note->text_len)
		row(d, "note", report_segment_title(d, s), 0, NULL, NULL, note->text, note->text_len, "");
}

static void item(const report_doc *d, const core_report_item *it, bool first)
{
	(void)first;
	char c[REPORT_COUNT_MAX] = "";
	if (report_votes_shown(d, it))
		report_count_of(d, it->votes, c);
	row(d, "item", report_segment_title(d, it->segment), it->number, report_theme_word(d, it->theme),
	    report_kind_word(d, it->kind), it->text, it->text_len, c);
}

static void agenda_row(const report_doc *d, int s)
{
	const core_segment *seg = &d->agenda->segments[s];
	char c[REPORT_COUNT_MAX];
	snprintf(c, sizeof c, "%u", (unsigned)seg->duration_min);
	kv(d, "agenda", report_segment_title(d, s), report_w(d, W_PLANNED), c);
	report_actual_text(d, s, c);
	kv(d, "agenda", report_segment_title(d, s), report_w(d, W_ACTUAL), c);
	kv(d, "agenda", report_segment_title(d, s), report_w(d, W_RULE), report_rule_word(d, s));
}

static void manifest(const report_doc *d, const report_line *lines, int n)
{
	char k[16];
	snprintf(k, sizeof k, "%u", d->m->k);
	kv(d, "manifest", NULL, report_w(d, W_K), k);
	kv(d, "manifest", NULL, report_w(d, W_STATUS), report_w(d, report_status(d)));
	kv(d, "manifest", NULL, report_w(d, W_SCRUBBER), CORE_SCRUB_VERSION);
	if (!n)
		kv(d, "manifest", NULL, report_w(d, W_SUPPRESSED), report_w(d, W_NOTHING));
	for (int i = 0; i < n; i++)
		kv(d, "manifest", NULL, report_w(d, W_SUPPRESSED), lines[i]);
	kv(d, "manifest", NULL, report_w(d, W_MANIFEST), report_w(d, W_CONTAINS_NOTHING));
}

const report_emitter report_csv = {
    .head = head,
    .participation = participation,
    .table = table,
    .table_row = table_row,
    .table_end = table_end,
    .segment = segment,
    .item = item,
    .agenda_row = agenda_row,
    .manifest = manifest,
};
