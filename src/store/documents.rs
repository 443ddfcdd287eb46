//! Document repository: the intake journal (one row per file or attachment seen) and its final states.
//!
//! A row is written `received` before a document is read and moved to its final state in the same
//! transaction that records its outcome, so a document is either still in the journal (and redone on the
//! next start) or fully recorded.

use serde::Serialize;
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::error::{Error, Result};
use crate::formats::EmailContext;
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
    /// The container (an e-mail) this document was taken out of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<DocumentId>,
    /// The attachment's file name inside its container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part_name: Option<String>,
    /// The e-mail it arrived in (sender, subject, date), for documents taken out of an e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<EmailContext>,
}

/// What intake knows about a document when it first records it.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub path: &'a str,
    pub sha256: &'a str,
    pub size_bytes: u64,
    pub media_type: Option<&'a str>,
    /// For a part of a container: where it came from.
    pub origin: Option<PartOrigin<'a>>,
}

/// Where a part of a container came from.
#[derive(Debug, Clone)]
pub struct PartOrigin<'a> {
    pub parent: DocumentId,
    pub part_name: &'a str,
    /// How many containers deep it is (1 for an attachment of a top-level e-mail).
    pub depth: u32,
    pub email: &'a EmailContext,
}

/// Journals a document as `received` (in flight).
pub async fn insert_received(
    conn: &mut SqliteConnection,
    doc: &NewDocument<'_>,
    now: &str,
) -> Result<DocumentId> {
    let size = i64::try_from(doc.size_bytes).unwrap_or(i64::MAX);
    let origin = doc.origin.as_ref();
    let row = sqlx::query(
        "INSERT INTO documents (path, sha256, size_bytes, media_type, state, received_at, parent_id, part_name,
             depth, email_from, email_subject, email_date, email_message_id)
         VALUES (?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(doc.path)
    .bind(doc.sha256)
    .bind(size)
    .bind(doc.media_type)
    .bind(now)
    .bind(origin.map(|o| o.parent.0))
    .bind(origin.map(|o| o.part_name))
    .bind(origin.map_or(0, |o| i64::from(o.depth)))
    .bind(origin.and_then(|o| o.email.from.as_deref()))
    .bind(origin.and_then(|o| o.email.subject.as_deref()))
    .bind(origin.and_then(|o| o.email.date.as_deref()))
    .bind(origin.and_then(|o| o.email.message_id.as_deref()))
    .fetch_one(conn)
    .await
    .map_err(Error::database(format!("journal document {}", doc.path)))?;
    Ok(DocumentId(row.get("id")))
}

/// The first document with these bytes that is not itself a `duplicate_file`: processed, rejected, or
/// still in flight in the journal.
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

/// Whether this very file (same path, same bytes) was already taken in as a top-level document: a rescan
/// of the inbox, a restart, or `ingest` of the same folder again finds it and leaves it.
pub async fn already_taken(conn: &mut SqliteConnection, path: &str, sha256: &str) -> Result<bool> {
    let row =
        sqlx::query("SELECT 1 FROM documents WHERE path = ? AND sha256 = ? AND parent_id IS NULL LIMIT 1")
            .bind(path)
            .bind(sha256)
            .fetch_optional(conn)
            .await
            .map_err(Error::database(format!("look up earlier documents from {path}")))?;
    Ok(row.is_some())
}

/// The content hashes of the top-level documents taken from this path with this size: a file that may have
/// been taken already is hashed first and only archived again when its bytes are new.
pub async fn hashes_taken_from(pool: &SqlitePool, path: &str, size_bytes: u64) -> Result<Vec<String>> {
    let size = i64::try_from(size_bytes).unwrap_or(i64::MAX);
    let rows =
        sqlx::query("SELECT sha256 FROM documents WHERE path = ? AND size_bytes = ? AND parent_id IS NULL")
            .bind(path)
            .bind(size)
            .fetch_all(pool)
            .await
            .map_err(Error::database(format!("look up earlier documents from {path}")))?;
    Ok(rows.iter().map(|r| r.get("sha256")).collect())
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

/// Counts one more start of an in-flight document after an interrupted run; returns the new count.
pub async fn count_attempt(pool: &SqlitePool, id: DocumentId) -> Result<u32> {
    let row = sqlx::query("UPDATE documents SET attempts = attempts + 1 WHERE id = ? RETURNING attempts")
        .bind(id.0)
        .fetch_one(pool)
        .await
        .map_err(Error::database(format!("count a new attempt at document {id}")))?;
    Ok(u32::try_from(row.get::<i64, _>("attempts")).unwrap_or(u32::MAX))
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
            let parent_id = row.get::<Option<i64>, _>("parent_id").map(DocumentId);
            let email = parent_id.map(|_| EmailContext {
                from: row.get("email_from"),
                subject: row.get("email_subject"),
                date: row.get("email_date"),
                message_id: row.get("email_message_id"),
            });
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
                parent_id,
                part_name: row.get("part_name"),
                email,
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
    pub size_bytes: u64,
    pub depth: u32,
    /// How many earlier starts already found it in flight.
    pub attempts: u32,
}

/// Every document still in the journal, oldest first (a container before the parts it produced).
pub async fn in_flight(pool: &SqlitePool) -> Result<Vec<InFlight>> {
    let rows = sqlx::query(
        "SELECT id, path, sha256, size_bytes, depth, attempts FROM documents WHERE state = 'received' ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .map_err(Error::database("read the intake journal"))?;
    Ok(rows
        .iter()
        .map(|row| InFlight {
            id: DocumentId(row.get("id")),
            path: row.get("path"),
            sha256: row.get("sha256"),
            size_bytes: u64::try_from(row.get::<i64, _>("size_bytes")).unwrap_or(0),
            depth: u32::try_from(row.get::<i64, _>("depth")).unwrap_or(0),
            attempts: u32::try_from(row.get::<i64, _>("attempts")).unwrap_or(0),
        })
        .collect())
}

/// How many rows there are.
pub async fn count(pool: &SqlitePool) -> Result<usize> {
    super::count_rows(pool, "documents").await
}
