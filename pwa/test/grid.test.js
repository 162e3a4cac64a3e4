import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { freshDb, household } from './helpers.js';
import { flatState, floorOf, compareFlats, buildingGrid, STATES } from '../src/grid.js';
import { optimistic } from '../src/households.js';
import { recordOp, applyResults } from '../src/outbox.js';

// The same cases tests/sync/test_grid_cases.py gives the server's rules (sync/grid.py).
const CASES = JSON.parse(readFileSync(new URL('../../tests/fixtures/grid_cases.json', import.meta.url), 'utf8'));
const SEASON = '2026-2027';

test('a flat is in the state the server would colour it', () => {
  for (const c of CASES.state) {
    assert.equal(flatState(c.status, c.due_fen, c.paid_fen, c.credit_fen), c.state, JSON.stringify(c));
  }
  assert.deepEqual(new Set(CASES.state.map((c) => c.state)), new Set(STATES));
});

test('a room is on the floor the server puts it', () => {
  for (const c of CASES.floor) assert.equal(floorOf(c.room), c.floor, c.room);
});

test('flats on a floor are in the server\'s order', () => {
  for (const c of CASES.order) {
    const flats = c.flats.map(([unit, room]) => ({ unit, room }));
    assert.deepEqual(flats.sort(compareFlats).map((f) => [f.unit, f.room]), c.sorted);
  }
});

const bill = (due, paid) => [{ season: SEASON, due_fen: due, paid_fen: paid, balance_fen: Math.max(0, due - paid) }];

test('the grid has floors top down, flats by unit and room, and a count per state', () => {
  const views = [
    household('a', { unit: '2', room: '101', bills: bill(1000, 1000) }),
    household('b', { unit: '1', room: '102', bills: bill(1000, 400) }),
    household('c', { unit: '1', room: '101', bills: bill(1000, 0) }),
    household('d', { unit: '1', room: '1001', status: 'suspended', bills: bill(300, 300) }),
    household('e', { unit: '1', room: '1002', bills: [] }),
    household('f', { unit: '2', room: '1001', bills: bill(1000, 1000), credit_fen: 250 }),
  ];
  const g = buildingGrid(views, SEASON);
  assert.deepEqual(g.floors.map((f) => f.floor), [10, 1]);
  assert.deepEqual(g.floors[1].flats.map((f) => f.household_id), ['c', 'b', 'a']);
  assert.deepEqual(g.floors[0].flats.map((f) => [f.household_id, f.state]),
    [['d', 'suspended'], ['e', 'not_opened'], ['f', 'credit']]);
  assert.deepEqual(g.counts, { paid: 1, partial: 1, unpaid: 1, suspended: 1, not_opened: 1, credit: 1 });
  assert.deepEqual(g.units, ['1', '2']);
  assert.deepEqual(g.width, { 1: 2, 2: 1 });
  assert.equal(g.floors[1].flats[1].balance_fen, 600);
  assert.equal(g.total, 6);
});

test('only the bill of the grid\'s season decides; an older debt shows in the balance', () => {
  const h = household('a', { bills: [{ season: '2025-2026', due_fen: 900, paid_fen: 0, balance_fen: 900 },
    ...bill(1000, 1000)] });
  const [flat] = buildingGrid([h], SEASON).floors[0].flats;
  assert.equal(flat.state, 'paid');
  assert.equal(flat.balance_fen, 900);
  assert.equal(buildingGrid([h], '2025-2026').floors[0].flats[0].state, 'unpaid');
});

test('a payment this phone took shows on the grid before it is sent, an overpayment as credit', async () => {
  const db = await freshDb();
  const h = household('a', { bills: bill(214800, 0) });
  const full = await recordOp(db, { type: 'payment', household_id: 'a', data: { amount_fen: 214800, method: 'cash',
    receipt_no: 'K7Q-000001', season: SEASON } });
  let view = optimistic(h, [full]);
  let [flat] = buildingGrid([view], SEASON).floors[0].flats;
  assert.deepEqual([flat.state, flat.pending, flat.balance_fen], ['paid', true, 0]);

  const more = await recordOp(db, { type: 'payment', household_id: 'a', data: { amount_fen: 5000, method: 'cash',
    receipt_no: 'K7Q-000002' } });
  view = optimistic(h, [full, more]);
  [flat] = buildingGrid([view], SEASON).floors[0].flats;
  assert.deepEqual([flat.state, flat.credit_fen], ['credit', 5000]);

  // sent and applied: not waiting any more, still shown until a pull brings the server's record
  await applyResults(db, [{ op_id: full.op_id, status: 'applied', flags: [], allocations: [{ season: SEASON, amount_fen: 214800 }] },
    { op_id: more.op_id, status: 'applied', flags: ['overpaid'], allocations: [], credit_fen: 5000 }]);
  const recs = await Promise.all([full.op_id, more.op_id].map((id) => db.get('outbox', id)));
  view = optimistic(h, recs);
  [flat] = buildingGrid([view], SEASON).floors[0].flats;
  assert.deepEqual([flat.state, flat.pending, flat.credit_fen], ['credit', false, 5000]);

  // the server's newer record holds both: its credit_fen counts, the ops are not added again
  const later = { ...household('a', { bills: bill(214800, 214800), credit_fen: 5000 }), _stored_at: Date.now() + 1000 };
  [flat] = buildingGrid([optimistic(later, recs)], SEASON).floors[0].flats;
  assert.deepEqual([flat.state, flat.credit_fen], ['credit', 5000]);
});

test('a held payment (revoked device) does not colour the flat', async () => {
  const db = await freshDb();
  const h = household('a', { bills: bill(1000, 0) });
  const rec = await recordOp(db, { type: 'payment', household_id: 'a', data: { amount_fen: 1000, method: 'cash',
    receipt_no: 'K7Q-000001' } });
  await applyResults(db, [{ op_id: rec.op_id, status: 'held', flags: ['device_revoked'], allocations: [] }]);
  const [flat] = buildingGrid([optimistic(h, [await db.get('outbox', rec.op_id)])], SEASON).floors[0].flats;
  assert.equal(flat.state, 'unpaid');
});
