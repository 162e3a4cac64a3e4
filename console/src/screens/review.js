/** 复核队列: the items the server set aside for a person (PROTOCOL.md, Clerk and admin API) and the clerk's
 * decision on each, always with a reason; and the operations it could not accept, kept as sent. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t, label, codes } from '../i18n.js';
import { bjTime } from '../format.js';
import { Badge, ErrorLine, Link, Money, PagedTable, Select, useCtx, useWho, seenNames } from '../ui/kit.js';
import { bulkChoice, bulkSummary, effectOf, reasonOf } from '../desk.js';
import { useEstate } from './households.js';

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

export function Decide({ item, onDone, wide = false }) {
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
  return html`<div class=${wide ? 'decide wide' : 'decide'}>
    <input name="reason" placeholder=${t('rv.reason')} aria-label=${t('rv.reason')} value=${reason}
      onInput=${(e) => { setReason(e.target.value); setError(null); }} />
    <div class="buttons">${decisionsFor(item).map((d) => html`<button type="button" disabled=${busy} data-decision=${d}
      class=${d === 'dismiss' ? 'ghost' : d === 'void' ? 'danger' : ''} title=${t(effectOf(item.kind, d))}
      onClick=${() => decide(d)}>${label('decision', d)}${wide ? html`<small class="effect">${t(effectOf(item.kind, d))}</small>` : null}</button>`)}</div>
    <${ErrorLine} error=${error} /></div>`;
}

/** The collectors a filter offers: the users list (admin), else the names the lists gave (a clerk). */
export function collectorOptions(names = {}, seen = new Map(), current = '') {
  const all = new Map([...seen, ...Object.entries(names)]);
  if (current && !all.has(current)) all.set(current, current);
  return [...all].sort((a, b) => a[0].localeCompare(b[0])).map(([u, n]) => ({ value: u, text: n && n !== u ? `${n}（${u}）` : u }));
}

/** One reason and one decision for the entries ticked, all of one kind (POST /review/bulk). */
function BulkBar({ picked, onDone }) {
  const { api } = useCtx();
  const [reason, setReason] = useState('');
  const [msg, setMsg] = useState(null);
  const choice = bulkChoice(picked);
  const go = async (decision) => {
    const r = reasonOf(reason);
    if (!r) { setMsg({ error: new Error(t('rv.reason_needed')) }); return; }
    try {
      const s = bulkSummary(await api.post('/review/bulk', { item_ids: picked.map((e) => e.id), decision, reason: r }));
      setMsg({ text: t('rb.done', s.done) + (s.failed.length ? ' · ' + t('rb.failed', s.failed.map((f) => `#${f.id} ${f.code}`).join('，')) : '') });
      setReason('');
      onDone();
    } catch (e) { setMsg({ error: e }); }
  };
  return html`<div class="card bulk" data-testid="bulk-bar">
    <b>${t('rb.picked', picked.length)}</b>
    ${choice.ok ? html`<input name="bulk-reason" class="reason-input" placeholder=${t('rv.reason')} aria-label=${t('rb.reason')}
        value=${reason} onInput=${(e) => { setReason(e.target.value); setMsg(null); }} />
      ${choice.decisions.map((d) => html`<button type="button" data-bulk-decision=${d} class=${d === 'void' ? 'danger' : d === 'dismiss' ? 'ghost' : ''}
        title=${t(effectOf(choice.kind, d))} onClick=${() => go(d)}>${label('decision', d)}（${picked.length}）</button>`)}`
      : html`<span class="sub">${t(choice.why === 'none' ? 'rb.hint' : 'rb.why.' + choice.why)}</span>`}
    <span class="record" data-testid="bulk-msg">${msg?.text || ''}</span><${ErrorLine} error=${msg?.error} /></div>`;
}

export function Review() {
  const { route, router, names } = useCtx();
  const who = useWho();
  const estate = useEstate();
  const [tick, setTick] = useState(0);
  const [items, setItems] = useState([]);
  const [picked, setPicked] = useState({});
  const q = route.query;
  const state = q.state || 'open';
  const kind = q.kind || '';
  const params = { state, kind, collector: q.collector, project: q.project, from: q.from, to: q.to };
  // a bulk decision is for many entries of one kind: offered once the list is narrowed to one open kind
  const bulk = state === 'open' && !!kind;
  const pickedRows = items.filter((it) => picked[it.id]);
  const reload = () => { setPicked({}); setTick((x) => x + 1); };
  const columns = [
    ...(bulk ? [{ title: html`<input type="checkbox" aria-label=${t('rb.all')} data-testid="pick-all"
        checked=${items.length > 0 && pickedRows.length === items.length}
        onChange=${(e) => setPicked(e.target.checked ? Object.fromEntries(items.map((it) => [it.id, true])) : {})} />`,
      cell: (it) => html`<input type="checkbox" aria-label=${t('rb.pick', it.id)} data-pick=${it.id} checked=${!!picked[it.id]}
        onChange=${(e) => setPicked({ ...picked, [it.id]: e.target.checked })} />` }] : []),
    { title: t('rv.id'), cell: (it) => html`<${Link} to="review_item" params=${{ id: it.id }} testid="review-link">#${it.id}</${Link}>` },
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
      ? html`<${Decide} key=${it.id} item=${it} onDone=${reload} />`
      : html`<${Badge} kind="decision" code=${it.decision} /><div class="reason">${it.reason || ''}</div>`) },
  ];
  const dates = [['from', 'au.from'], ['to', 'au.to']];
  return html`<section data-screen="review">
    <h1>${t('nav.review')}</h1>
    <div class="filters">
      <${Select} label=${t('rv.state')} name="state" value=${state} onChange=${(v) => router.setQuery({ state: v })}
        options=${['open', 'resolved', 'all'].map((v) => ({ value: v, text: t('rv.' + v) }))} />
      <${Select} label=${t('rv.kind')} name="kind" value=${kind} all onChange=${(v) => { setPicked({}); router.setQuery({ kind: v }); }}
        options=${codes('flag').map((c) => ({ value: c, text: label('flag', c) }))} />
      <${Select} label=${t('rv.collector')} name="collector" value=${q.collector || ''} all onChange=${(v) => router.setQuery({ collector: v })}
        options=${collectorOptions(names, seenNames, q.collector)} />
      <${Select} label=${t('hh.project')} name="project" value=${q.project || ''} all onChange=${(v) => router.setQuery({ project: v })}
        options=${(estate.data || []).map((p) => ({ value: p.project, text: p.project }))} />
      ${dates.map(([k, l]) => html`<label class="field"><span>${t(l)}</span><input type="date" name=${k} value=${q[k] || ''}
        onChange=${(e) => router.setQuery({ [k]: e.target.value })} /></label>`)}
    </div>
    ${bulk ? html`<${BulkBar} picked=${pickedRows} onDone=${reload} />` : html`<p class="sub">${t('rb.need_kind')}</p>`}
    <${PagedTable} path="/review" params=${params} columns=${columns} testid="review" reloadKey=${tick}
      onData=${(d) => setItems(d.items || [])} />
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
