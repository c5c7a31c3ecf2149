/* libFuzzer target: the agenda-file parser (wire_decode_agenda), then what the server does with
 * an agenda it accepted: a consultation's state and the snapshot each role is sent.
 * Invariants: no crash, no leak; a refusal always says why; an accepted agenda gives a snapshot. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static core_agenda a;
	static wire_agenda_errors errs;
	memset(&a, 0, sizeof a);
	if (wire_decode_agenda((const char *)data, size, &a, &errs)) {
		if (errs.n < 1 || errs.n > WIRE_AGENDA_MAX_ERRORS)
			abort();
		return 0;
	}
	strcpy(a.id, "fuzz");
	static core_state st;
	core_state_init(&st, &a);
	const core_actor actors[] = {
	    {.role = CORE_ROLE_COCHAIR}, {.role = CORE_ROLE_STAGE}, {.role = CORE_ROLE_RAPPORTEUR}};
	for (size_t i = 0; i < sizeof actors / sizeof actors[0]; i++) {
		wire_buf *b = wire_encode_snapshot(&st, &actors[i], 0);
		if (!b)
			abort();
		wire_buf_unref(b);
	}
	core_state_free(&st);
	return 0;
}
