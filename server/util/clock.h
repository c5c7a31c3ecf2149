/* clock.h — the server's two clocks, written once: the wall clock (server time, as the hub and
 * the store keep it) and the monotonic clock (for measuring durations and pacing).
 * Header only; not for the core, which never reads a clock (it is handed `now`). */
#ifndef RT_UTIL_CLOCK_H
#define RT_UTIL_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Milliseconds since the epoch (CLOCK_REALTIME). */
static inline int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Microseconds on the monotonic clock: for intervals only, never a date. */
static inline int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

#endif
