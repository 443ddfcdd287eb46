//! Chart-of-accounts repository.

use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::error::{Error, Result};
use crate::model::{Account, AccountCode, Origin};

static ACCOUNTS_UPSERT: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| super::upsert_sql("accounts", &["code"], &["name", "type", "origin"]));

/// Inserts or updates (only when a value differs; returns whether the row changed) the account with this code.
pub async fn upsert(conn: &mut SqliteConnection, account: &Account, now: &str) -> Result<bool> {
    let result = sqlx::query(&ACCOUNTS_UPSERT)
        .bind(account.code.as_str())
        .bind(&account.name)
        .bind(&account.account_type)
        .bind(account.origin.to_text())
        .bind(now)
        .execute(conn)
        .await
        .map_err(Error::database(format!("save account {}", account.code)))?;
    Ok(result.rows_affected() > 0)
}

/// Every account, ordered by code.
pub async fn list(pool: &SqlitePool) -> Result<Vec<Account>> {
    let rows = sqlx::query("SELECT code, name, type, origin FROM accounts ORDER BY code")
        .fetch_all(pool)
        .await
        .map_err(Error::database("list accounts"))?;
    Ok(rows
        .iter()
        .map(|row| Account {
            code: AccountCode(row.get("code")),
            name: row.get("name"),
            account_type: row.get("type"),
            origin: Origin::from_text(&row.get::<String, _>("origin"))
                .unwrap_or(Origin::Import(String::new())),
        })
        .collect())
}
