// Durable failures are loud (PL-3): a database the server's user cannot write stops it at
// start-up with the reason; a data folder that stops taking files turns /healthz to 503; every
// failed write is counted in /metrics and logged, at most once a minute with a count; a commit
// whose fsync failed is answered with what the database holds, not a refusal; database files
// are the owner's alone; an id used again for another command is refused with a typed error.
// Faults come from the "faulty" test VFS in roundtable-faulty; permissions, when the tests run
// as root, from running the server as nobody (setpriv).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bin, freePort, openAgenda, parseMetrics, randomKey, run, startServer, until, waitForLine, webDir } from '../lib/harness.mjs';

const faulty = process.env.ROUNDTABLE_FAULTY_BIN || path.join(path.dirname(bin), 'tests', 'roundtable-faulty');
const root = process.getuid() === 0;
const NOBODY = 65534;
// The server as the service's user: nobody when we are root (root writes whatever the modes say).
const asService = (args) => (root
  ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', bin, ...args]]
  : [bin, args]);

// A data folder with a consultation in it, made by this (root) user, in a folder anyone may enter.
async function dataFolder() {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-store-'));
  fs.chmodSync(top, 0o755);
  const data = path.join(top, 'data');
  const agenda = path.join(top, 'agenda.json');
  fs.writeFileSync(agenda, JSON.stringify(openAgenda));
  const made = await run(['new', agenda, '--data', data, '--json']);
  assert.equal(made.code, 0, made.stderr);
  return { top, data, db: path.join(data, 'roundtable.db') };
}

const health = async (srvUrl) => {
  const res = await fetch(srvUrl + 'healthz');
  return { status: res.status, text: await res.text() };
};
const metric = async (srvUrl, name) => parseMetrics(await (await fetch(srvUrl + 'metrics')).text()).get(name);

test('a database file the server cannot write stops it at start-up, with the reason', async () => {
  const { top, data, db } = await dataFolder();
  try {
    // A backup restored by root, served by the service's user: readable, not writable.
    if (root) fs.chownSync(data, NOBODY, NOBODY);
    fs.chmodSync(db, root ? 0o644 : 0o444);
    const [program, args] = asService(['serve', '--data', data, '--port', '0']);
    const r = await run(args, {}, program);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /roundtable\.db is read-only for this user \(uid \d+\)/);
    assert.doesNotMatch(r.stdout, /listening/);
    if (root) {
      // Not even readable (the file a restore leaves, 0600 and root's).
      fs.chmodSync(db, 0o600);
      const r2 = await run(args, {}, program);
      assert.equal(r2.code, 1);
      assert.match(r2.stderr, /roundtable\.db is not readable by this user/);
    }
  } finally {
    fs.rmSync(top, { recursive: true, force: true });
  }
});

test('a data folder that stops taking files while serving: /healthz says 503 and why, then ok again', async () => {
  const { top, data } = await dataFolder();
  if (root) for (const f of ['', ...fs.readdirSync(data)]) fs.chownSync(path.join(data, f), NOBODY, NOBODY);
  const port = await freePort();
  const [program, args] = asService(['serve', '--data', data, '--port', String(port), '--listen', '127.0.0.1', '--web', webDir]);
  const proc = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.setEncoding('utf8');
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
  try {
    await waitForLine(proc, /listening on/);
    const url = `http://127.0.0.1:${port}/`;
    assert.deepEqual(await health(url), { status: 200, text: 'ok\n' });
    fs.chmodSync(data, 0o500);
    let h;
    await until(async () => (h = await health(url)).status === 503, '/healthz turns 503');
    assert.match(h.text, /^unavailable: the data folder .*data is not writable: Permission denied\n$/);
    fs.chmodSync(data, 0o700);
    await until(async () => (await health(url)).status === 200, '/healthz is ok again');
  } finally {
    fs.chmodSync(data, 0o700);
    proc.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    fs.rmSync(top, { recursive: true, force: true });
  }
});

