// harness.mjs — starts the real roundtable binary on a free 127.0.0.1 port with a consultation
// in a temporary database, and connects real WebSocket clients (the `ws` library) to it.
// Every message a client receives is checked against the protocol's JSON Schemas.
import * as blindrsa from '../../web-client/lib/blindrsa.js';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { repo, schemaErrors } from './schemas.mjs';

export { repo };
export const bin = process.env.ROUNDTABLE_BIN || path.join(repo, 'build', 'roundtable');
export const webDir = process.env.ROUNDTABLE_WEB || path.join(repo, 'build', 'web');
export const demoAgenda = JSON.parse(
  fs.readFileSync(path.join(repo, 'protocol', 'agendas', 'engagement-session.json'), 'utf8'));
// The tests' default: the engagement session with questions open from its first segment, so
// that a test can post at once. Tests of closed queues pass the demo agenda itself.
export const openAgenda = {
  ...demoAgenda,
  segments: demoAgenda.segments.map((s, i) => (i === 0 ? { ...s, questions: true } : s)),
};

// A port for a server under test, below the kernel's ephemeral range (32768 and up on Linux):
// a port the system picked for us could be handed, before our server binds it, to one of the
// many client sockets the suite opens, which take their local ports from that range.
export async function freePort() {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const ok = await new Promise((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (ok) return port;
  }
}

// Load tests put many users on one loopback address and many commands on one socket: the
// per-address and per-connection limits, which guard a real deployment, are lifted for them.
export const loadLimits = ['--max-per-address', '1000000', '--rate', '10000', '--burst', '100000'];

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// How long a test waits for what it expects before it fails. A test waits for the event it
// needs, never for a fixed time, so this only bounds a failure: generous, because a busy
// machine (a parallel build, a sanitizer) can take seconds where an idle one takes
// milliseconds. ROUNDTABLE_TEST_TIMEOUT_MS overrides it.
export const TIMEOUT_MS = Number(process.env.ROUNDTABLE_TEST_TIMEOUT_MS) || 30000;

// The server's live window by default (HUB_LIVE_WINDOW_MS, --live-window): a busy
// consultation's events are held for up to this long; acks are never held.
export const LIVE_WINDOW_MS = 200;

// Resolves with check()'s first truthy value, calling it every `every` ms; rejects after
// timeoutMs with `what` (for a state the test cannot be told of by an event: a file, a count).
export async function until(check, what = String(check), { timeoutMs = TIMEOUT_MS, every = 20 } = {}) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`not reached within ${timeoutMs} ms: ${what}`);
    await sleep(every);
  }
}

// The count a message gives question `id`: a question.votes event (replays), or the coalesced
// votes.changed that live connections get (PERF-2); undefined when it says nothing of it.
export function votesIn(m, id) {
  if (m.type === 'question.votes' && m.question === id) return m.votes;
  if (m.type === 'votes.changed') return m.votes.find(([q]) => q === id)?.[1];
  return undefined;
}

// Prometheus text format: comments, then `name{label="value"} number` lines.
export function parseMetrics(text) {
  const values = new Map();
  const types = new Map();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const type = /^# TYPE (\w+) (counter|gauge|histogram)$/.exec(line);
    if (type) types.set(type[1], type[2]);
    if (line.startsWith('#')) {
      assert.match(line, /^# (HELP|TYPE) \w+ /, line);
      continue;
    }
    const m = /^(\w+)(\{\w+="[^"]*"\})? (-?[0-9.e+]+)$/.exec(line);
    assert.ok(m, `not a metric line: ${line}`);
    const base = m[1].replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(m[1]) || types.get(base) === 'histogram', `${m[1]} has no TYPE`);
    values.set(m[1] + (m[2] || ''), Number(m[3]));
  }
  return values;
}

export function randomKey() {
  return crypto.randomBytes(16).toString('base64url');
}

// AB-6: the leading zero bits of SHA-256("roundtable-pow" + consultation + device + nonce), and
// the first nonce that has `bits` of them, as the web client's lib/pow.js finds it.
export function workBits(consultation, device, nonce) {
  const h = crypto.createHash('sha256').update(`roundtable-pow${consultation}${device}${nonce}`).digest();
  let zero = 0;
  for (const b of h) {
    if (b !== 0) return zero + Math.clz32(b) - 24;
    zero += 8;
  }
  return zero;
}
export function solveWork(consultation, device, bits) {
  for (let n = 0; ; n++) if (workBits(consultation, device, n) >= bits) return String(n);
}

