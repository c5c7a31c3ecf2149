// The web client's pure reducer (web-client/lib/state.js), fed the protocol's own examples and
// hand-made sequences (each checked against its schema, so they are messages a server may send).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repo, schemaErrors, messageTypes } from '../lib/schemas.mjs';
import {
  initialState, reduce, listQuestions, myQuestions, sortQuestions, answeringQuestion, countBySegment,
  questionsOpen, currentSegment,
  isSealed, reportMark, themesInUse,
} from '../../web-client/lib/state.js';
import { setCatalogue, errorMessage, t } from '../../web-client/lib/i18n.js';

const example = (type, name) =>
  JSON.parse(fs.readFileSync(path.join(repo, 'protocol', 'examples', type, name), 'utf8'));

// A message of the protocol: fails the test if it does not match its schema.
function msg(m) {
  const err = schemaErrors(m.type, m);
  assert.equal(err, null, `${m.type} does not match its schema: ${err}`);
  return m;
}

const view = (id, over = {}) => ({
  id, segment: 1, text: `Question text ${id}`, lang: 'en', state: 'approved', votes: 0, edited: false, pinned: false, ...over,
});

// A participant's snapshot with the given questions, own questions and upvotes.
function snapshot({ role = 'participant', questions = [], mine = [], voted = [], seq = 10, answering = null, open = true } = {}) {
  const base = example('snapshot', 'valid-participant.json');
  return msg({
    ...base,
    role,
    seq,
    consultation: {
      ...base.consultation,
      answering,
      segments: base.consultation.segments.map((s, i) => (i === 1 ? { ...s, questions: open } : s)),
    },
    questions,
    you: { mine, voted },
  });
}

test('resumed keeps the state, and the replayed events apply after it, once', () => {
  let s = reduce(initialState, example('snapshot', 'valid-participant.json'));
  const kept = s;
  s = reduce(s, example('resumed', 'valid.json'));
  assert.equal(s, kept, 'resumed changes nothing, not even seq');
  const approved = { ...example('question.approved', 'valid.json'), seq: 42 };
  s = reduce(s, approved);
  assert.equal(s.seq, 42);
  // The same event replayed again by a later resume changes nothing.
  const again = reduce(s, approved);
  assert.equal(again, s);
});

test('the text limits come from the snapshot and last until the next one', () => {
  assert.equal(initialState.limits, null);
  let s = reduce(initialState, snapshot({ seq: 10 }));
  assert.deepEqual(s.limits, { question: 500, paraphrase: 500, note: 2000, theme: 60 });
  s = reduce(s, msg({ ...example('question.approved', 'valid.json'), seq: 11 }));
  assert.equal(s.limits.question, 500);
  const stricter = { question: 280, paraphrase: 400, note: 1000, theme: 40 };
  s = reduce(s, msg({ ...snapshot({ seq: 12 }), limits: stricter }));
  assert.deepEqual(s.limits, stricter);
});

test('snapshot, then events, never show a question twice', () => {
  let s = reduce(initialState, example('snapshot', 'valid-participant.json'));
  assert.equal(s.role, 'participant');
  assert.equal(s.seq, 41);
  assert.equal(s.answering, null);
  assert.deepEqual([...s.mine], [13]);
  assert.deepEqual([...s.voted], [12]);
  s = reduce(s, example('question.votes', 'valid.json'));
  assert.equal(s.questions[12].votes, 8);
  assert.equal(s.seq, 45);
  const approved = { ...example('question.approved', 'valid.json'), seq: 46 };
  s = reduce(s, approved);
  s = reduce(s, approved);
  assert.equal(listQuestions(s, 'approved').length, 1);
  // A votes event for a question this client never saw changes nothing.
  const before = s;
  s = reduce(s, { type: 'question.votes', seq: 47, question: 99, votes: 3 });
  assert.deepEqual(s.questions, before.questions);
  assert.equal(s.seq, 47);
});

