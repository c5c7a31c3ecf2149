/* events.c — a consultation's rows as the image of core events: creating it, appending each
 * command's events in the open transaction, replaying the rows through core_evolve on load, and
 * the receipts kept for retries. It decides nothing: the core did. No tokens, programmes or
 * backups (tokens.c, programme.c, backup.c). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "internal.h"

/* --- organiser operations ---------------------------------------------------------------- */

/* AB-*: writes the open-link settings of st's agenda and its pauses (a row image). */
static int save_guard(store *s, const char *cid, const core_agenda *a, int64_t link, int64_t queue)
{
	sqlite3_stmt *st = s->stmt[ST_SAVE_GUARD];
	store_bind_id(st, 1, cid);
	sqlite3_bind_int(st, 2, a->voting_invitations);
	sqlite3_bind_int(st, 3, a->max_pending);
	sqlite3_bind_int(st, 4, a->new_devices_per_minute);
	sqlite3_bind_int(st, 5, a->work_bits);
	sqlite3_bind_int64(st, 6, link);
	sqlite3_bind_int64(st, 7, queue);
	return store_run(s, st);
}

/* AB-*: reads them back; a consultation made before they existed gets the defaults. */
static int load_guard(store *s, const char *cid, core_state *stt)
{
	core_agenda *a = &stt->agenda;
	sqlite3_stmt *st = s->stmt[ST_LOAD_GUARD];
	store_bind_id(st, 1, cid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		a->voting_invitations = sqlite3_column_int(st, 0) != 0;
		a->max_pending = (uint16_t)sqlite3_column_int(st, 1);
		a->new_devices_per_minute = (uint16_t)sqlite3_column_int(st, 2);
		a->work_bits = (uint8_t)sqlite3_column_int(st, 3);
		stt->link_paused_until = sqlite3_column_int64(st, 4);
		stt->queue_paused_until = sqlite3_column_int64(st, 5);
	} else if (rc == SQLITE_DONE) {
		a->max_pending = CORE_DEFAULT_MAX_PENDING;
		a->new_devices_per_minute = CORE_DEFAULT_NEW_DEVICES_PER_MINUTE;
		a->work_bits = CORE_DEFAULT_WORK_BITS;
	}
	store_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* AG-1, LC-2: writes one text's other languages (in: CORE_LANG_COUNT of `stride` bytes each;
 * "" where the agenda gives none). -1 when a write fails. */
