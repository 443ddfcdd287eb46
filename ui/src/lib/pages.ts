// Loading the invoice list in pages, newest first, so the first screenful paints before the other 50,000
// rows arrive: a small first page, then the rest in larger chunks (keyset: `id < last id seen`), each handed
// on as it comes. While rows are still arriving, the tab counts come from the core's per-status counts.

import type { TabId } from './queues';
import type { InvoiceRow, StatusCount } from './types';

/** Rows in the first page: more than any window shows, small enough to arrive at once. */
export const FIRST_PAGE = 200;
/** Rows in each later page. */
export const CHUNK = 5000;

/** Fetches up to `limit` rows with an id below `beforeId` (all when `null`), newest first. */
export type PageFetcher = (beforeId: number | null, limit: number) => Promise<InvoiceRow[]>;

/**
 * Fetches every row page by page. `onPage` gets the rows so far (a new array each time) and whether that is
 * all of them; it stops early, returning `null`, once `isCurrent()` says a newer load replaced this one.
 * `pause` is awaited before each further page: the app waits there for the page just handed on to be
 * painted, so the next page's transfer and parsing never hold up that frame.
 */
export async function loadInPages(
  fetchPage: PageFetcher,
  onPage: (rows: InvoiceRow[], complete: boolean) => void,
  isCurrent: () => boolean = () => true,
  firstPage: number = FIRST_PAGE,
  chunk: number = CHUNK,
  pause: () => Promise<void> = () => Promise.resolve(),
): Promise<InvoiceRow[] | null> {
  let rows: InvoiceRow[] = [];
  let limit = firstPage;
  for (;;) {
    const last = rows.at(-1)?.id ?? null;
    const page = await fetchPage(last, limit);
    if (!isCurrent()) return null;
    rows = rows.concat(page);
    const complete = page.length < limit;
    onPage(rows, complete);
    if (complete) return rows;
    limit = chunk;
    await pause();
    if (!isCurrent()) return null;
  }
}

/**
 * The tab counts from the core's per-status counts (while the rows are still arriving): `mine` is how many
 * invoices wait for the acting person, which the status counts cannot tell.
 */
export function tabCountsFromStatus(counts: readonly StatusCount[], mine: number): Record<TabId, number> {
  const result: Record<TabId, number> = { exceptions: 0, mine, approved: 0, posted: 0, rejected: 0, all: 0 };
  for (const { status, invoice_count: n } of counts) {
    result.all += n;
    if (status === 'exception') result.exceptions += n;
    else if (status === 'approved') result.approved += n;
    else if (status === 'posted' || status === 'paid') result.posted += n;
    else if (status === 'rejected') result.rejected += n;
  }
  return result;
}
