// state.js — the client's view of a consultation, as a pure reducer over protocol v1 messages
// (protocol/README.md). No DOM, no socket: it can be tested in node.
//
// Ordering: events arrive in seq order after the snapshot, so an event whose seq is not above
// the last one applied is stale (an old connection's) and changes nothing. Acks carry the seq
// of the last event their command produced; an ack older than the events already applied never
// moves a question back, and an ack never advances `seq` (its events may still be on the way).

import { applyPoll, pollAnswersOf, pollsOf } from './polls.js';

export const initialState = Object.freeze({
  role: null,
  seq: 0,
  consultation: null,
  questions: {}, // id -> question view, in every state this role may see
  answering: null, // id of the question being answered now, or null
  mine: new Set(), // this participant's own questions
  voted: new Set(), // questions this participant upvotes
  next: null, // co-chairs, rapporteur, booths: the question selected next (LC-5), or null
  channel: null, // a booth: the language it interprets into
  listeners: null, // co-chairs and booths: each language's listener band (LC-6), never a participant's
  signals: [], // a co-chair: the booths' latest signals, newest first (never stored anywhere)
  ruleAccepted: false, // a participant: accepted the Chatham House Rule (CHR-2)
  workspace: null, // rapporteurs (EX-1): { notes: {segment: note}, marks: {id: {theme, included}}, paraphrases: {id: p} }
  // The server's text maxima in code points, from the snapshot: { question, paraphrase, note,
  // theme }. Every view counts against these; none keeps a number of its own.
  limits: null,
  // Booths and co-chairs: the co-chairs' acknowledgements of booth signals (LC-4), newest first,
  // each { n, channel, signal, at }; ephemeral like the signals, never stored anywhere.
  acknowledged: [],
  // Abuse from the open link (AB): a participant on the open link (with "voting":
  // "invitations" it does not vote), and a co-chair's latest guard.alert (ephemeral, counts only).
  openLink: false,
  guardAlert: null,
  // POLL-1 (polls.js): polls by id, and a participant's own answers to open polls by poll id.
  polls: {},
  pollAnswers: {},
});

// The rapporteurs' workspace as the snapshot gives it, keyed for the reducer.
function workspaceOf(w) {
  if (!w) return null;
  const notes = {};
  for (const n of w.notes) notes[n.segment] = n;
  const marks = {};
  for (const m of w.questions) marks[m.question] = { theme: m.theme, included: m.included };
  const paraphrases = {};
  for (const p of w.paraphrases) paraphrases[p.id] = p;
  return { notes, marks, paraphrases };
}

function setNote(state, note) {
  const w = state.workspace;
  if (!w) return state;
  const known = w.notes[note.segment];
  if (known && known.version > note.version) return state;
  return { ...state, workspace: { ...w, notes: { ...w.notes, [note.segment]: note } } };
}

function setParaphrase(state, p, deletedId = null) {
  const w = state.workspace;
  if (!w) return state;
  const paraphrases = { ...w.paraphrases };
  if (deletedId !== null) delete paraphrases[deletedId];
  else paraphrases[p.id] = p;
  return { ...state, workspace: { ...w, paraphrases } };
}

// How many booth signals a co-chair's page keeps on screen.
export const SIGNALS_SHOWN = 8;

const QUESTION_EVENTS = new Set([
  'question.posted', 'question.approved', 'question.rejected', 'question.withdrawn', 'question.edited',
  'question.pinned', 'question.unpinned', 'question.answered', 'question.reopened', 'question.moved',
]);

function upsert(state, q) {
  return { ...state, questions: { ...state.questions, [q.id]: q } };
}

function setAnswering(state, id) {
  if (state.answering === id) return state;
  const consultation = state.consultation ? { ...state.consultation, answering: id } : state.consultation;
  return { ...state, answering: id, consultation };
}

// A question that is no longer live cannot be the one being answered now.
function dropAnswering(state, q) {
  return state.answering === q.id && q.state !== 'approved' ? setAnswering(state, null) : state;
}

