// Abuse from the open link (AB-1..AB-7): what one address can do with free device keys. A flood
// of fresh keys is capped per network and the co-chairs are alerted (counts only) while their
// snapshot still arrives; co-chairs pause the open link and the incoming queue (kept over a
// restart) and reject the pending queue in one command; a thousand votes from fresh keys cannot
// inflate a question; with "voting": "invitations" the open link does not vote; a new device key
// pays its proof of work.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { loadLimits, openAgenda, randomKey, solveWork as solve, startServer, workBits as zeroBits } from '../lib/harness.mjs';

const servers = [];
after(async () => { for (const s of servers) await s.stop(); });

async function serve(limits, extra = {}) {
  const srv = await startServer({
    agenda: { ...openAgenda, ...extra, limits: { open_questions: 3, votes_per_minute: 600, ...limits } },
    serveArgs: loadLimits,
    invitations: 3,
  });
  servers.push(srv);
  return srv;
}

// One auth on a raw socket from `localAddress`: resolves with the first answer (a snapshot or an
// error) and the socket, left open when it authenticated.
function authenticate(srv, auth, localAddress) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, 'roundtable.v1', { localAddress });
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', ...auth })));
    ws.once('message', (d) => resolve({ ws, first: JSON.parse(String(d)) }));
  });
}

test('1,500 fresh device keys from one address are capped; the co-chairs are alerted and their snapshot arrives', async () => {
  const srv = await serve({ new_devices_per_minute: 30, pending_questions: 100 });
  const chair = await srv.connect(srv.tokens.cochair);
  const attempts = [];
  for (let i = 0; i < 1500; i += 100) {
    const batch = [];
    for (let j = i; j < i + 100; j++) batch.push(authenticate(srv, { token: srv.tokens.participant, device: randomKey() }, '127.0.0.2'));
    attempts.push(...await Promise.all(batch));
  }
  const admitted = attempts.filter((a) => a.first.type === 'snapshot');
  const refused = attempts.filter((a) => a.first.type === 'error');
  for (const a of refused) {
    assert.equal(a.first.code, 'limit.new_devices');
    assert.equal(a.first.params.max, 30);
    assert.ok(a.first.params.seconds >= 1 && a.first.params.seconds <= 60, JSON.stringify(a.first));
  }
  assert.equal(admitted.length, 30);
  assert.equal(refused.length, 1470);
  // The co-chairs hear it once, with counts and nothing about the network.
  const alert = await chair.next((m) => m.type === 'guard.alert');
  assert.deepEqual(alert, { type: 'guard.alert', new_participants: 30, seconds: 60 });
  for (const a of attempts) a.ws.close();

  // Another network is not held back: 10 more from 127.0.0.3; 40 participants post 3 each, and
  // the pending queue stops at 100 with queue.full.
  const people = [];
  for (let i = 0; i < 30; i++) people.push(await srv.connect(srv.tokens.participant, { localAddress: '127.0.0.4' }));
  await assert.rejects(srv.connect(srv.tokens.participant, { localAddress: '127.0.0.4' }), /limit\.new_devices/);
  for (let i = 0; i < 10; i++) people.push(await srv.connect(srv.tokens.participant, { localAddress: '127.0.0.3' }));
  const codes = [];
  for (const p of people) {
    for (let k = 0; k < 3; k++) {
      const r = await p.command({ type: 'question.post', text: `Flood ${k}`, lang: 'en' });
      codes.push(r.type === 'ack' ? 'ack' : r.code);
      if (r.code === 'queue.full') assert.equal(r.params.max, 100);
    }
  }
  assert.equal(codes.filter((c) => c === 'ack').length, 100);
  assert.equal(codes.filter((c) => c === 'queue.full').length, 20);
  // A co-chair who joins now gets the whole moderation queue in one snapshot.
  const late = await srv.connect(srv.tokens.cochair);
  assert.equal(late.snapshot.questions.filter((q) => q.state === 'pending').length, 100);
  assert.equal(late.snapshot.consultation.guard.pending_max, 100);
});

