//! UN/CEFACT CII D16B (incl. Factur-X / ZUGFeRD 2.x profiles and XRechnung CII) → canonical EN 16931 invoice.
//!
//! The mapping follows the EN 16931-3-3 CII syntax binding. Elements are found by local name. Where CII
//! says things differently from UBL, the canonical value is the syntax-neutral EN 16931 one:
//! - Dates are `udt:DateTimeString` / `udt:DateString` / `qdt:DateTimeString` with a `format` attribute;
//!   EN 16931 allows only 102 (`YYYYMMDD`). 610 (a month) and 616 (a week) name no single day, so a date
//!   in those formats is refused with a message rather than guessed.
//! - BT-8 is an UNTDID 2475 code in CII (5, 29, 72) but an UNTDID 2005 code in UBL and in EN 16931 (3, 35,
//!   432); CII codes are translated so both syntaxes give the same canonical code.
//! - BT-90 (creditor id) is `ram:CreditorReferenceID` at settlement level (UBL: a SEPA party identifier).
//! - BT-17, BT-18 and BG-24 are all `ram:AdditionalReferencedDocument`, told apart by type code 50, 130
//!   and 916 (UBL has separate elements).
//! - Prices: BT-146 is `NetPriceProductTradePrice/ChargeAmount`; BT-148 and BT-147 come from
//!   `GrossPriceProductTradePrice` and its allowance. CII may state a gross price without a discount,
//!   which UBL cannot (UBL's gross price is the base amount of a price allowance).
//! - XRechnung's CII extension marks sub-lines with `ParentLineID`; they are read as ordinary lines (no
//!   corpus file uses them yet), while UBL's nested `cac:SubInvoiceLine` is not read.
//! - `ram:DefinedTradeContact` names a person or a department; either is BT-41 / BT-56.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::xml::{child, children, decode_utf8, path, text_at};
use super::xml_values::{
    attribute, currency_at, currency_attribute, decimal_at, decimal_value, element_name, indicator_at,
    joined, non_default, read_item_attribute, read_item_classification, required_decimal_at, schemed_id,
    text_of,
};
use crate::model::invoice::{
    AllowanceCharge, Contact, CreditTransfer, Delivery, DocumentType, Invoice, InvoiceLine,
    LineAllowanceCharge, Note, Party, Payee, PaymentInstructions, Period, PostalAddress, SchemedId,
    SupportingDocument, TaxRepresentative, Totals, VatBreakdown,
};
use crate::model::master::normalise_identifier;
use crate::model::money::Currency;
use crate::rules::tree::{read_for_rules, Document, Node};

/// Reads a CII document (already sniffed as CII). Errors are sentences for the user.
pub fn read(bytes: &[u8]) -> Result<Invoice, String> {
    let text = decode_utf8(bytes)?;
    read_tree(&read_for_rules(text)?)
}

/// Reads a CII document already parsed ([`read_for_rules`]: no attachment's content is read, only its
/// attributes, so the rules' tree with payloads cut serves both).
pub fn read_tree(document: &Document<'_>) -> Result<Invoice, String> {
    read_root(document.root_element())
}

