/* wire.c — jansson-based codec for protocol v1 and the agenda file.
 * Decoding is strict: unknown fields, missing fields and wrong types are typed errors, checked
 * in that order so that each frame has exactly one answer. Encoding builds the documented
 * shapes only; nothing that identifies a participant is ever written. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "attend.h"
#include "report.h"
#include "wire.h"

/* --- buffers ----------------------------------------------------------------------------- */

wire_buf *wire_buf_ref(wire_buf *b)
{
	b->refs++;
	return b;
}

void wire_buf_unref(wire_buf *b)
{
	if (b && --b->refs == 0)
		free(b);
}

wire_buf *wire_buf_new(const void *payload, size_t len, size_t headroom)
{
	wire_buf *b = malloc(sizeof *b + headroom + len);
	if (b) {
		b->refs = 1;
		b->headroom = headroom;
		b->len = len;
		memcpy(b->data + headroom, payload, len);
	}
	return b;
}

/* Serialises j (and drops the caller's reference to it) into a new buffer. */
static wire_buf *to_buf(json_t *j, size_t headroom)
{
	if (!j)
		return NULL;
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s)
		return NULL;
	wire_buf *b = wire_buf_new(s, strlen(s), headroom);
	free(s);
	return b;
}

/* --- decoding ---------------------------------------------------------------------------- */

typedef enum field_kind {
	F_ID,
	F_TOKEN,
	F_TEXT,
	F_LANG,
	F_QUESTION,
	F_QUESTION_OR_NULL,   /* a question id, or null for none */
	F_LANG_OR_NULL,       /* a language, or null for none */
	F_INTO,               /* a question id, into cmd.into */
	F_SEGMENT,            /* an agenda segment index */
	F_MINUTES,            /* a non-zero whole number of minutes, -120..120 */
	F_SIGNAL,             /* a booth signal's name */
	F_PLACEHOLDERS,       /* CHR-6: true to store identifying detail as placeholders */
	F_INCLUDED,           /* true or false */
	F_VERSION,            /* a note version, 0 and up */
	F_PARAPHRASE,         /* a paraphrase id */
	F_PARAPHRASE_OR_NULL, /* a paraphrase id, or null for a new one */
	F_THEME,              /* 0..CORE_THEME_MAX_CP code points */
	F_NOTE,               /* 0..WIRE_TEXT_MAX_CP code points */
	F_FORMAT,             /* an export format */
	F_SINCE,              /* PL-4: a seq to resume from, 0..2^53-1 (what a JavaScript number holds) */
} field_kind;

typedef struct field_spec {
	const char *name;
	field_kind kind;
	bool required;
} field_spec;

#define MAX_FIELDS 7 /* the type is not listed */

typedef struct message_spec {
	const char *type;
	wire_msg_kind kind;
	core_cmd_kind cmd; /* for commands */
	field_spec fields[MAX_FIELDS];
} message_spec;

#define QUESTION_COMMAND(type, kind)                                                                                   \
	{                                                                                                              \
		type, WIRE_MSG_COMMAND, kind,                                                                          \
		{                                                                                                      \
			{"id", F_ID, true},                                                                            \
			{                                                                                              \
				"question", F_QUESTION, true                                                           \
			}                                                                                              \
		}                                                                                                      \
	}
#define SEGMENT_COMMAND(type, kind)                                                                                    \
	{                                                                                                              \
		type, WIRE_MSG_COMMAND, kind,                                                                          \
		{                                                                                                      \
			{"id", F_ID, true},                                                                            \
			{                                                                                              \
				"segment", F_SEGMENT, true                                                             \
			}                                                                                              \
		}                                                                                                      \
	}

