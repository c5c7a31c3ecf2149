// chair.js — the co-chairs' console, queue first: the questions to moderate (Incoming), then
// the live queue, each question with a compact toolbar (its main actions, the rest in a menu),
// with the answered, rejected, withdrawn and merged questions below; the stage, the clock, the
// segment, interpretation, the agenda and sealing beside it (chair-panels.js, chair-seal.js);
// the alert area sticky on top (chair-alerts.js). Two co-chairs see each other's actions as
// events arrive; approve, reject and edit say what this console saw (`from`, `version`), and a
// question the other co-chair changed meanwhile comes back as a conflict with the question to go
// ahead anyway (QA-4). Once sealed, the console has no control left (EndedConsole).
//
// Keyboard (never while typing in a field): j/k or ↓/↑ select through Incoming then the queue,
// a approve, r reject (both then select the next incoming), n now answering, d mark answered
// (then the next in the queue), p pin/unpin, e edit, m merge,
// ? this list, Esc close.
import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import { errorMessage, isolate, t } from '../lib/i18n.js';
import { answeringQuestion, countBySegment, listQuestions } from '../lib/state.js';
import {
  ActionError, Counter, IdentifyingNotice, QuestionBody, Tabs, VoteCount, codePoints, focusSoon, useIdentifying,
} from './common.js';
import { AgendaTable, ClockPanel, InterpretationPanel, OnStage, SegmentPanel } from './chair-panels.js';
import { MovePanel } from './chair-move.js';
import { ChairGuard } from './chair-guard.js';
import { CredentialRequests } from './credential.js';
import { ChairPolls } from './poll.js';

import * as alerts from './chair-alerts.js';
import * as menus from './chair-menu.js';
import * as seal from './chair-seal.js';
import { SpeakersChair } from './speakers.js';

// The console's own pieces (the alert area, the toolbar's menu, sealing). This module loads
// with the console only (app.js imports each role's view when the role is known), so they never
// weigh on a participant's page.
const parts = { ...alerts, ...menus, ...seal };

export const SHORTCUTS = [
  ['j / ↓', 'chair.keys.next'],
  ['k / ↑', 'chair.keys.prev'],
  ['a', 'chair.keys.approve'],
  ['r', 'chair.keys.reject'],
  ['n', 'chair.keys.answer_now'],
  ['d', 'chair.keys.answered'],
  ['p', 'chair.keys.pin'],
  ['e', 'chair.keys.edit'],
  ['m', 'chair.keys.merge'],
  ['?', 'chair.keys.help'],
  ['Esc', 'chair.keys.escape'],
];

// The states in which a command that met a conflict may still be sent (QA-4): anything else is
// a plain refusal, said as the server would have said it without `from`.
const STILL_POSSIBLE = {
  'question.approve': ['pending', 'rejected'],
  'question.reject': ['pending'],
  'question.edit': ['pending', 'approved', 'answered'],
};

// What a co-chair saw of a question, for approve, reject and edit to carry (QA-4).
function seen(q, withVersion = false) {
  const out = { from: q.state };
  if (withVersion && typeof q.version === 'number') out.version = q.version;
  return out;
}

