//! XML character classes (XML 1.0 fifth edition, `Char`, `NameStartChar`, `NameChar`), as roxmltree
//! applies them, so both readers accept the same names and text.

/// `[ \t\r\n]`
pub fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn is_name_start_byte(b: u8) -> bool {
    matches!(b, b'A'..=b'Z' | b'a'..=b'z' | b':' | b'_')
}

/// An ASCII name character (`:` included; qualified names split on it separately).
pub fn is_name_byte(b: u8) -> bool {
    matches!(b, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b':' | b'_' | b'-' | b'.')
}

/// `NameStartChar`.
pub fn is_name_start(c: char) -> bool {
    if c as u32 <= 128 {
        return is_name_start_byte(c as u8);
    }
    matches!(c as u32,
        0xC0..=0xD6
        | 0xD8..=0xF6
        | 0xF8..=0x2FF
        | 0x370..=0x37D
        | 0x37F..=0x1FFF
        | 0x200C..=0x200D
        | 0x2070..=0x218F
        | 0x2C00..=0x2FEF
        | 0x3001..=0xD7FF
        | 0xF900..=0xFDCF
        | 0xFDF0..=0xFFFD
        | 0x10000..=0xEFFFF)
}

/// `NameChar`.
pub fn is_name_char(c: char) -> bool {
    if c as u32 <= 128 {
        return is_name_byte(c as u8);
    }
    matches!(c as u32,
        0xB7
        | 0xC0..=0xD6
        | 0xD8..=0xF6
        | 0xF8..=0x2FF
        | 0x300..=0x36F
        | 0x370..=0x37D
        | 0x37F..=0x1FFF
        | 0x200C..=0x200D
        | 0x203F..=0x2040
        | 0x2070..=0x218F
        | 0x2C00..=0x2FEF
        | 0x3001..=0xD7FF
        | 0xF900..=0xFDCF
        | 0xFDF0..=0xFFFD
        | 0x10000..=0xEFFFF)
}

/// `Char` (surrogates cannot occur in a `&str`).
pub fn is_xml_char(c: char) -> bool {
    if (c as u32) < 0x20 {
        return is_space(c as u8);
    }
    !matches!(c as u32, 0xFFFE | 0xFFFF)
}

/// Whether every character of `text` is an XML `Char`: control bytes other than tab, line feed and
/// carriage return are checked 16 bytes at a time without branches (vector compares), and the only
/// non-ASCII characters XML forbids, U+FFFE and U+FFFF, are looked for only when a byte is not ASCII.
pub fn all_xml_chars(text: &str) -> bool {
    let bytes = text.as_bytes();
    fn bad(b: u8) -> bool {
        (b < 0x20) & !((b == b'\n') | (b == b'\r') | (b == b'\t'))
    }
    let mut high = 0u8;
    let mut blocks = bytes.chunks_exact(16);
    for block in &mut blocks {
        let (flags, top) = block
            .iter()
            .fold((0u8, 0u8), |(flags, top), &b| (flags | u8::from(bad(b)), top | b));
        if flags != 0 {
            return false;
        }
        high |= top;
    }
    for &b in blocks.remainder() {
        if bad(b) {
            return false;
        }
        high |= b;
    }
    // U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8
    high < 0x80
        || memchr::memmem::find_iter(bytes, b"\xEF\xBF")
            .all(|at| !matches!(bytes.get(at + 2), Some(0xBE | 0xBF)))
}

/// What a byte means to [`scan_text`] (0: nothing to do, go on).
const TEXT_PLAIN: u8 = 0;
const TEXT_LT: u8 = 1;
const TEXT_DECODE: u8 = 2;
const TEXT_GT: u8 = 3;
const TEXT_FORBIDDEN: u8 = 4;
const TEXT_EF: u8 = 5;

/// [`scan_text`]'s byte classes: `<` ends the text; `&` and carriage return mean it must be decoded; `>`
/// may end a `]]>`; control bytes other than tab, line feed and carriage return are forbidden; `EF` may
/// start U+FFFE or U+FFFF. Everything else (all other ASCII and UTF-8 bytes) is plain.
const TEXT_CLASSES: [u8; 256] = {
    let mut table = [TEXT_PLAIN; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = TEXT_FORBIDDEN;
        b += 1;
    }
    table[b'\t' as usize] = TEXT_PLAIN;
    table[b'\n' as usize] = TEXT_PLAIN;
    table[b'\r' as usize] = TEXT_DECODE;
    table[b'&' as usize] = TEXT_DECODE;
    table[b'<' as usize] = TEXT_LT;
    table[b'>' as usize] = TEXT_GT;
    table[0xEF] = TEXT_EF;
    table
};

/// Whether the UTF-8 sequence starting at `bytes[at]` (an `EF` byte) is U+FFFE or U+FFFF.
fn is_nonchar_at(bytes: &[u8], at: usize) -> bool {
    bytes.get(at + 1) == Some(&0xBF) && matches!(bytes.get(at + 2), Some(0xBE | 0xBF))
}

