/* joincode.c — the stage's short join code: made from random bytes, parsed from what a person
 * typed, formatted with a dash. No randomness and no look-up here (the command line draws the
 * bytes, the store maps a code to the open participant link). */
#include <string.h>

#include "joincode.h"

void core_join_code_make(const uint8_t random[CORE_JOIN_CODE_BYTES], char *out)
{
	uint64_t bits = 0;
	for (int i = 0; i < CORE_JOIN_CODE_BYTES; i++)
		bits = bits << 8 | random[i];
	for (int i = CORE_JOIN_CODE_LEN - 1; i >= 0; i--) {
		out[i] = CORE_JOIN_ALPHABET[bits & 31];
		bits >>= 5;
	}
	out[CORE_JOIN_CODE_LEN] = '\0';
}

/* The symbol a typed character stands for, or 0 for none. */
static char symbol_of(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c == 'I' || c == 'L')
		return '1';
	if (c == 'O')
		return '0';
	if (c == '\0' || c == 'U')
		return 0;
	return strchr(CORE_JOIN_ALPHABET, c) ? c : 0;
}

int core_join_code_parse(const char *in, size_t len, char *out)
{
	int n = 0;
	for (size_t i = 0; i < len && in[i]; i++) {
		if (in[i] == '-' || in[i] == ' ')
			continue;
		char c = symbol_of(in[i]);
		if (!c || n == CORE_JOIN_CODE_LEN)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return n == CORE_JOIN_CODE_LEN ? 0 : -1;
}

void core_join_code_format(const char *code, char *out)
{
	memcpy(out, code, 4);
	out[4] = '-';
	memcpy(out + 5, code + 4, 4);
	out[9] = '\0';
}
