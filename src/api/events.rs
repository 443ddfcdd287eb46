//! Events the core publishes while it works; the desktop shell forwards them to the window.
//!
//! Intake coalesces them: a batch of hundreds of files publishes its progress and one list-changed pair at
//! most every [`EVENT_INTERVAL`] (and always at the end), not three events per file.

use std::time::{Duration, Instant};

use serde::Serialize;

/// Something changed that a view may want to reload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CoreEvent {
    /// Invoices were added or changed.
    InvoicesChanged,
    /// Documents were added or reached a final state.
    DocumentsChanged,
    /// Master data (vendors, POs, receipts, accounts) was imported.
    MasterDataChanged,
    /// A batch of files is being taken in: `done` of `total`.
    IngestProgress { done: usize, total: usize },
    /// A batch of files was taken in; `exceptions` new invoices need a person.
    BatchFinished {
        documents: usize,
        processed: usize,
        rejected: usize,
        duplicate_files: usize,
        exceptions: usize,
    },
    /// A file is being read now. Published at most every [`EVENT_INTERVAL`] by one batch, so a large batch
    /// names a sample of its files, not each.
    Reading { file: String },
    /// OCR is recognising a scanned file: `done` of `pages` pages recognised so far (published before the
    /// first page and after each).
    OcrProgress { file: String, done: usize, pages: usize },
    /// A sync with an accounting system ended (done, offline or refused): its outbox may have changed.
    SyncFinished { target: String },
    /// The user connected or disconnected an accounting system.
    ConnectionChanged { target: String },
    /// Something the user should know about watching the inbox (it is polled, and why; a limit was hit;
    /// the watch stopped).
    WatcherNotice { message: String },
}

/// The sending side, shared by every use case of one workspace.
pub type EventSender = tokio::sync::broadcast::Sender<CoreEvent>;

/// The shortest time between two progress publications of one batch.
pub const EVENT_INTERVAL: Duration = Duration::from_millis(250);

/// Publishes the progress of one batch ("n of m") and the list-changed events, coalesced.
#[derive(Debug)]
pub(crate) struct BatchPublisher {
    sender: EventSender,
    done: usize,
    total: usize,
    last: Option<Instant>,
    unpublished: bool,
}

impl BatchPublisher {
    pub(crate) fn new(sender: EventSender) -> Self {
        Self {
            sender,
            done: 0,
            total: 0,
            last: None,
            unpublished: false,
        }
    }

    /// More files joined the batch.
    pub(crate) fn add(&mut self, files: usize) {
        self.total += files;
    }

    /// One file of the batch reached its final state.
    pub(crate) fn finished_one(&mut self) {
        self.done += 1;
        self.unpublished = true;
        let due = self.last.is_none_or(|last| last.elapsed() >= EVENT_INTERVAL);
        if due || self.done >= self.total {
            self.flush();
        }
    }

    /// Whether every file that joined the batch is finished.
    pub(crate) fn is_complete(&self) -> bool {
        self.done >= self.total
    }

    /// (done, total) so far.
    pub(crate) fn counts(&self) -> (usize, usize) {
        (self.done, self.total)
    }

    /// Publishes what is not published yet.
    pub(crate) fn flush(&mut self) {
        if !self.unpublished {
            return;
        }
        self.unpublished = false;
        self.last = Some(Instant::now());
        // no subscriber is fine: the CLI does not always listen
        let _ = self.sender.send(CoreEvent::IngestProgress {
            done: self.done,
            total: self.total,
        });
        let _ = self.sender.send(CoreEvent::DocumentsChanged);
        let _ = self.sender.send(CoreEvent::InvoicesChanged);
    }

    /// Ends the batch with its summary and starts counting a new one.
    pub(crate) fn finish_batch(&mut self, summary: CoreEvent) {
        self.flush();
        let _ = self.sender.send(summary);
        self.done = 0;
        self.total = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_batch_publishes_a_few_coalesced_events_and_always_the_last_count() {
        let (sender, mut receiver) = tokio::sync::broadcast::channel(10_000);
        let mut batch = BatchPublisher::new(sender);
        batch.add(500);
        for _ in 0..500 {
            batch.finished_one();
        }
        assert!(batch.is_complete());
        let mut seen = Vec::new();
        while let Ok(event) = receiver.try_recv() {
            seen.push(event);
        }
        let progress: Vec<_> = seen
            .iter()
            .filter(|e| matches!(e, CoreEvent::IngestProgress { .. }))
            .collect();
        assert!(
            progress.len() < 10,
            "coalesced, not one per file: {}",
            progress.len()
        );
        assert_eq!(
            progress.last(),
            Some(&&CoreEvent::IngestProgress {
                done: 500,
                total: 500
            })
        );
        let reloads = seen.iter().filter(|e| **e == CoreEvent::DocumentsChanged).count();
        assert_eq!(reloads, progress.len(), "one list reload per publication");
    }
}
