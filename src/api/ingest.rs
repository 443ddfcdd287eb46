//! Use case: take files in. Stream the original into the archive first, journal the document, read it off
//! the async threads (a panicking or hanging reader is contained), decide, and record the outcome in one
//! transaction. A bounded number of files is in flight at once (32 per core, so the fsyncs of many
//! archive files overlap with each other and with parsing); reading and sniffing take one of [`worker_count`] CPU permits, so the
//! cores stay busy without oversubscription; and every write goes through a group-commit writer, so
//! hundreds of files landing at once share fsyncs instead of paying one each.
//!
//! Crash safety, step by step: a crash while archiving leaves at most a temp file (removed later); between
//! archive and journal row, the file is simply taken again (the archive is content-addressed); between
//! journal row and outcome, the row is still `received` and [`Workspace::resume_journal`] redoes it from the
//! archived original; the outcome and the row's final state commit together, so nothing is recorded twice.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::events::{BatchPublisher, CoreEvent, EVENT_INTERVAL};
use super::Workspace;
use crate::error::{Error, Result};
use crate::formats::{self, ocr_progress, Container, Format, ReadFailure, ReadOutput};
use crate::intake::archive::{
    archive_file, archive_original, hash_file, read_original, remove_stale_temp_files, sha256_hex,
    ArchiveError,
};
use crate::intake::group_commit::GroupCommit;
use crate::intake::{collect_files, safe_part_name, IngestReport, UnreadableFile};
use crate::model::extraction::Extraction;
use crate::model::{DocumentId, DocumentState, InvoiceId, InvoiceStatus};
use crate::store::documents::{InFlight, NewDocument, PartOrigin};
use crate::store::{self, invoices::NewInvoice, timestamp};
use crate::workflow::audit::{record_received, SYSTEM};

/// A reader that takes longer than this on one document is cut off and the document rejected.
const READ_TIMEOUT: Duration = Duration::from_secs(120);

/// Documents larger than this are archived but not read: they are rejected with a reason.
pub const MAX_DOCUMENT_BYTES: u64 = 100 * 1024 * 1024;

/// How many containers deep (an e-mail attached to an e-mail …) intake follows.
pub const MAX_CONTAINER_DEPTH: u32 = 3;

/// A document that was in flight this many times when the app stopped is set aside (rejected), so one
/// file that brings the app down cannot stall intake forever. After the first time, it is redone alone.
pub const MAX_ATTEMPTS: u32 = 5;

/// Temp files of interrupted archive writes older than this are removed at the start of a batch.
const STALE_TEMP_AGE: Duration = Duration::from_secs(600);

/// How many documents are read (parsed) at the same time: one per core.
pub fn worker_count() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
}

/// How many documents are in flight at once (archiving, waiting for a commit, reading): 32 per core.
/// Measured with `cargo bench --bench intake`: fsyncs of archive files overlap, so throughput grew from
/// 364 files/s at 8 per core to 750 at 32 (64 was no better); memory stays bounded by the budget below.
pub fn in_flight_limit() -> usize {
    worker_count() * 32
}

/// How many kilobytes of documents may be held in memory by the documents in flight together: a flood of
/// large files waits for memory instead of exhausting it.
const MEMORY_BUDGET_KB: u32 = 256 * 1024;

/// What the jobs of one batch (or one watch) share: the group-commit writer, the CPU permits and the
/// memory budget.
#[derive(Debug, Clone)]
pub(crate) struct Pipeline {
    writer: GroupCommit,
    cpu: Arc<Semaphore>,
    memory: Arc<Semaphore>,
    /// When a `Reading` event was last published by this pipeline (they are coalesced).
    reading_published: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
}

impl Pipeline {
    pub(crate) fn start(workspace: &Workspace) -> Self {
        Self {
            writer: GroupCommit::start(workspace.store().pool().clone()),
            cpu: Arc::new(Semaphore::new(worker_count())),
            memory: Arc::new(Semaphore::new(MEMORY_BUDGET_KB as usize)),
            reading_published: Arc::new(std::sync::Mutex::new(None)),
        }
    }

    /// Whether a `Reading` event is due (none was published in the last [`EVENT_INTERVAL`]); if so, the
    /// caller publishes it now.
    fn reading_due(&self) -> bool {
        let Ok(mut last) = self.reading_published.lock() else {
            return false;
        };
        let due = last.is_none_or(|at| at.elapsed() >= EVENT_INTERVAL);
        if due {
            *last = Some(std::time::Instant::now());
        }
        due
    }

