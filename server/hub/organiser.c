/* organiser.c — what the organiser and the clocks ask of the hub: the report export, cutting
 * off revoked or expired links, sealing, the deny-list, and the clocks' ticks. Each goes
 * through the core like a client's command; none knows the transport. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "log.h"
#include "report.h"

/* EX-2: the report, answered at once to the one who asked; it changes nothing. */
void hub_export_report(hub *h, hub_peer *peer, const wire_message *m)
{
	hub_room *r = peer->room;
	if (!core_role_may(peer->actor.role, CORE_CMD_REPORT_EXPORT)) {
		hub_queue_error(h, peer, m->id, RT_E_AUTH_FORBIDDEN, NULL, NULL);
		return;
	}
	report_options opt = {
	    .format = (report_format)m->format, .lang = m->cmd.lang, .now_ms = h->io.now_ms(h->io.ctx)};
	size_t len;
	char *doc = report_render(&r->st, &opt, &len);
	char filename[REPORT_FILENAME_MAX];
	report_filename(r->st.agenda.title, report_agenda_date(&r->st.agenda), report_kind(&r->st),
	                report_format_name(opt.format), filename, sizeof filename);
	wire_buf *b = doc ? wire_encode_document(m->id, report_format_name(opt.format), filename,
	                                         report_media_type(opt.format), doc, len, h->headroom)
	                  : NULL;
	free(doc);
	if (!b) {
		hub_queue_error(h, peer, m->id, RT_E_SERVER_UNAVAILABLE, NULL, NULL);
		return;
	}
	h->io.send(h->io.ctx, peer, b);
	wire_buf_unref(b);
}

/* --- links (PL-2) ------------------------------------------------------------------------ */

/* Ends every connection of room r whose link no longer works at `now`. */
static int cut_off(hub *h, hub_room *r, int64_t now)
{
	int n = 0;
	store_token tok;
	for (hub_peer *p = r->peers; p; p = p->next) {
		if (p->closing || (store_find_token(h->store, p->link, now, &tok) == RT_OK &&
		                   (!tok.programme[0] || !r->links_expire || r->links_expire > now)))
			continue;
		hub_queue_error_close(h, p, NULL, RT_E_AUTH_INVALID, NULL);
		n++;
	}
	return n;
}

int hub_links_changed(hub *h, const char *id)
{
	int64_t now = h->io.now_ms(h->io.ctx);
	for (hub_room *r = h->rooms; r; r = r->next)
		if (strcmp(r->st.agenda.id, id) == 0)
			return cut_off(h, r, now);
	/* A programme's links work in all its sessions: every connection's link is checked (an
	 * organiser's action, rare). An id of nothing loaded changes nobody's. */
	int n = hub_console_cut_off(h);
	for (hub_room *r = h->rooms; r; r = r->next)
		n += cut_off(h, r, now);
	return n;
}

/* --- the organiser's commands ------------------------------------------------------------ */

rt_err hub_seal(hub *h, const char *id, char *errbuf, size_t errlen)
{
	rt_err err;
	errbuf[0] = '\0';
	hub_room *r = hub_room_get(h, id, &err);
	if (!r)
		return err == RT_E_AUTH_INVALID ? RT_E_NOT_FOUND : err;
	err = hub_run_system(h, r, CORE_CMD_SEAL, 0);
	h->compact_failed = false;
	hub_flush(h);
	if (!err && !r->st.sealed)
		err = RT_E_SERVER_UNAVAILABLE; /* the batch did not commit */
	if (!err && h->compact_failed) {
		snprintf(errbuf, errlen, "%s", h->compact_error);
		err = RT_E_SERVER_UNAVAILABLE;
	}
	return err;
}

rt_err hub_set_denylist(hub *h, const char *id, core_denylist *deny)
{
	rt_err err;
	hub_room *r = hub_room_get(h, id, &err);
	if (!r) {
		core_denylist_free(deny);
		return err == RT_E_AUTH_INVALID ? RT_E_NOT_FOUND : err;
	}
	core_denylist_free(r->deny);
	r->deny = deny;
	r->st.deny = deny;
	return RT_OK;
}

void hub_tick(hub *h)
{
	int64_t now = h->io.now_ms(h->io.ctx);
	for (hub_room *r = h->rooms; r; r = r->next) {
		int64_t due = core_clock_due_ms(&r->st);
		if (due && due <= now)
			hub_run_system(h, r, CORE_CMD_CLOCK_DUE, 0);
		if (r->links_expire && !r->links_cut && r->links_expire <= now) {
			rtlog_line l;
			rtlog_begin(&l, RTLOG_INFO, "links_expired");
			rtlog_str(&l, "consultation", r->st.agenda.id);
			rtlog_int(&l, "cut_off", cut_off(h, r, now));
			rtlog_end(&l);
			r->links_cut = true;
		}
	}
	/* Counts from committed state only: with a batch open, its flush sends them. */
	if (!store_in_transaction(h->store))
		hub_live_send_due(h);
	hub_attend_all(h, false);
	hub_schedule_due(h);
}
