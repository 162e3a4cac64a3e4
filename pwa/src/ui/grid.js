/**
 * 楼盘表 (issue 12, item 7): one building's floors × flats, each flat in its state this season, drawn offline
 * from the cached households and this phone's waiting ops (src/grid.js, the server's rules). Each state is
 * told by its word and a sign as well as its colour, and listed with its count in the legend.
 */
import { useEffect, useState } from 'preact/hooks';
import { html, money, Screen } from './common.js';
import { app, useStore, openSeason } from '../store.js';
import { t } from '../i18n.js';
import { opsForHousehold } from '../outbox.js';
import { optimistic } from '../households.js';
import { buildingGrid, STATES } from '../grid.js';

export const SIGN = { paid: '✓', partial: '◐', unpaid: '✕', suspended: '‖', not_opened: '–', credit: '+' };

export const gridHref = (project, building) => `#/grid/${encodeURIComponent(project)}/${encodeURIComponent(building)}`;

/** The optimistic view of each cached household of one building. */
function useBuilding(project, building) {
  const s = useStore();
  const [views, setViews] = useState(undefined);
  useEffect(() => {
    if (!app.index) return undefined;
    let live = true;
    (async () => {
      const rows = app.index.rows.filter((r) => r.p === project && r.b === building);
      const out = [];
      for (const r of rows) {
        const h = await app.db.get('households', r.id);
        if (h) out.push(optimistic(h, await opsForHousehold(app.db, r.id)));
      }
      if (live) setViews(out);
    })();
    return () => {
      live = false;
    };
  }, [project, building, s.outboxChanged, s.indexChanged]);
  return views;
}

function Flat({ f }) {
  // the amount shows bare (the state's word says what it is); a screen reader hears "欠费 ¥…" / "预存 ¥…"
  const [word, fen] = f.balance_fen > 0 ? ['grid.owe', f.balance_fen] : f.credit_fen > 0 ? ['grid.credit', f.credit_fen] : [];
  const amount = word && html`<span class="sr-only">${t(word)} </span>${f.balance_fen > 0 ? '' : '+'}${money(fen)}`;
  return html`<a class=${`flat st-${f.state}${f.pending ? ' pending' : ''}`} href=${`#/h/${encodeURIComponent(f.household_id)}`}
    data-testid="flat" data-household=${f.household_id} data-state=${f.state}>
    <span class="rm"><span class="sr-only">${t('grid.unit', f.unit)} </span>${f.room}</span>
    <span class="fs"><span class="sign" aria-hidden="true">${SIGN[f.state]}</span>${t(`fs.${f.state}`)}</span>
    ${amount && html`<span class="amt">${amount}</span>`}
    ${f.pending && html`<span class="wait">${t('grid.pending')}</span>`}
  </a>`;
}

export function GridScreen({ project, building }) {
  const views = useBuilding(project, building);
  const season = openSeason();
  const name = t('wl.building', building);
  const title = t('grid.title', name);
  if (views === undefined) return html`<${Screen} back="#/" title=${title}><p class="empty">${t('wl.loading')}</p><//>`;
  if (!views.length) return html`<${Screen} back="#/" title=${title}><p class="empty">${t('grid.empty')}</p><//>`;
  if (!season) return html`<${Screen} back="#/" title=${title}><p class="empty">${t('grid.no_season')}</p><//>`;
  const g = buildingGrid(views, season);
  const owing = g.floors.flatMap((f) => f.flats).filter((f) => f.balance_fen > 0);
  const owed = owing.reduce((sum, f) => sum + f.balance_fen, 0);
  return html`<${Screen} back="#/" title=${title}>
    <div class="grid-head">
      <div>${project} · ${t('grid.season', season)}</div>
      <div class="summary">${t('grid.summary', g.total, owing.length, money(owed))}</div>
    </div>
    <ul class="legend" aria-label=${t('grid.legend')} data-testid="grid-legend">
      ${STATES.map((st) => html`<li class=${`st-${st}`} data-state=${st}>
        <span class="sign" aria-hidden="true">${SIGN[st]}</span>${t(`fs.${st}`)} <b>${g.counts[st]}</b></li>`)}
    </ul>
    <div class="grid-wrap" role="region" aria-label=${t('grid.region')} tabindex="0">
      <table class="grid" data-testid="grid">
        <caption class="sr-only">${t('grid.caption', `${project} ${name}`)}</caption>
        <thead><tr><th scope="col">${t('grid.floor_h')}</th>
          ${g.units.map((u) => html`<th scope="colgroup" colspan=${g.width[u]}>${t('grid.unit', u)}</th>`)}</tr></thead>
        <tbody>${g.floors.map((fl) => html`<tr>
          <th scope="row">${t('grid.floor', fl.floor)}</th>
          ${g.units.flatMap((u) => {
            const flats = fl.flats.filter((f) => f.unit === u);
            const cells = flats.map((f) => html`<td><${Flat} f=${f} /></td>`);
            for (let i = flats.length; i < g.width[u]; i++) cells.push(html`<td class="none"></td>`);
            return cells;
          })}
        </tr>`)}</tbody>
      </table>
    </div>
  <//>`;
}
