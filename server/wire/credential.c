/* credential.c — the messages of invitations' unlinkable credentials (CHR-3, RFC 9474):
 * credential.key, credential.signed and credential.requests, with RSA values in base64url. Their
 * decoding is the table's (decode.c); no key, no signing, no check happens here. */
#include "internal.h"
#include "wire.h"

/* n bytes as base64url without padding, as a new JSON string. */
static json_t *b64url(const uint8_t *in, size_t n)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char out[(WIRE_RSA_MAX_BYTES + 2) / 3 * 4 + 1];
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n && i < WIRE_RSA_MAX_BYTES; i++) {
		acc = acc << 8 | in[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = alphabet[acc >> bits & 63];
		}
	}
	if (bits)
		out[o++] = alphabet[acc << (6 - bits) & 63];
	out[o] = '\0';
	return json_string(out);
}

wire_buf *wire_encode_credential_key(const char *id, const uint8_t *n, size_t nlen, uint32_t e, const char *state,
                                     size_t headroom)
{
	uint8_t eb[4] = {(uint8_t)(e >> 24), (uint8_t)(e >> 16), (uint8_t)(e >> 8), (uint8_t)e};
	size_t skip = 0;
	while (skip < 3 && !eb[skip])
		skip++;
	json_t *j = json_pack("{s:s, s:o, s:o, s:s}", "type", "credential.key", "n", b64url(n, nlen), "e",
	                      b64url(eb + skip, 4 - skip), "state", state);
	if (j && id && id[0])
		json_object_set_new(j, "id", json_string(id));
	return wire_json_buf((wire_json *)j, headroom);
}

wire_buf *wire_encode_credential_signed(const char *id, const uint8_t *sig, size_t len, size_t headroom)
{
	return wire_json_buf((wire_json *)json_pack("{s:s, s:s, s:o}", "type", "credential.signed", "id", id,
	                                            "blind_signature", b64url(sig, len)),
	                     headroom);
}

wire_buf *wire_encode_credential_requests(const char *id, int pending, int reissued, int allowed, size_t headroom)
{
	json_t *j =
	    json_pack("{s:s, s:i, s:i}", "type", "credential.requests", "pending", pending, "reissued", reissued);
	if (j && id && id[0])
		json_object_set_new(j, "id", json_string(id));
	if (j && allowed >= 0)
		json_object_set_new(j, "allowed", json_integer(allowed));
	return wire_json_buf((wire_json *)j, headroom);
}
