//! A page content stream as operations (operands, then an operator), read without copying: numbers as
//! `f64`, names and strings borrowed from the stream unless an escape makes them differ.
//!
//! It reads the grammar lopdf's `Content::decode` reads, with the same outcome on bad input: the
//! operations before the first one that cannot be read (the rest is dropped), or none at all where lopdf
//! gives up on the whole stream (arrays or dictionaries nested over [`MAX_NESTING`] deep). A stream with an
//! inline image (`BI … ID … EI`) is handed to lopdf whole, as its image data needs the image dictionary to
//! be skipped. `tests/integration/formats_pdf_content.rs` checks the two agree on every corpus PDF.

use std::borrow::Cow;

use lopdf::content::Content;
use lopdf::Object;

/// Arrays and dictionaries nested deeper than this make the whole stream unreadable (lopdf's bound).
const MAX_NESTING: usize = 100;
/// Literal strings may nest parentheses this deep (lopdf's bound); deeper, the string is unreadable.
const MAX_BRACKET: usize = 100;

/// One operand of a content operation, as far as text extraction reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand<'a> {
    /// An integer or a real (a real is read as lopdf reads it: as `f32`, then widened).
    Number(f64),
    Name(Cow<'a, [u8]>),
    /// A literal or hexadecimal string, its escapes resolved.
    String(Cow<'a, [u8]>),
    Array(Vec<Operand<'a>>),
    /// A boolean, `null`, a dictionary or a reference: present, but not read by text extraction.
    Other,
}

/// One operation: its operator and the range of its operands in [`Operations::operands`].
#[derive(Debug, Clone, PartialEq)]
pub struct Operation<'a> {
    pub operator: Cow<'a, [u8]>,
    start: u32,
    end: u32,
}

/// The operations of a content stream, their operands kept in one list.
#[derive(Debug, Default)]
pub struct Operations<'a> {
    pub operations: Vec<Operation<'a>>,
    operands: Vec<Operand<'a>>,
}

impl<'a> Operations<'a> {
    /// The operands of `operation`.
    pub fn operands(&self, operation: &Operation<'a>) -> &[Operand<'a>] {
        &self.operands[operation.start as usize..operation.end as usize]
    }
}

/// Why reading stopped.
enum Stop {
    /// This operation cannot be read: the operations before it stand.
    Here,
    /// The stream cannot be read at all.
    Whole,
    /// An inline image: lopdf reads the stream.
    InlineImage,
}

/// Reads a content stream. `None` when it cannot be read at all.
pub fn decode(data: &[u8]) -> Option<Operations<'_>> {
    // about one operation per 12 bytes and one operand per 6 in the corpora: room without regrowing (bounded:
    // a huge stream may hold one long string)
    let mut reader = Reader {
        data,
        pos: 0,
        out: Operations {
            operations: Vec::with_capacity((data.len() / 12).min(1 << 16) + 4),
            operands: Vec::with_capacity((data.len() / 6).min(1 << 17) + 4),
        },
    };
    reader.skip_white_space();
    loop {
        match reader.operation() {
            Ok(()) => {}
            Err(Stop::Here) => return Some(reader.out),
            Err(Stop::Whole) => return None,
            Err(Stop::InlineImage) => return lopdf_decode(data),
        }
    }
}

/// lopdf's reading of the stream, as operations of this module.
fn lopdf_decode(data: &[u8]) -> Option<Operations<'static>> {
    let content = Content::decode(data).ok()?;
    let mut out = Operations::default();
    for operation in content.operations {
        let start = out.operands.len() as u32;
        out.operands.extend(operation.operands.iter().map(operand_of));
        out.operations.push(Operation {
            operator: Cow::Owned(operation.operator.into_bytes()),
            start,
            end: out.operands.len() as u32,
        });
    }
    Some(out)
}

/// A lopdf object as an operand (owned).
pub fn operand_of(object: &Object) -> Operand<'static> {
    match object {
        Object::Integer(i) => Operand::Number(*i as f64),
        Object::Real(r) => Operand::Number(f64::from(*r)),
        Object::Name(n) => Operand::Name(Cow::Owned(n.clone())),
        Object::String(s, _) => Operand::String(Cow::Owned(s.clone())),
        Object::Array(items) => Operand::Array(items.iter().map(operand_of).collect()),
        _ => Operand::Other,
    }
}

