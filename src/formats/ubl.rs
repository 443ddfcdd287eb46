//! UBL 2.1 Invoice / CreditNote (incl. Peppol BIS 3 and XRechnung UBL) → canonical EN 16931 invoice.
//!
//! The mapping follows the EN 16931-3-2 UBL syntax binding. Elements are found by local name, so any
//! namespace prefixes work. Things UBL expresses differently from CII are noted where they are mapped:
//! - BT-21 (note subject code) has no UBL element; Peppol and XRechnung write it as a `#CODE#` prefix of
//!   `cbc:Note`, which is split off here so that both syntaxes give the same canonical note.
//! - BT-90 (creditor id) is a `cac:PartyIdentification/cbc:ID` with `schemeID="SEPA"` of the seller or
//!   payee, not a party identifier (BT-29 / BT-60).
//! - BT-11 (project) of a credit note is an `AdditionalDocumentReference` with type code 50, because UBL's
//!   CreditNote has no `cac:ProjectReference`; BT-9 of a credit note is `PaymentMeans/PaymentDueDate`.
//! - XRechnung's extension sub-lines (`cac:SubInvoiceLine`) are not EN 16931 lines; only top-level lines
//!   are read.

use chrono::NaiveDate;

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
use crate::rules::tree::{read_for_rules, Document, Node};

/// Reads a UBL document (already sniffed as UBL). Errors are sentences for the user.
pub fn read(bytes: &[u8]) -> Result<Invoice, String> {
    let text = decode_utf8(bytes)?;
    read_tree(&read_for_rules(text)?)
}

/// Reads a UBL document already parsed ([`read_for_rules`]: no attachment's content is read, only its
/// attributes, so the rules' tree with payloads cut serves both).
pub fn read_tree(document: &Document<'_>) -> Result<Invoice, String> {
    read_root(document.root_element())
}

fn read_root(root: Node<'_, '_>) -> Result<Invoice, String> {
    let is_credit_note = root.tag_name().name() == "CreditNote";
    let type_code = text_at(root, &["InvoiceTypeCode"]).or_else(|| text_at(root, &["CreditNoteTypeCode"]));
    let document_type = match (is_credit_note, type_code.as_deref()) {
        (true, _) => DocumentType::CreditNote,
        (false, Some(code)) => DocumentType::from_type_code(code),
        (false, None) => DocumentType::Invoice,
    };
    let mut invoice = Invoice::empty(document_type);
    invoice.number = text_at(root, &["ID"]);
    invoice.issue_date = date_at(root, &["IssueDate"])?;
    invoice.type_code = type_code;
    invoice.currency = currency_at(root, &["DocumentCurrencyCode"])?;
    invoice.tax_currency = currency_at(root, &["TaxCurrencyCode"])?;
    invoice.tax_point_date = date_at(root, &["TaxPointDate"])?;
    // BT-8 in UBL is an UNTDID 2005 code (3, 35, 432), the code list EN 16931 names.
    invoice.tax_point_date_code = text_at(root, &["InvoicePeriod", "DescriptionCode"]);
    invoice.due_date = read_due_date(root)?;
    invoice.buyer_reference = text_at(root, &["BuyerReference"]);
    invoice.buyer_accounting_reference = text_at(root, &["AccountingCost"]);
    invoice.payment_terms = joined(children(root, "PaymentTerms").filter_map(|t| text_at(t, &["Note"])));
    invoice.notes = children(root, "Note").filter_map(read_note).collect();
    invoice.business_process = text_at(root, &["ProfileID"]);
    invoice.specification_id = text_at(root, &["CustomizationID"]);
    invoice.preceding_invoices = read_preceding_invoices(root)?;
    read_references(root, is_credit_note, &mut invoice);
    let seller = path(root, &["AccountingSupplierParty", "Party"]);
    invoice.seller = seller.map(read_party).unwrap_or_default();
    invoice.buyer = path(root, &["AccountingCustomerParty", "Party"])
        .map(read_party)
        .unwrap_or_default();
    let payee = child(root, "PayeeParty");
    invoice.payee = payee.map(read_payee);
    invoice.tax_representative = child(root, "TaxRepresentativeParty").map(read_tax_representative);
    invoice.delivery = read_delivery(root)?;
    invoice.period = child(root, "InvoicePeriod")
        .map(read_period)
        .transpose()?
        .flatten();
    invoice.payment = read_payment(root, seller, payee);
    invoice.allowance_charges = children(root, "AllowanceCharge")
        .map(read_allowance_charge)
        .collect::<Result<_, _>>()?;
    invoice.totals = read_totals(root)?;
    read_tax_totals(root, &mut invoice)?;
    let (line_name, quantity_name) = if is_credit_note {
        ("CreditNoteLine", "CreditedQuantity")
    } else {
        ("InvoiceLine", "InvoicedQuantity")
    };
    invoice.lines = children(root, line_name)
        .map(|l| read_line(l, quantity_name))
        .collect::<Result<_, _>>()?;
    Ok(invoice)
}