function setSegmentOpen(state, index, open) {
  const c = state.consultation;
  if (!c || !c.segments[index] || c.segments[index].questions === open) return state;
  const segments = c.segments.map((s, i) => (i === index ? { ...s, questions: open } : s));
  return { ...state, consultation: { ...c, segments } };
}

function setCurrentSegment(state, index) {
  const c = state.consultation;
  if (!c || c.current_segment === index) return state;
  return { ...state, consultation: { ...c, current_segment: index } };
}

// QA-6: questions moved to another segment, by id; the ones this client does not hold stay
// unknown to it.
function moveQuestions(state, ids, segment) {
  let questions = null;
  for (const id of ids || []) {
    const q = state.questions[id];
    if (!q || q.segment === segment) continue;
    questions = questions || { ...state.questions };
    questions[id] = { ...q, segment };
  }
  return questions ? { ...state, questions } : state;
}

// QA-6: what agenda.current carried over: the listed questions and, unless the new segment
// starts empty, this participant's own pending questions of the segment left (not listed to
// the public, QA-2).
function carriedIds(state, msg) {
  const ids = [...(msg.carried || [])];
  if (msg.carry_over === false) return ids;
  for (const id of state.mine) {
    const q = state.questions[id];
    if (q && q.state === 'pending' && q.segment === msg.from) ids.push(id);
  }
  return ids;
}

// LC-5: the selection lapses when its question is answered now or stops being live, exactly as
// the server's rule does, with no event of its own.
function lapseNext(state) {
  if (state.next === null) return state;
  const q = state.questions[state.next];
  return q && q.state === 'approved' && state.answering !== q.id ? state : { ...state, next: null };
}

// CHR-5: the seal deleted the text of every question the room never saw; keep only what a
// sealed snapshot would list (merged questions go too: nothing acts on them any more), and the
// moderators' counts of the rest.
const UNPUBLISHED = new Set(['pending', 'rejected', 'withdrawn', 'merged']);
function applySealed(state, msg) {
  if (!state.consultation) return state;
  const questions = Object.fromEntries(Object.entries(state.questions).filter(([, q]) => !UNPUBLISHED.has(q.state)));
  const consultation = { ...state.consultation, sealed: true };
  if (msg.unpublished) consultation.unpublished = msg.unpublished;
  return { ...state, consultation, questions };
}

// Applies question.merged: both views, the answering mark, and this participant's vote, which
// the server has carried over to `into` unless this participant wrote `into`.
function applyMerge(state, msg) {
  const dup = msg.question;
  const into = msg.into;
  let next = upsert(state, dup);
  if (into) next = upsert(next, into);
  const target = into ? into.id : dup.into;
  if (next.answering === dup.id) next = setAnswering(next, target ?? null);
  if (target && next.voted.has(dup.id) && !next.mine.has(target)) {
    // Remembered for an unmerge (QA-4): whether this vote on `target` came from the merge.
    const gained = next.voted.has(target) ? null : dup.id;
    next = { ...next, voted: new Set([...next.voted, target]) };
    if (gained !== null) next = { ...next, mergeGained: new Set([...(next.mergeGained || []), gained]) };
  }
  return next;
}

// Applies question.unmerged (QA-4): both views, and this participant's vote as the server gives
// it back: on the duplicate again, and off `into` when the merge had put it there.
function applyUnmerge(state, msg) {
  const dup = msg.question;
  let next = dropAnswering(upsert(upsert(state, dup), msg.into), msg.into);
  const gained = next.mergeGained || new Set();
  if (gained.has(dup.id)) {
    const voted = new Set(next.voted);
    voted.delete(msg.into.id);
    next = { ...next, voted, mergeGained: new Set([...gained].filter((id) => id !== dup.id)) };
  }
  return next;
}

