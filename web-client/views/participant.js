// participant.js — the participant's page: post a question, follow your own, upvote others'.
import { html, useState } from '../vendor/preact-htm.js';
import { t } from '../lib/i18n.js';
import { languagesOf, listQuestions, myQuestions } from '../lib/state.js';
import { ActionError, QuestionBody, VoteCount, useAction } from './common.js';

const MAX_CHARS = 500;

function defaultLanguage(consultation) {
  const offered = languagesOf(consultation);
  for (const l of navigator.languages || [navigator.language]) {
    const base = (l || '').slice(0, 2).toLowerCase();
    if (offered.includes(base)) return base;
  }
  return consultation.floor;
}

function PostForm({ state, conn }) {
  const [text, setText] = useState('');
  const [lang, setLang] = useState(() => defaultLanguage(state.consultation));
  const [saved, setSaved] = useState(false);
  const action = useAction(conn);
  const count = [...text].length;
  async function submit(ev) {
    ev.preventDefault();
    setSaved(false);
    const reply = await action.run({ type: 'question.post', text, lang });
    if (reply && reply.type === 'ack') {
      setText('');
      setSaved(true);
    }
  }
  return html`
    <form class="card post" data-testid="question-form" onSubmit=${submit}>
      <h2>${t('participant.post.heading')}</h2>
      <label for="question-text">${t('participant.post.label')}</label>
      <textarea id="question-text" data-testid="question-text" dir="auto" rows="4" maxlength=${MAX_CHARS}
        value=${text} onInput=${(e) => { setText(e.currentTarget.value); setSaved(false); }} required></textarea>
      <div class="form-row">
        <label for="question-lang">${t('participant.post.language')}</label>
        <select id="question-lang" data-testid="question-lang" value=${lang} onChange=${(e) => setLang(e.currentTarget.value)}>
          ${languagesOf(state.consultation).map((l) => html`<option value=${l}>${t(`language.${l}`)}</option>`)}
        </select>
        <span class="counter" aria-live="off">${t('participant.post.count', { count, max: MAX_CHARS })}</span>
      </div>
      <p class="hint">${t('participant.post.hint')}</p>
      <button type="submit" class="primary" data-testid="question-submit" disabled=${action.busy || !text.trim()}>
        ${action.busy ? t('action.sending') : t('participant.post.submit')}</button>
      ${saved && html`<p class="saved" role="status">${t(state.consultation.premoderation ? 'participant.post.saved_moderated' : 'participant.post.saved')}</p>`}
      <${ActionError} error=${action.error} />
    </form>`;
}

function MyQuestions({ state }) {
  const mine = myQuestions(state);
  if (!mine.length) return null;
  return html`
    <section class="card" aria-labelledby="mine-heading">
      <h2 id="mine-heading">${t('participant.mine.heading')}</h2>
      <ul class="questions" data-testid="my-questions">
        ${mine.map((q) => html`
          <li key=${q.id} class="question" data-testid="my-question" data-id=${q.id} data-state=${q.state}>
            <${QuestionBody} q=${q} />
            <span class=${`state state-${q.state}`}>${t(`question.state.${q.state}`)}</span>
          </li>`)}
      </ul>
    </section>`;
}

function QueueItem({ q, state, conn }) {
  const action = useAction(conn);
  const own = state.mine.has(q.id);
  const voted = state.voted.has(q.id);
  const label = own ? t('participant.vote.own') : voted ? t('participant.vote.undo') : t('participant.vote.do');
  return html`
    <li class="question" data-testid="queue-item" data-id=${q.id}>
      <${QuestionBody} q=${q} />
      <div class="actions">
        <${VoteCount} q=${q} />
        <button type="button" class=${voted ? 'vote voted' : 'vote'} data-testid="vote-button" aria-pressed=${voted ? 'true' : 'false'}
          title=${label} aria-label=${label} disabled=${own || action.busy}
          onClick=${() => action.run({ type: voted ? 'question.unvote' : 'question.vote', question: q.id })}>
          ${voted ? t('participant.vote.voted') : t('participant.vote.button')}</button>
      </div>
      <${ActionError} error=${action.error} />
    </li>`;
}

export function ParticipantView({ state, conn }) {
  const queue = listQuestions(state, 'approved', 'votes');
  return html`
    <div class="columns">
      <div>
        <${PostForm} state=${state} conn=${conn} />
        <${MyQuestions} state=${state} />
      </div>
      <section class="card" aria-labelledby="queue-heading">
        <h2 id="queue-heading">${t('participant.queue.heading')} <span class="count">${queue.length}</span></h2>
        ${queue.length === 0 && html`<p class="empty">${t('participant.queue.empty')}</p>`}
        <ul class="questions" data-testid="queue">
          ${queue.map((q) => html`<${QueueItem} key=${q.id} q=${q} state=${state} conn=${conn} />`)}
        </ul>
      </section>
    </div>`;
}