/// BT-9: `cbc:DueDate` on an Invoice; a UBL CreditNote has no such element and uses the payment means.
fn read_due_date(root: Node<'_, '_>) -> Result<Option<NaiveDate>, String> {
    if let Some(date) = date_at(root, &["DueDate"])? {
        return Ok(Some(date));
    }
    for means in children(root, "PaymentMeans") {
        if let Some(date) = date_at(means, &["PaymentDueDate"])? {
            return Ok(Some(date));
        }
    }
    Ok(None)
}

/// BG-1: a `#CODE#` prefix (Peppol / XRechnung convention) carries BT-21.
fn read_note(node: Node<'_, '_>) -> Option<Note> {
    let text = node.text()?.trim();
    if text.is_empty() {
        return None;
    }
    let coded = text
        .strip_prefix('#')
        .and_then(|rest| rest.split_once('#'))
        .filter(|(code, _)| {
            !code.is_empty() && code.len() <= 3 && code.bytes().all(|b| b.is_ascii_uppercase())
        });
    Some(match coded {
        Some((code, rest)) => Note {
            subject_code: Some(code.to_owned()),
            text: rest.trim().to_owned(),
        },
        None => Note {
            subject_code: None,
            text: text.to_owned(),
        },
    })
}

/// BG-3: preceding invoice references.
fn read_preceding_invoices(root: Node<'_, '_>) -> Result<Vec<(String, Option<NaiveDate>)>, String> {
    let mut preceding = Vec::new();
    for reference in children(root, "BillingReference") {
        let Some(document) = child(reference, "InvoiceDocumentReference") else {
            continue;
        };
        if let Some(number) = text_at(document, &["ID"]) {
            preceding.push((number, date_at(document, &["IssueDate"])?));
        }
    }
    Ok(preceding)
}

/// BT-11..BT-18 and BG-24.
fn read_references(root: Node<'_, '_>, is_credit_note: bool, invoice: &mut Invoice) {
    invoice.project_reference = text_at(root, &["ProjectReference", "ID"]);
    invoice.contract_reference = text_at(root, &["ContractDocumentReference", "ID"]);
    invoice.purchase_order_reference = text_at(root, &["OrderReference", "ID"]);
    invoice.sales_order_reference = text_at(root, &["OrderReference", "SalesOrderID"]);
    invoice.receiving_advice_reference = text_at(root, &["ReceiptDocumentReference", "ID"]);
    invoice.despatch_advice_reference = text_at(root, &["DespatchDocumentReference", "ID"]);
    invoice.tender_reference = text_at(root, &["OriginatorDocumentReference", "ID"]);
    for reference in children(root, "AdditionalDocumentReference") {
        match text_at(reference, &["DocumentTypeCode"]).as_deref() {
            Some("130") => invoice.invoiced_object_id = child(reference, "ID").and_then(schemed_id),
            Some("50") if is_credit_note => invoice.project_reference = text_at(reference, &["ID"]),
            _ => invoice
                .supporting_documents
                .push(read_supporting_document(reference)),
        }
    }
}

