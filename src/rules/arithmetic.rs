//! Arithmetic on the canonical invoice: lines → line total → net → gross → amount due, and the VAT breakdown
//! against the tax total, must add up within rounding. Any source (XML, PDF text, OCR) is checked the same way,
//! so a visually extracted invoice whose figures do not add up goes to a person with `ARITHMETIC_MISMATCH`.
//!
//! Each relation is checked only when every amount it needs is on the invoice: an absent figure is a
//! `MISSING_FIELD` matter, not an arithmetic one.

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::json;

use crate::model::{Invoice, Reason, ReasonCode};

/// How far a stated figure may be from the computed one and still count as rounding (one cent).
pub const ROUNDING_TOLERANCE: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// One relation that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    /// Which relation, in EN 16931 terms (`BT-106 = Σ BT-131`).
    pub relation: &'static str,
    /// What the document states.
    #[serde(with = "rust_decimal::serde::str")]
    pub stated: Decimal,
    /// What the other figures on the document add up to.
    #[serde(with = "rust_decimal::serde::str")]
    pub computed: Decimal,
    /// A sentence for the person checking the invoice.
    pub message: String,
}

/// Checks every relation whose operands are present; an empty list means the figures add up.
pub fn check(invoice: &Invoice) -> Vec<Mismatch> {
    let totals = &invoice.totals;
    let mut found = Vec::new();
    let mut compare = |relation: &'static str, what: &str, stated: Decimal, computed: Decimal| {
        if (stated - computed).abs() > ROUNDING_TOLERANCE {
            found.push(Mismatch {
                relation,
                stated,
                computed,
                message: format!(
                    "{what} is stated as {stated} but the figures on the invoice add up to {computed} \
                     (difference {})",
                    stated - computed
                ),
            });
        }
    };

    let line_amounts: Option<Vec<Decimal>> = invoice.lines.iter().map(|line| line.net_amount).collect();
    if let (Some(stated), Some(amounts)) = (totals.line_net_total, line_amounts) {
        if !amounts.is_empty() {
            compare(
                "BT-106 = Σ BT-131",
                "The sum of the invoice lines",
                stated,
                amounts.iter().sum(),
            );
        }
    }
    if let (Some(lines), Some(net)) = (totals.line_net_total, totals.tax_exclusive) {
        let allowances = totals.allowance_total.unwrap_or_default();
        let charges = totals.charge_total.unwrap_or_default();
        compare(
            "BT-109 = BT-106 − BT-107 + BT-108",
            "The total without VAT",
            net,
            lines - allowances + charges,
        );
    }
    if let (Some(net), Some(tax), Some(gross)) =
        (totals.tax_exclusive, totals.tax_total, totals.tax_inclusive)
    {
        compare("BT-112 = BT-109 + BT-110", "The total with VAT", gross, net + tax);
    }
    if let (Some(tax), false) = (totals.tax_total, invoice.vat_breakdown.is_empty()) {
        compare(
            "BT-110 = Σ BT-117",
            "The VAT total",
            tax,
            invoice.vat_breakdown.iter().map(|b| b.tax_amount).sum(),
        );
    }
    if let (Some(gross), Some(due)) = (totals.tax_inclusive, totals.amount_due) {
        let prepaid = totals.prepaid.unwrap_or_default();
        let rounding = totals.rounding.unwrap_or_default();
        compare(
            "BT-115 = BT-112 − BT-113 + BT-114",
            "The amount due",
            due,
            gross - prepaid + rounding,
        );
    }
    found
}

