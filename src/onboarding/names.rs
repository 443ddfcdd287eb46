//! Whether a name read from a document is the hire's: case, accents, punctuation and word order do not
//! matter, a middle name on either side may be missing, and one typo per longer word is forgiven (OCR).

use super::text::fold;

/// The words of a name, folded, without punctuation.
pub fn tokens(name: &str) -> Vec<String> {
    fold(name)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

fn same_word(a: &str, b: &str) -> bool {
    a == b || (a.len().min(b.len()) >= 5 && strsim::levenshtein(a, b) <= 1)
}

/// Whether `found` names the same person as `expected`: every word of the shorter name appears in the
/// longer one, and at least two words (or all, for a one-word name) match.
pub fn matches(expected: &str, found: &str) -> bool {
    let (a, b) = (tokens(expected), tokens(found));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    let all_found = short.iter().all(|s| long.iter().any(|l| same_word(s, l)));
    all_found && (short.len() >= 2 || long.len() == 1)
}

/// The folder name for a hire: folded, words joined by `-` (`Zoë Müller` → `zoe-muller`).
pub fn slug(name: &str) -> String {
    tokens(name).join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_across_accents_order_and_punctuation() {
        assert!(matches("Zoë Müller", "MULLER, ZOE"));
        assert!(matches("Jean-Luc Picard", "Picard Jean Luc"));
        assert!(matches("Anna Maria Schmidt", "Anna Schmidt"));
        assert!(
            matches("Katarzyna Nowak", "Katarzyna Nowek"),
            "one OCR slip in a long word"
        );
    }

    #[test]
    fn another_person_or_half_a_name_does_not_match() {
        assert!(!matches("Zoë Müller", "Zoe Meyer"));
        assert!(!matches("Zoë Müller", "Müller"));
        assert!(!matches("Anna Schmidt", "Anne Schmitt"));
    }

    #[test]
    fn a_slug_is_a_plain_folder_name() {
        assert_eq!(slug("Zoë  Müller-Lüdenscheid"), "zoe-muller-ludenscheid");
    }
}
