// poll.js — anonymous polls (POLL-1) in every view that shows them: the co-chairs prepare, open,
// close and show polls and see the live (suppressed) totals; participants answer with radio or
// checkbox groups, a 1-5 scale or a few words, and may change their answer while it is open;
// the stage shows the question and, once shown, the result as bars or a word cloud. Mounted
// with one line each: <${ChairPolls} …/> (console), <${ParticipantPolls} …/>, <${StagePoll} …/>.
import { html, useState } from '../vendor/preact-htm.js';
import { currentLanguage, formatNumber, isolate, t } from '../lib/i18n.js';
import { listPolls, pollText, stagePoll } from '../lib/polls.js';
import { ActionError, useAction } from './common.js';

const KINDS = ['single', 'multiple', 'scale', 'words'];
const SCALE = [1, 2, 3, 4, 5];
const MAX_OPTIONS = 10;

function languagesOf(c) {
  return [c.floor, ...(c.channels || []).filter((l) => l !== c.floor)];
}

// The labels of a poll's result rows: its options, or the scale's points.
function rowLabels(p, lang, floor) {
  if (p.kind === 'scale') return SCALE.map(String);
  return p.options.map((o) => pollText(o, lang, floor));
}

// A count as shown: the number, or the words for a hidden one (EX-4).
function countText(c) {
  if (c === 'fewer') return t('poll.fewer');
  if (c === 'withheld') return t('poll.withheld');
  return formatNumber(c);
}

// The result: bars for choices and the scale, sized words for a cloud, or "too few".
export function PollResult({ p, floor, large = false }) {
  const r = p.result;
  if (!r) return null;
  if (!r.published) return html`<p class="poll-too-few" data-testid="poll-too-few">${t('poll.too_few')}</p>`;
  const lang = currentLanguage();
  if (p.kind === 'words') {
    const top = r.words.length ? r.words[0][1] : 1;
    return html`
      <div class=${`poll-cloud${large ? ' poll-cloud-large' : ''}`} data-testid="poll-cloud">
        <p class="hint">${t('poll.respondents', { count: r.respondents })}</p>
        ${r.words.length === 0 && html`<p class="empty">${t('poll.cloud.empty')}</p>`}
        <ul class="poll-words">
          ${r.words.map(([w, n]) => html`
            <li dir="auto" style=${`font-size: ${(1 + (1.6 * n) / top).toFixed(2)}em`} title=${`${formatNumber(n)}`}>${w}<span class="visually-hidden"> (${formatNumber(n)})</span></li>`)}
        </ul>
      </div>`;
  }
  const labels = rowLabels(p, lang, floor);
  return html`
    <div class=${`poll-bars${large ? ' poll-bars-large' : ''}`} data-testid="poll-bars">
      <p class="hint">${t('poll.respondents', { count: r.respondents })}</p>
      <ul>
        ${r.counts.map((c, i) => {
          const share = typeof c === 'number' && r.respondents ? Math.round((100 * c) / r.respondents) : 0;
          return html`
            <li class="poll-bar" data-testid="poll-bar">
              <span class="poll-bar-label" dir="auto">${labels[i]}</span>
              <span class="poll-bar-track" aria-hidden="true"><span class=${`poll-bar-fill${typeof c === 'number' ? '' : ' poll-bar-hidden'}`} style=${`width: ${typeof c === 'number' ? share : 100}%`}></span></span>
              <span class="poll-bar-count">${countText(c)}</span>
            </li>`;
        })}
      </ul>
    </div>`;
}

// --- co-chairs ----------------------------------------------------------------------------------

