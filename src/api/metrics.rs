//! `backdesk metrics`: the workflow's numbers as of a given instant, from the audit trail, the per-vendor
//! accuracy view and the approval reminders; the minutes a manual invoice takes come from the settings.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::Workspace;
use crate::error::{Error, Result};
use crate::store;
use crate::workflow::metrics::{self, Metrics, VendorAccuracy};

impl Workspace {
    /// The metrics now.
    pub async fn metrics(&self) -> Result<Metrics> {
        self.metrics_at(Utc::now()).await
    }

    /// The metrics as of `now`.
    pub async fn metrics_at(&self, now: DateTime<Utc>) -> Result<Metrics> {
        let pool = self.store().pool();
        let entries = self.audit_trail(None).await?;
        let rows = sqlx::query("SELECT * FROM report_vendor_accuracy ORDER BY vendor_id")
            .fetch_all(pool)
            .await
            .map_err(Error::database("read the per-vendor accuracy"))?;
        let count = |r: &sqlx::sqlite::SqliteRow, c: &str| usize::try_from(r.get::<i64, _>(c)).unwrap_or(0);
        let vendor_accuracy = rows
            .iter()
            .map(|r| {
                let (fields, corrected) = (count(r, "fields"), count(r, "fields_corrected"));
                VendorAccuracy {
                    vendor_id: r.get("vendor_id"),
                    invoices: count(r, "invoices"),
                    fields,
                    fields_corrected: corrected,
                    accuracy: rust_decimal::Decimal::ONE - metrics::rate(corrected, fields),
                }
            })
            .collect();
        let key = metrics::MINUTES_PER_MANUAL_INVOICE;
        let minutes = match store::settings::get(pool, key).await? {
            None => metrics::DEFAULT_MINUTES_PER_MANUAL_INVOICE,
            Some(text) => text.trim().parse::<i64>().map_err(|_| {
                Error::InvalidData(format!(
                    "setting {key} is '{text}', not a whole number of minutes; set it to e.g. {}",
                    metrics::DEFAULT_MINUTES_PER_MANUAL_INVOICE
                ))
            })?,
        };
        let hourly_cost = match store::settings::get(pool, metrics::HOURLY_COST).await? {
            None => None,
            Some(text) => Some(
                crate::model::money::parse_plain_decimal(text.trim()).map_err(|e| {
                    Error::InvalidData(format!(
                        "setting {} is '{text}': {e}; set it to a plain amount such as 45.00",
                        metrics::HOURLY_COST
                    ))
                })?,
            ),
        };
        let approvals_past_sla = self.approval_reminders_at(now).await?.len();
        Ok(metrics::compute(metrics::Inputs {
            entries: &entries,
            vendor_accuracy,
            approvals_past_sla,
            minutes_per_manual_invoice: minutes,
            hourly_cost,
            now,
        }))
    }
}
