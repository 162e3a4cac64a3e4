/** 住户: search by name, pinyin initials, room, number or phone tail (OFFICE.md, Estate and households), one
 * household's whole file, and its change history from the audit log. */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { t, label, codes } from '../i18n.js';
import { bjTime } from '../format.js';
import { Badge, ErrorLine, Link, Money, PagedTable, Select, Table, useCtx, useLoad, useWho } from '../ui/kit.js';
import { AreaForm, Suspensions, adjustmentKind } from './household_life.js';

/** Projects and their buildings for the filters and the documents form (GET /admin/buildings). */
export function useEstate() {
  const { api } = useCtx();
  return useLoad(() => api.get('/admin/buildings').then((d) => d.items || []), []);
}

export function Households() {
  const { route, router } = useCtx();
  const who = useWho();
  const estate = useEstate();
  const q = route.query;
  const [text, setText] = useState(q.q || '');
  useEffect(() => setText(q.q || ''), [q.q]);
  const buildings = (estate.data || []).find((p) => p.project === q.project)?.buildings || [];
  const params = { q: q.q, project: q.project, building: q.building, status: q.status, in_arrears: q.in_arrears };
  const columns = [
    { title: t('hh.number'), cell: (h) => h.number },
    { title: t('hh.project'), cell: (h) => h.project },
    { title: t('hh.room'), cell: (h) => html`<${Link} to="household" params=${{ id: h.id }} testid="household-link">${h.label}</${Link}>` },
    { title: t('hh.owner'), cell: (h) => h.owner_name },
    { title: t('hh.phone'), cell: (h) => h.phone_masked },
    { title: t('hh.area'), num: true, cell: (h) => h.area_m2 },
    { title: t('hh.status'), cell: (h) => html`<${Badge} kind="household_status" code=${h.status} />` },
    { title: t('hh.balance'), num: true, cell: (h) => html`<${Money} fen=${h.balance_fen} />` },
    { title: t('hh.dunning'), cell: (h) => (h.dunning_stage && h.dunning_stage !== 'none' ? label('dunning_stage', h.dunning_stage) : '') },
    { title: t('hh.collector'), cell: (h) => who(h.collector, h.collector_name) },
  ];
  return html`<section data-screen="households"><h1>${t('nav.households')}</h1>
    <form class="filters" onSubmit=${(e) => { e.preventDefault(); router.setQuery({ q: text.trim() }); }}>
      <label class="field wide"><span>${t('common.search')}</span>
        <input name="q" type="search" value=${text} placeholder=${t('hh.q')} onInput=${(e) => setText(e.target.value)} /></label>
      <${Select} label=${t('hh.project')} name="project" all value=${q.project}
        onChange=${(v) => router.setQuery({ project: v, building: '' })}
        options=${(estate.data || []).map((p) => ({ value: p.project, text: p.project }))} />
      <${Select} label=${t('hh.building')} name="building" all value=${q.building} onChange=${(v) => router.setQuery({ building: v })}
        options=${buildings.map((b) => ({ value: b, text: t('hh.bldg', b) }))} />
      <${Select} label=${t('hh.status')} name="status" all value=${q.status} onChange=${(v) => router.setQuery({ status: v })}
        options=${codes('household_status').map((c) => ({ value: c, text: label('household_status', c) }))} />
      <label class="check"><input type="checkbox" name="in_arrears" checked=${q.in_arrears === '1'}
        onChange=${(e) => router.setQuery({ in_arrears: e.target.checked ? '1' : '' })} />${t('hh.arrears')}</label>
      <button type="submit">${t('common.search')}</button>
    </form>
    <${PagedTable} path="/households" params=${params} columns=${columns} testid="households" />
  </section>`;
}

/** A photo by its hash, fetched with the token and shown from a blob: URL (CSP img-src allows blob:). */
function Photo({ sha }) {
  const { api } = useCtx();
  const [src, setSrc] = useState(null);
  useEffect(() => {
    let url = null;
    let live = true;
    api.blobUrl(`/attachments/${encodeURIComponent(sha)}`).then((u) => { url = u; if (live) setSrc(u); }, () => {});
    return () => { live = false; if (url) URL.revokeObjectURL(url); };
  }, [sha]);
  return src ? html`<a class="photo" href=${src} target="_blank" rel="noopener"><img src=${src} alt=${sha.slice(0, 12)} /></a>`
    : html`<span class="photo pending">${sha.slice(0, 8)}…</span>`;
}

