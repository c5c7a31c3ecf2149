/* presence.c — the languages in the room: the floor language (LC-3), booth signals to the
 * co-chairs (LC-4) and who listens in which language, shown in bands (LC-6). All of it but the
 * floor lives in memory only; none of it is ever shown to participants. */
#include <assert.h>

#include "internal.h"

/* --- the floor (LC-3) -------------------------------------------------------------------- */

rt_err core_decide_floor(const core_state *st, const core_command *cmd, core_decision *out)
{
	if (!core_language_offered(&st->agenda, cmd->lang))
		return RT_E_LANGUAGE_UNKNOWN;
	if (cmd->lang != st->floor_now)
		core_next_event(st, out, CORE_EV_FLOOR, NULL)->lang = cmd->lang;
	return RT_OK;
}

int core_evolve_floor(core_state *st, const core_event *ev)
{
	if (!core_language_offered(&st->agenda, ev->lang))
		return -1;
	st->floor_now = ev->lang;
	return 0;
}

/* --- booth signals (LC-4) ---------------------------------------------------------------- */

static bool signal_window_open(const core_state *st, core_lang booth, int64_t now)
{
	return st->signal_count[booth] && now - st->signal_window_start[booth] < CORE_SIGNAL_WINDOW_MS;
}

rt_err core_decide_signal(const core_state *st, const core_actor *actor, const core_command *cmd, int64_t now,
                          core_decision *out)
{
	core_lang booth = actor->channel;
	if ((unsigned)booth >= CORE_LANG_COUNT || (unsigned)cmd->signal >= CORE_SIGNAL_COUNT)
		return RT_E_AUTH_FORBIDDEN;
	if (signal_window_open(st, booth, now) && st->signal_count[booth] >= CORE_SIGNALS_PER_WINDOW) {
		out->err.max = CORE_SIGNALS_PER_WINDOW;
		out->err.seconds = CORE_SIGNAL_WINDOW_MS / 1000;
		return RT_E_LIMIT_SIGNAL_RATE;
	}
	core_event *ev = core_next_event(st, out, CORE_EV_SIGNAL, NULL);
	ev->seq = 0; /* ephemeral: no place in the consultation's order */
	ev->lang = booth;
	ev->signal = cmd->signal;
	ev->at_ms = now;
	return RT_OK;
}

int core_evolve_signal(core_state *st, const core_event *ev)
{
	if ((unsigned)ev->lang >= CORE_LANG_COUNT)
		return -1;
	if (!signal_window_open(st, ev->lang, ev->at_ms)) {
		st->signal_window_start[ev->lang] = ev->at_ms;
		st->signal_count[ev->lang] = 0;
	}
	st->signal_count[ev->lang]++;
	return 0;
}

/* LC-4: a co-chair tells a booth its signal was seen. Ephemeral like the signal: nothing of it
 * is kept, and it says nothing about which co-chair saw it. */
rt_err core_decide_booth_ack(const core_state *st, const core_command *cmd, int64_t now, core_decision *out)
{
	if (!core_language_offered(&st->agenda, cmd->lang) || cmd->lang == st->agenda.floor)
		return RT_E_LANGUAGE_UNKNOWN;
	if ((unsigned)cmd->signal >= CORE_SIGNAL_COUNT)
		return RT_E_PROTOCOL_INVALID_FIELD;
	core_event *ev = core_next_event(st, out, CORE_EV_BOOTH_ACK, NULL);
	ev->seq = 0; /* ephemeral */
	ev->lang = cmd->lang;
	ev->signal = cmd->signal;
	ev->at_ms = now;
	return RT_OK;
}

/* --- listener presence (LC-6) ------------------------------------------------------------ */

core_band core_band_for(core_audience aud, uint32_t listeners)
{
	if (listeners == 0)
		return CORE_BAND_NONE;
	if (aud == CORE_AUD_BOOTHS)
		return CORE_BAND_PRESENT;
	return listeners < 5 ? CORE_BAND_FEW : CORE_BAND_RANGE;
}

/* The co-chairs' bands, by their lowest count: none, few, then ranges wide enough that a few
 * people leaving rarely move the band (LC-6). */
static const uint32_t band_floors[] = {0, 1, 5, 10, 20, 50, 100};
#define NBANDS (sizeof band_floors / sizeof band_floors[0])

uint32_t core_band_floor(uint32_t listeners)
{
	uint32_t f = 0;
	for (size_t i = 0; i < NBANDS; i++)
		if (listeners >= band_floors[i])
			f = band_floors[i];
	return f;
}

uint32_t core_band_ceiling(uint32_t floor)
{
	for (size_t i = 0; i + 1 < NBANDS; i++)
		if (band_floors[i] == floor)
			return band_floors[i + 1] - 1;
	return 0;
}

/* The co-chairs' band of `lang` (its floor) at `now` once its count is `count`, and in *below
 * since when the count has been under it (0: it is not). A band goes up at once, and down only
 * once the count has stayed under it for CORE_BAND_HOLD_MS. */
static uint32_t shown_at(const core_state *st, core_lang lang, uint32_t count, int64_t now, int64_t *below)
{
	uint32_t raw = core_band_floor(count), shown = st->shown_floor[lang];
	int64_t since = st->below_since[lang] ? st->below_since[lang] : now;
	*below = 0;
	if (raw >= shown || now - since >= CORE_BAND_HOLD_MS)
		return raw;
	*below = since;
	return shown;
}

