// credential.test.mjs — an invitation's holder in real Chromium (CHR-3): the page draws the
// anonymous credential by itself on the first visit (the participant sees only "Joining…"), a
// reload keeps the participant's own question, and another browser (no credential) explains and
// asks the co-chairs for a re-issue, which a co-chair allows. In English and Arabic, at 390x844
// and 1280x800, with screenshots of the re-issue screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, screenshot } from '../lib/browser.mjs';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };
const SIZES = [['phone', PHONE], ['laptop', LAPTOP]];
const LOCALES = [['en', 'en-GB'], ['ar', 'ar']];

const suite = browserSuite({ invitations: 2 }, async (s) => {
  s.chair = await s.srv.connect(s.srv.tokens.cochair);
  assert.equal((await s.chair.command({ type: 'clock.start' })).type, 'ack');
});

test('the credential is drawn transparently, a reload keeps own questions, another browser asks for a re-issue', async () => {
  const { srv, open, problems } = suite;
  const link = srv.links.invitations[0];
  const page = await open(link, 'invited', { viewport: PHONE });
  // The opener accepted the Rule: the credential was drawn and presented without a word.
  await page.getByTestId('question-text').fill('Which court reviews the data requests?');
  await page.getByTestId('question-submit').click();
  await page.getByTestId('my-question').waitFor();
  const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('roundtable.credential.')));
  assert.equal(kept.length, 1, 'one credential kept for the consultation');
  const drawn = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('roundtable.credential.')).map((k) => JSON.parse(localStorage[k])));
  assert.equal(drawn[0].credential.length, 86);

  await page.reload();
  await page.locator('.app[data-connection="live"][data-view="ready"]').waitFor();
  await page.getByTestId('tab-mine').click();
  assert.equal(await page.getByTestId('my-question').count(), 1, 'the reload keeps the own question');
  assert.equal(await page.getByTestId('rule-accept').count(), 0, 'and the Rule stays accepted');

  // Another browser with the same invitation: no credential here, and the invitation drew one.
  for (const [size, viewport] of SIZES) {
    for (const [lang, locale] of LOCALES) {
      const other = await open(link, `other browser ${size} ${lang}`, { viewport, locale, acceptRule: false });
      const lost = other.getByTestId('credential-lost');
      await lost.waitFor();
      assert.equal(await other.getByTestId('rule-accept').count(), 0);
      assert.equal(await other.getByTestId('question-form').count(), 0);
      assert.match(await lost.innerText(), lang === 'ar' ? /اعتماد/ : /credential/);
      await screenshot(other, `credential-reissue-${size}-${lang}`, { fullPage: false });
      await other.context().close();
    }
  }

  // Asked for, allowed by a co-chair, drawn: the second browser takes part.
  const other = await open(link, 'other browser', { viewport: PHONE, locale: 'ar', acceptRule: false });
  await other.getByTestId('credential-ask').click();
  await other.getByTestId('credential-requested').waitFor();
  await screenshot(other, 'credential-reissue-requested-phone-ar', { fullPage: false });
  const asked = await suite.chair.next((m) => m.type === 'credential.requests' && m.pending === 1);
  assert.equal(asked.reissued, 0);
  // The co-chairs' console counts the request, never says whose, and allows it.
  for (const [lang, locale] of LOCALES) {
    const chair = await open(srv.links.cochair, `co-chair ${lang}`, { viewport: LAPTOP, locale });
    await chair.getByTestId('credential-pending').waitFor();
    assert.match(await chair.getByTestId('credential-pending').innerText(), lang === 'ar' ? /دعوة واحدة/ : /1 invitation asks/);
    await chair.getByTestId('credential-requests').scrollIntoViewIfNeeded();
    await screenshot(chair, `credential-requests-laptop-${lang}`, { fullPage: false });
    if (lang === 'ar') {
      await chair.getByTestId('credential-allow').click();
      await chair.getByTestId('credential-pending').waitFor({ state: 'detached' });
    }
    await chair.context().close();
  }
  await other.getByTestId('credential-retry').click();
  await other.getByTestId('rule-accept').waitFor();
  await other.getByTestId('rule-accept').click();
  await other.getByTestId('question-form').waitFor();
  await other.getByTestId('tab-mine').click();
  assert.equal(await other.getByTestId('my-question').count(), 0, 'a re-issued credential is a new participant');
  const reissued = await suite.chair.next((m) => m.type === 'credential.requests' && m.reissued === 1);
  assert.equal(reissued.pending, 0);
  const chair = await open(srv.links.cochair, 'co-chair after', { viewport: PHONE });
  assert.match(await chair.getByTestId('credential-reissued').innerText(), /1 credential re-issued; it could vote again/);
  await screenshot(chair, 'credential-requests-reissued-phone-en');
  assert.deepEqual(problems, []);
});
