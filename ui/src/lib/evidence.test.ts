import { describe, expect, it } from 'vitest';

import { confidenceBand, evidenceLines, fieldLabel } from './evidence';

describe('evidence', () => {
  it('labels fields', () => {
    expect(fieldLabel('total_gross')).toBe('Gross total');
    expect(fieldLabel('tax_point_date')).toBe('Tax point date');
  });

  it('turns a reason detail into label/value lines, skipping empty values', () => {
    expect(evidenceLines({ po_number: 'PO-1', unit_price: '10.50', expected: ['10.00', 'EUR'], note: null })).toEqual([
      ['Po number', 'PO-1'],
      ['Unit price', '10.50'],
      ['Expected', '10.00, EUR'],
    ]);
    expect(evidenceLines({})).toEqual([]);
    expect(evidenceLines(null)).toEqual([]);
    expect(evidenceLines('see the PO')).toEqual([['Detail', 'see the PO']]);
  });

  it('bands confidences', () => {
    expect(confidenceBand(0.5)).toEqual({ percent: '50%', band: 'low' });
    expect(confidenceBand(0.9)).toEqual({ percent: '90%', band: 'mid' });
    expect(confidenceBand(1)).toEqual({ percent: '100%', band: 'high' });
  });
});
