import { describe, expect, it } from 'vitest';

import { readableInvoice } from './einvoice';

describe('readableInvoice', () => {
  it('lists parties, facts, lines and totals the document states, and nothing else', () => {
    const readable = readableInvoice({
      number: 'TOSL108',
      issue_date: '2013-06-30',
      due_date: null,
      currency: 'NOK',
      purchase_order_reference: '123',
      seller: { name: 'Salescompany ltd.', vat_id: 'NO123456789MVA', address: { line1: 'Main street 1', post_code: '1111', city: 'Bigtown', country_code: 'NO' } },
      buyer: { name: null, address: {} },
      payment: { credit_transfers: [{ account_id: 'NO9386011117947' }] },
      lines: [{ id: '1', item_name: 'Laptop computer', quantity: '1', unit_code: 'NAR', net_price: '1273', net_amount: '1273', vat_rate: '25' }],
      totals: { tax_exclusive: '1436.5', tax_total: '359.13', tax_inclusive: '1795.63', amount_due: '1656.25', prepaid: null },
    });
    expect(readable.parties).toEqual([
      { title: 'From', name: 'Salescompany ltd.', lines: ['Main street 1', '1111 Bigtown', 'NO', 'VAT NO123456789MVA'] },
    ]);
    expect(readable.facts).toEqual([
      ['Invoice number', 'TOSL108'],
      ['Issue date', '2013-06-30'],
      ['Purchase order', '123'],
      ['Pay to', 'NO9386011117947'],
    ]);
    expect(readable.lines).toEqual([
      { id: '1', item: 'Laptop computer', quantity: '1', unit: 'NAR', price: '1273', net: '1273', vat: '25%' },
    ]);
    expect(readable.totals).toEqual([
      ['Net', '1436.5'],
      ['VAT', '359.13'],
      ['Gross', '1795.63'],
      ['Amount due', '1656.25'],
    ]);
    expect(readable.currency).toBe('NOK');
  });

  it('survives an empty or odd invoice', () => {
    expect(readableInvoice(null)).toEqual({ parties: [], facts: [], lines: [], totals: [], currency: null });
    expect(readableInvoice({ lines: 'x', totals: 3 }).lines).toEqual([]);
  });
});
