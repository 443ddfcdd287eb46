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
  | { kind: 'reading'; file: string }
  | { kind: 'ocr_progress'; file: string; done: number; pages: number }
  | { kind: 'sync_finished'; target: string }
  | { kind: 'connection_changed'; target: string }
  | { kind: 'watcher_notice'; message: string };

/** One row of the `report_invoice_counts_by_status` view. */
export interface StatusCount {
  status: string;
  invoice_count: number;
}

/** One row of the `report_invoice_list` view: what the queues list and filter. */
export interface InvoiceRow {
  id: number;
  status: InvoiceStatus;
  document_type: string;
  vendor_id: string | null;
  vendor_name: string | null;
  invoice_number: string | null;
  issue_date: string | null;
  due_date: string | null;
  currency: string | null;
  total_gross: string | null;
  purchase_order_reference: string | null;
  /** Reason codes joined by commas (`null`: none). */
  reason_codes: string | null;
  created_at: string;
}

/** A stored field with its provenance; `bbox` is `[x0, y0, x1, y1]` in PDF points from the bottom-left. */
export interface FieldRecord {
  value: string;
  confidence: number;
  method: string;
  page?: number;
  bbox?: [number, number, number, number];
}

/** One invoice in full (`get_invoice`). */
export interface InvoiceDetail extends InvoiceSummary {
  source_path: string;
  extraction_method: string;
  fields: Record<string, FieldRecord>;
  invoice: Record<string, unknown>;
  matches: Record<string, unknown>[];
  decisions: Record<string, unknown>[];
  audit_trail: AuditEntry[];
  approval: Record<string, unknown> | null;
  rule_warnings: string[];
}

export interface AuditEntry {
  id?: number;
  at: string;
  actor: string;
  action: string;
  invoice_id?: number | null;
  detail?: unknown;
}

export interface OriginalInfo {
  file_name: string;
  media_type: string;
  format: string | null;
}

export interface PdfWord {
  text: string;
  bbox: [number, number, number, number];
  size: number;
}

export interface PdfPageWords {
  number: number;
  width: number;
  height: number;
  rotation: number;
  words: PdfWord[];
}

export type Role = 'clerk' | 'manager' | 'owner';

export interface Person {
  name: string;
  role: Role;
  approval_limit: string | null;
}

export interface CorrectionReport {
  invoice_id: number;
  changes: { field: string; old: string | null; new: string }[];
  status_before: InvoiceStatus;
  status: InvoiceStatus;
  reasons: string[];
  approval_reopened: boolean;
  message: string;
}

export interface ApprovalReport {
  invoice_id: number;
  step_order: number;
  approved_by: string;
  acting_for?: string;
  status: InvoiceStatus;
  steps_remaining: number;
}

export interface QueueItem {
  queue: string;
  invoice_id: number;
  owner: string | null;
  reasons: string[];
  since: string | null;
  age_hours: number;
  sla_hours: number;
  overdue: boolean;
}

export interface Queues {
  as_of: string;
  exception: QueueItem[];
  awaiting_approval: QueueItem[];
  on_hold: QueueItem[];
}

export interface Flip {
  invoice_id: number;
  invoice_number: string | null;
  vendor_id: string | null;
  total_gross: string | null;
  from: string;
  to: string;
  reasons_now: string[];
  reasons_proposed: string[];
}

export interface ReplayReport {
  proposed_version: string;
  invoices: number;
  current: Record<string, number>;
  proposed: Record<string, number>;
  flips: Flip[];
}
