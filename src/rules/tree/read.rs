//! Reads XML text into a [`Document`] in one pass, building the arena as it goes.
//!
//! The grammar and its checks follow roxmltree's (the reader `formats::xml::parse_safely` uses), step by
//! step, so that the same documents are accepted and the same trees built: the XML declaration, comments,
//! processing instructions, CDATA sections, the five predefined entities and character references,
//! roxmltree's line-end and attribute-value normalisation, namespace declarations and their checks,
//! unique attributes, matching end tags, one root element, legal characters, and our limits (size, node
//! count, nesting depth, the declared encoding). A document type declaration is never read: it and
//! anything else this reader refuses go to `parse_safely` ([`parse_for_rules`]), whose refusal is the one
//! users see, or whose tree is copied.
//!
//! The speed comes from touching each byte once and each tag's name once: a text run or attribute value is
//! found and checked (forbidden characters, `]]>`, whether it needs decoding) in one pass over its bytes
//! and kept as a slice of the input unless it holds a reference or a line end to normalise; a tag's
//! qualified name is looked up in a table of the names seen so far, which remembers its local name's id
//! and the namespace it resolved to while the declarations in scope stay the same.
//!
//! For the rules ([`read_for_rules`]) an attachment's payload is not kept: the text right after the start
//! tag of an element whose local name ends in `BinaryObject`, when it is long plain text (printable ASCII
//! and XML white space, no `&`, no `]`, checked 64 bytes at a time), becomes its first non-space character.
//! No rule reads that content, only that it is there; plain text is well-formed wherever it stands, so the
//! document is accepted or refused exactly as [`read`] would.

use std::borrow::Cow;

use memchr::{memchr, memchr2, memchr3, memmem};

use super::chars::{
    all_xml_chars, is_name_char, is_name_start, is_plain, is_space, is_xml_char, name_stops, scan_text,
    scan_value, ValueEnd,
};
use super::names::Interner;
use super::node::{AttributeData, Document, Kind, NodeData, NONE};
use crate::formats::xml::{check_declared_encoding, parse_safely, MAX_DEPTH, MAX_NODES, MAX_XML_BYTES};

pub(super) const XML_URI: &str = "http://www.w3.org/XML/1998/namespace";
const XMLNS_URI: &str = "http://www.w3.org/2000/xmlns/";

/// The ASCII name characters other than `:` (`chars::is_name_byte`), as a table.
const NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = matches!(b as u8, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'.');
        b += 1;
    }
    table
};

/// Text after an attachment's start tag shorter than this is kept: cutting it saves less than the
/// bookkeeping costs.
pub const MIN_CUT_BYTES: usize = 256;

/// The one refusal of a document `parse_safely` accepts: two `xmlns="…"` on one start tag, which no
/// e-invoice has; [`parse_for_rules`] copies roxmltree's tree for it.
pub const SECOND_DEFAULT_NAMESPACE: &str = "a second default namespace declaration on one tag";

/// Why the reader refused a text (for tests; users see `parse_safely`'s sentence instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub what: &'static str,
    pub at: usize,
}

type Read<T> = Result<T, Refusal>;

/// Reads `text` for the rules: with this module's reader, and when it refuses, with
/// [`parse_safely`] — its error is returned as is, and a document it accepts is copied into the arena.
pub fn parse_for_rules(text: &str) -> Result<Document<'_>, String> {
    read_or_parse_safely(text, false)
}

/// [`parse_for_rules`] with attachment payloads cut (see the module documentation): accepts and refuses
/// exactly what it does, and builds the same tree but for those payloads' text.
pub fn read_for_rules(text: &str) -> Result<Document<'_>, String> {
    read_or_parse_safely(text, true)
}

/// This module's reader, and when it refuses, [`parse_safely`]: its error as is, or its tree copied.
fn read_or_parse_safely(text: &str, cut_payloads: bool) -> Result<Document<'_>, String> {
    match read_with(text, cut_payloads) {
        Ok(doc) => Ok(doc),
        Err(_) => parse_safely(text).map(|doc| Document::from_roxmltree(&doc)),
    }
}

/// Reads `text` into a [`Document`], or refuses it (see the module documentation).
pub fn read(text: &str) -> Read<Document<'_>> {
    read_with(text, false)
}

fn read_with(text: &str, cut_payloads: bool) -> Read<Document<'_>> {
    if text.len() > MAX_XML_BYTES || text.len() >= NONE as usize {
        return Err(Refusal { what: "size", at: 0 });
    }
    if check_declared_encoding(text).is_err() {
        return Err(Refusal {
            what: "encoding",
            at: 0,
        });
    }
    let mut reader = Reader::new(text, cut_payloads);
    reader.document()?;
    Ok(reader.doc)
}

