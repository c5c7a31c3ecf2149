// organiser-cycle.js — the organiser console's "Invitations & attendance" tab: the tools that
// work on the organiser's own registration list inside the browser (ORG-2, ORG-3). The list
// (names, e-mail addresses) is read from a file into this page and never leaves it: the page
// matches references to the invitation links the organiser kept from their creation, writes the
// mail-merge sheet and calendar files, matches a Zoom attendance report to labels (only
// label,minutes goes on, as a file for `roundtable programme import`), and prints certificates
// from the attendance sheet with the names merged here. Nothing in this module sends anything.
// Props: { consultation, programme, conn, lang }: the item open in the console (id, title, time
// zone, sessions with their agendas or planned times).
import { html, useState } from '../vendor/preact-htm.js';
import { t } from '../lib/i18n.js';
import { column, mailMerge, parse, references, table, write, zoomMinutes } from '../lib/csv.js';
import { calendar, describe, icsName } from '../lib/ics.js';
import { zonedInstant } from '../lib/clock.js';

// A session's planned start and end (ms): from planned times if the item carries them, else from
// its agenda (first segment's start to the last one's end, in its zone). null when undated.
export function sessionTimes(s, zone) {
  if (Number.isFinite(s.starts_at) && s.starts_at > 0) {
    const minutes = s.scheduled_minutes ?? (s.segments || []).reduce((n, g) => n + (g.duration || 0), 0);
    return { start: s.starts_at, end: s.starts_at + minutes * 60000 };
  }
  const segs = s.segments || [];
  if (!segs.length) return null;
  const tz = s.timezone || zone || 'UTC';
  const first = segs[0];
  const last = segs[segs.length - 1];
  const d0 = first.date || s.date;
  const d1 = last.date || s.date;
  if (!d0 || !d1) return null;
  return { start: zonedInstant(d0, first.start, tz), end: zonedInstant(d1, last.start, tz) + last.duration * 60000 };
}

// The sessions of what is open: a programme's, or the consultation alone.
function sessionsOf(consultation, programme) {
  const item = programme || consultation;
  if (!item) return [];
  const list = programme ? programme.sessions || [] : [consultation];
  return list.map((s, i) => ({ ...s, number: i + 1, times: sessionTimes(s, item.timezone) }));
}

// An agenda or programme file (the one the item was created from), as the panel's props would
// carry it: { consultation } or { programme } with its sessions; ids are the item's own when the
// file has none. null when it is neither.
export function readAgendaFile(text, item) {
  const j = JSON.parse(text);
  const base = (item && (item.programme || item.id)) || 'roundtable';
  if (Array.isArray(j.sessions)) {
    const defaults = j.session_defaults || {};
    return {
      programme: {
        id: base,
        title: j.title,
        timezone: defaults.timezone,
        sessions: j.sessions.map((s, i) => ({ ...defaults, ...s, id: s.id || `${base}-${i + 1}` })),
      },
    };
  }
  if (Array.isArray(j.segments)) return { consultation: { ...j, id: (item && item.id) || base } };
  return null;
}

// The links kept from the invitations' creation: `label,link` CSV (invitations --add --csv) or
// the JSON of `roundtable new --json` ({links: {invitations: [...]}}).
export function readLinks(text) {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const j = JSON.parse(trimmed);
    const inv = (j.links && j.links.invitations) || [];
    return inv.map((url, i) => ({ label: `invitation ${i + 1}`, url }));
  }
  const rows = parse(trimmed);
  const body = rows.length && /^label$/i.test(rows[0][0]) ? rows.slice(1) : rows;
  return body.filter((r) => r.length >= 2 && /#/.test(r[1])).map((r) => ({ label: r[0].replace(/^'(?=[=+\-@])/, ''), url: r[1] }));
}

