/* text.c — UTF-8 handling for question text (QA-1): validation, cleaning, NFC normalisation,
 * counting. Pure: no locale, no I/O. libunistring decodes, checks and classifies (u8_*, uc_*)
 * and normalises; what is Roundtable's own is which characters are dropped or trimmed. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "text.h"

size_t core_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	ucs4_t uc;
	/* Strict: an overlong form, a surrogate, a value past U+10FFFF or a cut sequence fails. */
	int n = u8_mbtoucr(&uc, s, len);
	if (n <= 0)
		return 0;
	*cp = uc;
	return (size_t)n;
}

long core_utf8_count(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	return u8_check(p, len) ? -1 : (long)u8_mbsnlen(p, len);
}

/* Bidi controls: embeddings, overrides and isolates, and the implicit marks (left-to-right,
 * right-to-left, Arabic letter). They let a poster make text display in a different order than
 * it is stored, and a mark is an invisible byte sequence a poster could use to tag their own
 * text, so none reaches other readers (QA-1); clients isolate user text for display (LC-2). */
static bool is_bidi_control(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F ||
	       cp == 0x61C;
}

/* Control characters (Cc) other than line feed and tab carry nothing a reader should see. */
static bool is_dropped_control(uint32_t cp)
{
	return cp != '\n' && cp != '\t' && uc_is_general_category(cp, UC_CATEGORY_Cc);
}

/* Invisible format characters trimmed from both ends like white space: the soft hyphen, the
 * combining grapheme joiner, the Mongolian vowel separator, the zero-width space, non-joiner
 * and joiner, the word joiner and invisible operators, the variation selectors and the byte
 * order mark. (The bidi marks are dropped everywhere, above.) */
static bool is_invisible(uint32_t cp)
{
	return cp == 0xAD || cp == 0x34F || cp == 0x61C || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) ||
	       (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
}

/* White space (Unicode's White_Space) and invisible format characters. */
static bool is_space(uint32_t cp)
{
	return uc_is_property_white_space(cp) || is_invisible(cp);
}

/* The cleaning pass: everything but NFC. */
static rt_err strip(const char *in, size_t len, size_t max_cp, char *out, size_t outcap, size_t *outlen, size_t *ncp)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0, count = 0;
	/* Where the text ends once trailing space is dropped: byte offset and code points. */
	size_t keep_o = 0, keep_count = 0;
	*outlen = 0;
	*ncp = 0;
	if (outcap == 0)
		return RT_E_QUESTION_TEXT_TOO_LONG;
	out[0] = '\0';
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = core_utf8_decode(p + i, len - i, &cp);
		if (!n)
			return RT_E_PROTOCOL_MALFORMED;
		const unsigned char *src = p + i;
		i += n;
		if (cp == '\r') {
			/* CR LF and a lone CR both become one LF. */
			if (i < len && p[i] == '\n')
				continue;
			cp = '\n';
			src = (const unsigned char *)"\n";
		}
		if (is_bidi_control(cp) || is_dropped_control(cp))
			continue;
		bool space = is_space(cp);
		if (space && count == 0)
			continue; /* leading space */
		if (count >= max_cp && !space)
			return RT_E_QUESTION_TEXT_TOO_LONG;
		if (o + n >= outcap) {
			if (space)
				continue; /* may turn out to be trailing */
			return RT_E_QUESTION_TEXT_TOO_LONG;
		}
		memcpy(out + o, src, n);
		o += n;
		count++;
		if (!space) {
			keep_o = o;
			keep_count = count;
		}
	}
	out[keep_o] = '\0';
	if (keep_count == 0)
		return RT_E_QUESTION_TEXT_EMPTY;
	if (keep_count > max_cp)
		return RT_E_QUESTION_TEXT_TOO_LONG;
	*outlen = keep_o;
	*ncp = keep_count;
	return RT_OK;
}

/* Composition can shorten a text (e + U+0301 becomes é), so the cleaning pass allows this many
 * times the limit in code points before NFC decides. */
#define PRE_NFC_FACTOR 4

rt_err core_text_clean(const char *in, size_t len, size_t max_cp, char *out, size_t outcap, size_t *outlen, size_t *ncp)
{
	assert((in || len == 0) && (out || outcap == 0) && outlen && ncp);
	size_t cap = max_cp * PRE_NFC_FACTOR * 4 + 1;
	char *tmp = malloc(cap);
	if (!tmp)
		return RT_E_SERVER_UNAVAILABLE;
	size_t tlen, tcp;
	*outlen = 0;
	*ncp = 0;
	if (outcap)
		out[0] = '\0';
	rt_err err = strip(in, len, max_cp * PRE_NFC_FACTOR, tmp, cap, &tlen, &tcp);
	if (err) {
		free(tmp);
		return err;
	}
	size_t nlen = 0;
	uint8_t *nfc = u8_normalize(UNINORM_NFC, (const uint8_t *)tmp, tlen, NULL, &nlen);
	free(tmp);
	if (!nfc)
		return RT_E_SERVER_UNAVAILABLE; /* out of memory: refuse rather than store unnormalised */
	long count = core_utf8_count((const char *)nfc, nlen);
	if (count < 1 || (size_t)count > max_cp || nlen >= outcap) {
		free(nfc);
		return count == 0 ? RT_E_QUESTION_TEXT_EMPTY : RT_E_QUESTION_TEXT_TOO_LONG;
	}
	memcpy(out, nfc, nlen);
	out[nlen] = '\0';
	free(nfc);
	*outlen = nlen;
	*ncp = (size_t)count;
	return RT_OK;
}
