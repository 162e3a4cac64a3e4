/** Household card (issue 4, item 5): the server's last record with this phone's pending ops on top. */
import { useEffect, useState } from 'preact/hooks';
import { html, money, Screen, Badge, Flags, statusBadge, payStateBadge, opStateBadge, address, rejectionText,
  problemText } from './common.js';
import { app, useStore, toast } from '../store.js';
import { t, tOr } from '../i18n.js';
import { opsForHousehold } from '../outbox.js';
import { optimistic } from '../households.js';
import { shanghaiDateTime } from '../time.js';
import { record } from '../actions.js';
import { opProblem } from '../limits.js';

/** Load a household and its ops; reloads when the outbox or the cache changes. */
export function useHousehold(id) {
  const s = useStore();
  const [view, setView] = useState(undefined);
  useEffect(() => {
    let live = true;
    (async () => {
      const h = await app.db.get('households', id);
      const ops = await opsForHousehold(app.db, id);
      if (live) setView(h ? optimistic(h, ops) : null);
    })();
    return () => {
      live = false;
    };
  }, [id, s.outboxChanged, s.indexChanged]);
  return view;
}

function LocalEvent({ rec }) {
  const { op } = rec;
  const d = op.data || {};
  let text = '';
  if (op.type === 'visit') text = `${tOr(`vk.${d.kind}`, d.kind)}${d.satisfaction ? ` ★${d.satisfaction}` : ''} ${d.text || ''}`;
  else if (op.type === 'vacancy_check') {
    text = `${t(d.finding === 'vacant' ? 'vc.vacant' : 'vc.occupied')}${d.valve_sealed ? ` · ${t('vc.sealed')}` : ''}`
      + `${d.seal_no ? ` ${d.seal_no}` : ''}${(d.photo_ids || []).length ? ` · ${t('vc.photo_n', d.photo_ids.length)}` : ''}`;
  } else if (op.type === 'area_check') text = `${d.measured_area_m2} m²`;
  else if (op.type === 'contact_update') text = d.phone;
  else if (op.type === 'payment_void') text = d.reason || '';
  return html`<li><span class="when">${shanghaiDateTime(op.at)}</span> <b>${t(`ot.${op.type}`)}</b> ${text}
    ${opStateBadge(rec.state, op.type)}<${Flags} flags=${rec.result?.flags} /></li>`;
}

const RECENT_MS = 30 * 86400_000;

/**
 * This household's ops the server refused lately, with the field it named, so the collector at the door
 * records them again; older ones stay in the outbox screen only.
 */
function Rejected({ recs }) {
  recs = recs.filter((rec) => (rec.done_at || 0) > Date.now() - RECENT_MS);
  if (!recs.length) return null;
  return html`<div class="card slim" data-testid="rejected">
    <div class="field-label">${t('h.rejected')}</div>
    ${recs.map((rec) => html`<div><b>${t(`ot.${rec.op.type}`)}</b> ${shanghaiDateTime(rec.op.at)}
      <div class="error">${rejectionText(rec.result?.error)}</div></div>`)}
  </div>`;
}

