// Types of the settings and master-data screens, as the core sends them (src/api/master_data.rs,
// receipts.rs, backup.rs). Amounts and quantities are decimal strings, dates YYYY-MM-DD.

export type MasterDataKind = 'vendors' | 'purchase-orders' | 'receipts' | 'accounts';

export interface RowError {
  line: number;
  column: string | null;
  message: string;
}

/** A bank detail of a vendor already on file that a vendors file changes; values masked but for their last four characters. */
export interface BankChange {
  vendor_id: string;
  name: string;
  field: 'iban' | 'bic' | 'account_number';
  old: string | null;
  new: string | null;
}

export interface MasterDataPreview {
  file: string;
  kind: MasterDataKind;
  rows: number;
  new: number;
  changed: number;
  errors: RowError[];
  warnings: string[];
  bank_changes: BankChange[];
}

export interface ImportReport {
  file: string;
  kind: MasterDataKind;
  rows: number;
  changed: number;
  warnings: string[];
  bank_changes: BankChange[];
}

export interface ReceivableLine {
  line_no: number;
  description: string;
  ordered: string;
  received: string;
}

export interface OpenPurchaseOrder {
  po_number: string;
  vendor_id: string;
  vendor_name: string | null;
  order_date: string;
  lines: ReceivableLine[];
}

export interface ReceiptEntry {
  po_number: string;
  receipt_id: string | null;
  received_date: string;
  lines: { line_no: number; quantity: string }[];
  who: string;
}

export interface Redecided {
  invoice_id: number;
  before: string;
  after: string;
}

export interface ReceiptRecorded {
  receipt_id: string;
  lines: number;
  redecided: Redecided[];
}

export interface BackupReport {
  file: string;
  entries: number;
  bytes: number;
  invoice_count: number;
  schema_version: number;
}

export interface BackupManifest {
  format: number;
  schema_version: number;
  created_at: string;
  invoice_count: number;
  entries: { path: string; size: number; sha256: string }[];
}

export interface RestoreReport {
  data_dir: string;
  entries: number;
  invoice_count: number;
  schema_version: number;
}

export type SyncTarget = 'xero' | 'qbo';

export interface ConnectionStatus {
  target: SyncTarget;
  connected: boolean;
  tenant_id: string | null;
  last_sync: string | null;
  waiting: number;
  failed: number;
  keychain_problem: string | null;
}

/** What the person types to connect; sent to the keychain through the core, never stored by the UI. */
export interface SignInApp {
  client_id: string;
  client_secret: string | null;
  tenant_id: string | null;
}

export interface SyncReport {
  target: SyncTarget;
  queued: number;
  created: number;
  recovered: number;
  attached: number;
  posted: number;
  paid: number;
  retries: number;
  waiting: number;
  offline: boolean;
  failed: string[];
  flagged: string[];
  pulled: Record<string, number>;
}
