/* attend.c — attendance of a session by invitation, and the session a programme link opens.
 * Pure: no clock, no I/O; what it counts is lengths of time, never who said what. */
#include "attend.h"

#include "scrub.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void core_attendance_init(core_attendance *att)
{
	memset(att, 0, sizeof *att);
}

void core_attendance_free(core_attendance *att)
{
	free(att->a);
	memset(att, 0, sizeof *att);
}

int core_attendance_find(core_attendance *att, const char *label)
{
	for (uint32_t i = 0; i < att->n; i++)
		if (strcmp(att->a[i].label, label) == 0)
			return (int)i;
	if (att->n == att->cap) {
		uint32_t cap = att->cap ? att->cap * 2 : 16;
		core_attendee *a = realloc(att->a, cap * sizeof *a);
		if (!a)
			return -1;
		att->a = a;
		att->cap = cap;
	}
	core_attendee *e = &att->a[att->n];
	memset(e, 0, sizeof *e);
	snprintf(e->label, sizeof e->label, "%s", label);
	return (int)att->n++;
}

/* Counts attendee e's open stretch up to now. */
static void settle(core_attendance *att, core_attendee *e, int64_t now)
{
	if (e->open && att->in_session && now > e->since) {
		e->attended_ms += now - e->since;
		e->dirty = att->dirty = true;
	}
	e->since = now;
}

void core_attendance_join(core_attendance *att, int i, int64_t now)
{
	core_attendee *e = &att->a[i];
	settle(att, e, now);
	att->present += e->open++ == 0;
}

void core_attendance_leave(core_attendance *att, int i, int64_t now)
{
	core_attendee *e = &att->a[i];
	settle(att, e, now);
	if (e->open && --e->open == 0)
		att->present--;
}

void core_attendance_clean(core_attendance *att)
{
	for (uint32_t i = 0; att->dirty && i < att->n; i++)
		att->a[i].dirty = false;
	att->dirty = false;
}

void core_attendance_settle(core_attendance *att, int64_t now)
{
	for (uint32_t i = 0; i < att->n; i++)
		settle(att, &att->a[i], now);
}

void core_attendance_window(core_attendance *att, bool open, int64_t now)
{
	if (open == att->in_session)
		return;
	core_attendance_settle(att, now);
	att->in_session = open;
}

int64_t core_attendance_ms(const core_attendance *att, int i, int64_t now)
{
	const core_attendee *e = &att->a[i];
	int64_t ms = e->attended_ms;
	if (e->open && att->in_session && now > e->since)
		ms += now - e->since;
	return ms;
}

bool core_in_session(const core_state *st, int64_t now, int64_t *changes_at)
{
	*changes_at = 0;
	if (st->sealed || st->clock == CORE_CLOCK_IDLE || st->agenda.nsegments == 0)
		return false;
	if (st->current_segment + 1 < st->agenda.nsegments)
		return true;
	int64_t left = core_clock_remaining_ms(st, now);
	if (left <= 0)
		return false;
	if (st->clock == CORE_CLOCK_RUNNING)
		*changes_at = now + left;
	return true;
}

int64_t core_scheduled_ms(const core_agenda *a)
{
	int64_t ms = 0;
	for (int i = 0; i < a->nsegments; i++)
		ms += (int64_t)a->segments[i].duration_min * 60000;
	return ms;
}

bool core_attended(int64_t attended_ms, int64_t scheduled_ms, int percent)
{
	/* attended / scheduled >= percent / 100, in integers. */
	return attended_ms * 100 >= scheduled_ms * percent;
}

int core_sessions_attended(const int64_t *ms, const int64_t *scheduled_ms, int n, int percent, bool *attended)
{
	int count = 0;
	for (int i = 0; i < n; i++) {
		bool yes = ms[i] >= 0 && core_attended(ms[i], scheduled_ms[i], percent);
		if (attended)
			attended[i] = yes;
		count += yes;
	}
	return count;
}

bool core_certified(int attended, int certificate)
{
	return attended >= certificate;
}

int core_certificate_default(int nsessions)
{
	return nsessions > 1 ? nsessions - 1 : 1;
}

int core_programme_pick(const core_session_info *s, int n, int64_t now)
{
	for (int i = n - 1; i >= 0; i--)
		if (s[i].started && !s[i].sealed &&
		    (!s[i].starts_at || now < s[i].starts_at + s[i].scheduled_ms + CORE_SESSION_GRACE_MS))
			return i;
	for (int i = 0; i < n; i++)
		if (!s[i].started && !s[i].sealed && (!s[i].starts_at || now < s[i].starts_at + s[i].scheduled_ms))
			return i;
	for (int i = n - 1; i >= 0; i--)
		if (!s[i].sealed)
			return i;
	return n - 1;
}

int64_t core_attendance_effective(int64_t measured_ms, int64_t imported_ms, int64_t corrected_ms, bool corrected)
{
	if (measured_ms < 0 && imported_ms < 0 && !corrected)
		return -1;
	int64_t ms = measured_ms > imported_ms ? measured_ms : imported_ms;
	if (ms < 0)
		ms = 0;
	ms += corrected_ms;
	return ms > 0 ? ms : 0;
}

rt_err core_import_check(long minutes)
{
	return minutes >= 0 && minutes <= CORE_IMPORT_MINUTES_MAX ? RT_OK : RT_E_PROTOCOL_INVALID_FIELD;
}

rt_err core_correction_check(long minutes, const char *reason, size_t len, const char **why)
{
	*why = NULL;
	if (minutes == 0 || minutes < -CORE_CORRECTION_MINUTES_MAX || minutes > CORE_CORRECTION_MINUTES_MAX) {
		*why = "the minutes of a correction are a non-zero number from -1440 to 1440";
		return RT_E_PROTOCOL_INVALID_FIELD;
	}
	long cp = reason ? core_utf8_count(reason, len) : -1;
	bool ctrl = false;
	for (size_t i = 0; reason && i < len; i++)
		ctrl = ctrl || (unsigned char)reason[i] < 0x20 || reason[i] == 0x7f;
	if (cp < 1 || cp > CORE_REASON_MAX_CP || ctrl) {
		*why = "a correction needs a reason of 1 to 200 characters on one line";
		return RT_E_PROTOCOL_INVALID_FIELD;
	}
	core_find found[1];
	if (core_scrub_find(reason, len, NULL, CORE_LANG_EN, found, 1) != 0) {
		*why = "the reason must not identify anyone (no e-mail address, link, handle or phone number)";
		return RT_E_PROTOCOL_INVALID_FIELD;
	}
	return RT_OK;
}
