/**
 * The household cache and its in-memory index: the tree 小区 → 楼 → 单元 → 户, search by owner name,
 * pinyin initials and room, and the optimistic view = server state + pending ops (PROTOCOL.md principle 4).
 */
import { allocate, totalBalance } from './money.js';

const INDEX_FORMAT = 1;

/** A compact row per household: everything the worklist, the tree and search need. */
export function indexRow(h) {
  return {
    id: h.id,
    p: h.project || '',
    b: String(h.building ?? ''),
    u: String(h.unit ?? ''),
    r: String(h.room ?? ''),
    label: h.label || '',
    name: h.owner_name || '',
    ini: (h.owner_initials || '').toLowerCase(),
    bal: totalBalance(h.bills),
    st: h.status || 'active',
    // the last time anyone was at the door, as the server knows it (visits, checks, payments);
    // this phone's own ops are added from the outbox (localVisited)
    lv: lastContact(h),
  };
}

function lastContact(h) {
  let last = '';
  for (const v of h.visits || []) if (v.at && v.at > last) last = v.at;
  for (const p of h.payments || []) if (p.collected_at && p.collected_at > last) last = p.collected_at;
  return last || null;
}

const norm = (part) => part.replace(/^0+(?=\d)/, '');

/** The in-memory index; built once at start, patched after each pull page. */
export class HouseholdIndex {
  constructor(rows = []) {
    this.byId = new Map();
    for (const r of rows) this.byId.set(r.id, r);
    this.localVisited = new Set(); // household ids with an op from this phone this season
    this.localPaid = new Map(); // household id → fen of this phone's payments still waiting
    this._rebuild();
  }

  /** Rows in address order; rebuilt lazily after changes (a 20-page first pull sorts once, not 20 times). */
  get rows() {
    if (this._dirty) this._rebuild();
    return this._rows;
  }

  _rebuild() {
    this._dirty = false;
    this._rows = [...this.byId.values()];
    this._rows.sort((a, b) => cmp(a.p, b.p) || cmpNum(a.b, b.b) || cmpNum(a.u, b.u) || cmpNum(a.r, b.r));
    for (const r of this._rows) {
      r.kp = [norm(r.b), norm(r.u), norm(r.r)];
      r.key = r.kp.join('-');
      r.hay = `${r.name}\u0001${r.label}\u0001${r.p}`;
    }
    this._tree = null;
  }

  get size() {
    return this.byId.size;
  }

  upsert(households, removed = []) {
    for (const h of households) this.byId.set(h.id, indexRow(h));
    for (const id of removed) this.byId.delete(id);
    this._dirty = true;
    this._tree = null;
  }

  reset() {
    this.byId.clear();
    this._dirty = true;
    this._tree = null;
  }

  get(id) {
    return this.byId.get(id);
  }

  /** The balance the collector should see: the server's minus this phone's waiting payments. */
  balance(row) {
    return Math.max(0, row.bal - (this.localPaid.get(row.id) || 0));
  }

  /** Replace the waiting payments (from the outbox's pending ops). */
  setLocalPaid(pendingRecs) {
    const m = new Map();
    for (const rec of pendingRecs) {
      if (rec.op.type === 'payment') m.set(rec.op.household_id, (m.get(rec.op.household_id) || 0) + rec.op.data.amount_fen);
    }
    this.localPaid = m;
    this._tree = null;
  }

  /** Visited in the season: this phone recorded something there, or the server knows a contact since it began. */
  visited(row, season) {
    if (this.localVisited.has(row.id)) return true;
    return Boolean(row.lv && season?.starts_on && row.lv.slice(0, 10) >= season.starts_on);
  }

  /** Filters: arrears, suspended, not visited this season. */
  filter(rows, { arrears, suspended, unvisited }, season) {
    return rows.filter((r) => (!arrears || this.balance(r) > 0) && (!suspended || r.st === 'suspended')
      && (!unvisited || !this.visited(r, season)));
  }

