/* poll.h — what a poll's published result says (POLL-1): its totals after the same small-count
 * suppression as the report (EX-4), for every view and the report alike. Pure. Not the poll's
 * rules (poll.c, core.h) nor any rendering (server/wire, server/report). */
#ifndef RT_CORE_POLL_H
#define RT_CORE_POLL_H

#include "core.h"
#include "report_model.h"

/* A poll's result as anyone may see it: `published` false means "too few answered" (fewer than k
 * respondents, or no suppression protects every hidden cell) and nothing else is said. Options
 * and scale points carry a cell each (CORE_CELL_SHOWN: `values[i]` is the count); a cloud lists
 * only the words at least k respondents wrote, by count then by bytes. */
typedef struct core_poll_result {
	bool published;
	uint32_t respondents;
	int ncells;
	uint32_t values[CORE_POLL_MAX_OPTIONS];
	core_cell cells[CORE_POLL_MAX_OPTIONS];
	uint32_t nwords;
	const core_poll_word *words[CORE_POLL_MAX_CLOUD]; /* borrowed from the poll */
} core_poll_result;

void core_poll_result_of(const core_poll *p, uint32_t k, core_poll_result *out);

#endif
