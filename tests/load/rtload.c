/* rtload — the load generator of Roundtable's benchmark (PERF-1..PERF-3, tests/load/bench.sh).
 *
 * Opens N real WebSocket connections (its own small epoll client: RFC 6455 handshake, masked
 * frames, pings answered) from several 127.0.0.x source addresses, authenticates them as
 * participants on the open link (one device key each), and in the measured phase has a subset
 * post and upvote at a given rate while all of them listen. Each command's send time is noted,
 * and for every client the arrival of the change it caused; it reports command → every-client
 * latency (p50, p99, max) and changes delivered per second, and checks that every client saw
 * every change.
 *
 * Against the floor reference (tests/load/floor.c, --floor) the "command" is a 200-byte frame
 * with a number in it that the floor sends back to everybody.
 *
 * Modes: isolated (one change at a time on an idle server), sustained (--vote-rate and
 * --post-rate for --seconds), durable (every client sends vote/unvote commands back to back for
 * --seconds; counts acknowledged commands per second), join storm (--storm N more clients open,
 * handshake and authenticate, spread evenly over --storm-seconds, into a room of --questions
 * questions and --storm-votes votes: time to the last snapshot, auth → snapshot latency,
 * failures). One RESULT line per mode on stdout.
 * Traffic goes to 127.0.0.0/8 only, and every phase ends by itself. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { C_CONNECTING, C_HANDSHAKE, C_AUTH, C_LIVE, C_CLOSED };
enum { K_VOTE, K_UNVOTE, K_POST, K_FLOOR };

typedef struct conn {
	int fd, state, idx;
	char *rx;
	size_t rxlen, rxcap;
	char *tx;
	size_t txlen, txcap;
	int next_q;               /* a voter's next question (index into questions) */
	int outstanding;          /* durable: commands sent, not yet answered */
	bool voted;               /* durable: its vote on the durable question is in */
	int64_t auth_ns, snap_ns; /* join storm: when it sent auth, and when its snapshot came */
} conn;

/* One command sent, and what the change it caused is. */
typedef struct cmd {
	int64_t sent_ns;
	int kind, q, count; /* vote: question index and the count it made (from the ack) */
	int qid;            /* post: the question's id (from the ack) */
	bool acked, refused;
} cmd;

/* Arrivals of one change: how many clients saw it, and when the last one did. */
typedef struct change {
	int seen;
	int64_t last_ns;
} change;

static struct {
	const char *host, *path, *token, *proto;
	int port, clients, addresses, voters, posters, questions, seconds, isolated, idle_ms;
	int storm, storm_seconds, storm_votes;
	double vote_rate, post_rate;
	bool floor, durable;
	int server_pid;
	const char *label;
} opt = {.host = "127.0.0.1",
         .path = "/ws",
         .proto = "roundtable.v1",
         .port = 8080,
         .clients = 1000,
         .addresses = 8,
         .voters = 200,
         .posters = 20,
         .questions = 20,
         .seconds = 30,
         .isolated = 20,
         .vote_rate = 50,
         .post_rate = 5,
         .idle_ms = 500,
         .storm_seconds = 10};

static conn *conns;
static int ep, live_count, closed_count;
static cmd *cmds;
static int ncmds, cmdcap;
static int *qids; /* questions to vote on: their ids */
static int nq;
static change *vote_changes; /* [q * maxcount + count] */
static int maxcount;
static uint16_t *seen_count; /* [client * nq + q]: the highest count this client saw */
static change *post_changes; /* by question id */
static int post_cap;
static change *floor_changes; /* by floor number (= command index) */
static int64_t errors_seen, resets;
static int64_t durable_acks;

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die("realloc");
	return q;
}

static void grow(char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return;
	size_t n = *cap ? *cap : 512;
	while (n < need)
		n *= 2;
	*buf = xrealloc(*buf, n);
	*cap = n;
}

/* --- sending ----------------------------------------------------------------------------- */

