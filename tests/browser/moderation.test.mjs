// Moderated Q&A end to end in real Chromium: a closed segment, the co-chair moving the agenda
// on, two near-duplicate questions approved (one by keyboard), upvotes from three
// participants, a merge whose count is the union of voters, an edit, a pin, "now answering" on
// the stage (with the join QR code) and on a phone-sized participant page, a second co-chair
// whose action the first one's made moot, marking answered, and a withdrawal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launchBrowser, pageOpener, screenshot } from '../lib/browser.mjs';
import { startServer, demoAgenda, repo } from '../lib/harness.mjs';

const PHONE = { width: 360, height: 740 };
const LAPTOP = { width: 1280, height: 800 };
const STAGE = { width: 1280, height: 720 };

let srv;
let browser;
let open;
const problems = [];

before(async () => {
  // The demo agenda as it is: its first segment is closed for questions, pre-moderation on.
  srv = await startServer({ agenda: demoAgenda });
  browser = await launchBrowser();
  open = pageOpener(browser, srv, problems);
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

function openPage(url, name, viewport, opts = {}) {
  return open(url, name, { viewport, ...opts });
}

const item = (page, testid, id) => page.locator(`[data-testid="${testid}"][data-id="${id}"]`);
// An action from a question's "More" menu in the co-chairs' compact toolbar.
async function fromMenu(page, testid, id, action) {
  await item(page, testid, id).getByTestId('more-button').click();
  await item(page, testid, id).getByTestId(action).click();
}

async function noSideScroll(page, name) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, width: window.innerWidth,
  }));
  assert.ok(scroll <= PHONE.width && scroll <= width, `${name} scrolls sideways: ${scroll}px wide at ${width}px`);
}

const shot = (page, name) => screenshot(page, name, { fullPage: !name.startsWith('stage') });

async function post(page, text, lang = 'en') {
  await page.getByTestId('question-text').fill(text);
  await page.getByTestId('question-lang').selectOption(lang);
  await page.getByTestId('question-submit').click();
  const mine = page.getByTestId('my-question').filter({ hasText: text });
  await mine.waitFor();
  return Number(await mine.getAttribute('data-id'));
}

async function votes(page, testid, id, n, name) {
  await item(page, testid, id).getByTestId('votes').filter({ hasText: new RegExp(`^${n}$`) })
    .waitFor()
    .catch(() => assert.fail(`${name} did not see ${n} votes on question ${id}`));
}

