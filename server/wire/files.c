/* files.c — the organiser's files: the agenda (protocol/agenda.md) and the programme
 * (protocol/programme.md), each checked whole, every error named by its place in the file
 * ("segments[2].duration: ..."). Not the messages of the live protocol (decode.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "attend.h"
#include "wire.h"

/* --- the agenda file --------------------------------------------------------------------- */

__attribute__((format(printf, 2, 3))) static void agenda_error(wire_agenda_errors *errs, const char *fmt, ...)
{
	if (errs->n >= WIRE_AGENDA_MAX_ERRORS)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errs->msg[errs->n++], sizeof errs->msg[0], fmt, ap);
	va_end(ap);
}

/* Copies a string of 1..max_cp code points into dst (cap bytes); reports at path otherwise. */
static void agenda_string(json_t *v, const char *path, size_t max_cp, char *dst, size_t cap, wire_agenda_errors *errs)
{
	if (!v) {
		agenda_error(errs, "%s: is required", path);
		return;
	}
	const char *s = json_string_value(v);
	long n = s ? core_utf8_count(s, json_string_length(v)) : -1;
	if (!s || n < 1 || (size_t)n > max_cp || json_string_length(v) >= cap) {
		agenda_error(errs, "%s: must be a string of 1 to %zu characters", path, max_cp);
		return;
	}
	memcpy(dst, s, json_string_length(v) + 1);
}

/* AG-1, LC-2: a text of the agenda: a string in the floor language, or an object of the same
 * text in several languages, the floor language's required. The floor's goes to dst; each other
 * language's to in + lang * stride (stride: the size of one, cap bytes too). */
static void agenda_text(json_t *v, const char *path, size_t max_cp, core_lang floor, char *dst, char *in, size_t stride,
                        wire_agenda_errors *errs)
{
	if (!json_is_object(v)) {
		agenda_string(v, path, max_cp, dst, stride, errs);
		return;
	}
	char field[128];
	if (!json_object_get(v, core_lang_name(floor)))
		agenda_error(errs, "%s.%s: is required: the floor language's text", path, core_lang_name(floor));
	const char *key;
	json_t *text;
	json_object_foreach(v, key, text)
	{
		snprintf(field, sizeof field, "%s.%.8s", path, key);
		int lang = core_lang_parse(key);
		if (lang < 0)
			agenda_error(errs, "%s: must be one of en, ar, fr, es", field);
		else
			agenda_string(text, field, max_cp, lang == (int)floor ? dst : in + (size_t)lang * stride,
			              stride, errs);
	}
}

static int agenda_lang(json_t *v, const char *path, wire_agenda_errors *errs)
{
	int lang = core_lang_parse(json_string_value(v));
	if (lang < 0)
		agenda_error(errs, "%s: must be one of en, ar, fr, es", path);
	return lang;
}

/* Reports every key of obj not in `known` (a NULL-terminated list). */
static void agenda_unknown(json_t *obj, const char *prefix, const char *const *known, wire_agenda_errors *errs)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		bool ok = false;
		for (int i = 0; known[i]; i++)
			ok = ok || strcmp(known[i], key) == 0;
		if (!ok)
			agenda_error(errs, "%s%s: is not a field of the agenda format", prefix, key);
	}
}

/* An optional whole number min..max; absent keeps *out. */
static void agenda_number(json_t *v, const char *path, int min, int max, uint16_t *out, wire_agenda_errors *errs)
{
	if (!v)
		return;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		agenda_error(errs, "%s: must be a whole number from %d to %d", path, min, max);
	else
		*out = (uint16_t)json_integer_value(v);
}

/* AB-1, AB-2, AB-6: the open link's limits: pending questions held at most, new device keys
 * per network per minute (0: no cap) and the proof of work a new one costs (0: none). */
