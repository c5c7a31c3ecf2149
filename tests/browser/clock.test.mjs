// The agenda clock in real Chromium: planned times in the event's zone and the viewer's before
// the start; the countdown on the participant (a phone in Paris whose clock is 90 s fast), the
// co-chair and the stage pages agreeing within a second; shortening into the warning, pausing,
// resuming, overrunning, moving on and back; the planned-versus-actual table; and a second
// co-chair whose stale view is told why the clock refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, pageOpener, screenshot } from '../lib/browser.mjs';
import { startServer, demoAgenda, sleep } from '../lib/harness.mjs';

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
    await page.locator(sel).waitFor()
      .catch(async () => assert.fail(`${name}: countdown is ${await countdown(page).getAttribute('data-state')}/${await countdown(page).getAttribute('data-phase')}, not ${state}/${phase}`));
  }
}

// Reads every page's countdown as close to the same instant as the pages allow: a few tries
// for reads that all fall within a quarter of a second. The result's `span` (not enumerable)
// is how far apart the reads were, in ms: on a busy machine, a countdown may move meanwhile.
async function readAll(pages) {
  let best = null;
  for (let i = 0; i < 5 && !(best && best.span < 250); i++) {
    const t0 = Date.now();
    const texts = await Promise.all(Object.values(pages).map((p) => p.getByTestId('countdown-time').textContent()));
    const span = Date.now() - t0;
    if (!best || span < best.span) best = { texts, span };
  }
  const values = Object.fromEntries(Object.keys(pages).map((k, i) => [k, seconds(best.texts[i])]));
  return Object.defineProperty(values, 'span', { value: best.span, enumerable: false });
}

// The countdowns agree within a second (and a second more per second the reads took); with
// `near`, they show about that many seconds: at most a second more, and at most a second less
// than it less the time since `since` (Date.now() before the action that set them going).
function agree(values, near = null, since = null) {
  const all = Object.values(values);
  const spread = Math.max(...all) - Math.min(...all);
  assert.ok(spread <= 1 + Math.ceil(values.span / 1000), `countdowns agree within a second: ${JSON.stringify(values)} (read within ${values.span} ms)`);
  if (near !== null) {
    const ran = Math.ceil((Date.now() - since) / 1000);
    assert.ok(all.every((v) => v <= near + 1 && v >= near - ran - 1), `countdowns near ${near}, ${ran} s on: ${JSON.stringify(values)}`);
  }
}