static void flush_tx(conn *c)
{
	while (c->txlen) {
		ssize_t n = write(c->fd, c->tx, c->txlen);
		if (n < 0) {
			if (errno == EAGAIN)
				break;
			c->txlen = 0;
			return;
		}
		memmove(c->tx, c->tx + n, c->txlen - (size_t)n);
		c->txlen -= (size_t)n;
	}
	struct epoll_event ev = {.events = EPOLLIN | (c->txlen ? EPOLLOUT : 0), .data.u32 = (uint32_t)c->idx};
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static uint32_t rng = 2463534242u;
static uint32_t run_nonce; /* this run's, in every device key */
static uint32_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Queues one masked client frame (RFC 6455 §5.3). */
static void send_frame(conn *c, int opcode, const char *data, size_t len)
{
	grow(&c->tx, &c->txcap, c->txlen + len + 14);
	unsigned char *p = (unsigned char *)c->tx + c->txlen;
	size_t h = 0;
	p[h++] = (unsigned char)(0x80 | opcode);
	if (len < 126) {
		p[h++] = (unsigned char)(0x80 | len);
	} else if (len < 65536) {
		p[h++] = 0x80 | 126;
		p[h++] = (unsigned char)(len >> 8);
		p[h++] = (unsigned char)len;
	} else {
		p[h++] = 0x80 | 127;
		for (int i = 7; i >= 0; i--)
			p[h++] = (unsigned char)((uint64_t)len >> (8 * i));
	}
	uint32_t m = xorshift();
	unsigned char mask[4] = {(unsigned char)m, (unsigned char)(m >> 8), (unsigned char)(m >> 16),
	                         (unsigned char)(m >> 24)};
	memcpy(p + h, mask, 4);
	h += 4;
	for (size_t i = 0; i < len; i++)
		p[h + i] = (unsigned char)data[i] ^ mask[i & 3];
	c->txlen += h + len;
	flush_tx(c);
}

static void send_text(conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void send_text(conn *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	send_frame(c, 1, buf, (size_t)n);
}

static int new_cmd(int kind)
{
	if (ncmds == cmdcap) {
		cmdcap = cmdcap ? cmdcap * 2 : 1024;
		cmds = xrealloc(cmds, (size_t)cmdcap * sizeof *cmds);
	}
	cmds[ncmds] = (cmd){.kind = kind, .sent_ns = now_ns(), .q = -1, .qid = -1};
	return ncmds++;
}

/* --- receiving --------------------------------------------------------------------------- */

/* The integer after `key` in s (e.g. "\"votes\":"), or -1. */
static long field(const char *s, size_t len, const char *key)
{
	const char *p = memmem(s, len, key, strlen(key));
	if (!p)
		return -1;
	p += strlen(key);
	if (p >= s + len || *p < '0' || *p > '9')
		return -1;
	return strtol(p, NULL, 10);
}

static bool is_type(const char *s, size_t len, const char *type)
{
	char key[64];
	int n = snprintf(key, sizeof key, "\"type\":\"%s\"", type);
	return memmem(s, len < 96 ? len : 96, key, (size_t)n) != NULL;
}

static int q_index(long qid)
{
	for (int i = 0; i < nq; i++)
		if (qids[i] == qid)
			return i;
	return -1;
}

static void saw_votes(conn *c, long qid, long votes, int64_t t)
{
	int q = q_index(qid);
	if (q < 0 || votes < 0 || votes >= maxcount)
		return;
	uint16_t *seen = &seen_count[(size_t)c->idx * (size_t)nq + (size_t)q];
	for (long k = *seen + 1; k <= votes; k++) {
		change *ch = &vote_changes[q * maxcount + k];
		ch->seen++;
		ch->last_ns = t;
	}
	if (votes > *seen)
		*seen = (uint16_t)votes;
}

static void saw_post(long qid, int64_t t)
{
	if (qid < 0 || qid >= post_cap)
		return;
	post_changes[qid].seen++;
	post_changes[qid].last_ns = t;
}

static void on_ack(conn *c, const char *s, size_t len)
{
	const char *id = memmem(s, len, "\"id\":\"c", 7);
	if (!id)
		return;
	long k = strtol(id + 7, NULL, 10);
	if (k < 0 || k >= ncmds)
		return;
	cmd *m = &cmds[k];
	bool refused = is_type(s, len, "error");
	m->acked = true;
	m->refused = refused;
	if (c->outstanding)
		c->outstanding--;
	if (refused) {
		if (errors_seen++ < 5)
			fprintf(stderr, "rtload: refused: %.*s\n", (int)(len < 200 ? len : 200), s);
		return;
	}
	if (opt.durable && (m->kind == K_VOTE || m->kind == K_UNVOTE)) {
		durable_acks++;
		return;
	}
	if (m->kind == K_VOTE)
		m->count = (int)field(s, len, "\"votes\":");
	else if (m->kind == K_POST)
		m->qid = (int)field(s, len, "\"question\":{\"id\":");
}

static void on_text(conn *c, const char *s, size_t len)
{
	int64_t t = now_ns();
	if (opt.floor) {
		long n = field(s, len, "\"n\":");
		if (n >= 0 && n < ncmds) {
			floor_changes[n].seen++;
			floor_changes[n].last_ns = t;
		}
		return;
	}
	if (c->idx >= opt.clients) {
		/* A join-storm client: its snapshot is all that is measured. */
		if (c->state == C_AUTH && is_type(s, len, "snapshot")) {
			c->snap_ns = t;
			c->state = C_LIVE;
			live_count++;
		} else if (is_type(s, len, "error") && errors_seen++ < 5) {
			fprintf(stderr, "rtload: client %d: %.*s\n", c->idx, (int)(len < 200 ? len : 200), s);
		}
		return;
	}
	if (is_type(s, len, "votes.changed")) {
		/* PERF-2: [[id, votes], ...] */
		const char *p = memmem(s, len, "\"votes\":[", 9), *end = s + len;
		for (p = p ? p + 9 : end; p < end && *p == '[';) {
			char *after;
			long qid = strtol(p + 1, &after, 10);
			long votes = after < end && *after == ',' ? strtol(after + 1, &after, 10) : -1;
			saw_votes(c, qid, votes, t);
			p = after < end ? after + 1 : end; /* past ']' */
			if (p < end && *p == ',')
				p++;
		}
	} else if (is_type(s, len, "question.votes")) {
		saw_votes(c, field(s, len, "\"question\":"), field(s, len, "\"votes\":"), t);
	} else if (is_type(s, len, "question.approved")) {
		/* Premoderation off: a new question reaches everybody as approved at once. */
		saw_post(field(s, len, "\"question\":{\"id\":"), t);
	} else if (is_type(s, len, "ack") || (is_type(s, len, "error") && memmem(s, len, "\"id\":\"c", 7))) {
		on_ack(c, s, len);
	} else if (is_type(s, len, "snapshot")) {
		c->state = C_LIVE;
		live_count++;
	} else if (is_type(s, len, "error")) {
		if (errors_seen++ < 5)
			fprintf(stderr, "rtload: client %d: %.*s\n", c->idx, (int)(len < 200 ? len : 200), s);
	}
}

static void close_conn(conn *c)
{
	if (c->state == C_CLOSED)
		return;
	if (c->state == C_LIVE)
		live_count--;
	c->state = C_CLOSED;
	closed_count++;
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
}

/* Parses whole frames out of c->rx. */
static void on_frames(conn *c)
{
	size_t off = 0;
	unsigned char *b = (unsigned char *)c->rx;
	while (c->rxlen - off >= 2) {
		size_t h = 2, len = b[off + 1] & 0x7f;
		if (len == 126) {
			if (c->rxlen - off < 4)
				break;
			len = (size_t)b[off + 2] << 8 | b[off + 3];
			h = 4;
		} else if (len == 127) {
			if (c->rxlen - off < 10)
				break;
			len = 0;
			for (int i = 0; i < 8; i++)
				len = len << 8 | b[off + 2 + i];
			h = 10;
		}
		if (c->rxlen - off < h + len)
			break;
		int opcode = b[off] & 0x0f;
		const char *payload = c->rx + off + h;
		if (opcode == 1 || opcode == 0)
			on_text(c, payload, len);
		else if (opcode == 9)
			send_frame(c, 10, payload, len);
		else if (opcode == 8) {
			close_conn(c);
			return;
		}
		off += h + len;
	}
	memmove(c->rx, c->rx + off, c->rxlen - off);
	c->rxlen -= off;
}

static void on_readable(conn *c)
{
	for (;;) {
		grow(&c->rx, &c->rxcap, c->rxlen + 65536);
		ssize_t n = read(c->fd, c->rx + c->rxlen, c->rxcap - c->rxlen);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			resets += n < 0 && errno == ECONNRESET;
			close_conn(c);
			return;
		}
		if (n < 0)
			break;
		c->rxlen += (size_t)n;
		if (c->state == C_HANDSHAKE) {
			char *end = memmem(c->rx, c->rxlen, "\r\n\r\n", 4);
			if (!end)
				continue;
			if (strncmp(c->rx, "HTTP/1.1 101", 12) != 0) {
				fprintf(stderr, "rtload: client %d: handshake refused: %.40s\n", c->idx, c->rx);
				close_conn(c);
				return;
			}
			size_t used = (size_t)(end + 4 - c->rx);
			memmove(c->rx, c->rx + used, c->rxlen - used);
			c->rxlen -= used;
			c->state = C_AUTH;
			if (opt.floor) {
				c->state = C_LIVE;
				live_count++;
			} else {
				/* A device key per client and run (22 characters of base64url): another run's
				 * participants are other people, so its command ids are not retries of theirs. */
				c->auth_ns = now_ns();
				send_text(c, "{\"type\":\"auth\",\"token\":\"%s\",\"device\":\"load%08x%09dA\"}",
				          opt.token, run_nonce, c->idx);
			}
		}
		if (c->state >= C_AUTH)
			on_frames(c);
		if (c->state == C_CLOSED)
			return;
	}
}

static void on_connected(conn *c)
{
	int err = 0;
	socklen_t l = sizeof err;
	getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
	if (err) {
		fprintf(stderr, "rtload: client %d: connect: %s\n", c->idx, strerror(err));
		close_conn(c);
		return;
	}
	c->state = C_HANDSHAKE;
	char req[512];
	int n = snprintf(req, sizeof req,
	                 "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
	                 "Sec-WebSocket-Key: cm91bmR0YWJsZWxvYWQhIQ==\r\nSec-WebSocket-Version: 13\r\n"
	                 "Sec-WebSocket-Protocol: %s\r\n\r\n",
	                 opt.path, opt.host, opt.port, opt.proto);
	grow(&c->tx, &c->txcap, c->txlen + (size_t)n);
	memcpy(c->tx + c->txlen, req, (size_t)n);
	c->txlen += (size_t)n;
	flush_tx(c);
}

static void start_conn(conn *c)
{
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		die("socket");
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	struct sockaddr_in src = {.sin_family = AF_INET};
	src.sin_addr.s_addr = htonl(0x7f000002u + (uint32_t)(c->idx % opt.addresses));
	if (bind(c->fd, (struct sockaddr *)&src, sizeof src))
		die("bind");
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
	inet_pton(AF_INET, opt.host, &dst.sin_addr);
	if (connect(c->fd, (struct sockaddr *)&dst, sizeof dst) && errno != EINPROGRESS)
		die("connect");
	c->state = C_CONNECTING;
	struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN, .data.u32 = (uint32_t)c->idx};
	epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}