// Commands per question (or per segment): which are in flight, the last refusal of each, and
// the conflicts waiting for the co-chair's answer. A refusal stays until the next command that
// succeeds, or until dismissed.
function useModeration(conn) {
  const [busy, setBusy] = useState({});
  const [errors, setErrors] = useState({});
  const [conflicts, setConflicts] = useState({});
  const busyNow = useRef({}); // the same as busy, at once (a second key press comes before a render)
  const pendingConflict = useRef({});
  // While a command of the same question (or segment) is on its way, its buttons say so with
  // aria-disabled (a disabled button would drop the keyboard focus) and do nothing.
  async function run(cmd, key = cmd.question ?? `segment-${cmd.segment}`) {
    if (!conn || busyNow.current[key]) return null;
    busyNow.current[key] = true;
    setBusy((b) => ({ ...b, [key]: true }));
    setErrors((e) => ({ ...e, [key]: null }));
    setConflicts((c) => ({ ...c, [key]: null }));
    const reply = await conn.command(cmd);
    busyNow.current[key] = false;
    setBusy((b) => ({ ...b, [key]: false }));
    if (reply.type !== 'error') {
      setErrors({}); // the next success clears what went wrong before
      return reply;
    }
    const p = reply.params || {};
    if (reply.code === 'question.conflict') {
      if ((STILL_POSSIBLE[cmd.type] || []).includes(p.state)) {
        pendingConflict.current[key] = { cmd, params: p };
        setConflicts((c) => ({ ...c, [key]: { cmd, params: p } }));
        return reply;
      }
      const code = cmd.type === 'question.edit' ? 'question.wrong_state' : 'question.not_pending';
      setErrors((e) => ({ ...e, [key]: errorMessage({ ...reply, code }) }));
      return reply;
    }
    setErrors((e) => ({ ...e, [key]: errorMessage(reply) }));
    return reply;
  }
  // The co-chair's answer to a conflict: send it again with what is there now, or leave it.
  async function resolve(key, yes) {
    const c = pendingConflict.current[key];
    delete pendingConflict.current[key];
    setConflicts((old) => ({ ...old, [key]: null }));
    if (!yes || !c) return null;
    const again = { ...c.cmd, from: c.params.state };
    if (c.cmd.type === 'question.edit' && typeof c.params.version === 'number') again.version = c.params.version;
    return run(again, key);
  }
  function dismiss(key) {
    setErrors((e) => ({ ...e, [key]: null }));
  }
  return { busy, errors, conflicts, run, resolve, dismiss };
}

function isTyping(el) {
  if (!el || !el.closest) return false;
  return Boolean(el.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]'));
}

function snippet(text, n = 70) {
  const cps = [...text];
  return cps.length > n ? `${cps.slice(0, n).join('')}…` : text;
}

function EditBox({ q, max, mod, onDone }) {
  const [text, setText] = useState(q.text);
  // CHR-6: identifying detail in the new text; the refusal is this question's.
  const identifying = useIdentifying({ run: mod.run, clear: () => mod.dismiss(q.id) });
  const ref = useRef(null);
  useEffect(() => { if (ref.current) ref.current.focus(); }, []);
  const count = codePoints(text);
  const bad = !text.trim() || count > max;
  async function save(placeholders = false) {
    if (bad) return;
    if (text === q.text) { onDone(); return; }
    const reply = await identifying.run({ type: 'question.edit', question: q.id, text, ...seen(q, true) }, placeholders);
    if (reply && reply.type === 'ack') onDone();
  }
  function onKeyDown(ev) {
    if (ev.key === 'Escape') { ev.preventDefault(); onDone(); }
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); save(); }
  }
  const id = `edit-${q.id}`;
  return html`
    <div class="inline-panel">
      <label for=${id}>${t('chair.edit.label', { id: q.id })}</label>
      <textarea id=${id} ref=${ref} data-testid="edit-text" dir="auto" lang=${q.lang} rows="3" value=${text}
        onInput=${(e) => { setText(e.currentTarget.value); identifying.drop(); }} onKeyDown=${onKeyDown}></textarea>
      <div class="form-row">
        <${Counter} count=${count} max=${max} />
      </div>
      <p class="hint">${t('chair.edit.hint')}</p>
      <div class="actions">
        <button type="button" class="primary" data-testid="edit-save" disabled=${bad || mod.busy[q.id]} onClick=${() => save()}>${t('chair.edit.save')}</button>
        <button type="button" data-testid="edit-cancel" onClick=${onDone}>${t('action.cancel')}</button>
      </div>
      <${IdentifyingNotice} reply=${identifying.found} busy=${mod.busy[q.id]} onPlaceholders=${() => save(true)}
        onEdit=${() => { identifying.drop(); if (ref.current) ref.current.focus(); }} />
    </div>`;
}

