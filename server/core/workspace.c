/* workspace.c — the Chatham House Rule's acceptance (CHR-2), the seal (CHR-5) and the
 * rapporteurs' workspace (EX-1): segment notes, themes, report marks and paraphrases, and
 * their evolve, open after the seal until the report is final (EX-7). Rendering the report is
 * report.c's; the questions themselves are qa.c's. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* --- the Rule and the seal (CHR) --------------------------------------------------------- */

rt_err core_decide_rule(const core_state *st, const core_actor *actor, core_decision *out)
{
	if (!core_rule_accepted(st, &actor->pseud))
		core_next_event(st, out, CORE_EV_RULE_ACCEPTED, NULL)->author = actor->pseud;
	return RT_OK;
}

int core_evolve_accepted(core_state *st, const core_event *ev)
{
	return core_accept_add(st, &ev->author);
}

/* CHR-5: a running clock stops first, so the report keeps every segment's actual time. */
rt_err core_decide_seal(const core_state *st, int64_t now, core_decision *out)
{
	if (st->clock == CORE_CLOCK_RUNNING) {
		core_command pause = {.kind = CORE_CMD_CLOCK_PAUSE};
		rt_err err = core_decide_clock(st, &pause, now, out);
		if (err)
			return err;
	}
	core_next_event(st, out, CORE_EV_SEALED, NULL)->participants = st->aused;
	return RT_OK;
}

/* CHR-5: whether the seal deletes q's text: withdrawn, rejected and pending questions, and a
 * question merged away while it was still pending (or rejected, or withdrawn). */
bool core_question_unpublished(const core_question *q)
{
	core_qstate s = q->state == CORE_Q_MERGED ? q->premerge : q->state;
	return s == CORE_Q_WITHDRAWN || s == CORE_Q_REJECTED || s == CORE_Q_PENDING;
}

/* CHR-5: the secret is the hub's; here every pseudonym goes, the text of questions that were
 * never published goes, votes become totals, and memory-only linkage is wiped. */
int core_evolve_sealed(core_state *st, const core_event *ev)
{
	for (uint32_t i = 0; i < st->nquestions; i++) {
		core_question *q = &st->questions[i];
		core_wipe(&q->author, sizeof q->author);
		if (core_question_unpublished(q)) {
			core_wipe(q->text, q->text_len);
			q->text_len = 0;
			q->may_identify = false;
		}
	}
	core_sets_wipe(st);
	core_polls_seal(st);
	memset(st->listeners, 0, sizeof st->listeners);
	memset(st->shown_floor, 0, sizeof st->shown_floor);
	memset(st->below_since, 0, sizeof st->below_since);
	st->sealed = true;
	st->participants = ev->participants;
	return 0;
}

/* --- the rapporteurs' workspace (EX-1) --------------------------------------------------- */

bool core_workspace_command(core_cmd_kind kind)
{
	return kind == CORE_CMD_NOTE_SET || kind == CORE_CMD_QUESTION_TAG || kind == CORE_CMD_REPORT_INCLUDE ||
	       kind == CORE_CMD_PARAPHRASE_SAVE || kind == CORE_CMD_PARAPHRASE_DELETE ||
	       kind == CORE_CMD_REPORT_FINALISE;
}

/* EX-7: the report is final once the counts are (the seal), and only once: core_decide refuses
 * every command of a final report before this is reached. */
rt_err core_decide_finalise(const core_state *st, core_decision *out)
{
	if (!st->sealed)
		return RT_E_REPORT_NOT_SEALED;
	core_next_event(st, out, CORE_EV_FINALISED, NULL);
	return RT_OK;
}

rt_err core_decide_note(const core_state *st, const core_command *cmd, core_decision *out)
{
	rt_err err = core_segment_exists(st, cmd->segment, out);
	if (err)
		return err;
	const core_note *n = &st->notes[cmd->segment];
	/* Two rapporteurs editing one note: the second to save learns it changed under them. */
	if (cmd->version != n->version) {
		out->err.version = n->version;
		out->err.segment = cmd->segment;
		return RT_E_NOTE_CONFLICT;
	}
	size_t len = 0;
	out->text[0] = '\0';
	if (cmd->text_len) {
		err = core_clean_text(st, cmd, out, &len, CORE_NOTE_MAX_CP);
		if (err == RT_E_QUESTION_TEXT_EMPTY)
			err = RT_OK, len = 0, out->text[0] = '\0';
		if (err)
			return err;
	}
	if (same_text(out->text, len, n->text, n->text_len))
		return RT_OK;
	core_event *ev = core_next_event(st, out, CORE_EV_NOTE, NULL);
	ev->segment = cmd->segment;
	ev->text = out->text;
	ev->text_len = (uint32_t)len;
	ev->version = n->version + 1;
	return RT_OK;
}

