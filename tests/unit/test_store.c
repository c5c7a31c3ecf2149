/* test_store.c — SQLite persistence on a real temporary file: schema, tokens by hash, group
 * commit, replay on load, rollback. */
#include <sqlite3.h>

#include "check.h"
#include "crypto.h"
#include "fixtures.h"
#include "store.h"
#include "tmpdir.h"

static int pragma_int(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	int v = -1;
	sqlite3_open(db, &h);
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_type(st, 0) == SQLITE_TEXT
		        ? (strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0)
		        : sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/* Two loads of one consultation hold the same questions. */
static void check_same_questions(const core_state *want, const core_state *got)
{
	CHECK_EQ_INT(got->nquestions, want->nquestions);
	for (uint32_t q = 1; q <= want->nquestions && q <= got->nquestions; q++) {
		const core_question *a = core_question_get(want, q), *b = core_question_get(got, q);
		CHECK_EQ_STR(b->text, a->text);
		CHECK_EQ_INT(b->state, a->state);
		CHECK_EQ_INT(b->votes, a->votes);
		CHECK_EQ_INT(b->lang, a->lang);
		CHECK_EQ_INT(b->segment, a->segment);
		CHECK_EQ_INT(b->edited, a->edited);
		CHECK_EQ_INT(b->pinned, a->pinned);
		CHECK_EQ_INT(b->into, a->into);
		CHECK(memcmp(b->author.b, a->author.b, CORE_PSEUD_LEN) == 0);
	}
}

/* Decides and appends one command; returns the decision's error. */
static rt_err step(store *s, core_state *st, const core_actor *who, core_command cmd)
{
	core_decision dec;
	rt_err err = core_decide(st, who, &cmd, FIXED_NOW_MS, &dec);
	if (err)
		return err;
	for (int i = 0; i < dec.nevents; i++)
		CHECK_EQ_INT(core_evolve(st, &dec.events[i]), 0);
	CHECK_EQ_INT(store_append(s, st, dec.events, dec.nevents), RT_OK);
	return RT_OK;
}

static bool file_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(buf + i, needle, k) == 0)
			return true;
	return false;
}

/* The rows a listing calls back with, as "label/n=ms" separated by spaces. */
static void each_row(void *arg, const char *label, int n, int64_t ms)
{
	char *out = arg;
	size_t len = strlen(out);
	snprintf(out + len, 512 - len, "%s%s/%d=%lld", len ? " " : "", label, n, (long long)ms);
}

/* A personal invitation token of `owner` (a programme's with `programme`) labelled `label`. */
static store_token invitation(const char *owner, bool programme, const char *label)
{
	uint8_t raw[CRYPTO_TOKEN_BYTES];
	char text[CRYPTO_TOKEN_CHARS + 1];
	crypto_token_new(raw, text);
	store_token t = {.role = CORE_ROLE_PARTICIPANT, .kind = STORE_TOKEN_PERSONAL};
	crypto_sha256(raw, sizeof raw, t.hash);
	snprintf(programme ? t.programme : t.consultation, CORE_ID_MAX + 1, "%s", owner);
	snprintf(t.label, sizeof t.label, "%s", label);
	return t;
}

/* Programmes: sessions in order, links of the whole programme, seats and the waiting list in
 * priority order, attendance kept apart from everything else. */
