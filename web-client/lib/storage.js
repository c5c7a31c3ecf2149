// storage.js — what this browser remembers between visits (the page's language, the device
// key, an invitation's credential per consultation), in localStorage, and nothing else. Storage may be missing or refused (private
// browsing, a full quota): then reads give null and writes are dropped, and the page goes on.

// The value kept under `key`, or null when there is none or storage cannot be read.
export function readStored(key) {
  try {
    return localStorage.getItem(key);
  } catch (e) {
    return null;
  }
}

// Keeps `value` under `key` if this browser lets the page keep anything; otherwise it lasts
// until the page reloads, wherever the caller holds it.
export function keepStored(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch (e) {
    // Nothing to do: the caller still has the value for this page's life.
  }
}

// CHR-3: an invitation's credential for consultation `id` ({ credential, signature }, as auth
// sends them), or null. Kept in this browser only: it is what makes the invitation's holder the
// same participant on every visit, and nobody else holds it.
export function readCredential(id) {
  try {
    const c = JSON.parse(readStored(`roundtable.credential.${id}`));
    return c && typeof c.credential === 'string' && typeof c.signature === 'string' ? c : null;
  } catch (e) {
    return null;
  }
}

export function keepCredential(id, credential) {
  keepStored(`roundtable.credential.${id}`, JSON.stringify(credential));
}
