/* test_powerloss.c — power loss, not a crash: 200 trials of a consultation taking posts,
 * approvals and votes through the real hub and store, on the "powerloss" VFS (tests/vfs), which
 * keeps every unsynced write in the process and kills the process at a random write or sync.
 * Whatever the OS would have flushed is lost. After each, the database must pass
 * PRAGMA integrity_check and hold every acknowledged command exactly once.
 *
 * POWERLOSS_TRIALS overrides the number of trials. */
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include <sqlite3.h>

#include "check.h"
#include "crypto.h"
#include "fixtures.h"
#include "hub.h"
#include "testvfs.h"
#include "tmpdir.h"
#include "tokens.h"

#define PARTICIPANTS 4
#define BATCHES 12

typedef struct child_io {
	int fd; /* the pipe to the parent: one line per ack delivered */
} child_io;

typedef struct test_peer {
	hub_peer peer;
	int index;
} test_peer;

/* Acks go to the parent as they are delivered, that is after their commit returned. */
static void child_send(void *ctx, hub_peer *peer, wire_buf *buf)
{
	(void)peer;
	child_io *io = ctx;
	const char *p = (const char *)wire_buf_payload(buf);
	if (buf->len < 14 || strncmp(p, "{\"type\":\"ack\"", 13) != 0)
		return;
	char line[1024];
	int n = snprintf(line, sizeof line, "%.*s\n", (int)buf->len, p);
	if (n > 0 && n < (int)sizeof line && write(io->fd, line, (size_t)n) != n)
		_exit(3);
}
static void child_wake(void *ctx)
{
	(void)ctx;
}
static int64_t fixed_now(void *ctx)
{
	(void)ctx;
	return FIXED_NOW_MS;
}

static void frame(hub *h, test_peer *p, const char *json)
{
	hub_receive(h, &p->peer, json, strlen(json));
}

typedef struct setup {
	tmpdir t;
	char tokens[PARTICIPANTS + 1][CRYPTO_TOKEN_CHARS + 1]; /* invitations, then the co-chair */
} setup;

static void make(setup *su, core_agenda *ag)
{
	tmpdir_make(&su->t);
	char err[256];
	store *s = store_open(su->t.db, err, sizeof err);
	uint8_t secret[CRYPTO_SECRET_BYTES];
	crypto_random(secret, sizeof secret);
	CHECK_EQ_INT(store_create_consultation(s, ag, secret, NULL), RT_OK);
	for (int i = 0; i < PARTICIPANTS; i++)
		add_token(s, ag->id, CORE_ROLE_PARTICIPANT, STORE_TOKEN_PERSONAL, su->tokens[i]);
	add_token(s, ag->id, CORE_ROLE_COCHAIR, STORE_TOKEN_ROLE, su->tokens[PARTICIPANTS]);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	store_close(s);
}

/* The child: the workload, on the powerloss VFS, dying at write or sync `crash_at` (0: never;
 * then it reports how many there were). */
static void workload(const setup *su, uint64_t crash_at, int fd)
{
	if (testvfs_powerloss_register(crash_at))
		_exit(4);
	char err[256];
	store *s = store_open(su->t.db, err, sizeof err);
	if (!s)
		_exit(5);
	child_io cio = {.fd = fd};
	hub_io io = {.send = child_send, .wake = child_wake, .now_ms = fixed_now, .ctx = &cio};
	hub *h = hub_new(s, &io, 16);
	test_peer peers[PARTICIPANTS + 1];
	memset(peers, 0, sizeof peers);
	char buf[1200], cred[1000];
	for (int i = 0; i <= PARTICIPANTS; i++) {
		peers[i].index = i;
		peers[i].peer.user = &peers[i];
		credential_fields(s, su->tokens[i], cred, sizeof cred);
		snprintf(buf, sizeof buf, "{\"type\":\"auth\",\"token\":\"%s\"%s}", su->tokens[i], cred);
		frame(h, &peers[i], buf);
		if (i < PARTICIPANTS)
			frame(h, &peers[i], "{\"type\":\"rule.accept\",\"id\":\"rule\"}");
	}
	hub_flush(h);
	test_peer *chair = &peers[PARTICIPANTS];
	uint32_t question = 0;
	for (int b = 0; b < BATCHES; b++) {
		/* One batch, one commit: posts from two participants, approvals of the last batch's
		 * posts, a vote on the last approved question. */
		for (int k = 0; k < 2; k++) {
			snprintf(buf, sizeof buf,
			         "{\"type\":\"question.post\",\"id\":\"p%d-%d\",\"text\":\"Batch %d post "
			         "%d\",\"lang\":\"en\"}",
			         b, k, b, k);
			frame(h, &peers[(b + k) % PARTICIPANTS], buf);
		}
		for (uint32_t q = question + 1; q <= question + 2 && b > 0; q++) {
			snprintf(buf, sizeof buf, "{\"type\":\"question.approve\",\"id\":\"a%u\",\"question\":%u}", q,
			         q);
			frame(h, chair, buf);
		}
		if (b > 1) {
			snprintf(buf, sizeof buf, "{\"type\":\"question.vote\",\"id\":\"v%d\",\"question\":%u}", b,
			         question);
			frame(h, &peers[(b + 2) % PARTICIPANTS], buf); /* never the author */
		}
		if (b > 0)
			question += 2;
		hub_flush(h);
	}
	hub_free(h);
	store_close(s);
	if (crash_at == 0) {
		snprintf(buf, sizeof buf, "ops %llu\n", (unsigned long long)testvfs_powerloss_ops());
		if (write(fd, buf, strlen(buf)) < 0)
			_exit(3);
	}
	_exit(0);
}

