// report.test.mjs — the rapporteurs' workspace and the report (EX-1..EX-6), with the real binary
// and real WebSocket clients: notes with conflict detection, themes, report marks and summaries
// reach every rapporteur and nobody else; the report downloaded over the protocol is byte for
// byte the one the command line writes; a co-chair's seal gives the draft its counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, startServer } from '../lib/harness.mjs';

async function cliExport(srv, format, lang) {
  const args = ['export', srv.consultation, '--data', srv.dataDir, '--format', format];
  if (lang) args.push('--lang', lang);
  const r = await run(args, { encoding: 'buffer' });
  assert.equal(r.code, 0, String(r.stderr));
  return r.stdout;
}

test('the rapporteurs\' workspace: notes, themes, report marks and summaries, live between rapporteurs', async () => {
  const srv = await startServer();
  try {
    const r1 = await srv.connect(srv.tokens.rapporteur);
    const r2 = await srv.connect(srv.tokens.rapporteur);
    const chair = await srv.connect(srv.tokens.cochair);
    const p = await srv.connect(srv.tokens.participant);
    const ws = r1.snapshot.consultation.workspace;
    assert.equal(ws.notes.length, r1.snapshot.consultation.segments.length);
    assert.deepEqual(ws.notes[1], { segment: 1, text: '', version: 0 });
    assert.equal('workspace' in chair.snapshot.consultation, false, 'co-chairs have no workspace');
    assert.equal('workspace' in p.snapshot.consultation, false);

    // A note, then a conflicting save from a rapporteur who started from the old version.
    let ack = await r1.command({ type: 'note.set', segment: 1, text: 'Speakers compared regional frameworks.', version: 0 });
    assert.deepEqual(ack.result.note, { segment: 1, text: 'Speakers compared regional frameworks.', version: 1 });
    const seen = await r2.next((m) => m.type === 'note.changed');
    assert.deepEqual(seen.note, ack.result.note);
    const stale = await r2.command({ type: 'note.set', segment: 1, text: 'Something else', version: 0 });
    assert.deepEqual([stale.code, stale.params], ['note.conflict', { segment: 1, version: 1 }]);
    ack = await r2.command({ type: 'note.set', segment: 1, text: 'Speakers compared regional frameworks.\nAnd capacity.', version: 1 });
    assert.equal(ack.result.note.version, 2);
    // The same text again changes nothing; a note may be cleared.
    const same = await r2.command({ type: 'note.set', segment: 1, text: 'Speakers compared regional frameworks.\nAnd capacity.', version: 2 });
    assert.deepEqual([same.type, same.result.note.version], ['ack', 2]);
    assert.equal((await r1.command({ type: 'note.set', segment: 9, text: 'x', version: 0 })).code, 'segment.not_found');
    // Identifying detail in a note is caught like in a question.
    const mail = await r1.command({ type: 'note.set', segment: 1, text: 'Contact: someone@example.org', version: 2 });
    assert.equal(mail.code, 'text.identifying');
    const placed = await r1.command({ type: 'note.set', segment: 1, text: 'Contact: someone@example.org', version: 2, placeholders: true });
    assert.equal(placed.result.note.text, 'Contact: [email]');

    // Themes and report marks: only live or answered questions go into the report.
    const q1 = (await p.command({ type: 'question.post', text: 'How will Article 24 apply?', lang: 'en' })).result.question.id;
    const q2 = (await p.command({ type: 'question.post', text: 'What about capacity building?', lang: 'en' })).result.question.id;
    const notYet = await r1.command({ type: 'report.include', question: q1, included: true });
    assert.deepEqual([notYet.code, notYet.params.state], ['report.not_eligible', 'pending']);
    await chair.command({ type: 'question.approve', question: q1 });
    assert.equal((await r1.command({ type: 'question.tag', question: q1, theme: '  Safeguards  ' })).type, 'ack');
    const tagged = await r2.next((m) => m.type === 'question.tagged');
    assert.deepEqual([tagged.question, tagged.theme, tagged.included], [q1, 'Safeguards', false]);
    assert.equal((await r1.command({ type: 'report.include', question: q1, included: true })).type, 'ack');
    const included = await r2.next((m) => m.type === 'report.changed');
    assert.deepEqual([included.question, included.included], [q1, true]);
    assert.equal((await r1.command({ type: 'question.tag', question: q1, theme: 'a\nb' })).code, 'protocol.invalid_field');
    assert.equal((await r1.command({ type: 'question.tag', question: 999, theme: 'x' })).code, 'question.not_found');

    // Summaries: written, rewritten, deleted.
    ack = await r1.command({ type: 'paraphrase.save', paraphrase: null, segment: 1, theme: 'Capacity', text: 'Participants asked for technical assistance.', included: true });
    const para = ack.result.paraphrase;
    assert.deepEqual(para, { id: 1, segment: 1, theme: 'Capacity', text: 'Participants asked for technical assistance.', included: true });
    assert.deepEqual((await r2.next((m) => m.type === 'paraphrase.saved')).paraphrase, para);
    ack = await r2.command({ type: 'paraphrase.save', paraphrase: 1, segment: 1, theme: 'Capacity building', text: 'Participants asked for technical assistance.', included: true });
    assert.equal(ack.result.paraphrase.theme, 'Capacity building');
    const extra = (await r1.command({ type: 'paraphrase.save', paraphrase: null, segment: 1, theme: '', text: 'To delete', included: false })).result.paraphrase;
    assert.equal(extra.id, 2);
    assert.equal((await r2.command({ type: 'paraphrase.delete', paraphrase: 2 })).type, 'ack');
    assert.equal((await r1.next((m) => m.type === 'paraphrase.deleted')).paraphrase, 2);
    assert.equal((await r2.command({ type: 'paraphrase.delete', paraphrase: 2 })).code, 'paraphrase.not_found');
    assert.equal((await r1.command({ type: 'paraphrase.save', paraphrase: 7, segment: 1, theme: '', text: 'x', included: true })).code, 'paraphrase.not_found');

    // None of it reaches co-chairs or participants (before an event both receive, caused after
    // it all); nor can they do it.
    const barrier = await srv.barrier(chair);
    for (const c of [chair, p]) {
      await c.nothing((m) => ['note.changed', 'question.tagged', 'report.changed', 'paraphrase.saved', 'paraphrase.deleted'].includes(m.type), barrier);
      assert.equal((await c.command({ type: 'note.set', segment: 1, text: 'x', version: 0 })).code, 'auth.forbidden');
    }
    assert.equal((await p.command({ type: 'report.export', format: 'md' })).code, 'auth.forbidden');

    // The workspace survives a restart.
    await srv.restart();
    const back = await srv.connect(srv.tokens.rapporteur);
    const w = back.snapshot.consultation.workspace;
    assert.equal(w.notes[1].text, 'Contact: [email]');
    assert.equal(w.notes[1].version, 3);
    assert.deepEqual(w.questions, [{ question: q1, theme: 'Safeguards', included: true }]);
    assert.deepEqual(w.paraphrases.map((x) => [x.id, x.theme]), [[1, 'Capacity building']]);
    void q2;
  } finally {
    await srv.stop();
  }
});