static int save_texts(store *s, const char *cid, const char *place, int item, const char *in, size_t stride)
{
	for (int l = 0; l < CORE_LANG_COUNT; l++) {
		const char *text = in + (size_t)l * stride;
		if (!text[0])
			continue;
		sqlite3_stmt *st = s->stmt[ST_INSERT_TEXT];
		sqlite3_bind_text(st, 1, cid, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, place, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, item);
		sqlite3_bind_text(st, 4, core_lang_name((core_lang)l), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
		if (store_write(s, st))
			return -1;
	}
	return 0;
}

static int save_all_texts(store *s, const core_agenda *a)
{
	if (save_texts(s, a->id, "title", 0, a->title_in[0], sizeof a->title_in[0]))
		return -1;
	for (int i = 0; i < a->nsegments; i++)
		if (save_texts(s, a->id, "segment", i, a->segments[i].title_in[0], sizeof a->segments[i].title_in[0]))
			return -1;
	for (int l = 0; l < CORE_LANG_COUNT; l++)
		if (save_texts(s, a->id, "note", l, a->listening[l].note_in[0], sizeof a->listening[l].note_in[0]))
			return -1;
	return 0;
}

/* Reads back what save_all_texts wrote into a; a text whose place is unknown is skipped. */
static int load_texts(store *s, const char *id, core_agenda *a)
{
	sqlite3_stmt *st = s->stmt[ST_LOAD_TEXTS];
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *place = (const char *)sqlite3_column_text(st, 0);
		int item = sqlite3_column_int(st, 1);
		int lang = core_lang_parse((const char *)sqlite3_column_text(st, 2));
		if (!place || lang < 0)
			continue;
		if (!strcmp(place, "title"))
			store_column_copy(st, 3, a->title_in[lang], sizeof a->title_in[lang]);
		else if (!strcmp(place, "segment") && item >= 0 && item < a->nsegments)
			store_column_copy(st, 3, a->segments[item].title_in[lang],
			                  sizeof a->segments[item].title_in[lang]);
		else if (!strcmp(place, "note") && item >= 0 && item < CORE_LANG_COUNT)
			store_column_copy(st, 3, a->listening[item].note_in[lang],
			                  sizeof a->listening[item].note_in[lang]);
	}
	store_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

rt_err store_create_consultation(store *s, const core_agenda *a, const uint8_t secret[STORE_SECRET_BYTES],
                                 const char *origin)
{
	assert(a->id[0]); /* the caller names the consultation */
	char channels[CORE_MAX_CHANNELS * 3 + 1] = "";
	size_t used = 0;
	for (int i = 0; i < a->nchannels && used < sizeof channels; i++)
		used += (size_t)snprintf(channels + used, sizeof channels - used, "%s%s", i ? " " : "",
		                         core_lang_name(a->channels[i]));
	if (store_begin(s))
		return RT_E_SERVER_UNAVAILABLE;
	sqlite3_stmt *st = s->stmt[ST_INSERT_CONSULTATION];
	sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
	if (origin)
		sqlite3_bind_text(st, 2, origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->timezone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, a->date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, core_lang_name(a->floor), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, channels, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, a->premoderation);
	sqlite3_bind_blob(st, 9, secret, STORE_SECRET_BYTES, SQLITE_STATIC);
	sqlite3_bind_int(st, 10, a->max_open_questions ? a->max_open_questions : CORE_DEFAULT_OPEN_QUESTIONS);
	sqlite3_bind_int(st, 11, a->votes_per_minute ? a->votes_per_minute : CORE_DEFAULT_VOTES_PER_MINUTE);
	sqlite3_bind_int(st, 12, a->warning_minutes);
	sqlite3_bind_int(st, 13, a->close_minutes);
	if (store_write(s, st))
		return RT_E_SERVER_UNAVAILABLE;
	for (int i = 0; i < a->nsegments; i++) {
		const core_segment *seg = &a->segments[i];
		st = s->stmt[ST_INSERT_SEGMENT];
		sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, i);
		sqlite3_bind_text(st, 3, seg->title, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, core_segment_kind_name(seg->kind), -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, seg->start_min);
		sqlite3_bind_int(st, 6, seg->duration_min);
		sqlite3_bind_int(st, 7, seg->questions_open);
		sqlite3_bind_int(st, 8, seg->chatham_house);
		sqlite3_bind_text(st, 9, seg->date, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 10, seg->starts_empty);
		if (store_write(s, st))
			return RT_E_SERVER_UNAVAILABLE;
	}
	for (int l = 0; l < CORE_LANG_COUNT; l++) {
		const core_listening *li = &a->listening[l];
		if (!li->zoom_channel[0] && !li->note[0])
			continue;
		st = s->stmt[ST_INSERT_LISTENING];
		sqlite3_bind_text(st, 1, a->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, core_lang_name((core_lang)l), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, li->zoom_channel, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, li->note, -1, SQLITE_STATIC);
		if (store_write(s, st))
			return RT_E_SERVER_UNAVAILABLE;
	}
	if (save_guard(s, a->id, a, 0, 0) || save_all_texts(s, a) || store_save_speaking(s, a)) {
		store_rollback(s);
		return RT_E_SERVER_UNAVAILABLE;
	}
	return RT_OK;
}

rt_err store_find_by_origin(store *s, const char *origin, char *id)
{
	sqlite3_stmt *st = s->stmt[ST_FIND_ORIGIN];
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	rt_err err = RT_E_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		store_column_copy(st, 0, id, CORE_ID_MAX + 1);
		err = RT_OK;
	}
	store_done(st);
	return err;
}

/* --- load -------------------------------------------------------------------------------- */

/* What the consultation and segment rows hold besides the agenda itself. */
typedef struct loaded {
	uint64_t seq;
	int current;
	uint32_t answering;
	int clock;
	int64_t clock_started_at;
	int floor_now; /* core_lang, or -1: the agenda's floor */
	uint32_t next_up;
	bool sealed;
	uint32_t participants;
	uint32_t reissued;
	core_timing timing[CORE_MAX_SEGMENTS];
} loaded;