fn read_root(root: Node<'_, '_>) -> Result<Invoice, String> {
    let context = child(root, "ExchangedDocumentContext");
    let document = child(root, "ExchangedDocument");
    let transaction = child(root, "SupplyChainTradeTransaction");
    let agreement = transaction.and_then(|t| child(t, "ApplicableHeaderTradeAgreement"));
    let delivery = transaction.and_then(|t| child(t, "ApplicableHeaderTradeDelivery"));
    let settlement = transaction.and_then(|t| child(t, "ApplicableHeaderTradeSettlement"));

    let type_code = document.and_then(|d| text_at(d, &["TypeCode"]));
    let mut invoice = Invoice::empty(
        type_code
            .as_deref()
            .map_or(DocumentType::Invoice, DocumentType::from_type_code),
    );
    invoice.type_code = type_code;
    if let Some(context) = context {
        invoice.business_process = text_at(
            context,
            &["BusinessProcessSpecifiedDocumentContextParameter", "ID"],
        );
        invoice.specification_id = text_at(context, &["GuidelineSpecifiedDocumentContextParameter", "ID"]);
    }
    if let Some(document) = document {
        invoice.number = text_at(document, &["ID"]);
        invoice.issue_date = date_at(document, &["IssueDateTime"])?;
        invoice.notes = children(document, "IncludedNote").filter_map(read_note).collect();
    }
    if let Some(agreement) = agreement {
        read_agreement(agreement, &mut invoice);
    }
    if let Some(delivery) = delivery {
        invoice.despatch_advice_reference = text_at(
            delivery,
            &["DespatchAdviceReferencedDocument", "IssuerAssignedID"],
        );
        invoice.receiving_advice_reference = text_at(
            delivery,
            &["ReceivingAdviceReferencedDocument", "IssuerAssignedID"],
        );
        invoice.delivery = read_delivery(delivery)?;
    }
    if let Some(settlement) = settlement {
        read_settlement(settlement, &mut invoice)?;
    }
    if let Some(transaction) = transaction {
        invoice.lines = children(transaction, "IncludedSupplyChainTradeLineItem")
            .map(read_line)
            .collect::<Result<_, _>>()?;
    }
    Ok(invoice)
}

/// BG-1.
fn read_note(note: Node<'_, '_>) -> Option<Note> {
    Some(Note {
        subject_code: text_at(note, &["SubjectCode"]),
        text: joined(children(note, "Content").filter_map(text_of))?,
    })
}

/// `ram:ApplicableHeaderTradeAgreement`: parties, BT-10..BT-18 and BG-24.
fn read_agreement(agreement: Node<'_, '_>, invoice: &mut Invoice) {
    invoice.buyer_reference = text_at(agreement, &["BuyerReference"]);
    invoice.seller = child(agreement, "SellerTradeParty")
        .map(read_party)
        .unwrap_or_default();
    invoice.buyer = child(agreement, "BuyerTradeParty")
        .map(read_party)
        .unwrap_or_default();
    invoice.tax_representative =
        child(agreement, "SellerTaxRepresentativeTradeParty").map(read_tax_representative);
    invoice.sales_order_reference =
        text_at(agreement, &["SellerOrderReferencedDocument", "IssuerAssignedID"]);
    invoice.purchase_order_reference =
        text_at(agreement, &["BuyerOrderReferencedDocument", "IssuerAssignedID"]);
    invoice.contract_reference = text_at(agreement, &["ContractReferencedDocument", "IssuerAssignedID"]);
    invoice.project_reference = text_at(agreement, &["SpecifiedProcuringProject", "ID"]);
    for reference in children(agreement, "AdditionalReferencedDocument") {
        match text_at(reference, &["TypeCode"]).as_deref() {
            Some("50") => invoice.tender_reference = text_at(reference, &["IssuerAssignedID"]),
            Some("130") => invoice.invoiced_object_id = referenced_object_id(reference),
            _ => invoice
                .supporting_documents
                .push(read_supporting_document(reference)),
        }
    }
}

/// BT-18 / BT-128: the identifier with its scheme in `ram:ReferenceTypeCode`.
fn referenced_object_id(reference: Node<'_, '_>) -> Option<SchemedId> {
    Some(SchemedId {
        id: text_at(reference, &["IssuerAssignedID"])?,
        scheme: text_at(reference, &["ReferenceTypeCode"]),
    })
}

fn read_supporting_document(reference: Node<'_, '_>) -> SupportingDocument {
    let attachment = child(reference, "AttachmentBinaryObject");
    SupportingDocument {
        reference: text_at(reference, &["IssuerAssignedID"]).unwrap_or_default(),
        description: text_at(reference, &["Name"]),
        external_uri: text_at(reference, &["URIID"]),
        attachment_mime: attachment.and_then(|a| attribute(a, "mimeCode")),
        attachment_filename: attachment.and_then(|a| attribute(a, "filename")),
    }
}

