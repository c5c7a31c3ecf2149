// Security: who may open a socket, who may stay on one, what a hostile client can
// cost the room, and what the HTTP side gives away. Every case runs against the real binary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { run, sleep, startServer, TIMEOUT_MS, until } from '../lib/harness.mjs';

// Opens a raw socket (no auth) with the given ws options; 'open' or 'refused'.
function tryOpen(url, options = {}) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, 'roundtable.v1', options);
    ws.once('open', () => { ws.close(); resolve('open'); });
    ws.once('error', () => resolve('refused'));
  });
}

// One raw HTTP request, as bytes on a socket: fetch() would normalise the path first.
function rawRequest(port, text, timeoutMs = 5000) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    sock.setEncoding('latin1');
    sock.on('data', (d) => { data += d; });
    const done = () => { clearTimeout(timer); sock.destroy(); resolve(data); };
    const timer = setTimeout(done, timeoutMs);
    sock.on('end', done);
    sock.on('close', done);
    sock.on('error', done);
    sock.write(text);
  });
}

const status = (response) => Number((/^HTTP\/1\.1 (\d+)/.exec(response) || [])[1] || 0);

test('a page from another origin cannot open a socket; the same origin and non-browser clients can', async () => {
  const srv = await startServer();
  try {
    const url = `ws://127.0.0.1:${srv.port}/ws`;
    assert.equal(await tryOpen(url, { origin: 'https://evil.example' }), 'refused');
    assert.equal(await tryOpen(url, { origin: `http://127.0.0.1:${srv.port}.evil.example` }), 'refused');
    assert.equal(await tryOpen(url, { origin: 'null' }), 'refused');
    assert.equal(await tryOpen(url, { origin: `http://127.0.0.1:${srv.port}` }), 'open');
    assert.equal(await tryOpen(url), 'open');
  } finally {
    await srv.stop();
  }
  // With a public origin configured, only it may: not even the address the server listens on.
  const pub = await startServer({ serveArgs: ['--origin', 'https://roundtable.example.org'] });
  try {
    const url = `ws://127.0.0.1:${pub.port}/ws`;
    assert.equal(await tryOpen(url, { origin: 'https://roundtable.example.org' }), 'open');
    assert.equal(await tryOpen(url, { origin: 'https://ROUNDTABLE.example.org/' }), 'open');
    assert.equal(await tryOpen(url, { origin: 'http://roundtable.example.org' }), 'refused');
    assert.equal(await tryOpen(url, { origin: `http://127.0.0.1:${pub.port}` }), 'refused');
    const res = await fetch(pub.baseUrl);
    assert.match(res.headers.get('content-security-policy'), /connect-src 'self' wss:\/\/roundtable\.example\.org[;\s]/);
    // The refused handshakes cost nothing: a client is still served.
    const c = await pub.connect(pub.tokens.stage);
    assert.equal(c.snapshot.role, 'stage');
  } finally {
    await pub.stop();
  }
});

