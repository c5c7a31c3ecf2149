/* auth.c — a connection's first frame: check its link, choose the consultation (a programme's
 * link opens one of its sessions), give it its pseudonym and scope, join its room, and send a
 * snapshot or resume it from the ring. Not the commands that follow (batch.c). */
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "internal.h"

/* Which consultation a token opens, into cid: its own; or, for a programme's, the session its
 * socket's path names, else the one core_programme_pick chooses now (*chosen is then set: the
 * session may differ from the one the client last saw, so its `since` means nothing here). */
static rt_err session_of(hub *h, const hub_peer *peer, const store_token *tok, int64_t now, char *cid, bool *chosen)
{
	*chosen = false;
	const char *path = peer->path_consultation;
	if (!tok->programme[0]) {
		if (path[0] && strcmp(path, tok->consultation) != 0)
			return RT_E_AUTH_INVALID; /* opened under another consultation's page */
		snprintf(cid, CORE_ID_MAX + 1, "%s", tok->consultation);
		return RT_OK;
	}
	store_session ss[CORE_MAX_SESSIONS];
	core_session_info info[CORE_MAX_SESSIONS];
	int n;
	if (store_programme_sessions(h->store, tok->programme, ss, CORE_MAX_SESSIONS, &n) != RT_OK)
		return RT_E_SERVER_UNAVAILABLE;
	int pick = -1;
	for (int i = 0; i < n; i++) {
		info[i] = ss[i].info;
		if (path[0] && !strcmp(path, ss[i].id))
			pick = i;
	}
	if (pick < 0 && n && (!path[0] || !strcmp(path, tok->programme))) {
		pick = core_programme_pick(info, n, now);
		*chosen = true;
	}
	if (pick < 0)
		return RT_E_AUTH_INVALID; /* another programme's session, or none */
	snprintf(cid, CORE_ID_MAX + 1, "%s", ss[pick].id);
	return RT_OK;
}

rt_err hub_authenticate(hub *h, hub_peer *peer, const wire_message *m, core_err_params *params)
{
	uint8_t raw[CRYPTO_TOKEN_BYTES], hash[CRYPTO_HASH_BYTES];
	store_token tok;
	if (crypto_token_parse(m->token, raw))
		return RT_E_AUTH_INVALID;
	crypto_sha256(raw, sizeof raw, hash);
	int64_t now = h->io.now_ms(h->io.ctx);
	rt_err err = store_find_token(h->store, hash, now, &tok);
	if (err == RT_E_AUTH_INVALID && !peer->path_consultation[0] && h->console)
		return hub_console_join(h, peer, hash); /* ORG-1: the organiser's link */
	char cid[CORE_ID_MAX + 1];
	bool chosen;
	if (err || (err = session_of(h, peer, &tok, now, cid, &chosen)) != RT_OK)
		return err;
	core_actor actor = {.role = tok.role, .session = ++h->sessions};
	if (tok.role == CORE_ROLE_BOOTH) {
		/* A booth link's label is the channel it interprets into. */
		int channel = core_lang_parse(tok.label);
		if (channel < 0)
			return RT_E_AUTH_INVALID;
		actor.channel = (core_lang)channel;
	}
	uint8_t device[CRYPTO_TOKEN_BYTES];
	if (tok.kind == STORE_TOKEN_OPEN && (!m->has_device || crypto_token_parse(m->device, device)))
		return RT_E_AUTH_INVALID;
	hub_room *r = hub_room_get(h, cid, &err);
	if (!r)
		return err;
	if (tok.programme[0] && r->links_expire && r->links_expire <= now)
		return RT_E_AUTH_INVALID; /* a programme's link, in a session sealed long enough ago */
	int attendee = 0;
	if (tok.kind == STORE_TOKEN_PERSONAL && (attendee = core_attendance_find(&r->att, tok.label) + 1) == 0)
		return RT_E_SERVER_UNAVAILABLE;
	/* CHR-3: the pseudonym is keyed by the consultation's secret, so it links a participant's
	 * questions and votes within this consultation only, and only while the secret exists. */
	if (r->st.sealed) {
		/* CHR-5: no secret is left, and a sealed consultation takes no participant command. */
	} else if (tok.kind == STORE_TOKEN_OPEN) {
		crypto_pseudonym(r->secret, "device", device, sizeof device, actor.pseud.b, CORE_PSEUD_LEN);
		actor.has_pseud = true;
		/* AB-2, AB-5, AB-6: the open link's participants vote as the agenda allows, and a
		 * device key new here pays its proof of work and counts against its network's cap. */
		actor.open_link = true;
		memcpy(actor.network, peer->network, sizeof actor.network);
		if ((err = hub_guard_join(h, r, &actor, m, params)) != RT_OK)
			return err;
	} else if (tok.kind == STORE_TOKEN_PERSONAL) {
		crypto_pseudonym(r->secret, "invitation", raw, sizeof raw, actor.pseud.b, CORE_PSEUD_LEN);
		actor.has_pseud = true;
	}
	/* PL-3: a participant's command ids are theirs across connections and devices' tabs; a
	 * role link's are shared by whoever holds the link. */
	memset(peer->scope, 0, sizeof peer->scope);
	if (actor.has_pseud)
		memcpy(peer->scope, actor.pseud.b, CORE_PSEUD_LEN);
	else
		memcpy(peer->scope, tok.hash, sizeof peer->scope);
	memcpy(peer->link, tok.hash, sizeof peer->link);
	/* The snapshot must show committed state only, and every later event must follow it:
	 * deliver the open batch first, then join. */
	hub_flush(h);
	peer->actor = actor;
	hub_room_join(h, r, peer);
	if (attendee) {
		peer->attendee = attendee;
		core_attendance_join(&r->att, attendee - 1, now);
	}
	/* What the room holds now is in the snapshot or the replay below. */
	peer->held_window = r->window;
	peer->held_skip = r->nheld;
	wire_buf *snap = NULL;
	if (m->has_since && !chosen && hub_resume(h, r, peer, m->since, &snap))
		return RT_OK;
	if (!snap)
		snap = hub_room_snapshot(h, r, &actor);
	if (!snap)
		return RT_E_SERVER_UNAVAILABLE;
	h->io.send(h->io.ctx, peer, snap);
	wire_buf_unref(snap);
	return RT_OK;
}
