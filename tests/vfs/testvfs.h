/* testvfs.h — SQLite VFS shims for tests, over the platform's own VFS. Never in the server.
 *
 * "faulty": while the file named by RT_FAULT_CONTROL holds "full" or "ioerr", every write and
 * sync fails with SQLITE_FULL or SQLITE_IOERR (a full disk, a failing one); reads work. While it
 * holds "syncerr", writes go through and every sync fails (SQLITE_IOERR_FSYNC). A file
 * opened while it holds "nowal" has no shared memory, so SQLite cannot use WAL for it.
 * "powerloss": writes stay in this process's memory until the file is synced, and a chosen
 * write or sync ends the process on the spot (_exit), so what was not synced is lost exactly as
 * in a power cut, whatever the operating system would have flushed. */
#ifndef RT_TESTVFS_H
#define RT_TESTVFS_H

#include <stdint.h>

/* Registers "faulty" as the default VFS, controlled by the file at control_path. 0 or -1. */
int testvfs_faulty_register(const char *control_path);

/* Registers "powerloss" as the default VFS. The process dies at the crash_at-th write or sync
 * (1-based; 0: never), before performing it. 0 or -1. */
int testvfs_powerloss_register(uint64_t crash_at);
/* Writes and syncs seen so far by "powerloss". */
uint64_t testvfs_powerloss_ops(void);

#endif
