/* guard.c — abuse from the open link: the co-chairs' pauses of the open link and of incoming
 * questions, bulk reject of the pending queue, the count of new device keys per network with
 * its alert, and the proof-of-work check. Pure: the network is the transport's opaque key and
 * time comes in as now_ms. Not the rules of a question's life (qa.c). */
#include <assert.h>

#include "internal.h"

bool core_paused(int64_t until, int64_t now_ms)
{
	return until != 0 && now_ms < until;
}

int core_pause_seconds(int64_t until, int64_t now_ms)
{
	if (until == CORE_PAUSED_UNTIL_RESUMED)
		return -1;
	int64_t s = (until - now_ms + 999) / 1000;
	return s < 1 ? 1 : (int)s;
}

uint32_t core_pending_questions(const core_state *st)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < st->nquestions; i++)
		n += st->questions[i].state == CORE_Q_PENDING;
	return n;
}

uint32_t core_max_pending(const core_agenda *a)
{
	return a->max_pending ? a->max_pending : CORE_DEFAULT_MAX_PENDING;
}

uint32_t core_open_votes_total(const core_state *st)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < st->nquestions; i++)
		n += st->questions[i].open_votes;
	return n;
}

bool core_work_ok(const uint8_t hash[32], int bits)
{
	if (bits <= 0)
		return true;
	if (bits > 256)
		return false;
	int i = 0;
	for (; bits >= 8; bits -= 8)
		if (hash[i++] != 0)
			return false;
	return bits == 0 || (hash[i] >> (8 - bits)) == 0;
}

uint32_t core_reject_targets(const core_state *st, const core_command *cmd, uint32_t *ids, uint32_t max)
{
	uint32_t n = 0;
	if (cmd->nquestions == 0) {
		for (uint32_t i = 0; i < st->nquestions && n < max; i++)
			if (st->questions[i].state == CORE_Q_PENDING)
				ids[n++] = st->questions[i].id;
		return n;
	}
	for (uint32_t i = 0; i < cmd->nquestions && n < max; i++) {
		const core_question *q = core_question_get(st, cmd->questions[i]);
		bool twice = false;
		for (uint32_t j = 0; j < n && !twice; j++)
			twice = ids[j] == cmd->questions[i];
		if (q && q->state == CORE_Q_PENDING && !twice)
			ids[n++] = q->id;
	}
	return n;
}

/* The slot that follows this network, or NULL. */
static const core_network_slot *network_find(const core_state *st, const uint8_t key[CORE_NETWORK_KEY_LEN])
{
	for (int i = 0; i < CORE_NETWORK_SLOTS; i++) {
		const core_network_slot *n = &st->networks[i];
		if (n->window_start && memcmp(n->key, key, CORE_NETWORK_KEY_LEN) == 0)
			return n;
	}
	return NULL;
}

/* New device keys this network brought in the window that holds now_ms. */
static uint32_t network_count(const core_network_slot *n, int64_t now_ms)
{
	return n && now_ms - n->window_start < CORE_NEW_DEVICE_WINDOW_MS ? n->count : 0;
}

/* AB-2: a participant's connection arrives. Only a device key new to this consultation (its
 * pseudonym never accepted the Rule) on the open link counts against its network's cap. */
static rt_err decide_join(const core_state *st, const core_actor *actor, int64_t now_ms, core_decision *out)
{
	if (!actor->open_link || !actor->has_pseud || core_rule_accepted(st, &actor->pseud))
		return RT_OK;
	if (core_paused(st->link_paused_until, now_ms)) {
		out->err.seconds = core_pause_seconds(st->link_paused_until, now_ms);
		return RT_E_LINK_PAUSED;
	}
	uint32_t cap = st->agenda.new_devices_per_minute;
	if (!cap)
		return RT_OK;
	const core_network_slot *n = network_find(st, actor->network);
	uint32_t count = network_count(n, now_ms);
	if (count >= cap) {
		out->err.max = (int)cap;
		out->err.seconds = core_pause_seconds(n->window_start + CORE_NEW_DEVICE_WINDOW_MS, now_ms);
		return RT_E_LIMIT_NEW_DEVICES;
	}
	core_event *ev = core_next_event(st, out, CORE_EV_JOINED, NULL);
	ev->seq = 0;
	memcpy(ev->network, actor->network, CORE_NETWORK_KEY_LEN);
	ev->count = count + 1;
	ev->at_ms = now_ms;
	/* The co-chairs hear of it once per window, as the cap is reached: counts, never who. */
	ev->notify = ev->count == cap;
	return RT_OK;
}

