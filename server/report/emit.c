/* emit.c — what the report's formats write the same way: counts as words (EX-4), the words that
 * take printf arguments, dates, languages, table labels and the manifest's lines (EX-5). Not
 * escaping nor layout: each format's emitter has its own. */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

/* Some words take printf arguments (internal.h says which); they are words.c's own constant
 * tables, never outside input. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static void word_text(const report_doc *d, char *buf, size_t cap, report_word x, ...)
{
	va_list ap;
	va_start(ap, x);
	vsnprintf(buf, cap, report_w(d, x), ap);
	va_end(ap);
}

void report_count_text(const report_doc *d, uint32_t v, core_cell c, char buf[REPORT_COUNT_MAX])
{
	if (c == CORE_CELL_FEWER)
		word_text(d, buf, REPORT_COUNT_MAX, W_FEWER, d->m->k);
	else if (c == CORE_CELL_WITHHELD)
		snprintf(buf, REPORT_COUNT_MAX, "%s", report_w(d, W_WITHHELD));
	else
		snprintf(buf, REPORT_COUNT_MAX, "%u", v);
}

void report_count_of(const report_doc *d, uint32_t v, char buf[REPORT_COUNT_MAX])
{
	report_count_text(d, v, core_report_cell(v, d->m->k), buf);
}

report_word report_banner(const report_doc *d)
{
	return d->m->st->final ? W_FINAL : d->m->sealed ? W_DRAFT_SEALED : W_DRAFT;
}

report_word report_status(const report_doc *d)
{
	return d->m->st->final ? W_FINAL_STATUS : d->m->sealed ? W_SEALED_DRAFT_STATUS : W_DRAFT_STATUS;
}

bool report_votes_shown(const report_doc *d, const core_report_item *it)
{
	return d->m->sealed && it->kind != CORE_REPORT_SUMMARY;
}

const char *report_kind_word(const report_doc *d, core_report_item_kind k)
{
	return report_w(d, k == CORE_REPORT_SUMMARY  ? W_KIND_SUMMARY
	                   : k == CORE_REPORT_MERGED ? W_KIND_MERGED
	                                             : W_KIND_QUESTION);
}

void report_item_note(const report_doc *d, const core_report_item *it, char *buf, size_t cap)
{
	char c[REPORT_COUNT_MAX];
	if (!report_votes_shown(d, it)) {
		snprintf(buf, cap, "%s", report_kind_word(d, it->kind));
		return;
	}
	report_count_of(d, it->votes, c);
	snprintf(buf, cap, "%s%s%s%s %s", report_kind_word(d, it->kind), report_w(d, W_SEMICOLON),
	         report_w(d, W_UPVOTES), report_w(d, W_COLON), c);
}

void report_actual_text(const report_doc *d, int s, char buf[REPORT_COUNT_MAX])
{
	long act = core_report_actual_minutes(d->m->st, s, d->now_ms);
	if (act < 0)
		snprintf(buf, REPORT_COUNT_MAX, "%s", report_w(d, W_NOT_HELD));
	else
		snprintf(buf, REPORT_COUNT_MAX, "%ld", act);
}

const char *report_theme_word(const report_doc *d, const char *theme)
{
	return theme[0] ? theme : report_w(d, W_OTHER_THEME);
}

const char *report_date(const report_doc *d)
{
	return d->m->date ? d->m->date : report_w(d, W_DATE_UNSET);
}

void report_format_text(const report_doc *d, char *buf, size_t cap)
{
	word_text(d, buf, cap, W_FORMAT_VALUE, d->agenda->nsegments);
}

/* "English (floor); interpretation into Arabic, French, Spanish" */
void report_languages_text(const report_doc *d, char *buf, size_t cap)
{
	const core_agenda *a = d->agenda;
	size_t n = (size_t)snprintf(buf, cap, "%s (%s)", report_lang_word(d, a->floor), report_w(d, W_FLOOR));
	for (int i = 0; i < a->nchannels && n < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s%s%s", report_w(d, i ? W_COMMA : W_SEMICOLON),
		                      i ? "" : report_w(d, W_INTERPRETATION), report_lang_word(d, a->channels[i]));
}

