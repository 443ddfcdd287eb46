//! Any bytes as tesseract's TSV output: reading the words, the deskew and the visual extraction of the page
//! they make must never panic or hang.
#![no_main]

use backdesk::formats::ocr::parse_tsv;
use backdesk::formats::pdf_text::PdfText;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let tsv = String::from_utf8_lossy(data);
    let page = parse_tsv(&tsv, 1, 72.0 / 150.0);
    let _ = backdesk::extract::extract(
        "fuzz.tsv",
        backdesk::model::extraction::ExtractionMethod::Ocr,
        &PdfText { pages: vec![page] },
    );
});
