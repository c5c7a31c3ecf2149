// Questions follow the agenda (QA-6): "Next segment" carries the unanswered questions of the
// segment left to the new one, for every role and after a restart; a segment the agenda says
// starts empty ("carry_over": false) takes none; question.move moves many at once; bad input
// gets a typed error and changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openAgenda, startServer } from '../lib/harness.mjs';

// The engagement session, unmoderated, with questions open in its first segment and a closing
// segment that starts empty.
const agenda = {
  ...openAgenda,
  premoderation: false,
  limits: { open_questions: 10, votes_per_minute: 600 },
  segments: openAgenda.segments.map((s, i) => (i === 3 ? { ...s, carry_over: false } : s)),
};

let srv;
before(async () => { srv = await startServer({ agenda }); });
after(async () => { await srv.stop(); });

async function ok(client, cmd) {
  const reply = await client.command(cmd);
  assert.equal(reply.type, 'ack', `${cmd.type}: ${JSON.stringify(reply)}`);
  return reply;
}

const segmentsOf = (snap) => Object.fromEntries(snap.questions.map((q) => [q.id, q.segment]));

test('next segment carries the live questions to every role; answered ones stay; a restart keeps it', async () => {
  const chair = await srv.connect(srv.tokens.cochair);
  const alice = await srv.connect(srv.tokens.participant);
  const bob = await srv.connect(srv.tokens.participant);
  const stage = await srv.connect(srv.tokens.stage);
  const ids = [];
  for (const [who, text] of [[alice, 'How will dual criminality be assessed?'], [bob, 'What safeguards for journalists?'],
    [alice, 'Is capacity building funded?'], [bob, 'Which data retention periods apply?']]) {
    ids.push((await ok(who, { type: 'question.post', text, lang: 'en' })).result.question.id);
  }
  const [a, b, c, d] = ids;
  await ok(chair, { type: 'question.pin', question: b });
  await ok(chair, { type: 'question.answer_now', question: a });
  await ok(chair, { type: 'question.select_next', question: c });
  await ok(chair, { type: 'question.answer', question: d });

  const go = await ok(chair, { type: 'agenda.goto', segment: 1 });
  for (const client of [chair, alice, bob, stage]) {
    const ev = await client.next((m) => m.type === 'agenda.current' && m.seq === go.seq);
    assert.equal(ev.segment, 1);
    assert.equal(ev.from, 0);
    assert.deepEqual(ev.carried, [a, b, c], 'the live questions, in id order; the answered one stays');
  }
  // A fresh snapshot agrees: the new segment's list holds them, pinned and now answering kept.
  const fresh = await srv.connect(srv.tokens.participant);
  const snap = fresh.snapshot;
  assert.equal(snap.consultation.current_segment, 1);
  assert.deepEqual(segmentsOf(snap), { [a]: 1, [b]: 1, [c]: 1, [d]: 0 });
  assert.equal(snap.consultation.answering, a);
  assert.equal(snap.questions.find((q) => q.id === b).pinned, true);
  const chairView = await srv.connect(srv.tokens.cochair);
  assert.equal(chairView.snapshot.consultation.next, c);

  // Resuming from before the change replays the same event, carried list and all.
  const resumed = await srv.connect(srv.tokens.participant, { since: go.seq - 1 });
  assert.equal(resumed.first.type, 'resumed');
  const replayed = await resumed.next((m) => m.type === 'agenda.current');
  assert.deepEqual(replayed.carried, [a, b, c]);

  await srv.restart();
  const after = await srv.connect(srv.tokens.cochair);
  assert.equal(after.snapshot.consultation.current_segment, 1);
  assert.deepEqual(segmentsOf(after.snapshot), { [a]: 1, [b]: 1, [c]: 1, [d]: 0 });
  assert.equal(after.snapshot.consultation.answering, a);
  assert.equal(after.snapshot.consultation.next, c);
  assert.equal(after.snapshot.questions.find((q) => q.id === b).pinned, true);

  // The closing segment starts empty; going back to the Q&A carries nothing out of it.
  const close = await ok(after, { type: 'agenda.goto', segment: 3 });
  const ev = await after.next((m) => m.type === 'agenda.current' && m.seq === close.seq);
  assert.deepEqual(ev.carried, []);
  const check = await srv.connect(srv.tokens.participant);
  assert.deepEqual(segmentsOf(check.snapshot), { [a]: 1, [b]: 1, [c]: 1, [d]: 0 });
  await ok(after, { type: 'agenda.goto', segment: 1 });
});