static void test_programmes(store *s)
{
	store_programme p = {.id = "trainingprog",
	                     .title = "Training",
	                     .attend_percent = 50,
	                     .certificate = 2,
	                     .seats = 2,
	                     .priority = "civil_society academia"};
	CHECK_EQ_INT(store_create_programme(s, &p), RT_OK);
	uint8_t secret[STORE_SECRET_BYTES] = {1};
	const char *ids[3] = {"sessionthree", "sessionone", "sessiontwo"};
	const int order[3] = {3, 1, 2};
	for (int i = 0; i < 3; i++) {
		core_agenda ag = fixture_agenda(false);
		strcpy(ag.id, ids[i]);
		CHECK_EQ_INT(store_create_consultation(s, &ag, secret, NULL), RT_OK);
		CHECK_EQ_INT(store_add_session(s, ag.id, p.id, order[i], 1000 * order[i]), RT_OK);
	}
	CHECK_EQ_INT(store_commit(s), RT_OK);
	store_programme got;
	CHECK_EQ_INT(store_find_programme(s, "trainingprog", &got), RT_OK);
	CHECK_EQ_STR(got.title, "Training");
	CHECK_EQ_INT(got.seats, 2);
	CHECK_EQ_INT(got.certificate, 2);
	CHECK_EQ_INT(store_find_programme(s, "nosuch", &got), RT_E_NOT_FOUND);
	store_session ss[CORE_MAX_SESSIONS];
	int n;
	CHECK_EQ_INT(store_programme_sessions(s, "trainingprog", ss, CORE_MAX_SESSIONS, &n), RT_OK);
	CHECK_EQ_INT(n, 3);
	CHECK_EQ_STR(ss[0].id, "sessionone");
	CHECK_EQ_STR(ss[2].id, "sessionthree");
	CHECK_EQ_INT(ss[1].info.starts_at, 2000);
	CHECK_EQ_INT(ss[1].info.scheduled_ms, 60 * 60000);
	CHECK(!ss[1].info.started && !ss[1].info.sealed);

	/* A programme's token: found with its programme and no consultation; revoked by the
	 * programme's id. */
	store_token a = invitation("trainingprog", true, "REG-001"), found;
	CHECK_EQ_INT(store_add_token(s, &a), RT_OK);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	CHECK_EQ_INT(store_find_token(s, a.hash, 0, &found), RT_OK);
	CHECK_EQ_STR(found.programme, "trainingprog");
	CHECK_EQ_STR(found.consultation, "");
	CHECK_EQ_STR(found.label, "REG-001");

	/* Seats: two, one taken; the waiting list orders by group, then by arrival. */
	store_seats seats;
	CHECK_EQ_INT(store_seats_get(s, "trainingprog", &seats), RT_OK);
	CHECK(seats.programme);
	CHECK_EQ_INT(seats.seats, 2);
	CHECK_EQ_INT(seats.invited, 1);
	CHECK_EQ_STR(seats.priority, "civil_society academia");
	CHECK_EQ_INT(store_seats_get(s, "sessionone", &seats), RT_E_NOT_FOUND); /* a session is not an owner */
	CHECK_EQ_INT(store_seats_get(s, "nosuch", &seats), RT_E_NOT_FOUND);
	int pos;
	CHECK_EQ_INT(store_waiting_add(s, "trainingprog", true, "REG-010", 2, &pos), RT_OK);
	CHECK_EQ_INT(pos, 1);
	CHECK_EQ_INT(store_waiting_add(s, "trainingprog", true, "REG-011", 1, &pos), RT_OK);
	CHECK_EQ_INT(pos, 1); /* academia before the unlisted group */
	CHECK_EQ_INT(store_waiting_add(s, "trainingprog", true, "REG-012", 0, &pos), RT_OK);
	CHECK_EQ_INT(pos, 1); /* civil society first */
	CHECK_EQ_INT(store_waiting_add(s, "trainingprog", true, "REG-013", 1, &pos), RT_OK);
	CHECK_EQ_INT(pos, 3); /* after the academic who came first */
	CHECK_EQ_INT(store_commit(s), RT_OK);
	/* A label waits once: the duplicate is refused and rolls back only what was open. */
	CHECK_EQ_INT(store_waiting_add(s, "trainingprog", true, "REG-013", 1, &pos), RT_E_SERVER_UNAVAILABLE);
	CHECK(!store_in_transaction(s));
	char list[512] = "";
	CHECK_EQ_INT(store_each_label(s, "trainingprog", false, each_row, list), RT_OK);
	CHECK_EQ_STR(list, "REG-012/0=0 REG-011/1=0 REG-013/1=0 REG-010/2=0");
	store_label_state ls;
	CHECK_EQ_INT(store_label_state_get(s, "trainingprog", "REG-001", &ls), RT_OK);
	CHECK_EQ_INT(ls, STORE_LABEL_INVITED);
	CHECK_EQ_INT(store_label_state_get(s, "trainingprog", "REG-011", &ls), RT_OK);
	CHECK_EQ_INT(ls, STORE_LABEL_WAITING);
	CHECK_EQ_INT(store_label_state_get(s, "trainingprog", "REG-999", &ls), RT_OK);
	CHECK_EQ_INT(ls, STORE_LABEL_NONE);
	CHECK_EQ_INT(store_waiting_remove(s, "trainingprog", "REG-011"), RT_OK);
	CHECK_EQ_INT(store_seats_set(s, "trainingprog", true, -1), RT_OK);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	CHECK_EQ_INT(store_seats_get(s, "trainingprog", &seats), RT_OK);
	CHECK_EQ_INT(seats.seats, -1);
	CHECK_EQ_INT(seats.waiting, 3);
	list[0] = '\0';
	CHECK_EQ_INT(store_each_label(s, "trainingprog", true, each_row, list), RT_OK);
	CHECK_EQ_STR(list, "REG-001/0=0");

	/* Attendance: per session and label, replaced by each save, reported by session number,
	 * with invitations that attended nothing listed too. */
	store_token b = invitation("trainingprog", true, "REG-002");
	CHECK_EQ_INT(store_add_token(s, &b), RT_OK);
	CHECK_EQ_INT(store_attendance_put(s, "sessionone", "REG-001", 1000), RT_OK);
	CHECK_EQ_INT(store_attendance_put(s, "sessionone", "REG-001", 2000), RT_OK);
	CHECK_EQ_INT(store_attendance_put(s, "sessionthree", "REG-001", 3000), RT_OK);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	list[0] = '\0';
	CHECK_EQ_INT(store_attendance_load(s, "sessionone", each_row, list), RT_OK);
	CHECK_EQ_STR(list, "REG-001/0=2000");
	list[0] = '\0';
	CHECK_EQ_INT(store_attendance_report(s, "trainingprog", each_row, list), RT_OK);
	CHECK_EQ_STR(list, "REG-001/0=0 REG-001/1=2000 REG-001/3=3000 REG-002/0=0");
	int revoked;
	CHECK_EQ_INT(
	    store_revoke_tokens(s, "trainingprog", CORE_ROLE_PARTICIPANT, STORE_TOKEN_PERSONAL, "REG-001", &revoked),
	    RT_OK);
	CHECK_EQ_INT(revoked, 1);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	CHECK_EQ_INT(store_find_token(s, a.hash, 0, &found), RT_E_AUTH_INVALID);
	list[0] = '\0';
	CHECK_EQ_INT(store_attendance_report(s, "trainingprog", each_row, list), RT_OK);
	CHECK_EQ_STR(list, "REG-001/1=2000 REG-001/3=3000 REG-002/0=0"); /* revoked: what it attended stays */

	/* A lone consultation can have seats too; a session's backup leaves the programme out. */
	store_seats lone;
	CHECK_EQ_INT(store_seats_get(s, "testconsult", &lone), RT_OK);
	CHECK(!lone.programme);
	CHECK_EQ_INT(lone.seats, -1);
	CHECK_EQ_INT(store_seats_set(s, "testconsult", false, 30), RT_OK);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	CHECK_EQ_INT(store_seats_get(s, "testconsult", &lone), RT_OK);
	CHECK_EQ_INT(lone.seats, 30);
}

