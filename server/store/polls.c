/* polls.c — the rows of polls (POLL-1): each poll's definition, state and, once closed, its
 * totals; and the answers to an open poll, by pseudonym, only until it closes or the
 * consultation is sealed (CHR-5: then no row links an answer to anyone). It decides nothing:
 * the core did. Not the rows of questions and votes (events.c). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "internal.h"

/* Runs a statement prepared for this one use, in the open transaction, and finalizes it. */
static int run_once(store *s, sqlite3_stmt *st)
{
	return st && store_write_once(s, st) == RT_OK ? 0 : -1;
}

static int save_text(store *s, const char *cid, uint32_t poll, int option, int lang, const char *text)
{
	sqlite3_stmt *st =
	    store_prepare(s, "INSERT INTO poll_text (consultation, poll, option, lang, text) VALUES (?, ?, ?, ?, ?)");
	if (!st)
		return -1;
	store_bind_id(st, 1, cid);
	sqlite3_bind_int64(st, 2, poll);
	sqlite3_bind_int(st, 3, option);
	sqlite3_bind_text(st, 4, core_lang_name((core_lang)lang), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
	return run_once(s, st);
}

static int create_poll(store *s, const char *cid, const core_poll *p)
{
	sqlite3_stmt *st = store_prepare(s, "INSERT INTO poll (consultation, id, kind, segment, state, shown) "
	                                    "VALUES (?, ?, ?, ?, ?, ?)");
	if (!st)
		return -1;
	store_bind_id(st, 1, cid);
	sqlite3_bind_int64(st, 2, p->id);
	sqlite3_bind_text(st, 3, core_poll_kind_name(p->def.kind), -1, SQLITE_STATIC);
	if (p->def.segment != CORE_POLL_NO_SEGMENT)
		sqlite3_bind_int(st, 4, p->def.segment);
	sqlite3_bind_text(st, 5, core_poll_state_name(p->state), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, p->shown);
	if (run_once(s, st))
		return -1;
	for (int l = 0; l < CORE_LANG_COUNT; l++) {
		if (p->def.text[l][0] && save_text(s, cid, p->id, -1, l, p->def.text[l]))
			return -1;
		for (int o = 0; o < p->def.noptions; o++)
			if (p->def.options[o][l][0] && save_text(s, cid, p->id, o, l, p->def.options[o][l]))
				return -1;
	}
	return 0;
}

/* Deletes every answer row of one poll (poll 0: of every poll of the consultation). */
static int delete_answers(store *s, const char *cid, uint32_t poll)
{
	sqlite3_stmt *st = store_prepare(s, poll ? "DELETE FROM poll_answer WHERE consultation = ? AND poll = ?"
	                                         : "DELETE FROM poll_answer WHERE consultation = ?");
	if (!st)
		return -1;
	store_bind_id(st, 1, cid);
	if (poll)
		sqlite3_bind_int64(st, 2, poll);
	return run_once(s, st);
}

/* The poll's state and, once it is closed, its totals: the only record of its answers left. */
static int save_state(store *s, const char *cid, const core_poll *p)
{
	char counts[CORE_POLL_MAX_OPTIONS * 11 + 1] = "";
	size_t used = 0;
	for (int i = 0; i < CORE_POLL_MAX_OPTIONS && p->state == CORE_POLL_CLOSED; i++)
		used += (size_t)snprintf(counts + used, sizeof counts - used, "%s%u", i ? " " : "", p->counts[i]);
	sqlite3_stmt *st = store_prepare(s, "UPDATE poll SET state = ?, shown = ?, respondents = ?, counts = ? "
	                                    "WHERE consultation = ? AND id = ?");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, core_poll_state_name(p->state), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, p->shown);
	sqlite3_bind_int64(st, 3, p->state == CORE_POLL_CLOSED ? p->respondents : 0);
	sqlite3_bind_text(st, 4, counts, -1, SQLITE_STATIC);
	store_bind_id(st, 5, cid);
	sqlite3_bind_int64(st, 6, p->id);
	if (run_once(s, st))
		return -1;
	if (p->state != CORE_POLL_CLOSED)
		return 0;
	for (uint32_t i = 0; i < p->nwords; i++) {
		st = store_prepare(
		    s, "INSERT OR REPLACE INTO poll_word (consultation, poll, word, count) VALUES (?, ?, ?, ?)");
		if (!st)
			return -1;
		store_bind_id(st, 1, cid);
		sqlite3_bind_int64(st, 2, p->id);
		sqlite3_bind_text(st, 3, p->words[i].word, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, p->words[i].count);
		if (run_once(s, st))
			return -1;
	}
	return delete_answers(s, cid, p->id);
}

