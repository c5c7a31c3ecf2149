// seal.test.mjs — what the seal leaves (CHR-5), with the real binary and the real SQLite file:
// no text of a question the room never saw (a pending question merged away included), no kept
// ack (the seal's own included), no attendance outside a programme; and every snapshot after
// it valid against the protocol's schema, listing only questions with text, the moderators'
// with the counts of the others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer } from '../lib/harness.mjs';
import { schemaErrors } from '../lib/schemas.mjs';

function sql(db, query) {
  return execFileSync('sqlite3', [db, query], { encoding: 'utf8' }).trim();
}

const ok = (r) => assert.equal(r.type, 'ack', JSON.stringify(r));

test('the seal leaves no unpublished text, no kept ack, no attendance; sealed snapshots are valid', async () => {
  const srv = await startServer({ invitations: 3, keepData: true });
  const db = path.join(srv.dataDir, 'roundtable.db');
  try {
    const chair = await srv.connect(srv.tokens.cochair);
    const [a, b] = [await srv.connect(srv.tokens.invitations[0]), await srv.connect(srv.tokens.invitations[1])];
    for (const p of [a, b]) ok(await p.command({ type: 'rule.accept' }));
    ok(await chair.command({ type: 'clock.start' }));
    const post = async (p, text) => {
      const r = await p.command({ type: 'question.post', text, lang: 'en' });
      ok(r);
      return r.result.question;
    };
    // QA-1: the implicit bidi marks go like every other bidi control.
    const marked = await post(a, 'Kept a\u200eb\u200fc\u061cd');
    assert.equal(marked.text, 'Kept abcd');
    const merged = await post(b, 'SEAL-MERGED-PENDING-5d1e: a duplicate');
    await post(a, 'SEAL-PENDING-3b9a: never moderated');
    const rejected = await post(b, 'SEAL-REJECTED-0c47: off topic');
    const withdrawn = await post(b, 'SEAL-WITHDRAWN-e812: taken back');
    ok(await chair.command({ type: 'question.approve', question: marked.id }));
    ok(await chair.command({ type: 'question.merge', question: merged.id, into: marked.id }));
    ok(await chair.command({ type: 'question.reject', question: rejected.id }));
    ok(await b.command({ type: 'question.withdraw', question: withdrawn.id }));
    const canaries = ['SEAL-MERGED-PENDING-5d1e', 'SEAL-PENDING-3b9a', 'SEAL-REJECTED-0c47', 'SEAL-WITHDRAWN-e812'];
    assert.equal(sql(db, `SELECT count(*) FROM question WHERE text LIKE 'SEAL-%'`), '4', 'before the seal the texts are stored');
    assert.ok(Number(sql(db, 'SELECT count(*) FROM receipt')) > 0, 'before the seal acks are kept');

    const rapporteur = await srv.connect(srv.tokens.rapporteur);
    const counts = { pending: 1, rejected: 1, withdrawn: 1, merged: 1 };
    ok(await chair.command({ type: 'consultation.seal', id: 'seal-once' }));
    // The moderators hear what went, counted; participants hear only that it is sealed.
    for (const m of [chair, rapporteur]) {
      const sealed = await m.next((x) => x.type === 'consultation.sealed');
      assert.deepEqual(sealed.unpublished, counts);
    }
    assert.equal((await a.next((x) => x.type === 'consultation.sealed')).unpublished, undefined);
    // The seal's own ack is not kept: a retry learns the consultation is sealed.
    assert.equal(sql(db, 'SELECT count(*) FROM receipt'), '0');
    assert.equal((await chair.command({ type: 'consultation.seal', id: 'seal-once' })).code, 'consultation.sealed');
    // Outside a programme, connected time per invitation goes with the seal, and stays gone.
    assert.equal(sql(db, 'SELECT count(*) FROM attendance'), '0');

    // Every role's snapshot after the seal: valid, only questions with text, counts for moderators.
    const roles = {
      cochair: srv.tokens.cochair,
      rapporteur: srv.tokens.rapporteur,
      participant: srv.tokens.invitations[2],
      booth: srv.tokens.booth.ar,
    };
    for (const [role, token] of Object.entries(roles)) {
      const c = await srv.connect(token);
      const snap = c.snapshot;
      assert.equal(schemaErrors('snapshot', snap), null, `${role}: ${schemaErrors('snapshot', snap)}`);
      assert.equal(snap.consultation.sealed, true);
      assert.ok(snap.questions.every((q) => q.text.length > 0), role);
      assert.deepEqual(snap.questions.map((q) => q.id), [marked.id], role);
      const text = JSON.stringify(snap);
      for (const canary of canaries) assert.ok(!text.includes(canary), `${role} snapshot: ${canary}`);
      if (role === 'cochair' || role === 'rapporteur') assert.deepEqual(snap.consultation.unpublished, counts, role);
      else assert.equal(snap.consultation.unpublished, undefined, role);
      c.close();
    }
    assert.deepEqual(srv.violations, []);
    await srv.stop();
    // After the server stopped (and saved what it held): still nothing.
    assert.equal(sql(db, 'SELECT count(*) FROM attendance'), '0');
    assert.equal(sql(db, 'SELECT count(*) FROM receipt'), '0');
    const files = fs.readdirSync(srv.dataDir).filter((f) => f.startsWith('roundtable.db'));
    for (const f of files) {
      const bytes = fs.readFileSync(path.join(srv.dataDir, f));
      for (const canary of canaries) assert.equal(bytes.indexOf(Buffer.from(canary)), -1, `${canary} in ${f}`);
    }
    assert.equal(sql(db, `SELECT text FROM question WHERE id = ${merged.id}`), '');
    assert.equal(sql(db, `SELECT text FROM question WHERE id = ${marked.id}`), 'Kept abcd');
  } finally {
    if (srv.proc.exitCode === null) await srv.stop();
    fs.rmSync(srv.dataDir, { recursive: true, force: true });
  }
});
