/* console.c — the organiser's connections (ORG-1): an organiser link makes a connection the
 * console, which belongs to no room and sees no consultation's events; each frame it sends is
 * answered by the console function the command line gave (hub_set_console). Not the
 * operations themselves: those are the command line's (server/cli/console.c). */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"

#include "internal.h"
#include "log.h"

void hub_set_console(hub *h, hub_console_fn fn, void *ctx)
{
	h->console = fn;
	h->console_ctx = ctx;
}

static void send_text(hub *h, hub_peer *peer, const char *text)
{
	wire_buf *b = wire_buf_new(text, strlen(text), h->headroom);
	if (b)
		h->io.send(h->io.ctx, peer, b);
	wire_buf_unref(b);
}

rt_err hub_console_join(hub *h, hub_peer *peer, const uint8_t hash[STORE_HASH_BYTES])
{
	rt_err err = store_organiser_token_find(h->store, hash);
	if (err)
		return err;
	peer->organiser = true;
	peer->actor = (core_actor){.role = CORE_ROLE_ORGANISER, .session = ++h->sessions};
	memcpy(peer->link, hash, sizeof peer->link);
	memcpy(peer->scope, hash, sizeof peer->scope);
	peer->prev = NULL;
	peer->next = h->organisers;
	if (h->organisers)
		h->organisers->prev = peer;
	h->organisers = peer;
	rtlog_line l;
	rtlog_begin(&l, RTLOG_INFO, "organiser_joined");
	rtlog_end(&l);
	send_text(h, peer, "{\"type\":\"organiser.ready\",\"role\":\"organiser\"}");
	return RT_OK;
}

void hub_console_receive(hub *h, hub_peer *peer, const char *frame, size_t len)
{
	/* Whatever the rooms' batch holds is committed first: the organiser's operations write
	 * and commit on the same database. */
	hub_flush(h);
	if (store_organiser_token_find(h->store, peer->link) != RT_OK) {
		hub_queue_error_close(h, peer, NULL, RT_E_AUTH_INVALID, NULL);
		return;
	}
	wire_buf *b = h->console(h->console_ctx, h, frame, len, h->headroom);
	if (!b) {
		hub_queue_error(h, peer, NULL, RT_E_SERVER_UNAVAILABLE, NULL, NULL);
		return;
	}
	h->io.send(h->io.ctx, peer, b);
	wire_buf_unref(b);
}

int hub_console_cut_off(hub *h)
{
	int n = 0;
	for (hub_peer *p = h->organisers; p; p = p->next)
		if (!p->closing && store_organiser_token_find(h->store, p->link) != RT_OK) {
			hub_queue_error_close(h, p, NULL, RT_E_AUTH_INVALID, NULL);
			n++;
		}
	return n;
}

void hub_console_closed(hub *h, hub_peer *peer)
{
	if (!peer->organiser)
		return;
	if (peer->prev)
		peer->prev->next = peer->next;
	else
		h->organisers = peer->next;
	if (peer->next)
		peer->next->prev = peer->prev;
	peer->prev = peer->next = NULL;
	peer->organiser = false;
}

/* --- one-time downloads ------------------------------------------------------------------ */

void hub_download_free(hub_download *d)
{
	if (d->body)
		memset(d->body, 0, d->len); /* a backup holds pseudonyms until the seal */
	free(d->body);
	memset(d, 0, sizeof *d);
}

int hub_download_put(hub *h, char *body, size_t len, const char *filename, const char *media_type,
                     char ticket[HUB_TICKET_CHARS + 1])
{
	int64_t now = h->io.now_ms(h->io.ctx);
	hub_download *slot = NULL, *oldest = &h->downloads[0];
	for (int i = 0; i < HUB_DOWNLOADS; i++) {
		hub_download *d = &h->downloads[i];
		if (d->body && d->expires <= now)
			hub_download_free(d);
		if (!d->body && !slot)
			slot = d;
		if (d->expires < oldest->expires)
			oldest = d;
	}
	if (!slot) {
		slot = oldest; /* all taken: the oldest goes */
		hub_download_free(slot);
	}
	uint8_t raw[CRYPTO_TOKEN_BYTES];
	char text[CRYPTO_TOKEN_CHARS + 1];
	if (crypto_token_new(raw, text)) {
		free(body);
		return -1;
	}
	snprintf(slot->ticket, sizeof slot->ticket, "%s", text);
	snprintf(slot->filename, sizeof slot->filename, "%s", filename);
	snprintf(slot->media_type, sizeof slot->media_type, "%s", media_type);
	slot->body = body;
	slot->len = len;
	slot->expires = now + HUB_DOWNLOAD_SECONDS * 1000LL;
	memcpy(ticket, slot->ticket, sizeof slot->ticket);
	return 0;
}

bool hub_download_take(hub *h, const char *ticket, hub_download *out)
{
	int64_t now = h->io.now_ms(h->io.ctx);
	for (int i = 0; i < HUB_DOWNLOADS; i++) {
		hub_download *d = &h->downloads[i];
		if (!d->body || strlen(ticket) != HUB_TICKET_CHARS)
			continue;
		volatile uint8_t diff = 0;
		for (int k = 0; k < HUB_TICKET_CHARS; k++)
			diff |= (uint8_t)(d->ticket[k] ^ ticket[k]);
		if (diff)
			continue;
		*out = *d;
		memset(d, 0, sizeof *d);
		if (out->expires > now)
			return true;
		hub_download_free(out);
		return false;
	}
	return false;
}
