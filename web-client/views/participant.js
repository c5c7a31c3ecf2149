// participant.js — the participant's page, mobile first: the question being answered, the form
// to ask one, and the questions in three tabs (Popular, Recent, Mine). Own questions show what
// the co-chairs decided, and can be withdrawn until they are answered.
import { html, useState } from '../vendor/preact-htm.js';
import { currentLanguage, t, tParts } from '../lib/i18n.js';
import {
  answeringQuestion, currentSegment, languagesOf, listQuestions, myQuestions, questionsOpen,
} from '../lib/state.js';
import {
  ActionError, AgendaList, AnsweredQuestions, IdentifyingNotice, NowAnswering, QuestionBody, SealedNotice, Tabs, VoteCount,
  codePoints, useAction,
} from './common.js';

const MAX_CHARS = 500;

// A question's language defaults to the page's language when the consultation offers it, else
// the floor's; the participant may change it for each question.
function defaultLanguage(consultation) {
  const offered = languagesOf(consultation);
  return offered.includes(currentLanguage()) ? currentLanguage() : consultation.floor;
}

function PostForm({ state, conn, onPosted }) {
  const [text, setText] = useState('');
  const [lang, setLang] = useState(() => defaultLanguage(state.consultation));
  const [saved, setSaved] = useState(false);
  const [found, setFound] = useState(null); // CHR-6: the server's text.identifying reply
  const action = useAction(conn);
  const open = questionsOpen(state);
  const segment = currentSegment(state);
  const count = codePoints(text);
  const tooLong = count > MAX_CHARS;
  async function send(placeholders) {
    setSaved(false);
    const reply = await action.run({ type: 'question.post', text, lang, ...(placeholders ? { placeholders: true } : {}) });
    if (reply && reply.type === 'error' && reply.code === 'text.identifying') {
      action.clear();
      setFound(reply);
      return;
    }
    setFound(null);
    if (reply && reply.type === 'ack') {
      setText('');
      setSaved(true);
      onPosted();
    }
  }
  async function submit(ev) {
    ev.preventDefault();
    if (!open || tooLong || !text.trim()) return;
    await send(false);
  }
  function editAgain() {
    setFound(null);
    const box = document.getElementById('question-text');
    if (box) box.focus();
  }
  return html`
    <form class="card post" data-testid="question-form" onSubmit=${submit} aria-labelledby="post-heading">
      <h2 id="post-heading">${t('participant.post.heading')}</h2>
      ${!open && html`
        <p class="notice notice-closed" data-testid="queue-closed" role="status">
          ${tParts('participant.closed', { segment: html`<bdi>${segment ? segment.title : ''}</bdi>` })}
        </p>`}
      <fieldset disabled=${!open} class="plain">
        <div class="label-row">
          <label for="question-text">${t('participant.post.label')}</label>
          <span id="question-count" class=${tooLong ? 'counter over' : 'counter'} data-testid="question-count">
            ${t('participant.post.count', { count, max: MAX_CHARS })}</span>
        </div>
        <textarea id="question-text" data-testid="question-text" dir="auto" lang=${lang} rows="3"
          aria-describedby="question-hint question-count" aria-invalid=${tooLong ? 'true' : 'false'}
          value=${text} onInput=${(e) => { setText(e.currentTarget.value); setSaved(false); setFound(null); }} required></textarea>
        ${tooLong && html`<p class="action-error">${t('participant.post.too_long', { max: MAX_CHARS })}</p>`}
        <div class="form-row">
          <label for="question-lang">${t('participant.post.language')}</label>
          <select id="question-lang" data-testid="question-lang" value=${lang} onChange=${(e) => setLang(e.currentTarget.value)}>
            ${languagesOf(state.consultation).map((l) => html`<option value=${l}>${t(`language.${l}`)}</option>`)}
          </select>
        </div>
        <p class="hint" id="question-hint">${t('participant.post.hint')}</p>
        <button type="submit" class="primary wide" data-testid="question-submit"
          disabled=${action.busy || !open || tooLong || !text.trim()}>
          ${action.busy ? t(conn && !conn.live ? 'action.waiting' : 'action.sending') : t('participant.post.submit')}</button>
      </fieldset>
      <${IdentifyingNotice} reply=${found} busy=${action.busy} onPlaceholders=${() => send(true)} onEdit=${editAgain} />
      ${saved && html`<p class="saved" role="status">${t(state.consultation.premoderation ? 'participant.post.saved_moderated' : 'participant.post.saved')}</p>`}
      <${ActionError} error=${action.error} />
    </form>`;
}

