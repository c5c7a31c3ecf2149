// participant.js — the participant's page, mobile first, one column in a fixed order whatever
// happens: the question being answered, the place to ask (which says why and until when it is
// closed, and that the consultation has ended once it is sealed), and the questions in three
// tabs (Popular, Recent, Mine). Own questions show what the co-chairs decided, and can be
// withdrawn until they are answered. How to listen in one's language is a chip that opens.
// The open link's guards show in place (AB-3, AB-5): questions paused by the co-chairs disable
// the form and say until when; where only personal invitations vote, the open link is offered
// no upvote button and one line says why.
import { html, useEffect, useState } from '../vendor/preact-htm.js';
import { currentLanguage, t, tParts } from '../lib/i18n.js';
import {
  answeringQuestion, currentSegment, languagesOf, listQuestions, mayVote, myQuestions, pauseHolds, questionsOpen,
} from '../lib/state.js';
import {
  ActionError, AgendaList, AnsweredQuestions, Confirm, Counter, IdentifyingNotice, LanguagePicker, NowAnswering, QuestionBody,
  Tabs, VoteCount, ZonedTime, agendaToday, codePoints, focusSoon, serverNow, useAction, useIdentifying,
} from './common.js';
import { CredentialLost, credentialMissing } from './credential.js';
import { SpeakersParticipant } from './speakers.js';

// A question's language defaults to the page's language when the consultation offers it, else
// the floor's; the participant may change it for each question.
function defaultLanguage(consultation) {
  const offered = languagesOf(consultation);
  return offered.includes(currentLanguage()) ? currentLanguage() : consultation.floor;
}

function reopens(c, next) {
  if (!next) return t('participant.closed.final');
  const segment = html`<bdi>${next.title}</bdi>`;
  if (next.plannedStart === null) return tParts('participant.closed.reopens', { segment });
  const when = html`<${ZonedTime} instant=${next.plannedStart} zone=${c.timezone} kind="reopens" />`;
  return tParts('participant.closed.reopens_at', { segment, when });
}

// Why questions are closed, and when they open again: the next part of the agenda that takes
// questions, with its planned time when the agenda has one (QA-6, AG-4).
function ClosedStatus({ state, offset }) {
  const c = state.consultation;
  const segment = currentSegment(state);
  const rows = agendaToday(c, serverNow(offset));
  const next = rows.find((r) => r.index > c.current_segment && c.segments[r.index].questions);
  return html`
    <div class="notice notice-closed" data-testid="queue-closed" id="ask-status" role="status" tabindex="-1">
      <p>${tParts('participant.closed', { segment: html`<bdi>${segment ? segment.title : ''}</bdi>` })}</p>
      <p data-testid="queue-reopens">${reopens(c, next)}</p>
    </div>`;
}

// AB-3: whether the co-chairs' pause of incoming questions holds now; renders again when a timed
// pause runs out, so that the form opens again without a new event.
function useQueuePaused(pause, offset) {
  const [, setTick] = useState(0);
  const paused = pauseHolds(pause, serverNow(offset));
  const until = paused ? pause.until : null;
  useEffect(() => {
    if (until === null) return undefined;
    const id = setTimeout(() => setTick((x) => x + 1), Math.min(until - serverNow(offset) + 50, 2 ** 31 - 1));
    return () => clearTimeout(id);
  }, [until, offset]);
  return paused;
}

// The co-chairs paused incoming questions: said where the form is, with when it ends if timed.
function PausedStatus({ consultation, pause }) {
  const when = pause.until !== null && html`<${ZonedTime} instant=${pause.until} zone=${consultation.timezone} kind="paused-until" />`;
  return html`
    <div class="notice notice-closed notice-paused" data-testid="queue-paused" id="ask-status" role="status" tabindex="-1">
      <p>${t('participant.queue.paused')}</p>
      ${when && html`<p data-testid="queue-paused-until">${tParts('participant.queue.paused_until', { when })}</p>`}
    </div>`;
}

