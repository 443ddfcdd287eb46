//! Content sniffing: what a file is, from its bytes, never from its name.

use super::xml::decode_utf8;
use super::zugferd1::ZUGFERD1_NS;

/// UBL 2.1 invoice namespace.
pub const UBL_INVOICE_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
/// UBL 2.1 credit-note namespace.
pub const UBL_CREDIT_NOTE_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
/// UN/CEFACT Cross Industry Invoice namespace (D16B and later).
pub const CII_NS: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";

/// The kind of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// Zero bytes (or only whitespace).
    Empty,
    /// A UBL Invoice or CreditNote.
    Ubl,
    /// A CII CrossIndustryInvoice.
    Cii,
    /// A ZUGFeRD 1.0 CrossIndustryDocument (the CII of 2009).
    Zugferd1,
    /// Well-formed XML of another kind; carries the root element's name.
    OtherXml(String),
    /// Looks like XML but is not well formed or is refused as hostile; carries the problem.
    MalformedXml(String),
    Pdf,
    Image,
    Email,
    /// An Outlook `.msg` (an OLE compound file with MAPI property streams).
    OutlookMessage,
    Unknown,
}

impl Format {
    /// A short name for messages.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::Ubl => "UBL",
            Self::Cii => "CII",
            Self::Zugferd1 => "ZUGFeRD 1.0",
            Self::OtherXml(_) | Self::MalformedXml(_) => "XML",
            Self::Pdf => "PDF",
            Self::Image => "Image",
            Self::Email => "E-mail",
            Self::OutlookMessage => "Outlook message",
            Self::Unknown => "unknown",
        }
    }
}

/// Looks at the bytes and says what they are.
pub fn sniff(bytes: &[u8]) -> Format {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let body = &body[start..];
    if body.is_empty() {
        return Format::Empty;
    }
    // A PDF header may be preceded by junk within the first KiB (PDF 1.7, 7.5.2 tolerance).
    if bytes.len() >= 5 && bytes[..bytes.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        return Format::Pdf;
    }
    if body.starts_with(b"\x89PNG\r\n\x1a\n")
        || body.starts_with(b"\xFF\xD8\xFF")
        || body.starts_with(b"II*\0")
        || body.starts_with(b"MM\0*")
    {
        return Format::Image;
    }
    if is_outlook_message(body) {
        return Format::OutlookMessage;
    }
    if body.starts_with(b"<") {
        return sniff_xml(bytes);
    }
    if looks_like_email(body) {
        return Format::Email;
    }
    Format::Unknown
}

fn sniff_xml(bytes: &[u8]) -> Format {
    let text = match decode_utf8(bytes) {
        Ok(text) => text,
        Err(problem) => return Format::MalformedXml(problem),
    };
    // the rules' reader with attachment payloads cut: it accepts and refuses exactly what `parse_safely`
    // does, with its messages, and does not parse the base64 that is most of many e-invoices' bytes
    let document = match crate::rules::tree::read_for_rules(text) {
        Ok(document) => document,
        Err(problem) => return Format::MalformedXml(problem),
    };
    let root = document.root_element();
    let namespace = root.tag_name().namespace().unwrap_or_default();
    match (root.tag_name().name(), namespace) {
        ("Invoice", UBL_INVOICE_NS) | ("CreditNote", UBL_CREDIT_NOTE_NS) => Format::Ubl,
        ("CrossIndustryInvoice", CII_NS) => Format::Cii,
        ("CrossIndustryDocument", ZUGFERD1_NS) => Format::Zugferd1,
        (name, _) => Format::OtherXml(name.to_owned()),
    }
}

/// An OLE compound file (`D0 CF 11 E0 …`) holding MAPI property streams (`__substg1.0_…`, UTF-16 names in
/// the directory): Word and Excel files share the container but not those streams.
fn is_outlook_message(body: &[u8]) -> bool {
    const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    let marker: Vec<u8> = "__substg1.0_".encode_utf16().flat_map(u16::to_le_bytes).collect();
    body.starts_with(OLE) && body.windows(marker.len()).any(|w| w == marker.as_slice())
}

fn looks_like_email(body: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&body[..body.len().min(4096)]).to_ascii_lowercase();
    let headers = [
        "from:",
        "to:",
        "subject:",
        "date:",
        "mime-version:",
        "received:",
        "message-id:",
        "return-path:",
    ];
    let found = head
        .lines()
        .take_while(|l| !l.is_empty())
        .filter(|l| headers.iter().any(|h| l.starts_with(h)))
        .count();
    found >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_not_the_name() {
        assert_eq!(sniff(b""), Format::Empty);
        assert_eq!(sniff(b"   \n"), Format::Empty);
        assert_eq!(sniff(b"%PDF-1.7\n..."), Format::Pdf);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Format::Image);
        assert_eq!(sniff(b"From: a@b.c\nSubject: invoice\n\nbody"), Format::Email);
        assert_eq!(sniff(&[0u8, 159, 146, 150, 1, 2, 3]), Format::Unknown);
        let mut msg = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        msg.extend(vec![0u8; 500]);
        msg.extend("__substg1.0_0037001F".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(sniff(&msg), Format::OutlookMessage);
        msg.truncate(508);
        assert_eq!(
            sniff(&msg),
            Format::Unknown,
            "an OLE file without MAPI streams (a .doc) is not a .msg"
        );
    }

    #[test]
    fn xml_is_classified_by_root_element_and_namespace() {
        let ubl = format!(r#"<Invoice xmlns="{UBL_INVOICE_NS}"/>"#);
        assert_eq!(sniff(ubl.as_bytes()), Format::Ubl);
        let cii = format!(r#"<rsm:CrossIndustryInvoice xmlns:rsm="{CII_NS}"/>"#);
        assert_eq!(sniff(cii.as_bytes()), Format::Cii);
        let zugferd1 = format!(r#"<rsm:CrossIndustryDocument xmlns:rsm="{ZUGFERD1_NS}"/>"#);
        assert_eq!(sniff(zugferd1.as_bytes()), Format::Zugferd1);
        assert_eq!(
            sniff(b"<Invoice/>"),
            Format::OtherXml("Invoice".into()),
            "no namespace, not UBL"
        );
        assert!(matches!(
            sniff(b"<Invoice><unclosed></Invoice>"),
            Format::MalformedXml(_)
        ));
    }
}
