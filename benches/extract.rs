//! Visual extraction side by side with invoice2data (the reference, measured in the same run): accuracy on
//! the invoice2data PDFs (where it has a template per vendor) and on pdf-visual (where it has none), and time
//! per PDF. Run with `cargo bench --bench extract`; needs invoice2data in `../venv` (or `INVOICE2DATA=path`).
//! Prints ratios, asserts nothing. First, OCR speed: our OCR per page against the bare `tesseract` CLI on
//! the same page images in the same run (`OCR_BENCH=0` skips it, `OCR_BENCH=only` runs nothing else).

#[path = "../tests/integration/extract_scoring.rs"]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod extract_scoring;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use backdesk::formats::pdf_invoice::read_pdf_text;
use backdesk::model::extraction::{Extraction, ExtractionMethod, FieldValue};
use backdesk::model::invoice::DocumentType;
use extract_scoring::{invoice2data, pdf_visual, Case, Report};

fn invoice2data_command() -> PathBuf {
    std::env::var_os("INVOICE2DATA").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../venv/bin/invoice2data"),
        PathBuf::from,
    )
}

/// invoice2data's result for one PDF as an extraction (its keys mapped to the contract's), or none when it
/// has no template for the PDF.
fn run_invoice2data(case: &Case, out_dir: &std::path::Path) -> Option<Extraction> {
    let out = out_dir.join("out");
    let _ = std::fs::remove_file(out.with_extension("json"));
    let status = Command::new(invoice2data_command())
        .args([
            "--input-reader",
            "pdftotext",
            "--output-format",
            "json",
            "--output-name",
        ])
        .arg(&out)
        .arg(&case.pdf)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    if !status.success() {
        return None;
    }
    let text = std::fs::read_to_string(out.with_extension("json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let result = json.get(0)?;
    let mapping = extract_scoring::INVOICE2DATA_FIELDS;
    let value = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let fields: BTreeMap<String, FieldValue> = mapping
        .iter()
        .filter_map(|(from, to)| {
            let v = value(result.get(*from)?)?;
            Some(((*to).to_owned(), FieldValue::stated(v)))
        })
        .collect();
    let lines = result
        .get("lines")
        .and_then(|l| l.as_array())
        .map(|lines| {
            lines
                .iter()
                .filter(|l| l.get("price_subtotal").is_some())
                .map(|l| {
                    extract_scoring::INVOICE2DATA_LINE_FIELDS
                        .iter()
                        .filter_map(|(from, to)| {
                            Some(((*to).to_owned(), FieldValue::stated(value(l.get(*from)?)?)))
                        })
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Extraction {
        source: case.name.clone(),
        method: ExtractionMethod::PdfText,
        document_type: DocumentType::Invoice,
        fields,
        lines,
        invoice: None,
        findings: Vec::new(),
        warnings: Vec::new(),
    })
}

/// invoice2data used as a library in one Python process (templates loaded once, not timed): milliseconds per
/// PDF over `pdfs`, the fairer throughput reference next to the CLI's per-file time (which pays the
/// interpreter's start-up for every file).
fn invoice2data_in_process(pdfs: &[&std::path::Path]) -> Option<f64> {
    let python = invoice2data_command().with_file_name("python");
    let script = r#"
import sys, time, logging
logging.disable(logging.CRITICAL)
from invoice2data import extract_data
from invoice2data.extract.loader import read_templates
from invoice2data.input import pdftotext
templates = read_templates()
pdfs = sys.argv[1:]
start = time.perf_counter()
for p in pdfs:
    try:
        extract_data(p, templates=templates, input_module=pdftotext)
    except Exception:
        pass
print(1000 * (time.perf_counter() - start) / len(pdfs))
"#;
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(pdfs)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

fn empty(case: &Case) -> Extraction {
    Extraction {
        source: case.name.clone(),
        method: ExtractionMethod::PdfText,
        document_type: DocumentType::Invoice,
        fields: BTreeMap::new(),
        lines: Vec::new(),
        invoice: None,
        findings: Vec::new(),
        warnings: Vec::new(),
    }
}

fn main() {
    // BACKDESK_ONLY=N: time only ours, N rounds over every PDF, for a profiler (callgrind, perf)
    if let Some(rounds) = std::env::var("BACKDESK_ONLY")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        ours_only(rounds);
        return;
    }
    ocr_speed();
    if std::env::var("OCR_BENCH").is_ok_and(|v| v == "only") {
        return;
    }
    if !invoice2data_command().exists() {
        eprintln!(
            "invoice2data not found at {}: python3 -m venv ../venv && ../venv/bin/pip install -r \
             ../shared/tools/requirements.txt (or set INVOICE2DATA)",
            invoice2data_command().display()
        );
        return;
    }
    let scratch = tempfile::tempdir().expect("a temporary directory");
    for (title, cases) in [
        ("invoice2data/compare (it has templates)", invoice2data()),
        ("pdf-visual (it has none)", pdf_visual()),
    ] {
        let (mut ours, mut theirs) = (Report::default(), Report::default());
        let (mut our_time, mut their_time, mut matched) = (0.0, 0.0, 0);
        for case in &cases {
            let bytes = std::fs::read(&case.pdf).expect("corpus PDF");
            // ours: the same work a user's `extract` does (parse the PDF, read its text, extract), best of 5
            let mut best = f64::MAX;
            let mut extraction = None;
            for _ in 0..5 {
                let started = Instant::now();
                let text = read_pdf_text(&bytes).expect("a text PDF");
                let e = backdesk::extract::extract(&case.name, ExtractionMethod::PdfText, &text);
                best = best.min(started.elapsed().as_secs_f64());
                extraction = Some(e);
            }
            our_time += best;
            ours.add(case, &extraction.expect("extracted"));
            let started = Instant::now();
            let result = run_invoice2data(case, scratch.path());
            their_time += started.elapsed().as_secs_f64();
            matched += usize::from(result.is_some());
            theirs.add(case, &result.unwrap_or_else(|| empty(case)));
        }
        let n = cases.len() as f64;
        println!(
            "\n# {title}: {} PDFs, invoice2data found a template for {matched}",
            cases.len()
        );
        println!("| field | invoice2data | backdesk |\n| --- | --- | --- |");
        for (field, tally) in &ours.fields {
            let other = theirs.fields.get(field).copied().unwrap_or_default();
            println!(
                "| {field} | {}/{} | {}/{} |",
                other.right, other.expected, tally.right, tally.expected
            );
        }
        println!(
            "| **header, all fields** | **{:.1}%** | **{:.1}%** |\n| line items (whole line) | {:.1}% | {:.1}% |",
            100.0 * theirs.header_accuracy(),
            100.0 * ours.header_accuracy(),
            100.0 * theirs.line_accuracy(),
            100.0 * ours.line_accuracy()
        );
        println!(
            "time per PDF: invoice2data {:.1} ms (CLI per file, pdftotext reader), backdesk {:.2} ms; \
             throughput ratio {:.0}x",
            1000.0 * their_time / n,
            1000.0 * our_time / n,
            their_time / our_time
        );
        let pdfs: Vec<&std::path::Path> = cases.iter().map(|c| c.pdf.as_path()).collect();
        if let Some(ms) = invoice2data_in_process(&pdfs) {
            println!(
                "time per PDF with invoice2data as a library in one process: {ms:.1} ms; throughput ratio {:.1}x",
                ms / (1000.0 * our_time / n)
            );
        }
    }
}

/// Page images for the OCR timing: the first pages of a few corpus PDFs rasterised with poppler's `pdftoppm`
/// (150 dpi grey, as a scanner would give them), in a fixed order.
fn ocr_pages(dir: &std::path::Path) -> Vec<PathBuf> {
    let cases = pdf_visual();
    let mut pages = Vec::new();
    for (i, case) in cases.iter().step_by(12).take(4).enumerate() {
        let prefix = dir.join(format!("doc{i}"));
        let status = Command::new("pdftoppm")
            .args(["-r", "150", "-gray", "-f", "1", "-l", "2"])
            .arg(&case.pdf)
            .arg(&prefix)
            .status();
        if !status.is_ok_and(|s| s.success()) {
            continue;
        }
        let mut made: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("scratch directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(&format!("doc{i}-")))
            })
            .collect();
        made.sort();
        pages.extend(made);
    }
    pages
}

/// The bare CLI on one page image, TSV out (what our OCR asks of it), tesseract's threads limited as ours are.
fn bare_tesseract(page: &std::path::Path) -> f64 {
    let started = Instant::now();
    let status = Command::new("tesseract")
        .arg(page)
        .args([
            "-",
            "-l",
            backdesk::formats::ocr::LANGUAGES,
            "--dpi",
            "150",
            "tsv",
        ])
        .env("OMP_THREAD_LIMIT", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("tesseract runs");
    assert!(status.success(), "tesseract failed on {}", page.display());
    started.elapsed().as_secs_f64()
}

/// Our OCR per page against the bare `tesseract` CLI on the same page images, measured in the same run: one
/// page at a time (what our OCR adds to the CLI: the pipe, deskew and TSV reading) and a whole batch with
/// pages in parallel (what a multi-page scan costs per page). Two rounds, in alternating order; the best
/// of each is kept.
fn ocr_speed() {
    use backdesk::formats::ocr;
    if std::env::var("OCR_BENCH").is_ok_and(|v| v == "0") {
        return;
    }
    if !ocr::available() {
        eprintln!("OCR speed: tesseract is not installed (scripts/install-system-deps.sh); skipped");
        return;
    }
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let pages = ocr_pages(scratch.path());
    if pages.is_empty() {
        eprintln!("OCR speed: pdftoppm (poppler-utils) is needed to make the page images; skipped");
        return;
    }
    let images = || -> Vec<ocr::PageImage> {
        pages
            .iter()
            .map(|p| ocr::PageImage {
                bytes: std::fs::read(p).expect("page image"),
                dpi: Some(150.0),
            })
            .collect()
    };
    let (mut bare, mut ours_single, mut ours_batch) = (f64::MAX, f64::MAX, f64::MAX);
    for round in 0..2 {
        let measure_bare = || pages.iter().map(|p| bare_tesseract(p)).sum::<f64>();
        let measure_single = || {
            images()
                .iter()
                .enumerate()
                .map(|(i, image)| {
                    let started = Instant::now();
                    ocr::recognise_page(image, i as u32 + 1).expect("our OCR reads the page");
                    started.elapsed().as_secs_f64()
                })
                .sum::<f64>()
        };
        if round == 0 {
            bare = bare.min(measure_bare());
            ours_single = ours_single.min(measure_single());
        } else {
            ours_single = ours_single.min(measure_single());
            bare = bare.min(measure_bare());
        }
        let batch = images();
        let started = Instant::now();
        ocr::recognise(batch).expect("our OCR reads the pages");
        ours_batch = ours_batch.min(started.elapsed().as_secs_f64());
    }
    let n = pages.len() as f64;
    println!(
        "\n# OCR per page ({} page images, 150 dpi, {})",
        pages.len(),
        ocr::LANGUAGES
    );
    println!(
        "bare tesseract CLI {:.2} s; ours one page at a time {:.2} s (ratio {:.2}); ours with pages in parallel \
         {:.2} s wall per page (ratio {:.2}, {} cores)",
        bare / n,
        ours_single / n,
        ours_single / bare,
        ours_batch / n,
        ours_batch / bare,
        std::thread::available_parallelism().map_or(1, |c| c.get())
    );
}

/// Ours alone over both corpora, `rounds` times, printing milliseconds per PDF: the loop a profiler watches.
fn ours_only(rounds: usize) {
    let cases: Vec<Case> = invoice2data().into_iter().chain(pdf_visual()).collect();
    let pdfs: Vec<(String, Vec<u8>)> = cases
        .iter()
        .map(|c| (c.name.clone(), std::fs::read(&c.pdf).expect("corpus PDF")))
        .collect();
    let (mut read, mut extract) = (0.0, 0.0);
    for _ in 0..rounds {
        for (name, bytes) in &pdfs {
            let started = Instant::now();
            let text = read_pdf_text(bytes).expect("a text PDF");
            let middle = Instant::now();
            let _ = backdesk::extract::extract(name, ExtractionMethod::PdfText, &text);
            read += (middle - started).as_secs_f64();
            extract += middle.elapsed().as_secs_f64();
        }
    }
    let n = (rounds * pdfs.len()).max(1) as f64;
    println!(
        "{} PDFs x {rounds}: read {:.2} ms + extract {:.2} ms per PDF",
        pdfs.len(),
        1000.0 * read / n,
        1000.0 * extract / n
    );
}
