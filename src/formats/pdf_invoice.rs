//! PDF → invoices: the e-invoice XML a Factur-X / ZUGFeRD / XRechnung PDF carries is the source of the fields;
//! a PDF without one is read visually (its text layer, or OCR of its page images) by `extract`.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::pdf::open_pdf;
use super::pdf_attachments::{embedded_files, EmbeddedFile};
use super::pdf_text::{extract_text, PdfText};
use super::{einvoice, sniff, Format, ReadFailure, ReadOutput};
use crate::model::extraction::{Extraction, ExtractionMethod};

/// The names the Factur-X, ZUGFeRD (1.0 and 2.x) and XRechnung specifications give the invoice XML, most
/// specific first (a ZUGFeRD 2 PDF that also keeps its 1.0 XML is read from the 2.x one).
const INVOICE_XML_NAMES: &[&str] = &["factur-x.xml", "xrechnung.xml", "zugferd-invoice.xml"];
/// Order-X (the purchase-order sibling of Factur-X): a PDF carrying it is an order, not an invoice.
const ORDER_XML_NAME: &str = "order-x.xml";

/// Words that name an invoice or credit note in the languages the extraction reads (lower case). A PDF whose
/// text has none of them is not taken for an invoice.
const INVOICE_WORDS: &[&str] = &[
    "invoice",
    "credit note",
    "bill",
    "rechnung",
    "gutschrift",
    "facture",
    "avoir",
    "factura",
    "abono",
    "fattura",
    "nota di credito",
    "factuur",
    "creditnota",
    "faktura",
    "receipt",
    "quittung",
];

/// Everyday words of the same languages. A text with none of them is not read as language (a garbled text
/// layer, or too little text to judge), so it is never called "not an invoice": a person looks at it.
const COMMON_WORDS: &[&str] = &[
    "the", "and", "of", "to", "for", "our", "your", "with", "from", "der", "die", "das", "und", "für", "mit",
    "von", "ihre", "le", "la", "les", "et", "des", "pour", "avec", "votre", "het", "een", "van", "voor",
    "met", "uw", "el", "los", "las", "y", "con", "para", "il", "di", "per", "con", "della",
];

/// Reads a PDF. Every failure is a sentence naming what is wrong and what to do.
pub fn read_pdf(source: &str, bytes: &[u8]) -> Result<ReadOutput, ReadFailure> {
    // lopdf parses untrusted bytes: a panic anywhere below is contained here as damage
    catch_unwind(AssertUnwindSafe(|| read_pdf_unguarded(source, bytes))).unwrap_or_else(|_| {
        Err(ReadFailure::unreadable(
            "the PDF is damaged: reading it failed unexpectedly; ask the sender for a new copy",
        ))
    })
}

fn read_pdf_unguarded(source: &str, bytes: &[u8]) -> Result<ReadOutput, ReadFailure> {
    let document = open_pdf(bytes).map_err(ReadFailure::unreadable)?;
    let files = embedded_files(&document);
    if let Some(mut extraction) = read_embedded_invoice(source, &files)? {
        // what the page shows must agree with the XML we book
        let page = extract_text(&document);
        extraction
            .findings
            .extend(super::pdf_consistency::compare(source, &page, &extraction));
        return Ok(ReadOutput::Invoices(vec![extraction]));
    }
    if let Some(order) = files.iter().find(|f| f.name.eq_ignore_ascii_case(ORDER_XML_NAME)) {
        return Err(ReadFailure::not_an_invoice(format!(
            "the PDF carries an Order-X purchase order ('{}'), not an invoice; file it with your orders",
            order.name
        )));
    }
    read_text_pdf(source, &document, &extract_text(&document))
}

/// The invoice in the embedded XML: a file under a standard name, else any embedded XML that is a UBL, CII
/// or ZUGFeRD 1.0 invoice. `Ok(None)` when the PDF carries none.
fn read_embedded_invoice(source: &str, files: &[EmbeddedFile]) -> Result<Option<Extraction>, ReadFailure> {
    match invoice_xml_file(files) {
        Some(file) => read_invoice_xml(source, file).map(Some),
        None => Ok(None),
    }
}

/// Which embedded file holds the invoice: one under a standard name first, else the first embedded XML
/// that sniffs as UBL, CII or ZUGFeRD 1.0.
fn invoice_xml_file(files: &[EmbeddedFile]) -> Option<&EmbeddedFile> {
    let standard = INVOICE_XML_NAMES.iter().find_map(|name| {
        files
            .iter()
            .find(|f| base_name(&f.name).eq_ignore_ascii_case(name))
    });
    standard.or_else(|| {
        files
            .iter()
            .filter(|f| base_name(&f.name).to_ascii_lowercase().ends_with(".xml"))
            .find(|f| {
                f.content.as_ref().is_ok_and(|content| {
                    matches!(sniff(content), Format::Ubl | Format::Cii | Format::Zugferd1)
                })
            })
    })
}

