//! Decision repository: the evidence a decision needs, loaded by key for one invoice (POs by number with
//! their received and invoiced quantities, this vendor's past invoices, confirmations, overrides, coding
//! history), and the decisions and matches recorded for each invoice.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use sqlx::{Row, SqliteConnection};

use crate::api::decisions::Deciding;
use crate::decide::evidence::{BankConfirmation, DuplicateOverride, PastInvoice, PoLineState, PurchaseOrder};
use crate::decide::Decision;
use crate::error::{Error, Result};
use crate::model::extraction::{Extraction, ExtractionMethod, FieldValue};
use crate::model::master::normalise_identifier;
use crate::model::money::decimal_text;
use crate::model::{
    AccountCode, DocumentType, Invoice, InvoiceId, InvoiceStatus, PoNumber, Reason, ReasonCode, VendorId,
};

/// A master-data table's change counter (bumped by triggers on every insert, update and delete), so a
/// cache built from the table can tell it is stale by reading one row.
pub type Fingerprint = i64;

/// The change counter of `vendors` or `purchase_order_lines`.
pub async fn fingerprint(conn: &mut SqliteConnection, table: &'static str) -> Result<Fingerprint> {
    sqlx::query_scalar("SELECT version FROM table_versions WHERE table_name = ?")
        .bind(table)
        .fetch_one(conn)
        .await
        .map_err(Error::database(format!("check {table} for changes")))
}

/// Every PO number with its vendor (one row per PO, not per line).
pub async fn po_numbers(conn: &mut SqliteConnection) -> Result<Vec<(PoNumber, VendorId)>> {
    let rows = sqlx::query(
        "SELECT po_number, MIN(vendor_id) AS vendor_id FROM purchase_order_lines GROUP BY po_number",
    )
    .fetch_all(conn)
    .await
    .map_err(Error::database("list purchase order numbers"))?;
    Ok(rows
        .iter()
        .map(|r| (PoNumber(r.get("po_number")), VendorId(r.get("vendor_id"))))
        .collect())
}

/// `?first, ?first+1, …` — numbered, because sqlx hands a bare `?` the next argument in its own count
/// and would give it the value of an earlier `?1`.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn decimal(text: &str, what: &str) -> Result<Decimal> {
    text.parse()
        .map_err(|_| Error::InvalidData(format!("stored {what} '{text}' is not a decimal")))
}

/// These POs with every line, the quantity received per line and the quantity invoiced per line by other
/// invoices (only earlier ones when replaying), not counting rejected invoices or duplicates.
pub async fn purchase_orders(
    conn: &mut SqliteConnection,
    numbers: &[PoNumber],
    deciding: Deciding,
) -> Result<Vec<PurchaseOrder>> {
    let (before, exclude) = match deciding {
        Deciding::New => (None, None),
        Deciding::Stored(id) => (None, Some(id.0)),
        Deciding::AsOf(id) => (Some(id.0), None),
    };
    if numbers.is_empty() {
        return Ok(Vec::new());
    }
    let list = placeholders(1, numbers.len());
    let sql = format!("SELECT * FROM purchase_order_lines WHERE po_number IN ({list})");
    let mut query = sqlx::query(&sql);
    for n in numbers {
        query = query.bind(n.as_str());
    }
    let lines = query
        .fetch_all(&mut *conn)
        .await
        .map_err(Error::database("read purchase order lines"))?
        .iter()
        .map(super::purchase_orders::line_from_row)
        .collect::<Result<Vec<_>>>()?;

    let mut received: HashMap<(String, u32), Decimal> = HashMap::new();
    let sql =
        format!("SELECT po_number, line_no, quantity_received FROM receipts WHERE po_number IN ({list})");
    let mut query = sqlx::query(&sql);
    for n in numbers {
        query = query.bind(n.as_str());
    }
    for row in query
        .fetch_all(&mut *conn)
        .await
        .map_err(Error::database("read receipts"))?
    {
        let line_no = u32::try_from(row.get::<i64, _>("line_no")).unwrap_or_default();
        *received.entry((row.get("po_number"), line_no)).or_default() +=
            decimal(&row.get::<String, _>("quantity_received"), "received quantity")?;
    }

    let mut invoiced: HashMap<(String, u32), Decimal> = HashMap::new();
    let sql = format!(
        "SELECT m.po_number, m.po_line_no, m.quantity FROM invoice_matches m JOIN invoices i ON i.id = m.invoice_id
         WHERE (?1 IS NULL OR m.invoice_id < ?1) AND (?2 IS NULL OR m.invoice_id != ?2) AND m.consumes = 1
           AND i.status != 'rejected' AND m.po_number IN ({})",
        placeholders(3, numbers.len())
    );
    let mut query = sqlx::query(&sql).bind(before).bind(exclude);
    for n in numbers {
        query = query.bind(n.as_str());
    }
    for row in query
        .fetch_all(&mut *conn)
        .await
        .map_err(Error::database("read invoiced quantities"))?
    {
        let line_no = u32::try_from(row.get::<i64, _>("po_line_no")).unwrap_or_default();
        *invoiced.entry((row.get("po_number"), line_no)).or_default() +=
            decimal(&row.get::<String, _>("quantity"), "invoiced quantity")?;
    }

    let states = lines
        .into_iter()
        .map(|line| {
            let key = (line.po_number.0.clone(), line.line_no);
            PoLineState {
                received: received.get(&key).copied().unwrap_or_default(),
                invoiced: invoiced.get(&key).copied().unwrap_or_default(),
                line,
            }
        })
        .collect();
    Ok(PurchaseOrder::group(states))
}

