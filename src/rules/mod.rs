//! EN 16931 business rules with the official verdicts: the CEN validation artefacts (release 1.3.16,
//! vendored in `assets/en16931/`) run by our own Schematron engine ([`schematron`] over [`xpath`]).
//!
//! [`validate`] decides the syntax (UBL/CII) and the profile (BT-24), whether the EN 16931 rules apply
//! (EN 16931 and its CIUSes: yes; Factur-X MINIMUM/BASIC-WL and ZUGFeRD 1.0: recognised, not applicable),
//! and lists the fatal and warning violations with the official ids and messages.

pub mod arithmetic;
mod candidates;
mod context;
pub mod lean_parse;
pub mod profile;
pub mod schematron;
pub mod tree;
pub mod xpath;
pub mod xrechnung;

use std::sync::OnceLock;

use serde::Serialize;
use serde_json::json;

use crate::model::{Reason, ReasonCode};
pub use lean_parse::RulesText;
pub use profile::{Applicability, Syntax};
pub use schematron::{Fired, Flag, Schema};
use xpath::index::DocIndex;

pub(crate) const UBL_SCHEMATRON: &str =
    include_str!("../../assets/en16931/EN16931-UBL-validation-preprocessed.sch");
const CII_SCHEMATRON: &str = include_str!("../../assets/en16931/EN16931-CII-validation-preprocessed.sch");

/// One rule that fired.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    /// The official rule id (`BR-CO-10`).
    pub id: String,
    pub flag: Flag,
    /// The official message text.
    pub message: String,
    /// Where in the document (an XPath to the element the rule was checked on).
    pub location: String,
}

/// The verdict on one e-invoice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Validation {
    pub syntax: Option<Syntax>,
    /// The specification identifier (BT-24) as written in the document.
    pub profile: Option<String>,
    pub applicability: Applicability,
    pub fatal: Vec<Violation>,
    pub warning: Vec<Violation>,
}

/// The compiled official rules for one syntax, loaded once.
pub fn official_schema(syntax: Syntax) -> Option<&'static Schema> {
    static UBL: OnceLock<Schema> = OnceLock::new();
    static CII: OnceLock<Schema> = OnceLock::new();
    let (cell, source, text) = match syntax {
        Syntax::Ubl => (
            &UBL,
            "assets/en16931/EN16931-UBL-validation-preprocessed.sch",
            UBL_SCHEMATRON,
        ),
        Syntax::Cii => (
            &CII,
            "assets/en16931/EN16931-CII-validation-preprocessed.sch",
            CII_SCHEMATRON,
        ),
        Syntax::Zugferd1 => return None,
    };
    // the vendored artefacts are part of the build; a failure here is a build defect the unit tests catch
    Some(cell.get_or_init(|| {
        Schema::load(source, text).unwrap_or_else(|e| panic!("the vendored EN 16931 rules do not load: {e}"))
    }))
}

/// Compiles the official rules now (about 10 ms in a release build, far more in a debug one) so the first
/// document read does not pay for it: intake calls this before it resumes interrupted work, where a slow
/// first document would look like one that stops the app.
pub fn warm_up() {
    let _ = official_schema(Syntax::Ubl);
    let _ = official_schema(Syntax::Cii);
    let _ = xrechnung::schema(Syntax::Ubl);
    let _ = xrechnung::schema(Syntax::Cii);
}

