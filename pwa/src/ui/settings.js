/** Settings: language, persistent storage, export, and the data-loss guard on logout / clear data. */
import { useEffect, useState } from 'preact/hooks';
import { html, Screen, Segmented } from './common.js';
import { app, update, useStore, toast, go } from '../store.js';
import { t, tOr, setLang, getLang } from '../i18n.js';
import { APP_VERSION } from '../version.js';
import { guardWaiting, downloadExport } from '../actions.js';

export async function askPersist() {
  if (!navigator.storage?.persist) return null;
  const persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
  update({ persisted });
  return persisted;
}

export function SettingsScreen() {
  const s = useStore();
  const [est, setEst] = useState(null);
  useEffect(() => {
    navigator.storage?.estimate?.().then(setEst);
    navigator.storage?.persisted?.().then((p) => update({ persisted: p }));
  }, []);
  const changeLang = (l) => {
    setLang(l);
    localStorage.setItem('hl-lang', l);
    update({});
  };
  const logout = async () => {
    if (!(await guardWaiting(t('set.logout')))) return;
    // the next collector on this phone gets a fresh cache; finished ops stay as this phone's history
    const tx = app.db.transaction(['households', 'meta'], 'readwrite');
    await tx.objectStore('households').clear();
    for (const key of ['session', 'cursor', 'hindex', 'seasons', 'last_pull_at']) await tx.objectStore('meta').delete(key);
    await tx.done;
    app.index?.reset();
    update({ session: null, authError: null, seasons: [], indexChanged: Date.now() });
    go('#/login');
  };
  const clearData = async () => {
    if (!(await guardWaiting(t('set.clear')))) return;
    if (!confirm(t('set.confirm_clear'))) return;
    // checked again inside the clearing transaction: another tab may have recorded since
    const stores = ['households', 'meta', 'photos', 'outbox'];
    const tx = app.db.transaction(stores, 'readwrite');
    const waiting = await tx.objectStore('outbox').index('pending').count();
    if (waiting > 0) {
      tx.done.catch(() => {});
      tx.abort();
      await guardWaiting(t('set.clear'));
      return;
    }
    await Promise.all(stores.map((name) => tx.objectStore(name).clear()));
    await tx.done;
    app.index?.reset();
    update({ session: null, indexChanged: Date.now() });
    go('#/login');
  };
  return html`<${Screen} title=${t('set.title')}>
    <dl class="card facts settings">
      <dt>${t('set.user')}</dt><dd>${s.session?.user?.name} · ${tOr(`role.${s.session?.user?.role}`, s.session?.user?.role)}</dd>
      <dt>${t('set.device')}</dt><dd>${s.session?.device_code}</dd>
      <dt>${t('set.cache')}</dt><dd>${app.index?.size ?? 0}</dd>
      <dt>${t('set.persist')}</dt><dd data-testid="persisted">${s.persisted ? t('set.persist.yes') : html`${t('set.persist.no')}
        <button class="btn small" type="button" onClick=${askPersist}>${t('set.persist.ask')}</button>`}</dd>
      <dt>${t('set.storage')}</dt><dd>${est ? `${(est.usage / 1048576).toFixed(1)} MB` : '—'}</dd>
      <dt>${t('set.version')}</dt><dd>${APP_VERSION}${s.update ? ` · ${t(s.update === 'waiting' ? 'set.update_wait' : 'set.update')}` : ''}</dd>
    </dl>
    <${Segmented} name=${t('set.lang')} value=${getLang()} onChange=${changeLang}
      options=${[['zh-CN', '中文'], ['en', 'English']]} />
    <div class="actions column">
      ${s.authError && html`<a class="btn primary" href="#/login">${t('login.again')}</a>`}
      <button class="btn" type="button" onClick=${async () => toast(`${t('ob.export')}: ${await downloadExport()}`)}
        data-testid="export-settings">${t('ob.export')}</button>
      <button class="btn danger" type="button" onClick=${logout} data-testid="logout">${t('set.logout')}</button>
      <button class="btn danger" type="button" onClick=${clearData} data-testid="clear">${t('set.clear')}</button>
    </div>
  <//>`;
}

