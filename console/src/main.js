/** Boot: the language from localStorage, one API client, the router, the app. */
import { render } from 'preact';
import { html } from 'htm/preact';
import './style.css';
import { makeApi } from './api.js';
import { makeRouter } from './router.js';
import { getLang, setLang, LANG_KEY } from './i18n.js';
import { App } from './ui/app.js';

setLang(localStorage.getItem(LANG_KEY) || 'zh-CN');
const api = makeApi({ lang: getLang, onUnauthorized: () => window.dispatchEvent(new Event('hl-signed-out')) });
const router = makeRouter(window);
render(html`<${App} api=${api} router=${router} />`, document.getElementById('app'));
window.__hlConsoleReady = true;
