//! Row counts of the master-data tables, so an import can tell new rows from changed ones.

use sqlx::SqliteConnection;

use crate::error::{Error, Result};

/// A master-data table whose rows an import adds or changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MasterTable {
    Vendors,
    PurchaseOrderLines,
    Receipts,
    Accounts,
}

impl MasterTable {
    fn name(self) -> &'static str {
        match self {
            Self::Vendors => "vendors",
            Self::PurchaseOrderLines => "purchase_order_lines",
            Self::Receipts => "receipts",
            Self::Accounts => "accounts",
        }
    }
}

/// How many rows `table` holds, as seen by `conn` (inside its transaction).
pub async fn count(conn: &mut SqliteConnection, table: MasterTable) -> Result<u64> {
    let name = table.name();
    let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {name}"))
        .fetch_one(conn)
        .await
        .map_err(Error::database(format!("count the rows of {name}")))?;
    Ok(u64::try_from(n).unwrap_or(0))
}
