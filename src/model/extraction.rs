//! The extraction result (contracts/extraction.md): each field's normalised value with its confidence and
//! where it was read from.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::invoice::{DocumentType, Invoice};
use super::money::decimal_text;
use super::reason::Reason;

/// How a document's fields were obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExtractionMethod {
    /// XML embedded in a PDF (Factur-X / ZUGFeRD / XRechnung).
    EmbeddedXml,
    /// A UBL 2.1 Invoice or CreditNote.
    Ubl,
    /// A UN/CEFACT Cross Industry Invoice.
    Cii,
    /// The text layer of a PDF.
    PdfText,
    /// Optical character recognition of an image or image-only PDF.
    Ocr,
}

impl ExtractionMethod {
    /// The method as written in the contract and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EmbeddedXml => "embedded-xml",
            Self::Ubl => "ubl",
            Self::Cii => "cii",
            Self::PdfText => "pdf-text",
            Self::Ocr => "ocr",
        }
    }
}

/// One field's value, confidence and provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldValue {
    /// Normalised: dates `YYYY-MM-DD`, amounts plain decimals, ids upper case without spaces.
    pub value: String,
    /// In [0, 1], calibrated.
    pub confidence: f64,
    /// 1-based page, for fields read from a page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// `[x0, y0, x1, y1]` in PDF points from the page's bottom-left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[f64; 4]>,
}

impl FieldValue {
    /// A value stated by structured data (XML): certain, with no place on a page.
    pub fn stated(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            confidence: 1.0,
            page: None,
            bbox: None,
        }
    }
}

/// One invoice found in a document, with per-field provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    pub source: String,
    pub method: ExtractionMethod,
    pub document_type: DocumentType,
    pub fields: BTreeMap<String, FieldValue>,
    pub lines: Vec<BTreeMap<String, FieldValue>>,
    /// The canonical invoice these fields describe.
    #[serde(skip)]
    pub invoice: Option<Invoice>,
    /// Blocking problems found while reading the document itself (an e-invoice breaking EN 16931 business
    /// rules): the decision adds them to its own reasons.
    #[serde(skip)]
    pub findings: Vec<Reason>,
    /// Non-blocking remarks found while reading (EN 16931 warnings as `ID: message`), shown with the invoice.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// The fields that must be present (and confident) before an invoice can be paid (reason `MISSING_FIELD`).
pub const REQUIRED_FIELDS: &[&str] = &["invoice_number", "issue_date", "currency", "total_gross"];

impl Extraction {
    /// Lists the contract fields of a canonical invoice read from structured data: every value certain.
    pub fn from_structured(source: impl Into<String>, method: ExtractionMethod, invoice: Invoice) -> Self {
        let mut fields = BTreeMap::new();
        let mut put = |name: &str, value: Option<String>| {
            if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
                fields.insert(name.to_owned(), FieldValue::stated(value));
            }
        };
        put("invoice_number", invoice.number.clone());
        put("type_code", invoice.type_code.clone());
        put("issue_date", invoice.issue_date.map(|d| d.to_string()));
        put("due_date", invoice.due_date.map(|d| d.to_string()));
        put("currency", invoice.currency.as_ref().map(|c| c.code().to_owned()));
        put("seller_name", invoice.seller.name.clone());
        put("seller_vat_id", invoice.seller.vat_id.clone());
        put("buyer_name", invoice.buyer.name.clone());
        put("buyer_reference", invoice.buyer_reference.clone());
        put(
            "purchase_order_reference",
            invoice.purchase_order_reference.clone(),
        );
        put("iban", invoice.payee_account().map(str::to_owned));
        put(
            "total_net",
            invoice.totals.tax_exclusive.as_ref().map(decimal_text),
        );
        put("total_tax", invoice.totals.tax_total.as_ref().map(decimal_text));
        put(
            "total_gross",
            invoice.totals.tax_inclusive.as_ref().map(decimal_text),
        );
        put("amount_due", invoice.totals.amount_due.as_ref().map(decimal_text));

        let lines = invoice
            .lines
            .iter()
            .map(|line| {
                let mut out = BTreeMap::new();
                let description = line.item_name.clone().or_else(|| line.item_description.clone());
                for (name, value) in [
                    ("description", description),
                    ("quantity", line.quantity.as_ref().map(decimal_text)),
                    ("unit_price", line.net_price.as_ref().map(decimal_text)),
                    ("net_amount", line.net_amount.as_ref().map(decimal_text)),
                ] {
                    if let Some(value) = value {
                        out.insert(name.to_owned(), FieldValue::stated(value));
                    }
                }
                out
            })
            .collect();

        Self {
            source: source.into(),
            method,
            document_type: invoice.document_type,
            fields,
            lines,
            invoice: Some(invoice),
            findings: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// An invoice whose fields are not read (yet): a text PDF before the visual extraction exists. It has no
    /// fields, so the decisions raise `MISSING_FIELD` and a person enters it.
    pub fn unread(source: impl Into<String>, method: ExtractionMethod) -> Self {
        Self {
            source: source.into(),
            method,
            document_type: DocumentType::Invoice,
            fields: BTreeMap::new(),
            lines: Vec::new(),
            invoice: Some(Invoice::empty(DocumentType::Invoice)),
            findings: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The lowest confidence among the required fields that are present (1.0 when all are certain).
    pub fn required_confidence(&self) -> f64 {
        REQUIRED_FIELDS
            .iter()
            .filter_map(|name| self.fields.get(*name))
            .map(|f| f.confidence)
            .fold(1.0, f64::min)
    }
}
