// polls.test.mjs — anonymous polls (POLL-1) with the real binary and real WebSocket clients:
// each kind end to end (prepare, open, answer, change while open, close, show), the small-count
// suppression at 4 and at 5 respondents, the consultation's voting rule, word-cloud words
// checked by the scrubber, polls opened and closed by the agenda clock, answers kept over a
// restart while open, and the seal, after which no row links an answer to anyone.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadLimits, openAgenda, randomKey, run, startServer } from '../lib/harness.mjs';

const servers = [];
after(async () => { for (const s of servers) await s.stop(); });

async function serve(extra = {}, opts = {}) {
  const srv = await startServer({ agenda: { ...openAgenda, ...extra }, serveArgs: loadLimits, invitations: 6, ...opts });
  servers.push(srv);
  return srv;
}

async function people(srv, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const device = randomKey();
    out.push(Object.assign(await srv.connect(srv.tokens.participant, { device }), { device }));
  }
  return out;
}

async function create(chair, poll) {
  const ack = await chair.command({ type: 'poll.create', ...poll });
  assert.equal(ack.type, 'ack', JSON.stringify(ack));
  return ack.result.poll;
}

async function ok(client, cmd) {
  const ack = await client.command(cmd);
  assert.equal(ack.type, 'ack', JSON.stringify(ack));
  return ack;
}

// The co-chairs' view of poll `id` after the event with this seq.
async function chairView(chair, id, seq) {
  const m = await chair.next((x) => x.type === 'poll.changed' && x.poll.id === id && x.seq >= seq);
  return m.poll;
}

test('single choice: drafts stay with the co-chairs, 4 answers show too few, 5 show suppressed totals, answers change while open', async () => {
  const srv = await serve();
  const chair = await srv.connect(srv.tokens.cochair);
  const stage = await srv.connect(srv.tokens.stage);
  const room = await people(srv, 6);
  const id = await create(chair, {
    kind: 'single',
    text: { en: 'Which topic first?', ar: 'أي موضوع أولاً؟' },
    options: [{ en: 'Data', ar: 'البيانات' }, { en: 'Jurisdiction' }, { en: 'Evidence' }],
  });
  // A draft is the co-chairs' own: a participant cannot answer it nor hear of it.
  assert.equal((await room[0].command({ type: 'poll.answer', poll: id, choices: [0] })).code, 'poll.not_found');
  const late = await srv.connect(srv.tokens.participant);
  assert.deepEqual(late.snapshot.polls, []);
  const chairLate = await srv.connect(srv.tokens.cochair);
  assert.equal(chairLate.snapshot.polls[0].state, 'draft');

  const opened = await ok(chair, { type: 'poll.open', poll: id });
  const seen = await room[0].next((m) => m.type === 'poll.changed' && m.poll.id === id);
  assert.equal(seen.poll.state, 'open');
  assert.equal(seen.poll.result, undefined); // not shown yet
  assert.equal(seen.poll.text.ar, 'أي موضوع أولاً؟');
  await stage.next((m) => m.type === 'poll.changed' && m.seq === opened.seq);

  // Four answer: the co-chairs' live view says only that there are too few.
  let seq;
  for (let i = 0; i < 4; i++) seq = (await ok(room[i], { type: 'poll.answer', poll: id, choices: [i < 3 ? 0 : 1] })).seq;
  assert.deepEqual((await chairView(chair, id, seq)).result, { published: false });
  // The fifth: published; option 0 has 3 (fewer than 5), option 1 one, option 2 none. With 5
  // respondents and one cell of 0 shown, both small cells stay "fewer".
  seq = (await ok(room[4], { type: 'poll.answer', poll: id, choices: [0] })).seq;
  let view = await chairView(chair, id, seq);
  assert.equal(view.result.published, true);
  assert.equal(view.result.respondents, 5);
  for (const c of view.result.counts) assert.ok(c === 0 || c === 'fewer' || c === 'withheld' || c >= 5, JSON.stringify(view.result));
  assert.ok(!view.result.counts.some((c) => typeof c === 'number' && c > 0 && c < 5));
  // A sixth; then two change their answer: the totals move, the respondents do not.
  await ok(room[5], { type: 'poll.answer', poll: id, choices: [0] });
  const again = await ok(room[3], { type: 'poll.answer', poll: id, choices: [0] });
  const mine = await room[3].next((m) => m.type === 'poll.changed' && m.seq === again.seq);
  assert.deepEqual(mine.mine, { choices: [0] });
  view = await chairView(chair, id, again.seq);
  assert.equal(view.result.respondents, 6);
  assert.deepEqual(view.result.counts, [6, 0, 0]);
  // The same answer again changes nothing (no event), and a wrong one is refused.
  const same = await ok(room[3], { type: 'poll.answer', poll: id, choices: [0] });
  assert.equal(same.seq, again.seq);
  assert.equal((await room[3].command({ type: 'poll.answer', poll: id, choices: [0, 1] })).code, 'poll.invalid_answer');
  assert.equal((await room[3].command({ type: 'poll.answer', poll: id, value: 3 })).code, 'poll.invalid_answer');
  assert.equal((await room[3].command({ type: 'poll.answer', poll: id, choices: [7] })).code, 'poll.invalid_answer');
  // A participant reconnecting sees their own answer, and nobody else's.
  const back = await srv.connect(srv.tokens.participant, { device: room[3].device });
  assert.deepEqual(back.snapshot.you.polls, [[id, { choices: [0] }]]);
  assert.equal(back.snapshot.polls[0].result, undefined);
  assert.equal((await room[0].command({ type: 'poll.show', poll: id, shown: true })).code, 'auth.forbidden');

  // Closed: no more answers; shown: the room and the stage get the result.
  await ok(chair, { type: 'poll.close', poll: id });
  assert.equal((await room[0].command({ type: 'poll.answer', poll: id, choices: [1] })).code, 'poll.wrong_state');
  const shown = await ok(chair, { type: 'poll.show', poll: id, shown: true });
  const onStage = await stage.next((m) => m.type === 'poll.changed' && m.seq === shown.seq);
  assert.deepEqual(onStage.poll.result, { published: true, respondents: 6, counts: [6, 0, 0] });
  const inRoom = await room[1].next((m) => m.type === 'poll.changed' && m.seq === shown.seq);
  assert.equal(inRoom.mine, undefined);
  assert.deepEqual(inRoom.poll.result, onStage.poll.result);
  const hidden = await ok(chair, { type: 'poll.show', poll: id, shown: false });
  assert.equal((await stage.next((m) => m.type === 'poll.changed' && m.seq === hidden.seq)).poll.result, undefined);
});

