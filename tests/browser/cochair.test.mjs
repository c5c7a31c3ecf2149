// The co-chairs' console as two co-chairs run it, in real Chromium: the queue first (at least 8
// questions in the first screen at 1280×800), a compact toolbar per question with the rest in a
// menu worked by keyboard, a booth's signal in the sticky alert area while scrolled down (and
// its count in the page's title) acknowledged back to the booth, the conflict when another
// co-chair rejected a question this one approves, and the seal's guard rails, then the ended
// state of the console, a booth and the rapporteur. Screenshots of each, EN and AR, phone and
// laptop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, browserSuite, rendered, screenshot } from '../lib/browser.mjs';

const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const suite = browserSuite();

const item = (page, testid, id) => page.locator(`[data-testid="${testid}"][data-id="${id}"]`);
const ok = (r) => assert.equal(r.type, 'ack', JSON.stringify(r));

// How many of the console's questions lie wholly inside the first screen.
function inFirstScreen(page) {
  return page.evaluate(() => {
    const h = window.innerHeight;
    return [...document.querySelectorAll('[data-testid="incoming-item"], [data-testid="queue-item"]')]
      .filter((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= h; }).length;
  });
}

// Waits until the element with this test id has the focus (the page renders asynchronously).
async function focusIs(page, testid) {
  await page.waitForFunction((id) => document.activeElement && document.activeElement.dataset.testid === id, testid)
    .catch(() => assert.fail(`the focus never reached ${testid}`));
}