static void agenda_guard_limits(json_t *limits, core_agenda *out, wire_agenda_errors *errs)
{
	uint16_t bits = out->work_bits;
	agenda_number(json_object_get(limits, "pending_questions"), "limits.pending_questions", 1, 10000,
	              &out->max_pending, errs);
	agenda_number(json_object_get(limits, "new_devices_per_minute"), "limits.new_devices_per_minute", 0, 10000,
	              &out->new_devices_per_minute, errs);
	agenda_number(json_object_get(limits, "work_bits"), "limits.work_bits", 0, CORE_MAX_WORK_BITS, &bits, errs);
	out->work_bits = (uint8_t)bits;
}

static bool valid_timezone(const char *s)
{
	size_t len = s ? strlen(s) : 0;
	if (len < 3 || len > CORE_TIMEZONE_MAX)
		return false;
	if (strcmp(s, "UTC") == 0)
		return true;
	if (!(s[0] >= 'A' && s[0] <= 'Z') || !strchr(s, '/'))
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
		      c == '_' || c == '-' || c == '+'))
			return false;
	}
	return true;
}

static bool valid_date(const char *s)
{
	unsigned y, m, d;
	char tail;
	return s && strlen(s) == 10 && sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) == 3 && s[4] == '-' &&
	       s[7] == '-' && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static void agenda_segment(json_t *seg, int i, core_lang floor, core_segment *out, wire_agenda_errors *errs)
{
	static const char *const known[] = {"title", "kind",       "start", "duration",         "questions", "rule",
	                                    "date",  "carry_over", "polls", "speaking_minutes", NULL};
	char path[64], prefix[32];
	snprintf(prefix, sizeof prefix, "segments[%d].", i);
	if (!json_is_object(seg)) {
		agenda_error(errs, "segments[%d]: must be an object", i);
		return;
	}
	agenda_unknown(seg, prefix, known, errs);
	snprintf(path, sizeof path, "%stitle", prefix);
	agenda_text(json_object_get(seg, "title"), path, CORE_TITLE_MAX_CP, floor, out->title, out->title_in[0],
	            sizeof out->title, errs);

	int kind = core_segment_kind_parse(json_string_value(json_object_get(seg, "kind")));
	if (kind < 0)
		agenda_error(errs, "%skind: must be one of opening, panel, qa, break, closing", prefix);
	else
		out->kind = (core_segment_kind)kind;

	const char *start = json_string_value(json_object_get(seg, "start"));
	unsigned hh, mm;
	char tail;
	if (!start || strlen(start) != 5 || sscanf(start, "%2u:%2u%c", &hh, &mm, &tail) != 2 || start[2] != ':' ||
	    hh > 23 || mm > 59)
		agenda_error(errs, "%sstart: must be a time HH:MM", prefix);
	else
		out->start_min = (uint16_t)(hh * 60 + mm);

	json_t *dur = json_object_get(seg, "duration");
	if (!json_is_integer(dur) || json_integer_value(dur) < 1 || json_integer_value(dur) > 720)
		agenda_error(errs, "%sduration: must be a positive whole number of minutes, at most 720", prefix);
	else
		out->duration_min = (uint16_t)json_integer_value(dur);

	json_t *qv = json_object_get(seg, "questions");
	if (!json_is_boolean(qv))
		agenda_error(errs, "%squestions: must be true or false", prefix);
	else
		out->questions_open = json_is_true(qv);

	json_t *date = json_object_get(seg, "date");
	if (date && !valid_date(json_string_value(date)))
		agenda_error(errs, "%sdate: must be a date YYYY-MM-DD", prefix);
	else if (date)
		snprintf(out->date, sizeof out->date, "%s", json_string_value(date));

	const char *rule = json_string_value(json_object_get(seg, "rule"));
	if (!rule || (strcmp(rule, "chatham_house") != 0 && strcmp(rule, "on_record") != 0))
		agenda_error(errs, "%srule: must be chatham_house or on_record", prefix);
	else
		out->chatham_house = strcmp(rule, "chatham_house") == 0;

	/* QA-6: whether entering this segment carries the unanswered questions over (default). */
	json_t *carry = json_object_get(seg, "carry_over");
	if (carry && !json_is_boolean(carry))
		agenda_error(errs, "%scarry_over: must be true or false", prefix);
	else
		out->starts_empty = json_is_false(carry); /* absent: false */

	/* FLOOR-1: one spoken intervention's time budget (absent: none). */
	json_t *speak = json_object_get(seg, "speaking_minutes");
	if (speak && (!json_is_integer(speak) || json_integer_value(speak) < 1 ||
	              json_integer_value(speak) > CORE_MAX_SPEAKING_MINUTES))
		agenda_error(errs, "%sspeaking_minutes: must be a whole number of minutes, 1 to %d", prefix,
		             CORE_MAX_SPEAKING_MINUTES);
	else if (speak)
		out->speaking_minutes = (uint8_t)json_integer_value(speak);
}

