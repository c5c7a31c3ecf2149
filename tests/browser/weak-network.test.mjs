// Weak networks, in real Chromium: the participant's page throttled by the DevTools protocol
// (Network.emulateNetworkConditions: 400 kbit/s both ways, 400 ms round trip, no cache) loads,
// shows its first screen, accepts the Rule and posts a question. It measures and prints the
// page's weight on the wire and unpacked, how many round trips deep its requests go before the
// first render (the HTML is 0; what the HTML names is 1; what a file of round trip 1 asks for
// is 2: nothing may wait behind that), and the times. The page preloads exactly the modules it
// runs, downloads none of the other roles' (the co-chairs', the stage's and its QR library, the
// booths', the rapporteurs'), and paints its skeleton before its WebSocket opens. And the
// server's side of it: text files
// go gzipped (Content-Encoding, Vary, the same Cache-Control and CSP) to a browser that takes
// gzip, plain to one that does not, and plain when the file is newer than its .gz.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { browserSuite } from '../lib/browser.mjs';
import { startServer, webDir } from '../lib/harness.mjs';

const PHONE = { width: 360, height: 740 };
const RTT_MS = 400;
const KBPS = 400;
const BUDGET = 100 * 1024; // the participant's page, compressed, on the wire
// What only other roles use: a participant's page never downloads it.
const OTHER_ROLES = /\/(views\/(chair|chair-panels|stage|booth|rapporteur)\.js|vendor\/qrcode\.js)$/;

const suite = browserSuite();

// How many round trips after the HTML each request had to wait for: the request that made it
// (its initiator: the document's parser, or the script whose call asked for it) plus one.
function depths(requests, docUrl) {
  const byUrl = new Map(requests.map((r) => [r.url, r]));
  const depth = (r, seen = new Set()) => {
    if (r.url === docUrl) return 0;
    if (seen.has(r.url)) return Infinity;
    seen.add(r.url);
    const i = r.initiator || {};
    let from = i.url;
    for (let s = i.stack; !from && s; s = s.parent) from = s.callFrames.find((f) => f.url)?.url;
    const parent = from ? byUrl.get(from) : null;
    return parent ? depth(parent, seen) + 1 : 1;
  };
  return requests.map((r) => ({ ...r, depth: depth(r) }));
}

for (const locale of ['en-GB', 'ar']) {
  test(`the participant's page on a weak network (${KBPS} kbit/s, ${RTT_MS} ms round trip), in ${locale}: first screen, Rule, a question`, async (t) => {
    const { srv, browser, problems } = suite;
    const context = await browser.newContext({ locale, viewport: PHONE });
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`weak network page error: ${e.message}`));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: RTT_MS, downloadThroughput: (KBPS * 1000) / 8, uploadThroughput: (KBPS * 1000) / 8,
    });
    const requests = new Map();
    cdp.on('Network.requestWillBeSent', (e) => {
      if (!e.request.url.startsWith('http')) return;
      requests.set(e.requestId, { url: e.request.url.split('#')[0], initiator: e.initiator, sent: e.timestamp, wire: 0, body: 0 });
    });
    cdp.on('Network.responseReceived', (e) => {
      const r = requests.get(e.requestId);
      if (r) {
        r.encoding = Object.entries(e.response.headers).find(([k]) => k.toLowerCase() === 'content-encoding')?.[1] || 'identity';
        r.headersAt = e.timestamp;
      }
    });
    cdp.on('Network.dataReceived', (e) => { const r = requests.get(e.requestId); if (r) r.body += e.dataLength; });
    // The WebSocket's handshake: its clock (seconds since an arbitrary point) turned into the
    // wall clock by the request's pair of both.
    const socket = {};
    cdp.on('Network.webSocketWillSendHandshakeRequest', (e) => { socket.wallOffset = e.wallTime - e.timestamp; });
    cdp.on('Network.webSocketHandshakeResponseReceived', (e) => { socket.openedAt ??= e.timestamp; });
    cdp.on('Network.loadingFinished', (e) => {
      const r = requests.get(e.requestId);
      if (r) { r.wire = e.encodedDataLength; r.done = e.timestamp; }
    });

    const t0 = Date.now();
    await page.goto(srv.links.participant, { waitUntil: 'commit', timeout: 60000 });
    // First render: the page has drawn itself in its language (the header, "Connecting…").
    await page.waitForFunction(() => document.querySelector('#app .app'), null, { timeout: 60000, polling: 50 });
    const firstRender = Date.now() - t0;
    const before = depths([...requests.values()], page.url().split('#')[0]);
    await page.getByTestId('rule-accept').waitFor({ timeout: 60000 });
    const firstScreen = Date.now() - t0;
    assert.match(await page.getByTestId('rule-text').textContent(), locale === 'ar' ? /تشاتام هاوس/ : /Chatham House Rule/);
    await page.waitForLoadState('load');
    const all = depths([...requests.values()], page.url().split('#')[0]);
    // The skeleton is painted before the WebSocket opens: the page is never blank while it
    // connects.
    const paint = await page.evaluate(() => {
      const p = performance.getEntriesByName('first-contentful-paint')[0];
      return p ? { at: performance.timeOrigin + p.startTime, after: p.startTime, origin: performance.timeOrigin } : null;
    });
    assert.ok(paint, 'a first contentful paint');
    assert.ok(socket.openedAt !== undefined, 'the WebSocket opened');
    const socketOpen = (socket.openedAt + socket.wallOffset) * 1000;
    assert.ok(paint.at < socketOpen, `the first paint (${Math.round(paint.at)}) came after the WebSocket opened (${Math.round(socketOpen)})`);
    // Exactly the modules the page runs are preloaded, and no other role's file is downloaded.
    const preloaded = await page.evaluate(() => [...document.querySelectorAll('link[rel="modulepreload"]')].map((l) => l.href).sort());
    const scripts = [...new Set(all.map((r) => r.url).filter((u) => u.endsWith('.js')))].sort();
    assert.deepEqual(scripts, preloaded, 'the modules the page asked for are the ones it preloads');
    const others = all.filter((r) => OTHER_ROLES.test(new URL(r.url).pathname));
    assert.deepEqual(others.map((r) => r.url), [], 'the participant\'s page downloads no other role\'s code');

    await page.getByTestId('rule-accept').click();
    await page.getByTestId('question-text').waitFor({ timeout: 60000 });
    await page.getByTestId('question-text').fill('On a weak line: will the report be published in Arabic?');
    await page.getByTestId('question-submit').click();
    await page.getByTestId('my-question').waitFor({ timeout: 60000 });
    const posted = Date.now() - t0;

    const wire = all.reduce((n, r) => n + r.wire, 0);
    const body = all.reduce((n, r) => n + r.body, 0);
    const deepest = Math.max(...before.map((r) => r.depth));
    const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
    const lines = all.sort((a, b) => a.depth - b.depth || a.sent - b.sent)
      .map((r) => `  ${r.depth}  ${r.encoding.padEnd(8)} ${kb(r.wire).padStart(9)} ${kb(r.body).padStart(9)}  ${new URL(r.url).pathname}`);
    t.diagnostic(`participant page (${locale}): ${all.length} requests, ${kb(wire)} on the wire (gzip), ${kb(body)} unpacked`);
    t.diagnostic(`round trips after the HTML before the first render: ${deepest}; skeleton painted ${Math.round(paint.after)} ms, WebSocket open ${Math.round(socketOpen - paint.origin)} ms, first render ${firstRender} ms, first screen (Rule) ${firstScreen} ms, question posted ${posted} ms after navigation, at ${KBPS} kbit/s and ${RTT_MS} ms`);
    t.diagnostic('depth encoding     wire  unpacked  path');
    for (const line of lines) t.diagnostic(line);

    assert.ok(wire < BUDGET, `the page weighs ${kb(wire)} on the wire, over ${kb(BUDGET)}`);
    for (const r of all.filter((x) => /\.(js|css|json|html)$|\/$/.test(new URL(x.url).pathname))) {
      assert.equal(r.encoding, 'gzip', `${r.url} came ${r.encoding}`);
    }
    assert.ok(deepest <= 2, `the first render waited ${deepest} round trips after the HTML:\n${lines.join('\n')}`);
    await context.close();
    assert.deepEqual(problems, []);
  });
}

