/** Setting the company up (issue 12, item 5): seasons, their rates and issuing their bills; the fee settings;
 * a phone's exported outbox brought in by a clerk; the scheduled jobs with their last run. Every change goes
 * through the admin API of PROTOCOL.md and OFFICE.md, which audits it. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t, label } from '../i18n.js';
import { bjTime, formatFen } from '../format.js';
import { ErrorLine, Link, Select, Table, useCtx, useLoad } from '../ui/kit.js';
import { readOutboxFile, settingFields, settingValue, statusCounts } from '../desk.js';

const CATEGORIES = ['residential', 'non_residential'];
const HEAT = ['city_network', 'gas_boiler'];
const ZONES = ['', 'core6', 'other'];

function useAction() {
  const [msg, setMsg] = useState(null);
  const run = async (fn, text) => {
    try { const r = await fn(); setMsg({ text: typeof text === 'function' ? text(r) : text }); return r; } catch (e) { setMsg({ error: e }); return null; }
  };
  const view = html`<span class="record" data-testid="action-msg">${msg?.text || ''}</span><${ErrorLine} error=${msg?.error} />`;
  return [run, view, setMsg];
}

function Rates({ season }) {
  const { api } = useCtx();
  const rates = useLoad(() => api.get(`/admin/seasons/${encodeURIComponent(season.id)}/rates`), [season.id]);
  const [form, setForm] = useState({ category: 'residential', heat_source: 'city_network', zone: '', price_yuan: '', suspension_ratio: '0.30' });
  const [run, msg] = useAction();
  const [issued, setIssued] = useState(null);
  const [sure, setSure] = useState(false);
  const save = async (e) => {
    e.preventDefault();
    if (await run(() => api.put(`/admin/seasons/${encodeURIComponent(season.id)}/rates`, { rates: [form] }), t('common.saved'))) rates.reload();
  };
  const issue = async () => {
    setSure(false);
    const r = await run(() => api.post(`/admin/seasons/${encodeURIComponent(season.id)}/bills`), (x) => t('se.issued', x.issued, formatFen(x.credit_applied_fen)));
    if (r) setIssued(r);
  };
  const columns = [
    { title: t('se.category'), cell: (r) => t('cat.' + r.category) }, { title: t('pj.heat'), cell: (r) => t('pj.heat.' + r.heat_source) },
    { title: t('se.zone'), cell: (r) => (r.zone ? t('se.zone.' + r.zone) : '—') },
    { title: t('hd.price'), num: true, cell: (r) => r.price_yuan }, { title: t('se.ratio'), num: true, cell: (r) => r.suspension_ratio },
    { title: t('se.doc'), cell: (r) => r.doc_ref || '' },
  ];
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  return html`<div class="card" data-testid="rates"><h2>${t('se.rates', season.id)}</h2>
    <${ErrorLine} error=${rates.error} />
    <${Table} columns=${columns} rows=${rates.data?.items || []} rowKey=${(r) => r.category + r.heat_source + r.zone} testid="rates-table" />
    <form class="filters" data-testid="rate-form" onSubmit=${save}>
      <${Select} label=${t('se.category')} name="category" value=${form.category} onChange=${set('category')} options=${CATEGORIES.map((c) => ({ value: c, text: t('cat.' + c) }))} />
      <${Select} label=${t('pj.heat')} name="heat_source" value=${form.heat_source} onChange=${set('heat_source')} options=${HEAT.map((c) => ({ value: c, text: t('pj.heat.' + c) }))} />
      <${Select} label=${t('se.zone')} name="zone" value=${form.zone} onChange=${set('zone')} options=${ZONES.map((c) => ({ value: c, text: c ? t('se.zone.' + c) : '—' }))} />
      <label class="field"><span>${t('hd.price')}</span><input name="price_yuan" inputmode="decimal" required value=${form.price_yuan} onInput=${(e) => set('price_yuan')(e.target.value)} /></label>
      <label class="field"><span>${t('se.ratio')}</span><input name="suspension_ratio" inputmode="decimal" value=${form.suspension_ratio} onInput=${(e) => set('suspension_ratio')(e.target.value)} /></label>
      <button type="submit">${t('se.set_rate')}</button></form>
    <div class="filters">${sure ? html`<span>${t('se.issue_sure', season.id)}</span>
        <button type="button" data-testid="issue-confirm" onClick=${issue}>${t('se.issue')}</button>
        <button type="button" class="ghost" onClick=${() => setSure(false)}>${t('common.cancel')}</button>`
      : html`<button type="button" data-testid="issue" onClick=${() => setSure(true)}>${t('se.issue')}</button>`}
      ${msg}</div>
    ${issued ? html`<p class="sub">${t('se.issued_note')}</p>` : null}
  </div>`;
}

export function Seasons() {
  const { api, route, router } = useCtx();
  const seasons = useLoad(() => api.get('/admin/seasons').then((d) => d.items || []), []);
  const [form, setForm] = useState({ id: '', starts_on: '', ends_on: '', due_on: '' });
  const [run, msg] = useAction();
  const picked = (seasons.data || []).find((s) => s.id === route.query.season);
  const create = async (e) => {
    e.preventDefault();
    const body = { ...form };
    if (!body.due_on) delete body.due_on;
    if (await run(() => api.post('/admin/seasons', body), (s) => t('se.created', s.id))) { seasons.reload(); setForm({ id: '', starts_on: '', ends_on: '', due_on: '' }); }
  };
  const toggle = async (s) => { if (await run(() => api.patch(`/admin/seasons/${encodeURIComponent(s.id)}`, { open: !s.open }), t('common.saved'))) seasons.reload(); };
  const columns = [
    { title: t('lg.season'), cell: (s) => html`<${Link} to="seasons" query=${{ season: s.id }} testid="season-link">${s.id}</${Link}>` },
    { title: t('se.starts'), cell: (s) => s.starts_on }, { title: t('se.ends'), cell: (s) => s.ends_on },
    { title: t('hd.due_on'), cell: (s) => s.due_on || '' },
    { title: t('se.open'), cell: (s) => (s.open ? html`<span class="badge ok">${t('se.is_open')}</span>` : html`<span class="badge mute">${t('se.is_closed')}</span>`) },
    { title: '', cell: (s) => html`<button type="button" class="ghost" onClick=${() => toggle(s)}>${s.open ? t('se.close') : t('se.reopen')}</button>
      <${Link} to="seasons" query=${{ season: s.id }} cls="button ghost">${t('se.rates_link')}</${Link}>` },
  ];
  const field = (k, ty = 'date') => html`<label class="field"><span>${t('se.f.' + k)}</span><input name=${k} type=${ty}
    required=${k !== 'due_on'} value=${form[k]} onInput=${(e) => setForm({ ...form, [k]: e.target.value })} /></label>`;
  return html`<section data-screen="seasons"><h1>${t('nav.seasons')}</h1>
    <${ErrorLine} error=${seasons.error} />
    <div class="block" data-testid="seasons-list" data-loaded=${seasons.loading ? null : 'yes'}>
      <${Table} columns=${columns} rows=${(seasons.data || []).slice().reverse()} testid="seasons" /></div>
    <form class="filters card" data-testid="season-form" onSubmit=${create}><h2>${t('se.new')}</h2>
      ${field('id', 'text')}${field('starts_on')}${field('ends_on')}${field('due_on')}<button type="submit">${t('us.create')}</button>${msg}</form>
    ${picked ? html`<${Rates} key=${picked.id} season=${picked} />` : route.query.season ? null
      : html`<p class="sub">${t('se.pick')}</p>`}
    <p class="sub"><${Link} to="settings">${t('nav.settings')}</${Link}></p>
  </section>`;
}

/** A setting's words, or its key for one the console has no words for yet (a group added later). */
const stLabel = (group, key) => { const k = `st.${group}.${key}`; return t(k) === k ? key : t(k); };

