// chair-panels.js — the panels around the co-chairs' console: what is on stage now, the
// segment panel, the agenda clock, interpretation (floor language, listeners),
// the agenda planned against actual. Not the question lists, their actions or the keyboard:
// those are the console's (chair.js), which hands each panel its `mod` (the console's
// per-question and per-panel command runner) to run its commands with; not the booths' signals
// (the alert area, chair-alerts.js) nor sealing (chair-seal.js).
import { html } from '../vendor/preact-htm.js';
import { t, tParts } from '../lib/i18n.js';
import { languagesOf } from '../lib/state.js';
import { formatDifference, formatSeconds } from '../lib/clock.js';
import { ActionError, Countdown, ZonedTime, agendaToday, useServerTime } from './common.js';

// What the stage shows right now (the question being answered, or the next questions), with
// the actions on it, and the question selected next for the booths: on top of the console.
export function OnStage({ state, now, mod }) {
  const next = state.next !== null && state.next !== (now && now.id) ? state.questions[state.next] : null;
  return html`
    <section class="card on-stage" data-testid="on-stage" aria-labelledby="on-stage-heading">
      <h2 id="on-stage-heading" class="on-stage-heading">${t('chair.stage.heading')}</h2>
      ${now ? html`
        <div class="on-stage-now" data-testid="now-answering" data-id=${now.id}>
          <p class="on-stage-what">${t('chair.stage.question', { id: now.id })}
            ${now.edited && html` <span class="badge badge-edited" data-testid="edited-mark">${t('question.edited')}</span>`}</p>
          <p class="text" dir="auto" lang=${now.lang}>${now.text}</p>
          <div class="actions">
            <button type="button" class="primary" data-testid="answer-button" disabled=${mod.busy[now.id]}
              onClick=${() => mod.run({ type: 'question.answer', question: now.id })}>${t('chair.mark_answered')}</button>
            <button type="button" data-testid="stop-answering-button" disabled=${mod.busy[now.id]}
              onClick=${() => mod.run({ type: 'question.answer_now', question: null }, now.id)}>${t('chair.stop_answering')}</button>
          </div>
          <${ActionError} error=${mod.errors[now.id]} />
        </div>`
      : html`<p class="on-stage-idle" data-testid="on-stage-idle">${t('chair.stage.idle')}</p>`}
      ${next && html`<p class="hint" data-testid="on-stage-next">${t('chair.stage.next', { id: next.id })}</p>`}
    </section>`;
}

export function SegmentPanel({ state, segTab, mod }) {
  const c = state.consultation;
  const index = segTab === 'all' ? c.current_segment : segTab;
  const seg = c.segments[index];
  if (!seg) return null;
  const key = `segment-${index}`;
  const isCurrent = index === c.current_segment;
  return html`
    <section class="card segment-panel" data-testid="segment-panel" data-segment=${index} aria-label=${t('chair.segment.panel')}>
      <div class="segment-line">
        <span class="segment-name">${tParts(isCurrent ? 'chair.segment.current' : 'chair.segment.selected',
          { n: index + 1, title: html`<bdi>${seg.title}</bdi>` })}</span>
        <span class=${seg.questions ? 'status status-open' : 'status status-closed'} data-testid="segment-questions-state">
          ${t(seg.questions ? 'chair.segment.open' : 'chair.segment.closed')}</span>
      </div>
      <div class="actions">
        ${!isCurrent && html`
          <button type="button" class="primary" data-testid="goto-segment" disabled=${mod.busy[key]}
            onClick=${() => mod.run({ type: 'agenda.goto', segment: index })}>${t('chair.segment.goto')}</button>`}
        <button type="button" data-testid="segment-questions-toggle" data-open=${seg.questions ? 'true' : 'false'} disabled=${mod.busy[key]}
          onClick=${() => mod.run({ type: seg.questions ? 'segment.close' : 'segment.open', segment: index })}>
          ${t(seg.questions ? 'chair.segment.close' : 'chair.segment.open_action')}</button>
      </div>
      <${ActionError} error=${mod.errors[key]} />
    </section>`;
}

