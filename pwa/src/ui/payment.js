/** Record a payment (issue 4, item 6): amount (default the balance), method, season or oldest first. */
import { useState } from 'preact/hooks';
import { html, money, Screen, Field, Segmented, address } from './common.js';
import { useHousehold } from './household.js';
import { t } from '../i18n.js';
import { allocate, parseYuan, fenToInput, totalBalance } from '../money.js';
import { record } from '../actions.js';
import { go, state } from '../store.js';
import { maxLen } from '../limits.js';

export const METHODS = ['cash', 'wechat', 'alipay', 'bank_card', 'transfer'];
const MAX_FEN = 100_000_000;

export function PaymentForm({ id }) {
  const h = useHousehold(id);
  if (!h) return html`<${Screen} back=${`#/h/${encodeURIComponent(id)}`} title=${t('pay.title')} />`;
  return html`<${PaymentFormBody} h=${h} />`;
}

function PaymentFormBody({ h }) {
  const [season, setSeason] = useState('');
  const balanceFor = (s) => (s ? Math.max(0, h.bills.find((b) => b.season === s)?.balance_fen || 0) : totalBalance(h.bills));
  const [amount, setAmount] = useState(() => fenToInput(balanceFor('')));
  const [method, setMethod] = useState('cash');
  const [paper, setPaper] = useState('');
  const [payer, setPayer] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const fen = parseYuan(amount);
  const error = amount && fen === null ? t('pay.bad_amount') : fen > MAX_FEN ? t('pay.too_much') : null;
  const preview = fen ? allocate(h.bills, fen, season || null) : null;
  const pickSeason = (s) => {
    setSeason(s);
    setAmount(fenToInput(balanceFor(s)));
  };
  const submit = async (e) => {
    e.preventDefault();
    if (!fen || error || busy) return;
    setBusy(true);
    const data = { amount_fen: fen, method };
    if (season) data.season = season;
    if (paper.trim()) data.paper_receipt_no = paper.trim().slice(0, 40); // the server's limit, as payer and note
    if (payer.trim()) data.payer = payer.trim().slice(0, 50);
    if (note.trim()) data.note = note.trim().slice(0, 200);
    const rec = await record({ type: 'payment', household_id: h.id, data },
      { label: address(h), owner_name: h.owner_name, preview: preview.allocations, credit_fen: preview.credit_fen });
    go(`#/receipt/${rec.op_id}`);
  };
  const back = `#/h/${encodeURIComponent(h.id)}`;
  return html`<${Screen} back=${back} title=${t('pay.title')}>
    <form class="form" onSubmit=${submit} data-testid="payment-form">
      <div class="card slim"><b>${address(h)}</b> · ${h.owner_name}<br />
        ${t('h.total_balance')} <b class="owe">${money(totalBalance(h.bills))}</b></div>
      <${Field} label=${t('pay.season')}>
        <select value=${season} onChange=${(e) => pickSeason(e.currentTarget.value)} data-testid="season">
          <option value="">${t('pay.oldest')}</option>
          ${h.bills.map((b) => html`<option value=${b.season}>${b.season}（${t('h.balance')} ${money(b.balance_fen)}）</option>`)}
        </select>
      <//>
      <${Field} label=${t('pay.amount')} error=${error}>
        <input class="amount" inputmode="decimal" value=${amount} data-testid="amount"
          onInput=${(e) => setAmount(e.currentTarget.value)} />
      <//>
      <${Field} label=${t('pay.method')}>
        <${Segmented} name=${t('pay.method')} value=${method} onChange=${setMethod}
          options=${METHODS.map((m) => [m, t(`m.${m}`)])} />
      <//>
      ${preview && html`<div class="preview" data-testid="preview"><div class="field-label">${t('pay.preview')}</div>
        ${preview.allocations.map((a) => html`<div class="kv"><span>${a.season}</span><b>${money(a.amount_fen)}</b></div>`)}
        ${preview.credit_fen > 0 && html`<div class="kv"><span>${t('pay.credit')}</span><b>${money(preview.credit_fen)}</b></div>`}
      </div>`}
      <${Field} label=${t('pay.paper')}><input maxlength=${maxLen('payment', 'paper_receipt_no')} value=${paper}
        data-testid="paper" onInput=${(e) => setPaper(e.currentTarget.value)} /><//>
      <${Field} label=${t('pay.payer')}><input maxlength=${maxLen('payment', 'payer')} value=${payer}
        onInput=${(e) => setPayer(e.currentTarget.value)} /><//>
      <${Field} label=${t('pay.note')}><input maxlength=${maxLen('payment', 'note')} value=${note}
        onInput=${(e) => setNote(e.currentTarget.value)} /><//>
      <button class="btn primary block" type="submit" disabled=${!fen || !!error || busy || !state.session}
        data-testid="confirm-payment">${t('pay.confirm', fen ? money(fen) : '')}</button>
    </form>
  <//>`;
}