int64_t core_band_due_ms(const core_state *st)
{
	int64_t due = 0;
	for (int l = 0; l < CORE_LANG_COUNT; l++)
		if (st->below_since[l] && (!due || st->below_since[l] + CORE_BAND_HOLD_MS < due))
			due = st->below_since[l] + CORE_BAND_HOLD_MS;
	return due;
}

/* A connection's language now, CORE_LANG_NONE when it has not chosen one. */
static core_lang session_lang(const core_state *st, uint64_t session)
{
	const core_session_slot *s = core_session_find(st, session);
	return s ? s->lang : CORE_LANG_NONE;
}

/* Which audiences see a change when the count of `lang` goes from `before` to `after` at `now`. */
static unsigned band_changes(const core_state *st, core_lang lang, uint32_t before, uint32_t after, int64_t now)
{
	if (lang == CORE_LANG_NONE)
		return 0;
	unsigned mask = 0;
	int64_t below;
	if (shown_at(st, lang, after, now, &below) != st->shown_floor[lang])
		mask |= 1u << CORE_AUD_COCHAIRS;
	if (core_band_for(CORE_AUD_BOOTHS, before) != core_band_for(CORE_AUD_BOOTHS, after))
		mask |= 1u << CORE_AUD_BOOTHS;
	return mask;
}

/* LC-6: a participant's connection chooses a language (or none), or, from the system, a
 * connection closed. A participant counts once per language however many of their
 * connections listen in it. */
rt_err core_decide_presence(const core_state *st, const core_actor *actor, const core_command *cmd, int64_t now,
                            core_decision *out)
{
	core_lang lang = cmd->kind == CORE_CMD_LEAVE ? CORE_LANG_NONE : cmd->lang;
	if (lang != CORE_LANG_NONE && !core_language_offered(&st->agenda, lang))
		return RT_E_LANGUAGE_UNKNOWN;
	if (!actor->session)
		return cmd->kind == CORE_CMD_LEAVE ? RT_OK : RT_E_AUTH_FORBIDDEN;
	const core_session_slot *slot = core_session_find(st, actor->session);
	core_lang prev = slot ? slot->lang : CORE_LANG_NONE;
	if (prev == lang)
		return RT_OK;
	const core_pseud *who = slot ? &slot->who : &actor->pseud;
	const core_live_slot *live = core_live_find(st, who);
	/* A connection listening somewhere is counted in its participant's record. */
	assert(!slot || (live && live->listening[prev] > 0 && st->listeners[prev] > 0));
	core_event *ev = core_next_event(st, out, CORE_EV_PRESENCE, NULL);
	ev->seq = 0; /* ephemeral */
	ev->session = actor->session;
	ev->author = *who;
	ev->lang = lang;
	ev->prev_lang = prev;
	ev->at_ms = now;
	if (prev != CORE_LANG_NONE) {
		uint32_t n = st->listeners[prev];
		ev->notify |= band_changes(st, prev, n, live && live->listening[prev] == 1 ? n - 1 : n, now);
	}
	if (lang != CORE_LANG_NONE) {
		uint32_t n = st->listeners[lang];
		ev->notify |= band_changes(st, lang, n, live && live->listening[lang] ? n : n + 1, now);
	}
	return RT_OK;
}

void core_decide_bands_due(const core_state *st, int64_t now, core_decision *out)
{
	unsigned mask = 0;
	for (int l = 0; l < CORE_LANG_COUNT; l++)
		mask |= band_changes(st, (core_lang)l, st->listeners[l], st->listeners[l], now);
	if (!mask)
		return;
	/* No connection: the bands settle (core_evolve_presence). */
	core_event *ev = core_next_event(st, out, CORE_EV_PRESENCE, NULL);
	ev->seq = 0;
	ev->lang = ev->prev_lang = CORE_LANG_NONE;
	ev->at_ms = now;
	ev->notify = mask;
}

/* The co-chairs' band of `lang` as it is at `now` with its count now. */
static void settle(core_state *st, core_lang lang, int64_t now)
{
	if (lang == CORE_LANG_NONE)
		return;
	int64_t below;
	st->shown_floor[lang] = shown_at(st, lang, st->listeners[lang], now, &below);
	st->below_since[lang] = below;
}

int core_evolve_presence(core_state *st, const core_event *ev)
{
	if (!ev->session && ev->lang == CORE_LANG_NONE && ev->prev_lang == CORE_LANG_NONE) {
		for (int l = 0; l < CORE_LANG_COUNT; l++)
			settle(st, (core_lang)l, ev->at_ms);
		return 0;
	}
	if (!ev->session || (unsigned)ev->lang > CORE_LANG_NONE || ev->lang == ev->prev_lang ||
	    session_lang(st, ev->session) != ev->prev_lang)
		return -1;
	/* Everything that can fail first, so that a failure leaves st unchanged. */
	if (ev->prev_lang == CORE_LANG_NONE && core_session_reserve(st))
		return -1;
	core_live_slot *live = core_live_get(st, &ev->author);
	if (!live)
		return -1;
	if (ev->prev_lang != CORE_LANG_NONE && --live->listening[ev->prev_lang] == 0)
		st->listeners[ev->prev_lang]--;
	if (ev->lang != CORE_LANG_NONE && live->listening[ev->lang]++ == 0)
		st->listeners[ev->lang]++;
	settle(st, ev->prev_lang, ev->at_ms);
	settle(st, ev->lang, ev->at_ms);
	if (ev->lang == CORE_LANG_NONE) {
		core_session_remove(st, core_session_find(st, ev->session));
	} else {
		core_session_slot *slot = core_session_put(st, ev->session);
		slot->who = ev->author;
		slot->lang = ev->lang;
	}
	return 0;
}
