// connection.js — one WebSocket to the server speaking roundtable.v1: authenticates with the
// role link's token, reconnects with jittered exponential backoff and resumes from the last
// event it saw (PL-4), keeps every command until its ack or error arrives and sends it again
// after a reconnection (PL-3: the server applies it once), and estimates how far this
// browser's clock is from the server's.
import { randomBase64url } from './b64.js';
import { OffsetEstimate, SYNC_SAMPLES } from './clock.js';
import { keepCredential, keepStored, readCredential, readStored } from './storage.js';
import { solveWork } from './pow.js';

const SUBPROTOCOL = 'roundtable.v1';
const DEVICE_KEY = 'roundtable.device';
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 10000;
// Clocks drift and laptops sleep: the offset is measured again on every connection and then
// every few minutes.
const RESYNC_MS = 5 * 60 * 1000;
// A command refused with server.unavailable (the server could not store it) is tried again
// after a random wait of one to two times this, for as long as the page is open.
const RETRY_UNAVAILABLE_MS = 2000;

// 64 random bits per page load: with a counter after them, ids never repeat for this browser,
// even across reloads, so the server can tell a retry from a new command.
const idPrefix = () => randomBase64url(8);

// The browser's device key: 128 random bits, made once and kept in this browser only. With
// the open participant link it is what makes one browser one participant. Without storage
// (private browsing) this page stays one participant until it reloads.
export function deviceKey() {
  let key = readStored(DEVICE_KEY);
  if (!key || !/^[A-Za-z0-9_-]{22}$/.test(key)) {
    key = randomBase64url(16);
    keepStored(DEVICE_KEY, key);
  }
  return key;
}

// The WebSocket beside the page: /c/ID/ws for a consultation's page /c/ID/ (a proxy pins the
// consultation to one server by that path), /ws for the page at the top.
export function socketUrl(loc = location) {
  const url = new URL('ws', loc.href);
  url.protocol = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  url.hash = '';
  url.search = '';
  return url.href;
}