const ADJUSTMENTS = [-5, -1, 1, 5];
// What an adjustment button shows (and its accessible name starts with): +5, −1, with a real
// minus sign; shown left to right in every language, so that Arabic reads "−5", never "5−".
const adjustText = (m) => (m > 0 ? `+${m}` : `\u2212${-m}`);

// The agenda clock's controls: what applies in the clock's state, the segment's allotted
// time against its plan, and moving back or on through the agenda.
export function ClockPanel({ state, offset, mod }) {
  const c = state.consultation;
  const clock = c.clock || { state: 'idle' };
  const cur = c.current_segment;
  const seg = c.segments[cur];
  const busy = mod.busy.clock;
  const run = (cmd) => mod.run(cmd, 'clock');
  const allotted = clock.state === 'idle' ? seg.duration : Math.round(clock.allotted_ms / 60000);
  const main = {
    idle: { type: 'clock.start', testid: 'clock-start', label: 'clock.start' },
    running: { type: 'clock.pause', testid: 'clock-pause', label: 'clock.pause' },
    paused: { type: 'clock.resume', testid: 'clock-resume', label: 'clock.resume' },
  }[clock.state];
  return html`
    <section class="card clock-panel" data-testid="clock-panel" aria-labelledby="clock-heading">
      <div class="clock-line">
        <div class="clock-what">
          <h2 id="clock-heading" class="inline-heading">${tParts('clock.segment', { n: cur + 1, title: html`<bdi>${seg.title}</bdi>` })}</h2>
          <p class="hint" data-testid="clock-allotted">${allotted === seg.duration
            ? t('clock.allotted', { minutes: allotted })
            : t('clock.allotted_changed', { minutes: allotted, planned: seg.duration })}</p>
        </div>
        <${Countdown} consultation=${c} offset=${offset} large=${true} />
      </div>
      <div class="actions clock-actions">
        <button type="button" class="primary" data-testid=${main.testid} aria-disabled=${busy ? 'true' : null} onClick=${() => run({ type: main.type })}>
          ${t(main.label)}</button>
        <span class="toggle" role="group" aria-label=${t('clock.adjust')}>
          ${ADJUSTMENTS.map((m) => html`
            <button type="button" class="small" data-testid="clock-adjust" data-minutes=${m} disabled=${busy || clock.state === 'idle'}
              aria-label=${`${adjustText(m)} (${t(m > 0 ? 'clock.extend' : 'clock.shorten', { minutes: Math.abs(m) })})`}
              onClick=${() => run({ type: 'clock.adjust', minutes: m })}><bdi dir="ltr">${adjustText(m)}</bdi></button>`)}
        </span>
        <button type="button" data-testid="clock-back" disabled=${busy || cur === 0}
          onClick=${() => run({ type: 'agenda.goto', segment: cur - 1 })}>${t('clock.back')}</button>
        <button type="button" data-testid="clock-next" disabled=${busy || cur + 1 >= c.segments.length}
          onClick=${() => run({ type: 'agenda.goto', segment: cur + 1 })}>${t('clock.next')}</button>
      </div>
      <${ActionError} error=${mod.errors.clock} />
    </section>`;
}

// LC-6: listeners per language, banded by the server: none, fewer than 5, or a range (5-9,
// 10-19, 20-49, 50-99, 100 and more), never an exact count.
function ListenerBands({ consultation, listeners }) {
  const band = (l) => (listeners && listeners[l]) || { band: 'none' };
  const words = (b) => {
    if (b.band === 'range') return b.max ? t('chair.listeners.range', b) : t('chair.listeners.many', b);
    return t(b.band === 'few' ? 'chair.listeners.few' : 'chair.listeners.none');
  };
  return html`
    <div class="listeners">
      <h3 class="signals-heading" id="listeners-heading">${t('chair.listeners.heading')}</h3>
      <ul class="listener-bands" aria-labelledby="listeners-heading" data-testid="listener-bands">
        ${languagesOf(consultation).map((l) => html`
          <li data-testid="listener-band" data-lang=${l} data-band=${band(l).band} data-min=${band(l).min ?? null}>
            <span class="listener-lang">${t(`language.${l}`)}</span> <span class="listener-value">${words(band(l))}</span></li>`)}
      </ul>
      <p class="hint">${t('chair.listeners.hint')}</p>
    </div>`;
}

