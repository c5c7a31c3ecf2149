// The first slice of Q&A through every layer: post, moderate, vote, with each audience
// receiving exactly what it may see.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, randomKey, votesIn } from '../lib/harness.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

const posted = (id) => (m) => m.type === 'question.posted' && m.question.id === id;
const approved = (id) => (m) => m.type === 'question.approved' && m.question.id === id;
// The next message giving question id's count, and that count.
const votes = (id) => (m) => votesIn(m, id) !== undefined;

test('post, approve, vote and unvote reach each audience live', async () => {
  const alice = await srv.connect(srv.tokens.participant);
  const bob = await srv.connect(srv.tokens.invitations[0]);
  const chair = await srv.connect(srv.tokens.cochair);
  const rapporteur = await srv.connect(srv.tokens.rapporteur);
  const stage = await srv.connect(srv.tokens.stage);
  const booth = await srv.connect(srv.tokens.booth.ar);
  assert.equal(alice.snapshot.role, 'participant');
  assert.equal(chair.snapshot.role, 'cochair');
  assert.equal(booth.snapshot.role, 'booth');
  assert.equal(alice.snapshot.consultation.id, srv.consultation);

  const ack = await alice.command({ type: 'question.post', text: 'How will the treaty protect journalists?', lang: 'en' });
  assert.equal(ack.type, 'ack', JSON.stringify(ack));
  const q = ack.result.question;
  assert.equal(q.state, 'pending');
  assert.equal(q.votes, 0);
  assert.ok(ack.seq > alice.snapshot.seq);
  assert.equal((await alice.next(posted(q.id))).seq, ack.seq, 'the ack carries the seq of its event');
  for (const c of [chair, rapporteur]) assert.equal((await c.next(posted(q.id))).question.text, q.text);

  // A participant cannot vote for a question it cannot see; the error discloses nothing.
  assert.equal((await bob.command({ type: 'question.vote', question: q.id })).code, 'question.not_found');

  const approval = await chair.command({ type: 'question.approve', question: q.id });
  assert.equal(approval.type, 'ack');
  assert.equal(approval.result.question.state, 'approved');
  // Pre-moderation: nobody in the public audience but the author heard of it before then.
  for (const c of [bob, stage, booth]) await c.nothing((m) => !approved(q.id)(m), approval.seq);
  for (const c of [alice, bob, chair, rapporteur, stage, booth]) {
    const ev = await c.next(approved(q.id));
    assert.equal(ev.question.state, 'approved');
    assert.equal(ev.seq, approval.seq);
  }
  assert.equal((await chair.command({ type: 'question.approve', question: q.id })).code, 'question.not_pending');

  const vote = await bob.command({ type: 'question.vote', question: q.id });
  assert.equal(vote.type, 'ack');
  assert.equal(vote.result.voted, true);
  assert.equal(vote.result.question.votes, 1);
  for (const c of [alice, bob, chair, rapporteur, stage, booth]) assert.equal(votesIn(await c.next(votes(q.id)), q.id), 1);

  assert.equal((await bob.command({ type: 'question.vote', question: q.id })).code, 'vote.already');
  assert.equal((await alice.command({ type: 'question.vote', question: q.id })).code, 'vote.own_question');

  const unvote = await bob.command({ type: 'question.unvote', question: q.id });
  assert.equal(unvote.result.voted, false);
  assert.equal(unvote.result.question.votes, 0);
  for (const c of [alice, chair, stage]) assert.equal(votesIn(await c.next(votes(q.id)), q.id), 0);
  assert.equal((await bob.command({ type: 'question.unvote', question: q.id })).code, 'vote.not_voted');

  for (const c of [alice, bob, chair, rapporteur, stage, booth]) {
    for (let i = 1; i < c.seqs.length; i++) assert.ok(c.seqs[i] > c.seqs[i - 1], `seq not increasing: ${c.seqs}`);
  }
});

