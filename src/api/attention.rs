//! What needs a person, for the desktop's tray and notifications: how many invoices are exceptions or await
//! approval, which approvals the acting person can give now, and which of those arrived since they were
//! last told (so each arrival is announced once).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;

use crate::api::Workspace;
use crate::error::{Error, Result};
use crate::model::InvoiceId;
use crate::policy::routing::ApprovalStep;
use crate::store::{self, approvals as repo};
use crate::workflow::approvals::{self, standing};

/// The counts the tray shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Attention {
    /// Invoices in the `exception` status.
    pub exceptions: u64,
    /// Invoices in the `awaiting_approval` status (anyone's).
    pub awaiting_approval: u64,
}

impl Attention {
    /// The tray's lines, e.g. `["3 exceptions", "1 invoice awaiting approval"]`.
    pub fn lines(&self) -> [String; 2] {
        [
            plural(self.exceptions, "exception", "exceptions"),
            format!(
                "{} awaiting approval",
                plural(self.awaiting_approval, "invoice", "invoices")
            ),
        ]
    }

    /// The tray's tooltip: both lines in one sentence.
    pub fn tooltip(&self) -> String {
        let [exceptions, awaiting] = self.lines();
        format!("Backdesk: {exceptions}, {awaiting}")
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Remembers which approvals were already announced to one person, so each arrival is announced once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApprovalArrivals {
    person: Option<String>,
    announced: BTreeSet<InvoiceId>,
}

impl ApprovalArrivals {
    /// Starts over for `person` with what already waits for them: it is in their queue, not news.
    pub fn baseline(person: &str, waiting: &[InvoiceId]) -> Self {
        Self {
            person: Some(person.to_owned()),
            announced: waiting.iter().copied().collect(),
        }
    }

    /// The person being watched, if any.
    pub fn person(&self) -> Option<&str> {
        self.person.as_deref()
    }

    /// The invoices in `waiting` not announced before, now remembered as announced. Invoices no longer
    /// waiting are forgotten, so one that comes back (rejected, corrected, routed again) is news again.
    pub fn arrived(&mut self, waiting: &[InvoiceId]) -> Vec<InvoiceId> {
        let now: BTreeSet<InvoiceId> = waiting.iter().copied().collect();
        let new: Vec<InvoiceId> = now.difference(&self.announced).copied().collect();
        self.announced = now;
        new
    }
}

/// The notification for `count` approvals newly waiting for `person`; none when nothing arrived.
pub fn approvals_notification_text(person: &str, count: usize) -> Option<String> {
    match count {
        0 => None,
        1 => Some(format!("1 invoice is waiting for your approval, {person}.")),
        n => Some(format!("{n} invoices are waiting for your approval, {person}.")),
    }
}

impl Workspace {
    /// How many invoices are exceptions and how many await approval.
    pub async fn attention(&self) -> Result<Attention> {
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM invoices \
             WHERE status IN ('exception', 'awaiting_approval') GROUP BY status",
        )
        .fetch_all(self.store().pool())
        .await
        .map_err(Error::database("count the invoices that need a person"))?;
        let mut attention = Attention::default();
        for row in rows {
            let n = u64::try_from(row.get::<i64, _>("n")).unwrap_or_default();
            match row.get::<String, _>("status").as_str() {
                "exception" => attention.exceptions = n,
                _ => attention.awaiting_approval = n,
            }
        }
        Ok(attention)
    }

    /// The invoices awaiting approval whose current step `person` can approve now (in their own right or
    /// through a delegation in force), oldest first; empty for someone not on file.
    pub async fn approvals_waiting_for(&self, person: &str) -> Result<Vec<InvoiceId>> {
        self.approvals_waiting_for_at(person, Utc::now()).await
    }

    /// [`Self::approvals_waiting_for`] at `now` (the date decides which delegations are in force).
    pub async fn approvals_waiting_for_at(&self, person: &str, now: DateTime<Utc>) -> Result<Vec<InvoiceId>> {
        let policy = self.policy()?;
        let mut conn = self.store().acquire("open a connection").await?;
        let people = store::people::list(&mut conn).await?;
        let Some(who) = people
            .iter()
            .find(|p| p.name.trim().eq_ignore_ascii_case(person.trim()))
        else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query(
            "SELECT invoice_id, decision_id, approval_steps FROM report_approval_queue ORDER BY since, invoice_id",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(Error::database("read the approval queue"))?;
        let mut waiting = Vec::new();
        for row in &rows {
            let steps: Vec<ApprovalStep> =
                serde_json::from_str(&row.get::<String, _>("approval_steps")).unwrap_or_default();
            let given = repo::given(&mut conn, row.get("decision_id")).await?;
            let Some(step) = approvals::current_step(&steps, &given, &people) else {
                continue;
            };
            let already = given
                .iter()
                .any(|g| g.person.trim().eq_ignore_ascii_case(&who.name));
            if !already && standing(who, step, &policy.delegations, now.date_naive()).is_some() {
                waiting.push(InvoiceId(row.get("invoice_id")));
            }
        }
        Ok(waiting)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_arrival_is_announced_once_and_what_waited_before_is_not_news() {
        let ids = |ns: &[i64]| ns.iter().map(|&n| InvoiceId(n)).collect::<Vec<_>>();
        let mut arrivals = ApprovalArrivals::baseline("Maria", &ids(&[1, 2]));
        assert_eq!(arrivals.person(), Some("Maria"));
        assert_eq!(
            arrivals.arrived(&ids(&[1, 2])),
            ids(&[]),
            "the baseline is not news"
        );
        assert_eq!(
            arrivals.arrived(&ids(&[1, 2, 5, 4])),
            ids(&[4, 5]),
            "two new ones, in id order"
        );
        assert_eq!(arrivals.arrived(&ids(&[1, 2, 4, 5])), ids(&[]), "announced once");
        assert_eq!(
            arrivals.arrived(&ids(&[4])),
            ids(&[]),
            "approved ones leave quietly"
        );
        assert_eq!(
            arrivals.arrived(&ids(&[4, 1])),
            ids(&[1]),
            "one that comes back is news again"
        );
    }

    #[test]
    fn notification_and_tray_texts_count_in_words() {
        assert_eq!(approvals_notification_text("Maria", 0), None);
        assert_eq!(
            approvals_notification_text("Maria", 1).as_deref(),
            Some("1 invoice is waiting for your approval, Maria.")
        );
        assert_eq!(
            approvals_notification_text("Maria", 3).as_deref(),
            Some("3 invoices are waiting for your approval, Maria.")
        );
        let attention = Attention {
            exceptions: 1,
            awaiting_approval: 12,
        };
        assert_eq!(
            attention.lines(),
            [
                "1 exception".to_owned(),
                "12 invoices awaiting approval".to_owned()
            ]
        );
        assert_eq!(
            attention.tooltip(),
            "Backdesk: 1 exception, 12 invoices awaiting approval"
        );
    }
}
