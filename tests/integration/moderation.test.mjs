// The complete Q&A over real WebSockets (QA-1..QA-7): every co-chair and participant action,
// conflicting co-chairs, and twenty participants acting at once, after which every client's
// view, folded from its snapshot and the events it received, equals a fresh snapshot.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { demoAgenda, openAgenda, randomKey, startServer, until } from '../lib/harness.mjs';

let srv;
before(async () => {
  srv = await startServer({ agenda: { ...openAgenda, limits: { open_questions: 4, votes_per_minute: 600 } } });
});
after(async () => { await srv.stop(); });

// What a client knows, folded from protocol messages as protocol/README.md describes them. It is
// written from the spec, independently of the web client's reducer, so the two check each other.
function fold(snapshot, messages) {
  const participant = snapshot.role === 'participant';
  const view = {
    questions: new Map(snapshot.questions.map((q) => [q.id, q])),
    answering: snapshot.consultation.answering,
    current: snapshot.consultation.current_segment,
    open: snapshot.consultation.segments.map((s) => s.questions),
    mine: new Set(snapshot.you.mine),
    voted: new Set(snapshot.you.voted),
  };
  for (const m of messages) {
    if (m.type === 'ack') {
      // A participant's acks that carry a question without `voted` answer its posts (and
      // withdrawals, of questions already its own).
      if (participant && m.result.question && !('voted' in m.result)) view.mine.add(m.result.question.id);
      if ('voted' in m.result) {
        if (m.result.voted) view.voted.add(m.result.question.id); else view.voted.delete(m.result.question.id);
      }
      continue;
    }
    if (m.type === 'question.votes' || m.type === 'votes.changed') {
      const pairs = m.type === 'votes.changed' ? m.votes : [[m.question, m.votes]];
      for (const [id, votes] of pairs) {
        const q = view.questions.get(id);
        if (q) view.questions.set(id, { ...q, votes });
      }
    } else if (m.type === 'question.answering') {
      view.answering = m.question;
    } else if (m.type === 'segment.opened' || m.type === 'segment.closed') {
      view.open[m.segment] = m.type === 'segment.opened';
    } else if (m.type === 'agenda.current' || m.type === 'questions.moved') {
      // QA-6: the questions carried over to the new segment, or moved there together.
      const own = m.carry_over ? [...view.mine].filter((id) => view.questions.get(id)?.state === 'pending' &&
        view.questions.get(id).segment === m.from) : [];
      for (const id of [...(m.carried || m.questions), ...own]) {
        const q = view.questions.get(id);
        if (q) view.questions.set(id, { ...q, segment: m.segment });
      }
      if (m.type === 'agenda.current') view.current = m.segment;
    } else if (m.type.startsWith('question.')) {
      view.questions.set(m.question.id, m.question);
      if (m.type === 'question.merged') {
        view.questions.set(m.into.id, m.into);
        if (view.voted.delete(m.question.id) && !view.mine.has(m.into.id)) view.voted.add(m.into.id);
      }
    }
  }
  return view;
}

// The part of a view that a fresh snapshot must reproduce. A public client keeps a question
// it saw leave the live queue (withdrawn, merged) with its final state: the snapshot no longer
// lists it, so compare what the snapshot shows.
function comparable(view, role) {
  const publicView = role !== 'cochair' && role !== 'rapporteur';
  const questions = [...view.questions.values()]
    .filter((q) => !publicView || q.state === 'approved' || q.state === 'answered' || view.mine.has(q.id))
    .sort((a, b) => a.id - b.id);
  return {
    questions,
    answering: view.answering,
    current: view.current,
    open: view.open,
    mine: [...view.mine].sort((a, b) => a - b),
    voted: [...view.voted].filter((id) => questions.some((q) => q.id === id)).sort((a, b) => a - b),
  };
}

function snapshotView(snap) {
  return comparable(fold(snap, []), snap.role);
}

const ok = (r) => assert.equal(r.type, 'ack', JSON.stringify(r));
const code = (r) => r.type === 'ack' ? 'ack' : r.code;

