/* store.c — SQLite persistence for Roundtable: opening the database (folder probe, settings,
 * migrations, statements) and closing it cleanly. It holds no consultation logic: the rows are
 * the image of core events (events.c), and each kind of row has its own file.
 *
 * Privacy (CHR-3, CHR-4): question and vote rows carry the segment, an ordinal and a keyed
 * pseudonym, never a time or anything a participant typed about themselves. Tokens are stored
 * only as SHA-256 hashes. */
#include <stdlib.h>

#include <sqlite3.h>

#include "internal.h"

store *store_open(const char *path, char *errbuf, size_t errlen)
{
	store *s = calloc(1, sizeof *s);
	if (!s) {
		store_set_err(errbuf, errlen, "opening the database", NULL);
		return NULL;
	}
	if (store_probe_folder(path, errbuf, errlen))
		goto fail;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		store_set_err(errbuf, errlen, "opening the database", s->db);
		goto fail;
	}
	if (store_configure(s->db, errbuf, errlen) || store_migrate(s->db, errbuf, errlen) ||
	    store_prepare_all(s, errbuf, errlen))
		goto fail;
	s->checkpoint_on_close = true;
	return s;
fail:
	store_close(s);
	return NULL;
}

void store_close(store *s)
{
	if (!s)
		return;
	store_finalize_all(s);
	/* A clean stop leaves the WAL copied into the file and empty: a backup of the file alone
	 * is then complete. Busy (another reader) only means the next open replays the WAL. */
	if (s->db && s->checkpoint_on_close)
		sqlite3_exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	sqlite3_close(s->db);
	free(s);
}
