//! OAuth 2.0 authorization-code flow with PKCE (RFC 7636, S256) through the system browser and a loopback
//! redirect (RFC 8252 §7.3): build the authorize URL with a code challenge and a random `state`, listen on
//! `127.0.0.1:<random port>`, accept only the redirect that carries our `state`, exchange the code (with the
//! verifier) at the token endpoint and keep the tokens in the OS keychain — never in a file.
//!
//! The browser is whatever `open` does with the URL: the desktop Connections screen opens the system browser,
//! the tests play the browser by GETting the URL and following the redirect.

use std::time::Duration;

use chrono::{DateTime, Duration as Span, Utc};
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::error::{Error, Result};
use crate::secrets::{Credentials, Keychain};

/// The path the loopback listener answers on.
pub const CALLBACK_PATH: &str = "/callback";

/// A PKCE verifier, its S256 challenge and the anti-forgery `state` of one authorization attempt.
#[derive(Clone)]
pub struct Challenge {
    pub verifier: String,
    pub challenge: String,
    pub state: String,
}

impl std::fmt::Debug for Challenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Challenge")
            .field("challenge", &self.challenge)
            .field("verifier", &"<redacted>")
            .finish()
    }
}

impl Challenge {
    /// A fresh verifier (32 random bytes, 43 base64url characters), its challenge and a fresh state.
    pub fn generate() -> Self {
        let verifier = base64url(&random_bytes::<32>());
        let state = base64url(&random_bytes::<16>());
        Self::from_parts(verifier, state)
    }

    /// The challenge of a given verifier: `BASE64URL(SHA256(verifier))` without padding (RFC 7636 §4.2).
    pub fn from_parts(verifier: String, state: String) -> Self {
        let challenge = base64url(&Sha256::digest(verifier.as_bytes()));
        Self {
            verifier,
            challenge,
            state,
        }
    }
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

/// Base64url without padding (RFC 4648 §5), as PKCE requires.
pub fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let symbols = chunk.len() + 1;
        for i in 0..symbols {
            let index = (n >> (18 - 6 * i)) & 0x3f;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

/// Where and as whom to authorize.
#[derive(Debug, Clone)]
pub struct Provider {
    /// `xero` or `qbo`: the keychain entry the tokens go to.
    pub target: String,
    pub authorize_url: String,
    pub token_url: String,
    pub client_id: String,
    /// Confidential clients (QuickBooks) send it with Basic auth; public PKCE clients (Xero) have none.
    pub client_secret: Option<String>,
    pub scope: String,
    /// The organisation when it is known beforehand (QuickBooks sends its `realmId` in the redirect).
    pub tenant_id: Option<String>,
}

/// The URL to open in the browser: `response_type=code`, the client, the loopback redirect, the scope, the
/// state and the S256 challenge.
pub fn authorize_url(provider: &Provider, redirect_uri: &str, challenge: &Challenge) -> Result<String> {
    let url = reqwest::Url::parse_with_params(
        &provider.authorize_url,
        &[
            ("response_type", "code"),
            ("client_id", provider.client_id.as_str()),
            ("redirect_uri", redirect_uri),
            ("scope", provider.scope.as_str()),
            ("state", challenge.state.as_str()),
            ("code_challenge", challenge.challenge.as_str()),
            ("code_challenge_method", "S256"),
        ],
    )
    .map_err(|error| {
        Error::InvalidData(format!(
            "the {} authorize URL '{}' is not a URL ({error}); check BACKDESK_{}_IDENTITY_URL",
            provider.target,
            provider.authorize_url,
            provider.target.to_ascii_uppercase()
        ))
    })?;
    Ok(url.into())
}

/// What the redirect brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    pub code: String,
    /// QuickBooks' company id, when the provider sends one.
    pub realm_id: Option<String>,
}

/// The loopback listener the browser is redirected to.
pub struct Loopback {
    listener: TcpListener,
    port: u16,
}

impl Loopback {
    /// Listens on 127.0.0.1 on a port the OS picks.
    pub async fn bind() -> Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(|error| {
            Error::InvalidData(format!(
                "could not listen on 127.0.0.1 for the sign-in redirect ({error}); check that loopback \
                 connections are allowed"
            ))
        })?;
        let port = listener
            .local_addr()
            .map_err(|error| Error::InvalidData(format!("the loopback listener has no address: {error}")))?
            .port();
        Ok(Self { listener, port })
    }

