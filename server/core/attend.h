/* attend.h — programmes in the core: attendance of a session by invitation, and which session a
 * programme's link opens now. Pure like the rest of the core: time arrives as a parameter.
 * It is not the place of participants' content: an attendee is an organiser's invitation label
 * and a length of time, never a pseudonym, a question, a vote or a language.
 *
 * Attendance counts the time at least one connection made with the invitation was open while
 * the session was in session (core_in_session): two tabs count once, a reconnection's gap not
 * at all, time before the co-chairs start the clock and after the last segment's end not at all. */
#ifndef RT_ATTEND_H
#define RT_ATTEND_H

#include <stdbool.h>
#include <stdint.h>

#include "core.h"
#include "rt_err.h"

/* An organiser's label for an invitation ("REG-0042"), in bytes; never required to be a name. */
#define CORE_LABEL_MAX 64
/* A programme's sessions at most. */
#define CORE_MAX_SESSIONS 50
/* Defaults when a programme file sets none: a session is attended at half its scheduled time,
 * and the certificate needs every session but one (7 of 8 in the training programme). */
#define CORE_DEFAULT_ATTEND_PERCENT 50
/* A session in progress stops being the one a programme link opens this long after its
 * planned end, even if its co-chairs never paused or sealed it. */
#define CORE_SESSION_GRACE_MS (6 * 3600 * 1000LL)

typedef struct core_attendee {
	char label[CORE_LABEL_MAX + 1];
	uint32_t open;       /* connections open now */
	int64_t since;       /* the start of the stretch not yet counted (while open and in session) */
	int64_t attended_ms; /* counted so far */
	bool dirty;          /* attended_ms changed since core_attendance_clean */
} core_attendee;

/* One session's attendees, in memory. Attendees are never removed, so an index stays valid. */
typedef struct core_attendance {
	core_attendee *a; /* owned */
	uint32_t n, cap;
	bool in_session;
	uint32_t present; /* attendees with a connection open now */
	bool dirty;       /* some attendee is dirty */
} core_attendance;

void core_attendance_init(core_attendance *att);
void core_attendance_free(core_attendance *att);
/* The index of label's attendee, added (with attended_ms 0) if new; -1 when out of memory. */
int core_attendance_find(core_attendance *att, const char *label);
/* A connection of attendee i opened / closed at now. */
void core_attendance_join(core_attendance *att, int i, int64_t now);
void core_attendance_leave(core_attendance *att, int i, int64_t now);
/* The session went into session (open) or out of it at now. */
void core_attendance_window(core_attendance *att, bool open, int64_t now);
/* Counts every open stretch up to now, so that attended_ms is current (before saving). */
void core_attendance_settle(core_attendance *att, int64_t now);
/* Marks every attendee saved (after their attended_ms was stored). */
void core_attendance_clean(core_attendance *att);
/* Attendee i's time at now, counted or not. */
int64_t core_attendance_ms(const core_attendance *att, int i, int64_t now);

/* Whether consultation st is in session at now: its clock has started, it is not sealed, and
 * its last segment has not reached its end (extensions count; overrun does not). *changes_at is
 * when that changes by itself (the last segment's end while it runs), or 0. */
bool core_in_session(const core_state *st, int64_t now, int64_t *changes_at);
/* A session's scheduled time: the sum of its segments' planned durations. */
int64_t core_scheduled_ms(const core_agenda *a);
/* Whether attended_ms is at least percent % of scheduled_ms. */
bool core_attended(int64_t attended_ms, int64_t scheduled_ms, int percent);

/* A programme's certificate. An invitation attended session i of n when ms[i], its time there
 * (-1: none recorded), is core_attended against scheduled_ms[i] at percent %: returns how many
 * sessions it attended, and sets attended[i] for each (when attended is not NULL). */
int core_sessions_attended(const int64_t *ms, const int64_t *scheduled_ms, int n, int percent, bool *attended);
/* Whether attending `attended` sessions earns a certificate that needs `certificate` of them. */
bool core_certified(int attended, int certificate);
/* The sessions a certificate needs when the programme file sets none: every session but one,
 * and at least one. */
int core_certificate_default(int nsessions);

/* What choosing a programme's session needs to know of each, in programme order. */
typedef struct core_session_info {
	int64_t starts_at;    /* planned start, server ms (UTC); 0 when unknown */
	int64_t scheduled_ms; /* core_scheduled_ms */
	bool started;         /* its clock has left idle */
	bool sealed;
} core_session_info;

/* Which session a programme's link opens at now (an index into s[0..n)), n >= 1: the latest
 * started one that is not sealed and whose planned end is less than CORE_SESSION_GRACE_MS ago;
 * else the first neither started nor sealed whose planned end is still to come; else the last
 * one not sealed; else the last. */
int core_programme_pick(const core_session_info *s, int n, int64_t now);

/* --- ORG-3: attendance that holds up: another record, and corrections -------------------------
 * Beside the page-open measure, an organiser may bring minutes from another record of the
 * session (a Zoom attendance report, matched to labels in the organiser's browser: only label
 * and minutes reach the server) and correct a label's time with a reason. A correction's audit
 * row is the label, the minutes, the reason and the time: never who made it. */

/* Imported minutes of one label for one session: 0 to this. */
#define CORE_IMPORT_MINUTES_MAX (24 * 60)
/* A correction: minutes added (or taken away), at most this either way, never 0. */
#define CORE_CORRECTION_MINUTES_MAX (24 * 60)
/* A correction's reason, in code points. */
#define CORE_REASON_MAX_CP 200

/* What counts for the certificate: the longer of the page-open measure and the imported record,
 * plus the corrections, never below 0. measured_ms and imported_ms are -1 when not recorded;
 * corrected_ms sums the corrections (0 for none). -1 when nothing at all is recorded (no
 * measure, no import and no correction: `corrected` false). */
int64_t core_attendance_effective(int64_t measured_ms, int64_t imported_ms, int64_t corrected_ms, bool corrected);

/* Checks imported minutes for a session (0..CORE_IMPORT_MINUTES_MAX): RT_OK or RT_E_PROTOCOL_INVALID_FIELD. */
rt_err core_import_check(long minutes);
/* Checks a correction: minutes non-zero within CORE_CORRECTION_MINUTES_MAX either way, and a
 * reason of 1 to CORE_REASON_MAX_CP code points of UTF-8 without control characters in which the
 * scrubber finds nothing that could identify someone (no e-mail, link, handle or phone
 * number). RT_OK or RT_E_PROTOCOL_INVALID_FIELD, with what is wrong in *why (static text). */
rt_err core_correction_check(long minutes, const char *reason, size_t len, const char **why);

#endif
