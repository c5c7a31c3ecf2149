/* organiser.c — the JSON of the organiser's console (ORG-1): its frames read and its answers
 * written for server/cli/console.c, which runs the operations and may not know jansson. A thin,
 * checked view of a JSON value: no protocol rule lives here (the console checks each field).
 * Not the consultations' messages (decode.c, encode.c). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "wire.h"

/* A wire_json is a json_t. */
static json_t *J(const wire_json *v)
{
	return (json_t *)v;
}

wire_json *wire_json_parse(const char *buf, size_t len)
{
	json_error_t err;
	json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	if (!json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return (wire_json *)j;
}

void wire_json_free(wire_json *v)
{
	json_decref(J(v));
}

wire_json *wire_json_get(const wire_json *o, const char *key)
{
	return (wire_json *)json_object_get(J(o), key);
}

const char *wire_json_str(const wire_json *v)
{
	return json_string_value(J(v));
}

bool wire_json_is_int(const wire_json *v)
{
	return json_is_integer(J(v));
}

int64_t wire_json_int(const wire_json *v)
{
	return (int64_t)json_integer_value(J(v));
}

bool wire_json_is_null(const wire_json *v)
{
	return json_is_null(J(v));
}

bool wire_json_is_object(const wire_json *v)
{
	return json_is_object(J(v));
}

long wire_json_len(const wire_json *v)
{
	return json_is_array(J(v)) ? (long)json_array_size(J(v)) : -1;
}

wire_json *wire_json_at(const wire_json *v, size_t i)
{
	return (wire_json *)json_array_get(J(v), i);
}

char *wire_json_dump(const wire_json *v)
{
	return json_dumps(J(v), JSON_COMPACT);
}

wire_json *wire_json_object(void)
{
	return (wire_json *)json_object();
}

wire_json *wire_json_array(void)
{
	return (wire_json *)json_array();
}

wire_json *wire_json_string(const char *s)
{
	return (wire_json *)(s ? json_string(s) : json_null());
}

wire_json *wire_json_stringn(const char *s, size_t n)
{
	return (wire_json *)json_stringn(s, n);
}

wire_json *wire_json_integer(int64_t n)
{
	return (wire_json *)json_integer((json_int_t)n);
}

wire_json *wire_json_bool(bool b)
{
	return (wire_json *)json_boolean(b);
}

wire_json *wire_json_null(void)
{
	return (wire_json *)json_null();
}

void wire_json_set(wire_json *o, const char *key, wire_json *v)
{
	json_object_set_new(J(o), key, J(v));
}

void wire_json_push(wire_json *a, wire_json *v)
{
	json_array_append_new(J(a), J(v));
}

wire_buf *wire_json_buf(wire_json *v, size_t headroom)
{
	char *s = v ? json_dumps(J(v), JSON_COMPACT) : NULL;
	json_decref(J(v));
	wire_buf *b = s ? wire_buf_new(s, strlen(s), headroom) : NULL;
	free(s);
	return b;
}
