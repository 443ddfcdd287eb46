//! End-to-end intake of e-mails and PDFs: these need the `.eml` and PDF readers from the formats work, so
//! this file is NOT registered in `main.rs` yet. After merging the formats branch, add `mod intake_eml;`
//! to `tests/integration/main.rs`.
//!
//! An e-mail's attachments each become their own document, linked to the e-mail and showing its sender,
//! subject and date; an attachment name that tries path traversal is stored under its last component and
//! nothing is written outside the archive; truncated and encrypted PDFs are rejected with a reason.

use std::path::Path;

use crate::document_support::mime_base64;
use crate::intake_support::{corpus_xml, documents_by_path, sha256_of};
use crate::support::{backdesk_json, demo, repo};

/// An e-mail with these attachments (file name, content type, bytes).
fn email(attachments: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut text = String::from(
        "From: Bluem Billing <billing@bluem.example>\r\n\
         To: ap@example.com\r\n\
         Subject: Invoice 20150483\r\n\
         Date: Mon, 02 Mar 2026 09:15:00 +0000\r\n\
         Message-ID: <20150483@bluem.example>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b0undary\"\r\n\r\n\
         --b0undary\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n\
         Please find our invoice attached.\r\n",
    );
    for (name, content_type, bytes) in attachments {
        text.push_str(&format!(
            "--b0undary\r\nContent-Type: {content_type}; name=\"{name}\"\r\n\
             Content-Disposition: attachment; filename=\"{name}\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            mime_base64(bytes)
        ));
    }
    text.push_str("--b0undary--\r\n");
    text.into_bytes()
}

#[test]
fn each_attachment_of_an_email_is_its_own_document_linked_to_the_email_with_its_context() {
    let data = tempfile::tempdir().unwrap();
    let outer = tempfile::tempdir().unwrap();
    let inbox = outer.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    let invoice = std::fs::read(demo("inbox/bluem-20150483.xml")).unwrap();
    let other = std::fs::read(demo("inbox/enexis-1100512149.xml")).unwrap();
    let mail = email(&[
        ("../../x.xml", "application/xml", &invoice),
        ("enexis.xml", "application/xml", &other),
    ]);
    std::fs::write(inbox.join("mail.eml"), &mail).unwrap();

    let report = backdesk_json(data.path(), &["ingest", inbox.to_str().unwrap()]);
    assert_eq!(
        report["processed"], 3,
        "the e-mail and both attachments: {report:#}"
    );
    assert_eq!(report["invoice_ids"].as_array().unwrap().len(), 2);

    let documents = documents_by_path(data.path());
    let parent = &documents[&inbox.join("mail.eml").display().to_string()][0];
    assert_eq!(parent["state"], "processed");
    let traversal = &documents[&format!("{}#x.xml", inbox.join("mail.eml").display())][0];
    assert_eq!(traversal["part_name"], "x.xml", "no directories in a part's name");
    assert_eq!(traversal["parent_id"], parent["id"]);
    assert_eq!(traversal["state"], "processed");
    assert!(traversal["email"]["from"]
        .as_str()
        .unwrap()
        .contains("billing@bluem.example"));
    assert_eq!(traversal["email"]["subject"], "Invoice 20150483");
    let date = traversal["email"]["date"].as_str().unwrap();
    assert!(
        date.contains("2026") && (date.contains("03-02") || date.contains("2 Mar")),
        "{date}"
    );
    let sha = traversal["sha256"].as_str().unwrap();
    assert_eq!(
        std::fs::read(data.path().join("archive").join(&sha[..2]).join(sha)).unwrap(),
        invoice,
        "the attachment is archived byte for byte"
    );
    for escaped in [
        outer.path().join("x.xml"),
        data.path().join("x.xml"),
        Path::new("/x.xml").to_owned(),
    ] {
        assert!(!escaped.exists(), "nothing was written to {}", escaped.display());
    }
}

#[test]
fn the_same_email_dropped_again_is_a_duplicate_file_and_its_attachments_are_not_taken_twice() {
    let data = tempfile::tempdir().unwrap();
    let inbox = tempfile::tempdir().unwrap();
    let invoice = std::fs::read(&corpus_xml()[0]).unwrap();
    let mail = email(&[("invoice.xml", "application/xml", &invoice)]);
    std::fs::write(inbox.path().join("a.eml"), &mail).unwrap();
    std::fs::write(inbox.path().join("b.eml"), &mail).unwrap();
    backdesk_json(data.path(), &["ingest", inbox.path().to_str().unwrap()]);
    let documents = documents_by_path(data.path());
    assert_eq!(
        documents.len(),
        3,
        "two e-mails and one attachment: {documents:#?}"
    );
    let states: Vec<&str> = documents
        .values()
        .flatten()
        .map(|d| d["state"].as_str().unwrap())
        .collect();
    assert_eq!(states.iter().filter(|s| **s == "duplicate_file").count(), 1);
}

#[test]
fn truncated_and_encrypted_pdfs_are_rejected_with_a_reason() {
    let data = tempfile::tempdir().unwrap();
    let inbox = tempfile::tempdir().unwrap();
    let pdf = repo().join("../shared/corpora/pdf-visual/XML-Rechnung__FX__EN16931_1_Teilrechnung.pdf");
    let bytes = std::fs::read(&pdf).unwrap();
    std::fs::write(inbox.path().join("truncated.pdf"), &bytes[..bytes.len() / 2]).unwrap();
    // made once with qpdf from a corpus PDF (tests/fixtures/formats/README.md)
    std::fs::copy(
        repo().join("tests/fixtures/formats/encrypted-user-password.pdf"),
        inbox.path().join("encrypted.pdf"),
    )
    .unwrap();

    backdesk_json(data.path(), &["ingest", inbox.path().to_str().unwrap()]);
    let documents = documents_by_path(data.path());
    for (name, words) in [("truncated.pdf", "truncated"), ("encrypted.pdf", "password")] {
        let path = inbox.path().join(name);
        let doc = &documents[&path.display().to_string()][0];
        assert_eq!(doc["state"], "rejected", "{name}: {doc:#}");
        assert_eq!(doc["reason"], "UNREADABLE_DOCUMENT", "{name}");
        assert_eq!(doc["sha256"], sha256_of(&path));
        let message = doc["reason_message"].as_str().unwrap().to_lowercase();
        assert!(
            message.contains(words),
            "{name}: '{message}' should say '{words}'"
        );
    }
}
