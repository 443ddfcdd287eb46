//! Any text laid out as words on a page (one line per text line, words left to right, sizes and gaps from the
//! bytes): the label, number, date and id parsing and the table reading must never panic.
#![no_main]

use backdesk::formats::pdf_text::{PageText, PdfText, Word};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut words = Vec::new();
    for (row, line) in text.lines().take(400).enumerate() {
        let mut x = 20.0;
        for (i, word) in line.split(' ').take(60).enumerate() {
            let width = word.chars().count() as f64 * 5.0;
            let gap = f64::from(data.get(i % data.len().max(1)).copied().unwrap_or(0) % 40);
            let y = 800.0 - row as f64 * 12.0;
            words.push(Word {
                text: word.to_owned(),
                bbox: [x, y, x + width, y + 10.0],
                size: 10.0,
            });
            x += width + gap;
        }
    }
    let page = PageText {
        number: 1,
        width: 595.0,
        height: 842.0,
        rotation: 0,
        words,
    };
    let _ = backdesk::extract::extract(
        "fuzz.txt",
        backdesk::model::extraction::ExtractionMethod::PdfText,
        &PdfText { pages: vec![page] },
    );
    let _ = backdesk::extract::numbers::parse_number(&text);
});
