/* test_joincode.c — the stage's short join code: made from random bytes, read back from what
 * people type (case, dash, Crockford's look-alikes), and kept in the store for the open link:
 * found, deleted with the link and by the seal. */
#include "check.h"
#include "fixtures.h"
#include "joincode.h"
#include "store.h"
#include "tmpdir.h"

static void test_make_and_format(void)
{
	const uint8_t zero[CORE_JOIN_CODE_BYTES] = {0}, ones[CORE_JOIN_CODE_BYTES] = {255, 255, 255, 255, 255};
	const uint8_t some[CORE_JOIN_CODE_BYTES] = {0x01, 0x23, 0x45, 0x67, 0x89};
	char code[CORE_JOIN_CODE_LEN + 1], shown[CORE_JOIN_CODE_LEN + 2];
	core_join_code_make(zero, code);
	CHECK_EQ_STR(code, "00000000");
	core_join_code_make(ones, code);
	CHECK_EQ_STR(code, "ZZZZZZZZ");
	core_join_code_make(some, code); /* 00000 00100 10001 10100 01010 11001 11100 01001 */
	CHECK_EQ_STR(code, "04HMASW9");
	core_join_code_format(code, shown);
	CHECK_EQ_STR(shown, "04HM-ASW9");
	/* Every symbol is of the alphabet, none of I, L, O, U. */
	for (int b = 0; b < 256; b++) {
		const uint8_t r[CORE_JOIN_CODE_BYTES] = {(uint8_t)b, (uint8_t)(b * 7), (uint8_t)(b * 13), (uint8_t)~b,
		                                         42};
		core_join_code_make(r, code);
		CHECK(strspn(code, "0123456789ABCDEFGHJKMNPQRSTVWXYZ") == CORE_JOIN_CODE_LEN);
	}
}

static void test_parse(void)
{
	static const struct {
		const char *typed, *want; /* want NULL: not a code */
	} cases[] = {
	    {"K7QX-42AB", "K7QX42AB"}, {"k7qx42ab", "K7QX42AB"},
	    {"K7QX 42AB", "K7QX42AB"}, {"-k7qX-42ab-", "K7QX42AB"},
	    {"o0Il-L1ab", "001111AB"}, {"K7QX-42A", NULL},
	    {"K7QX-42ABC", NULL},      {"K7QU-42AB", NULL},
	    {"K7QX/42AB", NULL},       {"", NULL},
	    {"K7QX-42A%", NULL},       {"K7QX-42AB/", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char code[CORE_JOIN_CODE_LEN + 1];
		int rc = core_join_code_parse(cases[i].typed, strlen(cases[i].typed), code);
		if (cases[i].want) {
			CHECK_EQ_INT(rc, 0);
			CHECK_EQ_STR(code, cases[i].want);
		} else {
			CHECK_EQ_INT(rc, -1);
		}
	}
	char code[CORE_JOIN_CODE_LEN + 1];
	CHECK_EQ_INT(core_join_code_parse("K7QX-42ABXYZ", 9, code), 0); /* reads len bytes only */
	CHECK_EQ_STR(code, "K7QX42AB");
}

static void test_store(void)
{
	tmpdir t;
	tmpdir_make(&t);
	char err[256];
	store *s = store_open(t.db, err, sizeof err);
	CHECK(s != NULL);
	core_agenda ag = fixture_agenda(false);
	uint8_t secret[STORE_SECRET_BYTES] = {1};
	CHECK_EQ_INT(store_create_consultation(s, &ag, secret, NULL), RT_OK);
	bool added = false;
	CHECK_EQ_INT(store_add_join_code(s, "K7QX42AB", ag.id, false, "open-token-one", &added), RT_OK);
	CHECK(added);
	CHECK_EQ_INT(store_add_join_code(s, "K7QX42AB", ag.id, false, "open-token-two", &added), RT_OK);
	CHECK(!added); /* taken: the caller draws another */
	CHECK_EQ_INT(store_commit(s), RT_OK);

	store_join j;
	CHECK_EQ_INT(store_find_join_code(s, "K7QX42AB", FIXED_NOW_MS, &j), RT_OK);
	CHECK_EQ_STR(j.owner, ag.id);
	CHECK_EQ_STR(j.token, "open-token-one");
	CHECK_EQ_INT(store_find_join_code(s, "K7QX42AC", FIXED_NOW_MS, &j), RT_E_NOT_FOUND);
	char kept[CORE_JOIN_CODE_LEN + 1];
	CHECK_EQ_INT(store_join_code_of(s, ag.id, kept, sizeof kept, &j), RT_OK);
	CHECK_EQ_STR(kept, "K7QX42AB");
	CHECK_EQ_STR(j.token, "open-token-one");
	CHECK_EQ_INT(store_join_code_of(s, "nosuch", kept, sizeof kept, &j), RT_E_NOT_FOUND);

	/* Revoking the open link deletes its codes. */
	CHECK_EQ_INT(store_delete_join_codes(s, ag.id), RT_OK);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	CHECK_EQ_INT(store_find_join_code(s, "K7QX42AB", FIXED_NOW_MS, &j), RT_E_NOT_FOUND);

	/* CHR-5: the seal (which sets when links expire) deletes the codes and their tokens. */
	CHECK_EQ_INT(store_add_join_code(s, "K7QX42AC", ag.id, false, "open-token-three", &added), RT_OK);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	CHECK_EQ_INT(store_find_join_code(s, "K7QX42AC", FIXED_NOW_MS, &j), RT_OK);
	CHECK_EQ_INT(store_expire_links(s, ag.id, FIXED_NOW_MS + 1000), RT_OK);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	CHECK_EQ_INT(store_find_join_code(s, "K7QX42AC", FIXED_NOW_MS, &j), RT_E_NOT_FOUND);
	store_close(s);
	tmpdir_remove(&t);
}

int main(void)
{
	test_make_and_format();
	test_parse();
	test_store();
	return check_done();
}
