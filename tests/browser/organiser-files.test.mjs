// The organiser's files, made in the browser (web-client/lib/csv.js, ics.js): CSV read and
// written by RFC 4180 with formulas kept as text, registrations matched to invitations, a Zoom
// report matched to labels, and calendars checked by a real RFC 5545 parser (ical.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  detectDelimiter, field, mailMerge, normalise, parse, references, table, write, zoomMinutes,
} from '../../web-client/lib/csv.js';
import { calendar, describe, escapeText, fold, icsName, utcStamp, whenLines } from '../../web-client/lib/ics.js';
import { zonedInstant } from '../../web-client/lib/clock.js';

// ical.js (npm) is the reference parser. It is a development dependency of the project; a
// checkout without it fails here with what to do, never passes.
async function icalParser() {
  try {
    return (await import('ical.js')).default;
  } catch (e) {
    assert.fail(`the npm package ical.js is missing (npm install --save-dev ical.js): ${e.message}`);
    return null;
  }
}

test('CSV: quoted fields, doubled quotes, line breaks in a field, CRLF or LF, a BOM', () => {
  const text = '\ufeffRef,Name,Note\r\nREG-1,"Ben Ali, Aïcha","said ""hello""\nthen left"\nREG-2,Zoë,\r\n\r\n';
  assert.deepEqual(parse(text), [
    ['Ref', 'Name', 'Note'],
    ['REG-1', 'Ben Ali, Aïcha', 'said "hello"\nthen left'],
    ['REG-2', 'Zoë', ''],
  ]);
  // Semicolons (spreadsheets in locales with a decimal comma) and tabs are found.
  assert.equal(detectDelimiter('a;b;c\n1;2;3'), ';');
  assert.equal(detectDelimiter('a\tb\n'), '\t');
  assert.deepEqual(parse('a;"b;c"\n1;2'), [['a', 'b;c'], ['1', '2']]);
  // A last line without its line break, and an empty quoted last field.
  assert.deepEqual(parse('x,""'), [['x', '']]);
});

test('CSV: what it writes reads back, and no field is a live formula', () => {
  const rows = [['reference', 'link'], ['=HYPERLINK("http://evil")', '+1'], ['-2', '@SUM(A1)'], ['a,b', 'q"uote'], ['line\nbreak', 'plain']];
  const text = write(rows);
  assert.ok(text.endsWith('\r\n'));
  for (const line of text.split('\r\n')) assert.doesNotMatch(line, /^[=+\-@]|,[=+\-@]/);
  assert.equal(field('=1+1'), '"\'=1+1"');
  assert.equal(field('\tx'), '"\'\tx"');
  assert.equal(field('plain'), 'plain');
  const back = parse(text);
  assert.deepEqual(back[3], ['a,b', 'q"uote']);
  assert.deepEqual(back[4], ['line\nbreak', 'plain']);
  assert.equal(back[1][0], '\'=HYPERLINK("http://evil")');
});

test('mail merge: in order, or by label; what is left over is said', () => {
  const t = table(parse('Ref,Name,Email\nR1,Ann,a@x\nR2,Bob,b@x\n,Blank,\nR3,Cy,c@x\n'));
  const refs = references(t.records, 'Ref');
  assert.deepEqual(refs, ['R1', 'R2', 'R3']);
  const links = [1, 2].map((n) => ({ label: `invitation ${n}`, url: `https://h/c/P/#T${n}` }));
  const inOrder = mailMerge(refs, links);
  assert.deepEqual(inOrder.rows, [['R1', 'https://h/c/P/#T1'], ['R2', 'https://h/c/P/#T2']]);
  assert.deepEqual(inOrder.unmatched, ['R3']);
  assert.equal(inOrder.labelOf.get('R2'), 'invitation 2');
  const byLabel = mailMerge(refs, [{ label: 'R3', url: 'u3' }, { label: 'R9', url: 'u9' }], { byLabel: true });
  assert.deepEqual(byLabel.rows, [['R3', 'u3']]);
  assert.deepEqual(byLabel.unmatched, ['R1', 'R2']);
  assert.equal(byLabel.spare, 1);
});

test('a Zoom report: preamble skipped, matched by e-mail then by name, joins added, capped', () => {
  const report = [
    'Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants',
    '812 3456 7890,Training 3,10/28/2021 11:55:00 AM,10/28/2021 01:35:00 PM,host@x,100,4',
    '',
    'Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest',
    'Aicha Ben Ali (Dr. Aïcha Ben-Ali),,10/28/2021 11:58:00 AM,10/28/2021 12:40:00 PM,42,Yes',
    'Dr. Aïcha Ben-Ali,,10/28/2021 12:45:00 PM,10/28/2021 01:30:00 PM,45,Yes',
    'Robert,BOB@X,10/28/2021 12:00:00 PM,10/28/2021 01:30:00 PM,90,No',
    'Someone Else,,10/28/2021 12:00:00 PM,10/28/2021 12:10:00 PM,10,Yes',
  ].join('\r\n');
  const regs = table(parse('Ref,Full name,E-mail\nR1,Dr. Aïcha Ben-Ali,a@x\nR2,Bob Smith,bob@x\n')).records;
  const labelOf = new Map([['R1', 'invitation 1'], ['R2', 'invitation 2']]);
  const z = zoomMinutes(report, regs, { refColumn: 'Ref', nameColumn: 'Full name', emailColumn: 'E-mail', labelOf, capMinutes: 80 });
  assert.deepEqual([...z.minutes], [['invitation 1', 80], ['invitation 2', 80]]);
  assert.equal(z.unmatched, 1);
  assert.equal(z.lines, 4);
  assert.equal(normalise('  Dr. Aïcha  BEN-ALI '), 'dr aicha ben ali');
});

