/* joincode.h — the short join code shown on the stage (K7QX-42AB): made from random bytes,
 * read back from what someone typed, and written for people. Pure: the randomness comes in
 * from the caller, the store keeps what a code opens. */
#ifndef RT_JOINCODE_H
#define RT_JOINCODE_H

#include <stddef.h>
#include <stdint.h>

/* Eight symbols of Crockford's base32 (no I, L, O or U): 40 random bits. */
#define CORE_JOIN_CODE_LEN 8
#define CORE_JOIN_CODE_BYTES 5
/* The alphabet, in the order of the symbols' values. */
#define CORE_JOIN_ALPHABET "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

/* The code of five random bytes, into out (CORE_JOIN_CODE_LEN + 1 bytes): its canonical form,
 * upper case, no dash. */
void core_join_code_make(const uint8_t random[CORE_JOIN_CODE_BYTES], char *out);
/* What someone typed (any case, a dash or spaces anywhere, I and L read as 1 and O as 0, as
 * Crockford's base32 says) as the canonical code, into out (CORE_JOIN_CODE_LEN + 1 bytes).
 * 0, or -1 when it is not a code (wrong length, another symbol). Reads at most `len` bytes. */
int core_join_code_parse(const char *in, size_t len, char *out);
/* The canonical code as people read it, "K7QX-42AB", into out (CORE_JOIN_CODE_LEN + 2 bytes). */
void core_join_code_format(const char *code, char *out);

#endif
