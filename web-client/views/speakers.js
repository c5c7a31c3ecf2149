// speakers.js — the list of speakers (FLOOR-1), one part per page: the participant asks for the
// floor in a language and gets a ticket ("speaker 7"), never a name, sees their place and can
// withdraw; when called, the page (and a screen reader) tells them to unmute in Zoom and say
// their ticket. The co-chairs see the list in order with each intervention's time budget and a
// timer on the server's clock, and call, skip, close or reopen it. The booths see the languages
// coming, and what each will mean for them (direct, retour or relay), before the call moves the
// floor. The stage shows who has the floor and how many wait.
import { html, useEffect, useState } from '../vendor/preact-htm.js';
import { currentLanguage, errorMessage, t } from '../lib/i18n.js';
import { formatSeconds } from '../lib/clock.js';
import { boothMode, languagesOf } from '../lib/state.js';
import { ActionError, serverNow, useAction } from './common.js';

const EMPTY = { closed: [], current: null, queue: [] };
const SHOWN_TO_BOOTHS = 5; // the next speakers a booth sees

function speakersOf(c) {
  return c.speakers || EMPTY;
}

function listOpen(c) {
  return !speakersOf(c).closed.includes(c.current_segment);
}

// One intervention's budget in the current segment, in ms; null for none.
function budgetMs(c) {
  const seg = c.segments[c.current_segment];
  return seg && seg.speaking_minutes ? seg.speaking_minutes * 60000 : null;
}

// Renders again every second while someone has the floor; the server's time now.
function useTicking(offset, running) {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!running) return undefined;
    const id = setInterval(() => setTick((x) => x + 1), 1000);
    return () => clearInterval(id);
  }, [running]);
  return serverNow(offset);
}

// The current speaker's time: elapsed against the budget, "+0:20" once over it.
function SpeakerTimer({ c, offset, large = false }) {
  const current = speakersOf(c).current;
  const now = useTicking(offset, Boolean(current));
  if (!current || !current.called_at) return null;
  const elapsed = Math.max(0, now - current.called_at);
  const budget = budgetMs(c);
  const over = budget !== null && elapsed > budget;
  const shown = budget === null ? formatSeconds(elapsed / 1000) : `${over ? '+' : ''}${formatSeconds(Math.abs(budget - elapsed) / 1000)}`;
  const label = budget === null ? t('speakers.timer.elapsed') : over ? t('speakers.timer.over') : t('speakers.timer.left');
  return html`<span class=${`speaker-timer${over ? ' over' : ''}${large ? ' large' : ''}`} data-testid="speaker-timer" data-over=${over ? 'true' : 'false'}
    role="timer" aria-label=${`${label} ${shown}`}><span class="speaker-timer-label">${label}</span> <span dir="ltr">${shown}</span></span>`;
}

function Ticket({ ticket }) {
  return html`<span class="ticket" data-testid="ticket">${t('speakers.ticket', { ticket })}</span>`;
}

// --- the participant ----------------------------------------------------------------------------

