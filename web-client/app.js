// app.js — boots the page: reads the role link's token from the URL fragment, connects, and
// shows the view for the role the server reports.
//
// A role link is BASE/#TOKEN. The stage link is BASE/#STAGETOKEN.JOINTOKEN: the page
// authenticates with the first token only, and the stage shows the second (the open
// participant link) as a QR code for people to join.
import { html, render, useEffect, useReducer, useRef, useState } from './vendor/preact-htm.js';
import { Connection } from './lib/connection.js';
import { initialState, reduce } from './lib/state.js';
import { UI_LANGUAGES, currentLanguage, directionOf, errorMessage, loadCatalogue, t } from './lib/i18n.js';
import { createAnnouncer } from './lib/announce.js';
import { keepStored, readStored } from './lib/storage.js';
import { Countdown, LanguagePicker } from './views/common.js';

const LINK = /^([A-Za-z0-9_-]{22})(?:\.([A-Za-z0-9_-]{22}(?:\.[0-9A-Za-z]{8})?))?$/;
const LANG_KEY = 'roundtable.lang';

// Each role's view is fetched once the role is known, so that a participant's phone downloads
// none of the other roles' code (the co-chairs' console, the stage's QR library). index.html
// preloads the participant's; the stage link's form says early that it is the stage.
const VIEWS = {
  participant: () => import('./views/participant.js').then((m) => m.ParticipantView),
  cochair: () => import('./views/chair.js').then((m) => m.ChairView),
  stage: () => import('./views/stage.js').then((m) => m.StageView),
  booth: () => import('./views/booth.js').then((m) => m.BoothView),
  rapporteur: () => import('./views/rapporteur.js').then((m) => m.RapporteurView),
  organiser: () => import('./views/organiser.js').then((m) => m.OrganiserView),
};
const loadedViews = new Map(); // role -> promise of its view component

function loadView(role) {
  if (!loadedViews.has(role)) loadedViews.set(role, VIEWS[role]());
  return loadedViews.get(role);
}

// The view component for `role` once its module has arrived (null until then).
function useRoleView(role) {
  const [loaded, setLoaded] = useState(null); // { role, View }
  useEffect(() => {
    if (!role || !VIEWS[role]) return undefined;
    let live = true;
    loadView(role).then((View) => { if (live) setLoaded({ role, View }); });
    return () => { live = false; };
  }, [role]);
  return loaded && loaded.role === role ? loaded.View : null;
}

// The tab's title: who this page is for and which consultation ("Ask — … · Roundtable"), so
// that a co-chair with five tabs open finds each one.
function pageTitle(state) {
  const c = state.consultation;
  if (!c || !state.role || !VIEWS[state.role]) return t('app.name');
  const role = t(`app.title.${state.role}`, { channel: state.channel || '' });
  return t('app.title', { role, consultation: c.title });
}

