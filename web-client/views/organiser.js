// organiser.js — the organiser's console (ORG-1): the dashboard of every consultation and
// programme, the "New consultation" form (or an agenda file) with each error shown at its field,
// and a consultation's page: its links (shown once, downloadable as a text file), invitations
// with seats and the waiting list, the deny-list, the seal with its typed confirmation, and the
// report. Every action is an organiser.* command (protocol/README.md, "The organiser's
// console"); none is sent again after a reconnection, since creating twice would make two.
// Never shown: who holds which link, or who wrote a question (CHR-3).
import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import { UI_LANGUAGES, currentLanguage, errorMessage, intlLocale, t } from '../lib/i18n.js';
import { dayIn, formatDay, formatTime, viewerZone, zoneOffsetMs, zonedInstant } from '../lib/clock.js';
import { ActionError, Tabs } from './common.js';
import { sealWordMatches } from './chair-seal.js';
import { OrganiserCycle } from './organiser-cycle.js';

const KINDS = ['opening', 'panel', 'qa', 'break', 'closing'];
const CHANNELS = ['ar', 'fr', 'es'];
const LINK_KINDS = ['participant', 'invitation', 'cochair', 'rapporteur', 'booth', 'stage'];
const FORMATS = ['md', 'html', 'csv', 'json'];

// The start of new links: this page's own address, without the fragment.
export function linkBase(loc = location) {
  const url = new URL('./', loc.href);
  url.hash = '';
  url.search = '';
  return url.href;
}

// Runs organiser commands one at a time; never kept for a reconnection.
function useOrgAction(conn) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  async function run(cmd) {
    setBusy(true);
    setError(null);
    const reply = await conn.command(cmd, { keep: false });
    setBusy(false);
    if (reply.type === 'error') setError(reply);
    return reply;
  }
  return { busy, error, run, clear: () => setError(null) };
}

function ErrorLine({ error }) {
  return error ? html`<${ActionError} error=${errorMessage(error)} />` : null;
}

// A role link's name as people read it.
function linkName(l) {
  if (l.personal) return l.label;
  const role = t(`role.${l.role}`);
  return l.label ? `${role} — ${t(`language.${l.label}`)}` : role;
}

