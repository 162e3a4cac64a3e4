/** Shared bits of the screens. */
import { html } from 'htm/preact';
import { t, tOr } from '../i18n.js';
import { formatFen } from '../money.js';

export { html };

export const money = (fen) => formatFen(fen ?? 0);

export function Badge({ kind = '', children }) {
  return html`<span class=${`badge ${kind}`}>${children}</span>`;
}

export function Flags({ flags }) {
  if (!flags || !flags.length) return null;
  return html`${flags.map((f) => html`<${Badge} kind="warn">${tOr(`flag.${f}`, f)}<//>`)}`;
}

export function statusBadge(st) {
  const kind = st === 'active' ? 'ok' : st === 'suspended' ? 'info' : 'muted';
  return html`<${Badge} kind=${kind}>${tOr(`st.${st}`, st)}<//>`;
}

const OP_STATE_KIND = { pending: 'pending', applied: 'ok', duplicate: 'ok', received: 'ok', held: 'warn',
  rejected: 'bad' };

export function opStateBadge(state) {
  return html`<${Badge} kind=${OP_STATE_KIND[state] || ''}>${tOr(`os.${state}`, state)}<//>`;
}

const PAY_STATE_KIND = { recorded: 'ok', held: 'warn', void_requested: 'warn', voided: 'muted', pending: 'pending',
  sent: 'ok' };

export function payStateBadge(state) {
  return html`<${Badge} kind=${PAY_STATE_KIND[state] || ''}>${tOr(`ps.${state}`, state)}<//>`;
}

export function Screen({ title, back, children, actions }) {
  return html`<section class="screen">
    ${title && html`<div class="screen-title">
      ${back && html`<a class="back" href=${back} aria-label=${t('act.back')}>‹</a>`}
      <h1>${title}</h1>${actions}
    </div>`}
    ${children}
  </section>`;
}

export function Field({ label, children, hint, error }) {
  return html`<label class="field"><span class="field-label">${label}</span>${children}
    ${hint && html`<span class="hint">${hint}</span>`}${error && html`<span class="error">${error}</span>`}</label>`;
}

export function Segmented({ options, value, onChange, name }) {
  return html`<div class="segmented" role="radiogroup" aria-label=${name}>
    ${options.map(([v, label]) => html`<button type="button" role="radio" aria-checked=${value === v}
      class=${value === v ? 'on' : ''} onClick=${() => onChange(v)}>${label}</button>`)}
  </div>`;
}

export function address(h) {
  if (!h) return '';
  return `${h.project || ''} ${h.label || ''}`.trim();
}
