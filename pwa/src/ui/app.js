/** The shell: header with network / outbox / sync state, the screens by hash route, bottom navigation. */
import { useEffect, useState } from 'preact/hooks';
import { html } from './common.js';
import { useStore } from '../store.js';
import { t } from '../i18n.js';
import { age } from '../time.js';
import { syncNow } from '../actions.js';
import { Worklist } from './worklist.js';
import { HouseholdCard } from './household.js';
import { PaymentForm } from './payment.js';
import { ReceiptScreen } from './receipt.js';
import { VacancyForm, AreaForm, VisitForm, PhoneForm } from './forms.js';
import { OutboxScreen } from './outbox.js';
import { DayScreen } from './day.js';
import { SettingsScreen } from './settings.js';
import { LoginScreen } from './login.js';
import { GridScreen } from './grid.js';

function useHash() {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const f = () => {
      setHash(location.hash || '#/');
      window.scrollTo(0, 0);
    };
    addEventListener('hashchange', f);
    return () => removeEventListener('hashchange', f);
  }, []);
  return hash;
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function route(hash) {
  const path = hash.replace(/^#/, '') || '/';
  let m;
  if (path === '/login') return html`<${LoginScreen} />`;
  if ((m = /^\/h\/([^/]+)\/(pay|vacancy|area|visit|phone)$/.exec(path))) {
    const id = decodeURIComponent(m[1]);
    const Form = { pay: PaymentForm, vacancy: VacancyForm, area: AreaForm, visit: VisitForm, phone: PhoneForm }[m[2]];
    return html`<${Form} id=${id} key=${path} />`;
  }
  if ((m = /^\/h\/([^/]+)$/.exec(path))) return html`<${HouseholdCard} id=${decodeURIComponent(m[1])} key=${path} />`;
  if ((m = /^\/grid\/([^/]+)\/([^/]+)$/.exec(path))) {
    const [project, building] = [m[1], m[2]].map(safeDecode);
    return html`<${GridScreen} project=${project} building=${building} key=${path} />`;
  }
  if ((m = /^\/receipt\/([^/]+)$/.exec(path))) return html`<${ReceiptScreen} opId=${m[1]} key=${path} />`;
  if (path === '/outbox') return html`<${OutboxScreen} />`;
  if (path === '/day') return html`<${DayScreen} />`;
  if (path === '/settings') return html`<${SettingsScreen} />`;
  return html`<${Worklist} />`;
}

function useTick(ms) {
  const [, set] = useState(0);
  useEffect(() => {
    const id = setInterval(() => set((x) => x + 1), ms);
    return () => clearInterval(id);
  }, [ms]);
}

function Header() {
  const s = useStore();
  useTick(15000);
  const { count, oldest_at: oldest } = s.outbox;
  return html`<header class="top noprint">
    <div class="status">
      <span class=${`net ${s.online ? 'on' : 'off'}`} data-testid="net">${s.online ? t('net.online') : t('net.offline')}</span>
      <a href="#/outbox" class=${`waiting ${count ? 'some' : ''}`} data-testid="waiting" data-count=${count}>
        ${count ? t('sync.waiting', count) : t('sync.none')}
        ${count && oldest ? html`<small> · ${t('sync.oldest', age(Date.now() - oldest, t))}</small>` : ''}</a>
      <button type="button" class="sync" onClick=${syncNow} disabled=${s.syncing} data-testid="sync"
        aria-label=${t('sync.now')}>${s.syncing ? '⟳…' : `⟳ ${t('sync.now')}`}</button>
    </div>
    ${s.authError && html`<a class="banner warn" href="#/login" data-testid="relogin">${t('sync.relogin')}</a>`}
    ${s.update === 'ready' && html`<a class="banner info" data-testid="update-ready"
      onClick=${() => location.reload()}>${t('upd.ready')}</a>`}
    ${s.update === 'waiting' && s.outbox.count > 0
      && html`<div class="banner info" data-testid="update-waiting">${t('upd.blocked')}</div>`}
  </header>`;
}

function Nav({ hash }) {
  const s = useStore();
  const item = (href, key, extra) => {
    const on = href === '#/' ? hash === '#/' || hash.startsWith('#/h/') || hash.startsWith('#/receipt')
      || hash.startsWith('#/grid/') : hash.startsWith(href);
    return html`<a href=${href} class=${on ? 'on' : ''} aria-current=${on ? 'page' : undefined}>${t(key)}${extra}</a>`;
  };
  return html`<nav class="bottom noprint" aria-label=${t('nav.label')}>
    ${item('#/', 'nav.worklist')}
    ${item('#/outbox', 'nav.outbox', s.outbox.count ? html`<i class="dot">${s.outbox.count}</i>` : '')}
    ${item('#/day', 'nav.day')}
    ${item('#/settings', 'nav.settings')}
  </nav>`;
}

export function App() {
  const s = useStore();
  const hash = useHash();
  if (!s.session || hash === '#/login') {
    return html`<${LoginScreen} />${s.toast && html`<div class="toast">${s.toast}</div>`}`;
  }
  return html`<${Header} /><main>${route(hash)}</main><${Nav} hash=${hash} />
    ${s.toast && html`<div class="toast" role="status">${s.toast}</div>`}`;
}

