/* state.c — the consultation state's life and look-ups: init and free, questions and
 * paraphrases by id, and the one open-addressing set behind votes, participants' memory-only
 * records, Rule acceptances and connections. No rule of the consultation is decided here. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void core_state_init(core_state *st, const core_agenda *agenda)
{
	assert(st && agenda);
	assert(agenda->nsegments <= CORE_MAX_SEGMENTS && agenda->nchannels <= CORE_MAX_CHANNELS);
	memset(st, 0, sizeof *st);
	st->agenda = *agenda;
	if (!st->agenda.max_open_questions)
		st->agenda.max_open_questions = CORE_DEFAULT_OPEN_QUESTIONS;
	if (!st->agenda.votes_per_minute)
		st->agenda.votes_per_minute = CORE_DEFAULT_VOTES_PER_MINUTE;
	if (st->agenda.nsegments < 1)
		st->agenda.nsegments = 1; /* a consultation always has a current segment */
	for (int i = 0; i < st->agenda.nsegments; i++)
		st->timing[i].allotted_ms = (int64_t)st->agenda.segments[i].duration_min * 60000;
	st->floor_now = st->agenda.floor;
}

void core_state_free(core_state *st)
{
	for (uint32_t i = 0; i < st->nquestions; i++)
		free(st->questions[i].text);
	for (uint32_t i = 0; i < st->nparas; i++)
		free(st->paras[i].text);
	for (int i = 0; i < CORE_MAX_SEGMENTS; i++)
		free(st->notes[i].text);
	free(st->questions);
	free(st->paras);
	free(st->votes);
	free(st->live);
	free(st->sessions);
	free(st->accepted);
	core_polls_free(st);
	memset(st, 0, sizeof *st);
}

const core_paraphrase *core_paraphrase_get(const core_state *st, uint32_t id)
{
	if (id == 0 || id > st->nparas || st->paras[id - 1].deleted)
		return NULL;
	assert(st->paras[id - 1].id == id);
	return &st->paras[id - 1];
}

const core_question *core_question_get(const core_state *st, uint32_t id)
{
	if (id == 0 || id > st->nquestions)
		return NULL;
	assert(st->questions[id - 1].id == id);
	return &st->questions[id - 1];
}

bool core_language_offered(const core_agenda *agenda, core_lang lang)
{
	if (lang == agenda->floor)
		return true;
	for (int i = 0; i < agenda->nchannels; i++)
		if (agenda->channels[i] == lang)
			return true;
	return false;
}

uint32_t core_open_questions(const core_state *st, const core_pseud *who)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < st->nquestions; i++) {
		const core_question *q = &st->questions[i];
		if ((q->state == CORE_Q_PENDING || q->state == CORE_Q_APPROVED) && same_pseud(&q->author, who))
			n++;
	}
	return n;
}

/* --- the set ----------------------------------------------------------------------------- */

/* One open-addressing set serves four tables of the state: linear probing, at most 3/4 full,
 * doubling from 64 slots, and removal by shifting the rest of a probe run back (no
 * tombstones). A slot of all zero bytes is empty; a slot is its own key. */
typedef struct set_kind {
	size_t size;                                /* bytes per slot */
	uint32_t (*hash)(const void *slot);         /* of the slot's key */
	bool (*taken)(const void *slot);            /* not empty */
	bool (*same)(const void *a, const void *b); /* the same key */
} set_kind;

/* Where one table of the state keeps its slots, capacity and count. */
typedef struct set {
	const set_kind *kind;
	void **slots;
	uint32_t *cap, *used;
} set;

#define SET_MIN_CAP 64u

static void *slot_at(const set *s, uint32_t i)
{
	return (char *)*s->slots + (size_t)i * s->kind->size;
}

/* The slot holding key, or the empty slot where it would go; NULL when the table is empty. */
static void *set_find(const set *s, const void *key)
{
	uint32_t cap = *s->cap;
	if (cap == 0)
		return NULL;
	assert((cap & (cap - 1)) == 0 && *s->used < cap); /* a power of two, never full */
	uint32_t mask = cap - 1;
	for (uint32_t i = s->kind->hash(key) & mask;; i = (i + 1) & mask) {
		void *slot = slot_at(s, i);
		if (!s->kind->taken(slot) || s->kind->same(slot, key))
			return slot;
	}
}