/* Every message a client may send; "type" is implied. Mirrors protocol/messages/. */
static const message_spec specs[] = {
    {"auth", WIRE_MSG_AUTH, 0, {{"token", F_TOKEN, true}, {"device", F_TOKEN, false}, {"since", F_SINCE, false}}},
    {"question.post",
     WIRE_MSG_COMMAND,
     CORE_CMD_QUESTION_POST,
     {{"id", F_ID, true}, {"text", F_TEXT, true}, {"lang", F_LANG, true}, {"placeholders", F_PLACEHOLDERS, false}}},
    QUESTION_COMMAND("question.approve", CORE_CMD_QUESTION_APPROVE),
    QUESTION_COMMAND("question.reject", CORE_CMD_QUESTION_REJECT),
    QUESTION_COMMAND("question.vote", CORE_CMD_QUESTION_VOTE),
    QUESTION_COMMAND("question.unvote", CORE_CMD_QUESTION_UNVOTE),
    QUESTION_COMMAND("question.withdraw", CORE_CMD_QUESTION_WITHDRAW),
    {"question.edit",
     WIRE_MSG_COMMAND,
     CORE_CMD_QUESTION_EDIT,
     {{"id", F_ID, true},
      {"question", F_QUESTION, true},
      {"text", F_TEXT, true},
      {"placeholders", F_PLACEHOLDERS, false}}},
    {"question.merge",
     WIRE_MSG_COMMAND,
     CORE_CMD_QUESTION_MERGE,
     {{"id", F_ID, true}, {"question", F_QUESTION, true}, {"into", F_INTO, true}}},
    QUESTION_COMMAND("question.pin", CORE_CMD_QUESTION_PIN),
    QUESTION_COMMAND("question.unpin", CORE_CMD_QUESTION_UNPIN),
    {"question.answer_now",
     WIRE_MSG_COMMAND,
     CORE_CMD_QUESTION_ANSWER_NOW,
     {{"id", F_ID, true}, {"question", F_QUESTION_OR_NULL, true}}},
    QUESTION_COMMAND("question.answer", CORE_CMD_QUESTION_ANSWER),
    QUESTION_COMMAND("question.reopen", CORE_CMD_QUESTION_REOPEN),
    {"question.move",
     WIRE_MSG_COMMAND,
     CORE_CMD_QUESTION_MOVE,
     {{"id", F_ID, true}, {"question", F_QUESTION, true}, {"segment", F_SEGMENT, true}}},
    SEGMENT_COMMAND("segment.open", CORE_CMD_SEGMENT_OPEN),
    SEGMENT_COMMAND("segment.close", CORE_CMD_SEGMENT_CLOSE),
    SEGMENT_COMMAND("agenda.goto", CORE_CMD_AGENDA_GOTO),
    {"clock.start", WIRE_MSG_COMMAND, CORE_CMD_CLOCK_START, {{"id", F_ID, true}}},
    {"clock.pause", WIRE_MSG_COMMAND, CORE_CMD_CLOCK_PAUSE, {{"id", F_ID, true}}},
    {"clock.resume", WIRE_MSG_COMMAND, CORE_CMD_CLOCK_RESUME, {{"id", F_ID, true}}},
    {"clock.adjust", WIRE_MSG_COMMAND, CORE_CMD_CLOCK_ADJUST, {{"id", F_ID, true}, {"minutes", F_MINUTES, true}}},
    {"clock.sync", WIRE_MSG_SYNC, 0, {{"id", F_ID, true}}},
    {"floor.set", WIRE_MSG_COMMAND, CORE_CMD_FLOOR_SET, {{"id", F_ID, true}, {"lang", F_LANG, true}}},
    {"booth.signal", WIRE_MSG_COMMAND, CORE_CMD_SIGNAL, {{"id", F_ID, true}, {"signal", F_SIGNAL, true}}},
    {"question.select_next",
     WIRE_MSG_COMMAND,
     CORE_CMD_QUESTION_NEXT,
     {{"id", F_ID, true}, {"question", F_QUESTION_OR_NULL, true}}},
    {"listening.set", WIRE_MSG_COMMAND, CORE_CMD_LISTEN, {{"id", F_ID, true}, {"lang", F_LANG_OR_NULL, true}}},
    {"rule.accept", WIRE_MSG_COMMAND, CORE_CMD_RULE_ACCEPT, {{"id", F_ID, true}}},
    {"consultation.seal", WIRE_MSG_COMMAND, CORE_CMD_SEAL, {{"id", F_ID, true}}},
    {"note.set",
     WIRE_MSG_COMMAND,
     CORE_CMD_NOTE_SET,
     {{"id", F_ID, true},
      {"segment", F_SEGMENT, true},
      {"text", F_NOTE, true},
      {"version", F_VERSION, true},
      {"placeholders", F_PLACEHOLDERS, false}}},
    {"question.tag",
     WIRE_MSG_COMMAND,
     CORE_CMD_QUESTION_TAG,
     {{"id", F_ID, true}, {"question", F_QUESTION, true}, {"theme", F_THEME, true}}},
    {"report.include",
     WIRE_MSG_COMMAND,
     CORE_CMD_REPORT_INCLUDE,
     {{"id", F_ID, true}, {"question", F_QUESTION, true}, {"included", F_INCLUDED, true}}},
    {"paraphrase.save",
     WIRE_MSG_COMMAND,
     CORE_CMD_PARAPHRASE_SAVE,
     {{"id", F_ID, true},
      {"paraphrase", F_PARAPHRASE_OR_NULL, true},
      {"segment", F_SEGMENT, true},
      {"theme", F_THEME, true},
      {"text", F_TEXT, true},
      {"included", F_INCLUDED, true},
      {"placeholders", F_PLACEHOLDERS, false}}},
    {"paraphrase.delete",
     WIRE_MSG_COMMAND,
     CORE_CMD_PARAPHRASE_DELETE,
     {{"id", F_ID, true}, {"paraphrase", F_PARAPHRASE, true}}},
    {"report.export", WIRE_MSG_EXPORT, 0, {{"id", F_ID, true}, {"format", F_FORMAT, true}, {"lang", F_LANG, false}}},
};

static const field_spec *find_field(const message_spec *spec, const char *name)
{
	for (int i = 0; i < MAX_FIELDS && spec->fields[i].name; i++)
		if (strcmp(spec->fields[i].name, name) == 0)
			return &spec->fields[i];
	return NULL;
}

static bool valid_id(const char *s, size_t len)
{
	if (len < 1 || len > WIRE_ID_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
		          c == '_' || c == ':' || c == '-';
		if (!ok)
			return false;
	}
	return true;
}

static bool valid_token(const char *s, size_t len)
{
	if (len != WIRE_TOKEN_CHARS)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool ok =
		    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
		if (!ok)
			return false;
	}
	return true;
}

