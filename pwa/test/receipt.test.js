import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32, checkCode, receiptNo, verifyUrl } from '../src/receipt.js';

test('base32 is RFC 4648 in lower case without padding', () => {
  const enc = (s) => base32(new TextEncoder().encode(s));
  assert.equal(enc('f'), 'my');
  assert.equal(enc('fo'), 'mzxq');
  assert.equal(enc('foobar'), 'mzxw6ytboi');
});

test('the receipt check code is the first 10 chars of base32 HMAC-SHA256 (vector from Python hmac)', async () => {
  assert.equal(await checkCode('sekret-1', 'K7Q-000017', 'h-1', 100000, '2026-2027'), 'mgqh7ezm53');
  assert.equal(await checkCode('sekret-1', 'K7Q-000018', 'h-1', 5000, null), 'tk653uwem4');
});

test('receipt numbers are the device code and a six-digit counter', () => {
  assert.equal(receiptNo('K7Q', 17), 'K7Q-000017');
  assert.equal(verifyUrl('http://x', 'K7Q-000017', 'abc'), 'http://x/r/K7Q-000017?c=abc');
});
