/** Day summary for the cash hand-over (issue 4, item 10): today's receipts in Asia/Shanghai. */
import { useEffect, useState } from 'preact/hooks';
import { html, money, Screen, opStateBadge } from './common.js';
import { app, useStore } from '../store.js';
import { t } from '../i18n.js';
import { opsOfDay } from '../outbox.js';
import { shanghaiDate, shanghaiDateTime } from '../time.js';
import { METHODS } from './payment.js';

/** Totals of one day's payments; voided-by-request ones are still cash in hand until a clerk decides. */
export function daySummary(recs) {
  const payments = recs.filter((r) => r.op.type === 'payment').sort((a, b) => a.op.seq - b.op.seq);
  const byMethod = {};
  let total = 0;
  for (const r of payments) {
    byMethod[r.op.data.method] = (byMethod[r.op.data.method] || 0) + r.op.data.amount_fen;
    total += r.op.data.amount_fen;
  }
  return { payments, byMethod, total, cash: byMethod.cash || 0 };
}

export function DayScreen() {
  const s = useStore();
  const day = shanghaiDate();
  const [sum, setSum] = useState(null);
  useEffect(() => {
    opsOfDay(app.db, day).then((recs) => setSum(daySummary(recs)));
  }, [day, s.outboxChanged]);
  return html`<${Screen} title=${t('day.title')}>
    ${sum && html`
      <div class="card day-head" data-testid="day-summary">
        <div>${t('day.date', day)} · ${t('day.count', sum.payments.length)}</div>
        <div class="kv big"><span>${t('day.cash')}</span><b data-testid="cash">${money(sum.cash)}</b></div>
        <div class="kv"><span>${t('day.total')}</span><b>${money(sum.total)}</b></div>
        <div class="field-label">${t('day.by_method')}</div>
        ${METHODS.filter((m) => sum.byMethod[m]).map((m) => html`<div class="kv"><span>${t(`m.${m}`)}</span>
          <b>${money(sum.byMethod[m])}</b></div>`)}
      </div>
      ${sum.payments.length === 0 ? html`<p class="empty">${t('day.none')}</p>` : html`<ul class="ops">
        ${sum.payments.map((r) => html`<li class="op"><div class="line1"><a href=${`#/receipt/${r.op_id}`}>${r.op.data.receipt_no}</a>
          <b>${money(r.op.data.amount_fen)}</b> ${t(`m.${r.op.data.method}`)}<span class="right">${opStateBadge(r.state)}</span></div>
          <div class="sub">${r.label} · ${shanghaiDateTime(r.op.at)}</div></li>`)}</ul>`}`}
  <//>`;
}
