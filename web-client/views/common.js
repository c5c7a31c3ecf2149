// common.js — pieces every view shares: a question's text and label, the action hook that
// shows each command's state (sending, refused with the localised reason), tabs, the
// "now answering" card, the agenda countdown and the agenda with its times in two zones.
import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import { UI_LANGUAGES, currentLanguage, directionOf, errorMessage, intlLocale, t } from '../lib/i18n.js';
import {
  agendaRows, bothZones, dayIn, formatRemaining, msToNextChange, phaseOf, remainingMs, viewerZone,
} from '../lib/clock.js';

// Runs commands one at a time; `busy` while one is in flight, `error` the last refusal.
export function useAction(conn) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  async function run(cmd) {
    if (!conn) return null;
    setBusy(true);
    setError(null);
    const reply = await conn.command(cmd);
    setBusy(false);
    if (reply.type === 'error') setError(errorMessage(reply));
    return reply;
  }
  return { busy, error, run, clear: () => setError(null) };
}

// Each language named in itself, so that anyone finds their own whatever the page shows.
const AUTONYMS = { en: 'English', ar: 'العربية', fr: 'Français', es: 'Español' };

// The UI language menu (in the header on every page, and on the participant's first screen).
export function LanguagePicker({ lang, onChange, id, testid, visibleLabel = false }) {
  return html`
    <span class="language-picker">
      <label for=${id} class=${visibleLabel ? null : 'visually-hidden'}>${t('language.picker')}</label>
      <select id=${id} data-testid=${testid} value=${lang} title=${visibleLabel ? null : t('language.picker.hint')}
        onChange=${(e) => onChange(e.currentTarget.value)}>
        ${UI_LANGUAGES.map((l) => html`<option value=${l} lang=${l} dir=${directionOf(l)}>${AUTONYMS[l]}</option>`)}
      </select>
    </span>`;
}

// A question asked before something that cannot be undone: the focus goes to "yes" (the
// keyboard user is where the decision is), Esc is "no".
export function Confirm({ label, text, yes, no, onYes, onNo, busy = false, yesTestid, noTestid }) {
  const ref = useRef(null);
  useEffect(() => { if (ref.current) ref.current.focus(); }, []);
  const onKeyDown = (ev) => { if (ev.key === 'Escape') { ev.preventDefault(); onNo(); } };
  return html`
    <div class="confirm" role="group" aria-label=${label} onKeyDown=${onKeyDown}>
      <p>${text}</p>
      <div class="actions">
        <button type="button" class="danger" ref=${ref} data-testid=${yesTestid} disabled=${busy} onClick=${onYes}>${yes}</button>
        <button type="button" data-testid=${noTestid} onClick=${onNo}>${no}</button>
      </div>
    </div>`;
}

export function ActionError({ error }) {
  return error ? html`<p class="action-error" role="alert" data-testid="action-error">${error}</p>` : null;
}

// CHR-6: runs a text command (a question, an edit, a note, a summary) with `action`'s run and
// clear (useAction's, or the console's for one question): a text.identifying refusal is kept
// in `found` for IdentifyingNotice instead of shown as an error; `run(cmd, true)` stores the
// text with placeholders; any other reply, or `drop()` (the text changed), puts `found` away.
export function useIdentifying({ run, clear }) {
  const [found, setFound] = useState(null);
  async function runText(cmd, placeholders = false) {
    const reply = await run(placeholders ? { ...cmd, placeholders: true } : cmd);
    if (reply && reply.type === 'error' && reply.code === 'text.identifying') {
      clear();
      setFound(reply);
    } else {
      setFound(null);
    }
    return reply;
  }
  return { found, run: runText, drop: () => setFound(null) };
}

// CHR-6: what the server found in a text that could identify someone, and the two ways on:
// change the text, or store it with placeholders ([email], [name], …) in those places. `limits`
// adds, for participants, what the check cannot catch.
export function IdentifyingNotice({ reply, busy, onPlaceholders, onEdit, limits = false }) {
  if (!reply || reply.code !== 'text.identifying') return null;
  const found = (reply.params && reply.params.found) || [];
  return html`
    <div class="identifying" role="alert" data-testid="identifying">
      <p>${t('identifying.intro')}</p>
      <ul>
        ${found.map((f) => html`
          <li data-testid="identifying-item" data-kind=${f.kind}>
            ${t(`identifying.kind.${f.kind}`)}: <bdi class="found">${f.text}</bdi>
            <span class="becomes">${t('identifying.becomes', { placeholder: f.placeholder })}</span></li>`)}
      </ul>
      ${limits && html`<p data-testid="identifying-limits">${t('identifying.limits')}</p>`}
      <div class="actions">
        <button type="button" class="primary" data-testid="post-placeholders" disabled=${busy} onClick=${onPlaceholders}>
          ${t('identifying.placeholders')}</button>
        <button type="button" data-testid="identifying-edit" onClick=${onEdit}>${t('identifying.edit')}</button>
      </div>
    </div>`;
}

