// Ordering of the status counts strip: the life-cycle order (exceptions first: they need a person), then
// any status a newer core adds, alphabetically; statuses with no invoices are not shown.

import { INVOICE_STATUSES, type StatusCount } from './types';

export function orderStatusCounts(counts: readonly StatusCount[]): StatusCount[] {
  const rank = (status: string): number => {
    const index = (INVOICE_STATUSES as readonly string[]).indexOf(status);
    return index === -1 ? INVOICE_STATUSES.length : index;
  };
  return counts
    .filter((row) => row.invoice_count > 0)
    .sort((a, b) => rank(a.status) - rank(b.status) || a.status.localeCompare(b.status));
}