/// An element whose end tag has not come yet.
#[derive(Clone, Copy)]
struct Open {
    id: u32,
    /// Its qualified name as written in the start tag (`Reader::qnames` id).
    qname: u32,
    /// Where its namespace declarations start in `Reader::scope`.
    scope: usize,
    /// Its in-scope declarations (`Document::scopes`).
    scope_list: u32,
    /// Whether its local name ends in `BinaryObject` (an attachment, whose payload may be cut).
    attachment: bool,
}

/// What the reader knows about a qualified name it has seen.
struct QName<'i> {
    text: &'i str,
    prefix: &'i str,
    local: &'i str,
    /// The local name's id (`Document::names`).
    local_id: u32,
    /// The namespace an element with this name is in, valid while `Reader::generation` is `generation`.
    namespace: u32,
    generation: u32,
    /// Whether the local name ends in `BinaryObject` (an attachment, whose payload may be cut).
    attachment: bool,
}

struct Reader<'i> {
    text: &'i str,
    bytes: &'i [u8],
    pos: usize,
    doc: Document<'i>,
    open: Vec<Open>,
    /// Namespace declarations in scope: prefix ("" for the default namespace) and the URI's id.
    scope: Vec<(&'i str, u32)>,
    /// Changes whenever `scope` does, so a namespace resolved under one generation can be reused.
    generation: u32,
    /// The current start tag's prefixed attributes (their index in `Document::attributes` and prefix),
    /// resolved when the tag ends.
    prefixed: Vec<(usize, &'i str)>,
    /// Local names → `Document::names` ids.
    locals: Interner<'i>,
    /// Qualified names as written → `qnames` entries.
    qname_ids: Interner<'i>,
    qnames: Vec<QName<'i>>,
    /// The text node that a following text or CDATA piece is merged into.
    open_text: Option<u32>,
    /// Whether attachment payloads are cut ([`read_for_rules`]).
    cut_payloads: bool,
}

fn refuse<T>(what: &'static str, at: usize) -> Read<T> {
    Err(Refusal { what, at })
}

impl<'i> Reader<'i> {
    fn new(text: &'i str, cut_payloads: bool) -> Self {
        // e-invoices have about one node per 25 bytes (an element, its attributes and the text around it);
        // the vectors grow past the guess, which is capped so a large attachment does not inflate it
        let nodes = (text.len() / 16).clamp(16, 4096);
        let mut doc = Document {
            text,
            nodes: Vec::with_capacity(nodes),
            attributes: Vec::with_capacity(nodes / 4),
            texts: Vec::with_capacity(nodes * 2 / 3),
            names: Vec::with_capacity(64),
            namespaces: vec![Cow::Borrowed(""), Cow::Borrowed(XML_URI)],
            scopes: vec![Vec::new()],
            cut_payloads: 0,
        };
        doc.nodes.push(NodeData {
            kind: Kind::Root,
            parent: NONE,
            prev_sibling: NONE,
            next_sibling: NONE,
            last_child: NONE,
            end: 1,
            name: 0,
            namespace: 0,
            attributes: (0, 0),
            source: (0, text.len() as u32),
            scope: 0,
        });
        Self {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            doc,
            open: Vec::with_capacity(32),
            scope: Vec::with_capacity(16),
            generation: 0,
            prefixed: Vec::new(),
            locals: Interner::new(),
            qname_ids: Interner::new(),
            qnames: Vec::with_capacity(64),
            open_text: None,
            cut_payloads,
        }
    }

    // --- the input ---

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn current(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn starts_with(&self, prefix: &[u8]) -> bool {
        self.bytes[self.pos..].starts_with(prefix)
    }

    fn skip_spaces(&mut self) {
        while self.current().is_some_and(is_space) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8, what: &'static str) -> Read<()> {
        if self.current() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            refuse(what, self.pos)
        }
    }

    fn expect_str(&mut self, text: &[u8], what: &'static str) -> Read<()> {
        if self.starts_with(text) {
            self.pos += text.len();
            Ok(())
        } else {
            refuse(what, self.pos)
        }
    }

    /// The position of `needle` at or after the current one.
    fn find(&self, needle: &[u8]) -> Option<usize> {
        memmem::find(&self.bytes[self.pos..], needle).map(|at| self.pos + at)
    }

    /// A qualified name as written, and where its colon is (`None`: no prefix). ASCII names, nearly all,
    /// are read with one table look-up per byte; others by the general loop.
    fn qname(&mut self) -> Read<(&'i str, Option<usize>)> {
        let start = self.pos;
        let bytes = self.bytes;
        let name_end = |from: usize| {
            bytes[from..]
                .iter()
                .position(|&b| !NAME_BYTES[b as usize])
                .map_or(bytes.len(), |at| from + at)
        };
        let mut end = name_end(start);
        let mut colon = None;
        if bytes.get(end) == Some(&b':') {
            colon = Some(end);
            end = name_end(end + 1);
        }
        if bytes.get(end).is_none_or(|&b| b < 128 && b != b':') {
            // where the general loop stops too; `NameStartChar` in ASCII: letters and `_` (`:` cannot be)
            let starts_well = |at: usize| {
                bytes
                    .get(at)
                    .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
            };
            let well_formed = match colon {
                Some(colon) => (colon == start || starts_well(start)) && starts_well(colon + 1),
                None => starts_well(start),
            };
            if !well_formed {
                return refuse("a malformed name", start);
            }
            self.pos = end;
            return Ok((&self.text[start..end], colon.map(|c| c - start)));
        }
        self.qname_general()
    }

    /// [`Reader::qname`] for names with non-ASCII characters or a second colon.
    fn qname_general(&mut self) -> Read<(&'i str, Option<usize>)> {
        let start = self.pos;
        let mut colon = None;
        while let Some(&b) = self.bytes.get(self.pos) {
            if NAME_BYTES[b as usize] {
                self.pos += 1;
            } else if b == b':' {
                if colon.is_some() {
                    return refuse("a name with two colons", start);
                }
                colon = Some(self.pos);
                self.pos += 1;
            } else if b < 128 {
                break;
            } else {
                match self.text[self.pos..].chars().next() {
                    Some(c) if is_name_char(c) => self.pos += c.len_utf8(),
                    _ => break,
                }
            }
        }
        let qname = &self.text[start..self.pos];
        let colon = colon.map(|c| c - start);
        let (prefix, local) = split_qname(qname, colon);
        let starts_well = |name: &str| name.chars().next().is_some_and(is_name_start);
        if (!prefix.is_empty() && !starts_well(prefix)) || !starts_well(local) {
            return refuse("a malformed name", start);
        }
        Ok((qname, colon))
    }

    /// A name (a processing instruction's target).
    fn name(&mut self) -> Read<&'i str> {
        let start = self.pos;
        let mut chars = self.text[self.pos..].chars();
        match chars.next() {
            Some(c) if is_name_start(c) => self.pos += c.len_utf8(),
            _ => return refuse("a malformed name", start),
        }
        for c in chars {
            if !is_name_char(c) {
                break;
            }
            self.pos += c.len_utf8();
        }
        Ok(&self.text[start..self.pos])
    }

    // --- the grammar ---

    fn document(&mut self) -> Read<()> {
        if self.starts_with(b"\xEF\xBB\xBF") {
            self.pos += 3;
        }
        self.declaration()?;
        self.misc()?;
        self.skip_spaces();
        if self.starts_with(b"<!DOCTYPE") {
            return refuse("a document type declaration", self.pos);
        }
        if self.current() == Some(b'<') && self.start_tag()? {
            self.content()?;
        }
        self.misc()?;
        if !self.at_end() {
            return refuse("content after the root element", self.pos);
        }
        if !self.open.is_empty() {
            return refuse("an unclosed element", self.pos);
        }
        self.doc.nodes[0].end = self.doc.nodes.len() as u32;
        if !self.doc.root().children().any(|n| n.is_element()) {
            return refuse("no root element", self.pos);
        }
        Ok(())
    }

    /// `<?xml version=… encoding=… standalone=…?>`, checked as roxmltree does and not kept.
    fn declaration(&mut self) -> Read<()> {
        if !self.starts_with(b"<?xml ") {
            return Ok(());
        }
        self.pos += 5;
        self.declaration_spaces()?;
        if !self.starts_with(b"version") {
            return refuse("a declaration without version", self.pos);
        }
        self.declaration_attribute()?;
        self.declaration_spaces()?;
        if self.starts_with(b"encoding") {
            self.declaration_attribute()?;
            self.declaration_spaces()?;
        }
        if self.starts_with(b"standalone") {
            self.declaration_attribute()?;
        }
        self.skip_spaces();
        self.expect_str(b"?>", "an unterminated declaration")
    }

    fn declaration_spaces(&mut self) -> Read<()> {
        if self.current().is_some_and(is_space) {
            self.skip_spaces();
        } else if !self.starts_with(b"?>") && !self.at_end() {
            return refuse("a declaration without spaces", self.pos);
        }
        Ok(())
    }

    fn declaration_attribute(&mut self) -> Read<()> {
        self.qname()?;
        self.equals()?;
        let quote = self.quote()?;
        let Some(stop) = memchr2(quote, b'<', &self.bytes[self.pos..]).map(|at| self.pos + at) else {
            return refuse("an unterminated value", self.pos);
        };
        if !all_xml_chars(&self.text[self.pos..stop]) {
            return refuse("a character XML forbids", self.pos);
        }
        self.pos = stop;
        self.expect(quote, "an unterminated value")
    }

    fn equals(&mut self) -> Read<()> {
        self.skip_spaces();
        self.expect(b'=', "a missing '='")?;
        self.skip_spaces();
        Ok(())
    }

    fn quote(&mut self) -> Read<u8> {
        match self.current() {
            Some(quote @ (b'"' | b'\'')) => {
                self.pos += 1;
                Ok(quote)
            }
            _ => refuse("a missing quote", self.pos),
        }
    }

    /// Comments, processing instructions and white space outside the root element.
    fn misc(&mut self) -> Read<()> {
        while !self.at_end() {
            self.skip_spaces();
            if self.starts_with(b"<!--") {
                self.comment()?;
            } else if self.starts_with(b"<?") {
                self.processing_instruction()?;
            } else {
                break;
            }
        }
        Ok(())
    }

    /// The root element's content, up to its end tag.
    fn content(&mut self) -> Read<()> {
        while let Some(b) = self.current() {
            if b != b'<' {
                self.text_run()?;
                continue;
            }
            match self.bytes.get(self.pos + 1) {
                Some(b'!') => {
                    if self.starts_with(b"<!--") {
                        self.comment()?;
                    } else if self.starts_with(b"<![CDATA[") {
                        self.cdata()?;
                    } else {
                        return refuse("an unknown token", self.pos);
                    }
                }
                Some(b'?') => self.processing_instruction()?,
                Some(b'/') => {
                    self.end_tag()?;
                    if self.open.is_empty() {
                        return Ok(());
                    }
                }
                Some(_) => {
                    self.start_tag()?;
                }
                None => return refuse("a lone '<'", self.pos),
            }
        }
        Ok(())
    }

    fn comment(&mut self) -> Read<()> {
        let start = self.pos;
        self.pos += 4;
        let Some(stop) = self.find(b"-->") else {
            return refuse("an unterminated comment", start);
        };
        let body = &self.text[self.pos..stop];
        if !all_xml_chars(body) || body.contains("--") || body.ends_with('-') {
            return refuse("a malformed comment", start);
        }
        self.pos = stop + 3;
        self.open_text = None;
        let text = self.push_text(Cow::Borrowed(body));
        self.append(Kind::Comment, text, 0, start)?;
        Ok(())
    }

    fn processing_instruction(&mut self) -> Read<()> {
        let start = self.pos;
        if self.starts_with(b"<?xml ") {
            return refuse("a second XML declaration", start);
        }
        self.pos += 2;
        let target = self.name()?;
        self.skip_spaces();
        let Some(stop) = self.find(b"?>") else {
            return refuse("an unterminated processing instruction", start);
        };
        let value = &self.text[self.pos..stop];
        if !all_xml_chars(value) {
            return refuse("a character XML forbids", self.pos);
        }
        self.pos = stop + 2;
        self.open_text = None;
        let target = self.push_text(Cow::Borrowed(target));
        let value = if value.is_empty() {
            NONE
        } else {
            self.push_text(Cow::Borrowed(value))
        };
        self.append(Kind::Pi, target, value, start)?;
        Ok(())
    }

    fn cdata(&mut self) -> Read<()> {
        let start = self.pos;
        self.pos += 9;
        let Some(stop) = self.find(b"]]>") else {
            return refuse("an unterminated CDATA section", start);
        };
        let body = &self.text[self.pos..stop];
        if !all_xml_chars(body) {
            return refuse("a character XML forbids", self.pos);
        }
        self.pos = stop + 3;
        let body = if memchr(b'\r', body.as_bytes()).is_some() {
            Cow::Owned(body.replace("\r\n", "\n").replace('\r', "\n"))
        } else {
            Cow::Borrowed(body)
        };
        self.add_text(body, start)
    }

    /// Character data up to the next `<`.
    fn text_run(&mut self) -> Read<()> {
        let start = self.pos;
        if self.cut_payloads && self.cut_payload()? {
            return Ok(());
        }
        let (stop, decode) = scan_text(self.bytes, start).map_err(|at| Refusal {
            what: "a character XML forbids or ']]>' in text",
            at,
        })?;
        self.pos = stop;
        let run = &self.text[start..stop];
        let text = if decode {
            Cow::Owned(decode_text(run).map_err(|what| Refusal { what, at: start })?)
        } else {
            Cow::Borrowed(run)
        };
        self.add_text(text, start)
    }

    /// An attachment's payload, for the rules: the text right after the start tag of an element whose
    /// local name ends in `BinaryObject`, when it is at least [`MIN_CUT_BYTES`] of plain text
    /// ([`is_plain`], and no `&` or `]`) with a non-space, is kept as its first non-space character.
    /// Such text is well-formed, so [`Reader::text_run`] would accept it too. Whether it was cut.
    fn cut_payload(&mut self) -> Read<bool> {
        let Some(open) = self.open.last() else {
            return Ok(false);
        };
        if !open.attachment || self.doc.nodes[open.id as usize].last_child != NONE {
            return Ok(false);
        }
        let start = self.pos;
        let run = match memchr3(b'<', b'&', b']', &self.bytes[start..]) {
            Some(at) if self.bytes[start + at] == b'<' => &self.bytes[start..start + at],
            _ => return Ok(false),
        };
        if run.len() < MIN_CUT_BYTES || !is_plain(run) {
            return Ok(false);
        }
        let Some(keep) = run.iter().position(|&b| !is_space(b)) else {
            return Ok(false);
        };
        self.pos = start + run.len();
        self.doc.cut_payloads += 1;
        self.add_text(Cow::Borrowed(&self.text[start + keep..start + keep + 1]), start)?;
        Ok(true)
    }

    /// Adds a piece of text: a new text node, or the end of the one just before (text and CDATA pieces
    /// next to each other make one node).
    #[inline]
    fn add_text(&mut self, piece: Cow<'i, str>, start: usize) -> Read<()> {
        match self.open_text {
            Some(node) => {
                let index = self.doc.nodes[node as usize].name as usize;
                let merged = &mut self.doc.texts[index];
                merged.to_mut().push_str(&piece);
            }
            None => {
                let text = self.push_text(piece);
                let id = self.append(Kind::Text, text, 0, start)?;
                self.open_text = Some(id);
            }
        }
        Ok(())
    }

    #[inline]
    fn push_text(&mut self, text: Cow<'i, str>) -> u32 {
        self.doc.texts.push(text);
        (self.doc.texts.len() - 1) as u32
    }

    /// Appends a node as the last child of the innermost open element (or of the document node).
    #[inline]
    fn append(&mut self, kind: Kind, name: u32, namespace: u32, start: usize) -> Read<u32> {
        let nodes = &mut self.doc.nodes;
        if nodes.len() >= MAX_NODES as usize {
            return refuse("too many nodes", start);
        }
        let id = nodes.len() as u32;
        let parent = self.open.last().map_or(0, |open| open.id);
        let previous = nodes[parent as usize].last_child;
        if previous != NONE {
            nodes[previous as usize].next_sibling = id;
        }
        nodes[parent as usize].last_child = id;
        nodes.push(NodeData {
            kind,
            parent,
            prev_sibling: previous,
            next_sibling: NONE,
            last_child: NONE,
            end: id + 1,
            name,
            namespace,
            attributes: (0, 0),
            source: (start as u32, self.pos as u32),
            scope: 0,
        });
        Ok(id)
    }

    /// The entry of the qualified name at the reader's position, which is read and checked the first time
    /// and found by [`Reader::known_qname`] afterwards.
    fn tag_qname(&mut self) -> Read<u32> {
        if let Some((entry, end)) = self.known_qname() {
            self.pos = end;
            return Ok(entry);
        }
        let (qname, colon) = self.qname()?;
        Ok(self.qname_entry(qname, colon))
    }

    /// A qualified name the reader has read before, at its position: the bytes up to the first byte that
    /// cannot be part of a name in a tag ([`name_stops`], eight bytes at a time) looked up in the table of
    /// names read so far. Those were checked when first read and hold only name characters, so
    /// [`Reader::qname`] would read the same name and stop at the same byte. The entry and the name's end.
    fn known_qname(&self) -> Option<(u32, usize)> {
        let start = self.pos;
        let mut at = start;
        let end = loop {
            let word = self.bytes.get(at..at + 8)?;
            let stops = name_stops(u64::from_le_bytes(word.try_into().ok()?));
            if stops != 0 {
                break at + (stops.trailing_zeros() / 8) as usize;
            }
            at += 8;
            if at - start >= 64 {
                return None;
            }
        };
        let entry = self.qname_ids.get(self.text.get(start..end)?)?;
        Some((entry, end))
    }

    /// The entry of a qualified name as written (`qname[..colon]` its prefix), added the first time.
    fn qname_entry(&mut self, qname: &'i str, colon: Option<usize>) -> u32 {
        let (id, new) = self.qname_ids.get_or_insert(qname);
        if new {
            let (prefix, local) = split_qname(qname, colon);
            let local_id = self.intern(local);
            self.qnames.push(QName {
                text: qname,
                prefix,
                local,
                local_id,
                namespace: 0,
                generation: u32::MAX,
                attachment: local.ends_with("BinaryObject"),
            });
        }
        id
    }

    /// A start tag (or an empty-element tag); returns whether the element is open (has content to read).
    fn start_tag(&mut self) -> Read<bool> {
        let start = self.pos;
        self.pos += 1;
        let entry = self.tag_qname()?;
        if self.qnames[entry as usize].prefix == "xmlns" {
            return refuse("an element with the prefix xmlns", start);
        }
        self.open_text = None;
        let scope = self.scope.len();
        let first_attribute = self.doc.attributes.len();
        self.prefixed.clear();
        let empty = loop {
            let spaced = self.current().is_some_and(is_space);
            self.skip_spaces();
            match self.current() {
                None => return refuse("an unterminated start tag", start),
                Some(b'/') => {
                    self.pos += 1;
                    self.expect(b'>', "a '/' without '>'")?;
                    break true;
                }
                Some(b'>') => {
                    self.pos += 1;
                    break false;
                }
                Some(_) => {
                    if !spaced {
                        return refuse("an attribute without a space before it", self.pos);
                    }
                    self.attribute(scope)?;
                }
            }
        };
        let depth = self.open.len() + 2;
        if depth > MAX_DEPTH {
            return refuse("nesting too deep", start);
        }
        for index in 0..self.prefixed.len() {
            let (attribute, prefix) = self.prefixed[index];
            self.doc.attributes[attribute].namespace = match prefix {
                "xml" => 1,
                _ => self.lookup(prefix).ok_or(Refusal {
                    what: "an undeclared prefix",
                    at: start,
                })?,
            };
        }
        let attributes = &self.doc.attributes[first_attribute..];
        for (at, attribute) in attributes.iter().enumerate().skip(1) {
            let same = |a: &AttributeData<'_>| a.name == attribute.name && a.namespace == attribute.namespace;
            if attributes[..at].iter().any(same) {
                return refuse("a duplicate attribute", start);
            }
        }
        if self.scope.len() != scope {
            self.generation += 1;
        }
        let generation = self.generation;
        let known = &self.qnames[entry as usize];
        let (name, namespace) = if known.generation == generation {
            (known.local_id, known.namespace)
        } else {
            let prefix = known.prefix;
            let namespace = if prefix.is_empty() {
                self.lookup("").unwrap_or(0)
            } else {
                self.lookup(prefix).ok_or(Refusal {
                    what: "an undeclared prefix",
                    at: start,
                })?
            };
            let known = &mut self.qnames[entry as usize];
            known.namespace = namespace;
            known.generation = generation;
            (known.local_id, namespace)
        };
        let id = self.append(Kind::Element, name, namespace, start)?;
        let parent_list = self.open.last().map_or(0, |open| open.scope_list);
        let scope_list = if self.scope.len() == scope {
            parent_list
        } else {
            self.scope_list(scope, parent_list)
        };
        let data = &mut self.doc.nodes[id as usize];
        data.attributes = (first_attribute as u32, self.doc.attributes.len() as u32);
        data.scope = scope_list;
        if empty {
            self.close_scope(scope);
        } else {
            let attachment = self.qnames[entry as usize].attachment;
            self.open.push(Open {
                id,
                qname: entry,
                scope,
                scope_list,
                attachment,
            });
        }
        Ok(!empty)
    }

    /// Ends the declarations made from `scope` on (an element's, at its end).
    fn close_scope(&mut self, scope: usize) {
        if self.scope.len() != scope {
            self.scope.truncate(scope);
            self.generation += 1;
        }
    }

    fn attribute(&mut self, scope: usize) -> Read<()> {
        let start = self.pos;
        let entry = self.tag_qname()?;
        self.equals()?;
        let quote = self.quote()?;
        let (stop, decode) = match scan_value(self.bytes, self.pos, quote) {
            ValueEnd::Quote(stop, decode) => (stop, decode),
            ValueEnd::Unterminated(at) => return refuse("an unterminated attribute value", at),
            ValueEnd::Forbidden(at) => return refuse("a character XML forbids", at),
        };
        let raw = &self.text[self.pos..stop];
        self.pos = stop + 1;
        let value = if decode {
            Cow::Owned(decode_attribute(raw).map_err(|what| Refusal { what, at: start })?)
        } else {
            Cow::Borrowed(raw)
        };
        let QName {
            prefix,
            local,
            local_id,
            ..
        } = self.qnames[entry as usize];
        if prefix == "xmlns" {
            if value == XMLNS_URI {
                return refuse("the xmlns namespace declared", start);
            }
            let is_xml = value == XML_URI;
            if (local == "xml") != is_xml {
                return refuse("the xml namespace misdeclared", start);
            }
            if self.scope[scope..].iter().any(|(p, _)| *p == local) {
                return refuse("a namespace declared twice", start);
            }
            if !is_xml {
                let uri = self.intern_namespace(value);
                self.scope.push((local, uri));
            }
        } else if local == "xmlns" {
            if value == XML_URI || value == XMLNS_URI {
                return refuse("a reserved namespace as default", start);
            }
            // roxmltree takes the first and lists both: left to it (no invoice does this)
            if self.scope[scope..].iter().any(|(p, _)| p.is_empty()) {
                return refuse(SECOND_DEFAULT_NAMESPACE, start);
            }
            let uri = self.intern_namespace(value);
            self.scope.push(("", uri));
        } else {
            if !prefix.is_empty() {
                self.prefixed.push((self.doc.attributes.len(), prefix));
            }
            self.doc.attributes.push(AttributeData {
                name: local_id,
                namespace: 0,
                value,
            });
        }
        Ok(())
    }

    fn end_tag(&mut self) -> Read<()> {
        let start = self.pos;
        let Some(&Open { id, qname, scope, .. }) = self.open.last() else {
            return refuse("an end tag without a start tag", start);
        };
        let written = self.qnames[qname as usize].text;
        // the common case: the open element's name as written, then `>` (what the general path below
        // accepts for it too, as the name cannot go on past `>`)
        let name_end = start + 2 + written.len();
        if self.bytes.get(start + 2..name_end) != Some(written.as_bytes())
            || self.bytes.get(name_end) != Some(&b'>')
        {
            self.pos += 2;
            let (qname, _) = self.qname()?;
            self.skip_spaces();
            self.expect(b'>', "an unterminated end tag")?;
            if qname != written {
                return refuse("an end tag that does not match", start);
            }
        } else {
            self.pos = name_end + 1;
        }
        self.open_text = None;
        self.open.pop();
        self.doc.nodes[id as usize].end = self.doc.nodes.len() as u32;
        self.close_scope(scope);
        Ok(())
    }

    /// A new list of in-scope declarations: the element's own (`scope[own..]`), then its parent's list
    /// without the prefixes it redeclares.
    fn scope_list(&mut self, own: usize, parent_list: u32) -> u32 {
        let own = &self.scope[own..];
        let mut list: Vec<(Cow<'i, str>, u32)> =
            own.iter().map(|(p, uri)| (Cow::Borrowed(*p), *uri)).collect();
        for (prefix, uri) in &self.doc.scopes[parent_list as usize] {
            if !own.iter().any(|(p, _)| *p == prefix.as_ref()) {
                list.push((prefix.clone(), *uri));
            }
        }
        self.doc.scopes.push(list);
        (self.doc.scopes.len() - 1) as u32
    }

    /// The namespace id bound to `prefix` ("" for the default namespace) where the reader is.
    fn lookup(&self, prefix: &str) -> Option<u32> {
        self.scope
            .iter()
            .rev()
            .find(|(p, _)| *p == prefix)
            .map(|(_, uri)| *uri)
    }

    /// The id of a local name (`Document::names`), the same for elements and attributes.
    fn intern(&mut self, name: &'i str) -> u32 {
        let (id, new) = self.locals.get_or_insert(name);
        if new {
            self.doc.names.push(Cow::Borrowed(name));
        }
        id
    }

    fn intern_namespace(&mut self, uri: Cow<'i, str>) -> u32 {
        match self.doc.namespaces.iter().skip(1).position(|known| *known == uri) {
            Some(at) => at as u32 + 1,
            None => {
                self.doc.namespaces.push(uri);
                (self.doc.namespaces.len() - 1) as u32
            }
        }
    }
}

/// A qualified name split at its colon (`qname[colon]`): prefix ("" when none) and local part.
fn split_qname(qname: &str, colon: Option<usize>) -> (&str, &str) {
    match colon {
        Some(colon) => (&qname[..colon], &qname[colon + 1..]),
        None => ("", qname),
    }
}

/// A reference at `bytes[at]` (an `&`): the character it stands for and where it ends, or `None` when it
/// is malformed or names an entity other than the five predefined ones.
fn reference(text: &str, at: usize) -> Option<(char, usize)> {
    let bytes = text.as_bytes();
    let mut pos = at + 1;
    let c = if bytes.get(pos) == Some(&b'#') {
        pos += 1;
        let hex = bytes.get(pos) == Some(&b'x');
        if hex {
            pos += 1;
        }
        let digits_start = pos;
        while bytes.get(pos).is_some_and(|b| {
            if hex {
                b.is_ascii_hexdigit()
            } else {
                b.is_ascii_digit()
            }
        }) {
            pos += 1;
        }
        let digits = std::str::from_utf8(&bytes[digits_start..pos]).ok()?;
        let n = u32::from_str_radix(digits, if hex { 16 } else { 10 }).ok()?;
        let c = char::from_u32(n).unwrap_or('\u{FFFD}');
        if !is_xml_char(c) {
            return None;
        }
        c
    } else {
        let start = pos;
        let mut chars = text.get(start..)?.chars();
        let first = chars.next().filter(|c| is_name_start(*c))?;
        pos += first.len_utf8();
        for c in chars {
            if !is_name_char(c) {
                break;
            }
            pos += c.len_utf8();
        }
        match &bytes[start..pos] {
            b"quot" => '"',
            b"amp" => '&',
            b"apos" => '\'',
            b"lt" => '<',
            b"gt" => '>',
            _ => return None,
        }
    };
    (bytes.get(pos) == Some(&b';')).then_some((c, pos + 1))
}

/// Text with references or carriage returns, decoded as roxmltree does: references give their character
/// as is (and the byte right after one is taken as is too), other line ends become `\n`.
fn decode_text(text: &str) -> Result<String, &'static str> {
    let bytes = text.as_bytes();
    let mut buffer: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut as_is = false;
    let mut pos = 0;
    while pos < bytes.len() {
        let b = bytes[pos];
        if b == b'&' {
            let (c, next) = reference(text, pos).ok_or("a malformed or unknown reference")?;
            let mut utf8 = [0u8; 4];
            buffer.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            as_is = true;
            pos = next;
            continue;
        }
        pos += 1;
        if as_is {
            buffer.push(b);
            as_is = false;
            continue;
        }
        let at_end = pos == bytes.len();
        if buffer.last() == Some(&b'\r') {
            if let Some(last) = buffer.last_mut() {
                *last = b'\n';
            }
            if at_end && b == b'\r' {
                buffer.push(b'\n');
            } else if b != b'\n' {
                buffer.push(b);
            }
        } else if at_end && b == b'\r' {
            buffer.push(b'\n');
        } else {
            buffer.push(b);
        }
    }
    String::from_utf8(buffer).map_err(|_| "text that is not UTF-8 once decoded")
}

/// An attribute value with references or white space to normalise, as roxmltree does: references give
/// their character as is, `\r\n` and each of `\r`, `\n`, `\t` become one space.
fn decode_attribute(text: &str) -> Result<String, &'static str> {
    let bytes = text.as_bytes();
    let mut buffer: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut pos = 0;
    while pos < bytes.len() {
        let b = bytes[pos];
        if b == b'&' {
            let (c, next) = reference(text, pos).ok_or("a malformed or unknown reference")?;
            let mut utf8 = [0u8; 4];
            buffer.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            pos = next;
            continue;
        }
        pos += 1;
        if b == b'\r' && bytes.get(pos) == Some(&b'\n') {
            continue;
        }
        buffer.push(if matches!(b, b'\n' | b'\r' | b'\t') {
            b' '
        } else {
            b
        });
    }
    String::from_utf8(buffer).map_err(|_| "a value that is not UTF-8 once decoded")
}
