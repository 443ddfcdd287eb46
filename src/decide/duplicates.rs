//! Duplicates: the same vendor and invoice number after normalisation (`DUPLICATE_INVOICE`), or the same
//! vendor and gross amount with issue dates inside the policy window, or a near-identical document — same
//! vendor, issue date and lines under another number, whatever its total says (`POSSIBLE_DUPLICATE`).
//! Recurring invoices (same lines, another month) are not near-identical: their dates differ.

use super::evidence::Evidence;
use super::reference::loose_key;
use crate::model::{Invoice, InvoiceStatus, Reason, ReasonCode};
use crate::policy::Policy;

/// The duplicate reasons for `invoice` against this vendor's past invoices.
pub fn check_duplicates(invoice: &Invoice, evidence: &Evidence, policy: &Policy) -> Vec<Reason> {
    let overridden = |id| {
        evidence
            .duplicate_overrides
            .iter()
            .any(|o| o.not_duplicate_of == id)
    };
    let key = invoice.number.as_deref().and_then(loose_key);
    let same_type = evidence
        .past_invoices
        .iter()
        .filter(|p| p.document_type == invoice.document_type && !overridden(p.id));

    if let Some(key) = &key {
        let exact = same_type
            .clone()
            .find(|p| p.number.as_deref().and_then(loose_key).as_ref() == Some(key));
        if let Some(past) = exact {
            let number = invoice.number.as_deref().unwrap_or_default();
            let theirs = past.number.as_deref().unwrap_or_default();
            return vec![Reason::new(
                ReasonCode::DuplicateInvoice,
                format!(
                    "invoice number {number} is the same as invoice {} ({theirs}, {}) from this vendor once \
                     normalised to {key}",
                    past.id, past.status
                ),
                serde_json::json!({
                    "rule": "duplicates.number", "number": number, "normalised": key,
                    "duplicate_of": past,
                }),
            )];
        }
    }

    let (Some(gross), Some(date)) = (invoice.totals.tax_inclusive, invoice.issue_date) else {
        return Vec::new();
    };
    let window = policy.duplicates.window_days;
    let signature = line_signature(invoice);
    let near_identical = same_type.clone().find(|p| {
        p.issue_date == Some(date)
            && !invoice.lines.is_empty()
            && p.line_signature.as_deref() == Some(&signature)
    });
    let possible = same_type
        .filter(|p| p.status != InvoiceStatus::Rejected)
        .find(|p| {
            p.gross == Some(gross)
                && p.issue_date
                    .is_some_and(|d| (d - date).num_days().abs() <= window)
        });
    if possible.is_none() {
        if let Some(past) = near_identical {
            return vec![Reason::new(
                ReasonCode::PossibleDuplicate,
                format!(
                    "the same issue date {date} and the same {} line(s) as invoice {} ({}, gross {}) from this \
                     vendor, under another number",
                    invoice.lines.len(),
                    past.id,
                    past.number.as_deref().unwrap_or("no number"),
                    past.gross.map(|g| g.to_string()).unwrap_or_default(),
                ),
                serde_json::json!({
                    "rule": "duplicates.near_identical", "gross": gross.to_string(),
                    "possible_duplicate_of": past,
                }),
            )];
        }
    }
    possible
        .map(|past| {
            let days = past
                .issue_date
                .map(|d| (d - date).num_days().abs())
                .unwrap_or_default();
            Reason::new(
                ReasonCode::PossibleDuplicate,
                format!(
                    "same gross {gross} as invoice {} ({}) from this vendor issued {days} day(s) apart \
                     (window {window} days)",
                    past.id,
                    past.number.as_deref().unwrap_or("no number"),
                ),
                serde_json::json!({
                    "rule": "duplicates.window", "gross": gross.to_string(), "days_apart": days,
                    "window_days": window, "possible_duplicate_of": past,
                }),
            )
        })
        .into_iter()
        .collect()
}

