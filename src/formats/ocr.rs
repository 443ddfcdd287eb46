//! OCR with the `tesseract` command (Tesseract 5, languages eng+deu+fra): an image's words with their boxes,
//! as the same [`PageText`] the text layer of a PDF gives, so the visual extraction reads both alike.
//!
//! The CLI with TSV output is used rather than linking libtesseract: a crash or a hang on a hostile image stays
//! in the child process (killed after [`TIMEOUT`]), nothing needs libclang to build, and the time per page is
//! the bare CLI's by construction. Pages are recognised in parallel, one process per page.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::pdf_text::{PageText, PdfText, Word};

/// The languages recognised (the packages `tesseract-ocr-eng`, `-deu`, `-fra`).
pub const LANGUAGES: &str = "eng+deu+fra";
/// A page taking longer than this is abandoned (the process is killed).
pub const TIMEOUT: Duration = Duration::from_secs(120);
/// Tesseract's page segmentation mode: 4, one column of text of varying sizes. An invoice's label and its
/// value far to the right are read as one row, where the automatic mode (3) splits the page into blocks and
/// drops lone numbers at the right edge (totals columns); words keep their positions, so columns are still
/// told apart by the extraction's own layout reading. Measured on the scan sample (tests/integration/
/// extract_scans.rs).
pub const PAGE_SEGMENTATION: &str = "4";
/// Resolution assumed for an image that states none.
pub const DEFAULT_DPI: f64 = 200.0;

/// Why OCR failed, as a sentence for the user.
pub type OcrError = String;

/// One image to recognise, with its resolution when known (pixels per inch).
pub struct PageImage {
    pub bytes: Vec<u8>,
    pub dpi: Option<f64>,
}

/// Whether the `tesseract` command can be run.
pub fn available() -> bool {
    Command::new("tesseract")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Recognises the pages (in parallel, at most as many at once as there are cores), numbered from 1; tells
/// the thread's [`super::ocr_progress`] observer how many are done.
pub fn recognise(pages: Vec<PageImage>) -> Result<PdfText, OcrError> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).max(1);
    let mut results: Vec<Option<Result<PageText, OcrError>>> = (0..pages.len()).map(|_| None).collect();
    let indexed: Vec<(usize, PageImage)> = pages.into_iter().enumerate().collect();
    let total = indexed.len();
    let mut done = 0;
    super::ocr_progress::report(done, total);
    for chunk in indexed.chunks(workers) {
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|(index, page)| {
                    (
                        *index,
                        scope.spawn(move || recognise_page(page, *index as u32 + 1)),
                    )
                })
                .collect();
            for (index, handle) in handles {
                results[index] = Some(
                    handle
                        .join()
                        .unwrap_or_else(|_| Err("OCR of a page failed unexpectedly".to_owned())),
                );
                done += 1;
                super::ocr_progress::report(done, total);
            }
        });
    }
    let pages = results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err("a page was not recognised".to_owned())))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(PdfText { pages })
}

/// Recognises one image as page `number`; boxes are in points (1/72 inch) from the bottom-left.
pub fn recognise_page(image: &PageImage, number: u32) -> Result<PageText, OcrError> {
    let dpi = image
        .dpi
        .filter(|d| *d >= 50.0 && *d <= 1200.0)
        .unwrap_or(DEFAULT_DPI);
    let tsv = run_tesseract(&image.bytes, dpi)?;
    Ok(parse_tsv(&tsv, number, 72.0 / dpi))
}

