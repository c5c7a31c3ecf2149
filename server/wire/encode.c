/* encode.c — what the server sends (protocol v1): the snapshot, events, acks, errors, report
 * documents, and the role links for organisers' scripts. It builds the documented shapes only;
 * nothing that identifies a participant is ever written. Not decoding (decode.c). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"
#include "messages.gen.h" /* made from protocol/messages/ by cmake/messages.cmake */
#include "wire.h"

/* Serialises j (and drops the caller's reference to it) into a new buffer. */
static wire_buf *to_buf(json_t *j, size_t headroom)
{
	char *s = wire_json_text(j);
	wire_buf *b = s ? wire_buf_new(s, strlen(s), headroom) : NULL;
	free(s);
	return b;
}

/* The question view; `moderation`: for the co-chairs and rapporteurs, who alone learn that its
 * text may identify someone (CHR-6), never the public nor its author. */
static json_t *question_json(const core_question *q, bool moderation)
{
	json_t *j = json_pack("{s:I, s:i, s:s%, s:s, s:s, s:I, s:b, s:b}", "id", (json_int_t)q->id, "segment",
	                      (int)q->segment, "text", q->text, (size_t)q->text_len, "lang", core_lang_name(q->lang),
	                      "state", core_qstate_name(q->state), "votes", (json_int_t)q->votes, "edited", q->edited,
	                      "pinned", q->pinned);
	if (j && q->state == CORE_Q_MERGED)
		json_object_set_new(j, "into", json_integer(q->into));
	if (j && moderation && q->may_identify)
		json_object_set_new(j, "may_identify", json_true());
	if (j)
		json_object_set_new(j, "version", json_integer(q->version));
	return j;
}

/* A question id, or null for 0. */
static json_t *id_or_null(uint32_t id)
{
	return id ? json_integer(id) : json_null();
}

/* A time in server ms, or null for 0. */
static json_t *ms_or_null(int64_t ms)
{
	return ms ? json_integer((json_int_t)ms) : json_null();
}

static json_t *clock_json(const core_state *st)
{
	const core_timing *t = &st->timing[st->current_segment];
	return json_pack("{s:s, s:i, s:o, s:I, s:I}", "state", core_clock_state_name(st->clock), "segment",
	                 (int)st->current_segment, "started_at",
	                 ms_or_null(st->clock == CORE_CLOCK_RUNNING ? st->clock_started_at : 0), "elapsed_ms",
	                 (json_int_t)t->elapsed_ms, "allotted_ms", (json_int_t)t->allotted_ms);
}

static json_t *timing_json(const core_state *st)
{
	json_t *a = json_array();
	for (int i = 0; i < st->agenda.nsegments; i++) {
		const core_timing *t = &st->timing[i];
		json_array_append_new(a, json_pack("{s:o, s:I, s:I}", "started_at", ms_or_null(t->started_at),
		                                   "elapsed_ms", (json_int_t)t->elapsed_ms, "allotted_ms",
		                                   (json_int_t)t->allotted_ms));
	}
	return a;
}

/* AG-1, LC-2: sets `key` on obj to a text's other languages (CORE_LANG_COUNT of `stride` bytes
 * from in, "" where the agenda gives none), when there is any. Every language goes to every
 * viewer: a snapshot is encoded once per role (PERF-1), and a viewer may change language at any
 * time without asking the server again. */
static void texts_set(json_t *obj, const char *key, const char *in, size_t stride)
{
	json_t *t = NULL;
	for (int l = 0; obj && l < CORE_LANG_COUNT; l++) {
		const char *text = in + (size_t)l * stride;
		if (text[0] && (t || (t = json_object())))
			json_object_set_new(t, core_lang_name((core_lang)l), json_string(text));
	}
	if (t)
		json_object_set_new(obj, key, t);
}

/* LC-1: each language's listening instructions that the agenda sets. */
static json_t *listening_json(const core_agenda *a)
{
	json_t *j = json_object();
	for (int l = 0; l < CORE_LANG_COUNT; l++) {
		const core_listening *li = &a->listening[l];
		if (!li->zoom_channel[0] && !li->note[0])
			continue;
		json_t *v = json_object();
		if (li->zoom_channel[0])
			json_object_set_new(v, "zoom_channel", json_string(li->zoom_channel));
		if (li->note[0])
			json_object_set_new(v, "note", json_string(li->note));
		if (li->note[0])
			texts_set(v, "notes", li->note_in[0], sizeof li->note_in[0]);
		json_object_set_new(j, core_lang_name((core_lang)l), v);
	}
	return j;
}

