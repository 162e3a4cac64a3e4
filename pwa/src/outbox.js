/**
 * The outbox: every write on the phone is an operation with `op_id` and `seq` (PROTOCOL.md principle 1).
 * Records stay in the store for good; `pending_seq` marks the ones still waiting (the queue).
 */
import { OP_FORMAT } from './version.js';
import { receiptNo, checkCode } from './receipt.js';
import { localIso, shanghaiDate } from './time.js';
import { uuid7 } from './uuid7.js';

export const FINAL = ['applied', 'duplicate', 'held', 'rejected'];
export const OP_TYPES = ['payment', 'payment_void', 'vacancy_check', 'area_check', 'visit', 'contact_update'];

/**
 * Record one operation. `seq` and (for a payment) the receipt counter are taken in the SAME
 * IndexedDB transaction that stores the op, so two tabs never reuse either (PROTOCOL.md, The phone's side).
 */
export async function recordOp(db, { type, household_id, data }, { now = new Date(), uuid, extra = {} } = {}) {
  if (!OP_TYPES.includes(type)) throw new Error(`unknown op type ${type}`);
  const opId = uuid ? uuid() : uuid7(now.getTime());
  const tx = db.transaction(['meta', 'outbox'], 'readwrite');
  const meta = tx.objectStore('meta');
  const session = await meta.get('session');
  if (!session) {
    tx.done.catch(() => {});
    tx.abort();
    throw new Error('not signed in');
  }
  let counters = await meta.get('counters');
  if (!counters || counters.device_id !== session.device_id) {
    counters = { device_id: session.device_id, seq: 0, receipt: 0 };
  }
  counters.seq += 1;
  const opData = { ...data };
  if (type === 'payment') {
    counters.receipt += 1;
    opData.receipt_no = receiptNo(session.device_code, counters.receipt);
  }
  const op = { op_id: opId, seq: counters.seq, type, household_id, at: localIso(now), data: opData };
  const rec = {
    op_id: opId, op, fmt: OP_FORMAT, device_id: session.device_id, state: 'pending', pending_seq: counters.seq,
    created_at: now.getTime(), day: shanghaiDate(now), attempts: 0, result: null, done_at: null,
    collector: session.user?.name || '', device_code: session.device_code, ...extra,
  };
  meta.put(counters, 'counters');
  tx.objectStore('outbox').add(rec);
  await tx.done;
  if (type === 'payment') {
    // WebCrypto is async and cannot run inside the IndexedDB transaction: store the check code after.
    rec.check = await checkCode(session.device_secret, opData.receipt_no, household_id, opData.amount_fen,
      opData.season);
    await db.put('outbox', rec);
  }
  return rec;
}

/** The waiting ops, oldest first, at most `limit`. */
export async function pendingOps(db, limit = 500) {
  return db.getAllFromIndex('outbox', 'pending', null, limit);
}

export async function pendingCount(db) {
  return db.countFromIndex('outbox', 'pending');
}

/** { count, oldest_at } for the header. */
export async function outboxStatus(db) {
  const tx = db.transaction('outbox');
  const index = tx.store.index('pending');
  const count = await index.count();
  let oldest = null;
  if (count) {
    const all = await index.getAll(null, 1000);
    oldest = Math.min(...all.map((r) => r.created_at));
  }
  await tx.done;
  return { count, oldest_at: oldest };
}

/** Apply a push answer: an op leaves the queue only on a final status (PROTOCOL.md, The phone's side). */
export async function applyResults(db, results, { now = Date.now() } = {}) {
  const tx = db.transaction('outbox', 'readwrite');
  let finished = 0;
  for (const r of results) {
    const rec = await tx.store.get(r.op_id);
    if (!rec || rec.pending_seq === undefined) continue;
    if (!FINAL.includes(r.status)) continue;
    rec.state = r.status;
    rec.result = { flags: r.flags || [], receipt_no: r.receipt_no ?? null, allocations: r.allocations || null,
      error: r.error ?? null };
    rec.done_at = now;
    delete rec.pending_seq;
    await tx.store.put(rec);
    finished += 1;
  }
  await tx.done;
  return finished;
}

