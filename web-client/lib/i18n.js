// i18n.js — message catalogues: every string a page shows comes from i18n/<lang>.json, and
// server errors arrive as codes that map to "error.<code>" keys.
let catalogue = {};

export async function loadCatalogue(lang = 'en') {
  const res = await fetch(`i18n/${lang}.json`);
  catalogue = await res.json();
}

// The message for key with {name} placeholders filled from params; the key itself if missing.
export function t(key, params = {}) {
  const msg = catalogue[key];
  if (typeof msg !== 'string') return key;
  return msg.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

export function errorMessage(err) {
  const key = `error.${err.code}`;
  return key in catalogue ? t(key, err.params || {}) : t('error.unknown', { code: err.code });
}
