/* polls.c — the polls an agenda prepares (POLL-1), created with its consultation by every path
 * that makes one (roundtable new, the organiser's console, a programme's sessions): each goes
 * through the core as a co-chair's poll.create would, in the consultation's open transaction.
 * Not the live commands (server/hub), and it prints nothing: the caller reports the errors. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "store.h"
#include "wire.h"

int cli_make_agenda_polls(store *st, const char *text, size_t len, const core_agenda *a, wire_agenda_errors *errs)
{
	core_poll_def *defs = malloc(CORE_MAX_POLLS * sizeof *defs);
	core_state *s = malloc(sizeof *s);
	core_decision *d = malloc(sizeof *d);
	int rc = -3;
	if (!defs || !s || !d)
		goto done;
	int n = wire_decode_agenda_polls(text, len, defs, CORE_MAX_POLLS, errs);
	if (n < 0) {
		rc = -1;
		goto done;
	}
	core_state_init(s, a);
	const core_actor chair = {.role = CORE_ROLE_COCHAIR};
	rc = 0;
	for (int i = 0, j = 0; i < n && rc == 0; i++) {
		j = i && defs[i].segment == defs[i - 1].segment ? j + 1 : 0; /* its place in the segment */
		core_command cmd = {.kind = CORE_CMD_POLL_CREATE, .poll_def = &defs[i]};
		rt_err err = core_decide(s, &chair, &cmd, 0, d);
		if (err) {
			errs->n = 1;
			snprintf(errs->msg[0], sizeof errs->msg[0], "segments[%u].polls[%d]: %s",
			         (unsigned)defs[i].segment, j, rt_err_code(err));
			rc = -1;
		} else if (core_evolve(s, &d->events[0]) || store_append(st, s, d->events, d->nevents) != RT_OK) {
			rc = -3;
		}
	}
	core_state_free(s);
done:
	free(defs);
	free(s);
	free(d);
	return rc;
}