function MergeBox({ q, targets, mod, onDone }) {
  const [into, setInto] = useState(''); // no default: the co-chair chooses
  const ref = useRef(null);
  useEffect(() => { if (ref.current) ref.current.focus(); }, []);
  async function merge() {
    if (!into) return;
    const reply = await mod.run({ type: 'question.merge', question: q.id, into: Number(into) });
    if (reply && reply.type === 'ack') onDone();
  }
  function onKeyDown(ev) {
    if (ev.key === 'Escape') { ev.preventDefault(); onDone(); }
  }
  const id = `merge-${q.id}`;
  if (!targets.length) {
    return html`
      <div class="inline-panel">
        <p class="hint">${t('chair.merge.none')}</p>
        <button type="button" data-testid="merge-cancel" onClick=${onDone}>${t('action.cancel')}</button>
      </div>`;
  }
  return html`
    <div class="inline-panel" onKeyDown=${onKeyDown}>
      <label for=${id}>${t('chair.merge.label', { id: q.id })}</label>
      <select id=${id} ref=${ref} data-testid="merge-target" value=${into} onChange=${(e) => setInto(e.currentTarget.value)}>
        <option value="" disabled>${t('chair.merge.choose')}</option>
        ${targets.map((o) => html`<option value=${String(o.id)}>
          ${t('chair.merge.option', { id: o.id, votes: o.votes, text: isolate(snippet(o.text)) })}</option>`)}
      </select>
      <p class="hint">${t('chair.merge.hint')}</p>
      <div class="actions">
        <button type="button" class="primary" data-testid="merge-confirm" disabled=${!into || mod.busy[q.id]} onClick=${merge}>
          ${t('chair.merge.confirm')}</button>
        <button type="button" data-testid="merge-cancel" onClick=${onDone}>${t('action.cancel')}</button>
      </div>
    </div>`;
}

function MoveBox({ q, segments, mod, onDone }) {
  const [to, setTo] = useState(String(q.segment));
  const ref = useRef(null);
  useEffect(() => { if (ref.current) ref.current.focus(); }, []);
  const id = `move-${q.id}`;
  async function move() {
    const reply = await mod.run({ type: 'question.move', question: q.id, segment: Number(to) });
    if (reply && reply.type === 'ack') onDone();
  }
  const onKeyDown = (ev) => { if (ev.key === 'Escape') { ev.preventDefault(); onDone(); } };
  return html`
    <div class="inline-panel move" onKeyDown=${onKeyDown}>
      <label for=${id}>${t('chair.move.label', { id: q.id })}</label>
      <select id=${id} ref=${ref} data-testid="move-select" value=${to} onChange=${(e) => setTo(e.currentTarget.value)}>
        ${segments.map((s, i) => html`<option value=${String(i)}>${t('chair.segment.option', { n: i + 1, title: isolate(s.title) })}</option>`)}
      </select>
      <div class="actions">
        <button type="button" class="primary" data-testid="move-button" disabled=${to === String(q.segment) || mod.busy[q.id]}
          onClick=${move}>${t('chair.move')}</button>
        <button type="button" data-testid="move-cancel" onClick=${onDone}>${t('action.cancel')}</button>
      </div>
    </div>`;
}