// CHR-5: a sealed consultation is read-only for everyone.
export function SealedNotice({ consultation }) {
  return consultation && consultation.sealed
    ? html`<p class="notice notice-sealed" role="status" data-testid="sealed-notice">${t('sealed.notice')}</p>`
    : null;
}

// Moves the keyboard focus to the element `selector` names once the next render is on screen
// (the element may be new, or replace one that had the focus); `scroll` brings it into view.
export function focusSoon(selector, { scroll = false } = {}) {
  requestAnimationFrame(() => {
    const el = document.querySelector(selector);
    if (!el) return;
    el.focus({ preventScroll: scroll });
    if (scroll) el.scrollIntoView({ block: 'nearest' });
  });
}

// Code points, as the server counts them (after NFC normalisation).
export function codePoints(text) {
  return [...text.normalize('NFC')].length;
}

// A text's length in code points out of the most the server takes (`max`, one of the
// snapshot's limits), marked once it is over.
export function Counter({ count, max, id = null, testid = null }) {
  return html`<span id=${id} class=${count > max ? 'counter over' : 'counter'} data-testid=${testid}>${t('participant.post.count', { count, max })}</span>`;
}

// A question's label, language, markers and text. The text is the participant's own words in
// their own script: isolated (dir=auto) and tagged with its language.
export function QuestionBody({ q, answering = false, showSegment = null, next = false }) {
  return html`
    <div class="question-body">
      <div class="question-meta">
        <span class="label">${t('question.label', { id: q.id })}</span>
        <span class="lang" title=${t(`language.${q.lang}`)}>${q.lang.toUpperCase()}</span>
        ${answering && html`<span class="badge badge-answering">${t('question.answering')}</span>`}
        ${q.pinned && html`<span class="badge badge-pinned" data-testid="pinned-mark">${t('question.pinned')}</span>`}
        ${next && html`<span class="badge badge-next" data-testid="next-mark">${t('question.next')}</span>`}
        ${q.state === 'answered' && html`<span class="badge badge-answered">${t('question.state.answered')}</span>`}
        ${q.edited && html`<span class="badge badge-edited" data-testid="edited-mark" title=${t('question.edited.hint')}>${t('question.edited')}</span>`}
        ${showSegment !== null && html`<span class="segment-tag">${t('question.segment', { n: showSegment + 1 })}</span>`}
      </div>
      <p class="text" dir="auto" lang=${q.lang}>${q.text}</p>
    </div>`;
}

export function VoteCount({ q }) {
  return html`<span class="votes" title=${t('question.votes', { count: q.votes })}>
    <span data-testid="votes" aria-hidden="true">${q.votes}</span>
    <span class="visually-hidden">${t('question.votes', { count: q.votes })}</span></span>`;
}

// The approved queue as others watch it: each question with its vote count, no actions.
export function WatchedQueue({ queue, empty, answering = null, next = null }) {
  return html`
    ${queue.length === 0 && html`<p class="empty">${empty}</p>`}
    <ol class="questions" data-testid="queue">
      ${queue.map((q) => html`
        <li key=${q.id} class=${q.id === answering ? 'question is-answering' : 'question'} data-testid="queue-item" data-id=${q.id}>
          <${QuestionBody} q=${q} answering=${q.id === answering} next=${q.id === next} />
          <div class="actions"><${VoteCount} q=${q} /></div>
        </li>`)}
    </ol>`;
}

// Questions already answered, dimmed, with their final vote counts.
export function AnsweredQuestions({ answered }) {
  return html`
    <ul class="questions dimmed" data-testid="answered">
      ${answered.map((q) => html`
        <li key=${q.id} class="question" data-testid="answered-item" data-id=${q.id}>
          <${QuestionBody} q=${q} />
          <div class="actions"><${VoteCount} q=${q} /></div>
        </li>`)}
    </ul>`;
}

// The question being answered now, highlighted; children are the actions a role may take.
export function NowAnswering({ q, children, headingLevel = 2 }) {
  if (!q) return null;
  const Heading = `h${headingLevel}`;
  return html`
    <section class="card now-answering" data-testid="now-answering" data-id=${q.id} aria-labelledby="now-answering-heading">
      <${Heading} id="now-answering-heading" class="now-answering-heading">${t('question.answering')}</${Heading}>
      <div class="now-answering-body">
        <span class="label">${t('question.label', { id: q.id })}</span>
        ${q.edited && html`<span class="badge badge-edited" data-testid="edited-mark">${t('question.edited')}</span>`}
        <p class="text" dir="auto" lang=${q.lang}>${q.text}</p>
      </div>
      ${children}
    </section>`;
}

