//! What the review screen shows beside the fields: the original document's bytes (to render it) and, for
//! PDFs, its words with their boxes in PDF points from each page's bottom-left corner (the same space as
//! the fields' `bbox`), so a click on a word can fill the field being corrected.

use serde::Serialize;

use super::Workspace;
use crate::error::{Error, Result};
use crate::formats::pdf::open_pdf;
use crate::formats::pdf_text::{extract_text, PdfText};
use crate::intake::archive::archived_path;
use crate::model::InvoiceId;

/// The original of an invoice as it arrived.
#[derive(Debug, Clone, Serialize)]
pub struct OriginalDocument {
    /// The file name it arrived under (for the title and the download name).
    pub file_name: String,
    /// `application/pdf`, `image/png`, `application/xml`, … sniffed from the bytes.
    pub media_type: String,
    /// The format intake recognised (`UBL`, `CII`, `PDF`, …), when it recorded one.
    pub format: Option<String>,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

impl Workspace {
    /// The archived original of invoice `id` (never modified since intake).
    pub async fn original_document(&self, id: InvoiceId) -> Result<OriginalDocument> {
        let (path, sha256, format): (String, String, Option<String>) = sqlx::query_as(
            "SELECT d.path, d.sha256, d.media_type FROM invoices i JOIN documents d ON d.id = i.document_id
             WHERE i.id = ?",
        )
        .bind(id.0)
        .fetch_optional(self.store().pool())
        .await
        .map_err(Error::database(format!("find the original of invoice {id}")))?
        .ok_or_else(|| Error::NotFound {
            what: "invoice",
            id: id.to_string(),
        })?;
        let archived = archived_path(&self.paths().archive, &sha256);
        let bytes =
            std::fs::read(&archived).map_err(|e| Error::io("read the archived original", &archived, e))?;
        let file_name = std::path::Path::new(&path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or(path);
        Ok(OriginalDocument {
            file_name,
            media_type: sniff_media_type(&bytes).to_owned(),
            format: format.filter(|m| !m.trim().is_empty()),
            bytes,
        })
    }

    /// The words of invoice `id`'s original with their boxes, page by page; no pages when the original
    /// is not a PDF or has no text layer (a scan: its fields carry no boxes either).
    pub async fn document_words(&self, id: InvoiceId) -> Result<PdfText> {
        let original = self.original_document(id).await?;
        if !original.bytes.starts_with(b"%PDF") {
            return Ok(PdfText::default());
        }
        let text = tokio::task::spawn_blocking(move || {
            open_pdf(&original.bytes).map(|document| extract_text(&document))
        })
        .await
        .map_err(|e| Error::InvalidData(format!("reading the words of invoice {id} stopped: {e}")))?;
        text.map_err(|problem| {
            Error::InvalidData(format!(
                "the original of invoice {id} is a PDF whose words cannot be read ({problem}); correct its fields by typing"
            ))
        })
    }
}

/// The media type of an original from its first bytes (intake records the format, not a MIME type).
fn sniff_media_type(bytes: &[u8]) -> &'static str {
    let head = &bytes[..bytes.len().min(512)];
    if head.starts_with(b"%PDF") {
        "application/pdf"
    } else if head.starts_with(b"\x89PNG") {
        "image/png"
    } else if head.starts_with(b"\xff\xd8\xff") {
        "image/jpeg"
    } else if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        "image/tiff"
    } else if String::from_utf8_lossy(head)
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
    {
        "application/xml"
    } else {
        "application/octet-stream"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_are_sniffed_from_the_first_bytes() {
        assert_eq!(sniff_media_type(b"%PDF-1.7\n"), "application/pdf");
        assert_eq!(sniff_media_type(b"\x89PNG\r\n"), "image/png");
        assert_eq!(sniff_media_type(b"\xef\xbb\xbf<?xml version"), "application/xml");
        assert_eq!(sniff_media_type(b"  <Invoice>"), "application/xml");
        assert_eq!(sniff_media_type(b"hello"), "application/octet-stream");
    }
}
