/* test_hub.c — the path of a command without sockets: a recording transport, a real store on
 * a temporary file, and a fixed clock. Shows that acks and events wait for the commit, that a
 * batch shares one commit, and that each audience gets what it may see. */
#include <stdlib.h>

#include <sqlite3.h>

#include "check.h"
#include "crypto.h"
#include "fixtures.h"
#include "hub.h"
#include "log.h"
#include "recorder.h"
#include "tmpdir.h"
#include "tokens.h"

typedef struct tokens {
	char open[CRYPTO_TOKEN_CHARS + 1], invite[CRYPTO_TOKEN_CHARS + 1], chair[CRYPTO_TOKEN_CHARS + 1],
	    stage[CRYPTO_TOKEN_CHARS + 1];
} tokens;

/* A store on a new temporary file holding consultation ag, with an open link, a personal
 * invitation, a co-chair's and a stage's link (tk), committed. */
static store *open_consultation(tmpdir *t, const core_agenda *ag, tokens *tk)
{
	tmpdir_make(t);
	char err[256];
	store *s = store_open(t->db, err, sizeof err);
	uint8_t secret[CRYPTO_SECRET_BYTES];
	crypto_random(secret, sizeof secret);
	CHECK_EQ_INT(store_create_consultation(s, ag, secret, NULL), RT_OK);
	add_token(s, ag->id, CORE_ROLE_PARTICIPANT, STORE_TOKEN_OPEN, tk->open);
	add_token(s, ag->id, CORE_ROLE_PARTICIPANT, STORE_TOKEN_PERSONAL, tk->invite);
	add_token(s, ag->id, CORE_ROLE_COCHAIR, STORE_TOKEN_ROLE, tk->chair);
	add_token(s, ag->id, CORE_ROLE_STAGE, STORE_TOKEN_ROLE, tk->stage);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	return s;
}

static void auth(hub *h, test_peer *p, const char *token, const char *device)
{
	char buf[1200], cred[1000];
	credential_fields(NULL, token, cred, sizeof cred);
	if (device)
		snprintf(buf, sizeof buf, "{\"type\":\"auth\",\"token\":\"%s\",\"device\":\"%s\"%s}", token, device,
		         cred);
	else
		snprintf(buf, sizeof buf, "{\"type\":\"auth\",\"token\":\"%s\"%s}", token, cred);
	frame(h, p, buf);
}

/* AB-6: the nonce a new device key's proof needs, as the web client's lib/pow.js finds it. */
static void find_work(const char *cid, const char *device, int bits, char *out, size_t cap)
{
	for (unsigned n = 0;; n++) {
		char in[128];
		int len = snprintf(in, sizeof in, "roundtable-pow%s%s%u", cid, device, n);
		uint8_t hash[CRYPTO_HASH_BYTES];
		crypto_sha256(in, (size_t)len, hash);
		if (core_work_ok(hash, bits)) {
			snprintf(out, cap, "%u", n);
			return;
		}
	}
}

/* PERF-2: the live window adapts to the room's size: a small room's changes go out with their
 * commit however fast they come; a large one's, once one went out, wait for the end of a window
 * as long as one write to each connection takes to spend the write budget. */
