//! Commands of the settings and master-data screens: the import preview, goods receipts by hand, backup and
//! restore, and switching the data directory (remembered for the next start). One call into
//! `backdesk::api` each.

use std::path::PathBuf;

use backdesk::api::backup::{self, BackupManifest, BackupReport, RestoreReport};
use backdesk::api::{
    app_config, MasterDataKind, MasterDataPreview, OpenPurchaseOrder, ReceiptEntry, ReceiptRecorded,
    Workspace, WorkspaceOverview,
};
use backdesk::error::Error;
use tauri::{AppHandle, State};

use crate::state::AppState;

/// What importing the CSV `file` as `kind` would do (rows new and changed, or every row in error); keeps
/// nothing.
#[tauri::command(async)]
pub async fn preview_master_data(
    state: State<'_, AppState>,
    kind: String,
    file: PathBuf,
) -> Result<MasterDataPreview, Error> {
    let kind: MasterDataKind = kind.parse()?;
    state.workspace().await.preview_master_data(kind, &file).await
}

/// Purchase orders with a line not yet received in full, with ordered and received-so-far per line.
#[tauri::command(async)]
pub async fn open_purchase_orders(state: State<'_, AppState>) -> Result<Vec<OpenPurchaseOrder>, Error> {
    state.workspace().await.open_purchase_orders().await
}

/// Records a goods receipt typed in by hand; the invoices waiting on its PO are decided again.
#[tauri::command(async)]
pub async fn record_receipt(
    state: State<'_, AppState>,
    entry: ReceiptEntry,
) -> Result<ReceiptRecorded, Error> {
    state.workspace().await.record_receipt(&entry).await
}

/// Writes the open workspace into one backup file.
#[tauri::command(async)]
pub async fn back_up_workspace(state: State<'_, AppState>, file: PathBuf) -> Result<BackupReport, Error> {
    state.workspace().await.back_up(&file).await
}

/// Reads and checks a backup's manifest (what it holds, from which schema) before restoring it.
#[tauri::command(async)]
pub async fn backup_manifest(file: PathBuf) -> Result<BackupManifest, Error> {
    backup::read_backup_manifest(&file)
}

/// Restores a backup into a new folder (never over a workspace); the app stays on the open workspace.
#[tauri::command(async)]
pub async fn restore_workspace(file: PathBuf, dir: PathBuf) -> Result<RestoreReport, Error> {
    backup::restore_backup(&file, &dir).await
}

/// Opens the workspace in `dir` (created when new) and remembers it for the next start.
#[tauri::command(async)]
pub async fn switch_data_dir(
    app: AppHandle,
    state: State<'_, AppState>,
    dir: PathBuf,
) -> Result<WorkspaceOverview, Error> {
    let workspace = Workspace::open(&dir).await?;
    if let Some(config) = app_config::config_dir() {
        app_config::remember_data_dir(&config, &dir)?;
    }
    state.replace_workspace(&app, workspace).await;
    state.workspace().await.overview().await
}