/// `ARITHMETIC_MISMATCH` naming every relation that does not hold, or `None` when the figures add up.
pub fn reason(invoice: &Invoice) -> Option<Reason> {
    let mismatches = check(invoice);
    if mismatches.is_empty() {
        return None;
    }
    let sentences: Vec<&str> = mismatches.iter().map(|m| m.message.as_str()).collect();
    Some(Reason::new(
        ReasonCode::ArithmeticMismatch,
        format!(
            "{}. Check the figures against the document.",
            sentences.join("; ")
        ),
        json!({ "tolerance": ROUNDING_TOLERANCE.to_string(), "mismatches": mismatches }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::invoice::{DocumentType, InvoiceLine, VatBreakdown};

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn line(amount: Decimal) -> InvoiceLine {
        InvoiceLine {
            net_amount: Some(amount),
            ..InvoiceLine::default()
        }
    }

    /// 2 lines 60 + 40 = 100 net, 19 VAT, 119 gross, 19 paid in advance → 100 due.
    fn consistent() -> Invoice {
        let mut invoice = Invoice::empty(DocumentType::Invoice);
        invoice.lines = vec![line(dec("60.00")), line(dec("40.00"))];
        invoice.totals.line_net_total = Some(dec("100.00"));
        invoice.totals.tax_exclusive = Some(dec("100.00"));
        invoice.totals.tax_total = Some(dec("19.00"));
        invoice.totals.tax_inclusive = Some(dec("119.00"));
        invoice.totals.prepaid = Some(dec("19.00"));
        invoice.totals.amount_due = Some(dec("100.00"));
        invoice.vat_breakdown = vec![VatBreakdown {
            taxable_amount: dec("100.00"),
            tax_amount: dec("19.00"),
            category: "S".into(),
            rate: Some(dec("19")),
            exemption_reason: None,
            exemption_reason_code: None,
        }];
        invoice
    }

    #[test]
    fn figures_that_add_up_raise_nothing() {
        assert_eq!(check(&consistent()), vec![]);
        assert_eq!(reason(&consistent()), None);
    }

    #[test]
    fn one_cent_is_rounding_two_cents_is_a_mismatch() {
        let mut invoice = consistent();
        invoice.totals.tax_inclusive = Some(dec("119.01"));
        invoice.totals.amount_due = Some(dec("100.01"));
        assert_eq!(check(&invoice), vec![]);
        invoice.totals.tax_inclusive = Some(dec("119.02"));
        invoice.totals.amount_due = Some(dec("100.02"));
        let found = check(&invoice);
        // the amount due follows the stated gross, so only the gross is off
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].relation, "BT-112 = BT-109 + BT-110");
        assert_eq!(found[0].computed, dec("119.00"));
    }

    #[test]
    fn each_relation_is_checked() {
        type Breaker = fn(&mut Invoice);
        let cases: [(&str, Breaker); 5] = [
            ("BT-106 = Σ BT-131", |i| {
                i.lines[0].net_amount = Some(dec("61.00"))
            }),
            ("BT-109 = BT-106 − BT-107 + BT-108", |i| {
                i.totals.charge_total = Some(dec("5.00"))
            }),
            ("BT-112 = BT-109 + BT-110", |i| {
                i.totals.tax_total = Some(dec("18.00"))
            }),
            ("BT-110 = Σ BT-117", |i| {
                i.vat_breakdown[0].tax_amount = dec("18.00")
            }),
            ("BT-115 = BT-112 − BT-113 + BT-114", |i| {
                i.totals.rounding = Some(dec("0.50"))
            }),
        ];
        for (relation, break_it) in cases {
            let mut invoice = consistent();
            break_it(&mut invoice);
            let relations: Vec<_> = check(&invoice).iter().map(|m| m.relation).collect();
            assert!(
                relations.contains(&relation),
                "{relation} not found in {relations:?}"
            );
        }
    }

    #[test]
    fn absent_figures_are_not_an_arithmetic_problem() {
        let mut invoice = consistent();
        invoice.lines.push(InvoiceLine::default()); // a line whose amount could not be read
        invoice.totals.tax_inclusive = None;
        assert_eq!(check(&invoice), vec![]);
    }

    #[test]
    fn the_reason_names_what_does_not_add_up() {
        let mut invoice = consistent();
        invoice.totals.tax_exclusive = Some(dec("90.00"));
        invoice.totals.tax_inclusive = Some(dec("109.00"));
        let reason = reason(&invoice).expect("a mismatch");
        assert_eq!(reason.code, ReasonCode::ArithmeticMismatch);
        assert!(
            reason
                .message
                .contains("The total without VAT is stated as 90.00"),
            "{}",
            reason.message
        );
        assert_eq!(reason.detail["mismatches"][0]["computed"], "100.00");
    }
}
