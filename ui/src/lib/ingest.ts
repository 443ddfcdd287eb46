// The sentence shown after an inbox was taken in.

import type { IngestReport } from './types';

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function describeIngest(report: IngestReport): string {
  if (report.files === 0) return 'That folder has no files to take in yet.';
  const parts = [`${count(report.processed, 'was read', 'were read')}`];
  if (report.rejected > 0) parts.push(`${count(report.rejected, 'could not be used', 'could not be used')}`);
  if (report.duplicate_files > 0) {
    parts.push(`${count(report.duplicate_files, 'was a copy of an earlier file', 'were copies of earlier files')}`);
  }
  return `Took in ${count(report.files, 'file', 'files')}: ${parts.join(', ')}.`;
}

/** The sentence shown when the inbox watcher finished a batch. */
export function describeBatch(batch: {
  documents: number;
  processed: number;
  rejected: number;
  duplicate_files: number;
  exceptions: number;
}): string {
  const parts = [`${count(batch.processed, 'was read', 'were read')}`];
  if (batch.rejected > 0) parts.push(`${count(batch.rejected, 'could not be used', 'could not be used')}`);
  if (batch.duplicate_files > 0) {
    parts.push(`${count(batch.duplicate_files, 'was a copy of an earlier file', 'were copies of earlier files')}`);
  }
  const needs = batch.exceptions > 0 ? ` ${count(batch.exceptions, 'invoice needs', 'invoices need')} you.` : '';
  return `Took in ${count(batch.documents, 'document', 'documents')} from the inbox: ${parts.join(', ')}.${needs}`;
}