static json_t *consultation_json(const core_state *st)
{
	const core_agenda *a = &st->agenda;
	json_t *segs = json_array(), *chans = json_array();
	for (int i = 0; i < a->nsegments; i++) {
		const core_segment *s = &a->segments[i];
		char start[6];
		snprintf(start, sizeof start, "%02u:%02u", (unsigned)(s->start_min / 60 % 24),
		         (unsigned)(s->start_min % 60));
		json_t *seg =
		    json_pack("{s:s, s:s, s:s, s:i, s:b, s:s}", "title", s->title, "kind",
		              core_segment_kind_name(s->kind), "start", start, "duration", (int)s->duration_min,
		              "questions", s->questions_open, "rule", s->chatham_house ? "chatham_house" : "on_record");
		if (seg && s->date[0])
			json_object_set_new(seg, "date", json_string(s->date));
		texts_set(seg, "titles", s->title_in[0], sizeof s->title_in[0]);
		if (seg && s->speaking_minutes)
			json_object_set_new(seg, "speaking_minutes", json_integer(s->speaking_minutes));
		json_array_append_new(segs, seg);
	}
	for (int i = 0; i < a->nchannels; i++)
		json_array_append_new(chans, json_string(core_lang_name(a->channels[i])));
	json_t *c = json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:{s:i, s:i}, s:o, s:i, s:o}", "id", a->id, "title",
	                      a->title, "timezone", a->timezone, "floor", core_lang_name(a->floor), "channels", chans,
	                      "premoderation", a->premoderation, "limits", "open_questions", (int)a->max_open_questions,
	                      "votes_per_minute", (int)a->votes_per_minute, "segments", segs, "current_segment",
	                      (int)st->current_segment, "answering", id_or_null(st->answering));
	if (c && a->date[0])
		json_object_set_new(c, "date", json_string(a->date));
	texts_set(c, "titles", a->title_in[0], sizeof a->title_in[0]);
	if (c)
		json_object_set_new(c, "listening", listening_json(a));
	if (c)
		json_object_set_new(c, "sealed", json_boolean(st->sealed));
	if (c)
		json_object_set_new(c, "final", json_boolean(st->final)); /* EX-7 */
	if (c) {
		json_object_set_new(c, "floor_now", json_string(core_lang_name(st->floor_now)));
		json_object_set_new(c, "clock", clock_json(st));
		json_object_set_new(c, "timing", timing_json(st));
		json_object_set_new(c, "clock_settings",
		                    json_pack("{s:i, s:i}", "warning_minutes", (int)a->warning_minutes,
		                              "close_questions_minutes", (int)a->close_minutes));
	}
	return c;
}

/* LC-6: each offered language's listeners as this audience may see them (banded). */
static json_t *listeners_json(const core_state *st, core_audience aud)
{
	json_t *j = json_object();
	const core_agenda *a = &st->agenda;
	for (int i = -1; i < a->nchannels; i++) {
		core_lang l = i < 0 ? a->floor : a->channels[i];
		/* The co-chairs see the band held for a minute after the count fell below it. */
		uint32_t floor = st->shown_floor[l];
		core_band b = aud == CORE_AUD_BOOTHS ? core_band_for(aud, st->listeners[l]) : core_band_for(aud, floor);
		json_t *v = json_pack("{s:s}", "band", core_band_name(b));
		if (v && b == CORE_BAND_RANGE) {
			json_object_set_new(v, "min", json_integer(floor));
			if (core_band_ceiling(floor))
				json_object_set_new(v, "max", json_integer(core_band_ceiling(floor)));
		}
		json_object_set_new(j, core_lang_name(l), v);
	}
	return j;
}

static json_t *paraphrase_json(const core_paraphrase *p)
{
	return json_pack("{s:I, s:i, s:s, s:s%, s:b}", "id", (json_int_t)p->id, "segment", (int)p->segment, "theme",
	                 p->theme, "text", p->text, (size_t)p->text_len, "included", p->included);
}

static json_t *note_json(const core_state *st, int seg)
{
	const core_note *n = &st->notes[seg];
	return json_pack("{s:i, s:s%, s:I}", "segment", seg, "text", n->text ? n->text : "", (size_t)n->text_len,
	                 "version", (json_int_t)n->version);
}

/* EX-1: the rapporteurs' workspace: every segment's note, the themes and report marks of
 * questions, and the paraphrases. */
