//! The audit trail for people and auditors: an invoice's entries, verification of the chain, export to CSV
//! or JSON.

use crate::api::Workspace;
use crate::error::{Error, Result};
use crate::model::InvoiceId;
use crate::store::{self};
use crate::workflow::audit::{self, Entry, Verification};

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

impl Workspace {
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
