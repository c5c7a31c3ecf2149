// The four UI languages in real Chromium (LC-1, LC-2): each page opens in the browser's
// language, Arabic right to left with no horizontal overflow on a 360 px phone, a question
// mixing scripts renders in the right order in every UI language, and the language picker
// switches the page at once, is remembered by this browser only, and carries the listening
// instructions and the listener count with it. Screenshots of every page in Arabic and English.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, rendered, screenshot } from '../lib/browser.mjs';

const PHONE = { width: 360, height: 740 };
const LAPTOP = { width: 1280, height: 800 };
const MIXED_AR = 'سؤال about Article 24 (A/RES/74/247)?';
const MIXED_EN = 'What does المادة 24 say about journalists?';

// Two live questions mixing scripts, one selected next, as the pages will show them.
const suite = browserSuite({}, async ({ srv }) => {
  const p = await srv.connect(srv.tokens.participant);
  const chair = await srv.connect(srv.tokens.cochair);
  for (const [text, lang] of [[MIXED_AR, 'ar'], [MIXED_EN, 'en']]) {
    const posted = await p.command({ type: 'question.post', text, lang });
    assert.equal(posted.type, 'ack', JSON.stringify(posted));
    if (posted.result.question.state === 'pending') {
      assert.equal((await chair.command({ type: 'question.approve', question: posted.result.question.id })).type, 'ack');
    }
  }
  assert.equal((await chair.command({ type: 'question.select_next', question: 1 })).type, 'ack');
  p.close();
  chair.close();
});

const PAGES = [
  { role: 'participant', link: (links) => links.participant, wide: PHONE },
  { role: 'cochair', link: (links) => links.cochair, wide: LAPTOP },
  { role: 'booth', link: (links) => links.booth.ar, wide: LAPTOP },
  { role: 'stage', link: (links) => links.stage, wide: { width: 1280, height: 720 } },
];

// How far the page scrolls sideways, in CSS pixels (0: it fits).
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('every page in Arabic is right to left and fits a 360 px phone; screenshots in Arabic and English', async (t) => {
  const { srv, open, problems } = suite;
  for (const { role, link, wide } of PAGES) {
    for (const locale of ['ar-EG', 'en-GB']) {
      const lang = locale.slice(0, 2);
      const page = await open(link(srv.links), `${role} ${lang}`, { viewport: PHONE, locale });
      assert.equal(await page.locator('html').getAttribute('lang'), lang);
      assert.equal(await page.locator('html').getAttribute('dir'), lang === 'ar' ? 'rtl' : 'ltr');
      assert.equal(await page.evaluate(() => getComputedStyle(document.body).direction), lang === 'ar' ? 'rtl' : 'ltr');
      const over = await overflow(page);
      assert.ok(over <= 0, `${role} in ${lang} overflows a 360 px screen by ${over} px`);
      if (role === 'participant') await screenshot(page, `${role}-${lang}-360`);
      await page.setViewportSize(wide);
      await rendered(page);
      if (role !== 'participant') await screenshot(page, `${role}-${lang}`, { fullPage: role !== 'stage' });
      await page.context().close();
    }
    t.diagnostic(`${role}: rtl in Arabic, no overflow at 360 px, screenshots ${role}-ar and ${role}-en`);
  }
  // In Arabic the page's own words are Arabic: nothing left untranslated in the main headings.
  const chair = await open(srv.links.cochair, 'co-chair ar', { viewport: LAPTOP, locale: 'ar' });
  assert.equal(await chair.locator('#floor-heading').textContent(), 'لغة القاعة');
  assert.equal(await chair.locator('#incoming-heading').evaluate((h) => h.firstChild.textContent.trim()), 'الواردة');
  await chair.context().close();
  assert.deepEqual(problems, []);
});

// The horizontal centres of two substrings of an element's text, as rendered.
function centres(page, selector, a, b) {
  return page.locator(selector).first().evaluate((el, [x, y]) => {
    const node = [...el.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent.includes(x));
    const at = (s) => {
      const r = document.createRange();
      const i = node.textContent.indexOf(s);
      r.setStart(node, i);
      r.setEnd(node, i + s.length);
      const box = r.getBoundingClientRect();
      return box.left + box.width / 2;
    };
    return [at(x), at(y)];
  }, [a, b]);
}