/// BG-4 / BG-7: a `ram:*TradeParty`.
fn read_party(party: Node<'_, '_>) -> Party {
    let legal = child(party, "SpecifiedLegalOrganization");
    Party {
        name: text_at(party, &["Name"]),
        trading_name: legal.and_then(|l| text_at(l, &["TradingBusinessName"])),
        identifiers: party_identifiers(party).collect(),
        legal_registration_id: legal.and_then(|l| child(l, "ID")).and_then(schemed_id),
        vat_id: tax_registration(party, "VA").map(|id| normalise_identifier(&id)),
        tax_registration_id: tax_registration(party, "FC"),
        additional_legal_info: text_at(party, &["Description"]),
        electronic_address: path(party, &["URIUniversalCommunication", "URIID"]).and_then(schemed_id),
        address: child(party, "PostalTradeAddress")
            .map(read_address)
            .unwrap_or_default(),
        contact: child(party, "DefinedTradeContact").and_then(read_contact),
    }
}

/// BT-29 / BT-46 / BT-60 / BT-71: `ram:ID` (no scheme) and `ram:GlobalID` (with `schemeID`).
fn party_identifiers<'a, 'input: 'a>(party: Node<'a, 'input>) -> impl Iterator<Item = SchemedId> + 'a {
    party
        .children()
        .filter(|c| c.is_element() && matches!(c.tag_name().name(), "ID" | "GlobalID"))
        .filter_map(schemed_id)
}

/// BT-31 / BT-48 / BT-63 (`VA`) or BT-32 (`FC`).
fn tax_registration(party: Node<'_, '_>, scheme: &str) -> Option<String> {
    children(party, "SpecifiedTaxRegistration")
        .filter_map(|r| child(r, "ID"))
        .find(|id| id.attribute("schemeID").is_some_and(|s| s.trim() == scheme))
        .and_then(text_of)
}

/// BG-5 / BG-8 / BG-12 / BG-15.
fn read_address(address: Node<'_, '_>) -> PostalAddress {
    PostalAddress {
        line1: text_at(address, &["LineOne"]),
        line2: text_at(address, &["LineTwo"]),
        line3: text_at(address, &["LineThree"]),
        city: text_at(address, &["CityName"]),
        post_code: text_at(address, &["PostcodeCode"]),
        subdivision: text_at(address, &["CountrySubDivisionName"]),
        country_code: text_at(address, &["CountryID"]),
    }
}

/// BG-6 / BG-9.
fn read_contact(contact: Node<'_, '_>) -> Option<Contact> {
    non_default(Contact {
        name: text_at(contact, &["PersonName"]).or_else(|| text_at(contact, &["DepartmentName"])),
        telephone: text_at(contact, &["TelephoneUniversalCommunication", "CompleteNumber"]),
        email: text_at(contact, &["EmailURIUniversalCommunication", "URIID"]),
    })
}

/// BG-11.
fn read_tax_representative(party: Node<'_, '_>) -> TaxRepresentative {
    TaxRepresentative {
        name: text_at(party, &["Name"]).unwrap_or_default(),
        vat_id: tax_registration(party, "VA").map(|id| normalise_identifier(&id)),
        address: child(party, "PostalTradeAddress")
            .map(read_address)
            .unwrap_or_default(),
    }
}

/// BG-10.
fn read_payee(payee: Node<'_, '_>) -> Payee {
    Payee {
        name: text_at(payee, &["Name"]).unwrap_or_default(),
        identifier: party_identifiers(payee).next(),
        legal_registration_id: path(payee, &["SpecifiedLegalOrganization", "ID"]).and_then(schemed_id),
    }
}

/// BG-13.
fn read_delivery(delivery: Node<'_, '_>) -> Result<Option<Delivery>, String> {
    let ship_to = child(delivery, "ShipToTradeParty");
    Ok(non_default(Delivery {
        party_name: ship_to.and_then(|p| text_at(p, &["Name"])),
        location_id: ship_to.and_then(|p| party_identifiers(p).next()),
        date: date_at(
            delivery,
            &["ActualDeliverySupplyChainEvent", "OccurrenceDateTime"],
        )?,
        address: ship_to
            .and_then(|p| child(p, "PostalTradeAddress"))
            .map(read_address),
    }))
}

