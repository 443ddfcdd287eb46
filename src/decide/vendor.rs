//! Vendor resolution: which vendor on file sent this invoice, by tax id, then bank account, then name or
//! alias (tiered: a strong identifier always wins over a weaker one).

use crate::model::master::normalise_identifier;
use crate::model::{Invoice, Reason, ReasonCode, Vendor, VendorId};

/// The vendor found (if any) and the reasons the resolution raises.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    pub vendor_id: Option<VendorId>,
    pub reasons: Vec<Reason>,
}

/// How the vendor was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Evidence {
    TaxId,
    BankAccount,
    Name,
}

/// Finds the vendor of an invoice among `vendors`.
pub fn resolve_vendor(invoice: &Invoice, vendors: &[Vendor]) -> Resolution {
    let seller_tax_id = invoice.seller.vat_id.as_deref().map(normalise_identifier);
    let seller_account = invoice.payee_account().map(normalise_identifier);
    let seller_names: Vec<String> = [&invoice.seller.name, &invoice.seller.trading_name]
        .into_iter()
        .flatten()
        .map(|n| normalise_name(n))
        .collect();

    let by_tax_id = seller_tax_id
        .as_ref()
        .and_then(|id| vendors.iter().find(|v| v.tax_id.as_ref() == Some(id)));
    let by_account = seller_account
        .as_ref()
        .and_then(|acct| vendors.iter().find(|v| v.iban.as_ref() == Some(acct)));
    let by_name = vendors.iter().find(|v| {
        std::iter::once(&v.name)
            .chain(&v.aliases)
            .any(|name| seller_names.contains(&normalise_name(name)))
    });

    let found = by_tax_id
        .map(|v| (v, Evidence::TaxId))
        .or_else(|| by_account.map(|v| (v, Evidence::BankAccount)))
        .or_else(|| by_name.map(|v| (v, Evidence::Name)));

    let Some((vendor, evidence)) = found else {
        let seller = invoice.seller.name.as_deref().unwrap_or("(no name)");
        let tax = seller_tax_id
            .as_deref()
            .map(|t| format!(", tax id {t}"))
            .unwrap_or_default();
        return Resolution {
            vendor_id: None,
            reasons: vec![Reason::new(
                ReasonCode::UnknownVendor,
                format!(
                    "seller '{seller}'{tax} matches no vendor on file by tax id, bank account, name or alias"
                ),
                serde_json::json!({
                    "seller_name": invoice.seller.name,
                    "seller_tax_id": seller_tax_id,
                    "seller_account": seller_account,
                }),
            )],
        };
    };

    let mut reasons = Vec::new();
    if evidence != Evidence::TaxId {
        if let (Some(stated), Some(on_file)) = (&seller_tax_id, &vendor.tax_id) {
            if stated != on_file {
                reasons.push(Reason::new(
                    ReasonCode::VendorTaxIdMismatch,
                    format!(
                        "the invoice states tax id {stated} but vendor {} ({}) has {on_file} on file",
                        vendor.vendor_id, vendor.name
                    ),
                    serde_json::json!({
                        "vendor_id": vendor.vendor_id, "stated": stated, "on_file": on_file,
                        "matched_by": format!("{evidence:?}"),
                    }),
                ));
            }
        }
    }
    Resolution {
        vendor_id: Some(vendor.vendor_id.clone()),
        reasons,
    }
}

/// Lower case, letters and digits only, single spaces: `"ACME  GmbH."` → `"acme gmbh"`.
pub fn normalise_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::invoice::{CreditTransfer, PaymentInstructions};
    use crate::model::{DocumentType, Origin};

    fn vendor(id: &str, name: &str, tax_id: Option<&str>, iban: Option<&str>) -> Vendor {
        Vendor {
            vendor_id: VendorId(id.into()),
            name: name.into(),
            tax_id: tax_id.map(Into::into),
            iban: iban.map(Into::into),
            bic: None,
            account_number: None,
            currency: None,
            email: None,
            payment_terms_days: None,
            default_account: None,
            aliases: vec!["Lieferant AG".into()],
            origin: Origin::Import("vendors.csv".into()),
        }
    }

    fn invoice(name: &str, vat: Option<&str>, iban: Option<&str>) -> Invoice {
        let mut invoice = Invoice::empty(DocumentType::Invoice);
        invoice.seller.name = Some(name.into());
        invoice.seller.vat_id = vat.map(Into::into);
        invoice.payment = iban.map(|account| PaymentInstructions {
            credit_transfers: vec![CreditTransfer {
                account_id: account.into(),
                ..Default::default()
            }],
            ..Default::default()
        });
        invoice
    }

    #[test]
    fn tax_id_wins_over_a_name_that_points_elsewhere() {
        let vendors = [
            vendor("V1", "Acme", Some("DE1"), None),
            vendor("V2", "Other", Some("DE2"), None),
        ];
        let resolution = resolve_vendor(&invoice("Acme", Some("de 2"), None), &vendors);
        assert_eq!(resolution.vendor_id, Some(VendorId("V2".into())));
        assert!(resolution.reasons.is_empty());
    }

    #[test]
    fn name_or_alias_match_with_a_different_tax_id_is_a_mismatch() {
        let vendors = [vendor("V1", "Acme GmbH", Some("DE1"), None)];
        let resolution = resolve_vendor(&invoice("Lieferant  AG.", Some("DE9"), None), &vendors);
        assert_eq!(resolution.vendor_id, Some(VendorId("V1".into())));
        assert_eq!(resolution.reasons[0].code, ReasonCode::VendorTaxIdMismatch);
        assert!(resolution.reasons[0].message.contains("DE9"));
    }

    #[test]
    fn bank_account_identifies_a_vendor_without_tax_id() {
        let vendors = [vendor("V1", "Acme", None, Some("DE89370400440532013000"))];
        let resolution = resolve_vendor(
            &invoice("ACME Trading", None, Some("DE89 3704 0044 0532 0130 00")),
            &vendors,
        );
        assert_eq!(resolution.vendor_id, Some(VendorId("V1".into())));
    }

    #[test]
    fn no_match_is_an_unknown_vendor_naming_the_seller() {
        let resolution = resolve_vendor(&invoice("Stranger Ltd", Some("GB1"), None), &[]);
        assert_eq!(resolution.vendor_id, None);
        assert_eq!(resolution.reasons[0].code, ReasonCode::UnknownVendor);
        assert!(resolution.reasons[0].message.contains("Stranger Ltd"));
    }
}
