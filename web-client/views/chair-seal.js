// chair-seal.js — sealing from the co-chairs' console, with guard rails (CHR-5), and the console
// once the consultation has ended. The seal dialog opens with the focus on Cancel, says what is
// still unmoderated and whether the clock is still running, and enables its seal button only
// once the co-chair has typed the word it asks for (or the consultation's title). After
// consultation.sealed the console has no control left: it shows what was kept and the report.
import { html, useRef, useState } from '../vendor/preact-htm.js';
import { t } from '../lib/i18n.js';
import { listQuestions } from '../lib/state.js';
import { AnsweredQuestions, TypedConfirmDialog, Unpublished } from './common.js';
import { ExportCard } from './rapporteur.js';

// What the co-chair must type: the word in the page's language, "SEAL" in any, or the title.
export function sealWordMatches(typed, title) {
  const norm = (s) => String(s || '').normalize('NFC').trim().toLocaleLowerCase();
  const v = norm(typed);
  return v !== '' && (v === norm(t('seal.word')) || v === 'seal' || v === norm(title));
}

function SealDialog({ state, conn, onClose }) {
  const c = state.consultation;
  const pending = listQuestions(state, 'pending').length;
  const running = c.clock && c.clock.state === 'running';
  return html`
    <${TypedConfirmDialog} id="seal" conn=${conn} command=${{ type: 'consultation.seal' }} danger=${true}
      matches=${(typed) => sealWordMatches(typed, c.title)} heading=${t('seal.heading')} text=${t('seal.confirm')}
      label=${t('seal.type', { word: t('seal.word') })} yes=${t('seal.yes')} onClose=${onClose}>
      ${(pending > 0 || running) && html`
        <ul class="seal-warnings" data-testid="seal-warnings">
          ${pending > 0 && html`<li data-testid="seal-pending" data-count=${pending}>${t('seal.pending', { count: pending })}</li>`}
          ${running && html`<li data-testid="seal-clock">${t('seal.clock_running')}</li>`}
        </ul>`}
    </${TypedConfirmDialog}>`;
}

// CHR-5: sealing ends the consultation for good; the panel says what it destroys.
export function SealPanel({ state, conn }) {
  const [open, setOpen] = useState(false);
  const button = useRef(null);
  if (state.consultation.sealed) return null;
  const close = () => {
    setOpen(false);
    requestAnimationFrame(() => { if (button.current) button.current.focus(); });
  };
  return html`
    <section class="card seal" aria-labelledby="seal-heading" data-testid="seal-panel">
      <h2 id="seal-heading">${t('seal.heading')}</h2>
      <p>${t('seal.explain')}</p>
      <button type="button" class="danger" ref=${button} data-testid="seal-button" onClick=${() => setOpen(true)}>${t('seal.button')}</button>
      ${open && html`<${SealDialog} state=${state} conn=${conn} onClose=${close} />`}
    </section>`;
}

// The console once sealed: nothing to act on, what was kept, and the report.
export function EndedConsole({ state, conn }) {
  const answered = listQuestions(state, 'answered', 'votes');
  const live = listQuestions(state, 'approved', 'votes');
  const kept = [...answered, ...live];
  return html`
    <div class="console ended" data-testid="ended">
      <section class="card ended-card" aria-labelledby="ended-heading">
        <h2 id="ended-heading">${t('ended.heading')}</h2>
        <p role="status" data-testid="sealed-notice">${t('sealed.notice')}</p>
        <p data-testid="ended-kept">${t('ended.kept', { answered: answered.length, live: live.length })}</p>
        <p class="hint">${t('ended.destroyed')}</p>
        <${Unpublished} consultation=${state.consultation} />
      </section>
      <${ExportCard} state=${state} conn=${conn} />
      ${kept.length > 0 && html`
        <section class="card" aria-labelledby="ended-questions-heading">
          <h2 id="ended-questions-heading">${t('ended.questions')} <span class="count">${kept.length}</span></h2>
          <${AnsweredQuestions} answered=${kept} />
        </section>`}
    </div>`;
}
