// Bad input gets a typed error, changes nothing, and leaves the connection usable (PL-6).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

async function state() {
  const c = await srv.connect(srv.tokens.cochair);
  c.close();
  return { seq: c.snapshot.seq, questions: c.snapshot.questions };
}

test('each kind of bad frame gets its typed error and changes nothing', async () => {
  const p = await srv.connect(srv.tokens.participant);
  const chair = await srv.connect(srv.tokens.cochair);
  const seed = await p.command({ type: 'question.post', text: 'Seed question', lang: 'en' });
  await chair.command({ type: 'question.approve', question: seed.result.question.id });
  const before = await state();

  const cases = [
    { who: p, raw: '{"type": "question.post", "id": "x1", ', code: 'protocol.malformed', id: null },
    { who: p, raw: '[1, 2, 3]', code: 'protocol.malformed', id: null },
    { who: p, raw: '"just a string"', code: 'protocol.malformed', id: null },
    { who: p, raw: '{"type":"question.post","id":"d1","text":"a","text":"b","lang":"en"}', code: 'protocol.malformed' },
    { who: p, msg: { type: 'question.delete', id: 'x2', question: 1 }, code: 'protocol.unknown_type', id: 'x2' },
    { who: p, msg: { id: 'x3', question: 1 }, code: 'protocol.unknown_type', id: 'x3' },
    { who: p, msg: { type: 'question.post', id: 'x4', text: 'Hi', lang: 'en', name: 'Alice' }, code: 'protocol.unknown_field', id: 'x4', field: 'name' },
    { who: p, msg: { type: 'question.post', id: 'x5', text: 'Hi' }, code: 'protocol.missing_field', id: 'x5', field: 'lang' },
    { who: p, msg: { type: 'question.vote', id: 'x6', question: '1' }, code: 'protocol.invalid_field', id: 'x6', field: 'question' },
    { who: p, msg: { type: 'question.post', id: 'x7', text: 'Hi', lang: 'de' }, code: 'protocol.invalid_field', id: 'x7', field: 'lang' },
    { who: p, msg: { type: 'question.approve', id: 'x8', question: seed.result.question.id }, code: 'auth.forbidden', id: 'x8' },
    { who: chair, msg: { type: 'question.post', id: 'x9', text: 'From the chair', lang: 'en' }, code: 'auth.forbidden', id: 'x9' },
    { who: chair, msg: { type: 'question.vote', id: 'x10', question: seed.result.question.id }, code: 'auth.forbidden', id: 'x10' },
    { who: p, msg: { type: 'auth', token: srv.tokens.participant }, code: 'auth.already', id: null },
    { who: p, msg: { type: 'question.approve', id: 'x11', question: 9999 }, code: 'auth.forbidden', id: 'x11' },
    { who: chair, msg: { type: 'question.approve', id: 'x12', question: 9999 }, code: 'question.not_found', id: 'x12' },
  ];
  for (const c of cases) {
    if (c.raw) c.who.sendRaw(c.raw); else c.who.send(c.msg);
    const err = await c.who.next((m) => m.type === 'error' || m.type === 'ack');
    assert.equal(err.type, 'error', `${c.raw || JSON.stringify(c.msg)} was accepted`);
    assert.equal(err.code, c.code, c.raw || JSON.stringify(c.msg));
    if ('id' in c) assert.equal(err.id, c.id);
    if (c.field) assert.equal(err.params.field, c.field);
  }
  assert.deepEqual(await state(), before, 'bad input changed the consultation');

  // Both connections are still usable.
  const ok = await p.command({ type: 'question.post', text: 'Still here', lang: 'en' });
  assert.equal(ok.type, 'ack');
  assert.equal((await chair.command({ type: 'question.approve', question: ok.result.question.id })).type, 'ack');
});

test('before auth: commands get auth.required, bad tokens auth.invalid, and the socket stays open', async () => {
  const p = await srv.connect(srv.tokens.participant);
  const ws = p.ws;
  // A fresh, unauthenticated socket through the same client machinery.
  const { default: WebSocket } = await import('ws');
  const raw = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, 'roundtable.v1');
  const got = [];
  raw.on('message', (d) => got.push(JSON.parse(String(d))));
  await new Promise((r) => raw.once('open', r));
  const wait = async (n) => { for (let i = 0; i < 100 && got.length < n; i++) await new Promise((r) => setTimeout(r, 20)); };
  raw.send(JSON.stringify({ type: 'question.post', id: 'a1', text: 'Hi', lang: 'en' }));
  await wait(1);
  assert.deepEqual(got[0], { type: 'error', id: 'a1', code: 'auth.required' });
  raw.send(JSON.stringify({ type: 'auth', token: 'AAAAAAAAAAAAAAAAAAAAAA' }));
  await wait(2);
  assert.deepEqual(got[1], { type: 'error', id: null, code: 'auth.invalid' });
  // The open participant link needs a device key.
  raw.send(JSON.stringify({ type: 'auth', token: srv.tokens.participant }));
  await wait(3);
  assert.equal(got[2].code, 'auth.invalid');
  raw.send(JSON.stringify({ type: 'auth', token: srv.tokens.stage }));
  await wait(4);
  assert.equal(got[3].type, 'snapshot');
  assert.equal(got[3].role, 'stage');
  raw.close();
  assert.equal(ws.readyState, WebSocket.OPEN);
});

test('an oversized frame closes only its own connection, with 1009', async () => {
  const big = await srv.connect(srv.tokens.participant);
  const other = await srv.connect(srv.tokens.participant);
  big.sendRaw(JSON.stringify({ type: 'question.post', id: 'b1', text: 'x'.repeat(70000), lang: 'en' }));
  const closed = await big.closed;
  assert.equal(closed.code, 1009);
  assert.equal((await other.command({ type: 'question.post', text: 'Unaffected', lang: 'en' })).type, 'ack');
  // Just under the cap is a normal frame: refused as too long a text, connection kept.
  const near = await srv.connect(srv.tokens.participant);
  const reply = await near.command({ type: 'question.post', text: 'y'.repeat(60000), lang: 'en' });
  assert.equal(reply.code, 'protocol.invalid_field');
});
