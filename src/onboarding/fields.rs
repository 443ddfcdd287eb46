//! Key fields of an onboarding document, read from `Label: value` lines in English, German and French:
//! the holder's name, the document number, the dates of expiry, birth and issue, the signature line, and the
//! page count a document declares ("Page 1 of 3", "Seite 1 von 3", "Page 1 sur 3"). Each value keeps its
//! evidence (page and box).

use chrono::NaiveDate;
use regex::Regex;
use serde::Serialize;

use super::text::{fold, Evidence, Line};
use crate::extract::dates::{date_at, DateOrder};
use crate::formats::pdf_text::Word;

/// Which field a label names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    Surname,
    Given,
    Number,
    Expiry,
    Birth,
    Issue,
    Signature,
}

/// Labels, folded, per field.
const LABELS: &[(Field, &[&str])] = &[
    (
        Field::Name,
        &[
            "name",
            "full name",
            "holder",
            "name of holder",
            "employee",
            "employee name",
            "intern",
            "contractor",
            "account holder",
            "nom",
            "nom complet",
            "titulaire",
            "titulaire du compte",
            "salarie",
            "stagiaire",
            "mitarbeiter",
            "arbeitnehmer",
            "kontoinhaber",
            "inhaber",
            "praktikant",
        ],
    ),
    (
        Field::Surname,
        &[
            "surname",
            "last name",
            "family name",
            "nachname",
            "familienname",
            "nom de famille",
        ],
    ),
    (
        Field::Given,
        &[
            "given names",
            "given name",
            "first name",
            "forenames",
            "vorname",
            "vornamen",
            "prenom",
            "prenoms",
        ],
    ),
    (
        Field::Number,
        &[
            "document no",
            "document number",
            "passport no",
            "passport number",
            "card no",
            "card number",
            "id no",
            "id number",
            "permit no",
            "permit number",
            "tax id",
            "tax identification number",
            "ausweisnummer",
            "dokumentnummer",
            "passnummer",
            "steuer-id",
            "steueridentifikationsnummer",
            "numero",
            "numero du document",
            "numero fiscal",
            "n du document",
            "iban",
        ],
    ),
    (
        Field::Expiry,
        &[
            "expiry",
            "expiry date",
            "date of expiry",
            "expires",
            "valid until",
            "gultig bis",
            "ablaufdatum",
            "date d'expiration",
            "valable jusqu'au",
            "expire le",
        ],
    ),
    (
        Field::Birth,
        &[
            "date of birth",
            "born",
            "geburtsdatum",
            "geboren am",
            "date de naissance",
            "ne le",
            "nee le",
        ],
    ),
    (
        Field::Issue,
        &[
            "date of issue",
            "issue date",
            "issued",
            "issued on",
            "ausstellungsdatum",
            "ausgestellt am",
            "date de delivrance",
            "delivre le",
        ],
    ),
    (
        Field::Signature,
        &[
            "signature",
            "signed",
            "signed by",
            "employee signature",
            "unterschrift",
            "unterzeichnet",
            "signe",
            "signe par",
            "signature du salarie",
        ],
    ),
];

/// A date read with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DateField {
    pub date: NaiveDate,
    pub evidence: Evidence,
}

/// What was read from a document.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Fields {
    pub name: Option<Evidence>,
    pub document_number: Option<Evidence>,
    pub expiry: Option<DateField>,
    pub birth: Option<DateField>,
    pub issue: Option<DateField>,
    /// The signature line (its value is empty when the line is there but not signed).
    pub signature: Option<Evidence>,
    /// The largest "of N" a page footer declares, with the footer's evidence.
    pub declared_pages: Option<(u32, Evidence)>,
    /// Pages the document has.
    pub pages: u32,
}

