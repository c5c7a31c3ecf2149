// participant.js — the participant's page, mobile first: the question being answered, the form
// to ask one, and the questions in three tabs (Popular, Recent, Mine). Own questions show what
// the co-chairs decided, and can be withdrawn until they are answered.
import { html, useState } from '../vendor/preact-htm.js';
import { currentLanguage, t, tParts } from '../lib/i18n.js';
import {
  answeringQuestion, currentSegment, languagesOf, listQuestions, myQuestions, questionsOpen,
} from '../lib/state.js';
import {
  ActionError, AgendaList, AnsweredQuestions, Confirm, Counter, IdentifyingNotice, LanguagePicker, NowAnswering, QuestionBody, SealedNotice,
  Tabs, VoteCount, codePoints, focusSoon, useAction, useIdentifying,
} from './common.js';

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
  const action = useAction(conn);
  const identifying = useIdentifying(action); // CHR-6: the server's text.identifying reply
  const open = questionsOpen(state);
  const segment = currentSegment(state);
  const count = codePoints(text);
  const max = state.limits.question;
  const tooLong = count > max;
  async function send(placeholders) {
    setSaved(false);
    const reply = await identifying.run({ type: 'question.post', text, lang }, placeholders);
    if (reply && reply.type === 'ack') {
      setText('');
      setSaved(true);
      onPosted();
      // The button is disabled with the box empty: the focus stays in the form, in the box.
      focusSoon('#question-text');
    }
  }
  async function submit(ev) {
    ev.preventDefault();
    if (!open || tooLong || !text.trim() || action.busy) return;
    await send(false);
  }
  function editAgain() {
    identifying.drop();
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
          <${Counter} count=${count} max=${max} id="question-count" testid="question-count" />
        </div>
        <textarea id="question-text" data-testid="question-text" dir="auto" lang=${lang} rows="3"
          aria-describedby="question-hint question-count" aria-invalid=${tooLong ? 'true' : 'false'}
          value=${text} onInput=${(e) => { setText(e.currentTarget.value); setSaved(false); identifying.drop(); }} required></textarea>
        ${tooLong && html`<p class="action-error">${t('participant.post.too_long', { max })}</p>`}
        <div class="form-row">
          <label for="question-lang">${t('participant.post.language')}</label>
          <select id="question-lang" data-testid="question-lang" value=${lang} onChange=${(e) => setLang(e.currentTarget.value)}>
            ${languagesOf(state.consultation).map((l) => html`<option value=${l}>${t(`language.${l}`)}</option>`)}
          </select>
        </div>
        <p class="hint" id="question-hint">${t('participant.post.hint')}</p>
        <button type="submit" class="primary wide" data-testid="question-submit"
          disabled=${!open || tooLong || (!text.trim() && !action.busy)} aria-disabled=${action.busy ? 'true' : null}
          data-sending=${action.busy ? 'true' : null}>
          ${action.busy ? t(conn && !conn.live ? 'action.waiting' : 'action.sending') : t('participant.post.submit')}</button>
      </fieldset>
      <${IdentifyingNotice} reply=${identifying.found} busy=${action.busy} onPlaceholders=${() => send(true)} onEdit=${editAgain} />
      ${saved && html`<p class="saved" role="status">${t(state.consultation.premoderation ? 'participant.post.saved_moderated' : 'participant.post.saved')}</p>`}
      <${ActionError} error=${action.error} />
    </form>`;
}

function stateText(q) {
  if (q.state === 'merged') return t('participant.mine.merged', { into: q.into ?? '?' });
  return t(`participant.mine.state.${q.state}`);
}

// A question of mine, for focusSoon: its Withdraw button once it is shown again, or, once
// withdrawn (its buttons gone), the question itself.
const myQuestion = (id) => `[data-testid="my-question"][data-id="${id}"]`;
const focusWithdraw = (id) => focusSoon(`${myQuestion(id)} [data-testid="withdraw-button"]`);
const focusItem = (id) => focusSoon(myQuestion(id));

function MyQuestion({ q, state, conn }) {
  const action = useAction(conn);
  const [confirming, setConfirming] = useState(false);
  // Withdrawn at once on this page; put back as it was if the server refuses.
  const [withdrawing, setWithdrawing] = useState(false);
  const shown = withdrawing ? { ...q, state: 'withdrawn' } : q;
  const canWithdraw = !withdrawing && (q.state === 'pending' || q.state === 'approved');
  const answeringNow = state.answering === q.id;
  async function withdraw() {
    setConfirming(false);
    setWithdrawing(true);
    const reply = await action.run({ type: 'question.withdraw', question: q.id });
    setWithdrawing(false);
    if (reply && reply.type === 'error') focusWithdraw(q.id);
    else focusItem(q.id);
  }
  return html`
    <li class=${`question mine state-${shown.state}`} data-testid="my-question" data-id=${q.id} data-state=${shown.state}
      aria-busy=${withdrawing ? 'true' : null} tabindex="-1">
      <${QuestionBody} q=${q} answering=${answeringNow} />
      <div class="mine-foot">
        <span class=${`state state-${shown.state}`} data-testid="my-question-state">${stateText(shown)}</span>
        ${withdrawing && html`<span class="sending" data-testid="sending">${t('action.sending')}</span>`}
        ${q.state === 'approved' && !withdrawing && html`<${VoteCount} q=${q} />`}
        ${canWithdraw && !confirming && html`
          <button type="button" class="small" data-testid="withdraw-button" onClick=${() => { action.clear(); setConfirming(true); }}>
            ${t('participant.withdraw')}</button>`}
      </div>
      ${canWithdraw && confirming && html`
        <${Confirm} label=${t('participant.withdraw.confirm_label', { id: q.id })} text=${t('participant.withdraw.confirm')}
          yes=${t('participant.withdraw.yes')} no=${t('participant.withdraw.no')} onYes=${withdraw}
          onNo=${() => { setConfirming(false); action.clear(); focusWithdraw(q.id); }}
          yesTestid="withdraw-confirm" noTestid="withdraw-cancel" />`}
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
  // The vote shows at once (pressed, the count moved by one) while it is on its way; a refusal
  // puts both back and says why.
  const [optimistic, setOptimistic] = useState(null); // { voted } while a vote is in flight
  const own = state.mine.has(q.id);
  const confirmed = state.voted.has(q.id);
  const voted = optimistic ? optimistic.voted : confirmed;
  const shown = optimistic && optimistic.voted !== confirmed ? { ...q, votes: Math.max(0, q.votes + (voted ? 1 : -1)) } : q;
  const answeringNow = state.answering === q.id;
  const label = t(own ? 'participant.vote.own' : voted ? 'participant.vote.undo' : 'participant.vote.do', { id: q.id });
  const locked = !state.ruleAccepted || Boolean(state.consultation.sealed);
  async function vote() {
    if (optimistic) return;
    setOptimistic({ voted: !confirmed });
    await action.run({ type: confirmed ? 'question.unvote' : 'question.vote', question: q.id });
    setOptimistic(null);
  }
  return html`
    <li class=${answeringNow ? 'question is-answering' : 'question'} data-testid="queue-item" data-id=${q.id}>
      <${QuestionBody} q=${q} answering=${answeringNow} />
      <div class="actions">
        ${own && html`<span class="badge badge-own">${t('participant.yours')}</span>`}
        <${VoteCount} q=${shown} />
        <button type="button" class=${voted ? 'vote voted' : 'vote'} data-testid="vote-button" aria-pressed=${voted ? 'true' : 'false'}
          title=${locked && !own ? t('participant.vote.locked') : label} aria-label=${label} disabled=${own || locked}
          aria-busy=${optimistic ? 'true' : null} data-sending=${optimistic ? 'true' : null} onClick=${vote}>
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

// CHR-2 and the first screen: from the link to the first question on one card. The page's
// language (chosen from the browser's, changeable here), the Chatham House Rule in it, one
// "I accept", and what comes next. No account, no name. Nothing can be posted or upvoted before
// the participant accepts; then the question box has the focus.
function Onboarding({ conn, lang, onLanguage }) {
  const action = useAction(conn);
  async function accept() {
    const reply = await action.run({ type: 'rule.accept' });
    if (reply && reply.type === 'ack') {
      focusSoon('#question-text');
    }
  }
  return html`
    <section class="card onboarding" data-testid="rule-card" aria-labelledby="onboarding-heading">
      <h2 id="onboarding-heading">${t('onboarding.heading')}</h2>
      <p>${t('onboarding.intro')}</p>
      <div class="form-row">
        <${LanguagePicker} lang=${lang} onChange=${onLanguage} id="onboarding-language" testid="onboarding-language" visibleLabel=${true} />
      </div>
      <h3 id="rule-heading">${t('rule.heading')}</h3>
      <p data-testid="rule-text">${t('rule.text')}</p>
      <p>${t('rule.here')}</p>
      <h3>${t('onboarding.next.heading')}</h3>
      <ol class="next-steps" data-testid="onboarding-steps">
        <li>${t('onboarding.next.ask')}</li>
        <li>${t('onboarding.next.vote')}</li>
        <li>${t('onboarding.next.follow')}</li>
      </ol>
      <button type="button" class="primary wide" data-testid="rule-accept" disabled=${action.busy} aria-describedby="rule-heading"
        onClick=${accept}>${action.busy ? t('action.sending') : t('rule.accept')}</button>
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

export function ParticipantView({ state, conn, offset, lang, onLanguage }) {
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
      ${!c.sealed && !state.ruleAccepted && html`<${Onboarding} conn=${conn} lang=${lang} onLanguage=${onLanguage} />`}
      <${ChannelCard} consultation=${c} />
      <${NowAnswering} q=${nowVisible} />
      ${!c.sealed && state.ruleAccepted && html`<${PostForm} state=${state} conn=${conn} onPosted=${() => setTab('mine')} />`}
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
