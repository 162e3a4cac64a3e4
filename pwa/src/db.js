/**
 * IndexedDB: the household cache, the outbox, counters, photos (PROTOCOL.md, The phone's side).
 * Upgrades are numbered and additive: a new version appends a step, never drops the outbox (STYLE.md 10).
 */
import { openDB } from 'idb';

export const DB_NAME = 'heatledger';

/** Step N brings the database from version N to N+1. Never edit a landed step; append one. */
export const UPGRADES = [
  // 0 → 1: first schema
  (db) => {
    db.createObjectStore('meta'); // key-value: session, counters, cursor, seasons, household index
    db.createObjectStore('households', { keyPath: 'id' });
    const outbox = db.createObjectStore('outbox', { keyPath: 'op_id' });
    // `pending_seq` exists only while the op waits, so this index *is* the queue, oldest first.
    outbox.createIndex('pending', 'pending_seq', { unique: false });
    outbox.createIndex('household', 'op.household_id', { unique: false });
    outbox.createIndex('day', 'day', { unique: false });
    db.createObjectStore('photos', { keyPath: 'sha256' });
  },
];

export const DB_VERSION = UPGRADES.length;

/** Open (and upgrade) the database. `onBlocking` runs when another tab needs a newer version. */
export function openDb({ name = DB_NAME, onBlocking } = {}) {
  return openDB(name, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, tx) {
      for (let v = oldVersion; v < DB_VERSION; v++) UPGRADES[v](db, tx);
    },
    blocking() {
      if (onBlocking) onBlocking();
    },
  });
}

export async function getMeta(db, key) {
  return db.get('meta', key);
}

export async function setMeta(db, key, value) {
  return db.put('meta', value, key);
}
