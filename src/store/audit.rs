//! The audit trail's rows: append (inside the caller's transaction, extending the chain and its head) and
//! read back in id order. The table's triggers refuse UPDATE and DELETE.

use sqlx::{Row, SqliteConnection};

use crate::error::{Error, Result};
use crate::workflow::audit::{canonical, hash_of, Entry, NewEntry, GENESIS};

/// Appends one entry: its id follows the recorded head, its `prev_hash` is the head's hash.
pub async fn append(conn: &mut SqliteConnection, new: NewEntry, at: &str) -> Result<Entry> {
    let (last_id, prev_hash) = head(conn).await?.unwrap_or((0, GENESIS.to_owned()));
    let id = last_id + 1;
    let invoice_id = new.invoice_id.map(|i| i.0);
    let action = new.action.as_str();
    let hash = hash_of(&canonical(
        id,
        at,
        &new.actor,
        action,
        invoice_id,
        &new.detail,
        &prev_hash,
    ));
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, action, invoice_id, detail, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(at)
    .bind(&new.actor)
    .bind(action)
    .bind(invoice_id)
    .bind(new.detail.to_string())
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *conn)
    .await
    .map_err(Error::database(format!("append audit entry {id} ({action})")))?;
    sqlx::query(
        "INSERT INTO audit_head (singleton, last_id, last_hash) VALUES (1, ?, ?)
         ON CONFLICT (singleton) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash",
    )
    .bind(id)
    .bind(&hash)
    .execute(&mut *conn)
    .await
    .map_err(Error::database("move the head of the audit trail"))?;
    Ok(Entry {
        id,
        at: at.to_owned(),
        actor: new.actor,
        action: action.to_owned(),
        invoice_id,
        detail: new.detail,
        prev_hash,
        hash,
    })
}

/// The recorded head: the last entry's id and hash.
pub async fn head(conn: &mut SqliteConnection) -> Result<Option<(i64, String)>> {
    let row = sqlx::query("SELECT last_id, last_hash FROM audit_head WHERE singleton = 1")
        .fetch_optional(conn)
        .await
        .map_err(Error::database("read the head of the audit trail"))?;
    Ok(row.map(|r| (r.get("last_id"), r.get("last_hash"))))
}

/// Every entry in id order, or only those of one invoice.
pub async fn entries(conn: &mut SqliteConnection, invoice: Option<i64>) -> Result<Vec<Entry>> {
    let rows = match invoice {
        Some(id) => sqlx::query("SELECT * FROM audit_log WHERE invoice_id = ? ORDER BY id").bind(id),
        None => sqlx::query("SELECT * FROM audit_log ORDER BY id"),
    }
    .fetch_all(conn)
    .await
    .map_err(Error::database("read the audit trail"))?;
    Ok(rows.iter().map(entry_from_row).collect())
}

/// The entries of one `action` whose detail has `key` equal to `value` (e.g. a vendor's changes), in id order.
pub async fn entries_about(
    conn: &mut SqliteConnection,
    action: &str,
    key: &str,
    value: &str,
) -> Result<Vec<Entry>> {
    let rows = sqlx::query(
        "SELECT * FROM audit_log WHERE action = ? AND json_valid(detail) AND json_extract(detail, ?) = ? ORDER BY id",
    )
    .bind(action)
    .bind(format!("$.{key}"))
    .bind(value)
    .fetch_all(conn)
    .await
    .map_err(Error::database(format!("read the audit trail of {action} entries")))?;
    Ok(rows.iter().map(entry_from_row).collect())
}

fn entry_from_row(r: &sqlx::sqlite::SqliteRow) -> Entry {
    let id: i64 = r.get("id");
    let detail = serde_json::from_str(&r.get::<String, _>("detail")).map_err(|e| {
        Error::InvalidData(format!(
            "audit entry {id} has a detail that is not JSON ({e}); the trail was edited outside backdesk \
             — run `backdesk audit verify`"
        ))
    });
    Entry {
        id,
        at: r.get("at"),
        actor: r.get("actor"),
        action: r.get("action"),
        invoice_id: r.get("invoice_id"),
        // an unreadable detail is kept as text so that verify names the entry instead of failing
        detail: detail.unwrap_or_else(|_| serde_json::Value::String(r.get("detail"))),
        prev_hash: r.get("prev_hash"),
        hash: r.get("hash"),
    }
}
