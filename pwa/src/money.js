/** Money on the phone: integer fen everywhere, formatted only at the edge (STYLE.md habit 5). */

/** 123456 → "¥1,234.56" (negative amounts get a leading minus). */
export function formatFen(fen, { symbol = true } = {}) {
  const neg = fen < 0;
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = String(abs % 100).padStart(2, '0');
  return `${neg ? '-' : ''}${symbol ? '¥' : ''}${yuan}.${cents}`;
}

/** "1234.5" → 123450; returns null for anything that is not a non-negative amount with ≤ 2 decimals. */
export function parseYuan(text) {
  const s = String(text ?? '').trim().replace(/[,，¥\s]/g, '');
  const m = /^(\d{1,9})(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
}

/** 123450 → "1234.50" for an input's default value. */
export function fenToInput(fen) {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const UNITS = ['', '拾', '佰', '仟'];
const SECTIONS = ['', '万', '亿', '万亿'];

function integerDaxie(n) {
  const s = String(n);
  let out = '';
  let zero = false;
  for (let i = 0; i < s.length; i++) {
    const d = Number(s[i]);
    const p = s.length - 1 - i;
    if (d === 0) {
      zero = out !== '';
    } else {
      if (zero) out += '零';
      zero = false;
      out += DIGITS[d] + UNITS[p % 4];
    }
    if (p % 4 === 0 && p > 0) {
      // a section (万, 亿) is named only when one of its four digits is not zero
      const section = s.slice(Math.max(0, i - 3), i + 1);
      if (/[1-9]/.test(section)) out += SECTIONS[p / 4];
    }
  }
  return out;
}

/**
 * Chinese uppercase amount (大写), PBOC rules as in DOMAIN.md §4, without the 人民币 prefix.
 * Chosen form: a 0 in the 元 position before 角/分 is written 零 (1680.32 → 壹仟陆佰捌拾元零叁角贰分);
 * "整" follows 元 only; one 零 for any run of zeros (10500.00 → 壹万零伍佰元整).
 */
export function daxie(fen) {
  if (!Number.isInteger(fen) || fen < 0) throw new RangeError('daxie needs non-negative integer fen');
  const yuan = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const cent = fen % 10;
  if (fen === 0) return '零元整';
  let out = yuan > 0 ? integerDaxie(yuan) + '元' : '';
  if (jiao === 0 && cent === 0) return out + '整';
  if (jiao > 0) {
    if (yuan > 0 && yuan % 10 === 0) out += '零';
    out += DIGITS[jiao] + '角';
  } else if (yuan > 0) {
    out += '零';
  }
  if (cent > 0) out += DIGITS[cent] + '分';
  return out;
}

/**
 * Preview of how the server will allocate a payment (PROTOCOL.md, payment; DOMAIN.md case 1):
 * a named season takes the amount on its bill; otherwise the oldest unpaid bill first.
 * What is left after the bills is credit (预存). `bills` are oldest first, as a pull gives them.
 */
export function allocate(bills, amountFen, season = null) {
  // The same rule as the server (sync/money.py allocate): the named season first, then what is left
  // oldest first over the other open bills, then credit (预存). The preview must match what the server does.
  let rest = amountFen;
  const allocations = [];
  const named = season ? bills.filter((b) => b.season === season) : [];
  const others = bills.filter((b) => !season || b.season !== season);
  for (const bill of [...named, ...others]) {
    if (rest <= 0) break;
    const take = Math.min(rest, Math.max(0, bill.balance_fen));
    if (take > 0) {
      allocations.push({ season: bill.season, amount_fen: take });
      rest -= take;
    }
  }
  return { allocations, credit_fen: rest };
}

/** Sum of open balances across bills. */
export function totalBalance(bills) {
  return (bills || []).reduce((sum, b) => sum + Math.max(0, b.balance_fen || 0), 0);
}
