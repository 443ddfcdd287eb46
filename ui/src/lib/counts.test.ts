import { describe, expect, it } from 'vitest';

import { orderStatusCounts } from './counts';
import { describeIngest } from './ingest';

describe('orderStatusCounts', () => {
  it('shows statuses in life-cycle order with exceptions first and hides empty ones', () => {
    const ordered = orderStatusCounts([
      { status: 'approved', invoice_count: 2 },
      { status: 'paid', invoice_count: 0 },
      { status: 'exception', invoice_count: 3 },
      { status: 'on_hold', invoice_count: 1 },
      { status: 'awaiting_approval', invoice_count: 1 },
    ]);
    expect(ordered.map((row) => row.status)).toEqual(['exception', 'awaiting_approval', 'approved', 'on_hold']);
  });
});

describe('describeIngest', () => {
  const report = { files: 0, processed: 0, rejected: 0, duplicate_files: 0, resumed: 0, invoice_ids: [], document_ids: [] };

  it('says so when the folder had nothing in it', () => {
    expect(describeIngest(report)).toBe('That folder has no files to take in yet.');
  });

  it('counts what was read, rejected and duplicated', () => {
    expect(describeIngest({ ...report, files: 4, processed: 2, rejected: 1, duplicate_files: 1 })).toBe(
      'Took in 4 files: 2 were read, 1 could not be used, 1 was a copy of an earlier file.',
    );
  });
});
