// Abuse: frames and handshakes from raw sockets. An oversized message is refused as soon as its
// length is known, a message left half-sent is not held for ever, a handshake must carry a key
// and (with no --origin) a Host naming this server, 404 and 301 are not cached, and failed
// logins are throttled per address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import net from 'node:net';
import WebSocket from 'ws';
import { startServer, TIMEOUT_MS } from '../lib/harness.mjs';

// A raw socket after the WebSocket handshake (or the handshake's refusal): { sock, head,
// frames (server frames parsed as they arrive), closed (resolves with the close frame's code
// and reason as soon as it arrives, or null when the socket ends without one) }.
function rawSocket(port, { headers = {}, localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: '127.0.0.1', localAddress });
    const h = {
      Host: `127.0.0.1:${port}`, Upgrade: 'websocket', Connection: 'Upgrade',
      'Sec-WebSocket-Key': crypto.randomBytes(16).toString('base64'), 'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Protocol': 'roundtable.v1', ...headers,
    };
    let buf = Buffer.alloc(0);
    let head = null;
    const frames = [];
    let closeFrame = null;
    let gotClose;
    const closed = new Promise((r) => {
      gotClose = r;
      sock.on('close', () => r(closeFrame));
    });
    sock.on('error', () => {});
    sock.on('connect', () => {
      sock.write(`GET /ws HTTP/1.1\r\n${Object.entries(h).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!head) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        head = buf.subarray(0, end).toString('latin1');
        buf = buf.subarray(end + 4);
        resolve({ sock, head, frames, closed });
      }
      while (buf.length >= 2) {
        const len = buf[1] & 0x7f;
        const off = len === 126 ? 4 : 2;
        const n = len === 126 ? buf.readUInt16BE(2) : len;
        if (buf.length < off + n) break;
        const f = { op: buf[0] & 0x0f, payload: buf.subarray(off, off + n) };
        buf = buf.subarray(off + n);
        if (f.op === 8) {
          closeFrame = { code: f.payload.readUInt16BE(0), reason: f.payload.subarray(2).toString() };
          gotClose(closeFrame);
        } else {
          frames.push(f);
        }
      }
    });
    sock.on('close', () => { if (!head) resolve({ sock, head: '', frames, closed }); });
    sock.setTimeout(30000, () => reject(new Error('no handshake answer')));
  });
}

// A client frame: text, FIN, masked unless mask is false; `announce` overrides the length.
function frame(payload, { mask = true, announce } = {}) {
  const data = Buffer.from(payload);
  const n = announce ?? data.length;
  const head = n < 126 ? Buffer.from([0x81, (mask ? 0x80 : 0) | n])
    : n < 65536 ? Buffer.from([0x81, (mask ? 0x80 : 0) | 126, n >> 8, n & 0xff])
      : Buffer.concat([Buffer.from([0x81, (mask ? 0x80 : 0) | 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(n)); return b; })()]);
  if (!mask) return Buffer.concat([head, data]);
  const key = crypto.randomBytes(4);
  return Buffer.concat([head, key, Buffer.from(data.map((b, i) => b ^ key[i % 4]))]);
}

test('a message announcing 1 MB is refused with 1009 at once, before the rest is sent', async () => {
  const srv = await startServer();
  try {
    const r = await rawSocket(srv.port);
    assert.match(r.head, /^HTTP\/1\.1 101/);
    const t0 = performance.now();
    // 70 KB of a 1 MB message, then nothing more: the server must not wait for the rest.
    r.sock.write(frame('x'.repeat(70 * 1024), { announce: 1024 * 1024 }).subarray(0, 70 * 1024));
    // Were the rest awaited, the message's 10 s deadline would close it with another code.
    const closed = await Promise.race([r.closed, new Promise((res) => setTimeout(() => res('waiting'), TIMEOUT_MS))]);
    assert.deepEqual(closed, { code: 1009, reason: 'protocol.too_large' });
    console.log(`oversized: 1009 after ${(performance.now() - t0).toFixed(0)} ms, 70 KB of 1 MB sent`);
  } finally {
    await srv.stop();
  }
});

test('a message left half-sent is closed with 1008 protocol.timeout; others stay', async () => {
  // A long auth timeout, so that only the message's own deadline (10 s) can close it.
  const srv = await startServer({ serveArgs: ['--auth-timeout', '60'] });
  try {
    const other = await srv.connect(srv.tokens.stage);
    const r = await rawSocket(srv.port);
    const t0 = performance.now();
    r.sock.write(frame('y'.repeat(60000)).subarray(0, 10 + 4 + 3000)); // a header, a key, 3,000 of 60,000 bytes
    const closed = await Promise.race([r.closed, new Promise((res) => setTimeout(() => res('waiting'), 10000 + TIMEOUT_MS))]);
    assert.deepEqual(closed, { code: 1008, reason: 'protocol.timeout' });
    const s = (performance.now() - t0) / 1000;
    assert.ok(s > 9 && s < 10 + TIMEOUT_MS / 1000, `${s} s`);
    console.log(`stalled message: closed 1008 after ${s.toFixed(1)} s`);
    assert.equal((await other.command({ type: 'clock.sync' })).type, 'clock.now');
  } finally {
    await srv.stop();
  }
});

test('a handshake without Sec-WebSocket-Key gets 400', async () => {
  const srv = await startServer();
  try {
    for (const key of [null, '', 'short']) {
      const r = await rawSocket(srv.port, { headers: { 'Sec-WebSocket-Key': key } });
      assert.match(r.head, /^HTTP\/1\.[01] 400/, `key ${key}: ${r.head.split('\r\n')[0]}`);
    }
    assert.equal((await srv.connect(srv.tokens.stage)).snapshot.role, 'stage');
  } finally {
    await srv.stop();
  }
});

test('DNS rebinding: with no --origin, a page whose Host and Origin name another site cannot open a socket', async () => {
  const srv = await startServer();
  try {
    const tryOpen = (host, origin) => new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, 'roundtable.v1', { headers: { Host: host }, origin });
      ws.once('open', () => { ws.close(); resolve('open'); });
      ws.once('error', () => resolve('refused'));
    });
    const port = srv.port;
    assert.equal(await tryOpen(`rebind.evil.example:${port}`, `http://rebind.evil.example:${port}`), 'refused');
    assert.equal(await tryOpen(`127.0.0.1:${port + 1}`, `http://127.0.0.1:${port + 1}`), 'refused');
    assert.equal(await tryOpen(`127.0.0.1:${port}`, `http://127.0.0.1:${port}`), 'open');
    assert.equal(await tryOpen(`localhost:${port}`, `http://localhost:${port}`), 'open');
    assert.equal(await tryOpen(`LOCALHOST:${port}`, `http://localhost:${port}`), 'open');
    // Not a browser (no Origin): no Host check.
    assert.equal(await tryOpen(`anything.example:${port}`, undefined), 'open');
  } finally {
    await srv.stop();
  }
});

