// chair-alerts.js — the co-chairs' one alert area, sticky at the top of the console while they
// scroll: the booths' signals grouped by booth and signal, with a count and how long ago
// ("Arabic booth: No floor audio ×3, 20 sec. ago") and a button that tells the booth it was seen
// (booth.acknowledge, LC-4); another co-chair's change that made a command of this one's moot,
// with the question to go ahead anyway (QA-4); and refusals, which also show beside the control
// that failed; and the open link's guard alert, many new participants from one network (AB-2,
// counts only; chair-guard.js). The count of what nobody has dealt with yet prefixes the page's title. Signals
// and acknowledgements live in this page only: a reload forgets them. Not the commands: the
// console's `mod` runs them.
import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import { currentLanguage, formatNumber, intlLocale, t } from '../lib/i18n.js';
import { useGuardAlert } from './chair-guard.js';

// The page's title with the number of alerts in front ("(2) Roundtable"), whatever set it.
export function countedTitle(title, n) {
  const base = String(title || '').replace(/^\(\d+\) /, '');
  return n > 0 ? `(${n}) ${base}` : base;
}

// Keeps document.title prefixed with n, also when something else (the language switch) sets it.
export function useTitleCount(n) {
  useEffect(() => {
    const apply = () => {
      const want = countedTitle(document.title, n);
      if (document.title !== want) document.title = want;
    };
    apply();
    const el = document.querySelector('title');
    if (!el || typeof MutationObserver === 'undefined') return () => { document.title = countedTitle(document.title, 0); };
    const watch = new MutationObserver(apply);
    watch.observe(el, { childList: true, characterData: true, subtree: true });
    return () => {
      watch.disconnect();
      document.title = countedTitle(document.title, 0);
    };
  }, [n]);
}

// "20 sec. ago", in the page's language.
function ago(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  const rtf = new Intl.RelativeTimeFormat(intlLocale(currentLanguage()), { numeric: 'always', style: 'short' });
  return s < 60 ? rtf.format(-s, 'second') : rtf.format(-Math.round(s / 60), 'minute');
}

// The booths' signals, grouped by booth and signal: { key, channel, signal, count, last, seen }.
// A signal after its group was seen starts the group again. `acknowledge(g)` tells the booth;
// `dismiss(g)` takes the group away. `guard` is the open link's alert until dismissed (AB-2):
// counted in `unseen` with the signals nobody has seen yet.
export function useSignalGroups(state, conn) {
  const [groups, setGroups] = useState([]);
  const seenSignal = useRef(0);
  const seenAck = useRef(0);
  const [busy, setBusy] = useState(null);
  useEffect(() => {
    const fresh = state.signals.filter((s) => s.n > seenSignal.current).reverse();
    const acks = (state.acknowledged || []).filter((a) => a.n > seenAck.current).reverse();
    if (!fresh.length && !acks.length) return;
    if (state.signals.length) seenSignal.current = Math.max(seenSignal.current, state.signals[0].n);
    if (state.acknowledged && state.acknowledged.length) seenAck.current = Math.max(seenAck.current, state.acknowledged[0].n);
    setGroups((old) => {
      let next = [...old];
      for (const s of fresh) {
        const key = `${s.channel}:${s.signal}`;
        const g = next.find((x) => x.key === key);
        if (g && !g.seen) next = next.map((x) => (x === g ? { ...g, count: g.count + 1, last: s.at } : x));
        else next = [{ key, channel: s.channel, signal: s.signal, count: 1, last: s.at, seen: false }, ...next.filter((x) => x.key !== key)];
      }
      for (const a of acks) {
        const key = `${a.channel}:${a.signal}`;
        next = next.map((x) => (x.key === key ? { ...x, seen: true } : x));
      }
      return next;
    });
  }, [state.signals, state.acknowledged]);
  async function acknowledge(g) {
    if (!conn) return;
    setBusy(g.key);
    const reply = await conn.command({ type: 'booth.acknowledge', lang: g.channel, signal: g.signal });
    setBusy(null);
    if (reply && reply.type === 'ack') setGroups((old) => old.map((x) => (x.key === g.key ? { ...x, seen: true } : x)));
  }
  const dismiss = (g) => setGroups((old) => old.filter((x) => x.key !== g.key));
  const guard = useGuardAlert(state);
  return { groups, busy, acknowledge, dismiss, guard, unseen: groups.filter((g) => !g.seen).length + (guard.alert ? 1 : 0) };
}

// Re-renders every few seconds while something shows how long ago it happened.
function useTick(active, everyMs = 5000) {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!active) return undefined;
    const id = setInterval(() => setTick((x) => x + 1), everyMs);
    return () => clearInterval(id);
  }, [active]);
}

