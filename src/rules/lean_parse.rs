//! The parse the rules need, and no more: the base64 payload of attachments (`…BinaryObject` elements) is
//! read as one character, because no rule reads that content (only the element's presence, its
//! attributes, and that it is not empty, which the kept character preserves) and parsing it was most of
//! the parsing cost. Sniffing (`formats::sniff`) and the e-invoice readers (`formats::ubl`, `cii`,
//! `zugferd1`), which take an attachment's attributes but never its content, read this tree too; a reader
//! that extracted attachments would parse the original text.
//!
//! The rules' reader does the cut as it reads ([`read_for_rules`]): the text right after an attachment's
//! start tag, when it is long plain text (printable ASCII and XML white space without `&` or `]`, which
//! base64 is), becomes its first non-space character. Plain text is well-formed wherever it stands, so the
//! cut cannot hide an error, and every other text is read as it is: the document is accepted or refused
//! exactly as `formats::xml::parse_safely` does, with its limits and error messages. The text is not
//! copied and the payload is looked at once, by the reader.

use std::borrow::Cow;

use super::tree::{is_plain, read_for_rules, Document, MIN_CUT_BYTES};
use crate::formats::xml::MAX_XML_BYTES;
use memchr::{memchr, memchr3, memmem};

/// An e-invoice's XML text to be parsed for the rules, with its attachment payloads cut.
pub struct RulesText<'a> {
    original: &'a str,
}

impl<'a> RulesText<'a> {
    /// The text as received; nothing is read until [`RulesText::parse`].
    pub fn new(original: &'a str) -> Self {
        Self { original }
    }

    /// The text with the payloads cut as the reader cuts them, for comparing with other parsers (a text
    /// parser given it builds the rules' tree): found textually, as the text after `BinaryObject…>` up to
    /// the next `<`, which is where the reader's cuts are in every e-invoice; [`RulesText::parse`] does
    /// not use it. The original when nothing is cut.
    pub fn text(&self) -> Cow<'a, str> {
        if self.original.len() > MAX_XML_BYTES {
            // the size limit judges the text as sent
            return Cow::Borrowed(self.original);
        }
        let runs = payload_runs(self.original.as_bytes());
        if runs.is_empty() {
            return Cow::Borrowed(self.original);
        }
        let removed: usize = runs.iter().map(|r| r.end - r.start - 1).sum();
        let mut lean = String::with_capacity(self.original.len() - removed);
        let mut from = 0;
        for run in &runs {
            lean.push_str(&self.original[from..run.start]);
            lean.push_str(&self.original[run.keep..run.keep + 1]);
            from = run.end;
        }
        lean.push_str(&self.original[from..]);
        Cow::Owned(lean)
    }

    /// Reads the text into the rules' tree with attachment payloads cut ([`read_for_rules`]: the rules'
    /// reader, with the limits, refusals and messages of `formats::xml::parse_safely`).
    pub fn parse(&self) -> Result<Document<'a>, String> {
        read_for_rules(self.original)
    }
}

/// One payload to cut: the bytes `start..end`, of which the byte at `keep` stays.
struct Run {
    start: usize,
    end: usize,
    keep: usize,
}

