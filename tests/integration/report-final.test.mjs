// report-final.test.mjs — the report after the seal (EX-7), with the real binary and real
// WebSocket clients: the seal freezes what participants and co-chairs did, while the rapporteurs
// go on writing notes, themes, report marks and summaries on what the seal kept; every export
// says it is a draft until a rapporteur finalises the report; then nothing in the workspace
// changes, a restart keeps it so, and every export says FINAL and is the same bytes each time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, startServer } from '../lib/harness.mjs';

const FORMATS = ['md', 'html', 'csv', 'json'];
const BASE = 'engaging-civil-society-in-the-fight-against';

async function cliExport(srv, format) {
  const r = await run(['export', srv.consultation, '--data', srv.dataDir, '--format', format], { encoding: 'buffer' });
  assert.equal(r.code, 0, String(r.stderr));
  return r.stdout;
}

// What each format says the report is: "draft" or "final" (its banner, CSV's status row, JSON's
// status), and that it says nothing of the other.
function status(format, content) {
  if (format === 'json') return JSON.parse(content).status;
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (format === 'csv') {
    assert.equal(lines[0], '"section","segment","item","theme","kind","label","value"');
    const row = lines[2];
    assert.match(row, /^"report","","","","","Status","/, 'the status follows the title');
    return /"Final: /.test(row) ? 'final' : /"Draft: /.test(row) ? 'draft' : row;
  }
  if (format === 'md') {
    assert.match(lines[0], /^# /);
    return lines[2].startsWith('**Final: ') ? 'final' : lines[2].startsWith('**Draft: ') ? 'draft' : lines[2];
  }
  const m = /<\/h1>\n<p class="(draft|final)">(Draft|Final): /.exec(content);
  assert.ok(m, 'the HTML says what it is under its title');
  assert.equal(m[1], m[2].toLowerCase());
  return m[1];
}

async function exportAll(srv, who, want) {
  const docs = {};
  for (const format of FORMATS) {
    const doc = await who.command({ type: 'report.export', format });
    assert.equal(doc.type, 'report.document', JSON.stringify(doc).slice(0, 200));
    assert.equal(status(format, doc.content), want, `${format} says ${want}`);
    assert.equal(doc.filename, `${BASE}-${want === 'final' ? 'report' : 'report-draft'}.${format}`);
    assert.equal(Buffer.from(doc.content, 'utf8').compare(await cliExport(srv, format)), 0, `${format}: the command line's bytes`);
    docs[format] = doc.content;
  }
  return docs;
}

test('after the seal the rapporteurs finish the report, then finalise it; final survives a restart', async () => {
  const srv = await startServer();
  try {
    const chair = await srv.connect(srv.tokens.cochair);
    const r1 = await srv.connect(srv.tokens.rapporteur);
    const r2 = await srv.connect(srv.tokens.rapporteur);
    const p = await srv.connect(srv.tokens.participant);
    assert.equal(r1.snapshot.consultation.final, false);
    const kept = (await p.command({ type: 'question.post', text: 'How will victims be supported across borders?', lang: 'en' })).result.question.id;
    const gone = (await p.command({ type: 'question.post', text: 'A question the co-chairs reject', lang: 'en' })).result.question.id;
    await chair.command({ type: 'question.approve', question: kept });
    await chair.command({ type: 'question.reject', question: gone });
    // Before the seal: a draft without counts, and nothing to finalise yet.
    await exportAll(srv, r1, 'draft');
    assert.equal((await r1.command({ type: 'report.finalise' })).code, 'report.not_sealed');

    assert.equal((await chair.command({ type: 'consultation.seal' })).type, 'ack');
    await r1.next((m) => m.type === 'consultation.sealed');

    // Participants and co-chairs: everything refused, as before.
    assert.equal((await p.command({ type: 'question.vote', question: kept })).code, 'consultation.sealed');
    assert.equal((await p.command({ type: 'question.post', text: 'Too late', lang: 'en' })).code, 'consultation.sealed');
    assert.equal((await chair.command({ type: 'question.answer', question: kept })).code, 'consultation.sealed');
    assert.equal((await chair.command({ type: 'segment.close', segment: 0 })).code, 'consultation.sealed');
    assert.equal((await chair.command({ type: 'report.finalise' })).code, 'auth.forbidden');

    // The rapporteurs: notes, themes, report marks and summaries, seen by each other.
    let ack = await r1.command({ type: 'note.set', segment: 0, text: 'Written after the seal.', version: 0 });
    assert.deepEqual(ack.result.note, { segment: 0, text: 'Written after the seal.', version: 1 });
    assert.deepEqual((await r2.next((m) => m.type === 'note.changed')).note, ack.result.note);
    assert.equal((await r2.command({ type: 'question.tag', question: kept, theme: 'Victims' })).type, 'ack');
    assert.equal((await r1.next((m) => m.type === 'question.tagged')).theme, 'Victims');
    assert.equal((await r2.command({ type: 'report.include', question: kept, included: true })).type, 'ack');
    // What the seal deleted stays deleted: nothing attaches to it.
    assert.equal((await r1.command({ type: 'question.tag', question: gone, theme: 'x' })).code, 'question.not_found');
    assert.equal((await r1.command({ type: 'report.include', question: gone, included: true })).code, 'question.not_found');
    const save = { type: 'paraphrase.save', id: 'after-seal-1', paraphrase: null, segment: 0, theme: 'Victims', text: 'Participants asked about support for victims.', included: true };
    const para = (await r1.command(save)).result.paraphrase;
    assert.equal(para.id, 1);
    // PL-3: a retry after the seal is answered with its kept ack and applied once.
    const retry = await r1.command(save);
    assert.deepEqual(retry.result.paraphrase, para);
    const extra = (await r2.command({ type: 'paraphrase.save', paraphrase: null, segment: 0, theme: '', text: 'To delete', included: false })).result.paraphrase;
    assert.equal(extra.id, 2, 'the retry made no second summary');
    assert.equal((await r2.command({ type: 'paraphrase.delete', paraphrase: 2 })).type, 'ack');

    // Sealed but not final: every format says draft, with counts now.
    const drafts = await exportAll(srv, r1, 'draft');
    assert.match(drafts.md, /upvotes: 0/);
    assert.equal(JSON.parse(drafts.json).privacy.sealed, true);
    assert.match(drafts.md, /Written after the seal\./);
    assert.match(drafts.md, /Participants asked about support for victims\./);

    // Finalise: the co-chairs and the other rapporteur hear of it, nothing else changes after.
    ack = await r2.command({ type: 'report.finalise' });
    assert.equal(ack.type, 'ack');
    const fin = await chair.next((m) => m.type === 'report.finalised');
    assert.equal(fin.seq, ack.seq);
    await r1.next((m) => m.type === 'report.finalised');
    const refused = [
      { type: 'note.set', segment: 0, text: 'Too late', version: 1 },
      { type: 'question.tag', question: kept, theme: 'Other' },
      { type: 'report.include', question: kept, included: false },
      { type: 'paraphrase.save', paraphrase: 1, segment: 0, theme: '', text: 'Too late', included: true },
      { type: 'paraphrase.delete', paraphrase: 1 },
      { type: 'report.finalise' },
    ];
    for (const cmd of refused) assert.equal((await r1.command(cmd)).code, 'report.final', cmd.type);
    assert.equal((await chair.command({ type: 'question.answer', question: kept })).code, 'consultation.sealed');
    const finals = await exportAll(srv, r1, 'final');
    for (const format of FORMATS) {
      const again = await chair.command({ type: 'report.export', format });
      assert.equal(again.content, finals[format], `${format}: the same bytes each time`);
    }
    assert.doesNotMatch(finals.md, /Draft|Too late/);

    // A restart keeps the report final, and its bytes.
    await srv.restart();
    const back = await srv.connect(srv.tokens.rapporteur);
    assert.equal(back.snapshot.consultation.final, true);
    assert.equal(back.snapshot.consultation.workspace.notes[0].text, 'Written after the seal.');
    const chairBack = await srv.connect(srv.tokens.cochair);
    assert.equal(chairBack.snapshot.consultation.final, true);
    assert.equal((await back.command({ type: 'note.set', segment: 0, text: 'Too late', version: 1 })).code, 'report.final');
    const after = await exportAll(srv, back, 'final');
    assert.deepEqual(after, finals, 'byte-stable across a restart');
  } finally {
    await srv.stop();
  }
});
