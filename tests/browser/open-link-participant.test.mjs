// The open link's guards as a participant's page meets them, in real Chromium (AB-3, AB-5): where
// only personal invitations vote, a participant on the open link is offered no upvote button and
// one line says why, while an invited participant votes as usual; when the co-chairs pause
// incoming questions the place to ask stays where it was, disabled, and says so and until when;
// resuming opens it again. The page keeps its block order throughout. Screenshots at phone and
// laptop size, in English and Arabic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, browserSuite, screenshot } from '../lib/browser.mjs';
import { openAgenda } from '../lib/harness.mjs';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };
const SIZES = [['phone', PHONE], ['laptop', LAPTOP]];
const LOCALES = [['en', 'en-GB'], ['ar', 'ar']];

const suite = browserSuite({ agenda: { ...openAgenda, voting: 'invitations' }, invitations: 2 }, async (s) => {
  // A live question, posted by an invited participant and approved.
  s.chair = await s.srv.connect(s.srv.tokens.cochair);
  const other = await s.srv.connect(s.srv.tokens.invitations[0]);
  const ack = await other.command({ type: 'question.post', text: 'Who decides what goes into the final report?', lang: 'en' });
  assert.equal(ack.type, 'ack', JSON.stringify(ack));
  s.live = ack.result.question.id;
  assert.equal((await s.chair.command({ type: 'question.approve', question: s.live })).type, 'ack');
});

// The page's blocks from top to bottom, by test id.
const order = (page) => page.locator('[data-testid="participant"] > *').evaluateAll(
  (els) => els.map((e) => e.dataset.testid || e.className));
const BLOCKS = ['channel', 'question-form', 'queue-card', 'speakers', 'agenda'];

async function chairDoes(cmd) {
  const reply = await suite.chair.command(cmd);
  assert.equal(reply.type, 'ack', JSON.stringify(reply));
  return reply;
}

test('only invitations vote: the open link sees no upvote button and why; an invitation votes', async () => {
  const { srv, open, problems } = suite;
  for (const [size, viewport] of SIZES) {
    for (const [lang, locale] of LOCALES) {
      const page = await open(srv.links.participant, `open link ${size} ${lang}`, { viewport, locale });
      const item = page.locator(`[data-testid="queue-item"][data-id="${suite.live}"]`);
      await item.waitFor();
      await page.getByTestId('vote-invitations-only').waitFor();
      assert.match(await page.getByTestId('vote-invitations-only').innerText(),
        lang === 'ar' ? /يقتصر التأييد في هذه المشاورة على الدعوات الشخصية/ : /personal invitations only/);
      assert.equal(await page.getByTestId('vote-button').count(), 0, `${size} ${lang}: an upvote button on the open link`);
      // The count stays: what the invitations think is still there to read.
      assert.match(await item.getByTestId('votes-words').innerText(), lang === 'ar' ? /لا أصوات تأييد/ : /^0 upvotes$/);
      // Recent shows the same; Mine has nothing to vote on.
      await page.getByTestId('tab-recent').click();
      await page.getByTestId('vote-invitations-only').waitFor();
      assert.equal(await page.getByTestId('vote-button').count(), 0);
      await page.getByTestId('tab-popular').click();
      await item.waitFor();
      assert.deepEqual(await order(page), BLOCKS);
      assert.deepEqual(await axeViolations(page), [], `${size} ${lang}: axe, invitations only`);
      await screenshot(page, `participant-invitations-only-${size}-${lang}`, { fullPage: false });
      await page.context().close();
    }
  }
  const invited = await open(srv.links.invitations[1], 'invitation', { viewport: PHONE });
  const button = invited.locator(`[data-testid="queue-item"][data-id="${suite.live}"] [data-testid="vote-button"]`);
  await button.waitFor();
  assert.equal(await invited.getByTestId('vote-invitations-only').count(), 0);
  await button.click();
  await button.and(invited.locator('[aria-pressed="true"]:not([aria-busy])')).waitFor();
  await invited.context().close();
  assert.deepEqual(problems, []);
});

test('incoming questions paused: the place to ask stays, disabled, says until when; resuming opens it', async () => {
  const { srv, open, problems } = suite;
  const asking = await open(srv.links.participant, 'paused', { viewport: PHONE });
  await asking.getByTestId('question-text').fill('A draft written before the pause');
  assert.deepEqual(await order(asking), BLOCKS);

  // For fifteen minutes: the notice says until when, in the event's zone.
  await chairDoes({ type: 'queue.pause', minutes: 15 });
  await asking.getByTestId('queue-paused').waitFor();
  assert.match(await asking.getByTestId('queue-paused').innerText(), /The co-chairs have paused new questions\./);
  assert.match(await asking.getByTestId('queue-paused-until').innerText(), /Questions open again at \d{1,2}:\d{2}/);
  assert.ok(await asking.getByTestId('question-text').isVisible(), 'the form stays in view');
  assert.ok(await asking.getByTestId('question-text').isDisabled());
  assert.ok(await asking.getByTestId('question-submit').isDisabled());
  assert.equal(await asking.getByTestId('question-text').inputValue(), 'A draft written before the pause');
  assert.deepEqual(await order(asking), BLOCKS, 'the blocks keep their order when questions pause');

  for (const [size, viewport] of SIZES) {
    for (const [lang, locale] of LOCALES) {
      const page = await open(srv.links.participant, `paused ${size} ${lang}`, { viewport, locale, acceptRule: false });
      await page.getByTestId('rule-accept').click();
      await page.getByTestId('queue-paused').waitFor();
      // After accepting, the focus goes to what says why the form is disabled.
      await page.waitForFunction(() => document.activeElement?.id === 'ask-status');
      assert.ok(await page.getByTestId('question-text').isDisabled());
      assert.deepEqual(await order(page), BLOCKS);
      if (lang === 'ar') assert.match(await page.getByTestId('queue-paused').innerText(), /أوقف الرئيسان المشاركان الأسئلة الجديدة مؤقتًا/);
      assert.deepEqual(await axeViolations(page), [], `${size} ${lang}: axe, questions paused`);
      await screenshot(page, `participant-queue-paused-${size}-${lang}`, { fullPage: false });
      await page.context().close();
    }
  }

  // Until resumed: no time to give.
  await chairDoes({ type: 'queue.pause' });
  await asking.getByTestId('queue-paused-until').waitFor({ state: 'detached' });
  await asking.getByTestId('queue-paused').waitFor();
  assert.ok(await asking.getByTestId('question-text').isDisabled());

  await chairDoes({ type: 'queue.resume' });
  await asking.getByTestId('queue-paused').waitFor({ state: 'detached' });
  assert.ok(await asking.getByTestId('question-text').isEnabled());
  assert.deepEqual(await order(asking), BLOCKS);
  await asking.getByTestId('question-submit').click();
  await asking.locator('[data-testid="my-question"]').filter({ hasText: 'A draft written before the pause' }).waitFor();
  await asking.context().close();
  assert.deepEqual(problems, []);
});
