/**
 * The sync cycle (PROTOCOL.md, The phone's side): push the outbox oldest first in batches, then pull
 * until `has_more` is false. One sender at a time across tabs (a Web Lock), a timer that backs off
 * 5 s → 5 min while failing, and a run on open, on `online` and on the button.
 */
import { APP_VERSION } from './version.js';
import { pendingOps, pendingCount, applyResults, acknowledgeUpTo, noteAttempt } from './outbox.js';
import { storePullPage, saveIndex } from './households.js';
import { uploadPhotosFor } from './photos.js';

export const MAX_BATCH_OPS = 500;
export const MAX_BATCH_BYTES = 900 * 1024; // under the server's 1 MiB (PROTOCOL.md, Push)
export const PULL_LIMIT = 1000;

/** Split waiting ops into a batch that fits the server's limits. */
export function takeBatch(recs, maxOps = MAX_BATCH_OPS, maxBytes = MAX_BATCH_BYTES) {
  const batch = [];
  let bytes = 64;
  for (const rec of recs) {
    const size = JSON.stringify(rec.op).length + 1;
    if (batch.length && (batch.length >= maxOps || bytes + size > maxBytes)) break;
    batch.push(rec);
    bytes += size;
  }
  return batch;
}

/**
 * What a failed cycle is called on the phone: `network` (no answer), `server` (a 5xx: busy or restarting,
 * the same batch goes again later), `auth` (401: sign in again), else the server's error code.
 */
export function failureCode(e) {
  if (e?.code === 'network' || (e instanceof TypeError && e.status === undefined)) return 'network';
  if (e?.status >= 500) return 'server';
  if (e?.status === 401) return 'auth';
  return e?.code || e?.message || String(e);
}

export class Syncer {
  /**
   * @param db idb database; api from makeApi; index the HouseholdIndex to patch after pulls;
   * getSession() the current session; onState(partial) tells the UI.
   */
  constructor({ db, api, index, getSession, onState = () => {}, locks = globalThis.navigator?.locks,
    clientTime = () => new Date().toISOString(), uploadPhotos = uploadPhotosFor }) {
    Object.assign(this, { db, api, index, getSession, onState, locks, clientTime, uploadPhotos });
    this.failures = 0;
    this.timer = null;
    this.running = null;
    this.stopped = false;
  }

  /** Run one cycle unless one runs already (in this tab, or, via the lock, in another). */
  cycle() {
    if (this.running) return this.running;
    this.running = (async () => {
      try {
        if (this.locks) {
          return await this.locks.request('heatledger-sync', { ifAvailable: true },
            (lock) => (lock ? this._cycle() : { busy: true }));
        }
        return await this._cycle();
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  async _cycle() {
    const session = this.getSession();
    if (!session) return { skipped: true };
    this.onState({ syncing: true });
    const summary = { pushed: 0, finished: 0, pulled: 0, acked: 0 };
    try {
      await this._push(session, summary);
      await this._pull(session, summary);
      this.onState({ syncing: false, lastSyncAt: Date.now(), syncError: null, authError: null });
      return summary;
    } catch (e) {
      const authError = e.status === 401 ? (e.code || 'unauthorized') : null;
      this.onState({ syncing: false, syncError: failureCode(e),
        ...(authError ? { authError } : {}) });
      throw e;
    }
  }

  async _push(session, summary) {
    for (;;) {
      const recs = await pendingOps(this.db, MAX_BATCH_OPS);
      if (!recs.length) return;
      let batch = takeBatch(recs);
      await this.uploadPhotos(this.db, this.api, batch);
      const depth = await pendingCount(this.db);
      let answer;
      for (;;) {
        try {
          answer = await this.api.push({ device_id: session.device_id, ops: batch.map((r) => r.op),
            app_version: APP_VERSION, outbox_depth: depth }, this.clientTime());
          break;
        } catch (e) {
          if (e.status === 413 && batch.length > 1) {
            batch = batch.slice(0, Math.ceil(batch.length / 2));
            continue;
          }
          await noteAttempt(this.db, batch.map((r) => r.op_id), failureCode(e));
          throw e;
        }
      }
      const finished = await applyResults(this.db, answer.results || []);
      summary.pushed += batch.length;
      summary.finished += finished;
      this.onState({ outboxChanged: Date.now() });
      if (finished === 0) return; // nothing final came back: do not spin; the pull may still acknowledge
    }
  }

  async _pull(session, summary) {
    let cursor = await this.db.get('meta', 'cursor');
    let changed = false;
    for (let page = 0; page < 10000; page++) {
      const res = await this.api.pull(cursor, PULL_LIMIT);
      const acked = await storePullPage(this.db, res, {
        acknowledge: (store) => acknowledgeUpTo(store, session.device_id, res.device_last_seq),
      });
      summary.acked += acked;
      summary.pulled += (res.households || []).length;
      if (res.reset) this.index?.reset();
      if (this.index && ((res.households || []).length || (res.removed || []).length || res.reset)) {
        this.index.upsert(res.households || [], res.removed || []);
        changed = true;
      }
      if (res.seasons) this.onState({ seasons: res.seasons });
      if (res.server_time) this.onState({ serverOffsetMs: Date.parse(res.server_time) - Date.now() });
      cursor = res.cursor;
      if (!res.has_more) break;
    }
    if (this.index && (changed || !(await this.db.get('meta', 'hindex')))) await saveIndex(this.db, this.index);
    this.onState({ indexChanged: Date.now(), outboxChanged: Date.now() });
  }

  /* ---------- when to run ---------- */

  /** The next delay: 5 s doubling to 5 min while failing; a minute between cycles while all is well. */
  static delay(failures) {
    if (failures <= 0) return 60_000;
    return Math.min(300_000, 5000 * 2 ** (failures - 1));
  }

  schedule(ms) {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => this.run(), ms);
    this.onState({ nextSyncAt: Date.now() + ms });
  }

  /** Run now, then set the timer according to the outcome. Never throws. */
  async run() {
    clearTimeout(this.timer);
    let delay;
    try {
      const r = await this.cycle();
      if (!r?.busy) this.failures = 0;
      delay = Syncer.delay(0);
      // ops recorded while the cycle ran: send them soon, but do not spin on ops that never finish
      if (!r?.busy && (await pendingCount(this.db)) > 0) {
        this.leftovers = (this.leftovers || 0) + 1;
        if (this.leftovers <= 3) delay = 5000;
      } else {
        this.leftovers = 0;
      }
    } catch {
      this.failures += 1;
      delay = Syncer.delay(this.failures);
    }
    this.schedule(delay);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
