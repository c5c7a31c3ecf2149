// The list of speakers (FLOOR-1) against the real binary, with real WebSocket clients:
// participants ask for the floor in a language and get a ticket, never a name; they see their
// place and can withdraw; co-chairs call (the floor language follows, and the booths knew the
// language before the call), skip, close and reopen; the timer is the server's; nothing of a
// ticket is in the database, before the seal or after it, only counts for the report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, openAgenda } from '../lib/harness.mjs';

const ok = (r) => assert.equal(r.type, 'ack', JSON.stringify(r));
const sql = (db, q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();
const speakersAgenda = {
  ...openAgenda,
  segments: openAgenda.segments.map((s, i) => (i === 0 ? { ...s, speaking_minutes: 3 } : s)),
};
const changed = (m) => m.type === 'speakers.changed';

test('request, place, withdraw, call, skip, close and reopen, the timer, and counts only after the seal', async (t) => {
  const srv = await startServer({ agenda: speakersAgenda, invitations: 6, keepData: true });
  const db = path.join(srv.dataDir, 'roundtable.db');
  try {
    const chair = await srv.connect(srv.tokens.cochair);
    const stage = await srv.connect(srv.tokens.stage);
    const boothFr = await srv.connect(srv.tokens.booth.fr);
    const boothAr = await srv.connect(srv.tokens.booth.ar);
    const [a, b, c, d] = await Promise.all([0, 1, 2, 3].map((i) => srv.connect(srv.tokens.invitations[i])));
    for (const x of [chair, stage, boothFr, a]) {
      assert.deepEqual(x.snapshot.consultation.speakers,
        { closed: [], current: null, queue: [] });
    }
    assert.equal(chair.snapshot.consultation.segments[0].speaking_minutes, 3);
    assert.equal(chair.snapshot.consultation.segments[1].speaking_minutes, undefined);

    // A ticket, never a name; the booths see its language at once.
    const ra = await a.command({ type: 'speaker.request', lang: 'ar' });
    ok(ra);
    assert.equal(ra.result.ticket, 1);
    const seenByBooth = await boothFr.next((m) => changed(m) && m.seq === ra.seq);
    assert.deepEqual(seenByBooth.speakers.queue, [{ ticket: 1, lang: 'ar' }]);
    // The topic is the co-chairs' only.
    const rb = await b.command({ type: 'speaker.request', lang: 'en', topic: 1 });
    ok(rb);
    assert.equal(rb.result.ticket, 2);
    assert.deepEqual((await chair.next((m) => changed(m) && m.seq === rb.seq)).speakers.queue,
      [{ ticket: 1, lang: 'ar' }, { ticket: 2, lang: 'en', topic: 1 }]);
    const bSees = await b.next((m) => changed(m) && m.seq === rb.seq);
    assert.deepEqual(bSees.speakers.queue, [{ ticket: 1, lang: 'ar' }, { ticket: 2, lang: 'en' }]);
    assert.equal(bSees.speakers.queue.findIndex((s) => s.ticket === rb.result.ticket) + 1, 2); // "2nd in line"
    assert.equal(JSON.stringify(bSees).includes('author'), false);

    // One request at a time; bad input changes nothing.
    assert.equal((await a.command({ type: 'speaker.request', lang: 'fr' })).code, 'speaker.already');
    assert.equal((await c.command({ type: 'speaker.request', lang: 'de' })).code, 'protocol.invalid_field');
    assert.equal((await c.command({ type: 'speaker.request', lang: 'fr', topic: 9 })).code, 'segment.not_found');
    assert.equal((await c.command({ type: 'speaker.request', lang: 'fr', name: 'X' })).code, 'protocol.unknown_field');
    assert.equal((await c.command({ type: 'speaker.withdraw' })).code, 'speaker.not_found');
    assert.equal((await c.command({ type: 'speaker.call' })).code, 'auth.forbidden');
    assert.equal((await chair.command({ type: 'speaker.request', lang: 'en' })).code, 'auth.forbidden');
    assert.equal((await boothAr.command({ type: 'speakers.close' })).code, 'auth.forbidden');
    assert.equal((await chair.command({ type: 'speaker.skip', ticket: 99 })).code, 'speaker.not_found');

    // A participant on another device of their own sees their ticket in the snapshot.
    const bAgain = await srv.connect(srv.tokens.invitations[1]);
    assert.equal(bAgain.snapshot.you.ticket, 2);
    bAgain.close();

    // The call: the speaker has the floor, the timer starts on the server's clock, and the
    // floor language follows (LC-3), after the booths saw the language coming.
    const before = Date.now();
    const call = await chair.command({ type: 'speaker.call' });
    ok(call);
    assert.equal(call.result.ticket, 1);
    const called = await boothAr.next((m) => changed(m) && m.speakers.current);
    const floor = await boothAr.next((m) => m.type === 'floor.changed');
    assert.equal(floor.lang, 'ar');
    assert.ok(called.seq < floor.seq, 'the list changes before the floor');
    assert.equal(floor.seq, call.seq);
    assert.deepEqual(called.speakers.queue, [{ ticket: 2, lang: 'en' }]);
    assert.equal(called.speakers.current.ticket, 1);
    assert.equal(called.speakers.current.lang, 'ar');
    assert.ok(called.speakers.current.called_at >= before - 1000 && called.speakers.current.called_at <= Date.now() + 1000);
    assert.equal((await a.next((m) => changed(m) && m.speakers.current)).speakers.current.ticket, ra.result.ticket);
    assert.equal((await stage.next((m) => m.type === 'floor.changed')).lang, 'ar');

    // Withdraw from the queue; a new request gets the next number.
    ok(await b.command({ type: 'speaker.withdraw' }));
    assert.deepEqual((await chair.next((m) => changed(m) && m.speakers.queue.length === 0)).speakers.current.ticket, 1);
    const rb2 = await b.command({ type: 'speaker.request', lang: 'fr' });
    assert.equal(rb2.result.ticket, 3);
    // A skip takes a ticket off the list; the co-chair may call a ticket by number.
    const rc = await c.command({ type: 'speaker.request', lang: 'es' });
    assert.equal(rc.result.ticket, 4);
    ok(await chair.command({ type: 'speaker.skip', ticket: 3, id: 'skip-three' }));
    // PL-3: the same id for another ticket is another command.
    assert.equal((await chair.command({ type: 'speaker.skip', ticket: 4, id: 'skip-three' })).code, 'command.id_reused');
    const callC = await chair.command({ type: 'speaker.call', ticket: 4 });
    assert.equal(callC.result.ticket, 4);
    assert.equal((await boothFr.next((m) => m.type === 'floor.changed' && m.seq === callC.seq)).lang, 'es');
    // Calling the next one with nobody waiting.
    assert.equal((await chair.command({ type: 'speaker.call' })).code, 'speaker.not_found');
    // The speaker who has the floor ends their own turn.
    ok(await c.command({ type: 'speaker.withdraw' }));
    assert.equal((await chair.next((m) => changed(m) && !m.speakers.current)).speakers.current, null);

    // Close and reopen the list of the segment; those already on it keep their place.
    const rd = await d.command({ type: 'speaker.request', lang: 'en' });
    ok(rd);
    const closed = await chair.command({ type: 'speakers.close' });
    ok(closed);
    assert.deepEqual((await a.next((m) => changed(m) && m.seq === closed.seq)).speakers.closed, [0]);
    const refused = await a.command({ type: 'speaker.request', lang: 'ar' });
    assert.deepEqual([refused.code, refused.params], ['speakers.closed', { segment: 0 }]);
    const again = await chair.command({ type: 'speakers.close' });
    assert.deepEqual([again.type, again.seq], ['ack', closed.seq]); // nothing to change
    ok(await chair.command({ type: 'speakers.open' }));
    const ra2 = await a.command({ type: 'speaker.request', lang: 'ar' });
    assert.equal(ra2.result.ticket, 6);
    const snap = await srv.connect(srv.tokens.cochair);
    assert.deepEqual(snap.snapshot.consultation.speakers.queue.map((s) => s.ticket), [5, 6]);
    snap.close();
    const call2 = await chair.command({ type: 'speaker.call' });
    assert.equal(call2.result.ticket, 5);
    assert.equal((await boothAr.next((m) => m.type === 'floor.changed' && m.seq === call2.seq)).lang, 'en');

    // A restart empties the list (memory only) and never gives a number twice.
    for (const x of srv.clients) x.close();
    await srv.kill('SIGKILL');
    await srv.start();
    const chair2 = await srv.connect(srv.tokens.cochair);
    assert.deepEqual(chair2.snapshot.consultation.speakers, { closed: [], current: null, queue: [] });
    const e = await srv.connect(srv.tokens.invitations[4]);
    assert.equal((await e.command({ type: 'speaker.request', lang: 'fr' })).result.ticket, 7);

    ok(await chair2.command({ type: 'consultation.seal' }));
    await e.next((m) => m.type === 'consultation.sealed');
    const sealed = await srv.connect(srv.tokens.cochair);
    assert.deepEqual(sealed.snapshot.consultation.speakers.queue, []);
    assert.equal(sealed.snapshot.consultation.speakers.current, null);
    assert.equal((await chair2.command({ type: 'speaker.call' })).code, 'consultation.sealed');
    sealed.close();

    // The report: interventions requested and taken, by segment and by language, never crossed,
    // with the small counts suppressed as the questions' are (EX-4).
    const first = speakersAgenda.segments[0].title;
    const md = (await chair2.command({ type: 'report.export', format: 'md' })).content;
    assert.match(md, new RegExp(`### Interventions requested by segment\\n\\n\\| Segment \\| Interventions \\|\\n\\| --- \\| ---: \\|\\n\\| ${first} \\| 7 \\|`));
    assert.match(md, /### Interventions requested by language\n\n\| Languages \| Interventions \|\n[^#]*\| Arabic \| fewer than 5 \|/);
    assert.match(md, /### Interventions taken by segment\n\nNot published: too few interventions to protect\./);
    assert.match(md, /Interventions requested by language: 4 shown as fewer than 5/);
    const json = JSON.parse((await chair2.command({ type: 'report.export', format: 'json' })).content);
    const byLang = JSON.stringify(json).match(/"interventions_requested_by_language":(\{[^}]*\}[^\]]*\][^}]*\})/);
    assert.ok(byLang, 'the JSON report has the table');
    assert.deepEqual(JSON.parse(byLang[1]).cells.map((c) => c.interventions), [{ fewer_than: 5 }, { fewer_than: 5 }, { fewer_than: 5 }, { fewer_than: 5 }]);
    assert.match(JSON.stringify(json), /"interventions_taken_by_language":null/);
    const csv = (await chair2.command({ type: 'report.export', format: 'csv' })).content;
    assert.match(csv, new RegExp(`"interventions_requested_by_segment","${first}",[^\\n]*"Interventions","7"`));
    const html = (await chair2.command({ type: 'report.export', format: 'html', lang: 'ar' })).content;
    assert.match(html, /<h3>المداخلات المطلوبة حسب الفقرة<\/h3>/);
    for (const doc of [md, csv, html, JSON.stringify(json)]) assert.doesNotMatch(doc, /ticket|speaker \d/i);
    for (const x of srv.clients) x.close();
    await srv.stop();
    // In the database (read once the server has stopped): counts per segment and language.
    const counts = sql(db, 'SELECT segment, lang, requested, taken FROM speaker_count ORDER BY lang');
    assert.equal(counts, ['0|ar|2|1', '0|en|2|1', '0|es|1|1', '0|fr|2|0'].join('\n'));
    const columns = sql(db, "SELECT group_concat(name) FROM pragma_table_info('speaker_count')");
    assert.equal(columns, 'consultation,segment,lang,requested,taken');
    // No table has a ticket; the file holds no ticket's trace beyond the counts.
    const tables = sql(db, "SELECT group_concat(m.name || '.' || p.name) FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'");
    assert.equal(/ticket|speaker\b/i.test(tables), false, tables);
    t.diagnostic(`speaker_count after the seal: ${sql(db, 'SELECT count(*) FROM speaker_count')} rows`);
  } finally {
    await srv.stop();
    fs.rmSync(srv.dataDir, { recursive: true, force: true });
  }
});
