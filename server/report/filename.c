/* filename.c — what an export is called when it is saved (EX-2): the consultation's title as an
 * ASCII slug, its date, and what it holds, e.g.
 * "engaging-civil-society-in-the-fight-against-2021-10-12-report.md". Pure: it names files and
 * writes none. Not the document itself (render.c). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <uninorm.h>

#include "report.h"

/* A code point as an ASCII letter or digit in lower case (accents dropped: "é" is "e"), or 0. */
static char ascii(uint32_t c)
{
	uint32_t d[UC_DECOMPOSITION_MAX_LENGTH];
	for (int guard = 0; guard < 4 && c >= 128; guard++) {
		if (uc_canonical_decomposition(c, d) <= 0)
			break;
		c = d[0];
	}
	if (c >= 'A' && c <= 'Z')
		return (char)(c + 32);
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return (char)c;
	return 0;
}

/* The title's ASCII letters and digits, in lower case, words joined by '-', at most max bytes
 * and cut at a word's end; "consultation" when the title has none (an Arabic title). */
static size_t slug(const char *title, char *out, size_t max)
{
	size_t n = 0, word_end = 0;
	bool gap = false;
	const unsigned char *p = (const unsigned char *)(title ? title : "");
	size_t len = strlen((const char *)p);
	for (size_t i = 0; i < len;) {
		uint32_t c;
		size_t k = core_utf8_decode(p + i, len - i, &c);
		if (!k)
			break;
		i += k;
		char a = ascii(c);
		if (!a) {
			gap = n > 0; /* anything else separates words: spaces, dashes, apostrophes, Arabic */
			continue;
		}
		if (gap) {
			word_end = n;
			if (n + 1 >= max)
				break;
			out[n++] = '-';
			gap = false;
		}
		if (n + 1 > max) {
			n = word_end;
			break;
		}
		out[n++] = a;
	}
	if (n == 0) {
		snprintf(out, max + 1, "%s", "consultation");
		return strlen(out);
	}
	while (n && out[n - 1] == '-')
		n--;
	out[n] = '\0';
	return n;
}

size_t report_filename(const char *title, const char *date, const char *kind, const char *ext, char *out, size_t cap)
{
	char s[REPORT_SLUG_MAX + 1];
	slug(title, s, REPORT_SLUG_MAX);
	bool dated = date && strlen(date) == 10;
	int n = snprintf(out, cap, "%s%s%s-%s.%s", s, dated ? "-" : "", dated ? date : "", kind, ext);
	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

const char *report_agenda_date(const core_agenda *a)
{
	return a->date[0] ? a->date : a->nsegments && a->segments[0].date[0] ? a->segments[0].date : "";
}

const char *report_kind(const core_state *st)
{
	return st->final ? "report" : "report-draft";
}
