// The one module that talks to the desktop shell: typed wrappers over its commands, its events, the
// read-only reporting database and the folder picker. Everything it throws is an `AppError`.

import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { open, save } from '@tauri-apps/plugin-dialog';
import Database from '@tauri-apps/plugin-sql';

import type {
  AppError,
  ApprovalReport,
  AuditEntry,
  CoreEvent,
  CorrectionReport,
  IngestReport,
  InvoiceDetail,
  InvoiceRow,
  OriginalInfo,
  PdfPageWords,
  Person,
  Queues,
  ReplayReport,
  Role,
  InvoiceStatus,
  InvoiceSummary,
  StatusCount,
  WorkspaceOverview,
} from './types';

/** Code for failures that did not come from the core (plugin, permission, or bridge errors). */
export const SHELL_ERROR = 'SHELL';
/** Code for failures of unknown shape. */
export const UNEXPECTED_ERROR = 'UNEXPECTED';

/**
 * Turns anything thrown by a call into the shell into `{code, message}`. The core sends that shape already;
 * plugins and the permission layer reject with plain strings; JS errors keep their message only.
 */
export function toAppError(thrown: unknown): AppError {
  if (typeof thrown === 'object' && thrown !== null) {
    const { code, message } = thrown as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && typeof message === 'string') {
      return { code, message };
    }
    if (thrown instanceof Error) {
      return { code: UNEXPECTED_ERROR, message: thrown.message || thrown.name };
    }
    if (typeof message === 'string') {
      return { code: UNEXPECTED_ERROR, message };
    }
  }
  if (typeof thrown === 'string' && thrown.trim() !== '') {
    return { code: SHELL_ERROR, message: thrown };
  }
  return { code: UNEXPECTED_ERROR, message: 'something went wrong and gave no reason' };
}

/** Whether a value is already a mapped error (so UI code can rethrow or show it). */
export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AppError).code === 'string' &&
    typeof (value as AppError).message === 'string'
  );
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (thrown) {
    throw toAppError(thrown);
  }
}

function command<T>(name: string, args?: Record<string, unknown>): Promise<T> {
  return mapped(() => invoke<T>(name, args));
}

// --- commands ------------------------------------------------------------------------------------

export function workspaceOverview(): Promise<WorkspaceOverview> {
  return command('workspace_overview');
}

export function listInvoices(status: InvoiceStatus | null = null): Promise<InvoiceSummary[]> {
  return command('list_invoices', { status });
}

export function setInboxFolder(folder: string): Promise<void> {
  return command('set_inbox_folder', { folder });
}

export function ingestPaths(paths: string[]): Promise<IngestReport> {
  return command('ingest_paths', { paths });
}

export function openDemoWorkspace(): Promise<WorkspaceOverview> {
  return command('open_demo_workspace');
}

export function getInvoice(id: number): Promise<InvoiceDetail> {
  return command('get_invoice', { id });
}

export function queues(): Promise<Queues> {
  return command('queues');
}

export function originalInfo(id: number): Promise<OriginalInfo> {
  return command('original_info', { id });
}

/** The original's bytes (sent raw by the shell, arriving as an ArrayBuffer). */
export function originalBytes(id: number): Promise<ArrayBuffer> {
  return command('original_bytes', { id });
}

export async function documentWords(id: number): Promise<PdfPageWords[]> {
  const text = await command<{ pages: PdfPageWords[] }>('document_words', { id });
  return text.pages;
}

export function correctInvoice(
  id: number,
  fields: { field: string; value: string }[],
  who: string,
): Promise<CorrectionReport> {
  return command('correct_invoice', { id, fields, who });
}

export function approveInvoice(id: number, who: string, comment: string | null = null): Promise<ApprovalReport> {
  return command('approve_invoice', { id, who, comment });
}

export function rejectInvoice(id: number, who: string, reason: string): Promise<string> {
  return command('reject_invoice', { id, who, reason });
}

/** Holds the invoice with `reason`, or releases it when `reason` is null. */
export function holdInvoice(id: number, who: string, reason: string | null): Promise<void> {
  return command('hold_invoice', { id, who, reason });
}

export function confirmBankDetails(id: number, who: string, how: string): Promise<unknown> {
  return command('confirm_bank_details', { id, who, how });
}

export function markNotDuplicate(id: number, who: string, why: string): Promise<unknown> {
  return command('mark_not_duplicate', { id, who, why });
}

export function people(): Promise<Person[]> {
  return command('people');
}

export function addPerson(name: string, role: Role, limit: string | null): Promise<Person> {
  return command('add_person', { name, role, limit });
}

export function policyText(): Promise<string> {
  return command('policy_text');
}

export function previewPolicy(text: string): Promise<ReplayReport> {
  return command('preview_policy', { text });
}

/** Saves the policy; resolves to its version. */
export function savePolicy(text: string): Promise<string> {
  return command('save_policy', { text });
}

export function metrics(): Promise<Record<string, unknown>> {
  return command('metrics');
}

export function importMasterData(kind: string, file: string): Promise<Record<string, unknown>> {
  return command('import_master_data', { kind, file });
}