export function HouseholdCard({ id }) {
  const h = useHousehold(id);
  if (h === undefined) return html`<${Screen} back="#/" title="…" />`;
  if (h === null) return html`<${Screen} back="#/" title=${t('h.notfound')}><p class="empty">${id}</p><//>`;
  const base = `#/h/${encodeURIComponent(id)}`;
  const phone = h.phone || h.phone_masked;  // dial the number, show it masked
  const shownPhone = h.phone_masked || h.phone;
  const serverVisits = h.visits || [];
  const requestVoid = async (p) => {
    const reason = (prompt(t('act.void')) || '').trim();
    if (!reason) return;
    const data = { payment_op_id: p.op_id, reason };
    const problem = opProblem('payment_void', data); // a prompt has no maxlength: check the server's 500
    if (problem) {
      toast(problemText(problem));
      return;
    }
    await record({ type: 'payment_void', household_id: h.id, data }, { label: address(h) });
  };
  return html`<${Screen} back="#/" title=${h.label}>
    <div class="card hh-head" data-testid="household-card">
      <div class="addr">${address(h)}</div>
      <div class="owner"><span>${h.owner_name}</span>
        ${phone && html`<a class="tel" href=${`tel:${phone}`}>☎ ${shownPhone}</a>`}</div>
      ${h.phone_pending && html`<div class="hint">${t('h.phone_pending', h.phone_pending)}</div>`}
      <dl class="facts">
        <dt>${t('h.area')}</dt><dd>${h.area_m2} m²</dd>
        <dt>${t('h.status')}</dt><dd>${statusBadge(h.status)} ${tOr(`cat.${h.category}`, h.category || '')}</dd>
        <dt>${t('h.dunning')}</dt><dd>${tOr(`dun.${h.dunning_stage || 'none'}`, h.dunning_stage)}</dd>
        <dt>${t('h.total_balance')}</dt><dd><b class=${h.balance_fen > 0 ? 'owe big' : 'paid big'}
          data-testid="balance">${money(h.balance_fen)}</b></dd>
      </dl>
    </div>
    <div class="actions">
      <a class="btn primary" href=${`${base}/pay`}>${t('act.pay')}</a>
      <a class="btn" href=${`${base}/vacancy`}>${t('act.vacancy')}</a>
      <a class="btn" href=${`${base}/visit`}>${t('act.visit')}</a>
      <a class="btn" href=${`${base}/area`}>${t('act.area')}</a>
      <a class="btn" href=${`${base}/phone`}>${t('act.phone')}</a>
    </div>
    <${Rejected} recs=${h.rejected} />
    <h2>${t('h.bills')}</h2>
    <table class="bills">
      <thead><tr><th>${t('h.season')}</th><th>${t('h.due')}</th><th>${t('h.paid')}</th><th>${t('h.balance')}</th></tr></thead>
      <tbody>${h.bills.map((b) => html`<tr><td>${b.season}</td><td>${money(b.due_fen)}</td><td>${money(b.paid_fen)}</td>
        <td class=${b.balance_fen > 0 ? 'owe' : ''}>${money(b.balance_fen)}</td></tr>`)}</tbody>
    </table>
    <h2>${t('h.payments')}</h2>
    ${h.payments.length === 0 ? html`<p class="empty">${t('h.nopayments')}</p>` : html`<ul class="payments">
      ${h.payments.map((p) => html`<li data-testid="payment">
        <div><b>${money(p.amount_fen)}</b> ${tOr(`m.${p.method}`, p.method)} ${payStateBadge(p.state)}
          ${p.void_pending && html`<${Badge} kind="pending">${t('h.void_pending')}<//>`}<${Flags} flags=${p.flags} /></div>
        <div class="sub">${p.receipt_no} · ${p.collected_at ? shanghaiDateTime(p.collected_at) : ''}
          ${(p.local || p.mine) && html` · <a href=${`#/receipt/${p.op_id}`}>${t('act.receipt')}</a>`}
          ${(p.local || p.mine) && ['recorded', 'sent', 'pending', 'held'].includes(p.state) && !p.void_pending
            && html` · <a class="link" onClick=${() => requestVoid(p)}>${t('act.void')}</a>`}</div>
      </li>`)}</ul>`}
    <${Complaints} list=${h.complaints || []} />
    <h2>${t('h.visits')}</h2>
    ${h.local.length + serverVisits.length === 0 ? html`<p class="empty">${t('h.novisits')}</p>` : html`<ul class="events">
      ${[...h.local].reverse().map((rec) => html`<${LocalEvent} rec=${rec} />`)}
      ${serverVisits.map((v) => html`<li><span class="when">${v.at ? shanghaiDateTime(v.at) : ''}</span>
        <b>${tOr(`ot.${v.kind}`, v.kind || '')}</b> ${v.finding ? tOr(`vk.${v.finding}`, tOr(`vc.${v.finding}`, v.finding)) : ''}
        ${v.text || ''}</li>`)}
    </ul>`}
  <//>`;
}

/** The household's complaints as the server sent them (PROTOCOL.md Pull, optional `complaints`): open ones
 * first; an open temperature complaint pauses dunning (OFFICE.md), so the collector does not press for money. */
export function Complaints({ list }) {
  if (!list.length) return null;
  const paused = list.some((c) => c.state === 'open' && c.category === 'temperature');
  return html`<h2>${t('h.complaints')}</h2>
    ${paused && html`<p class="hint" data-testid="dunning-paused">${t('h.complaint_paused')}</p>`}
    <ul class="events" data-testid="complaints">
      ${list.map((c) => html`<li data-testid="complaint"><span class="when">${c.opened_at ? shanghaiDateTime(c.opened_at) : ''}</span>
        <b>${tOr(`cc.${c.category}`, c.category || '')}</b> <${Badge} kind=${c.state === 'open' ? 'pending' : 'ok'}>${tOr(`cs.${c.state}`, c.state || '')}<//>
        ${c.text || ''}</li>`)}
    </ul>`;
}
