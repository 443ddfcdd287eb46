//! Intake benchmark (`cargo bench --bench intake`): what the pipeline costs on top of reading.
//!
//! 1. Throughput: the e-invoice XML files of the shared corpora taken in end to end (`ingest_paths`:
//!    hashing, archiving with fsync, journal and outcome in SQLite, decisions) against bare sniff + parse
//!    (`read_sniffed`) of the same bytes on as many threads as the pipeline has CPU permits, in the same
//!    run; reported as files/s and as a ratio.
//! 2. Latency: a single XML, and a single text PDF (no embedded XML: read by the visual extractor, no
//!    OCR), dropped into a watched inbox until its outcome is recorded, p50/p95 over repeated drops, the
//!    watcher running in-process.
//!
//! No thresholds are asserted here: the figures are ratios against a reference measured in the same run.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use backdesk::api::{worker_count, CoreEvent, Workspace};
use backdesk::formats;

const ROUNDS: usize = 3;
const LATENCY_DROPS: usize = 40;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let files = corpus_invoices();
    println!(
        "intake benchmark: {} e-invoice XML files from the shared corpora",
        files.len()
    );
    throughput(&runtime, &files);
    let xml = std::fs::read(&files[0]).expect("read corpus file");
    latency(&runtime, "single XML", &xml, "xml");
    let pdf = std::fs::read(text_pdf()).expect("read the text PDF");
    latency(&runtime, "single text PDF", &pdf, "pdf");
}

/// A text PDF without embedded e-invoice XML (pdf-visual: PDFs whose XML was removed), so the drop is
/// read by the visual extractor from its text layer.
fn text_pdf() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/pdf-visual");
    let mut pdfs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    pdfs.retain(|f| f.extension().is_some_and(|e| e == "pdf"));
    pdfs.sort();
    pdfs.into_iter()
        .find(|f| {
            let bytes = std::fs::read(f).unwrap_or_default();
            formats::sniff(&bytes) == formats::Format::Pdf
                && matches!(formats::pdf_invoice::embedded_invoice_xml(&bytes), Ok(None))
        })
        .unwrap_or_else(|| panic!("no text PDF under {}", dir.display()))
}

/// The corpus XML files the readers turn into an invoice (the others would measure rejection instead).
fn corpus_invoices() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    let mut files = Vec::new();
    for folder in ["xrechnung-testsuite", "en16931"] {
        walk(&root.join(folder), &mut files);
    }
    files.retain(|f| f.extension().is_some_and(|e| e == "xml"));
    files.sort();
    files.retain(|f| {
        let bytes = std::fs::read(f).unwrap_or_default();
        matches!(
            formats::read_document("bench", &bytes),
            Ok(formats::ReadOutput::Invoices(ref found)) if !found.is_empty()
        )
    });
    assert!(
        !files.is_empty(),
        "no corpus invoices found under {}",
        root.display()
    );
    files
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, files);
        } else {
            files.push(path);
        }
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn throughput(runtime: &tokio::runtime::Runtime, files: &[PathBuf]) {
    let contents: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("read corpus file"))
        .collect();
    let mut parse_rates = Vec::new();
    let mut ingest_rates = Vec::new();
    for _ in 0..ROUNDS {
        // the same parallelism as the pipeline: one thread per core, each taking the next file as it
        // frees up (as the pipeline's pool does; fixed shares would leave a core idle behind large files)
        let start = Instant::now();
        let next = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..worker_count() {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let (Some(file), Some(bytes)) = (files.get(i), contents.get(i)) else {
                        break;
                    };
                    let format = formats::sniff(bytes);
                    let output = formats::read_sniffed(&format, &file.display().to_string(), bytes);
                    std::hint::black_box(output.is_ok());
                });
            }
        });
        parse_rates.push(files.len() as f64 / start.elapsed().as_secs_f64());

        let inbox = tempfile::tempdir().expect("temp dir");
        for (i, bytes) in contents.iter().enumerate() {
            std::fs::write(inbox.path().join(format!("{i:04}.xml")), bytes).expect("write inbox file");
        }
        let data = tempfile::tempdir().expect("temp dir");
        let report = runtime.block_on(async {
            let workspace = Workspace::open(data.path()).await.expect("open workspace");
            let start = Instant::now();
            let report = workspace
                .ingest_paths(&[inbox.path().to_owned()])
                .await
                .expect("ingest");
            ingest_rates.push(files.len() as f64 / start.elapsed().as_secs_f64());
            report
        });
        assert_eq!(report.files, files.len());
    }
    let (parse, ingest) = (median(parse_rates), median(ingest_rates));
    println!(
        "throughput (median of {ROUNDS} rounds, {} threads each):",
        worker_count()
    );
    println!("  bare sniff + parse (read_sniffed):     {parse:>9.1} files/s");
    println!("  end-to-end ingest (archive, SQLite):   {ingest:>9.1} files/s");
    println!(
        "  ingest / parse = {:.3}  (pipeline overhead = {:.1}% of the end-to-end time)",
        ingest / parse,
        100.0 * (1.0 - ingest / parse)
    );
}

fn latency(runtime: &tokio::runtime::Runtime, what: &str, bytes: &[u8], extension: &str) {
    let mut times = runtime.block_on(drop_latencies(bytes, extension));
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "drop-to-recorded latency, {what}, watcher running ({} drops):",
        times.len()
    );
    println!(
        "  p50 {:>6.1} ms   p95 {:>6.1} ms   max {:>6.1} ms   (target p95 <= 250 ms)",
        ms(at(0.5)),
        ms(at(0.95)),
        ms(at(1.0))
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Drops `bytes` (made distinct each time by a trailing comment, which XML and PDF both allow) into a
/// watched inbox, one file at a time, and times each until the batch that took it is recorded.
async fn drop_latencies(bytes: &[u8], extension: &str) -> Vec<Duration> {
    let data = tempfile::tempdir().expect("temp dir");
    let inbox = tempfile::tempdir().expect("temp dir");
    let workspace = Workspace::open(data.path()).await.expect("open workspace");
    let mut events = workspace.subscribe();
    let watch = workspace.start_watching(inbox.path().to_owned());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut times = Vec::new();
    for i in 0..LATENCY_DROPS {
        let mut content = bytes.to_vec();
        let comment = match extension {
            "pdf" => format!("\n% drop {i}\n"),
            _ => format!("\n<!-- drop {i} -->\n"),
        };
        content.extend_from_slice(comment.as_bytes());
        let path = inbox.path().join(format!("drop-{i:03}.{extension}"));
        let start = Instant::now();
        std::fs::write(&path, &content).expect("drop a file");
        let recorded = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                match events.recv().await {
                    Ok(CoreEvent::BatchFinished { .. }) => return true,
                    Ok(_) => continue,
                    Err(_) => return false,
                }
            }
        })
        .await;
        assert_eq!(recorded, Ok(true), "drop {i} was recorded");
        times.push(start.elapsed());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let report = watch.stop().await.expect("stop watching");
    assert_eq!(report.processed, LATENCY_DROPS);
    times
}
