// browser.mjs — real Chromium for the browser tests: Debian's /usr/bin/chromium driven by
// playwright-core, and pages watched for console errors, CSP violations and requests to any
// other origin (CHR-8).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { startServer } from './harness.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// Returns openPage(url, name, { viewport, drop, timezoneId, skewMs, locale }) for pages of srv in
// browser. Each page has its own browser context (its own storage: a different participant)
// and reports what goes wrong into `problems`. `drop(message)` true hides a server message from
// the page, to stage a race. `timezoneId` is the viewer's zone (default UTC); `skewMs` sets the
// page's clock that far from the real one before it loads; `locale` is the browser's language
// (default en-GB), from which the page picks its UI language. openPage resolves once the page's
// connection is live and, on a participant's page, the Chatham House Rule is accepted (unless
// `acceptRule` is false).
export function pageOpener(browser, srv, problems) {
  return async (url, name, { viewport = null, drop = null, timezoneId = 'UTC', skewMs = 0, locale = 'en-GB', acceptRule = true } = {}) => {
    const context = await browser.newContext({ locale, timezoneId, ...(viewport ? { viewport } : {}) });
    const page = await context.newPage();
    if (skewMs) await page.clock.setSystemTime(Date.now() + skewMs);
    const origin = new URL(srv.baseUrl).origin;
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`${name} console: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`${name} page error: ${e.message}`));
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.protocol.startsWith('http') && u.origin !== origin) problems.push(`${name} requested ${r.url()}`);
    });
    if (drop) {
      await page.routeWebSocket(/\/ws$/, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((m) => server.send(m));
        server.onMessage((m) => { if (!drop(JSON.parse(String(m)))) ws.send(m); });
      });
    }
    await page.goto(url);
    await page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor({ timeout: 10000 });
    await page.locator('.app:not(.role-none)').waitFor({ timeout: 10000 });
    if (acceptRule && await page.locator('.app.role-participant').count() && await page.getByTestId('rule-accept').count()) {
      await page.getByTestId('rule-accept').click();
      await page.getByTestId('question-form').waitFor({ timeout: 10000 });
    }
    return page;
  };
}

// For a test file: registers hooks that start a server (startServer(serverOpts)) and Chromium
// before its tests and stop both after them, and returns { srv, browser, open, problems }, filled
// in once the hooks have run. `setup(suite)` runs after both have started.
export function browserSuite(serverOpts = {}, setup = null) {
  const suite = { srv: null, browser: null, open: null, problems: [] };
  before(async () => {
    suite.srv = await startServer(serverOpts);
    suite.browser = await launchBrowser();
    suite.open = pageOpener(suite.browser, suite.srv, suite.problems);
    if (setup) await setup(suite);
  });
  after(async () => {
    await suite.browser?.close();
    await suite.srv?.stop();
  });
  return suite;
}

// Saves a screenshot of page as NAME.png in $SCREENSHOT_DIR (ctest sets it to
// build*/artifacts/screenshots), whole pages except the stage, which is one 1280x720 screen.
// Returns the file's path.
export async function screenshot(page, name, { fullPage = true } = {}) {
  const dir = process.env.SCREENSHOT_DIR || path.join(os.tmpdir(), 'roundtable-screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}
