// organiser-cycle.js — the organiser console's "Invitations & attendance" tab: the tools that
// work on the organiser's own registration list inside the browser (mail-merge files, calendar
// invitations, Zoom attendance, certificates; ORG-2, ORG-3). This module is the tab's panel and
// the one place those tools mount; the server never receives a name. For now it says what the tab
// is for. Props: { consultation, programme, conn, lang } — the item the organiser has open (its
// id, title, time zone, sessions), the organiser's connection and the page's language.
import { html } from '../vendor/preact-htm.js';
import { t } from '../lib/i18n.js';

export function OrganiserCycle({ consultation, programme }) {
  const item = programme || consultation;
  return html`<section class="org-panel org-cycle" data-testid="org-cycle" aria-labelledby="org-cycle-heading">
    <h3 id="org-cycle-heading">${t('organiser.cycle.title')}</h3>
    <p class="hint">${t('organiser.cycle.empty')}</p>
    ${item && html`<p class="hint"><bdi>${item.title}</bdi></p>`}
  </section>`;
}