test('calendar text: escaping, folding at 75 octets without cutting a character, UTC stamps', () => {
  assert.equal(escapeText('a,b;c\\d\ne'), 'a\\,b\\;c\\\\d\\ne');
  assert.equal(utcStamp(Date.UTC(2021, 9, 28, 11, 0, 5)), '20211028T110005Z');
  const long = `DESCRIPTION:${'é'.repeat(60)}`;
  const folded = fold(long);
  for (const line of folded.split('\r\n').filter(Boolean)) assert.ok(Buffer.byteLength(line) <= 75, line);
  assert.equal(folded.replace(/\r\n /g, '').replace(/\r\n$/, ''), long);
  assert.equal(icsName('Training programme', 'session 3'), 'training-programme-session-3.ics');
  assert.equal(icsName('برنامج'), 'calendar.ics');
});

test('a session in every listed zone, as invitations write them', () => {
  const start = zonedInstant('2021-10-28', '12:00', 'Europe/London');
  const end = start + 90 * 60000;
  assert.deepEqual(whenLines(start, end, ['Europe/London', 'Europe/Paris', 'America/New_York', 'Africa/Johannesburg', 'UTC']), [
    'Thu 28 Oct 2021, 12:00\u201313:30 BST',
    'Thu 28 Oct 2021, 13:00\u201314:30 CEST',
    'Thu 28 Oct 2021, 07:00\u201308:30 EDT',
    'Thu 28 Oct 2021, 13:00\u201314:30 SAST',
    'Thu 28 Oct 2021, 11:00\u201312:30 UTC',
  ]);
  // Past midnight in Tokyo: the end's day is said.
  const late = zonedInstant('2021-10-28', '15:30', 'Europe/London');
  assert.deepEqual(whenLines(late, late + 60 * 60000, ['Asia/Tokyo']), ['Thu 28 Oct 2021, 23:30\u2013Fri 29 Oct 00:30 JST']);
});

test('calendars parse with ical.js: one per session and one per programme, alarm, personal link', async () => {
  const ICAL = await icalParser();
  const zones = ['Europe/London', 'America/New_York', 'Africa/Johannesburg'];
  const sessions = [1, 2, 3].map((n) => {
    const start = zonedInstant(`2021-10-${String(13 + n * 5).padStart(2, '0')}`, '12:00', 'Europe/London');
    return { id: `s${n}`, title: `Session ${n}: cooperation, evidence; safeguards`, start, end: start + 90 * 60000 };
  });
  const link = 'https://consult.example.org/c/PROG/#TOKEN_personal-1';
  const events = sessions.map((s) => ({
    uid: `${s.id}@consult.example.org`,
    start: s.start,
    end: s.end,
    summary: s.title,
    description: describe({ programme: 'Training programme — برنامج التدريب', title: s.title, start: s.start, end: s.end, zones, link, personal: true }),
    url: link,
    alarmMinutes: 15,
  }));
  const whole = calendar(events, { stamp: Date.UTC(2021, 9, 1), name: 'Training programme' });
  assert.ok(whole.endsWith('END:VCALENDAR\r\n'));
  for (const line of whole.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, `over 75 octets: ${line}`);
  const cal = new ICAL.Component(ICAL.parse(whole));
  const vevents = cal.getAllSubcomponents('vevent');
  assert.equal(vevents.length, 3);
  vevents.forEach((v, k) => {
    const ev = new ICAL.Event(v);
    assert.equal(ev.uid, `s${k + 1}@consult.example.org`);
    assert.equal(ev.summary, sessions[k].title);
    assert.equal(ev.startDate.toJSDate().getTime(), sessions[k].start);
    assert.equal(ev.endDate.toJSDate().getTime(), sessions[k].end);
    assert.ok(ev.startDate.isUtc || ev.startDate.zone.tzid === 'UTC');
    assert.match(ev.description, /12:00\u201313:30 BST\n.*07:00\u201308:30 EDT\n.*13:00\u201314:30 SAST/);
    assert.ok(ev.description.includes(link));
    assert.ok(ev.description.startsWith('Training programme — برنامج التدريب\n'));
    const alarm = v.getFirstSubcomponent('valarm');
    assert.equal(alarm.getFirstPropertyValue('trigger').toString(), '-PT15M');
    assert.equal(v.getFirstPropertyValue('dtstamp').toString(), '2021-10-01T00:00:00Z');
  });
  // One session on its own, without a personal link.
  const one = calendar([{ ...events[0], description: describe({ title: sessions[0].title, start: sessions[0].start, end: sessions[0].end, zones }), url: '' }]);
  const single = new ICAL.Component(ICAL.parse(one)).getAllSubcomponents('vevent');
  assert.equal(single.length, 1);
  assert.ok(!single[0].getFirstPropertyValue('description').includes('#'));
});
