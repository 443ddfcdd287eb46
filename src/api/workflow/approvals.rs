//! Approvals: approve the current step (role, limit, delegation, separation of duties checked in
//! `workflow::approvals`), bulk approval of clean invoices under one's limit, and an invoice's approval state.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::person_named;
use crate::api::{CoreEvent, Workspace};
use crate::error::{Error, Result};
use crate::model::{InvoiceId, InvoiceStatus};
use crate::policy::routing::ApprovalStep;
use crate::store::{self, approvals as repo, timestamp};
use crate::workflow::approvals::{self, GivenApproval};
use crate::workflow::audit::{self, Action, NewEntry};
use crate::workflow::state::{self, Event};

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

impl Workspace {
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
}
