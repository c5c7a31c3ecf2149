/* testvfs.c — the test VFS shims of testvfs.h. Each file wraps one opened by the platform's VFS;
 * everything not overridden here (locks, shared memory for WAL) goes straight through. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "testvfs.h"

/* One write not yet synced ("powerloss"). */
typedef struct extent {
	sqlite3_int64 off;
	int len;
	struct extent *next;
	unsigned char data[];
} extent;

typedef struct tv_file {
	sqlite3_file base;
	sqlite3_file *real; /* follows this struct in the same allocation */
	extent *head, *tail;
	sqlite3_int64 size; /* powerloss: the size the file has for this process */
} tv_file;

static sqlite3_vfs *platform;
static sqlite3_vfs tv_vfs;
static sqlite3_io_methods tv_methods;
/* "nowal": files opened without shared memory, as on a file system that cannot map it; SQLite
 * then silently stays in its rollback journal when asked for WAL. */
static sqlite3_io_methods tv_methods_v1;
static bool powerloss;
static const char *control;
static uint64_t crash_at, ops;

/* --- faults ------------------------------------------------------------------------------ */

/* What the control file says now: "full", "ioerr", "syncerr", "nowal" or nothing. */
static void fault_now(char *buf, size_t cap)
{
	buf[0] = '\0';
	int fd = control ? open(control, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
}

/* SQLITE_OK, or the error the control file asks for now. */
static int injected(void)
{
	char buf[16];
	fault_now(buf, sizeof buf);
	if (!strncmp(buf, "full", 4))
		return SQLITE_FULL;
	if (!strncmp(buf, "ioerr", 5))
		return SQLITE_IOERR_WRITE;
	return SQLITE_OK;
}

/* SQLITE_OK, or the error a sync gets now: as a write's, or "syncerr" (the writes went through,
 * their fsync fails: a commit's outcome is then unknown). */
static int sync_injected(void)
{
	char buf[16];
	fault_now(buf, sizeof buf);
	if (!strncmp(buf, "syncerr", 7))
		return SQLITE_IOERR_FSYNC;
	return injected();
}

/* powerloss: counts one write or sync, and dies at the chosen one. */
static void tick(void)
{
	if (++ops == crash_at)
		_exit(0);
}

/* --- powerloss overlay --------------------------------------------------------------------- */

static void drop_extents(tv_file *f)
{
	for (extent *e = f->head, *next; e; e = next) {
		next = e->next;
		free(e);
	}
	f->head = f->tail = NULL;
}

/* Applies the pending writes to the real file, in order (not synced). */
static int apply_extents(tv_file *f)
{
	for (extent *e = f->head; e; e = e->next) {
		int rc = f->real->pMethods->xWrite(f->real, e->data, e->len, e->off);
		if (rc != SQLITE_OK)
			return rc;
	}
	drop_extents(f);
	return SQLITE_OK;
}

/* --- methods ------------------------------------------------------------------------------- */

static int tv_close(sqlite3_file *pf)
{
	tv_file *f = (tv_file *)pf;
	/* A clean close hands pending writes to the OS, which may or may not keep them: keep them. */
	if (powerloss)
		apply_extents(f);
	drop_extents(f);
	return f->real->pMethods->xClose(f->real);
}

static int tv_read(sqlite3_file *pf, void *buf, int amt, sqlite3_int64 off)
{
	tv_file *f = (tv_file *)pf;
	int rc = f->real->pMethods->xRead(f->real, buf, amt, off);
	if (!powerloss || !f->head)
		return rc;
	if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
		return rc;
	/* What this process wrote wins over what is on disk, in the order it was written. */
	for (extent *e = f->head; e; e = e->next) {
		sqlite3_int64 lo = e->off > off ? e->off : off;
		sqlite3_int64 hi = e->off + e->len < off + amt ? e->off + e->len : off + amt;
		if (lo < hi)
			memcpy((char *)buf + (lo - off), e->data + (lo - e->off), (size_t)(hi - lo));
	}
	return off + amt <= f->size ? SQLITE_OK : SQLITE_IOERR_SHORT_READ;
}

static int tv_write(sqlite3_file *pf, const void *buf, int amt, sqlite3_int64 off)
{
	tv_file *f = (tv_file *)pf;
	if (!powerloss) {
		int rc = injected();
		return rc ? rc : f->real->pMethods->xWrite(f->real, buf, amt, off);
	}
	tick();
	extent *e = malloc(sizeof *e + (size_t)amt);
	if (!e)
		return SQLITE_NOMEM;
	e->off = off;
	e->len = amt;
	e->next = NULL;
	memcpy(e->data, buf, (size_t)amt);
	if (f->tail)
		f->tail->next = e;
	else
		f->head = e;
	f->tail = e;
	if (off + amt > f->size)
		f->size = off + amt;
	return SQLITE_OK;
}

static int tv_truncate(sqlite3_file *pf, sqlite3_int64 size)
{
	tv_file *f = (tv_file *)pf;
	if (!powerloss) {
		int rc = injected();
		return rc ? rc : f->real->pMethods->xTruncate(f->real, size);
	}
	/* Pending writes first, so that none lands beyond the new end later. */
	int rc = apply_extents(f);
	if (rc == SQLITE_OK)
		rc = f->real->pMethods->xTruncate(f->real, size);
	f->size = size;
	return rc;
}

static int tv_sync(sqlite3_file *pf, int flags)
{
	tv_file *f = (tv_file *)pf;
	if (!powerloss) {
		int rc = sync_injected();
		return rc ? rc : f->real->pMethods->xSync(f->real, flags);
	}
	tick();
	int rc = apply_extents(f);
	return rc ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int tv_size(sqlite3_file *pf, sqlite3_int64 *size)
{
	tv_file *f = (tv_file *)pf;
	if (!powerloss)
		return f->real->pMethods->xFileSize(f->real, size);
	*size = f->size;
	return SQLITE_OK;
}

#define PASS(name, sig, args)                                                                                          \
	static int tv_##name sig                                                                                       \
	{                                                                                                              \
		tv_file *f = (tv_file *)pf;                                                                            \
		return f->real->pMethods->name args;                                                                   \
	}
PASS(xLock, (sqlite3_file * pf, int l), (f->real, l))
PASS(xUnlock, (sqlite3_file * pf, int l), (f->real, l))
PASS(xCheckReservedLock, (sqlite3_file * pf, int *out), (f->real, out))
PASS(xSectorSize, (sqlite3_file * pf), (f->real))
PASS(xDeviceCharacteristics, (sqlite3_file * pf), (f->real))
PASS(xShmMap, (sqlite3_file * pf, int pg, int pgsz, int extend, void volatile **pp), (f->real, pg, pgsz, extend, pp))
PASS(xShmLock, (sqlite3_file * pf, int offset, int n, int flags), (f->real, offset, n, flags))
PASS(xShmUnmap, (sqlite3_file * pf, int del), (f->real, del))

static int tv_control(sqlite3_file *pf, int op, void *arg)
{
	tv_file *f = (tv_file *)pf;
	/* Memory-mapped reads would bypass the overlay. */
	if (op == SQLITE_FCNTL_MMAP_SIZE && powerloss) {
		*(sqlite3_int64 *)arg = 0;
		return SQLITE_OK;
	}
	return f->real->pMethods->xFileControl(f->real, op, arg);
}

static void tv_barrier(sqlite3_file *pf)
{
	tv_file *f = (tv_file *)pf;
	f->real->pMethods->xShmBarrier(f->real);
}

static int tv_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *pf, int flags, int *out)
{
	(void)vfs;
	tv_file *f = (tv_file *)pf;
	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)(f + 1);
	int rc = platform->xOpen(platform, name, f->real, flags, out);
	if (rc != SQLITE_OK)
		return rc;
	if (powerloss && f->real->pMethods->xFileSize(f->real, &f->size) != SQLITE_OK)
		f->size = 0;
	char fault[16];
	fault_now(fault, sizeof fault);
	f->base.pMethods = strncmp(fault, "nowal", 5) ? &tv_methods : &tv_methods_v1;
	return SQLITE_OK;
}

