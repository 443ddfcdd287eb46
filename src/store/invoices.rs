//! Invoice repository: the invoice row, its reasons and its per-field provenance.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::error::{Error, Result};
use crate::model::extraction::{Extraction, FieldValue};
use crate::model::money::decimal_text;
use crate::model::{DocumentId, Invoice, InvoiceId, InvoiceStatus, Reason, VendorId};

/// A reason as stored and shown: `{code, message, detail}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonRecord {
    pub code: String,
    pub message: String,
    pub detail: serde_json::Value,
}

/// An invoice as listed by `backdesk invoices --json` (contracts/cli.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvoiceSummary {
    pub id: InvoiceId,
    pub document_sha256: String,
    pub status: InvoiceStatus,
    pub document_type: String,
    pub reasons: Vec<ReasonRecord>,
    pub vendor_id: Option<VendorId>,
    /// The vendor's name on file, or the seller's name as stated when no vendor matched.
    pub vendor_name: Option<String>,
    pub invoice_number: Option<String>,
    pub issue_date: Option<String>,
    pub due_date: Option<String>,
    pub currency: Option<String>,
    pub total_net: Option<String>,
    pub total_tax: Option<String>,
    pub total_gross: Option<String>,
    pub purchase_order_reference: Option<String>,
    /// Lowest required-field confidence.
    pub confidence: Option<f64>,
    /// Approval steps still to be taken (filled in by the workflow).
    pub approval_steps: Vec<serde_json::Value>,
}

/// A stored field with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldRecord {
    pub value: String,
    pub confidence: f64,
    pub method: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[f64; 4]>,
}

/// One invoice in full (`backdesk invoice ID --json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvoiceDetail {
    #[serde(flatten)]
    pub summary: InvoiceSummary,
    pub source_path: String,
    pub extraction_method: String,
    pub fields: BTreeMap<String, FieldRecord>,
    pub invoice: Invoice,
    /// PO/receipt matches (filled in by the decisions work).
    pub matches: Vec<serde_json::Value>,
    /// Decision trace (filled in by the decisions work).
    pub decisions: Vec<serde_json::Value>,
    /// Audit entries (filled in by the workflow work).
    pub audit_trail: Vec<serde_json::Value>,
    /// Approval steps with their approvals, and any hold (filled in by the workflow work).
    pub approval: serde_json::Value,
    /// Non-blocking EN 16931 warnings found when the e-invoice was read (`ID: official message`).
    pub rule_warnings: Vec<String>,
}

/// What is recorded for a new invoice.
#[derive(Debug)]
pub struct NewInvoice<'a> {
    pub document_id: DocumentId,
    pub status: InvoiceStatus,
    pub extraction: &'a Extraction,
    pub invoice: &'a Invoice,
    pub vendor_id: Option<&'a VendorId>,
    pub reasons: &'a [Reason],
}

