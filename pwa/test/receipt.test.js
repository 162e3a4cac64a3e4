import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32, checkCode, receiptNo, verifyUrl, receiptLines, COMPANY_NAME } from '../src/receipt.js';
import { allocate } from '../src/money.js';

test('base32 is RFC 4648 in lower case without padding', () => {
  const enc = (s) => base32(new TextEncoder().encode(s));
  assert.equal(enc('f'), 'my');
  assert.equal(enc('fo'), 'mzxq');
  assert.equal(enc('foobar'), 'mzxw6ytboi');
});

test('the receipt check code is the first 10 chars of base32 HMAC-SHA256 (vector from Python hmac)', async () => {
  assert.equal(await checkCode('sekret-1', 'K7Q-000017', 'h-1', 100000, '2026-2027'), 'mgqh7ezm53');
  assert.equal(await checkCode('sekret-1', 'K7Q-000018', 'h-1', 5000, null), 'tk653uwem4');
});

test('receipt numbers are the device code and a six-digit counter', () => {
  assert.equal(receiptNo('K7Q', 17), 'K7Q-000017');
  assert.equal(verifyUrl('http://x', 'K7Q-000017', 'abc'), 'http://x/r/K7Q-000017?c=abc');
});

/* ---------- what the receipt lists season by season (DOMAIN.md §5, case 1) ---------- */

// DOMAIN.md case 1: 85.60 m² × 24 = 2,054.40 a season, two seasons owed, 3,000.00 paid without naming one
const CASE1 = { id: 'h-1', area_m2: '85.60', bills: [
  { season: '2023-2024', due_fen: 205440, paid_fen: 0, balance_fen: 205440 },
  { season: '2024-2025', due_fen: 205440, paid_fen: 0, balance_fen: 205440 }] };

/** An outbox record as the payment form makes it: the preview from the bills it showed. */
function paymentRec(amount, { season, bills = CASE1.bills, ...over } = {}) {
  const preview = allocate(bills, amount, season || null);
  return { op_id: 'op-1', state: 'pending', pending_seq: 1, result: null, preview: preview.allocations,
    credit_fen: preview.credit_fen, op: { type: 'payment', household_id: 'h-1', data: { amount_fen: amount, method: 'cash',
      receipt_no: 'K7Q-000001', ...(season ? { season } : {}) } }, ...over };
}

test('before sync a two-season payment lists both seasons from the preview, with area and bill, as 预计', () => {
  const r = receiptLines(paymentRec(300000), CASE1);
  assert.equal(r.source, 'preview');
  assert.deepEqual(r.lines, [
    { season: '2023-2024', amount_fen: 205440, due_fen: 205440, area_m2: '85.60' },
    { season: '2024-2025', amount_fen: 94560, due_fen: 205440, area_m2: '85.60' }]);
  assert.equal(r.credit_fen, 0);
});

test("after sync the server's allocations decide, and what they leave is credit", () => {
  // the server knew of a payment the phone did not: it split differently from the preview
  const rec = paymentRec(300000, { state: 'applied', pending_seq: undefined, result: { flags: ['overpaid'],
    allocations: [{ season: '2024-2025', amount_fen: 205440 }, { season: '2023-2024', amount_fen: 60000 }] } });
  const r = receiptLines(rec, CASE1);
  assert.equal(r.source, 'server');
  assert.deepEqual(r.lines.map((l) => [l.season, l.amount_fen]), [['2024-2025', 205440], ['2023-2024', 60000]]);
  assert.equal(r.credit_fen, 300000 - 205440 - 60000);
  // a re-sent op gets the first answer back as `duplicate`: the same allocations
  assert.equal(receiptLines({ ...rec, state: 'duplicate' }, CASE1).source, 'server');
});

test('a payment to a household with nothing owed is all credit, once the server says so', () => {
  const paid = CASE1.bills.map((b) => ({ ...b, paid_fen: b.due_fen, balance_fen: 0 }));
  const before = receiptLines(paymentRec(50000, { bills: paid }), { ...CASE1, bills: paid });
  assert.deepEqual([before.source, before.lines, before.credit_fen], ['preview', [], 50000]);
  const after = receiptLines(paymentRec(50000, { bills: paid, state: 'applied', result: { allocations: [] } }),
    { ...CASE1, bills: paid });
  assert.deepEqual([after.source, after.lines, after.credit_fen], ['server', [], 50000]);
});

test('a named season takes the money first, and the rest goes oldest first, then credit', () => {
  const r = receiptLines(paymentRec(500000, { season: '2024-2025' }), CASE1);
  assert.deepEqual(r.lines.map((l) => [l.season, l.amount_fen]), [['2024-2025', 205440], ['2023-2024', 205440]]);
  assert.equal(r.credit_fen, 500000 - 2 * 205440);
});

test('held, rejected or only acknowledged payments keep the estimate: the server gave no allocations to show', () => {
  for (const [state, result] of [['held', { allocations: [], flags: ['device_revoked'] }],
    ['rejected', { allocations: [], error: { code: 'bad_request' } }], ['received', null]]) {
    const r = receiptLines(paymentRec(300000, { state, pending_seq: undefined, result }), CASE1);
    assert.equal(r.source, 'preview', state);
    assert.deepEqual(r.lines.map((l) => l.amount_fen), [205440, 94560], state);
  }
});

test('a season the cached household has no bill for shows no bill; no household, no area', () => {
  const rec = paymentRec(300000, { state: 'applied', result: { allocations: [{ season: '2025-2026', amount_fen: 300000 }] } });
  assert.deepEqual(receiptLines(rec, CASE1).lines,
    [{ season: '2025-2026', amount_fen: 300000, due_fen: null, area_m2: '85.60' }]);
  assert.deepEqual(receiptLines(rec, null).lines,
    [{ season: '2025-2026', amount_fen: 300000, due_fen: null, area_m2: null }]);
});

test('a record with neither a preview nor a server split lists no seasons and claims no credit', () => {
  const rec = paymentRec(300000);
  delete rec.preview;
  delete rec.credit_fen;
  assert.deepEqual(receiptLines(rec, CASE1), { source: null, lines: [], credit_fen: null });
});

test("the receipt's heading is the company the server's documents name (server/documents/service.py)", () => {
  assert.equal(COMPANY_NAME, '北京示范热力有限公司');
});
