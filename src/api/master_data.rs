//! Use case: import a master-data CSV file in one transaction (all rows or none), or preview what the import
//! would do — the same parsing, checks and upserts in a transaction that is rolled back. A vendors file
//! that changes the IBAN, BIC or account number of a vendor already on file lists each change (masked) in
//! the preview and the report, and the import audits it (`vendor_changed`, origin `import:FILE`).

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;
use sqlx::SqliteConnection;

use super::vendor_records::{field_changes, mask_account};
use super::{CoreEvent, Workspace};
use crate::error::{Error, Result, RowError};
use crate::import::{self, BankChange, ImportReport, MasterDataKind};
use crate::model::{PoNumber, Vendor};
use crate::store::master_counts::{self, MasterTable};
use crate::store::{self, master_records, timestamp};
use crate::workflow::audit::{self, Action, NewEntry};
use chrono::Utc;

/// What importing a file would do, found by running the import and rolling it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MasterDataPreview {
    pub file: String,
    pub kind: MasterDataKind,
    /// Data rows in the file that passed every check (0 when there are errors).
    pub rows: usize,
    /// Rows that would be added.
    pub new: usize,
    /// Rows already on file that would change.
    pub changed: usize,
    /// Every problem with its line and column; the import refuses the whole file while there is one.
    pub errors: Vec<RowError>,
    /// Non-fatal remarks, such as columns the import ignores.
    pub warnings: Vec<String>,
    /// Vendors already on file whose IBAN, BIC or account number the file would change (masked): the
    /// import is allowed, but each new account is to be confirmed by phone before it is paid to.
    pub bank_changes: Vec<BankChange>,
}

/// What the upserts of one file did inside the caller's transaction.
struct Applied {
    rows: usize,
    /// Rows new or different from what was on file.
    changed: usize,
    /// Rows added (a subset of `changed`).
    new: usize,
    warnings: Vec<String>,
    /// The purchase orders a receipts file received goods against.
    received_against: BTreeSet<PoNumber>,
    /// Bank details of vendors already on file that the file changed (each also audited in `tx`).
    bank_changes: Vec<BankChange>,
}

impl Workspace {
    /// Imports `file` as `kind`: every row is validated, references are checked against what is already on
    /// file, and either every row is upserted or none is.
    pub async fn import_master_data(&self, kind: MasterDataKind, file: &Path) -> Result<ImportReport> {
        let (name, bytes) = read_csv(file)?;
        self.import_master_data_bytes(kind, &name, &bytes).await
    }

    /// Imports CSV content that did not come from a file on disk (the demo, the app's drop zone).
    /// After a receipts file, the open invoices waiting on the purchase orders it received against are
    /// decided again.
    pub async fn import_master_data_bytes(
        &self,
        kind: MasterDataKind,
        name: &str,
        bytes: &[u8],
    ) -> Result<ImportReport> {
        let mut tx = self.store().begin("import").await?;
        let applied = apply(&mut tx, kind, name, bytes).await?;
        tx.commit()
            .await
            .map_err(Error::database(format!("commit the import of {name}")))?;
        self.publish(CoreEvent::MasterDataChanged);
        if !applied.received_against.is_empty() {
            self.redecide_waiting_on(&applied.received_against, crate::workflow::audit::SYSTEM)
                .await?;
        }
        Ok(ImportReport {
            file: name.to_owned(),
            kind,
            rows: applied.rows,
            changed: applied.changed,
            warnings: applied.warnings,
            bank_changes: applied.bank_changes,
        })
    }

    /// What importing `file` as `kind` would do — rows new and changed, or every row in error — without
    /// keeping anything: the import itself runs in a transaction that is rolled back.
    pub async fn preview_master_data(&self, kind: MasterDataKind, file: &Path) -> Result<MasterDataPreview> {
        let (name, bytes) = read_csv(file)?;
        self.preview_master_data_bytes(kind, &name, &bytes).await
    }

    /// [`Self::preview_master_data`] of content already in memory.
    pub async fn preview_master_data_bytes(
        &self,
        kind: MasterDataKind,
        name: &str,
        bytes: &[u8],
    ) -> Result<MasterDataPreview> {
        let mut tx = self.store().begin("preview an import").await?;
        let outcome = apply(&mut tx, kind, name, bytes).await;
        tx.rollback()
            .await
            .map_err(Error::database(format!("roll back the preview of {name}")))?;
        let mut preview = MasterDataPreview {
            file: name.to_owned(),
            kind,
            rows: 0,
            new: 0,
            changed: 0,
            errors: Vec::new(),
            warnings: Vec::new(),
            bank_changes: Vec::new(),
        };
        match outcome {
            Ok(applied) => {
                preview.rows = applied.rows;
                preview.new = applied.new;
                preview.changed = applied.changed - applied.new;
                preview.warnings = applied.warnings;
                preview.bank_changes = applied.bank_changes;
            }
            Err(Error::InvalidRows { rows, .. }) => preview.errors = rows,
            Err(other) => return Err(other),
        }
        Ok(preview)
    }
}