/* Checks one field's value and stores it in out. */
static bool take_field(const field_spec *f, json_t *v, wire_message *out)
{
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	size_t len = s ? json_string_length(v) : 0;
	switch (f->kind) {
	case F_ID:
		if (!s || !valid_id(s, len))
			return false;
		memcpy(out->id, s, len + 1);
		return true;
	case F_TOKEN:
		if (!s || !valid_token(s, len))
			return false;
		if (strcmp(f->name, "device") == 0) {
			memcpy(out->device, s, len + 1);
			out->has_device = true;
		} else {
			memcpy(out->token, s, len + 1);
		}
		return true;
	case F_TEXT:
	case F_NOTE: {
		long ncp = s ? core_utf8_count(s, len) : -1;
		if (ncp < (f->kind == F_NOTE ? 0 : 1) || ncp > WIRE_TEXT_MAX_CP || len >= sizeof out->text)
			return false;
		memcpy(out->text, s, len + 1);
		out->cmd.text = out->text;
		out->cmd.text_len = len;
		return true;
	}
	case F_LANG_OR_NULL:
		if (json_is_null(v)) {
			out->cmd.lang = CORE_LANG_NONE;
			return true;
		}
		/* fall through */
	case F_LANG: {
		int lang = core_lang_parse(s);
		if (lang < 0)
			return false;
		out->cmd.lang = (core_lang)lang;
		return true;
	}
	case F_QUESTION_OR_NULL:
		if (json_is_null(v)) {
			out->cmd.question = 0;
			return true;
		}
		/* fall through */
	case F_QUESTION:
	case F_INTO: {
		if (!json_is_integer(v))
			return false;
		json_int_t q = json_integer_value(v);
		if (q < 1 || q > INT32_MAX)
			return false;
		*(f->kind == F_INTO ? &out->cmd.into : &out->cmd.question) = (uint32_t)q;
		return true;
	}
	case F_PLACEHOLDERS:
	case F_INCLUDED:
		if (!json_is_boolean(v))
			return false;
		*(f->kind == F_INCLUDED ? &out->cmd.included : &out->cmd.placeholders) = json_is_true(v);
		return true;
	case F_SINCE: {
		json_int_t n = json_is_integer(v) ? json_integer_value(v) : -1;
		if (n < 0 || n > WIRE_SEQ_MAX)
			return false;
		out->since = (uint64_t)n;
		out->has_since = true;
		return true;
	}
	case F_VERSION: {
		json_int_t n = json_is_integer(v) ? json_integer_value(v) : -1;
		if (n < 0 || n > INT32_MAX)
			return false;
		out->cmd.version = (uint32_t)n;
		return true;
	}
	case F_PARAPHRASE_OR_NULL:
		if (json_is_null(v)) {
			out->cmd.paraphrase = 0;
			return true;
		}
		/* fall through */
	case F_PARAPHRASE: {
		json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;
		if (n < 1 || n > INT32_MAX)
			return false;
		out->cmd.paraphrase = (uint32_t)n;
		return true;
	}
	case F_THEME: {
		long ncp = s ? core_utf8_count(s, len) : -1;
		if (ncp < 0 || ncp > CORE_THEME_MAX_CP || len >= sizeof out->theme)
			return false;
		memcpy(out->theme, s, len + 1);
		out->cmd.theme = out->theme;
		out->cmd.theme_len = len;
		return true;
	}
	case F_FORMAT: {
		int fmt = s ? report_format_parse(s) : -1;
		if (fmt < 0)
			return false;
		out->format = fmt;
		return true;
	}
	case F_SIGNAL: {
		int sig = core_signal_parse(s);
		if (sig < 0)
			return false;
		out->cmd.signal = (core_signal)sig;
		return true;
	}
	case F_MINUTES: {
		json_int_t m = json_is_integer(v) ? json_integer_value(v) : 0;
		if (m == 0 || m < -120 || m > 120)
			return false;
		out->cmd.minutes = (int)m;
		return true;
	}
	case F_SEGMENT: {
		if (!json_is_integer(v))
			return false;
		json_int_t seg = json_integer_value(v);
		if (seg < 0 || seg >= CORE_MAX_SEGMENTS)
			return false;
		out->cmd.segment = (uint16_t)seg;
		return true;
	}
	}
	return false;
}

static void set_field(wire_message *out, const char *name)
{
	snprintf(out->field, sizeof out->field, "%s", name);
}

rt_err wire_decode(const char *buf, size_t len, wire_message *out)
{
	/* Everything but the large text buffer, which only a decoded post fills. */
	memset(out, 0, offsetof(wire_message, text));
	out->text[0] = '\0';
	out->cmd.lang = CORE_LANG_NONE; /* report.export without a language */
	out->field[0] = '\0';
	json_error_t jerr;
	/* Duplicate keys would make "which value counts" ambiguous: refuse them. */
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		return RT_E_PROTOCOL_MALFORMED;
	}
	rt_err err = RT_OK;
	/* Read the id first, so that every later error can name the command it refuses. */
	json_t *idv = json_object_get(root, "id");
	if (json_is_string(idv) && valid_id(json_string_value(idv), json_string_length(idv)))
		memcpy(out->id, json_string_value(idv), json_string_length(idv) + 1);

	const char *type = json_string_value(json_object_get(root, "type"));
	const message_spec *spec = NULL;
	for (size_t i = 0; type && i < sizeof specs / sizeof specs[0]; i++)
		if (strcmp(specs[i].type, type) == 0)
			spec = &specs[i];
	if (!spec) {
		err = RT_E_PROTOCOL_UNKNOWN_TYPE;
		goto done;
	}
	out->kind = spec->kind;
	out->cmd.kind = spec->cmd;

	const char *key;
	json_t *v;
	json_object_foreach(root, key, v)
	{
		if (strcmp(key, "type") != 0 && !find_field(spec, key)) {
			set_field(out, key);
			err = RT_E_PROTOCOL_UNKNOWN_FIELD;
			goto done;
		}
	}
	for (int i = 0; i < MAX_FIELDS && spec->fields[i].name; i++) {
		if (spec->fields[i].required && !json_object_get(root, spec->fields[i].name)) {
			set_field(out, spec->fields[i].name);
			err = RT_E_PROTOCOL_MISSING_FIELD;
			goto done;
		}
	}
	for (int i = 0; i < MAX_FIELDS && spec->fields[i].name; i++) {
		v = json_object_get(root, spec->fields[i].name);
		if (v && !take_field(&spec->fields[i], v, out)) {
			set_field(out, spec->fields[i].name);
			err = RT_E_PROTOCOL_INVALID_FIELD;
			goto done;
		}
	}
done:
	json_decref(root);
	return err;
}

/* --- encoding ---------------------------------------------------------------------------- */

static json_t *question_json(const core_question *q)
{
	json_t *j = json_pack("{s:I, s:i, s:s%, s:s, s:s, s:I, s:b, s:b}", "id", (json_int_t)q->id, "segment",
	                      (int)q->segment, "text", q->text, (size_t)q->text_len, "lang", core_lang_name(q->lang),
	                      "state", core_qstate_name(q->state), "votes", (json_int_t)q->votes, "edited", q->edited,
	                      "pinned", q->pinned);
	if (j && q->state == CORE_Q_MERGED)
		json_object_set_new(j, "into", json_integer(q->into));
	return j;
}

/* A question id, or null for 0. */
static json_t *id_or_null(uint32_t id)
{
	return id ? json_integer(id) : json_null();
}

/* A time in server ms, or null for 0. */
static json_t *ms_or_null(int64_t ms)
{
	return ms ? json_integer((json_int_t)ms) : json_null();
}

static json_t *clock_json(const core_state *st)
{
	const core_timing *t = &st->timing[st->current_segment];
	return json_pack("{s:s, s:i, s:o, s:I, s:I}", "state", core_clock_state_name(st->clock), "segment",
	                 (int)st->current_segment, "started_at",
	                 ms_or_null(st->clock == CORE_CLOCK_RUNNING ? st->clock_started_at : 0), "elapsed_ms",
	                 (json_int_t)t->elapsed_ms, "allotted_ms", (json_int_t)t->allotted_ms);
}