test('a question mixing scripts renders in the right order in every UI language', async (t) => {
  const { srv, open, problems } = suite;
  for (const locale of ['en-GB', 'ar', 'fr-FR', 'es-ES']) {
    const page = await open(srv.links.participant, `participant ${locale}`, { viewport: LAPTOP, locale });
    const arabicFirst = page.locator('[data-testid="queue-item"] .text', { hasText: 'A/RES/74/247' });
    const englishFirst = page.locator('[data-testid="queue-item"] .text', { hasText: 'journalists' });
    // User text is isolated and takes its direction from its own first strong character.
    assert.equal(await arabicFirst.getAttribute('dir'), 'auto');
    assert.equal(await arabicFirst.evaluate((el) => getComputedStyle(el).direction), 'rtl');
    assert.equal(await englishFirst.evaluate((el) => getComputedStyle(el).direction), 'ltr');
    // Right to left: the Arabic word opens the line on the right, the Latin run follows to its
    // left and reads left to right inside (A/RES before 247), the question mark ends it on the left.
    const sel = '[data-testid="queue-item"] .text:has-text("A/RES/74/247")';
    const [arWord, article] = await centres(page, sel, 'سؤال', 'Article');
    const [res, num] = await centres(page, sel, 'A/RES', '247');
    const [, mark] = await centres(page, sel, 'سؤال', '?');
    assert.ok(arWord > article, `${locale}: Arabic word (${arWord}) should be right of "Article" (${article})`);
    assert.ok(res < num, `${locale}: "A/RES" (${res}) should be left of "247" (${num})`);
    assert.ok(mark < article, `${locale}: the question mark (${mark}) should end the line on the left`);
    // Left to right: the English opens on the left, the Arabic run sits to its right.
    const selEn = '[data-testid="queue-item"] .text:has-text("journalists")';
    const [what, almada] = await centres(page, selEn, 'What', 'المادة');
    assert.ok(what < almada, `${locale}: "What" should be left of the Arabic run`);
    await page.context().close();
  }
  t.diagnostic('checked from rendered glyph positions in en, ar, fr and es');
  assert.deepEqual(problems, []);
});

test('the language picker switches the page at once, is remembered, and the channel instructions and listener count follow', async () => {
  const { srv, open, problems } = suite;
  const chair = await open(srv.links.cochair, 'co-chair', { viewport: LAPTOP });
  const page = await open(srv.links.participant, 'participant', { viewport: PHONE, locale: 'de-DE' });
  // A browser language Roundtable does not speak: English, listening to the floor.
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  const card = page.getByTestId('channel');
  assert.equal(await card.getAttribute('data-lang'), 'en');
  assert.match(await page.getByTestId('channel-desktop').textContent(), /Original audio/);
  await chair.locator('[data-testid="listener-band"][data-lang="en"][data-band="few"]').waitFor();

  // French: the page, the instructions (with the organisers' note) and the count switch at once.
  await page.getByTestId('ui-language').selectOption('fr');
  await page.locator('html[lang="fr"][dir="ltr"]').waitFor();
  assert.equal(await page.getByTestId('question-submit').textContent(), 'Envoyer la question');
  assert.match(await page.getByTestId('channel-desktop').textContent(), /Interprétation.*«\u00a0French\u00a0»/);
  assert.match(await page.getByTestId('channel-note').textContent(), /téléphone/);
  await chair.locator('[data-testid="listener-band"][data-lang="fr"][data-band="few"]').waitFor();
  // LC-6: the co-chairs' English band holds for a minute after its one listener moved.
  assert.equal(await chair.locator('[data-testid="listener-band"][data-lang="en"]').getAttribute('data-band'), 'few');

  // Remembered in this browser across a reload, with nothing sent anywhere but the count.
  await page.reload();
  await page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  assert.equal(await page.evaluate(() => localStorage.getItem('roundtable.lang')), 'fr');

  // Arabic: right to left at once; still no overflow on the phone.
  await page.getByTestId('ui-language').selectOption('ar');
  await page.locator('html[lang="ar"][dir="rtl"]').waitFor();
  assert.equal(await page.getByTestId('question-submit').textContent(), 'أرسل السؤال');
  assert.ok((await overflow(page)) <= 0);
  await chair.locator('[data-testid="listener-band"][data-lang="ar"][data-band="few"]').waitFor();
  await screenshot(page, 'participant-ar-channel');
  assert.deepEqual(problems, []);
});
