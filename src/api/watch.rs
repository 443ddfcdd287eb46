//! Use case: watch the inbox. Start listening first (so nothing that lands during start-up is missed),
//! finish what the journal holds, take the files already in the folder, then every file that arrives once
//! it is stable — through the same bounded worker pool as `ingest`. Files waiting for a worker are only
//! names in a queue; their bytes are read when a worker takes them, so a flood of files cannot exhaust
//! memory. Progress is published per batch ("n of m"), and a batch ends when the queue runs dry.

use std::collections::VecDeque;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};

use super::events::BatchPublisher;
use super::ingest::{in_flight_limit, Job, Pipeline};
use super::{CoreEvent, Workspace};
use crate::error::{Error, Result};
use crate::intake::stability::{Hint, StabilityTracker};
use crate::intake::watcher::{InboxWatcher, WatchMode, WatchSignal};
use crate::intake::{collect_files, IngestReport};

/// How often waiting files are checked for stability.
const CHECK_EVERY: Duration = Duration::from_millis(25);

/// How often the watch checks that the inbox folder itself is still there.
const PRESENCE_CHECK_EVERY: Duration = Duration::from_secs(1);

/// A watch running in the background (the desktop app's); stop it with [`InboxWatch::stop`].
#[derive(Debug)]
pub struct InboxWatch {
    inbox: PathBuf,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: JoinHandle<Result<IngestReport>>,
}

impl InboxWatch {
    /// The folder being watched.
    pub fn inbox(&self) -> &Path {
        &self.inbox
    }

    /// Whether the watch ended on its own (an error it published as a notice).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// Stops watching: the files being taken in are finished, the ones still queued are taken on the next
    /// start. Returns what the watch did.
    pub async fn stop(mut self) -> Result<IngestReport> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task)
            .await
            .map_err(|e| Error::InvalidData(format!("the inbox watcher stopped unexpectedly: {e}")))?
    }
}

impl Workspace {
    /// Tells the user something about watching the inbox (a [`CoreEvent::WatcherNotice`]).
    pub fn publish_notice(&self, message: String) {
        self.publish(CoreEvent::WatcherNotice { message });
    }

    /// Starts watching `inbox` in the background; problems and progress are published as events.
    pub fn start_watching(&self, inbox: PathBuf) -> InboxWatch {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let workspace = self.clone();
        let folder = inbox.clone();
        let task = tokio::spawn(async move {
            let result = workspace
                .watch_inbox(&folder, async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(error) = &result {
                workspace.publish(CoreEvent::WatcherNotice {
                    message: format!("watching the inbox stopped: {error}"),
                });
            }
            result
        });
        InboxWatch {
            inbox,
            stop: Some(stop),
            task,
        }
    }

    /// Watches `inbox` until `stop` completes; returns what was taken in. How the folder is watched (and
    /// why it is polled, if it is) is published as a [`CoreEvent::WatcherNotice`].
    pub async fn watch_inbox(&self, inbox: &Path, stop: impl Future<Output = ()>) -> Result<IngestReport> {
        let inbox = &std::path::absolute(inbox).unwrap_or_else(|_| inbox.to_owned());
        let (signals, mut heard) = mpsc::unbounded_channel();
        let watcher = InboxWatcher::start(inbox, signals)?;
        if let WatchMode::Polling { reason } = watcher.mode() {
            self.publish(CoreEvent::WatcherNotice {
                message: format!("{reason}; new files are picked up within a few seconds"),
            });
        }
        let mut total = IngestReport::default();
        let mut batch = BatchPublisher::new(self.events.clone());
        let pipeline = Pipeline::start(self);
        self.resume_into(&pipeline, &mut total, &mut batch).await?;
        if batch.counts().1 > 0 {
            batch.finish_batch(total.summary_event());
        }

        let mut tracker = StabilityTracker::default();
        note_folder(&mut tracker, inbox);
        let mut queue: VecDeque<PathBuf> = VecDeque::new();
        let mut tasks: JoinSet<Result<IngestReport>> = JoinSet::new();
        let mut current = IngestReport::default();
        let mut failure: Option<Error> = None;
        let limit = in_flight_limit();
        let mut ticker = tokio::time::interval(CHECK_EVERY);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_presence_check = Instant::now();
        tokio::pin!(stop);

        loop {
            tokio::select! {
                () = &mut stop => break,
                signal = heard.recv() => match signal {
                    Some(WatchSignal::Path(path, hint)) => {
                        if path.is_dir() {
                            note_folder(&mut tracker, &path);
                        } else {
                            tracker.note(&path, hint, Instant::now());
                        }
                    }
                    Some(WatchSignal::Rescan) => note_folder(&mut tracker, inbox),
                    Some(WatchSignal::Problem(message)) => {
                        self.publish(CoreEvent::WatcherNotice { message });
                    }
                    None => {
                        failure = Some(Error::InvalidData(format!(
                            "the watcher of {} stopped; start watching again",
                            inbox.display()
                        )));
                        break;
                    }
                },
                _ = ticker.tick() => {
                    if last_presence_check.elapsed() >= PRESENCE_CHECK_EVERY {
                        last_presence_check = Instant::now();
                        if !inbox.is_dir() {
                            failure = Some(Error::io(
                                "watch the inbox",
                                inbox,
                                std::io::Error::new(
                                    std::io::ErrorKind::NotFound,
                                    "the folder is gone (deleted, renamed or unmounted); choose the inbox again",
                                ),
                            ));
                            break;
                        }
                    }
                    let stable = tracker.take_stable(Instant::now());
                    batch.add(stable.len());
                    current.files += stable.len();
                    queue.extend(stable);
                }
                Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                    super::ingest::absorb(done, &mut current, &mut batch, &mut failure);
                    if failure.is_some() {
                        break;
                    }
                    if queue.is_empty() && tasks.is_empty() && batch.is_complete() {
                        batch.finish_batch(current.summary_event());
                        total.absorb(std::mem::take(&mut current));
                    }
                }
            }
            while tasks.len() < limit {
                let Some(path) = queue.pop_front() else {
                    break;
                };
                let (workspace, pipeline) = (self.clone(), pipeline.clone());
                tasks.spawn(async move { workspace.run_job(&pipeline, Job::File(path)).await });
            }
        }
        // files being taken in are finished; queued ones are found again by the next start's scan
        while let Some(done) = tasks.join_next().await {
            super::ingest::absorb(done, &mut current, &mut batch, &mut failure);
        }
        if batch.counts().1 > 0 {
            batch.finish_batch(current.summary_event());
        }
        total.absorb(current);
        let _ = tokio::task::spawn_blocking(move || watcher.stop()).await;
        failure.map_or(Ok(total), Err)
    }
}

/// Notes every file in a folder (recursively) as complete: found by a scan, not seen being written.
fn note_folder(tracker: &mut StabilityTracker, folder: &Path) {
    let now = Instant::now();
    if let Ok(files) = collect_files(&[folder.to_owned()]) {
        for file in files {
            tracker.note(&file, Hint::Complete, now);
        }
    }
}
