//! Writes a generated invoice as a minimal, arithmetically consistent UBL 2.1 Invoice or CreditNote.

use rust_decimal::Decimal;

/// One line of a generated invoice.
#[derive(Debug, Clone)]
pub struct GenLine {
    pub item_code: Option<String>,
    pub name: String,
    pub quantity: Decimal,
    pub price: Decimal,
}

impl GenLine {
    /// Quantity × price, in cents.
    pub fn net(&self) -> Decimal {
        (self.quantity * self.price).round_dp(2)
    }
}

/// A generated invoice before it is written.
#[derive(Debug, Clone)]
pub struct GenInvoice {
    pub number: String,
    pub issue_date: chrono::NaiveDate,
    pub credit_note: bool,
    pub currency: String,
    pub seller_name: String,
    pub seller_vat: Option<String>,
    pub iban: Option<String>,
    pub po_reference: Option<String>,
    pub lines: Vec<GenLine>,
    /// A document-level charge (e.g. freight).
    pub charge: Decimal,
}

/// The VAT rate of every generated invoice, in percent.
const VAT_PERCENT: i64 = 19;

impl GenInvoice {
    /// Lines plus charges (BT-109).
    pub fn net(&self) -> Decimal {
        self.lines.iter().map(GenLine::net).sum::<Decimal>() + self.charge
    }

    /// Gross total (BT-112).
    pub fn gross(&self) -> Decimal {
        let net = self.net();
        net + (net * Decimal::new(VAT_PERCENT, 2)).round_dp(2)
    }

    /// The document as UBL XML.
    pub fn to_ubl(&self) -> String {
        let (root, ns, type_tag, type_code, line_tag, qty_tag) = if self.credit_note {
            (
                "CreditNote",
                "CreditNote-2",
                "CreditNoteTypeCode",
                "381",
                "CreditNoteLine",
                "CreditedQuantity",
            )
        } else {
            (
                "Invoice",
                "Invoice-2",
                "InvoiceTypeCode",
                "380",
                "InvoiceLine",
                "InvoicedQuantity",
            )
        };
        let c = &self.currency;
        let lines_net: Decimal = self.lines.iter().map(GenLine::net).sum();
        let net = self.net();
        let gross = self.gross();
        let tax = gross - net;
        let mut x = String::new();
        x.push_str(&format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{root} xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:{ns}\" \
             xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\" \
             xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">\n"
        ));
        x.push_str("<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>\n");
        x.push_str(&format!(
            "<cbc:ID>{}</cbc:ID>\n<cbc:IssueDate>{}</cbc:IssueDate>\n",
            esc(&self.number),
            self.issue_date
        ));
        x.push_str(&format!("<cbc:{type_tag}>{type_code}</cbc:{type_tag}>\n<cbc:DocumentCurrencyCode>{c}</cbc:DocumentCurrencyCode>\n"));
        x.push_str("<cbc:BuyerReference>BUYER-1</cbc:BuyerReference>\n");
        if let Some(po) = &self.po_reference {
            x.push_str(&format!(
                "<cac:OrderReference><cbc:ID>{}</cbc:ID></cac:OrderReference>\n",
                esc(po)
            ));
        }
        x.push_str("<cac:AccountingSupplierParty><cac:Party>");
        x.push_str(&format!(
            "<cac:PartyName><cbc:Name>{}</cbc:Name></cac:PartyName>",
            esc(&self.seller_name)
        ));
        x.push_str("<cac:PostalAddress><cbc:CityName>Berlin</cbc:CityName><cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>");
        if let Some(vat) = &self.seller_vat {
            x.push_str(&format!(
                "<cac:PartyTaxScheme><cbc:CompanyID>{}</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>",
                esc(vat)
            ));
        }
        x.push_str(&format!(
            "<cac:PartyLegalEntity><cbc:RegistrationName>{}</cbc:RegistrationName></cac:PartyLegalEntity>",
            esc(&self.seller_name)
        ));
        x.push_str("</cac:Party></cac:AccountingSupplierParty>\n");
        x.push_str("<cac:AccountingCustomerParty><cac:Party><cac:PostalAddress><cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode></cac:Country></cac:PostalAddress><cac:PartyLegalEntity><cbc:RegistrationName>Synthetic Buyer GmbH</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>\n");
        if let Some(iban) = &self.iban {
            x.push_str(&format!(
                "<cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode><cac:PayeeFinancialAccount><cbc:ID>{}</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>\n",
                esc(iban)
            ));
        }
        if !self.charge.is_zero() {
            x.push_str(&format!(
                "<cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator><cbc:AllowanceChargeReason>Freight</cbc:AllowanceChargeReason><cbc:Amount currencyID=\"{c}\">{}</cbc:Amount><cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>{VAT_PERCENT}</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:AllowanceCharge>\n",
                self.charge
            ));
        }
        x.push_str(&format!(
            "<cac:TaxTotal><cbc:TaxAmount currencyID=\"{c}\">{tax}</cbc:TaxAmount><cac:TaxSubtotal><cbc:TaxableAmount currencyID=\"{c}\">{net}</cbc:TaxableAmount><cbc:TaxAmount currencyID=\"{c}\">{tax}</cbc:TaxAmount><cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>{VAT_PERCENT}</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal>\n"
        ));
        x.push_str(&format!("<cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID=\"{c}\">{lines_net}</cbc:LineExtensionAmount><cbc:TaxExclusiveAmount currencyID=\"{c}\">{net}</cbc:TaxExclusiveAmount><cbc:TaxInclusiveAmount currencyID=\"{c}\">{gross}</cbc:TaxInclusiveAmount>"));
        if !self.charge.is_zero() {
            x.push_str(&format!(
                "<cbc:ChargeTotalAmount currencyID=\"{c}\">{}</cbc:ChargeTotalAmount>",
                self.charge
            ));
        }
        x.push_str(&format!(
            "<cbc:PayableAmount currencyID=\"{c}\">{gross}</cbc:PayableAmount></cac:LegalMonetaryTotal>\n"
        ));
        for (i, l) in self.lines.iter().enumerate() {
            x.push_str(&format!(
                "<cac:{line_tag}><cbc:ID>{}</cbc:ID><cbc:{qty_tag} unitCode=\"C62\">{}</cbc:{qty_tag}><cbc:LineExtensionAmount currencyID=\"{c}\">{}</cbc:LineExtensionAmount><cac:Item><cbc:Name>{}</cbc:Name>",
                i + 1,
                l.quantity,
                l.net(),
                esc(&l.name)
            ));
            if let Some(code) = &l.item_code {
                x.push_str(&format!(
                    "<cac:SellersItemIdentification><cbc:ID>{}</cbc:ID></cac:SellersItemIdentification>",
                    esc(code)
                ));
            }
            x.push_str(&format!(
                "<cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>{VAT_PERCENT}</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory></cac:Item><cac:Price><cbc:PriceAmount currencyID=\"{c}\">{}</cbc:PriceAmount></cac:Price></cac:{line_tag}>\n",
                l.price
            ));
        }
        x.push_str(&format!("</{root}>\n"));
        x
    }
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
