//! The QuickBooks Online `Bill` we send for an approved invoice: `VendorRef`, one `Line` per invoice line with
//! an `AccountBasedExpenseLineDetail` (its `AccountRef` from the account mapping, its `TaxCodeRef` from the
//! tax mapping), `TxnDate`, `DueDate`, `DocNumber`, `CurrencyRef` and a `PrivateNote` naming our invoice.
//!
//! QuickBooks needs an account id on every expense line: a line's accounting reference mapped with `sync
//! --target qbo map-account CODE --to ID`, else the fallback mapped under the key `*`. A vendor mapped to a
//! QuickBooks vendor id goes as `VendorRef.value`; an unmapped one goes by name and the connector resolves it
//! (looked up by `DisplayName`, created when QuickBooks has none) before the bill is sent.

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::error::{Error, Result};
use crate::model::invoice::{DocumentType, Invoice};
use crate::sync::bill::line_description;
use crate::sync::mapping::{tax_keys, Mapping, Mappings};

/// The account mapping key used for lines whose own account code is not mapped.
pub const FALLBACK_ACCOUNT: &str = "*";
/// QuickBooks' longest `DocNumber`.
pub const DOC_NUMBER_MAX: usize = 21;

fn number(value: Decimal) -> Value {
    // QuickBooks types amounts as JSON numbers; the decimal text is exact for an invoice amount's digits
    serde_json::from_str::<Value>(&value.round_dp(2).normalize().to_string()).unwrap_or(Value::Null)
}

