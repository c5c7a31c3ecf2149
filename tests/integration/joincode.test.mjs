// The stage's short join code (K7QX-42AB): GET /j/CODE sends a browser to the open participant
// link, whatever the case and with or without its dash; an unknown code is not found; failed
// look-ups are limited per client address; rotating the open link changes the code and the old
// one stops, revoking it removes the code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, run } from '../lib/harness.mjs';

let srv;
// Behind a trusted proxy, the client's address is the last of X-Forwarded-For: each test
// speaks from addresses of its own.
before(async () => { srv = await startServer({ serveArgs: ['--trusted-proxy', '127.0.0.1'] }); });
after(async () => { await srv.stop(); });

const codeOf = (stageLink) => stageLink.slice(stageLink.indexOf('#') + 1).split('.')[2];
const tokenOf = (url) => url.slice(url.indexOf('#') + 1).split('.')[0];
const dashed = (code) => `${code.slice(0, 4)}-${code.slice(4)}`;

function lookUp(code, from) {
  return fetch(`${srv.baseUrl}j/${code}`, { redirect: 'manual', headers: { 'x-forwarded-for': from } });
}

// Where a redirect leads, resolved as a browser would.
const target = (res) => new URL(res.headers.get('location'), res.url).href;

test('a join code answers 303 with the open participant link, in any case, dash optional', async () => {
  const code = codeOf(srv.links.stage);
  assert.match(code, /^[0-9A-HJKMNP-TV-Z]{8}$/, 'Crockford base32: no I, L, O or U');
  const want = `${srv.baseUrl}c/${srv.consultation}/#${srv.tokens.participant}`;
  for (const typed of [dashed(code), code, code.toLowerCase(), dashed(code).toLowerCase()]) {
    const res = await lookUp(typed, '10.1.0.1');
    assert.equal(res.status, 303, typed);
    assert.equal(target(res), want, typed);
    assert.equal(res.headers.get('cache-control'), 'no-store', typed);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer', typed);
  }
  // The link it leads to is the open participant link: it authenticates.
  const res = await lookUp(code, '10.1.0.1');
  const p = await srv.connect(tokenOf(target(res)));
  assert.equal(p.snapshot.role, 'participant');
});

test('an unknown code, or not a code, is not found', async () => {
  for (const typed of ['ZZZZ-ZZZZ', 'hello', '', 'K7QX-42AB-9', 'UUUU-UUUU']) {
    const res = await lookUp(typed, '10.2.0.1');
    assert.equal(res.status, 404, typed);
    assert.equal(res.headers.get('cache-control'), 'no-store', typed);
    assert.match(await res.text(), /No consultation has this join code/);
  }
});

test('failed look-ups are limited per address: then every look-up from it waits', async () => {
  const code = codeOf(srv.links.stage);
  const guesser = '10.3.0.1';
  // A right code does not count; ten misses are answered 404.
  assert.equal((await lookUp(code, guesser)).status, 303);
  for (let i = 0; i < 10; i += 1) assert.equal((await lookUp(`ZZZZ-ZZ${i}0`, guesser)).status, 404, `miss ${i + 1}`);
  const limited = await lookUp('ZZZZ-ZZZZ', guesser);
  assert.equal(limited.status, 429);
  const retry = Number(limited.headers.get('retry-after'));
  assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 60, `Retry-After: ${retry}`);
  assert.equal(limited.headers.get('cache-control'), 'no-store');
  // A right code from the limited address waits too: otherwise the limit would tell hits from
  // misses, and guessing would go on.
  assert.equal((await lookUp(code, guesser)).status, 429);
  // Other addresses are not affected.
  assert.equal((await lookUp(code, '10.3.0.2')).status, 303);
  assert.equal((await lookUp('ZZZZ-ZZZZ', '10.3.0.2')).status, 404);
});

test('rotating the open link changes the code; the old one is gone; revoking removes it', async () => {
  const old = codeOf(srv.links.stage);
  let r = await run(['links', srv.consultation, '--data', srv.dataDir, '--rotate', 'participant', '--base-url', srv.baseUrl]);
  assert.equal(r.code, 0, r.stderr);
  const printed = r.stdout.match(/^ {2}Join code: +([0-9A-Z]{4}-[0-9A-Z]{4}) +(\S+)$/m);
  assert.ok(printed, r.stdout);
  const [, shown, shortUrl] = printed;
  assert.equal(shortUrl, `${srv.baseUrl}j/${shown}`);
  const stage = r.stdout.match(/^ {2}stage: +(\S+)$/m)[1];
  const participant = r.stdout.match(/^ {2}participant: +(\S+)$/m)[1];
  assert.equal(codeOf(stage), shown.replace('-', ''));
  assert.notEqual(codeOf(stage), old);
  assert.equal((await lookUp(dashed(old), '10.4.0.1')).status, 404, 'the old code is gone');
  const res = await lookUp(shown, '10.4.0.1');
  assert.equal(res.status, 303);
  assert.equal(target(res), participant);
  assert.equal((await srv.connect(tokenOf(participant))).snapshot.role, 'participant');

  // A stage link rotated alone still carries the open link and its code, kept with the code.
  r = await run(['links', srv.consultation, '--data', srv.dataDir, '--rotate', 'stage', '--base-url', srv.baseUrl]);
  assert.equal(r.code, 0, r.stderr);
  const rotated = r.stdout.match(/^ {2}stage: +(\S+)$/m)[1];
  assert.notEqual(tokenOf(rotated), tokenOf(stage));
  assert.ok(rotated.endsWith(`.${tokenOf(participant)}.${codeOf(stage)}`), rotated);
  assert.match(r.stdout, new RegExp(`^ {2}Join code: +${shown} +${shortUrl}$`, 'm'));

  r = await run(['links', srv.consultation, '--data', srv.dataDir, '--revoke', 'participant']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await lookUp(shown, '10.4.0.2')).status, 404, 'revoked with its link');
});

test('the seal deletes the code (CHR-5): it held the open link\'s token as it is', async () => {
  const r = await run(['links', srv.consultation, '--data', srv.dataDir, '--rotate', 'participant', '--json', '--base-url', srv.baseUrl]);
  assert.equal(r.code, 0, r.stderr);
  const code = codeOf(JSON.parse(r.stdout).links.stage);
  assert.equal((await lookUp(code, '10.5.0.1')).status, 303);
  const chair = await srv.connect(srv.tokens.cochair);
  assert.equal((await chair.command({ type: 'consultation.seal' })).type, 'ack');
  await chair.next((m) => m.type === 'consultation.sealed');
  assert.equal((await lookUp(code, '10.5.0.1')).status, 404);
});
