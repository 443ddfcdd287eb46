//! Our reader of a font's `/ToUnicode` CMap, standing in for lopdf's (`ToUnicodeCMap::parse`), which builds
//! a reverse map by walking every code of every range and made one large font cost tens of milliseconds.
//!
//! It reads exactly the grammar lopdf's parser accepts, or a stricter part of it: whatever it does not
//! recognise makes [`parse`] answer `None`, and the caller then asks lopdf as before, so a malformed map
//! ends as it did (lopdf's map, or no map). What it accepts decodes exactly as lopdf decodes: the same
//! ranges (a later mapping overwrites an earlier one; touching ranges with equal targets merge, and an
//! incremented target counts from the start of the merged range, as lopdf's range map does), the same
//! codespace test (each byte within the range's bounds), U+FFFD for an unmapped code, and UTF-16BE
//! decoded as lopdf decodes it. Codes are looked up in the ranges, never expanded into a table.

use std::rc::Rc;

use lopdf::{Dictionary, Document, Object};

use super::pdf::MAX_DECODED_STREAM_BYTES;

/// What a range of codes maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// One UTF-16 unit: the code plus this (wrapping).
    Offset(u32),
    /// UTF-16 units whose last one is incremented by the code's distance from the range's start.
    Units(Rc<[u16]>),
    /// The units of each code in turn from the range's start (U+FFFD past the end).
    Array(Rc<[Vec<u16>]>),
}

#[derive(Debug, Clone)]
struct Range {
    start: u32,
    end: u32,
    target: Target,
}

/// A parsed `/ToUnicode` map.
#[derive(Debug, Default)]
pub struct ToUnicode {
    /// `(low, high, length)` of each codespace range.
    codespaces: Vec<(u32, u32, u8)>,
    /// Sorted, disjoint ranges for codes of 1, 2, 3 and 4 bytes; touching ranges never have equal targets.
    ranges: [Vec<Range>; 4],
}

const REPLACEMENT: u16 = 0xfffd;
/// Mappings out of order make every insertion move the ranges after it: past this many moves (a hostile
/// map) the map is left to lopdf's reader, whose tree takes them in its stride.
const MAX_MOVED_RANGES: usize = 1 << 22;

impl ToUnicode {
    /// The UTF-16 units of one code of `length` bytes, `None` when unmapped.
    pub fn get(&self, code: u32, length: u8) -> Option<Vec<u16>> {
        if !(1..=4).contains(&length) {
            return None;
        }
        let ranges = &self.ranges[usize::from(length - 1)];
        let index = ranges.partition_point(|r| r.start <= code).checked_sub(1)?;
        let range = &ranges[index];
        if code > range.end {
            return None;
        }
        Some(match &range.target {
            Target::Offset(offset) => vec![code.wrapping_add(*offset) as u16],
            Target::Units(units) => {
                let mut units = units.to_vec();
                if let Some(last) = units.last_mut() {
                    *last = last.wrapping_add((code - range.start) as u16);
                }
                units
            }
            Target::Array(list) => list
                .get((code - range.start) as usize)
                .cloned()
                .unwrap_or_else(|| vec![REPLACEMENT]),
        })
    }

    /// The `(start, end)` of the ranges of codes of `length` bytes, in order.
    pub fn ranges(&self, length: u8) -> Vec<(u32, u32)> {
        self.ranges
            .get(usize::from(length.wrapping_sub(1)))
            .map_or_else(Vec::new, |r| r.iter().map(|r| (r.start, r.end)).collect())
    }

    fn get_or_replacement(&self, code: u32, length: u8) -> Vec<u16> {
        self.get(code, length).unwrap_or_else(|| vec![REPLACEMENT])
    }

