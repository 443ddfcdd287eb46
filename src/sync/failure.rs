//! What went wrong talking to an accounting system, classified for the outbox: try again later (network,
//! timeouts, 5xx, 429 with its `Retry-After`), refresh the token (401), or stop (any other refusal).

use std::time::Duration;

/// A failed request, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Worth retrying: the network, a timeout, a 5xx or a 429; `retry_after` is what the server asked for.
    Transient {
        message: String,
        retry_after: Option<Duration>,
        offline: bool,
    },
    /// The access token was refused: refresh it and try again.
    Unauthorized(String),
    /// The request was refused for a reason retrying will not fix.
    Permanent(String),
}

impl Failure {
    /// The message to record and show.
    pub fn message(&self) -> &str {
        match self {
            Self::Transient { message, .. } | Self::Unauthorized(message) | Self::Permanent(message) => {
                message
            }
        }
    }

    /// Classifies a transport error (no response).
    pub fn from_transport(what: &str, error: &reqwest::Error) -> Self {
        Self::Transient {
            message: format!("{what}: {error}"),
            retry_after: None,
            offline: error.is_connect(),
        }
    }

    /// Classifies an error response.
    pub fn from_status(
        what: &str,
        status: reqwest::StatusCode,
        retry_after: Option<&str>,
        body: &str,
    ) -> Self {
        let excerpt: String = body.chars().take(300).collect();
        let message = format!("{what}: HTTP {status}: {excerpt}");
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            let retry_after = retry_after
                .and_then(|value| value.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            Self::Transient {
                message,
                retry_after,
                offline: false,
            }
        } else if status == reqwest::StatusCode::UNAUTHORIZED {
            Self::Unauthorized(message)
        } else {
            Self::Permanent(message)
        }
    }
}
