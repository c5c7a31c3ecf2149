// organiser.test.mjs — the organiser's console over the WebSocket (ORG-1), against the real
// binary: the organiser link (`roundtable organiser-link`) authenticates; each organiser command
// is answered; a bad agenda is refused at its field; a revoked organiser link is refused and its
// console closed; a consultation's own links cannot send organiser commands, and the organiser
// cannot send a consultation's commands nor see who wrote a question.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import WebSocket from 'ws';
import { run, startServer, demoAgenda, openAgenda, TIMEOUT_MS } from '../lib/harness.mjs';
import { schemaErrors } from '../lib/schemas.mjs';

// An organiser link for srv's data folder, and its token.
async function organiserLink(srv, extra = []) {
  const r = await run(['organiser-link', '--data', srv.dataDir, '--base-url', srv.baseUrl, ...extra]);
  assert.equal(r.code, 0, r.stderr);
  const url = /organiser: +(\S+)/.exec(r.stdout)[1];
  assert.ok(url.startsWith(`${srv.baseUrl}#`), url);
  return url.slice(url.indexOf('#') + 1);
}

// A console connection: every message checked against its schema; `ask` sends a command and
// resolves with the answer carrying its id.
function consoleOf(srv, token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, 'roundtable.v1');
    const waiting = new Map();
    const seen = [];
    let first;
    const closed = new Promise((r) => ws.on('close', (code) => r(code)));
    let n = 0;
    const c = {
      seen,
      closed,
      ask(msg) {
        const id = `org-${++n}`;
        return new Promise((res, rej) => {
          const timer = setTimeout(() => rej(new Error(`no answer to ${msg.type}`)), TIMEOUT_MS);
          waiting.set(id, (m) => { clearTimeout(timer); res(m); });
          ws.send(JSON.stringify({ ...msg, id }));
        });
      },
      close: () => ws.close(),
    };
    ws.on('message', (d) => {
      const m = JSON.parse(String(d));
      const err = schemaErrors(m.type, m);
      if (err) reject(new Error(`${m.type}: ${err}: ${String(d).slice(0, 300)}`));
      seen.push(m);
      if (!first) {
        first = m;
        if (m.type === 'organiser.ready') resolve(c);
        else reject(Object.assign(new Error(`auth refused: ${m.code}`), { msg: m }));
        return;
      }
      const w = waiting.get(m.id);
      if (w) { waiting.delete(m.id); w(m); }
    });
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', token })));
  });
}

