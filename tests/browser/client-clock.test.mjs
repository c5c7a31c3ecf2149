// The web client's clock arithmetic (web-client/lib/clock.js): the offset from several round
// trips, the countdown and its phases, and agenda times in the event's zone and the viewer's,
// across daylight-saving changes. Fed the protocol's own examples and agendas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repo, schemaErrors } from '../lib/schemas.mjs';
import {
  OffsetEstimate, SYNC_SAMPLES, agendaRows, bothZones, formatTime, zoneAbbreviation, dayIn, elapsedMs, formatDifference, formatRemaining,
  msToNextChange, phaseOf, remainingMs, shownSeconds, zoneOffsetMs, zonedInstant,
} from '../../web-client/lib/clock.js';
import { initialState, reduce } from '../../web-client/lib/state.js';

const read = (...p) => JSON.parse(fs.readFileSync(path.join(repo, ...p), 'utf8'));
const example = (type, name) => read('protocol', 'examples', type, name);
const utc = (y, mo, d, h, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);

test('the offset comes from the round trip with the smallest delay', () => {
  // The server is 90 s ahead. Trips are slow and lopsided except one short, even one.
  const truth = 90000;
  const trips = [[40, 5], [3, 120], [2, 2], [60, 60], [15, 1]];
  assert.equal(trips.length, SYNC_SAMPLES);
  const est = new OffsetEstimate();
  let t0 = 1_700_000_000_000;
  for (const [up, down] of trips) {
    est.sample(t0, t0 + up + down, t0 + up + truth);
    t0 += 1000;
  }
  assert.equal(est.best.rtt, 4);
  assert.equal(est.offset, truth);
  assert.equal(est.error, 2);
  // A lopsided best trip is off by at most half its round trip.
  const one = new OffsetEstimate();
  one.sample(0, 100, 90000 + 90);
  assert.ok(Math.abs(one.offset - truth) <= one.error, `${one.offset} within ${one.error} of ${truth}`);
  // A client clock stepped backwards mid-trip gives no sample.
  const back = new OffsetEstimate();
  back.sample(1000, 900, 5000);
  assert.equal(back.offset, null);
});

test('remaining time while running, paused and idle, from the protocol examples', () => {
  const running = example('agenda.clock', 'valid-running.json').clock;
  assert.equal(remainingMs(running, running.started_at), 2100000);
  assert.equal(remainingMs(running, running.started_at + 60000), 2040000);
  assert.equal(elapsedMs(running, running.started_at + 60000), 60000);
  const paused = example('agenda.clock', 'valid-paused.json').clock;
  // Paused, the server's time does not matter.
  assert.equal(remainingMs(paused, 0), 2400000 - 754000);
  assert.equal(remainingMs(paused, Date.now()), 2400000 - 754000);
  assert.equal(remainingMs({ state: 'idle', segment: 0, started_at: null, elapsed_ms: 0, allotted_ms: 60000 }, 5), null);
  assert.equal(remainingMs(undefined, 5), null);
  // Past the end, the remaining time is negative.
  assert.equal(remainingMs(running, running.started_at + 2100000 + 65000), -65000);
});

test('two clients skewed by ±90 s show the same countdown once each has its offset', () => {
  const clock = example('agenda.clock', 'valid-running.json').clock;
  const server = clock.started_at + 754321;
  const shown = [-90000, 90000, 0].map((skew) => {
    const est = new OffsetEstimate();
    const local = server - skew; // this client's clock reads `skew` behind the server's
    est.sample(local - 3, local + 3, server);
    return formatRemaining(remainingMs(clock, local + est.offset));
  });
  assert.deepEqual(shown, ['22:26', '22:26', '22:26']);
});

test('phases: normal, warning at warning_minutes, overrun below zero; a zero warning never warns', () => {
  const settings = { warning_minutes: 2, close_questions_minutes: 0 };
  assert.equal(phaseOf(null, settings), null);
  assert.equal(phaseOf(120001, settings), 'normal');
  assert.equal(phaseOf(120000, settings), 'warning');
  assert.equal(phaseOf(0, settings), 'warning');
  assert.equal(phaseOf(-1, settings), 'overrun');
  assert.equal(phaseOf(60000, { warning_minutes: 0 }), 'normal');
  assert.equal(phaseOf(299000, { warning_minutes: 5 }), 'warning');
  assert.equal(phaseOf(100000, undefined), 'warning', 'the default is two minutes');
});

