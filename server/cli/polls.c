/* polls.c — the polls an agenda file prepares (POLL-1), created with the consultation by
 * `roundtable new`: each goes through the core as a co-chair's poll.create would, and its rows
 * are written in the same transaction as the consultation. Not the live commands (server/hub). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "store.h"
#include "wire.h"

int cli_create_agenda_polls(store *st, const char *text, size_t len, const char *source, const core_agenda *a)
{
	core_poll_def *defs = malloc(CORE_MAX_POLLS * sizeof *defs);
	wire_agenda_errors *errs = malloc(sizeof *errs);
	core_state *s = malloc(sizeof *s);
	core_decision *d = malloc(sizeof *d);
	int rc = -1;
	if (!defs || !errs || !s || !d) {
		fprintf(stderr, "roundtable: out of memory\n");
		goto done;
	}
	int n = wire_decode_agenda_polls(text, len, defs, CORE_MAX_POLLS, errs);
	if (n < 0) {
		cli_print_file_errors(source, "agenda", errs);
		goto done;
	}
	core_state_init(s, a);
	const core_actor chair = {.role = CORE_ROLE_COCHAIR};
	rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		core_command cmd = {.kind = CORE_CMD_POLL_CREATE, .poll_def = &defs[i]};
		rt_err err = core_decide(s, &chair, &cmd, 0, d);
		if (err) {
			fprintf(stderr, "%s: agenda: segments[%u]: poll %d: %s\n", source, (unsigned)defs[i].segment,
			        i + 1, rt_err_code(err));
			rc = -1;
		} else if (core_evolve(s, &d->events[0]) || store_append(st, s, d->events, d->nevents) != RT_OK) {
			fprintf(stderr, "roundtable: could not store the agenda's polls\n");
			rc = -1;
		}
	}
	core_state_free(s);
done:
	free(defs);
	free(errs);
	free(s);
	free(d);
	return rc;
}
