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
    let text = decode_utf8(bytes)?;
    // one parse for the reader and the rules: the rules' tree with attachment payloads cut
    // (`rules::RulesText`; the readers take an attachment's attributes, never its content), with the
    // limits, refusals and messages of `parse_safely`
    let lean = rules::RulesText::new(text);
    let doc = lean.parse()?;
    let invoice = match format {
        Format::Cii => cii::read_tree(&doc)?,
        Format::Zugferd1 => zugferd1::read_tree(&doc)?,
        _ => ubl::read_tree(&doc)?,
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
