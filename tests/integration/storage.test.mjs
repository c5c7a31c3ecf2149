// Storage faults: the server reads its SQLite settings back and refuses to start without them
// or without a writable data folder; a full disk or an I/O error during a commit gets
// server.unavailable and no ack, everyone else is still served, and the same command goes
// through once the fault clears. Faults come from the "faulty" test VFS (tests/vfs) built into
// roundtable-faulty and steered by a control file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bin, run, startServer } from '../lib/harness.mjs';

const faulty = process.env.ROUNDTABLE_FAULTY_BIN || path.join(path.dirname(bin), 'tests', 'roundtable-faulty');

test('no WAL, no start: the setting read back differs and the server says which', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-nowal-'));
  const control = path.join(dir, 'fault');
  fs.writeFileSync(control, 'nowal');
  try {
    const r = await run(['serve', '--data', path.join(dir, 'data'), '--port', '0'], { env: { ...process.env, RT_FAULT_CONTROL: control } }, faulty);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /PRAGMA journal_mode is 'delete', it must be 'wal'/);
    assert.doesNotMatch(r.stdout, /listening/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a data folder that cannot take a file stops the server at start-up, with its name', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-nodir-'));
  try {
    const notDir = path.join(dir, 'data');
    fs.writeFileSync(notDir, 'a file where the data folder should be');
    const r = await run(['serve', '--data', notDir, '--port', '0']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /data folder .*data is not writable: Not a directory/);
    if (process.getuid() !== 0) {
      // Permissions stop everyone but root.
      const ro = path.join(dir, 'ro');
      fs.mkdirSync(ro, { mode: 0o500 });
      const r2 = await run(['serve', '--data', ro, '--port', '0']);
      assert.equal(r2.code, 1);
      assert.match(r2.stderr, /not writable: Permission denied/);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

for (const fault of ['full', 'ioerr']) {
  test(`${fault === 'full' ? 'a full disk' : 'an I/O error'} during commits: server.unavailable, no ack, others served, recovery`, async () => {
    const control = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-fault-')), 'fault');
    const srv = await startServer({ bin: faulty, env: { RT_FAULT_CONTROL: control } });
    try {
      const p = await srv.connect(srv.tokens.participant);
      const chair = await srv.connect(srv.tokens.cochair);
      const stage = await srv.connect(srv.tokens.stage);
      const seq = chair.snapshot.seq;
      fs.writeFileSync(control, fault);
      const refused = await p.command({ type: 'question.post', id: 'during-fault', text: 'Posted while the disk fails', lang: 'en' });
      assert.deepEqual(refused, { type: 'error', id: 'during-fault', code: 'server.unavailable' });
      const chairRefused = await chair.command({ type: 'clock.start' });
      assert.equal(chairRefused.code, 'server.unavailable');
      // Everyone is still served: the clock answers, a newcomer gets its snapshot, unchanged.
      assert.equal((await stage.command({ type: 'clock.sync' })).type, 'clock.now');
      const newcomer = await srv.connect(srv.tokens.cochair);
      assert.equal(newcomer.snapshot.seq, seq);
      assert.equal(newcomer.snapshot.questions.length, 0);

      fs.unlinkSync(control);
      const ack = await p.command({ type: 'question.post', id: 'during-fault', text: 'Posted while the disk fails', lang: 'en' });
      assert.equal(ack.type, 'ack');
      assert.equal(ack.seq, seq + 1);
      // The refused commands announced nothing: up to the post that succeeded, it is all the
      // co-chair heard of.
      await chair.seen(ack.seq);
      const heard = chair.log.filter((m) => m.type === 'question.posted' || m.type === 'agenda.clock');
      assert.deepEqual(heard.map((m) => [m.type, m.seq]), [['question.posted', ack.seq]]);
      await chair.next((m) => m.type === 'question.posted');
      await srv.restart();
      const check = await srv.connect(srv.tokens.cochair);
      assert.deepEqual(check.snapshot.questions.map((q) => q.text), ['Posted while the disk fails']);
    } finally {
      await srv.stop();
      fs.rmSync(path.dirname(control), { recursive: true, force: true });
    }
  });
}
