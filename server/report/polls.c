/* polls.c — the report's polls (POLL-1): each poll of a sealed consultation as one table of its
 * totals, suppressed as every count of the report is (EX-4, through core/poll.h), written by the
 * format's own table parts. A draft report carries none (EX-6). Not the poll's rules (core). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "poll.h"

static const char *const scale_labels[CORE_POLL_SCALE_MAX] = {"1", "2", "3", "4", "5"};

#pragma GCC diagnostic ignored "-Wformat-nonliteral" /* words.c's own constant table */

/* Poll p as a table: its cells and labels in the document's language. */
static void poll_table(const report_doc *d, const core_poll *p, const core_poll_result *r, core_report_table *t)
{
	memset(t, 0, sizeof *t);
	t->kind = CORE_REPORT_BY_POLL;
	snprintf(t->title, sizeof t->title, report_w(d, W_POLL_TITLE), p->id, core_poll_text(d->st, p, -1, d->m->lang));
	snprintf(t->key, sizeof t->key, "poll_%u", p->id);
	t->published = r->published;
	t->total = r->respondents;
	if (p->def.kind == CORE_POLL_WORDS) {
		for (uint32_t i = 0; i < r->nwords && t->n < CORE_MAX_SEGMENTS; i++, t->n++) {
			t->labels[t->n] = r->words[i]->word;
			t->values[t->n] = r->words[i]->count;
			t->cells[t->n] = CORE_CELL_SHOWN;
		}
		return;
	}
	for (int i = 0; i < r->ncells; i++, t->n++) {
		t->labels[i] =
		    p->def.kind == CORE_POLL_SCALE ? scale_labels[i] : core_poll_text(d->st, p, i, d->m->lang);
		t->values[i] = r->values[i];
		t->cells[i] = r->cells[i];
	}
}

void report_walk_polls(const report_doc *d, const report_emitter *e)
{
	if (!d->m->sealed)
		return;
	core_report_table *t = malloc(sizeof *t);
	core_poll_result *r = malloc(sizeof *r);
	for (uint32_t i = 0; t && r && i < d->st->npolls; i++) {
		const core_poll *p = &d->st->polls[i];
		if (p->state == CORE_POLL_DRAFT)
			continue; /* never asked */
		core_poll_result_of(p, d->m->k, r);
		poll_table(d, p, r, t);
		e->table(d, t);
		if (!t->published)
			continue;
		for (int c = 0; c < t->n; c++)
			e->table_row(d, t, c);
		e->table_end(d, t);
	}
	free(t);
	free(r);
}
