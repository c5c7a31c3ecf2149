// Questions follow the agenda in real Chromium (QA-6): after "Next segment" a participant's
// phone and the stage show the questions carried over, never "No questions yet"; a segment
// that starts empty takes none, and the co-chair brings them in with "Move all unanswered
// here" or a checkbox selection. Screenshots of the co-chair's panel and the participant's
// list at phone and laptop size, in English and Arabic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { browserSuite, screenshot } from '../lib/browser.mjs';
import { openAgenda } from '../lib/harness.mjs';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };

const agenda = {
  ...openAgenda,
  premoderation: false,
  limits: { open_questions: 10, votes_per_minute: 600 },
  segments: openAgenda.segments.map((s, i) => (i === 3 ? { ...s, carry_over: false } : s)),
};
const suite = browserSuite({ agenda });

const queueItem = (page, id) => page.locator(`[data-testid="queue"] [data-testid="queue-item"][data-id="${id}"]`);

async function ok(client, cmd) {
  const reply = await client.command(cmd);
  assert.equal(reply.type, 'ack', `${cmd.type}: ${JSON.stringify(reply)}`);
  return reply;
}

test('next segment: the participant and the stage keep the live questions; move them into an empty segment', async () => {
  const { srv, open, problems } = suite;
  const poster = await srv.connect(srv.tokens.participant);
  const ids = [];
  for (const text of ['How will mutual legal assistance requests be answered in time?',
    'Which safeguards protect security researchers?', 'هل ستُنشر النتائج الرئيسية في التقرير؟']) {
    ids.push((await ok(poster, { type: 'question.post', text, lang: text.startsWith('هل') ? 'ar' : 'en' })).result.question.id);
  }
  const [a, b, c] = ids;

  const phone = await open(srv.links.participant, 'participant', { viewport: PHONE });
  const phoneAr = await open(srv.links.participant, 'participant ar', { viewport: PHONE, locale: 'ar' });
  const stage = await open(srv.links.stage, 'stage', { viewport: LAPTOP });
  const chair = await open(srv.links.cochair, 'co-chair', { viewport: LAPTOP });
  for (const page of [phone, phoneAr, stage]) await queueItem(page, a).waitFor();

  // "Next segment" on the co-chair's clock: the panel is current, the questions came along.
  await chair.getByTestId('clock-next').click();
  await chair.locator('[data-testid="segment-tab"][data-segment="1"][data-current="true"]').waitFor();
  for (const page of [phone, phoneAr, stage]) {
    for (const id of ids) await queueItem(page, id).waitFor();
  }
  assert.equal(await phone.getByTestId('empty').count(), 0, 'never "No questions yet" while live questions exist');
  await screenshot(phone, 'segments-participant-carried-390');
  await screenshot(phoneAr, 'segments-participant-carried-390-ar');

  // The closing segment starts empty: the participant's list for it is empty, yet the live
  // questions still show, under the other parts of the agenda (never "No questions yet"); the
  // co-chair is offered to bring them in.
  await chair.getByTestId('clock-next').click(); // to the Q&A, carrying them again
  await chair.locator('[data-testid="segment-tab"][data-segment="2"][data-current="true"]').waitFor();
  await queueItem(phone, a).waitFor();
  await chair.getByTestId('clock-next').click();
  await chair.locator('[data-testid="segment-tab"][data-segment="3"][data-current="true"]').waitFor();
  await phone.getByTestId('other-segments').waitFor();
  assert.equal(await phone.getByTestId('empty').count(), 0, 'never "No questions yet" while live questions exist');
  assert.equal(await queueItem(phone, a).count(), 0, 'the closing segment starts empty');
  const panel = chair.getByTestId('move-panel');
  await panel.waitFor();
  assert.equal(await panel.getAttribute('data-segment'), '3');
  await screenshot(chair, 'segments-chair-move-1280');

  // A checkbox selection moves just that one.
  await panel.locator('summary').click();
  await panel.locator(`[data-testid="move-check"][data-id="${b}"]`).check();
  await panel.getByTestId('move-selected').click();
  await queueItem(phone, b).waitFor();
  assert.equal(await queueItem(phone, a).count(), 0, 'only the chosen question moved');
  // Then all the rest.
  await panel.getByTestId('move-all').click();
  for (const id of [a, c]) await queueItem(phone, id).waitFor();
  await panel.waitFor({ state: 'detached' });
  await screenshot(phone, 'segments-participant-moved-390');

  // The panel in Arabic, at phone and laptop size: back to the Q&A, which carries them along
  // again, then to the closing segment, which does not.
  const chairAr = await open(srv.links.cochair, 'co-chair ar', { viewport: LAPTOP, locale: 'ar' });
  const chairPhone = await open(srv.links.cochair, 'co-chair phone', { viewport: PHONE });
  const chairPhoneAr = await open(srv.links.cochair, 'co-chair phone ar', { viewport: PHONE, locale: 'ar' });
  await chair.getByTestId('clock-back').click();
  await chair.locator('[data-testid="segment-tab"][data-segment="2"][data-current="true"]').waitFor();
  await chair.getByTestId('clock-next').click();
  for (const page of [chairAr, chairPhone, chairPhoneAr]) await page.getByTestId('move-panel').waitFor();
  assert.equal(await chairAr.locator('html').getAttribute('dir'), 'rtl');
  await chairAr.getByTestId('move-panel').locator('summary').click();
  await chairPhone.getByTestId('move-panel').locator('summary').click();
  await chairPhoneAr.getByTestId('move-panel').locator('summary').click();
  await screenshot(chairAr, 'segments-chair-move-1280-ar');
  await screenshot(chairPhone, 'segments-chair-move-390');
  await screenshot(chairPhoneAr, 'segments-chair-move-390-ar');
  await screenshot(phoneAr, 'segments-participant-empty-390-ar');
  // The panel alone, legible at phone size.
  const dir = path.dirname(await screenshot(chairPhone, 'segments-chair-move-390'));
  for (const [page, name] of [[chairPhone, 'segments-panel-390'], [chairPhoneAr, 'segments-panel-390-ar']]) {
    await page.getByTestId('move-panel').screenshot({ path: path.join(dir, `${name}.png`) });
  }
  assert.deepEqual(problems, []);
});