function applyAck(state, msg, pending) {
  const result = msg.result || {};
  const stale = msg.seq < state.seq;
  let next = state;
  const q = result.question;
  if (q) {
    // Events carry seq; an ack may arrive after them, so it never moves a question back.
    const known = state.questions[q.id];
    if (!(known && stale)) next = dropAnswering(upsert(next, q), q);
    if (pending && pending.type === 'question.post') next = { ...next, mine: new Set([...next.mine, q.id]) };
  }
  if ('voted' in result) {
    const id = q ? q.id : pending && pending.question;
    if (id) {
      const voted = new Set(next.voted);
      if (result.voted) voted.add(id); else voted.delete(id);
      next = { ...next, voted };
    }
  }
  if ('answering' in result && !stale) next = setAnswering(next, result.answering);
  if ('next' in result && !stale) next = { ...next, next: result.next };
  if (result.rule_accepted) next = { ...next, ruleAccepted: true };
  if (pending && pending.type === 'speaker.request' && result.ticket) next = { ...next, ticket: result.ticket };
  if (result.note) next = setNote(next, result.note);
  if (result.paraphrase && !stale) next = setParaphrase(next, result.paraphrase);
  if ('segment' in result && !stale && pending) {
    if (pending.type === 'segment.open') next = setSegmentOpen(next, result.segment, true);
    else if (pending.type === 'segment.close') next = setSegmentOpen(next, result.segment, false);
    else if (pending.type === 'agenda.goto') next = setCurrentSegment(next, result.segment);
  }
  return lapseNext(next);
}

// Applies one server message. `pending` describes the command an ack or error answers (its
// type, question and segment), as recorded by the connection when it was sent.
export function reduce(state, msg, pending) {
  if (msg.type === 'organiser.ready') return { ...state, role: 'organiser' }; // ORG-1: no room
  if (msg.type === 'snapshot') {
    const questions = {};
    for (const q of msg.questions) questions[q.id] = q;
    return {
      role: msg.role,
      seq: msg.seq,
      consultation: msg.consultation,
      questions,
      answering: msg.consultation.answering ?? null,
      next: msg.consultation.next ?? null,
      mine: new Set(msg.you.mine),
      voted: new Set(msg.you.voted),
      channel: msg.you.channel ?? null,
      listeners: msg.consultation.listeners ?? null,
      signals: state.signals,
      acknowledged: state.acknowledged,
      ruleAccepted: Boolean(msg.you.rule_accepted),
      workspace: workspaceOf(msg.consultation.workspace),
      limits: msg.limits,
      openLink: Boolean(msg.you.open_link),
      guardAlert: state.guardAlert,
      polls: pollsOf(msg.polls),
      pollAnswers: pollAnswersOf(msg.you.polls),
      ticket: msg.you.ticket ?? null, // FLOOR-1: this participant's ticket on the list of speakers
    };
  }
  // AB-2: many new participants from one network (ephemeral, no seq): kept until dismissed.
  if (msg.type === 'guard.alert') return { ...state, guardAlert: { ...msg, at: Date.now() } };
  if (msg.type === 'booth.signalled') {
    // Ephemeral (no seq): shown while it matters, numbered locally so the views can key it.
    const n = (state.signals[0]?.n ?? 0) + 1;
    const signals = [{ n, channel: msg.channel, signal: msg.signal, at: Date.now() }, ...state.signals].slice(0, SIGNALS_SHOWN);
    return { ...state, signals };
  }
  if (msg.type === 'booth.acknowledged') {
    const list = state.acknowledged || [];
    const n = (list[0]?.n ?? 0) + 1;
    const acknowledged = [{ n, channel: msg.channel, signal: msg.signal, at: Date.now() }, ...list].slice(0, SIGNALS_SHOWN);
    return { ...state, acknowledged };
  }
  if (msg.type === 'presence.changed') return { ...state, listeners: msg.listeners }; // ephemeral, no seq
  // PERF-2: vote counts, coalesced (no seq): the counts now, newer than anything before them.
  if (msg.type === 'votes.changed') return applyVotes(state, msg.votes);
  // PL-4: the connection resumed; the events it missed follow, each applied as usual.
  if (msg.type === 'resumed') return state;
  if (msg.type === 'ack') return applyAck(state, msg, pending);
  if (typeof msg.seq !== 'number') return state; // errors, and anything else without seq
  if (msg.seq <= state.seq) return state; // stale: already applied, or before the snapshot
  return lapseNext(applyEvent({ ...state, seq: msg.seq }, msg));
}

