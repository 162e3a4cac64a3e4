import { test } from 'node:test';
import assert from 'node:assert/strict';
import { daxie, formatFen, parseYuan, allocate, totalBalance } from '../src/money.js';

test('大写 follows the test vectors of DOMAIN.md §4', () => {
  const vectors = [
    [120000, '壹仟贰佰元整'],
    [205440, '贰仟零伍拾肆元肆角'],
    [100805, '壹仟零捌元零伍分'],
    [1050000, '壹万零伍佰元整'],
    [140950, '壹仟肆佰零玖元伍角'],
    [32504, '叁佰贰拾伍元零肆分'],
    [168032, '壹仟陆佰捌拾元零叁角贰分'],
  ];
  for (const [fen, text] of vectors) assert.equal(daxie(fen), text, `${fen}`);
});

test('大写 writes one 零 for a run of zeros across 万 and leaves empty sections out', () => {
  assert.equal(daxie(10000000), '壹拾万元整');
  assert.equal(daxie(10005000), '壹拾万零伍拾元整');
  assert.equal(daxie(100050000), '壹佰万零伍佰元整');
  assert.equal(daxie(10000000000), '壹亿元整');
  assert.equal(daxie(10000000100), '壹亿零壹元整');
  assert.equal(daxie(1200000000), '壹仟贰佰万元整');
  assert.equal(daxie(32), '叁角贰分');
  assert.equal(daxie(5), '伍分');
  assert.equal(daxie(0), '零元整');
  assert.equal(daxie(1500), '壹拾伍元整');
  assert.throws(() => daxie(1.5));
});

test('money is formatted at the edge from integer fen', () => {
  assert.equal(formatFen(123456), '¥1,234.56');
  assert.equal(formatFen(5), '¥0.05');
  assert.equal(formatFen(-100000000), '-¥1,000,000.00');
  assert.equal(formatFen(205440, { symbol: false }), '2,054.40');
});

test('typed amounts become integer fen without floating point', () => {
  assert.equal(parseYuan('1234.5'), 123450);
  assert.equal(parseYuan('0.29'), 29);
  assert.equal(parseYuan('2,054.40'), 205440);
  assert.equal(parseYuan('12'), 1200);
  assert.equal(parseYuan('1.234'), null);
  assert.equal(parseYuan('-5'), null);
  assert.equal(parseYuan('abc'), null);
});

test('an undesignated payment goes to the oldest bill first, the rest to the next, then credit (case 1)', () => {
  const bills = [
    { season: '2023-2024', due_fen: 205440, paid_fen: 0, balance_fen: 205440 },
    { season: '2024-2025', due_fen: 205440, paid_fen: 0, balance_fen: 205440 },
  ];
  assert.deepEqual(allocate(bills, 300000), {
    allocations: [{ season: '2023-2024', amount_fen: 205440 }, { season: '2024-2025', amount_fen: 94560 }],
    credit_fen: 0,
  });
  assert.deepEqual(allocate(bills, 500000).credit_fen, 500000 - 410880);
  assert.equal(totalBalance(bills), 410880);
});

test('a designated season is paid first, the surplus goes oldest first, then credit (as the server does)', () => {
  const bills = [
    { season: '2023-2024', due_fen: 205440, paid_fen: 0, balance_fen: 205440 },
    { season: '2024-2025', due_fen: 205440, paid_fen: 200000, balance_fen: 5440 },
  ];
  assert.deepEqual(allocate(bills, 10000, '2024-2025'), {
    allocations: [{ season: '2024-2025', amount_fen: 5440 }, { season: '2023-2024', amount_fen: 4560 }],
    credit_fen: 0,
  });
  assert.deepEqual(allocate(bills, 300000, '2024-2025').credit_fen, 300000 - 210880);
});