fn run_tesseract(bytes: &[u8], dpi: f64) -> Result<String, OcrError> {
    let mut child = Command::new("tesseract")
        .args(["stdin", "stdout", "-l", LANGUAGES, "--psm", PAGE_SEGMENTATION, "--dpi"])
        .arg(format!("{}", dpi.round()))
        .arg("tsv")
        // pages run in parallel, one process each: tesseract's own threads would only compete with them
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            format!(
                "OCR is not available: the 'tesseract' command could not be started ({e}); install tesseract-ocr \
                 with the eng, deu and fra languages (scripts/install-system-deps.sh)"
            )
        })?;
    let mut stdin = child.stdin.take().ok_or("OCR: no input pipe to tesseract")?;
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        // tesseract may stop reading early on a bad image: a broken pipe is its answer, not ours
        let _ = stdin.write_all(&input);
    });
    let mut stdout = child.stdout.take().ok_or("OCR: no output pipe from tesseract")?;
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        let _ = stdout.read_to_string(&mut out);
        out
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "OCR of the page took longer than {} s and was stopped; the image may be damaged or huge",
                    TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(format!("OCR failed: waiting for tesseract: {e}")),
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(
            "OCR could not read the image (tesseract refused it: damaged, or not an image format it reads); the \
             original is kept, enter the invoice by hand"
                .to_owned(),
        );
    }
    Ok(out)
}

/// Tesseract's TSV: `level page_num block_num par_num line_num word_num left top width height conf text`.
/// Level 1 rows give the page size, level 4 the lines (their height is the words' font size), level 5 the
/// words.
pub fn parse_tsv(tsv: &str, number: u32, scale: f64) -> PageText {
    let mut page = PageText {
        number,
        width: 0.0,
        height: 0.0,
        rotation: 0,
        words: Vec::new(),
    };
    let mut line_height = 0.0;
    // (line key, size, box in image pixels, text)
    let mut rows: Vec<(String, f64, [f64; 4], String)> = Vec::new();
    for row in tsv.lines().skip(1) {
        let cols: Vec<&str> = row.splitn(12, '\t').collect();
        if cols.len() < 11 {
            continue;
        }
        let num = |i: usize| cols[i].trim().parse::<f64>().unwrap_or(0.0);
        let (left, top, width, height) = (num(6), num(7), num(8), num(9));
        match cols[0] {
            "1" => {
                page.width = width * scale;
                page.height = height * scale;
            }
            "4" => line_height = height,
            "5" => {
                let text = cols.get(11).map(|t| t.trim()).unwrap_or("");
                let confidence = num(10);
                if text.is_empty() || confidence < 0.0 {
                    continue;
                }
                rows.push((
                    format!("{}/{}/{}", cols[2], cols[3], cols[4]),
                    line_height.max(height),
                    [left, top, left + width, top + height],
                    text.to_owned(),
                ));
            }
            _ => {}
        }
    }
    repair_iban_confusions(&mut rows);
    // deskew: a slightly rotated scan puts a label and its value far to the right on different heights;
    // the page's skew is measured on the baselines of tesseract's own text lines and undone about the page
    // centre (the words' boxes keep their size)
    let skew = median_slope(&rows);
    let (sin, cos) = skew.atan().sin_cos();
    let (cx, cy) = (page.width / scale / 2.0, page.height / scale / 2.0);
    for (_, size, [x0, top, x1, bottom], text) in rows {
        let (dx, dy) = ((x0 + x1) / 2.0 - cx, (top + bottom) / 2.0 - cy);
        let (mx, my) = (cx + dx * cos + dy * sin, cy - dx * sin + dy * cos);
        let (half_w, half_h) = ((x1 - x0) / 2.0, (bottom - top) / 2.0);
        // image rows grow downwards, PDF points upwards
        page.words.push(Word {
            text,
            bbox: [
                (mx - half_w) * scale,
                page.height - (my + half_h) * scale,
                (mx + half_w) * scale,
                page.height - (my - half_h) * scale,
            ],
            size: size * scale * 0.8,
        });
    }
    page
}

/// Countries whose IBAN is digits after the country code: there an O read for a 0 (and the like) can be
/// put right, and the IBAN's own checksum confirms it.
const ALL_DIGIT_IBANS: &[&str] = &[
    "AT", "BE", "CH", "CZ", "DE", "DK", "EE", "ES", "FI", "HR", "HU", "LT", "NO", "PL", "PT", "SE", "SI",
    "SK",
];