/* Runs the loop for up to ms milliseconds, or until done() says so. */
/* Time lost to stalls: a turn of the loop that took over a second (each waits 5 ms at most)
 * means this process or the whole machine stopped; figures that span one are not valid. */
static int64_t stalled_ns, last_turn_ns;

static void pump(int ms, bool (*done)(void))
{
	struct epoll_event evs[256];
	int64_t end = now_ns() + (int64_t)ms * 1000000;
	while (now_ns() < end && !(done && done())) {
		int64_t turn = now_ns();
		if (last_turn_ns && turn - last_turn_ns > 1000000000)
			stalled_ns += turn - last_turn_ns;
		last_turn_ns = turn;
		/* never negative: that would wait for an event with no end */
		int64_t left = (end - now_ns()) / 1000000;
		int n = epoll_wait(ep, evs, 256, left < 0 ? 0 : left < 5 ? (int)left : 5);
		for (int i = 0; i < n; i++) {
			conn *c = &conns[evs[i].data.u32];
			if (c->state == C_CLOSED)
				continue;
			if (c->state == C_CONNECTING && (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
				on_connected(c);
				continue;
			}
			if (evs[i].events & EPOLLOUT)
				flush_tx(c);
			if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				on_readable(c);
		}
	}
}

/* --- phases ------------------------------------------------------------------------------ */

static int all_target;
static bool all_live(void)
{
	return live_count + closed_count >= all_target;
}

static int pending_acks;
static bool acks_in(void)
{
	for (int i = ncmds - pending_acks; i < ncmds; i++)
		if (!cmds[i].acked)
			return false;
	return true;
}

static void connect_all(void)
{
	/* At most 256 handshakes in flight: a burst of SYNs past the listen backlog only retries. */
	for (int i = 0; i < opt.clients; i += 256) {
		int end = i + 256 < opt.clients ? i + 256 : opt.clients;
		for (int k = i; k < end; k++)
			start_conn(&conns[k]);
		all_target = end;
		pump(30000, all_live);
	}
	if (live_count < opt.clients) {
		fprintf(stderr, "rtload: only %d of %d clients are live\n", live_count, opt.clients);
		exit(1);
	}
}

/* Sends one command from c; returns its index. */
static int command(conn *c, int kind, int q)
{
	int k = new_cmd(kind);
	cmds[k].q = q;
	if (kind == K_VOTE || kind == K_UNVOTE)
		send_text(c, "{\"type\":\"question.%s\",\"id\":\"c%d\",\"question\":%d}",
		          kind == K_VOTE ? "vote" : "unvote", k, qids[q]);
	else if (kind == K_POST)
		send_text(c,
		          "{\"type\":\"question.post\",\"id\":\"c%d\",\"lang\":\"en\",\"text\":\"Load question %d: "
		          "how will the treaty's safeguards apply to cross-border requests for data?\"}",
		          k, k);
	else {
		char pad[200];
		int n = snprintf(pad, sizeof pad, "{\"n\":%d,\"pad\":\"", k);
		while (n < (int)sizeof pad - 2)
			pad[n++] = 'x';
		pad[n++] = '"';
		pad[n++] = '}';
		send_frame(c, 1, pad, (size_t)n);
		cmds[k].acked = true; /* the floor answers nothing but the broadcast itself */
		return k;
	}
	c->outstanding++;
	return k;
}

/* Voters and posters accept the Chatham House Rule (CHR-2) before they may act. */
static void accept_rule(int from, int to)
{
	int first = ncmds;
	for (int i = from; i < to; i++) {
		int k = new_cmd(-1);
		send_text(&conns[i], "{\"type\":\"rule.accept\",\"id\":\"c%d\"}", k);
	}
	pending_acks = ncmds - first;
	pump(30000, acks_in);
}

/* The questions to vote on, posted by the posters (premoderation off: they are live at once). */
static void setup_questions(void)
{
	int first = ncmds;
	for (int i = 0; i < opt.questions; i++)
		command(&conns[opt.voters + i % opt.posters], K_POST, -1);
	pending_acks = ncmds - first;
	pump(30000, acks_in);
	qids = xrealloc(qids, (size_t)opt.questions * sizeof *qids);
	for (int i = first; i < ncmds; i++) {
		if (cmds[i].refused || cmds[i].qid < 0) {
			fprintf(stderr, "rtload: a setup question was refused\n");
			exit(1);
		}
		qids[nq++] = cmds[i].qid;
	}
	pump(1000, NULL); /* let its events reach everybody */
}

/* The change command i caused, once it is answered and not refused; NULL otherwise. */
static const change *change_of(int i)
{
	const cmd *m = &cmds[i];
	if (m->refused || !m->acked)
		return NULL;
	if (m->kind == K_VOTE && m->count > 0 && m->count < maxcount)
		return &vote_changes[m->q * maxcount + m->count];
	if (m->kind == K_POST && m->qid >= 0 && m->qid < post_cap)
		return &post_changes[m->qid];
	if (m->kind == K_FLOOR)
		return &floor_changes[i];
	return NULL;
}

typedef struct stats {
	double p50, p90, p99, max;
	int changes, missing, samples;
	int64_t deliveries;
} stats;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* p50, p90, p99 and max of n latencies (sorted here), nearest rank. */
static double rank(const double *lat, int n, double p)
{
	size_t k = (size_t)((double)n * p);
	return lat[k < (size_t)n ? k : (size_t)n - 1];
}

static void percentiles(double *lat, int n, stats *s)
{
	s->samples = n;
	if (!n)
		return;
	qsort(lat, (size_t)n, sizeof *lat, cmp_double);
	s->p50 = rank(lat, n, 0.50);
	s->p90 = rank(lat, n, 0.90);
	s->p99 = rank(lat, n, 0.99);
	s->max = lat[n - 1];
}

/* Latency to the last client of each change caused by commands [from, to). */
static stats measure(int from, int to)
{
	stats s = {0};
	double *lat = xrealloc(NULL, (size_t)(to - from + 1) * sizeof *lat);
	int n = 0;
	for (int i = from; i < to; i++) {
		const cmd *m = &cmds[i];
		const change *ch = change_of(i);
		if (!ch)
			continue;
		s.changes++;
		s.deliveries += ch->seen;
		if (ch->seen < opt.clients) {
			s.missing += opt.clients - ch->seen;
			continue;
		}
		lat[n++] = (double)(ch->last_ns - m->sent_ns) / 1e6;
	}
	percentiles(lat, n, &s);
	free(lat);
	return s;
}

/* The server's CPU time (ticks) and resident memory (kB), from /proc. */
static void server_usage(long long *ticks, long *rss_kb)
{
	*ticks = 0;
	*rss_kb = 0;
	if (!opt.server_pid)
		return;
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", opt.server_pid);
	FILE *f = fopen(path, "r");
	if (f) {
		if (fgets(buf, sizeof buf, f)) {
			char *p = strrchr(buf, ')');
			unsigned long long ut = 0, st = 0;
			/* fields 14 and 15, counted after the command name's ')' (field 2) */
			if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) == 2)
				*ticks = (long long)(ut + st);
		}
		fclose(f);
	}
	snprintf(path, sizeof path, "/proc/%d/status", opt.server_pid);
	f = fopen(path, "r");
	while (f && fgets(buf, sizeof buf, f))
		if (!strncmp(buf, "VmRSS:", 6))
			*rss_kb = strtol(buf + 6, NULL, 10);
	if (f)
		fclose(f);
}

