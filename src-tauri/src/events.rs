//! Forwards the core's events to the window as `core-event` (payload: the core's `CoreEvent` JSON).

use backdesk::api::CoreEvent;
use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Emitter};
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
        }
    })
}