static json_t *workspace_json(const core_state *st)
{
	json_t *notes = json_array(), *marks = json_array(), *paras = json_array();
	for (int i = 0; i < st->agenda.nsegments; i++)
		json_array_append_new(notes, note_json(st, i));
	for (uint32_t i = 0; i < st->nquestions; i++) {
		const core_question *q = &st->questions[i];
		if (q->theme[0] || q->reported)
			json_array_append_new(marks, json_pack("{s:I, s:s, s:b}", "question", (json_int_t)q->id,
			                                       "theme", q->theme, "included", q->reported));
	}
	for (uint32_t i = 0; i < st->nparas; i++)
		if (!st->paras[i].deleted)
			json_array_append_new(paras, paraphrase_json(&st->paras[i]));
	return json_pack("{s:o, s:o, s:o}", "notes", notes, "questions", marks, "paraphrases", paras);
}

/* The longest text the core takes in each field, in code points: clients count against these
 * (protocol/README.md, "limits") rather than a copy of their own. */
static json_t *limits_json(void)
{
	return json_pack("{s:i, s:i, s:i, s:i}", "question", CORE_TEXT_MAX_CP, "paraphrase", CORE_TEXT_MAX_CP, "note",
	                 CORE_NOTE_MAX_CP, "theme", CORE_THEME_MAX_CP);
}

/* AB-3: one pause as clients see it; `until` null when it lasts until resumed. */
static json_t *pause_json(int64_t until)
{
	return json_pack("{s:b, s:o}", "paused", until != 0, "until",
	                 until && until != CORE_PAUSED_UNTIL_RESUMED ? json_integer((json_int_t)until) : json_null());
}

/* Abuse from the open link: the pauses and who votes; for moderators, the open link's votes
 * and the pending cap (AB-1, AB-3, AB-7). */
static json_t *guard_json(const core_state *st, core_audience aud)
{
	json_t *g = json_pack("{s:o, s:o, s:s}", "link", pause_json(st->link_paused_until), "queue",
	                      pause_json(st->queue_paused_until), "voting",
	                      st->agenda.voting_invitations ? "invitations" : "everyone");
	if (g && aud == CORE_AUD_MODERATION) {
		json_t *by = json_array();
		for (uint32_t i = 0; i < st->nquestions; i++)
			if (st->questions[i].open_votes)
				json_array_append_new(by, json_pack("[I, I]", (json_int_t)st->questions[i].id,
				                                    (json_int_t)st->questions[i].open_votes));
		json_object_set_new(g, "open_votes", json_integer(core_open_votes_total(st)));
		json_object_set_new(g, "open_votes_by_question", by);
		json_object_set_new(g, "pending_max", json_integer(core_max_pending(&st->agenda)));
	}
	return g;
}

/* CHR-5: once sealed, how many questions lost their text by state, for the moderators, in
 * place of the questions themselves. */
static json_t *unpublished_json(const core_state *st)
{
	json_int_t n[CORE_Q_STATE_COUNT] = {0};
	for (uint32_t i = 0; i < st->nquestions; i++)
		if (core_question_unpublished(&st->questions[i]))
			n[st->questions[i].state]++;
	return json_pack("{s:I, s:I, s:I, s:I}", "pending", n[CORE_Q_PENDING], "rejected", n[CORE_Q_REJECTED],
	                 "withdrawn", n[CORE_Q_WITHDRAWN], "merged", n[CORE_Q_MERGED]);
}

/* What a snapshot tells this connection of itself alone: its questions and votes, whether it
 * accepted the Rule, its booth channel. */
static json_t *you_json(const core_state *st, const core_actor *actor)
{
	const core_pseud *pseud = actor->has_pseud ? &actor->pseud : NULL;
	json_t *mine = json_array(), *voted = json_array();
	for (uint32_t i = 0; pseud && i < st->nquestions; i++) {
		const core_question *q = &st->questions[i];
		if (memcmp(q->author.b, pseud->b, CORE_PSEUD_LEN) == 0)
			json_array_append_new(mine, json_integer(q->id));
		else if (core_visible(core_role_audience(actor->role), q->state) && core_has_voted(st, q->id, pseud))
			json_array_append_new(voted, json_integer(q->id));
	}
	json_t *you = json_pack("{s:o, s:o}", "mine", mine, "voted", voted);
	if (you && actor->role == CORE_ROLE_BOOTH)
		json_object_set_new(you, "channel", json_string(core_lang_name(actor->channel)));
	/* CHR-2: whether this participant has accepted the Rule (nobody else learns it). */
	if (you && pseud)
		json_object_set_new(you, "rule_accepted", json_boolean(core_rule_accepted(st, pseud)));
	/* AB-5: the open link may not vote where only invitations do; the page says so. */
	if (you && pseud && actor->open_link && st->agenda.voting_invitations)
		json_object_set_new(you, "open_link", json_true());
	if (you && pseud && st->nanswers) /* POLL-1: its answers to open polls */
		json_object_set_new(you, "polls", wire_my_answers_json(st, pseud));
	/* FLOOR-1: their own ticket on the list of speakers. */
	if (you && pseud && core_speaker_ticket(st, pseud))
		json_object_set_new(you, "ticket", json_integer(core_speaker_ticket(st, pseud)));
	return you;
}

