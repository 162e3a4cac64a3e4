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

/** An op's state in words. 已入账 is a money word: a check, a visit or a phone number the server took is 已记录. */
export function opStateText(state, type) {
  const other = type && type !== 'payment';
  if (other && state === 'applied') return t('os.recorded');
  if (other && state === 'duplicate') return t('os.recorded_dup');
  return tOr(`os.${state}`, state);
}

export function opStateBadge(state, type) {
  return html`<${Badge} kind=${OP_STATE_KIND[state] || ''}>${opStateText(state, type)}<//>`;
}

const PAY_STATE_KIND = { recorded: 'ok', held: 'warn', void_requested: 'warn', voided: 'muted', pending: 'pending',
  sent: 'ok', rejected: 'bad' };

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

/** Radio buttons as a row of buttons; a `value` no option has (null) leaves them all unselected. */
export function Segmented({ options, value, onChange, name, testid }) {
  return html`<div class="segmented" role="radiogroup" aria-label=${name} data-testid=${testid}>
    ${options.map(([v, label]) => html`<button type="button" role="radio" aria-checked=${value === v}
      class=${value === v ? 'on' : ''} onClick=${() => onChange(v)}>${label}</button>`)}
  </div>`;
}

export function address(h) {
  if (!h) return '';
  return `${h.project || ''} ${h.label || ''}`.trim();
}

/** Why a form cannot be saved yet (limits.js opProblem), in the collector's words. */
export function problemText(p) {
  return t(`chk.${p.code}`, tOr(`fld.${p.field}`, p.field), p.max);
}

/**
 * A rejected op's error: the reason, the field the server named (error.details.field) and its limit, then
 * the code for support staff, e.g. "格式不正确：走访内容（最多 2000 字） (invalid_field)".
 */
export function rejectionText(err) {
  if (!err) return '';
  if (typeof err === 'string') return err;
  const d = err.details || {};
  let text = tOr(`rej.${err.code}`, err.message || '');
  if (d.field && (err.code === 'invalid_field' || err.code === 'missing_field')) {
    text = t('rej.field', text, tOr(`fld.${d.field}`, d.field));
  }
  if (d.max_length) text += t('rej.max_length', d.max_length);
  return `${text} (${err.code || '?'})`;
}

/** Why a sync failed (sync.js failureCode) in words; an unknown code is shown as the server sent it. */
export function syncErrorText(code) {
  return code ? tOr(`sync.err.${code}`, code) : '';
}
