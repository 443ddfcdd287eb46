import { describe, expect, it } from 'vitest';

import { loadInPages, tabCountsFromStatus } from './pages';
import { tabCounts } from './queues';
import type { InvoiceRow, InvoiceStatus } from './types';

const STATUSES: InvoiceStatus[] = ['exception', 'awaiting_approval', 'approved', 'posted', 'paid', 'rejected'];

function row(id: number): InvoiceRow {
  return {
    id,
    status: STATUSES[id % STATUSES.length] ?? 'exception',
    document_type: 'invoice',
    vendor_id: null,
    vendor_name: `Vendor ${id % 7}`,
    invoice_number: `INV-${id}`,
    issue_date: null,
    due_date: null,
    currency: 'EUR',
    total_gross: '10.00',
    purchase_order_reference: null,
    reason_codes: null,
    created_at: '2026-01-01T00:00:00Z',
  };
}

/** A store of `n` rows answering keyset pages as the SQL does (id below the last one, newest first). */
function store(n: number) {
  const all = Array.from({ length: n }, (_, i) => row(n - i));
  const asked: Array<[number | null, number]> = [];
  const fetchPage = (beforeId: number | null, limit: number) => {
    asked.push([beforeId, limit]);
    return Promise.resolve(all.filter((r) => beforeId === null || r.id < beforeId).slice(0, limit));
  };
  return { all, asked, fetchPage };
}

describe('loadInPages', () => {
  it('hands on a small first page, then the rest in chunks, ending with every row once in order', async () => {
    const { all, asked, fetchPage } = store(23);
    const seen: Array<[number, boolean]> = [];
    const rows = await loadInPages(fetchPage, (r, complete) => seen.push([r.length, complete]), () => true, 5, 8);
    expect(rows).toEqual(all);
    expect(seen).toEqual([[5, false], [13, false], [21, false], [23, true]]);
    expect(asked).toEqual([[null, 5], [19, 8], [11, 8], [3, 8]]);
  });

  it('asks once more when the last page is exactly full, and stops on an empty one', async () => {
    const { all, fetchPage } = store(10);
    const seen: boolean[] = [];
    expect(await loadInPages(fetchPage, (_, complete) => seen.push(complete), () => true, 5, 5)).toEqual(all);
    expect(seen).toEqual([false, false, true]);
  });

  it('waits for the pause after each page before asking for the next', async () => {
    const { fetchPage } = store(12);
    const events: string[] = [];
    const logged = (beforeId: number | null, limit: number) => {
      events.push(`fetch ${beforeId}`);
      return fetchPage(beforeId, limit);
    };
    const pause = async () => {
      events.push('pause');
      await Promise.resolve();
    };
    await loadInPages(logged, (r) => events.push(`page ${r.length}`), () => true, 5, 5, pause);
    expect(events).toEqual(['fetch null', 'page 5', 'pause', 'fetch 8', 'page 10', 'pause', 'fetch 3', 'page 12']);
  });

  it('stops handing on rows once a newer load replaced it', async () => {
    const { fetchPage } = store(30);
    let pages = 0;
    const result = await loadInPages(fetchPage, () => (pages += 1), () => pages < 2, 5, 5);
    expect(result).toBeNull();
    expect(pages).toBe(2);
  });
});

describe('tabCountsFromStatus', () => {
  it('gives the same counts as counting the rows, before they have arrived', () => {
    const rows = Array.from({ length: 60 }, (_, i) => row(i + 1));
    const byStatus = new Map<string, number>();
    for (const r of rows) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    const counts = [...byStatus].map(([status, invoice_count]) => ({ status, invoice_count }));
    const mine = new Set(rows.filter((r) => r.status === 'awaiting_approval' && r.id % 4 === 0).map((r) => r.id));
    expect(tabCountsFromStatus(counts, mine.size)).toEqual(tabCounts(rows, mine));
  });
});
