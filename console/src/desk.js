/** The rules behind the review detail, the bulk decision, the assignments, the building grid and the outbox
 * import (issue 12, items 4, 5, 7): pure functions, tested with node:test, so the screens only draw. */

/** The decisions a bulk bar may offer for these entries: only when every one is open and of one kind, and
 * then only what each of them offers (the server decides each as one resolve). Else null, with why. */
export function bulkChoice(entries = []) {
  if (!entries.length) return { ok: false, why: 'none' };
  const kinds = new Set(entries.map((e) => e.kind));
  if (kinds.size > 1) return { ok: false, why: 'kinds' };
  if (entries.some((e) => e.state !== 'open')) return { ok: false, why: 'resolved' };
  let common = null;
  for (const e of entries) {
    const own = new Set(e.decisions || []);
    common = common === null ? own : new Set([...common].filter((d) => own.has(d)));
  }
  const decisions = [...(common || [])];
  return decisions.length ? { ok: true, kind: [...kinds][0], decisions } : { ok: false, why: 'no_decision' };
}

/** What a bulk answer says: {done: n, failed: [{id, code}]} from POST /review/bulk's {resolved, failed}. */
export function bulkSummary(answer = {}) {
  return { done: (answer.resolved || []).length, failed: (answer.failed || []).map((f) => ({ id: f.id, code: f.code })) };
}

/** A decision may be sent only with a reason: the trimmed reason, or null when there is none. */
export function reasonOf(text) {
  const r = String(text ?? '').trim();
  return r ? r.slice(0, 500) : null;
}

/** The related payments side by side: this payment first, then its twin(s), each once. */
export function sideBySide(related = []) {
  const seen = new Set();
  const out = [];
  for (const role of ['this', 'twin']) {
    for (const p of related) {
      if (p.role === role && !seen.has(p.op_id)) { seen.add(p.op_id); out.push(p); }
    }
  }
  return out;
}

/** The household's bills before and after the operation, with the ones it changed marked. */
export function billRows(bills = []) {
  return bills.map((b) => ({ ...b, touched: (b.this_payment_fen || 0) !== 0,
    balance_before_fen: Math.max((b.due_fen || 0) - (b.paid_before_fen ?? b.paid_fen ?? 0), 0) }));
}

// --- assignments (PUT replaces all: the screen starts from what the server holds) ----------------------

export const buildingKey = (project, building) => `${project}\u0000${building}`;

/** {key: true} of the buildings an assignments answer holds. */
export function pickedOf(assignment) {
  return Object.fromEntries((assignment?.buildings || []).map((b) => [buildingKey(b.project, b.building), true]));
}

/** The body PUT wants from a picked map, in a stable order. */
export function buildingsOf(picked = {}) {
  return Object.keys(picked).filter((k) => picked[k]).sort().map((k) => {
    const [project, building] = k.split('\u0000');
    return { project, building };
  });
}

/** What saving would change: the buildings added and taken away, compared with what the server holds. */
export function assignmentChanges(before = {}, picked = {}) {
  const had = new Set(Object.keys(before).filter((k) => before[k]));
  const has = new Set(Object.keys(picked).filter((k) => picked[k]));
  const split = (k) => { const [project, building] = k.split('\u0000'); return { project, building }; };
  return { added: [...has].filter((k) => !had.has(k)).sort().map(split),
    removed: [...had].filter((k) => !has.has(k)).sort().map(split) };
}

/** Households per building from GET /projects: {key: n}. */
export function householdCounts(projects = []) {
  const out = {};
  for (const p of projects) for (const b of p.buildings || []) out[buildingKey(p.name, b.name)] = b.households || 0;
  return out;
}

/** The households a set of picked buildings holds. */
export function householdsIn(picked = {}, counts = {}) {
  return Object.keys(picked).filter((k) => picked[k]).reduce((n, k) => n + (counts[k] || 0), 0);
}

// --- the building grid (楼盘表) ----------------------------------------------------------------------------

/** The flat states in the legend's order (OFFICE.md, GET /buildings/<id>/grid). */
export const FLAT_STATES = ['paid', 'credit', 'partial', 'unpaid', 'suspended', 'not_opened'];

/** The grid's columns: every unit-and-room position seen on any floor ("1-01"…), so flats line up by stack. */
export function gridColumns(floors = []) {
  const cols = new Map();
  for (const f of floors) {
    for (const flat of f.flats || []) {
      const key = `${flat.unit ?? ''}|${stackOf(flat.room)}`;
      if (!cols.has(key)) cols.set(key, { unit: flat.unit ?? '', stack: stackOf(flat.room) });
    }
  }
  return [...cols.values()].sort((a, b) => cmp(a.unit, b.unit) || cmp(a.stack, b.stack));
}

/** A flat's position on its floor, as the server reads floors (server/estate floor_of): the last two digits
 * of a room of three or more ("1502" → "02", "0502" → "02"); a shop's "S3" keeps its name. */
export function stackOf(room) {
  const r = String(room ?? '');
  const digits = r.replace(/\D/g, '');
  return digits.length >= 3 ? digits.slice(-2) : r;
}

function cmp(a, b) {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb) && a !== '' && b !== '') return na - nb;
  return String(a).localeCompare(String(b));
}

/** One floor's flats placed under the columns (null where a floor has no such flat). */
export function floorCells(floor, columns) {
  const at = new Map((floor.flats || []).map((f) => [`${f.unit ?? ''}|${stackOf(f.room)}`, f]));
  return columns.map((c) => at.get(`${c.unit}|${c.stack}`) || null);
}