test('multiple choice, scale and word cloud, each end to end; too few stay too few', async () => {
  const srv = await serve();
  const chair = await srv.connect(srv.tokens.cochair);
  const stage = await srv.connect(srv.tokens.stage);
  const room = await people(srv, 7);
  const multi = await create(chair, { kind: 'multiple', text: { en: 'Which apply?' }, options: [{ en: 'A' }, { en: 'B' }, { en: 'C' }] });
  const scale = await create(chair, { kind: 'scale', text: { en: 'How useful?', fr: 'Utile ?' } });
  const words = await create(chair, { kind: 'words', text: { en: 'One word for safeguards' } });
  const few = await create(chair, { kind: 'scale', text: { en: 'Too few will answer' } });
  for (const id of [multi, scale, words, few]) await ok(chair, { type: 'poll.open', poll: id });
  for (let i = 0; i < 7; i++) {
    await ok(room[i], { type: 'poll.answer', poll: multi, choices: i < 6 ? [0, 1] : [2] });
    await ok(room[i], { type: 'poll.answer', poll: scale, value: i < 5 ? 4 : 2 });
    await ok(room[i], { type: 'poll.answer', poll: words, words: i < 5 ? ['trust', 'oversight'] : ['rare'] });
  }
  for (let i = 0; i < 4; i++) await ok(room[i], { type: 'poll.answer', poll: few, value: 5 });
  // A word written twice in one answer counts once; a change of mind takes the old words away.
  await ok(room[6], { type: 'poll.answer', poll: words, words: ['trust', 'trust'] });
  let last;
  for (const id of [multi, scale, words, few]) {
    await ok(chair, { type: 'poll.close', poll: id });
    last = await ok(chair, { type: 'poll.show', poll: id, shown: true });
  }
  const results = {};
  await stage.next((m) => {
    if (m.type === 'poll.changed' && m.poll.shown) results[m.poll.id] = m.poll.result;
    return m.seq === last.seq;
  });
  // multiple: A 6, B 6, C 1 -> C "fewer", and one of the 6 withheld so C cannot be worked out?
  // The respondents (7) are not the sum of a multiple choice's counts, yet the report's
  // suppression treats them as a total: whatever it hides, no count 1..4 is shown.
  assert.equal(results[multi].respondents, 7);
  assert.equal(results[multi].counts[2], 'fewer');
  assert.ok(!results[multi].counts.some((c) => typeof c === 'number' && c > 0 && c < 5));
  // scale: 5 answered 4, 2 answered 2 -> the 2s are fewer, and the 4s withheld (7 - fewer
  // would otherwise give them away).
  assert.equal(results[scale].respondents, 7);
  assert.deepEqual(results[scale].counts, [0, 'fewer', 0, 'withheld', 0]);
  // words: trust 6, oversight 5, rare 1 -> rare is left out.
  assert.deepEqual(results[words], { published: true, respondents: 7, words: [['trust', 6], ['oversight', 5]] });
  assert.deepEqual(results[few], { published: false });
});

