/** The console's frame: sign-in, the side navigation by route, the language switch, the screen of the URL. */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { t, getLang, setLang, LANG_KEY } from '../i18n.js';
import { Ctx, Link } from './kit.js';
import { Review, Rejected } from '../screens/review.js';
import { Households, Household, HouseholdAudit } from '../screens/households.js';
import { Daily, Weekly, Monthly, Total } from '../screens/ledgers.js';
import { Handovers } from '../screens/handovers.js';
import { Documents, Users, Devices, Assignments, Audit, Account } from '../screens/admin.js';
import { ReviewItem } from '../screens/review_item.js';
import { Projects, Grid } from '../screens/estate.js';
import { Seasons, Settings, ImportOutbox, Schedule } from '../screens/setup.js';
import { Register, DunningQueue } from '../screens/dunning.js';
import { Imports } from '../screens/imports.js';

const SCREENS = { review: Review, rejected: Rejected, households: Households, household: Household,
  household_audit: HouseholdAudit, daily: Daily, weekly: Weekly, monthly: Monthly, total: Total, documents: Documents,
  users: Users, devices: Devices, assignments: Assignments, audit: Audit, account: Account,
  review_item: ReviewItem, projects: Projects, grid: Grid, seasons: Seasons, settings: Settings, import: ImportOutbox,
  schedule: Schedule, register: Register, dunning: DunningQueue, handovers: Handovers, imports: Imports };
const ADMIN_ONLY = new Set(['users', 'devices', 'assignments', 'audit', 'seasons', 'settings', 'schedule', 'imports']);
const NAV = [
  ['nav.office', ['review', 'rejected', 'households', 'projects', 'documents', 'register', 'dunning', 'import']],
  ['nav.ledgers', ['daily', 'handovers', 'weekly', 'monthly', 'total']],
  ['nav.admin', ['users', 'devices', 'assignments', 'imports', 'seasons', 'settings', 'schedule', 'audit']],
];
// A screen reached from another one lights that one up in the navigation.
const PARENT = { review_item: 'review', grid: 'projects' };

function Login({ api, onIn, expired }) {
  const [error, setError] = useState(expired ? t('login.expired') : null);
  const [collector, setCollector] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      onIn(await api.login(String(f.get('username')).trim(), String(f.get('password'))));
    } catch (err) {
      setCollector(err.code === 'use_phone_app');
      setError(err.code === 'use_phone_app' ? null : err.message);
    }
  };
  return html`<main class="login"><form data-testid="login-form" onSubmit=${submit}>
    <h1>${t('app.title')}</h1><h2>${t('login.title')}</h2>
    <label class="field"><span>${t('login.user')}</span><input name="username" autocomplete="username" required /></label>
    <label class="field"><span>${t('login.password')}</span><input name="password" type="password" autocomplete="current-password" required /></label>
    <button type="submit">${t('login.submit')}</button>
    <p class="error" data-testid="login-error" role="alert">${collector ? html`${t('login.collector')}<a href="/app/">/app/</a>` : error || ''}</p>
    <${LangSwitch} /></form></main>`;
}

function LangSwitch() {
  const flip = () => {
    const next = getLang() === 'en' ? 'zh-CN' : 'en';
    localStorage.setItem(LANG_KEY, next);
    setLang(next);
    window.dispatchEvent(new Event('hl-lang'));
  };
  return html`<button type="button" class="ghost lang" data-testid="lang" onClick=${flip}>${t('app.lang')}</button>`;
}

export function App({ api, router }) {
  const [route, setRoute] = useState(router.current());
  const [user, setUser] = useState(api.user());
  const [expired, setExpired] = useState(false);
  const [names, setNames] = useState({});
  const [, setLangTick] = useState(0);
  useEffect(() => router.subscribe(setRoute), []);
  useEffect(() => {
    const f = () => setLangTick((x) => x + 1);
    window.addEventListener('hl-lang', f);
    window.addEventListener('hl-signed-out', () => { setUser(null); setExpired(true); });
    return () => window.removeEventListener('hl-lang', f);
  }, []);
  // Collectors by name: the users list (admins may read it); a clerk sees the names the API gives with each row.
  const refreshNames = () => api.get('/admin/users', { per_page: 500 })
    .then((d) => setNames(Object.fromEntries((d.items || []).map((u) => [u.username, u.name])))).catch(() => {});
  useEffect(() => { if (user?.role === 'admin') refreshNames(); }, [user]);
  if (!user) return html`<${Login} api=${api} expired=${expired} onIn=${(u) => { setExpired(false); setUser(u); setRoute(router.current()); }} />`;
  const isAdmin = user.role === 'admin';
  const Screen = (ADMIN_ONLY.has(route.name) && !isAdmin) ? null : SCREENS[route.name];
  const logout = async () => { await api.logout().catch(() => {}); setUser(null); };
  return html`<${Ctx.Provider} value=${{ api, router, route, user, names, refreshNames }}>
    <div class="shell">
      <nav class="side">
        <div class="brand">${t('app.title')}</div>
        ${NAV.filter(([, items]) => isAdmin || items.some((n) => !ADMIN_ONLY.has(n))).map(([group, items]) => html`
          <div class="group"><div class="group-title">${t(group)}</div>
            ${items.filter((n) => isAdmin || !ADMIN_ONLY.has(n)).map((n) => html`<${Link} to=${n} testid=${'nav-' + n}
              cls=${route.name === n || PARENT[route.name] === n || (n === 'households' && route.name.startsWith('household')) ? 'active' : ''}>${t('nav.' + n)}</${Link}>`)}</div>`)}
        <div class="me">
          <div data-testid="who">${t('app.signed_in', user.name, t('role.' + user.role))}</div>
          <${Link} to="account" testid="nav-account">${t('nav.account')}</${Link}>
          <button type="button" class="ghost" data-testid="logout" onClick=${logout}>${t('nav.logout')}</button>
          <${LangSwitch} />
        </div>
      </nav>
      <main class="content" id="main">${Screen ? html`<${Screen} key=${route.name + JSON.stringify(route.params)} />` : html`<h1>${t('nf.title')}</h1>`}</main>
    </div></${Ctx.Provider}>`;
}