/// The digit OCR commonly mistakes a letter for.
fn digit_for(c: char) -> Option<char> {
    Some(match c {
        '0'..='9' => c,
        'O' | 'o' | 'D' | 'Q' => '0',
        'I' | 'l' | 'i' | '|' => '1',
        'Z' | 'z' => '2',
        'S' | 's' => '5',
        'G' | 'b' => '6',
        'T' => '7',
        'B' => '8',
        'g' | 'q' => '9',
        _ => return None,
    })
}

/// Whether an IBAN (upper case, no spaces) passes its mod-97 check.
fn iban_checks(iban: &str) -> bool {
    if iban.len() < 15 || iban.len() > 34 || !iban.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let (head, tail) = iban.split_at(4);
    let mut remainder = 0u32;
    for c in tail.chars().chain(head.chars()) {
        let Some(value) = c.to_digit(36) else {
            return false;
        };
        for digit in if value >= 10 {
            vec![value / 10, value % 10]
        } else {
            vec![value]
        } {
            remainder = (remainder * 10 + digit) % 97;
        }
    }
    remainder == 1
}

/// Puts right letters read for digits in an IBAN printed in groups (`DE89 37O4 …`), only where the IBAN's
/// checksum fails as read and passes with the digits: a repair the checksum confirms, never a guess.
fn repair_iban_confusions(rows: &mut [(String, f64, [f64; 4], String)]) {
    let mut start = 0;
    while start < rows.len() {
        let first = &rows[start].3;
        let country: String = first.chars().take(2).collect();
        if !ALL_DIGIT_IBANS.contains(&country.as_str()) || first.chars().count() < 4 {
            start += 1;
            continue;
        }
        // the words of the same tesseract line that continue it: groups of letters and digits
        let mut end = start + 1;
        let mut length = first.chars().count();
        while end < rows.len()
            && rows[end].0 == rows[start].0
            && length < 34
            && rows[end].3.chars().count() <= 4
            && rows[end].3.chars().all(|c| c.is_ascii_alphanumeric() || c == '|')
        {
            length += rows[end].3.chars().count();
            end += 1;
        }
        let read: String = rows[start..end].iter().map(|r| r.3.as_str()).collect();
        if !iban_checks(&read) {
            let repaired: Option<Vec<String>> = rows[start..end]
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    let skip = if i == 0 { 2 } else { 0 };
                    let head: String = row.3.chars().take(skip).collect();
                    let digits: Option<String> = row.3.chars().skip(skip).map(digit_for).collect();
                    digits.map(|d| head + &d)
                })
                .collect();
            if let Some(words) = repaired.filter(|w| iban_checks(&w.concat())) {
                for (row, word) in rows[start..end].iter_mut().zip(words) {
                    row.3 = word;
                }
            }
        }
        start = end;
    }
}

/// Characters that reach below the baseline (or are drawn from above it to below it): a word with none of
/// them has its box's bottom on the baseline.
const BELOW_BASELINE: &str = "gjpqyQJ,;()[]{}/|\\_@$§µ";

/// The page's skew as the vertical drift per horizontal pixel (positive: the text runs down to the right),
/// measured between the baselines of words on the same tesseract line at least [`MIN_BASELINE_SPAN`] pixels
/// apart (words with descenders do not count); the median of those slopes, 0 when there are fewer than
/// three, limited to ±5°.
fn median_slope(rows: &[(String, f64, [f64; 4], String)]) -> f64 {
    let mut lines: std::collections::BTreeMap<&str, Vec<(f64, f64)>> = std::collections::BTreeMap::new();
    for (key, _, b, text) in rows {
        if text.chars().count() < 2 || text.chars().any(|c| BELOW_BASELINE.contains(c)) {
            continue;
        }
        lines
            .entry(key.as_str())
            .or_default()
            .push(((b[0] + b[2]) / 2.0, b[3]));
    }
    let mut slopes: Vec<f64> = Vec::new();
    for points in lines.values() {
        for (i, first) in points.iter().enumerate() {
            for last in &points[i + 1..] {
                let dx = last.0 - first.0;
                if dx >= MIN_BASELINE_SPAN {
                    slopes.push((last.1 - first.1) / dx);
                }
            }
        }
    }
    if slopes.len() < 3 {
        return 0.0;
    }
    slopes.sort_by(f64::total_cmp);
    slopes[slopes.len() / 2].clamp(-0.0875, 0.0875)
}

