// blindrsa.test.mjs — the web client's RFC 9474 half against the RFC's own test vector
// (appendix A, RSABSSA-SHA384-PSS-Randomized): Blind gives its blinded message, Finalize its
// signature, Verify accepts it and refuses a tampered one.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { blind, finalize, fromBase64url, prepare, publicKey, toBase64url, verify } from '../../web-client/lib/blindrsa.js';

const v = JSON.parse(readFileSync(new URL('../fixtures/rsabssa/rfc9474-pss-randomized.json', import.meta.url)));
const hex = (s) => Uint8Array.from(Buffer.from(s.replace(/^0x/, ''), 'hex'));
const b64 = (s) => toBase64url(hex(s));

test('the RFC 9474 vector: blind, finalize, verify', async () => {
  const pk = await publicKey(b64(v.n), b64(v.e));
  assert.equal(pk.size, 512);
  const prepared = prepare(hex(v.msg), hex(v.msg_prefix));
  assert.deepEqual(prepared, hex(v.input_msg));
  const { blinded, inv } = await blind(pk, prepared, { salt: hex(v.salt), inv: BigInt(v.inv) });
  assert.equal(Buffer.from(blinded).toString('hex'), v.blinded_msg);
  const sig = await finalize(pk, prepared, hex(v.blind_sig), inv);
  assert.equal(Buffer.from(sig).toString('hex'), v.sig);
  assert.equal(await verify(pk, prepared, sig), true);
  const tampered = prepared.slice();
  tampered[0] ^= 1;
  assert.equal(await verify(pk, tampered, sig), false);
  await assert.rejects(finalize(pk, tampered, hex(v.blind_sig), inv), /invalid signature/);
});

test('a random blind differs each time and base64url round-trips', async () => {
  const pk = await publicKey(b64(v.n), b64(v.e));
  const prepared = prepare(new Uint8Array(32));
  assert.equal(prepared.length, 64);
  const a = await blind(pk, prepared);
  const b = await blind(pk, prepared);
  assert.notDeepEqual(a.blinded, b.blinded);
  assert.deepEqual(fromBase64url(toBase64url(a.blinded)), a.blinded);
});
