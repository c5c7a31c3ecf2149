// chair-guard.js — the co-chairs' guard over the open link (AB-2..AB-7), one panel for their
// console: the alert when many new participants arrive from one network (counts only), pausing
// new participants and incoming questions for a while or until resumed, rejecting the pending
// queue at once after a confirmation, and how many upvotes came from the open link. Mounted by
// the console with one line: <${ChairGuard} state=${state} conn=${conn} offset=${offset} />.
// The alert also shows in the console's sticky alert area (chair-alerts.js); dismissed in
// either place, it goes from both (useGuardAlert).
import { html, useEffect, useState } from '../vendor/preact-htm.js';
import { formatClock, t } from '../lib/i18n.js';
import { listQuestions, pauseHolds } from '../lib/state.js';
import { ActionError, Confirm, serverNow, useAction } from './common.js';

// The lengths a co-chair picks a pause from, in minutes; 0: until resumed.
const DURATIONS = [5, 15, 30, 0];

// Re-renders when a timed pause runs out, so that the panel says so without a new event.
function useUntil(pauses, offset) {
  const [, setTick] = useState(0);
  const now = serverNow(offset);
  const next = pauses.filter((p) => p && p.paused && p.until !== null && p.until > now).map((p) => p.until);
  const due = next.length ? Math.min(...next) : null;
  useEffect(() => {
    if (due === null) return undefined;
    const id = setTimeout(() => setTick((x) => x + 1), Math.min(due - serverNow(offset) + 50, 2 ** 31 - 1));
    return () => clearTimeout(id);
  }, [due]);
  return now;
}

// AB-2: the latest guard.alert until a co-chair dismisses it, shared by every part of this page
// that shows it. Like the booths' signals, a reload forgets the dismissal (and the alert).
let dismissedAt = null;
const dismissListeners = new Set();
export function useGuardAlert(state) {
  const [, setTick] = useState(0);
  useEffect(() => {
    const changed = () => setTick((x) => x + 1);
    dismissListeners.add(changed);
    return () => dismissListeners.delete(changed);
  }, []);
  const alert = state.guardAlert && state.guardAlert.at !== dismissedAt ? state.guardAlert : null;
  function dismiss() {
    if (!alert) return;
    dismissedAt = alert.at;
    for (const changed of dismissListeners) changed();
  }
  return { alert, dismiss };
}

// One pause (the open link, or the incoming queue): its state, and pause or resume.
function PauseControl({ what, pause, now, action }) {
  const [minutes, setMinutes] = useState(15);
  const paused = pauseHolds(pause, now);
  const id = `guard-${what}-duration`;
  return html`
    <div class="guard-pause" data-testid=${`guard-${what}`} data-paused=${paused ? 'true' : 'false'}>
      <p class=${`guard-state ${paused ? 'guard-state-paused' : ''}`}>
        ${t(`guard.${what}.${paused ? 'paused' : 'open'}`)}
        ${paused && html` <span class="hint">${pause.until === null ? t('guard.until_resumed') : t('guard.until', { time: formatClock(pause.until) })}</span>`}
      </p>
      ${paused ? html`
        <button type="button" data-testid=${`guard-${what}-resume`} disabled=${action.busy}
          onClick=${() => action.run({ type: `${what}.resume` })}>${t(`guard.${what}.resume`)}</button>`
      : html`
        <div class="guard-row">
          <label for=${id}>${t('guard.duration')}</label>
          <select id=${id} data-testid=${`guard-${what}-minutes`} value=${String(minutes)}
            onChange=${(e) => setMinutes(Number(e.currentTarget.value))}>
            ${DURATIONS.map((m) => html`<option value=${String(m)}>${m ? t('guard.minutes', { count: m }) : t('guard.until_resumed')}</option>`)}
          </select>
          <button type="button" data-testid=${`guard-${what}-pause`} disabled=${action.busy}
            onClick=${() => action.run(minutes ? { type: `${what}.pause`, minutes } : { type: `${what}.pause` })}>
            ${t(`guard.${what}.pause`)}</button>
        </div>`}
    </div>`;
}

export function ChairGuard({ state, conn, offset }) {
  const c = state.consultation;
  const guard = c && c.guard;
  const link = useAction(conn);
  const queue = useAction(conn);
  const reject = useAction(conn);
  const [confirming, setConfirming] = useState(false);
  const [rejected, setRejected] = useState(null);
  const { alert, dismiss } = useGuardAlert(state);
  const now = useUntil(guard ? [guard.link, guard.queue] : [], offset);
  if (!guard) return null;
  const pending = listQuestions(state, 'pending', 'time');
  async function rejectAll() {
    const reply = await reject.run({ type: 'question.reject_all' });
    setConfirming(false);
    if (reply && reply.type === 'ack') setRejected(reply.result.rejected);
  }
  return html`
    <section class="card guard" data-testid="chair-guard" aria-labelledby="guard-heading">
      <h2 id="guard-heading">${t('guard.heading')}</h2>
      ${alert && html`
        <div class="banner guard-alert" data-testid="guard-alert">
          <span>${t('guard.alert', { count: alert.new_participants })}</span>
          <button type="button" class="small" data-testid="guard-alert-dismiss" onClick=${dismiss}>${t('guard.alert.dismiss')}</button>
        </div>`}
      <div class="guard-controls">
        <${PauseControl} what="link" pause=${guard.link} now=${now} action=${link} />
        <${ActionError} error=${link.error} />
        <${PauseControl} what="queue" pause=${guard.queue} now=${now} action=${queue} />
        <${ActionError} error=${queue.error} />
      </div>
      <div class="guard-reject">
        <p class="hint" data-testid="guard-pending">${t('guard.pending', { count: pending.length, max: guard.pending_max ?? 0 })}</p>
        ${confirming ? html`
          <${Confirm} label=${t('guard.reject_all')} text=${t('guard.reject_all.confirm', { count: pending.length })}
            yes=${t('guard.reject_all.yes')} no=${t('guard.reject_all.no')} busy=${reject.busy}
            yesTestid="guard-reject-yes" noTestid="guard-reject-no"
            onYes=${rejectAll} onNo=${() => setConfirming(false)} />`
        : html`
          <button type="button" class="danger" data-testid="guard-reject-all" disabled=${pending.length === 0}
            onClick=${() => { setRejected(null); setConfirming(true); }}>${t('guard.reject_all')}</button>`}
        ${rejected !== null && html`<p class="hint" role="status" data-testid="guard-rejected">${t('guard.reject_all.done', { count: rejected })}</p>`}
        <${ActionError} error=${reject.error} />
      </div>
      <p class="hint" data-testid="guard-voting">${t(`guard.voting.${guard.voting}`)}
        ${guard.open_votes !== undefined && html` · <span data-testid="guard-open-votes">${t('guard.open_votes', { count: guard.open_votes })}</span>`}</p>
    </section>`;
}
