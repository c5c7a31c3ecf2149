// Two co-chairs running one console against the real binary (QA-4, LC-4): a command that says
// what its sender saw (`from`, and an edit's `version`) is refused with question.conflict once
// the other co-chair changed the question, and goes through when sent again with the state now;
// older clients that say nothing keep the old rules; the co-chairs' acknowledgement of a booth
// signal reaches the booths and co-chairs only, and is never stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startServer } from '../lib/harness.mjs';

let srv;
before(async () => {
  srv = await startServer();
});
after(async () => {
  await srv?.stop();
});

const ok = (r) => assert.equal(r.type, 'ack', JSON.stringify(r));

async function pending(p, text) {
  const r = await p.command({ type: 'question.post', text, lang: 'en' });
  ok(r);
  assert.equal(r.result.question.state, 'pending');
  return r.result.question;
}

test('a reject then the other co-chair\'s approve that saw it pending: a conflict, then approve anyway', async () => {
  const [a, b] = [await srv.connect(srv.tokens.cochair), await srv.connect(srv.tokens.cochair)];
  const p = await srv.connect(srv.tokens.participant);
  const stage = await srv.connect(srv.tokens.stage);
  const q = await pending(p, 'How will the treaty protect journalists?');
  assert.equal(q.version, 0);

  ok(await a.command({ type: 'question.reject', question: q.id, from: 'pending' }));
  const refused = await b.command({ type: 'question.approve', question: q.id, from: 'pending' });
  assert.equal(refused.type, 'error');
  assert.deepEqual([refused.code, refused.params], ['question.conflict', { state: 'rejected', question: q.id, version: 0 }]);
  // Nothing changed: every co-chair still sees it rejected.
  const snap = await srv.connect(srv.tokens.cochair);
  assert.equal(snap.snapshot.questions.find((x) => x.id === q.id).state, 'rejected');
  snap.close();

  // Approve anyway: the same command with the state now.
  const anyway = await b.command({ type: 'question.approve', question: q.id, from: 'rejected' });
  ok(anyway);
  assert.equal(anyway.result.question.state, 'approved');
  assert.equal((await stage.next((m) => m.type === 'question.approved' && m.question.id === q.id)).question.state, 'approved');

  // The other way round: approve first, then a reject that saw it pending.
  const q2 = await pending(p, 'Will civil society see the drafts?');
  ok(await a.command({ type: 'question.approve', question: q2.id, from: 'pending' }));
  const late = await b.command({ type: 'question.reject', question: q2.id, from: 'pending' });
  assert.deepEqual([late.code, late.params.state], ['question.conflict', 'approved']);

  // A client that says nothing keeps the old rules: approve of a rejected question goes through.
  const q3 = await pending(p, 'What about data retention?');
  ok(await a.command({ type: 'question.reject', question: q3.id }));
  const old = await b.command({ type: 'question.approve', question: q3.id });
  ok(old);
  assert.equal(old.result.question.state, 'approved');

  // Typed errors: a state that is no state, a question that is not there.
  const bad = await a.command({ type: 'question.approve', question: q3.id, from: 'live' });
  assert.deepEqual([bad.code, bad.params], ['protocol.invalid_field', { field: 'from' }]);
  assert.equal((await a.command({ type: 'question.reject', question: 9999, from: 'pending' })).code, 'question.not_found');
  // Participants still may not moderate, whatever they say they saw.
  assert.equal((await p.command({ type: 'question.approve', question: q3.id, from: 'approved' })).code, 'auth.forbidden');
  for (const c of [a, b, p, stage]) c.close();
});

test('edits compare and set on the question\'s version', async () => {
  const [a, b] = [await srv.connect(srv.tokens.cochair), await srv.connect(srv.tokens.cochair)];
  const p = await srv.connect(srv.tokens.participant);
  const q = await pending(p, 'Ask Maria at the ministry about Article 5');
  const first = await a.command({ type: 'question.edit', question: q.id, text: 'Ask the ministry about Article 5', version: 0, from: 'pending' });
  ok(first);
  assert.equal(first.result.question.version, 1);
  const seen = await b.next((m) => m.type === 'question.edited' && m.question.id === q.id);
  assert.equal(seen.question.version, 1);

  // The other co-chair's edit started from version 0: refused, and the text is the first one.
  const second = await b.command({ type: 'question.edit', question: q.id, text: 'Article 5: ask the ministry', version: 0 });
  assert.deepEqual([second.code, second.params], ['question.conflict', { state: 'pending', question: q.id, version: 1 }]);
  const snap = await srv.connect(srv.tokens.cochair);
  const now = snap.snapshot.questions.find((x) => x.id === q.id);
  assert.deepEqual([now.text, now.version], ['Ask the ministry about Article 5', 1]);
  snap.close();
  // Sent again from version 1, it goes through.
  const again = await b.command({ type: 'question.edit', question: q.id, text: 'Article 5: ask the ministry', version: 1 });
  ok(again);
  assert.equal(again.result.question.version, 2);
  // Without a version, the last writer wins as before.
  ok(await a.command({ type: 'question.edit', question: q.id, text: 'Article 5 and the ministry' }));
  const bad = await a.command({ type: 'question.edit', question: q.id, text: 'x', version: -1 });
  assert.deepEqual([bad.code, bad.params], ['protocol.invalid_field', { field: 'version' }]);

  // The version survives a restart.
  for (const c of [a, b, p]) c.close();
  await srv.kill('SIGTERM');
  await srv.start();
  const after = await srv.connect(srv.tokens.cochair);
  assert.equal(after.snapshot.questions.find((x) => x.id === q.id).version, 3);
  after.close();
});

