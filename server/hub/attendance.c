/* attendance.c — attendance by invitation (programmes): who was connected while a session was
 * in session, brought up to date and saved in a transaction of its own, never in a batch of
 * commands. The counting itself is the core's (core_attendance_*). */
#include "internal.h"

/* When room r's attendance next needs the hub: its window closing by itself, or the periodic
 * save while someone is counted; 0 for never. */
int64_t hub_attend_due_ms(const hub_room *r)
{
	int64_t due = r->att_end, save = r->att_saved_ms + HUB_ATTEND_SAVE_MS;
	if (r->att.in_session && r->att.present && (!due || save < due))
		due = save;
	return due;
}

/* Brings every room's attendance up to now: whether it is in session, and (every
 * HUB_ATTEND_SAVE_MS, or at once with `all`) the time of whoever is still connected; then saves
 * what changed in a transaction of its own, never in a batch of commands (whose failure it
 * must not cause, nor share). With a batch open, saving waits for its flush. */
void hub_attend_all(hub *h, bool all)
{
	int64_t now = h->io.now_ms(h->io.ctx);
	bool dirty = false;
	for (hub_room *r = h->rooms; r; r = r->next) {
		if (!r->att.n)
			continue;
		/* Closing by itself, it closed at its end, even if this runs a little later. */
		int64_t end = r->att_end;
		bool open = core_in_session(&r->st, now, &r->att_end);
		core_attendance_window(&r->att, open, !open && end && end <= now ? end : now);
		if (all || now >= r->att_saved_ms + HUB_ATTEND_SAVE_MS) {
			core_attendance_settle(&r->att, now);
			r->att_saved_ms = now;
		}
		dirty = dirty || r->att.dirty;
	}
	if (!dirty || store_in_transaction(h->store))
		return;
	rt_err err = RT_OK;
	for (hub_room *r = h->rooms; r && !err; r = r->next)
		for (uint32_t i = 0; r->att.dirty && i < r->att.n && !err; i++)
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
		core_attendance_clean(&r->att);
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