/// This vendor's invoices before `before` (all when `None`), newest first.
pub async fn past_invoices(
    conn: &mut SqliteConnection,
    vendor: &VendorId,
    before: Option<InvoiceId>,
) -> Result<Vec<PastInvoice>> {
    let rows = sqlx::query(
        "SELECT id, document_type, invoice_number, issue_date, total_gross, currency, iban, status FROM invoices
         WHERE vendor_id = ?1 AND (?2 IS NULL OR id < ?2) ORDER BY id DESC",
    )
    .bind(vendor.as_str())
    .bind(before.map(|b| b.0))
    .fetch_all(conn)
    .await
    .map_err(Error::database(format!("read the past invoices of vendor {vendor}")))?;
    rows.iter()
        .map(|r| {
            let id = InvoiceId(r.get("id"));
            let corrupt =
                |what: &str| Error::InvalidData(format!("stored invoice {id} has an invalid {what}"));
            Ok(PastInvoice {
                id,
                document_type: if r.get::<String, _>("document_type") == "credit_note" {
                    DocumentType::CreditNote
                } else {
                    DocumentType::Invoice
                },
                number: r.get("invoice_number"),
                issue_date: r
                    .get::<Option<String>, _>("issue_date")
                    .map(|d| d.parse())
                    .transpose()
                    .map_err(|_| corrupt("issue date"))?,
                gross: r
                    .get::<Option<String>, _>("total_gross")
                    .map(|g| g.parse())
                    .transpose()
                    .map_err(|_| corrupt("gross total"))?,
                currency: r.get("currency"),
                account: r
                    .get::<Option<String>, _>("iban")
                    .map(|a| normalise_identifier(&a)),
                status: r
                    .get::<String, _>("status")
                    .parse()
                    .map_err(|_| corrupt("status"))?,
                line_signature: None,
            })
        })
        .collect()
}

/// Fills in the line signature of the past invoices issued on this day (few: a near-identical document has
/// the same issue date), from their stored canonical form.
pub async fn add_line_signatures(
    conn: &mut SqliteConnection,
    past: &mut [PastInvoice],
    issued: chrono::NaiveDate,
) -> Result<()> {
    for p in past.iter_mut().filter(|p| p.issue_date == Some(issued)) {
        let canonical: String = sqlx::query_scalar("SELECT canonical FROM invoices WHERE id = ?")
            .bind(p.id.0)
            .fetch_one(&mut *conn)
            .await
            .map_err(Error::database(format!("read invoice {}", p.id)))?;
        // an invoice stored without a readable canonical form simply has no signature to compare
        p.line_signature = serde_json::from_str::<Invoice>(&canonical)
            .ok()
            .map(|i| crate::decide::duplicates::line_signature(&i));
    }
    Ok(())
}