// --- events --------------------------------------------------------------------------------------

/** Calls `handler` with every core event until the returned function is called. */
export function onCoreEvent(handler: (event: CoreEvent) => void): Promise<UnlistenFn> {
  return mapped(() => listen<CoreEvent>('core-event', (event) => handler(event.payload)));
}

/** Calls `handler` each time the shell sends the signal `name` (no payload) until the returned function is called. */
export function onShellSignal(name: string, handler: () => void): Promise<UnlistenFn> {
  return mapped(() => listen(name, () => handler()));
}

/** Calls `handler` with the paths of files dropped on the window until the returned function is called. */
export function onFilesDropped(handler: (paths: string[]) => void): Promise<UnlistenFn> {
  return mapped(() =>
    getCurrentWebview().onDragDropEvent((event) => {
      if (event.payload.type === 'drop') handler(event.payload.paths);
    }),
  );
}

// --- folder picker -------------------------------------------------------------------------------

/** Asks the user for a CSV file; `null` when they cancel. */
export function pickCsvFile(title: string): Promise<string | null> {
  return mapped(async () => {
    const chosen = await open({ directory: false, multiple: false, title, filters: [{ name: 'CSV', extensions: ['csv'] }] });
    return typeof chosen === 'string' ? chosen : null;
  });
}

/** Asks the user for any file with one of `extensions`; `null` when they cancel. */
export function pickFile(title: string, name: string, extensions: string[]): Promise<string | null> {
  return mapped(async () => {
    const chosen = await open({ directory: false, multiple: false, title, filters: [{ name, extensions }] });
    return typeof chosen === 'string' ? chosen : null;
  });
}

/** Asks the user where to write a new file; `null` when they cancel. */
export function pickSavePath(title: string, defaultPath: string): Promise<string | null> {
  return mapped(async () => {
    const chosen = await save({ title, defaultPath });
    return typeof chosen === 'string' ? chosen : null;
  });
}

/** Asks the user for a folder; `null` when they cancel. */
export function pickFolder(title: string): Promise<string | null> {
  return mapped(async () => {
    const chosen = await open({ directory: true, multiple: false, title });
    return typeof chosen === 'string' ? chosen : null;
  });
}

// --- read-only reporting database ----------------------------------------------------------------

/**
 * The plugin-sql connection string for the workspace database, opened read-only. sqlx percent-decodes the
 * path and splits the query at the first `?`, so `%`, `?` and `#` in the path are escaped.
 */
export function reportDatabaseUrl(databasePath: string): string {
  const escaped = databasePath.replace(/[%?#]/g, (c) => encodeURIComponent(c));
  return `sqlite:${escaped}?mode=ro`;
}

let reports: Database | null = null;

/**
 * Connects the reporting queries to this workspace's database (closing any previous one). `autoCreate:
 * false` so the plugin neither creates the file nor the app config directory: the core owns the database.
 */
export function openReports(databasePath: string): Promise<void> {
  return mapped(async () => {
    const url = reportDatabaseUrl(databasePath);
    if (reports?.path === url) return;
    if (reports) await reports.close();
    reports = null;
    await invoke('plugin:sql|load', { db: url, options: { autoCreate: false } });
    reports = new Database(url);
  });
}

async function report<T>(query: string, values: unknown[] = []): Promise<T[]> {
  return mapped(async () => {
    if (!reports) throw { code: SHELL_ERROR, message: 'the reporting database is not open yet' };
    return reports.select<T[]>(query, values);
  });
}

/**
 * One page of list rows, newest first, from the core's `report_invoice_list` view: up to `limit` rows with
 * an id below `beforeId` (from the newest when `null`). The id is the invoices' rowid, so a page is a range
 * read, not a scan of every row.
 */
export function invoiceRowsPage(beforeId: number | null, limit: number): Promise<InvoiceRow[]> {
  return beforeId === null
    ? report<InvoiceRow>('SELECT * FROM report_invoice_list ORDER BY id DESC LIMIT $1', [limit])
    : report<InvoiceRow>('SELECT * FROM report_invoice_list WHERE id < $1 ORDER BY id DESC LIMIT $2', [beforeId, limit]);
}

/** The audit trail of one invoice, newest first (`report_audit_trail`). */
export function auditTrail(invoiceId: number): Promise<AuditEntry[]> {
  return report<AuditEntry>('SELECT * FROM report_audit_trail WHERE invoice_id = $1', [invoiceId]);
}

/** Any read-only query over the `report_*` views (the dashboard's charts). */
export function reportQuery<T>(query: string, values: unknown[] = []): Promise<T[]> {
  return report<T>(query, values);
}

/** Invoice counts per status, from the core's `report_invoice_counts_by_status` view. */
export function invoiceCountsByStatus(): Promise<StatusCount[]> {
  return report<StatusCount>('SELECT status, invoice_count FROM report_invoice_counts_by_status');
}

// --- other screens' commands ---------------------------------------------------------------------

/** Calls a shell command by name, for a screen's own typed wrappers (src/onboarding/api.ts). */
export function callCommand<T>(name: string, args?: Record<string, unknown>): Promise<T> {
  return command(name, args);
}