/// The QuickBooks `Bill` for an approved supplier invoice.
pub fn qbo_bill(
    invoice: &Invoice,
    vendor_name: &str,
    vendor_id: Option<&str>,
    mappings: &Mappings,
    invoice_id: i64,
    key: &str,
) -> Result<Value> {
    let refuse = |what: String| {
        Error::InvalidData(format!(
            "invoice {invoice_id} cannot be sent to QuickBooks Online: {what}"
        ))
    };
    if invoice.document_type == DocumentType::CreditNote {
        return Err(refuse(
            "credit notes are not pushed yet (QuickBooks VendorCredit); enter it in QuickBooks by hand"
                .into(),
        ));
    }
    let doc_number = invoice
        .number
        .clone()
        .ok_or_else(|| refuse("it has no invoice number".into()))?;
    if doc_number.chars().count() > DOC_NUMBER_MAX {
        return Err(refuse(format!(
            "its number '{doc_number}' is longer than QuickBooks' {DOC_NUMBER_MAX} characters for DocNumber"
        )));
    }
    let issue = invoice
        .issue_date
        .ok_or_else(|| refuse("it has no issue date".into()))?;
    let account_for = |code: Option<&String>| -> Result<String> {
        code.and_then(|code| mappings.accounts.get(code))
            .or_else(|| mappings.accounts.get(FALLBACK_ACCOUNT))
            .cloned()
            .ok_or_else(|| {
                refuse(format!(
                    "no QuickBooks expense account for account code {}: run `backdesk sync --target qbo \
                     map-account {} --to ACCOUNT_ID` (or map-account '{FALLBACK_ACCOUNT}' for every unmapped line)",
                    code.map_or("(none)", String::as_str),
                    code.map_or(FALLBACK_ACCOUNT, String::as_str)
                ))
            })
    };
    let mut lines = Vec::new();
    for line in &invoice.lines {
        let amount = line
            .net_amount
            .or_else(|| Some(line.net_price? * line.quantity?))
            .ok_or_else(|| refuse(format!("line {} has no net amount", line.id)))?;
        let mut detail = Map::new();
        detail.insert(
            "AccountRef".into(),
            json!({"value": account_for(line.accounting_reference.as_ref())?}),
        );
        if let Some(category) = &line.vat_category {
            if let Some(tax) = tax_keys(category, line.vat_rate)
                .iter()
                .find_map(|key| mappings.taxes.get(key))
            {
                detail.insert("TaxCodeRef".into(), json!({"value": tax}));
            }
        }
        let description = line_description(line);
        lines.push(json!({
            "DetailType": "AccountBasedExpenseLineDetail",
            "Amount": number(amount),
            "Description": description,
            "AccountBasedExpenseLineDetail": Value::Object(detail),
        }));
    }
    if lines.is_empty() {
        let net = invoice
            .totals
            .tax_exclusive
            .or(invoice.totals.line_net_total)
            .ok_or_else(|| refuse("it has neither lines nor a net total".into()))?;
        lines.push(json!({
            "DetailType": "AccountBasedExpenseLineDetail",
            "Amount": number(net),
            "Description": format!("Invoice {doc_number}"),
            "AccountBasedExpenseLineDetail": {"AccountRef": {"value": account_for(None)?}},
        }));
    }
    let vendor_ref = match vendor_id.and_then(|id| mappings.vendors.get(id)) {
        Some(Mapping::Remote(id)) => json!({"value": id, "name": vendor_name}),
        _ => json!({"name": vendor_name}),
    };
    let mut bill = Map::new();
    bill.insert("VendorRef".into(), vendor_ref);
    bill.insert("DocNumber".into(), json!(doc_number));
    bill.insert("TxnDate".into(), json!(issue.format("%Y-%m-%d").to_string()));
    if let Some(due) = invoice.due_date {
        bill.insert("DueDate".into(), json!(due.format("%Y-%m-%d").to_string()));
    }
    if let Some(currency) = &invoice.currency {
        bill.insert("CurrencyRef".into(), json!({"value": currency.code()}));
    }
    if lines
        .iter()
        .any(|line| line["AccountBasedExpenseLineDetail"].get("TaxCodeRef").is_some())
    {
        // the line amounts are net of tax
        bill.insert("GlobalTaxCalculation".into(), json!("TaxExcluded"));
    }
    bill.insert(
        "PrivateNote".into(),
        json!(format!("Backdesk invoice {invoice_id} ({key})")),
    );
    bill.insert("Line".into(), Value::Array(lines));
    Ok(Value::Object(bill))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::invoice::InvoiceLine;

    fn invoice() -> Invoice {
        let mut invoice = Invoice::empty(DocumentType::Invoice);
        invoice.number = Some("R-2026-17".into());
        invoice.issue_date = chrono::NaiveDate::from_ymd_opt(2026, 11, 2);
        invoice.due_date = chrono::NaiveDate::from_ymd_opt(2026, 12, 2);
        invoice.lines = vec![
            InvoiceLine {
                id: "1".into(),
                item_name: Some("Paper".into()),
                net_amount: Some(Decimal::new(12050, 2)),
                accounting_reference: Some("6000".into()),
                vat_category: Some("S".into()),
                vat_rate: Some(Decimal::new(19, 0)),
                ..InvoiceLine::default()
            },
            InvoiceLine {
                id: "2".into(),
                quantity: Some(Decimal::new(3, 0)),
                net_price: Some(Decimal::new(250, 2)),
                ..InvoiceLine::default()
            },
        ];
        invoice
    }

    #[test]
    fn a_bill_carries_vendor_lines_accounts_tax_dates_and_our_key() {
        let mut mappings = Mappings::default();
        mappings.accounts.insert("6000".into(), "61".into());
        mappings.accounts.insert(FALLBACK_ACCOUNT.into(), "7".into());
        mappings.taxes.insert("S-19".into(), "TAX19".into());
        mappings.vendors.insert("V1".into(), Mapping::Remote("56".into()));
        let bill = qbo_bill(
            &invoice(),
            "Paper AG",
            Some("V1"),
            &mappings,
            4,
            "backdesk-qbo-4-ab",
        )
        .unwrap();
        assert_eq!(bill["VendorRef"], json!({"value": "56", "name": "Paper AG"}));
        assert_eq!(bill["DocNumber"], "R-2026-17");
        assert_eq!(bill["TxnDate"], "2026-11-02");
        assert_eq!(bill["DueDate"], "2026-12-02");
        assert_eq!(bill["Line"][0]["Amount"], json!(120.5));
        assert_eq!(
            bill["Line"][0]["AccountBasedExpenseLineDetail"],
            json!({"AccountRef": {"value": "61"}, "TaxCodeRef": {"value": "TAX19"}})
        );
        assert_eq!(bill["Line"][1]["Amount"], json!(7.5), "quantity × net price");
        assert_eq!(
            bill["Line"][1]["AccountBasedExpenseLineDetail"]["AccountRef"]["value"], "7",
            "an unmapped line takes the fallback account"
        );
        assert_eq!(bill["GlobalTaxCalculation"], "TaxExcluded");
        assert!(bill["PrivateNote"]
            .as_str()
            .unwrap()
            .contains("backdesk-qbo-4-ab"));
        // unmapped vendor: by name, resolved by the connector
        let bill = qbo_bill(&invoice(), "Paper AG", None, &mappings, 4, "k").unwrap();
        assert_eq!(bill["VendorRef"], json!({"name": "Paper AG"}));
    }

    #[test]
    fn a_bill_without_an_account_or_with_a_long_number_is_refused_with_what_to_do() {
        let error = qbo_bill(&invoice(), "Paper AG", None, &Mappings::default(), 4, "k")
            .unwrap_err()
            .to_string();
        assert!(error.contains("map-account 6000"), "{error}");
        let mut long = invoice();
        long.number = Some("X".repeat(DOC_NUMBER_MAX + 1));
        let mut mappings = Mappings::default();
        mappings.accounts.insert(FALLBACK_ACCOUNT.into(), "7".into());
        let error = qbo_bill(&long, "Paper AG", None, &mappings, 4, "k")
            .unwrap_err()
            .to_string();
        assert!(error.contains("21 characters"), "{error}");
    }
}
