//! A Factur-X / ZUGFeRD / XRechnung PDF says things twice: in the embedded XML (the data we book) and on the
//! page (what the vendor and any auditor see). This module reads the page visually and compares the invoice
//! number, the issue date and the gross total with the XML; a confident difference becomes the reason
//! `PDF_XML_MISMATCH`, so that the two never silently disagree.
//!
//! Only page values read with a calibrated confidence of at least [`MIN_CONFIDENCE`] are compared: a field
//! the visual reader is unsure of is no evidence of a difference.

use rust_decimal::Decimal;
use serde_json::json;

use super::pdf_text::PdfText;
use crate::extract;
use crate::model::extraction::{Extraction, ExtractionMethod};
use crate::model::{Reason, ReasonCode};

/// The visual reading must be at least this sure of a value for a difference to count.
pub const MIN_CONFIDENCE: f64 = 0.95;

/// Compares what the page shows with the embedded XML's extraction; `None` when they agree (or the page
/// says too little to tell).
pub fn compare(source: &str, text: &PdfText, xml: &Extraction) -> Option<Reason> {
    if text.is_empty() {
        return None;
    }
    let page = extract::extract(source, ExtractionMethod::PdfText, text);
    let mut differences = Vec::new();
    for (field, label) in [
        ("invoice_number", "invoice number"),
        ("issue_date", "issue date"),
        ("total_gross", "gross total"),
    ] {
        let (Some(seen), Some(stated)) = (page.fields.get(field), xml.fields.get(field)) else {
            continue;
        };
        if seen.confidence < MIN_CONFIDENCE || same(field, &seen.value, &stated.value) {
            continue;
        }
        differences.push(json!({
            "field": field,
            "label": label,
            "pdf": seen.value,
            "xml": stated.value,
            "page": seen.page,
            "bbox": seen.bbox,
        }));
    }
    if differences.is_empty() {
        return None;
    }
    let sentences: Vec<String> = differences
        .iter()
        .map(|d| {
            format!(
                "the {} on the page is {} but the XML says {}",
                d["label"].as_str().unwrap_or(""),
                d["pdf"],
                d["xml"]
            )
        })
        .collect();
    Some(Reason::new(
        ReasonCode::PdfXmlMismatch,
        format!(
            "The PDF and its embedded e-invoice disagree: {}. Ask the vendor which is right before paying.",
            sentences.join("; ")
        ),
        json!({ "differences": differences, "min_confidence": MIN_CONFIDENCE }),
    ))
}

/// Whether two readings of a field are the same value: numbers numerically, identifiers without case,
/// spaces or punctuation, dates exactly (both are normalised to `YYYY-MM-DD`).
fn same(field: &str, a: &str, b: &str) -> bool {
    match field {
        "total_gross" => match (a.parse::<Decimal>(), b.parse::<Decimal>()) {
            (Ok(x), Ok(y)) => x.abs() == y.abs(),
            _ => a == b,
        },
        "invoice_number" => key(a) == key(b),
        _ => a == b,
    }
}

fn key(id: &str) -> String {
    id.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_by_value_and_ids_without_punctuation() {
        assert!(same("total_gross", "529.87", "529.870"));
        assert!(!same("total_gross", "529.87", "529.78"));
        assert!(same("invoice_number", "RE-2024 001", "re2024001"));
        assert!(!same("invoice_number", "RE-2024-001", "RE-2024-002"));
        assert!(!same("issue_date", "2024-03-01", "2024-01-03"));
    }
}
