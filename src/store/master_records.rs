//! Read queries of the master-data screens: one vendor, invoice counts per vendor, a vendor's recent
//! invoices and the exceptions a vendor change may release, a vendor's change history, and the receipts
//! and matched invoices of one purchase order.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::{Row, SqliteConnection};

use crate::error::{Error, Result};
use crate::model::{InvoiceId, PoNumber, Vendor, VendorId};
use crate::workflow::audit::{Action, Entry};

/// An invoice as a master-data screen lists it (no reasons, no provenance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceBrief {
    pub id: InvoiceId,
    pub status: String,
    pub invoice_number: Option<String>,
    pub issue_date: Option<String>,
    pub currency: Option<String>,
    /// Decimal text.
    pub total_gross: Option<String>,
}

/// A goods receipt line of one purchase order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptBrief {
    pub receipt_id: String,
    pub line_no: u32,
    /// Decimal text.
    pub quantity_received: String,
    pub received_date: String,
    /// `import:FILE`, `sync:NAME` or `manual:WHO`.
    pub origin: String,
}

/// The vendor with this id, if on file.
pub async fn vendor(conn: &mut SqliteConnection, vendor_id: &VendorId) -> Result<Option<Vendor>> {
    let row = sqlx::query("SELECT * FROM vendors WHERE vendor_id = ?")
        .bind(vendor_id.as_str())
        .fetch_optional(conn)
        .await
        .map_err(Error::database(format!("read vendor {vendor_id}")))?;
    row.as_ref().map(super::vendors::vendor_from_row).transpose()
}

/// How many invoices each vendor has (vendors without invoices are absent).
pub async fn invoice_counts(conn: &mut SqliteConnection) -> Result<HashMap<VendorId, u64>> {
    let rows = sqlx::query(
        "SELECT vendor_id, COUNT(*) AS n FROM invoices WHERE vendor_id IS NOT NULL GROUP BY vendor_id",
    )
    .fetch_all(conn)
    .await
    .map_err(Error::database("count the invoices of each vendor"))?;
    Ok(rows
        .iter()
        .map(|r| {
            let n = u64::try_from(r.get::<i64, _>("n")).unwrap_or(0);
            (VendorId(r.get("vendor_id")), n)
        })
        .collect())
}

/// This vendor's latest `limit` invoices, newest first.
pub async fn recent_invoices(
    conn: &mut SqliteConnection,
    vendor_id: &VendorId,
    limit: u32,
) -> Result<Vec<InvoiceBrief>> {
    let rows = sqlx::query(
        "SELECT id, status, invoice_number, issue_date, currency, total_gross FROM invoices
         WHERE vendor_id = ? ORDER BY id DESC LIMIT ?",
    )
    .bind(vendor_id.as_str())
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await
    .map_err(Error::database(format!(
        "list the invoices of vendor {vendor_id}"
    )))?;
    Ok(rows.iter().map(brief_from_row).collect())
}

/// What an invoice in `exception` with no vendor states about its seller, to tell whether a vendor change
/// may resolve it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnresolvedSeller {
    pub id: InvoiceId,
    pub vat_id: Option<String>,
    pub iban: Option<String>,
    pub name: Option<String>,
}

/// Invoices in `exception` resolved to this vendor, oldest first.
pub async fn exceptions_of_vendor(
    conn: &mut SqliteConnection,
    vendor_id: &VendorId,
) -> Result<Vec<InvoiceId>> {
    let rows =
        sqlx::query("SELECT id FROM invoices WHERE status = 'exception' AND vendor_id = ? ORDER BY id")
            .bind(vendor_id.as_str())
            .fetch_all(conn)
            .await
            .map_err(Error::database(format!(
                "find the invoices in exception for vendor {vendor_id}"
            )))?;
    Ok(rows.iter().map(|r| InvoiceId(r.get("id"))).collect())
}

/// Invoices in `exception` with no vendor, oldest first, with what they state about the seller.
pub async fn unresolved_exceptions(conn: &mut SqliteConnection) -> Result<Vec<UnresolvedSeller>> {
    let rows = sqlx::query(
        "SELECT id, seller_vat_id, iban, seller_name FROM invoices
         WHERE status = 'exception' AND vendor_id IS NULL ORDER BY id",
    )
    .fetch_all(conn)
    .await
    .map_err(Error::database("find the invoices in exception without a vendor"))?;
    Ok(rows
        .iter()
        .map(|r| UnresolvedSeller {
            id: InvoiceId(r.get("id")),
            vat_id: r.get("seller_vat_id"),
            iban: r.get("iban"),
            name: r.get("seller_name"),
        })
        .collect())
}

/// The audit entries recording changes to this vendor, oldest first.
pub async fn vendor_history(conn: &mut SqliteConnection, vendor_id: &VendorId) -> Result<Vec<Entry>> {
    super::audit::entries_about(
        conn,
        Action::VendorChanged.as_str(),
        "vendor_id",
        vendor_id.as_str(),
    )
    .await
}

/// Every receipt line of this purchase order, by date, receipt and line.
pub async fn receipts_of(conn: &mut SqliteConnection, po: &PoNumber) -> Result<Vec<ReceiptBrief>> {
    let rows = sqlx::query(
        "SELECT receipt_id, line_no, quantity_received, received_date, origin FROM receipts
         WHERE po_number = ? ORDER BY received_date, receipt_id, line_no",
    )
    .bind(po.as_str())
    .fetch_all(conn)
    .await
    .map_err(Error::database(format!(
        "list the receipts of purchase order {po}"
    )))?;
    Ok(rows
        .iter()
        .map(|r| ReceiptBrief {
            receipt_id: r.get("receipt_id"),
            line_no: u32::try_from(r.get::<i64, _>("line_no")).unwrap_or_default(),
            quantity_received: r.get("quantity_received"),
            received_date: r.get("received_date"),
            origin: r.get("origin"),
        })
        .collect())
}

/// The invoices matched against (or referring to) this purchase order, newest first.
pub async fn invoices_on(conn: &mut SqliteConnection, po: &PoNumber) -> Result<Vec<InvoiceBrief>> {
    let rows = sqlx::query(
        "SELECT id, status, invoice_number, issue_date, currency, total_gross FROM invoices i
         WHERE i.purchase_order_reference = ?1
            OR EXISTS (SELECT 1 FROM invoice_matches m WHERE m.invoice_id = i.id AND m.po_number = ?1)
         ORDER BY id DESC",
    )
    .bind(po.as_str())
    .fetch_all(conn)
    .await
    .map_err(Error::database(format!(
        "list the invoices on purchase order {po}"
    )))?;
    Ok(rows.iter().map(brief_from_row).collect())
}

fn brief_from_row(r: &sqlx::sqlite::SqliteRow) -> InvoiceBrief {
    InvoiceBrief {
        id: InvoiceId(r.get("id")),
        status: r.get("status"),
        invoice_number: r.get("invoice_number"),
        issue_date: r.get("issue_date"),
        currency: r.get("currency"),
        total_gross: r.get("total_gross"),
    }
}
