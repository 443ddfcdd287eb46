//! Corrections: a person's FIELD=VALUE changes kept old → new, the invoice decided again (a change after
//! approval re-opens it and says so), and the hook where extraction learns from them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::SqliteConnection;

use super::person_named;
use crate::api::{CoreEvent, Workspace};
use crate::error::{Error, Result};
use crate::model::{InvoiceId, InvoiceStatus};
use crate::store::{self, approvals as repo, timestamp};
use crate::workflow::audit::{self, Action, NewEntry};
use crate::workflow::corrections::{self, Correction};
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

impl Workspace {
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
}