test('every co-chair action, and what each audience hears of it', async () => {
  const chair = await srv.connect(srv.tokens.cochair);
  const author = await srv.connect(srv.tokens.invitations[0]);
  const other = await srv.connect(srv.tokens.invitations[1]);
  const stage = await srv.connect(srv.tokens.stage);

  const a = (await author.command({ type: 'question.post', text: 'How will Article 24 safeguards work?', lang: 'en' })).result.question;
  const dup = (await other.command({ type: 'question.post', text: 'What do the Article 24 safeguards mean?', lang: 'en' })).result.question;
  ok(await chair.command({ type: 'question.approve', question: a.id }));
  ok(await chair.command({ type: 'question.approve', question: dup.id }));
  ok(await author.command({ type: 'question.vote', question: dup.id }));

  // Edit: marked as edited for everyone who sees the question.
  const edited = await chair.command({ type: 'question.edit', question: a.id, text: 'How will the Article 24 safeguards work? [name removed]' });
  ok(edited);
  assert.equal(edited.result.question.edited, true);
  const seen = await stage.next((m) => m.type === 'question.edited' && m.question.id === a.id);
  assert.equal(seen.question.text, 'How will the Article 24 safeguards work? [name removed]');

  // Pin, idempotently.
  const pin1 = await chair.command({ type: 'question.pin', question: a.id });
  ok(pin1);
  const pin2 = await chair.command({ type: 'question.pin', question: a.id });
  ok(pin2);
  assert.equal(pin2.seq, pin1.seq, 'pinning a pinned question produces no event');
  assert.equal((await stage.next((m) => m.type === 'question.pinned')).question.pinned, true);

  // Merge: the duplicate's voter (the author of `a`) is not counted on `a`.
  const merged = await chair.command({ type: 'question.merge', question: dup.id, into: a.id });
  ok(merged);
  const ev = await stage.next((m) => m.type === 'question.merged');
  assert.equal(ev.question.state, 'merged');
  assert.equal(ev.question.into, a.id);
  assert.equal(ev.into.votes, 0);
  const notice = await other.next((m) => m.type === 'question.merged');
  assert.equal(notice.question.id, dup.id);
  assert.equal(code(await chair.command({ type: 'question.approve', question: dup.id })), 'question.not_pending');

  // Now answering, then answered: both reach everyone; one question at a time.
  const now = await chair.command({ type: 'question.answer_now', question: a.id });
  ok(now);
  assert.equal(now.result.answering, a.id);
  assert.equal((await stage.next((m) => m.type === 'question.answering')).question, a.id);
  ok(await chair.command({ type: 'question.answer', question: a.id }));
  assert.equal((await stage.next((m) => m.type === 'question.answered')).question.state, 'answered');
  assert.equal((await stage.next((m) => m.type === 'question.answering')).question, null);
  assert.equal(code(await author.command({ type: 'question.withdraw', question: a.id })), 'question.wrong_state');
  ok(await chair.command({ type: 'question.reopen', question: a.id }));
  assert.equal((await stage.next((m) => m.type === 'question.reopened')).question.state, 'approved');

  // Withdraw: only one's own, and the public hears the question leave.
  assert.equal(code(await other.command({ type: 'question.withdraw', question: a.id })), 'question.not_own');
  ok(await author.command({ type: 'question.withdraw', question: a.id }));
  assert.equal((await stage.next((m) => m.type === 'question.withdrawn')).question.id, a.id);

  // Segments: move, close, and the post that comes too late.
  const p = (await other.command({ type: 'question.post', text: 'On data retention?', lang: 'fr' })).result.question;
  const moved = await chair.command({ type: 'question.move', question: p.id, segment: 2 });
  ok(moved);
  assert.equal(moved.result.question.segment, 2);
  assert.equal((await other.next((m) => m.type === 'question.moved')).question.segment, 2);
  ok(await chair.command({ type: 'segment.close', segment: 0 }));
  assert.equal((await stage.next((m) => m.type === 'segment.closed')).segment, 0);
  const late = await other.command({ type: 'question.post', text: 'Too late?', lang: 'en' });
  assert.deepEqual([late.code, late.params], ['queue.closed', { segment: 0 }]);
  const go = await chair.command({ type: 'agenda.goto', segment: 2 });
  ok(go);
  assert.equal(go.result.segment, 2);
  assert.equal((await stage.next((m) => m.type === 'agenda.current')).segment, 2);
  ok(await other.command({ type: 'question.post', text: 'Now it is open again?', lang: 'en' }));
  const bad = await chair.command({ type: 'agenda.goto', segment: 9 });
  assert.deepEqual([bad.code, bad.params], ['segment.not_found', { segment: 9 }]);

  // Participants cannot moderate; the stage cannot post.
  assert.equal(code(await other.command({ type: 'question.pin', question: p.id })), 'auth.forbidden');
  assert.equal(code(await stage.command({ type: 'question.post', text: 'x', lang: 'en' })), 'auth.forbidden');
  for (const c of [chair, author, other, stage]) c.close();
});

