import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pageOf, perPageOf, pageCount, rowRange, pageButtons } from '../src/paging.js';

test('a page from the URL is a positive integer, anything else is page 1', () => {
  assert.equal(pageOf('3'), 3);
  for (const v of [undefined, '', '0', '-2', 'x']) assert.equal(pageOf(v), 1);
  assert.equal(perPageOf('100'), 100);
  assert.equal(perPageOf('7'), 50);
});

test('120 rows at 50 a page make 3 pages and the second shows rows 51 to 100', () => {
  assert.equal(pageCount(120, 50), 3);
  assert.equal(pageCount(0, 50), 1);
  assert.deepEqual(rowRange(2, 50, 120), { from: 51, to: 100 });
  assert.deepEqual(rowRange(3, 50, 120), { from: 101, to: 120 });
  assert.deepEqual(rowRange(1, 50, 0), { from: 0, to: 0 });
});

test('page buttons show the ends and two either side, with gaps', () => {
  assert.deepEqual(pageButtons(1, 3), [1, 2, 3]);
  assert.deepEqual(pageButtons(10, 20), [1, null, 8, 9, 10, 11, 12, null, 20]);
});