// Links shown once: a list to copy from and a text file to keep.
export function LinksOnce({ title, links, joinCode, joinUrl }) {
  function download() {
    const lines = [title, ''];
    for (const l of links) lines.push(`${linkName(l)}: ${l.url}`);
    if (joinCode) lines.push(`${t('organiser.links.join_code')}: ${joinCode} ${joinUrl}`);
    const blob = new Blob([`${lines.join('\n')}\n`], { type: 'text/plain;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `${title.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').slice(0, 60) || 'links'}-links.txt`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }
  return html`
    <section class="card org-links" aria-labelledby="org-links-heading" data-testid="org-links">
      <h3 id="org-links-heading">${t('organiser.links.heading')}</h3>
      <p class="notice" role="status">${t('organiser.links.once')}</p>
      <dl class="org-link-list">
        ${links.map((l) => html`
          <div class="org-link" key=${l.url}>
            <dt>${linkName(l)}</dt>
            <dd><input type="text" readonly dir="ltr" value=${l.url} aria-label=${linkName(l)} data-testid=${`org-link-${l.role}`}
              onFocus=${(e) => e.currentTarget.select()} /></dd>
          </div>`)}
        ${joinCode && html`<div class="org-link"><dt>${t('organiser.links.join_code')}</dt>
          <dd dir="ltr"><code>${joinCode}</code> <span>${joinUrl}</span></dd></div>`}
      </dl>
      <div class="actions">
        <button type="button" data-testid="org-links-download" onClick=${download}>${t('organiser.links.download')}</button>
      </div>
    </section>`;
}

// --- the dashboard ---------------------------------------------------------------------------

const dateFormatters = new Map();

// "Tue, 16 Jun 2026": an instant's day in a zone, with its year (the dashboard keeps past years).
function formatDate(instant, timeZone, locale) {
  const key = `${locale}|${timeZone}`;
  if (!dateFormatters.has(key)) {
    dateFormatters.set(key, new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }));
  }
  return dateFormatters.get(key).format(new Date(instant));
}

// A consultation's planned start, or a programme's next session's: its day and time in the
// viewer's zone, and, where the event's zone reads another wall clock, the event's own time with
// its zone's abbreviation ("14:00 SAST"). With no date, only the event's wall-clock time.
export function When({ item, now = Date.now() }) {
  const lang = intlLocale(currentLanguage());
  const zone = item.timezone || viewerZone();
  if (item.starts_at) {
    const at = item.starts_at;
    const viewer = viewerZone();
    const same = zoneOffsetMs(at, viewer) === zoneOffsetMs(at, zone);
    const event = dayIn(at, zone) === dayIn(at, viewer) ? formatTime(at, zone, lang) : `${formatDay(at, zone, lang)} ${formatTime(at, zone, lang)}`;
    return html`<time datetime=${new Date(at).toISOString()} title=${zone} data-testid="org-when"><bdi>${formatDate(at, viewer, lang)}</bdi><br /><bdi>${formatTime(at, viewer, lang)}</bdi></time>${
      !same && html`<br /><span class="hint" data-testid="org-when-event"><bdi>${event}</bdi></span>`}`;
  }
  if (item.start) {
    const at = zonedInstant(dayIn(now, zone), item.start, zone);
    return html`<span title=${zone} data-testid="org-when"><bdi>${formatTime(at, zone, lang)}</bdi></span><br /><span class="hint">${t('organiser.no_date')}</span>`;
  }
  return html`<span class="hint" title=${zone}>${item.date || t('organiser.no_date')}</span>`;
}

function Dashboard({ items, onOpen, onNew, busy }) {
  const programmes = items.filter((i) => i.kind === 'programme');
  const consultations = items.filter((i) => i.kind === 'consultation');
  const row = (i) => html`
    <tr key=${i.id} data-testid="org-item" data-id=${i.id}>
      <th scope="row"><bdi>${i.title}</bdi>${i.programme && html`<br /><span class="hint">${t('organiser.session', { n: i.session })}</span>`}</th>
      <td>${t(`organiser.kind.${i.kind}`)}</td>
      <td>${i.sealed ? t('organiser.state.sealed') : t('organiser.state.open')}</td>
      <td><${When} item=${i} /></td>
      <td>${t('organiser.invitations.count', { count: i.invitations })}</td>
      <td>${i.kind === 'consultation'
        ? html`<button type="button" data-testid="org-open" onClick=${() => onOpen(i)}>${t('organiser.open')}<span class="visually-hidden"> <bdi>${i.title}</bdi></span></button>`
        : ''}</td>
    </tr>`;
  return html`
    <section class="card org-dashboard" aria-labelledby="org-dashboard-heading" data-testid="org-dashboard">
      <div class="org-head">
        <h2 id="org-dashboard-heading">${t('organiser.dashboard')}</h2>
        <button type="button" class="primary" data-testid="org-new" onClick=${onNew}>${t('organiser.new')}</button>
      </div>
      ${busy && !items.length ? html`<p class="hint">${t('app.loading')}</p>` : ''}
      ${!busy && !items.length ? html`<p class="hint">${t('organiser.empty')}</p>` : ''}
      ${items.length > 0 && html`
        <div class="org-table-wrap">
          <table class="org-table">
            <caption class="visually-hidden">${t('organiser.dashboard')}</caption>
            <thead><tr>
              <th scope="col">${t('organiser.col.title')}</th><th scope="col">${t('organiser.col.kind')}</th>
              <th scope="col">${t('organiser.col.state')}</th><th scope="col">${t('organiser.col.when')}</th>
              <th scope="col">${t('organiser.col.invitations')}</th><th scope="col"><span class="visually-hidden">${t('organiser.open')}</span></th>
            </tr></thead>
            <tbody>${[...programmes, ...consultations].map(row)}</tbody>
          </table>
        </div>`}
    </section>`;
}

// --- the new consultation form ------------------------------------------------------------------

const emptySegment = (i) => ({ title: '', kind: i === 0 ? 'opening' : 'qa', start: '', duration: 15, questions: i > 0 });

function defaultZone() {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch { return 'UTC'; }
}

// The agenda file the form stands for (protocol/agenda.md).
export function agendaOf(f) {
  let minute = null;
  const segments = f.segments.map((s) => {
    const m = /^(\d\d):(\d\d)$/.exec(s.start || '');
    if (m) minute = Number(m[1]) * 60 + Number(m[2]);
    const start = minute === null ? s.start : `${String(Math.floor(minute / 60) % 24).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
    if (minute !== null) minute += Number(s.duration) || 0;
    return { title: s.title.trim(), kind: s.kind, start, duration: Number(s.duration), questions: s.questions, rule: 'chatham_house' };
  });
  const a = { format: 'roundtable.agenda.v1', title: f.title.trim(), timezone: f.timezone.trim(), floor: 'en', channels: f.channels, premoderation: f.premoderation, segments };
  if (f.date) a.date = f.date;
  return a;
}