/// Baselines closer than this (image pixels) tell too little about the slope.
const MIN_BASELINE_SPAN: f64 = 80.0;

/// Images (PNG, JPEG, TIFF, …): recognised, then read by the visual extraction.
pub struct OcrImageReader;

impl super::DocumentReader for OcrImageReader {
    fn name(&self) -> &'static str {
        "ocr-image"
    }

    fn accepts(&self, format: &super::Format) -> bool {
        matches!(format, super::Format::Image) && available()
    }

    fn read(
        &self,
        _format: &super::Format,
        source: &str,
        bytes: &[u8],
    ) -> Result<super::ReadOutput, super::ReadFailure> {
        let text = recognise(vec![PageImage {
            bytes: bytes.to_vec(),
            dpi: None,
        }])
        .map_err(super::ReadFailure::unreadable)?;
        if text.is_empty() {
            return Err(super::ReadFailure::unreadable(
                "OCR found no text in the image: it may be blank, too small or too blurred; enter the invoice by \
                 hand or scan it again at 200 dpi or more",
            ));
        }
        Ok(super::ReadOutput::Invoices(vec![crate::extract::extract(
            source,
            crate::model::extraction::ExtractionMethod::Ocr,
            &text,
        )]))
    }
}

/// Whether a text layer is missing or unusable (glyphs without a Unicode mapping come out as control
/// characters, replacement characters or private-use code points): then the page images are recognised.
pub fn text_layer_unusable(text: &PdfText) -> bool {
    let mut total = 0usize;
    let mut bad = 0usize;
    for word in text.pages.iter().flat_map(|p| &p.words) {
        for c in word.text.chars() {
            total += 1;
            if c == '\u{fffd}' || c.is_control() || ('\u{e000}'..='\u{f8ff}').contains(&c) {
                bad += 1;
            }
        }
    }
    total == 0 || bad * 5 > total
}

