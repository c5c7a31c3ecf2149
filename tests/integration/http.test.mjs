// The web client is served by the same server and port, with headers that keep tokens and
// content where they belong (PL-5, CHR-8), and the WebSocket needs the versioned subprotocol.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startServer } from '../lib/harness.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

test('pages carry the security headers', async () => {
  for (const p of ['', 'index.html', 'app.js', 'no-such-file.js']) {
    const res = await fetch(srv.baseUrl + p);
    if (p === 'no-such-file.js') {
      assert.equal(res.status, 404);
    } else {
      assert.equal(res.status, 200, p);
    }
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer', p);
    assert.match(res.headers.get('content-security-policy') || '', /default-src 'self'/, p);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', p);
  }
  const index = await (await fetch(srv.baseUrl)).text();
  assert.match(index, /<script type="module" src="(\.\/)?app\.js"><\/script>/);
  assert.doesNotMatch(index, /https?:\/\//, 'the page must load nothing from another origin');
  const js = await fetch(srv.baseUrl + 'app.js');
  assert.match(js.headers.get('content-type'), /javascript/);
});

for (const proto of [undefined, 'roundtable.v0']) {
  test(`a WebSocket offering ${proto ?? 'no subprotocol'} is refused`, async () => {
    const ws = proto ? new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, proto) : new WebSocket(`ws://127.0.0.1:${srv.port}/ws`);
    const outcome = await new Promise((resolve) => {
      ws.once('open', () => resolve('open'));
      ws.once('error', () => resolve('refused'));
    });
    assert.equal(outcome, 'refused');
  });
}
