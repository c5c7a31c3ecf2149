// chair.js — the co-chairs' console: incoming questions to approve or reject, and the live
// queue sorted by votes or by time.
import { html, useState } from '../vendor/preact-htm.js';
import { t } from '../lib/i18n.js';
import { listQuestions } from '../lib/state.js';
import { ActionError, QuestionBody, WatchedQueue, useAction } from './common.js';

function IncomingItem({ q, conn }) {
  const action = useAction(conn);
  return html`
    <li class="question" data-testid="incoming-item" data-id=${q.id}>
      <${QuestionBody} q=${q} />
      <div class="actions">
        <button type="button" class="primary" data-testid="approve-button" disabled=${action.busy}
          onClick=${() => action.run({ type: 'question.approve', question: q.id })}>${t('chair.approve')}</button>
        <button type="button" data-testid="reject-button" disabled=${action.busy}
          onClick=${() => action.run({ type: 'question.reject', question: q.id })}>${t('chair.reject')}</button>
      </div>
      <${ActionError} error=${action.error} />
    </li>`;
}

export function ChairView({ state, conn }) {
  const [order, setOrder] = useState('votes');
  const incoming = listQuestions(state, 'pending', 'time');
  const queue = listQuestions(state, 'approved', order);
  const rejected = listQuestions(state, 'rejected', 'time');
  return html`
    <div class="columns">
      <section class="card" aria-labelledby="incoming-heading">
        <h2 id="incoming-heading">${t('chair.incoming.heading')} <span class="count">${incoming.length}</span></h2>
        ${incoming.length === 0 && html`<p class="empty">${t('chair.incoming.empty')}</p>`}
        <ul class="questions" data-testid="incoming">
          ${incoming.map((q) => html`<${IncomingItem} key=${q.id} q=${q} conn=${conn} />`)}
        </ul>
        ${rejected.length > 0 && html`<p class="hint">${t('chair.rejected.count', { count: rejected.length })}</p>`}
      </section>
      <section class="card" aria-labelledby="queue-heading">
        <div class="section-head">
          <h2 id="queue-heading">${t('chair.queue.heading')} <span class="count">${queue.length}</span></h2>
          <div class="toggle" role="group" aria-label=${t('chair.queue.order')}>
            ${['votes', 'time'].map((o) => html`
              <button type="button" aria-pressed=${order === o ? 'true' : 'false'} onClick=${() => setOrder(o)}>
                ${t(`chair.queue.by_${o}`)}</button>`)}
          </div>
        </div>
        <${WatchedQueue} queue=${queue} empty=${t('chair.queue.empty')} />
      </section>
    </div>`;
}
