/* control.c — the organiser's control socket: the server side (one request line per
 * connection, handed to the hub: seal, deny-list, links changed) and the client side the
 * command line uses. A deny-list travels here because it must never be written to disk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "server.h"

/* One request per connection on a Unix socket beside the database, readable by the server's
 * own user only: `roundtable seal` and `roundtable denylist` (CHR-5, CHR-6). A deny-list
 * arrives here because it must never be written to disk. */
typedef struct ctl_conn {
	char *rx;
	size_t rxlen, rxcap;
	unsigned char *reply; /* LWS_PRE headroom, then the reply line */
	size_t reply_len;
} ctl_conn;

static char *control_handle(server *s, const char *req, size_t len)
{
	wire_control c;
	if (wire_decode_control(req, len, &c))
		return wire_encode_control_reply(RT_E_PROTOCOL_INVALID_FIELD, c.error, -1);
	rtlog_line l;
	rtlog_begin(&l, RTLOG_INFO, "control");
	rtlog_str(&l, "consultation", c.consultation);
	char *reply;
	if (c.op == WIRE_CONTROL_LINKS) {
		/* PL-2: the organiser revoked links: who holds one is cut off now. */
		int n = hub_links_changed(s->hub, c.consultation);
		hub_flush(s->hub);
		rtlog_str(&l, "op", "links");
		rtlog_int(&l, "cut_off", n);
		reply = wire_encode_control_reply(RT_OK, NULL, n);
	} else if (c.op == WIRE_CONTROL_DENYLIST) {
		/* The names themselves never reach the log (CHR-6). */
		long n = (long)core_denylist_count(c.deny);
		rt_err err = hub_set_denylist(s->hub, c.consultation, c.deny);
		rtlog_str(&l, "op", "denylist");
		rtlog_str(&l, "result", err ? rt_err_code(err) : "ok");
		rtlog_int(&l, "names", err ? 0 : n);
		reply = wire_encode_control_reply(err, NULL, err ? -1 : n);
	} else {
		char why[160];
		rt_err err = hub_seal(s->hub, c.consultation, why, sizeof why);
		rtlog_str(&l, "op", "seal");
		rtlog_str(&l, "result", err ? rt_err_code(err) : "ok");
		reply = wire_encode_control_reply(err, why, -1);
	}
	rtlog_end(&l);
	return reply;
}

static int control_rx(struct lws *wsi, server *s, ctl_conn *c, const char *in, size_t len)
{
	if (c->reply)
		return 0; /* one request per connection */
	if (c->rxlen + len > WIRE_CONTROL_MAX || net_append_rx(&c->rx, &c->rxlen, &c->rxcap, in, len, WIRE_CONTROL_MAX))
		return -1;
	char *nl = memchr(c->rx, '\n', c->rxlen);
	if (!nl)
		return 0;
	char *line = control_handle(s, c->rx, (size_t)(nl - c->rx));
	if (!line)
		return -1;
	size_t n = strlen(line);
	c->reply = malloc(LWS_PRE + n);
	if (c->reply) {
		memcpy(c->reply + LWS_PRE, line, n);
		c->reply_len = n;
	}
	free(line);
	if (!c->reply)
		return -1;
	lws_callback_on_writable(wsi);
	return 0;
}

static int callback_control(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	ctl_conn *c = user;
	server *s = lws_context_user(lws_get_context(wsi));
	switch (reason) {
	case LWS_CALLBACK_RAW_ADOPT:
		memset(c, 0, sizeof *c);
		break;
	case LWS_CALLBACK_RAW_RX:
		return control_rx(wsi, s, c, in, len);
	case LWS_CALLBACK_RAW_WRITEABLE:
		if (!c->reply)
			return 0;
		lws_write(wsi, c->reply + LWS_PRE, c->reply_len, LWS_WRITE_RAW);
		return -1; /* answered: close */
	case LWS_CALLBACK_RAW_CLOSE:
		free(c->rx);
		free(c->reply);
		c->rx = NULL;
		c->reply = NULL;
		break;
	default:
		break;
	}
	return 0;
}

void net_control_path(const char *data_dir, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/roundtable.ctl", data_dir);
}

int net_control_request(const char *data_dir, const char *request, char *reply, size_t cap)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	net_control_path(data_dir, path, sizeof path);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		close(fd);
		return -1; /* no server is running on this folder */
	}
	if (!request) {
		close(fd);
		return 0;
	}
	size_t n = strlen(request), off = 0;
	while (off < n) {
		ssize_t w = write(fd, request + off, n - off);
		if (w <= 0) {
			close(fd);
			return -2;
		}
		off += (size_t)w;
	}
	size_t got = 0;
	while (got + 1 < cap) {
		ssize_t r = read(fd, reply + got, cap - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
		if (memchr(reply, '\n', got))
			break;
	}
	reply[got] = '\0';
	close(fd);
	return got ? 0 : -2;
}

/* Listens on the control socket, unless another server already answers on it. */
int net_control_listen(server *s, const char *data_dir)
{
	static const struct lws_protocols ctl_protocols[] = {
	    {"roundtable-control", callback_control, sizeof(ctl_conn), 4096, 0, NULL, 0},
	    {NULL, NULL, 0, 0, 0, NULL, 0},
	};
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	net_control_path(data_dir, path, sizeof path);
	if (net_control_request(data_dir, NULL, NULL, 0) == 0) {
		rtlog_line l;
		rtlog_begin(&l, RTLOG_ERROR, "start_failed");
		rtlog_str(&l, "msg", "another server is running on this data folder");
		rtlog_str(&l, "data", data_dir);
		rtlog_end(&l);
		return -1;
	}
	unlink(path); /* a socket left by a server that did not stop cleanly */
	struct lws_context_creation_info ci;
	memset(&ci, 0, sizeof ci);
	ci.options = LWS_SERVER_OPTION_UNIX_SOCK | LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG;
	ci.iface = path;
	ci.vhost_name = "control";
	ci.protocols = ctl_protocols;
	ci.listen_accept_role = "raw-skt";
	ci.listen_accept_protocol = "roundtable-control";
	mode_t old = umask(0177); /* the socket is created 0600: the server's own user only */
	struct lws_vhost *vh = lws_create_vhost(s->ctx, &ci);
	umask(old);
	if (!vh) {
		rtlog_line l;
		rtlog_begin(&l, RTLOG_ERROR, "start_failed");
		rtlog_str(&l, "msg", "cannot listen on the control socket");
		rtlog_str(&l, "path", path);
		rtlog_end(&l);
		return -1;
	}
	return 0;
}
