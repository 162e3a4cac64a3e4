/** Building blocks every screen uses: the app context, a loader hook, the paged table, money cells, badges.
 * Values go into the page through htm/Preact, which escapes them: no screen writes HTML by hand. */
import { createContext } from 'preact';
import { html } from 'htm/preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { t, label } from '../i18n.js';
import { formatFen } from '../format.js';
import { pageOf, perPageOf, pageCount, rowRange, pageButtons, PER_PAGE_CHOICES } from '../paging.js';

export const Ctx = createContext(null);
export const useCtx = () => useContext(Ctx);

/** Load with fn() whenever deps change; {data, error, loading, reload}. */
export function useLoad(fn, deps) {
  const [state, setState] = useState({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    Promise.resolve().then(fn).then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }));
    return () => { live = false; };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((x) => x + 1) };
}

export const Money = ({ fen, cls = '' }) => html`<span class="money ${fen < 0 ? 'neg' : ''} ${cls}">${fen == null ? '—' : formatFen(fen)}</span>`;

const TONES = { overpaid: 'warn', duplicate_suspect: 'bad', receipt_duplicate: 'bad', out_of_scope: 'warn', held: 'warn',
  voided: 'mute', void_requested: 'warn', recorded: 'ok', suspended: 'warn', disconnected: 'mute', active: 'ok',
  accept: 'ok', void: 'bad', rebill: 'warn', dismiss: 'mute' };

/** A code shown as its word from the shared table, the code itself in the tooltip for whoever asks. */
export const Badge = ({ kind, code }) => code == null || code === '' ? null
  : html`<span class="badge ${TONES[code] || ''}" title=${code} data-code=${code}>${label(kind, code)}</span>`;

export const ErrorLine = ({ error }) => error ? html`<p class="error" role="alert">${t('common.error', error.message)}</p>` : null;

/** A collector by name when one is known (the users list, or a *_name the API gave), else the username. */
export function useWho() {
  const { names } = useCtx();
  return (username, name) => name || (username && (names[username] || seenNames.get(username))) || username || '';
}

/** Names the API gave beside usernames (collector_name on review items…), remembered for the other screens. */
export const seenNames = new Map();
export function learnNames(rows = []) {
  for (const r of rows) if (r && r.collector && r.collector_name) seenNames.set(r.collector, r.collector_name);
}

/** A plain table of rows already on hand. columns: [{title, cell(row), num}] */
export function Table({ columns, rows, rowKey = (r, i) => r.id ?? i, testid, empty, rowClass }) {
  return html`<table class="grid" data-testid=${testid}>
    <thead><tr>${columns.map((c) => html`<th class=${c.num ? 'num' : ''}>${c.title
      || html`<span class="sr-only">${t('common.actions')}</span>`}</th>`)}</tr></thead>
    <tbody>${rows.length ? rows.map((r, i) => html`<tr key=${rowKey(r, i)} class=${rowClass ? rowClass(r) : ''}>
      ${columns.map((c) => html`<td class=${c.num ? 'num' : ''}>${c.cell(r, i)}</td>`)}</tr>`)
      : html`<tr class="empty"><td colspan=${columns.length}>${empty || t('common.empty')}</td></tr>`}</tbody>
  </table>`;
}

export function Pager({ page, perPage, total }) {
  const { router } = useCtx();
  const pages = pageCount(total, perPage);
  const { from, to } = rowRange(page, perPage, total);
  const go = (p) => router.setQuery({ page: p === 1 ? '' : p });
  return html`<div class="pager" data-testid="pager">
    <span class="rows">${total ? t('page.rows', from, to, total) : t('page.none')}</span>
    <button type="button" class="ghost" disabled=${page <= 1} onClick=${() => go(page - 1)}>${t('page.prev')}</button>
    ${pageButtons(page, pages).map((p) => (p === null ? html`<span class="gap">…</span>`
      : html`<button type="button" class=${p === page ? 'current' : 'ghost'} aria-current=${p === page ? 'page' : null}
          data-page=${p} onClick=${() => go(p)}>${p}</button>`))}
    <button type="button" class="ghost" disabled=${page >= pages} onClick=${() => go(page + 1)}>${t('page.next')}</button>
    <label class="per">${t('page.per')}
      <select value=${perPage} onChange=${(e) => router.setQuery({ per_page: e.target.value })}>
        ${PER_PAGE_CHOICES.map((n) => html`<option value=${n}>${n}</option>`)}</select></label>
  </div>`;
}

/** A list the server pages: page and per_page live in the URL, so a reload shows the same rows. */
export function PagedTable({ path, params = {}, columns, rowKey, testid, empty, reloadKey = 0, rowClass, onData }) {
  const { api, route } = useCtx();
  const page = pageOf(route.query.page);
  const perPage = perPageOf(route.query.per_page);
  const key = JSON.stringify([path, params, page, perPage, reloadKey]);
  const { data, error, loading } = useLoad(async () => {
    const d = await api.get(path, { ...params, page, per_page: perPage });
    learnNames(d.items);
    onData?.(d);
    return d;
  }, [key]);
  const items = data?.items || [];
  return html`<div class="paged ${loading ? 'loading' : ''}" data-testid=${testid ? testid + '-list' : null}
      data-loaded=${loading ? null : 'yes'}>
    <${ErrorLine} error=${error} />
    <${Table} columns=${columns} rows=${items} rowKey=${rowKey} testid=${testid} rowClass=${rowClass}
      empty=${loading ? t('common.loading') : empty} />
    <${Pager} page=${page} perPage=${perPage} total=${data?.total ?? items.length} />
  </div>`;
}

/** A <select> of options [{value, text}], with an "all" first when `all` is set. */
export function Select({ value, onChange, options, all, name, id, label: lab }) {
  const sel = html`<select name=${name} id=${id} value=${value ?? ''} onChange=${(e) => onChange(e.target.value)}>
    ${all ? html`<option value="">${t('common.all')}</option>` : null}
    ${options.map((o) => html`<option value=${o.value}>${o.text}</option>`)}</select>`;
  return lab ? html`<label class="field"><span>${lab}</span>${sel}</label>` : sel;
}

/** A button that downloads a file through the API client (following a 202 job), showing its progress. */
export function Download({ path, name, children, testid }) {
  const { api } = useCtx();
  const [state, setState] = useState(null);
  const click = async () => {
    setState({ text: t('job.running') });
    try {
      await api.download(path, name, { onProgress: (j) => setState({ text: t('job.progress', t('job.' + j.state), j.done ?? 0, j.total ?? 0) }) });
      setState(null);
    } catch (e) {
      setState({ error: e });
    }
  };
  return html`<span class="download"><button type="button" class="ghost" data-testid=${testid} onClick=${click}>${children}</button>
    ${state?.text ? html`<small>${state.text}</small>` : null}<${ErrorLine} error=${state?.error} /></span>`;
}

/** A link to a client route (a real href: it opens in a new tab, and is bookmarkable). */
export function Link({ to, params, query, children, cls, testid }) {
  const { router } = useCtx();
  const href = router.href(to, params, query);
  const click = (e) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    router.go(to, params, query);
  };
  return html`<a href=${href} class=${cls} data-testid=${testid} onClick=${click}>${children}</a>`;
}

export const Kpis = ({ items }) => html`<div class="kpis">${items.map(([k, v]) => html`<div class="kpi"><span>${k}</span><b>${v}</b></div>`)}</div>`;