/// The text of a scanned PDF: each page's image recognised (in parallel). Fails with a sentence when no page
/// has an image OCR can take.
pub fn recognise_pdf(document: &lopdf::Document, layer: &PdfText) -> Result<PdfText, OcrError> {
    if !available() {
        return Err(
            "the PDF has no usable text layer (it is a scan) and OCR is not available: install tesseract-ocr with \
             the eng, deu and fra languages (scripts/install-system-deps.sh), or enter it by hand; the original \
             is kept"
                .to_owned(),
        );
    }
    let widths: Vec<f64> = layer.pages.iter().map(|p| p.width).collect();
    let images = super::raster::page_images(document, &widths);
    let numbers: Vec<u32> = images
        .iter()
        .enumerate()
        .filter(|(_, i)| i.is_some())
        .map(|(n, _)| n as u32 + 1)
        .collect();
    let images: Vec<PageImage> = images.into_iter().flatten().collect();
    if images.is_empty() {
        return Err(
            "the PDF has no usable text layer and no page image OCR can read (the pages are drawn, not \
             scanned, or use an image encoding that is not supported); enter it by hand, the original is kept"
                .to_owned(),
        );
    }
    let mut text = recognise(images)?;
    for (page, number) in text.pages.iter_mut().zip(numbers) {
        page.number = number;
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_words_become_words_in_points_from_the_bottom() {
        let tsv =
            "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t1700\t2200\t-1\t\n\
                   4\t1\t1\t1\t1\t0\t100\t200\t400\t40\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t100\t200\t150\t40\t96.5\tInvoice\n\
                   5\t1\t1\t1\t1\t2\t300\t205\t200\t35\t91.0\t4711\n";
        let page = parse_tsv(tsv, 1, 72.0 / 200.0);
        assert_eq!(page.words.len(), 2);
        assert_eq!(page.words[0].text, "Invoice");
        let scale = 72.0 / 200.0;
        assert!((page.height - 2200.0 * scale).abs() < 1e-9);
        assert!((page.words[0].bbox[3] - (2200.0 - 200.0) * scale).abs() < 1e-9);
        assert!((page.words[1].bbox[0] - 300.0 * scale).abs() < 1e-9);
    }

    /// A TSV row of a word (level 5) on tesseract line `line` of block `block`.
    fn word_row(block: u32, line: u32, left: f64, top: f64, text: &str) -> String {
        format!("5\t1\t{block}\t1\t{line}\t1\t{left}\t{top}\t60\t20\t95\t{text}\n")
    }

    #[test]
    fn a_skewed_scan_puts_a_label_and_its_far_value_back_on_one_line() {
        // the page is turned by about 0.6 degrees: text runs down by 1 pixel every 100 to the right; each
        // label is its own tesseract line (block 1), each value another (block 2), 1000 pixels to the right
        let slope = 0.01;
        let mut tsv = String::from(
            "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n",
        );
        tsv.push_str("1\t1\t0\t0\t0\t0\t0\t0\t1240\t1754\t-1\t\n");
        for (n, label) in [
            "Nettobetrag Summe Netto",
            "Steuer MwSt Betrag",
            "Bruttosumme Gesamt Rechnung",
        ]
        .iter()
        .enumerate()
        {
            let top = 600.0 + 40.0 * n as f64;
            for (i, word) in label.split(' ').enumerate() {
                let left = 100.0 + 100.0 * i as f64;
                tsv.push_str(&word_row(1, n as u32 + 1, left, top + slope * left, word));
            }
            let left = 1100.0;
            tsv.push_str(&word_row(2, n as u32 + 1, left, top + slope * left, "1234"));
        }
        let page = parse_tsv(&tsv, 1, 72.0 / 150.0);
        for n in 0..3 {
            let label = &page.words[n * 4];
            let value = &page.words[n * 4 + 3];
            assert_eq!(value.text, "1234");
            let drift = (label.bbox[1] - value.bbox[1]).abs();
            assert!(drift < 0.5, "label and value {drift:.2} pt apart after deskew");
        }
    }

    fn row(line: &str, text: &str) -> (String, f64, [f64; 4], String) {
        (line.to_owned(), 10.0, [0.0, 0.0, 10.0, 10.0], text.to_owned())
    }

    #[test]
    fn an_iban_misread_with_letters_for_digits_is_repaired_only_when_its_checksum_confirms_it() {
        // DE89 3704 0044 0532 0130 00 is a valid IBAN; OCR read two zeros as O and a one as l
        let mut rows: Vec<_> = ["IBAN:", "DE89", "37O4", "0044", "0532", "Ol30", "00"]
            .iter()
            .map(|w| row("1/1/1", w))
            .collect();
        rows[0].0 = "1/1/0".to_owned();
        repair_iban_confusions(&mut rows);
        let words: Vec<&str> = rows.iter().map(|r| r.3.as_str()).collect();
        assert_eq!(words, ["IBAN:", "DE89", "3704", "0044", "0532", "0130", "00"]);
        // a wrong digit no letter explains stays as read: the checksum does not confirm any repair
        let mut rows: Vec<_> = ["DE88", "37O4", "0044", "0532", "0130", "00"]
            .iter()
            .map(|w| row("1/1/1", w))
            .collect();
        repair_iban_confusions(&mut rows);
        assert_eq!(rows[1].3, "37O4");
        assert!(iban_checks("DE89370400440532013000"));
        assert!(!iban_checks("DE88370400440532013000"));
    }
}
