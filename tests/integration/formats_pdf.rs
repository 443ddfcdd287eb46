//! The PDF reader against real files: every corpus PDF with embedded e-invoice XML yields its invoice (equal
//! to the XML read on its own where the corpus has it beside the PDF); broken, truncated, encrypted, random
//! and non-invoice PDFs are rejected with a reason that says what to do.

use std::path::{Path, PathBuf};

use backdesk::formats::pdf::open_pdf;
use backdesk::formats::pdf_attachments::embedded_files;
use backdesk::formats::{read_document, sniff, Format, ReadFailure, ReadOutput};
use backdesk::model::extraction::{Extraction, ExtractionMethod};
use backdesk::model::ReasonCode;
use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};

/// The shared corpora beside the checkout; missing corpora fail loudly.
pub fn corpora() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora");
    assert!(dir.is_dir(), "the corpora are missing at {}", dir.display());
    dir
}

/// Every file below `dir` with the extension `ext` (any case), sorted.
pub fn files_with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext)) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name)
}

fn read_one(name: &str, bytes: &[u8]) -> Result<Extraction, ReadFailure> {
    match read_document(name, bytes)? {
        ReadOutput::Invoices(mut extractions) => {
            assert_eq!(extractions.len(), 1, "{name}: one invoice per PDF");
            Ok(extractions.remove(0))
        }
        ReadOutput::Container(_) => panic!("{name}: a PDF is not a container"),
    }
}

fn rejection(name: &str, bytes: &[u8]) -> ReadFailure {
    match read_one(name, bytes) {
        Ok(extraction) => panic!("{name} should be rejected, read as {:?}", extraction.method),
        Err(failure) => failure,
    }
}

/// The corpus PDF whose embedded XML declares an invalid encoding (`UTF-8-W/O-BOM`).
const BROKEN_ENCODING: &str = "factur-x-invalid-xml-encoding-attribute.pdf";

/// Whether the PDF carries an XML attachment, found with the attachment walker alone (not the reader).
fn has_embedded_xml(bytes: &[u8]) -> bool {
    let document = open_pdf(bytes).unwrap();
    embedded_files(&document)
        .iter()
        .any(|f| f.name.to_ascii_lowercase().ends_with(".xml"))
}

