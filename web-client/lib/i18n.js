// i18n.js — message catalogues: every string a page shows comes from i18n/<lang>.json, and
// server errors arrive as codes with parameters that map to "error.<code>" keys.
//
// Messages use a subset of ICU MessageFormat:
//   {name}                                   the parameter as given
//   {name, number}                           a number in the page's locale
//   {name, plural, =0 {…} one {…} other {…}} a plural form chosen by Intl.PluralRules; inside
//                                            it, # is the number in the page's locale
//   {name, select, a {…} b {…} other {…}}    a choice by a parameter's value
// Messages nest. An apostrophe before { } or # quotes up to the next apostrophe, and '' is a
// literal apostrophe (the typographic ’ needs no quoting).
//
// Digits: every UI language, Arabic included, writes Western digits (0–9). Questions quote
// article numbers and document symbols (A/RES/74/247) in Western digits, UN Arabic documents
// do too, and a number should read the same in a question and in the counts around it.

export const UI_LANGUAGES = ['en', 'ar', 'fr', 'es'];
const DIRECTION = { en: 'ltr', ar: 'rtl', fr: 'ltr', es: 'ltr' };
const LOCALE = { en: 'en-GB', ar: 'ar-u-nu-latn', fr: 'fr-FR', es: 'es-ES' };

let language = 'en';
let catalogue = {};
let fallback = {}; // English, for a key a catalogue lacks
const parsed = new Map(); // message text -> parsed form

export function directionOf(lang) {
  return DIRECTION[lang] || 'ltr';
}

// The locale handed to Intl for a UI language: its digit system and conventions.
export function intlLocale(lang) {
  return LOCALE[lang] || LOCALE.en;
}

export function currentLanguage() {
  return language;
}

async function fetchCatalogue(lang) {
  const res = await fetch(`i18n/${lang}.json`);
  if (!res.ok) throw new Error(`i18n/${lang}.json: HTTP ${res.status}`);
  return res.json();
}

// Loads a UI language's catalogue (and English beneath it, once).
// Both downloads go at once (the page's index.html preloads the English one).
export async function loadCatalogue(lang = 'en') {
  const want = UI_LANGUAGES.includes(lang) ? lang : 'en';
  const english = Object.keys(fallback).length ? fallback : fetchCatalogue('en');
  const own = want === 'en' ? english : fetchCatalogue(want);
  [fallback, catalogue] = await Promise.all([english, own]);
  language = want;
}

// For tests and tools: use catalogues already in memory.
export function setCatalogue(messages, lang = 'en', english = messages) {
  catalogue = messages || {};
  fallback = english || {};
  language = lang;
}

function message(key) {
  if (typeof catalogue[key] === 'string') return catalogue[key];
  if (typeof fallback[key] === 'string') return fallback[key];
  return null;
}

export function has(key) {
  return message(key) !== null;
}

// --- the message syntax -----------------------------------------------------------------------

// Parses a message into nodes: strings, { arg, format?, options? } and, inside a
// plural, { pound: true }. Throws a SyntaxError naming the position on a malformed message.
export function parseMessage(text) {
  let i = 0;
  const fail = (what) => {
    throw new SyntaxError(`${what} at ${i} in "${text}"`);
  };
  function literalUntil(stops, inPlural) {
    let out = '';
    while (i < text.length) {
      const ch = text[i];
      if (ch === "'") {
        if (text[i + 1] === "'") {
          out += "'";
          i += 2;
          continue;
        }
        const next = text[i + 1];
        if (next === '{' || next === '}' || (inPlural && next === '#')) {
          const end = text.indexOf("'", i + 1);
          if (end < 0) fail('unterminated quote');
          out += text.slice(i + 1, end);
          i = end + 1;
          continue;
        }
      }
      if (stops.includes(ch) || (inPlural && ch === '#')) break;
      out += ch;
      i += 1;
    }
    return out;
  }
  function skipSpace() {
    while (i < text.length && /\s/.test(text[i])) i += 1;
  }
  function word() {
    skipSpace();
    const m = /^[A-Za-z0-9_=-]+/.exec(text.slice(i));
    if (!m) fail('expected a name');
    i += m[0].length;
    skipSpace();
    return m[0];
  }
  function nodes(inPlural, nested) {
    const out = [];
    while (i < text.length) {
      const lit = literalUntil('{}', inPlural);
      if (lit) out.push(lit);
      if (i >= text.length) break;
      const ch = text[i];
      if (ch === '#') {
        out.push({ pound: true });
        i += 1;
      } else if (ch === '{') {
        i += 1;
        out.push(argument());
      } else if (ch === '}') {
        if (!nested) fail('unbalanced }');
        return out;
      }
    }
    if (nested) fail('unterminated option');
    return out;
  }
  function argument() {
    const arg = word();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(arg)) fail(`bad argument name "${arg}"`);
    if (text[i] === '}') {
      i += 1;
      return { arg };
    }
    if (text[i] !== ',') fail('expected , or }');
    i += 1;
    const format = word();
    if (format === 'number') {
      if (text[i] !== '}') fail('expected }');
      i += 1;
      return { arg, format };
    }
    if (format !== 'plural' && format !== 'select') fail(`unknown format "${format}"`);
    if (text[i] !== ',') fail('expected ,');
    i += 1;
    const options = {};
    skipSpace();
    while (text[i] !== '}') {
      if (i >= text.length) fail('unterminated argument');
      const key = word();
      if (format === 'plural' && !/^(=\d+|zero|one|two|few|many|other)$/.test(key)) fail(`bad plural key "${key}"`);
      if (format === 'select' && !/^[A-Za-z0-9_-]+$/.test(key)) fail(`bad select key "${key}"`);
      if (key in options) fail(`duplicate option "${key}"`);
      if (text[i] !== '{') fail(`expected { after "${key}"`);
      i += 1;
      options[key] = nodes(format === 'plural', true);
      i += 1; // the closing }
      skipSpace();
    }
    i += 1;
    if (!('other' in options)) fail(`"${arg}" has no "other" option`);
    return { arg, format, options };
  }
  return nodes(false, false);
}

