// The participant's page as a room meets it, in real Chromium, on a 390x844 phone and a
// 1280x800 laptop, in English and Arabic: "I accept" inside the first screen, then the
// question box and the first question; one column in the same order whatever the state (asking,
// questions closed, ended); the focus after accepting, open or closed; the upvote button's name
// containing the word it shows (WCAG 2.5.3) in all four languages; a question's language
// following the page's until picked; what the scrubber cannot catch; who cannot tell who asked
// what, and how (the threat model's words, folded); the end after the seal;
// and every role's page titled by role and consultation. Screenshots of each state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, browserSuite, screenshot } from '../lib/browser.mjs';
import { openAgenda } from '../lib/harness.mjs';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };
const SIZES = [['phone', PHONE], ['laptop', LAPTOP]];
const LOCALES = [['en', 'en-GB'], ['ar', 'ar']];
const TITLE = openAgenda.title;

const suite = browserSuite({}, async (s) => {
  // A live question in the first segment, posted by someone else and approved.
  s.chair = await s.srv.connect(s.srv.tokens.cochair);
  const other = await s.srv.connect(s.srv.tokens.invitations[0]);
  const ack = await other.command({ type: 'question.post', text: 'Will the report be published in all four languages?', lang: 'en' });
  assert.equal(ack.type, 'ack', JSON.stringify(ack));
  s.live = ack.result.question.id;
  assert.equal((await s.chair.command({ type: 'question.approve', question: s.live })).type, 'ack');
});

// The page's blocks from top to bottom, by test id.
const order = (page) => page.locator('[data-testid="participant"] > *').evaluateAll(
  (els) => els.map((e) => e.dataset.testid || e.className));

// Whether the element is wholly inside the first screen (the page not scrolled).
async function inFirstScreen(page, locator, viewport) {
  const box = await locator.boundingBox();
  assert.ok(box, 'the element is on the page');
  return box.y >= 0 && box.y + box.height <= viewport.height;
}

async function chairDoes(cmd) {
  const reply = await suite.chair.command(cmd);
  assert.equal(reply.type, 'ack', JSON.stringify(reply));
}

test('first screen and asking: "I accept", then the question box and the first question, within the first screen', async () => {
  const { srv, open, problems } = suite;
  for (const [size, viewport] of SIZES) {
    for (const [lang, locale] of LOCALES) {
      const page = await open(srv.links.participant, `${size} ${lang}`, { viewport, locale, acceptRule: false });
      await page.getByTestId('rule-accept').waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), lang);
      assert.ok(await inFirstScreen(page, page.getByTestId('rule-accept'), viewport), `${size} ${lang}: "I accept" below the fold`);
      // Honest about what the scrubber cannot catch.
      assert.match(await page.getByTestId('rule-scrubber').innerText(), lang === 'ar' ? /لا تكتب أسماء/ : /do not write names/);
      // CHR-3: who cannot tell who asked what, in a line; how, folded: the README's threat model.
      assert.match(await page.getByTestId('privacy-line').innerText(),
        lang === 'ar' ? /^لا يستطيع المنظمون ولا الرئيسان المشاركان ولا المقررون/ : /^The organisers, co-chairs and rapporteurs cannot tell/);
      // What comes next is there, folded, and so is how the page protects its participants.
      assert.deepEqual(await page.locator('.onboarding-more').evaluateAll((els) => els.map((e) => e.open)), [false, false]);
      await screenshot(page, `participant-first-screen-${size}-${lang}`, { fullPage: false });
      const how = page.getByTestId('privacy-how');
      await how.locator('summary').click();
      const told = await how.locator('p').innerText();
      assert.ok(await how.locator('p').isVisible());
      const sentences = told.split(/(?<=[.؟?])\s+/).filter(Boolean);
      assert.ok(sentences.length >= 3 && sentences.length <= 5, `${size} ${lang}: ${sentences.length} sentences`);
      // The live operator, and the seal, said as the threat model says them.
      assert.match(told, lang === 'ar' ? /القائمون على تشغيل الخادم، إن عدّلوه، مراقبة اتصال مباشر/ : /the people running the server could, by altering it, watch a live connection/);
      assert.match(told, lang === 'ar' ? /بعد ختم المشاورة/ : /Once the consultation is sealed/);
      await screenshot(page, `participant-privacy-how-${size}-${lang}`, { fullPage: false });
      await how.locator('summary').click();
      assert.equal(await how.locator('p').isVisible(), false);

      await page.getByTestId('rule-accept').click();
      await page.getByTestId('question-form').waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'question-text');
      assert.ok(await inFirstScreen(page, page.getByTestId('question-text'), viewport), `${size} ${lang}: the question box below the fold`);
      const first = page.getByTestId('queue-item').first();
      await first.waitFor();
      assert.ok(await inFirstScreen(page, first, viewport), `${size} ${lang}: the first question below the fold`);
      assert.deepEqual(await order(page), ['channel', 'question-form', 'queue-card', 'speakers', 'agenda']);
      await screenshot(page, `participant-asking-${size}-${lang}`, { fullPage: false });
      await page.context().close();
    }
  }
  assert.deepEqual(problems, []);
});