fn read_supporting_document(reference: Node<'_, '_>) -> SupportingDocument {
    let attachment = path(reference, &["Attachment", "EmbeddedDocumentBinaryObject"]);
    SupportingDocument {
        reference: text_at(reference, &["ID"]).unwrap_or_default(),
        description: text_at(reference, &["DocumentDescription"]),
        external_uri: text_at(reference, &["Attachment", "ExternalReference", "URI"]),
        attachment_mime: attachment.and_then(|a| attribute(a, "mimeCode")),
        attachment_filename: attachment.and_then(|a| attribute(a, "filename")),
    }
}

/// BG-4 / BG-7: `cac:Party` of the seller or the buyer.
fn read_party(party: Node<'_, '_>) -> Party {
    Party {
        name: text_at(party, &["PartyLegalEntity", "RegistrationName"]),
        trading_name: text_at(party, &["PartyName", "Name"]),
        identifiers: party_identifiers(party).collect(),
        legal_registration_id: path(party, &["PartyLegalEntity", "CompanyID"]).and_then(schemed_id),
        vat_id: tax_scheme_id(party, true).map(|id| normalise_identifier(&id)),
        tax_registration_id: tax_scheme_id(party, false),
        additional_legal_info: text_at(party, &["PartyLegalEntity", "CompanyLegalForm"]),
        electronic_address: child(party, "EndpointID").and_then(schemed_id),
        address: child(party, "PostalAddress")
            .map(read_address)
            .unwrap_or_default(),
        contact: child(party, "Contact").and_then(read_contact),
    }
}

/// BT-29 / BT-46 / BT-60: party identifiers, except the SEPA creditor id (BT-90).
fn party_identifiers<'a, 'input: 'a>(party: Node<'a, 'input>) -> impl Iterator<Item = SchemedId> + 'a {
    children(party, "PartyIdentification")
        .filter_map(|p| child(p, "ID"))
        .filter(|id| !is_sepa_creditor_id(*id))
        .filter_map(schemed_id)
}

fn is_sepa_creditor_id(id: Node<'_, '_>) -> bool {
    id.attribute("schemeID")
        .is_some_and(|s| s.trim().eq_ignore_ascii_case("SEPA"))
}

/// BT-90: the SEPA creditor id on a party.
fn sepa_creditor_id(party: Node<'_, '_>) -> Option<String> {
    children(party, "PartyIdentification")
        .filter_map(|p| child(p, "ID"))
        .find(|id| is_sepa_creditor_id(*id))
        .and_then(text_of)
}

/// BT-31 / BT-48 / BT-63 (`vat` = true) or BT-32: `cac:PartyTaxScheme/cbc:CompanyID` by its tax scheme.
fn tax_scheme_id(party: Node<'_, '_>, vat: bool) -> Option<String> {
    children(party, "PartyTaxScheme")
        .find(|s| text_at(*s, &["TaxScheme", "ID"]).is_some_and(|id| id.eq_ignore_ascii_case("VAT")) == vat)
        .and_then(|s| text_at(s, &["CompanyID"]))
}

/// BG-5 / BG-8 / BG-12 / BG-15.
fn read_address(address: Node<'_, '_>) -> PostalAddress {
    PostalAddress {
        line1: text_at(address, &["StreetName"]),
        line2: text_at(address, &["AdditionalStreetName"]),
        line3: text_at(address, &["AddressLine", "Line"]),
        city: text_at(address, &["CityName"]),
        post_code: text_at(address, &["PostalZone"]),
        subdivision: text_at(address, &["CountrySubentity"]),
        country_code: text_at(address, &["Country", "IdentificationCode"]),
    }
}

/// BG-6 / BG-9.
fn read_contact(contact: Node<'_, '_>) -> Option<Contact> {
    non_default(Contact {
        name: text_at(contact, &["Name"]),
        telephone: text_at(contact, &["Telephone"]),
        email: text_at(contact, &["ElectronicMail"]),
    })
}

/// BG-10.
fn read_payee(payee: Node<'_, '_>) -> Payee {
    Payee {
        name: text_at(payee, &["PartyName", "Name"]).unwrap_or_default(),
        identifier: party_identifiers(payee).next(),
        legal_registration_id: path(payee, &["PartyLegalEntity", "CompanyID"]).and_then(schemed_id),
    }
}

