// Retries and resuming (PL-3, PL-4): a command sent again with its id is applied once and
// answered with its original ack, even across a crash; a reconnecting client gets exactly the
// events it missed, or a snapshot when that is cheaper or the gap is too old; a graceful stop
// closes everyone with 1001; a silent connection is pinged and dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLimits, openAgenda, parseMetrics, randomKey, startServer, TIMEOUT_MS, until } from '../lib/harness.mjs';

const roomy = { ...openAgenda, limits: { open_questions: 100, votes_per_minute: 600 } };

// What a client received after seq `since` that a resuming twin must also get: events only.
function eventsAfter(client, since) {
  return client.log.filter((m) => !['ack', 'error', 'snapshot', 'resumed', 'clock.now'].includes(m.type) &&
    (typeof m.seq !== 'number' || m.seq > since));
}

const isVotes = (m) => m.type === 'question.votes' || m.type === 'votes.changed';
const withoutVotes = (log) => log.filter((m) => !isVotes(m));
// The last count each vote message of a log gives each question.
function counts(log) {
  const c = {};
  for (const m of log.filter(isVotes)) for (const [q, v] of m.type === 'votes.changed' ? m.votes : [[m.question, m.votes]]) c[q] = v;
  return c;
}

test('a command sent again with its id is applied once and gets its original ack, across a crash', async () => {
  const srv = await startServer({ agenda: roomy });
  try {
    const text = 'Will the treaty protect security researchers?';
    const first = await srv.connect(srv.tokens.invitations[0]);
    const ack = await first.command({ type: 'question.post', id: 'post-1', text, lang: 'en' });
    assert.equal(ack.type, 'ack');
    first.close();
    // The same person, a new connection, the same id: the same ack, nothing new.
    const again = await srv.connect(srv.tokens.invitations[0]);
    assert.deepEqual(await again.command({ type: 'question.post', id: 'post-1', text, lang: 'en' }), ack);
    // The id with another payload is another command: refused, and nothing changes.
    assert.deepEqual(await again.command({ type: 'question.post', id: 'post-1', text: 'Other', lang: 'fr' }),
      { type: 'error', id: 'post-1', code: 'command.id_reused' });
    // Ids belong to their sender: someone else's post-1 is a new command.
    const other = await srv.connect(srv.tokens.invitations[1]);
    const theirs = await other.command({ type: 'question.post', id: 'post-1', text: 'Another question', lang: 'en' });
    assert.equal(theirs.type, 'ack');
    assert.notEqual(theirs.result.question.id, ack.result.question.id);

    const chair = await srv.connect(srv.tokens.cochair);
    const approve = await chair.command({ type: 'question.approve', id: 'approve-1', question: ack.result.question.id });
    assert.equal(approve.type, 'ack');
    // The post sent again announced nothing: the approval, after it, is the first `again` hears.
    await again.nothing((m) => m.type === 'question.posted', approve.seq);
    const vote = await other.command({ type: 'question.vote', id: 'vote-1', question: ack.result.question.id });
    assert.equal(vote.result.voted, true);
    // A refused command is decided again: still refused, nothing kept.
    const own = await again.command({ type: 'question.vote', id: 'vote-own', question: ack.result.question.id });
    assert.equal(own.code, 'vote.own_question');
    assert.equal((await again.command({ type: 'question.vote', id: 'vote-own', question: ack.result.question.id })).code,
      'vote.own_question');

    await srv.kill('SIGKILL');
    await srv.restart();
    const back = await srv.connect(srv.tokens.invitations[0]);
    assert.deepEqual(await back.command({ type: 'question.post', id: 'post-1', text, lang: 'en' }), ack);
    const otherBack = await srv.connect(srv.tokens.invitations[1]);
    assert.deepEqual(await otherBack.command({ type: 'question.vote', id: 'vote-1', question: ack.result.question.id }), vote);
    const chairBack = await srv.connect(srv.tokens.cochair);
    assert.deepEqual(await chairBack.command({ type: 'question.approve', id: 'approve-1', question: ack.result.question.id }), approve);
    const mine = chairBack.snapshot.questions.filter((q) => q.text === text);
    assert.equal(mine.length, 1, 'posted once');
    assert.equal(mine[0].votes, 1, 'voted once');
    assert.equal(chairBack.snapshot.questions.length, 2);
  } finally {
    await srv.stop();
  }
});

