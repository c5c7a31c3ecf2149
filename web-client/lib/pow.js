// pow.js — the proof of work a device key new to a consultation pays on the open link (AB-6):
// the decimal nonce n for which SHA-256("roundtable-pow" + consultation + device key + n)
// starts with `bits` zero bits. It runs in a Web Worker (this same file) so that the page stays
// responsive while it searches, and falls back to the page itself where workers are missing.
// A plain SHA-256 over short ASCII input: synchronous, many times faster than awaiting
// crypto.subtle for each try.

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const W = new Uint32Array(64);
const H = new Uint32Array(8);
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

// SHA-256 of the first n bytes of buf (which has room for the padding: a multiple of 64 bytes
// past n + 8); the digest is in H afterwards, word by word, big-endian.
function sha256(buf, n) {
  const blocks = ((n + 8) >> 6) + 1;
  buf.fill(0, n, blocks * 64);
  buf[n] = 0x80;
  const bitLen = n * 8;
  buf[blocks * 64 - 4] = bitLen >>> 24;
  buf[blocks * 64 - 3] = (bitLen >>> 16) & 0xff;
  buf[blocks * 64 - 2] = (bitLen >>> 8) & 0xff;
  buf[blocks * 64 - 1] = bitLen & 0xff;
  for (let i = 0; i < 8; i += 1) H[i] = IV[i];
  for (let b = 0; b < blocks; b += 1) {
    const o = b * 64;
    for (let i = 0; i < 16; i += 1) {
      const at = o + i * 4;
      W[i] = (buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3];
    }
    for (let i = 16; i < 64; i += 1) {
      const x = W[i - 15];
      const y = W[i - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
    }
    let a = H[0]; let bb = H[1]; let c = H[2]; let d = H[3];
    let e = H[4]; let f = H[5]; let g = H[6]; let h = H[7];
    for (let i = 0; i < 64; i += 1) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & bb) ^ (a & c) ^ (bb & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = bb; bb = a; a = (t1 + t2) | 0;
    }
    H[0] += a; H[1] += bb; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += h;
  }
  return H;
}

// Leading zero bits of the digest (enough of them to compare with up to 64 bits asked).
function zeroBits(h) {
  return h[0] === 0 ? 32 + Math.clz32(h[1]) : Math.clz32(h[0]);
}

// The first nonce that meets `bits` for this consultation and device key, searched in the
// caller's thread; { nonce, tries }.
export function solveHere(consultation, device, bits) {
  const prefix = `roundtable-pow${consultation}${device}`;
  const buf = new Uint8Array(256);
  for (let i = 0; i < prefix.length; i += 1) buf[i] = prefix.charCodeAt(i) & 0xff;
  for (let n = 0; ; n += 1) {
    const digits = String(n);
    for (let i = 0; i < digits.length; i += 1) buf[prefix.length + i] = digits.charCodeAt(i);
    if (zeroBits(sha256(buf, prefix.length + digits.length)) >= bits) return { nonce: digits, tries: n + 1 };
  }
}

// The nonce, found in a worker when the browser has them: resolves with { nonce, tries, ms }.
export function solveWork(consultation, device, bits) {
  const started = performance.now();
  const done = (r) => ({ ...r, ms: performance.now() - started });
  if (typeof Worker === 'undefined') return Promise.resolve(done(solveHere(consultation, device, bits)));
  return new Promise((resolve) => {
    let worker;
    try {
      worker = new Worker(import.meta.url, { type: 'module' });
    } catch {
      resolve(done(solveHere(consultation, device, bits)));
      return;
    }
    worker.onmessage = (ev) => {
      worker.terminate();
      resolve(done(ev.data));
    };
    worker.onerror = () => {
      worker.terminate();
      resolve(done(solveHere(consultation, device, bits)));
    };
    worker.postMessage({ consultation, device, bits });
  });
}

// Loaded as the worker: answers one question, then the page ends it.
const workerScope = globalThis.WorkerGlobalScope;
if (workerScope && globalThis instanceof workerScope) {
  globalThis.onmessage = (ev) => {
    const { consultation, device, bits } = ev.data;
    globalThis.postMessage(solveHere(consultation, device, bits));
  };
}