test('a full disk: every failure counted, logged once a minute with a count, /healthz 503, then recovery', async () => {
  const control = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-fault-')), 'fault');
  const srv = await startServer({ bin: faulty, env: { RT_FAULT_CONTROL: control } });
  try {
    const p = await srv.connect(srv.tokens.participant);
    const before = await metric(srv.baseUrl, 'roundtable_store_failures_total');
    assert.equal(before, 0);
    fs.writeFileSync(control, 'full');
    const N = 6;
    for (let i = 0; i < N; i++) {
      const r = await p.command({ type: 'question.post', id: `full-${i}`, text: `Posted on a full disk ${i}`, lang: 'en' });
      assert.equal(r.code, 'server.unavailable');
    }
    assert.equal(await metric(srv.baseUrl, 'roundtable_store_failures_total'), N);
    const failed = srv.stderr.split('\n').filter((l) => l.includes('event=store_failed'));
    assert.equal(failed.length, 1, srv.stderr);
    assert.match(failed[0], /level=warn event=store_failed reason="committing: database or disk is full" count=1 per_seconds=60$/);
    const h = await health(srv.baseUrl);
    assert.equal(h.status, 503);
    assert.equal(h.text, 'unavailable: the last write failed: committing: database or disk is full\n');

    fs.unlinkSync(control);
    const ack = await p.command({ type: 'question.post', id: 'full-0', text: 'Posted on a full disk 0', lang: 'en' });
    assert.equal(ack.type, 'ack');
    assert.match(srv.stderr, new RegExp(`event=store_recovered unlogged_failures=${N - 1}\\n`));
    assert.deepEqual(await health(srv.baseUrl), { status: 200, text: 'ok\n' });
  } finally {
    await srv.stop();
    fs.rmSync(path.dirname(control), { recursive: true, force: true });
  }
});

test('an fsync that fails after the batch was written: the answer is what the database holds, across kill -9', async () => {
  const control = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-fault-')), 'fault');
  const srv = await startServer({ bin: faulty, env: { RT_FAULT_CONTROL: control } });
  try {
    const device = randomKey();
    const p = await srv.connect(srv.tokens.participant, { device });
    const chair = await srv.connect(srv.tokens.cochair);
    fs.writeFileSync(control, 'syncerr');
    const post = { type: 'question.post', id: 'fsync-1', text: 'Posted while fsync fails', lang: 'en' };
    const ack = await p.command(post);
    fs.unlinkSync(control);
    // The reopened database holds it: acknowledged, and announced, not refused.
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
    await chair.next((m) => m.type === 'question.posted' && m.question.text === post.text);
    assert.match(srv.stderr, /event=commit_outcome stored=true/);
    assert.equal(await metric(srv.baseUrl, 'roundtable_commit_failures_total'), 1);

    await srv.kill('SIGKILL');
    await srv.start();
    const again = await srv.connect(srv.tokens.participant, { device });
    assert.deepEqual(await again.command(post), ack);
    const check = await srv.connect(srv.tokens.cochair);
    assert.deepEqual(check.snapshot.questions.map((q) => q.text), [post.text]);
  } finally {
    await srv.stop();
    fs.rmSync(path.dirname(control), { recursive: true, force: true });
  }
});

test('database files are created readable by their owner alone, whatever the umask', async () => {
  const old = process.umask(0o022);
  const srv = await startServer();
  try {
    const p = await srv.connect(srv.tokens.participant);
    assert.equal((await p.command({ type: 'question.post', text: 'Written to the WAL', lang: 'en' })).type, 'ack');
    const db = path.join(srv.dataDir, 'roundtable.db');
    for (const f of [db, `${db}-wal`, `${db}-shm`]) assert.equal((fs.statSync(f).mode & 0o777).toString(8), '600', f);
  } finally {
    await srv.stop();
    process.umask(old);
  }
});

test('an id used again for another command: command.id_reused, nothing changes; the same command gets its ack', async () => {
  const srv = await startServer();
  try {
    const p = await srv.connect(srv.tokens.participant);
    const chair = await srv.connect(srv.tokens.cochair);
    const post = { type: 'question.post', id: 'mine-1', text: 'Asked once', lang: 'en' };
    const ack = await p.command(post);
    assert.equal(ack.type, 'ack');
    const reused = { type: 'error', id: 'mine-1', code: 'command.id_reused' };
    assert.deepEqual(await p.command({ ...post, text: 'Asked twice' }), reused);
    assert.deepEqual(await p.command({ type: 'question.withdraw', id: 'mine-1', question: ack.result.question.id }), reused);
    assert.deepEqual(await p.command(post), ack);
    const barrier = await srv.barrier(chair);
    await chair.nothing((m) => m.type === 'question.withdrawn' || (m.type === 'question.posted' && m.question.text !== post.text), barrier);
    const check = await srv.connect(srv.tokens.cochair);
    assert.deepEqual(check.snapshot.questions.map((q) => [q.text, q.state]), [['Asked once', 'pending']]);
  } finally {
    await srv.stop();
  }
});