test('the listening chip opens and closes the instructions, by keyboard, and says so to a screen reader', async () => {
  const { srv, open, problems } = suite;
  const page = await open(srv.links.participant, 'chip', { viewport: PHONE, locale: 'ar' });
  const chip = page.getByTestId('channel-chip');
  assert.match(await chip.innerText(), /العربية/);
  assert.equal(await page.getByTestId('channel-desktop').isVisible(), false, 'folded at first');
  await chip.focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('channel-desktop').waitFor();
  assert.match(await page.getByTestId('channel-desktop').innerText(), /Arabic/);
  // A native disclosure: the accessibility tree has it, named by its words alone, expanded.
  const cdp = await page.context().newCDPSession(page);
  const disclosure = async () => {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const node = nodes.find((n) => n.role?.value === 'DisclosureTriangle');
    assert.ok(node, 'a disclosure in the accessibility tree');
    return { name: node.name?.value, expanded: node.properties?.find((p) => p.name === 'expanded')?.value?.value };
  };
  const opened = await disclosure();
  assert.equal(opened.name, 'الاستماع: العربية — كيف تستمع');
  assert.equal(opened.expanded, true);
  assert.deepEqual(await axeViolations(page), [], 'axe, the chip open');
  await screenshot(page, 'participant-channel-open-phone-ar', { fullPage: false });
  await page.keyboard.press('Space');
  await page.getByTestId('channel-desktop').waitFor({ state: 'hidden' });
  assert.equal((await disclosure()).expanded, false);
  await page.context().close();
  assert.deepEqual(problems, []);
});

test('the upvote button\'s accessible name contains the word it shows, in every language, pressed or not (WCAG 2.5.3)', async () => {
  const { srv, open, problems } = suite;
  const page = await open(srv.links.participant, 'label-in-name', { viewport: PHONE });
  const button = page.locator(`[data-testid="queue-item"][data-id="${suite.live}"] [data-testid="vote-button"]`);
  const check = async (what) => {
    const { name, shown } = await button.evaluate((b) => ({
      name: b.getAttribute('aria-label'),
      shown: [...b.childNodes].filter((n) => !(n.nodeType === 1 && n.getAttribute('aria-hidden') === 'true'))
        .map((n) => n.textContent).join('').trim(),
    }));
    assert.ok(shown.length > 0, `${what}: the button shows a word`);
    assert.ok(name.toLowerCase().includes(shown.toLowerCase()), `${what}: "${name}" does not contain "${shown}"`);
    const axe = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'rule', values: ['label-content-name-mismatch'] }, resultTypes: ['violations'],
    }));
    assert.deepEqual(axe.violations.map((v) => v.nodes.map((n) => n.target.join(' '))), [], `${what}: axe label-content-name-mismatch`);
  };
  // Injects axe-core, for its label-in-name rule (experimental, so asked for by name).
  await axeViolations(page);
  for (const lang of ['en', 'ar', 'fr', 'es']) {
    await page.getByTestId('ui-language').selectOption(lang);
    await page.locator(`html[lang="${lang}"]`).waitFor();
    await button.and(page.locator('[aria-pressed="false"]')).waitFor();
    await check(`${lang}, not pressed`);
    await button.click();
    await button.and(page.locator('[aria-pressed="true"]:not([aria-busy])')).waitFor();
    await check(`${lang}, pressed`);
    await button.click();
    await button.and(page.locator('[aria-pressed="false"]:not([aria-busy])')).waitFor();
  }
  await page.context().close();
  assert.deepEqual(problems, []);
});

