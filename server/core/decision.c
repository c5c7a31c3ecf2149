/* decision.c — what every decide_* uses to build a core_decision: the next event, a refusal
 * that names a question's state, and the command's text and theme cleaned (QA-1) and scrubbed
 * (CHR-6). It decides no command itself and never changes the state. */
#include <assert.h>
#include <string.h>

#include "internal.h"

core_event *core_next_event(const core_state *st, core_decision *out, core_event_kind kind, const core_question *q)
{
	assert(out->nevents >= 0 && out->nevents < CORE_MAX_EVENTS); /* no command makes more */
	core_event *ev = &out->events[out->nevents];
	memset(ev, 0, sizeof *ev);
	ev->kind = kind;
	if (q) {
		ev->question = q->id;
		ev->prev_state = q->state;
	}
	ev->seq = st->seq + 1 + (uint64_t)out->nevents;
	out->nevents++;
	return ev;
}

rt_err core_state_error(core_decision *out, rt_err err, const core_question *q)
{
	assert(err != RT_OK);
	out->err.state = (int)q->state;
	out->err.question = q->id;
	out->err.into = q->state == CORE_Q_MERGED ? q->into : 0;
	return err;
}

void core_stop_answering_if(const core_state *st, core_decision *out, const core_question *q, uint32_t next)
{
	if (st->answering == q->id)
		core_next_event(st, out, CORE_EV_ANSWERING, NULL)->question = next;
}

/* The language a command's text is written in, for its placeholders (CHR-6): a question's
 * own, an edit's question's, and the floor's for the rapporteurs' notes and summaries. */
static core_lang text_lang(const core_state *st, const core_command *cmd)
{
	if (cmd->kind == CORE_CMD_QUESTION_POST && (unsigned)cmd->lang < CORE_LANG_COUNT)
		return cmd->lang;
	const core_question *q = cmd->kind == CORE_CMD_QUESTION_EDIT ? core_question_get(st, cmd->question) : NULL;
	return q ? q->lang : st->agenda.floor;
}

/* Cleans the command's text into out->text (QA-1), up to max_cp code points, then looks for
 * identifying detail (CHR-6): refused with what was found, unless the sender asked for
 * placeholders, which then take its place, in the text's language. */
rt_err core_clean_text(const core_state *st, const core_command *cmd, core_decision *out, size_t *len, size_t max_cp)
{
	assert(max_cp * 4 < sizeof out->text);
	size_t ncp;
	rt_err err = core_text_clean(cmd->text, cmd->text_len, max_cp, out->text, sizeof out->text, len, &ncp);
	if (err == RT_E_QUESTION_TEXT_TOO_LONG)
		out->err.max = (int)max_cp;
	if (err)
		return err;
	int n =
	    core_scrub_find(out->text, *len, st->deny, (int)text_lang(st, cmd), out->err.finds, CORE_SCRUB_MAX_FINDS);
	if (n < 0)
		return RT_E_PROTOCOL_MALFORMED;
	if (n == 0)
		return RT_OK;
	if (!cmd->placeholders) {
		out->err.nfinds = n;
		out->err.text = out->text;
		return RT_E_TEXT_IDENTIFYING;
	}
	long r = core_scrub_replace(out->text, *len, out->err.finds, n, out->scratch, sizeof out->scratch);
	long rcp = r < 0 ? -1 : core_utf8_count(out->scratch, (size_t)r);
	if (rcp < 0 || (size_t)rcp > max_cp) {
		out->err.max = (int)max_cp;
		return RT_E_QUESTION_TEXT_TOO_LONG;
	}
	memcpy(out->text, out->scratch, (size_t)r + 1);
	*len = (size_t)r;
	return RT_OK;
}

/* A theme: one line of at most CORE_THEME_MAX_CP code points, "" for none. */
rt_err core_clean_theme(const core_command *cmd, core_decision *out, size_t *len)
{
	size_t ncp;
	*len = 0;
	out->theme[0] = '\0';
	if (cmd->theme_len == 0)
		return RT_OK;
	rt_err err =
	    core_text_clean(cmd->theme, cmd->theme_len, CORE_THEME_MAX_CP, out->theme, sizeof out->theme, len, &ncp);
	if (err == RT_E_QUESTION_TEXT_EMPTY) {
		*len = 0;
		return RT_OK;
	}
	if (err == RT_E_QUESTION_TEXT_TOO_LONG)
		out->err.max = CORE_THEME_MAX_CP;
	if (!err && memchr(out->theme, '\n', *len))
		err = RT_E_PROTOCOL_INVALID_FIELD;
	return err;
}

rt_err core_segment_exists(const core_state *st, uint16_t seg, core_decision *out)
{
	if (seg < st->agenda.nsegments)
		return RT_OK;
	out->err.segment = seg;
	return RT_E_SEGMENT_NOT_FOUND;
}