  /**
   * Search: "3-2-501" (room path, a missing last part is a prefix), "501" (room), "zsm" (initials),
   * "张三" (name, address). Ranked: exact, then prefix, then contained. A linear scan over compact
   * strings: ~1-3 ms at 20,000 rows, no IndexedDB on a keystroke.
   */
  search(query, limit = 100) {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const scored = [];
    if (/^[\d\s-]+$/.test(q)) {
      const parts = q.split(/[\s-]+/).filter(Boolean).map(norm);
      for (const r of this.rows) {
        const { kp } = r;
        let s = -1;
        if (parts.length === 1) {
          if (kp[2] === parts[0]) s = 0;
          else if (kp[2].startsWith(parts[0])) s = 2;
        } else {
          const off = kp.length - parts.length; // "2-501" means unit-room
          let ok = off >= 0;
          for (let i = 0; ok && i < parts.length; i++) {
            const k = kp[off + i];
            ok = i === parts.length - 1 ? k.startsWith(parts[i]) : k === parts[i];
          }
          if (ok) s = kp[kp.length - 1] === parts[parts.length - 1] ? 0 : 1;
        }
        if (s >= 0) scored.push([s, r]);
      }
    } else if (/^[a-z]+$/.test(q)) {
      for (const r of this.rows) {
        if (r.ini === q) scored.push([0, r]);
        else if (r.ini.startsWith(q)) scored.push([1, r]);
        else if (r.ini.includes(q)) scored.push([2, r]);
      }
    } else {
      for (const r of this.rows) {
        if (r.name === q) scored.push([0, r]);
        else if (r.name.startsWith(q)) scored.push([1, r]);
        else if (r.hay.includes(q)) scored.push([2, r]);
      }
    }
    // stable sort keeps the address order inside a rank
    scored.sort((a, b) => a[0] - b[0]);
    return { total: scored.length, rows: scored.slice(0, limit).map((x) => x[1]) };
  }

  /** Tree 小区 → 楼 → 单元 → 户 with a count and arrears (count and total) at each level. */
  tree() {
    if (this._tree) return this._tree;
    const root = node('', null);
    for (const r of this.rows) {
      const p = child(root, r.p);
      const b = child(p, r.b);
      const u = child(b, r.u);
      u.rows.push(r);
      const bal = this.balance(r);
      for (const n of [root, p, b, u]) {
        n.count += 1;
        if (bal > 0) {
          n.arrears += 1;
          n.arrears_fen += bal;
        }
      }
    }
    this._tree = root;
    return root;
  }
}

function node(name, parent) {
  return { name, parent, children: new Map(), rows: [], count: 0, arrears: 0, arrears_fen: 0 };
}

function child(parent, name) {
  let c = parent.children.get(name);
  if (!c) {
    c = node(name, parent);
    parent.children.set(name, c);
  }
  return c;
}

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const cmpNum = (a, b) => {
  const x = parseInt(a, 10);
  const y = parseInt(b, 10);
  return Number.isNaN(x) || Number.isNaN(y) || x === y ? cmp(a, b) : x - y;
};

/* ---------- persistence of the cache ---------- */

/**
 * Store one pull page in one transaction with its cursor, so a crash between pages never leaves
 * households newer than the cursor says (PROTOCOL.md, Pull). `reset` drops the cached households,
 * never the outbox.
 */
export async function storePullPage(db, page, { acknowledge, now = Date.now() } = {}) {
  const tx = db.transaction(['households', 'meta', 'outbox'], 'readwrite');
  const hs = tx.objectStore('households');
  if (page.reset) await hs.clear();
  for (const h of page.households || []) await hs.put({ ...h, _stored_at: now });
  for (const id of page.removed || []) await hs.delete(id);
  const meta = tx.objectStore('meta');
  await meta.put(page.cursor, 'cursor');
  if (page.seasons) await meta.put(page.seasons, 'seasons');
  if (page.company?.name) await meta.put(page.company, 'company');
  await meta.put(now, 'last_pull_at');
  let acked = 0;
  if (acknowledge) acked = await acknowledge(tx.objectStore('outbox'));
  await tx.done;
  return acked;
}

/** Save the compact index with the cursor it reflects. */
export async function saveIndex(db, index) {
  const cursor = await db.get('meta', 'cursor');
  await db.put('meta', { format: INDEX_FORMAT, cursor, rows: index.rows.map(stripRow) }, 'hindex');
}

function stripRow({ key, kp, hay, ...rest }) {
  return rest;
}

/** Load the index: the saved one if it matches the cursor, else rebuilt from the households store. */
export async function loadIndex(db) {
  const [saved, cursor] = await Promise.all([db.get('meta', 'hindex'), db.get('meta', 'cursor')]);
  if (saved && saved.format === INDEX_FORMAT && saved.cursor === cursor) return new HouseholdIndex(saved.rows);
  const all = await db.getAll('households');
  const index = new HouseholdIndex(all.map(indexRow));
  if (cursor !== undefined) await saveIndex(db, index);
  return index;
}

/* ---------- optimistic state ---------- */

// a payment's state from its outbox record alone, before a pull lists it (PROTOCOL.md, Push: status)
const OUTBOX_PAYMENT_STATE = { applied: 'recorded', duplicate: 'recorded', held: 'held', received: 'sent',
  rejected: 'rejected' };

