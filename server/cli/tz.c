/* tz.c — a planned local time in a time zone to server milliseconds (UTC), and an instant back to
 * a zone's wall clock as text. mktime and localtime know only the process's zone, so this is the
 * one place the command line sets TZ, and puts it back after.
 * Not the agenda's rules of time (server/core), which get milliseconds and never a zone. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"

/* The process's zone set to timezone, and back: mktime and localtime know only that one. */
static void zone_enter(const char *timezone, char *saved, size_t cap, bool *had)
{
	const char *was = getenv("TZ");
	*had = was != NULL;
	snprintf(saved, cap, "%s", was ? was : "");
	setenv("TZ", timezone, 1);
	tzset();
}

static void zone_leave(const char *saved, bool had)
{
	if (had)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
}

int64_t cli_local_ms(const char *timezone, const char *date, int minute)
{
	int y, mo, d;
	if (sscanf(date, "%d-%d-%d", &y, &mo, &d) != 3)
		return 0;
	char saved[128];
	bool had;
	zone_enter(timezone, saved, sizeof saved, &had);
	struct tm tm = {.tm_year = y - 1900,
	                .tm_mon = mo - 1,
	                .tm_mday = d,
	                .tm_hour = minute / 60,
	                .tm_min = minute % 60,
	                .tm_isdst = -1};
	time_t t = mktime(&tm);
	zone_leave(saved, had);
	return t == (time_t)-1 ? 0 : (int64_t)t * 1000;
}

int cli_zone_time(const char *timezone, int64_t ms, struct tm *tm, char *abbr, size_t cap)
{
	char saved[128];
	bool had;
	zone_enter(timezone, saved, sizeof saved, &had);
	time_t t = (time_t)(ms / 1000);
	bool ok = localtime_r(&t, tm) != NULL;
	/* Read while the zone is in force: the abbreviation lives in its data. */
	if (!ok || !strftime(abbr, cap, "%Z", tm))
		abbr[0] = '\0';
	zone_leave(saved, had);
	return ok ? 0 : -1;
}