export class Connection {
  // onMessage(msg, pending): every server message, with the command it answers if any.
  // onStatus(status, refusal): 'connecting' | 'live' | 'reconnecting' | 'refused' | 'joining'
  // (a new device key's proof of work is being found) | 'waiting' (the open link takes no new
  // participant now: refusal is the error, link.paused or limit.new_devices).
  // onOffset(ms): milliseconds to add to Date.now() to read the server's clock, after each
  // measurement.
  constructor(token, { onMessage, onStatus, onOffset = () => {} }) {
    this.token = token;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.onOffset = onOffset;
    // Commands without an answer yet, in the order they were given: command id ->
    // { cmd, resolve, keep } (keep: sent again after a reconnection).
    this.pending = new Map();
    this.syncs = new Map(); // clock.sync id -> resolve(clock.now)
    this.resync = null;
    this.prefix = idPrefix();
    this.counter = 0;
    this.attempt = 0;
    this.ws = null;
    this.live = false;
    this.stopped = false;
    this.seq = null; // the seq of the last snapshot or event received: where to resume from
    // AB-6: the proof of work for this device key, once the server asked for it ({ consultation,
    // nonce }), or its search under way (a promise); and when the server last refused to let a
    // new participant in (link.paused, limit.new_devices), how long to wait before trying again.
    this.work = null;
    this.working = null;
    this.waitMs = 0;
    // CHR-3: with a personal invitation, the consultation whose credential auth presents (the
    // page's own, or the session a programme's link opened last), and where the invitation
    // stands when it has no credential here (credential.key's state: 'drawn' or 'requested'
    // mean it was drawn elsewhere, and the participant's page offers a re-issue).
    this.consultation = (/\/c\/([A-Za-z0-9_-]{1,32})\//.exec(location.pathname) || [])[1] || '';
    this.credentialState = null;
    this.drawing = false;
    // CHR-3, co-chairs: the last credential.requests (re-issues pending and drawn), and who
    // wants to hear of the next one.
    this.credentialRequests = null;
    this.credentialListeners = new Set();
  }

  start() {
    this.onStatus(this.attempt ? 'reconnecting' : 'connecting');
    this.credentialState = null;
    this.offer = null;
    const ws = new WebSocket(socketUrl(), SUBPROTOCOL);
    this.ws = ws;
    ws.onopen = () => {
      const auth = { type: 'auth', token: this.token, device: deviceKey() };
      if (this.seq !== null) auth.since = this.seq;
      if (this.work && this.work.device === auth.device) auth.work = this.work.nonce;
      const kept = readStored(`roundtable.session.${this.consultation}`) || this.consultation;
      const credential = kept && readCredential(kept);
      if (credential) Object.assign(auth, credential);
      ws.send(JSON.stringify(auth));
    };
    ws.onmessage = (ev) => this.#receive(JSON.parse(ev.data));
    ws.onclose = (ev) => this.#closed(ev);
  }

  #receive(msg) {
    if (msg.type === 'credential.requests') {
      this.credentialRequests = msg;
      for (const listener of this.credentialListeners) listener(msg);
    }
    if (msg.type === 'clock.now') {
      const resolve = this.syncs.get(msg.id);
      this.syncs.delete(msg.id);
      if (resolve) resolve(msg);
      return;
    }
    if (msg.type === 'credential.key' && !msg.id) {
      this.offer = msg; // drawn from once the snapshot is here
      this.credentialState = msg.state;
    }
    if (msg.type === 'snapshot' && this.credentialState && readCredential(msg.consultation.id)
        && readStored(`roundtable.session.${this.consultation}`) !== msg.consultation.id) {
      // A programme's link opened another session, whose credential this browser holds.
      keepStored(`roundtable.session.${this.consultation}`, msg.consultation.id);
      this.#rejoin();
      return;
    }
    if (msg.type === 'snapshot' || msg.type === 'resumed' || msg.type === 'organiser.ready') {
      if (msg.type === 'snapshot') this.seq = msg.seq;
      if (msg.type === 'snapshot') this.snapshotOf = msg.consultation.id;
      if (this.offer) setTimeout(() => this.#offered(this.offer), 0);
      this.live = true;
      this.attempt = 0;
      this.waitMs = 0;
      // CHR-3: a credential to draw first: "Joining…" until the connection that presents it.
      this.onStatus(this.offer && ['draw', 'allowed'].includes(this.offer.state) ? 'joining' : 'live');
      // ORG-1: the organiser's console has no clock to follow.
      if (msg.type !== 'organiser.ready') this.#measure(this.ws);
    } else if (typeof msg.seq === 'number' && msg.type !== 'ack' && msg.seq > this.seq) {
      this.seq = msg.seq;
    }
    if (msg.type === 'error' && msg.id === null && !this.live) this.#refusedJoin(msg);
    if (msg.type === 'error' && msg.id === null && !this.live && msg.code === 'auth.invalid') {
      // The link itself is refused: retrying will not help.
      this.stopped = true;
      this.onStatus('refused');
    }
    let pending = null;
    const answers = ['ack', 'error', 'report.document', 'credential.key', 'credential.signed', 'credential.requests', 'organiser.result'];
    if (answers.includes(msg.type) && msg.id && this.pending.has(msg.id)) {
      pending = this.pending.get(msg.id);
      if (msg.type === 'error' && msg.code === 'server.unavailable' && pending.keep) {
        // Nothing was stored: the same command, with the same id, a little later.
        this.#retryLater(msg.id);
        return;
      }
      this.pending.delete(msg.id);
    }
    this.onMessage(msg, pending && pending.cmd);
    if (pending) pending.resolve(msg);
    // Once the snapshot or the replay is applied, what had no answer goes again, in order.
    if (msg.type === 'snapshot' || msg.type === 'resumed') this.#resend();
  }

  // AB-2, AB-3, AB-6: the open link refused this new device key for now. A proof of work is
  // searched for at once ("Joining…"); a pause or a cap is waited out, then tried again.
  #refusedJoin(msg) {
    const params = msg.params || {};
    if (msg.code === 'auth.work_required' && params.bits && params.consultation) {
      const device = deviceKey();
      this.onStatus('joining');
      this.working = solveWork(params.consultation, device, params.bits).then(({ nonce }) => {
        this.work = { device, nonce };
      });
    } else if (msg.code === 'link.paused' || msg.code === 'limit.new_devices') {
      // Until resumed: ask again every half minute; otherwise when the server said.
      this.waitMs = (params.seconds > 0 ? params.seconds : 30) * 1000;
      this.onStatus('waiting', msg);
    }
  }

