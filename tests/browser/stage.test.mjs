// The stage as Zoom shares it: a 1280×720 canvas scaled to the window. With 4 and with 12 long
// questions up next, in English and Arabic, nothing leaves the screen, the QR code is whole and
// reads (zbarimg, from a screenshot) as the short join address, which leads a browser to the
// participant page, signed in; when the current segment has no live questions, others' show;
// once sealed, the stage says the consultation has ended and invites no more questions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { browserSuite, rendered, screenshot } from '../lib/browser.mjs';
import { TIMEOUT_MS } from '../lib/harness.mjs';

const STAGE = { width: 1280, height: 720 };
const PHONE = { width: 390, height: 844 };
const suite = browserSuite();

const LONG = [
  'How will the safeguards of Article 24 apply when a request for electronic evidence crosses several jurisdictions, and who decides whether the conduct is a crime in each of them?',
  'ما الضمانات التي ستطبق على طلبات الأدلة الإلكترونية العابرة للحدود، وكيف ستحمي الاتفاقية الصحفيين والمدافعين عن حقوق الإنسان من الملاحقة بسبب عملهم المشروع؟',
  'Les organisations de la société civile pourront-elles suivre la mise en œuvre de la convention, et par quel mécanisme indépendant les États rendront-ils compte de leurs demandes de coopération?',
  '¿Cómo se garantizará que la cooperación internacional no se utilice para perseguir a periodistas, investigadores de seguridad y defensores de derechos humanos por actividades legítimas en línea?',
];
const long = (i) => `${LONG[i % LONG.length]} (${i + 1}) ${'Please also say how this will be reviewed, by whom and how often, and what remedies people will have. '.repeat(i % 3)}`.trim();

// Every problem with the stage as drawn now: elements outside the window or the canvas, items
// of the list cut by it, the QR code not whole. [] when everything fits.
function overflow(page) {
  return page.evaluate(() => {
    const bad = [];
    const name = (el) => `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ''}.${el.className && el.className.baseVal === undefined ? el.className : ''}`;
    const inside = (r, b) => r.left >= b.left - 0.5 && r.right <= b.right + 0.5 && r.top >= b.top - 0.5 && r.bottom <= b.bottom + 0.5;
    const view = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
    const canvasEl = document.querySelector('[data-testid="stage-canvas"]');
    const canvas = canvasEl.getBoundingClientRect();
    if (!inside(canvas, view)) bad.push(`canvas ${JSON.stringify(canvas)}`);
    for (const el of canvasEl.querySelectorAll('*')) {
      if (el.closest('.visually-hidden') || (el.closest('svg') && el.tagName.toLowerCase() !== 'svg')) continue;
      if (!el.checkVisibility()) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (!inside(r, canvas)) bad.push(`${name(el)} leaves the canvas`);
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') bad.push(`${name(el)} is cut at the side`);
    }
    const list = document.querySelector('[data-testid="queue"]');
    if (list) {
      for (const li of list.children) {
        if (!li.hidden && !inside(li.getBoundingClientRect(), list.getBoundingClientRect())) bad.push(`item ${li.dataset.id} cut by the list`);
      }
    }
    const qr = document.querySelector('[data-testid="join-qr"]');
    if (qr && !inside(qr.getBoundingClientRect(), view)) bad.push('the QR code is not whole');
    if (document.documentElement.scrollHeight > innerHeight || document.documentElement.scrollWidth > innerWidth) bad.push('the page scrolls');
    return bad;
  });
}

function zbar(file) {
  return new Promise((resolve) => {
    execFile('zbarimg', ['--raw', '-q', file], { timeout: TIMEOUT_MS }, (err, stdout) => resolve(err ? null : stdout.trim()));
  });
}

// The stage page, opened as Zoom's screen share would show it: no controls to wait for, only the
// stage itself.
async function openStage(url, name, { viewport, locale }) {
  const { browser, problems } = suite;
  const context = await browser.newContext({ viewport, locale, timezoneId: 'UTC', colorScheme: 'light' });
  context.setDefaultTimeout(TIMEOUT_MS);
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${name} console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`${name} page error: ${e.message}`));
  await page.goto(url);
  await page.getByTestId('stage').waitFor();
  return page;
}

let chair;
const posted = [];
// A question from a participant of its own (each may have only a few open), approved.
async function live(text, lang = 'en') {
  const p = await suite.srv.connect(suite.srv.tokens.participant);
  const q = (await p.command({ type: 'question.post', text, lang })).result.question;
  assert.equal((await chair.command({ type: 'question.approve', question: q.id })).type, 'ack');
  posted.push(q.id);
  p.close();
  return q.id;
}

const shown = (page) => page.getByTestId('queue').evaluate((el) => Number(el.dataset.shown));

async function checkStage(page, label, wantItems) {
  await page.locator('[data-testid="queue"]').waitFor();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="queue-item"]').length === n, wantItems);
  await rendered(page);
  assert.deepEqual(await overflow(page), [], `${label}: everything on screen`);
  const n = await shown(page);
  assert.ok(n >= 1, `${label}: at least one next question shows (${n})`);
  const qr = await page.getByTestId('join-qr').boundingBox();
  assert.ok(qr.width >= 300, `${label}: the QR code is large (${qr.width}px)`);
  return n;
}

