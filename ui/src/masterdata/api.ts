// Typed wrappers over the shell's vendor and purchase-order commands (src-tauri/src/master_records.rs),
// through the one module that talks to the shell (../lib/api.ts). Everything they throw is an `AppError`.

import { callCommand as command } from '../lib/api';
import type { PurchaseOrderListing, PurchaseOrderRecord, VendorListing, VendorRecord, VendorSaved, VendorUpdate } from './types';

/** Vendors whose id, name, alias or VAT id contains `query`, or whose IBAN is `query`; IBANs masked. */
export function searchVendors(query: string): Promise<VendorListing[]> {
  return command('search_vendors', { query });
}

export function vendorRecord(vendorId: string): Promise<VendorRecord> {
  return command('vendor_record', { vendorId });
}

/** Saves a hand edit; the core refuses new bank details without the call-back record. */
export function updateVendor(update: VendorUpdate): Promise<VendorSaved> {
  return command('update_vendor', { update });
}

export function searchPurchaseOrders(query: string): Promise<PurchaseOrderListing[]> {
  return command('search_purchase_orders', { query });
}

export function purchaseOrderRecord(poNumber: string): Promise<PurchaseOrderRecord> {
  return command('purchase_order_record', { poNumber });
}
