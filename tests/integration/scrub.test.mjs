// scrub.test.mjs — the identifying-detail scrubber over the protocol (CHR-6): the moderators'
// "may_identify" hint reaches co-chairs and rapporteurs and nobody else (not participants, the
// stage, the booths nor the question's own author), from events, acks and snapshots, after an
// edit and after a restart; placeholders are written in the question's language; links split
// or disguised, and spreadsheet formulas, are refused like any link; and every export is named
// after the consultation, its date and its kind (EX-2), over the protocol and the command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, run, openAgenda } from '../lib/harness.mjs';

const NAMED = 'Ambassador Petrova of the Ruritanian delegation said so. I work at Access Now in Tunis: what about Article 24?';
const PLAIN = 'How will the treaty protect security researchers who report vulnerabilities?';
const hasHint = (q) => Object.hasOwn(q, 'may_identify');

test('may_identify reaches co-chairs and rapporteurs only, and follows the text', async () => {
  const srv = await startServer();
  try {
    const chair = await srv.connect(srv.tokens.cochair);
    const rapporteur = await srv.connect(srv.tokens.rapporteur);
    const author = await srv.connect(srv.tokens.invitations[0]);
    const other = await srv.connect(srv.tokens.invitations[1]);
    const booth = await srv.connect(srv.tokens.booth.ar);
    const stage = await srv.connect(srv.tokens.stage);
    const everyone = [chair, rapporteur, author, other, booth, stage];

    // Posted: the author's ack and events carry no hint; the moderators' do.
    const posted = await author.command({ type: 'question.post', text: NAMED, lang: 'en' });
    assert.equal(posted.type, 'ack', JSON.stringify(posted));
    const named = posted.result.question.id;
    assert.ok(!hasHint(posted.result.question), 'the author is not told');
    for (const m of [chair, rapporteur]) {
      const ev = await m.next((e) => e.type === 'question.posted' && e.question.id === named);
      assert.equal(ev.question.may_identify, true);
    }
    const plain = (await other.command({ type: 'question.post', text: PLAIN, lang: 'en' })).result.question.id;
    const plainEv = await chair.next((e) => e.type === 'question.posted' && e.question.id === plain);
    assert.ok(!hasHint(plainEv.question), 'a plain question has no hint');

    // Approved: everyone sees it; only the moderators see the hint.
    const approved = await chair.command({ type: 'question.approve', question: named });
    assert.equal(approved.type, 'ack');
    assert.equal(approved.result.question.may_identify, true, "the co-chair's ack has it");
    for (const c of everyone) {
      if (c === chair) continue;
      const ev = await c.next((e) => e.type === 'question.approved' && e.question.id === named);
      assert.equal(hasHint(ev.question), c === rapporteur, `${c === author ? 'author' : c === other ? 'participant' : c === booth ? 'booth' : c === stage ? 'stage' : 'rapporteur'}`);
    }
    // The question selected next: the booths read it, without the hint.
    const next = await chair.command({ type: 'question.select_next', question: named });
    assert.equal(next.type, 'ack', JSON.stringify(next));
    const boothNext = await booth.next((e) => e.type === 'question.next' && e.question?.id === named);
    assert.ok(!hasHint(boothNext.question));
    const chairNext = await chair.next((e) => e.type === 'question.next' && e.question?.id === named);
    assert.equal(chairNext.question.may_identify, true);

    // Snapshots: the moderators' hold it, nobody else's.
    const snaps = {
      cochair: await srv.connect(srv.tokens.cochair),
      rapporteur: await srv.connect(srv.tokens.rapporteur),
      author: await srv.connect(srv.tokens.invitations[0]),
      participant: await srv.connect(srv.tokens.participant),
      booth: await srv.connect(srv.tokens.booth.fr),
      stage: await srv.connect(srv.tokens.stage),
    };
    for (const [role, c] of Object.entries(snaps)) {
      const q = c.snapshot.questions.find((x) => x.id === named);
      assert.ok(q, `${role} sees the approved question`);
      assert.equal(hasHint(q), role === 'cochair' || role === 'rapporteur', role);
      if (q.may_identify !== undefined) assert.equal(q.may_identify, true);
    }

    // An edit that takes the name out takes the hint away; one that puts a name in adds it.
    const edited = await chair.command({ type: 'question.edit', question: named, text: 'What about Article 24?' });
    assert.equal(edited.type, 'ack', JSON.stringify(edited));
    assert.ok(!hasHint(edited.result.question));
    const named2 = await chair.command({ type: 'question.edit', question: plain, text: `As Dr. Amina Yusuf asked: ${PLAIN}` });
    assert.equal(named2.result.question.may_identify, true);
    const ev = await rapporteur.next((e) => e.type === 'question.edited' && e.question.id === plain);
    assert.equal(ev.question.may_identify, true);
    const mine = await other.next((e) => e.type === 'question.edited' && e.question.id === plain);
    assert.ok(!hasHint(mine.question), 'the author of the edited question is not told');

    // A restart replays the events: the hint is worked out again from the text.
    await srv.restart();
    const chair2 = await srv.connect(srv.tokens.cochair);
    const byId = Object.fromEntries(chair2.snapshot.questions.map((q) => [q.id, q]));
    assert.ok(!hasHint(byId[named]));
    assert.equal(byId[plain].may_identify, true);
    const p2 = await srv.connect(srv.tokens.invitations[1]);
    assert.ok(p2.snapshot.questions.every((q) => !hasHint(q)), "a participant's snapshot never has it");
  } finally {
    await srv.stop();
  }
});

