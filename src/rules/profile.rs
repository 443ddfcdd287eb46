//! Which rules apply to a document: its syntax (from the root element) and its specification identifier
//! (BT-24), and whether that profile is EN 16931 (or a CIUS of it) or a profile below the norm.

use super::tree::{Document, Node};
use serde::Serialize;

const UBL_INVOICE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
const UBL_CREDIT_NOTE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
const CII: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
const ZUGFERD_1: &str = "urn:ferd:CrossIndustryDocument:invoice:1p0";

/// The XML syntax of an e-invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Syntax {
    /// UBL 2.1 Invoice or CreditNote.
    Ubl,
    /// UN/CEFACT Cross Industry Invoice D16B (Factur-X, ZUGFeRD 2, XRechnung CII).
    Cii,
    /// ZUGFeRD 1.0 `CrossIndustryDocument`, which predates EN 16931.
    Zugferd1,
}

impl Syntax {
    /// The syntax named by the root element, `None` for anything else.
    pub fn of(doc: &Document<'_>) -> Option<Syntax> {
        let root = doc.root_element().tag_name();
        match (root.namespace(), root.name()) {
            (Some(UBL_INVOICE), "Invoice") | (Some(UBL_CREDIT_NOTE), "CreditNote") => Some(Syntax::Ubl),
            (Some(CII), "CrossIndustryInvoice") => Some(Syntax::Cii),
            (Some(ZUGFERD_1), "CrossIndustryDocument") => Some(Syntax::Zugferd1),
            _ => None,
        }
    }
}

/// Whether the EN 16931 rules were applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Applicability {
    Applied,
    /// Recognised, but the document does not claim EN 16931 conformance; the sentence says why.
    NotApplicable {
        reason: String,
    },
}

/// The specification identifier (BT-24) as written, trimmed; `None` when absent or blank.
pub fn specification_identifier(doc: &Document<'_>, syntax: Syntax) -> Option<String> {
    let root = doc.root_element();
    let path: &[&str] = match syntax {
        Syntax::Ubl => &["CustomizationID"],
        Syntax::Cii => &[
            "ExchangedDocumentContext",
            "GuidelineSpecifiedDocumentContextParameter",
            "ID",
        ],
        Syntax::Zugferd1 => &[
            "SpecifiedExchangedDocumentContext",
            "GuidelineSpecifiedDocumentContextParameter",
            "ID",
        ],
    };
    let node = path.iter().try_fold(root, |node: Node<'_, '_>, name| {
        node.children()
            .find(|c| c.is_element() && c.tag_name().name() == *name)
    })?;
    let text = node.text()?.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// Factur-X / ZUGFeRD 2 profiles that carry less than an EN 16931 invoice.
const BELOW_THE_NORM: [(&str, &str); 4] = [
    ("urn:factur-x.eu:1p0:minimum", "MINIMUM"),
    ("urn:factur-x.eu:1p0:basicwl", "BASIC-WL"),
    ("urn:zugferd.de:2p0:minimum", "MINIMUM"),
    ("urn:zugferd.de:2p0:basicwl", "BASIC-WL"),
];

/// Whether the EN 16931 rules apply: every UBL and CII invoice unless its BT-24 names a profile below the
/// norm; never ZUGFeRD 1.0; never an unknown root element.
pub fn applicability(syntax: Option<Syntax>, profile: Option<&str>) -> Applicability {
    match syntax {
        None => Applicability::NotApplicable {
            reason: "the root element is not a UBL Invoice/CreditNote or a CII CrossIndustryInvoice".to_owned(),
        },
        Some(Syntax::Zugferd1) => Applicability::NotApplicable {
            reason: "ZUGFeRD 1.0 (CrossIndustryDocument) predates EN 16931; its invoices are read but the EN 16931 \
                     rules do not apply"
                .to_owned(),
        },
        Some(Syntax::Ubl | Syntax::Cii) => {
            let below = profile.and_then(|p| {
                let p = p.to_ascii_lowercase();
                BELOW_THE_NORM.iter().find(|(urn, _)| p.starts_with(urn))
            });
            match below {
                Some((urn, name)) => Applicability::NotApplicable {
                    reason: format!(
                        "the profile {urn} (Factur-X/ZUGFeRD {name}) is not an EN 16931 invoice: it lacks required \
                         business terms, so the EN 16931 rules do not apply"
                    ),
                },
                None => Applicability::Applied,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimum_and_basic_wl_are_recognised_as_not_applicable() {
        for profile in ["urn:factur-x.eu:1p0:minimum", "urn:factur-x.eu:1p0:basicwl"] {
            assert!(matches!(
                applicability(Some(Syntax::Cii), Some(profile)),
                Applicability::NotApplicable { .. }
            ));
        }
        for profile in [
            "urn:cen.eu:en16931:2017",
            "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
            "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
        ] {
            assert_eq!(
                applicability(Some(Syntax::Ubl), Some(profile)),
                Applicability::Applied
            );
        }
        assert!(matches!(
            applicability(Some(Syntax::Zugferd1), None),
            Applicability::NotApplicable { .. }
        ));
    }
}
