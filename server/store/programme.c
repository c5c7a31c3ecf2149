/* programme.c — programmes and their sessions, seats, the waiting list and attendance rows.
 * These run rarely (organiser commands, attendance flushes): their statements are prepared each
 * time. What the rows mean (who leaves the waiting list, what counts as attended) is the core's. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "internal.h"

rt_err store_create_programme(store *s, const store_programme *p)
{
	sqlite3_stmt *st =
	    store_prepare(s, "INSERT INTO programme (id, title, attend_percent, certificate, seats, priority) "
	                     "VALUES (?, ?, ?, ?, ?, ?)");
	if (st) {
		store_bind_id(st, 1, p->id);
		sqlite3_bind_text(st, 2, p->title, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, p->attend_percent);
		sqlite3_bind_int(st, 4, p->certificate);
		if (p->seats >= 0)
			sqlite3_bind_int(st, 5, p->seats);
		sqlite3_bind_text(st, 6, p->priority, -1, SQLITE_STATIC);
	}
	return store_write_once(s, st);
}

rt_err store_add_session(store *s, const char *cid, const char *pid, int session, int64_t starts_at)
{
	sqlite3_stmt *st =
	    store_prepare(s, "UPDATE consultation SET programme = ?, programme_order = ?, starts_at = ? WHERE id = ?");
	if (st) {
		store_bind_id(st, 1, pid);
		sqlite3_bind_int(st, 2, session);
		sqlite3_bind_int64(st, 3, starts_at);
		store_bind_id(st, 4, cid);
	}
	return store_write_once(s, st);
}

rt_err store_find_programme(store *s, const char *pid, store_programme *out)
{
	sqlite3_stmt *st =
	    store_prepare(s, "SELECT title, attend_percent, certificate, seats, priority FROM programme WHERE id = ?");
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	store_bind_id(st, 1, pid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		snprintf(out->id, sizeof out->id, "%s", pid);
		store_column_copy(st, 0, out->title, sizeof out->title);
		out->attend_percent = sqlite3_column_int(st, 1);
		out->certificate = sqlite3_column_int(st, 2);
		out->seats = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 3);
		store_column_copy(st, 4, out->priority, sizeof out->priority);
	}
	sqlite3_finalize(st);
	return store_found(rc);
}

rt_err store_programme_sessions(store *s, const char *pid, store_session *out, int cap, int *n)
{
	*n = 0;
	sqlite3_stmt *st =
	    store_prepare(s, "SELECT c.id, coalesce(c.starts_at, 0), c.clock_state, c.sealed, "
	                     "(SELECT coalesce(sum(duration_min), 0) FROM segment g WHERE g.consultation = c.id) "
	                     "FROM consultation c WHERE c.programme = ? ORDER BY c.programme_order");
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	store_bind_id(st, 1, pid);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < cap) {
		store_session *o = &out[(*n)++];
		store_column_copy(st, 0, o->id, sizeof o->id);
		o->info = (core_session_info){.starts_at = sqlite3_column_int64(st, 1),
		                              .started = sqlite3_column_int(st, 2) != CORE_CLOCK_IDLE,
		                              .sealed = sqlite3_column_int(st, 3) != 0,
		                              .scheduled_ms = sqlite3_column_int64(st, 4) * 60000};
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? RT_OK : RT_E_SERVER_UNAVAILABLE;
}

rt_err store_seats_get(store *s, const char *owner, store_seats *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st =
	    store_prepare(s, "SELECT 1, seats, priority FROM programme WHERE id = ?1 UNION ALL "
	                     "SELECT 0, seats, priority FROM consultation WHERE id = ?1 AND programme IS NULL");
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	store_bind_id(st, 1, owner);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->programme = sqlite3_column_int(st, 0) != 0;
		out->seats = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 1);
		store_column_copy(st, 2, out->priority, sizeof out->priority);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return store_found(rc);
	st = store_prepare(
	    s, "SELECT (SELECT count(*) FROM token WHERE (consultation = ?1 OR programme = ?1) AND kind = 2 AND "
	       "revoked = 0), (SELECT count(*) FROM waiting WHERE coalesce(consultation, programme) = ?1)");
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	store_bind_id(st, 1, owner);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->invited = sqlite3_column_int(st, 0);
		out->waiting = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? RT_OK : RT_E_SERVER_UNAVAILABLE;
}

rt_err store_priority_set(store *s, const char *owner, bool programme, const char *priority)
{
	sqlite3_stmt *st = store_prepare(s, programme ? "UPDATE programme SET priority = ? WHERE id = ?"
	                                              : "UPDATE consultation SET priority = ? WHERE id = ?");
	if (st) {
		sqlite3_bind_text(st, 1, priority, -1, SQLITE_STATIC);
		store_bind_id(st, 2, owner);
	}
	return store_write_once(s, st);
}

rt_err store_seats_set(store *s, const char *owner, bool programme, int seats)
{
	sqlite3_stmt *st = store_prepare(s, programme ? "UPDATE programme SET seats = ? WHERE id = ?"
	                                              : "UPDATE consultation SET seats = ? WHERE id = ?");
	if (st) {
		if (seats >= 0)
			sqlite3_bind_int(st, 1, seats);
		store_bind_id(st, 2, owner);
	}
	return store_write_once(s, st);
}

/* The whole number `sql` gives for an owner (?1) and a label (?2) into *out; `none` when it gives
 * no row. */
