//! Document repository: the intake journal (one row per file or attachment seen) and its final states.

use serde::Serialize;
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::error::{Error, Result};
use crate::model::{DocumentId, DocumentState, InvoiceId};

/// A document as listed by `backdesk documents --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentRecord {
    pub id: DocumentId,
    pub path: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub media_type: Option<String>,
    pub state: DocumentState,
    /// The reason code when rejected.
    pub reason: Option<String>,
    /// The sentence the user can act on, when rejected or a duplicate file.
    pub reason_message: Option<String>,
    pub duplicate_of: Option<DocumentId>,
    pub invoice_ids: Vec<InvoiceId>,
    pub received_at: String,
}

/// What intake knows about a file when it first records it.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub path: &'a str,
    pub sha256: &'a str,
    pub size_bytes: u64,
    pub media_type: Option<&'a str>,
}

/// Journals a document as `received` (in flight).
pub async fn insert_received(
    conn: &mut SqliteConnection,
    doc: &NewDocument<'_>,
    now: &str,
) -> Result<DocumentId> {
    let size = i64::try_from(doc.size_bytes).unwrap_or(i64::MAX);
    let row = sqlx::query(
        "INSERT INTO documents (path, sha256, size_bytes, media_type, state, received_at)
         VALUES (?, ?, ?, ?, 'received', ?) RETURNING id",
    )
    .bind(doc.path)
    .bind(doc.sha256)
    .bind(size)
    .bind(doc.media_type)
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(Error::database(format!("journal document {}", doc.path)))?;
    Ok(DocumentId(row.get("id")))
}

/// The first document (lowest id) with these bytes that is not itself a `duplicate_file`: processed,
/// rejected, or still in flight in the journal.
pub async fn first_with_sha256(conn: &mut SqliteConnection, sha256: &str) -> Result<Option<DocumentId>> {
    let row = sqlx::query(
        "SELECT id FROM documents WHERE sha256 = ? AND state IN ('processed', 'rejected', 'received')
         ORDER BY id LIMIT 1",
    )
    .bind(sha256)
    .fetch_optional(conn)
    .await
    .map_err(Error::database("look up documents by content hash"))?;
    Ok(row.map(|r| DocumentId(r.get("id"))))
}

/// Records a final state with its reason.
pub async fn finish(
    conn: &mut SqliteConnection,
    id: DocumentId,
    state: DocumentState,
    reason_code: Option<&str>,
    message: Option<&str>,
    duplicate_of: Option<DocumentId>,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE documents SET state = ?, reason_code = ?, reason_message = ?, duplicate_of = ?, finished_at = ?
         WHERE id = ?",
    )
    .bind(state.as_str())
    .bind(reason_code)
    .bind(message)
    .bind(duplicate_of.map(|d| d.0))
    .bind(now)
    .bind(id.0)
    .execute(conn)
    .await
    .map_err(Error::database(format!("record the outcome of document {id}")))?;
    Ok(())
}

/// Every document, oldest first, with the invoices it produced.
pub async fn list(pool: &SqlitePool) -> Result<Vec<DocumentRecord>> {
    let rows = sqlx::query(
        "SELECT d.*, (SELECT group_concat(i.id, ',') FROM invoices i WHERE i.document_id = d.id) AS invoice_ids
         FROM documents d ORDER BY d.id",
    )
    .fetch_all(pool)
    .await
    .map_err(Error::database("list documents"))?;
    rows.iter()
        .map(|row| {
            let state_text: String = row.get("state");
            let invoice_ids = row
                .get::<Option<String>, _>("invoice_ids")
                .map(|ids| {
                    ids.split(',')
                        .filter_map(|id| id.parse().ok())
                        .map(InvoiceId)
                        .collect()
                })
                .unwrap_or_default();
            Ok(DocumentRecord {
                id: DocumentId(row.get("id")),
                path: row.get("path"),
                sha256: row.get("sha256"),
                size_bytes: row.get("size_bytes"),
                media_type: row.get("media_type"),
                state: state_text.parse().map_err(Error::InvalidData)?,
                reason: row.get("reason_code"),
                reason_message: row.get("reason_message"),
                duplicate_of: row.get::<Option<i64>, _>("duplicate_of").map(DocumentId),
                invoice_ids,
                received_at: row.get("received_at"),
            })
        })
        .collect()
}

/// A document left `received` (in flight) by an interrupted run.
#[derive(Debug, Clone)]
pub struct InFlight {
    pub id: DocumentId,
    pub path: String,
    pub sha256: String,
}

/// Every document still in the journal, oldest first.
pub async fn in_flight(pool: &SqlitePool) -> Result<Vec<InFlight>> {
    let rows = sqlx::query("SELECT id, path, sha256 FROM documents WHERE state = 'received' ORDER BY id")
        .fetch_all(pool)
        .await
        .map_err(Error::database("read the intake journal"))?;
    Ok(rows
        .iter()
        .map(|row| InFlight {
            id: DocumentId(row.get("id")),
            path: row.get("path"),
            sha256: row.get("sha256"),
        })
        .collect())
}

/// How many rows there are.
pub async fn count(pool: &SqlitePool) -> Result<usize> {
    super::count_rows(pool, "documents").await
}
