/* internal.h — what the consultation core's own files share: the decide_* and evolve_* of each
 * part, the helpers every decision uses, and the state's sets. Included by server/core files
 * only; no other layer may see it (they use core.h). */
#ifndef RT_CORE_INTERNAL_H
#define RT_CORE_INTERNAL_H

#include <string.h>

#include "core.h"

static inline bool same_pseud(const core_pseud *a, const core_pseud *b)
{
	return memcmp(a->b, b->b, CORE_PSEUD_LEN) == 0;
}

/* Whether two byte strings are equal; either may be NULL when its length is 0. */
static inline bool same_text(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* --- state.c: the state's sets and memory ------------------------------------------------ */

/* Votes (the vote set). Add fails (-1) when the vote is there already or memory runs out;
 * remove fails when it is not there. `open`: cast from the open link (memory only); remove
 * tells it in *was_open (may be NULL). */
int core_vote_add(core_state *st, uint32_t question, const core_pseud *voter, bool open);
int core_vote_remove(core_state *st, uint32_t question, const core_pseud *voter, bool *was_open);
/* Room for n more votes, so that the adds after it cannot fail; -1 when out of memory. */
int core_vote_reserve(core_state *st, uint32_t n);
/* The memory-only record of a participant (vote window, listening), NULL when there is none;
 * core_live_get creates it (NULL when out of memory). */
core_live_slot *core_live_find(const core_state *st, const core_pseud *who);
core_live_slot *core_live_get(core_state *st, const core_pseud *who);
/* CHR-2: records that `who` accepted the Rule; -1 when out of memory. */
int core_accept_add(core_state *st, const core_pseud *who);
/* LC-6: a connection's language choice, NULL when it has none. */
core_session_slot *core_session_find(const core_state *st, uint64_t session);
/* Room for one more connection; -1 when out of memory. Put then cannot fail: it returns the
 * connection's slot, new (zeroed but for its number) or as it was. */
int core_session_reserve(core_state *st);
core_session_slot *core_session_put(core_state *st, uint64_t session);
void core_session_remove(core_state *st, core_session_slot *slot);
/* CHR-5: wipes and frees every set, which is all the linkage the state holds in memory. */
void core_sets_wipe(core_state *st);
/* Overwrites n bytes at p in a way the compiler cannot drop as a dead store. */
void core_wipe(void *p, size_t n);
/* Room for one more item in a list of n items of `size` bytes at *items (*cap of them
 * allocated), doubling from `first`; -1 when out of memory, the list unchanged. */
int core_list_reserve(void **items, uint32_t *cap, uint32_t n, size_t size, uint32_t first);
/* A NUL-terminated copy of len bytes of s, or NULL when out of memory. */
char *core_dup_text(const char *s, uint32_t len);
/* A question's or paraphrase's theme from an event ("" when it is too long to be one). */
void core_set_theme(char *dst, const core_event *ev);

/* --- decision.c: what every decide_* uses ------------------------------------------------ */

/* Appends an event of this kind, numbered after the state and the decision's earlier events;
 * about q (its id and state before) when q is given. */
core_event *core_next_event(const core_state *st, core_decision *out, core_event_kind kind, const core_question *q);
/* Refuses because of q's state, saying which state (and, when merged, into what). */
rt_err core_state_error(core_decision *out, rt_err err, const core_question *q);
/* Clears "now answering" (or answers `next`) as a further event when q is being answered. */
void core_stop_answering_if(const core_state *st, core_decision *out, const core_question *q, uint32_t next);
/* QA-1 and CHR-6: the command's text cleaned into out->text, at most max_cp code points. */
rt_err core_clean_text(const core_state *st, const core_command *cmd, core_decision *out, size_t *len, size_t max_cp);
/* EX-1: the command's theme cleaned into out->theme, "" for none. */
rt_err core_clean_theme(const core_command *cmd, core_decision *out, size_t *len);
/* RT_OK when seg is on the agenda, else RT_E_SEGMENT_NOT_FOUND saying which. */
rt_err core_segment_exists(const core_state *st, uint16_t seg, core_decision *out);

/* --- qa.c: questions and votes ----------------------------------------------------------- */

rt_err core_decide_post(const core_state *st, const core_actor *actor, const core_command *cmd, int64_t now_ms,
                        core_decision *out);
rt_err core_decide_vote(const core_state *st, const core_actor *actor, const core_command *cmd, int64_t now_ms,
                        core_decision *out);
rt_err core_decide_withdraw(const core_state *st, const core_actor *actor, const core_command *cmd, core_decision *out);
rt_err core_decide_merge(const core_state *st, const core_command *cmd, core_decision *out);
rt_err core_decide_unmerge(const core_state *st, const core_command *cmd, core_decision *out);
rt_err core_decide_moderation(const core_state *st, const core_command *cmd, core_decision *out);
rt_err core_decide_next(const core_state *st, const core_command *cmd, core_decision *out);
int core_evolve_posted(core_state *st, const core_event *ev);
int core_evolve_selected(core_state *st, const core_question *q, const core_event *ev);
int core_evolve_question(core_state *st, core_question *q, const core_event *ev);
/* QA-6: question.move of several questions at once, and the questions an event moves (ids to
 * segment; all or none: -1 when one is unknown). */
rt_err core_decide_move_many(const core_state *st, const core_command *cmd, core_decision *out);
int core_evolve_moved(core_state *st, const core_event *ev);

/* --- clock.c: the agenda clock and the current segment ----------------------------------- */

rt_err core_decide_clock(const core_state *st, const core_command *cmd, int64_t now_ms, core_decision *out);
rt_err core_decide_segment(const core_state *st, const core_command *cmd, int64_t now_ms, core_decision *out);
int core_evolve_clock(core_state *st, const core_event *ev);
int core_evolve_segment(core_state *st, const core_event *ev);

/* --- presence.c: the floor, booth signals, listeners ------------------------------------- */

rt_err core_decide_floor(const core_state *st, const core_command *cmd, core_decision *out);
rt_err core_decide_signal(const core_state *st, const core_actor *actor, const core_command *cmd, int64_t now_ms,
                          core_decision *out);
rt_err core_decide_presence(const core_state *st, const core_actor *actor, const core_command *cmd, int64_t now,
                            core_decision *out);
/* LC-6: the co-chairs' bands that have been due to go down since `now` (CORE_CMD_CLOCK_DUE). */
void core_decide_bands_due(const core_state *st, int64_t now, core_decision *out);
rt_err core_decide_booth_ack(const core_state *st, const core_command *cmd, int64_t now_ms, core_decision *out);
int core_evolve_floor(core_state *st, const core_event *ev);
int core_evolve_signal(core_state *st, const core_event *ev);
int core_evolve_presence(core_state *st, const core_event *ev);

/* --- workspace.c: the Rule, the seal, the rapporteurs' workspace ------------------------- */

rt_err core_decide_rule(const core_state *st, const core_actor *actor, core_decision *out);
rt_err core_decide_seal(const core_state *st, int64_t now_ms, core_decision *out);
rt_err core_decide_note(const core_state *st, const core_command *cmd, core_decision *out);
rt_err core_decide_report(const core_state *st, const core_command *cmd, core_decision *out);
rt_err core_decide_paraphrase(const core_state *st, const core_command *cmd, core_decision *out);
int core_evolve_accepted(core_state *st, const core_event *ev);
int core_evolve_sealed(core_state *st, const core_event *ev);
int core_evolve_note(core_state *st, const core_event *ev);
int core_evolve_paraphrase(core_state *st, const core_event *ev);
rt_err core_decide_finalise(const core_state *st, core_decision *out);

/* --- guard.c: abuse from the open link ----------------------------------------------------- */

rt_err core_decide_guard(const core_state *st, const core_actor *actor, const core_command *cmd, int64_t now_ms,
                         core_decision *out);
int core_evolve_guard(core_state *st, const core_event *ev);

/* --- poll.c: anonymous polls (POLL-1) ------------------------------------------------------ */

rt_err core_decide_poll(const core_state *st, const core_actor *actor, const core_command *cmd, core_decision *out);
int core_evolve_poll(core_state *st, const core_event *ev);
/* Whether the agenda clock opens or closes a poll now, and that change as an event (true). */
bool core_poll_due(const core_state *st);
bool core_decide_poll_due(const core_state *st, core_decision *out);
/* CHR-5: the seal closes open polls and wipes every answer; totals stay. */
void core_polls_seal(core_state *st);
void core_polls_free(core_state *st);
/* --- speakers.c: the list of speakers (FLOOR-1) ---------------------------------------------- */

rt_err core_decide_speakers(const core_state *st, const core_actor *actor, const core_command *cmd, int64_t now_ms,
                            core_decision *out);
int core_evolve_speakers(core_state *st, const core_event *ev);
/* CHR-5: forgets every ticket and who held it; the counts stay. */
void core_speakers_seal(core_state *st);

#endif
