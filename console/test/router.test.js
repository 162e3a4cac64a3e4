import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, build } from '../src/router.js';

test('a bookmarked list URL names its screen, page and filters', () => {
  assert.deepEqual(parse('/console/review', '?state=resolved&kind=overpaid&page=3'),
    { name: 'review', params: {}, query: { state: 'resolved', kind: 'overpaid', page: '3' } });
});

test('a household page carries its id, and its audit trail is its own route', () => {
  assert.deepEqual(parse('/console/households/019a-x').params, { id: '019a-x' });
  assert.equal(parse('/console/households/019a-x/audit').name, 'household_audit');
  assert.equal(parse('/console/households').name, 'households');
});

test('the bare console opens the review queue and an unknown path is not found', () => {
  assert.equal(parse('/console/').name, 'review');
  assert.equal(parse('/console').name, 'review');
  assert.equal(parse('/console/nowhere').name, 'not_found');
});

test('building a URL leaves empty filters out and parses back to the same route', () => {
  const url = build('households', {}, { q: 'zsm', project: '', in_arrears: 1, page: 2 });
  assert.equal(url, '/console/households?q=zsm&in_arrears=1&page=2');
  const [path, search] = url.split('?');
  assert.deepEqual(parse(path, '?' + search).query, { q: 'zsm', in_arrears: '1', page: '2' });
  assert.equal(build('household', { id: 'a/b' }), '/console/households/a%2Fb');
  assert.equal(parse('/console/households/a%2Fb').params.id, 'a/b');
});
