//! Vendor repository.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::error::{Error, Result};
use crate::model::{AccountCode, Origin, Vendor, VendorId};

static VENDORS_UPSERT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    super::upsert_sql(
        "vendors",
        &["vendor_id"],
        &[
            "name",
            "tax_id",
            "iban",
            "bic",
            "account_number",
            "currency",
            "email",
            "payment_terms_days",
            "default_account",
            "aliases",
            "origin",
        ],
    )
});

/// Inserts or updates (only when a value differs; returns whether the row changed) the vendor with this `vendor_id`.
pub async fn upsert(conn: &mut SqliteConnection, vendor: &Vendor, now: &str) -> Result<bool> {
    let aliases = serde_json::to_string(&vendor.aliases).unwrap_or_else(|_| "[]".into());
    let result = sqlx::query(&VENDORS_UPSERT)
        .bind(vendor.vendor_id.as_str())
        .bind(&vendor.name)
        .bind(&vendor.tax_id)
        .bind(&vendor.iban)
        .bind(&vendor.bic)
        .bind(&vendor.account_number)
        .bind(vendor.currency.as_ref().map(|c| c.code().to_owned()))
        .bind(&vendor.email)
        .bind(vendor.payment_terms_days.map(i64::from))
        .bind(vendor.default_account.as_ref().map(|a| a.as_str().to_owned()))
        .bind(aliases)
        .bind(vendor.origin.to_text())
        .bind(now)
        .execute(conn)
        .await
        .map_err(Error::database(format!("save vendor {}", vendor.vendor_id)))?;
    Ok(result.rows_affected() > 0)
}

/// Whether a vendor with this id exists.
pub async fn exists(conn: &mut SqliteConnection, vendor_id: &str) -> Result<bool> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM vendors WHERE vendor_id = ?")
        .bind(vendor_id)
        .fetch_one(conn)
        .await
        .map_err(Error::database(format!("look up vendor {vendor_id}")))?;
    Ok(row.get::<i64, _>("n") > 0)
}

/// Every vendor, ordered by id.
pub async fn list(pool: &SqlitePool) -> Result<Vec<Vendor>> {
    let rows = sqlx::query("SELECT * FROM vendors ORDER BY vendor_id")
        .fetch_all(pool)
        .await
        .map_err(Error::database("list vendors"))?;
    rows.iter().map(vendor_from_row).collect()
}

pub(crate) fn vendor_from_row(row: &SqliteRow) -> Result<Vendor> {
    let text = |name: &str| row.get::<Option<String>, _>(name);
    let aliases: Vec<String> = serde_json::from_str(&row.get::<String, _>("aliases")).unwrap_or_default();
    let origin_text: String = row.get("origin");
    Ok(Vendor {
        vendor_id: VendorId(row.get("vendor_id")),
        name: row.get("name"),
        tax_id: text("tax_id"),
        iban: text("iban"),
        bic: text("bic"),
        account_number: text("account_number"),
        currency: text("currency").and_then(|c| c.parse().ok()),
        email: text("email"),
        payment_terms_days: row
            .get::<Option<i64>, _>("payment_terms_days")
            .and_then(|d| u32::try_from(d).ok()),
        default_account: text("default_account").map(AccountCode),
        aliases,
        origin: Origin::from_text(&origin_text)
            .ok_or_else(|| Error::InvalidData(format!("vendor has an unknown origin '{origin_text}'")))?,
    })
}

/// How many rows there are.
pub async fn count(pool: &SqlitePool) -> Result<usize> {
    super::count_rows(pool, "vendors").await
}
