// credential.js — what an invitation's holder sees when this browser holds no credential for the
// consultation and the invitation already drew one (a new browser, cleared storage, a second
// device): why, and a request to the co-chairs for a re-issue, which they allow a bounded number
// of times (CHR-3); and the co-chairs' panel that counts the requests (never whose) and the
// re-issues, and allows them. Drawing a credential is otherwise invisible (lib/connection.js).
import { html, useEffect, useState } from '../vendor/preact-htm.js';
import { errorMessage, t } from '../lib/i18n.js';

// Whether the participant's page shows this instead of the place to ask.
export const credentialMissing = (conn) => Boolean(conn && ['drawn', 'requested', 'failed'].includes(conn.credentialState));

export function CredentialLost({ conn }) {
  const [state, setState] = useState(conn.credentialState);
  const [error, setError] = useState(null);
  async function ask() {
    setError(null);
    const reply = await conn.requestReissue();
    if (reply.type === 'credential.key') setState(reply.state);
    else setError(reply);
  }
  return html`
    <section class="card credential-lost" data-testid="credential-lost" data-state=${state} aria-labelledby="credential-heading">
      <h2 id="credential-heading">${t('credential.lost.title')}</h2>
      <p>${t('credential.lost.body')}</p>
      <p>${t('credential.lost.votes')}</p>
      ${state === 'requested'
        ? html`<p class="notice" role="status" data-testid="credential-requested">${t('credential.lost.requested')}</p>
          <button type="button" data-testid="credential-retry" onClick=${() => conn.retryCredential()}>${t('credential.lost.retry')}</button>`
        : html`<button type="button" class="primary" data-testid="credential-ask" onClick=${ask}>${t('credential.lost.ask')}</button>`}
      ${error && html`<p class="error" role="alert" data-testid="credential-error">${errorMessage(error)}</p>`}
    </section>`;
}

// The co-chairs' side: shown once someone asked for a re-issue or one was drawn. Mounted by the
// console with one line: <${CredentialRequests} conn=${conn} />.
export function CredentialRequests({ conn }) {
  const [counts, setCounts] = useState(conn ? conn.credentialRequests : null);
  const [error, setError] = useState(null);
  useEffect(() => {
    if (!conn) return undefined;
    conn.credentialListeners.add(setCounts);
    return () => conn.credentialListeners.delete(setCounts);
  }, [conn]);
  if (!counts || (!counts.pending && !counts.reissued)) return null;
  async function allow() {
    setError(null);
    const reply = await conn.command({ type: 'credential.allow' });
    if (reply.type !== 'credential.requests') setError(reply);
  }
  return html`
    <section class="card credential-requests" data-testid="credential-requests" aria-labelledby="credential-requests-heading">
      <h2 id="credential-requests-heading">${t('credential.requests.heading')}</h2>
      ${counts.pending > 0 && html`
        <p data-testid="credential-pending">${t('credential.requests.pending', { count: counts.pending })}</p>
        <button type="button" data-testid="credential-allow" onClick=${allow}>${t('credential.requests.allow')}</button>`}
      ${counts.reissued > 0 && html`<p data-testid="credential-reissued">${t('credential.requests.reissued', { count: counts.reissued })}</p>`}
      ${error && html`<p class="error" role="alert">${errorMessage(error)}</p>`}
    </section>`;
}
