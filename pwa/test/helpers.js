import 'fake-indexeddb/auto';
import { openDb } from '../src/db.js';

let n = 0;
/** A fresh database per test, signed in as device K7Q. */
export async function freshDb({ session = true } = {}) {
  const db = await openDb({ name: `test-${process.pid}-${n++}` });
  if (session) {
    await db.put('meta', { token: 't', device_id: 'dev-1', device_code: 'K7Q', device_secret: 'sekret-1',
      user: { id: 1, name: '王师傅', role: 'collector' } }, 'session');
  }
  return db;
}

export function household(id, over = {}) {
  return {
    id, version: 1, project: '华远·静园', building: '3', unit: '2', room: '501', label: '3号楼2单元501',
    owner_name: '张三明', owner_initials: 'zsm', phone_masked: '138****5678', area_m2: '89.50',
    category: 'residential', status: 'active',
    bills: [{ season: '2026-2027', due_fen: 214800, paid_fen: 100000, balance_fen: 114800 }],
    payments: [], dunning_stage: 'none', ...over,
  };
}