/// Powers of ten that `f32` holds exactly.
const EXACT_POWERS_OF_TEN: [f32; 11] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];

/// A real of at most 7 significant digits and 10 decimals (`-12.5`, `0.000123`: nearly every real of a
/// content stream) without the general parser: its digits as an integer and the power of ten it is divided
/// by are both exact in `f32`, so the one rounding of the division gives the nearest `f32`, which is what
/// `str::parse` gives. `None` for any other text (a minus sign inside, more digits).
fn short_real(text: &[u8]) -> Option<f32> {
    let (negative, digits) = match text.split_first()? {
        (b'-', rest) => (true, rest),
        (b'+', rest) => (false, rest),
        _ => (false, text),
    };
    let (mut mantissa, mut significant, mut decimals, mut after_point) = (0u32, 0u32, 0usize, false);
    for &c in digits {
        match c {
            b'.' if !after_point => after_point = true,
            b'0'..=b'9' => {
                if mantissa > 0 || c != b'0' {
                    significant += 1;
                }
                mantissa = mantissa * 10 + u32::from(c - b'0');
                decimals += usize::from(after_point);
                if significant > 7 || decimals >= EXACT_POWERS_OF_TEN.len() {
                    return None;
                }
            }
            _ => return None,
        }
    }
    let value = mantissa as f32 / EXACT_POWERS_OF_TEN[decimals];
    Some(if negative { -value } else { value })
}

fn is_white_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\0' | b'\x0C')
}

