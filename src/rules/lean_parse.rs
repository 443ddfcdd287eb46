//! The parse the rules need, and no more: the base64 payload of attachments (`…BinaryObject` elements) is
//! cut to one character before the XML parser sees it, because no rule reads that content (only the
//! element's presence, its attributes, and that it is not empty, which the kept character preserves) and
//! the parser's per-character text loop over it was most of the parsing cost. For the rules only: readers
//! that extract attachments parse the original text.
//!
//! The result is exact, not heuristic: a run is only cut when it is plain text — printable ASCII and XML
//! white space without `&` or `]`, which base64 is — so the original text is well-formed there and the cut
//! cannot hide an error (no markup, reference, `]]>` or forbidden character), and after parsing every cut is confirmed to lie in a
//! text node whose parent element's name ends in `BinaryObject`. Anything else (a look-alike inside an
//! attribute value or a comment, a malformed document) parses the original text, so the limits, refusals
//! and error messages of `formats::xml::parse_safely` are unchanged.

use std::borrow::Cow;

use super::tree::{parse_for_rules, Document};
use crate::formats::xml::MAX_XML_BYTES;
use memchr::{memchr, memchr3, memmem};

/// Payloads shorter than this are left alone: cutting them saves less than the bookkeeping costs.
const MIN_CUT_BYTES: usize = 256;

/// An e-invoice's XML text ready to be parsed for the rules, with its attachment payloads cut.
pub struct RulesText<'a> {
    original: &'a str,
    /// The text with the payloads cut, and where each cut payload's one remaining character is in it;
    /// `None` when nothing was cut.
    lean: Option<(String, Vec<usize>)>,
}

impl<'a> RulesText<'a> {
    /// Finds the attachment payloads in `original` and prepares the text without them.
    pub fn new(original: &'a str) -> Self {
        if original.len() > MAX_XML_BYTES {
            // the size limit judges the text as sent
            return Self { original, lean: None };
        }
        let runs = payload_runs(original.as_bytes());
        if runs.is_empty() {
            return Self { original, lean: None };
        }
        let removed: usize = runs.iter().map(|r| r.end - r.start - 1).sum();
        let mut lean = String::with_capacity(original.len() - removed);
        let mut kept = Vec::with_capacity(runs.len());
        let mut from = 0;
        for run in &runs {
            lean.push_str(&original[from..run.start]);
            kept.push(lean.len());
            lean.push_str(&original[run.keep..run.keep + 1]);
            from = run.end;
        }
        lean.push_str(&original[from..]);
        Self {
            original,
            lean: Some((lean, kept)),
        }
    }

    /// How many attachment payloads were cut (0 when the text is parsed as it is).
    pub fn cut_payloads(&self) -> usize {
        self.lean.as_ref().map_or(0, |(_, kept)| kept.len())
    }

    /// The text the parser will see first (the original when nothing was cut).
    pub fn text(&self) -> Cow<'_, str> {
        match &self.lean {
            Some((lean, _)) => Cow::Borrowed(lean.as_str()),
            None => Cow::Borrowed(self.original),
        }
    }

    /// Reads the text into the rules' tree ([`parse_for_rules`]: the rules' reader, with the limits,
    /// refusals and messages of `formats::xml::parse_safely`): the lean text when every cut is confirmed
    /// to be an attachment's content, otherwise the original text (so a refusal always names the
    /// original's problem).
    pub fn parse(&self) -> Result<Document<'_>, String> {
        if let Some((lean, kept)) = &self.lean {
            if let Ok(doc) = parse_for_rules(lean) {
                if cuts_are_attachment_content(&doc, kept) {
                    return Ok(doc);
                }
            }
        }
        parse_for_rules(self.original)
    }
}

/// One payload to cut: the bytes `start..end`, of which the byte at `keep` stays.
struct Run {
    start: usize,
    end: usize,
    keep: usize,
}

