// The server's log: one structured line per event on stderr, quiet at the default
// level, and never anything private (CHR-7): no question text, no deny-listed name, no token,
// no link label, no peer address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { run, startServer, until } from '../lib/harness.mjs';

const LEVELS = ['error', 'warn', 'info', 'debug'];
// A logfmt line: ts, level and event first, then key=value with quoted values escaped.
const LOGFMT = /^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=(error|warn|info|debug) event=[a-z_.]+( [a-z_]+=("([^"\\]|\\.)*"|[^ "=]+))*$/;

// Waits until the server's stderr holds a line of `event`.
async function logged(srv, event) {
  await until(() => srv.stderr.includes(`"event":"${event}"`) || srv.stderr.includes(`event=${event} `),
    `no ${event} line`, { every: 50 }).catch(() => assert.fail(`no ${event} line in:\n${srv.stderr}`));
}

// A WebSocket handshake from a page of another origin (refused by the server).
function foreignHandshake(srv) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, 'roundtable.v1', { origin: 'https://elsewhere.example', localAddress: '127.0.0.9' });
    ws.on('error', () => resolve());
    ws.on('open', () => { ws.close(); resolve(); });
  });
}

test('JSON log: a consultation from start to seal and stop is a dozen lines, each an object, none with anything private', async () => {
  const srv = await startServer({ serveArgs: ['--log-format', 'json'] });
  const secrets = [];
  let commands = 0;
  try {
    const chair = await srv.connect(srv.tokens.cochair, { localAddress: '127.0.0.9' });
    await chair.command({ type: 'clock.start' });
    const people = [];
    for (let i = 0; i < 4; i++) people.push(await srv.connect(srv.tokens.participant, { localAddress: '127.0.0.9' }));
    await srv.connect(srv.tokens.invitations[1], { localAddress: '127.0.0.9' }); // to be revoked
    for (let i = 0; i < 12; i++) {
      const text = `Canary question ${i} about the retention of subscriber data`;
      secrets.push(text);
      const q = (await people[i % 4].command({ type: 'question.post', text, lang: 'en' })).result.question.id;
      await chair.command({ type: 'question.approve', question: q });
      for (const p of people) if (p !== people[i % 4]) await p.command({ type: 'question.vote', question: q });
      commands += 5;
    }
    // A refused command and a refused handshake.
    assert.equal((await people[0].command({ type: 'question.approve', question: 1 })).code, 'auth.forbidden');
    await foreignHandshake(srv);
    await foreignHandshake(srv);

    // Organiser actions: a deny-list (its names never logged), a revoked link, the seal.
    const listFile = path.join(srv.dataDir, 'names.txt');
    fs.writeFileSync(listFile, 'Yevgenia Canaryname\nRashid Examplename\n');
    secrets.push('Canaryname', 'Examplename', 'invitation 2');
    assert.equal((await run(['denylist', srv.consultation, listFile, '--data', srv.dataDir])).code, 0);
    const revoked = await run(['links', srv.consultation, '--data', srv.dataDir, '--revoke', 'invitation', '--label', 'invitation 2']);
    assert.equal(revoked.code, 0, revoked.stderr);
    const sealed = await run(['seal', srv.consultation, '--data', srv.dataDir]);
    assert.equal(sealed.code, 0, sealed.stderr);
    await logged(srv, 'sealed');
  } finally {
    await srv.stop();
  }

  const lines = srv.stderr.split('\n').filter(Boolean);
  const entries = lines.map((l) => {
    try {
      return JSON.parse(l);
    } catch {
      return assert.fail(`not a JSON line: ${l}`);
    }
  });
  for (const e of entries) {
    assert.match(e.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(Math.abs(Date.parse(e.ts) - Date.now()) < 120000);
    assert.ok(LEVELS.includes(e.level), e.level);
    assert.match(e.event, /^[a-z_.]+$/);
  }
  const events = entries.map((e) => e.event);
  console.log(`${lines.length} log lines for ${commands} commands, 2 refused handshakes and 3 organiser actions:\n${lines.join('\n')}`);
  assert.ok(lines.length <= 15, `the log is quiet: ${lines.length} lines`);
  assert.deepEqual(events.slice(0, 1), ['listening']);
  assert.deepEqual(events.slice(-2), ['stopping', 'stopped']);
  const find = (pred) => entries.find(pred) || assert.fail(`missing line in:\n${lines.join('\n')}`);
  assert.equal(find((e) => e.event === 'listening').url, srv.baseUrl);
  assert.equal(find((e) => e.event === 'loaded').consultation, srv.consultation);
  assert.equal(find((e) => e.event === 'control' && e.op === 'denylist').names, 2);
  assert.equal(find((e) => e.event === 'control' && e.op === 'links').cut_off, 1);
  assert.equal(find((e) => e.event === 'control' && e.op === 'seal').result, 'ok');
  assert.equal(find((e) => e.event === 'sealed').consultation, srv.consultation);
  const refused = find((e) => e.event === 'connections_refused');
  assert.equal(refused.reason, 'origin');
  assert.equal(refused.level, 'warn');
  assert.equal(entries.filter((e) => e.event === 'connections_refused').length, 1, 'once a minute at most');
  assert.equal(find((e) => e.event === 'stopped').refused, 2);

  // Nothing private: no text, name, label, token or peer address.
  const tokens = [srv.tokens.participant, srv.tokens.cochair, srv.tokens.rapporteur, srv.tokens.stage,
    ...srv.tokens.invitations, ...Object.values(srv.tokens.booth)];
  for (const s of [...secrets, ...tokens, '127.0.0.9']) assert.ok(!srv.stderr.includes(s), `the log holds ${s}`);
});

test('text log: logfmt lines; --log-level warn keeps only warnings and errors; debug logs each refusal', async () => {
  const quiet = await startServer({ serveArgs: ['--log-level', 'warn'] });
  try {
    await foreignHandshake(quiet);
    await logged(quiet, 'connections_refused');
  } finally {
    await quiet.stop();
  }
  const q = quiet.stderr.split('\n').filter(Boolean);
  assert.equal(q.length, 1, quiet.stderr);
  assert.match(q[0], LOGFMT);
  assert.match(q[0], / level=warn event=connections_refused reason=origin count=1 per_seconds=60$/);

  const loud = await startServer({ serveArgs: ['--log-level', 'debug'] });
  try {
    for (let i = 0; i < 3; i++) await foreignHandshake(loud);
    await until(() => loud.stderr.split('\n').filter((l) => l.includes('event=connections_refused reason=origin')).length >= 3,
      'three refusals logged', { every: 50 }).catch(() => {});
  } finally {
    await loud.stop();
  }
  const lines = loud.stderr.split('\n').filter(Boolean);
  for (const l of lines) assert.match(l, LOGFMT);
  assert.equal(lines.filter((l) => l.includes('event=connections_refused reason=origin')).length, 3);
  assert.ok(lines.some((l) => / event=listening url=http:\/\/127\.0\.0\.1:\d+\/ pid=\d+ /.test(l)));
  assert.ok(!loud.stderr.includes('127.0.0.9'));

});

test('a start failure is one error line saying why', async () => {
  const srv = await startServer();
  try {
    const second = await run(['serve', '--data', srv.dataDir, '--port', '0', '--log-format', 'json']);
    assert.equal(second.code, 1);
    const e = JSON.parse(second.stderr.trim());
    assert.equal(e.level, 'error');
    assert.equal(e.event, 'start_failed');
    assert.match(e.msg, /another server is running/);
    assert.equal(e.data, srv.dataDir);
    // In logfmt, a value with spaces is quoted.
    const text = await run(['serve', '--data', srv.dataDir, '--port', '0']);
    assert.equal(text.code, 1);
    assert.match(text.stderr.trim(), LOGFMT);
    assert.match(text.stderr, / level=error event=start_failed msg="another server is running on this data folder" data=/);
    const bad = await run(['serve', '--data', srv.dataDir, '--log-format', 'xml']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--log-format must be text or json/);
  } finally {
    await srv.stop();
  }
});
