/* tmpdir.h — a temporary folder for a test's database, removed at the end. */
#ifndef RT_TMPDIR_H
#define RT_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct tmpdir {
	char dir[64];
	char db[96];
} tmpdir;

static inline void tmpdir_make(tmpdir *t)
{
	snprintf(t->dir, sizeof t->dir, "/tmp/roundtable-unit-XXXXXX");
	if (!mkdtemp(t->dir)) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(t->db, sizeof t->db, "%s/roundtable.db", t->dir);
}

static inline void tmpdir_remove(tmpdir *t)
{
	const char *suffixes[] = {"", "-wal", "-shm"};
	char path[128];
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s%s", t->db, suffixes[i]);
		unlink(path);
	}
	rmdir(t->dir);
}

#endif
