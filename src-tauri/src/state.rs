//! The shell's state: the open workspace (swappable, e.g. to the demo), the task forwarding its events, and
//! the watch of its inbox folder (restarted when the workspace or its inbox changes).

use std::path::PathBuf;

use backdesk::api::{InboxWatch, Workspace};
use tauri::async_runtime::JoinHandle;
use tauri::AppHandle;
use tokio::sync::{Mutex, RwLock};

use crate::events::forward_core_events;

/// Managed by Tauri; every command reaches the core through it.
pub struct AppState {
    workspace: RwLock<Workspace>,
    forwarder: Mutex<Option<JoinHandle<()>>>,
    watch: Mutex<Option<InboxWatch>>,
    /// Where the demo workspace lives (from the launch options).
    pub demo_dir: PathBuf,
}

impl AppState {
    /// State over an opened workspace; call [`AppState::start_forwarding`] once the app exists.
    pub fn new(workspace: Workspace, demo_dir: PathBuf) -> Self {
        Self {
            workspace: RwLock::new(workspace),
            forwarder: Mutex::new(None),
            watch: Mutex::new(None),
            demo_dir,
        }
    }

    /// The current workspace. A cheap clone (the store is a pool handle), so no lock is held while it works.
    pub async fn workspace(&self) -> Workspace {
        self.workspace.read().await.clone()
    }

    /// Makes `workspace` the open one and forwards its events instead of the previous one's.
    pub async fn replace_workspace(&self, app: &AppHandle, workspace: Workspace) {
        *self.workspace.write().await = workspace;
        self.start_forwarding(app).await;
        self.restart_watching().await;
    }

    /// Stops watching the previous inbox (if any) and watches the current workspace's inbox folder, when
    /// one is configured. Progress, notices and batch summaries arrive as core events.
    pub async fn restart_watching(&self) {
        let mut watch = self.watch.lock().await;
        if let Some(previous) = watch.take() {
            // files still queued there are found again by the next start's scan
            let _ = previous.stop().await;
        }
        let workspace = self.workspace().await;
        match workspace.inbox_folder().await {
            Ok(Some(inbox)) if inbox.is_dir() => *watch = Some(workspace.start_watching(inbox)),
            Ok(Some(inbox)) => workspace.publish_notice(format!(
                "the inbox folder {} is missing, so nothing is being watched; choose the inbox again",
                inbox.display()
            )),
            Ok(None) => {}
            Err(error) => workspace.publish_notice(format!("the inbox folder could not be read: {error}")),
        }
    }

    /// (Re)starts the task that forwards the current workspace's events to the window.
    pub async fn start_forwarding(&self, app: &AppHandle) {
        let receiver = self.workspace.read().await.subscribe();
        let task = forward_core_events(app.clone(), receiver);
        if let Some(previous) = self.forwarder.lock().await.replace(task) {
            previous.abort();
        }
    }
}
