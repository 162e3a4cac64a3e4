/** Clock helpers. Phone clocks are never used for ordering (PROTOCOL.md principle 5); only for display and `at`. */

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** ISO 8601 with the phone's own offset, e.g. 2026-11-26T09:12:00+08:00 (the op's `at`). */
export function localIso(d = new Date()) {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
    + `:${pad(d.getSeconds())}${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

const shanghai = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit',
  day: '2-digit' });
const shanghaiTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit',
  day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });

/** The date in Asia/Shanghai (the ledger's day, PROTOCOL.md "Ledger dates") as YYYY-MM-DD. */
export function shanghaiDate(d = new Date()) {
  return shanghai.format(typeof d === 'string' ? new Date(d) : d);
}

/** "2026-11-26 09:12" in Asia/Shanghai. */
export function shanghaiDateTime(d) {
  const parts = Object.fromEntries(shanghaiTime.formatToParts(typeof d === 'string' ? new Date(d) : d)
    .map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour === '24' ? '00' : parts.hour}:${parts.minute}`;
}

/** A short age: "5 分钟" / "5 min"; `t` is the i18n function. */
export function age(ms, t) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return t('age.s', s);
  if (s < 3600) return t('age.m', Math.floor(s / 60));
  if (s < 86400) return t('age.h', Math.floor(s / 3600));
  return t('age.d', Math.floor(s / 86400));
}