#[test]
fn every_corpus_pdf_with_embedded_xml_yields_its_invoice_from_the_xml() {
    let pdfs = files_with_extension(&corpora().join("zugferd"), "pdf");
    let mut read = 0;
    let mut failures = Vec::new();
    for path in &pdfs {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(path).unwrap();
        if name == BROKEN_ENCODING || !has_embedded_xml(&bytes) {
            continue;
        }
        match read_one(&name, &bytes) {
            Err(failure) => failures.push(format!("{name}: {}", failure.message)),
            Ok(extraction) => {
                let invoice = extraction.invoice.as_ref().unwrap();
                let complete = extraction.method == ExtractionMethod::EmbeddedXml
                    && invoice.number.is_some()
                    && invoice.issue_date.is_some()
                    && invoice.totals.tax_inclusive.is_some()
                    && invoice.specification_id.is_some()
                    && extraction
                        .fields
                        .values()
                        .all(|f| f.confidence == 1.0 && f.bbox.is_none());
                if complete {
                    read += 1;
                } else {
                    failures.push(format!("{name}: {:?} incomplete", extraction.method));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} PDFs failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // the corpus has 92 PDFs: one plain (unstructured/) and the broken one aside, all carry XML
    assert!(
        read >= 90,
        "only {read} PDFs with embedded XML were found and read"
    );
}

/// Element names, attributes and trimmed texts in document order: equal for two files that state the same
/// content, whatever their indentation.
fn xml_content(bytes: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(bytes).unwrap().trim_start_matches('\u{feff}');
    let document = roxmltree::Document::parse(text).unwrap();
    document
        .descendants()
        .filter_map(|node| {
            if node.is_element() {
                let attributes: Vec<String> = node
                    .attributes()
                    .map(|a| format!("{}={}", a.name(), a.value()))
                    .collect();
                Some(format!("<{} {}>", node.tag_name().name(), attributes.join(" ")))
            } else if node.is_text() {
                let text = node.text().unwrap_or_default().trim();
                (!text.is_empty()).then(|| text.to_owned())
            } else {
                None
            }
        })
        .collect()
}

#[test]
fn the_embedded_xml_gives_the_same_invoice_as_the_xml_file_beside_the_pdf() {
    let folder = corpora().join("zugferd/XML-Rechnung");
    let mut compared = Vec::new();
    let mut other_versions = Vec::new();
    for pdf in files_with_extension(&folder.join("FX"), "pdf") {
        let stem = pdf.file_stem().unwrap().to_string_lossy().to_string();
        let xml = std::fs::read(folder.join("CII").join(format!("{stem}.cii.xml"))).unwrap();
        let pdf_bytes = std::fs::read(&pdf).unwrap();
        let document = open_pdf(&pdf_bytes).unwrap();
        let embedded = embedded_files(&document)
            .into_iter()
            .find(|f| f.name.ends_with(".xml"))
            .unwrap()
            .content
            .unwrap();
        let from_pdf = read_one(&stem, &pdf_bytes).unwrap();
        let from_xml = read_one(&stem, &xml).unwrap();
        assert_eq!(from_pdf.method, ExtractionMethod::EmbeddedXml);
        assert_eq!(from_xml.method, ExtractionMethod::Cii);
        if xml_content(&embedded) != xml_content(&xml) {
            // the corpus regenerated some XML files for a later XRechnung version: not the same content
            assert_ne!(
                from_pdf.invoice, from_xml.invoice,
                "{stem}: different XML, yet equal invoices?"
            );
            other_versions.push(stem);
            continue;
        }
        assert_eq!(
            from_pdf.invoice, from_xml.invoice,
            "{stem}: canonical invoices differ"
        );
        assert_eq!(from_pdf.fields, from_xml.fields, "{stem}: contract fields differ");
        assert_eq!(from_pdf.lines, from_xml.lines, "{stem}: lines differ");
        compared.push(stem);
    }
    println!(
        "equal to the XML beside the PDF: {} pairs; other versions: {other_versions:?}",
        compared.len()
    );
    assert!(
        compared.len() >= 20,
        "only {} pairs had the same content: {other_versions:?}",
        compared.len()
    );
}

#[test]
fn the_profile_bt_24_of_the_embedded_xml_is_kept() {
    let path = corpora().join("zugferd/ZUGFeRDv2/correct/FNFE-factur-x-examples/Facture_FR_MINIMUM.pdf");
    let extraction = read_one("minimum", &std::fs::read(path).unwrap()).unwrap();
    let guideline = extraction.invoice.unwrap().specification_id.unwrap();
    assert!(guideline.contains("minimum"), "{guideline}");
}

/// The corpus PDF that carries the same invoice twice: as ZUGFeRD 1.0 and as Factur-X (ZUGFeRD 2).
fn zugferd_1_and_2() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let path = corpora().join("zugferd/ZUGFeRDv2/fail/MustangRE-20171118_506_ZUGFeRD1and2.pdf");
    let pdf = std::fs::read(path).unwrap();
    let document = open_pdf(&pdf).unwrap();
    let files = embedded_files(&document);
    let content = |name: &str| {
        files
            .iter()
            .find(|f| f.name == name)
            .unwrap()
            .content
            .clone()
            .unwrap()
    };
    let (zf1, zf2) = (content("ZUGFeRD-invoice.xml"), content("factur-x.xml"));
    (pdf, zf1, zf2)
}

#[test]
fn zugferd_1_states_the_same_invoice_as_its_zugferd_2_twin() {
    let (pdf, zf1, zf2) = zugferd_1_and_2();
    assert_eq!(sniff(&zf1), Format::Zugferd1);
    let one = read_one("ZUGFeRD-invoice.xml", &zf1).unwrap();
    let two = read_one("factur-x.xml", &zf2).unwrap();
    let (one_invoice, two_invoice) = (one.invoice.clone().unwrap(), two.invoice.clone().unwrap());
    assert!(
        one_invoice
            .specification_id
            .as_deref()
            .unwrap()
            .starts_with("urn:ferd:CrossIndustryDocument:invoice:1p0"),
        "BT-24 kept: {:?}",
        one_invoice.specification_id
    );
    for field in [
        "invoice_number",
        "issue_date",
        "currency",
        "seller_name",
        "seller_vat_id",
        "buyer_name",
        "total_net",
        "total_tax",
        "total_gross",
        "amount_due",
        "iban",
        "due_date",
    ] {
        assert_eq!(
            one.fields.get(field).map(|f| &f.value),
            two.fields.get(field).map(|f| &f.value),
            "{field} differs between ZUGFeRD 1.0 and 2"
        );
    }
    assert_eq!(one.lines, two.lines, "the lines agree");
    assert_eq!(one_invoice.vat_breakdown, two_invoice.vat_breakdown);
    let rates = |i: &backdesk::model::Invoice| {
        i.lines
            .iter()
            .map(|l| (l.vat_category.clone(), l.vat_rate))
            .collect::<Vec<_>>()
    };
    assert_eq!(rates(&one_invoice), rates(&two_invoice), "line VAT agrees");
    // the PDF itself is read from the newer XML
    let from_pdf = read_one("both.pdf", &pdf).unwrap();
    assert_eq!(
        from_pdf.invoice.unwrap().specification_id,
        two_invoice.specification_id
    );
}

#[test]
fn a_pdf_carrying_only_zugferd_1_is_read_from_it() {
    let (_, zf1, _) = zugferd_1_and_2();
    let bytes = make_pdf(&["Rechnung RE-20171118/506"], &[("ZUGFeRD-invoice.xml", &zf1)]);
    let extraction = read_one("zf1.pdf", &bytes).unwrap();
    assert_eq!(extraction.method, ExtractionMethod::EmbeddedXml);
    assert_eq!(extraction.fields["invoice_number"].value, "RE-20171118/506");
    assert_eq!(extraction.fields["total_gross"].value, "571.04");
}

#[test]
fn broken_embedded_xml_rejects_the_pdf_naming_the_embedded_file() {
    let path = files_with_extension(&corpora().join("zugferd"), "pdf")
        .into_iter()
        .find(|p| p.ends_with(BROKEN_ENCODING))
        .unwrap();
    let failure = rejection(BROKEN_ENCODING, &std::fs::read(path).unwrap());
    assert_eq!(failure.code, ReasonCode::UnreadableDocument);
    assert!(failure.message.contains("'factur-x.xml'"), "{}", failure.message);
    assert!(failure.message.contains("encoding"), "{}", failure.message);
    assert!(failure.message.contains("ask the vendor"), "{}", failure.message);
}

#[test]
fn a_truncated_pdf_is_rejected_wherever_it_was_cut() {
    let bytes = std::fs::read(corpora().join("zugferd/XML-Rechnung/FX/EN16931_Einfach.pdf")).unwrap();
    for share in [1, 10, 50, 90, 99] {
        let cut = &bytes[..bytes.len() * share / 100];
        let failure = rejection("cut.pdf", cut);
        assert_eq!(failure.code, ReasonCode::UnreadableDocument, "cut at {share}%");
        assert!(
            failure.message.contains("truncated"),
            "cut at {share}%: {}",
            failure.message
        );
        assert!(failure.message.contains("ask the sender"), "{}", failure.message);
    }
}

#[test]
fn a_pdf_damaged_inside_is_rejected_not_a_panic() {
    let bytes = std::fs::read(corpora().join("zugferd/XML-Rechnung/FX/EN16931_Einfach.pdf")).unwrap();
    // overwrite the middle with noise, keep the head and the end-of-file marker
    let mut damaged = bytes.clone();
    let (start, end) = (200, bytes.len() - 100);
    let mut state = 0x2545_f491_u32;
    for b in &mut damaged[start..end] {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        *b = state as u8;
    }
    let failure = rejection("damaged.pdf", &damaged);
    assert_eq!(
        failure.code,
        ReasonCode::UnreadableDocument,
        "{}",
        failure.message
    );
}

#[test]
fn a_password_protected_pdf_is_rejected_asking_for_an_unprotected_copy() {
    let bytes = std::fs::read(fixture("encrypted-user-password.pdf")).unwrap();
    assert_eq!(sniff(&bytes), Format::Pdf);
    let failure = rejection("encrypted.pdf", &bytes);
    assert_eq!(failure.code, ReasonCode::UnreadableDocument);
    assert!(
        failure.message.contains("password-protected"),
        "{}",
        failure.message
    );
    assert!(
        failure.message.contains("ask the vendor for an unprotected copy"),
        "{}",
        failure.message
    );
}

#[test]
fn a_pdf_encrypted_without_a_user_password_is_still_read() {
    // permissions-only encryption (owner password, empty user password) opens in every viewer
    let bytes = std::fs::read(fixture("encrypted-owner-password-only.pdf")).unwrap();
    let extraction = read_one("owner-only.pdf", &bytes).unwrap();
    assert_eq!(extraction.method, ExtractionMethod::EmbeddedXml);
    assert_eq!(extraction.fields["invoice_number"].value, "471102");
}

#[test]
fn random_bytes_named_pdf_are_rejected_whatever_the_name() {
    let mut state = 0x9e37_79b9_u32;
    let random: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect();
    let failure = rejection("invoice.pdf", &random);
    assert_eq!(failure.code, ReasonCode::UnreadableDocument);
    assert!(
        failure.message.contains("not a format Backdesk reads"),
        "{}",
        failure.message
    );
    // the same noise behind a PDF header and before an end marker
    let mut fake = b"%PDF-1.7\n".to_vec();
    fake.extend_from_slice(&random);
    fake.extend_from_slice(b"\n%%EOF\n");
    let failure = rejection("invoice.pdf", &fake);
    assert_eq!(failure.code, ReasonCode::UnreadableDocument);
    assert!(failure.message.contains("ask the sender"), "{}", failure.message);
}

/// A one-page PDF written with lopdf: `lines` of Helvetica text at 12 pt from (72, 720) down, and optional
/// embedded files (name, bytes).
pub fn make_pdf(lines: &[&str], attachments: &[(&str, &[u8])]) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let mut operations = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 12.into()]),
        Operation::new("TL", vec![14.into()]),
        Operation::new("Td", vec![72.into(), 720.into()]),
    ];
    for line in lines {
        operations.push(Operation::new("Tj", vec![Object::string_literal(*line)]));
        operations.push(Operation::new("T*", vec![]));
    }
    operations.push(Operation::new("ET", vec![]));
    // a drawn rectangle, so a PDF without text still has content
    operations.push(Operation::new(
        "re",
        vec![50.into(), 50.into(), 100.into(), 100.into()],
    ));
    operations.push(Operation::new("S", vec![]));
    let content = Content { operations };
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 }),
    );
    let mut names = Vec::new();
    let mut associated = Vec::new();
    for (name, bytes) in attachments {
        let mut stream = Stream::new(dictionary! { "Type" => "EmbeddedFile" }, bytes.to_vec());
        stream.compress().unwrap();
        let file_id = doc.add_object(stream);
        let spec_id = doc.add_object(dictionary! {
            "Type" => "Filespec", "F" => Object::string_literal(*name), "UF" => Object::string_literal(*name),
            "AFRelationship" => "Alternative", "EF" => dictionary! { "F" => file_id },
        });
        names.push(Object::string_literal(*name));
        names.push(spec_id.into());
        associated.push(Object::from(spec_id));
    }
    let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
    if !attachments.is_empty() {
        catalog.set(
            "Names",
            dictionary! { "EmbeddedFiles" => dictionary! { "Names" => names } },
        );
        catalog.set("AF", associated);
    }
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", catalog_id);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

