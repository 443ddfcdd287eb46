import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock('@tauri-apps/api/event', () => ({ listen: vi.fn() }));
vi.mock('@tauri-apps/plugin-dialog', () => ({ open: vi.fn(), save: vi.fn() }));

import { purchaseOrderRecord, searchPurchaseOrders, searchVendors, updateVendor, vendorRecord } from './api';
import type { VendorUpdate } from './types';

describe('vendor and purchase-order commands', () => {
  beforeEach(() => {
    invoke.mockReset();
  });

  it('sends the argument names the shell commands take (camelCase for snake_case parameters)', async () => {
    invoke.mockResolvedValue({});
    const update: VendorUpdate = {
      vendor_id: 'V-1',
      who: 'Dana',
      call_back: null,
      fields: { name: 'Acme', tax_id: null, iban: null, bic: null, account_number: null, currency: null, email: null, payment_terms_days: 30, default_account: null, aliases: [] },
    };
    await searchVendors('acme');
    await vendorRecord('V-1');
    await updateVendor(update);
    await searchPurchaseOrders('');
    await purchaseOrderRecord('PO-7');
    expect(invoke.mock.calls).toEqual([
      ['search_vendors', { query: 'acme' }],
      ['vendor_record', { vendorId: 'V-1' }],
      ['update_vendor', { update }],
      ['search_purchase_orders', { query: '' }],
      ['purchase_order_record', { poNumber: 'PO-7' }],
    ]);
  });

  it('passes the core’s refusal on as {code, message}', async () => {
    const refusal = { code: 'USAGE', message: 'the bank details of vendor V-1 would change (IBAN none → GB82WEST12345698765432) without a call-back record; …' };
    invoke.mockRejectedValue(refusal);
    const thrown = await updateVendor({} as VendorUpdate).catch((error: unknown) => error);
    expect(thrown).toEqual(refusal);
  });

  it('maps a shell failure (a missing permission) to a SHELL error', async () => {
    invoke.mockRejectedValue('update_vendor not allowed. Permissions associated with this command: allow-update-vendor');
    const thrown = await updateVendor({} as VendorUpdate).catch((error: unknown) => error);
    expect(thrown).toMatchObject({ code: 'SHELL' });
  });
});