function stateText(q) {
  if (q.state === 'merged') return t('participant.mine.merged', { into: q.into ?? '?' });
  return t(`participant.mine.state.${q.state}`);
}

function MyQuestion({ q, state, conn }) {
  const action = useAction(conn);
  const [confirming, setConfirming] = useState(false);
  const canWithdraw = q.state === 'pending' || q.state === 'approved';
  const answeringNow = state.answering === q.id;
  async function withdraw() {
    const reply = await action.run({ type: 'question.withdraw', question: q.id });
    if (reply && reply.type === 'ack') setConfirming(false);
  }
  return html`
    <li class=${`question mine state-${q.state}`} data-testid="my-question" data-id=${q.id} data-state=${q.state}>
      <${QuestionBody} q=${q} answering=${answeringNow} />
      <div class="mine-foot">
        <span class=${`state state-${q.state}`} data-testid="my-question-state">${stateText(q)}</span>
        ${q.state === 'approved' && html`<${VoteCount} q=${q} />`}
        ${canWithdraw && !confirming && html`
          <button type="button" class="small" data-testid="withdraw-button" onClick=${() => setConfirming(true)}>
            ${t('participant.withdraw')}</button>`}
      </div>
      ${canWithdraw && confirming && html`
        <div class="confirm" role="group" aria-label=${t('participant.withdraw.confirm_label', { id: q.id })}>
          <p>${t('participant.withdraw.confirm')}</p>
          <div class="actions">
            <button type="button" class="danger" data-testid="withdraw-confirm" disabled=${action.busy} onClick=${withdraw}>
              ${t('participant.withdraw.yes')}</button>
            <button type="button" data-testid="withdraw-cancel" onClick=${() => { setConfirming(false); action.clear(); }}>
              ${t('participant.withdraw.no')}</button>
          </div>
        </div>`}
      <${ActionError} error=${action.error} />
    </li>`;
}

function MyQuestions({ state, conn }) {
  const mine = myQuestions(state);
  if (!mine.length) return html`<p class="empty" data-testid="empty">${t('participant.mine.empty')}</p>`;
  return html`
    <ul class="questions" data-testid="my-questions">
      ${mine.map((q) => html`<${MyQuestion} key=${q.id} q=${q} state=${state} conn=${conn} />`)}
    </ul>`;
}

function QueueItem({ q, state, conn }) {
  const action = useAction(conn);
  const own = state.mine.has(q.id);
  const voted = state.voted.has(q.id);
  const answeringNow = state.answering === q.id;
  const label = t(own ? 'participant.vote.own' : voted ? 'participant.vote.undo' : 'participant.vote.do', { id: q.id });
  const locked = !state.ruleAccepted || Boolean(state.consultation.sealed);
  return html`
    <li class=${answeringNow ? 'question is-answering' : 'question'} data-testid="queue-item" data-id=${q.id}>
      <${QuestionBody} q=${q} answering=${answeringNow} />
      <div class="actions">
        ${own && html`<span class="badge badge-own">${t('participant.yours')}</span>`}
        <${VoteCount} q=${q} />
        <button type="button" class=${voted ? 'vote voted' : 'vote'} data-testid="vote-button" aria-pressed=${voted ? 'true' : 'false'}
          title=${locked && !own ? t('participant.vote.locked') : label} aria-label=${label} disabled=${own || action.busy || locked}
          onClick=${() => action.run({ type: voted ? 'question.unvote' : 'question.vote', question: q.id })}>
          <span aria-hidden="true" class="vote-arrow">▲</span> ${voted ? t('participant.vote.voted') : t('participant.vote.button')}</button>
      </div>
      <${ActionError} error=${action.error} />
    </li>`;
}

function AnsweredList({ answered }) {
  if (!answered.length) return null;
  return html`
    <details class="answered-list">
      <summary>${t('participant.answered.heading', { count: answered.length })}</summary>
      <${AnsweredQuestions} answered=${answered} />
    </details>`;
}

// CHR-2: the Chatham House Rule, in the page's language; nothing can be posted or upvoted
// before the participant accepts it.
function RuleCard({ conn }) {
  const action = useAction(conn);
  return html`
    <section class="card rule-card" data-testid="rule-card" aria-labelledby="rule-heading">
      <h2 id="rule-heading">${t('rule.heading')}</h2>
      <p data-testid="rule-text">${t('rule.text')}</p>
      <p>${t('rule.here')}</p>
      <button type="button" class="primary wide" data-testid="rule-accept" disabled=${action.busy}
        onClick=${() => action.run({ type: 'rule.accept' })}>${t('rule.accept')}</button>
      <${ActionError} error=${action.error} />
    </section>`;
}