#[test]
fn a_pdf_that_is_not_an_invoice_is_rejected_as_such() {
    let bytes = make_pdf(
        &[
            "Quarterly newsletter of the garden club",
            "Our new opening hours from May",
        ],
        &[],
    );
    let failure = rejection("newsletter.pdf", &bytes);
    assert_eq!(failure.code, ReasonCode::NotAnInvoice, "{}", failure.message);
    assert!(
        failure.message.contains("enter it by hand"),
        "{}",
        failure.message
    );
}

#[test]
fn a_text_layer_that_does_not_read_as_language_is_queued_not_called_a_non_invoice() {
    // what a font without a usable character map decodes to: letters, but no words
    let bytes = make_pdf(
        &["Sfdiovoh Os 4711 wpn 05.03.2024", "Hftbnucfusbh 529,87 FVS"],
        &[],
    );
    let extraction = read_one("garbled.pdf", &bytes).unwrap();
    assert_eq!(extraction.method, ExtractionMethod::PdfText);
    assert!(extraction.fields.is_empty());
}

#[test]
fn a_pdf_carrying_an_order_x_order_is_not_an_invoice() {
    let order = br#"<?xml version="1.0" encoding="UTF-8"?><rsm:SCRDMCCBDACIOMessageStructure xmlns:rsm="urn:un:unece:uncefact:data:SCRDMCCBDACIOMessageStructure:100"/>"#;
    let bytes = make_pdf(&["Purchase order 4711"], &[("order-x.xml", order)]);
    let failure = rejection("order.pdf", &bytes);
    assert_eq!(failure.code, ReasonCode::NotAnInvoice);
    assert!(failure.message.contains("Order-X"), "{}", failure.message);
}