static int changed_target;
static bool isolated_seen(void)
{
	const cmd *m = &cmds[ncmds - 1];
	if (!m->acked)
		return false;
	if (m->kind == K_FLOOR)
		return floor_changes[ncmds - 1].seen >= changed_target;
	if (m->count <= 0 || m->count >= maxcount)
		return m->refused;
	return vote_changes[m->q * maxcount + m->count].seen >= changed_target;
}

static int64_t missing_total; /* deliveries that never came, in all phases */

static void result(const char *mode, const stats *s, double seconds, long long ticks, long rss_kb)
{
	missing_total += s->missing;
	long hz = sysconf(_SC_CLK_TCK);
	printf("RESULT n=%d mode=%s%s%s samples=%d p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f "
	       "delivered_per_s=%.0f rss_mb=%.1f cpu_pct=%.0f changes=%d missing=%d stalled_s=%.1f\n",
	       opt.clients, mode, opt.label ? " server=" : "", opt.label ? opt.label : "", s->samples, s->p50, s->p90,
	       s->p99, s->max, (double)s->deliveries / seconds, (double)rss_kb / 1024.0,
	       100.0 * (double)ticks / (double)hz / seconds, s->changes, s->missing, (double)stalled_ns / 1e9);
	if (stalled_ns)
		fprintf(stderr, "rtload: the machine stalled for %.1f s in the %s phase: its figures are not valid\n",
		        (double)stalled_ns / 1e9, mode);
	fflush(stdout);
}