test('the voting rule: with invitations only, the open link does not answer', async () => {
  const srv = await serve({ voting: 'invitations' });
  const chair = await srv.connect(srv.tokens.cochair);
  const id = await create(chair, { kind: 'scale', text: { en: 'How useful?' } });
  await ok(chair, { type: 'poll.open', poll: id });
  const open = await srv.connect(srv.tokens.participant);
  assert.equal((await open.command({ type: 'poll.answer', poll: id, value: 3 })).code, 'vote.invitations_only');
  const invited = await srv.connect(srv.tokens.invitations[0]);
  const first = await ok(invited, { type: 'poll.answer', poll: id, value: 3, id: 'retry-1' });
  // PL-3: an answer keeps no receipt (it would outlive the close as a record of who answered):
  // a retry is decided again, and the same answer again changes nothing.
  const retry = await invited.command({ type: 'poll.answer', poll: id, value: 3, id: 'retry-1' });
  assert.deepEqual(retry, first);
  // Before accepting the Rule, nobody answers (CHR-2).
  const newcomer = await srv.connect(srv.tokens.invitations[1], { acceptRule: false });
  assert.equal((await newcomer.command({ type: 'poll.answer', poll: id, value: 3 })).code, 'chr.ack_required');
});

test('word-cloud words that look identifying are refused with a typed error and change nothing', async () => {
  const srv = await serve();
  const chair = await srv.connect(srv.tokens.cochair);
  const [p] = await people(srv, 1);
  const id = await create(chair, { kind: 'words', text: { en: 'One word' } });
  const opened = await ok(chair, { type: 'poll.open', poll: id });
  for (const words of [['maria@example.org'], ['ok', '@mlopez'], ['https://example.org/me'], ['+44 20 7946 0958']]) {
    const r = await p.command({ type: 'poll.answer', poll: id, words });
    assert.equal(r.code, 'poll.word_identifying', JSON.stringify(words));
    assert.equal(r.params, undefined); // nothing of the word is echoed
  }
  const nothing = await p.command({ type: 'poll.answer', poll: id, words: ['trust'] });
  assert.equal(nothing.seq, opened.seq + 1); // the refusals made no event
  // Bad definitions are refused too.
  assert.equal((await chair.command({ type: 'poll.create', kind: 'scale', text: { ar: 'بدون إنجليزية' } })).code, 'poll.invalid');
  assert.equal((await chair.command({ type: 'poll.create', kind: 'scale', text: { en: 'x' }, options: [{ en: 'a' }, { en: 'b' }] })).code, 'poll.invalid');
  assert.equal((await chair.command({ type: 'poll.create', kind: 'single', text: { en: 'x' }, options: [{ en: 'a' }, { ar: 'ب' }] })).code, 'poll.invalid');
  assert.equal((await chair.command({ type: 'poll.create', kind: 'scale', text: { en: 'x' }, segment: 40 })).code, 'segment.not_found');
  assert.equal((await chair.command({ type: 'poll.open', poll: 99 })).code, 'poll.not_found');
  assert.equal((await chair.command({ type: 'poll.open', poll: id })).code, 'poll.wrong_state');
});

