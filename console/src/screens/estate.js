/** 小区与楼栋 and the building grid (楼盘表, issue 12, items 5 and 7): the estate as GET /projects gives it, and
 * one building's floors × flats coloured by the season's bill, each flat opening its household. The colour
 * is never the only signal: each flat also says its state in words, and the legend counts them. */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { t, label } from '../i18n.js';
import { formatFen } from '../format.js';
import { ErrorLine, Link, Select, Table, useCtx, useLoad } from '../ui/kit.js';
import { FLAT_STATES, floorCells, gridColumns, stateCounts } from '../desk.js';
import { useSeasons } from './ledgers.js';

export function useProjects() {
  const { api } = useCtx();
  return useLoad(() => api.get('/projects').then((d) => d.items || []), []);
}

/** An admin's forms: a new project (小区), a new building (楼) of one; households then come by import. */
function NewEstate({ projects, onDone }) {
  const { api } = useCtx();
  const [p, setP] = useState({ name: '', collection_mode: 'self', property_company: '', heat_source: 'city_network' });
  const [b, setB] = useState({ project: '', name: '' });
  const [msg, setMsg] = useState(null);
  const run = async (e, call, text) => {
    e.preventDefault();
    try { const r = await call(); setMsg({ text: text(r) }); onDone(); } catch (err) { setMsg({ error: err }); }
  };
  const addProject = (e) => run(e, () => api.post('/admin/projects', {
    name: p.name.trim(), collection_mode: p.collection_mode, heat_source: p.heat_source,
    ...(p.collection_mode === 'property_agent' ? { property_company: p.property_company.trim() } : {}) }),
  (r) => { setP({ ...p, name: '', property_company: '' }); return t('pj.created', r.name); });
  const project = b.project || projects[0]?.id || '';
  const addBuilding = (e) => run(e, () => api.post(`/admin/projects/${project}/buildings`, { name: b.name.trim() }),
    (r) => { setB({ ...b, name: '' }); return t('pj.b_created', r.name); });
  return html`<div class="card" data-testid="new-estate">
    <form class="filters" data-testid="new-project" onSubmit=${addProject}>
      <label class="field"><span>${t('pj.new')}</span><input name="project_name" required maxlength="80" value=${p.name}
        onInput=${(e) => setP({ ...p, name: e.target.value })} /></label>
      <${Select} label=${t('pj.mode')} name="collection_mode" value=${p.collection_mode} onChange=${(v) => setP({ ...p, collection_mode: v })}
        options=${['self', 'property_agent'].map((m) => ({ value: m, text: t('pj.mode.' + m) }))} />
      ${p.collection_mode === 'property_agent' ? html`<label class="field"><span>${t('pj.company')}</span>
        <input name="property_company" required maxlength="80" value=${p.property_company}
          onInput=${(e) => setP({ ...p, property_company: e.target.value })} /></label>` : null}
      <${Select} label=${t('pj.heat')} name="heat_source" value=${p.heat_source} onChange=${(v) => setP({ ...p, heat_source: v })}
        options=${['city_network', 'gas_boiler'].map((m) => ({ value: m, text: t('pj.heat.' + m) }))} />
      <button type="submit">${t('pj.add')}</button></form>
    <form class="filters" data-testid="new-building" onSubmit=${addBuilding}>
      <${Select} label=${t('pj.name')} name="building_project" value=${String(project)} onChange=${(v) => setB({ ...b, project: v })}
        options=${projects.map((x) => ({ value: String(x.id), text: x.name }))} />
      <label class="field"><span>${t('pj.new_building')}</span><input name="building_name" required maxlength="20" value=${b.name}
        onInput=${(e) => setB({ ...b, name: e.target.value })} /></label>
      <button type="submit" class="ghost" disabled=${!project}>${t('pj.add_building')}</button></form>
    <p class="record" data-testid="estate-msg">${msg?.text || ''}</p><${ErrorLine} error=${msg?.error} />
    <p class="sub">${t('pj.then_import')}</p></div>`;
}