/**
 * A pull's `device_last_seq` says every op of this device up to it arrived: those leave the queue
 * even if their push answer was lost. Runs inside the caller's transaction when one is given.
 */
export async function acknowledgeUpTo(store, deviceId, lastSeq, { now = Date.now() } = {}) {
  if (!lastSeq) return 0;
  let n = 0;
  let cursor = await store.index('pending').openCursor(IDBKeyRange.upperBound(lastSeq));
  while (cursor) {
    const rec = cursor.value;
    if (rec.device_id === deviceId) {
      rec.state = 'received';
      rec.done_at = now;
      delete rec.pending_seq;
      await cursor.update(rec);
      n += 1;
    }
    cursor = await cursor.continue();
  }
  return n;
}

/** Count attempts on the ops of a batch that did not come back final (for the outbox screen). */
export async function noteAttempt(db, opIds, error) {
  const tx = db.transaction('outbox', 'readwrite');
  for (const id of opIds) {
    const rec = await tx.store.get(id);
    if (rec && rec.pending_seq !== undefined) {
      rec.attempts = (rec.attempts || 0) + 1;
      rec.last_error = error || null;
      await tx.store.put(rec);
    }
  }
  await tx.done;
}

/** All ops of one household (any state), oldest first. */
export async function opsForHousehold(db, householdId) {
  const recs = await db.getAllFromIndex('outbox', 'household', householdId);
  return recs.sort((a, b) => a.created_at - b.created_at);
}

/** The most recent ops for the outbox screen: waiting first, then the latest finished. */
export async function recentOps(db, limit = 300) {
  const pending = await pendingOps(db, 5000);
  const done = [];
  let cursor = await db.transaction('outbox').store.index('day').openCursor(null, 'prev');
  while (cursor && done.length < limit) {
    if (cursor.value.pending_seq === undefined) done.push(cursor.value);
    cursor = await cursor.continue();
  }
  done.sort((a, b) => b.created_at - a.created_at);
  return { pending, done };
}

/** Ops recorded on one ledger day (Asia/Shanghai). */
export async function opsOfDay(db, day) {
  return db.getAllFromIndex('outbox', 'day', day);
}

/** The export a clerk can import: the same shape as a push body (PROTOCOL.md, Push). */
export async function exportUnsynced(db, session) {
  const recs = await pendingOps(db, 1e9);
  return { device_id: session.device_id, exported_at: new Date().toISOString(), ops: recs.map((r) => r.op) };
}

/**
 * After a new sign-in (a new device), ops still waiting from the old device are renumbered into the
 * new device's `seq` so the server, which ties `seq` to the token's device, takes them in order.
 * Receipt numbers stay as printed.
 */
export async function adoptPending(db, session) {
  const tx = db.transaction(['meta', 'outbox'], 'readwrite');
  const meta = tx.objectStore('meta');
  let counters = await meta.get('counters');
  if (!counters || counters.device_id !== session.device_id) {
    counters = { device_id: session.device_id, seq: 0, receipt: 0 };
  }
  const recs = await tx.objectStore('outbox').index('pending').getAll();
  let n = 0;
  for (const rec of recs) {
    if (rec.device_id === session.device_id) continue;
    counters.seq += 1;
    rec.previous = [...(rec.previous || []), { device_id: rec.device_id, seq: rec.op.seq }];
    rec.op = { ...rec.op, seq: counters.seq };
    rec.device_id = session.device_id;
    rec.pending_seq = counters.seq;
    await tx.objectStore('outbox').put(rec);
    n += 1;
  }
  await meta.put(counters, 'counters');
  await tx.done;
  return n;
}