/* A voter's next vote: the next question it has not voted on, round robin over voters. */
static int next_voter;
static conn *pick_voter(int *q)
{
	for (int tries = 0; tries < opt.voters; tries++) {
		conn *c = &conns[next_voter];
		next_voter = (next_voter + 1) % opt.voters;
		if (c->next_q < nq) {
			*q = c->next_q++;
			return c;
		}
	}
	return NULL;
}

static double seconds_since(int64_t start)
{
	return (double)(now_ns() - start) / 1e9;
}

/* A measured phase: its commands from `first` on; the server's CPU time while it sent them. */
typedef struct phase {
	int first;
	int64_t start;
	long long ticks; /* at the start, then spent once stopped */
	long rss_kb;
	double secs;
} phase;

static phase phase_begin(void)
{
	phase p = {.first = ncmds, .start = now_ns()};
	server_usage(&p.ticks, &p.rss_kb);
	stalled_ns = 0;
	return p;
}

/* The phase sends no more: its duration and the server's CPU time and memory. */
static void phase_stop(phase *p)
{
	p->secs = seconds_since(p->start);
	long long ticks;
	server_usage(&ticks, &p->rss_kb);
	p->ticks = ticks - p->ticks;
}

/* Prints the phase's RESULT, from what has arrived by now. */
static void phase_result(const phase *p, const char *mode)
{
	stats s = measure(p->first, ncmds);
	result(mode, &s, p->secs, p->ticks, p->rss_kb);
}