// One question in any list of the console. kind: incoming | queue | answered | rejected |
// withdrawn | merged. A compact toolbar: the main actions of its state as buttons, the rest
// (edit, merge, move, select next for the booths) in a menu.
function ChairItem({ q, kind, ctx }) {
  const { state, mod, selected, setSelected, panel, setPanel, segTab } = ctx;
  const busy = Boolean(mod.busy[q.id]);
  const isSelected = selected === q.id && (kind === 'incoming' || kind === 'queue');
  const answeringNow = state.answering === q.id;
  const isNext = state.next === q.id;
  const segments = state.consultation.segments;
  const run = (cmd) => mod.run({ ...cmd, question: q.id });
  const targets = () => listQuestions(state, 'approved', 'votes')
    .filter((o) => o.id !== q.id)
    .sort((a, b) => (a.segment === q.segment ? 0 : 1) - (b.segment === q.segment ? 0 : 1));
  const canEdit = kind === 'incoming' || kind === 'queue' || kind === 'answered';
  const canMerge = kind === 'incoming' || kind === 'queue';
  const open = panel && panel.id === q.id ? panel.kind : null;
  const toggle = (which) => setPanel(open === which ? null : { id: q.id, kind: which });
  const dis = busy ? 'true' : null;
  const menu = [];
  if (kind === 'queue' && !answeringNow) {
    menu.push({ id: 'next', testid: 'next-button', checked: isNext, label: t('chair.next.button'),
      onSelect: () => mod.run({ type: 'question.select_next', question: isNext ? null : q.id }, q.id) });
  }
  if (canEdit) menu.push({ id: 'edit', testid: 'edit-button', opens: true, label: t('chair.edit'), onSelect: () => toggle('edit') });
  if (canMerge) menu.push({ id: 'merge', testid: 'merge-button', opens: true, label: t('chair.merge'), onSelect: () => toggle('merge') });
  if (canEdit && segments.length > 1) menu.push({ id: 'move', testid: 'move-open', opens: true, label: t('chair.move.open'), onSelect: () => toggle('move') });
  let cls = `question chair-item kind-${kind}`;
  if (isSelected) cls += ' selected';
  if (answeringNow) cls += ' is-answering';
  const conflict = mod.conflicts[q.id];
  return html`
    <li class=${cls} data-testid=${`${kind}-item`} data-id=${q.id} data-state=${q.state}
      aria-current=${isSelected ? 'true' : null} tabindex=${kind === 'incoming' || kind === 'queue' ? '-1' : null}
      id=${`item-${q.id}`}
      onClick=${kind === 'incoming' || kind === 'queue' ? () => setSelected(q.id) : null}>
      <div class="chair-item-main">
        <${QuestionBody} q=${q} answering=${answeringNow} next=${isNext} showSegment=${segTab === 'all' ? q.segment : null} />
        ${q.may_identify && html`<span class="badge badge-identify" data-testid="may-identify">${t('chair.may_identify')}</span>`}
      </div>
      <div class="actions chair-actions" role="group" aria-label=${t('chair.toolbar', { id: q.id })}>
        ${(kind === 'queue' || kind === 'answered') && html`<${VoteCount} q=${q} />`}
        ${kind === 'merged' && html`<span class="state state-merged">${t('chair.merged.into', { into: q.into ?? '?' })}</span>
          <button type="button" class="small" data-testid="unmerge-button" aria-disabled=${dis}
            onClick=${() => run({ type: 'question.unmerge' })}>${t('chair.unmerge')}</button>`}
        ${kind === 'incoming' && html`
          <button type="button" class="primary small" data-testid="approve-button" aria-disabled=${dis}
            onClick=${() => run({ type: 'question.approve', ...seen(q) })}>${t('chair.approve')}</button>
          <button type="button" class="small" data-testid="reject-button" aria-disabled=${dis}
            onClick=${() => run({ type: 'question.reject', ...seen(q) })}>${t('chair.reject')}</button>`}
        ${kind === 'rejected' && html`
          <button type="button" class="small" data-testid="approve-button" aria-disabled=${dis}
            onClick=${() => run({ type: 'question.approve', ...seen(q) })}>${t('chair.approve_after_all')}</button>`}
        ${kind === 'queue' && html`
          <button type="button" class="small" data-testid="answer-now-button" aria-pressed=${answeringNow ? 'true' : 'false'}
            aria-disabled=${dis} onClick=${() => mod.run({ type: 'question.answer_now', question: answeringNow ? null : q.id }, q.id)}>
            ${t('chair.answer_now')}</button>
          <button type="button" class="small" data-testid="answer-button" aria-disabled=${dis}
            onClick=${() => run({ type: 'question.answer' })}>${t('chair.mark_answered')}</button>
          <button type="button" class="small" data-testid="pin-button" aria-pressed=${q.pinned ? 'true' : 'false'} aria-disabled=${dis}
            onClick=${() => run({ type: q.pinned ? 'question.unpin' : 'question.pin' })}>${t(q.pinned ? 'chair.unpin' : 'chair.pin')}</button>`}
        ${kind === 'answered' && html`
          <button type="button" class="small" data-testid="reopen-button" aria-disabled=${dis}
            onClick=${() => run({ type: 'question.reopen' })}>${t('chair.reopen')}</button>`}
        ${menu.length > 0 && html`<${parts.MenuButton} label=${t('chair.more')} items=${menu} disabled=${busy} />`}
      </div>
      ${open === 'edit' && canEdit && html`<${EditBox} q=${q} max=${state.limits.question} mod=${mod} onDone=${() => setPanel(null)} />`}
      ${open === 'merge' && canMerge && html`<${MergeBox} q=${q} targets=${targets()} mod=${mod} onDone=${() => setPanel(null)} />`}
      ${open === 'move' && canEdit && html`<${MoveBox} q=${q} segments=${segments} mod=${mod} onDone=${() => setPanel(null)} />`}
      ${conflict && html`<${parts.ConflictPrompt} conflict=${conflict} busy=${busy}
        onYes=${async () => {
          const reply = await mod.resolve(q.id, true);
          if (reply && reply.type === 'ack' && conflict.cmd.type === 'question.edit') setPanel(null);
        }} onNo=${() => mod.resolve(q.id, false)} />`}
      <${ActionError} error=${mod.errors[q.id]} />
    </li>`;
}