static json_t *timing_json(const core_state *st)
{
	json_t *a = json_array();
	for (int i = 0; i < st->agenda.nsegments; i++) {
		const core_timing *t = &st->timing[i];
		json_array_append_new(a, json_pack("{s:o, s:I, s:I}", "started_at", ms_or_null(t->started_at),
		                                   "elapsed_ms", (json_int_t)t->elapsed_ms, "allotted_ms",
		                                   (json_int_t)t->allotted_ms));
	}
	return a;
}

/* LC-1: each language's listening instructions that the agenda sets. */
static json_t *listening_json(const core_agenda *a)
{
	json_t *j = json_object();
	for (int l = 0; l < CORE_LANG_COUNT; l++) {
		const core_listening *li = &a->listening[l];
		if (!li->zoom_channel[0] && !li->note[0])
			continue;
		json_t *v = json_object();
		if (li->zoom_channel[0])
			json_object_set_new(v, "zoom_channel", json_string(li->zoom_channel));
		if (li->note[0])
			json_object_set_new(v, "note", json_string(li->note));
		json_object_set_new(j, core_lang_name((core_lang)l), v);
	}
	return j;
}

static json_t *consultation_json(const core_state *st)
{
	const core_agenda *a = &st->agenda;
	json_t *segs = json_array(), *chans = json_array();
	for (int i = 0; i < a->nsegments; i++) {
		const core_segment *s = &a->segments[i];
		char start[6];
		snprintf(start, sizeof start, "%02u:%02u", (unsigned)(s->start_min / 60 % 24),
		         (unsigned)(s->start_min % 60));
		json_t *seg =
		    json_pack("{s:s, s:s, s:s, s:i, s:b, s:s}", "title", s->title, "kind",
		              core_segment_kind_name(s->kind), "start", start, "duration", (int)s->duration_min,
		              "questions", s->questions_open, "rule", s->chatham_house ? "chatham_house" : "on_record");
		if (seg && s->date[0])
			json_object_set_new(seg, "date", json_string(s->date));
		json_array_append_new(segs, seg);
	}
	for (int i = 0; i < a->nchannels; i++)
		json_array_append_new(chans, json_string(core_lang_name(a->channels[i])));
	json_t *c = json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:{s:i, s:i}, s:o, s:i, s:o}", "id", a->id, "title",
	                      a->title, "timezone", a->timezone, "floor", core_lang_name(a->floor), "channels", chans,
	                      "premoderation", a->premoderation, "limits", "open_questions", (int)a->max_open_questions,
	                      "votes_per_minute", (int)a->votes_per_minute, "segments", segs, "current_segment",
	                      (int)st->current_segment, "answering", id_or_null(st->answering));
	if (c && a->date[0])
		json_object_set_new(c, "date", json_string(a->date));
	if (c)
		json_object_set_new(c, "listening", listening_json(a));
	if (c)
		json_object_set_new(c, "sealed", json_boolean(st->sealed));
	if (c) {
		json_object_set_new(c, "floor_now", json_string(core_lang_name(st->floor_now)));
		json_object_set_new(c, "clock", clock_json(st));
		json_object_set_new(c, "timing", timing_json(st));
		json_object_set_new(c, "clock_settings",
		                    json_pack("{s:i, s:i}", "warning_minutes", (int)a->warning_minutes,
		                              "close_questions_minutes", (int)a->close_minutes));
	}
	return c;
}

/* LC-6: each offered language's listeners as this audience may see them (banded). */
static json_t *listeners_json(const core_state *st, core_audience aud)
{
	json_t *j = json_object();
	const core_agenda *a = &st->agenda;
	for (int i = -1; i < a->nchannels; i++) {
		core_lang l = i < 0 ? a->floor : a->channels[i];
		core_band b = core_band_for(aud, st->listeners[l]);
		json_t *v = json_pack("{s:s}", "band", core_band_name(b));
		if (v && b == CORE_BAND_EXACT)
			json_object_set_new(v, "count", json_integer(st->listeners[l]));
		json_object_set_new(j, core_lang_name(l), v);
	}
	return j;
}

static json_t *paraphrase_json(const core_paraphrase *p)
{
	return json_pack("{s:I, s:i, s:s, s:s%, s:b}", "id", (json_int_t)p->id, "segment", (int)p->segment, "theme",
	                 p->theme, "text", p->text, (size_t)p->text_len, "included", p->included);
}

static json_t *note_json(const core_state *st, int seg)
{
	const core_note *n = &st->notes[seg];
	return json_pack("{s:i, s:s%, s:I}", "segment", seg, "text", n->text ? n->text : "", (size_t)n->text_len,
	                 "version", (json_int_t)n->version);
}

/* EX-1: the rapporteurs' workspace: every segment's note, the themes and report marks of
 * questions, and the paraphrases. */
static json_t *workspace_json(const core_state *st)
{
	json_t *notes = json_array(), *marks = json_array(), *paras = json_array();
	for (int i = 0; i < st->agenda.nsegments; i++)
		json_array_append_new(notes, note_json(st, i));
	for (uint32_t i = 0; i < st->nquestions; i++) {
		const core_question *q = &st->questions[i];
		if (q->theme[0] || q->reported)
			json_array_append_new(marks, json_pack("{s:I, s:s, s:b}", "question", (json_int_t)q->id,
			                                       "theme", q->theme, "included", q->reported));
	}
	for (uint32_t i = 0; i < st->nparas; i++)
		if (!st->paras[i].deleted)
			json_array_append_new(paras, paraphrase_json(&st->paras[i]));
	return json_pack("{s:o, s:o, s:o}", "notes", notes, "questions", marks, "paraphrases", paras);
}

/* The longest text the core takes in each field, in code points: clients count against these
 * (protocol/README.md, "limits") rather than a copy of their own. */
