//! The workflow's rows besides the audit trail: approvals of an invoice's current decision, field
//! corrections, holds and owners, and rewriting an invoice after a correction.

use sqlx::{Row, SqliteConnection};

use crate::error::{Error, Result};
use crate::model::money::decimal_text;
use crate::model::{Invoice, InvoiceId};
use crate::policy::routing::ApprovalStep;
use crate::workflow::approvals::GivenApproval;

/// The latest decision of an invoice: its id and approval steps.
pub async fn current_decision(
    conn: &mut SqliteConnection,
    id: InvoiceId,
) -> Result<Option<(i64, Vec<ApprovalStep>)>> {
    let row = sqlx::query(
        "SELECT id, approval_steps FROM invoice_decisions WHERE invoice_id = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(id.0)
    .fetch_optional(conn)
    .await
    .map_err(Error::database(format!("read the decision of invoice {id}")))?;
    row.map(|r| {
        let steps = serde_json::from_str(&r.get::<String, _>("approval_steps")).map_err(|e| {
            Error::InvalidData(format!(
                "the approval steps of invoice {id} cannot be read back: {e}"
            ))
        })?;
        Ok((r.get("id"), steps))
    })
    .transpose()
}

/// The approvals given for one decision, oldest first.
pub async fn given(conn: &mut SqliteConnection, decision_id: i64) -> Result<Vec<GivenApproval>> {
    let rows = sqlx::query("SELECT * FROM approval_actions WHERE decision_id = ? ORDER BY id")
        .bind(decision_id)
        .fetch_all(conn)
        .await
        .map_err(Error::database("read the approvals"))?;
    Ok(rows
        .iter()
        .map(|r| GivenApproval {
            step_order: u32::try_from(r.get::<i64, _>("step_order")).unwrap_or(0),
            person: r.get("person"),
            acting_for: r.get("acting_for"),
            comment: r.get("comment"),
            at: r.get("acted_at"),
        })
        .collect())
}

/// Records one approval.
pub async fn insert_approval(
    conn: &mut SqliteConnection,
    id: InvoiceId,
    decision_id: i64,
    approval: &GivenApproval,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO approval_actions (invoice_id, decision_id, step_order, person, acting_for, comment, acted_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.0)
    .bind(decision_id)
    .bind(i64::from(approval.step_order))
    .bind(&approval.person)
    .bind(&approval.acting_for)
    .bind(&approval.comment)
    .bind(&approval.at)
    .execute(conn)
    .await
    .map_err(Error::database(format!("record the approval of invoice {id}")))?;
    Ok(())
}

/// Sets an invoice's status.
pub async fn set_status(
    conn: &mut SqliteConnection,
    id: InvoiceId,
    status: crate::model::InvoiceStatus,
    now: &str,
) -> Result<()> {
    sqlx::query("UPDATE invoices SET status = ?, updated_at = ? WHERE id = ?")
        .bind(status.as_str())
        .bind(now)
        .bind(id.0)
        .execute(conn)
        .await
        .map_err(Error::database(format!("set the status of invoice {id}")))?;
    Ok(())
}

/// Who corrected an invoice's data.
pub async fn correctors(conn: &mut SqliteConnection, id: InvoiceId) -> Result<Vec<String>> {
    let rows = sqlx::query("SELECT DISTINCT corrected_by FROM field_corrections WHERE invoice_id = ?")
        .bind(id.0)
        .fetch_all(conn)
        .await
        .map_err(Error::database(format!("read the corrections of invoice {id}")))?;
    Ok(rows.iter().map(|r| r.get("corrected_by")).collect())
}

/// Who uploaded an invoice: the actor of its `received` audit entry.
pub async fn uploader(conn: &mut SqliteConnection, id: InvoiceId) -> Result<Option<String>> {
    let row = sqlx::query(
        "SELECT actor FROM audit_log WHERE invoice_id = ? AND action = 'received' ORDER BY id LIMIT 1",
    )
    .bind(id.0)
    .fetch_optional(conn)
    .await
    .map_err(Error::database(format!("read who uploaded invoice {id}")))?;
    Ok(row.map(|r| r.get("actor")))
}

/// The stored value of one field (none: absent).
pub async fn field_value(conn: &mut SqliteConnection, id: InvoiceId, field: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT value FROM invoice_fields WHERE invoice_id = ? AND field = ?")
        .bind(id.0)
        .bind(field)
        .fetch_optional(conn)
        .await
        .map_err(Error::database(format!("read field {field} of invoice {id}")))?;
    Ok(row.map(|r| r.get("value")))
}

/// Records a correction: the field becomes certain (`manual`), the old and new values are kept.
pub async fn insert_correction(
    conn: &mut SqliteConnection,
    id: InvoiceId,
    field: &str,
    old: Option<&str>,
    new: &str,
    who: &str,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO invoice_fields (invoice_id, field, value, confidence, method) VALUES (?, ?, ?, 1.0, 'manual')
         ON CONFLICT (invoice_id, field) DO UPDATE SET value = excluded.value, confidence = 1.0,
             method = 'manual', page = NULL, bbox = NULL",
    )
    .bind(id.0)
    .bind(field)
    .bind(new)
    .execute(&mut *conn)
    .await
    .map_err(Error::database(format!("correct field {field} of invoice {id}")))?;
    sqlx::query(
        "INSERT INTO field_corrections (invoice_id, field, old_value, new_value, corrected_by, corrected_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(id.0)
    .bind(field)
    .bind(old)
    .bind(new)
    .bind(who)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(Error::database(format!(
        "record the correction of {field} on invoice {id}"
    )))?;
    Ok(())
}

/// Rewrites the invoice's canonical form and the columns read from it after a correction.
pub async fn rewrite_invoice(
    conn: &mut SqliteConnection,
    id: InvoiceId,
    invoice: &Invoice,
    now: &str,
) -> Result<()> {
    let canonical = serde_json::to_string(invoice)
        .map_err(|e| Error::InvalidData(format!("could not serialise invoice {id}: {e}")))?;
    let confidence = sqlx::query(
        "SELECT MIN(confidence) AS c FROM invoice_fields WHERE invoice_id = ?
             AND field IN ('invoice_number', 'issue_date', 'currency', 'total_gross')",
    )
    .bind(id.0)
    .fetch_one(&mut *conn)
    .await
    .map_err(Error::database(format!("read the confidence of invoice {id}")))?
    .get::<Option<f64>, _>("c")
    .unwrap_or(1.0);
    sqlx::query(
        "UPDATE invoices SET document_type = ?, invoice_number = ?, type_code = ?, issue_date = ?, due_date = ?,
             currency = ?, total_net = ?, total_tax = ?, total_gross = ?, amount_due = ?,
             purchase_order_reference = ?, seller_name = ?, seller_vat_id = ?, buyer_name = ?,
             buyer_reference = ?, iban = ?, confidence = ?, canonical = ?, updated_at = ?
         WHERE id = ?",
    )
    .bind(match invoice.document_type {
        crate::model::DocumentType::Invoice => "invoice",
        crate::model::DocumentType::CreditNote => "credit_note",
    })
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
    .bind(confidence)
    .bind(canonical)
    .bind(now)
    .bind(id.0)
    .execute(conn)
    .await
    .map_err(Error::database(format!("rewrite invoice {id} after a correction")))?;
    Ok(())
}

/// Puts an invoice on hold (replacing an earlier hold) or releases it.
pub async fn set_hold(
    conn: &mut SqliteConnection,
    id: InvoiceId,
    hold: Option<(&str, &str)>,
    now: &str,
) -> Result<()> {
    let query = match hold {
        Some((who, why)) => sqlx::query(
            "INSERT INTO invoice_holds (invoice_id, held_by, reason, held_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (invoice_id) DO UPDATE SET held_by = excluded.held_by, reason = excluded.reason,
                 held_at = excluded.held_at",
        )
        .bind(id.0)
        .bind(who)
        .bind(why)
        .bind(now),
        None => sqlx::query("DELETE FROM invoice_holds WHERE invoice_id = ?").bind(id.0),
    };
    query
        .execute(conn)
        .await
        .map_err(Error::database(format!("change the hold on invoice {id}")))?;
    Ok(())
}

/// Whether an invoice is on hold, and why.
pub async fn hold_of(conn: &mut SqliteConnection, id: InvoiceId) -> Result<Option<(String, String, String)>> {
    let row = sqlx::query("SELECT held_by, reason, held_at FROM invoice_holds WHERE invoice_id = ?")
        .bind(id.0)
        .fetch_optional(conn)
        .await
        .map_err(Error::database(format!("read the hold on invoice {id}")))?;
    Ok(row.map(|r| (r.get("held_by"), r.get("reason"), r.get("held_at"))))
}

/// Makes `person` the owner of an invoice.
pub async fn set_owner(conn: &mut SqliteConnection, id: InvoiceId, person: &str, now: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO invoice_owners (invoice_id, person, assigned_at) VALUES (?, ?, ?)
         ON CONFLICT (invoice_id) DO UPDATE SET person = excluded.person, assigned_at = excluded.assigned_at",
    )
    .bind(id.0)
    .bind(person)
    .bind(now)
    .execute(conn)
    .await
    .map_err(Error::database(format!("assign invoice {id}")))?;
    Ok(())
}