/// Reads the fields from a document's lines.
pub fn read(lines: &[Line<'_>], pages: u32) -> Fields {
    let mut fields = Fields {
        pages,
        ..Fields::default()
    };
    let (mut surname, mut given): (Option<Evidence>, Option<Evidence>) = (None, None);
    let footer = page_footer();
    for line in lines {
        let folded = fold(&line.text());
        if let Some(caps) = footer.captures(&folded) {
            if let Ok(total) = caps[1].parse::<u32>() {
                if fields.declared_pages.as_ref().is_none_or(|(n, _)| total > *n) {
                    let evidence = line.evidence(0, line.words.len(), caps[0].to_owned());
                    fields.declared_pages = Some((total, evidence));
                }
            }
        }
        let Some((field, from)) = labelled(line) else {
            continue;
        };
        let value = value_text(line, from);
        let evidence = line.evidence(from, line.words.len(), value.clone());
        match field {
            Field::Name => set_once(&mut fields.name, evidence, &value),
            Field::Surname => set_once(&mut surname, evidence, &value),
            Field::Given => set_once(&mut given, evidence, &value),
            Field::Number => set_once(&mut fields.document_number, evidence, &value),
            Field::Signature => {
                if fields.signature.as_ref().is_none_or(|s| s.value.is_empty()) {
                    fields.signature = Some(evidence);
                }
            }
            Field::Expiry | Field::Birth | Field::Issue => {
                let Some(date) = date_in(line, from) else {
                    continue;
                };
                let slot = match field {
                    Field::Expiry => &mut fields.expiry,
                    Field::Birth => &mut fields.birth,
                    _ => &mut fields.issue,
                };
                if slot.is_none() {
                    *slot = Some(DateField { date, evidence });
                }
            }
        }
    }
    // given names beside a surname (or a "Name" that is the surname, as on German ID cards) make the name
    let surname = match (surname, &given) {
        (None, Some(_)) => fields.name.take(),
        (surname, _) => surname,
    };
    fields.name = match (given, surname) {
        (Some(g), Some(s)) => Some(Evidence {
            value: format!("{} {}", g.value, s.value),
            page: g.page,
            bbox: match (g.bbox, s.bbox) {
                (Some(a), Some(b)) => Some([a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]),
                (a, b) => a.or(b),
            },
        }),
        (g, s) => fields.name.take().or(s).or(g),
    };
    fields
}

fn set_once(slot: &mut Option<Evidence>, evidence: Evidence, value: &str) {
    if slot.is_none() && !value.is_empty() {
        *slot = Some(evidence);
    }
}

fn page_footer() -> Regex {
    // a fixed pattern: compiling it cannot fail
    Regex::new(r"\b(?:page|seite)\s*\d+\s*(?:of|von|sur|/)\s*(\d+)\b").unwrap_or_else(|_| unreachable!())
}

/// The field a line's label names, and the index of the first word after the label's colon.
fn labelled(line: &Line<'_>) -> Option<(Field, usize)> {
    let colon = line.words.iter().position(|w| w.text.contains(':'))?;
    let mut label: Vec<&str> = line.words[..colon].iter().map(|w| w.text.as_str()).collect();
    let head = line.words[colon].text.split(':').next().unwrap_or("");
    label.push(head);
    let label = fold(&label.join(" "));
    let parts: Vec<String> = label
        .split('/')
        .map(|p| {
            p.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .trim_end_matches('.')
                .to_owned()
        })
        .collect();
    let field = parts.iter().find_map(|part| {
        LABELS
            .iter()
            .find(|(_, names)| names.contains(&part.as_str()))
            .map(|(field, _)| *field)
    })?;
    let inline = line.words[colon]
        .text
        .split_once(':')
        .is_some_and(|(_, rest)| !rest.trim().is_empty());
    Some((field, if inline { colon } else { colon + 1 }))
}

/// The value after the label (a value glued to the colon keeps only its part after the colon).
fn value_text(line: &Line<'_>, from: usize) -> String {
    line.words[from.min(line.words.len())..]
        .iter()
        .map(|w| match w.text.split_once(':') {
            Some((_, rest)) => rest,
            None => w.text.as_str(),
        })
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_owned()
}

/// The first date among the words from `from` (numeric dates are read day first, as on European papers;
/// ISO dates are unambiguous).
fn date_in(line: &Line<'_>, from: usize) -> Option<NaiveDate> {
    let words: Vec<Word> = line.words[from.min(line.words.len())..]
        .iter()
        .map(|w| Word {
            text: w
                .text
                .split_once(':')
                .map_or(w.text.as_str(), |(_, rest)| rest)
                .trim_end_matches([',', ';'])
                .to_owned(),
            ..(*w).clone()
        })
        .collect();
    (0..words.len()).find_map(|i| date_at(&words, i, DateOrder::DayFirst).map(|(d, _)| d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::pdf_text::{PageText, PdfText};

    /// A page whose lines are words 20 pt apart, one line every 20 pt.
    fn page(lines: &[&str]) -> PdfText {
        let mut words = Vec::new();
        for (row, line) in lines.iter().enumerate() {
            let y = 800.0 - 20.0 * row as f64;
            for (col, text) in line.split_whitespace().enumerate() {
                let x = 60.0 + 90.0 * col as f64;
                words.push(Word {
                    text: text.to_owned(),
                    bbox: [x, y, x + 80.0, y + 10.0],
                    size: 10.0,
                });
            }
        }
        PdfText {
            pages: vec![PageText {
                number: 1,
                width: 595.0,
                height: 842.0,
                rotation: 0,
                words,
            }],
        }
    }

    #[test]
    fn a_german_id_card_gives_the_full_name_number_and_dates_with_their_boxes() {
        let text = page(&[
            "PERSONALAUSWEIS",
            "Name: MÜLLER",
            "Vornamen: ZOË",
            "Ausweisnummer: L01X00T47",
            "Geburtsdatum: 12.08.1990",
            "Gültig bis: 02.02.2031",
        ]);
        let fields = read(&crate::onboarding::text::lines(&text), 1);
        assert_eq!(fields.name.as_ref().unwrap().value, "ZOË MÜLLER");
        assert_eq!(fields.document_number.unwrap().value, "L01X00T47");
        assert_eq!(fields.birth.unwrap().date.to_string(), "1990-08-12");
        let expiry = fields.expiry.unwrap();
        assert_eq!(expiry.date.to_string(), "2031-02-02");
        assert_eq!(
            (expiry.evidence.page, expiry.evidence.bbox),
            (Some(1), Some([240.0, 700.0, 320.0, 710.0]))
        );
    }

    #[test]
    fn a_french_footer_declares_the_page_count_and_an_empty_signature_is_kept_empty() {
        let text = page(&[
            "CONTRAT DE TRAVAIL",
            "Salarié: Jean Dupont",
            "Signature: ____",
            "Page 1 sur 3",
        ]);
        let fields = read(&crate::onboarding::text::lines(&text), 1);
        assert_eq!(fields.name.unwrap().value, "Jean Dupont");
        assert_eq!(fields.declared_pages.unwrap().0, 3);
        assert_eq!(fields.signature.unwrap().value, "____");
    }
}
