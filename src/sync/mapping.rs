//! What our vendors, accounts and tax codes are called in an accounting system: a vendor is either mapped to
//! one of its records or marked to be created there; an account or tax code is mapped to the remote code.
//! Kept in `sync_mappings` (migration 0009) so `sync` asks once and remembers.

use sqlx::{Row, SqlitePool};

use crate::error::{Error, Result};

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
            (
                row.get(0),
                remote.map_or(Mapping::Create, Mapping::Remote),
            )
        })
        .collect())
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
            set(pool, "xero", Kind::Vendor, "7", &Mapping::Create, now).await.unwrap();
            assert_eq!(get(pool, "xero", Kind::Vendor, "7").await.unwrap(), Some(Mapping::Create));
            let remote = Mapping::Remote("c-42".into());
            set(pool, "xero", Kind::Vendor, "7", &remote, now).await.unwrap();
            assert_eq!(get(pool, "xero", Kind::Vendor, "7").await.unwrap(), Some(remote.clone()));
            // another target or kind with the same key is another mapping
            assert_eq!(get(pool, "qbo", Kind::Vendor, "7").await.unwrap(), None);
            assert_eq!(get(pool, "xero", Kind::Account, "7").await.unwrap(), None);
            set(pool, "qbo", Kind::Account, "6000", &Mapping::Remote("61".into()), now)
                .await
                .unwrap();
            assert_eq!(
                all(pool, "qbo", Kind::Account).await.unwrap(),
                vec![("6000".to_owned(), Mapping::Remote("61".into()))]
            );
            // only vendors can be created remotely, and an id cannot be blank
            assert!(set(pool, "qbo", Kind::Tax, "S", &Mapping::Create, now).await.is_err());
            assert!(set(pool, "qbo", Kind::Tax, "S", &Mapping::Remote(" ".into()), now)
                .await
                .is_err());
            assert_eq!(all(pool, "qbo", Kind::Tax).await.unwrap(), vec![]);
        });
    }
}
