//! The canonical invoice: the EN 16931 semantic model (BT-/BG- terms in the doc comments).
//!
//! Every reader (UBL, CII, Factur-X, PDF text, OCR) maps into this one type, so that rules, decisions and
//! the UI never care where an invoice came from. Amounts are in the invoice currency (BT-5) unless a field
//! says otherwise.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::money::Currency;

/// BT-3: what kind of commercial document this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    /// UNTDID 1001 codes such as 380 (commercial invoice), 383, 384, 389, 751.
    Invoice,
    /// UNTDID 1001 code 381 (and 261, 262, 296, 308, 396, 420, 458, 532): reduces what is owed.
    CreditNote,
}

impl DocumentType {
    /// Classifies an UNTDID 1001 type code (BT-3).
    pub fn from_type_code(code: &str) -> Self {
        match code.trim() {
            "81" | "83" | "261" | "262" | "296" | "308" | "381" | "396" | "420" | "458" | "532" => {
                Self::CreditNote
            }
            _ => Self::Invoice,
        }
    }
}

/// BG-1 / BT-21..22: a free-text note with an optional subject code.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Note {
    /// BT-21 invoice note subject code.
    pub subject_code: Option<String>,
    /// BT-22 invoice note.
    pub text: String,
}

/// BG-5 / BG-8 / BG-12 / BG-15: a postal address.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PostalAddress {
    /// BT-35 / BT-50 / BT-64 / BT-75 address line 1.
    pub line1: Option<String>,
    /// BT-36 / BT-51 / BT-65 / BT-76 address line 2.
    pub line2: Option<String>,
    /// BT-162 / BT-163 / BT-164 / BT-165 address line 3.
    pub line3: Option<String>,
    /// BT-37 / BT-52 / BT-66 / BT-77 city.
    pub city: Option<String>,
    /// BT-38 / BT-53 / BT-67 / BT-78 post code.
    pub post_code: Option<String>,
    /// BT-39 / BT-54 / BT-68 / BT-79 country subdivision.
    pub subdivision: Option<String>,
    /// BT-40 / BT-55 / BT-69 / BT-80 country code (ISO 3166-1 alpha-2).
    pub country_code: Option<String>,
}

/// An identifier with its optional scheme (ISO 6523 ICD, EAS, …).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SchemedId {
    pub id: String,
    pub scheme: Option<String>,
}

/// BG-6 / BG-9: a contact point.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Contact {
    /// BT-41 / BT-56 contact point.
    pub name: Option<String>,
    /// BT-42 / BT-57 telephone.
    pub telephone: Option<String>,
    /// BT-43 / BT-58 e-mail.
    pub email: Option<String>,
}

/// BG-4 seller / BG-7 buyer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Party {
    /// BT-27 / BT-44 legal or registered name.
    pub name: Option<String>,
    /// BT-28 / BT-45 trading name.
    pub trading_name: Option<String>,
    /// BT-29 / BT-46 party identifiers.
    pub identifiers: Vec<SchemedId>,
    /// BT-30 / BT-47 legal registration identifier.
    pub legal_registration_id: Option<SchemedId>,
    /// BT-31 / BT-48 VAT identifier (with country prefix).
    pub vat_id: Option<String>,
    /// BT-32 seller tax registration identifier (local, non-VAT).
    pub tax_registration_id: Option<String>,
    /// BT-33 seller additional legal information.
    pub additional_legal_info: Option<String>,
    /// BT-34 / BT-49 electronic address.
    pub electronic_address: Option<SchemedId>,
    /// BG-5 / BG-8 postal address.
    pub address: PostalAddress,
    /// BG-6 / BG-9 contact.
    pub contact: Option<Contact>,
}

/// BG-10 payee, when different from the seller.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Payee {
    /// BT-59 payee name.
    pub name: String,
    /// BT-60 payee identifier.
    pub identifier: Option<SchemedId>,
    /// BT-61 payee legal registration identifier.
    pub legal_registration_id: Option<SchemedId>,
}

/// BG-11 seller tax representative party.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TaxRepresentative {
    /// BT-62 name.
    pub name: String,
    /// BT-63 VAT identifier.
    pub vat_id: Option<String>,
    /// BG-12 address.
    pub address: PostalAddress,
}

/// BG-13 delivery information.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Delivery {
    /// BT-70 deliver-to party name.
    pub party_name: Option<String>,
    /// BT-71 deliver-to location identifier.
    pub location_id: Option<SchemedId>,
    /// BT-72 actual delivery date.
    pub date: Option<NaiveDate>,
    /// BG-15 deliver-to address.
    pub address: Option<PostalAddress>,
}