    /// Waits until a document of `size` bytes fits in the memory budget; the budget is returned when the
    /// permit is dropped. A document too large to be read takes nothing: it is streamed, never held.
    async fn reserve_memory(&self, size: u64) -> Result<Option<tokio::sync::SemaphorePermit<'_>>> {
        if size > MAX_DOCUMENT_BYTES {
            return Ok(None);
        }
        let kilobytes = u32::try_from(size / 1024 + 1)
            .unwrap_or(u32::MAX)
            .min(MEMORY_BUDGET_KB);
        self.memory
            .acquire_many(kilobytes)
            .await
            .map(Some)
            .map_err(|_| Error::InvalidData("the intake workers were shut down".to_owned()))
    }

    /// Runs CPU-bound work on a blocking thread once a CPU permit is free.
    /// Sniffs `bytes` on a CPU permit (sniffing XML parses it, so it is done once and handed on to the
    /// reader with the bytes).
    async fn sniff(&self, bytes: Vec<u8>) -> Result<(Vec<u8>, formats::Format)> {
        self.compute(move || {
            let format = formats::sniff(&bytes);
            (bytes, format)
        })
        .await
    }

    async fn compute<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let _permit = self
            .cpu
            .acquire()
            .await
            .map_err(|_| Error::InvalidData("the intake workers were shut down".to_owned()))?;
        blocking(work).await
    }
}

/// One unit of work for the pool.
#[derive(Debug)]
pub(crate) enum Job {
    /// A file from the inbox or the command line.
    File(PathBuf),
    /// A document an interrupted run left in the journal.
    Resume(InFlight),
}

/// A journaled document on its way to a final state.
#[derive(Debug, Clone)]
struct Journaled {
    id: DocumentId,
    source: String,
    depth: u32,
}

/// A document's bytes and sniffed format, or `None` when it is too large to read.
type Content = Option<(Vec<u8>, Format)>;

impl Workspace {
    /// Takes in these files and folders (recursively), after finishing any document an earlier run left in
    /// the journal. Every file ends `processed`, `rejected` or `duplicate_file`; a file taken in before from
    /// the same path with the same bytes is left alone (counted as `already_taken`).
    pub async fn ingest_paths(&self, paths: &[PathBuf]) -> Result<IngestReport> {
        let mut report = IngestReport::default();
        let mut batch = BatchPublisher::new(self.events.clone());
        let pipeline = Pipeline::start(self);
        self.resume_into(&pipeline, &mut report, &mut batch).await?;
        let files = collect_files(paths)?;
        report.files = files.len();
        batch.add(files.len());
        self.run_pool(
            &pipeline,
            files.into_iter().map(Job::File),
            &mut report,
            &mut batch,
        )
        .await?;
        batch.finish_batch(report.summary_event());
        Ok(report)
    }

    /// Finishes documents an interrupted run left `received`, from their archived originals.
    pub async fn resume_journal(&self, report: &mut IngestReport) -> Result<()> {
        let mut batch = BatchPublisher::new(self.events.clone());
        self.resume_into(&Pipeline::start(self), report, &mut batch)
            .await?;
        batch.flush();
        Ok(())
    }

    pub(crate) async fn resume_into(
        &self,
        pipeline: &Pipeline,
        report: &mut IngestReport,
        batch: &mut BatchPublisher,
    ) -> Result<()> {
        let archive = self.paths().archive.clone();
        let _ = tokio::task::spawn_blocking(move || remove_stale_temp_files(&archive, STALE_TEMP_AGE)).await;
        let in_flight = store::documents::in_flight(self.store().pool()).await?;
        if in_flight.iter().any(|doc| doc.attempts > 0) {
            // the one-time cost of compiling the rules is not charged to the first suspect's turn
            let _ = tokio::task::spawn_blocking(crate::rules::warm_up).await;
        }
        batch.add(in_flight.len());
        // documents found in flight for the first time are redone together; those that were in flight at
        // an earlier start too are suspects and are redone one at a time, so only a document that was
        // alone when the app stopped counts the attempt against itself
        let (mut fresh, suspects): (Vec<_>, Vec<_>) =
            in_flight.into_iter().partition(|doc| doc.attempts == 0);
        for doc in &mut fresh {
            // seen in flight once: a suspect if it is found in flight again
            doc.attempts = store::documents::count_attempt(self.store().pool(), doc.id).await?;
        }
        self.run_pool(pipeline, fresh.into_iter().map(Job::Resume), report, batch)
            .await?;
        for mut suspect in suspects {
            // counted only when its own turn comes: a stop before that says nothing about this document
            suspect.attempts = store::documents::count_attempt(self.store().pool(), suspect.id).await?;
            self.run_pool(pipeline, [Job::Resume(suspect)], report, batch)
                .await?;
        }
        Ok(())
    }

