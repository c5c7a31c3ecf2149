// app.js — boots the page: reads the role link's token from the URL fragment, connects, and
// shows the view for the role the server reports.
//
// A role link is BASE/#TOKEN. The stage link is BASE/#STAGETOKEN.JOINTOKEN: the page
// authenticates with the first token only, and the stage shows the second (the open
// participant link) as a QR code for people to join.
import { html, render, useEffect, useReducer, useState } from './vendor/preact-htm.js';
import { Connection } from './lib/connection.js';
import { initialState, reduce } from './lib/state.js';
import { UI_LANGUAGES, currentLanguage, directionOf, loadCatalogue, t } from './lib/i18n.js';
import { ParticipantView } from './views/participant.js';
import { ChairView } from './views/chair.js';
import { StageView } from './views/stage.js';
import { BoothView } from './views/booth.js';
import { RapporteurView } from './views/rapporteur.js';
import { Countdown } from './views/common.js';

const LINK = /^([A-Za-z0-9_-]{22})(?:\.([A-Za-z0-9_-]{22}))?$/;
const LANG_KEY = 'roundtable.lang';
// Each language named in itself, so that anyone finds their own whatever the page shows.
const AUTONYMS = { en: 'English', ar: 'العربية', fr: 'Français', es: 'Español' };

// The UI language: the one chosen before in this browser, else the first of the browser's
// languages that Roundtable speaks, else English. The choice never leaves the browser.
function preferredLanguage() {
  let stored = null;
  try {
    stored = localStorage.getItem(LANG_KEY);
  } catch (e) {
    stored = null;
  }
  if (UI_LANGUAGES.includes(stored)) return stored;
  for (const l of navigator.languages || [navigator.language]) {
    const base = (l || '').slice(0, 2).toLowerCase();
    if (UI_LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

// Loads the language's catalogue and sets <html lang dir> from the fixed map.
async function applyLanguage(lang) {
  await loadCatalogue(lang);
  document.documentElement.lang = lang;
  document.documentElement.dir = directionOf(lang);
  document.title = t('app.name');
}

function LanguagePicker({ lang, onChange }) {
  return html`
    <span class="language-picker">
      <label for="ui-language" class="visually-hidden">${t('language.picker')}</label>
      <select id="ui-language" data-testid="ui-language" value=${lang} title=${t('language.picker.hint')}
        onChange=${(e) => onChange(e.currentTarget.value)}>
        ${UI_LANGUAGES.map((l) => html`<option value=${l} lang=${l} dir=${directionOf(l)}>${AUTONYMS[l]}</option>`)}
      </select>
    </span>`;
}

function ConnectionBadge({ status }) {
  return html`<span class="connection" data-testid="connection" data-state=${status} role="status">
    ${t(`connection.${status}`)}</span>`;
}

// What a screen reader user hears when something changes that they did not do.
function announcement(msg) {
  switch (msg.type) {
    case 'question.approved': return t('announce.approved', { id: msg.question.id });
    case 'question.answering': return msg.question ? t('announce.answering', { id: msg.question }) : t('announce.answering_none');
    case 'question.answered': return t('announce.answered', { id: msg.question.id });
    case 'segment.opened': return t('announce.segment_opened');
    case 'segment.closed': return t('announce.segment_closed');
    default: return null;
  }
}

function App({ token, join }) {
  const [state, dispatch] = useReducer((s, a) => reduce(s, a.msg, a.pending), initialState);
  const [status, setStatus] = useState('connecting');
  const [conn, setConn] = useState(null);
  const [announced, setAnnounced] = useState('');
  const [offset, setOffset] = useState(0); // server clock minus this browser's, in ms
  const [lang, setLang] = useState(currentLanguage());
  const [snapshots, setSnapshots] = useState(0); // one per (re)connection: a snapshot, or resumed
  async function changeLanguage(next) {
    await applyLanguage(next);
    try {
      localStorage.setItem(LANG_KEY, next);
    } catch (e) {
      // Without storage the choice lasts until the page reloads.
    }
    setLang(next);
  }

  useEffect(() => {
    const c = new Connection(token, {
      onMessage: (msg, pending) => {
        dispatch({ msg, pending });
        if (msg.type === 'snapshot' || msg.type === 'resumed') setSnapshots((n) => n + 1);
        const said = announcement(msg);
        if (said) setAnnounced(said);
      },
      onStatus: setStatus,
      onOffset: setOffset,
    });
    setConn(c);
    c.start();
  }, [token]);

  // LC-6: a participant listens in the page's language when the consultation offers it; the
  // server counts that in memory for the booths and co-chairs, and forgets it on disconnect.
  useEffect(() => {
    if (!conn || state.role !== 'participant' || !state.consultation) return;
    const offered = [state.consultation.floor, ...state.consultation.channels];
    // Not kept for a reconnection: every new connection says it again.
    conn.command({ type: 'listening.set', lang: offered.includes(lang) ? lang : null }, { keep: false });
  }, [conn, snapshots, lang, state.role]);

  const c = state.consultation;
  let view = null;
  if (status === 'refused') view = html`<p class="notice" role="alert">${t('app.refused')}</p>`;
  else if (!state.role) view = html`<p class="notice">${t('app.loading')}</p>`;
  else if (state.role === 'participant') view = html`<${ParticipantView} state=${state} conn=${conn} offset=${offset} />`;
  else if (state.role === 'cochair') view = html`<${ChairView} state=${state} conn=${conn} offset=${offset} />`;
  else if (state.role === 'stage') view = html`<${StageView} state=${state} join=${join} offset=${offset} />`;
  else if (state.role === 'booth') view = html`<${BoothView} state=${state} conn=${conn} offset=${offset} />`;
  else if (state.role === 'rapporteur') view = html`<${RapporteurView} state=${state} conn=${conn} offset=${offset} />`;
  else view = html`<p class="notice" role="alert">${t('app.refused')}</p>`;
  // The co-chairs' clock panel and the stage show the countdown large; everyone else in the header.
  const headerClock = c && state.role && !['cochair', 'stage', 'booth'].includes(state.role);

  const segment = c && c.segments[c.current_segment];
  return html`
    <div class=${`app role-${state.role || 'none'}`}>
      <header class="top">
        <div class="titles">
          <h1 dir="auto">${c ? c.title : t('app.name')}</h1>
          ${segment && state.role !== 'stage' && html`<p class="segment">${t('app.segment')} <bdi>${segment.title}</bdi></p>`}
        </div>
        ${headerClock && html`<${Countdown} consultation=${c} offset=${offset} />`}
        <div class="meta">
          <${LanguagePicker} lang=${lang} onChange=${changeLanguage} />
          ${state.role && html`<span class="role">${t(`role.${state.role}`)}</span>`}
          <${ConnectionBadge} status=${status} />
        </div>
      </header>
      <main>${view}</main>
      <div class="visually-hidden" aria-live="polite" data-testid="announcer">${announced}</div>
    </div>`;
}

async function boot() {
  await applyLanguage(preferredLanguage());
  const root = document.getElementById('app');
  const m = LINK.exec(location.hash.replace(/^#/, ''));
  if (!m) {
    render(html`<main><h1>${t('app.name')}</h1><p class="notice">${t('app.no_token')}</p></main>`, root);
    return;
  }
  render(html`<${App} token=${m[1]} join=${m[2] || null} />`, root);
}

// A different link pasted into this tab changes only the fragment: start again with it.
window.addEventListener('hashchange', () => location.reload());
boot();
