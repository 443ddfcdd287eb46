//! Sync with accounting systems: the outbox runner's parts — the bill payloads, the retry policy, the OAuth
//! refresh with rotation, the request limiter and the connectors (Xero, QuickBooks Online) behind one
//! `connector::Connector` trait. The runner itself is the `sync` use case in `api::sync`.
//!
//! Base URLs come from `BACKDESK_XERO_API_URL` / `BACKDESK_XERO_IDENTITY_URL` (and `BACKDESK_QBO_*`) so the
//! tests point the real code at a local server.

pub mod bill;
pub mod connector;
pub mod failure;
pub mod limiter;
pub mod mapping;
pub mod oauth;
pub mod pkce;
pub mod qbo;
pub mod qbo_bill;
pub mod retry;
pub mod xero;

/// The accounting systems Backdesk syncs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Xero,
    Qbo,
}

impl Target {
    /// Parses `xero` or `qbo`.
    pub fn parse(name: &str) -> crate::Result<Self> {
        match name {
            "xero" => Ok(Self::Xero),
            "qbo" => Ok(Self::Qbo),
            other => Err(crate::Error::Usage(format!(
                "unknown sync target '{other}': use xero or qbo"
            ))),
        }
    }

    /// The name used in the keychain, the outbox and messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Xero => "xero",
            Self::Qbo => "qbo",
        }
    }
}