test('question.move takes many questions: one ack, one event, only what each audience may see', async () => {
  const chair = await srv.connect(srv.tokens.cochair);
  const carol = await srv.connect(srv.tokens.participant);
  const snap0 = chair.snapshot;
  const live = snap0.questions.filter((q) => q.state === 'approved').map((q) => q.id);
  const answered = snap0.questions.find((q) => q.state === 'answered').id;
  const posted = (await ok(carol, { type: 'question.post', text: 'Will the report name countries?', lang: 'fr' })).result.question.id;
  const targets = [...live, posted, answered, posted];
  const ack = await ok(chair, { type: 'question.move', questions: targets, segment: 2 });
  assert.equal(ack.result.segment, 2);
  const want = [...new Set(targets)].filter((id) => snap0.questions.find((q) => q.id === id)?.segment !== 2).sort((x, y) => x - y);
  for (const client of [chair, carol]) {
    const ev = await client.next((m) => m.type === 'questions.moved' && m.seq === ack.seq);
    assert.equal(ev.segment, 2);
    assert.deepEqual(ev.questions, want);
  }
  const check = await srv.connect(srv.tokens.cochair);
  for (const id of want) assert.equal(check.snapshot.questions.find((q) => q.id === id).segment, 2);

  // Moving them where they are changes nothing: an ack, no event.
  const again = await ok(chair, { type: 'question.move', questions: want, segment: 2 });
  assert.equal(again.seq, ack.seq);
});

test('question.move of many: bad input gets a typed error and changes nothing', async () => {
  const chair = await srv.connect(srv.tokens.cochair);
  const dave = await srv.connect(srv.tokens.participant);
  const before = chair.snapshot;
  const some = before.questions.filter((q) => q.state === 'approved').map((q) => q.id);
  const cases = [
    [{ questions: [...some, 9999], segment: 0 }, 'question.not_found', { question: 9999 }],
    [{ questions: some, segment: 49 }, 'segment.not_found', { segment: 49 }],
    [{ questions: [], segment: 0 }, 'protocol.invalid_field', { field: 'questions' }],
    [{ questions: [some[0], 0], segment: 0 }, 'protocol.invalid_field', { field: 'questions' }],
    [{ questions: Array.from({ length: 501 }, (_, i) => i + 1), segment: 0 }, 'protocol.invalid_field', { field: 'questions' }],
    [{ question: some[0], questions: some, segment: 0 }, 'protocol.invalid_field', { field: 'questions' }],
    [{ segment: 0 }, 'protocol.missing_field', { field: 'question' }],
    [{ questions: ['1'], segment: 0 }, 'protocol.invalid_field', { field: 'questions' }],
  ];
  for (const [fields, code, params] of cases) {
    const reply = await chair.command({ type: 'question.move', ...fields });
    assert.equal(reply.type, 'error', JSON.stringify(fields).slice(0, 100));
    assert.equal(reply.code, code, JSON.stringify(fields).slice(0, 100));
    for (const [k, v] of Object.entries(params)) assert.equal(reply.params[k], v, `${code} ${k}`);
  }
  // A withdrawn question cannot be moved: the state is named.
  const own = (await ok(dave, { type: 'question.post', text: 'Is there a review clause?', lang: 'en' })).result.question.id;
  await ok(dave, { type: 'question.withdraw', question: own });
  const wrong = await chair.command({ type: 'question.move', questions: [some[0], own], segment: 0 });
  assert.equal(wrong.code, 'question.wrong_state');
  assert.equal(wrong.params.question, own);
  assert.equal(wrong.params.state, 'withdrawn');
  // Participants may not move questions.
  const forbidden = await dave.command({ type: 'question.move', questions: some, segment: 0 });
  assert.equal(forbidden.code, 'auth.forbidden');
  // Nothing moved.
  const after = await srv.connect(srv.tokens.cochair);
  for (const q of before.questions) assert.equal(after.snapshot.questions.find((x) => x.id === q.id).segment, q.segment);
});