test('a revoked link is cut off at once; a rotated one works at once', async () => {
  const srv = await startServer();
  try {
    const chair = await srv.connect(srv.tokens.cochair);
    const invited = await srv.connect(srv.tokens.invitations[0]);
    const other = await srv.connect(srv.tokens.invitations[1]);
    const stage = await srv.connect(srv.tokens.stage);
    const p = await srv.connect(srv.tokens.participant);

    let t0 = performance.now();
    let r = await run(['links', srv.consultation, '--data', srv.dataDir, '--revoke', 'cochair']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^revoked 1 cochair link of \w+; connections closed: 1\n$/);
    // Cut off by the command itself, not by a later check: it reports the closed connection
    // before it exits. How long that took is a figure (the command's own start-up included).
    const cut = await chair.closed;
    const ms = performance.now() - t0;
    assert.deepEqual(cut, { code: 1008, reason: 'auth.invalid' });
    console.log(`revocation: the co-chair's connection closed ${ms.toFixed(0)} ms after 'roundtable links' started`);
    await assert.rejects(srv.connect(srv.tokens.cochair), /auth refused: auth\.invalid/);

    // One invitation, by its label: the other stays.
    r = await run(['links', srv.consultation, '--data', srv.dataDir, '--revoke', 'invitation', '--label', 'invitation 1', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { consultation: srv.consultation, revoked: 1, connections_closed: 1 });
    assert.equal((await invited.closed).code, 1008);
    assert.equal((await other.command({ type: 'clock.sync' })).type, 'clock.now');

    // Rotating the open link: the old participant and stage links stop, the new ones work.
    t0 = performance.now();
    r = await run(['links', srv.consultation, '--data', srv.dataDir, '--rotate', 'participant', '--json',
      '--base-url', srv.baseUrl]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^revoked 1 participant link and 1 stage link of \w+; connections closed: 2\n$/);
    await Promise.all([p.closed, stage.closed]);
    console.log(`rotation: the participant and stage connections closed ${(performance.now() - t0).toFixed(0)} ms after 'roundtable links' started`);
    const links = JSON.parse(r.stdout).links;
    const fresh = (url) => url.slice(url.indexOf('#') + 1).split('.')[0];
    assert.ok(links.participant.startsWith(srv.baseUrl));
    assert.match(links.stage, new RegExp(`#[\\w-]{22}\\.${fresh(links.participant)}\\.[0-9A-Z]{8}$`));
    await assert.rejects(srv.connect(srv.tokens.participant), /auth refused: auth\.invalid/);
    await assert.rejects(srv.connect(srv.tokens.stage), /auth refused: auth\.invalid/);
    assert.equal((await srv.connect(fresh(links.participant))).snapshot.role, 'participant');
    assert.equal((await srv.connect(fresh(links.stage))).snapshot.role, 'stage');
    assert.equal((await other.command({ type: 'clock.sync' })).type, 'clock.now');

    // Bad requests change nothing.
    for (const args of [['--revoke', 'janitor'], ['--rotate', 'invitation'], ['--revoke', 'booth', '--rotate', 'booth'], []]) {
      const bad = await run(['links', srv.consultation, '--data', srv.dataDir, ...args]);
      assert.equal(bad.code, 2, args.join(' '));
    }
    const none = await run(['links', 'nosuchid', '--data', srv.dataDir, '--revoke', 'booth']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no such consultation/);
    assert.equal((await srv.connect(srv.tokens.booth.ar)).snapshot.role, 'booth');
  } finally {
    await srv.stop();
  }
});

test("a sealed consultation's links expire: at once with --links-ttl 0, and not before with the default", async () => {
  const quick = await startServer({ serveArgs: ['--links-ttl', '0'] });
  try {
    const stage = await quick.connect(quick.tokens.stage);
    const r = await run(['seal', quick.consultation, '--data', quick.dataDir]);
    assert.equal(r.code, 0, r.stderr);
    await stage.next((m) => m.type === 'consultation.sealed');
    assert.deepEqual(await stage.closed, { code: 1008, reason: 'auth.invalid' });
    await assert.rejects(quick.connect(quick.tokens.rapporteur), /auth refused: auth\.invalid/);
  } finally {
    await quick.stop();
  }
  const kept = await startServer();
  try {
    const r = await run(['seal', kept.consultation, '--data', kept.dataDir]);
    assert.equal(r.code, 0, r.stderr);
    const rapporteur = await kept.connect(kept.tokens.rapporteur);
    assert.equal(rapporteur.snapshot.consultation.sealed, true);
  } finally {
    await kept.stop();
  }
});

test('2,000 connections from one address are capped at the per-address limit; others still get in', async () => {
  const LIMIT = 256; // the default --max-per-address
  const srv = await startServer();
  const sockets = [];
  try {
    const open = (localAddress) => new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, 'roundtable.v1', { localAddress });
      sockets.push(ws);
      ws.once('open', () => resolve(true));
      ws.once('error', () => resolve(false));
    });
    let opened = 0;
    for (let i = 0; i < 2000; i += 200) {
      const batch = await Promise.all(Array.from({ length: 200 }, () => open('127.0.0.1')));
      opened += batch.filter(Boolean).length;
    }
    assert.equal(opened, LIMIT);
    // Another address is not held up by the first.
    assert.equal(await open('127.0.0.2'), true);
    const c = await srv.connect(srv.tokens.stage, { localAddress: '127.0.0.3' });
    assert.equal(c.snapshot.role, 'stage');
    // Closing frees the places: all of them, once the server has seen the sockets go.
    for (const ws of sockets) ws.terminate();
    sockets.length = 0;
    await until(async () => {
      const batch = await Promise.all(Array.from({ length: LIMIT }, () => open('127.0.0.1')));
      const ok = batch.every(Boolean);
      for (const ws of sockets) ws.terminate();
      sockets.length = 0;
      return ok;
    }, `${LIMIT} places freed on 127.0.0.1`, { every: 200 });
    assert.equal((await srv.connect(srv.tokens.stage)).snapshot.role, 'stage');
    console.log(`per-address cap: ${opened} of 2000 connections from 127.0.0.1 opened (limit ${LIMIT})`);
  } finally {
    for (const ws of sockets) ws.terminate();
    await srv.stop();
  }
});