    /// Runs jobs with at most [`in_flight_limit`] in flight; the first store/archive error stops the
    /// batch (after the running jobs finish) and is returned.
    pub(crate) async fn run_pool(
        &self,
        pipeline: &Pipeline,
        jobs: impl IntoIterator<Item = Job>,
        report: &mut IngestReport,
        batch: &mut BatchPublisher,
    ) -> Result<()> {
        let limit = in_flight_limit();
        let mut tasks = JoinSet::new();
        let mut failure = None;
        for job in jobs {
            while tasks.len() >= limit {
                if let Some(done) = tasks.join_next().await {
                    absorb(done, report, batch, &mut failure);
                }
            }
            if failure.is_some() {
                break;
            }
            let (workspace, pipeline) = (self.clone(), pipeline.clone());
            tasks.spawn(async move { workspace.run_job(&pipeline, job).await });
        }
        while let Some(done) = tasks.join_next().await {
            absorb(done, report, batch, &mut failure);
        }
        failure.map_or(Ok(()), Err)
    }

    /// Takes one job to its end; returns what it did.
    pub(crate) async fn run_job(&self, pipeline: &Pipeline, job: Job) -> Result<IngestReport> {
        let mut report = IngestReport::default();
        match job {
            Job::File(path) => self.take_in_file(pipeline, &path, &mut report).await?,
            Job::Resume(doc) => self.resume_one(pipeline, doc, &mut report).await?,
        }
        Ok(report)
    }

    async fn take_in_file(&self, pipeline: &Pipeline, path: &Path, report: &mut IngestReport) -> Result<()> {
        let source = path.display().to_string();
        let size = match std::fs::metadata(path) {
            Ok(metadata) => metadata.len(),
            Err(error) => {
                unreadable(report, path, Error::io("read", path, error));
                return Ok(());
            }
        };
        let _memory = pipeline.reserve_memory(size).await?;
        // a file taken before from this very path: hash it first and archive only bytes that are new
        let earlier = store::documents::hashes_taken_from(self.store().pool(), &source, size).await?;
        if !earlier.is_empty() {
            let owned = path.to_owned();
            match blocking(move || hash_file(&owned)).await? {
                Ok(sha256) if earlier.contains(&sha256) => {
                    report.already_taken += 1;
                    return Ok(());
                }
                Ok(_) => {}
                Err(error) => {
                    unreadable(report, path, error);
                    return Ok(());
                }
            }
        }

        let archive_dir = self.paths().archive.clone();
        let owned = path.to_owned();
        let archived = blocking(move || archive_file(&archive_dir, &owned, MAX_DOCUMENT_BYTES)).await?;
        let mut archived = match archived {
            Ok(archived) => archived,
            Err(ArchiveError::Source(error)) => {
                unreadable(report, path, error);
                return Ok(());
            }
            Err(ArchiveError::Archive(error)) => return Err(error),
        };
        // sniffing XML parses it, so it is done once here and handed on to the reader
        let content = match archived.bytes.take() {
            Some(bytes) => Some(pipeline.sniff(bytes).await?),
            None => None,
        };
        let media_type = content.as_ref().map(|(_, format)| format.label());
        let (sha256, size, now) = (archived.sha256, archived.size, timestamp(Utc::now()));
        let row_source = source.clone();
        let journal = pipeline
            .writer
            .run("journal a document", move |conn| {
                Box::pin(async move {
                    if store::documents::already_taken(conn, &row_source, &sha256).await? {
                        return Ok(Journal::AlreadyTaken);
                    }
                    // an empty file is a failed save, not a copy of another empty file: it gets its own
                    // rejection
                    let first = match size {
                        0 => None,
                        _ => store::documents::first_with_sha256(conn, &sha256).await?,
                    };
                    let new = NewDocument {
                        path: &row_source,
                        sha256: &sha256,
                        size_bytes: size,
                        media_type,
                        origin: None,
                    };
                    let id = store::documents::insert_received(conn, &new, &now).await?;
                    if let Some(first) = first {
                        finish_duplicate(conn, id, first, &now).await?;
                        return Ok(Journal::Duplicate(id));
                    }
                    Ok(Journal::Received(id))
                })
            })
            .await?;
        let id = match journal {
            Journal::AlreadyTaken => {
                report.already_taken += 1;
                return Ok(());
            }
            Journal::Duplicate(id) => {
                report.document_ids.push(id);
                report.duplicate_files += 1;
                return Ok(());
            }
            Journal::Received(id) => id,
        };
        report.document_ids.push(id);
        let doc = Journaled { id, source, depth: 0 };
        self.process(pipeline, doc, size, content, report).await
    }