test('the agenda clock opens a poll with its segment and closes it when the segment ends; answers survive a restart', async () => {
  const srv = await serve();
  let chair = await srv.connect(srv.tokens.cochair);
  const id = await create(chair, { kind: 'scale', text: { en: 'Rate the panel' }, segment: 1 });
  const [p] = await people(srv, 1);
  // Segment 0 runs: the poll stays a draft.
  await ok(chair, { type: 'clock.start' });
  assert.equal((await p.command({ type: 'poll.answer', poll: id, value: 4 })).code, 'poll.not_found');
  // Segment 1 is current and the clock runs: the server opens it.
  await ok(chair, { type: 'agenda.goto', segment: 1 });
  const opened = await p.next((m) => m.type === 'poll.changed' && m.poll.id === id && m.poll.state === 'open');
  assert.equal(opened.poll.segment, 1);
  await ok(p, { type: 'poll.answer', poll: id, value: 4 });
  // A restart keeps the open poll and the answer (the participant may still change it).
  await srv.restart();
  chair = await srv.connect(srv.tokens.cochair);
  assert.equal(chair.snapshot.polls[0].state, 'open');
  assert.deepEqual(chair.snapshot.polls[0].result, { published: false });
  // Segment 2: the server closes it.
  await ok(chair, { type: 'agenda.goto', segment: 2 });
  const closed = await chair.next((m) => m.type === 'poll.changed' && m.poll.id === id && m.poll.state === 'closed');
  assert.equal(closed.poll.result.published, false);
});

function dbFiles(dir) {
  return fs.readdirSync(dir).filter((f) => f.startsWith('roundtable.db')).map((f) => path.join(dir, f));
}

