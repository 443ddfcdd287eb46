//! Use cases of the workflow: people, corrections, approvals and rejections, holds and owners, posting and
//! payment, queues with their SLAs, approval reminders, bulk approval of clean invoices, and the audit trail
//! (read, verify, export). Each has an `_at` form that takes the clock; the plain form uses the wall clock.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::{Row, SqliteConnection};

use super::{CoreEvent, Workspace};
use crate::error::{Error, Result};
use crate::model::{InvoiceId, InvoiceStatus};
use crate::policy::routing::ApprovalStep;
use crate::store::{self, approvals as repo, timestamp};
use crate::workflow::approvals::{self, GivenApproval, Person, Role};
use crate::workflow::audit::{self, Action, Entry, NewEntry, Verification};
use crate::workflow::corrections::{self, Correction};
use crate::workflow::queues::{age_hours, is_overdue, Queue, QueueItem, Reminder};
use crate::workflow::state::{self, Event};

/// One corrected field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<String>,
    pub new: String,
}

/// What a correction did.
#[derive(Debug, Clone, Serialize)]
pub struct CorrectionReport {
    pub invoice_id: InvoiceId,
    pub changes: Vec<FieldChange>,
    pub status_before: InvoiceStatus,
    pub status: InvoiceStatus,
    pub reasons: Vec<String>,
    /// Approvals given before no longer count: the invoice must be approved again.
    pub approval_reopened: bool,
    /// A sentence for the person.
    pub message: String,
}

/// What an approval did.
#[derive(Debug, Clone, Serialize)]
pub struct ApprovalReport {
    pub invoice_id: InvoiceId,
    pub step_order: u32,
    pub approved_by: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acting_for: Option<String>,
    pub status: InvoiceStatus,
    /// Steps still waiting after this approval.
    pub steps_remaining: usize,
}

/// One step of an invoice's current approval, with the approvals it has.
#[derive(Debug, Clone, Serialize)]
pub struct StepState {
    #[serde(flatten)]
    pub step: ApprovalStep,
    pub complete: bool,
    pub approvals: Vec<GivenApproval>,
}

/// Where an invoice stands in approval (for `invoice ID --json` and the app).
#[derive(Debug, Clone, Serialize)]
pub struct ApprovalState {
    pub decision_id: Option<i64>,
    pub steps: Vec<StepState>,
    pub current_step: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_hold: Option<serde_json::Value>,
}

/// All queues.
#[derive(Debug, Clone, Serialize)]
pub struct Queues {
    pub as_of: String,
    pub sla_hours: BTreeMap<String, i64>,
    pub exception: Vec<QueueItem>,
    pub awaiting_approval: Vec<QueueItem>,
    pub on_hold: Vec<QueueItem>,
}

/// What a bulk approval did.
#[derive(Debug, Clone, Serialize)]
pub struct BulkApproval {
    pub approved: Vec<ApprovalReport>,
    /// Invoices left alone, with why.
    pub skipped: Vec<Skipped>,
}

/// An invoice a bulk action left alone.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub invoice_id: InvoiceId,
    pub why: String,
}

/// Audit export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
}

impl std::str::FromStr for ExportFormat {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        match text {
            "csv" => Ok(Self::Csv),
            "json" => Ok(Self::Json),
            other => Err(Error::Usage(format!(
                "'{other}' is not an export format; use csv or json"
            ))),
        }
    }
}

async fn person_named(conn: &mut SqliteConnection, who: &str) -> Result<Person> {
    store::people::get(conn, who).await?.ok_or_else(|| {
        Error::Usage(format!(
            "nobody named '{who}' may act on invoices; add them first: backdesk people add {who} --role clerk"
        ))
    })
}