    async fn resume_one(&self, pipeline: &Pipeline, doc: InFlight, report: &mut IngestReport) -> Result<()> {
        let _memory = pipeline.reserve_memory(doc.size_bytes).await?;
        let attempts = doc.attempts;
        report.resumed += 1;
        let journaled = Journaled {
            id: doc.id,
            source: doc.path.clone(),
            depth: doc.depth,
        };
        if attempts > MAX_ATTEMPTS {
            let failure = ReadFailure::unreadable(format!(
                "Backdesk stopped {attempts} times while taking this document in, so it is set aside for the \
                 rest to go on; the original is archived — please report it with the file"
            ));
            return self.reject(pipeline, &journaled, &failure, report).await;
        }
        let content = if doc.size_bytes > MAX_DOCUMENT_BYTES {
            None
        } else {
            let archive = self.paths().archive.clone();
            let sha256 = doc.sha256.clone();
            match blocking(move || read_original(&archive, &sha256)).await? {
                Ok(bytes) => Some(pipeline.sniff(bytes).await?),
                Err(error) => {
                    let failure = ReadFailure::unreadable(format!(
                        "the archived original of this document could not be read ({error}); drop the file \
                         into the inbox again"
                    ));
                    return self.reject(pipeline, &journaled, &failure, report).await;
                }
            }
        };
        self.process(pipeline, journaled, doc.size_bytes, content, report)
            .await
    }

