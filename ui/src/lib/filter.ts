// Search and filters over the invoice rows: free text (number, vendor, PO, reason), vendor, status, reason,
// amount range and issue-date range. Pure functions over plain rows so 50,000 rows filter in a few ms.

import type { InvoiceRow, InvoiceStatus } from './types';

export interface Filters {
  /** Free text: every word must appear in the number, vendor, PO reference or a reason code. */
  text: string;
  vendor: string | null;
  status: InvoiceStatus | null;
  reason: string | null;
  /** Inclusive bounds on the gross total, as decimal text (empty: no bound). */
  minAmount: string;
  maxAmount: string;
  /** Inclusive bounds on the issue date, `YYYY-MM-DD` (empty: no bound). */
  fromDate: string;
  toDate: string;
}

export const NO_FILTERS: Filters = {
  text: '',
  vendor: null,
  status: null,
  reason: null,
  minAmount: '',
  maxAmount: '',
  fromDate: '',
  toDate: '',
};

/** The reason codes of a row (the view joins them with commas). */
export function reasonCodes(row: Pick<InvoiceRow, 'reason_codes'>): string[] {
  return row.reason_codes ? row.reason_codes.split(',').filter((code) => code !== '') : [];
}

/**
 * An amount as a number for comparisons only (never shown, never summed): `null` when it is not a decimal.
 * Bounds typed with a comma as the decimal separator (`1234,50`) are read too.
 */
export function amountValue(text: string | null): number | null {
  if (text === null) return null;
  const plain = text.trim().replace(/\s/g, '');
  const normalised = /^-?\d+,\d{1,2}$/.test(plain) ? plain.replace(',', '.') : plain.replace(/,/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(normalised)) return null;
  return Number(normalised);
}

/** Whether any filter is set. */
export function isFiltering(filters: Filters): boolean {
  return (
    filters.text.trim() !== '' ||
    filters.vendor !== null ||
    filters.status !== null ||
    filters.reason !== null ||
    filters.minAmount.trim() !== '' ||
    filters.maxAmount.trim() !== '' ||
    filters.fromDate !== '' ||
    filters.toDate !== ''
  );
}

/**
 * The lower-cased text a row is searched in, built once per row (rows are replaced, never changed) and kept
 * on the row under a symbol: a property read, where a WeakMap look-up per row per key cost more than the
 * search itself at 50,000 rows. Symbols stay out of JSON and `Object.keys`.
 */
const SEARCH_TEXT = Symbol('search text');
type Searchable = InvoiceRow & { [SEARCH_TEXT]?: string };

function haystackOf(row: Searchable): string {
  let text = row[SEARCH_TEXT];
  if (text === undefined) {
    text = [row.invoice_number, row.vendor_name, row.vendor_id, row.purchase_order_reference, row.reason_codes, row.total_gross]
      .filter((part) => part !== null)
      .join(' ')
      .toLowerCase();
    row[SEARCH_TEXT] = text;
  }
  return text;
}

/**
 * Builds the search text of `rows[from..]` now, so the first key typed does not pay for 50,000 of them
 * (the list loader calls it as each page arrives).
 */
export function prepareSearch(rows: readonly InvoiceRow[], from = 0): void {
  for (const row of rows.slice(from)) haystackOf(row);
}

/** A predicate for the filters, prepared once (lower-cased words, parsed bounds) and run per row. */
export function rowMatcher(filters: Filters): (row: InvoiceRow) => boolean {
  const words = filters.text.toLowerCase().split(/\s+/).filter((w) => w !== '');
  const min = filters.minAmount.trim() === '' ? null : amountValue(filters.minAmount);
  const max = filters.maxAmount.trim() === '' ? null : amountValue(filters.maxAmount);
  const { vendor, status, reason, fromDate, toDate } = filters;
  return (row) => {
    if (status !== null && row.status !== status) return false;
    if (vendor !== null && (row.vendor_name ?? row.vendor_id ?? '') !== vendor) return false;
    if (reason !== null && !reasonCodes(row).includes(reason)) return false;
    if (min !== null || max !== null) {
      const total = amountValue(row.total_gross);
      if (total === null) return false;
      if (min !== null && total < min) return false;
      if (max !== null && total > max) return false;
    }
    if (fromDate !== '' || toDate !== '') {
      // ISO dates compare as text
      if (row.issue_date === null) return false;
      if (fromDate !== '' && row.issue_date < fromDate) return false;
      if (toDate !== '' && row.issue_date > toDate) return false;
    }
    if (words.length > 0) {
      const haystack = haystackOf(row);
      for (const word of words) if (!haystack.includes(word)) return false;
    }
    return true;
  };
}

/** The rows that pass every filter, in their order. */
export function filterRows(rows: readonly InvoiceRow[], filters: Filters): InvoiceRow[] {
  if (!isFiltering(filters)) return rows.slice();
  return rows.filter(rowMatcher(filters));
}

/** The distinct vendors and reasons present, sorted, for the filter menus. */
export function filterChoices(rows: readonly InvoiceRow[]): { vendors: string[]; reasons: string[] } {
  const vendors = new Set<string>();
  const reasons = new Set<string>();
  for (const row of rows) {
    const vendor = row.vendor_name ?? row.vendor_id;
    if (vendor) vendors.add(vendor);
    for (const code of reasonCodes(row)) reasons.add(code);
  }
  const byText = (a: string, b: string) => a.localeCompare(b);
  return { vendors: [...vendors].sort(byText), reasons: [...reasons].sort(byText) };
}

/** A filter result with what it was computed from, so the next keystroke can start from it. */
export interface Filtered {
  source: readonly InvoiceRow[];
  filters: Filters;
  rows: InvoiceRow[];
}

/** Whether every row matching `next` also matches `previous`: only the search text grew at its end. */
export function narrows(previous: Filters, next: Filters): boolean {
  return (
    next.text.startsWith(previous.text) &&
    next.vendor === previous.vendor &&
    next.status === previous.status &&
    next.reason === previous.reason &&
    next.minAmount === previous.minAmount &&
    next.maxAmount === previous.maxAmount &&
    next.fromDate === previous.fromDate &&
    next.toDate === previous.toDate
  );
}

/**
 * `filterRows(source, filters)`, computed from the previous result when the same rows were filtered and
 * the search text only grew (typing): each key then looks only at the rows the last one left.
 */
export function refineRows(previous: Filtered | null, source: readonly InvoiceRow[], filters: Filters): Filtered {
  if (previous && previous.source === source && narrows(previous.filters, filters)) {
    const rows = previous.filters.text === filters.text ? previous.rows : previous.rows.filter(rowMatcher(filters));
    return { source, filters, rows };
  }
  return { source, filters, rows: filterRows(source, filters) };
}