function CreateForm({ c, action }) {
  const langs = languagesOf(c);
  const [kind, setKind] = useState('single');
  const [text, setText] = useState({});
  const [options, setOptions] = useState([{}, {}]);
  const [segment, setSegment] = useState('');
  const choice = kind === 'single' || kind === 'multiple';
  async function submit(e) {
    e.preventDefault();
    const cmd = { type: 'poll.create', kind, text };
    if (choice) cmd.options = options;
    if (segment !== '') cmd.segment = Number(segment);
    const reply = await action.run(cmd);
    if (reply && reply.type === 'ack') {
      setText({});
      setOptions([{}, {}]);
    }
  }
  const setOption = (i, l, v) => setOptions(options.map((o, j) => (j === i ? { ...o, [l]: v } : o)));
  return html`
    <form class="poll-create" data-testid="poll-create" onSubmit=${submit}>
      <label for="poll-kind">${t('poll.create.kind')}</label>
      <select id="poll-kind" data-testid="poll-kind" value=${kind} onChange=${(e) => setKind(e.currentTarget.value)}>
        ${KINDS.map((k) => html`<option value=${k}>${t(`poll.kind.${k}`)}</option>`)}
      </select>
      ${langs.map((l) => html`
        <label for=${`poll-text-${l}`}>${t('poll.create.text', { language: t(`language.${l}`) })}</label>
        <input id=${`poll-text-${l}`} data-testid=${`poll-text-${l}`} lang=${l} dir="auto" required=${l === c.floor}
          value=${text[l] || ''} onInput=${(e) => setText({ ...text, [l]: e.currentTarget.value })} />`)}
      ${choice && options.map((o, i) => html`
        <fieldset class="poll-option" data-testid="poll-option">
          <legend>${t('poll.create.option', { n: i + 1 })}</legend>
          ${langs.map((l) => html`
            <label class="visually-hidden" for=${`poll-option-${i}-${l}`}>${t('poll.create.option_in', { n: i + 1, language: t(`language.${l}`) })}</label>
            <input id=${`poll-option-${i}-${l}`} data-testid=${`poll-option-${i}-${l}`} lang=${l} dir="auto" placeholder=${t(`language.${l}`)}
              required=${l === c.floor} value=${o[l] || ''} onInput=${(e) => setOption(i, l, e.currentTarget.value)} />`)}
          ${options.length > 2 && html`<button type="button" class="small" onClick=${() => setOptions(options.filter((_, j) => j !== i))}>${t('poll.create.remove_option', { n: i + 1 })}</button>`}
        </fieldset>`)}
      ${choice && options.length < MAX_OPTIONS && html`<button type="button" class="small" data-testid="poll-add-option" onClick=${() => setOptions([...options, {}])}>${t('poll.create.add_option')}</button>`}
      <label for="poll-segment">${t('poll.create.segment')}</label>
      <select id="poll-segment" data-testid="poll-segment" value=${segment} onChange=${(e) => setSegment(e.currentTarget.value)}>
        <option value="">${t('poll.create.segment.none')}</option>
        ${c.segments.map((s, i) => html`<option value=${String(i)}>${isolate(s.title)}</option>`)}
      </select>
      <button type="submit" data-testid="poll-create-submit" disabled=${action.busy}>${t('poll.create.submit')}</button>
      <${ActionError} error=${action.error} />
    </form>`;
}

function ChairPoll({ p, c, conn }) {
  const action = useAction(conn);
  const lang = currentLanguage();
  const run = (type, extra = {}) => action.run({ type, poll: p.id, ...extra });
  return html`
    <li class="poll-item" data-testid="chair-poll" data-id=${p.id} data-state=${p.state}>
      <p class="poll-meta">${t('poll.label', { id: p.id })} · ${t(`poll.kind.${p.kind}`)} · <span data-testid="poll-state">${t(`poll.state.${p.state}`)}</span>
        ${p.segment !== null && html` · ${t('poll.segment', { segment: isolate(c.segments[p.segment]?.title ?? '') })}`}</p>
      <p class="poll-question" dir="auto">${pollText(p.text, lang, c.floor)}</p>
      <div class="poll-actions">
        ${p.state === 'draft' && html`<button type="button" data-testid="poll-open" disabled=${action.busy} onClick=${() => run('poll.open')}>${t('poll.open')}</button>`}
        ${p.state === 'open' && html`<button type="button" data-testid="poll-close" disabled=${action.busy} onClick=${() => run('poll.close')}>${t('poll.close')}</button>`}
        ${p.state !== 'draft' && html`<button type="button" data-testid="poll-show" aria-pressed=${p.shown ? 'true' : 'false'} disabled=${action.busy}
          onClick=${() => run('poll.show', { shown: !p.shown })}>${t(p.shown ? 'poll.hide' : 'poll.show')}</button>`}
      </div>
      ${p.shown && html`<p class="hint" data-testid="poll-shown">${t('poll.shown')}</p>`}
      <${PollResult} p=${p} floor=${c.floor} />
      <${ActionError} error=${action.error} />
    </li>`;
}

export function ChairPolls({ state, conn }) {
  const c = state.consultation;
  const create = useAction(conn);
  if (!c || c.sealed) return null;
  const polls = listPolls(state);
  return html`
    <section class="card polls" data-testid="chair-polls" aria-labelledby="polls-heading">
      <h2 id="polls-heading">${t('poll.heading')}</h2>
      <ol class="poll-list">${polls.map((p) => html`<${ChairPoll} key=${p.id} p=${p} c=${c} conn=${conn} />`)}</ol>
      <details class="poll-create-box">
        <summary data-testid="poll-create-toggle">${t('poll.create.heading')}</summary>
        <${CreateForm} c=${c} action=${create} />
      </details>
    </section>`;
}

// --- participants -------------------------------------------------------------------------------

// The answer being edited, from what was sent last (or nothing yet).
function draftOf(p, mine) {
  if (!mine) return { choices: [], value: null, words: '' };
  return { choices: mine.choices || [], value: mine.value ?? null, words: (mine.words || []).join(', ') };
}

