// rapporteur.js — the rapporteurs' workspace (EX-1..EX-2): for each agenda segment, a note, the
// live and answered questions with a theme and an "in the report" mark, and the rapporteurs'
// own summaries; above them, the report's download in four formats. Everything a rapporteur
// does reaches the other rapporteurs at once. Questions carry neutral labels only (CHR-3).
// After the seal it stays a working space, a draft with final counts, until a rapporteur
// finalises the report (EX-7, behind a confirmation like the seal's); then it is read-only.
import { html, useEffect, useRef, useState } from '../vendor/preact-htm.js';
import { UI_LANGUAGES, currentLanguage, t } from '../lib/i18n.js';
import { answeringQuestion, isFinal, isSealed, listQuestions, reportMark, themesInUse } from '../lib/state.js';
import {
  ActionError, AgendaList, Counter, IdentifyingNotice, NowAnswering, QuestionBody, Tabs, VoteCount, codePoints, useAction,
  useIdentifying, TypedConfirmDialog, Unpublished,
} from './common.js';

const FORMATS = ['md', 'html', 'csv', 'json'];

export function ExportCard({ state, conn }) {
  const action = useAction(conn);
  const [lang, setLang] = useState(UI_LANGUAGES.includes(currentLanguage()) ? currentLanguage() : 'en');
  const [last, setLast] = useState(null);
  async function download(format) {
    const reply = await action.run({ type: 'report.export', format, lang });
    if (!reply || reply.type !== 'report.document') return;
    const blob = new Blob([reply.content], { type: reply.media_type });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = reply.filename;
    a.dataset.testid = 'download-link';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    setLast(reply.filename);
  }
  return html`
    <section class="card export" aria-labelledby="export-heading" data-testid="export-card">
      <h2 id="export-heading">${t('report.export.heading')}</h2>
      <p data-testid="export-state" data-state=${isFinal(state) ? 'final' : 'draft'}>
        ${t(isFinal(state) ? 'report.export.final' : isSealed(state) ? 'report.export.sealed' : 'report.export.draft')}</p>
      <div class="form-row">
        <label for="report-lang">${t('report.export.language')}</label>
        <select id="report-lang" data-testid="report-lang" value=${lang} onChange=${(e) => setLang(e.currentTarget.value)}>
          ${UI_LANGUAGES.map((l) => html`<option value=${l}>${t(`language.${l}`)}</option>`)}
        </select>
      </div>
      <div class="actions">
        ${FORMATS.map((f) => html`
          <button type="button" data-testid=${`export-${f}`} disabled=${action.busy} onClick=${() => download(f)}>
            ${t(`report.format.${f}`)}</button>`)}
      </div>
      ${last && html`<p class="saved" role="status" data-testid="export-done">${t('report.export.done', { file: last })}</p>`}
      <${ActionError} error=${action.error} />
    </section>`;
}

