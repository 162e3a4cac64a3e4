/** Sign in once online: enrols this phone as a device (PROTOCOL.md, Authentication). */
import { useState } from 'preact/hooks';
import { html, Field } from './common.js';
import { app, update, useStore, go } from '../store.js';
import { t, getLang, setLang } from '../i18n.js';
import { adoptPending, pendingCount } from '../outbox.js';
import { askPersist } from './settings.js';
import { refreshOutbox, syncNow } from '../actions.js';

function deviceName() {
  const ua = navigator.userAgent;
  const m = /Android [\d.]+; ([^;)]+)/.exec(ua) || /(iPhone|iPad|Macintosh|Windows|Linux)/.exec(ua);
  return `PWA ${m ? m[1] : 'browser'}`.slice(0, 60);
}

export function LoginScreen() {
  const s = useStore();
  const [username, setUsername] = useState(s.session?.user?.username || '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // ops that wait belong to the collector who took them: only that collector may sign in again
      const previous = await app.db.get('meta', 'session');
      const owner = previous?.user?.username;
      if (owner && owner !== username.trim() && (await pendingCount(app.db)) > 0) {
        setError(t('login.owner', owner));
        return;
      }
      const res = await app.api.login(username.trim(), password, deviceName());
      const session = { ...res, user: { ...res.user, username: username.trim() }, signed_in_at: Date.now() };
      const old = previous;
      await app.db.put('meta', session, 'session');
      const devices = (await app.db.get('meta', 'devices')) || {};
      devices[session.device_id] = { device_code: session.device_code, device_secret: session.device_secret };
      await app.db.put('meta', devices, 'devices');
      if (old && old.device_id !== session.device_id && (await pendingCount(app.db))) await adoptPending(app.db, session);
      update({ session, authError: null, syncError: null });
      askPersist();
      await refreshOutbox();
      go('#/');
      syncNow();
    } catch (err) {
      setError(err.code === 'bad_credentials' ? t('login.bad_credentials')
        : err.status ? err.message || err.code : t('login.offline'));
    } finally {
      setBusy(false);
    }
  };
  return html`<main class="screen login">
    <h1>${t('app.title')}</h1>
    <form class="form card" onSubmit=${submit} data-testid="login-form">
      <h2>${s.session ? t('login.again') : t('login.title')}</h2>
      ${s.session && html`<p class="hint">${t('login.keep')}</p>`}
      <${Field} label=${t('login.user')}><input name="username" autocomplete="username" value=${username}
        onInput=${(e) => setUsername(e.currentTarget.value)} required /><//>
      <${Field} label=${t('login.password')}><input name="password" type="password" autocomplete="current-password"
        value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} required /><//>
      ${error && html`<p class="error" data-testid="login-error">${error}</p>`}
      <button class="btn primary block" type="submit" disabled=${busy}>${t('login.submit')}</button>
      ${!s.online && html`<p class="hint">${t('login.offline')}</p>`}
    </form>
    <p class="lang-switch"><button type="button" class="link" data-testid="login-lang" onClick=${() => {
      const l = getLang() === 'en' ? 'zh-CN' : 'en';
      setLang(l);
      localStorage.setItem('hl-lang', l);
      update({});
    }}>${getLang() === 'en' ? '中文' : 'English'}</button></p>
  </main>`;
}