test('a 10 MB frame closes only its own connection, with 1009, while 100 others keep receiving', async () => {
  const srv = await startServer({ validate: false });
  try {
    const chair = await srv.connect(srv.tokens.cochair);
    const p = await srv.connect(srv.tokens.participant);
    const q = (await p.command({ type: 'question.post', text: 'Still here?', lang: 'en' })).result.question.id;
    await chair.command({ type: 'question.approve', question: q });
    const others = [];
    for (let i = 0; i < 100; i += 25) others.push(...await Promise.all(Array.from({ length: 25 }, () => srv.connect(srv.tokens.stage))));
    const big = await srv.connect(srv.tokens.participant);
    // A frame that announces 10 MB: refused at its first chunk, never buffered whole.
    const t0 = performance.now();
    big.ws.send(`{"type":"question.post","id":"big","lang":"en","text":"${'x'.repeat(10 * 1024 * 1024)}"}`);
    const pins = (async () => {
      let ack;
      for (let i = 0; i < 5; i++) {
        assert.equal((await chair.command({ type: 'question.pin', question: q })).type, 'ack');
        ack = await chair.command({ type: 'question.unpin', question: q });
        assert.equal(ack.type, 'ack');
      }
      return ack.seq; // the last unpin's event (the ack may come before it: live window)
    })();
    const closed = await big.closed;
    assert.equal(closed.code, 1009);
    console.log(`10 MB frame: closed with ${closed.code} after ${(performance.now() - t0).toFixed(0)} ms`);
    const last = await pins;
    for (const o of [chair, ...others]) {
      await o.next((m) => m.type === 'question.unpinned' && m.seq === last);
      assert.equal(o.ws.readyState, WebSocket.OPEN);
    }
  } finally {
    await srv.stop();
  }
});

test('static files come only from the web root: traversal gets 403 or 404, no directory is listed', async () => {
  const srv = await startServer();
  try {
    const attempts = [
      '/../../../../etc/passwd', '/lib/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/..%2f..%2f..%2f..%2fetc%2fpasswd', '/%252e%252e/%252e%252e/etc/passwd', '/.%2e/.%2e/.%2e/etc/passwd',
      '/..\\..\\..\\etc\\passwd', '/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd', '/....//....//etc/passwd',
      '/lib/', '/i18n/', '/lib', '/index.html%00.js', '/../roundtable.db',
    ];
    for (const p of attempts) {
      const res = await rawRequest(srv.port, `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nConnection: close\r\n\r\n`);
      const code = status(res);
      // lws drops a request whose path decodes to a NUL without answering: refused too.
      assert.ok([400, 403, 404].includes(code) || (code === 0 && p.includes('%00')), `${p}: ${code || 'no answer'}`);
      assert.doesNotMatch(res, /root:|SQLite format|<title>Index of|app\.js"/, p);
    }
    // The server is unharmed.
    assert.equal((await fetch(srv.baseUrl + 'app.js')).status, 200);
  } finally {
    await srv.stop();
  }
});

test('a socket that does not authenticate in time is closed with 1008', async () => {
  const srv = await startServer({ serveArgs: ['--auth-timeout', '1'] });
  try {
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, 'roundtable.v1');
    const t0 = performance.now();
    const closed = new Promise((r) => ws.once('close', (code, reason) => r({ code, reason: String(reason) })));
    await new Promise((r) => ws.once('open', r));
    assert.deepEqual(await closed, { code: 1008, reason: 'auth.timeout' });
    // Not before the timeout (the server's clock may start a little before ours); the upper
    // bound is only the tests' deadline: a busy machine may be late, never early.
    const ms = performance.now() - t0;
    assert.ok(ms > 900 && ms < TIMEOUT_MS, `${ms} ms`);
    // One that did authenticate stays past the timeout: it is still served after a socket
    // opened after it was timed out (the server's own clock has passed its timeout then).
    const c = await srv.connect(srv.tokens.stage);
    const later = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, 'roundtable.v1');
    const laterClosed = new Promise((r) => later.once('close', (code, reason) => r({ code, reason: String(reason) })));
    assert.deepEqual(await laterClosed, { code: 1008, reason: 'auth.timeout' });
    assert.equal((await c.command({ type: 'clock.sync' })).type, 'clock.now');
    assert.equal(c.ws.readyState, WebSocket.OPEN);
  } finally {
    await srv.stop();
  }
});

