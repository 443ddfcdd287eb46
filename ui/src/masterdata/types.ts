// Types of the Vendors and Purchase orders panels, as the core sends them (src/api/vendor_records.rs,
// purchase_order_records.rs). Amounts and quantities are decimal strings, dates YYYY-MM-DD.

export interface VendorListing {
  vendor_id: string;
  name: string;
  tax_id: string | null;
  /** All but the last four characters hidden by the core. */
  iban_masked: string | null;
  payment_terms_days: number | null;
  invoice_count: number;
}

export type Origin = { kind: 'import' | 'sync' | 'manual'; name: string };

export interface InvoiceBrief {
  id: number;
  status: string;
  invoice_number: string | null;
  issue_date: string | null;
  currency: string | null;
  total_gross: string | null;
}

export interface FieldChange {
  field: string;
  old: string | null;
  new: string | null;
}

export interface AuditEntryRecord {
  id: number;
  at: string;
  actor: string;
  action: string;
  detail: { vendor_id?: string; origin?: string; changes?: FieldChange[]; call_back?: CallBack | null } & Record<string, unknown>;
}

export interface VendorRecord {
  vendor_id: string;
  name: string;
  tax_id: string | null;
  iban: string | null;
  bic: string | null;
  account_number: string | null;
  currency: string | null;
  email: string | null;
  payment_terms_days: number | null;
  default_account: string | null;
  aliases: string[];
  origin: Origin;
  invoice_count: number;
  recent_invoices: InvoiceBrief[];
  history: AuditEntryRecord[];
}

/** What the edit form sends (empty text: no value). */
export interface VendorFields {
  name: string;
  tax_id: string | null;
  iban: string | null;
  bic: string | null;
  account_number: string | null;
  currency: string | null;
  email: string | null;
  payment_terms_days: number | null;
  default_account: string | null;
  aliases: string[];
}

/** The record of the call that confirmed new bank details; `called_at` is local time, YYYY-MM-DDTHH:MM:SS. */
export interface CallBack {
  contact: string;
  phone: string;
  number_source: string;
  called_at: string;
}

export interface VendorUpdate {
  vendor_id: string;
  fields: VendorFields;
  call_back: CallBack | null;
  who: string;
}

export interface Redecided {
  invoice_id: number;
  before: string;
  after: string;
}

export interface VendorSaved {
  vendor: VendorRecord;
  changes: FieldChange[];
  redecided: Redecided[];
}

export type PurchaseOrderStatus = 'open' | 'partly_received' | 'received' | 'closed';

export interface PurchaseOrderListing {
  po_number: string;
  vendor_id: string;
  vendor_name: string | null;
  order_date: string;
  currency: string;
  total: string;
  line_count: number;
  status: PurchaseOrderStatus;
}

export interface PurchaseOrderLineRecord {
  line_no: number;
  item_code: string | null;
  description: string;
  unit_price: string;
  ordered: string;
  received: string;
  invoiced: string;
  open_to_receive: string;
  open_to_invoice: string;
}

export interface ReceiptBrief {
  receipt_id: string;
  line_no: number;
  quantity_received: string;
  received_date: string;
  origin: string;
}

export interface PurchaseOrderRecord extends PurchaseOrderListing {
  lines: PurchaseOrderLineRecord[];
  receipts: ReceiptBrief[];
  invoices: InvoiceBrief[];
}
