// common.js — pieces every view shares: a question's text and label, and the action hook that
// shows each command's state (sending, refused with the localised reason).
import { html, useState } from '../vendor/preact-htm.js';
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
  return { busy, error, run };
}

export function ActionError({ error }) {
  return error ? html`<p class="action-error" role="alert" data-testid="action-error">${error}</p>` : null;
}

export function QuestionBody({ q }) {
  return html`
    <div class="question-body">
      <span class="label">${t('question.label', { id: q.id })}</span>
      <span class="lang" title=${t(`language.${q.lang}`)}>${q.lang.toUpperCase()}</span>
      <p class="text" dir="auto" lang=${q.lang}>${q.text}</p>
    </div>`;
}

export function VoteCount({ q }) {
  return html`<span class="votes" aria-label=${t('question.votes', { count: q.votes })}>
    <span data-testid="votes">${q.votes}</span></span>`;
}

// The approved queue as others watch it: each question with its vote count, no actions.
export function WatchedQueue({ queue, empty }) {
  return html`
    ${queue.length === 0 && html`<p class="empty">${empty}</p>`}
    <ol class="questions" data-testid="queue">
      ${queue.map((q) => html`
        <li key=${q.id} class="question" data-testid="queue-item" data-id=${q.id}>
          <${QuestionBody} q=${q} />
          <div class="actions"><${VoteCount} q=${q} /></div>
        </li>`)}
    </ol>`;
}
