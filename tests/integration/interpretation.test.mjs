// Interpretation support against the real binary: the floor language (LC-3) set by a co-chair
// or the stage's operator reaches every booth at once, survives a restart, and refuses what
// is not a language of the consultation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer } from '../lib/harness.mjs';

let srv;
before(async () => {
  srv = await startServer();
});
after(async () => {
  await srv?.stop();
});

test('the floor language reaches every booth and every role at once', async (t) => {
  const chair = await srv.connect(srv.tokens.cochair);
  const stage = await srv.connect(srv.tokens.stage);
  const booths = await Promise.all(['ar', 'fr', 'es'].map((l) => srv.connect(srv.tokens.booth[l])));
  const participant = await srv.connect(srv.tokens.participant);
  for (const c of [chair, stage, participant, ...booths]) assert.equal(c.snapshot.consultation.floor_now, 'en');
  // Each booth learns which channel it is; nobody else is told one.
  assert.deepEqual(booths.map((b) => b.snapshot.you.channel), ['ar', 'fr', 'es']);
  for (const c of [chair, stage, participant]) assert.equal(c.snapshot.you.channel, undefined);

  const sent = performance.now();
  const ack = await chair.command({ type: 'floor.set', lang: 'ar' });
  assert.equal(ack.type, 'ack', JSON.stringify(ack));
  const heard = await Promise.all([...booths, participant, stage].map((c) => c.next((m) => m.type === 'floor.changed')
    .then((m) => ({ m, ms: performance.now() - sent }))));
  // How soon is a figure (the product asks for a second), printed rather than asserted: a busy
  // test machine is no measure of it. tests/load measures it.
  for (const { m } of heard) {
    assert.equal(m.lang, 'ar');
    assert.equal(m.seq, ack.seq);
  }
  t.diagnostic(`floor.changed reached 3 booths, a participant and the stage in at most ${Math.max(...heard.map((h) => h.ms)).toFixed(1)} ms`);

  // The language already spoken: acknowledged with no event.
  const again = await chair.command({ type: 'floor.set', lang: 'ar' });
  assert.deepEqual([again.type, again.seq], ['ack', ack.seq]);

  // The stage's operator may set it too; booths and participants may not.
  assert.equal((await stage.command({ type: 'floor.set', lang: 'fr' })).type, 'ack');
  assert.equal((await booths[0].next((m) => m.type === 'floor.changed')).lang, 'fr');
  assert.equal((await booths[0].command({ type: 'floor.set', lang: 'en' })).code, 'auth.forbidden');
  assert.equal((await participant.command({ type: 'floor.set', lang: 'en' })).code, 'auth.forbidden');
  // Not a language code at all, and a field the message does not define.
  const bad = await chair.command({ type: 'floor.set', lang: 'de' });
  assert.deepEqual([bad.code, bad.params], ['protocol.invalid_field', { field: 'lang' }]);
  assert.equal((await chair.command({ type: 'floor.set', lang: 'en', speaker: 'x' })).code, 'protocol.unknown_field');

  // A restart keeps it.
  for (const c of [chair, stage, participant, ...booths]) c.close();
  await srv.kill('SIGKILL');
  await srv.start();
  const after = await srv.connect(srv.tokens.booth.es);
  assert.equal(after.snapshot.consultation.floor_now, 'fr');
  after.close();
});

test('a language the consultation does not offer is refused with language.unknown', async () => {
  const agenda = { ...(await import('../lib/harness.mjs')).openAgenda, channels: ['fr'], listening: {} };
  const small = await startServer({ agenda, invitations: 0 });
  try {
    const chair = await small.connect(small.tokens.cochair);
    const refused = await chair.command({ type: 'floor.set', lang: 'ar' });
    assert.equal(refused.code, 'language.unknown');
    const fresh = await small.connect(small.tokens.cochair);
    assert.equal(fresh.snapshot.consultation.floor_now, 'en');
    assert.equal(fresh.snapshot.seq, chair.snapshot.seq);
    chair.close();
    fresh.close();
  } finally {
    await small.stop();
  }
});

