// Wire types: the JSON the core sends through the shell (src/api in the core crate). Money is a decimal
// string and stays one: it is shown, never computed with, in the UI.

export type InvoiceStatus = 'exception' | 'awaiting_approval' | 'approved' | 'posted' | 'paid' | 'rejected';

export const INVOICE_STATUSES: readonly InvoiceStatus[] = [
  'exception',
  'awaiting_approval',
  'approved',
  'posted',
  'paid',
  'rejected',
];

/** An error as the UI sees it: a stable code and a sentence for the user. Never a stack. */
export interface AppError {
  code: string;
  message: string;
}

export interface ReasonRecord {
  code: string;
  message: string;
  detail: unknown;
}

export interface InvoiceSummary {
  id: number;
  document_sha256: string;
  status: InvoiceStatus;
  document_type: string;
  reasons: ReasonRecord[];
  vendor_id: string | null;
  vendor_name: string | null;
  invoice_number: string | null;
  issue_date: string | null;
  due_date: string | null;
  currency: string | null;
  total_net: string | null;
  total_tax: string | null;
  total_gross: string | null;
  purchase_order_reference: string | null;
  confidence: number | null;
  approval_steps: unknown[];
}

export interface WorkspaceOverview {
  data_dir: string;
  database: string;
  inbox_folder: string | null;
  is_demo: boolean;
  invoice_count: number;
  document_count: number;
  vendor_count: number;
}

export interface IngestReport {
  files: number;
  processed: number;
  rejected: number;
  duplicate_files: number;
  resumed: number;
  invoice_ids: number[];
  document_ids: number[];
}

/** The core's events, forwarded by the shell as `core-event`. */
export type CoreEvent =
  | { kind: 'invoices_changed' }
  | { kind: 'documents_changed' }
  | { kind: 'master_data_changed' }
  | { kind: 'ingest_progress'; done: number; total: number }
  | {
      kind: 'batch_finished';
      documents: number;
      processed: number;
      rejected: number;
      duplicate_files: number;
      exceptions: number;
    }
  | { kind: 'watcher_notice'; message: string };

/** One row of the `report_invoice_counts_by_status` view. */
export interface StatusCount {
  status: string;
  invoice_count: number;
}