test('limits say the limit and nothing about anyone else', async () => {
  const chair = await srv.connect(srv.tokens.cochair);
  await chair.command({ type: 'agenda.goto', segment: 1 });
  const p = await srv.connect(srv.tokens.participant);
  const first = await p.command({ type: 'question.post', text: 'Limit 0', lang: 'en' });
  ok(first);
  for (let i = 1; i < 4; i++) ok(await p.command({ type: 'question.post', text: `Limit ${i}`, lang: 'en' }));
  const refused = await p.command({ type: 'question.post', text: 'One too many', lang: 'en' });
  assert.deepEqual([refused.code, refused.params], ['limit.open_questions', { max: 4 }]);
  // Someone else is not limited by them.
  const q = await srv.connect(srv.tokens.participant);
  ok(await q.command({ type: 'question.post', text: 'Mine is fine', lang: 'en' }));
  q.close();
  // Withdrawing one frees a place.
  ok(await p.command({ type: 'question.withdraw', question: first.result.question.id }));
  ok(await p.command({ type: 'question.post', text: 'Now it fits', lang: 'en' }));
  chair.close();
  p.close();
});

test('the demo agenda opens with questions closed: a post gets queue.closed', async () => {
  const closed = await startServer({ agenda: demoAgenda, invitations: 0 });
  try {
    const p = await closed.connect(closed.tokens.participant);
    assert.equal(p.snapshot.consultation.segments[0].questions, false);
    const r = await p.command({ type: 'question.post', text: 'Hello?', lang: 'en' });
    assert.equal(r.code, 'queue.closed');
    const chair = await closed.connect(closed.tokens.cochair);
    ok(await chair.command({ type: 'agenda.goto', segment: 1 }));
    ok(await p.command({ type: 'question.post', text: 'Hello now', lang: 'en' }));
  } finally {
    await closed.stop();
  }
});