test('a client that resumes gets exactly the events it missed, in order', async () => {
  const srv = await startServer({ agenda: roomy });
  try {
    const device = randomKey();
    const away = await srv.connect(srv.tokens.participant, { device });
    const twin = await srv.connect(srv.tokens.participant, { device }); // the same participant, another tab
    const chairAway = await srv.connect(srv.tokens.cochair);
    const chairTwin = await srv.connect(srv.tokens.cochair);
    const boothAway = await srv.connect(srv.tokens.booth.ar);
    const boothTwin = await srv.connect(srv.tokens.booth.ar);
    const someone = await srv.connect(srv.tokens.participant);
    const seed = await someone.command({ type: 'question.post', text: 'Seen before leaving', lang: 'en' });
    const approved = await chairTwin.command({ type: 'question.approve', question: seed.result.question.id });
    await Promise.all([away, chairAway, boothAway].map((c) => c.seen(approved.seq)));
    const lastSeen = (c) => Math.max(c.snapshot.seq, ...c.seqs);
    const since = { p: lastSeen(away), chair: lastSeen(chairAway), booth: lastSeen(boothAway) };
    for (const c of [away, chairAway, boothAway]) c.close();
    await Promise.all([away, chairAway, boothAway].map((c) => c.closed));

    // While they are away: a question of theirs (from the twin tab), moderation, votes, the
    // clock, the floor, and a listener in Arabic (presence, for the booth and the chair).
    const mineAck = await twin.command({ type: 'question.post', text: 'Mine, posted from my other tab', lang: 'fr' });
    const pending = await someone.command({ type: 'question.post', text: 'Someone else, to be rejected', lang: 'en' });
    await chairTwin.command({ type: 'question.reject', question: pending.result.question.id });
    await chairTwin.command({ type: 'question.approve', question: mineAck.result.question.id });
    await someone.command({ type: 'question.vote', question: mineAck.result.question.id });
    await chairTwin.command({ type: 'question.pin', question: seed.result.question.id });
    await chairTwin.command({ type: 'clock.start' });
    const floor = await chairTwin.command({ type: 'floor.set', lang: 'fr' });
    await someone.command({ type: 'listening.set', lang: 'ar' });
    // The twins have it all: every event, the listener (after them), the last vote count.
    const mine = mineAck.result.question.id;
    for (const c of [twin, chairTwin, boothTwin]) {
      await c.seen(floor.seq);
      await until(() => counts(c.log)[mine] === 1, 'the vote count reached a twin');
    }
    for (const c of [chairTwin, boothTwin]) await c.next((m) => m.type === 'presence.changed');

    for (const [token, twinClient, from, opts] of [
      [srv.tokens.participant, twin, since.p, { device }],
      [srv.tokens.cochair, chairTwin, since.chair, {}],
      [srv.tokens.booth.ar, boothTwin, since.booth, {}],
    ]) {
      const back = await srv.connect(token, { ...opts, since: from });
      assert.equal(back.first.type, 'resumed', `${token}: ${JSON.stringify(back.first)}`);
      assert.equal(back.first.since, from);
      assert.equal(back.first.seq, lastSeen(chairTwin), 'resumed carries the seq now');
      // The replay is all that reaches `back` before an event every role receives, caused now
      // (and it reaches the twin too); compare both up to it.
      const barrier = await srv.barrier(chairTwin);
      await Promise.all([back.seen(barrier), twinClient.seen(barrier), chairTwin.seen(barrier)]);
      const upTo = (log) => {
        const end = log.findIndex((m) => typeof m.seq === 'number' && m.seq > back.first.seq && m.type !== 'ack');
        return end < 0 ? log : log.slice(0, end);
      };
      const got = upTo(back.log).filter((m) => m.type !== 'resumed');
      const want = upTo(eventsAfter(twinClient, from));
      assert.ok(want.length > 0);
      // Vote counts reach live connections coalesced (votes.changed, no seq) and a replay as
      // the stored question.votes events: everything else alike, and the same counts.
      assert.deepEqual(withoutVotes(got), withoutVotes(want), 'the replay is what a connected twin received after since');
      assert.deepEqual(counts(got), counts(want));
    }
    // The participant's replay has its own question and not the one rejected from someone else.
    const pBack = srv.clients.at(-3);
    assert.ok(pBack.log.some((m) => m.type === 'question.posted' && m.question.text.startsWith('Mine')));
    assert.ok(!pBack.log.some((m) => m.type === 'question.rejected'));
  } finally {
    await srv.stop();
  }
});

