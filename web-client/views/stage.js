// stage.js — the stage: a browser window shared into the Zoom meeting. A fixed 1280×720 canvas,
// scaled to the largest 16:9 box the window holds (letterboxed), so that what fits at 1280×720
// fits everywhere: the question being answered in large type, the segment and its clock, as
// many next live questions as the space holds, and a QR code of the short join address with
// the address itself. Nothing on it can be clicked or typed into: it is only ever watched.
// Dark on light whatever the viewer's colour scheme, so that it reads on any screen share.
import { html, useLayoutEffect, useMemo, useRef } from '../vendor/preact-htm.js';
import qrcode from '../vendor/qrcode.js';
import { t } from '../lib/i18n.js';
import { answeringQuestion, currentSegment, isSealed, listQuestions } from '../lib/state.js';
import { Countdown } from './common.js';
import { StagePoll } from './poll.js';
import { SpeakersStage } from './speakers.js';

const DESIGN_W = 1280;
const DESIGN_H = 720;
const NEXT_MAX = 8; // drawn at most; as many of them as fit are shown
const QUIET = 4; // modules of white around the code, as the QR standard asks

// The join address's QR code as SVG: one path of dark modules, drawn by Preact (no innerHTML,
// no image from anywhere).
export function QrCode({ text, label }) {
  const model = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(text);
    qr.make();
    const n = qr.getModuleCount();
    let d = '';
    for (let r = 0; r < n; r += 1) {
      for (let col = 0; col < n; col += 1) {
        if (qr.isDark(r, col)) d += `M${col + QUIET} ${r + QUIET}h1v1h-1z`;
      }
    }
    return { size: n + 2 * QUIET, d };
  }, [text]);
  return html`
    <svg class="qr" data-testid="join-qr" role="img" aria-label=${label} viewBox=${`0 0 ${model.size} ${model.size}`}
      xmlns="http://www.w3.org/2000/svg" shape-rendering="crispEdges">
      <rect width=${model.size} height=${model.size} fill="#ffffff" />
      <path d=${model.d} fill="#000000" />
    </svg>`;
}

// Larger type for shorter questions; each size also has a line limit (style.css), so that 500
// code points in any script stay inside the canvas.
function sizeClass(text) {
  const n = [...text].length;
  if (n <= 90) return 'stage-text size-xl';
  if (n <= 180) return 'stage-text size-l';
  if (n <= 320) return 'stage-text size-m';
  return 'stage-text size-s';
}

// The short join address: BASE/j/K7QX-42AB, where BASE is what the page's own /c/ID/ sits under.
// `join` is what the stage link carries after its own token: "JOINTOKEN.CODE" (or, from a link
// made before join codes, "JOINTOKEN": then the full participant link).
export function joinAddress(join) {
  if (!join) return null;
  const [token, code] = join.split('.');
  const base = `${location.origin}${location.pathname.replace(/c\/[^/]+\/$/, '')}`;
  if (!code) return `${location.origin}${location.pathname}#${token}`;
  const upper = code.toUpperCase();
  return `${base}j/${upper.slice(0, 4)}-${upper.slice(4)}`;
}

// The address as two pieces that never break inside themselves: where (host/j/) and the code,
// which is what people type and so the larger.
function linkParts(shown) {
  const cut = shown.lastIndexOf('/') + 1;
  return html`<span class="stage-link-base">${shown.slice(0, cut)}</span><wbr /><span class="stage-link-code">${shown.slice(cut)}</span>`;
}

// Scales the canvas to the window: a CSS variable set through the CSSOM (the CSP forbids
// style attributes in markup, not this).
function useCanvasScale(ref) {
  useLayoutEffect(() => {
    const fit = () => {
      const scale = Math.min(window.innerWidth / DESIGN_W, window.innerHeight / DESIGN_H);
      if (ref.current) ref.current.style.setProperty('--stage-scale', String(scale));
    };
    fit();
    window.addEventListener('resize', fit);
    return () => window.removeEventListener('resize', fit);
  }, []);
}

// Shows the first items of the list that fit whole in its box and hides the rest: the canvas
// never changes size, so this depends only on what the items say.
function useFitList(ref, deps) {
  useLayoutEffect(() => {
    const list = ref.current;
    if (!list) return;
    const items = [...list.children];
    for (const li of items) li.hidden = false;
    const room = list.clientHeight;
    let full = false;
    for (const li of items) {
      full = full || li.offsetTop + li.offsetHeight > room;
      li.hidden = full;
    }
    list.dataset.shown = String(items.filter((li) => !li.hidden).length);
  }, deps);
}

