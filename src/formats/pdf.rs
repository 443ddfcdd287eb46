//! Opening a PDF safely: a truncated, corrupt, encrypted or booby-trapped file becomes a sentence the user
//! can act on, never a panic or an unbounded allocation.

use std::panic::{catch_unwind, AssertUnwindSafe};

use lopdf::{Document, LoadOptions, Object};

/// No stream (page content, embedded file, font map) is decoded beyond this: a few kilobytes of Flate data
/// can expand to gigabytes, and no invoice needs more.
pub const MAX_DECODED_STREAM_BYTES: usize = 64 * 1024 * 1024;

/// A PDF ends with `%%EOF` (PDF 32000-1, 7.5.5); writers may add a little after it (a newline, padding).
const END_MARKER_WINDOW: usize = 2048;

/// What the user reads when a PDF is password-protected (shared by every place that finds out).
pub const PASSWORD_PROTECTED: &str =
    "the PDF is password-protected, so its content cannot be read: ask the vendor for an unprotected copy";

/// Loads a PDF. Errors are sentences naming what is wrong and what to do.
pub fn open_pdf(bytes: &[u8]) -> Result<Document, String> {
    let tail = &bytes[bytes.len().saturating_sub(END_MARKER_WINDOW)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(format!(
            "the PDF is truncated: it stops after {} bytes without the end-of-file marker, so part of it is \
             missing; ask the sender for the complete file",
            bytes.len()
        ));
    }
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_DECODED_STREAM_BYTES),
        ..LoadOptions::default()
    };
    // lopdf is a parser of untrusted input: a panic in it is contained here and reported as damage.
    let loaded = catch_unwind(AssertUnwindSafe(|| {
        Document::load_mem_with_options(bytes, options)
    }));
    let document = match loaded {
        Ok(Ok(document)) => document,
        Ok(Err(lopdf::Error::InvalidPassword)) => return Err(PASSWORD_PROTECTED.to_owned()),
        Ok(Err(error)) => {
            return Err(format!(
                "the PDF is damaged and cannot be read ({error}); ask the sender for a new copy"
            ))
        }
        Err(_) => {
            return Err(
                "the PDF is damaged: its structure could not be parsed; ask the sender for a new copy"
                    .to_owned(),
            )
        }
    };
    // With an empty user password lopdf decrypts and drops `/Encrypt`; when it is still there, the file
    // needs a password we do not have.
    if document.trailer.has(b"Encrypt") {
        return Err(PASSWORD_PROTECTED.to_owned());
    }
    if document.catalog().is_err() {
        return Err(
            "the PDF is damaged: it has no document catalog (its root object is missing); ask the sender for a \
             new copy"
                .to_owned(),
        );
    }
    if document.get_pages().is_empty() {
        return Err("the PDF has no pages; ask the sender for a new copy".to_owned());
    }
    Ok(document)
}

/// Follows references (bounded, so a reference cycle ends) to the object they name.
pub fn resolve<'a>(document: &'a Document, object: &'a Object) -> Option<&'a Object> {
    let mut current = object;
    for _ in 0..32 {
        match current {
            Object::Reference(id) => current = document.get_object(*id).ok()?,
            other => return Some(other),
        }
    }
    None
}

/// A PDF text string (PDFDocEncoding, UTF-16BE or UTF-8 with BOM) as Rust text.
pub fn text_string(document: &Document, object: &Object) -> Option<String> {
    let object = resolve(document, object)?;
    lopdf::decode_text_string(object).ok().or_else(|| {
        object
            .as_str()
            .ok()
            .map(|b| String::from_utf8_lossy(b).into_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_without_an_end_marker_are_truncated() {
        let error = open_pdf(b"%PDF-1.7\n1 0 obj << >> endobj\n").unwrap_err();
        assert!(error.contains("truncated"), "{error}");
    }

    #[test]
    fn garbage_with_a_pdf_header_is_damaged_not_a_panic() {
        let mut bytes = b"%PDF-1.4\n".to_vec();
        bytes.extend((0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
        bytes.extend_from_slice(b"\n%%EOF\n");
        let error = open_pdf(&bytes).unwrap_err();
        assert!(error.contains("damaged") || error.contains("no pages"), "{error}");
    }
}
