// Scaling out (PERF-4): two Roundtable servers behind Debian's nginx with the pinned
// site (deploy/nginx/roundtable-pinned.conf), one origin; each consultation served by the
// server that holds it, found by the id in its links' path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { freePort, startServer, votesIn } from '../lib/harness.mjs';
import { nginxSite, startNginx } from '../lib/nginx.mjs';

const get = (url, ca) => new Promise((resolve, reject) => {
  https.get(url, { ca }, (r) => {
    let body = '';
    r.setEncoding('utf8');
    r.on('data', (d) => { body += d; });
    r.on('end', () => resolve({ status: r.statusCode, headers: r.headers, body }));
  }).on('error', reject);
});

// The metrics of one server, read on its own port (as Prometheus would, on loopback).
async function connections(srv) {
  const text = await (await fetch(`${srv.baseUrl}metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^roundtable_connections\{role="[a-z]+"\} (\d+)$/gm)) n += Number(m[1]);
  return n;
}

test('two servers behind one nginx origin: each consultation\'s page and socket reach the server that holds it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-scaling-'));
  const ports = [await freePort(), await freePort()];
  let stopNginx;
  const servers = [];
  try {
    // The proxy's origin must be known to the servers before they start.
    const site0 = { tls: await freePort() };
    const origin = `https://127.0.0.1:${site0.tls}`;
    const common = ['--origin', origin, '--trusted-proxy', '127.0.0.1'];
    for (const port of ports) {
      // Links printed for the public origin, as an organiser would (`--base-url`).
      servers.push(await startServer({ port, serveArgs: common }));
    }
    const [one, two] = servers;
    assert.notEqual(one.consultation, two.consultation);
    const pins = `${one.consultation} roundtable_1;\n${two.consultation} roundtable_2;\n`;
    const site = await nginxSite(dir, 'roundtable-pinned.conf', { 8081: ports[0], 8082: ports[1] }, { 'pins.map': pins });
    // nginxSite picked its own port; move it to the one the servers were told.
    const conf = fs.readFileSync(path.join(dir, 'site.conf'), 'utf8').replace(`listen 127.0.0.1:${site.tls} ssl`, `listen 127.0.0.1:${site0.tls} ssl`);
    fs.writeFileSync(path.join(dir, 'site.conf'), conf);
    site.tls = site0.tls;
    stopNginx = await startNginx(site);
    const { ca } = site;

    // The links' paths name the consultation.
    for (const srv of servers) {
      assert.match(srv.links.participant, new RegExp(`/c/${srv.consultation}/#[A-Za-z0-9_-]{22}$`));
    }

    // Each page through the one origin, with the files it names.
    for (const srv of servers) {
      const page = await get(`${origin}/c/${srv.consultation}/`, ca);
      assert.equal(page.status, 200);
      assert.match(page.body, /<base href="\.\.\/\.\.\/">/);
      assert.match(page.headers['content-security-policy'], new RegExp(`connect-src 'self' wss://127\\.0\\.0\\.1:${site.tls}`));
      for (const file of ['app.js', 'style.css', 'lib/connection.js', 'i18n/ar.json']) {
        assert.equal((await get(`${origin}/${file}`, ca)).status, 200, file);
      }
    }
    const redirect = await get(`${origin}/c/${one.consultation}`, ca);
    assert.equal(redirect.status, 301);
    // Relative, so that it holds under a proxy's prefix too.
    assert.equal(new URL(redirect.headers.location, `${origin}/c/${one.consultation}`).href, `${origin}/c/${one.consultation}/`);

    // Participants and co-chairs of both consultations through the one origin, on the sockets
    // beside their pages.
    const via = (srv) => ({ url: `wss://127.0.0.1:${site.tls}/c/${srv.consultation}/ws`, wsOptions: { ca, origin } });
    const before = [await connections(one), await connections(two)];
    const clients = [];
    for (const srv of servers) {
      const chair = await srv.connect(srv.tokens.cochair, via(srv));
      const alice = await srv.connect(srv.tokens.participant, via(srv));
      const bob = await srv.connect(srv.tokens.invitations[0], via(srv));
      assert.equal(chair.snapshot.consultation.id, srv.consultation);
      clients.push({ srv, chair, alice, bob });
    }
    // Each server holds its own three connections, and none of the other's.
    assert.deepEqual([await connections(one) - before[0], await connections(two) - before[1]], [3, 3]);

    for (const { srv, chair, alice, bob } of clients) {
      const text = `Served by the server of ${srv.consultation}?`;
      const posted = await alice.command({ type: 'question.post', text, lang: 'en' });
      assert.equal(posted.type, 'ack', JSON.stringify(posted));
      const q = posted.result.question.id;
      assert.equal((await chair.command({ type: 'question.approve', question: q })).type, 'ack');
      assert.equal((await bob.command({ type: 'question.vote', question: q })).type, 'ack');
      await alice.next((m) => votesIn(m, q) === 1);
    }
    // Each question is in its own server's database only.
    for (const srv of servers) {
      const texts = execFileSync('sqlite3', ['-readonly', path.join(srv.dataDir, 'roundtable.db'), 'SELECT text FROM question'], { encoding: 'utf8' });
      assert.equal(texts.trim(), `Served by the server of ${srv.consultation}?`);
    }

    // A link opened under another consultation's path is refused, whichever server it reaches
    // (the path's server does not know it; and even one that does refuses a link of another
    // consultation than the path names); nothing crosses.
    const crossed = await one.connect(one.tokens.cochair, via(two)).then(() => 'open', (e) => e.message);
    assert.equal(crossed, 'auth refused: auth.invalid');
    const direct = (srv, id) => ({ url: `ws://127.0.0.1:${srv.port}/c/${id}/ws` });
    assert.equal(await one.connect(one.tokens.cochair, direct(one, two.consultation)).then(() => 'open', (e) => e.message),
      'auth refused: auth.invalid');
    assert.equal((await one.connect(one.tokens.cochair, direct(one, one.consultation))).snapshot.consultation.id, one.consultation);
    // A consultation no server holds: its page from any server, its socket refused.
    assert.equal((await get(`${origin}/c/nosuchconsult/`, ca)).status, 200);
    for (let i = 0; i < 2; i++) {
      const unknown = await one.connect(one.tokens.cochair, { ...via(one), url: `wss://127.0.0.1:${site.tls}/c/nosuchconsult/ws` })
        .then(() => 'open', (e) => e.message);
      assert.equal(unknown, 'auth refused: auth.invalid');
    }
  } finally {
    for (const srv of servers) await srv.stop();
    if (stopNginx) await stopNginx();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
