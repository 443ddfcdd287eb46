//! The sync state the status bar shows, per accounting system in use: is it connected, how many outbox jobs
//! wait or failed, and how the last attempt went — read from what the outbox already records (a job's
//! `last_error` is set by a failed attempt and cleared by a successful one, `updated_at` is when).

use serde::Serialize;
use sqlx::Row;

use crate::api::Workspace;
use crate::error::{Error, Result};
use crate::secrets::Keychain;
use crate::store;
use crate::sync::Target;

/// The targets the status bar looks at, in the order it shows them.
const TARGETS: [Target; 2] = [Target::Xero, Target::Qbo];

/// One accounting system's sync state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncState {
    /// `xero` or `qbo`.
    pub target: String,
    /// Whether its credentials are in the keychain (false as well when the keychain cannot be read).
    pub connected: bool,
    /// Outbox jobs not finished yet (sent on the next sync).
    pub waiting: i64,
    /// Outbox jobs refused for a reason retrying will not fix.
    pub failed: i64,
    /// The last job change or master-data pull (UTC), if any.
    pub last_sync: Option<String>,
    /// How the most recent attempt went, when one was made.
    pub last_attempt: Option<LastAttempt>,
}

/// The most recent attempt to push a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LastAttempt {
    /// When it was recorded (UTC, RFC 3339).
    pub at: String,
    /// Whether it got through.
    pub ok: bool,
    /// The accounting system could not be reached at all (no answer: network down, DNS, refused).
    pub unreachable: bool,
    /// Why it failed, as recorded.
    pub error: Option<String>,
}

/// Whether a recorded failure means the server was not reached. The outbox records
/// `sync::failure::Failure::message()`: an answer from the server always carries `HTTP <status>`
/// (`Failure::from_status`), a request that got no answer never does (`Failure::from_transport`).
pub fn unreachable(error: &str) -> bool {
    !error.contains(": HTTP ")
}

impl Workspace {
    /// The sync state of every accounting system that is connected or has jobs in the outbox; empty when
    /// none is configured.
    pub async fn sync_states(&self, keychain: &Keychain) -> Result<Vec<SyncState>> {
        let mut states = Vec::new();
        for target in TARGETS {
            // a keychain that cannot be read (locked, no Secret Service) means "not connected" here: the
            // Connections screen says why
            let connected = matches!(keychain.load(target.name()), Ok(Some(_)));
            let state = self.sync_state(target, connected).await?;
            if state.connected || state.waiting > 0 || state.failed > 0 || state.last_sync.is_some() {
                states.push(state);
            }
        }
        Ok(states)
    }

    /// Tells the views that `target` was connected or disconnected (its credentials live in the keychain, which
    /// publishes nothing).
    pub fn connection_changed(&self, target: Target) {
        self.publish(crate::api::CoreEvent::ConnectionChanged {
            target: target.name().to_owned(),
        });
    }