function applyVotes(state, pairs) {
  let next = state;
  for (const [id, votes] of pairs) {
    const q = next.questions[id];
    if (q && q.votes !== votes) next = upsert(next, { ...q, votes });
  }
  return next;
}

function applyEvent(next, msg) {
  if (QUESTION_EVENTS.has(msg.type)) return dropAnswering(upsert(next, msg.question), msg.question);
  switch (msg.type) {
    case 'question.merged':
      return applyMerge(next, msg);
    case 'question.unmerged':
      return applyUnmerge(next, msg);
    case 'question.votes':
      return applyVotes(next, [[msg.question, msg.votes]]);
    case 'question.answering':
      return setAnswering(next, msg.question);
    case 'question.next':
      return msg.question ? { ...upsert(next, msg.question), next: msg.question.id } : { ...next, next: null };
    case 'segment.opened':
      return setSegmentOpen(next, msg.segment, true);
    case 'segment.closed':
      return setSegmentOpen(next, msg.segment, false);
    case 'agenda.current':
      // QA-6: the unanswered questions of the segment left came along (those this role sees).
      return setCurrentSegment(moveQuestions(next, carriedIds(next, msg), msg.segment), msg.segment);
    case 'questions.moved':
      return moveQuestions(next, msg.questions, msg.segment);
    case 'floor.changed':
      return next.consultation ? { ...next, consultation: { ...next.consultation, floor_now: msg.lang } } : next;
    case 'rule.accepted':
      return { ...next, ruleAccepted: true };
    case 'consultation.sealed':
      return applySealed(next, msg);
    case 'note.changed':
      return setNote(next, msg.note);
    case 'question.tagged':
    case 'report.changed':
      return next.workspace
        ? { ...next, workspace: { ...next.workspace, marks: { ...next.workspace.marks, [msg.question]: { theme: msg.theme, included: msg.included } } } }
        : next;
    case 'paraphrase.saved':
      return setParaphrase(next, msg.paraphrase);
    case 'paraphrase.deleted':
      return setParaphrase(next, null, msg.paraphrase);
    case 'guard.changed': {
      // AB-3: the open link's and the queue's pauses; the rest of the guard view stays.
      const c = next.consultation;
      return c ? { ...next, consultation: { ...c, guard: { ...c.guard, link: msg.link, queue: msg.queue } } } : next;
    }
    case 'poll.changed':
      return applyPoll(next, msg);
    case 'speakers.changed':
      // FLOOR-1: the list of speakers, whole; a ticket no longer on it is no longer this one's.
      return next.consultation ? dropTicket({ ...next, consultation: { ...next.consultation, speakers: msg.speakers } }) : next;
    case 'agenda.clock':
      // The clock and every segment's timing, whole: the countdown is computed from these.
      return next.consultation ? { ...next, consultation: { ...next.consultation, clock: msg.clock, timing: msg.timing } } : next;
    case 'report.finalised':
      // EX-7: the rapporteurs marked the report final; their workspace is read-only now.
      return next.consultation ? { ...next, consultation: { ...next.consultation, final: true } } : next;
    default:
      // A type this client does not know yet: keep the seq, change nothing else.
      return next;
  }
}

// FLOOR-1: forgets this participant's ticket once it is neither waiting nor speaking.
function dropTicket(state) {
  const s = state.consultation.speakers;
  const held = s && (s.current?.ticket === state.ticket || s.queue.some((x) => x.ticket === state.ticket));
  return state.ticket && !held ? { ...state, ticket: null } : state;
}

// --- selectors --------------------------------------------------------------------------------