static void run_isolated(void)
{
	changed_target = opt.clients;
	phase p = phase_begin();
	for (int i = 0; i < opt.isolated; i++) {
		int q = -1;
		conn *c = opt.floor ? &conns[0] : pick_voter(&q);
		if (!c)
			break;
		command(c, opt.floor ? K_FLOOR : K_VOTE, q);
		pump(10000, isolated_seen);
		pump(opt.idle_ms, NULL); /* idle between changes: longer than the server's live window */
	}
	phase_stop(&p);
	phase_result(&p, "isolated");
}

/* Whether every change caused by commands from drain_from on has reached every client. */
static int drain_from;
static bool all_seen(void)
{
	for (int i = drain_from; i < ncmds; i++) {
		if (!cmds[i].acked)
			return false;
		const change *ch = change_of(i);
		if (ch && ch->seen < opt.clients)
			return false;
	}
	return true;
}

static void run_sustained(void)
{
	phase p = phase_begin();
	int64_t start = p.start, end = start + (int64_t)opt.seconds * 1000000000;
	double vote_every = 1e9 / opt.vote_rate, post_every = opt.post_rate > 0 ? 1e9 / opt.post_rate : 0;
	double next_vote = (double)start, next_post = (double)start;
	int poster = 0;
	while (now_ns() < end) {
		int64_t t = now_ns();
		while ((double)t >= next_vote) {
			int q = -1;
			conn *c = opt.floor ? &conns[(int)(next_vote / vote_every) % opt.voters] : pick_voter(&q);
			if (c)
				command(c, opt.floor ? K_FLOOR : K_VOTE, q);
			next_vote += vote_every;
		}
		while (post_every > 0 && !opt.floor && (double)t >= next_post) {
			command(&conns[opt.voters + poster], K_POST, -1);
			poster = (poster + 1) % opt.posters;
			next_post += post_every;
		}
		pump(2, NULL);
	}
	phase_stop(&p);
	drain_from = p.first;
	pump(10000, all_seen); /* what is still on its way */
	phase_result(&p, "sustained");
}

/* Every voter votes and takes its vote back on one question, as fast as it is answered (one
 * command in flight each), for --seconds: acknowledged commands per second. */
static void run_durable(void)
{
	int64_t start = now_ns(), end = start + (int64_t)opt.seconds * 1000000000;
	while (now_ns() < end) {
		for (int i = 0; i < opt.voters; i++) {
			conn *c = &conns[i];
			if (c->state != C_LIVE || c->outstanding)
				continue;
			command(c, c->voted ? K_UNVOTE : K_VOTE, 0);
			c->voted = !c->voted;
		}
		pump(2, NULL);
	}
	double secs = seconds_since(start);
	printf("RESULT durable_cmds_per_s=%.0f n=%d seconds=%.1f refused=%lld\n", (double)durable_acks / secs,
	       opt.clients, secs, (long long)errors_seen);
	fflush(stdout);
}

/* The join storm: the room gets its votes, then opt.storm more clients connect, spread evenly
 * over opt.storm_seconds, each authenticating as soon as its handshake is answered. */
