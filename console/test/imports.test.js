import { test } from 'node:test';
import assert from 'node:assert/strict';
import { badRows, cellText, HEADERS } from '../src/screens/imports.js';

test('a bad cell shows what is wrong in it, without the row and column the grid already shows', () => {
  assert.equal(cellText('第 101 行「建筑面积」：建筑面积不是数字（最多两位小数）：“八十”'), '建筑面积不是数字（最多两位小数）：“八十”');
  assert.equal(cellText('Row 5, column 房号: Another row of the file is the same room (rows 7)'),
    'Another row of the file is the same room (rows 7)');
});

test('the report becomes one grid row per bad row, each bad cell with its errors', () => {
  const errors = [{ row: 9, column: '小区', code: 'unknown_project', message: 'x' },
    { row: 3, column: '建筑面积', code: 'area_not_number', message: 'a' },
    { row: 3, column: '联系电话', code: 'phone_malformed', message: 'p' }];
  const rows = badRows(errors);
  assert.deepEqual(rows.map((r) => r.row), [3, 9]);
  assert.deepEqual(Object.keys(rows[0].cells).sort(), ['建筑面积', '联系电话'].sort());
  assert.equal(badRows(errors, 1).length, 1);
  assert.ok(Object.keys(rows[0].cells).every((c) => HEADERS.includes(c)));
});
