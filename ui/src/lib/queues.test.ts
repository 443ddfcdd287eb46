import { describe, expect, it } from 'vitest';

import { groupByReason, inTab, myApprovals, rowItem, tabCounts, waitsFor } from './queues';
import type { InvoiceRow, Person, QueueItem } from './types';

function row(id: number, status: InvoiceRow['status'], reason_codes: string | null = null): InvoiceRow {
  return {
    id,
    status,
    document_type: 'invoice',
    vendor_id: null,
    vendor_name: null,
    invoice_number: `N${id}`,
    issue_date: null,
    due_date: null,
    currency: null,
    total_gross: null,
    purchase_order_reference: null,
    reason_codes,
    created_at: '',
  };
}

const ann: Person = { name: 'Ann', role: 'manager', approval_limit: null };
const bob: Person = { name: 'Bob', role: 'clerk', approval_limit: '500' };

function item(invoice_id: number, owner: string | null): QueueItem {
  return { queue: 'awaiting_approval', invoice_id, owner, reasons: [], since: null, age_hours: 0, sla_hours: 24, overdue: false };
}

describe('waitsFor', () => {
  it('matches the named person, the delegate, or a role at or below the person’s', () => {
    expect(waitsFor('Ann', ann)).toBe(true);
    expect(waitsFor('Ann', bob)).toBe(false);
    expect(waitsFor('clerk', ann)).toBe(true);
    expect(waitsFor('manager', bob)).toBe(false);
    expect(waitsFor('owner', ann)).toBe(false);
    expect(waitsFor('Carl (delegated to Bob)', bob)).toBe(true);
    expect(waitsFor('Ann (delegated to Bob)', ann)).toBe(false);
    expect(waitsFor(null, ann)).toBe(false);
    expect(waitsFor('Ann', null)).toBe(false);
  });
});

describe('tabs', () => {
  const rows = [
    row(1, 'exception', 'PRICE_VARIANCE'),
    row(2, 'awaiting_approval'),
    row(3, 'awaiting_approval'),
    row(4, 'approved'),
    row(5, 'posted'),
    row(6, 'paid'),
    row(7, 'rejected'),
    row(8, 'exception', 'DUPLICATE_SUSPECTED,PRICE_VARIANCE'),
    row(9, 'exception', 'PRICE_VARIANCE'),
  ];
  const mine = myApprovals([item(2, 'manager'), item(3, 'owner')], ann);

  it('puts each invoice in its tab, and only the steps I may approve under mine', () => {
    expect([...mine]).toEqual([2]);
    expect(rows.filter((r) => inTab(r, 'mine', mine)).map((r) => r.id)).toEqual([2]);
    expect(rows.filter((r) => inTab(r, 'posted', mine)).map((r) => r.id)).toEqual([5, 6]);
    expect(rows.filter((r) => inTab(r, 'all', mine)).length).toBe(rows.length);
  });

  it('counts every tab in one pass, agreeing with inTab', () => {
    const counts = tabCounts(rows, mine);
    expect(counts).toEqual({ exceptions: 3, mine: 1, approved: 1, posted: 2, rejected: 1, all: 9 });
    for (const tab of ['exceptions', 'mine', 'approved', 'posted', 'rejected', 'all'] as const) {
      expect(counts[tab]).toBe(rows.filter((r) => inTab(r, tab, mine)).length);
    }
  });

  it('groups exceptions under their first reason, biggest group first', () => {
    const items = groupByReason(rows.filter((r) => r.status === 'exception'));
    expect(items.map((i) => (i.kind === 'group' ? `${i.reason}:${i.count}` : i.row.id))).toEqual([
      'PRICE_VARIANCE:2',
      1,
      9,
      'DUPLICATE_SUSPECTED:1',
      8,
    ]);
  });
});

describe('rowItem', () => {
  it('gives the same item for the same row every time, and a different one for another row', () => {
    const row = { id: 1 } as InvoiceRow;
    const other = { id: 2 } as InvoiceRow;
    expect(rowItem(row)).toEqual({ kind: 'row', row });
    expect(rowItem(row)).toBe(rowItem(row));
    expect(rowItem(other)).not.toBe(rowItem(row));
    expect(Object.keys(row)).toEqual(['id']);
  });
});
