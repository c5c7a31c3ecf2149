/* agenda_polls.c — the polls an agenda file prepares (POLL-1, protocol/agenda.md): each
 * segments[i].polls[j] read into a poll definition attached to segment i, with its JSON path in
 * every error. The shape only; the core decides the rest when the poll is created. Not the
 * agenda itself (files.c) nor poll.create (decode.c), whose texts it reads the same way. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"
#include "wire.h"

static void poll_error(wire_agenda_errors *errs, int seg, int j, const char *what)
{
	if (errs->n < WIRE_AGENDA_MAX_ERRORS)
		snprintf(errs->msg[errs->n++], sizeof errs->msg[0], "segments[%d].polls[%d]%s", seg, j, what);
}

/* One poll of segment seg into d; false (an error reported) when it is not one. */
static bool agenda_poll(json_t *p, int seg, int j, core_poll_def *d, wire_agenda_errors *errs)
{
	memset(d, 0, sizeof *d);
	d->segment = (uint16_t)seg;
	if (!json_is_object(p)) {
		poll_error(errs, seg, j, ": must be an object");
		return false;
	}
	const char *key;
	json_t *v;
	json_object_foreach(p, key, v)
	{
		if (strcmp(key, "kind") != 0 && strcmp(key, "text") != 0 && strcmp(key, "options") != 0) {
			poll_error(errs, seg, j, ": only kind, text and options");
			return false;
		}
	}
	int kind = core_poll_kind_parse(json_string_value(json_object_get(p, "kind")));
	if (kind < 0) {
		poll_error(errs, seg, j, ".kind: must be one of single, multiple, scale, words");
		return false;
	}
	d->kind = (core_poll_kind)kind;
	if (!wire_poll_texts(json_object_get(p, "text"), d->text[0], sizeof d->text[0])) {
		poll_error(errs, seg, j, ".text: must be the question by language code (en, ar, fr, es)");
		return false;
	}
	json_t *opts = json_object_get(p, "options");
	size_t n = json_is_array(opts) ? json_array_size(opts) : 0;
	bool choice = d->kind == CORE_POLL_SINGLE || d->kind == CORE_POLL_MULTIPLE;
	if (choice ? n < 2 || n > CORE_POLL_MAX_OPTIONS : opts != NULL) {
		poll_error(errs, seg, j,
		           choice ? ".options: 2 to 10, each by language code" : ".options: only for choices");
		return false;
	}
	for (size_t o = 0; o < n; o++) {
		if (!wire_poll_texts(json_array_get(opts, o), d->options[o][0], sizeof d->options[o][0])) {
			poll_error(errs, seg, j, ".options: each by language code (en, ar, fr, es)");
			return false;
		}
	}
	d->noptions = (int)n;
	return true;
}

int wire_decode_agenda_polls(const char *buf, size_t len, core_poll_def *out, int max, wire_agenda_errors *errs)
{
	errs->n = 0;
	json_t *root = json_loadb(buf, len, 0, NULL);
	json_t *segs = json_object_get(root, "segments");
	int count = 0;
	for (size_t i = 0; i < json_array_size(segs); i++) {
		json_t *polls = json_object_get(json_array_get(segs, i), "polls");
		if (polls && !json_is_array(polls)) {
			poll_error(errs, (int)i, 0, ": polls must be a list");
			continue;
		}
		for (size_t j = 0; j < json_array_size(polls); j++) {
			if (count >= max) {
				poll_error(errs, (int)i, (int)j, ": too many polls in one agenda");
				break;
			}
			if (agenda_poll(json_array_get(polls, j), (int)i, (int)j, &out[count], errs))
				count++;
		}
	}
	json_decref(root);
	return errs->n ? -1 : count;
}