/// The e-invoice XML a PDF carries, as `(embedded file name, bytes)`; `Ok(None)` when it carries none.
/// For checking the XML on its own (`backdesk validate`); reading the invoice goes through [`read_pdf`].
pub fn embedded_invoice_xml(bytes: &[u8]) -> Result<Option<(String, Vec<u8>)>, ReadFailure> {
    catch_unwind(AssertUnwindSafe(|| {
        let document = open_pdf(bytes).map_err(ReadFailure::unreadable)?;
        let files = embedded_files(&document);
        let Some(file) = invoice_xml_file(&files) else {
            return Ok(None);
        };
        let content = file.content.as_ref().map_err(|problem| {
            ReadFailure::unreadable(format!(
                "the invoice XML embedded in the PDF as '{}' cannot be read: {problem}",
                file.name
            ))
        })?;
        Ok(Some((file.name.clone(), content.clone())))
    }))
    .unwrap_or_else(|_| {
        Err(ReadFailure::unreadable(
            "the PDF is damaged: reading it failed unexpectedly; ask the sender for a new copy",
        ))
    })
}

/// Reads one embedded XML file; a broken one rejects the PDF, naming the file.
fn read_invoice_xml(source: &str, file: &EmbeddedFile) -> Result<Extraction, ReadFailure> {
    let name = &file.name;
    let content = file.content.as_ref().map_err(|problem| {
        ReadFailure::unreadable(format!(
            "the invoice XML embedded in the PDF as '{name}' cannot be read: {problem}; ask the vendor for a \
             corrected e-invoice"
        ))
    })?;
    let broken = |problem: String| {
        ReadFailure::unreadable(format!(
            "the invoice XML embedded in the PDF as '{name}' is broken: {problem}; ask the vendor for a \
             corrected e-invoice"
        ))
    };
    let format = sniff(content);
    match &format {
        Format::Cii | Format::Ubl | Format::Zugferd1 => {}
        Format::MalformedXml(problem) => return Err(broken(problem.clone())),
        Format::OtherXml(root) => {
            return Err(ReadFailure::not_an_invoice(format!(
                "the XML embedded in the PDF as '{name}' is a '{root}', not an invoice or credit note"
            )))
        }
        other => return Err(broken(format!("it is not XML but {} data", other.label()))),
    }
    einvoice::read_checked(source, &format, ExtractionMethod::EmbeddedXml, content).map_err(broken)
}

/// The last path component of an attachment name (some writers store `dir/factur-x.xml`).
fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// A PDF without e-invoice XML: its text layer is read by the visual extraction (`extract`); a scan or a
/// garbled layer is read by OCR first; a layer that is not language and has no page images is recorded with
/// no fields, so it lands in the queue for a person (`MISSING_FIELD`).
fn read_text_pdf(
    source: &str,
    document: &lopdf::Document,
    text: &PdfText,
) -> Result<ReadOutput, ReadFailure> {
    // a scan (no text layer) or a garbled text layer is read by OCR instead
    let (ocr_text, method);
    let text = if super::ocr::text_layer_unusable(text) {
        ocr_text = super::ocr::recognise_pdf(document, text).map_err(ReadFailure::unreadable)?;
        method = ExtractionMethod::Ocr;
        &ocr_text
    } else {
        method = ExtractionMethod::PdfText;
        text
    };
    let plain = text.plain_text().to_lowercase();
    let names_an_invoice = INVOICE_WORDS.iter().any(|word| plain.contains(word));
    if !names_an_invoice && reads_as_language(&plain) {
        return Err(ReadFailure::not_an_invoice(
            "the PDF's text names no invoice or credit note in any language Backdesk reads; if it is one, \
             enter it by hand",
        ));
    }
    if !names_an_invoice && method == ExtractionMethod::PdfText {
        // a text layer that is not language (a font without a usable character map): read the page images
        // if there are any, else leave the fields to a person rather than guess from garbage
        return match super::ocr::recognise_pdf(document, text) {
            Ok(ocr) if !ocr.is_empty() => Ok(ReadOutput::Invoices(vec![crate::extract::extract(
                source,
                ExtractionMethod::Ocr,
                &ocr,
            )])),
            _ => Ok(ReadOutput::Invoices(vec![Extraction::unread(source, method)])),
        };
    }
    Ok(ReadOutput::Invoices(vec![crate::extract::extract(
        source, method, text,
    )]))
}

/// Whether at least three everyday words appear: the text layer decodes to language, so the absence of any
/// word for an invoice means something.
fn reads_as_language(lower_text: &str) -> bool {
    lower_text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| COMMON_WORDS.contains(word))
        .take(3)
        .count()
        >= 3
}

/// The positioned text of a PDF, for the visual extraction. Errors as for [`read_pdf`].
pub fn read_pdf_text(bytes: &[u8]) -> Result<PdfText, ReadFailure> {
    catch_unwind(AssertUnwindSafe(|| {
        let document = open_pdf(bytes).map_err(ReadFailure::unreadable)?;
        Ok(extract_text(&document))
    }))
    .unwrap_or_else(|_| {
        Err(ReadFailure::unreadable(
            "the PDF is damaged: reading its text failed unexpectedly; ask the sender for a new copy",
        ))
    })
}
