/* decode.c — strict decoding of what clients send (protocol v1): unknown fields, missing fields
 * and wrong types are typed errors, checked in that order so that each frame has exactly one
 * answer. It decides nothing: a decoded command goes to the core. Not the agenda or programme
 * files (files.c), nor the control socket (control.c). */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"
#include "report.h"
#include "wire.h"

/* The kinds of field a client sends: F_X is the schema definition defs.schema.json#/$defs/x that
 * the field refers to (cmake/messages.cmake). Each has one case in take_field. */
typedef enum field_kind {
	F_COMMAND_ID,
	F_TOKEN,
	F_TEXT,          /* 1..WIRE_TEXT_MAX_CP code points */
	F_NOTE_TEXT,     /* 0..WIRE_TEXT_MAX_CP code points */
	F_LANGUAGE,      /* a language's code */
	F_QUESTION_ID,   /* a question id; "into" goes to cmd.into, any other to cmd.question */
	F_SEGMENT_INDEX, /* an agenda segment index */
	F_MINUTES,       /* a non-zero whole number of minutes, -120..120 */
	F_SIGNAL,        /* a booth signal's name */
	F_PLACEHOLDERS,  /* CHR-6: true to store identifying detail as placeholders */
	F_INCLUDED,      /* true or false */
	F_NOTE_VERSION,  /* a note version, 0 and up */
	F_PARAPHRASE_ID, /* a paraphrase id */
	F_THEME,         /* 0..CORE_THEME_MAX_CP code points */
	F_REPORT_FORMAT, /* an export format */
	F_SINCE,         /* PL-4: a seq to resume from, 0..2^53-1 (what a JavaScript number holds) */
	F_QUESTION_IDS,  /* QA-6: 1..CORE_MAX_MOVE question ids, to cmd.questions */
	/* QA-4: the state of a question its sender saw ("from") */
	F_QUESTION_STATE,
	/* QA-4: the version of a question an edit started from */
	F_QUESTION_VERSION,
	F_PAUSE_MINUTES, /* AB-3: a pause's length, 1..CORE_PAUSE_MAX_MINUTES */
	F_WORK_NONCE,    /* AB-6: 1..16 decimal digits */
	F_CREDENTIAL,    /* CHR-3: 64 bytes in base64url, to credential */
	F_RSA_VALUE,     /* CHR-3: 256..512 bytes in base64url, to rsa */
	/* POLL-1: a poll's id, kind, texts by language, options, segment; an answer's parts */
	F_POLL_ID,
	F_POLL_KIND,
	F_POLL_TEXTS,
	F_POLL_OPTIONS,
	F_POLL_SEGMENT,
	F_POLL_CHOICES,
	F_POLL_VALUE,
	F_POLL_WORDS,
	F_TICKET, /* FLOOR-1: a speaker's ticket */
} field_kind;

typedef struct field_spec {
	const char *name;
	field_kind kind;
	bool required;
	bool nullable; /* null for none: the value wire_decode starts from */
} field_spec;

#include "messages.gen.h" /* made from protocol/messages/ by cmake/messages.cmake */

#define MAX_FIELDS WIRE_MAX_FIELDS /* the type is not listed */

typedef struct message_spec {
	const char *type;
	wire_msg_kind kind;
	core_cmd_kind cmd; /* for commands */
	field_spec fields[MAX_FIELDS];
} message_spec;

/* Every message a client may send; "type" is implied. Generated from protocol/messages/. */
static const message_spec specs[] = {WIRE_CLIENT_MESSAGES};

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

/* Whether v is a whole number min..max, then in *n. */
static bool whole(json_t *v, json_int_t min, json_int_t max, json_int_t *n)
{
	*n = json_is_integer(v) ? json_integer_value(v) : 0;
	return json_is_integer(v) && *n >= min && *n <= max;
}

/* Canonical base64url without padding (the bits left over are zero) into out (cap bytes);
 * the length, or 0 when s is not that or does not fit. */
static size_t unb64url(const char *s, size_t len, uint8_t *out, size_t cap)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		const char *p = s[i] ? strchr(alphabet, s[i]) : NULL;
		if (!p)
			return 0;
		acc = acc << 6 | (uint32_t)(p - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == cap)
				return 0;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return bits < 6 && (acc & ((1u << bits) - 1)) == 0 ? o : 0;
}