test('a booth signal reaches the co-chairs alone, at once, and is never stored', async (t) => {
  const chairs = [await srv.connect(srv.tokens.cochair), await srv.connect(srv.tokens.cochair)];
  const others = {
    participant: await srv.connect(srv.tokens.participant),
    rapporteur: await srv.connect(srv.tokens.rapporteur),
    stage: await srv.connect(srv.tokens.stage),
    'booth fr': await srv.connect(srv.tokens.booth.fr),
  };
  // A question, as a control: what is stored is found by the scan at the end.
  const control = 'Control question about Article 24 safeguards';
  assert.equal((await others.participant.command({ type: 'question.post', text: control, lang: 'en' })).type, 'ack');
  const booth = await srv.connect(srv.tokens.booth.ar);
  const seq = booth.snapshot.seq;
  const sent = performance.now();
  const ack = await booth.command({ type: 'booth.signal', signal: 'mic_off' });
  assert.deepEqual([ack.type, ack.seq], ['ack', seq], 'a signal takes no seq');
  const heard = await Promise.all(chairs.map((c) => c.next((m) => m.type === 'booth.signalled')));
  const ms = performance.now() - sent;
  for (const m of heard) assert.deepEqual(m, { type: 'booth.signalled', channel: 'ar', signal: 'mic_off' });
  t.diagnostic(`booth.signalled reached two co-chairs ${ms.toFixed(1)} ms after it was sent`);

  // Five more in the minute, then the limit; the French booth is not held back.
  for (const signal of ['slower', 'no_floor_audio', 'need_document', 'slower', 'slower']) {
    assert.equal((await booth.command({ type: 'booth.signal', signal })).type, 'ack');
  }
  const limited = await booth.command({ type: 'booth.signal', signal: 'slower' });
  assert.deepEqual([limited.code, limited.params], ['limit.signal_rate', { max: 6, seconds: 60 }]);
  assert.equal((await others['booth fr'].command({ type: 'booth.signal', signal: 'slower' })).type, 'ack');
  await chairs[0].next((m) => m.type === 'booth.signalled' && m.channel === 'fr');
  // A co-chair connecting later is not told of past signals, and the seq never moved.
  const late = await srv.connect(srv.tokens.cochair);
  assert.equal(late.snapshot.seq, seq);
  // Nobody else heard any of them (nor the late co-chair): an event every role receives,
  // caused after the signals, comes after them; other roles may not send them.
  const barrier = await srv.barrier(chairs[0]);
  for (const [name, c] of Object.entries({ ...others, late })) {
    await assert.doesNotReject(c.nothing((m) => m.type === 'booth.signalled', barrier), `${name} heard a signal`);
  }
  assert.equal((await others.participant.command({ type: 'booth.signal', signal: 'slower' })).code, 'auth.forbidden');
  assert.equal((await chairs[0].command({ type: 'booth.signal', signal: 'slower' })).code, 'auth.forbidden');
  const bad = await booth.command({ type: 'booth.signal', signal: 'slower', note: 'free text' });
  assert.equal(bad.code, 'protocol.unknown_field');

  // Stop the server, then look through every byte it wrote: database, WAL, everything.
  for (const c of [...chairs, ...Object.values(others), booth, late]) c.close();
  await srv.kill('SIGTERM');
  const names = ['mic_off', 'no_floor_audio', 'need_document', 'booth.signal', 'signalled'];
  let controls = 0;
  for (const f of fs.readdirSync(srv.dataDir)) {
    if (f.endsWith('.json')) continue; // the agenda file the test wrote
    const bytes = fs.readFileSync(path.join(srv.dataDir, f));
    for (const n of names) assert.equal(bytes.indexOf(n), -1, `${f} holds "${n}"`);
    if (bytes.indexOf(control) >= 0) controls += 1;
  }
  assert.ok(controls >= 1, 'the scan finds what was stored');
  await srv.start();
});