// LC-1: how to listen in the page's language: the Zoom channel to pick on a computer and on a
// phone, how to mute the original, and the organisers' own note. Open until first closed.
function ChannelCard({ consultation }) {
  const c = consultation;
  const lang = currentLanguage();
  const language = t(`language.${lang}`);
  const offered = languagesOf(c);
  const info = (c.listening && c.listening[lang]) || {};
  if (!offered.includes(lang)) {
    return html`
      <section class="card channel" data-testid="channel" data-lang=${lang} data-offered="false">
        <p>${t('channel.not_offered', { language, offered: offered.map((l) => t(`language.${l}`)).join(', ') })}</p>
      </section>`;
  }
  const channel = info.zoom_channel || language;
  const floor = lang === c.floor;
  return html`
    <details class="card channel" data-testid="channel" data-lang=${lang} data-offered="true" open>
      <summary><h2 class="inline-heading">${t('channel.summary', { language })}</h2></summary>
      <p>${t('channel.floor', { language: t(`language.${c.floor}`) })}</p>
      <ul class="channel-steps">
        ${floor ? html`
          <li data-testid="channel-desktop">${t('channel.floor_desktop')}</li>
          <li data-testid="channel-mobile">${t('channel.floor_mobile')}</li>`
        : html`
          <li data-testid="channel-desktop">${tParts('channel.desktop', { channel: html`<bdi>${channel}</bdi>` })}</li>
          <li data-testid="channel-mobile">${tParts('channel.mobile', { channel: html`<bdi>${channel}</bdi>` })}</li>
          <li>${t('channel.mute')}</li>`}
      </ul>
      ${info.note && html`<p class="channel-note" data-testid="channel-note">${t('channel.note')} <span dir="auto">${info.note}</span></p>`}
    </details>`;
}

export function ParticipantView({ state, conn, offset }) {
  const [tab, setTab] = useState('popular');
  const c = state.consultation;
  const segmentIndex = c.current_segment;
  const open = questionsOpen(state);
  const now = answeringQuestion(state);
  const nowVisible = now && now.state === 'approved' ? now : null;
  // The live queue of the current agenda segment; the question being answered is on top.
  const queue = listQuestions(state, 'approved', tab === 'recent' ? 'recent' : 'votes', segmentIndex)
    .filter((q) => !nowVisible || q.id !== nowVisible.id);
  const answered = listQuestions(state, 'answered', 'recent', segmentIndex);
  const mineCount = myQuestions(state).length;
  const tabs = [
    { id: 'popular', label: t('participant.tab.popular'), attrs: { 'data-testid': 'tab-popular' } },
    { id: 'recent', label: t('participant.tab.recent'), attrs: { 'data-testid': 'tab-recent' } },
    { id: 'mine', label: t('participant.tab.mine'), count: mineCount, attrs: { 'data-testid': 'tab-mine' } },
  ];
  return html`
    <div class="participant">
      <${SealedNotice} consultation=${c} />
      <${ChannelCard} consultation=${c} />
      <${NowAnswering} q=${nowVisible} />
      ${!c.sealed && (state.ruleAccepted
        ? html`<${PostForm} state=${state} conn=${conn} onPosted=${() => setTab('mine')} />`
        : html`<${RuleCard} conn=${conn} />`)}
      <section class="card queue-card" aria-labelledby="queue-heading">
        <h2 id="queue-heading" class="visually-hidden">${t('participant.queue.heading')}</h2>
        <${Tabs} tabs=${tabs} selected=${tab} onSelect=${setTab} label=${t('participant.queue.heading')} idPrefix="pq" />
        <div id="pq-panel" role="tabpanel" aria-labelledby=${`pq-tab-${tab}`} class="tab-panel">
          ${tab === 'mine'
            ? html`<${MyQuestions} state=${state} conn=${conn} />`
            : html`
              ${queue.length === 0 && html`<p class="empty" data-testid="empty">${t(open ? 'participant.queue.empty' : 'participant.queue.empty_closed')}</p>`}
              <ol class="questions" data-testid="queue">
                ${queue.map((q) => html`<${QueueItem} key=${q.id} q=${q} state=${state} conn=${conn} />`)}
              </ol>
              <${AnsweredList} answered=${answered} />`}
        </div>
      </section>
      <${AgendaList} consultation=${c} offset=${offset} />
    </div>`;
}
