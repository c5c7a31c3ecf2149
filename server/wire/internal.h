/* internal.h — what the codec's own files share and no other layer may see: the compact JSON
 * text that encode.c and control.c make their output from. Not the codec's interface (wire.h). */
#ifndef RT_WIRE_INTERNAL_H
#define RT_WIRE_INTERNAL_H

#include <jansson.h>

#include "core.h"

/* j as compact JSON text, malloc'd; drops the caller's reference to j. NULL when j is NULL (a
 * json_pack that failed) or when out of memory. */
char *wire_json_text(json_t *j);

/* FLOOR-1: the list of speakers as audience `aud` sees it (speakers.c); a new reference. */
json_t *wire_speakers_json(const core_state *st, core_audience aud);

#endif
