/* control.c — the lines of the organiser's control socket (roundtable seal, denylist, links):
 * the request the command line writes and the server reads, and the reply back. One JSON
 * object per line. Not the socket itself (server/net). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"
#include "wire.h"

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
	char *s = wire_json_text(j);
	size_t n = s ? strlen(s) : 0;
	char *line = s ? realloc(s, n + 2) : NULL;
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