#[test]
fn an_embedded_invoice_under_any_standard_name_or_none_is_found() {
    let cii = std::fs::read(corpora().join("zugferd/XML-Rechnung/CII/EN16931_Einfach.cii.xml")).unwrap();
    for name in [
        "factur-x.xml",
        "ZUGFeRD-invoice.xml",
        "zugferd-invoice.xml",
        "xrechnung.xml",
        "rechnung-2024.xml",
    ] {
        let bytes = make_pdf(&["Rechnung"], &[("readme.txt", b"hello"), (name, &cii)]);
        let extraction = read_one(name, &bytes).unwrap_or_else(|f| panic!("{name}: {}", f.message));
        assert_eq!(extraction.method, ExtractionMethod::EmbeddedXml, "{name}");
        assert_eq!(extraction.fields["invoice_number"].value, "471102", "{name}");
    }
}

#[test]
fn a_text_pdf_without_xml_is_read_visually_with_page_and_box() {
    let path = corpora().join("pdf-visual/XML-Rechnung__FX__EN16931_Einfach.pdf");
    let truth: serde_json::Value = serde_json::from_slice(
        &std::fs::read(path.with_extension("json")).expect("the ground truth beside the PDF"),
    )
    .unwrap();
    let extraction = read_one("einfach.pdf", &std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(extraction.method, ExtractionMethod::PdfText);
    let number = &extraction.fields["invoice_number"];
    assert_eq!(number.value, truth["invoice_number"].as_str().unwrap());
    assert_eq!(
        number.page,
        Some(1),
        "a visually read field says where it was read"
    );
    assert!(number.bbox.is_some());
    assert!(
        extraction.invoice.is_some(),
        "the invoice is recorded so that it reaches the queue"
    );
}

#[test]
fn a_pdf_without_text_says_it_needs_ocr() {
    let bytes = make_pdf(&[], &[]);
    let failure = rejection("scan.pdf", &bytes);
    assert_eq!(failure.code, ReasonCode::UnreadableDocument);
    assert!(failure.message.contains("OCR"), "{}", failure.message);
}

#[test]
fn a_broken_image_is_refused_with_what_ocr_said() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";
    let failure = rejection("scan.png", png);
    assert_eq!(failure.code, ReasonCode::UnreadableDocument);
    assert!(
        failure.message.contains("OCR could not read the image"),
        "{}",
        failure.message
    );
}

