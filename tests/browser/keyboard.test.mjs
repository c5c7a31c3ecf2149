// Keyboard only, in real Chromium: no mouse click anywhere. A participant goes from the link to
// a posted question (Tab, Enter), upvotes (Space), sees a refused upvote put back, and
// withdraws (Enter, and the confirmation takes the focus); a co-chair approves, sets "now
// answering" and marks answered with the documented shortcuts, and opens and closes the
// shortcut list. Every element the focus lands on shows it. Then the live region: news that a
// burst of questions was approved is said at a pace, not once per question.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, focusShown } from '../lib/browser.mjs';
import { sleep, until } from '../lib/harness.mjs';

const PHONE = { width: 360, height: 740 };
const LAPTOP = { width: 1280, height: 800 };

let hide = () => false; // which server messages the participant's page does not get, for now
const suite = browserSuite({}, async (s) => {
  s.other = await s.srv.connect(s.srv.tokens.participant);
  s.chair = await s.srv.connect(s.srv.tokens.cochair);
  const posted = await s.other.command({ type: 'question.post', text: 'Will civil society see the draft before the vote?', lang: 'en' });
  s.live = posted.result.question.id;
  if (posted.result.question.state === 'pending') await s.chair.command({ type: 'question.approve', question: s.live });
  const doomed = await s.other.command({ type: 'question.post', text: 'Is there a timeline for ratification?', lang: 'en' });
  s.doomed = doomed.result.question.id;
  if (doomed.result.question.state === 'pending') await s.chair.command({ type: 'question.approve', question: s.doomed });
});

const active = (page) => page.evaluate(() => document.activeElement?.dataset?.testid || document.activeElement?.id || document.activeElement?.tagName);
// Waits until the element with the test id has the focus (a re-render may move it there).
const focusOn = (page, testid) => page.waitForFunction((id) => document.activeElement?.dataset?.testid === id, testid)
  .catch(async () => assert.fail(`the focus is on ${await active(page)}, not ${testid}`));

// Presses Tab (or Shift+Tab) until the focused element has the test id, checking at every stop
// that the focus is visible. Fails after `max` presses.
async function tabTo(page, testid, { back = false, max = 80, within = null } = {}) {
  const trail = [];
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const shown = await focusShown(page);
    trail.push(shown.what);
    assert.ok(shown.ok, `the focus on ${shown.what} is not visible (press ${i + 1} towards ${testid}, after ${trail.join(' → ')})`);
    const here = await page.evaluate(([id, sel]) => {
      const el = document.activeElement;
      return Boolean(el && el.dataset.testid === id && (!sel || el.closest(sel)));
    }, [testid, within]);
    if (here) return;
  }
  assert.fail(`${testid} not reached with ${max} presses of ${back ? 'Shift+Tab' : 'Tab'}`);
}

