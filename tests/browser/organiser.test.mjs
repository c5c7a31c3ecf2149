// The organiser's console in real Chromium (ORG-1): from the organiser link, a consultation is
// created from the form (a bad field first: its error shows at the field), its links are read
// once and work, invitations are added with a cap and a waiting list, the report is exported and
// the consultation sealed with its typed confirmation. Screenshots at phone and laptop size, in
// English and Arabic, with no serious accessibility violation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, browserSuite, screenshot } from '../lib/browser.mjs';
import { run } from '../lib/harness.mjs';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };
const suite = browserSuite();

async function organiserLink(srv) {
  const r = await run(['organiser-link', '--data', srv.dataDir, '--base-url', srv.baseUrl]);
  assert.equal(r.code, 0, r.stderr);
  return /organiser: +(\S+)/.exec(r.stdout)[1];
}

test('create from the form, read the links, invite, export and seal', async () => {
  const { srv, open, problems } = suite;
  const url = await organiserLink(srv);
  const o = await open(url, 'organiser', { viewport: LAPTOP });
  await o.getByTestId('org-dashboard').waitFor();
  const first = o.locator(`[data-testid="org-item"][data-id="${srv.consultation}"]`);
  await first.waitFor();
  // An agenda with no date: its first segment's wall-clock time in its zone, and that it has no date.
  assert.match(await first.getByTestId('org-when').innerText(), /^11:30 (GMT|BST)$/);
  assert.match(await first.innerText(), /no date set/);
  await screenshot(o, 'organiser-dashboard-en-laptop');
  assert.deepEqual(await axeViolations(o), []);

  // The form: a segment of 0 minutes is refused at its field.
  await o.getByTestId('org-new').click();
  const form = o.getByTestId('org-new-form');
  await form.waitFor();
  await o.getByTestId('f-title').fill('Regional consultation for civil society');
  await o.getByTestId('f-timezone').fill('Africa/Johannesburg');
  await o.getByTestId('f-date').fill('2026-06-16');
  const segs = o.getByTestId('org-segment');
  await segs.nth(0).getByLabel('Segment title').fill('Welcome');
  await segs.nth(0).getByLabel('Starts at').fill('14:00');
  await segs.nth(1).getByLabel('Segment title').fill('Questions from the floor');
  await segs.nth(1).getByLabel('Minutes').fill('0');
  await o.getByTestId('f-invitations').fill('1');
  await o.getByTestId('f-create').click();
  const err = o.locator('[data-testid="field-error"][data-field="segments[1].duration"]');
  await err.waitFor();
  assert.equal(await o.locator('[data-path="segments[1].duration"]').getAttribute('aria-invalid'), 'true');
  assert.equal(await o.evaluate(() => document.activeElement.dataset.path), 'segments[1].duration');
  await screenshot(o, 'organiser-form-error-en-laptop');
  assert.deepEqual(await axeViolations(o), []);
  await segs.nth(1).getByLabel('Minutes').fill('45');
  await o.getByTestId('f-create').click();

  // The links, shown once; the co-chair's opens the new consultation.
  await o.getByTestId('org-links').waitFor();
  const chairUrl = await o.getByTestId('org-link-cochair').inputValue();
  assert.match(chairUrl, /\/c\/[A-Za-z0-9]+\/#/);
  const [download] = await Promise.all([o.waitForEvent('download'), o.getByTestId('org-links-download').click()]);
  assert.match(download.suggestedFilename(), /links\.txt$/);
  await screenshot(o, 'organiser-links-en-laptop');
  const chair = await open(chairUrl, 'cochair', { viewport: LAPTOP });
  assert.equal(await chair.locator('h1').innerText(), 'Regional consultation for civil society');

  // Invitations: a cap of 2 with 1 already invited; two more: one seated, one waiting.
  await o.getByTestId('org-tab-invitations').click();
  await o.getByTestId('org-seats-line').waitFor();
  await o.getByTestId('org-seats').fill('2');
  await o.getByRole('button', { name: 'Set the seats' }).click();
  await o.getByText('1 of 2 seats taken').waitFor();
  await o.getByTestId('org-adds').fill('REG-0041\nREG-0042');
  await o.getByTestId('org-add').click();
  await o.getByTestId('org-waiting').getByText('REG-0042').first().waitFor();
  assert.match(await o.getByTestId('org-invited').innerText(), /REG-0041/);
  await screenshot(o, 'organiser-invitations-en-laptop');

  // The placeholder tab for the browser-side tools.
  await o.getByTestId('org-tab-cycle').click();
  await o.getByTestId('org-cycle').waitFor();

  // Export, then the seal with its typed confirmation.
  await o.getByTestId('org-tab-seal').click();
  const [doc] = await Promise.all([o.waitForEvent('download'), o.getByTestId('org-export-json').click()]);
  assert.match(doc.suggestedFilename(), /report-draft\.json$/);
  assert.ok(JSON.parse(await (await import('node:fs')).promises.readFile(await doc.path(), 'utf8')));
  const [backup] = await Promise.all([o.waitForEvent('download'), o.getByTestId('org-backup').click()]);
  assert.match(backup.suggestedFilename(), /-backup\.db$/);
  await o.getByTestId('org-backup-unsealed').waitFor();
  assert.equal(await o.getByTestId('org-seal').isDisabled(), true);
  await o.getByTestId('org-seal-word').fill('SEAL');
  await o.getByTestId('org-seal').click();
  await o.getByTestId('org-sealed').waitFor();
  await chair.getByTestId('sealed-notice').waitFor();
  await screenshot(o, 'organiser-sealed-en-laptop');

  // Phone and Arabic.
  for (const [locale, lang] of [['en-GB', 'en'], ['ar', 'ar']]) {
    for (const [size, viewport] of [['phone', PHONE], ['laptop', LAPTOP]]) {
      const page = await open(url, `organiser-${lang}-${size}`, { viewport, locale });
      await page.getByTestId('org-dashboard').waitFor();
      await page.getByTestId('org-item').nth(1).waitFor();
      // The new consultation starts on 16 June 2026 at 14:00 in Johannesburg: 12:00 for this
      // viewer (UTC), with the event's own time and zone beside it.
      const made = page.getByTestId('org-item').filter({ hasText: 'Regional consultation for civil society' });
      const when = made.getByTestId('org-when');
      assert.equal(await when.getAttribute('datetime'), '2026-06-16T12:00:00.000Z');
      assert.match(await made.getByTestId('org-when-event').innerText(), /SAST$/);
      if (lang === 'en') {
        assert.equal(await when.innerText(), 'Tue, 16 Jun 2026\n12:00 UTC');
        assert.equal(await made.getByTestId('org-when-event').innerText(), '14:00 SAST');
      }
      await screenshot(page, `organiser-dashboard-${lang}-${size}`);
      if (lang === 'en' && size === 'laptop') {
        await page.context().close();
        continue;
      }
      await page.getByTestId('org-new').click();
      await page.getByTestId('org-new-form').waitFor();
      await screenshot(page, `organiser-form-${lang}-${size}`);
      await page.getByTestId('org-new-form').getByRole('button', { name: lang === 'ar' ? 'إلغاء' : 'Cancel' }).click();
      await page.getByTestId('org-open').last().click();
      await page.getByTestId('org-tab-invitations').click();
      await page.getByTestId('org-seats-line').waitFor();
      await screenshot(page, `organiser-invitations-${lang}-${size}`);
      assert.deepEqual(await axeViolations(page), []);
      await page.context().close();
    }
  }
  assert.deepEqual(problems, []);
});
