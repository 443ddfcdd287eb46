//! E-mail (`.eml`, RFC 5322 / MIME) → a container: the sender, subject, date and message id as context,
//! and every attachment (attached messages included) as a part of its own, under a name that is safe to
//! show and store.

use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

use mail_parser::{Message, MessageParser, MessagePart, MimeHeaders, PartType};

use super::{sniff, ContainedFile, Container, EmailContext, Format, ReadFailure, ReadOutput};

/// File names longer than this (in characters) are shortened, keeping the extension.
pub const MAX_NAME_CHARS: usize = 100;
/// An inline image smaller than this is a logo or a signature picture, not a scanned document.
const MIN_INLINE_IMAGE_BYTES: usize = 50 * 1024;

/// Reads an e-mail. Failures are sentences naming what is wrong and what to do.
pub fn read_email(bytes: &[u8]) -> Result<ReadOutput, ReadFailure> {
    // mail-parser can panic on a corrupt attached message (DEPENDENCIES.md): contain it here
    catch_unwind(AssertUnwindSafe(|| read_email_unguarded(bytes))).unwrap_or_else(|_| {
        Err(ReadFailure::unreadable(
            "the e-mail is damaged: its MIME structure could not be parsed; ask the sender to send it again",
        ))
    })
}

fn read_email_unguarded(bytes: &[u8]) -> Result<ReadOutput, ReadFailure> {
    let message = MessageParser::default().parse(bytes).ok_or_else(|| {
        ReadFailure::unreadable(
            "the e-mail could not be parsed (no header section); ask the sender to send it again",
        )
    })?;
    let context = context_of(&message);
    let mut parts = Vec::new();
    let mut used_names = HashSet::new();
    for (index, part) in message.attachments().enumerate() {
        if !is_document(part) {
            continue;
        }
        let bytes = part.contents().to_vec();
        if bytes.is_empty() {
            continue;
        }
        let fallback = format!("attachment-{}{}", index + 1, extension_for(part, &bytes));
        let name = part
            .attachment_name()
            .map(|n| sanitise_file_name(n, &fallback))
            .unwrap_or(fallback);
        parts.push(ContainedFile {
            name: unique_name(name, &mut used_names),
            bytes,
        });
    }
    if parts.is_empty() {
        return Err(ReadFailure::not_an_invoice(
            "e-mail without attachments: there is no invoice file in it (the body is kept with the archived \
             original); if the invoice is a link or in the text, download or print it to a PDF",
        ));
    }
    Ok(ReadOutput::Container(Container { context, parts }))
}

/// Sender, subject, date and message id.
fn context_of(message: &Message<'_>) -> EmailContext {
    let from = message
        .from()
        .and_then(|a| a.first())
        .map(|addr| match (addr.name(), addr.address()) {
            (Some(name), Some(address)) => format!("{name} <{address}>"),
            (None, Some(address)) => address.to_owned(),
            (Some(name), None) => name.to_owned(),
            (None, None) => String::new(),
        });
    EmailContext {
        from: from.filter(|f| !f.is_empty()).map(|f| strip_controls(&f)),
        subject: message.subject().map(strip_controls),
        date: message
            .date()
            .map(|d| d.to_rfc3339())
            .or_else(|| message.header_raw("Date").map(|d| strip_controls(d.trim()))),
        message_id: message.message_id().map(strip_controls),
    }
}

/// Attachments and attached messages are documents; an inline part only when it is a PDF, an e-invoice
/// or an image large enough to be a scanned page.
fn is_document(part: &MessagePart<'_>) -> bool {
    match &part.body {
        PartType::InlineBinary(bytes) => match sniff(bytes) {
            Format::Pdf | Format::Ubl | Format::Cii | Format::Zugferd1 => true,
            Format::Image => bytes.len() >= MIN_INLINE_IMAGE_BYTES,
            _ => false,
        },
        PartType::Multipart(_) => false,
        PartType::Binary(_) | PartType::Text(_) | PartType::Html(_) | PartType::Message(_) => true,
    }
}

/// A name for a part that has none, from its content.
fn extension_for(part: &MessagePart<'_>, bytes: &[u8]) -> &'static str {
    if part.is_message() {
        return ".eml";
    }
    match sniff(bytes) {
        Format::Pdf => ".pdf",
        Format::Ubl | Format::Cii | Format::Zugferd1 | Format::OtherXml(_) | Format::MalformedXml(_) => {
            ".xml"
        }
        Format::Image => ".img",
        Format::Email => ".eml",
        Format::OutlookMessage => ".msg",
        Format::Empty | Format::Unknown => ".bin",
    }
}

/// Makes an attachment's name safe to show and store: no directories (`../../x.pdf` → `x.pdf`), no `..`,
/// no control or reserved characters, at most [`MAX_NAME_CHARS`] characters with the extension kept.
/// `fallback` is used when nothing is left.
pub fn sanitise_file_name(raw: &str, fallback: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.replace("..", ".");
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if cleaned.is_empty() {
        return fallback.to_owned();
    }
    if cleaned.chars().count() <= MAX_NAME_CHARS {
        return cleaned.to_owned();
    }
    let (stem, extension) = match cleaned.rfind('.') {
        Some(dot) if cleaned.len() - dot <= 10 => cleaned.split_at(dot),
        _ => (cleaned, ""),
    };
    let keep = MAX_NAME_CHARS.saturating_sub(extension.chars().count());
    let stem: String = stem.chars().take(keep).collect();
    format!("{}{extension}", stem.trim_end())
}

/// `name`, or `name (2)` etc. when an earlier part of the same e-mail has that name.
fn unique_name(name: String, used: &mut HashSet<String>) -> String {
    if used.insert(name.to_lowercase()) {
        return name;
    }
    let (stem, extension) = match name.rfind('.') {
        Some(dot) if dot > 0 => name.split_at(dot),
        _ => (name.as_str(), ""),
    };
    let mut n = 2;
    loop {
        let candidate = format!("{stem} ({n}){extension}");
        if used.insert(candidate.to_lowercase()) {
            return candidate;
        }
        n += 1;
    }
}

fn strip_controls(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_directories_dots_and_control_characters() {
        assert_eq!(sanitise_file_name("../../x.pdf", "f"), "x.pdf");
        assert_eq!(sanitise_file_name("..\\..\\windows\\x.pdf", "f"), "x.pdf");
        assert_eq!(sanitise_file_name("/etc/passwd", "f"), "passwd");
        assert_eq!(sanitise_file_name("in\u{7}voice\n.pdf", "f"), "invoice.pdf");
        assert_eq!(sanitise_file_name("..", "attachment-1.pdf"), "attachment-1.pdf");
        assert_eq!(sanitise_file_name("a..b.pdf", "f"), "a.b.pdf");
        assert_eq!(sanitise_file_name("what?.pdf", "f"), "what_.pdf");
    }

    #[test]
    fn long_names_are_shortened_keeping_the_extension() {
        let long = format!("{}.pdf", "x".repeat(500));
        let short = sanitise_file_name(&long, "f");
        assert_eq!(short.chars().count(), MAX_NAME_CHARS);
        assert!(short.ends_with(".pdf"), "{short}");
    }

    #[test]
    fn repeated_names_get_a_counter() {
        let mut used = HashSet::new();
        assert_eq!(unique_name("a.pdf".into(), &mut used), "a.pdf");
        assert_eq!(unique_name("A.pdf".into(), &mut used), "A (2).pdf");
        assert_eq!(unique_name("a.pdf".into(), &mut used), "a (3).pdf");
    }
}