/// BG-14 / BG-26 an invoicing period.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Period {
    /// BT-73 / BT-134 start date.
    pub start: Option<NaiveDate>,
    /// BT-74 / BT-135 end date.
    pub end: Option<NaiveDate>,
}

/// BG-17 credit transfer account.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CreditTransfer {
    /// BT-84 payment account identifier (IBAN or other account number), upper case without spaces.
    pub account_id: String,
    /// BT-85 payment account name.
    pub account_name: Option<String>,
    /// BT-86 payment service provider identifier (BIC).
    pub provider_id: Option<String>,
}

/// BG-16 payment instructions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PaymentInstructions {
    /// BT-81 payment means type code (UNTDID 4461), e.g. 58 SEPA credit transfer.
    pub means_code: Option<String>,
    /// BT-82 payment means text.
    pub means_text: Option<String>,
    /// BT-83 remittance information.
    pub remittance_info: Option<String>,
    /// BG-17 credit transfers (one or more accounts).
    pub credit_transfers: Vec<CreditTransfer>,
    /// BG-18 payment card: BT-87 primary account number (last digits only).
    pub card_account: Option<String>,
    /// BG-18 payment card: BT-88 card holder name.
    pub card_holder_name: Option<String>,
    /// BG-19 direct debit: BT-89 mandate reference.
    pub mandate_reference: Option<String>,
    /// BG-19 direct debit: BT-90 bank assigned creditor identifier.
    pub creditor_id: Option<String>,
    /// BG-19 direct debit: BT-91 debited account identifier.
    pub debited_account: Option<String>,
}

/// BG-20 document level allowance / BG-21 document level charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowanceCharge {
    /// `true` for a charge (BG-21), `false` for an allowance (BG-20).
    pub is_charge: bool,
    /// BT-92 / BT-99 amount (without VAT).
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// BT-93 / BT-100 base amount.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub base_amount: Option<Decimal>,
    /// BT-94 / BT-101 percentage.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub percentage: Option<Decimal>,
    /// BT-95 / BT-102 VAT category code.
    pub vat_category: Option<String>,
    /// BT-96 / BT-103 VAT rate.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub vat_rate: Option<Decimal>,
    /// BT-97 / BT-104 reason.
    pub reason: Option<String>,
    /// BT-98 / BT-105 reason code.
    pub reason_code: Option<String>,
}

/// BG-22 document totals.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Totals {
    /// BT-106 sum of invoice line net amounts.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub line_net_total: Option<Decimal>,
    /// BT-107 sum of allowances on document level.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub allowance_total: Option<Decimal>,
    /// BT-108 sum of charges on document level.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub charge_total: Option<Decimal>,
    /// BT-109 invoice total amount without VAT.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub tax_exclusive: Option<Decimal>,
    /// BT-110 invoice total VAT amount (in the invoice currency).
    #[serde(with = "rust_decimal::serde::str_option")]
    pub tax_total: Option<Decimal>,
    /// BT-111 invoice total VAT amount in the accounting currency (BT-6).
    #[serde(with = "rust_decimal::serde::str_option")]
    pub tax_total_accounting: Option<Decimal>,
    /// BT-112 invoice total amount with VAT.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub tax_inclusive: Option<Decimal>,
    /// BT-113 paid amount.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub prepaid: Option<Decimal>,
    /// BT-114 rounding amount.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub rounding: Option<Decimal>,
    /// BT-115 amount due for payment.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub amount_due: Option<Decimal>,
}

/// BG-23 VAT breakdown, one per category and rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatBreakdown {
    /// BT-116 VAT category taxable amount.
    #[serde(with = "rust_decimal::serde::str")]
    pub taxable_amount: Decimal,
    /// BT-117 VAT category tax amount.
    #[serde(with = "rust_decimal::serde::str")]
    pub tax_amount: Decimal,
    /// BT-118 VAT category code (UNCL 5305: S, Z, E, AE, K, G, O, L, M).
    pub category: String,
    /// BT-119 VAT category rate (percent).
    #[serde(with = "rust_decimal::serde::str_option")]
    pub rate: Option<Decimal>,
    /// BT-120 VAT exemption reason text.
    pub exemption_reason: Option<String>,
    /// BT-121 VAT exemption reason code.
    pub exemption_reason_code: Option<String>,
}