test('the countdown reads 0:00 only at the end and counts overrun up from +0:00', () => {
  assert.equal(formatRemaining(1500), '0:02');
  assert.equal(formatRemaining(1000), '0:01');
  assert.equal(formatRemaining(1), '0:01');
  assert.equal(formatRemaining(0), '0:00');
  assert.equal(formatRemaining(-999), '+0:00');
  assert.equal(formatRemaining(-1000), '+0:01');
  assert.equal(formatRemaining(-754000), '+12:34');
  assert.equal(formatRemaining(3723000), '1:02:03');
  assert.equal(formatRemaining(null), '');
  assert.equal(shownSeconds(59001), 60);
  // The next change of what is shown: when 1500 becomes 1000 (0:02 → 0:01), when -999 becomes
  // -1000 (+0:00 → +0:01).
  assert.equal(msToNextChange(1500), 500);
  assert.equal(msToNextChange(1000), 1000);
  assert.equal(msToNextChange(-999), 1);
  assert.equal(msToNextChange(-1000), 1000);
  assert.equal(formatDifference(200000), '+3:20');
  assert.equal(formatDifference(-120000), '\u22122:00');
  assert.equal(formatDifference(400), '0:00');
});

test('agenda times in the event zone and the viewer zone (12:00 BST / 13:00 CEST)', () => {
  const noon = zonedInstant('2021-10-12', '12:00', 'Europe/London');
  assert.equal(noon, utc(2021, 10, 12, 11));
  assert.deepEqual(bothZones(noon, 'Europe/London', 'Europe/Paris', 'en-GB', noon), { event: '12:00 BST', viewer: '13:00 CEST' });
  // The same wall clock under another zone name is shown once.
  assert.deepEqual(bothZones(noon, 'Europe/London', 'Europe/London', 'en-GB', noon), { event: '12:00 BST', viewer: null });
  assert.equal(bothZones(noon, 'Europe/London', 'Europe/Dublin', 'en-GB').viewer, null);
  // Half-hour zones and the other side of the date line.
  assert.equal(bothZones(noon, 'Europe/London', 'Asia/Kolkata', 'en-GB', noon).viewer, '16:30 IST');
  assert.equal(zonedInstant('2021-10-13', '08:00', 'Pacific/Auckland'), utc(2021, 10, 12, 19));
  assert.equal(zonedInstant('2021-10-12', '07:00', 'America/New_York'), utc(2021, 10, 12, 11));
  assert.equal(dayIn(utc(2021, 10, 12, 23, 30), 'Europe/London'), '2021-10-13');
  assert.equal(dayIn(utc(2021, 10, 12, 23, 30), 'America/New_York'), '2021-10-12');
});

test('a planned time says its day when it is not the viewer\'s today, and names its zone as invitations do', () => {
  // 21:00 in New York is 10:00 the next morning in Tokyo.
  const nine = zonedInstant('2026-06-10', '21:00', 'America/New_York');
  const sameDay = zonedInstant('2026-06-10', '12:00', 'Asia/Tokyo');
  const z = bothZones(nine, 'America/New_York', 'Asia/Tokyo', 'en-GB', sameDay);
  assert.equal(z.event, '21:00 EDT');
  assert.equal(z.viewer, 'Thu 11 Jun 10:00 JST');
  // The evening before in Tokyo, the viewer's own line needs no date; New York's does.
  const eve = zonedInstant('2026-06-11', '08:00', 'Asia/Tokyo');
  assert.deepEqual(bothZones(nine, 'America/New_York', 'Asia/Tokyo', 'en-GB', eve), { event: 'Wed 10 Jun 21:00 EDT', viewer: '10:00 JST' });
  // Abbreviations where Intl only gives GMT+n, and in every language.
  const june = Date.UTC(2026, 5, 10, 12);
  assert.equal(zoneAbbreviation(june, 'Africa/Johannesburg'), 'SAST');
  assert.equal(zoneAbbreviation(june, 'America/New_York'), 'EDT');
  assert.equal(zoneAbbreviation(june, 'Europe/London'), 'BST');
  assert.equal(zoneAbbreviation(Date.UTC(2026, 0, 10), 'Europe/London'), 'GMT');
  assert.equal(zoneAbbreviation(june, 'Europe/Paris'), 'CEST');
  assert.equal(zoneAbbreviation(june, 'UTC'), 'UTC');
  assert.match(formatTime(june, 'Africa/Johannesburg', 'ar'), /SAST$/);
});