test('the stage fits 1280×720 with 4 and 12 long questions; its QR code reads as the short address', async (t) => {
  const { srv, open, problems } = suite;
  chair = await srv.connect(srv.tokens.cochair);
  const answering = await live(long(0));
  for (let i = 1; i <= 4; i += 1) await live(long(i), ['en', 'ar', 'fr', 'es'][i % 4]);
  assert.equal((await chair.command({ type: 'question.answer_now', question: answering })).type, 'ack');

  const code = srv.links.stage.split('.').at(-1);
  const shortUrl = `${srv.baseUrl}j/${code.slice(0, 4)}-${code.slice(4)}`;
  const pages = {};
  for (const lang of ['en', 'ar']) {
    const page = await openStage(srv.links.stage, `stage ${lang}`, { viewport: STAGE, locale: lang });
    pages[lang] = page;
    await page.getByTestId('stage-current').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dir), lang === 'ar' ? 'rtl' : 'ltr');
    const n = await checkStage(page, `${lang}, 4 up next`, 4);
    assert.equal(await page.getByTestId('join-link').textContent(), shortUrl.replace(/^https?:\/\//, ''));
    assert.equal(await page.getByTestId('stage-state').getAttribute('data-state'), 'open');
    assert.equal(await page.getByTestId('stage').locator('button, input, select, textarea, a[href], [tabindex]').count(), 0, 'nothing to click on the stage');
    const file = await screenshot(page, `stage-${lang}-1280-4`, { fullPage: false });
    assert.equal(await zbar(file), shortUrl, `${lang}: the QR code read from the screen`);
    t.diagnostic(`${lang}, 4 up next: ${n} shown, ${file}`);
  }
  // In Arabic the page is mirrored: the join panel is on the left.
  const sides = await pages.ar.evaluate(() => [document.querySelector('.stage-main').getBoundingClientRect().left,
    document.querySelector('.stage-join').getBoundingClientRect().left]);
  assert.ok(sides[1] < sides[0], `Arabic: the join panel is on the left (${sides})`);

  // Twelve long questions up next: as many as fit show, whole.
  for (let i = 5; i <= 12; i += 1) await live(long(i), ['en', 'ar', 'fr', 'es'][i % 4]);
  for (const lang of ['en', 'ar']) {
    const page = pages[lang];
    const n = await checkStage(page, `${lang}, 12 up next`, 8);
    const file = await screenshot(page, `stage-${lang}-1280-12`, { fullPage: false });
    assert.equal(await zbar(file), shortUrl, `${lang}, 12 up next: the QR code read from the screen`);
    t.diagnostic(`${lang}, 12 up next: ${n} of 8 drawn shown, ${file}`);
    await page.setViewportSize(PHONE);
    await rendered(page);
    assert.deepEqual(await overflow(page), [], `${lang} at 390×844: everything on screen`);
    t.diagnostic(`${lang} at 390×844: ${await screenshot(page, `stage-${lang}-390`, { fullPage: false })}; QR read: ${await zbar(await screenshot(page, `stage-${lang}-390-qr`, { fullPage: false }))}`);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await rendered(page);
    assert.deepEqual(await overflow(page), [], `${lang} at 1920×1080: everything on screen`);
    await page.setViewportSize(STAGE);
  }

  // The address under the code leads to the participant page, signed in with the open link.
  const viaCode = await open(shortUrl, 'participant by join code');
  assert.equal(viaCode.url(), `${srv.baseUrl}c/${srv.consultation}/#${srv.tokens.participant}`);
  assert.equal(await viaCode.locator('.app.role-participant').count(), 1);
  assert.deepEqual(problems, []);
});

test('a segment without live questions shows the others\'; questions closed; then the ended state', async (t) => {
  const { srv, problems } = suite;
  const page = await openStage(srv.links.stage, 'stage en', { viewport: STAGE, locale: 'en' });
  // Nothing is being answered, and the current segment (the welcome, closed) has no questions.
  assert.equal((await chair.command({ type: 'question.answer', question: posted[0] })).type, 'ack');
  assert.equal((await chair.command({ type: 'agenda.goto', segment: 3 })).type, 'ack');
  await page.locator('[data-testid="stage-state"][data-state="closed"]').waitFor();
  await page.getByTestId('stage-idle').waitFor();
  assert.equal(await page.getByTestId('stage-next-empty').count(), 0, 'no "no questions yet" while live questions exist');
  assert.ok(await page.getByTestId('queue-item').count() > 0);
  assert.deepEqual(await overflow(page), []);
  t.diagnostic(`closed: ${await screenshot(page, 'stage-en-1280-closed', { fullPage: false })}`);

  assert.equal((await chair.command({ type: 'consultation.seal' })).type, 'ack');
  await page.locator('[data-testid="stage-state"][data-state="ended"]').waitFor();
  assert.equal(await page.getByTestId('stage-state').textContent(), 'This consultation has ended');
  assert.equal(await page.getByTestId('join-qr').count(), 0, 'no QR code once ended');
  assert.equal(await page.getByTestId('join-link').count(), 0);
  assert.equal(await page.getByTestId('queue').count(), 0, 'no invitation to send questions');
  assert.deepEqual(await overflow(page), []);
  t.diagnostic(`ended: ${await screenshot(page, 'stage-en-1280-ended', { fullPage: false })}`);
  const ar = await openStage(srv.links.stage, 'stage ar', { viewport: STAGE, locale: 'ar' });
  await ar.locator('[data-testid="stage-state"][data-state="ended"]').waitFor();
  t.diagnostic(`ended, Arabic: ${await screenshot(ar, 'stage-ar-1280-ended', { fullPage: false })}`);
  assert.deepEqual(problems, []);
});
