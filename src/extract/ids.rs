//! Identifiers found by their shape: IBANs (ISO 13616, checked with mod 97) and EU-style VAT ids (a country
//! prefix and eight to twelve characters, mostly digits). Both may be printed in groups separated by spaces.

use crate::formats::pdf_text::Word;

use super::layout::union;

/// IBAN lengths by country (ISO 13616 registry, the countries invoices here come from most).
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AT", 20),
    ("BE", 16),
    ("BG", 22),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FR", 27),
    ("GB", 22),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IT", 27),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
];

const VAT_PREFIXES: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "GB", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI", "CH", "NO",
];

/// A value read from one or more adjacent words.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub value: String,
    pub start: usize,
    pub end: usize,
    pub bbox: [f64; 4],
    /// For IBANs: whether the check digits are right.
    pub checked: bool,
}

fn alnum_upper(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase()
}

/// Whether an IBAN's check digits are right (mod 97 = 1).
pub fn iban_valid(iban: &str) -> bool {
    if iban.len() < 15 || iban.len() > 34 || !iban.is_char_boundary(4) {
        return false;
    }
    let rearranged = format!("{}{}", &iban[4..], &iban[..4]);
    let mut remainder: u32 = 0;
    for c in rearranged.chars() {
        let value = match c.to_digit(36) {
            Some(v) => v,
            None => return false,
        };
        let scale = if value >= 10 { 100 } else { 10 };
        remainder = (remainder * scale + value) % 97;
    }
    remainder == 1
}

/// IBANs starting at each word: two letters and two digits, then groups, up to the country's length.
///
/// With `labelled` (an `IBAN` label on the line) a run of groups that does not match the country's length or
/// check digits is still taken: test and mistyped IBANs are still the account the invoice names.
pub fn ibans_in(words: &[Word], labelled: bool) -> Vec<Found> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let first = alnum_upper(&words[i].text);
        let bytes = first.as_bytes();
        let starts = bytes.len() >= 4
            && bytes[0].is_ascii_uppercase()
            && bytes[1].is_ascii_uppercase()
            && bytes[2].is_ascii_digit()
            && bytes[3].is_ascii_digit();
        if !starts {
            i += 1;
            continue;
        }
        let country = &first[..2];
        let expected = IBAN_LENGTHS.iter().find(|(c, _)| *c == country).map(|(_, n)| *n);
        let mut value = first.clone();
        let mut end = i + 1;
        while value.len() < expected.unwrap_or(34) && end < words.len() {
            let next = alnum_upper(&words[end].text);
            let gap = words[end].bbox[0] - words[end - 1].bbox[2];
            let group_like = !next.is_empty()
                && next.len() <= 4
                && next.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
                && words[end].text.chars().all(|c| c.is_ascii_alphanumeric());
            if !group_like || gap > words[end].size.max(1.0) * 1.5 {
                break;
            }
            value.push_str(&next);
            end += 1;
        }
        let checked = iban_valid(&value);
        let right_length =
            expected.map_or(value.len() >= 15, |n| value.len() == n) || (labelled && value.len() >= 12);
        if (checked || right_length)
            && value.len() <= 34
            && value[2..].chars().all(|c| c.is_ascii_alphanumeric())
        {
            out.push(Found {
                bbox: union(&words[i..end]),
                value,
                start: i,
                end,
                checked,
            });
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// VAT ids: a country prefix and 8–12 characters with at least 7 digits, possibly split in groups.
pub fn vat_ids_in(words: &[Word]) -> Vec<Found> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let mut value = String::new();
        let mut best: Option<(String, usize)> = None;
        for (end, word) in words.iter().enumerate().take(i + 5).skip(i) {
            let part = word
                .text
                .trim_end_matches([',', ';', '.', ')'])
                .trim_start_matches('(');
            if end > i && (!part.chars().all(|c| c.is_ascii_alphanumeric()) || part.is_empty()) {
                break;
            }
            value.push_str(&alnum_upper(part));
            if end == i
                && !part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            {
                break;
            }
            if looks_like_vat(&value) {
                best = Some((value.clone(), end + 1));
            }
            if value.len() > 14 {
                break;
            }
        }
        match best {
            Some((value, end)) => {
                out.push(Found {
                    bbox: union(&words[i..end]),
                    value,
                    start: i,
                    end,
                    checked: false,
                });
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

/// Whether `value` (upper case, no spaces) has the shape of an EU-style VAT id: a known country prefix and
/// 8–12 characters with at least seven digits.
pub fn looks_like_vat(value: &str) -> bool {
    if value.len() < 10 || value.len() > 14 || !value.is_char_boundary(2) {
        return false;
    }
    let (prefix, rest) = value.split_at(2);
    let digits = rest.chars().filter(char::is_ascii_digit).count();
    VAT_PREFIXES.contains(&prefix)
        && rest.chars().all(|c| c.is_ascii_alphanumeric())
        && digits >= 7
        && rest
            .starts_with(|c: char| c.is_ascii_digit() || prefix == "ES" || prefix == "IE" || prefix == "NL")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Word> {
        text.split(' ')
            .enumerate()
            .map(|(i, t)| Word {
                text: t.to_owned(),
                bbox: [i as f64 * 30.0, 0.0, i as f64 * 30.0 + 25.0, 10.0],
                size: 10.0,
            })
            .collect()
    }

    #[test]
    fn finds_grouped_ibans_and_checks_them() {
        let found = ibans_in(&words("IBAN : FR20 1242 1242 1242 1242 1242 124 - BIC"), true);
        assert_eq!(found[0].value, "FR2012421242124212421242124");
        let found = ibans_in(&words("IBAN NL50INGB0683251309 BIC"), false);
        assert_eq!(found[0].value, "NL50INGB0683251309");
        assert!(found[0].checked);
        assert!(!iban_valid("NL51INGB0683251309"));
    }

    #[test]
    fn finds_vat_ids_written_whole_or_grouped() {
        assert_eq!(
            vat_ids_in(&words("USt-IdNr.: DE123456789"))[0].value,
            "DE123456789"
        );
        assert_eq!(
            vat_ids_in(&words("BTW NL810433941B01"))[0].value,
            "NL810433941B01"
        );
        assert_eq!(vat_ids_in(&words("VAT: DE 123 456 789"))[0].value, "DE123456789");
        assert!(vat_ids_in(&words("Tel 0049 123456")).is_empty());
    }
}
