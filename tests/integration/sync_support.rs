//! What the Xero and QuickBooks sync tests share: SIGKILLing the real `sync` binary mid-run, and running it
//! again until it finishes.

use std::process::{Child, Output};
use std::time::{Duration, Instant};

/// Starts a sync run with `spawn` once per condition and SIGKILLs it as soon as that condition holds
/// (waiting two minutes at the most); a run that ends by itself before it is killed fails the test.
/// Returns how many runs were killed.
pub fn kill_sync_when(spawn: impl Fn() -> Child, conditions: &[&dyn Fn() -> bool]) -> usize {
    let mut kills = 0;
    for condition in conditions {
        let mut child = spawn();
        let deadline = Instant::now() + Duration::from_secs(120);
        while !condition() && Instant::now() < deadline {
            assert!(
                child.try_wait().unwrap().is_none(),
                "sync ended before it could be killed"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "sync ended before it could be killed"
        );
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        kills += 1;
    }
    kills
}

/// Runs `sync` up to four times until a run succeeds, and fails the test with its stderr if none does.
pub fn sync_until_done(sync: impl Fn() -> Output) {
    let mut last = sync();
    for _ in 0..3 {
        if last.status.success() {
            break;
        }
        last = sync();
    }
    assert!(
        last.status.success(),
        "sync did not finish: {}",
        String::from_utf8_lossy(&last.stderr)
    );
}