test('a participant, by keyboard alone: the first screen, a question, an upvote (and one refused), a withdrawal', async () => {
  const { srv, open, problems, chair } = suite;
  const page = await open(srv.links.participant, 'participant', {
    viewport: PHONE, acceptRule: false, drop: (m) => hide(m),
  });
  // The first screen: the language menu is on it, preselected from the browser; then I accept.
  await tabTo(page, 'onboarding-language');
  assert.equal(await page.getByTestId('onboarding-language').inputValue(), 'en');
  await tabTo(page, 'rule-accept');
  await page.keyboard.press('Enter');
  // Accepted: the question box has the focus.
  await page.waitForFunction(() => document.activeElement?.id === 'question-text');
  // How to listen: the chip above is one Shift+Tab away and opens and closes with Enter.
  await tabTo(page, 'channel-chip', { back: true });
  await page.keyboard.press('Enter');
  await page.getByTestId('channel-desktop').waitFor();
  await page.keyboard.press('Enter');
  await page.getByTestId('channel-desktop').waitFor({ state: 'hidden' });
  await tabTo(page, 'question-text');
  await page.keyboard.type('Typed without a mouse: how are the consultations recorded?');
  await tabTo(page, 'question-submit');
  await page.keyboard.press('Enter');
  const mine = page.getByTestId('my-question');
  await mine.waitFor();
  const myId = await mine.getAttribute('data-id');

  // Back to the Popular tab with the arrow keys (the tab list is one stop), then upvote.
  await tabTo(page, 'tab-mine');
  await page.keyboard.press('Home');
  await focusOn(page, 'tab-popular');
  const item = page.locator(`[data-testid="queue-item"][data-id="${suite.live}"]`);
  await tabTo(page, 'vote-button', { within: `[data-testid="queue-item"][data-id="${suite.live}"]` });
  await page.keyboard.press('Space');
  await item.getByTestId('vote-button').and(page.locator('[aria-pressed="true"]')).waitFor();
  await item.getByTestId('votes').filter({ hasText: /^1$/ }).waitFor();
  // Confirmed by the server: no longer busy, and still pressed with its count.
  await item.getByTestId('vote-button').and(page.locator(':not([aria-busy])')).waitFor();
  assert.equal(await item.getByTestId('vote-button').getAttribute('aria-busy'), null, 'the upvote was confirmed');
  assert.equal(await item.getByTestId('vote-button').getAttribute('aria-pressed'), 'true');
  assert.equal(await item.getByTestId('votes').textContent(), '1');

  // A refused upvote: the page has not heard that the question was answered. The button is
  // pressed and the count moved at once, then both go back and the reason is said.
  hide = (m) => (m.type === 'question.answered' || m.type === 'question.answering') && (m.question?.id ?? m.question) === suite.doomed;
  assert.equal((await chair.command({ type: 'question.answer', question: suite.doomed })).type, 'ack');
  const doomed = page.locator(`[data-testid="queue-item"][data-id="${suite.doomed}"]`);
  await doomed.getByTestId('vote-button').evaluate((b) => {
    window.pressedSeen = [];
    new MutationObserver(() => window.pressedSeen.push(b.getAttribute('aria-pressed'))).observe(b, { attributes: true, attributeFilter: ['aria-pressed'] });
  });
  await tabTo(page, 'vote-button', { within: `[data-testid="queue-item"][data-id="${suite.doomed}"]` });
  await page.keyboard.press('Space');
  await doomed.getByTestId('action-error').waitFor();
  assert.match(await doomed.getByTestId('action-error').textContent(), /answered/i);
  assert.equal(await doomed.getByTestId('vote-button').getAttribute('aria-pressed'), 'false');
  assert.equal(await doomed.getByTestId('votes').textContent(), '0');
  assert.deepEqual(await page.evaluate(() => window.pressedSeen), ['true', 'false'], 'shown pressed at once, then put back');
  hide = () => false;

  // Withdraw own question from Mine: Enter, and the confirmation has the focus; Enter again.
  await tabTo(page, 'tab-popular', { back: true });
  await page.keyboard.press('End');
  await focusOn(page, 'tab-mine');
  await tabTo(page, 'withdraw-button');
  await page.keyboard.press('Enter');
  await focusOn(page, 'withdraw-confirm');
  await page.keyboard.press('Escape');
  await focusOn(page, 'withdraw-button'); // Esc says no and gives the focus back
  await page.keyboard.press('Enter');
  await focusOn(page, 'withdraw-confirm');
  await page.keyboard.press('Enter');
  await page.locator(`[data-testid="my-question"][data-id="${myId}"][data-state="withdrawn"]`).waitFor();
  // Withdrawn at once on the page; it stays so once the server has answered (no longer busy).
  await page.locator(`[data-testid="my-question"][data-id="${myId}"]:not([aria-busy])`).waitFor();
  assert.equal(await page.locator(`[data-testid="my-question"][data-id="${myId}"]`).getAttribute('data-state'), 'withdrawn');
  await page.context().close();
  assert.deepEqual(problems, []);
});

// Presses j (next question) until question id is selected and has the focus: after each press,
// waits for the focus to move (however long the page takes), never presses on before it has.
async function selectWithJ(page, id) {
  const here = () => page.evaluate((x) => document.activeElement?.id === `item-${x}`, id);
  for (let i = 0; i < 12 && !(await here()); i += 1) {
    const from = await page.evaluate(() => document.activeElement?.id || '');
    await page.keyboard.press('j');
    const moved = await page.waitForFunction((f) => (document.activeElement?.id || '') !== f, from)
      .then(() => true, () => false);
    if (!moved) break;
  }
  if (await here()) return;
  assert.fail(`question ${id} never selected with j; the focus is on ${await active(page)}`);
}