function RequestForm({ state, conn }) {
  const c = state.consultation;
  const langs = languagesOf(c);
  const [lang, setLang] = useState(langs.includes(currentLanguage()) ? currentLanguage() : c.floor);
  const [topic, setTopic] = useState('');
  const action = useAction(conn);
  async function request(e) {
    e.preventDefault();
    const cmd = { type: 'speaker.request', lang };
    if (topic !== '') cmd.topic = Number(topic);
    await action.run(cmd);
  }
  if (!listOpen(c)) return html`<p class="notice notice-closed" role="status" data-testid="speakers-closed">${t('speakers.closed')}</p>`;
  return html`
    <form class="speaker-request" onSubmit=${request} data-testid="speaker-request">
      <div class="field">
        <label for="speaker-lang">${t('speakers.request.lang')}</label>
        <select id="speaker-lang" data-testid="speaker-lang" value=${lang} onChange=${(e) => setLang(e.currentTarget.value)}>
          ${langs.map((l) => html`<option value=${l}>${t(`language.${l}`)}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="speaker-topic">${t('speakers.request.topic')}</label>
        <select id="speaker-topic" data-testid="speaker-topic" value=${topic} onChange=${(e) => setTopic(e.currentTarget.value)}>
          <option value="">${t('speakers.request.topic_none')}</option>
          ${c.segments.map((s, i) => html`<option value=${String(i)}>${s.title}</option>`)}
        </select>
      </div>
      <button type="submit" class="primary" data-testid="speaker-request-button" disabled=${action.busy}>${t('speakers.request.button')}</button>
      <${ActionError} error=${action.error} />
    </form>`;
}

export function SpeakersParticipant({ state, conn }) {
  const c = state.consultation;
  const action = useAction(conn);
  // An empty block rather than none, so that the page's blocks keep their places (FLOOR-1).
  if (c.sealed || !state.ruleAccepted) return html`<section class="speakers-none" data-testid="speakers" hidden></section>`;
  const s = speakersOf(c);
  const mine = state.ticket;
  const called = mine && s.current && s.current.ticket === mine;
  const place = mine ? s.queue.findIndex((x) => x.ticket === mine) + 1 : 0;
  let body;
  if (called) {
    // Wherever the page is scrolled: a banner at the foot of the screen, said at once.
    body = html`
      <div class="speaker-called" role="alert" data-testid="speaker-called">
        <p class="speaker-called-head">${t('speakers.called.heading')}</p>
        <p>${t('speakers.called.say', { ticket: mine })}</p>
        <button type="button" data-testid="speaker-done" disabled=${action.busy} onClick=${() => action.run({ type: 'speaker.withdraw' })}>${t('speakers.done')}</button>
      </div>
      <p class="hint">${t('speakers.called.hint')}</p>`;
  } else if (place > 0) {
    body = html`
      <p class="speaker-place" role="status" data-testid="speaker-place" data-place=${place}>
        <${Ticket} ticket=${mine} /> · ${t('speakers.place', { count: place - 1 })}</p>
      <p class="hint">${t('speakers.place.hint')}</p>
      <button type="button" data-testid="speaker-withdraw" disabled=${action.busy} onClick=${() => action.run({ type: 'speaker.withdraw' })}>${t('speakers.withdraw')}</button>`;
  } else {
    body = html`<p class="hint">${t('speakers.request.hint')}</p><${RequestForm} state=${state} conn=${conn} />`;
  }
  return html`
    <section class="card speakers" aria-labelledby="speakers-heading" data-testid="speakers">
      <h2 id="speakers-heading">${t('speakers.heading')}</h2>
      ${body}
      <${ActionError} error=${action.error} />
    </section>`;
}

// --- the co-chairs ------------------------------------------------------------------------------

function topicTitle(c, topic) {
  return topic === undefined ? null : c.segments[topic] ? c.segments[topic].title : null;
}

export function SpeakersChair({ state, conn, offset }) {
  const c = state.consultation;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  if (c.sealed) return null;
  const s = speakersOf(c);
  const open = listOpen(c);
  const budget = budgetMs(c);
  async function run(cmd) {
    setBusy(true);
    setError(null);
    const reply = conn ? await conn.command(cmd) : null;
    setBusy(false);
    if (reply && reply.type === 'error') setError(errorMessage(reply));
  }
  const topic = (x) => topicTitle(c, x.topic);
  return html`
    <section class="card speakers speakers-chair" aria-labelledby="chair-speakers-heading" data-testid="chair-speakers">
      <div class="section-head">
        <h2 id="chair-speakers-heading">${t('speakers.list')} <span class="count">${s.queue.length}</span></h2>
        <button type="button" class="small" data-testid="speakers-toggle" aria-pressed=${open ? 'false' : 'true'} disabled=${busy}
          onClick=${() => run({ type: open ? 'speakers.close' : 'speakers.open' })}>${t(open ? 'speakers.close' : 'speakers.open')}</button>
      </div>
      <p class="hint" data-testid="speakers-budget">${budget === null ? t('speakers.budget.none') : t('speakers.budget', { minutes: budget / 60000 })}${open ? '' : ` · ${t('speakers.closed.short')}`}</p>
      ${s.current
        ? html`<div class="speaker-current" data-testid="speaker-current" data-ticket=${s.current.ticket} data-lang=${s.current.lang}>
            <p><strong><${Ticket} ticket=${s.current.ticket} /></strong> · ${t(`language.${s.current.lang}`)}${topic(s.current) ? html` · <bdi>${topic(s.current)}</bdi>` : ''}</p>
            <${SpeakerTimer} c=${c} offset=${offset} />
            <button type="button" class="small" data-testid="speaker-end" disabled=${busy} onClick=${() => run({ type: 'speaker.skip', ticket: s.current.ticket })}>${t('speakers.end')}</button>
          </div>`
        : html`<p class="empty">${t('speakers.nobody')}</p>`}
      <button type="button" class="primary" data-testid="speaker-call-next" disabled=${busy || s.queue.length === 0}
        onClick=${() => run({ type: 'speaker.call' })}>${s.queue.length ? t('speakers.call_next', { ticket: s.queue[0].ticket, language: t(`language.${s.queue[0].lang}`) }) : t('speakers.call_next.none')}</button>
      <ol class="speaker-queue" data-testid="speaker-queue">
        ${s.queue.map((x) => html`
          <li key=${x.ticket} data-testid="speaker-item" data-ticket=${x.ticket} data-lang=${x.lang}>
            <span class="speaker-item-body"><${Ticket} ticket=${x.ticket} /> · ${t(`language.${x.lang}`)}${topic(x) ? html` · <bdi class="hint">${topic(x)}</bdi>` : ''}</span>
            <span class="speaker-item-actions">
              <button type="button" class="small" data-testid="speaker-call" disabled=${busy} onClick=${() => run({ type: 'speaker.call', ticket: x.ticket })}>${t('speakers.call')}</button>
              <button type="button" class="small" data-testid="speaker-skip" disabled=${busy} onClick=${() => run({ type: 'speaker.skip', ticket: x.ticket })}>${t('speakers.skip')}</button>
            </span>
          </li>`)}
      </ol>
      <${ActionError} error=${error} />
    </section>`;
}

// --- the booths ---------------------------------------------------------------------------------

export function SpeakersBooth({ state }) {
  const c = state.consultation;
  if (c.sealed) return null;
  const s = speakersOf(c);
  const channel = state.channel;
  const modeFor = (lang) => boothMode({ ...c, floor_now: lang }, channel);
  const line = (x) => html`
    <li key=${x.ticket} data-testid="booth-speaker" data-ticket=${x.ticket} data-lang=${x.lang} data-mode=${modeFor(x.lang)}>
      <span><${Ticket} ticket=${x.ticket} /> · <strong>${t(`language.${x.lang}`)}</strong></span>
      <span class=${`booth-mode-chip mode-${modeFor(x.lang)}`}>${t(`speakers.mode.${modeFor(x.lang)}`)}</span></li>`;
  return html`
    <section class="card speakers booth-speakers" aria-labelledby="booth-speakers-heading" data-testid="booth-speakers">
      <h2 id="booth-speakers-heading">${t('speakers.booth.heading')} <span class="count">${s.queue.length}</span></h2>
      ${s.current && html`<p class="booth-speaker-current" data-testid="booth-speaker-current" data-ticket=${s.current.ticket} data-lang=${s.current.lang}>
        ${t('speakers.booth.current', { ticket: s.current.ticket, language: t(`language.${s.current.lang}`) })}</p>`}
      ${s.queue.length === 0
        ? html`<p class="empty">${t('speakers.booth.empty')}</p>`
        : html`<ol class="speaker-queue" data-testid="booth-speaker-queue">${s.queue.slice(0, SHOWN_TO_BOOTHS).map(line)}</ol>`}
      <p class="hint">${t('speakers.booth.hint')}</p>
    </section>`;
}

// --- the stage ----------------------------------------------------------------------------------

export function SpeakersStage({ state, offset }) {
  const c = state.consultation;
  const s = speakersOf(c);
  if (c.sealed || (!s.current && s.queue.length === 0)) return null;
  return html`
    <p class="stage-speakers" data-testid="stage-speakers">
      ${s.current ? html`<strong data-testid="stage-speaker"><${Ticket} ticket=${s.current.ticket} /></strong> <${SpeakerTimer} c=${c} offset=${offset} large=${true} /> · ` : ''}
      <span data-testid="stage-speakers-waiting">${t('speakers.waiting', { count: s.queue.length })}</span>
    </p>`;
}