/* LC-1: "listening": {"ar": {"zoom_channel": "Arabic", "note": "..."}} for offered languages. */
static void agenda_listening(json_t *obj, core_agenda *out, wire_agenda_errors *errs)
{
	if (!obj)
		return;
	if (!json_is_object(obj)) {
		agenda_error(errs, "listening: must be an object with one entry per language");
		return;
	}
	static const char *const known[] = {"zoom_channel", "note", NULL};
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		char path[64];
		snprintf(path, sizeof path, "listening.%.8s", key);
		int lang = core_lang_parse(key);
		if (lang < 0 || !core_language_offered(out, (core_lang)lang)) {
			agenda_error(errs, "%s: must be the floor or one of the channels", path);
			continue;
		}
		if (!json_is_object(v)) {
			agenda_error(errs, "%s: must be an object", path);
			continue;
		}
		char prefix[72];
		snprintf(prefix, sizeof prefix, "%s.", path);
		agenda_unknown(v, prefix, known, errs);
		core_listening *l = &out->listening[lang];
		json_t *zoom = json_object_get(v, "zoom_channel"), *note = json_object_get(v, "note");
		char field[96];
		if (zoom) {
			snprintf(field, sizeof field, "%szoom_channel", prefix);
			agenda_string(zoom, field, CORE_ZOOM_CHANNEL_MAX_CP, l->zoom_channel, sizeof l->zoom_channel,
			              errs);
		}
		if (note) {
			snprintf(field, sizeof field, "%snote", prefix);
			agenda_text(note, field, CORE_LISTENING_NOTE_MAX_CP, out->floor, l->note, l->note_in[0],
			            sizeof l->note, errs);
		}
	}
}

/* An agenda or programme file's root object, with errs emptied and then told of every key not in
 * `known` and of a `format` other than `format`; NULL (with the error in errs) when the text is
 * not a JSON object. The caller owns the root. */
static json_t *file_root(const char *buf, size_t len, const char *format, const char *const *known,
                         wire_agenda_errors *errs)
{
	errs->n = 0;
	json_error_t jerr;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		agenda_error(errs, "line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		agenda_error(errs, "(root): must be an object");
		json_decref(root);
		return NULL;
	}
	agenda_unknown(root, "", known, errs);
	const char *got = json_string_value(json_object_get(root, "format"));
	if (!got || strcmp(got, format) != 0)
		agenda_error(errs, "format: must be \"%s\"", format);
	return root;
}

static void programme_priority(json_t *v, char *out, wire_agenda_errors *errs);

