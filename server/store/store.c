/* store.c — SQLite persistence for Roundtable: opening the database (folder probe, settings,
 * migrations, statements, a write probe), reopening it after a failed commit, its health for
 * operators, and closing it cleanly. It holds no consultation logic: the rows are the image of
 * core events (events.c), and each kind of row has its own file.
 *
 * Privacy (CHR-3, CHR-4): question and vote rows carry the segment, an ordinal and a keyed
 * pseudonym, never a time or anything a participant typed about themselves. Tokens are stored
 * only as SHA-256 hashes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "clock.h"
#include "internal.h"

/* Opens s->path into s->db: the file proved writable, settings read back, schema migrated,
 * statements prepared. 0, or -1 with a reason (s->db may be left open: the caller closes). */
static int open_db(store *s, char *errbuf, size_t errlen)
{
	if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		if (access(s->path, R_OK) && errno == EACCES && errbuf)
			snprintf(errbuf, errlen, "the database file %s is not readable by this user (uid %u)", s->path,
			         (unsigned)geteuid());
		else
			store_set_err(errbuf, errlen, "opening the database", s->db);
		return -1;
	}
	/* Writable first: a file opened read-only would otherwise fail its settings, misleadingly. */
	if (store_probe_writable(s->db, s->path, errbuf, errlen) || store_configure(s->db, errbuf, errlen) ||
	    store_probe_write_lock(s->db, errbuf, errlen) || store_migrate(s->db, errbuf, errlen) ||
	    store_prepare_all(s, errbuf, errlen))
		return -1;
	return 0;
}

store *store_open(const char *path, char *errbuf, size_t errlen)
{
	store *s = calloc(1, sizeof *s);
	if (!s || !(s->path = strdup(path))) {
		store_set_err(errbuf, errlen, "opening the database", NULL);
		free(s);
		return NULL;
	}
	if (store_probe_folder(path, errbuf, errlen) || store_create_private(path, errbuf, errlen) ||
	    open_db(s, errbuf, errlen))
		goto fail;
	s->checkpoint_on_close = true;
	return s;
fail:
	store_close(s);
	return NULL;
}

/* Finalizes every statement and closes the connection (checkpointing it when `checkpoint`). */
static void close_db(store *s, bool checkpoint)
{
	store_finalize_all(s);
	memset(s->stmt, 0, sizeof s->stmt);
	s->in_txn = false;
	/* A clean stop leaves the WAL copied into the file and empty: a backup of the file alone
	 * is then complete. Busy (another reader) only means the next open replays the WAL. */
	if (s->db && checkpoint)
		sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	sqlite3_close(s->db);
	s->db = NULL;
}

rt_err store_reopen(store *s, char *errbuf, size_t errlen)
{
	/* No checkpoint of our own: closing the last connection checkpoints what it knows to be
	 * committed (and, if that succeeds, removes the WAL and with it any frames of the failed
	 * commit); otherwise the next connection replays the WAL as a restart would. Either way
	 * the new connection sees what the files hold. */
	close_db(s, false);
	char why[160];
	if (open_db(s, why, sizeof why)) {
		close_db(s, false);
		s->failing = true;
		snprintf(s->failure, sizeof s->failure, "reopening the database: %s", why);
		if (errbuf)
			snprintf(errbuf, errlen, "%s", why);
		return RT_E_SERVER_UNAVAILABLE;
	}
	return RT_OK;
}

bool store_health(store *s, char *why, size_t cap)
{
	int64_t now = mono_us();
	if (!s->probed_us || now - s->probed_us >= STORE_PROBE_SECONDS * 1000000LL) {
		s->probed_us = now;
		s->probe_error[0] = '\0';
		store_probe_folder(s->path, s->probe_error, sizeof s->probe_error);
	}
	if (!s->db)
		snprintf(why, cap, "%s", s->failure[0] ? s->failure : "the database is closed");
	else if (s->failing)
		snprintf(why, cap, "the last write failed: %s", s->failure);
	else if (sqlite3_db_readonly(s->db, "main"))
		snprintf(why, cap, "the database file is read-only");
	else if (s->probe_error[0])
		snprintf(why, cap, "%s", s->probe_error);
	else
		return true;
	return false;
}

const char *store_failure(const store *s)
{
	return s->failing ? s->failure : "";
}

void store_close(store *s)
{
	if (!s)
		return;
	close_db(s, s->checkpoint_on_close);
	free(s->path);
	free(s);
}