/// The text runs right after a start tag whose name ends in `BinaryObject`, up to the next `<`, that are
/// long and plain text ([`is_plain`]: printable ASCII and XML white space with no `&` and no `]`) and hold at
/// least one non-space. Such a run cannot make the document malformed (no markup, no reference, no `]]>`,
/// no character XML forbids), so cutting it cannot hide an error. Base64 payloads are such runs.
fn payload_runs(bytes: &[u8]) -> Vec<Run> {
    let mut runs = Vec::new();
    let finder = memmem::Finder::new(b"BinaryObject");
    let mut at = 0;
    while let Some(hit) = finder.find(&bytes[at..]) {
        let name_end = at + hit + b"BinaryObject".len();
        at = name_end;
        // a start tag's name: `BinaryObject` is followed by white space, `>` (or `/>`, which has no content)
        let Some(gt) = memchr(b'>', &bytes[name_end..]).map(|i| name_end + i) else {
            break;
        };
        if bytes[gt - 1] == b'/' {
            continue;
        }
        let start = gt + 1;
        // the text ends at the first `<`; an `&` or a `]` before it means it is not plain
        let Some(stop) = memchr3(b'<', b'&', b']', &bytes[start..]).map(|i| start + i) else {
            break;
        };
        if bytes[stop] != b'<' {
            // go on after this text
            match memchr(b'<', &bytes[stop..]) {
                Some(i) => {
                    at = stop + i;
                    continue;
                }
                None => break,
            }
        }
        at = stop;
        let run = &bytes[start..stop];
        if run.len() < MIN_CUT_BYTES || !is_plain(run) {
            continue;
        }
        if let Some(keep) = run.iter().position(|b| !b.is_ascii_whitespace()) {
            runs.push(Run {
                start,
                end: stop,
                keep: start + keep,
            });
        }
    }
    runs
}

/// Whether every byte is printable ASCII (`' '..='~'`) or XML white space (tab, line feed, carriage
/// return). Checked 16 bytes at a time without branches, which the compiler turns into vector compares:
/// first the one range compare, and only for a block that fails it (most hold a line break) the full test.
fn is_plain(run: &[u8]) -> bool {
    fn printable(b: u8) -> bool {
        b.wrapping_sub(b' ') < 0x5f
    }
    fn plain(b: u8) -> bool {
        printable(b) | (b == b'\n') | (b == b'\r') | (b == b'\t')
    }
    let mut blocks = run.chunks_exact(16);
    let blocks_ok = blocks.all(|block| {
        block.iter().fold(0u8, |bad, &b| bad | u8::from(!printable(b))) == 0
            || block.iter().fold(0u8, |bad, &b| bad | u8::from(!plain(b))) == 0
    });
    blocks_ok && blocks.remainder().iter().all(|&b| plain(b))
}