/// Character data from `start` to the next `<` (or the end), checked in one pass over its bytes: every
/// character is an XML `Char` and `]]>` does not occur. Returns where it stops and whether it holds a
/// reference or a carriage return (so it must be decoded), or the offset of the first problem.
pub fn scan_text(bytes: &[u8], start: usize) -> Result<(usize, bool), usize> {
    let mut decode = false;
    let mut at = start;
    loop {
        let Some(offset) = bytes[at..]
            .iter()
            .position(|&b| TEXT_CLASSES[b as usize] != TEXT_PLAIN)
        else {
            return Ok((bytes.len(), decode));
        };
        at += offset;
        match TEXT_CLASSES[bytes[at] as usize] {
            TEXT_LT => return Ok((at, decode)),
            TEXT_DECODE => decode = true,
            TEXT_GT => {
                if at >= start + 2 && bytes[at - 2..at] == *b"]]" {
                    return Err(at - 2);
                }
            }
            TEXT_EF => {
                if is_nonchar_at(bytes, at) {
                    return Err(at);
                }
            }
            _ => return Err(at),
        }
        at += 1;
    }
}

/// What a byte means to [`scan_value`] (0: nothing to do, go on).
const VALUE_PLAIN: u8 = 0;
const VALUE_END: u8 = 1;
const VALUE_DECODE: u8 = 2;
const VALUE_FORBIDDEN: u8 = 3;
const VALUE_EF: u8 = 4;

/// [`scan_value`]'s byte classes: a quote or `<` ends the value (the caller tells which); `&`, tab, line
/// feed and carriage return mean it must be normalised; other control bytes are forbidden; `EF` may start
/// U+FFFE or U+FFFF.
const VALUE_CLASSES: [u8; 256] = {
    let mut table = [VALUE_PLAIN; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = VALUE_FORBIDDEN;
        b += 1;
    }
    table[b'\t' as usize] = VALUE_DECODE;
    table[b'\n' as usize] = VALUE_DECODE;
    table[b'\r' as usize] = VALUE_DECODE;
    table[b'&' as usize] = VALUE_DECODE;
    table[b'"' as usize] = VALUE_END;
    table[b'\'' as usize] = VALUE_END;
    table[b'<' as usize] = VALUE_END;
    table[0xEF] = VALUE_EF;
    table
};

/// How [`scan_value`] ended.
#[derive(Debug, PartialEq, Eq)]
pub enum ValueEnd {
    /// At the closing quote's offset; whether the value must be normalised (references, tab, line feed,
    /// carriage return).
    Quote(usize, bool),
    /// At a `<` (or the end of the text) before the closing quote.
    Unterminated(usize),
    /// At a character XML forbids.
    Forbidden(usize),
}

/// An attribute value from `start` up to the closing `quote`, checked in one pass: the first `quote` or
/// `<` ends it, and every character before must be an XML `Char`.
pub fn scan_value(bytes: &[u8], start: usize, quote: u8) -> ValueEnd {
    let mut decode = false;
    let mut at = start;
    loop {
        let Some(offset) = bytes[at..]
            .iter()
            .position(|&b| VALUE_CLASSES[b as usize] != VALUE_PLAIN)
        else {
            return ValueEnd::Unterminated(bytes.len());
        };
        at += offset;
        let b = bytes[at];
        match VALUE_CLASSES[b as usize] {
            VALUE_END if b == quote => return ValueEnd::Quote(at, decode),
            VALUE_END if b == b'<' => return ValueEnd::Unterminated(at),
            VALUE_END => {}
            VALUE_DECODE => decode = true,
            VALUE_EF => {
                if is_nonchar_at(bytes, at) {
                    return ValueEnd::Forbidden(at);
                }
            }
            _ => return ValueEnd::Forbidden(at),
        }
        at += 1;
    }
}

/// Whether every byte is printable ASCII (`' '..='~'`) or XML white space (tab, line feed, carriage
/// return): a long run of such text can be read without looking at it again.
///
/// An attachment's payload (base64) usually has no white space at all: then the run's least and
/// greatest bytes alone (a vector minimum and maximum over the whole run) show it printable. Otherwise
/// it is checked 64 bytes at a time without branches (vector compares). With `u = b + 1` (wrapping),
/// one signed compare `u < 0x21` finds every control byte, 0x7f and every byte >= 0x80; white space is
/// `u` 10, 11 or 14.
pub fn is_plain(run: &[u8]) -> bool {
    let (least, greatest) = run.iter().fold((u8::MAX, u8::MIN), |(least, greatest), &b| {
        (least.min(b), greatest.max(b))
    });
    if least >= b' ' && greatest <= b'~' {
        return true;
    }
    fn bad(b: u8) -> bool {
        let u = b.wrapping_add(1);
        ((u as i8) < 0x21) & ((u & 0xFB) != 10) & (u != 11)
    }
    let mut blocks = run.chunks_exact(64);
    let blocks_ok = blocks.all(|block| !block.iter().fold(false, |acc, &b| acc | bad(b)));
    blocks_ok && !blocks.remainder().iter().any(|&b| bad(b))
}

