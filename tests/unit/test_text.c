/* test_text.c — QA-1 text cleaning, table-driven: what goes in, what must come out. */
#include <stdlib.h>

#include "check.h"
#include "core.h"

typedef struct text_case {
	const char *name;
	const char *in;
	rt_err err;
	const char *out; /* expected text when err == RT_OK */
	long ncp;
} text_case;

static const text_case cases[] = {
    {"plain ascii", "Is Article 24 needed?", RT_OK, "Is Article 24 needed?", 21},
    {"trim ascii", "  \t hello \n ", RT_OK, "hello", 5},
    {"trim unicode spaces", "\xc2\xa0\xe3\x80\x80hello\xe2\x80\x8b\xef\xbb\xbf", RT_OK, "hello", 5},
    {"inner spaces kept", "a  b", RT_OK, "a  b", 4},
    {"bidi override stripped",
     "\xe2\x80\xae"
     "evil\xe2\x80\xac",
     RT_OK, "evil", 4},
    {"bidi isolates stripped",
     "a\xe2\x81\xa6"
     "b\xe2\x81\xa9"
     "c",
     RT_OK, "abc", 3},
    {"all bidi controls",
     "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad\xe2\x80\xae\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8"
     "\xe2\x81\xa9x",
     RT_OK, "x", 1},
    {"crlf to lf", "line one\r\nline two\rthree", RT_OK, "line one\nline two\nthree", 23},
    {"controls dropped, tab kept", "a\x01\x7f\tb\x1b", RT_OK, "a\tb", 3},
    {"c1 controls dropped",
     "a\xc2\x85\xc2\x9b"
     "b",
     RT_OK, "ab", 2},
    {"arabic mixed kept byte-exact", "\xd8\xb3\xd8\xa4\xd8\xa7\xd9\x84 about Article 24 (A/RES/74/247)?", RT_OK,
     "\xd8\xb3\xd8\xa4\xd8\xa7\xd9\x84 about Article 24 (A/RES/74/247)?", 37},
    {"emoji is one code point", "\xf0\x9f\x8c\x8d", RT_OK, "\xf0\x9f\x8c\x8d", 1},
    {"empty", "", RT_E_QUESTION_TEXT_EMPTY, NULL, 0},
    {"whitespace only", " \t\n\xc2\xa0 ", RT_E_QUESTION_TEXT_EMPTY, NULL, 0},
    {"bidi only", "\xe2\x80\xae\xe2\x81\xa6", RT_E_QUESTION_TEXT_EMPTY, NULL, 0},
    {"marks only: RLM, LRM, ALM, soft hyphen", " \xe2\x80\xae\xe2\x80\x8f\xe2\x80\x8e\xd8\x9c\xc2\xad ",
     RT_E_QUESTION_TEXT_EMPTY, NULL, 0},
    {"RLM inside Arabic stripped", "\xd9\x84\xd9\x85\xd8\xa7\xd8\xb0\xd8\xa7\xe2\x80\x8f\xd8\x9f\xe2\x80\x8f", RT_OK,
     "\xd9\x84\xd9\x85\xd8\xa7\xd8\xb0\xd8\xa7\xd8\x9f", 6},
    {"LRM, RLM and ALM inside a text stripped",
     "a\xe2\x80\x8e"
     "b\xe2\x80\x8f"
     "c\xd8\x9c"
     "d",
     RT_OK, "abcd", 4},
    {"overlong encoding", "\xc0\xaf", RT_E_PROTOCOL_MALFORMED, NULL, 0},
    {"surrogate", "\xed\xa0\x80", RT_E_PROTOCOL_MALFORMED, NULL, 0},
    {"truncated", "abc\xe2\x80", RT_E_PROTOCOL_MALFORMED, NULL, 0},
    {"invalid byte", "abc\xff", RT_E_PROTOCOL_MALFORMED, NULL, 0},
    {"beyond unicode", "\xf4\x90\x80\x80", RT_E_PROTOCOL_MALFORMED, NULL, 0},
};

/* n copies of a UTF-8 sequence, plus a suffix, in a new string. */
static char *repeat(const char *unit, int n, const char *suffix)
{
	size_t ul = strlen(unit), sl = strlen(suffix);
	char *s = malloc(ul * (size_t)n + sl + 1);
	for (int i = 0; i < n; i++)
		memcpy(s + ul * (size_t)i, unit, ul);
	memcpy(s + ul * (size_t)n, suffix, sl + 1);
	return s;
}

static rt_err clean(const char *in, char *out, size_t *outlen, size_t *ncp)
{
	return core_text_clean(in, strlen(in), CORE_TEXT_MAX_CP, out, CORE_TEXT_MAX_BYTES + 1, outlen, ncp);
}

int main(void)
{
	static char out[CORE_TEXT_MAX_BYTES + 1];
	size_t len, ncp;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const text_case *c = &cases[i];
		rt_err err = clean(c->in, out, &len, &ncp);
		if (err != c->err)
			fprintf(stderr, "case '%s'\n", c->name);
		CHECK_EQ_STR(rt_err_code(err), rt_err_code(c->err));
		if (c->err == RT_OK && err == RT_OK) {
			CHECK_EQ_STR(out, c->out);
			CHECK_EQ_INT(len, strlen(c->out));
			CHECK_EQ_INT(ncp, c->ncp);
			CHECK_EQ_INT(core_utf8_count(out, len), c->ncp);
		}
	}

	/* The limit counts code points, not bytes. */
	char *arabic500 = repeat("\xd8\xb3", 500, "");
	CHECK_EQ_INT(clean(arabic500, out, &len, &ncp), RT_OK);
	CHECK_EQ_INT(ncp, 500);
	CHECK_EQ_INT(len, 1000);
	char *arabic501 = repeat("\xd8\xb3", 501, "");
	CHECK_EQ_INT(clean(arabic501, out, &len, &ncp), RT_E_QUESTION_TEXT_TOO_LONG);
	char *emoji500 = repeat("\xf0\x9f\x8c\x8d", 500, "   \n");
	CHECK_EQ_INT(clean(emoji500, out, &len, &ncp), RT_OK);
	CHECK_EQ_INT(len, 2000);
	char *spaced = repeat("a", 500, "\xc2\xa0\xc2\xa0  ");
	CHECK_EQ_INT(clean(spaced, out, &len, &ncp), RT_OK);
	CHECK_EQ_INT(ncp, 500);
	char *bidi_padded = repeat("\xe2\x80\xae", 300, "");
	char *padded = malloc(strlen(bidi_padded) + 501);
	strcpy(padded, bidi_padded);
	strcat(padded, arabic500 + 500); /* 250 Arabic letters */
	CHECK_EQ_INT(clean(padded, out, &len, &ncp), RT_OK);
	CHECK_EQ_INT(ncp, 250);

	CHECK_EQ_INT(core_utf8_count("abc", 3), 3);
	CHECK_EQ_INT(core_utf8_count("\xff", 1), -1);
	free(arabic500);
	free(arabic501);
	free(emoji500);
	free(spaced);
	free(bidi_padded);
	free(padded);
	return check_done();
}
