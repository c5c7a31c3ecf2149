/* poll.c — anonymous polls (POLL-1): a co-chair prepares one (single or multiple choice, a 1-5
 * scale, a word cloud), opens it by hand or with its agenda segment, participants answer once
 * and may change their answer while it is open, and its close collapses the answers to totals.
 * Pure. Not how a result is published (the suppression lives in report.c, used below), nor its
 * encoding (server/wire) or storage (server/store). */
#include <assert.h>
#include <stdlib.h>

#include "internal.h"
#include "poll.h"

static const char *const kind_names[CORE_POLL_KIND_COUNT] = {"single", "multiple", "scale", "words"};
static const char *const state_names[CORE_POLL_STATE_COUNT] = {"draft", "open", "closed"};

const char *core_poll_kind_name(core_poll_kind k)
{
	return (unsigned)k < CORE_POLL_KIND_COUNT ? kind_names[k] : "single";
}

const char *core_poll_state_name(core_poll_state s)
{
	return (unsigned)s < CORE_POLL_STATE_COUNT ? state_names[s] : "draft";
}

static int parse_name(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

int core_poll_kind_parse(const char *s)
{
	return parse_name(kind_names, CORE_POLL_KIND_COUNT, s);
}

int core_poll_state_parse(const char *s)
{
	return parse_name(state_names, CORE_POLL_STATE_COUNT, s);
}

const core_poll *core_poll_get(const core_state *st, uint32_t id)
{
	if (id == 0 || id > st->npolls)
		return NULL;
	assert(st->polls[id - 1].id == id);
	return &st->polls[id - 1];
}

const char *core_poll_text(const core_state *st, const core_poll *p, int option, core_lang lang)
{
	core_lang l = (unsigned)lang < CORE_LANG_COUNT ? lang : st->agenda.floor;
	const char *t = option < 0 ? p->def.text[l] : p->def.options[option][l];
	if (t[0])
		return t;
	return option < 0 ? p->def.text[st->agenda.floor] : p->def.options[option][st->agenda.floor];
}

uint32_t core_poll_cells(const core_poll *p)
{
	if (p->def.kind == CORE_POLL_SCALE)
		return CORE_POLL_SCALE_MAX;
	if (p->def.kind == CORE_POLL_WORDS)
		return p->nwords;
	return (uint32_t)p->def.noptions;
}

/* --- answers by pseudonym, while a poll is open ------------------------------------------ */

static core_poll_slot *answer_find(const core_state *st, uint32_t poll, const core_pseud *who)
{
	for (uint32_t i = 0; i < st->nanswers; i++)
		if (st->poll_answers[i].poll == poll && same_pseud(&st->poll_answers[i].who, who))
			return &st->poll_answers[i];
	return NULL;
}

const core_poll_answer *core_poll_answer_of(const core_state *st, uint32_t poll, const core_pseud *who)
{
	const core_poll_slot *s = answer_find(st, poll, who);
	return s ? &s->answer : NULL;
}

/* The cloud's entry for this word, or NULL. */
static core_poll_word *word_find(const core_poll *p, const char *w)
{
	for (uint32_t i = 0; i < p->nwords; i++)
		if (strcmp(p->words[i].word, w) == 0)
			return &p->words[i];
	return NULL;
}

/* Adds (delta 1) or takes away (-1) one answer from the poll's totals. A cloud counts at most
 * CORE_POLL_MAX_CLOUD distinct words; a word that finds no room is not counted. */
static int tally(core_poll *p, const core_poll_answer *a, int delta)
{
	p->respondents = (uint32_t)((int64_t)p->respondents + delta);
	if (p->def.kind == CORE_POLL_SCALE) {
		if (a->value >= 1 && a->value <= CORE_POLL_SCALE_MAX)
			p->counts[a->value - 1] = (uint32_t)((int64_t)p->counts[a->value - 1] + delta);
		return 0;
	}
	if (p->def.kind != CORE_POLL_WORDS) {
		for (int i = 0; i < p->def.noptions; i++)
			if (a->choices & (1u << i))
				p->counts[i] = (uint32_t)((int64_t)p->counts[i] + delta);
		return 0;
	}
	for (int i = 0; i < a->nwords; i++) {
		core_poll_word *w = word_find(p, a->words[i]);
		if (!w && delta > 0 && p->nwords < CORE_POLL_MAX_CLOUD) {
			/* room for CORE_POLL_MAX_CLOUD at once: a cloud is small */
			if (!p->words && !(p->words = calloc(CORE_POLL_MAX_CLOUD, sizeof *p->words)))
				return -1;
			w = &p->words[p->nwords++];
			memcpy(w->word, a->words[i], sizeof w->word);
			w->count = 0;
		}
		if (!w)
			continue;
		w->count = (uint32_t)((int64_t)w->count + delta);
		if (w->count == 0) {
			/* the last one who wrote it changed their mind: the word goes */
			*w = p->words[--p->nwords];
			core_wipe(&p->words[p->nwords], sizeof p->words[p->nwords]);
		}
	}
	return 0;
}

int core_poll_restore_answer(core_state *st, uint32_t poll, const core_pseud *who, const core_poll_answer *a)
{
	const core_poll *p = core_poll_get(st, poll);
	if (!p || p->state != CORE_POLL_OPEN)
		return -1;
	core_event ev = {.kind = CORE_EV_POLL_ANSWERED, .poll = poll, .author = *who, .poll_answer = a};
	return core_evolve(st, &ev);
}

int core_poll_restore_totals(core_state *st, uint32_t poll, uint32_t respondents, const uint32_t *counts,
                             const core_poll_word *words, uint32_t nwords)
{
	if (poll == 0 || poll > st->npolls || nwords > CORE_POLL_MAX_CLOUD)
		return -1;
	core_poll *p = &st->polls[poll - 1];
	p->respondents = respondents;
	memcpy(p->counts, counts, sizeof p->counts);
	if (nwords) {
		if (!p->words && !(p->words = calloc(CORE_POLL_MAX_CLOUD, sizeof *p->words)))
			return -1;
		memcpy(p->words, words, nwords * sizeof *words);
	}
	p->nwords = nwords;
	return 0;
}

/* The poll closed (or the consultation sealed): every answer to it is wiped, the totals stay. */
static void collapse(core_state *st, uint32_t poll)
{
	uint32_t kept = 0;
	for (uint32_t i = 0; i < st->nanswers; i++) {
		if (st->poll_answers[i].poll == poll)
			continue;
		if (kept != i)
			st->poll_answers[kept] = st->poll_answers[i];
		kept++;
	}
	if (kept < st->nanswers)
		core_wipe(&st->poll_answers[kept], (st->nanswers - kept) * sizeof *st->poll_answers);
	st->nanswers = kept;
}

/* --- the result anyone may see ----------------------------------------------------------- */

/* Whether word x comes before y: most written first, then by bytes, the same order every time. */
static bool word_before(const core_poll_word *x, const core_poll_word *y)
{
	return x->count != y->count ? x->count > y->count : strcmp(x->word, y->word) < 0;
}

void core_poll_result_of(const core_poll *p, uint32_t k, core_poll_result *out)
{
	memset(out, 0, sizeof *out);
	out->respondents = p->respondents;
	/* Fewer than k respondents: only that it had too few. */
	if (p->respondents < k)
		return;
	if (p->def.kind == CORE_POLL_WORDS) {
		/* A word fewer than k wrote is left out: the respondents, not the words, are the
		 * published total, so no hidden word can be worked out from the others (EX-4). */
		for (uint32_t i = 0; i < p->nwords; i++) {
			if (!p->words[i].count || core_report_cell(p->words[i].count, k) != CORE_CELL_SHOWN)
				continue;
			uint32_t at = out->nwords++; /* insertion: a cloud is at most CORE_POLL_MAX_CLOUD words */
			for (; at > 0 && word_before(&p->words[i], out->words[at - 1]); at--)
				out->words[at] = out->words[at - 1];
			out->words[at] = &p->words[i];
		}
		out->published = true;
		return;
	}
	out->ncells = (int)core_poll_cells(p);
	memcpy(out->values, p->counts, sizeof out->values);
	/* EX-4, the report's own suppression: counts 1..k-1 hidden, and others with them when a
	 * hidden count could be worked out from the respondents. */
	out->published = core_report_suppress(out->values, out->ncells, k, out->cells);
}

/* --- decide ------------------------------------------------------------------------------- */

/* One text of a definition, cleaned (QA-1's cleaning: NFC, no bidi overrides) in place. */
static rt_err clean_into(char *dst, size_t cap, const char *src, size_t max_cp, bool required)
{
	size_t len = strlen(src), outlen, ncp;
	if (len == 0) {
		dst[0] = '\0';
		return required ? RT_E_POLL_INVALID : RT_OK;
	}
	rt_err err = core_text_clean(src, len, max_cp, dst, cap, &outlen, &ncp);
	if (err == RT_E_QUESTION_TEXT_EMPTY && !required) {
		dst[0] = '\0';
		return RT_OK;
	}
	return err ? RT_E_POLL_INVALID : RT_OK;
}

static rt_err decide_create(const core_state *st, const core_command *cmd, core_decision *out)
{
	const core_poll_def *in = cmd->poll_def;
	core_poll_def *d = &out->poll_def;
	if (!in || (unsigned)in->kind >= CORE_POLL_KIND_COUNT)
		return RT_E_POLL_INVALID;
	if (st->npolls >= CORE_MAX_POLLS) {
		out->err.max = CORE_MAX_POLLS;
		return RT_E_POLL_INVALID;
	}
	if (in->segment != CORE_POLL_NO_SEGMENT) {
		rt_err err = core_segment_exists(st, in->segment, out);
		if (err)
			return err;
	}
	bool choice = in->kind == CORE_POLL_SINGLE || in->kind == CORE_POLL_MULTIPLE;
	if (choice ? in->noptions < 2 || in->noptions > CORE_POLL_MAX_OPTIONS : in->noptions != 0)
		return RT_E_POLL_INVALID;
	memset(d, 0, sizeof *d);
	d->kind = in->kind;
	d->segment = in->segment;
	d->noptions = in->noptions;
	core_lang floor = st->agenda.floor;
	/* Every text in a language the consultation offers; the floor language's is required. */
	for (int l = 0; l < CORE_LANG_COUNT; l++) {
		bool offered = core_language_offered(&st->agenda, (core_lang)l);
		if (!offered && in->text[l][0])
			return RT_E_LANGUAGE_UNKNOWN;
		rt_err err =
		    clean_into(d->text[l], sizeof d->text[l], in->text[l], CORE_POLL_TEXT_MAX_CP, l == (int)floor);
		for (int o = 0; !err && o < in->noptions; o++) {
			if (!offered && in->options[o][l][0])
				return RT_E_LANGUAGE_UNKNOWN;
			err = clean_into(d->options[o][l], sizeof d->options[o][l], in->options[o][l],
			                 CORE_POLL_OPTION_MAX_CP, l == (int)floor);
		}
		if (err)
			return err;
	}
	core_event *ev = core_next_event(st, out, CORE_EV_POLL_CREATED, NULL);
	ev->poll = st->npolls + 1;
	ev->poll_def = d;
	ev->poll_state = CORE_POLL_DRAFT;
	return RT_OK;
}

static core_event *state_event(const core_state *st, core_decision *out, const core_poll *p, core_poll_state s,
                               bool shown)
{
	core_event *ev = core_next_event(st, out, CORE_EV_POLL_STATE, NULL);
	ev->poll = p->id;
	ev->poll_state = s;
	ev->included = shown;
	return ev;
}

/* One answer, checked against the poll and cleaned into out->poll_answer; words are checked
 * for identifying detail as questions are (CHR-6), and refused rather than replaced. */
static rt_err clean_answer(const core_state *st, const core_poll *p, const core_poll_answer *in, core_decision *out)
{
	core_poll_answer *a = &out->poll_answer;
	memset(a, 0, sizeof *a);
	int nchoices = 0;
	for (int i = 0; i < 16; i++)
		nchoices += (in->choices >> i) & 1;
	switch (p->def.kind) {
	case CORE_POLL_SINGLE:
	case CORE_POLL_MULTIPLE:
		if (in->value || in->nwords || nchoices < 1 || (p->def.kind == CORE_POLL_SINGLE && nchoices != 1) ||
		    (in->choices >> p->def.noptions) != 0)
			return RT_E_POLL_INVALID_ANSWER;
		a->choices = in->choices;
		return RT_OK;
	case CORE_POLL_SCALE:
		if (in->choices || in->nwords || in->value < 1 || in->value > CORE_POLL_SCALE_MAX)
			return RT_E_POLL_INVALID_ANSWER;
		a->value = in->value;
		return RT_OK;
	case CORE_POLL_WORDS:
		break;
	default:
		return RT_E_POLL_INVALID_ANSWER;
	}
	if (in->choices || in->value || in->nwords < 1 || in->nwords > CORE_POLL_MAX_WORDS)
		return RT_E_POLL_INVALID_ANSWER;
	for (int i = 0; i < in->nwords; i++) {
		size_t len, ncp;
		char *w = a->words[a->nwords];
		if (core_text_clean(in->words[i], strlen(in->words[i]), CORE_POLL_WORD_MAX_CP, w, sizeof a->words[0],
		                    &len, &ncp))
			return RT_E_POLL_INVALID_ANSWER;
		int n = core_scrub_find(w, len, st->deny, (int)st->agenda.floor, out->err.finds, CORE_SCRUB_MAX_FINDS);
		if (n != 0)
			return RT_E_POLL_WORD_IDENTIFYING; /* nothing of the word goes back: it is the sender's */
		bool twice = false;
		for (int j = 0; j < a->nwords && !twice; j++)
			twice = strcmp(a->words[j], w) == 0;
		if (!twice)
			a->nwords++;
		else
			memset(w, 0, sizeof a->words[0]);
	}
	return RT_OK;
}

static bool same_answer(const core_poll_answer *a, const core_poll_answer *b)
{
	if (a->choices != b->choices || a->value != b->value || a->nwords != b->nwords)
		return false;
	for (int i = 0; i < a->nwords; i++)
		if (strcmp(a->words[i], b->words[i]) != 0)
			return false;
	return true;
}

static rt_err decide_answer(const core_state *st, const core_actor *actor, const core_command *cmd, core_decision *out)
{
	if (!core_rule_accepted(st, &actor->pseud))
		return RT_E_CHR_ACK_REQUIRED;
	const core_poll *p = core_poll_get(st, cmd->poll);
	/* A draft is the co-chairs' own: to a participant it does not exist. */
	if (!p || p->state == CORE_POLL_DRAFT)
		return RT_E_POLL_NOT_FOUND;
	if (p->state != CORE_POLL_OPEN)
		return RT_E_POLL_WRONG_STATE;
	/* AB-5: the consultation's voting rule holds for polls as for votes. */
	if (actor->open_link && st->agenda.voting_invitations)
		return RT_E_VOTE_INVITATIONS_ONLY;
	if (!cmd->poll_answer)
		return RT_E_POLL_INVALID_ANSWER;
	rt_err err = clean_answer(st, p, cmd->poll_answer, out);
	if (err)
		return err;
	const core_poll_answer *had = core_poll_answer_of(st, p->id, &actor->pseud);
	if (had && same_answer(had, &out->poll_answer))
		return RT_OK; /* the same answer again changes nothing */
	core_event *ev = core_next_event(st, out, CORE_EV_POLL_ANSWERED, NULL);
	ev->poll = p->id;
	ev->author = actor->pseud;
	ev->poll_answer = &out->poll_answer;
	return RT_OK;
}

rt_err core_decide_poll(const core_state *st, const core_actor *actor, const core_command *cmd, core_decision *out)
{
	if (cmd->kind == CORE_CMD_POLL_CREATE)
		return decide_create(st, cmd, out);
	if (cmd->kind == CORE_CMD_POLL_ANSWER)
		return decide_answer(st, actor, cmd, out);
	const core_poll *p = core_poll_get(st, cmd->poll);
	if (!p)
		return RT_E_POLL_NOT_FOUND;
	switch (cmd->kind) {
	case CORE_CMD_POLL_OPEN:
		if (p->state != CORE_POLL_DRAFT)
			return RT_E_POLL_WRONG_STATE;
		state_event(st, out, p, CORE_POLL_OPEN, p->shown);
		return RT_OK;
	case CORE_CMD_POLL_CLOSE:
		if (p->state != CORE_POLL_OPEN)
			return RT_E_POLL_WRONG_STATE;
		state_event(st, out, p, CORE_POLL_CLOSED, p->shown);
		return RT_OK;
	case CORE_CMD_POLL_SHOW:
		if (p->state == CORE_POLL_DRAFT)
			return RT_E_POLL_WRONG_STATE;
		if (p->shown != cmd->included)
			state_event(st, out, p, p->state, cmd->included);
		return RT_OK;
	default:
		assert(0 && "not a poll command");
		return RT_E_AUTH_FORBIDDEN;
	}
}

/* --- the agenda clock ---------------------------------------------------------------------- */

/* The poll the agenda clock opens or closes now, or NULL: a poll prepared for a segment opens
 * when the clock runs in that segment, and closes once another segment is current. */
static const core_poll *poll_due(const core_state *st)
{
	if (st->sealed)
		return NULL;
	for (uint32_t i = 0; i < st->npolls; i++) {
		const core_poll *p = &st->polls[i];
		if (p->def.segment == CORE_POLL_NO_SEGMENT)
			continue;
		bool here = p->def.segment == st->current_segment && st->clock == CORE_CLOCK_RUNNING;
		if ((p->state == CORE_POLL_DRAFT && here) ||
		    (p->state == CORE_POLL_OPEN && p->def.segment != st->current_segment))
			return p;
	}
	return NULL;
}

bool core_poll_due(const core_state *st)
{
	return poll_due(st) != NULL;
}

bool core_decide_poll_due(const core_state *st, core_decision *out)
{
	const core_poll *p = poll_due(st);
	if (!p)
		return false;
	state_event(st, out, p, p->state == CORE_POLL_DRAFT ? CORE_POLL_OPEN : CORE_POLL_CLOSED, p->shown);
	return true;
}

/* --- evolve -------------------------------------------------------------------------------- */

int core_evolve_poll(core_state *st, const core_event *ev)
{
	if (ev->kind == CORE_EV_POLL_CREATED) {
		if (ev->poll != st->npolls + 1 || !ev->poll_def)
			return -1;
		if (core_list_reserve((void **)&st->polls, &st->pollcap, st->npolls, sizeof *st->polls, 4))
			return -1;
		core_poll *p = &st->polls[st->npolls];
		memset(p, 0, sizeof *p);
		p->id = ev->poll;
		p->def = *ev->poll_def;
		p->state = ev->poll_state;
		p->shown = ev->included;
		st->npolls++;
		return 0;
	}
	if (ev->poll == 0 || ev->poll > st->npolls)
		return -1;
	core_poll *p = &st->polls[ev->poll - 1];
	if (ev->kind == CORE_EV_POLL_STATE) {
		p->state = ev->poll_state;
		p->shown = ev->included;
		if (p->state == CORE_POLL_CLOSED)
			collapse(st, p->id);
		return 0;
	}
	/* ANSWERED: the answer replaces the participant's earlier one in the totals. */
	core_poll_slot *slot = answer_find(st, p->id, &ev->author);
	if (!slot) {
		if (core_list_reserve((void **)&st->poll_answers, &st->answercap, st->nanswers,
		                      sizeof *st->poll_answers, 16))
			return -1;
		slot = &st->poll_answers[st->nanswers++];
		memset(slot, 0, sizeof *slot);
		slot->poll = p->id;
		slot->who = ev->author;
	} else {
		tally(p, &slot->answer, -1);
	}
	slot->answer = *ev->poll_answer;
	return tally(p, &slot->answer, 1);
}

void core_polls_seal(core_state *st)
{
	for (uint32_t i = 0; i < st->npolls; i++)
		if (st->polls[i].state == CORE_POLL_OPEN)
			st->polls[i].state = CORE_POLL_CLOSED;
	if (st->poll_answers)
		core_wipe(st->poll_answers, st->answercap * sizeof *st->poll_answers);
	free(st->poll_answers);
	st->poll_answers = NULL;
	st->nanswers = st->answercap = 0;
}

void core_polls_free(core_state *st)
{
	for (uint32_t i = 0; i < st->npolls; i++)
		free(st->polls[i].words);
	free(st->polls);
	free(st->poll_answers);
}
