/* check.h — the unit tests' harness: checks that report file, line and values, and a final
 * "N passed, N failed" line. Header-only; no framework. */
#ifndef RT_CHECK_H
#define RT_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                                                                    \
	do {                                                                                                           \
		if (cond) {                                                                                            \
			check_passed++;                                                                                \
		} else {                                                                                               \
			check_failed++;                                                                                \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);                       \
		}                                                                                                      \
	} while (0)

#define CHECK_EQ_INT(got, want)                                                                                        \
	do {                                                                                                           \
		long long g_ = (long long)(got), w_ = (long long)(want);                                               \
		if (g_ == w_) {                                                                                        \
			check_passed++;                                                                                \
		} else {                                                                                               \
			check_failed++;                                                                                \
			fprintf(stderr, "%s:%d: %s is %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_);           \
		}                                                                                                      \
	} while (0)

#define CHECK_EQ_STR(got, want)                                                                                        \
	do {                                                                                                           \
		const char *g_ = (got), *w_ = (want);                                                                  \
		if (g_ && w_ && strcmp(g_, w_) == 0) {                                                                 \
			check_passed++;                                                                                \
		} else {                                                                                               \
			check_failed++;                                                                                \
			fprintf(stderr, "%s:%d: %s is \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got,                \
			        g_ ? g_ : "(null)", w_ ? w_ : "(null)");                                               \
		}                                                                                                      \
	} while (0)

static inline int check_done(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