test('a co-chair, by keyboard alone: shortcut list, approve, now answering, mark answered', async () => {
  const { srv, open, problems, other } = suite;
  const posted = await other.command({ type: 'question.post', text: 'Keyboard moderation: who chairs the drafting group?', lang: 'en' });
  assert.equal(posted.type, 'ack', JSON.stringify(posted));
  const id = posted.result.question.id;
  const page = await open(srv.links.cochair, 'co-chair', { viewport: LAPTOP });

  // "?" lists the shortcuts in a dialog; Esc closes it.
  await page.keyboard.press('?');
  const help = page.getByTestId('shortcut-help');
  await help.waitFor({ state: 'visible' });
  for (const k of ['a', 'r', 'n', 'd', 'j / ↓']) await help.locator('kbd', { hasText: k }).first().waitFor();
  await page.keyboard.press('Escape');
  await help.waitFor({ state: 'hidden' });

  const item = page.locator(`[id="item-${id}"]`);
  const pending = posted.result.question.state === 'pending';
  if (pending) {
    await selectWithJ(page, id);
    assert.ok((await focusShown(page)).ok, 'the selected question shows the focus');
    assert.equal(await item.getAttribute('aria-current'), 'true');
    await page.keyboard.press('a');
    await page.locator(`[data-testid="queue-item"][data-id="${id}"]`).waitFor();
  }
  // Select it in the live queue, set it as now answering: the console says it is on stage.
  await selectWithJ(page, id);
  assert.ok((await focusShown(page)).ok);
  await page.keyboard.press('n');
  await page.locator(`[data-testid="on-stage"] [data-testid="now-answering"][data-id="${id}"]`).waitFor();
  await page.keyboard.press('d');
  await page.locator(`[data-testid="answered-item"][data-id="${id}"]`).waitFor();
  await page.getByTestId('on-stage-idle').waitFor();
  // The selection moved on to the next live question: the focus is not lost.
  await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'queue-item');
  assert.ok((await focusShown(page)).ok);

  // The buttons work from the keyboard too: Tab on to Start (beside the queue), Enter starts
  // the clock.
  await tabTo(page, 'clock-start');
  await page.keyboard.press('Enter');
  await page.getByTestId('countdown').and(page.locator('[data-state="running"]')).waitFor();
  await page.context().close();
  assert.deepEqual(problems, []);
});

test('news is announced politely at a pace: a burst of approvals is one or two announcements, not one per question', async () => {
  const { srv, open, problems, chair } = suite;
  const page = await open(srv.links.participant, 'listener', { viewport: PHONE });
  const announcer = page.getByTestId('announcer');
  assert.equal(await announcer.getAttribute('aria-live'), 'polite');
  await announcer.evaluate((el) => {
    window.said = [];
    new MutationObserver(() => { if (el.textContent.trim()) window.said.push(el.textContent.trim()); })
      .observe(el, { childList: true, characterData: true, subtree: true });
  });
  // Six questions from three other people, approved in a burst.
  const ids = [];
  for (let i = 0; i < 3; i += 1) {
    const p = await srv.connect(srv.tokens.participant);
    for (const text of [`Burst question ${i}a: on data retention?`, `Burst question ${i}b: on mutual legal assistance?`]) {
      const r = await p.command({ type: 'question.post', text, lang: 'en' });
      assert.equal(r.type, 'ack', JSON.stringify(r));
      ids.push(r.result.question);
    }
    p.close();
  }
  // Approved one after another, 250 ms apart: more than the server's live window, so that each
  // reaches the page on its own; the page paces what it says (one announcement, then what came
  // in the next 2.5 s together). Sent on a schedule, not each after the last one's ack, so the
  // burst lasts no longer on a busy machine.
  const approvals = ids.map((q, i) => sleep(250 * i)
    .then(() => (q.state === 'pending' ? chair.command({ type: 'question.approve', question: q.id }) : { type: 'ack' })));
  for (const r of await Promise.all(approvals)) assert.equal(r.type, 'ack', JSON.stringify(r));
  const saidNow = () => page.evaluate(() => window.said);
  const counted = (said) => said.map((s) => Number((/(\d+) new questions/.exec(s) || [0, /A new question/.test(s) ? 1 : 0])[1])).reduce((a, b) => a + b, 0);
  await until(async () => counted(await saidNow()) >= ids.length, 'every approval announced', { every: 100 }).catch(() => {});
  const said = await saidNow();
  assert.ok(said.length >= 1 && said.length <= 2, `announced ${said.length} times: ${JSON.stringify(said)}`);
  const total = counted(said);
  assert.equal(total, ids.length, `every new question counted once: ${JSON.stringify(said)}`);
  // Vote counts are never announced: after a vote, one more approval is the next (and only)
  // thing said. (The page applies messages in order and says them in order.)
  const before = said.length;
  const voter = await srv.connect(srv.tokens.participant);
  assert.equal((await voter.command({ type: 'question.vote', question: ids[0].id })).type, 'ack');
  const last = (await voter.command({ type: 'question.post', text: 'After the vote: who drafts the report?', lang: 'en' })).result.question;
  if (last.state === 'pending') assert.equal((await chair.command({ type: 'question.approve', question: last.id })).type, 'ack');
  await until(async () => (await saidNow()).length > before, 'the last approval announced', { every: 100 }).catch(() => {});
  assert.deepEqual((await saidNow()).slice(before), ['A new question is in the queue.'], 'a vote was announced');
  voter.close();
  await page.context().close();
  assert.deepEqual(problems, []);
});