/* Makes room for n more entries, growing the table (its entries rehashed); -1 when out of
 * memory, the table unchanged. */
static int set_reserve(const set *s, uint32_t n)
{
	uint32_t ocap = *s->cap, ncap = ocap ? ocap : SET_MIN_CAP;
	while (((uint64_t)*s->used + n) * 4 > (uint64_t)ncap * 3)
		ncap *= 2;
	if (ncap == ocap)
		return 0;
	void *old = *s->slots, *fresh = calloc(ncap, s->kind->size);
	if (!fresh)
		return -1;
	*s->slots = fresh;
	*s->cap = ncap;
	for (uint32_t i = 0; i < ocap; i++) {
		const void *o = (const char *)old + (size_t)i * s->kind->size;
		if (!s->kind->taken(o))
			continue;
		void *slot = set_find(s, o);
		assert(slot && !s->kind->taken(slot));
		memcpy(slot, o, s->kind->size);
	}
	free(old);
	return 0;
}

/* The slot of key, taken (zeroed but for the key) when it was empty; the caller reserved room. */
static void *set_put(const set *s, const void *key)
{
	void *slot = set_find(s, key);
	assert(slot);
	if (!s->kind->taken(slot)) {
		memcpy(slot, key, s->kind->size);
		(*s->used)++;
		assert(((uint64_t)*s->used) * 4 <= (uint64_t)*s->cap * 3);
	}
	return slot;
}

/* Empties a taken slot, moving later entries of its probe run back into the hole. */
static void set_remove(const set *s, void *slot)
{
	uint32_t mask = *s->cap - 1;
	size_t size = s->kind->size;
	uint32_t hole = (uint32_t)(((char *)slot - (char *)*s->slots) / size);
	assert(hole <= mask && s->kind->taken(slot) && *s->used > 0);
	for (uint32_t i = (hole + 1) & mask; s->kind->taken(slot_at(s, i)); i = (i + 1) & mask) {
		uint32_t home = s->kind->hash(slot_at(s, i)) & mask;
		/* Move it into the hole unless its home lies cyclically in (hole, i]. */
		if (((i - home) & mask) >= ((i - hole) & mask)) {
			memcpy(slot_at(s, hole), slot_at(s, i), size);
			hole = i;
		}
	}
	memset(slot_at(s, hole), 0, size);
	(*s->used)--;
}

/* CHR-5: memory that held linkage is overwritten before it is given back. The call goes
 * through a volatile pointer so that the compiler cannot drop it as a dead store. */
static void *(*const volatile wipe_memset)(void *, int, size_t) = memset;

void core_wipe(void *p, size_t n)
{
	if (p && n)
		wipe_memset(p, 0, n);
}

static void set_wipe(const set *s)
{
	core_wipe(*s->slots, (size_t)*s->cap * s->kind->size);
	free(*s->slots);
	*s->slots = NULL;
	*s->cap = *s->used = 0;
}

/* Pseudonyms are HMAC output, so their bytes are already uniform. */
static uint32_t pseud_hash(const core_pseud *p)
{
	uint32_t h;
	memcpy(&h, p->b, sizeof h);
	return h;
}

/* --- votes: which pseudonym upvoted which question --------------------------------------- */

/* Mixes the question id into the voter's pseudonym. */
static uint32_t vote_hash(const void *slot)
{
	const core_vote_slot *v = slot;
	uint64_t h;
	memcpy(&h, v->voter.b, sizeof h);
	h ^= (uint64_t)v->question * 0x9E3779B97F4A7C15ull;
	h ^= h >> 29;
	return (uint32_t)h;
}
static bool vote_taken(const void *slot)
{
	return ((const core_vote_slot *)slot)->question != 0;
}
static bool vote_same(const void *a, const void *b)
{
	const core_vote_slot *x = a, *y = b;
	return x->question == y->question && same_pseud(&x->voter, &y->voter);
}
static const set_kind vote_kind = {sizeof(core_vote_slot), vote_hash, vote_taken, vote_same};

static set votes(const core_state *st)
{
	core_state *w = (core_state *)st; /* a look-up only reads through it */
	return (set){&vote_kind, (void **)&w->votes, &w->vcap, &w->vused};
}