impl Workspace {
    async fn connection(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Sqlite>> {
        self.store()
            .pool()
            .acquire()
            .await
            .map_err(Error::database("open a connection"))
    }

    /// Adds a person (or changes their role and limit).
    pub async fn add_person(&self, name: &str, role: Role, limit: Option<Decimal>) -> Result<Person> {
        self.add_person_at(name, role, limit, Utc::now()).await
    }

    /// [`Self::add_person`] at `now`.
    pub async fn add_person_at(
        &self,
        name: &str,
        role: Role,
        limit: Option<Decimal>,
        now: DateTime<Utc>,
    ) -> Result<Person> {
        let name = name.trim();
        if name.is_empty() || name.starts_with('-') {
            return Err(Error::Usage(
                "a person needs a name, e.g. backdesk people add Ana --role manager".into(),
            ));
        }
        if limit.is_some_and(|l| l < Decimal::ZERO) {
            return Err(Error::Usage(format!(
                "the approval limit of {name} cannot be negative"
            )));
        }
        let person = Person {
            name: name.to_owned(),
            role,
            approval_limit: limit,
        };
        let mut tx = self.store().begin("save a person").await?;
        let new = store::people::save(&mut tx, &person, &timestamp(now)).await?;
        let detail = serde_json::json!({ "name": name, "role": role.as_str(), "approval_limit": limit.map(|l| l.to_string()), "new": new });
        let entry = NewEntry {
            actor: audit::SYSTEM.to_owned(),
            action: Action::PersonSaved,
            invoice_id: None,
            detail,
        };
        audit::append(&mut tx, entry, now).await?;
        tx.commit()
            .await
            .map_err(Error::database(format!("save person {name}")))?;
        Ok(person)
    }

    /// Everyone who can act on invoices.
    pub async fn people(&self) -> Result<Vec<Person>> {
        store::people::list(&mut *self.connection().await?).await
    }

    /// Corrects fields of an invoice as `who`, then decides it again (validation, matching, routing).
    pub async fn correct_invoice(
        &self,
        id: InvoiceId,
        fields: &[Correction],
        who: &str,
    ) -> Result<CorrectionReport> {
        self.correct_invoice_at(id, fields, who, Utc::now()).await
    }

    /// [`Self::correct_invoice`] at `now`.
    pub async fn correct_invoice_at(
        &self,
        id: InvoiceId,
        fields: &[Correction],
        who: &str,
        now: DateTime<Utc>,
    ) -> Result<CorrectionReport> {
        let at = timestamp(now);
        let mut tx = self.store().begin("correct an invoice").await?;
        let person = person_named(&mut tx, who).await?;
        let (extraction, before) = store::decisions::stored_extraction(&mut tx, id).await?;
        if !state::is_open(before) {
            // the life cycle says why (posted and paid invoices are in the books, rejected ones are closed)
            state::transition(id, before, Event::Reevaluated(InvoiceStatus::AwaitingApproval))?;
        }
        let mut invoice = extraction
            .invoice
            .ok_or_else(|| Error::InvalidData(format!("stored invoice {id} has no canonical form")))?;
        let mut changes = Vec::new();
        for correction in fields {
            let old = repo::field_value(&mut tx, id, &correction.field).await?;
            let new = corrections::apply(&mut invoice, correction)?;
            if old.as_deref() == Some(new.as_str()) {
                continue;
            }
            repo::insert_correction(
                &mut tx,
                id,
                &correction.field,
                old.as_deref(),
                &new,
                &person.name,
                &at,
            )
            .await?;
            let detail = serde_json::json!({ "field": correction.field, "old": old, "new": new });
            audit::append(
                &mut tx,
                NewEntry::invoice(&person.name, Action::FieldCorrected, id, detail),
                now,
            )
            .await?;
            changes.push(FieldChange {
                field: correction.field.clone(),
                old,
                new,
            });
        }
        if changes.is_empty() {
            return Err(Error::Usage(format!(
                "invoice {id} already has these values; nothing was corrected"
            )));
        }
        let had_approvals = match repo::current_decision(&mut tx, id).await? {
            Some((decision_id, _)) => !repo::given(&mut tx, decision_id).await?.is_empty(),
            None => false,
        };
        repo::rewrite_invoice(&mut tx, id, &invoice, &at).await?;
        let decision = self
            .redecide_in(&mut tx, id, &person.name, "corrected", now)
            .await?;
        self.after_correction(&mut tx, id, &changes).await?;
        tx.commit()
            .await
            .map_err(Error::database(format!("record the correction of invoice {id}")))?;
        self.publish(CoreEvent::InvoicesChanged);

        let status = decision.status;
        let approval_reopened = (before == InvoiceStatus::Approved && status != InvoiceStatus::Approved)
            || (had_approvals && status == InvoiceStatus::AwaitingApproval);
        let names: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        let mut message = format!(
            "invoice {id}: corrected {} by {}; now {status}",
            names.join(", "),
            person.name
        );
        if approval_reopened {
            message.push_str(&format!(
                " — it was {before}{}; the change re-opens approval and earlier approvals no longer count",
                if had_approvals {
                    " with approvals given"
                } else {
                    ""
                }
            ));
        }
        Ok(CorrectionReport {
            invoice_id: id,
            changes,
            status_before: before,
            status,
            reasons: decision
                .reasons
                .iter()
                .map(|r| r.code.as_str().to_owned())
                .collect(),
            approval_reopened,
            message,
        })
    }

    /// MERGE HOOK (extraction: learn the vendor layout from a correction). Called once per correction, inside
    /// its transaction, with the fields that changed; the lead connects it to `api::extraction` at merge.
    async fn after_correction(
        &self,
        _conn: &mut SqliteConnection,
        _id: InvoiceId,
        _changes: &[FieldChange],
    ) -> Result<()> {
        Ok(())
    }

    /// Approves the current step of invoice `id` as `who`.
    pub async fn approve_invoice(
        &self,
        id: InvoiceId,
        who: &str,
        comment: Option<&str>,
    ) -> Result<ApprovalReport> {
        self.approve_invoice_at(id, who, comment, Utc::now()).await
    }

    /// [`Self::approve_invoice`] at `now` (the date decides which delegations are in force).
    pub async fn approve_invoice_at(
        &self,
        id: InvoiceId,
        who: &str,
        comment: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<ApprovalReport> {
        let policy = self.policy()?;
        let mut tx = self.store().begin("approve an invoice").await?;
        let person = person_named(&mut tx, who).await?;
        let (extraction, status) = store::decisions::stored_extraction(&mut tx, id).await?;
        state::transition(id, status, Event::Approved)?;
        if let Some((by, why, _)) = repo::hold_of(&mut tx, id).await? {
            return Err(Error::Usage(format!(
                "invoice {id} is on hold ({by}: {why}); release it before approving"
            )));
        }
        let (decision_id, steps) = repo::current_decision(&mut tx, id)
            .await?
            .ok_or_else(|| Error::InvalidData(format!("invoice {id} awaits approval but has no decision")))?;
        let given = repo::given(&mut tx, decision_id).await?;
        let people = store::people::list(&mut tx).await?;
        let corrected_by = repo::correctors(&mut tx, id).await?;
        let uploaded_by = repo::uploader(&mut tx, id).await?.filter(|u| u != audit::SYSTEM);
        let gross = extraction.invoice.and_then(|i| i.totals.tax_inclusive);
        let granted = approvals::check(
            &approvals::Context {
                invoice: id,
                gross,
                steps: &steps,
                given: &given,
                people: &people,
                corrected_by: &corrected_by,
                uploaded_by: uploaded_by.as_deref(),
                own_upload_threshold: policy.straight_through.below,
                separation_of_duties: policy.separation_of_duties,
                delegations: &policy.delegations,
                today: now.date_naive(),
            },
            &person.name,
        )?;
        let approval = GivenApproval {
            step_order: granted.step_order,
            person: person.name.clone(),
            acting_for: granted.acting_for.clone(),
            comment: comment
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
            at: timestamp(now),
        };
        repo::insert_approval(&mut tx, id, decision_id, &approval).await?;
        let entry_detail = serde_json::json!({
            "step": granted.step_order, "acting_for": granted.acting_for, "comment": approval.comment,
            "decision_id": decision_id,
        });
        audit::append(
            &mut tx,
            NewEntry::invoice(&person.name, Action::Approved, id, entry_detail),
            now,
        )
        .await?;
        let mut status_after = status;
        if granted.completes {
            status_after = InvoiceStatus::Approved;
            repo::set_status(&mut tx, id, status_after, &timestamp(now)).await?;
            audit::record_status_change(
                &mut tx,
                id,
                &person.name,
                status,
                status_after,
                "all approval steps approved",
                now,
            )
            .await?;
        }
        tx.commit()
            .await
            .map_err(Error::database(format!("record the approval of invoice {id}")))?;
        self.publish(CoreEvent::InvoicesChanged);
        let mut after = given;
        after.push(approval);
        Ok(ApprovalReport {
            invoice_id: id,
            step_order: granted.step_order,
            approved_by: person.name,
            acting_for: granted.acting_for,
            status: status_after,
            steps_remaining: steps
                .iter()
                .filter(|s| !approvals::step_complete(s, &after, &people))
                .count(),
        })
    }

    /// Rejects invoice `id` as `who`, with a reason.
    pub async fn reject_invoice(&self, id: InvoiceId, who: &str, reason: &str) -> Result<InvoiceStatus> {
        self.reject_invoice_at(id, who, reason, Utc::now()).await
    }

    /// [`Self::reject_invoice`] at `now`.
    pub async fn reject_invoice_at(
        &self,
        id: InvoiceId,
        who: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<InvoiceStatus> {
        if reason.trim().is_empty() {
            return Err(Error::Usage(format!(
                "say why invoice {id} is rejected: --reason TEXT"
            )));
        }
        let mut tx = self.store().begin("reject an invoice").await?;
        let person = person_named(&mut tx, who).await?;
        let (_, before) = store::decisions::stored_extraction(&mut tx, id).await?;
        let after = state::transition(id, before, Event::Rejected)?;
        repo::set_status(&mut tx, id, after, &timestamp(now)).await?;
        let detail = serde_json::json!({ "reason": reason.trim() });
        audit::append(
            &mut tx,
            NewEntry::invoice(&person.name, Action::Rejected, id, detail),
            now,
        )
        .await?;
        audit::record_status_change(&mut tx, id, &person.name, before, after, reason.trim(), now).await?;
        tx.commit()
            .await
            .map_err(Error::database(format!("record the rejection of invoice {id}")))?;
        self.publish(CoreEvent::InvoicesChanged);
        Ok(after)
    }

    /// Records that an approved invoice was posted (sync calls this with the payload it sent) or that a
    /// posted one was paid.
    pub async fn record_booking_at(
        &self,
        id: InvoiceId,
        event: Event,
        who: &str,
        payload: serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<InvoiceStatus> {
        if !matches!(event, Event::Posted | Event::Paid) {
            return Err(Error::Usage(format!("{} is not a booking event", event.name())));
        }
        let mut tx = self.store().begin("record a booking").await?;
        let (_, before) = store::decisions::stored_extraction(&mut tx, id).await?;
        let after = state::transition(id, before, event)?;
        repo::set_status(&mut tx, id, after, &timestamp(now)).await?;
        if !payload.is_null() {
            audit::append(
                &mut tx,
                NewEntry::invoice(who, Action::SyncPayload, id, payload),
                now,
            )
            .await?;
        }
        audit::record_status_change(&mut tx, id, who, before, after, event.name(), now).await?;
        tx.commit()
            .await
            .map_err(Error::database(format!("record the booking of invoice {id}")))?;
        self.publish(CoreEvent::InvoicesChanged);
        Ok(after)
    }

    /// Puts an open invoice on hold (`Some(reason)`) or releases it (`None`).
    pub async fn hold_invoice_at(
        &self,
        id: InvoiceId,
        who: &str,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.store().begin("hold an invoice").await?;
        let person = person_named(&mut tx, who).await?;
        let (_, status) = store::decisions::stored_extraction(&mut tx, id).await?;
        if !state::is_open(status) {
            return Err(Error::Usage(format!(
                "invoice {id} is {status}: only open invoices can be held"
            )));
        }
        let reason = reason.map(str::trim);
        if reason.is_some_and(str::is_empty) {
            return Err(Error::Usage(format!("say why invoice {id} is put on hold")));
        }
        repo::set_hold(
            &mut tx,
            id,
            reason.map(|r| (person.name.as_str(), r)),
            &timestamp(now),
        )
        .await?;
        let detail = serde_json::json!({ "on_hold": reason.is_some(), "reason": reason });
        audit::append(
            &mut tx,
            NewEntry::invoice(&person.name, Action::Hold, id, detail),
            now,
        )
        .await?;
        tx.commit()
            .await
            .map_err(Error::database(format!("change the hold on invoice {id}")))?;
        self.publish(CoreEvent::InvoicesChanged);
        Ok(())
    }

    /// Makes `owner` responsible for invoice `id` (shown in the exception queue).
    pub async fn assign_invoice_at(
        &self,
        id: InvoiceId,
        owner: &str,
        who: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.store().begin("assign an invoice").await?;
        let owner = person_named(&mut tx, owner).await?;
        let actor = person_named(&mut tx, who).await?;
        store::decisions::stored_extraction(&mut tx, id).await?;
        repo::set_owner(&mut tx, id, &owner.name, &timestamp(now)).await?;
        let detail = serde_json::json!({ "owner": owner.name });
        audit::append(
            &mut tx,
            NewEntry::invoice(&actor.name, Action::Assigned, id, detail),
            now,
        )
        .await?;
        tx.commit()
            .await
            .map_err(Error::database(format!("assign invoice {id}")))?;
        Ok(())
    }

    /// The audit trail and approval state of one invoice, as JSON for its detail view.
    pub(crate) async fn workflow_of(
        &self,
        id: InvoiceId,
    ) -> Result<(Vec<serde_json::Value>, serde_json::Value)> {
        let json = |e: serde_json::Error| {
            Error::InvalidData(format!("could not show the workflow of invoice {id}: {e}"))
        };
        let trail = self
            .audit_trail(Some(id))
            .await?
            .iter()
            .map(serde_json::to_value)
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(json)?;
        let approval = serde_json::to_value(self.approval_state(id).await?).map_err(json)?;
        Ok((trail, approval))
    }

    /// The approval state of one invoice.
    pub async fn approval_state(&self, id: InvoiceId) -> Result<ApprovalState> {
        let mut conn = self.connection().await?;
        let people = store::people::list(&mut conn).await?;
        let on_hold = repo::hold_of(&mut conn, id)
            .await?
            .map(|(by, reason, at)| serde_json::json!({ "by": by, "reason": reason, "since": at }));
        let Some((decision_id, steps)) = repo::current_decision(&mut conn, id).await? else {
            return Ok(ApprovalState {
                decision_id: None,
                steps: Vec::new(),
                current_step: None,
                on_hold,
            });
        };
        let given = repo::given(&mut conn, decision_id).await?;
        let current_step = approvals::current_step(&steps, &given, &people).map(|s| s.order);
        let steps = steps
            .into_iter()
            .map(|step| StepState {
                complete: approvals::step_complete(&step, &given, &people),
                approvals: given
                    .iter()
                    .filter(|g| g.step_order == step.order)
                    .cloned()
                    .collect(),
                step,
            })
            .collect();
        Ok(ApprovalState {
            decision_id: Some(decision_id),
            steps,
            current_step,
            on_hold,
        })
    }

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

    /// Approves, as `who`, the current step of every invoice awaiting approval that is clean (no reasons), not
    /// on hold and that `who` may approve (role, limit, delegation, separation of duties). Each invoice is
    /// its own transaction; the others are listed with why they were left.
    pub async fn approve_clean_under_limit_at(
        &self,
        who: &str,
        comment: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<BulkApproval> {
        person_named(&mut *self.connection().await?, who).await?;
        let mut report = BulkApproval {
            approved: Vec::new(),
            skipped: Vec::new(),
        };
        for invoice in
            store::invoices::list(self.store().pool(), Some(InvoiceStatus::AwaitingApproval)).await?
        {
            if !invoice.reasons.is_empty() {
                let codes: Vec<&str> = invoice.reasons.iter().map(|r| r.code.as_str()).collect();
                report.skipped.push(Skipped {
                    invoice_id: invoice.id,
                    why: format!("not clean: {}", codes.join(", ")),
                });
                continue;
            }
            match self.approve_invoice_at(invoice.id, who, comment, now).await {
                Ok(done) => report.approved.push(done),
                Err(Error::Usage(why)) => report.skipped.push(Skipped {
                    invoice_id: invoice.id,
                    why,
                }),
                Err(other) => return Err(other),
            }
        }
        report.approved.sort_by_key(|a| a.invoice_id.0);
        report.skipped.sort_by_key(|s| s.invoice_id.0);
        Ok(report)
    }

    /// The audit trail, whole or of one invoice, oldest first.
    pub async fn audit_trail(&self, invoice: Option<InvoiceId>) -> Result<Vec<Entry>> {
        store::audit::entries(&mut *self.connection().await?, invoice.map(|i| i.0)).await
    }

    /// Checks the audit trail's hash chain and its recorded head.
    pub async fn verify_audit(&self) -> Result<Verification> {
        let mut conn = self.connection().await?;
        let entries = store::audit::entries(&mut conn, None).await?;
        let head = store::audit::head(&mut conn).await?;
        Ok(audit::verify(&entries, head))
    }

    /// The whole audit trail for an auditor: JSON (an array of entries) or CSV (one row per entry, the
    /// detail as JSON text).
    pub async fn export_audit(&self, format: ExportFormat) -> Result<String> {
        let entries = self.audit_trail(None).await?;
        match format {
            ExportFormat::Json => serde_json::to_string_pretty(&entries)
                .map_err(|e| Error::InvalidData(format!("could not write the audit trail as JSON: {e}"))),
            ExportFormat::Csv => {
                let mut writer = csv::Writer::from_writer(Vec::new());
                let csv_error = |e: csv::Error| {
                    Error::InvalidData(format!("could not write the audit trail as CSV: {e}"))
                };
                writer
                    .write_record([
                        "id",
                        "at",
                        "actor",
                        "action",
                        "invoice_id",
                        "detail",
                        "prev_hash",
                        "hash",
                    ])
                    .map_err(csv_error)?;
                for e in &entries {
                    writer
                        .write_record([
                            e.id.to_string(),
                            e.at.clone(),
                            e.actor.clone(),
                            e.action.clone(),
                            e.invoice_id.map(|i| i.to_string()).unwrap_or_default(),
                            e.detail.to_string(),
                            e.prev_hash.clone(),
                            e.hash.clone(),
                        ])
                        .map_err(csv_error)?;
                }
                let bytes = writer.into_inner().map_err(|e| {
                    Error::InvalidData(format!("could not write the audit trail as CSV: {e}"))
                })?;
                String::from_utf8(bytes)
                    .map_err(|e| Error::InvalidData(format!("the audit CSV is not UTF-8: {e}")))
            }
        }
    }
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