static json_t *limits_json(void)
{
	return json_pack("{s:i, s:i, s:i, s:i}", "question", CORE_TEXT_MAX_CP, "paraphrase", CORE_TEXT_MAX_CP, "note",
	                 CORE_NOTE_MAX_CP, "theme", CORE_THEME_MAX_CP);
}

wire_buf *wire_encode_snapshot(const core_state *st, const core_actor *actor, size_t headroom)
{
	core_role role = actor->role;
	const core_pseud *pseud = actor->has_pseud ? &actor->pseud : NULL;
	core_audience aud = core_role_audience(role);
	json_t *qs = json_array(), *mine = json_array(), *voted = json_array();
	for (uint32_t i = 0; i < st->nquestions; i++) {
		const core_question *q = &st->questions[i];
		bool own = pseud && memcmp(q->author.b, pseud->b, CORE_PSEUD_LEN) == 0;
		if (!core_visible(aud, q->state) && !own)
			continue;
		json_array_append_new(qs, question_json(q));
		if (own)
			json_array_append_new(mine, json_integer(q->id));
		else if (pseud && core_has_voted(st, q->id, pseud))
			json_array_append_new(voted, json_integer(q->id));
	}
	json_t *consultation = consultation_json(st);
	/* LC-5: the question selected next is for the co-chairs, the rapporteur and the booths. */
	if (consultation && (aud == CORE_AUD_MODERATION || role == CORE_ROLE_BOOTH))
		json_object_set_new(consultation, "next", id_or_null(st->next_up));
	/* LC-6: listener bands for the co-chairs and the booths; never for participants. */
	if (consultation && (role == CORE_ROLE_COCHAIR || role == CORE_ROLE_BOOTH))
		json_object_set_new(consultation, "listeners",
		                    listeners_json(st, role == CORE_ROLE_BOOTH ? CORE_AUD_BOOTHS : CORE_AUD_COCHAIRS));
	json_t *you = json_pack("{s:o, s:o}", "mine", mine, "voted", voted);
	if (you && role == CORE_ROLE_BOOTH)
		json_object_set_new(you, "channel", json_string(core_lang_name(actor->channel)));
	/* CHR-2: whether this participant has accepted the Rule (nobody else learns it). */
	if (you && pseud)
		json_object_set_new(you, "rule_accepted", json_boolean(core_rule_accepted(st, pseud)));
	if (consultation && role == CORE_ROLE_RAPPORTEUR)
		json_object_set_new(consultation, "workspace", workspace_json(st));
	return to_buf(json_pack("{s:s, s:I, s:s, s:o, s:o, s:o, s:o}", "type", "snapshot", "seq", (json_int_t)st->seq,
	                        "role", core_role_name(role), "consultation", consultation, "questions", qs, "you", you,
	                        "limits", limits_json()),
	              headroom);
}

/* The message type of each event; the public audience learns of a question posted without
 * pre-moderation as it learns of any question becoming live. */
static const char *const event_types[CORE_EV_COUNT] = {
    [CORE_EV_QUESTION_POSTED] = "question.posted",
    [CORE_EV_QUESTION_APPROVED] = "question.approved",
    [CORE_EV_QUESTION_REJECTED] = "question.rejected",
    [CORE_EV_VOTE_ADDED] = "question.votes",
    [CORE_EV_VOTE_REMOVED] = "question.votes",
    [CORE_EV_QUESTION_WITHDRAWN] = "question.withdrawn",
    [CORE_EV_QUESTION_EDITED] = "question.edited",
    [CORE_EV_QUESTION_MERGED] = "question.merged",
    [CORE_EV_QUESTION_PINNED] = "question.pinned",
    [CORE_EV_QUESTION_UNPINNED] = "question.unpinned",
    [CORE_EV_QUESTION_ANSWERED] = "question.answered",
    [CORE_EV_QUESTION_REOPENED] = "question.reopened",
    [CORE_EV_QUESTION_MOVED] = "question.moved",
    [CORE_EV_ANSWERING] = "question.answering",
    [CORE_EV_SEGMENT_OPENED] = "segment.opened",
    [CORE_EV_SEGMENT_CLOSED] = "segment.closed",
    [CORE_EV_AGENDA_CURRENT] = "agenda.current",
    [CORE_EV_CLOCK] = "agenda.clock",
    [CORE_EV_FLOOR] = "floor.changed",
    [CORE_EV_SIGNAL] = "booth.signalled",
    [CORE_EV_NEXT] = "question.next",
    [CORE_EV_PRESENCE] = "presence.changed",
    [CORE_EV_RULE_ACCEPTED] = "rule.accepted",
    [CORE_EV_SEALED] = "consultation.sealed",
    [CORE_EV_NOTE] = "note.changed",
    [CORE_EV_TAGGED] = "question.tagged",
    [CORE_EV_REPORTED] = "report.changed",
    [CORE_EV_PARAPHRASE] = "paraphrase.saved",
};

wire_buf *wire_encode_votes_changed(const uint32_t (*pairs)[2], int n, size_t headroom)
{
	json_t *votes = json_array();
	for (int i = 0; votes && i < n; i++)
		if (json_array_append_new(votes,
		                          json_pack("[I, I]", (json_int_t)pairs[i][0], (json_int_t)pairs[i][1]))) {
			json_decref(votes);
			votes = NULL;
		}
	return votes ? to_buf(json_pack("{s:s, s:o}", "type", "votes.changed", "votes", votes), headroom) : NULL;
}