/// A parsed e-invoice the rules can read: the rules' own tree ([`tree::Document`], what [`RulesText::parse`]
/// gives), or a `roxmltree` document, which is copied into one first (for callers that already hold one).
pub trait RulesInput {
    /// Calls `f` with the document as the rules' tree.
    fn with_tree<R>(&self, f: impl FnOnce(&tree::Document<'_>) -> R) -> R;
}

impl RulesInput for tree::Document<'_> {
    fn with_tree<R>(&self, f: impl FnOnce(&tree::Document<'_>) -> R) -> R {
        f(self)
    }
}

impl RulesInput for roxmltree::Document<'_> {
    fn with_tree<R>(&self, f: impl FnOnce(&tree::Document<'_>) -> R) -> R {
        f(&tree::Document::from_roxmltree(self))
    }
}

/// Checks an e-invoice against the EN 16931 rules when they apply to its profile.
pub fn validate(doc: &impl RulesInput) -> Validation {
    doc.with_tree(validate_tree)
}

fn validate_tree(doc: &tree::Document<'_>) -> Validation {
    let syntax = Syntax::of(doc);
    let profile = syntax.and_then(|s| profile::specification_identifier(doc, s));
    let applicability = profile::applicability(syntax, profile.as_deref());
    let mut validation = Validation {
        syntax,
        profile,
        applicability,
        fatal: Vec::new(),
        warning: Vec::new(),
    };
    if validation.applicability == Applicability::Applied {
        // one index of the document for both rule sets
        let index = DocIndex::new(doc);
        if let Some(fired) = run_official_rules_indexed(doc, &index) {
            validation.add(fired);
        }
        // the XRechnung CIUS rules (BR-DE-*, BR-DEX-*) after the EN 16931 ones, for XRechnung documents
        xrechnung::check(doc, &index, &mut validation);
    }
    validation
}

/// Runs the official EN 16931 rules whatever the profile says (the reference validator does this); `None`
/// when the root element is neither UBL nor CII.
pub fn run_official_rules(doc: &impl RulesInput) -> Option<Vec<Fired>> {
    doc.with_tree(|doc| run_official_rules_indexed(doc, &DocIndex::new(doc)))
}

/// [`run_official_rules`] with the document's index already built ([`DocIndex::new`] of `doc`).
fn run_official_rules_indexed<'a, 'i>(
    doc: &'a tree::Document<'i>,
    index: &DocIndex<'a, 'i>,
) -> Option<Vec<Fired>> {
    let schema = official_schema(Syntax::of(doc)?)?;
    Some(schema.run_indexed(doc, index))
}

impl Validation {
    fn add(&mut self, fired: Vec<Fired>) {
        for f in fired {
            let message = match &f.error {
                Some(error) => format!(
                    "{} (the rule could not be evaluated on this document: {error})",
                    f.message
                ),
                None => f.message,
            };
            let violation = Violation {
                id: f.id,
                flag: f.flag,
                message,
                location: f.location,
            };
            match f.flag {
                Flag::Fatal => self.fatal.push(violation),
                Flag::Warning => self.warning.push(violation),
            }
        }
    }

    /// Distinct rule ids of the fatal violations, sorted.
    pub fn fatal_ids(&self) -> Vec<String> {
        distinct_ids(&self.fatal)
    }

    /// Distinct rule ids of the warnings, sorted.
    pub fn warning_ids(&self) -> Vec<String> {
        distinct_ids(&self.warning)
    }

    /// `EINVOICE_RULE_VIOLATION` when fatal rules fired: a sentence with every rule id and its official
    /// message, and the violations as structured detail. Warnings never block.
    pub fn fatal_reason(&self) -> Option<Reason> {
        if self.fatal.is_empty() {
            return None;
        }
        let mut seen = std::collections::BTreeMap::new();
        for v in &self.fatal {
            seen.entry(v.id.as_str()).or_insert(v.message.as_str());
        }
        let listed: Vec<String> = seen
            .iter()
            .map(|(id, message)| format!("{id}: {message}"))
            .collect();
        let xrechnung = seen.keys().any(|id| xrechnung::is_xrechnung_rule(id));
        let message = format!(
            "The e-invoice breaks {} {} business rule{}: {}",
            seen.len(),
            if xrechnung {
                "EN 16931 / XRechnung"
            } else {
                "EN 16931"
            },
            if seen.len() == 1 { "" } else { "s" },
            listed.join("; ")
        );
        let detail = json!({
            "syntax": self.syntax,
            "profile": self.profile,
            "rules": self.fatal,
        });
        Some(Reason::new(ReasonCode::EinvoiceRuleViolation, message, detail))
    }
}

fn distinct_ids(violations: &[Violation]) -> Vec<String> {
    let mut ids: Vec<String> = violations.iter().map(|v| v.id.clone()).collect();
    ids.sort();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendored_artefacts_load_with_every_check() {
        // counted in the .sch files: 979 UBL asserts, 806 CII asserts
        assert_eq!(official_schema(Syntax::Ubl).map(Schema::check_count), Some(979));
        assert_eq!(official_schema(Syntax::Cii).map(Schema::check_count), Some(806));
    }

    #[test]
    fn a_fatal_violation_becomes_a_reason_naming_rule_and_message() {
        let xml = r#"<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
            xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
            <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID></Invoice>"#;
        let doc = tree::Document::parse(xml).unwrap();
        let validation = validate(&doc);
        assert_eq!(validation.syntax, Some(Syntax::Ubl));
        assert!(validation.fatal_ids().contains(&"BR-02".to_owned()));
        let reason = validation.fatal_reason().unwrap();
        assert_eq!(reason.code, ReasonCode::EinvoiceRuleViolation);
        assert!(reason
            .message
            .contains("BR-02: [BR-02]-An Invoice shall have an Invoice number (BT-1)."));
        assert!(reason.detail["rules"].as_array().is_some_and(|r| !r.is_empty()));
    }

    #[test]
    fn an_xrechnung_document_is_indexed_once_for_both_rule_sets() {
        let xml = r#"<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
            xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
            <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0</cbc:CustomizationID>
            </Invoice>"#;
        let doc = tree::Document::parse(xml).unwrap();
        xpath::index::BUILDS.with(|builds| builds.set(0));
        let validation = validate(&doc);
        // both rule sets ran: an EN 16931 rule (no invoice number) and an XRechnung one (no buyer reference)
        let fatal = validation.fatal_ids();
        assert!(fatal.contains(&"BR-02".to_owned()), "{fatal:?}");
        assert!(
            fatal.iter().any(|id| xrechnung::is_xrechnung_rule(id)),
            "{fatal:?}"
        );
        assert_eq!(xpath::index::BUILDS.with(std::cell::Cell::get), 1);
    }
}
