/* speakers.c — the list of speakers as clients see it (FLOOR-1): tickets, languages, the
 * speaker who has the floor and when they were called. Nothing that names or links a ticket's
 * participant is ever written; topics go to the co-chairs and rapporteurs only. Not decoding. */
#include "internal.h"

static json_t *speaker_json(const core_speaker *s, core_audience aud, int64_t called_at)
{
	json_t *j = json_pack("{s:I, s:s}", "ticket", (json_int_t)s->ticket, "lang", core_lang_name(s->lang));
	if (j && aud == CORE_AUD_MODERATION && s->topic >= 0)
		json_object_set_new(j, "topic", json_integer(s->topic));
	if (j && called_at)
		json_object_set_new(j, "called_at", json_integer((json_int_t)called_at));
	return j;
}

json_t *wire_speakers_json(const core_state *st, core_audience aud)
{
	const core_speakers *sp = &st->speakers;
	json_t *queue = json_array();
	for (uint32_t i = 0; queue && i < sp->n; i++)
		json_array_append_new(queue, speaker_json(&sp->queue[i], aud, 0));
	json_t *closed = json_array();
	for (int i = 0; closed && i < st->agenda.nsegments; i++)
		if (sp->closed[i])
			json_array_append_new(closed, json_integer(i));
	return json_pack("{s:o, s:o, s:o}", "closed", closed, "current",
	                 sp->current.ticket ? speaker_json(&sp->current, aud, sp->called_at) : json_null(), "queue",
	                 queue);
}