test('daylight-saving changes: a skipped time is taken after the change, a repeated one the first time', () => {
  // London springs forward at 01:00 UTC on 28 March 2021: 01:30 does not exist.
  assert.equal(zonedInstant('2021-03-28', '01:30', 'Europe/London'), utc(2021, 3, 28, 1, 30));
  assert.equal(zonedInstant('2021-03-28', '00:30', 'Europe/London'), utc(2021, 3, 28, 0, 30));
  assert.equal(zonedInstant('2021-03-28', '03:00', 'Europe/London'), utc(2021, 3, 28, 2));
  // And falls back at 01:00 UTC on 31 October 2021: 01:30 happens twice.
  assert.equal(zonedInstant('2021-10-31', '01:30', 'Europe/London'), utc(2021, 10, 31, 0, 30));
  assert.equal(zonedInstant('2021-10-31', '02:00', 'Europe/London'), utc(2021, 10, 31, 2));
  // Sydney's change is in the other half of the year.
  assert.equal(zonedInstant('2021-10-03', '12:00', 'Australia/Sydney'), utc(2021, 10, 3, 1));
  assert.equal(zoneOffsetMs(utc(2021, 7, 1, 0), 'Australia/Sydney'), 10 * 3600000);
  // A week apart across London's change, the Paris viewer still sees one hour's difference.
  for (const day of ['2021-03-24', '2021-03-31']) {
    const at = zonedInstant(day, '12:00', 'Europe/London');
    assert.match(bothZones(at, 'Europe/London', 'Europe/Paris', 'en-GB', at).viewer, /^13:00/);
  }
  // New York changes two weeks before London: that week, London noon is 08:00 there, not 07:00.
  const gap = zonedInstant('2021-03-17', '12:00', 'Europe/London');
  assert.match(bothZones(gap, 'Europe/London', 'America/New_York', 'en-GB', gap).viewer, /^08:00/);
});

test('planned against actual for every segment, live for the one running', () => {
  const snap = example('snapshot', 'valid-cochair.json');
  const c = { ...snap.consultation, date: '2021-10-18' };
  const now = c.clock.started_at + 2000000; // 200 s past the 30 allotted minutes
  const rows = agendaRows(c, now);
  assert.equal(rows.length, c.segments.length);
  assert.equal(rows[0].plannedStart, zonedInstant('2021-10-18', c.segments[0].start, 'Europe/London'));
  assert.equal(rows[0].actualStart, c.timing[0].started_at);
  assert.equal(rows[0].actualMs, c.timing[0].elapsed_ms);
  assert.equal(rows[0].differenceMs, c.timing[0].elapsed_ms - c.segments[0].duration * 60000);
  assert.equal(rows[1].live, true);
  assert.equal(rows[1].actualMs, 2000000);
  assert.equal(rows[1].differenceMs, 2000000 - c.segments[1].duration * 60000);
  assert.equal(rows[1].allottedMs, c.clock.allotted_ms);
  for (const r of rows.slice(2)) {
    assert.equal(r.actualStart, null);
    assert.equal(r.actualMs, null);
    assert.equal(r.differenceMs, null);
  }
  // Without a date in the agenda and no day given, no planned instant is invented.
  const undated = agendaRows({ ...snap.consultation, date: undefined }, now);
  assert.equal(undated[0].plannedStart, null);
  assert.notEqual(agendaRows({ ...snap.consultation, date: undefined }, now, '2021-10-18')[0].plannedStart, null);
});

test('the training programme: eight dated sessions at noon in London, 13:00 in Paris', () => {
  const agenda = read('protocol', 'agendas', 'training-programme.json');
  const c = { ...agenda, clock: { state: 'idle' }, timing: [] };
  const rows = agendaRows(c, Date.now());
  assert.equal(rows.length, 8);
  const days = new Set();
  for (const r of rows) {
    const z = bothZones(r.plannedStart, 'Europe/London', 'Europe/Paris', 'en-GB', r.plannedStart);
    assert.match(z.event, /^12:00 /);
    assert.match(z.viewer, /^13:00 /);
    days.add(dayIn(r.plannedStart, 'Europe/London'));
  }
  assert.equal(days.size, 8);
});

test('the reducer takes agenda.clock whole; a stale one changes nothing', () => {
  const snap = example('snapshot', 'valid-cochair.json');
  let s = reduce(initialState, snap);
  const ev = { ...example('agenda.clock', 'valid-paused.json'), seq: snap.seq + 1 };
  assert.equal(schemaErrors('agenda.clock', ev), null);
  s = reduce(s, ev);
  assert.deepEqual(s.consultation.clock, ev.clock);
  assert.deepEqual(s.consultation.timing, ev.timing);
  assert.equal(s.seq, ev.seq);
  const stale = reduce(s, { ...example('agenda.clock', 'valid-running.json'), seq: ev.seq });
  assert.equal(stale, s);
});
