//! Format readers, measured against references in the same run (ratios, never absolute thresholds):
//! - embedded-XML extraction per PDF (open, find the attachment, decode, read the XML) against reading the
//!   same XML bytes directly;
//! - positioned text extraction per page against lopdf's own plain-text extraction of the same pages;
//! - an e-invoice XML read as intake reads it (sniff, read into the model, the EN 16931 rules) against a
//!   bare `parse_safely` (roxmltree) of the same bytes, over the corpora's XML e-invoices.
//!
//! `cargo bench --bench formats` (needs `../shared/corpora` beside the checkout).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use backdesk::formats::pdf::open_pdf;
use backdesk::formats::pdf_attachments::embedded_files;
use backdesk::formats::pdf_text::extract_text;
use backdesk::formats::xml::{decode_utf8, parse_safely};
use backdesk::formats::{read_document, sniff, Format};

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext)) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The median of `rounds` timings of `work`.
fn median_time(rounds: usize, mut work: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let corpora = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    if !corpora.is_dir() {
        eprintln!("the corpora are missing at {}", corpora.display());
        std::process::exit(1);
    }

    // PDFs with an embedded invoice, and the XML they embed
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for path in files(&corpora.join("zugferd"), "pdf") {
        let Ok(pdf) = std::fs::read(&path) else { continue };
        let Ok(document) = open_pdf(&pdf) else { continue };
        let xml = embedded_files(&document).into_iter().find_map(|f| {
            let content = f.content.ok()?;
            matches!(sniff(&content), Format::Cii | Format::Ubl | Format::Zugferd1).then_some(content)
        });
        if let Some(xml) = xml {
            if read_document("bench", &pdf).is_ok() {
                pairs.push((pdf, xml));
            }
        }
    }
    let rounds = 7;
    let pdf_time = median_time(rounds, || {
        for (pdf, _) in &pairs {
            black_box(read_document("bench.pdf", black_box(pdf)).ok());
        }
    });
    let xml_time = median_time(rounds, || {
        for (_, xml) in &pairs {
            black_box(read_document("bench.xml", black_box(xml)).ok());
        }
    });
    let n = pairs.len() as f64;
    println!(
        "embedded-xml: {} PDFs, {:.3} ms per PDF; the same XML read directly {:.3} ms per invoice; ratio {:.1}x \
         (the PDF layer costs {:.3} ms per document)",
        pairs.len(),
        pdf_time.as_secs_f64() * 1e3 / n,
        xml_time.as_secs_f64() * 1e3 / n,
        pdf_time.as_secs_f64() / xml_time.as_secs_f64(),
        (pdf_time.as_secs_f64() - xml_time.as_secs_f64()) * 1e3 / n,
    );

    // XML e-invoices: intake's whole read of one against a bare parse of its bytes
    let invoices: Vec<Vec<u8>> = files(&corpora, "xml")
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter(|bytes| matches!(sniff(bytes), Format::Cii | Format::Ubl | Format::Zugferd1))
        .filter(|bytes| read_document("bench.xml", bytes).is_ok())
        .collect();
    let read_time = median_time(rounds, || {
        for bytes in &invoices {
            black_box(read_document("bench.xml", black_box(bytes)).ok());
        }
    });
    let parse_time = median_time(rounds, || {
        for bytes in &invoices {
            black_box(
                decode_utf8(black_box(bytes))
                    .and_then(|text| parse_safely(text).map(|_| ()))
                    .ok(),
            );
        }
    });
    let n = invoices.len() as f64;
    println!(
        "e-invoice xml: {} files, read (sniff, model, rules) {:.3} ms per file; a bare roxmltree parse of the \
         same bytes {:.3} ms; ratio {:.2}x",
        invoices.len(),
        read_time.as_secs_f64() * 1e3 / n,
        parse_time.as_secs_f64() * 1e3 / n,
        read_time.as_secs_f64() / parse_time.as_secs_f64(),
    );

    // text extraction per page over the visual corpus (documents opened once, outside the timing)
    let documents: Vec<lopdf::Document> = files(&corpora.join("pdf-visual"), "pdf")
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter_map(|bytes| open_pdf(&bytes).ok())
        .collect();
    let pages: usize = documents.iter().map(|d| d.get_pages().len()).sum();
    let positioned = median_time(rounds, || {
        for document in &documents {
            black_box(extract_text(black_box(document)));
        }
    });
    let plain = median_time(rounds, || {
        for document in &documents {
            let numbers: Vec<u32> = document.get_pages().keys().copied().collect();
            black_box(document.extract_text(&numbers).ok());
        }
    });
    let open = median_time(rounds, || {
        for path in files(&corpora.join("pdf-visual"), "pdf") {
            if let Ok(bytes) = std::fs::read(path) {
                black_box(open_pdf(&bytes).ok());
            }
        }
    });
    println!(
        "pdf-text: {} documents, {pages} pages; positioned words {:.3} ms per page; lopdf plain text {:.3} ms per \
         page; ratio {:.2}x; opening (read + parse) {:.3} ms per document",
        documents.len(),
        positioned.as_secs_f64() * 1e3 / pages as f64,
        plain.as_secs_f64() * 1e3 / pages as f64,
        positioned.as_secs_f64() / plain.as_secs_f64(),
        open.as_secs_f64() * 1e3 / documents.len() as f64,
    );
}
