//! The PDF and image readers through the real CLI: `ingest` records a Factur-X PDF from its XML, queues a
//! text PDF for a person, and rejects encrypted, broken and scanned documents with a sentence.

use super::document_support::mime_base64;
use super::formats_pdf::corpora;
use super::support::{backdesk_json, write};

#[test]
fn ingest_reads_factur_x_queues_text_pdfs_and_rejects_what_it_cannot_read() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = tempfile::tempdir().unwrap();
    let p = inbox.path();
    let copy = |from: std::path::PathBuf, name: &str| {
        std::fs::copy(&from, p.join(name)).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    };
    copy(
        corpora().join("zugferd/XML-Rechnung/FX/EN16931_Einfach.pdf"),
        "01-factur-x.pdf",
    );
    copy(
        corpora().join("pdf-visual/XML-Rechnung__FX__EN16931_Miete.pdf"),
        "02-text.pdf",
    );
    copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/formats/encrypted-user-password.pdf"),
        "03-encrypted.pdf",
    );
    copy(
        corpora().join("zugferd/ZUGFeRDv2/fail/Mustangproject/factur-x-invalid-xml-encoding-attribute.pdf"),
        "04-broken-xml.pdf",
    );
    write(
        p,
        "05-scan.png",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0",
    );

    let report = backdesk_json(dir.path(), &["ingest", p.to_str().unwrap()]);
    assert_eq!(
        (report["processed"].as_u64(), report["rejected"].as_u64()),
        (Some(2), Some(3)),
        "{report:#}"
    );

    let documents = backdesk_json(dir.path(), &["documents", "--json"]);
    let by_name = |name: &str| {
        documents
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["path"].as_str().unwrap().ends_with(name))
            .unwrap()
            .clone()
    };
    for (name, words) in [
        ("03-encrypted.pdf", "password-protected"),
        ("04-broken-xml.pdf", "'factur-x.xml'"),
        ("05-scan.png", "OCR could not read the image"),
    ] {
        let doc = by_name(name);
        assert_eq!(doc["state"], "rejected", "{name}: {doc:#}");
        assert_eq!(doc["reason"], "UNREADABLE_DOCUMENT", "{name}: {doc:#}");
        let message = doc["reason_message"].as_str().unwrap();
        assert!(
            message.contains(words),
            "{name}: '{message}' should mention '{words}'"
        );
    }

    let invoices = backdesk_json(dir.path(), &["invoices", "--json"]);
    let invoices = invoices.as_array().unwrap();
    assert_eq!(invoices.len(), 2, "{invoices:#?}");
    let factur_x = invoices
        .iter()
        .find(|i| i["invoice_number"] == "471102")
        .expect("the Factur-X invoice");
    assert_eq!(factur_x["total_gross"], "529.87");
    let id = factur_x["id"].to_string().trim_matches('"').to_owned();
    let detail = backdesk_json(dir.path(), &["invoice", &id, "--json"]);
    assert_eq!(detail["extraction_method"], "embedded-xml");

    let text = invoices
        .iter()
        .find(|i| i["invoice_number"] != "471102")
        .expect("the text PDF's invoice");
    let id = text["id"].to_string().trim_matches('"').to_owned();
    let detail = backdesk_json(dir.path(), &["invoice", &id, "--json"]);
    assert_eq!(detail["extraction_method"], "pdf-text", "{detail:#}");
    assert!(
        detail["fields"]["invoice_number"]["page"].is_number(),
        "the text PDF is read visually, with the page of every field: {detail:#}"
    );
}

#[test]
fn extract_reads_the_invoices_of_an_emails_attachments_and_the_words_of_a_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = std::fs::read(corpora().join("zugferd/XML-Rechnung/FX/EN16931_Einfach.pdf")).unwrap();
    let text_pdf = std::fs::read(corpora().join("pdf-visual/XML-Rechnung__FX__EN16931_Miete.pdf")).unwrap();
    let mail = format!(
        "From: a@vendor.example\r\nSubject: invoices\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; \
         boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n--B\r\nContent-Type: application/pdf\r\n\
         Content-Disposition: attachment; filename=\"a.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--B\r\n\
         Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"b.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--B--\r\n",
        mime_base64(&pdf),
        mime_base64(&text_pdf)
    );
    let eml = write(dir.path(), "mail.eml", mail);
    let out = backdesk_json(dir.path(), &["extract", eml.to_str().unwrap(), "--json"]);
    let methods: Vec<&str> = out
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["method"].as_str().unwrap())
        .collect();
    assert_eq!(methods, ["embedded-xml", "pdf-text"]);
    assert!(out[0]["source"].as_str().unwrap().ends_with("mail.eml/a.pdf"));

    let pdf_path = write(dir.path(), "a.pdf", &pdf);
    let words = backdesk_json(dir.path(), &["extract", pdf_path.to_str().unwrap(), "--words"]);
    let first_page = &words["pages"][0];
    assert_eq!(first_page["number"], 1);
    let texts: Vec<&str> = first_page["words"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["text"].as_str().unwrap())
        .collect();
    assert!(
        texts.contains(&"471102"),
        "the invoice number is a word on page 1: {texts:?}"
    );
}