test('votes.changed (PERF-2): coalesced counts apply as they come, without seq, and reorder the queue', () => {
  let s = reduce(initialState, example('snapshot', 'valid-cochair.json'));
  s = reduce(s, { type: 'question.approved', seq: 51, question: { ...s.questions[13], state: 'approved', votes: 0 } });
  const seq = s.seq;
  s = reduce(s, example('votes.changed', 'valid-many.json'));
  assert.equal(s.questions[12].votes, 8);
  assert.equal(s.questions[13].votes, 4);
  assert.equal(s.questions[15], undefined, 'a question this client never saw stays unseen');
  assert.equal(s.seq, seq, 'no seq: where to resume from does not move');
  assert.deepEqual(listQuestions(s, 'approved', 'votes').map((q) => q.id), [12, 13]);
  // It is applied even though events with a higher seq came before it.
  s = reduce(s, { type: 'question.answering', seq: seq + 5, question: 12 });
  s = reduce(s, { type: 'votes.changed', votes: [[13, 11]] });
  assert.deepEqual(listQuestions(s, 'approved', 'votes').map((q) => q.id), [13, 12]);
  // Nothing changed: the same state object.
  assert.equal(reduce(s, { type: 'votes.changed', votes: [[13, 11]] }), s);
});

test('acks record own posts and votes; sorting by votes then time', () => {
  let s = reduce(initialState, example('snapshot', 'valid-cochair.json'));
  const post = example('ack', 'valid-post.json');
  s = reduce(s, post, { type: 'question.post' });
  assert.ok(s.mine.has(13));
  assert.equal(myQuestions(s)[0].state, 'pending');
  s = reduce(s, example('ack', 'valid-vote.json'), { type: 'question.vote' });
  assert.ok(s.voted.has(12));
  s = reduce(s, { type: 'ack', id: 'u', seq: 50, result: { question: { ...s.questions[12], votes: 6 }, voted: false } },
    { type: 'question.unvote' });
  assert.ok(!s.voted.has(12));
  s = reduce(s, { type: 'question.approved', seq: 51, question: { ...s.questions[13], state: 'approved', votes: 6 } });
  assert.deepEqual(listQuestions(s, 'approved', 'votes').map((q) => q.id), [12, 13]);
  s = reduce(s, { type: 'question.votes', seq: 52, question: 13, votes: 9 });
  assert.deepEqual(listQuestions(s, 'approved', 'votes').map((q) => q.id), [13, 12]);
  assert.deepEqual(listQuestions(s, 'approved', 'time').map((q) => q.id), [12, 13]);
  assert.deepEqual(listQuestions(s, 'approved', 'recent').map((q) => q.id), [13, 12]);
  // An ack older than the events already applied does not move a question back.
  s = reduce(s, { type: 'ack', id: 'old', seq: 42, result: { question: { ...s.questions[13], state: 'pending', votes: 0 } } });
  assert.equal(s.questions[13].state, 'approved');
});

test('every example event applies to a co-chair snapshot in seq order', () => {
  const dir = path.join(repo, 'protocol', 'examples');
  const events = [];
  for (const type of fs.readdirSync(dir)) {
    if (!/^(question|segment|agenda)\.[a-z_]+$/.test(type)) continue;
    for (const f of fs.readdirSync(path.join(dir, type))) {
      if (!f.startsWith('valid')) continue;
      const m = example(type, f);
      if (typeof m.seq === 'number') events.push(m); // commands have no seq
    }
  }
  events.sort((a, b) => a.seq - b.seq);
  assert.ok(events.length >= 17, `only ${events.length} example events`);
  let s = reduce(initialState, example('snapshot', 'valid-cochair.json'));
  const seen = new Set();
  for (const e of events) {
    const before = s;
    s = reduce(s, e);
    if (seen.has(e.seq)) assert.equal(s, before, `a second event with seq ${e.seq} is stale`);
    else assert.equal(s.seq, e.seq, `${e.type} advances seq`);
    seen.add(e.seq);
  }
  // Question 15 was merged into 12, whose count is the union's.
  assert.equal(s.questions[15].state, 'merged');
  assert.equal(s.questions[15].into, 12);
  assert.ok(listQuestions(s, ['approved', 'answered']).every((q) => q.id !== 15));
});

