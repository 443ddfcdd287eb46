//! Use cases of the visual extraction: extract a file with the vendors' learnt layouts, learn from a
//! corrected field, and move the layout memory between machines as a JSON file.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Workspace;
use crate::error::{Error, Result};
use crate::extract::memory::{self, VendorLayout};
use crate::formats::pdf_text::PdfText;
use crate::formats::{self, ocr, pdf_invoice, Format, ReadOutput};
use crate::model::extraction::{Extraction, ExtractionMethod};
use crate::store;

/// What learning from one correction did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorrectionOutcome {
    /// The vendor the layout is remembered for (`vat:…`, `iban:…`, `name:…`).
    pub vendor_key: String,
    pub field: String,
    /// Whether the corrected value was found on the page, so its place could be learnt.
    pub learnt: bool,
    /// The words it was found beside (squashed), when learnt.
    pub anchor: Option<String>,
}

/// The layout memory as exported: a versioned list of vendor layouts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayoutFile {
    pub format: String,
    pub vendors: Vec<VendorLayout>,
}

const LAYOUT_FORMAT: &str = "backdesk-layouts/1";

impl Workspace {
    /// Extracts a file; a PDF or image read visually uses the learnt layout of its vendor first.
    pub async fn extract_file(&self, path: &Path) -> Result<Vec<Extraction>> {
        let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
        let source = path.display().to_string();
        let unreadable = |reason: String| Error::UnreadableDocument {
            file: source.clone(),
            reason,
        };
        let output = formats::read_document(&source, &bytes).map_err(|f| unreadable(f.message))?;
        let ReadOutput::Invoices(extractions) = output else {
            return Err(unreadable(
                "this is an e-mail: extract each of its attachments on its own".to_owned(),
            ));
        };
        let visual = extractions
            .first()
            .is_some_and(|e| matches!(e.method, ExtractionMethod::PdfText | ExtractionMethod::Ocr));
        if !visual {
            return Ok(extractions);
        }
        let layouts = store::layouts::all(self.store.pool()).await?;
        if layouts.is_empty() {
            return Ok(extractions);
        }
        let (text, method) = page_text(&source, &bytes)?;
        Ok(vec![crate::extract::extract_with_layouts(
            &source, method, &text, &layouts,
        )])
    }