int main(void)
{
	tmpdir t;
	tmpdir_make(&t);
	char err[256];
	store *s = store_open(t.db, err, sizeof err);
	CHECK(s != NULL);
	CHECK_EQ_INT(pragma_int(t.db, "PRAGMA user_version"), 22);
	CHECK_EQ_INT(pragma_int(t.db, "PRAGMA journal_mode"), 1);

	/* A consultation and a token, committed together. */
	core_agenda ag = fixture_agenda(true);
	ag.max_open_questions = 20;
	ag.votes_per_minute = 45;
	ag.segments[3].starts_empty = true; /* QA-6: "carry_over": false */
	strcpy(ag.listening[CORE_LANG_AR].zoom_channel, "العربية");
	strcpy(ag.listening[CORE_LANG_AR].note, "Phone-only listeners hear the floor only.");
	strcpy(ag.listening[CORE_LANG_EN].note, "Leave the menu on Original audio.");
	/* AG-1, LC-2: texts in other languages than the floor's */
	strcpy(ag.title_in[CORE_LANG_AR], "مشاورة");
	strcpy(ag.segments[1].title_in[CORE_LANG_FR], "Table ronde");
	strcpy(ag.listening[CORE_LANG_AR].note_in[CORE_LANG_AR], "الهاتف");
	uint8_t secret[STORE_SECRET_BYTES], secret2[STORE_SECRET_BYTES];
	crypto_random(secret, sizeof secret);
	CHECK_EQ_INT(store_create_consultation(s, &ag, secret, "demo"), RT_OK);
	uint8_t raw[CRYPTO_TOKEN_BYTES];
	char text[CRYPTO_TOKEN_CHARS + 1];
	crypto_token_new(raw, text);
	store_token tok = {.role = CORE_ROLE_BOOTH, .kind = STORE_TOKEN_ROLE};
	crypto_sha256(raw, sizeof raw, tok.hash);
	strcpy(tok.consultation, ag.id);
	strcpy(tok.label, "ar");
	CHECK_EQ_INT(store_add_token(s, &tok), RT_OK);
	CHECK(store_in_transaction(s));
	uint64_t commits = store_commit_count(s);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	CHECK_EQ_INT(store_commit_count(s), commits + 1);

	store_token found;
	CHECK_EQ_INT(store_find_token(s, tok.hash, 0, &found), RT_OK);
	CHECK_EQ_INT(found.role, CORE_ROLE_BOOTH);
	CHECK_EQ_STR(found.label, "ar");
	CHECK_EQ_STR(found.consultation, ag.id);
	uint8_t other[STORE_HASH_BYTES] = {0};
	CHECK_EQ_INT(store_find_token(s, other, 0, &found), RT_E_AUTH_INVALID);

	/* PL-2: revoking by role and label, and links expiring after a seal. */
	store_token fr = tok;
	strcpy(fr.label, "fr");
	fr.hash[0] ^= 1;
	CHECK_EQ_INT(store_add_token(s, &fr), RT_OK);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	int revoked = -1;
	CHECK_EQ_INT(store_revoke_tokens(s, ag.id, CORE_ROLE_BOOTH, STORE_TOKEN_ROLE, "fr", &revoked), RT_OK);
	CHECK_EQ_INT(revoked, 1);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	CHECK_EQ_INT(store_find_token(s, fr.hash, 0, &found), RT_E_AUTH_INVALID);
	CHECK_EQ_INT(store_find_token(s, tok.hash, 0, &found), RT_OK);
	CHECK_EQ_INT(store_revoke_tokens(s, ag.id, CORE_ROLE_BOOTH, STORE_TOKEN_ROLE, "fr", &revoked), RT_OK);
	CHECK_EQ_INT(revoked, 0); /* already revoked */
	CHECK_EQ_INT(store_revoke_tokens(s, ag.id, CORE_ROLE_STAGE, STORE_TOKEN_ROLE, NULL, &revoked), RT_OK);
	CHECK_EQ_INT(revoked, 0); /* another role: the booth's link is untouched */
	CHECK_EQ_INT(store_commit(s), RT_OK);
	int64_t expire = -1;
	CHECK_EQ_INT(store_links_expire(s, ag.id, &expire), RT_OK);
	CHECK_EQ_INT(expire, 0);
	CHECK_EQ_INT(store_expire_links(s, ag.id, 5000), RT_OK);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	CHECK_EQ_INT(store_links_expire(s, ag.id, &expire), RT_OK);
	CHECK_EQ_INT(expire, 5000);
	CHECK_EQ_INT(store_find_token(s, tok.hash, 4999, &found), RT_OK);
	CHECK_EQ_INT(store_find_token(s, tok.hash, 5000, &found), RT_E_AUTH_INVALID);
	CHECK_EQ_INT(store_links_expire(s, "nosuchid", &expire), RT_E_NOT_FOUND);
	CHECK_EQ_INT(store_expire_links(s, ag.id, INT64_MAX), RT_OK); /* for what follows */
	CHECK_EQ_INT(store_commit(s), RT_OK);
	char id[CORE_ID_MAX + 1];
	CHECK_EQ_INT(store_find_by_origin(s, "demo", id), RT_OK);
	CHECK_EQ_STR(id, ag.id);
	CHECK_EQ_INT(store_find_by_origin(s, "elsewhere", id), RT_E_NOT_FOUND);

	/* A batch of many commands is one commit. */
	core_state st;
	CHECK_EQ_INT(store_load(s, ag.id, &st, secret2), RT_OK);
	CHECK(memcmp(secret, secret2, sizeof secret) == 0);
	/* LC-1: the listening instructions come back as the agenda gave them. */
	CHECK_EQ_STR(st.agenda.listening[CORE_LANG_AR].zoom_channel, "العربية");
	CHECK_EQ_STR(st.agenda.listening[CORE_LANG_AR].note, "Phone-only listeners hear the floor only.");
	CHECK_EQ_STR(st.agenda.listening[CORE_LANG_EN].zoom_channel, "");
	CHECK_EQ_STR(st.agenda.listening[CORE_LANG_EN].note, "Leave the menu on Original audio.");
	CHECK_EQ_STR(st.agenda.listening[CORE_LANG_FR].note, "");
	CHECK_EQ_STR(st.agenda.title_in[CORE_LANG_AR], "مشاورة");
	CHECK_EQ_STR(st.agenda.title_in[CORE_LANG_FR], "");
	CHECK_EQ_STR(st.agenda.segments[1].title_in[CORE_LANG_FR], "Table ronde");
	CHECK_EQ_STR(st.agenda.segments[0].title_in[CORE_LANG_FR], "");
	CHECK_EQ_STR(st.agenda.listening[CORE_LANG_AR].note_in[CORE_LANG_AR], "الهاتف");
	CHECK(st.agenda.segments[3].starts_empty && !st.agenda.segments[2].starts_empty);
	core_actor chair = fixture_role(CORE_ROLE_COCHAIR), p1 = fixture_participant(1), p2 = fixture_participant(2);
	/* CHR-2: both accept the Rule first; the acceptance is stored with the rest. */
	CHECK_EQ_INT(step(s, &st, &p1, (core_command){.kind = CORE_CMD_RULE_ACCEPT}), RT_OK);
	CHECK_EQ_INT(step(s, &st, &p2, (core_command){.kind = CORE_CMD_RULE_ACCEPT}), RT_OK);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	commits = store_commit_count(s);
	for (int i = 0; i < 10; i++) {
		core_command post = {
		    .kind = CORE_CMD_QUESTION_POST, .text = "Batch", .text_len = 5, .lang = CORE_LANG_AR};
		CHECK_EQ_INT(step(s, &st, &p1, post), RT_OK);
	}
	CHECK_EQ_INT(step(s, &st, &chair, (core_command){.kind = CORE_CMD_QUESTION_APPROVE, .question = 3}), RT_OK);
	CHECK_EQ_INT(step(s, &st, &chair, (core_command){.kind = CORE_CMD_QUESTION_REJECT, .question = 4}), RT_OK);
	CHECK_EQ_INT(step(s, &st, &p2, (core_command){.kind = CORE_CMD_QUESTION_VOTE, .question = 3}), RT_OK);
	CHECK_EQ_INT(store_commit_count(s), commits);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	CHECK_EQ_INT(store_commit_count(s), commits + 1);
	CHECK_EQ_INT(store_commit(s), RT_OK); /* nothing open: no commit */
	CHECK_EQ_INT(store_commit_count(s), commits + 1);

	/* A vote taken back is gone from disk too. */
	CHECK_EQ_INT(step(s, &st, &p1, (core_command){.kind = CORE_CMD_QUESTION_VOTE, .question = 3}),
	             RT_E_VOTE_OWN_QUESTION);
	core_actor p3 = fixture_participant(3);
	CHECK_EQ_INT(step(s, &st, &p3, (core_command){.kind = CORE_CMD_RULE_ACCEPT}), RT_OK);
	CHECK_EQ_INT(step(s, &st, &p3, (core_command){.kind = CORE_CMD_QUESTION_VOTE, .question = 3}), RT_OK);
	CHECK_EQ_INT(step(s, &st, &p3, (core_command){.kind = CORE_CMD_QUESTION_UNVOTE, .question = 3}), RT_OK);
	CHECK_EQ_INT(store_commit(s), RT_OK);

	/* An uncommitted batch vanishes on rollback. */
	core_state scratch;
	CHECK_EQ_INT(store_load(s, ag.id, &scratch, secret2), RT_OK);
	core_command lost = {.kind = CORE_CMD_QUESTION_POST, .text = "Lost", .text_len = 4, .lang = CORE_LANG_EN};
	CHECK_EQ_INT(step(s, &scratch, &p2, lost), RT_OK);
	store_rollback(s);
	CHECK(!store_in_transaction(s));
	core_state_free(&scratch);

	/* An uncommitted batch also vanishes when the process goes away. */
	CHECK_EQ_INT(store_load(s, ag.id, &scratch, secret2), RT_OK);
	CHECK_EQ_INT(step(s, &scratch, &p2, lost), RT_OK);
	core_state_free(&scratch);
	store_close(s);

	/* Reopen: the same state comes back through replay. */
	s = store_open(t.db, err, sizeof err);
	CHECK(s != NULL);
	core_state back;
	CHECK_EQ_INT(store_load(s, ag.id, &back, secret2), RT_OK);
	CHECK_EQ_INT(back.seq, st.seq);
	CHECK_EQ_INT(back.nquestions, 10);
	check_same_questions(&st, &back);
	CHECK(core_has_voted(&back, 3, &p2.pseud));
	CHECK(!core_has_voted(&back, 3, &p3.pseud));
	CHECK_EQ_INT(back.agenda.max_open_questions, 20);
	CHECK_EQ_INT(back.agenda.votes_per_minute, 45);

	/* Every moderation action survives a reload: the rows are images of the questions. */
	CHECK_EQ_INT(step(s, &back, &chair, (core_command){.kind = CORE_CMD_QUESTION_APPROVE, .question = 5}), RT_OK);
	CHECK_EQ_INT(step(s, &back, &p3, (core_command){.kind = CORE_CMD_QUESTION_VOTE, .question = 5}), RT_OK);
	CHECK_EQ_INT(step(s, &back, &p2, (core_command){.kind = CORE_CMD_QUESTION_VOTE, .question = 5}), RT_OK);
	/* 5 into 3: p2 voted both (counted once), p3 joins; 3 keeps p2 and gains p3. */
	CHECK_EQ_INT(step(s, &back, &chair, (core_command){.kind = CORE_CMD_QUESTION_MERGE, .question = 5, .into = 3}),
	             RT_OK);
	CHECK_EQ_INT(core_question_get(&back, 3)->votes, 2);
	const char *edit = "Edited by the co-chair";
	CHECK_EQ_INT(
	    step(s, &back, &chair,
	         (core_command){.kind = CORE_CMD_QUESTION_EDIT, .question = 3, .text = edit, .text_len = strlen(edit)}),
	    RT_OK);
	CHECK_EQ_INT(step(s, &back, &chair, (core_command){.kind = CORE_CMD_QUESTION_PIN, .question = 3}), RT_OK);
	CHECK_EQ_INT(step(s, &back, &chair, (core_command){.kind = CORE_CMD_QUESTION_APPROVE, .question = 6}), RT_OK);
	CHECK_EQ_INT(step(s, &back, &chair, (core_command){.kind = CORE_CMD_QUESTION_ANSWER_NOW, .question = 6}),
	             RT_OK);
	CHECK_EQ_INT(step(s, &back, &chair, (core_command){.kind = CORE_CMD_QUESTION_APPROVE, .question = 7}), RT_OK);
	CHECK_EQ_INT(step(s, &back, &chair, (core_command){.kind = CORE_CMD_QUESTION_ANSWER, .question = 7}), RT_OK);
	CHECK_EQ_INT(
	    step(s, &back, &chair, (core_command){.kind = CORE_CMD_QUESTION_MOVE, .question = 8, .segment = 2}), RT_OK);
	CHECK_EQ_INT(step(s, &back, &p1, (core_command){.kind = CORE_CMD_QUESTION_WITHDRAW, .question = 9}), RT_OK);
	CHECK_EQ_INT(step(s, &back, &chair, (core_command){.kind = CORE_CMD_SEGMENT_CLOSE, .segment = 1}), RT_OK);
	CHECK_EQ_INT(step(s, &back, &chair, (core_command){.kind = CORE_CMD_SEGMENT_OPEN, .segment = 3}), RT_OK);
	CHECK_EQ_INT(step(s, &back, &chair, (core_command){.kind = CORE_CMD_AGENDA_GOTO, .segment = 2}), RT_OK);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	core_state again;
	CHECK_EQ_INT(store_load(s, ag.id, &again, secret2), RT_OK);
	CHECK_EQ_INT(again.seq, back.seq);
	CHECK_EQ_INT(again.answering, 6);
	CHECK_EQ_INT(again.current_segment, 2);
	for (int i = 0; i < again.agenda.nsegments; i++)
		CHECK_EQ_INT(again.agenda.segments[i].questions_open, back.agenda.segments[i].questions_open);
	CHECK(!again.agenda.segments[1].questions_open);
	CHECK(again.agenda.segments[3].questions_open);
	check_same_questions(&back, &again);
	CHECK_EQ_INT(core_question_get(&again, 5)->state, CORE_Q_MERGED);
	CHECK_EQ_INT(core_question_get(&again, 5)->into, 3);
	CHECK_EQ_INT(core_question_get(&again, 5)->votes, 0);
	CHECK(core_has_voted(&again, 3, &p3.pseud));
	CHECK(!core_has_voted(&again, 5, &p3.pseud));
	CHECK(core_question_get(&again, 3)->edited && core_question_get(&again, 3)->pinned);
	CHECK_EQ_INT(core_question_get(&again, 7)->state, CORE_Q_ANSWERED);
	CHECK_EQ_INT(core_question_get(&again, 8)->segment, 2);
	CHECK_EQ_INT(core_question_get(&again, 9)->state, CORE_Q_WITHDRAWN);
	core_state_free(&again);

	/* The clock and every segment's actual time survive a reload (AG-6, restart). */
	core_state clocked;
	CHECK_EQ_INT(store_load(s, ag.id, &clocked, secret2), RT_OK);
	core_actor sys = fixture_role(CORE_ROLE_SYSTEM);
	core_decision dec;
	core_command cmds[] = {{.kind = CORE_CMD_CLOCK_START},
	                       {.kind = CORE_CMD_CLOCK_ADJUST, .minutes = 7},
	                       {.kind = CORE_CMD_AGENDA_GOTO, .segment = 0},
	                       {.kind = CORE_CMD_CLOCK_PAUSE}};
	for (int i = 0; i < 4; i++) {
		CHECK_EQ_INT(core_decide(&clocked, &chair, &cmds[i], FIXED_NOW_MS + i * 60000, &dec), RT_OK);
		for (int e = 0; e < dec.nevents; e++)
			CHECK_EQ_INT(core_evolve(&clocked, &dec.events[e]), 0);
		CHECK_EQ_INT(store_append(s, &clocked, dec.events, dec.nevents), RT_OK);
	}
	/* Segment 0 runs from 3 min, so with close_minutes 0 its questions close at its end. */
	core_command resume = {.kind = CORE_CMD_CLOCK_RESUME}, due = {.kind = CORE_CMD_CLOCK_DUE};
	CHECK_EQ_INT(core_decide(&clocked, &chair, &resume, FIXED_NOW_MS + 4 * 60000, &dec), RT_OK);
	CHECK_EQ_INT(core_evolve(&clocked, &dec.events[0]), 0);
	CHECK_EQ_INT(store_append(s, &clocked, dec.events, dec.nevents), RT_OK);
	CHECK_EQ_INT(core_decide(&clocked, &sys, &due, core_clock_due_ms(&clocked), &dec), RT_OK);
	CHECK_EQ_INT(dec.nevents, 1);
	CHECK_EQ_INT(core_evolve(&clocked, &dec.events[0]), 0);
	CHECK_EQ_INT(store_append(s, &clocked, dec.events, dec.nevents), RT_OK);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	core_state reloaded;
	CHECK_EQ_INT(store_load(s, ag.id, &reloaded, secret2), RT_OK);
	CHECK_EQ_INT(reloaded.clock, CORE_CLOCK_RUNNING);
	CHECK_EQ_INT(reloaded.clock_started_at, clocked.clock_started_at);
	CHECK_EQ_INT(reloaded.current_segment, 0);
	for (int i = 0; i < reloaded.agenda.nsegments; i++) {
		CHECK_EQ_INT(reloaded.timing[i].started_at, clocked.timing[i].started_at);
		CHECK_EQ_INT(reloaded.timing[i].elapsed_ms, clocked.timing[i].elapsed_ms);
		CHECK_EQ_INT(reloaded.timing[i].allotted_ms, clocked.timing[i].allotted_ms);
		CHECK_EQ_INT(reloaded.timing[i].auto_closed, clocked.timing[i].auto_closed);
		CHECK_EQ_INT(reloaded.agenda.segments[i].questions_open, clocked.agenda.segments[i].questions_open);
	}
	CHECK(reloaded.timing[0].auto_closed);
	CHECK_EQ_INT(reloaded.timing[2].allotted_ms, (15 + 7) * 60000);
	CHECK_EQ_INT(core_clock_remaining_ms(&reloaded, FIXED_NOW_MS + 9 * 60000),
	             core_clock_remaining_ms(&clocked, FIXED_NOW_MS + 9 * 60000));
	core_state_free(&reloaded);

	/* The floor language survives a reload (LC-3). */
	core_command floor = {.kind = CORE_CMD_FLOOR_SET, .lang = CORE_LANG_FR};
	CHECK_EQ_INT(core_decide(&clocked, &chair, &floor, FIXED_NOW_MS, &dec), RT_OK);
	CHECK_EQ_INT(core_evolve(&clocked, &dec.events[0]), 0);
	CHECK_EQ_INT(store_append(s, &clocked, dec.events, dec.nevents), RT_OK);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	CHECK_EQ_INT(store_load(s, ag.id, &reloaded, secret2), RT_OK);
	CHECK_EQ_INT(reloaded.floor_now, CORE_LANG_FR);
	CHECK_EQ_INT(reloaded.seq, clocked.seq);
	core_state_free(&reloaded);
	core_state_free(&clocked);
	CHECK_EQ_INT(back.agenda.nsegments, 4);
	CHECK_EQ_STR(back.agenda.segments[2].title, "Q&A session");
	CHECK_EQ_INT(back.agenda.nchannels, 2);
	CHECK_EQ_INT(back.agenda.channels[1], CORE_LANG_FR);
	CHECK(back.agenda.premoderation);
	CHECK_EQ_INT(store_load(s, "nosuchthing", &scratch, secret2), RT_E_NOT_FOUND);

	/* PL-3: a kept ack is found in its own transaction and after the commit, under its key in
	 * its consultation only; keeping a key twice keeps the first; a rollback keeps nothing. */
	uint8_t key[STORE_RECEIPT_KEY_BYTES], elsewhere[STORE_RECEIPT_KEY_BYTES];
	memset(key, 0xA5, sizeof key);
	memset(elsewhere, 0x5A, sizeof elsewhere);
	char *ack = NULL;
	size_t ack_len = 0;
	uint8_t dig[STORE_DIGEST_BYTES], first[STORE_DIGEST_BYTES], second[STORE_DIGEST_BYTES];
	memset(first, 1, sizeof first);
	memset(second, 2, sizeof second);
	CHECK_EQ_INT(store_find_receipt(s, back.agenda.id, key, &ack, &ack_len, dig), RT_E_NOT_FOUND);
	CHECK_EQ_INT(store_put_receipt(s, back.agenda.id, key, "{\"first\":1}", 11, first), RT_OK);
	CHECK(store_in_transaction(s));
	CHECK_EQ_INT(store_find_receipt(s, back.agenda.id, key, &ack, &ack_len, dig), RT_OK);
	CHECK(ack_len == 11 && !memcmp(ack, "{\"first\":1}", 11));
	free(ack);
	CHECK_EQ_INT(store_put_receipt(s, back.agenda.id, key, "{\"second\":2}", 12, second), RT_OK);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	CHECK_EQ_INT(store_find_receipt(s, back.agenda.id, key, &ack, &ack_len, dig), RT_OK);
	CHECK(ack_len == 11 && !memcmp(ack, "{\"first\":1}", 11));
	CHECK(!memcmp(dig, first, sizeof dig)); /* the digest of the command first kept */
	free(ack);
	CHECK_EQ_INT(store_find_receipt(s, "nosuchthing", key, &ack, &ack_len, dig), RT_E_NOT_FOUND);
	CHECK_EQ_INT(store_put_receipt(s, back.agenda.id, elsewhere, "{}", 2, second), RT_OK);
	store_rollback(s);
	CHECK_EQ_INT(store_find_receipt(s, back.agenda.id, elsewhere, &ack, &ack_len, dig), RT_E_NOT_FOUND);
	/* CHR-5: the seal deletes them with the rest of what links a participant to a command. */
	core_event seal = {.kind = CORE_EV_SEALED, .seq = back.seq + 1};
	back.sealed = true;
	CHECK_EQ_INT(store_append(s, &back, &seal, 1), RT_OK);
	CHECK_EQ_INT(store_commit(s), RT_OK);
	CHECK_EQ_INT(store_find_receipt(s, back.agenda.id, key, &ack, &ack_len, dig), RT_E_NOT_FOUND);

	core_state_free(&back);
	core_state_free(&st);
	test_programmes(s);
	store_close(s);

	/* Tokens exist on disk only as hashes. */
	CHECK(!file_contains(t.db, text));
	CHECK(!file_contains(t.db, "Lost"));
	tmpdir_remove(&t);
	return check_done();
}
