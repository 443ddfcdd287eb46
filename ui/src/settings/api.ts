// Typed wrappers over the shell's settings commands (src-tauri/src/settings.rs), through the one module that
// talks to the shell (../lib/api.ts). Everything they throw is an `AppError`.

import { callCommand as command, importMasterData as importFile } from '../lib/api';
import type { WorkspaceOverview } from '../lib/types';
import type {
  BackupManifest,
  BackupReport,
  ConnectionStatus,
  ImportReport,
  MasterDataKind,
  MasterDataPreview,
  OpenPurchaseOrder,
  ReceiptEntry,
  ReceiptRecorded,
  RestoreReport,
  SignInApp,
  SyncReport,
  SyncTarget,
} from './types';

/** What importing `file` as `kind` would do; nothing is kept. */
export function previewMasterData(kind: MasterDataKind, file: string): Promise<MasterDataPreview> {
  return command('preview_master_data', { kind, file });
}

/** Imports `file` as `kind` (all rows or none). */
export async function importMasterData(kind: MasterDataKind, file: string): Promise<ImportReport> {
  return (await importFile(kind, file)) as unknown as ImportReport;
}

export function openPurchaseOrders(): Promise<OpenPurchaseOrder[]> {
  return command('open_purchase_orders');
}

export function recordReceipt(entry: ReceiptEntry): Promise<ReceiptRecorded> {
  return command('record_receipt', { entry });
}

export function backUpWorkspace(file: string): Promise<BackupReport> {
  return command('back_up_workspace', { file });
}

export function backupManifest(file: string): Promise<BackupManifest> {
  return command('backup_manifest', { file });
}

export function restoreWorkspace(file: string, dir: string): Promise<RestoreReport> {
  return command('restore_workspace', { file, dir });
}

/** Opens (creating when new) the workspace in `dir` and remembers it for the next start. */
export function switchDataDir(dir: string): Promise<WorkspaceOverview> {
  return command('switch_data_dir', { dir });
}

export function connectionStatus(target: SyncTarget): Promise<ConnectionStatus> {
  return command('connection_status', { target });
}

/** Signs in in the system browser; resolves once the tokens are in the keychain. */
export function connectAccount(target: SyncTarget, app: SignInApp): Promise<ConnectionStatus> {
  return command('connect_account', { target, app });
}

export function disconnectAccount(target: SyncTarget): Promise<ConnectionStatus> {
  return command('disconnect_account', { target });
}

export function syncNow(target: SyncTarget): Promise<SyncReport> {
  return command('sync_now', { target });
}
