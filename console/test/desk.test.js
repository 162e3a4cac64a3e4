import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bulkChoice, bulkSummary, reasonOf, sideBySide, billRows, buildingKey, pickedOf, buildingsOf, assignmentChanges,
  householdCounts, householdsIn, gridColumns, floorCells, stackOf, stateCounts, FLAT_STATES, readOutboxFile,
  statusCounts, effectOf, settingFields, settingValue, sentLines,
} from '../src/desk.js';
import { collectorOptions } from '../src/screens/review.js';
import { t, setLang, TABLES } from '../src/i18n.js';
import { LABELS } from '../../pwa/src/labels.js';
import { parse, build } from '../src/router.js';

const open = (id, kind, decisions) => ({ id, kind, state: 'open', decisions });

test('a bulk decision offers only what every selected entry of one kind offers', () => {
  assert.deepEqual(bulkChoice([open(1, 'overpaid', ['accept', 'void']), open(2, 'overpaid', ['accept', 'void'])]),
    { ok: true, kind: 'overpaid', decisions: ['accept', 'void'] });
  assert.deepEqual(bulkChoice([open(1, 'overpaid', ['accept', 'void']), open(2, 'overpaid', ['void'])]).decisions, ['void']);
});

test('a bulk decision is refused for two kinds, a resolved entry, or nothing selected, saying why', () => {
  assert.equal(bulkChoice([]).why, 'none');
  assert.equal(bulkChoice([open(1, 'overpaid', ['accept']), open(2, 'clock_skew', ['accept'])]).why, 'kinds');
  assert.equal(bulkChoice([open(1, 'overpaid', ['accept']), { ...open(2, 'overpaid', ['accept']), state: 'resolved' }]).why, 'resolved');
  assert.equal(bulkChoice([open(1, 'x', ['accept']), open(2, 'x', ['dismiss'])]).why, 'no_decision');
});

test('a bulk answer is counted, and its failures named', () => {
  assert.deepEqual(bulkSummary({ resolved: [{}, {}], failed: [{ id: 9, code: 'already_resolved', details: {} }] }),
    { done: 2, failed: [{ id: 9, code: 'already_resolved' }] });
});

test('a decision needs a reason that is more than spaces', () => {
  assert.equal(reasonOf('   '), null);
  assert.equal(reasonOf(undefined), null);
  assert.equal(reasonOf('  业主确认  '), '业主确认');
  assert.equal(reasonOf('x'.repeat(600)).length, 500);
});

test('each decision says what it does to its kind, and two decisions on one item never say the same', () => {
  assert.equal(effectOf('duplicate_suspect', 'void'), 'eff.reverse');
  assert.equal(effectOf('duplicate_suspect', 'accept'), 'eff.keep');
  assert.equal(effectOf('device_revoked', 'accept'), 'eff.book_held');
  assert.equal(effectOf('area_mismatch', 'rebill'), 'eff.area');
  const offered = { device_revoked: ['accept', 'void'], void_request: ['void', 'dismiss'], overpaid: ['accept', 'void'],
    vacancy_violation: ['rebill', 'dismiss'], vacancy_claim: ['accept', 'dismiss'], area_mismatch: ['rebill', 'dismiss'] };
  for (const [kind, ds] of Object.entries(offered)) {
    const effects = ds.map((d) => effectOf(kind, d));
    assert.equal(new Set(effects).size, ds.length, kind);
    for (const e of effects) assert.ok(TABLES.en[e] && TABLES['zh-CN'][e], e);
  }
});

test('the related payments show this payment first, then its twin, each once', () => {
  const rows = sideBySide([{ role: 'twin', op_id: 'b' }, { role: 'this', op_id: 'a' }, { role: 'twin', op_id: 'b' }]);
  assert.deepEqual(rows.map((r) => r.op_id), ['a', 'b']);
});

test('a bill the payment touched is marked, with what it owed before', () => {
  const [b] = billRows([{ season: '2026-2027', due_fen: 10000, paid_before_fen: 2000, paid_fen: 7000, this_payment_fen: 5000, balance_fen: 3000 }]);
  assert.equal(b.touched, true);
  assert.equal(b.balance_before_fen, 8000);
  assert.equal(billRows([{ due_fen: 100, paid_fen: 100, this_payment_fen: 0 }])[0].touched, false);
});

test('the assignment editor starts from what the server holds and says what saving would move', () => {
  const held = { username: 'c01', buildings: [{ project: '康泰家园', building: '1' }, { project: '康泰家园', building: '2' }] };
  const before = pickedOf(held);
  const now = { ...before, [buildingKey('康泰家园', '2')]: false, [buildingKey('锦绣苑', '5')]: true };
  assert.deepEqual(assignmentChanges(before, now), { added: [{ project: '锦绣苑', building: '5' }],
    removed: [{ project: '康泰家园', building: '2' }] });
  assert.deepEqual(assignmentChanges(before, before), { added: [], removed: [] });
  assert.deepEqual(buildingsOf(now), [{ project: '康泰家园', building: '1' }, { project: '锦绣苑', building: '5' }]);
  const counts = householdCounts([{ name: '康泰家园', buildings: [{ name: '1', households: 40 }, { name: '2', households: 30 }] },
    { name: '锦绣苑', buildings: [{ name: '5', households: 12 }] }]);
  assert.equal(householdsIn(before, counts), 70);
  assert.equal(householdsIn(now, counts), 52);
});

