// stage.js — the stage: a browser window shared into the Zoom meeting (designed for 1280×720).
// The question being answered in very large type, the segment, the next live questions by
// votes, and a panel for joining: a QR code of the open participant link and the link itself.
// Dark on light whatever the viewer's colour scheme, so that it reads on any screen share.
import { html, useMemo } from '../vendor/preact-htm.js';
import qrcode from '../vendor/qrcode.js';
import { t } from '../lib/i18n.js';
import { answeringQuestion, currentSegment, listQuestions } from '../lib/state.js';
import { Countdown } from './common.js';

const NEXT_COUNT = 4;
const QUIET = 4; // modules of white around the code, as the QR standard asks

// The join link's QR code as SVG: one path of dark modules, drawn by Preact (no innerHTML,
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

// Larger type for shorter questions, so that 500 code points still fit at 1280×720.
function sizeClass(text) {
  const n = [...text].length;
  if (n <= 90) return 'stage-text size-xl';
  if (n <= 180) return 'stage-text size-l';
  if (n <= 320) return 'stage-text size-m';
  return 'stage-text size-s';
}

export function StageView({ state, join, offset }) {
  const segment = currentSegment(state);
  const now = answeringQuestion(state);
  const current = now && now.state === 'approved' ? now : null;
  const next = listQuestions(state, 'approved', 'votes', state.consultation.current_segment)
    .filter((q) => !current || q.id !== current.id)
    .slice(0, NEXT_COUNT);
  const joinUrl = join ? `${location.origin}${location.pathname}#${join}` : null;
  const shortUrl = joinUrl ? joinUrl.replace(/^https?:\/\//, '') : null;
  return html`
    <div class="stage">
      <section class="stage-main" aria-labelledby="stage-heading">
        <div class="stage-top">
        ${segment && html`<p class="stage-segment"><bdi>${segment.title}</bdi>${segment.questions ? '' : html` <span class="stage-closed">· ${t('stage.closed')}</span>`}</p>`}
          <${Countdown} consultation=${state.consultation} offset=${offset} large=${true} />
        </div>
        <h2 id="stage-heading" class="stage-label">${t(current ? 'stage.answering' : 'stage.idle.heading')}</h2>
        ${current
          ? html`
            <div class="stage-current" data-testid="stage-current" data-id=${current.id}>
              <p class=${sizeClass(current.text)} dir="auto" lang=${current.lang}>${current.text}</p>
              <p class="stage-meta">${`${t('question.label', { id: current.id })} · ${t('stage.votes', { count: current.votes })}`}${current.edited ? html`${' · '}<span data-testid="edited-mark">${t('question.edited')}</span>` : ''}</p>
            </div>`
          : html`<p class="stage-idle" data-testid="stage-idle">${t(segment && segment.questions ? 'stage.idle' : 'stage.idle_closed')}</p>`}
      </section>
      <aside class="stage-side">
        <section class="stage-next" aria-labelledby="stage-next-heading">
          <h2 id="stage-next-heading">${t('stage.next')}</h2>
          ${next.length === 0 && html`<p class="empty">${t('stage.next.empty')}</p>`}
          <ol class="stage-list" data-testid="queue">
            ${next.map((q) => html`
              <li key=${q.id} class="stage-next-item" data-testid="queue-item" data-id=${q.id}>
                <span class="stage-votes"><span data-testid="votes">${q.votes}</span><span class="visually-hidden"> ${t('question.votes', { count: q.votes })}</span></span>
                <span class="stage-next-body">
                  ${q.pinned && html`<span class="badge badge-pinned">${t('question.pinned')}</span>`}
                  <span class="stage-next-text" dir="auto" lang=${q.lang}>${q.text}</span>
                </span>
              </li>`)}
          </ol>
        </section>
        ${joinUrl && html`
          <section class="stage-join" aria-labelledby="stage-join-heading">
            <h2 id="stage-join-heading">${t('stage.join')}</h2>
            <${QrCode} text=${joinUrl} label=${t('stage.join.qr_label')} />
            <p class="stage-link" data-testid="join-link" dir="ltr">${shortUrl}</p>
          </section>`}
      </aside>
    </div>`;
}