test('a snapshot instead when the gap is too old, larger than a snapshot, or from before a restart', async () => {
  const srv = await startServer({ agenda: roomy, serveArgs: loadLimits });
  try {
    const chair = await srv.connect(srv.tokens.cochair);
    const p = await srv.connect(srv.tokens.participant);
    const q = (await p.command({ type: 'question.post', text: 'Pin me', lang: 'en' })).result.question.id;
    await chair.command({ type: 'question.approve', question: q });
    const start = (await chair.command({ type: 'question.pin', question: q })).seq;

    // Replaying 40 small events is cheaper than a snapshot: resumed.
    for (let i = 0; i < 20; i++) {
      await chair.command({ type: 'question.unpin', question: q });
      await chair.command({ type: 'question.pin', question: q });
    }
    const near = await srv.connect(srv.tokens.stage, { since: start });
    assert.equal(near.first.type, 'resumed');
    // Past the snapshot's size (pins and unpins carry the whole question): a snapshot.
    for (let i = 0; i < 100; i++) {
      await chair.command({ type: 'question.unpin', question: q });
      await chair.command({ type: 'question.pin', question: q });
    }
    const far = await srv.connect(srv.tokens.stage, { since: start });
    assert.equal(far.first.type, 'snapshot');
    // Older than the 1,024 events kept: a snapshot, whatever the sizes.
    const sinceOld = (await chair.command({ type: 'question.unpin', question: q })).seq;
    const burst = [];
    for (let i = 0; i < 520; i++) {
      burst.push(chair.command({ type: 'question.pin', question: q }));
      burst.push(chair.command({ type: 'question.unpin', question: q }));
    }
    await Promise.all(burst);
    const old = await srv.connect(srv.tokens.cochair, { since: sinceOld });
    assert.equal(old.first.type, 'snapshot');
    // From the future: a snapshot.
    const now = (await chair.command({ type: 'question.pin', question: q })).seq;
    assert.equal((await srv.connect(srv.tokens.stage, { since: now + 5 })).first.type, 'snapshot');

    // After a restart nothing before it can be replayed, but a client that missed nothing
    // resumes with nothing.
    await srv.restart();
    const same = await srv.connect(srv.tokens.stage, { since: now });
    assert.deepEqual(same.first, { type: 'resumed', since: now, seq: now });
    await same.nothing((m) => m.type !== 'floor.changed', await srv.barrier(await srv.connect(srv.tokens.cochair)));
    assert.equal((await srv.connect(srv.tokens.stage, { since: now - 1 })).first.type, 'snapshot');
  } finally {
    await srv.stop();
  }
});

test('SIGTERM: what was acknowledged is kept, every client is closed with 1001, exit 0 despite a stalled one', async () => {
  const srv = await startServer({ agenda: roomy });
  try {
    const clients = [];
    for (let i = 0; i < 20; i++) clients.push(await srv.connect(srv.tokens.participant));
    const chair = await srv.connect(srv.tokens.cochair);
    // One that stopped reading must not hold the stop up.
    const stalled = await srv.connect(srv.tokens.stage);
    stalled.ws._socket.pause();
    const posts = clients.map((c, i) => c.command({ type: 'question.post', text: `Before the stop ${i}`, lang: 'en' }));
    const acks = await Promise.all(posts);
    const closes = [...clients, chair].map((c) => c.closed);
    const t0 = Date.now();
    srv.proc.kill('SIGTERM');
    const exit = await srv.exited;
    const took = Date.now() - t0;
    assert.equal(exit.code, 0);
    // The stalled one is given up after NET_DRAIN_MS (2 s): never waited for (that would be
    // forever), whatever the machine's load adds.
    assert.ok(took < TIMEOUT_MS, `took ${took} ms`);
    for (const c of await Promise.all(closes)) assert.equal(c.code, 1001);
    stalled.ws.terminate();
    console.log(`graceful stop with 22 connections (one stalled): ${took} ms`);
    await srv.start();
    const back = await srv.connect(srv.tokens.cochair, { since: chair.snapshot.seq });
    assert.equal(back.first.type, 'snapshot', 'a restart forgets recent events');
    for (const a of acks) assert.ok(back.snapshot.questions.some((q) => q.id === a.result.question.id));
  } finally {
    await srv.stop();
  }
});

test('a connection that stops answering pings is dropped; the others are not', async () => {
  const srv = await startServer({ serveArgs: ['--ping', '1'] });
  try {
    const silent = await srv.connect(srv.tokens.participant);
    const alive = await srv.connect(srv.tokens.participant);
    silent.ws._socket.pause(); // reads nothing, so answers no ping
    const t0 = Date.now();
    // Dropped by the server (its connection count says so) while it still reads nothing.
    const participants = async () => parseMetrics(await (await fetch(srv.baseUrl + 'metrics')).text())
      .get('roundtable_connections{role="participant"}');
    await until(async () => (await participants()) === 1, 'the silent connection was dropped', { every: 100 });
    console.log(`silent connection dropped after at most ${Date.now() - t0} ms with --ping 1`);
    silent.ws._socket.resume();
    assert.ok(await silent.closed, 'the silent connection was not dropped');
    // The live one answered its pings and is still served.
    assert.equal((await alive.command({ type: 'question.post', text: 'Still here', lang: 'en' })).type, 'ack');
  } finally {
    await srv.stop();
  }
});
