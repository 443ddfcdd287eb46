//! Desktop notifications for onboarding deadlines: at start and then every few hours, the items overdue or
//! due within two days across all hires are counted by the core and shown as one notification (the core
//! words it; the shell only shows it).

use std::time::Duration;

use crate::events::notify;
use crate::state::AppState;
use backdesk::api::onboarding;
use backdesk::onboarding::deadlines::notification_text;
use tauri::{AppHandle, Manager};

/// How far ahead an item counts as due soon, in days.
const DUE_SOON_DAYS: i64 = 2;
/// How often the deadlines are looked at again while the app stays open.
const EVERY: Duration = Duration::from_secs(6 * 60 * 60);

/// Spawns the task; it runs for as long as the app does.
pub fn notify_onboarding_deadlines(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        loop {
            let workspace = app.state::<AppState>().workspace().await;
            match workspace
                .due_items(onboarding::local_today(), DUE_SOON_DAYS)
                .await
            {
                Ok(due) => {
                    if let Some(text) = notification_text(&due) {
                        notify(&app, text);
                    }
                }
                Err(error) => eprintln!("backdesk-desktop: onboarding deadlines not read: {error}"),
            }
            tokio::time::sleep(EVERY).await;
        }
    });
}
