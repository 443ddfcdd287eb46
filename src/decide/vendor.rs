//! Vendor resolution: which vendor on file sent this invoice. Tiered — tax id, then e-invoice party ids,
//! then bank account, then exact name or alias, then a fuzzy name above a threshold — so a strong
//! identifier always wins over a weaker one.

use std::collections::HashMap;

use crate::model::master::normalise_identifier;
use crate::model::{Invoice, Reason, ReasonCode, Vendor, VendorId};
use crate::policy::routing::TraceEntry;

/// A fuzzy name match must be at least this similar (Sørensen–Dice over character bigrams, 0..1) …
pub const FUZZY_NAME_THRESHOLD: f64 = 0.85;
/// … and this much more similar than the next vendor, or it is not taken.
const FUZZY_NAME_MARGIN: f64 = 0.05;

/// How the vendor was recognised, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    TaxId,
    PartyId,
    BankAccount,
    Name,
    FuzzyName,
}

/// The vendors on file, indexed for resolution. Built once per batch, not per invoice.
#[derive(Debug, Clone, Default)]
pub struct VendorDirectory {
    vendors: Vec<Vendor>,
    by_tax_id: HashMap<String, usize>,
    by_account: HashMap<String, usize>,
    by_email: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
    /// (name without legal form, vendor index) for the fuzzy tier.
    names: Vec<(String, usize)>,
}

impl VendorDirectory {
    /// Indexes `vendors`. Where two vendors share an identifier the first keeps it.
    pub fn new(vendors: Vec<Vendor>) -> Self {
        let mut directory = Self::default();
        for (i, v) in vendors.iter().enumerate() {
            if let Some(tax) = &v.tax_id {
                directory.by_tax_id.entry(normalise_identifier(tax)).or_insert(i);
            }
            for account in [&v.iban, &v.account_number].into_iter().flatten() {
                directory
                    .by_account
                    .entry(normalise_identifier(account))
                    .or_insert(i);
            }
            if let Some(email) = &v.email {
                directory.by_email.entry(email.trim().to_lowercase()).or_insert(i);
            }
            for name in std::iter::once(&v.name).chain(&v.aliases) {
                directory.by_name.entry(normalise_name(name)).or_insert(i);
                directory.names.push((without_legal_form(name), i));
            }
        }
        directory.vendors = vendors;
        directory
    }

    /// The vendor with this id.
    pub fn get(&self, id: &VendorId) -> Option<&Vendor> {
        self.vendors.iter().find(|v| &v.vendor_id == id)
    }

    /// How many vendors are on file.
    pub fn len(&self) -> usize {
        self.vendors.len()
    }

    /// Whether no vendor is on file.
    pub fn is_empty(&self) -> bool {
        self.vendors.is_empty()
    }
}

/// The vendor found (if any), how, and the reasons the resolution raises.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    pub vendor: Option<Vendor>,
    pub evidence: Option<Evidence>,
    pub reasons: Vec<Reason>,
    pub trace: Vec<TraceEntry>,
}

impl Resolution {
    /// The resolved vendor's id.
    pub fn vendor_id(&self) -> Option<&VendorId> {
        self.vendor.as_ref().map(|v| &v.vendor_id)
    }
}