/// `ram:ApplicableHeaderTradeSettlement`: currencies, payee, payment, VAT, allowances, totals, BG-3.
fn read_settlement(settlement: Node<'_, '_>, invoice: &mut Invoice) -> Result<(), String> {
    invoice.currency = currency_at(settlement, &["InvoiceCurrencyCode"])?;
    invoice.tax_currency = currency_at(settlement, &["TaxCurrencyCode"])?;
    invoice.payee = child(settlement, "PayeeTradeParty").map(read_payee);
    invoice.period = child(settlement, "BillingSpecifiedPeriod")
        .map(read_period)
        .transpose()?
        .flatten();
    invoice.buyer_accounting_reference =
        text_at(settlement, &["ReceivableSpecifiedTradeAccountingAccount", "ID"]);
    let terms: Vec<_> = children(settlement, "SpecifiedTradePaymentTerms").collect();
    invoice.payment_terms = joined(terms.iter().filter_map(|t| text_at(*t, &["Description"])));
    for term in &terms {
        if let Some(date) = date_at(*term, &["DueDateDateTime"])? {
            invoice.due_date.get_or_insert(date);
        }
    }
    invoice.payment = read_payment(settlement, &terms);
    for tax in children(settlement, "ApplicableTradeTax") {
        invoice.vat_breakdown.push(read_vat_breakdown(tax)?);
        if let Some(date) = date_at(tax, &["TaxPointDate"])? {
            invoice.tax_point_date.get_or_insert(date);
        }
        if let Some(code) = text_at(tax, &["DueDateTypeCode"]) {
            invoice
                .tax_point_date_code
                .get_or_insert_with(|| untdid_2005_tax_point_code(code));
        }
    }
    invoice.allowance_charges = children(settlement, "SpecifiedTradeAllowanceCharge")
        .map(read_allowance_charge)
        .collect::<Result<_, _>>()?;
    if let Some(summation) = child(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation") {
        invoice.totals = read_totals(summation, invoice.currency.as_ref())?;
    }
    invoice.preceding_invoices = read_preceding_invoices(settlement)?;
    Ok(())
}

/// BT-8: UNTDID 2475 (CII) → UNTDID 2005 (EN 16931, UBL); an unknown code is kept as written.
fn untdid_2005_tax_point_code(code: String) -> String {
    match code.as_str() {
        "5" => "3".to_owned(),
        "29" => "35".to_owned(),
        "72" => "432".to_owned(),
        _ => code,
    }
}

/// BG-16. CII has one remittance text (BT-83) and creditor id (BT-90) per invoice and a payment-means
/// group per account; the canonical model takes the first means code and text and every account.
fn read_payment(settlement: Node<'_, '_>, terms: &[Node<'_, '_>]) -> Option<PaymentInstructions> {
    let means: Vec<_> = children(settlement, "SpecifiedTradeSettlementPaymentMeans").collect();
    non_default(PaymentInstructions {
        means_code: means.iter().find_map(|m| text_at(*m, &["TypeCode"])),
        means_text: means.iter().find_map(|m| text_at(*m, &["Information"])),
        remittance_info: text_at(settlement, &["PaymentReference"]),
        credit_transfers: means.iter().filter_map(|m| read_credit_transfer(*m)).collect(),
        card_account: means
            .iter()
            .find_map(|m| text_at(*m, &["ApplicableTradeSettlementFinancialCard", "ID"])),
        card_holder_name: means
            .iter()
            .find_map(|m| text_at(*m, &["ApplicableTradeSettlementFinancialCard", "CardholderName"])),
        mandate_reference: terms.iter().find_map(|t| text_at(*t, &["DirectDebitMandateID"])),
        creditor_id: text_at(settlement, &["CreditorReferenceID"]),
        debited_account: means
            .iter()
            .find_map(|m| text_at(*m, &["PayerPartyDebtorFinancialAccount", "IBANID"]))
            .map(|id| normalise_identifier(&id)),
    })
}

