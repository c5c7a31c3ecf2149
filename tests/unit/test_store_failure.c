/* test_store_failure.c — a database that fails, through the real hub and store on the "faulty"
 * VFS (tests/vfs): a file the server's user cannot write is refused at open; new files are
 * private; failed writes are counted and logged sampled; a commit whose fsync failed is decided
 * by what the reopened file holds; a database that cannot be reopened ends the process; a
 * command id used again for another command is refused. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <sqlite3.h>

#include "check.h"
#include "crypto.h"
#include "fixtures.h"
#include "hub.h"
#include "log.h"
#include "recorder.h"
#include "testvfs.h"
#include "tmpdir.h"
#include "tokens.h"

static char control[128];
static void fault(const char *what)
{
	if (!what) {
		unlink(control);
		return;
	}
	FILE *f = fopen(control, "w");
	fputs(what, f);
	fclose(f);
}

static int file_mode(const char *path)
{
	struct stat st;
	return stat(path, &st) ? -1 : (int)(st.st_mode & 0777);
}

/* How many lines of the log file hold `needle`. */
static int log_lines(FILE *log, const char *needle)
{
	char line[1024];
	int n = 0;
	fflush(log);
	rewind(log);
	while (fgets(line, sizeof line, log))
		n += strstr(line, needle) != NULL;
	fseek(log, 0, SEEK_END);
	return n;
}

