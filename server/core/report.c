/* report.c — the consultation report's substance (EX-2..EX-6): small-count suppression, and the
 * model of what the report says: the items the rapporteurs approved, in the report's order, and
 * the published tables. Pure and deterministic: no clock, no locale, no I/O, no words (the
 * renderer in server/report/ has them); nothing here reads a pseudonym, an internal question id
 * or any time but the agenda's date and minutes, and a question's language only to count it. */
#include <stdlib.h>
#include <string.h>

#include "report_model.h"

/* --- suppression (EX-4) ------------------------------------------------------------------ */

/* What a reader knows of a cell from its label, and from `known`, how many of its members the
 * report lists anyway (its items). */
static void cell_bounds(uint32_t v, core_cell c, uint32_t k, uint64_t total, uint32_t known, uint64_t *lo, uint64_t *hi)
{
	switch (c) {
	case CORE_CELL_SHOWN:
		*lo = *hi = v;
		break;
	case CORE_CELL_FEWER:
		*lo = 1, *hi = k - 1;
		break;
	default:
		*lo = k, *hi = total;
		break;
	}
	if (known > *lo)
		*lo = known;
}

bool core_report_disclosed(const uint32_t *values, const core_cell *cells, int n, uint32_t k)
{
	return core_report_disclosed_given(values, NULL, cells, n, k);
}

bool core_report_disclosed_given(const uint32_t *values, const uint32_t *known, const core_cell *cells, int n,
                                 uint32_t k)
{
	uint64_t total = 0, hidden = 0, lo_sum = 0, hi_sum = 0;
	for (int i = 0; i < n; i++)
		total += values[i];
	for (int i = 0; i < n; i++) {
		if (cells[i] == CORE_CELL_SHOWN)
			continue;
		uint64_t lo, hi;
		cell_bounds(values[i], cells[i], k, total, known ? known[i] : 0, &lo, &hi);
		hidden += values[i];
		lo_sum += lo;
		hi_sum += hi;
	}
	/* The hidden cells add up to what the total leaves (`hidden`); a cell is pinned when the
	 * others' bounds leave it one value. This is exact for one sum over box bounds. */
	for (int j = 0; j < n; j++) {
		if (cells[j] == CORE_CELL_SHOWN)
			continue;
		uint64_t lo, hi;
		cell_bounds(values[j], cells[j], k, total, known ? known[j] : 0, &lo, &hi);
		uint64_t others_lo = lo_sum - lo, others_hi = hi_sum - hi;
		uint64_t min = hidden > others_hi ? hidden - others_hi : 0, max = hidden - others_lo;
		if (min < lo)
			min = lo;
		if (max > hi)
			max = hi;
		if (min >= max)
			return true;
	}
	return false;
}

core_cell core_report_cell(uint32_t value, uint32_t k)
{
	return value >= 1 && value < k ? CORE_CELL_FEWER : CORE_CELL_SHOWN;
}

bool core_report_suppress(const uint32_t *values, int n, uint32_t k, core_cell *out)
{
	return core_report_suppress_given(values, NULL, n, k, out);
}

bool core_report_suppress_given(const uint32_t *values, const uint32_t *known, int n, uint32_t k, core_cell *out)
{
	bool any = false;
	for (int i = 0; i < n; i++) {
		out[i] = core_report_cell(values[i], k);
		any |= out[i] != CORE_CELL_SHOWN;
	}
	if (!any)
		return true;
	while (core_report_disclosed_given(values, known, out, n, k)) {
		int pick = -1;
		for (int i = 0; i < n; i++)
			if (out[i] == CORE_CELL_SHOWN && values[i] >= k && (pick < 0 || values[i] < values[pick]))
				pick = i;
		if (pick < 0)
			return false;
		out[pick] = CORE_CELL_WITHHELD;
	}
	return true;
}

/* --- the report's model ------------------------------------------------------------------ */