test('each question event replaces the view it carries', () => {
  let s = reduce(initialState, snapshot({ role: 'cochair', seq: 40, questions: [view(12, { segment: 2, votes: 7 })] }));
  for (const type of ['question.edited', 'question.pinned', 'question.unpinned', 'question.answered', 'question.reopened', 'question.moved']) {
    const e = example(type, 'valid.json');
    s = reduce(s, e);
    assert.deepEqual(s.questions[12], e.question, type);
  }
  assert.equal(s.questions[12].segment, 1);
  assert.equal(s.seq, 56);
});

test('a merge moves my upvote to the question it was merged into, unless I wrote that one', () => {
  const merged = example('question.merged', 'valid.json');
  const q12 = view(12, { segment: 2, votes: 7 });
  const q15 = view(15, { segment: 2, votes: 3, text: 'What protects journalists under the treaty?' });

  // I upvoted 15 only: the server now counts me among 12's voters.
  let s = reduce(initialState, snapshot({ questions: [q12, q15], voted: [15], seq: 56 }));
  s = reduce(s, merged);
  assert.ok(s.voted.has(12), 'my upvote moved to 12');
  assert.equal(s.questions[12].votes, 9, 'the union, as the server counted it');
  assert.equal(s.questions[15].state, 'merged');
  assert.deepEqual(listQuestions(s, 'approved').map((q) => q.id), [12], 'the duplicate left the queue');

  // I upvoted both: still one upvote on 12, nothing counted twice on this side.
  s = reduce(initialState, snapshot({ questions: [q12, q15], voted: [12, 15], seq: 56 }));
  s = reduce(s, merged);
  assert.equal([...s.voted].filter((id) => id === 12).length, 1);
  assert.equal(s.questions[12].votes, 9);

  // I wrote 12: my own question cannot carry my upvote.
  s = reduce(initialState, snapshot({ questions: [q12, q15], mine: [12], voted: [15], seq: 56 }));
  s = reduce(s, merged);
  assert.ok(!s.voted.has(12));

  // I had not upvoted 15: nothing changes in my upvotes.
  s = reduce(initialState, snapshot({ questions: [q12, q15], seq: 56 }));
  s = reduce(s, merged);
  assert.deepEqual([...s.voted], []);

  // A public client that never saw the pending duplicate still learns the new count of 12.
  s = reduce(initialState, snapshot({ questions: [q12], seq: 56 }));
  s = reduce(s, merged);
  assert.equal(s.questions[12].votes, 9);
});

test('a merged question being answered hands "now answering" to the one it joined', () => {
  const q12 = view(12, { segment: 2, votes: 7 });
  const q15 = view(15, { segment: 2, votes: 3 });
  let s = reduce(initialState, snapshot({ role: 'cochair', questions: [q12, q15], seq: 56, answering: 15 }));
  assert.equal(answeringQuestion(s).id, 15);
  s = reduce(s, example('question.merged', 'valid.json'));
  assert.equal(s.answering, 12);
  assert.equal(s.consultation.answering, 12);
});

test('a withdrawn question leaves the public queue but stays in "mine"', () => {
  const q13 = view(13, { segment: 2, lang: 'ar', text: 'سؤال about Article 24 (A/RES/74/247)?' });
  let s = reduce(initialState, snapshot({ questions: [view(12), q13], mine: [13], seq: 49 }));
  assert.deepEqual(listQuestions(s, 'approved', 'votes').map((q) => q.id), [12, 13]);
  s = reduce(s, example('question.withdrawn', 'valid.json'));
  assert.deepEqual(listQuestions(s, 'approved', 'votes').map((q) => q.id), [12]);
  assert.equal(myQuestions(s)[0].state, 'withdrawn');
  // Another participant learns of it the same way.
  s = reduce(initialState, snapshot({ questions: [view(12), q13], seq: 49 }));
  s = reduce(s, example('question.withdrawn', 'valid.json'));
  assert.deepEqual(listQuestions(s, 'approved').map((q) => q.id), [12]);
});

