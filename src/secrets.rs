//! Connection credentials (client id/secret, refresh and access tokens) in the OS keychain — Secret Service
//! on Linux, Keychain on macOS, Credential Manager on Windows — and nowhere else: nothing falls back to a file.
//!
//! One keychain entry per (workspace, target) holds the credentials as JSON. The entry is named after a hash
//! of the data directory so two workspaces (or two test runs) never read each other's tokens.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The keychain service name every Backdesk entry lives under.
pub const SERVICE: &str = "backdesk";

/// What a connection needs to talk to an accounting system. `Debug` never shows the secret values.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub client_id: String,
    /// Optional with PKCE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    pub refresh_token: String,
    /// Xero's tenant id or QuickBooks' realm id.
    pub tenant_id: String,
    /// The current access token and when it expires (RFC 3339), once one has been obtained.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_expires_at: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("tenant_id", &self.tenant_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("refresh_token", &"<redacted>")
            .field("access_token", &self.access_token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// The keychain entries of one workspace.
#[derive(Debug, Clone)]
pub struct Keychain {
    workspace: String,
}

impl Keychain {
    /// The entries of the workspace whose data directory is `data_dir`.
    pub fn for_workspace(data_dir: &Path) -> Self {
        let canonical = data_dir.canonicalize().unwrap_or_else(|_| data_dir.to_owned());
        let digest = Sha256::digest(canonical.to_string_lossy().as_bytes());
        Self {
            workspace: hex::encode(&digest[..8]),
        }
    }

    fn entry(&self, target: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(SERVICE, &format!("{target}@{}", self.workspace))
            .map_err(|error| keychain_error(target, "open the keychain entry", error))
    }

    /// Stores (replacing) the credentials of `target`.
    pub fn store(&self, target: &str, credentials: &Credentials) -> Result<()> {
        let json = serde_json::to_string(credentials).map_err(|error| {
            Error::InvalidData(format!("could not encode the {target} credentials: {error}"))
        })?;
        self.entry(target)?
            .set_password(&json)
            .map_err(|error| keychain_error(target, "store the credentials in", error))
    }

    /// The credentials of `target`, or `None` when `backdesk connect {target}` has not been run.
    pub fn load(&self, target: &str) -> Result<Option<Credentials>> {
        match self.entry(target)?.get_password() {
            Ok(json) => serde_json::from_str(&json).map(Some).map_err(|error| {
                Error::Keychain(format!(
                    "the {target} entry in the OS keychain is not readable ({error}); run `backdesk connect \
                     {target}` again"
                ))
            }),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(keychain_error(target, "read the credentials from", error)),
        }
    }

    /// Removes the credentials of `target` (no error when there were none).
    pub fn delete(&self, target: &str) -> Result<()> {
        match self.entry(target)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(keychain_error(target, "delete the credentials from", error)),
        }
    }
}

fn keychain_error(target: &str, action: &str, error: keyring::Error) -> Error {
    let advice = match &error {
        keyring::Error::NoStorageAccess(_) => {
            "the OS keychain is locked or absent: unlock it (on Linux a Secret Service such as gnome-keyring \
             must be running and unlocked) and run the command again; backdesk never keeps tokens in a file"
        }
        keyring::Error::PlatformFailure(_) => {
            "the OS keychain failed: check that it is running and unlocked, then run the command again"
        }
        _ => "check the OS keychain and run the command again",
    };
    Error::Keychain(format!(
        "could not {action} the OS keychain for {target} ({error}): {advice}"
    ))
}