/// Records an invoice with its reasons and fields.
pub async fn insert(conn: &mut SqliteConnection, new: &NewInvoice<'_>, now: &str) -> Result<InvoiceId> {
    let invoice = new.invoice;
    let canonical = serde_json::to_string(invoice)
        .map_err(|e| Error::InvalidData(format!("could not serialise the invoice: {e}")))?;
    let row = sqlx::query(
        "INSERT INTO invoices (document_id, status, document_type, extraction_method, vendor_id, invoice_number,
             type_code, issue_date, due_date, currency, total_net, total_tax, total_gross, amount_due,
             purchase_order_reference, seller_name, seller_vat_id, buyer_name, buyer_reference, iban,
             confidence, canonical, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(new.document_id.0)
    .bind(new.status.as_str())
    .bind(match invoice.document_type {
        crate::model::DocumentType::Invoice => "invoice",
        crate::model::DocumentType::CreditNote => "credit_note",
    })
    .bind(new.extraction.method.as_str())
    .bind(new.vendor_id.map(|v| v.as_str().to_owned()))
    .bind(&invoice.number)
    .bind(&invoice.type_code)
    .bind(invoice.issue_date.map(|d| d.to_string()))
    .bind(invoice.due_date.map(|d| d.to_string()))
    .bind(invoice.currency.as_ref().map(|c| c.code().to_owned()))
    .bind(invoice.totals.tax_exclusive.as_ref().map(decimal_text))
    .bind(invoice.totals.tax_total.as_ref().map(decimal_text))
    .bind(invoice.totals.tax_inclusive.as_ref().map(decimal_text))
    .bind(invoice.totals.amount_due.as_ref().map(decimal_text))
    .bind(&invoice.purchase_order_reference)
    .bind(&invoice.seller.name)
    .bind(&invoice.seller.vat_id)
    .bind(&invoice.buyer.name)
    .bind(&invoice.buyer_reference)
    .bind(invoice.payee_account())
    .bind(new.extraction.required_confidence())
    .bind(canonical)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(Error::database("record an invoice"))?;
    let id = InvoiceId(row.get("id"));

    for (seq, reason) in new.reasons.iter().enumerate() {
        sqlx::query(
            "INSERT INTO invoice_reasons (invoice_id, seq, code, message, detail) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(id.0)
        .bind(i64::try_from(seq).unwrap_or(i64::MAX))
        .bind(reason.code.as_str())
        .bind(&reason.message)
        .bind(reason.detail.to_string())
        .execute(&mut *conn)
        .await
        .map_err(Error::database(format!("record the reasons of invoice {id}")))?;
    }
    for (name, field) in &new.extraction.fields {
        insert_field(conn, id, name, field, new.extraction.method.as_str()).await?;
    }
    if !new.extraction.findings.is_empty() || !new.extraction.warnings.is_empty() {
        let as_json = |value: serde_json::Result<String>| {
            value.map_err(|e| Error::InvalidData(format!("could not serialise what reading found: {e}")))
        };
        sqlx::query("UPDATE invoices SET reader_findings = ?, reader_warnings = ? WHERE id = ?")
            .bind(as_json(serde_json::to_string(&new.extraction.findings))?)
            .bind(as_json(serde_json::to_string(&new.extraction.warnings))?)
            .bind(id.0)
            .execute(&mut *conn)
            .await
            .map_err(Error::database(format!("record what reading invoice {id} found")))?;
    }
    Ok(id)
}

async fn insert_field(
    conn: &mut SqliteConnection,
    id: InvoiceId,
    name: &str,
    field: &FieldValue,
    method: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO invoice_fields (invoice_id, field, value, confidence, method, page, bbox)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.0)
    .bind(name)
    .bind(&field.value)
    .bind(field.confidence)
    .bind(method)
    .bind(field.page.map(i64::from))
    .bind(field.bbox.map(|b| serde_json::json!(b).to_string()))
    .execute(conn)
    .await
    .map_err(Error::database(format!("record field {name} of invoice {id}")))?;
    Ok(())
}

const SUMMARY_SELECT: &str = "SELECT i.*, d.sha256 AS document_sha256, d.path AS source_path,
        COALESCE(v.name, i.seller_name) AS vendor_name
    FROM invoices i
    JOIN documents d ON d.id = i.document_id
    LEFT JOIN vendors v ON v.vendor_id = i.vendor_id";

/// Invoices, newest first, optionally only those in one status.
pub async fn list(pool: &SqlitePool, status: Option<InvoiceStatus>) -> Result<Vec<InvoiceSummary>> {
    let sql = format!("{SUMMARY_SELECT} WHERE (?1 IS NULL OR i.status = ?1) ORDER BY i.id DESC");
    let rows = sqlx::query(&sql)
        .bind(status.map(InvoiceStatus::as_str))
        .fetch_all(pool)
        .await
        .map_err(Error::database("list invoices"))?;
    let mut reasons = reasons_by_invoice(pool, status).await?;
    rows.iter()
        .map(|row| summary_from_row(row, &mut reasons))
        .collect()
}

/// One invoice in full.
pub async fn get(pool: &SqlitePool, id: InvoiceId) -> Result<InvoiceDetail> {
    let sql = format!("{SUMMARY_SELECT} WHERE i.id = ?");
    let row = sqlx::query(&sql)
        .bind(id.0)
        .fetch_optional(pool)
        .await
        .map_err(Error::database(format!("read invoice {id}")))?
        .ok_or_else(|| Error::NotFound {
            what: "invoice",
            id: id.to_string(),
        })?;
    let mut reasons = reasons_of(pool, id).await?;
    let summary = summary_from_row(&row, &mut reasons)?;
    let invoice: Invoice = serde_json::from_str(&row.get::<String, _>("canonical"))
        .map_err(|e| Error::InvalidData(format!("stored invoice {id} cannot be read back: {e}")))?;
    let fields = sqlx::query("SELECT * FROM invoice_fields WHERE invoice_id = ? ORDER BY field")
        .bind(id.0)
        .fetch_all(pool)
        .await
        .map_err(Error::database(format!("read the fields of invoice {id}")))?
        .iter()
        .map(|f| {
            let bbox = f
                .get::<Option<String>, _>("bbox")
                .and_then(|b| serde_json::from_str(&b).ok());
            let record = FieldRecord {
                value: f.get("value"),
                confidence: f.get("confidence"),
                method: f.get("method"),
                page: f
                    .get::<Option<i64>, _>("page")
                    .and_then(|p| u32::try_from(p).ok()),
                bbox,
            };
            (f.get::<String, _>("field"), record)
        })
        .collect();
    let rule_warnings: Vec<String> = sqlx::query_scalar("SELECT reader_warnings FROM invoices WHERE id = ?")
        .bind(id.0)
        .fetch_one(pool)
        .await
        .map_err(Error::database(format!("read the rule warnings of invoice {id}")))
        .and_then(|text: String| {
            serde_json::from_str(&text).map_err(|e| {
                Error::InvalidData(format!(
                    "stored rule warnings of invoice {id} cannot be read back: {e}"
                ))
            })
        })?;
    Ok(InvoiceDetail {
        summary,
        source_path: row.get("source_path"),
        extraction_method: row.get("extraction_method"),
        fields,
        invoice,
        matches: Vec::new(),
        decisions: Vec::new(),
        audit_trail: Vec::new(),
        approval: serde_json::Value::Null,
        rule_warnings,
    })
}

type ReasonsByInvoice = HashMap<i64, Vec<ReasonRecord>>;

async fn reasons_by_invoice(pool: &SqlitePool, status: Option<InvoiceStatus>) -> Result<ReasonsByInvoice> {
    let rows = sqlx::query(
        "SELECT r.* FROM invoice_reasons r JOIN invoices i ON i.id = r.invoice_id
         WHERE (?1 IS NULL OR i.status = ?1) ORDER BY r.invoice_id, r.seq",
    )
    .bind(status.map(InvoiceStatus::as_str))
    .fetch_all(pool)
    .await
    .map_err(Error::database("list invoice reasons"))?;
    Ok(group_reasons(&rows))
}

async fn reasons_of(pool: &SqlitePool, id: InvoiceId) -> Result<ReasonsByInvoice> {
    let rows = sqlx::query("SELECT * FROM invoice_reasons WHERE invoice_id = ? ORDER BY seq")
        .bind(id.0)
        .fetch_all(pool)
        .await
        .map_err(Error::database(format!("read the reasons of invoice {id}")))?;
    Ok(group_reasons(&rows))
}

fn group_reasons(rows: &[SqliteRow]) -> ReasonsByInvoice {
    let mut grouped: ReasonsByInvoice = HashMap::new();
    for row in rows {
        grouped
            .entry(row.get("invoice_id"))
            .or_default()
            .push(ReasonRecord {
                code: row.get("code"),
                message: row.get("message"),
                detail: serde_json::from_str(&row.get::<String, _>("detail"))
                    .unwrap_or(serde_json::Value::Null),
            });
    }
    grouped
}

fn summary_from_row(row: &SqliteRow, reasons: &mut ReasonsByInvoice) -> Result<InvoiceSummary> {
    let id: i64 = row.get("id");
    let status_text: String = row.get("status");
    Ok(InvoiceSummary {
        id: InvoiceId(id),
        document_sha256: row.get("document_sha256"),
        status: status_text.parse().map_err(Error::InvalidData)?,
        document_type: row.get("document_type"),
        reasons: reasons.remove(&id).unwrap_or_default(),
        vendor_id: row.get::<Option<String>, _>("vendor_id").map(VendorId),
        vendor_name: row.get("vendor_name"),
        invoice_number: row.get("invoice_number"),
        issue_date: row.get("issue_date"),
        due_date: row.get("due_date"),
        currency: row.get("currency"),
        total_net: row.get("total_net"),
        total_tax: row.get("total_tax"),
        total_gross: row.get("total_gross"),
        purchase_order_reference: row.get("purchase_order_reference"),
        confidence: row.get("confidence"),
        approval_steps: Vec::new(),
    })
}

/// How many rows there are.
pub async fn count(pool: &SqlitePool) -> Result<usize> {
    super::count_rows(pool, "invoices").await
}