function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('text files go gzipped to a browser that takes gzip, with the same headers; plain otherwise, and when the .gz is older', async () => {
  const { srv } = suite;
  const page = new URL(srv.links.participant);
  page.hash = '';
  for (const [url, file, type] of [[`${srv.baseUrl}app.js`, 'app.js', /javascript/], [`${srv.baseUrl}i18n/ar.json`, 'i18n/ar.json', /json/],
    [page.href, 'index.html', /html/]]) {
    const original = fs.readFileSync(path.join(webDir, file));
    const zipped = await get(url, { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(zipped.status, 200);
    assert.equal(zipped.headers['content-encoding'], 'gzip', url);
    assert.match(zipped.headers.vary || '', /accept-encoding/i);
    assert.match(zipped.headers['content-type'], type);
    assert.equal(zipped.headers['cache-control'], 'no-cache');
    assert.match(zipped.headers['content-security-policy'], /^default-src 'self'/);
    assert.equal(Number(zipped.headers['content-length']), zipped.body.length);
    assert.ok(zipped.body.length < original.length / 2, `${file}: ${zipped.body.length} bytes gzipped of ${original.length}`);
    assert.deepEqual(zlib.gunzipSync(zipped.body), original);
    const plain = await get(url);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.match(plain.headers.vary || '', /accept-encoding/i);
    assert.deepEqual(plain.body, original);
    if (plain.headers.etag) assert.notEqual(plain.headers.etag, zipped.headers.etag, 'the two forms have their own ETag');
  }

  // A web folder whose app.js was changed after its .gz was written: the .gz is not sent.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roundtable-web-'));
  fs.cpSync(webDir, dir, { recursive: true, preserveTimestamps: true });
  const later = new Date(Date.now() + 5000);
  fs.appendFileSync(path.join(dir, 'app.js'), '\n// changed in place\n');
  fs.utimesSync(path.join(dir, 'app.js'), later, later);
  const other = await startServer({ web: dir });
  try {
    const r = await get(`${other.baseUrl}app.js`, { 'accept-encoding': 'gzip' });
    assert.equal(r.headers['content-encoding'], undefined, 'a stale .gz is never sent');
    assert.match(r.body.toString(), /changed in place/);
    const css = await get(`${other.baseUrl}style.css`, { 'accept-encoding': 'gzip' });
    assert.equal(css.headers['content-encoding'], 'gzip');
  } finally {
    await other.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