/// Whether each kept character (a byte offset in the lean text) lies in a text node whose parent element's
/// local name ends in `BinaryObject`: then only attachment content differs from the original.
fn cuts_are_attachment_content(doc: &Document<'_>, kept: &[usize]) -> bool {
    let mut pending = kept.iter().peekable();
    for node in doc.descendants().filter(|n| n.is_text()) {
        let Some(&&offset) = pending.peek() else {
            return true;
        };
        let range = node.range();
        if range.end <= offset {
            continue;
        }
        if range.start > offset {
            // the kept character is not in any text node (an attribute value, a comment)
            return false;
        }
        let in_attachment = node
            .parent_element()
            .is_some_and(|p| p.tag_name().name().ends_with("BinaryObject"));
        if !in_attachment {
            return false;
        }
        // several cuts may share one text node only if a child element split them, which moves on anyway
        while pending.peek().is_some_and(|&&o| o < range.end) {
            pending.next();
        }
    }
    pending.peek().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::xml::parse_safely;

    fn payload(n: usize) -> String {
        "QUJD".repeat(n / 4)
    }

    #[test]
    fn a_long_base64_payload_is_cut_to_one_character_and_the_rest_is_untouched() {
        let xml = format!(
            "<r xmlns:a=\"urn:a\"><a:EmbeddedDocumentBinaryObject mimeCode=\"application/pdf\" filename=\"x.pdf\">\n{}\n</a:EmbeddedDocumentBinaryObject><b>t</b></r>",
            payload(4000)
        );
        let text = RulesText::new(&xml);
        assert_eq!(text.cut_payloads(), 1);
        assert_eq!(
            text.text(),
            "<r xmlns:a=\"urn:a\"><a:EmbeddedDocumentBinaryObject mimeCode=\"application/pdf\" filename=\"x.pdf\">Q</a:EmbeddedDocumentBinaryObject><b>t</b></r>"
        );
        let doc = text.parse().unwrap();
        let object = doc
            .descendants()
            .find(|n| n.tag_name().name() == "EmbeddedDocumentBinaryObject")
            .unwrap();
        assert_eq!(object.attribute("filename"), Some("x.pdf"));
        assert_eq!(object.text(), Some("Q"));
    }

    #[test]
    fn short_or_not_plain_or_other_elements_content_is_kept() {
        let short = format!("<r><BinaryObject>{}</BinaryObject></r>", payload(100));
        let around = |middle: &str| {
            format!(
                "<r><BinaryObject>{}{middle}{}</BinaryObject></r>",
                payload(400),
                payload(400)
            )
        };
        let other = format!("<r><Note>{}</Note></r>", payload(4000));
        let empty = "<r><BinaryObject/>".to_owned() + &payload(4000) + "</r>";
        let blank = format!("<r><BinaryObject>{}</BinaryObject></r>", " \n".repeat(200));
        let not_plain = ["&amp;", "]", "\u{7f}", "é", "\u{c}", "\u{0}"].map(around);
        for xml in [short, other, empty, blank].into_iter().chain(not_plain) {
            assert_eq!(RulesText::new(&xml).cut_payloads(), 0, "{xml:?}");
        }
    }

    #[test]
    fn a_payload_with_line_breaks_tabs_and_spaces_is_cut() {
        let lines: Vec<String> = (0..40).map(|_| payload(76)).collect();
        for separator in ["\n", "\r\n", "\t", " "] {
            let xml = format!(
                "<r><BinaryObject mimeCode=\"text/csv\">{separator}{}{separator}</BinaryObject></r>",
                lines.join(separator)
            );
            let text = RulesText::new(&xml);
            assert_eq!(text.cut_payloads(), 1, "{separator:?}");
            assert_eq!(
                text.parse().unwrap().root_element().first_child().unwrap().text(),
                Some("Q")
            );
        }
    }

    #[test]
    fn a_character_xml_forbids_in_a_payload_is_refused_as_in_the_original() {
        let xml = format!(
            "<r><BinaryObject>{}\u{1}{}</BinaryObject></r>",
            payload(400),
            payload(400)
        );
        let text = RulesText::new(&xml);
        assert_eq!(text.cut_payloads(), 0);
        let refusal = text.parse().unwrap_err();
        assert_eq!(refusal, parse_safely(&xml).unwrap_err());
    }

    #[test]
    fn a_look_alike_outside_an_attachments_text_parses_the_original() {
        // `<` may follow in a comment or a CDATA section: the "payload" there is not an attachment's content
        let comment = format!("<r><!-- BinaryObject>{}<y/> --></r>", payload(400));
        let cdata = format!("<r><Note><![CDATA[BinaryObject>{}<]]></Note></r>", payload(400));
        for xml in [comment, cdata] {
            let text = RulesText::new(&xml);
            assert_eq!(text.cut_payloads(), 1, "{xml}");
            let doc = text.parse().unwrap();
            assert_eq!(doc.input_text(), xml, "the original was parsed");
        }
    }

    #[test]
    fn refusals_are_the_originals() {
        let broken = format!("<r><BinaryObject>{}</BinaryObject>\n\n<oops></r>", payload(4000));
        let lean = RulesText::new(&broken);
        assert_eq!(lean.cut_payloads(), 1);
        assert_eq!(lean.parse().unwrap_err(), parse_safely(&broken).unwrap_err());
    }
}