test('placeholders in the question\'s language; split and disguised links are refused as links', async () => {
  const srv = await startServer({ invitations: 4 });
  try {
    // One participant per stored question: each may have only so many open at once (QA-7).
    const people = await Promise.all(srv.tokens.invitations.map((t) => srv.connect(t)));
    let turn = 0;
    const post = (text, lang, extra = {}) =>
      people[extra.placeholders ? turn++ : 0].command({ type: 'question.post', text, lang, ...extra });

    const ar = 'راسلوني على amina@example.org أو اتصلوا بي على ٠٥٥٥١٢٣٤٥٦ بشأن المادة ٢٤';
    const caught = await post(ar, 'ar');
    assert.equal(caught.code, 'text.identifying');
    assert.deepEqual(caught.params.found.map((f) => f.placeholder), ['[بريد إلكتروني]', '[هاتف]']);
    const placed = await post(ar, 'ar', { placeholders: true });
    assert.equal(placed.result.question.text, 'راسلوني على [بريد إلكتروني] أو اتصلوا بي على [هاتف] بشأن المادة ٢٤');
    const fr = await post('Écrivez-moi : amina@example.org', 'fr', { placeholders: true });
    assert.equal(fr.result.question.text, 'Écrivez-moi : [courriel]');
    const es = await post('Nuestro informe: https://example.org/informe', 'es', { placeholders: true });
    assert.equal(es.result.question.text, 'Nuestro informe: [enlace]');

    // A formula that builds a link from pieces, and links in disguise.
    const formula = '=HYPERLINK("http"&"s://evil.example/x")';
    const refused = await post(formula, 'en');
    assert.equal(refused.code, 'text.identifying');
    assert.deepEqual(refused.params.found, [{ kind: 'url', text: formula, placeholder: '[link]' }]);
    for (const text of ['See hxxps://evil.example.org/x', 'See evil[.]example[.]org', 'See evil(dot)org please',
      'See "ht"&"tps://evil.example.org/x"', 'See https : // evil.example.org/x']) {
      const r = await post(text, 'en');
      assert.equal(r.code, 'text.identifying', text);
      assert.deepEqual(r.params.found.map((f) => f.kind), ['url'], text);
    }
    const inArabic = await post(formula, 'ar', { placeholders: true });
    assert.equal(inArabic.result.question.text, '[رابط]');
  } finally {
    await srv.stop();
  }
});