function Collapsed({ title, list, kind, ctx, testid, open = false }) {
  if (!list.length) return null;
  return html`
    <details class="card collapsed" data-testid=${testid} open=${open}>
      <summary><h2 class="inline-heading">${title} <span class="count">${list.length}</span></h2></summary>
      <ul class="questions">
        ${list.map((q) => html`<${ChairItem} key=${q.id} q=${q} kind=${kind} ctx=${ctx} />`)}
      </ul>
    </details>`;
}

function HelpDialog({ open, onClose }) {
  const ref = useRef(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return html`
    <dialog ref=${ref} class="help-dialog" data-testid="shortcut-help" aria-labelledby="help-heading" onClose=${onClose}>
      <h2 id="help-heading">${t('chair.keys.heading')}</h2>
      <p class="hint">${t('chair.keys.intro')}</p>
      <dl class="shortcuts">
        ${SHORTCUTS.map(([k, key]) => html`<div class="shortcut"><dt><kbd>${k}</kbd></dt><dd>${t(key)}</dd></div>`)}
      </dl>
      <button type="button" class="primary" data-testid="shortcut-help-close" onClick=${onClose}>${t('action.close')}</button>
    </dialog>`;
}

export function ChairView({ state, conn, offset }) {
  // Once sealed, nothing is left to act on (CHR-5).
  if (state.consultation.sealed) return html`<${parts.EndedConsole} state=${state} conn=${conn} />`;
  return html`<${LiveConsole} state=${state} conn=${conn} offset=${offset} />`;
}

function LiveConsole({ state, conn, offset }) {
  const [segTab, setSegTab] = useState('all');
  const [order, setOrder] = useState('votes');
  const [selected, setSelected] = useState(null);
  const [panel, setPanel] = useState(null); // { id, kind: 'edit' | 'merge' | 'move' } open on one question
  const [help, setHelp] = useState(false);
  const mod = useModeration(conn);
  const signals = parts.useSignalGroups(state, conn);
  const c = state.consultation;
  const unresolved = signals.unseen + Object.values(mod.errors).filter(Boolean).length
    + Object.values(mod.conflicts).filter(Boolean).length;
  parts.useTitleCount(unresolved);

  const seg = segTab === 'all' ? null : segTab;
  const incoming = listQuestions(state, 'pending', 'time', seg);
  const queue = listQuestions(state, 'approved', order, seg);
  const answered = listQuestions(state, 'answered', 'recent', seg);
  const rejected = listQuestions(state, 'rejected', 'recent', seg);
  const withdrawn = listQuestions(state, 'withdrawn', 'recent', seg);
  const merged = listQuestions(state, 'merged', 'recent', seg);
  const now = answeringQuestion(state);
  const navigable = [...incoming, ...queue].map((q) => q.id);

  const pendingCounts = countBySegment(state, 'pending');
  const liveCounts = countBySegment(state, 'approved');
  const total = (a) => a.reduce((x, y) => x + y, 0);
  const segTabs = [
    { id: 'all', label: t('chair.segment.all'), count: t('chair.segment.counts', { pending: total(pendingCounts), live: total(liveCounts) }),
      attrs: { 'data-testid': 'segment-tab', 'data-segment': 'all' } },
    ...c.segments.map((s, i) => ({
      id: i,
      // The title keeps its own direction, so that it is cut at its own end in either script.
      label: html`${i + 1}. <bdi class="tab-title" dir="auto">${s.title}</bdi>${i === c.current_segment ? html` <span class="badge badge-now">${t('chair.segment.now')}</span>` : ''}`,
      count: t('chair.segment.counts', { pending: pendingCounts[i], live: liveCounts[i] }),
      attrs: { 'data-testid': 'segment-tab', 'data-segment': String(i), title: s.title, 'data-current': i === c.current_segment ? 'true' : 'false' },
    })),
  ];

  // The keyboard handler reads the latest render through this ref.
  const latest = useRef({});
  latest.current = { state, navigable, selected, incoming, queue, panel, help, mod };

  function select(id) {
    setSelected(id);
    if (id === null) return;
    focusSoon(`#item-${id}`, { scroll: true });
  }

  useEffect(() => {
    function onKey(ev) {
      const L = latest.current;
      if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      if (isTyping(ev.target)) return;
      // An open dialog handles its own keys (Esc closes it); asked of the page, not of the last
      // render, which may not have caught up with a dialog just closed.
      if (document.querySelector('dialog[open]')) return;
      const key = ev.key;
      if (key === '?') { ev.preventDefault(); setHelp(true); return; }
      if (key === 'Escape') {
        if (L.panel !== null) { setPanel(null); ev.preventDefault(); }
        return;
      }
      const nav = L.navigable;
      const i = nav.indexOf(L.selected);
      if (key === 'j' || key === 'ArrowDown' || key === 'k' || key === 'ArrowUp') {
        if (key.startsWith('Arrow') && ev.target && ev.target.closest && ev.target.closest('[role="tablist"]')) return;
        if (!nav.length) return;
        ev.preventDefault();
        const down = key === 'j' || key === 'ArrowDown';
        const j = i < 0 ? (down ? 0 : nav.length - 1) : Math.max(0, Math.min(nav.length - 1, i + (down ? 1 : -1)));
        select(nav[j]);
        return;
      }
      const q = L.selected !== null ? L.state.questions[L.selected] : null;
      if (!q || i < 0) return;
      const run = (cmd) => L.mod.run({ ...cmd, question: q.id });
      // After a question leaves its list (approved, rejected, answered), the selection moves on
      // to the next one in that list, so that the focus is never lost.
      const nextIn = (list) => {
        const k2 = list.findIndex((x) => x.id === q.id);
        const rest = list.filter((x) => x.id !== q.id);
        return rest.length ? rest[Math.min(k2, rest.length - 1)].id : q.id;
      };
      const nextIncoming = () => nextIn(L.incoming);
      const handled = () => ev.preventDefault();
      switch (key) {
        case 'a':
          if (q.state === 'pending' || q.state === 'rejected') { handled(); run({ type: 'question.approve', ...seen(q) }); select(nextIncoming()); }
          break;
        case 'r':
          if (q.state === 'pending') { handled(); run({ type: 'question.reject', ...seen(q) }); select(nextIncoming()); }
          break;
        case 'n':
          if (q.state === 'approved') {
            handled();
            L.mod.run({ type: 'question.answer_now', question: L.state.answering === q.id ? null : q.id }, q.id);
          }
          break;
        case 'd':
          if (q.state === 'approved') {
            handled();
            run({ type: 'question.answer' });
            const after = nextIn(L.queue);
            if (after !== q.id) select(after);
          }
          break;
        case 'p':
          if (q.state === 'approved') { handled(); run({ type: q.pinned ? 'question.unpin' : 'question.pin' }); }
          break;
        case 'e':
          if (q.state === 'pending' || q.state === 'approved') { handled(); setPanel({ id: q.id, kind: 'edit' }); }
          break;
        case 'm':
          if (q.state === 'pending' || q.state === 'approved') { handled(); setPanel({ id: q.id, kind: 'merge' }); }
          break;
        default:
          break;
      }
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const ctx = { state, mod, selected, setSelected, panel, setPanel, segTab };

  return html`
    <div class="console">
      <${parts.AlertArea} signals=${signals} mod=${mod} />
      <div class="console-grid">
        <div class="console-main">
          <div class="console-head">
            <${Tabs} tabs=${segTabs} selected=${segTab} onSelect=${(id) => { setSegTab(id); setSelected(null); }}
              label=${t('chair.segment.tabs')} idPrefix="seg" />
          </div>
          <div id="seg-panel" role="tabpanel" aria-labelledby=${`seg-tab-${segTab}`}>
            <section class="card queue-card" aria-labelledby="incoming-heading">
              <h2 id="incoming-heading">${t('chair.incoming.heading')} <span class="count">${incoming.length}</span></h2>
              ${incoming.length === 0 && html`<p class="empty">${t(c.premoderation ? 'chair.incoming.empty' : 'chair.incoming.empty_unmoderated')}</p>`}
              <ul class="questions" data-testid="incoming">
                ${incoming.map((q) => html`<${ChairItem} key=${q.id} q=${q} kind="incoming" ctx=${ctx} />`)}
              </ul>
            </section>
            <section class="card queue-card" aria-labelledby="queue-heading">
              <div class="section-head">
                <h2 id="queue-heading">${t('chair.queue.heading')} <span class="count">${queue.length}</span></h2>
                <div class="toggle" role="group" aria-label=${t('chair.queue.order')}>
                  ${['votes', 'time'].map((o) => html`
                    <button type="button" class="small" data-testid=${`order-${o}`} aria-pressed=${order === o ? 'true' : 'false'} onClick=${() => setOrder(o)}>
                      ${t(`chair.queue.by_${o}`)}</button>`)}
                </div>
              </div>
              ${queue.length === 0 && html`<p class="empty">${t('chair.queue.empty')}</p>`}
              <ol class="questions" data-testid="queue">
                ${queue.map((q) => html`<${ChairItem} key=${q.id} q=${q} kind="queue" ctx=${ctx} />`)}
              </ol>
            </section>
            <${Collapsed} title=${t('chair.answered.heading')} list=${answered} kind="answered" ctx=${ctx} testid="answered" open=${true} />
            <${Collapsed} title=${t('chair.rejected.heading')} list=${rejected} kind="rejected" ctx=${ctx} testid="rejected" />
            <${Collapsed} title=${t('chair.withdrawn.heading')} list=${withdrawn} kind="withdrawn" ctx=${ctx} testid="withdrawn" />
            <${Collapsed} title=${t('chair.merged.heading')} list=${merged} kind="merged" ctx=${ctx} testid="merged" />
          </div>
          <${AgendaTable} state=${state} offset=${offset} />
        </div>
        <div class="console-side">
          <${OnStage} state=${state} now=${now} mod=${mod} />
          <${ChairGuard} state=${state} conn=${conn} offset=${offset} />
          <${CredentialRequests} conn=${conn} />
          <${ChairPolls} state=${state} conn=${conn} />
          <${ClockPanel} state=${state} offset=${offset} mod=${mod} />
          <${SegmentPanel} state=${state} segTab=${segTab} mod=${mod} />
          <${MovePanel} state=${state} segTab=${segTab} mod=${mod} />
          <${InterpretationPanel} state=${state} mod=${mod} />
          <${SpeakersChair} state=${state} conn=${conn} offset=${offset} />
          <${parts.SealPanel} state=${state} conn=${conn} />
          <p class="hint keys-hint">${t('chair.keys.hint')}
            <button type="button" class="small" data-testid="shortcuts-button" aria-keyshortcuts="?" onClick=${() => setHelp(true)}>
              ${t('chair.keys.button')}</button></p>
        </div>
      </div>
      <${HelpDialog} open=${help} onClose=${() => setHelp(false)} />
    </div>`;
}
