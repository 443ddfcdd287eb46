//! Any bytes as a PDF: parsing, the positioned text and the visual extraction must never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = backdesk::formats::pdf_invoice::read_pdf_text(data) {
        let _ = backdesk::extract::extract(
            "fuzz.pdf",
            backdesk::model::extraction::ExtractionMethod::PdfText,
            &text,
        );
    }
});