function FieldError({ errors, path, id }) {
  const e = errors[path];
  return e ? html`<span class="field-error" id=${id} data-testid="field-error" data-field=${path}>${e}</span>` : null;
}

function NewConsultation({ conn, onCreated, onCancel }) {
  const action = useOrgAction(conn);
  const [f, setF] = useState({
    title: '', timezone: defaultZone(), date: '', channels: [...CHANNELS], premoderation: true,
    segments: [emptySegment(0), emptySegment(1)], invitations: 0,
  });
  const [errors, setErrors] = useState({});
  const [summary, setSummary] = useState(null);
  const [file, setFile] = useState(null); // { name, agenda } from an uploaded agenda file
  const heading = useRef(null);
  useEffect(() => { if (heading.current) heading.current.focus(); }, []);
  const set = (k, v) => setF({ ...f, [k]: v });
  const setSeg = (i, k, v) => set('segments', f.segments.map((s, j) => (j === i ? { ...s, [k]: v } : s)));
  async function submit(ev) {
    ev.preventDefault();
    // A programme file (it has sessions) makes a programme; anything else is an agenda.
    const what = file && Array.isArray(file.agenda.sessions) ? 'programme' : 'agenda';
    const reply = await action.run({ type: 'organiser.create', [what]: file ? file.agenda : agendaOf(f), base: linkBase(), invitations: Number(f.invitations) || 0 });
    if (reply.type === 'organiser.result') {
      setErrors({});
      onCreated(reply);
      return;
    }
    if (reply.type === 'error' && reply.params && reply.params.field) {
      // Each error at its field: the detail lists every place the server found at fault.
      const all = {};
      for (const line of String(reply.params.detail || '').split('\n')) {
        const at = line.indexOf(': ');
        if (at > 0) all[line.slice(0, at)] = t('organiser.field.invalid');
      }
      all[reply.params.field] = t('organiser.field.invalid');
      setErrors(all);
      setSummary(reply.params.detail || reply.params.field);
      const first = document.querySelector(`[data-path="${CSS.escape(reply.params.field)}"]`);
      if (first) first.focus();
    }
  }
  async function pick(ev) {
    const input = ev.currentTarget.files && ev.currentTarget.files[0];
    if (!input) { setFile(null); return; }
    try {
      setFile({ name: input.name, agenda: JSON.parse(await input.text()) });
      setSummary(null);
    } catch {
      setFile(null);
      setSummary(t('organiser.file.not_json'));
    }
  }
  const field = (path, label, input) => html`
    <div class=${`form-row${errors[path] ? ' has-error' : ''}`}>
      <label for=${`f-${path}`}>${label}</label>
      ${input}
      <${FieldError} errors=${errors} path=${path} id=${`e-${path}`} />
    </div>`;
  const attrs = (path) => ({ id: `f-${path}`, 'data-path': path, 'aria-invalid': errors[path] ? 'true' : null, 'aria-describedby': errors[path] ? `e-${path}` : null });
  return html`
    <section class="card org-new" aria-labelledby="org-new-heading" data-testid="org-new-form">
      <h2 id="org-new-heading" tabindex="-1" ref=${heading}>${t('organiser.new')}</h2>
      <form onSubmit=${submit} novalidate>
        <fieldset disabled=${Boolean(file)}>
          <legend>${t('organiser.form.details')}</legend>
          ${field('title', t('organiser.form.title'), html`<input type="text" ...${attrs('title')} dir="auto" value=${f.title} data-testid="f-title" onInput=${(e) => set('title', e.currentTarget.value)} />`)}
          ${field('timezone', t('organiser.form.timezone'), html`<input type="text" ...${attrs('timezone')} dir="ltr" value=${f.timezone} data-testid="f-timezone" onInput=${(e) => set('timezone', e.currentTarget.value)} />`)}
          ${field('date', t('organiser.form.date'), html`<input type="date" ...${attrs('date')} value=${f.date} data-testid="f-date" onInput=${(e) => set('date', e.currentTarget.value)} />`)}
          <fieldset class="org-channels">
            <legend>${t('organiser.form.channels')}</legend>
            ${CHANNELS.map((c) => html`<label class="check" key=${c}><input type="checkbox" checked=${f.channels.includes(c)}
              onChange=${(e) => set('channels', e.currentTarget.checked ? [...f.channels, c] : f.channels.filter((x) => x !== c))} /> ${t(`language.${c}`)}</label>`)}
          </fieldset>
          <label class="check"><input type="checkbox" checked=${f.premoderation} onChange=${(e) => set('premoderation', e.currentTarget.checked)} /> ${t('organiser.form.premoderation')}</label>
          <fieldset class="org-segments">
            <legend>${t('organiser.form.segments')}</legend>
            <ol>
              ${f.segments.map((s, i) => html`
                <li key=${i} class="org-segment" data-testid="org-segment">
                  ${field(`segments[${i}].title`, t('organiser.form.segment_title'), html`<input type="text" ...${attrs(`segments[${i}].title`)} dir="auto" value=${s.title} onInput=${(e) => setSeg(i, 'title', e.currentTarget.value)} />`)}
                  ${field(`segments[${i}].kind`, t('organiser.form.kind'), html`<select ...${attrs(`segments[${i}].kind`)} value=${s.kind} onChange=${(e) => setSeg(i, 'kind', e.currentTarget.value)}>
                    ${KINDS.map((k) => html`<option value=${k}>${t(`organiser.segment.${k}`)}</option>`)}</select>`)}
                  ${i === 0 && field(`segments[${i}].start`, t('organiser.form.start'), html`<input type="time" ...${attrs(`segments[${i}].start`)} value=${s.start} onInput=${(e) => setSeg(i, 'start', e.currentTarget.value)} />`)}
                  ${field(`segments[${i}].duration`, t('organiser.form.minutes'), html`<input type="number" min="1" max="720" inputmode="numeric" ...${attrs(`segments[${i}].duration`)} value=${s.duration} onInput=${(e) => setSeg(i, 'duration', e.currentTarget.value)} />`)}
                  <label class="check"><input type="checkbox" checked=${s.questions} onChange=${(e) => setSeg(i, 'questions', e.currentTarget.checked)} /> ${t('organiser.form.questions')}</label>
                  ${f.segments.length > 1 && html`<button type="button" class="link-button" onClick=${() => set('segments', f.segments.filter((_, j) => j !== i))}>${t('organiser.form.remove_segment', { n: i + 1 })}</button>`}
                </li>`)}
            </ol>
            <button type="button" data-testid="org-add-segment" onClick=${() => set('segments', [...f.segments, emptySegment(f.segments.length)])}>${t('organiser.form.add_segment')}</button>
          </fieldset>
        </fieldset>
        ${field('invitations', t('organiser.form.invitations'), html`<input type="number" min="0" max="10000" inputmode="numeric" ...${attrs('invitations')} value=${f.invitations} data-testid="f-invitations" onInput=${(e) => set('invitations', e.currentTarget.value)} />`)}
        <div class="form-row">
          <label for="f-file">${t('organiser.form.file')}</label>
          <input type="file" id="f-file" accept="application/json,.json" data-testid="f-file" onChange=${pick} />
          ${file && html`<span class="hint">${t('organiser.form.file_used', { file: file.name })}</span>`}
        </div>
        ${summary && html`<div class="action-error" role="alert" data-testid="org-form-errors"><p>${t('organiser.form.errors')}</p><pre dir="ltr">${summary}</pre></div>`}
        ${action.error && !(action.error.params && action.error.params.field) && html`<${ErrorLine} error=${action.error} />`}
        <div class="actions">
          <button type="submit" class="primary" data-testid="f-create" disabled=${action.busy}>${t('organiser.form.create')}</button>
          <button type="button" onClick=${onCancel}>${t('organiser.cancel')}</button>
        </div>
      </form>
    </section>`;
}

