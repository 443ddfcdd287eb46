//! Reason codes (contracts/reason-codes.md): why an invoice or a document needs a person.

use serde::{Deserialize, Serialize};

/// The stable exception taxonomy. Codes never change meaning; new ones may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum ReasonCode {
    UnreadableDocument,
    NotAnInvoice,
    MissingField,
    LowConfidence,
    EinvoiceRuleViolation,
    ArithmeticMismatch,
    UnknownVendor,
    VendorTaxIdMismatch,
    BankDetailsChanged,
    DuplicateInvoice,
    PossibleDuplicate,
    NoPoReference,
    PoNotFound,
    PoVendorMismatch,
    CurrencyMismatch,
    PriceVariance,
    QuantityExceedsOrdered,
    QuantityExceedsReceived,
    UnmatchedLine,
    TotalVariance,
    /// Added (see CHANGELOG): the invoice number, issue date or gross total printed on a PDF differs from the
    /// e-invoice XML it embeds.
    PdfXmlMismatch,
}

impl ReasonCode {
    /// The code as written in contracts and stored: `UNKNOWN_VENDOR`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnreadableDocument => "UNREADABLE_DOCUMENT",
            Self::NotAnInvoice => "NOT_AN_INVOICE",
            Self::MissingField => "MISSING_FIELD",
            Self::LowConfidence => "LOW_CONFIDENCE",
            Self::EinvoiceRuleViolation => "EINVOICE_RULE_VIOLATION",
            Self::ArithmeticMismatch => "ARITHMETIC_MISMATCH",
            Self::UnknownVendor => "UNKNOWN_VENDOR",
            Self::VendorTaxIdMismatch => "VENDOR_TAX_ID_MISMATCH",
            Self::BankDetailsChanged => "BANK_DETAILS_CHANGED",
            Self::DuplicateInvoice => "DUPLICATE_INVOICE",
            Self::PossibleDuplicate => "POSSIBLE_DUPLICATE",
            Self::NoPoReference => "NO_PO_REFERENCE",
            Self::PoNotFound => "PO_NOT_FOUND",
            Self::PoVendorMismatch => "PO_VENDOR_MISMATCH",
            Self::CurrencyMismatch => "CURRENCY_MISMATCH",
            Self::PriceVariance => "PRICE_VARIANCE",
            Self::QuantityExceedsOrdered => "QUANTITY_EXCEEDS_ORDERED",
            Self::QuantityExceedsReceived => "QUANTITY_EXCEEDS_RECEIVED",
            Self::UnmatchedLine => "UNMATCHED_LINE",
            Self::TotalVariance => "TOTAL_VARIANCE",
            Self::PdfXmlMismatch => "PDF_XML_MISMATCH",
        }
    }
}

/// One reason on an invoice: the code, a sentence naming the evidence, and structured detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub code: ReasonCode,
    pub message: String,
    pub detail: serde_json::Value,
}

impl Reason {
    /// A reason with its sentence and structured detail.
    pub fn new(code: ReasonCode, message: impl Into<String>, detail: serde_json::Value) -> Self {
        Self {
            code,
            message: message.into(),
            detail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialised_code_matches_its_text_form() {
        let json = serde_json::to_value(ReasonCode::QuantityExceedsReceived).unwrap();
        assert_eq!(json, ReasonCode::QuantityExceedsReceived.as_str());
        let back: ReasonCode = serde_json::from_value(serde_json::json!("EINVOICE_RULE_VIOLATION")).unwrap();
        assert_eq!(back, ReasonCode::EinvoiceRuleViolation);
    }
}