/* The snapshot without "you": the questions `aud` sees (and, when `own` is set, that
 * participant's own questions whatever their state), the consultation as `role` sees it. */
static json_t *snapshot_json(const core_state *st, core_role role, const core_pseud *own)
{
	core_audience aud = core_role_audience(role);
	json_t *qs = json_array();
	for (uint32_t i = 0; i < st->nquestions; i++) {
		const core_question *q = &st->questions[i];
		bool own_q = own && memcmp(q->author.b, own->b, CORE_PSEUD_LEN) == 0;
		if ((!core_visible(aud, q->state) && !own_q) || (st->sealed && core_question_unpublished(q)))
			continue; /* CHR-5: once sealed, only questions that kept their text */
		json_array_append_new(qs, question_json(q, aud == CORE_AUD_MODERATION));
	}
	json_t *consultation = consultation_json(st);
	/* LC-5: the question selected next is for the co-chairs, the rapporteur and the booths. */
	if (consultation && (aud == CORE_AUD_MODERATION || role == CORE_ROLE_BOOTH))
		json_object_set_new(consultation, "next", id_or_null(st->next_up));
	/* LC-6: listener bands for the co-chairs and the booths; never for participants. */
	if (consultation && (role == CORE_ROLE_COCHAIR || role == CORE_ROLE_BOOTH))
		json_object_set_new(consultation, "listeners",
		                    listeners_json(st, role == CORE_ROLE_BOOTH ? CORE_AUD_BOOTHS : CORE_AUD_COCHAIRS));
	if (consultation && role == CORE_ROLE_RAPPORTEUR)
		json_object_set_new(consultation, "workspace", workspace_json(st));
	if (consultation)
		json_object_set_new(consultation, "guard", guard_json(st, aud));
	if (consultation && st->sealed && aud == CORE_AUD_MODERATION)
		json_object_set_new(consultation, "unpublished", unpublished_json(st));
	if (consultation) /* FLOOR-1 */
		json_object_set_new(consultation, "speakers", wire_speakers_json(st, aud));
	json_t *snap =
	    json_pack("{s:s, s:I, s:s, s:o, s:o, s:o}", "type", "snapshot", "seq", (json_int_t)st->seq, "role",
	              core_role_name(role), "consultation", consultation, "questions", qs, "limits", limits_json());
	if (snap && st->npolls) /* POLL-1 */
		json_object_set_new(snap, "polls", wire_polls_json(st, aud));
	return snap;
}

bool wire_snapshot_shareable(const core_state *st, const core_actor *actor)
{
	if (!actor->has_pseud)
		return true;
	core_audience aud = core_role_audience(actor->role);
	for (uint32_t i = 0; i < st->nquestions; i++) {
		const core_question *q = &st->questions[i];
		if (!core_visible(aud, q->state) && memcmp(q->author.b, actor->pseud.b, CORE_PSEUD_LEN) == 0)
			return false;
	}
	return true;
}

wire_buf *wire_encode_snapshot_shared(const core_state *st, core_role role)
{
	return to_buf(snapshot_json(st, role, NULL), 0);
}

/* The shared part's text with `,"you":{...}` before its closing brace. */
static wire_buf *splice_you(const unsigned char *shared, size_t len, json_t *you, size_t headroom)
{
	char *y = wire_json_text(you);
	if (!y || len < 2 || shared[len - 1] != '}') {
		free(y);
		return NULL;
	}
	static const unsigned char key[] = {',', '"', 'y', 'o', 'u', '"', ':'}; /* ,"you": */
	size_t ylen = strlen(y), n = len - 1 + sizeof key + ylen + 1;
	wire_buf *b = malloc(sizeof *b + headroom + n);
	if (b) {
		b->refs = 1;
		b->headroom = headroom;
		b->len = n;
		unsigned char *p = wire_buf_payload(b);
		memcpy(p, shared, len - 1);
		memcpy(p + len - 1, key, sizeof key);
		memcpy(p + len - 1 + sizeof key, y, ylen + 1); /* its terminator's place is the closing brace's */
		p[n - 1] = '}';
	}
	free(y);
	return b;
}

