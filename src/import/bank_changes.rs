//! Bank details an import changes: for a vendor already on file, each of IBAN, BIC and account number
//! whose value the file replaces, old → new with all but the last four characters hidden — the change a
//! fraudster wants, shown before the import and kept in the audit trail after it.

use serde::Serialize;

use crate::model::{Vendor, VendorId};

/// One bank field of an existing vendor that the import changes (values masked but for their last four
/// characters; `None`: no value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BankChange {
    pub vendor_id: VendorId,
    /// The vendor's name as the file gives it.
    pub name: String,
    /// `iban`, `bic` or `account_number`.
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl BankChange {
    /// The warning a person reads, e.g. `V1 Acme GmbH: IBAN …3000 → …4321 — confirm the new account with
    /// the vendor by phone before paying to it`.
    pub fn message(&self) -> String {
        format!(
            "{} {}: {} {} → {} — confirm the new account with the vendor by phone before paying to it",
            self.vendor_id,
            self.name,
            bank_field_label(self.field),
            shown(self.old.as_deref()),
            shown(self.new.as_deref())
        )
    }
}

/// A bank field that differs: its name (`iban`, `bic`, `account_number`), old → new, unmasked.
pub type BankFieldChange = (&'static str, Option<String>, Option<String>);

/// Each bank field that differs between two versions of a vendor (on file and imported, or before and
/// after a hand edit), old → new, unmasked: the one definition of "where the vendor is paid changed".
pub fn changed_bank_fields(old: &Vendor, new: &Vendor) -> Vec<BankFieldChange> {
    [
        ("iban", &old.iban, &new.iban),
        ("bic", &old.bic, &new.bic),
        ("account_number", &old.account_number, &new.account_number),
    ]
    .into_iter()
    .filter(|(_, o, n)| o != n)
    .map(|(field, o, n)| (field, o.clone(), n.clone()))
    .collect()
}

/// The bank changes of one imported row, each value masked by `mask`.
pub fn bank_changes(old: &Vendor, new: &Vendor, mask: impl Fn(&str) -> String) -> Vec<BankChange> {
    changed_bank_fields(old, new)
        .into_iter()
        .map(|(field, o, n)| BankChange {
            vendor_id: new.vendor_id.clone(),
            name: new.name.clone(),
            field,
            old: o.as_deref().map(&mask),
            new: n.as_deref().map(&mask),
        })
        .collect()
}

/// A bank field's name as a person says it.
pub fn bank_field_label(field: &str) -> &'static str {
    match field {
        "iban" => "IBAN",
        "bic" => "BIC",
        _ => "account number",
    }
}

/// A masked value as the warning shows it: `…` and its last four characters, or `none`.
fn shown(masked: Option<&str>) -> String {
    match masked {
        None => "none".to_owned(),
        Some(value) => {
            let chars: Vec<char> = value.chars().collect();
            if chars.len() <= 4 {
                value.to_owned()
            } else {
                let last: String = chars[chars.len() - 4..].iter().collect();
                format!("…{last}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;

    fn vendor(iban: Option<&str>, bic: Option<&str>, account: Option<&str>) -> Vendor {
        Vendor {
            vendor_id: VendorId("V1".into()),
            name: "Acme GmbH".into(),
            tax_id: None,
            iban: iban.map(str::to_owned),
            bic: bic.map(str::to_owned),
            account_number: account.map(str::to_owned),
            currency: None,
            email: None,
            payment_terms_days: None,
            default_account: None,
            aliases: Vec::new(),
            origin: Origin::Import("vendors.csv".into()),
        }
    }

    fn hide(value: &str) -> String {
        let n = value.chars().count().saturating_sub(4);
        value
            .chars()
            .enumerate()
            .map(|(i, c)| if i < n { '•' } else { c })
            .collect()
    }

    #[test]
    fn a_changed_iban_is_listed_masked_and_its_warning_names_vendor_and_last_four() {
        let old = vendor(Some("DE89370400440532013000"), Some("COBADEFFXXX"), None);
        let new = vendor(Some("GB82WEST12345698764321"), Some("COBADEFFXXX"), None);
        let changes = bank_changes(&old, &new, hide);
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].field, "iban");
        assert_eq!(changes[0].old.as_deref(), Some("••••••••••••••••••3000"));
        assert_eq!(
            changes[0].message(),
            "V1 Acme GmbH: IBAN …3000 → …4321 — confirm the new account with the vendor by phone before paying to it"
        );
    }

    #[test]
    fn bic_and_account_number_count_and_an_added_or_removed_value_reads_none() {
        let old = vendor(None, Some("COBADEFFXXX"), Some("12345678"));
        let new = vendor(Some("DE89370400440532013000"), None, Some("12345678"));
        let changes = bank_changes(&old, &new, hide);
        let fields: Vec<_> = changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, ["iban", "bic"]);
        assert!(
            changes[0].message().contains("IBAN none → …3000"),
            "{}",
            changes[0].message()
        );
        assert!(
            changes[1].message().contains("BIC …FXXX → none"),
            "{}",
            changes[1].message()
        );
    }

    #[test]
    fn unchanged_bank_details_list_nothing() {
        let same = vendor(Some("DE89370400440532013000"), Some("COBADEFFXXX"), Some("1"));
        assert!(bank_changes(&same, &same.clone(), hide).is_empty());
    }
}
