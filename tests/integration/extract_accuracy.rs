//! Accuracy of the template-free visual extraction over the corpora's text PDFs, per field and per corpus,
//! with the calibration of its confidences. Prints the tables (`cargo test --test integration extract_accuracy
//! -- --nocapture`) and fails when accuracy or calibration fall below what the extraction achieves today.

use std::time::Instant;

use backdesk::formats::pdf_invoice::read_pdf_text;
use backdesk::model::extraction::ExtractionMethod;

use super::extract_scoring::{held_out, invoice2data, pdf_visual, Case, Report};

fn run(cases: &[Case]) -> Report {
    let mut report = Report::default();
    for case in cases {
        let bytes = std::fs::read(&case.pdf).unwrap();
        let text = read_pdf_text(&bytes).unwrap_or_else(|f| panic!("{}: {}", case.name, f.message));
        let extraction = backdesk::extract::extract(&case.name, ExtractionMethod::PdfText, &text);
        report.add(case, &extraction);
    }
    report
}

#[test]
fn header_fields_lines_and_confidence_on_the_text_pdfs() {
    let started = Instant::now();
    let visual = pdf_visual();
    let i2d = invoice2data();
    let all: Vec<Case> = visual.iter().chain(&i2d).cloned().collect();
    let (held, dev): (Vec<Case>, Vec<Case>) = all.iter().cloned().partition(held_out);
    let visual_report = run(&visual);
    let i2d_report = run(&i2d);
    let all_report = run(&all);
    let dev_report = run(&dev);
    let held_report = run(&held);
    let per_pdf = started.elapsed().as_secs_f64() / (2 * all.len()) as f64;
    println!(
        "{}",
        visual_report.table(&format!("pdf-visual ({} PDFs)", visual.len()))
    );
    println!(
        "{}",
        i2d_report.table(&format!("invoice2data/compare ({} PDFs)", i2d.len()))
    );
    println!(
        "{}",
        dev_report.table(&format!("development split ({} PDFs)", dev.len()))
    );
    println!(
        "{}",
        held_report.table(&format!("held-out split ({} PDFs)", held.len()))
    );
    println!(
        "mean time per PDF (text + extraction, debug build): {:.1} ms",
        per_pdf * 1000.0
    );
    for mistake in &all_report.mistakes {
        println!("  {mistake}");
    }

    // the goals, met since its second round (97.8% / 91.7% / 92.8% when this was written)
    assert!(
        visual_report.header_accuracy() >= 0.95,
        "header accuracy on pdf-visual fell to {:.1}%",
        100.0 * visual_report.header_accuracy()
    );
    assert!(
        visual_report.line_accuracy() >= 0.90,
        "whole-line accuracy on pdf-visual fell to {:.1}%",
        100.0 * visual_report.line_accuracy()
    );
    // invoice2data's own accuracy on its compare set, with its templates, is 87.0% (benches/extract.rs)
    assert!(
        i2d_report.header_accuracy() >= 0.88,
        "header accuracy on invoice2data/compare fell to {:.1}%, below invoice2data's own",
        100.0 * i2d_report.header_accuracy()
    );
    let (precision, n) = all_report.precision_at(0.9);
    assert!(n > 300, "only {n} values were reported at ≥ 0.9");
    assert!(
        precision >= 0.9,
        "values reported at ≥ 0.9 were right only {:.1}% of the time",
        100.0 * precision
    );
}