/// The bytes of `word` (eight bytes, little-endian) that cannot be part of a name in a tag and end it
/// there: every byte up to `' '` (white space), `/`, and `<` `=` `>` `?`. Each is flagged by its top bit;
/// flags above the lowest may be false (borrows), the lowest is exact.
pub fn name_stops(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOPS: u64 = 0x8080_8080_8080_8080;
    let up_to_space = word.wrapping_sub(ONES * 0x21) & !word & TOPS;
    let angle = (word ^ (ONES * 0x3C)) & (ONES * 0xFC);
    let angle = angle.wrapping_sub(ONES) & !angle & TOPS;
    let slash = word ^ (ONES * 0x2F);
    let slash = slash.wrapping_sub(ONES) & !slash & TOPS;
    up_to_space | angle | slash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_stops_finds_the_first_byte_that_ends_a_name() {
        let first_stop = |text: &[u8]| {
            let word = u64::from_le_bytes(text[..8].try_into().unwrap());
            let stops = name_stops(word);
            (stops != 0).then(|| (stops.trailing_zeros() / 8) as usize)
        };
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut text = *b"abcdefgh";
                text[at] = b;
                let stop = b <= b' ' || matches!(b, b'/' | b'<' | b'=' | b'>' | b'?');
                assert_eq!(first_stop(&text), stop.then_some(at), "{b:#x} at {at}");
            }
        }
        // the lowest flag is exact when several stops follow each other
        assert_eq!(first_stop(b"ab\x00 >/\x01="), Some(2));
        assert_eq!(first_stop(b"cbc:ID>1"), Some(6));
    }

    /// Short texts built from the pieces the checks decide on, three at a time.
    fn samples() -> Vec<String> {
        let pieces = [
            "a", " ", "\n", "\r", "\t", "&", ">", "]", "]]", "<", "'", "\"", "é", "\u{FFFE}", "\u{FFFF}",
            "\u{FFFD}", "\u{EFBF}", "\u{1}", "\u{7f}", "\u{c}",
        ];
        let mut samples = Vec::new();
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    samples.push(format!("{a}{b}{c}"));
                }
            }
        }
        samples
    }

    #[test]
    fn scan_text_agrees_with_the_checks_made_one_at_a_time() {
        for text in samples() {
            let stop = text.find('<').unwrap_or(text.len());
            let run = &text[..stop];
            let expected = (all_xml_chars(run) && !run.contains("]]>"))
                .then(|| (stop, run.contains('&') || run.contains('\r')));
            assert_eq!(scan_text(text.as_bytes(), 0).ok(), expected, "{text:?}");
        }
    }

    #[test]
    fn scan_value_agrees_with_the_checks_made_one_at_a_time() {
        for text in samples() {
            for quote in [b'"', b'\''] {
                let end = text.bytes().position(|b| b == quote || b == b'<');
                let value = &text[..end.unwrap_or(text.len())];
                let expected = match end {
                    _ if !all_xml_chars(value) => "forbidden",
                    Some(at) if text.as_bytes()[at] == quote => "quote",
                    _ => "unterminated",
                };
                let decode = value.contains(['&', '\t', '\n', '\r']);
                match scan_value(text.as_bytes(), 0, quote) {
                    ValueEnd::Quote(at, d) => {
                        assert_eq!((expected, Some(at), d), ("quote", end, decode), "{text:?}")
                    }
                    ValueEnd::Unterminated(_) => assert_eq!(expected, "unterminated", "{text:?}"),
                    ValueEnd::Forbidden(_) => assert_eq!(expected, "forbidden", "{text:?}"),
                }
            }
        }
    }

    #[test]
    fn is_plain_is_printable_ascii_and_white_space() {
        for b in 0..=255u8 {
            for at in [0, 63, 64, 100] {
                let mut run = vec![b'Q'; 130];
                run[at] = b;
                let plain = matches!(b, b' '..=b'~' | b'\t' | b'\n' | b'\r');
                assert_eq!(is_plain(&run), plain, "{b:#x} at {at}");
            }
        }
    }

    #[test]
    fn the_bulk_check_agrees_with_the_character_class() {
        let samples = [
            "plain text",
            "tab\tline\nreturn\r",
            "bell\u{7}",
            "nul\u{0}",
            "é and ß",
            "\u{FFFE}",
            "x\u{FFFF}y",
            "\u{FFFD}",
            "\u{EFBF}",
            "\u{7f}\u{80}\u{9f}",
            "a long run of sixteen+ bytes \u{1} here",
            "",
        ];
        for sample in samples {
            assert_eq!(
                all_xml_chars(sample),
                sample.chars().all(is_xml_char),
                "{sample:?}"
            );
        }
    }
}
