/* internal.h — what the codec's own files share and no other layer may see: the compact JSON
 * text that encode.c and control.c make their output from. Not the codec's interface (wire.h). */
#ifndef RT_WIRE_INTERNAL_H
#define RT_WIRE_INTERNAL_H

#include <jansson.h>

#include "core.h"

/* j as compact JSON text, malloc'd; drops the caller's reference to j. NULL when j is NULL (a
 * json_pack that failed) or when out of memory. */
char *wire_json_text(json_t *j);

/* POLL-1 (poll.c): a poll's view, with its result (suppressed, poll.h) when `result`; an answer. */
#include "core.h"
json_t *wire_poll_json(const core_state *st, const core_poll *p, bool result);
json_t *wire_poll_answer_json(const core_poll_answer *a);
/* {"en": ..., "ar": ...} into texts[lang] (each of `cap` bytes); false for an unknown language,
 * a text that is not a string, is not UTF-8 or does not fit. */
bool wire_poll_texts(json_t *v, char *texts, size_t cap);
/* The polls `aud` sees (the public: none in draft), and what this participant answered. */
json_t *wire_polls_json(const core_state *st, core_audience aud);
json_t *wire_my_answers_json(const core_state *st, const core_pseud *who);
/* FLOOR-1: the list of speakers as audience `aud` sees it (speakers.c); a new reference. */
json_t *wire_speakers_json(const core_state *st, core_audience aud);

#endif
