import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { daySummary } from '../src/ui/day.js';
import { t, setLang } from '../src/i18n.js';
import { shanghaiDate, localIso } from '../src/time.js';

const rec = (seq, method, amount, type = 'payment') => ({ op: { seq, type, data: { method, amount_fen: amount } } });

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