/// Accounts confirmed out of band for this vendor.
pub async fn bank_confirmations(
    conn: &mut SqliteConnection,
    vendor: &VendorId,
) -> Result<Vec<BankConfirmation>> {
    let rows = sqlx::query("SELECT * FROM bank_confirmations WHERE vendor_id = ? ORDER BY id")
        .bind(vendor.as_str())
        .fetch_all(conn)
        .await
        .map_err(Error::database(format!(
            "read bank confirmations of vendor {vendor}"
        )))?;
    Ok(rows
        .iter()
        .map(|r| BankConfirmation {
            vendor_id: VendorId(r.get("vendor_id")),
            account: r.get("account"),
            confirmed_by: r.get("confirmed_by"),
            method: r.get("method"),
            confirmed_at: r.get("confirmed_at"),
        })
        .collect())
}

/// Records an out-of-band confirmation of a vendor's account.
pub async fn insert_bank_confirmation(
    conn: &mut SqliteConnection,
    confirmation: &BankConfirmation,
    invoice: Option<InvoiceId>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO bank_confirmations (vendor_id, account, confirmed_by, method, confirmed_at, invoice_id)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(confirmation.vendor_id.as_str())
    .bind(&confirmation.account)
    .bind(&confirmation.confirmed_by)
    .bind(&confirmation.method)
    .bind(&confirmation.confirmed_at)
    .bind(invoice.map(|i| i.0))
    .execute(conn)
    .await
    .map_err(Error::database("record a bank confirmation"))?;
    Ok(())
}

/// "Not a duplicate" overrides recorded for this invoice.
pub async fn duplicate_overrides(
    conn: &mut SqliteConnection,
    invoice: InvoiceId,
) -> Result<Vec<DuplicateOverride>> {
    let rows = sqlx::query("SELECT * FROM duplicate_overrides WHERE invoice_id = ? ORDER BY id")
        .bind(invoice.0)
        .fetch_all(conn)
        .await
        .map_err(Error::database(format!(
            "read the duplicate overrides of invoice {invoice}"
        )))?;
    Ok(rows
        .iter()
        .map(|r| DuplicateOverride {
            invoice_id: InvoiceId(r.get("invoice_id")),
            not_duplicate_of: InvoiceId(r.get("not_duplicate_of")),
            decided_by: r.get("decided_by"),
            reason: r.get("reason"),
        })
        .collect())
}

/// Records that a person decided `o.invoice_id` is not a duplicate of `o.not_duplicate_of`.
pub async fn insert_duplicate_override(
    conn: &mut SqliteConnection,
    o: &DuplicateOverride,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO duplicate_overrides (invoice_id, not_duplicate_of, decided_by, reason, decided_at)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(o.invoice_id.0)
    .bind(o.not_duplicate_of.0)
    .bind(&o.decided_by)
    .bind(&o.reason)
    .bind(now)
    .execute(conn)
    .await
    .map_err(Error::database(format!(
        "record the override of invoice {}",
        o.invoice_id
    )))?;
    Ok(())
}

/// Accounts this vendor's approved (or later) non-PO invoices were coded to, newest first (at most 50).
pub async fn coding_history(
    conn: &mut SqliteConnection,
    vendor: &VendorId,
    before: Option<InvoiceId>,
) -> Result<Vec<AccountCode>> {
    let rows = sqlx::query(
        "SELECT d.suggested_account FROM invoice_decisions d JOIN invoices i ON i.id = d.invoice_id
         WHERE d.vendor_id = ?1 AND (?2 IS NULL OR d.invoice_id < ?2) AND d.suggested_account IS NOT NULL
           AND i.status IN ('approved', 'posted', 'paid')
           AND d.id = (SELECT MAX(id) FROM invoice_decisions WHERE invoice_id = d.invoice_id)
         ORDER BY d.invoice_id DESC LIMIT 50",
    )
    .bind(vendor.as_str())
    .bind(before.map(|b| b.0))
    .fetch_all(conn)
    .await
    .map_err(Error::database(format!(
        "read the coding history of vendor {vendor}"
    )))?;
    Ok(rows
        .iter()
        .map(|r| AccountCode(r.get("suggested_account")))
        .collect())
}

