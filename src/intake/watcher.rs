//! Watching the inbox folder (and its sub-folders) with `notify` and its full debouncer, which stitches
//! rename pairs together so atomic saves arrive as one "renamed into place". Network, FUSE and removable
//! folders are polled; when the system's inotify limits are reached the watcher says so and polls too, so
//! intake never goes quiet without a word.
//!
//! The watcher only reports what it heard ([`WatchSignal`]); deciding when a file is complete is
//! [`super::stability`]'s job, and taking it in is the use case's.

use std::path::{Path, PathBuf};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RenameMode};
use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer_opt, DebounceEventResult, Debouncer, NoCache, RecommendedCache};
use tokio::sync::mpsc::UnboundedSender;

use super::mounts::{folder_kind, FolderKind};
use super::stability::Hint;
use crate::error::{Error, Result};

/// How long the debouncer collects events of one path before passing them on (rename pairs are joined).
const DEBOUNCE: Duration = Duration::from_millis(30);

/// Set this environment variable (to anything but `0`) to poll the inbox even where change notifications
/// seem to work: for file systems the detection does not know.
pub const FORCE_POLLING: &str = "BACKDESK_WATCH_POLLING";

/// How often a polled folder is scanned.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// What the watcher heard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchSignal {
    /// Something happened to this path (a file or a folder).
    Path(PathBuf, Hint),
    /// Events were lost (the kernel queue overflowed): scan the whole inbox again.
    Rescan,
    /// The watcher reported an error; intake goes on, the message says what happened.
    Problem(String),
}

/// How the inbox is being watched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchMode {
    /// Native change notifications (inotify, FSEvents, ReadDirectoryChangesW).
    Native,
    /// Polling every [`POLL_INTERVAL`], and why.
    Polling { reason: String },
}

/// A running watcher; dropping it stops watching.
pub struct InboxWatcher {
    guard: Guard,
    mode: WatchMode,
}

enum Guard {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Polling(Debouncer<PollWatcher, NoCache>),
}

impl std::fmt::Debug for InboxWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InboxWatcher").field("mode", &self.mode).finish()
    }
}

impl InboxWatcher {
    /// Starts watching `inbox` recursively; what is heard goes to `signals`.
    pub fn start(inbox: &Path, signals: UnboundedSender<WatchSignal>) -> Result<Self> {
        if !inbox.is_dir() {
            return Err(Error::Usage(format!(
                "the inbox {} is not a folder; create it or choose another inbox",
                inbox.display()
            )));
        }
        if std::env::var_os(FORCE_POLLING).is_some_and(|v| !v.is_empty() && v != "0") {
            let reason = format!("{FORCE_POLLING} is set");
            return poll(inbox, signals, reason);
        }
        if let FolderKind::NeedsPolling(why) = folder_kind(inbox) {
            let reason = format!("the inbox is on {why}, where change notifications are unreliable");
            return poll(inbox, signals, reason);
        }
        match native(inbox, signals.clone()) {
            Ok(watcher) => Ok(watcher),
            Err(error) => match limit_message(&error) {
                Some(reason) => poll(inbox, signals, reason),
                None => Err(watch_error(inbox, &error)),
            },
        }
    }

    /// How the inbox is being watched.
    pub fn mode(&self) -> &WatchMode {
        &self.mode
    }

    /// Stops watching and waits for the event thread to end (at most one debounce tick).
    pub fn stop(self) {
        match self.guard {
            Guard::Native(debouncer) => debouncer.stop(),
            Guard::Polling(debouncer) => debouncer.stop(),
        }
    }
}

fn native(inbox: &Path, signals: UnboundedSender<WatchSignal>) -> notify::Result<InboxWatcher> {
    let mut debouncer = new_debouncer_opt::<_, RecommendedWatcher, RecommendedCache>(
        DEBOUNCE,
        Some(DEBOUNCE / 3),
        handler(signals),
        RecommendedCache::new(),
        notify::Config::default(),
    )?;
    debouncer.watch(inbox, RecursiveMode::Recursive)?;
    Ok(InboxWatcher {
        guard: Guard::Native(debouncer),
        mode: WatchMode::Native,
    })
}

fn poll(inbox: &Path, signals: UnboundedSender<WatchSignal>, reason: String) -> Result<InboxWatcher> {
    let config = notify::Config::default().with_poll_interval(POLL_INTERVAL);
    let mut debouncer =
        new_debouncer_opt::<_, PollWatcher, NoCache>(DEBOUNCE, None, handler(signals), NoCache, config)
            .map_err(|e| watch_error(inbox, &e))?;
    debouncer
        .watch(inbox, RecursiveMode::Recursive)
        .map_err(|e| watch_error(inbox, &e))?;
    Ok(InboxWatcher {
        guard: Guard::Polling(debouncer),
        mode: WatchMode::Polling { reason },
    })
}