test('a question\'s language follows the page\'s until the participant picks one', async () => {
  const { srv, open, problems } = suite;
  const page = await open(srv.links.participant, 'question language', { viewport: PHONE });
  const select = page.getByTestId('question-lang');
  assert.equal(await select.inputValue(), 'en');
  await page.getByTestId('ui-language').selectOption('fr');
  await page.locator('html[lang="fr"]').waitFor();
  await page.waitForFunction(() => document.getElementById('question-lang').value === 'fr');
  await page.getByTestId('ui-language').selectOption('ar');
  await page.locator('html[lang="ar"]').waitFor();
  await page.waitForFunction(() => document.getElementById('question-lang').value === 'ar');
  // Picked: the page's language no longer moves it.
  await select.selectOption('es');
  await page.getByTestId('ui-language').selectOption('en');
  await page.locator('html[lang="en"]').waitFor();
  await page.getByTestId('question-submit').and(page.locator(':text("Send question")')).waitFor();
  assert.equal(await select.inputValue(), 'es');
  await page.context().close();
  assert.deepEqual(problems, []);
});

test('the scrubber\'s dialog says what it cannot catch', async () => {
  const { srv, open, problems } = suite;
  const page = await open(srv.links.participant, 'scrubber', { viewport: PHONE });
  await page.getByTestId('question-text').fill('Could the panel reply to me at someone@example.org?');
  await page.getByTestId('question-submit').click();
  await page.getByTestId('identifying').waitFor();
  assert.match(await page.getByTestId('identifying-limits').innerText(), /cannot recognise every name, organisation or place/);
  assert.match(await page.getByTestId('identifying-limits').innerText(), /do not write names or where you work/);
  await page.getByTestId('identifying-edit').click();
  await page.getByTestId('identifying').waitFor({ state: 'detached' });
  await page.context().close();
  assert.deepEqual(problems, []);
});

test('questions closed: the place to ask stays where it was and says why and when they reopen; the focus after accepting', async () => {
  const { srv, open, problems } = suite;
  const asking = await open(srv.links.participant, 'closed', { viewport: PHONE });
  const before = await order(asking);
  await asking.getByTestId('question-text').fill('A draft, half written');
  await chairDoes({ type: 'segment.close', segment: 0 });
  await asking.getByTestId('queue-closed').waitFor();
  // A draft stays in view (disabled) when questions close.
  assert.equal(await asking.getByTestId('question-text').inputValue(), 'A draft, half written');
  assert.ok(await asking.getByTestId('question-text').isVisible());
  assert.deepEqual(await order(asking), before, 'the blocks keep their order when questions close');
  assert.ok(await asking.getByTestId('question-submit').isDisabled());
  // The next segment that takes questions, with its planned time.
  assert.match(await asking.getByTestId('queue-reopens').innerText(), /In conversation between speakers/);
  assert.equal(await asking.locator('[data-testid="queue-reopens"] [data-testid="reopens-event"]').count(), 1);
  // The live question stays, and no "no questions yet".
  await asking.getByTestId('queue-item').first().waitFor();
  assert.equal(await asking.getByTestId('empty').count(), 0);

  for (const [size, viewport] of SIZES) {
    for (const [lang, locale] of LOCALES) {
      const page = await open(srv.links.participant, `closed ${size} ${lang}`, { viewport, locale, acceptRule: false });
      await page.getByTestId('rule-accept').click();
      await page.getByTestId('queue-closed').waitFor();
      // The focus goes to what says why questions are closed, not to <body>.
      await page.waitForFunction(() => document.activeElement?.id === 'ask-status');
      assert.ok(await inFirstScreen(page, page.getByTestId('queue-closed'), viewport), `${size} ${lang}: the closed notice below the fold`);
      assert.deepEqual(await order(page), before);
      // Folded while empty: the place to ask is the notice alone.
      assert.equal(await page.getByTestId('question-text').isVisible(), false);
      assert.deepEqual(await axeViolations(page), [], `${size} ${lang}: axe, questions closed`);
      await screenshot(page, `participant-closed-${size}-${lang}`, { fullPage: false });
      await page.context().close();
    }
  }
  await chairDoes({ type: 'segment.open', segment: 0 });
  await asking.getByTestId('queue-closed').waitFor({ state: 'detached' });
  assert.deepEqual(await order(asking), before);
  await asking.context().close();
  assert.deepEqual(problems, []);
});

test('live questions of other segments are shown, never "no questions yet"', async () => {
  const { srv, open, problems } = suite;
  const page = await open(srv.links.participant, 'other segments', { viewport: PHONE });
  // The one live question goes to a later segment (a change of segment would carry it along).
  await chairDoes({ type: 'question.move', question: suite.live, segment: 1 });
  await page.getByTestId('other-segments').waitFor();
  assert.equal(await page.getByTestId('empty').count(), 0);
  assert.equal(await page.locator(`[data-testid="other-queue"] [data-testid="queue-item"][data-id="${suite.live}"]`).count(), 1);
  await page.getByTestId('tab-recent').click();
  await page.getByTestId('other-segments').waitFor();
  assert.equal(await page.getByTestId('empty').count(), 0);
  await chairDoes({ type: 'question.move', question: suite.live, segment: 0 });
  await page.getByTestId('other-segments').waitFor({ state: 'detached' });
  await page.context().close();
  assert.deepEqual(problems, []);
});

