// Backups: `roundtable backup ID FILE` copies one consultation, and nothing of any
// other, while the server goes on serving; the copy is complete up to the moment it was taken,
// checked, and restores by being served.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadLimits, run, startServer, until } from '../lib/harness.mjs';

const sql = (file, query) => execFileSync('sqlite3', ['-readonly', file, query], { encoding: 'utf8' }).trim();

// Every table of a SQLite file with, for each, the consultations its rows belong to.
function consultationsByTable(file) {
  const tables = sql(file, "SELECT name FROM sqlite_schema WHERE type = 'table'").split('\n');
  const out = {};
  for (const t of tables) {
    // A programme spans consultations: a copy of one holds none (any row would show here).
    // So does the data folder's organiser link.
    const column = t === 'consultation' ? 'id' : t === 'programme' ? "'programme ' || id"
      : t === 'organiser_token' ? "'organiser ' || hex(hash)" : 'consultation';
    out[t] = sql(file, `SELECT DISTINCT ${column} FROM "${t}"`).split('\n').filter(Boolean);
  }
  return out;
}

test('backup while participants post: each copy holds every acknowledged question, one consultation only, and restores', async () => {
  const srv = await startServer({ serveArgs: loadLimits });
  const dir = fs.mkdtempSync(path.join(srv.dataDir, 'backups-'));
  let restored;
  try {
    // A second consultation in the same database: no row of it may reach the copy.
    const other = await run(['new', path.join(srv.dataDir, 'agenda.json'), '--data', srv.dataDir, '--json']);
    assert.equal(other.code, 0, other.stderr);
    const otherId = JSON.parse(other.stdout).consultation;
    assert.equal((await run(['organiser-link', '--data', srv.dataDir])).code, 0); // the folder's, not copied
    const chair = await srv.connect(srv.tokens.cochair);
    await chair.command({ type: 'clock.start' });
    const posters = await Promise.all([0, 1, 2].map(() => srv.connect(srv.tokens.participant)));

    // Participants post without pause while backups are taken, each withdrawing its older
    // questions to stay within the open-question limit.
    const acked = [];
    let posting = true;
    const loops = posters.map(async (p, i) => {
      const mine = [];
      for (let n = 0; posting; n++) {
        const ack = await p.command({ type: 'question.post', text: `Question ${n} from poster ${i} on mutual legal assistance`, lang: 'en' });
        assert.equal(ack.type, 'ack', JSON.stringify(ack));
        acked.push(ack.result.question.id);
        mine.push(ack.result.question.id);
        if (n >= 1) {
          const w = await p.command({ type: 'question.withdraw', question: mine[n - 1] });
          assert.equal(w.type, 'ack');
        }
      }
    });
    const copies = [];
    for (let k = 0; k < 5; k++) {
      // Posting goes on between the copies: a few more acknowledged each time, however slow.
      const from = acked.length;
      await until(() => acked.length >= from + 4, 'posts acknowledged between two copies', { every: 10 });
      const before = [...acked];
      const file = path.join(dir, `copy-${k}.db`);
      const t0 = process.hrtime.bigint();
      const r = await run(['backup', srv.consultation, file, '--data', srv.dataDir]);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^backed up ${srv.consultation} to .*copy-${k}\\.db \\(\\d+ bytes\\)\\n$`));
      assert.match(r.stderr, /is not sealed: this copy holds its pseudonyms/);
      copies.push({ file, before, ms });
    }
    posting = false;
    await Promise.all(loops);
    assert.ok(acked.length >= 20, `only ${acked.length} questions posted during the backups`);

    for (const { file, before, ms } of copies) {
      assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'the copy is readable by its owner alone');
      assert.ok(!fs.existsSync(`${file}.partial`) && !fs.existsSync(`${file}-wal`), 'one self-contained file');
      assert.equal(sql(file, 'PRAGMA integrity_check'), 'ok');
      assert.equal(sql(file, 'PRAGMA journal_mode'), 'delete');
      assert.equal(sql(file, 'PRAGMA foreign_key_check'), '');
      for (const [table, ids] of Object.entries(consultationsByTable(file))) {
        assert.ok(!ids.includes(otherId), `${table} holds rows of the other consultation`);
        assert.ok(ids.every((id) => id === srv.consultation), `${table}: ${ids}`);
      }
      const ids = new Set(sql(file, 'SELECT id FROM question').split('\n').filter(Boolean).map(Number));
      for (const id of before) assert.ok(ids.has(id), `question ${id} was acknowledged before the copy began`);
      assert.equal(sql(file, 'SELECT user_version FROM pragma_user_version'),
        sql(path.join(srv.dataDir, 'roundtable.db'), 'SELECT user_version FROM pragma_user_version'));
      console.log(`backup of ${before.length}+ questions took ${ms.toFixed(0)} ms (command run to exit)`);
    }
    // The live database still holds both consultations.
    assert.equal(sql(path.join(srv.dataDir, 'roundtable.db'), `SELECT count(*) FROM consultation WHERE id IN ('${srv.consultation}', '${otherId}')`), '2');

    // Restore: the last copy served as a database of its own; the old links work, and a
    // participant resumes to the questions it held.
    const last = copies[copies.length - 1];
    const restoreDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-restore-'));
    fs.copyFileSync(last.file, path.join(restoreDir, 'roundtable.db'));
    const expected = Number(sql(last.file, "SELECT count(*) FROM question WHERE state != 'withdrawn'"));
    await srv.stop();
    restored = await startServer({ dataDir: restoreDir });
    const back = await restored.connect(srv.tokens.cochair);
    assert.equal(back.snapshot.consultation.id, srv.consultation);
    const live = back.snapshot.questions.filter((q) => q.state !== 'withdrawn');
    assert.equal(live.length, expected);
    assert.ok(expected > 0);
  } finally {
    await srv.stop();
    if (restored) await restored.stop();
  }
});

test('backup: bad input changes nothing and leaves no file; a sealed consultation is copied without a warning', async () => {
  const srv = await startServer();
  try {
    const dir = fs.mkdtempSync(path.join(srv.dataDir, 'backups-'));
    const file = path.join(dir, 'copy.db');

    let r = await run(['backup', 'no-such-id', file, '--data', srv.dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot back up no-such-id: no such consultation/);
    assert.deepEqual(fs.readdirSync(dir), []);

    r = await run(['backup', srv.consultation, path.join(dir, 'missing', 'copy.db'), '--data', srv.dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot create .*missing\/copy\.db\.partial: No such file or directory/);
    assert.deepEqual(fs.readdirSync(dir), []);

    r = await run(['backup', srv.consultation, '--data', srv.dataDir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /expects a consultation id and a file/);

    // An existing file is replaced only by a complete copy.
    fs.writeFileSync(file, 'an older copy');
    r = await run(['backup', 'no-such-id', file, '--data', srv.dataDir]);
    assert.equal(r.code, 1);
    assert.equal(fs.readFileSync(file, 'utf8'), 'an older copy');

    const alice = await srv.connect(srv.tokens.participant);
    const chair = await srv.connect(srv.tokens.cochair);
    await chair.command({ type: 'clock.start' });
    const q = (await alice.command({ type: 'question.post', text: 'What safeguards apply to data shared across borders?', lang: 'en' })).result.question.id;
    await chair.command({ type: 'question.approve', question: q });
    const sealed = await run(['seal', srv.consultation, '--data', srv.dataDir]);
    assert.equal(sealed.code, 0, sealed.stderr);

    r = await run(['backup', srv.consultation, file, '--data', srv.dataDir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'a sealed consultation needs no warning');
    assert.equal(sql(file, 'SELECT sealed FROM consultation'), '1');
    assert.equal(sql(file, 'SELECT count(*) FROM question WHERE author IS NOT NULL'), '0');
    assert.equal(sql(file, 'SELECT count(*) FROM consultation WHERE secret IS NOT NULL'), '0');
    assert.deepEqual(fs.readdirSync(dir), ['copy.db']);
  } finally {
    await srv.stop();
  }
});
