//! Workspace settings (key/value), such as the configured inbox folder.

use sqlx::{Row, SqlitePool};

use crate::error::{Error, Result};

/// The setting key of the inbox folder the app watches.
pub const INBOX_FOLDER: &str = "inbox_folder";

/// Reads a setting.
pub async fn get(pool: &SqlitePool, key: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT value FROM settings WHERE key = ?")
        .bind(key)
        .fetch_optional(pool)
        .await
        .map_err(Error::database(format!("read setting {key}")))?;
    Ok(row.map(|r| r.get("value")))
}

/// Writes a setting.
pub async fn set(pool: &SqlitePool, key: &str, value: &str) -> Result<()> {
    sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(pool)
        .await
        .map_err(Error::database(format!("save setting {key}")))?;
    Ok(())
}