test('co-chairs pause the open link and the queue, kept over a restart, and reject the pending queue at once', async () => {
  const srv = await serve({ new_devices_per_minute: 30, open_questions: 10 });
  const chair = await srv.connect(srv.tokens.cochair);
  const device = randomKey();
  const p = await srv.connect(srv.tokens.participant, { device });
  const posted = [];
  for (const text of ['One', 'Two', 'Three']) posted.push((await p.command({ type: 'question.post', text, lang: 'en' })).result.question.id);

  let ack = await chair.command({ type: 'link.pause' });
  assert.equal(ack.type, 'ack', JSON.stringify(ack));
  const changed = await p.next((m) => m.type === 'guard.changed');
  assert.deepEqual(changed.link, { paused: true, until: null });
  const paused = await authenticate(srv, { token: srv.tokens.participant, device: randomKey() });
  assert.equal(paused.first.code, 'link.paused');
  // Someone already in comes back, on the open link and by invitation.
  await srv.connect(srv.tokens.participant, { device });
  await srv.connect(srv.tokens.invitations[0]);

  ack = await chair.command({ type: 'queue.pause', minutes: 10 });
  assert.equal(ack.type, 'ack');
  let refused = await p.command({ type: 'question.post', text: 'Four', lang: 'en' });
  assert.equal(refused.code, 'queue.paused');
  assert.ok(refused.params.seconds > 590 && refused.params.seconds <= 600, JSON.stringify(refused));

  // Both pauses are stored: a restarted server keeps them.
  await srv.restart();
  const chair2 = await srv.connect(srv.tokens.cochair);
  assert.equal(chair2.snapshot.consultation.guard.link.paused, true);
  assert.equal(chair2.snapshot.consultation.guard.queue.paused, true);
  assert.ok(chair2.snapshot.consultation.guard.queue.until > Date.now());
  const p2 = await srv.connect(srv.tokens.participant, { device });
  refused = await p2.command({ type: 'question.post', text: 'Four', lang: 'en' });
  assert.equal(refused.code, 'queue.paused');
  assert.equal((await authenticate(srv, { token: srv.tokens.participant, device: randomKey() })).first.code, 'link.paused');

  assert.equal((await chair2.command({ type: 'queue.resume' })).type, 'ack');
  assert.equal((await chair2.command({ type: 'link.resume' })).type, 'ack');
  assert.equal((await p2.command({ type: 'question.post', text: 'Four', lang: 'en' })).type, 'ack');
  await srv.connect(srv.tokens.participant);

  // Bulk reject: the ones named (an unknown id refuses the whole command), then all the rest.
  const unknown = await chair2.command({ type: 'question.reject_all', questions: [posted[0], 999] });
  assert.equal(unknown.code, 'question.not_found');
  ack = await chair2.command({ type: 'question.reject_all', questions: [posted[0], posted[1]] });
  assert.equal(ack.result.rejected, 2);
  ack = await chair2.command({ type: 'question.reject_all' });
  assert.equal(ack.result.rejected, 2);
  await chair2.seen(ack.seq);
  const fresh = await srv.connect(srv.tokens.cochair);
  assert.equal(fresh.snapshot.questions.filter((q) => q.state === 'pending').length, 0);
  assert.equal(fresh.snapshot.questions.filter((q) => q.state === 'rejected').length, 4);
  const forbidden = await p2.command({ type: 'question.reject_all' });
  assert.equal(forbidden.code, 'auth.forbidden');
});

test('a thousand votes from fresh device keys cannot inflate a question; the co-chairs see the open link\'s share', async () => {
  const srv = await serve({ new_devices_per_minute: 30 });
  const chair = await srv.connect(srv.tokens.cochair);
  const author = await srv.connect(srv.tokens.invitations[0]);
  const id = (await author.command({ type: 'question.post', text: 'Inflate me', lang: 'en' })).result.question.id;
  await chair.command({ type: 'question.approve', question: id });
  let votes = 0;
  let refusedJoins = 0;
  for (let i = 0; i < 1000; i += 100) {
    const batch = [];
    for (let j = 0; j < 100; j++) {
      batch.push(srv.connect(srv.tokens.participant, { localAddress: '127.0.0.5' }).then(async (c) => {
        const r = await c.command({ type: 'question.vote', question: id });
        votes += r.type === 'ack';
        c.close();
      }, (e) => { assert.match(e.message, /limit\.new_devices/); refusedJoins++; }));
    }
    await Promise.all(batch);
  }
  assert.equal(votes, 30);
  assert.equal(refusedJoins, 970);
  const invited = await srv.connect(srv.tokens.invitations[1]);
  const ack = await invited.command({ type: 'question.vote', question: id });
  assert.equal(ack.result.question.votes, 31);
  const view = await srv.connect(srv.tokens.cochair);
  assert.equal(view.snapshot.questions.find((x) => x.id === id).votes, 31);
  assert.deepEqual(view.snapshot.consultation.guard.open_votes_by_question, [[id, 30]]);
  assert.equal(view.snapshot.consultation.guard.open_votes, 30);
  // Participants see the total only.
  const pub = await srv.connect(srv.tokens.invitations[2]);
  assert.equal(pub.snapshot.consultation.guard.open_votes, undefined);
  assert.equal(pub.snapshot.consultation.guard.open_votes_by_question, undefined);
});

test('with "voting": "invitations" the open link does not vote', async () => {
  const srv = await serve({}, { voting: 'invitations', premoderation: false });
  const author = await srv.connect(srv.tokens.invitations[0]);
  const id = (await author.command({ type: 'question.post', text: 'Invitations vote', lang: 'en' })).result.question.id;
  const open = await srv.connect(srv.tokens.participant);
  assert.equal(open.snapshot.consultation.guard.voting, 'invitations');
  assert.equal(open.snapshot.you.open_link, true); // the page says why it does not vote
  const refused = await open.command({ type: 'question.vote', question: id });
  assert.equal(refused.code, 'vote.invitations_only');
  const invited = await srv.connect(srv.tokens.invitations[1]);
  assert.equal(invited.snapshot.you.open_link, undefined);
  const ack = await invited.command({ type: 'question.vote', question: id });
  assert.equal(ack.result.question.votes, 1);
});

test('a new device key pays its proof of work; a known one does not', async () => {
  const srv = await serve({ work_bits: 10 });
  const device = randomKey();
  const asked = await authenticate(srv, { token: srv.tokens.participant, device });
  assert.equal(asked.first.code, 'auth.work_required');
  assert.deepEqual(asked.first.params, { bits: 10, consultation: srv.consultation });
  // A nonce that does not meet the bits for this device is refused the same way.
  let miss = 0;
  while (solve(srv.consultation, device, 10) === String(miss) || zeroBits(srv.consultation, device, miss) >= 10) miss++;
  const wrong = await authenticate(srv, { token: srv.tokens.participant, device, work: String(miss) });
  assert.equal(wrong.first.code, 'auth.work_required');
  const work = solve(srv.consultation, device, 10);
  const p = await srv.connect(srv.tokens.participant, { device, work });
  assert.equal(p.snapshot.role, 'participant');
  // Having accepted the Rule, the device is known: no proof the next time.
  await srv.connect(srv.tokens.participant, { device });
  // Invitations never pay.
  await srv.connect(srv.tokens.invitations[0]);
});
