// privacy-audit.test.mjs — the Chatham House Rule's threat model (CHR-3), played by the attacker it
// names: whoever holds the database, its WAL and shared-memory files (and copies of the WAL taken
// as the session ran), a backup taken mid-session, the server's configuration and standard error,
// and the organiser's complete printed list of links (every token and label). A real consultation
// runs with five invitations and the open link; participants post and vote. The attacker then
// recomputes every derivation the server's code uses or might use — HMAC-SHA-256 under the
// consultation's secret with every string literal in server/ as the domain, SHA-256 of raw and text
// tokens, of link hashes and of labels, truncations to 16 bytes, receipt keys built on each
// candidate — and looks for each in every byte of every file it holds, decoded hex and base64
// included; it tries the cheap ordering attacks (a table keeping invitations in the order they
// joined; the WAL's order of writes) and rows that hold a label next to a pseudonym. It must
// attribute nothing before the seal and nothing after it. The same search, given a device key that
// only a browser holds, finds that device's pseudonym, and the WAL's order attack finds a row
// written just before a pseudonym appears: the attacks can fail.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { openAgenda, parseMetrics, randomKey, repo, run, startServer, until } from '../lib/harness.mjs';

const INVITATIONS = 5;
// The order invitations connect in, by their place in the printed list: no invitation joins in
// its own place, so an order kept by creation (or label) never looks like the order of joining.
const JOIN_ORDER = [2, 0, 4, 1, 3];
const NEEDLE = 16; // bytes compared: a pseudonym's length (CORE_PSEUD_LEN)
// The word each participant gives the word cloud: one of their own, found nowhere else.
const WORDS = ['amberquill', 'bluefennel', 'cobaltmoss', 'duskwillow', 'emberfjord', 'frostlichen', 'garnetreed'];
// What the attacker took before the seal and still holds after it.
const TAKEN_BEFORE_SEAL = new Set(['backup.db', 'earlier copies of the WAL']);

const sha256 = (...parts) => crypto.createHash('sha256').update(Buffer.concat(parts)).digest();
const hmac = (key, ...parts) => crypto.createHmac('sha256', key).update(Buffer.concat(parts)).digest();
const hex = (b) => b.toString('hex');

// Rows of a query on a database file, read-only: [{ column: value }].
const query = (file, sql) => JSON.parse(execFileSync('sqlite3', ['-json', '-readonly', file, sql], { encoding: 'utf8' }) || '[]');

// Every table of a database file, cell by cell: [{ table, column, row, bytes }] (TEXT as UTF-8),
// with each row's place in the table's own order (rowid, or the primary key's).
function cells(file) {
  const q = (sql) => query(file, sql);
  const out = [];
  for (const { name } of q("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
    const cols = q(`SELECT name FROM pragma_table_info('${name}')`).map((c) => c.name);
    const sel = cols.map((c, i) => `typeof("${c}") AS t${i}, hex("${c}") AS h${i}`).join(', ');
    q(`SELECT ${sel} FROM "${name}"`).forEach((r, row) => cols.forEach((column, i) => {
      if (r[`t${i}`] === 'blob' || r[`t${i}`] === 'text') out.push({ table: name, column, row, bytes: Buffer.from(r[`h${i}`], 'hex') });
    }));
  }
  return out;
}

// The tables whose order of rows is an order of insertion: rowid tables, and tables keyed by an
// integer (an ordinal) rather than by content (a hash, a label).
function orderedTables(file) {
  const q = (sql) => query(file, sql);
  return q("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").filter(({ name, sql }) => {
    if (!/WITHOUT\s+ROWID/i.test(sql)) return true;
    return q(`SELECT type FROM pragma_table_info('${name}') WHERE pk > 0`).some((c) => /INT/i.test(c.type));
  }).map((t) => t.name);
}

// What hex and base64 text in b decodes to: a value stored as text is found as bytes too.
function decodings(b) {
  const s = b.toString('latin1');
  const out = [];
  for (const m of s.matchAll(/[0-9a-fA-F]{32,}/g)) {
    for (const at of [0, 1]) out.push(Buffer.from(m[0].slice(at, at + ((m[0].length - at) & ~1)), 'hex'));
  }
  for (const m of s.matchAll(/[A-Za-z0-9_-]{22,}/g)) out.push(Buffer.from(m[0], 'base64url'));
  for (const m of s.matchAll(/[A-Za-z0-9+/]{22,}={0,2}/g)) out.push(Buffer.from(m[0], 'base64'));
  return out;
}

// Where any needle (16 bytes, by hex) occurs in b or in what b's text decodes to: [hex].
function find(b, needles, first4) {
  const hits = new Set();
  for (const buf of [b, ...decodings(b)]) {
    for (let i = 0; i + NEEDLE <= buf.length; i++) {
      if (!first4.has(buf.readUInt32BE(i))) continue;
      const h = hex(buf.subarray(i, i + NEEDLE));
      if (needles.has(h)) hits.add(h);
    }
  }
  return [...hits];
}

// Every domain string a derivation in the server might use: each short string literal in
// server/, and the names a pseudonym could be given.
function domains() {
  const found = new Set(['', 'device', 'invitation', 'credential', 'pseudonym', 'participant', 'token', 'label', 'roundtable']);
  for (const text of serverSources(/\.[ch]$/)) for (const m of text.matchAll(/"([A-Za-z][A-Za-z0-9 ._:-]{0,39})"/g)) found.add(m[1]);
  return [...found];
}

// The text of every file under server/ whose name matches re.
function serverSources(re, dir = path.join(repo, 'server')) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return serverSources(re, p);
    return re.test(e.name) ? [fs.readFileSync(p, 'utf8')] : [];
  });
}

