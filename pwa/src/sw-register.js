/**
 * Service worker registration and the update flow: a new version installs in the background and
 * takes over only when no op waits in a format it cannot read (the worker checks; see sw.js).
 */
import { update, state } from './store.js';

let registration = null;

export function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  const base = import.meta.env.BASE_URL;
  let hadController = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // a new version took over: this page still runs the old bundle, which is complete in memory
    if (hadController) update({ update: 'ready' });
    hadController = true;
  });
  navigator.serviceWorker.register(`${base}sw.js`, { scope: base }).then((reg) => {
    registration = reg;
    if (reg.waiting) offerUpdate();
    reg.addEventListener('updatefound', () => {
      const w = reg.installing;
      w?.addEventListener('statechange', () => {
        if (w.state === 'installed' && navigator.serviceWorker.controller) offerUpdate();
      });
    });
    setInterval(() => reg.update().catch(() => {}), 30 * 60 * 1000);
  }).catch(() => {});
}

/** Ask a waiting worker to take over; it refuses while unreadable ops wait. Called again after each sync. */
export function offerUpdate() {
  if (!registration?.waiting) return;
  if (state.update !== 'ready') update({ update: 'waiting' });
  registration.waiting.postMessage({ type: 'SKIP_WAITING_IF_SAFE' });
}
