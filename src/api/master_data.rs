//! Use case: import a master-data CSV file in one transaction (all rows or none).

use std::path::Path;

use super::{CoreEvent, Workspace};
use crate::error::{Error, Result, RowError};
use crate::import::{self, ImportReport, MasterDataKind};
use crate::store::{self, timestamp};
use chrono::Utc;

impl Workspace {
    /// Imports `file` as `kind`: every row is validated, references are checked against what is already on
    /// file, and either every row is upserted or none is.
    pub async fn import_master_data(&self, kind: MasterDataKind, file: &Path) -> Result<ImportReport> {
        let bytes = std::fs::read(file).map_err(|e| Error::io("read", file, e))?;
        let name = file.file_name().map_or_else(
            || file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        self.import_master_data_bytes(kind, &name, &bytes).await
    }

    /// Imports CSV content that did not come from a file on disk (the demo, the app's drop zone).
    pub async fn import_master_data_bytes(
        &self,
        kind: MasterDataKind,
        name: &str,
        bytes: &[u8],
    ) -> Result<ImportReport> {
        let now = timestamp(Utc::now());
        let mut tx = self.store().begin("import").await?;
        let mut changed = 0;
        let (rows, warnings) = match kind {
            MasterDataKind::Vendors => {
                let parsed = import::parse_vendors(name, bytes)?;
                for (_, vendor) in &parsed.rows {
                    if store::vendors::upsert(&mut tx, vendor, &now).await? {
                        changed += 1;
                    }
                }
                (parsed.rows.len(), parsed.warnings)
            }
            MasterDataKind::PurchaseOrders => {
                let parsed = import::parse_purchase_orders(name, bytes)?;
                let mut missing = Vec::new();
                for (line, po) in &parsed.rows {
                    if !store::vendors::exists(&mut tx, po.vendor_id.as_str()).await? {
                        missing.push(RowError {
                            line: *line,
                            column: Some("vendor_id".into()),
                            message: format!(
                                "vendor '{}' is not on file; import it in vendors.csv first",
                                po.vendor_id
                            ),
                        });
                    }
                }
                reject_rows(name, missing)?;
                for (_, po) in &parsed.rows {
                    if store::purchase_orders::upsert(&mut tx, po, &now).await? {
                        changed += 1;
                    }
                }
                (parsed.rows.len(), parsed.warnings)
            }
            MasterDataKind::Receipts => {
                let parsed = import::parse_receipts(name, bytes)?;
                let mut missing = Vec::new();
                for (line, receipt) in &parsed.rows {
                    if !store::purchase_orders::line_exists(
                        &mut tx,
                        receipt.po_number.as_str(),
                        receipt.line_no,
                    )
                    .await?
                    {
                        missing.push(RowError {
                            line: *line,
                            column: Some("po_number".into()),
                            message: format!(
                                "purchase order {} line {} is not on file; import it in purchase_orders.csv first",
                                receipt.po_number, receipt.line_no
                            ),
                        });
                    }
                }
                reject_rows(name, missing)?;
                for (_, receipt) in &parsed.rows {
                    if store::receipts::upsert(&mut tx, receipt, &now).await? {
                        changed += 1;
                    }
                }
                (parsed.rows.len(), parsed.warnings)
            }
            MasterDataKind::Accounts => {
                let parsed = import::parse_accounts(name, bytes)?;
                for (_, account) in &parsed.rows {
                    if store::accounts::upsert(&mut tx, account, &now).await? {
                        changed += 1;
                    }
                }
                (parsed.rows.len(), parsed.warnings)
            }
        };
        tx.commit()
            .await
            .map_err(Error::database(format!("commit the import of {name}")))?;
        self.publish(CoreEvent::MasterDataChanged);
        Ok(ImportReport {
            file: name.to_owned(),
            kind,
            rows,
            changed,
            warnings,
        })
    }
}

fn reject_rows(file: &str, rows: Vec<RowError>) -> Result<()> {
    if rows.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidRows {
            file: file.to_owned(),
            rows,
        })
    }
}
