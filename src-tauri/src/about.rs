//! The About box's versions: the app's (from tauri.conf.json), the core's (crate, EN 16931 artefacts,
//! schema), Tauri's and the webview's (WebKitGTK on Linux).

use backdesk::api::about::{core_versions, CoreVersions};
use serde::Serialize;
use tauri::AppHandle;

/// What the About box shows.
#[derive(Debug, Serialize)]
pub struct About {
    pub app: String,
    #[serde(flatten)]
    pub core_versions: CoreVersions,
    pub tauri: &'static str,
    /// The webview engine's version; the error in words when the platform does not say.
    pub webview: String,
}

/// The versions of every part of the running app.
#[tauri::command]
pub fn about(app: AppHandle) -> About {
    About {
        app: app.package_info().version.to_string(),
        core_versions: core_versions(),
        tauri: tauri::VERSION,
        webview: tauri::webview_version().unwrap_or_else(|error| format!("unknown ({error})")),
    }
}
