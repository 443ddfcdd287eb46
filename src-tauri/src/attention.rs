//! Keeps the tray's counts current and tells the acting person when approvals arrive for them: after core
//! events that change invoices (a burst of them coalesced into one look), the core is asked for the counts
//! and for the approvals that person can give; each new one is announced once, in one notification.

use std::time::Duration;

use backdesk::api::attention::{approvals_notification_text, ApprovalArrivals};
use backdesk::error::Error;
use tauri::{AppHandle, Manager, State};
use tokio::sync::{Mutex, Notify};

use crate::events::notify;
use crate::state::AppState;
use crate::tray::show_counts;

/// How long to wait after a change for more of the same burst (an intake batch sends many).
const SETTLE: Duration = Duration::from_millis(750);
/// Look again at least this often without an event: the CLI, or a workspace switched to, changes the
/// database without this process's events.
const AT_LEAST_EVERY: Duration = Duration::from_secs(60);

/// Managed by Tauri: who is acting (chosen in the window) and what they were already told.
#[derive(Default)]
pub struct AttentionState {
    arrivals: Mutex<ApprovalArrivals>,
    wake: Notify,
}

/// Starts the task that refreshes the tray and announces approvals whenever [`invoices_changed`] is called
/// (and at least every minute), and refreshes once now.
pub fn watch_attention(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        loop {
            refresh(&app).await;
            let woken =
                tokio::time::timeout(AT_LEAST_EVERY, app.state::<AttentionState>().wake.notified()).await;
            if woken.is_ok() {
                // a burst of changes becomes one look (Notify keeps one wake-up for those during the sleep)
                tokio::time::sleep(SETTLE).await;
            }
        }
    });
}

/// Invoices changed: look again soon.
pub fn invoices_changed(app: &AppHandle) {
    if let Some(attention) = app.try_state::<AttentionState>() {
        attention.wake.notify_one();
    }
}

async fn refresh(app: &AppHandle) {
    let workspace = app.state::<AppState>().workspace().await;
    match workspace.attention().await {
        Ok(attention) => show_counts(app, &attention),
        Err(error) => eprintln!("backdesk-desktop: tray counts not read: {error}"),
    }
    let state = app.state::<AttentionState>();
    let mut arrivals = state.arrivals.lock().await;
    let Some(person) = arrivals.person().map(str::to_owned) else {
        return;
    };
    match workspace.approvals_waiting_for(&person).await {
        Ok(waiting) => {
            let new = arrivals.arrived(&waiting);
            if let Some(text) = approvals_notification_text(&person, new.len()) {
                notify(app, text);
            }
        }
        Err(error) => eprintln!("backdesk-desktop: approvals for {person} not read: {error}"),
    }
}

/// The window chose who is acting: from now on, approvals arriving for them are announced (those already
/// waiting are in their queue, not news). Returns how many wait for them now.
#[tauri::command(async)]
pub async fn watch_approvals_for(
    state: State<'_, AppState>,
    attention: State<'_, AttentionState>,
    person: String,
) -> Result<usize, Error> {
    let waiting = state.workspace().await.approvals_waiting_for(&person).await?;
    *attention.arrivals.lock().await = ApprovalArrivals::baseline(&person, &waiting);
    Ok(waiting.len())
}
