//! Learning from corrections, measured across the corpora: for each vendor with at least two documents, every
//! field the first document's extraction got wrong is corrected once; the next document of that vendor is then
//! extracted with the learnt layout, and we count how often it gets that field right (against how often it
//! did without the correction).

use std::collections::BTreeMap;

use backdesk::extract::memory::{learn, vendor_key, VendorLayout};
use backdesk::extract::{extract, extract_with_layouts};
use backdesk::formats::pdf_invoice::read_pdf_text;
use backdesk::formats::pdf_text::PdfText;
use backdesk::model::extraction::ExtractionMethod;

use super::extract_scoring::{invoice2data, pdf_visual, same, Case};

fn text_of(case: &Case) -> PdfText {
    read_pdf_text(&std::fs::read(&case.pdf).unwrap()).unwrap()
}

#[test]
fn one_correction_teaches_the_next_document_of_the_vendor() {
    let mut by_vendor: BTreeMap<String, Vec<Case>> = BTreeMap::new();
    for case in pdf_visual().into_iter().chain(invoice2data()) {
        if let Some(vendor) = &case.vendor {
            by_vendor.entry(vendor.to_lowercase()).or_default().push(case);
        }
    }
    let (mut corrected, mut learnable, mut next_scored, mut right_after, mut right_before) = (0, 0, 0, 0, 0);
    let mut rows = Vec::new();
    for (vendor, cases) in &by_vendor {
        // consecutive pairs: each document teaches the one after it
        for pair in cases.windows(2) {
            let (first, next) = (&pair[0], &pair[1]);
            let first_text = text_of(first);
            let first_extraction = extract(&first.name, ExtractionMethod::PdfText, &first_text);
            let Some(key) = vendor_key(&first_extraction) else {
                continue;
            };
            let mut layout = VendorLayout {
                vendor_key: key,
                fields: Vec::new(),
            };
            let mut fields = Vec::new();
            for (field, expected) in &first.fields {
                let Some(expected) = expected else { continue };
                let got = first_extraction.fields.get(field).map(|f| f.value.as_str());
                if got.is_some_and(|g| same(field, expected, g)) {
                    continue;
                }
                corrected += 1;
                if let Some(learnt) = learn(&first_text, field, expected) {
                    learnable += 1;
                    layout.fields.push(learnt);
                    fields.push((field.clone(), expected.clone()));
                }
            }
            if fields.is_empty() {
                continue;
            }
            let next_text = text_of(next);
            let before = extract(&next.name, ExtractionMethod::PdfText, &next_text);
            let after = extract_with_layouts(&next.name, ExtractionMethod::PdfText, &next_text, &[layout]);
            for (field, _) in fields {
                let Some(Some(expected)) = next.fields.get(&field) else {
                    continue;
                };
                next_scored += 1;
                let ok = |e: &backdesk::model::extraction::Extraction| {
                    e.fields
                        .get(&field)
                        .is_some_and(|f| same(&field, expected, &f.value))
                };
                right_before += usize::from(ok(&before));
                right_after += usize::from(ok(&after));
                rows.push(format!(
                    "{vendor}: {field} {} -> {}",
                    if ok(&before) { "right" } else { "wrong" },
                    if ok(&after) { "right" } else { "wrong" }
                ));
            }
        }
    }
    println!("\n## learning from one correction");
    println!(
        "fields corrected on a first document: {corrected}; learnable (value found on the page): {learnable}"
    );
    println!(
        "next document of the vendor right on those fields: {right_after} / {next_scored} after the correction \
         ({right_before} / {next_scored} without it)"
    );
    for row in &rows {
        println!("  {row}");
    }
    assert!(
        next_scored >= 10,
        "too few corrected fields to measure ({next_scored})"
    );
    assert!(
        right_after as f64 >= 0.7 * next_scored as f64 && right_after > right_before,
        "after one correction the next document got {right_after} / {next_scored} right ({right_before} before)"
    );
}
