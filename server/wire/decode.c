/* decode.c — strict decoding of what clients send (protocol v1): unknown fields, missing fields
 * and wrong types are typed errors, checked in that order so that each frame has exactly one
 * answer. It decides nothing: a decoded command goes to the core. Not the agenda or programme
 * files (files.c), nor the control socket (control.c). */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "report.h"
#include "wire.h"

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
		int fmt = s ? core_report_format_parse(s) : -1;
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