wire_buf *wire_encode_event(const core_state *st, const core_event *ev, core_audience aud, size_t headroom)
{
	if ((unsigned)ev->kind >= CORE_EV_COUNT)
		return NULL;
	const char *type = event_types[ev->kind];
	if (ev->kind == CORE_EV_QUESTION_POSTED && aud == CORE_AUD_PUBLIC)
		type = "question.approved";
	json_int_t seq = (json_int_t)ev->seq;
	switch (ev->kind) {
	case CORE_EV_ANSWERING:
		return to_buf(
		    json_pack("{s:s, s:I, s:o}", "type", type, "seq", seq, "question", id_or_null(ev->question)),
		    headroom);
	case CORE_EV_SEGMENT_OPENED:
	case CORE_EV_SEGMENT_CLOSED:
	case CORE_EV_AGENDA_CURRENT:
		return to_buf(json_pack("{s:s, s:I, s:i}", "type", type, "seq", seq, "segment", (int)ev->segment),
		              headroom);
	case CORE_EV_CLOCK:
		return to_buf(json_pack("{s:s, s:I, s:o, s:o}", "type", type, "seq", seq, "clock", clock_json(st),
		                        "timing", timing_json(st)),
		              headroom);
	case CORE_EV_NEXT: {
		/* The question's view, so that a booth can read it before the room sees it. */
		const core_question *nq = core_question_get(st, ev->question);
		return to_buf(json_pack("{s:s, s:I, s:o}", "type", type, "seq", seq, "question",
		                        nq ? question_json(nq) : json_null()),
		              headroom);
	}
	case CORE_EV_SIGNAL:
		/* Ephemeral: no seq, and nothing that says which connection sent it. */
		return to_buf(json_pack("{s:s, s:s, s:s}", "type", type, "channel", core_lang_name(ev->lang), "signal",
		                        core_signal_name(ev->signal)),
		              headroom);
	case CORE_EV_FLOOR:
		return to_buf(json_pack("{s:s, s:I, s:s}", "type", type, "seq", seq, "lang", core_lang_name(ev->lang)),
		              headroom);
	case CORE_EV_PRESENCE:
		/* Ephemeral, banded for its audience, and nothing about whose choice changed it. */
		if (aud != CORE_AUD_COCHAIRS && aud != CORE_AUD_BOOTHS)
			return NULL;
		return to_buf(json_pack("{s:s, s:o}", "type", type, "listeners", listeners_json(st, aud)), headroom);
	case CORE_EV_RULE_ACCEPTED:
	case CORE_EV_SEALED:
		return to_buf(json_pack("{s:s, s:I}", "type", type, "seq", seq), headroom);
	case CORE_EV_NOTE:
		return to_buf(
		    json_pack("{s:s, s:I, s:o}", "type", type, "seq", seq, "note", note_json(st, ev->segment)),
		    headroom);
	case CORE_EV_PARAPHRASE: {
		const core_paraphrase *p = &st->paras[ev->paraphrase - 1];
		if (p->deleted)
			return to_buf(json_pack("{s:s, s:I, s:I}", "type", "paraphrase.deleted", "seq", seq,
			                        "paraphrase", (json_int_t)p->id),
			              headroom);
		return to_buf(json_pack("{s:s, s:I, s:o}", "type", type, "seq", seq, "paraphrase", paraphrase_json(p)),
		              headroom);
	}
	case CORE_EV_TAGGED:
	case CORE_EV_REPORTED: {
		const core_question *tq = core_question_get(st, ev->question);
		if (!tq)
			return NULL;
		return to_buf(json_pack("{s:s, s:I, s:I, s:s, s:b}", "type", type, "seq", seq, "question",
		                        (json_int_t)tq->id, "theme", tq->theme, "included", tq->reported),
		              headroom);
	}
	default:
		break;
	}
	const core_question *q = core_question_get(st, ev->question);
	if (!q)
		return NULL;
	if (ev->kind == CORE_EV_VOTE_ADDED || ev->kind == CORE_EV_VOTE_REMOVED)
		return to_buf(json_pack("{s:s, s:I, s:I, s:I}", "type", type, "seq", seq, "question", (json_int_t)q->id,
		                        "votes", (json_int_t)ev->votes),
		              headroom);
	json_t *j = json_pack("{s:s, s:I, s:o}", "type", type, "seq", seq, "question", question_json(q));
	if (j && ev->kind == CORE_EV_QUESTION_MERGED) {
		const core_question *into = core_question_get(st, ev->into);
		/* As it was right after the merge: later events of a batch may change it again. */
		json_t *iv = into ? question_json(into) : NULL;
		if (iv)
			json_object_set_new(iv, "votes", json_integer(ev->votes));
		json_object_set_new(j, "into", iv ? iv : json_null());
	}
	return to_buf(j, headroom);
}

wire_buf *wire_encode_ack(const core_state *st, const char *id, uint64_t seq, const core_command *cmd,
                          uint32_t question, const core_actor *actor, size_t headroom)
{
	json_t *result = json_object();
	const core_question *q = core_question_get(st, question);
	if (q)
		json_object_set_new(result, "question", question_json(q));
	if (q && (cmd->kind == CORE_CMD_QUESTION_VOTE || cmd->kind == CORE_CMD_QUESTION_UNVOTE) && actor->has_pseud)
		json_object_set_new(result, "voted", json_boolean(core_has_voted(st, q->id, &actor->pseud)));
	if (cmd->kind == CORE_CMD_QUESTION_ANSWER_NOW)
		json_object_set_new(result, "answering", id_or_null(st->answering));
	if (cmd->kind == CORE_CMD_QUESTION_NEXT)
		json_object_set_new(result, "next", id_or_null(st->next_up));
	if (cmd->kind == CORE_CMD_SEGMENT_OPEN || cmd->kind == CORE_CMD_SEGMENT_CLOSE ||
	    cmd->kind == CORE_CMD_AGENDA_GOTO)
		json_object_set_new(result, "segment", json_integer(cmd->segment));
	if (cmd->kind == CORE_CMD_RULE_ACCEPT)
		json_object_set_new(result, "rule_accepted", json_true());
	if (cmd->kind == CORE_CMD_NOTE_SET && cmd->segment < st->agenda.nsegments)
		json_object_set_new(result, "note", note_json(st, cmd->segment));
	if (cmd->kind == CORE_CMD_PARAPHRASE_SAVE) {
		/* A new paraphrase always makes an event, so it is the last one. */
		const core_paraphrase *p = core_paraphrase_get(st, cmd->paraphrase ? cmd->paraphrase : st->nparas);
		if (p)
			json_object_set_new(result, "paraphrase", paraphrase_json(p));
	}
	return to_buf(
	    json_pack("{s:s, s:s, s:I, s:o}", "type", "ack", "id", id, "seq", (json_int_t)seq, "result", result),
	    headroom);
}