    /// Learns from a corrected field of the document at `path`: where the corrected value is printed becomes
    /// the vendor's layout for that field. The value is in the contract's normalised form (dates
    /// `YYYY-MM-DD`, plain decimal amounts).
    pub async fn correct_field(&self, path: &Path, field: &str, value: &str) -> Result<CorrectionOutcome> {
        if !crate::extract::FIELD_NAMES.contains(&field) {
            return Err(Error::Usage(format!(
                "'{field}' is not an extraction field; use one of: {}",
                crate::extract::FIELD_NAMES.join(", ")
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
        let source = path.display().to_string();
        let (text, method) = page_text(&source, &bytes)?;
        let extraction = crate::extract::extract(&source, method, &text);
        let mut keys = memory::vendor_keys(&extraction);
        // a corrected vendor identity is the key itself
        match field {
            "seller_vat_id" => keys.insert(0, format!("vat:{}", value.to_uppercase())),
            "iban" => keys.insert(0, format!("iban:{}", value.to_uppercase())),
            _ => {}
        }
        let vendor_key = keys.into_iter().next().ok_or_else(|| {
            Error::Usage(format!(
                "{source}: the vendor of this document is not known (no VAT id, IBAN or name was read); correct \
                 seller_vat_id or seller_name first"
            ))
        })?;
        let learnt = memory::learn(&text, field, value);
        if let Some(layout) = &learnt {
            store::layouts::save(self.store.pool(), &vendor_key, layout).await?;
        }
        Ok(CorrectionOutcome {
            vendor_key,
            field: field.to_owned(),
            anchor: learnt.as_ref().map(|l| l.anchor.clone()),
            learnt: learnt.is_some(),
        })
    }

    /// Writes every vendor's layout to a JSON file.
    pub async fn export_layouts(&self, path: &Path) -> Result<usize> {
        let vendors = store::layouts::all(self.store.pool()).await?;
        let count = vendors.len();
        let file = LayoutFile {
            format: LAYOUT_FORMAT.to_owned(),
            vendors,
        };
        let text = serde_json::to_string_pretty(&file)
            .map_err(|e| Error::InvalidData(format!("could not write the layouts as JSON: {e}")))?;
        std::fs::write(path, text).map_err(|e| Error::io("write", path, e))?;
        Ok(count)
    }

    /// Reads a file written by [`Workspace::export_layouts`] and saves its layouts (replacing the same vendor
    /// and field). Returns how many field layouts were imported.
    pub async fn import_layouts(&self, path: &Path) -> Result<usize> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
        let file: LayoutFile = serde_json::from_str(&text).map_err(|e| {
            Error::InvalidData(format!(
                "{}: not a layout file written by 'backdesk layouts export' ({e}); export it again",
                path.display()
            ))
        })?;
        if file.format != LAYOUT_FORMAT {
            return Err(Error::InvalidData(format!(
                "{}: layout file format '{}' is not '{LAYOUT_FORMAT}'; export it again with this version",
                path.display(),
                file.format
            )));
        }
        let mut count = 0;
        for vendor in &file.vendors {
            for layout in &vendor.fields {
                store::layouts::save(self.store.pool(), &vendor.vendor_key, layout).await?;
                count += 1;
            }
        }
        Ok(count)
    }
}

/// Re-reads a visually extracted document with its vendor's learnt layout, when one of `layouts` is that
/// vendor's; other documents (e-invoices, unknown vendors, several invoices) come back as they were.
pub(crate) fn with_learnt_layouts(
    source: &str,
    bytes: &[u8],
    extractions: Vec<Extraction>,
    layouts: &[VendorLayout],
) -> Vec<Extraction> {
    let [only] = extractions.as_slice() else {
        return extractions;
    };
    if !matches!(only.method, ExtractionMethod::PdfText | ExtractionMethod::Ocr) {
        return extractions;
    }
    let keys = memory::vendor_keys(only);
    if !layouts.iter().any(|l| keys.contains(&l.vendor_key)) {
        return extractions;
    }
    match page_text(source, bytes) {
        Ok((text, method)) => vec![crate::extract::extract_with_layouts(
            source, method, &text, layouts,
        )],
        Err(_) => extractions,
    }
}

/// The positioned words of a PDF (its text layer, or OCR when that is missing or garbled) or of an image.
pub(crate) fn page_text(source: &str, bytes: &[u8]) -> Result<(PdfText, ExtractionMethod)> {
    let unreadable = |reason: String| Error::UnreadableDocument {
        file: source.to_owned(),
        reason,
    };
    match formats::sniff(bytes) {
        Format::Pdf => {
            let text = pdf_invoice::read_pdf_text(bytes).map_err(|f| unreadable(f.message))?;
            if !ocr::text_layer_unusable(&text) {
                return Ok((text, ExtractionMethod::PdfText));
            }
            let document = formats::pdf::open_pdf(bytes).map_err(unreadable)?;
            let text = ocr::recognise_pdf(&document, &text).map_err(unreadable)?;
            Ok((text, ExtractionMethod::Ocr))
        }
        Format::Image => {
            let text = ocr::recognise(vec![ocr::PageImage {
                bytes: bytes.to_vec(),
                dpi: None,
            }])
            .map_err(unreadable)?;
            Ok((text, ExtractionMethod::Ocr))
        }
        other => Err(unreadable(format!(
            "it is {} data, not a PDF or an image, so it has no page layout to learn from",
            other.label()
        ))),
    }
}