/* The number of questions consultation cid holds on disk, read by a connection of its own. */
static int questions_on_disk(const char *db)
{
	sqlite3 *c;
	sqlite3_stmt *st;
	int n = -1;
	if (sqlite3_open(db, &c) == SQLITE_OK &&
	    sqlite3_prepare_v2(c, "SELECT count(*) FROM question", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(c);
	return n;
}

/* A database the server's user cannot write: refused at open, with the reason, whoever runs. */
static void test_read_only(void)
{
	tmpdir t;
	tmpdir_make(&t);
	char err[256];
	store *s = store_open(t.db, err, sizeof err);
	CHECK(s != NULL);
	store_close(s);
	CHECK_EQ_INT(chmod(t.db, 0644), 0); /* readable by all, writable by its owner (root, here) */
	pid_t pid = fork();
	if (pid == 0) {
		/* As root, a restored backup owned by root and a server running as another user; as
		 * anyone else, a file without write permission. */
		if (geteuid() == 0) {
			if (chown(t.dir, 65534, 65534) || setgid(65534) || setuid(65534))
				_exit(3);
		} else if (chmod(t.db, 0444)) {
			_exit(3);
		}
		s = store_open(t.db, err, sizeof err);
		if (s) {
			store_close(s);
			_exit(4);
		}
		if (!strstr(err, "is read-only for this user"))
			fprintf(stderr, "store_open said: %s\n", err);
		_exit(strstr(err, "is read-only for this user") ? 0 : 5);
	}
	int status = 0;
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ_INT(WEXITSTATUS(status), 0);
	chmod(t.db, 0600);
	tmpdir_remove(&t);
}

/* New database files are the owner's alone, whatever the umask; -wal and -shm follow. */
static void test_modes(void)
{
	tmpdir t;
	tmpdir_make(&t);
	mode_t old = umask(022);
	char err[256], path[128];
	store *s = store_open(t.db, err, sizeof err);
	CHECK(s != NULL);
	CHECK_EQ_INT(file_mode(t.db), 0600);
	snprintf(path, sizeof path, "%s-wal", t.db);
	CHECK_EQ_INT(file_mode(path), 0600);
	snprintf(path, sizeof path, "%s-shm", t.db);
	CHECK_EQ_INT(file_mode(path), 0600);
	/* An existing file keeps the mode it was given. */
	store_close(s);
	CHECK_EQ_INT(chmod(t.db, 0640), 0);
	s = store_open(t.db, err, sizeof err);
	CHECK(s != NULL);
	CHECK_EQ_INT(file_mode(t.db), 0640);
	store_close(s);
	umask(old);
	tmpdir_remove(&t);
}

int main(void)
{
	snprintf(control, sizeof control, "/tmp/roundtable-fault-%d", (int)getpid());
	unlink(control);
	if (testvfs_faulty_register(control)) {
		fprintf(stderr, "cannot register the faulty VFS\n");
		return 2;
	}
	FILE *log = tmpfile();
	rtlog_setup(RTLOG_INFO, RTLOG_TEXT, log);
	test_read_only();
	test_modes();

	tmpdir t;
	tmpdir_make(&t);
	char err[256];
	store *s = store_open(t.db, err, sizeof err);
	core_agenda ag = fixture_agenda(false);
	uint8_t secret[CRYPTO_SECRET_BYTES];
	crypto_random(secret, sizeof secret);
	CHECK_EQ_INT(store_create_consultation(s, &ag, secret, NULL), RT_OK);
	char chair_token[CRYPTO_TOKEN_CHARS + 1], open_token[CRYPTO_TOKEN_CHARS + 1];
	add_token(s, ag.id, CORE_ROLE_COCHAIR, STORE_TOKEN_ROLE, chair_token);
	add_token(s, ag.id, CORE_ROLE_PARTICIPANT, STORE_TOKEN_OPEN, open_token);
	CHECK_EQ_INT(store_commit(s), RT_OK);

	recorder rec = {0};
	hub *h = rec_hub(s, &rec);
	hub_set_live_window(h, 0);
	test_peer alice = {.index = 0}, chair = {.index = 1};
	alice.peer.user = &alice;
	chair.peer.user = &chair;
	char buf[256];
	snprintf(buf, sizeof buf, "{\"type\":\"auth\",\"token\":\"%s\",\"device\":\"0bH0P9WJj1tV4m4CwV2r5w\"}",
	         open_token);
	frame(h, &alice, buf);
	snprintf(buf, sizeof buf, "{\"type\":\"auth\",\"token\":\"%s\"}", chair_token);
	frame(h, &chair, buf);
	frame(h, &alice, "{\"type\":\"rule.accept\",\"id\":\"r1\"}");
	hub_flush(h);
	CHECK(got(&rec, 0, "\"type\":\"ack\",\"id\":\"r1\""));
	char why[256];
	CHECK(hub_health(h, why, sizeof why));
	rec_clear(&rec);

	/* A full disk: every failed batch is counted, refused server.unavailable (nothing was
	 * stored: the reopened file says so), and logged once a minute at most. */
	hub_stats st;
	fault("full");
	frame(h, &alice, "{\"type\":\"question.post\",\"id\":\"f1\",\"text\":\"Full disk one\",\"lang\":\"en\"}");
	hub_flush(h);
	frame(h, &alice, "{\"type\":\"question.post\",\"id\":\"f2\",\"text\":\"Full disk two\",\"lang\":\"en\"}");
	hub_flush(h);
	frame(h, &chair, "{\"type\":\"clock.start\",\"id\":\"c1\"}");
	hub_flush(h);
	CHECK(got(&rec, 0, "\"id\":\"f1\",\"code\":\"server.unavailable\""));
	CHECK(got(&rec, 0, "\"id\":\"f2\",\"code\":\"server.unavailable\""));
	CHECK(got(&rec, 1, "\"id\":\"c1\",\"code\":\"server.unavailable\""));
	CHECK(!got(&rec, 1, "question.posted"));
	hub_get_stats(h, &st);
	CHECK_EQ_INT(st.store_failures, 3);
	CHECK_EQ_INT(st.commit_failures, 3);
	CHECK_EQ_INT(log_lines(log, "event=store_failed"), 1);
	CHECK_EQ_INT(log_lines(log, "count=1 per_seconds=60"), 1);
	CHECK(!hub_health(h, why, sizeof why));
	CHECK(strstr(why, "the last write failed") != NULL);
	CHECK_EQ_INT(questions_on_disk(t.db), 0);
	rec_clear(&rec);
	/* The fault clears: the same command goes through, and the log says how many went unlogged. */
	fault(NULL);
	frame(h, &alice, "{\"type\":\"question.post\",\"id\":\"f1\",\"text\":\"Full disk one\",\"lang\":\"en\"}");
	hub_flush(h);
	CHECK(got(&rec, 0, "\"type\":\"ack\",\"id\":\"f1\""));
	CHECK_EQ_INT(log_lines(log, "event=store_recovered unlogged_failures=2"), 1);
	CHECK(hub_health(h, why, sizeof why));
	rec_clear(&rec);

	/* The fsync fails after the batch was written: its outcome is what the reopened file
	 * holds. Here it holds it, so the ack and the event go out, once; a restart keeps it, and
	 * the same command sent again gets its ack, not a second question. */
	fault("syncerr");
	frame(h, &alice, "{\"type\":\"question.post\",\"id\":\"s1\",\"text\":\"Fsync failed\",\"lang\":\"en\"}");
	hub_flush(h);
	fault(NULL);
	CHECK(got(&rec, 0, "\"type\":\"ack\",\"id\":\"s1\""));
	CHECK(!got(&rec, 0, "server.unavailable"));
	CHECK(got(&rec, 1, "Fsync failed"));
	CHECK_EQ_INT(log_lines(log, "event=commit_outcome stored=true"), 1);
	hub_get_stats(h, &st);
	CHECK_EQ_INT(st.commit_failures, 4);
	CHECK_EQ_INT(questions_on_disk(t.db), 2);
	char *first_ack = NULL;
	for (int m = 0; m < rec.n[0]; m++)
		if (strstr(rec.msgs[0][m], "\"id\":\"s1\""))
			first_ack = strdup(rec.msgs[0][m]);
	rec_clear(&rec);
	frame(h, &alice, "{\"type\":\"question.post\",\"id\":\"s1\",\"text\":\"Fsync failed\",\"lang\":\"en\"}");
	hub_flush(h);
	CHECK(first_ack && rec.n[0] == 1 && !strcmp(rec.msgs[0][0], first_ack));
	CHECK_EQ_INT(questions_on_disk(t.db), 2);
	rec_clear(&rec);

	/* PL-3: the id of a stored command, sent again with another command: a typed error, and
	 * nothing changes; the first command sent again still gets its ack. */
	frame(h, &alice, "{\"type\":\"question.post\",\"id\":\"s1\",\"text\":\"Something else\",\"lang\":\"en\"}");
	frame(h, &alice, "{\"type\":\"question.withdraw\",\"id\":\"s1\",\"question\":2}");
	hub_flush(h);
	CHECK_EQ_INT(rec.n[0], 2);
	CHECK(!strcmp(rec.msgs[0][0], "{\"type\":\"error\",\"id\":\"s1\",\"code\":\"command.id_reused\"}"));
	CHECK(!strcmp(rec.msgs[0][1], "{\"type\":\"error\",\"id\":\"s1\",\"code\":\"command.id_reused\"}"));
	CHECK(!got(&rec, 1, "Something else") && !got(&rec, 1, "withdrawn"));
	CHECK_EQ_INT(questions_on_disk(t.db), 2);
	rec_clear(&rec);
	/* The same fields in another spelling are the same command. */
	frame(h, &alice, "{\"lang\":\"en\",\"text\":\"Fsync failed\",\"id\":\"s1\",\"type\":\"question.post\"}");
	hub_flush(h);
	CHECK(first_ack && rec.n[0] == 1 && !strcmp(rec.msgs[0][0], first_ack));
	free(first_ack);
	rec_clear(&rec);

	/* A database that cannot even be reopened after a failed commit: the outcome can only be
	 * known by starting again, so the process ends with HUB_EXIT_STORE_LOST. */
	fflush(log);
	pid_t pid = fork();
	if (pid == 0) {
		char moved[128];
		snprintf(moved, sizeof moved, "%s-moved", t.dir);
		fault("full");
		frame(h, &alice, "{\"type\":\"question.post\",\"id\":\"l1\",\"text\":\"Lost\",\"lang\":\"en\"}");
		if (rename(t.dir, moved))
			_exit(3);
		hub_flush(h);
		_exit(4);
	}
	int status = 0;
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ_INT(WEXITSTATUS(status), HUB_EXIT_STORE_LOST);
	CHECK_EQ_INT(log_lines(log, "level=error event=store_lost"), 1);
	char moved[128];
	snprintf(moved, sizeof moved, "%s-moved", t.dir);
	CHECK_EQ_INT(rename(moved, t.dir), 0);
	fault(NULL);

	rec_clear(&rec);
	hub_free(h);
	store_close(s);
	tmpdir_remove(&t);
	fclose(log);
	unlink(control);
	return check_done();
}