test('two co-chairs and twenty participants at once: conflicts resolve, every view equals a fresh snapshot', async () => {
  const chairs = [await srv.connect(srv.tokens.cochair), await srv.connect(srv.tokens.cochair)];
  await chairs[0].command({ type: 'agenda.goto', segment: 2 });
  await chairs[0].command({ type: 'segment.open', segment: 2 });
  const devices = Array.from({ length: 20 }, () => randomKey());
  const people = await Promise.all(devices.map((device) => srv.connect(srv.tokens.participant, { device })));
  const watchers = [await srv.connect(srv.tokens.stage), await srv.connect(srv.tokens.rapporteur),
    await srv.connect(srv.tokens.booth.ar)];

  // Everyone posts two questions at once.
  const posts = await Promise.all(people.flatMap((p, i) => [0, 1].map((j) =>
    p.command({ type: 'question.post', text: `Concurrent question ${i}.${j} — سؤال ${i}`, lang: j ? 'ar' : 'en' }))));
  posts.forEach(ok);
  const ids = posts.map((r) => r.result.question.id);
  assert.equal(new Set(ids).size, 40);

  // Both co-chairs approve everything at once: exactly one approval of each question wins.
  const approvals = await Promise.all(chairs.flatMap((c) => ids.map((id) => c.command({ type: 'question.approve', question: id }))));
  const won = approvals.filter((r) => r.type === 'ack').length;
  assert.equal(won, 40);
  for (const r of approvals.filter((x) => x.type === 'error')) {
    assert.equal(r.code, 'question.not_pending');
    assert.equal(r.params.state, 'approved');
  }

  // Participants vote, take back and withdraw while the co-chairs merge, pin and answer.
  const rnd = (() => { let x = 42; return () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648; })();
  const actions = [];
  for (const [i, p] of people.entries()) {
    for (let k = 0; k < 8; k++) {
      const q = ids[Math.floor(rnd() * ids.length)];
      actions.push(p.command({ type: rnd() < 0.8 ? 'question.vote' : 'question.unvote', question: q }));
    }
    if (i % 5 === 0) actions.push(p.command({ type: 'question.withdraw', question: ids[i * 2 + 1] }));
  }
  // The same duplicate merged by both co-chairs into different questions: one wins.
  const mergeA = chairs[0].command({ type: 'question.merge', question: ids[3], into: ids[4] });
  const mergeB = chairs[1].command({ type: 'question.merge', question: ids[3], into: ids[6] });
  for (let k = 10; k < 20; k += 2) {
    actions.push(chairs[k % 4 === 0 ? 0 : 1].command({ type: 'question.merge', question: ids[k + 1], into: ids[k] }));
  }
  actions.push(chairs[0].command({ type: 'question.pin', question: ids[8] }));
  actions.push(chairs[1].command({ type: 'question.pin', question: ids[8] }));
  actions.push(chairs[0].command({ type: 'question.answer_now', question: ids[12] }));
  actions.push(chairs[1].command({ type: 'question.answer_now', question: ids[14] }));
  actions.push(chairs[1].command({ type: 'question.answer', question: ids[16] }));
  actions.push(chairs[0].command({ type: 'question.edit', question: ids[18], text: 'Edited while everyone votes' }));
  const results = await Promise.all([mergeA, mergeB, ...actions]);
  const [ra, rb] = results;
  assert.deepEqual([ra.type, rb.type].sort(), ['ack', 'error'], 'exactly one of two conflicting merges wins');
  const loser = ra.type === 'error' ? ra : rb;
  assert.equal(loser.code, 'question.wrong_state');
  assert.equal(loser.params.state, 'merged');
  assert.equal(loser.params.question, ids[3]);
  const allowed = new Set(['ack', 'vote.already', 'vote.not_voted', 'vote.own_question', 'question.wrong_state',
    'question.not_found']);
  for (const r of results) assert.ok(allowed.has(code(r)), JSON.stringify(r));

  // Quiescence: one more round trip per client, so every command of the batch is decided.
  const everyone = [...chairs, ...people, ...watchers];
  await Promise.all(everyone.map((c) => c.command({ type: 'question.vote', question: 1 }).catch(() => null)));

  const fresh = await Promise.all([
    srv.connect(srv.tokens.cochair), srv.connect(srv.tokens.cochair),
    ...devices.map((device) => srv.connect(srv.tokens.participant, { device })),
    srv.connect(srv.tokens.stage), srv.connect(srv.tokens.rapporteur), srv.connect(srv.tokens.booth.ar),
  ]);
  // Events of the last window (PERF-2: acks are not held) and its vote counts (votes.changed,
  // when it ends) may still be on their way: wait until every view has caught up, then compare.
  const view = (c) => comparable(fold(c.snapshot, c.log.filter((m) => m.type !== 'snapshot')), c.snapshot.role);
  await until(() => everyone.every((c, i) => isDeepStrictEqual(view(c), snapshotView(fresh[i].snapshot))),
    'every client caught up with a fresh snapshot', { every: 100 }).catch(() => {});
  for (const [i, c] of everyone.entries()) {
    assert.deepEqual(view(c), snapshotView(fresh[i].snapshot), `client ${i} (${c.snapshot.role}) drifted from a fresh snapshot`);
  }
  // The votes a participant sees as its own add up to the counts everyone sees.
  const snap = fresh[0].snapshot;
  const total = snap.questions.filter((q) => ids.includes(q.id) && (q.state === 'approved' || q.state === 'answered'))
    .reduce((n, q) => n + q.votes, 0);
  const mine = fresh.slice(2, 22).reduce((n, c) => n + c.snapshot.you.voted.filter((id) => ids.includes(id)).length, 0);
  assert.equal(mine, total, 'every counted vote belongs to exactly one participant');
  assert.deepEqual(srv.violations, []);
  for (const c of [...everyone, ...fresh]) c.close();
});
