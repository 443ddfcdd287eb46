//! The vendor layout memory (`vendor_layouts`): saved per vendor and field, read back as whole layouts.

use sqlx::{Row, Sqlite, SqlitePool};

use crate::error::{Error, Result};
use crate::extract::memory::{FieldLayout, VendorLayout};

/// Saves (or replaces) where `layout.field` sits for `vendor_key` (through the pool, or inside a transaction).
pub async fn save(
    pool: impl sqlx::Executor<'_, Database = Sqlite>,
    vendor_key: &str,
    layout: &FieldLayout,
) -> Result<()> {
    let region = serde_json::to_string(&layout.region)
        .map_err(|e| Error::InvalidData(format!("layout region of {}: {e}", layout.field)))?;
    sqlx::query(
        "INSERT INTO vendor_layouts (vendor_key, field, anchor, beside, page, region, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (vendor_key, field) DO UPDATE SET anchor = excluded.anchor, beside = excluded.beside, \
         page = excluded.page, region = excluded.region, updated_at = excluded.updated_at",
    )
    .bind(vendor_key)
    .bind(&layout.field)
    .bind(&layout.anchor)
    .bind(layout.beside)
    .bind(i64::from(layout.page))
    .bind(region)
    .bind(chrono::Utc::now().to_rfc3339())
    .execute(pool)
    .await
    .map_err(Error::database(format!(
        "save the layout of {} for {vendor_key}",
        layout.field
    )))?;
    Ok(())
}

/// Every vendor's layout, by vendor key.
pub async fn all(pool: &SqlitePool) -> Result<Vec<VendorLayout>> {
    let rows = sqlx::query(
        "SELECT vendor_key, field, anchor, beside, page, region FROM vendor_layouts ORDER BY vendor_key, field",
    )
    .fetch_all(pool)
    .await
    .map_err(Error::database("read the vendor layouts".to_owned()))?;
    let mut out: Vec<VendorLayout> = Vec::new();
    for row in rows {
        let key: String = row.get("vendor_key");
        let region: String = row.get("region");
        let region: [f64; 4] = serde_json::from_str(&region).map_err(|e| {
            Error::InvalidData(format!("stored layout region of {key} is not [x0,y0,x1,y1]: {e}"))
        })?;
        let field = FieldLayout {
            field: row.get("field"),
            anchor: row.get("anchor"),
            beside: row.get::<bool, _>("beside"),
            page: u32::try_from(row.get::<i64, _>("page")).unwrap_or(1),
            region,
        };
        match out.last_mut() {
            Some(last) if last.vendor_key == key => last.fields.push(field),
            _ => out.push(VendorLayout {
                vendor_key: key,
                fields: vec![field],
            }),
        }
    }
    Ok(out)
}