function PostForm({ state, conn, offset, onPosted }) {
  const [text, setText] = useState('');
  // The question's language follows the page's until the participant picks one.
  const [picked, setPicked] = useState(null);
  const lang = picked || defaultLanguage(state.consultation);
  const [saved, setSaved] = useState(false);
  const action = useAction(conn);
  const identifying = useIdentifying(action); // CHR-6: the server's text.identifying reply
  const guard = state.consultation.guard;
  const paused = useQueuePaused(guard && guard.queue, offset);
  const open = questionsOpen(state);
  const takes = open && !paused;
  const count = codePoints(text);
  // While questions are closed the box folds away, unless it holds a draft: that stays in view.
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
    if (!takes || tooLong || !text.trim() || action.busy) return;
    await send(false);
  }
  function editAgain() {
    identifying.drop();
    const box = document.getElementById('question-text');
    if (box) box.focus();
  }
  return html`
    <form class="card post" data-testid="question-form" onSubmit=${submit} aria-labelledby="post-heading">
      <h2 id="post-heading" tabindex="-1">${t('participant.post.heading')}</h2>
      ${!open && html`<${ClosedStatus} state=${state} offset=${offset} />`}
      ${open && paused && html`<${PausedStatus} consultation=${state.consultation} pause=${guard.queue} />`}
      <fieldset disabled=${!takes} class="plain" hidden=${!open && !text}>
        <div class="label-row">
          <label for="question-text">${t('participant.post.label')}</label>
          <${Counter} count=${count} max=${max} id="question-count" testid="question-count" />
        </div>
        <textarea id="question-text" data-testid="question-text" dir="auto" lang=${lang} rows="3"
          aria-describedby="question-hint question-count" aria-invalid=${tooLong ? 'true' : 'false'}
          value=${text} onInput=${(e) => { setText(e.currentTarget.value); setSaved(false); identifying.drop(); }} required></textarea>
        ${tooLong && html`<p class="action-error">${t('participant.post.too_long', { max })}</p>`}
        <p class="hint" id="question-hint">${t('participant.post.hint')}</p>
        <div class="post-row">
          <div class="form-row">
            <label for="question-lang">${t('participant.post.language')}</label>
            <select id="question-lang" data-testid="question-lang" value=${lang} onChange=${(e) => setPicked(e.currentTarget.value)}>
              ${languagesOf(state.consultation).map((l) => html`<option value=${l}>${t(`language.${l}`)}</option>`)}
            </select>
          </div>
          <button type="submit" class="primary" data-testid="question-submit"
            disabled=${!takes || tooLong || (!text.trim() && !action.busy)} aria-disabled=${action.busy ? 'true' : null}
            data-sending=${action.busy ? 'true' : null}>
            ${action.busy ? t(conn && !conn.live ? 'action.waiting' : 'action.sending') : t('participant.post.submit')}</button>
        </div>
      </fieldset>
      <${IdentifyingNotice} reply=${identifying.found} busy=${action.busy} onPlaceholders=${() => send(true)} onEdit=${editAgain} limits=${true} />
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

function QueueItem({ q, state, conn, showSegment = null }) {
  const action = useAction(conn);
  // The vote shows at once (pressed, the count moved by one) while it is on its way; a refusal
  // puts both back and says why.
  const [optimistic, setOptimistic] = useState(null); // { voted } while a vote is in flight
  const own = state.mine.has(q.id);
  const confirmed = state.voted.has(q.id);
  const voted = optimistic ? optimistic.voted : confirmed;
  const shown = optimistic && optimistic.voted !== confirmed ? { ...q, votes: Math.max(0, q.votes + (voted ? 1 : -1)) } : q;
  const answeringNow = state.answering === q.id;
  // WCAG 2.5.3: the button's name starts with the word it shows, in every language; what it
  // does beyond that is its pressed state and its title.
  const word = voted ? t('participant.vote.voted') : t('participant.vote.button');
  const label = t('participant.vote.name', { word, id: q.id });
  const hint = t(own ? 'participant.vote.own' : voted ? 'participant.vote.undo' : 'participant.vote.do', { id: q.id });
  const locked = !state.ruleAccepted || Boolean(state.consultation.sealed);
  async function vote() {
    if (optimistic) return;
    setOptimistic({ voted: !confirmed });
    await action.run({ type: confirmed ? 'question.unvote' : 'question.vote', question: q.id });
    setOptimistic(null);
  }
  return html`
    <li class=${answeringNow ? 'question is-answering' : 'question'} data-testid="queue-item" data-id=${q.id}>
      <${QuestionBody} q=${q} answering=${answeringNow} showSegment=${showSegment} />
      <div class="actions">
        ${own && html`<span class="badge badge-own">${t('participant.yours')}</span>`}
        ${mayVote(state) ? html`<${VoteCount} q=${shown} />
        <button type="button" class=${voted ? 'vote voted' : 'vote'} data-testid="vote-button" aria-pressed=${voted ? 'true' : 'false'}
          title=${locked && !own ? t('participant.vote.locked') : hint} aria-label=${label} disabled=${own || locked}
          aria-busy=${optimistic ? 'true' : null} data-sending=${optimistic ? 'true' : null} onClick=${vote}>
          <span aria-hidden="true" class="vote-arrow">▲</span> ${word}</button>`
        : html`<span class="votes-words" data-testid="votes-words">${t('question.votes', { count: q.votes })}</span>`}
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

