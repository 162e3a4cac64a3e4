import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, household } from './helpers.js';
import { HouseholdIndex, indexRow, optimistic, storePullPage, loadIndex, saveIndex, paymentState,
  serverPayments } from '../src/households.js';
import { recordOp, applyResults } from '../src/outbox.js';

function sample() {
  return [
    household('a', { owner_name: '张三明', owner_initials: 'zsm', building: '3', unit: '2', room: '501' }),
    household('b', { owner_name: '张三', owner_initials: 'zs', building: '3', unit: '2', room: '502',
      bills: [{ season: '2026-2027', due_fen: 100, paid_fen: 100, balance_fen: 0 }] }),
    household('c', { owner_name: '欧阳修', owner_initials: 'oyx', building: '12', unit: '1', room: '0501',
      status: 'suspended' }),
    household('d', { owner_name: '李娜', owner_initials: 'ln', project: '金隅·和园', building: '1', unit: '1',
      room: '101', bills: [] }),
  ];
}

test('search finds an owner by name, by pinyin initials and by room', () => {
  const idx = new HouseholdIndex(sample().map(indexRow));
  assert.deepEqual(idx.search('张三明').rows.map((r) => r.id), ['a']);
  assert.deepEqual(idx.search('张三').rows.map((r) => r.id), ['b', 'a']); // exact name first
  assert.deepEqual(idx.search('zsm').rows.map((r) => r.id), ['a']);
  assert.deepEqual(idx.search('zs').rows.map((r) => r.id), ['b', 'a']);
  assert.deepEqual(idx.search('3-2-501').rows.map((r) => r.id), ['a']);
  assert.deepEqual(idx.search('3-2-50').rows.map((r) => r.id), ['a', 'b']);
  assert.deepEqual(idx.search('12-1-501').rows.map((r) => r.id), ['c']); // 0501 = 501
  assert.deepEqual(idx.search('501').rows.map((r) => r.id), ['a', 'c']);
  assert.deepEqual(idx.search('和园').rows.map((r) => r.id), ['d']);
  assert.deepEqual(idx.search('  '), []);
});

test('the tree counts households and arrears at every level', () => {
  const idx = new HouseholdIndex(sample().map(indexRow));
  const root = idx.tree();
  assert.equal(root.count, 4);
  assert.equal(root.arrears, 2);
  const jy = root.children.get('华远·静园');
  assert.equal(jy.count, 3);
  assert.equal(jy.children.get('3').children.get('2').arrears_fen, 114800);
  assert.deepEqual([...jy.children.keys()], ['3', '12']); // buildings in number order
});

test('filters: in arrears, suspended, not visited this season', () => {
  const idx = new HouseholdIndex(sample().map(indexRow));
  const season = { id: '2026-2027', starts_on: '2026-11-15' };
  assert.deepEqual(idx.filter(idx.rows, { arrears: true }, season).map((r) => r.id), ['a', 'c']);
  assert.deepEqual(idx.filter(idx.rows, { suspended: true }, season).map((r) => r.id), ['c']);
  idx.localVisited.add('a');
  assert.deepEqual(idx.filter(idx.rows, { unvisited: true }, season).map((r) => r.id), ['b', 'c', 'd']);
  idx.upsert([household('b', { visits: [{ kind: 'visit', at: '2026-11-20T02:00:00Z' }] }),
    household('c', { payments: [{ op_id: 'x', amount_fen: 1, collected_at: '2026-10-01T02:00:00Z' }] })]);
  assert.deepEqual(idx.filter(idx.rows, { unvisited: true }, season).map((r) => r.id), ['c', 'd']);
});

test('the card shows the server state with pending payments on top, marked pending', async () => {
  const db = await freshDb();
  const h = household('a', { _stored_at: 1 });
  const p = await recordOp(db, { type: 'payment', household_id: 'a', data: { amount_fen: 14800, method: 'cash' } });
  const view = optimistic(h, [p]);
  assert.equal(view.bills[0].paid_fen, 114800);
  assert.equal(view.bills[0].balance_fen, 100000);
  assert.equal(view.balance_fen, 100000);
  assert.equal(view.payments[0].state, 'pending');
  assert.equal(view.payments[0].receipt_no, 'K7Q-000001');
  assert.equal(h.bills[0].paid_fen, 100000, 'the server record is not changed');
});

test('a taken payment stays overlaid until a newer server record includes it; rejected and held never move a balance', async () => {
  const db = await freshDb();
  const p1 = await recordOp(db, { type: 'payment', household_id: 'a', data: { amount_fen: 100, method: 'cash' } });
  const p2 = await recordOp(db, { type: 'payment', household_id: 'a', data: { amount_fen: 200, method: 'cash' } });
  const p3 = await recordOp(db, { type: 'payment', household_id: 'a', data: { amount_fen: 400, method: 'cash' } });
  await applyResults(db, [
    { op_id: p1.op_id, status: 'applied', allocations: [{ season: '2026-2027', amount_fen: 100 }] },
    { op_id: p2.op_id, status: 'rejected', error: { code: 'x' } },
    { op_id: p3.op_id, status: 'held' },
  ], { now: 1000 });
  const recs = await Promise.all([p1, p2, p3].map((p) => db.get('outbox', p.op_id)));
  const older = optimistic(household('a', { _stored_at: 500 }), recs);
  assert.equal(older.bills[0].paid_fen, 100100);
  assert.deepEqual(older.payments.map((p) => p.state), ['held', 'recorded']);
  const newer = optimistic(household('a', { _stored_at: 2000, payments: [{ op_id: p1.op_id, amount_fen: 100,
    state: 'recorded', flags: [] }] }), recs);
  assert.equal(newer.bills[0].paid_fen, 100000);
  assert.deepEqual(newer.payments.map((p) => [p.state, Boolean(p.local)]), [['held', true], ['recorded', false]]);
  // a newer record whose `payments` do not name it: listed from the phone, not added to the bills again
  const unnamed = optimistic(household('a', { _stored_at: 2000 }), recs);
  assert.equal(unnamed.bills[0].paid_fen, 100000);
  assert.deepEqual(unnamed.payments.map((p) => p.op_id), [p3.op_id, p1.op_id]);
});