test('exports are named after the consultation, its date and their kind', async () => {
  const srv = await startServer({ agenda: { ...openAgenda, date: '2026-12-03' } });
  try {
    const chair = await srv.connect(srv.tokens.cochair);
    const rapporteur = await srv.connect(srv.tokens.rapporteur);
    const base = 'engaging-civil-society-in-the-fight-against-2026-12-03';
    for (const format of ['md', 'html', 'csv', 'json']) {
      const doc = await rapporteur.command({ type: 'report.export', format });
      assert.equal(doc.filename, `${base}-report-draft.${format}`);
    }
    // The command line's --output: a folder gets the usual name, the same bytes as stdout.
    const dir = fs.mkdtempSync(path.join(srv.dataDir, 'out-'));
    const saved = await run(['export', srv.consultation, '--data', srv.dataDir, '--format', 'csv', '--lang', 'ar', '--output', dir], { encoding: 'buffer' });
    assert.equal(saved.code, 0, String(saved.stderr));
    assert.equal(saved.stdout.length, 0, 'nothing on standard output');
    assert.deepEqual(fs.readdirSync(dir), [`${base}-report-draft.csv`]);
    const out = await run(['export', srv.consultation, '--data', srv.dataDir, '--format', 'csv', '--lang', 'ar'], { encoding: 'buffer' });
    assert.equal(fs.readFileSync(path.join(dir, `${base}-report-draft.csv`)).compare(out.stdout), 0);

    assert.equal((await chair.command({ type: 'consultation.seal' })).type, 'ack');
    await rapporteur.next((m) => m.type === 'consultation.sealed');
    // Sealed, the report is still a draft until the rapporteurs finalise it (EX-7).
    assert.equal((await rapporteur.command({ type: 'report.export', format: 'md' })).filename, `${base}-report-draft.md`);
    assert.equal((await rapporteur.command({ type: 'report.finalise' })).type, 'ack');
    const md = await rapporteur.command({ type: 'report.export', format: 'md' });
    assert.equal(md.filename, `${base}-report.md`);
    const file = path.join(dir, 'chosen.md');
    const named = await run(['export', srv.consultation, '--data', srv.dataDir, '--output', file]);
    assert.equal(named.code, 0, named.stderr);
    assert.equal(fs.readFileSync(file, 'utf8'), md.content, 'a file name is used as given');
    const bad = await run(['export', srv.consultation, '--data', srv.dataDir, '--output', path.join(dir, 'no', 'such', 'x.md')]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /cannot write/);

    // The attendance sheet of a programme.
    const programme = {
      format: 'roundtable.programme.v1',
      title: 'Cybercrime treaty: training for civil society',
      attendance: { percent: 50, certificate_sessions: 1 },
      session_defaults: { timezone: 'UTC', floor: 'en', channels: ['ar'], premoderation: false },
      sessions: [{ title: 'Session 1', date: '2026-11-02', segments: [{ title: 'Session 1', kind: 'panel', start: '10:00', duration: 60, questions: true, rule: 'chatham_house' }] }],
    };
    const pfile = path.join(srv.dataDir, 'programme.json');
    fs.writeFileSync(pfile, JSON.stringify(programme));
    const made = await run(['programme', 'new', pfile, '--data', srv.dataDir, '--base-url', srv.baseUrl]);
    assert.equal(made.code, 0, made.stderr);
    const pid = made.stdout.match(/^Roundtable programme (\w+):/m)[1];
    const sheet = await run(['programme', 'attendance', pid, '--csv', '--data', srv.dataDir, '--output', dir]);
    assert.equal(sheet.code, 0, sheet.stderr);
    const name = 'cybercrime-treaty-training-for-civil-society-2026-11-02-attendance.csv';
    assert.ok(fs.existsSync(path.join(dir, name)), fs.readdirSync(dir).join(', '));
    assert.match(fs.readFileSync(path.join(dir, name), 'utf8'), /^invitation,session 1,sessions attended,certificate\r\n/);
  } finally {
    await srv.stop();
  }
});