// CHR-2 and the first screen: from the link to the first question on one card, "I accept"
// within the first screen of a phone. The page's language (chosen from the browser's,
// changeable here), the Chatham House Rule in it, what the page does and cannot do for anyone's
// anonymity (CHR-6), who cannot tell who asked what and, behind a disclosure, how: exactly the
// README's threat model (CHR-3), no more; one "I accept"; what comes next behind a disclosure.
// No account, no name.
// Nothing can be posted or upvoted before the participant accepts; then the focus goes to the
// place to ask (the question box, or what says why questions are closed).
function Onboarding({ conn, lang, onLanguage }) {
  const action = useAction(conn);
  async function accept() {
    const reply = await action.run({ type: 'rule.accept' });
    if (reply && reply.type === 'ack') focusSoon('#question-text:not(:disabled), #ask-status', { scroll: true });
  }
  return html`
    <section class="card onboarding" data-testid="rule-card" aria-labelledby="onboarding-heading">
      <h2 id="onboarding-heading">${t('onboarding.heading')}</h2>
      <div class="form-row">
        <${LanguagePicker} lang=${lang} onChange=${onLanguage} id="onboarding-language" testid="onboarding-language" visibleLabel=${true} />
      </div>
      <h3 id="rule-heading">${t('rule.heading')}</h3>
      <p data-testid="rule-text">${t('rule.text')}</p>
      <p data-testid="rule-scrubber">${t('onboarding.scrubber')}</p>
      <p data-testid="privacy-line">${t('privacy.line')}</p>
      <details class="onboarding-more" data-testid="privacy-how">
        <summary>${t('privacy.how')}</summary>
        <p>${t('privacy.how.text')}</p>
      </details>
      <details class="onboarding-more">
        <summary>${t('onboarding.next.heading')}</summary>
        <ol class="next-steps" data-testid="onboarding-steps">
          <li>${t('onboarding.next.ask')}</li>
          <li>${t('onboarding.next.vote')}</li>
          <li>${t('onboarding.next.follow')}</li>
        </ol>
      </details>
      <button type="button" class="primary wide" data-testid="rule-accept" disabled=${action.busy} aria-describedby="rule-heading"
        onClick=${accept}>${action.busy ? t('action.sending') : t('rule.accept')}</button>
      <${ActionError} error=${action.error} />
    </section>`;
}

// LC-1: how to listen in the page's language, folded into a chip ("Listening: Arabic — how to
// listen") that opens (a native disclosure): the Zoom channel to pick on a computer and on a
// phone, how to mute the original, and the organisers' own note.
function ChannelChip({ consultation }) {
  const c = consultation;
  const lang = currentLanguage();
  const language = t(`language.${lang}`);
  const offered = languagesOf(c);
  const info = (c.listening && c.listening[lang]) || {};
  const isOffered = offered.includes(lang);
  const channel = info.zoom_channel || language;
  const floor = lang === c.floor;
  return html`
    <details class="channel" data-testid="channel" data-lang=${lang} data-offered=${isOffered ? 'true' : 'false'}>
      <summary class="chip" data-testid="channel-chip">
        <svg class="chip-icon" aria-hidden="true" viewBox="0 0 24 24" width="18" height="18"><path d="M4 14v-2a8 8 0 0 1 16 0v2" fill="none" stroke="currentColor" stroke-width="2"/><rect x="3" y="13" width="5" height="8" rx="1.5" fill="currentColor"/><rect x="16" y="13" width="5" height="8" rx="1.5" fill="currentColor"/></svg>
        ${t(isOffered ? 'channel.chip' : 'channel.chip_none', { language })}</summary>
      <div class="channel-body">
        ${!isOffered ? html`
          <p>${t('channel.not_offered', { language, offered: offered.map((l) => t(`language.${l}`)).join(', ') })}</p>` : html`
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
          ${info.note && html`<p class="channel-note" data-testid="channel-note">${t('channel.note')} <span dir="auto">${info.note}</span></p>`}`}
      </div>
    </details>`;
}

// CHR-5: once the consultation is sealed, the place to ask says it has ended, and what
// happens next; the questions stay below to read.
function Ended() {
  return html`
    <section class="card ended" data-testid="ended" aria-labelledby="ended-heading">
      <h2 id="ended-heading">${t('participant.ended.heading')}</h2>
      <p>${t('participant.ended.next')}</p>
      <p class="hint" data-testid="sealed-notice">${t('sealed.notice')}</p>
    </section>`;
}