/// BG-24 an additional supporting document (attachment or reference).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SupportingDocument {
    /// BT-122 reference.
    pub reference: String,
    /// BT-123 description.
    pub description: Option<String>,
    /// BT-124 external location (URL).
    pub external_uri: Option<String>,
    /// BT-125 attached document: its MIME code and file name (the bytes stay in the archived original).
    pub attachment_mime: Option<String>,
    pub attachment_filename: Option<String>,
}

/// BG-27 line allowance / BG-28 line charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAllowanceCharge {
    pub is_charge: bool,
    /// BT-136 / BT-141 amount.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// BT-137 / BT-142 base amount.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub base_amount: Option<Decimal>,
    /// BT-138 / BT-143 percentage.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub percentage: Option<Decimal>,
    /// BT-139 / BT-144 reason.
    pub reason: Option<String>,
    /// BT-140 / BT-145 reason code.
    pub reason_code: Option<String>,
}

/// BT-158 an item classification code with its scheme (BT-158-1) and scheme version (BT-158-2).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ItemClassification {
    pub code: String,
    pub list_id: Option<String>,
    pub list_version: Option<String>,
}

/// BG-32 an item attribute: BT-160 name and BT-161 value.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ItemAttribute {
    pub name: String,
    pub value: String,
}

/// BG-25 an invoice line.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// BT-126 line identifier.
    pub id: String,
    /// BT-127 line note.
    pub note: Option<String>,
    /// BT-128 line object identifier.
    pub object_id: Option<SchemedId>,
    /// BT-129 invoiced quantity.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub quantity: Option<Decimal>,
    /// BT-130 unit of measure code (UN/ECE Rec 20/21).
    pub unit_code: Option<String>,
    /// BT-131 line net amount.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub net_amount: Option<Decimal>,
    /// BT-132 referenced purchase order line.
    pub order_line_reference: Option<String>,
    /// BT-133 buyer accounting reference.
    pub accounting_reference: Option<String>,
    /// BG-26 line period.
    pub period: Option<Period>,
    /// BG-27 / BG-28 line allowances and charges.
    pub allowance_charges: Vec<LineAllowanceCharge>,
    /// BT-146 item net price.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub net_price: Option<Decimal>,
    /// BT-147 item price discount.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub price_discount: Option<Decimal>,
    /// BT-148 item gross price.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub gross_price: Option<Decimal>,
    /// BT-149 item price base quantity.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub price_base_quantity: Option<Decimal>,
    /// BT-151 invoiced item VAT category code.
    pub vat_category: Option<String>,
    /// BT-152 invoiced item VAT rate.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub vat_rate: Option<Decimal>,
    /// BT-153 item name.
    pub item_name: Option<String>,
    /// BT-154 item description.
    pub item_description: Option<String>,
    /// BT-155 item seller's identifier.
    pub seller_item_id: Option<String>,
    /// BT-156 item buyer's identifier.
    pub buyer_item_id: Option<String>,
    /// BT-157 item standard identifier (e.g. GTIN).
    pub standard_item_id: Option<SchemedId>,
    /// BT-158 item classification identifiers.
    pub item_classifications: Vec<ItemClassification>,
    /// BT-159 item country of origin.
    pub origin_country: Option<String>,
    /// BG-32 item attributes.
    pub item_attributes: Vec<ItemAttribute>,
}