/* POLL-1: the fields of poll.create and poll.answer. */
static bool take_poll_field(const field_spec *f, json_t *v, wire_message *out)
{
	json_int_t n;
	core_poll_def *d = &out->poll_def;
	core_poll_answer *a = &out->poll_answer;
	size_t count = json_is_array(v) ? json_array_size(v) : 0;
	switch (f->kind) {
	case F_POLL_ID:
		if (!whole(v, 1, INT32_MAX, &n))
			return false;
		out->cmd.poll = (uint32_t)n;
		return true;
	case F_POLL_KIND: {
		int k = core_poll_kind_parse(json_string_value(v));
		d->kind = (core_poll_kind)(k < 0 ? 0 : k);
		return k >= 0;
	}
	case F_POLL_TEXTS:
		return wire_poll_texts(v, d->text[0], sizeof d->text[0]);
	case F_POLL_OPTIONS:
		if (count < 2 || count > CORE_POLL_MAX_OPTIONS)
			return false;
		for (size_t i = 0; i < count; i++)
			if (!wire_poll_texts(json_array_get(v, i), d->options[i][0], sizeof d->options[i][0]))
				return false;
		d->noptions = (int)count;
		return true;
	case F_POLL_SEGMENT:
		if (!whole(v, 0, CORE_MAX_SEGMENTS - 1, &n))
			return false;
		d->segment = (uint16_t)n;
		return true;
	case F_POLL_CHOICES:
		if (count < 1 || count > CORE_POLL_MAX_OPTIONS)
			return false;
		for (size_t i = 0; i < count; i++) {
			if (!whole(json_array_get(v, i), 0, CORE_POLL_MAX_OPTIONS - 1, &n) || (a->choices & (1u << n)))
				return false;
			a->choices |= (uint16_t)(1u << n);
		}
		return true;
	case F_POLL_VALUE:
		if (!whole(v, 1, CORE_POLL_SCALE_MAX, &n))
			return false;
		a->value = (uint8_t)n;
		return true;
	case F_POLL_WORDS:
		if (count < 1 || count > CORE_POLL_MAX_WORDS)
			return false;
		for (size_t i = 0; i < count; i++) {
			json_t *w = json_array_get(v, i);
			size_t len = json_is_string(w) ? json_string_length(w) : sizeof a->words[0];
			if (len < 1 || len >= sizeof a->words[0])
				return false;
			memcpy(a->words[i], json_string_value(w), len + 1);
		}
		a->nwords = (int)count;
		return true;
	default:
		return false;
	}
}

