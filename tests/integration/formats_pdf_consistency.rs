//! The page of a Factur-X / ZUGFeRD PDF against its embedded XML: the corpus PDFs, whose pages and XML agree,
//! raise no `PDF_XML_MISMATCH`; the same page read against XML stating another number, date or total does.

use backdesk::formats::pdf::open_pdf;
use backdesk::formats::pdf_consistency::{compare, MIN_CONFIDENCE};
use backdesk::formats::pdf_text::extract_text;
use backdesk::formats::{read_document, ReadOutput};
use backdesk::model::extraction::{Extraction, ExtractionMethod};
use backdesk::model::ReasonCode;

use super::rules_corpus::corpora;

fn pdfs_with_xml() -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![corpora().join("zugferd")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn corpus_pdfs_whose_page_and_xml_agree_raise_no_mismatch() {
    let mut read = 0;
    let mut flagged = Vec::new();
    for pdf in pdfs_with_xml() {
        let name = pdf.display().to_string();
        let Ok(ReadOutput::Invoices(extractions)) = read_document(&name, &std::fs::read(&pdf).unwrap())
        else {
            continue;
        };
        if extractions[0].method != ExtractionMethod::EmbeddedXml {
            continue;
        }
        read += 1;
        if let Some(reason) = extractions[0]
            .findings
            .iter()
            .find(|r| r.code == ReasonCode::PdfXmlMismatch)
        {
            flagged.push(format!("{name}: {}", reason.message));
        }
    }
    assert!(read >= 80, "only {read} Factur-X PDFs read");
    // the corpus is vendors' sample invoices: page and XML agree, so every flag here is a false alarm
    assert!(
        flagged.len() * 20 <= read,
        "{} of {read} flagged:\n{}",
        flagged.len(),
        flagged.join("\n")
    );
}

#[test]
fn a_page_that_disagrees_with_the_xml_is_flagged_naming_the_field() {
    let pdf = corpora().join("zugferd/XML-Rechnung/FX/EN16931_Einfach.pdf");
    let xml = std::fs::read(corpora().join("zugferd/XML-Rechnung/CII/EN16931_Einfach.cii.xml")).unwrap();
    let text = extract_text(&open_pdf(&std::fs::read(&pdf).unwrap()).unwrap());
    let stated = backdesk::formats::cii::read(&xml).unwrap();
    let agreeing = Extraction::from_structured("einfach", ExtractionMethod::EmbeddedXml, stated.clone());
    assert_eq!(compare("einfach", &text, &agreeing), None);

    // the gross total is read from this page with confidence 0.97: a different XML total is flagged
    let mut disagreeing = agreeing.clone();
    disagreeing.fields.get_mut("total_gross").unwrap().value = "592.87".to_owned();
    let reason = compare("einfach", &text, &disagreeing).expect("a mismatch");
    assert_eq!(reason.code, ReasonCode::PdfXmlMismatch);
    assert_eq!(reason.detail["differences"][0]["field"], "total_gross");
    assert_eq!(reason.detail["differences"][0]["pdf"], "529.87");
    assert!(reason.message.contains("592.87"), "{}", reason.message);

    // a different number is flagged only when the page's number was read surely enough to be evidence
    let page = backdesk::extract::extract("einfach", ExtractionMethod::PdfText, &text);
    let sure = page.fields["invoice_number"].confidence >= MIN_CONFIDENCE;
    let mut other_number = agreeing.clone();
    other_number.fields.get_mut("invoice_number").unwrap().value = "471199".to_owned();
    assert_eq!(compare("einfach", &text, &other_number).is_some(), sure);
}