/// BG-17: an IBAN or a proprietary account id.
fn read_credit_transfer(means: Node<'_, '_>) -> Option<CreditTransfer> {
    let account = child(means, "PayeePartyCreditorFinancialAccount")?;
    let id = text_at(account, &["IBANID"]).or_else(|| text_at(account, &["ProprietaryID"]))?;
    Some(CreditTransfer {
        account_id: normalise_identifier(&id),
        account_name: text_at(account, &["AccountName"]),
        provider_id: text_at(means, &["PayeeSpecifiedCreditorFinancialInstitution", "BICID"]),
    })
}

/// BG-23.
fn read_vat_breakdown(tax: Node<'_, '_>) -> Result<VatBreakdown, String> {
    Ok(VatBreakdown {
        taxable_amount: required_decimal_at(tax, &["BasisAmount"])?,
        tax_amount: required_decimal_at(tax, &["CalculatedAmount"])?,
        category: text_at(tax, &["CategoryCode"]).unwrap_or_default(),
        rate: decimal_at(tax, &["RateApplicablePercent"])?,
        exemption_reason: text_at(tax, &["ExemptionReason"]),
        exemption_reason_code: text_at(tax, &["ExemptionReasonCode"]),
    })
}

/// BG-20 / BG-21.
fn read_allowance_charge(node: Node<'_, '_>) -> Result<AllowanceCharge, String> {
    let tax = child(node, "CategoryTradeTax");
    Ok(AllowanceCharge {
        is_charge: indicator_at(node, &["ChargeIndicator", "Indicator"])?,
        amount: required_decimal_at(node, &["ActualAmount"])?,
        base_amount: decimal_at(node, &["BasisAmount"])?,
        percentage: decimal_at(node, &["CalculationPercent"])?,
        vat_category: tax.and_then(|t| text_at(t, &["CategoryCode"])),
        vat_rate: tax
            .map(|t| decimal_at(t, &["RateApplicablePercent"]))
            .transpose()?
            .flatten(),
        reason: text_at(node, &["Reason"]),
        reason_code: text_at(node, &["ReasonCode"]),
    })
}

/// BG-22. Of the `ram:TaxTotalAmount`s, the one in the invoice currency (or without `currencyID`) is
/// BT-110; one in another currency is BT-111 (in the VAT accounting currency, BT-6).
fn read_totals(summation: Node<'_, '_>, currency: Option<&Currency>) -> Result<Totals, String> {
    let mut totals = Totals {
        line_net_total: decimal_at(summation, &["LineTotalAmount"])?,
        allowance_total: decimal_at(summation, &["AllowanceTotalAmount"])?,
        charge_total: decimal_at(summation, &["ChargeTotalAmount"])?,
        tax_exclusive: decimal_at(summation, &["TaxBasisTotalAmount"])?,
        tax_total: None,
        tax_total_accounting: None,
        tax_inclusive: decimal_at(summation, &["GrandTotalAmount"])?,
        prepaid: decimal_at(summation, &["TotalPrepaidAmount"])?,
        rounding: decimal_at(summation, &["RoundingAmount"])?,
        amount_due: decimal_at(summation, &["DuePayableAmount"])?,
    };
    for amount in children(summation, "TaxTotalAmount") {
        let value = decimal_value(amount)?;
        let amount_currency = currency_attribute(amount)?;
        let in_invoice_currency =
            amount_currency.is_none() || currency.is_none() || amount_currency.as_ref() == currency;
        if in_invoice_currency && totals.tax_total.is_none() {
            totals.tax_total = Some(value);
        } else {
            totals.tax_total_accounting.get_or_insert(value);
        }
    }
    Ok(totals)
}

/// BG-3.
fn read_preceding_invoices(settlement: Node<'_, '_>) -> Result<Vec<(String, Option<NaiveDate>)>, String> {
    let mut preceding = Vec::new();
    for reference in children(settlement, "InvoiceReferencedDocument") {
        if let Some(number) = text_at(reference, &["IssuerAssignedID"]) {
            preceding.push((number, date_at(reference, &["FormattedIssueDateTime"])?));
        }
    }
    Ok(preceding)
}

