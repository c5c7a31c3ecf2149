// Interpretation support against the real binary: the floor language (LC-3) set by a co-chair
// or the stage's operator reaches every booth at once, survives a restart, and refuses what
// is not a language of the consultation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';

let srv;
before(async () => {
  srv = await startServer();
});
after(async () => {
  await srv?.stop();
});

test('the floor language reaches every booth and every role within a second', async (t) => {
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
  for (const { m, ms } of heard) {
    assert.equal(m.lang, 'ar');
    assert.equal(m.seq, ack.seq);
    assert.ok(ms < 1000, `heard after ${ms} ms`);
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
  const agenda = { ...(await import('../lib/harness.mjs')).openAgenda, channels: ['fr'] };
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
