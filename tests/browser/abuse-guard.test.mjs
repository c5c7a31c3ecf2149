// Abuse from the open link in real Chromium (AB-2..AB-7): a participant's page pays the proof of
// work of its new device key ("Joining…") in a worker, and the time that takes here is measured
// and printed; the co-chairs' guard panel shows the alert when many new participants arrive
// from one network, pauses incoming questions (the participant's post is refused and says so),
// pauses new participants (a new page waits, and says why), and rejects the pending queue after
// a confirmation. The alert also shows in the console's sticky alert area, counted in the page's
// title, while the co-chair scrolls, until dismissed. Screenshots at phone and laptop size, in
// English and Arabic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, screenshot } from '../lib/browser.mjs';
import { openAgenda, randomKey, solveWork as solve } from '../lib/harness.mjs';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };
const BITS = 12; // small enough for a busy test machine; the measurement below uses the default

const suite = browserSuite({
  agenda: { ...openAgenda, limits: { open_questions: 5, votes_per_minute: 600, work_bits: BITS, new_devices_per_minute: 3 } },
  invitations: 2,
});

// A participant on the open link from node, paying its proof like the page does.
function joinFromNode(srv) {
  const device = randomKey();
  return srv.connect(srv.tokens.participant, { device, work: solve(srv.consultation, device, BITS) });
}

test('a new device key pays its proof of work in the page; measured in Chromium', async () => {
  const { srv, open } = suite;
  // The server refuses a new device key without its proof: a live page found the nonce.
  const page = await open(srv.links.participant, 'participant-joining', { viewport: PHONE });
  await page.getByTestId('question-form').waitFor();

  // The measurement: the solver in this Chromium, at the default of 16 bits, ten device keys.
  const powUrl = new URL('lib/pow.js', await page.evaluate(() => document.querySelector('script[type="module"]').src)).href;
  const runs = await page.evaluate(async ({ url, bits }) => {
    const { solveHere, solveWork } = await import(url);
    const out = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const r = solveHere('measure', `device${String(i).padStart(16, '0')}`, bits);
      out.push({ tries: r.tries, ms: performance.now() - t0 });
    }
    const w = await solveWork('measure', 'worker0000000000000000', bits);
    return { out, worker: { tries: w.tries, ms: w.ms } };
  }, { url: powUrl, bits: 16 });
  const tries = runs.out.reduce((a, r) => a + r.tries, 0);
  const ms = runs.out.reduce((a, r) => a + r.ms, 0);
  const rate = Math.round(tries / (ms / 1000));
  console.log(`proof of work in Chromium: ${rate} hashes/s; 16 bits took ${(ms / runs.out.length).toFixed(0)} ms on average ` +
    `(${runs.out.map((r) => r.ms.toFixed(0)).join(', ')}); in a worker ${runs.worker.ms.toFixed(0)} ms for ${runs.worker.tries} tries`);
  assert.ok(rate > 0);
});

