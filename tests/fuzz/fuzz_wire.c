/* libFuzzer target: the command decoder (wire_decode) and the control-socket decoder, on any
 * bytes a client or a local process could send. Invariants: no crash, no leak, and a decoded
 * command's text is valid UTF-8 within the protocol's limits. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scrub.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static wire_message m; /* large: not on the stack */
	if (wire_decode((const char *)data, size, &m) == RT_OK && m.kind == WIRE_MSG_COMMAND && m.cmd.text) {
		long cp = core_utf8_count(m.cmd.text, m.cmd.text_len);
		if (cp < 0 || cp > WIRE_TEXT_MAX_CP)
			abort();
	}
	if (strnlen(m.id, sizeof m.id) > WIRE_ID_MAX)
		abort();
	wire_control c;
	memset(&c, 0, sizeof c);
	if (wire_decode_control((const char *)data, size, &c) == 0)
		core_denylist_free(c.deny);
	else if (c.deny)
		abort(); /* on error, nothing is the caller's to free */
	return 0;
}
