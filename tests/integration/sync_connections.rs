//! The Connections screen's core calls against the local Xero identity server and the real OS keychain
//! (run with `bash scripts/with-keyring.sh`): not connected at first; a browser sign-in (PKCE through the
//! loopback) makes the workspace connected to the server's tenant with the client id in the keychain;
//! disconnecting removes the entry.

use std::sync::{Arc, Mutex};

use backdesk::api::connections::{self, provider_at, SignInApp};
use backdesk::api::Workspace;
use backdesk::secrets::Keychain;
use backdesk::sync::Target;

use super::sync_server::{XeroServer, CLIENT_ID, TENANT};

#[test]
fn signing_in_connects_the_workspace_and_disconnecting_removes_the_keychain_entry() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "the sync tests talk to the real Secret Service: run them with `bash scripts/with-keyring.sh cargo test …`"
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = XeroServer::start("xrt-unused", 1000);
    let workspace = rt.block_on(Workspace::open(&dir.path().join("data"))).unwrap();
    let keychain = Keychain::for_workspace(&workspace.paths().data_dir);

    let before = rt
        .block_on(workspace.connection_status(Target::Xero, &keychain))
        .unwrap();
    assert!(
        !before.connected && before.tenant_id.is_none() && before.keychain_problem.is_none(),
        "{before:?}"
    );
    assert_eq!(
        (before.waiting, before.failed, before.last_sync.as_deref()),
        (0, 0, None)
    );

    let app = SignInApp {
        client_id: CLIENT_ID.into(),
        client_secret: None,
        tenant_id: Some(TENANT.into()),
    };
    let provider = provider_at(Target::Xero, &server.url, &app).unwrap();
    let opened = Arc::new(Mutex::new(String::new()));
    let seen = opened.clone();
    rt.block_on(connections::sign_in(&provider, &keychain, move |url| {
        *seen.lock().unwrap() = url.to_owned();
        let url = url.to_owned();
        // the browser: follows the authorize URL to the loopback listener
        tokio::spawn(async move {
            let _ = reqwest::get(&url).await;
        });
        Ok(())
    }))
    .expect("the sign-in completes");
    assert!(opened
        .lock()
        .unwrap()
        .starts_with(&format!("{}/identity/connect/authorize?", server.url)));

    let after = rt
        .block_on(workspace.connection_status(Target::Xero, &keychain))
        .unwrap();
    assert!(after.connected, "{after:?}");
    assert_eq!(after.tenant_id.as_deref(), Some(TENANT));
    let stored = keychain
        .load("xero")
        .unwrap()
        .expect("the keychain holds the connection");
    assert_eq!(
        stored.client_id, CLIENT_ID,
        "the client id went to the keychain with the tokens"
    );

    connections::disconnect(Target::Xero, &keychain).unwrap();
    assert!(keychain.load("xero").unwrap().is_none());
    let gone = rt
        .block_on(workspace.connection_status(Target::Xero, &keychain))
        .unwrap();
    assert!(!gone.connected);
    // disconnecting twice is fine
    connections::disconnect(Target::Xero, &keychain).unwrap();
}