/// Turns debounced events into signals.
fn handler(signals: UnboundedSender<WatchSignal>) -> impl FnMut(DebounceEventResult) + Send + 'static {
    move |result: DebounceEventResult| match result {
        Ok(events) => {
            for event in events {
                if event.need_rescan() {
                    let _ = signals.send(WatchSignal::Rescan);
                    continue;
                }
                for (path, hint) in signal_of(&event.kind, &event.paths) {
                    let _ = signals.send(WatchSignal::Path(path, hint));
                }
            }
        }
        Err(errors) => {
            for error in errors {
                let message = limit_message(&error).unwrap_or_else(|| error.to_string());
                let _ = signals.send(WatchSignal::Problem(message));
            }
        }
    }
}

/// What an event says about which paths.
pub fn signal_of(kind: &EventKind, paths: &[PathBuf]) -> Vec<(PathBuf, Hint)> {
    let hint = match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => Hint::Closed,
        EventKind::Create(CreateKind::Folder) => Hint::Complete,
        EventKind::Create(_) => Hint::Changed,
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => {
            // from → to: only the destination is in the folder now
            return paths
                .last()
                .map(|to| vec![(to.clone(), Hint::Complete)])
                .unwrap_or_default();
        }
        EventKind::Modify(ModifyKind::Name(RenameMode::From)) => return Vec::new(),
        EventKind::Modify(ModifyKind::Name(_)) => Hint::Complete,
        EventKind::Modify(_) => Hint::Changed,
        EventKind::Access(_) | EventKind::Remove(_) | EventKind::Other | EventKind::Any => return Vec::new(),
    };
    paths.iter().map(|path| (path.clone(), hint)).collect()
}

/// A clear message when the system's limits on change notifications are reached, or `None` for any
/// other error.
pub fn limit_message(error: &notify::Error) -> Option<String> {
    let instances = matches!(&error.kind, notify::ErrorKind::Io(io) if io.raw_os_error() == Some(EMFILE));
    let watches = matches!(error.kind, notify::ErrorKind::MaxFilesWatch)
        || matches!(&error.kind, notify::ErrorKind::Io(io) if io.raw_os_error() == Some(ENOSPC));
    if watches {
        Some(
            "the system's limit on watched folders is reached (inotify max_user_watches), so the inbox is \
             polled instead; raise it with `sysctl fs.inotify.max_user_watches=524288` for instant pick-up"
                .to_owned(),
        )
    } else if instances {
        Some(
            "the system's limit on change watchers is reached (inotify max_user_instances), so the inbox is \
             polled instead; raise it with `sysctl fs.inotify.max_user_instances=1024` for instant pick-up"
                .to_owned(),
        )
    } else {
        None
    }
}

/// `EMFILE` and `ENOSPC` on Linux, where inotify reports its instance and watch limits with them.
const EMFILE: i32 = 24;
const ENOSPC: i32 = 28;

fn watch_error(inbox: &Path, error: &notify::Error) -> Error {
    Error::io("watch the inbox", inbox, std::io::Error::other(error.to_string()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn events_become_hints_and_a_rename_names_its_destination() {
        let a = PathBuf::from("/in/.x.tmp");
        let b = PathBuf::from("/in/x.xml");
        let closed = EventKind::Access(AccessKind::Close(AccessMode::Write));
        assert_eq!(
            signal_of(&closed, std::slice::from_ref(&b)),
            vec![(b.clone(), Hint::Closed)]
        );
        let renamed = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        assert_eq!(
            signal_of(&renamed, &[a.clone(), b.clone()]),
            vec![(b.clone(), Hint::Complete)]
        );
        let moved_away = EventKind::Modify(ModifyKind::Name(RenameMode::From));
        assert!(signal_of(&moved_away, std::slice::from_ref(&b)).is_empty());
        let written = EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Content));
        assert_eq!(
            signal_of(&written, std::slice::from_ref(&b)),
            vec![(b.clone(), Hint::Changed)]
        );
        let opened = EventKind::Access(AccessKind::Open(AccessMode::Read));
        assert!(signal_of(&opened, &[b]).is_empty());
    }

    #[test]
    fn inotify_limits_get_a_message_that_says_what_to_do() {
        let watches = notify::Error::new(notify::ErrorKind::MaxFilesWatch);
        assert!(limit_message(&watches).unwrap().contains("max_user_watches"));
        let instances = notify::Error::io(std::io::Error::from_raw_os_error(EMFILE));
        assert!(limit_message(&instances).unwrap().contains("max_user_instances"));
        let other = notify::Error::path_not_found();
        assert!(limit_message(&other).is_none());
    }

    #[tokio::test]
    async fn a_file_written_into_a_sub_folder_is_heard() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        let watcher = InboxWatcher::start(dir.path(), sender).unwrap();
        assert_eq!(watcher.mode(), &WatchMode::Native);
        let file = dir.path().join("sub/a.xml");
        std::fs::write(&file, "<Invoice/>").unwrap();
        let heard = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                match receiver.recv().await {
                    Some(WatchSignal::Path(path, Hint::Closed)) if path == file => return true,
                    Some(_) => continue,
                    None => return false,
                }
            }
        })
        .await;
        assert_eq!(heard, Ok(true));
    }
}
