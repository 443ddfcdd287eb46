//! What our vendors, accounts and tax codes are called in an accounting system: a vendor is either mapped to
//! one of its records or marked to be created there; an account or tax code is mapped to the remote code.
//! Kept in `sync_mappings` (migration 0009) so `sync` asks once and remembers.

use std::collections::HashMap;

use serde_json::{json, Value};
use sqlx::{Row, SqlitePool};

use crate::error::{Error, Result};
use crate::model::invoice::Invoice;

/// What is mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Vendor,
    Account,
    Tax,
}

impl Kind {
    /// The name stored in `sync_mappings.kind`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Vendor => "vendor",
            Self::Account => "account",
            Self::Tax => "tax",
        }
    }
}

/// Where a local record goes on the other side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mapping {
    /// The remote record (contact / vendor id, account code, tax type) it is.
    Remote(String),
    /// Create it on the other side (vendors only).
    Create,
}

/// Records (replacing) the mapping of `local_key` for `target`. Only vendors may be created remotely.
pub async fn set(
    pool: &SqlitePool,
    target: &str,
    kind: Kind,
    local_key: &str,
    mapping: &Mapping,
    now: &str,
) -> Result<()> {
    let remote = match mapping {
        Mapping::Remote(id) if id.trim().is_empty() => {
            return Err(Error::Usage(format!(
                "the {target} {} id for '{local_key}' is empty: give the id the other side uses",
                kind.name()
            )));
        }
        Mapping::Remote(id) => Some(id.trim().to_owned()),
        Mapping::Create if kind != Kind::Vendor => {
            return Err(Error::Usage(format!(
                "only vendors can be created in {target}; map {} '{local_key}' to an existing code with --to",
                kind.name()
            )));
        }
        Mapping::Create => None,
    };
    sqlx::query(
        "INSERT INTO sync_mappings (target, kind, local_key, remote_id, create_remote, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (target, kind, local_key) DO UPDATE SET
           remote_id = excluded.remote_id, create_remote = excluded.create_remote, updated_at = excluded.updated_at",
    )
    .bind(target)
    .bind(kind.name())
    .bind(local_key)
    .bind(remote.as_deref())
    .bind(i64::from(remote.is_none()))
    .bind(now)
    .execute(pool)
    .await
    .map_err(Error::database(format!(
        "record the {target} mapping of {} '{local_key}'",
        kind.name()
    )))?;
    Ok(())
}

/// The mapping of `local_key` for `target`, if one was recorded.
pub async fn get(pool: &SqlitePool, target: &str, kind: Kind, local_key: &str) -> Result<Option<Mapping>> {
    let row = sqlx::query(
        "SELECT remote_id, create_remote FROM sync_mappings WHERE target = ? AND kind = ? AND local_key = ?",
    )
    .bind(target)
    .bind(kind.name())
    .bind(local_key)
    .fetch_optional(pool)
    .await
    .map_err(Error::database(format!(
        "read the {target} mapping of {} '{local_key}'",
        kind.name()
    )))?;
    Ok(row.map(|row| {
        let remote: Option<String> = row.get(0);
        match remote {
            Some(id) => Mapping::Remote(id),
            None => Mapping::Create,
        }
    }))
}

/// Every mapping of one kind for `target`, by local key.
pub async fn all(pool: &SqlitePool, target: &str, kind: Kind) -> Result<Vec<(String, Mapping)>> {
    let rows = sqlx::query(
        "SELECT local_key, remote_id FROM sync_mappings WHERE target = ? AND kind = ? ORDER BY local_key",
    )
    .bind(target)
    .bind(kind.name())
    .fetch_all(pool)
    .await
    .map_err(Error::database(format!(
        "list the {target} {} mappings",
        kind.name()
    )))?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let remote: Option<String> = row.get(1);
            (row.get(0), remote.map_or(Mapping::Create, Mapping::Remote))
        })
        .collect())
}

/// The mappings a bill is built with, loaded once per run.
#[derive(Debug, Clone, Default)]
pub struct Mappings {
    pub vendors: HashMap<String, Mapping>,
    pub accounts: HashMap<String, String>,
    pub taxes: HashMap<String, String>,
}

impl Mappings {
    /// Every mapping recorded for `target`.
    pub async fn load(pool: &SqlitePool, target: &str) -> Result<Self> {
        let remote_only = |rows: Vec<(String, Mapping)>| -> HashMap<String, String> {
            rows.into_iter()
                .filter_map(|(key, mapping)| match mapping {
                    Mapping::Remote(id) => Some((key, id)),
                    Mapping::Create => None,
                })
                .collect()
        };
        Ok(Self {
            vendors: all(pool, target, Kind::Vendor).await?.into_iter().collect(),
            accounts: remote_only(all(pool, target, Kind::Account).await?),
            taxes: remote_only(all(pool, target, Kind::Tax).await?),
        })
    }
}

/// The tax mapping keys of a line, most specific first: `CATEGORY-RATE` (e.g. `S-19`), then `CATEGORY`.
pub fn tax_keys(category: &str, rate: Option<rust_decimal::Decimal>) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some(rate) = rate {
        keys.push(format!("{category}-{}", rate.normalize()));
    }
    keys.push(category.to_owned());
    keys
}

