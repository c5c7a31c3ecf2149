// The server-owned agenda clock over real WebSockets (AG-2..AG-4): clients with skewed clocks
// agree on the countdown, a restart keeps it, and the server's own timer closes the queue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openAgenda, sleep, startServer } from '../lib/harness.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

// A client whose own clock is off by skewMs estimates its offset from the server as the web
// client does: several clock.sync round trips, keeping the one with the smallest delay. Returns
// the offset and that round trip's time: the server read its clock within it, so the estimate
// is off by at most half of it (a busy machine makes it longer, never the estimate wrong).
async function estimateOffset(client, localNow, rounds = 5) {
  let best = null;
  for (let i = 0; i < rounds; i++) {
    const sent = localNow();
    const reply = await client.command({ type: 'clock.sync' });
    const received = localNow();
    assert.equal(reply.type, 'clock.now', JSON.stringify(reply));
    const rtt = received - sent;
    if (!best || rtt < best.rtt) best = { rtt, offset: reply.now - (sent + received) / 2 };
  }
  return best;
}

function remaining(clock, serverNow) {
  return clock.allotted_ms - clock.elapsed_ms - (clock.state === 'running' ? serverNow - clock.started_at : 0);
}

const ok = (r) => assert.equal(r.type, 'ack', JSON.stringify(r));

test('two clients skewed by ±90 s show the same remaining time within 250 ms', async (t) => {
  const chair = await srv.connect(srv.tokens.cochair);
  const ahead = await srv.connect(srv.tokens.participant);
  const behind = await srv.connect(srv.tokens.stage);
  const clocks = [() => Date.now() + 90000, () => Date.now() - 90000];
  const est = [await estimateOffset(ahead, clocks[0]), await estimateOffset(behind, clocks[1])];
  const offsets = est.map((e) => e.offset);
  // 250 ms, or what the round trips themselves leave open when the machine is busier than that
  // (1 ms more for the clocks' resolution).
  const bounds = est.map((e) => Math.max(250, e.rtt / 2 + 1));
  assert.ok(Math.abs(offsets[0] + 90000) < bounds[0], `offset ${offsets[0]} (round trip ${est[0].rtt} ms)`);
  assert.ok(Math.abs(offsets[1] - 90000) < bounds[1], `offset ${offsets[1]} (round trip ${est[1].rtt} ms)`);

  const started = Date.now();
  ok(await chair.command({ type: 'clock.start' }));
  const views = await Promise.all([ahead, behind].map((c) => c.next((m) => m.type === 'agenda.clock')));
  for (const v of views) assert.equal(v.clock.state, 'running');
  await sleep(300); // the countdown runs a little
  const shown = views.map((v, i) => remaining(v.clock, clocks[i]() + offsets[i]));
  const since = Date.now() - started; // the server started the clock within this
  assert.ok(Math.abs(shown[0] - shown[1]) < Math.max(250, (est[0].rtt + est[1].rtt) / 2 + 2), `remaining ${shown[0]} vs ${shown[1]}`);
  t.diagnostic(`offset errors ${offsets[0] + 90000} ms and ${offsets[1] - 90000} ms (round trips ${est[0].rtt} and ${est[1].rtt} ms); remaining times differ by ${Math.abs(shown[0] - shown[1])} ms`);
  // And both agree with the planned duration, less the time since the start.
  const planned = openAgenda.segments[0].duration * 60000;
  assert.ok(planned - shown[0] > -bounds[0] && planned - shown[0] < since + bounds[0], `remaining ${shown[0]} of ${planned}, ${since} ms after the start`);

  // Pause, extend while paused, resume: every change is one agenda.clock event to everyone.
  ok(await chair.command({ type: 'clock.pause' }));
  for (const c of [ahead, behind]) {
    const paused = await c.next((m) => m.type === 'agenda.clock');
    assert.equal(paused.clock.state, 'paused');
    assert.equal(paused.clock.started_at, null);
  }
  ok(await chair.command({ type: 'clock.adjust', minutes: 5 }));
  const extended = await ahead.next((m) => m.type === 'agenda.clock');
  assert.equal(extended.clock.allotted_ms, planned + 5 * 60000);
  assert.equal(extended.timing[0].allotted_ms, planned + 5 * 60000);
  const refused = await chair.command({ type: 'clock.pause' });
  assert.deepEqual([refused.code, refused.params], ['clock.wrong_state', { state: 'paused' }]);
  ok(await chair.command({ type: 'clock.resume' }));
  assert.equal((await ahead.next((m) => m.type === 'agenda.clock')).clock.state, 'running');
  // Only co-chairs run the clock.
  assert.equal((await ahead.command({ type: 'clock.pause' })).code, 'auth.forbidden');
  for (const c of [chair, ahead, behind]) c.close();
});

