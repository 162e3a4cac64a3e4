import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, household } from './helpers.js';
import { Syncer, takeBatch } from '../src/sync.js';
import { recordOp, pendingCount } from '../src/outbox.js';
import { HouseholdIndex } from '../src/households.js';
import { ApiError } from '../src/api.js';

/** A fake server that keeps op_ids like the real one (PROTOCOL.md, Push) and serves pulls. */
function fakeServer() {
  const seen = new Map();
  const s = {
    pushes: [], pulls: [], households: [household('a')], loseNextAnswer: false, failPull: null,
    lastSeq: 0, applied: () => [...seen.values()].filter((r) => r.status === 'applied').length,
    async push(body) {
      s.pushes.push(body);
      const results = body.ops.map((op) => {
        if (seen.has(op.op_id)) return { ...seen.get(op.op_id), status: 'duplicate' };
        const r = { op_id: op.op_id, seq: op.seq, status: 'applied', flags: [], error: null };
        seen.set(op.op_id, r);
        s.lastSeq = Math.max(s.lastSeq, op.seq);
        return r;
      });
      if (s.loseNextAnswer) {
        s.loseNextAnswer = false;
        throw new TypeError('Failed to fetch');
      }
      return { server_time: new Date().toISOString(), results };
    },
    async pull(cursor) {
      s.pulls.push(cursor);
      if (s.failPull) throw s.failPull;
      return { cursor: 'c1', has_more: false, reset: false, households: cursor ? [] : s.households, removed: [],
        seasons: [{ id: '2026-2027', open: true }], device_last_seq: s.lastSeq, server_time: new Date().toISOString() };
    },
    async putAttachment() {},
  };
  return s;
}

async function setup() {
  const db = await freshDb();
  const api = fakeServer();
  const index = new HouseholdIndex();
  const states = [];
  const syncer = new Syncer({ db, api, index, getSession: () => ({ device_id: 'dev-1' }), locks: null,
    onState: (s) => states.push(s), uploadPhotos: async () => {} });
  return { db, api, index, syncer, states };
}

const pay = (amount) => ({ type: 'payment', household_id: 'a', data: { amount_fen: amount, method: 'cash' } });

test('a cycle pushes the outbox oldest first, then pulls; the outbox empties', async () => {
  const { db, api, index, syncer } = await setup();
  for (let i = 1; i <= 3; i++) await recordOp(db, pay(i));
  await syncer.cycle();
  assert.deepEqual(api.pushes[0].ops.map((o) => o.seq), [1, 2, 3]);
  assert.equal(api.pushes[0].device_id, 'dev-1');
  assert.equal(api.pushes[0].outbox_depth, 3);
  assert.ok(api.pushes[0].app_version);
  assert.equal(await pendingCount(db), 0);
  assert.equal(index.size, 1);
  assert.equal(await db.get('meta', 'cursor'), 'c1');
});

test('a lost push answer: the retry is a duplicate, nothing is applied twice', async () => {
  const { db, api, syncer } = await setup();
  await recordOp(db, pay(100));
  api.loseNextAnswer = true;
  api.failPull = new TypeError('offline');
  await assert.rejects(syncer.cycle());
  assert.equal(await pendingCount(db), 1, 'the op stays while its fate is unknown');
  api.failPull = null;
  await syncer.cycle();
  assert.equal(await pendingCount(db), 0);
  assert.equal(api.applied(), 1);
  const [rec] = await db.getAll('outbox');
  assert.equal(rec.state, 'duplicate');
});

test("a lost push answer is also cleared by the pull's device_last_seq", async () => {
  const { db, api, syncer } = await setup();
  await recordOp(db, pay(100));
  api.loseNextAnswer = true;
  await assert.rejects(syncer.cycle()); // push fails: the cycle stops
  // the server has it; a pull alone (as after the phone reopens) acknowledges it
  await syncer._pull({ device_id: 'dev-1' }, { acked: 0, pulled: 0 });
  assert.equal(await pendingCount(db), 0);
  assert.equal((await db.getAll('outbox'))[0].state, 'received');
});

test('batches hold at most 500 ops, and an over-large batch (413) is split', async () => {
  const { db, api, syncer } = await setup();
  for (let i = 0; i < 620; i++) await recordOp(db, pay(i + 1));
  const realPush = api.push;
  let first = true;
  api.push = async (body) => {
    if (first && body.ops.length > 250) {
      first = false;
      throw new ApiError(413, 'batch_too_large');
    }
    return realPush(body);
  };
  await syncer.cycle();
  assert.deepEqual(api.pushes.map((p) => p.ops.length), [250, 370]);
  assert.equal(await pendingCount(db), 0);
  assert.equal(takeBatch(Array.from({ length: 900 }, () => ({ op: { a: 1 } }))).length, 500);
});

test('a 401 on sync shows "sign in again" but recording goes on', async () => {
  const { db, api, syncer, states } = await setup();
  api.push = async () => { throw new ApiError(401, 'token_expired'); };
  await recordOp(db, pay(1));
  await assert.rejects(syncer.cycle());
  assert.ok(states.some((s) => s.authError === 'token_expired'));
  await recordOp(db, pay(2));
  assert.equal(await pendingCount(db), 2);
});

test('the timer backs off from 5 s to 5 min while failing', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 20].map(Syncer.delay),
    [5000, 10000, 20000, 40000, 80000, 160000, 300000, 300000, 300000]);
  assert.equal(Syncer.delay(0), 60000);
});

test('only one cycle runs at a time in a tab', async () => {
  const { db, api, syncer } = await setup();
  await recordOp(db, pay(1));
  const [a, b] = [syncer.cycle(), syncer.cycle()];
  assert.equal(a, b);
  await a;
  assert.equal(api.pushes.length, 1);
});