bool core_has_voted(const core_state *st, uint32_t question, const core_pseud *voter)
{
	const core_vote_slot key = {.question = question, .voter = *voter};
	const set s = votes(st);
	const void *slot = set_find(&s, &key);
	return slot && vote_taken(slot);
}

int core_vote_add(core_state *st, uint32_t question, const core_pseud *voter, bool open)
{
	assert(question != 0);
	const core_vote_slot key = {.question = question, .voter = *voter, .open = open};
	const set s = votes(st);
	if (core_has_voted(st, question, voter) || set_reserve(&s, 1))
		return -1;
	set_put(&s, &key);
	return 0;
}

int core_vote_reserve(core_state *st, uint32_t n)
{
	const set s = votes(st);
	return set_reserve(&s, n);
}

int core_vote_park(core_state *st, uint32_t question, const core_pseud *voter, bool gained)
{
	const core_question *q = core_question_get(st, question);
	if (!q || q->state != CORE_Q_MERGED || question >= CORE_PARKED_KEPT)
		return -1;
	return core_vote_add(st, question | (gained ? CORE_PARKED_GAINED : CORE_PARKED_KEPT), voter, false);
}

int core_vote_remove(core_state *st, uint32_t question, const core_pseud *voter, bool *was_open)
{
	const core_vote_slot key = {.question = question, .voter = *voter};
	const set s = votes(st);
	void *slot = set_find(&s, &key);
	if (!slot || !vote_taken(slot))
		return -1;
	if (was_open)
		*was_open = ((const core_vote_slot *)slot)->open;
	set_remove(&s, slot);
	return 0;
}

/* --- participants: the rate window and listening (memory only), and the Rule (CHR-2) ----- */

/* Live and accept slots are both keyed by a pseudonym after a `used` flag. */
static uint32_t live_hash(const void *slot)
{
	return pseud_hash(&((const core_live_slot *)slot)->who);
}
static bool live_taken(const void *slot)
{
	return ((const core_live_slot *)slot)->used;
}
static bool live_same(const void *a, const void *b)
{
	return same_pseud(&((const core_live_slot *)a)->who, &((const core_live_slot *)b)->who);
}
static const set_kind live_kind = {sizeof(core_live_slot), live_hash, live_taken, live_same};

static set lives(const core_state *st)
{
	core_state *w = (core_state *)st;
	return (set){&live_kind, (void **)&w->live, &w->lcap, &w->lused};
}

core_live_slot *core_live_find(const core_state *st, const core_pseud *who)
{
	const core_live_slot key = {.used = true, .who = *who};
	const set s = lives(st);
	core_live_slot *slot = set_find(&s, &key);
	return slot && slot->used ? slot : NULL;
}

core_live_slot *core_live_get(core_state *st, const core_pseud *who)
{
	const core_live_slot key = {.used = true, .who = *who};
	const set s = lives(st);
	return set_reserve(&s, 1) ? NULL : set_put(&s, &key);
}

static uint32_t accept_hash(const void *slot)
{
	return pseud_hash(&((const core_accept_slot *)slot)->who);
}
static bool accept_taken(const void *slot)
{
	return ((const core_accept_slot *)slot)->used;
}
static bool accept_same(const void *a, const void *b)
{
	return same_pseud(&((const core_accept_slot *)a)->who, &((const core_accept_slot *)b)->who);
}
static const set_kind accept_kind = {sizeof(core_accept_slot), accept_hash, accept_taken, accept_same};

static set acceptances(const core_state *st)
{
	core_state *w = (core_state *)st;
	return (set){&accept_kind, (void **)&w->accepted, &w->acap, &w->aused};
}

bool core_rule_accepted(const core_state *st, const core_pseud *who)
{
	const core_accept_slot key = {.used = true, .who = *who};
	const set s = acceptances(st);
	const core_accept_slot *slot = set_find(&s, &key);
	return slot && slot->used;
}

int core_accept_add(core_state *st, const core_pseud *who)
{
	const core_accept_slot key = {.used = true, .who = *who};
	const set s = acceptances(st);
	if (set_reserve(&s, 1))
		return -1;
	set_put(&s, &key);
	return 0;
}

/* --- connections' language choices (LC-6, memory only) ----------------------------------- */