/// Applies the mappings to a Xero bill built from `invoice`: a mapped vendor becomes `Contact.ContactID`, a
/// mapped account replaces the line's `AccountCode`, a mapped tax code sets the line's `TaxType`. Lines are
/// matched in order (the bill has one line per invoice line).
pub fn apply_xero(bill: &mut Value, invoice: &Invoice, vendor_id: Option<&str>, mappings: &Mappings) {
    if let Some(Mapping::Remote(contact)) = vendor_id.and_then(|id| mappings.vendors.get(id)) {
        bill["Contact"] = json!({ "ContactID": contact });
    }
    let Some(lines) = bill["LineItems"].as_array_mut() else {
        return;
    };
    for (item, line) in lines.iter_mut().zip(&invoice.lines) {
        if let Some(code) = line
            .accounting_reference
            .as_ref()
            .and_then(|code| mappings.accounts.get(code))
        {
            item["AccountCode"] = json!(code);
        }
        if let Some(category) = &line.vat_category {
            if let Some(tax) = tax_keys(category, line.vat_rate)
                .iter()
                .find_map(|key| mappings.taxes.get(key))
            {
                item["TaxType"] = json!(tax);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn mappings_are_remembered_replaced_and_kept_apart_by_target_and_kind() {
        let dir = tempfile::tempdir().unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let store = Store::open(&dir.path().join("backdesk.db")).await.unwrap();
            let pool = store.pool();
            let now = "2026-11-21T00:00:00Z";
            assert_eq!(get(pool, "xero", Kind::Vendor, "7").await.unwrap(), None);
            set(pool, "xero", Kind::Vendor, "7", &Mapping::Create, now)
                .await
                .unwrap();
            assert_eq!(
                get(pool, "xero", Kind::Vendor, "7").await.unwrap(),
                Some(Mapping::Create)
            );
            let remote = Mapping::Remote("c-42".into());
            set(pool, "xero", Kind::Vendor, "7", &remote, now).await.unwrap();
            assert_eq!(
                get(pool, "xero", Kind::Vendor, "7").await.unwrap(),
                Some(remote.clone())
            );
            // another target or kind with the same key is another mapping
            assert_eq!(get(pool, "qbo", Kind::Vendor, "7").await.unwrap(), None);
            assert_eq!(get(pool, "xero", Kind::Account, "7").await.unwrap(), None);
            set(
                pool,
                "qbo",
                Kind::Account,
                "6000",
                &Mapping::Remote("61".into()),
                now,
            )
            .await
            .unwrap();
            assert_eq!(
                all(pool, "qbo", Kind::Account).await.unwrap(),
                vec![("6000".to_owned(), Mapping::Remote("61".into()))]
            );
            // only vendors can be created remotely, and an id cannot be blank
            assert!(set(pool, "qbo", Kind::Tax, "S", &Mapping::Create, now)
                .await
                .is_err());
            assert!(
                set(pool, "qbo", Kind::Tax, "S", &Mapping::Remote(" ".into()), now)
                    .await
                    .is_err()
            );
            assert_eq!(all(pool, "qbo", Kind::Tax).await.unwrap(), vec![]);
        });
    }

    #[test]
    fn a_xero_bill_takes_the_mapped_contact_account_and_tax_type() {
        use crate::model::invoice::{DocumentType, InvoiceLine};
        let mut invoice = Invoice::empty(DocumentType::Invoice);
        invoice.lines = vec![
            InvoiceLine {
                id: "1".into(),
                accounting_reference: Some("6000".into()),
                vat_category: Some("S".into()),
                vat_rate: Some(rust_decimal::Decimal::new(1900, 2)),
                ..InvoiceLine::default()
            },
            InvoiceLine {
                id: "2".into(),
                accounting_reference: Some("6100".into()),
                vat_category: Some("Z".into()),
                ..InvoiceLine::default()
            },
        ];
        let mut bill = json!({
            "Contact": {"Name": "ACME GmbH"},
            "LineItems": [{"AccountCode": "6000"}, {"AccountCode": "6100"}]
        });
        let mut mappings = Mappings::default();
        mappings
            .vendors
            .insert("V7".into(), Mapping::Remote("contact-9".into()));
        mappings.accounts.insert("6000".into(), "400".into());
        mappings.taxes.insert("S-19".into(), "INPUT2".into());
        mappings.taxes.insert("S".into(), "INPUT".into());
        apply_xero(&mut bill, &invoice, Some("V7"), &mappings);
        assert_eq!(bill["Contact"], json!({"ContactID": "contact-9"}));
        assert_eq!(bill["LineItems"][0]["AccountCode"], json!("400"));
        assert_eq!(
            bill["LineItems"][0]["TaxType"],
            json!("INPUT2"),
            "the rate-specific key wins"
        );
        // unmapped: left as built
        assert_eq!(bill["LineItems"][1]["AccountCode"], json!("6100"));
        assert_eq!(bill["LineItems"][1].get("TaxType"), None);

        // a vendor marked "create" keeps its name, so Xero creates the contact
        let mut bill = json!({"Contact": {"Name": "ACME GmbH"}, "LineItems": []});
        mappings.vendors.insert("V7".into(), Mapping::Create);
        apply_xero(&mut bill, &invoice, Some("V7"), &mappings);
        assert_eq!(bill["Contact"], json!({"Name": "ACME GmbH"}));
    }
}