wire_buf *wire_encode_error(const char *id, rt_err err, const char *field, const core_err_params *p, size_t headroom)
{
	assert(rt_err_public(err)); /* internal statuses stay inside the server */
	json_t *j = json_pack("{s:s, s:o, s:s}", "type", "error", "id", id && id[0] ? json_string(id) : json_null(),
	                      "code", rt_err_code(err));
	if (!j)
		return NULL;
	json_t *params = json_object();
	if (field && field[0])
		json_object_set_new(params, "field", json_string(field));
	if (p && p->state >= 0 && p->state < CORE_Q_STATE_COUNT) {
		json_object_set_new(params, "state", json_string(core_qstate_name((core_qstate)p->state)));
		json_object_set_new(params, "question", json_integer(p->question));
		if (p->into)
			json_object_set_new(params, "into", json_integer(p->into));
	}
	if (p && p->clock_state >= 0 && p->clock_state < CORE_CLOCK_STATE_COUNT)
		json_object_set_new(params, "state",
		                    json_string(core_clock_state_name((core_clock_state)p->clock_state)));
	if (p && p->segment >= 0)
		json_object_set_new(params, "segment", json_integer(p->segment));
	if (p && p->max > 0)
		json_object_set_new(params, "max", json_integer(p->max));
	if (p && p->seconds > 0)
		json_object_set_new(params, "seconds", json_integer(p->seconds));
	if (p && p->version >= 0)
		json_object_set_new(params, "version", json_integer(p->version));
	/* CHR-6: what the scrubber found, to the sender only (it is their own text). */
	if (p && p->nfinds > 0 && p->text) {
		json_t *found = json_array();
		for (int i = 0; i < p->nfinds && i < CORE_SCRUB_MAX_FINDS; i++) {
			const core_find *f = &p->finds[i];
			json_array_append_new(found, json_pack("{s:s, s:s%, s:s}", "kind", core_find_kind_name(f->kind),
			                                       "text", p->text + f->start, (size_t)(f->end - f->start),
			                                       "placeholder", core_find_placeholder(f->kind)));
		}
		json_object_set_new(params, "found", found);
	}
	if (json_object_size(params))
		json_object_set_new(j, "params", params);
	else
		json_decref(params);
	return to_buf(j, headroom);
}

wire_buf *wire_encode_clock_now(const char *id, int64_t now_ms, size_t headroom)
{
	return to_buf(json_pack("{s:s, s:s, s:I}", "type", "clock.now", "id", id, "now", (json_int_t)now_ms), headroom);
}

wire_buf *wire_encode_resumed(uint64_t since, uint64_t seq, size_t headroom)
{
	return to_buf(
	    json_pack("{s:s, s:I, s:I}", "type", "resumed", "since", (json_int_t)since, "seq", (json_int_t)seq),
	    headroom);
}

wire_buf *wire_encode_document(const char *id, const char *format, const char *filename, const char *media_type,
                               const char *content, size_t len, size_t headroom)
{
	return to_buf(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s%}", "type", "report.document", "id", id, "format",
	                        format, "filename", filename, "media_type", media_type, "content", content, len),
	              headroom);
}

char *wire_encode_links(const core_agenda *agenda, const wire_link *links, int n)
{
	json_t *all = json_object(), *inv = json_array(), *booth = json_object();
	for (int i = 0; i < n; i++) {
		const wire_link *l = &links[i];
		if (l->role == CORE_ROLE_PARTICIPANT && l->personal)
			json_array_append_new(inv, json_string(l->url));
		else if (l->role == CORE_ROLE_BOOTH)
			json_object_set_new(booth, l->label, json_string(l->url));
		else
			json_object_set_new(all, core_role_name(l->role), json_string(l->url));
	}
	json_object_set_new(all, "invitations", inv);
	json_object_set_new(all, "booth", booth);
	json_t *j = json_pack("{s:s, s:s, s:o}", "consultation", agenda->id, "title", agenda->title, "links", all);
	char *out = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
	json_decref(j);
	return out;
}

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