static void test_live_window(void)
{
	/* The rule, with time and size as its only inputs. */
	CHECK_EQ_INT(hub_live_window_for(200, 50000, 0), 0);
	CHECK_EQ_INT(hub_live_window_for(200, 50000, 30), 0);
	CHECK_EQ_INT(hub_live_window_for(200, 50000, 1000), 20);
	CHECK_EQ_INT(hub_live_window_for(200, 50000, 2000), 40);
	CHECK_EQ_INT(hub_live_window_for(200, 50000, 10000), 200);
	CHECK_EQ_INT(hub_live_window_for(200, 50000, 1000000), 200);
	CHECK_EQ_INT(hub_live_window_for(0, 50000, 1000000), 0);      /* --live-window 0 */
	CHECK_EQ_INT(hub_live_window_for(5000, 1, (size_t)-1), 5000); /* no overflow */
	CHECK_EQ_INT(hub_live_window_for(200, 0, 1), 200);            /* a budget below one: one */

	tmpdir t;
	tokens tk;
	core_agenda ag = fixture_agenda(true);
	store *s = open_consultation(&t, &ag, &tk);
	recorder rec = {0};
	hub *h = rec_hub(s, &rec); /* the default budget */
	test_peer peers[MAX_PEERS];
	rec_peers(peers);
	test_peer *chair = &peers[0], *watcher = &peers[1], *stage = &peers[2];
	auth(h, chair, tk.chair, NULL);
	auth(h, watcher, tk.chair, NULL);
	auth(h, stage, tk.stage, NULL);
	hub_flush(h);
	rec_clear(&rec);

	/* Small: three changes in the same millisecond, each with its own commit, each at once. */
	const char *langs[] = {"fr", "en", "fr"};
	for (int i = 0; i < 3; i++) {
		char buf[80];
		snprintf(buf, sizeof buf, "{\"type\":\"floor.set\",\"id\":\"f%d\",\"lang\":\"%s\"}", i, langs[i]);
		frame(h, chair, buf);
		hub_flush(h);
		CHECK_EQ_INT(rec.n[1], i + 1);
		CHECK_EQ_INT(rec.n[2], i + 1);
	}
	CHECK_EQ_INT(hub_next_due_ms(h), 0); /* nothing held, nothing due */
	rec_clear(&rec);

	/* Large: with a budget of 100 writes a second, three connections make a window of 30 ms. */
	hub_set_live_budget(h, 100);
	rec.now += 30;
	frame(h, chair, "{\"type\":\"floor.set\",\"id\":\"g1\",\"lang\":\"en\"}");
	hub_flush(h);
	CHECK(got(&rec, 1, "\"type\":\"floor.changed\"")); /* the window had passed: at once */
	frame(h, chair, "{\"type\":\"floor.set\",\"id\":\"g2\",\"lang\":\"fr\"}");
	hub_flush(h);
	CHECK(got(&rec, 0, "\"type\":\"ack\",\"id\":\"g2\""));
	CHECK_EQ_INT(rec.n[1], 1); /* held */
	CHECK_EQ_INT(hub_next_due_ms(h), rec.now + 30);
	/* One leaves: the window follows the room's size (20 ms). */
	hub_peer_closed(h, &stage->peer);
	CHECK_EQ_INT(hub_next_due_ms(h), rec.now + 20);
	rec.now += 20;
	hub_tick(h);
	CHECK_EQ_INT(rec.n[1], 2);
	CHECK(strstr(rec.msgs[1][1], "\"lang\":\"fr\"") != NULL);
	rec_clear(&rec);
	hub_free(h);
	store_close(s);
	tmpdir_remove(&t);
}

/* AB-2, AB-6: a connection's network as the transport hands it over, a new device key's proof
 * of work, the cap per network with the co-chairs' alert, and a known key's free return. */