test('"now answering" is set, replaced, cleared, and dropped when answered', () => {
  let s = reduce(initialState, snapshot({ questions: [view(12, { segment: 2 }), view(14)], seq: 57 }));
  assert.equal(answeringQuestion(s), null);
  s = reduce(s, example('question.answering', 'valid.json'));
  assert.equal(s.answering, 12);
  assert.equal(answeringQuestion(s).id, 12);
  s = reduce(s, example('question.answering', 'valid-none.json'));
  assert.equal(s.answering, null);
  s = reduce(s, msg({ type: 'question.answering', seq: 60, question: 14 }));
  assert.equal(s.answering, 14);
  s = reduce(s, msg({ type: 'question.answered', seq: 61, question: view(14, { state: 'answered' }) }));
  assert.equal(s.answering, null, 'an answered question is no longer being answered');
  assert.deepEqual(listQuestions(s, 'answered').map((q) => q.id), [14]);
  // The snapshot's own value is kept.
  s = reduce(initialState, snapshot({ questions: [view(14)], answering: 14 }));
  assert.equal(answeringQuestion(s).id, 14);
  // The co-chair's own ack of answer_now.
  s = reduce(s, example('ack', 'valid-answering.json'), { type: 'question.answer_now', question: 12 });
  assert.equal(s.answering, 12);
  assert.equal(answeringQuestion(s), null, 'a question this client does not hold is not shown');
});

test('pinned questions come first in every order', () => {
  let s = reduce(initialState, snapshot({
    role: 'cochair', seq: 51, questions: [view(10, { votes: 20 }), view(11, { votes: 1 }), view(12, { segment: 2, votes: 7 })],
  }));
  assert.deepEqual(listQuestions(s, 'approved', 'votes').map((q) => q.id), [10, 12, 11]);
  s = reduce(s, example('question.pinned', 'valid.json'));
  assert.equal(s.questions[12].pinned, true);
  assert.deepEqual(listQuestions(s, 'approved', 'votes').map((q) => q.id), [12, 10, 11]);
  assert.deepEqual(listQuestions(s, 'approved', 'time').map((q) => q.id), [12, 10, 11]);
  assert.deepEqual(listQuestions(s, 'approved', 'recent').map((q) => q.id), [12, 11, 10]);
  s = reduce(s, example('question.unpinned', 'valid.json'));
  assert.deepEqual(listQuestions(s, 'approved', 'votes').map((q) => q.id), [10, 12, 11]);
  // Equal votes: the older question first.
  assert.deepEqual(sortQuestions([view(3, { votes: 2 }), view(2, { votes: 2 })]).map((q) => q.id), [2, 3]);
  // By segment.
  assert.deepEqual(listQuestions(s, 'approved', 'votes', 1).map((q) => q.id), [10, 11]);
  assert.deepEqual(countBySegment(s, 'approved'), [0, 2]);
});