// --- a consultation's page -------------------------------------------------------------------

function LinksTab({ conn, item, onLinks }) {
  const action = useOrgAction(conn);
  const [kind, setKind] = useState('cochair');
  const [label, setLabel] = useState('');
  const [done, setDone] = useState(null);
  async function change(act) {
    const cmd = { type: 'organiser.links', consultation: item.id, link: kind, action: act, base: linkBase() };
    if (label.trim()) cmd.label = label.trim();
    const reply = await action.run(cmd);
    if (reply.type !== 'organiser.result') return;
    setDone(reply);
    if (reply.links.length) onLinks(reply);
  }
  return html`
    <section class="org-panel" aria-labelledby="org-linkops-heading">
      <h3 id="org-linkops-heading">${t('organiser.links.change')}</h3>
      <p class="hint">${t('organiser.links.change_hint')}</p>
      <div class="form-row">
        <label for="org-link-kind">${t('organiser.links.kind')}</label>
        <select id="org-link-kind" value=${kind} data-testid="org-link-kind" onChange=${(e) => setKind(e.currentTarget.value)}>
          ${LINK_KINDS.map((k) => html`<option value=${k}>${t(`organiser.link.${k}`)}</option>`)}
        </select>
      </div>
      ${kind === 'invitation' && html`<div class="form-row"><label for="org-link-label">${t('organiser.links.label')}</label>
        <input id="org-link-label" type="text" dir="auto" value=${label} onInput=${(e) => setLabel(e.currentTarget.value)} /></div>`}
      <div class="actions">
        <button type="button" data-testid="org-link-rotate" disabled=${action.busy} onClick=${() => change('rotate')}>${t('organiser.links.rotate')}</button>
        <button type="button" class="danger" data-testid="org-link-revoke" disabled=${action.busy} onClick=${() => change('revoke')}>${t('organiser.links.revoke')}</button>
      </div>
      ${done && html`<p class="saved" role="status" data-testid="org-link-done">${t('organiser.links.done', { count: done.revoked, closed: done.connections_closed })}</p>`}
      <${ErrorLine} error=${action.error} />
    </section>`;
}

