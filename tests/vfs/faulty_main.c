/* faulty_main.c — makes `roundtable-faulty`, the server binary with the "faulty" VFS (testvfs.h)
 * as SQLite's default when RT_FAULT_CONTROL names a control file. Built for tests only. */
#include <stdio.h>
#include <stdlib.h>

#include "testvfs.h"

__attribute__((constructor)) static void faulty_init(void)
{
	const char *control = getenv("RT_FAULT_CONTROL");
	if (control && testvfs_faulty_register(control)) {
		fprintf(stderr, "roundtable-faulty: cannot register the test VFS\n");
		exit(2);
	}
}