test('a client sending faster than the rate gets limit.message_rate, then a 1008 close; others are untouched', async () => {
  const srv = await startServer({ serveArgs: ['--rate', '5', '--burst', '10'] });
  try {
    const calm = await srv.connect(srv.tokens.stage);
    const flood = await srv.connect(srv.tokens.stage);
    for (let i = 0; i < 15; i++) flood.send({ type: 'clock.sync', id: `f${i}` });
    const refused = await flood.next((m) => m.type === 'error');
    assert.equal(refused.code, 'limit.message_rate');
    assert.match(refused.id, /^f\d+$/);
    // A rate error is not a snapshot, nothing changed; at a calm pace the client is served.
    // Every one of the 15 is answered first, so the server has taken them all by now: a
    // second from here, its bucket has refilled (5 a second) whatever the machine's load.
    for (let i = 0; i < 15; i++) if (`f${i}` !== refused.id) await flood.next((m) => m.id === `f${i}`);
    await sleep(1000);
    assert.equal((await flood.command({ type: 'clock.sync' })).type, 'clock.now');
    // Persistent abuse: the connection ends. (40 small frames arrive in one read; many more
    // would still be unread when the server closes, and the reset would lose the close frame.
    // One write for all of them, so that a busy machine does not split them over reads.)
    flood.ws._socket.cork();
    for (let i = 0; i < 40; i++) flood.send({ type: 'clock.sync', id: `g${i}` });
    flood.ws._socket.uncork();
    assert.deepEqual(await flood.closed, { code: 1008, reason: 'limit.message_rate' });
    assert.equal((await calm.command({ type: 'clock.sync' })).type, 'clock.now');
  } finally {
    await srv.stop();
  }
});