test('segments open and close for questions; the current segment moves', () => {
  let s = reduce(initialState, snapshot({ seq: 59, open: true }));
  assert.equal(s.consultation.current_segment, 1);
  assert.ok(questionsOpen(s));
  s = reduce(s, msg({ type: 'segment.closed', seq: 60, segment: 1 }));
  assert.equal(s.consultation.segments[1].questions, false);
  assert.ok(!questionsOpen(s));
  s = reduce(s, msg({ type: 'segment.opened', seq: 61, segment: 0 }));
  assert.equal(s.consultation.segments[0].questions, true);
  s = reduce(s, msg({ type: 'agenda.current', seq: 62, segment: 0, from: 1, carried: [], carry_over: true }));
  assert.equal(s.consultation.current_segment, 0);
  assert.equal(currentSegment(s).title, 'Welcome and opening remarks');
  assert.ok(questionsOpen(s));
  // The protocol's own examples (segment 2 of a longer agenda) apply without harm.
  s = reduce(s, example('segment.closed', 'valid.json'));
  s = reduce(s, example('agenda.current', 'valid.json'));
  assert.equal(s.consultation.segments.length, 2);
  // Acks of the co-chair's own segment commands.
  s = reduce(initialState, snapshot({ role: 'cochair', seq: 61, open: true }));
  s = reduce(s, msg({ type: 'ack', id: 'm9', seq: 61, result: { segment: 1 } }), { type: 'segment.close', segment: 1 });
  assert.equal(s.consultation.segments[1].questions, false);
  s = reduce(s, msg({ type: 'ack', id: 'm10', seq: 61, result: { segment: 0 } }), { type: 'agenda.goto', segment: 0 });
  assert.equal(s.consultation.current_segment, 0);
});

test('an ack with an empty result changes nothing; stale events are ignored', () => {
  const s0 = reduce(initialState, snapshot({ questions: [view(12, { pinned: true })], seq: 58 }));
  const s1 = reduce(s0, example('ack', 'valid-no-change.json'), { type: 'question.pin', question: 12 });
  assert.deepEqual(s1, s0);
  assert.equal(s1.seq, 58, 'an ack does not advance seq');
  // An event from before the snapshot (an old connection's) changes nothing.
  const s2 = reduce(s0, msg({ type: 'question.answered', seq: 57, question: view(12, { state: 'answered' }) }));
  assert.equal(s2, s0);
  // Errors are not state.
  assert.equal(reduce(s0, example('error', 'valid-wrong-state.json')), s0);
});

test('a rejected question approved after all, an edited one, a reopened one', () => {
  let s = reduce(initialState, snapshot({ role: 'cochair', seq: 43, questions: [view(13, { state: 'pending' })] }));
  s = reduce(s, msg({ type: 'question.rejected', seq: 44, question: view(13, { state: 'rejected' }) }));
  assert.deepEqual(listQuestions(s, 'rejected').map((q) => q.id), [13]);
  s = reduce(s, msg({ type: 'question.approved', seq: 45, question: view(13) }));
  assert.deepEqual(listQuestions(s, 'approved').map((q) => q.id), [13]);
  s = reduce(s, msg({ type: 'question.edited', seq: 46, question: view(13, { text: 'Shorter [name removed]', edited: true }) }));
  assert.equal(s.questions[13].edited, true);
  s = reduce(s, msg({ type: 'question.answered', seq: 47, question: view(13, { state: 'answered', edited: true }) }));
  s = reduce(s, msg({ type: 'question.reopened', seq: 48, question: view(13, { edited: true }) }));
  assert.equal(s.questions[13].state, 'approved');
});