// What the consultation is doing, in one line for the whole meeting.
function stateLine(sealed, open) {
  if (sealed) return t('stage.state.ended');
  return t(open ? 'stage.state.open' : 'stage.state.closed');
}

export function StageView({ state, join, offset }) {
  const canvas = useRef(null);
  const listRef = useRef(null);
  useCanvasScale(canvas);
  const segment = currentSegment(state);
  const sealed = isSealed(state);
  const open = Boolean(segment && segment.questions) && !sealed;
  const now = answeringQuestion(state);
  const current = now && now.state === 'approved' ? now : null;
  const others = (list) => list.filter((q) => !current || q.id !== current.id);
  // The current segment's live questions; when it has none, every segment's (never "none yet"
  // while live questions exist anywhere).
  let next = others(listQuestions(state, 'approved', 'votes', state.consultation.current_segment));
  if (next.length === 0) next = others(listQuestions(state, 'approved', 'votes'));
  next = sealed ? [] : next.slice(0, NEXT_MAX);
  const address = sealed ? null : joinAddress(join);
  const shown = address ? address.replace(/^https?:\/\//, '') : null;
  useFitList(listRef, [next.map((q) => `${q.id}:${q.votes}:${q.text}:${q.pinned}`).join('|'), current && current.id]);

  return html`
    <div class="stage-frame" data-testid="stage">
      <div class=${`stage-canvas${address ? '' : ' stage-no-join'}`} ref=${canvas} data-testid="stage-canvas">
        <section class="stage-main" aria-labelledby="stage-heading">
          <div class="stage-top">
            ${sealed
              ? html`<p class="stage-segment" dir="auto">${state.consultation.title}</p>`
              : segment && html`<p class="stage-segment" data-testid="stage-segment"><bdi>${segment.title}</bdi></p>`}
            ${!sealed && html`<${Countdown} consultation=${state.consultation} offset=${offset} large=${true} />`}
          </div>
          <${SpeakersStage} state=${state} offset=${offset} />
          ${sealed
            ? html`<p class="stage-ended" id="stage-heading" data-testid="stage-state" data-state="ended">${stateLine(true, false)}</p>`
            : html`
              <h2 id="stage-heading" class="stage-label">${t(current ? 'stage.answering' : 'stage.idle.heading')}</h2>
              ${current
                ? html`
                  <div class="stage-current" data-testid="stage-current" data-id=${current.id}>
                    <p class=${sizeClass(current.text)} dir="auto" lang=${current.lang}>${current.text}</p>
                    <p class="stage-meta">${`${t('question.label', { id: current.id })} · ${t('stage.votes', { count: current.votes })}`}${current.edited ? html`${' · '}<span data-testid="edited-mark">${t('question.edited')}</span>` : ''}</p>
                  </div>`
                : html`<p class="stage-idle" data-testid="stage-idle">${t(open ? 'stage.idle' : 'stage.idle_closed')}</p>`}
              <section class="stage-next" aria-labelledby="stage-next-heading">
                <h2 id="stage-next-heading">${t('stage.next')}</h2>
                ${next.length === 0 && html`<p class="empty" data-testid="stage-next-empty">${t('stage.next.empty')}</p>`}
                <ol class="stage-list" data-testid="queue" ref=${listRef}>
                  ${next.map((q) => html`
                    <li key=${q.id} class="stage-next-item" data-testid="queue-item" data-id=${q.id}>
                      <span class="stage-votes"><span data-testid="votes">${q.votes}</span><span class="visually-hidden"> ${t('question.votes', { count: q.votes })}</span></span>
                      <span class="stage-next-body">
                        ${q.pinned && html`<span class="badge badge-pinned">${t('question.pinned')}</span>`}
                        <span class="stage-next-text" dir="auto" lang=${q.lang}>${q.text}</span>
                      </span>
                    </li>`)}
                </ol>
              </section>`}
        </section>
        <${StagePoll} state=${state} />
        ${address && html`
          <aside class="stage-join" aria-labelledby="stage-join-heading">
            <h2 id="stage-join-heading">${t('stage.join')}</h2>
            <${QrCode} text=${address} label=${t('stage.join.qr_label')} />
            <p class="stage-link" data-testid="join-link" dir="ltr">${linkParts(shown)}</p>
            <p class="stage-state" data-testid="stage-state" data-state=${open ? 'open' : 'closed'}>${stateLine(sealed, open)}</p>
          </aside>`}
      </div>
    </div>`;
}