/// The lines of an invoice in short — quantity, unit price, net amount and normalised name of each, in
/// order — so two documents with the same lines compare equal whatever their number and date.
pub fn line_signature(invoice: &Invoice) -> String {
    invoice
        .lines
        .iter()
        .map(|l| {
            let name = l
                .item_name
                .as_deref()
                .or(l.item_description.as_deref())
                .unwrap_or_default();
            format!(
                "{}|{}|{}|{}",
                l.quantity.map(|q| q.normalize().to_string()).unwrap_or_default(),
                l.net_price.map(|p| p.normalize().to_string()).unwrap_or_default(),
                l.net_amount
                    .map(|a| a.normalize().to_string())
                    .unwrap_or_default(),
                super::vendor::normalise_name(name)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::evidence::{DuplicateOverride, PastInvoice};
    use crate::model::{DocumentType, InvoiceId};
    use rust_decimal::Decimal;

    fn past(id: i64, number: &str, date: &str, gross: i64) -> PastInvoice {
        PastInvoice {
            id: InvoiceId(id),
            document_type: DocumentType::Invoice,
            number: Some(number.into()),
            issue_date: Some(date.parse().unwrap()),
            gross: Some(Decimal::new(gross, 2)),
            currency: Some("EUR".into()),
            account: None,
            status: InvoiceStatus::Approved,
            line_signature: None,
        }
    }

    fn invoice(number: &str, date: &str, gross: i64) -> Invoice {
        let mut i = Invoice::empty(DocumentType::Invoice);
        i.number = Some(number.into());
        i.issue_date = Some(date.parse().unwrap());
        i.totals.tax_inclusive = Some(Decimal::new(gross, 2));
        i
    }

    fn codes(reasons: &[Reason]) -> Vec<ReasonCode> {
        reasons.iter().map(|r| r.code).collect()
    }

    #[test]
    fn inv_00123_is_a_duplicate_of_123() {
        let evidence = Evidence {
            past_invoices: vec![past(1, "INV-00123", "2026-01-01", 100)],
            ..Evidence::default()
        };
        let reasons = check_duplicates(
            &invoice("inv 123", "2026-03-01", 999),
            &evidence,
            &Policy::default(),
        );
        assert_eq!(codes(&reasons), [ReasonCode::DuplicateInvoice]);
        assert_eq!(reasons[0].detail["duplicate_of"]["id"], 1);
    }

    #[test]
    fn same_gross_seven_days_apart_is_possible_and_eight_is_not() {
        let evidence = Evidence {
            past_invoices: vec![past(1, "A-1", "2026-01-01", 5000)],
            ..Evidence::default()
        };
        let policy = Policy::default();
        let at_window = check_duplicates(&invoice("A-2", "2026-01-08", 5000), &evidence, &policy);
        assert_eq!(codes(&at_window), [ReasonCode::PossibleDuplicate]);
        let beyond = check_duplicates(&invoice("A-2", "2026-01-09", 5000), &evidence, &policy);
        assert!(beyond.is_empty(), "{beyond:?}");
        let other_amount = check_duplicates(&invoice("A-2", "2026-01-02", 5001), &evidence, &policy);
        assert!(other_amount.is_empty());
    }

    #[test]
    fn the_same_lines_on_the_same_day_under_another_number_is_possible_but_next_month_is_recurring() {
        let mut earlier = invoice("A-1", "2026-01-01", 5000);
        earlier.lines = vec![crate::model::InvoiceLine {
            id: "1".into(),
            item_name: Some("Annual licence".into()),
            quantity: Some(Decimal::ONE),
            net_price: Some(Decimal::new(4200, 2)),
            net_amount: Some(Decimal::new(4200, 2)),
            ..Default::default()
        }];
        let mut record = past(1, "A-1", "2026-01-01", 5000);
        record.line_signature = Some(line_signature(&earlier));
        let evidence = Evidence {
            past_invoices: vec![record],
            ..Evidence::default()
        };
        // a copy whose total was misread: another number and gross, same day and lines
        let mut copy = earlier.clone();
        copy.number = Some("B-77".into());
        copy.totals.tax_inclusive = Some(Decimal::new(5800, 2));
        let reasons = check_duplicates(&copy, &evidence, &Policy::default());
        assert_eq!(codes(&reasons), [ReasonCode::PossibleDuplicate]);
        assert_eq!(reasons[0].detail["rule"], "duplicates.near_identical");
        // one line different: not near-identical
        let mut other = copy.clone();
        other.lines[0].item_name = Some("Support hours".into());
        assert!(check_duplicates(&other, &evidence, &Policy::default()).is_empty());
        // the same lines next month: a recurring invoice, not a duplicate
        let mut next_month = copy;
        next_month.issue_date = "2026-02-01".parse().ok();
        assert!(check_duplicates(&next_month, &evidence, &Policy::default()).is_empty());
    }

    #[test]
    fn a_not_a_duplicate_override_silences_the_match_it_names() {
        let evidence = Evidence {
            past_invoices: vec![past(1, "123", "2026-01-01", 100)],
            duplicate_overrides: vec![DuplicateOverride {
                invoice_id: InvoiceId(2),
                not_duplicate_of: InvoiceId(1),
                decided_by: "ann".into(),
                reason: "vendor reuses numbers each year".into(),
            }],
            ..Evidence::default()
        };
        assert!(
            check_duplicates(&invoice("123", "2027-01-01", 100), &evidence, &Policy::default()).is_empty()
        );
    }
}