test('moderated Q&A: closed segment, approve, merge, now answering on stage, answered', async () => {
  const textA = 'How will the treaty protect journalists who investigate cybercrime?';
  const textB = 'What protection will journalists investigating cybercrime get under the treaty?';
  const edited = 'How will the treaty protect journalists who investigate cybercrime? [name removed]';

  // A phone: questions are closed during the opening, and the page says so.
  const alice = await openPage(srv.links.participant, 'participant A', PHONE);
  await alice.getByTestId('queue-closed').waitFor();
  assert.ok(await alice.getByTestId('question-submit').isDisabled(), 'no posting while closed');
  await noSideScroll(alice, 'participant A (closed)');

  // The co-chair makes the panel (segment 1, open for questions) current.
  const chair = await openPage(srv.links.cochair, 'co-chair', LAPTOP);
  // A second co-chair, whose page does not hear of merges: it will act on a stale view.
  const chair2 = await openPage(srv.links.cochair, 'co-chair 2', LAPTOP, { drop: (m) => m.type === 'question.merged' });
  await chair.locator('[data-testid="segment-tab"][data-segment="1"]').click();
  await chair.getByTestId('goto-segment').click();
  await chair.locator('[data-testid="segment-tab"][data-segment="1"][data-current="true"]').waitFor();
  await chair2.locator('[data-testid="segment-tab"][data-segment="1"][data-current="true"]').waitFor();
  await alice.getByTestId('queue-closed').waitFor({ state: 'detached' });
  await chair.locator('[data-testid="segment-tab"][data-segment="all"]').click();

  // Two near-duplicates, awaiting moderation.
  const idA = await post(alice, textA);
  assert.equal(await item(alice, 'my-question', idA).getAttribute('data-state'), 'pending');
  const bob = await openPage(srv.links.participant, 'participant B', PHONE);
  const idB = await post(bob, textB);
  await item(chair, 'incoming-item', idA).waitFor();
  await item(chair, 'incoming-item', idB).waitFor();

  // Approve the first by keyboard (j selects, a approves), the second by its button.
  await chair.keyboard.press('j');
  await chair.locator(`[data-testid="incoming-item"][data-id="${idA}"][aria-current="true"]`).waitFor();
  await chair.keyboard.press('a');
  await item(chair, 'queue-item', idA).waitFor();
  await item(chair, 'incoming-item', idB).getByTestId('approve-button').click();
  await item(chair, 'queue-item', idB).waitFor();
  // The other co-chair saw both approvals live.
  await item(chair2, 'queue-item', idA).waitFor();
  await item(chair2, 'queue-item', idB).waitFor();
  assert.equal(await chair2.getByTestId('incoming-item').count(), 0);
  await item(alice, 'my-question', idA).and(alice.locator('[data-state="approved"]')).waitFor();

  // Upvotes: C both, B A's, A B's. Each question has 2 voters; together 3 people, of whom A
  // wrote the question the other is merged into.
  const carol = await openPage(srv.links.participant, 'participant C', PHONE);
  for (const id of [idA, idB]) {
    await item(carol, 'queue-item', id).getByTestId('vote-button').click();
    await item(carol, 'queue-item', id).getByTestId('vote-button').and(carol.locator('[aria-pressed="true"]')).waitFor();
  }
  await bob.getByTestId('tab-popular').click();
  await item(bob, 'queue-item', idA).getByTestId('vote-button').click();
  await alice.getByTestId('tab-popular').click();
  assert.ok(await item(alice, 'queue-item', idA).getByTestId('vote-button').isDisabled(), 'own question cannot be upvoted');
  await item(alice, 'queue-item', idB).getByTestId('vote-button').click();
  await votes(chair, 'queue-item', idA, 2, 'co-chair');
  await votes(chair, 'queue-item', idB, 2, 'co-chair');

  // Merge B's into A's: the union of voters is {B, C} (A wrote it): 2, not 4.
  await fromMenu(chair, 'queue-item', idB, 'merge-button');
  await item(chair, 'queue-item', idB).getByTestId('merge-target').selectOption(String(idA));
  await item(chair, 'queue-item', idB).getByTestId('merge-confirm').click();
  await item(chair, 'merged-item', idB).waitFor({ state: 'attached' });
  await item(chair, 'queue-item', idB).waitFor({ state: 'detached' });
  await votes(chair, 'queue-item', idA, 2, 'co-chair after the merge');
  await votes(carol, 'queue-item', idA, 2, 'participant C after the merge');
  await item(carol, 'queue-item', idB).waitFor({ state: 'detached' });
  assert.equal(await item(carol, 'queue-item', idA).getByTestId('vote-button').getAttribute('aria-pressed'), 'true');
  await bob.getByTestId('tab-mine').click();
  const bobsMerged = item(bob, 'my-question', idB).and(bob.locator('[data-state="merged"]'));
  await bobsMerged.waitFor();
  assert.match(await bobsMerged.textContent(), new RegExp(`Merged into Question ${idA}`));

  // The second co-chair, not having heard of a merge, approves the merged question: the
  // server refuses, and the console says why.
  const textB2 = 'Will journalists be protected by the treaty when investigating cybercrime?';
  const idB2 = await post(bob, textB2);
  await item(chair, 'incoming-item', idB2).waitFor();
  await item(chair2, 'incoming-item', idB2).waitFor();
  await fromMenu(chair, 'incoming-item', idB2, 'merge-button');
  await item(chair, 'incoming-item', idB2).getByTestId('merge-target').selectOption(String(idA));
  await item(chair, 'incoming-item', idB2).getByTestId('merge-confirm').click();
  await item(chair, 'merged-item', idB2).waitFor({ state: 'attached' });
  await item(chair2, 'incoming-item', idB2).getByTestId('approve-button').click();
  await item(chair2, 'incoming-item', idB2).getByTestId('action-error')
    .filter({ hasText: `Another co-chair already merged this into Question ${idA}.` }).waitFor();

  // Edit (to strip a name), pin, then answer it now.
  await fromMenu(chair, 'queue-item', idA, 'edit-button');
  await item(chair, 'queue-item', idA).getByTestId('edit-text').fill(edited);
  await item(chair, 'queue-item', idA).getByTestId('edit-save').click();
  await item(carol, 'queue-item', idA).getByTestId('edited-mark').waitFor();
  assert.equal(await item(carol, 'queue-item', idA).locator('.text').textContent(), edited);
  await item(chair, 'queue-item', idA).getByTestId('pin-button').click();
  await item(carol, 'queue-item', idA).getByTestId('pinned-mark').waitFor();
  await item(chair, 'queue-item', idA).getByTestId('answer-now-button').click();
  await chair.getByTestId('now-answering').and(chair.locator(`[data-id="${idA}"]`)).waitFor();

  // The stage, as shared into Zoom.
  const stage = await openPage(srv.links.stage, 'stage', STAGE);
  const current = stage.getByTestId('stage-current');
  await current.waitFor();
  assert.equal(await current.locator('.stage-text').textContent(), edited);
  assert.equal(await current.locator('.stage-text').getAttribute('dir'), 'auto');
  const joinCode = srv.links.stage.split('.').at(-1);
  const joinUrl = `${srv.baseUrl}j/${joinCode.slice(0, 4)}-${joinCode.slice(4)}`;
  assert.equal(await stage.getByTestId('join-link').textContent(), joinUrl.replace(/^https?:\/\//, ''));
  const qr = stage.getByTestId('join-qr');
  assert.equal(await qr.evaluate((el) => el.tagName.toLowerCase()), 'svg');
  // The code is the short join address's: the same modules as the library draws for that URL.
  const { default: qrcode } = await import(path.join(repo, 'node_modules', 'qrcode-generator', 'dist', 'qrcode.mjs'));
  const expected = qrcode(0, 'M');
  expected.addData(joinUrl);
  expected.make();
  let dark = 0;
  for (let r = 0; r < expected.getModuleCount(); r += 1) {
    for (let c = 0; c < expected.getModuleCount(); c += 1) if (expected.isDark(r, c)) dark += 1;
  }
  const drawn = await qr.locator('path').getAttribute('d');
  assert.equal(drawn.split('M').length - 1, dark, 'one square per dark module');
  const box = await qr.boundingBox();
  assert.ok(box.width >= 150 && box.y + box.height <= STAGE.height, `QR code legible and on screen: ${JSON.stringify(box)}`);
  const fontSize = await current.locator('.stage-text').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(fontSize >= 40, `stage text is large (${fontSize}px)`);
  const stageScroll = await stage.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(stageScroll <= STAGE.height, `the stage fits 1280×720 without scrolling (${stageScroll}px high)`);

  // Participants see it too, highlighted on top.
  for (const [page, name] of [[alice, 'participant A'], [carol, 'participant C']]) {
    await page.getByTestId('now-answering').filter({ hasText: edited }).waitFor()
      .catch(() => assert.fail(`${name} does not see "now answering"`));
    await page.getByTestId('now-answering').getByTestId('edited-mark').waitFor();
  }
  await noSideScroll(alice, 'participant A (now answering)');
  await noSideScroll(carol, 'participant C (now answering)');

  // The shortcut list opens with ? and closes with Escape.
  await chair.locator('h2#queue-heading').click();
  await chair.keyboard.press('?');
  await chair.getByTestId('shortcut-help').waitFor();
  assert.match(await chair.getByTestId('shortcut-help').textContent(), /Mark answered/);
  await chair.keyboard.press('Escape');
  await chair.getByTestId('shortcut-help').waitFor({ state: 'hidden' });

  console.log(`screenshots: ${await shot(alice, 'participant-360')}, ${await shot(chair, 'cochair')}, ${await shot(stage, 'stage')}`);

  // Answered: off the stage, into the answered lists, and the author's own list says so.
  await chair.getByTestId('now-answering').getByTestId('answer-button').click();
  await stage.getByTestId('stage-idle').waitFor();
  await alice.getByTestId('now-answering').waitFor({ state: 'detached' });
  await item(alice, 'answered-item', idA).waitFor({ state: 'attached' });
  await item(chair, 'answered-item', idA).getByTestId('reopen-button').waitFor();
  await alice.getByTestId('tab-mine').click();
  await item(alice, 'my-question', idA).and(alice.locator('[data-state="answered"]')).waitFor();
  assert.equal(await item(alice, 'my-question', idA).getByTestId('withdraw-button').count(), 0, 'answered: no withdrawal');

  // A withdraws a new question, after confirming.
  const idW = await post(alice, 'A question I will take back');
  await item(alice, 'my-question', idW).getByTestId('withdraw-button').click();
  await item(alice, 'my-question', idW).getByTestId('withdraw-confirm').click();
  await item(alice, 'my-question', idW).and(alice.locator('[data-state="withdrawn"]')).waitFor();
  await item(chair, 'withdrawn-item', idW).waitFor({ state: 'attached' });
  await item(chair, 'incoming-item', idW).waitFor({ state: 'detached' });
  await noSideScroll(alice, 'participant A (mine)');

  // The co-chair closes the segment: the participant's form says so at once.
  await chair.getByTestId('segment-questions-toggle').click();
  await alice.getByTestId('queue-closed').waitFor();
  await carol.getByTestId('queue-closed').waitFor();
  await noSideScroll(carol, 'participant C (closed)');

  assert.deepEqual(problems, []);
});
