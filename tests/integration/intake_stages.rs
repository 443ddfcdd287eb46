//! The stage a file is in while it is taken in, as the status bar shows it: `Reading` names the file being
//! read, `OcrProgress` counts a scanned PDF's pages through OCR (tesseract, a real image-only PDF made from a
//! corpus invoice rasterised with poppler's `pdftoppm`).

use std::process::Command;

use backdesk::api::{CoreEvent, Workspace};
use tokio::sync::broadcast::Receiver;

use super::document_support::{image_pdf, read_pgm};
use super::extract_scoring::corpora;

fn drain(events: &mut Receiver<CoreEvent>) -> Vec<CoreEvent> {
    let mut seen = Vec::new();
    while let Ok(event) = events.try_recv() {
        seen.push(event);
    }
    seen
}

fn ocr_events(seen: &[CoreEvent]) -> Vec<(String, usize, usize)> {
    seen.iter()
        .filter_map(|event| match event {
            CoreEvent::OcrProgress { file, done, pages } => Some((file.clone(), *done, *pages)),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scanned_pdf_reports_its_ocr_pages_and_a_text_pdf_only_that_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let text_pdf = corpora().join("pdf-visual/XML-Rechnung__FX__EN16931_Einfach.pdf");
    let status = Command::new("pdftoppm")
        .args(["-r", "100", "-gray", "-f", "1", "-l", "1"])
        .arg(&text_pdf)
        .arg(dir.path().join("page"))
        .status()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(status.success());
    let page = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|ext| ext == "pgm"))
        .unwrap();
    let image = read_pgm(&std::fs::read(page).unwrap());
    // two scanned pages: the counts must follow each page
    let scan = dir.path().join("scan.pdf");
    std::fs::write(&scan, image_pdf(&[image.clone(), image])).unwrap();
    let invoice = dir.path().join("invoice.pdf");
    std::fs::copy(&text_pdf, &invoice).unwrap();

    let workspace = Workspace::open(&dir.path().join("data")).await.unwrap();
    let mut events = workspace.subscribe();

    workspace.ingest_paths(std::slice::from_ref(&scan)).await.unwrap();
    let seen = drain(&mut events);
    assert!(
        seen.contains(&CoreEvent::Reading {
            file: "scan.pdf".to_owned()
        }),
        "{seen:?}"
    );
    assert_eq!(
        ocr_events(&seen),
        vec![
            ("scan.pdf".to_owned(), 0, 2),
            ("scan.pdf".to_owned(), 1, 2),
            ("scan.pdf".to_owned(), 2, 2)
        ]
    );
    // the stage comes before the file is finished
    let reading = seen
        .iter()
        .position(|e| matches!(e, CoreEvent::Reading { .. }))
        .unwrap();
    let finished = seen
        .iter()
        .position(|e| matches!(e, CoreEvent::IngestProgress { .. }))
        .unwrap();
    assert!(reading < finished, "{seen:?}");

    workspace
        .ingest_paths(std::slice::from_ref(&invoice))
        .await
        .unwrap();
    let seen = drain(&mut events);
    assert!(
        seen.contains(&CoreEvent::Reading {
            file: "invoice.pdf".to_owned()
        }),
        "{seen:?}"
    );
    assert!(ocr_events(&seen).is_empty(), "a text PDF needs no OCR: {seen:?}");
}