static rt_err label_number(store *s, const char *sql, const char *owner, const char *label, int none, int *out)
{
	sqlite3_stmt *st = store_prepare(s, sql);
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	store_bind_id(st, 1, owner);
	sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : none;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? RT_OK : RT_E_SERVER_UNAVAILABLE;
}

rt_err store_label_state_get(store *s, const char *owner, const char *label, store_label_state *out)
{
	int state;
	rt_err err = label_number(s,
	                          "SELECT 1 FROM token WHERE (consultation = ?1 OR programme = ?1) AND kind = 2 AND "
	                          "revoked = 0 AND label = ?2 UNION ALL SELECT 2 FROM waiting WHERE "
	                          "coalesce(consultation, programme) = ?1 AND label = ?2",
	                          owner, label, STORE_LABEL_NONE, &state);
	*out = err ? STORE_LABEL_NONE : (store_label_state)state;
	return err;
}

rt_err store_waiting_add(store *s, const char *owner, bool programme, const char *label, int rank, int *position)
{
	sqlite3_stmt *st =
	    store_prepare(s, "INSERT INTO waiting (consultation, programme, label, rank, ordinal) VALUES "
	                     "(?1, ?2, ?3, ?4, (SELECT coalesce(max(ordinal), 0) + 1 FROM waiting WHERE "
	                     "coalesce(consultation, programme) = ?5))");
	if (st) {
		store_bind_id(st, programme ? 2 : 1, owner);
		sqlite3_bind_text(st, 3, label, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, rank);
		store_bind_id(st, 5, owner);
	}
	rt_err err = store_write_once(s, st);
	if (err)
		return err;
	return label_number(
	    s,
	    "SELECT count(*) FROM waiting w, waiting me WHERE coalesce(me.consultation, me.programme) = "
	    "?1 AND me.label = ?2 AND coalesce(w.consultation, w.programme) = ?1 AND (w.rank < me.rank "
	    "OR (w.rank = me.rank AND w.ordinal <= me.ordinal))",
	    owner, label, 0, position);
}

rt_err store_waiting_remove(store *s, const char *owner, const char *label)
{
	sqlite3_stmt *st =
	    store_prepare(s, "DELETE FROM waiting WHERE coalesce(consultation, programme) = ? AND label = ?");
	if (st) {
		store_bind_id(st, 1, owner);
		sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
	}
	return store_write_once(s, st);
}

/* Calls each(arg, label, column 1 as int, column 2 as int64) for every row of `sql`, whose ?1 is
 * id. */
static rt_err each_row(store *s, const char *sql, const char *id, store_label_fn each, void *arg)
{
	sqlite3_stmt *st = store_prepare(s, sql);
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	store_bind_id(st, 1, id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		each(arg, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1),
		     sqlite3_column_int64(st, 2));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? RT_OK : RT_E_SERVER_UNAVAILABLE;
}

rt_err store_each_label(store *s, const char *owner, bool invited, store_label_fn each, void *arg)
{
	return each_row(s,
	                invited ? "SELECT label, 0, 0 FROM token WHERE (consultation = ?1 OR programme = ?1) AND "
	                          "kind = 2 AND revoked = 0 ORDER BY label"
	                        : "SELECT label, rank, 0 FROM waiting WHERE coalesce(consultation, programme) = ?1 "
	                          "ORDER BY rank, ordinal",
	                owner, each, arg);
}

/* Writes `sql` for consultation ?1, label ?2 and value ?3, in the open transaction (begun if
 * none is). */
static rt_err label_write(store *s, const char *sql, const char *cid, const char *label, int64_t value)
{
	sqlite3_stmt *st = store_prepare(s, sql);
	if (st) {
		store_bind_id(st, 1, cid);
		sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, value);
	}
	return store_write_once(s, st);
}

rt_err store_attendance_put(store *s, const char *cid, const char *label, int64_t ms)
{
	/* CHR-5: a plain consultation, once sealed, keeps no attendance (time counted up to the seal
	 * and saved after it included). */
	return label_write(s,
	                   "INSERT INTO attendance (consultation, label, attended_ms) SELECT ?1, ?2, ?3 "
	                   "WHERE NOT EXISTS (SELECT 1 FROM consultation WHERE id = ?1 AND sealed = 1 AND "
	                   "programme IS NULL) ON CONFLICT (consultation, label) DO UPDATE SET attended_ms = ?3",
	                   cid, label, ms);
}

