//! Queues with their SLAs (settings `workflow.sla_hours.<queue>`), ages against the caller's clock, and the
//! reminders for approval steps waiting past the SLA.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;

use crate::api::Workspace;
use crate::error::{Error, Result};
use crate::policy::routing::ApprovalStep;
use crate::store::{self, approvals as repo, timestamp};
use crate::workflow::approvals::{self};
use crate::workflow::queues::{age_hours, is_overdue, Queue, QueueItem, Reminder};

/// All queues.
#[derive(Debug, Clone, Serialize)]
pub struct Queues {
    pub as_of: String,
    pub sla_hours: BTreeMap<String, i64>,
    pub exception: Vec<QueueItem>,
    pub awaiting_approval: Vec<QueueItem>,
    pub on_hold: Vec<QueueItem>,
}

fn waiting_for(step: &ApprovalStep) -> String {
    let who = step
        .person
        .clone()
        .or_else(|| step.role.clone())
        .unwrap_or_default();
    match &step.delegated_to {
        Some(to) => format!("{who} (delegated to {to})"),
        None => who,
    }
}

impl Workspace {
    async fn sla_hours(&self, queue: Queue) -> Result<i64> {
        let key = queue.sla_setting();
        match store::settings::get(self.store().pool(), &key).await? {
            None => Ok(queue.default_sla_hours()),
            Some(text) => text.trim().parse::<i64>().map_err(|_| {
                Error::InvalidData(format!(
                    "setting {key} is '{text}', not a whole number of hours; set it to e.g. {}",
                    queue.default_sla_hours()
                ))
            }),
        }
    }

    /// The queues now.
    pub async fn queues(&self) -> Result<Queues> {
        self.queues_at(Utc::now()).await
    }

    /// Approval steps waiting past their SLA now (the desktop notifies about these).
    pub async fn approval_reminders(&self) -> Result<Vec<Reminder>> {
        self.approval_reminders_at(Utc::now()).await
    }

    /// The queues as of `now`, oldest first in each.
    pub async fn queues_at(&self, now: DateTime<Utc>) -> Result<Queues> {
        let pool = self.store().pool();
        let mut sla = BTreeMap::new();
        for queue in Queue::ALL {
            sla.insert(queue.as_str().to_owned(), self.sla_hours(queue).await?);
        }
        let item =
            |queue: Queue, r: &sqlx::sqlite::SqliteRow, reasons: Vec<String>, owner: Option<String>| {
                let since: Option<String> = r.get("since");
                let age = age_hours(since.as_deref(), now);
                let sla_hours = sla[queue.as_str()];
                QueueItem {
                    queue,
                    invoice_id: r.get("invoice_id"),
                    vendor_name: r.get("vendor_name"),
                    invoice_number: r.get("invoice_number"),
                    total_gross: r.get("total_gross"),
                    currency: r.get("currency"),
                    reasons,
                    owner,
                    since,
                    age_hours: age,
                    sla_hours,
                    overdue: is_overdue(age, sla_hours),
                }
            };
        let rows = sqlx::query("SELECT * FROM report_exception_queue ORDER BY since, invoice_id")
            .fetch_all(pool)
            .await
            .map_err(Error::database("read the exception queue"))?;
        let mut exception: Vec<QueueItem> = Vec::new();
        for r in &rows {
            let code: String = r.get("reason_code");
            match exception
                .iter_mut()
                .find(|i| i.invoice_id == r.get::<i64, _>("invoice_id"))
            {
                Some(existing) => existing.reasons.push(code),
                None => exception.push(item(Queue::Exception, r, vec![code], r.get("owner"))),
            }
        }
        let rows = sqlx::query("SELECT * FROM report_approval_queue ORDER BY since, invoice_id")
            .fetch_all(pool)
            .await
            .map_err(Error::database("read the approval queue"))?;
        let mut conn = self.connection().await?;
        let people = store::people::list(&mut conn).await?;
        let mut awaiting_approval = Vec::new();
        for r in &rows {
            let steps: Vec<ApprovalStep> =
                serde_json::from_str(&r.get::<String, _>("approval_steps")).unwrap_or_default();
            let given = repo::given(&mut conn, r.get("decision_id")).await?;
            let waiting = approvals::current_step(&steps, &given, &people).map(waiting_for);
            awaiting_approval.push(item(Queue::AwaitingApproval, r, Vec::new(), waiting));
        }
        let rows = sqlx::query("SELECT * FROM report_on_hold ORDER BY since, invoice_id")
            .fetch_all(pool)
            .await
            .map_err(Error::database("read the on-hold queue"))?;
        let on_hold = rows
            .iter()
            .map(|r| item(Queue::OnHold, r, vec![r.get("reason")], r.get("held_by")))
            .collect();
        Ok(Queues {
            as_of: timestamp(now),
            sla_hours: sla,
            exception,
            awaiting_approval,
            on_hold,
        })
    }

    /// Approval steps waiting past the approval queue's SLA at `now` (what the desktop notifies about). A step
    /// waits from when the invoice began awaiting approval or from the previous step's approval, if later.
    pub async fn approval_reminders_at(&self, now: DateTime<Utc>) -> Result<Vec<Reminder>> {
        let sla_hours = self.sla_hours(Queue::AwaitingApproval).await?;
        let rows = sqlx::query("SELECT * FROM report_approval_queue ORDER BY since, invoice_id")
            .fetch_all(self.store().pool())
            .await
            .map_err(Error::database("read the approval queue"))?;
        let mut conn = self.connection().await?;
        let people = store::people::list(&mut conn).await?;
        let mut reminders = Vec::new();
        for r in &rows {
            let steps: Vec<ApprovalStep> =
                serde_json::from_str(&r.get::<String, _>("approval_steps")).unwrap_or_default();
            let given = repo::given(&mut conn, r.get("decision_id")).await?;
            let Some(step) = approvals::current_step(&steps, &given, &people) else {
                continue;
            };
            let since: Option<String> = r.get("since");
            let since = given
                .iter()
                .map(|g| g.at.clone())
                .chain(since)
                .max()
                .unwrap_or_default();
            let hours_waiting = age_hours(Some(&since), now);
            if is_overdue(hours_waiting, sla_hours) {
                reminders.push(Reminder {
                    invoice_id: r.get("invoice_id"),
                    step_order: step.order,
                    waiting_for: waiting_for(step),
                    delegated_to: step.delegated_to.clone(),
                    since,
                    hours_waiting,
                    sla_hours,
                });
            }
        }
        Ok(reminders)
    }
}