test('the co-chairs\' console: queue first, toolbars and menus, alerts, the race, the seal', async () => {
  const { srv, open, problems } = suite;
  const chairWs = await srv.connect(srv.tokens.cochair);
  const people = await Promise.all([srv.tokens.participant, ...srv.tokens.invitations.slice(0, 2)].map((tok) => srv.connect(tok)));
  const texts = [
    'How will Article 24 safeguards apply to journalists?',
    'Will civil society see the negotiating drafts before each session?',
    'What does dual criminality mean for activists abroad?',
    'How long may providers be made to retain traffic data?',
    'Who oversees the 24/7 network of contact points?',
    'Can a request for assistance be refused on human rights grounds?',
    'Will the treaty define "serious crime" by a penalty threshold?',
    'What protections exist for security researchers?',
    'How are small island states helped with capacity building?',
  ];
  const ids = [];
  for (const [i, text] of texts.entries()) {
    const r = await people[i % 3].command({ type: 'question.post', text, lang: i === 2 ? 'fr' : 'en' });
    ok(r);
    ids.push(r.result.question.id);
  }
  // Five live, four still to moderate.
  for (const id of ids.slice(0, 5)) ok(await chairWs.command({ type: 'question.approve', question: id }));

  const chair = await open(srv.links.cochair, 'co-chair', { viewport: LAPTOP });
  await item(chair, 'queue-item', ids[4]).waitFor();
  await item(chair, 'incoming-item', ids[8]).waitFor();
  // The queue is the first thing: at least 8 questions in the first screen of a laptop.
  await screenshot(chair, 'cochair-first-screen-en', { fullPage: false });
  const visible = await inFirstScreen(chair);
  assert.ok(visible >= 8, `only ${visible} questions in the first 1280×800 screen`);

  // The compact toolbar: the main actions as buttons, the rest behind "More".
  const live = item(chair, 'queue-item', ids[0]);
  for (const id of ['answer-now-button', 'answer-button', 'pin-button', 'more-button']) assert.equal(await live.getByTestId(id).count(), 1, id);
  assert.equal(await live.getByTestId('edit-button').count(), 0, 'edit is in the menu');
  const pending = item(chair, 'incoming-item', ids[5]);
  for (const id of ['approve-button', 'reject-button', 'more-button']) assert.equal(await pending.getByTestId(id).count(), 1, id);

  // The menu by keyboard: Enter opens it on its first item, arrows move, Esc closes it and
  // gives the focus back; choosing Edit opens the edit box with the focus in it.
  const more = live.getByTestId('more-button');
  await more.focus();
  await chair.keyboard.press('Enter');
  await live.getByRole('menu').waitFor();
  assert.equal(await more.getAttribute('aria-expanded'), 'true');
  await focusIs(chair, 'next-button');
  await chair.keyboard.press('ArrowDown');
  await focusIs(chair, 'edit-button');
  await chair.keyboard.press('End');
  await focusIs(chair, 'move-open');
  await chair.keyboard.press('ArrowDown'); // wraps round
  await focusIs(chair, 'next-button');
  await chair.keyboard.press('Escape');
  await live.getByRole('menu').waitFor({ state: 'detached' });
  await focusIs(chair, 'more-button');
  assert.equal(await more.getAttribute('aria-expanded'), 'false');
  await chair.keyboard.press('ArrowUp'); // opens on the last item
  await focusIs(chair, 'move-open');
  await chair.keyboard.press('Home');
  await chair.keyboard.press('ArrowDown');
  await chair.keyboard.press('Enter');
  await live.getByTestId('edit-text').waitFor();
  await focusIs(chair, 'edit-text');
  await chair.keyboard.press('Escape');
  await live.getByTestId('edit-text').waitFor({ state: 'detached' });
  // The merge picker has no default: the co-chair must choose.
  await pending.getByTestId('more-button').click();
  await pending.getByTestId('merge-button').click();
  assert.equal(await pending.getByTestId('merge-target').inputValue(), '');
  assert.equal(await pending.getByTestId('merge-confirm').isDisabled(), true);
  await pending.getByTestId('merge-cancel').click();
  // A merge undone from the console: the duplicate comes back to moderation.
  ok(await chairWs.command({ type: 'question.merge', question: ids[7], into: ids[0] }));
  await chair.getByTestId('merged').locator('summary').click();
  await item(chair, 'merged-item', ids[7]).getByTestId('unmerge-button').click();
  await item(chair, 'incoming-item', ids[7]).waitFor();
  await chair.getByTestId('merged').waitFor({ state: 'detached' });

  // A booth signals three times while the co-chair is scrolled down: one grouped alert, in
  // sight, with the count, and the count of alerts in the page's title.
  const booth = await open(srv.links.booth.ar, 'booth ar', { viewport: LAPTOP });
  await chair.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await rendered(chair);
  assert.ok(await chair.evaluate(() => window.scrollY) > 200, 'the console scrolls');
  for (let i = 0; i < 3; i++) {
    await booth.locator('[data-testid="signal-button"][data-signal="no_floor_audio"]').click();
    await booth.getByTestId('signal-sent').filter({ hasText: 'No floor audio' }).waitFor();
    await booth.locator('[data-testid="signal-button"][data-signal="no_floor_audio"]:not([disabled])').waitFor();
  }
  const alert = chair.locator('[data-testid="booth-signal"][data-channel="ar"][data-signal="no_floor_audio"][data-count="3"]');
  await alert.waitFor();
  assert.equal(await chair.locator('[data-testid="booth-signal"]').count(), 1, 'grouped, not stacked');
  assert.match(await alert.textContent(), /Arabic booth: No floor audio\s*×3/);
  const box = await alert.boundingBox();
  assert.ok(box.y >= 0 && box.y + box.height <= LAPTOP.height, `the alert is out of sight at ${box.y}`);
  await chair.waitForFunction(() => document.title.startsWith('(1) '));
  await screenshot(chair, 'cochair-alert-scrolled-en', { fullPage: false });
  assert.deepEqual(await axeViolations(chair), [], 'the alert area meets WCAG 2.1 AA');
  // Seen: the booth is told, the title loses its count.
  await alert.getByTestId('signal-ack').click();
  await booth.getByTestId('booth-ack').filter({ hasText: 'Co-chairs have seen: No floor audio' }).waitFor();
  await chair.waitForFunction(() => !/^\(\d+\) /.test(document.title));
  await alert.and(chair.locator('[data-seen="true"]')).waitFor();
  await chair.evaluate(() => window.scrollTo(0, 0));

  // The race: another co-chair rejects a question this page has not yet heard of; approving it
  // here asks first, in place and in the alert area, then approves it anyway.
  const racing = await open(srv.links.cochair, 'co-chair 2', {
    viewport: LAPTOP, drop: (m) => m.type === 'question.rejected' && m.question.id === ids[6],
  });
  ok(await chairWs.command({ type: 'question.reject', question: ids[6], from: 'pending' }));
  await item(chair, 'rejected-item', ids[6]).waitFor({ state: 'attached' });
  const stale = item(racing, 'incoming-item', ids[6]);
  await stale.getByTestId('approve-button').click();
  await stale.getByTestId('conflict').filter({ hasText: 'Another co-chair just rejected this question. Approve it anyway?' }).waitFor();
  await racing.locator(`[data-testid="alert-conflict"][data-key="${ids[6]}"]`).waitFor();
  await racing.waitForFunction(() => document.title.startsWith('(1) '));
  await screenshot(racing, 'cochair-conflict-en', { fullPage: false });
  assert.deepEqual(await axeViolations(racing), [], 'the conflict prompts meet WCAG 2.1 AA');
  await stale.getByTestId('conflict-yes').click();
  await item(racing, 'queue-item', ids[6]).waitFor();
  await item(chair, 'queue-item', ids[6]).waitFor();
  await racing.waitForFunction(() => !/^\(\d+\) /.test(document.title));
  await racing.context().close();

  // Screenshots of the console, the booth and the rapporteur: laptop and phone, EN and AR.
  await screenshot(chair, 'cochair-console-laptop-en', { fullPage: false });
  await screenshot(booth, 'booth-ack-laptop-en');
  const rapporteur = await open(srv.links.rapporteur, 'rapporteur', { viewport: LAPTOP });
  for (const [lang, locale] of [['en', 'en-GB'], ['ar', 'ar']]) {
    for (const [size, viewport] of [['laptop', LAPTOP], ['phone', PHONE]]) {
      if (lang === 'en' && size === 'laptop') continue;
      const page = await open(srv.links.cochair, `co-chair ${lang} ${size}`, { viewport, locale });
      await item(page, 'queue-item', ids[0]).waitFor();
      await item(page, 'queue-item', ids[0]).getByTestId('more-button').click();
      await item(page, 'queue-item', ids[0]).getByRole('menu').waitFor();
      assert.deepEqual(await axeViolations(page), [], `the console with a menu open (${lang}, ${size}) meets WCAG 2.1 AA`);
      await screenshot(page, `cochair-console-${size}-${lang}`, { fullPage: false });
      await screenshot(page, `cochair-console-${size}-${lang}-full`);
      await page.context().close();
      const b = await open(srv.links.booth.ar, `booth ${lang} ${size}`, { viewport, locale });
      await screenshot(b, `booth-${size}-${lang}`);
      await b.context().close();
    }
  }

  // The seal: the dialog opens on Cancel, says what is unmoderated and that the clock runs, and
  // seals only once the word is typed.
  ok(await chairWs.command({ type: 'agenda.goto', segment: 1 }));
  ok(await chairWs.command({ type: 'clock.start' }));
  await chair.getByTestId('seal-button').click();
  const dialog = chair.getByTestId('seal-dialog');
  await dialog.waitFor();
  await focusIs(chair, 'seal-cancel');
  assert.equal(await dialog.getByTestId('seal-pending').getAttribute('data-count'), '3');
  assert.match(await dialog.getByTestId('seal-pending').textContent(), /3 questions are still awaiting moderation/);
  await dialog.getByTestId('seal-clock').waitFor();
  assert.equal(await dialog.getByTestId('seal-confirm').isDisabled(), true);
  await chair.keyboard.press('Enter'); // Enter on Cancel closes it: nothing sealed
  await dialog.waitFor({ state: 'detached' });
  await focusIs(chair, 'seal-button');
  await chair.getByTestId('seal-button').click();
  await dialog.getByTestId('seal-word').fill('seal it');
  assert.equal(await dialog.getByTestId('seal-confirm').isDisabled(), true);
  await screenshot(chair, 'cochair-seal-dialog-en', { fullPage: false });
  assert.deepEqual(await axeViolations(chair), [], 'the seal dialog meets WCAG 2.1 AA');
  await dialog.getByTestId('seal-word').fill('SEAL');
  await dialog.getByTestId('seal-confirm').click();

  // Ended: no control left on the console; the booth and the rapporteur say so too.
  await chair.getByTestId('ended').waitFor();
  for (const id of ['approve-button', 'more-button', 'seal-button', 'clock-pause', 'floor-button']) {
    assert.equal(await chair.getByTestId(id).count(), 0, `${id} is still there`);
  }
  await chair.getByTestId('export-md').waitFor();
  // CHR-5: the questions whose text the seal deleted are counted, never listed.
  assert.match(await chair.getByTestId('ended-unpublished').textContent(), /pending 3,/);
  assert.equal(await chair.locator('[data-state="pending"]').count(), 0);
  await booth.getByTestId('ended').waitFor();
  assert.equal(await booth.getByTestId('signal-button').count(), 0);
  await rapporteur.getByTestId('ended').waitFor();
  await rapporteur.getByTestId('ended-unpublished').waitFor();
  for (const [lang, locale] of [['en', 'en-GB'], ['ar', 'ar']]) {
    for (const [size, viewport] of [['laptop', LAPTOP], ['phone', PHONE]]) {
      for (const [role, link] of [['cochair', srv.links.cochair], ['booth', srv.links.booth.ar], ['rapporteur', srv.links.rapporteur]]) {
        const page = await open(link, `${role} ended ${lang} ${size}`, { viewport, locale });
        await page.getByTestId('ended').waitFor();
        if (role !== 'booth') await page.getByTestId('ended-unpublished').waitFor();
        await screenshot(page, `${role}-ended-${size}-${lang}`);
        await page.context().close();
      }
    }
  }
  chairWs.close();
  for (const p of people) p.close();
  assert.deepEqual(problems, []);
});