test('an acknowledgement of a booth signal reaches the booths and the co-chairs only, never stored', async () => {
  const chairs = [await srv.connect(srv.tokens.cochair), await srv.connect(srv.tokens.cochair)];
  const boothAr = await srv.connect(srv.tokens.booth.ar);
  const boothFr = await srv.connect(srv.tokens.booth.fr);
  const others = {
    participant: await srv.connect(srv.tokens.participant),
    rapporteur: await srv.connect(srv.tokens.rapporteur),
    stage: await srv.connect(srv.tokens.stage),
  };
  const signal = await boothAr.command({ type: 'booth.signal', signal: 'no_floor_audio' });
  ok(signal);
  const { seq } = signal;
  await chairs[0].next((m) => m.type === 'booth.signalled' && m.signal === 'no_floor_audio');

  const ack = await chairs[0].command({ type: 'booth.acknowledge', lang: 'ar', signal: 'no_floor_audio' });
  assert.deepEqual([ack.type, ack.seq], ['ack', seq], 'an acknowledgement takes no seq');
  const want = { type: 'booth.acknowledged', channel: 'ar', signal: 'no_floor_audio' };
  assert.deepEqual(await boothAr.next((m) => m.type === 'booth.acknowledged'), want);
  assert.deepEqual(await boothFr.next((m) => m.type === 'booth.acknowledged'), want);
  // The other co-chair hears of it too, so that its alert is marked seen.
  assert.deepEqual(await chairs[1].next((m) => m.type === 'booth.acknowledged'), want);

  const barrier = await srv.barrier(chairs[0]);
  for (const [name, c] of Object.entries(others)) {
    await assert.doesNotReject(c.nothing((m) => m.type === 'booth.acknowledged', barrier), `${name} heard it`);
  }
  // Only co-chairs acknowledge; only a channel of the consultation; a signal that is one.
  assert.equal((await boothAr.command({ type: 'booth.acknowledge', lang: 'ar', signal: 'slower' })).code, 'auth.forbidden');
  assert.equal((await others.participant.command({ type: 'booth.acknowledge', lang: 'ar', signal: 'slower' })).code, 'auth.forbidden');
  assert.equal((await chairs[0].command({ type: 'booth.acknowledge', lang: 'en', signal: 'slower' })).code, 'language.unknown');
  const bad = await chairs[0].command({ type: 'booth.acknowledge', lang: 'ar', signal: 'louder' });
  assert.deepEqual([bad.code, bad.params], ['protocol.invalid_field', { field: 'signal' }]);
  // A co-chair connecting later is told of nothing.
  const late = await srv.connect(srv.tokens.cochair);
  await assert.doesNotReject(late.nothing((m) => m.type === 'booth.acknowledged', await srv.barrier(chairs[0])));

  for (const c of [...chairs, boothAr, boothFr, ...Object.values(others), late]) c.close();
  await srv.kill('SIGTERM');
  for (const f of fs.readdirSync(srv.dataDir)) {
    if (f.endsWith('.json')) continue;
    const bytes = fs.readFileSync(path.join(srv.dataDir, f));
    for (const n of ['acknowledged', 'booth.acknowledge', 'no_floor_audio']) assert.equal(bytes.indexOf(n), -1, `${f} holds "${n}"`);
  }
  await srv.start();
});