static rt_err load_agenda(store *s, const char *id, core_agenda *a, uint8_t secret[STORE_SECRET_BYTES], loaded *l)
{
	sqlite3_stmt *st = s->stmt[ST_LOAD_CONSULTATION];
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		store_done(st);
		return store_found(rc);
	}
	memset(a, 0, sizeof *a);
	snprintf(a->id, sizeof a->id, "%s", id);
	store_column_copy(st, 0, a->title, sizeof a->title);
	store_column_copy(st, 1, a->timezone, sizeof a->timezone);
	store_column_copy(st, 2, a->date, sizeof a->date);
	int floor = core_lang_parse((const char *)sqlite3_column_text(st, 3));
	a->floor = floor < 0 ? CORE_LANG_EN : (core_lang)floor;
	char channels[64];
	store_column_copy(st, 4, channels, sizeof channels);
	for (char *save = NULL, *tok = strtok_r(channels, " ", &save); tok && a->nchannels < CORE_MAX_CHANNELS;
	     tok = strtok_r(NULL, " ", &save)) {
		int lang = core_lang_parse(tok);
		if (lang >= 0)
			a->channels[a->nchannels++] = (core_lang)lang;
	}
	a->premoderation = sqlite3_column_int(st, 5) != 0;
	memset(secret, 0, STORE_SECRET_BYTES);
	if (sqlite3_column_bytes(st, 6) == STORE_SECRET_BYTES)
		memcpy(secret, sqlite3_column_blob(st, 6), STORE_SECRET_BYTES);
	l->seq = (uint64_t)sqlite3_column_int64(st, 7);
	l->current = sqlite3_column_int(st, 8);
	l->answering = (uint32_t)sqlite3_column_int64(st, 9);
	a->max_open_questions = (uint16_t)sqlite3_column_int(st, 10);
	a->votes_per_minute = (uint16_t)sqlite3_column_int(st, 11);
	l->clock = sqlite3_column_int(st, 12);
	l->clock_started_at = sqlite3_column_int64(st, 13);
	a->warning_minutes = (uint16_t)sqlite3_column_int(st, 14);
	a->close_minutes = (uint16_t)sqlite3_column_int(st, 15);
	const unsigned char *floor_now = sqlite3_column_text(st, 16);
	l->floor_now = floor_now ? core_lang_parse((const char *)floor_now) : -1;
	l->next_up = (uint32_t)sqlite3_column_int64(st, 17);
	l->sealed = sqlite3_column_int(st, 18) != 0;
	l->participants = (uint32_t)sqlite3_column_int64(st, 19);
	l->reissued = (uint32_t)sqlite3_column_int64(st, 20);
	store_done(st);

	st = s->stmt[ST_LOAD_SEGMENTS];
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && a->nsegments < CORE_MAX_SEGMENTS) {
		core_segment *seg = &a->segments[a->nsegments++];
		store_column_copy(st, 0, seg->title, sizeof seg->title);
		int kind = core_segment_kind_parse((const char *)sqlite3_column_text(st, 1));
		seg->kind = kind < 0 ? CORE_SEG_OPENING : (core_segment_kind)kind;
		seg->start_min = (uint16_t)sqlite3_column_int(st, 2);
		seg->duration_min = (uint16_t)sqlite3_column_int(st, 3);
		seg->questions_open = sqlite3_column_int(st, 4) != 0;
		seg->chatham_house = sqlite3_column_int(st, 5) != 0;
		store_column_copy(st, 6, seg->date, sizeof seg->date);
		core_timing *t = &l->timing[a->nsegments - 1];
		t->started_at = sqlite3_column_int64(st, 7);
		t->elapsed_ms = sqlite3_column_int64(st, 8);
		t->allotted_ms = sqlite3_column_type(st, 9) == SQLITE_NULL ? (int64_t)seg->duration_min * 60000
		                                                           : sqlite3_column_int64(st, 9);
		t->auto_closed = sqlite3_column_int(st, 10) != 0;
		seg->starts_empty = sqlite3_column_int(st, 11) != 0;
	}
	store_done(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return RT_E_SERVER_UNAVAILABLE;

	st = s->stmt[ST_LOAD_LISTENING];
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int lang = core_lang_parse((const char *)sqlite3_column_text(st, 0));
		if (lang < 0)
			continue;
		core_listening *li = &a->listening[lang];
		store_column_copy(st, 1, li->zoom_channel, sizeof li->zoom_channel);
		store_column_copy(st, 2, li->note, sizeof li->note);
	}
	store_done(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return RT_E_SERVER_UNAVAILABLE;
	return load_texts(s, id, a) ? RT_E_SERVER_UNAVAILABLE : RT_OK;
}