/// BG-11.
fn read_tax_representative(party: Node<'_, '_>) -> TaxRepresentative {
    TaxRepresentative {
        name: text_at(party, &["PartyName", "Name"]).unwrap_or_default(),
        vat_id: tax_scheme_id(party, true).map(|id| normalise_identifier(&id)),
        address: child(party, "PostalAddress")
            .map(read_address)
            .unwrap_or_default(),
    }
}

/// BG-13 (UBL allows several `cac:Delivery`; EN 16931 has one).
fn read_delivery(root: Node<'_, '_>) -> Result<Option<Delivery>, String> {
    let Some(delivery) = child(root, "Delivery") else {
        return Ok(None);
    };
    let location = child(delivery, "DeliveryLocation");
    Ok(non_default(Delivery {
        party_name: text_at(delivery, &["DeliveryParty", "PartyName", "Name"]),
        location_id: location.and_then(|l| child(l, "ID")).and_then(schemed_id),
        date: date_at(delivery, &["ActualDeliveryDate"])?,
        address: location.and_then(|l| child(l, "Address")).map(read_address),
    }))
}

/// BG-14 / BG-26.
fn read_period(period: Node<'_, '_>) -> Result<Option<Period>, String> {
    Ok(non_default(Period {
        start: date_at(period, &["StartDate"])?,
        end: date_at(period, &["EndDate"])?,
    }))
}

/// BG-16. UBL repeats `cac:PaymentMeans` per account; the canonical model has one means code, text and
/// remittance information (the first given) and every credit-transfer account.
fn read_payment(
    root: Node<'_, '_>,
    seller: Option<Node<'_, '_>>,
    payee: Option<Node<'_, '_>>,
) -> Option<PaymentInstructions> {
    let means: Vec<_> = children(root, "PaymentMeans").collect();
    let code = means.iter().find_map(|m| child(*m, "PaymentMeansCode"));
    non_default(PaymentInstructions {
        means_code: code.and_then(text_of),
        means_text: code.and_then(|c| attribute(c, "name")),
        remittance_info: means.iter().find_map(|m| text_at(*m, &["PaymentID"])),
        credit_transfers: means
            .iter()
            .filter_map(|m| child(*m, "PayeeFinancialAccount"))
            .filter_map(read_credit_transfer)
            .collect(),
        card_account: means
            .iter()
            .find_map(|m| text_at(*m, &["CardAccount", "PrimaryAccountNumberID"])),
        card_holder_name: means
            .iter()
            .find_map(|m| text_at(*m, &["CardAccount", "HolderName"])),
        mandate_reference: means.iter().find_map(|m| text_at(*m, &["PaymentMandate", "ID"])),
        creditor_id: seller
            .and_then(sepa_creditor_id)
            .or_else(|| payee.and_then(sepa_creditor_id)),
        debited_account: means
            .iter()
            .find_map(|m| text_at(*m, &["PaymentMandate", "PayerFinancialAccount", "ID"]))
            .map(|id| normalise_identifier(&id)),
    })
}

/// BG-17.
fn read_credit_transfer(account: Node<'_, '_>) -> Option<CreditTransfer> {
    Some(CreditTransfer {
        account_id: normalise_identifier(&text_at(account, &["ID"])?),
        account_name: text_at(account, &["Name"]),
        provider_id: text_at(account, &["FinancialInstitutionBranch", "ID"]),
    })
}

/// BG-20 / BG-21.
fn read_allowance_charge(node: Node<'_, '_>) -> Result<AllowanceCharge, String> {
    Ok(AllowanceCharge {
        is_charge: indicator_at(node, &["ChargeIndicator"])?,
        amount: required_decimal_at(node, &["Amount"])?,
        base_amount: decimal_at(node, &["BaseAmount"])?,
        percentage: decimal_at(node, &["MultiplierFactorNumeric"])?,
        vat_category: text_at(node, &["TaxCategory", "ID"]),
        vat_rate: decimal_at(node, &["TaxCategory", "Percent"])?,
        reason: text_at(node, &["AllowanceChargeReason"]),
        reason_code: text_at(node, &["AllowanceChargeReasonCode"]),
    })
}

