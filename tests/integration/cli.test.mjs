// The command line: help, agenda validation with JSON paths, and the demo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { bin, run, freePort, waitForLine, randomKey, webDir, demoAgenda, solveWork } from '../lib/harness.mjs';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-cli-'));

test('help for the program and each command', async () => {
  const main = await run(['--help']);
  assert.equal(main.code, 0);
  for (const cmd of ['serve', 'demo', 'new']) assert.match(main.stdout, new RegExp(`\\b${cmd}\\b`));
  for (const cmd of ['serve', 'demo', 'new']) {
    const r = await run([cmd, '--help']);
    assert.equal(r.code, 0, cmd);
    assert.match(r.stdout, new RegExp(`^Usage: roundtable ${cmd}`), cmd);
    assert.match(r.stdout, /--data DIR/);
  }
  const bad = await run(['launch']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /unknown command 'launch'/);
  const badOpt = await run(['serve', '--colour', 'blue']);
  assert.notEqual(badOpt.code, 0);
  const badPort = await run(['serve', '--port', '70000']);
  assert.notEqual(badPort.code, 0);
  assert.match(badPort.stderr, /--port/);
});

test('new reports every agenda error with its JSON path and creates nothing', async () => {
  const dir = tmp();
  const agenda = structuredClone(demoAgenda);
  delete agenda.title;
  agenda.organiser = 'someone';
  agenda.segments[1].duration = -5;
  agenda.segments[2].kind = 'workshop';
  agenda.segments[3].start = '25:00';
  agenda.channels = ['ar', 'en'];
  const file = path.join(dir, 'bad.json');
  fs.writeFileSync(file, JSON.stringify(agenda));
  const r = await run(['new', file, '--data', path.join(dir, 'data')]);
  assert.notEqual(r.code, 0);
  // Dropping French and Spanish from the channels leaves their listening instructions behind.
  for (const p of ['title: ', 'organiser: ', 'segments[1].duration: ', 'segments[2].kind: ', 'segments[3].start: ', 'channels[1]: ',
    'listening.fr: ', 'listening.es: ']) {
    assert.ok(r.stderr.includes(p), `missing error for ${p} in:\n${r.stderr}`);
  }
  assert.match(r.stderr, /\(8 errors\)/);
  const notJson = path.join(dir, 'broken.json');
  fs.writeFileSync(notJson, '{"format": ');
  const r2 = await run(['new', notJson, '--data', path.join(dir, 'data')]);
  assert.notEqual(r2.code, 0);
  assert.match(r2.stderr, /line 1/);
  fs.rmSync(dir, { recursive: true, force: true });
});

async function runDemo(dir, port) {
  const proc = spawn(bin, ['demo', '--data', dir, '--port', String(port), '--web', webDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.setEncoding('utf8');
  const out = await waitForLine(proc, /listening on/);
  return { proc, out };
}

function authAs(port, token, device, work) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, 'roundtable.v1');
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify(device ? { type: 'auth', token, device, ...(work ? { work } : {}) } : { type: 'auth', token })));
    ws.once('message', (d) => { ws.close(); resolve(JSON.parse(String(d))); });
  }).then((m) => {
    // AB-6: the demo's open link asks a new device key for its proof of work, as a browser pays it.
    if (m.code !== 'auth.work_required' || work) return m;
    return authAs(port, token, device, solveWork(m.params.consultation, device, m.params.bits));
  });
}

test('demo prints one working link per role and keeps one consultation across runs', async () => {
  const dir = tmp();
  let consultation;
  for (let run = 0; run < 2; run++) {
    const port = await freePort();
    const { proc, out } = await runDemo(dir, port);
    try {
      const links = {};
      let join = null;
      for (const m of out.matchAll(/^ {2}([a-z0-9 ]+?):\s+http:\/\/127\.0\.0\.1:(\d+)\/c\/([a-z0-9]+)\/#([A-Za-z0-9_-]{22})(\.[A-Za-z0-9_-]{22})?(?:\.([0-9A-Z]{8}))?$/gm)) {
        const [line, name, linkPort, id, token, second, code] = m;
        assert.equal(Number(linkPort), port);
        // Each link is the consultation's own page.
        if (consultation) assert.equal(id, consultation);
        // Only the stage link carries a second token: the open participant link's, to show.
        assert.equal(Boolean(second), name === 'stage', line);
        links[name] = token;
        if (second) join = second.slice(1);
        // ... and the short join code it shows, printed with its address.
        if (code) assert.ok(out.includes(`  Join code:        ${code.slice(0, 4)}-${code.slice(4)}  http://127.0.0.1:${port}/j/${code.slice(0, 4)}-${code.slice(4)}\n`), out);
        assert.equal(Boolean(code), name === 'stage', line);
      }
      assert.deepEqual(Object.keys(links).sort(), ['booth ar', 'booth es', 'booth fr', 'cochair', 'participant', 'rapporteur', 'stage']);
      const roles = { participant: 'participant', cochair: 'cochair', rapporteur: 'rapporteur', stage: 'stage', 'booth ar': 'booth', 'booth fr': 'booth', 'booth es': 'booth' };
      for (const [name, token] of Object.entries(links)) {
        const snap = await authAs(port, token, name === 'participant' ? randomKey() : undefined);
        assert.equal(snap.type, 'snapshot', `${name}: ${JSON.stringify(snap)}`);
        assert.equal(snap.role, roles[name]);
        assert.equal(snap.consultation.segments.length, 4);
        if (consultation) assert.equal(snap.consultation.id, consultation, 'demo created a second consultation');
        consultation = snap.consultation.id;
      }
      assert.equal(join, links.participant, 'the stage shows the open participant link');
      assert.match(out, /International cooperation against cybercrime/);
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an organiser who mistypes an id is told there is no such consultation, server running or not', async () => {
  const dir = tmp();
  const data = path.join(dir, 'data');
  const agenda = path.join(dir, 'agenda.json');
  fs.writeFileSync(agenda, JSON.stringify(demoAgenda));
  assert.equal((await run(['new', agenda, '--data', data])).code, 0);
  const names = path.join(dir, 'names.txt');
  fs.writeFileSync(names, 'Someone Named\n');
  // No server on the folder: the command line opens the database itself.
  let r = await run(['seal', 'no-such-id', '--data', data]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'roundtable: cannot seal no-such-id: no such consultation\n');
  // A server on the folder: the control socket answers with an internal status, put in words.
  const port = await freePort();
  const proc = spawn(bin, ['serve', '--data', data, '--port', String(port), '--listen', '127.0.0.1', '--web', webDir],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.setEncoding('utf8');
  try {
    await waitForLine(proc, /listening on/);
    r = await run(['seal', 'no-such-id', '--data', data]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'roundtable: cannot seal no-such-id: no such consultation\n');
    r = await run(['denylist', 'no-such-id', names, '--data', data]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'roundtable: cannot give the deny-list to no-such-id: no such consultation\n');
  } finally {
    proc.kill('SIGTERM');
    await new Promise((resolve) => proc.once('exit', resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