/** How many flats of each state: the legend's counts. */
export function stateCounts(floors = []) {
  const out = Object.fromEntries(FLAT_STATES.map((s) => [s, 0]));
  for (const f of floors) for (const flat of f.flats || []) out[flat.state] = (out[flat.state] || 0) + 1;
  return out;
}

// --- a phone's exported outbox file (PROTOCOL.md; pwa/src/outbox.js exportUnsynced) -------------------

/** Read the file a phone exported: {device_id, exported_at, ops}. Throws an Error whose `code` says why not. */
export function readOutboxFile(text) {
  let body;
  try { body = JSON.parse(String(text ?? '').replace(/^\uFEFF/, '')); } catch {
    throw Object.assign(new Error('not JSON'), { code: 'not_json' });
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw Object.assign(new Error('not an export'), { code: 'not_export' });
  if (typeof body.device_id !== 'string' || !body.device_id) throw Object.assign(new Error('no device'), { code: 'no_device' });
  if (!Array.isArray(body.ops)) throw Object.assign(new Error('no operations'), { code: 'no_ops' });
  const byType = {};
  for (const op of body.ops) {
    const ty = op && typeof op === 'object' ? String(op.type ?? '?') : '?';
    byType[ty] = (byType[ty] || 0) + 1;
  }
  return { device_id: body.device_id, exported_at: body.exported_at || null, ops: body.ops, byType };
}

/** A push answer's results counted by status: {applied: 3, duplicate: 1, …}. */
export function statusCounts(answer = {}) {
  const out = {};
  for (const r of answer.results || []) out[r.status] = (out[r.status] || 0) + 1;
  return out;
}

// --- what a decision does, said on its button (server/review/service.py's table, in words) --------------

const PAYMENT_FLAGS = new Set(['overpaid', 'out_of_scope', 'receipt_duplicate', 'duplicate_suspect', 'clock_skew',
  'season_closed', 'season_unknown']);

/** The i18n key of what `decision` does to an entry of `kind`: accept on a held payment books it, void on a
 * duplicate reverses it, rebill on an area mismatch takes the measured area… */
export function effectOf(kind, decision) {
  if (kind === 'device_revoked') return decision === 'accept' ? 'eff.book_held' : 'eff.drop_held';
  if (kind === 'void_request') return decision === 'dismiss' ? 'eff.keep' : 'eff.reverse';
  if (PAYMENT_FLAGS.has(kind)) return decision === 'void' ? 'eff.reverse' : 'eff.keep';
  if (kind === 'vacancy_violation' && decision === 'rebill') return 'eff.rebill_full';
  if (kind === 'vacancy_claim' && decision === 'accept') return 'eff.claim';
  if (kind === 'area_mismatch' && decision === 'rebill') return 'eff.area';
  return 'eff.nothing';
}

/** The kind an entry is decided as: the one the server put first (the list's `kind`). */
export const decidedAs = (entry) => entry?.kind;

// --- fee settings as a form (GET /admin/settings: groups of plain values) --------------------------------

/** The fields of one settings group: [{key, type: 'bool'|'number'|'list'|'text'|'null', text}]. */
export function settingFields(value = {}) {
  return Object.entries(value || {}).map(([key, v]) => {
    if (typeof v === 'boolean') return { key, type: 'bool', text: v };
    if (typeof v === 'number') return { key, type: 'number', text: String(v) };
    if (Array.isArray(v)) return { key, type: 'list', text: v.join(', ') };
    if (v === null) return { key, type: 'null', text: '' };
    if (typeof v === 'object') return { key, type: 'json', text: JSON.stringify(v) };
    return { key, type: 'text', text: String(v) };
  });
}

/** The group's value back from the edited fields, each in its first type; an empty optional value is null.
 * Throws an Error with `field` for a number or a JSON field that does not read. */
export function settingValue(fields = []) {
  const out = {};
  for (const f of fields) {
    const text = typeof f.text === 'string' ? f.text.trim() : f.text;
    if (f.type === 'bool') out[f.key] = !!f.text;
    else if (f.type === 'number') {
      const n = Number(text);
      if (text === '' || !Number.isFinite(n)) throw Object.assign(new Error(f.key), { field: f.key });
      out[f.key] = n;
    } else if (f.type === 'list') out[f.key] = text ? text.split(/[,，]\s*/).map((x) => x.trim()).filter(Boolean) : [];
    else if (f.type === 'json') {
      try { out[f.key] = JSON.parse(text); } catch { throw Object.assign(new Error(f.key), { field: f.key }); }
    } else out[f.key] = text === '' ? null : text;
  }
  return out;
}

/** The fields of an operation as the phone sent it, for a person: [[key, value]] of its data, with its time
 * first; money stays fen (the screen formats it), anything not plain is shown as JSON text. */
export function sentLines(asSent) {
  if (!asSent || typeof asSent !== 'object') return [];
  const out = [];
  if (asSent.at) out.push(['at', asSent.at]);
  const data = asSent.data && typeof asSent.data === 'object' && !Array.isArray(asSent.data) ? asSent.data : {};
  for (const [k, v] of Object.entries(data)) {
    if (v === null || v === undefined || v === '') continue;
    out.push([k, typeof v === 'object' ? JSON.stringify(v) : v]);
  }
  return out;
}
