import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeApi, ApiError, TOKEN_KEY, dispositionName, query } from '../src/api.js';

function memory(init = {}) {
  const m = new Map(Object.entries(init));
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k), m };
}

function res(status, body, headers = {}) {
  const h = new Map(Object.entries({ 'Content-Type': typeof body === 'string' ? 'application/pdf' : 'application/json', ...headers }));
  return { status, ok: status >= 200 && status < 300, statusText: String(status), headers: { get: (k) => h.get(k) ?? null },
    json: async () => (typeof body === 'string' ? JSON.parse(body) : body), text: async () => String(body),
    blob: async () => ({ size: String(body).length, body }) };
}

function fakeFetch(answers) {
  const calls = [];
  const fn = async (url, opts) => { calls.push({ url, ...opts }); const a = answers.shift(); return typeof a === 'function' ? a(url, opts) : a; };
  fn.calls = calls;
  return fn;
}

test('a request carries the bearer token and the language', async () => {
  const fetch = fakeFetch([res(200, { items: [], total: 0 })]);
  const api = makeApi({ fetch, storage: memory({ [TOKEN_KEY]: 'tok' }), lang: () => 'en' });
  await api.get('/review', { state: 'open', kind: '' , page: 2 });
  assert.equal(fetch.calls[0].url, '/api/v1/review?state=open&page=2');
  assert.equal(fetch.calls[0].headers.Authorization, 'Bearer tok');
  assert.equal(fetch.calls[0].headers['Accept-Language'], 'en');
});

test("a JSON error becomes an ApiError with the server's code and message", async () => {
  const fetch = fakeFetch([res(409, { error: { code: 'already_resolved', message: '已处理过', details: { id: 3 } } })]);
  const api = makeApi({ fetch, storage: memory({ [TOKEN_KEY]: 'tok' }) });
  await assert.rejects(api.post('/review/3/resolve', {}), (e) => e instanceof ApiError && e.code === 'already_resolved'
    && e.message === '已处理过' && e.status === 409 && e.details.id === 3);
});

test('a 401 forgets the token and sends the clerk back to sign-in', async () => {
  const storage = memory({ [TOKEN_KEY]: 'tok' });
  let signedOut = 0;
  const api = makeApi({ fetch: fakeFetch([res(401, { error: { code: 'token_expired', message: '登录已失效' } })]), storage,
    onUnauthorized: () => { signedOut += 1; } });
  await assert.rejects(api.get('/review'), { code: 'token_expired' });
  assert.equal(signedOut, 1);
  assert.equal(storage.getItem(TOKEN_KEY), null);
});

test('a 202 job is polled until done, then its file is saved under the name the server gave', async () => {
  const saved = [];
  const progress = [];
  const fetch = fakeFetch([
    res(202, { job_id: 'j1' }),
    res(200, { state: 'running', done: 1, total: 3 }),
    res(200, { state: 'done', done: 3, total: 3 }),
    res(200, '%PDF-', { 'Content-Disposition': "attachment; filename*=UTF-8''%E6%97%A5%E5%B8%90.pdf" }),
  ]);
  const api = makeApi({ fetch, storage: memory({ [TOKEN_KEY]: 'tok' }), sleep: async () => {}, save: (b, n) => saved.push([b, n]) });
  const name = await api.download('/ledgers/daily?date=2026-12-02&format=pdf', 'fallback.pdf', { onProgress: (j) => progress.push(j.state) });
  assert.equal(name, '日帐.pdf');
  assert.deepEqual(progress, ['running', 'done']);
  assert.deepEqual(fetch.calls.map((c) => c.url), ['/api/v1/ledgers/daily?date=2026-12-02&format=pdf', '/api/v1/jobs/j1',
    '/api/v1/jobs/j1', '/api/v1/jobs/j1/file']);
  assert.equal(saved[0][1], '日帐.pdf');
});

test('a failed job is an error, not a file', async () => {
  const api = makeApi({ fetch: fakeFetch([res(202, { job_id: 'j2' }), res(200, { state: 'failed', done: 0, total: 1 })]),
    storage: memory({ [TOKEN_KEY]: 'tok' }), sleep: async () => {}, save: () => assert.fail('saved') });
  await assert.rejects(api.download('/documents/notices', 'x.pdf', { method: 'POST', body: {} }), { code: 'job_failed' });
});

test('sign-in sends device_name console; a collector is refused and keeps no token', async () => {
  const storage = memory();
  const fetch = fakeFetch([res(200, { token: 't', user: { role: 'collector', name: '王' } }), res(200, { token: 't2', user: { role: 'clerk', name: '文员' } })]);
  const api = makeApi({ fetch, storage });
  await assert.rejects(api.login('c01', 'pw'), { code: 'use_phone_app' });
  assert.equal(JSON.parse(fetch.calls[0].body).device_name, 'console');
  assert.equal(storage.getItem(TOKEN_KEY), null);
  assert.equal((await api.login('clerk', 'pw')).name, '文员');
  assert.equal(storage.getItem(TOKEN_KEY), 't2');
});

test('file names and query strings', () => {
  assert.equal(dispositionName('attachment; filename="a.xlsx"'), 'a.xlsx');
  assert.equal(dispositionName(null), null);
  assert.equal(query({ a: 1, b: '', c: null }), '?a=1');
  assert.equal(query({}), '');
});

test('an upload sends the form as it is, and an accepted 422 is an answer with its report', async () => {
  const report = { rows: 2, imported: 0, updated: 0, errors: [{ row: 2, column: '房号', code: 'duplicate_room', message: 'x' }] };
  const fetch = fakeFetch([res(422, report), res(413, { error: { code: 'file_too_large', message: '过大', details: {} } })]);
  const api = makeApi({ fetch, storage: memory({ [TOKEN_KEY]: 'tok' }) });
  const form = { fake: 'form' };
  assert.deepEqual(await api.upload('/imports/households', form, { accept: [422] }), { status: 422, body: report });
  assert.equal(fetch.calls[0].body, form);
  assert.equal(fetch.calls[0].headers['Content-Type'], undefined);  // the browser writes the multipart boundary
  await assert.rejects(api.upload('/imports/households', form, { accept: [422] }), (e) => e.code === 'file_too_large');
});
