// The first slice in real Chromium: a participant posts, a co-chair approves, the participant
// sees it approved, a second participant upvotes, and everyone sees the count live.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, pageOpener, screenshot } from '../lib/browser.mjs';
import { run, startServer } from '../lib/harness.mjs';

let srv;
let browser;
let openPage;
const problems = [];

before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  openPage = pageOpener(browser, srv, problems);
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('post, approve and upvote live across pages', async () => {
  const alice = await openPage(srv.links.participant, 'participant A');
  const chair = await openPage(srv.links.cochair, 'co-chair');
  const text = 'سؤال about Article 24 (A/RES/74/247)?';

  await alice.getByTestId('question-text').fill(text);
  await alice.getByTestId('question-lang').selectOption('ar');
  await alice.getByTestId('question-submit').click();
  const mine = alice.getByTestId('my-question');
  await mine.and(alice.locator('[data-state="pending"]')).waitFor();
  assert.equal(await mine.locator('.text').textContent(), text);
  assert.equal(await mine.locator('.text').getAttribute('dir'), 'auto');
  assert.equal(await alice.getByTestId('question-text').inputValue(), '', 'the form clears after the ack');

  const incoming = chair.getByTestId('incoming-item');
  await incoming.waitFor();
  assert.equal(await incoming.locator('.text').textContent(), text);
  await incoming.getByTestId('approve-button').click();
  await chair.getByTestId('queue-item').waitFor();
  assert.equal(await chair.getByTestId('incoming-item').count(), 0);

  await mine.and(alice.locator('[data-state="approved"]')).waitFor();
  // Posting switched A to the Mine tab; the live queue is under Popular.
  await alice.getByTestId('tab-popular').click();
  const aliceItem = alice.getByTestId('queue-item');
  await aliceItem.waitFor();
  assert.ok(await aliceItem.getByTestId('vote-button').isDisabled(), 'own question cannot be upvoted');

  const bob = await openPage(srv.links.participant, 'participant B');
  const bobItem = bob.getByTestId('queue-item');
  await bobItem.waitFor();
  assert.equal(await bob.getByTestId('my-question').count(), 0, 'B has no questions of its own');
  await bobItem.getByTestId('vote-button').click();
  await bobItem.getByTestId('vote-button').and(bob.locator('[aria-pressed="true"]')).waitFor();

  for (const [page, name] of [[alice, 'participant A'], [chair, 'co-chair'], [bob, 'participant B']]) {
    await page.getByTestId('queue-item').getByTestId('votes').filter({ hasText: /^1$/ }).waitFor()
      .catch(() => assert.fail(`${name} did not see the vote`));
  }

  // The stage (a read-only role) shows the approved question with its count, and no controls.
  const stage = await openPage(srv.links.stage, 'stage');
  await stage.getByTestId('queue-item').getByTestId('votes').filter({ hasText: /^1$/ }).waitFor();
  assert.equal(await stage.getByTestId('vote-button').count(), 0);
  assert.equal(await stage.getByTestId('question-form').count(), 0);

  // After a reload B still sees its upvote, and A its own question.
  await bob.reload();
  await bob.getByTestId('queue-item').getByTestId('vote-button').and(bob.locator('[aria-pressed="true"]'))
    .waitFor();
  await alice.reload();
  await alice.getByTestId('tab-mine').click();
  await alice.getByTestId('my-question').and(alice.locator('[data-state="approved"]')).waitFor();

  // Taking the vote back updates everyone.
  await bob.getByTestId('vote-button').click();
  await chair.getByTestId('votes').filter({ hasText: /^0$/ }).waitFor();

  // Whitespace cannot be sent; a text the server refuses (only a bidi control) is shown
  // refused with its localised reason, and the text stays for the participant to fix.
  await alice.getByTestId('question-text').fill('   ');
  assert.ok(await alice.getByTestId('question-submit').isDisabled(), 'whitespace cannot be sent');
  await alice.getByTestId('question-text').fill('\u202e');
  await alice.getByTestId('question-submit').click();
  await alice.getByTestId('action-error').filter({ hasText: 'Write a question first.' }).waitFor();
  assert.equal(await alice.getByTestId('question-text').inputValue(), '\u202e');
  await screenshot(alice, 'qa-flow-participant');
  await screenshot(chair, 'qa-flow-cochair');

  assert.deepEqual(problems, []);
});

test('a page without a token explains itself', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(srv.baseUrl);
  await page.getByText('This page opens from a Roundtable link').waitFor();
  const refused = await context.newPage();
  await refused.goto(srv.baseUrl + '#AAAAAAAAAAAAAAAAAAAAAA');
  await refused.getByTestId('connection').and(refused.locator('[data-state="refused"]')).waitFor();
  await context.close();
});

test('a link revoked while its page is open: the page says so at once and stops trying', async () => {
  const page = await openPage(srv.links.invitations[1], 'invited participant');
  await page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor();
  let sockets = 0;
  page.on('websocket', () => { sockets += 1; });
  const r = await run(['links', srv.consultation, '--data', srv.dataDir, '--revoke', 'invitation', '--label', 'invitation 2']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /connections closed: 1/);
  await page.getByTestId('connection').and(page.locator('[data-state="refused"]')).waitFor();
  await screenshot(page, 'participant-link-revoked');
  // No reconnection: a revoked link will not work again. Measured on the page's own clock: any
  // retry it had scheduled (its backoff starts at half a second) is due before this timer.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 2500)));
  assert.equal(sockets, 0);
});
