/**
 * The 楼盘表 on the phone: a building's floors × flats, each in one state, drawn offline from the cached
 * households with this phone's waiting operations on top (households.js optimistic).
 *
 * The rules are the server's, sync/grid.py (the office's GET /api/v1/buildings/<id>/grid uses them); both
 * answer the cases of tests/fixtures/grid_cases.json alike (pwa/test/grid.test.js, tests/sync/test_grid_cases.py).
 */
import { totalBalance } from './money.js';

export const STATES = ['paid', 'partial', 'unpaid', 'suspended', 'not_opened', 'credit'];

/** A flat's state for one season; `dueFen` null when the household has no bill of that season. */
export function flatState(status, dueFen, paidFen, creditFen) {
  if (status === 'not_opened' || dueFen === null || dueFen === undefined) return 'not_opened';
  if (status === 'suspended') return 'suspended';
  if (paidFen >= dueFen) return creditFen > 0 ? 'credit' : 'paid';
  return paidFen > 0 ? 'partial' : 'unpaid';
}

/** The floor a room number names: 501 → 5, 1502 → 15, 0502 → 5; a shop's 'S3' or '1' → 1. */
export function floorOf(room) {
  const digits = String(room ?? '').replace(/[^0-9]/g, '');
  return digits.length >= 3 ? Math.max(parseInt(digits.slice(0, -2), 10), 1) : 1;
}

/** Flats on a floor left to right: by unit, then room (sync/grid.py flat_order). */
export function compareFlats(a, b) {
  const x = String(a.unit ?? '').padStart(4, '0');
  const y = String(b.unit ?? '').padStart(4, '0');
  if (x !== y) return x < y ? -1 : 1;
  const r = String(a.room ?? '').padStart(6, '0');
  const s = String(b.room ?? '').padStart(6, '0');
  return r < s ? -1 : r > s ? 1 : 0;
}

/**
 * The grid of one building for `season` from household views (the optimistic ones, each with `pending`
 * true while this phone has an operation for it waiting): the server's shape (OFFICE.md) plus the units in
 * order, the households each unit has on its widest floor, and a count per state.
 */
export function buildingGrid(views, season) {
  const counts = Object.fromEntries(STATES.map((s) => [s, 0]));
  const floors = new Map();
  const units = [];
  for (const h of [...views].sort(compareFlats)) {
    const bill = (h.bills || []).find((b) => b.season === season);
    const credit = Math.max(0, h.credit_fen || 0);
    const state = flatState(h.status || 'active', bill ? bill.due_fen : null, bill ? bill.paid_fen : 0, credit);
    counts[state] += 1;
    const floor = floorOf(h.room);
    if (!floors.has(floor)) floors.set(floor, []);
    floors.get(floor).push({ household_id: h.id, unit: String(h.unit ?? ''), room: String(h.room ?? ''),
      label: h.label || '', owner_name: h.owner_name || '', state, balance_fen: totalBalance(h.bills),
      credit_fen: credit, pending: Boolean(h.pending) });
    if (!units.includes(String(h.unit ?? ''))) units.push(String(h.unit ?? ''));
  }
  const out = [...floors.keys()].sort((a, b) => b - a).map((floor) => ({ floor, flats: floors.get(floor) }));
  const width = Object.fromEntries(units.map((u) => [u, Math.max(1, ...out.map((f) => f.flats.filter((x) => x.unit === u).length))]));
  return { season, floors: out, units, width, counts, total: views.length };
}

