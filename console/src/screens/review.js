/** 复核队列: the items the server set aside for a person (PROTOCOL.md, Clerk and admin API) and the clerk's
 * decision on each, always with a reason; and the operations it could not accept, kept as sent. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t, label, codes } from '../i18n.js';
import { bjTime } from '../format.js';
import { Badge, ErrorLine, Link, Money, PagedTable, Select, useCtx, useWho } from '../ui/kit.js';

const PAYMENT_FLAGS = new Set(['overpaid', 'out_of_scope', 'receipt_duplicate', 'duplicate_suspect', 'clock_skew',
  'season_closed', 'season_unknown']);

/** What a clerk may decide: the list's `decisions` when it gives them, else accept/void/dismiss for a payment's
 * flag and accept/dismiss for the rest. */
export function decisionsFor(item) {
  if (Array.isArray(item.decisions) && item.decisions.length) return item.decisions;
  return PAYMENT_FLAGS.has(item.kind) ? ['accept', 'void', 'dismiss'] : ['accept', 'dismiss'];
}

const DETAIL_KEYS = ['reason', 'finding', 'valve_sealed', 'seal_intact', 'seal_no', 'season', 'recorded_m2', 'measured_m2',
  'text', 'other_receipt_no', 'other_collected_at', 'skew_seconds', 'at_sent'];

/** What the phone reported, as words: [["理由", "录错户"], ["手机时间偏差", "快 12 分钟"], …]. */
export function detailLines(details = {}, tr = t) {
  return DETAIL_KEYS.filter((k) => details?.[k] !== undefined && details[k] !== null).map((k) => {
    const v = details[k];
    let text;
    if (k === 'skew_seconds') text = tr(v > 0 ? 'd.fast' : 'd.slow', Math.round(Math.abs(v) / 60));
    else if (k === 'other_collected_at' || k === 'at_sent') text = bjTime(v);
    else if (v === true) text = tr('common.yes');
    else if (v === false) text = tr('common.no');
    else if (v === 'vacant' || v === 'occupied') text = tr('d.' + v);
    else text = String(v);
    return [tr('d.' + k), text];
  });
}

function Decide({ item, onDone }) {
  const { api } = useCtx();
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const decide = async (decision) => {
    if (!reason.trim()) { setError(new Error(t('rv.reason_needed'))); return; }
    setBusy(true);
    try {
      await api.post(`/review/${item.id}/resolve`, { decision, reason: reason.trim() });
      onDone();
    } catch (e) { setError(e); setBusy(false); }
  };
  return html`<div class="decide">
    <input name="reason" placeholder=${t('rv.reason')} aria-label=${t('rv.reason')} value=${reason}
      onInput=${(e) => { setReason(e.target.value); setError(null); }} />
    <div class="buttons">${decisionsFor(item).map((d) => html`<button type="button" disabled=${busy} data-decision=${d}
      class=${d === 'dismiss' ? 'ghost' : d === 'void' ? 'danger' : ''} onClick=${() => decide(d)}>${label('decision', d)}</button>`)}</div>
    <${ErrorLine} error=${error} /></div>`;
}

export function Review() {
  const { route, router } = useCtx();
  const who = useWho();
  const [tick, setTick] = useState(0);
  const state = route.query.state || 'open';
  const kind = route.query.kind || '';
  const params = { state, kind, collector: route.query.collector, project: route.query.project };
  const columns = [
    { title: t('rv.id'), cell: (it) => it.id },
    { title: t('rv.kind'), cell: (it) => html`<${Badge} kind="flag" code=${it.kind} />
      ${[...new Set([...(it.kinds || []), ...(it.flags || [])])].filter((f) => f !== it.kind).map((f) => html` <${Badge} kind="flag" code=${f} />`)}` },
    { title: t('rv.household'), cell: (it) => (it.household_id ? html`<${Link} to="household" params=${{ id: it.household_id }}>
      ${it.project || ''} ${it.label || it.household_id}</${Link}>` : '') },
    { title: t('rv.collector'), cell: (it) => who(it.collector, it.collector_name) },
    { title: t('rv.what'), cell: (it) => html`${it.payment ? html`<div>${it.payment.receipt_no} · <${Money} fen=${it.payment.amount_fen} />
        ${' '}<${Badge} kind="payment_state" code=${it.payment.state} /></div>` : null}
      ${detailLines(it.details).map(([k, v]) => html`<div class="detail">${k}：${v}</div>`)}` },
    { title: t('rv.created'), cell: (it) => bjTime(it.created_at) },
    { title: t('rv.decide'), cell: (it) => (it.state === 'open'
      ? html`<${Decide} key=${it.id} item=${it} onDone=${() => setTick((x) => x + 1)} />`
      : html`<${Badge} kind="decision" code=${it.decision} /><div class="reason">${it.reason || ''}</div>`) },
  ];
  return html`<section data-screen="review">
    <h1>${t('nav.review')}</h1>
    <div class="filters">
      <${Select} label=${t('rv.state')} name="state" value=${state} onChange=${(v) => router.setQuery({ state: v })}
        options=${['open', 'resolved', 'all'].map((v) => ({ value: v, text: t('rv.' + v) }))} />
      <${Select} label=${t('rv.kind')} name="kind" value=${kind} all onChange=${(v) => router.setQuery({ kind: v })}
        options=${codes('flag').map((c) => ({ value: c, text: label('flag', c) }))} />
    </div>
    <${PagedTable} path="/review" params=${params} columns=${columns} testid="review" reloadKey=${tick} />
  </section>`;
}

export function Rejected() {
  const who = useWho();
  const columns = [
    { title: t('rv.id'), cell: (it) => it.id },
    { title: t('rj.received'), cell: (it) => bjTime(it.received_at) },
    { title: t('rv.collector'), cell: (it) => html`${who(it.collector, it.collector_name)}${it.device_code ? html`<div class="sub">${it.device_code}</div>` : null}` },
    { title: t('rj.type'), cell: (it) => (!it.type ? '' : t('ot.' + it.type) === 'ot.' + it.type ? html`<code>${it.type}</code>`
      : html`${t('ot.' + it.type)}<div class="sub">${it.type}</div>`) },
    { title: t('rv.household'), cell: (it) => (it.household_id && it.label ? html`<${Link} to="household" params=${{ id: it.household_id }}>${it.label}</${Link}>` : it.household_id || '') },
    { title: t('rj.error'), cell: (it) => html`${it.message}<div class="sub"><code>${it.error_code}</code></div>` },
    { title: t('rj.raw'), cell: (it) => html`<details><summary>${t('common.open')}</summary><pre>${it.raw}</pre></details>` },
  ];
  return html`<section data-screen="rejected"><h1>${t('nav.rejected')}</h1>
    <${PagedTable} path="/review/rejected" columns=${columns} testid="rejected" /></section>`;
}