test('the catalogue has a message for every error code and every key the views use', () => {
  const web = path.join(repo, 'web-client');
  const catalogue = JSON.parse(fs.readFileSync(path.join(web, 'i18n', 'en.json'), 'utf8'));
  for (const [k, v] of Object.entries(catalogue)) assert.equal(typeof v, 'string', `${k} is a flat string`);
  const readme = fs.readFileSync(path.join(repo, 'protocol', 'README.md'), 'utf8');
  const errorSection = readme.slice(readme.indexOf('| code | when |'), readme.indexOf('## Messages'));
  const errorCodes = [...errorSection.matchAll(/^\| `([a-z_]+\.[a-z_]+)` \|/gm)].map((m) => m[1]);
  assert.ok(errorCodes.length >= 25, `found ${errorCodes.length} error codes`);
  for (const code of errorCodes) assert.ok(`error.${code}` in catalogue, `error.${code} missing`);
  // Every literal key in the client's sources.
  const files = ['app.js', ...['lib', 'views'].flatMap((d) => fs.readdirSync(path.join(web, d)).map((f) => `${d}/${f}`))];
  const prefixes = 'agenda|app|action|announce|booth|chair|channel|clock|connection|error|language|onboarding|participant|question|report|role|rule|seal|sealed|identifying|stage';
  const re = new RegExp(`'((?:${prefixes})\\.[a-z_.]+)'`, 'g');
  for (const f of files) {
    const src = fs.readFileSync(path.join(web, f), 'utf8');
    for (const [, key] of src.matchAll(re)) {
      if (messageTypes.includes(key)) continue; // a protocol message type, not a message key
      assert.ok(key in catalogue || `error.${key}` in catalogue, `${f} uses ${key}, which is not in en.json`);
    }
  }
  // Messages about a question's state say what happened, with its parameters.
  setCatalogue(catalogue);
  assert.equal(errorMessage(example('error', 'valid-wrong-state.json')), 'Another co-chair already merged this into Question 12.');
  assert.match(errorMessage(example('error', 'valid-limit.json')), /3 questions/);
  assert.match(errorMessage({ code: 'limit.vote_rate', params: { max: 30, seconds: 60 } }), /30 in 60 seconds/);
  assert.match(errorMessage({ code: 'question.wrong_state', params: { state: 'answered' } }), /already been answered/);
  assert.match(errorMessage({ code: 'no.such' }), /no\.such/);
  assert.equal(t('question.label', { id: 7 }), 'Question 7');
});

test('the question selected next: from the snapshot and question.next, and it lapses as the server\'s rule says', () => {
  const booth = example('snapshot', 'valid-booth.json');
  let s = reduce(initialState, booth);
  assert.equal(s.next, booth.consultation.next ?? null);
  assert.equal(s.channel, 'ar');
  s = reduce(initialState, { ...booth, consultation: { ...booth.consultation, next: null }, questions: [view(12), view(13)] });
  s = reduce(s, msg({ type: 'question.next', seq: booth.seq + 1, question: view(12, { lang: 'ar', text: 'ما هي الضمانات؟' }) }));
  assert.equal(s.next, 12);
  assert.equal(s.questions[12].lang, 'ar');
  // Answering it now clears the selection, with no event of its own.
  s = reduce(s, msg({ type: 'question.answering', seq: booth.seq + 2, question: 12 }));
  assert.equal(s.next, null);
  // So does a selected question leaving the live queue.
  s = reduce(s, msg({ type: 'question.next', seq: booth.seq + 3, question: view(13) }));
  assert.equal(s.next, 13);
  s = reduce(s, msg({ type: 'question.withdrawn', seq: booth.seq + 4, question: view(13, { state: 'withdrawn' }) }));
  assert.equal(s.next, null);
  // And null from the co-chairs clears it.
  s = reduce(s, msg({ type: 'question.next', seq: booth.seq + 5, question: null }));
  assert.equal(s.next, null);
});

test('listener bands: from the snapshot, then presence.changed, which carries no seq', () => {
  const chair = example('snapshot', 'valid-cochair.json');
  let s = reduce(initialState, chair);
  assert.deepEqual(s.listeners, chair.consultation.listeners);
  const changed = example('presence.changed', 'valid-cochairs.json');
  const seq = s.seq;
  s = reduce(s, changed);
  assert.deepEqual(s.listeners.en, { band: 'range', min: 10, max: 19 });
  assert.equal(s.seq, seq);
  // A participant's snapshot has none.
  assert.equal(reduce(initialState, example('snapshot', 'valid-participant.json')).listeners, null);
});