const photosOf = (r) => [...(r.photo_ids || []), ...(r.photos || []), ...(r.data?.photo_ids || [])].filter((x) => typeof x === 'string');

/** A record's data as "key: value" lines, without its photos (shown as pictures). */
function DataLines({ data }) {
  if (!data || typeof data !== 'object') return data == null ? null : String(data);
  return Object.entries(data).filter(([k]) => k !== 'photo_ids').map(([k, v]) => html`<div class="detail">${k}：${typeof v === 'object' ? JSON.stringify(v) : String(v)}</div>`);
}

function Section({ title, rows, columns, testid }) {
  return html`<div class="card" data-testid=${testid}><h2>${title} <small>${rows?.length || 0}</small></h2>
    <${Table} columns=${columns} rows=${rows || []} /></div>`;
}

export function Household() {
  const { api, route } = useCtx();
  const who = useWho();
  const id = route.params.id;
  const { data: h, error, loading, reload } = useLoad(() => api.get(`/households/${encodeURIComponent(id)}`), [id]);
  if (error) return html`<section><${ErrorLine} error=${error} /></section>`;
  if (!h) return html`<section><p>${t('common.loading')}</p></section>`;
  return html`<section data-screen="household" data-household=${h.id} data-loaded=${loading ? null : 'yes'}>
    <div class="titlebar"><h1>${h.project} ${h.label} · <span data-testid="owner-name">${h.owner_name}</span></h1>
      <${Link} to="household_audit" params=${{ id: h.id }} cls="button ghost">${t('hd.audit')}</${Link}></div>
    <dl class="facts">
      <div><dt>${t('hh.number')}</dt><dd>${h.number}</dd></div>
      <div><dt>${t('hh.phone')}</dt><dd>${h.phone_masked}</dd></div>
      <div><dt>${t('hh.area')}</dt><dd>${h.area_m2}${h.area_source ? `（${t('src.' + h.area_source)}）` : ''}</dd></div>
      <div><dt>${t('hd.category')}</dt><dd>${h.category ? t('cat.' + h.category) : ''}</dd></div>
      <div><dt>${t('hh.status')}</dt><dd><${Badge} kind="household_status" code=${h.status} /></dd></div>
      <div><dt>${t('hh.dunning')}</dt><dd>${label('dunning_stage', h.dunning_stage)}</dd></div>
      <div><dt>${t('hh.collector')}</dt><dd>${who(h.collector, h.collector_name)}</dd></div>
      <div><dt>${t('hh.balance')}</dt><dd><${Money} fen=${h.balance_fen} /></dd></div>
    </dl>
    <div class="cards">
      <${Section} title=${t('hd.owners')} rows=${h.owners} columns=${[
        { title: t('hd.name'), cell: (o) => o.name }, { title: t('hh.phone'), cell: (o) => o.phone_masked }]} />
      <${Section} title=${t('hd.payers')} rows=${h.payers} columns=${[
        { title: t('hh.number'), cell: (p) => p.number }, { title: t('hd.name'), cell: (p) => p.name },
        { title: t('hd.valid'), cell: (p) => `${p.valid_from || ''} – ${p.valid_to || ''}` }]} />
    </div>
    <${Section} title=${t('hd.bills')} testid="bills" rows=${h.bills} columns=${[
      { title: t('hd.season'), cell: (b) => b.season }, { title: t('hh.area'), num: true, cell: (b) => b.area_m2 },
      { title: t('hd.price'), num: true, cell: (b) => b.price_yuan }, { title: t('hd.ratio'), num: true, cell: (b) => b.ratio },
      { title: t('hd.due'), num: true, cell: (b) => html`<${Money} fen=${b.due_fen} />` },
      { title: t('hd.paid'), num: true, cell: (b) => html`<${Money} fen=${b.paid_fen} />` },
      { title: t('hh.balance'), num: true, cell: (b) => html`<${Money} fen=${b.balance_fen} />` },
      { title: t('hd.due_on'), cell: (b) => b.due_on }]} />
    <${Section} title=${t('hd.payments')} testid="payments" rows=${h.payments} columns=${[
      { title: t('hd.receipt'), cell: (p) => p.receipt_no }, { title: t('hd.season'), cell: (p) => p.season },
      { title: t('hd.amount'), num: true, cell: (p) => html`<${Money} fen=${p.amount_fen} />` },
      { title: t('hd.method'), cell: (p) => label('method', p.method) },
      { title: t('hd.state'), cell: (p) => html`<${Badge} kind="payment_state" code=${p.state} />` },
      { title: t('hd.flags'), cell: (p) => (p.flags || []).map((f) => html`<${Badge} kind="flag" code=${f} /> `) },
      { title: t('hh.collector'), cell: (p) => who(p.collector, p.collector_name) },
      { title: t('hd.collected'), cell: (p) => bjTime(p.collected_at) }]} />
    <${Section} title=${t('hd.debts')} testid="debts" rows=${h.debts} columns=${[
      { title: t('hd.season'), cell: (d) => d.season },
      { title: t('hh.balance'), num: true, cell: (d) => html`<${Money} fen=${d.balance_fen} />` },
      { title: t('hd.due_on'), cell: (d) => d.due_on }, { title: t('hd.limitation'), cell: (d) => d.limitation_date },
      { title: t('hd.last_demand'), cell: (d) => d.last_demand?.delivered_on || '' },
      { title: t('hh.dunning'), cell: (d) => label('dunning_stage', d.stage) }]} />
    <${Section} title=${t('hd.adjustments')} testid="adjustments" rows=${h.adjustments} columns=${[
      { title: t('hd.created'), cell: (a) => bjTime(a.created_at || a.at) }, { title: t('hd.season'), cell: (a) => a.season },
      { title: t('hd.kind'), cell: (a) => adjustmentKind(a.kind) },
      { title: t('ar.before'), num: true, cell: (a) => html`<${Money} fen=${a.before_fen} />` },
      { title: t('ar.after'), num: true, cell: (a) => html`<${Money} fen=${a.after_fen} />` },
      { title: t('hd.by'), cell: (a) => who(a.approved_by) }, { title: t('hd.reason'), cell: (a) => a.reason }]} />
    <${Suspensions} h=${h} onDone=${reload} />
    <${AreaForm} h=${h} onDone=${reload} />
    <${Section} title=${t('hd.field')} testid="field-records" rows=${h.field_records} columns=${[
      { title: t('hd.at'), cell: (r) => bjTime(r.at || r.recorded_at || r.created_at) },
      { title: t('hd.kind'), cell: (r) => t('ot.' + r.type) === 'ot.' + r.type ? (r.type || r.kind) : t('ot.' + r.type) },
      { title: t('hd.by'), cell: (r) => who(r.collector, r.collector_name) },
      { title: t('hd.data'), cell: (r) => html`<${DataLines} data=${r.data ?? r.details} />` },
      { title: t('hd.photos'), cell: (r) => html`<div class="photos">${photosOf(r).map((s) => html`<${Photo} key=${s} sha=${s} />`)}</div>` }]} />
    <div class="cards">
      <${Section} title=${t('hd.complaints')} rows=${h.complaints} columns=${[
        { title: t('hd.created'), cell: (c) => bjTime(c.created_at) }, { title: t('hd.kind'), cell: (c) => c.category },
        { title: t('hd.text'), cell: (c) => c.text }, { title: t('hd.state'), cell: (c) => c.state }]} />
    </div>
    <${Section} title=${t('hd.documents')} rows=${h.documents} columns=${[
      { title: t('hd.number'), cell: (d) => d.number }, { title: t('hd.kind'), cell: (d) => d.kind },
      { title: t('hd.state'), cell: (d) => d.state }, { title: t('hd.created'), cell: (d) => bjTime(d.created_at) },
      { title: t('hd.delivered'), cell: (d) => d.delivered_on || '' }]} />
  </section>`;
}

const show = (v) => (v == null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export const auditColumns = (who) => [
  { title: t('au.at'), cell: (a) => bjTime(a.at) },
  { title: t('au.user'), cell: (a) => who(a.user, a.user_name) },
  { title: t('au.action'), cell: (a) => a.action },
  { title: t('au.entity'), cell: (a) => `${a.entity || ''} ${a.entity_id || ''}` },
  { title: t('au.before'), cell: (a) => html`<code class="json">${show(a.before)}</code>` },
  { title: t('au.after'), cell: (a) => html`<code class="json">${show(a.after)}</code>` },
  { title: t('au.reason'), cell: (a) => a.reason || '' },
];

export function HouseholdAudit() {
  const { route } = useCtx();
  const who = useWho();
  const id = route.params.id;
  return html`<section data-screen="household_audit"><div class="titlebar"><h1>${t('hd.audit')}</h1>
    <${Link} to="household" params=${{ id }} cls="button ghost">${t('common.back')}</${Link}></div>
    <${PagedTable} path="/audit" params=${{ household_id: id }} columns=${auditColumns(who)} testid="audit" /></section>`;
}