const char *report_rule_word(const report_doc *d, int s)
{
	return report_w(d, d->agenda->segments[s].chatham_house ? W_CHATHAM_HOUSE : W_ON_RECORD);
}

const char *report_title(const report_doc *d)
{
	return core_agenda_title(d->agenda, d->m->lang);
}

const char *report_segment_title(const report_doc *d, int s)
{
	return core_segment_title(&d->agenda->segments[s], d->m->lang);
}

/* Each table kind's title and machine name, in core_report_table_kind's order. */
static const report_word table_titles[] = {W_BY_SEGMENT,           W_BY_LANGUAGE,
                                           W_REQUESTED_BY_SEGMENT, W_REQUESTED_BY_LANGUAGE,
                                           W_TAKEN_BY_SEGMENT,     W_TAKEN_BY_LANGUAGE};
static const char *const table_keys[] = {"questions_by_segment",
                                         "questions_by_language",
                                         "interventions_requested_by_segment",
                                         "interventions_requested_by_language",
                                         "interventions_taken_by_segment",
                                         "interventions_taken_by_language"};

const char *report_table_title(const report_doc *d, const core_report_table *t)
{
	if (t->kind == CORE_REPORT_BY_POLL)
		return t->title;
	return report_w(d, table_titles[t->kind]);
}

const char *report_table_column(const report_doc *d, const core_report_table *t)
{
	if (t->kind == CORE_REPORT_BY_POLL)
		return report_w(d, W_POLL_ANSWER);
	return report_w(d, core_report_by_segment(t) ? W_SEGMENT : W_LANGUAGES);
}

const char *report_table_key(const core_report_table *t)
{
	if (t->kind == CORE_REPORT_BY_POLL)
		return t->key;
	return table_keys[t->kind];
}

const char *report_table_label(const report_doc *d, const core_report_table *t, int i)
{
	if (t->kind == CORE_REPORT_BY_POLL)
		return t->labels[i];
	return core_report_by_segment(t) ? t->labels[i] : report_lang_word(d, t->langs[i]);
}

const char *report_table_unit(const report_doc *d, const core_report_table *t)
{
	if (t->kind == CORE_REPORT_BY_POLL)
		return report_w(d, W_POLL_COUNT);
	return report_w(d, core_report_of_speakers(t) ? W_INTERVENTIONS : W_QUESTIONS);
}

const char *report_table_unit_key(const core_report_table *t)
{
	if (t->kind == CORE_REPORT_BY_POLL)
		return "answers"; /* POLL-1 */
	return core_report_of_speakers(t) ? "interventions" : "questions";
}

const char *report_table_not_published(const report_doc *d, const core_report_table *t)
{
	return report_w(d, core_report_of_speakers(t) ? W_INTERVENTIONS_NOT_PUBLISHED : W_NOT_PUBLISHED);
}

int report_tables(const core_report_model *m, const core_report_table *out[6])
{
	int n = 0;
	out[n++] = &m->by_segment;
	out[n++] = &m->by_language;
	for (int i = 0; i < m->nspeakers && i < 4; i++)
		out[n++] = &m->speakers[i]; /* FLOOR-1 */
	return n;
}

int report_suppressed_lines(const report_doc *d, report_line lines[REPORT_MAX_LINES])
{
	const core_report_model *m = d->m;
	int n = 0;
	const core_report_table *ts[6];
	int nt = report_tables(m, ts);
	for (int i = 0; i < nt && m->sealed; i++) {
		const core_report_table *t = ts[i];
		if (!t->published)
			word_text(d, lines[n++], REPORT_LINE_MAX, W_TABLE_WITHHELD, report_table_title(d, t));
		else if (t->fewer || t->withheld)
			word_text(d, lines[n++], REPORT_LINE_MAX, W_SUPPRESSED_TABLE, report_table_title(d, t),
			          t->fewer, m->k, t->withheld);
	}
	if (m->fewer_votes)
		word_text(d, lines[n++], REPORT_LINE_MAX, W_SUPPRESSED_VOTES, m->fewer_votes, m->k);
	if (m->sealed && m->small_group)
		word_text(d, lines[n++], REPORT_LINE_MAX, W_SMALL_GROUP, m->k, m->k);
	return n;
}
