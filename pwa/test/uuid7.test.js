import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uuid7 } from '../src/uuid7.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('a UUIDv7 carries its millisecond in front, then version 7 and the RFC variant', () => {
  const at = Date.UTC(2026, 10, 26, 1, 12, 0, 345);
  const id = uuid7(at, (n) => new Uint8Array(n).fill(0xff));
  assert.match(id, V7);
  assert.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), at);
  assert.equal(id, `${at.toString(16).padStart(12, '0').replace(/^(.{8})(.{4})$/, '$1-$2')}-7fff-bfff-ffffffffffff`);
});

test('ids made later sort later as text, and ids of one millisecond still differ', () => {
  const start = Date.UTC(2026, 10, 26);
  const ids = Array.from({ length: 2000 }, (_, i) => uuid7(start + Math.floor(i / 4)));
  assert.ok(ids.every((id) => V7.test(id)));
  assert.equal(new Set(ids).size, ids.length);
  for (let i = 4; i < ids.length; i += 4) assert.ok(ids[i - 1] < ids[i], `${ids[i - 1]} < ${ids[i]}`);
});
