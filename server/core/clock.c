/* clock.c — the agenda clock (AG-2, AG-4, AG-6): start, pause, resume, adjust, what the clock
 * makes due, and the current segment (go to, open and close for questions) with the time each
 * segment ran. Time comes in as now_ms; this file never reads a clock. */
#include <assert.h>

#include "internal.h"

int64_t core_clock_remaining_ms(const core_state *st, int64_t now_ms)
{
	assert(st->current_segment < st->agenda.nsegments);
	const core_timing *t = &st->timing[st->current_segment];
	int64_t run = st->clock == CORE_CLOCK_RUNNING ? now_ms - st->clock_started_at : 0;
	return t->allotted_ms - t->elapsed_ms - run;
}

/* AG-4: when the current segment's queue closes by itself, 0 for never. */
static int64_t close_due_ms(const core_state *st)
{
	assert(st->current_segment < st->agenda.nsegments);
	const core_timing *t = &st->timing[st->current_segment];
	if (st->sealed || st->clock != CORE_CLOCK_RUNNING || !st->agenda.segments[st->current_segment].questions_open ||
	    t->auto_closed)
		return 0;
	int64_t due = st->clock_started_at + t->allotted_ms - t->elapsed_ms - (int64_t)st->agenda.close_minutes * 60000;
	return due > 0 ? due : 1;
}

/* The queue closing by itself (AG-4), or a co-chairs' listener band going down (LC-6). */
int64_t core_clock_due_ms(const core_state *st)
{
	if (core_poll_due(st))
		return 1; /* POLL-1: a poll the agenda clock opens or closes, at once */
	int64_t due = close_due_ms(st), band = st->sealed ? 0 : core_band_due_ms(st);
	return band && (!due || band < due) ? band : due;
}

/* A CLOCK event with the clock as it will be; add_timing then adds the segments it changes. */
static core_event *clock_event(const core_state *st, core_decision *out, core_clock_state state, int64_t started_at)
{
	core_event *ev = core_next_event(st, out, CORE_EV_CLOCK, NULL);
	ev->clock = state;
	ev->clock_started_at = started_at;
	return ev;
}

static void add_timing(core_event *ev, uint16_t seg, core_timing t)
{
	assert(ev->ntiming < (int)(sizeof ev->timing / sizeof ev->timing[0]));
	ev->timing_segment[ev->ntiming] = seg;
	ev->timing[ev->ntiming++] = t;
}

static rt_err clock_refused(core_decision *out, const core_state *st)
{
	out->err.clock_state = (int)st->clock;
	return RT_E_CLOCK_WRONG_STATE;
}

/* AG-2: start, pause, resume, adjust; and what the clock makes due (AG-4). */
rt_err core_decide_clock(const core_state *st, const core_command *cmd, int64_t now, core_decision *out)
{
	uint16_t cur = st->current_segment;
	core_timing t = st->timing[cur];
	switch (cmd->kind) {
	case CORE_CMD_CLOCK_START:
	case CORE_CMD_CLOCK_RESUME:
		if (st->clock != (cmd->kind == CORE_CMD_CLOCK_START ? CORE_CLOCK_IDLE : CORE_CLOCK_PAUSED))
			return clock_refused(out, st);
		if (!t.started_at)
			t.started_at = now;
		add_timing(clock_event(st, out, CORE_CLOCK_RUNNING, now), cur, t);
		return RT_OK;
	case CORE_CMD_CLOCK_PAUSE:
		if (st->clock != CORE_CLOCK_RUNNING)
			return clock_refused(out, st);
		t.elapsed_ms += now - st->clock_started_at;
		add_timing(clock_event(st, out, CORE_CLOCK_PAUSED, 0), cur, t);
		return RT_OK;
	case CORE_CMD_CLOCK_ADJUST: {
		if (st->clock == CORE_CLOCK_IDLE)
			return clock_refused(out, st);
		int64_t allotted = t.allotted_ms + (int64_t)cmd->minutes * 60000;
		if (allotted < CORE_MIN_ALLOTTED_MS)
			allotted = CORE_MIN_ALLOTTED_MS;
		if (allotted == t.allotted_ms)
			return RT_OK;
		/* A later end is a new end: the clock may close the questions again at it. */
		if (allotted > t.allotted_ms)
			t.auto_closed = false;
		t.allotted_ms = allotted;
		add_timing(clock_event(st, out, st->clock, st->clock_started_at), cur, t);
		return RT_OK;
	}
	case CORE_CMD_CLOCK_DUE: {
		int64_t due = close_due_ms(st);
		if (due && now >= due) {
			core_event *ev = core_next_event(st, out, CORE_EV_SEGMENT_CLOSED, NULL);
			ev->segment = cur;
			ev->automatic = true;
		}
		core_decide_bands_due(st, now, out);
		return RT_OK;
	}
	default:
		return RT_E_AUTH_FORBIDDEN;
	}
}

