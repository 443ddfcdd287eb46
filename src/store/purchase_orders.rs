//! Purchase-order line repository.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::error::{Error, Result};
use crate::model::money::decimal_text;
use crate::model::{AccountCode, Origin, PoNumber, PurchaseOrderLine, VendorId};

static PURCHASE_ORDER_LINES_UPSERT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    super::upsert_sql(
        "purchase_order_lines",
        &["po_number", "line_no"],
        &[
            "vendor_id",
            "item_code",
            "description",
            "quantity",
            "unit_price",
            "currency",
            "tax_rate",
            "order_date",
            "department",
            "requester",
            "account",
            "origin",
        ],
    )
});

/// Inserts or updates (only when a value differs; returns whether the row changed) the line keyed by (`po_number`, `line_no`).
pub async fn upsert(conn: &mut SqliteConnection, line: &PurchaseOrderLine, now: &str) -> Result<bool> {
    let result = sqlx::query(&PURCHASE_ORDER_LINES_UPSERT)
        .bind(line.po_number.as_str())
        .bind(i64::from(line.line_no))
        .bind(line.vendor_id.as_str())
        .bind(&line.item_code)
        .bind(&line.description)
        .bind(decimal_text(&line.quantity))
        .bind(decimal_text(&line.unit_price))
        .bind(line.currency.code())
        .bind(line.tax_rate.as_ref().map(decimal_text))
        .bind(line.order_date.to_string())
        .bind(&line.department)
        .bind(&line.requester)
        .bind(line.account.as_ref().map(|a| a.as_str().to_owned()))
        .bind(line.origin.to_text())
        .bind(now)
        .execute(conn)
        .await
        .map_err(Error::database(format!(
            "save purchase order {} line {}",
            line.po_number, line.line_no
        )))?;
    Ok(result.rows_affected() > 0)
}

/// Whether this PO line exists.
pub async fn line_exists(conn: &mut SqliteConnection, po_number: &str, line_no: u32) -> Result<bool> {
    let row =
        sqlx::query("SELECT COUNT(*) AS n FROM purchase_order_lines WHERE po_number = ? AND line_no = ?")
            .bind(po_number)
            .bind(i64::from(line_no))
            .fetch_one(conn)
            .await
            .map_err(Error::database(format!(
                "look up purchase order {po_number} line {line_no}"
            )))?;
    Ok(row.get::<i64, _>("n") > 0)
}

/// Every PO line, ordered by PO and line.
pub async fn list(pool: &SqlitePool) -> Result<Vec<PurchaseOrderLine>> {
    let rows = sqlx::query("SELECT * FROM purchase_order_lines ORDER BY po_number, line_no")
        .fetch_all(pool)
        .await
        .map_err(Error::database("list purchase orders"))?;
    rows.iter().map(line_from_row).collect()
}

pub(crate) fn line_from_row(row: &SqliteRow) -> Result<PurchaseOrderLine> {
    let corrupt =
        |what: &str| Error::InvalidData(format!("stored purchase order line has an invalid {what}"));
    Ok(PurchaseOrderLine {
        po_number: PoNumber(row.get("po_number")),
        line_no: u32::try_from(row.get::<i64, _>("line_no")).map_err(|_| corrupt("line_no"))?,
        vendor_id: VendorId(row.get("vendor_id")),
        item_code: row.get("item_code"),
        description: row.get("description"),
        quantity: row
            .get::<String, _>("quantity")
            .parse()
            .map_err(|_| corrupt("quantity"))?,
        unit_price: row
            .get::<String, _>("unit_price")
            .parse()
            .map_err(|_| corrupt("unit_price"))?,
        currency: row
            .get::<String, _>("currency")
            .parse()
            .map_err(|_| corrupt("currency"))?,
        tax_rate: row
            .get::<Option<String>, _>("tax_rate")
            .map(|t| t.parse())
            .transpose()
            .map_err(|_| corrupt("tax_rate"))?,
        order_date: row
            .get::<String, _>("order_date")
            .parse()
            .map_err(|_| corrupt("order_date"))?,
        department: row.get("department"),
        requester: row.get("requester"),
        account: row.get::<Option<String>, _>("account").map(AccountCode),
        origin: Origin::from_text(&row.get::<String, _>("origin")).ok_or_else(|| corrupt("origin"))?,
    })
}