test('every role\'s page is titled by role and consultation, in its language; the stage has no page chrome', async () => {
  const { srv, open, problems } = suite;
  const expect = [
    ['participant', srv.links.participant, 'en-GB', `Ask — ${TITLE} · Roundtable`],
    ['participant', srv.links.participant, 'ar', `اطرح سؤالًا — ${TITLE} · Roundtable`],
    ['cochair', srv.links.cochair, 'en-GB', `Co-chair — ${TITLE} · Roundtable`],
    ['cochair', srv.links.cochair, 'fr-FR', `Coprésidence — ${TITLE} · Roundtable`],
    ['stage', srv.links.stage, 'en-GB', `Stage — ${TITLE} · Roundtable`],
    ['booth', srv.links.booth.ar, 'en-GB', `Booth (ar) — ${TITLE} · Roundtable`],
    ['booth', srv.links.booth.fr, 'es-ES', `Cabina (fr) — ${TITLE} · Roundtable`],
    ['rapporteur', srv.links.rapporteur, 'en-GB', `Rapporteur — ${TITLE} · Roundtable`],
  ];
  for (const [role, link, locale, title] of expect) {
    const page = await open(link, `${role} ${locale}`, { viewport: LAPTOP, locale });
    await page.waitForFunction((want) => document.title === want, title)
      .catch(async () => assert.fail(`${role} ${locale}: the title is "${await page.title()}", not "${title}"`));
    if (role === 'stage') {
      assert.equal(await page.locator('header.top').count(), 0, 'no header on the stage');
      assert.equal(await page.getByTestId('ui-language').count(), 0, 'no language picker on the stage');
      assert.equal(await page.getByTestId('connection').count(), 0, 'no connection badge on the stage');
      assert.equal(await page.locator('.app .role').count(), 0, 'no role badge on the stage');
    } else {
      assert.equal(await page.locator('header.top').count(), 1);
    }
    await page.context().close();
  }
  assert.deepEqual(problems, []);
});

// Last: the seal cannot be undone.
test('after the seal: the consultation has ended, thank you, and what happens next; no form, no "ask the first one"', async () => {
  const { srv, open, problems } = suite;
  const pages = [];
  for (const [size, viewport] of SIZES) {
    for (const [lang, locale] of LOCALES) pages.push([size, lang, viewport, await open(srv.links.participant, `ended ${size} ${lang}`, { viewport, locale })]);
  }
  const before = await order(pages[0][3]);
  await chairDoes({ type: 'consultation.seal' });
  for (const [size, lang, viewport, page] of pages) {
    await page.getByTestId('ended').waitFor();
    assert.equal(await page.getByTestId('question-form').count(), 0);
    assert.match(await page.locator('#ended-heading').innerText(), lang === 'ar' ? /انتهت هذه المشاورة/ : /This consultation has ended\. Thank you\./);
    assert.match(await page.getByTestId('ended').innerText(), lang === 'ar' ? /تقرير/ : /report/);
    assert.doesNotMatch(await page.locator('main').innerText(), /Ask the first one|اطرح السؤال الأول/);
    // The ended card takes the place to ask's place; the rest keeps its order.
    assert.deepEqual(await order(page), before.map((b) => (b === 'question-form' ? 'ended' : b)));
    assert.ok(await inFirstScreen(page, page.getByTestId('ended'), viewport), `${size} ${lang}: the end below the fold`);
    // Nothing is on any more: no countdown, no "Now:" in the header.
    assert.equal(await page.locator('header.top [data-testid="countdown"]').count(), 0);
    assert.equal(await page.locator('header.top .segment').count(), 0);
    await page.getByTestId('queue-item').first().waitFor();
    assert.deepEqual(await axeViolations(page), [], `${size} ${lang}: axe, ended`);
    await screenshot(page, `participant-ended-${size}-${lang}`, { fullPage: false });
  }
  // A page opened after the seal: no Rule to accept, straight to the end.
  const late = await open(srv.links.participant, 'after the seal', { viewport: PHONE, acceptRule: false });
  await late.getByTestId('ended').waitFor();
  assert.equal(await late.getByTestId('rule-accept').count(), 0);
  for (const [, , , page] of pages) await page.context().close();
  await late.context().close();
  assert.deepEqual(problems, []);
});
