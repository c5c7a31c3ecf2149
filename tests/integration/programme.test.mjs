// programme.test.mjs — programmes with the real binary, real WebSocket clients and the real SQLite
// file: a programme of three one-minute sessions, participants scripted to join and leave around
// the 50 % threshold (two tabs, a reconnection, joining late), seats with a waiting list, and the
// attendance CSV against the script; then every session is sealed and the audit checks that
// nothing in the database or any export links an invitation to a question, a vote or a language,
// while the attendance report is still right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { repo, run, sleep, startServer, until as waitFor } from '../lib/harness.mjs';

const sql = (db, query) => execFileSync('sqlite3', [db, query], { encoding: 'utf8' }).trim();
const tokenOf = (url) => url.slice(url.indexOf('#') + 1).split('.')[0];

// Three sessions today (UTC), one segment of one minute each: attended from 30 s.
function programmeFile() {
  const today = new Date().toISOString().slice(0, 10);
  const session = (n) => ({
    title: `Session ${n}`,
    date: today,
    segments: [{ title: `Session ${n}`, kind: 'panel', start: '00:00', duration: 1, questions: true, rule: 'chatham_house' }],
  });
  return {
    format: 'roundtable.programme.v1',
    title: 'Three short sessions',
    attendance: { percent: 50, certificate_sessions: 2 },
    seats: 3,
    priority: ['civil_society', 'academia'],
    session_defaults: { timezone: 'UTC', floor: 'en', channels: ['ar', 'fr'], premoderation: false },
    sessions: [session(1), session(2), session(3)],
  };
}

