//! Forwards the core's events to the window as `core-event` (payload: the core's `CoreEvent` JSON), and
//! raises a desktop notification when a batch brought new exceptions.

use backdesk::api::CoreEvent;
use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Emitter};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;

/// The event name the UI listens to.
pub const CORE_EVENT: &str = "core-event";

/// Spawns the forwarding task; it ends when the workspace (the sending side) is dropped or it is aborted.
pub fn forward_core_events(app: AppHandle, mut receiver: Receiver<CoreEvent>) -> JoinHandle<()> {
    tauri::async_runtime::spawn(async move {
        loop {
            let event = match receiver.recv().await {
                Ok(event) => event,
                // events were dropped while the window was slow: make every view reload instead
                Err(RecvError::Lagged(_)) => CoreEvent::InvoicesChanged,
                Err(RecvError::Closed) => break,
            };
            if let Err(error) = app.emit(CORE_EVENT, &event) {
                eprintln!("backdesk-desktop: could not forward {event:?} to the window: {error}");
            }
            if matches!(event, CoreEvent::InvoicesChanged) {
                crate::attention::invoices_changed(&app);
            }
            if let CoreEvent::BatchFinished { exceptions, .. } = event {
                if exceptions > 0 {
                    notify_exceptions(&app, exceptions);
                }
            }
        }
    })
}

/// A desktop notification: new invoices need a person.
fn notify_exceptions(app: &AppHandle, exceptions: usize) {
    let body = if exceptions == 1 {
        "1 new invoice needs you: open Backdesk to see why.".to_owned()
    } else {
        format!("{exceptions} new invoices need you: open Backdesk to see why.")
    };
    notify(app, body);
}

/// Shows one desktop notification titled Backdesk; a failure is logged, never fatal.
pub fn notify(app: &AppHandle, body: String) {
    let shown = app.notification().builder().title("Backdesk").body(body).show();
    if let Err(error) = shown {
        eprintln!("backdesk-desktop: could not show a notification: {error}");
    }
}
