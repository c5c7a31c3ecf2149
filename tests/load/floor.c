/* floor — the fan-out floor of Roundtable's benchmark (tests/load/bench.sh): a minimal
 * libwebsockets server that sends every frame it receives to every connection, and nothing
 * else. It uses lws' own poll loop and one lws_write per writeable callback, as Roundtable must,
 * with a ring whose readers each keep their own position (no per-write scan of the others), so
 * it is the cost of fan-out with this library alone: rtload drives both with frames of the same
 * size, and Roundtable's figures are reported as ratios to this one's, measured in the same run.
 *
 *   floor --port P      (loopback only; stops on SIGINT or SIGTERM) */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#define RING 4096
#define FRAME_MAX 1024

static struct {
	unsigned char data[LWS_PRE + FRAME_MAX];
	size_t len;
} ring[RING];
static uint64_t head;
static volatile sig_atomic_t interrupted;

typedef struct reader {
	uint64_t next;
} reader;

static int callback_floor(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	reader *r = user;
	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		r->next = head;
		break;
	case LWS_CALLBACK_RECEIVE:
		if (len > FRAME_MAX || !lws_is_final_fragment(wsi) || !lws_is_first_fragment(wsi))
			return -1;
		memcpy(ring[head % RING].data + LWS_PRE, in, len);
		ring[head % RING].len = len;
		head++;
		lws_callback_on_writable_all_protocol(lws_get_context(wsi), lws_get_protocol(wsi));
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (r->next >= head)
			break;
		if (head - r->next > RING)
			r->next = head - RING; /* too slow: it loses the oldest */
		{
			size_t n = ring[r->next % RING].len;
			if (lws_write(wsi, ring[r->next % RING].data + LWS_PRE, n, LWS_WRITE_TEXT) < (int)n)
				return -1;
		}
		if (++r->next < head)
			lws_callback_on_writable(wsi);
		break;
	default:
		break;
	}
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

int main(int argc, char **argv)
{
	int port = argc == 3 && !strcmp(argv[1], "--port") ? atoi(argv[2]) : -1;
	if (port < 0) {
		fprintf(stderr, "Usage: floor --port P   (0: a free one)\n");
		return 2;
	}
	static const struct lws_protocols protocols[] = {
	    {"floor", callback_floor, sizeof(reader), FRAME_MAX, 0, NULL, 0},
	    {NULL, NULL, 0, 0, 0, NULL, 0},
	};
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.port = port;
	info.iface = "127.0.0.1";
	info.protocols = protocols;
	info.rlimit_nofile = 65536;
	lws_set_log_level(LLL_ERR, NULL);
	struct lws_context *ctx = lws_create_context(&info);
	if (!ctx)
		return 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* --port 0 picks a free port: this line says which */
	struct lws_vhost *vh = lws_get_vhost_by_name(ctx, "default");
	printf("floor: listening on port %d\n", vh ? lws_get_vhost_listen_port(vh) : port);
	fflush(stdout);
	while (!interrupted)
		if (lws_service(ctx, 0) < 0)
			break;
	lws_context_destroy(ctx);
	return 0;
}
