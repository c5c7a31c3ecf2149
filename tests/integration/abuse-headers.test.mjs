// Abuse: slow headers. One address trickles request headers on hundreds of sockets (slowloris)
// to hold every place where lws reads headers; clients from other addresses must still get in,
// and the server keeps no more than a few of that address' sockets in the header phase.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { parseMetrics, sleep, startServer } from '../lib/harness.mjs';

// Keeps `count` sockets from `localAddress` sending their headers a line at a time, reopening
// each one the server closes; with keepAlive, each first asks for /favicon.svg in full and
// trickles its second request on the same connection. Returns { stop(), opened, closed }.
function trickle(port, localAddress, count, { keepAlive = false } = {}) {
  const state = { stopped: false, opened: 0, closed: 0, sockets: new Set() };
  const open = () => {
    if (state.stopped) return;
    const sock = net.connect({ port, host: '127.0.0.1', localAddress });
    state.sockets.add(sock);
    let timer;
    const slow = () => {
      sock.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      timer = setInterval(() => sock.write(`X-Slow-${state.opened}: a\r\n`), 500);
    };
    sock.on('connect', () => {
      state.opened++;
      if (!keepAlive) return slow();
      sock.write(`GET /favicon.svg HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      let got = '';
      const onData = (d) => {
        got += d.toString('latin1');
        const m = /Content-Length: (\d+)/i.exec(got);
        const end = got.indexOf('\r\n\r\n');
        if (m && end >= 0 && got.length >= end + 4 + Number(m[1])) {
          sock.off('data', onData);
          slow();
        }
      };
      sock.on('data', onData);
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      clearInterval(timer);
      state.sockets.delete(sock);
      state.closed++;
      setTimeout(open, 20);
    });
  };
  for (let i = 0; i < count; i++) open();
  state.stop = () => {
    state.stopped = true;
    for (const s of state.sockets) s.destroy();
  };
  return state;
}

// GET path from localAddress; { status, headers }.
function get(port, path, localAddress) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, localAddress, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    }).on('error', reject);
  });
}

test('200 sockets trickling headers from one address do not keep another address out', async () => {
  const srv = await startServer();
  const attack = trickle(srv.port, '127.0.0.1', 200);
  try {
    // Let the attack fill every place it can (the header timeout is 5 s: past it, the first
    // wave has been closed and reopened).
    await sleep(6000);
    const times = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const c = await srv.connect(srv.tokens.stage, { localAddress: '127.0.0.2', wsOptions: { handshakeTimeout: 10000 } });
      assert.equal(c.snapshot.role, 'stage');
      times.push(performance.now() - t0);
      c.close();
    }
    // A page load from the other address works too.
    assert.equal((await get(srv.port, '/', '127.0.0.3')).status, 200);
    console.log(`slow headers: 5 of 5 handshakes from 127.0.0.2 during the attack, ${times.map((t) => t.toFixed(0)).join(', ')} ms; ` +
      `attacker sockets opened ${attack.opened}, closed by the server ${attack.closed}`);
    const m = parseMetrics((await get(srv.port, '/metrics', '127.0.0.3')).body);
    assert.ok(m.get('roundtable_header_refused_total') > 0, 'the attacker was refused or cut');
  } finally {
    attack.stop();
    await srv.stop();
  }
});

test('200 kept-alive connections trickling their second request do not keep another address out', async () => {
  const srv = await startServer();
  const attack = trickle(srv.port, '127.0.0.1', 200, { keepAlive: true });
  try {
    await sleep(6000);
    for (let i = 0; i < 5; i++) {
      const c = await srv.connect(srv.tokens.stage, { localAddress: '127.0.0.2', wsOptions: { handshakeTimeout: 10000 } });
      assert.equal(c.snapshot.role, 'stage');
      c.close();
    }
    assert.equal((await get(srv.port, '/', '127.0.0.3')).status, 200);
  } finally {
    attack.stop();
    await srv.stop();
  }
});

test('a crowd behind one address connecting at once is not refused for being many', async () => {
  const srv = await startServer();
  try {
    const clients = await Promise.all(Array.from({ length: 40 }, () => srv.connect(srv.tokens.stage)));
    assert.equal(clients.length, 40);
    const pages = await Promise.all(Array.from({ length: 40 }, () => get(srv.port, '/app.js', '127.0.0.1')));
    assert.ok(pages.every((p) => p.status === 200));
  } finally {
    await srv.stop();
  }
});
