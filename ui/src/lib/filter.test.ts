import { describe, expect, it } from 'vitest';

import { NO_FILTERS, amountValue, filterChoices, filterRows, isFiltering, narrows, prepareSearch, reasonCodes, refineRows } from './filter';
import type { InvoiceRow } from './types';

function row(id: number, patch: Partial<InvoiceRow> = {}): InvoiceRow {
  return {
    id,
    status: 'awaiting_approval',
    document_type: 'invoice',
    vendor_id: `V-${id}`,
    vendor_name: `Vendor ${id}`,
    invoice_number: `INV-${id}`,
    issue_date: '2026-03-01',
    due_date: '2026-03-31',
    currency: 'EUR',
    total_gross: '100.00',
    purchase_order_reference: null,
    reason_codes: null,
    created_at: '2026-03-02T10:00:00Z',
    ...patch,
  };
}

const rows = [
  row(1, { status: 'exception', reason_codes: 'PRICE_VARIANCE,NO_PO_REFERENCE', total_gross: '1234.50' }),
  row(2, { vendor_name: 'Acme GmbH', total_gross: '99.99', issue_date: '2026-01-15' }),
  row(3, { status: 'approved', purchase_order_reference: 'PO-7781', total_gross: null }),
  row(4, { status: 'exception', reason_codes: 'DUPLICATE_SUSPECTED', vendor_name: 'Acme GmbH', issue_date: null }),
];

const ids = (list: InvoiceRow[]) => list.map((r) => r.id);

describe('filterRows', () => {
  it('keeps every row, in order, when nothing is set', () => {
    expect(isFiltering(NO_FILTERS)).toBe(false);
    expect(ids(filterRows(rows, NO_FILTERS))).toEqual([1, 2, 3, 4]);
  });

  it('finds every word of the search in number, vendor, PO or reason, case-insensitively', () => {
    expect(ids(filterRows(rows, { ...NO_FILTERS, text: 'acme' }))).toEqual([2, 4]);
    expect(ids(filterRows(rows, { ...NO_FILTERS, text: 'po-7781' }))).toEqual([3]);
    expect(ids(filterRows(rows, { ...NO_FILTERS, text: 'price_variance inv-1' }))).toEqual([1]);
    expect(ids(filterRows(rows, { ...NO_FILTERS, text: 'acme duplicate' }))).toEqual([4]);
  });

  it('filters by status, vendor and reason exactly', () => {
    expect(ids(filterRows(rows, { ...NO_FILTERS, status: 'exception' }))).toEqual([1, 4]);
    expect(ids(filterRows(rows, { ...NO_FILTERS, vendor: 'Acme GmbH' }))).toEqual([2, 4]);
    expect(ids(filterRows(rows, { ...NO_FILTERS, reason: 'NO_PO_REFERENCE' }))).toEqual([1]);
    // a code that is a prefix of another must not match it
    expect(ids(filterRows(rows, { ...NO_FILTERS, reason: 'NO_PO' }))).toEqual([]);
  });

  it('bounds the amount inclusively and leaves out rows without a total', () => {
    expect(ids(filterRows(rows, { ...NO_FILTERS, minAmount: '100' }))).toEqual([1, 4]);
    expect(ids(filterRows(rows, { ...NO_FILTERS, maxAmount: '100,00' }))).toEqual([2, 4]);
    expect(ids(filterRows(rows, { ...NO_FILTERS, minAmount: '99.99', maxAmount: '99.99' }))).toEqual([2]);
  });

  it('bounds the issue date inclusively and leaves out rows without one', () => {
    expect(ids(filterRows(rows, { ...NO_FILTERS, fromDate: '2026-02-01' }))).toEqual([1, 3]);
    expect(ids(filterRows(rows, { ...NO_FILTERS, toDate: '2026-01-15' }))).toEqual([2]);
  });

  it('combines filters', () => {
    expect(ids(filterRows(rows, { ...NO_FILTERS, status: 'exception', vendor: 'Acme GmbH' }))).toEqual([4]);
  });
});

describe('helpers', () => {
  it('reads amounts with either decimal mark and refuses text', () => {
    expect(amountValue('1,234.50')).toBe(1234.5);
    expect(amountValue('1234,5')).toBe(1234.5);
    expect(amountValue(' 12 000 ')).toBe(12000);
    expect(amountValue('abc')).toBeNull();
    expect(amountValue(null)).toBeNull();
  });

  it('splits reason codes and lists the choices sorted', () => {
    expect(reasonCodes(rows[0]!)).toEqual(['PRICE_VARIANCE', 'NO_PO_REFERENCE']);
    expect(reasonCodes(rows[1]!)).toEqual([]);
    expect(filterChoices(rows)).toEqual({
      vendors: ['Acme GmbH', 'Vendor 1', 'Vendor 3'],
      reasons: ['DUPLICATE_SUSPECTED', 'NO_PO_REFERENCE', 'PRICE_VARIANCE'],
    });
  });

  it('filters 50,000 rows (the performance target) without losing any', () => {
    const many = Array.from({ length: 50000 }, (_, i) =>
      row(i, { status: i % 3 === 0 ? 'exception' : 'approved', total_gross: String(i % 1000) }),
    );
    const found = filterRows(many, { ...NO_FILTERS, status: 'exception', minAmount: '500' });
    expect(found.length).toBe(many.filter((r) => r.id % 3 === 0 && r.id % 1000 >= 500).length);
  });
});

describe('refineRows', () => {
  const many: InvoiceRow[] = Array.from({ length: 400 }, (_, i) => ({
    ...(rows[i % rows.length] as InvoiceRow),
    id: i + 1,
    invoice_number: `S${1000 + i}`,
  }));

  it('gives what filtering from scratch gives, key by key, and when a key is taken back', () => {
    prepareSearch(many);
    let previous = null;
    for (const text of ['s', 's1', 's12', 's1', 's13', 's13 acme', 'acme', '']) {
      for (const status of [null, 'exception'] as const) {
        const filters = { ...NO_FILTERS, text, status };
        previous = refineRows(previous, many, filters);
        expect(ids(previous.rows)).toEqual(ids(filterRows(many, filters)));
      }
    }
  });

  it('starts from the previous result only when the text grew and nothing else changed', () => {
    const typed = { ...NO_FILTERS, text: 's1' };
    expect(narrows(NO_FILTERS, typed)).toBe(true);
    expect(narrows(typed, { ...typed, text: 's12' })).toBe(true);
    expect(narrows(typed, { ...typed, text: 's' })).toBe(false);
    expect(narrows(typed, { ...typed, text: 's12', vendor: 'Acme GmbH' })).toBe(false);
    expect(narrows(typed, { ...typed, text: 's12', maxAmount: '10' })).toBe(false);
    const first = refineRows(null, many, typed);
    const next = refineRows(first, many, { ...typed, text: 's12' });
    expect(next.rows.every((row) => first.rows.includes(row))).toBe(true);
    // other rows (a reload): from scratch
    const reloaded = many.map((row) => ({ ...row }));
    expect(refineRows(next, reloaded, { ...typed, text: 's12' }).rows.every((row) => reloaded.includes(row))).toBe(true);
  });
});
