//! Chart-of-accounts repository.

use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::error::{Error, Result};
use crate::model::{Account, AccountCode, Origin};

/// Inserts or replaces the account with this code.
pub async fn upsert(conn: &mut SqliteConnection, account: &Account, now: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO accounts (code, name, type, origin, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, type = excluded.type,
             origin = excluded.origin, updated_at = excluded.updated_at",
    )
    .bind(account.code.as_str())
    .bind(&account.name)
    .bind(&account.account_type)
    .bind(account.origin.to_text())
    .bind(now)
    .execute(conn)
    .await
    .map_err(Error::database(format!("save account {}", account.code)))?;
    Ok(())
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