    /// A code is complete when it lies in a codespace range of its length (each byte within that
    /// range's bytes), or, without codespace ranges, when it is mapped.
    fn get_for_decoding(&self, code: u32, length: u8) -> Option<Vec<u16>> {
        if self.codespaces.is_empty() {
            return self.get(code, length);
        }
        self.codespaces
            .iter()
            .any(|&(low, high, len)| {
                len == length
                    && (0..len).all(|i| {
                        let shift = 8 * u32::from(i);
                        let byte = (code >> shift) as u8;
                        (low >> shift) as u8 <= byte && byte <= (high >> shift) as u8
                    })
            })
            .then(|| self.get_or_replacement(code, length))
    }

    /// The text of a string of codes, as lopdf's `Encoding::bytes_to_string` gives it.
    pub fn decode(&self, bytes: &[u8]) -> String {
        let mut units: Vec<u16> = Vec::new();
        let (mut length, mut code) = (0u8, 0u32);
        for byte in bytes {
            if length == 4 {
                units.extend(self.get_or_replacement(code, 4));
                (length, code) = (0, 0);
            }
            length += 1;
            code = code.wrapping_mul(256).wrapping_add(u32::from(*byte));
            if let Some(found) = self.get_for_decoding(code, length) {
                units.extend(found);
                (length, code) = (0, 0);
            }
        }
        if length > 0 {
            units.extend(self.get_or_replacement(code, length));
        }
        let bytes: Vec<u8> = units.iter().flat_map(|u| u.to_be_bytes()).collect();
        encoding_rs::UTF_16BE.decode(&bytes).0.into_owned()
    }

    /// Maps `start..=end` (codes of `length` bytes) to `target`, as lopdf's range map inserts: the new
    /// range wins where it overlaps, and it merges with touching ranges of an equal target. Answers how
    /// many stored ranges had to move (none when mappings come in order, as they nearly always do).
    fn put(&mut self, start: u32, end: u32, length: u8, target: Target) -> usize {
        let ranges = &mut self.ranges[usize::from(length - 1)];
        let (mut start, mut end) = (start, end);
        // the stored ranges that overlap or touch the new one: from the first ending at or after
        // start - 1 to the last starting at or before end + 1
        let first = ranges.partition_point(|r| r.end < start.saturating_sub(1));
        let last = ranges.partition_point(|r| r.start <= end.saturating_add(1));
        let mut kept: Vec<Range> = Vec::new();
        for stored in &ranges[first..last.max(first)] {
            let touches_before = start > 0 && stored.end == start - 1;
            let touches_after = end < u32::MAX && stored.start == end + 1;
            if stored.target == target {
                start = start.min(stored.start);
                end = end.max(stored.end);
                continue;
            }
            if touches_before || touches_after {
                kept.push(stored.clone());
                continue;
            }
            if stored.start < start {
                kept.push(Range {
                    start: stored.start,
                    end: start - 1,
                    target: stored.target.clone(),
                });
            }
            if stored.end > end {
                kept.push(Range {
                    start: end + 1,
                    end: stored.end,
                    target: stored.target.clone(),
                });
            }
        }
        kept.push(Range { start, end, target });
        kept.sort_by_key(|r| r.start);
        let moved = ranges.len() - last.max(first);
        ranges.splice(first..last.max(first), kept);
        moved
    }

    fn put_char(&mut self, code: u32, length: u8, units: Vec<u16>) -> usize {
        let target = if units.len() == 1 {
            Target::Offset(u32::from(units[0]).wrapping_sub(code))
        } else {
            Target::Units(units.into())
        };
        self.put(code, code, length, target)
    }
}

/// The font's `/ToUnicode` map read by us, under the conditions lopdf reads it (a font dictionary whose
/// `/ToUnicode` is a stream that decodes within the limit); `None` when those fail or the map is not in a
/// form we know, for lopdf's reader to decide.
pub fn read(document: &Document, font: &Dictionary) -> Option<ToUnicode> {
    if !font.has_type(b"Font") {
        return None;
    }
    let stream = font
        .get_deref(b"ToUnicode", document)
        .and_then(Object::as_stream)
        .ok()?;
    let content = stream
        .get_plain_content_with_limit(MAX_DECODED_STREAM_BYTES)
        .ok()?;
    parse(&content)
}

