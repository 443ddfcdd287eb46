//! The shell's state: the open workspace (swappable, e.g. to the demo) and the task forwarding its events.

use std::path::PathBuf;

use backdesk::api::Workspace;
use tauri::async_runtime::JoinHandle;
use tauri::AppHandle;
use tokio::sync::{Mutex, RwLock};

use crate::events::forward_core_events;

/// Managed by Tauri; every command reaches the core through it.
pub struct AppState {
    workspace: RwLock<Workspace>,
    forwarder: Mutex<Option<JoinHandle<()>>>,
    /// Where the demo workspace lives (from the launch options).
    pub demo_dir: PathBuf,
}

impl AppState {
    /// State over an opened workspace; call [`AppState::start_forwarding`] once the app exists.
    pub fn new(workspace: Workspace, demo_dir: PathBuf) -> Self {
        Self {
            workspace: RwLock::new(workspace),
            forwarder: Mutex::new(None),
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