function NoteEditor({ state, conn, segment }) {
  const note = (state.workspace && state.workspace.notes[segment]) || { text: '', version: 0 };
  const [text, setText] = useState(note.text);
  const [loaded, setLoaded] = useState({ text: note.text, version: note.version }); // what `text` started from
  const [conflict, setConflict] = useState(false);
  const [saved, setSaved] = useState(false);
  const action = useAction(conn);
  const identifying = useIdentifying(action);
  const max = state.limits.note;
  const base = loaded.version;
  // Another rapporteur saved: take their note unless this editor holds an unsaved change.
  useEffect(() => {
    if (note.version === loaded.version) return;
    if (text === loaded.text) {
      setText(note.text);
      setLoaded({ text: note.text, version: note.version });
    } else {
      setConflict(true);
    }
  }, [note.version]);
  const count = codePoints(text);
  async function save(placeholders = false) {
    setSaved(false);
    const reply = await identifying.run({ type: 'note.set', segment, text, version: base }, placeholders);
    if (reply && reply.type === 'ack') {
      const n = reply.result.note;
      setLoaded({ text: n.text, version: n.version });
      setText(n.text);
      setConflict(false);
      setSaved(true);
    } else if (reply && reply.code === 'note.conflict') {
      action.clear();
      setConflict(true);
    }
  }
  function takeTheirs() {
    setText(note.text);
    setLoaded({ text: note.text, version: note.version });
    setConflict(false);
  }
  const id = `note-${segment}`;
  return html`
    <div class="note" data-testid="note-editor">
      <label for=${id}>${t('report.note.label')}</label>
      <textarea id=${id} data-testid="note-text" dir="auto" rows="4" value=${text}
        onInput=${(e) => { setText(e.currentTarget.value); setSaved(false); identifying.drop(); }}></textarea>
      <div class="form-row">
        <${Counter} count=${count} max=${max} />
        <button type="button" class="primary" data-testid="note-save" disabled=${action.busy || count > max || text === loaded.text}
          onClick=${() => save()}>${t('report.note.save')}</button>
      </div>
      ${conflict && html`
        <div class="banner" role="alert" data-testid="note-conflict">
          <span>${t('report.note.conflict')}</span>
          <button type="button" class="small" onClick=${takeTheirs}>${t('report.note.take_theirs')}</button>
        </div>`}
      ${saved && html`<p class="saved" role="status">${t('report.note.saved')}</p>`}
      <${IdentifyingNotice} reply=${identifying.found} busy=${action.busy} onPlaceholders=${() => save(true)} onEdit=${identifying.drop} />
      <${ActionError} error=${action.error} />
    </div>`;
}

function ThemeInput({ value, max, onSave, testid, label, listId }) {
  const [v, setV] = useState(value);
  useEffect(() => setV(value), [value]);
  function commit() {
    if (v.trim() !== value) onSave(v.trim());
  }
  return html`
    <input type="text" class="theme" dir="auto" maxlength=${max} list=${listId} data-testid=${testid} aria-label=${label}
      placeholder=${t('report.theme.placeholder')} value=${v}
      onInput=${(e) => setV(e.currentTarget.value)} onBlur=${commit}
      onKeyDown=${(e) => { if (e.key === 'Enter') { e.preventDefault(); commit(); } }} />`;
}

function ReportQuestion({ q, state, conn, listId }) {
  const action = useAction(conn);
  const mark = reportMark(state, q.id);
  const merged = Object.values(state.questions).some((o) => o.state === 'merged' && o.into === q.id);
  return html`
    <li class=${mark.included ? 'question in-report' : 'question'} data-testid="report-question" data-id=${q.id}>
      <${QuestionBody} q=${q} />
      <div class="actions">
        <${VoteCount} q=${q} />
        ${merged && html`<span class="badge">${t('report.merged_group')}</span>`}
        <${ThemeInput} value=${mark.theme} max=${state.limits.theme} testid="theme-input" listId=${listId}
          label=${t('report.theme.label', { id: q.id })}
          onSave=${(theme) => action.run({ type: 'question.tag', question: q.id, theme })} />
        <label class="check">
          <input type="checkbox" data-testid="include-toggle" checked=${mark.included} disabled=${action.busy}
            onChange=${(e) => action.run({ type: 'report.include', question: q.id, included: e.currentTarget.checked })} />
          ${t('report.include')}
        </label>
      </div>
      <${ActionError} error=${action.error} />
    </li>`;
}