/// Parses a `/ToUnicode` CMap stream, `None` when it is not in the form this reader knows (lopdf's
/// reader then decides).
pub fn parse(data: &[u8]) -> Option<ToUnicode> {
    let mut p = Parser { data, at: 0 };
    let mut map = ToUnicode::default();
    // /CIDInit /ProcSet findresource begin
    p.tag(b"\xEF\xBB\xBF");
    p.multispace0();
    p.expect(b"/CIDInit")?;
    p.space0();
    if !p.tag(b"/ProcSet") && !p.tag(b"/Procset") {
        return None;
    }
    p.space1()?;
    p.expect(b"findresource")?;
    p.space1()?;
    p.expect(b"begin")?;
    p.multispace1()?;
    // N dict begin
    p.digit1()?;
    p.space1()?;
    p.expect(b"dict")?;
    p.space1()?;
    p.expect(b"begin")?;
    p.multispace1()?;
    p.expect(b"begincmap")?;
    p.multispace1()?;
    // one to seven metadata entries
    let mut entries = 0;
    while entries < 7 && p.metadata_entry()? {
        entries += 1;
    }
    if entries == 0 {
        return None;
    }
    // one or more sections
    let (mut sections, mut moved) = (0, 0);
    while p.peek().is_some_and(|c| c.is_ascii_digit()) {
        p.digit1()?;
        p.space1()?;
        if p.tag(b"begincodespacerange") {
            p.multispace1()?;
            let mut count = 0;
            while !p.tag(b"endcodespacerange") {
                p.space0();
                map.codespaces.push(p.code_range()?);
                p.multispace1()?;
                count += 1;
            }
            if count == 0 {
                return None;
            }
        } else if p.tag(b"beginbfchar") {
            p.multispace1()?;
            while !p.tag(b"endbfchar") {
                p.space0();
                let (code, length) = p.source_code()?;
                p.space0();
                let units = p.target_string()?;
                p.multispace1()?;
                moved += map.put_char(code, length, units);
                if moved > MAX_MOVED_RANGES {
                    return None;
                }
            }
        } else if p.tag(b"beginbfrange") {
            p.multispace1()?;
            while !p.tag(b"endbfrange") {
                p.space0();
                let (start, end, length) = p.code_range()?;
                p.space0();
                let targets = if p.peek() == Some(b'[') {
                    p.target_array()?
                } else {
                    vec![p.target_string()?]
                };
                p.multispace1()?;
                if end < start {
                    return None;
                }
                let target = match targets.len() {
                    1 if targets[0].len() == 1 => {
                        Target::Offset(u32::from(targets[0][0]).wrapping_sub(start))
                    }
                    1 => Target::Units(targets[0].clone().into()),
                    _ => Target::Array(targets.into()),
                };
                moved += map.put(start, end, length, target);
                if moved > MAX_MOVED_RANGES {
                    return None;
                }
            }
        } else {
            return None;
        }
        p.multispace1()?;
        sections += 1;
    }
    if sections == 0 {
        return None;
    }
    p.expect(b"endcmap")?;
    p.multispace1()?;
    p.expect(b"CMapName")?;
    p.space1()?;
    p.expect(b"currentdict")?;
    p.space0();
    p.expect(b"/CMap")?;
    p.space1()?;
    p.expect(b"defineresource")?;
    p.space1()?;
    p.expect(b"pop")?;
    p.multispace1()?;
    p.expect(b"end")?;
    p.multispace1()?;
    p.expect(b"end")?;
    Some(map)
}

/// lopdf's white space between objects.
fn is_whitespace(c: u8) -> bool {
    b" \t\n\r\0\x0C".contains(&c)
}

fn is_regular(c: u8) -> bool {
    !is_whitespace(c) && !b"()<>[]{}/%".contains(&c)
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|v| v as u8)
}

