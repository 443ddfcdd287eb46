//! Which kind of onboarding document a text is, from multilingual keywords (English, German, French).
//! Each phrase found adds its weight to its type; the strongest type wins when it leads clearly.

use super::template::DocumentType;
use super::text::fold;

/// Phrases (folded: lower case, no accents) and their weights, per type.
const KEYWORDS: &[(DocumentType, &[(&str, u32)])] = &[
    (
        DocumentType::Id,
        &[
            ("identity card", 5),
            ("national identity", 5),
            ("passport", 5),
            ("personalausweis", 5),
            ("reisepass", 5),
            ("carte nationale d'identite", 5),
            ("carte d'identite", 5),
            ("carte identite", 5),
            ("passeport", 5),
            ("identity document", 4),
            ("date of birth", 1),
            ("geburtsdatum", 1),
            ("date de naissance", 1),
        ],
    ),
    (
        DocumentType::RightToWork,
        &[
            ("right to work", 6),
            ("work permit", 6),
            ("residence permit", 5),
            ("arbeitserlaubnis", 6),
            ("aufenthaltstitel", 5),
            ("titre de sejour", 5),
            ("autorisation de travail", 6),
            ("permitted to work", 4),
        ],
    ),
    (
        DocumentType::TaxForm,
        &[
            ("tax form", 5),
            ("tax identification", 5),
            ("tax code", 3),
            ("withholding", 4),
            ("steuer-id", 5),
            ("steueridentifikationsnummer", 5),
            ("lohnsteuer", 5),
            ("formulaire fiscal", 5),
            ("numero fiscal", 5),
            ("impot", 4),
            ("prelevement a la source", 5),
        ],
    ),
    (
        DocumentType::BankDetails,
        &[
            ("bank details", 6),
            ("bankverbindung", 6),
            ("coordonnees bancaires", 6),
            ("releve d'identite bancaire", 6),
            ("iban", 3),
            ("bic", 1),
            ("account holder", 2),
            ("kontoinhaber", 2),
            ("titulaire du compte", 2),
        ],
    ),
    (
        DocumentType::Contract,
        &[
            ("employment contract", 6),
            ("contract of employment", 6),
            ("services agreement", 6),
            ("internship agreement", 6),
            ("arbeitsvertrag", 6),
            ("praktikumsvertrag", 6),
            ("contrat de travail", 6),
            ("convention de stage", 6),
            ("contrat de prestation", 6),
            ("the employer", 1),
            ("arbeitgeber", 1),
            ("l'employeur", 1),
        ],
    ),
    (
        DocumentType::PolicyAck,
        &[
            ("policy acknowledgement", 6),
            ("policy acknowledgment", 6),
            ("i acknowledge", 4),
            ("have read and understood", 4),
            ("code of conduct", 3),
            ("kenntnisnahme", 5),
            ("richtlinien", 3),
            ("accuse de reception", 4),
            ("reconnais avoir lu", 5),
            ("politique", 2),
        ],
    ),
];

/// The scores of a text, strongest first (types with no phrase found are left out).
pub fn scores(text: &str) -> Vec<(DocumentType, u32)> {
    let folded = fold(text);
    let mut out: Vec<(DocumentType, u32)> = KEYWORDS
        .iter()
        .map(|(kind, phrases)| {
            let score = phrases
                .iter()
                .filter(|(phrase, _)| contains_phrase(&folded, phrase))
                .map(|(_, weight)| weight)
                .sum();
            (*kind, score)
        })
        .filter(|(_, score)| *score > 0)
        .collect();
    out.sort_by_key(|entry| std::cmp::Reverse(entry.1));
    out
}

/// A phrase as whole words (so `bic` is not found in `public`).
fn contains_phrase(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// The document's type: the strongest, when it scores at least 4 and more than the runner-up.
pub fn classify(text: &str) -> Option<DocumentType> {
    let scores = scores(text);
    let (best, score) = *scores.first()?;
    let runner_up = scores.get(1).map_or(0, |s| s.1);
    (score >= 4 && score > runner_up).then_some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_names_its_documents() {
        assert_eq!(
            classify("REPUBLIQUE FRANÇAISE\nCARTE NATIONALE D'IDENTITÉ"),
            Some(DocumentType::Id)
        );
        assert_eq!(
            classify("Arbeitsvertrag zwischen ..."),
            Some(DocumentType::Contract)
        );
        assert_eq!(
            classify("Bankverbindung\nIBAN: DE89 3704"),
            Some(DocumentType::BankDetails)
        );
        assert_eq!(
            classify("Work permit / residence permit"),
            Some(DocumentType::RightToWork)
        );
        assert_eq!(
            classify("Formulaire fiscal – prélèvement à la source"),
            Some(DocumentType::TaxForm)
        );
    }

    #[test]
    fn unrelated_or_ambiguous_text_has_no_type() {
        assert_eq!(classify("Invoice 123 total due"), None);
        assert_eq!(classify("public holiday"), None);
    }
}