function ParaphraseForm({ conn, limits, segment, p = null, listId, onDone }) {
  const [text, setText] = useState(p ? p.text : '');
  const [theme, setTheme] = useState(p ? p.theme : '');
  const [included, setIncluded] = useState(p ? p.included : true);
  const action = useAction(conn);
  const identifying = useIdentifying(action);
  const count = codePoints(text);
  const bad = !text.trim() || count > limits.paraphrase;
  async function save(placeholders = false) {
    if (bad) return;
    const reply = await identifying.run({ type: 'paraphrase.save', paraphrase: p ? p.id : null, segment, theme, text, included }, placeholders);
    if (reply && reply.type === 'ack') {
      if (!p) { setText(''); setTheme(''); }
      if (onDone) onDone();
    }
  }
  const id = `para-${segment}-${p ? p.id : 'new'}`;
  return html`
    <div class="inline-panel" data-testid="paraphrase-form">
      <label for=${id}>${t(p ? 'report.paraphrase.edit' : 'report.paraphrase.add')}</label>
      <textarea id=${id} data-testid="paraphrase-text" dir="auto" rows="3" value=${text}
        onInput=${(e) => { setText(e.currentTarget.value); identifying.drop(); }}></textarea>
      <div class="form-row">
        <${Counter} count=${count} max=${limits.paraphrase} />
        <input type="text" class="theme" dir="auto" maxlength=${limits.theme} list=${listId} data-testid="paraphrase-theme"
          aria-label=${t('report.theme.heading')} placeholder=${t('report.theme.placeholder')} value=${theme}
          onInput=${(e) => setTheme(e.currentTarget.value)} />
        <label class="check"><input type="checkbox" data-testid="paraphrase-include" checked=${included}
          onChange=${(e) => setIncluded(e.currentTarget.checked)} /> ${t('report.include')}</label>
      </div>
      <div class="actions">
        <button type="button" class="primary" data-testid="paraphrase-save" disabled=${bad || action.busy} onClick=${() => save()}>
          ${t('report.paraphrase.save')}</button>
        ${onDone && html`<button type="button" onClick=${onDone}>${t('action.cancel')}</button>`}
      </div>
      <${IdentifyingNotice} reply=${identifying.found} busy=${action.busy} onPlaceholders=${() => save(true)} onEdit=${identifying.drop} />
      <${ActionError} error=${action.error} />
    </div>`;
}

function Paraphrase({ p, conn, limits, listId }) {
  const [editing, setEditing] = useState(false);
  const action = useAction(conn);
  if (editing) {
    return html`<li><${ParaphraseForm} conn=${conn} limits=${limits} segment=${p.segment} p=${p} listId=${listId} onDone=${() => setEditing(false)} /></li>`;
  }
  return html`
    <li class=${p.included ? 'paraphrase in-report' : 'paraphrase'} data-testid="paraphrase" data-id=${p.id}>
      <p class="text" dir="auto">${p.text}</p>
      <div class="actions">
        ${p.theme && html`<span class="badge"><bdi>${p.theme}</bdi></span>`}
        <span class="state">${t(p.included ? 'report.in_report' : 'report.not_in_report')}</span>
        <button type="button" class="small" data-testid="paraphrase-edit" onClick=${() => setEditing(true)}>${t('action.edit')}</button>
        <button type="button" class="small danger" data-testid="paraphrase-delete" disabled=${action.busy}
          onClick=${() => action.run({ type: 'paraphrase.delete', paraphrase: p.id })}>${t('action.delete')}</button>
      </div>
      <${ActionError} error=${action.error} />
    </li>`;
}

function SegmentWork({ state, conn, segment }) {
  const listId = 'themes-in-use';
  const questions = listQuestions(state, ['approved', 'answered'], 'votes', segment);
  const paras = Object.values((state.workspace && state.workspace.paraphrases) || {})
    .filter((p) => p.segment === segment).sort((a, b) => a.id - b.id);
  const final = isFinal(state);
  return html`
    <div class="segment-work" data-testid="segment-work" data-segment=${segment}>
      <datalist id=${listId}>${themesInUse(state).map((th) => html`<option value=${th} />`)}</datalist>
      <fieldset class="plain" disabled=${final}>
        <section class="card">
          <h2>${t('report.note.heading')}</h2>
          <${NoteEditor} key=${`note-${segment}`} state=${state} conn=${conn} segment=${segment} />
        </section>
        <section class="card" aria-labelledby="rq-heading">
          <h2 id="rq-heading">${t('report.questions.heading')} <span class="count">${questions.length}</span></h2>
          <p class="hint">${t('report.questions.hint')}</p>
          ${questions.length === 0 && html`<p class="empty">${t('report.questions.empty')}</p>`}
          <ol class="questions" data-testid="report-questions">
            ${questions.map((q) => html`<${ReportQuestion} key=${q.id} q=${q} state=${state} conn=${conn} listId=${listId} />`)}
          </ol>
        </section>
        <section class="card" aria-labelledby="rp-heading">
          <h2 id="rp-heading">${t('report.paraphrase.heading')}</h2>
          <ul class="questions" data-testid="paraphrases">
            ${paras.map((p) => html`<${Paraphrase} key=${p.id} p=${p} conn=${conn} limits=${state.limits} listId=${listId} />`)}
          </ul>
          <${ParaphraseForm} key=${`new-${segment}`} conn=${conn} limits=${state.limits} segment=${segment} listId=${listId} />
        </section>
      </fieldset>
    </div>`;
}