    /// Reads a journaled document and records its outcome; a container's parts are journaled and taken in
    /// one by one.
    fn process<'a>(
        &'a self,
        pipeline: &'a Pipeline,
        doc: Journaled,
        size: u64,
        content: Content,
        report: &'a mut IngestReport,
    ) -> Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let Some((bytes, format)) = content.filter(|_| size <= MAX_DOCUMENT_BYTES) else {
                let failure = ReadFailure::unreadable(format!(
                    "the file is {} MB, larger than the {} MB Backdesk reads; the original is archived — \
                     split or compress it and drop it again",
                    size / 1_000_000,
                    MAX_DOCUMENT_BYTES / 1_000_000
                ));
                return self.reject(pipeline, &doc, &failure, report).await;
            };
            // the onboarding hook: a document for a hire is filed on its checklist, not read as an invoice
            if !matches!(format, Format::Email) {
                if let Some(hire) = self.onboarding_hire_for(doc.id.0, &doc.source).await? {
                    return self
                        .take_in_onboarding(pipeline, &doc, hire, (bytes, format), report)
                        .await;
                }
            }
            // the vendors' learnt layouts (from corrections) are read first where they fit
            let layouts = store::layouts::all(self.store.pool()).await?;
            let permit = pipeline.cpu.acquire().await;
            let file = display_name(&doc.source);
            if pipeline.reading_due() {
                self.publish(CoreEvent::Reading { file: file.clone() });
            }
            let events = self.events.clone();
            let observer: ocr_progress::Observer = Arc::new(move |done, pages| {
                // no subscriber is fine: the CLI does not always listen
                let _ = events.send(CoreEvent::OcrProgress {
                    file: file.clone(),
                    done,
                    pages,
                });
            });
            let read = read_contained(doc.source.clone(), bytes, format, layouts, observer).await;
            drop(permit);
            match read {
                Ok(ReadOutput::Invoices(extractions)) if extractions.is_empty() => {
                    let failure = ReadFailure::not_an_invoice("no invoice was found in this document");
                    self.reject(pipeline, &doc, &failure, report).await
                }
                Ok(ReadOutput::Invoices(extractions)) => {
                    self.record_invoices(pipeline, &doc, extractions, report).await
                }
                Ok(ReadOutput::Container(container)) => {
                    self.take_in_container(pipeline, &doc, container, report).await
                }
                Err(failure) => self.reject(pipeline, &doc, &failure, report).await,
            }
        })
    }

    /// Decides each invoice of a document and records them with its `processed` state in one transaction.
    ///
    /// The decision is taken inside the writer, in the transaction that records it: with many documents
    /// in flight, a decision that looks at other invoices (a duplicate, quantities already invoiced
    /// against a PO) must see every invoice recorded before it, including those of the same group.
    /// Master data does not change during a batch, so the vendors are read once before.
    async fn record_invoices(
        &self,
        pipeline: &Pipeline,
        doc: &Journaled,
        extractions: Vec<Extraction>,
        report: &mut IngestReport,
    ) -> Result<()> {
        let workspace = self.clone();
        let decided_at = Utc::now();
        let (id, now) = (doc.id, timestamp(decided_at));
        let (invoice_ids, exceptions) = pipeline
            .writer
            .run(&format!("record the outcome of {}", doc.source), move |conn| {
                Box::pin(async move {
                    store::documents::finish(conn, id, DocumentState::Processed, None, None, None, &now)
                        .await?;
                    let mut invoice_ids: Vec<InvoiceId> = Vec::new();
                    let mut exceptions = 0;
                    for extraction in &extractions {
                        let Some(invoice) = extraction.invoice.as_ref() else {
                            continue;
                        };
                        // THE decision call site (one place): evidence is read through this transaction,
                        // so it sees every invoice recorded before, in this group too
                        let decision = workspace
                            .decide_extraction(conn, extraction, invoice, decided_at)
                            .await?;
                        if decision.status == InvoiceStatus::Exception {
                            exceptions += 1;
                        }
                        let new = NewInvoice {
                            document_id: id,
                            status: decision.status,
                            extraction,
                            invoice,
                            vendor_id: decision.vendor_id.as_ref(),
                            reasons: &decision.reasons,
                        };
                        let invoice_id = store::invoices::insert(conn, &new, &now).await?;
                        workspace
                            .record_decision(conn, invoice_id, &decision, decided_at)
                            .await?;
                        record_received(
                            conn,
                            invoice_id,
                            SYSTEM,
                            decision.status,
                            &decision.reasons,
                            decided_at,
                        )
                        .await?;
                        invoice_ids.push(invoice_id);
                    }
                    Ok((invoice_ids, exceptions))
                })
            })
            .await?;
        report.processed += 1;
        report.exceptions += exceptions;
        report.invoice_ids.extend(invoice_ids);
        Ok(())
    }

    /// Onboarding: reads a hire's document (text layer or OCR) and files it on the hire's checklist with its
    /// `processed` state in one transaction (`api::onboarding::record_onboarding_document`).
    async fn take_in_onboarding(
        &self,
        pipeline: &Pipeline,
        doc: &Journaled,
        hire: crate::store::onboarding::Hire,
        (bytes, format): (Vec<u8>, Format),
        report: &mut IngestReport,
    ) -> Result<()> {
        let permit = pipeline.cpu.acquire().await;
        let text = blocking(move || super::onboarding::onboarding_text(&format, &bytes)).await?;
        drop(permit);
        let (id, decided_at) = (doc.id, Utc::now());
        let now = timestamp(decided_at);
        let file_name = Path::new(&doc.source)
            .file_name()
            .map_or_else(|| doc.source.clone(), |n| n.to_string_lossy().into_owned());
        pipeline
            .writer
            .run(&format!("file {} for a hire", doc.source), move |conn| {
                Box::pin(async move {
                    store::documents::finish(conn, id, DocumentState::Processed, None, None, None, &now)
                        .await?;
                    super::onboarding::record_onboarding_document(
                        conn, &hire, id.0, &file_name, text, decided_at,
                    )
                    .await?;
                    Ok(())
                })
            })
            .await?;
        report.processed += 1;
        Ok(())
    }

    /// Rejects a document with the reader's reason.
    async fn reject(
        &self,
        pipeline: &Pipeline,
        doc: &Journaled,
        failure: &ReadFailure,
        report: &mut IngestReport,
    ) -> Result<()> {
        let (id, now) = (doc.id, timestamp(Utc::now()));
        let (code, message) = (failure.code.as_str(), failure.message.clone());
        pipeline
            .writer
            .run(&format!("record the outcome of {}", doc.source), move |conn| {
                Box::pin(async move {
                    store::documents::finish(
                        conn,
                        id,
                        DocumentState::Rejected,
                        Some(code),
                        Some(&message),
                        None,
                        &now,
                    )
                    .await
                })
            })
            .await?;
        report.rejected += 1;
        Ok(())
    }

    /// A container (an e-mail): every part is archived, then the parts are journaled and the container
    /// finished in one transaction, then each part is taken in as a document of its own.
    async fn take_in_container(
        &self,
        pipeline: &Pipeline,
        parent: &Journaled,
        container: Container,
        report: &mut IngestReport,
    ) -> Result<()> {
        if parent.depth >= MAX_CONTAINER_DEPTH {
            let failure = ReadFailure::unreadable(format!(
                "this e-mail is nested more than {MAX_CONTAINER_DEPTH} e-mails deep; forward the invoice \
                 itself instead"
            ));
            return self.reject(pipeline, parent, &failure, report).await;
        }
        if container.parts.is_empty() {
            let failure = ReadFailure::not_an_invoice(
                "this e-mail has no attachments, so there is no invoice to take in; the e-mail is archived",
            );
            return self.reject(pipeline, parent, &failure, report).await;
        }
        let archive = self.paths().archive.clone();
        let parts = blocking(move || -> Result<Vec<ArchivedPart>> {
            let mut parts = Vec::new();
            for (index, part) in container.parts.into_iter().enumerate() {
                let sha256 = sha256_hex(&part.bytes);
                archive_original(&archive, &sha256, &part.bytes)?;
                let format = formats::sniff(&part.bytes);
                parts.push((safe_part_name(&part.name, index), sha256, part.bytes, format));
            }
            Ok(parts)
        })
        .await??;

        let now = timestamp(Utc::now());
        let (parent_id, parent_source, depth) = (parent.id, parent.source.clone(), parent.depth + 1);
        let context = container.context;
        let journaled = pipeline
            .writer
            .run(&format!("journal the parts of {}", parent.source), move |conn| {
                Box::pin(async move {
                    store::documents::finish(
                        conn,
                        parent_id,
                        DocumentState::Processed,
                        None,
                        None,
                        None,
                        &now,
                    )
                    .await?;
                    let mut journaled = Vec::new();
                    for (name, sha256, bytes, format) in parts {
                        let source = format!("{parent_source}#{name}");
                        let first = match bytes.len() {
                            0 => None,
                            _ => store::documents::first_with_sha256(conn, &sha256).await?,
                        };
                        let new = NewDocument {
                            path: &source,
                            sha256: &sha256,
                            size_bytes: bytes.len() as u64,
                            media_type: Some(format.label()),
                            origin: Some(PartOrigin {
                                parent: parent_id,
                                part_name: &name,
                                depth,
                                email: &context,
                            }),
                        };
                        let id = store::documents::insert_received(conn, &new, &now).await?;
                        if let Some(first) = first {
                            finish_duplicate(conn, id, first, &now).await?;
                            journaled.push((id, None));
                        } else {
                            journaled.push((id, Some((Journaled { id, source, depth }, bytes, format))));
                        }
                    }
                    Ok(journaled)
                })
            })
            .await?;
        report.processed += 1;
        for (id, child) in journaled {
            report.document_ids.push(id);
            let Some((child, bytes, format)) = child else {
                report.duplicate_files += 1;
                continue;
            };
            let size = bytes.len() as u64;
            self.process(pipeline, child, size, Some((bytes, format)), report)
                .await?;
        }
        Ok(())
    }
}