/* Turns one row of a load statement into the event that produced it. */
typedef void (*row_event_fn)(sqlite3_stmt *st, const core_state *stt, core_event *ev);

static void question_row(sqlite3_stmt *st, const core_state *stt, core_event *ev)
{
	ev->kind = CORE_EV_QUESTION_POSTED;
	ev->question = (uint32_t)sqlite3_column_int64(st, 0);
	ev->segment = (uint16_t)sqlite3_column_int(st, 1);
	int lang = core_lang_parse((const char *)sqlite3_column_text(st, 2));
	int state = core_qstate_parse((const char *)sqlite3_column_text(st, 3));
	ev->lang = lang < 0 ? stt->agenda.floor : (core_lang)lang;
	ev->state = state < 0 ? CORE_Q_PENDING : (core_qstate)state;
	ev->text = (const char *)sqlite3_column_text(st, 4);
	ev->text_len = (uint32_t)sqlite3_column_bytes(st, 4);
	store_column_pseud(st, 5, &ev->author);
	ev->edited = sqlite3_column_int(st, 6) != 0;
	ev->pinned = sqlite3_column_int(st, 7) != 0;
	ev->into = (uint32_t)sqlite3_column_int64(st, 8);
	/* Until sealed, the vote rows make the totals (they replay after the questions). */
	ev->votes = stt->sealed ? (uint32_t)sqlite3_column_int64(st, 9) : 0;
	ev->theme = (const char *)sqlite3_column_text(st, 10);
	ev->theme_len = (uint32_t)sqlite3_column_bytes(st, 10);
	ev->included = sqlite3_column_int(st, 11) != 0;
	ev->version = (uint32_t)sqlite3_column_int64(st, 12);
	/* A merged question's state before the merge (QA-4: what an unmerge gives back). */
	int premerge = core_qstate_parse((const char *)sqlite3_column_text(st, 13));
	ev->prev_state = premerge < 0 ? ev->state : (core_qstate)premerge;
}

static void acceptance_row(sqlite3_stmt *st, const core_state *stt, core_event *ev)
{
	(void)stt;
	ev->kind = CORE_EV_RULE_ACCEPTED;
	store_column_pseud(st, 0, &ev->author);
}

static void note_row(sqlite3_stmt *st, const core_state *stt, core_event *ev)
{
	(void)stt;
	ev->kind = CORE_EV_NOTE;
	ev->segment = (uint16_t)sqlite3_column_int(st, 0);
	ev->text = (const char *)sqlite3_column_text(st, 1);
	ev->text_len = (uint32_t)sqlite3_column_bytes(st, 1);
	ev->version = (uint32_t)sqlite3_column_int64(st, 2);
}

static void paraphrase_row(sqlite3_stmt *st, const core_state *stt, core_event *ev)
{
	(void)stt;
	ev->kind = CORE_EV_PARAPHRASE;
	ev->paraphrase = (uint32_t)sqlite3_column_int64(st, 0);
	ev->segment = (uint16_t)sqlite3_column_int(st, 1);
	ev->theme = (const char *)sqlite3_column_text(st, 2);
	ev->theme_len = (uint32_t)sqlite3_column_bytes(st, 2);
	ev->deleted = sqlite3_column_type(st, 3) == SQLITE_NULL;
	ev->text = (const char *)sqlite3_column_text(st, 3);
	ev->text_len = (uint32_t)sqlite3_column_bytes(st, 3);
	ev->included = sqlite3_column_int(st, 4) != 0;
}

static void vote_row(sqlite3_stmt *st, const core_state *stt, core_event *ev)
{
	(void)stt;
	ev->kind = CORE_EV_VOTE_ADDED;
	ev->question = (uint32_t)sqlite3_column_int64(st, 0);
	store_column_pseud(st, 1, &ev->voter);
}

