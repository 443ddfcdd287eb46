//! Use cases of the workflow: people, corrections, approvals and rejections, holds and owners, posting and
//! payment, queues with their SLAs, approval reminders, bulk approval of clean invoices, and the audit trail
//! (read, verify, export). Each has an `_at` form that takes the clock; the plain form uses the wall clock.

mod approvals;
mod audit;
mod corrections;
mod lifecycle;
mod people;
mod queues;

pub use approvals::{ApprovalReport, ApprovalState, BulkApproval, Skipped, StepState};
pub use audit::ExportFormat;
pub use corrections::{CorrectionReport, FieldChange};
pub use queues::Queues;

use sqlx::SqliteConnection;

use super::Workspace;
use crate::error::{Error, Result};
use crate::store;
use crate::workflow::approvals::Person;

/// The registered person named `who` (compared without case), or a sentence saying how to add them.
async fn person_named(conn: &mut SqliteConnection, who: &str) -> Result<Person> {
    store::people::get(conn, who).await?.ok_or_else(|| {
        Error::Usage(format!(
            "nobody named '{who}' may act on invoices; add them first: backdesk people add {who} --role clerk"
        ))
    })
}

impl Workspace {
    async fn connection(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Sqlite>> {
        self.store().acquire("open a connection").await
    }
}