fn json_text(value: &impl serde::Serialize, what: &str) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::InvalidData(format!("could not serialise {what}: {e}")))
}

/// Records a decision for an invoice and makes its matches the invoice's current ones.
pub async fn insert_decision(
    conn: &mut SqliteConnection,
    invoice: InvoiceId,
    decision: &Decision,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO invoice_decisions (invoice_id, decided_at, policy_version, outcome, vendor_id,
             purchase_orders, approval_steps, suggested_account, reasons, trace)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(invoice.0)
    .bind(now)
    .bind(&decision.policy_version)
    .bind(decision.outcome())
    .bind(decision.vendor_id.as_ref().map(|v| v.as_str().to_owned()))
    .bind(json_text(&decision.purchase_orders, "purchase orders")?)
    .bind(json_text(&decision.approval_steps, "approval steps")?)
    .bind(
        decision
            .suggested_account
            .as_ref()
            .map(|s| s.account.as_str().to_owned()),
    )
    .bind(json_text(&decision.reasons, "reasons")?)
    .bind(json_text(&decision.trace, "trace")?)
    .execute(&mut *conn)
    .await
    .map_err(Error::database(format!(
        "record the decision on invoice {invoice}"
    )))?;

    sqlx::query("DELETE FROM invoice_matches WHERE invoice_id = ?")
        .bind(invoice.0)
        .execute(&mut *conn)
        .await
        .map_err(Error::database(format!(
            "replace the matches of invoice {invoice}"
        )))?;
    let duplicate = decision
        .reasons
        .iter()
        .any(|r| r.code == ReasonCode::DuplicateInvoice);
    for m in &decision.matches {
        sqlx::query(
            "INSERT INTO invoice_matches (invoice_id, invoice_line_index, invoice_line, po_number, po_line_no,
                 tier, mode, quantity, unit_price, po_unit_price, consumes)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(invoice.0)
        .bind(i64::try_from(m.invoice_line_index).unwrap_or(i64::MAX))
        .bind(&m.invoice_line)
        .bind(m.po_number.as_str())
        .bind(i64::from(m.po_line_no))
        .bind(serde_json::to_value(m.tier).ok().and_then(|v| v.as_str().map(str::to_owned)))
        .bind(serde_json::to_value(m.mode).ok().and_then(|v| v.as_str().map(str::to_owned)))
        .bind(decimal_text(&m.quantity))
        .bind(m.unit_price.as_ref().map(decimal_text))
        .bind(decimal_text(&m.po_unit_price))
        .bind(!duplicate)
        .execute(&mut *conn)
        .await
        .map_err(Error::database(format!("record the matches of invoice {invoice}")))?;
    }
    Ok(())
}