/// BG-22 except BT-110 / BT-111, which live in `cac:TaxTotal`.
fn read_totals(root: Node<'_, '_>) -> Result<Totals, String> {
    let Some(total) = child(root, "LegalMonetaryTotal") else {
        return Ok(Totals::default());
    };
    Ok(Totals {
        line_net_total: decimal_at(total, &["LineExtensionAmount"])?,
        allowance_total: decimal_at(total, &["AllowanceTotalAmount"])?,
        charge_total: decimal_at(total, &["ChargeTotalAmount"])?,
        tax_exclusive: decimal_at(total, &["TaxExclusiveAmount"])?,
        tax_total: None,
        tax_total_accounting: None,
        tax_inclusive: decimal_at(total, &["TaxInclusiveAmount"])?,
        prepaid: decimal_at(total, &["PrepaidAmount"])?,
        rounding: decimal_at(total, &["PayableRoundingAmount"])?,
        amount_due: decimal_at(total, &["PayableAmount"])?,
    })
}

/// BT-110 / BT-111 and BG-23. Of up to two `cac:TaxTotal`s, the one in the invoice currency (BT-5), which
/// carries the subtotals, is BT-110; the other is BT-111 in the VAT accounting currency (BT-6).
fn read_tax_totals(root: Node<'_, '_>, invoice: &mut Invoice) -> Result<(), String> {
    let mut others = Vec::new();
    for total in children(root, "TaxTotal") {
        let amount = child(total, "TaxAmount");
        let value = amount.map(decimal_value).transpose()?;
        let currency = amount.map(currency_attribute).transpose()?.flatten();
        let in_invoice_currency =
            currency.is_none() || invoice.currency.is_none() || currency == invoice.currency;
        let has_subtotals = child(total, "TaxSubtotal").is_some();
        if has_subtotals || (in_invoice_currency && invoice.totals.tax_total.is_none()) {
            if let Some(previous) = invoice.totals.tax_total.replace(value.unwrap_or_default()) {
                others.push(previous);
            }
            for subtotal in children(total, "TaxSubtotal") {
                invoice.vat_breakdown.push(read_vat_breakdown(subtotal)?);
            }
        } else if let Some(value) = value {
            others.push(value);
        }
    }
    invoice.totals.tax_total_accounting = others.first().copied();
    Ok(())
}

/// BG-23.
fn read_vat_breakdown(subtotal: Node<'_, '_>) -> Result<VatBreakdown, String> {
    let category = child(subtotal, "TaxCategory");
    Ok(VatBreakdown {
        taxable_amount: required_decimal_at(subtotal, &["TaxableAmount"])?,
        tax_amount: required_decimal_at(subtotal, &["TaxAmount"])?,
        category: category.and_then(|c| text_at(c, &["ID"])).unwrap_or_default(),
        rate: category
            .map(|c| decimal_at(c, &["Percent"]))
            .transpose()?
            .flatten(),
        exemption_reason: category.and_then(|c| text_at(c, &["TaxExemptionReason"])),
        exemption_reason_code: category.and_then(|c| text_at(c, &["TaxExemptionReasonCode"])),
    })
}

