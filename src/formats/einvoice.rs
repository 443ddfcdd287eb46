//! A structured e-invoice (UBL, CII or ZUGFeRD 1.0 XML, on its own or embedded in a PDF) read into an
//! extraction and checked against the EN 16931 business rules in the same step: fatal rule violations
//! travel with the extraction as a finding (`EINVOICE_RULE_VIOLATION`) that the decision adds to its
//! reasons; warnings travel as remarks that are shown, never blocking.

use super::xml::decode_utf8;
use super::{cii, ubl, zugferd1, Format};
use crate::model::extraction::{Extraction, ExtractionMethod};
use crate::rules;

/// Reads the XML bytes of an e-invoice of `format` (UBL, CII or ZUGFeRD 1.0) and checks its rules.
/// `method` says where the XML came from (`ubl`, `cii`, `embedded-xml`). The error is the problem with the
/// XML, as a sentence fragment for the caller to wrap.
pub fn read_checked(
    source: &str,
    format: &Format,
    method: ExtractionMethod,
    bytes: &[u8],
) -> Result<Extraction, String> {
    let map = |bytes: &[u8]| match format {
        Format::Cii => cii::read(bytes),
        Format::Zugferd1 => zugferd1::read(bytes),
        _ => ubl::read(bytes),
    };
    let text = decode_utf8(bytes)?;
    // the rules' parse leaves out attachment payloads (`rules::RulesText`), with the limits, refusals and
    // messages of the readers' own parse
    let lean = rules::RulesText::new(text);
    let doc = lean.parse()?;
    // the readers take no attachment's content, only its attributes: they read the text without the
    // payloads the rules' parse cut (base64 was most of an e-invoice's bytes); should that fail, the whole
    // text gives the error as it always did
    let invoice = match doc.text_without_payloads() {
        std::borrow::Cow::Owned(without) => map(without.as_bytes()).or_else(|_| map(bytes))?,
        std::borrow::Cow::Borrowed(_) => map(bytes)?,
    };
    let mut extraction = Extraction::from_structured(source, method, invoice);
    let validation = rules::validate(&doc);
    extraction.findings.extend(validation.fatal_reason());
    extraction.warnings = validation
        .warning
        .iter()
        .map(|warning| format!("{}: {}", warning.id, warning.message))
        .collect();
    Ok(extraction)
}
