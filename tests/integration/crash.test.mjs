// The crash test (PL-3, PL-4): twenty participants post a few hundred questions a second
// while the server is killed with SIGKILL at random moments. Each participant keeps what has
// no answer yet and sends it again, with the same id, once the server is back. In the end every
// acknowledged question is there exactly once, every command was acknowledged, and a co-chair
// that followed along by resuming (or by snapshots after each restart) never received an event
// twice and holds the same questions as a fresh snapshot.
//
// CRASH_CYCLES sets the number of kills (10 here; tests/load/durability-long.sh runs 200).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openAgenda, startServer, sleep, until } from '../lib/harness.mjs';

const CYCLES = Number(process.env.CRASH_CYCLES || 10);
const WRITERS = 20;
const POSTS_EACH = 100; // the agenda's most open questions per participant

class Writer {
  constructor(srv, token, name) {
    Object.assign(this, { srv, token, name, n: 0, client: null });
    this.unanswered = new Map(); // id -> command
    this.acks = new Map(); // id -> the first ack
    this.errors = [];
    this.duplicateAcks = 0;
    this.keptAcks = 0;
  }

  async connect() {
    this.client = await this.srv.connect(this.token, { onMessage: (m) => this.#answer(m) });
    this.resent = new Set(this.unanswered.keys());
    for (const cmd of this.unanswered.values()) this.client.send(cmd);
  }

  #answer(m) {
    if (m.type === 'snapshot') this.baseSeq = m.seq;
    if (m.type !== 'ack' && m.type !== 'error') return;
    // Applied before the kill, its ack lost with the server: the kept ack comes back.
    if (m.type === 'ack' && this.resent?.has(m.id) && m.seq <= this.baseSeq) this.keptAcks += 1;
    if (!this.unanswered.has(m.id)) {
      // An answer to a command sent twice (once before a kill, once after): the same ack.
      if (this.acks.has(m.id)) {
        assert.deepEqual(m, this.acks.get(m.id));
        this.duplicateAcks += 1;
      }
      return;
    }
    this.unanswered.delete(m.id);
    if (m.type === 'ack') this.acks.set(m.id, m);
    else this.errors.push(m);
  }

  post() {
    if (this.n >= POSTS_EACH) return;
    const id = `${this.name}-${this.n}`;
    this.n += 1;
    const cmd = { type: 'question.post', id, text: `Question ${id} about the treaty`, lang: 'en' };
    this.unanswered.set(id, cmd);
    if (this.client && this.client.ws.readyState === 1) this.client.send(cmd);
  }
}

class Follower {
  constructor(srv) {
    Object.assign(this, { srv, seq: null, questions: new Map(), duplicates: 0, resumed: 0, snapshots: 0 });
  }

  async connect() {
    const opts = { onMessage: (m) => this.#apply(m) };
    if (this.seq !== null) opts.since = this.seq;
    this.client = await this.srv.connect(this.srv.tokens.cochair, opts);
  }

  #apply(m) {
    if (m.type === 'snapshot') {
      this.snapshots += 1;
      this.questions = new Map(m.questions.map((q) => [q.id, q]));
      this.seq = m.seq;
    } else if (m.type === 'resumed') {
      this.resumed += 1;
    } else if (typeof m.seq === 'number' && m.type !== 'ack') {
      if (m.seq <= this.seq) this.duplicates += 1;
      this.seq = m.seq;
      if (m.question && typeof m.question === 'object') this.questions.set(m.question.id, m.question);
    }
  }
}

test(`${CYCLES} SIGKILLs under load: every acknowledged command exactly once, no event twice`, async () => {
  const srv = await startServer({
    agenda: { ...openAgenda, premoderation: false, limits: { open_questions: POSTS_EACH, votes_per_minute: 30 } },
    invitations: WRITERS,
    validate: false,
    keepLog: false,
  });
  try {
    const writers = srv.tokens.invitations.map((t, i) => new Writer(srv, t, `w${i}`));
    const follower = new Follower(srv);
    await Promise.all(writers.map((w) => w.connect()));
    await follower.connect();
    const t0 = Date.now();
    let sent = 0;
    // A few hundred commands a second: every writer posts every 50 ms.
    const pump = setInterval(() => { for (const w of writers) { const before = w.n; w.post(); sent += w.n - before; } }, 50);
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      await sleep(100 + Math.random() * 400);
      if (cycle % 2 === 1) {
        // Between kills, the follower also drops and resumes under load.
        follower.client.ws.terminate();
        await sleep(30);
        await follower.connect();
        await sleep(50 + Math.random() * 100);
      }
      // Killed while the clients are still sending: acks in flight are lost with it.
      srv.proc.kill('SIGKILL');
      await srv.exited;
      srv.clients = [];
      await srv.start();
      await Promise.all(writers.map((w) => w.connect()));
      await follower.connect();
    }
    // Finish: everything sent, everything answered.
    await until(() => writers.every((w) => w.n >= POSTS_EACH), 'every post sent', { every: 50 });
    clearInterval(pump);
    await until(() => writers.every((w) => !w.unanswered.size), 'every post answered', { every: 50 }).catch(() => {});
    const seconds = (Date.now() - t0) / 1000;

    const errors = writers.flatMap((w) => w.errors);
    assert.deepEqual(errors, [], 'no command was refused');
    for (const w of writers) assert.equal(w.unanswered.size, 0, `${w.name} still waits for ${[...w.unanswered.keys()]}`);
    const check = await srv.connect(srv.tokens.cochair);
    // The follower has received every event up to that snapshot.
    await until(() => follower.seq >= check.snapshot.seq, 'the follower caught up', { every: 50 }).catch(() => {});
    const byText = new Map();
    for (const q of check.snapshot.questions) byText.set(q.text, (byText.get(q.text) || 0) + 1);
    let acked = 0;
    for (const w of writers) {
      for (const [id, ack] of w.acks) {
        acked += 1;
        assert.equal(byText.get(`Question ${id} about the treaty`), 1, `${id} is there exactly once`);
        assert.equal(ack.result.question.text, `Question ${id} about the treaty`);
      }
    }
    assert.equal(acked, WRITERS * POSTS_EACH);
    assert.equal(check.snapshot.questions.length, WRITERS * POSTS_EACH, 'nothing unacknowledged was added');
    assert.equal(follower.duplicates, 0, 'the follower never received an event twice');
    assert.ok(follower.resumed > 0, 'the follower resumed at least once');
    assert.equal(follower.questions.size, check.snapshot.questions.length, 'the follower holds every question');
    for (const q of check.snapshot.questions) assert.deepEqual(follower.questions.get(q.id), q);
    const retried = writers.reduce((n, w) => n + w.duplicateAcks, 0);
    const kept = writers.reduce((n, w) => n + w.keptAcks, 0);
    console.log(`crash test: ${CYCLES} SIGKILLs, ${acked} posts acknowledged in ${seconds.toFixed(1)} s ` +
      `(${Math.round(sent / seconds)} commands/s offered), ${kept} acks lost in a kill and sent again from the kept ack, ` +
      `${retried} answered twice with the same ack, ` +
      `follower: ${follower.resumed} resumes, ${follower.snapshots} snapshots, 0 duplicate events`);
  } finally {
    await srv.stop();
  }
});
