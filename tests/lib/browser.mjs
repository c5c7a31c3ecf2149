// browser.mjs — real Chromium for the browser tests: Debian's /usr/bin/chromium driven by
// playwright-core, and pages watched for console errors, CSP violations and requests to any
// other origin (CHR-8).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { startServer, repo, TIMEOUT_MS } from './harness.mjs';

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
// `acceptRule` is false). `colorScheme` ('light' | 'dark') and `reducedMotion` ('reduce' |
// 'no-preference') are the browser's media preferences. Every wait on the page (a locator's
// waitFor, waitForFunction, a click's own wait) has the tests' generous deadline, TIMEOUT_MS:
// a test says what it waits for, never how long.
export function pageOpener(browser, srv, problems) {
  return async (url, name, {
    viewport = null, drop = null, timezoneId = 'UTC', skewMs = 0, locale = 'en-GB', acceptRule = true,
    colorScheme = 'light', reducedMotion = 'no-preference',
  } = {}) => {
    const context = await browser.newContext({ locale, timezoneId, colorScheme, reducedMotion, ...(viewport ? { viewport } : {}) });
    context.setDefaultTimeout(TIMEOUT_MS);
    context.setDefaultNavigationTimeout(TIMEOUT_MS);
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
    // Every page says its connection on its root (the stage shows no connection badge), and
    // when its role's view (imported once the role is known) is on the page.
    await page.locator('.app[data-connection="live"][data-view="ready"]:not(.role-none)').waitFor();
    if (acceptRule && await page.locator('.app.role-participant').count() && await page.getByTestId('rule-accept').count()) {
      await page.getByTestId('rule-accept').click();
      await page.getByTestId('question-form').waitFor();
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

// Resolves once the page has drawn two frames since the call: what a change of style or size
// set off (layout, a re-render on resize) has been applied. Never a fixed wait.
export function rendered(page) {
  return page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
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

// --- accessibility: axe-core, injected by the test (never served to users) ----------------------

const AXE_SOURCE = fs.readFileSync(path.join(repo, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// Runs axe-core on the page as it is now, against WCAG 2.1 A and AA. Evaluated through the
// DevTools protocol, which the page's CSP (no inline script) does not govern. Returns the
// serious and critical violations, each as readable lines: rule, impact, help, and the elements
// with what is wrong with each.
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate((tags) => window.axe.run(document, {
    runOnly: { type: 'tag', values: tags },
    resultTypes: ['violations'],
  }), AXE_TAGS);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => [`${v.id} (${v.impact}): ${v.help}`,
      ...v.nodes.slice(0, 6).map((n) => `    ${n.target.join(' ')}\n      ${(n.failureSummary || '').replace(/\n/g, '\n      ')}`),
      ...(v.nodes.length > 6 ? [`    … and ${v.nodes.length - 6} more`] : [])].join('\n'));
}

// Whether the element that has the focus shows it: an outline or box-shadow that is drawn.
export function focusShown(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { ok: false, what: 'nothing focused' };
    const cs = getComputedStyle(el);
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
    const shadow = cs.boxShadow && cs.boxShadow !== 'none';
    const what = `${el.tagName.toLowerCase()}${el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : ''} "${(el.textContent || '').trim().slice(0, 40)}"`;
    return { ok: Boolean(outline || shadow) && el.matches(':focus-visible'), what };
  });
}
