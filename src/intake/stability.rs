//! When a file in the inbox is complete enough to take: not a temp/partial name, and its size and
//! modification time unchanged across two checks. How long it must stay unchanged depends on what is known:
//! a file that was closed after writing (Linux reports it), renamed into the folder (atomic saves) or found
//! by a scan needs only a short settle; a file only seen changing (a slow copy, a polled network share)
//! must stay quiet for longer; an empty file always waits the long quiet, since copies start empty.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use super::is_partial_name;

/// How long a file known to be complete must stay unchanged.
pub const SETTLE: Duration = Duration::from_millis(60);

/// How long a file only seen changing must stay unchanged.
pub const QUIET: Duration = Duration::from_secs(2);

/// What the watcher learned about a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// Created or written to: may still be growing.
    Changed,
    /// Closed after writing.
    Closed,
    /// Renamed into place (an atomic save) or found by a scan of the folder.
    Complete,
}

#[derive(Debug)]
struct Pending {
    /// Size and modification time at the last check.
    seen: Option<(u64, SystemTime)>,
    /// When the size or modification time last changed (or the path was first noted).
    since: Instant,
    /// Whether the last thing heard was that the file is complete.
    complete: bool,
}

/// The paths waiting to become stable.
#[derive(Debug, Default)]
pub struct StabilityTracker {
    pending: HashMap<PathBuf, Pending>,
}

impl StabilityTracker {
    /// Notes an event about a path (a folder or a temp name is ignored).
    pub fn note(&mut self, path: &Path, hint: Hint, now: Instant) {
        let partial = path
            .file_name()
            .is_none_or(|name| is_partial_name(&name.to_string_lossy()));
        if partial {
            return;
        }
        let entry = self.pending.entry(path.to_owned()).or_insert(Pending {
            seen: None,
            since: now,
            complete: false,
        });
        match hint {
            Hint::Changed => {
                entry.complete = false;
                entry.since = now;
            }
            Hint::Closed | Hint::Complete => entry.complete = true,
        }
    }

    /// How many paths are waiting.
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    /// Whether nothing is waiting.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Checks every waiting path; returns those that are stable now (and forgets them and the paths that
    /// are gone or are not files).
    pub fn take_stable(&mut self, now: Instant) -> Vec<PathBuf> {
        let mut stable = Vec::new();
        self.pending.retain(|path, pending| {
            let Ok(metadata) = std::fs::metadata(path) else {
                return false; // gone (renamed away, deleted): nothing to take
            };
            if !metadata.is_file() {
                return false;
            }
            let current = (
                metadata.len(),
                metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            );
            if pending.seen != Some(current) {
                pending.seen = Some(current);
                pending.since = now;
                return true;
            }
            let wait = if pending.complete && current.0 > 0 {
                SETTLE
            } else {
                QUIET
            };
            if now.duration_since(pending.since) >= wait {
                stable.push(path.clone());
                return false;
            }
            true
        });
        stable.sort();
        stable
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_file_is_taken_after_a_short_settle_and_a_growing_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let done = dir.path().join("done.xml");
        let growing = dir.path().join("growing.xml");
        std::fs::write(&done, "<Invoice/>").unwrap();
        std::fs::write(&growing, "<Inv").unwrap();
        let mut tracker = StabilityTracker::default();
        let t0 = Instant::now();
        tracker.note(&done, Hint::Closed, t0);
        tracker.note(&growing, Hint::Changed, t0);
        assert!(tracker.take_stable(t0).is_empty(), "first check only records");
        let t1 = t0 + SETTLE;
        assert_eq!(tracker.take_stable(t1), vec![done.clone()]);
        std::fs::write(&growing, "<Invoice>").unwrap();
        tracker.note(&growing, Hint::Changed, t1);
        assert!(tracker.take_stable(t1 + SETTLE).is_empty(), "still growing");
        assert!(
            tracker.take_stable(t1 + SETTLE * 2).is_empty(),
            "not quiet long enough"
        );
        assert_eq!(tracker.take_stable(t1 + SETTLE + QUIET), vec![growing]);
        assert!(tracker.is_empty());
    }

    #[test]
    fn temp_names_folders_vanished_and_empty_files_are_handled() {
        let dir = tempfile::tempdir().unwrap();
        let mut tracker = StabilityTracker::default();
        let t0 = Instant::now();
        tracker.note(&dir.path().join("x.pdf.crdownload"), Hint::Closed, t0);
        tracker.note(&dir.path().join(".~lock.x#"), Hint::Closed, t0);
        assert!(tracker.is_empty(), "temp names are never tracked");
        tracker.note(&dir.path().join("gone.xml"), Hint::Complete, t0);
        tracker.note(dir.path(), Hint::Complete, t0);
        assert!(tracker.take_stable(t0).is_empty());
        assert!(tracker.is_empty(), "vanished paths and folders are dropped");

        let empty = dir.path().join("empty.xml");
        std::fs::write(&empty, "").unwrap();
        tracker.note(&empty, Hint::Closed, t0);
        tracker.take_stable(t0);
        assert!(tracker.take_stable(t0 + SETTLE).is_empty(), "a copy starts empty");
        assert_eq!(tracker.take_stable(t0 + QUIET), vec![empty]);
    }
}
