/* text.c — UTF-8 handling for question text (QA-1): validation, cleaning, NFC normalisation,
 * counting. Pure: no locale, no I/O; libunistring supplies the Unicode normalisation tables. */
#include <stdlib.h>
#include <string.h>

#include <uninorm.h>

#include "core.h"

size_t core_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t n;
	uint32_t v, min;
	if ((c & 0xE0) == 0xC0) {
		n = 2, v = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3, v = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

long core_utf8_count(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	long count = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = core_utf8_decode(p + i, len - i, &cp);
		if (!n)
			return -1;
		i += n;
		count++;
	}
	return count;
}

/* Bidi embedding, override and isolate controls: they let a poster make text display in a
 * different order than it is stored, so they never reach other readers (QA-1). */
static bool is_bidi_control(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Control characters other than line feed and tab carry nothing a reader should see. */
static bool is_dropped_control(uint32_t cp)
{
	return (cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

/* White space (and invisible format characters) trimmed from both ends. */
static bool is_space(uint32_t cp)
{
	switch (cp) {
	case 0x09:
	case 0x0A:
	case 0x0B:
	case 0x0C:
	case 0x0D:
	case 0x20:
	case 0x85:
	case 0xA0:
	case 0xAD:   /* soft hyphen */
	case 0x34F:  /* combining grapheme joiner */
	case 0x61C:  /* Arabic letter mark */
	case 0x200E: /* left-to-right mark */
	case 0x200F: /* right-to-left mark: kept inside a text, where it orders Arabic punctuation */
	case 0x1680:
	case 0x180E:
	case 0x200B:
	case 0x200C:
	case 0x200D:
	case 0x2028:
	case 0x2029:
	case 0x202F:
	case 0x205F:
	case 0x2060:
	case 0x3000:
	case 0xFEFF:
		return true;
	default:
		return (cp >= 0x2000 && cp <= 0x200A) || (cp >= 0x2061 && cp <= 0x2064) ||
		       (cp >= 0xFE00 && cp <= 0xFE0F);
	}
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