function parsedMessage(text) {
  if (!parsed.has(text)) parsed.set(text, parseMessage(text));
  return parsed.get(text);
}

// Every argument a message names, with how it is used: { name: 'plain'|'number'|'plural'|'select' }.
export function messageArguments(text) {
  const out = {};
  const walk = (list) => {
    for (const n of list) {
      if (typeof n === 'string' || n.pound) continue;
      out[n.arg] = out[n.arg] && out[n.arg] !== 'plain' ? out[n.arg] : n.format || 'plain';
      if (n.options) Object.values(n.options).forEach(walk);
    }
  };
  walk(parseMessage(text));
  return out;
}

// --- formatting -------------------------------------------------------------------------------

const numberFormats = new Map();
const pluralRules = new Map();

function cached(map, key, make) {
  if (!map.has(key)) map.set(key, make());
  return map.get(key);
}

export function formatNumber(n, lang = language) {
  return cached(numberFormats, lang, () => new Intl.NumberFormat(intlLocale(lang))).format(n);
}

export function pluralCategory(n, lang = language) {
  return cached(pluralRules, lang, () => new Intl.PluralRules(intlLocale(lang))).select(n);
}

// A time of day in the page's locale, in the browser's zone ("14:05:09").
export function formatClock(instant, lang = language) {
  return new Intl.DateTimeFormat(intlLocale(lang), { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(instant);
}

function render(list, params, number, out) {
  for (const n of list) {
    if (typeof n === 'string') out.push(n);
    else if (n.pound) out.push(formatNumber(number));
    else if (!(n.arg in params)) out.push(`{${n.arg}}`);
    else {
      const v = params[n.arg];
      if (n.format === 'number') out.push(formatNumber(Number(v)));
      else if (n.format === 'plural') {
        const num = Number(v);
        const branch = n.options[`=${num}`] || n.options[pluralCategory(num)] || n.options.other;
        render(branch, params, num, out);
      } else if (n.format === 'select') render(n.options[String(v)] || n.options.other, params, number, out);
      else out.push(typeof v === 'number' || typeof v === 'string' ? String(v) : v);
    }
  }
  return out;
}

function format(key, params) {
  const text = message(key);
  if (text === null) return [key];
  try {
    return render(parsedMessage(text), params, NaN, []);
  } catch (e) {
    return [key]; // a malformed message shows its key; the catalogue test keeps that from shipping
  }
}

// The message for key with its parameters filled in; the key itself when no catalogue has it.
export function t(key, params = {}) {
  return format(key, params).map((p) => (typeof p === 'string' ? p : String(p))).join('');
}

// Like t(), but a parameter may be a rendered element (a <bdi> around user text, say): the
// result is an array of strings and those elements, for a view to render in place.
export function tParts(key, params = {}) {
  return format(key, params);
}

// User text in a place that takes a plain string only (an <option>, a title attribute): wrapped
// in Unicode first-strong isolates, it keeps its own direction inside a sentence of the other.
export function isolate(text) {
  return `\u2068${text}\u2069`;
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