    /// `http://127.0.0.1:<port>/callback`.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.port)
    }

    /// Waits (at most `timeout`) for the redirect carrying `state`. Other paths (a favicon) get 404 and are
    /// ignored; a redirect with a wrong state is refused and ends the attempt, as does an `error` answer.
    pub async fn wait(&self, state: &str, timeout: Duration) -> Result<Callback> {
        tokio::time::timeout(timeout, self.accept_callback(state))
            .await
            .map_err(|_| {
                Error::InvalidData(format!(
                    "no sign-in came back within {} s; start the connection again and finish the sign-in \
                     in the browser",
                    timeout.as_secs()
                ))
            })?
    }

    async fn accept_callback(&self, state: &str) -> Result<Callback> {
        loop {
            let (mut stream, _) = self.listener.accept().await.map_err(|error| {
                Error::InvalidData(format!("the sign-in redirect listener failed: {error}"))
            })?;
            let Some(target) = request_target(&mut stream).await else {
                continue;
            };
            let (path, query) = target.split_once('?').unwrap_or((&target, ""));
            if path != CALLBACK_PATH {
                respond(&mut stream, 404, "Not found.").await;
                continue;
            }
            let params = query_pairs(query);
            let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
            if param("state").as_deref() != Some(state) {
                respond(
                    &mut stream,
                    400,
                    "This sign-in does not belong to Backdesk's request.",
                )
                .await;
                return Err(Error::InvalidData(
                    "the sign-in redirect carried a state that does not match ours (a forged or stale \
                     redirect); start the connection again"
                        .to_owned(),
                ));
            }
            if let Some(error) = param("error") {
                respond(&mut stream, 400, "The sign-in was not completed.").await;
                let detail = param("error_description").unwrap_or_default();
                return Err(Error::InvalidData(format!(
                    "the sign-in was refused ({error}{}{detail}); start the connection again and approve \
                     the access",
                    if detail.is_empty() { "" } else { ": " }
                )));
            }
            let Some(code) = param("code").filter(|code| !code.is_empty()) else {
                respond(&mut stream, 400, "The sign-in answer has no code.").await;
                return Err(Error::InvalidData(
                    "the sign-in redirect carried no authorization code; start the connection again"
                        .to_owned(),
                ));
            };
            respond(
                &mut stream,
                200,
                "Backdesk is connected. You can close this window.",
            )
            .await;
            return Ok(Callback {
                code,
                realm_id: param("realmId"),
            });
        }
    }
}

/// Reads the request line (and the rest of the head) and returns the request target of a GET.
async fn request_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buffer))
            .await
            .ok()?
            .ok()?;
        if read == 0 {
            break;
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let text = String::from_utf8_lossy(&head);
    let mut parts = text.lines().next()?.split_whitespace();
    (parts.next()? == "GET").then(|| parts.next().map(str::to_owned))?
}

