import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { daySummary } from '../src/ui/day.js';
import { rejectionText, syncErrorText, opStateText, problemText } from '../src/ui/common.js';
import { failureCode } from '../src/sync.js';
import { ApiError, makeApi } from '../src/api.js';
import { t, setLang } from '../src/i18n.js';
import { shanghaiDate, localIso } from '../src/time.js';

const rec = (seq, method, amount, type = 'payment', over = {}) => ({ op_id: `op-${seq}`, state: 'applied',
  op: { seq, type, data: { method, amount_fen: amount } }, ...over });

test('the day summary totals payments by method and names the cash to hand in', () => {
  const sum = daySummary([rec(2, 'cash', 100000), rec(1, 'wechat', 5000), rec(3, 'cash', 25050),
    rec(4, null, 0, 'visit')]);
  assert.equal(sum.payments.length, 3);
  assert.deepEqual(sum.payments.map((r) => r.op.seq), [1, 2, 3]);
  assert.equal(sum.cash, 125050);
  assert.equal(sum.total, 130050);
  assert.deepEqual(sum.byMethod, { cash: 125050, wechat: 5000 });
});

test('the ledger day is the date in Asia/Shanghai, not the phone zone', () => {
  assert.equal(shanghaiDate(new Date('2026-11-26T16:30:00Z')), '2026-11-27');
  assert.equal(shanghaiDate(new Date('2026-11-26T15:59:59Z')), '2026-11-26');
  assert.match(localIso(new Date()), /[+-]\d\d:\d\d$/);
});

test('every Chinese UI text has an English one and the other way round', () => {
  const src = readFileSync(new URL('../src/i18n.js', import.meta.url), 'utf8');
  const block = (name) => src.slice(src.indexOf(`const ${name} = {`), src.indexOf('};', src.indexOf(`const ${name} = {`)));
  const keys = (b) => new Set([...b.matchAll(/'([a-z_.]+[a-z_])':/g)].map((m) => m[1]));
  const zh = keys(block('zh'));
  const en = keys(block('en'));
  assert.deepEqual([...zh].filter((k) => !en.has(k)), []);
  assert.deepEqual([...en].filter((k) => !zh.has(k)), []);
  setLang('en');
  assert.equal(t('sync.waiting', 3), '3 waiting');
  setLang('zh-CN');
  assert.equal(t('sync.waiting', 3), '3 条待同步');
});

test("a payment a clerk voided is left out of the day's cash; held and void-requested ones are still cash in hand", () => {
  const recs = [rec(1, 'cash', 100000), rec(2, 'cash', 100000), rec(3, 'cash', 5000), rec(4, 'cash', 700),
    rec(5, 'wechat', 300, 'payment', { state: 'pending', pending_seq: 5 }),
    rec(6, 'cash', 200000000, 'payment', { state: 'rejected' })];
  // the server's records from the last pull: #2 was entered twice and voided, #3 waits for a clerk's void
  // decision, #4 came from a revoked device and is held
  const server = new Map([['op-1', { state: 'recorded' }], ['op-2', { state: 'voided' }],
    ['op-3', { state: 'void_requested' }], ['op-4', { state: 'held' }]]);
  const sum = daySummary(recs, server);
  assert.deepEqual(sum.payments.map((r) => r.shown), ['recorded', 'voided', 'void_requested', 'held', 'pending',
    'rejected']);
  assert.equal(sum.cash, 105700);
  assert.equal(sum.total, 106000);
  assert.deepEqual(sum.byMethod, { cash: 105700, wechat: 300 });
  assert.equal(sum.taken.length, 4);
  assert.equal(sum.leftOut, 2);
  // before any pull lists them, the outbox's push answer decides
  assert.equal(daySummary([rec(1, 'cash', 100)]).cash, 100);
});