/// Finds the vendor of an invoice in the directory.
pub fn resolve_vendor(invoice: &Invoice, directory: &VendorDirectory) -> Resolution {
    let seller = &invoice.seller;
    let seller_tax_id = seller.vat_id.as_deref().map(normalise_identifier);
    let seller_account = invoice.payee_account().map(normalise_identifier);

    let by_tax_id = seller_tax_id
        .as_ref()
        .and_then(|id| directory.by_tax_id.get(id))
        .map(|&i| (i, Evidence::TaxId));
    let by_party_id = || {
        party_ids(invoice).into_iter().find_map(|(id, is_email)| {
            let index = if is_email {
                directory.by_email.get(&id.to_lowercase())
            } else {
                directory.by_tax_id.get(&normalise_identifier(&id))
            };
            index.map(|&i| (i, Evidence::PartyId))
        })
    };
    let by_account = || {
        seller_account
            .as_ref()
            .and_then(|a| directory.by_account.get(a))
            .map(|&i| (i, Evidence::BankAccount))
    };
    let stated_names: Vec<&String> = [&seller.name, &seller.trading_name]
        .into_iter()
        .flatten()
        .collect();
    let by_name = || {
        stated_names
            .iter()
            .find_map(|n| directory.by_name.get(&normalise_name(n)))
            .map(|&i| (i, Evidence::Name))
    };
    let by_fuzzy_name = || {
        stated_names
            .iter()
            .find_map(|n| fuzzy_name(n, directory))
            .map(|i| (i, Evidence::FuzzyName))
    };

    let found = by_tax_id
        .or_else(by_party_id)
        .or_else(by_account)
        .or_else(by_name)
        .or_else(by_fuzzy_name);

    let Some((index, evidence)) = found else {
        let name = seller.name.as_deref().unwrap_or("(no name)");
        let tax = seller_tax_id
            .as_deref()
            .map(|t| format!(", tax id {t}"))
            .unwrap_or_default();
        return Resolution {
            vendor: None,
            evidence: None,
            reasons: vec![Reason::new(
                ReasonCode::UnknownVendor,
                format!(
                    "seller '{name}'{tax} matches no vendor on file by tax id, party id, bank account, name or alias"
                ),
                serde_json::json!({
                    "seller_name": seller.name,
                    "seller_tax_id": seller_tax_id,
                    "seller_account": seller_account,
                    "rule": "vendor.resolve",
                }),
            )],
            trace: vec![TraceEntry::new("vendor.resolve", "no vendor on file matches")],
        };
    };
    let Some(vendor) = directory.vendors.get(index) else {
        return Resolution {
            vendor: None,
            evidence: None,
            reasons: Vec::new(),
            trace: Vec::new(),
        };
    };

    let mut reasons = Vec::new();
    if evidence != Evidence::TaxId {
        if let (Some(stated), Some(on_file)) = (&seller_tax_id, &vendor.tax_id) {
            let on_file = normalise_identifier(on_file);
            if *stated != on_file {
                reasons.push(Reason::new(
                    ReasonCode::VendorTaxIdMismatch,
                    format!(
                        "the invoice states tax id {stated} but vendor {} ({}) has {on_file} on file",
                        vendor.vendor_id, vendor.name
                    ),
                    serde_json::json!({
                        "vendor_id": vendor.vendor_id, "stated": stated, "on_file": on_file,
                        "matched_by": evidence, "rule": "vendor.tax_id",
                    }),
                ));
            }
        }
    }
    Resolution {
        trace: vec![TraceEntry::new(
            "vendor.resolve",
            format!(
                "vendor {} ({}) by {}",
                vendor.vendor_id,
                vendor.name,
                serde_json::to_value(evidence)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ),
        )],
        vendor: Some(vendor.clone()),
        evidence: Some(evidence),
        reasons,
    }
}

/// The seller's e-invoice party identifiers (BT-29, BT-30, BT-32, BT-34): `(id, is_an_email_address)`.
fn party_ids(invoice: &Invoice) -> Vec<(String, bool)> {
    let seller = &invoice.seller;
    let mut ids: Vec<(String, bool)> = seller
        .identifiers
        .iter()
        .chain(&seller.legal_registration_id)
        .map(|s| (s.id.clone(), false))
        .collect();
    if let Some(tax) = &seller.tax_registration_id {
        ids.push((tax.clone(), false));
    }
    if let Some(address) = &seller.electronic_address {
        // scheme EM is an e-mail address; any other scheme (VAT 9930, GLN 0088, …) is compared as an id
        ids.push((address.id.clone(), address.scheme.as_deref() == Some("EM")));
    }
    ids
}

