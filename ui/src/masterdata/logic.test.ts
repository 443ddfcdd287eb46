import { describe, expect, it } from 'vitest';

import { EMPTY_CALL_BACK, awaitsGoods, bankDetailsChanged, describeChange, describeSaved, formOf, groupIban, shortMasked, statusLabel, vendorUpdate } from './logic';
import type { VendorRecord } from './types';

const record: VendorRecord = {
  vendor_id: 'V-ELEK',
  name: 'ELEKTRON Industrieservice GmbH',
  tax_id: 'DE136695976',
  iban: 'DE91100000000123456789',
  bic: null,
  account_number: null,
  currency: 'EUR',
  email: 'rechnung@elektron.example',
  payment_terms_days: 14,
  default_account: '6300',
  aliases: ['Elektron', 'Elektron GmbH'],
  origin: { kind: 'import', name: 'vendors.csv' },
  invoice_count: 1,
  recent_invoices: [],
  history: [],
};

describe('the vendor form', () => {
  it('round-trips a record unchanged, aliases and grouped IBAN included', () => {
    const form = formOf(record);
    expect(form.iban).toBe('DE91 1000 0000 0123 4567 89');
    expect(form.aliases).toBe('Elektron | Elektron GmbH');
    const result = vendorUpdate(record, form, EMPTY_CALL_BACK, 'Dana');
    expect(result).toEqual({
      update: {
        vendor_id: 'V-ELEK',
        who: 'Dana',
        call_back: null,
        fields: {
          name: record.name,
          tax_id: 'DE136695976',
          iban: 'DE91 1000 0000 0123 4567 89',
          bic: null,
          account_number: null,
          currency: 'EUR',
          email: 'rechnung@elektron.example',
          payment_terms_days: 14,
          default_account: '6300',
          aliases: ['Elektron', 'Elektron GmbH'],
        },
      },
    });
    expect(bankDetailsChanged(record, form)).toBe(false);
  });

  it('asks for the call-back only when the IBAN, BIC or account changes (spaces and case do not count)', () => {
    const form = formOf(record);
    expect(bankDetailsChanged(record, { ...form, iban: 'de91100000000123456789' })).toBe(false);
    expect(bankDetailsChanged(record, { ...form, iban: 'GB82 WEST 1234 5698 7654 32' })).toBe(true);
    expect(bankDetailsChanged(record, { ...form, bic: 'COBADEFFXXX' })).toBe(true);
    expect(bankDetailsChanged(record, { ...form, account_number: '021000021:123' })).toBe(true);
    expect(bankDetailsChanged(record, { ...form, payment_terms_days: '30' })).toBe(false);
  });

  it('leaves the call-back out when nothing was typed in it, so the core refuses and says what it needs', () => {
    const form = { ...formOf(record), iban: 'GB82WEST12345698765432' };
    const result = vendorUpdate(record, form, EMPTY_CALL_BACK, 'Dana');
    expect('update' in result && result.update.call_back).toBe(null);
  });

  it('sends the call-back with seconds added to the time of the call', () => {
    const form = { ...formOf(record), iban: 'GB82WEST12345698765432' };
    const call = { contact: ' Eva Roth ', phone: '+49 30 5550 1234', number_source: 'contract', called_at: '2026-11-20T09:15' };
    const result = vendorUpdate(record, form, call, 'Dana');
    expect('update' in result && result.update.call_back).toEqual({ contact: 'Eva Roth', phone: '+49 30 5550 1234', number_source: 'contract', called_at: '2026-11-20T09:15:00' });
  });

  it('says in words what cannot be sent', () => {
    const form = formOf(record);
    expect(vendorUpdate(record, form, EMPTY_CALL_BACK, null)).toEqual({ problem: 'Choose who you are (top right) before changing a vendor.' });
    expect(vendorUpdate(record, { ...form, payment_terms_days: '30 days' }, EMPTY_CALL_BACK, 'Dana')).toEqual({
      problem: 'Payment terms: "30 days" is not a number of days; write it like 30.',
    });
    const call = { ...EMPTY_CALL_BACK, contact: 'Eva Roth' };
    expect(vendorUpdate(record, { ...form, iban: 'GB82WEST12345698765432' }, call, 'Dana')).toEqual({ problem: 'Enter when you made the call-back (date and time).' });
  });
});

describe('what the panels show', () => {
  it('shortens a masked IBAN to its last four characters and groups a whole one', () => {
    expect(shortMasked('••••••••••••••••••6789')).toBe('•••• 6789');
    expect(shortMasked(null)).toBe('—');
    expect(groupIban('gb82 west12345698765432')).toBe('GB82 WEST 1234 5698 7654 32');
  });

  it('describes a save with each change old → new and the invoices decided again', () => {
    const saved = {
      vendor: record,
      changes: [
        { field: 'payment_terms_days', old: '14', new: '30' },
        { field: 'iban', old: 'DE91100000000123456789', new: null },
      ],
      redecided: [{ invoice_id: 3, before: 'exception', after: 'awaiting_approval' }],
    };
    expect(describeSaved(saved)).toBe(
      'Saved ELEKTRON Industrieservice GmbH: payment terms (days) 14 → 30; IBAN DE91100000000123456789 → none. Decided again: invoice 3 exception → awaiting approval.',
    );
    expect(describeSaved({ ...saved, changes: [] })).toBe('Nothing changed for ELEKTRON Industrieservice GmbH.');
    expect(describeChange({ field: 'tax_id', old: null, new: 'DE1' })).toBe('VAT id none → DE1');
  });

  it('names each purchase-order status and offers goods receipts only while goods are due', () => {
    expect(statusLabel('partly_received')).toBe('Partly received');
    expect(statusLabel('received')).toBe('Received, invoices to come');
    expect(awaitsGoods('open')).toBe(true);
    expect(awaitsGoods('partly_received')).toBe(true);
    expect(awaitsGoods('received')).toBe(false);
    expect(awaitsGoods('closed')).toBe(false);
  });
});
