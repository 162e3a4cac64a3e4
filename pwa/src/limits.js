/**
 * The server's rules for each operation's fields (sync/ops.py; PROTOCOL.md "Operation types"), checked by the
 * forms before an op is stored. An op the server rejects as missing_field / invalid_field is lost work: the
 * collector only learns of it after a sync, often away from the door, and has to record it again.
 * test/limits.test.js reads sync/ops.py and fails when a length here drifts from the server's.
 */

/** Longest text per field, in characters (Python's len: code points), after the phone trims it. */
export const MAX_LEN = {
  payment: { receipt_no: 40, paper_receipt_no: 40, payer: 50, note: 200 },
  payment_void: { reason: 500 },
  vacancy_check: { seal_no: 40, witness: 50, note: 500 },
  area_check: { note: 500 },
  visit: { text: 2000 },
};

export const MAX_AMOUNT_FEN = 100_000_000;
export const MAX_PHOTOS = 10;
export const VISIT_KINDS = ['complaint', 'follow_up', 'survey', 'notice_delivered'];
const METHODS = ['cash', 'wechat', 'alipay', 'bank_card', 'transfer'];
const SEASON = /^\d{4}-\d{4}$/;
const SHA256 = /^[0-9a-f]{64}$/;
// the server's pattern, on the trimmed number
const PHONE = /^\+?[0-9][0-9 -]{5,19}$/;
// what the area form accepts: up to 5 digits and 2 decimals, so always below the server's 100000 m²
const AREA = /^\d{1,5}(\.\d{1,2})?$/;

/** Characters as the server counts them: an emoji is one, not two UTF-16 units. */
export const charCount = (s) => [...s].length;

const absent = (v) => v === undefined || v === null || v === '';

/**
 * Rules per type: [field, kind, extra]. `required` fields must be there; the others are checked when given.
 * `receipt_no` is left out: recordOp makes it, never a form.
 */
const RULES = {
  payment: [['amount_fen', 'amount', true], ['method', METHODS, true], ['season', 'season'],
    ['paper_receipt_no', 'text'], ['payer', 'text'], ['note', 'text']],
  payment_void: [['payment_op_id', 'text', true], ['reason', 'text', true]],
  vacancy_check: [['season', 'season', true], ['finding', ['vacant', 'occupied'], true], ['valve_sealed', 'bool', true],
    ['seal_no', 'text'], ['seal_intact', 'bool'], ['photo_ids', 'photos'], ['witness', 'text'], ['note', 'text']],
  area_check: [['measured_area_m2', 'area', true], ['note', 'text']],
  visit: [['kind', VISIT_KINDS, true], ['text', 'text', true], ['satisfaction', 'satisfaction']],
  contact_update: [['phone', 'phone', true]],
};

function fieldProblem(type, field, kind, value) {
  if (Array.isArray(kind)) return kind.includes(value) ? null : { field, code: 'invalid' };
  switch (kind) {
    case 'text': {
      const max = MAX_LEN[type]?.[field];
      if (typeof value !== 'string') return { field, code: 'invalid' };
      return max && charCount(value) > max ? { field, code: 'too_long', max } : null;
    }
    case 'bool': return typeof value === 'boolean' ? null : { field, code: 'invalid' };
    case 'season': return SEASON.test(value) ? null : { field, code: 'invalid' };
    case 'amount': return Number.isInteger(value) && value >= 1 && value <= MAX_AMOUNT_FEN ? null
      : { field, code: 'invalid' };
    case 'area': return AREA.test(value) && Number(value) > 0 ? null : { field, code: 'invalid' };
    case 'satisfaction': return Number.isInteger(value) && value >= 1 && value <= 5 ? null : { field, code: 'invalid' };
    case 'phone': return typeof value === 'string' && PHONE.test(value.trim()) ? null : { field, code: 'invalid' };
    case 'photos': return Array.isArray(value) && value.length <= MAX_PHOTOS && value.every((p) => SHA256.test(p))
      ? null : { field, code: 'invalid' };
    default: return null;
  }
}

/**
 * The first thing the server would refuse in an op's `data`, as the form is about to send it:
 * null, or { field, code: 'missing' | 'choose' | 'too_long' | 'invalid', max? }; 'choose' is a missing
 * choice or yes/no, which the form words as "请选择…" rather than "请填写…".
 */
export function opProblem(type, data) {
  for (const [field, kind, required] of RULES[type] || []) {
    const value = data[field];
    if (absent(value)) {
      if (required) return { field, code: Array.isArray(kind) || kind === 'bool' ? 'choose' : 'missing' };
      continue;
    }
    const p = fieldProblem(type, field, kind, value);
    if (p) return p;
  }
  return null;
}

/** The maxlength attribute for a text input: the server's limit, so typing stops where the server would. */
export const maxLen = (type, field) => MAX_LEN[type]?.[field];
