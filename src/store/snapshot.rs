//! A consistent copy of the whole database while it is in use (`VACUUM INTO`), for backups.

use std::path::Path;

use sqlx::SqlitePool;

use crate::error::{Error, Result};

/// Writes a consistent, compacted copy of the database to `target`, which must not exist yet. Readers and
/// writers may carry on meanwhile; the copy is the database as of one transaction.
pub async fn vacuum_into(pool: &SqlitePool, target: &Path) -> Result<()> {
    let text = target.to_str().ok_or_else(|| {
        Error::Usage(format!(
            "{} is not valid UTF-8; choose a backup location with a plain name",
            target.display()
        ))
    })?;
    sqlx::query("VACUUM INTO ?")
        .bind(text)
        .execute(pool)
        .await
        .map_err(Error::database(format!(
            "copy the database to {}",
            target.display()
        )))?;
    Ok(())
}
