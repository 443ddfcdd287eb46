//! The canonical invoice the extracted fields describe, so a visually read PDF travels through intake and the
//! decisions like an e-invoice does (with its confidences kept beside it in the extraction).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::model::extraction::FieldValue;
use crate::model::invoice::{CreditTransfer, DocumentType, Invoice, PaymentInstructions};

/// Builds the invoice from extracted fields; values that do not parse are left out.
pub fn from_fields(fields: &BTreeMap<String, FieldValue>, document_type: DocumentType) -> Invoice {
    let text = |name: &str| fields.get(name).map(|f| f.value.clone());
    let date = |name: &str| text(name).and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok());
    let amount = |name: &str| text(name).and_then(|v| v.parse::<Decimal>().ok());
    let mut invoice = Invoice::empty(document_type);
    invoice.number = text("invoice_number");
    invoice.type_code = text("type_code");
    invoice.issue_date = date("issue_date");
    invoice.due_date = date("due_date");
    invoice.currency = text("currency").and_then(|c| c.parse().ok());
    invoice.seller.name = text("seller_name");
    invoice.seller.vat_id = text("seller_vat_id");
    invoice.buyer.name = text("buyer_name");
    invoice.buyer_reference = text("buyer_reference");
    invoice.purchase_order_reference = text("purchase_order_reference");
    invoice.totals.tax_exclusive = amount("total_net");
    invoice.totals.tax_total = amount("total_tax");
    invoice.totals.tax_inclusive = amount("total_gross");
    invoice.totals.amount_due = amount("amount_due");
    if let Some(iban) = text("iban") {
        invoice.payment = Some(PaymentInstructions {
            credit_transfers: vec![CreditTransfer {
                account_id: iban,
                account_name: None,
                provider_id: None,
            }],
            ..PaymentInstructions::default()
        });
    }
    invoice
}
