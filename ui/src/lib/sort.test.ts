import { describe, expect, it } from 'vitest';

import { compareDecimals, nextSortOrder, sortInvoices } from './sort';
import type { InvoiceSummary } from './types';

function invoice(id: number, fields: Partial<InvoiceSummary>): InvoiceSummary {
  return {
    id,
    document_sha256: `sha${id}`,
    status: 'approved',
    document_type: 'invoice',
    reasons: [],
    vendor_id: null,
    vendor_name: null,
    invoice_number: null,
    issue_date: null,
    due_date: null,
    currency: 'EUR',
    total_net: null,
    total_tax: null,
    total_gross: null,
    purchase_order_reference: null,
    confidence: null,
    approval_steps: [],
    ...fields,
  };
}

describe('compareDecimals', () => {
  it('orders by value, not by text', () => {
    expect(compareDecimals('9.99', '10.00')).toBeLessThan(0);
    expect(compareDecimals('100', '99.999')).toBeGreaterThan(0);
  });

  it('treats trailing and leading zeros as the same value', () => {
    expect(compareDecimals('010.50', '10.5')).toBe(0);
    expect(compareDecimals('-0.00', '0')).toBe(0);
  });

  it('puts negatives below positives and orders them by magnitude', () => {
    expect(compareDecimals('-5', '1')).toBeLessThan(0);
    expect(compareDecimals('-5', '-50')).toBeGreaterThan(0);
  });

  it('distinguishes amounts a float could not', () => {
    expect(compareDecimals('9007199254740993.01', '9007199254740993.02')).toBeLessThan(0);
  });
});

describe('sortInvoices', () => {
  const list = [
    invoice(1, { invoice_number: 'INV-10', total_gross: '100.00', due_date: '2024-03-01', vendor_name: 'b' }),
    invoice(2, { invoice_number: 'INV-9', total_gross: '99.50', due_date: null, vendor_name: 'A' }),
    invoice(3, { invoice_number: null, total_gross: '1000', due_date: '2024-01-15', vendor_name: 'c' }),
  ];
  const ids = (rows: InvoiceSummary[]) => rows.map((row) => row.id);

  it('keeps the order the core sent when no column is chosen', () => {
    expect(ids(sortInvoices(list, null))).toEqual([1, 2, 3]);
  });

  it('sorts totals as amounts', () => {
    expect(ids(sortInvoices(list, { key: 'total_gross', direction: 'asc' }))).toEqual([2, 1, 3]);
    expect(ids(sortInvoices(list, { key: 'total_gross', direction: 'desc' }))).toEqual([3, 1, 2]);
  });

  it('sorts invoice numbers naturally and puts missing ones last in both directions', () => {
    expect(ids(sortInvoices(list, { key: 'invoice_number', direction: 'asc' }))).toEqual([2, 1, 3]);
    expect(ids(sortInvoices(list, { key: 'invoice_number', direction: 'desc' }))).toEqual([1, 2, 3]);
  });

  it('sorts by due date with undated invoices last', () => {
    expect(ids(sortInvoices(list, { key: 'due_date', direction: 'asc' }))).toEqual([3, 1, 2]);
  });

  it('sorts vendors case-insensitively', () => {
    expect(ids(sortInvoices(list, { key: 'vendor_name', direction: 'asc' }))).toEqual([2, 1, 3]);
  });

  it('does not reorder the list it was given', () => {
    sortInvoices(list, { key: 'total_gross', direction: 'asc' });
    expect(ids(list)).toEqual([1, 2, 3]);
  });
});

describe('nextSortOrder', () => {
  it('starts ascending and toggles on the same column', () => {
    const first = nextSortOrder(null, 'due_date');
    expect(first).toEqual({ key: 'due_date', direction: 'asc' });
    expect(nextSortOrder(first, 'due_date')).toEqual({ key: 'due_date', direction: 'desc' });
    expect(nextSortOrder(first, 'status')).toEqual({ key: 'status', direction: 'asc' });
  });
});
