// b64.js — base64url (RFC 4648 §5, without padding) of fresh random bytes, the form of every
// id this browser makes up: the device key and the prefix of command ids. Not a general
// base64 codec: nothing here decodes.

// `n` random bytes from the browser's cryptographic generator, as 4⌈n/3⌉ characters less the
// padding (16 bytes: 22 characters, the shape of a token).
export function randomBase64url(n) {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