// The domains the server gives crypto_pseudonym, and the names a pseudonym could be given:
// the derivations whose value could be a sender's scope, under which receipts are kept.
function pseudonymDomains() {
  const found = new Set(['device', 'invitation', 'credential', 'pseudonym', 'participant']);
  for (const text of serverSources(/\.c$/)) for (const m of text.matchAll(/crypto_pseudonym\([^,;]*,\s*"([^"]*)"/g)) found.add(m[1]);
  return found;
}

// The values an attacker can compute from `forms` (named byte strings it holds for one
// invitation or device), with each secret in `keys`: [{ how, bytes }].
function derive(forms, keys, doms, scopes) {
  const out = [];
  for (const [form, f] of Object.entries(forms)) {
    out.push({ how: `${form}`, bytes: f });
    out.push({ how: `SHA-256(${form})`, bytes: sha256(f) });
    for (const d of doms) {
      const db = Buffer.from(d);
      out.push({ how: `SHA-256("${d}" 0 ${form})`, bytes: sha256(db, Buffer.from([0]), f) });
      out.push({ how: `SHA-256("${d}" ${form})`, bytes: sha256(db, f) });
    }
    for (const k of keys) {
      out.push({ how: `HMAC(secret, ${form})`, bytes: hmac(k, f) });
      out.push({ how: `HMAC(${form}, secret)`, bytes: hmac(f, k) });
      for (const d of doms) {
        const db = Buffer.from(d);
        out.push({ how: `HMAC(secret, "${d}" 0 ${form})`, bytes: hmac(k, db, Buffer.from([0]), f), pseudonym: scopes.has(d) });
        out.push({ how: `HMAC(secret, "${d}" ${form})`, bytes: hmac(k, db, f) });
      }
    }
  }
  return out.filter((v) => v.bytes.length >= NEEDLE);
}

// The command ids in the kept acks (receipt.ack): with a candidate pseudonym, the attacker can
// recompute a receipt's key, SHA-256(scope ‖ id), and read what that ack answered.
function receiptIds(all) {
  const ids = new Set();
  for (const c of all) {
    if (c.table !== 'receipt' || c.column !== 'ack') continue;
    try {
      const id = JSON.parse(c.bytes.toString('utf8')).id;
      if (typeof id === 'string') ids.add(id);
    } catch { /* not JSON: nothing to read */ }
  }
  return [...ids];
}

// The attack on what the attacker holds (`loot`: { sources: { name: Buffer }, dbs: [file] }),
// for each of `targets` ({ who, forms }): [{ who, how, where }], every derivation found.
function attack(loot, targets) {
  const all = loot.dbs.flatMap((f) => cells(f));
  const keys = new Map();
  for (const c of all) if (c.table === 'consultation' && c.column === 'secret' && c.bytes.length === 32) keys.set(hex(c.bytes), c.bytes);
  const doms = domains();
  const scopes = pseudonymDomains();
  const ids = receiptIds(all);
  // What the links' table holds by design (PL-2): each link's hash, next to its label; and the
  // join codes' table, the open link's token, which the stage shows to everyone.
  const linkHashes = new Set(all.filter((c) => (c.table === 'token' && c.column === 'hash') || (c.table === 'join_code' && c.column === 'token'))
    .map((c) => hex(c.bytes.subarray(0, NEEDLE))));
  const needles = new Map();
  const add = (who, how, bytes) => {
    const h = hex(bytes.subarray(0, NEEDLE));
    if (linkHashes.has(h)) return;
    if (!needles.has(h)) needles.set(h, []);
    needles.get(h).push({ who, how });
  };
  let derivations = 0;
  for (const { who, forms } of targets) {
    for (const v of derive(forms, [...keys.values()], doms, scopes)) {
      derivations++;
      add(who, v.how, v.bytes);
      if (!v.pseudonym) continue;
      // A receipt's key for a sender whose scope is this value (a pseudonym, zero-padded).
      for (const scope of [Buffer.concat([v.bytes.subarray(0, NEEDLE), Buffer.alloc(32 - NEEDLE)]), v.bytes]) {
        for (const id of ids) {
          derivations++;
          add(who, `SHA-256(${v.how} ‖ id)`, sha256(scope, Buffer.from(id)));
        }
      }
    }
  }
  const first4 = new Set([...needles.keys()].map((h) => Buffer.from(h, 'hex').readUInt32BE(0)));
  const claims = [];
  for (const [where, bytes] of Object.entries(loot.sources)) {
    for (const h of find(bytes, needles, first4)) for (const n of needles.get(h)) claims.push({ ...n, where });
  }
  return { claims, derivations, keys: keys.size, domains: doms.length, receipts: ids.length };
}

// What the organiser's printed output gives the attacker: every link's token, and each
// invitation's label with its token.
function printedTokens(links) {
  const text = JSON.stringify(links);
  return [...new Set([...text.matchAll(/[#.]([A-Za-z0-9_-]{22})(?![A-Za-z0-9_-])/g)].map((m) => m[1]))];
}

function formsOfToken(token, label) {
  const raw = Buffer.from(token, 'base64url');
  const forms = { 'raw token': raw, 'token text': Buffer.from(token), 'token hash': sha256(raw) };
  if (label) forms.label = Buffer.from(label);
  return forms;
}

// Copies the files the attacker holds now (the database, its WAL and shared memory) into dir.
function takeFiles(dataDir, dir, tag) {
  fs.mkdirSync(dir, { recursive: true });
  const out = {};
  for (const f of fs.readdirSync(dataDir).filter((n) => n.startsWith('roundtable.db'))) {
    fs.copyFileSync(path.join(dataDir, f), path.join(dir, f));
    out[`${tag} ${f}`] = fs.readFileSync(path.join(dir, f));
  }
  return out;
}

// The WAL's frames in the order they were written: [{ key, page, commit, data }], only frames
// of its current salt (earlier ones were checkpointed: the file restarts with a new salt).
function walFrames(b) {
  if (!b || b.length < 32) return [];
  const size = b.readUInt32BE(8);
  const salt = [b.readUInt32BE(16), b.readUInt32BE(20)];
  const frames = [];
  for (let at = 32; at + 24 + size <= b.length; at += 24 + size) {
    if (b.readUInt32BE(at + 8) !== salt[0] || b.readUInt32BE(at + 12) !== salt[1]) break;
    frames.push({ key: `${salt.join('.')}:${at}`, page: b.readUInt32BE(at), commit: b.readUInt32BE(at + 4) !== 0, data: b.subarray(at + 24, at + 24 + size) });
  }
  return frames;
}

// The history of writes an attacker who copies the WAL now and then can put together: the
// frames of every copy, each once, in order.
function walHistory(copies) {
  const seen = new Set();
  return copies.flatMap((b) => walFrames(b)).filter((f) => !seen.has(f.key) && seen.add(f.key));
}

const walOf = (dataDir) => {
  const f = path.join(dataDir, 'roundtable.db-wal');
  return fs.existsSync(f) ? fs.readFileSync(f) : null;
};

// The WAL's order attack: an invitation's row (its label, token or hash: `markers`, [[who,
// [Buffer]]]) written, and no other's, in the commits since a pseudonym last first appeared up
// to the commit where one new pseudonym (`pseudonyms`, { who: Buffer }) first appears; a claim
// when the two are the same participant. { claims, seen: pseudonyms found }.
function walOrder(frames, markers, pseudonyms) {
  const claims = [];
  const last = new Map(); // page -> its previous content
  let window = new Set(); // the invitations written since a pseudonym last first appeared
  const seen = new Set();
  let commit = [];
  for (const f of frames) {
    commit.push(f);
    if (!f.commit) continue;
    const fresh = new Set();
    for (const g of commit) {
      const prev = last.get(g.page);
      for (const [who, ms] of markers) {
        for (const m of ms) {
          // The row around the value, wherever the page keeps it: changed, or new here.
          const around = (b) => {
            const at = b ? b.indexOf(m) : -1;
            return at < 0 ? null : b.subarray(Math.max(0, at - 12), at + m.length + 24);
          };
          const now = around(g.data);
          const before = around(prev);
          if (now && (!before || !before.equals(now))) window.add(who);
        }
      }
      last.set(g.page, Buffer.from(g.data));
      for (const [who, p] of Object.entries(pseudonyms)) if (!seen.has(who) && g.data.indexOf(p) >= 0) fresh.add(who);
    }
    commit = [];
    if (!fresh.size) continue;
    fresh.forEach((w) => seen.add(w));
    const [written] = window;
    const [appeared] = fresh;
    if (window.size === 1 && fresh.size === 1 && written === appeared) {
      claims.push(`WAL: ${written} written in or just before the commit where its pseudonym first appears`);
    }
    window = new Set();
  }
  return { claims, seen: seen.size };
}

const S = {}; // the scenario: what happened (the truth) and what the attacker holds (the loot)

before(async () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-audit-'));
  const conf = path.join(work, 'roundtable.conf');
  fs.writeFileSync(conf, '# the operator\'s configuration\nlog-level = info\nlog-format = text\nlive-window = 200\n');
  const srv = await startServer({ invitations: INVITATIONS, keepData: true, serveArgs: ['--config', conf] });
  const db = path.join(srv.dataDir, 'roundtable.db');
  S.srv = srv;
  S.work = work;
  const printed = Buffer.from(JSON.stringify(srv.links, null, 2));
  S.printed = printedTokens(srv.links);
  for (const t of [...srv.tokens.invitations, srv.tokens.participant, srv.tokens.cochair]) assert.ok(S.printed.includes(t), t);
  S.labels = Array.from({ length: INVITATIONS }, (_, i) => `invitation ${i + 1}`);

  const chair = await srv.connect(srv.tokens.cochair);
  const truth = new Map(); // question id -> who posted it ('invitation 3', 'device A')
  const post = async (p, who, text) => {
    const r = await p.command({ type: 'question.post', text, lang: 'en' });
    assert.equal(r.type, 'ack', JSON.stringify(r));
    truth.set(r.result.question.id, who);
    assert.equal((await chair.command({ type: 'question.approve', question: r.result.question.id })).type, 'ack');
    return r.result.question.id;
  };
  // Invitations join in JOIN_ORDER, each accepting the Rule and posting at once.
  const people = {};
  // The attacker copies the WAL now and then (a snapshot of the disk): here after each join.
  const walCopies = [];
  for (const i of JOIN_ORDER) {
    people[S.labels[i]] = await srv.connect(srv.tokens.invitations[i]);
    walCopies.push(walOf(srv.dataDir));
    await post(people[S.labels[i]], S.labels[i], `What does the treaty say about point ${i + 1}?`);
    walCopies.push(walOf(srv.dataDir));
  }
  // The open link: two devices, whose keys only their browsers hold.
  S.devices = { 'device A': randomKey(), 'device B': randomKey() };
  for (const [who, device] of Object.entries(S.devices)) people[who] = await srv.connect(srv.tokens.participant, { device });
  await post(people['device A'], 'device A', 'How are journalists protected?');
  await post(people['device B'], 'device B', 'Will the report name the states that objected?');
  await post(people['device A'], 'device A', 'And security researchers?');
  const vote = async (who, q) => assert.equal((await people[who].command({ type: 'question.vote', question: q })).type, 'ack');
  const ids = [...truth.keys()];
  for (const [n, who] of Object.keys(people).entries()) {
    for (const q of ids.filter((id, k) => truth.get(id) !== who && (k + n) % 2 === 0)) await vote(who, q);
  }
  // POLL-1: everyone answers a word cloud (a word of their own) and a single choice, both open
  // until the seal, and a second single choice that a co-chair closes before it. FLOOR-1: four
  // ask for the floor, each in a language; a co-chair calls the first.
  const everyone = [...JOIN_ORDER.map((i) => S.labels[i]), 'device A', 'device B'];
  const poll = async (kind, en, options) => {
    const r = await chair.command({ type: 'poll.create', kind, text: { en }, ...(options ? { options: options.map((o) => ({ en: o })) } : {}) });
    assert.equal(r.type, 'ack', JSON.stringify(r));
    assert.equal((await chair.command({ type: 'poll.open', poll: r.result.poll })).type, 'ack');
    return r.result.poll;
  };
  S.polls = { cloud: await poll('words', 'One word for the treaty'), choice: await poll('single', 'Ratify it?', ['Yes', 'No']), closed: await poll('single', 'Meet again?', ['Yes', 'No', 'Later']) };
  S.words = {};
  for (const [k, who] of everyone.entries()) {
    S.words[who] = WORDS[k];
    const answer = async (body) => {
      const r = await people[who].command({ type: 'poll.answer', ...body });
      assert.equal(r.type, 'ack', `${who}: ${JSON.stringify(r)}`);
    };
    await answer({ poll: S.polls.cloud, words: [WORDS[k]] });
    await answer({ poll: S.polls.choice, choices: [k % 2] });
    await answer({ poll: S.polls.closed, choices: [k % 3] });
  }
  assert.equal((await chair.command({ type: 'poll.close', poll: S.polls.closed })).type, 'ack');
  S.speakers = [[S.labels[JOIN_ORDER[0]], 'ar'], [S.labels[JOIN_ORDER[3]], 'fr'], ['device A', 'en'], ['device B', 'fr']];
  for (const [who, lang] of S.speakers) {
    const r = await people[who].command({ type: 'speaker.request', lang });
    assert.equal(r.type, 'ack', `${who}: ${JSON.stringify(r)}`);
  }
  const called = await chair.command({ type: 'speaker.call' });
  assert.equal(called.type, 'ack');
  S.callAck = called.id; // the co-chair's ack, under the co-chair link's scope
  // The operator's backup, mid-session; then the session goes on.
  S.backup = path.join(work, 'backup.db');
  const b = await run(['backup', srv.consultation, S.backup, '--data', srv.dataDir]);
  assert.equal(b.code, 0, b.stderr);
  for (const i of JOIN_ORDER.slice(0, 3)) await post(people[S.labels[i]], S.labels[i], `A follow-up on point ${i + 1}`);
  await post(people['device B'], 'device B', 'What happens to data shared across borders?');
  for (const id of [...truth.keys()].slice(ids.length)) for (const who of ['device A', S.labels[JOIN_ORDER[4]]]) if (truth.get(id) !== who) await vote(who, id);
  S.truth = truth;

  const inputs = { 'printed links': printed, configuration: fs.readFileSync(conf) };
  const backup = { 'backup.db': fs.readFileSync(S.backup), 'earlier copies of the WAL': Buffer.concat(walCopies.filter(Boolean)) };
  const pre = takeFiles(srv.dataDir, path.join(work, 'pre'), 'live');
  S.pre = { sources: { ...pre, ...backup, 'server stderr': Buffer.from(srv.stderr) }, dbs: [path.join(work, 'pre', 'roundtable.db'), S.backup], inputs };
  S.wal = walHistory([...walCopies, pre['live roundtable.db-wal']]);
  // The truth the attacker is after: each participant's pseudonym, as the database holds it.
  const authors = JSON.parse(execFileSync('sqlite3', ['-json', db, 'SELECT id, hex(author) AS a FROM question'], { encoding: 'utf8' }));
  S.pseudonymOf = {};
  for (const { id, a } of authors) {
    const who = truth.get(id);
    assert.ok(!S.pseudonymOf[who] || S.pseudonymOf[who] === a, `${who} has one pseudonym`);
    S.pseudonymOf[who] = a;
  }

  // CHR-5: the seal, while the server runs; the attacker takes the files again, live and after
  // the server stopped, with its whole standard error.
  const sealed = await run(['seal', srv.consultation, '--data', srv.dataDir]);
  assert.equal(sealed.code, 0, sealed.stderr);
  await chair.next((m) => m.type === 'consultation.sealed');
  // The operator's backup, after the seal: the attacker holds it too.
  S.sealedBackup = path.join(work, 'sealed-backup.db');
  const sb = await run(['backup', srv.consultation, S.sealedBackup, '--data', srv.dataDir]);
  assert.equal(sb.code, 0, sb.stderr);
  const live = takeFiles(srv.dataDir, path.join(work, 'post-live'), 'sealed live');
  await srv.stop();
  const stopped = takeFiles(srv.dataDir, path.join(work, 'post'), 'sealed');
  S.post = {
    sources: { ...live, ...stopped, ...backup, 'backup after the seal': fs.readFileSync(S.sealedBackup), 'server stderr': Buffer.from(srv.stderr) },
    dbs: [path.join(work, 'post', 'roundtable.db'), S.backup, S.sealedBackup],
    inputs,
  };
  S.sealedDb = path.join(work, 'post', 'roundtable.db');
});

after(async () => {
  if (S.srv?.proc && S.srv.proc.exitCode === null && S.srv.proc.signalCode === null) await S.srv.kill();
  if (S.srv) fs.rmSync(S.srv.dataDir, { recursive: true, force: true });
  if (S.work) fs.rmSync(S.work, { recursive: true, force: true });
});

// What the attacker derives from: every printed token (each invitation's with its label), and
// every token or key-shaped string in the configuration.
function attackerTargets(loot) {
  const targets = [];
  S.printed.forEach((t) => {
    const i = S.srv.tokens.invitations.indexOf(t);
    targets.push({ who: i >= 0 ? S.labels[i] : `link ${t.slice(0, 4)}…`, forms: formsOfToken(t, i >= 0 ? S.labels[i] : null) });
  });
  const conf = loot.inputs.configuration.toString();
  for (const m of conf.matchAll(/[A-Za-z0-9_+/=-]{16,}/g)) targets.push({ who: 'configuration', forms: { [m[0]]: Buffer.from(m[0]) } });
  return targets;
}

function report(label, r) {
  console.log(`${label}: ${r.derivations} derivations (${r.domains} domains, ${r.keys} secret(s), ${r.receipts} receipt ids) `
    + `searched in ${Object.keys(label.includes('after') ? S.post.sources : S.pre.sources).length} sources; ${r.claims.length} found`);
}

// Claims, one line per kind: 'invitation 3: HMAC(…) found in backup.db (4 times)'.
function lines(claims) {
  const n = new Map();
  for (const c of claims) {
    const k = `${c.who}: ${c.how} found in ${c.where}`;
    n.set(k, (n.get(k) || 0) + 1);
  }
  return [...n].map(([k, count]) => (count > 1 ? `${k} (${count} times)` : k)).sort();
}
const describe = (claims) => lines(claims).join('\n');

test('CHR-3: before the seal, nothing the attacker holds ties an invitation or a link to a question or a vote', () => {
  const r = attack(S.pre, attackerTargets(S.pre));
  report('before the seal', r);
  assert.equal(r.keys, 1, 'the attacker has the consultation\'s secret from the database');
  assert.deepEqual(lines(r.claims), [], 'attributed before the seal');
});

test('CHR-3, CHR-5: after the seal, nothing the attacker holds (a mid-session backup included) ties an invitation to anything', () => {
  const r = attack(S.post, attackerTargets(S.post));
  report('after the seal', r);
  assert.equal(r.keys, 1, 'the mid-session backup still holds the secret');
  assert.deepEqual(lines(r.claims), [], 'attributed after the seal');
});

test('the search can fail: given a device key, which only its browser holds, it finds that device\'s pseudonym', () => {
  const targets = Object.entries(S.devices).map(([who, key]) => ({ who, forms: { 'device key': Buffer.from(key, 'base64url') } }));
  const found = attack(S.pre, targets).claims;
  for (const who of Object.keys(S.devices)) {
    assert.ok(found.some((c) => c.who === who && c.how === 'HMAC(secret, "device" 0 device key)' && c.where === 'live roundtable.db-wal'),
      `${who}'s pseudonym is found in the WAL:\n${describe(found)}`);
    assert.ok(found.some((c) => c.who === who && c.where === 'backup.db'), `and in the backup`);
    assert.deepEqual(found.filter((c) => c.who === who && c.how === 'device key'), [], 'the key itself is stored nowhere');
    const p = S.pseudonymOf[who];
    assert.equal(hex(hmac(Buffer.from(execFileSync('sqlite3', [S.backup, 'SELECT hex(secret) FROM consultation'], { encoding: 'utf8' }).trim(), 'hex'),
      Buffer.from('device\0'), Buffer.from(S.devices[who], 'base64url'))).slice(0, 32).toUpperCase(), p);
  }
  // After the seal the secret is gone from the database, not from the backup taken before it.
  const sealedOnly = attack({ ...S.post, sources: Object.fromEntries(Object.entries(S.post.sources).filter(([k]) => !TAKEN_BEFORE_SEAL.has(k))), dbs: [S.sealedDb] }, targets);
  assert.equal(sealedOnly.keys, 0);
  assert.deepEqual(lines(sealedOnly.claims), []);
});

test('CHR-3: no ordering ties an invitation to a pseudonym: neither the tables\' order nor the WAL\'s order of writes', () => {
  const labelOf = (i) => S.labels[i];
  const joined = JOIN_ORDER.map(labelOf);
  // The pseudonyms in the order they first appear (by question number, which is public).
  const firstSeen = [...S.truth.entries()].sort(([a], [b]) => a - b).map(([, who]) => who)
    .filter((w, k, all) => all.indexOf(w) === k && S.labels.includes(w));
  assert.deepEqual(firstSeen, joined, 'the scenario: invitations post first in the order they joined');
  const markers = S.labels.map((l, i) => {
    const raw = Buffer.from(S.srv.tokens.invitations[i], 'base64url');
    return [Buffer.from(l), Buffer.from(S.srv.tokens.invitations[i]), sha256(raw)];
  });
  const whose = (b) => markers.map((ms, i) => (ms.some((m) => [b, ...decodings(b)].some((x) => x.indexOf(m) >= 0)) ? i : -1))
    .filter((i) => i >= 0);
  const claims = [];
  // 1. A table kept in order of insertion, with a row per invitation: its order against the
  // order in which pseudonyms first appear.
  for (const file of S.pre.dbs) {
    const ordered = new Set(orderedTables(file));
    const rows = new Map();
    for (const c of cells(file).filter((x) => ordered.has(x.table))) {
      for (const i of whose(c.bytes)) {
        const key = `${c.table}`;
        if (!rows.has(key)) rows.set(key, []);
        if (!rows.get(key).some(([, j]) => j === i)) rows.get(key).push([c.row, i]);
      }
    }
    for (const [table, list] of rows) {
      list.sort((a, b) => a[0] - b[0]).forEach(([, i], k) => {
        if (k < firstSeen.length && firstSeen[k] === labelOf(i)) claims.push(`${path.basename(file)} ${table}: row ${k} is ${labelOf(i)}`);
      });
    }
  }
  // 2. The WAL: a row of an invitation's written (a link used, a credential drawn, a time
  // counted) in the commit where a pseudonym first appears, or in the commits just before it.
  const pseudonyms = Object.fromEntries(Object.entries(S.pseudonymOf).map(([who, h]) => [who, Buffer.from(h, 'hex')]));
  const wal = walOrder(S.wal, markers.map((ms, i) => [labelOf(i), ms]), pseudonyms);
  claims.push(...wal.claims);
  assert.ok(S.wal.length > 10, `the WAL holds the session's writes (${S.wal.length} frames)`);
  assert.equal(wal.seen, Object.keys(pseudonyms).length, 'every pseudonym is seen in the WAL');
  // 3. A row holding an invitation's label, token or hash next to a pseudonym.
  for (const file of S.pre.dbs) {
    const all = cells(file);
    const byRow = new Map();
    for (const c of all) {
      const k = `${c.table}#${c.row}`;
      if (!byRow.has(k)) byRow.set(k, []);
      byRow.get(k).push(c);
    }
    for (const [k, row] of byRow) {
      const invitations = row.flatMap((c) => whose(c.bytes));
      const named = Object.entries(pseudonyms).filter(([, p]) => row.some((c) => [c.bytes, ...decodings(c.bytes)].some((x) => x.indexOf(p) >= 0)));
      if (invitations.length && named.length) claims.push(`${path.basename(file)} ${k}: ${invitations.map(labelOf)} beside ${named.map(([w]) => w)}`);
    }
  }
  assert.deepEqual(claims, []);
});

test('the WAL order attack itself finds a row written for an invitation just before its pseudonym appears', () => {
  const page = (n, ...parts) => ({ page: n, data: Buffer.concat([Buffer.alloc(40), ...parts, Buffer.alloc(40)]) });
  const a = crypto.randomBytes(16);
  const b = crypto.randomBytes(16);
  const markers = [['invitation 1', [Buffer.from('invitation 1')]], ['invitation 2', [Buffer.from('invitation 2')]]];
  const frames = [
    { ...page(3, Buffer.from('invitation 1 drawn 1')), commit: true }, // the invitation's row, alone
    { ...page(7, a), commit: true }, // then its pseudonym's first row
    { ...page(3, Buffer.from('invitation 1 drawn 1'), Buffer.alloc(64), Buffer.from('invitation 2 drawn 1')), commit: false },
    { ...page(7, a, b), commit: true }, // both in one commit: the second one's
  ];
  const found = walOrder(frames, markers, { 'invitation 1': a, 'invitation 2': b });
  assert.deepEqual(found.claims, ['WAL: invitation 1 written in or just before the commit where its pseudonym first appears',
    'WAL: invitation 2 written in or just before the commit where its pseudonym first appears']);
  // Two invitations written in the window: no claim.
  const both = [{ ...page(3, Buffer.from('invitation 1 invitation 2')), commit: true }, { ...page(7, a), commit: true }];
  assert.deepEqual(walOrder(both, markers, { 'invitation 1': a }).claims, []);
});

test('CHR-3: the open link — before the seal the database groups a device\'s questions and votes under one pseudonym, and says nothing of the device; after it, not even that', () => {
  const q = query;
  const pre = S.pre.dbs[0];
  const authorOf = Object.fromEntries(q(pre, 'SELECT id, hex(author) AS a FROM question').map(({ id, a }) => [id, a]));
  const byDevice = (who) => [...S.truth].filter(([, w]) => w === who).map(([id]) => authorOf[id]);
  const a = byDevice('device A');
  const b = byDevice('device B');
  // What CHR-3 allows while live: one participant's questions and votes share a pseudonym.
  assert.equal(a.length, 2);
  assert.equal(new Set(a).size, 1, 'device A\'s two questions share a pseudonym');
  assert.equal(new Set(b).size, 1, 'device B\'s two questions share a pseudonym');
  assert.notEqual(a[0], b[0]);
  const everyPseudonym = new Set(Object.values(S.pseudonymOf));
  assert.equal(everyPseudonym.size, INVITATIONS + 2, 'every participant has a pseudonym of their own');
  assert.ok(q(pre, `SELECT count(*) AS n FROM vote WHERE hex(voter) = '${a[0]}'`)[0].n > 0, 'device A\'s votes are grouped with its questions');
  // What it does not allow: anything the attacker holds that names the device. The only
  // open-link value it holds is the open link's token, which every device shares.
  const open = attack(S.pre, [{ who: 'the open link', forms: formsOfToken(S.srv.tokens.participant) }]).claims;
  assert.deepEqual(lines(open), []);
  // After the seal the database holds no pseudonym, so not even the grouping.
  const sealed = S.sealedDb;
  assert.equal(q(sealed, 'SELECT count(*) AS n FROM question WHERE author IS NOT NULL')[0].n, 0);
  for (const t of ['vote', 'acceptance', 'receipt', 'parked_vote', 'poll_answer']) assert.equal(q(sealed, `SELECT count(*) AS n FROM ${t}`)[0].n, 0, t);
  const bytes = Object.entries(S.post.sources).filter(([k]) => !TAKEN_BEFORE_SEAL.has(k));
  for (const p of everyPseudonym) {
    for (const [where, buf] of bytes) assert.equal(buf.indexOf(Buffer.from(p, 'hex')), -1, `a pseudonym in ${where} after the seal`);
  }
});

// The columns of every table of a database file: ['table.column'].
const columnsOf = (file) => query(file, "SELECT m.name || '.' || p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'").map((r) => r.c);

test('CHR-3, POLL-1, FLOOR-1: before the seal, an open poll\'s answers are kept by pseudonym like votes; a closed poll\'s are totals; no ticket is stored', () => {
  const pre = S.pre.dbs[0];
  const everyone = Object.keys(S.words);
  assert.equal(everyone.length, INVITATIONS + 2);
  // What CHR-3 allows while a poll is open: one answer row per participant, under the pseudonym
  // of their questions and votes (so that they can change it), and nothing else of them.
  for (const file of S.pre.dbs) {
    for (const id of [S.polls.cloud, S.polls.choice]) {
      const rows = query(file, `SELECT hex(who) AS w FROM poll_answer WHERE poll = ${id}`).map((r) => r.w).sort();
      assert.deepEqual(rows, everyone.map((who) => S.pseudonymOf[who]).sort(), `${path.basename(file)}: poll ${id}'s answers by pseudonym`);
    }
    const cols = columnsOf(file).filter((c) => c.startsWith('poll_answer.'));
    assert.deepEqual(cols, ['poll_answer.consultation', 'poll_answer.poll', 'poll_answer.who', 'poll_answer.choices', 'poll_answer.value',
      'poll_answer.word1', 'poll_answer.word2', 'poll_answer.word3']);
  }
  const cloud = Object.fromEntries(query(pre, `SELECT hex(who) AS w, word1 FROM poll_answer WHERE poll = ${S.polls.cloud}`).map((r) => [r.w, r.word1]));
  for (const who of everyone) assert.equal(cloud[S.pseudonymOf[who]], S.words[who], `${who}'s word, beside their pseudonym only`);
  // A poll closed before the seal: its totals, and no answer row, in the live files and the backup.
  for (const file of S.pre.dbs) {
    assert.equal(query(file, `SELECT count(*) AS n FROM poll_answer WHERE poll = ${S.polls.closed}`)[0].n, 0, `${path.basename(file)}: a closed poll's answers`);
    assert.deepEqual(query(file, `SELECT state, respondents, counts FROM poll WHERE id = ${S.polls.closed}`), [{ state: 'closed', respondents: everyone.length, counts: '3 2 2 0 0 0 0 0 0 0' }]); // per option slot
  }
  // The list of speakers lives in memory: no table has a ticket or a speaker, only counts.
  for (const file of S.pre.dbs) {
    const cols = columnsOf(file);
    assert.deepEqual(cols.filter((c) => /ticket|speaker/i.test(c)), ['speaker_count.consultation', 'speaker_count.segment', 'speaker_count.lang', 'speaker_count.requested', 'speaker_count.taken']);
  }
  // No participant's kept ack carries a ticket (a receipt is keyed by its sender's scope, which
  // a pseudonym and the ack's id recompute): the only one is the co-chair's call. And no
  // answer's ack is kept: the only kept acks naming a poll are the co-chair's.
  for (const file of S.pre.dbs) {
    const acks = query(file, 'SELECT CAST(ack AS TEXT) AS ack FROM receipt').map((r) => r.ack);
    for (const ack of acks) assert.doesNotMatch(ack, /"mine"/, `a kept ack in ${path.basename(file)}`);
    assert.deepEqual(acks.filter((a) => /ticket/.test(a)).map((a) => JSON.parse(a).id), [S.callAck], `${path.basename(file)}: kept acks with a ticket`);
    const chairs = S.callAck.slice(0, S.callAck.lastIndexOf('-') + 1); // the co-chair client's ids
    const polls = acks.filter((a) => /"poll"/.test(a)).map((a) => JSON.parse(a).id);
    assert.equal(polls.length, 7, 'poll.create, poll.open three times each, and one poll.close');
    assert.deepEqual(polls.filter((id) => !id.startsWith(chairs)), [], `${path.basename(file)}: a participant's kept ack names a poll`);
  }
  // Nothing the server wrote on its standard error names a pseudonym or a word.
  for (const [who, p] of Object.entries(S.pseudonymOf)) assert.ok(!new RegExp(p, 'i').test(S.srv.stderr), `${who}'s pseudonym in the log`);
  for (const w of WORDS) assert.ok(!S.srv.stderr.includes(w), `${w} in the log`);
});

test('CHR-5, POLL-1, FLOOR-1: after the seal, no poll answer and no ticket is anyone\'s, in the files, a backup taken after it, or the report', async () => {
  const sealedFiles = [S.sealedDb, S.sealedBackup];
  const n = Object.keys(S.words).length;
  for (const file of sealedFiles) {
    const at = path.basename(file);
    assert.equal(query(file, 'SELECT count(*) AS n FROM poll_answer')[0].n, 0, `${at}: an answer row`);
    // Every poll closed by the seal, with its totals only.
    assert.deepEqual(query(file, 'SELECT id, state, respondents FROM poll ORDER BY id'),
      [S.polls.cloud, S.polls.choice, S.polls.closed].map((id) => ({ id, state: 'closed', respondents: n })));
    assert.deepEqual(query(file, `SELECT counts FROM poll WHERE id = ${S.polls.choice}`), [{ counts: '4 3 0 0 0 0 0 0 0 0' }]);
    // A cloud's words are totals: a word and how many wrote it, nothing beside them.
    assert.deepEqual(columnsOf(file).filter((c) => c.startsWith('poll_word.')), ['poll_word.consultation', 'poll_word.poll', 'poll_word.word', 'poll_word.count']);
    for (const r of query(file, 'SELECT word, count FROM poll_word')) assert.ok(WORDS.includes(r.word) && r.count === 1, JSON.stringify(r));
    // The list of speakers: how many asked and were called, by language; no ticket anywhere.
    assert.deepEqual(columnsOf(file).filter((c) => /ticket|speaker/i.test(c)), ['speaker_count.consultation', 'speaker_count.segment', 'speaker_count.lang', 'speaker_count.requested', 'speaker_count.taken']);
    assert.deepEqual(query(file, 'SELECT lang, requested, taken FROM speaker_count ORDER BY lang'),
      [{ lang: 'ar', requested: 1, taken: 1 }, { lang: 'en', requested: 1, taken: 0 }, { lang: 'fr', requested: 2, taken: 0 }]);
  }
  // No pseudonym is left beside a poll, a word or a ticket: none is left anywhere the attacker
  // took after the seal (the database, its WAL, the backup taken after the seal, the log).
  const after = Object.entries(S.post.sources).filter(([k]) => !TAKEN_BEFORE_SEAL.has(k));
  assert.ok(after.some(([k]) => k === 'backup after the seal'));
  for (const [who, p] of Object.entries(S.pseudonymOf)) {
    for (const [where, buf] of after) {
      assert.equal(buf.indexOf(Buffer.from(p, 'hex')), -1, `${who}'s pseudonym in ${where}`);
      assert.equal(buf.indexOf(Buffer.from(p.toLowerCase())), -1, `${who}'s pseudonym as text in ${where}`);
    }
  }
  // The report: totals only. Each word was written by one respondent: none is published; the
  // single choice's counts are below the threshold; no ticket, no pseudonym.
  for (const format of ['md', 'json', 'csv', 'html']) {
    const r = await run(['export', S.srv.consultation, '--data', S.srv.dataDir, '--format', format]);
    assert.equal(r.code, 0, r.stderr);
    for (const w of WORDS) assert.ok(!r.stdout.includes(w), `${w} in the ${format} report`);
    assert.doesNotMatch(r.stdout, /ticket|speaker \d/i, `a ticket in the ${format} report`);
    for (const p of Object.values(S.pseudonymOf)) assert.ok(!new RegExp(p, 'i').test(r.stdout), `a pseudonym in the ${format} report`);
    if (format === 'json') {
      const report = JSON.stringify(JSON.parse(r.stdout));
      // Seven different words, each below the threshold: the total and no word.
      assert.ok(report.includes(`"poll_${S.polls.cloud}":{"cells":[],"total":${n}}`), report);
      assert.ok(report.includes(`"poll_${S.polls.choice}":{"cells":[{"label":"Yes","answers":{"fewer_than":5}},{"label":"No","answers":{"fewer_than":5}}],"total":${n}}`), report);
    }
  }
});

// Presence: the connected time of each invitation (attendance, by label) is counted in memory
// while the session is in session and written once, for everyone, when its window closes. Were
// it written when an invitation leaves (or for whoever is connected on a beat), the WAL would
// keep the order of those writes among the commits that store questions: an invitation gone
// before others go on posting is not their author, and with few participants that leaves one
// candidate. Here an invitation leaves mid-session while the others go on posting; the session
// (one segment of one minute) then ends by itself, and the attacker reads the WAL.
test('CHR-3: presence — the WAL\'s order of attendance saves and questions ties no invitation to a pseudonym', { timeout: 180000 }, async () => {
  const agenda = { ...openAgenda, segments: [{ ...openAgenda.segments[0], duration: 1, questions: true }] };
  const srv = await startServer({ invitations: 4, keepData: true, agenda });
  try {
    const chair = await srv.connect(srv.tokens.cochair);
    assert.equal((await chair.command({ type: 'clock.start' })).type, 'ack', 'in session: attendance counts');
    const labels = srv.tokens.invitations.map((_, i) => `invitation ${i + 1}`);
    const people = [];
    const texts = new Map(); // question text -> who
    const post = async (i, text) => {
      const r = await people[i].command({ type: 'question.post', text, lang: 'en' });
      assert.equal(r.type, 'ack', JSON.stringify(r));
      texts.set(text, labels[i]);
    };
    for (const [i, token] of srv.tokens.invitations.entries()) {
      people.push(await srv.connect(token));
      await post(i, `PRESENCE-${i}-first: what of article ${i + 3}?`);
    }
    // The first invitation leaves, and the server has let it go (the operators' count of
    // participants' connections says so). The others go on.
    people[0].close();
    await people[0].closed;
    const participants = async () => parseMetrics(await (await fetch(`${srv.baseUrl}metrics`)).text()).get('roundtable_connections{role="participant"}');
    await until(async () => (await participants()) === labels.length - 1, 'the departure seen by the server');
    for (const i of [1, 2, 3]) await post(i, `PRESENCE-${i}-later: and of article ${i + 10}?`);
    // The session's one minute ends by itself: everyone's time is written then.
    const db = path.join(srv.dataDir, 'roundtable.db');
    const rows = () => JSON.parse(execFileSync('sqlite3', ['-json', db, 'SELECT label, attended_ms FROM attendance'], { encoding: 'utf8' }) || '[]');
    await until(() => rows().length === labels.length, 'attendance written at the end of the session', { timeoutMs: 120000, every: 250 });
    const ms = Object.fromEntries(rows().map((r) => [r.label, r.attended_ms]));
    assert.ok(ms[labels[0]] < ms[labels[1]], `the one who left attended less: ${JSON.stringify(ms)}`);

    // The attacker: the WAL's commits in order; each question's first commit (its text, read
    // from the database); each invitation's attendance row written (its label).
    const frames = walFrames(walOf(srv.dataDir));
    const authors = Object.fromEntries(JSON.parse(execFileSync('sqlite3', ['-json', db, 'SELECT text, hex(author) AS a FROM question'], { encoding: 'utf8' }))
      .map(({ text, a }) => [text, a]));
    let commit = 0;
    const firstSeen = new Map(); // question text -> commit
    const left = new Map(); // label -> commit of its first attendance save
    for (const f of frames) {
      for (const text of Object.keys(authors)) if (!firstSeen.has(text) && f.data.indexOf(Buffer.from(text)) >= 0) firstSeen.set(text, commit);
      for (const l of labels) if (!left.has(l) && f.data.indexOf(Buffer.from(l)) >= 0) left.set(l, commit);
      if (f.commit) commit++;
    }
    // The attacker sees every invitation's row: the attack has what it needs to work with.
    assert.deepEqual([...left.keys()].sort(), [...labels].sort());
    const claims = [];
    for (const [label, at] of left) {
      const before = new Set([...firstSeen].filter(([, c]) => c < at).map(([t]) => authors[t]));
      const after = new Set([...firstSeen].filter(([, c]) => c > at).map(([t]) => authors[t]));
      const candidates = [...before].filter((p) => !after.has(p));
      if (candidates.length === 1) {
        const truth = authors[[...texts].find(([, who]) => who === label)[0]];
        claims.push(`${label} left at commit ${at}; only one pseudonym posted before and not after${candidates[0] === truth ? ': its own' : ''}`);
      }
    }
    assert.deepEqual(claims.filter((c) => c.endsWith(': its own')), []);
  } finally {
    await srv.stop();
    fs.rmSync(srv.dataDir, { recursive: true, force: true });
  }
});
