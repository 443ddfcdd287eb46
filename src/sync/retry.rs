//! When to try a failed push again: exponential backoff with jitter, never sooner than the server's
//! `Retry-After`. The base delay is `BACKDESK_SYNC_BACKOFF_MS` (default 500 ms) so tests run fast.

use std::time::Duration;

use rand::Rng;

/// The longest wait between two attempts.
pub const MAX_DELAY: Duration = Duration::from_secs(300);

/// The backoff policy.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    base: Duration,
}

impl Backoff {
    /// The policy from the environment (`BACKDESK_SYNC_BACKOFF_MS`), else 500 ms.
    pub fn from_env() -> Self {
        let millis = std::env::var("BACKDESK_SYNC_BACKOFF_MS")
            .ok()
            .and_then(|value| value.parse::<u64>().ok())
            .unwrap_or(500);
        Self::new(Duration::from_millis(millis))
    }

    /// A policy whose first retry waits about `base`.
    pub fn new(base: Duration) -> Self {
        Self { base }
    }

    /// The wait before attempt `attempt + 1` (0-based failures so far): `base · 2^attempt`, capped, scaled by a
    /// random factor in [0.5, 1] so many clients do not retry in step; at least `retry_after`.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let exponential = self.base.saturating_mul(1u32 << attempt.min(16)).min(MAX_DELAY);
        let jitter = rand::thread_rng().gen_range(0.5..=1.0);
        let delay = exponential.mul_f64(jitter);
        retry_after.map_or(delay, |asked| delay.max(asked))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_with_jitter_and_honour_retry_after() {
        let backoff = Backoff::new(Duration::from_millis(100));
        for attempt in 0..5 {
            let delay = backoff.delay(attempt, None);
            let full = Duration::from_millis(100 * (1 << attempt));
            assert!(delay >= full / 2 && delay <= full, "attempt {attempt}: {delay:?}");
        }
        assert!(backoff.delay(0, Some(Duration::from_secs(3))) >= Duration::from_secs(3));
        assert!(backoff.delay(40, None) <= MAX_DELAY);
        let samples: std::collections::BTreeSet<Duration> = (0..20).map(|_| backoff.delay(3, None)).collect();
        assert!(samples.len() > 1, "jitter must vary the delay");
    }
}
