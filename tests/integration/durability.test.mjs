// Nothing acknowledged is lost (PL-3): the server is killed with SIGKILL the instant an ack
// arrives, restarted on the same database, and everything acknowledged is there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openAgenda, startServer } from '../lib/harness.mjs';

let srv;
// Many questions from one participant: lift the per-participant limits (QA-7).
before(async () => {
  srv = await startServer({ agenda: { ...openAgenda, limits: { open_questions: 100, votes_per_minute: 600 } } });
});
after(async () => { await srv.stop(); });

test('SIGKILL right after an ack loses nothing', async () => {
  const expected = new Map(); // id -> { text, state, votes }
  let lastSeq = 0;
  for (let round = 0; round < 4; round++) {
    const author = await srv.connect(srv.tokens.invitations[0]);
    const voter = await srv.connect(srv.tokens.invitations[1]);
    const chair = await srv.connect(srv.tokens.cochair);
    const text = `Round ${round}: does the draft convention cover data retention?`;
    const post = await author.command({ type: 'question.post', text, lang: 'en' });
    assert.equal(post.type, 'ack');
    const id = post.result.question.id;
    const approve = await chair.command({ type: 'question.approve', question: id });
    assert.equal(approve.type, 'ack');
    const vote = await voter.command({ type: 'question.vote', question: id });
    assert.equal(vote.type, 'ack');
    expected.set(id, { text, state: 'approved', votes: 1 });
    // And one more post, killed the moment its ack is read.
    const last = await author.command({ type: 'question.post', text: `Round ${round}, last words`, lang: 'en' });
    await srv.kill('SIGKILL');
    assert.equal(last.type, 'ack');
    expected.set(last.result.question.id, { text: `Round ${round}, last words`, state: 'pending', votes: 0 });
    lastSeq = last.seq;

    await srv.restart();
    const check = await srv.connect(srv.tokens.cochair);
    assert.equal(check.snapshot.seq, lastSeq, 'the sequence number survives');
    for (const [qid, want] of expected) {
      const got = check.snapshot.questions.find((q) => q.id === qid);
      assert.ok(got, `question ${qid} lost after SIGKILL`);
      assert.deepEqual({ text: got.text, state: got.state, votes: got.votes }, want);
    }
    const voterBack = await srv.connect(srv.tokens.invitations[1]);
    assert.ok(voterBack.snapshot.you.voted.includes(id), 'the vote is still this participant\'s');
    assert.equal((await voterBack.command({ type: 'question.vote', question: id })).code, 'vote.already');
    check.close();
    voterBack.close();
  }
});

test('commands fired together from many clients are all acknowledged and all kept', async () => {
  const clients = [];
  for (let i = 0; i < 10; i++) clients.push(await srv.connect(srv.tokens.participant));
  const chair = await srv.connect(srv.tokens.cochair);
  const acks = await Promise.all(clients.flatMap((c, i) =>
    [0, 1, 2, 3, 4].map((j) => c.command({ type: 'question.post', text: `Burst ${i}.${j}`, lang: 'en' }))));
  assert.equal(acks.length, 50);
  for (const a of acks) assert.equal(a.type, 'ack', JSON.stringify(a));
  const ids = new Set(acks.map((a) => a.result.question.id));
  assert.equal(ids.size, 50, 'every post got its own question id');
  // Approve them all at once, then kill: every acknowledged approval must survive.
  const approvals = await Promise.all([...ids].map((id) => chair.command({ type: 'question.approve', question: id })));
  for (const a of approvals) assert.equal(a.type, 'ack');
  await srv.kill('SIGKILL');
  await srv.restart();
  const check = await srv.connect(srv.tokens.stage);
  for (const id of ids) {
    const q = check.snapshot.questions.find((x) => x.id === id);
    assert.ok(q, `question ${id} missing`);
    assert.equal(q.state, 'approved');
  }
});
