import { describe, expect, it } from 'vitest';

import { confidenceBand, evidenceEntries, fieldLabel } from './evidence';

/** Intl writes narrow no-break spaces in some locales; compare with plain spaces. */
const plain = (text: string | undefined) => text?.replace(/[\u00a0\u202f]/g, ' ');

describe('evidence', () => {
  it('labels fields', () => {
    expect(fieldLabel('total_gross')).toBe('Gross total');
    expect(fieldLabel('tax_point_date')).toBe('Tax point date');
  });

  const en = { currency: 'EUR', fields: { total_gross: { page: 2 }, issue_date: { page: 1 } }, locale: 'en-US' };
  const de = { ...en, locale: 'de-DE' };
  // the detail LOW_CONFIDENCE carries (src/decide/fields.rs), keys sorted as serde_json sends them
  const lowConfidence = {
    fields: [
      { confidence: 0.62, field: 'total_gross', threshold: 0.9, value: '1234.5' },
      { confidence: 0.7, field: 'issue_date', threshold: 0.9, value: '2024-05-01' },
    ],
    rule: 'fields.confidence',
  };

  it('shows each field read with low confidence as its label, value, confidence and page, not as JSON', () => {
    const entries = evidenceEntries(lowConfidence, en);
    expect(entries.map((e) => e.label)).toEqual(['Fields', 'Check']);
    const [gross, date] = entries[0]!.records!;
    expect(gross).toEqual([
      { label: 'Field', value: 'Gross total', mono: false },
      { label: 'Value', value: '€1,234.50', mono: true },
      { label: 'Confidence', value: '62%', mono: true },
      { label: 'Threshold', value: '90%', mono: true },
      { label: 'Page', value: '2', mono: true },
    ]);
    expect(date!.find((v) => v.label === 'Value')?.value).toBe('May 1, 2024');
    expect(date!.find((v) => v.label === 'Page')?.value).toBe('1');
    expect(JSON.stringify(entries)).not.toContain('{"field"');
  });

  it('formats amounts, dates and shares in the locale it is given', () => {
    const [gross, date] = evidenceEntries(lowConfidence, de)[0]!.records!;
    expect(plain(gross!.find((v) => v.label === 'Value')?.value)).toBe('1.234,50 €');
    expect(plain(gross!.find((v) => v.label === 'Confidence')?.value)).toBe('62 %');
    expect(date!.find((v) => v.label === 'Value')?.value).toBe('01.05.2024');
  });

  it('names the fields an invoice does not state', () => {
    expect(evidenceEntries({ fields: ['vendor', 'total_gross'], rule: 'fields.required' }, en)[0]).toEqual({
      label: 'Fields',
      value: 'Vendor, Gross total',
      mono: false,
    });
  });

  it('shows a price variance in the currency and its tolerance as a share', () => {
    const detail = {
      rule: 'match.price', invoice_line: '1', po_number: 'PO-7', po_line: 2, unit_price: '10.50',
      po_unit_price: '10.00', difference: '0.50', allowed: '0.20', tolerance_percent: '2', tolerance_absolute: '0.05',
    };
    const entries = evidenceEntries(detail, en);
    expect(entries.at(-1)?.label).toBe('Check');
    const byLabel = Object.fromEntries(entries.map((e) => [e.label, e.value]));
    expect(byLabel).toMatchObject({
      'PO number': 'PO-7', 'PO line': '2', 'Unit price': '€10.50', 'PO unit price': '€10.00',
      Difference: '€0.50', Allowed: '€0.20', 'Tolerance (share)': '2%', 'Tolerance (amount)': '€0.05',
    });
  });

  it('keeps quantities as numbers and codes as sent, and skips empty values', () => {
    const entries = evidenceEntries({ quantity: '1500.25', stated: 'DE02120300000000202051', note: null, history: [] }, en);
    expect(entries).toEqual([
      { label: 'Quantity', value: '1,500.25', mono: true },
      { label: 'Stated', value: 'DE02120300000000202051', mono: true },
    ]);
    expect(evidenceEntries({}, en)).toEqual([]);
    expect(evidenceEntries(null, en)).toEqual([]);
    expect(evidenceEntries('see the PO', en)).toEqual([{ label: 'Detail', value: 'see the PO', mono: true }]);
  });

  it('shows totals that do not add up as records in the currency', () => {
    const detail = { tolerance: '0.01', mismatches: [{ relation: 'BT-106 = Σ BT-131', stated: '100.00', computed: '90.00', message: 'the lines add up to 90.00' }] };
    const [tolerance, mismatches] = evidenceEntries(detail, en);
    expect(tolerance).toEqual({ label: 'Tolerance', value: '€0.01', mono: true });
    expect(mismatches!.records![0]).toEqual([
      { label: 'Relation', value: 'BT-106 = Σ BT-131', mono: true },
      { label: 'Stated', value: '€100.00', mono: true },
      { label: 'Computed', value: '€90.00', mono: true },
      { label: 'Message', value: 'the lines add up to 90.00', mono: false },
    ]);
  });

  it('bands confidences', () => {
    expect(confidenceBand(0.5)).toEqual({ percent: '50%', band: 'low' });
    expect(confidenceBand(0.9)).toEqual({ percent: '90%', band: 'mid' });
    expect(confidenceBand(1)).toEqual({ percent: '100%', band: 'high' });
  });
});