// A row of tabs (WAI-ARIA tabs pattern, manual activation): arrow keys move between tabs,
// Home and End go to the ends; the panel is the caller's, labelled by the selected tab.
// tabs: [{ id, label, count?, testid, extra? }]
export function Tabs({ tabs, selected, onSelect, label, idPrefix, testid = null }) {
  const ref = useRef(null);
  function onKeyDown(ev) {
    const i = tabs.findIndex((tab) => tab.id === selected);
    const rtl = ref.current && getComputedStyle(ref.current).direction === 'rtl';
    const fwd = rtl ? 'ArrowLeft' : 'ArrowRight';
    const back = rtl ? 'ArrowRight' : 'ArrowLeft';
    let j = null;
    if (ev.key === fwd) j = (i + 1) % tabs.length;
    else if (ev.key === back) j = (i - 1 + tabs.length) % tabs.length;
    else if (ev.key === 'Home') j = 0;
    else if (ev.key === 'End') j = tabs.length - 1;
    if (j === null) return;
    ev.preventDefault();
    onSelect(tabs[j].id);
    const buttons = ref.current ? ref.current.querySelectorAll('[role="tab"]') : [];
    if (buttons[j]) buttons[j].focus();
  }
  return html`
    <div class="tabs" role="tablist" aria-label=${label} ref=${ref} onKeyDown=${onKeyDown} data-testid=${testid}>
      ${tabs.map((tab) => html`
        <button type="button" role="tab" key=${tab.id} id=${`${idPrefix}-tab-${tab.id}`}
          aria-selected=${tab.id === selected ? 'true' : 'false'} aria-controls=${`${idPrefix}-panel`}
          tabindex=${tab.id === selected ? '0' : '-1'} class="tab" onClick=${() => onSelect(tab.id)}
          ...${tab.attrs || {}}>
          <span class="tab-label">${tab.label}</span>
          ${tab.count !== undefined && html` <span class="tab-count">${tab.count}</span>`}
        </button>`)}
    </div>`;
}

// --- the agenda clock -------------------------------------------------------------------------

// The server's time now: this browser's clock corrected by the measured offset.
export function serverNow(offset) {
  return Date.now() + (offset || 0);
}

// Renders again whenever what a countdown shows changes: at the next whole second while the
// clock runs (no timer at all while it is idle or paused). Returns the server's time now.
export function useServerTime(offset, clock, everyMs = null) {
  const [, setTick] = useState(0);
  const now = serverNow(offset);
  const remaining = remainingMs(clock, now);
  useEffect(() => {
    if (!clock || clock.state !== 'running') return undefined;
    const wait = everyMs ?? msToNextChange(remaining);
    const id = setTimeout(() => setTick((x) => x + 1), wait + 5);
    return () => clearTimeout(id);
  });
  return now;
}

// A time in the event's zone, and in the viewer's when it differs: "12:00 BST / 13:00 CEST".
// The parts are test ids `${kind}-event` and `${kind}-viewer`.
export function ZonedTime({ instant, zone, kind = 'planned' }) {
  if (instant === null) return null;
  const z = bothZones(instant, zone, viewerZone(), intlLocale(currentLanguage()));
  return html`<span class="zoned-time"><span data-testid=${`${kind}-event`}>${z.event}</span>${z.viewer && html`<span class="other-zone"> / <span data-testid=${`${kind}-viewer`}>${z.viewer}</span></span>`}</span>`;
}

// Every segment planned and actual, dating an undated agenda today in the event's zone.
export function agendaToday(consultation, now) {
  return agendaRows(consultation, now, dayIn(now, consultation.timezone));
}