test('a rejected op names the field the server refused, in Chinese, with its limit', () => {
  const err = { code: 'invalid_field', message: '字段格式不正确', details: { field: 'text', max_length: 2000 } };
  assert.equal(rejectionText(err), '格式不正确：走访内容（最多 2000 字） (invalid_field)');
  assert.equal(rejectionText({ code: 'missing_field', message: '缺少必填字段', details: { field: 'valve_sealed' } }),
    '缺少必填项：阀门是否铅封 (missing_field)');
  assert.equal(rejectionText({ code: 'invalid_field', message: 'x', details: { field: 'new_thing' } }),
    '格式不正确：new_thing (invalid_field)');
  assert.match(rejectionText({ code: 'amount_out_of_range', details: { field: 'amount_fen' } }), /金额超出范围.*amount_out_of_range/);
  assert.equal(problemText({ field: 'note', code: 'too_long', max: 500 }), '备注最多 500 字');
  assert.equal(problemText({ field: 'valve_sealed', code: 'choose' }), '请选择阀门是否铅封');
});

test('sync failures are told in Chinese: no network, a busy server, a lost sign-in', async () => {
  assert.equal(failureCode(new TypeError('Failed to fetch')), 'network');
  assert.equal(failureCode(new ApiError(503, 'service_unavailable')), 'server');
  assert.equal(failureCode(new ApiError(502)), 'server');
  assert.equal(failureCode(new ApiError(401, 'token_expired')), 'auth');
  assert.equal(failureCode(new ApiError(403, 'device_mismatch')), 'device_mismatch');
  assert.equal(syncErrorText('network'), '网络不可用，联网后自动重试');
  assert.equal(syncErrorText('server'), '服务器暂时不可用，稍后自动重试');
  assert.equal(syncErrorText('device_mismatch'), 'device_mismatch');
  // fetch's own error becomes the code `network` at the API layer
  const api = makeApi({ fetchImpl: async () => { throw new TypeError('Failed to fetch'); } });
  await assert.rejects(api.pull(null), (e) => e instanceof ApiError && e.code === 'network');
});

test('the outbox says 已入账 only of money; a check or a visit the server took is 已记录', () => {
  assert.equal(opStateText('applied', 'payment'), '已入账');
  assert.equal(opStateText('applied', 'vacancy_check'), '已记录');
  assert.equal(opStateText('duplicate', 'area_check'), '已记录（重复上传）');
  assert.equal(opStateText('rejected', 'visit'), '被拒绝');
});

test('the household card lists its complaints and says when an open temperature complaint pauses dunning', async () => {
  const { Complaints } = await import('../src/ui/household.js');
  const text = (v) => (v == null || typeof v === 'boolean' ? '' : typeof v !== 'object' ? String(v)
    : Array.isArray(v) ? v.map(text).join('') : typeof v.type === 'function' ? text(v.type(v.props))
      : text(v.props?.children));
  const ids = (v, id) => (v == null || typeof v !== 'object' ? 0 : Array.isArray(v) ? v.reduce((n, x) => n + ids(x, id), 0)
    : (v.props?.['data-testid'] === id ? 1 : 0) + ids(typeof v.type === 'function' ? v.type(v.props) : v.props?.children, id));
  setLang('zh-CN');
  assert.equal(Complaints({ list: [] }), null);
  const open = { id: 1, category: 'temperature', state: 'open', text: '卧室16度', opened_at: '2026-12-01T02:00:00Z' };
  const closed = { id: 2, category: 'billing', state: 'closed', text: '账单有误', opened_at: '2026-11-20T02:00:00Z' };
  const card = Complaints({ list: [open, closed] });
  assert.equal(ids(card, 'complaint'), 2);
  assert.equal(ids(card, 'dunning-paused'), 1);
  assert.match(text(card), /室温不达标.*处理中.*卧室16度.*收费问题.*已结案.*账单有误/s);
  assert.equal(ids(Complaints({ list: [closed, { ...open, category: 'service' }] }), 'dunning-paused'), 0);
  setLang('en');
  assert.match(text(Complaints({ list: [open] })), /Complaints.*Temperature.*Open/s);
  setLang('zh-CN');
});