/// The canonical invoice (EN 16931: BT-1 .. BT-165, BG-1 .. BG-32).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    /// BT-1 invoice number.
    pub number: Option<String>,
    /// BT-2 issue date.
    pub issue_date: Option<NaiveDate>,
    /// BT-3 invoice type code (UNTDID 1001), e.g. `380`, `381`.
    pub type_code: Option<String>,
    /// BT-3 classified.
    pub document_type: DocumentType,
    /// BT-5 invoice currency.
    pub currency: Option<Currency>,
    /// BT-6 VAT accounting currency.
    pub tax_currency: Option<Currency>,
    /// BT-7 value-added tax point date.
    pub tax_point_date: Option<NaiveDate>,
    /// BT-8 value-added tax point date code.
    pub tax_point_date_code: Option<String>,
    /// BT-9 payment due date.
    pub due_date: Option<NaiveDate>,
    /// BT-10 buyer reference (Leitweg-ID in XRechnung).
    pub buyer_reference: Option<String>,
    /// BT-11 project reference.
    pub project_reference: Option<String>,
    /// BT-12 contract reference.
    pub contract_reference: Option<String>,
    /// BT-13 purchase order reference.
    pub purchase_order_reference: Option<String>,
    /// BT-14 sales order reference.
    pub sales_order_reference: Option<String>,
    /// BT-15 receiving advice reference.
    pub receiving_advice_reference: Option<String>,
    /// BT-16 despatch advice reference.
    pub despatch_advice_reference: Option<String>,
    /// BT-17 tender or lot reference.
    pub tender_reference: Option<String>,
    /// BT-18 invoiced object identifier.
    pub invoiced_object_id: Option<SchemedId>,
    /// BT-19 buyer accounting reference.
    pub buyer_accounting_reference: Option<String>,
    /// BT-20 payment terms.
    pub payment_terms: Option<String>,
    /// BG-1 invoice notes.
    pub notes: Vec<Note>,
    /// BT-23 business process type.
    pub business_process: Option<String>,
    /// BT-24 specification identifier (the profile / CIUS guideline the document claims).
    pub specification_id: Option<String>,
    /// BG-3 preceding invoice references: BT-25 number and BT-26 issue date.
    pub preceding_invoices: Vec<(String, Option<NaiveDate>)>,
    /// BG-4 seller.
    pub seller: Party,
    /// BG-7 buyer.
    pub buyer: Party,
    /// BG-10 payee.
    pub payee: Option<Payee>,
    /// BG-11 seller tax representative.
    pub tax_representative: Option<TaxRepresentative>,
    /// BG-13 delivery information.
    pub delivery: Option<Delivery>,
    /// BG-14 invoicing period.
    pub period: Option<Period>,
    /// BG-16 payment instructions.
    pub payment: Option<PaymentInstructions>,
    /// BG-20 / BG-21 document level allowances and charges.
    pub allowance_charges: Vec<AllowanceCharge>,
    /// BG-22 totals.
    pub totals: Totals,
    /// BG-23 VAT breakdown.
    pub vat_breakdown: Vec<VatBreakdown>,
    /// BG-24 additional supporting documents.
    pub supporting_documents: Vec<SupportingDocument>,
    /// BG-25 lines.
    pub lines: Vec<InvoiceLine>,
}

impl Invoice {
    /// An empty invoice of the given kind; readers fill in what the document states.
    pub fn empty(document_type: DocumentType) -> Self {
        Self {
            number: None,
            issue_date: None,
            type_code: None,
            document_type,
            currency: None,
            tax_currency: None,
            tax_point_date: None,
            tax_point_date_code: None,
            due_date: None,
            buyer_reference: None,
            project_reference: None,
            contract_reference: None,
            purchase_order_reference: None,
            sales_order_reference: None,
            receiving_advice_reference: None,
            despatch_advice_reference: None,
            tender_reference: None,
            invoiced_object_id: None,
            buyer_accounting_reference: None,
            payment_terms: None,
            notes: Vec::new(),
            business_process: None,
            specification_id: None,
            preceding_invoices: Vec::new(),
            seller: Party::default(),
            buyer: Party::default(),
            payee: None,
            tax_representative: None,
            delivery: None,
            period: None,
            payment: None,
            allowance_charges: Vec::new(),
            totals: Totals::default(),
            vat_breakdown: Vec::new(),
            supporting_documents: Vec::new(),
            lines: Vec::new(),
        }
    }

    /// The first credit-transfer account the seller asks to be paid into (BT-84), if any.
    pub fn payee_account(&self) -> Option<&str> {
        self.payment
            .as_ref()?
            .credit_transfers
            .first()
            .map(|t| t.account_id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_note_type_codes_are_recognised() {
        assert_eq!(DocumentType::from_type_code("381"), DocumentType::CreditNote);
        assert_eq!(DocumentType::from_type_code(" 380 "), DocumentType::Invoice);
        assert_eq!(
            DocumentType::from_type_code("384"),
            DocumentType::Invoice,
            "384 corrects, not credits"
        );
    }

    #[test]
    fn invoice_round_trips_through_json_with_amounts_as_text() {
        let mut invoice = Invoice::empty(DocumentType::Invoice);
        invoice.totals.tax_inclusive = Some(Decimal::new(147160, 2));
        let json = serde_json::to_value(&invoice).unwrap();
        assert_eq!(
            json["totals"]["tax_inclusive"], "1471.60",
            "amounts travel as decimal strings"
        );
        let back: Invoice = serde_json::from_value(json).unwrap();
        assert_eq!(back, invoice);
    }
}