function AnswerForm({ p, mine, c, conn }) {
  const lang = currentLanguage();
  const action = useAction(conn);
  const [draft, setDraft] = useState(() => draftOf(p, mine));
  const name = `poll-${p.id}`;
  const labels = rowLabels(p, lang, c.floor);
  function toggle(i) {
    const has = draft.choices.includes(i);
    const choices = p.kind === 'single' ? [i] : has ? draft.choices.filter((x) => x !== i) : [...draft.choices, i].sort((a, b) => a - b);
    setDraft({ ...draft, choices });
  }
  async function submit(e) {
    e.preventDefault();
    const cmd = { type: 'poll.answer', poll: p.id };
    if (p.kind === 'scale') cmd.value = draft.value;
    else if (p.kind === 'words') cmd.words = draft.words.split(/[,،]/).map((w) => w.trim()).filter(Boolean).slice(0, 3);
    else cmd.choices = draft.choices;
    await action.run(cmd);
  }
  const ready = p.kind === 'scale' ? draft.value !== null : p.kind === 'words' ? draft.words.trim() !== '' : draft.choices.length > 0;
  const legendId = `${name}-question`;
  return html`
    <form onSubmit=${submit} data-testid="poll-answer-form">
      ${p.kind === 'words' ? html`
        <label for=${`${name}-words`} id=${legendId} class="poll-question" dir="auto">${pollText(p.text, lang, c.floor)}</label>
        <p class="hint" id=${`${name}-hint`}>${t('poll.words.hint')}</p>
        <input id=${`${name}-words`} data-testid="poll-words" dir="auto" aria-describedby=${`${name}-hint`} value=${draft.words}
          onInput=${(e) => setDraft({ ...draft, words: e.currentTarget.value })} />`
      : html`
        <fieldset class=${`poll-choices poll-${p.kind}`} role=${p.kind === 'multiple' ? 'group' : 'radiogroup'} aria-labelledby=${legendId}>
          <legend id=${legendId} class="poll-question" dir="auto">${pollText(p.text, lang, c.floor)}</legend>
          ${p.kind === 'scale' && html`<p class="hint">${t('poll.scale.hint')}</p>`}
          ${labels.map((label, i) => {
            const value = p.kind === 'scale' ? i + 1 : i;
            const checked = p.kind === 'scale' ? draft.value === value : draft.choices.includes(i);
            return html`
              <label class="poll-choice">
                <input type=${p.kind === 'multiple' ? 'checkbox' : 'radio'} name=${name} value=${String(value)} checked=${checked}
                  data-testid="poll-choice" onChange=${() => (p.kind === 'scale' ? setDraft({ ...draft, value }) : toggle(i))} />
                <span dir="auto">${label}</span>
              </label>`;
          })}
        </fieldset>`}
      <button type="submit" data-testid="poll-submit" disabled=${action.busy || !ready}>${t(mine ? 'poll.change' : 'poll.answer')}</button>
      ${mine && html`<p class="hint" role="status" data-testid="poll-answered">${t('poll.answered')}</p>`}
      <${ActionError} error=${action.error} />
    </form>`;
}

export function ParticipantPolls({ state, conn }) {
  const c = state.consultation;
  if (!c || !state.ruleAccepted) return null;
  const polls = listPolls(state, ['open', 'closed']).filter((p) => p.state === 'open' || (p.shown && p.result));
  if (!polls.length) return null;
  const lang = currentLanguage();
  return html`
    <section class="card polls" data-testid="participant-polls" aria-labelledby="participant-polls-heading">
      <h2 id="participant-polls-heading">${t('poll.heading')}</h2>
      ${polls.map((p) => html`
        <div class="poll-item" key=${p.id} data-testid="participant-poll" data-id=${p.id} data-state=${p.state}>
          ${p.state === 'open' && !c.sealed
            ? html`<${AnswerForm} p=${p} mine=${(state.pollAnswers || {})[p.id]} c=${c} conn=${conn} />`
            : html`<p class="poll-question" dir="auto">${pollText(p.text, lang, c.floor)}</p><p class="hint">${t('poll.closed')}</p>`}
          ${p.shown && html`<h3 class="poll-result-heading">${t('poll.result.heading')}</h3><${PollResult} p=${p} floor=${c.floor} />`}
        </div>`)}
    </section>`;
}

// --- the stage ----------------------------------------------------------------------------------

export function StagePoll({ state }) {
  const c = state.consultation;
  const p = c && !c.sealed ? stagePoll(state) : null;
  if (!p) return null;
  const lang = currentLanguage();
  return html`
    <section class="stage-poll" data-testid="stage-poll" data-id=${p.id} aria-labelledby="stage-poll-heading">
      <p class="stage-label">${t('poll.label', { id: p.id })}</p>
      <h2 id="stage-poll-heading" class="stage-poll-question" dir="auto">${pollText(p.text, lang, c.floor)}</h2>
      ${p.shown && p.result ? html`<${PollResult} p=${p} floor=${c.floor} large=${true} />`
        : html`<p class="stage-poll-hint">${t(p.state === 'open' ? 'poll.stage.open' : 'poll.closed')}</p>`}
    </section>`;
}
