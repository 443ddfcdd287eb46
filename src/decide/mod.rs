//! Decisions over snapshots — pure functions, no I/O: which vendor an invoice is from, what is missing, and
//! where the invoice goes. (Duplicates, bank details, PO matching and policy routing land with the decisions
//! work; until then a clean invoice always waits for a person's approval, never goes straight through.)

pub mod vendor;

use crate::model::extraction::{Extraction, REQUIRED_FIELDS};
use crate::model::{Invoice, InvoiceStatus, Reason, ReasonCode, Vendor, VendorId};

/// What is known when an invoice is decided.
pub struct Snapshot<'a> {
    pub vendors: &'a [Vendor],
}

/// The decision for one invoice.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub vendor_id: Option<VendorId>,
    pub reasons: Vec<Reason>,
    pub status: InvoiceStatus,
}

/// Decides one extracted invoice against the snapshot.
pub fn decide_invoice(extraction: &Extraction, invoice: &Invoice, snapshot: &Snapshot<'_>) -> Outcome {
    let mut reasons = missing_fields(extraction);
    let resolution = vendor::resolve_vendor(invoice, snapshot.vendors);
    reasons.extend(resolution.reasons);
    let status = if reasons.is_empty() {
        InvoiceStatus::AwaitingApproval
    } else {
        InvoiceStatus::Exception
    };
    Outcome {
        vendor_id: resolution.vendor_id,
        reasons,
        status,
    }
}

fn missing_fields(extraction: &Extraction) -> Vec<Reason> {
    let missing: Vec<&str> = REQUIRED_FIELDS
        .iter()
        .copied()
        .filter(|name| !extraction.fields.contains_key(*name))
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let message = format!(
        "the invoice does not state its {}",
        missing.join(", ").replace('_', " ")
    );
    vec![Reason::new(
        ReasonCode::MissingField,
        message,
        serde_json::json!({ "fields": missing }),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::extraction::ExtractionMethod;
    use crate::model::DocumentType;

    #[test]
    fn an_invoice_without_number_and_total_is_an_exception_naming_both() {
        let invoice = Invoice::empty(DocumentType::Invoice);
        let extraction = Extraction::from_structured("x.xml", ExtractionMethod::Ubl, invoice.clone());
        let outcome = decide_invoice(&extraction, &invoice, &Snapshot { vendors: &[] });
        assert_eq!(outcome.status, InvoiceStatus::Exception);
        let missing = outcome
            .reasons
            .iter()
            .find(|r| r.code == ReasonCode::MissingField)
            .unwrap();
        assert!(missing.message.contains("invoice number"), "{}", missing.message);
        assert!(missing.message.contains("total gross"), "{}", missing.message);
    }
}
