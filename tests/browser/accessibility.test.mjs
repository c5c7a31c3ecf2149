// WCAG 2.1 AA in real Chromium: axe-core (tags wcag2a, wcag2aa, wcag21a, wcag21aa) on every
// page — the participant's before and after accepting the Rule, the co-chairs' console (and its
// shortcut list), the stage, a booth and the rapporteurs' workspace — in English and Arabic, in
// the light and the dark colour scheme. A serious or critical violation fails, printed with the
// elements it concerns. Also: reduced motion turns every transition and animation off, and the
// participant's page at 200% text on a 640 px wide window (320 CSS px at 200% zoom) neither
// scrolls sideways nor clips its controls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, browserSuite, rendered, screenshot } from '../lib/browser.mjs';

const PHONE = { width: 360, height: 740 };
const LAPTOP = { width: 1280, height: 800 };

// Something on every page: live questions (one being answered, one selected next for the
// booths), one awaiting moderation, one in Arabic for the Arabic booth.
const suite = browserSuite({}, async ({ srv }) => {
  const people = [await srv.connect(srv.tokens.participant), await srv.connect(srv.tokens.participant)];
  const chair = await srv.connect(srv.tokens.cochair);
  const ids = [];
  for (const [i, [text, lang]] of [['How will Article 24 protect journalists?', 'en'],
    ['ما هي الضمانات لحماية البيانات الشخصية؟', 'ar'], ['Quelle place pour la société civile ?', 'fr'],
    ['Who reviews the implementation?', 'en']].entries()) {
    const posted = await people[i % 2].command({ type: 'question.post', text, lang });
    assert.equal(posted.type, 'ack', JSON.stringify(posted));
    ids.push(posted.result.question.id);
  }
  for (const id of ids.slice(0, 3)) {
    const r = await chair.command({ type: 'question.approve', question: id });
    assert.ok(r.type === 'ack' || r.code === 'question.state', JSON.stringify(r));
  }
  assert.equal((await chair.command({ type: 'question.answer_now', question: ids[0] })).type, 'ack');
  assert.equal((await chair.command({ type: 'question.select_next', question: ids[1] })).type, 'ack');
  for (const p of people) p.close();
  chair.close();
});

const PAGES = [
  { name: 'participant (onboarding)', link: (l) => l.participant, viewport: PHONE, acceptRule: false },
  { name: 'participant', link: (l) => l.participant, viewport: PHONE },
  { name: 'co-chair', link: (l) => l.cochair, viewport: LAPTOP },
  { name: 'co-chair (shortcut list)', link: (l) => l.cochair, viewport: LAPTOP,
    then: async (page) => {
      await page.keyboard.press('?');
      await page.getByTestId('shortcut-help').waitFor();
    } },
  { name: 'stage', link: (l) => `${l.stage}`, viewport: { width: 1280, height: 720 } },
  { name: 'booth', link: (l) => l.booth.ar, viewport: LAPTOP },
  { name: 'rapporteur', link: (l) => l.rapporteur, viewport: LAPTOP },
];

test('every page passes axe-core (WCAG 2.1 A and AA) in English and Arabic, light and dark', async (t) => {
  const { srv, open, problems } = suite;
  const failures = [];
  let checks = 0;
  for (const p of PAGES) {
    for (const locale of ['en-GB', 'ar']) {
      for (const colorScheme of ['light', 'dark']) {
        const label = `${p.name} ${locale.slice(0, 2)} ${colorScheme}`;
        const page = await open(p.link(srv.links), label,
          { viewport: p.viewport, locale, colorScheme, acceptRule: p.acceptRule ?? true });
        if (p.acceptRule === false) await page.getByTestId('rule-accept').waitFor();
        if (p.then) await p.then(page);
        const found = await axeViolations(page);
        checks += 1;
        if (found.length) failures.push(`${label}:\n  ${found.join('\n  ')}`);
        await page.context().close();
      }
    }
  }
  t.diagnostic(`axe-core checks run: ${checks} (pages × {en, ar} × {light, dark}); serious or critical violations in ${failures.length}`);
  assert.equal(failures.length, 0, `axe-core found serious or critical violations:\n${failures.join('\n')}`);
  assert.deepEqual(problems, []);
});

