/** Day summary for the cash hand-over (issue 4, item 10): today's receipts in Asia/Shanghai. */
import { useEffect, useState } from 'preact/hooks';
import { html, money, Screen, payStateBadge } from './common.js';
import { app, useStore } from '../store.js';
import { t } from '../i18n.js';
import { opsOfDay } from '../outbox.js';
import { paymentState, countsAsTaken, serverPayments } from '../households.js';
import { shanghaiDate, shanghaiDateTime } from '../time.js';
import { METHODS } from './payment.js';

/**
 * Totals of one day's payments, each in its state now (`server`: op_id → the server's record, from the last
 * pull). Only money the collector still holds counts (households.js countsAsTaken): a payment a clerk voided
 * is listed but left out; one whose void request waits is still cash in hand until a clerk decides.
 */
export function daySummary(recs, server = new Map()) {
  const payments = recs.filter((r) => r.op.type === 'payment').sort((a, b) => a.op.seq - b.op.seq)
    .map((r) => ({ ...r, shown: paymentState(r, server.get(r.op_id)) }));
  const taken = payments.filter((r) => countsAsTaken(r.shown));
  const byMethod = {};
  let total = 0;
  for (const r of taken) {
    byMethod[r.op.data.method] = (byMethod[r.op.data.method] || 0) + r.op.data.amount_fen;
    total += r.op.data.amount_fen;
  }
  return { payments, taken, leftOut: payments.length - taken.length, byMethod, total, cash: byMethod.cash || 0 };
}

async function loadDay(db, day) {
  const recs = await opsOfDay(db, day);
  return daySummary(recs, await serverPayments(db, recs.filter((r) => r.op.type === 'payment')));
}

export function DayScreen() {
  const s = useStore();
  const day = shanghaiDate();
  const [sum, setSum] = useState(null);
  useEffect(() => {
    loadDay(app.db, day).then(setSum);
  }, [day, s.outboxChanged, s.indexChanged]); // a pull may bring a clerk's void
  return html`<${Screen} title=${t('day.title')}>
    ${sum && html`
      <div class="card day-head" data-testid="day-summary">
        <div>${t('day.date', day)} · ${t('day.count', sum.taken.length)}</div>
        <div class="kv big"><span>${t('day.cash')}</span><b data-testid="cash">${money(sum.cash)}</b></div>
        <div class="kv"><span>${t('day.total')}</span><b data-testid="day-total">${money(sum.total)}</b></div>
        <div class="field-label">${t('day.by_method')}</div>
        ${METHODS.filter((m) => sum.byMethod[m]).map((m) => html`<div class="kv"><span>${t(`m.${m}`)}</span>
          <b>${money(sum.byMethod[m])}</b></div>`)}
        ${sum.leftOut > 0 && html`<div class="hint" data-testid="left-out">${t('day.left_out', sum.leftOut)}</div>`}
      </div>
      ${sum.payments.length === 0 ? html`<p class="empty">${t('day.none')}</p>` : html`<ul class="ops">
        ${sum.payments.map((r) => html`<li class=${`op ${countsAsTaken(r.shown) ? '' : 'left-out'}`}
          data-testid="day-payment" data-state=${r.shown}>
          <div class="line1"><a href=${`#/receipt/${r.op_id}`}>${r.op.data.receipt_no}</a>
          <b class="amt">${money(r.op.data.amount_fen)}</b> ${t(`m.${r.op.data.method}`)}
          <span class="right">${payStateBadge(r.shown)}</span></div>
          <div class="sub">${r.label} · ${shanghaiDateTime(r.op.at)}</div></li>`)}</ul>`}`}
  <//>`;
}
