//! The commands the window may call. Each one takes the state, makes one call into `backdesk::api` and
//! returns the core's result or error (`{code, message}`) as is: the shell decides nothing.

use std::path::PathBuf;

use backdesk::api::{self, IngestReport, InvoiceDetail, InvoiceSummary, WorkspaceOverview};
use backdesk::error::Error;
use backdesk::model::{InvoiceId, InvoiceStatus};
use tauri::{AppHandle, State};

use crate::state::AppState;

/// Paths and counts of the open workspace (the header, and whether to show the welcome screen).
#[tauri::command(async)]
pub async fn workspace_overview(state: State<'_, AppState>) -> Result<WorkspaceOverview, Error> {
    state.workspace().await.overview().await
}

/// Invoices, newest first, optionally in one status.
#[tauri::command(async)]
pub async fn list_invoices(
    state: State<'_, AppState>,
    status: Option<InvoiceStatus>,
) -> Result<Vec<InvoiceSummary>, Error> {
    state.workspace().await.list_invoices(status).await
}

/// One invoice in full.
#[tauri::command(async)]
pub async fn get_invoice(state: State<'_, AppState>, id: InvoiceId) -> Result<InvoiceDetail, Error> {
    state.workspace().await.get_invoice(id).await
}

/// Sets the folder where invoices arrive and watches it (files already there are taken in first).
#[tauri::command(async)]
pub async fn set_inbox_folder(state: State<'_, AppState>, folder: PathBuf) -> Result<(), Error> {
    state.workspace().await.set_inbox_folder(&folder).await?;
    state.restart_watching().await;
    Ok(())
}

/// Takes in these files and folders; progress arrives as `core-event`s while it runs.
#[tauri::command(async)]
pub async fn ingest_paths(state: State<'_, AppState>, paths: Vec<PathBuf>) -> Result<IngestReport, Error> {
    state.workspace().await.ingest_paths(&paths).await
}

/// Switches the app to the demo workspace (its own directory, seeded on first use).
#[tauri::command(async)]
pub async fn open_demo_workspace(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<WorkspaceOverview, Error> {
    let demo = api::demo::open_demo_workspace(&state.demo_dir).await?;
    state.replace_workspace(&app, demo).await;
    state.workspace().await.overview().await
}
