//! Checking one document against the hire it came for: its type (from the text, else the file name), its
//! fields, and the problems that keep it from ticking its checklist item — each a reason with the evidence.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::classify::classify;
use super::fields::{read, Fields};
use super::names;
use super::template::DocumentType;
use super::text::{lines, Evidence};
use crate::formats::pdf_text::PdfText;

/// Why a checklist item is not done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ItemReasonCode {
    /// No usable text: blank, noise, or too blurred to read.
    Unreadable,
    /// The holder's name on the document is not the hire's.
    NameMismatch,
    /// No holder's name could be found.
    NameMissing,
    /// The document expires before the start date.
    Expired,
    /// An identity or right-to-work document without an expiry date.
    ExpiryMissing,
    /// Fewer pages than the document declares or the checklist requires.
    PagesMissing,
    /// A contract or acknowledgement whose signature line is empty or absent.
    SignatureMissing,
    /// A document of a type this hire's checklist does not ask for, or of no known type.
    NotOnChecklist,
}

/// A reason on a checklist item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemReason {
    pub code: ItemReasonCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
}

impl ItemReason {
    fn new(code: ItemReasonCode, message: String, evidence: Option<Evidence>) -> Self {
        Self {
            code,
            message,
            evidence,
        }
    }
}

/// What the hire and checklist say a document must satisfy.
#[derive(Debug, Clone)]
pub struct Expectation<'a> {
    pub hire_name: &'a str,
    pub start_date: NaiveDate,
    /// The pages the item requires.
    pub min_pages: u32,
}

/// The outcome of reading one document for a hire.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    /// The type, from the text or else the file name; `None` when neither says.
    pub document_type: Option<DocumentType>,
    pub fields: Fields,
    /// Empty: the document ticks its item.
    pub reasons: Vec<ItemReason>,
}

/// Fewer words than this is not a readable document.
const MIN_WORDS: usize = 4;

/// The type of a document: its text says, else its file name (`passport-scan.pdf`).
pub fn document_type(text: &PdfText, file_name: &str) -> Option<DocumentType> {
    classify(&text.plain_text()).or_else(|| classify(&file_name.replace(['-', '_', '.'], " ")))
}

