//! The sync outbox: durable push jobs, one per (target, invoice), with the state that makes a crash between
//! "sent" and "recorded" safe (`sending` means: look the bill up before sending it again).

use sqlx::{Row, SqlitePool};

use crate::error::{Error, Result};

/// An approved invoice with no job yet for a target, with what a bill needs.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub invoice_id: i64,
    pub canonical: String,
    pub document_sha256: String,
    pub media_type: Option<String>,
    pub vendor_name: Option<String>,
    /// Our vendor record, when the invoice was matched to one (the key of the vendor mapping).
    pub vendor_id: Option<String>,
}

/// One outbox job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub invoice_id: i64,
    pub idempotency_key: String,
    pub state: String,
    pub payload: String,
    pub remote_id: Option<String>,
    pub attempts: i64,
    pub last_error: Option<String>,
    /// The bill's total and last-updated stamp as the other side answered when we created it (or first
    /// read it back), to tell a later edit there.
    pub remote_total: Option<String>,
    pub remote_updated: Option<String>,
    /// Set when the bill was found edited or deleted on the other side.
    pub remote_flag: Option<String>,
}

/// Approved invoices that have no job for `target` yet.
pub async fn candidates(pool: &SqlitePool, target: &str) -> Result<Vec<Candidate>> {
    let rows = sqlx::query(
        "SELECT i.id, i.canonical, d.sha256, d.media_type, COALESCE(v.name, i.seller_name) AS vendor_name,
                i.vendor_id
         FROM invoices i JOIN documents d ON d.id = i.document_id
         LEFT JOIN vendors v ON v.vendor_id = i.vendor_id
         WHERE i.status = 'approved'
           AND NOT EXISTS (SELECT 1 FROM sync_jobs j WHERE j.invoice_id = i.id AND j.target = ?)
         ORDER BY i.id",
    )
    .bind(target)
    .fetch_all(pool)
    .await
    .map_err(Error::database("list the approved invoices to sync"))?;
    Ok(rows
        .iter()
        .map(|row| Candidate {
            invoice_id: row.get(0),
            canonical: row.get(1),
            document_sha256: row.get(2),
            media_type: row.get(3),
            vendor_name: row.get(4),
            vendor_id: row.get(5),
        })
        .collect())
}

/// Records a new job; a job that already exists for the key is left as it is.
pub async fn enqueue(
    pool: &SqlitePool,
    target: &str,
    invoice_id: i64,
    key: &str,
    payload: &str,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT OR IGNORE INTO sync_jobs
           (target, invoice_id, idempotency_key, state, payload, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)",
    )
    .bind(target)
    .bind(invoice_id)
    .bind(key)
    .bind(payload)
    .bind(now)
    .bind(now)
    .bind(now)
    .execute(pool)
    .await
    .map_err(Error::database(format!(
        "queue invoice {invoice_id} for {target}"
    )))?;
    Ok(())
}

fn job(row: &sqlx::sqlite::SqliteRow) -> Job {
    Job {
        id: row.get("id"),
        invoice_id: row.get("invoice_id"),
        idempotency_key: row.get("idempotency_key"),
        state: row.get("state"),
        payload: row.get("payload"),
        remote_id: row.get("remote_id"),
        attempts: row.get("attempts"),
        last_error: row.get("last_error"),
        remote_total: row.get("remote_total"),
        remote_updated: row.get("remote_updated"),
        remote_flag: row.get("remote_flag"),
    }
}

const COLUMNS: &str = "id, invoice_id, idempotency_key, state, payload, remote_id, attempts, last_error, \
                       remote_total, remote_updated, remote_flag";

/// Unfinished jobs for `target`, oldest first; with `due_by`, only those whose next attempt is due by then.
pub async fn unfinished(pool: &SqlitePool, target: &str, due_by: Option<&str>) -> Result<Vec<Job>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM sync_jobs WHERE target = ? AND state != 'done' AND next_attempt_at <= ? ORDER BY id"
    );
    let rows = sqlx::query(&sql)
        .bind(target)
        .bind(due_by.unwrap_or("9999"))
        .fetch_all(pool)
        .await
        .map_err(Error::database(format!("list the {target} outbox")))?;
    Ok(rows.iter().map(job).collect())
}

/// Finished jobs whose bill is not flagged and whose invoice is still `posted`, to read their status back.
pub async fn posted(pool: &SqlitePool, target: &str) -> Result<Vec<Job>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM sync_jobs j WHERE target = ? AND state = 'done' AND remote_id IS NOT NULL
           AND remote_flag IS NULL
           AND EXISTS (SELECT 1 FROM invoices i WHERE i.id = j.invoice_id AND i.status = 'posted') ORDER BY id"
    );
    let rows = sqlx::query(&sql)
        .bind(target)
        .fetch_all(pool)
        .await
        .map_err(Error::database(format!("list the bills posted to {target}")))?;
    Ok(rows.iter().map(job).collect())
}

