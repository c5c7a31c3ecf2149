// app.js — boots the page: reads the role link's token from the URL fragment, connects, and
// shows the view for the role the server reports.
import { html, render, useEffect, useReducer, useState } from './vendor/preact-htm.js';
import { Connection } from './lib/connection.js';
import { initialState, reduce } from './lib/state.js';
import { loadCatalogue, t } from './lib/i18n.js';
import { ParticipantView } from './views/participant.js';
import { ChairView } from './views/chair.js';
import { ReadOnlyView } from './views/readonly.js';

function ConnectionBadge({ status }) {
  return html`<span class="connection" data-testid="connection" data-state=${status} role="status">
    ${t(`connection.${status}`)}</span>`;
}

function App({ token }) {
  const [state, dispatch] = useReducer((s, a) => reduce(s, a.msg, a.pending), initialState);
  const [status, setStatus] = useState('connecting');
  const [conn, setConn] = useState(null);
  const [announcement, setAnnouncement] = useState('');

  useEffect(() => {
    const c = new Connection(token, {
      onMessage: (msg, pending) => {
        dispatch({ msg, pending });
        if (msg.type === 'question.approved') setAnnouncement(t('announce.approved', { id: msg.question.id }));
      },
      onStatus: setStatus,
    });
    setConn(c);
    c.start();
  }, [token]);

  const c = state.consultation;
  let view = null;
  if (status === 'refused') view = html`<p class="notice" role="alert">${t('app.refused')}</p>`;
  else if (!state.role) view = html`<p class="notice">${t('app.loading')}</p>`;
  else if (state.role === 'participant') view = html`<${ParticipantView} state=${state} conn=${conn} />`;
  else if (state.role === 'cochair') view = html`<${ChairView} state=${state} conn=${conn} />`;
  else view = html`<${ReadOnlyView} state=${state} />`;

  const segment = c && c.segments[c.current_segment];
  return html`
    <header class="top">
      <div class="titles">
        <h1 dir="auto">${c ? c.title : t('app.name')}</h1>
        ${segment && html`<p class="segment">${t('app.segment')} <bdi>${segment.title}</bdi></p>`}
      </div>
      <div class="meta">
        ${state.role && html`<span class="role">${t(`role.${state.role}`)}</span>`}
        <${ConnectionBadge} status=${status} />
      </div>
    </header>
    <main>${view}</main>
    <div class="visually-hidden" aria-live="polite" data-testid="announcer">${announcement}</div>`;
}

async function boot() {
  await loadCatalogue('en');
  document.title = t('app.name');
  const root = document.getElementById('app');
  const token = location.hash.replace(/^#/, '');
  if (!/^[A-Za-z0-9_-]{22}$/.test(token)) {
    render(html`<main><h1>${t('app.name')}</h1><p class="notice">${t('app.no_token')}</p></main>`, root);
    return;
  }
  render(html`<${App} token=${token} />`, root);
}

boot();