// Runs the CLI on the server's data folder; fails the test on a non-zero exit.
async function cli(srv, args) {
  const r = await run([...args, '--data', srv.dataDir]);
  assert.equal(r.code, 0, `roundtable ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('programme: invitations work in every session, attendance follows the script, the audit finds no link', { timeout: 240000 }, async () => {
  const srv = await startServer();
  try {
    const file = path.join(srv.dataDir, 'programme.json');
    fs.writeFileSync(file, JSON.stringify(programmeFile()));
    const made = await cli(srv, ['programme', 'new', file, '--base-url', srv.baseUrl]);
    const pid = made.match(/^Roundtable programme (\w+):/m)[1];
    const sessions = [...made.matchAll(/^ {2}session (\d): \S+ 00:00 UTC {2}(\w+) {2}Session \d$/gm)].map((m) => m[2]);
    assert.equal(sessions.length, 3, made);
    const cochair = tokenOf(made.match(/^ {2}cochair: +(\S+)$/m)[1]);

    // Seats: three; the fourth registration waits; priority groups go first.
    let out = await cli(srv, ['invitations', pid, '--add', 'REG-A', '--add', 'REG-B', '--group', 'civil_society', '--base-url', srv.baseUrl]);
    out += await cli(srv, ['invitations', pid, '--add', 'REG-C', '--add', 'REG-D', '--base-url', srv.baseUrl]);
    out += await cli(srv, ['invitations', pid, '--add', 'REG-E', '--group', 'academia', '--base-url', srv.baseUrl]);
    const tok = Object.fromEntries([...out.matchAll(/^(REG-\w): invited: (\S+)$/gm)].map((m) => [m[1], tokenOf(m[2])]));
    assert.deepEqual(Object.keys(tok).sort(), ['REG-A', 'REG-B', 'REG-C']);
    assert.match(out, /^REG-D: waiting list, position 1 \(other\)$/m);
    assert.match(out, /^REG-E: waiting list, position 1 \(academia\)$/m); // academia before the unlisted group
    const refused = await run(['invitations', pid, '--add', 'REG-A', '--data', srv.dataDir]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /REG-A is already invited/);
    const badGroup = await run(['invitations', pid, '--add', 'REG-F', '--group', 'press', '--data', srv.dataDir]);
    assert.equal(badGroup.code, 2);
    assert.match(badGroup.stderr, /--group must be one of the priority groups: civil_society academia/);
    assert.match(await cli(srv, ['invitations', pid, '--list']), /3 of 3 seats taken; 2 waiting\ninvited:\n {2}REG-A\n {2}REG-B\n {2}REG-C\nwaiting list, in order:\n {2}1\. REG-E \(academia\)\n {2}2\. REG-D \(other\)/);

    // A programme link opens the session its page names, and no consultation outside it.
    const at = (sid) => ({ url: `ws://127.0.0.1:${srv.port}/c/${sid}/ws` });
    await assert.rejects(srv.connect(tok['REG-A'], at(srv.consultation)), /auth\.invalid/);
    // Before any session starts, the programme's page opens the first one due.
    const early = await srv.connect(tok['REG-A'], at(pid));
    assert.ok(sessions.includes(early.snapshot.consultation.id));
    early.close();

    // The co-chairs start the three sessions together (one programme co-chair link).
    const chairs = await Promise.all(sessions.map((sid) => srv.connect(cochair, at(sid))));
    for (const c of chairs) assert.equal(c.snapshot.role, 'cochair');
    const t0 = Date.now();
    await Promise.all(chairs.map((c) => c.command({ type: 'clock.start' })));
    const until = (s) => sleep(Math.max(0, t0 + s * 1000 - Date.now()));
    // Every session in progress: the programme page opens the last one started.
    const picked = await srv.connect(tok['REG-A'], at(pid));
    assert.equal(picked.snapshot.consultation.id, sessions[2]);
    // The session chosen may not be the one a reconnecting page saw: `since` gets a snapshot.
    const again = await srv.connect(tok['REG-A'], { ...at(pid), since: picked.snapshot.seq });
    assert.equal(again.first.type, 'snapshot');
    assert.equal(again.snapshot.consultation.id, sessions[2]);
    again.close();
    picked.close();

    // The script (seconds from the start; each session lasts 60, attended from 30):
    //   session 1: A all of it; B from 40 (20 s); C two tabs 0-20 and 10-35 (35 s, not 45)
    //   session 2: A 0-10; B all of it; C 0-20 and, reconnected, 25-45 (40 s)
    //   session 3: A all of it, and stays after the end; B never; C 0-20
    // Each participant also posts, votes and picks a language: content the audit must not link.
    const [s1, s2, s3] = sessions;
    const a1 = await srv.connect(tok['REG-A'], at(s1));
    const a3 = await srv.connect(tok['REG-A'], at(s3));
    const a2 = await srv.connect(tok['REG-A'], at(s2));
    const b2 = await srv.connect(tok['REG-B'], at(s2));
    const c1 = await srv.connect(tok['REG-C'], at(s1));
    const c2 = await srv.connect(tok['REG-C'], at(s2));
    const c3 = await srv.connect(tok['REG-C'], at(s3));
    const posted = await a1.command({ type: 'question.post', text: 'Which safeguards apply to cross-border data requests?', lang: 'en' });
    assert.equal(posted.type, 'ack', JSON.stringify(posted));
    const withdrawn = await c1.command({ type: 'question.post', text: 'A question withdrawn at once', lang: 'fr' });
    assert.equal((await c1.command({ type: 'question.withdraw', question: withdrawn.result.question.id })).type, 'ack');
    assert.equal((await c1.command({ type: 'question.vote', question: posted.result.question.id })).type, 'ack');
    assert.equal((await c1.command({ type: 'listening.set', lang: 'fr' })).type, 'ack');
    assert.equal((await a3.command({ type: 'listening.set', lang: 'ar' })).type, 'ack');
    const b2q = await b2.command({ type: 'question.post', text: 'How are interpreters briefed?', lang: 'en' });
    assert.equal(b2q.type, 'ack');

    await until(10);
    a2.close();
    const c1b = await srv.connect(tok['REG-C'], at(s1)); // a second tab
    await until(20);
    c1.close();
    c2.close();
    c3.close();
    await until(25);
    const c2b = await srv.connect(tok['REG-C'], at(s2)); // reconnected
    await until(35);
    c1b.close();
    await until(40);
    const b1 = await srv.connect(tok['REG-B'], at(s1)); // late
    await until(45);
    c2b.close();
    await until(63); // past every session's end: the window closed by itself
    b1.close();
    b2.close();
    a1.close();

    const expected = [
      'invitation,session 1,session 2,session 3,sessions attended,certificate',
      'REG-A,yes,no,yes,2,yes',
      'REG-B,no,yes,no,1,no',
      'REG-C,yes,yes,no,2,yes',
      '',
    ].join('\r\n');
    // What the server attended is in the database once it has saved it: wait for that, never
    // for a fixed time (the sessions have ended, so the figures no longer move).
    const attendance = () => cli(srv, ['programme', 'attendance', pid, '--csv']);
    await waitFor(async () => (await attendance()) === expected, 'the attendance saved', { every: 250 }).catch(() => {});
    assert.equal(await attendance(), expected);

    // Revoking an invitation cuts its connections off at once and gives its seat to the first
    // on the waiting list; what it attended stays.
    const c1c = await srv.connect(tok['REG-C'], at(s1));
    const promoted = await cli(srv, ['invitations', pid, '--revoke', 'REG-C', '--base-url', srv.baseUrl]);
    assert.match(promoted, /^REG-C: invitation revoked$/m);
    assert.match(promoted, /^REG-E: invited: \S+#[\w-]+$/m);
    await c1c.next((m) => m.type === 'error' && m.code === 'auth.invalid');
    await c1c.closed;
    await assert.rejects(srv.connect(tok['REG-C'], at(s1)), /auth\.invalid/);
    a3.close();

    // Before the seal, the database still holds pseudonyms: the audit below can fail.
    const db = path.join(srv.dataDir, 'roundtable.db');
    const pseudonyms = sql(db, "SELECT DISTINCT hex(author) FROM question WHERE author IS NOT NULL UNION SELECT hex(voter) FROM vote UNION SELECT hex(who) FROM acceptance").split('\n').filter(Boolean);
    assert.ok(pseudonyms.length >= 3, `pseudonyms before the seal: ${pseudonyms.length}`);
    const secrets = sql(db, `SELECT hex(secret) FROM consultation WHERE programme = '${pid}'`).split('\n').filter(Boolean);
    assert.equal(secrets.length, 3);

    for (const c of chairs) c.close();
    for (const sid of sessions) await cli(srv, ['seal', sid]);

    // After the seal: no pseudonym or secret in any byte of the database files.
    const files = fs.readdirSync(srv.dataDir).filter((f) => f.startsWith('roundtable.db')).map((f) => path.join(srv.dataDir, f));
    for (const f of files) {
      const bytes = fs.readFileSync(f);
      for (const hex of [...pseudonyms, ...secrets]) {
        assert.equal(bytes.indexOf(Buffer.from(hex, 'hex')), -1, `${hex.slice(0, 8)}… survives in ${path.basename(f)}`);
      }
      assert.equal(bytes.indexOf(Buffer.from('A question withdrawn at once')), -1);
    }
    // The tables that hold an invitation's label hold nothing of content, and the tables of
    // content hold no label, pseudonym or time finer than the agenda.
    const tables = sql(db, "SELECT name FROM sqlite_schema WHERE type = 'table'").split('\n');
    const contentColumns = new Set(['question', 'author', 'voter', 'who', 'lang', 'text', 'segment', 'seq', 'theme']);
    for (const t of tables) {
      const cols = sql(db, `SELECT name FROM pragma_table_info('${t}')`).split('\n');
      if (cols.includes('label')) {
        assert.deepEqual(cols.filter((c) => contentColumns.has(c)), [], `table ${t} holds labels and content`);
      }
    }
    assert.equal(sql(db, `SELECT count(*) FROM question q JOIN consultation c ON c.id = q.consultation WHERE c.programme = '${pid}' AND q.author IS NOT NULL`), '0');
    assert.equal(sql(db, "SELECT count(*) FROM vote"), '0');
    assert.equal(sql(db, "SELECT count(*) FROM acceptance"), '0');
    assert.deepEqual(sql(db, 'SELECT DISTINCT label FROM attendance ORDER BY 1').split('\n'), ['REG-A', 'REG-B', 'REG-C']);
    // No export names an invitation.
    for (const sid of sessions) {
      for (const format of ['md', 'html', 'csv', 'json']) {
        const doc = await cli(srv, ['export', sid, '--format', format]);
        assert.doesNotMatch(doc, /REG-|invitation/i, `${format} export of ${sid}`);
      }
    }
    // The attendance report survives the seal unchanged (REG-C revoked, but it attended).
    assert.equal(await cli(srv, ['programme', 'attendance', pid, '--csv']), expected.replace('\r\n\r\n', '\r\n').replace(/\r\n$/, '\r\nREG-E,no,no,no,0,no\r\n'));
    // The server's log names no label.
    assert.doesNotMatch(srv.stderr + srv.stdout, /REG-/);
  } finally {
    await srv.stop();
  }
});

