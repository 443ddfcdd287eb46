//! Normalised document numbers: PO references and invoice numbers are compared after removing case,
//! spaces and separators (`exact_key`), and more loosely also without an alphabetic prefix and leading
//! zeros (`loose_key`: `PO-004500012` → `4500012`, `INV-00123` → `123`).

/// Upper case letters and digits only: `"po 4500-012"` → `"PO4500012"`.
pub fn exact_key(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The exact key without a leading alphabetic prefix (when digits follow it, and only digits) and without
/// leading zeros. `None` when nothing is left — `"0000"`, `"-"`, `""` name no document.
pub fn loose_key(text: &str) -> Option<String> {
    let exact = exact_key(text);
    let rest = exact.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let core = if !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()) {
        rest
    } else {
        exact.as_str()
    };
    let trimmed = core.trim_start_matches('0');
    if trimmed.is_empty() {
        return None;
    }
    Some(trimmed.to_owned())
}

/// Whether the text contains a digit. A stated reference without any digit is a placeholder (XRechnung
/// requires BT-13 in some profiles, so senders write words such as "Dummywert" or "n/a") unless a PO with
/// exactly that number is on file: every PO numbering we match contains digits.
pub fn has_digit(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
}

/// Splits a header reference that names several POs (`"4500012, 4500013"`, `"PO1 & PO2"`).
pub fn split_references(text: &str) -> Vec<String> {
    text.split([',', ';', '&', '|', '+'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoice_numbers_in_the_contracts_examples_share_a_key() {
        for number in ["INV-00123", "123", "inv 123", "Inv/0123"] {
            assert_eq!(loose_key(number).as_deref(), Some("123"), "{number}");
        }
        assert_ne!(loose_key("124"), loose_key("123"));
    }

    #[test]
    fn po_references_normalise_prefixes_separators_and_leading_zeros() {
        assert_eq!(loose_key("PO-004500012"), loose_key("4500012"));
        assert_eq!(loose_key("P.O. 4500/012"), Some("4500012".into()));
        assert_eq!(loose_key("2018-471331"), Some("2018471331".into()));
        assert_eq!(exact_key("po 4500-012"), "PO4500012");
    }

    #[test]
    fn a_mixed_number_keeps_its_letters() {
        assert_eq!(loose_key("A12B7").as_deref(), Some("A12B7"));
    }

    #[test]
    fn zeros_and_separators_alone_name_nothing() {
        assert_eq!(loose_key("0000"), None);
        assert_eq!(loose_key(" - "), None);
        assert!(!has_digit("Dummywert"));
    }

    #[test]
    fn several_references_are_split() {
        assert_eq!(split_references("4500012, PO 4500013"), ["4500012", "PO 4500013"]);
    }
}