// Where a refusal happened, in words: a question, or one of the console's panels.
function where(key) {
  if (typeof key === 'number') return t('question.label', { id: key });
  if (key === 'clock') return t('chair.alert.clock');
  if (key === 'floor') return t('chair.floor.label');
  const m = /^segment-(\d+)$/.exec(String(key));
  return m ? t('chair.alert.segment', { n: Number(m[1]) + 1 }) : '';
}

// A conflict's sentence and its way on: "Another co-chair just rejected this question. Approve
// it anyway?", with the buttons to send it again or leave it.
export function ConflictPrompt({ conflict, busy, onYes, onNo, testid = 'conflict' }) {
  const verb = conflict.cmd.type.replace('question.', '');
  const changed = conflict.cmd.type === 'question.edit' && conflict.cmd.from === conflict.params.state
    ? 'chair.conflict.edited' : `chair.conflict.${conflict.params.state}`;
  return html`
    <div class="conflict" role="group" data-testid=${testid} data-state=${conflict.params.state}>
      <p>${t(changed)} ${t(`chair.conflict.ask.${verb}`)}</p>
      <div class="actions">
        <button type="button" class="primary small" data-testid=${`${testid}-yes`} aria-disabled=${busy ? 'true' : null}
          onClick=${onYes}>${t(`chair.conflict.yes.${verb}`)}</button>
        <button type="button" class="small" data-testid=${`${testid}-no`} onClick=${onNo}>${t('chair.conflict.no')}</button>
      </div>
    </div>`;
}

export function AlertArea({ signals, mod }) {
  const errors = Object.entries(mod.errors).filter(([, e]) => e);
  const conflicts = Object.entries(mod.conflicts).filter(([, c]) => c);
  const guard = signals.guard.alert;
  useTick(signals.groups.length > 0 || Boolean(guard));
  const now = Date.now();
  const keyOf = (k) => (/^\d+$/.test(k) ? Number(k) : k);
  const empty = !signals.groups.length && !errors.length && !conflicts.length && !guard;
  return html`
    <section class=${empty ? 'alert-area is-empty' : 'alert-area'} data-testid="alert-area" aria-labelledby="alerts-heading">
      <h2 id="alerts-heading" class=${empty ? 'visually-hidden' : 'alerts-heading'}>${t('chair.alerts.heading')}</h2>
      <ul class="alerts" aria-live="polite" data-testid="alerts">
        ${guard && html`
          <li key="guard" class="alert alert-guard" data-testid="alert-guard" data-count=${guard.new_participants}>
            <span><span class="alert-where">${t('guard.heading')}</span> ${t('guard.alert', { count: guard.new_participants })}
              <span class="alert-time">${ago(now - guard.at)}</span></span>
            <button type="button" class="small" data-testid="alert-guard-dismiss" onClick=${signals.guard.dismiss}>${t('guard.alert.dismiss')}</button>
          </li>`}
        ${conflicts.map(([k, c]) => html`
          <li key=${`c-${k}`} class="alert alert-conflict" data-testid="alert-conflict" data-key=${k}>
            <span class="alert-where">${where(keyOf(k))}</span>
            <${ConflictPrompt} conflict=${c} busy=${mod.busy[keyOf(k)]} testid="alert-conflict"
              onYes=${() => mod.resolve(keyOf(k), true)} onNo=${() => mod.resolve(keyOf(k), false)} />
          </li>`)}
        ${errors.map(([k, e]) => html`
          <li key=${`e-${k}`} class="alert alert-error" data-testid="alert-error" data-key=${k}>
            <span><span class="alert-where">${where(keyOf(k))}</span> ${e}</span>
            <button type="button" class="small" data-testid="alert-dismiss" onClick=${() => mod.dismiss(keyOf(k))}>${t('action.dismiss')}</button>
          </li>`)}
        ${signals.groups.map((g) => html`
          <li key=${g.key} class=${g.seen ? 'alert alert-signal is-seen' : 'alert alert-signal'} data-testid="booth-signal"
            data-channel=${g.channel} data-signal=${g.signal} data-count=${g.count} data-seen=${g.seen ? 'true' : 'false'}>
            <span class="alert-what">${t('chair.signal.item', { language: t(`language.${g.channel}`), signal: t(`booth.signal.${g.signal}`) })}${' '}
              ${g.count > 1 && html`<span class="alert-count" data-testid="signal-count">×${formatNumber(g.count)}</span>`}
              <span class="alert-time">${ago(now - g.last)}</span></span>
            <span class="actions">
              ${g.seen
                ? html`<span class="alert-seen" data-testid="signal-seen">${t('chair.alert.seen')}</span>
                  <button type="button" class="small" data-testid="signal-dismiss" onClick=${() => signals.dismiss(g)}>${t('action.dismiss')}</button>`
                : html`<button type="button" class="small primary" data-testid="signal-ack" aria-disabled=${signals.busy === g.key ? 'true' : null}
                  onClick=${() => signals.acknowledge(g)}>${t('chair.alert.acknowledge')}</button>`}
            </span>
          </li>`)}
      </ul>
    </section>`;
}
