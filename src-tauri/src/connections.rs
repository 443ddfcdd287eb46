//! Commands of the Connections screen (Xero, QuickBooks Online): status, browser sign-in (PKCE through a
//! loopback listener; client id/secret and tokens go to the OS keychain only), disconnect, sync now, and the
//! status bar's sync states. One call into `backdesk::api` each; the keychain is the open workspace's.

use backdesk::api::connections::{self, ConnectionStatus, SignInApp};
use backdesk::api::sync::SyncReport;
use backdesk::api::sync_state::SyncState;
use backdesk::error::Error;
use backdesk::secrets::Keychain;
use backdesk::sync::Target;
use tauri::State;

use crate::state::AppState;

/// Whether the workspace is connected to `target`, to which organisation, the last sync and the outbox.
#[tauri::command(async)]
pub async fn connection_status(
    state: State<'_, AppState>,
    target: String,
) -> Result<ConnectionStatus, Error> {
    let target = Target::parse(&target)?;
    let workspace = state.workspace().await;
    let keychain = Keychain::for_workspace(&workspace.paths().data_dir);
    workspace.connection_status(target, &keychain).await
}

/// The sync state of every accounting system in use (connected or with jobs in the outbox), for the
/// status bar; empty when none is configured.
#[tauri::command(async)]
pub async fn sync_states(state: State<'_, AppState>) -> Result<Vec<SyncState>, Error> {
    let workspace = state.workspace().await;
    let keychain = Keychain::for_workspace(&workspace.paths().data_dir);
    workspace.sync_states(&keychain).await
}

/// Signs in to `target` in the system browser and stores what it needs in the keychain; then its status.
#[tauri::command(async)]
pub async fn connect_account(
    state: State<'_, AppState>,
    target: String,
    app: SignInApp,
) -> Result<ConnectionStatus, Error> {
    let target = Target::parse(&target)?;
    let workspace = state.workspace().await;
    let keychain = Keychain::for_workspace(&workspace.paths().data_dir);
    let provider = connections::provider(target, &app)?;
    connections::sign_in(&provider, &keychain, open_in_browser).await?;
    workspace.connection_changed(target);
    workspace.connection_status(target, &keychain).await
}

/// Removes `target`'s credentials from the keychain; then its status.
#[tauri::command(async)]
pub async fn disconnect_account(
    state: State<'_, AppState>,
    target: String,
) -> Result<ConnectionStatus, Error> {
    let target = Target::parse(&target)?;
    let workspace = state.workspace().await;
    let keychain = Keychain::for_workspace(&workspace.paths().data_dir);
    connections::disconnect(target, &keychain)?;
    workspace.connection_changed(target);
    workspace.connection_status(target, &keychain).await
}

/// Runs one sync with `target` now.
#[tauri::command(async)]
pub async fn sync_now(state: State<'_, AppState>, target: String) -> Result<SyncReport, Error> {
    let target = Target::parse(&target)?;
    let workspace = state.workspace().await;
    let keychain = Keychain::for_workspace(&workspace.paths().data_dir);
    workspace.sync(target, &keychain).await
}

/// Shows `url` in the user's browser: the platform's own opener (what the opener plugin runs too), so the
/// sign-in page is the real browser with its password manager, never a webview of ours.
/// `$BACKDESK_BROWSER`, when set, is the program run instead (the e2e run's scripted browser).
fn open_in_browser(url: &str) -> Result<(), Error> {
    let mut command = if let Some(browser) = std::env::var_os("BACKDESK_BROWSER") {
        std::process::Command::new(browser)
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(target_os = "windows") {
        let mut start = std::process::Command::new("rundll32");
        start.arg("url.dll,FileProtocolHandler");
        start
    } else {
        std::process::Command::new("xdg-open")
    };
    command.arg(url).spawn().map(drop).map_err(|error| {
        Error::Usage(format!(
            "the browser could not be opened ({error}); open this address yourself to sign in: {url}"
        ))
    })
}
