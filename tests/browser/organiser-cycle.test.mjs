// The invitation cycle in real Chromium (views/organiser-cycle.js): the organiser's page loads a
// registration list with distinctive names, makes the mail-merge sheet and personal calendars,
// matches a Zoom report to invitation labels, imports the minutes with the CLI, and prints
// certificates from the attendance sheet. Every HTTP request and WebSocket frame the page sends
// is captured, and the database files are read: no name or e-mail address of the list reaches
// the server. The panel is mounted in a live co-chair page, with its WebSocket open, the
// organiser console's place for it. Screenshots at phone and laptop sizes in English and Arabic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { browserSuite, rendered, screenshot } from '../lib/browser.mjs';
import { repo, run, until } from '../lib/harness.mjs';

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 800 };
const suite = browserSuite();

// Twelve registrations; the names and addresses are what must never leave the page.
const PEOPLE = Array.from({ length: 12 }, (_, i) => ({
  ref: `R-${String(i + 1).padStart(4, '0')}`,
  name: `Zephyrine${String.fromCharCode(65 + i)} Quaglietti-Ørsted`,
  email: `zq${i + 1}.secret@cycle-test.example`,
}));
const SECRETS = [...PEOPLE.flatMap((p) => [p.name, p.email, p.name.split(' ')[0]]), 'Quaglietti', 'cycle-test.example'];

