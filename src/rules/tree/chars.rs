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

#[cfg(test)]
mod tests {
    use super::*;

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