function SettingGroup({ group, value, onSaved }) {
  const { api } = useCtx();
  const [fields, setFields] = useState(settingFields(value));
  const [run, msg, setMsg] = useAction();
  const save = async (e) => {
    e.preventDefault();
    let v;
    try { v = settingValue(fields); } catch (err) { setMsg({ error: new Error(t('st.bad', stLabel(group, err.field))) }); return; }
    if (await run(() => api.put(`/admin/settings/${encodeURIComponent(group)}`, { value: v }), t('common.saved'))) onSaved();
  };
  const edit = (i, text) => setFields(fields.map((f, j) => (j === i ? { ...f, text } : f)));
  return html`<form class="card" data-testid=${'setting-' + group} onSubmit=${save}><h2>${t('st.' + group) === 'st.' + group ? group : t('st.' + group)}</h2>
    <div class="filters">${fields.map((f, i) => (f.type === 'bool'
      ? html`<label class="check"><input type="checkbox" name=${f.key} checked=${!!f.text} onChange=${(e) => edit(i, e.target.checked)} />${stLabel(group, f.key)}</label>`
      : html`<label class="field"><span>${stLabel(group, f.key)}</span><input name=${f.key} value=${f.text}
          onInput=${(e) => edit(i, e.target.value)} /></label>`))}
      <button type="submit">${t('common.save')}</button>${msg}</div></form>`;
}