/* question.tag and report.include. Once sealed, a question whose text the seal deleted is
 * gone for the rapporteurs too (their snapshot no longer lists it). */
rt_err core_decide_report(const core_state *st, const core_command *cmd, core_decision *out)
{
	const core_question *q = core_question_get(st, cmd->question);
	if (!q || (st->sealed && core_question_unpublished(q)))
		return RT_E_QUESTION_NOT_FOUND;
	if (cmd->kind == CORE_CMD_QUESTION_TAG) {
		size_t len;
		rt_err err = core_clean_theme(cmd, out, &len);
		if (err)
			return err;
		if (!same_text(out->theme, len, q->theme, strlen(q->theme))) {
			core_event *ev = core_next_event(st, out, CORE_EV_TAGGED, q);
			ev->theme = out->theme;
			ev->theme_len = (uint32_t)len;
		}
		return RT_OK;
	}
	/* Only what the room saw goes into the report: a live or answered question (a merged
	 * group is the question kept). */
	if (cmd->included && q->state != CORE_Q_APPROVED && q->state != CORE_Q_ANSWERED)
		return core_state_error(out, RT_E_REPORT_NOT_ELIGIBLE, q);
	if (q->reported != cmd->included)
		core_next_event(st, out, CORE_EV_REPORTED, q)->included = cmd->included;
	return RT_OK;
}

rt_err core_decide_paraphrase(const core_state *st, const core_command *cmd, core_decision *out)
{
	const core_paraphrase *p = NULL;
	if (cmd->paraphrase && !(p = core_paraphrase_get(st, cmd->paraphrase)))
		return RT_E_PARAPHRASE_NOT_FOUND;
	if (cmd->kind == CORE_CMD_PARAPHRASE_DELETE) {
		if (!p)
			return RT_E_PARAPHRASE_NOT_FOUND;
		core_event *ev = core_next_event(st, out, CORE_EV_PARAPHRASE, NULL);
		ev->paraphrase = p->id;
		ev->segment = p->segment;
		ev->deleted = true;
		return RT_OK;
	}
	rt_err err = core_segment_exists(st, cmd->segment, out);
	size_t len, tlen;
	if (err || (err = core_clean_text(st, cmd, out, &len, CORE_TEXT_MAX_CP)) ||
	    (err = core_clean_theme(cmd, out, &tlen)))
		return err;
	if (p && p->segment == cmd->segment && p->included == cmd->included &&
	    same_text(out->theme, tlen, p->theme, strlen(p->theme)) && same_text(out->text, len, p->text, p->text_len))
		return RT_OK;
	core_event *ev = core_next_event(st, out, CORE_EV_PARAPHRASE, NULL);
	ev->paraphrase = p ? p->id : st->nparas + 1;
	ev->segment = cmd->segment;
	ev->text = out->text;
	ev->text_len = (uint32_t)len;
	ev->theme = out->theme;
	ev->theme_len = (uint32_t)tlen;
	ev->included = cmd->included;
	return RT_OK;
}

int core_evolve_note(core_state *st, const core_event *ev)
{
	if (ev->segment >= st->agenda.nsegments)
		return -1;
	core_note *n = &st->notes[ev->segment];
	char *t = ev->text_len ? core_dup_text(ev->text, ev->text_len) : NULL;
	if (ev->text_len && !t)
		return -1;
	free(n->text);
	n->text = t;
	n->text_len = ev->text_len;
	n->version = ev->version;
	return 0;
}

int core_evolve_paraphrase(core_state *st, const core_event *ev)
{
	if (ev->paraphrase == 0 || ev->paraphrase > st->nparas + 1 || ev->segment >= st->agenda.nsegments)
		return -1;
	if (ev->paraphrase == st->nparas + 1 &&
	    core_list_reserve((void **)&st->paras, &st->paracap, st->nparas, sizeof *st->paras, 16))
		return -1;
	char *t = ev->deleted ? NULL : core_dup_text(ev->text, ev->text_len);
	if (!ev->deleted && !t)
		return -1;
	if (ev->paraphrase == st->nparas + 1)
		memset(&st->paras[st->nparas++], 0, sizeof *st->paras);
	assert(st->nparas <= st->paracap);
	core_paraphrase *p = &st->paras[ev->paraphrase - 1];
	free(p->text);
	p->id = ev->paraphrase;
	p->segment = ev->segment;
	p->deleted = ev->deleted;
	p->included = ev->included && !ev->deleted;
	p->text = t;
	p->text_len = t ? ev->text_len : 0;
	core_set_theme(p->theme, ev);
	return 0;
}