export function Projects() {
  const { user } = useCtx();
  const projects = useProjects();
  const rows = (projects.data || []).flatMap((p) => (p.buildings.length ? p.buildings : [null]).map((b, i) => ({ p, b, first: i === 0 })));
  const columns = [
    { title: t('pj.name'), cell: (r) => (r.first ? html`<b>${r.p.name}</b>` : '') },
    { title: t('pj.mode'), cell: (r) => (r.first ? t('pj.mode.' + r.p.collection_mode) + (r.p.property_company ? `（${r.p.property_company}）` : '') : '') },
    { title: t('pj.heat'), cell: (r) => (r.first ? t('pj.heat.' + r.p.heat_source) : '') },
    { title: t('hh.building'), cell: (r) => (r.b ? t('hh.bldg', r.b.name) : '—') },
    { title: t('pj.units'), num: true, cell: (r) => (r.b ? r.b.units : '') },
    { title: t('lg.households'), num: true, cell: (r) => (r.b ? r.b.households : '') },
    { title: '', cell: (r) => (r.b ? html`<${Link} to="grid" params=${{ id: r.b.id }} testid="grid-link">${t('pj.grid')}</${Link}>` : '') },
  ];
  return html`<section data-screen="projects"><h1>${t('nav.projects')}</h1>
    <${ErrorLine} error=${projects.error} />
    ${user?.role === 'admin' && projects.data ? html`<${NewEstate} projects=${projects.data} onDone=${projects.reload} />` : null}
    <div data-testid="projects-list" data-loaded=${projects.loading ? null : 'yes'}>
      <${Table} columns=${columns} rows=${rows} rowKey=${(r) => `${r.p.id}-${r.b?.id}`} testid="projects"
        empty=${projects.loading ? t('common.loading') : null} /></div></section>`;
}

const yuan = (fen) => formatFen(fen);

function Flat({ flat }) {
  if (!flat) return html`<td class="flat none"></td>`;
  const words = label('flat_state', flat.state);
  const owing = flat.balance_fen > 0 ? t('gr.owing', yuan(flat.balance_fen)) : flat.credit_fen > 0 ? t('gr.credit', yuan(flat.credit_fen)) : '';
  const title = [`${flat.unit ? flat.unit + '-' : ''}${flat.room}`, words, owing].filter(Boolean).join(' · ');
  return html`<td class=${'flat s-' + flat.state}>
    <${Link} to="household" params=${{ id: flat.household_id }} testid="flat">
      <span class="room" title=${title} data-state=${flat.state}>${flat.room}</span>
      <span class="state">${words}</span>${owing ? html`<span class="amt">${owing}</span>` : null}</${Link}></td>`;
}

export function Grid() {
  const { api, route, router } = useCtx();
  const seasons = useSeasons();
  const id = route.params.id;
  const season = route.query.season || '';
  const grid = useLoad(() => api.get(`/buildings/${encodeURIComponent(id)}/grid`, { season }), [id, season]);
  const g = grid.data;
  const floors = g?.floors || [];
  const columns = gridColumns(floors);
  const counts = stateCounts(floors);
  const units = [...new Set(columns.map((c) => c.unit))];
  return html`<section data-screen="grid">
    <div class="titlebar"><h1>${g ? t('gr.title', g.building.project, g.building.name) : t('nav.grid')}</h1>
      <${Link} to="projects" cls="button ghost">${t('gr.back')}</${Link}></div>
    <div class="filters">
      <${Select} label=${t('lg.season')} name="season" value=${season || g?.season || ''} onChange=${(v) => router.setQuery({ season: v })}
        options=${(seasons.data || []).map((s) => ({ value: s.id, text: s.id }))} />
      <ul class="legend" data-testid="legend" aria-label=${t('gr.legend')}>${FLAT_STATES.map((s) => html`<li class=${'s-' + s}>
        <span class="swatch" aria-hidden="true"></span>${label('flat_state', s)} <b>${counts[s] || 0}</b></li>`)}</ul>
    </div>
    <${ErrorLine} error=${grid.error} />
    <div class="grid-wrap" data-testid="grid-list" data-loaded=${grid.loading ? null : 'yes'}>
      <table class="building" data-testid="building-grid">
        <thead>${units.length > 1 ? html`<tr><th></th>${units.map((u) => html`<th colspan=${columns.filter((c) => c.unit === u).length}>
          ${t('gr.unit', u)}</th>`)}</tr>` : null}
          <tr><th>${t('gr.floor')}</th>${columns.map((c) => html`<th>${c.stack}</th>`)}</tr></thead>
        <tbody>${floors.map((f) => html`<tr><th scope="row">${t('gr.floor_n', f.floor)}</th>
          ${floorCells(f, columns).map((flat) => html`<${Flat} flat=${flat} />`)}</tr>`)}</tbody>
      </table></div>
  </section>`;
}