test('rejection reaches moderation and the author only', async () => {
  const device = randomKey();
  const author = await srv.connect(srv.tokens.participant, { device });
  const other = await srv.connect(srv.tokens.participant);
  const chair = await srv.connect(srv.tokens.cochair);
  const ack = await author.command({ type: 'question.post', text: 'Off topic', lang: 'fr' });
  const id = ack.result.question.id;
  assert.equal(ack.result.question.lang, 'fr');
  await chair.next(posted(id));
  const rej = await chair.command({ type: 'question.reject', question: id });
  assert.equal(rej.result.question.state, 'rejected');
  assert.equal((await author.next((m) => m.type === 'question.rejected')).question.id, id);
  await other.nothing((m) => m.type === 'question.rejected', await srv.barrier(chair));
  assert.equal((await chair.command({ type: 'question.reject', question: id })).code, 'question.not_pending');

  // The same browser (device key) comes back and still sees its own question and state.
  const again = await srv.connect(srv.tokens.participant, { device });
  assert.ok(again.snapshot.you.mine.includes(id));
  assert.equal(again.snapshot.questions.find((x) => x.id === id).state, 'rejected');
  // Another participant's snapshot does not show it.
  const stranger = await srv.connect(srv.tokens.participant);
  assert.equal(stranger.snapshot.questions.find((x) => x.id === id), undefined);
});

test('a reconnecting participant sees its own questions and votes', async () => {
  const device = randomKey();
  const p = await srv.connect(srv.tokens.participant, { device });
  const voter = await srv.connect(srv.tokens.invitations[1]);
  const chair = await srv.connect(srv.tokens.cochair);
  const mine = (await p.command({ type: 'question.post', text: 'Mine', lang: 'en' })).result.question.id;
  const theirs = (await voter.command({ type: 'question.post', text: 'Theirs', lang: 'es' })).result.question.id;
  await chair.command({ type: 'question.approve', question: mine });
  await chair.command({ type: 'question.approve', question: theirs });
  assert.equal((await p.command({ type: 'question.vote', question: theirs })).type, 'ack');
  p.close();
  const back = await srv.connect(srv.tokens.participant, { device });
  assert.ok(back.snapshot.you.mine.includes(mine));
  assert.ok(!back.snapshot.you.mine.includes(theirs));
  assert.ok(back.snapshot.you.voted.includes(theirs));
  assert.equal(back.snapshot.questions.find((x) => x.id === theirs).votes, 1);
  // Invitation links are distinct people: the other invitee can vote for the same question.
  const invitee = await srv.connect(srv.tokens.invitations[0]);
  assert.equal((await invitee.command({ type: 'question.vote', question: theirs })).type, 'ack');
  assert.equal((await invitee.command({ type: 'question.vote', question: mine })).type, 'ack');
  // A different device on the open link is a different participant too.
  const fresh = await srv.connect(srv.tokens.participant);
  assert.deepEqual(fresh.snapshot.you, { mine: [], voted: [], rule_accepted: true });
});

test('question text is cleaned and bounded', async () => {
  const p = await srv.connect(srv.tokens.participant);
  const clean = await p.command({ type: 'question.post', text: '  \u202eWhat about \u2066Article 24\u2069?\u202c \n', lang: 'en' });
  assert.equal(clean.result.question.text, 'What about Article 24?');
  const mixed = 'سؤال about Article 24 (A/RES/74/247)?';
  assert.equal((await p.command({ type: 'question.post', text: mixed, lang: 'ar' })).result.question.text, mixed);
  assert.equal((await p.command({ type: 'question.post', text: ' \u00a0\u3000\u202e ', lang: 'en' })).code, 'question.text_empty');
  const long = await p.command({ type: 'question.post', text: 'a'.repeat(501), lang: 'en' });
  assert.equal(long.code, 'question.text_too_long');
  assert.equal(long.params.max, 500);
  const arabic500 = 'س'.repeat(500);
  assert.equal((await p.command({ type: 'question.post', text: arabic500, lang: 'ar' })).result.question.text, arabic500);
});