static uint32_t session_hash(const void *slot)
{
	uint64_t session = ((const core_session_slot *)slot)->session * 0x9E3779B97F4A7C15ull;
	return (uint32_t)(session >> 32);
}
static bool session_taken(const void *slot)
{
	return ((const core_session_slot *)slot)->session != 0;
}
static bool session_same(const void *a, const void *b)
{
	return ((const core_session_slot *)a)->session == ((const core_session_slot *)b)->session;
}
static const set_kind session_kind = {sizeof(core_session_slot), session_hash, session_taken, session_same};

static set sessions(const core_state *st)
{
	core_state *w = (core_state *)st;
	return (set){&session_kind, (void **)&w->sessions, &w->scap, &w->sused};
}

core_session_slot *core_session_find(const core_state *st, uint64_t session)
{
	const core_session_slot key = {.session = session};
	const set s = sessions(st);
	core_session_slot *slot = session ? set_find(&s, &key) : NULL;
	return slot && slot->session ? slot : NULL;
}

int core_session_reserve(core_state *st)
{
	const set s = sessions(st);
	return set_reserve(&s, 1);
}

core_session_slot *core_session_put(core_state *st, uint64_t session)
{
	assert(session != 0);
	const core_session_slot key = {.session = session};
	const set s = sessions(st);
	return set_put(&s, &key);
}

void core_session_remove(core_state *st, core_session_slot *slot)
{
	const set s = sessions(st);
	set_remove(&s, slot);
}

/* --- memory ------------------------------------------------------------------------------ */

void core_sets_wipe(core_state *st)
{
	const set all[] = {votes(st), acceptances(st), lives(st), sessions(st)};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		set_wipe(&all[i]);
}

void core_state_move_live(core_state *dst, core_state *src)
{
	free(dst->live);
	free(dst->sessions);
	dst->live = src->live;
	dst->lcap = src->lcap;
	dst->lused = src->lused;
	dst->sessions = src->sessions;
	dst->scap = src->scap;
	dst->sused = src->sused;
	memcpy(dst->listeners, src->listeners, sizeof dst->listeners);
	memcpy(dst->shown_floor, src->shown_floor, sizeof dst->shown_floor);
	memcpy(dst->below_since, src->below_since, sizeof dst->below_since);
	memcpy(dst->signal_window_start, src->signal_window_start, sizeof dst->signal_window_start);
	memcpy(dst->signal_count, src->signal_count, sizeof dst->signal_count);
	memcpy(dst->networks, src->networks, sizeof dst->networks);
	dst->deny = src->deny;
	src->live = NULL;
	src->sessions = NULL;
	src->lcap = src->lused = src->scap = src->sused = 0;
	memset(src->listeners, 0, sizeof src->listeners);
	memset(src->shown_floor, 0, sizeof src->shown_floor);
	memset(src->below_since, 0, sizeof src->below_since);
	/* FLOOR-1: the list of speakers; the counts are the store's. */
	memcpy(dst->speakers.queue, src->speakers.queue, sizeof dst->speakers.queue);
	dst->speakers.n = src->speakers.n;
	dst->speakers.current = src->speakers.current;
	dst->speakers.called_at = src->speakers.called_at;
	if (src->speakers.last_ticket > dst->speakers.last_ticket)
		dst->speakers.last_ticket = src->speakers.last_ticket;
	memcpy(dst->speakers.closed, src->speakers.closed, sizeof dst->speakers.closed);
	core_speakers_seal(src);
}

int core_list_reserve(void **items, uint32_t *cap, uint32_t n, size_t size, uint32_t first)
{
	assert(n <= *cap && first > 0);
	if (n < *cap)
		return 0;
	uint32_t ncap = *cap ? *cap * 2 : first;
	void *grown = realloc(*items, (size_t)ncap * size);
	if (!grown)
		return -1;
	*items = grown;
	*cap = ncap;
	return 0;
}

char *core_dup_text(const char *s, uint32_t len)
{
	char *t = malloc((size_t)len + 1);
	if (t) {
		if (len)
			memcpy(t, s, len);
		t[len] = '\0';
	}
	return t;
}

void core_set_theme(char *dst, const core_event *ev)
{
	uint32_t n = ev->theme_len <= CORE_THEME_MAX_BYTES ? ev->theme_len : 0;
	if (n)
		memcpy(dst, ev->theme, n);
	dst[n] = '\0';
}