struct Parser<'a> {
    data: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &[u8] {
        &self.data[self.at..]
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.at).copied()
    }

    fn tag(&mut self, tag: &[u8]) -> bool {
        let found = self.rest().starts_with(tag);
        if found {
            self.at += tag.len();
        }
        found
    }

    fn expect(&mut self, tag: &[u8]) -> Option<()> {
        self.tag(tag).then_some(())
    }

    /// Spaces and tabs.
    fn space0(&mut self) -> usize {
        let n = self
            .rest()
            .iter()
            .take_while(|c| **c == b' ' || **c == b'\t')
            .count();
        self.at += n;
        n
    }

    fn space1(&mut self) -> Option<()> {
        (self.space0() > 0).then_some(())
    }

    /// Spaces, tabs, line ends and comments (a comment ends with a line end).
    fn multispace0(&mut self) -> usize {
        let begin = self.at;
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.at += 1,
                Some(b'%') => {
                    let Some(eol) = self.rest().iter().position(|c| *c == b'\r' || *c == b'\n') else {
                        break;
                    };
                    self.at += eol + 1;
                }
                _ => break,
            }
        }
        self.at - begin
    }

    fn multispace1(&mut self) -> Option<()> {
        (self.multispace0() > 0).then_some(())
    }

    /// lopdf's white space and comments between objects.
    fn space(&mut self) {
        loop {
            match self.peek() {
                Some(c) if is_whitespace(c) => self.at += 1,
                Some(b'%') => {
                    let Some(eol) = self.rest().iter().position(|c| *c == b'\r' || *c == b'\n') else {
                        return;
                    };
                    self.at += eol + 1;
                }
                _ => return,
            }
        }
    }

    fn digit1(&mut self) -> Option<()> {
        let n = self.rest().iter().take_while(|c| c.is_ascii_digit()).count();
        self.at += n;
        (n > 0).then_some(())
    }

    /// A name, as lopdf reads it: regular characters and `#xx` escapes (any other `#` ends it).
    fn name(&mut self) -> Option<()> {
        self.expect(b"/")?;
        loop {
            let run = self
                .rest()
                .iter()
                .position(|c| *c == b'#' || !is_regular(*c))
                .unwrap_or(self.rest().len());
            self.at += run;
            match self.rest() {
                [b'#', a, b, ..] if hex(*a).is_some() && hex(*b).is_some() => self.at += 3,
                _ => return Some(()),
            }
        }
    }

    /// One `/Key value def` entry before the sections; `Some(false)` when none starts here.
    fn metadata_entry(&mut self) -> Option<bool> {
        if self.tag(b"/CIDSystemInfo") {
            self.multispace0();
            if self.peek() == Some(b'<') {
                self.dictionary()?;
                self.multispace0();
            } else {
                self.dict_dup()?;
                self.multispace1()?;
            }
        } else if self.tag(b"/CMapName") {
            self.space0();
            self.name()?;
            self.space1()?;
        } else if self.tag(b"/CMapType") || self.tag(b"/UIDOffset") || self.tag(b"/WMode") {
            self.space1()?;
            self.digit1()?;
            self.space1()?;
        } else if self.tag(b"/CMapVersion") {
            self.space1()?;
            self.digit1()?;
            if self.rest().len() > 1 && self.rest()[0] == b'.' && self.rest()[1].is_ascii_digit() {
                self.at += 1;
                self.digit1()?;
            }
            self.space1()?;
        } else if self.tag(b"/XUID") {
            self.space1()?;
            self.expect(b"[")?;
            self.digit1()?;
            loop {
                let before = self.at;
                if self.space0() > 0 && self.digit1().is_some() {
                    continue;
                }
                self.at = before;
                break;
            }
            self.expect(b"]")?;
            self.space1()?;
        } else if self.peek() == Some(b'/') {
            // an entry lopdf does not know: it would fail on it
            return None;
        } else {
            return Some(false);
        }
        self.expect(b"def")?;
        self.multispace1()?;
        Some(true)
    }

    /// `<< /Key value … >>` with values of the plain kinds a CIDSystemInfo holds.
    fn dictionary(&mut self) -> Option<()> {
        self.expect(b"<<")?;
        self.space();
        while self.peek() == Some(b'/') {
            self.name()?;
            self.space();
            self.plain_value()?;
            self.space();
        }
        self.expect(b">>")
    }

    /// `N dict dup begin /Key value def … end`.
    fn dict_dup(&mut self) -> Option<()> {
        self.digit1()?;
        self.space1()?;
        self.expect(b"dict")?;
        self.space1()?;
        self.expect(b"dup")?;
        self.space1()?;
        self.expect(b"begin")?;
        self.multispace1()?;
        while self.peek() == Some(b'/') {
            self.name()?;
            self.space();
            self.plain_value()?;
            self.space();
            self.expect(b"def")?;
            self.multispace1()?;
        }
        self.expect(b"end")
    }

    /// A name, a literal string of plain characters, or a whole number followed by a name or the end of
    /// its dictionary (so it cannot be read as a reference or a real); anything else is left to lopdf.
    fn plain_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'/' => self.name(),
            b'(' => {
                let len = self.rest()[1..].iter().position(|c| b"()\\\r\n".contains(c))?;
                self.at += 1 + len;
                self.expect(b")")
            }
            b'0'..=b'9' => {
                let n = self.rest().iter().take_while(|c| c.is_ascii_digit()).count();
                if n > 18 {
                    return None;
                }
                self.at += n;
                let mut after = Parser {
                    data: self.data,
                    at: self.at,
                };
                after.space();
                // a name or the dictionary's end after it (never a second number: no reference)
                (matches!(after.peek(), Some(b'/' | b'>')) || after.rest().starts_with(b"def")).then_some(())
            }
            _ => None,
        }
    }

    /// `<hex>`: a code of one to four bytes and its length.
    fn source_code(&mut self) -> Option<(u32, u8)> {
        self.expect(b"<")?;
        let mut code = 0u32;
        let mut length = 0u8;
        while length < 4 {
            match self.rest() {
                [a, b, ..] => match (hex(*a), hex(*b)) {
                    (Some(a), Some(b)) => {
                        code = code * 256 + u32::from(a << 4 | b);
                        length += 1;
                        self.at += 2;
                    }
                    _ => break,
                },
                _ => break,
            }
        }
        if length == 0 {
            return None;
        }
        self.expect(b">")?;
        Some((code, length))
    }

    /// Two codes of one length.
    fn code_range(&mut self) -> Option<(u32, u32, u8)> {
        let (start, length) = self.source_code()?;
        self.space0();
        let (end, end_length) = self.source_code()?;
        (length == end_length).then_some((start, end, length))
    }

    /// `<hex>`: UTF-16BE units, each of four digits, white space allowed after each.
    fn target_string(&mut self) -> Option<Vec<u16>> {
        self.expect(b"<")?;
        let mut units = Vec::new();
        while units.len() < 256 {
            let [a, b, c, d, ..] = *self.rest() else {
                break;
            };
            let (Some(a), Some(b), Some(c), Some(d)) = (hex(a), hex(b), hex(c), hex(d)) else {
                break;
            };
            units.push(u16::from(a) << 12 | u16::from(b) << 8 | u16::from(c) << 4 | u16::from(d));
            self.at += 4;
            self.multispace0();
        }
        if units.is_empty() {
            return None;
        }
        self.expect(b">")?;
        Some(units)
    }

    /// `[<hex> <hex> …]`, the strings apart by spaces or tabs.
    fn target_array(&mut self) -> Option<Vec<Vec<u16>>> {
        self.expect(b"[")?;
        self.space0();
        let mut list = vec![self.target_string()?];
        loop {
            let before = self.at;
            if self.space0() > 0 && self.peek() == Some(b'<') {
                if let Some(units) = self.target_string() {
                    list.push(units);
                    continue;
                }
                return None;
            }
            self.at = before;
            break;
        }
        self.space0();
        self.expect(b"]")?;
        Some(list)
    }
}