wire_buf *wire_encode_snapshot_for(wire_buf *shared, const core_state *st, const core_actor *actor, size_t headroom)
{
	return splice_you(wire_buf_payload(shared), shared->len, you_json(st, actor), headroom);
}

wire_buf *wire_encode_snapshot(const core_state *st, const core_actor *actor, size_t headroom)
{
	if (wire_snapshot_shareable(st, actor)) {
		wire_buf *shared = wire_encode_snapshot_shared(st, actor->role);
		wire_buf *b = shared ? wire_encode_snapshot_for(shared, st, actor, headroom) : NULL;
		wire_buf_unref(shared);
		return b;
	}
	/* Their own questions the audience does not see are theirs alone: a snapshot of its own. */
	json_t *j = snapshot_json(st, actor->role, &actor->pseud);
	char *text = wire_json_text(j);
	wire_buf *b =
	    text ? splice_you((const unsigned char *)text, strlen(text), you_json(st, actor), headroom) : NULL;
	free(text);
	return b;
}

/* The message type of each event, as the schemas' "$comment"s name them; the public audience
 * learns of a question posted without pre-moderation as it learns of any question becoming
 * live. */
static const char *const event_types[CORE_EV_COUNT] = {WIRE_EVENT_TYPES};

wire_buf *wire_encode_votes_changed(const uint32_t (*pairs)[2], int n, size_t headroom)
{
	json_t *votes = json_array();
	for (int i = 0; votes && i < n; i++)
		if (json_array_append_new(votes,
		                          json_pack("[I, I]", (json_int_t)pairs[i][0], (json_int_t)pairs[i][1]))) {
			json_decref(votes);
			votes = NULL;
		}
	return votes ? to_buf(json_pack("{s:s, s:o}", "type", "votes.changed", "votes", votes), headroom) : NULL;
}

/* QA-6: the ids of the questions an event moved that this audience may see. */
static json_t *moved_json(const core_state *st, const core_event *ev, core_audience aud)
{
	json_t *a = json_array();
	for (uint32_t i = 0; a && i < ev->nids; i++) {
		const core_question *q = core_question_get(st, ev->ids[i]);
		if (q && core_visible(aud, q->state))
			json_array_append_new(a, json_integer(q->id));
	}
	return a;
}