test('with reduced motion asked for, nothing moves', async () => {
  const { srv, open, problems } = suite;
  for (const reducedMotion of ['reduce', 'no-preference']) {
    const page = await open(srv.links.participant, `participant motion ${reducedMotion}`, { viewport: PHONE, reducedMotion });
    const moving = await page.evaluate(() => [...document.querySelectorAll('*')].filter((el) => {
      const cs = getComputedStyle(el);
      const durations = `${cs.transitionDuration},${cs.animationDuration}`.split(',').map((d) => parseFloat(d) || 0);
      return durations.some((d) => d > 0);
    }).map((el) => el.className || el.tagName));
    if (reducedMotion === 'reduce') assert.deepEqual(moving, [], 'transitions or animations run despite prefers-reduced-motion');
    else assert.ok(moving.length > 0, 'the page has transitions when motion is welcome (else this check proves nothing)');
    await page.context().close();
  }
  assert.deepEqual(problems, []);
});

test('text at 200% on a window 320 CSS px wide at 100%: no sideways scrolling, nothing clipped', async (t) => {
  const { srv, open, problems } = suite;
  for (const [name, link] of [['participant', srv.links.participant], ['co-chair', srv.links.cochair], ['booth', srv.links.booth.ar]]) {
    for (const locale of ['en-GB', 'ar']) {
      const page = await open(link, `${name} 200% ${locale}`, { viewport: { width: 640, height: 800 }, locale });
      // Text zoom: the root font size doubled, as a browser's "text size 200%" does.
      await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
      await rendered(page);
      const report = await page.evaluate(() => {
        const over = document.documentElement.scrollWidth - document.documentElement.clientWidth;
        // A control whose own text is cut off: its content is wider than the box, with the
        // overflow hidden.
        const clipped = [...document.querySelectorAll('button, label, select, .tab, h1, h2, p')]
          .filter((el) => el.offsetParent !== null && !el.closest('.visually-hidden'))
          .filter((el) => {
            const cs = getComputedStyle(el);
            return cs.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1 && cs.textOverflow !== 'ellipsis';
          })
          .map((el) => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}"`);
        const wide = [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().width > document.documentElement.clientWidth + 1)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
        return { over, clipped, wide };
      });
      assert.ok(report.over <= 0, `${name} ${locale}: scrolls sideways by ${report.over} px at 200% text; too wide: ${report.wide.slice(0, 5).join(', ')}`);
      assert.deepEqual(report.clipped, [], `${name} ${locale}: clipped at 200% text`);
      await page.context().close();
    }
  }
  t.diagnostic('participant, co-chair and booth at 200% text in 640 px (20 em, as 320 px at 100%), en and ar');
  assert.deepEqual(problems, []);
});

test('screenshots of every page on a phone (360x740) and a 13-inch laptop (1280x800), in English and Arabic', async (t) => {
  const { srv, open, problems } = suite;
  const shots = [];
  for (const p of PAGES.filter((x) => !x.then)) {
    for (const locale of ['en-GB', 'ar']) {
      for (const viewport of [PHONE, LAPTOP]) {
        const name = `a11y-${p.name.replace(/[^a-z]+/g, '-').replace(/-$/, '')}-${locale.slice(0, 2)}-${viewport.width}`;
        const page = await open(p.link(srv.links), name, { viewport, locale, acceptRule: p.acceptRule ?? true });
        const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(over <= 0, `${name} scrolls sideways by ${over} px`);
        shots.push(await screenshot(page, name, { fullPage: !(p.name === 'stage' && viewport === LAPTOP) }));
        await page.context().close();
      }
    }
  }
  t.diagnostic(`${shots.length} screenshots, e.g. ${shots[0]}`);
  assert.deepEqual(problems, []);
});
