// readonly.js — the live queue of approved questions, for roles that watch rather than act
// (rapporteur, booth, stage) until their own views arrive.
import { html } from '../vendor/preact-htm.js';
import { t } from '../lib/i18n.js';
import { listQuestions } from '../lib/state.js';
import { WatchedQueue } from './common.js';

export function ReadOnlyView({ state }) {
  const queue = listQuestions(state, 'approved', 'votes');
  return html`
    <section class="card" aria-labelledby="queue-heading">
      <h2 id="queue-heading">${t('readonly.queue.heading')} <span class="count">${queue.length}</span></h2>
      <${WatchedQueue} queue=${queue} empty=${t('participant.queue.empty')} />
    </section>`;
}