/* Runs the workload in a child; returns what it wrote to the pipe (malloc'd). */
static char *run_child(const setup *su, uint64_t crash_at)
{
	int fds[2];
	if (pipe(fds))
		exit(2);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		workload(su, crash_at, fds[1]);
	}
	close(fds[1]);
	size_t cap = 65536, n = 0;
	char *out = malloc(cap);
	ssize_t r;
	while ((r = read(fds[0], out + n, cap - 1 - n)) > 0) {
		n += (size_t)r;
		if (n + 1 == cap) {
			char *grown = realloc(out, cap *= 2);
			if (!grown)
				abort();
			out = grown;
		}
	}
	out[n] = '\0';
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return out;
}

static bool integrity_ok(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	bool ok = false;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK) {
		ok = sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0 &&
		     sqlite3_step(st) == SQLITE_DONE;
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return ok;
}

/* Checks every ack the child delivered against the database as it came back. */
static int verify(const setup *su, const char *id, const char *acks)
{
	char err[256];
	store *s = store_open(su->t.db, err, sizeof err);
	CHECK(s != NULL);
	if (!s) {
		fprintf(stderr, "reopen: %s\n", err);
		return 0;
	}
	core_state st;
	uint8_t secret[CRYPTO_SECRET_BYTES];
	CHECK_EQ_INT(store_load(s, id, &st, secret), RT_OK);
	int acked = 0;
	for (const char *line = acks; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char l[1024];
		snprintf(l, sizeof l, "%.*s", (int)len, line);
		line += len + (end ? 1 : 0);
		const char *qid = strstr(l, "\"question\":{\"id\":");
		if (!qid)
			continue; /* rule.accept */
		uint32_t q = (uint32_t)strtoul(qid + 17, NULL, 10);
		const core_question *cq = core_question_get(&st, q);
		CHECK(cq != NULL);
		if (!cq)
			continue;
		acked++;
		if (strstr(l, "\"id\":\"p")) {
			/* The post is there, once: its text appears in no other question. */
			const char *text = strstr(l, "\"text\":\"") + 8;
			int matches = 0;
			for (uint32_t i = 1; i <= st.nquestions; i++) {
				const core_question *o = core_question_get(&st, i);
				if (o && o->text_len == (size_t)(strchr(text, '"') - text) &&
				    !memcmp(o->text, text, o->text_len))
					matches++;
			}
			CHECK_EQ_INT(matches, 1);
		} else if (strstr(l, "\"id\":\"a")) {
			CHECK_EQ_INT(cq->state, CORE_Q_APPROVED);
		} else if (strstr(l, "\"id\":\"v")) {
			CHECK(cq->votes >= 1);
		}
	}
	core_state_free(&st);
	store_close(s);
	return acked;
}

int main(void)
{
	int trials = getenv("POWERLOSS_TRIALS") ? atoi(getenv("POWERLOSS_TRIALS")) : 200;
	core_agenda ag = fixture_agenda(true);
	ag.max_open_questions = 100;
	setup su;
	make(&su, &ag);
	char *full = run_child(&su, 0);
	const char *opsline = strstr(full, "ops ");
	CHECK(opsline != NULL);
	uint64_t total = opsline ? strtoull(opsline + 4, NULL, 10) : 1;
	CHECK(total > 20);
	CHECK(verify(&su, ag.id, full) == BATCHES * 2 + (BATCHES - 1) * 2 + (BATCHES - 2));
	free(full);
	tmpdir_remove(&su.t);

	unsigned seed = (unsigned)time(NULL);
	srand(seed);
	int acked = 0, intact = 0;
	for (int trial = 0; trial < trials; trial++) {
		make(&su, &ag);
		uint64_t at = 1 + (uint64_t)rand() % total;
		char *acks = run_child(&su, at);
		bool ok = integrity_ok(su.t.db);
		CHECK(ok);
		intact += ok;
		acked += verify(&su, ag.id, acks);
		free(acks);
		tmpdir_remove(&su.t);
	}
	printf("power loss: %d trials (seed %u) at random points among %llu writes and syncs; integrity ok in %d; "
	       "%d acknowledged commands checked, none lost or doubled\n",
	       trials, seed, (unsigned long long)total, intact, acked);
	return check_done();
}
