/* backup.c — copies and compaction of the database file: one consultation's online backup into
 * a self-contained file, and the checkpoint and VACUUM that follow a seal (CHR-5). Not the live
 * rows (events.c) nor the connection (store.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "internal.h"

rt_err store_compact(store *s, char *errbuf, size_t errlen)
{
	if (s->in_txn) {
		snprintf(errbuf, errlen, "a transaction is open");
		return RT_E_SERVER_UNAVAILABLE;
	}
	/* Copy the WAL into the file and empty it, rebuild the file without free pages, then empty
	 * the WAL again (VACUUM wrote through it). A reader holding the WAL open makes a TRUNCATE
	 * checkpoint return busy (its second column): that is a failure, not a success. */
	static const char *const steps[] = {"PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM",
	                                    "PRAGMA wal_checkpoint(TRUNCATE)"};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(s->db, steps[i], -1, &st, NULL) != SQLITE_OK) {
			store_set_err(errbuf, errlen, steps[i], s->db);
			return RT_E_SERVER_UNAVAILABLE;
		}
		int rc = sqlite3_step(st);
		bool busy = rc == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
		if (rc == SQLITE_ROW)
			rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE || busy) {
			if (busy)
				snprintf(errbuf, errlen, "%s: another reader has the database open", steps[i]);
			else
				store_set_err(errbuf, errlen, steps[i], s->db);
			return RT_E_SERVER_UNAVAILABLE;
		}
	}
	return RT_OK;
}

/* Deletes from the copy `db` every row of every consultation but `cid`. Each table is keyed by
 * a `consultation` column (the consultation table by `id`); a table with neither is an error,
 * so that a future migration cannot leak another consultation's rows into a backup. */
static int keep_only(sqlite3 *db, const char *cid, char *errbuf, size_t errlen)
{
	sqlite3_stmt *tables;
	if (sqlite3_prepare_v2(db,
	                       "SELECT m.name, EXISTS (SELECT 1 FROM pragma_table_info(m.name) AS c WHERE c.name = "
	                       "'consultation') FROM sqlite_schema AS m WHERE m.type = 'table' AND m.name NOT LIKE "
	                       "'sqlite\\_%' ESCAPE '\\'",
	                       -1, &tables, NULL) != SQLITE_OK) {
		store_set_err(errbuf, errlen, "listing the tables", db);
		return -1;
	}
	int rc = 0;
	while (rc == 0 && sqlite3_step(tables) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(tables, 0);
		bool keyed = sqlite3_column_int(tables, 1) != 0;
		if (!strcmp(name, "programme"))
			continue; /* emptied by finish_copy */
		/* The organiser's links are the data folder's, not the consultation's: none is copied. */
		bool none = !strcmp(name, "organiser_token");
		const char *column = none                            ? "rowid"
		                     : keyed                         ? "consultation"
		                     : !strcmp(name, "consultation") ? "id"
		                                                     : NULL;
		if (!column) {
			snprintf(errbuf, errlen, "table %s is not keyed by consultation", name);
			rc = -1;
			break;
		}
		char *sql = none ? sqlite3_mprintf("DELETE FROM \"%w\" WHERE ? IS NOT NULL", name)
		                 : sqlite3_mprintf("DELETE FROM \"%w\" WHERE \"%w\" IS NOT ?", name, column);
		sqlite3_stmt *del = NULL;
		if (!sql || sqlite3_prepare_v2(db, sql, -1, &del, NULL) != SQLITE_OK) {
			store_set_err(errbuf, errlen, "preparing a deletion", db);
			rc = -1;
		} else {
			sqlite3_bind_text(del, 1, cid, -1, SQLITE_STATIC);
			if (sqlite3_step(del) != SQLITE_DONE) {
				store_set_err(errbuf, errlen, "deleting other consultations", db);
				rc = -1;
			}
		}
		sqlite3_finalize(del);
		sqlite3_free(sql);
	}
	sqlite3_finalize(tables);
	return rc;
}