#[test]
fn mutated_corpus_pdfs_are_read_or_rejected_without_a_panic_inside() {
    // the reader contains panics of the PDF library; this counts any that happen on this thread, so a
    // panic in the library or in our own code shows up here instead of hiding behind the containment
    let me = std::thread::current().id();
    let caught: std::sync::Arc<std::sync::Mutex<Vec<String>>> = std::sync::Arc::default();
    let previous: std::sync::Arc<dyn Fn(&std::panic::PanicHookInfo<'_>) + Send + Sync> =
        std::sync::Arc::from(std::panic::take_hook());
    {
        let (caught, previous) = (caught.clone(), previous.clone());
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().id() == me {
                caught.lock().unwrap().push(info.to_string());
            } else {
                previous(info);
            }
        }));
    }
    let mut pdfs = files_with_extension(&corpora().join("invoice2data/compare"), "pdf");
    pdfs.push(corpora().join("zugferd/XML-Rechnung/FX/EN16931_Einfach.pdf"));
    pdfs.push(corpora().join("pdf-visual/XML-Rechnung__FX__EN16931_Rabatte.pdf"));
    let mut state = 0x1234_5678_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut outcomes = 0;
    for pdf in &pdfs {
        let bytes = std::fs::read(pdf).unwrap();
        for round in 0..30 {
            let mut mutated = bytes.clone();
            for _ in 0..1 + next() % 20 {
                let at = (next() as usize) % mutated.len();
                mutated[at] = next() as u8;
            }
            if round % 5 == 0 {
                mutated.truncate((next() as usize) % mutated.len());
                mutated.extend_from_slice(b"\n%%EOF\n");
            }
            let _ = read_document("mutated.pdf", &mutated);
            outcomes += 1;
        }
    }
    std::panic::set_hook(Box::new(move |info| previous(info)));
    let caught = caught.lock().unwrap();
    assert!(
        caught.is_empty(),
        "{} of {outcomes} mutated PDFs panicked inside: {caught:?}",
        caught.len()
    );
}

