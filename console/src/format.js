/** Formatting at the edge. Money and 大写 are the PWA's one module (pwa/src/money.js), matched with Python's
 * sync/money.py by tests/pwa/test_js_matches_python.py: imported here, never copied. */
export { formatFen, daxie, parseYuan } from '../../pwa/src/money.js';

/** "0.6831" → "68.31%"; null → "—". Rates come as decimal strings with ≥ 4 places (OFFICE.md). */
export function pct(rate) {
  if (rate === null || rate === undefined || rate === '') return '—';
  const n = Number(rate);
  return Number.isFinite(n) ? `${(n * 100).toFixed(2)}%` : '—';
}

/** An ISO UTC time as Beijing wall-clock time, "2026-12-02 14:53". */
export function bjTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Date(d.getTime() + 8 * 3600e3).toISOString().slice(0, 16).replace('T', ' ');
}

/** Today's date in Asia/Shanghai, "YYYY-MM-DD" (the office's dates are Beijing dates). */
export function todayBj(now = Date.now()) {
  return new Date(now + 8 * 3600e3).toISOString().slice(0, 10);
}

/** The ISO week "YYYY-Www" of a "YYYY-MM-DD" date. */
export function isoWeek(date) {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const week = Math.ceil(((t - Date.UTC(t.getUTCFullYear(), 0, 1)) / 864e5 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
