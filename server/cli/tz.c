/* tz.c — a planned local time in a time zone to server milliseconds (UTC). mktime knows only the
 * process's zone, so this is the one place the command line sets TZ, and puts it back after.
 * Not the agenda's rules of time (server/core), which get milliseconds and never a zone. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"

int64_t cli_local_ms(const char *timezone, const char *date, int minute)
{
	int y, mo, d;
	if (sscanf(date, "%d-%d-%d", &y, &mo, &d) != 3)
		return 0;
	const char *was = getenv("TZ");
	char saved[128] = "";
	if (was)
		snprintf(saved, sizeof saved, "%s", was);
	setenv("TZ", timezone, 1);
	tzset();
	struct tm tm = {.tm_year = y - 1900,
	                .tm_mon = mo - 1,
	                .tm_mday = d,
	                .tm_hour = minute / 60,
	                .tm_min = minute % 60,
	                .tm_isdst = -1};
	time_t t = mktime(&tm);
	if (was)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	return t == (time_t)-1 ? 0 : (int64_t)t * 1000;
}
