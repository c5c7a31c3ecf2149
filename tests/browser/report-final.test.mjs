// The rapporteur finishes the report after the seal, in real Chromium (EX-7): once sealed, the
// workspace stays a working space that says "Draft — finalise when done"; the rapporteur writes a
// note, themes a question and adds a summary, then finalises behind a confirmation like the
// seal's (Cancel first, a typed word); every rapporteur page turns read-only and says "Final",
// the co-chairs' console says the report is final, and the download is the final report.
// Screenshots of both states at phone and laptop size, in English and Arabic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { axeViolations, browserSuite, screenshot } from '../lib/browser.mjs';

const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const suite = browserSuite();

test('the rapporteur finishes the report after the seal and finalises it', async () => {
  const { srv, open, problems } = suite;
  const chairWs = await srv.connect(srv.tokens.cochair);
  const p = await srv.connect(srv.tokens.participant);
  const q = (await p.command({ type: 'question.post', text: 'How will victims be supported across borders?', lang: 'en' })).result.question.id;
  assert.equal((await chairWs.command({ type: 'question.approve', question: q })).type, 'ack');
  const gone = (await p.command({ type: 'question.post', text: 'Never moderated', lang: 'en' })).result.question.id;
  assert.equal((await chairWs.command({ type: 'consultation.seal' })).type, 'ack');

  // After the seal: a working space, a draft to finalise.
  const r = await open(srv.links.rapporteur, 'rapporteur', { viewport: LAPTOP });
  const state = r.getByTestId('report-state');
  await state.waitFor();
  assert.equal(await state.getAttribute('data-state'), 'draft');
  assert.match(await state.locator('h2').innerText(), /^Draft — finalise when done$/);
  assert.equal(await r.getByTestId('export-state').getAttribute('data-state'), 'draft');
  await r.getByTestId('ended-unpublished').waitFor();
  await r.locator('[data-testid="report-segment-tab"][data-segment="0"]').click();
  const item = r.locator(`[data-testid="report-question"][data-id="${q}"]`);
  await item.waitFor();
  assert.equal(await r.locator(`[data-testid="report-question"][data-id="${gone}"]`).count(), 0, 'what the seal deleted is gone');
  await item.getByTestId('theme-input').fill('Victims');
  await item.getByTestId('theme-input').press('Enter');
  await item.getByTestId('include-toggle').click();
  await r.locator('.question.in-report').waitFor();
  await r.getByTestId('note-text').fill('Written once the counts were known.');
  await r.getByTestId('note-save').click();
  await r.getByText('Note saved').waitFor();
  const form = r.getByTestId('paraphrase-form');
  await form.getByTestId('paraphrase-text').fill('Participants asked how victims would be supported.');
  await form.getByTestId('paraphrase-save').click();
  await r.getByTestId('paraphrase').first().waitFor();

  // The other views, before finalising: phone and laptop, English and Arabic.
  const views = [];
  for (const [lang, locale] of [['en', 'en-GB'], ['ar', 'ar']]) {
    for (const [size, viewport] of [['laptop', LAPTOP], ['phone', PHONE]]) {
      const page = await open(srv.links.rapporteur, `rapporteur ${lang} ${size}`, { viewport, locale });
      await page.getByTestId('report-state').waitFor();
      await page.locator('[data-testid="report-segment-tab"][data-segment="0"]').click();
      await page.getByTestId('paraphrase').first().waitFor();
      assert.equal(await page.getByTestId('note-text').isDisabled(), false, 'still a working space');
      await screenshot(page, `rapporteur-sealed-draft-${size}-${lang}`);
      views.push({ page, lang, size });
    }
  }

  // Finalise, behind its guard: the dialog opens on Cancel; the button waits for the word.
  await r.getByTestId('finalise-button').click();
  const dialog = r.getByTestId('finalise-dialog');
  await dialog.waitFor();
  assert.equal(await r.evaluate(() => document.activeElement?.dataset.testid), 'finalise-cancel');
  assert.equal(await dialog.getByTestId('finalise-confirm').isDisabled(), true);
  await dialog.getByTestId('finalise-word').fill('done');
  assert.equal(await dialog.getByTestId('finalise-confirm').isDisabled(), true);
  assert.deepEqual(await axeViolations(r), [], 'the finalise dialog meets WCAG 2.1 AA');
  await screenshot(r, 'rapporteur-finalise-dialog-laptop-en', { fullPage: false });
  await dialog.getByTestId('finalise-cancel').click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await state.getAttribute('data-state'), 'draft', 'Cancel changes nothing');
  await r.getByTestId('finalise-button').click();
  await dialog.getByTestId('finalise-word').fill('FINAL');
  await dialog.getByTestId('finalise-confirm').click();
  await r.locator('[data-testid="report-state"][data-state="final"]').waitFor();

  // Final: read-only everywhere, and says so.
  assert.match(await state.locator('h2').innerText(), /^Final$/);
  assert.equal(await r.getByTestId('finalise-button').count(), 0);
  assert.equal(await r.getByTestId('note-text').isDisabled(), true);
  assert.equal(await r.getByTestId('paraphrase-save').isDisabled(), true);
  for (const { page, lang, size } of views) {
    await page.locator('[data-testid="report-state"][data-state="final"]').waitFor();
    assert.equal(await page.getByTestId('note-text').isDisabled(), true);
    await screenshot(page, `rapporteur-final-${size}-${lang}`);
    await page.context().close();
  }
  const [download] = await Promise.all([r.waitForEvent('download'), r.getByTestId('export-md').click()]);
  assert.equal(download.suggestedFilename(), 'engaging-civil-society-in-the-fight-against-report.md');
  const md = fs.readFileSync(await download.path(), 'utf8');
  assert.match(md, /^# .*\n\n\*\*Final: the rapporteurs have finalised this report\.\*\*\n/);
  assert.match(md, /Written once the counts were known\./);
  assert.match(md, /Participants asked how victims would be supported\./);

  // The co-chairs' console shows the report's state.
  const chair = await open(srv.links.cochair, 'cochair', { viewport: LAPTOP });
  await chair.locator('[data-testid="export-state"][data-state="final"]').waitFor();
  await screenshot(chair, 'cochair-report-final-laptop-en');
  chairWs.close();
  p.close();
  assert.deepEqual(problems, []);
});
