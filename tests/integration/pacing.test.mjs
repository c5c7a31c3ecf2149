// Live updates, paced (PERF-2, protocol/README.md "Live updates, paced"): a quiet consultation's
// change goes out at once; a large, busy one's are held to the end of the live window and then
// written together, in order, vote counts last; acks are never held; a connection that joins in
// the window is not sent again what its snapshot holds. The window follows the room's size
// (connections * 1000 / --live-budget ms, up to --live-window): a small room's is empty, and a
// budget of one write a second makes a room of four a large one. A long window keeps the timing
// certain, even on a busy machine: what must happen inside one window has seconds to spare.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMetrics, randomKey, startServer } from '../lib/harness.mjs';

const WINDOW_MS = 5000;

async function metrics(srv) {
  return parseMetrics(await (await fetch(srv.baseUrl + 'metrics')).text());
}

const posted = (text) => (m) => m.type === 'question.posted' && m.question.text === text;
const indexOf = (c, pred) => c.log.findIndex(pred);

test('a busy window holds what it delivers, then writes it together and in order', async () => {
  const srv = await startServer({ serveArgs: ['--live-window', String(WINDOW_MS), '--live-budget', '1'] });
  try {
    const chair = await srv.connect(srv.tokens.cochair);
    const watcher = await srv.connect(srv.tokens.cochair);
    const poster = await srv.connect(srv.tokens.participant, { device: randomKey() });
    const voter = await srv.connect(srv.tokens.participant, { device: randomKey() });
    await srv.livePassed(WINDOW_MS); // the Rule's acceptances opened a window: let it pass
    const m0 = await metrics(srv);

    // Quiet: at once, the event before the ack, nothing held.
    const t0 = Date.now();
    const a1 = await poster.command({ type: 'question.post', text: 'First, at once', lang: 'en' });
    assert.equal(a1.type, 'ack');
    const q1 = a1.result.question.id;
    await watcher.next(posted('First, at once'));
    assert.ok(Date.now() - t0 < WINDOW_MS / 2, 'a lone change is not held');
    assert.ok(indexOf(poster, posted('First, at once')) < indexOf(poster, (m) => m.type === 'ack' && m.id === a1.id));

    // Busy: the window that post opened holds the rest; acks still come at once.
    const a2 = await poster.command({ type: 'question.post', text: 'Second, held', lang: 'en' });
    assert.equal(a2.type, 'ack');
    assert.equal(indexOf(poster, posted('Second, held')), -1, 'the author hears of it at the end of the window');
    assert.equal((await chair.command({ type: 'question.approve', question: q1 })).type, 'ack');
    assert.equal((await voter.command({ type: 'question.vote', question: q1 })).type, 'ack');
    // A co-chair joining now: its snapshot has all of it, and it is not sent again.
    const late = await srv.connect(srv.tokens.cochair);
    assert.ok(late.snapshot.questions.some((q) => q.text === 'Second, held'));
    assert.equal(late.snapshot.questions.find((q) => q.id === q1).state, 'approved');
    const a3 = await poster.command({ type: 'question.post', text: 'Third, after the join', lang: 'en' });
    assert.equal(a3.type, 'ack');
    assert.equal(indexOf(watcher, posted('Second, held')), -1);

    await watcher.next(posted('Third, after the join'));
    assert.ok(Date.now() - t0 >= WINDOW_MS - 100, 'held until the window ended');
    // The counts close the window's write: wait for them (they may come in a later read).
    await watcher.next((m) => m.type === 'votes.changed');
    const types = (c, from) => c.log.slice(from).map((m) => (m.type === 'question.posted' ? `posted:${m.question.text}` : m.type));
    const first = indexOf(watcher, posted('Second, held'));
    assert.deepEqual(types(watcher, first),
      ['posted:Second, held', 'question.approved', 'posted:Third, after the join', 'votes.changed']);
    assert.deepEqual(watcher.log.at(-1).votes, [[q1, 1]], 'vote counts come last, coalesced');
    const seqs = watcher.log.slice(first, -1).map((m) => m.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
    await late.next((m) => m.type === 'votes.changed');
    assert.deepEqual(types(late, 1), ['posted:Third, after the join', 'votes.changed'],
      'a joiner gets only what followed its snapshot');
    assert.ok(indexOf(poster, (m) => m.type === 'ack' && m.id === a2.id) < indexOf(poster, posted('Second, held')));

    const m1 = await metrics(srv);
    assert.ok(m1.get('roundtable_held_windows_total') > m0.get('roundtable_held_windows_total'));
    // the watcher's four messages, at least, went in one write
    assert.ok(m1.get('roundtable_gathered_messages_total') - m0.get('roundtable_gathered_messages_total') >= 4);
    assert.deepEqual(srv.violations, []);
  } finally {
    await srv.stop();
  }
});

test('a small room waits for no window: each change goes out with its commit, however fast', async () => {
  // The default budget: four connections make a window of 0 ms, whatever --live-window allows.
  const srv = await startServer({ serveArgs: ['--live-window', String(WINDOW_MS)] });
  try {
    const chair = await srv.connect(srv.tokens.cochair);
    const watcher = await srv.connect(srv.tokens.cochair);
    const poster = await srv.connect(srv.tokens.participant, { device: randomKey() });
    const voter = await srv.connect(srv.tokens.participant, { device: randomKey() });
    const t0 = Date.now();
    const a1 = await poster.command({ type: 'question.post', text: 'One', lang: 'en' });
    const q1 = a1.result.question.id;
    for (const text of ['Two', 'Three']) assert.equal((await poster.command({ type: 'question.post', text, lang: 'en' })).type, 'ack');
    assert.equal((await chair.command({ type: 'question.approve', question: q1 })).type, 'ack');
    assert.equal((await voter.command({ type: 'question.vote', question: q1 })).type, 'ack');
    await watcher.next(posted('Three'));
    await watcher.next((m) => m.type === 'question.approved');
    await voter.next((m) => m.type === 'votes.changed');
    assert.ok(Date.now() - t0 < WINDOW_MS / 2, 'nothing waited for the end of a window');
    assert.deepEqual(srv.violations, []);
  } finally {
    await srv.stop();
  }
});

test('--live-window 0: every change goes out with its commit', async () => {
  const srv = await startServer({ serveArgs: ['--live-window', '0'] });
  try {
    const watcher = await srv.connect(srv.tokens.cochair);
    const poster = await srv.connect(srv.tokens.participant, { device: randomKey() });
    for (const text of ['One', 'Two', 'Three']) {
      const ack = await poster.command({ type: 'question.post', text, lang: 'en' });
      assert.equal(ack.type, 'ack');
      assert.ok(indexOf(poster, posted(text)) >= 0, 'the event came with the ack');
    }
    await watcher.next(posted('Three'));
    assert.equal((await metrics(srv)).get('roundtable_held_windows_total'), 0);
  } finally {
    await srv.stop();
  }
});
