/* joincode.c — what a short join code typed by a participant opens (GET /j/CODE): reads the
 * code as Crockford's base32 and finds its open participant link in the store. Not the HTTP
 * answer nor the rate limit of failed look-ups (net/http.c). */
#include "internal.h"
#include "joincode.h"

rt_err hub_join_code(hub *h, const char *typed, size_t len, store_join *out)
{
	char code[CORE_JOIN_CODE_LEN + 1];
	if (core_join_code_parse(typed, len, code))
		return RT_E_NOT_FOUND;
	return store_find_join_code(h->store, code, h->io.now_ms(h->io.ctx), out);
}