/// Moves a job to `state` (with the remote id once known), counting an attempt when `attempted`.
pub async fn set_state(
    pool: &SqlitePool,
    id: i64,
    state: &str,
    remote_id: Option<&str>,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE sync_jobs SET state = ?, remote_id = COALESCE(?, remote_id), last_error = NULL, updated_at = ?
         WHERE id = ?",
    )
    .bind(state)
    .bind(remote_id)
    .bind(now)
    .bind(id)
    .execute(pool)
    .await
    .map_err(Error::database(format!("record sync job {id} as {state}")))?;
    Ok(())
}

/// Records the stamp (total, last-updated) the other side gave a bill, to compare later read-backs with.
pub async fn set_stamp(
    pool: &SqlitePool,
    id: i64,
    total: Option<&str>,
    updated: Option<&str>,
    now: &str,
) -> Result<()> {
    sqlx::query("UPDATE sync_jobs SET remote_total = ?, remote_updated = ?, updated_at = ? WHERE id = ?")
        .bind(total)
        .bind(updated)
        .bind(now)
        .bind(id)
        .execute(pool)
        .await
        .map_err(Error::database(format!(
            "record the remote stamp of sync job {id}"
        )))?;
    Ok(())
}

/// Flags a job whose bill was edited or deleted on the other side.
pub async fn flag(pool: &SqlitePool, id: i64, flag: &str, now: &str) -> Result<()> {
    sqlx::query("UPDATE sync_jobs SET remote_flag = ?, updated_at = ? WHERE id = ?")
        .bind(flag)
        .bind(now)
        .bind(id)
        .execute(pool)
        .await
        .map_err(Error::database(format!("flag sync job {id}")))?;
    Ok(())
}

/// Records a failed attempt and when to try again.
pub async fn reschedule(
    pool: &SqlitePool,
    id: i64,
    next_attempt_at: &str,
    error: &str,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE sync_jobs SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, updated_at = ?
         WHERE id = ?",
    )
    .bind(next_attempt_at)
    .bind(error)
    .bind(now)
    .bind(id)
    .execute(pool)
    .await
    .map_err(Error::database(format!("reschedule sync job {id}")))?;
    Ok(())
}

/// Records a job the other side refused for good.
pub async fn fail(pool: &SqlitePool, id: i64, error: &str, now: &str) -> Result<()> {
    sqlx::query("UPDATE sync_jobs SET state = 'failed', last_error = ?, updated_at = ? WHERE id = ?")
        .bind(error)
        .bind(now)
        .bind(id)
        .execute(pool)
        .await
        .map_err(Error::database(format!("record sync job {id} as failed")))?;
    Ok(())
}

/// Replaces what was pulled of one master-data collection.
pub async fn store_remote_records(
    pool: &SqlitePool,
    target: &str,
    collection: &str,
    records: &[(String, Option<String>, String)],
    now: &str,
) -> Result<()> {
    let action = format!("store the {collection} pulled from {target}");
    let mut tx = pool.begin().await.map_err(Error::database(action.clone()))?;
    for (remote_id, name, payload) in records {
        sqlx::query(
            "INSERT INTO sync_remote_records (target, collection, remote_id, name, payload, pulled_at)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (target, collection, remote_id)
             DO UPDATE SET name = excluded.name, payload = excluded.payload, pulled_at = excluded.pulled_at",
        )
        .bind(target)
        .bind(collection)
        .bind(remote_id)
        .bind(name)
        .bind(payload)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(Error::database(action.clone()))?;
    }
    tx.commit().await.map_err(Error::database(action))?;
    Ok(())
}

/// The status of an invoice (to skip a booking already recorded).
pub async fn invoice_status(pool: &SqlitePool, invoice_id: i64) -> Result<String> {
    sqlx::query_scalar("SELECT status FROM invoices WHERE id = ?")
        .bind(invoice_id)
        .fetch_one(pool)
        .await
        .map_err(Error::database(format!(
            "read the status of invoice {invoice_id}"
        )))
}

/// How many of `target`'s jobs still wait (pending, sending, created) and how many failed, and the time of
/// the last job change or master-data pull (the last sync), for the Connections screen.
pub async fn summary(pool: &SqlitePool, target: &str) -> Result<(i64, i64, Option<String>)> {
    let row = sqlx::query(
        "SELECT
           (SELECT COUNT(*) FROM sync_jobs WHERE target = ?1 AND state IN ('pending', 'sending', 'created')) AS waiting,
           (SELECT COUNT(*) FROM sync_jobs WHERE target = ?1 AND state = 'failed') AS failed,
           (SELECT MAX(at) FROM (SELECT MAX(updated_at) AS at FROM sync_jobs WHERE target = ?1
                                 UNION ALL SELECT MAX(pulled_at) FROM sync_remote_records WHERE target = ?1)) AS last",
    )
    .bind(target)
    .fetch_one(pool)
    .await
    .map_err(Error::database(format!("summarise the {target} outbox")))?;
    Ok((row.get("waiting"), row.get("failed"), row.get("last")))
}