rt_err core_decide_guard(const core_state *st, const core_actor *actor, const core_command *cmd, int64_t now_ms,
                         core_decision *out)
{
	int64_t link = st->link_paused_until, queue = st->queue_paused_until;
	int64_t until = cmd->minutes > 0 ? now_ms + (int64_t)cmd->minutes * 60000 : CORE_PAUSED_UNTIL_RESUMED;
	switch (cmd->kind) {
	case CORE_CMD_JOIN:
		return decide_join(st, actor, now_ms, out);
	case CORE_CMD_QUESTION_REJECT_ALL:
		/* Every question named must exist; the hub rejects the targets one by one. */
		for (uint32_t i = 0; i < cmd->nquestions; i++)
			if (!core_question_get(st, cmd->questions[i]))
				return RT_E_QUESTION_NOT_FOUND;
		return cmd->nquestions <= CORE_BULK_MAX ? RT_OK : RT_E_PROTOCOL_INVALID_FIELD;
	case CORE_CMD_LINK_PAUSE:
		link = until;
		break;
	case CORE_CMD_QUEUE_PAUSE:
		queue = until;
		break;
	case CORE_CMD_LINK_RESUME:
		link = 0;
		break;
	case CORE_CMD_QUEUE_RESUME:
		queue = 0;
		break;
	default:
		assert(0 && "not a guard command");
		return RT_E_AUTH_FORBIDDEN;
	}
	/* A pause that has run out is no pause: resuming it changes nothing. */
	if (!core_paused(link, now_ms))
		link = 0;
	if (!core_paused(queue, now_ms))
		queue = 0;
	bool was_link = core_paused(st->link_paused_until, now_ms),
	     was_queue = core_paused(st->queue_paused_until, now_ms);
	if (link == (was_link ? st->link_paused_until : 0) && queue == (was_queue ? st->queue_paused_until : 0))
		return RT_OK;
	core_event *ev = core_next_event(st, out, CORE_EV_GUARD, NULL);
	ev->link_until = link;
	ev->queue_until = queue;
	return RT_OK;
}

int core_evolve_guard(core_state *st, const core_event *ev)
{
	if (ev->kind == CORE_EV_GUARD) {
		st->link_paused_until = ev->link_until;
		st->queue_paused_until = ev->queue_until;
		return 0;
	}
	/* JOINED: the network's slot, or an empty one, or the one heard of longest ago. */
	core_network_slot *slot = (core_network_slot *)network_find(st, ev->network);
	for (int i = 0; !slot && i < CORE_NETWORK_SLOTS; i++)
		if (!st->networks[i].window_start)
			slot = &st->networks[i];
	if (!slot) {
		slot = &st->networks[0];
		for (int i = 1; i < CORE_NETWORK_SLOTS; i++)
			if (st->networks[i].window_start < slot->window_start)
				slot = &st->networks[i];
	}
	if (!slot->window_start || memcmp(slot->key, ev->network, CORE_NETWORK_KEY_LEN) != 0 ||
	    ev->at_ms - slot->window_start >= CORE_NEW_DEVICE_WINDOW_MS) {
		memcpy(slot->key, ev->network, CORE_NETWORK_KEY_LEN);
		slot->window_start = ev->at_ms ? ev->at_ms : 1; /* 0 marks an empty slot */
		slot->count = 0;
	}
	slot->count++;
	return 0;
}
