//! No corpus PDF (including the deliberately broken ones in `zugferd/**/fail`) makes the visual extraction
//! panic: the text of every PDF that opens is extracted outside any panic guard, and crashes found by fuzzing
//! are kept here as regression inputs.

use std::path::{Path, PathBuf};

use backdesk::formats::pdf_invoice::read_pdf_text;
use backdesk::formats::pdf_text::{PageText, PdfText, Word};
use backdesk::model::extraction::ExtractionMethod;

use super::extract_scoring::corpora;

fn pdfs_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            pdfs_under(&path, out);
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
            out.push(path);
        }
    }
}

#[test]
fn every_corpus_pdf_is_extracted_without_a_panic() {
    let mut pdfs = Vec::new();
    pdfs_under(&corpora(), &mut pdfs);
    assert!(pdfs.len() > 150, "only {} PDFs found", pdfs.len());
    let mut read = 0;
    for pdf in &pdfs {
        let bytes = std::fs::read(pdf).unwrap();
        if let Ok(text) = read_pdf_text(&bytes) {
            let extraction =
                backdesk::extract::extract(&pdf.display().to_string(), ExtractionMethod::PdfText, &text);
            for field in extraction.fields.values() {
                assert!(
                    (0.0..=1.0).contains(&field.confidence),
                    "{}: {field:?}",
                    pdf.display()
                );
            }
            read += 1;
        }
    }
    assert!(read > 100, "only {read} PDFs had text");
}

fn page(lines: &[&str]) -> PdfText {
    let mut words = Vec::new();
    for (row, line) in lines.iter().enumerate() {
        let mut x = 20.0;
        for word in line.split(' ') {
            let width = word.chars().count() as f64 * 5.0;
            let y = 800.0 - row as f64 * 12.0;
            words.push(Word {
                text: word.to_owned(),
                bbox: [x, y, x + width, y + 10.0],
                size: 10.0,
            });
            x += width + 4.0;
        }
    }
    PdfText {
        pages: vec![PageText {
            number: 1,
            width: 595.0,
            height: 842.0,
            rotation: 0,
            words,
        }],
    }
}

#[test]
fn hostile_text_is_extracted_without_a_panic() {
    for lines in [
        vec![""],
        vec!["Total", "Total 1,00", "Invoice Invoice Invoice"],
        vec![
            "IBAN DE",
            "IBAN DE00 ÄÖÜ€ 0000 0000 0000 0000 0000 0000 0000 0000 0000",
        ],
        vec!["Rechnung Nr. ( (380) 380) vom 31.02.2018 99/99/9999 0/0/0"],
        vec![
            "Beschreibung Menge Preis Betrag",
            "x 1 1,00 1,00",
            "- - -",
            "1 -1,- ,,, .,.,",
        ],
        vec!["€€€ 1 234 567 890 123 456 789,99 ((1)) 12,345,678.901.23"],
        vec!["März 31 2018 31. Februar 2019 Feb 30, 2020 january 0 2020"],
    ] {
        let _ = backdesk::extract::extract("hostile", ExtractionMethod::PdfText, &page(&lines));
    }
}