fn is_delimiter(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(c: u8) -> bool {
    !is_white_space(c) && !is_delimiter(c)
}

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|v| v as u8)
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    out: Operations<'a>,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn rest(&self) -> &'a [u8] {
        &self.data[self.pos.min(self.data.len())..]
    }

    fn skip_white_space(&mut self) {
        while self.peek().is_some_and(is_white_space) {
            self.pos += 1;
        }
    }

    /// An end of line (`\r\n`, `\n` or `\r`); whether there was one.
    fn eol(&mut self) -> bool {
        match self.peek() {
            Some(b'\r') => {
                self.pos += 1;
                if self.peek() == Some(b'\n') {
                    self.pos += 1;
                }
                true
            }
            Some(b'\n') => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    /// A `%` comment up to and including its end of line; a comment without one is not a comment.
    fn comment(&mut self) -> bool {
        if self.peek() != Some(b'%') {
            return false;
        }
        let start = self.pos;
        self.pos += 1;
        while self.peek().is_some_and(|c| c != b'\r' && c != b'\n') {
            self.pos += 1;
        }
        if self.eol() {
            true
        } else {
            self.pos = start;
            false
        }
    }

    /// White space and comments (between the objects of an array or dictionary).
    fn space(&mut self) {
        loop {
            self.skip_white_space();
            if !self.comment() {
                return;
            }
        }
    }

    fn operation(&mut self) -> Result<(), Stop> {
        while self.comment() {
            self.skip_white_space();
        }
        if self.rest().starts_with(b"BI") {
            return Err(Stop::InlineImage);
        }
        let start = self.out.operands.len();
        loop {
            let before = self.pos;
            match self.operand(MAX_NESTING) {
                Ok(operand) => {
                    self.out.operands.push(operand);
                    self.skip_white_space();
                }
                Err(Stop::Here) => {
                    self.pos = before;
                    break;
                }
                Err(other) => return Err(other),
            }
        }
        let rest = self.rest();
        let length = rest
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'*' | b'\'' | b'"'))
            .count();
        if length == 0 || rest[0].is_ascii_digit() {
            self.out.operands.truncate(start);
            return Err(Stop::Here);
        }
        self.pos += length;
        self.skip_white_space();
        self.out.operations.push(Operation {
            operator: Cow::Borrowed(&rest[..length]),
            start: start as u32,
            end: self.out.operands.len() as u32,
        });
        Ok(())
    }

    /// One operand, not followed by its white space (lopdf's operand alternatives, in its order).
    fn operand(&mut self, depth: usize) -> Result<Operand<'a>, Stop> {
        let rest = self.rest();
        if rest.starts_with(b"null") {
            self.pos += 4;
            return Ok(Operand::Other);
        }
        if rest.starts_with(b"true") {
            self.pos += 4;
            return Ok(Operand::Other);
        }
        if rest.starts_with(b"false") {
            self.pos += 5;
            return Ok(Operand::Other);
        }
        if let Some(n) = self.number() {
            return Ok(Operand::Number(n));
        }
        match rest.first() {
            Some(b'/') => Ok(Operand::Name(self.name())),
            Some(b'(') => self.literal_string().map(Operand::String).ok_or(Stop::Here),
            Some(b'<') => {
                if let Some(s) = self.hexadecimal_string() {
                    return Ok(Operand::String(Cow::Owned(s)));
                }
                self.dictionary(depth).map(|()| Operand::Other)
            }
            Some(b'[') => self.array(depth).map(Operand::Array),
            _ => Err(Stop::Here),
        }
    }

    /// A real (as lopdf reads it) or else an integer; `None` (nothing consumed) when neither is there.
    fn number(&mut self) -> Option<f64> {
        self.real()
            .map(f64::from)
            .or_else(|| self.integer().map(|i| i as f64))
    }

    fn sign_length(rest: &[u8]) -> usize {
        usize::from(matches!(rest.first(), Some(b'+' | b'-')))
    }

    fn digits(bytes: &[u8]) -> usize {
        bytes.iter().take_while(|c| c.is_ascii_digit()).count()
    }

    fn real(&mut self) -> Option<f32> {
        let rest = self.rest();
        let mut i = Self::sign_length(rest);
        let whole = Self::digits(&rest[i..]);
        if whole > 0 && rest.get(i + whole) == Some(&b'.') {
            i += whole + 1;
            i += Self::digits(&rest[i..]);
        } else if whole == 0 && rest.get(i) == Some(&b'.') && Self::digits(&rest[i + 1..]) > 0 {
            i += 1;
            i += Self::digits(&rest[i..]);
        } else {
            return None;
        }
        // a minus sign inside the fraction (`0.00-4142502`) is ignored, as lopdf, pdf.js and Poppler do
        let mut minus_inside = false;
        while let Some(c) = rest.get(i).copied() {
            if c == b'-' {
                minus_inside = true;
            } else if !c.is_ascii_digit() {
                break;
            }
            i += 1;
        }
        let text = &rest[..i];
        let value = if let Some(value) = short_real(text) {
            value
        } else if minus_inside {
            let mut digits = text[..1].to_vec();
            digits.extend(text[1..].iter().filter(|c| **c != b'-'));
            std::str::from_utf8(&digits).ok()?.parse::<f32>().ok()?
        } else {
            std::str::from_utf8(text).ok()?.parse::<f32>().ok()?
        };
        self.pos += i;
        Some(value)
    }

    fn integer(&mut self) -> Option<i64> {
        let rest = self.rest();
        let sign = Self::sign_length(rest);
        let digits = Self::digits(&rest[sign..]);
        if digits == 0 {
            return None;
        }
        let magnitude = rest[sign..sign + digits]
            .iter()
            .try_fold(0u64, |v, d| v.checked_mul(10)?.checked_add(u64::from(d - b'0')))?;
        let value = if rest[0] == b'-' {
            0i64.checked_sub_unsigned(magnitude)?
        } else {
            i64::try_from(magnitude).ok()?
        };
        self.pos += sign + digits;
        Some(value)
    }

    /// A name after its `/`: `#xx` stands for one byte; any other `#` ends it.
    fn name(&mut self) -> Cow<'a, [u8]> {
        self.pos += 1;
        let rest = self.rest();
        let run = rest
            .iter()
            .position(|&c| c == b'#' || !is_regular(c))
            .unwrap_or(rest.len());
        self.pos += run;
        if rest.get(run) != Some(&b'#') {
            return Cow::Borrowed(&rest[..run]);
        }
        let mut bytes = rest[..run].to_vec();
        loop {
            let rest = self.rest();
            let escaped = match rest {
                [b'#', h, l, ..] => hex_value(*h).zip(hex_value(*l)).map(|(h, l)| (h << 4) | l),
                _ => None,
            };
            let Some(byte) = escaped else {
                return Cow::Owned(bytes);
            };
            bytes.push(byte);
            self.pos += 3;
            let rest = self.rest();
            let run = rest
                .iter()
                .position(|&c| c == b'#' || !is_regular(c))
                .unwrap_or(rest.len());
            bytes.extend_from_slice(&rest[..run]);
            self.pos += run;
        }
    }

    /// `( … )` with escapes and balanced parentheses; `None` (position unspecified) when unterminated.
    fn literal_string(&mut self) -> Option<Cow<'a, [u8]>> {
        self.pos += 1;
        let start = self.pos;
        // the common case: no escape, no line end, no nested parenthesis
        let rest = self.rest();
        if let Some(end) = rest
            .iter()
            .position(|c| matches!(c, b'(' | b')' | b'\\' | b'\r' | b'\n'))
        {
            if rest[end] == b')' {
                self.pos += end + 1;
                return Some(Cow::Borrowed(&self.data[start..start + end]));
            }
        }
        let mut out = Vec::new();
        self.inner_literal_string(MAX_BRACKET, &mut out)?;
        if self.peek() != Some(b')') {
            return None;
        }
        self.pos += 1;
        Some(Cow::Owned(out))
    }

    /// The inside of a literal string, up to (not including) its closing parenthesis.
    fn inner_literal_string(&mut self, depth: usize, out: &mut Vec<u8>) -> Option<()> {
        loop {
            match self.peek() {
                None | Some(b')') => return Some(()),
                Some(b'\r' | b'\n') => {
                    self.eol();
                    out.push(b'\n');
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let Some(c) = self.peek() else {
                        // a backslash at the end: the string is not terminated
                        return Some(());
                    };
                    match c {
                        b'0'..=b'7' => {
                            let mut value: u16 = 0;
                            let mut n = 0;
                            while n < 3 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        value = value * 8 + u16::from(d - b'0');
                                        self.pos += 1;
                                        n += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(value as u8);
                        }
                        b'\r' | b'\n' => {
                            self.eol();
                        }
                        _ => {
                            self.pos += 1;
                            out.push(match c {
                                b'n' => b'\n',
                                b'r' => b'\r',
                                b't' => b'\t',
                                b'b' => b'\x08',
                                b'f' => b'\x0C',
                                other => other,
                            });
                        }
                    }
                }
                Some(b'(') => {
                    if depth == 0 {
                        return Some(());
                    }
                    let save = self.pos;
                    let mark = out.len();
                    self.pos += 1;
                    out.push(b'(');
                    self.inner_literal_string(depth - 1, out)?;
                    if self.peek() == Some(b')') {
                        self.pos += 1;
                        out.push(b')');
                    } else {
                        // the nested string is not closed: the outer one stops before it
                        self.pos = save;
                        out.truncate(mark);
                        return Some(());
                    }
                }
                Some(_) => {
                    let rest = self.rest();
                    let run = rest
                        .iter()
                        .position(|c| matches!(c, b'(' | b')' | b'\\' | b'\r' | b'\n'))
                        .unwrap_or(rest.len());
                    out.extend_from_slice(&rest[..run]);
                    self.pos += run;
                }
            }
        }
    }

    /// `< … >` of hexadecimal digits and white space (an odd last digit is the high half of a byte);
    /// `None`, nothing consumed, when it is not one (as `<<` is not).
    fn hexadecimal_string(&mut self) -> Option<Vec<u8>> {
        let start = self.pos;
        self.pos += 1;
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        loop {
            let save = self.pos;
            self.skip_white_space();
            match self.peek().and_then(hex_value) {
                Some(v) => {
                    self.pos += 1;
                    match high.take() {
                        None => {
                            out.push(v << 4);
                            high = Some(v);
                        }
                        Some(_) => {
                            if let Some(last) = out.last_mut() {
                                *last |= v;
                            }
                        }
                    }
                }
                None => {
                    self.pos = save;
                    break;
                }
            }
        }
        self.skip_white_space();
        if self.peek() == Some(b'>') {
            self.pos += 1;
            Some(out)
        } else {
            self.pos = start;
            None
        }
    }

    /// `[ … ]` of direct objects, each followed by white space and comments.
    fn array(&mut self, depth: usize) -> Result<Vec<Operand<'a>>, Stop> {
        self.pos += 1;
        self.space();
        let mut items = Vec::new();
        loop {
            if depth == 0 {
                return Err(Stop::Whole);
            }
            let before = self.pos;
            match self.direct_object(depth - 1) {
                Ok(item) => {
                    items.push(item);
                    self.space();
                }
                Err(Stop::Here) => {
                    self.pos = before;
                    break;
                }
                Err(other) => return Err(other),
            }
        }
        if self.peek() == Some(b']') {
            self.pos += 1;
            Ok(items)
        } else {
            Err(Stop::Here)
        }
    }

    /// `<< /Key value … >>`, read to be skipped.
    fn dictionary(&mut self, depth: usize) -> Result<(), Stop> {
        if !self.rest().starts_with(b"<<") {
            return Err(Stop::Here);
        }
        self.pos += 2;
        self.space();
        loop {
            let before = self.pos;
            if self.peek() != Some(b'/') {
                break;
            }
            self.name();
            self.space();
            if depth == 0 {
                return Err(Stop::Whole);
            }
            match self.direct_object(depth - 1) {
                Ok(_) => self.space(),
                Err(Stop::Here) => {
                    self.pos = before;
                    break;
                }
                Err(other) => return Err(other),
            }
        }
        if self.rest().starts_with(b">>") {
            self.pos += 2;
            Ok(())
        } else {
            Err(Stop::Here)
        }
    }

    /// An object inside an array or dictionary (where a reference `n g R` may also stand), chosen by its
    /// first byte; `depth` is what nested arrays and dictionaries get.
    fn direct_object(&mut self, depth: usize) -> Result<Operand<'a>, Stop> {
        let rest = self.rest();
        match rest.first() {
            Some(b'n') if rest.starts_with(b"null") => {
                self.pos += 4;
                Ok(Operand::Other)
            }
            Some(b't') if rest.starts_with(b"true") => {
                self.pos += 4;
                Ok(Operand::Other)
            }
            Some(b'f') if rest.starts_with(b"false") => {
                self.pos += 5;
                Ok(Operand::Other)
            }
            Some(b'0'..=b'9') => {
                if self.reference() {
                    return Ok(Operand::Other);
                }
                self.number().map(Operand::Number).ok_or(Stop::Here)
            }
            Some(b'+' | b'-' | b'.') => self.number().map(Operand::Number).ok_or(Stop::Here),
            Some(b'/') => Ok(Operand::Name(self.name())),
            Some(b'(') => self.literal_string().map(Operand::String).ok_or(Stop::Here),
            Some(b'<') => {
                if let Some(s) = self.hexadecimal_string() {
                    return Ok(Operand::String(Cow::Owned(s)));
                }
                self.dictionary(depth).map(|()| Operand::Other)
            }
            Some(b'[') => self.array(depth).map(Operand::Array),
            _ => Err(Stop::Here),
        }
    }

    /// `n g R` (object number, generation, `R`); whether it was one (nothing consumed when not).
    fn reference(&mut self) -> bool {
        let start = self.pos;
        let unsigned = |reader: &mut Self, max: u64| -> bool {
            let rest = reader.rest();
            let n = Self::digits(rest);
            let value = rest[..n]
                .iter()
                .try_fold(0u64, |v, d| v.checked_mul(10)?.checked_add(u64::from(d - b'0')));
            if n == 0 || value.is_none_or(|v| v > max) {
                return false;
            }
            reader.pos += n;
            reader.space();
            true
        };
        if unsigned(self, u64::from(u32::MAX))
            && unsigned(self, u64::from(u16::MAX))
            && self.peek() == Some(b'R')
        {
            self.pos += 1;
            return true;
        }
        self.pos = start;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Read<'a> = Option<Vec<(Vec<u8>, Vec<Operand<'a>>)>>;

    /// Ours and lopdf's reading of `data`, as comparable operations.
    fn both(data: &[u8]) -> (Read<'_>, Read<'static>) {
        let ours = decode(data).map(|ops| {
            ops.operations
                .iter()
                .map(|o| (o.operator.to_vec(), ops.operands(o).to_vec()))
                .collect()
        });
        let theirs = Content::decode(data).ok().map(|c| {
            c.operations
                .iter()
                .map(|o| {
                    (
                        o.operator.as_bytes().to_vec(),
                        o.operands.iter().map(operand_of).collect(),
                    )
                })
                .collect()
        });
        (ours, theirs)
    }

    #[test]
    fn reads_what_lopdf_reads_including_its_failures() {
        let cases: &[&[u8]] = &[
            b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET",
            b"q 1 0 0 1 -5.5 .25 cm [(A) -120 (B\\(c\\)) 3.-2] TJ Q",
            b"(nested (paren) here) Tj (line\r\nend\\\r\ncont\\101\\7x) Tj <48 65 6c6 > Tj <414> Tj",
            b"/Span <</ActualText (x) /K [1 0 R 2] /N null /B true>> BDC EMC",
            b"% comment\n  % another\r\n1 2 m 3 4 l S",
            b"1 2 % no comments between operands\n m",
            b"/Na#6De#zz Tf",
            b"0.00-4142502 Tw 99999999999999999999 Tc",
            b"(unterminated Tj 1 0 Td",
            b"(back\\",
            b"1 2 3 d0 5 T* ' \" TJ",
            b"<<>> 1 <</A <</B [[]]>> >> DP",
            b"[ % c\n 1 ] TJ",
            b"12",
        ];
        for case in cases {
            let (ours, theirs) = both(case);
            assert_eq!(ours, theirs, "{}", String::from_utf8_lossy(case));
        }
    }

    #[test]
    fn short_reals_are_the_nearest_f32_as_the_general_parser_gives() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut checked = 0;
        for _ in 0..200_000 {
            let r = next();
            let whole = r % [1, 10, 1000, 100_000, 10_000_000][(r >> 40) as usize % 5];
            let decimals = (r >> 50) as usize % 11;
            let fraction = (r >> 20) % 10u64.pow(decimals as u32).max(1);
            let sign = ["", "-", "+"][(r >> 60) as usize % 3];
            let text = format!("{sign}{whole}.{fraction:0decimals$}");
            if let Some(fast) = short_real(text.as_bytes()) {
                let parsed: f32 = text.parse().unwrap();
                assert_eq!(fast.to_bits(), parsed.to_bits(), "{text}");
                checked += 1;
            }
        }
        assert!(checked > 50_000, "{checked}");
        assert_eq!(short_real(b"-0.0").map(f32::to_bits), Some((-0.0f32).to_bits()));
        assert_eq!(short_real(b".5"), Some(0.5));
        assert_eq!(
            short_real(b"12345678.9"),
            None,
            "too many digits for the short way"
        );
    }

    #[test]
    fn nesting_past_the_bound_loses_the_whole_stream_as_in_lopdf() {
        let deep = format!("1 0 Td {}{} TJ", "[".repeat(150), "]".repeat(150));
        let (ours, theirs) = both(deep.as_bytes());
        assert_eq!(ours, theirs);
        assert!(ours.is_none());
        let fine = format!("1 0 Td {}{} TJ", "[".repeat(20), "]".repeat(20));
        let (ours, theirs) = both(fine.as_bytes());
        assert_eq!(ours, theirs);
        assert!(ours.is_some_and(|o| o.len() == 2));
    }

    #[test]
    fn inline_images_are_read_by_lopdf() {
        let data = b"q BI /W 2 /H 1 /BPC 8 /CS /G ID \x00\x01 EI Q BT (x) Tj ET";
        let (ours, theirs) = both(data);
        assert_eq!(ours, theirs);
        assert_eq!(ours.map(|o| o.len()), Some(6), "q BI Q BT Tj ET");
    }
}
