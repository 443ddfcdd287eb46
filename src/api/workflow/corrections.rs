//! Corrections: a person's FIELD=VALUE changes kept old → new, the invoice decided again (a change after
//! approval re-opens it and says so), and extraction learning the vendor's layout from them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{Row, SqliteConnection};

use super::person_named;
use crate::api::{CoreEvent, Workspace};
use crate::error::{Error, Result};
use crate::extract::memory::{self, FieldLayout};
use crate::model::extraction::ExtractionMethod;
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

    /// Extraction learns the vendor's layout from a correction: for an invoice read visually (PDF text or
    /// OCR, not an e-invoice), each corrected field found on its archived original is remembered where it is
    /// printed, so the vendor's next document is read there first. Called once per correction, inside its
    /// transaction, with the fields that changed; a value not printed on the page teaches nothing.
    async fn after_correction(
        &self,
        conn: &mut SqliteConnection,
        id: InvoiceId,
        changes: &[FieldChange],
    ) -> Result<()> {
        let Some(original) = visual_original(conn, id).await? else {
            return Ok(());
        };
        let archive = self.paths().archive.clone();
        let corrected: Vec<(String, String)> =
            changes.iter().map(|c| (c.field.clone(), c.new.clone())).collect();
        let learnt = tokio::task::spawn_blocking(move || {
            let bytes = crate::intake::archive::read_original(&archive, &original.sha256)?;
            learn_from_page(&original.path, &bytes, &corrected)
        })
        .await
        .map_err(|e| Error::InvalidData(format!("learning the layout of invoice {id} stopped: {e}")))??;
        if let Some((vendor_key, layouts)) = learnt {
            for layout in &layouts {
                store::layouts::save(&mut *conn, &vendor_key, layout).await?;
            }
        }
        Ok(())
    }
}

/// The archived original an invoice was read from visually.
struct VisualOriginal {
    path: String,
    sha256: String,
}

/// The invoice's archived original when it was read from a page (PDF text or OCR); `None` for e-invoices.
async fn visual_original(conn: &mut SqliteConnection, id: InvoiceId) -> Result<Option<VisualOriginal>> {
    let row = sqlx::query(
        "SELECT i.extraction_method, d.path, d.sha256 FROM invoices i JOIN documents d ON d.id = i.document_id \
         WHERE i.id = ?",
    )
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await
    .map_err(Error::database(format!("find the original document of invoice {id}")))?;
    let Some(row) = row else {
        return Ok(None);
    };
    let method: String = row.get("extraction_method");
    let visual = matches!(
        serde_json::from_value(serde_json::Value::String(method)),
        Ok(ExtractionMethod::PdfText | ExtractionMethod::Ocr)
    );
    Ok(visual.then(|| VisualOriginal {
        path: row.get("path"),
        sha256: row.get("sha256"),
    }))
}

/// Reads the page again and finds each corrected value on it: the vendor's key and the layouts learnt (none
/// when no value was found, or the vendor is not known from the page or the correction).
fn learn_from_page(
    source: &str,
    bytes: &[u8],
    corrected: &[(String, String)],
) -> Result<Option<(String, Vec<FieldLayout>)>> {
    let (text, method) = crate::api::extraction::page_text(source, bytes)?;
    let extraction = crate::extract::extract(source, method, &text);
    let mut keys = memory::vendor_keys(&extraction);
    // a corrected vendor identity is the key itself
    for (field, value) in corrected {
        match field.as_str() {
            "seller_vat_id" => keys.insert(0, format!("vat:{value}")),
            "iban" => keys.insert(0, format!("iban:{value}")),
            _ => {}
        }
    }
    let Some(vendor_key) = keys.into_iter().next() else {
        return Ok(None);
    };
    let layouts: Vec<FieldLayout> = corrected
        .iter()
        .filter_map(|(field, value)| memory::learn(&text, field, value))
        .collect();
    Ok((!layouts.is_empty()).then_some((vendor_key, layouts)))
}
