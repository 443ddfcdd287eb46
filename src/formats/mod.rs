//! Readers that turn the bytes of a document into canonical invoices: content sniffing, then UBL, CII and
//! (in later work) Factur-X, PDF text, OCR and e-mail.

pub mod cii;
pub mod sniff;
pub mod ubl;
pub mod xml;
pub mod xml_values;

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

/// Reads a document into one extraction per invoice it holds. `source` names the document in messages.
pub fn read_document(source: &str, bytes: &[u8]) -> Result<Vec<Extraction>, ReadFailure> {
    read_sniffed(&sniff(bytes), source, bytes)
}

/// As [`read_document`], for bytes already sniffed as `format` (sniffing XML parses it: do it once).
pub fn read_sniffed(format: &Format, source: &str, bytes: &[u8]) -> Result<Vec<Extraction>, ReadFailure> {
    match format {
        Format::Ubl => {
            let invoice = ubl::read(bytes).map_err(ReadFailure::unreadable)?;
            Ok(vec![Extraction::from_structured(
                source,
                ExtractionMethod::Ubl,
                invoice,
            )])
        }
        Format::Cii => {
            let invoice = cii::read(bytes).map_err(ReadFailure::unreadable)?;
            Ok(vec![Extraction::from_structured(
                source,
                ExtractionMethod::Cii,
                invoice,
            )])
        }
        Format::Empty => Err(ReadFailure::unreadable(
            "the file is empty (0 bytes); check that it was saved completely",
        )),
        Format::OtherXml(root) => Err(ReadFailure::not_an_invoice(format!(
            "this XML document is a '{root}', not a UBL or CII invoice or credit note"
        ))),
        Format::MalformedXml(problem) => Err(ReadFailure::unreadable(problem.clone())),
        Format::Pdf | Format::Image | Format::Email => Err(ReadFailure::unreadable(format!(
            "{} files are archived but not read yet by this version of Backdesk; the original is kept",
            format.label()
        ))),
        Format::Unknown => Err(ReadFailure::unreadable(
            "the file is not a format Backdesk reads (XML e-invoice, PDF, image or e-mail)",
        )),
    }
}
