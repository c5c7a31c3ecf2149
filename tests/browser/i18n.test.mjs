// The catalogue check (LC-2): every UI language has every key, no empty value, every message
// parses, uses the same parameters as English, and has every plural form its language needs
// (Arabic six). Then formatting snapshots: numbers, plurals and times per language.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  UI_LANGUAGES, directionOf, formatNumber, intlLocale, messageArguments, parseMessage, setCatalogue, t,
} from '../../web-client/lib/i18n.js';
import { formatTime } from '../../web-client/lib/clock.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = path.join(repo, 'web-client', 'i18n');
// A missing file reads as an empty catalogue, so the check names every key it lacks.
const load = (lang) => {
  const file = path.join(dir, `${lang}.json`);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
};
const catalogues = Object.fromEntries(UI_LANGUAGES.map((l) => [l, load(l)]));
const en = catalogues.en;

// Every plural argument in a parsed message, with the option keys it has.
function plurals(nodes, out = []) {
  for (const n of nodes) {
    if (typeof n === 'string' || n.pound) continue;
    if (n.format === 'plural') out.push({ arg: n.arg, keys: Object.keys(n.options) });
    if (n.options) Object.values(n.options).forEach((o) => plurals(o, out));
  }
  return out;
}

test('the UI languages are exactly the catalogues on disk, each with its direction', () => {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
  assert.deepEqual(files, [...UI_LANGUAGES].sort());
  assert.deepEqual(UI_LANGUAGES.map(directionOf), ['ltr', 'rtl', 'ltr', 'ltr']);
});

for (const lang of UI_LANGUAGES) {
  test(`${lang}: every key, no empty value, well-formed, same parameters, every plural form`, () => {
    const cat = catalogues[lang];
    const missing = Object.keys(en).filter((k) => !(k in cat));
    assert.deepEqual(missing, [], `${lang}.json lacks keys`);
    const extra = Object.keys(cat).filter((k) => !(k in en));
    assert.deepEqual(extra, [], `${lang}.json has keys English does not`);
    const categories = new Intl.PluralRules(intlLocale(lang)).resolvedOptions().pluralCategories;
    if (lang === 'ar') assert.equal(categories.length, 6, 'Arabic has six plural forms');
    for (const [key, text] of Object.entries(cat)) {
      assert.equal(typeof text, 'string', `${lang} ${key} is a string`);
      assert.ok(text.trim().length > 0, `${lang} ${key} is empty`);
      let nodes;
      assert.doesNotThrow(() => { nodes = parseMessage(text); }, `${lang} ${key} is malformed: ${text}`);
      assert.deepEqual(Object.keys(messageArguments(text)).sort(), Object.keys(messageArguments(en[key])).sort(),
        `${lang} ${key} uses other parameters than English`);
      for (const p of plurals(nodes)) {
        for (const c of categories) {
          assert.ok(p.keys.includes(c), `${lang} ${key}: {${p.arg}, plural} lacks the "${c}" form`);
        }
      }
    }
  });
}

test('the check itself fails on what it must refuse', () => {
  for (const bad of ['{count, plural, one {#}}', 'an {unclosed', 'a } stray', '{n, plural, one {#} other {#}',
    '{x, select, a {A}}', '{n, plural, several {#} other {#}}', '{n, bogus}']) {
    assert.throws(() => parseMessage(bad), SyntaxError, bad);
  }
  const arabic = new Intl.PluralRules(intlLocale('ar')).resolvedOptions().pluralCategories;
  const fiveForms = parseMessage('{n, plural, zero {a} one {b} two {c} few {d} other {f}}');
  assert.ok(arabic.some((c) => !plurals(fiveForms)[0].keys.includes(c)), 'a message without "many" is caught');
});

test('formatting: French thin no-break space in thousands, Western digits in Arabic', () => {
  assert.equal(formatNumber(12345, 'fr'), '12\u202f345');
  assert.equal(formatNumber(12345, 'en'), '12,345');
  assert.equal(formatNumber(12345, 'es'), '12.345');
  assert.match(formatNumber(12345, 'ar'), /^12.345$/);
  assert.doesNotMatch(formatNumber(12345, 'ar'), /[\u0660-\u0669]/, 'no Arabic-Indic digits');
  setCatalogue(catalogues.fr, 'fr', en);
  assert.equal(t('question.votes', { count: 12345 }), `12\u202f345 votes`);
  // Times of day through Intl in each language's locale: 24-hour in French and Spanish, and
  // Western digits in Arabic too.
  const noon = Date.UTC(2021, 9, 12, 11, 5); // 12:05 in London (BST)
  assert.match(formatTime(noon, 'Europe/London', intlLocale('fr')), /^12:05/);
  assert.match(formatTime(noon, 'Europe/London', intlLocale('es')), /^12:05/);
  assert.match(formatTime(noon, 'Europe/London', intlLocale('ar')), /12:05/);
  assert.doesNotMatch(formatTime(noon, 'Europe/London', intlLocale('ar')), /[\u0660-\u0669]/);
});

test('Arabic plural forms for 0, 1, 2, 3, 11 and 100, one per plural category', () => {
  setCatalogue(catalogues.ar, 'ar', en);
  const forms = [0, 1, 2, 3, 11, 100].map((n) => t('question.votes', { count: n }));
  assert.deepEqual(forms, [
    'لا أصوات تأييد',
    'صوت تأييد واحد',
    'صوتا تأييد',
    '3 أصوات تأييد',
    '11 صوت تأييد',
    '100 صوت تأييد',
  ]);
  assert.equal(new Set([0, 1, 2, 3, 11, 100].map((n) => new Intl.PluralRules('ar').select(n))).size, 6);
});

test('Spanish and French plurals, and a missing key falls back to English', () => {
  setCatalogue(catalogues.es, 'es', en);
  assert.equal(t('clock.extend', { minutes: 1 }), 'Ampliar 1 minuto');
  assert.equal(t('clock.extend', { minutes: 5 }), 'Ampliar 5 minutos');
  setCatalogue(catalogues.fr, 'fr', en);
  assert.equal(t('clock.extend', { minutes: 1 }), 'Prolonger d’une minute');
  assert.equal(t('clock.extend', { minutes: 5 }), 'Prolonger de 5 minutes');
  setCatalogue({ 'app.name': 'Roundtable' }, 'fr', en);
  assert.equal(t('role.cochair'), 'Co-chair');
  assert.equal(t('no.such.key'), 'no.such.key');
});

test('the style sheet uses logical properties only, so that Arabic mirrors the layout', () => {
  const css = fs.readFileSync(path.join(repo, 'web-client', 'style.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const physical = /(?:^|[\s;{])((?:margin|padding|border)-(?:left|right)[\w-]*|left|right|float|clear)\s*:|text-align\s*:\s*(?:left|right)/gm;
  const found = [...css.matchAll(physical)].map((m) => m[0].trim());
  assert.deepEqual(found, [], 'physical properties in style.css');
  // The check itself catches them.
  assert.equal([...'.x { margin-left: 1px; text-align: right; float: left }'.matchAll(physical)].length, 3);
});

test('the upvote button\'s name starts with the word it shows, in every language (WCAG 2.5.3, label in name)', () => {
  for (const lang of UI_LANGUAGES) {
    setCatalogue(catalogues[lang], lang, en);
    for (const key of ['participant.vote.button', 'participant.vote.voted']) {
      const word = t(key);
      const name = t('participant.vote.name', { word, id: 12 });
      assert.ok(name.startsWith(word), `${lang}: "${name}" does not start with "${word}"`);
      assert.match(name, /12/, `${lang}: "${name}" names the question`);
    }
  }
});
