// chair-move.js — the co-chairs' "move here" panel (QA-6): the unanswered questions (pending or
// live) that sit in other agenda segments, moved into the segment shown (the current one on the
// "All" tab) all at once or by a checkbox selection, with question.move's `questions`. Changing
// the segment carries them over by itself; this is for the ones left behind (a segment that
// starts empty, a question moved by hand). Not the segment's own controls (chair-panels.js).
import { html, useState } from '../vendor/preact-htm.js';
import { t } from '../lib/i18n.js';
import { listQuestions } from '../lib/state.js';
import { ActionError } from './common.js';

// The most questions one question.move takes (protocol/README.md); more go in further commands.
const MOVE_MAX = 500;

function snippet(text, n = 60) {
  const cps = [...text];
  return cps.length > n ? `${cps.slice(0, n).join('')}…` : text;
}

export function MovePanel({ state, segTab, mod }) {
  const c = state.consultation;
  const target = segTab === 'all' ? c.current_segment : segTab;
  const [chosen, setChosen] = useState(() => new Set());
  if (c.sealed) return null;
  const elsewhere = listQuestions(state, ['pending', 'approved'], 'time').filter((q) => q.segment !== target);
  if (!elsewhere.length) return null;
  const key = `move-${target}`;
  const busy = Boolean(mod.busy[key]);
  const picked = elsewhere.filter((q) => chosen.has(q.id)).map((q) => q.id);

  async function move(ids) {
    for (let i = 0; i < ids.length; i += MOVE_MAX) {
      const reply = await mod.run({ type: 'question.move', questions: ids.slice(i, i + MOVE_MAX), segment: target }, key);
      if (!reply || reply.type === 'error') return;
    }
    setChosen(new Set());
  }
  function toggle(id, on) {
    const next = new Set(chosen);
    if (on) next.add(id); else next.delete(id);
    setChosen(next);
  }

  return html`
    <section class="card move-panel" data-testid="move-panel" data-segment=${target} aria-labelledby="move-heading">
      <div class="section-head">
        <h2 id="move-heading">${t('chair.move.heading', { count: elsewhere.length })}</h2>
        <button type="button" class="primary" data-testid="move-all" aria-disabled=${busy ? 'true' : 'false'}
          onClick=${() => !busy && move(elsewhere.map((q) => q.id))}>
          ${t('chair.move.all', { n: target + 1 })}</button>
      </div>
      <details class="move-choose">
        <summary>${t('chair.move.choose')}</summary>
        <ul class="move-list" data-testid="move-list">
          ${elsewhere.map((q) => html`
            <li key=${q.id}>
              <label>
                <input type="checkbox" data-testid="move-check" data-id=${q.id} checked=${chosen.has(q.id)}
                  onChange=${(e) => toggle(q.id, e.currentTarget.checked)} />
                ${' '}${t('question.label', { id: q.id })} · ${t('question.segment', { n: q.segment + 1 })}
                ${q.state === 'pending' ? html` · ${t('chair.move.pending')}` : ''}: <bdi>${snippet(q.text)}</bdi>
              </label>
            </li>`)}
        </ul>
        <button type="button" data-testid="move-selected" aria-disabled=${busy || !picked.length ? 'true' : 'false'}
          onClick=${() => !busy && picked.length && move(picked)}>
          ${t('chair.move.selected', { count: picked.length, n: target + 1 })}</button>
      </details>
      <${ActionError} error=${mod.errors[key]} />
    </section>`;
}