/**
 * The state of one of this phone's payments now. Once a pull lists it, the server's record decides: a clerk
 * may since have voided it, accepted a held one or refused a void request, and the push answer the outbox
 * keeps says none of that. Before, what the outbox knows: `pending`, `sent`, `recorded`, `held`, `rejected`.
 */
export function paymentState(rec, serverPayment) {
  if (serverPayment?.state) return serverPayment.state;
  if (rec.pending_seq !== undefined) return 'pending';
  return OUTBOX_PAYMENT_STATE[rec.state] || 'sent';
}

/**
 * Money the collector still holds and hands over at day close. A voided payment was undone by a clerk (say,
 * entered twice: the cash was taken once); a rejected one never became money on the server. Held and
 * void_requested ones are cash in hand until a clerk decides.
 */
export function countsAsTaken(state) {
  return state !== 'voided' && state !== 'rejected';
}

/** The server's record of each payment these ops name, from the cached households: op_id → payment. */
export async function serverPayments(db, recs) {
  const out = new Map();
  for (const id of new Set(recs.map((r) => r.op.household_id))) {
    const h = await db.get('households', id);
    for (const p of h?.payments || []) out.set(p.op_id, p);
  }
  return out;
}

/**
 * The household as the collector should see it: the server's last record with this phone's own
 * ops on top. A payment adds to the bills while it waits, and after the server took it until a pull
 * brings a newer household record (whose bills then hold it); it stays listed while the server's
 * `payments` do not name it. Rejected ops are never overlaid (they are listed in `rejected`, and in the
 * outbox, with their error). Held payments are listed but do not touch a balance (PROTOCOL.md, Push).
 * `pending` is true while one of this phone's ops for the household waits to be sent.
 */
export function optimistic(household, ops) {
  const h = structuredClone(household);
  h.bills = h.bills || [];
  h.payments = h.payments || [];
  h.local = [];
  h.rejected = []; // listed on the card with their error, so the collector sees what to record again
  const seen = new Set(h.payments.map((p) => p.op_id));
  const storedAt = household._stored_at || 0;
  const localPayments = [];
  for (const rec of ops) {
    if (rec.state === 'rejected') {
      h.rejected.push(rec);
      continue;
    }
    const waiting = rec.pending_seq !== undefined;
    const { op } = rec;
    if (op.type === 'payment') {
      if (seen.has(op.op_id)) continue;
      // after a newer server record, the bills already hold it: list it, do not add it again
      const inBills = !waiting && rec.done_at && storedAt > rec.done_at;
      const held = rec.state === 'held';
      const alloc = rec.result?.allocations
        ? { allocations: rec.result.allocations }
        : allocate(h.bills, op.data.amount_fen, op.data.season || null);
      if (!held && !inBills) {
        let placed = 0;
        for (const a of alloc.allocations) {
          const bill = h.bills.find((b) => b.season === a.season);
          if (bill) {
            bill.paid_fen += a.amount_fen;
            bill.balance_fen = Math.max(0, bill.due_fen - bill.paid_fen);
            placed += a.amount_fen;
          }
        }
        // what no bill took is credit (预存) until the server's record holds it (`credit_fen`, sync/grid.py)
        if (op.data.amount_fen > placed) h.credit_fen = (h.credit_fen || 0) + op.data.amount_fen - placed;
      }
      localPayments.push({ op_id: op.op_id, receipt_no: op.data.receipt_no, amount_fen: op.data.amount_fen,
        method: op.data.method, collected_at: op.at, state: paymentState(rec, null), flags: rec.result?.flags || [],
        local: true });
    } else if (op.type === 'payment_void') {
      const p = h.payments.find((x) => x.op_id === op.data.payment_op_id)
        || localPayments.find((x) => x.op_id === op.data.payment_op_id);
      if (p && p.state !== 'voided') p.void_pending = waiting;
    } else if (op.type === 'contact_update') {
      if (waiting) h.phone_pending = op.data.phone;
    }
    // a visit or check shows from the phone until a newer server record (its `visits`) can hold it
    if (op.type !== 'payment' && (waiting || !rec.done_at || storedAt <= rec.done_at)) h.local.push(rec);
  }
  // this phone's own payments, as the server lists them, keep their receipt and void links
  const mine = new Set(ops.filter((r) => r.op.type === 'payment').map((r) => r.op_id));
  for (const p of h.payments) if (mine.has(p.op_id)) p.mine = true;
  const byTimeDesc = (a, b) => (a.collected_at < b.collected_at ? 1 : a.collected_at > b.collected_at ? -1 : 0);
  h.payments = [...localPayments.reverse(), ...h.payments.sort(byTimeDesc)];
  h.balance_fen = totalBalance(h.bills);
  h.pending = ops.some((rec) => rec.pending_seq !== undefined);
  return h;
}
