/** 交款 (OFFICE.md, Cash and ledgers; DOMAIN.md §5): the day's collectors as rows — the cash their synced receipts
 * carry, what the cashier counted, over/short, who has handed over and who is missing — a count per row with its
 * deposit slip, a correction with a reason (a new record; the first one stays), and the close of the day. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t } from '../i18n.js';
import { formatFen, parseYuan, todayBj } from '../format.js';
import { Badge, ErrorLine, Kpis, Link, Money, Table, useCtx, useLoad, useWho } from '../ui/kit.js';
import { overShort } from './ledgers.js';

/** The server's error, with the collectors it names (handover_missing) spelled out. */
function explained(err) {
  const names = err.details?.collectors;
  return Array.isArray(names) ? new Error(`${err.message} ${t('cl.missing', names.join('、'))}`) : err;
}

function CountForm({ date, row, onDone }) {
  const { api } = useCtx();
  const [cash, setCash] = useState('');
  const [slip, setSlip] = useState('');
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    const fen = parseYuan(cash);
    if (fen === null) { setError(new Error(t('cl.bad'))); return; }
    try {
      await api.post('/ledgers/handovers', { date, collector: row.collector, cash_fen: fen, slip_no: slip.trim() || null });
      onDone();
    } catch (err) { setError(explained(err)); }
  };
  return html`<form class="inline" data-testid=${'handover-form-' + row.collector} onSubmit=${submit}>
    <input name="cash" inputmode="decimal" placeholder=${t('ho.counted_yuan')} aria-label=${t('ho.counted_yuan')}
      value=${cash} onInput=${(e) => setCash(e.target.value)} />
    <input name="slip_no" placeholder=${t('ho.slip')} aria-label=${t('ho.slip')} value=${slip}
      onInput=${(e) => setSlip(e.target.value)} />
    <button type="submit">${t('ho.submit')}</button><${ErrorLine} error=${error} /></form>`;
}

function CorrectionForm({ row, onDone }) {
  const { api } = useCtx();
  const [cash, setCash] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    const fen = parseYuan(cash);
    if (fen === null) { setError(new Error(t('cl.bad'))); return; }
    if (!reason.trim()) { setError(new Error(t('ho.reason_needed'))); return; }
    try {
      await api.post(`/ledgers/handovers/${row.handover_id}/corrections`, { cash_fen: fen, reason: reason.trim() });
      setError(null);
      onDone();
    } catch (err) { setError(explained(err)); }
  };
  return html`<details class="correct"><summary>${t('ho.correct')}</summary>
    <form class="inline" data-testid=${'correction-form-' + row.collector} onSubmit=${submit}>
      <input name="cash" inputmode="decimal" placeholder=${t('ho.counted_yuan')} aria-label=${t('ho.counted_yuan')}
        value=${cash} onInput=${(e) => setCash(e.target.value)} />
      <input name="reason" placeholder=${t('ho.reason')} aria-label=${t('ho.reason')} value=${reason}
        onInput=${(e) => setReason(e.target.value)} />
      <button type="submit">${t('ho.save_correction')}</button><${ErrorLine} error=${error} /></form></details>`;
}

/** Every record of a row, first to latest: a correction shows the day it was made and why. */
const History = ({ records }) => records.length > 1 ? html`<ol class="history" data-testid="handover-history">
  ${records.map((r) => html`<li key=${r.id}>${formatFen(r.counted_fen)} · ${overShort(r.over_short_fen)} · ${r.recorded_on}
    ${r.reason ? html` · ${r.reason}` : null}</li>`)}</ol>` : null;

function CloseDay({ date, data, onDone }) {
  const { api } = useCtx();
  const [ref, setRef] = useState('');
  const [error, setError] = useState(null);
  const missing = data.missing || [];
  const submit = async (e) => {
    e.preventDefault();
    try {
      await api.post('/ledgers/daily/close', { date, deposit_ref: ref.trim() || null });
      setError(null);
      onDone();
    } catch (err) { setError(explained(err)); }
  };
  return html`<form class="close card" data-testid="close-day" onSubmit=${submit}><h2>${t('cl.title')}</h2>
    <p data-testid="close-missing" class=${missing.length ? 'warn' : ''}>
      ${missing.length ? t('cl.missing', missing.join('、')) : t('ho.all_in')}</p>
    <label class="field"><span>${t('cl.deposit')}</span><input name="deposit_ref" value=${ref} onInput=${(e) => setRef(e.target.value)} /></label>
    <button type="submit">${t('cl.submit')}</button><${ErrorLine} error=${error} /></form>`;
}

