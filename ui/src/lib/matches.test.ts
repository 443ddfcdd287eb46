import { describe, expect, it } from 'vitest';

import { decimalDifference, matchRows } from './matches';

describe('decimalDifference', () => {
  it('subtracts decimal strings exactly', () => {
    expect(decimalDifference('10.5', '10.25')).toBe('0.25');
    expect(decimalDifference('0.1', '0.3')).toBe('-0.2');
    expect(decimalDifference('1000', '999.99')).toBe('0.01');
    expect(decimalDifference('5', '5.00')).toBe('0.00');
    expect(decimalDifference('x', '1')).toBeNull();
  });
});

describe('matchRows', () => {
  it('flags lines whose price differs from the PO and leaves equal ones alone', () => {
    const rows = matchRows([
      { invoice_line: '1', po_number: 'PO-1', po_line_no: 1, tier: 'exact', mode: 'two_way', quantity: '2', unit_price: '10.50', po_unit_price: '10.00' },
      { invoice_line: '2', po_number: 'PO-1', po_line_no: 2, tier: 'exact', mode: 'two_way', quantity: '1', unit_price: '4.00', po_unit_price: '4' },
      { invoice_line: '3', po_number: 'PO-1', po_line_no: 3, tier: 'exact', mode: 'two_way', quantity: '1', unit_price: null, po_unit_price: '4' },
    ]);
    expect(rows.map((r) => [r.po, r.variance, r.variancePercent, r.differs])).toEqual([
      ['PO-1 / 1', '0.50', '5.0%', true],
      ['PO-1 / 2', '0.00', null, false],
      ['PO-1 / 3', null, null, false],
    ]);
  });
});