/// The text runs right after `BinaryObject…>`, up to the next `<`, that are long and plain text
/// ([`is_plain`]: printable ASCII and XML white space with no `&` and no `]`) and hold at least one
/// non-space.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::xml::parse_safely;

    fn payload(n: usize) -> String {
        "QUJD".repeat(n / 4)
    }

    #[test]
    fn a_long_base64_payload_is_read_as_one_character_and_the_rest_is_untouched() {
        let xml = format!(
            "<r xmlns:a=\"urn:a\"><a:EmbeddedDocumentBinaryObject mimeCode=\"application/pdf\" filename=\"x.pdf\">\n{}\n</a:EmbeddedDocumentBinaryObject><b>t</b></r>",
            payload(4000)
        );
        let text = RulesText::new(&xml);
        assert_eq!(
            text.text(),
            "<r xmlns:a=\"urn:a\"><a:EmbeddedDocumentBinaryObject mimeCode=\"application/pdf\" filename=\"x.pdf\">Q</a:EmbeddedDocumentBinaryObject><b>t</b></r>"
        );
        let doc = text.parse().unwrap();
        assert_eq!(doc.cut_payloads(), 1);
        let object = doc
            .descendants()
            .find(|n| n.tag_name().name() == "EmbeddedDocumentBinaryObject")
            .unwrap();
        assert_eq!(object.attribute("filename"), Some("x.pdf"));
        assert_eq!(object.text(), Some("Q"));
        let b = object.next_sibling().unwrap();
        assert_eq!((b.tag_name().name(), b.text()), ("b", Some("t")));
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
        let named_like = format!("<r><BinaryObjectX>{}</BinaryObjectX></r>", payload(4000));
        let in_attribute = format!("<r><Note a=\"BinaryObject\">{}</Note></r>", payload(4000));
        let empty = "<r><BinaryObject/>".to_owned() + &payload(4000) + "</r>";
        let after_child = format!("<r><BinaryObject><c/>{}</BinaryObject></r>", payload(4000));
        let blank = format!("<r><BinaryObject>{}</BinaryObject></r>", " \n".repeat(200));
        let not_plain = ["&amp;", "]", "\u{7f}", "é"].map(around);
        for xml in [short, other, named_like, in_attribute, empty, after_child, blank]
            .into_iter()
            .chain(not_plain)
        {
            let doc = RulesText::new(&xml).parse().unwrap();
            assert_eq!(doc.cut_payloads(), 0, "{xml:?}");
            let whole = parse_safely(&xml).unwrap();
            let texts = |texts: Vec<Option<&str>>| texts.into_iter().flatten().collect::<String>();
            assert_eq!(
                texts(doc.descendants().map(|n| n.text()).collect()),
                texts(whole.descendants().map(|n| n.text()).collect()),
                "{xml:?}"
            );
        }
    }

    #[test]
    fn a_payload_with_line_breaks_tabs_and_spaces_is_cut() {
        let lines: Vec<String> = (0..40).map(|_| payload(76)).collect();
        for separator in ["\n", "\r\n", "\t", " "] {
            let xml = format!(
                "<r><x:AttachmentBinaryObject xmlns:x=\"urn:x\" mimeCode=\"text/csv\">{separator}{}{separator}</x:AttachmentBinaryObject></r>",
                lines.join(separator)
            );
            let doc = RulesText::new(&xml).parse().unwrap();
            assert_eq!(doc.cut_payloads(), 1, "{separator:?}");
            assert_eq!(doc.root_element().first_child().unwrap().text(), Some("Q"));
        }
    }

    #[test]
    fn a_character_xml_forbids_in_a_payload_is_refused_as_in_the_original() {
        for bad in ["\u{1}", "\u{0}", "\u{FFFE}"] {
            let xml = format!(
                "<r><BinaryObject>{}{bad}{}</BinaryObject></r>",
                payload(400),
                payload(400)
            );
            let refusal = RulesText::new(&xml).parse().unwrap_err();
            assert_eq!(refusal, parse_safely(&xml).unwrap_err());
        }
    }

    #[test]
    fn a_look_alike_outside_an_attachments_text_is_read_as_it_is() {
        // `<` may follow in a comment or a CDATA section: the "payload" there is not an attachment's content
        let comment = format!("<r><!-- BinaryObject>{}<y/> --></r>", payload(400));
        let cdata = format!("<r><Note><![CDATA[BinaryObject>{}<]]></Note></r>", payload(400));
        for xml in [comment, cdata] {
            let doc = RulesText::new(&xml).parse().unwrap();
            assert_eq!(doc.cut_payloads(), 0, "{xml}");
            let text = doc.descendants().find_map(|n| n.text().filter(|t| t.len() > 400));
            assert!(text.is_some(), "the payload is kept: {xml}");
        }
    }

    #[test]
    fn refusals_are_the_originals() {
        let broken = format!("<r><BinaryObject>{}</BinaryObject>\n\n<oops></r>", payload(4000));
        assert_eq!(
            RulesText::new(&broken).parse().unwrap_err(),
            parse_safely(&broken).unwrap_err()
        );
    }
}
