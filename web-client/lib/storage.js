// storage.js — what this browser remembers between visits (the page's language, the device
// key), in localStorage, and nothing else. Storage may be missing or refused (private
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