/* Checks one field's value and stores it in out. */
static bool take_field(const field_spec *f, json_t *v, wire_message *out)
{
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	size_t len = s ? json_string_length(v) : 0;
	json_int_t n;
	if (f->nullable && json_is_null(v))
		return true;
	switch (f->kind) {
	case F_COMMAND_ID:
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
	case F_NOTE_TEXT: {
		long ncp = s ? core_utf8_count(s, len) : -1;
		if (ncp < (f->kind == F_NOTE_TEXT ? 0 : 1) || ncp > WIRE_TEXT_MAX_CP || len >= sizeof out->text)
			return false;
		memcpy(out->text, s, len + 1);
		out->cmd.text = out->text;
		out->cmd.text_len = len;
		return true;
	}
	case F_LANGUAGE: {
		int lang = core_lang_parse(s);
		if (lang < 0)
			return false;
		out->cmd.lang = (core_lang)lang;
		return true;
	}
	case F_QUESTION_ID:
		if (!whole(v, 1, INT32_MAX, &n))
			return false;
		*(strcmp(f->name, "into") == 0 ? &out->cmd.into : &out->cmd.question) = (uint32_t)n;
		return true;
	case F_PLACEHOLDERS:
	case F_INCLUDED:
		if (!json_is_boolean(v))
			return false;
		*(f->kind == F_INCLUDED ? &out->cmd.included : &out->cmd.placeholders) = json_is_true(v);
		return true;
	case F_SINCE:
		if (!whole(v, 0, WIRE_SEQ_MAX, &n))
			return false;
		out->since = (uint64_t)n;
		out->has_since = true;
		return true;
	case F_NOTE_VERSION:
		if (!whole(v, 0, INT32_MAX, &n))
			return false;
		out->cmd.version = (uint32_t)n;
		return true;
	case F_PARAPHRASE_ID:
		if (!whole(v, 1, INT32_MAX, &n))
			return false;
		out->cmd.paraphrase = (uint32_t)n;
		return true;
	case F_THEME: {
		long ncp = s ? core_utf8_count(s, len) : -1;
		if (ncp < 0 || ncp > CORE_THEME_MAX_CP || len >= sizeof out->theme)
			return false;
		memcpy(out->theme, s, len + 1);
		out->cmd.theme = out->theme;
		out->cmd.theme_len = len;
		return true;
	}
	case F_REPORT_FORMAT: {
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
	case F_MINUTES:
		if (!whole(v, -120, 120, &n) || n == 0)
			return false;
		out->cmd.minutes = (int)n;
		return true;
	case F_SEGMENT_INDEX:
		if (!whole(v, 0, CORE_MAX_SEGMENTS - 1, &n))
			return false;
		out->cmd.segment = (uint16_t)n;
		out->cmd.has_topic = strcmp(f->name, "topic") == 0; /* speaker.request's (FLOOR-1) */
		return true;
	case F_PAUSE_MINUTES:
		if (!whole(v, 1, CORE_PAUSE_MAX_MINUTES, &n))
			return false;
		out->cmd.minutes = (int)n;
		return true;
	case F_QUESTION_IDS: {
		size_t count = json_is_array(v) ? json_array_size(v) : 0;
		if (count < 1 || count > CORE_MAX_MOVE)
			return false;
		for (size_t i = 0; i < count; i++) {
			if (!whole(json_array_get(v, i), 1, INT32_MAX, &n))
				return false;
			out->questions[i] = (uint32_t)n;
		}
		out->cmd.questions = out->questions;
		out->cmd.nquestions = (uint32_t)count;
		return true;
	}
	case F_QUESTION_STATE: {
		int qs = core_qstate_parse(s);
		if (qs < 0)
			return false;
		out->cmd.from = (core_qstate)qs;
		out->cmd.has_from = true;
		return true;
	}
	case F_QUESTION_VERSION:
		if (!whole(v, 0, INT32_MAX, &n))
			return false;
		out->cmd.version = (uint32_t)n;
		out->cmd.has_version = true;
		return true;
	case F_CREDENTIAL:
		if (!s || len != 86 ||
		    unb64url(s, len, out->credential, sizeof out->credential) != WIRE_CREDENTIAL_BYTES)
			return false;
		out->has_credential = true;
		return true;
	case F_RSA_VALUE:
		out->rsa_len = s && len >= 342 && len <= 683 ? unb64url(s, len, out->rsa, sizeof out->rsa) : 0;
		return out->rsa_len >= 256;
	case F_WORK_NONCE:
		if (!s || len < 1 || len >= sizeof out->work || strspn(s, "0123456789") != len)
			return false;
		memcpy(out->work, s, len + 1);
		out->has_work = true;
		return true;
	case F_POLL_ID:
	case F_POLL_KIND:
	case F_POLL_TEXTS:
	case F_POLL_OPTIONS:
	case F_POLL_SEGMENT:
	case F_POLL_CHOICES:
	case F_POLL_VALUE:
	case F_POLL_WORDS:
		return take_poll_field(f, v, out);
	case F_TICKET:
		if (!whole(v, 1, INT32_MAX, &n))
			return false;
		out->cmd.ticket = (uint32_t)n;
		return true;
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
	out->cmd.lang = CORE_LANG_NONE; /* report.export without a language; listening.set to null */
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
	/* POLL-1: only these two carry a definition or an answer, zeroed here rather than for
	 * every frame. */
	if (spec->cmd == CORE_CMD_POLL_CREATE && spec->kind == WIRE_MSG_COMMAND) {
		memset(&out->poll_def, 0, sizeof out->poll_def);
		out->poll_def.segment = CORE_POLL_NO_SEGMENT;
		out->cmd.poll_def = &out->poll_def;
	} else if (spec->cmd == CORE_CMD_POLL_ANSWER && spec->kind == WIRE_MSG_COMMAND) {
		memset(&out->poll_answer, 0, sizeof out->poll_answer);
		out->cmd.poll_answer = &out->poll_answer;
	}

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
	/* QA-6: question.move names one question or several, never both nor neither. */
	if (out->cmd.kind == CORE_CMD_QUESTION_MOVE && out->kind == WIRE_MSG_COMMAND &&
	    (out->cmd.question != 0) == (out->cmd.nquestions != 0)) {
		set_field(out, out->cmd.question ? "questions" : "question");
		err = out->cmd.question ? RT_E_PROTOCOL_INVALID_FIELD : RT_E_PROTOCOL_MISSING_FIELD;
	}
done:
	json_decref(root);
	return err;
}