static int compare_items(const void *pa, const void *pb)
{
	const core_report_item *a = pa, *b = pb;
	if (a->segment != b->segment)
		return a->segment < b->segment ? -1 : 1;
	/* Themed items first, by theme; then the rapporteurs' summaries, then by upvotes; the text
	 * breaks ties. Never the order of posting. */
	if (!a->theme[0] != !b->theme[0])
		return a->theme[0] ? -1 : 1;
	int c = strcmp(a->theme, b->theme);
	if (c)
		return c;
	if ((a->kind == CORE_REPORT_SUMMARY) != (b->kind == CORE_REPORT_SUMMARY))
		return a->kind == CORE_REPORT_SUMMARY ? -1 : 1;
	if (a->votes != b->votes)
		return a->votes > b->votes ? -1 : 1;
	size_t n = a->text_len < b->text_len ? a->text_len : b->text_len;
	c = memcmp(a->text, b->text, n);
	if (c)
		return c;
	return a->text_len < b->text_len ? -1 : a->text_len > b->text_len;
}

static void build_table(core_report_table *t, core_report_table_kind kind, uint32_t k, uint32_t total)
{
	t->kind = kind;
	t->total = total;
	t->published = total >= k && core_report_suppress_given(t->values, t->known, t->n, k, t->cells);
	for (int i = 0; t->published && i < t->n; i++) {
		t->fewer += t->cells[i] == CORE_CELL_FEWER;
		t->withheld += t->cells[i] == CORE_CELL_WITHHELD;
	}
}

bool core_report_by_segment(const core_report_table *t)
{
	return t->kind == CORE_REPORT_BY_SEGMENT || t->kind == CORE_REPORT_REQUESTED_BY_SEGMENT ||
	       t->kind == CORE_REPORT_TAKEN_BY_SEGMENT;
}

bool core_report_of_speakers(const core_report_table *t)
{
	return t->kind >= CORE_REPORT_REQUESTED_BY_SEGMENT;
}

/* FLOOR-1: the interventions requested and taken, each summed by segment and by language, never
 * crossed (EX-4); none at all when nobody asked for the floor. */
static void speaker_tables(core_report_model *m)
{
	const core_state *st = m->st;
	const core_agenda *a = &st->agenda;
	static const core_report_table_kind kinds[4] = {CORE_REPORT_REQUESTED_BY_SEGMENT,
	                                                CORE_REPORT_REQUESTED_BY_LANGUAGE, CORE_REPORT_TAKEN_BY_SEGMENT,
	                                                CORE_REPORT_TAKEN_BY_LANGUAGE};
	uint32_t requested = 0;
	for (int s = 0; s < a->nsegments; s++)
		for (int l = 0; l < CORE_LANG_COUNT; l++)
			requested += st->speakers.requested[s][l];
	if (!requested)
		return;
	for (int t = 0; t < 4; t++) {
		core_report_table *tb = &m->speakers[t];
		const uint32_t(*counts)[CORE_LANG_COUNT] = t < 2 ? st->speakers.requested : st->speakers.taken;
		uint32_t total = 0;
		tb->kind = kinds[t];
		if (t % 2 == 0) {
			tb->n = a->nsegments;
			for (int s = 0; s < a->nsegments; s++) {
				tb->labels[s] = a->segments[s].title;
				for (int l = 0; l < CORE_LANG_COUNT; l++)
					tb->values[s] += counts[s][l];
			}
		} else {
			tb->langs[tb->n++] = a->floor;
			for (int i = 0; i < a->nchannels; i++)
				tb->langs[tb->n++] = a->channels[i];
			for (int i = 0; i < tb->n; i++)
				for (int s = 0; s < a->nsegments; s++)
					tb->values[i] += counts[s][tb->langs[i]];
		}
		for (int i = 0; i < tb->n; i++)
			total += tb->values[i];
		build_table(tb, kinds[t], m->k, total);
	}
	m->nspeakers = 4;
}