async fn respond(stream: &mut TcpStream, status: u16, message: &str) {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let body = format!("<!doctype html><title>Backdesk</title><p>{message}</p>");
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(&format!("http://localhost/?{query}"))
        .map(|url| {
            url.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The token endpoint's answer (RFC 6749 §5.1).
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
}

/// Trades `code` (with the PKCE `verifier` and the same `redirect_uri`) for tokens at the token endpoint.
pub async fn exchange(
    client: &reqwest::Client,
    provider: &Provider,
    callback: &Callback,
    verifier: &str,
    redirect_uri: &str,
    now: DateTime<Utc>,
) -> Result<Credentials> {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", callback.code.as_str()),
        ("redirect_uri", redirect_uri),
        ("code_verifier", verifier),
    ];
    let mut request = client.post(&provider.token_url);
    match &provider.client_secret {
        Some(secret) => request = request.basic_auth(&provider.client_id, Some(secret)),
        None => form.push(("client_id", provider.client_id.as_str())),
    }
    let token_url = &provider.token_url;
    let response = request.form(&form).send().await.map_err(|error| {
        Error::InvalidData(format!(
            "could not reach the {} token endpoint {token_url} ({error}); check the network and start the \
             connection again",
            provider.target
        ))
    })?;
    let status = response.status();
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        let excerpt: String = body.chars().take(200).collect();
        return Err(Error::InvalidData(format!(
            "the {} token endpoint {token_url} refused the authorization code (HTTP {status}: {excerpt}); start \
             the connection again",
            provider.target
        )));
    }
    let tokens: TokenResponse = response.json().await.map_err(|error| {
        Error::InvalidData(format!(
            "the token endpoint {token_url} answered something unreadable: {error}"
        ))
    })?;
    let Some(refresh_token) = tokens.refresh_token else {
        return Err(Error::InvalidData(format!(
            "the token endpoint {token_url} issued no refresh token; ask for offline access (the \
             offline_access scope for Xero) and connect again"
        )));
    };
    let lifetime = tokens.expires_in.unwrap_or(1800).saturating_sub(60).max(0);
    Ok(Credentials {
        client_id: provider.client_id.clone(),
        client_secret: provider.client_secret.clone(),
        refresh_token,
        tenant_id: callback
            .realm_id
            .clone()
            .or_else(|| provider.tenant_id.clone())
            .unwrap_or_default(),
        access_token: Some(tokens.access_token),
        access_expires_at: Some((now + Span::seconds(lifetime)).to_rfc3339()),
    })
}

/// The whole flow: listen, `open` the authorize URL, wait for the redirect (at most `timeout`), exchange the
/// code and store the tokens in the keychain under `provider.target`. Returns the stored credentials.
pub async fn connect<F>(
    provider: &Provider,
    keychain: &Keychain,
    open: F,
    timeout: Duration,
) -> Result<Credentials>
where
    F: FnOnce(&str) -> Result<()>,
{
    let loopback = Loopback::bind().await?;
    let redirect_uri = loopback.redirect_uri();
    let challenge = Challenge::generate();
    open(&authorize_url(provider, &redirect_uri, &challenge)?)?;
    let callback = loopback.wait(&challenge.state, timeout).await?;
    let client = crate::sync::oauth::token_client()?;
    let credentials = exchange(
        &client,
        provider,
        &callback,
        &challenge.verifier,
        &redirect_uri,
        Utc::now(),
    )
    .await?;
    keychain.store(&provider.target, &credentials)?;
    Ok(credentials)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_rfc_4648_vectors_without_padding() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foob"), "Zm9vYg");
        assert_eq!(base64url(b"fooba"), "Zm9vYmE");
        assert_eq!(base64url(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn challenge_is_the_rfc_7636_appendix_b_example() {
        let challenge = Challenge::from_parts(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".to_owned(),
            "s".to_owned(),
        );
        assert_eq!(challenge.challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn generated_verifiers_are_43_chars_and_differ() {
        let (a, b) = (Challenge::generate(), Challenge::generate());
        assert_eq!(a.verifier.len(), 43);
        assert_ne!(a.verifier, b.verifier);
        assert_ne!(a.state, b.state);
    }

    #[test]
    fn authorize_url_carries_s256_challenge_state_and_redirect() {
        let provider = Provider {
            target: "xero".into(),
            authorize_url: "https://login.example/identity/connect/authorize".into(),
            token_url: "https://login.example/connect/token".into(),
            client_id: "client 1".into(),
            client_secret: None,
            scope: "offline_access accounting.transactions".into(),
            tenant_id: None,
        };
        let challenge = Challenge::from_parts("v".repeat(43), "st&ate".into());
        let url = authorize_url(&provider, "http://127.0.0.1:5000/callback", &challenge).expect("url");
        let parsed = reqwest::Url::parse(&url).expect("parse");
        let get = |name: &str| {
            parsed
                .query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        assert_eq!(get("code_challenge_method").as_deref(), Some("S256"));
        assert_eq!(get("code_challenge"), Some(challenge.challenge.clone()));
        assert_eq!(get("state").as_deref(), Some("st&ate"));
        assert_eq!(
            get("redirect_uri").as_deref(),
            Some("http://127.0.0.1:5000/callback")
        );
        assert_eq!(get("client_id").as_deref(), Some("client 1"));
        assert_eq!(get("response_type").as_deref(), Some("code"));
    }
}
