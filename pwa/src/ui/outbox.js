/** Outbox screen (issue 4, item 8): each op with its state, flags and error; rejected ones stay visible. */
import { useEffect, useState } from 'preact/hooks';
import { html, money, Screen, Flags, opStateBadge, rejectionText, syncErrorText } from './common.js';
import { app, useStore, toast } from '../store.js';
import { t } from '../i18n.js';
import { recentOps } from '../outbox.js';
import { shanghaiDateTime, age } from '../time.js';
import { syncNow, downloadExport } from '../actions.js';

function OpRow({ rec }) {
  const { op } = rec;
  const d = op.data || {};
  const err = rec.result?.error;
  return html`<li class=${`op ${rec.state}`} data-testid="op" data-state=${rec.state}>
    <div class="line1"><b>${t(`ot.${op.type}`)}</b>
      ${op.type === 'payment' && html` <span>${money(d.amount_fen)}</span> <a href=${`#/receipt/${op.op_id}`}>${d.receipt_no}</a>`}
      <span class="right">${opStateBadge(rec.state, op.type)}</span></div>
    <div class="sub">#${op.seq} · ${rec.label || op.household_id} · ${shanghaiDateTime(op.at)}</div>
    <${Flags} flags=${rec.result?.flags} />
    ${err && html`<div class="error" data-testid="op-error">${rejectionText(err)}</div>`}
    ${rec.pending_seq !== undefined && rec.attempts > 0
      && html`<div class="hint">${t('ob.attempts', rec.attempts, syncErrorText(rec.last_error))}</div>`}
  </li>`;
}

export function OutboxScreen() {
  const s = useStore();
  const [ops, setOps] = useState(null);
  useEffect(() => {
    recentOps(app.db, 200).then(setOps);
  }, [s.outboxChanged]);
  const exportIt = async () => {
    const n = await downloadExport();
    toast(`${t('ob.export')}: ${n}`);
  };
  return html`<${Screen} title=${t('ob.title')}>
    <div class="card slim outbox-head">
      <div>${s.outbox.count ? html`<b data-testid="outbox-count">${t('sync.waiting', s.outbox.count)}</b>
        · ${t('sync.oldest', age(Date.now() - s.outbox.oldest_at, t))}` : html`<b data-testid="outbox-count">${t('sync.none')}</b>`}</div>
      <div>${s.lastSyncAt ? t('sync.last', age(Date.now() - s.lastSyncAt, t)) : t('sync.never')}
        ${s.syncError && html`<span class="error" data-testid="sync-error"> · ${t('sync.error', syncErrorText(s.syncError))}</span>`}</div>
      <div class="actions">
        <button class="btn primary" type="button" onClick=${syncNow} disabled=${s.syncing || !s.online}
          data-testid="sync-now">${s.syncing ? t('sync.running') : t('sync.now')}</button>
        <button class="btn" type="button" onClick=${exportIt} disabled=${!s.outbox.count}
          data-testid="export">${t('ob.export')}</button>
      </div>
    </div>
    ${ops && html`
      <h2>${t('ob.waiting')} (${ops.pending.length})</h2>
      ${ops.pending.length ? html`<ul class="ops">${ops.pending.map((r) => html`<${OpRow} rec=${r} />`)}</ul>`
        : html`<p class="empty">${t('ob.empty')}</p>`}
      ${ops.done.length > 0 && html`<h2>${t('ob.done')}</h2>
        <ul class="ops">${ops.done.map((r) => html`<${OpRow} rec=${r} />`)}</ul>`}`}
  <//>`;
}
