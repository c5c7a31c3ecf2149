// readonly.js — for the rapporteur, who watches rather than acts: the question being answered
// now, the live queue by votes with the one selected next marked, and what has been answered.
import { html } from '../vendor/preact-htm.js';
import { t } from '../lib/i18n.js';
import { answeringQuestion, listQuestions } from '../lib/state.js';
import { AgendaList, AnsweredQuestions, NowAnswering, WatchedQueue } from './common.js';

export function ReadOnlyView({ state, offset }) {
  const now = answeringQuestion(state);
  const current = now && now.state === 'approved' ? now : null;
  const queue = listQuestions(state, 'approved', 'votes').filter((q) => !current || q.id !== current.id);
  const answered = listQuestions(state, 'answered', 'recent');
  return html`
    <div class="readonly">
      <${NowAnswering} q=${current} />
      <div class="columns">
        <section class="card" aria-labelledby="queue-heading">
          <h2 id="queue-heading">${t('readonly.queue.heading')} <span class="count">${queue.length}</span></h2>
          <${WatchedQueue} queue=${queue} empty=${t('readonly.queue.empty')} next=${state.next} />
        </section>
        <section class="card" aria-labelledby="answered-heading">
          <h2 id="answered-heading">${t('readonly.answered.heading')} <span class="count">${answered.length}</span></h2>
          ${answered.length === 0 && html`<p class="empty">${t('readonly.answered.empty')}</p>`}
          <${AnsweredQuestions} answered=${answered} />
        </section>
      </div>
      <${AgendaList} consultation=${state.consultation} offset=${offset} />
    </div>`;
}
