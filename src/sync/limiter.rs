//! A client-side request limiter: at most `per_window` requests started in any sliding `window`, and at most
//! `concurrent` in flight at once. QuickBooks Online allows 500 requests a minute and 10 concurrent requests
//! per realm; staying under both keeps the sync from being throttled instead of recovering from 429s.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore};

/// QuickBooks Online's published per-realm limits.
pub const QBO_PER_MINUTE: usize = 500;
pub const QBO_CONCURRENT: usize = 10;

/// Shared by every request to one realm (clone it; the clones share the budget).
#[derive(Clone)]
pub struct Limiter {
    per_window: usize,
    window: Duration,
    started: Arc<Mutex<VecDeque<Instant>>>,
    in_flight: Arc<Semaphore>,
}

/// Held while a request is in flight; dropping it frees a concurrency slot.
pub struct Permit {
    _slot: Option<OwnedSemaphorePermit>,
}

impl Limiter {
    /// At most `per_window` starts per sliding `window` and `concurrent` requests at once (both at least 1).
    pub fn new(per_window: usize, window: Duration, concurrent: usize) -> Self {
        Self {
            per_window: per_window.max(1),
            window,
            started: Arc::new(Mutex::new(VecDeque::new())),
            in_flight: Arc::new(Semaphore::new(concurrent.max(1))),
        }
    }

    /// QuickBooks Online's limits: 500 a minute, 10 at once.
    pub fn qbo() -> Self {
        Self::new(QBO_PER_MINUTE, Duration::from_secs(60), QBO_CONCURRENT)
    }

    /// Waits for a concurrency slot, then for room in the window, and records the start.
    pub async fn acquire(&self) -> Permit {
        // the semaphore is never closed, so a slot always comes; were it closed, the window still bounds us
        let slot = self.in_flight.clone().acquire_owned().await.ok();
        self.wait_for_window().await;
        Permit { _slot: slot }
    }

    async fn wait_for_window(&self) {
        loop {
            let wait = {
                let mut started = self.started.lock().await;
                let now = Instant::now();
                while started
                    .front()
                    .is_some_and(|first| now.duration_since(*first) >= self.window)
                {
                    started.pop_front();
                }
                if started.len() < self.per_window {
                    started.push_back(now);
                    return;
                }
                // the oldest start leaves the window at first + window
                started
                    .front()
                    .map(|first| (*first + self.window).saturating_duration_since(now))
                    .unwrap_or_default()
            };
            tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn no_window_ever_holds_more_starts_than_allowed() {
        let (per_window, window) = (5, Duration::from_millis(150));
        let limiter = Limiter::new(per_window, window, 100);
        let starts = runtime().block_on(async {
            let mut tasks = Vec::new();
            for _ in 0..17 {
                let limiter = limiter.clone();
                tasks.push(tokio::spawn(async move {
                    let _permit = limiter.acquire().await;
                    Instant::now()
                }));
            }
            let mut starts = Vec::new();
            for task in tasks {
                starts.push(task.await.unwrap());
            }
            starts.sort();
            starts
        });
        assert_eq!(starts.len(), 17);
        for (i, first) in starts.iter().enumerate() {
            let inside = starts[i..]
                .iter()
                .filter(|at| at.duration_since(*first) < window)
                .count();
            assert!(inside <= per_window, "{inside} starts within one window");
        }
    }

    #[test]
    fn never_more_than_the_concurrency_limit_in_flight() {
        let limiter = Limiter::new(1000, Duration::from_secs(60), 3);
        let (now, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        runtime().block_on(async {
            let mut tasks = Vec::new();
            for _ in 0..24 {
                let (limiter, now, peak) = (limiter.clone(), now.clone(), peak.clone());
                tasks.push(tokio::spawn(async move {
                    let _permit = limiter.acquire().await;
                    let current = now.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(current, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    now.fetch_sub(1, Ordering::SeqCst);
                }));
            }
            for task in tasks {
                task.await.unwrap();
            }
        });
        let peak = peak.load(Ordering::SeqCst);
        assert!(peak <= 3, "{peak} requests in flight at once");
        assert!(
            peak >= 2,
            "the limiter still lets requests run side by side (peak {peak})"
        );
    }
}