fn read_csv(file: &Path) -> Result<(String, Vec<u8>)> {
    let bytes = std::fs::read(file).map_err(|e| Error::io("read", file, e))?;
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok((name, bytes))
}

/// Parses, checks references and upserts every row of one file inside `tx` — the one code path of both
/// the import (which commits) and the preview (which rolls back).
async fn apply(tx: &mut SqliteConnection, kind: MasterDataKind, name: &str, bytes: &[u8]) -> Result<Applied> {
    let at = Utc::now();
    let now = timestamp(at);
    let table = match kind {
        MasterDataKind::Vendors => MasterTable::Vendors,
        MasterDataKind::PurchaseOrders => MasterTable::PurchaseOrderLines,
        MasterDataKind::Receipts => MasterTable::Receipts,
        MasterDataKind::Accounts => MasterTable::Accounts,
    };
    let before = master_counts::count(tx, table).await?;
    let mut changed = 0;
    let mut received_against = BTreeSet::new();
    let mut bank_changes = Vec::new();
    let (rows, warnings) = match kind {
        MasterDataKind::Vendors => {
            let parsed = import::parse_vendors(name, bytes)?;
            for (_, vendor) in &parsed.rows {
                let on_file = master_records::vendor(&mut *tx, &vendor.vendor_id).await?;
                if let Some(old) = on_file {
                    let changes = import::bank_changes(&old, vendor, mask_account);
                    if !changes.is_empty() {
                        audit_bank_change(&mut *tx, &old, vendor, at).await?;
                        bank_changes.extend(changes);
                    }
                }
                if store::vendors::upsert(&mut *tx, vendor, &now).await? {
                    changed += 1;
                }
            }
            (parsed.rows.len(), parsed.warnings)
        }
        MasterDataKind::PurchaseOrders => {
            let parsed = import::parse_purchase_orders(name, bytes)?;
            let mut missing = Vec::new();
            for (line, po) in &parsed.rows {
                if !store::vendors::exists(&mut *tx, po.vendor_id.as_str()).await? {
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
                if store::purchase_orders::upsert(&mut *tx, po, &now).await? {
                    changed += 1;
                }
            }
            (parsed.rows.len(), parsed.warnings)
        }
        MasterDataKind::Receipts => {
            let parsed = import::parse_receipts(name, bytes)?;
            let mut missing = Vec::new();
            for (line, receipt) in &parsed.rows {
                if !store::purchase_orders::line_exists(&mut *tx, receipt.po_number.as_str(), receipt.line_no)
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
                if store::receipts::upsert(&mut *tx, receipt, &now).await? {
                    changed += 1;
                    received_against.insert(receipt.po_number.clone());
                }
            }
            (parsed.rows.len(), parsed.warnings)
        }
        MasterDataKind::Accounts => {
            let parsed = import::parse_accounts(name, bytes)?;
            for (_, account) in &parsed.rows {
                if store::accounts::upsert(&mut *tx, account, &now).await? {
                    changed += 1;
                }
            }
            (parsed.rows.len(), parsed.warnings)
        }
    };
    let after = master_counts::count(tx, table).await?;
    let new = usize::try_from(after.saturating_sub(before)).unwrap_or(usize::MAX);
    Ok(Applied {
        rows,
        changed,
        new: new.min(changed),
        warnings,
        received_against,
        bank_changes,
    })
}

/// Appends the `vendor_changed` entry of an imported row that changes a vendor's bank details: every
/// field old → new (as a hand edit records it), the file it came from, and no call-back.
async fn audit_bank_change(
    tx: &mut SqliteConnection,
    old: &Vendor,
    new: &Vendor,
    at: chrono::DateTime<Utc>,
) -> Result<()> {
    let entry = NewEntry {
        actor: audit::SYSTEM.to_owned(),
        action: Action::VendorChanged,
        invoice_id: None,
        detail: serde_json::json!({
            "vendor_id": new.vendor_id,
            "origin": new.origin.to_text(),
            "changes": field_changes(old, new),
            "call_back": null,
        }),
    };
    audit::append(tx, entry, at).await?;
    Ok(())
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