// Saves text as a file through the browser (a blob: URL: nothing is uploaded).
function save(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function readFile(e, then) {
  const file = e.currentTarget.files && e.currentTarget.files[0];
  if (file) file.text().then(then);
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

// The certificates' document: one page per eligible registration, the template with {name}
// (and {programme}) merged, printed from the browser.
export function certificatesHtml(template, people, title, dir = 'ltr') {
  const pages = people.map((p) => {
    const text = escapeHtml(template).replaceAll('{name}', `<strong>${escapeHtml(p.name)}</strong>`).replaceAll('{programme}', escapeHtml(title));
    return `<section class="certificate"><h1>${escapeHtml(title)}</h1><p>${text.replace(/\n/g, '<br>')}</p><p class="ref">${escapeHtml(p.reference)}</p></section>`;
  });
  return `<!doctype html><html dir="${dir}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>
body{font-family:Georgia,serif;margin:0}.certificate{box-sizing:border-box;min-height:100vh;padding:15vh 12vw;text-align:center;page-break-after:always;break-after:page}
h1{font-size:2rem;margin-bottom:3rem}p{font-size:1.3rem;line-height:1.7}.ref{font-size:.8rem;color:#555;margin-top:4rem}
@page{size:A4 landscape;margin:1cm}</style></head><body>${pages.join('')}</body></html>`;
}

export function OrganiserCycle({ consultation, programme, conn }) {
  const [file, setFile] = useState(null); // the agenda or programme file, when loaded
  const item = programme || consultation;
  const sessions = file ? sessionsOf(file.consultation, file.programme) : sessionsOf(consultation, programme);
  const programmeTitle = (file && file.programme && file.programme.title) || (programme && programme.title) || '';
  // A programme's session opened in the console carries its programme's id and its number.
  const programmeId = (item && item.programme) || (programme && programme.id) || (file && file.programme && file.programme.id) || (item && item.id);
  const [reg, setReg] = useState(null); // { header, records }
  const [refCol, setRefCol] = useState('');
  const [nameCol, setNameCol] = useState('');
  const [emailCol, setEmailCol] = useState('');
  const [links, setLinks] = useState([]);
  const [byLabel, setByLabel] = useState(false);
  const [zones, setZones] = useState(() => [...new Set([item && item.timezone, 'Europe/London', 'Europe/Paris', 'America/New_York', 'UTC'].filter(Boolean))].join(', '));
  const [calSession, setCalSession] = useState('all');
  const [zoomSession, setZoomSession] = useState((consultation && consultation.session) || 1);
  const [zoom, setZoom] = useState(null);
  const [sheet, setSheet] = useState(null);
  const [template, setTemplate] = useState(() => t('cycle.cert.template_default'));
  const [error, setError] = useState('');
  const [sentNote, setSentNote] = useState('');
  const [fix, setFix] = useState({ label: '', minutes: '', reason: '' });

  if (!item) return html`<section class="org-panel org-cycle" data-testid="org-cycle"><p class="hint">${t('cycle.none')}</p></section>`;

  function loadRegistrations(text) {
    const tb = table(parse(text));
    if (!tb || !tb.records.length) {
      setError(t('cycle.reg.empty'));
      return;
    }
    setError('');
    setReg(tb);
    setRefCol(column(tb.header, ['reference', 'ref', 'registration', 'id', 'label']) || tb.header[0]);
    setNameCol(column(tb.header, ['name', 'full name', 'nom', 'nombre', 'الاسم']) || '');
    setEmailCol(column(tb.header, ['email', 'e-mail', 'mail', 'courriel', 'correo']) || '');
  }
  function loadAgenda(text) {
    try {
      const f = readAgendaFile(text, item);
      setFile(f);
      setError(f ? '' : t('cycle.cal.bad_file'));
    } catch {
      setError(t('cycle.cal.bad_file'));
    }
  }
  function loadLinks(text) {
    try {
      const l = readLinks(text);
      setLinks(l);
      setError(l.length ? '' : t('cycle.links.empty'));
    } catch {
      setError(t('cycle.links.empty'));
    }
  }

  const refs = reg ? references(reg.records, refCol) : [];
  const merged = reg && links.length ? mailMerge(refs, links, { byLabel }) : null;
  const zoneList = zones.split(',').map((z) => z.trim()).filter(Boolean);
  const dated = sessions.filter((s) => s.times);
  const recordOf = (ref) => reg.records.find((r) => (r[refCol] ?? '').trim() === ref) || {};

  function downloadMailMerge() {
    save(icsName(item.title, 'mail merge').replace(/\.ics$/, '.csv'), write([['reference', 'link'], ...merged.rows]), 'text/csv');
  }
  function eventsFor(link) {
    const chosen = calSession === 'all' ? dated : dated.filter((s) => String(s.number) === calSession);
    return chosen.map((s) => ({
      uid: `${s.id}@roundtable`,
      start: s.times.start,
      end: s.times.end,
      summary: s.title,
      description: describe({ programme: programmeTitle, title: s.title, start: s.times.start, end: s.times.end, zones: zoneList, link, personal: Boolean(link) }),
      url: link || '',
      alarmMinutes: 15,
    }));
  }
  function downloadIcs(ref, link) {
    const part = calSession === 'all' ? '' : `session ${calSession}`;
    save(ref ? icsName(ref, part) : icsName(item.title, part), calendar(eventsFor(link), { name: item.title }), 'text/calendar');
  }
  function matchZoom(text) {
    const s = sessions[zoomSession - 1];
    const cap = s && s.times ? Math.round((s.times.end - s.times.start) / 60000) : Infinity;
    const labelOf = merged ? merged.labelOf : null;
    setZoom(zoomMinutes(text, reg.records, { refColumn: refCol, nameColumn: nameCol, emailColumn: emailCol, labelOf, capMinutes: cap }));
  }
  function downloadMinutes() {
    save(icsName(item.title, `session ${zoomSession}`, 'minutes').replace(/\.ics$/, '.csv'), write([['label', 'minutes'], ...zoom.minutes]), 'text/csv');
  }
  // ORG-3: what goes to the server is labels and minutes (and a correction's reason), for the
  // session open in the console; never a name.
  const liveSession = conn && consultation && consultation.programme && consultation.session ? consultation : null;
  async function sendAttendance(body) {
    setSentNote('');
    const reply = await conn.command({ type: 'organiser.attendance', consultation: liveSession.id, ...body }, { keep: false });
    if (reply.type === 'error') {
      setError(t('cycle.send.refused', { detail: (reply.params && reply.params.detail) || reply.code }));
      return false;
    }
    setError('');
    setSentNote(body.minutes ? t('cycle.zoom.sent', { count: reply.imported }) : t('cycle.fix.done'));
    return true;
  }
  function sendMinutes() {
    sendAttendance({ minutes: [...zoom.minutes].map(([label, minutes]) => ({ label, minutes })) });
  }
  async function sendFix(e) {
    e.preventDefault();
    const ok = await sendAttendance({ corrections: [{ label: fix.label.trim(), minutes: Number(fix.minutes), reason: fix.reason.trim() }] });
    if (ok) setFix({ label: '', minutes: '', reason: '' });
  }
  // The attendance sheet (programme attendance --csv): label, sessions, attended, certificate.
  function loadSheet(text) {
    const tb = table(parse(text));
    const cert = tb && column(tb.header, ['certificate']);
    const lab = tb && column(tb.header, ['invitation', 'label']);
    if (!cert || !lab) {
      setError(t('cycle.cert.bad_sheet'));
      return;
    }
    setError('');
    setSheet(new Set(tb.records.filter((r) => /^yes$/i.test(r[cert])).map((r) => r[lab].replace(/^'(?=[=+\-@])/, ''))));
  }
  const labelOfRef = (ref) => (merged ? merged.labelOf.get(ref) : ref);
  const eligible = reg && sheet ? refs.filter((ref) => sheet.has(labelOfRef(ref))).map((ref) => ({ reference: ref, name: (recordOf(ref)[nameCol] || ref).trim() })) : [];
  function downloadCertificates() {
    const dir = document.documentElement.dir || 'ltr';
    save(icsName(item.title, 'certificates').replace(/\.ics$/, '.html'), certificatesHtml(template, eligible, item.title, dir), 'text/html');
  }
  // Printed from this page: the certificates go into a container that only print shows
  // (style.css), written with textContent, and leave when printing is over.
  function printCertificates() {
    document.querySelectorAll('.cycle-print').forEach((el) => el.remove());
    const box = document.createElement('div');
    box.className = 'cycle-print';
    box.dataset.testid = 'cycle-print';
    for (const p of eligible) {
      const page = document.createElement('section');
      page.className = 'certificate';
      const h = document.createElement('h1');
      h.textContent = item.title;
      const body = document.createElement('p');
      template.split('{name}').forEach((part, i) => {
        if (i) {
          const strong = document.createElement('strong');
          strong.textContent = p.name;
          body.append(strong);
        }
        body.append(part.replaceAll('{programme}', item.title));
      });
      const ref = document.createElement('p');
      ref.className = 'ref';
      ref.textContent = p.reference;
      page.append(h, body, ref);
      box.append(page);
    }
    document.body.append(box);
    document.body.classList.add('cycle-printing');
    const done = () => {
      document.body.classList.remove('cycle-printing');
      window.removeEventListener('afterprint', done);
    };
    window.addEventListener('afterprint', done);
    window.print();
  }

  const select = (id, value, set, testid) => html`<select id=${id} data-testid=${testid} value=${value} onChange=${(e) => set(e.currentTarget.value)}>
      <option value="">${t('cycle.reg.column_none')}</option>
      ${reg.header.map((h) => html`<option value=${h}>${h}</option>`)}
    </select>`;

  return html`<section class="org-panel org-cycle" data-testid="org-cycle" aria-labelledby="org-cycle-heading">
    <h3 id="org-cycle-heading">${t('cycle.title')}</h3>
    <p class="hint">${t('cycle.privacy')}</p>
    ${error && html`<p class="error" role="alert" data-testid="cycle-error">${error}</p>`}

    <fieldset class="cycle-step" data-testid="cycle-registrations">
      <legend>${t('cycle.reg.heading')}</legend>
      <label for="cycle-reg-file">${t('cycle.reg.file')}</label>
      <input id="cycle-reg-file" type="file" accept=".csv,text/csv" data-testid="cycle-reg-file" onChange=${(e) => readFile(e, loadRegistrations)} />
      ${reg && html`
        <p data-testid="cycle-reg-count">${t('cycle.reg.count', { count: reg.records.length })}</p>
        <div class="form-row"><label for="cycle-ref">${t('cycle.reg.reference')}</label>${select('cycle-ref', refCol, setRefCol, 'cycle-ref')}</div>
        <div class="form-row"><label for="cycle-name">${t('cycle.reg.name')}</label>${select('cycle-name', nameCol, setNameCol, 'cycle-name')}</div>
        <div class="form-row"><label for="cycle-email">${t('cycle.reg.email')}</label>${select('cycle-email', emailCol, setEmailCol, 'cycle-email')}</div>`}
    </fieldset>

    <fieldset class="cycle-step" data-testid="cycle-links">
      <legend>${t('cycle.links.heading')}</legend>
      <p class="hint">${t('cycle.links.hint')}</p>
      <label for="cycle-links-file">${t('cycle.links.file')}</label>
      <input id="cycle-links-file" type="file" accept=".csv,.json,.txt" data-testid="cycle-links-file" onChange=${(e) => readFile(e, loadLinks)} />
      ${links.length > 0 && html`<p data-testid="cycle-links-count">${t('cycle.links.count', { count: links.length })}</p>`}
      <div class="form-row">
        <label><input type="radio" name="cycle-match" checked=${!byLabel} onChange=${() => setByLabel(false)} /> ${t('cycle.links.in_order')}</label>
        <label><input type="radio" name="cycle-match" data-testid="cycle-by-label" checked=${byLabel} onChange=${() => setByLabel(true)} /> ${t('cycle.links.by_label')}</label>
      </div>
      ${merged && html`
        <p data-testid="cycle-merge-summary">${t('cycle.links.matched', { count: merged.rows.length })}${merged.unmatched.length ? ` ${t('cycle.links.unmatched', { count: merged.unmatched.length })}` : ''}</p>
        <button type="button" data-testid="cycle-mailmerge" onClick=${downloadMailMerge}>${t('cycle.links.download')}</button>`}
    </fieldset>

    <fieldset class="cycle-step" data-testid="cycle-calendar">
      <legend>${t('cycle.cal.heading')}</legend>
      <div class="form-row"><label for="cycle-zones">${t('cycle.cal.zones')}</label>
        <input id="cycle-zones" dir="ltr" data-testid="cycle-zones" value=${zones} onInput=${(e) => setZones(e.currentTarget.value)} /></div>
      <div class="form-row"><label for="cycle-cal-session">${t('cycle.cal.which')}</label>
        <select id="cycle-cal-session" data-testid="cycle-cal-session" value=${calSession} onChange=${(e) => setCalSession(e.currentTarget.value)}>
          ${sessions.length > 1 && html`<option value="all">${t('cycle.cal.all')}</option>`}
          ${sessions.map((s) => html`<option value=${String(s.number)} disabled=${!s.times}>${t('cycle.session', { n: s.number })}: ${s.title}</option>`)}
        </select></div>
      <label for="cycle-agenda-file">${t('cycle.cal.file')}</label>
      <input id="cycle-agenda-file" type="file" accept=".json,application/json" data-testid="cycle-agenda-file" onChange=${(e) => readFile(e, loadAgenda)} />
      ${dated.length === 0 ? html`<p class="hint">${t('cycle.cal.undated')}</p>` : html`
        <button type="button" data-testid="cycle-ics-plain" onClick=${() => downloadIcs('', '')}>${t('cycle.cal.download_plain')}</button>
        ${merged && html`<ul class="cycle-files" data-testid="cycle-ics-list">
          ${merged.rows.map(([ref, link]) => html`<li><button type="button" class="link" data-testid="cycle-ics" onClick=${() => downloadIcs(ref, link)}>${t('cycle.cal.download_for', { ref })}</button></li>`)}
        </ul>`}`}
    </fieldset>

    <fieldset class="cycle-step" data-testid="cycle-zoom">
      <legend>${t('cycle.zoom.heading')}</legend>
      <p class="hint">${t('cycle.zoom.hint')}</p>
      <div class="form-row"><label for="cycle-zoom-session">${t('cycle.zoom.session')}</label>
        <select id="cycle-zoom-session" data-testid="cycle-zoom-session" value=${String(zoomSession)} onChange=${(e) => setZoomSession(Number(e.currentTarget.value))}>
          ${sessions.map((s) => html`<option value=${String(s.number)}>${t('cycle.session', { n: s.number })}: ${s.title}</option>`)}
        </select></div>
      <label for="cycle-zoom-file">${t('cycle.zoom.file')}</label>
      <input id="cycle-zoom-file" type="file" accept=".csv,text/csv" data-testid="cycle-zoom-file" disabled=${!reg} onChange=${(e) => readFile(e, matchZoom)} />
      ${zoom && html`
        <p data-testid="cycle-zoom-summary">${t('cycle.zoom.matched', { count: zoom.minutes.size })} ${zoom.unmatched ? t('cycle.zoom.unmatched', { count: zoom.unmatched }) : ''}</p>
        <button type="button" data-testid="cycle-zoom-download" onClick=${downloadMinutes}>${t('cycle.zoom.download')}</button>
        ${liveSession && (zoomSession === liveSession.session
          ? html`<button type="button" class="primary" data-testid="cycle-zoom-send" onClick=${sendMinutes}>${t('cycle.zoom.send', { n: liveSession.session })}</button>`
          : html`<p class="hint">${t('cycle.zoom.other_session', { n: liveSession.session })}</p>`)}
        <p class="hint"><code dir="ltr">roundtable programme import ${programmeId} ${zoomSession} FILE</code></p>`}
    </fieldset>

    ${sentNote && html`<p class="saved" role="status" data-testid="cycle-sent">${sentNote}</p>`}
    ${liveSession && html`<form class="cycle-fix" data-testid="cycle-fix" onSubmit=${sendFix}>
      <fieldset class="cycle-step">
        <legend>${t('cycle.fix.heading', { n: liveSession.session })}</legend>
        <div class="form-row"><label for="cycle-fix-label">${t('cycle.fix.label')}</label>
          <input id="cycle-fix-label" dir="auto" data-testid="cycle-fix-label" value=${fix.label} onInput=${(e) => setFix({ ...fix, label: e.currentTarget.value })} required /></div>
        <div class="form-row"><label for="cycle-fix-minutes">${t('cycle.fix.minutes')}</label>
          <input id="cycle-fix-minutes" type="number" min="-1440" max="1440" data-testid="cycle-fix-minutes" value=${fix.minutes} onInput=${(e) => setFix({ ...fix, minutes: e.currentTarget.value })} required /></div>
        <div class="form-row"><label for="cycle-fix-reason">${t('cycle.fix.reason')}</label>
          <input id="cycle-fix-reason" dir="auto" maxlength="200" data-testid="cycle-fix-reason" value=${fix.reason} onInput=${(e) => setFix({ ...fix, reason: e.currentTarget.value })} required /></div>
        <button type="submit" data-testid="cycle-fix-submit">${t('cycle.fix.submit')}</button>
      </fieldset>
    </form>`}

    <fieldset class="cycle-step" data-testid="cycle-certificates">
      <legend>${t('cycle.cert.heading')}</legend>
      <label for="cycle-sheet-file">${t('cycle.cert.sheet')}</label>
      <input id="cycle-sheet-file" type="file" accept=".csv,text/csv" data-testid="cycle-sheet-file" disabled=${!reg} onChange=${(e) => readFile(e, loadSheet)} />
      <label for="cycle-template">${t('cycle.cert.template')}</label>
      <textarea id="cycle-template" data-testid="cycle-template" rows="4" value=${template} onInput=${(e) => setTemplate(e.currentTarget.value)}></textarea>
      ${sheet && html`
        <p data-testid="cycle-cert-count">${t('cycle.cert.eligible', { count: eligible.length })}</p>
        <div class="form-row">
          <button type="button" data-testid="cycle-cert-print" disabled=${!eligible.length} onClick=${printCertificates}>${t('cycle.cert.print')}</button>
          <button type="button" data-testid="cycle-cert-download" disabled=${!eligible.length} onClick=${downloadCertificates}>${t('cycle.cert.download')}</button>
        </div>`}
    </fieldset>
  </section>`;
}