static void test_guard(void)
{
	tmpdir t;
	tokens tk;
	core_agenda ag = fixture_agenda(true);
	ag.work_bits = 6;
	ag.new_devices_per_minute = 2;
	store *s = open_consultation(&t, &ag, &tk);
	recorder rec = {0};
	hub *h = rec_hub(s, &rec);
	test_peer peers[MAX_PEERS];
	rec_peers(peers);
	/* The same address is the same opaque key, another address another; no address is kept. */
	hub_peer_network(h, &peers[0].peer, "192.0.2.1");
	hub_peer_network(h, &peers[1].peer, "192.0.2.1");
	hub_peer_network(h, &peers[2].peer, "192.0.2.1");
	hub_peer_network(h, &peers[3].peer, "198.51.100.7");
	CHECK(memcmp(peers[0].peer.network, peers[1].peer.network, CORE_NETWORK_KEY_LEN) == 0);
	CHECK(memcmp(peers[0].peer.network, peers[3].peer.network, CORE_NETWORK_KEY_LEN) != 0);
	test_peer *chair = &peers[7];
	auth(h, chair, tk.chair, NULL);
	hub_flush(h);
	CHECK(got(&rec, 7, "\"guard\":{\"link\":{\"paused\":false"));

	/* No proof: refused, saying what to find; the connection is closed. */
	const char *dev[4] = {"deviceAAAAAAAAAAAAAAAA", "deviceBBBBBBBBBBBBBBBA", "deviceCCCCCCCCCCCCCCCA",
	                      "deviceDDDDDDDDDDDDDDDA"};
	auth(h, &peers[0], tk.open, dev[0]);
	hub_flush(h);
	CHECK(got(&rec, 0, "\"code\":\"auth.work_required\",\"params\":{\"bits\":6,\"consultation\":\"testconsult\"}"));
	CHECK_EQ_INT(rec.closed[0], RT_E_AUTH_WORK_REQUIRED);
	/* With it: in. Two new keys from one network reach its cap, and the co-chairs hear it. */
	for (int i = 0; i < 2; i++) {
		char work[24], buf[200];
		find_work(ag.id, dev[i], 6, work, sizeof work);
		fresh(&rec, &peers[i]);
		hub_peer_network(h, &peers[i].peer, "192.0.2.1");
		snprintf(buf, sizeof buf, "{\"type\":\"auth\",\"token\":\"%s\",\"device\":\"%s\",\"work\":\"%s\"}",
		         tk.open, dev[i], work);
		frame(h, &peers[i], buf);
		hub_flush(h);
		CHECK(got(&rec, i, "\"type\":\"snapshot\""));
	}
	CHECK(got(&rec, 7, "{\"type\":\"guard.alert\",\"new_participants\":2,\"seconds\":60}"));
	/* A third from that network is refused before it pays; another network's is asked to pay. */
	auth(h, &peers[2], tk.open, dev[2]);
	auth(h, &peers[3], tk.open, dev[3]);
	hub_flush(h);
	CHECK(got(&rec, 2, "\"code\":\"limit.new_devices\",\"params\":{\"max\":2,\"seconds\":60}"));
	CHECK(got(&rec, 3, "\"code\":\"auth.work_required\""));
	/* Invitations never pay nor count. */
	fresh(&rec, &peers[4]);
	hub_peer_network(h, &peers[4].peer, "192.0.2.1");
	auth(h, &peers[4], tk.invite, NULL);
	hub_flush(h);
	CHECK(got(&rec, 4, "\"type\":\"snapshot\""));
	rec_clear(&rec);
	hub_free(h);
	store_close(s);
	tmpdir_remove(&t);
}

/* A personal invitation labelled `label`, its token's text in text. */
static void add_invitation(store *s, const char *cid, const char *label, char *text)
{
	uint8_t raw[CRYPTO_TOKEN_BYTES];
	store_token t = {.role = CORE_ROLE_PARTICIPANT, .kind = STORE_TOKEN_PERSONAL};
	crypto_token_new(raw, text);
	crypto_sha256(raw, sizeof raw, t.hash);
	strcpy(t.consultation, cid);
	strcpy(t.label, label);
	CHECK_EQ_INT(store_add_token(s, &t), RT_OK);
}

typedef struct attended {
	int n;
	int64_t a, b; /* REG-A's and REG-B's stored time, -1 when not stored */
} attended;

static void on_attended(void *arg, const char *label, int n, int64_t ms)
{
	(void)n;
	attended *at = arg;
	at->n++;
	if (strcmp(label, "REG-A") == 0)
		at->a = ms;
	else if (strcmp(label, "REG-B") == 0)
		at->b = ms;
}

static attended stored_attendance(store *s, const char *cid)
{
	attended at = {0, -1, -1};
	CHECK_EQ_INT(store_attendance_load(s, cid, on_attended, &at), RT_OK);
	return at;
}

/* CHR-3: attendance is counted in memory while the session is in session and written once, for
 * everyone, when its window closes or the server stops gracefully: never at a departure nor on
 * a beat, so the order of writes shows no one's presence beside the questions'. */
