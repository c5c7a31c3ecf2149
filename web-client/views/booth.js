// booth.js — the interpretation booth's console, one link per channel: the clock and segment,
// what the floor is speaking and what that means for this booth (direct, retour or relay),
// the question being answered, the live questions asked in the booth's language, and signals
// to the co-chairs. Signals are never stored; the page shows that one was delivered and, once
// a co-chair acknowledges it, "Co-chairs have seen: no floor audio" (LC-4). Once the
// consultation is sealed, the page says it has ended and offers nothing to send.
import { html, useState } from '../vendor/preact-htm.js';
import { errorMessage, formatClock, t } from '../lib/i18n.js';
import { answeringQuestion, boothMode, currentSegment, listQuestions } from '../lib/state.js';
import { ActionError, Countdown, NowAnswering, QuestionBody, WatchedQueue } from './common.js';
import { SpeakersBooth } from './speakers.js';

export const SIGNALS = ['slower', 'no_floor_audio', 'mic_off', 'need_document'];

// LC-4: the co-chairs' acknowledgements of this booth's signals, newest first.
function Acknowledged({ state, channel }) {
  const mine = (state.acknowledged || []).filter((a) => a.channel === channel);
  const last = mine[0];
  return html`<p class="booth-ack" role="status" data-testid="booth-ack" data-signal=${last ? last.signal : null}>
    ${last ? html`<span class="booth-ack-time">${formatClock(last.at)}</span> ${t('booth.ack', { signal: t(`booth.signal.${last.signal}`) })}` : ''}</p>`;
}

function Signals({ conn, state }) {
  const [busy, setBusy] = useState(null);
  const [sent, setSent] = useState(null); // the last signal delivered
  const [error, setError] = useState(null);
  async function send(signal) {
    if (!conn) return;
    setBusy(signal);
    setError(null);
    setSent(null);
    const reply = await conn.command({ type: 'booth.signal', signal });
    setBusy(null);
    if (reply.type === 'error') setError(errorMessage(reply));
    else setSent(signal);
  }
  return html`
    <section class="card booth-signals" aria-labelledby="signals-heading">
      <h2 id="signals-heading">${t('booth.signals.heading')}</h2>
      <div class="signal-buttons">
        ${SIGNALS.map((s) => html`
          <button type="button" class="signal" data-testid="signal-button" data-signal=${s} disabled=${busy !== null}
            onClick=${() => send(s)}>${t(`booth.signal.${s}`)}</button>`)}
      </div>
      <p class="saved" role="status" data-testid="signal-sent">${sent ? t('booth.signal.sent', { signal: t(`booth.signal.${sent}`) }) : ''}</p>
      <${Acknowledged} state=${state} channel=${state.channel} />
      <${ActionError} error=${error} />
    </section>`;
}

// LC-5: the question the co-chairs will take next, with its original language, before it
// reaches the stage.
function SelectedNext({ q }) {
  return html`
    <section class="card booth-next" data-testid="booth-next" data-id=${q ? q.id : null} aria-labelledby="booth-next-heading">
      <h2 id="booth-next-heading">${t('booth.next.heading')}</h2>
      ${q ? html`
        <p class="booth-next-lang" data-testid="booth-next-lang" data-lang=${q.lang}>${t('booth.next.lang', { language: t(`language.${q.lang}`) })}</p>
        <${QuestionBody} q=${q} />`
      : html`<p class="empty">${t('booth.next.empty')}</p>`}
      <p class="hint">${t('booth.next.hint')}</p>
    </section>`;
}

// LC-6: whether anyone has chosen this booth's language; never how many.
function Listeners({ state, channel, language }) {
  const band = state.listeners && state.listeners[channel] ? state.listeners[channel].band : 'none';
  return html`<p class=${`booth-listeners band-${band}`} data-testid="booth-listeners" data-band=${band}>
    ${t(band === 'present' ? 'booth.listeners.present' : 'booth.listeners.none', { language })}</p>`;
}

export function BoothView({ state, conn, offset }) {
  const c = state.consultation;
  const channel = state.channel;
  const language = t(`language.${channel}`);
  const mode = boothMode(c, channel);
  const speaking = c.floor_now ?? c.floor;
  const next = state.next !== null ? state.questions[state.next] || null : null;
  const segment = currentSegment(state);
  const now = answeringQuestion(state);
  const current = now && now.state === 'approved' ? now : null;
  // Questions asked in this booth's language, which it may be asked to read out or render.
  const queue = listQuestions(state, 'approved', 'votes').filter((q) => q.lang === channel && (!current || q.id !== current.id));
  if (c.sealed) {
    return html`
      <div class="booth ended" data-testid="booth" data-channel=${channel}>
        <section class="card ended-card" aria-labelledby="booth-ended-heading" data-testid="ended">
          <h2 id="booth-ended-heading">${t('booth.title', { language })}</h2>
          <p class="ended-line">${t('ended.heading')}</p>
          <p role="status" data-testid="sealed-notice">${t('booth.ended')}</p>
        </section>
      </div>`;
  }
  return html`
    <div class="booth" data-testid="booth" data-channel=${channel}>
      <section class="card booth-floor" aria-labelledby="booth-heading">
        <div class="booth-line">
          <div>
            <h2 id="booth-heading">${t('booth.title', { language })}</h2>
            ${segment && html`<p class="hint"><bdi>${segment.title}</bdi></p>`}
          </div>
          <${Countdown} consultation=${c} offset=${offset} large=${true} />
        </div>
        <p class="booth-floor-now" data-testid="booth-floor" data-floor=${speaking}>${t('booth.floor', { speaking: t(`language.${speaking}`) })}</p>
        <p class=${`booth-mode mode-${mode}`} data-testid="booth-mode" data-mode=${mode} role="status">
          ${t(`booth.mode.${mode}`, { language, speaking: t(`language.${speaking}`), floor: t(`language.${c.floor}`) })}</p>
        <${Listeners} state=${state} channel=${channel} language=${language} />
      </section>
      <${SelectedNext} q=${next} />
      <${SpeakersBooth} state=${state} />
      <${Signals} conn=${conn} state=${state} />
      <${NowAnswering} q=${current} />
      <section class="card" aria-labelledby="booth-queue-heading">
        <h2 id="booth-queue-heading">${t('booth.queue.heading', { language })} <span class="count">${queue.length}</span></h2>
        <${WatchedQueue} queue=${queue} empty=${t('booth.queue.empty', { language })} />
      </section>
    </div>`;
}