static int save_answer(store *s, const char *cid, const core_event *ev)
{
	const core_poll_answer *a = ev->poll_answer;
	sqlite3_stmt *st =
	    store_prepare(s, "INSERT OR REPLACE INTO poll_answer (consultation, poll, who, choices, value, "
	                     "word1, word2, word3) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return -1;
	store_bind_id(st, 1, cid);
	sqlite3_bind_int64(st, 2, ev->poll);
	sqlite3_bind_blob(st, 3, ev->author.b, CORE_PSEUD_LEN, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, a->choices);
	sqlite3_bind_int(st, 5, a->value);
	for (int i = 0; i < a->nwords && i < CORE_POLL_MAX_WORDS; i++)
		sqlite3_bind_text(st, 6 + i, a->words[i], -1, SQLITE_STATIC);
	return run_once(s, st);
}

int store_poll_append(store *s, const char *cid, const core_state *stt, const core_event *ev)
{
	assert(s->in_txn);
	if (ev->kind == CORE_EV_SEALED) {
		/* CHR-5: every poll closed, its totals written, no answer row left. */
		for (uint32_t i = 0; i < stt->npolls; i++)
			if (save_state(s, cid, &stt->polls[i]))
				return -1;
		return delete_answers(s, cid, 0);
	}
	const core_poll *p = core_poll_get(stt, ev->poll);
	if (!p)
		return -1;
	switch (ev->kind) {
	case CORE_EV_POLL_CREATED:
		return create_poll(s, cid, p);
	case CORE_EV_POLL_STATE:
		return save_state(s, cid, p);
	case CORE_EV_POLL_ANSWERED:
		return save_answer(s, cid, ev);
	default:
		return -1;
	}
}

/* --- load ---------------------------------------------------------------------------------- */

static int load_texts(store *s, const char *cid, uint32_t poll, core_poll_def *d)
{
	sqlite3_stmt *st =
	    store_prepare(s, "SELECT option, lang, text FROM poll_text WHERE consultation = ? AND poll = ?");
	if (!st)
		return -1;
	store_bind_id(st, 1, cid);
	sqlite3_bind_int64(st, 2, poll);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int option = sqlite3_column_int(st, 0);
		int lang = core_lang_parse((const char *)sqlite3_column_text(st, 1));
		if (lang < 0 || option >= CORE_POLL_MAX_OPTIONS)
			continue;
		if (option < 0)
			store_column_copy(st, 2, d->text[lang], sizeof d->text[lang]);
		else
			store_column_copy(st, 2, d->options[option][lang], sizeof d->options[option][lang]);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int load_words(store *s, const char *cid, core_state *stt, uint32_t poll, uint32_t respondents,
                      const uint32_t *counts)
{
	core_poll_word *words = calloc(CORE_POLL_MAX_CLOUD, sizeof *words);
	sqlite3_stmt *st =
	    words ? store_prepare(s,
	                          "SELECT word, count FROM poll_word WHERE consultation = ? AND poll = ? ORDER BY word")
	          : NULL;
	if (!st) {
		free(words);
		return -1;
	}
	store_bind_id(st, 1, cid);
	sqlite3_bind_int64(st, 2, poll);
	uint32_t n = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < CORE_POLL_MAX_CLOUD) {
		store_column_copy(st, 0, words[n].word, sizeof words[n].word);
		words[n++].count = (uint32_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	int ok = (rc == SQLITE_DONE || rc == SQLITE_ROW) &&
	         core_poll_restore_totals(stt, poll, respondents, counts, words, n) == 0;
	free(words);
	return ok ? 0 : -1;
}

static int load_answers(store *s, const char *cid, core_state *stt)
{
	sqlite3_stmt *st = store_prepare(s, "SELECT poll, who, choices, value, word1, word2, word3 FROM poll_answer "
	                                    "WHERE consultation = ?");
	if (!st)
		return -1;
	store_bind_id(st, 1, cid);
	int rc;
	core_poll_answer a;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		core_pseud who;
		memset(&a, 0, sizeof a);
		store_column_pseud(st, 1, &who);
		a.choices = (uint16_t)sqlite3_column_int(st, 2);
		a.value = (uint8_t)sqlite3_column_int(st, 3);
		for (int i = 0; i < CORE_POLL_MAX_WORDS; i++)
			if (sqlite3_column_type(st, 4 + i) != SQLITE_NULL)
				store_column_copy(st, 4 + i, a.words[a.nwords++], sizeof a.words[0]);
		if (core_poll_restore_answer(stt, (uint32_t)sqlite3_column_int64(st, 0), &who, &a)) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	memset(&a, 0, sizeof a);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int store_poll_load(store *s, const char *cid, core_state *stt)
{
	sqlite3_stmt *st = store_prepare(s, "SELECT id, kind, segment, state, shown, respondents, counts FROM poll "
	                                    "WHERE consultation = ? ORDER BY id");
	if (!st)
		return -1;
	store_bind_id(st, 1, cid);
	core_poll_def *d = malloc(sizeof *d);
	if (!d) {
		sqlite3_finalize(st);
		return -1;
	}
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(d, 0, sizeof *d);
		uint32_t id = (uint32_t)sqlite3_column_int64(st, 0);
		int kind = core_poll_kind_parse((const char *)sqlite3_column_text(st, 1));
		d->kind = kind < 0 ? CORE_POLL_SINGLE : (core_poll_kind)kind;
		d->segment = sqlite3_column_type(st, 2) == SQLITE_NULL ? CORE_POLL_NO_SEGMENT
		                                                       : (uint16_t)sqlite3_column_int(st, 2);
		int state = core_poll_state_parse((const char *)sqlite3_column_text(st, 3));
		if (load_texts(s, cid, id, d)) {
			rc = SQLITE_ERROR;
			break;
		}
		for (d->noptions = 0; d->noptions < CORE_POLL_MAX_OPTIONS; d->noptions++) {
			bool any = false;
			for (int l = 0; l < CORE_LANG_COUNT; l++)
				any = any || d->options[d->noptions][l][0];
			if (!any)
				break;
		}
		core_event ev = {.kind = CORE_EV_POLL_CREATED,
		                 .poll = id,
		                 .poll_def = d,
		                 .poll_state = state < 0 ? CORE_POLL_DRAFT : (core_poll_state)state,
		                 .included = sqlite3_column_int(st, 4) != 0};
		if (core_evolve(stt, &ev)) {
			rc = SQLITE_ERROR;
			break;
		}
		if (ev.poll_state != CORE_POLL_CLOSED)
			continue;
		uint32_t counts[CORE_POLL_MAX_OPTIONS] = {0};
		const char *c = (const char *)sqlite3_column_text(st, 6);
		for (int i = 0; c && *c && i < CORE_POLL_MAX_OPTIONS; i++) {
			char *end;
			counts[i] = (uint32_t)strtoul(c, &end, 10);
			c = end;
		}
		if (load_words(s, cid, stt, id, (uint32_t)sqlite3_column_int64(st, 5), counts)) {
			rc = SQLITE_ERROR;
			break;
		}
	}
	free(d);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? load_answers(s, cid, stt) : -1;
}