// The live questions of the current part of the agenda; when it has none but other parts do,
// those, under a heading of their own (a live question is never hidden behind "no questions").
function LiveList({ state, conn, tab, nowVisible }) {
  const c = state.consultation;
  const order = tab === 'recent' ? 'recent' : 'votes';
  const notNow = (q) => !nowVisible || q.id !== nowVisible.id;
  const queue = listQuestions(state, 'approved', order, c.current_segment).filter(notNow);
  const others = queue.length ? [] : listQuestions(state, 'approved', order).filter((q) => q.segment !== c.current_segment && notNow(q));
  let empty = null;
  if (!queue.length && !others.length && !nowVisible) {
    if (c.sealed) empty = 'participant.queue.empty_ended';
    else empty = questionsOpen(state) ? 'participant.queue.empty' : 'participant.queue.empty_closed';
  }
  return html`
    ${!mayVote(state) && html`<p class="hint vote-note" data-testid="vote-invitations-only">${t('participant.vote.invitations_only')}</p>`}
    ${empty && html`<p class="empty" data-testid="empty">${t(empty)}</p>`}
    <ol class="questions" data-testid="queue">
      ${queue.map((q) => html`<${QueueItem} key=${q.id} q=${q} state=${state} conn=${conn} />`)}
    </ol>
    ${others.length > 0 && html`
      <h3 class="other-heading" data-testid="other-segments">${t('participant.queue.other_segments')}</h3>
      <ol class="questions" data-testid="other-queue">
        ${others.map((q) => html`<${QueueItem} key=${q.id} q=${q} state=${state} conn=${conn} showSegment=${q.segment} />`)}
      </ol>`}`;
}

// POLL-1: the polls' view is loaded once the consultation has a poll to show, so that the page
// of a consultation without one stays within its weight on a weak network.
function LazyPolls({ state, conn }) {
  const [View, setView] = useState(null);
  const any = Object.keys(state.polls || {}).length > 0;
  useEffect(() => {
    if (any && !View) import('./poll.js').then((m) => setView(() => m.ParticipantPolls));
  }, [any, View]);
  return any && View ? html`<${View} state=${state} conn=${conn} />` : null;
}

export function ParticipantView({ state, conn, offset, lang, onLanguage }) {
  const [tab, setTab] = useState('popular');
  const c = state.consultation;
  const now = answeringQuestion(state);
  const nowVisible = now && now.state === 'approved' ? now : null;
  const answered = listQuestions(state, 'answered', 'recent', c.current_segment);
  const mineCount = myQuestions(state).length;
  const tabs = [
    { id: 'popular', label: t('participant.tab.popular'), attrs: { 'data-testid': 'tab-popular' } },
    { id: 'recent', label: t('participant.tab.recent'), attrs: { 'data-testid': 'tab-recent' } },
    { id: 'mine', label: t('participant.tab.mine'), count: mineCount, attrs: { 'data-testid': 'tab-mine' } },
  ];
  const onboarding = !c.sealed && !state.ruleAccepted;
  let ask = null;
  // CHR-3: an invitation whose credential is elsewhere takes part once it has a new one.
  const lost = !c.sealed && credentialMissing(conn);
  const drawing = Boolean(conn && ['draw', 'allowed'].includes(conn.credentialState));
  if (c.sealed) ask = html`<${Ended} />`;
  else if (lost) ask = html`<${CredentialLost} conn=${conn} />`;
  else if (state.ruleAccepted && !drawing) ask = html`<${PostForm} state=${state} conn=${conn} offset=${offset} onPosted=${() => setTab('mine')} />`;
  // One column, always in this order: the Rule (until accepted), how to listen, now answering,
  // the place to ask, the questions, the list of speakers, the agenda.
  return html`
    <div class="participant" data-testid="participant" data-phase=${c.sealed ? 'ended' : onboarding ? 'rule' : 'asking'}>
      ${onboarding && !lost && !drawing && html`<${Onboarding} conn=${conn} lang=${lang} onLanguage=${onLanguage} />`}
      <${ChannelChip} consultation=${c} />
      <${NowAnswering} q=${nowVisible} />
      ${ask}
      <${LazyPolls} state=${state} conn=${conn} />
      <section class="card queue-card" aria-labelledby="queue-heading" data-testid="queue-card">
        <h2 id="queue-heading" class="visually-hidden">${t('participant.queue.heading')}</h2>
        <${Tabs} tabs=${tabs} selected=${tab} onSelect=${setTab} label=${t('participant.queue.heading')} idPrefix="pq" />
        <div id="pq-panel" role="tabpanel" aria-labelledby=${`pq-tab-${tab}`} class="tab-panel">
          ${tab === 'mine'
            ? html`<${MyQuestions} state=${state} conn=${conn} />`
            : html`
              <${LiveList} state=${state} conn=${conn} tab=${tab} nowVisible=${nowVisible} />
              <${AnsweredList} answered=${answered} />`}
        </div>
      </section>
      <${SpeakersParticipant} state=${state} conn=${conn} />
      <${AgendaList} consultation=${c} offset=${offset} />
    </div>`;
}