test('the co-chairs\' guard: the alert, pausing the queue and new participants, bulk reject', async () => {
  const { srv, open, problems } = suite;
  const chair = await open(srv.links.cochair, 'chair-guard', { viewport: LAPTOP });
  await chair.getByTestId('chair-guard').waitFor();
  // The first page took one of this network's three new device keys; two more reach the cap.
  const people = [await joinFromNode(srv), await joinFromNode(srv)];
  await chair.getByTestId('guard-alert').filter({ hasText: '3 new participants' }).waitFor();

  // The same alert in the sticky alert area, with the other alerts: counted in the title, in
  // view while the console is scrolled to its end, at both sizes and in both languages.
  const sticky = chair.getByTestId('alert-guard');
  await sticky.filter({ hasText: '3 new participants from one network' }).waitFor();
  await chair.waitForFunction(() => document.title.startsWith('(1) '));
  for (const [viewport, size] of [[LAPTOP, 'laptop'], [PHONE, 'phone']]) {
    await chair.setViewportSize(viewport);
    for (const lang of ['en', 'ar']) {
      await chair.getByTestId('ui-language').selectOption(lang);
      await chair.locator(`html[lang="${lang}"]`).waitFor();
      await chair.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await chair.waitForFunction(() => window.scrollY > 0);
      const box = await sticky.boundingBox();
      assert.ok(box && box.y >= 0 && box.y + box.height <= viewport.height, `${size} ${lang}: the guard alert scrolled out of view`);
      await screenshot(chair, `chair-guard-sticky-alert-${size}-${lang}`, { fullPage: false });
    }
  }
  await chair.getByTestId('ui-language').selectOption('en');
  await chair.locator('html[lang="en"]').waitFor();
  await chair.setViewportSize(LAPTOP);
  await chair.evaluate(() => window.scrollTo(0, 0));

  // Pending questions to reject at once.
  for (const [i, p] of people.entries()) await p.command({ type: 'question.post', text: `Flooded question ${i}`, lang: 'en' });
  await chair.getByTestId('guard-pending').filter({ hasText: /^2 of at most 500 pending$/ }).waitFor();
  await screenshot(chair, 'chair-guard-alert-laptop-en');

  // Pause incoming questions for 15 minutes: a participant's post is refused with why.
  await chair.getByTestId('guard-queue-pause').click();
  await chair.locator('[data-testid="guard-queue"][data-paused="true"]').waitFor();
  const refused = await people[0].command({ type: 'question.post', text: 'While paused', lang: 'en' });
  assert.equal(refused.code, 'queue.paused');
  await chair.getByTestId('guard-link-minutes').selectOption('0');
  await chair.getByTestId('guard-link-pause').click();
  await chair.locator('[data-testid="guard-link"][data-paused="true"]').waitFor();
  await chair.getByTestId('chair-guard').getByText('Until resumed').first().waitFor();
  await screenshot(chair, 'chair-guard-paused-laptop-en');

  // A new participant's page waits while new participants are paused.
  for (const [locale, viewport, size] of [['en-GB', PHONE, 'phone'], ['ar', PHONE, 'phone'], ['en-GB', LAPTOP, 'laptop'], ['ar', LAPTOP, 'laptop']]) {
    const context = await suite.browser.newContext({ viewport, locale, timezoneId: 'UTC' });
    const waiting = await context.newPage();
    await waiting.goto(srv.links.participant);
    await waiting.locator('[data-testid="connection"][data-state="waiting"]').waitFor();
    // Where the page would be, the reason it waits, and that it keeps trying by itself.
    const why = waiting.locator('[data-testid="join-waiting"][data-code="link.paused"]');
    await why.waitFor();
    assert.match(await why.innerText(), locale === 'ar' ? /ستعيد هذه الصفحة المحاولة تلقائيًا/ : /This page keeps trying by itself/);
    await screenshot(waiting, `participant-waiting-${size}-${locale.slice(0, 2)}`);
    await context.close();
  }
  await chair.getByTestId('guard-link-resume').click();
  await chair.locator('[data-testid="guard-link"][data-paused="false"]').waitFor();
  await chair.getByTestId('guard-queue-resume').click();
  await chair.locator('[data-testid="guard-queue"][data-paused="false"]').waitFor();

  // Bulk reject, after a confirmation that can be cancelled.
  await chair.getByTestId('guard-reject-all').click();
  await chair.getByTestId('guard-reject-no').click();
  await chair.getByTestId('guard-reject-all').click();
  await screenshot(chair, 'chair-guard-confirm-laptop-en');
  await chair.getByTestId('guard-reject-yes').click();
  // Dismissed in the alert area, the guard alert goes from the panel too, and from the title.
  await chair.getByTestId('alert-guard-dismiss').click();
  await sticky.waitFor({ state: 'detached' });
  await chair.getByTestId('guard-alert').waitFor({ state: 'detached' });
  await chair.waitForFunction(() => !/^\(\d+\) /.test(document.title));
  await chair.getByTestId('guard-rejected').filter({ hasText: '2 questions rejected' }).waitFor();
  await chair.getByTestId('guard-pending').filter({ hasText: /^0 of at most 500 pending$/ }).waitFor();

  for (const [viewport, size] of [[PHONE, 'phone'], [LAPTOP, 'laptop']]) {
    for (const locale of ['en-GB', 'ar']) {
      const page = await open(srv.links.cochair, `chair-guard-${size}-${locale}`, { viewport, locale });
      await page.getByTestId('chair-guard').waitFor();
      await page.getByTestId('chair-guard').scrollIntoViewIfNeeded();
      await screenshot(page, `chair-guard-${size}-${locale.slice(0, 2)}`);
    }
  }
  assert.deepEqual(problems, []);
});
