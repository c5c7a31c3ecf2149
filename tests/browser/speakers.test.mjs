// The list of speakers in real Chromium (FLOOR-1): participants ask for the floor in Arabic and
// in English and see their ticket and place; the French booth sees the coming speakers'
// languages (and whether each means relay or direct) before the co-chair calls; the call tells
// the participant, in an alert a screen reader says, to unmute in Zoom and say their ticket, and
// moves the floor language (LC-3). Screenshots of the four views touched, at phone and laptop
// size, in English and Arabic.
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, rendered, screenshot } from '../lib/browser.mjs';
import { openAgenda } from '../lib/harness.mjs';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };
const agenda = {
  ...openAgenda,
  segments: openAgenda.segments.map((s, i) => (i === 0 ? { ...s, speaking_minutes: 3 } : s)),
};
const suite = browserSuite({ agenda, invitations: 2 });

// The page at both sizes: NAME-390 and NAME-1280.
async function shots(page, name) {
  const size = page.viewportSize();
  for (const v of [PHONE, LAPTOP]) {
    await page.setViewportSize(v);
    await rendered(page);
    await screenshot(page, `${name}-${v.width}`, { fullPage: !name.startsWith('stage') });
  }
  await page.setViewportSize(size);
  await rendered(page);
}

test('requests in Arabic and English, the booth sees the languages coming, the call moves the floor', async (t) => {
  const { srv, open, problems } = suite;
  const chair = await open(srv.links.cochair, 'co-chair', { viewport: LAPTOP });
  const chairAr = await open(srv.links.cochair, 'co-chair ar', { viewport: LAPTOP, locale: 'ar' });
  const boothFr = await open(srv.links.booth.fr, 'booth fr', { viewport: LAPTOP });
  const boothAr = await open(srv.links.booth.ar, 'booth ar', { viewport: LAPTOP, locale: 'ar' });
  const stage = await open(srv.links.stage, 'stage', { viewport: { width: 1280, height: 720 } });
  const stageAr = await open(srv.links.stage, 'stage ar', { viewport: { width: 1280, height: 720 }, locale: 'ar' });
  const arabic = await open(srv.links.invitations[0], 'participant ar', { viewport: PHONE, locale: 'ar' });
  const english = await open(srv.links.invitations[1], 'participant en', { viewport: PHONE });

  // Nobody waits: the participant page offers the request, in its own language by default.
  await shots(english, 'speakers-participant-en-request');
  assert.equal(await arabic.getByTestId('speaker-lang').inputValue(), 'ar');
  assert.equal(await english.getByTestId('speaker-lang').inputValue(), 'en');
  assert.match(await chair.getByTestId('speakers-budget').textContent(), /3 minutes per intervention/);

  // Arabic first, then English with a topic: tickets, never names, and each one's place.
  await arabic.getByTestId('speaker-request-button').click();
  await arabic.locator('[data-testid="speaker-place"][data-place="1"]').waitFor();
  await english.getByTestId('speaker-topic').selectOption('1');
  await english.getByTestId('speaker-request-button').click();
  await english.locator('[data-testid="speaker-place"][data-place="2"]').waitFor();
  assert.match(await english.getByTestId('speaker-place').textContent(), /Speaker 2 · 1 speaker before you\./);

  // The booth sees the languages coming before anyone is called, and what each means for it.
  const coming = boothFr.locator('[data-testid="booth-speaker"]');
  await boothFr.locator('[data-testid="booth-speaker"][data-ticket="2"]').waitFor();
  assert.deepEqual(await coming.evaluateAll((els) => els.map((e) => [e.dataset.lang, e.dataset.mode])),
    [['ar', 'relay'], ['en', 'direct']]);
  assert.equal(await boothFr.getByTestId('booth-mode').getAttribute('data-mode'), 'direct');
  await boothAr.locator('[data-testid="booth-speaker"][data-ticket="1"][data-mode="retour"]').waitFor();
  // The co-chairs see the topic; the queue is in order.
  await chair.locator('[data-testid="speaker-item"][data-ticket="2"]').waitFor();
  assert.deepEqual(await chair.getByTestId('speaker-item').evaluateAll((els) => els.map((e) => e.dataset.lang)), ['ar', 'en']);
  assert.match(await chair.locator('[data-testid="speaker-item"][data-ticket="2"]').textContent(), new RegExp(agenda.segments[1].title));
  await stage.getByTestId('stage-speakers-waiting').filter({ hasText: '2 speakers waiting' }).waitFor();

  await shots(arabic, 'speakers-participant-ar-waiting');
  await shots(english, 'speakers-participant-en-waiting');
  await shots(boothFr, 'speakers-booth-en-coming');
  await shots(boothAr, 'speakers-booth-ar-coming');
  await shots(chair, 'speakers-cochair-en-queue');
  await shots(chairAr, 'speakers-cochair-ar-queue');

  // The call: the Arabic speaker has the floor, told in an alert; the floor is Arabic now.
  const t0 = Date.now();
  await chair.getByTestId('speaker-call-next').click();
  const called = arabic.getByTestId('speaker-called');
  await called.waitFor();
  t.diagnostic(`click to the participant told they have the floor: ${Date.now() - t0} ms`);
  assert.equal(await called.getAttribute('role'), 'alert');
  assert.match(await called.textContent(), /Zoom/);
  await boothFr.locator('[data-testid="booth-mode"][data-mode="relay"]').waitFor();
  await boothFr.locator('[data-testid="booth-speaker-current"][data-lang="ar"]').waitFor();
  await boothAr.locator('[data-testid="booth-mode"][data-mode="retour"]').waitFor();
  await chair.locator('[data-testid="floor-button"][data-lang="ar"][aria-pressed="true"]').waitFor();
  await chair.locator('[data-testid="speaker-current"][data-ticket="1"]').waitFor();
  await chair.getByTestId('speaker-timer').waitFor();
  assert.equal(await chair.getByTestId('speaker-timer').getAttribute('data-over'), 'false');
  await english.locator('[data-testid="speaker-place"][data-place="1"]').waitFor();
  assert.match(await english.getByTestId('speaker-place').textContent(), /You are next\./);
  await stage.getByTestId('stage-speaker').filter({ hasText: 'Speaker 1' }).waitFor();

  await shots(arabic, 'speakers-participant-ar-called');
  await shots(english, 'speakers-participant-en-next');
  await shots(boothFr, 'speakers-booth-en-called');
  await shots(boothAr, 'speakers-booth-ar-called');
  await shots(chair, 'speakers-cochair-en-called');
  await shots(chairAr, 'speakers-cochair-ar-called');
  // The co-chairs' panel alone, at phone width, where the page is long.
  for (const [page, lang] of [[chair, 'en'], [chairAr, 'ar']]) {
    await page.setViewportSize(PHONE);
    await rendered(page);
    await page.getByTestId('chair-speakers').screenshot({ path: path.join(path.dirname(await screenshot(page, `speakers-cochair-${lang}-called-390`)), `speakers-cochair-panel-${lang}-390.png`) });
    await page.setViewportSize(LAPTOP);
  }
  await stageAr.getByTestId('stage-speaker').waitFor();
  await shots(stage, 'stage-speakers-en');
  await shots(stageAr, 'stage-speakers-ar');

  // The English speaker withdraws; the Arabic one finishes: nobody has the floor, nobody waits.
  await english.getByTestId('speaker-withdraw').click();
  await english.getByTestId('speaker-request-button').waitFor();
  await arabic.getByTestId('speaker-done').click();
  await chair.locator('[data-testid="chair-speakers"] .empty').waitFor();
  assert.equal(await chair.getByTestId('speaker-item').count(), 0);

  // Closed for this segment: the participant is told, and the co-chair reopens it.
  await chair.getByTestId('speakers-toggle').click();
  await english.getByTestId('speakers-closed').waitFor();
  await shots(english, 'speakers-participant-en-closed');
  await chair.getByTestId('speakers-toggle').click();
  await english.getByTestId('speaker-request-button').waitFor();
  assert.deepEqual(problems, []);
});
