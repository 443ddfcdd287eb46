//! The onboarding commands the window may call: templates, hires and their checklists, ticking an item,
//! due items, reminder drafts and the dashboard. Each makes one call into `backdesk::api` (the clock is the
//! core's too) and returns its result or error (`{code, message}`) as is.

use backdesk::api::onboarding::{self, HireStatus, HireSummary, SavedReminder};
use backdesk::error::Error;
use backdesk::onboarding::dashboard::Dashboard;
use backdesk::onboarding::deadlines::DueItem;
use backdesk::onboarding::template::Template;
use backdesk::store::onboarding::NewHire;
use tauri::State;

use crate::state::AppState;

/// The checklist templates in force (newest version of each).
#[tauri::command(async)]
pub async fn onboarding_templates(state: State<'_, AppState>) -> Result<Vec<Template>, Error> {
    state.workspace().await.onboarding_templates().await
}

/// Every hire with stage and counts.
#[tauri::command(async)]
pub async fn list_hires(state: State<'_, AppState>) -> Result<Vec<HireSummary>, Error> {
    state.workspace().await.list_hires().await
}

/// Adds a hire with the checklist of the template that fits it; `actor` is who adds it (audited).
#[tauri::command(async)]
pub async fn add_hire(state: State<'_, AppState>, hire: NewHire, actor: String) -> Result<HireStatus, Error> {
    state.workspace().await.add_hire(&hire, &actor).await
}

/// One hire's checklist with reasons and evidence.
#[tauri::command(async)]
pub async fn hire_status(state: State<'_, AppState>, id: i64) -> Result<HireStatus, Error> {
    state.workspace().await.hire_status(id).await
}

/// Marks an item done by `person` (audited).
#[tauri::command(async)]
pub async fn tick_hire_item(
    state: State<'_, AppState>,
    id: i64,
    item: String,
    person: String,
) -> Result<HireStatus, Error> {
    let now = onboarding::now_utc();
    state.workspace().await.tick_item(id, &item, &person, now).await
}

/// Items overdue today or due within `days`, across all hires.
#[tauri::command(async)]
pub async fn due_hire_items(state: State<'_, AppState>, days: i64) -> Result<Vec<DueItem>, Error> {
    let today = onboarding::local_today();
    state.workspace().await.due_items(today, days).await
}

/// Writes a reminder draft (.eml under the data directory) to the hire, or to `owner` for their tasks.
#[tauri::command(async)]
pub async fn draft_hire_reminder(
    state: State<'_, AppState>,
    id: i64,
    owner: Option<String>,
) -> Result<SavedReminder, Error> {
    let now = onboarding::now_utc();
    state
        .workspace()
        .await
        .save_hire_reminder(id, owner.as_deref(), now)
        .await
}

/// Hires by stage, items overdue today, measured coordinator time per hire.
#[tauri::command(async)]
pub async fn onboarding_dashboard(state: State<'_, AppState>) -> Result<Dashboard, Error> {
    let today = onboarding::local_today();
    state.workspace().await.onboarding_dashboard(today).await
}