function InvitationsTab({ conn, item, onLinks }) {
  const action = useOrgAction(conn);
  const [data, setData] = useState(null);
  const [adds, setAdds] = useState('');
  const [group, setGroup] = useState('');
  const [seats, setSeats] = useState('');
  async function send(extra) {
    const reply = await action.run({ type: 'organiser.invitations', owner: item.id, base: linkBase(), ...extra });
    if (reply.type !== 'organiser.result') return;
    setData(reply);
    setSeats(reply.seats === null || reply.seats === undefined ? '' : String(reply.seats));
    if (reply.links && reply.links.length) onLinks(reply);
  }
  useEffect(() => { send({}); }, [item.id]);
  const groups = data && data.priority ? data.priority.split(' ') : [];
  async function add(ev) {
    ev.preventDefault();
    const labels = adds.split('\n').map((s) => s.trim()).filter(Boolean);
    if (!labels.length) return;
    const cmd = { add: labels };
    if (group) cmd.group = group;
    await send(cmd);
    if (!action.error) setAdds('');
  }
  return html`
    <section class="org-panel" aria-labelledby="org-inv-heading" data-testid="org-invitations">
      <h3 id="org-inv-heading">${t('organiser.invitations.heading')}</h3>
      <p class="hint">${t('organiser.invitations.hint')}</p>
      ${data && html`<p data-testid="org-seats-line">${data.seats === null
        ? t('organiser.invitations.uncapped', { count: data.invited.length, waiting: data.waiting.length })
        : t('organiser.invitations.capped', { count: data.invited.length, seats: data.seats, waiting: data.waiting.length })}</p>`}
      <form class="org-inline" onSubmit=${(e) => { e.preventDefault(); send({ seats: seats === '' ? null : Number(seats) }); }}>
        <label for="org-seats">${t('organiser.invitations.seats')}</label>
        <input id="org-seats" type="number" min="0" max="100000" inputmode="numeric" value=${seats} data-testid="org-seats" onInput=${(e) => setSeats(e.currentTarget.value)} />
        <button type="submit" disabled=${action.busy}>${t('organiser.invitations.set_seats')}</button>
      </form>
      <form onSubmit=${add}>
        <div class="form-row">
          <label for="org-adds">${t('organiser.invitations.add_label')}</label>
          <textarea id="org-adds" rows="3" dir="auto" value=${adds} data-testid="org-adds" onInput=${(e) => setAdds(e.currentTarget.value)}></textarea>
        </div>
        ${groups.length > 0 && html`<div class="form-row"><label for="org-group">${t('organiser.invitations.group')}</label>
          <select id="org-group" value=${group} onChange=${(e) => setGroup(e.currentTarget.value)}>
            <option value="">${t('organiser.invitations.no_group')}</option>
            ${groups.map((g) => html`<option value=${g}>${g}</option>`)}</select></div>`}
        <div class="actions"><button type="submit" class="primary" data-testid="org-add" disabled=${action.busy}>${t('organiser.invitations.add')}</button></div>
      </form>
      <${ErrorLine} error=${action.error} />
      ${data && html`
        <div class="org-columns">
          <div>
            <h4>${t('organiser.invitations.invited')}</h4>
            <ul class="org-labels" data-testid="org-invited">
              ${data.invited.map((l) => html`<li key=${l}><bdi>${l}</bdi>
                <button type="button" class="link-button" onClick=${() => send({ revoke: [l] })}>${t('organiser.invitations.revoke')}<span class="visually-hidden"> <bdi>${l}</bdi></span></button></li>`)}
            </ul>
          </div>
          <div>
            <h4>${t('organiser.invitations.waiting')}</h4>
            <ol class="org-labels" data-testid="org-waiting">
              ${data.waiting.map((w) => html`<li key=${w.label}><bdi>${w.label}</bdi>${w.group && html` <span class="hint">(${w.group})</span>`}
                <button type="button" class="link-button" onClick=${() => send({ revoke: [w.label] })}>${t('organiser.invitations.remove')}<span class="visually-hidden"> <bdi>${w.label}</bdi></span></button></li>`)}
            </ol>
          </div>
        </div>`}
    </section>`;
}