/// BG-14 / BG-26.
fn read_period(period: Node<'_, '_>) -> Result<Option<Period>, String> {
    Ok(non_default(Period {
        start: date_at(period, &["StartDateTime"])?,
        end: date_at(period, &["EndDateTime"])?,
    }))
}

/// BG-25: `ram:IncludedSupplyChainTradeLineItem`.
fn read_line(item: Node<'_, '_>) -> Result<InvoiceLine, String> {
    let document = child(item, "AssociatedDocumentLineDocument");
    let product = child(item, "SpecifiedTradeProduct");
    let product_text = |names: &[&str]| product.and_then(|p| text_at(p, names));
    let agreement = child(item, "SpecifiedLineTradeAgreement");
    let gross = agreement.and_then(|a| child(a, "GrossPriceProductTradePrice"));
    let net = agreement.and_then(|a| child(a, "NetPriceProductTradePrice"));
    let quantity = path(item, &["SpecifiedLineTradeDelivery", "BilledQuantity"]);
    let settlement = child(item, "SpecifiedLineTradeSettlement");
    let tax = settlement.and_then(|s| child(s, "ApplicableTradeTax"));
    let (net_price, price_base_quantity) = read_line_prices(net, gross)?;
    Ok(InvoiceLine {
        id: document.and_then(|d| text_at(d, &["LineID"])).unwrap_or_default(),
        note: document
            .and_then(|d| joined(children(d, "IncludedNote").filter_map(|n| text_at(n, &["Content"])))),
        object_id: settlement
            .and_then(|s| {
                children(s, "AdditionalReferencedDocument")
                    .find(|r| text_at(*r, &["TypeCode"]).as_deref() == Some("130"))
            })
            .and_then(referenced_object_id),
        quantity: quantity.map(decimal_value).transpose()?,
        unit_code: quantity.and_then(|q| attribute(q, "unitCode")),
        net_amount: optional(settlement, |s| {
            decimal_at(
                s,
                &["SpecifiedTradeSettlementLineMonetarySummation", "LineTotalAmount"],
            )
        })?,
        order_line_reference: agreement.and_then(|a| text_at(a, &["BuyerOrderReferencedDocument", "LineID"])),
        accounting_reference: settlement
            .and_then(|s| text_at(s, &["ReceivableSpecifiedTradeAccountingAccount", "ID"])),
        period: settlement
            .and_then(|s| child(s, "BillingSpecifiedPeriod"))
            .map(read_period)
            .transpose()?
            .flatten(),
        allowance_charges: settlement
            .into_iter()
            .flat_map(|s| children(s, "SpecifiedTradeAllowanceCharge"))
            .map(read_line_allowance_charge)
            .collect::<Result<_, _>>()?,
        net_price,
        price_discount: optional(gross, read_price_discount)?,
        gross_price: optional(gross, |g| decimal_at(g, &["ChargeAmount"]))?,
        price_base_quantity,
        vat_category: tax.and_then(|t| text_at(t, &["CategoryCode"])),
        vat_rate: optional(tax, |t| decimal_at(t, &["RateApplicablePercent"]))?,
        item_name: product_text(&["Name"]),
        item_description: product_text(&["Description"]),
        seller_item_id: product_text(&["SellerAssignedID"]),
        buyer_item_id: product_text(&["BuyerAssignedID"]),
        standard_item_id: product.and_then(|p| child(p, "GlobalID")).and_then(schemed_id),
        item_classifications: product
            .into_iter()
            .flat_map(|p| children(p, "DesignatedProductClassification"))
            .filter_map(|c| child(c, "ClassCode"))
            .filter_map(read_item_classification)
            .collect(),
        origin_country: product_text(&["OriginTradeCountry", "ID"]),
        item_attributes: product
            .into_iter()
            .flat_map(|p| children(p, "ApplicableProductCharacteristic"))
            .filter_map(|c| read_item_attribute(c, "Description", "Value"))
            .collect(),
    })
}

