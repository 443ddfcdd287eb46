//! The bill we send for an approved invoice: the Xero `Invoice` (Type ACCPAY) built from the canonical
//! invoice, and the idempotency key derived from the invoice and its original document.

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::error::{Error, Result};
use crate::model::invoice::{DocumentType, Invoice, InvoiceLine};

/// The Xero bill statuses a user may choose for pushed bills (Xero's `Invoice.Status`).
pub const XERO_STATUSES: [&str; 3] = ["DRAFT", "SUBMITTED", "AUTHORISED"];

/// The idempotency key of the job pushing `invoice_id` (whose original has `document_sha256`) to `target`:
/// the same invoice always gets the same key, another invoice never does.
pub fn idempotency_key(target: &str, invoice_id: i64, document_sha256: &str) -> String {
    let short = &document_sha256[..document_sha256.len().min(16)];
    format!("backdesk-{target}-{invoice_id}-{short}")
}

/// The attachment's file name: the invoice number (made safe for a URL path) and an extension for its type.
pub fn attachment_name(invoice_number: &str, media_type: Option<&str>) -> String {
    let extension = match media_type {
        Some(media) if media.contains("pdf") => "pdf",
        Some(media) if media.contains("xml") => "xml",
        _ => "pdf",
    };
    let safe: String = invoice_number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.{extension}")
}

/// What a bill line says it is: the item's name, else its description, else the line's note, else
/// `line N`.
pub fn line_description(line: &InvoiceLine) -> String {
    line.item_name
        .clone()
        .or_else(|| line.item_description.clone())
        .or_else(|| line.note.clone())
        .unwrap_or_else(|| format!("line {}", line.id))
}

fn number(value: Decimal) -> Value {
    // Xero's schema types amounts as JSON numbers; the decimal text is exact up to f64's 15 digits, far
    // beyond an invoice amount's 2–4 decimals.
    serde_json::from_str::<Value>(&value.normalize().to_string()).unwrap_or(Value::Null)
}

/// The Xero `Invoice` object for an approved supplier invoice. `status` is one of [`XERO_STATUSES`].
pub fn xero_bill(invoice: &Invoice, vendor_name: &str, status: &str, invoice_id: i64) -> Result<Value> {
    let refuse =
        |what: &str| Error::InvalidData(format!("invoice {invoice_id} cannot be sent to Xero: {what}"));
    if invoice.document_type == DocumentType::CreditNote {
        return Err(refuse(
            "credit notes are not pushed yet (Xero ACCPAYCREDIT); enter it in Xero by hand",
        ));
    }
    let number_text = invoice
        .number
        .clone()
        .ok_or_else(|| refuse("it has no invoice number"))?;
    let issue = invoice.issue_date.ok_or_else(|| refuse("it has no issue date"))?;
    let mut lines = Vec::new();
    for line in &invoice.lines {
        let mut item = Map::new();
        let description = line_description(line);
        item.insert("Description".into(), json!(description));
        if let Some(quantity) = line.quantity {
            item.insert("Quantity".into(), number(quantity));
        }
        if let Some(price) = line.net_price {
            item.insert("UnitAmount".into(), number(price));
        }
        if let Some(amount) = line.net_amount {
            item.insert("LineAmount".into(), number(amount));
        }
        if let Some(account) = &line.accounting_reference {
            item.insert("AccountCode".into(), json!(account));
        }
        lines.push(Value::Object(item));
    }
    if lines.is_empty() {
        let net = invoice
            .totals
            .tax_exclusive
            .or(invoice.totals.line_net_total)
            .ok_or_else(|| refuse("it has neither lines nor a net total"))?;
        lines.push(json!({"Description": format!("Invoice {number_text}"), "Quantity": 1, "UnitAmount": number(net), "LineAmount": number(net)}));
    }
    let mut bill = Map::new();
    bill.insert("Type".into(), json!("ACCPAY"));
    bill.insert("Contact".into(), json!({"Name": vendor_name}));
    bill.insert("InvoiceNumber".into(), json!(number_text));
    bill.insert("Date".into(), json!(issue.format("%Y-%m-%d").to_string()));
    if let Some(due) = invoice.due_date {
        bill.insert("DueDate".into(), json!(due.format("%Y-%m-%d").to_string()));
    }
    if let Some(currency) = &invoice.currency {
        bill.insert("CurrencyCode".into(), json!(currency.code()));
    }
    bill.insert("Status".into(), json!(status));
    bill.insert("LineAmountTypes".into(), json!("Exclusive"));
    bill.insert("LineItems".into(), Value::Array(lines));
    Ok(Value::Object(bill))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_stable_per_invoice_and_differs_between_invoices_and_targets() {
        let sha = "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12";
        assert_eq!(idempotency_key("xero", 7, sha), idempotency_key("xero", 7, sha));
        assert_ne!(idempotency_key("xero", 7, sha), idempotency_key("xero", 8, sha));
        assert_ne!(idempotency_key("xero", 7, sha), idempotency_key("qbo", 7, sha));
        assert!(
            idempotency_key("xero", 7, sha).len() <= 128,
            "Xero allows 128 characters"
        );
    }

    #[test]
    fn attachment_names_are_safe_in_a_url_path_and_keep_the_type() {
        assert_eq!(
            attachment_name("INV/2026 #4", Some("application/pdf")),
            "INV_2026__4.pdf"
        );
        assert_eq!(attachment_name("A-1", Some("application/xml")), "A-1.xml");
    }
}
