/**
 * Receipt screen (issue 4, item 6; DOMAIN.md §5): the company, number, address, each season this payment went to
 * with its bill, credit, amount in figures and 大写, QR.
 */
import { useEffect, useState } from 'preact/hooks';
import { renderSVG } from 'uqr';
import { html, money, Screen, Badge, Flags, payStateBadge } from './common.js';
import { app, useStore } from '../store.js';
import { t } from '../i18n.js';
import { daxie } from '../money.js';
import { checkCode, verifyUrl, receiptLines, companyName } from '../receipt.js';
import { paymentState } from '../households.js';
import { opsForHousehold } from '../outbox.js';
import { shanghaiDateTime } from '../time.js';

/**
 * The payment as the phone took it (outbox), and its state now: the server's record from the last pull
 * decides (a clerk may have voided it since), and a void request of this phone still waiting is shown too.
 */
async function loadReceipt(opId) {
  const rec = await app.db.get('outbox', opId);
  if (!rec) return null;
  let { check } = rec;
  if (!check) {
    const session = await app.db.get('meta', 'session');
    const d = rec.op.data;
    check = await checkCode(session.device_secret, d.receipt_no, rec.op.household_id, d.amount_fen, d.season);
  }
  const household = await app.db.get('households', rec.op.household_id);
  const server = (household?.payments || []).find((p) => p.op_id === opId) || null;
  const voidWaiting = (await opsForHousehold(app.db, rec.op.household_id)).some((o) => o.pending_seq !== undefined
    && o.op.type === 'payment_void' && o.op.data.payment_op_id === opId);
  return { rec, check, state: paymentState(rec, server), flags: server ? server.flags : rec.result?.flags,
    voidWaiting, split: receiptLines(rec, household), company: companyName(await app.db.get('meta', 'company')) };
}

export function ReceiptScreen({ opId }) {
  const s = useStore();
  const [r, setR] = useState(undefined);
  useEffect(() => {
    loadReceipt(opId).then(setR);
  }, [opId, s.outboxChanged, s.indexChanged]);
  if (!r) return html`<${Screen} back="#/" title=${t('r.screen')} />`;
  const { rec, check, state, split, company } = r;
  const d = rec.op.data;
  const url = verifyUrl(location.origin, d.receipt_no, check);
  const estimated = split.source === 'preview';
  const share = async () => {
    const text = `${company} ${t('r.title')} ${d.receipt_no} ${money(d.amount_fen)} ${url}`;
    if (navigator.share) {
      try {
        await navigator.share({ title: t('r.title'), text, url });
      } catch { /* cancelled */ }
    } else {
      await navigator.clipboard?.writeText(text);
    }
  };
  const back = `#/h/${encodeURIComponent(rec.op.household_id)}`;
  // the bar names the screen; the receipt itself carries the one title, under the company's name
  return html`<${Screen} back=${back} title=${t('r.screen')}>
    <article class=${`receipt ${state}`} data-testid="receipt" data-state=${state}>
      ${state === 'voided' && html`<div class="void-stamp" aria-hidden="true">${t('r.void_stamp')}</div>`}
      <header>
        <h2 data-testid="receipt-company">${company}</h2>
        <h3>${t('r.title')}</h3>
        <div class="no">${t('r.no')} <b data-testid="receipt-no">${d.receipt_no}</b></div>
        ${d.paper_receipt_no && html`<div class="no paper" data-testid="paper-receipt-no">${t('r.paper', d.paper_receipt_no)}</div>`}
      </header>
      <dl>
        <dt>${t('r.address')}</dt><dd>${rec.label || rec.op.household_id}</dd>
        ${(d.payer || rec.owner_name) && html`<dt>${t('r.payer')}</dt><dd>${d.payer || rec.owner_name}</dd>`}
        ${!split.source && html`<dt>${t('r.season')}</dt><dd>${d.season || '—'}</dd>`}
      </dl>
      ${split.source && html`<${SeasonLines} split=${split} estimated=${estimated} />`}
      <dl>
        <dt>${t('r.amount')}</dt><dd class="amount" data-testid="receipt-amount">${money(d.amount_fen)}</dd>
        <dt>${t('r.daxie')}</dt><dd class="daxie" data-testid="daxie">${t('r.rmb')}${daxie(d.amount_fen)}</dd>
        <dt>${t('r.method')}</dt><dd>${t(`m.${d.method}`)}</dd>
        <dt>${t('r.time')}</dt><dd>${shanghaiDateTime(rec.op.at)}</dd>
        <dt>${t('r.collector')}</dt><dd>${rec.collector} (${rec.device_code})</dd>
        <dt>${t('r.state')}</dt><dd data-testid="receipt-state">${payStateBadge(state)}
          ${r.voidWaiting && html`<${Badge} kind="pending">${t('h.void_pending')}<//>`}<${Flags} flags=${r.flags} /></dd>
      </dl>
      ${estimated && html`<p class="est-note" data-testid="receipt-est-note">${t('r.est_note')}</p>`}
      <figure class="qr">
        <div dangerouslySetInnerHTML=${{ __html: renderSVG(url, { border: 1 }) }} />
        <figcaption>${t('r.scan')}<br /><a href=${url} data-testid="verify-link" target="_blank" rel="noopener">${url.replace(/^https?:\/\//, '')}</a></figcaption>
      </figure>
    </article>
    <div class="actions noprint">
      <button class="btn" type="button" onClick=${() => window.print()}>${t('r.print')}</button>
      <button class="btn" type="button" onClick=${share}>${t('r.share')}</button>
      <a class="btn primary" href=${back}>${t('r.done')}</a>
    </div>
  <//>`;
}

/**
 * Where this payment went, season by season: the season's bill (the household's area and the bill's amount; the
 * pull carries no price per m²), the amount of this payment on it, and any credit (预存) left. Marked 预计 while
 * the split is the phone's own preview, not the server's result.
 */
function SeasonLines({ split, estimated }) {
  return html`<table class=${`alloc${estimated ? ' est' : ''}`} data-testid="receipt-seasons"
      data-source=${split.source}>
    <thead><tr><th>${t('r.lines_season')}</th>
      <th class="num">${t('r.lines_amount')}${estimated && html`<span class="est-mark" data-testid="receipt-est">${t('r.est')}</span>`}</th></tr></thead>
    <tbody>
      ${split.lines.map((l) => html`<tr data-testid="receipt-season" data-season=${l.season}>
        <td><span class="season">${t('r.season_n', l.season)}</span>
          ${(l.area_m2 || l.due_fen !== null) && html`<span class="basis">${[
            l.area_m2 && t('r.area', l.area_m2), l.due_fen !== null && t('r.due', money(l.due_fen)),
          ].filter(Boolean).join('，')}</span>`}</td>
        <td class="num" data-testid="receipt-season-amount">${money(l.amount_fen)}</td>
      </tr>`)}
      ${split.credit_fen > 0 && html`<tr data-testid="receipt-credit"><td>${t('r.credit')}</td>
        <td class="num">${money(split.credit_fen)}</td></tr>`}
    </tbody>
  </table>`;
}