/// A part of a container, archived: its safe name, hash, bytes and sniffed format.
type ArchivedPart = (String, String, Vec<u8>, Format);

/// What journaling a file found.
enum Journal {
    /// The same path with the same bytes was taken in before: nothing recorded.
    AlreadyTaken,
    /// Recorded as a `duplicate_file` of an earlier document.
    Duplicate(DocumentId),
    /// Recorded `received`: to be read.
    Received(DocumentId),
}

/// Records a `duplicate_file` pointing at the first document with the same bytes.
async fn finish_duplicate(
    tx: &mut sqlx::SqliteConnection,
    id: DocumentId,
    first: DocumentId,
    now: &str,
) -> Result<()> {
    let message =
        format!("the same file was already taken in as document {first}; it is not processed twice");
    store::documents::finish(
        tx,
        id,
        DocumentState::DuplicateFile,
        None,
        Some(&message),
        Some(first),
        now,
    )
    .await
}

/// Notes a file that could not be read; nothing is recorded for it and the batch goes on.
fn unreadable(report: &mut IngestReport, path: &Path, error: Error) {
    report.unreadable_files.push(UnreadableFile {
        path: path.display().to_string(),
        message: error.to_string(),
    });
}

/// Merges one finished job into the batch.
pub(crate) fn absorb(
    done: std::result::Result<Result<IngestReport>, tokio::task::JoinError>,
    report: &mut IngestReport,
    batch: &mut BatchPublisher,
    failure: &mut Option<Error>,
) {
    batch.finished_one();
    match done {
        Ok(Ok(job)) => report.absorb(job),
        Ok(Err(error)) => {
            failure.get_or_insert(error);
        }
        Err(join_error) => {
            failure.get_or_insert(Error::InvalidData(format!(
                "an intake worker stopped unexpectedly ({join_error}); the document stays in the journal \
                 and is taken in again on the next start"
            )));
        }
    }
}