/* Runs a load statement for one consultation and evolves stt with each row's event. */
static int replay(store *s, enum stmt_id which, const char *id, row_event_fn to_event, core_state *stt)
{
	assert((unsigned)which < ST_COUNT);
	sqlite3_stmt *st = s->stmt[which];
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		core_event ev;
		memset(&ev, 0, sizeof ev);
		to_event(st, stt, &ev);
		if (core_evolve(stt, &ev)) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	store_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* EX-7: whether the report is final. */
static int load_final(store *s, const char *id, core_state *stt)
{
	sqlite3_stmt *st = s->stmt[ST_LOAD_FINAL];
	store_bind_id(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		stt->final = sqlite3_column_int(st, 0) != 0;
	store_done(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* QA-4: the voters of merged questions, parked until an unmerge (after the questions and votes). */
static int load_parked(store *s, const char *id, core_state *stt)
{
	sqlite3_stmt *st = s->stmt[ST_LOAD_PARKED];
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		core_pseud voter;
		store_column_pseud(st, 1, &voter);
		if (core_vote_park(stt, (uint32_t)sqlite3_column_int64(st, 0), &voter,
		                   sqlite3_column_int(st, 2) != 0)) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	store_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

rt_err store_load(store *s, const char *id, core_state *stt, uint8_t secret[STORE_SECRET_BYTES])
{
	core_agenda *agenda = malloc(sizeof *agenda);
	if (!agenda)
		return RT_E_SERVER_UNAVAILABLE;
	loaded *l = calloc(1, sizeof *l);
	rt_err err = l ? load_agenda(s, id, agenda, secret, l) : RT_E_SERVER_UNAVAILABLE;
	if (err) {
		free(agenda);
		free(l);
		return err;
	}
	core_state_init(stt, agenda);
	free(agenda);
	stt->current_segment = (uint16_t)(l->current >= 0 && l->current < stt->agenda.nsegments ? l->current : 0);
	stt->clock = l->clock >= 0 && l->clock < CORE_CLOCK_STATE_COUNT ? (core_clock_state)l->clock : CORE_CLOCK_IDLE;
	stt->clock_started_at = l->clock_started_at;
	if (l->floor_now >= 0 && core_language_offered(&stt->agenda, (core_lang)l->floor_now))
		stt->floor_now = (core_lang)l->floor_now;
	memcpy(stt->timing, l->timing, sizeof stt->timing);
	uint64_t seq = l->seq;
	uint32_t answering = l->answering, next_up = l->next_up;
	stt->sealed = l->sealed;
	stt->participants = l->participants;
	stt->reissued = l->reissued;
	free(l);

	/* The rows are the image of past events: replaying them through core_evolve rebuilds the
	 * state with the same code that built it live. */
	if (replay(s, ST_LOAD_QUESTIONS, id, question_row, stt) || replay(s, ST_LOAD_VOTES, id, vote_row, stt) ||
	    load_parked(s, id, stt) || replay(s, ST_LOAD_ACCEPTANCE, id, acceptance_row, stt) ||
	    replay(s, ST_LOAD_NOTES, id, note_row, stt) || replay(s, ST_LOAD_PARAPHRASES, id, paraphrase_row, stt) ||
	    load_guard(s, id, stt) || load_final(s, id, stt) || store_poll_load(s, id, stt) ||
	    store_load_speakers(s, id, stt))
		goto fail;
	stt->seq = seq;
	stt->answering = core_question_get(stt, answering) ? answering : 0;
	/* The selection may have lapsed since it was written (core.c, lapse_next): the same rule. */
	const core_question *nq = core_question_get(stt, next_up);
	stt->next_up = nq && nq->state == CORE_Q_APPROVED && next_up != stt->answering ? next_up : 0;
	return RT_OK;
fail:
	core_state_free(stt);
	return RT_E_SERVER_UNAVAILABLE;
}

/* --- append ------------------------------------------------------------------------------ */

/* Writes the row image of question `id` as it is in st. */
static int save_question(store *s, const char *cid, const core_state *stt, uint32_t id)
{
	const core_question *q = core_question_get(stt, id);
	if (!q)
		return -1;
	sqlite3_stmt *st = s->stmt[ST_SAVE_QUESTION];
	store_bind_id(st, 1, cid);
	sqlite3_bind_int64(st, 2, q->id);
	sqlite3_bind_int(st, 3, q->segment);
	sqlite3_bind_text(st, 4, core_lang_name(q->lang), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, core_qstate_name(q->state), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, q->text, (int)q->text_len, SQLITE_STATIC);
	/* Once sealed a row has no author, and its vote total stands in for the vote rows. */
	if (!stt->sealed)
		sqlite3_bind_blob(st, 7, q->author.b, CORE_PSEUD_LEN, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, q->edited);
	sqlite3_bind_int(st, 9, q->pinned);
	if (q->state == CORE_Q_MERGED)
		sqlite3_bind_int64(st, 10, q->into);
	if (stt->sealed)
		sqlite3_bind_int64(st, 11, q->votes);
	sqlite3_bind_text(st, 12, q->theme, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 13, q->reported);
	sqlite3_bind_int64(st, 14, q->version);
	if (q->state == CORE_Q_MERGED)
		sqlite3_bind_text(st, 15, core_qstate_name(q->premerge), -1, SQLITE_STATIC);
	return store_run(s, st);
}

/* Writes the live part of segment `i` as it is in st. */
static int save_segment(store *s, const char *cid, const core_state *stt, int i)
{
	if (i < 0 || i >= stt->agenda.nsegments)
		return -1;
	const core_timing *t = &stt->timing[i];
	sqlite3_stmt *st = s->stmt[ST_SAVE_SEGMENT];
	sqlite3_bind_int(st, 1, stt->agenda.segments[i].questions_open);
	sqlite3_bind_int64(st, 2, t->started_at);
	sqlite3_bind_int64(st, 3, t->elapsed_ms);
	sqlite3_bind_int64(st, 4, t->allotted_ms);
	sqlite3_bind_int(st, 5, t->auto_closed);
	store_bind_id(st, 6, cid);
	sqlite3_bind_int(st, 7, i);
	return store_run(s, st);
}

/* Binds (consultation, a, b) as integers after the id and runs the statement. */
static int run_ints(store *s, enum stmt_id which, const char *cid, int64_t a, int64_t b, int nb)
{
	assert((unsigned)which < ST_COUNT && s->in_txn);
	sqlite3_stmt *st = s->stmt[which];
	store_bind_id(st, 1, cid);
	if (nb > 0)
		sqlite3_bind_int64(st, 2, a);
	if (nb > 1)
		sqlite3_bind_int64(st, 3, b);
	return store_run(s, st);
}

/* Writes the votes of question `id` as they are in st: with ST_INSERT_VOTE its votes, with
 * ST_PARK_VOTE its parked voters (QA-4). */
static int save_votes(store *s, const char *cid, const core_state *stt, uint32_t id, enum stmt_id which)
{
	for (uint32_t i = 0; i < stt->vcap; i++) {
		const core_vote_slot *v = &stt->votes[i];
		bool park = which == ST_PARK_VOTE;
		bool gained = v->question == (id | CORE_PARKED_GAINED);
		if (park ? !(gained || v->question == (id | CORE_PARKED_KEPT)) : v->question != id)
			continue;
		sqlite3_stmt *st = s->stmt[which];
		store_bind_id(st, 1, cid);
		sqlite3_bind_int64(st, 2, id);
		sqlite3_bind_blob(st, 3, v->voter.b, CORE_PSEUD_LEN, SQLITE_STATIC);
		if (park)
			sqlite3_bind_int(st, 4, gained);
		if (store_run(s, st))
			return -1;
	}
	return 0;
}

static int append_one(store *s, const char *cid, const core_state *stt, const core_event *ev)
{
	assert(s->in_txn); /* store_append began it: a batch's rows commit together or not at all */
	sqlite3_stmt *st;
	switch (ev->kind) {
	case CORE_EV_VOTE_ADDED:
	case CORE_EV_VOTE_REMOVED:
		st = s->stmt[ev->kind == CORE_EV_VOTE_ADDED ? ST_INSERT_VOTE : ST_DELETE_VOTE];
		store_bind_id(st, 1, cid);
		sqlite3_bind_int64(st, 2, ev->question);
		sqlite3_bind_blob(st, 3, ev->voter.b, CORE_PSEUD_LEN, SQLITE_STATIC);
		return store_run(s, st);
	case CORE_EV_QUESTION_MERGED:
		if (run_ints(s, ST_MOVE_VOTES, cid, ev->question, ev->into, 2) ||
		    run_ints(s, ST_DELETE_VOTES, cid, ev->question, 0, 1) || save_question(s, cid, stt, ev->question))
			return -1;
		return save_votes(s, cid, stt, ev->question, ST_PARK_VOTE);
	case CORE_EV_QUESTION_UNMERGED:
		/* The two questions' vote rows made again from the state, which holds them exactly. */
		if (run_ints(s, ST_UNPARK_VOTES, cid, ev->question, 0, 1) || save_question(s, cid, stt, ev->question) ||
		    run_ints(s, ST_DELETE_VOTES, cid, ev->into, 0, 1) ||
		    save_votes(s, cid, stt, ev->question, ST_INSERT_VOTE))
			return -1;
		return save_votes(s, cid, stt, ev->into, ST_INSERT_VOTE);
	case CORE_EV_ANSWERING:
		return store_set_consultation(s, ST_SET_ANSWERING, cid, ev->question);
	case CORE_EV_NEXT:
		return store_set_consultation(s, ST_SET_NEXT, cid, ev->question);
	case CORE_EV_AGENDA_CURRENT:
	case CORE_EV_QUESTIONS_MOVED:
		/* QA-6: the questions it moved, each row as it is now. */
		for (uint32_t i = 0; i < ev->nids; i++)
			if (save_question(s, cid, stt, ev->ids[i]))
				return -1;
		return ev->kind == CORE_EV_AGENDA_CURRENT ? store_set_consultation(s, ST_SET_CURRENT, cid, ev->segment)
		                                          : 0;
	case CORE_EV_SEGMENT_OPENED:
	case CORE_EV_SEGMENT_CLOSED:
		return save_segment(s, cid, stt, ev->segment);
	case CORE_EV_CLOCK:
		st = s->stmt[ST_SET_CLOCK];
		sqlite3_bind_int(st, 1, (int)stt->clock);
		sqlite3_bind_int64(st, 2, stt->clock_started_at);
		store_bind_id(st, 3, cid);
		if (store_run(s, st))
			return -1;
		for (int i = 0; i < ev->ntiming; i++)
			if (save_segment(s, cid, stt, ev->timing_segment[i]))
				return -1;
		return 0;
	case CORE_EV_FLOOR:
		st = s->stmt[ST_SET_FLOOR];
		sqlite3_bind_text(st, 1, core_lang_name(stt->floor_now), -1, SQLITE_STATIC);
		store_bind_id(st, 2, cid);
		return store_run(s, st);
	case CORE_EV_RULE_ACCEPTED:
		st = s->stmt[ST_INSERT_ACCEPTANCE];
		store_bind_id(st, 1, cid);
		sqlite3_bind_blob(st, 2, ev->author.b, CORE_PSEUD_LEN, SQLITE_STATIC);
		return store_run(s, st);
	case CORE_EV_NOTE:
		st = s->stmt[ST_SAVE_NOTE];
		store_bind_id(st, 1, cid);
		sqlite3_bind_int(st, 2, ev->segment);
		sqlite3_bind_text(st, 3, ev->text_len ? ev->text : "", (int)ev->text_len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, ev->version);
		return store_run(s, st);
	case CORE_EV_PARAPHRASE: {
		/* evolved into stt before it is stored: paras[i].id == i + 1 */
		assert(ev->paraphrase >= 1 && ev->paraphrase <= stt->nparas);
		const core_paraphrase *p = &stt->paras[ev->paraphrase - 1];
		st = s->stmt[ST_SAVE_PARAPHRASE];
		store_bind_id(st, 1, cid);
		sqlite3_bind_int64(st, 2, p->id);
		sqlite3_bind_int(st, 3, p->segment);
		sqlite3_bind_text(st, 4, p->theme, -1, SQLITE_STATIC);
		if (!p->deleted)
			sqlite3_bind_text(st, 5, p->text, (int)p->text_len, SQLITE_STATIC);
		sqlite3_bind_int(st, 6, p->included);
		return store_run(s, st);
	}
	case CORE_EV_SEALED:
		for (uint32_t i = 1; i <= stt->nquestions; i++)
			if (save_question(s, cid, stt, i))
				return -1;
		if (run_ints(s, ST_SEAL_VOTES, cid, 0, 0, 0) || run_ints(s, ST_SEAL_PARKED, cid, 0, 0, 0) ||
		    run_ints(s, ST_SEAL_ACCEPTANCE, cid, 0, 0, 0) || run_ints(s, ST_SEAL_RECEIPTS, cid, 0, 0, 0) ||
		    run_ints(s, ST_SEAL_ATTENDANCE, cid, 0, 0, 0) || store_credential_seal(s, cid))
			return -1;
		if (store_poll_append(s, cid, stt, ev))
			return -1;
		return store_set_consultation(s, ST_SEAL, cid, stt->participants);
	case CORE_EV_GUARD:
		return save_guard(s, cid, &stt->agenda, stt->link_paused_until, stt->queue_paused_until);
	case CORE_EV_FINALISED:
		return store_set_consultation(s, ST_SET_FINAL, cid, stt->final);
	case CORE_EV_POLL_CREATED:
	case CORE_EV_POLL_STATE:
	case CORE_EV_POLL_ANSWERED:
		return store_poll_append(s, cid, stt, ev);
	case CORE_EV_SPEAKERS:
		return store_count_speaker(s, cid, ev);
	case CORE_EV_COUNT:
		return -1;
	default:
		return save_question(s, cid, stt, ev->question);
	}
}

rt_err store_append(store *s, const core_state *stt, const core_event *events, int n)
{
	const char *cid = stt->agenda.id;
	int stored = 0;
	for (int i = 0; i < n; i++)
		stored += !core_event_ephemeral(&events[i]);
	if (stored == 0)
		return RT_OK;
	if (store_begin(s))
		return RT_E_SERVER_UNAVAILABLE;
	/* A savepoint would let one failed command leave the batch's others intact; a failed
	 * statement here means the database is failing, so the whole batch is refused instead. */
	uint64_t seq = 0;
	for (int i = 0; i < n; i++) {
		if (core_event_ephemeral(&events[i]))
			continue; /* never stored: booth signals (LC-4) */
		if (append_one(s, cid, stt, &events[i]))
			goto fail;
		seq = events[i].seq;
	}
	if (seq && store_set_consultation(s, ST_SET_SEQ, cid, (int64_t)seq))
		goto fail;
	return RT_OK;
fail:
	store_note_failure(s, "writing events");
	return RT_E_SERVER_UNAVAILABLE;
}

/* --- receipts (PL-3) --------------------------------------------------------------------- */

rt_err store_find_receipt(store *s, const char *cid, const uint8_t key[STORE_RECEIPT_KEY_BYTES], char **ack,
                          size_t *len, uint8_t digest[STORE_DIGEST_BYTES])
{
	sqlite3_stmt *st = s->stmt[ST_FIND_RECEIPT];
	store_bind_id(st, 1, cid);
	sqlite3_bind_blob(st, 2, key, STORE_RECEIPT_KEY_BYTES, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	rt_err err = store_found(rc);
	if (!err) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		const void *b = sqlite3_column_blob(st, 0);
		*ack = malloc(n ? n : 1);
		if (*ack) {
			memcpy(*ack, b, n);
			*len = n;
			memset(digest, 0, STORE_DIGEST_BYTES);
			if (sqlite3_column_bytes(st, 1) == STORE_DIGEST_BYTES)
				memcpy(digest, sqlite3_column_blob(st, 1), STORE_DIGEST_BYTES);
		} else {
			err = RT_E_SERVER_UNAVAILABLE;
		}
	}
	store_done(st);
	return err;
}

rt_err store_put_receipt(store *s, const char *cid, const uint8_t key[STORE_RECEIPT_KEY_BYTES], const void *ack,
                         size_t len, const uint8_t digest[STORE_DIGEST_BYTES])
{
	if (store_begin(s))
		return RT_E_SERVER_UNAVAILABLE;
	sqlite3_stmt *st = s->stmt[ST_INSERT_RECEIPT];
	store_bind_id(st, 1, cid);
	sqlite3_bind_blob(st, 2, key, STORE_RECEIPT_KEY_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, ack, (int)len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, digest, STORE_DIGEST_BYTES, SQLITE_STATIC);
	if (store_run(s, st)) {
		store_note_failure(s, "keeping an ack");
		return RT_E_SERVER_UNAVAILABLE;
	}
	return RT_OK;
}
