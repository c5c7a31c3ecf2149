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
	return listeners < CORE_EXACT_LISTENERS ? CORE_BAND_FEW : CORE_BAND_EXACT;
}

/* A connection's language now, CORE_LANG_NONE when it has not chosen one. */
static core_lang session_lang(const core_state *st, uint64_t session)
{
	const core_session_slot *s = core_session_find(st, session);
	return s ? s->lang : CORE_LANG_NONE;
}

/* Which audiences see a change when the count of `lang` goes from `before` to `after`. */
static unsigned band_changes(core_lang lang, uint32_t before, uint32_t after)
{
	unsigned mask = 0;
	if (lang == CORE_LANG_NONE)
		return 0;
	const core_audience auds[] = {CORE_AUD_COCHAIRS, CORE_AUD_BOOTHS};
	for (int i = 0; i < 2; i++) {
		core_audience a = auds[i];
		core_band b0 = core_band_for(a, before), b1 = core_band_for(a, after);
		if (b0 != b1 || (b1 == CORE_BAND_EXACT && before != after))
			mask |= 1u << a;
	}
	return mask;
}

/* LC-6: a participant's connection chooses a language (or none), or, from the system, a
 * connection closed. A participant counts once per language however many of their
 * connections listen in it. */
rt_err core_decide_presence(const core_state *st, const core_actor *actor, const core_command *cmd, core_decision *out)
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
	if (prev != CORE_LANG_NONE && live && live->listening[prev] == 1)
		ev->notify |= band_changes(prev, st->listeners[prev], st->listeners[prev] - 1);
	if (lang != CORE_LANG_NONE && !(live && live->listening[lang]))
		ev->notify |= band_changes(lang, st->listeners[lang], st->listeners[lang] + 1);
	return RT_OK;
}

int core_evolve_presence(core_state *st, const core_event *ev)
{
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
	if (ev->lang == CORE_LANG_NONE) {
		core_session_remove(st, core_session_find(st, ev->session));
	} else {
		core_session_slot *slot = core_session_put(st, ev->session);
		slot->who = ev->author;
		slot->lang = ev->lang;
	}
	return 0;
}
