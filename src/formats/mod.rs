//! Readers that turn the bytes of a document into canonical invoices: content sniffing, then UBL, CII,
//! ZUGFeRD 1.0, PDFs (embedded e-invoice XML, else their text) and e-mail (a container of attachments);
//! images wait for OCR.

pub mod cii;
pub mod einvoice;
pub mod email;
pub mod ocr;
pub mod ocr_progress;
pub mod pdf;
pub mod pdf_attachments;
pub mod pdf_cmap;
pub mod pdf_consistency;
pub mod pdf_content;
pub mod pdf_invoice;
pub mod pdf_text;
pub mod raster;
pub mod sniff;
pub mod ubl;
pub mod xml;
pub mod xml_values;
pub mod zugferd1;

use crate::model::extraction::{Extraction, ExtractionMethod};
use crate::model::{Reason, ReasonCode};
pub use sniff::{sniff, Format};

/// Why a document could not be turned into invoices: a reason code and a sentence the user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadFailure {
    pub code: ReasonCode,
    pub message: String,
}

impl ReadFailure {
    /// The file cannot be parsed (corrupt, malformed, hostile, or of a kind not read yet).
    pub fn unreadable(message: impl Into<String>) -> Self {
        Self {
            code: ReasonCode::UnreadableDocument,
            message: message.into(),
        }
    }

    /// The file is readable but is not an invoice or credit note.
    pub fn not_an_invoice(message: impl Into<String>) -> Self {
        Self {
            code: ReasonCode::NotAnInvoice,
            message: message.into(),
        }
    }

    /// As a reason for storage.
    pub fn to_reason(&self) -> Reason {
        Reason::new(self.code, self.message.clone(), serde_json::Value::Null)
    }
}

/// What reading one document produced.
#[derive(Debug)]
pub enum ReadOutput {
    /// The invoices (normally one) the document holds.
    Invoices(Vec<Extraction>),
    /// A container (an e-mail) whose parts are documents of their own: each part is archived and taken in
    /// as a separate document, with the container's context kept beside it.
    Container(Container),
}

/// A document that carries other documents, such as an e-mail with attachments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    pub context: EmailContext,
    pub parts: Vec<ContainedFile>,
}

/// The e-mail a part arrived in: shown beside every document taken from it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EmailContext {
    pub from: Option<String>,
    pub subject: Option<String>,
    /// As written in the Date header (RFC 5322), or as RFC 3339 when it could be parsed.
    pub date: Option<String>,
    pub message_id: Option<String>,
}

/// One part of a container: a file name safe to show and store (no directories, no `..`) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainedFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A reader for one or more formats. Intake hands every document to [`read_sniffed`], which asks the
/// registered readers in order; the first that accepts the format reads it.
pub trait DocumentReader: Send + Sync {
    /// A short name for logs and messages.
    fn name(&self) -> &'static str;
    /// Whether this reader reads documents of `format`.
    fn accepts(&self, format: &Format) -> bool;
    /// Reads the bytes of one document; `source` names it in messages.
    fn read(&self, format: &Format, source: &str, bytes: &[u8]) -> Result<ReadOutput, ReadFailure>;
}

/// The UBL and CII e-invoice readers.
struct XmlInvoiceReader;

impl DocumentReader for XmlInvoiceReader {
    fn name(&self) -> &'static str {
        "xml-e-invoice"
    }

    fn accepts(&self, format: &Format) -> bool {
        matches!(format, Format::Ubl | Format::Cii | Format::Zugferd1)
    }

    fn read(&self, format: &Format, source: &str, bytes: &[u8]) -> Result<ReadOutput, ReadFailure> {
        // ZUGFeRD 1.0 is CII of 2009: the method says CII
        let method = match format {
            Format::Cii | Format::Zugferd1 => ExtractionMethod::Cii,
            _ => ExtractionMethod::Ubl,
        };
        let extraction =
            einvoice::read_checked(source, format, method, bytes).map_err(ReadFailure::unreadable)?;
        Ok(ReadOutput::Invoices(vec![extraction]))
    }
}