static void test_attendance(void)
{
	tmpdir t;
	core_agenda ag = fixture_agenda(false);
	tokens tk;
	store *s = open_consultation(&t, &ag, &tk);
	char a[CRYPTO_TOKEN_CHARS + 1], b[CRYPTO_TOKEN_CHARS + 1], chair[CRYPTO_TOKEN_CHARS + 1];
	add_invitation(s, ag.id, "REG-A", a);
	add_invitation(s, ag.id, "REG-B", b);
	add_token(s, ag.id, CORE_ROLE_COCHAIR, STORE_TOKEN_ROLE, chair);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	recorder rec = {0};
	hub *h = rec_hub(s, &rec);
	test_peer peers[MAX_PEERS];
	rec_peers(peers);
	auth(h, &peers[0], a, NULL);
	auth(h, &peers[1], b, NULL);
	auth(h, &peers[2], chair, NULL);
	hub_flush(h);
	/* The last segment, 15 minutes: the window closes by itself at its end. */
	frame(h, &peers[2], "{\"type\":\"clock.start\",\"id\":\"c1\"}");
	frame(h, &peers[2], "{\"type\":\"agenda.goto\",\"id\":\"c2\",\"segment\":3}");
	hub_flush(h);
	CHECK(got(&rec, 2, "{\"type\":\"ack\",\"id\":\"c2\""));
	int64_t t0 = rec.now, end = t0 + 15 * 60000;
	CHECK(hub_next_due_ms(h) > 0 && hub_next_due_ms(h) <= end);

	/* REG-A leaves after 5 minutes; nothing is written, then or a minute later. */
	rec.now = t0 + 5 * 60000;
	hub_peer_closed(h, &peers[0].peer);
	hub_tick(h);
	hub_flush(h);
	CHECK_EQ_INT(stored_attendance(s, ag.id).n, 0);
	rec.now = t0 + 7 * 60000;
	hub_tick(h);
	hub_flush(h);
	CHECK_EQ_INT(stored_attendance(s, ag.id).n, 0);
	/* The hub is woken by the clock, never by attendance before the window's end. */
	int64_t due = hub_next_due_ms(h);
	CHECK(due > rec.now && due <= end);

	/* The window's end wakes the hub; both are written, as of the end, whenever the tick runs. */
	rec.now = end + 2000;
	hub_tick(h);
	hub_flush(h);
	attended at = stored_attendance(s, ag.id);
	CHECK_EQ_INT(at.n, 2);
	CHECK_EQ_INT(at.a, 5 * 60000);
	CHECK_EQ_INT(at.b, 15 * 60000);
	/* Out of session, a departure changes nothing. */
	uint64_t commits = store_commit_count(s);
	hub_peer_closed(h, &peers[1].peer);
	hub_tick(h);
	hub_flush(h);
	CHECK_EQ_INT(store_commit_count(s), commits);

	/* Two more minutes in session (the segment extended): written at a graceful stop. */
	frame(h, &peers[2], "{\"type\":\"clock.adjust\",\"id\":\"c3\",\"minutes\":5}");
	hub_flush(h);
	CHECK(got(&rec, 2, "{\"type\":\"ack\",\"id\":\"c3\""));
	fresh(&rec, &peers[0]);
	auth(h, &peers[0], a, NULL);
	hub_flush(h);
	rec.now += 2 * 60000;
	hub_tick(h);
	hub_flush(h);
	CHECK_EQ_INT(stored_attendance(s, ag.id).a, 5 * 60000);
	rec_clear(&rec);
	hub_free(h);
	at = stored_attendance(s, ag.id);
	CHECK_EQ_INT(at.a, 7 * 60000);
	CHECK_EQ_INT(at.b, 15 * 60000);
	store_close(s);
	tmpdir_remove(&t);
}