test('headers: CSP names the WebSocket origin, framing is denied, Cache-Control fits each asset', async () => {
  const srv = await startServer();
  try {
    const cases = { '': 'no-cache', 'index.html': 'no-cache', 'app.js': 'no-cache', 'favicon.svg': 'public, max-age=86400' };
    for (const [p, cache] of Object.entries(cases)) {
      const res = await fetch(srv.baseUrl + p);
      assert.equal(res.status, 200, p);
      assert.equal(res.headers.get('cache-control'), cache, p);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', p);
      const csp = res.headers.get('content-security-policy');
      assert.match(csp, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${srv.port};`), p);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(res.headers.get('strict-transport-security'), null, 'no HSTS without TLS');
    }
    // A revalidation is answered 304, and still not cached without asking.
    const first = await fetch(srv.baseUrl + 'app.js');
    const again = await fetch(srv.baseUrl + 'app.js', { headers: { 'if-none-match': first.headers.get('etag') } });
    assert.equal(again.status, 304);
    assert.match(again.headers.get('cache-control'), /must-revalidate/);
  } finally {
    await srv.stop();
  }
});

test('TLS: serve --tls-cert/--tls-key speaks https and wss, with HSTS, and refuses TLS 1.1', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-tls-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const ca = fs.readFileSync(cert);
  const srv = await startServer({ serveArgs: ['--tls-cert', cert, '--tls-key', key] });
  try {
    assert.match(srv.stderr + srv.stdout, new RegExp(`listening on https://127\\.0\\.0\\.1:${srv.port}/`));
    const res = await new Promise((resolve, reject) => {
      https.get(`https://127.0.0.1:${srv.port}/`, { ca }, (r) => { r.resume(); resolve(r); }).on('error', reject);
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['strict-transport-security'], 'max-age=31536000');
    assert.match(res.headers['content-security-policy'], /connect-src 'self' wss:\/\/127\.0\.0\.1:\d+;/);
    const ws = new WebSocket(`wss://127.0.0.1:${srv.port}/ws`, 'roundtable.v1', { ca });
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    ws.send(JSON.stringify({ type: 'auth', token: srv.tokens.stage }));
    const first = await new Promise((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)))));
    assert.equal(first.type, 'snapshot');
    ws.close();
    // Plain HTTP on the TLS port gets nothing useful.
    const plain = await rawRequest(srv.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', 2000);
    assert.doesNotMatch(plain, /^HTTP\/1\.1 200/);
    // TLS 1.1 is refused.
    const old = await new Promise((resolve) => {
      const s = https.get(`https://127.0.0.1:${srv.port}/`, { ca, minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1' }, () => resolve('accepted'));
      s.on('error', () => resolve('refused'));
    });
    assert.equal(old, 'refused');
    // Half a pair is refused before anything starts.
    const half = await run(['serve', '--tls-cert', cert]);
    assert.equal(half.code, 2);
    assert.match(half.stderr, /--tls-cert and --tls-key/);
  } finally {
    await srv.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('handshakes with Upgrade: foo, h2c or empty (CVE-2025-11677) are refused and harm nothing', async () => {
  const srv = await startServer();
  try {
    const c = await srv.connect(srv.tokens.stage);
    for (const upgrade of ['foo', 'h2c', '', 'websocket, foo', 'WebSocket2']) {
      for (let i = 0; i < 3; i++) {
        const res = await rawRequest(srv.port, `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nConnection: Upgrade\r\n` +
          `Upgrade: ${upgrade}\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n` +
          'Sec-WebSocket-Protocol: roundtable.v1\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n', 1000);
        // Never a WebSocket, and never HTTP/2: the h2c upgrade is hung up on.
        assert.doesNotMatch(res, /Sec-WebSocket-Accept/i, `Upgrade: ${upgrade}`);
        assert.doesNotMatch(res, /^HTTP\/1\.1 101/, `Upgrade: ${upgrade}`);
      }
      assert.equal((await c.command({ type: 'clock.sync' })).type, 'clock.now', `after Upgrade: ${upgrade}`);
    }
  } finally {
    // stop() fails on any sanitizer report or a crash.
    await srv.stop();
  }
});

test('HTTP/2 is never spoken: h2c with an absurd HPACK table size, and prior knowledge, change nothing', async () => {
  const srv = await startServer();
  try {
    const c = await srv.connect(srv.tokens.stage);
    // SETTINGS_HEADER_TABLE_SIZE = 2^32 - 1, on a file's path and on the socket's.
    for (const p of ['/', '/ws', '/app.js']) {
      const res = await rawRequest(srv.port, `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\n` +
        'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAH_____\r\n\r\n', 1000);
      assert.doesNotMatch(res, /^HTTP\/1\.1 101|Upgrade: h2c/i, p);
    }
    // The HTTP/2 connection preface, then a SETTINGS frame with the same table size.
    const preface = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'),
      Buffer.from([0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff])]);
    const res = await rawRequest(srv.port, preface.toString('latin1'), 1000);
    // An HTTP/2 server would answer with its own SETTINGS frame (type 4) first.
    assert.ok(res.length < 9 || res.charCodeAt(3) !== 4 || /^HTTP\/1\.1/.test(res), JSON.stringify(res.slice(0, 20)));
    assert.equal((await c.command({ type: 'clock.sync' })).type, 'clock.now');
  } finally {
    await srv.stop(); // fails on a sanitizer report (an absurd allocation) or a crash
  }
});