/* Makes the copy `db` hold consultation `cid` alone, in one self-contained file (no WAL),
 * checked for integrity and foreign keys, without free pages. */
static int finish_copy(sqlite3 *db, const char *cid, char *errbuf, size_t errlen)
{
	char got[64];
	if (store_exec_sql(db, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;",
	                   errbuf, errlen) ||
	    store_exec_sql(db, "BEGIN IMMEDIATE", errbuf, errlen))
		return -1;
	/* A programme spans consultations: the copy keeps the consultation alone, outside it (its
	 * attendance stays; keep_only drops the programme's own links and waiting list, whose
	 * consultation is NULL). */
	if (store_exec_sql(db, "UPDATE consultation SET programme = NULL", errbuf, errlen) ||
	    store_exec_sql(db, "DELETE FROM programme", errbuf, errlen) || keep_only(db, cid, errbuf, errlen)) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (store_exec_sql(db, "COMMIT", errbuf, errlen) || store_exec_sql(db, "VACUUM", errbuf, errlen))
		return -1;
	if (store_first_value(db, "PRAGMA foreign_key_check", got, sizeof got, errbuf, errlen))
		return -1;
	if (got[0]) {
		snprintf(errbuf, errlen, "the copy fails its foreign key check (table %s)", got);
		return -1;
	}
	if (store_first_value(db, "PRAGMA integrity_check", got, sizeof got, errbuf, errlen))
		return -1;
	if (strcmp(got, "ok") != 0) {
		snprintf(errbuf, errlen, "the copy fails its integrity check: %s", got);
		return -1;
	}
	return 0;
}

/* fsyncs a file, or the folder holding it (for a rename). */
static int sync_path(const char *path, bool folder)
{
	char dir[4096];
	if (folder) {
		store_folder_of(path, dir, sizeof dir);
		path = dir;
	}
	int fd = open(path, O_RDONLY | (folder ? O_DIRECTORY : 0) | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

rt_err store_backup(store *s, const char *cid, const char *path, bool *sealed, char *errbuf, size_t errlen)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.partial", path) >= (int)sizeof tmp) {
		snprintf(errbuf, errlen, "the backup path is too long");
		return RT_E_SERVER_UNAVAILABLE;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->db, "SELECT sealed FROM consultation WHERE id = ?", -1, &st, NULL) != SQLITE_OK) {
		store_set_err(errbuf, errlen, "reading the consultation", s->db);
		return RT_E_SERVER_UNAVAILABLE;
	}
	sqlite3_bind_text(st, 1, cid, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sealed)
		*sealed = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW) {
		snprintf(errbuf, errlen, "no such consultation");
		return RT_E_NOT_FOUND;
	}
	/* The copy holds what the database holds: it is created readable by its owner alone. */
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(errbuf, errlen, "cannot create %s: %s", tmp, strerror(errno));
		return RT_E_SERVER_UNAVAILABLE;
	}
	close(fd);
	sqlite3 *dst = NULL;
	rt_err err = RT_E_SERVER_UNAVAILABLE;
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		store_set_err(errbuf, errlen, "opening the copy", dst);
		goto out;
	}
	/* One step of all pages: the whole copy is read in one read transaction of the source, a
	 * consistent snapshot. With WAL, the live server's commits go on meanwhile. */
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", s->db, "main");
	if (!b) {
		store_set_err(errbuf, errlen, "starting the backup", dst);
		goto out;
	}
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(errbuf, errlen, "copying the database: %s", sqlite3_errstr(rc));
		goto out;
	}
	if (finish_copy(dst, cid, errbuf, errlen))
		goto out;
	if (sqlite3_close(dst) != SQLITE_OK) {
		store_set_err(errbuf, errlen, "closing the copy", dst);
		goto out;
	}
	dst = NULL;
	if (sync_path(tmp, false) || rename(tmp, path) || sync_path(path, true)) {
		snprintf(errbuf, errlen, "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	err = RT_OK;
out:
	sqlite3_close(dst);
	if (err)
		unlink(tmp);
	return err;
}