rt_err store_attendance_load(store *s, const char *cid, store_label_fn each, void *arg)
{
	return each_row(s, "SELECT label, 0, attended_ms FROM attendance WHERE consultation = ?1", cid, each, arg);
}

rt_err store_attendance_report(store *s, const char *pid, store_label_fn each, void *arg)
{
	return each_row(s,
	                "SELECT a.label, c.programme_order, a.attended_ms FROM attendance a JOIN consultation c "
	                "ON c.id = a.consultation WHERE c.programme = ?1 UNION ALL "
	                "SELECT label, 0, 0 FROM token WHERE programme = ?1 AND kind = 2 AND revoked = 0 ORDER BY 1, 2",
	                pid, each, arg);
}

rt_err store_attendance_import(store *s, const char *cid, const char *label, int minutes)
{
	return label_write(s,
	                   "INSERT INTO attendance_import (consultation, label, minutes) VALUES (?1, ?2, ?3) "
	                   "ON CONFLICT (consultation, label) DO UPDATE SET minutes = ?3",
	                   cid, label, minutes);
}

rt_err store_attendance_correct(store *s, const char *cid, const char *label, int minutes, const char *reason,
                                int64_t at)
{
	sqlite3_stmt *st = store_prepare(
	    s, "INSERT INTO attendance_correction (consultation, label, minutes, reason, at) VALUES (?, ?, ?, ?, ?)");
	if (st) {
		store_bind_id(st, 1, cid);
		sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, minutes);
		sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, at);
	}
	return store_write_once(s, st);
}

rt_err store_consultation_programme(store *s, const char *cid, char pid[CORE_ID_MAX + 1], int *session)
{
	pid[0] = '\0';
	*session = 0;
	sqlite3_stmt *st = store_prepare(
	    s, "SELECT coalesce(programme, ''), coalesce(programme_order, 0) FROM consultation WHERE id = ?");
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	store_bind_id(st, 1, cid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		store_column_copy(st, 0, pid, CORE_ID_MAX + 1);
		*session = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return store_found(rc);
}

rt_err store_programme_label(store *s, const char *pid, const char *label, bool *known)
{
	int found = 0;
	rt_err err = label_number(s, "SELECT 1 FROM token WHERE programme = ?1 AND kind = 2 AND label = ?2", pid, label,
	                          0, &found);
	*known = found == 1;
	return err;
}

rt_err store_attendance_detail(store *s, const char *pid, store_attendance_fn each, void *arg)
{
	sqlite3_stmt *st = store_prepare(
	    s,
	    "WITH k AS (SELECT consultation, label FROM attendance UNION SELECT consultation, label FROM "
	    "attendance_import UNION SELECT consultation, label FROM attendance_correction) "
	    "SELECT k.label, c.programme_order, "
	    "coalesce((SELECT attended_ms FROM attendance a WHERE a.consultation = k.consultation AND a.label = "
	    "k.label), -1), "
	    "coalesce((SELECT minutes FROM attendance_import i WHERE i.consultation = k.consultation AND i.label = "
	    "k.label), -1), "
	    "(SELECT coalesce(sum(minutes), 0) FROM attendance_correction r WHERE r.consultation = k.consultation AND "
	    "r.label = k.label), "
	    "(SELECT count(*) FROM attendance_correction r WHERE r.consultation = k.consultation AND r.label = "
	    "k.label) "
	    "FROM k JOIN consultation c ON c.id = k.consultation WHERE c.programme = ?1 UNION ALL "
	    "SELECT label, 0, -1, -1, 0, 0 FROM token WHERE programme = ?1 AND kind = 2 AND revoked = 0 ORDER BY 1, 2");
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	store_bind_id(st, 1, pid);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		each(arg, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1),
		     sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4),
		     sqlite3_column_int(st, 5));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? RT_OK : RT_E_SERVER_UNAVAILABLE;
}

rt_err store_attendance_audit(store *s, const char *pid, store_correction_fn each, void *arg)
{
	sqlite3_stmt *st = store_prepare(
	    s, "SELECT r.label, c.programme_order, r.minutes, r.reason, r.at FROM attendance_correction r "
	       "JOIN consultation c ON c.id = r.consultation WHERE c.programme = ? ORDER BY r.rowid");
	if (!st)
		return RT_E_SERVER_UNAVAILABLE;
	store_bind_id(st, 1, pid);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		each(arg, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1),
		     sqlite3_column_int(st, 2), (const char *)sqlite3_column_text(st, 3), sqlite3_column_int64(st, 4));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? RT_OK : RT_E_SERVER_UNAVAILABLE;
}