  // CHR-3: this invitation has no credential here. When it may draw, the credential is made
  // now, without the participant noticing: a random message, prepared and blinded (the server
  // signs it without seeing it), the signature finalized and checked, kept, and presented on a
  // new connection. Otherwise the participant's page explains and offers a re-issue.
  async #offered(key) {
    this.offer = null;
    if (!['draw', 'allowed'].includes(key.state) || this.drawing) return;
    this.drawing = true;
    try {
      // Loaded when an invitation draws, never by the open link's participants.
      const blindrsa = await import('./blindrsa.js');
      const pk = await blindrsa.publicKey(key.n, key.e);
      const prepared = blindrsa.prepare(crypto.getRandomValues(new Uint8Array(32)));
      const { blinded, inv } = await blindrsa.blind(pk, prepared);
      const reply = await this.command({ type: 'credential.draw', blinded: blindrsa.toBase64url(blinded) }, { keep: false });
      if (reply.type !== 'credential.signed') return;
      const sig = await blindrsa.finalize(pk, prepared, blindrsa.fromBase64url(reply.blind_signature), inv);
      const id = this.snapshotOf;
      keepCredential(id, { credential: blindrsa.toBase64url(prepared), signature: blindrsa.toBase64url(sig) });
      keepStored(`roundtable.session.${this.consultation}`, id);
      this.credentialState = null;
      this.#rejoin();
    } catch (e) {
      this.credentialState = 'failed';
    } finally {
      this.drawing = false;
    }
  }

  // A new connection at once (it presents the credential now kept).
  #rejoin() {
    this.attempt = 0;
    this.rejoining = true;
    if (this.ws) this.ws.close();
  }

  // CHR-3: a lost credential (a new browser, cleared storage): asks the co-chairs for a
  // re-issue; resolves with the answer (credential.key, state 'requested', or an error).
  async requestReissue() {
    const reply = await this.command({ type: 'credential.reissue' }, { keep: false });
    if (reply.type === 'credential.key') this.credentialState = reply.state;
    return reply;
  }

  // Connects again, to learn whether a re-issue was allowed (then the credential is drawn).
  retryCredential() {
    this.#rejoin();
  }

  #resend() {
    for (const { cmd } of this.pending.values()) this.ws.send(JSON.stringify(cmd));
  }

  #retryLater(id) {
    const ws = this.ws;
    setTimeout(() => {
      const p = this.pending.get(id);
      // After a reconnection the command went again with the others.
      if (p && this.ws === ws && this.live) ws.send(JSON.stringify(p.cmd));
    }, RETRY_UNAVAILABLE_MS * (1 + Math.random()));
  }

  // SYNC_SAMPLES round trips of clock.sync, one after another; the shortest one gives the
  // offset (protocol/README.md, "The clock").
  async #measure(ws) {
    clearTimeout(this.resync);
    const estimate = new OffsetEstimate();
    for (let i = 0; i < SYNC_SAMPLES && this.ws === ws && this.live; i += 1) {
      this.counter += 1;
      const id = `sync-${this.counter}`;
      const reply = new Promise((resolve) => this.syncs.set(id, resolve));
      const sent = Date.now();
      ws.send(JSON.stringify({ type: 'clock.sync', id }));
      const now = await reply;
      if (now) estimate.sample(sent, Date.now(), now.now);
    }
    if (estimate.offset !== null && this.ws === ws) this.onOffset(estimate.offset);
    if (this.ws === ws && this.live) this.resync = setTimeout(() => this.#measure(ws), RESYNC_MS);
  }

  #closed(ev) {
    this.live = false;
    if (ev && ev.code === 1008 && ev.reason === 'auth.invalid') {
      // The link was refused, revoked, or expired after the seal: retrying will not help.
      // (Other 1008s, auth.timeout or limit.message_rate, end this connection only.)
      this.stopped = true;
      this.onStatus('refused');
    }
    clearTimeout(this.resync);
    for (const resolve of this.syncs.values()) resolve(null);
    this.syncs.clear();
    // Commands in flight stay, to go again once reconnected (the server applies each id once);
    // those not worth keeping are answered now.
    for (const [id, p] of this.pending) {
      if (p.keep) continue;
      this.pending.delete(id);
      p.resolve({ type: 'error', code: 'connection.lost' });
    }
    if (this.stopped) return;
    if (this.working) {
      // The proof is being found: connect again as soon as it is.
      const working = this.working;
      this.working = null;
      working.then(() => this.start());
      return;
    }
    if (this.rejoining) {
      this.rejoining = false;
      this.start();
      return;
    }
    if (this.waitMs) {
      const wait = this.waitMs;
      this.waitMs = 0;
      setTimeout(() => this.start(), wait + Math.random() * 1000);
      return;
    }
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    this.attempt += 1;
    this.onStatus('reconnecting');
    setTimeout(() => this.start(), ceiling / 2 + Math.random() * (ceiling / 2));
  }

  // Sends a command; resolves with its ack or error message. A command given while the
  // connection is down waits and goes once it is back, like one that lost its answer, unless
  // `keep` is false (then it is answered connection.lost).
  command(cmd, { keep = true } = {}) {
    if (!this.live && !keep) return Promise.resolve({ type: 'error', code: 'connection.lost' });
    this.counter += 1;
    const id = `${this.prefix}-${this.counter}`;
    const full = { ...cmd, id };
    return new Promise((resolve) => {
      this.pending.set(id, { cmd: full, resolve, keep });
      if (this.live) this.ws.send(JSON.stringify(full));
    });
  }
}