int main(void)
{
	rtlog_setup(RTLOG_WARN, RTLOG_TEXT, NULL); /* the hub's info lines are for operators */
	tmpdir t;
	tokens tk;
	core_agenda ag = fixture_agenda(true);
	store *s = open_consultation(&t, &ag, &tk);
	char err[256];

	recorder rec = {0};
	hub *h = rec_hub(s, &rec);
	/* PERF-2: a budget of one write a second makes a room of even one connection a large one:
	 * its window is the longest, HUB_LIVE_WINDOW_MS (test_live_window: the rule itself). */
	hub_set_live_budget(h, 1);
	test_peer peers[MAX_PEERS];
	rec_peers(peers);
	test_peer *alice = &peers[0], *bob = &peers[1], *chair = &peers[2], *stage = &peers[3], *late = &peers[4];

	/* Authentication. */
	auth(h, late, "AAAAAAAAAAAAAAAAAAAAAA", NULL);
	CHECK_EQ_INT(rec.n[4], 0); /* replies wait for the flush */
	hub_flush(h);
	CHECK(got(&rec, 4, "\"code\":\"auth.invalid\""));
	CHECK_EQ_INT(rec.closed[4], RT_E_AUTH_INVALID); /* a failed auth ends the connection */
	/* Only the first frame may authenticate: a good token after a bad one is not even read. */
	auth(h, late, tk.chair, NULL);
	hub_flush(h);
	CHECK_EQ_INT(rec.n[4], 1);
	CHECK(late->peer.room == NULL);
	fresh(&rec, late);
	auth(h, late, tk.open, NULL); /* the open link needs a device key */
	hub_flush(h);
	CHECK_EQ_INT(rec.n[4], 2);
	CHECK(strstr(rec.msgs[4][1], "auth.invalid") != NULL);
	fresh(&rec, late);
	frame(h, late, "{\"type\":\"question.post\",\"id\":\"p0\",\"text\":\"Hi\",\"lang\":\"en\"}");
	hub_flush(h);
	CHECK(got(&rec, 4, "\"id\":\"p0\",\"code\":\"auth.required\""));
	CHECK_EQ_INT(rec.closed[4], RT_E_AUTH_REQUIRED);
	CHECK(late->peer.room == NULL);
	fresh(&rec, late);
	frame(h, late, "{\"type\":\"auth\",\"token\":"); /* not JSON: refused, then closed */
	hub_flush(h);
	CHECK(got(&rec, 4, "\"code\":\"protocol.malformed\""));
	CHECK_EQ_INT(rec.closed[4], RT_E_PROTOCOL_MALFORMED);

	auth(h, alice, tk.open, "0bH0P9WJj1tV4m4CwV2r5w");
	auth(h, bob, tk.invite, NULL);
	auth(h, chair, tk.chair, NULL);
	auth(h, stage, tk.stage, NULL);
	CHECK(got(&rec, 0, "\"type\":\"snapshot\"") && got(&rec, 0, "\"role\":\"participant\""));
	CHECK(got(&rec, 2, "\"role\":\"cochair\""));
	CHECK_EQ_INT(hub_peer_count(h), 4);
	auth(h, alice, tk.open, "0bH0P9WJj1tV4m4CwV2r5w");
	hub_flush(h);
	CHECK(got(&rec, 0, "auth.already"));
	rec_clear(&rec);

	/* CHR-2: nothing is posted before the Rule is accepted; the acceptance reaches only the
	 * participant's own connections. */
	frame(h, alice, "{\"type\":\"question.post\",\"id\":\"p0\",\"text\":\"Hi\",\"lang\":\"en\"}");
	hub_flush(h);
	CHECK(got(&rec, 0, "\"id\":\"p0\",\"code\":\"chr.ack_required\""));
	frame(h, alice, "{\"type\":\"rule.accept\",\"id\":\"r1\"}");
	frame(h, bob, "{\"type\":\"rule.accept\",\"id\":\"r2\"}");
	hub_flush(h);
	CHECK(got(&rec, 0, "\"type\":\"rule.accepted\""));
	CHECK(got(&rec, 0, "\"rule_accepted\":true"));
	CHECK(!got(&rec, 2, "rule.accepted") && !got(&rec, 3, "rule.accepted"));
	rec_clear(&rec);

	rec.now += HUB_LIVE_WINDOW_MS; /* a quiet moment: the next change goes out at once (PERF-2) */
	/* A post: nothing leaves before the commit; then the author and the co-chair hear of it. */
	uint64_t commits = store_commit_count(s);
	frame(h, alice,
	      "{\"type\":\"question.post\",\"id\":\"p1\",\"text\":\"What about Article 24?\",\"lang\":\"en\"}");
	CHECK(store_in_transaction(s));
	for (int i = 0; i < 4; i++)
		CHECK_EQ_INT(rec.n[i], 0);
	hub_flush(h);
	CHECK_EQ_INT(store_commit_count(s), commits + 1);
	CHECK_EQ_INT(rec.n[0], 2);
	CHECK(strstr(rec.msgs[0][0], "\"type\":\"question.posted\"") != NULL);
	CHECK(strstr(rec.msgs[0][1], "\"type\":\"ack\",\"id\":\"p1\"") != NULL);
	CHECK(got(&rec, 2, "\"type\":\"question.posted\""));
	CHECK_EQ_INT(rec.n[1], 0); /* another participant: nothing */
	CHECK_EQ_INT(rec.n[3], 0); /* the stage: nothing */
	rec_clear(&rec);

	rec.now += HUB_LIVE_WINDOW_MS;
	/* A batch from several peers: one commit, every ack after it. */
	commits = store_commit_count(s);
	int wakes = rec.wakes;
	frame(h, chair, "{\"type\":\"question.approve\",\"id\":\"a1\",\"question\":1}");
	frame(h, bob, "{\"type\":\"question.vote\",\"id\":\"v1\",\"question\":1}");
	frame(h, bob, "{\"type\":\"question.post\",\"id\":\"p2\",\"text\":\"Et l'article 5 ?\",\"lang\":\"fr\"}");
	frame(h, alice, "{\"type\":\"question.vote\",\"id\":\"v2\",\"question\":1}");
	CHECK_EQ_INT(rec.wakes, wakes + 1); /* one wake-up for the whole batch */
	hub_flush(h);
	CHECK_EQ_INT(store_commit_count(s), commits + 1);
	CHECK(got(&rec, 2, "\"id\":\"a1\""));
	CHECK(got(&rec, 1, "\"type\":\"ack\",\"id\":\"v1\""));
	CHECK(got(&rec, 1, "\"type\":\"ack\",\"id\":\"p2\""));
	CHECK(got(&rec, 0, "\"id\":\"v2\",\"code\":\"vote.own_question\""));
	for (int i = 0; i < 4; i++) {
		CHECK(got(&rec, i, "\"type\":\"question.approved\""));
		/* PERF-2: live, the count comes coalesced, without seq, once per window */
		CHECK(got(&rec, i, "{\"type\":\"votes.changed\",\"votes\":[[1,1]]}"));
		CHECK(!got(&rec, i, "\"type\":\"question.votes\""));
	}
	CHECK(!got(&rec, 3, "Et l'article")); /* bob's pending question: not on stage */
	CHECK(!got(&rec, 0, "Et l'article"));
	CHECK(got(&rec, 2, "Et l'article"));
	rec_clear(&rec);

	/* A peer that closes before the flush gets nothing, and nothing breaks. */
	frame(h, bob, "{\"type\":\"question.unvote\",\"id\":\"u1\",\"question\":1}");
	hub_peer_closed(h, &bob->peer);
	hub_flush(h);
	CHECK_EQ_INT(rec.n[1], 0);
	/* Within the live window the last flush opened: the new count waits for its end. */
	CHECK(!got(&rec, 2, "votes.changed"));
	CHECK_EQ_INT(hub_next_due_ms(h), rec.now + HUB_LIVE_WINDOW_MS);
	rec.now += HUB_LIVE_WINDOW_MS;
	hub_tick(h);
	CHECK(got(&rec, 2, "{\"type\":\"votes.changed\",\"votes\":[[1,0]]}"));
	CHECK(got(&rec, 0, "{\"type\":\"votes.changed\",\"votes\":[[1,0]]}"));
	CHECK_EQ_INT(hub_next_due_ms(h), 0);
	CHECK_EQ_INT(hub_peer_count(h), 3);
	rec_clear(&rec);

	/* Another process holds the database's write lock: the command cannot be stored, so it is
	 * refused server.unavailable, nobody hears of it, and the state is as before. */
	sqlite3 *other;
	CHECK_EQ_INT(sqlite3_open(t.db, &other), SQLITE_OK);
	CHECK_EQ_INT(sqlite3_exec(other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
	frame(h, alice, "{\"type\":\"question.post\",\"id\":\"p3\",\"text\":\"Locked out\",\"lang\":\"en\"}");
	hub_flush(h);
	CHECK(got(&rec, 0, "\"id\":\"p3\",\"code\":\"server.unavailable\""));
	CHECK(!got(&rec, 2, "Locked out"));
	CHECK_EQ_INT(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	rec_clear(&rec);
	rec.now += HUB_LIVE_WINDOW_MS;
	frame(h, alice, "{\"type\":\"question.post\",\"id\":\"p4\",\"text\":\"Back again\",\"lang\":\"en\"}");
	hub_flush(h);
	CHECK(got(&rec, 0, "\"type\":\"ack\",\"id\":\"p4\",\"seq\":8"));
	CHECK(got(&rec, 2, "\"id\":3,"));
	rec_clear(&rec);

	/* A restart brings everything back. */
	hub_free(h);
	store_close(s);
	s = store_open(t.db, err, sizeof err);
	/* As the command line does: the hub is made without a transport, which gives it its io. */
	h = hub_new(s, NULL, 0);
	const hub_io io = {.send = rec_send, .wake = rec_wake, .now_ms = fixed_now, .close = rec_close, .ctx = &rec};
	hub_set_io(h, &io, 16);
	hub_set_live_budget(h, 1);
	rec_peers(peers);
	auth(h, alice, tk.open, "0bH0P9WJj1tV4m4CwV2r5w");
	auth(h, chair, tk.chair, NULL);
	CHECK(got(&rec, 0, "\"seq\":8"));
	CHECK(got(&rec, 0, "\"mine\":[1,3]"));
	CHECK(got(&rec, 2, "Et l'article 5 ?"));
	CHECK(got(&rec, 2, "What about Article 24?"));
	CHECK(got(&rec, 2, "Back again"));
	CHECK(!got(&rec, 2, "Locked out"));
	rec_clear(&rec);

	/* PERF-2: in a busy window, live deliveries are held, then go out together and in order once
	 * it ends; acks are never held; a connection that joins in the window is not sent again what
	 * its snapshot holds. */
	frame(h, chair, "{\"type\":\"question.approve\",\"id\":\"a3\",\"question\":3}");
	hub_flush(h);
	CHECK(got(&rec, 0, "\"type\":\"question.approved\"")); /* the window had passed: at once */
	rec_clear(&rec);
	frame(h, alice, "{\"type\":\"question.post\",\"id\":\"p6\",\"text\":\"Held a while\",\"lang\":\"en\"}");
	hub_flush(h);
	CHECK(got(&rec, 0, "\"type\":\"ack\",\"id\":\"p6\""));
	CHECK(!got(&rec, 0, "question.posted") && !got(&rec, 2, "Held a while"));
	CHECK_EQ_INT(hub_next_due_ms(h), rec.now + HUB_LIVE_WINDOW_MS);
	fresh(&rec, late);
	auth(h, late, tk.chair, NULL);
	hub_flush(h);
	CHECK(got(&rec, 4, "\"type\":\"snapshot\"") && got(&rec, 4, "Held a while"));
	frame(h, chair, "{\"type\":\"question.approve\",\"id\":\"a4\",\"question\":4}");
	hub_flush(h);
	CHECK(got(&rec, 2, "\"type\":\"ack\",\"id\":\"a4\""));
	CHECK(!got(&rec, 2, "question.approved"));
	rec.now += HUB_LIVE_WINDOW_MS - 1;
	hub_tick(h);
	CHECK(!got(&rec, 2, "question.posted"));
	rec.now += 1;
	hub_tick(h);
	CHECK_EQ_INT(rec.n[2], 3); /* the ack, then what was held, in order */
	CHECK(strstr(rec.msgs[2][1], "\"type\":\"question.posted\"") && strstr(rec.msgs[2][1], "Held a while"));
	CHECK(strstr(rec.msgs[2][2], "\"type\":\"question.approved\"") != NULL);
	CHECK_EQ_INT(rec.n[4], 2); /* the snapshot, then only the approval */
	CHECK(strstr(rec.msgs[4][1], "\"type\":\"question.approved\"") != NULL);
	CHECK(got(&rec, 0, "\"type\":\"question.posted\"") && got(&rec, 0, "\"type\":\"question.approved\""));
	CHECK_EQ_INT(hub_next_due_ms(h), 0);
	hub_peer_closed(h, &late->peer);
	rec.now += HUB_LIVE_WINDOW_MS;
	rec_clear(&rec);

	/* The transport's rate limit: the frame is answered with its id, and not handled. */
	const char *fast = "{\"type\":\"question.post\",\"id\":\"r1\",\"text\":\"Too fast\",\"lang\":\"en\"}";
	hub_refuse(h, &alice->peer, fast, strlen(fast), RT_E_LIMIT_MESSAGE_RATE, false);
	hub_flush(h);
	CHECK(got(&rec, 0, "\"id\":\"r1\",\"code\":\"limit.message_rate\""));
	CHECK(!got(&rec, 2, "Too fast"));
	CHECK_EQ_INT(rec.closed[0], RT_OK);
	rec_clear(&rec);

	/* PL-2: the organiser revokes the co-chair link: that connection gets auth.invalid and is
	 * closed; the participant's is untouched. */
	int revoked = 0;
	CHECK_EQ_INT(store_revoke_tokens(s, ag.id, CORE_ROLE_COCHAIR, STORE_TOKEN_ROLE, NULL, &revoked), RT_OK);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	CHECK_EQ_INT(revoked, 1);
	CHECK_EQ_INT(hub_links_changed(h, ag.id), 1);
	CHECK_EQ_INT(hub_links_changed(h, ag.id), 0); /* already on its way out */
	CHECK_EQ_INT(hub_links_changed(h, "unknown"), 0);
	hub_flush(h);
	CHECK(got(&rec, 2, "\"code\":\"auth.invalid\""));
	CHECK_EQ_INT(rec.closed[2], RT_E_AUTH_INVALID);
	CHECK_EQ_INT(rec.closed[0], RT_OK);
	hub_peer_closed(h, &chair->peer);
	rec_clear(&rec);

	/* Sealed with links that stop at the seal: the clock is due at once, and the tick closes
	 * what is still connected; no link works any more. */
	hub_set_links_ttl(h, 0);
	char why[160];
	CHECK_EQ_INT(hub_seal(h, ag.id, why, sizeof why), RT_OK);
	CHECK_EQ_INT(hub_next_due_ms(h), rec.now);
	hub_tick(h);
	hub_flush(h);
	CHECK_EQ_INT(rec.closed[0], RT_E_AUTH_INVALID);
	hub_peer_closed(h, &alice->peer);
	CHECK_EQ_INT(hub_next_due_ms(h), 0);
	fresh(&rec, stage);
	auth(h, stage, tk.stage, NULL);
	hub_flush(h);
	CHECK(got(&rec, 3, "\"code\":\"auth.invalid\""));
	rec_clear(&rec);
	/* The transport takes its io back when it stops: from then on the hub sends nothing. */
	hub_set_io(h, NULL, 16);
	int wakes_detached = rec.wakes;
	fresh(&rec, stage);
	auth(h, stage, tk.stage, NULL);
	hub_flush(h);
	CHECK_EQ_INT(rec.n[3], 0);
	CHECK_EQ_INT(rec.wakes, wakes_detached);
	CHECK_EQ_INT(rec.closed[3], RT_OK);
	hub_free(h);
	store_close(s);
	tmpdir_remove(&t);
	test_guard();
	test_live_window();
	test_attendance();
	return check_done();
}
