import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MAX_LEN, opProblem, charCount } from '../src/limits.js';

const READERS = { _payment: 'payment', _payment_void: 'payment_void', _vacancy_check: 'vacancy_check',
  _area_check: 'area_check', _visit: 'visit', _contact_update: 'contact_update' };

/** The text limits of each operation type as the server's sync/ops.py has them: f.text("name", N …). */
function serverTextLimits() {
  const src = readFileSync(new URL('../../sync/ops.py', import.meta.url), 'utf8');
  const out = {};
  for (const [, name, body] of src.matchAll(/^def (_\w+)\(f: _Fields\):\n((?:(?: {4}.*)?\n)+)/gm)) {
    const type = READERS[name];
    if (!type) continue;
    for (const [, field, max] of body.matchAll(/f\.text\("(\w+)", (\d+)/g)) {
      (out[type] ||= {})[field] = Number(max);
    }
  }
  return out;
}

test("the phone's text limits are the server's (sync/ops.py)", () => {
  const server = serverTextLimits();
  assert.ok(server.visit && server.vacancy_check, 'ops.py was read');
  assert.deepEqual(MAX_LEN, server);
});

const vc = (over = {}) => ({ season: '2026-2027', finding: 'vacant', ...over });

test('a vacancy check needs the valve seal chosen; the seal condition may be left unchecked', () => {
  assert.deepEqual(opProblem('vacancy_check', vc()), { field: 'valve_sealed', code: 'choose' });
  assert.deepEqual(opProblem('vacancy_check', { season: '2026-2027', valve_sealed: true }),
    { field: 'finding', code: 'choose' });
  assert.equal(opProblem('vacancy_check', vc({ valve_sealed: false })), null);
  assert.equal(opProblem('vacancy_check', vc({ valve_sealed: true, seal_no: 'FH-1' })), null);
  assert.equal(opProblem('vacancy_check', vc({ valve_sealed: true, seal_intact: false })), null);
  assert.deepEqual(opProblem('vacancy_check', vc({ valve_sealed: 'yes' })), { field: 'valve_sealed', code: 'invalid' });
  assert.deepEqual(opProblem('vacancy_check', { finding: 'vacant', valve_sealed: true }),
    { field: 'season', code: 'missing' });
});

test('vacancy and area notes stop at 500 characters, counted as the server counts them', () => {
  assert.equal(opProblem('vacancy_check', vc({ valve_sealed: true, note: '漏'.repeat(500) })), null);
  assert.deepEqual(opProblem('vacancy_check', vc({ valve_sealed: true, note: '漏'.repeat(501) })),
    { field: 'note', code: 'too_long', max: 500 });
  assert.deepEqual(opProblem('vacancy_check', vc({ valve_sealed: true, witness: 'x'.repeat(51) })),
    { field: 'witness', code: 'too_long', max: 50 });
  assert.deepEqual(opProblem('area_check', { measured_area_m2: '89.50', note: 'a'.repeat(501) }),
    { field: 'note', code: 'too_long', max: 500 });
  assert.equal(charCount('😀😀'), 2); // Python's len, not UTF-16 units
});

test('a measured area must be above 0 with at most two decimals', () => {
  for (const bad of ['0', '0.00', '00', '-1', '1.234', '1e2', '100000', ' ', 'abc']) {
    assert.deepEqual(opProblem('area_check', { measured_area_m2: bad }), { field: 'measured_area_m2', code: 'invalid' }, bad);
  }
  for (const good of ['0.01', '89.5', '89.50', '99999.99']) assert.equal(opProblem('area_check', { measured_area_m2: good }), null);
  assert.deepEqual(opProblem('area_check', {}), { field: 'measured_area_m2', code: 'missing' });
});

test('a visit needs its text, at most 2000 characters, and stars from 1 to 5', () => {
  assert.deepEqual(opProblem('visit', { kind: 'follow_up' }), { field: 'text', code: 'missing' });
  assert.equal(opProblem('visit', { kind: 'follow_up', text: '字'.repeat(2000) }), null);
  assert.equal(opProblem('visit', { kind: 'follow_up', text: '😀'.repeat(2000) }), null);
  assert.deepEqual(opProblem('visit', { kind: 'follow_up', text: '字'.repeat(2001) }),
    { field: 'text', code: 'too_long', max: 2000 });
  assert.deepEqual(opProblem('visit', { kind: 'survey', text: 'ok', satisfaction: 6 }),
    { field: 'satisfaction', code: 'invalid' });
  assert.deepEqual(opProblem('visit', { kind: 'chat', text: 'ok' }), { field: 'kind', code: 'invalid' });
});

test("phone numbers follow the server's pattern", () => {
  for (const good of ['13900001234', '+86 139-0000-1234', '123456']) assert.equal(opProblem('contact_update', { phone: good }), null, good);
  for (const bad of ['+-------', '12345', '1'.repeat(21), '139\t0000', '']) {
    assert.ok(opProblem('contact_update', { phone: bad }), bad);
  }
});

test('a void request needs a reason of at most 500 characters', () => {
  const id = '0190a1b2-0000-7000-8000-000000000001';
  assert.equal(opProblem('payment_void', { payment_op_id: id, reason: '重复录入' }), null);
  assert.deepEqual(opProblem('payment_void', { payment_op_id: id, reason: 'x'.repeat(501) }),
    { field: 'reason', code: 'too_long', max: 500 });
});