test('programme files: every error with its place, nothing created', async () => {
  const srv = await startServer();
  try {
    const bad = programmeFile();
    bad.attendance.percent = 0;
    bad.seats = 'many';
    bad.priority = ['civil_society', 'civil_society'];
    bad.sessions[1].segments[0].duration = 0;
    delete bad.sessions[2].date;
    bad.colour = 'blue';
    const file = path.join(srv.dataDir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify(bad));
    const r = await run(['programme', 'new', file, '--data', srv.dataDir]);
    assert.equal(r.code, 1);
    for (const where of ['colour: is not a field', 'attendance.percent:', 'seats:', 'priority[1]: is listed twice', 'sessions[1].segments[0].duration:', 'sessions[2].date: is required']) {
      assert.ok(r.stderr.includes(where), `missing "${where}" in:\n${r.stderr}`);
    }
    assert.equal(sql(path.join(srv.dataDir, 'roundtable.db'), 'SELECT count(*) FROM programme'), '0');
    // The training programme of the samples loads as it is.
    const training = await run(['programme', 'new', path.join(repo, 'protocol/programmes/training-programme.json'), '--data', srv.dataDir]);
    assert.equal(training.code, 0, training.stderr);
    assert.match(training.stdout, /certificate: 7 of 8 sessions/);
    assert.match(training.stdout, /session 8: 2021-10-28 12:00 Europe\/London/);
    const unknown = await run(['programme', 'attendance', 'nosuchprogramme', '--data', srv.dataDir]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no such programme/);
  } finally {
    await srv.stop();
  }
});