fn fuzzy_name(stated: &str, directory: &VendorDirectory) -> Option<usize> {
    let stated = without_legal_form(stated);
    if stated.is_empty() {
        return None;
    }
    // the best score of each vendor over its name and aliases
    let mut by_vendor: HashMap<usize, f64> = HashMap::new();
    for (name, index) in &directory.names {
        let score = strsim::sorensen_dice(&stated, name);
        let entry = by_vendor.entry(*index).or_insert(0.0);
        *entry = entry.max(score);
    }
    let mut ranked: Vec<(usize, f64)> = by_vendor.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let (index, best) = *ranked.first()?;
    let runner_up = ranked.get(1).map_or(0.0, |r| r.1);
    (best >= FUZZY_NAME_THRESHOLD && best - runner_up >= FUZZY_NAME_MARGIN).then_some(index)
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

/// Company legal forms that say nothing about which company it is.
const LEGAL_FORMS: &[&str] = &[
    "gmbh", "ag", "kg", "ohg", "ug", "ev", "co", "ltd", "limited", "plc", "llc", "inc", "corp", "bv", "nv",
    "sa", "sas", "sarl", "srl", "spa", "ab", "as", "oy", "aps",
];

/// The normalised name without legal-form words, for fuzzy comparison (`"Acme Trading GmbH & Co. KG"` →
/// `"acme trading"`).
fn without_legal_form(name: &str) -> String {
    normalise_name(name)
        .split(' ')
        .filter(|w| !LEGAL_FORMS.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::invoice::{CreditTransfer, PaymentInstructions, SchemedId};
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
            email: Some(format!("{}@example.com", id.to_lowercase())),
            payment_terms_days: None,
            default_account: None,
            aliases: vec![format!("{name} Alias")],
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

    fn directory(vendors: Vec<Vendor>) -> VendorDirectory {
        VendorDirectory::new(vendors)
    }

    #[test]
    fn tax_id_wins_over_a_name_that_points_elsewhere() {
        let d = directory(vec![
            vendor("V1", "Acme", Some("DE1"), None),
            vendor("V2", "Other", Some("DE2"), None),
        ]);
        let resolution = resolve_vendor(&invoice("Acme", Some("de 2"), None), &d);
        assert_eq!(resolution.vendor_id(), Some(&VendorId("V2".into())));
        assert!(resolution.reasons.is_empty());
    }

    #[test]
    fn name_or_alias_match_with_a_different_tax_id_is_a_mismatch() {
        let d = directory(vec![vendor("V1", "Lieferant", Some("DE1"), None)]);
        let resolution = resolve_vendor(&invoice("Lieferant  Alias.", Some("DE9"), None), &d);
        assert_eq!(resolution.vendor_id(), Some(&VendorId("V1".into())));
        assert_eq!(resolution.reasons[0].code, ReasonCode::VendorTaxIdMismatch);
        assert!(resolution.reasons[0].message.contains("DE9"));
    }

    #[test]
    fn bank_account_identifies_a_vendor_without_tax_id() {
        let d = directory(vec![vendor("V1", "Acme", None, Some("DE89370400440532013000"))]);
        let resolution = resolve_vendor(
            &invoice("ACME Trading", None, Some("DE89 3704 0044 0532 0130 00")),
            &d,
        );
        assert_eq!(resolution.vendor_id(), Some(&VendorId("V1".into())));
        assert_eq!(resolution.evidence, Some(Evidence::BankAccount));
    }

    #[test]
    fn an_e_invoice_electronic_address_identifies_the_vendor() {
        let d = directory(vec![vendor("V1", "Acme", Some("DE1"), None)]);
        let mut inv = invoice("Somebody", None, None);
        inv.seller.electronic_address = Some(SchemedId {
            id: "v1@example.com".into(),
            scheme: Some("EM".into()),
        });
        let resolution = resolve_vendor(&inv, &d);
        assert_eq!(resolution.evidence, Some(Evidence::PartyId));
    }

    #[test]
    fn a_slightly_misspelt_name_is_found_above_the_threshold_and_a_different_one_is_not() {
        let d = directory(vec![
            vendor("V1", "Nordwind Logistik GmbH", None, None),
            vendor("V2", "Südstern Bau AG", None, None),
        ]);
        let close = resolve_vendor(&invoice("Nordwind Logistic GmbH", None, None), &d);
        assert_eq!(close.vendor_id(), Some(&VendorId("V1".into())));
        assert_eq!(close.evidence, Some(Evidence::FuzzyName));
        let far = resolve_vendor(&invoice("Nordlicht Medien GmbH", None, None), &d);
        assert_eq!(far.vendor_id(), None);
        assert_eq!(far.reasons[0].code, ReasonCode::UnknownVendor);
    }

    #[test]
    fn two_vendors_equally_close_to_a_misspelt_name_are_not_guessed_between() {
        let d = directory(vec![
            vendor("V1", "Nordwind Logistik GmbH", None, None),
            vendor("V2", "Nordwind Logistik AG", None, None),
        ]);
        let resolution = resolve_vendor(&invoice("Nordwind Logistic", None, None), &d);
        assert_eq!(resolution.vendor_id(), None, "{:?}", resolution.trace);
    }

    #[test]
    fn no_match_is_an_unknown_vendor_naming_the_seller() {
        let resolution = resolve_vendor(&invoice("Stranger Ltd", Some("GB1"), None), &directory(vec![]));
        assert_eq!(resolution.vendor_id(), None);
        assert_eq!(resolution.reasons[0].code, ReasonCode::UnknownVendor);
        assert!(resolution.reasons[0].message.contains("Stranger Ltd"));
    }
}
