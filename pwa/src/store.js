/** App-wide state and services; screens read it with useStore() and change it with update(). */
import { useEffect, useReducer } from 'preact/hooks';

export const app = { db: null, api: null, syncer: null, index: null, channel: null };

export const state = {
  session: null,
  online: typeof navigator !== 'undefined' ? navigator.onLine : true,
  outbox: { count: 0, oldest_at: null },
  syncing: false, lastSyncAt: null, syncError: null, authError: null, nextSyncAt: null,
  seasons: [], outboxChanged: 0, indexChanged: 0, update: null, toast: null, persisted: null,
  wl: { q: '', f: { arrears: false, suspended: false, unvisited: false }, path: [], keypad: false },
};

const listeners = new Set();

export function update(partial) {
  Object.assign(state, partial);
  for (const f of listeners) f();
}

export function useStore() {
  const [, force] = useReducer((x) => x + 1, 0);
  useEffect(() => {
    listeners.add(force);
    return () => listeners.delete(force);
  }, []);
  return state;
}

/** The open season ({id, starts_on, ends_on, open}) as the last pull said, or null. */
export function openSeasonObj() {
  const open = (state.seasons || []).filter((s) => s.open);
  return open.length ? open[open.length - 1] : null;
}

export function openSeason() {
  return openSeasonObj()?.id || null;
}

let toastTimer = null;
export function toast(text) {
  clearTimeout(toastTimer);
  update({ toast: text });
  toastTimer = setTimeout(() => update({ toast: null }), 2500);
}

export function go(hash) {
  if (location.hash !== hash) location.hash = hash;
}
