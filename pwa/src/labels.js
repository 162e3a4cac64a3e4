/** The words for the domain's codes (method, payment_state, flag, decision, household_status, dunning_stage),
 * from the one table the phone, the console and the server's Excel/PDF share: sync/labels.json. */
import table from '../../sync/labels.json' with { type: 'json' };

export const LABELS = table;

/** label('method', 'cash', 'en') → "Cash"; an unknown code shows itself (a code the server added later). */
export function label(kind, code, lang = 'zh-CN') {
  const entry = table[kind]?.[code];
  if (!entry) return code == null ? '' : String(code);
  return (lang === 'en' ? entry.en : entry.zh) || entry.zh;
}

/** The codes of one kind, in the table's order (for a filter's options). */
export function codes(kind) {
  return Object.keys(table[kind] || {});
}

/** Entries in the PWA's i18n key style: prefixed('m.', 'method', 'zh') → {'m.cash': '现金', …}. */
export function prefixed(prefix, kind, lang) {
  return Object.fromEntries(codes(kind).map((c) => [prefix + c, label(kind, c, lang)]));
}
