// The Chatham House Rule and the report in real Chromium (CHR-2, CHR-5, CHR-6, EX-1, EX-2): a
// participant in Arabic accepts the Rule before anything else, is warned of an e-mail address in
// a question and posts it with a placeholder; the rapporteur themes and approves it, writes a note
// and a summary, and downloads the report, whose Arabic HTML renders right to left within an A4
// page; a co-chair seals, and every page turns read-only. Screenshots of each step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { browserSuite, screenshot } from '../lib/browser.mjs';
import { run } from '../lib/harness.mjs';

const PHONE = { width: 360, height: 740 };
const LAPTOP = { width: 1280, height: 900 };
const suite = browserSuite();

test('Rule, placeholders, the rapporteur\'s workspace, the report download and the seal', async () => {
  const { srv, open, problems } = suite;
  const chair = await open(srv.links.cochair, 'cochair', { viewport: LAPTOP });
  // CHR-2: in Arabic, the Rule comes first; upvoting waits for it too.
  const p = await open(srv.links.participant, 'participant', { viewport: PHONE, locale: 'ar', acceptRule: false });
  assert.equal(await p.getAttribute('html', 'dir'), 'rtl');
  const card = p.getByTestId('rule-card');
  await card.waitFor();
  assert.match(await p.getByTestId('rule-text').innerText(), /تشاتام هاوس/);
  assert.equal(await p.getByTestId('question-form').count(), 0);
  await screenshot(p, 'rule-ar');
  await p.getByTestId('rule-accept').click();
  await p.getByTestId('question-form').waitFor();

  // CHR-6: an e-mail address is found; the participant posts with a placeholder.
  await p.getByTestId('question-text').fill('هل تحمي المادة ٢٤ الصحفيين؟ راسلوني على amina@example.org');
  await p.getByTestId('question-submit').click();
  await p.getByTestId('identifying').waitFor();
  const items = p.getByTestId('identifying-item');
  assert.equal(await items.count(), 1);
  assert.equal(await items.first().getAttribute('data-kind'), 'email');
  assert.match(await items.first().innerText(), /amina@example\.org/);
  await screenshot(p, 'identifying-ar');
  await p.getByTestId('post-placeholders').click();
  await p.getByTestId('identifying').waitFor({ state: 'detached' });
  await p.getByTestId('my-question').first().waitFor();
  assert.match(await p.getByTestId('my-question').first().innerText(), /\[بريد إلكتروني\]/); // in the question's language
  assert.doesNotMatch(await p.getByTestId('my-question').first().innerText(), /amina/);

  // The co-chair approves it; the rapporteur themes it, puts it in the report, writes a note
  // and a summary.
  await chair.getByTestId('approve-button').first().click();
  const r = await open(srv.links.rapporteur, 'rapporteur', { viewport: LAPTOP });
  await r.locator('[data-testid="report-segment-tab"][data-segment="0"]').click();
  const item = r.getByTestId('report-question').first();
  await item.waitFor();
  await item.getByTestId('theme-input').fill('حماية الصحفيين');
  await item.getByTestId('theme-input').press('Enter');
  await item.getByTestId('include-toggle').click();
  await r.locator('.question.in-report').waitFor();
  await r.getByTestId('note-text').fill('Participants asked how journalists would be protected.');
  await r.getByTestId('note-save').click();
  await r.getByText('Note saved').waitFor();
  const form = r.getByTestId('paraphrase-form');
  await form.getByTestId('paraphrase-text').fill('Several participants asked about safeguards for the press.');
  await form.getByTestId('paraphrase-theme').fill('حماية الصحفيين');
  await form.getByTestId('paraphrase-save').click();
  await r.getByTestId('paraphrase').first().waitFor();
  await screenshot(r, 'rapporteur-en');

  // EX-2: the draft downloads; it is the command line's report, byte for byte.
  await r.getByTestId('report-lang').selectOption('ar');
  const [download] = await Promise.all([r.waitForEvent('download'), r.getByTestId('export-html').click()]);
  assert.equal(download.suggestedFilename(), 'engaging-civil-society-in-the-fight-against-report-draft.html');
  const html = fs.readFileSync(await download.path());
  const cli = await run(['export', srv.consultation, '--data', srv.dataDir, '--format', 'html', '--lang', 'ar'], { encoding: 'buffer' });
  assert.equal(html.compare(cli.stdout), 0, 'the download is the command line\'s report');

  // CHR-5: the co-chair seals; the participant's page turns read-only.
  await chair.getByTestId('seal-button').click();
  await chair.getByTestId('seal-word').fill('SEAL');
  await chair.getByTestId('seal-confirm').click();
  await chair.getByTestId('sealed-notice').waitFor();
  await p.getByTestId('sealed-notice').waitFor();
  assert.equal(await p.getByTestId('question-form').count(), 0);
  await r.getByTestId('report-state').waitFor(); // EX-7: a draft to finish and finalise
  await screenshot(p, 'sealed-ar');

  // The sealed report in Arabic (a draft until the rapporteurs finalise it, EX-7), rendered by
  // Chromium: right to left, within an A4 page's width, with its counts and the manifest.
  const [final] = await Promise.all([r.waitForEvent('download'), r.getByTestId('export-html').click()]);
  assert.equal(final.suggestedFilename(), 'engaging-civil-society-in-the-fight-against-report-draft.html');
  const doc = await r.context().newPage();
  await doc.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
  await doc.setContent(fs.readFileSync(await final.path(), 'utf8'));
  assert.equal(await doc.getAttribute('html', 'dir'), 'rtl');
  assert.equal(await doc.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0);
  const text = await doc.innerText('body');
  assert.match(text, /قاعدة تشاتام هاوس/);
  assert.match(text, /بيان الخصوصية/);
  assert.match(text, /\[بريد إلكتروني\]/);
  assert.match(text, /\(سؤال؛ أصوات التأييد: 0\)/, 'Arabic punctuation in the report\'s own words');
  assert.doesNotMatch(text, /amina/);
  // The heading of a right-to-left page starts at the right edge.
  const box = await doc.locator('h1').boundingBox();
  const first = await doc.evaluate(() => {
    const range = document.createRange();
    range.selectNodeContents(document.querySelector('h2'));
    const rects = range.getClientRects();
    return rects[0].right;
  });
  assert.ok(first > box.x + box.width - 20, `an Arabic heading hugs the right edge (${first} vs ${box.x + box.width})`);
  await screenshot(doc, 'report-ar');
  const pdf = await doc.pdf({ format: 'A4' });
  assert.ok(pdf.length > 1000, 'it prints');
  assert.deepEqual(problems, []);
});
