// Abuse: floods. A client that sends past its rate (--rate 20, --burst 60 by default) for more
// than a few seconds, or in one burst far over it, is closed with 1008 limit.message_rate,
// cleanly: what was answered before the close arrives, then the close frame, never a reset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, TIMEOUT_MS } from '../lib/harness.mjs';

// Sends clock.sync at `perSecond` for up to `seconds`, stopping at the close. Resolves with the
// close, how many answers arrived, and when (ms from the start) the close came.
function flood(client, perSecond, seconds) {
  const t0 = performance.now();
  let answers = 0;
  let sent = 0;
  client.ws.on('message', () => { answers++; });
  const timer = setInterval(() => {
    if (client.ws.readyState !== 1) return;
    const due = Math.min(Math.floor(((performance.now() - t0) / 1000) * perSecond), perSecond * seconds);
    client.ws._socket.cork();
    for (; sent < due; sent++) client.send({ type: 'clock.sync', id: `f${sent}` });
    client.ws._socket.uncork();
  }, 20);
  const stop = new Promise((resolve) => setTimeout(() => resolve(null), seconds * 1000 + TIMEOUT_MS));
  return Promise.race([client.closed, stop]).then((closed) => {
    clearInterval(timer);
    return { closed, answers, sent, ms: performance.now() - t0 };
  });
}

test('five times the rate for six seconds closes with 1008, cleanly', async () => {
  const srv = await startServer();
  try {
    const calm = await srv.connect(srv.tokens.stage);
    const c = await srv.connect(srv.tokens.stage);
    const r = await flood(c, 100, 6);
    assert.deepEqual(r.closed, { code: 1008, reason: 'limit.message_rate' }, `still open after ${r.ms.toFixed(0)} ms`);
    assert.ok(r.answers > 60, `${r.answers} answers`);
    console.log(`flood 5x rate: closed 1008 after ${r.ms.toFixed(0)} ms, ${r.sent} sent, ${r.answers} answered`);
    assert.equal((await calm.command({ type: 'clock.sync' })).type, 'clock.now');
  } finally {
    await srv.stop();
  }
});

test('400 messages a second closes with 1008 within seconds, cleanly', async () => {
  const srv = await startServer();
  try {
    const c = await srv.connect(srv.tokens.stage);
    const r = await flood(c, 400, 17);
    assert.deepEqual(r.closed, { code: 1008, reason: 'limit.message_rate' }, `still open after ${r.ms.toFixed(0)} ms`);
    assert.ok(r.ms < 8000, `${r.ms} ms`);
    console.log(`flood 400/s: closed 1008 after ${r.ms.toFixed(0)} ms, ${r.sent} sent, ${r.answers} answered`);
  } finally {
    await srv.stop();
  }
});

test('an instant burst of 1,000 closes with 1008 after its answers, not a reset', async () => {
  const srv = await startServer();
  try {
    const c = await srv.connect(srv.tokens.stage);
    const got = [];
    c.ws.on('message', (d) => got.push(JSON.parse(String(d))));
    c.ws._socket.cork();
    for (let i = 0; i < 1000; i++) c.send({ type: 'clock.sync', id: `b${i}` });
    c.ws._socket.uncork();
    assert.deepEqual(await c.closed, { code: 1008, reason: 'limit.message_rate' });
    // The burst's first messages were taken (the bucket holds 60, less the auth's): their
    // answers came before the close.
    const taken = got.filter((m) => m.type === 'clock.now').length;
    assert.ok(taken >= 50, `${taken} answered of ${got.length} messages`);
    assert.ok(got.some((m) => m.type === 'error' && m.code === 'limit.message_rate'));
    // And the server serves on.
    assert.equal((await (await srv.connect(srv.tokens.stage)).command({ type: 'clock.sync' })).type, 'clock.now');
  } finally {
    await srv.stop();
  }
});

test('a client briefly over its rate, then calm, stays connected', async () => {
  const srv = await startServer();
  try {
    const c = await srv.connect(srv.tokens.stage);
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(Array.from({ length: 70 }, () => c.command({ type: 'clock.sync' })));
      assert.ok(answers.some((m) => m.type === 'error' && m.code === 'limit.message_rate'));
      // Calm: at the rate, the bucket refills.
      for (let i = 0; i < 10; i++) {
        await new Promise((r) => setTimeout(r, 100));
        await c.command({ type: 'clock.sync' });
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
    assert.equal(c.ws.readyState, 1);
    assert.equal((await c.command({ type: 'clock.sync' })).type, 'clock.now');
  } finally {
    await srv.stop();
  }
});
