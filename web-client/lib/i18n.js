// i18n.js — message catalogues: every string a page shows comes from i18n/<lang>.json, and
// server errors arrive as codes that map to "error.<code>" keys.
let catalogue = {};

export async function loadCatalogue(lang = 'en') {
  const res = await fetch(`i18n/${lang}.json`);
  catalogue = await res.json();
}

// For tests and tools: use a catalogue already in memory.
export function setCatalogue(messages) {
  catalogue = messages || {};
}

export function has(key) {
  return typeof catalogue[key] === 'string';
}

// The message for key with {name} placeholders filled from params; the key itself if missing.
export function t(key, params = {}) {
  const msg = catalogue[key];
  if (typeof msg !== 'string') return key;
  return msg.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

// Like t(), but a parameter may be a rendered element (a <bdi> around user text, say): the
// result is an array of strings and those elements, for a view to render in place.
export function tParts(key, params = {}) {
  const msg = catalogue[key];
  if (typeof msg !== 'string') return [key];
  return msg.split(/\{(\w+)\}/).map((part, i) => (i % 2 === 0 ? part : (part in params ? params[part] : `{${part}}`)));
}

// A server error as a sentence. Errors about a question's state (params.state) first try the
// more precise "error.<code>.<state>" ("Another co-chair already merged this into Question
// 12"); every message may use {state_label}, the state in words.
export function errorMessage(err) {
  const params = { ...(err.params || {}) };
  if (typeof params.state === 'string') {
    params.state_label = t(`question.state.${params.state}`, params);
    const precise = `error.${err.code}.${params.state}`;
    if (has(precise)) return t(precise, params);
  }
  const key = `error.${err.code}`;
  return has(key) ? t(key, params) : t('error.unknown', { code: err.code });
}
