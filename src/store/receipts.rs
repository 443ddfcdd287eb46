//! Goods-receipt repository.

use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::error::{Error, Result};
use crate::model::money::decimal_text;
use crate::model::{Origin, PoNumber, Receipt, ReceiptId};

static RECEIPTS_UPSERT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    super::upsert_sql(
        "receipts",
        &["receipt_id", "po_number", "line_no"],
        &["quantity_received", "received_date", "origin"],
    )
});

/// Inserts or updates (only when a value differs; returns whether the row changed) the receipt line keyed by (`receipt_id`, `po_number`, `line_no`).
pub async fn upsert(conn: &mut SqliteConnection, receipt: &Receipt, now: &str) -> Result<bool> {
    let result = sqlx::query(&RECEIPTS_UPSERT)
        .bind(receipt.receipt_id.as_str())
        .bind(receipt.po_number.as_str())
        .bind(i64::from(receipt.line_no))
        .bind(decimal_text(&receipt.quantity_received))
        .bind(receipt.received_date.to_string())
        .bind(receipt.origin.to_text())
        .bind(now)
        .execute(conn)
        .await
        .map_err(Error::database(format!("save receipt {}", receipt.receipt_id)))?;
    Ok(result.rows_affected() > 0)
}

/// Every receipt line, ordered by receipt, PO and line.
pub async fn list(pool: &SqlitePool) -> Result<Vec<Receipt>> {
    let rows = sqlx::query("SELECT * FROM receipts ORDER BY receipt_id, po_number, line_no")
        .fetch_all(pool)
        .await
        .map_err(Error::database("list receipts"))?;
    rows.iter()
        .map(|row| {
            let corrupt = |what: &str| Error::InvalidData(format!("stored receipt has an invalid {what}"));
            Ok(Receipt {
                receipt_id: ReceiptId(row.get("receipt_id")),
                po_number: PoNumber(row.get("po_number")),
                line_no: u32::try_from(row.get::<i64, _>("line_no")).map_err(|_| corrupt("line_no"))?,
                quantity_received: row
                    .get::<String, _>("quantity_received")
                    .parse()
                    .map_err(|_| corrupt("quantity_received"))?,
                received_date: row
                    .get::<String, _>("received_date")
                    .parse()
                    .map_err(|_| corrupt("received_date"))?,
                origin: Origin::from_text(&row.get::<String, _>("origin"))
                    .ok_or_else(|| corrupt("origin"))?,
            })
        })
        .collect()
}