#[cfg(test)]
mod tests {
    use lopdf::{dictionary, Document, Encoding, Stream};

    use super::*;
    use crate::formats::pdf_text::lopdf_unicode_map;

    const HEAD: &str = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
        /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
        /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n";
    const TAIL: &str = "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";

    /// Our map and lopdf's of one CMap stream, read from a font of a document built in memory.
    fn both(cmap: &str) -> (Option<ToUnicode>, Option<Encoding<'static>>) {
        let mut document = Document::with_version("1.5");
        let stream = document.add_object(Stream::new(dictionary! {}, cmap.as_bytes().to_vec()));
        let font = dictionary! { "Type" => "Font", "Subtype" => "Type0", "ToUnicode" => stream };
        (read(&document, &font), lopdf_unicode_map(&document, &font))
    }

    /// Every one- and two-byte string, and some longer ones, decode as lopdf decodes them.
    fn same_as_lopdf(cmap: &str) -> ToUnicode {
        let (ours, theirs) = both(cmap);
        let ours = ours.expect("our reader reads the map");
        let theirs = theirs.expect("lopdf reads the map");
        let mut strings: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
        strings.extend((0..=u16::MAX).map(|c| c.to_be_bytes().to_vec()));
        strings.extend([
            vec![0x01, 0x02, 0x03],
            vec![0x81, 0x02, 0x03, 0x04],
            vec![0xff; 9],
        ]);
        for string in strings {
            assert_eq!(
                ours.decode(&string),
                theirs.bytes_to_string(&string).unwrap(),
                "{string:02x?}"
            );
        }
        ours
    }

