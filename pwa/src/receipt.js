/** Receipt numbers and the check code of the public verification page (PROTOCOL.md, Receipts). */

const B32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lower case, no padding. */
export function base32(bytes) {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

/** `<device_code>-<6-digit counter>` */
export function receiptNo(deviceCode, counter) {
  return `${deviceCode}-${String(counter).padStart(6, '0')}`;
}

/** First 10 chars of base32(HMAC-SHA256(device_secret, "receipt_no|household_id|amount_fen|season")). */
export async function checkCode(deviceSecret, receipt, householdId, amountFen, season) {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(deviceSecret), { name: 'HMAC', hash: 'SHA-256' },
    false, ['sign']);
  const msg = `${receipt}|${householdId}|${amountFen}|${season || ''}`;
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(msg)));
  return base32(mac).slice(0, 10);
}

/** The URL the receipt's QR code carries: `GET /r/<receipt_no>?c=<check>` on the app's origin. */
export function verifyUrl(origin, receipt, check) {
  return `${origin}/r/${encodeURIComponent(receipt)}?c=${check}`;
}

/**
 * The company named at the head of the receipt: the server sends its name with every pull (the same name its
 * notices and lawyer letters print, Setting "documents"), kept in meta 'company'. Before the first pull there
 * is no household to take money from, so the fallback is only the server's default.
 */
export const COMPANY_NAME = '北京示范热力有限公司';
export const companyName = (stored) => stored?.name || COMPANY_NAME;

// push statuses whose result carries the allocations the server made; a `held` payment touches no bill until a
// clerk accepts it (its allocations are empty), a `rejected` one never does
const ALLOCATED = new Set(['applied', 'duplicate']);

/**
 * What a receipt lists of one payment, season by season (DOMAIN.md §5 and case 1: "the receipt lists both seasons").
 * `rec` is the outbox record: `op.data.amount_fen`, the push `result` once final, and the form's `preview`
 * (allocations) and `credit_fen`. `household` is the cached server record: its `bills` give each season's bill
 * (`due_fen`), `area_m2` the area. The pull carries no price per m², so none is shown.
 *
 * → `{ source, lines: [{ season, amount_fen, due_fen, area_m2 }], credit_fen }`. `source` is `server` when the
 * server's push result gave the allocations, `preview` when they are the phone's own estimate (预计: before sync,
 * and whenever the server's answer is not known, e.g. a lost push answer or a held payment), `null` when the
 * phone knows neither (then `credit_fen` is null too). The lines and the credit add up to the amount.
 */
export function receiptLines(rec, household = null) {
  const amount = rec.op.data.amount_fen;
  const fromServer = ALLOCATED.has(rec.state) && Array.isArray(rec.result?.allocations);
  const allocations = fromServer ? rec.result.allocations : Array.isArray(rec.preview) ? rec.preview : null;
  if (!allocations) return { source: null, lines: [], credit_fen: null };
  const bills = new Map((household?.bills || []).map((b) => [b.season, b]));
  const area = household?.area_m2 ?? null;
  const lines = allocations.filter((a) => a.amount_fen > 0).map((a) => ({ season: a.season, amount_fen: a.amount_fen,
    due_fen: bills.get(a.season)?.due_fen ?? null, area_m2: area }));
  const allocated = lines.reduce((sum, l) => sum + l.amount_fen, 0);
  // the server's credit is what its allocations leave (DESIGN.md invariant 3); the preview kept its own
  const credit = !fromServer && Number.isInteger(rec.credit_fen) ? rec.credit_fen : amount - allocated;
  return { source: fromServer ? 'server' : 'preview', lines, credit_fen: Math.max(0, credit) };
}