test('the question selected next reaches the booths and co-chairs before the stage, and lapses when answered', async () => {
  const chair = await srv.connect(srv.tokens.cochair);
  const participant = await srv.connect(srv.tokens.participant);
  const stage = await srv.connect(srv.tokens.stage);
  const rapporteur = await srv.connect(srv.tokens.rapporteur);
  const booths = [await srv.connect(srv.tokens.booth.ar), await srv.connect(srv.tokens.booth.es)];
  const text = 'ما هي الضمانات التي توفرها المادة 24 للصحفيين؟';
  const posted = await participant.command({ type: 'question.post', text, lang: 'ar' });
  const id = posted.result.question.id;
  if (posted.result.question.state === 'pending') {
    assert.equal((await chair.command({ type: 'question.approve', question: id })).type, 'ack');
  }
  const ack = await chair.command({ type: 'question.select_next', question: id });
  assert.deepEqual([ack.type, ack.result.next], ['ack', id]);
  for (const c of [chair, rapporteur, ...booths]) {
    const m = await c.next((x) => x.type === 'question.next');
    assert.deepEqual([m.question.id, m.question.text, m.question.lang], [id, text, 'ar']);
  }
  // A booth connecting now finds it in its snapshot; the stage and participants never do.
  const late = await srv.connect(srv.tokens.booth.fr);
  assert.equal(late.snapshot.consultation.next, id);
  const lateStage = await srv.connect(srv.tokens.stage);
  assert.equal('next' in lateStage.snapshot.consultation, false);
  assert.equal('next' in participant.snapshot.consultation, false);

  // Answering it now: the selection lapses everywhere with no event of its own.
  const now = await chair.command({ type: 'question.answer_now', question: id });
  assert.equal(now.type, 'ack');
  await booths[0].next((m) => m.type === 'question.answering' && m.question === id);
  const after = await srv.connect(srv.tokens.booth.ar);
  assert.equal(after.snapshot.consultation.next, null);
  const refused = await chair.command({ type: 'question.select_next', question: id });
  assert.deepEqual([refused.code, refused.params.state], ['question.wrong_state', 'approved']);
  // The stage and participants never heard of the selection: the answering, after it, reached them.
  for (const c of [participant, stage]) await c.nothing((m) => m.type === 'question.next', now.seq);
  for (const c of [chair, participant, stage, rapporteur, late, lateStage, after, ...booths]) c.close();
});

