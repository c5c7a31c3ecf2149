// The participant page across a server restart and an outage (PL-3, PL-4), in Chromium: it
// shows "Reconnecting…", comes back by itself without showing anything twice, and a question
// typed while the server is down is posted once, when it is back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSuite, screenshot } from '../lib/browser.mjs';

const suite = browserSuite();

// While the server is away the browser logs each failed WebSocket attempt: expected here.
const unexpected = () => suite.problems.filter((p) => !/WebSocket connection to .* failed/.test(p));

test('the page survives a restart and posts a question typed while the server was down, once', async () => {
  const { srv, open } = suite;
  const page = await open(srv.links.participant, 'participant');
  const chair = await srv.connect(srv.tokens.cochair);
  const before = await page.evaluate(() => document.querySelectorAll('[data-testid="my-question"]').length);
  assert.equal(before, 0);

  // A question before the restart, approved.
  await page.getByTestId('question-text').fill('Before the restart: who keeps the logs?');
  await page.getByTestId('question-submit').click();
  await page.getByTestId('my-question').waitFor();
  const posted = await chair.next((m) => m.type === 'question.posted');
  await chair.command({ type: 'question.approve', question: posted.question.id });
  await page.getByTestId('my-question').and(page.locator('[data-state="approved"]')).waitFor();

  // A graceful restart: 1001, reconnecting, live again, nothing doubled.
  await srv.restart();
  const badge = page.getByTestId('connection');
  await badge.and(page.locator('[data-state="live"]')).waitFor();
  assert.equal(await page.getByTestId('my-question').count(), 1);

  // The server goes away. The page says so, and keeps what is typed.
  srv.proc.kill('SIGKILL');
  await srv.exited;
  await badge.and(page.locator('[data-state="reconnecting"]')).waitFor();
  await screenshot(page, 'participant-reconnecting');
  await page.getByTestId('question-text').fill('Typed while offline: is encryption covered?');
  await page.getByTestId('question-submit').click();
  assert.match(await page.getByTestId('question-submit').textContent(), /Waiting for the connection/);

  await srv.start();
  await badge.and(page.locator('[data-state="live"]')).waitFor();
  const mine = page.getByTestId('my-question');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="my-question"]').length === 2);
  assert.equal(await page.getByTestId('question-text').inputValue(), '', 'the form cleared once it was acknowledged');
  const texts = await mine.locator('.text').allTextContents();
  assert.equal(texts.filter((t) => t.startsWith('Typed while offline')).length, 1);

  // Exactly once on the server too, also after another reconnection of the page. Whatever the
  // page had still to send went before a language chosen now (its own timers first, then its
  // socket in order), and the server has that choice once a co-chair hears the count move.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
  const listeners = await srv.connect(srv.tokens.cochair);
  await page.getByTestId('ui-language').selectOption('fr');
  await listeners.next((m) => m.type === 'presence.changed' && m.listeners.fr?.band === 'few');
  const check = await srv.connect(srv.tokens.cochair);
  assert.equal(check.snapshot.questions.filter((q) => q.text.startsWith('Typed while offline')).length, 1);
  assert.equal(check.snapshot.questions.length, 2);
  assert.deepEqual(unexpected(), []);
});