    /// The sync state of `target`, given whether it is connected.
    pub async fn sync_state(&self, target: Target, connected: bool) -> Result<SyncState> {
        let pool = self.store().pool();
        let (waiting, failed, last_sync) = store::outbox::summary(pool, target.name()).await?;
        // the newest job change that was an attempt (a job never tried is pending with no attempts)
        let row = sqlx::query(
            "SELECT updated_at, last_error FROM sync_jobs
             WHERE target = ? AND (attempts > 0 OR state != 'pending' OR last_error IS NOT NULL)
             ORDER BY updated_at DESC, id DESC LIMIT 1",
        )
        .bind(target.name())
        .fetch_optional(pool)
        .await
        .map_err(Error::database(format!(
            "read the last {} sync attempt",
            target.name()
        )))?;
        let last_attempt = row.map(|row| {
            let error: Option<String> = row.get("last_error");
            LastAttempt {
                at: row.get("updated_at"),
                ok: error.is_none(),
                unreachable: error.as_deref().is_some_and(unreachable),
                error,
            }
        });
        Ok(SyncState {
            target: target.name().to_owned(),
            connected,
            waiting,
            failed,
            last_sync,
            last_attempt,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::store::outbox;
    use crate::sync::failure::Failure;

    const INVOICE: &[u8] = include_bytes!("../../demo/inbox/bluem-20150483.xml");
    const OTHER_INVOICE: &[u8] = include_bytes!("../../demo/inbox/enexis-1100512149.xml");

    /// A transport failure as the connectors record it: a request to a port nobody listens on.
    async fn refused_connection() -> Failure {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let error = reqwest::Client::new()
            .get(format!("http://127.0.0.1:{port}/api.xro/2.0/Invoices"))
            .send()
            .await
            .unwrap_err();
        Failure::from_transport("create bills", &error)
    }

    async fn workspace_with_two_invoices(dir: &std::path::Path) -> (Workspace, Vec<i64>) {
        let inbox = dir.join("inbox");
        std::fs::create_dir_all(&inbox).unwrap();
        std::fs::write(inbox.join("a.xml"), INVOICE).unwrap();
        std::fs::write(inbox.join("b.xml"), OTHER_INVOICE).unwrap();
        let workspace = Workspace::open(&dir.join("data")).await.unwrap();
        workspace.ingest_paths(&[inbox]).await.unwrap();
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM invoices ORDER BY id")
            .fetch_all(workspace.store().pool())
            .await
            .unwrap();
        assert_eq!(ids.len(), 2);
        (workspace, ids)
    }

    #[tokio::test]
    async fn connecting_or_disconnecting_is_published_for_the_views() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = Workspace::open(dir.path()).await.unwrap();
        let mut events = workspace.subscribe();
        workspace.connection_changed(Target::Qbo);
        assert_eq!(
            events.try_recv().unwrap(),
            crate::api::CoreEvent::ConnectionChanged {
                target: "qbo".to_owned()
            }
        );
    }

    #[tokio::test]
    async fn queued_jobs_then_an_unreachable_server_then_a_server_error_then_success_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let (workspace, ids) = workspace_with_two_invoices(dir.path()).await;
        let pool = workspace.store().pool();

        // nothing configured, nothing shown
        let keychain = Keychain::for_workspace(&dir.path().join("data"));
        assert!(workspace.sync_states(&keychain).await.unwrap().is_empty());

        // queued, never tried
        outbox::enqueue(pool, "xero", ids[0], "k1", "{}", "2026-11-22T10:40:00Z")
            .await
            .unwrap();
        outbox::enqueue(pool, "xero", ids[1], "k2", "{}", "2026-11-22T10:40:00Z")
            .await
            .unwrap();
        let state = workspace.sync_state(Target::Xero, false).await.unwrap();
        assert_eq!((state.waiting, state.failed), (2, 0));
        assert_eq!(state.last_attempt, None);
        let shown = workspace.sync_states(&keychain).await.unwrap();
        assert_eq!(shown.len(), 1, "jobs in the outbox make xero shown: {shown:?}");
        assert_eq!(shown[0].target, "xero");

        // the server could not be reached
        let offline = refused_connection().await;
        assert!(matches!(offline, Failure::Transient { offline: true, .. }));
        outbox::reschedule(
            pool,
            1,
            "2026-11-22T10:42:05Z",
            offline.message(),
            "2026-11-22T10:42:00Z",
        )
        .await
        .unwrap();
        let attempt = workspace
            .sync_state(Target::Xero, true)
            .await
            .unwrap()
            .last_attempt
            .unwrap();
        assert_eq!(attempt.at, "2026-11-22T10:42:00Z");
        assert!(!attempt.ok && attempt.unreachable, "{attempt:?}");

        // the server answered with an error: reached, not offline
        let answered = Failure::from_status("create bills", reqwest::StatusCode::BAD_GATEWAY, None, "down");
        outbox::reschedule(
            pool,
            2,
            "2026-11-22T10:43:05Z",
            answered.message(),
            "2026-11-22T10:43:00Z",
        )
        .await
        .unwrap();
        let attempt = workspace
            .sync_state(Target::Xero, true)
            .await
            .unwrap()
            .last_attempt
            .unwrap();
        assert!(!attempt.ok && !attempt.unreachable, "{attempt:?}");

        // a later attempt got through: online again, one job still waiting
        outbox::set_state(pool, 1, "sending", None, "2026-11-22T10:44:00Z")
            .await
            .unwrap();
        let state = workspace.sync_state(Target::Xero, true).await.unwrap();
        let attempt = state.last_attempt.unwrap();
        assert!(attempt.ok && !attempt.unreachable, "{attempt:?}");
        assert_eq!(attempt.at, "2026-11-22T10:44:00Z");

        // a job refused for good is counted as failed
        outbox::fail(pool, 2, "HTTP 400: bad", "2026-11-22T10:45:00Z")
            .await
            .unwrap();
        let state = workspace.sync_state(Target::Xero, true).await.unwrap();
        assert_eq!((state.waiting, state.failed), (1, 1));
        // qbo has nothing: not shown
        assert!(workspace
            .sync_states(&keychain)
            .await
            .unwrap()
            .iter()
            .all(|state| state.target == "xero"));
    }
}