test('the Rule, the seal and the rapporteurs\' workspace', () => {
  let p = reduce(initialState, { ...example('snapshot', 'valid-participant.json'), you: { mine: [], voted: [], rule_accepted: false } });
  assert.equal(p.ruleAccepted, false);
  p = reduce(p, { type: 'ack', id: 'r1', seq: p.seq, result: { rule_accepted: true } }, { type: 'rule.accept' });
  assert.equal(p.ruleAccepted, true);
  assert.equal(isSealed(p), false);
  p = reduce(p, { type: 'consultation.sealed', seq: p.seq + 1 });
  assert.equal(isSealed(p), true);

  let r = reduce(initialState, example('snapshot', 'valid-rapporteur.json'));
  assert.equal(r.workspace.notes[1].version, 3);
  const q = example('snapshot', 'valid-rapporteur.json').questions[0].id;
  assert.deepEqual(reportMark(r, q), { theme: 'Human rights safeguards', included: true });
  assert.deepEqual(reportMark(r, 9999), { theme: '', included: false });
  r = reduce(r, { type: 'note.changed', seq: r.seq + 1, note: { segment: 1, text: 'Newer', version: 4 } });
  assert.equal(r.workspace.notes[1].text, 'Newer');
  // An ack older than the note already shown never takes it back.
  r = reduce(r, { type: 'ack', id: 'n1', seq: r.seq, result: { note: { segment: 1, text: 'Older', version: 3 } } }, { type: 'note.set' });
  assert.equal(r.workspace.notes[1].text, 'Newer');
  r = reduce(r, { type: 'question.tagged', seq: r.seq + 1, question: q, theme: 'Data protection', included: true });
  assert.equal(reportMark(r, q).theme, 'Data protection');
  r = reduce(r, { ...example('paraphrase.saved', 'valid.json'), seq: r.seq + 1, paraphrase: { id: 2, segment: 1, theme: 'Access', text: 'x', included: false } });
  assert.deepEqual(Object.keys(r.workspace.paraphrases).sort(), ['1', '2']);
  assert.deepEqual(themesInUse(r), ['Access', 'Capacity building', 'Data protection']);
  r = reduce(r, { type: 'paraphrase.deleted', seq: r.seq + 1, paraphrase: 1 });
  assert.deepEqual(Object.keys(r.workspace.paraphrases), ['2']);
  // Other roles have no workspace, and its events change nothing for them.
  const c = reduce(reduce(initialState, example('snapshot', 'valid-cochair.json')), { type: 'note.changed', seq: 999, note: { segment: 0, text: 'x', version: 1 } });
  assert.equal(c.workspace, null);
});

test('booth.acknowledged (LC-4): kept newest first, without seq, across a new snapshot', () => {
  let s = reduce(initialState, example('snapshot', 'valid-cochair.json'));
  const seq = s.seq;
  assert.deepEqual(s.acknowledged, []);
  s = reduce(s, msg({ type: 'booth.acknowledged', channel: 'ar', signal: 'no_floor_audio' }));
  s = reduce(s, msg({ type: 'booth.acknowledged', channel: 'fr', signal: 'slower' }));
  assert.deepEqual(s.acknowledged.map((a) => [a.n, a.channel, a.signal]), [[2, 'fr', 'slower'], [1, 'ar', 'no_floor_audio']]);
  assert.equal(s.seq, seq);
  s = reduce(s, example('snapshot', 'valid-cochair.json'));
  assert.equal(s.acknowledged.length, 2);
});

test('an unmerge gives my upvote back to the duplicate, and takes off the one the merge gave', () => {
  const merged = example('question.merged', 'valid.json');
  const unmerged = example('question.unmerged', 'valid.json');
  const q12 = view(12, { segment: 2, votes: 7 });
  const q15 = view(15, { segment: 2, votes: 3, text: 'What protects journalists under the treaty?' });
  // I upvoted 15 only: the merge gave me a vote on 12, the unmerge takes it back.
  let s = reduce(initialState, snapshot({ questions: [q12, q15], voted: [15], seq: 56 }));
  s = reduce(reduce(s, merged), unmerged);
  assert.deepEqual([...s.voted].sort(), [15]);
  assert.deepEqual([s.questions[15].state, s.questions[15].votes, s.questions[12].votes], ['approved', 3, 7]);
  // I upvoted both: I keep both.
  s = reduce(initialState, snapshot({ questions: [q12, q15], voted: [12, 15], seq: 56 }));
  s = reduce(reduce(s, merged), unmerged);
  assert.deepEqual([...s.voted].sort(), [12, 15]);
});
