// readonly.js — the live queue of approved questions, for roles that watch rather than act
// (rapporteur, booth, stage) until their own views arrive.
import { html } from '../vendor/preact-htm.js';
import { t } from '../lib/i18n.js';
import { listQuestions } from '../lib/state.js';
import { QuestionBody, VoteCount } from './common.js';

export function ReadOnlyView({ state }) {
  const queue = listQuestions(state, 'approved', 'votes');
  return html`
    <section class="card" aria-labelledby="queue-heading">
      <h2 id="queue-heading">${t('readonly.queue.heading')} <span class="count">${queue.length}</span></h2>
      ${queue.length === 0 && html`<p class="empty">${t('participant.queue.empty')}</p>`}
      <ol class="questions" data-testid="queue">
        ${queue.map((q) => html`
          <li key=${q.id} class="question" data-testid="queue-item" data-id=${q.id}>
            <${QuestionBody} q=${q} />
            <div class="actions"><${VoteCount} q=${q} /></div>
          </li>`)}
      </ol>
    </section>`;
}
