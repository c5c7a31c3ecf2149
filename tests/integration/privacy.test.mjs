// privacy.test.mjs — the Chatham House Rule by construction (CHR-1..CHR-8), with the real binary,
// real WebSocket clients and the real SQLite file.
//
// The audit plays a consultation whose secrets are known canaries — participants' tokens and
// device keys, the client's address (127.0.0.77), the text of withdrawn, rejected and
// never-moderated questions, deny-listed names, every pseudonym and the consultation's secret as
// read from the database — seals it, then searches every byte of the database, its WAL and
// shared-memory files, the server's output and the four export formats. Before sealing, the same
// search must find some canaries: the audit can fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { demoAgenda, randomKey, repo, run, startServer, until } from '../lib/harness.mjs';

const CLIENT_IP = '127.0.0.77';

function sql(db, query) {
  return execFileSync('sqlite3', [db, query], { encoding: 'utf8' }).trim();
}

// Every file of the database: the file itself, its WAL and its shared-memory index.
function dbFiles(dir) {
  return fs.readdirSync(dir).filter((f) => f.startsWith('roundtable.db')).map((f) => path.join(dir, f));
}

// Which canaries occur in which of the given byte sources: [{ canary, where }].
function search(sources, canaries) {
  const hits = [];
  for (const [where, bytes] of Object.entries(sources)) {
    for (const c of canaries) {
      const needle = Buffer.isBuffer(c.bytes) ? c.bytes : Buffer.from(c.bytes, 'utf8');
      if (bytes.indexOf(needle) >= 0) hits.push({ canary: c.name, where });
    }
  }
  return hits;
}

async function exportAll(srv) {
  const out = {};
  for (const format of ['md', 'html', 'csv', 'json']) {
    const r = await run(['export', srv.consultation, '--data', srv.dataDir, '--format', format], { encoding: 'buffer' });
    assert.equal(r.code, 0, String(r.stderr));
    out[`export.${format}`] = r.stdout;
  }
  return out;
}

