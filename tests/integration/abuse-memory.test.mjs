// Abuse: memory. What waits for clients that do not read (snapshots included) counts in one
// budget, --memory-limit, shown by roundtable_queue_bytes; past it the connections holding
// the most for longest are dropped. And the moderators' snapshot is never refused for its
// size: a hostile room can make it larger than --queue-limit, and the co-chairs still get in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { loadLimits, openAgenda, parseMetrics, randomKey, repo, startServer, until } from '../lib/harness.mjs';

const MiB = 1024 * 1024;
// 100 pending questions a participant, so that 27 device keys fill the moderation queue.
// The pending cap (AB-1) would stop the fill short of the snapshot sizes these tests need.
const agenda = { ...openAgenda, limits: { open_questions: 100, pending_questions: 10000 } };

// Posts questions of ~2 KB each (500 four-byte characters) until the co-chairs' snapshot
// passes `bytes`; returns how many.
async function fillModeration(srv, bytes) {
  const each = 100;
  const n = Math.ceil(bytes / 1950 / each);
  for (let d = 0; d < n; d += 9) {
    await Promise.all(Array.from({ length: Math.min(9, n - d) }, async (_, j) => {
      const p = await srv.connect(srv.tokens.participant, { device: randomKey() });
      const acks = await Promise.all(Array.from({ length: each }, (_, i) =>
        p.command({ type: 'question.post', lang: 'en', text: `${d + j}.${i} ${'\u{1F5E8}'.repeat(490)}` })));
      for (const a of acks) assert.equal(a.type, 'ack', JSON.stringify(a).slice(0, 200));
      p.close();
    }));
  }
  return n * each;
}

// COUNT clients of TOKEN that authenticate and never read (tests/lib/never_read.py).
async function neverReading(srv, token, count) {
  const proc = spawn('python3', [path.join(repo, 'tests/lib/never_read.py'), String(srv.port), token, String(count)],
    { stdio: ['pipe', 'pipe', 'inherit'] });
  proc.stdout.setEncoding('utf8');
  const state = { proc, closed: 0, out: '' };
  proc.stdout.on('data', (d) => {
    state.out += d;
    for (const m of d.matchAll(/closed (\d+)/g)) state.closed += Number(m[1]);
  });
  await until(() => /ready \d+/.test(state.out) || proc.exitCode !== null, 'never-reading clients ready');
  assert.match(state.out, /ready \d+/);
  state.stop = () => { proc.stdin.end(); return new Promise((r) => proc.once('exit', r)); };
  return state;
}

const metrics = async (srv) => parseMetrics(await (await fetch(`${srv.baseUrl}metrics`)).text());

test('a 5 MiB moderation snapshot reaches co-chairs and the rapporteur under the 4 MiB --queue-limit', async () => {
  const srv = await startServer({ agenda, serveArgs: loadLimits, validate: false, keepLog: false });
  try {
    const questions = await fillModeration(srv, 5 * MiB);
    const t0 = performance.now();
    const chair = await srv.connect(srv.tokens.cochair);
    assert.equal(chair.snapshot.role, 'cochair');
    assert.ok(chair.snapshot.questions.length >= questions, `${chair.snapshot.questions.length} questions`);
    const bytes = Buffer.byteLength(JSON.stringify(chair.snapshot));
    assert.ok(bytes > 5 * MiB, `${bytes} bytes`);
    console.log(`moderation snapshot: ${questions} pending questions, ${(bytes / MiB).toFixed(2)} MiB, ` +
      `received in ${(performance.now() - t0).toFixed(0)} ms`);
    const rapporteur = await srv.connect(srv.tokens.rapporteur);
    assert.equal(rapporteur.snapshot.role, 'rapporteur');
    // Connected for good: a command is answered, and the next co-chair gets in too.
    assert.equal((await chair.command({ type: 'clock.sync' })).type, 'clock.now');
    assert.equal((await srv.connect(srv.tokens.cochair)).snapshot.role, 'cochair');
  } finally {
    await srv.stop();
  }
});

test('clients that never read are held to --memory-limit, counted in roundtable_queue_bytes', async () => {
  const srv = await startServer({ agenda, serveArgs: [...loadLimits, '--memory-limit', '24'], validate: false, keepLog: false });
  let idle;
  try {
    await fillModeration(srv, 5 * MiB);
    // Two that never read: their snapshots wait in the queue, and the metric shows them.
    idle = await neverReading(srv, srv.tokens.cochair, 2);
    await until(async () => (await metrics(srv)).get('roundtable_queue_bytes') > 8 * MiB, 'snapshots counted');
    await idle.stop();
    // Twenty: 100 MiB of snapshots against a 24 MiB budget. The connections holding the most
    // for longest go; what waits never stays over the budget.
    idle = await neverReading(srv, srv.tokens.cochair, 20);
    await until(() => idle.closed >= 15, 'never-reading connections dropped', { every: 200 });
    const m = await metrics(srv);
    assert.ok(m.get('roundtable_queue_bytes') <= 24 * MiB, `${m.get('roundtable_queue_bytes')} bytes waiting`);
    assert.equal(m.get('roundtable_memory_limit_bytes'), 24 * MiB);
    assert.ok(m.get('roundtable_evicted_total') >= 15);
    // A co-chair who reads is served meanwhile, snapshot and all.
    const chair = await srv.connect(srv.tokens.cochair);
    assert.equal((await chair.command({ type: 'clock.sync' })).type, 'clock.now');
    console.log(`memory budget: ${idle.closed} of 20 never-reading co-chairs dropped; ` +
      `${(m.get('roundtable_queue_bytes') / MiB).toFixed(1)} MiB waiting of 24 MiB`);
  } finally {
    if (idle) await idle.stop();
    await srv.stop();
  }
});