test('a merge undone: the duplicate and the question kept get back exactly their voters, across a restart', async () => {
  const chair = await srv.connect(srv.tokens.cochair);
  const stage = await srv.connect(srv.tokens.stage);
  const authors = [await srv.connect(srv.tokens.participant), await srv.connect(srv.tokens.participant)];
  const voters = await Promise.all([0, 1, 2, 3].map(() => srv.connect(srv.tokens.participant)));
  const kept = await pending(authors[0], 'How is Article 24 applied to journalists?');
  const dup = await pending(authors[1], 'What does Article 24 mean for journalists?');
  ok(await chair.command({ type: 'question.approve', question: kept.id }));
  ok(await chair.command({ type: 'question.approve', question: dup.id }));
  // The duplicate's voters: the kept one's author, voter 0 (who upvoted both) and voters 1, 2.
  for (const c of [authors[0], voters[0], voters[1], voters[2]]) ok(await c.command({ type: 'question.vote', question: dup.id }));
  ok(await voters[0].command({ type: 'question.vote', question: kept.id }));
  const merged = await chair.command({ type: 'question.merge', question: dup.id, into: kept.id });
  ok(merged);
  // After the merge: voter 2 takes back the vote the merge gave; voter 3 upvotes the kept one.
  ok(await voters[2].command({ type: 'question.unvote', question: kept.id }));
  ok(await voters[3].command({ type: 'question.vote', question: kept.id }));

  const undone = await chair.command({ type: 'question.unmerge', question: dup.id });
  ok(undone);
  assert.deepEqual([undone.result.question.state, undone.result.question.votes], ['approved', 4]);
  const ev = await stage.next((m) => m.type === 'question.unmerged');
  assert.deepEqual([ev.question.id, ev.question.state, ev.question.votes], [dup.id, 'approved', 4]);
  assert.deepEqual([ev.into.id, ev.into.votes], [kept.id, 2]); // voter 0 and voter 3
  // Each voter's own view: the duplicate's voters are on it again; the kept one keeps its own.
  const again = (c) => c.command({ type: 'question.vote', question: dup.id });
  for (const c of [authors[0], voters[0], voters[1], voters[2]]) assert.equal((await again(c)).code, 'vote.already');
  assert.equal((await voters[1].command({ type: 'question.unvote', question: kept.id })).code, 'vote.not_voted');
  assert.equal((await voters[0].command({ type: 'question.vote', question: kept.id })).code, 'vote.already');

  // Typed errors: not merged; the kept question withdrawn since; only co-chairs.
  assert.deepEqual((await chair.command({ type: 'question.unmerge', question: dup.id })).code, 'question.wrong_state');
  assert.equal((await voters[0].command({ type: 'question.unmerge', question: dup.id })).code, 'auth.forbidden');
  assert.equal((await chair.command({ type: 'question.unmerge', question: 99999 })).code, 'question.not_found');
  ok(await chair.command({ type: 'question.merge', question: dup.id, into: kept.id }));
  ok(await authors[0].command({ type: 'question.withdraw', question: kept.id }));
  const gone = await chair.command({ type: 'question.unmerge', question: dup.id });
  assert.deepEqual([gone.code, gone.params.question, gone.params.state], ['question.wrong_state', kept.id, 'withdrawn']);

  // A merge survives a restart with what it needs to be undone.
  const third = await pending(authors[1], 'Article 24 and the press?');
  const fourth = await pending(authors[1], 'Article 24 and reporters?');
  ok(await chair.command({ type: 'question.approve', question: third.id }));
  ok(await chair.command({ type: 'question.approve', question: fourth.id }));
  ok(await voters[1].command({ type: 'question.vote', question: third.id }));
  ok(await chair.command({ type: 'question.merge', question: third.id, into: fourth.id }));
  for (const c of [chair, stage, ...authors, ...voters]) c.close();
  await srv.kill('SIGTERM');
  await srv.start();
  const chair2 = await srv.connect(srv.tokens.cochair);
  assert.equal(chair2.snapshot.questions.find((q) => q.id === fourth.id).votes, 1);
  const back = await chair2.command({ type: 'question.unmerge', question: third.id });
  ok(back);
  assert.deepEqual([back.result.question.state, back.result.question.votes], ['approved', 1]);
  const after = await srv.connect(srv.tokens.cochair);
  assert.equal(after.snapshot.questions.find((q) => q.id === fourth.id).votes, 0);
  after.close();

  // CHR-5: the seal takes the parked voters with every other vote row.
  ok(await chair2.command({ type: 'question.merge', question: third.id, into: fourth.id }));
  const db = path.join(srv.dataDir, 'roundtable.db');
  assert.equal(execFileSync('sqlite3', [db, 'SELECT count(*) FROM parked_vote'], { encoding: 'utf8' }).trim(), '5', 'two merges: four voters and one');
  ok(await chair2.command({ type: 'consultation.seal' }));
  assert.equal(execFileSync('sqlite3', [db, 'SELECT count(*) FROM parked_vote'], { encoding: 'utf8' }).trim(), '0');
  assert.equal((await chair2.command({ type: 'question.unmerge', question: third.id })).code, 'consultation.sealed');
  chair2.close();
});
