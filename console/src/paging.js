/** Paging math for every list (OFFICE.md: ?page=&per_page= answered with {items, total}). */

export const PER_PAGE = 50;
export const PER_PAGE_CHOICES = [20, 50, 100, 200];

/** A page number from the URL: a positive integer, else 1. */
export function pageOf(value) {
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

export function perPageOf(value) {
  const n = Number.parseInt(value, 10);
  return PER_PAGE_CHOICES.includes(n) ? n : PER_PAGE;
}

/** How many pages `total` rows make: at least 1, so an empty list still reads "page 1 of 1". */
export function pageCount(total, perPage) {
  return Math.max(1, Math.ceil((Number(total) || 0) / perPage));
}

/** The rows a page shows, 1-based and inclusive: (2, 50, 120) → {from: 51, to: 100}; none → {0, 0}. */
export function rowRange(page, perPage, total) {
  if (!total) return { from: 0, to: 0 };
  const from = (page - 1) * perPage + 1;
  return { from: Math.min(from, total), to: Math.min(page * perPage, total) };
}

/** The page buttons to show: first, last, and two either side of the current page, with gaps as null. */
export function pageButtons(page, pages) {
  const want = new Set([1, pages, page - 2, page - 1, page, page + 1, page + 2].filter((p) => p >= 1 && p <= pages));
  const sorted = [...want].sort((a, b) => a - b);
  const out = [];
  sorted.forEach((p, i) => {
    if (i && p - sorted[i - 1] > 1) out.push(null);
    out.push(p);
  });
  return out;
}