// The current segment's countdown, on every view (AG-3): time left, then a warning colour in
// the last warning_minutes, then an overrun counter. Before the clock starts it shows when the
// segment is planned to start. Changes of phase are announced once, politely.
export function Countdown({ consultation, offset, large = false }) {
  const c = consultation;
  const clock = c.clock || { state: 'idle', segment: c.current_segment };
  const now = useServerTime(offset, clock);
  const remaining = remainingMs(clock, now);
  const phase = phaseOf(remaining, c.clock_settings);
  const said = useRef({ phase: null, segment: null });
  const [announce, setAnnounce] = useState('');
  useEffect(() => {
    const before = said.current;
    if (before.segment === clock.segment && before.phase !== phase && (phase === 'warning' || phase === 'overrun')) {
      setAnnounce(t(`clock.announce.${phase}`, { minutes: (c.clock_settings && c.clock_settings.warning_minutes) ?? 2 }));
    }
    said.current = { phase, segment: clock.segment };
  });
  const cls = `countdown${large ? ' countdown-large' : ''} phase-${phase || 'idle'} state-${clock.state}`;
  let label;
  let body;
  if (clock.state === 'idle') {
    const row = agendaToday(c, now)[c.current_segment];
    label = t('clock.not_started');
    body = row && row.plannedStart !== null
      ? html`<span class="countdown-planned">${t('clock.planned')} <${ZonedTime} instant=${row.plannedStart} zone=${c.timezone} /></span>`
      : null;
  } else {
    const key = { overrun: 'clock.overrun', warning: 'clock.ending', normal: 'clock.left' }[phase];
    label = t(clock.state === 'paused' ? 'clock.paused' : key);
    body = html`<span class="countdown-time" data-testid="countdown-time" dir="ltr">${formatRemaining(remaining)}</span>`;
  }
  return html`
    <div class=${cls} data-testid="countdown" data-state=${clock.state} data-phase=${phase || 'idle'} data-segment=${clock.segment}
      role="timer" aria-label=${remaining === null ? label : `${label} ${formatRemaining(remaining)}`}>
      <span class="countdown-label">${label}</span>
      ${body}
      <span class="visually-hidden" aria-live="polite" data-testid="countdown-announcer">${announce}</span>
    </div>`;
}

// The agenda as planned, for those who follow it (participants, booths, the rapporteur): each
// segment's time in the event's zone and the viewer's, its length, and which one is on now.
export function AgendaList({ consultation, offset }) {
  const c = consultation;
  const rows = agendaToday(c, serverNow(offset));
  return html`
    <details class="card agenda-list" data-testid="agenda">
      <summary><h2 class="inline-heading">${t('agenda.heading')}</h2></summary>
      <ol class="agenda-items">
        ${rows.map((r) => html`
          <li key=${r.index} class=${r.index === c.current_segment ? 'agenda-item is-current' : 'agenda-item'} data-testid="agenda-item"
            aria-current=${r.index === c.current_segment ? 'step' : null}>
            <span class="agenda-when"><${ZonedTime} instant=${r.plannedStart} zone=${c.timezone} /></span>
            <span class="agenda-title"><bdi>${r.title}</bdi></span>
            <span class="agenda-side">
              ${r.index === c.current_segment && html`<span class="badge badge-now">${t('agenda.now')}</span>`}
              <span class="agenda-length">${t('agenda.minutes', { n: r.plannedMs / 60000 })}</span>
            </span>
          </li>`)}
      </ol>
    </details>`;
}

// CHR-5: how many questions the seal deleted, counted (their items are gone).
export function Unpublished({ consultation }) {
  const u = consultation.unpublished;
  return u ? html`<p data-testid="ended-unpublished">${t('ended.unpublished', u)}</p>` : null;
}

// CHR-5, EX-7: a step that cannot be undone (the seal, the final report). The dialog opens on
// Cancel and its button works only once the word it asks for is typed (`matches`); `command`
// is sent, and the dialog closes on its ack. `id` prefixes the test ids and element ids.
export function TypedConfirmDialog({ id, conn, command, matches, heading, text, label, yes, danger, onClose, children }) {
  const action = useAction(conn);
  const [typed, setTyped] = useState('');
  const dialog = useRef(null);
  const cancel = useRef(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    if (cancel.current) cancel.current.focus();
  }, []);
  const ok = matches(typed);
  async function confirm() {
    if (!ok) return;
    const reply = await action.run(command);
    if (reply && reply.type === 'ack') onClose();
  }
  return html`
    <dialog ref=${dialog} class="help-dialog seal-dialog" data-testid=${`${id}-dialog`} aria-labelledby=${`${id}-dialog-heading`}
      onClose=${onClose} onCancel=${(e) => { e.preventDefault(); onClose(); }}>
      <h2 id=${`${id}-dialog-heading`}>${heading}</h2>
      <p>${text}</p>
      ${children}
      <label for=${`${id}-word`}>${label}</label>
      <input id=${`${id}-word`} data-testid=${`${id}-word`} autocomplete="off" spellcheck="false" dir="auto" value=${typed}
        onInput=${(e) => setTyped(e.currentTarget.value)}
        onKeyDown=${(e) => { if (e.key === 'Enter') { e.preventDefault(); confirm(); } }} />
      <div class="actions">
        <button type="button" ref=${cancel} data-testid=${`${id}-cancel`} onClick=${onClose}>${t('action.cancel')}</button>
        <button type="button" class=${danger ? 'danger' : 'primary'} data-testid=${`${id}-confirm`} disabled=${!ok || action.busy}
          onClick=${confirm}>${yes}</button>
      </div>
      <${ActionError} error=${action.error} />
    </dialog>`;
}
