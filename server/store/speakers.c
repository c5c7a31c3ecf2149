/* speakers.c — what the store keeps of the list of speakers (FLOOR-1): each segment's time
 * budget of one intervention, from the agenda, and how many interventions were requested and
 * taken per segment and language, for the report. Never a ticket, a pseudonym or a time: the
 * list itself lives in memory only (server/core/speakers.c). */
#include <sqlite3.h>

#include "internal.h"

int store_save_speaking(store *s, const core_agenda *a)
{
	for (int i = 0; i < a->nsegments; i++) {
		if (!a->segments[i].speaking_minutes)
			continue;
		sqlite3_stmt *st = s->stmt[ST_SAVE_SPEAKING];
		sqlite3_bind_int(st, 1, a->segments[i].speaking_minutes);
		store_bind_id(st, 2, a->id);
		sqlite3_bind_int(st, 3, i);
		if (store_run(s, st))
			return -1;
	}
	return 0;
}

int store_load_speakers(store *s, const char *cid, core_state *stt)
{
	sqlite3_stmt *st = s->stmt[ST_LOAD_SPEAKING];
	store_bind_id(st, 1, cid);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int i = sqlite3_column_int(st, 0), m = sqlite3_column_int(st, 1);
		if (i >= 0 && i < stt->agenda.nsegments && m >= 0 && m <= CORE_MAX_SPEAKING_MINUTES)
			stt->agenda.segments[i].speaking_minutes = (uint8_t)m;
	}
	store_done(st);
	if (rc != SQLITE_DONE)
		return -1;
	core_speakers *sp = &stt->speakers;
	st = s->stmt[ST_LOAD_SPEAKER_COUNTS];
	store_bind_id(st, 1, cid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int seg = sqlite3_column_int(st, 0);
		int lang = core_lang_parse((const char *)sqlite3_column_text(st, 1));
		if (seg < 0 || seg >= stt->agenda.nsegments || lang < 0)
			continue;
		sp->requested[seg][lang] = (uint32_t)sqlite3_column_int64(st, 2);
		sp->taken[seg][lang] = (uint32_t)sqlite3_column_int64(st, 3);
		/* Tickets go on from the requests counted: a number is never given twice. */
		sp->last_ticket += sp->requested[seg][lang];
	}
	store_done(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int store_count_speaker(store *s, const char *cid, const core_event *ev)
{
	bool requested = ev->speaker_op == CORE_SPEAKER_REQUESTED, taken = ev->speaker_op == CORE_SPEAKER_CALLED;
	if (!requested && !taken)
		return 0;
	sqlite3_stmt *st = s->stmt[ST_COUNT_SPEAKER];
	store_bind_id(st, 1, cid);
	sqlite3_bind_int(st, 2, ev->segment);
	sqlite3_bind_text(st, 3, core_lang_name(ev->lang), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, requested);
	sqlite3_bind_int(st, 5, taken);
	return store_run(s, st);
}
