//! The e-mail reader against real MIME messages carrying corpus files: every attachment becomes a part with
//! its exact bytes under a safe name, the e-mail's context is kept, and an e-mail without attachments is
//! not an invoice.

use backdesk::formats::{read_document, sniff, Container, Format, ReadFailure, ReadOutput};
use backdesk::model::extraction::ExtractionMethod;
use backdesk::model::ReasonCode;

use super::document_support::mime_base64;
use super::formats_pdf::corpora;

/// A multipart/mixed e-mail with a text body and the given parts (content type, disposition, file name,
/// bytes).
fn email(parts: &[(&str, &str, &str, &[u8])]) -> Vec<u8> {
    let mut out = String::from(
        "From: Accounts <billing@vendor.example>\r\nTo: ap@buyer.example\r\nSubject: Invoice 471102\r\n\
         Date: Tue, 05 Mar 2024 10:15:00 +0100\r\nMessage-ID: <abc.123@vendor.example>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"SEP\"\r\n\r\n--SEP\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Please find our invoice attached.\r\n",
    );
    for (content_type, disposition, name, bytes) in parts {
        out.push_str(&format!(
            "--SEP\r\nContent-Type: {content_type}; name=\"{name}\"\r\nContent-Disposition: {disposition}; \
             filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            mime_base64(bytes)
        ));
    }
    out.push_str("--SEP--\r\n");
    out.into_bytes()
}

fn container(bytes: &[u8]) -> Container {
    assert_eq!(sniff(bytes), Format::Email);
    match read_document("mail.eml", bytes) {
        Ok(ReadOutput::Container(container)) => container,
        Ok(ReadOutput::Invoices(_)) => panic!("an e-mail is a container"),
        Err(failure) => panic!("the e-mail was rejected: {}", failure.message),
    }
}

fn corpus(relative: &str) -> Vec<u8> {
    std::fs::read(corpora().join(relative)).unwrap()
}

#[test]
fn an_email_with_a_pdf_and_an_xml_gives_two_parts_with_their_exact_bytes_and_the_context() {
    let pdf = corpus("zugferd/XML-Rechnung/FX/EN16931_Einfach.pdf");
    let xml = corpus("zugferd/XML-Rechnung/CII/EN16931_Einfach.cii.xml");
    let mail = email(&[
        ("application/pdf", "attachment", "EN16931_Einfach.pdf", &pdf),
        ("application/xml", "attachment", "EN16931_Einfach.cii.xml", &xml),
    ]);
    let container = container(&mail);
    let names: Vec<&str> = container.parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["EN16931_Einfach.pdf", "EN16931_Einfach.cii.xml"]);
    assert!(container.parts[0].bytes == pdf, "the PDF part is byte-identical");
    assert!(container.parts[1].bytes == xml, "the XML part is byte-identical");
    assert_eq!(
        container.context.from.as_deref(),
        Some("Accounts <billing@vendor.example>")
    );
    assert_eq!(container.context.subject.as_deref(), Some("Invoice 471102"));
    assert_eq!(
        container.context.date.as_deref(),
        Some("2024-03-05T10:15:00+01:00")
    );
    assert_eq!(
        container.context.message_id.as_deref(),
        Some("abc.123@vendor.example")
    );
    // each part reads as the document it is
    let methods: Vec<ExtractionMethod> = container
        .parts
        .iter()
        .map(|part| match read_document(&part.name, &part.bytes) {
            Ok(ReadOutput::Invoices(extractions)) => extractions[0].method,
            other => panic!("{}: {other:?}", part.name),
        })
        .collect();
    assert_eq!(methods, [ExtractionMethod::EmbeddedXml, ExtractionMethod::Cii]);
}

#[test]
fn an_attachment_named_to_escape_the_folder_keeps_only_its_file_name() {
    let pdf = corpus("zugferd/XML-Rechnung/FX/EN16931_Einfach.pdf");
    let mail = email(&[
        ("application/pdf", "attachment", "../../x.pdf", &pdf),
        ("application/pdf", "attachment", "..\\..\\x.pdf", &pdf),
    ]);
    let container = container(&mail);
    let names: Vec<&str> = container.parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["x.pdf", "x (2).pdf"], "no directories, no '..', no clash");
    for part in &container.parts {
        assert!(!part.name.contains('/') && !part.name.contains('\\') && !part.name.contains(".."));
        assert!(part.bytes == pdf);
    }
}

#[test]
fn an_email_without_attachments_is_not_an_invoice() {
    let mail = email(&[]);
    let failure: ReadFailure = match read_document("mail.eml", &mail) {
        Err(failure) => failure,
        Ok(other) => panic!("should be rejected: {other:?}"),
    };
    assert_eq!(failure.code, ReasonCode::NotAnInvoice);
    assert!(
        failure.message.starts_with("e-mail without attachments"),
        "{}",
        failure.message
    );
    assert!(failure.message.contains("kept"), "{}", failure.message);
}

#[test]
fn an_attached_message_is_a_part_of_its_own_and_a_small_inline_logo_is_not() {
    let xml = corpus("zugferd/XML-Rechnung/CII/EN16931_Einfach.cii.xml");
    let inner = email(&[("application/xml", "attachment", "inner.xml", &xml)]);
    let logo = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";
    let mut outer = String::from_utf8(email(&[("image/png", "inline", "logo.png", logo)])).unwrap();
    let forwarded = format!(
        "--SEP\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n{}\r\n--SEP--\r\n",
        String::from_utf8(inner.clone()).unwrap()
    );
    outer = outer.replacen("--SEP--\r\n", &forwarded, 1);
    let container = container(outer.as_bytes());
    assert_eq!(
        container.parts.len(),
        1,
        "{:?}",
        container.parts.iter().map(|p| &p.name).collect::<Vec<_>>()
    );
    let part = &container.parts[0];
    assert!(part.name.ends_with(".eml"), "{}", part.name);
    // the attached message is itself an e-mail carrying the XML
    let nested = self::container(&part.bytes);
    assert!(nested.parts[0].bytes == xml);
}
