/* buf.c — the codec's output: the outgoing buffer (one encoded message, reference-counted so
 * that every connection it is queued on shares it, with headroom before the payload for the
 * transport's frame header) and the JSON text it is made from. Not the messages' shapes
 * (encode.c). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "wire.h"

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

char *wire_json_text(json_t *j)
{
	if (!j)
		return NULL;
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}
