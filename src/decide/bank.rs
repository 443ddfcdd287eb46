//! Bank details: the payee account on the invoice against the vendor's account on file, accounts a person
//! confirmed out of band, and accounts on this vendor's invoices a person already approved.

use super::evidence::Evidence;
use crate::model::master::normalise_identifier;
use crate::model::{Invoice, InvoiceStatus, Reason, ReasonCode, Vendor};

/// `BANK_DETAILS_CHANGED` when the stated account is not one this vendor is known to use. With nothing on
/// file and no history there is nothing it could differ from, and no reason is raised.
pub fn check_bank_details(invoice: &Invoice, vendor: &Vendor, evidence: &Evidence) -> Vec<Reason> {
    let Some(stated) = invoice.payee_account().map(normalise_identifier) else {
        return Vec::new();
    };
    let on_file: Vec<String> = [&vendor.iban, &vendor.account_number]
        .into_iter()
        .flatten()
        .map(|a| normalise_identifier(a))
        .collect();
    let confirmed: Vec<&str> = evidence
        .bank_confirmations
        .iter()
        .filter(|c| c.vendor_id == vendor.vendor_id)
        .map(|c| c.account.as_str())
        .collect();
    let paid_before: Vec<&str> = evidence
        .past_invoices
        .iter()
        .filter(|p| {
            matches!(
                p.status,
                InvoiceStatus::Approved | InvoiceStatus::Posted | InvoiceStatus::Paid
            )
        })
        .filter_map(|p| p.account.as_deref())
        .collect();
    let known = on_file
        .iter()
        .map(String::as_str)
        .chain(confirmed.iter().copied())
        .chain(paid_before.iter().copied());
    if known.clone().next().is_none() || known.clone().any(|a| a == stated) {
        return Vec::new();
    }
    let mut history: Vec<&str> = confirmed.iter().chain(&paid_before).copied().collect();
    history.sort_unstable();
    history.dedup();
    vec![Reason::new(
        ReasonCode::BankDetailsChanged,
        format!(
            "the invoice asks for payment to {stated}, but vendor {} has {} on file{}; confirm the change with \
             the vendor out of band (e.g. call the number on file) before paying",
            vendor.vendor_id,
            if on_file.is_empty() { "no account".to_owned() } else { on_file.join(", ") },
            if history.is_empty() {
                String::new()
            } else {
                format!(" and was paid or confirmed to {}", history.join(", "))
            }
        ),
        serde_json::json!({
            "rule": "bank.account", "stated": stated, "on_file": on_file, "history": history,
            "vendor_id": vendor.vendor_id,
        }),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::evidence::BankConfirmation;
    use crate::model::invoice::{CreditTransfer, PaymentInstructions};
    use crate::model::{DocumentType, Origin, VendorId};

    fn vendor(iban: Option<&str>) -> Vendor {
        Vendor {
            vendor_id: VendorId("V1".into()),
            name: "Acme".into(),
            tax_id: None,
            iban: iban.map(Into::into),
            bic: None,
            account_number: None,
            currency: None,
            email: None,
            payment_terms_days: None,
            default_account: None,
            aliases: vec![],
            origin: Origin::Import("v.csv".into()),
        }
    }

    fn paying_to(account: &str) -> Invoice {
        let mut i = Invoice::empty(DocumentType::Invoice);
        i.payment = Some(PaymentInstructions {
            credit_transfers: vec![CreditTransfer {
                account_id: account.into(),
                ..Default::default()
            }],
            ..Default::default()
        });
        i
    }

    #[test]
    fn a_different_account_than_on_file_is_flagged_with_both() {
        let reasons = check_bank_details(
            &paying_to("GB33BUKB20201555555555"),
            &vendor(Some("DE89 3704")),
            &Evidence::default(),
        );
        assert_eq!(reasons[0].code, ReasonCode::BankDetailsChanged);
        assert_eq!(reasons[0].detail["stated"], "GB33BUKB20201555555555");
        assert_eq!(reasons[0].detail["on_file"][0], "DE893704");
    }

    #[test]
    fn the_account_on_file_in_other_spacing_is_not_flagged() {
        assert!(check_bank_details(
            &paying_to("de89 3704"),
            &vendor(Some("DE893704")),
            &Evidence::default()
        )
        .is_empty());
    }

    #[test]
    fn a_confirmed_account_becomes_history_and_passes() {
        let evidence = Evidence {
            bank_confirmations: vec![BankConfirmation {
                vendor_id: VendorId("V1".into()),
                account: "GB33BUKB20201555555555".into(),
                confirmed_by: "ann".into(),
                method: "called the number on file".into(),
                confirmed_at: "2026-01-01T00:00:00Z".into(),
            }],
            ..Evidence::default()
        };
        assert!(check_bank_details(
            &paying_to("GB33BUKB20201555555555"),
            &vendor(Some("DE893704")),
            &evidence
        )
        .is_empty());
    }

    #[test]
    fn nothing_on_file_and_no_history_raises_nothing() {
        assert!(check_bank_details(&paying_to("GB33"), &vendor(None), &Evidence::default()).is_empty());
    }
}