test('the organiser creates, links, invites, deny-lists, seals and exports from the console', async () => {
  const srv = await startServer();
  try {
    const token = await organiserLink(srv);
    const org = await consoleOf(srv, token);

    let r = await org.ask({ type: 'organiser.list' });
    assert.equal(r.type, 'organiser.result');
    assert.ok(r.items.some((i) => i.id === srv.consultation && i.kind === 'consultation' && !i.sealed));
    // An agenda with no date: no planned instant, only its first segment's wall-clock start.
    const undated = r.items.find((i) => i.id === srv.consultation);
    assert.deepEqual([undated.starts_at, undated.start, undated.timezone], [0, '11:30', 'Europe/London']);

    // A bad agenda: typed error at the field path, nothing created.
    const bad = { ...demoAgenda, segments: demoAgenda.segments.map((s, i) => (i === 1 ? { ...s, duration: 0 } : s)) };
    r = await org.ask({ type: 'organiser.create', agenda: bad, base: srv.baseUrl });
    assert.equal(r.type, 'error');
    assert.equal(r.code, 'agenda.invalid');
    assert.equal(r.params.field, 'segments[1].duration');
    r = await org.ask({ type: 'organiser.create', agenda: { ...demoAgenda, title: '' }, base: srv.baseUrl });
    assert.equal(r.code, 'agenda.invalid');
    assert.equal(r.params.field, 'title');
    r = await org.ask({ type: 'organiser.create', agenda: demoAgenda, base: 'javascript:x' });
    assert.deepEqual([r.code, r.params.field], ['protocol.invalid_field', 'base']);
    const before = (await org.ask({ type: 'organiser.list' })).items.length;
    assert.equal(before, 1);

    // A programme from its file: the programme and its sessions, one set of links.
    const programme = JSON.parse(fs.readFileSync(new URL('../../protocol/programmes/training-programme.json', import.meta.url), 'utf8'));
    r = await org.ask({ type: 'organiser.create', programme: { ...programme, sessions: [] }, base: srv.baseUrl });
    assert.equal(r.code, 'agenda.invalid');
    assert.match(r.params.field, /^sessions/);
    r = await org.ask({ type: 'organiser.create', programme, base: srv.baseUrl });
    assert.equal(r.op, 'create', JSON.stringify(r).slice(0, 300));
    assert.equal(r.programme.sessions, programme.sessions.length);
    assert.ok(r.links.some((l) => l.role === 'cochair' && l.url.includes(`/c/${r.programme.id}/#`)));
    const listed = (await org.ask({ type: 'organiser.list' })).items;
    assert.equal(listed.filter((i) => i.programme === r.programme.id).length, programme.sessions.length);
    assert.equal(listed.find((i) => i.id === r.programme.id).kind, 'programme');
    // A programme starts with its next unsealed session: 18 October 2021, 12:00 in London (BST).
    const prog = listed.find((i) => i.id === r.programme.id);
    assert.deepEqual([prog.starts_at, prog.timezone], [Date.UTC(2021, 9, 18, 11, 0), 'Europe/London']);
    assert.equal(prog.start, undefined);

    // Created: links shown once; they work.
    r = await org.ask({ type: 'organiser.create', agenda: { ...openAgenda, title: 'Console made' }, base: srv.baseUrl, invitations: 1 });
    assert.equal(r.op, 'create', JSON.stringify(r));
    const cid = r.consultation.id;
    const chairUrl = r.links.find((l) => l.role === 'cochair').url;
    assert.ok(chairUrl.startsWith(`${srv.baseUrl}c/${cid}/#`));
    assert.ok(r.join_code);
    const chairToken = chairUrl.slice(chairUrl.indexOf('#') + 1);
    const chair = await srv.connect(chairToken);
    assert.equal(chair.snapshot.consultation.title, 'Console made');
    assert.equal((await org.ask({ type: 'organiser.list' })).items.length, 3 + programme.sessions.length);

    // A participant's question: the organiser sees no author, and has no room.
    const inv = r.links.find((l) => l.personal).url;
    const p = await srv.connect(inv.slice(inv.indexOf('#') + 1));
    const posted = await p.command({ type: 'question.post', text: 'Who can see this author?', lang: 'en' });
    assert.equal(posted.type, 'ack');
    r = await org.ask({ type: 'question.approve', question: posted.result.question.id });
    assert.equal(r.code, 'auth.forbidden');
    r = await org.ask({ type: 'organiser.nothing' });
    assert.equal(r.code, 'protocol.unknown_type');
    for (const m of org.seen) assert.ok(!JSON.stringify(m).includes('Who can see'), 'the organiser received question text');

    // Rotate the co-chair link: the old one is cut off, the new one works.
    r = await org.ask({ type: 'organiser.links', consultation: cid, link: 'cochair', action: 'rotate', base: srv.baseUrl });
    assert.equal(r.op, 'links', JSON.stringify(r));
    assert.equal(r.revoked, 1);
    assert.equal(r.connections_closed, 1);
    await chair.closed;
    const newChair = r.links[0].url;
    const chair2 = await srv.connect(newChair.slice(newChair.indexOf('#') + 1));
    r = await org.ask({ type: 'organiser.links', consultation: 'Nowhere000', link: 'cochair', action: 'revoke', base: srv.baseUrl });
    assert.deepEqual([r.code, r.params.field], ['organiser.not_found', 'consultation']);

    // Invitations: a cap, an addition on the waiting list, a revocation that seats it.
    r = await org.ask({ type: 'organiser.invitations', owner: cid, seats: 1, base: srv.baseUrl });
    assert.equal(r.op, 'invitations', JSON.stringify(r));
    assert.equal(r.seats, 1);
    r = await org.ask({ type: 'organiser.invitations', owner: cid, add: ['REG-7'], base: srv.baseUrl });
    assert.deepEqual(r.waiting, [{ label: 'REG-7', group: null }]);
    assert.deepEqual(r.links, []);
    r = await org.ask({ type: 'organiser.invitations', owner: cid, add: ['REG-7'], base: srv.baseUrl });
    assert.deepEqual([r.code, r.params.field], ['organiser.refused', 'labels']);
    r = await org.ask({ type: 'organiser.invitations', owner: cid, revoke: ['invitation 1'], base: srv.baseUrl });
    assert.deepEqual(r.revoked, [{ label: 'invitation 1', invitation: true }]);
    assert.deepEqual(r.links.map((l) => l.label), ['REG-7']);
    assert.deepEqual(r.invited, ['REG-7']);
    assert.equal((await p.closed).code > 0, true);
    r = await org.ask({ type: 'organiser.invitations', owner: cid });
    assert.deepEqual([r.invited, r.waiting], [['REG-7'], []]);

    // The deny-list: in memory; a bad line is named.
    r = await org.ask({ type: 'organiser.denylist', consultation: cid, denylist: '# speakers\nJane Example\n' });
    assert.deepEqual([r.op, r.entries], ['denylist', 1]);
    r = await org.ask({ type: 'organiser.denylist', consultation: cid, denylist: `ok\n${'x'.repeat(300)}` });
    assert.deepEqual([r.code, r.params.field], ['organiser.refused', 'denylist:2']);

    // Export: the report over HTTP with a one-time ticket, no author nor link in it.
    r = await org.ask({ type: 'organiser.export', consultation: cid, format: 'json' });
    assert.equal(r.op, 'export', JSON.stringify(r));
    assert.match(r.url, /^download\/[A-Za-z0-9_-]{22}$/);
    assert.match(r.filename, /report-draft\.json$/);
    let res = await fetch(new URL(r.url, srv.baseUrl));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition'), /attachment; filename="[^"]*report-draft\.json"/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const report = await res.text();
    assert.ok(JSON.parse(report));
    for (const secret of [chairToken, inv.slice(inv.indexOf('#') + 1), 'REG-7', 'invitation 1']) assert.ok(!report.includes(secret), secret);
    res = await fetch(new URL(r.url, srv.baseUrl)); // once only
    assert.equal(res.status, 404);
    res = await fetch(new URL('download/AAAAAAAAAAAAAAAAAAAAAA', srv.baseUrl));
    assert.equal(res.status, 404);

    // Backup: the consultation alone, as `roundtable backup` makes it.
    r = await org.ask({ type: 'organiser.backup', consultation: cid });
    assert.deepEqual([r.op, r.sealed], ['backup', false], JSON.stringify(r));
    res = await fetch(new URL(r.url, srv.baseUrl));
    assert.equal(res.status, 200);
    const db = Buffer.from(await res.arrayBuffer());
    assert.equal(db.subarray(0, 15).toString(), 'SQLite format 3');
    assert.ok(!fs.readdirSync(srv.dataDir).some((f) => f.startsWith('console-backup')), 'the copy left a file');
    r = await org.ask({ type: 'organiser.backup', consultation: 'Nowhere000' });
    assert.deepEqual([r.code, r.params.field], ['organiser.not_found', 'consultation']);

    // The seal: typed confirmation, as the co-chairs'.
    r = await org.ask({ type: 'organiser.seal', consultation: cid, confirm: 'yes' });
    assert.deepEqual([r.code, r.params.field], ['seal.confirm_required', 'confirm']);
    r = await org.ask({ type: 'organiser.seal', consultation: cid, confirm: 'seal' });
    assert.equal(r.op, 'seal', JSON.stringify(r));
    await chair2.next((m) => m.type === 'consultation.sealed');
    r = await org.ask({ type: 'organiser.seal', consultation: cid, confirm: 'Console made' });
    assert.equal(r.code, 'consultation.sealed');
    r = await org.ask({ type: 'organiser.list' });
    assert.equal(r.items.find((i) => i.id === cid).sealed, true);

    // A consultation's links cannot use the console.
    const c3 = await srv.connect(srv.tokens.cochair);
    r = await c3.command({ type: 'organiser.list' });
    assert.equal(r.code, 'protocol.unknown_type');

    // Rotating the organiser link closes this console; the old link is refused.
    const token2 = await organiserLink(srv, ['--rotate']);
    await org.closed;
    await assert.rejects(consoleOf(srv, token), /auth.invalid/);
    const org2 = await consoleOf(srv, token2);
    assert.equal((await org2.ask({ type: 'organiser.list' })).op, 'list');
    const rv = await run(['organiser-link', '--revoke', '--data', srv.dataDir]);
    assert.match(rv.stdout, /revoked 1 organiser link/);
    await org2.closed;
    await assert.rejects(consoleOf(srv, token2), /auth.invalid/);
  } finally {
    await srv.stop();
  }
});

