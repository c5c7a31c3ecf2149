/* attendance.c — attendance by invitation (programmes): who was connected while a session was
 * in session, counted in memory and written once, for everyone, when the session's window
 * closes (or the server stops gracefully). The counting itself is the core's (core_attendance_*). */
#include "internal.h"

/* When room r's attendance next needs the hub: its window closing by itself, or 0 for never.
 * Nothing else: departures and the passing of time while in session are not written (CHR-3). */
int64_t hub_attend_due_ms(const hub_room *r)
{
	return r->att_end;
}

/* Brings every room's attendance up to now (whether it is in session) and writes it when its
 * window has closed (the agenda's end, the clock back to idle, the seal) or, with `all`, for a
 * graceful stop. CHR-3: never at a departure nor on a beat while in session, so that the order
 * of writes in the WAL or a series of backups says nothing of who was present when a question
 * or a vote was written; a crash loses the page-open attendance of a session in progress.
 * Every room to write goes in one transaction of its own, never in a batch of commands (whose
 * failure it must not cause, nor share); with a batch open, writing waits for its flush. */
void hub_attend_all(hub *h, bool all)
{
	int64_t now = h->io.now_ms(h->io.ctx);
	bool save = false;
	for (hub_room *r = h->rooms; r; r = r->next) {
		if (!r->att.n)
			continue;
		/* Closing by itself, it closed at its end, even if this runs a little later. */
		int64_t end = r->att_end;
		bool was = r->att.in_session, open = core_in_session(&r->st, now, &r->att_end);
		core_attendance_window(&r->att, open, !open && end && end <= now ? end : now);
		if (all)
			core_attendance_settle(&r->att, now);
		r->att_save = (r->att_save || (was && !open) || all) && r->att.dirty;
		save = save || r->att_save;
	}
	if (!save || store_in_transaction(h->store))
		return;
	rt_err err = RT_OK;
	for (hub_room *r = h->rooms; r && !err; r = r->next)
		for (uint32_t i = 0; r->att_save && i < r->att.n && !err; i++)
			if (r->att.a[i].dirty)
				err = store_attendance_put(h->store, r->st.agenda.id, r->att.a[i].label,
				                           r->att.a[i].attended_ms);
	if (!err)
		err = store_commit(h->store);
	if (err) {
		/* Kept in memory and written again later: each row replaces the one before. */
		store_rollback(h->store);
		hub_store_failed(h);
		return;
	}
	for (hub_room *r = h->rooms; r; r = r->next)
		if (r->att_save) {
			core_attendance_clean(&r->att);
			r->att_save = false;
		}
}

/* store_attendance_load's callback: an attendee's time saved before. */
void hub_attend_loaded(void *arg, const char *label, int n, int64_t ms)
{
	(void)n;
	core_attendance *att = arg;
	int i = core_attendance_find(att, label);
	if (i >= 0)
		att->a[i].attended_ms = ms;
}