function DenylistTab({ conn, item }) {
  const action = useOrgAction(conn);
  const [names, setNames] = useState('');
  const [done, setDone] = useState(null);
  async function send(ev) {
    ev.preventDefault();
    const reply = await action.run({ type: 'organiser.denylist', consultation: item.id, denylist: names });
    if (reply.type === 'organiser.result') setDone(reply.entries);
  }
  return html`
    <section class="org-panel" aria-labelledby="org-deny-heading">
      <h3 id="org-deny-heading">${t('organiser.denylist.heading')}</h3>
      <p class="hint">${t('organiser.denylist.hint')}</p>
      <form onSubmit=${send}>
        <div class="form-row">
          <label for="org-deny">${t('organiser.denylist.label')}</label>
          <textarea id="org-deny" rows="5" dir="auto" value=${names} data-testid="org-deny" onInput=${(e) => setNames(e.currentTarget.value)}></textarea>
        </div>
        <div class="actions"><button type="submit" class="primary" data-testid="org-deny-send" disabled=${action.busy}>${t('organiser.denylist.send')}</button></div>
      </form>
      ${done !== null && html`<p class="saved" role="status" data-testid="org-deny-done">${t('organiser.denylist.done', { count: done })}</p>`}
      <${ErrorLine} error=${action.error} />
    </section>`;
}

