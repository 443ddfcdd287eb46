//! Required fields: absent (`MISSING_FIELD`) or read below the policy's confidence (`LOW_CONFIDENCE`).

use crate::model::extraction::{Extraction, REQUIRED_FIELDS};
use crate::model::{Reason, ReasonCode};
use crate::policy::Policy;

/// `MISSING_FIELD` naming every required field the document does not state (the vendor counts as stated
/// when the seller has a name or a tax id).
pub fn missing_fields(extraction: &Extraction) -> Vec<Reason> {
    let mut missing: Vec<&str> = REQUIRED_FIELDS
        .iter()
        .copied()
        .filter(|name| !extraction.fields.contains_key(*name))
        .collect();
    if !extraction.fields.contains_key("seller_name") && !extraction.fields.contains_key("seller_vat_id") {
        missing.insert(0, "vendor");
    }
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
        serde_json::json!({ "fields": missing, "rule": "fields.required" }),
    )]
}

/// `LOW_CONFIDENCE` naming each present required field read below its threshold.
pub fn low_confidence(extraction: &Extraction, policy: &Policy) -> Vec<Reason> {
    let low: Vec<serde_json::Value> = REQUIRED_FIELDS
        .iter()
        .filter_map(|name| extraction.fields.get(*name).map(|f| (*name, f)))
        .filter(|(name, f)| f.confidence < policy.confidence_threshold(name))
        .map(|(name, f)| {
            serde_json::json!({
                "field": name, "value": f.value, "confidence": f.confidence,
                "threshold": policy.confidence_threshold(name),
            })
        })
        .collect();
    if low.is_empty() {
        return Vec::new();
    }
    let parts: Vec<String> = low
        .iter()
        .map(|l| {
            format!(
                "{} '{}' at {:.2} (threshold {:.2})",
                l["field"].as_str().unwrap_or_default().replace('_', " "),
                l["value"].as_str().unwrap_or_default(),
                l["confidence"].as_f64().unwrap_or_default(),
                l["threshold"].as_f64().unwrap_or_default()
            )
        })
        .collect();
    vec![Reason::new(
        ReasonCode::LowConfidence,
        format!("read with low confidence: {}", parts.join("; ")),
        serde_json::json!({ "fields": low, "rule": "fields.confidence" }),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::extraction::{ExtractionMethod, FieldValue};
    use crate::model::{DocumentType, Invoice};

    fn complete() -> Extraction {
        let mut invoice = Invoice::empty(DocumentType::Invoice);
        invoice.number = Some("1".into());
        invoice.issue_date = "2026-01-01".parse().ok();
        invoice.currency = "EUR".parse().ok();
        invoice.totals.tax_inclusive = Some(rust_decimal::Decimal::ONE);
        invoice.seller.name = Some("Acme".into());
        Extraction::from_structured("x", ExtractionMethod::Ubl, invoice)
    }

    #[test]
    fn an_invoice_without_number_and_total_names_both() {
        let mut e = complete();
        e.fields.remove("invoice_number");
        e.fields.remove("total_gross");
        let reasons = missing_fields(&e);
        assert!(
            reasons[0].message.contains("invoice number"),
            "{}",
            reasons[0].message
        );
        assert!(
            reasons[0].message.contains("total gross"),
            "{}",
            reasons[0].message
        );
        assert!(missing_fields(&complete()).is_empty());
    }

    #[test]
    fn confidence_exactly_at_the_threshold_passes_and_just_below_does_not() {
        let mut e = complete();
        let at = FieldValue {
            confidence: 0.90,
            ..FieldValue::stated("1.00")
        };
        e.fields.insert("total_gross".into(), at);
        assert!(low_confidence(&e, &Policy::default()).is_empty());
        let below = FieldValue {
            confidence: 0.899,
            ..FieldValue::stated("1.00")
        };
        e.fields.insert("total_gross".into(), below);
        let reasons = low_confidence(&e, &Policy::default());
        assert_eq!(reasons[0].code, ReasonCode::LowConfidence);
        assert_eq!(reasons[0].detail["fields"][0]["field"], "total_gross");
    }

    #[test]
    fn a_per_field_threshold_overrides_the_global_one() {
        let mut policy = Policy::default();
        policy.confidence.fields.insert("total_gross".into(), 0.99);
        let mut e = complete();
        e.fields.insert(
            "total_gross".into(),
            FieldValue {
                confidence: 0.95,
                ..FieldValue::stated("1")
            },
        );
        assert_eq!(low_confidence(&e, &policy).len(), 1);
    }
}