test("a pull keeps the company's name for receipts; the last one named wins", async () => {
  const { companyName } = await import('../src/receipt.js');
  const db = await freshDb();
  assert.equal(companyName(await db.get('meta', 'company')), '北京示范热力有限公司');  // before any pull
  await storePullPage(db, { cursor: 'c1', households: [], removed: [], company: { name: '北京东区供热有限公司' } });
  await storePullPage(db, { cursor: 'c2', households: [], removed: [] });  // an older server sends none
  assert.equal(companyName(await db.get('meta', 'company')), '北京东区供热有限公司');
});

test('a reset pull drops cached households but never the outbox; the saved index follows the cursor', async () => {
  const db = await freshDb();
  await storePullPage(db, { cursor: 'c1', households: sample(), removed: [], reset: false });
  await recordOp(db, { type: 'visit', household_id: 'a', data: { kind: 'survey', text: 'ok' } });
  await storePullPage(db, { cursor: 'c2', households: [household('z')], removed: [], reset: true });
  assert.deepEqual((await db.getAllKeys('households')), ['z']);
  assert.equal((await db.getAll('outbox')).length, 1);
  const idx = await loadIndex(db);
  assert.deepEqual(idx.rows.map((r) => r.id), ['z']);
  await storePullPage(db, { cursor: 'c3', households: [household('y')], removed: ['z'] });
  idx.upsert([household('y')], ['z']);
  await saveIndex(db, idx);
  assert.deepEqual((await loadIndex(db)).rows.map((r) => r.id), ['y']);
});

test('search stays fast with 20,000 households', () => {
  const hs = [];
  const surnames = '王李张刘陈杨赵黄周吴';
  for (let i = 0; i < 20000; i++) {
    hs.push(household(`h${i}`, { owner_name: `${surnames[i % 10]}${'一二三四五六七八九十'[i % 7]}明`,
      owner_initials: `${'wlzlcyzhzw'[i % 10]}${'yesswlqbjs'[i % 7]}m`, building: String(1 + (i % 40)),
      unit: String(1 + (i % 4)), room: String(101 + (i % 1800)) }));
  }
  const idx = new HouseholdIndex(hs.map(indexRow));
  for (const q of ['张三明', 'zsm', '3-2-501', '501']) {
    const times = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      idx.search(q);
      times.push(performance.now() - t0);
    }
    assert.ok(Math.min(...times) < 50, `${q}: ${times}`); // the best of 5, so a busy CI machine does not flake
  }
});

test("the worklist counts this phone's waiting payments against the server's balance", () => {
  const idx = new HouseholdIndex(sample().map(indexRow));
  idx.setLocalPaid([{ op: { type: 'payment', household_id: 'a', data: { amount_fen: 114800 } } },
    { op: { type: 'visit', household_id: 'c', data: {} } }]);
  assert.equal(idx.balance(idx.get('a')), 0);
  assert.equal(idx.tree().arrears, 1);
  assert.deepEqual(idx.filter(idx.rows, { arrears: true }).map((r) => r.id), ['c']);
});

test("a payment's state is the server's once a pull lists it: a clerk's void reaches the phone", async () => {
  const db = await freshDb();
  const p = await recordOp(db, { type: 'payment', household_id: 'a', data: { amount_fen: 100, method: 'cash' } });
  assert.equal(paymentState(p, null), 'pending');
  await applyResults(db, [{ op_id: p.op_id, status: 'applied' }], { now: 1000 });
  const sent = await db.get('outbox', p.op_id);
  assert.equal(paymentState(sent, null), 'recorded');
  await storePullPage(db, { cursor: 'c1', households: [household('a', { payments: [{ op_id: p.op_id,
    amount_fen: 100, state: 'voided', flags: ['duplicate_suspect'] }] })] });
  const server = await serverPayments(db, [sent]);
  assert.equal(paymentState(sent, server.get(p.op_id)), 'voided');
});

test('rejected ops are kept apart on the card, with their error, and never touch a balance', async () => {
  const db = await freshDb();
  const v = await recordOp(db, { type: 'visit', household_id: 'a', data: { kind: 'follow_up', text: 'x' } });
  await applyResults(db, [{ op_id: v.op_id, status: 'rejected',
    error: { code: 'invalid_field', details: { field: 'text' } } }], { now: 1000 });
  const view = optimistic(household('a'), [await db.get('outbox', v.op_id)]);
  assert.deepEqual(view.rejected.map((r) => r.op_id), [v.op_id]);
  assert.deepEqual(view.local, []);
});