static void agenda_segment(json_t *seg, int i, core_segment *out, wire_agenda_errors *errs)
{
	static const char *const known[] = {"title", "kind", "start", "duration", "questions", "rule", "date", NULL};
	char path[64], prefix[32];
	snprintf(prefix, sizeof prefix, "segments[%d].", i);
	if (!json_is_object(seg)) {
		agenda_error(errs, "segments[%d]: must be an object", i);
		return;
	}
	agenda_unknown(seg, prefix, known, errs);
	snprintf(path, sizeof path, "%stitle", prefix);
	agenda_string(json_object_get(seg, "title"), path, CORE_TITLE_MAX_CP, out->title, sizeof out->title, errs);

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
			agenda_string(note, field, CORE_LISTENING_NOTE_MAX_CP, l->note, sizeof l->note, errs);
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

int wire_decode_agenda(const char *buf, size_t len, core_agenda *out, wire_agenda_errors *errs)
{
	static const char *const known[] = {"format",    "title",         "timezone", "date",  "floor",    "channels",
	                                    "listening", "premoderation", "limits",   "clock", "segments", NULL};
	memset(out, 0, sizeof *out);
	json_t *root = file_root(buf, len, "roundtable.agenda.v1", known, errs);
	if (!root)
		return -1;
	agenda_string(json_object_get(root, "title"), "title", CORE_TITLE_MAX_CP, out->title, sizeof out->title, errs);

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
	json_t *limits = json_object_get(root, "limits");
	if (limits && !json_is_object(limits)) {
		agenda_error(errs, "limits: must be an object");
	} else if (limits) {
		static const char *const lknown[] = {"open_questions", "votes_per_minute", NULL};
		agenda_unknown(limits, "limits.", lknown, errs);
		agenda_number(json_object_get(limits, "open_questions"), "limits.open_questions", 1, 100,
		              &out->max_open_questions, errs);
		agenda_number(json_object_get(limits, "votes_per_minute"), "limits.votes_per_minute", 1, 600,
		              &out->votes_per_minute, errs);
	}

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

	json_t *segs = json_object_get(root, "segments");
	if (!json_is_array(segs) || json_array_size(segs) < 1 || json_array_size(segs) > CORE_MAX_SEGMENTS) {
		agenda_error(errs, "segments: must be a list of 1 to %d segments", CORE_MAX_SEGMENTS);
	} else {
		size_t i;
		json_t *s;
		json_array_foreach(segs, i, s) agenda_segment(s, (int)i, &out->segments[i], errs);
		out->nsegments = (int)json_array_size(segs);
	}
	json_decref(root);
	return errs->n ? -1 : 0;
}

/* --- the organiser's control socket ------------------------------------------------------ */

int wire_decode_control(const char *buf, size_t len, wire_control *out)
{
	memset(out, 0, sizeof *out);
	json_error_t jerr;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	const char *op = json_string_value(json_object_get(root, "op"));
	const char *id = json_string_value(json_object_get(root, "consultation"));
	json_t *names = json_object_get(root, "names");
	int rc = -1;
	if (!json_is_object(root) || !op || !id || strlen(id) > CORE_ID_MAX) {
		snprintf(out->error, sizeof out->error, "expected {\"op\", \"consultation\"}");
		goto done;
	}
	snprintf(out->consultation, sizeof out->consultation, "%s", id);
	if ((strcmp(op, "seal") == 0 || strcmp(op, "links") == 0) && json_object_size(root) == 2) {
		out->op = strcmp(op, "seal") == 0 ? WIRE_CONTROL_SEAL : WIRE_CONTROL_LINKS;
		rc = 0;
		goto done;
	}
	if (strcmp(op, "denylist") != 0 || !json_is_array(names) || json_object_size(root) != 3) {
		snprintf(out->error, sizeof out->error, "unknown request");
		goto done;
	}
	if (json_array_size(names) > WIRE_DENYLIST_MAX) {
		snprintf(out->error, sizeof out->error, "more than %d names", WIRE_DENYLIST_MAX);
		goto done;
	}
	out->op = WIRE_CONTROL_DENYLIST;
	out->deny = core_denylist_new();
	if (!out->deny) {
		snprintf(out->error, sizeof out->error, "out of memory");
		goto done;
	}
	size_t i;
	json_t *v;
	json_array_foreach(names, i, v)
	{
		/* The message names the entry by its position only: names never reach a log. */
		if (!json_is_string(v) || core_denylist_add(out->deny, json_string_value(v), json_string_length(v))) {
			snprintf(out->error, sizeof out->error, "names[%zu]: not a usable name", i);
			core_denylist_free(out->deny);
			out->deny = NULL;
			goto done;
		}
	}
	rc = 0;
done:
	json_decref(root);
	return rc;
}

/* One JSON object on one line, malloc'd; takes j. */
static char *json_line(json_t *j)
{
	if (!j)
		return NULL;
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *line = realloc(s, n + 2);
	if (!line) {
		free(s);
		return NULL;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	return line;
}

char *wire_encode_control_request(const char *op, const char *id, const char *const *names, size_t n)
{
	json_t *j = json_pack("{s:s, s:s}", "op", op, "consultation", id);
	if (j && strcmp(op, "denylist") == 0) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_string(names[i]));
		json_object_set_new(j, "names", a);
	}
	return json_line(j);
}

char *wire_encode_control_reply(rt_err err, const char *message, long count)
{
	json_t *j = json_pack("{s:b}", "ok", err == RT_OK);
	if (!j)
		return NULL;
	if (err)
		json_object_set_new(j, "error", json_string(rt_err_code(err)));
	if (message && message[0])
		json_object_set_new(j, "message", json_string(message));
	if (count >= 0)
		json_object_set_new(j, "count", json_integer(count));
	return json_line(j);
}

int wire_decode_control_reply(const char *buf, size_t len, wire_control_reply *out)
{
	json_t *root = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK, NULL);
	json_t *okv = json_object_get(root, "ok"), *n = json_object_get(root, "count");
	json_t *error = json_object_get(root, "error"), *message = json_object_get(root, "message");
	int rc = json_is_boolean(okv) && (n == NULL || json_typeof(n) == JSON_INTEGER) &&
	                 (error == NULL || json_is_string(error)) && (message == NULL || json_is_string(message))
	             ? 0
	             : -1;
	out->ok = rc == 0 && json_is_true(okv);
	out->count = rc == 0 && n ? (long)json_integer_value(n) : -1;
	snprintf(out->error, sizeof out->error, "%s", rc == 0 && error ? json_string_value(error) : "");
	snprintf(out->message, sizeof out->message, "%s", rc == 0 && message ? json_string_value(message) : "");
	json_decref(root);
	return rc;
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

static void programme_priority(json_t *v, wire_programme *out, wire_agenda_errors *errs)
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
		used +=
		    (size_t)snprintf(out->priority + used, sizeof out->priority - used, "%s%s", used ? " " : "", name);
	}
}

/* Session i: session_defaults, then the session's own fields, decoded as an agenda. */
static void programme_session(json_t *defaults, json_t *session, int i, core_agenda *out, wire_agenda_errors *errs)
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
	if (wire_decode_agenda(text, strlen(text), out, &own))
		for (int k = 0; k < own.n; k++)
			agenda_error(errs, "sessions[%d].%s", i, own.msg[k]);
	else if (!out->date[0])
		agenda_error(errs, "sessions[%d].date: is required: the day the session is held, YYYY-MM-DD", i);
	free(text);
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
	out->certificate = (uint16_t)(n > 1 ? n - 1 : 1);
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
	programme_priority(json_object_get(root, "priority"), out, errs);
	json_t *defaults = json_object_get(root, "session_defaults");
	if (defaults && !json_is_object(defaults))
		agenda_error(errs, "session_defaults: must be an object");
	if (n && !(out->sessions = calloc(n, sizeof *out->sessions)))
		agenda_error(errs, "sessions: out of memory");
	for (size_t i = 0; out->sessions && i < n; i++)
		programme_session(defaults, json_array_get(sessions, i), (int)i, &out->sessions[i], errs);
	out->nsessions = out->sessions ? (int)n : 0;
	json_decref(root);
	if (errs->n) {
		wire_programme_free(out);
		return -1;
	}
	return 0;
}

void wire_programme_free(wire_programme *p)
{
	free(p->sessions);
	p->sessions = NULL;
	p->nsessions = 0;
}
