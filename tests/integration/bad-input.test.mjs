// Bad input gets a typed error, changes nothing, and leaves the connection usable (PL-6).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { startServer } from '../lib/harness.mjs';

function run(args, cmd) {
  return new Promise((resolve) => execFile(cmd, args, (err, stdout, stderr) => resolve({ code: err ? err.code ?? 1 : 0, stdout, stderr })));
}

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

async function state() {
  const c = await srv.connect(srv.tokens.cochair);
  c.close();
  return { seq: c.snapshot.seq, questions: c.snapshot.questions };
}

// The catalogue (PL-6): each row is one malformed input, who sends it, and the typed error (or
// close code) it must get. Every row runs on a fresh connection; afterwards the consultation
// is unchanged and a bystander connected throughout received no event and is still served.
function catalogue(seed, pendingOfOther, otherQuestion) {
  const deep = (n) => '['.repeat(n) + ']'.repeat(n);
  const post = (extra) => ({ type: 'question.post', text: 'Hi', lang: 'en', ...extra });
  return [
    // JSON itself
    { name: 'truncated JSON', raw: '{"type": "question.post", "id": "x1", ', code: 'protocol.malformed', id: null },
    { name: 'an array', raw: '[1, 2, 3]', code: 'protocol.malformed', id: null },
    { name: 'a bare string', raw: '"just a string"', code: 'protocol.malformed', id: null },
    { name: 'a bare number', raw: '42', code: 'protocol.malformed', id: null },
    { name: 'null', raw: 'null', code: 'protocol.malformed', id: null },
    { name: 'an empty frame', raw: '', code: 'protocol.malformed', id: null },
    { name: 'whitespace only', raw: '  \n ', code: 'protocol.malformed', id: null },
    { name: 'trailing garbage', raw: '{"type":"clock.sync","id":"g1"} {}', code: 'protocol.malformed', id: null },
    { name: 'single quotes', raw: "{'type':'clock.sync','id':'g2'}", code: 'protocol.malformed', id: null },
    { name: 'a comment', raw: '{"type":"clock.sync", /* hi */ "id":"g3"}', code: 'protocol.malformed', id: null },
    // Text frames must be UTF-8 (RFC 6455 §8.1): libwebsockets validates them and closes with 1007.
    { name: 'invalid UTF-8 in a text frame', bytes: Buffer.from([0x7b, 0x22, 0x74, 0xff, 0xfe, 0x22, 0x7d]), close: 1007 },
    { name: 'an overlong UTF-8 encoding', bytes: Buffer.concat([Buffer.from('{"type":"question.post","id":"u2","text":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('","lang":"en"}')]), close: 1007 },
    { name: 'a UTF-16 surrogate escape alone', raw: '{"type":"question.post","id":"u3","text":"\\ud800","lang":"en"}', code: 'protocol.malformed', id: null },
    { name: 'a NUL escape in a string', raw: '{"type":"question.post","id":"u4","text":"a\\u0000b","lang":"en"}', code: 'protocol.malformed', id: null },
    { name: 'duplicated keys', raw: '{"type":"question.post","id":"d1","text":"a","text":"b","lang":"en"}', code: 'protocol.malformed' },
    { name: 'nesting 10,000 deep', raw: `{"type":"question.post","id":"n1","text":${deep(10000)},"lang":"en"}`, code: 'protocol.malformed', id: null },
    { name: 'nesting 30 deep in a field', raw: `{"type":"question.post","id":"n2","text":${deep(30)},"lang":"en"}`, code: 'protocol.invalid_field', id: 'n2', field: 'text' },
    { name: 'a number too large for a double', raw: '{"type":"question.vote","id":"h1","question":1e400}', code: 'protocol.malformed', id: null },
    { name: 'an integer beyond 64 bits', raw: '{"type":"question.vote","id":"h2","question":123456789012345678901234567890}', code: 'protocol.malformed', id: null },
    // types and fields
    { name: 'an unknown type', msg: { type: 'question.delete', id: 'x2', question: 1 }, code: 'protocol.unknown_type', id: 'x2' },
    { name: 'no type', msg: { id: 'x3', question: 1 }, code: 'protocol.unknown_type', id: 'x3' },
    { name: 'type not a string', msg: { type: 7, id: 'x3b' }, code: 'protocol.unknown_type', id: 'x3b' },
    { name: 'a server message sent by a client', msg: { type: 'snapshot', id: 'x3c' }, code: 'protocol.unknown_type', id: 'x3c' },
    { name: 'an identity field', msg: post({ id: 'x4', name: 'Alice' }), code: 'protocol.unknown_field', id: 'x4', field: 'name' },
    { name: 'a command for another consultation', msg: post({ id: 'x4b', consultation: 'another' }), code: 'protocol.unknown_field', id: 'x4b', field: 'consultation' },
    { name: 'a missing field', msg: { type: 'question.post', id: 'x5', text: 'Hi' }, code: 'protocol.missing_field', id: 'x5', field: 'lang' },
    { name: 'a missing id', msg: { type: 'question.post', text: 'Hi', lang: 'en' }, code: 'protocol.missing_field', id: null, field: 'id' },
    { name: 'an id that is a number', msg: post({ id: 17 }), code: 'protocol.invalid_field', id: null, field: 'id' },
    { name: 'an id of 65 characters', msg: post({ id: 'a'.repeat(65) }), code: 'protocol.invalid_field', id: null, field: 'id' },
    { name: 'an id with a space', msg: post({ id: 'a b' }), code: 'protocol.invalid_field', id: null, field: 'id' },
    { name: 'a question id as a string', msg: { type: 'question.vote', id: 'x6', question: '1' }, code: 'protocol.invalid_field', id: 'x6', field: 'question' },
    { name: 'a question id of 2^31', msg: { type: 'question.vote', id: 'x6b', question: 2 ** 31 }, code: 'protocol.invalid_field', id: 'x6b', field: 'question' },
    { name: 'a negative question id', msg: { type: 'question.vote', id: 'x6c', question: -3 }, code: 'protocol.invalid_field', id: 'x6c', field: 'question' },
    { name: 'a fractional question id', msg: { type: 'question.vote', id: 'x6d', question: 1.5 }, code: 'protocol.invalid_field', id: 'x6d', field: 'question' },
    { name: 'text that is a number', msg: post({ id: 'x6e', text: 12 }), code: 'protocol.invalid_field', id: 'x6e', field: 'text' },
    { name: 'an unknown language', msg: post({ id: 'x7', lang: 'de' }), code: 'protocol.invalid_field', id: 'x7', field: 'lang' },
    { name: 'placeholders not a boolean', msg: post({ id: 'x7b', placeholders: 'yes' }), code: 'protocol.invalid_field', id: 'x7b', field: 'placeholders' },
    { name: 'an oversized string', msg: post({ id: 'x7c', text: 'é'.repeat(2001) }), code: 'protocol.invalid_field', id: 'x7c', field: 'text' },
    { name: 'text too long once cleaned', msg: post({ id: 'x7d', text: 'q'.repeat(501) }), code: 'question.text_too_long', id: 'x7d' },
    { name: 'text empty once cleaned', msg: post({ id: 'x7e', text: ' \u202e\u200f ' }), code: 'question.text_empty', id: 'x7e' },
    { name: 'minutes out of range', who: 'cochair', msg: { type: 'clock.adjust', id: 'x7f', minutes: 500 }, code: 'protocol.invalid_field', id: 'x7f', field: 'minutes' },
    { name: 'a segment out of range', who: 'cochair', msg: { type: 'agenda.goto', id: 'x7g', segment: 49 }, code: 'segment.not_found', id: 'x7g' },
    // roles, state, other people's things
    { name: 'a co-chair command from a participant', msg: { type: 'question.approve', id: 'x8', question: seed }, code: 'auth.forbidden', id: 'x8' },
    { name: 'a post from a co-chair', who: 'cochair', msg: post({ id: 'x9' }), code: 'auth.forbidden', id: 'x9' },
    { name: 'a vote from a booth', who: 'booth', msg: { type: 'question.vote', id: 'x10', question: seed }, code: 'auth.forbidden', id: 'x10' },
    { name: 'a second auth', msg: { type: 'auth', token: 'AAAAAAAAAAAAAAAAAAAAAA' }, code: 'auth.already', id: null },
    { name: 'a question that does not exist', who: 'cochair', msg: { type: 'question.approve', id: 'x12', question: 9999 }, code: 'question.not_found', id: 'x12' },
    { name: "a vote on someone else's pending question", msg: { type: 'question.vote', id: 'x13', question: pendingOfOther }, code: 'question.not_found', id: 'x13' },
    { name: "another consultation's question", who: 'cochair', msg: { type: 'question.approve', id: 'x14', question: otherQuestion }, code: 'question.not_found', id: 'x14' },
    { name: 'withdrawing a question of someone else', msg: { type: 'question.withdraw', id: 'x15', question: seed }, code: 'question.not_own', id: 'x15' },
    // frames
    { name: 'a binary frame', binary: Buffer.from('{"type":"clock.sync","id":"b1"}'), close: 1003 },
    { name: 'a frame of 70,000 bytes', raw: JSON.stringify(post({ id: 'b2', text: 'x'.repeat(70000) })), close: 1009 },
    { name: 'a message over the cap in fragments', fragments: 20, close: 1009 },
  ];
}

test('the bad-input catalogue: each input gets its typed error or close, and changes nothing', async (t) => {
  // Another consultation with more questions than this one: its highest id exists there only.
  const other = await startServer();
  let otherQuestion = 0;
  try {
    for (const token of other.tokens.invitations) {
      const otherP = await other.connect(token);
      for (let i = 0; i < 3; i++) otherQuestion = (await otherP.command({ type: 'question.post', text: `Elsewhere ${i}`, lang: 'en' })).result.question.id;
    }
  } finally {
    await other.stop();
  }

  const p = await srv.connect(srv.tokens.invitations[0]);
  const someoneElse = await srv.connect(srv.tokens.invitations[1]);
  const chair = await srv.connect(srv.tokens.cochair);
  const seed = (await someoneElse.command({ type: 'question.post', text: 'Seed question', lang: 'en' })).result.question.id;
  await chair.command({ type: 'question.approve', question: seed });
  const pendingOfOther = (await someoneElse.command({ type: 'question.post', text: 'Pending', lang: 'en' })).result.question.id;
  for (let i = 0; i < 3; i++) await chair.command({ type: 'question.pin', question: seed });
  p.close();
  const before = await state();
  const bystander = await srv.connect(srv.tokens.stage);
  const cases = catalogue(seed, pendingOfOther, otherQuestion);
  assert.ok(cases.length >= 40, `${cases.length} cases`);
  const tokenOf = { participant: srv.tokens.invitations[0], cochair: srv.tokens.cochair, booth: srv.tokens.booth.ar };

  for (const c of cases) {
    await t.test(c.name, async () => {
      const who = await srv.connect(tokenOf[c.who || 'participant']);
      if (c.raw !== undefined) who.sendRaw(c.raw);
      else if (c.bytes) who.ws.send(c.bytes, { binary: false });
      else if (c.binary) who.ws.send(c.binary, { binary: true });
      else if (c.fragments) {
        const chunk = 'x'.repeat(4000);
        who.ws.send('{"type":"question.post","id":"f1","lang":"en","text":"', { fin: false });
        for (let i = 0; i < c.fragments; i++) who.ws.send(chunk, { fin: false });
        who.ws.send('"}', { fin: true });
      } else who.send(c.msg);
      if (c.close) {
        const closed = await who.closed;
        assert.equal(closed.code, c.close);
        return;
      }
      const err = await who.next((m) => m.type === 'error' || m.type === 'ack');
      assert.equal(err.type, 'error', `accepted: ${JSON.stringify(err)}`);
      assert.equal(err.code, c.code);
      if ('id' in c) assert.equal(err.id, c.id);
      if (c.field) assert.equal(err.params.field, c.field);
      // The connection is still usable.
      assert.equal((await who.command({ type: 'clock.sync' })).type, 'clock.now');
      who.close();
    });
  }
  assert.deepEqual(await state(), before, 'bad input changed the consultation');
  // Nor was anything sent: the first thing the stage hears is an event caused after it all.
  await bystander.nothing((m) => m.type !== 'floor.changed', await srv.barrier(chair));
  assert.equal((await bystander.command({ type: 'clock.sync' })).type, 'clock.now');

  // Duplicated ids: the same command twice at once is applied once, and both get its ack.
  const dup = await srv.connect(srv.tokens.invitations[0]);
  const [a, b] = await Promise.all([
    dup.command({ type: 'question.vote', id: 'dup-1', question: seed }),
    new Promise((resolve) => { dup.send({ type: 'question.vote', id: 'dup-1', question: seed }); resolve(dup.next((m) => m.type === 'ack' && m.id === 'dup-1')); }),
  ]);
  assert.deepEqual(a, b);
  const after = await srv.connect(srv.tokens.stage);
  assert.equal(after.snapshot.questions.find((q) => q.id === seed).votes, 1);
});

test('a revoked link is refused, even replayed by a browser that used it before', async () => {
  const before = await srv.connect(srv.tokens.invitations[1]);
  assert.equal(before.snapshot.role, 'participant');
  before.close();
  // Revocation is a flag on the token's row (the command line for it comes with link rotation).
  const hash = crypto.createHash('sha256').update(Buffer.from(srv.tokens.invitations[1], 'base64url')).digest('hex');
  const r = await run(['-cmd', '.timeout 5000', path.join(srv.dataDir, 'roundtable.db'),
    `UPDATE token SET revoked = 1 WHERE hash = X'${hash}'`], 'sqlite3');
  assert.equal(r.code, 0, r.stderr);
  await assert.rejects(srv.connect(srv.tokens.invitations[1]), /auth refused: auth\.invalid/);
  await assert.rejects(srv.connect(srv.tokens.invitations[1], { since: 3 }), /auth refused: auth\.invalid/);
});

test('before auth: only the first message may authenticate; anything else gets its error and a 1008 close', async () => {
  const p = await srv.connect(srv.tokens.participant);
  const { default: WebSocket } = await import('ws');
  // Each attempt on a fresh, unauthenticated socket: the first frame decides.
  const attempt = async (frame) => {
    const raw = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, 'roundtable.v1');
    const got = [];
    raw.on('message', (d) => got.push(JSON.parse(String(d))));
    const closed = new Promise((r) => raw.once('close', (code, reason) => r({ code, reason: String(reason) })));
    await new Promise((r) => raw.once('open', r));
    raw.send(frame);
    // Whatever follows a refused first frame is ignored: the socket is closing.
    raw.send(JSON.stringify({ type: 'auth', token: srv.tokens.stage }));
    return { got, close: await closed };
  };
  let r = await attempt(JSON.stringify({ type: 'question.post', id: 'a1', text: 'Hi', lang: 'en' }));
  assert.deepEqual(r.got, [{ type: 'error', id: 'a1', code: 'auth.required' }]);
  assert.deepEqual(r.close, { code: 1008, reason: 'auth.required' });
  r = await attempt(JSON.stringify({ type: 'auth', token: 'AAAAAAAAAAAAAAAAAAAAAA' }));
  assert.deepEqual(r.got, [{ type: 'error', id: null, code: 'auth.invalid' }]);
  assert.deepEqual(r.close, { code: 1008, reason: 'auth.invalid' });
  // The open participant link needs a device key.
  r = await attempt(JSON.stringify({ type: 'auth', token: srv.tokens.participant }));
  assert.equal(r.got[0].code, 'auth.invalid');
  assert.equal(r.close.code, 1008);
  r = await attempt('{"type": "auth", ');
  assert.equal(r.got[0].code, 'protocol.malformed');
  assert.equal(r.close.code, 1008);
  // A good first frame: the snapshot, and the socket stays open.
  const ok = await srv.connect(srv.tokens.stage);
  assert.equal(ok.snapshot.role, 'stage');
  assert.equal(ok.ws.readyState, WebSocket.OPEN);
  ok.close();
  assert.equal(p.ws.readyState, WebSocket.OPEN);
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