static void run_storm(void)
{
	int first = ncmds, cast = 0;
	for (; cast < opt.storm_votes; cast++) {
		int q = -1;
		conn *c = pick_voter(&q);
		if (!c)
			break;
		command(c, K_VOTE, q);
		if (ncmds - first == 256 || cast + 1 == opt.storm_votes) {
			pending_acks = ncmds - first;
			pump(30000, acks_in);
			first = ncmds;
		}
	}
	pump(1000, NULL); /* its events reach everybody: the server is idle when the storm begins */
	phase p = phase_begin();
	for (int next = 0; next < opt.storm;) {
		while (next < opt.storm &&
		       now_ns() >= p.start + (int64_t)((double)next * opt.storm_seconds * 1e9 / opt.storm))
			start_conn(&conns[opt.clients + next++]);
		pump(1, NULL);
	}
	all_target = opt.clients + opt.storm;
	pump(120000, all_live);
	phase_stop(&p);
	double *lat = xrealloc(NULL, (size_t)opt.storm * sizeof *lat);
	int n = 0, failures = 0;
	int64_t last = p.start;
	for (int i = opt.clients; i < opt.clients + opt.storm; i++) {
		const conn *c = &conns[i];
		if (!c->snap_ns || c->state != C_LIVE) {
			failures++;
			continue;
		}
		lat[n++] = (double)(c->snap_ns - c->auth_ns) / 1e6;
		if (c->snap_ns > last)
			last = c->snap_ns;
	}
	stats s = {0};
	percentiles(lat, n, &s);
	free(lat);
	double to_last = (double)(last - p.start) / 1e9;
	long hz = sysconf(_SC_CLK_TCK);
	printf("RESULT n=%d mode=join-storm%s%s spread_s=%d questions=%d votes=%d samples=%d last_snapshot_s=%.2f "
	       "p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f joins_per_s=%.0f failures=%d resets=%lld "
	       "rss_mb=%.1f cpu_pct=%.0f stalled_s=%.1f\n",
	       opt.storm, opt.label ? " server=" : "", opt.label ? opt.label : "", opt.storm_seconds, nq, cast,
	       s.samples, to_last, s.p50, s.p90, s.p99, s.max, to_last > 0 ? (double)n / to_last : 0, failures,
	       (long long)resets, (double)p.rss_kb / 1024.0, 100.0 * (double)p.ticks / (double)hz / p.secs,
	       (double)stalled_ns / 1e9);
	fflush(stdout);
	if (failures)
		fprintf(stderr, "rtload: %d of %d joiners got no snapshot\n", failures, opt.storm);
	missing_total += failures;
}

static const char usage[] =
    "Usage: rtload --port P [--path /c/ID/ws] --token OPEN_LINK_TOKEN [options]\n"
    "       rtload --floor --port P [options]\n"
    "  --clients N      connections (default 1000), from --addresses K source addresses\n"
    "                   127.0.0.2 ... (default 8)\n"
    "  --voters V --posters P --questions Q   who acts (default 200, 20, 20)\n"
    "  --isolated K     isolated changes, one at a time (default 20; 0: none), --idle MS\n"
    "                   apart (default 500: longer than the server's live window)\n"
    "  --seconds S --vote-rate R --post-rate R  the sustained phase (default 30, 50/s, 5/s; S 0:\n"
    "                   none)\n"
    "  --durable        instead: every client votes and unvotes back to back for S seconds\n"
    "  --storm N        instead: N more clients join over --storm-seconds T (default 10) into\n"
    "                   the room, once it has --storm-votes V votes (default 0)\n"
    "  --server-pid PID read the server's CPU time and memory from /proc\n"
    "  --label L        added to each RESULT line as server=L\n";

