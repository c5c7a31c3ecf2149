// blindrsa.js — the client's half of RSA blind signatures (RFC 9474,
// RSABSSA-SHA384-PSS-Randomized): Prepare, Blind, Finalize and Verify, on BigInt and WebCrypto
// (SHA-384 digests, and RSA-PSS verification of the finalized signature). It makes an
// invitation's credential, which the server signs without seeing it (CHR-3). Not the server's
// half (BlindSign, server/crypto/rsabssa.c), and no storage (credential.js).

const HASH_LEN = 48; // SHA-384
const SALT_LEN = 48; // the PSS variant: a salt as long as the hash
const PREFIX_LEN = 32; // the Randomized variant's message prefix

export function toBase64url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64url(text) {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

const os2ip = (bytes) => bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);

function i2osp(x, len) {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i -= 1) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  if (x !== 0n) throw new Error('integer too large');
  return out;
}

function modPow(base, exp, mod) {
  let result = 1n;
  base %= mod;
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % mod;
    base = (base * base) % mod;
    exp >>= 1n;
  }
  return result;
}

// The inverse of a modulo m, or null when they share a factor.
function modInverse(a, m) {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) return null;
  return ((oldS % m) + m) % m;
}

const bitLength = (x) => x.toString(2).length;

async function sha384(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-384', bytes));
}

const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

async function mgf1(seed, len) {
  const chunks = [];
  for (let counter = 0, have = 0; have < len; counter += 1) {
    const c = new Uint8Array([counter >>> 24, (counter >>> 16) & 255, (counter >>> 8) & 255, counter & 255]);
    const h = await sha384(concat(seed, c));
    chunks.push(h);
    have += h.length;
  }
  return concat(...chunks).slice(0, len);
}

// EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with SHA-384, MGF1-SHA-384 and `salt`.
async function pssEncode(msg, emBits, salt) {
  const emLen = Math.ceil(emBits / 8);
  if (emLen < HASH_LEN + SALT_LEN + 2) throw new Error('key too small');
  const mHash = await sha384(msg);
  const h = await sha384(concat(new Uint8Array(8), mHash, salt));
  const db = concat(new Uint8Array(emLen - SALT_LEN - HASH_LEN - 2), new Uint8Array([1]), salt);
  const mask = await mgf1(h, emLen - HASH_LEN - 1);
  const masked = db.map((b, i) => b ^ mask[i]);
  masked[0] &= 0xff >> (8 * emLen - emBits);
  return concat(masked, h, new Uint8Array([0xbc]));
}

// The consultation's public key from credential.key's n and e (base64url, as in a JWK).
export async function publicKey(n, e) {
  const nb = fromBase64url(n);
  const key = await crypto.subtle.importKey(
    'jwk',
    { kty: 'RSA', n, e, alg: 'PS384', ext: true },
    { name: 'RSA-PSS', hash: 'SHA-384' },
    false,
    ['verify'],
  );
  return { n: os2ip(nb), e: os2ip(fromBase64url(e)), size: nb.length, key };
}

// RFC 9474 §4.1 Prepare (Randomized): a random 32-byte prefix before msg.
export function prepare(msg, prefix = crypto.getRandomValues(new Uint8Array(PREFIX_LEN))) {
  return concat(prefix, msg);
}

// A uniform integer in [1, n).
function randomBelow(n, size) {
  const top = bitLength(n) % 8 || 8;
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(size));
    bytes[0] &= 0xff >> (8 - top);
    const r = os2ip(bytes);
    if (r > 0n && r < n) return r;
  }
}

// RFC 9474 §4.2 Blind: { blinded, inv } for the prepared message. `fixed` ({ salt, inv }) is for
// the RFC's test vectors only.
export async function blind(pk, prepared, fixed = null) {
  const salt = fixed ? fixed.salt : crypto.getRandomValues(new Uint8Array(SALT_LEN));
  const m = os2ip(await pssEncode(prepared, bitLength(pk.n) - 1, salt));
  if (modInverse(m, pk.n) === null) throw new Error('invalid input');
  for (;;) {
    const r = fixed ? modInverse(fixed.inv, pk.n) : randomBelow(pk.n, pk.size);
    const inv = modInverse(r, pk.n);
    if (inv === null) continue;
    const z = (m * modPow(r, pk.e, pk.n)) % pk.n;
    return { blinded: i2osp(z, pk.size), inv };
  }
}

// RFC 9474 §4.5 Verify, by WebCrypto's RSA-PSS: independent of the encoding above.
export async function verify(pk, prepared, sig) {
  return crypto.subtle.verify({ name: 'RSA-PSS', saltLength: SALT_LEN }, pk.key, sig, prepared);
}

// RFC 9474 §4.3 Finalize: the signature of the prepared message, checked before it is kept.
export async function finalize(pk, prepared, blindSig, inv) {
  if (blindSig.length !== pk.size) throw new Error('unexpected input size');
  const s = (os2ip(blindSig) * inv) % pk.n;
  const sig = i2osp(s, pk.size);
  if (!(await verify(pk, prepared, sig))) throw new Error('invalid signature');
  return sig;
}
