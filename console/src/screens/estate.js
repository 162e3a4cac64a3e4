/** 小区与楼栋 and the building grid (楼盘表, issue 12, items 5 and 7): the estate as GET /projects gives it, and
 * one building's floors × flats coloured by the season's bill, each flat opening its household. The colour
 * is never the only signal: each flat also says its state in words, and the legend counts them. */
import { html } from 'htm/preact';
import { t, label } from '../i18n.js';
import { formatFen } from '../format.js';
import { ErrorLine, Link, Select, Table, useCtx, useLoad } from '../ui/kit.js';
import { FLAT_STATES, floorCells, gridColumns, stateCounts } from '../desk.js';
import { useSeasons } from './ledgers.js';

export function useProjects() {
  const { api } = useCtx();
  return useLoad(() => api.get('/projects').then((d) => d.items || []), []);
}

export function Projects() {
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
