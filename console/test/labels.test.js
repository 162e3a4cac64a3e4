import { test } from 'node:test';
import assert from 'node:assert/strict';
import { t, label, setLang, TABLES } from '../src/i18n.js';
import { LABELS } from '../../pwa/src/labels.js';
import { detailLines, decisionsFor } from '../src/screens/review.js';
import { overShort } from '../src/screens/ledgers.js';
import { pct, bjTime, isoWeek } from '../src/format.js';

test('a flag reads as words in one language at a time, never the raw code or both', () => {
  setLang('zh-CN');
  assert.equal(label('flag', 'duplicate_suspect'), '疑似重复收费');
  assert.equal(label('decision', 'accept'), '确认入账');
  setLang('en');
  assert.equal(label('flag', 'duplicate_suspect'), 'Possible duplicate');
  assert.equal(t('nav.review'), 'Review queue');
  setLang('zh-CN');
  assert.equal(label('flag', 'brand_new_flag'), 'brand_new_flag');
});

test('every console word exists in both languages', () => {
  assert.deepEqual(Object.keys(TABLES.en).sort(), Object.keys(TABLES['zh-CN']).sort());
});

test('every shared label has a Chinese and an English word', () => {
  for (const [kind, entries] of Object.entries(LABELS)) {
    if (kind.startsWith('_')) continue;
    for (const [code, e] of Object.entries(entries)) assert.ok(e.zh && e.en, `${kind}.${code}`);
  }
});

test('a payment flag offers accept, void and dismiss unless the server lists the decisions', () => {
  assert.deepEqual(decisionsFor({ kind: 'overpaid' }), ['accept', 'void', 'dismiss']);
  assert.deepEqual(decisionsFor({ kind: 'complaint' }), ['accept', 'dismiss']);
  assert.deepEqual(decisionsFor({ kind: 'area_mismatch', decisions: ['rebill', 'dismiss'] }), ['rebill', 'dismiss']);
});

test('what the phone reported reads as words', () => {
  setLang('zh-CN');
  assert.deepEqual(detailLines({ reason: '录错户', skew_seconds: 720, valve_sealed: true, junk: 1 }),
    [['理由', '录错户'], ['阀门铅封', '是'], ['手机时间偏差', '快 12 分钟']]);
});

test('a hand-over one yuan over reads 长款 ¥1.00', () => {
  setLang('zh-CN');
  assert.equal(overShort(100), '长款 ¥1.00');
  assert.equal(overShort(-5), '短款 ¥0.05');
  assert.equal(overShort(0), '相符');
});

test('rates, Beijing times and ISO weeks', () => {
  assert.equal(pct('0.6831'), '68.31%');
  assert.equal(pct(null), '—');
  assert.equal(bjTime('2026-12-02T06:53:06Z'), '2026-12-02 14:53');
  assert.equal(isoWeek('2026-12-03'), '2026-W49');
  assert.equal(isoWeek('2027-01-01'), '2026-W53');
});
