//! The PDF and image readers through the real CLI: `ingest` records a Factur-X PDF from its XML, queues a
//! text PDF for a person, and rejects encrypted, broken and scanned documents with a sentence.

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
        ("05-scan.png", "OCR is not available yet"),
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
        .find(|i| i["invoice_number"].is_null())
        .expect("the text PDF's invoice");
    assert_eq!(text["status"], "exception", "{text:#}");
    let codes: Vec<&str> = text["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"MISSING_FIELD"),
        "a person enters the text PDF: {codes:?}"
    );
}
