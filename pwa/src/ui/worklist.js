/** Worklist: the address tree 小区 → 楼 → 单元 → 户, room keypad, search and filters (issue 4, item 4). */
import { useMemo } from 'preact/hooks';
import { html, money, statusBadge } from './common.js';
import { app, state, update, useStore, openSeasonObj } from '../store.js';
import { t } from '../i18n.js';
import { gridHref } from './grid.js';

const LIMIT = 100;

function setWl(partial) {
  update({ wl: { ...state.wl, ...partial } });
}

function HouseholdRow({ r }) {
  const bal = app.index.balance(r);
  const waiting = app.index.localPaid.has(r.id);
  return html`<a class="row hh" href=${`#/h/${encodeURIComponent(r.id)}`}>
    <span class="room">${r.key}</span>
    <span class="who">${r.name}<small>${r.p}</small></span>
    <span class="right">${r.st !== 'active' ? statusBadge(r.st) : null}
      ${waiting && html`<span class="badge pending">${t('ps.pending')}</span>`}
      <b class=${bal > 0 ? 'owe' : 'paid'}>${bal > 0 ? money(bal) : '✓'}</b></span>
  </a>`;
}

function Keypad() {
  const press = (k) => {
    const q = state.wl.q;
    if (k === '⌫') setWl({ q: q.slice(0, -1) });
    else if (k === 'C') setWl({ q: '' });
    else setWl({ q: q + k });
  };
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '-', '0', '⌫'];
  return html`<div class="keypad" data-testid="keypad">
    ${keys.map((k) => html`<button type="button" onClick=${() => press(k)}>${k}</button>`)}
    <button type="button" class="wide" onClick=${() => press('C')}>C</button>
    <button type="button" class="wide primary" onClick=${() => setWl({ keypad: false })}>OK</button>
  </div>`;
}

function levelLabel(depth, name) {
  if (depth === 1) return t('wl.building', name);
  if (depth === 2) return t('wl.unit', name);
  return name;
}

function Tree({ index }) {
  useStore();
  const { path } = state.wl;
  let nodeAt = index.tree();
  const crumbs = [];
  for (const name of path) {
    const next = nodeAt.children.get(name);
    if (!next) break;
    crumbs.push(name);
    nodeAt = next;
  }
  const depth = crumbs.length;
  // links to the worklist itself (href), so a keyboard reaches them; the click only moves in the tree
  const go = (p) => (e) => {
    e.preventDefault();
    setWl({ path: p });
  };
  return html`<div class="tree">
    <nav class="crumbs" aria-label=${t('wl.path')}>
      <a href="#/" onClick=${go([])} class=${depth === 0 ? 'here' : ''}
        aria-current=${depth === 0 ? 'location' : undefined}>${t('wl.all')}</a>
      ${crumbs.map((c, i) => html`<span aria-hidden="true">›</span><a href="#/" class=${i === depth - 1 ? 'here' : ''}
        aria-current=${i === depth - 1 ? 'location' : undefined}
        onClick=${go(crumbs.slice(0, i + 1))}>${levelLabel(i, c)}</a>`)}
    </nav>
    <div class="summary">${t('wl.households', nodeAt.count)} · ${nodeAt.arrears
      ? t('wl.arrears', nodeAt.arrears, money(nodeAt.arrears_fen)) : t('wl.noarrears')}
      ${depth >= 2 && html`<a class="btn small grid-link" href=${gridHref(crumbs[0], crumbs[1])}
        data-testid="open-grid">▦ ${t('grid.open')}</a>`}</div>
    ${depth < 3
      ? html`<div class="list">${[...nodeAt.children.values()].map((c) => html`
        <a class="row node" href="#/" onClick=${go([...crumbs, c.name])}>
          <span class="name">${levelLabel(depth, c.name)}</span>
          <span class="meta">${t('wl.households', c.count)}</span>
          <span class="right">${c.arrears ? html`<b class="owe">${money(c.arrears_fen)}</b><small>${t('wl.households',
            c.arrears)}</small>` : html`<span class="paid">✓</span>`}</span>
        </a>`)}</div>`
      : html`<div class="list">${nodeAt.rows.map((r) => html`<${HouseholdRow} r=${r} />`)}</div>`}
  </div>`;
}

export function Worklist() {
  const s = useStore();
  const { index } = app;
  const { q, f, keypad } = s.wl;
  const season = openSeasonObj();
  const filtering = q.trim() || f.arrears || f.suspended || f.unvisited;
  const results = useMemo(() => {
    if (!index || !filtering) return null;
    const found = q.trim() ? index.search(q, 5000).rows : index.rows;
    const rows = index.filter(found, f, season);
    return { total: rows.length, rows: rows.slice(0, LIMIT) };
  }, [index, s.indexChanged, q, f.arrears, f.suspended, f.unvisited, season, s.outboxChanged]);
  const chip = (key) => html`<button type="button" class=${`chip ${f[key] ? 'on' : ''}`} aria-pressed=${f[key]}
    onClick=${() => setWl({ f: { ...f, [key]: !f[key] } })}>${t(`wl.f.${key}`)}</button>`;
  return html`<section class="screen worklist">
    <h1 class="sr-only">${t('nav.worklist')}</h1>
    <div class="searchbar">
      <input type="search" placeholder=${t('wl.search')} aria-label=${t('wl.search')} value=${q} data-testid="search"
        onInput=${(e) => setWl({ q: e.currentTarget.value })} />
      <button type="button" class=${`icon ${keypad ? 'on' : ''}`} aria-label=${t('wl.keypad')}
        onClick=${() => setWl({ keypad: !keypad })}>⌨</button>
    </div>
    <div class="chips">${chip('arrears')}${chip('suspended')}${chip('unvisited')}</div>
    ${keypad && html`<${Keypad} />`}
    ${!index ? html`<p class="empty">${t('wl.loading')}</p>`
      : index.size === 0 ? html`<p class="empty">${t('wl.empty')}</p>`
      : results ? html`<div class="results" data-testid="results">
          <div class="summary">${t('wl.results', results.total)}</div>
          <div class="list">${results.rows.map((r) => html`<${HouseholdRow} r=${r} />`)}</div>
          ${results.total > LIMIT && html`<p class="hint">${t('wl.more', LIMIT)}</p>`}
        </div>`
      : html`<${Tree} index=${index} />`}
  </section>`;
}
