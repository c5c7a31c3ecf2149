/* render.c — the report's one walk: builds the model (core/report_model.h), then goes through
 * the document once, in order, and lets the chosen format's emitter write each part. The walk
 * decides what the report says and in what order; an emitter decides only how it is written.
 * Not escaping nor words: the emitters and words.c have those. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const format_names[REPORT_FORMAT_COUNT] = {"md", "html", "csv", "json"};
static const char *const media_types[REPORT_FORMAT_COUNT] = {"text/markdown; charset=utf-8", "text/html; charset=utf-8",
                                                             "text/csv; charset=utf-8",
                                                             "application/json; charset=utf-8"};
static const report_emitter *const emitters[REPORT_FORMAT_COUNT] = {&report_markdown, &report_html, &report_csv,
                                                                    &report_json};

const char *report_format_name(report_format f)
{
	return (unsigned)f < REPORT_FORMAT_COUNT ? format_names[f] : "?";
}

int report_format_parse(const char *s)
{
	for (int i = 0; s && i < REPORT_FORMAT_COUNT; i++)
		if (strcmp(s, format_names[i]) == 0)
			return i;
	return -1;
}

const char *report_media_type(report_format f)
{
	return (unsigned)f < REPORT_FORMAT_COUNT ? media_types[f] : "application/octet-stream";
}

/* The items of segment s, grouped by theme (the model sorted them so). */
static void walk_items(const report_doc *d, const report_emitter *e, int s)
{
	const core_report_model *m = d->m;
	const char *theme = NULL;
	for (uint32_t i = 0; i < m->nitems; i++) {
		const core_report_item *it = &m->items[i];
		if (it->segment != s)
			continue;
		bool first = !theme;
		if (first || strcmp(theme, it->theme) != 0) {
			if (e->theme)
				e->theme(d, it, !first);
			theme = it->theme;
		}
		e->item(d, it, first);
	}
	if (e->segment_end)
		e->segment_end(d, s, theme != NULL);
}

static void walk(const report_doc *d, const report_emitter *e)
{
	const core_report_model *m = d->m;
	e->head(d);
	e->participation(d);
	const core_report_table *tables[6];
	int ntables = report_tables(m, tables);
	for (int t = 0; m->sealed && t < ntables; t++) {
		e->table(d, tables[t]);
		if (!tables[t]->published)
			continue;
		for (int i = 0; i < tables[t]->n; i++)
			e->table_row(d, tables[t], i);
		e->table_end(d, tables[t]);
	}
	report_walk_polls(d, e);
	if (e->segments)
		e->segments(d);
	for (int s = 0; s < d->agenda->nsegments; s++) {
		e->segment(d, s);
		walk_items(d, e, s);
	}
	if (e->agenda)
		e->agenda(d);
	for (int s = 0; e->agenda_row && s < d->agenda->nsegments; s++)
		e->agenda_row(d, s);
	report_line lines[REPORT_MAX_LINES];
	int n = report_suppressed_lines(d, lines);
	e->manifest(d, lines, n);
}

char *report_render(const core_state *st, const report_options *opt, size_t *len)
{
	if ((unsigned)opt->format >= REPORT_FORMAT_COUNT)
		return NULL;
	core_report_model m;
	if (core_report_model_build(&m, st, opt->lang, opt->k))
		return NULL;
	char *buf = NULL;
	size_t size = 0;
	report_doc d = {
	    .f = open_memstream(&buf, &size), .m = &m, .agenda = &st->agenda, .now_ms = opt->now_ms, .st = st};
	if (!d.f) {
		core_report_model_free(&m);
		return NULL;
	}
	walk(&d, emitters[opt->format]);
	core_report_model_free(&m);
	bool failed = ferror(d.f) != 0;
	if (fclose(d.f) != 0 || failed) {
		free(buf);
		return NULL;
	}
	*len = size;
	return buf;
}