// EX-7: what the co-chair must type to finalise: the word in the page's language, or "FINAL".
export function finaliseWordMatches(typed) {
  const v = String(typed || '').normalize('NFC').trim().toLocaleLowerCase();
  return v !== '' && (v === t('report.finalise.word').normalize('NFC').toLocaleLowerCase() || v === 'final');
}

// EX-7: finalising cannot be undone; like the seal, the dialog opens on Cancel and asks for a
// typed word before its button works.
function FinaliseDialog({ conn, onClose }) {
  return html`<${TypedConfirmDialog} id="finalise" conn=${conn} command=${{ type: 'report.finalise' }} matches=${finaliseWordMatches}
    heading=${t('report.finalise.heading')} text=${t('report.finalise.confirm')}
    label=${t('report.finalise.type', { word: t('report.finalise.word') })} yes=${t('report.finalise.yes')} onClose=${onClose} />`;
}

// EX-7: once sealed, what the report is: a draft to finish and finalise, or final.
function ReportState({ state, conn }) {
  const [open, setOpen] = useState(false);
  const button = useRef(null);
  const final = isFinal(state);
  const close = () => {
    setOpen(false);
    requestAnimationFrame(() => { if (button.current) button.current.focus(); });
  };
  return html`
    <section class=${final ? 'card ended-card report-state final' : 'card ended-card report-state'} aria-labelledby="report-state-heading"
      data-testid="report-state" data-state=${final ? 'final' : 'draft'}>
      <h2 id="report-state-heading">${t(final ? 'report.state.final_heading' : 'report.state.draft_heading')}</h2>
      <p role="status">${t(final ? 'ended.rapporteur' : 'report.state.draft')}</p>
      <${Unpublished} consultation=${state.consultation} />
      ${!final && html`
        <button type="button" class="primary" ref=${button} data-testid="finalise-button" onClick=${() => setOpen(true)}>
          ${t('report.finalise.button')}</button>`}
      ${open && html`<${FinaliseDialog} conn=${conn} onClose=${close} />`}
    </section>`;
}

export function RapporteurView({ state, conn, offset }) {
  const c = state.consultation;
  const [seg, setSeg] = useState(c.current_segment);
  const now = answeringQuestion(state);
  const tabs = c.segments.map((s, i) => ({
    id: i,
    label: html`${i + 1}. <bdi>${s.title}</bdi>`,
    attrs: { 'data-testid': 'report-segment-tab', 'data-segment': String(i), title: s.title },
  }));
  return html`
    <div class="rapporteur" data-testid=${c.sealed ? 'ended' : undefined}>
      ${c.sealed && html`<${ReportState} state=${state} conn=${conn} />`}
      <${NowAnswering} q=${now && now.state === 'approved' ? now : null} />
      <${ExportCard} state=${state} conn=${conn} />
      <${Tabs} tabs=${tabs} selected=${seg} onSelect=${setSeg} label=${t('report.segments')} idPrefix="rseg" />
      <div id="rseg-panel" role="tabpanel" aria-labelledby=${`rseg-tab-${seg}`}>
        <${SegmentWork} key=${seg} state=${state} conn=${conn} segment=${seg} />
      </div>
      <${AgendaList} consultation=${c} offset=${offset} />
    </div>`;
}