// Runs the binary to completion: { code, stdout, stderr }.
export function run(args, opts = {}, program = bin) {
  return new Promise((resolve) => {
    execFile(program, args, { timeout: TIMEOUT_MS, ...opts }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

// Waits until `stream` has printed a line matching re; rejects if the process exits first.
export function waitForLine(proc, re, timeoutMs = TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${re} within ${timeoutMs} ms; got:\n${out}`)), timeoutMs);
    const onData = (d) => {
      out += d;
      if (re.test(out)) {
        clearTimeout(timer);
        proc.stdout.off('data', onData);
        resolve(out);
      }
    };
    proc.stdout.on('data', onData);
    proc.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`roundtable exited (${code ?? sig}) before printing ${re}; stdout:\n${out}`));
    });
  });
}

class Client {
  constructor(ws, server) {
    this.ws = ws;
    this.server = server;
    this.queue = [];
    this.waiters = [];
    this.seqs = [];
    this.log = []; // every message received, in arrival order (next() does not consume it)
    this.replies = new Map(); // command id -> resolve, for command()
    // Command ids are unique per sender across connections (PL-3): a fixed prefix per client
    // would make a second client of the same role link replay the first one's acks.
    this.idPrefix = `${crypto.randomBytes(6).toString('base64url')}-`;
    this.nextId = 1;
    // The highest seq received in a snapshot, `resumed` or event (acks excluded: an ack can
    // overtake its events); seqAt[i], the arrival number of the message that brought seqs[i].
    this.maxSeq = -1;
    this.seqAt = [];
    this.arrived = 0; // how many messages have arrived
    this.order = new WeakMap(); // queued message -> its arrival number
    this.seqWaiters = [];
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    ws.on('message', (data) => this.#receive(data));
  }

  #receive(data) {
    let msg;
    try {
      msg = JSON.parse(String(data));
    } catch (e) {
      this.server.violations.push(`not JSON: ${String(data).slice(0, 200)}`);
      return;
    }
    const at = this.arrived++;
    this.server.lastArrival = Date.now();
    const err = this.server.validate ? schemaErrors(msg.type, msg) : null;
    if (err) this.server.violations.push(`${msg.type}: ${err}: ${JSON.stringify(msg).slice(0, 300)}`);
    if (typeof msg.seq === 'number' && msg.type !== 'ack') {
      this.seqs.push(msg.seq);
      this.seqAt.push(at);
      if (msg.seq > this.maxSeq) {
        this.maxSeq = msg.seq;
        for (const w of [...this.seqWaiters]) if (msg.seq >= w.seq) w.resolve();
      }
    }
    if (this.server.keepLog) this.log.push(msg);
    // A command's answer goes straight to its caller: scanning a queue of broadcast events for
    // it would make a busy client quadratic.
    const answers = msg.type === 'ack' || msg.type === 'error' || msg.type === 'clock.now' || msg.type === 'report.document' ||
      msg.type.startsWith('credential.');
    const reply = answers && msg.id ? this.replies.get(msg.id) : null;
    if (reply) {
      this.replies.delete(msg.id);
      reply(msg);
      return;
    }
    this.order.set(msg, at);
    this.queue.push(msg);
    this.#match();
  }

  #match() {
    for (const w of [...this.waiters]) {
      const i = this.queue.findIndex(w.pred);
      if (i >= 0) {
        const [msg] = this.queue.splice(i, 1);
        this.waiters.splice(this.waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(msg);
      }
    }
  }

  send(obj) {
    this.ws.send(JSON.stringify(obj));
  }

  sendRaw(data) {
    this.ws.send(data);
  }

  // The next received message matching pred (consumed), in arrival order.
  next(pred = () => true, timeoutMs = TIMEOUT_MS) {
    if (this.server.violations.length) return Promise.reject(new Error(this.server.violations.join('\n')));
    return new Promise((resolve, reject) => {
      const w = { pred, resolve };
      w.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`no matching message within ${timeoutMs} ms; queued: ${JSON.stringify(this.queue).slice(0, 500)}`));
      }, timeoutMs);
      this.waiters.push(w);
      this.#match();
    });
  }

  // Resolves once this client has received a snapshot, `resumed` or event with a seq of at
  // least `seq` (at once if it already has): everything addressed to it up to that seq has
  // then arrived, since the server sends each connection its events in seq order. An ack's
  // `seq` (that of its command's last event) is the usual argument. Consumes nothing.
  seen(seq, timeoutMs = TIMEOUT_MS) {
    if (this.maxSeq >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w = { seq };
      const timer = setTimeout(() => {
        this.seqWaiters.splice(this.seqWaiters.indexOf(w), 1);
        reject(new Error(`seq ${seq} not seen within ${timeoutMs} ms (last seen: ${this.maxSeq})`));
      }, timeoutMs);
      w.resolve = () => {
        clearTimeout(timer);
        this.seqWaiters.splice(this.seqWaiters.indexOf(w), 1);
        resolve();
      };
      this.seqWaiters.push(w);
    });
  }

  // A negative assertion with a barrier, never a fixed wait: resolves once the client has seen
  // `barrier` (a seq, as seen() takes it: an event caused after the one that must not come,
  // and addressed to this client), and rejects if a message matching pred had arrived before
  // it and is still unconsumed. Events reach a connection in the order they happened, so
  // whatever was to come before the barrier has come.
  async nothing(pred, barrier, timeoutMs = TIMEOUT_MS) {
    assert.equal(typeof barrier, 'number', 'nothing() needs a barrier seq');
    await this.seen(barrier, timeoutMs);
    const upTo = this.seqAt[this.seqs.findIndex((s) => s >= barrier)];
    const found = this.queue.find((m) => this.order.get(m) <= upTo && pred(m));
    if (found) throw new Error(`unexpected message before seq ${barrier}: ${JSON.stringify(found)}`);
  }

  // Sends a command (an id is added when missing) and resolves with its ack or error (or, for
  // clock.sync, its clock.now).
  command(obj, timeoutMs = TIMEOUT_MS) {
    const cmd = { ...obj };
    if (!('id' in cmd)) cmd.id = `${this.idPrefix}${this.nextId++}`;
    if (this.server.violations.length) return Promise.reject(new Error(this.server.violations.join('\n')));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.replies.delete(cmd.id);
        reject(new Error(`no answer to ${JSON.stringify(cmd).slice(0, 200)} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.replies.set(cmd.id, (msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
      this.send(cmd);
    });
  }

  close() {
    this.ws.close();
  }
}

export async function startServer(opts = {}) {
  const dataDir = opts.dataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-test-'));
  const port = opts.port ?? await freePort();
  const agendaPath = path.join(dataDir, 'agenda.json');
  // Tests put every participant on one loopback address, and would pay a proof of work for each
  // new device key: the open link's guards (AB-2, AB-6) are lifted unless the test sets them.
  const agenda = opts.agenda || openAgenda;
  fs.writeFileSync(agendaPath, JSON.stringify({ ...agenda, limits: { new_devices_per_minute: 0, work_bits: 0, ...agenda.limits } }));
  const made = await run(['new', agendaPath, '--data', dataDir, '--invitations', String(opts.invitations ?? 2),
    '--json', '--base-url', `http://127.0.0.1:${port}/`]);
  if (made.code !== 0) throw new Error(`roundtable new failed (${made.code}):\n${made.stderr}`);
  const created = JSON.parse(made.stdout);
  // The stage link carries the join token after its own: '#STAGE.JOIN'.
  const tokenOf = (url) => url.slice(url.indexOf('#') + 1).split('.')[0];
  const links = created.links;
  const tokens = {
    participant: tokenOf(links.participant),
    cochair: tokenOf(links.cochair),
    rapporteur: tokenOf(links.rapporteur),
    stage: tokenOf(links.stage),
    booth: Object.fromEntries(Object.entries(links.booth).map(([k, v]) => [k, tokenOf(v)])),
    invitations: links.invitations.map(tokenOf),
  };

  const srv = {
    baseUrl: `http://127.0.0.1:${port}/`,
    port,
    dataDir,
    consultation: created.consultation,
    links,
    tokens,
    violations: [],
    // Benchmarks turn this off: checking every message against its schema costs the load
    // generator more than the server spends producing it.
    validate: opts.validate ?? true,
    // Whether clients keep every message in `log` (benchmarks do not).
    keepLog: opts.keepLog ?? true,
    stderr: '',
    stdout: '', // everything the server printed, for the log audit (CHR-7)
    lastArrival: 0, // when a client last received a message (Date.now())
    proc: null,
    clients: [],
  };

  srv.start = async () => {
    const proc = spawn(opts.bin || bin, ['serve', '--data', dataDir, '--port', String(port), '--listen', '127.0.0.1',
      '--web', opts.web || webDir, ...(opts.serveArgs || [])], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(opts.env || {}) } });
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (d) => { srv.stderr += d; });
    proc.stdout.on('data', (d) => { srv.stdout += d; });
    srv.proc = proc;
    srv.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    await waitForLine(proc, /listening on/);
  };

  // A participant accepts the Chatham House Rule on connecting (CHR-2) unless acceptRule is
  // false; the acceptance and its event are consumed here.
  // localAddress picks the client's own address in 127.0.0.0/8 (the privacy audit's canary).
  // since resumes from that seq (PL-4): the first message, `resumed` or `snapshot`, is then in
  // client.first, and client.snapshot is set only if it is a snapshot.
  // onMessage, if given, sees every message from the first one on, in order.
  // url and wsOptions reach the server another way (through a reverse proxy, over TLS).
  const connectOnce = (token, { device = randomKey(), protocol = 'roundtable.v1', acceptRule = true, localAddress, since, work, onMessage, url, wsOptions = {}, credential, tolerateInvalid = false } = {}) =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url || `ws://127.0.0.1:${port}/ws`, protocol, { ...(localAddress ? { localAddress } : {}), ...wsOptions });
      if (onMessage) ws.on('message', (d) => onMessage(JSON.parse(String(d))));
      const client = new Client(ws, srv);
      srv.clients.push(client);
      ws.once('error', reject);
      ws.once('open', async () => {
        const auth = { type: 'auth', token };
        if (device) auth.device = device;
        if (since !== undefined) auth.since = since;
        if (work !== undefined) auth.work = work; // AB-6: a new device key's proof of work
        if (credential) Object.assign(auth, credential); // CHR-3: an invitation's credential
        client.send(auth);
        try {
          // A kept credential another session refuses (tolerateInvalid) is followed by its key.
          client.first = await client.next((m) => m.type === 'snapshot' || m.type === 'resumed'
            || (m.type === 'error' && !(tolerateInvalid && m.code === 'credential.invalid')));
          if (client.first.type === 'error') {
            reject(new Error(`auth refused: ${client.first.code}`));
            return;
          }
          if (client.first.type === 'resumed') {
            resolve(client);
            return;
          }
          client.snapshot = client.first;
          const you = client.snapshot.you;
          // CHR-3: an invitation without a credential gets the key to draw one with first.
          const offer = client.queue.findIndex((m) => m.type === 'credential.key');
          if (offer >= 0) [client.credentialKey] = client.queue.splice(offer, 1);
          if (client.credentialKey) acceptRule = false;
          if (acceptRule && client.snapshot.role === 'participant' && !you.rule_accepted && !client.snapshot.consultation.sealed) {
            const ack = await client.command({ type: 'rule.accept' });
            if (ack.type !== 'ack') throw new Error(`rule.accept refused: ${ack.code}`);
            await client.next((m) => m.type === 'rule.accepted');
            // What the client knows once it accepted: the snapshot, moved on by that event.
            client.snapshot = { ...client.snapshot, seq: ack.seq, you: { ...you, rule_accepted: true } };
          }
          resolve(client);
        } catch (e) {
          reject(e);
        }
      });
    });

  // CHR-3: an invitation's holder, like the web client, draws a credential on its first
  // connection (credential.draw, blinded), keeps it, and connects again presenting it; later
  // connections of the same token present it at once. Kept per token and consultation (a
  // programme's link opens several). `credential`: present this one ({credential, signature})
  // or, null, none; `draw: false`: connect once, whatever comes (client.credentialKey is then
  // the credential.key offered, if any).
  srv.credentials = new Map();
  srv.lastConsultation = new Map();
  srv.connect = async (token, opts = {}) => {
    if (opts.credential !== undefined || opts.draw === false) return connectOnce(token, opts);
    const known = srv.lastConsultation.get(token);
    const kept = known && srv.credentials.get(`${token} ${known}`);
    const first = await connectOnce(token, { ...opts, credential: kept || undefined, tolerateInvalid: Boolean(kept) });
    if (!first.credentialKey) return first;
    // An invitation without a credential here (none yet, or another session of a programme):
    // draw on this connection unless one is kept for that consultation, then connect again.
    const cid = first.snapshot ? first.snapshot.consultation.id : known;
    let cred = srv.credentials.get(`${token} ${cid}`);
    if (!cred) cred = await srv.drawCredential(first);
    first.close();
    srv.clients.splice(srv.clients.indexOf(first), 1);
    srv.credentials.set(`${token} ${cid}`, cred);
    srv.lastConsultation.set(token, cid);
    return connectOnce(token, { ...opts, credential: cred });
  };
  // Draws a credential on `client`, which was offered client.credentialKey: Prepare, Blind,
  // credential.draw, Finalize (which verifies). Resolves with the auth fields that present it.
  srv.drawCredential = async (client) => {
    const key = client.credentialKey;
    if (!key || !['draw', 'allowed'].includes(key.state)) throw new Error(`no credential to draw: ${JSON.stringify(key)}`);
    const pk = await blindrsa.publicKey(key.n, key.e);
    const prepared = blindrsa.prepare(crypto.getRandomValues(new Uint8Array(32)));
    const { blinded, inv } = await blindrsa.blind(pk, prepared);
    const reply = await client.command({ type: 'credential.draw', blinded: blindrsa.toBase64url(blinded) });
    if (reply.type !== 'credential.signed') throw new Error(`credential.draw refused: ${reply.code}`);
    const sig = await blindrsa.finalize(pk, prepared, blindrsa.fromBase64url(reply.blind_signature), inv);
    return { credential: blindrsa.toBase64url(prepared), signature: blindrsa.toBase64url(sig) };
  };

  // Causes an event that every role receives (co-chairs, rapporteurs, participants, booths,
  // the stage) and resolves with its seq: a barrier for Client.nothing(). The co-chair client
  // `chair` sets the floor language to a channel, then back to the agenda's floor (the second
  // is a change whatever the floor was). Never a question event, so it touches no question.
  srv.barrier = async (chair) => {
    const agenda = opts.agenda || openAgenda;
    let seq;
    for (const lang of [agenda.channels[0], agenda.floor]) {
      const ack = await chair.command({ type: 'floor.set', lang });
      assert.equal(ack.type, 'ack', JSON.stringify(ack));
      seq = ack.seq;
    }
    return seq;
  };

  // Resolves once the live window (PERF-2) opened by the last delivery to any of this server's
  // clients has ended: windowMs after the last message arrived, nothing having arrived since.
  // The server opened that window before the message arrived, so by its own clock it has
  // passed, however busy the machine. For tests of the window itself; others wait for events.
  srv.livePassed = async (windowMs = LIVE_WINDOW_MS) => {
    for (let wait; (wait = srv.lastArrival + windowMs + 50 - Date.now()) > 0;) await sleep(wait);
  };

  srv.kill = async (signal = 'SIGKILL') => {
    for (const c of srv.clients) c.ws.terminate();
    srv.clients = [];
    srv.proc.kill(signal);
    return srv.exited;
  };

  srv.restart = async () => {
    if (srv.proc.exitCode === null && srv.proc.signalCode === null) await srv.kill('SIGTERM');
    await srv.start();
  };

  // Stops the server gracefully and fails if it did not exit cleanly (a sanitizer report,
  // a crash) or if any client received a message outside the protocol.
  srv.stop = async () => {
    for (const c of srv.clients) c.ws.close();
    srv.clients = [];
    let result = { code: 0 };
    if (srv.proc && srv.proc.exitCode === null && srv.proc.signalCode === null) {
      srv.proc.kill('SIGTERM');
      result = await srv.exited;
    }
    if (!opts.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    if (srv.violations.length) throw new Error(`protocol violations:\n${srv.violations.join('\n')}`);
    if (result.code !== 0) throw new Error(`roundtable exited with ${result.code ?? result.signal}:\n${srv.stderr}`);
  };

  await srv.start();
  return srv;
}