/// Rewrites an invoice's status, vendor and reasons after it was decided again.
pub async fn update_invoice_outcome(
    conn: &mut SqliteConnection,
    invoice: InvoiceId,
    decision: &Decision,
    now: &str,
) -> Result<()> {
    sqlx::query("UPDATE invoices SET status = ?, vendor_id = ?, updated_at = ? WHERE id = ?")
        .bind(decision.status.as_str())
        .bind(decision.vendor_id.as_ref().map(|v| v.as_str().to_owned()))
        .bind(now)
        .bind(invoice.0)
        .execute(&mut *conn)
        .await
        .map_err(Error::database(format!("update invoice {invoice}")))?;
    sqlx::query("DELETE FROM invoice_reasons WHERE invoice_id = ?")
        .bind(invoice.0)
        .execute(&mut *conn)
        .await
        .map_err(Error::database(format!(
            "replace the reasons of invoice {invoice}"
        )))?;
    for (seq, reason) in decision.reasons.iter().enumerate() {
        sqlx::query(
            "INSERT INTO invoice_reasons (invoice_id, seq, code, message, detail) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(invoice.0)
        .bind(i64::try_from(seq).unwrap_or(i64::MAX))
        .bind(reason.code.as_str())
        .bind(&reason.message)
        .bind(reason.detail.to_string())
        .execute(&mut *conn)
        .await
        .map_err(Error::database(format!(
            "record the reasons of invoice {invoice}"
        )))?;
    }
    Ok(())
}

/// A stored invoice as it was extracted: the canonical invoice and the fields with their confidence.
pub async fn stored_extraction(
    conn: &mut SqliteConnection,
    invoice: InvoiceId,
) -> Result<(Extraction, InvoiceStatus)> {
    let row = sqlx::query(
        "SELECT canonical, extraction_method, status, reader_findings, reader_warnings FROM invoices WHERE id = ?",
    )
        .bind(invoice.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(Error::database(format!("read invoice {invoice}")))?
        .ok_or_else(|| Error::NotFound {
            what: "invoice",
            id: invoice.to_string(),
        })?;
    let canonical: Invoice = serde_json::from_str(&row.get::<String, _>("canonical"))
        .map_err(|e| Error::InvalidData(format!("stored invoice {invoice} cannot be read back: {e}")))?;
    let method: ExtractionMethod =
        serde_json::from_value(serde_json::Value::String(row.get("extraction_method"))).map_err(|e| {
            Error::InvalidData(format!(
                "stored invoice {invoice} has an unknown extraction method: {e}"
            ))
        })?;
    let status: InvoiceStatus = row
        .get::<String, _>("status")
        .parse()
        .map_err(Error::InvalidData)?;
    let mut extraction = Extraction::from_structured(format!("invoice {invoice}"), method, canonical);
    let stored_list = |column: &str| {
        Error::InvalidData(format!(
            "stored invoice {invoice} has an unreadable {column} list"
        ))
    };
    extraction.findings = serde_json::from_str(&row.get::<String, _>("reader_findings"))
        .map_err(|_| stored_list("reader_findings"))?;
    extraction.warnings = serde_json::from_str(&row.get::<String, _>("reader_warnings"))
        .map_err(|_| stored_list("reader_warnings"))?;
    // the stored fields carry the confidence they were read with (a PDF or scan is not certain)
    let fields = sqlx::query("SELECT field, value, confidence FROM invoice_fields WHERE invoice_id = ?")
        .bind(invoice.0)
        .fetch_all(&mut *conn)
        .await
        .map_err(Error::database(format!("read the fields of invoice {invoice}")))?;
    if !fields.is_empty() {
        extraction.fields = fields
            .iter()
            .map(|f| {
                let value = FieldValue {
                    confidence: f.get("confidence"),
                    ..FieldValue::stated(f.get::<String, _>("value"))
                };
                (f.get::<String, _>("field"), value)
            })
            .collect::<BTreeMap<_, _>>();
    }
    Ok((extraction, status))
}

/// A recorded decision as shown by `backdesk invoice ID --json`.
pub async fn decisions_of(conn: &mut SqliteConnection, invoice: InvoiceId) -> Result<Vec<serde_json::Value>> {
    let rows = sqlx::query("SELECT * FROM invoice_decisions WHERE invoice_id = ? ORDER BY id")
        .bind(invoice.0)
        .fetch_all(conn)
        .await
        .map_err(Error::database(format!(
            "read the decisions on invoice {invoice}"
        )))?;
    let parse = |text: String| serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    Ok(rows
        .into_iter()
        .map(|r| {
            serde_json::json!({
                "decided_at": r.get::<String, _>("decided_at"),
                "policy_version": r.get::<String, _>("policy_version"),
                "outcome": r.get::<String, _>("outcome"),
                "vendor_id": r.get::<Option<String>, _>("vendor_id"),
                "purchase_orders": parse(r.get("purchase_orders")),
                "approval_steps": parse(r.get("approval_steps")),
                "suggested_account": r.get::<Option<String>, _>("suggested_account"),
                "reasons": parse(r.get("reasons")),
                "trace": parse(r.get("trace")),
            })
        })
        .collect())
}

/// The latest decision's outcome and reason codes for every decided invoice, by invoice id.
pub async fn latest_outcomes(conn: &mut SqliteConnection) -> Result<HashMap<i64, (String, Vec<ReasonCode>)>> {
    let rows = sqlx::query(
        "SELECT d.invoice_id, d.outcome, d.reasons FROM invoice_decisions d
         WHERE d.id = (SELECT MAX(id) FROM invoice_decisions WHERE invoice_id = d.invoice_id)",
    )
    .fetch_all(conn)
    .await
    .map_err(Error::database("read the latest decisions"))?;
    Ok(rows
        .iter()
        .map(|r| {
            let reasons: Vec<Reason> =
                serde_json::from_str(&r.get::<String, _>("reasons")).unwrap_or_default();
            (
                r.get::<i64, _>("invoice_id"),
                (r.get("outcome"), reasons.into_iter().map(|x| x.code).collect()),
            )
        })
        .collect())
}

/// The current matches of an invoice.
pub async fn matches_of(conn: &mut SqliteConnection, invoice: InvoiceId) -> Result<Vec<serde_json::Value>> {
    let rows = sqlx::query("SELECT * FROM invoice_matches WHERE invoice_id = ? ORDER BY invoice_line_index")
        .bind(invoice.0)
        .fetch_all(conn)
        .await
        .map_err(Error::database(format!("read the matches of invoice {invoice}")))?;
    Ok(rows
        .into_iter()
        .map(|r| {
            serde_json::json!({
                "invoice_line": r.get::<String, _>("invoice_line"),
                "po_number": r.get::<String, _>("po_number"),
                "po_line_no": r.get::<i64, _>("po_line_no"),
                "tier": r.get::<String, _>("tier"),
                "mode": r.get::<String, _>("mode"),
                "quantity": r.get::<String, _>("quantity"),
                "unit_price": r.get::<Option<String>, _>("unit_price"),
                "po_unit_price": r.get::<String, _>("po_unit_price"),
                "consumes": r.get::<bool, _>("consumes"),
            })
        })
        .collect())
}

/// Every invoice id, oldest first (for replay).
pub async fn invoice_ids(conn: &mut SqliteConnection) -> Result<Vec<InvoiceId>> {
    let rows = sqlx::query("SELECT id FROM invoices ORDER BY id")
        .fetch_all(conn)
        .await
        .map_err(Error::database("list invoice ids"))?;
    Ok(rows.iter().map(|r| InvoiceId(r.get("id"))).collect())
}

/// The approval steps of each invoice's latest decision, by invoice id (only invoices that have steps).
pub async fn latest_approval_steps(
    conn: &mut SqliteConnection,
) -> Result<HashMap<i64, Vec<serde_json::Value>>> {
    let rows = sqlx::query(
        "SELECT d.invoice_id, d.approval_steps FROM invoice_decisions d
         WHERE d.approval_steps != '[]'
           AND d.id = (SELECT MAX(id) FROM invoice_decisions WHERE invoice_id = d.invoice_id)",
    )
    .fetch_all(conn)
    .await
    .map_err(Error::database("read the approval steps"))?;
    Ok(rows
        .iter()
        .map(|r| {
            let steps = serde_json::from_str(&r.get::<String, _>("approval_steps")).unwrap_or_default();
            (r.get::<i64, _>("invoice_id"), steps)
        })
        .collect())
}

/// Invoices in `exception` matched against (or referring to) one of `po_numbers`, oldest first: the
/// invoices a new goods receipt on those purchase orders may release.
pub async fn exceptions_on_purchase_orders(
    conn: &mut SqliteConnection,
    po_numbers: &[PoNumber],
) -> Result<Vec<InvoiceId>> {
    let mut ids = std::collections::BTreeSet::new();
    for po in po_numbers {
        let rows = sqlx::query(
            "SELECT i.id FROM invoices i
             WHERE i.status = 'exception'
               AND (i.purchase_order_reference = ?1
                    OR EXISTS (SELECT 1 FROM invoice_matches m WHERE m.invoice_id = i.id AND m.po_number = ?1))",
        )
        .bind(po.as_str())
        .fetch_all(&mut *conn)
        .await
        .map_err(Error::database(format!("find the invoices waiting on purchase order {po}")))?;
        ids.extend(rows.iter().map(|r| r.get::<i64, _>("id")));
    }
    Ok(ids.into_iter().map(InvoiceId).collect())
}