int wire_decode_agenda(const char *buf, size_t len, core_agenda *out, wire_agenda_errors *errs)
{
	static const char *const known[] = {"format",   "title",     "timezone",      "date",   "floor",
	                                    "channels", "listening", "premoderation", "limits", "clock",
	                                    "segments", "voting",    "priority",      NULL};
	memset(out, 0, sizeof *out);
	json_t *root = file_root(buf, len, "roundtable.agenda.v1", known, errs);
	if (!root)
		return -1;
	const char *tz = json_string_value(json_object_get(root, "timezone"));
	if (!valid_timezone(tz))
		agenda_error(errs, "timezone: must be an IANA time zone name such as Europe/London or UTC");
	else
		snprintf(out->timezone, sizeof out->timezone, "%s", tz);

	json_t *date = json_object_get(root, "date");
	if (date && !valid_date(json_string_value(date)))
		agenda_error(errs, "date: must be a date YYYY-MM-DD");
	else if (date)
		snprintf(out->date, sizeof out->date, "%s", json_string_value(date));

	int floor = agenda_lang(json_object_get(root, "floor"), "floor", errs);
	out->floor = floor < 0 ? CORE_LANG_EN : (core_lang)floor;
	agenda_text(json_object_get(root, "title"), "title", CORE_TITLE_MAX_CP, out->floor, out->title,
	            out->title_in[0], sizeof out->title, errs);

	json_t *chans = json_object_get(root, "channels");
	if (!json_is_array(chans) || json_array_size(chans) > CORE_MAX_CHANNELS) {
		agenda_error(errs, "channels: must be a list of at most %d languages", CORE_MAX_CHANNELS);
	} else {
		size_t i;
		json_t *c;
		json_array_foreach(chans, i, c)
		{
			char path[32];
			snprintf(path, sizeof path, "channels[%zu]", i);
			int lang = agenda_lang(c, path, errs);
			if (lang < 0)
				continue;
			if (lang == floor || core_language_offered(out, (core_lang)lang))
				agenda_error(errs, "%s: must differ from the floor and the other channels", path);
			else
				out->channels[out->nchannels++] = (core_lang)lang;
		}
	}

	agenda_listening(json_object_get(root, "listening"), out, errs);

	json_t *pm = json_object_get(root, "premoderation");
	if (pm && !json_is_boolean(pm))
		agenda_error(errs, "premoderation: must be true or false");
	out->premoderation = pm ? json_is_true(pm) : true;

	out->max_open_questions = CORE_DEFAULT_OPEN_QUESTIONS;
	out->votes_per_minute = CORE_DEFAULT_VOTES_PER_MINUTE;
	out->max_pending = CORE_DEFAULT_MAX_PENDING;
	out->new_devices_per_minute = CORE_DEFAULT_NEW_DEVICES_PER_MINUTE;
	out->work_bits = CORE_DEFAULT_WORK_BITS;
	json_t *limits = json_object_get(root, "limits");
	if (limits && !json_is_object(limits)) {
		agenda_error(errs, "limits: must be an object");
	} else if (limits) {
		static const char *const lknown[] = {"open_questions",         "votes_per_minute", "pending_questions",
		                                     "new_devices_per_minute", "work_bits",        NULL};
		agenda_unknown(limits, "limits.", lknown, errs);
		agenda_number(json_object_get(limits, "open_questions"), "limits.open_questions", 1, 100,
		              &out->max_open_questions, errs);
		agenda_number(json_object_get(limits, "votes_per_minute"), "limits.votes_per_minute", 1, 600,
		              &out->votes_per_minute, errs);
		agenda_guard_limits(limits, out, errs);
	}
	/* AB-5: who votes; everyone (the open link and invitations) unless it says otherwise. */
	json_t *voting = json_object_get(root, "voting");
	const char *vs = json_string_value(voting);
	if (voting && (!vs || (strcmp(vs, "everyone") != 0 && strcmp(vs, "invitations") != 0)))
		agenda_error(errs, "voting: must be \"everyone\" or \"invitations\"");
	out->voting_invitations = vs && strcmp(vs, "invitations") == 0;

	out->warning_minutes = CORE_DEFAULT_WARNING_MINUTES;
	out->close_minutes = CORE_DEFAULT_CLOSE_MINUTES;
	json_t *clock = json_object_get(root, "clock");
	if (clock && !json_is_object(clock)) {
		agenda_error(errs, "clock: must be an object");
	} else if (clock) {
		static const char *const cknown[] = {"warning_minutes", "close_questions_minutes", NULL};
		agenda_unknown(clock, "clock.", cknown, errs);
		agenda_number(json_object_get(clock, "warning_minutes"), "clock.warning_minutes", 0, 60,
		              &out->warning_minutes, errs);
		agenda_number(json_object_get(clock, "close_questions_minutes"), "clock.close_questions_minutes", 0, 60,
		              &out->close_minutes, errs);
	}

	/* A single consultation's waiting list groups (wire_agenda_priority reads them). */
	char priority[WIRE_PRIORITY_MAX + 1];
	programme_priority(json_object_get(root, "priority"), priority, errs);

	json_t *segs = json_object_get(root, "segments");
	if (!json_is_array(segs) || json_array_size(segs) < 1 || json_array_size(segs) > CORE_MAX_SEGMENTS) {
		agenda_error(errs, "segments: must be a list of 1 to %d segments", CORE_MAX_SEGMENTS);
	} else {
		size_t i;
		json_t *s;
		json_array_foreach(segs, i, s) agenda_segment(s, (int)i, out->floor, &out->segments[i], errs);
		out->nsegments = (int)json_array_size(segs);
	}
	json_decref(root);
	return errs->n ? -1 : 0;
}