int main(int argc, char **argv)
{
	static const struct option longs[] = {{"port", 1, 0, 'p'},          {"path", 1, 0, 'P'},
	                                      {"token", 1, 0, 't'},         {"clients", 1, 0, 'n'},
	                                      {"addresses", 1, 0, 'a'},     {"voters", 1, 0, 'v'},
	                                      {"posters", 1, 0, 'o'},       {"questions", 1, 0, 'q'},
	                                      {"isolated", 1, 0, 'i'},      {"seconds", 1, 0, 's'},
	                                      {"vote-rate", 1, 0, 'r'},     {"post-rate", 1, 0, 'R'},
	                                      {"durable", 0, 0, 'd'},       {"floor", 0, 0, 'f'},
	                                      {"server-pid", 1, 0, 'S'},    {"label", 1, 0, 'l'},
	                                      {"idle", 1, 0, 'I'},          {"storm", 1, 0, 'j'},
	                                      {"storm-seconds", 1, 0, 'J'}, {"storm-votes", 1, 0, 'V'},
	                                      {"help", 0, 0, 'h'},          {0, 0, 0, 0}};
	int ch;
	while ((ch = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (ch) {
		case 'p':
			opt.port = atoi(optarg);
			break;
		case 'P':
			opt.path = optarg;
			break;
		case 't':
			opt.token = optarg;
			break;
		case 'n':
			opt.clients = atoi(optarg);
			break;
		case 'a':
			opt.addresses = atoi(optarg);
			break;
		case 'v':
			opt.voters = atoi(optarg);
			break;
		case 'o':
			opt.posters = atoi(optarg);
			break;
		case 'q':
			opt.questions = atoi(optarg);
			break;
		case 'i':
			opt.isolated = atoi(optarg);
			break;
		case 'I':
			opt.idle_ms = atoi(optarg);
			break;
		case 's':
			opt.seconds = atoi(optarg);
			break;
		case 'r':
			opt.vote_rate = atof(optarg);
			break;
		case 'R':
			opt.post_rate = atof(optarg);
			break;
		case 'd':
			opt.durable = true;
			break;
		case 'j':
			opt.storm = atoi(optarg);
			break;
		case 'J':
			opt.storm_seconds = atoi(optarg);
			break;
		case 'V':
			opt.storm_votes = atoi(optarg);
			break;
		case 'f':
			opt.floor = true;
			opt.proto = "floor";
			break;
		case 'S':
			opt.server_pid = atoi(optarg);
			break;
		case 'l':
			opt.label = optarg;
			break;
		default:
			fputs(usage, ch == 'h' ? stdout : stderr);
			return ch == 'h' ? 0 : 2;
		}
	}
	if ((!opt.floor && !opt.token) || opt.clients < 1 || opt.addresses < 1 || opt.addresses > 250 ||
	    opt.voters < 1 || opt.posters < 1 || opt.voters + opt.posters > opt.clients || opt.vote_rate <= 0 ||
	    opt.storm < 0 || opt.storm_seconds < 0 || opt.storm_votes < 0 || (opt.storm && opt.floor)) {
		fputs(usage, stderr);
		return 2;
	}
	if (!opt.floor && strncmp(opt.host, "127.", 4) != 0) {
		fprintf(stderr, "rtload: loopback only\n");
		return 2;
	}
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	run_nonce = (uint32_t)now_ns() ^ (uint32_t)getpid() << 16;
	rng ^= run_nonce;
	ep = epoll_create1(EPOLL_CLOEXEC);
	conns = calloc((size_t)(opt.clients + opt.storm), sizeof *conns);
	if (!conns || ep < 0)
		die("setup");
	for (int i = 0; i < opt.clients + opt.storm; i++)
		conns[i].idx = i;
	/* Changes: one per vote a question can reach, one per post, one per floor frame. */
	maxcount = opt.voters + 2;
	int most = opt.isolated + (int)(opt.seconds * (opt.vote_rate + opt.post_rate)) + opt.questions + 4096;
	vote_changes = calloc((size_t)opt.questions * (size_t)maxcount, sizeof *vote_changes);
	seen_count = calloc((size_t)opt.clients * (size_t)opt.questions, sizeof *seen_count);
	post_cap = most * 2;
	post_changes = calloc((size_t)post_cap, sizeof *post_changes);
	floor_changes = calloc((size_t)most * 4, sizeof *floor_changes);
	if (!vote_changes || !seen_count || !post_changes || !floor_changes)
		die("calloc");

	long long t0;
	long rss_before = 0, rss_after = 0;
	server_usage(&t0, &rss_before);
	int64_t c0 = now_ns();
	connect_all();
	pump(500, NULL);
	server_usage(&t0, &rss_after);
	fprintf(stderr, "rtload: %d clients live in %.1f s\n", live_count, (double)(now_ns() - c0) / 1e9);
	if (opt.server_pid)
		printf("RESULT n=%d idle_kb_per_conn=%.1f rss_mb=%.1f%s%s\n", opt.clients,
		       (double)(rss_after - rss_before) / opt.clients, (double)rss_after / 1024.0,
		       opt.label ? " server=" : "", opt.label ? opt.label : "");
	if (!opt.floor) {
		accept_rule(0, opt.voters + opt.posters);
		setup_questions();
	}
	int missing = 0;
	if (opt.durable) {
		run_durable();
	} else if (opt.storm > 0) {
		run_storm();
	} else {
		if (opt.isolated > 0)
			run_isolated();
		if (opt.seconds > 0)
			run_sustained();
		for (int i = 0; i < ncmds; i++)
			if (!cmds[i].acked && cmds[i].kind != K_FLOOR)
				missing++;
	}
	if (closed_count)
		fprintf(stderr, "rtload: %d connections were closed\n", closed_count);
	if (missing)
		fprintf(stderr, "rtload: %d commands were never answered\n", missing);
	if (missing_total)
		fprintf(stderr, "rtload: %lld deliveries never arrived\n", (long long)missing_total);
	return closed_count || missing || missing_total ? 1 : 0;
}