/// BG-25.
fn read_line(line: Node<'_, '_>, quantity_name: &str) -> Result<InvoiceLine, String> {
    let quantity = child(line, quantity_name);
    let item = child(line, "Item");
    let item_text = |names: &[&str]| item.and_then(|i| text_at(i, names));
    let price = child(line, "Price");
    let price_allowance = price.and_then(|p| child(p, "AllowanceCharge"));
    Ok(InvoiceLine {
        id: text_at(line, &["ID"]).unwrap_or_default(),
        note: joined(children(line, "Note").filter_map(text_of)),
        object_id: children(line, "DocumentReference")
            .find(|r| text_at(*r, &["DocumentTypeCode"]).as_deref() == Some("130"))
            .and_then(|r| child(r, "ID"))
            .and_then(schemed_id),
        quantity: quantity.map(decimal_value).transpose()?,
        unit_code: quantity.and_then(|q| attribute(q, "unitCode")),
        net_amount: decimal_at(line, &["LineExtensionAmount"])?,
        order_line_reference: text_at(line, &["OrderLineReference", "LineID"]),
        accounting_reference: text_at(line, &["AccountingCost"]),
        period: child(line, "InvoicePeriod")
            .map(read_period)
            .transpose()?
            .flatten(),
        allowance_charges: children(line, "AllowanceCharge")
            .map(read_line_allowance_charge)
            .collect::<Result<_, _>>()?,
        net_price: price
            .map(|p| decimal_at(p, &["PriceAmount"]))
            .transpose()?
            .flatten(),
        price_discount: price_allowance
            .map(|a| decimal_at(a, &["Amount"]))
            .transpose()?
            .flatten(),
        gross_price: price_allowance
            .map(|a| decimal_at(a, &["BaseAmount"]))
            .transpose()?
            .flatten(),
        price_base_quantity: price
            .map(|p| decimal_at(p, &["BaseQuantity"]))
            .transpose()?
            .flatten(),
        vat_category: item_text(&["ClassifiedTaxCategory", "ID"]),
        vat_rate: item
            .map(|i| decimal_at(i, &["ClassifiedTaxCategory", "Percent"]))
            .transpose()?
            .flatten(),
        item_name: item_text(&["Name"]),
        item_description: item_text(&["Description"]),
        seller_item_id: item_text(&["SellersItemIdentification", "ID"]),
        buyer_item_id: item_text(&["BuyersItemIdentification", "ID"]),
        standard_item_id: item
            .and_then(|i| path(i, &["StandardItemIdentification", "ID"]))
            .and_then(schemed_id),
        item_classifications: item
            .into_iter()
            .flat_map(|i| children(i, "CommodityClassification"))
            .filter_map(|c| child(c, "ItemClassificationCode"))
            .filter_map(read_item_classification)
            .collect(),
        origin_country: item_text(&["OriginCountry", "IdentificationCode"]),
        item_attributes: item
            .into_iter()
            .flat_map(|i| children(i, "AdditionalItemProperty"))
            .filter_map(|p| read_item_attribute(p, "Name", "Value"))
            .collect(),
    })
}

/// BG-27 / BG-28.
fn read_line_allowance_charge(node: Node<'_, '_>) -> Result<LineAllowanceCharge, String> {
    Ok(LineAllowanceCharge {
        is_charge: indicator_at(node, &["ChargeIndicator"])?,
        amount: required_decimal_at(node, &["Amount"])?,
        base_amount: decimal_at(node, &["BaseAmount"])?,
        percentage: decimal_at(node, &["MultiplierFactorNumeric"])?,
        reason: text_at(node, &["AllowanceChargeReason"]),
        reason_code: text_at(node, &["AllowanceChargeReasonCode"]),
    })
}

fn date_at(node: Node<'_, '_>, names: &[&str]) -> Result<Option<NaiveDate>, String> {
    path(node, names).map(iso_date_value).transpose()
}