test('countdown, warning, pause, overrun and the agenda on the participant, co-chair and stage pages', async () => {
  const opening = Date.now();
  const participant = await open(srv.links.participant, 'participant', { viewport: PHONE, timezoneId: 'Europe/Paris', skewMs: 90000 });
  const opened = Date.now();
  const chair = await open(srv.links.cochair, 'co-chair', { viewport: LAPTOP, timezoneId: 'Europe/London' });
  const stage = await open(srv.links.stage, 'stage', { viewport: STAGE, timezoneId: 'America/New_York', skewMs: -90000 });
  const chair2 = await open(srv.links.cochair, 'co-chair 2', { viewport: LAPTOP, drop: (m) => m.type === 'agenda.clock' });
  const pages = { participant, chair, stage };
  // Set 90 s ahead as the page was made; its clock may have lost what the opening took (2 s, or
  // longer on a busy machine), never gained.
  const asked = Date.now();
  const theirs = await participant.evaluate(() => Date.now());
  const answered = Date.now();
  const lost = Math.max(2000, opened - opening);
  assert.ok(theirs - 90000 > asked - lost && theirs - 90000 < answered + 2000,
    `the participant's clock is 90 s fast (${theirs - asked} ms ahead, asked in ${answered - asked} ms, opened in ${opened - opening} ms)`);

  // Before the start: the planned time in London and, for the viewer in Paris, in Paris; the
  // agenda's day (12 October 2021) is not today, so each says it (AG-5).
  await waitState(pages, 'idle');
  assert.equal(await participant.getByTestId('countdown').getByTestId('planned-event').textContent(), 'Tue 12 Oct 11:30 BST');
  assert.equal(await participant.getByTestId('countdown').getByTestId('planned-viewer').textContent(), 'Tue 12 Oct 12:30 CEST');
  // The co-chair in London sees one zone only; the agenda table lists every segment.
  assert.equal(await chair.getByTestId('clock-panel').getByTestId('planned-viewer').count(), 0);
  const rows = chair.getByTestId('agenda-row');
  assert.equal(await rows.count(), agenda.segments.length);
  assert.equal(await rows.nth(2).getByTestId('planned-event').textContent(), 'Tue 12 Oct 12:20 BST');
  assert.equal(await rows.nth(0).getByTestId('actual-start').textContent(), '\u2014');
  // The participant's agenda shows every segment in both zones.
  await participant.getByTestId('agenda').locator('summary').click();
  assert.equal(await participant.getByTestId('agenda-item').count(), agenda.segments.length);
  assert.match(await participant.getByTestId('agenda-item').nth(3).textContent(), /12:50 BST \/ Tue 12 Oct 13:50 CEST/);
  await screenshot(participant, 'clock-participant-idle');

  // Start: three minutes on every page, whatever each browser's own clock says.
  const started = Date.now();
  await chair.getByTestId('clock-start').click();
  await waitState(pages, 'running', 'normal');
  await waitState({ chair2 }, 'idle'); // it never heard the clock start
  agree(await readAll(pages), 180, started);
  await chair.getByTestId('clock-pause').waitFor();

  // The second co-chair's stale page offers Start; the server says why not, in words.
  await chair2.getByTestId('clock-start').click();
  await chair2.getByTestId('clock-panel').getByTestId('action-error').filter({ hasText: 'The clock is already running.' })
    .waitFor();

  // Shortening by a minute brings the warning (two minutes left) to every page.
  await chair.locator('[data-testid="clock-adjust"][data-minutes="-1"]').click();
  await waitState(pages, 'running', 'warning');
  agree(await readAll(pages), 120, started);
  assert.match(await chair.getByTestId('clock-allotted').textContent(), /2 min allotted \(planned 3\)/);
  assert.equal(await countdown(participant).locator('.countdown-label').textContent(), 'Ending soon');
  await participant.getByTestId('countdown-announcer').filter({ hasText: '2 minutes or less left' }).waitFor();
  await screenshot(participant, 'clock-participant-warning');

  // Paused, nothing moves.
  await chair.getByTestId('clock-pause').click();
  await waitState(pages, 'paused');
  const held = await readAll(pages);
  agree(held);
  await sleep(1600); // time passes (the subject here): more than a second of it
  assert.deepEqual(await readAll(pages), held, 'a paused countdown stands still');

  // Extending while paused, then resuming: five more minutes, normal again.
  await chair.locator('[data-testid="clock-adjust"][data-minutes="5"]').click();
  await chair.getByTestId('clock-allotted').filter({ hasText: '7 min allotted' }).waitFor();
  await waitState(pages, 'paused', 'normal');
  const resumed = Date.now();
  await chair.getByTestId('clock-resume').click();
  await waitState(pages, 'running', 'normal');
  agree(await readAll(pages), held.chair + 300, resumed);

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
  const moved = Date.now();
  await chair.getByTestId('clock-next').click();
  await stage.locator('[data-testid="countdown"][data-segment="1"]').waitFor();
  await waitState(pages, 'running', 'normal');
  agree(await readAll(pages), 35 * 60, moved);
  const row0 = chair.locator('[data-testid="agenda-row"][data-segment="0"]');
  assert.match(await row0.getByTestId('actual-event').textContent(), /^\d\d:\d\d \S+$/);
  assert.equal(await chair.locator('[data-testid="agenda-row"][data-segment="1"]').getByTestId('difference').textContent(), 'In progress');
  const ran = seconds(await row0.getByTestId('actual-duration').textContent());
  const upTo = Math.ceil((Date.now() - started) / 1000); // the start to (after) the move on
  assert.ok(ran >= 1 && ran <= upTo, `the opening ran ${ran} s, of at most ${upTo} s`);
  // Shorter than its three planned minutes: the difference is negative.
  assert.match(await row0.getByTestId('difference').textContent(), /^\u2212\d+:\d\d$/);
  assert.equal(await chair.locator('[data-testid="agenda-row"][data-segment="1"][aria-current="step"]').count(), 1);
  assert.equal(await chair.locator('[data-testid="agenda-row"][data-segment="2"]').getByTestId('actual-start').textContent(), '\u2014');
  await screenshot(chair, 'clock-cochair');

  // Back to the opening: it resumes its own elapsed time rather than starting again.
  await chair.getByTestId('clock-back').click();
  await stage.locator('[data-testid="countdown"][data-segment="0"]').waitFor();
  await waitState(pages, 'running', 'normal');
  const again = await readAll(pages);
  agree(again);
  assert.ok(again.chair <= 7 * 60 - ran, `the opening goes on from ${7 * 60 - ran} s, not 7:00: ${JSON.stringify(again)}`);

  assert.deepEqual(problems, []);
});
