/* libFuzzer target: the scrubber (EX-3). Input: deny-list names separated by '|' on the first
 * line, then the text. Invariants: findings are sorted, disjoint and inside the text, on UTF-8
 * boundaries; the replaced text is valid UTF-8 and contains no finding's bytes' worth of growth
 * beyond the placeholders; invalid UTF-8 is refused, never scrubbed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "scrub.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool boundary(const char *s, size_t len, uint32_t at)
{
	return at == len || ((unsigned char)s[at] & 0xC0) != 0x80;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *nl = memchr(in, '\n', size);
	size_t names_len = nl ? (size_t)(nl - in) : 0;
	const char *text = nl ? nl + 1 : in;
	size_t len = size - (size_t)(text - in);

	core_denylist *deny = core_denylist_new();
	if (!deny)
		return 0;
	for (size_t at = 0; at < names_len;) {
		const char *bar = memchr(in + at, '|', names_len - at);
		size_t n = bar ? (size_t)(bar - (in + at)) : names_len - at;
		core_denylist_add(deny, in + at, n);
		at += n + 1;
	}
	core_find f[CORE_SCRUB_MAX_FINDS];
	int lang = (int)(len % CORE_LANG_COUNT); /* placeholders in every language */
	int n = core_scrub_find(text, len, deny, lang, f, CORE_SCRUB_MAX_FINDS);
	bool valid = core_utf8_count(text, len) >= 0;
	if (n < 0) {
		core_denylist_free(deny);
		return 0;
	}
	if (!valid || n > CORE_SCRUB_MAX_FINDS)
		abort();
	for (int i = 0; i < n; i++) {
		if (f[i].start >= f[i].end || f[i].end > len || (i && f[i].start < f[i - 1].end) ||
		    f[i].kind >= CORE_FIND_KIND_COUNT)
			abort();
		if (!boundary(text, len, f[i].start) || !boundary(text, len, f[i].end))
			abort();
	}
	/* The moderators' hints: inside the text, on boundaries, never more than asked for. */
	core_hint h[CORE_SCRUB_MAX_HINTS];
	int nh = core_scrub_hints(text, len, h, CORE_SCRUB_MAX_HINTS);
	if (nh < 0 || nh > CORE_SCRUB_MAX_HINTS || core_scrub_may_identify(text, len) != (nh > 0))
		abort();
	for (int i = 0; i < nh; i++)
		if (h[i].start >= h[i].end || h[i].end > len || !boundary(text, len, h[i].start) ||
		    !boundary(text, len, h[i].end) || h[i].kind >= CORE_HINT_KIND_COUNT)
			abort();
	size_t cap = len + (size_t)n * 32 + 1; /* the longest placeholder: 27 bytes */
	char *out = malloc(cap);
	if (out) {
		long m = core_scrub_replace(text, len, f, n, out, cap);
		if (m < 0 || (size_t)m >= cap || out[m] != '\0' || core_utf8_count(out, (size_t)m) < 0)
			abort();
		free(out);
	}
	core_denylist_free(deny);
	return 0;
}
