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

/// The edits that turn `a` into `b` when they count as the same word read by OCR: none, or one in a word
/// of five letters or more, or one in a four-letter word (a dropped or misread letter); `None` otherwise.
fn word_edits(a: &str, b: &str) -> Option<usize> {
    if a == b {
        return Some(0);
    }
    let shorter = a.chars().count().min(b.chars().count());
    let longer = a.chars().count().max(b.chars().count());
    (longer >= 4 && shorter >= 3 && strsim::levenshtein(a, b) <= 1).then_some(1)
}

/// Whether `found` names the same person as `expected`: every word of the shorter name appears in the
/// longer one, and at least two words (or all, for a one-word name) match. OCR slips are forgiven: one per
/// word of five letters or more, and one in a shorter word only when every other word is read exactly (so
/// "Anne Schmitt" is not "Anna Schmidt", but "EAN DUPONT" read from a scan is "Jean Dupont").
pub fn matches(expected: &str, found: &str) -> bool {
    let (a, b) = (tokens(expected), tokens(found));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    let mut slips_in_short_words = 0;
    let mut slips = 0;
    for word in short.iter() {
        let best = long
            .iter()
            .filter_map(|l| word_edits(word, l).map(|e| (e, word.chars().count().max(l.chars().count()))))
            .min();
        match best {
            None => return false,
            Some((0, _)) => {}
            Some((_, len)) => {
                slips += 1;
                if len < 5 {
                    slips_in_short_words += 1;
                }
            }
        }
    }
    let slips_forgiven = slips_in_short_words == 0 || slips == 1;
    slips_forgiven && (short.len() >= 2 || long.len() == 1)
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
        assert!(
            matches("Jean Dupont", "|] EAN DUPONT"),
            "a scan's J read as |] and the rest exact"
        );
    }

    #[test]
    fn another_person_or_half_a_name_does_not_match() {
        assert!(!matches("Zoë Müller", "Zoe Meyer"));
        assert!(!matches("Zoë Müller", "Müller"));
        assert!(!matches("Anna Schmidt", "Anne Schmitt"));
        assert!(
            !matches("Jean Dupont", "Ean Dupond"),
            "a short word's slip needs the rest exact"
        );
        assert!(!matches("Eva Lang", "Ava Lang"), "three-letter words are exact");
    }

    #[test]
    fn a_slug_is_a_plain_folder_name() {
        assert_eq!(slug("Zoë  Müller-Lüdenscheid"), "zoe-muller-ludenscheid");
    }
}