/// An `xsd:date`: `YYYY-MM-DD`, optionally followed by a time zone (`Z`, `+01:00`), which is dropped.
fn iso_date_value(node: Node<'_, '_>) -> Result<NaiveDate, String> {
    let raw = node.text().unwrap_or_default().trim();
    let (day, zone) = raw.split_at_checked(10).unwrap_or((raw, ""));
    let zone_ok = zone.is_empty() || zone == "Z" || (zone.len() == 6 && zone.starts_with(['+', '-']));
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .filter(|_| zone_ok && day.len() == 10)
        .ok_or_else(|| {
            format!(
                "{} '{raw}' is not a date (expected YYYY-MM-DD)",
                element_name(node)
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
        xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
        xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">"#;

    fn invoice(body: &str) -> Result<Invoice, String> {
        read(format!("{HEAD}<cbc:ID>1</cbc:ID>{body}</Invoice>").as_bytes())
    }

    #[test]
    fn a_minimal_invoice_is_read() {
        let invoice = invoice(
            "<cbc:IssueDate>2026-01-31</cbc:IssueDate><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>\
             <cbc:Note>#AAI#Thanks</cbc:Note><cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>\
             <cac:LegalMonetaryTotal><cbc:PayableAmount currencyID=\"EUR\">+1471.60</cbc:PayableAmount>\
             </cac:LegalMonetaryTotal>",
        )
        .unwrap();
        assert_eq!(invoice.number.as_deref(), Some("1"));
        assert_eq!(invoice.issue_date, NaiveDate::from_ymd_opt(2026, 1, 31));
        assert_eq!(
            invoice.notes[0],
            Note {
                subject_code: Some("AAI".into()),
                text: "Thanks".into()
            }
        );
        assert_eq!(
            invoice.totals.amount_due.unwrap().to_string(),
            "1471.60",
            "scale is kept, + accepted"
        );
    }

    #[test]
    fn a_malformed_date_names_the_element() {
        let error = invoice("<cbc:IssueDate>2026-13-01</cbc:IssueDate>").unwrap_err();
        assert_eq!(
            error,
            "cbc:IssueDate '2026-13-01' is not a date (expected YYYY-MM-DD)"
        );
    }

    #[test]
    fn a_malformed_amount_names_the_element() {
        let error = invoice(
            "<cac:LegalMonetaryTotal><cbc:PayableAmount currencyID=\"EUR\">1,471.60</cbc:PayableAmount>\
             </cac:LegalMonetaryTotal>",
        )
        .unwrap_err();
        assert_eq!(error, "cbc:PayableAmount '1,471.60' is not a decimal number");
    }

    #[test]
    fn a_wrong_currency_code_names_the_element() {
        let error = invoice("<cbc:DocumentCurrencyCode>EURO</cbc:DocumentCurrencyCode>").unwrap_err();
        assert!(
            error.starts_with("cbc:DocumentCurrencyCode 'EURO' is not an ISO 4217 currency code"),
            "{error}"
        );
        let error =
            invoice("<cac:TaxTotal><cbc:TaxAmount currencyID=\"E1\">1</cbc:TaxAmount></cac:TaxTotal>")
                .unwrap_err();
        assert!(
            error.starts_with("cbc:TaxAmount/@currencyID 'E1' is not"),
            "{error}"
        );
    }

    #[test]
    fn an_allowance_without_amount_is_refused() {
        let error = invoice(
            "<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator></cac:AllowanceCharge>",
        )
        .unwrap_err();
        assert_eq!(
            error,
            "cac:AllowanceCharge has no Amount element, which EN 16931 requires there"
        );
    }

    #[test]
    fn the_tax_total_in_the_other_currency_is_bt_111() {
        let invoice = invoice(
            "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode><cbc:TaxCurrencyCode>SEK</cbc:TaxCurrencyCode>\
             <cac:TaxTotal><cbc:TaxAmount currencyID=\"SEK\">2200</cbc:TaxAmount></cac:TaxTotal>\
             <cac:TaxTotal><cbc:TaxAmount currencyID=\"EUR\">200.00</cbc:TaxAmount><cac:TaxSubtotal>\
             <cbc:TaxableAmount currencyID=\"EUR\">1000</cbc:TaxableAmount>\
             <cbc:TaxAmount currencyID=\"EUR\">200.00</cbc:TaxAmount>\
             <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>20</cbc:Percent></cac:TaxCategory>\
             </cac:TaxSubtotal></cac:TaxTotal>",
        )
        .unwrap();
        assert_eq!(invoice.totals.tax_total.unwrap().to_string(), "200.00");
        assert_eq!(invoice.totals.tax_total_accounting.unwrap().to_string(), "2200");
        assert_eq!(invoice.vat_breakdown.len(), 1);
        assert_eq!(invoice.vat_breakdown[0].category, "S");
    }

    #[test]
    fn a_credit_note_root_is_a_credit_note() {
        let xml = r#"<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
            xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
            <cbc:ID>CN-1</cbc:ID><cbc:CreditNoteTypeCode>380</cbc:CreditNoteTypeCode></CreditNote>"#;
        assert_eq!(
            read(xml.as_bytes()).unwrap().document_type,
            DocumentType::CreditNote
        );
    }
}
