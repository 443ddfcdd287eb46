//! Use case: the Connections screen — per accounting system, whether this workspace is connected (the OS
//! keychain holds its credentials), to which organisation, the last sync and the outbox's waiting and
//! failed jobs; signing in through the browser (PKCE, a loopback listener; the client id and secret go
//! straight to the keychain with the tokens) and disconnecting (the keychain entry removed).

use std::time::Duration;

use serde::Serialize;

use super::Workspace;
use crate::error::{Error, Result};
use crate::secrets::Keychain;
use crate::store;
use crate::sync::pkce::{self, Provider};
use crate::sync::{qbo, xero, Target};

/// How long the browser sign-in may take before the listener gives up.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);

/// One accounting system as the Connections screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConnectionStatus {
    /// `xero` or `qbo`.
    pub target: String,
    pub connected: bool,
    /// Xero's tenant or QuickBooks' realm id, when connected.
    pub tenant_id: Option<String>,
    /// The last job change or master-data pull (UTC), if any.
    pub last_sync: Option<String>,
    /// Outbox jobs not finished yet (will be sent on the next sync).
    pub waiting: i64,
    /// Outbox jobs refused for a reason retrying will not fix.
    pub failed: i64,
    /// Why the keychain could not be read (locked, absent), with what to do; `connected` is then false.
    pub keychain_problem: Option<String>,
}

impl Workspace {
    /// The connection status of `target` for this workspace.
    pub async fn connection_status(&self, target: Target, keychain: &Keychain) -> Result<ConnectionStatus> {
        let (waiting, failed, last_sync) = store::outbox::summary(self.store().pool(), target.name()).await?;
        let (credentials, keychain_problem) = match keychain.load(target.name()) {
            Ok(credentials) => (credentials, None),
            Err(error @ Error::Keychain(_)) => (None, Some(error.to_string())),
            Err(other) => return Err(other),
        };
        Ok(ConnectionStatus {
            target: target.name().to_owned(),
            connected: credentials.is_some(),
            tenant_id: credentials.map(|c| c.tenant_id).filter(|t| !t.is_empty()),
            last_sync,
            waiting,
            failed,
            keychain_problem,
        })
    }
}

/// Where `target` signs in, under the identity base URL of `BACKDESK_XERO_IDENTITY_URL` /
/// `BACKDESK_QBO_IDENTITY_URL` (else the real one), so a local identity server can stand in.
pub fn provider(target: Target, app: &SignInApp) -> Result<Provider> {
    let identity = match target {
        Target::Xero => xero::base_urls().1,
        Target::Qbo => qbo::base_urls().1,
    };
    provider_at(target, &identity, app)
}

/// What the person types to connect: their developer app's client id and secret, and for Xero the
/// organisation (tenant id; QuickBooks sends its realm id with the redirect). Goes to the keychain only.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct SignInApp {
    pub client_id: String,
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub tenant_id: Option<String>,
}

/// The authorize and token endpoints of `target` under `identity`, and the scopes a bill push and the
/// master-data pull need. The real services authorize on another host than their token endpoint.
pub fn provider_at(target: Target, identity: &str, app: &SignInApp) -> Result<Provider> {
    let client_id = app.client_id.trim();
    if client_id.is_empty() {
        return Err(Error::Usage(format!(
            "enter the client id of your {} app (from its developer portal) to connect",
            target.name()
        )));
    }
    let optional = |text: &Option<String>| {
        text.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let client_secret = optional(&app.client_secret);
    let tenant_id = optional(&app.tenant_id);
    if target == Target::Xero && tenant_id.is_none() {
        return Err(Error::Usage(
            "enter the Xero organisation's tenant id (Xero → Settings → Connected apps, or the developer portal) to connect"
                .into(),
        ));
    }
    let (authorize_url, token_url, scope) = match target {
        Target::Xero => (
            if identity == xero::DEFAULT_IDENTITY_URL {
                "https://login.xero.com/identity/connect/authorize".to_owned()
            } else {
                format!("{identity}/identity/connect/authorize")
            },
            xero::token_url(identity),
            "offline_access accounting.transactions accounting.contacts accounting.settings accounting.attachments",
        ),
        Target::Qbo => {
            if client_secret.is_none() {
                return Err(Error::Usage(
                    "QuickBooks Online needs the client secret of your app as well as its client id".into(),
                ));
            }
            (
                if identity == qbo::DEFAULT_IDENTITY_URL {
                    "https://appcenter.intuit.com/connect/oauth2".to_owned()
                } else {
                    format!("{identity}/connect/oauth2")
                },
                qbo::token_url(identity),
                "com.intuit.quickbooks.accounting",
            )
        }
    };
    Ok(Provider {
        target: target.name().to_owned(),
        authorize_url,
        token_url,
        client_id: client_id.to_owned(),
        client_secret,
        scope: scope.to_owned(),
        tenant_id,
    })
}

/// Signs in at `provider` in the browser (`open` shows the URL) and stores client and tokens in the
/// keychain; the keychain is checked first, so a locked one fails before the browser opens.
pub async fn sign_in<F>(provider: &Provider, keychain: &Keychain, open: F) -> Result<()>
where
    F: FnOnce(&str) -> Result<()>,
{
    keychain.load(&provider.target)?;
    pkce::connect(provider, keychain, open, SIGN_IN_TIMEOUT).await?;
    Ok(())
}

/// Removes `target`'s credentials from the keychain (the outbox and mappings stay).
pub fn disconnect(target: Target, keychain: &Keychain) -> Result<()> {
    keychain.delete(target.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provider_needs_a_client_id_and_quickbooks_its_secret() {
        let app = |id: &str, secret: &str, tenant: &str| SignInApp {
            client_id: id.into(),
            client_secret: Some(secret.into()),
            tenant_id: Some(tenant.into()),
        };
        let real = xero::DEFAULT_IDENTITY_URL;
        let missing = provider_at(Target::Xero, real, &app("  ", "", "t"))
            .unwrap_err()
            .to_string();
        assert!(missing.contains("client id"), "{missing}");
        let no_tenant = provider_at(Target::Xero, real, &app("abc", "", " "))
            .unwrap_err()
            .to_string();
        assert!(no_tenant.contains("tenant id"), "{no_tenant}");
        let qbo = provider_at(Target::Qbo, qbo::DEFAULT_IDENTITY_URL, &app("abc", "", ""))
            .unwrap_err()
            .to_string();
        assert!(qbo.contains("client secret"), "{qbo}");
        let xero = provider_at(Target::Xero, real, &app(" abc ", "", "t-1")).unwrap();
        assert_eq!(xero.tenant_id.as_deref(), Some("t-1"));
        assert_eq!(xero.client_id, "abc");
        assert_eq!(
            xero.authorize_url,
            "https://login.xero.com/identity/connect/authorize"
        );
        assert_eq!(xero.token_url, "https://identity.xero.com/connect/token");
        let local = provider_at(Target::Xero, "http://127.0.0.1:9", &app("abc", "", "t")).unwrap();
        assert_eq!(
            local.authorize_url,
            "http://127.0.0.1:9/identity/connect/authorize"
        );
        assert_eq!(xero.client_secret, None);
        assert!(xero.scope.contains("offline_access"));
    }
}