/// Reads and checks one document; `min_pages` comes from the item the type fills.
pub fn review(text: &PdfText, file_name: &str, expect: &Expectation<'_>) -> Review {
    let document_type = document_type(text, file_name);
    let words: usize = text.pages.iter().map(|p| p.words.len()).sum();
    let pages = u32::try_from(text.pages.len()).unwrap_or(u32::MAX);
    let lines = lines(text);
    let fields = read(&lines, pages);
    let mut reasons = Vec::new();
    if words < MIN_WORDS || (classify(&text.plain_text()).is_none() && fields.name.is_none()) {
        reasons.push(ItemReason::new(
            ItemReasonCode::Unreadable,
            format!(
                "{file_name}: no readable text was found ({words} words); it may be blank or too blurred — ask \
                 the hire for a clearer scan (200 dpi or more)"
            ),
            None,
        ));
        return Review {
            document_type,
            fields,
            reasons,
        };
    }
    let Some(kind) = document_type else {
        reasons.push(ItemReason::new(
            ItemReasonCode::NotOnChecklist,
            format!(
                "{file_name}: the document's type could not be told from its text or name; file it by hand"
            ),
            None,
        ));
        return Review {
            document_type,
            fields,
            reasons,
        };
    };
    match &fields.name {
        Some(name) if !names::matches(expect.hire_name, &name.value) => reasons.push(ItemReason::new(
            ItemReasonCode::NameMismatch,
            format!(
                "{file_name}: the name on the document, {:?}, is not the hire's ({:?}); check it is the right \
                 person's document",
                name.value, expect.hire_name
            ),
            Some(name.clone()),
        )),
        Some(_) => {}
        None => reasons.push(ItemReason::new(
            ItemReasonCode::NameMissing,
            format!("{file_name}: no holder's name was found; check the document is the hire's"),
            None,
        )),
    }
    let needs_expiry = matches!(kind, DocumentType::Id | DocumentType::RightToWork);
    match &fields.expiry {
        Some(expiry) if expiry.date < expect.start_date => reasons.push(ItemReason::new(
            ItemReasonCode::Expired,
            format!(
                "{file_name}: the document expires on {}, before the start date {}; ask the hire for a valid one",
                expiry.date, expect.start_date
            ),
            Some(expiry.evidence.clone()),
        )),
        Some(_) => {}
        None if needs_expiry => reasons.push(ItemReason::new(
            ItemReasonCode::ExpiryMissing,
            format!("{file_name}: no expiry date was found; check the document's validity by hand"),
            None,
        )),
        None => {}
    }
    let required = fields
        .declared_pages
        .as_ref()
        .map_or(0, |(n, _)| *n)
        .max(expect.min_pages);
    if fields.pages < required {
        reasons.push(ItemReason::new(
            ItemReasonCode::PagesMissing,
            format!(
                "{file_name}: {} of {required} pages are present; ask the hire for the complete document",
                fields.pages
            ),
            fields.declared_pages.as_ref().map(|(_, e)| e.clone()),
        ));
    }
    if matches!(kind, DocumentType::Contract | DocumentType::PolicyAck) {
        let signed = fields
            .signature
            .as_ref()
            .is_some_and(|s| s.value.chars().filter(|c| c.is_alphabetic()).count() >= 2);
        if !signed {
            reasons.push(ItemReason::new(
                ItemReasonCode::SignatureMissing,
                format!("{file_name}: the signature line is empty or missing; ask the hire to sign it"),
                fields.signature.clone(),
            ));
        }
    }
    Review {
        document_type,
        fields,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::pdf_text::{PageText, Word};

    fn doc(pages: &[&[&str]]) -> PdfText {
        PdfText {
            pages: pages
                .iter()
                .enumerate()
                .map(|(n, lines)| PageText {
                    number: n as u32 + 1,
                    width: 595.0,
                    height: 842.0,
                    rotation: 0,
                    words: lines
                        .iter()
                        .enumerate()
                        .flat_map(|(row, line)| {
                            let y = 800.0 - 20.0 * row as f64;
                            line.split_whitespace()
                                .enumerate()
                                .map(move |(col, t)| Word {
                                    text: t.to_owned(),
                                    bbox: [60.0 + 90.0 * col as f64, y, 140.0 + 90.0 * col as f64, y + 10.0],
                                    size: 10.0,
                                })
                                .collect::<Vec<_>>()
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    fn expect(min_pages: u32) -> Expectation<'static> {
        Expectation {
            hire_name: "Jean Dupont",
            start_date: "2026-04-15".parse().unwrap(),
            min_pages,
        }
    }

    fn codes(review: &Review) -> Vec<ItemReasonCode> {
        review.reasons.iter().map(|r| r.code).collect()
    }

    #[test]
    fn a_valid_passport_of_the_hire_has_no_reason() {
        let text = doc(&[&[
            "PASSPORT",
            "Surname: DUPONT",
            "Given names: JEAN",
            "Date of expiry: 01.01.2030",
        ]]);
        let review = review(&text, "p.pdf", &expect(1));
        assert_eq!(
            (review.document_type, codes(&review)),
            (Some(DocumentType::Id), vec![])
        );
    }

    #[test]
    fn an_id_expiring_before_the_start_date_is_expired_with_the_date_as_evidence() {
        let text = doc(&[&["PASSEPORT", "Nom: Jean Dupont", "Date d'expiration: 14.04.2026"]]);
        let review = review(&text, "p.pdf", &expect(1));
        assert_eq!(codes(&review), vec![ItemReasonCode::Expired]);
        assert_eq!(review.reasons[0].evidence.as_ref().unwrap().value, "14.04.2026");
    }

    #[test]
    fn another_name_missing_pages_and_no_signature_are_each_a_reason() {
        let text = doc(&[&["EMPLOYMENT CONTRACT", "Employee: Marie Curie", "Page 1 of 2"]]);
        let review = review(&text, "c.pdf", &expect(1));
        assert_eq!(
            codes(&review),
            vec![
                ItemReasonCode::NameMismatch,
                ItemReasonCode::PagesMissing,
                ItemReasonCode::SignatureMissing
            ]
        );
    }

    #[test]
    fn a_blank_page_is_unreadable_and_keeps_the_type_its_name_gives() {
        let review = review(&doc(&[&[]]), "bank-details.pdf", &expect(1));
        assert_eq!(codes(&review), vec![ItemReasonCode::Unreadable]);
        assert_eq!(review.document_type, Some(DocumentType::BankDetails));
    }
}