    #[test]
    fn bfchar_bfrange_and_arrays_decode_as_lopdf_decodes_them() {
        let map = same_as_lopdf(&format!(
            "{HEAD}1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n\
             3 beginbfchar\n<0003> <0020>\n<0004> <D835DC00>\n<0005> <0066 0069>\nendbfchar\n\
             4 beginbfrange\n<0010> <0012> <00660069>\n<0020> <007E> <0041>\n\
             <0100> <0104> [<0041> <00420043> <D83DDE00>]\n<F000> <FFFF> <E000>\nendbfrange\n{TAIL}"
        ));
        assert_eq!(map.decode(&[0x00, 0x04]), "\u{1d400}"); // a surrogate pair
        assert_eq!(map.decode(&[0x00, 0x05, 0x00, 0x11]), "fifj"); // a ligature, then its range's next
        assert_eq!(
            map.decode(&[0x01, 0x01, 0x01, 0x02, 0x01, 0x04]),
            "BC\u{1f600}\u{fffd}"
        ); // past the array
        assert_eq!(map.decode(&[0x00, 0x21]), "B");
        assert_eq!(map.decode(&[0x00, 0x7f]), "\u{fffd}"); // unmapped
        assert_eq!(map.ranges(2).len(), 7);
    }

    #[test]
    fn later_mappings_overwrite_and_equal_targets_merge_as_in_lopdf() {
        // a bfchar inside a bfrange splits it; two codes with the same ligature merge into one range whose
        // second code counts from the merged start (lopdf's range map does so)
        let map = same_as_lopdf(&format!(
            "{HEAD}1 begincodespacerange\n<00> <FF>\nendcodespacerange\n\
             1 beginbfrange\n<20> <30> [<0041> <0042> <0043> <0044> <0045> <0046>]\nendbfrange\n\
             4 beginbfchar\n<22> <0078>\n<40> <00660069>\n<41> <00660069>\n<23> <0043>\nendbfchar\n\
             1 beginbfrange\n<28> <2C> <0061>\nendbfrange\n{TAIL}"
        ));
        assert_eq!(map.decode(&[0x41]), "fj");
        assert_eq!(map.decode(&[0x22, 0x24]), "xA");
        assert_eq!(
            map.ranges(1),
            vec![
                (0x20, 0x21),
                (0x22, 0x22),
                (0x23, 0x23),
                (0x24, 0x27),
                (0x28, 0x2c),
                (0x2d, 0x30),
                (0x40, 0x41)
            ]
        );
    }