int wire_agenda_priority(const char *buf, size_t len, char out[WIRE_PRIORITY_MAX + 1])
{
	out[0] = '\0';
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
	wire_agenda_errors errs = {.n = 0};
	if (json_is_object(root))
		programme_priority(json_object_get(root, "priority"), out, &errs);
	json_decref(root);
	if (errs.n)
		out[0] = '\0';
	return errs.n ? -1 : 0;
}

/* --- the programme file ------------------------------------------------------------------ */

/* A waiting list group's name: 1 to 32 of a-z, 0-9, _ and -. */
static bool valid_group(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/* A waiting list's priority groups (a programme's or a single consultation's), into out
 * (space-separated, WIRE_PRIORITY_MAX + 1 bytes). */
static void programme_priority(json_t *v, char *out, wire_agenda_errors *errs)
{
	if (!v)
		return;
	if (!json_is_array(v) || json_array_size(v) > WIRE_MAX_GROUPS) {
		agenda_error(errs, "priority: must be a list of at most %d group names", WIRE_MAX_GROUPS);
		return;
	}
	size_t i, used = 0;
	json_t *g;
	json_array_foreach(v, i, g)
	{
		const char *name = json_string_value(g);
		if (!valid_group(name)) {
			agenda_error(errs, "priority[%zu]: must be a group name of 1 to 32 of a-z, 0-9, _ and -", i);
			continue;
		}
		bool twice = false;
		for (size_t j = 0; j < i; j++) {
			const char *earlier = json_string_value(json_array_get(v, j));
			twice = twice || (earlier && !strcmp(name, earlier));
		}
		if (twice)
			agenda_error(errs, "priority[%zu]: is listed twice", i);
		used += (size_t)snprintf(out + used, WIRE_PRIORITY_MAX + 1 - used, "%s%s", used ? " " : "", name);
	}
}

/* Session i: session_defaults, then the session's own fields, decoded as an agenda; that
 * agenda's text into *kept (its prepared polls are read from it when the session is created). */
static void programme_session(json_t *defaults, json_t *session, int i, core_agenda *out, char **kept,
                              wire_agenda_errors *errs)
{
	if (!json_is_object(session)) {
		agenda_error(errs, "sessions[%d]: must be an object", i);
		return;
	}
	json_t *merged = json_is_object(defaults) ? json_deep_copy(defaults) : json_object();
	char *text = NULL;
	if (merged && !json_object_update(merged, session) &&
	    !json_object_set_new(merged, "format", json_string("roundtable.agenda.v1")))
		text = json_dumps(merged, JSON_COMPACT);
	json_decref(merged);
	if (!text) {
		agenda_error(errs, "sessions[%d]: out of memory", i);
		return;
	}
	wire_agenda_errors own;
	if (json_object_get(session, "priority") || (json_is_object(defaults) && json_object_get(defaults, "priority")))
		agenda_error(errs, "sessions[%d].priority: belongs to the programme, beside its title", i);
	if (wire_decode_agenda(text, strlen(text), out, &own))
		for (int k = 0; k < own.n; k++)
			agenda_error(errs, "sessions[%d].%s", i, own.msg[k]);
	else if (!out->date[0])
		agenda_error(errs, "sessions[%d].date: is required: the day the session is held, YYYY-MM-DD", i);
	*kept = text;
}

int wire_decode_programme(const char *buf, size_t len, wire_programme *out, wire_agenda_errors *errs)
{
	static const char *const known[] = {"format",   "title",    "attendance",       "seats",
	                                    "priority", "sessions", "session_defaults", NULL};
	memset(out, 0, sizeof *out);
	out->seats = -1;
	json_t *root = file_root(buf, len, "roundtable.programme.v1", known, errs);
	if (!root)
		return -1;
	agenda_string(json_object_get(root, "title"), "title", CORE_TITLE_MAX_CP, out->title, sizeof out->title, errs);

	json_t *sessions = json_object_get(root, "sessions");
	size_t n = json_array_size(sessions);
	if (!json_is_array(sessions) || n < 1 || n > CORE_MAX_SESSIONS) {
		agenda_error(errs, "sessions: must be a list of 1 to %d sessions", CORE_MAX_SESSIONS);
		n = 0;
	}
	out->attend_percent = CORE_DEFAULT_ATTEND_PERCENT;
	out->certificate = (uint16_t)core_certificate_default((int)n);
	json_t *att = json_object_get(root, "attendance");
	if (att && !json_is_object(att)) {
		agenda_error(errs, "attendance: must be an object");
	} else if (att) {
		static const char *const aknown[] = {"percent", "certificate_sessions", NULL};
		agenda_unknown(att, "attendance.", aknown, errs);
		agenda_number(json_object_get(att, "percent"), "attendance.percent", 1, 100, &out->attend_percent,
		              errs);
		agenda_number(json_object_get(att, "certificate_sessions"), "attendance.certificate_sessions", 1,
		              n ? (int)n : 1, &out->certificate, errs);
	}
	json_t *seats = json_object_get(root, "seats");
	if (seats) {
		uint16_t cap = 0;
		agenda_number(seats, "seats", 1, 10000, &cap, errs);
		out->seats = cap ? cap : -1;
	}
	programme_priority(json_object_get(root, "priority"), out->priority, errs);
	json_t *defaults = json_object_get(root, "session_defaults");
	if (defaults && !json_is_object(defaults))
		agenda_error(errs, "session_defaults: must be an object");
	if (n && (!(out->sessions = calloc(n, sizeof *out->sessions)) || !(out->texts = calloc(n, sizeof *out->texts))))
		agenda_error(errs, "sessions: out of memory");
	for (size_t i = 0; out->sessions && out->texts && i < n; i++)
		programme_session(defaults, json_array_get(sessions, i), (int)i, &out->sessions[i], &out->texts[i],
		                  errs);
	out->nsessions = out->sessions && out->texts ? (int)n : 0;
	json_decref(root);
	if (errs->n) {
		wire_programme_free(out);
		return -1;
	}
	return 0;
}

void wire_programme_free(wire_programme *p)
{
	for (int i = 0; p->texts && i < p->nsessions; i++)
		free(p->texts[i]);
	free(p->texts);
	p->texts = NULL;
	free(p->sessions);
	p->sessions = NULL;
	p->nsessions = 0;
}