/// The name a person knows a document by: its file name (a part of an email or archive keeps the name its
/// source gives it).
fn display_name(source: &str) -> String {
    Path::new(source)
        .file_name()
        .map_or_else(|| source.to_owned(), |name| name.to_string_lossy().into_owned())
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(work).await.map_err(|e| {
        Error::InvalidData(format!(
            "file work stopped unexpectedly ({e}); the document stays in the journal and is taken in again \
             on the next start"
        ))
    })
}

/// Runs the readers on a blocking thread with a time limit; a panic or a hang becomes a rejection.
async fn read_contained(
    source: String,
    bytes: Vec<u8>,
    format: Format,
    layouts: Vec<crate::extract::memory::VendorLayout>,
    ocr: ocr_progress::Observer,
) -> Result<ReadOutput, ReadFailure> {
    let task = tokio::task::spawn_blocking(move || {
        ocr_progress::observe(ocr, || match formats::read_sniffed(&format, &source, &bytes) {
            Ok(ReadOutput::Invoices(found)) if !layouts.is_empty() => Ok(ReadOutput::Invoices(
                super::extraction::with_learnt_layouts(&source, &bytes, found, &layouts),
            )),
            other => other,
        })
    });
    match tokio::time::timeout(READ_TIMEOUT, task).await {
        Ok(Ok(result)) => result,
        Ok(Err(_panicked)) => Err(ReadFailure::unreadable(
            "reading this file failed unexpectedly (an internal error); the original is archived — \
             please report it with the file",
        )),
        Err(_elapsed) => Err(ReadFailure::unreadable(format!(
            "reading this file took longer than {} seconds and was stopped; the original is archived",
            READ_TIMEOUT.as_secs()
        ))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::formats::{ContainedFile, EmailContext};

    const INVOICE: &[u8] = include_bytes!("../../demo/inbox/bluem-20150483.xml");
    const OTHER_INVOICE: &[u8] = include_bytes!("../../demo/inbox/enexis-1100512149.xml");

    async fn journal_email(workspace: &Workspace, name: &str, bytes: &[u8]) -> Journaled {
        let sha256 = sha256_hex(bytes);
        archive_original(&workspace.paths().archive, &sha256, bytes).unwrap();
        let mut tx = workspace.store().begin("test").await.unwrap();
        let new = NewDocument {
            path: name,
            sha256: &sha256,
            size_bytes: bytes.len() as u64,
            media_type: Some("e-mail"),
            origin: None,
        };
        let id = store::documents::insert_received(&mut tx, &new, "2026-01-01T00:00:00Z")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        Journaled {
            id,
            source: name.to_owned(),
            depth: 0,
        }
    }

    fn email(parts: Vec<ContainedFile>) -> Container {
        Container {
            context: EmailContext {
                from: Some("billing@bluem.example".into()),
                subject: Some("Your invoice 20150483".into()),
                date: Some("2026-03-02T09:15:00+00:00".into()),
                message_id: Some("<abc@bluem.example>".into()),
            },
            parts,
        }
    }

    #[tokio::test]
    async fn every_part_of_an_email_becomes_its_own_document_linked_to_the_email_with_its_context() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = Workspace::open(dir.path()).await.unwrap();
        let parent = journal_email(&workspace, "/inbox/mail.eml", b"From: x\r\n\r\nbody").await;
        let container = email(vec![
            ContainedFile {
                name: "../../evil/invoice.xml".into(),
                bytes: INVOICE.to_vec(),
            },
            ContainedFile {
                name: "note.txt".into(),
                bytes: b"please pay".to_vec(),
            },
            ContainedFile {
                name: "copy.xml".into(),
                bytes: INVOICE.to_vec(),
            },
        ]);
        let mut report = IngestReport::default();
        workspace
            .take_in_container(&Pipeline::start(&workspace), &parent, container, &mut report)
            .await
            .unwrap();

        let documents = workspace.list_documents().await.unwrap();
        assert_eq!(documents.len(), 4, "{documents:#?}");
        let mail = &documents[0];
        assert_eq!(mail.state, DocumentState::Processed);
        let parts = &documents[1..];
        assert!(parts.iter().all(|d| d.parent_id == Some(mail.id)));
        assert!(parts.iter().all(|d| d
            .email
            .as_ref()
            .is_some_and(|e| e.subject.as_deref() == Some("Your invoice 20150483")
                && e.from.as_deref() == Some("billing@bluem.example"))));
        assert_eq!(
            parts[0].part_name.as_deref(),
            Some("invoice.xml"),
            "no directories"
        );
        assert_eq!(parts[0].path, "/inbox/mail.eml#invoice.xml");
        assert_eq!(parts[0].state, DocumentState::Processed);
        assert_eq!(parts[0].invoice_ids.len(), 1);
        assert_eq!(parts[1].state, DocumentState::Rejected);
        assert_eq!(parts[2].state, DocumentState::DuplicateFile);
        assert_eq!(parts[2].duplicate_of, Some(parts[0].id));
        for part in parts {
            assert_eq!(
                read_original(&workspace.paths().archive, &part.sha256)
                    .unwrap()
                    .len() as i64,
                part.size_bytes,
                "every part is archived"
            );
        }
        assert_eq!(
            (report.processed, report.rejected, report.duplicate_files),
            (2, 1, 1)
        );
    }

    #[tokio::test]
    async fn an_email_without_attachments_or_nested_too_deep_is_rejected_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = Workspace::open(dir.path()).await.unwrap();
        let empty = journal_email(&workspace, "empty.eml", b"From: a\r\n\r\nhello").await;
        let mut report = IngestReport::default();
        workspace
            .take_in_container(&Pipeline::start(&workspace), &empty, email(vec![]), &mut report)
            .await
            .unwrap();
        let mut deep = journal_email(&workspace, "deep.eml", b"From: b\r\n\r\nhello").await;
        deep.depth = MAX_CONTAINER_DEPTH;
        let parts = vec![ContainedFile {
            name: "invoice.xml".into(),
            bytes: OTHER_INVOICE.to_vec(),
        }];
        workspace
            .take_in_container(&Pipeline::start(&workspace), &deep, email(parts), &mut report)
            .await
            .unwrap();
        let documents = workspace.list_documents().await.unwrap();
        assert_eq!(
            documents.len(),
            2,
            "nothing was taken out of either: {documents:#?}"
        );
        assert_eq!(documents[0].reason.as_deref(), Some("NOT_AN_INVOICE"));
        assert!(documents[0]
            .reason_message
            .as_deref()
            .unwrap()
            .contains("no attachments"));
        assert_eq!(documents[1].reason.as_deref(), Some("UNREADABLE_DOCUMENT"));
        assert!(documents[1].reason_message.as_deref().unwrap().contains("nested"));
    }

    #[tokio::test]
    async fn a_document_in_flight_at_every_restart_is_set_aside_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = Workspace::open(dir.path()).await.unwrap();
        let doc = journal_email(&workspace, "crasher.xml", INVOICE).await;
        sqlx::query("UPDATE documents SET attempts = ? WHERE id = ?")
            .bind(i64::from(MAX_ATTEMPTS))
            .bind(doc.id.0)
            .execute(workspace.store().pool())
            .await
            .unwrap();
        let report = workspace.ingest_paths(&[]).await.unwrap();
        assert_eq!((report.resumed, report.rejected, report.processed), (1, 1, 0));
        let documents = workspace.list_documents().await.unwrap();
        assert_eq!(documents[0].state, DocumentState::Rejected);
        let message = documents[0].reason_message.as_deref().unwrap();
        assert!(message.contains("stopped 6 times"), "{message}");
        assert!(workspace.list_invoices(None).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_journaled_part_left_by_a_crash_is_finished_once_on_resume() {
        let dir = tempfile::tempdir().unwrap();
        let workspace = Workspace::open(dir.path()).await.unwrap();
        // the state a crash right after the container's transaction leaves: parts journaled, not read
        let parent = journal_email(&workspace, "mail.eml", b"From: c\r\n\r\nhi").await;
        let sha256 = sha256_hex(INVOICE);
        archive_original(&workspace.paths().archive, &sha256, INVOICE).unwrap();
        let context = EmailContext::default();
        let mut tx = workspace.store().begin("test").await.unwrap();
        store::documents::finish(
            &mut tx,
            parent.id,
            DocumentState::Processed,
            None,
            None,
            None,
            "2026-01-01T00:00:00Z",
        )
        .await
        .unwrap();
        let new = NewDocument {
            path: "mail.eml#invoice.xml",
            sha256: &sha256,
            size_bytes: INVOICE.len() as u64,
            media_type: Some("UBL"),
            origin: Some(PartOrigin {
                parent: parent.id,
                part_name: "invoice.xml",
                depth: 1,
                email: &context,
            }),
        };
        store::documents::insert_received(&mut tx, &new, "2026-01-01T00:00:00Z")
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let first = workspace.ingest_paths(&[]).await.unwrap();
        let second = workspace.ingest_paths(&[]).await.unwrap();
        assert_eq!((first.resumed, first.processed), (1, 1));
        assert_eq!((second.resumed, second.processed), (0, 0), "exactly once");
        let invoices = workspace.list_invoices(None).await.unwrap();
        assert_eq!(invoices.len(), 1);
    }
}