wire_buf *wire_encode_event(const core_state *st, const core_event *ev, core_audience aud, size_t headroom)
{
	if ((unsigned)ev->kind >= CORE_EV_COUNT)
		return NULL;
	const char *type = event_types[ev->kind];
	if (ev->kind == CORE_EV_QUESTION_POSTED && aud == CORE_AUD_PUBLIC)
		type = "question.approved";
	json_int_t seq = (json_int_t)ev->seq;
	switch (ev->kind) {
	case CORE_EV_ANSWERING:
		return to_buf(
		    json_pack("{s:s, s:I, s:o}", "type", type, "seq", seq, "question", id_or_null(ev->question)),
		    headroom);
	case CORE_EV_AGENDA_CURRENT:
		/* QA-6: the segment left and the questions carried over from it; with carry_over, an
		 * author's own pending questions of `from` came along too (the public list leaves them
		 * out, QA-2). */
		return to_buf(json_pack("{s:s, s:I, s:i, s:i, s:o, s:b}", "type", type, "seq", seq, "segment",
		                        (int)ev->segment, "from", (int)ev->from, "carried", moved_json(st, ev, aud),
		                        "carry_over", !st->agenda.segments[ev->segment].starts_empty),
		              headroom);
	case CORE_EV_QUESTIONS_MOVED:
		return to_buf(json_pack("{s:s, s:I, s:i, s:o}", "type", type, "seq", seq, "segment", (int)ev->segment,
		                        "questions", moved_json(st, ev, aud)),
		              headroom);
	case CORE_EV_SEGMENT_OPENED:
	case CORE_EV_SEGMENT_CLOSED:
		return to_buf(json_pack("{s:s, s:I, s:i}", "type", type, "seq", seq, "segment", (int)ev->segment),
		              headroom);
	case CORE_EV_CLOCK:
		return to_buf(json_pack("{s:s, s:I, s:o, s:o}", "type", type, "seq", seq, "clock", clock_json(st),
		                        "timing", timing_json(st)),
		              headroom);
	case CORE_EV_NEXT: {
		/* The question's view, so that a booth can read it before the room sees it. */
		const core_question *nq = core_question_get(st, ev->question);
		return to_buf(json_pack("{s:s, s:I, s:o}", "type", type, "seq", seq, "question",
		                        nq ? question_json(nq, aud == CORE_AUD_MODERATION) : json_null()),
		              headroom);
	}
	case CORE_EV_SIGNAL:
	case CORE_EV_BOOTH_ACK:
		/* Ephemeral: no seq, and nothing that says which connection sent a signal, nor which
		 * co-chair saw it (LC-4). */
		return to_buf(json_pack("{s:s, s:s, s:s}", "type", type, "channel", core_lang_name(ev->lang), "signal",
		                        core_signal_name(ev->signal)),
		              headroom);
	case CORE_EV_FLOOR:
		return to_buf(json_pack("{s:s, s:I, s:s}", "type", type, "seq", seq, "lang", core_lang_name(ev->lang)),
		              headroom);
	case CORE_EV_PRESENCE:
		/* Ephemeral, banded for its audience, and nothing about whose choice changed it. */
		if (aud != CORE_AUD_COCHAIRS && aud != CORE_AUD_BOOTHS)
			return NULL;
		return to_buf(json_pack("{s:s, s:o}", "type", type, "listeners", listeners_json(st, aud)), headroom);
	case CORE_EV_SEALED:
		/* CHR-5: the moderators learn what the seal deleted, counted, so that their view drops it. */
		if (aud == CORE_AUD_MODERATION)
			return to_buf(
			    json_pack("{s:s, s:I, s:o}", "type", type, "seq", seq, "unpublished", unpublished_json(st)),
			    headroom);
		return to_buf(json_pack("{s:s, s:I}", "type", type, "seq", seq), headroom);
	case CORE_EV_RULE_ACCEPTED:
	case CORE_EV_FINALISED:
		return to_buf(json_pack("{s:s, s:I}", "type", type, "seq", seq), headroom);
	case CORE_EV_GUARD:
		return to_buf(json_pack("{s:s, s:I, s:o, s:o}", "type", type, "seq", seq, "link",
		                        pause_json(ev->link_until), "queue", pause_json(ev->queue_until)),
		              headroom);
	case CORE_EV_JOINED:
		/* AB-2: ephemeral, counts only; nothing about the network or who joined. */
		return to_buf(json_pack("{s:s, s:I, s:i}", "type", type, "new_participants", (json_int_t)ev->count,
		                        "seconds", CORE_NEW_DEVICE_WINDOW_MS / 1000),
		              headroom);
	case CORE_EV_SPEAKERS:
		return to_buf(
		    json_pack("{s:s, s:I, s:o}", "type", type, "seq", seq, "speakers", wire_speakers_json(st, aud)),
		    headroom);
	case CORE_EV_NOTE:
		return to_buf(
		    json_pack("{s:s, s:I, s:o}", "type", type, "seq", seq, "note", note_json(st, ev->segment)),
		    headroom);
	case CORE_EV_PARAPHRASE: {
		const core_paraphrase *p = &st->paras[ev->paraphrase - 1];
		if (p->deleted)
			return to_buf(json_pack("{s:s, s:I, s:I}", "type", "paraphrase.deleted", "seq", seq,
			                        "paraphrase", (json_int_t)p->id),
			              headroom);
		return to_buf(json_pack("{s:s, s:I, s:o}", "type", type, "seq", seq, "paraphrase", paraphrase_json(p)),
		              headroom);
	}
	case CORE_EV_POLL_CREATED:
	case CORE_EV_POLL_STATE:
	case CORE_EV_POLL_ANSWERED: {
		/* POLL-1: the moderators see the (suppressed) totals live, the room once shown; the
		 * participant who answered, their own answer and nothing of others'. */
		const core_poll *p = core_poll_get(st, ev->poll);
		if (!p)
			return NULL;
		json_t *j = json_pack("{s:s, s:I, s:o}", "type", type, "seq", seq, "poll",
		                      wire_poll_json(st, p, aud == CORE_AUD_MODERATION || p->shown));
		if (j && ev->kind == CORE_EV_POLL_ANSWERED && aud == CORE_AUD_AUTHOR)
			json_object_set_new(j, "mine", wire_poll_answer_json(ev->poll_answer));
		return to_buf(j, headroom);
	}
	case CORE_EV_TAGGED:
	case CORE_EV_REPORTED: {
		const core_question *tq = core_question_get(st, ev->question);
		if (!tq)
			return NULL;
		return to_buf(json_pack("{s:s, s:I, s:I, s:s, s:b}", "type", type, "seq", seq, "question",
		                        (json_int_t)tq->id, "theme", tq->theme, "included", tq->reported),
		              headroom);
	}
	default:
		break;
	}
	const core_question *q = core_question_get(st, ev->question);
	if (!q)
		return NULL;
	if (ev->kind == CORE_EV_VOTE_ADDED || ev->kind == CORE_EV_VOTE_REMOVED)
		return to_buf(json_pack("{s:s, s:I, s:I, s:I}", "type", type, "seq", seq, "question", (json_int_t)q->id,
		                        "votes", (json_int_t)ev->votes),
		              headroom);
	json_t *j = json_pack("{s:s, s:I, s:o}", "type", type, "seq", seq, "question",
	                      question_json(q, aud == CORE_AUD_MODERATION));
	if (j && (ev->kind == CORE_EV_QUESTION_MERGED || ev->kind == CORE_EV_QUESTION_UNMERGED)) {
		const core_question *into = core_question_get(st, ev->into);
		/* As it was right after the merge: later events of a batch may change it again. */
		json_t *iv = into ? question_json(into, aud == CORE_AUD_MODERATION) : NULL;
		if (iv)
			json_object_set_new(iv, "votes", json_integer(ev->votes));
		json_object_set_new(j, "into", iv ? iv : json_null());
	}
	return to_buf(j, headroom);
}