test('a grid lines flats up by their stack across floors, as the server reads floors', () => {
  assert.equal(stackOf('1502'), '02');
  assert.equal(stackOf('0502'), '02');
  assert.equal(stackOf('S3'), 'S3');
  const floors = [
    { floor: 2, flats: [{ unit: '1', room: '201', state: 'paid' }, { unit: '1', room: '202', state: 'unpaid' }, { unit: '2', room: '201', state: 'credit' }] },
    { floor: 1, flats: [{ unit: '1', room: '102', state: 'suspended' }, { unit: '2', room: '101', state: 'partial' }] },
  ];
  const cols = gridColumns(floors);
  assert.deepEqual(cols, [{ unit: '1', stack: '01' }, { unit: '1', stack: '02' }, { unit: '2', stack: '01' }]);
  assert.deepEqual(floorCells(floors[1], cols).map((f) => f?.room ?? null), [null, '102', '101']);
  assert.deepEqual(stateCounts(floors), { paid: 1, credit: 1, partial: 1, unpaid: 1, suspended: 1, not_opened: 0 });
});

test('every flat state of the grid has a word in both languages in the shared table', () => {
  for (const s of FLAT_STATES) assert.ok(LABELS.flat_state[s]?.zh && LABELS.flat_state[s]?.en, s);
});

test('a phone export is read with its device and operations, and anything else is refused with why', () => {
  const file = JSON.stringify({ device_id: 'd1', exported_at: '2026-12-01T02:00:00Z', ops: [{ type: 'payment' }, { type: 'payment' }, { type: 'visit' }] });
  const read = readOutboxFile('\uFEFF' + file);
  assert.equal(read.device_id, 'd1');
  assert.deepEqual(read.byType, { payment: 2, visit: 1 });
  for (const [text, code] of [['{', 'not_json'], ['[1]', 'not_export'], ['{"ops": []}', 'no_device'], ['{"device_id": "d"}', 'no_ops']]) {
    assert.throws(() => readOutboxFile(text), (e) => e.code === code, text);
  }
  assert.deepEqual(statusCounts({ results: [{ status: 'applied' }, { status: 'duplicate' }, { status: 'applied' }] }), { applied: 2, duplicate: 1 });
});

test('a settings group goes to a form and back in its own types', () => {
  const value = { ratio: '0.30', min_whole_seasons: 1, whole_unit_only: true, daily_rate: null, pay_window: ['05-01', '12-31'] };
  const fields = settingFields(value);
  assert.deepEqual(settingValue(fields), value);
  const edited = fields.map((f) => (f.key === 'min_whole_seasons' ? { ...f, text: '2' } : f.key === 'pay_window' ? { ...f, text: '05-01，12-15' } : f));
  assert.deepEqual(settingValue(edited), { ...value, min_whole_seasons: 2, pay_window: ['05-01', '12-15'] });
  assert.throws(() => settingValue([{ key: 'n', type: 'number', text: 'abc' }]), (e) => e.field === 'n');
});

test('a clerk filters by the collectors the lists named, by name', () => {
  const opts = collectorOptions({}, new Map([['c02', '李四'], ['c01', '张三']]), 'c09');
  assert.deepEqual(opts.map((o) => o.value), ['c01', 'c02', 'c09']);
  assert.equal(opts[0].text, '张三（c01）');
});

test('the new screens have their own bookmarkable URLs', () => {
  assert.deepEqual(parse('/console/review/42'), { name: 'review_item', params: { id: '42' }, query: {} });
  assert.equal(parse('/console/review').name, 'review');
  assert.deepEqual(parse('/console/buildings/7/grid', '?season=2026-2027'),
    { name: 'grid', params: { id: '7' }, query: { season: '2026-2027' } });
  for (const n of ['projects', 'seasons', 'settings', 'import', 'schedule']) assert.equal(parse(build(n)).name, n);
  const u = new URL(build('devices', {}, { silent: 48 }), 'http://x');
  assert.equal(parse(u.pathname, u.search).query.silent, '48');
});

test('the new words exist in both languages', () => {
  setLang('en');
  assert.equal(t('nav.grid'), 'Building grid');
  setLang('zh-CN');
  assert.equal(t('nav.grid'), '楼盘表');
});

test('an operation as sent reads as its fields, time first, nothing empty', () => {
  const lines = sentLines({ at: '2026-12-01T10:00:00+08:00', data: { amount_fen: 2000, method: 'cash', note: '', payer: '张三', photo_ids: ['a'] } });
  assert.deepEqual(lines, [['at', '2026-12-01T10:00:00+08:00'], ['amount_fen', 2000], ['method', 'cash'], ['payer', '张三'], ['photo_ids', '["a"]']]);
  assert.deepEqual(sentLines(null), []);
  assert.deepEqual(sentLines({ data: 'odd' }), []);
});
