//! Amounts as invoices print them: `1,234.56`, `1.234,56`, `1 234,56`, `1'234.56`, with a currency symbol or
//! code before or after, a sign in front, behind or as parentheses. Values are `rust_decimal`.

use rust_decimal::Decimal;

use crate::formats::pdf_text::Word;

use super::layout::union;

/// An amount found among the words of a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Amount {
    pub value: Decimal,
    /// Whether it was written with decimals (`12,00`): amounts of money nearly always are.
    pub has_decimals: bool,
    /// Index range of the words it spans.
    pub start: usize,
    pub end: usize,
    pub bbox: [f64; 4],
}

const SYMBOLS: &[char] = &['€', '$', '£', '¥', '₹', '₽', '₺', '₩', '₪', '₱', '฿'];

/// Parses one number as written on an invoice; `None` for anything else (dates, ids, percentages).
pub fn parse_number(text: &str) -> Option<(Decimal, bool)> {
    let mut s = text.trim();
    if s.is_empty() || s.len() > 40 || s.ends_with('%') {
        return None;
    }
    let mut negative = false;
    if s.starts_with('(') && s.ends_with(')') && s.len() > 2 {
        negative = true;
        s = &s[1..s.len() - 1];
    }
    s = s.trim_matches(|c: char| SYMBOLS.contains(&c) || c.is_whitespace());
    s = strip_code(s);
    if let Some(rest) = s.strip_prefix(['-', '−', '–']) {
        negative = !negative;
        s = rest;
    } else if let Some(rest) = s.strip_suffix(['-', '−']) {
        negative = !negative;
        s = rest;
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest;
    }
    s = s.trim_matches(|c: char| SYMBOLS.contains(&c) || c.is_whitespace());
    if s.is_empty()
        || !s.starts_with(|c: char| c.is_ascii_digit())
        || !s.ends_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '\'' | ' ' | '\u{a0}' | '\u{202f}'))
    {
        return None;
    }
    let digits_only: String = s
        .chars()
        .filter(|c| !matches!(c, '\'' | ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let last_dot = digits_only.rfind('.');
    let last_comma = digits_only.rfind(',');
    let decimal_at = match (last_dot, last_comma) {
        (Some(d), Some(c)) => Some(d.max(c)),
        (Some(p), None) | (None, Some(p)) => {
            let separator = digits_only.as_bytes()[p];
            let count = digits_only.bytes().filter(|b| *b == separator).count();
            let after = digits_only.len() - p - 1;
            // one separator followed by exactly three digits is a thousands separator (1.000 / 1,000)
            if count > 1 || after == 3 {
                None
            } else {
                Some(p)
            }
        }
        (None, None) => None,
    };
    let (whole, fraction) = match decimal_at {
        Some(p) => (&digits_only[..p], &digits_only[p + 1..]),
        None => (digits_only.as_str(), ""),
    };
    // thousands groups must be groups of three after a first group of one to three digits
    let groups: Vec<&str> = whole.split(['.', ',']).collect();
    if groups.len() > 1
        && (groups[0].is_empty() || groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3))
    {
        return None;
    }
    let whole: String = whole.chars().filter(char::is_ascii_digit).collect();
    if decimal_at.is_some() && whole.is_empty() {
        return None;
    }
    if fraction.contains(['.', ',']) || fraction.len() > 6 || whole.len() > 15 {
        return None;
    }
    let plain = if fraction.is_empty() {
        whole
    } else {
        format!("{whole}.{fraction}")
    };
    let mut value: Decimal = plain.parse().ok()?;
    if negative {
        value = -value;
    }
    Some((value, !fraction.is_empty()))
}

/// Removes an ISO currency code glued to the number (`EUR12,00`, `12,00EUR`).
fn strip_code(s: &str) -> &str {
    let upper_prefix = s.len() > 3 && s.is_char_boundary(3) && s[..3].chars().all(|c| c.is_ascii_uppercase());
    let s = if upper_prefix { &s[3..] } else { s };
    let n = s.len();
    if n > 3 && s.is_char_boundary(n - 3) && s[n - 3..].chars().all(|c| c.is_ascii_uppercase()) {
        &s[..n - 3]
    } else {
        s
    }
}

/// Whether a word is a currency mark on its own (`€`, `EUR`, `$`).
pub fn is_currency_mark(text: &str) -> bool {
    let t = text.trim_matches(|c: char| c == ':' || c == '.');
    t.chars().count() == 1 && t.chars().all(|c| SYMBOLS.contains(&c)) || super::currency::code_of(t).is_some()
}

/// Every amount on a run of words, left to right. Numbers split in thousands groups by spaces (`1 234,56`)
/// are joined when the words sit close together.
pub fn amounts_in(words: &[Word]) -> Vec<Amount> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        // the longest run of close words (up to four) that reads as one number
        let mut best: Option<(Decimal, bool, usize)> = None;
        let mut text = String::new();
        for j in i..words.len().min(i + 4) {
            if j > i {
                let gap = words[j].bbox[0] - words[j - 1].bbox[2];
                let thousands_group =
                    words[j].text.len() >= 3 && words[j].text.chars().take(3).all(|c| c.is_ascii_digit());
                if gap > words[j].size.max(1.0) * 0.6 || !thousands_group {
                    break;
                }
                text.push(' ');
            }
            text.push_str(&words[j].text);
            if let Some((value, decimals)) = parse_number(&text) {
                best = Some((value, decimals, j));
            }
        }
        match best {
            Some((value, has_decimals, end)) => {
                let mut start = i;
                let mut value = value;
                // a lone minus sign in front
                if i > 0 && matches!(words[i - 1].text.as_str(), "-" | "−") {
                    value = -value;
                    start = i - 1;
                }
                out.push(Amount {
                    value,
                    has_decimals,
                    start,
                    end: end + 1,
                    bbox: union(&words[start..=end]),
                });
                i = end + 1;
            }
            None => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> Option<String> {
        parse_number(text).map(|(v, _)| v.to_string())
    }

    #[test]
    fn reads_the_common_number_formats() {
        assert_eq!(n("1,234.56").as_deref(), Some("1234.56"));
        assert_eq!(n("1.234,56").as_deref(), Some("1234.56"));
        assert_eq!(n("1 234,56").as_deref(), Some("1234.56"));
        assert_eq!(n("1'234.56").as_deref(), Some("1234.56"));
        assert_eq!(n("529,87").as_deref(), Some("529.87"));
        assert_eq!(n("-529,87").as_deref(), Some("-529.87"));
        assert_eq!(n("529,87-").as_deref(), Some("-529.87"));
        assert_eq!(n("(12.00)").as_deref(), Some("-12.00"));
        assert_eq!(n("€3.50").as_deref(), Some("3.50"));
        assert_eq!(n("9,9000").as_deref(), Some("9.9000"));
        assert_eq!(n("1.000").as_deref(), Some("1000"));
        assert_eq!(n("12%"), None);
        assert_eq!(n("05.03.2018"), None);
        assert_eq!(n("DE123"), None);
    }
}
