import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb } from './helpers.js';
import { recordOp, pendingOps, pendingCount, applyResults, acknowledgeUpTo, exportUnsynced, adoptPending,
  outboxStatus } from '../src/outbox.js';
import { openDb, UPGRADES } from '../src/db.js';
import { checkCode } from '../src/receipt.js';

const pay = (amount) => ({ type: 'payment', household_id: 'h-1',
  data: { amount_fen: amount, method: 'cash', season: '2026-2027' } });

test('each op gets the next seq and a payment the next receipt number, stored with a format version', async () => {
  const db = await freshDb();
  const a = await recordOp(db, pay(100000));
  const b = await recordOp(db, { type: 'visit', household_id: 'h-1', data: { kind: 'follow_up', text: '不在家' } });
  const c = await recordOp(db, pay(5000));
  assert.deepEqual([a.op.seq, b.op.seq, c.op.seq], [1, 2, 3]);
  assert.equal(a.op.data.receipt_no, 'K7Q-000001');
  assert.equal(c.op.data.receipt_no, 'K7Q-000002');
  assert.equal(b.op.data.receipt_no, undefined);
  assert.equal(a.fmt, 1);
  assert.match(a.op.op_id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/); // UUIDv7
  assert.ok(a.op.op_id < c.op.op_id || a.op.op_id.slice(0, 13) === c.op.op_id.slice(0, 13)); // time-ordered
  assert.match(a.op.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  const stored = await db.get('outbox', a.op_id);
  assert.equal(stored.check, await checkCode('sekret-1', 'K7Q-000001', 'h-1', 100000, '2026-2027'));
  assert.equal(await pendingCount(db), 3);
});

test('two writers at once never reuse a seq or a receipt number', async () => {
  const db = await freshDb();
  const other = await openDb({ name: db.name }); // a second connection, as a second tab has
  const recs = await Promise.all(Array.from({ length: 40 }, (_, i) => recordOp(i % 2 ? db : other, pay(100 + i))));
  const seqs = recs.map((r) => r.op.seq).sort((x, y) => x - y);
  assert.deepEqual(seqs, Array.from({ length: 40 }, (_, i) => i + 1));
  assert.equal(new Set(recs.map((r) => r.op.data.receipt_no)).size, 40);
  other.close();
});

test('an op leaves the queue only on a final status, and rejected ones stay with their error', async () => {
  const db = await freshDb();
  const a = await recordOp(db, pay(100));
  const b = await recordOp(db, pay(200));
  const c = await recordOp(db, pay(300));
  const n = await applyResults(db, [
    { op_id: a.op_id, seq: 1, status: 'applied', flags: ['overpaid'], receipt_no: 'K7Q-000001',
      allocations: [{ season: '2026-2027', amount_fen: 100 }], error: null },
    { op_id: b.op_id, seq: 2, status: 'rejected', flags: [], error: { code: 'amount_out_of_range' } },
    { op_id: c.op_id, seq: 3, status: 'something_new' },
  ]);
  assert.equal(n, 2);
  assert.deepEqual((await pendingOps(db)).map((r) => r.op_id), [c.op_id]);
  const rb = await db.get('outbox', b.op_id);
  assert.equal(rb.state, 'rejected');
  assert.deepEqual(rb.result.error, { code: 'amount_out_of_range' });
  assert.deepEqual((await db.get('outbox', a.op_id)).result.flags, ['overpaid']);
});

test("a pull's device_last_seq clears ops whose push answer was lost", async () => {
  const db = await freshDb();
  for (let i = 0; i < 4; i++) await recordOp(db, pay(100 + i));
  const tx = db.transaction('outbox', 'readwrite');
  assert.equal(await acknowledgeUpTo(tx.store, 'dev-1', 3), 3);
  await tx.done;
  assert.deepEqual((await pendingOps(db)).map((r) => r.op.seq), [4]);
  const status = await outboxStatus(db);
  assert.equal(status.count, 1);
  assert.ok(status.oldest_at > 0);
});

test('the export of unsynced ops has the shape of a push body', async () => {
  const db = await freshDb();
  await recordOp(db, pay(100));
  await recordOp(db, pay(200));
  const session = await db.get('meta', 'session');
  const file = await exportUnsynced(db, session);
  assert.equal(file.device_id, 'dev-1');
  assert.deepEqual(file.ops.map((o) => [o.seq, o.type, o.data.amount_fen]), [[1, 'payment', 100], [2, 'payment', 200]]);
  assert.deepEqual(Object.keys(file.ops[0]).sort(), ['at', 'data', 'household_id', 'op_id', 'seq', 'type']);
});

test('after signing in again as a new device, waiting ops are renumbered and keep their receipts', async () => {
  const db = await freshDb();
  await recordOp(db, pay(100));
  await recordOp(db, pay(200));
  const session = { token: 't2', device_id: 'dev-2', device_code: 'ZZ9', device_secret: 's2', user: { name: 'x' } };
  await db.put('meta', session, 'session');
  assert.equal(await adoptPending(db, session), 2);
  const next = await recordOp(db, pay(300));
  const ops = (await pendingOps(db)).map((r) => [r.device_id, r.op.seq, r.op.data.receipt_no]);
  assert.deepEqual(ops, [['dev-2', 1, 'K7Q-000001'], ['dev-2', 2, 'K7Q-000002'], ['dev-2', 3, 'ZZ9-000001']]);
  assert.equal(next.op.seq, 3);
});

test('database upgrades are additive: every step keeps the outbox store', async () => {
  const db = await freshDb();
  await recordOp(db, pay(100));
  assert.ok(db.objectStoreNames.contains('outbox'));
  assert.ok(UPGRADES.length >= 1);
  const src = UPGRADES.map((f) => f.toString()).join('\n');
  assert.doesNotMatch(src, /deleteObjectStore\(['"]outbox/);
  db.close();
  const again = await openDb({ name: db.name });
  assert.equal(await pendingCount(again), 1);
});