function SealExportTab({ conn, item, onSealed }) {
  const seal = useOrgAction(conn);
  const exp = useOrgAction(conn);
  const [typed, setTyped] = useState('');
  const [lang, setLang] = useState(UI_LANGUAGES.includes(currentLanguage()) ? currentLanguage() : 'en');
  const [last, setLast] = useState(null);
  const ok = sealWordMatches(typed, item.title);
  async function doSeal(ev) {
    ev.preventDefault();
    if (!ok) return;
    const reply = await seal.run({ type: 'organiser.seal', consultation: item.id, confirm: typed.trim().toLowerCase() === item.title.trim().toLowerCase() ? item.title : 'SEAL' });
    if (reply.type !== 'organiser.result') return;
    setLast(null); // what was downloaded before the seal is said no more
    onSealed();
  }
  // A document comes over HTTP with a one-time ticket (never the organiser's token in a URL).
  async function fetchOnce(cmd) {
    const reply = await exp.run(cmd);
    if (reply.type !== 'organiser.result') return;
    const a = document.createElement('a');
    a.href = new URL(reply.url, linkBase()).href;
    a.download = reply.filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setLast(reply);
  }
  const download = (format) => fetchOnce({ type: 'organiser.export', consultation: item.id, format, lang });
  return html`
    <section class="org-panel" aria-labelledby="org-export-heading">
      <h3 id="org-export-heading">${t('report.export.heading')}</h3>
      <p>${t(item.sealed ? 'report.export.sealed' : 'report.export.draft')}</p>
      <div class="form-row">
        <label for="org-report-lang">${t('report.export.language')}</label>
        <select id="org-report-lang" value=${lang} onChange=${(e) => setLang(e.currentTarget.value)}>
          ${UI_LANGUAGES.map((l) => html`<option value=${l}>${t(`language.${l}`)}</option>`)}
        </select>
      </div>
      <div class="actions">
        ${FORMATS.map((f) => html`<button type="button" data-testid=${`org-export-${f}`} disabled=${exp.busy} onClick=${() => download(f)}>${t(`report.format.${f}`)}</button>`)}
      </div>
      <h3 id="org-backup-heading" class="org-subhead">${t('organiser.backup.heading')}</h3>
      <p class="hint">${t('organiser.backup.hint')}</p>
      <div class="actions">
        <button type="button" data-testid="org-backup" disabled=${exp.busy} onClick=${() => fetchOnce({ type: 'organiser.backup', consultation: item.id })}>${t('organiser.backup.button')}</button>
      </div>
      ${last && html`<p class="saved" role="status" data-testid="org-export-done">${t('report.export.done', { file: last.filename })}</p>`}
      ${last && last.op === 'backup' && !last.sealed && html`<p class="notice" role="status" data-testid="org-backup-unsealed">${t('organiser.backup.unsealed')}</p>`}
      <${ErrorLine} error=${exp.error} />
    </section>
    <section class="org-panel org-seal" aria-labelledby="org-seal-heading">
      <h3 id="org-seal-heading">${t('organiser.seal.heading')}</h3>
      ${item.sealed
        ? html`<p class="saved" data-testid="org-sealed">${t('organiser.seal.sealed')}</p>`
        : html`
          <p>${t('organiser.seal.warning')}</p>
          <form onSubmit=${doSeal}>
            <div class="form-row">
              <label for="org-seal-word">${t('seal.type', { word: t('seal.word') })}</label>
              <input id="org-seal-word" type="text" dir="auto" autocomplete="off" value=${typed} data-testid="org-seal-word" onInput=${(e) => setTyped(e.currentTarget.value)} />
            </div>
            <div class="actions"><button type="submit" class="danger" data-testid="org-seal" disabled=${!ok || seal.busy}>${t('organiser.seal.button')}</button></div>
          </form>`}
      <${ErrorLine} error=${seal.error} />
    </section>`;
}

