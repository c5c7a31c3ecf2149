/* buf.c — the codec's outgoing buffer: one encoded message, reference-counted so that every
 * connection it is queued on shares it, with headroom before the payload for the transport's
 * frame header. No JSON here: encode.c fills the buffers. */
#include <stdlib.h>
#include <string.h>

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
