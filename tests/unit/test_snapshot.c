/* test_snapshot.c — PERF-1: a room encodes the shared part of a snapshot once per role and
 * state, and every joiner gets it byte for byte with only its own "you" spliced in; the next
 * change of the state makes a new one. Through the hub with a recording transport; not the
 * snapshot's contents (test_hub.c, test_wire.c). */
#include <stdlib.h>

#include "check.h"
#include "crypto.h"
#include "fixtures.h"
#include "hub.h"
#include "log.h"
#include "recorder.h"
#include "tmpdir.h"
#include "tokens.h"

static void auth(hub *h, test_peer *p, const char *token, const char *device)
{
	char buf[160];
	if (device)
		snprintf(buf, sizeof buf, "{\"type\":\"auth\",\"token\":\"%s\",\"device\":\"%s\"}", token, device);
	else
		snprintf(buf, sizeof buf, "{\"type\":\"auth\",\"token\":\"%s\"}", token);
	frame(h, p, buf);
	hub_flush(h);
}

/* The last snapshot peer i received, cut at its "you": the shared part (malloc'd). */
static char *shared_part(recorder *r, int i)
{
	for (int m = r->n[i] - 1; m >= 0; m--) {
		const char *s = r->msgs[i][m];
		const char *you = strstr(s, ",\"you\":");
		if (strstr(s, "\"type\":\"snapshot\"") && you)
			return strndup(s, (size_t)(you - s));
	}
	return NULL;
}

/* The last snapshot peer i received, whole. */
static const char *snapshot(recorder *r, int i)
{
	for (int m = r->n[i] - 1; m >= 0; m--)
		if (strstr(r->msgs[i][m], "\"type\":\"snapshot\""))
			return r->msgs[i][m];
	return NULL;
}

int main(void)
{
	rtlog_setup(RTLOG_WARN, RTLOG_TEXT, NULL);
	tmpdir t;
	tmpdir_make(&t);
	char err[256];
	store *s = store_open(t.db, err, sizeof err);
	core_agenda ag = fixture_agenda(true);
	uint8_t secret[CRYPTO_SECRET_BYTES];
	crypto_random(secret, sizeof secret);
	CHECK_EQ_INT(store_create_consultation(s, &ag, secret, NULL), RT_OK);
	char open[CRYPTO_TOKEN_CHARS + 1], chair_token[CRYPTO_TOKEN_CHARS + 1];
	add_token(s, ag.id, CORE_ROLE_PARTICIPANT, STORE_TOKEN_OPEN, open);
	add_token(s, ag.id, CORE_ROLE_COCHAIR, STORE_TOKEN_ROLE, chair_token);
	CHECK_EQ_INT(store_commit(s), RT_OK);

	recorder rec = {0};
	hub *h = rec_hub(s, &rec);
	test_peer peers[MAX_PEERS];
	rec_peers(peers);
	test_peer *author = &peers[0], *chair = &peers[1], *p1 = &peers[2], *p2 = &peers[3], *p3 = &peers[4],
	          *again = &peers[5], *chair2 = &peers[6];

	/* A room with a question approved and one pending (premoderation), the second the author's. */
	auth(h, chair, chair_token, NULL);
	auth(h, author, open, "deviceAAAAAAAAAAAAAAAA");
	frame(h, author, "{\"type\":\"rule.accept\",\"id\":\"r1\"}");
	frame(h, author,
	      "{\"type\":\"question.post\",\"id\":\"q1\",\"text\":\"Who reviews the data?\",\"lang\":\"en\"}");
	frame(h, author,
	      "{\"type\":\"question.post\",\"id\":\"q2\",\"text\":\"And who appoints them?\",\"lang\":\"en\"}");
	hub_flush(h);
	frame(h, chair, "{\"type\":\"question.approve\",\"id\":\"a1\",\"question\":1}");
	hub_flush(h);
	CHECK(got(&rec, 1, "\"type\":\"ack\",\"id\":\"a1\""));

	/* Two participants join at the same seq: the same shared part, byte for byte, each with its
	 * own "you". */
	auth(h, p1, open, "deviceBBBBBBBBBBBBBBBA");
	auth(h, p2, open, "deviceCCCCCCCCCCCCCCCA");
	char *s1 = shared_part(&rec, 2), *s2 = shared_part(&rec, 3);
	CHECK(s1 && s2);
	CHECK(s1 && s2 && strcmp(s1, s2) == 0);
	CHECK(s1 && strstr(s1, "Who reviews the data?") && !strstr(s1, "And who appoints them?"));
	CHECK(got(&rec, 2, ",\"you\":{\"mine\":[],\"voted\":[],\"rule_accepted\":false"));
	/* Their author, on a new connection, sees their own pending question too: not the shared part. */
	auth(h, again, open, "deviceAAAAAAAAAAAAAAAA");
	char *sa = shared_part(&rec, 5);
	CHECK(sa && strstr(sa, "And who appoints them?") && strcmp(sa, s1) != 0);
	CHECK(got(&rec, 5, "\"mine\":[1,2]"));
	CHECK(got(&rec, 5, "\"rule_accepted\":true"));
	/* A co-chair's shared part is another (every question, the moderation view). */
	auth(h, chair2, chair_token, NULL);
	char *sc = shared_part(&rec, 6);
	CHECK(sc && strstr(sc, "And who appoints them?") && strstr(sc, "\"role\":\"cochair\""));

	/* The next event invalidates it: a vote changes the count a later joiner sees. */
	frame(h, p1, "{\"type\":\"rule.accept\",\"id\":\"r2\"}");
	hub_flush(h);
	frame(h, p1, "{\"type\":\"question.vote\",\"id\":\"v1\",\"question\":1}");
	hub_flush(h);
	CHECK(got(&rec, 2, "\"type\":\"ack\",\"id\":\"v1\""));
	auth(h, p3, open, "deviceDDDDDDDDDDDDDDDA");
	char *s3 = shared_part(&rec, 4);
	CHECK(s3 && strcmp(s3, s1) != 0);
	CHECK(s3 && strstr(s3, "\"votes\":1"));
	CHECK(s1 && strstr(s1, "\"votes\":0"));
	/* The voter, back on a new connection, finds its vote in its own part. */
	fresh(&rec, p1);
	auth(h, p1, open, "deviceBBBBBBBBBBBBBBBA");
	CHECK(snapshot(&rec, 2) && strstr(snapshot(&rec, 2), "\"voted\":[1],\"rule_accepted\":true"));
	char *s4 = shared_part(&rec, 2);
	CHECK(s4 && s3 && strcmp(s4, s3) == 0);

	free(s1);
	free(s2);
	free(s3);
	free(s4);
	free(sa);
	free(sc);
	rec_clear(&rec);
	hub_free(h);
	store_close(s);
	tmpdir_remove(&t);
	return check_done();
}
