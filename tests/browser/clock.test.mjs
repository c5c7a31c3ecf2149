// The agenda clock in real Chromium: planned times in the event's zone and the viewer's before
// the start; the countdown on the participant (a phone in Paris whose clock is 90 s fast), the
// co-chair and the stage pages agreeing within a second; shortening into the warning, pausing,
// resuming, overrunning, moving on and back; the planned-versus-actual table; and a second
// co-chair whose stale view is told why the clock refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, pageOpener, screenshot } from '../lib/browser.mjs';
import { startServer, demoAgenda } from '../lib/harness.mjs';

const PHONE = { width: 360, height: 740 };
const LAPTOP = { width: 1280, height: 800 };
const STAGE = { width: 1280, height: 720 };

// The engagement session on its real date, its opening cut to three minutes so that a two-minute
// warning is one "−1" away.
const agenda = {
  ...demoAgenda,
  date: '2021-10-12',
  clock: { warning_minutes: 2, close_questions_minutes: 0 },
  segments: demoAgenda.segments.map((s, i) => (i === 0 ? { ...s, duration: 3 } : s)),
};

let srv;
let browser;
let open;
const problems = [];

before(async () => {
  srv = await startServer({ agenda });
  browser = await launchBrowser();
  open = pageOpener(browser, srv, problems);
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

// Seconds a countdown shows: positive left, negative in overrun.
function seconds(text) {
  const m = /^(\+?)(?:(\d+):)?(\d+):(\d\d)$/.exec(text.trim());
  assert.ok(m, `"${text}" is a countdown`);
  const s = Number(m[2] || 0) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  return m[1] ? -s : s;
}

const countdown = (page) => page.getByTestId('countdown');

async function waitState(pages, state, phase = null) {
  for (const [name, page] of Object.entries(pages)) {
    const sel = `[data-testid="countdown"][data-state="${state}"]${phase ? `[data-phase="${phase}"]` : ''}`;
    await page.locator(sel).waitFor({ timeout: 5000 })
      .catch(async () => assert.fail(`${name}: countdown is ${await countdown(page).getAttribute('data-state')}/${await countdown(page).getAttribute('data-phase')}, not ${state}/${phase}`));
  }
}

// Reads every page's countdown as close to the same instant as the pages allow.
async function readAll(pages) {
  const texts = await Promise.all(Object.values(pages).map((p) => p.getByTestId('countdown-time').textContent()));
  return Object.fromEntries(Object.keys(pages).map((k, i) => [k, seconds(texts[i])]));
}

function agree(values, near = null) {
  const all = Object.values(values);
  const spread = Math.max(...all) - Math.min(...all);
  assert.ok(spread <= 1, `countdowns agree within a second: ${JSON.stringify(values)}`);
  if (near !== null) assert.ok(all.every((v) => Math.abs(v - near) <= 3), `countdowns near ${near}: ${JSON.stringify(values)}`);
}

test('countdown, warning, pause, overrun and the agenda on the participant, co-chair and stage pages', async () => {
  const participant = await open(srv.links.participant, 'participant', { viewport: PHONE, timezoneId: 'Europe/Paris', skewMs: 90000 });
  const chair = await open(srv.links.cochair, 'co-chair', { viewport: LAPTOP, timezoneId: 'Europe/London' });
  const stage = await open(srv.links.stage, 'stage', { viewport: STAGE, timezoneId: 'America/New_York', skewMs: -90000 });
  const chair2 = await open(srv.links.cochair, 'co-chair 2', { viewport: LAPTOP, drop: (m) => m.type === 'agenda.clock' });
  const pages = { participant, chair, stage };
  const skew = await participant.evaluate(() => Date.now()) - Date.now();
  assert.ok(Math.abs(skew - 90000) < 2000, `the participant's clock is 90 s fast (${skew} ms)`);

  // Before the start: the planned time in London and, for the viewer in Paris, in Paris.
  await waitState(pages, 'idle');
  assert.equal(await participant.getByTestId('countdown').getByTestId('planned-event').textContent(), '11:30 BST');
  assert.equal(await participant.getByTestId('countdown').getByTestId('planned-viewer').textContent(), '12:30 CEST');
  // The co-chair in London sees one zone only; the agenda table lists every segment.
  assert.equal(await chair.getByTestId('clock-panel').getByTestId('planned-viewer').count(), 0);
  const rows = chair.getByTestId('agenda-row');
  assert.equal(await rows.count(), agenda.segments.length);
  assert.equal(await rows.nth(2).getByTestId('planned-event').textContent(), '12:20 BST');
  assert.equal(await rows.nth(0).getByTestId('actual-start').textContent(), '\u2014');
  // The participant's agenda shows every segment in both zones.
  await participant.getByTestId('agenda').locator('summary').click();
  assert.equal(await participant.getByTestId('agenda-item').count(), agenda.segments.length);
  assert.match(await participant.getByTestId('agenda-item').nth(3).textContent(), /12:50 BST \/ 13:50 CEST/);
  await screenshot(participant, 'clock-participant-idle');

  // Start: three minutes on every page, whatever each browser's own clock says.
  await chair.getByTestId('clock-start').click();
  await waitState(pages, 'running', 'normal');
  await waitState({ chair2 }, 'idle'); // it never heard the clock start
  agree(await readAll(pages), 180);
  await chair.getByTestId('clock-pause').waitFor();

  // The second co-chair's stale page offers Start; the server says why not, in words.
  await chair2.getByTestId('clock-start').click();
  await chair2.getByTestId('clock-panel').getByTestId('action-error').filter({ hasText: 'The clock is already running.' })
    .waitFor({ timeout: 5000 });

  // Shortening by a minute brings the warning (two minutes left) to every page.
  await chair.locator('[data-testid="clock-adjust"][data-minutes="-1"]').click();
  await waitState(pages, 'running', 'warning');
  agree(await readAll(pages), 120);
  assert.match(await chair.getByTestId('clock-allotted').textContent(), /2 min allotted \(planned 3\)/);
  assert.equal(await countdown(participant).locator('.countdown-label').textContent(), 'Ending soon');
  await participant.getByTestId('countdown-announcer').filter({ hasText: '2 minutes or less left' }).waitFor({ timeout: 3000 });
  await screenshot(participant, 'clock-participant-warning');

  // Paused, nothing moves.
  await chair.getByTestId('clock-pause').click();
  await waitState(pages, 'paused');
  const held = await readAll(pages);
  agree(held);
  await new Promise((r) => setTimeout(r, 1600));
  assert.deepEqual(await readAll(pages), held, 'a paused countdown stands still');

  // Extending while paused, then resuming: five more minutes, normal again.
  await chair.locator('[data-testid="clock-adjust"][data-minutes="5"]').click();
  await chair.getByTestId('clock-allotted').filter({ hasText: '7 min allotted' }).waitFor({ timeout: 5000 });
  await waitState(pages, 'paused', 'normal');
  await chair.getByTestId('clock-resume').click();
  await waitState(pages, 'running', 'normal');
  agree(await readAll(pages), held.chair + 300);

  // Each page's clock jumps eight minutes on (as after a laptop sleeps): the overrun counter.
  for (const p of Object.values(pages)) await p.clock.setSystemTime(await p.evaluate(() => Date.now()) + 8 * 60000);
  await waitState(pages, 'running', 'overrun');
  const over = await readAll(pages);
  agree(over);
  assert.ok(over.chair < -30, `in overrun: ${JSON.stringify(over)}`);
  assert.match(await countdown(stage).textContent(), /Over time\s*\+\d+:\d\d/);
  await screenshot(stage, 'clock-stage-overrun', { fullPage: false });

  // The clocks come back; next segment: the panel's own 35 minutes, and the opening keeps what
  // it ran for in the table.
  for (const p of Object.values(pages)) await p.clock.setSystemTime(await p.evaluate(() => Date.now()) - 8 * 60000);
  await waitState(pages, 'running', 'normal');
  await chair.getByTestId('clock-next').click();
  await stage.locator('[data-testid="countdown"][data-segment="1"]').waitFor({ timeout: 5000 });
  await waitState(pages, 'running', 'normal');
  agree(await readAll(pages), 35 * 60);
  const row0 = chair.locator('[data-testid="agenda-row"][data-segment="0"]');
  assert.match(await row0.getByTestId('actual-event').textContent(), /^\d\d:\d\d \S+$/);
  assert.equal(await chair.locator('[data-testid="agenda-row"][data-segment="1"]').getByTestId('difference').textContent(), 'In progress');
  const ran = seconds(await row0.getByTestId('actual-duration').textContent());
  assert.ok(ran >= 1 && ran < 120, `the opening ran ${ran} s`);
  // Shorter than its three planned minutes: the difference is negative.
  assert.match(await row0.getByTestId('difference').textContent(), /^\u2212\d+:\d\d$/);
  assert.equal(await chair.locator('[data-testid="agenda-row"][data-segment="1"][aria-current="step"]').count(), 1);
  assert.equal(await chair.locator('[data-testid="agenda-row"][data-segment="2"]').getByTestId('actual-start').textContent(), '\u2014');
  await screenshot(chair, 'clock-cochair');

  // Back to the opening: it resumes its own elapsed time rather than starting again.
  await chair.getByTestId('clock-back').click();
  await stage.locator('[data-testid="countdown"][data-segment="0"]').waitFor({ timeout: 5000 });
  await waitState(pages, 'running', 'normal');
  const again = await readAll(pages);
  agree(again);
  assert.ok(again.chair <= 7 * 60 - ran, `the opening goes on from ${7 * 60 - ran} s, not 7:00: ${JSON.stringify(again)}`);

  assert.deepEqual(problems, []);
});