// Orders a list of questions. Pinned questions come first in every order (protocol/README.md);
// then:
//   'votes'  — most upvotes first, ties oldest first (lower id);
//   'time'   — oldest first (ids grow in posting order): the order they arrived;
//   'recent' — newest first.
export function sortQuestions(list, order = 'votes') {
  const byPin = (a, b) => (b.pinned ? 1 : 0) - (a.pinned ? 1 : 0);
  const cmp = {
    votes: (a, b) => byPin(a, b) || b.votes - a.votes || a.id - b.id,
    time: (a, b) => byPin(a, b) || a.id - b.id,
    recent: (a, b) => byPin(a, b) || b.id - a.id,
  }[order] || ((a, b) => a.id - b.id);
  return [...list].sort(cmp);
}

// Questions in a state (or any of several states), optionally of one agenda segment, sorted.
export function listQuestions(state, states, order = 'votes', segment = null) {
  const wanted = Array.isArray(states) ? states : [states];
  const list = Object.values(state.questions)
    .filter((q) => wanted.includes(q.state) && (segment === null || segment === undefined || q.segment === segment));
  return sortQuestions(list, order);
}

// How many questions in the given states each segment has: an array indexed by segment.
export function countBySegment(state, states) {
  const wanted = Array.isArray(states) ? states : [states];
  const n = state.consultation ? state.consultation.segments.length : 0;
  const counts = new Array(n).fill(0);
  for (const q of Object.values(state.questions)) {
    if (wanted.includes(q.state) && q.segment < n) counts[q.segment] += 1;
  }
  return counts;
}

// This participant's own questions, newest first.
export function myQuestions(state) {
  return [...state.mine].map((id) => state.questions[id]).filter(Boolean).sort((a, b) => b.id - a.id);
}

// The question being answered now, if this role can see it.
export function answeringQuestion(state) {
  return state.answering ? state.questions[state.answering] || null : null;
}

export function currentSegment(state) {
  const c = state.consultation;
  return c ? c.segments[c.current_segment] || null : null;
}

// Whether the current segment takes questions now.
export function questionsOpen(state) {
  const s = currentSegment(state);
  return Boolean(s && s.questions);
}

export function languagesOf(consultation) {
  return consultation ? [consultation.floor, ...consultation.channels] : [];
}

// What the floor language means for a booth (LC-3): 'direct' while the floor speaks the
// agenda's floor language, 'retour' while it speaks the booth's own, 'relay' otherwise (take
// the floor-language channel).
export function boothMode(consultation, channel) {
  const now = consultation.floor_now ?? consultation.floor;
  if (now === consultation.floor) return 'direct';
  return now === channel ? 'retour' : 'relay';
}

// Whether the consultation is sealed (CHR-5): everything is read-only.
export function isSealed(state) {
  return Boolean(state.consultation && state.consultation.sealed);
}

// A question's report marks for the rapporteurs: its theme ("" for none) and whether it is in
// the report.
export function reportMark(state, id) {
  return (state.workspace && state.workspace.marks[id]) || { theme: '', included: false };
}

// The themes in use, sorted, for the rapporteurs' suggestions.
export function themesInUse(state) {
  const w = state.workspace;
  if (!w) return [];
  const all = new Set();
  for (const m of Object.values(w.marks)) if (m.theme) all.add(m.theme);
  for (const p of Object.values(w.paraphrases)) if (p.theme) all.add(p.theme);
  return [...all].sort();
}

// AB-3: whether a pause ({ paused, until }) holds at serverNow (ms on the server's clock).
export function pauseHolds(pause, serverNow) {
  return Boolean(pause && pause.paused && (pause.until === null || pause.until > serverNow));
}

// AB-5: whether this participant may upvote: not on the open link of a consultation where
// only personal invitations vote.
export function mayVote(state) {
  return !(state.openLink && state.consultation?.guard?.voting === 'invitations');
}

// EX-7: whether the rapporteurs marked the report final (only once sealed): nothing in their
// workspace changes any more. Until then, after the seal, they go on writing it.
export function isFinal(state) {
  return Boolean(state.consultation && state.consultation.final);
}