static int tv_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	(void)vfs;
	int rc = injected();
	return rc ? rc : platform->xDelete(platform, name, sync);
}

static int install(void)
{
	platform = sqlite3_vfs_find(NULL);
	if (!platform)
		return -1;
	tv_methods = (sqlite3_io_methods){
	    .iVersion = 2,
	    .xClose = tv_close,
	    .xRead = tv_read,
	    .xWrite = tv_write,
	    .xTruncate = tv_truncate,
	    .xSync = tv_sync,
	    .xFileSize = tv_size,
	    .xLock = tv_xLock,
	    .xUnlock = tv_xUnlock,
	    .xCheckReservedLock = tv_xCheckReservedLock,
	    .xFileControl = tv_control,
	    .xSectorSize = tv_xSectorSize,
	    .xDeviceCharacteristics = tv_xDeviceCharacteristics,
	    .xShmMap = tv_xShmMap,
	    .xShmLock = tv_xShmLock,
	    .xShmBarrier = tv_barrier,
	    .xShmUnmap = tv_xShmUnmap,
	};
	tv_methods_v1 = tv_methods;
	tv_methods_v1.iVersion = 1;
	tv_vfs = *platform;
	tv_vfs.iVersion = 1; /* no xSetSystemCall and friends: they would reach the wrong VFS */
	tv_vfs.szOsFile = (int)sizeof(tv_file) + platform->szOsFile;
	tv_vfs.zName = powerloss ? "powerloss" : "faulty";
	tv_vfs.pAppData = NULL;
	tv_vfs.xOpen = tv_open;
	tv_vfs.xDelete = tv_delete;
	return sqlite3_vfs_register(&tv_vfs, 1) == SQLITE_OK ? 0 : -1;
}

int testvfs_faulty_register(const char *control_path)
{
	control = control_path;
	return install();
}

int testvfs_powerloss_register(uint64_t at)
{
	powerloss = true;
	crash_at = at;
	ops = 0;
	return install();
}

uint64_t testvfs_powerloss_ops(void)
{
	return ops;
}
