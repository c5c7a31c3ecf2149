/* text.h — UTF-8 text as the core takes it in (QA-1): decoding, counting and the cleaning
 * every question, note, paraphrase and theme goes through. Pure; no consultation state. */
#ifndef RT_TEXT_H
#define RT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rt_err.h"

/* QA-1 cleaning: validates UTF-8, strips bidi embedding/override/isolate controls
 * (U+202A..U+202E, U+2066..U+2069) and other control characters except line feeds, turns CR LF
 * into LF, trims white space at both ends and normalises to NFC. Writes at most outcap-1 bytes
 * and a NUL. Returns RT_OK and the code point count (after NFC) in *ncp, or
 * RT_E_PROTOCOL_MALFORMED (bad UTF-8), RT_E_QUESTION_TEXT_EMPTY or RT_E_QUESTION_TEXT_TOO_LONG
 * (over max_cp, or over outcap). */
rt_err core_text_clean(const char *in, size_t len, size_t max_cp, char *out, size_t outcap, size_t *outlen,
                       size_t *ncp);
/* Decodes one code point at s[0..len). Returns its length in bytes (1..4) and stores it in
 * *cp, or 0 for an invalid, overlong or surrogate sequence. */
size_t core_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);
/* Code points in valid UTF-8 s, or -1 when s is not valid UTF-8. */
long core_utf8_count(const char *s, size_t len);

#endif