test('after the close no answer row is left, and after the seal no pseudonym links a canary word to anyone', async () => {
  const srv = await startServer({ agenda: openAgenda, serveArgs: loadLimits, keepData: true });
  const db = path.join(srv.dataDir, 'roundtable.db');
  try {
    const chair = await srv.connect(srv.tokens.cochair);
    const room = await people(srv, 5);
    const cloud = await create(chair, { kind: 'words', text: { en: 'One word' } });
    const open = await create(chair, { kind: 'scale', text: { en: 'Still open at the seal' } });
    await ok(chair, { type: 'poll.open', poll: cloud });
    await ok(chair, { type: 'poll.open', poll: open });
    for (const p of room) await ok(p, { type: 'poll.answer', poll: cloud, words: ['zzcanaryword'] });
    await ok(room[0], { type: 'poll.answer', poll: open, value: 2 });
    // While open, the answers are kept by pseudonym (so that they can change): the search finds them.
    const sql = (q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();
    const pseudonyms = sql(`SELECT hex(who) FROM poll_answer WHERE poll = ${cloud}`).split('\n').filter(Boolean);
    assert.equal(pseudonyms.length, 5);
    const openPseudonym = sql(`SELECT hex(who) FROM poll_answer WHERE poll = ${open}`);
    assert.match(openPseudonym, /^[0-9A-F]{32}$/);
    await ok(chair, { type: 'poll.close', poll: cloud });
    assert.equal(sql(`SELECT count(*) FROM poll_answer WHERE poll = ${cloud}`), '0');
    // Nor does any kept ack say who answered (acks are kept for retries until the seal): the
    // co-chairs' create, open and close of this poll, and none of the five answers.
    assert.equal(sql(`SELECT count(*) FROM receipt WHERE CAST(ack AS TEXT) LIKE '%"poll":${cloud}}%'`), '3');
    assert.equal(sql(`SELECT word || ':' || count FROM poll_word WHERE poll = ${cloud}`), 'zzcanaryword:5');

    const sealed = await run(['seal', srv.consultation, '--data', srv.dataDir]);
    assert.equal(sealed.code, 0, sealed.stderr);
    await chair.next((m) => m.type === 'consultation.sealed');
    assert.equal(sql('SELECT count(*) FROM poll_answer'), '0');
    assert.equal(sql(`SELECT state FROM poll WHERE id = ${open}`), 'closed');
    // The report (EX-2, POLL-1) carries each poll's suppressed totals in every format.
    const exported = {};
    for (const format of ['md', 'html', 'csv', 'json']) {
      const r = await run(['export', srv.consultation, '--data', srv.dataDir, '--format', format]);
      assert.equal(r.code, 0, r.stderr);
      exported[format] = r.stdout;
    }
    assert.match(exported.md, /Poll 1: One word/);
    assert.match(exported.md, /\| zzcanaryword \| 5 \|/);
    assert.match(exported.html, /zzcanaryword/);
    assert.match(exported.csv, /poll_1/);
    const report = JSON.stringify(JSON.parse(exported.json));
    assert.match(report, /"poll_1":\{"cells":\[\{"label":"zzcanaryword","answers":5\}\],"total":5\}/);
    assert.match(report, /"poll_2":null/); // one respondent: too few, nothing else said
    await srv.stop();
    const bytes = Buffer.concat(dbFiles(srv.dataDir).map((f) => fs.readFileSync(f)));
    for (const hex of [...pseudonyms, openPseudonym]) {
      assert.equal(bytes.indexOf(Buffer.from(hex, 'hex')), -1, `pseudonym ${hex} survives the seal`);
    }
    // The totals remain, and nothing else about the poll's answers.
    assert.ok(bytes.indexOf(Buffer.from('zzcanaryword')) >= 0);
  } finally {
    fs.rmSync(srv.dataDir, { recursive: true, force: true });
  }
});

test('an agenda file prepares polls for its segments: drafts for the co-chairs, opened by the clock', async () => {
  const segments = openAgenda.segments.map((s, i) => (i === 1 ? {
    ...s,
    polls: [
      { kind: 'single', text: { en: 'Which first?', ar: 'أيهما أولاً؟' }, options: [{ en: 'Data' }, { en: 'Rights', fr: 'Droits' }] },
      { kind: 'words', text: { en: 'One word' } },
    ],
  } : s));
  const srv = await serve({ segments });
  const chair = await srv.connect(srv.tokens.cochair);
  assert.deepEqual(chair.snapshot.polls.map((p) => [p.id, p.kind, p.state, p.segment]), [[1, 'single', 'draft', 1], [2, 'words', 'draft', 1]]);
  assert.deepEqual(chair.snapshot.polls[0].options, [{ en: 'Data' }, { en: 'Rights', fr: 'Droits' }]);
  const [p] = await people(srv, 1);
  assert.deepEqual(p.snapshot.polls, []);
  await ok(chair, { type: 'clock.start' });
  await ok(chair, { type: 'agenda.goto', segment: 1 });
  await p.next((m) => m.type === 'poll.changed' && m.poll.id === 2 && m.poll.state === 'open');
  await ok(p, { type: 'poll.answer', poll: 1, choices: [1] });

  // A poll the core would refuse stops `roundtable new` with the poll's place, and creates nothing.
  const bad = path.join(srv.dataDir, 'bad-agenda.json');
  fs.writeFileSync(bad, JSON.stringify({ ...openAgenda, segments: openAgenda.segments.map((s, i) => (i === 0 ? { ...s, polls: [{ kind: 'scale', text: { ar: 'بلا إنجليزية' } }] } : s)) }));
  const made = await run(['new', bad, '--data', path.join(srv.dataDir, 'other')]);
  assert.notEqual(made.code, 0);
  assert.match(made.stderr, /segments\[0\]\.polls\[0\]: poll\.invalid/);
  const shape = path.join(srv.dataDir, 'shape-agenda.json');
  fs.writeFileSync(shape, JSON.stringify({ ...openAgenda, segments: openAgenda.segments.map((s, i) => (i === 2 ? { ...s, polls: [{ kind: 'ranking', text: { en: 'x' } }] } : s)) }));
  const shaped = await run(['new', shape, '--data', path.join(srv.dataDir, 'other')]);
  assert.notEqual(shaped.code, 0);
  assert.match(shaped.stderr, /segments\[2\]\.polls\[0\]\.kind: must be one of single, multiple, scale, words/);
});
