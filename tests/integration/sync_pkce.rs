//! The OAuth 2.0 PKCE sign-in (`sync::pkce`) against the local identity server: the test plays the browser by
//! GETting the authorize URL and following the redirect to the loopback listener. The tokens land in the real
//! OS keychain (run with `bash scripts/with-keyring.sh`) and are good for a refresh with rotation.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use backdesk::secrets::Keychain;
use backdesk::sync::pkce::{self, Challenge, Loopback, Provider};

use super::sync_server::{XeroServer, CLIENT_ID, TENANT};

fn require_keyring() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "the sync tests talk to the real Secret Service: run them with `bash scripts/with-keyring.sh cargo test …`"
    );
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn provider(server: &XeroServer) -> Provider {
    Provider {
        target: "xero".into(),
        authorize_url: format!("{}/identity/connect/authorize", server.url),
        token_url: format!("{}/connect/token", server.url),
        client_id: CLIENT_ID.into(),
        client_secret: None,
        scope: "offline_access accounting.transactions".into(),
        tenant_id: Some(TENANT.into()),
    }
}

/// What the "browser" saw at the end of the redirect chain.
type Seen = Arc<Mutex<Option<(u16, String)>>>;

/// A browser: GETs `url`, follows redirects, records the final status and page.
fn browse(url: String, seen: Seen) {
    tokio::spawn(async move {
        let response = reqwest::get(&url).await.expect("the browser reaches the page");
        let status = response.status().as_u16();
        let page = response.text().await.unwrap_or_default();
        *seen.lock().unwrap() = Some((status, page));
    });
}

#[test]
fn pkce_sign_in_through_the_loopback_stores_working_tokens_in_the_keychain() {
    require_keyring();
    let dir = tempfile::tempdir().unwrap();
    let server = XeroServer::start("xrt-unused", 1000);
    let keychain = Keychain::for_workspace(dir.path());
    let seen: Seen = Arc::default();
    let opened = Arc::new(Mutex::new(String::new()));
    let rt = runtime();
    let credentials = rt
        .block_on(pkce::connect(
            &provider(&server),
            &keychain,
            |url| {
                *opened.lock().unwrap() = url.to_owned();
                browse(url.to_owned(), seen.clone());
                Ok(())
            },
            Duration::from_secs(20),
        ))
        .expect("the sign-in completes");
    let opened = opened.lock().unwrap().clone();
    assert!(opened.contains("code_challenge_method=S256"), "{opened}");
    assert!(
        !opened.contains("code_verifier"),
        "the verifier never goes to the browser"
    );
    // the browser got the "connected" page from the loopback listener
    for _ in 0..100 {
        if seen.lock().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let (status, page) = seen.lock().unwrap().clone().expect("the browser finished");
    assert_eq!(status, 200);
    assert!(page.contains("connected"), "{page}");

    // the stored tokens are the ones the identity server issued, and nothing else knows them
    let stored = keychain.load("xero").unwrap().expect("stored in the keychain");
    assert_eq!(stored, credentials);
    assert_eq!(stored.tenant_id, TENANT);
    let issued = server.state.lock().unwrap().issued_tokens.clone();
    assert!(issued.contains(&stored.refresh_token));
    assert!(issued.contains(stored.access_token.as_ref().unwrap()));
    // ... and the refresh token works: one rotation
    let client = backdesk::sync::oauth::token_client().unwrap();
    let rotated = rt
        .block_on(backdesk::sync::oauth::refresh(
            &client,
            &provider(&server).token_url,
            "xero",
            &keychain,
            &stored,
            chrono::Utc::now(),
        ))
        .expect("the signed-in refresh token refreshes");
    assert_ne!(rotated.refresh_token, stored.refresh_token);
    keychain.delete("xero").unwrap();
}

#[test]
fn a_redirect_with_a_forged_state_is_refused_and_nothing_is_stored() {
    require_keyring();
    let dir = tempfile::tempdir().unwrap();
    let server = XeroServer::start("xrt-unused", 1000);
    let keychain = Keychain::for_workspace(dir.path());
    let seen: Seen = Arc::default();
    let error = runtime()
        .block_on(pkce::connect(
            &provider(&server),
            &keychain,
            |url| {
                // an attacker's page sends the browser straight to the loopback with its own code and state
                let parsed = reqwest::Url::parse(url).unwrap();
                let redirect = parsed
                    .query_pairs()
                    .find(|(k, _)| k == "redirect_uri")
                    .map(|(_, v)| v.into_owned())
                    .unwrap();
                browse(format!("{redirect}?code=stolen&state=forged"), seen.clone());
                Ok(())
            },
            Duration::from_secs(20),
        ))
        .expect_err("a forged state is refused");
    assert!(error.to_string().contains("state"), "{error}");
    assert_eq!(keychain.load("xero").unwrap(), None);
    assert_eq!(
        server.state.lock().unwrap().token_refreshes,
        0,
        "no code was exchanged"
    );
}

#[test]
fn the_code_is_only_good_with_the_verifier_of_its_challenge() {
    let server = XeroServer::start("xrt-unused", 1000);
    let rt = runtime();
    rt.block_on(async {
        let loopback = Loopback::bind().await.unwrap();
        let redirect = loopback.redirect_uri();
        let challenge = Challenge::generate();
        let url = pkce::authorize_url(&provider(&server), &redirect, &challenge).unwrap();
        let seen: Seen = Arc::default();
        browse(url, seen);
        let callback = loopback
            .wait(&challenge.state, Duration::from_secs(20))
            .await
            .unwrap();
        let client = backdesk::sync::oauth::token_client().unwrap();
        let wrong = Challenge::generate();
        let refused = pkce::exchange(
            &client,
            &provider(&server),
            &callback,
            &wrong.verifier,
            &redirect,
            chrono::Utc::now(),
        )
        .await;
        assert!(refused.is_err(), "another verifier must not redeem the code");
    });
}
