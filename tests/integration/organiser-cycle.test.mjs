// organiser-cycle.test.mjs — the invitation cycle with the real binary and the real SQLite file:
// a single consultation's priority groups, mail-merge links as CSV, minutes imported from
// another record and corrections with their audit trail (all or nothing, by label only), the
// programme's report (export PROGRAMME_ID) with its small-count suppression, and calendars.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { demoAgenda, run, startServer } from '../lib/harness.mjs';

const sql = (db, query) => execFileSync('sqlite3', [db, query], { encoding: 'utf8' }).trim();
const tokenOf = (url) => url.slice(url.indexOf('#') + 1).split('.')[0];
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-cycle-'));

async function ok(args) {
  const r = await run(args);
  assert.equal(r.code, 0, `roundtable ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// Two sessions today (UTC), one segment of two minutes each, in London's time zone.
function programmeFile() {
  const today = new Date().toISOString().slice(0, 10);
  const session = (n) => ({
    title: `Session ${n}; evidence, safeguards`,
    date: today,
    segments: [{ title: `Session ${n}`, kind: 'panel', start: '09:00', duration: 2, questions: true, rule: 'chatham_house' }],
  });
  return {
    format: 'roundtable.programme.v1',
    title: 'Two short sessions',
    attendance: { percent: 50, certificate_sessions: 2 },
    session_defaults: { timezone: 'Europe/London', floor: 'en', channels: ['ar', 'fr'], premoderation: false, limits: { new_devices_per_minute: 0, work_bits: 0 } },
    sessions: [session(1), session(2)],
  };
}

test('a single consultation lists priority groups; a programme session may not', async () => {
  const data = tmp();
  const file = path.join(data, 'agenda.json');
  fs.writeFileSync(file, JSON.stringify({ ...demoAgenda, priority: ['civil_society', 'academia'] }));
  const made = await ok(['new', file, '--data', data, '--json']);
  const id = JSON.parse(made).consultation;
  await ok(['invitations', id, '--seats', '1', '--add', 'R1', '--data', data]);
  await ok(['invitations', id, '--add', 'R2', '--group', 'academia', '--data', data]);
  await ok(['invitations', id, '--add', 'R3', '--group', 'civil_society', '--data', data]);
  assert.match(await ok(['invitations', id, '--list', '--data', data]), /waiting list, in order:\n {2}1\. R3 \(civil_society\)\n {2}2\. R2 \(academia\)/);
  const badGroup = await run(['invitations', id, '--add', 'R4', '--group', 'press', '--data', data]);
  assert.equal(badGroup.code, 2);
  assert.match(badGroup.stderr, /one of the priority groups: civil_society academia/);
  // Bad groups are refused at their place, and nothing is created.
  fs.writeFileSync(file, JSON.stringify({ ...demoAgenda, priority: ['Civil Society', 'academia', 'academia'] }));
  const bad = await run(['new', file, '--data', data]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /priority\[0\]: must be a group name/);
  assert.match(bad.stderr, /priority\[2\]: is listed twice/);
  assert.equal(sql(path.join(data, 'roundtable.db'), 'SELECT count(*) FROM consultation'), '1');
  const prog = programmeFile();
  prog.sessions[1].priority = ['academia'];
  fs.writeFileSync(file, JSON.stringify(prog));
  const inSession = await run(['programme', 'new', file, '--data', data]);
  assert.equal(inSession.code, 1);
  assert.match(inSession.stderr, /sessions\[1\]\.priority: belongs to the programme/);
});

test('mail merge, imported minutes, corrections, the audit, the programme report and calendars', { timeout: 120000 }, async () => {
  const srv = await startServer();
  try {
    const data = srv.dataDir;
    const file = path.join(data, 'programme.json');
    fs.writeFileSync(file, JSON.stringify(programmeFile()));
    const made = await ok(['programme', 'new', file, '--base-url', srv.baseUrl, '--data', data]);
    const pid = made.match(/^Roundtable programme (\w+):/m)[1];
    const sessions = [...made.matchAll(/^ {2}session \d: \S+ 09:00 Europe\/London {2}(\w+) /gm)].map((m) => m[1]);
    assert.equal(sessions.length, 2, made);
    const cochair = tokenOf(made.match(/^ {2}cochair: +(\S+)$/m)[1]);

    // Links as CSV for a mail merge, printed once; asking for them again is refused.
    const labels = ['REG-1', 'REG-2', 'REG-3', 'REG-4', 'REG-5', 'REG-6', '=HYPERLINK("x")'];
    const csv = await ok(['invitations', pid, ...labels.flatMap((l) => ['--add', l]), '--csv', '--base-url', srv.baseUrl, '--data', data]);
    const lines = csv.split('\r\n').filter(Boolean);
    assert.equal(lines[0], 'label,link');
    assert.equal(lines.length, 8);
    assert.ok(lines.includes(`"'=HYPERLINK(""x"")",${lines.find((l) => l.startsWith('"'))?.split(',').pop()}`));
    const tok = Object.fromEntries(lines.slice(1, 7).map((l) => l.split(',')).map(([label, url]) => [label, tokenOf(url)]));
    const again = await run(['invitations', pid, '--list', '--csv', '--data', data]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /printed once|cannot be printed again/);

    // Session 1 runs: six invitations take part, post and vote; the co-chairs seal it.
    const at = (sid) => ({ url: `ws://127.0.0.1:${srv.port}/c/${sid}/ws` });
    const chair = await srv.connect(cochair, at(sessions[0]));
    assert.equal((await chair.command({ type: 'clock.start' })).type, 'ack');
    const people = await Promise.all(Object.values(tok).map((t) => srv.connect(t, at(sessions[0]))));
    for (const [i, p] of people.entries()) {
      const r = await p.command({ type: 'question.post', text: `Question number ${i + 1} about safeguards for evidence`, lang: i < 5 ? 'en' : 'fr' });
      assert.equal(r.type, 'ack', JSON.stringify(r));
    }
    for (const p of people) p.close();
    chair.close();
    await ok(['seal', sessions[0], '--data', data]);

    // Minutes from another record (the page makes label,minutes from a Zoom report): all
    // lines are checked before any is written.
    const imp = path.join(data, 'zoom-1.csv');
    fs.writeFileSync(imp, 'label,minutes\r\nREG-1,2\r\nREG-2,2\r\nREG-3,2\r\nREG-4,2\r\nREG-5,2\r\nNOT-INVITED,2\r\n');
    const refused = await run(['programme', 'import', pid, '1', imp, '--data', data]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /NOT-INVITED is not an invitation of this programme/);
    const db = path.join(data, 'roundtable.db');
    assert.equal(sql(db, 'SELECT count(*) FROM attendance_import'), '0');
    fs.writeFileSync(imp, 'label,minutes\r\nREG-1,2\r\nREG-2,2\r\nREG-3,2\r\nREG-4,2\r\nREG-5,2\r\n"REG-6",0\r\n');
    assert.match(await ok(['programme', 'import', pid, '1', imp, '--data', data]), /6 invitations/);
    const badMinutes = path.join(data, 'bad.csv');
    fs.writeFileSync(badMinutes, 'REG-1,many\n');
    assert.equal((await run(['programme', 'import', pid, '1', badMinutes, '--data', data])).code, 1);
    assert.equal((await run(['programme', 'import', pid, '3', imp, '--data', data])).code, 1); // no session 3

    // Corrections: a reason that names no one; minutes either way; the audit says no who.
    assert.match(await ok(['programme', 'correct', pid, '2', 'REG-6', '2', 'joined by telephone, host confirmed', '--data', data]), /REG-6, session 2: \+2 minutes/);
    assert.match(await ok(['programme', 'correct', pid, '1', 'REG-5', '-2', 'counted twice in the report', '--data', data]), /-2 minutes/);
    for (const [args, why] of [
      [['REG-1', '5', 'confirmed by aicha@example.org'], /must not identify anyone/],
      [['REG-1', '0', 'nothing'], /non-zero/],
      [['REG-1', '5', ''], /reason of 1 to 200/],
      [['REG-9', '5', 'unknown label'], /not an invitation/],
    ]) {
      const r = await run(['programme', 'correct', pid, '1', ...args, '--data', data]);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.stderr, why);
    }
    assert.equal(sql(db, 'SELECT count(*) FROM attendance_correction'), '2');
    const audit = await ok(['programme', 'audit', pid, '--csv', '--data', data]);
    assert.match(audit, /^time,invitation,session,minutes,reason\r\n\d{4}-\d\d-\d\dT[\d:]+Z,REG-6,2,\+2,"joined by telephone, host confirmed"\r\n[^\r]+,REG-5,1,-2,counted twice in the report\r\n$/);
    assert.deepEqual(sql(db, "SELECT name FROM pragma_table_info('attendance_correction')").split('\n'), ['consultation', 'label', 'minutes', 'reason', 'at']);

    // The sheet: session 1 attended by REG-1..4 (REG-5 corrected away, REG-6 at 0 minutes);
    // session 2 by REG-6 alone, by its correction.
    const sheet = await ok(['programme', 'attendance', pid, '--csv', '--data', data]);
    assert.match(sheet, /^REG-1,yes,no,1,no\r$/m);
    assert.match(sheet, /^REG-5,no,no,0,no\r$/m);
    assert.match(sheet, /^REG-6,no,yes,1,no\r$/m);
    const one = await ok(['programme', 'attendance', pid, '--label', 'REG-5', '--data', data]);
    assert.match(one, /session 1: 0 of 2 min; page open \d+; other record 2; corrected -2 \(1\)\n/);
    assert.match(one, /0 of 2 sessions attended; the certificate needs 2: not met/);

    // The programme's report: counts from 1 to 4 read "fewer than 5"; no label anywhere.
    const md = await ok(['export', pid, '--data', data]);
    assert.match(md, /^\| 1\. Session 1; evidence, safeguards \| \d{4}-\d\d-\d\d \| sealed \| fewer than 5 \| withheld \| 6 \| 6 \| [^|]+\| en ar fr \|$/m);
    assert.match(md, /^\| 2\. Session 2; evidence, safeguards \| \S+ \| not started \| fewer than 5 \| not held yet \| after the seal \| after the seal \| after the seal \| en ar fr \|$/m);
    assert.match(md, /Languages listened: not kept/);
    const json = JSON.parse(await ok(['export', pid, '--format', 'json', '--data', data]));
    assert.equal(json.sessions.length, 2);
    assert.equal(json.sessions[0].participants, '6');
    assert.equal(json.sessions[0].questions_posted, '6');
    assert.equal(json.invitations, 7);
    const csvReport = await ok(['export', pid, '--format', 'csv', '--data', data, '--k', '2']);
    assert.match(csvReport, /^1,"?Session 1; evidence, safeguards"?,\S+,sealed,2,7,4,57%,6,6,/m);
    for (const doc of [md, JSON.stringify(json), csvReport]) assert.doesNotMatch(doc, /REG-|HYPERLINK/);
    const html = await run(['export', pid, '--format', 'html', '--data', data]);
    assert.equal(html.code, 2);
    assert.match(html.stderr, /md, csv or json/);
    const none = await run(['export', 'nosuchthing', '--data', data]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no such consultation or programme/);

    // Calendars: one event per session in UTC, lines of at most 75 octets, the time in each zone.
    const ics = await ok(['ics', pid, '--zones', 'Europe/London,America/New_York,Africa/Johannesburg', '--data', data]);
    for (const line of ics.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, line);
    assert.equal((ics.match(/^BEGIN:VEVENT\r$/gm) || []).length, 2);
    for (const sid of sessions) assert.match(ics, new RegExp(`^UID:${sid}@roundtable\r$`, 'm'));
    const unfolded = ics.replace(/\r\n /g, '');
    const bst = new Date().getUTCMonth() >= 3 && new Date().getUTCMonth() <= 9;
    assert.match(unfolded, new RegExp(`09:00\u201309:02 ${bst ? 'BST' : 'GMT'}`));
    assert.match(unfolded, /\d\d:00\u2013\d\d:02 E[DS]T/);
    assert.match(unfolded, /\d\d:00\u2013\d\d:02 SAST/);
    assert.match(unfolded, /SUMMARY:Session 1\\; evidence\\, safeguards/);
    assert.doesNotMatch(ics, /#|http/);
    const badZone = await run(['ics', pid, '--zones', 'Europe/London,Nowhere/Atlantis', '--data', data]);
    assert.equal(badZone.code, 2);
    assert.match(badZone.stderr, /Nowhere\/Atlantis is not one/);
    // An undated agenda has no calendar.
    const undated = await run(['ics', srv.consultation, '--data', data]);
    assert.equal(undated.code, 1);
    assert.match(undated.stderr, /has no date/);
  } finally {
    await srv.stop();
  }
});
