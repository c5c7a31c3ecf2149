// common.js — pieces every view shares: a question's text and label, the action hook that
// shows each command's state (sending, refused with the localised reason), tabs, and the
// "now answering" card.
import { html, useRef, useState } from '../vendor/preact-htm.js';
import { t, errorMessage } from '../lib/i18n.js';

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

export function ActionError({ error }) {
  return error ? html`<p class="action-error" role="alert" data-testid="action-error">${error}</p>` : null;
}

// Code points, as the server counts them (after NFC normalisation).
export function codePoints(text) {
  return [...text.normalize('NFC')].length;
}

// A question's label, language, markers and text. The text is the participant's own words in
// their own script: isolated (dir=auto) and tagged with its language.
export function QuestionBody({ q, answering = false, showSegment = null }) {
  return html`
    <div class="question-body">
      <div class="question-meta">
        <span class="label">${t('question.label', { id: q.id })}</span>
        <span class="lang" title=${t(`language.${q.lang}`)}>${q.lang.toUpperCase()}</span>
        ${answering && html`<span class="badge badge-answering">${t('question.answering')}</span>`}
        ${q.pinned && html`<span class="badge badge-pinned" data-testid="pinned-mark">${t('question.pinned')}</span>`}
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
export function WatchedQueue({ queue, empty, answering = null }) {
  return html`
    ${queue.length === 0 && html`<p class="empty">${empty}</p>`}
    <ol class="questions" data-testid="queue">
      ${queue.map((q) => html`
        <li key=${q.id} class=${q.id === answering ? 'question is-answering' : 'question'} data-testid="queue-item" data-id=${q.id}>
          <${QuestionBody} q=${q} answering=${q.id === answering} />
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
