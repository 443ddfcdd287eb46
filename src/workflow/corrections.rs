//! Field corrections: a person's `FIELD=VALUE` applied to the canonical invoice, with the field names of
//! contracts/extraction.md and the value normalised the way extraction normalises it (dates `YYYY-MM-DD`,
//! plain decimals, ISO currency, identifiers upper case without spaces).

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::model::invoice::{CreditTransfer, PaymentInstructions};
use crate::model::money::{decimal_text, parse_plain_decimal};
use crate::model::{Currency, DocumentType, Invoice};

/// The header fields a person can correct: those of contracts/extraction.md.
pub const CORRECTABLE_FIELDS: &[&str] = crate::extract::FIELD_NAMES;

/// One requested correction, parsed from `FIELD=VALUE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub field: String,
    pub value: String,
}

/// Parses `FIELD=VALUE` arguments; every problem is named with the argument.
pub fn parse_assignments(args: &[String]) -> Result<Vec<Correction>> {
    if args.is_empty() {
        return Err(Error::Usage(
            "nothing to correct: give one or more FIELD=VALUE, e.g. total_gross=1190.00".into(),
        ));
    }
    args.iter()
        .map(|arg| {
            let (field, value) = arg.split_once('=').ok_or_else(|| {
                Error::Usage(format!(
                    "'{arg}' is not FIELD=VALUE (e.g. invoice_number=INV-1001)"
                ))
            })?;
            let field = field.trim();
            if !CORRECTABLE_FIELDS.contains(&field) {
                return Err(Error::Usage(format!(
                    "'{field}' is not a field that can be corrected; use one of: {}",
                    CORRECTABLE_FIELDS.join(", ")
                )));
            }
            Ok(Correction {
                field: field.to_owned(),
                value: value.trim().to_owned(),
            })
        })
        .collect()
}

/// Applies one correction to `invoice` and returns the normalised value as stored.
pub fn apply(invoice: &mut Invoice, correction: &Correction) -> Result<String> {
    let Correction { field, value } = correction;
    let bad = |why: String| Error::Usage(format!("{field}={value}: {why}"));
    let date = || {
        NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map_err(|_| bad("not a date; write it as YYYY-MM-DD".into()))
    };
    let amount = || parse_plain_decimal(value).map_err(bad);
    let identifier = || {
        value
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase()
    };
    if value.is_empty() {
        return Err(bad("a correction needs a value".into()));
    }
    let stored = match field.as_str() {
        "invoice_number" => set(&mut invoice.number, value.clone()),
        "type_code" => {
            invoice.document_type = DocumentType::from_type_code(value);
            set(&mut invoice.type_code, value.clone())
        }
        "issue_date" => {
            let d = date()?;
            invoice.issue_date = Some(d);
            d.to_string()
        }
        "due_date" => {
            let d = date()?;
            invoice.due_date = Some(d);
            d.to_string()
        }
        "currency" => {
            let c: Currency = value.parse().map_err(bad)?;
            let text = c.code().to_owned();
            invoice.currency = Some(c);
            text
        }
        "seller_name" => set(&mut invoice.seller.name, value.clone()),
        "seller_vat_id" => set(&mut invoice.seller.vat_id, identifier()),
        "buyer_name" => set(&mut invoice.buyer.name, value.clone()),
        "buyer_reference" => set(&mut invoice.buyer_reference, value.clone()),
        "purchase_order_reference" => set(&mut invoice.purchase_order_reference, value.clone()),
        "iban" => {
            let account = identifier();
            let payment = invoice.payment.get_or_insert_with(PaymentInstructions::default);
            match payment.credit_transfers.first_mut() {
                Some(transfer) => transfer.account_id.clone_from(&account),
                None => payment.credit_transfers.push(CreditTransfer {
                    account_id: account.clone(),
                    ..CreditTransfer::default()
                }),
            }
            account
        }
        "total_net" => decimal(&mut invoice.totals.tax_exclusive, amount()?),
        "total_tax" => decimal(&mut invoice.totals.tax_total, amount()?),
        "total_gross" => decimal(&mut invoice.totals.tax_inclusive, amount()?),
        "amount_due" => decimal(&mut invoice.totals.amount_due, amount()?),
        other => {
            return Err(Error::Usage(format!(
                "'{other}' is not a field that can be corrected"
            )))
        }
    };
    Ok(stored)
}

fn set(slot: &mut Option<String>, value: String) -> String {
    *slot = Some(value.clone());
    value
}

fn decimal(slot: &mut Option<rust_decimal::Decimal>, value: rust_decimal::Decimal) -> String {
    *slot = Some(value);
    decimal_text(&value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(arg: &str) -> Correction {
        parse_assignments(&[arg.to_owned()]).unwrap().remove(0)
    }

    #[test]
    fn corrections_are_normalised_like_extraction() {
        let mut invoice = Invoice::empty(DocumentType::Invoice);
        assert_eq!(apply(&mut invoice, &one("total_gross=1190.5")).unwrap(), "1190.5");
        assert_eq!(
            invoice.totals.tax_inclusive,
            Some(rust_decimal::Decimal::new(119_050, 2))
        );
        assert_eq!(
            apply(&mut invoice, &one("iban=de89 3704 0044 0532 0130 00")).unwrap(),
            "DE89370400440532013000"
        );
        assert_eq!(invoice.payee_account(), Some("DE89370400440532013000"));
        assert_eq!(
            apply(&mut invoice, &one("issue_date=2026-02-03")).unwrap(),
            "2026-02-03"
        );
        assert_eq!(apply(&mut invoice, &one("currency=eur")).unwrap(), "EUR");
    }

    #[test]
    fn bad_values_and_unknown_fields_say_what_to_write() {
        let mut invoice = Invoice::empty(DocumentType::Invoice);
        let e = apply(&mut invoice, &one("issue_date=3.2.2026"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("YYYY-MM-DD"), "{e}");
        let e = parse_assignments(&["colour=red".to_owned()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("total_gross"), "{e}");
        let e = parse_assignments(&["total_gross".to_owned()])
            .unwrap_err()
            .to_string();
        assert!(e.contains("FIELD=VALUE"), "{e}");
    }
}
