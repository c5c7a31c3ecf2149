/* poll.c — the JSON of polls (POLL-1): a poll's view with its published result, an answer, the
 * snapshot's list. It says nothing of who answered and publishes only what poll.h's suppressed
 * result allows. Not the rules (server/core/poll.c) nor the events' envelopes (encode.c). */
#include <string.h>

#include "internal.h"
#include "poll.h"

/* POLL-1: {"en": ..., "ar": ...} into texts[lang] (each of `cap` bytes); an unknown language,
 * a text that is not a string or does not fit is refused. */
bool wire_poll_texts(json_t *v, char *texts, size_t cap)
{
	if (!json_is_object(v) || json_object_size(v) == 0)
		return false;
	const char *key;
	json_t *t;
	json_object_foreach(v, key, t)
	{
		int lang = core_lang_parse(key);
		size_t len = json_is_string(t) ? json_string_length(t) : cap;
		if (lang < 0 || len >= cap || core_utf8_count(json_string_value(t), len) < 0)
			return false;
		memcpy(texts + (size_t)lang * cap, json_string_value(t), len + 1);
	}
	return true;
}

/* {"en": ..., "ar": ...}: the languages a text is written in. */
static json_t *texts_json(const char (*texts)[CORE_POLL_OPTION_MAX_CP * 4 + 1])
{
	json_t *j = json_object();
	for (int l = 0; l < CORE_LANG_COUNT; l++)
		if (texts[l][0])
			json_object_set_new(j, core_lang_name((core_lang)l), json_string(texts[l]));
	return j;
}

static json_t *question_texts_json(const core_poll *p)
{
	json_t *j = json_object();
	for (int l = 0; l < CORE_LANG_COUNT; l++)
		if (p->def.text[l][0])
			json_object_set_new(j, core_lang_name((core_lang)l), json_string(p->def.text[l]));
	return j;
}

static json_t *result_json(const core_poll *p)
{
	core_poll_result r;
	core_poll_result_of(p, CORE_REPORT_DEFAULT_K, &r);
	json_t *j = json_pack("{s:b}", "published", r.published);
	if (!j || !r.published)
		return j;
	json_object_set_new(j, "respondents", json_integer(r.respondents));
	if (p->def.kind == CORE_POLL_WORDS) {
		json_t *words = json_array();
		for (uint32_t i = 0; i < r.nwords; i++)
			json_array_append_new(words,
			                      json_pack("[s, I]", r.words[i]->word, (json_int_t)r.words[i]->count));
		json_object_set_new(j, "words", words);
		return j;
	}
	json_t *counts = json_array();
	for (int i = 0; i < r.ncells; i++)
		json_array_append_new(counts, r.cells[i] == CORE_CELL_SHOWN   ? json_integer(r.values[i])
		                              : r.cells[i] == CORE_CELL_FEWER ? json_string("fewer")
		                                                              : json_string("withheld"));
	json_object_set_new(j, "counts", counts);
	return j;
}

json_t *wire_poll_json(const core_state *st, const core_poll *p, bool result)
{
	(void)st;
	json_t *options = json_array();
	for (int i = 0; i < p->def.noptions; i++)
		json_array_append_new(options, texts_json(p->def.options[i]));
	json_t *j =
	    json_pack("{s:I, s:s, s:s, s:b, s:o, s:o, s:o}", "id", (json_int_t)p->id, "kind",
	              core_poll_kind_name(p->def.kind), "state", core_poll_state_name(p->state), "shown", p->shown,
	              "segment", p->def.segment == CORE_POLL_NO_SEGMENT ? json_null() : json_integer(p->def.segment),
	              "text", question_texts_json(p), "options", options);
	if (j && result && p->state != CORE_POLL_DRAFT)
		json_object_set_new(j, "result", result_json(p));
	return j;
}

json_t *wire_poll_answer_json(const core_poll_answer *a)
{
	json_t *j = json_object();
	if (!a)
		return j;
	if (a->choices) {
		json_t *c = json_array();
		for (int i = 0; i < CORE_POLL_MAX_OPTIONS; i++)
			if (a->choices & (1u << i))
				json_array_append_new(c, json_integer(i));
		json_object_set_new(j, "choices", c);
	}
	if (a->value)
		json_object_set_new(j, "value", json_integer(a->value));
	if (a->nwords) {
		json_t *w = json_array();
		for (int i = 0; i < a->nwords; i++)
			json_array_append_new(w, json_string(a->words[i]));
		json_object_set_new(j, "words", w);
	}
	return j;
}

json_t *wire_polls_json(const core_state *st, core_audience aud)
{
	json_t *list = json_array();
	for (uint32_t i = 0; i < st->npolls; i++) {
		const core_poll *p = &st->polls[i];
		if (aud != CORE_AUD_MODERATION && p->state == CORE_POLL_DRAFT)
			continue;
		json_array_append_new(list, wire_poll_json(st, p, aud == CORE_AUD_MODERATION || p->shown));
	}
	return list;
}

json_t *wire_my_answers_json(const core_state *st, const core_pseud *who)
{
	json_t *list = json_array();
	for (uint32_t i = 0; i < st->npolls; i++) {
		const core_poll_answer *a = core_poll_answer_of(st, st->polls[i].id, who);
		if (a)
			json_array_append_new(
			    list, json_pack("[I, o]", (json_int_t)st->polls[i].id, wire_poll_answer_json(a)));
	}
	return list;
}
