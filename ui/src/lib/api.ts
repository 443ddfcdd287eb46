// The one module that talks to the desktop shell: typed wrappers over its commands, its events, the
// read-only reporting database and the folder picker. Everything it throws is an `AppError`.

import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { open } from '@tauri-apps/plugin-dialog';
import Database from '@tauri-apps/plugin-sql';

import type {
  AppError,
  CoreEvent,
  IngestReport,
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

// --- events --------------------------------------------------------------------------------------

/** Calls `handler` with every core event until the returned function is called. */
export function onCoreEvent(handler: (event: CoreEvent) => void): Promise<UnlistenFn> {
  return mapped(() => listen<CoreEvent>('core-event', (event) => handler(event.payload)));
}

// --- folder picker -------------------------------------------------------------------------------

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

async function report<T>(query: string): Promise<T[]> {
  return mapped(async () => {
    if (!reports) throw { code: SHELL_ERROR, message: 'the reporting database is not open yet' };
    return reports.select<T[]>(query);
  });
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