/// BT-146 and BT-149. The base quantity belongs to the net price; some documents state it only on the
/// gross price, which is the same base by EN 16931's definition.
fn read_line_prices(
    net: Option<Node<'_, '_>>,
    gross: Option<Node<'_, '_>>,
) -> Result<(Option<Decimal>, Option<Decimal>), String> {
    let net_price = optional(net, |n| decimal_at(n, &["ChargeAmount"]))?;
    let base_quantity = match optional(net, |n| decimal_at(n, &["BasisQuantity"]))? {
        Some(quantity) => Some(quantity),
        None => optional(gross, |g| decimal_at(g, &["BasisQuantity"]))?,
    };
    Ok((net_price, base_quantity))
}

/// BT-147: the allowance on the gross price (a charge there is not a discount and is not read).
fn read_price_discount(gross: Node<'_, '_>) -> Result<Option<Decimal>, String> {
    for allowance in children(gross, "AppliedTradeAllowanceCharge") {
        if !indicator_at(allowance, &["ChargeIndicator", "Indicator"])? {
            return decimal_at(allowance, &["ActualAmount"]);
        }
    }
    Ok(None)
}

/// BG-27 / BG-28.
fn read_line_allowance_charge(node: Node<'_, '_>) -> Result<LineAllowanceCharge, String> {
    Ok(LineAllowanceCharge {
        is_charge: indicator_at(node, &["ChargeIndicator", "Indicator"])?,
        amount: required_decimal_at(node, &["ActualAmount"])?,
        base_amount: decimal_at(node, &["BasisAmount"])?,
        percentage: decimal_at(node, &["CalculationPercent"])?,
        reason: text_at(node, &["Reason"]),
        reason_code: text_at(node, &["ReasonCode"]),
    })
}

/// Applies a fallible reader to an optional group.
fn optional<'a, 'input, T>(
    node: Option<Node<'a, 'input>>,
    read: impl FnOnce(Node<'a, 'input>) -> Result<Option<T>, String>,
) -> Result<Option<T>, String> {
    node.map(read).transpose().map(Option::flatten)
}

/// A date below a `ram:*DateTime` / `ram:*Date` holder: its `DateTimeString` or `DateString` child.
fn date_at(node: Node<'_, '_>, names: &[&str]) -> Result<Option<NaiveDate>, String> {
    let Some(holder) = path(node, names) else {
        return Ok(None);
    };
    let value = holder
        .children()
        .find(|c| c.is_element() && matches!(c.tag_name().name(), "DateTimeString" | "DateString"));
    match value {
        Some(value) => dated_value(holder, value).map(Some),
        None => Err(format!(
            "{} has no udt:DateTimeString with the date",
            element_name(holder)
        )),
    }
}

