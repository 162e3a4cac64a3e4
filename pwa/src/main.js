/** Boot: open IndexedDB, load the session and the household index, render, then start syncing. */
import { render } from 'preact';
import { html } from 'htm/preact';
import './style.css';
import { app, state, update } from './store.js';
import { openDb } from './db.js';
import { makeApi } from './api.js';
import { Syncer } from './sync.js';
import { loadIndex } from './households.js';
import { setLang, getLang } from './i18n.js';
import { refreshOutbox, record, syncNow } from './actions.js';
import { App } from './ui/app.js';
import { registerServiceWorker, offerUpdate } from './sw-register.js';

async function markVisited(db, index, seasons) {
  const open = (seasons || []).filter((s) => s.open).pop();
  const since = open?.starts_on || '0000';
  let cursor = await db.transaction('outbox').store.index('day').openCursor(IDBKeyRange.lowerBound(since));
  while (cursor) {
    index.localVisited.add(cursor.value.op.household_id);
    cursor = await cursor.continue();
  }
}

async function boot() {
  setLang(localStorage.getItem('hl-lang') || 'zh-CN');
  const t0 = performance.now();
  const db = await openDb({
    onBlocking: () => {
      // another tab opened a newer schema: let it upgrade, then reload into the new version
      db.close();
      location.reload();
    },
  });
  app.db = db;
  const [session, seasons] = await Promise.all([db.get('meta', 'session'), db.get('meta', 'seasons')]);
  app.api = makeApi({ getToken: () => state.session?.token, lang: getLang });
  update({ session: session || null, seasons: seasons || [] });
  const root = document.getElementById('app');
  render(html`<${App} />`, root);
  app.index = await loadIndex(db);
  await markVisited(db, app.index, seasons);
  update({ indexChanged: Date.now() });
  await refreshOutbox();
  // the bench and the e2e tests read this: ms from navigation start to an interactive worklist
  window.__hlReady = { at: performance.now(), boot_ms: performance.now() - t0, households: app.index.size };
  document.documentElement.dataset.ready = '1';
  // a small handle for support staff and the end-to-end tests (same powers as the page itself)
  window.heatledger = { record, syncNow, index: app.index };

  app.syncer = new Syncer({ db, api: app.api, index: app.index, getSession: () => state.session,
    onState: (partial) => update(partial) });
  const origOnState = app.syncer.onState;
  app.syncer.onState = (partial) => {
    origOnState(partial);
    if (partial.outboxChanged) refreshOutbox();
    // a new version that waited for the outbox to drain may take over now (the worker re-checks)
    if (partial.lastSyncAt) offerUpdate();
  };
  if ('BroadcastChannel' in window) {
    app.channel = new BroadcastChannel('heatledger');
    app.channel.onmessage = () => {
      refreshOutbox();
      update({ outboxChanged: Date.now() });
    };
  }
  addEventListener('online', () => {
    update({ online: true });
    app.syncer.run();
  });
  addEventListener('offline', () => update({ online: false }));
  if (session) app.syncer.run();
  else app.syncer.schedule(60_000);
  registerServiceWorker();
}

boot().catch((e) => {
  document.getElementById('app').textContent = `启动失败 / start failed: ${e.message}`;
  throw e;
});