test('the report over the protocol is the command line\'s, byte for byte; sealing gives it counts', async () => {
  const srv = await startServer();
  try {
    const chair = await srv.connect(srv.tokens.cochair);
    const rapporteur = await srv.connect(srv.tokens.rapporteur);
    const people = await Promise.all([1, 2, 3, 4, 5, 6].map(() => srv.connect(srv.tokens.participant)));
    const q = (await people[0].command({ type: 'question.post', text: 'How will victims be supported across borders?', lang: 'en' })).result.question.id;
    const q2 = (await people[1].command({ type: 'question.post', text: '¿Y los periodistas?', lang: 'es' })).result.question.id;
    for (const id of [q, q2]) await chair.command({ type: 'question.approve', question: id });
    for (const pp of people.slice(1)) await pp.command({ type: 'question.vote', question: q });
    await people[2].command({ type: 'question.vote', question: q2 });
    for (const id of [q, q2]) {
      await rapporteur.command({ type: 'question.tag', question: id, theme: 'Victims' });
      await rapporteur.command({ type: 'report.include', question: id, included: true });
    }
    for (const format of ['md', 'html', 'csv', 'json']) {
      const doc = await rapporteur.command({ type: 'report.export', format });
      assert.equal(doc.type, 'report.document', JSON.stringify(doc).slice(0, 200));
      assert.equal(doc.filename, `engaging-civil-society-in-the-fight-against-report-draft.${format}`);
      assert.ok(doc.media_type.endsWith('charset=utf-8'));
      assert.equal(Buffer.from(doc.content, 'utf8').compare(await cliExport(srv, format)), 0, `${format}: same bytes`);
      assert.doesNotMatch(doc.content, /upvotes: |fewer than/, 'a draft has no counts');
    }
    const fr = await chair.command({ type: 'report.export', format: 'md', lang: 'fr' });
    assert.equal(Buffer.from(fr.content).compare(await cliExport(srv, 'md', 'fr')), 0);
    assert.match(fr.content, /Projet\u00A0: cette consultation/);

    // The co-chair seals; the report gets its counts, with those under 5 hidden.
    const sealed = await chair.command({ type: 'consultation.seal' });
    assert.equal(sealed.type, 'ack');
    await rapporteur.next((m) => m.type === 'consultation.sealed');
    const md = await rapporteur.command({ type: 'report.export', format: 'md' });
    assert.equal(md.filename, 'engaging-civil-society-in-the-fight-against-report-draft.md', 'a draft until finalised');
    assert.match(md.content, /How will victims be supported across borders\? \*\(question; upvotes: 5\)\*/);
    assert.match(md.content, /¿Y los periodistas\? \*\(question; upvotes: fewer than 5\)\*/);
    assert.match(md.content, /Participants who accepted the Rule: 6/);
    assert.equal(Buffer.from(md.content).compare(await cliExport(srv, 'md')), 0);
    const json = JSON.parse((await rapporteur.command({ type: 'report.export', format: 'json' })).content);
    assert.equal(json.status, 'draft');
    assert.equal(json.privacy.sealed, true);
    assert.deepEqual(json.segments[0].items.map((i) => i.upvotes), [5, { fewer_than: 5 }]);
    assert.equal(json.privacy.k, 5);
    // Bad requests: a clear error, nothing sent.
    assert.equal((await rapporteur.command({ type: 'report.export', format: 'pdf' })).code, 'protocol.invalid_field');
    const bad = await run(['export', srv.consultation, '--data', srv.dataDir, '--k', '1']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--k must be a number from 2 to 100/);
    const none = await run(['export', 'nosuchthing', '--data', srv.dataDir]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no such consultation/);
  } finally {
    await srv.stop();
  }
});