/// `format="102"` (or no format) is `YYYYMMDD`; 610 and 616 are refused because they name no single day.
fn dated_value(holder: Node<'_, '_>, value: Node<'_, '_>) -> Result<NaiveDate, String> {
    let raw = value.text().unwrap_or_default().trim();
    let name = format!("{}/{}", element_name(holder), element_name(value));
    match value.attribute("format").map(str::trim).unwrap_or("102") {
        "102" => NaiveDate::parse_from_str(raw, "%Y%m%d")
            .ok()
            .filter(|_| raw.len() == 8 && raw.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| format!("{name} '{raw}' is not a date (expected YYYYMMDD, format 102)")),
        "610" => Err(format!(
            "{name} '{raw}' is a month (format 610), not a day; EN 16931 dates use format 102 (YYYYMMDD)"
        )),
        "616" => Err(format!(
            "{name} '{raw}' is a week (format 616), not a day; EN 16931 dates use format 102 (YYYYMMDD)"
        )),
        other => Err(format!(
            "{name} '{raw}' has date format '{other}'; EN 16931 dates use format 102 (YYYYMMDD)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invoice(document: &str, settlement: &str) -> Result<Invoice, String> {
        let xml = format!(
            r#"<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
                xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
                xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
              <rsm:ExchangedDocument><ram:ID>INV-1</ram:ID><ram:TypeCode>381</ram:TypeCode>{document}</rsm:ExchangedDocument>
              <rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeSettlement>{settlement}
              </ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction>
            </rsm:CrossIndustryInvoice>"#
        );
        read(xml.as_bytes())
    }

    fn issued(date: &str, format: &str) -> String {
        format!(
            r#"<ram:IssueDateTime><udt:DateTimeString format="{format}">{date}</udt:DateTimeString></ram:IssueDateTime>"#
        )
    }

    #[test]
    fn a_minimal_credit_note_is_read() {
        let invoice = invoice(
            &issued("20260131", "102"),
            "<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>\
             <ram:SpecifiedTradeSettlementHeaderMonetarySummation>\
             <ram:TaxTotalAmount currencyID=\"EUR\">19.00</ram:TaxTotalAmount>\
             <ram:DuePayableAmount>119.00</ram:DuePayableAmount>\
             </ram:SpecifiedTradeSettlementHeaderMonetarySummation>",
        )
        .unwrap();
        assert_eq!(
            invoice.document_type,
            DocumentType::CreditNote,
            "381 is a credit note"
        );
        assert_eq!(invoice.issue_date, NaiveDate::from_ymd_opt(2026, 1, 31));
        assert_eq!(invoice.totals.tax_total.unwrap().to_string(), "19.00");
        assert_eq!(invoice.totals.amount_due.unwrap().to_string(), "119.00");
    }

    #[test]
    fn a_malformed_date_names_the_element() {
        let error = invoice(&issued("20261301", "102"), "").unwrap_err();
        assert_eq!(
            error,
            "ram:IssueDateTime/udt:DateTimeString '20261301' is not a date (expected YYYYMMDD, format 102)"
        );
    }

    #[test]
    fn month_and_week_dates_are_refused_with_a_reason() {
        let error = invoice(&issued("202601", "610"), "").unwrap_err();
        assert!(error.contains("is a month (format 610)"), "{error}");
        let error = invoice(&issued("202605", "616"), "").unwrap_err();
        assert!(error.contains("is a week (format 616)"), "{error}");
    }

    #[test]
    fn a_malformed_amount_names_the_element() {
        let error = invoice(
            "",
            "<ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:GrandTotalAmount>12.5 EUR</ram:GrandTotalAmount>\
             </ram:SpecifiedTradeSettlementHeaderMonetarySummation>",
        )
        .unwrap_err();
        assert_eq!(error, "ram:GrandTotalAmount '12.5 EUR' is not a decimal number");
    }

    #[test]
    fn a_wrong_currency_code_names_the_element() {
        let error = invoice("", "<ram:InvoiceCurrencyCode>€</ram:InvoiceCurrencyCode>").unwrap_err();
        assert!(
            error.starts_with("ram:InvoiceCurrencyCode '€' is not an ISO 4217 currency code"),
            "{error}"
        );
    }

    #[test]
    fn tax_totals_are_told_apart_by_currency_and_tax_point_codes_are_translated() {
        let invoice = invoice(
            "",
            "<ram:TaxCurrencyCode>SEK</ram:TaxCurrencyCode><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>\
             <ram:ApplicableTradeTax><ram:CalculatedAmount>20</ram:CalculatedAmount><ram:BasisAmount>100</ram:BasisAmount>\
             <ram:CategoryCode>S</ram:CategoryCode><ram:DueDateTypeCode>29</ram:DueDateTypeCode>\
             <ram:RateApplicablePercent>20</ram:RateApplicablePercent></ram:ApplicableTradeTax>\
             <ram:SpecifiedTradeSettlementHeaderMonetarySummation>\
             <ram:TaxTotalAmount currencyID=\"SEK\">220</ram:TaxTotalAmount>\
             <ram:TaxTotalAmount currencyID=\"EUR\">20</ram:TaxTotalAmount>\
             </ram:SpecifiedTradeSettlementHeaderMonetarySummation>",
        )
        .unwrap();
        assert_eq!(invoice.totals.tax_total.unwrap().to_string(), "20");
        assert_eq!(invoice.totals.tax_total_accounting.unwrap().to_string(), "220");
        assert_eq!(
            invoice.tax_point_date_code.as_deref(),
            Some("35"),
            "2475 code 29 is 2005 code 35"
        );
    }
}