// Interpretation (LC-3, LC-6): the floor language, one click to change it, and who listens in
// which language. The booths' signals (LC-4) are in the console's alert area.
export function InterpretationPanel({ state, mod }) {
  const c = state.consultation;
  const now = c.floor_now ?? c.floor;
  return html`
    <section class="card interpretation" data-testid="interpretation" aria-labelledby="floor-heading">
      <div class="floor-line">
        <h2 id="floor-heading" class="inline-heading">${t('chair.floor.label')}</h2>
        <span class="toggle" role="group" aria-labelledby="floor-heading">
          ${languagesOf(c).map((l) => html`
            <button type="button" class="small" data-testid="floor-button" data-lang=${l} aria-pressed=${l === now ? 'true' : 'false'}
              disabled=${mod.busy.floor} onClick=${() => mod.run({ type: 'floor.set', lang: l }, 'floor')}>${t(`language.${l}`)}</button>`)}
        </span>
      </div>
      <p class="hint">${t('chair.floor.hint')}</p>
      <${ActionError} error=${mod.errors.floor} />
      <${ListenerBands} consultation=${c} listeners=${state.listeners} />
    </section>`;
}

// The whole agenda planned against actual (AG-3, AG-6): planned start in the event's zone and
// the viewer's, planned and allotted minutes, actual start and duration, and the difference.
export function AgendaTable({ state, offset }) {
  const c = state.consultation;
  const now = useServerTime(offset, c.clock, 1000);
  const rows = agendaToday(c, now);
  const minutes = (ms) => t('agenda.minutes', { n: Math.round(ms / 60000) });
  // A segment still running is not yet early; once past its plan it is late.
  const difference = (r) => {
    if (r.differenceMs === null) return '\u2014';
    if (r.live && r.differenceMs <= 0) return t('agenda.in_progress');
    return formatDifference(r.differenceMs);
  };
  return html`
    <details class="card agenda-table" data-testid="agenda-table" open>
      <summary><h2 class="inline-heading">${t('agenda.planned_actual')}</h2></summary>
      <div class="table-scroll" tabindex="0" role="region" aria-label=${t('agenda.planned_actual')}>
        <table>
          <thead><tr>
            <th scope="col">${t('agenda.col.segment')}</th>
            <th scope="col">${t('agenda.col.planned_start')}</th>
            <th scope="col">${t('agenda.col.planned')}</th>
            <th scope="col">${t('agenda.col.actual_start')}</th>
            <th scope="col">${t('agenda.col.actual')}</th>
            <th scope="col">${t('agenda.col.difference')}</th>
          </tr></thead>
          <tbody>
            ${rows.map((r) => html`
              <tr key=${r.index} data-testid="agenda-row" data-segment=${r.index} class=${r.live ? 'is-current' : ''}
                aria-current=${r.index === c.current_segment ? 'step' : null}>
                <th scope="row">${r.index + 1}. <bdi>${r.title}</bdi></th>
                <td><${ZonedTime} instant=${r.plannedStart} zone=${c.timezone} /></td>
                <td>${minutes(r.plannedMs)}${r.allottedMs !== r.plannedMs ? html` <span class="hint">${t('agenda.allotted', { minutes: Math.round(r.allottedMs / 60000) })}</span>` : ''}</td>
                <td data-testid="actual-start">${r.actualStart === null ? '\u2014' : html`<${ZonedTime} instant=${r.actualStart} zone=${c.timezone} kind="actual" />`}</td>
                <td data-testid="actual-duration">${r.actualMs === null ? '\u2014' : formatSeconds(Math.floor(r.actualMs / 1000))}</td>
                <td data-testid="difference" class=${r.differenceMs > 0 ? 'over' : ''}>${difference(r)}</td>
              </tr>`)}
          </tbody>
        </table>
      </div>
    </details>`;
}
