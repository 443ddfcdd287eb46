//! SQLite via sqlx: opening the database (WAL, foreign keys, busy timeout), the forward-only migrations that
//! own the schema, and one repository module per aggregate.
//!
//! SQL lives here and only here, so that a move to PostgreSQL for teams touches this module alone.

pub mod accounts;
pub mod approvals;
pub mod audit;
pub mod decisions;
pub mod documents;
pub mod invoices;
pub mod layouts;
pub mod master_counts;
pub mod master_records;
pub mod onboarding;
pub mod outbox;
pub mod people;
pub mod purchase_orders;
pub mod receipts;
pub mod settings;
pub mod snapshot;
pub mod vendors;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

use crate::error::{Error, Result};

/// The schema migrations, embedded at build time from `migrations/`.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The open database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
}

/// The size the WAL file is cut back to after a checkpoint (`PRAGMA journal_size_limit`).
pub const WAL_SIZE_LIMIT_BYTES: u64 = 64 * 1024 * 1024;

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    /// Refuses a database whose schema is newer than this build understands.
    pub async fn open(path: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::from_str("sqlite:")
            .map_err(Error::database("build connection options"))?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a committed outcome survives power loss, not only a crash of the app.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // a large write (a bulk import, a restore) grows the WAL; once checkpointed it is cut back to this,
            // so the next start does not read hundreds of megabytes of old frames before opening
            .pragma("journal_size_limit", WAL_SIZE_LIMIT_BYTES.to_string())
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(Error::database(format!("open {}", path.display())))?;
        let store = Self {
            pool,
            path: path.to_owned(),
        };
        store.refuse_newer_schema().await?;
        MIGRATOR
            .run(&store.pool)
            .await
            .map_err(|source| Error::Database {
                action: format!("migrate {}", path.display()),
                source: source.into(),
            })?;
        Ok(store)
    }

    /// The connection pool, for the repository functions.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Begins a transaction; `action` names what it is for in the error message.
    pub async fn begin(&self, action: &str) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.pool
            .begin()
            .await
            .map_err(Error::database(format!("begin to {action}")))
    }

    /// Takes a connection from the pool; `action` names what it is for in the error message.
    pub async fn acquire(&self, action: &str) -> Result<sqlx::pool::PoolConnection<sqlx::Sqlite>> {
        self.pool.acquire().await.map_err(Error::database(action))
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The newest schema version this build knows.
    pub fn supported_schema_version() -> i64 {
        MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// The newest schema version applied to this database (0 for a new one).
    pub async fn schema_version(&self) -> Result<i64> {
        if !self.has_migrations_table().await? {
            return Ok(0);
        }
        let row =
            sqlx::query("SELECT COALESCE(MAX(version), 0) AS version FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.pool)
                .await
                .map_err(Error::database("read the schema version"))?;
        Ok(row.get::<i64, _>("version"))
    }

    async fn has_migrations_table(&self) -> Result<bool> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(Error::database("inspect the schema"))?;
        Ok(row.get::<i64, _>("n") > 0)
    }

    async fn refuse_newer_schema(&self) -> Result<()> {
        let found = self.schema_version().await?;
        let supported = Self::supported_schema_version();
        if found > supported {
            return Err(Error::DatabaseTooNew {
                path: self.path.clone(),
                found,
                supported,
            });
        }
        Ok(())
    }

    /// Checkpoints the WAL into the database and truncates it, then closes the pool, so the next open has no
    /// frames to read back (a WAL left at hundreds of megabytes by a process that exited without closing costs
    /// seconds at the next start). The explicit checkpoint makes that certain when `close` returns: relying
    /// on SQLite's own checkpoint at the last connection's close, a test once found the WAL still there right
    /// after `close` (in a loaded, parallel test run).
    pub async fn close(self) {
        // best effort: a failed checkpoint leaves a longer WAL, never a wrong database
        let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await;
        self.pool.close().await;
    }
}

/// `INSERT … ON CONFLICT (keys) DO UPDATE …` for master-data rows. Binds, in order: the `keys`, then the
/// `values`, then `updated_at`. A row is rewritten only when one of its values differs, so importing the
/// same file again changes nothing, not even `updated_at`.
pub(crate) fn upsert_sql(table: &str, keys: &[&str], values: &[&str]) -> String {
    let columns: Vec<&str> = keys.iter().chain(values).copied().chain(["updated_at"]).collect();
    let placeholders = vec!["?"; columns.len()].join(", ");
    let set: Vec<String> = values
        .iter()
        .chain(&["updated_at"])
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let changed: Vec<String> = values
        .iter()
        .map(|c| format!("{table}.{c} IS NOT excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({placeholders}) ON CONFLICT ({}) DO UPDATE SET {} WHERE {}",
        columns.join(", "),
        keys.join(", "),
        set.join(", "),
        changed.join(" OR ")
    )
}

/// How many rows `table` has (a fixed table name from a repository, never user input).
pub(crate) async fn count_rows(pool: &SqlitePool, table: &'static str) -> Result<usize> {
    let row = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
        .fetch_one(pool)
        .await
        .map_err(Error::database(format!("count {table}")))?;
    Ok(usize::try_from(row.get::<i64, _>("n")).unwrap_or(0))
}

/// Current UTC time as stored (RFC 3339).
pub(crate) fn timestamp(now: chrono::DateTime<chrono::Utc>) -> String {
    now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upserts_touch_a_row_only_when_a_value_changed() {
        let sql = upsert_sql("accounts", &["code"], &["name", "type"]);
        assert_eq!(
            sql,
            "INSERT INTO accounts (code, name, type, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (code) DO UPDATE \
             SET name = excluded.name, type = excluded.type, updated_at = excluded.updated_at \
             WHERE accounts.name IS NOT excluded.name OR accounts.type IS NOT excluded.type"
        );
    }
}
