//! Use case: take files in. Archive the original first, journal the document, read it off the async
//! threads (a panicking or hanging reader is contained), decide, and record the outcome in one transaction.

use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;

use super::{CoreEvent, Workspace};
use crate::error::{Error, Result};
use crate::formats::{self, Format, ReadFailure, ReadOutput};
use crate::intake::archive::{archive_original, read_original, sha256_hex};
use crate::intake::{collect_files, IngestReport, UnreadableFile};
use crate::model::extraction::Extraction;
use crate::model::{DocumentId, DocumentState, ReasonCode};
use crate::store::{self, documents::NewDocument, invoices::NewInvoice, timestamp};

/// A reader that takes longer than this on one document is cut off and the document rejected.
const READ_TIMEOUT: Duration = Duration::from_secs(120);

impl Workspace {
    /// Takes in these files and folders (recursively), after finishing any document an earlier run left in
    /// the journal. Every file ends `processed`, `rejected` or `duplicate_file`.
    pub async fn ingest_paths(&self, paths: &[PathBuf]) -> Result<IngestReport> {
        let mut report = IngestReport::default();
        self.resume_journal(&mut report).await?;
        let files = collect_files(paths)?;
        report.files = files.len();
        for (done, file) in files.iter().enumerate() {
            self.ingest_file(file, &mut report).await?;
            self.publish(CoreEvent::IngestProgress {
                done: done + 1,
                total: files.len(),
            });
            self.publish(CoreEvent::DocumentsChanged);
            self.publish(CoreEvent::InvoicesChanged);
        }
        Ok(report)
    }

    /// Finishes documents an interrupted run left `received`, from their archived originals.
    pub async fn resume_journal(&self, report: &mut IngestReport) -> Result<()> {
        for doc in store::documents::in_flight(self.store().pool()).await? {
            let bytes = read_original(&self.paths().archive, &doc.sha256)?;
            let format = formats::sniff(&bytes);
            self.process_document(doc.id, &doc.path, bytes, format, report)
                .await?;
            report.resumed += 1;
        }
        Ok(())
    }

    async fn ingest_file(&self, path: &std::path::Path, report: &mut IngestReport) -> Result<()> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) => {
                let message = Error::io("read", path, error).to_string();
                report.unreadable_files.push(UnreadableFile {
                    path: path.display().to_string(),
                    message,
                });
                return Ok(());
            }
        };
        let sha256 = sha256_hex(&bytes);
        archive_original(&self.paths().archive, &sha256, &bytes)?;
        let source = path.display().to_string();
        // sniffing XML parses it, so it is done once here and handed on to the reader
        let format = formats::sniff(&bytes);
        let now = timestamp(Utc::now());
        let new = NewDocument {
            path: &source,
            sha256: &sha256,
            size_bytes: bytes.len() as u64,
            media_type: Some(format.label()),
        };

        let mut tx = self.store().begin("journal a document").await?;
        let first = store::documents::first_with_sha256(&mut tx, &sha256).await?;
        let id = store::documents::insert_received(&mut tx, &new, &now).await?;
        report.document_ids.push(id);
        if let Some(first) = first {
            let message =
                format!("the same file was already taken in as document {first}; it is not processed twice");
            store::documents::finish(
                &mut tx,
                id,
                DocumentState::DuplicateFile,
                None,
                Some(&message),
                Some(first),
                &now,
            )
            .await?;
            tx.commit()
                .await
                .map_err(Error::database(format!("record duplicate file {source}")))?;
            report.duplicate_files += 1;
            return Ok(());
        }
        tx.commit()
            .await
            .map_err(Error::database(format!("journal {source}")))?;
        self.process_document(id, &source, bytes, format, report).await
    }

    async fn process_document(
        &self,
        id: DocumentId,
        source: &str,
        bytes: Vec<u8>,
        format: Format,
        report: &mut IngestReport,
    ) -> Result<()> {
        let outcome = read_contained(source.to_owned(), bytes, format).await;
        let decided_at = Utc::now();
        let now = timestamp(decided_at);
        let mut tx = self.store().begin("record a document").await?;
        match outcome {
            Ok(extractions) => {
                for extraction in &extractions {
                    let Some(invoice) = extraction.invoice.as_ref() else {
                        continue;
                    };
                    let decision = self
                        .decide_extraction(&mut tx, extraction, invoice, decided_at)
                        .await?;
                    let new = NewInvoice {
                        document_id: id,
                        status: decision.status,
                        extraction,
                        invoice,
                        vendor_id: decision.vendor_id.as_ref(),
                        reasons: &decision.reasons,
                    };
                    let invoice_id = store::invoices::insert(&mut tx, &new, &now).await?;
                    self.record_decision(&mut tx, invoice_id, &decision, decided_at)
                        .await?;
                    use crate::workflow::audit::{record_received, SYSTEM};
                    record_received(
                        &mut tx,
                        invoice_id,
                        SYSTEM,
                        decision.status,
                        &decision.reasons,
                        decided_at,
                    )
                    .await?;
                    report.invoice_ids.push(invoice_id);
                }
                store::documents::finish(&mut tx, id, DocumentState::Processed, None, None, None, &now)
                    .await?;
                report.processed += 1;
            }
            Err(failure) => {
                let (code, message) = (Some(failure.code.as_str()), Some(failure.message.as_str()));
                store::documents::finish(&mut tx, id, DocumentState::Rejected, code, message, None, &now)
                    .await?;
                report.rejected += 1;
            }
        }
        tx.commit()
            .await
            .map_err(Error::database(format!("record the outcome of {source}")))
    }
}

/// Runs the readers on a blocking thread with a time limit; a panic or a hang becomes a rejection.
async fn read_contained(
    source: String,
    bytes: Vec<u8>,
    format: Format,
) -> Result<Vec<Extraction>, ReadFailure> {
    let task = tokio::task::spawn_blocking(move || formats::read_sniffed(&format, &source, &bytes));
    let output = match tokio::time::timeout(READ_TIMEOUT, task).await {
        Ok(Ok(result)) => result?,
        Ok(Err(_panicked)) => {
            return Err(ReadFailure::unreadable(
                "reading this file failed unexpectedly (an internal error); the original is archived — \
                 please report it with the file",
            ))
        }
        Err(_elapsed) => {
            return Err(ReadFailure::unreadable(format!(
                "reading this file took longer than {} seconds and was stopped; the original is archived",
                READ_TIMEOUT.as_secs()
            )))
        }
    };
    let extractions = match output {
        ReadOutput::Invoices(extractions) => extractions,
        ReadOutput::Container(container) => {
            return Err(ReadFailure::unreadable(format!(
                "this e-mail has {} attachment(s), which are not taken in yet; the original is archived",
                container.parts.len()
            )))
        }
    };
    if extractions.is_empty() {
        return Err(ReadFailure {
            code: ReasonCode::NotAnInvoice,
            message: "no invoice was found in this document".into(),
        });
    }
    Ok(extractions)
}