wire_buf *wire_encode_ack(const core_state *st, const char *id, uint64_t seq, const core_command *cmd,
                          uint32_t question, const core_actor *actor, size_t headroom)
{
	json_t *result = json_object();
	/* AB-4: question.reject_all's `question` is how many it rejected. */
	if (cmd->kind == CORE_CMD_QUESTION_REJECT_ALL) {
		json_object_set_new(result, "rejected", json_integer(question));
		question = 0;
	}
	const core_question *q = core_question_get(st, question);
	if (q)
		json_object_set_new(result, "question",
		                    question_json(q, core_role_audience(actor->role) == CORE_AUD_MODERATION));
	if (q && (cmd->kind == CORE_CMD_QUESTION_VOTE || cmd->kind == CORE_CMD_QUESTION_UNVOTE) && actor->has_pseud)
		json_object_set_new(result, "voted", json_boolean(core_has_voted(st, q->id, &actor->pseud)));
	if (cmd->kind == CORE_CMD_QUESTION_ANSWER_NOW)
		json_object_set_new(result, "answering", id_or_null(st->answering));
	if (cmd->kind == CORE_CMD_QUESTION_NEXT)
		json_object_set_new(result, "next", id_or_null(st->next_up));
	if (cmd->kind == CORE_CMD_SEGMENT_OPEN || cmd->kind == CORE_CMD_SEGMENT_CLOSE ||
	    cmd->kind == CORE_CMD_AGENDA_GOTO || (cmd->kind == CORE_CMD_QUESTION_MOVE && cmd->nquestions))
		json_object_set_new(result, "segment", json_integer(cmd->segment));
	if (cmd->kind == CORE_CMD_RULE_ACCEPT)
		json_object_set_new(result, "rule_accepted", json_true());
	if (cmd->kind == CORE_CMD_NOTE_SET && cmd->segment < st->agenda.nsegments)
		json_object_set_new(result, "note", note_json(st, cmd->segment));
	if (cmd->kind == CORE_CMD_POLL_CREATE || cmd->kind == CORE_CMD_POLL_OPEN || cmd->kind == CORE_CMD_POLL_CLOSE ||
	    cmd->kind == CORE_CMD_POLL_SHOW || cmd->kind == CORE_CMD_POLL_ANSWER)
		json_object_set_new(result, "poll",
		                    json_integer(cmd->kind == CORE_CMD_POLL_CREATE ? st->npolls : cmd->poll));
	/* FLOOR-1: the sender's own ticket; the ticket a co-chair called. */
	uint32_t ticket = cmd->kind == CORE_CMD_SPEAKER_REQUEST && actor->has_pseud
	                      ? core_speaker_ticket(st, &actor->pseud)
	                  : cmd->kind == CORE_CMD_SPEAKER_CALL ? st->speakers.current.ticket
	                                                       : 0;
	if (ticket)
		json_object_set_new(result, "ticket", json_integer(ticket));
	if (cmd->kind == CORE_CMD_PARAPHRASE_SAVE) {
		/* A new paraphrase always makes an event, so it is the last one. */
		const core_paraphrase *p = core_paraphrase_get(st, cmd->paraphrase ? cmd->paraphrase : st->nparas);
		if (p)
			json_object_set_new(result, "paraphrase", paraphrase_json(p));
	}
	return to_buf(
	    json_pack("{s:s, s:s, s:I, s:o}", "type", "ack", "id", id, "seq", (json_int_t)seq, "result", result),
	    headroom);
}