function ConsultationPage({ conn, item, created, onBack, onSealed, lang }) {
  const [tab, setTab] = useState('links');
  const [shown, setShown] = useState(created); // links shown once, then gone with the page
  const heading = useRef(null);
  useEffect(() => { if (heading.current) heading.current.focus(); }, [item.id]);
  const tabs = [
    { id: 'links', label: t('organiser.tab.links') },
    { id: 'invitations', label: t('organiser.tab.invitations') },
    { id: 'denylist', label: t('organiser.tab.denylist') },
    { id: 'seal', label: t('organiser.tab.seal') },
    { id: 'cycle', label: t('organiser.tab.cycle'), attrs: { 'data-testid': 'org-tab-cycle' } },
  ].map((x) => ({ ...x, attrs: { 'data-testid': `org-tab-${x.id}`, ...(x.attrs || {}) } }));
  const onLinks = (reply) => setShown({ links: reply.links, join_code: reply.join_code, join_url: reply.join_url });
  return html`
    <section class="org-page" aria-labelledby="org-page-heading" data-testid="org-page" data-id=${item.id}>
      <p><button type="button" class="link-button" data-testid="org-back" onClick=${onBack}>${t('organiser.back')}</button></p>
      <h2 id="org-page-heading" tabindex="-1" ref=${heading}><bdi>${item.title}</bdi></h2>
      <p class="hint">${item.sealed ? t('organiser.state.sealed') : t('organiser.state.open')} · <span dir="ltr">${item.id}</span></p>
      ${shown && shown.links && shown.links.length > 0 && html`<${LinksOnce} title=${item.title} links=${shown.links} joinCode=${shown.join_code} joinUrl=${shown.join_url} />`}
      <${Tabs} tabs=${tabs} selected=${tab} onSelect=${setTab} label=${t('organiser.tabs')} idPrefix="org" />
      <div class="card" role="tabpanel" id="org-panel" aria-labelledby=${`org-tab-${tab}`}>
        ${tab === 'links' && html`<${LinksTab} conn=${conn} item=${item} onLinks=${onLinks} />`}
        ${tab === 'invitations' && html`<${InvitationsTab} conn=${conn} item=${item} onLinks=${onLinks} />`}
        ${tab === 'denylist' && html`<${DenylistTab} conn=${conn} item=${item} />`}
        ${tab === 'seal' && html`<${SealExportTab} conn=${conn} item=${item} onSealed=${onSealed} />`}
        ${tab === 'cycle' && html`<${OrganiserCycle} consultation=${item} programme=${null} conn=${conn} lang=${lang} />`}
      </div>
    </section>`;
}

export function OrganiserView({ conn, lang }) {
  const list = useOrgAction(conn);
  const [items, setItems] = useState([]);
  const [page, setPage] = useState({ name: 'dashboard' }); // dashboard | new | item (id, created)
  async function refresh() {
    const reply = await list.run({ type: 'organiser.list' });
    if (reply.type === 'organiser.result') setItems(reply.items);
    return reply;
  }
  useEffect(() => { refresh(); }, []);
  async function created(reply) {
    await refresh();
    // A programme's links work in every session: shown once above the dashboard.
    if (reply.programme) setPage({ name: 'dashboard', created: reply });
    else setPage({ name: 'item', id: reply.consultation.id, created: reply });
  }
  const item = page.name === 'item' ? items.find((i) => i.id === page.id) : null;
  let body;
  if (page.name === 'new') body = html`<${NewConsultation} conn=${conn} onCreated=${created} onCancel=${() => setPage({ name: 'dashboard' })} />`;
  else if (item) {
    body = html`<${ConsultationPage} key=${item.id} conn=${conn} item=${item} created=${page.created} lang=${lang}
      onBack=${() => { setPage({ name: 'dashboard' }); refresh(); }} onSealed=${refresh} />`;
  } else {
    const made = page.created && page.created.programme;
    body = html`
      ${made && html`<${LinksOnce} title=${made.title} links=${page.created.links} joinCode=${page.created.join_code} joinUrl=${page.created.join_url} />`}
      <${Dashboard} items=${items} busy=${list.busy} onOpen=${(i) => setPage({ name: 'item', id: i.id })} onNew=${() => setPage({ name: 'new' })} />`;
  }
  return html`<div class="organiser" data-testid="organiser">
    ${body}
    <${ErrorLine} error=${list.error} />
  </div>`;
}