#[test]
fn an_invoice_attached_through_a_page_annotation_is_found() {
    let cii = std::fs::read(corpora().join("zugferd/XML-Rechnung/CII/EN16931_Einfach.cii.xml")).unwrap();
    let mut doc = Document::load_mem(&make_pdf(&["Rechnung"], &[])).unwrap();
    let file_id = doc.add_object(Stream::new(dictionary! { "Type" => "EmbeddedFile" }, cii));
    let spec_id = doc.add_object(dictionary! {
        "Type" => "Filespec", "F" => Object::string_literal("factur-x.xml"), "EF" => dictionary! { "F" => file_id },
    });
    let annotation_id = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "FileAttachment", "FS" => spec_id,
        "Rect" => vec![0.into(), 0.into(), 10.into(), 10.into()],
    });
    let page_id = *doc.get_pages().get(&1).unwrap();
    doc.get_dictionary_mut(page_id)
        .unwrap()
        .set("Annots", vec![Object::from(annotation_id)]);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    let extraction = read_one("annotated.pdf", &bytes).unwrap();
    assert_eq!(extraction.method, ExtractionMethod::EmbeddedXml);
    assert_eq!(extraction.fields["invoice_number"].value, "471102");
}

#[test]
fn no_invoice_pdf_of_the_visual_corpora_is_rejected() {
    // text PDFs are queued for a person; one invoice2data PDF (AzureInterior, from Odoo) carries Factur-X
    let mut pdfs = files_with_extension(&corpora().join("pdf-visual"), "pdf");
    pdfs.extend(files_with_extension(
        &corpora().join("invoice2data/compare"),
        "pdf",
    ));
    pdfs.push(corpora().join("zugferd/unstructured/RE-E-974-Hetzner_2016-01-19_R0005532486.pdf"));
    let rejected: Vec<String> = pdfs
        .iter()
        .filter_map(|pdf| match read_one("text.pdf", &std::fs::read(pdf).unwrap()) {
            Ok(_) => None,
            Err(failure) => Some(format!("{}: {}", pdf.display(), failure.message)),
        })
        .collect();
    assert!(pdfs.len() >= 80, "{} PDFs", pdfs.len());
    assert!(rejected.is_empty(), "{rejected:#?}");
}
