//! Commands of the settings, policy and dashboard screens: people and their limits, the policy text with
//! its what-if preview and saving, the workflow metrics, master-data import. One call into `backdesk::api`
//! each.

use std::path::PathBuf;

use backdesk::api::decisions::ReplayReport;
use backdesk::api::workflow::Queues;
use backdesk::api::{ImportReport, MasterDataKind};
use backdesk::error::Error;
use backdesk::workflow::approvals::{Person, Role};
use backdesk::workflow::metrics::Metrics;
use rust_decimal::Decimal;
use tauri::State;

use crate::state::AppState;

/// The people who may act on invoices (the window's "acting as" picker).
#[tauri::command(async)]
pub async fn people(state: State<'_, AppState>) -> Result<Vec<Person>, Error> {
    state.workspace().await.people().await
}

/// Adds (or updates) a person with a role and an optional approval limit (a decimal string).
#[tauri::command(async)]
pub async fn add_person(
    state: State<'_, AppState>,
    name: String,
    role: Role,
    limit: Option<String>,
) -> Result<Person, Error> {
    let limit = match limit.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        None => None,
        Some(text) => Some(text.parse::<Decimal>().map_err(|_| {
            Error::Usage(format!(
                "the approval limit '{text}' is not an amount; write it like 5000 or 5000.00, or leave it empty for no limit"
            ))
        })?),
    };
    state.workspace().await.add_person(&name, role, limit).await
}

/// The policy in force as text (the file with its comments, else the defaults).
#[tauri::command(async)]
pub async fn policy_text(state: State<'_, AppState>) -> Result<String, Error> {
    state.workspace().await.policy_text()
}

/// What an edited policy would decide differently over past invoices; saves nothing.
#[tauri::command(async)]
pub async fn preview_policy(state: State<'_, AppState>, text: String) -> Result<ReplayReport, Error> {
    state.workspace().await.replay_policy_text(&text).await
}

/// Saves an edited policy (checked, with a new version) as the one in force.
#[tauri::command(async)]
pub async fn save_policy(state: State<'_, AppState>, text: String) -> Result<String, Error> {
    let policy = state
        .workspace()
        .await
        .save_policy("the edited policy", &text)
        .await?;
    Ok(policy.version)
}

/// The workflow metrics now (touchless rate, cycle times, SLA, per-vendor accuracy).
#[tauri::command(async)]
pub async fn metrics(state: State<'_, AppState>) -> Result<Metrics, Error> {
    state.workspace().await.metrics().await
}

/// Imports a master-data CSV (`vendors`, `purchase-orders`, `receipts`, `accounts`); rows in error are
/// reported and nothing of a file with errors is kept.
#[tauri::command(async)]
pub async fn import_master_data(
    state: State<'_, AppState>,
    kind: String,
    file: PathBuf,
) -> Result<ImportReport, Error> {
    let kind: MasterDataKind = kind.parse()?;
    state.workspace().await.import_master_data(kind, &file).await
}

/// The exception, approval and on-hold queues with who each invoice waits for and its age against the SLA.
#[tauri::command(async)]
pub async fn queues(state: State<'_, AppState>) -> Result<Queues, Error> {
    state.workspace().await.queues().await
}