async function ok(args) {
  const r = await run(args);
  assert.equal(r.code, 0, `roundtable ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// The training programme's agenda, as the console has it open: sessions with their ids.
function programmeProps(made, file) {
  const prog = JSON.parse(fs.readFileSync(file, 'utf8'));
  const ids = [...made.matchAll(/^ {2}session \d+: \S+ \S+ \S+ {2}(\w+) /gm)].map((m) => m[1]);
  const pid = made.match(/^Roundtable programme (\w+):/m)[1];
  return {
    id: pid,
    title: prog.title,
    timezone: prog.session_defaults.timezone,
    sessions: prog.sessions.map((s, i) => ({ ...prog.session_defaults, ...s, id: ids[i] })),
  };
}

// Opens a live co-chair page in `locale` and mounts the panel on it, alone on the screen. With
// `sent`, every HTTP request and WebSocket frame the page sends from before the panel's modules
// load is pushed to it.
async function panelPage(suite, programme, { viewport, locale }, sent = null) {
  const page = await suite.open(suite.srv.links.cochair, `organiser ${locale}`, { viewport, locale, timezoneId: 'Europe/Paris' });
  if (sent) {
    page.on('request', (r) => sent.push(`${r.method()} ${r.url()} ${r.postData() || ''}`));
    page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))));
    // The co-chair's WebSocket opened before: its frames are caught where they leave.
    await page.exposeFunction('frameSent', (d) => { sent.push(d); });
    await page.evaluate(() => {
      const send = WebSocket.prototype.send;
      WebSocket.prototype.send = function sendCaught(d) {
        window.frameSent(String(d));
        return send.call(this, d);
      };
    });
  }
  await page.evaluate(async (prog) => {
    const { html, render } = await import('./vendor/preact-htm.js');
    const { OrganiserCycle } = await import('./views/organiser-cycle.js');
    for (const el of document.body.children) el.style.display = 'none';
    const box = document.createElement('main');
    box.className = 'app org-console-test';
    document.body.append(box);
    render(html`<${OrganiserCycle} programme=${prog} />`, box);
  }, programme);
  await page.getByTestId('org-cycle').waitFor();
  return page;
}

const file = (name, text) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
async function saved(page, click) {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: download.suggestedFilename(), text: fs.readFileSync(await download.path(), 'utf8') };
}

test('the whole cycle in the browser: no name or e-mail address reaches the server', { timeout: 240000 }, async () => {
  const { srv, problems } = suite;
  const data = srv.dataDir;
  const progFile = path.join(repo, 'protocol/programmes/training-programme.json');
  const made = await ok(['programme', 'new', progFile, '--base-url', srv.baseUrl, '--data', data]);
  const programme = programmeProps(made, progFile);
  assert.equal(programme.sessions.length, 8);
  // Invitations labelled with the registration references, their links saved as CSV.
  const linksCsv = await ok(['invitations', programme.id, ...PEOPLE.slice(0, 10).flatMap((p) => ['--add', p.ref]), '--csv', '--base-url', srv.baseUrl, '--data', data]);

  const sent = [];
  const page = await panelPage(suite, programme, { viewport: LAPTOP, locale: 'en-GB' }, sent);
  // The capture works: the panel's own modules were fetched under it.
  assert.ok(sent.some((s) => s.includes('/views/organiser-cycle.js')), sent.join('\n'));

  // 1. The registration list, any columns: the reference, name and e-mail columns are found.
  const regCsv = ['Timestamp;Full name;E-mail address;Organisation;Registration ref',
    ...PEOPLE.map((p, i) => `2021-09-${10 + i};"${p.name}";${p.email};"Org; ${i}";${p.ref}`)].join('\r\n');
  await page.getByTestId('cycle-reg-file').setInputFiles(file('registrations.csv', regCsv));
  assert.equal(await page.getByTestId('cycle-reg-count').innerText(), '12 registrations');
  assert.equal(await page.getByTestId('cycle-ref').inputValue(), 'Registration ref');
  assert.equal(await page.getByTestId('cycle-name').inputValue(), 'Full name');
  assert.equal(await page.getByTestId('cycle-email').inputValue(), 'E-mail address');

  // 2. The links kept from their creation, matched by label; two registrations have none.
  await page.getByTestId('cycle-links-file').setInputFiles(file('links.csv', linksCsv));
  await page.getByTestId('cycle-by-label').check();
  assert.equal(await page.getByTestId('cycle-merge-summary').innerText(), '10 registrations have their link. 2 have none.');
  const merge = await saved(page, () => page.getByTestId('cycle-mailmerge').click());
  const mergeRows = merge.text.split('\r\n').filter(Boolean);
  assert.equal(mergeRows[0], 'reference,link');
  assert.equal(mergeRows.length, 11);
  const linkOf = Object.fromEntries(linksCsv.split('\r\n').slice(1).filter(Boolean).map((l) => l.split(',')));
  assert.equal(mergeRows[3], `R-0003,${linkOf['R-0003']}`);

  // 3. Calendars: a personal one with every session and the link, the times in the zones listed.
  await page.getByTestId('cycle-zones').fill('Europe/London, America/New_York, Africa/Johannesburg');
  const ics = await saved(page, () => page.getByTestId('cycle-ics').nth(1).click());
  assert.equal(ics.name, 'r-0002.ics');
  const unfolded = ics.text.replace(/\r\n /g, '');
  assert.equal((unfolded.match(/BEGIN:VEVENT/g) || []).length, 8);
  assert.ok(unfolded.includes(linkOf['R-0002'].replace(/[,;]/g, (c) => `\\${c}`)));
  assert.match(unfolded, /12:00\u201313:30 BST\\n.*07:00\u201308:30 EDT\\n.*13:00\u201314:30 SAST/);
  assert.match(unfolded, new RegExp(`UID:${programme.sessions[0].id}@roundtable`));
  for (const line of ics.text.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, line);
  await page.getByTestId('cycle-cal-session').selectOption('3');
  const one = await saved(page, () => page.getByTestId('cycle-ics-plain').click());
  assert.equal((one.text.match(/BEGIN:VEVENT/g) || []).length, 1);
  assert.doesNotMatch(one.text, /#/);

  // 4. A Zoom report of session 1: names (one renamed, one by e-mail), a guest not registered.
  const zoom = [
    'Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants',
    '812 3456 7890,Session 1,10/18/2021 11:55:00 AM,10/18/2021 01:35:00 PM,host@un.example,100,5',
    '',
    'Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest',
    ...PEOPLE.slice(0, 6).map((p, i) => `${i === 1 ? `ZQ (${p.name})` : p.name},${i === 2 ? p.email.toUpperCase() : ''},10/18/2021 12:00:00 PM,10/18/2021 01:20:00 PM,80,Yes`),
    'Unregistered Guest,,10/18/2021 12:00:00 PM,10/18/2021 12:10:00 PM,10,Yes',
  ].join('\r\n');
  await page.getByTestId('cycle-zoom-file').setInputFiles(file('zoom.csv', zoom));
  assert.equal(await page.getByTestId('cycle-zoom-summary').innerText(), '6 invitations matched. 1 line of the report matched no registration.');
  const minutes = await saved(page, () => page.getByTestId('cycle-zoom-download').click());
  assert.equal(minutes.text, ['label,minutes', ...PEOPLE.slice(0, 6).map((p) => `${p.ref},80`), ''].join('\r\n'));
  const minutesFile = path.join(data, 'session-1-minutes.csv');
  fs.writeFileSync(minutesFile, minutes.text);
  await ok(['programme', 'import', programme.id, '1', minutesFile, '--data', data]);
  // Sessions 2 to 7 by the same route (the page makes the same file for each).
  for (let s = 2; s <= 7; s++) {
    const f = path.join(data, `session-${s}-minutes.csv`);
    fs.writeFileSync(f, ['label,minutes', ...PEOPLE.slice(0, s === 7 ? 3 : 6).map((p) => `${p.ref},60`)].join('\r\n'));
    await ok(['programme', 'import', programme.id, String(s), f, '--data', data]);
  }
  // A correction: R-0004 joined session 7 by telephone.
  await ok(['programme', 'correct', programme.id, '7', 'R-0004', '75', 'joined by telephone, host confirmed', '--data', data]);

  // 5. Certificates: the attendance sheet says who meets the rule (7 of 8 sessions).
  const sheet = await ok(['programme', 'attendance', programme.id, '--csv', '--data', data]);
  await page.getByTestId('cycle-sheet-file').setInputFiles(file('attendance.csv', sheet));
  assert.equal(await page.getByTestId('cycle-cert-count').innerText(), '4 registrations meet the certificate\'s rule.');
  await page.getByTestId('cycle-template').fill('This certifies that {name} took part in all of {programme}.');
  await page.evaluate(() => { window.printed = 0; window.print = () => { window.printed += 1; }; });
  await page.getByTestId('cycle-cert-print').click();
  assert.equal(await page.evaluate(() => window.printed), 1);
  const certs = page.getByTestId('cycle-print').locator('.certificate');
  assert.equal(await certs.count(), 4);
  assert.match(await certs.nth(3).innerText(), new RegExp(`This certifies that ${PEOPLE[3].name} took part in all of Online training`));
  const certFile = await saved(page, () => page.getByTestId('cycle-cert-download').click());
  assert.equal((certFile.text.match(/class="certificate"/g) || []).length, 4);
  assert.ok(certFile.text.includes(PEOPLE[0].name));
  await page.emulateMedia({ media: 'print' });
  await screenshot(page, 'organiser-cycle-certificates-print');
  await page.emulateMedia({ media: 'screen' });
  await page.evaluate(() => document.body.classList.remove('cycle-printing'));
  await rendered(page);
  await screenshot(page, 'organiser-cycle-1280-en');

  // Nothing the page sent, over HTTP or its WebSocket, names anyone; nor does the database.
  // The co-chair's page keeps its WebSocket busy (clock sync): a frame after the whole cycle.
  const everything = sent.join('\n');
  for (const secret of SECRETS) assert.ok(!everything.includes(secret), `the page sent ${secret}`);
  for (const f of fs.readdirSync(data).filter((n) => n.startsWith('roundtable.db'))) {
    const bytes = fs.readFileSync(path.join(data, f));
    for (const secret of SECRETS) assert.equal(bytes.indexOf(Buffer.from(secret)), -1, `${secret} in ${f}`);
  }
  assert.deepEqual(problems, []);
});

test('the panel at phone and laptop sizes, in English and Arabic', { timeout: 120000 }, async () => {
  const { srv } = suite;
  const progFile = path.join(repo, 'protocol/programmes/training-programme.json');
  const made = await ok(['programme', 'new', progFile, '--base-url', srv.baseUrl, '--data', srv.dataDir]);
  const programme = programmeProps(made, progFile);
  const regCsv = ['ref,name,email', ...PEOPLE.slice(0, 3).map((p) => `${p.ref},${p.name},${p.email}`)].join('\n');
  for (const locale of ['en-GB', 'ar']) {
    for (const [size, viewport] of [['390', PHONE], ['1280', LAPTOP]]) {
      const page = await panelPage(suite, programme, { viewport, locale });
      await page.getByTestId('cycle-reg-file').setInputFiles(file('registrations.csv', regCsv));
      await page.getByTestId('cycle-reg-count').waitFor();
      if (locale === 'ar') {
        assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
        assert.equal(await page.getByTestId('cycle-reg-count').innerText(), '3 تسجيلات');
      }
      await screenshot(page, `organiser-cycle-${size}-${locale.slice(0, 2)}`);
      // Nothing wider than the screen.
      const wide = await page.evaluate(() => {
        const over = [...document.querySelectorAll('.org-cycle *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 || el.getBoundingClientRect().left < -1);
        return { by: document.documentElement.scrollWidth - window.innerWidth, what: over.slice(0, 3).map((el) => el.outerHTML.slice(0, 80)) };
      });
      assert.ok(wide.by <= 0, `${locale} ${size}: ${wide.by}px wider than the screen: ${wide.what.join(' | ')}`);
      await page.context().close();
    }
  }
  assert.deepEqual(suite.problems, []);
});

test('the training programme from the organiser console: a session\'s tab, two Zoom reports, a correction, certificates', { timeout: 240000 }, async () => {
  const { srv, open, problems } = suite;
  const data = srv.dataDir;
  const progFile = path.join(repo, 'protocol/programmes/training-programme.json');
  const made = await ok(['programme', 'new', progFile, '--base-url', srv.baseUrl, '--data', data]);
  const programme = programmeProps(made, progFile);
  const linksCsv = await ok(['invitations', programme.id, ...PEOPLE.slice(0, 8).flatMap((p) => ['--add', p.ref]), '--csv', '--base-url', srv.baseUrl, '--data', data]);
  const link = await ok(['organiser-link', '--data', data, '--base-url', srv.baseUrl]);
  const o = await open(/organiser: +(\S+)/.exec(link)[1], 'organiser console', { viewport: LAPTOP });
  const sent = [];
  o.on('request', (r) => sent.push(`${r.method()} ${r.url()} ${r.postData() || ''}`));
  await o.exposeFunction('frameSent', (d) => { sent.push(d); });
  await o.evaluate(() => {
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function sendCaught(d) {
      window.frameSent(String(d));
      return send.call(this, d);
    };
  });
  // The programme's first session, opened from the dashboard, and its cycle tab.
  const row = o.locator(`[data-testid="org-item"][data-id="${programme.sessions[0].id}"]`);
  await row.getByTestId('org-open').click();
  await o.getByTestId('org-tab-cycle').click();
  await o.getByTestId('org-cycle').waitFor();
  await o.getByTestId('cycle-agenda-file').setInputFiles({ name: 'training-programme.json', mimeType: 'application/json', buffer: fs.readFileSync(progFile) });
  const regCsv = ['ref,name,email', ...PEOPLE.slice(0, 8).map((p) => `${p.ref},${p.name},${p.email}`)].join('\n');
  await o.getByTestId('cycle-reg-file').setInputFiles(file('registrations.csv', regCsv));
  await o.getByTestId('cycle-links-file').setInputFiles(file('links.csv', linksCsv));
  await o.getByTestId('cycle-by-label').check();
  const merge = await saved(o, () => o.getByTestId('cycle-mailmerge').click());
  assert.equal(merge.text.split('\r\n').filter(Boolean).length, 9);
  const ics = await saved(o, () => o.getByTestId('cycle-ics').first().click());
  assert.equal((ics.text.match(/BEGIN:VEVENT/g) || []).length, 8);
  assert.match(ics.text.replace(/\r\n /g, ''), /Online training programme for civil society on cybercrime\\n/);

  // Two sessions' Zoom reports, matched here; the minutes go to the server with the CLI.
  for (const session of [1, 2]) {
    await o.getByTestId('cycle-zoom-session').selectOption(String(session));
    const report = ['Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest',
      ...PEOPLE.slice(0, session === 1 ? 6 : 5).map((p) => `${p.name},,x,y,70,Yes`)].join('\n');
    await o.getByTestId('cycle-zoom-file').setInputFiles(file(`zoom-${session}.csv`, report));
    await o.getByTestId('cycle-zoom-summary').waitFor();
    if (session === 1) {
      // The session open in the console takes its minutes from the page: labels and minutes.
      await o.getByTestId('cycle-zoom-send').click();
      assert.equal(await o.getByTestId('cycle-sent').innerText(), '6 invitations\' minutes stored.');
      continue;
    }
    // Another session's minutes are a file for the command line.
    assert.equal(await o.getByTestId('cycle-zoom-send').count(), 0);
    const minutes = await saved(o, () => o.getByTestId('cycle-zoom-download').click());
    assert.match(await o.getByTestId('org-cycle').locator('code').innerText(), new RegExp(`roundtable programme import ${programme.id} ${session} FILE`));
    const f = path.join(data, `console-zoom-${session}.csv`);
    fs.writeFileSync(f, minutes.text);
    await ok(['programme', 'import', programme.id, String(session), f, '--data', data]);
  }
  assert.match(await ok(['programme', 'attendance', programme.id, '--label', 'R-0006', '--data', data]), /session 1: 70 of 90 min; other record 70 {2}attended/);
  // A correction from the console: one whose reason could identify someone is refused.
  await o.getByTestId('cycle-fix-label').fill('R-0007');
  await o.getByTestId('cycle-fix-minutes').fill('60');
  await o.getByTestId('cycle-fix-reason').fill(`confirmed by ${PEOPLE[6].email.replace(/secret@cycle-test/, 'host@other')}`);
  await o.getByTestId('cycle-fix-submit').click();
  await o.getByTestId('cycle-error').waitFor();
  assert.match(await o.getByTestId('cycle-error').innerText(), /Not stored: .*must not identify anyone/);
  await o.getByTestId('cycle-fix-reason').fill('joined by telephone, host confirmed');
  await o.getByTestId('cycle-fix-submit').click();
  assert.equal(await o.getByTestId('cycle-sent').innerText(), 'Correction recorded, with its reason and time.');
  assert.match(await ok(['programme', 'audit', programme.id, '--data', data]), /R-0007 +session 1 +\+60 min +joined by telephone/);
  for (let s = 3; s <= 7; s++) {
    const f = path.join(data, `console-minutes-${s}.csv`);
    fs.writeFileSync(f, ['label,minutes', ...PEOPLE.slice(0, 5).map((p) => `${p.ref},70`)].join('\n'));
    await ok(['programme', 'import', programme.id, String(s), f, '--data', data]);
  }
  // One entry corrected: R-0006 missed session 2's report but was there (host's notes).
  await ok(['programme', 'correct', programme.id, '2', 'R-0006', '70', 'in the room with R-0005, host confirmed', '--data', data]);
  const audit = await ok(['programme', 'audit', programme.id, '--data', data]);
  assert.match(audit, /R-0006 +session 2 +\+70 min +in the room/);
  const sheet = await ok(['programme', 'attendance', programme.id, '--csv', '--data', data]);
  await o.getByTestId('cycle-sheet-file').setInputFiles(file('attendance.csv', sheet));
  assert.equal(await o.getByTestId('cycle-cert-count').innerText(), '5 registrations meet the certificate\'s rule.');
  await o.evaluate(() => { window.print = () => {}; });
  await o.getByTestId('cycle-cert-print').click();
  assert.equal(await o.getByTestId('cycle-print').locator('.certificate').count(), 5);
  await o.evaluate(() => document.body.classList.remove('cycle-printing'));
  await screenshot(o, 'organiser-console-cycle-1280-en');
  // Back to the dashboard, which asks the server for its list: the capture sees the frame.
  await o.getByTestId('org-back').click();
  await o.getByTestId('org-dashboard').waitFor();
  await until(() => sent.some((f) => f.includes('"organiser.list"')), 'the console\'s list request, captured');
  for (const secret of SECRETS) assert.ok(!sent.join('\n').includes(secret), `the console sent ${secret}`);
  assert.deepEqual(problems, []);
});
