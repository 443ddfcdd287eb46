//! ZUGFeRD 1.0 (`rsm:CrossIndustryDocument`, namespace `urn:ferd:CrossIndustryDocument:invoice:1p0`) →
//! canonical EN 16931 invoice.
//!
//! ZUGFeRD 1.0 is the UN/CEFACT CII of 2009 (D09A): the same business terms as CII D16B under older element
//! names. Rather than a second mapping that would drift from `cii.rs`, the document is rewritten element by
//! element into D16B names (the renames below, the ones ZUGFeRD 2.0's migration guide lists) and read by the
//! CII reader. The guideline (BT-24, `urn:ferd:CrossIndustryDocument:invoice:1p0:comfort` etc.) is kept as
//! written, so later steps can tell a ZUGFeRD 1.0 invoice from an EN 16931 one.

use super::xml::decode_utf8;
use crate::model::invoice::Invoice;
use crate::rules::tree::{read_for_rules, Document, Node};

/// The ZUGFeRD 1.0 root namespace.
pub const ZUGFERD1_NS: &str = "urn:ferd:CrossIndustryDocument:invoice:1p0";

/// Reads a ZUGFeRD 1.0 document (already sniffed as such). Errors are sentences for the user.
pub fn read(bytes: &[u8]) -> Result<Invoice, String> {
    let text = decode_utf8(bytes)?;
    read_tree(&read_for_rules(text)?)
}

/// Reads a ZUGFeRD 1.0 document already parsed ([`read_for_rules`]: no attachment's content is read, only
/// its attributes, so the rules' tree with payloads cut serves both).
pub fn read_tree(document: &Document<'_>) -> Result<Invoice, String> {
    let root = document.root_element();
    if root.tag_name().name() != "CrossIndustryDocument" {
        return Err(format!(
            "the XML is a '{}', not a ZUGFeRD 1.0 CrossIndustryDocument",
            root.tag_name().name()
        ));
    }
    let mut rewritten = String::with_capacity(document.input_text().len());
    write_renamed(root, false, &mut rewritten);
    super::cii::read(rewritten.as_bytes())
}

/// Writes `node` with D16B element names. Namespaces are dropped: the CII reader finds elements by local
/// name. `in_line` is true below `ram:IncludedSupplyChainTradeLineItem`, where the summation and the
/// agreement/delivery/settlement groups have line-level names in D16B.
fn write_renamed(node: Node<'_, '_>, in_line: bool, out: &mut String) {
    if node.is_text() {
        escape_into(node.text().unwrap_or_default(), out);
        return;
    }
    if !node.is_element() {
        return;
    }
    let local = node.tag_name().name();
    let parent = node
        .parent_element()
        .map(|p| p.tag_name().name())
        .unwrap_or_default();
    let name = d16b_name(local, parent, in_line);
    let in_line = in_line || local == "IncludedSupplyChainTradeLineItem";
    out.push('<');
    out.push_str(name);
    for attribute in node.attributes() {
        if attribute.namespace().is_some() {
            continue;
        }
        out.push(' ');
        out.push_str(attribute.name());
        out.push_str("=\"");
        escape_into(attribute.value(), out);
        out.push('"');
    }
    out.push('>');
    for child in node.children() {
        write_renamed(child, in_line, out);
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// The D16B name of a ZUGFeRD 1.0 (D09A) element, given its parent's local name.
fn d16b_name<'a>(local: &'a str, parent: &str, in_line: bool) -> &'a str {
    match (local, in_line) {
        ("CrossIndustryDocument", _) => "CrossIndustryInvoice",
        ("SpecifiedExchangedDocumentContext", _) => "ExchangedDocumentContext",
        ("HeaderExchangedDocument", _) => "ExchangedDocument",
        ("SpecifiedSupplyChainTradeTransaction", _) => "SupplyChainTradeTransaction",
        ("ApplicableSupplyChainTradeAgreement", _) => "ApplicableHeaderTradeAgreement",
        ("ApplicableSupplyChainTradeDelivery", _) => "ApplicableHeaderTradeDelivery",
        ("ApplicableSupplyChainTradeSettlement", _) => "ApplicableHeaderTradeSettlement",
        ("SpecifiedSupplyChainTradeAgreement", _) => "SpecifiedLineTradeAgreement",
        ("SpecifiedSupplyChainTradeDelivery", _) => "SpecifiedLineTradeDelivery",
        ("SpecifiedSupplyChainTradeSettlement", _) => "SpecifiedLineTradeSettlement",
        ("SpecifiedTradeSettlementMonetarySummation", false) => {
            "SpecifiedTradeSettlementHeaderMonetarySummation"
        }
        ("SpecifiedTradeSettlementMonetarySummation", true) => {
            "SpecifiedTradeSettlementLineMonetarySummation"
        }
        // D09A's VAT rate is `ram:ApplicablePercent`; D16B's `ram:RateApplicablePercent`.
        ("ApplicablePercent", _) if matches!(parent, "ApplicableTradeTax" | "CategoryTradeTax") => {
            "RateApplicablePercent"
        }
        // D09A identifies a referenced document with `ram:ID`; D16B with `ram:IssuerAssignedID`.
        ("ID", _) if parent.ends_with("ReferencedDocument") => "IssuerAssignedID",
        _ => local,
    }
}

fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
 <rsm:SpecifiedExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>
   <ram:ID>urn:ferd:CrossIndustryDocument:invoice:1p0:comfort</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
 </rsm:SpecifiedExchangedDocumentContext>
 <rsm:HeaderExchangedDocument><ram:ID>RE-1 &amp; 2</ram:ID><ram:TypeCode>380</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20130305</udt:DateTimeString></ram:IssueDateTime>
 </rsm:HeaderExchangedDocument>
 <rsm:SpecifiedSupplyChainTradeTransaction>
  <ram:ApplicableSupplyChainTradeAgreement>
   <ram:SellerTradeParty><ram:Name>Lieferant GmbH</ram:Name>
    <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE123456789</ram:ID></ram:SpecifiedTaxRegistration>
   </ram:SellerTradeParty>
   <ram:BuyerTradeParty><ram:Name>Kunden AG</ram:Name></ram:BuyerTradeParty>
   <ram:BuyerOrderReferencedDocument><ram:ID>PO-77</ram:ID></ram:BuyerOrderReferencedDocument>
  </ram:ApplicableSupplyChainTradeAgreement>
  <ram:ApplicableSupplyChainTradeSettlement>
   <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
   <ram:ApplicableTradeTax><ram:CalculatedAmount currencyID="EUR">19.00</ram:CalculatedAmount>
    <ram:TypeCode>VAT</ram:TypeCode><ram:BasisAmount currencyID="EUR">100.00</ram:BasisAmount>
    <ram:CategoryCode>S</ram:CategoryCode><ram:ApplicablePercent>19.00</ram:ApplicablePercent>
   </ram:ApplicableTradeTax>
   <ram:SpecifiedTradeSettlementMonetarySummation>
    <ram:LineTotalAmount currencyID="EUR">100.00</ram:LineTotalAmount>
    <ram:TaxBasisTotalAmount currencyID="EUR">100.00</ram:TaxBasisTotalAmount>
    <ram:TaxTotalAmount currencyID="EUR">19.00</ram:TaxTotalAmount>
    <ram:GrandTotalAmount currencyID="EUR">119.00</ram:GrandTotalAmount>
    <ram:DuePayableAmount currencyID="EUR">119.00</ram:DuePayableAmount>
   </ram:SpecifiedTradeSettlementMonetarySummation>
  </ram:ApplicableSupplyChainTradeSettlement>
  <ram:IncludedSupplyChainTradeLineItem>
   <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
   <ram:SpecifiedSupplyChainTradeDelivery><ram:BilledQuantity unitCode="C62">2</ram:BilledQuantity></ram:SpecifiedSupplyChainTradeDelivery>
   <ram:SpecifiedSupplyChainTradeSettlement><ram:SpecifiedTradeSettlementMonetarySummation>
     <ram:LineTotalAmount currencyID="EUR">100.00</ram:LineTotalAmount>
   </ram:SpecifiedTradeSettlementMonetarySummation></ram:SpecifiedSupplyChainTradeSettlement>
   <ram:SpecifiedTradeProduct><ram:Name>Trennblätter &lt;A4&gt;</ram:Name></ram:SpecifiedTradeProduct>
  </ram:IncludedSupplyChainTradeLineItem>
 </rsm:SpecifiedSupplyChainTradeTransaction>
</rsm:CrossIndustryDocument>"#;

    #[test]
    fn zugferd_1_header_parties_totals_and_lines_are_read() {
        let invoice = read(SAMPLE.as_bytes()).unwrap();
        assert_eq!(
            invoice.number.as_deref(),
            Some("RE-1 & 2"),
            "escaped text survives the rewrite"
        );
        assert_eq!(invoice.issue_date.unwrap().to_string(), "2013-03-05");
        assert_eq!(
            invoice.specification_id.as_deref(),
            Some("urn:ferd:CrossIndustryDocument:invoice:1p0:comfort"),
            "BT-24 is kept as written"
        );
        assert_eq!(invoice.seller.name.as_deref(), Some("Lieferant GmbH"));
        assert_eq!(invoice.seller.vat_id.as_deref(), Some("DE123456789"));
        assert_eq!(invoice.purchase_order_reference.as_deref(), Some("PO-77"));
        assert_eq!(invoice.totals.tax_inclusive, Some(Decimal::new(11900, 2)));
        assert_eq!(invoice.totals.amount_due, Some(Decimal::new(11900, 2)));
        assert_eq!(invoice.vat_breakdown.len(), 1);
        assert_eq!(
            invoice.vat_breakdown[0].rate,
            Some(Decimal::new(1900, 2)),
            "ApplicablePercent is the rate"
        );
        assert_eq!(invoice.lines.len(), 1);
        assert_eq!(
            invoice.lines[0].net_amount,
            Some(Decimal::new(10000, 2)),
            "line-level summation"
        );
        assert_eq!(invoice.lines[0].item_name.as_deref(), Some("Trennblätter <A4>"));
    }
}