export function Settings() {
  const { api } = useCtx();
  const settings = useLoad(() => api.get('/admin/settings'), []);
  return html`<section data-screen="settings"><h1>${t('nav.settings')}</h1><${ErrorLine} error=${settings.error} />
    <div data-testid="settings-list" data-loaded=${settings.loading ? null : 'yes'}>
    ${Object.entries(settings.data || {}).map(([g, v]) => html`<${SettingGroup} key=${g + JSON.stringify(v)} group=${g} value=${v} onSaved=${settings.reload} />`)}</div>
  </section>`;
}

export function ImportOutbox() {
  const { api } = useCtx();
  const [file, setFile] = useState(null);
  const [answer, setAnswer] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const pick = async (e) => {
    setAnswer(null); setError(null); setFile(null);
    const f = e.target.files?.[0];
    if (!f) return;
    try { setFile({ name: f.name, ...readOutboxFile(await f.text()) }); } catch (err) { setError(new Error(t('io.bad.' + (err.code || 'not_json')))); }
  };
  const send = async () => {
    setBusy(true);
    try { setAnswer(await api.post('/sync/import', { device_id: file.device_id, ops: file.ops })); } catch (e) { setError(e); }
    setBusy(false);
  };
  const counts = answer ? statusCounts(answer) : null;
  return html`<section data-screen="import"><h1>${t('nav.import')}</h1>
    <p class="sub">${t('io.what')}</p>
    <div class="card filters"><label class="field"><span>${t('io.file')}</span>
      <input type="file" name="outbox" accept=".json,application/json" data-testid="outbox-file" onChange=${pick} /></label></div>
    <${ErrorLine} error=${error} />
    ${file ? html`<div class="card" data-testid="outbox-preview"><h2>${file.name}</h2><dl class="pairs">
        <dt>${t('rj.device')}</dt><dd><code>${file.device_id}</code></dd>
        <dt>${t('io.exported')}</dt><dd>${bjTime(file.exported_at)}</dd>
        <dt>${t('io.ops')}</dt><dd>${file.ops.length}：${Object.entries(file.byType).map(([ty, n]) => `${t('ot.' + ty) === 'ot.' + ty ? ty : t('ot.' + ty)} ${n}`).join('，')}</dd></dl>
      <button type="button" data-testid="outbox-send" disabled=${busy || !!answer || !file.ops.length} onClick=${send}>${t('io.send', file.ops.length)}</button></div>` : null}
    ${counts ? html`<div class="card" data-testid="outbox-result"><h2>${t('io.result')}</h2>
      <p>${Object.entries(counts).map(([s, n]) => t('io.status.' + s, n)).join('，') || t('common.empty')}</p>
      ${(answer.results || []).some((r) => r.status === 'held' || r.status === 'rejected' || (r.flags || []).length)
        ? html`<p class="sub">${t('io.review')} <${Link} to="review">${t('nav.review')}</${Link}></p>` : null}</div>` : null}
  </section>`;
}

export function Schedule() {
  const { api } = useCtx();
  const jobs = useLoad(() => api.get('/admin/schedule'), []);
  const columns = [
    { title: t('sc.name'), cell: (j) => html`<b>${j.name}</b><div class="sub">${t('sc.job.' + j.name) === 'sc.job.' + j.name ? j.description : t('sc.job.' + j.name)}</div>` },
    { title: t('sc.next'), cell: (j) => bjTime(j.next_run_at) },
    { title: t('sc.last'), cell: (j) => (j.last_run_at ? bjTime(j.last_run_at) : t('sc.never')) },
    { title: t('sc.state'), cell: (j) => (j.last_state ? html`<span class=${'badge ' + (j.last_state === 'done' ? 'ok' : j.last_state === 'failed' ? 'bad' : '')}>${t('sc.s.' + j.last_state) === 'sc.s.' + j.last_state ? j.last_state : t('sc.s.' + j.last_state)}</span>` : '') },
    { title: t('sc.result'), cell: (j) => (j.last_result == null ? '' : html`<code class="json">${typeof j.last_result === 'string' ? j.last_result : JSON.stringify(j.last_result)}</code>`) },
  ];
  return html`<section data-screen="schedule"><h1>${t('nav.schedule')}</h1><${ErrorLine} error=${jobs.error} />
    <div data-testid="schedule-list" data-loaded=${jobs.loading ? null : 'yes'}>
      <${Table} columns=${columns} rows=${jobs.data?.items || []} rowKey=${(j) => j.name} testid="schedule" /></div></section>`;
}
