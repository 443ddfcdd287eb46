import { describe, expect, it } from 'vitest';

import { cycleTimes, exceptionsByWeek, median, vendorAccuracy } from './dashboard';

describe('exceptionsByWeek', () => {
  it('counts every reason per week, filling weeks without exceptions with zero', () => {
    const { weeks, series } = exceptionsByWeek([
      { week: '2026-03-02', reason_codes: 'PRICE_VARIANCE,NO_PO_REFERENCE' },
      { week: '2026-03-02', reason_codes: 'PRICE_VARIANCE' },
      { week: '2026-03-16', reason_codes: 'NO_PO_REFERENCE' },
      { week: '2026-03-09', reason_codes: null },
      { week: 'garbage', reason_codes: 'X' },
    ]);
    expect(weeks).toEqual(['2026-03-02', '2026-03-09', '2026-03-16']);
    expect([...series.entries()]).toEqual([
      ['NO_PO_REFERENCE', [1, 0, 1]],
      ['PRICE_VARIANCE', [2, 0, 0]],
    ]);
  });

  it('is empty without exceptions', () => {
    expect(exceptionsByWeek([])).toEqual({ weeks: [], series: new Map() });
  });
});

describe('cycle times and accuracy', () => {
  it('takes medians in hours over the invoices that reached each step', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(
      cycleTimes([
        { received_at: '2026-03-01T10:00:00Z', approved_at: '2026-03-01T12:00:00Z', posted_at: '2026-03-02T10:00:00Z' },
        { received_at: '2026-03-01T10:00:00Z', approved_at: '2026-03-01T16:00:00Z', posted_at: null },
        { received_at: '2026-03-01T10:00:00Z', approved_at: null, posted_at: null },
      ]),
    ).toEqual({ toApproved: 4, toPosted: 24, approved: 2, posted: 1 });
  });

  it('ranks vendors worst first', () => {
    expect(
      vendorAccuracy([
        { vendor_id: 'A', invoices: 2, fields: 20, fields_corrected: 1 },
        { vendor_id: 'B', invoices: 1, fields: 10, fields_corrected: 5 },
        { vendor_id: null, invoices: 1, fields: 0, fields_corrected: 0 },
      ]),
    ).toEqual([
      { vendor: 'B', invoices: 1, accuracy: 0.5 },
      { vendor: 'A', invoices: 2, accuracy: 0.95 },
      { vendor: 'unknown vendor', invoices: 1, accuracy: null },
    ]);
  });
});