// POLL-1: the polls an agenda prepares are created by every path that creates a consultation: the
// console's agenda, and each session of a programme (console or command line); a poll the core
// refuses is named at its place, and nothing is created.
test('the console and programme sessions create the polls their agendas prepare', async () => {
  const srv = await startServer();
  try {
    const org = await consoleOf(srv, await organiserLink(srv));
    const withPolls = (agenda, seg, polls) => ({ ...agenda, segments: agenda.segments.map((s, i) => (i === seg ? { ...s, polls } : s)) });
    const single = { kind: 'single', text: { en: 'Console poll?' }, options: [{ en: 'Yes' }, { en: 'No' }] };
    const tokenOf = (links) => { const u = links.find((l) => l.role === 'cochair').url; return u.slice(u.indexOf('#') + 1); };
    const count = async () => (await org.ask({ type: 'organiser.list' })).items.length;
    const before = await count();

    // A consultation's agenda: its poll is the co-chairs' draft.
    let r = await org.ask({ type: 'organiser.create', agenda: withPolls(openAgenda, 1, [single, { kind: 'words', text: { en: 'One word' } }]), base: srv.baseUrl });
    assert.equal(r.op, 'create', JSON.stringify(r));
    const chair = await srv.connect(tokenOf(r.links), { url: `ws://127.0.0.1:${srv.port}/c/${r.consultation.id}/ws` });
    assert.deepEqual(chair.snapshot.polls.map((p) => [p.id, p.kind, p.state, p.segment]), [[1, 'single', 'draft', 1], [2, 'words', 'draft', 1]]);
    assert.deepEqual(chair.snapshot.polls[0].options, [{ en: 'Yes' }, { en: 'No' }]);
    assert.equal(await count(), before + 1);

    // A poll the core refuses (no English text): agenda.invalid at the poll's place, nothing made.
    r = await org.ask({ type: 'organiser.create', agenda: withPolls(openAgenda, 2, [{ kind: 'scale', text: { ar: 'بلا إنجليزية' } }]), base: srv.baseUrl });
    assert.deepEqual([r.type, r.code, r.params.field], ['error', 'agenda.invalid', 'segments[2].polls[0]'], JSON.stringify(r));
    r = await org.ask({ type: 'organiser.create', agenda: withPolls(openAgenda, 0, [{ kind: 'ranking', text: { en: 'x' } }]), base: srv.baseUrl });
    assert.deepEqual([r.code, r.params.field], ['agenda.invalid', 'segments[0].polls[0].kind']);
    assert.equal(await count(), before + 1);

    // A programme: its second session's poll is in that session, and only there.
    const today = new Date().toISOString().slice(0, 10);
    const session = (n, polls) => ({
      title: `Session ${n}`,
      date: today,
      segments: [{ title: `Session ${n}`, kind: 'panel', start: '00:00', duration: 60, questions: true, rule: 'chatham_house', ...(polls ? { polls } : {}) }],
    });
    const programme = (polls) => ({
      format: 'roundtable.programme.v1',
      title: 'Two sessions',
      session_defaults: { timezone: 'UTC', floor: 'en', channels: ['fr'] },
      sessions: [session(1), session(2, polls)],
    });
    r = await org.ask({ type: 'organiser.create', programme: programme([{ ...single, text: { en: 'Session two poll?' } }]), base: srv.baseUrl });
    assert.equal(r.op, 'create', JSON.stringify(r));
    const pid = r.programme.id;
    const sessions = (await org.ask({ type: 'organiser.list' })).items.filter((i) => i.programme === pid).map((i) => i.id);
    assert.equal(sessions.length, 2);
    const polls = [];
    for (const sid of sessions) {
      const c = await srv.connect(tokenOf(r.links), { url: `ws://127.0.0.1:${srv.port}/c/${sid}/ws` });
      assert.equal(c.snapshot.consultation.id, sid);
      polls.push((c.snapshot.polls || []).map((p) => [p.kind, p.state, p.segment, p.text.en]));
    }
    assert.deepEqual(polls.sort((a, b) => a.length - b.length), [[], [['single', 'draft', 0, 'Session two poll?']]]);
    const made = await count();

    // A session's refused poll: named with its session, and no programme is created.
    r = await org.ask({ type: 'organiser.create', programme: programme([{ kind: 'scale', text: { fr: 'Sans anglais' } }]), base: srv.baseUrl });
    assert.deepEqual([r.code, r.params.field], ['agenda.invalid', 'sessions[1].segments[0].polls[0]'], JSON.stringify(r));
    assert.equal(await count(), made);
    // The command line reads the same file the same way.
    const file = `${srv.dataDir}/bad-programme.json`;
    fs.writeFileSync(file, JSON.stringify(programme([{ kind: 'scale', text: { fr: 'Sans anglais' } }])));
    const cli = await run(['programme', 'new', file, '--data', srv.dataDir]);
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /sessions\[1\]\.segments\[0\]\.polls\[0\]: poll\.invalid/);
    assert.equal(await count(), made);
  } finally {
    await srv.stop();
  }
});