test('listeners per language: banded for co-chairs (0, fewer than 5, exact) and booths (none, present), never stored', async (t) => {
  const chair = await srv.connect(srv.tokens.cochair);
  const booth = await srv.connect(srv.tokens.booth.ar);
  const rapporteur = await srv.connect(srv.tokens.rapporteur);
  const watcher = await srv.connect(srv.tokens.participant);
  const band = (c) => (c.snapshot.consultation.listeners || {}).ar;
  // 0 listeners.
  assert.deepEqual(band(chair), { band: 'none' });
  assert.deepEqual(band(booth), { band: 'none' });
  for (const c of [rapporteur, watcher]) assert.equal('listeners' in c.snapshot.consultation, false);

  // Each listener is a participant with their own device; the first one changes both views.
  const listeners = [];
  async function join() {
    const p = await srv.connect(srv.tokens.participant);
    const ack = await p.command({ type: 'listening.set', lang: 'ar' });
    assert.deepEqual([ack.type, ack.seq], ['ack', p.snapshot.seq], 'presence takes no seq');
    listeners.push(p);
    return p;
  }
  await join();
  assert.deepEqual((await chair.next((m) => m.type === 'presence.changed')).listeners.ar, { band: 'few' });
  assert.deepEqual((await booth.next((m) => m.type === 'presence.changed')).listeners.ar, { band: 'present' });
  // 3 listeners: still "fewer than 5", and nobody was told anything for the 2nd and 3rd
  // (before an event both receive, caused after the joins).
  await join();
  await join();
  const barrier = await srv.barrier(chair);
  for (const c of [chair, booth]) {
    await assert.doesNotReject(c.nothing((m) => m.type !== 'floor.changed', barrier), 'a change inside a band is not sent');
  }
  const seeAt3 = [await srv.connect(srv.tokens.cochair), await srv.connect(srv.tokens.booth.fr)];
  assert.deepEqual(band(seeAt3[0]), { band: 'few' });
  assert.deepEqual(band(seeAt3[1]), { band: 'present' });

  // A second device of a listener counts once: the same invitation in two tabs.
  const inv = srv.tokens.invitations[0];
  const tabs = [await srv.connect(inv), await srv.connect(inv)];
  for (const tab of tabs) assert.equal((await tab.command({ type: 'listening.set', lang: 'ar' })).type, 'ack');
  // 4 listeners now; then 7.
  for (let i = 0; i < 3; i++) await join();
  // The co-chair's presence events in the order they came, up to the one at 7 listeners.
  const presence = (m) => m.type === 'presence.changed';
  // LC-6: from 5 the co-chairs see a range, never the count: 5-9 at 5, and nothing at 6 or 7.
  let at5;
  do at5 = await chair.next(presence); while (at5.listeners.ar.band !== 'range');
  assert.deepEqual(at5.listeners.ar, { band: 'range', min: 5, max: 9 });
  const at7barrier = await srv.barrier(chair);
  await assert.doesNotReject(chair.nothing(presence, at7barrier), 'a change inside a range is not sent');
  const seeAt7 = await srv.connect(srv.tokens.cochair);
  assert.deepEqual(band(seeAt7), { band: 'range', min: 5, max: 9 });
  t.diagnostic(`co-chairs saw ${JSON.stringify(seeAt3[0].snapshot.consultation.listeners.ar)} at 3 listeners and ${JSON.stringify(band(seeAt7))} at 7`);

  // Closing both tabs of the two-tab listener takes one off; choosing none takes another; then
  // down to 4 listeners: the co-chairs' band holds for a minute after the count fell below it
  // (the drop itself is the core's unit test, where time is a parameter).
  tabs[0].close();
  await tabs[0].closed;
  tabs[1].close();
  await tabs[1].closed;
  for (const p of listeners.slice(0, 3)) assert.equal((await p.command({ type: 'listening.set', lang: null })).type, 'ack');
  const at4 = await srv.barrier(chair);
  await assert.doesNotReject(chair.nothing(presence, at4), 'one departure does not move the band at once');
  assert.deepEqual(band(await srv.connect(srv.tokens.cochair)), { band: 'range', min: 5, max: 9 });

  // Bad input: a language not in the list, not a language, other roles.
  assert.equal((await listeners[1].command({ type: 'listening.set', lang: 'de' })).code, 'protocol.invalid_field');
  assert.equal((await booth.command({ type: 'listening.set', lang: 'ar' })).code, 'auth.forbidden');
  assert.equal((await chair.command({ type: 'listening.set', lang: 'ar' })).code, 'auth.forbidden');

  // Participants, the rapporteur and the stage never hear of presence.
  const last = await srv.barrier(chair);
  for (const c of [watcher, rapporteur, ...listeners]) await c.nothing(presence, last);

  // Nothing of it is in the database: no table or column speaks of presence, and no row
  // holds a choice (the sqlite3 shell reads the file the server wrote).
  const all = [chair, booth, rapporteur, watcher, ...listeners, ...seeAt3, seeAt7];
  for (const c of all) c.close();
  await srv.kill('SIGTERM');
  const dump = await sqliteDump(path.join(srv.dataDir, 'roundtable.db'));
  assert.doesNotMatch(dump.schema, /presence|listener|session/i, 'no table or column for presence');
  assert.doesNotMatch(dump.rows, /listening\.set|presence/i);
  assert.match(dump.rows, /INSERT INTO question/, 'the dump does show what is stored');
  await srv.start();
});

// The schema and every row of a SQLite file, read by the sqlite3 command-line shell.
async function sqliteDump(file) {
  const { execFileSync } = await import('node:child_process');
  const schema = execFileSync('sqlite3', [file, '.schema'], { encoding: 'utf8' });
  const rows = execFileSync('sqlite3', [file, '.dump'], { encoding: 'utf8' });
  return { schema, rows };
}

test('each language\'s listening instructions from the agenda reach every role in the snapshot', async () => {
  const agenda = { ...(await import('../lib/harness.mjs')).openAgenda, channels: ['ar', 'fr'],
    listening: { ar: { zoom_channel: 'العربية', note: 'Phone-only listeners hear the floor only.' }, en: { note: 'Keep Original audio.' } } };
  const small = await startServer({ agenda, invitations: 0 });
  try {
    for (const token of [small.tokens.participant, small.tokens.stage, small.tokens.booth.ar]) {
      const c = await small.connect(token);
      assert.deepEqual(c.snapshot.consultation.listening, agenda.listening);
      c.close();
    }
  } finally {
    await small.stop();
  }
  // A language the consultation does not offer is an error with its path.
  const bad = { ...agenda, listening: { es: { zoom_channel: 'Spanish' } } };
  await assert.rejects(startServer({ agenda: bad, invitations: 0 }), /listening\.es: must be the floor or one of the channels/);
});
