/** What screens do: record an op, then tell the header, the other tabs and the syncer. */
import { app, state, update, toast } from './store.js';
import { recordOp, outboxStatus, pendingCount, pendingOps, exportUnsynced } from './outbox.js';
import { t } from './i18n.js';

export async function refreshOutbox() {
  if (!app.db) return;
  const outbox = await outboxStatus(app.db);
  if (app.index) app.index.setLocalPaid(outbox.count ? await pendingOps(app.db, 100000) : []);
  update({ outbox });
}

let syncSoonTimer = null;
export function syncSoon(ms = 300) {
  clearTimeout(syncSoonTimer);
  syncSoonTimer = setTimeout(() => app.syncer?.run(), ms);
}

/** Record one operation; recording never waits for the network or a valid token. */
export async function record(op, extra = {}) {
  const rec = await recordOp(app.db, op, { extra });
  app.index?.localVisited.add(op.household_id);
  await refreshOutbox();
  update({ outboxChanged: Date.now() });
  app.channel?.postMessage({ type: 'outbox' });
  if (state.online) syncSoon();
  return rec;
}

export function syncNow() {
  return app.syncer?.run();
}

/** Download the waiting ops as `{"device_id", "ops": [...]}`, the shape of a push body. */
export async function downloadExport() {
  const data = await exportUnsynced(app.db, state.session);
  const blob = new Blob([JSON.stringify(data, null, 1)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  const stamp = new Date().toISOString().replace(/[:.]/g, '').slice(0, 15);
  a.download = `heatledger-unsynced-${state.session?.device_code || 'device'}-${stamp}.json`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  return data.ops.length;
}

/** Logout and clear-data are refused while ops wait (the data-loss guard). */
export async function guardWaiting(what) {
  const n = await pendingCount(app.db);
  if (n > 0) {
    toast(t('set.refused', n, what));
    return false;
  }
  return true;
}
