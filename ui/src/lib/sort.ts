// Sorting of the invoice table by a column. Amounts are compared as decimal strings (exactly), dates as
// ISO text; missing values always sort last, whichever the direction.

import type { InvoiceSummary } from './types';

export type SortKey = 'invoice_number' | 'vendor_name' | 'issue_date' | 'due_date' | 'total_gross' | 'status';
export type SortDirection = 'asc' | 'desc';
export interface SortOrder {
  key: SortKey;
  direction: SortDirection;
}

/** Compares two decimal strings (`-12.5`, `3`, `0.10`) exactly, without converting them to floats. */
export function compareDecimals(a: string, b: string): number {
  const [aNeg, aInt, aFrac] = splitDecimal(a);
  const [bNeg, bInt, bFrac] = splitDecimal(b);
  const aZero = /^0*$/.test(aInt + aFrac);
  const bZero = /^0*$/.test(bInt + bFrac);
  if (aZero && bZero) return 0;
  const aSign = aZero ? 0 : aNeg ? -1 : 1;
  const bSign = bZero ? 0 : bNeg ? -1 : 1;
  if (aSign !== bSign) return aSign < bSign ? -1 : 1;
  const magnitude = compareMagnitude(aInt, aFrac, bInt, bFrac);
  return aSign < 0 ? -magnitude : magnitude;
}

function splitDecimal(text: string): [boolean, string, string] {
  const negative = text.startsWith('-');
  const [int = '', frac = ''] = text.replace(/^[-+]/, '').split('.');
  return [negative, int.replace(/^0+/, ''), frac.replace(/0+$/, '')];
}

function compareMagnitude(aInt: string, aFrac: string, bInt: string, bFrac: string): number {
  if (aInt.length !== bInt.length) return aInt.length < bInt.length ? -1 : 1;
  if (aInt !== bInt) return aInt < bInt ? -1 : 1;
  const width = Math.max(aFrac.length, bFrac.length);
  const a = aFrac.padEnd(width, '0');
  const b = bFrac.padEnd(width, '0');
  return a === b ? 0 : a < b ? -1 : 1;
}

const text = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compareValues(key: SortKey, a: string, b: string): number {
  switch (key) {
    case 'total_gross':
      return compareDecimals(a, b);
    case 'issue_date':
    case 'due_date':
      return a < b ? -1 : a > b ? 1 : 0;
    case 'invoice_number':
    case 'vendor_name':
    case 'status':
      return text.compare(a, b);
  }
}

/** A sorted copy; ties keep the order the core sent (newest first). */
export function sortInvoices(invoices: readonly InvoiceSummary[], order: SortOrder | null): InvoiceSummary[] {
  const copy = [...invoices];
  if (!order) return copy;
  const sign = order.direction === 'asc' ? 1 : -1;
  return copy.sort((x, y) => {
    const a = x[order.key];
    const b = y[order.key];
    if (a === null || a === '') return b === null || b === '' ? 0 : 1;
    if (b === null || b === '') return -1;
    return sign * compareValues(order.key, a, b);
  });
}

/** The order after the user activates a column header: ascending first, then descending, then back. */
export function nextSortOrder(current: SortOrder | null, key: SortKey): SortOrder {
  if (current?.key === key) {
    return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  }
  return { key, direction: 'asc' };
}