export function Handovers() {
  const { api, route, router } = useCtx();
  const who = useWho();
  const date = route.query.date || todayBj();
  const [tick, setTick] = useState(0);
  const reload = () => setTick((x) => x + 1);
  const { data, error, loading } = useLoad(() => api.get('/ledgers/handovers', { date, per_page: 500 }), [date, tick]);
  const rows = data?.items || [];
  const counting = date <= todayBj(); // today, or an earlier day still open: the cash may be counted next morning
  const sum = (k) => rows.reduce((s, r) => s + (r[k] || 0), 0);
  const columns = [
    { title: t('lg.collector'), cell: (r) => who(r.collector) },
    { title: t('ho.expected'), num: true, cell: (r) => html`<${Money} fen=${r.expected_cash_fen} />` },
    { title: t('ho.counted'), num: true, cell: (r) => html`<${Money} fen=${r.counted_fen} />` },
    { title: t('ho.over_short'), num: true, cell: (r) => r.over_short_fen == null ? '—'
      : html`<span class=${r.over_short_fen < 0 ? 'neg' : ''} data-testid="over-short">${overShort(r.over_short_fen)}</span>` },
    { title: t('ho.slip'), cell: (r) => r.slip_no || '' },
    { title: t('ho.state'), cell: (r) => html`<${Badge} kind="handover_state" code=${r.state} />` },
    { title: t('ho.action'), cell: (r) => html`${r.state === 'missing'
      ? (counting && !data?.closed ? html`<${CountForm} date=${date} row=${r} onDone=${reload} />` : t('ho.not_yet'))
      : html`<${CorrectionForm} key=${`${r.collector}:${(r.records || []).length}`} row=${r} onDone=${reload} />`}<${History} records=${r.records || []} />` },
  ];
  return html`<section data-screen="handovers"><div class="titlebar"><h1>${t('nav.handovers')} ${date}</h1>
      <${Link} to="daily" query=${{ date }}>${t('nav.daily')} ${date}</${Link}></div>
    <div class="filters"><label class="field"><span>${t('lg.date')}</span><input type="date" name="date" value=${date}
      onChange=${(e) => e.target.value && router.setQuery({ date: e.target.value })} /></label></div>
    <${ErrorLine} error=${error} />
    <${Kpis} items=${[[t('ho.collectors'), rows.length], [t('ho.handed'), rows.filter((r) => r.state !== 'missing').length],
      [t('ho.expected'), formatFen(sum('expected_cash_fen'))], [t('ho.counted'), formatFen(sum('counted_fen'))],
      [t('lg.state'), data?.closed ? t('lg.closed') : t('lg.open')]]} />
    <div data-testid="handovers-list" data-loaded=${loading ? null : 'yes'}>
      <${Table} testid="handovers" columns=${columns} rows=${rows} rowKey=${(r) => r.collector}
        rowClass=${(r) => r.state === 'missing' ? 'missing' : ''}
        empty=${loading ? t('common.loading') : t('ho.none')} /></div>
    ${data && !data.closed ? html`<${CloseDay} key=${`${date}:${(data.missing || []).join()}`} date=${date} data=${data} onDone=${reload} />`
      : data ? html`<p class="record" data-testid="handovers-closed">${t('lg.closed')} ·
          <${Link} to="daily" query=${{ date }}>${t('nav.daily')}</${Link}></p>` : null}
    ${data?.corrections_made?.length ? html`<div class="card"><h2>${t('ho.made_today')}</h2>
      <ul data-testid="corrections-made">${data.corrections_made.map((c) => html`<li key=${c.id}>
        ${c.date} · ${who(c.collector)} · ${formatFen(c.counted_fen)} · ${overShort(c.over_short_fen)} · ${c.reason || ''}</li>`)}</ul></div>` : null}
  </section>`;
}