// The UI language: the one chosen before in this browser, else the first of the browser's
// languages that Roundtable speaks, else English. The choice never leaves the browser.
function preferredLanguage() {
  const stored = readStored(LANG_KEY);
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

// The connection, said in words and by a shape (not by colour alone); while it is down, what
// happens to what the participant does meanwhile.
function ConnectionBadge({ status }) {
  return html`<span class="connection" data-testid="connection" data-state=${status} role="status">
    <span class="connection-dot" aria-hidden="true"></span>${t(`connection.${status}`)}</span>`;
}

// Before the first snapshot: what the page is waiting for, in place of the view. A new device
// key on the open link may first pay its proof of work ("Joining…", AB-6), or wait while the
// co-chairs pause new participants or its network's newcomers are capped (AB-2, AB-3): then the
// refusal says why, and that the page keeps trying by itself.
function Waiting({ status, refusal }) {
  if (refusal) {
    return html`<p class="notice notice-waiting" role="status" data-testid="join-waiting" data-code=${refusal.code}>${errorMessage(refusal)}</p>`;
  }
  if (status === 'joining') return html`<p class="notice" role="status" data-testid="join-working">${t('connection.joining')}</p>`;
  return html`<p class="notice">${t('app.loading')}</p>`;
}

// What a screen reader user hears when something changes that they did not do (announce.js
// paces it). `before` is the state the message arrives in.
function announce(announcer, msg, before) {
  const q = msg.question && typeof msg.question === 'object' ? msg.question : null;
  const chair = before.role === 'cochair';
  switch (msg.type) {
    case 'question.posted':
      if (chair && q && q.state === 'pending') announcer.count('announce.to_moderate');
      else if (q && q.state === 'approved' && !before.mine.has(q.id)) announcer.count('announce.new_questions');
      break;
    case 'question.approved':
      if (before.mine.has(q.id)) announcer.line(t('announce.mine_approved', { id: q.id }));
      else if (!chair) announcer.count('announce.new_questions');
      break;
    case 'question.rejected':
      if (before.mine.has(q.id)) announcer.line(t('announce.mine_rejected', { id: q.id }));
      break;
    case 'question.answering':
      announcer.line(msg.question ? t('announce.answering', { id: msg.question }) : t('announce.answering_none'));
      break;
    case 'question.answered': announcer.line(t('announce.answered', { id: q.id })); break;
    case 'segment.opened': announcer.line(t('announce.segment_opened')); break;
    case 'segment.closed': announcer.line(t('announce.segment_closed')); break;
    default: break;
  }
}

function App({ conn, join }) {
  const [state, dispatch] = useReducer((s, a) => reduce(s, a.msg, a.pending), initialState);
  const [status, setStatus] = useState('connecting');
  const [refusal, setRefusal] = useState(null); // the refusal a 'waiting' status waits out
  const [announced, setAnnounced] = useState('');
  const latest = useRef(state);
  latest.current = state;
  const [offset, setOffset] = useState(0); // server clock minus this browser's, in ms
  const [lang, setLang] = useState(currentLanguage());
  const [snapshots, setSnapshots] = useState(0); // one per (re)connection: a snapshot, or resumed
  async function changeLanguage(next) {
    await applyLanguage(next);
    keepStored(LANG_KEY, next); // without storage the choice lasts until the page reloads
    setLang(next);
  }

  useEffect(() => {
    // The same words twice in a row are still said: a no-break space tells them apart.
    let flip = false;
    const announcer = createAnnouncer((text) => {
      flip = !flip;
      setAnnounced(flip ? text : `${text}\u00a0`);
    }, (key, count) => t(key, { count }));
    conn.attach({
      onMessage: (msg, pending) => {
        if (latest.current.role) announce(announcer, msg, latest.current);
        dispatch({ msg, pending });
        if (msg.type === 'snapshot' || msg.type === 'resumed') setSnapshots((n) => n + 1);
      },
      onStatus: (next, refused = null) => {
        setStatus(next);
        // Kept while the page tries again, so that the reason does not flicker at each attempt.
        setRefusal((old) => refused || (next === 'connecting' || next === 'reconnecting' ? old : null));
      },
      onOffset: setOffset,
    });
  }, [conn]);

  // LC-6: a participant listens in the page's language when the consultation offers it; the
  // server counts that in memory for the booths and co-chairs, and forgets it on disconnect.
  useEffect(() => {
    if (!conn || state.role !== 'participant' || !state.consultation) return;
    const offered = [state.consultation.floor, ...state.consultation.channels];
    // Not kept for a reconnection: every new connection says it again.
    conn.command({ type: 'listening.set', lang: offered.includes(lang) ? lang : null }, { keep: false });
  }, [conn, snapshots, lang, state.role]);

  const c = state.consultation;
  const View = useRoleView(state.role);
  useEffect(() => { document.title = pageTitle(state); }, [state.role, state.channel, c && c.title, lang]);
  let view = null;
  if (status === 'refused') view = html`<p class="notice" role="alert">${t('app.refused')}</p>`;
  else if (!state.role) view = html`<${Waiting} status=${status} refusal=${refusal} />`;
  else if (!VIEWS[state.role]) view = html`<p class="notice" role="alert">${t('app.refused')}</p>`;
  else if (!View) view = html`<p class="notice">${t('app.loading')}</p>`;
  else if (state.role === 'participant') {
    view = html`<${View} state=${state} conn=${conn} offset=${offset} lang=${lang} onLanguage=${changeLanguage} />`;
  }
  else if (state.role === 'stage') view = html`<${View} state=${state} join=${join} offset=${offset} />`;
  else if (state.role === 'organiser') view = html`<${View} conn=${conn} lang=${lang} />`;
  else view = html`<${View} state=${state} conn=${conn} offset=${offset} />`;
  // The co-chairs' clock panel and the stage show the countdown large; everyone else in the header.
  // Once the consultation has ended, no header says what is on now.
  const ended = Boolean(c && c.sealed);
  const headerClock = c && state.role && !ended && !['cochair', 'stage', 'booth'].includes(state.role);
  // The stage is a screen shared on Zoom: its view owns all of it, with no page chrome.
  if (state.role === 'stage' && status !== 'refused') {
    return html`
      <div class="app role-stage" data-connection=${status} data-view=${View ? 'ready' : 'loading'}>
        <main id="main">${view}</main>
        <div class="visually-hidden" aria-live="polite" data-testid="announcer">${announced}</div>
      </div>`;
  }

  const segment = c && c.segments[c.current_segment];
  return html`
    <div class=${`app role-${state.role || 'none'}`} data-connection=${status} data-view=${View ? 'ready' : 'loading'}>
      <header class="top">
        <div class="titles">
          <h1 dir="auto">${c ? c.title : t('app.name')}</h1>
          ${segment && state.role !== 'stage' && !ended && html`<p class="segment">${t('app.segment')} <bdi>${segment.title}</bdi></p>`}
        </div>
        ${headerClock && html`<${Countdown} consultation=${c} offset=${offset} />`}
        <div class="meta">
          <${LanguagePicker} lang=${lang} onChange=${changeLanguage} id="ui-language" testid="ui-language" />
          ${state.role && html`<span class="role">${t(`role.${state.role}`)}</span>`}
          <${ConnectionBadge} status=${status} />
        </div>
      </header>
      ${(status === 'reconnecting' || (status === 'connecting' && state.role)) && html`
        <p class="offline-note" data-testid="offline-note">${t('connection.offline_hint')}</p>`}
      <main id="main">${view}</main>
      <div class="visually-hidden" aria-live="polite" data-testid="announcer">${announced}</div>
    </div>`;
}

// The connection starts at once, beside the catalogue's download (a weak network waits for
// both together, not one after the other); what it receives before the page is drawn is held
// and handed over in order.
function earlyConnection(token) {
  const held = [];
  let sinks = null;
  const relay = (name) => (...args) => (sinks ? sinks[name](...args) : held.push([name, args]));
  const c = new Connection(token, { onMessage: relay('onMessage'), onStatus: relay('onStatus'), onOffset: relay('onOffset') });
  c.attach = (handlers) => {
    sinks = handlers;
    for (const [name, args] of held.splice(0)) handlers[name](...args);
  };
  c.start();
  return c;
}

async function boot() {
  const m = LINK.exec(location.hash.replace(/^#/, ''));
  const conn = m ? earlyConnection(m[1]) : null;
  if (m && m[2]) loadView('stage'); // only the stage's link has two parts: fetch its view now
  const lang = preferredLanguage();
  document.documentElement.dir = directionOf(lang); // the skeleton turns before the words arrive
  await applyLanguage(lang);
  const root = document.getElementById('app');
  root.textContent = ''; // index.html's skeleton: the page draws itself in its place
  if (!m) {
    render(html`<main><h1>${t('app.name')}</h1><p class="notice">${t('app.no_token')}</p></main>`, root);
    return;
  }
  render(html`<${App} conn=${conn} join=${m[2] || null} />`, root);
}

// A different link pasted into this tab changes only the fragment: start again with it.
window.addEventListener('hashchange', () => location.reload());
boot();
