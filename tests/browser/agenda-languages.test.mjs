// The agenda's texts in the viewer's language (AG-1, LC-2): a consultation whose agenda gives its
// title, segment titles and listening notes in several languages shows each viewer its own
// language, and the floor language's (English here) where the agenda gives none. The regional
// consultation in protocol/agendas: its title in all four languages, its third segment in
// English and Arabic only, its last in English only. Screenshots of the participant's page and
// the stage in English and Arabic, on a phone and a laptop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repo } from '../lib/harness.mjs';
import { browserSuite, rendered, screenshot } from '../lib/browser.mjs';

const agenda = JSON.parse(fs.readFileSync(path.join(repo, 'protocol', 'agendas', 'regional-consultation.json'), 'utf8'));
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };

const suite = browserSuite({ agenda });

const heading = (page) => page.locator('header.top h1').textContent();

test('an Arabic viewer reads the Arabic title, segment and listening note', async () => {
  const { srv, open, problems } = suite;
  const page = await open(srv.links.participant, 'participant ar', { viewport: PHONE, locale: 'ar-EG' });
  assert.equal(await heading(page), agenda.title.ar);
  assert.match(await page.locator('header.top .segment').textContent(), new RegExp(agenda.segments[0].title.ar));
  await page.getByTestId('channel-chip').click();
  assert.match(await page.getByTestId('channel-note').textContent(), new RegExp(agenda.listening.ar.note.ar));
  // The language picker turns every text at once: English is the floor's text itself.
  await page.getByTestId('ui-language').selectOption('en');
  await page.locator('html[lang="en"]').waitFor();
  assert.equal(await heading(page), agenda.title.en);
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('a French viewer reads the French texts, and English where the agenda gives no French', async () => {
  const { srv, open, problems } = suite;
  const page = await open(srv.links.cochair, 'cochair fr', { viewport: LAPTOP, locale: 'fr-FR' });
  assert.equal(await heading(page), agenda.title.fr);
  const tab = (p, i) => p.locator(`[data-testid="segment-tab"][data-segment="${i}"] .tab-title`).textContent();
  assert.equal(await tab(page, 0), agenda.segments[0].title.fr);
  assert.equal(await tab(page, 1), agenda.segments[1].title.fr);
  // The third segment is given in English and Arabic only, the last as a plain string: English.
  assert.equal(await tab(page, 2), agenda.segments[2].title.en);
  assert.equal(await tab(page, 3), agenda.segments[3].title);
  // A Spanish viewer: the Spanish title, and the floor's text for the Arabic-only segment.
  const es = await open(srv.links.cochair, 'cochair es', { viewport: LAPTOP, locale: 'es-ES' });
  assert.equal(await heading(es), agenda.title.es);
  assert.equal(await tab(es, 1), agenda.segments[1].title.es);
  assert.equal(await tab(es, 2), agenda.segments[2].title.en);
  assert.deepEqual(problems, []);
  await page.context().close();
  await es.context().close();
});

test('screenshots: the participant and the stage in English and Arabic, phone and laptop', async (t) => {
  const { srv, open, problems } = suite;
  for (const locale of ['en-GB', 'ar-EG']) {
    const lang = locale.slice(0, 2);
    for (const [size, viewport] of [['390x844', PHONE], ['1280x800', LAPTOP]]) {
      const page = await open(srv.links.participant, `participant ${lang}`, { viewport, locale });
      assert.equal(await heading(page), agenda.title[lang]);
      await screenshot(page, `agenda-languages-participant-${lang}-${size}`);
      await page.context().close();
      const stage = await open(srv.links.stage, `stage ${lang}`, { viewport, locale });
      await stage.getByTestId('stage-segment').waitFor();
      assert.equal(await stage.getByTestId('stage-segment').textContent(), agenda.segments[0].title[lang]);
      await rendered(stage);
      await screenshot(stage, `agenda-languages-stage-${lang}-${size}`, { fullPage: false });
      await stage.context().close();
    }
  }
  t.diagnostic('screenshots agenda-languages-{participant,stage}-{en,ar}-{390x844,1280x800}');
  assert.deepEqual(problems, []);
});
