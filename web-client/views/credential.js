// credential.js — what an invitation's holder sees when this browser holds no credential for the
// consultation and the invitation already drew one (a new browser, cleared storage, a second
// device): why, and a request to the co-chairs for a re-issue, which they allow a bounded number
// of times (CHR-3). Drawing a credential is otherwise invisible (lib/connection.js).
import { html, useState } from '../vendor/preact-htm.js';
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
