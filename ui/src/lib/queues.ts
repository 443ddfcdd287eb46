// The queue tabs: which invoices each tab holds, their counts, and the exceptions grouped by reason.
// "Awaiting my approval" uses the core's queue (who the current step waits for) and the acting person.

import { reasonCodes } from './filter';
import type { InvoiceRow, Person, QueueItem, Role } from './types';

export type TabId = 'exceptions' | 'mine' | 'approved' | 'posted' | 'rejected' | 'all';

export interface Tab {
  id: TabId;
  label: string;
}

export const TABS: readonly Tab[] = [
  { id: 'exceptions', label: 'Exceptions' },
  { id: 'mine', label: 'Awaiting my approval' },
  { id: 'approved', label: 'Approved / to post' },
  { id: 'posted', label: 'Posted' },
  { id: 'rejected', label: 'Rejected' },
  { id: 'all', label: 'All' },
];

const RANK: Record<Role, number> = { clerk: 0, manager: 1, owner: 2 };

/**
 * Whether the approval step described by `waitingFor` (the core's text: a name, a role, or
 * `who (delegated to other)`) can be acted on by `person`: their name, the delegate's name, or a role at or
 * below theirs (a higher role may approve a step that asks for a lower one).
 */
export function waitsFor(waitingFor: string | null, person: Person | null): boolean {
  if (!waitingFor || !person) return false;
  const delegated = /^(.*) \(delegated to (.*)\)$/.exec(waitingFor);
  if (delegated) return delegated[2] === person.name;
  if (waitingFor === person.name) return true;
  const role = waitingFor as Role;
  return role in RANK && RANK[person.role] >= RANK[role];
}

/** The ids of the approval-queue invoices the person can approve now. */
export function myApprovals(awaiting: readonly QueueItem[], person: Person | null): Set<number> {
  return new Set(awaiting.filter((item) => waitsFor(item.owner, person)).map((item) => item.invoice_id));
}

/** Whether a row belongs in a tab. */
export function inTab(row: InvoiceRow, tab: TabId, mine: ReadonlySet<number>): boolean {
  switch (tab) {
    case 'exceptions':
      return row.status === 'exception';
    case 'mine':
      return row.status === 'awaiting_approval' && mine.has(row.id);
    case 'approved':
      return row.status === 'approved';
    case 'posted':
      return row.status === 'posted' || row.status === 'paid';
    case 'rejected':
      return row.status === 'rejected';
    case 'all':
      return true;
  }
}

/** How many rows each tab holds, in one pass. */
export function tabCounts(rows: readonly InvoiceRow[], mine: ReadonlySet<number>): Record<TabId, number> {
  const counts: Record<TabId, number> = { exceptions: 0, mine: 0, approved: 0, posted: 0, rejected: 0, all: 0 };
  for (const row of rows) {
    counts.all += 1;
    if (row.status === 'exception') counts.exceptions += 1;
    else if (row.status === 'awaiting_approval' && mine.has(row.id)) counts.mine += 1;
    else if (row.status === 'approved') counts.approved += 1;
    else if (row.status === 'posted' || row.status === 'paid') counts.posted += 1;
    else if (row.status === 'rejected') counts.rejected += 1;
  }
  return counts;
}

/** A group header or an invoice, for a list that shows exceptions grouped by reason. */
export type ListItem = { kind: 'group'; reason: string; count: number } | { kind: 'row'; row: InvoiceRow };

const LIST_ITEM = Symbol('list item');

/**
 * The list item of a row, made once per row and kept on it: each key typed in the search turns up to
 * 50,000 rows into items, and allocating them anew every time made the garbage collector part of filtering.
 */
export function rowItem(row: InvoiceRow): ListItem {
  const holder = row as InvoiceRow & { [LIST_ITEM]?: ListItem };
  return (holder[LIST_ITEM] ??= { kind: 'row', row });
}

/**
 * Exceptions grouped by their first reason (most frequent group first, then by code), each group's rows in
 * their given order; an invoice with several reasons sits under its first one and shows the others.
 */
export function groupByReason(rows: readonly InvoiceRow[]): ListItem[] {
  const groups = new Map<string, InvoiceRow[]>();
  for (const row of rows) {
    const reason = reasonCodes(row)[0] ?? 'NO_REASON_RECORDED';
    let group = groups.get(reason);
    if (!group) groups.set(reason, (group = []));
    group.push(row);
  }
  const ordered = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  const items: ListItem[] = [];
  for (const [reason, group] of ordered) {
    items.push({ kind: 'group', reason, count: group.length });
    for (const row of group) items.push(rowItem(row));
  }
  return items;
}
