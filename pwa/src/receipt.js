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
