//! OAuth 2.0 refresh with rotation: trade the stored refresh token for an access token and the *new*
//! refresh token, and put the new one in the keychain before anything else happens (the old one is spent).

use chrono::{DateTime, Duration as Span, Utc};
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::secrets::{Credentials, Keychain};
use crate::sync::failure::Failure;

/// The token endpoint's answer (RFC 6749 §5.1).
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
}

/// An HTTP client for token requests: redirects off (a token request must never be forwarded).
pub fn token_client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .map_err(|error| Error::InvalidData(format!("could not build the HTTP client: {error}")))
}

/// Refreshes `credentials` at `token_url`, stores the rotated tokens in the keychain under `target` and
/// returns them.
pub async fn refresh(
    client: &reqwest::Client,
    token_url: &str,
    target: &str,
    keychain: &Keychain,
    credentials: &Credentials,
    now: DateTime<Utc>,
) -> std::result::Result<Credentials, Failure> {
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", credentials.refresh_token.as_str()),
    ];
    let mut request = client.post(token_url);
    match &credentials.client_secret {
        Some(secret) => request = request.basic_auth(&credentials.client_id, Some(secret)),
        None => form.push(("client_id", credentials.client_id.as_str())),
    }
    let response = request.form(&form).send().await.map_err(|error| {
        Failure::from_transport(&format!("refresh the {target} token at {token_url}"), &error)
    })?;
    let status = response.status();
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        let excerpt: String = body.chars().take(200).collect();
        if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(Failure::from_status(
                &format!("refresh the {target} token"),
                status,
                None,
                &body,
            ));
        }
        return Err(Failure::Permanent(format!(
            "the token endpoint {token_url} refused the refresh token (HTTP {status}: {excerpt}); run `backdesk \
             connect {target}` with a fresh refresh token"
        )));
    }
    let tokens: TokenResponse = response.json().await.map_err(|error| {
        Failure::Permanent(format!(
            "the token endpoint {token_url} answered something unreadable: {error}"
        ))
    })?;
    let mut updated = credentials.clone();
    if let Some(rotated) = tokens.refresh_token {
        updated.refresh_token = rotated;
    }
    updated.access_token = Some(tokens.access_token);
    // expire a minute early so a token never runs out mid-request
    let lifetime = tokens.expires_in.unwrap_or(1800).saturating_sub(60).max(0);
    updated.access_expires_at = Some((now + Span::seconds(lifetime)).to_rfc3339());
    keychain
        .store(target, &updated)
        .map_err(|error| Failure::Permanent(error.to_string()))?;
    Ok(updated)
}

/// Whether the access token is missing or expired at `now`.
pub fn needs_refresh(credentials: &Credentials, now: DateTime<Utc>) -> bool {
    let expires = credentials
        .access_expires_at
        .as_deref()
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok());
    credentials.access_token.is_none() || expires.is_none_or(|at| at <= now)
}
