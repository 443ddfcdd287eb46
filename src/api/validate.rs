//! Use case: check one e-invoice file against the EN 16931 business rules (`backdesk validate FILE`),
//! without a data directory: an XML file, or the e-invoice XML embedded in a Factur-X / ZUGFeRD / XRechnung PDF.

use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::formats::pdf_invoice::embedded_invoice_xml;
use crate::formats::xml::decode_utf8;
use crate::formats::{sniff, Format};
use crate::rules::{self, Syntax, Validation};

/// The contract's JSON (contracts/cli.md): `{"syntax", "profile", "fatal": [ids], "warning": [ids]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidationSummary {
    pub syntax: Option<Syntax>,
    pub profile: Option<String>,
    pub fatal: Vec<String>,
    pub warning: Vec<String>,
}

impl From<&Validation> for ValidationSummary {
    fn from(validation: &Validation) -> Self {
        Self {
            syntax: validation.syntax,
            profile: validation.profile.clone(),
            fatal: validation.fatal_ids(),
            warning: validation.warning_ids(),
        }
    }
}

/// Reads, safely parses and validates one e-invoice file. Unreadable, hostile or non-invoice input is an
/// error naming the file (exit 3); rule violations are part of the result, not errors.
pub fn validate_file(path: &Path) -> Result<Validation> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    let unreadable = |reason: String| Error::UnreadableDocument {
        file: path.display().to_string(),
        reason,
    };
    let bytes = match sniff(&bytes) {
        Format::Pdf => match embedded_invoice_xml(&bytes).map_err(|failure| unreadable(failure.message))? {
            Some((_name, xml)) => xml,
            None => return Err(unreadable(
                "this PDF carries no e-invoice XML (factur-x.xml, xrechnung.xml, zugferd-invoice.xml, …): \
                     there are no e-invoice rules to check; `backdesk extract` reads its text instead"
                    .to_owned(),
            )),
        },
        _ => bytes,
    };
    let text = decode_utf8(&bytes).map_err(unreadable)?;
    // the rules' parse: attachment payloads left out, same limits and refusals as `parse_safely`
    let lean = rules::RulesText::new(text);
    let doc = lean.parse().map_err(unreadable)?;
    let validation = rules::validate(&doc);
    if validation.syntax.is_none() {
        let root = doc.root_element().tag_name();
        return Err(unreadable(format!(
            "the root element {{{}}}{} is not a UBL Invoice/CreditNote, a CII CrossIndustryInvoice or a ZUGFeRD 1.0 \
             CrossIndustryDocument, so there are no e-invoice rules to check",
            root.namespace().unwrap_or(""),
            root.name()
        )));
    }
    Ok(validation)
}