    #[test]
    fn codes_of_one_to_four_bytes_follow_the_codespace_ranges() {
        same_as_lopdf(&format!(
            "{HEAD}4 begincodespacerange\n<00> <7F>\n<8000> <9FFF>\n<A00000> <AFFFFF>\n<B0000000> <BFFFFFFF>\n\
             endcodespacerange\n1 beginbfrange\n<20> <7E> <0020>\nendbfrange\n\
             3 beginbfchar\n<8141> <3042>\n<A00102> <00E9>\n<B0010203> <00DF>\nendbfchar\n{TAIL}"
        ));
        let map = same_as_lopdf(&format!("{HEAD}1 beginbfchar\n<41> <0061>\nendbfchar\n{TAIL}"));
        // without codespace ranges, a code ends where a mapping is found
        assert_eq!(map.decode(b"AAx"), "aa\u{fffd}");
    }

    #[test]
    fn white_space_comments_and_the_other_header_forms_read_as_lopdf_reads_them() {
        same_as_lopdf(
            "\u{feff}% a comment\r\n/CIDInit /Procset findresource begin\r\n12 dict begin\r\nbegincmap\r\n\
             /CIDSystemInfo 3 dict dup begin\n/Registry (Adobe) def\n/Ordering (UCS) def\n/Supplement 0 def\nend def\n\
             /CMapName/F1#2dUCS def\n/CMapType 2 def\n/CMapVersion 1.2 def\n/XUID [1 2 3] def\n/WMode 0 def\n\
             1 begincodespacerange\n<0000><FFFF>\nendcodespacerange\n\
             2 beginbfchar\n\t<0001>\t<0041 % inside\n 0042>\n<0002><FFFE>\nendbfchar\n\
             1 beginbfrange\n<0003> <0005> [ <0043>  <0044> ]\nendbfrange\n\
             endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend",
        );
    }

    #[test]
    fn malformed_maps_are_left_to_lopdf() {
        for body in [
            // a range ending before it starts
            "1 beginbfrange\n<0005> <0001> <0041>\nendbfrange\n",
            // codes of two lengths in one range
            "1 begincodespacerange\n<00> <FFFF>\nendcodespacerange\n",
            // a target of an odd number of digits
            "1 beginbfchar\n<01> <041>\nendbfchar\n",
            // array strings on separate lines (lopdf's grammar wants spaces between them)
            "1 beginbfrange\n<01> <02> [<0041>\n<0042>]\nendbfrange\n",
            // no section at all
            "",
        ] {
            let (ours, theirs) = both(&format!("{HEAD}{body}{TAIL}"));
            assert!(ours.is_none(), "{body}");
            assert!(theirs.is_none(), "lopdf reads {body}");
        }
        // an unknown entry and a missing end: ours declines, whatever lopdf makes of it
        assert!(
            parse(format!("{HEAD}/Foo 1 def\n1 beginbfchar\n<01> <0041>\nendbfchar\n{TAIL}").as_bytes())
                .is_none()
        );
        assert!(
            parse(format!("{HEAD}1 beginbfchar\n<01> <0041>\nendbfchar\nendcmap\n").as_bytes()).is_none()
        );
    }

    #[test]
    fn a_huge_map_out_of_order_is_left_to_lopdf_and_in_order_is_read() {
        let map = |codes: &mut dyn Iterator<Item = u32>| -> String {
            let lines: String = codes.map(|c| format!("<{c:06X}> <0041>\n")).collect();
            format!("{HEAD}1 beginbfchar\n{lines}endbfchar\n{TAIL}")
        };
        // every code maps to a different offset, so no two merge: backwards, each insertion moves all
        assert!(parse(map(&mut (0..200_000u32).rev()).as_bytes()).is_none());
        let read = parse(map(&mut (0..200_000u32)).as_bytes()).expect("an ordered map is read");
        assert_eq!(read.decode(&[0x00, 0x00, 0x05, 0x03, 0x0d, 0x3f]), "AA");
        assert_eq!(read.ranges(3).len(), 200_000);
    }
}
