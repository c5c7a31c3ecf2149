// Anonymous polls in real Chromium (POLL-1): a co-chair prepares a single-choice poll in English
// and Arabic from the console and opens it; participants answer in English and in Arabic with
// the keyboard (a radio group) and change their answer; the co-chair closes it and shows the
// result, which the participants and the stage see as a bar chart; a word cloud on the stage.
// Screenshots of the console, the participant's page and the stage, at phone and laptop size,
// in English and Arabic (the stage at 1280x720).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, rendered, screenshot } from '../lib/browser.mjs';
import { openAgenda } from '../lib/harness.mjs';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };
const STAGE = { width: 1280, height: 720 };

const suite = browserSuite({ agenda: openAgenda, invitations: 2 });

test('a poll from the console to the room and the stage, answered in English and Arabic', async () => {
  const { srv, open, problems } = suite;
  const chair = await open(srv.links.cochair, 'chair polls', { viewport: LAPTOP });
  await chair.getByTestId('chair-polls').waitFor();
  await chair.getByTestId('poll-create-toggle').click();
  await chair.getByTestId('poll-text-en').fill('Which topic should come first?');
  await chair.getByTestId('poll-text-ar').fill('أي موضوع يأتي أولاً؟');
  await chair.getByTestId('poll-option-0-en').fill('Electronic evidence');
  await chair.getByTestId('poll-option-0-ar').fill('الأدلة الإلكترونية');
  await chair.getByTestId('poll-option-1-en').fill('Human rights safeguards');
  await chair.getByTestId('poll-option-1-ar').fill('ضمانات حقوق الإنسان');
  await chair.getByTestId('poll-add-option').click();
  await chair.getByTestId('poll-option-2-en').fill('Jurisdiction');
  await chair.getByTestId('poll-create-submit').click();
  const item = chair.getByTestId('chair-poll').first();
  await item.and(chair.locator('[data-state="draft"]')).waitFor();
  await screenshot(chair, 'poll-chair-draft-en-1280');
  await item.getByTestId('poll-open').click();
  await chair.locator('[data-testid="chair-poll"][data-state="open"]').waitFor();

  // Two participants in the browser: English on a laptop, Arabic on a phone, both by keyboard.
  const en = await open(srv.links.participant, 'participant polls en', { viewport: LAPTOP });
  const ar = await open(srv.links.participant, 'participant polls ar', { viewport: PHONE, locale: 'ar' });
  assert.equal(await ar.locator('html').getAttribute('dir'), 'rtl');
  await en.getByTestId('participant-poll').waitFor();
  await ar.getByTestId('participant-poll').waitFor();
  assert.match(await ar.getByTestId('participant-poll').textContent(), /أي موضوع يأتي أولاً؟/);
  assert.match(await ar.getByTestId('participant-poll').textContent(), /الأدلة الإلكترونية/);
  // Option 3 has no Arabic: it falls back to the floor language.
  assert.match(await ar.getByTestId('participant-poll').textContent(), /Jurisdiction/);
  await screenshot(en, 'poll-participant-open-en-1280');
  await screenshot(ar, 'poll-participant-open-ar-390');

  // English: Tab into the radio group, arrows move and select, Enter... the button sends.
  const radios = en.getByRole('radiogroup');
  assert.equal(await radios.count(), 1);
  await en.getByTestId('poll-choice').first().focus();
  await en.keyboard.press('Space');
  await en.keyboard.press('ArrowDown');
  assert.equal(await en.getByTestId('poll-choice').nth(1).isChecked(), true);
  await en.getByTestId('poll-submit').press('Enter');
  await en.getByTestId('poll-answered').waitFor();
  // Arabic: picks the first option, then changes to the second while open.
  await ar.getByTestId('poll-choice').first().check();
  await ar.getByTestId('poll-submit').click();
  await ar.getByTestId('poll-answered').waitFor();
  assert.match(await ar.getByTestId('poll-submit').textContent(), /تغيير الإجابة/);
  await ar.getByTestId('poll-choice').nth(1).check();
  await ar.getByTestId('poll-submit').click();
  await screenshot(ar, 'poll-participant-answered-ar-390');

  // Four more from node: six in all, five of them for option 2.
  for (let i = 0; i < 4; i++) {
    const p = await srv.connect(srv.tokens.participant);
    const ack = await p.command({ type: 'poll.answer', poll: 1, choices: [1] });
    assert.equal(ack.type, 'ack', JSON.stringify(ack));
  }
  // The co-chairs see the live totals, suppressed: 6 answers, option 2 with 6 - the English one
  // counts for option 2 too.
  await chair.getByTestId('poll-bars').waitFor();
  await chair.locator('[data-testid="chair-poll"]', { hasText: '6 answers' }).waitFor();
  await item.getByTestId('poll-close').click();
  await chair.locator('[data-testid="chair-poll"][data-state="closed"]').waitFor();
  const stageEn = await open(srv.links.stage, 'stage poll en', { viewport: STAGE, locale: 'en' });
  await item.getByTestId('poll-show').click();
  await chair.getByTestId('poll-shown').waitFor();
  await screenshot(chair, 'poll-chair-shown-en-1280');

  // The room and the stage see the chart.
  await stageEn.getByTestId('stage-poll').getByTestId('poll-bars').waitFor();
  const bars = await stageEn.getByTestId('poll-bar').allTextContents();
  assert.equal(bars.length, 3);
  assert.match(bars[1], /Human rights safeguards\s*6/);
  assert.match(bars[0], /0/);
  await rendered(stageEn);
  await screenshot(stageEn, 'poll-stage-bars-en-1280x720', { fullPage: false });
  const stageAr = await open(srv.links.stage, 'stage poll ar', { viewport: STAGE, locale: 'ar' });
  await stageAr.getByTestId('stage-poll').getByTestId('poll-bars').waitFor();
  assert.match((await stageAr.getByTestId('poll-bar').nth(1).textContent()), /ضمانات حقوق الإنسان/);
  await rendered(stageAr);
  await screenshot(stageAr, 'poll-stage-bars-ar-1280x720', { fullPage: false });
  await en.getByTestId('participant-poll').getByTestId('poll-bars').waitFor();
  await ar.getByTestId('participant-poll').getByTestId('poll-bars').waitFor();
  await screenshot(en, 'poll-participant-result-en-1280');
  await screenshot(ar, 'poll-participant-result-ar-390');

  // Phone and laptop, English and Arabic, of the views not yet taken.
  const chairAr = await open(srv.links.cochair, 'chair polls ar', { viewport: LAPTOP, locale: 'ar' });
  await chairAr.getByTestId('chair-polls').waitFor();
  await screenshot(chairAr, 'poll-chair-ar-1280');
  const chairPhone = await open(srv.links.cochair, 'chair polls phone', { viewport: PHONE });
  await chairPhone.getByTestId('chair-polls').waitFor();
  await screenshot(chairPhone, 'poll-chair-en-390');
  const chairPhoneAr = await open(srv.links.cochair, 'chair polls phone ar', { viewport: PHONE, locale: 'ar' });
  await chairPhoneAr.getByTestId('chair-polls').waitFor();
  await screenshot(chairPhoneAr, 'poll-chair-ar-390');
  const enPhone = await open(srv.links.participant, 'participant polls en phone', { viewport: PHONE });
  await enPhone.getByTestId('participant-poll').getByTestId('poll-bars').waitFor();
  await screenshot(enPhone, 'poll-participant-result-en-390');
  const arLaptop = await open(srv.links.participant, 'participant polls ar laptop', { viewport: LAPTOP, locale: 'ar' });
  await arLaptop.getByTestId('participant-poll').getByTestId('poll-bars').waitFor();
  await screenshot(arLaptop, 'poll-participant-result-ar-1280');

  // A word cloud on the stage: sized words, the rare one left out.
  const chairNode = await srv.connect(srv.tokens.cochair);
  const made = await chairNode.command({ type: 'poll.create', kind: 'words', text: { en: 'One word for safeguards', ar: 'كلمة واحدة عن الضمانات' } });
  const id = made.result.poll;
  await chairNode.command({ type: 'poll.open', poll: id });
  for (let i = 0; i < 8; i++) {
    const p = await srv.connect(srv.tokens.participant);
    const words = i < 7 ? ['oversight', 'الشفافية'] : ['rare'];
    if (i < 5) words.push('proportionality');
    assert.equal((await p.command({ type: 'poll.answer', poll: id, words })).type, 'ack');
  }
  await chairNode.command({ type: 'poll.close', poll: id });
  await chairNode.command({ type: 'poll.show', poll: id, shown: true });
  const cloud = stageEn.getByTestId('stage-poll').getByTestId('poll-cloud');
  await cloud.waitFor();
  const words = await cloud.locator('li').allTextContents();
  assert.equal(words.length, 3);
  assert.ok(!words.join(' ').includes('rare'));
  await rendered(stageEn);
  await screenshot(stageEn, 'poll-stage-cloud-en-1280x720', { fullPage: false });
  assert.deepEqual(problems, []);
});