wire_buf *wire_encode_error(const char *id, rt_err err, const char *field, const core_err_params *p, size_t headroom)
{
	/* Internal statuses stay inside the server; should one come here where asserts are compiled
	 * out, the client hears that its command failed and changed nothing. */
	assert(rt_err_public(err));
	if (!rt_err_public(err))
		err = RT_E_SERVER_UNAVAILABLE;
	json_t *j = json_pack("{s:s, s:o, s:s}", "type", "error", "id", id && id[0] ? json_string(id) : json_null(),
	                      "code", rt_err_code(err));
	if (!j)
		return NULL;
	json_t *params = json_object();
	if (field && field[0])
		json_object_set_new(params, "field", json_string(field));
	if (p && p->state >= 0 && p->state < CORE_Q_STATE_COUNT) {
		json_object_set_new(params, "state", json_string(core_qstate_name((core_qstate)p->state)));
		json_object_set_new(params, "question", json_integer(p->question));
		if (p->into)
			json_object_set_new(params, "into", json_integer(p->into));
	}
	/* QA-6: which of several questions was not found. */
	if (p && p->question && (p->state < 0 || p->state >= CORE_Q_STATE_COUNT))
		json_object_set_new(params, "question", json_integer(p->question));
	if (p && p->clock_state >= 0 && p->clock_state < CORE_CLOCK_STATE_COUNT)
		json_object_set_new(params, "state",
		                    json_string(core_clock_state_name((core_clock_state)p->clock_state)));
	if (p && p->segment >= 0)
		json_object_set_new(params, "segment", json_integer(p->segment));
	if (p && p->max > 0)
		json_object_set_new(params, "max", json_integer(p->max));
	if (p && p->seconds > 0)
		json_object_set_new(params, "seconds", json_integer(p->seconds));
	if (p && p->version >= 0)
		json_object_set_new(params, "version", json_integer(p->version));
	/* AB-6: what a new device key's proof of work must meet. */
	if (p && p->bits > 0)
		json_object_set_new(params, "bits", json_integer(p->bits));
	if (p && p->consultation)
		json_object_set_new(params, "consultation", json_string(p->consultation));
	/* CHR-6: what the scrubber found, to the sender only (it is their own text). */
	if (p && p->nfinds > 0 && p->text) {
		json_t *found = json_array();
		for (int i = 0; i < p->nfinds && i < CORE_SCRUB_MAX_FINDS; i++) {
			const core_find *f = &p->finds[i];
			json_array_append_new(found, json_pack("{s:s, s:s%, s:s}", "kind", core_find_kind_name(f->kind),
			                                       "text", p->text + f->start, (size_t)(f->end - f->start),
			                                       "placeholder", core_find_placeholder(f->kind, f->lang)));
		}
		json_object_set_new(params, "found", found);
	}
	if (json_object_size(params))
		json_object_set_new(j, "params", params);
	else
		json_decref(params);
	return to_buf(j, headroom);
}

wire_buf *wire_encode_clock_now(const char *id, int64_t now_ms, size_t headroom)
{
	return to_buf(json_pack("{s:s, s:s, s:I}", "type", "clock.now", "id", id, "now", (json_int_t)now_ms), headroom);
}

wire_buf *wire_encode_resumed(uint64_t since, uint64_t seq, size_t headroom)
{
	return to_buf(
	    json_pack("{s:s, s:I, s:I}", "type", "resumed", "since", (json_int_t)since, "seq", (json_int_t)seq),
	    headroom);
}

wire_buf *wire_encode_document(const char *id, const char *format, const char *filename, const char *media_type,
                               const char *content, size_t len, size_t headroom)
{
	return to_buf(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s%}", "type", "report.document", "id", id, "format",
	                        format, "filename", filename, "media_type", media_type, "content", content, len),
	              headroom);
}

char *wire_encode_links(const core_agenda *agenda, const wire_link *links, int n)
{
	json_t *all = json_object(), *inv = json_array(), *booth = json_object();
	for (int i = 0; i < n; i++) {
		const wire_link *l = &links[i];
		if (l->role == CORE_ROLE_PARTICIPANT && l->personal)
			json_array_append_new(inv, json_string(l->url));
		else if (l->role == CORE_ROLE_BOOTH)
			json_object_set_new(booth, l->label, json_string(l->url));
		else
			json_object_set_new(all, core_role_name(l->role), json_string(l->url));
	}
	json_object_set_new(all, "invitations", inv);
	json_object_set_new(all, "booth", booth);
	json_t *j = json_pack("{s:s, s:s, s:o}", "consultation", agenda->id, "title", agenda->title, "links", all);
	char *out = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
	json_decref(j);
	return out;
}