/* agenda.goto: the current segment changes; a started clock leaves the old segment with its
 * time and runs in the new one, from that segment's own elapsed time (going back resumes). */
static void goto_clock(const core_state *st, uint16_t seg, int64_t now, core_decision *out)
{
	if (st->clock == CORE_CLOCK_IDLE)
		return;
	uint16_t cur = st->current_segment;
	core_timing from = st->timing[cur], to = st->timing[seg];
	if (st->clock == CORE_CLOCK_RUNNING)
		from.elapsed_ms += now - st->clock_started_at;
	if (!to.started_at)
		to.started_at = now;
	core_event *ev = clock_event(st, out, CORE_CLOCK_RUNNING, now);
	add_timing(ev, cur, from);
	add_timing(ev, seg, to);
}

/* QA-6: a change of the current segment carries the unanswered questions of the segment left
 * (live and pending, so that the co-chairs still see what awaits moderation) to the segment
 * entered, unless the agenda says that segment starts empty. At most CORE_MAX_MOVE of them, the
 * oldest first; the event names them, so that evolve, the store and the clients move exactly
 * those. */
static void carry_over(const core_state *st, uint16_t seg, core_event *ev, core_decision *out)
{
	ev->from = st->current_segment;
	ev->ids = out->ids;
	if (st->agenda.segments[seg].starts_empty)
		return;
	for (uint32_t i = 0; i < st->nquestions && ev->nids < CORE_MAX_MOVE; i++) {
		const core_question *q = &st->questions[i];
		if (q->segment == st->current_segment && (q->state == CORE_Q_PENDING || q->state == CORE_Q_APPROVED))
			out->ids[ev->nids++] = q->id;
	}
}

/* segment.open, segment.close and agenda.goto. */
rt_err core_decide_segment(const core_state *st, const core_command *cmd, int64_t now, core_decision *out)
{
	rt_err err = core_segment_exists(st, cmd->segment, out);
	if (err)
		return err;
	bool open = st->agenda.segments[cmd->segment].questions_open;
	core_event_kind kind;
	if (cmd->kind == CORE_CMD_AGENDA_GOTO) {
		if (st->current_segment == cmd->segment)
			return RT_OK;
		kind = CORE_EV_AGENDA_CURRENT;
	} else if (cmd->kind == CORE_CMD_SEGMENT_OPEN) {
		if (open)
			return RT_OK;
		kind = CORE_EV_SEGMENT_OPENED;
	} else {
		if (!open)
			return RT_OK;
		kind = CORE_EV_SEGMENT_CLOSED;
	}
	core_event *ev = core_next_event(st, out, kind, NULL);
	ev->segment = cmd->segment;
	if (kind == CORE_EV_AGENDA_CURRENT) {
		carry_over(st, cmd->segment, ev, out);
		goto_clock(st, cmd->segment, now, out);
	}
	return RT_OK;
}

int core_evolve_clock(core_state *st, const core_event *ev)
{
	for (int i = 0; i < ev->ntiming; i++)
		if (ev->timing_segment[i] >= st->agenda.nsegments)
			return -1;
	st->clock = ev->clock;
	st->clock_started_at = ev->clock_started_at;
	for (int i = 0; i < ev->ntiming; i++)
		st->timing[ev->timing_segment[i]] = ev->timing[i];
	return 0;
}

/* SEGMENT_OPENED, SEGMENT_CLOSED (by a co-chair, or automatically by the clock) and
 * AGENDA_CURRENT. */
int core_evolve_segment(core_state *st, const core_event *ev)
{
	if (ev->segment >= st->agenda.nsegments)
		return -1;
	if (ev->kind == CORE_EV_AGENDA_CURRENT) {
		if (core_evolve_moved(st, ev))
			return -1;
		st->current_segment = ev->segment;
	} else
		st->agenda.segments[ev->segment].questions_open = ev->kind == CORE_EV_SEGMENT_OPENED;
	if (ev->automatic)
		st->timing[ev->segment].auto_closed = true;
	return 0;
}
