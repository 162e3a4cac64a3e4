/** 催缴: the document register (every notice and letter made, its file, signing, deliveries) and the queue of
 * debts nearing their limitation date (OFFICE.md "Dunning and documents"; issue 15, items 2 and 3). */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t, label } from '../i18n.js';
import { bjTime } from '../format.js';
import { Badge, Download, ErrorLine, Link, Money, PagedTable, Select, useCtx } from '../ui/kit.js';

const METHODS = ['in_person', 'left_at_door', 'post', 'posted_on_door'];

/** Today in Asia/Shanghai as YYYY-MM-DD (a delivery is dated by the company's calendar). */
export function shanghaiToday(now = new Date()) {
  return new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

function DeliveryForm({ doc, onDone }) {
  const { api } = useCtx();
  const [form, setForm] = useState({ method: 'in_person', date: shanghaiToday(), recipient: '', refused: false, proof: '' });
  const [error, setError] = useState(null);
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    const body = { method: form.method, date: form.date, refused: form.refused };
    if (form.recipient.trim()) body.recipient = form.recipient.trim();
    if (form.proof.trim()) body.proof = form.proof.trim().toLowerCase();
    try { await api.post(`/documents/${doc.id}/delivery`, body); setError(null); onDone(); } catch (err) { setError(err); }
  };
  return html`<form class="delivery" data-testid=${'deliver-' + doc.id} onSubmit=${submit}>
    <select aria-label=${t('dn.method')} value=${form.method} onChange=${set('method')}>
      ${METHODS.map((m) => html`<option value=${m}>${label('delivery_method', m)}</option>`)}</select>
    <input type="date" aria-label=${t('dn.date')} value=${form.date} max=${shanghaiToday()} onInput=${set('date')} required />
    <input aria-label=${t('dn.recipient')} placeholder=${t('dn.recipient')} maxlength="50" value=${form.recipient} onInput=${set('recipient')} />
    <input aria-label=${t('dn.proof')} placeholder=${t('dn.proof')} pattern="[0-9a-fA-F]{64}" value=${form.proof} onInput=${set('proof')} />
    <label class="check"><input type="checkbox" checked=${form.refused} onChange=${set('refused')} />${t('dn.refused')}</label>
    <button type="submit" class="ghost">${t('dn.record')}</button><${ErrorLine} error=${error} /></form>`;
}

function Actions({ doc, onDone }) {
  const { api } = useCtx();
  const [error, setError] = useState(null);
  const [open, setOpen] = useState(false);
  const sign = async () => {
    try { await api.post(`/documents/${doc.id}/sign`, {}); onDone(); } catch (e) { setError(e); }
  };
  return html`<div class="doc-actions">
    <${Download} path=${`/documents/${doc.id}/file`} name=${`${doc.number || doc.id}.pdf`} testid=${'file-' + doc.id}>${t('dn.file')}</${Download}>
    ${doc.state === 'draft' ? html`<button type="button" class="ghost" data-testid=${'sign-' + doc.id} onClick=${sign}>${t('dn.sign')}</button>`
      : html`<button type="button" class="ghost" aria-expanded=${open} data-testid=${'open-delivery-' + doc.id}
          onClick=${() => setOpen(!open)}>${t('dn.record')}…</button>`}
    ${open && doc.state !== 'draft' ? html`<${DeliveryForm} doc=${doc} onDone=${() => { setOpen(false); onDone(); }} />` : null}
    <${ErrorLine} error=${error} /></div>`;
}

export function Register() {
  const { route, router } = useCtx();
  const [tick, setTick] = useState(0);
  const q = route.query;
  const params = { kind: q.kind, state: q.state, household_id: q.household };
  const columns = [
    { title: t('dn.number'), cell: (d) => d.number || '—' },
    { title: t('dn.kind'), cell: (d) => label('document_kind', d.kind) },
    { title: t('dn.household'), cell: (d) => html`<${Link} to="household" params=${{ id: d.household_id }}>${d.household_label || d.household_id}</${Link}>` },
    { title: t('dn.season'), cell: (d) => d.season },
    { title: t('dn.made'), cell: (d) => bjTime(d.created_at) },
    { title: t('dn.state'), cell: (d) => html`<${Badge} kind="document_state" code=${d.state} />` },
    { title: t('dn.delivered_on'), cell: (d) => d.delivered_on || '' },
    { title: t('dn.sha'), cell: (d) => html`<code title=${d.sha256 || ''}>${(d.sha256 || '').slice(0, 12)}</code>` },
    { title: '', cell: (d) => html`<${Actions} doc=${d} onDone=${() => setTick((x) => x + 1)} />` },
  ];
  return html`<section data-screen="register"><h1>${t('nav.register')}</h1>
    <p class="sub">${t('dn.what')}</p>
    <div class="filters">
      <${Select} label=${t('dn.kind')} name="kind" value=${q.kind} all onChange=${(v) => router.setQuery({ kind: v })}
        options=${['notice', 'lawyer_letter'].map((k) => ({ value: k, text: label('document_kind', k) }))} />
      <${Select} label=${t('dn.state')} name="state" value=${q.state} all onChange=${(v) => router.setQuery({ state: v })}
        options=${['draft', 'signed', 'issued', 'delivered', 'refused'].map((k) => ({ value: k, text: label('document_state', k) }))} />
    </div>
    <${PagedTable} path="/documents" params=${params} columns=${columns} testid="register" reloadKey=${tick} /></section>`;
}

export function DunningQueue() {
  const { route, router } = useCtx();
  const within = route.query.within || '90';
  const columns = [
    { title: t('dn.household'), cell: (d) => html`<${Link} to="household" params=${{ id: d.household_id }}>${d.project} ${d.label}</${Link}>` },
    { title: t('dn.owner'), cell: (d) => d.owner_name },
    { title: t('dn.season'), cell: (d) => d.season },
    { title: t('dn.balance'), num: true, cell: (d) => html`<${Money} fen=${d.balance_fen} />` },
    { title: t('dn.due_on'), cell: (d) => d.due_on },
    { title: t('dn.limitation'), cell: (d) => html`<b>${d.limitation_date}</b>` },
    { title: t('dn.days_left'), num: true, cell: (d) => html`<span class=${d.days_left <= 30 ? 'badge bad' : 'badge warn'}>${t('dn.days', d.days_left)}</span>` },
    { title: t('dn.last_demand'), cell: (d) => (d.last_demand ? d.last_demand.delivered_on : t('dn.none')) },
    { title: t('dn.stage'), cell: (d) => html`<${Badge} kind="dunning_stage" code=${d.stage} />` },
  ];
  return html`<section data-screen="dunning"><h1>${t('nav.dunning')}</h1>
    <p class="sub">${t('dn.queue_what')}</p>
    <div class="filters">
      <${Select} label=${t('dn.within')} name="within" value=${within} onChange=${(v) => router.setQuery({ within: v })}
        options=${['30', '90', '180', '365'].map((d) => ({ value: d, text: t('dn.days', d) }))} />
    </div>
    <${PagedTable} path="/dunning/queue" params=${{ within_days: within }} columns=${columns} testid="dunning"
      rowKey=${(d) => d.household_id + d.season} empty=${t('dn.queue_empty')} /></section>`;
}