test('privacy audit: after the seal no canary survives in the database, its WAL, the logs or any export', async () => {
  const srv = await startServer({ agenda: demoAgenda, invitations: 3, keepData: true });
  const db = path.join(srv.dataDir, 'roundtable.db');
  try {
    const canaries = [{ name: 'client address', bytes: CLIENT_IP }];
    // The organiser's deny-list, given to the running server only.
    const names = ['Qwilhelmina Zarkovna', 'زبيدة القرطاجنية'];
    const listFile = path.join(srv.dataDir, 'names.txt');
    fs.writeFileSync(listFile, `# names not to be said\n${names.join('\n')}\n`);
    const given = await run(['denylist', srv.consultation, listFile, '--data', srv.dataDir]);
    assert.equal(given.code, 0, given.stderr);
    assert.match(given.stdout, /2 names, held in the server's memory/);
    fs.rmSync(listFile);
    names.forEach((n, i) => canaries.push({ name: `deny-listed name ${i}`, bytes: n }));

    const chair = await srv.connect(srv.tokens.cochair);
    const people = [];
    for (const [i, token] of [srv.tokens.invitations[0], srv.tokens.invitations[1], srv.tokens.participant].entries()) {
      const device = randomKey();
      const p = await srv.connect(token, { device, localAddress: CLIENT_IP });
      people.push(p);
      canaries.push({ name: `token ${i}`, bytes: token });
      canaries.push({ name: `device key ${i}`, bytes: device });
    }
    const [a, b, c] = people;
    await chair.command({ type: 'agenda.goto', segment: 2 });
    const post = async (p, text, extra = {}) => {
      const r = await p.command({ type: 'question.post', text, lang: 'en', ...extra });
      return r;
    };
    // CHR-6: a deny-listed name is caught, shown to its author, and stored as a placeholder.
    const caught = await post(a, `I discussed Article 24 with ${names[0]} yesterday: what about journalists?`);
    assert.equal(caught.code, 'text.identifying');
    assert.deepEqual(caught.params.found, [{ kind: 'name', text: names[0], placeholder: '[name]' }]);
    const placed = await post(a, `I discussed Article 24 with ${names[0]} yesterday: what about journalists?`, { placeholders: true });
    assert.equal(placed.type, 'ack');
    assert.equal(placed.result.question.text, 'I discussed Article 24 with [name] yesterday: what about journalists?');
    const ar = await post(b, `سألت زبيده القرطاجنيه عن المادة ٢٤`);
    assert.equal(ar.code, 'text.identifying', 'Arabic spelling variants of a listed name are caught');
    const kept = (await post(b, 'How will the treaty protect security researchers?')).result.question.id;
    const withdrawn = (await post(c, 'CANARY-WITHDRAWN-4f1b: a question its author took back')).result.question.id;
    const rejected = (await post(b, 'CANARY-REJECTED-9c2e: off topic')).result.question.id;
    await post(c, 'CANARY-PENDING-77aa: never moderated');
    const mergedPending = (await post(a, 'CANARY-MERGED-PENDING-2d6f: merged before anyone saw it')).result.question.id;
    canaries.push({ name: 'withdrawn text', bytes: 'CANARY-WITHDRAWN-4f1b' });
    canaries.push({ name: 'rejected text', bytes: 'CANARY-REJECTED-9c2e' });
    canaries.push({ name: 'never-moderated text', bytes: 'CANARY-PENDING-77aa' });
    canaries.push({ name: 'merged-pending text', bytes: 'CANARY-MERGED-PENDING-2d6f' });
    const first = placed.result.question.id;
    for (const q of [first, kept]) assert.equal((await chair.command({ type: 'question.approve', question: q })).type, 'ack');
    assert.equal((await chair.command({ type: 'question.reject', question: rejected })).type, 'ack');
    // A pending question merged into a live one: the room never saw its text.
    assert.equal((await chair.command({ type: 'question.merge', question: mergedPending, into: kept })).type, 'ack');
    assert.equal((await c.command({ type: 'question.withdraw', question: withdrawn })).type, 'ack');
    for (const p of [b, c]) assert.equal((await p.command({ type: 'question.vote', question: first })).type, 'ack');
    assert.equal((await c.command({ type: 'question.vote', question: kept })).type, 'ack');
    const rapporteur = await srv.connect(srv.tokens.rapporteur);
    for (const q of [first, kept]) {
      assert.equal((await rapporteur.command({ type: 'report.include', question: q, included: true })).type, 'ack');
    }

    // What only the database knows: the secret and every pseudonym, as canaries.
    const secret = sql(db, `SELECT hex(secret) FROM consultation WHERE id = '${srv.consultation}'`);
    assert.match(secret, /^[0-9A-F]{64}$/);
    canaries.push({ name: 'secret', bytes: Buffer.from(secret, 'hex') });
    const pseuds = sql(db, `SELECT DISTINCT hex(author) FROM question WHERE author IS NOT NULL UNION SELECT hex(voter) FROM vote UNION SELECT hex(who) FROM acceptance`).split('\n');
    assert.ok(pseuds.length >= 3, `pseudonyms: ${pseuds.length}`);
    pseuds.forEach((h, i) => canaries.push({ name: `pseudonym ${i}`, bytes: Buffer.from(h, 'hex') }));

    // The search can fail: before the seal it finds the linkage and the unpublished text.
    const before = search(Object.fromEntries(dbFiles(srv.dataDir).map((f) => [path.basename(f), fs.readFileSync(f)])), canaries);
    const foundBefore = new Set(before.map((h) => h.canary));
    for (const n of ['secret', 'withdrawn text', 'rejected text', 'never-moderated text', 'merged-pending text', 'pseudonym 0']) {
      assert.ok(foundBefore.has(n), `before sealing, the search finds the ${n}`);
    }
    // A draft already leaves out what is not published.
    const drafts = await exportAll(srv);
    assert.deepEqual(search(drafts, canaries), []);
    assert.match(drafts['export.md'].toString(), /Draft/);

    // CHR-5: the organiser seals while the server runs; everyone hears of it.
    const sealed = await run(['seal', srv.consultation, '--data', srv.dataDir]);
    assert.equal(sealed.code, 0, sealed.stderr);
    assert.match(sealed.stdout, /^sealed /);
    await chair.next((m) => m.type === 'consultation.sealed');
    await a.next((m) => m.type === 'consultation.sealed');
    assert.equal((await a.command({ type: 'question.vote', question: kept })).code, 'consultation.sealed');
    assert.equal((await chair.command({ type: 'question.answer', question: kept })).code, 'consultation.sealed');
    // EX-7: the rapporteurs finish the report on what the seal kept, and on nothing else.
    assert.equal((await rapporteur.command({ type: 'question.tag', question: withdrawn, theme: 'x' })).code, 'question.not_found');
    const again = await run(['seal', srv.consultation, '--data', srv.dataDir]);
    assert.notEqual(again.code, 0);
    assert.equal(again.stderr, `roundtable: cannot seal ${srv.consultation}: it is already sealed\n`);
    // A new connection sees a sealed, read-only consultation, with totals kept.
    const late = await srv.connect(srv.tokens.invitations[2], { localAddress: CLIENT_IP });
    assert.equal(late.snapshot.consultation.sealed, true);
    assert.equal(late.snapshot.questions.find((q) => q.id === first).votes, 2);
    assert.equal((await late.command({ type: 'rule.accept' })).code, 'consultation.sealed');

    // Nothing deleted survives: no WAL content, no free page, no canary anywhere.
    assert.equal(sql(db, 'PRAGMA freelist_count'), '0');
    const wal = `${db}-wal`;
    assert.ok(!fs.existsSync(wal) || fs.statSync(wal).size === 0, 'the WAL is empty after the seal');
    const exports = await exportAll(srv);
    assert.match(exports['export.md'].toString(), /Participants who accepted the Rule: fewer than 5/);
    // While the server still runs: the file, its (empty) WAL and its shared-memory index.
    const live = Object.fromEntries(dbFiles(srv.dataDir).map((f) => [`live ${path.basename(f)}`, fs.readFileSync(f)]));
    assert.ok(Object.keys(live).length >= 2, Object.keys(live).join());
    await srv.stop();
    const after = {
      ...live,
      ...Object.fromEntries(dbFiles(srv.dataDir).map((f) => [path.basename(f), fs.readFileSync(f)])),
      'server stdout': Buffer.from(srv.stdout),
      'server stderr': Buffer.from(srv.stderr),
      ...exports,
    };
    assert.deepEqual(search(after, canaries), [], 'no canary after sealing');
    // The shape of what is left: no author, no vote row, no acceptance, no secret.
    assert.equal(sql(db, 'SELECT count(*) FROM question WHERE author IS NOT NULL'), '0');
    assert.equal(sql(db, 'SELECT count(*) FROM vote'), '0');
    assert.equal(sql(db, 'SELECT count(*) FROM acceptance'), '0');
    assert.equal(sql(db, 'SELECT count(*) FROM consultation WHERE secret IS NOT NULL'), '0');
    assert.equal(sql(db, `SELECT text FROM question WHERE id = ${withdrawn}`), '');
    assert.equal(sql(db, `SELECT text FROM question WHERE id = ${mergedPending}`), '');
    console.log(`privacy audit: ${canaries.length} canaries; ${before.length} found before the seal, none after, in `
      + `${Object.keys(after).length} sources (${Object.keys(after).join(', ')})`);
  } finally {
    if (srv.proc.exitCode === null) await srv.stop();
    fs.rmSync(srv.dataDir, { recursive: true, force: true });
  }
});

test('CHR-1: no identity field in the schema or the protocol', async () => {
  const srv = await startServer({ keepData: true });
  try {
    const db = path.join(srv.dataDir, 'roundtable.db');
    const columns = sql(db, "SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'").split('\n');
    assert.ok(columns.length > 30, `columns: ${columns.length}`);
    const identity = /(^|[._])(name|e_?mail|organi[sz]ation|org|affiliation|country|ip|address|phone|user|person)s?$/i;
    assert.deepEqual(columns.filter((c) => identity.test(c)), []);
    // CHR-4: rows about participants' actions carry a segment and an ordinal, never a time.
    const actions = columns.filter((c) => /^(question|vote|acceptance)\./.test(c));
    assert.ok(actions.length >= 10, actions.join());
    assert.deepEqual(actions.filter((c) => /(at|time|ms|date|when|stamp)$/i.test(c)), []);
    const dir = path.join(repo, 'protocol', 'messages');
    const props = [];
    const collect = (node) => {
      if (!node || typeof node !== 'object') return;
      if (node.properties) props.push(...Object.keys(node.properties));
      for (const v of Object.values(node)) collect(v);
    };
    for (const f of fs.readdirSync(dir)) collect(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
    assert.ok(props.length > 100);
    assert.deepEqual([...new Set(props.filter((p) => identity.test(p)))], []);
    // Unknown fields are refused, so none can be smuggled in.
    const p = await srv.connect(srv.tokens.participant);
    const r = await p.command({ type: 'question.post', text: 'Hello', lang: 'en', name: 'Amina' });
    assert.deepEqual([r.code, r.params.field], ['protocol.unknown_field', 'name']);
  } finally {
    await srv.stop();
    fs.rmSync(srv.dataDir, { recursive: true, force: true });
  }
});

test('CHR-2: posting and voting wait for the Rule; the acceptance is the participant\'s alone', async () => {
  const srv = await startServer();
  try {
    const chair = await srv.connect(srv.tokens.cochair);
    const device = randomKey();
    const p = await srv.connect(srv.tokens.participant, { device, acceptRule: false });
    assert.equal(p.snapshot.you.rule_accepted, false);
    assert.equal((await p.command({ type: 'question.post', text: 'Hello?', lang: 'en' })).code, 'chr.ack_required');
    const other = await srv.connect(srv.tokens.participant);
    const q = (await other.command({ type: 'question.post', text: 'A question', lang: 'en' })).result.question.id;
    await chair.command({ type: 'question.approve', question: q });
    assert.equal((await p.command({ type: 'question.vote', question: q })).code, 'chr.ack_required');
    const twin = await srv.connect(srv.tokens.participant, { device, acceptRule: false });
    const ack = await p.command({ type: 'rule.accept' });
    assert.deepEqual([ack.type, ack.result], ['ack', { rule_accepted: true }]);
    await twin.next((m) => m.type === 'rule.accepted'); // the same participant's other tab
    const barrier = await srv.barrier(chair);
    await chair.nothing((m) => m.type === 'rule.accepted', barrier);
    await other.nothing((m) => m.type === 'rule.accepted', barrier);
    assert.equal((await p.command({ type: 'question.vote', question: q })).type, 'ack');
    const back = await srv.connect(srv.tokens.participant, { device, acceptRule: false });
    assert.equal(back.snapshot.you.rule_accepted, true, 'accepted once, remembered');
  } finally {
    await srv.stop();
  }
});

test('CHR-3: co-chairs and rapporteurs cannot tell whether two questions came from one person', async () => {
  // The same two questions, once from one participant and once from two; what moderation
  // receives must be the same bytes once seq is counted from the snapshot.
  async function observe(samePerson) {
    const srv = await startServer();
    try {
      const p1 = await srv.connect(srv.tokens.participant);
      const p2 = samePerson ? p1 : await srv.connect(srv.tokens.participant);
      if (samePerson) await srv.connect(srv.tokens.participant); // the same number of acceptances
      const chair = await srv.connect(srv.tokens.cochair);
      const rapporteur = await srv.connect(srv.tokens.rapporteur);
      const base = chair.snapshot.seq;
      const q1 = (await p1.command({ type: 'question.post', text: 'First question', lang: 'en' })).result.question.id;
      await p2.command({ type: 'question.post', text: 'Second question', lang: 'fr' });
      await chair.command({ type: 'question.approve', question: q1, id: 'approve-1' });
      const third = await srv.connect(srv.tokens.participant);
      await third.command({ type: 'question.vote', question: q1 });
      // The vote's count goes out last (votes.changed, at the end of its live window): once
      // both have it, they have everything.
      await until(() => [chair, rapporteur].every((c) => c.log.some((m) => m.type === 'votes.changed')),
        'the vote count reached moderation');
      const norm = (c) => JSON.stringify(c.log.filter((m) => m.type !== 'snapshot').map((m) => ({ ...m, seq: m.seq - base })));
      return [norm(chair), norm(rapporteur)];
    } finally {
      await srv.stop();
    }
  }
  const one = await observe(true);
  const two = await observe(false);
  assert.equal(one[0], two[0], 'co-chair');
  assert.equal(one[1], two[1], 'rapporteur');
  assert.ok(one[0].includes('Second question'));
});

test('deny-list command line: clear errors, nothing written to disk', async () => {
  const srv = await startServer({ keepData: true });
  try {
    const file = path.join(srv.dataDir, 'list.txt');
    fs.writeFileSync(file, Buffer.concat([Buffer.from('Good Name\n\n# comment\n'), Buffer.from([0xc3, 0x28, 0x0a])]));
    let r = await run(['denylist', srv.consultation, file, '--data', srv.dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /list\.txt:4: not a usable name/);
    fs.writeFileSync(file, 'Good Name\n');
    r = await run(['denylist', 'nosuchconsultation', file, '--data', srv.dataDir]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'roundtable: cannot give the deny-list to nosuchconsultation: no such consultation\n');
    r = await run(['denylist', srv.consultation, path.join(srv.dataDir, 'missing.txt'), '--data', srv.dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read/);
    await srv.stop();
    r = await run(['denylist', srv.consultation, file, '--data', srv.dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no server is running/);
    const db = fs.readFileSync(path.join(srv.dataDir, 'roundtable.db'));
    assert.equal(db.indexOf('Good Name'), -1);
  } finally {
    if (srv.proc.exitCode === null) await srv.stop();
    fs.rmSync(srv.dataDir, { recursive: true, force: true });
  }
});

test('a second server on the same data folder is refused; seal works with no server running', async () => {
  const srv = await startServer({ keepData: true });
  try {
    const second = await run(['serve', '--data', srv.dataDir, '--port', '0']);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /another server is running/);
    const p = await srv.connect(srv.tokens.participant);
    await p.command({ type: 'question.post', text: 'A question before the server stops', lang: 'en' });
    await srv.stop();
    const r = await run(['seal', srv.consultation, '--data', srv.dataDir]);
    assert.equal(r.code, 0, r.stderr);
    const db = path.join(srv.dataDir, 'roundtable.db');
    assert.equal(sql(db, 'SELECT sealed || participants FROM consultation'), '11');
    assert.equal(sql(db, 'SELECT count(*) FROM question WHERE author IS NOT NULL'), '0');
  } finally {
    if (srv.proc.exitCode === null) await srv.stop();
    fs.rmSync(srv.dataDir, { recursive: true, force: true });
  }
});
