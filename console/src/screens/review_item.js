/** One review entry, ready to decide on (issue 12, item 4): the operation as the phone sent it, the household's
 * bills before and after it, the related payments side by side (this one and the twin a duplicate suspect may
 * repeat), and the decisions named by what they do, each with a reason. */
import { html } from 'htm/preact';
import { t, label } from '../i18n.js';
import { bjTime } from '../format.js';
import { Badge, ErrorLine, Link, Money, Table, useCtx, useLoad, useWho } from '../ui/kit.js';
import { billRows, sentLines, sideBySide } from '../desk.js';
import { Decide, detailLines } from './review.js';

/** One field of an operation as sent, in words where the console has them. */
function SentValue({ k, v }) {
  if (k === 'amount_fen' && typeof v === 'number') return html`<${Money} fen=${v} />`;
  if (k === 'method') return label('method', v);
  if (k === 'at') return bjTime(v);
  return String(v);
}
const sentKey = (k) => (t('sent.' + k) === 'sent.' + k ? k : t('sent.' + k));

function PaymentCard({ p, who }) {
  const facts = [
    ['hd.receipt', p.receipt_no], ['common.amount', html`<${Money} fen=${p.amount_fen} />`],
    ['hd.method', label('method', p.method)], ['hd.collected', bjTime(p.collected_at)],
    ['hd.state', html`<${Badge} kind="payment_state" code=${p.state} />`], ['rv.collector', who(p.collector, p.collector_name)],
    ['ri.payer', p.payer || ''], ['lg.note', p.note || ''],
  ];
  return html`<div class="card" data-testid=${'payment-' + p.role}>
    <h2>${t(p.role === 'this' ? 'ri.this' : 'ri.twin')}</h2>
    <dl class="pairs">${facts.map(([k, v]) => html`<dt>${t(k)}</dt><dd>${v}</dd>`)}</dl></div>`;
}

export function ReviewItem() {
  const { api, route } = useCtx();
  const who = useWho();
  const id = route.params.id;
  const { data: it, error, loading, reload } = useLoad(() => api.get(`/review/${encodeURIComponent(id)}`), [id]);
  if (error) return html`<section data-screen="review_item"><h1>${t('ri.title', id)}</h1><${ErrorLine} error=${error} />
    <${Link} to="review">${t('ri.back')}</${Link}></section>`;
  if (loading && !it) return html`<section data-screen="review_item"><h1>${t('ri.title', id)}</h1><p>${t('common.loading')}</p></section>`;
  const op = it.operation;
  const related = sideBySide(it.related_payments);
  const bills = billRows(it.bills);
  const billColumns = [
    { title: t('hd.season'), cell: (b) => b.season },
    { title: t('hd.due'), num: true, cell: (b) => html`<${Money} fen=${b.due_fen} />` },
    { title: t('ri.paid_before'), num: true, cell: (b) => html`<${Money} fen=${b.paid_before_fen} />` },
    { title: t('ri.balance_before'), num: true, cell: (b) => html`<${Money} fen=${b.balance_before_fen} />` },
    { title: t('ri.this_payment'), num: true, cell: (b) => (b.touched ? html`<b><${Money} fen=${b.this_payment_fen} /></b>` : '—') },
    { title: t('ri.paid_after'), num: true, cell: (b) => html`<${Money} fen=${b.paid_fen} />` },
    { title: t('ri.balance_after'), num: true, cell: (b) => html`<${Money} fen=${b.balance_fen} />` },
  ];
  const others = [...new Set([...(it.kinds || []), ...(it.flags || [])])].filter((f) => f !== it.kind);
  return html`<section data-screen="review_item" data-testid="review-item" data-state=${it.state}>
    <div class="titlebar"><h1>${t('ri.title', it.id)} <${Badge} kind="flag" code=${it.kind} />
      ${others.map((f) => html` <${Badge} kind="flag" code=${f} />`)}</h1>
      <${Link} to="review" query=${{ kind: it.kind }} cls="button ghost">${t('ri.back')}</${Link}></div>
    <dl class="facts">
      <div><dt>${t('rv.household')}</dt><dd>${it.household_id ? html`<${Link} to="household" params=${{ id: it.household_id }}
        testid="ri-household">${it.project || ''} ${it.label || it.household_id}</${Link}>` : '—'}</dd></div>
      <div><dt>${t('rv.collector')}</dt><dd data-testid="ri-collector">${who(it.collector, it.collector_name)}</dd></div>
      <div><dt>${t('rv.created')}</dt><dd>${bjTime(it.created_at)}</dd></div>
      <div><dt>${t('rv.state')}</dt><dd>${t(it.state === 'open' ? 'rv.open' : 'rv.resolved')}</dd></div>
    </dl>
    <div class="cards">
      <div class="card" data-testid="ri-operation"><h2>${t('ri.as_sent')}</h2>
        ${op ? html`<dl class="pairs">
          <dt>${t('rj.type')}</dt><dd>${t('ot.' + op.type) === 'ot.' + op.type ? op.type : t('ot.' + op.type)}</dd>
          <dt>${t('rj.received')}</dt><dd>${bjTime(op.received_at)}</dd>
          <dt>${t('ri.answer')}</dt><dd>${t('ri.status.' + op.status) === 'ri.status.' + op.status ? op.status : t('ri.status.' + op.status)}</dd>
          ${sentLines(op.as_sent).map(([k, v]) => html`<dt>${sentKey(k)}</dt><dd data-sent=${k}><${SentValue} k=${k} v=${v} /></dd>`)}
          ${detailLines(it.details).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
          <details><summary>${t('rj.raw')}</summary><pre data-testid="ri-raw">${JSON.stringify(op.as_sent, null, 2)}</pre></details>`
        : html`<dl class="pairs">${detailLines(it.details).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
          <p class="sub">${t('ri.no_op')}</p>`}
      </div>
      <div class="card" data-testid="ri-decide"><h2>${t('rv.decide')}</h2>
        ${it.state === 'open' ? html`<${Decide} item=${it} wide onDone=${reload} />`
          : html`<p data-testid="ri-decision"><${Badge} kind="decision" code=${it.decision} /> ${it.reason || ''}</p>`}
      </div>
    </div>
    ${related.length ? html`<h2>${t('ri.related')}</h2><div class="cards" data-testid="ri-related">
      ${related.map((p) => html`<${PaymentCard} p=${p} who=${who} />`)}</div>` : null}
    <div class="card"><h2>${t('ri.bills')}</h2>
      <${Table} columns=${billColumns} rows=${bills} rowKey=${(b) => b.season} testid="ri-bills"
        rowClass=${(b) => (b.touched ? 'touched' : '')} /></div>
  </section>`;
}