/// PDFs: the embedded e-invoice XML when there is one, else the text layer.
struct PdfReader;

impl DocumentReader for PdfReader {
    fn name(&self) -> &'static str {
        "pdf"
    }

    fn accepts(&self, format: &Format) -> bool {
        matches!(format, Format::Pdf)
    }

    fn read(&self, _format: &Format, source: &str, bytes: &[u8]) -> Result<ReadOutput, ReadFailure> {
        pdf_invoice::read_pdf(source, bytes)
    }
}

/// E-mails: a container whose attachments are documents of their own.
struct EmailReader;

impl DocumentReader for EmailReader {
    fn name(&self) -> &'static str {
        "e-mail"
    }

    fn accepts(&self, format: &Format) -> bool {
        matches!(format, Format::Email)
    }

    fn read(&self, _format: &Format, _source: &str, bytes: &[u8]) -> Result<ReadOutput, ReadFailure> {
        email::read_email(bytes)
    }
}

/// Images (PNG, JPEG, TIFF) are scans; until OCR exists they are refused with a reason, not guessed at.
struct ImageReader;

impl DocumentReader for ImageReader {
    fn name(&self) -> &'static str {
        "image"
    }

    fn accepts(&self, format: &Format) -> bool {
        matches!(format, Format::Image)
    }

    fn read(&self, _format: &Format, _source: &str, _bytes: &[u8]) -> Result<ReadOutput, ReadFailure> {
        Err(ReadFailure::unreadable(
            "scanned image: OCR is not available yet, so the invoice needs to be entered by hand; the original \
             is kept",
        ))
    }
}

/// The readers intake uses, in the order they are asked.
pub fn readers() -> &'static [&'static dyn DocumentReader] {
    &[
        &XmlInvoiceReader,
        &PdfReader,
        &EmailReader,
        &ocr::OcrImageReader,
        &ImageReader,
    ]
}

/// Reads a document (sniffing its format first). `source` names the document in messages.
pub fn read_document(source: &str, bytes: &[u8]) -> Result<ReadOutput, ReadFailure> {
    read_sniffed(&sniff(bytes), source, bytes)
}

/// As [`read_document`], for bytes already sniffed as `format` (sniffing XML parses it: do it once).
pub fn read_sniffed(format: &Format, source: &str, bytes: &[u8]) -> Result<ReadOutput, ReadFailure> {
    if let Some(reader) = readers().iter().find(|reader| reader.accepts(format)) {
        return reader.read(format, source, bytes);
    }
    Err(unread_format(format))
}

/// Why a document of a format no reader accepts cannot be read.
fn unread_format(format: &Format) -> ReadFailure {
    match format {
        Format::Empty => {
            ReadFailure::unreadable("the file is empty (0 bytes); check that it was saved completely")
        }
        Format::OtherXml(root) => ReadFailure::not_an_invoice(format!(
            "this XML document is a '{root}', not a UBL or CII invoice or credit note"
        )),
        Format::MalformedXml(problem) => ReadFailure::unreadable(problem.clone()),
        Format::Unknown => ReadFailure::unreadable(
            "the file is not a format Backdesk reads (XML e-invoice, PDF, image or e-mail), whatever its name \
             says; ask the sender for the invoice as a PDF or an e-invoice",
        ),
        Format::OutlookMessage => ReadFailure::unreadable(
            "Outlook .msg files are not read: save the attachments from Outlook (or forward the e-mail as an \
             .eml file) into the inbox",
        ),
        Format::Ubl | Format::Cii | Format::Zugferd1 | Format::Pdf | Format::Image | Format::Email => {
            ReadFailure::unreadable(format!(
                "{} files are archived but not read yet by this version of Backdesk; the original is kept",
                format.label()
            ))
        }
    }
}