int core_report_model_build(core_report_model *m, const core_state *st, core_lang lang, uint32_t k)
{
	if ((lang != CORE_LANG_NONE && (unsigned)lang >= CORE_LANG_COUNT) || (k && (k < 2 || k > CORE_REPORT_MAX_K)))
		return -1;
	memset(m, 0, sizeof *m);
	m->st = st;
	m->lang = lang == CORE_LANG_NONE ? st->agenda.floor : lang;
	m->k = k ? k : CORE_REPORT_DEFAULT_K;
	m->sealed = st->sealed;
	const core_agenda *a = &st->agenda;
	m->date = a->date[0] ? a->date : a->nsegments && a->segments[0].date[0] ? a->segments[0].date : NULL;
	uint32_t cap = st->nquestions + st->nparas;
	m->items = calloc(cap ? cap : 1, sizeof *m->items);
	if (!m->items)
		return -1;
	for (uint32_t i = 0; i < st->nquestions; i++) {
		const core_question *q = &st->questions[i];
		if (!q->reported || (q->state != CORE_Q_APPROVED && q->state != CORE_Q_ANSWERED))
			continue;
		core_report_item *it = &m->items[m->nitems++];
		it->kind = CORE_REPORT_QUESTION;
		for (uint32_t j = 0; j < st->nquestions; j++)
			if (st->questions[j].state == CORE_Q_MERGED && st->questions[j].into == q->id)
				it->kind = CORE_REPORT_MERGED;
		it->segment = q->segment;
		it->theme = q->theme;
		it->text = q->text;
		it->text_len = q->text_len;
		it->votes = m->sealed ? q->votes : 0; /* EX-6: a draft carries no counts */
	}
	for (uint32_t i = 0; i < st->nparas; i++) {
		const core_paraphrase *p = &st->paras[i];
		if (p->deleted || !p->included)
			continue;
		core_report_item *it = &m->items[m->nitems++];
		it->kind = CORE_REPORT_SUMMARY;
		it->segment = p->segment;
		it->theme = p->theme;
		it->text = p->text;
		it->text_len = p->text_len;
	}
	qsort(m->items, m->nitems, sizeof *m->items, compare_items);
	for (uint32_t i = 0; i < m->nitems; i++) {
		m->items[i].number = i + 1;
		if (m->sealed && m->items[i].kind != CORE_REPORT_SUMMARY &&
		    core_report_cell(m->items[i].votes, m->k) == CORE_CELL_FEWER)
			m->fewer_votes++;
	}
	if (!m->sealed)
		return 0;
	/* EX-4: two one-way tables over the same total; never their cross-tabulation. */
	m->questions_posted = st->nquestions;
	core_report_table *seg = &m->by_segment, *langs = &m->by_language;
	seg->n = a->nsegments;
	for (int i = 0; i < seg->n; i++)
		seg->labels[i] = core_segment_title(&a->segments[i], m->lang); /* AG-1, LC-2 */
	langs->langs[langs->n++] = a->floor;
	for (int i = 0; i < a->nchannels; i++)
		langs->langs[langs->n++] = a->channels[i];
	for (uint32_t i = 0; i < st->nquestions; i++) {
		const core_question *q = &st->questions[i];
		/* EX-4: a reader counts the items listed in a segment (and reads their language), so
		 * those are lower bounds a suppressed cell must not be pinned by. */
		bool listed = q->reported && (q->state == CORE_Q_APPROVED || q->state == CORE_Q_ANSWERED);
		if (q->segment < seg->n) {
			seg->values[q->segment]++;
			seg->known[q->segment] += listed;
		}
		for (int l = 0; l < langs->n; l++)
			if (langs->langs[l] == q->lang) {
				langs->values[l]++;
				langs->known[l] += listed;
			}
	}
	m->small_group = st->participants >= 1 && st->participants < m->k;
	build_table(seg, CORE_REPORT_BY_SEGMENT, m->k, m->questions_posted);
	build_table(langs, CORE_REPORT_BY_LANGUAGE, m->k, m->questions_posted);
	speaker_tables(m);
	return 0;
}

void core_report_model_free(core_report_model *m)
{
	free(m->items);
	m->items = NULL;
	m->nitems = 0;
}

long core_report_actual_minutes(const core_state *st, int segment, int64_t now_ms)
{
	const core_timing *t = &st->timing[segment];
	bool running = st->clock == CORE_CLOCK_RUNNING && segment == st->current_segment && !st->sealed;
	if (!t->started_at && !running)
		return -1;
	int64_t ms = t->elapsed_ms;
	if (running && now_ms > st->clock_started_at && st->clock_started_at)
		ms += now_ms - st->clock_started_at;
	return (long)((ms + 30000) / 60000);
}