test('a restart mid-segment keeps the remaining time within 1 s', async (t) => {
  const chair = await srv.connect(srv.tokens.cochair);
  ok(await chair.command({ type: 'agenda.goto', segment: 1 }));
  const before = await srv.connect(srv.tokens.stage);
  const t1 = Date.now();
  const r1 = remaining(before.snapshot.consultation.clock, t1);
  assert.equal(before.snapshot.consultation.clock.segment, 1);
  await srv.kill('SIGKILL');
  await srv.start();
  const after = await srv.connect(srv.tokens.stage);
  const t2 = Date.now();
  const r2 = remaining(after.snapshot.consultation.clock, t2);
  assert.equal(after.snapshot.consultation.clock.state, 'running');
  assert.ok(Math.abs(r1 - (t2 - t1) - r2) < 1000, `before ${r1} ms, after ${r2} ms, ${t2 - t1} ms apart`);
  t.diagnostic(`restart took ${t2 - t1} ms; the countdown moved by ${Math.abs(r1 - (t2 - t1) - r2)} ms more than that`);
  // Each segment's actual time survives too (AG-6).
  assert.deepEqual(after.snapshot.consultation.timing[0].started_at, before.snapshot.consultation.timing[0].started_at);
  assert.ok(after.snapshot.consultation.timing[0].elapsed_ms > 0);
  after.close();
});

test('the server closes the queue on its own when the segment reaches its close time', async () => {
  // One-minute segments whose questions close one minute before the end: due at the start.
  const agenda = {
    ...openAgenda,
    clock: { warning_minutes: 1, close_questions_minutes: 1 },
    segments: openAgenda.segments.map((s) => ({ ...s, duration: 1, questions: true })),
  };
  const quick = await startServer({ agenda, invitations: 0 });
  try {
    const chair = await quick.connect(quick.tokens.cochair);
    const p = await quick.connect(quick.tokens.participant);
    assert.deepEqual(p.snapshot.consultation.clock_settings, { warning_minutes: 1, close_questions_minutes: 1 });
    ok(await p.command({ type: 'question.post', text: 'Before the clock starts', lang: 'en' }));
    ok(await chair.command({ type: 'clock.start' }));
    const closed = await p.next((m) => m.type === 'segment.closed');
    assert.equal(closed.segment, 0);
    const late = await p.command({ type: 'question.post', text: 'Too late', lang: 'en' });
    assert.equal(late.code, 'queue.closed');
    // A co-chair may open it again; the clock does not close it twice for the same end.
    // (The server's timer has half a second by its own clock to act wrongly; then the post's
    // event, which comes after anything it did, is the barrier.)
    ok(await chair.command({ type: 'segment.open', segment: 0 }));
    await sleep(500);
    const reopened = await p.command({ type: 'question.post', text: 'Reopened by the co-chair', lang: 'en' });
    ok(reopened);
    await p.nothing((m) => m.type === 'segment.closed', reopened.seq);
    // Going on to the next segment: its own close is due at once too.
    ok(await chair.command({ type: 'agenda.goto', segment: 1 }));
    assert.equal((await p.next((m) => m.type === 'segment.closed')).segment, 1);
  } finally {
    await quick.stop();
  }
});