test('404 and 301 answers carry Cache-Control', async () => {
  const srv = await startServer();
  try {
    for (const [p, code] of [['nope.js', 404], ['c/nosuch/x', 404], [`c/${srv.consultation}`, 301]]) {
      const res = await fetch(srv.baseUrl + p, { redirect: 'manual' });
      assert.equal(res.status, code, p);
      assert.equal(res.headers.get('cache-control'), 'no-store', p);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', p);
      if (code === 301) assert.equal(res.headers.get('location'), `${srv.consultation}/`);
    }
  } finally {
    await srv.stop();
  }
});

test('failed logins: 20 a minute from one address, then even a good token is refused; other addresses log in', async () => {
  const srv = await startServer();
  try {
    const login = (token, localAddress) => srv.connect(token, { localAddress }).then(() => 'ok', (e) => e.message);
    for (let i = 0; i < 20; i++) {
      assert.equal(await login(crypto.randomBytes(16).toString('base64url'), '127.0.0.5'), 'auth refused: auth.invalid');
    }
    // The 21st, with a good token: refused with a typed error and a 1008.
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, 'roundtable.v1', { localAddress: '127.0.0.5' });
    const answer = new Promise((r) => ws.once('message', (d) => r(JSON.parse(String(d)))));
    const closed = new Promise((r) => ws.once('close', (code, reason) => r({ code, reason: String(reason) })));
    ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', token: srv.tokens.stage, id: 'a1' })));
    const msg = await answer;
    assert.equal(msg.type, 'error');
    assert.equal(msg.code, 'limit.message_rate');
    assert.deepEqual(await closed, { code: 1008, reason: 'limit.message_rate' });
    // Another address is not held up.
    assert.equal(await login(srv.tokens.stage, '127.0.0.6'), 'ok');
  } finally {
    await srv.stop();
  }
});
