/** Client routes under /console/ with the History API: the path names the screen, the query holds its list
 * page and filters, so a reload or a bookmark lands on the same screen with the same rows. */

export const BASE = '/console/';

/** Route table: name → pattern (":id" a parameter). Order matters: the first match wins. */
export const ROUTES = [
  ['review', 'review'],
  ['rejected', 'rejected'],
  ['household_audit', 'households/:id/audit'],
  ['household', 'households/:id'],
  ['households', 'households'],
  ['daily', 'ledgers/daily'],
  ['weekly', 'ledgers/weekly'],
  ['monthly', 'ledgers/monthly'],
  ['total', 'ledgers/total'],
  ['documents', 'documents'],
  ['users', 'admin/users'],
  ['devices', 'admin/devices'],
  ['assignments', 'admin/assignments'],
  ['audit', 'admin/audit'],
  ['account', 'account'],
  ['review_item', 'review/:id'],
  ['projects', 'estate'],
  ['grid', 'buildings/:id/grid'],
  ['seasons', 'admin/seasons'],
  ['settings', 'admin/settings'],
  ['import', 'outbox-import'],
  ['schedule', 'admin/schedule'],
  ['register', 'documents/register'],
  ['dunning', 'dunning/queue'],
  ['handovers', 'ledgers/handovers'],
  ['imports', 'admin/imports'],
];
export const HOME = 'review';

/** parse("/console/households/h1?page=2") → {name: 'household', params: {id: 'h1'}, query: {page: '2'}}. */
export function parse(pathname, search = '') {
  let rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname.replace(/^\/console\/?/, '');
  rest = rest.replace(/\/+$/, '');
  const parts = rest ? rest.split('/') : [];
  const q = Object.fromEntries(new URLSearchParams(search));
  if (!parts.length) return { name: HOME, params: {}, query: q };
  for (const [name, pattern] of ROUTES) {
    const want = pattern.split('/');
    if (want.length !== parts.length) continue;
    const params = {};
    if (want.every((w, i) => (w.startsWith(':') ? ((params[w.slice(1)] = safeDecode(parts[i])), true) : w === parts[i]))) {
      return { name, params, query: q };
    }
  }
  return { name: 'not_found', params: {}, query: q };
}

function safeDecode(s) {
  try { return decodeURIComponent(s); } catch { return s; }
}

/** build('household', {id: 'h1'}, {page: 2, q: ''}) → "/console/households/h1?page=2" (empty values left out). */
export function build(name, params = {}, query = {}) {
  const entry = ROUTES.find(([n]) => n === name);
  if (!entry) throw new Error(`unknown route ${name}`);
  const path = entry[1].split('/').map((p) => (p.startsWith(':') ? encodeURIComponent(params[p.slice(1)] ?? '') : p)).join('/');
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, String(v));
  const s = q.toString();
  return BASE + path + (s ? '?' + s : '');
}

/** A browser router: current route, go(name, params, query), setQuery(changes) (resets page unless given). */
export function makeRouter(win = globalThis.window) {
  const listeners = new Set();
  const current = () => parse(win.location.pathname, win.location.search);
  const notify = () => listeners.forEach((f) => f(current()));
  win.addEventListener('popstate', notify);
  return {
    current,
    subscribe(f) { listeners.add(f); return () => listeners.delete(f); },
    href: build,
    go(name, params, q, { replace = false } = {}) {
      const url = build(name, params, q);
      if (url === win.location.pathname + win.location.search) return;
      win.history[replace ? 'replaceState' : 'pushState'](null, '', url);
      notify();
    },
    /** Change filters of the screen on show; a filter change goes back to page 1. */
    setQuery(changes, { replace = false } = {}) {
      const r = current();
      const next = { ...r.query, ...changes };
      if (!('page' in changes)) delete next.page;
      this.go(r.name, r.params, next, { replace });
    },
  };
}
