//! The crash test: `backdesk ingest` of a folder of 500+ mixed documents, killed with SIGKILL at random
//! moments 20 times in a row and restarted each time; then finished. Every file must end in exactly one
//! state, no invoice may exist twice, the archive must hold every original byte for byte, and the outcome
//! must equal that of a clean run of the same folder.

use std::time::Duration;

use crate::intake_support::{assert_each_file_once, files_under, mixed_inbox, spawn, Random};
use crate::support::backdesk;

const KILLS: usize = 20;

#[test]
fn ingest_killed_twenty_times_at_random_ends_with_every_file_once_and_every_byte_archived() {
    let inbox = tempfile::tempdir().unwrap();
    let written = mixed_inbox(inbox.path(), 520);
    assert!(written >= 500);
    let files = files_under(inbox.path());
    let folder = inbox.path().to_str().unwrap();

    let crashed = tempfile::tempdir().unwrap();
    let mut random = Random::seeded("crash test");
    let mut killed_mid_run = 0;
    for _ in 0..KILLS {
        let mut child = spawn(crashed.path(), &["ingest", folder]);
        std::thread::sleep(Duration::from_millis(random.between(15, 260)));
        if child.try_wait().unwrap().is_none() {
            killed_mid_run += 1;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
    assert!(
        killed_mid_run >= KILLS / 2,
        "most kills must land while the batch is running ({killed_mid_run} of {KILLS})"
    );
    // the run after the last crash finishes the journal and the rest of the folder
    backdesk(crashed.path(), &["ingest", folder]).success();
    let after_crashes = assert_each_file_once(crashed.path(), &files);

    let clean = tempfile::tempdir().unwrap();
    backdesk(clean.path(), &["ingest", folder]).success();
    let reference = assert_each_file_once(clean.path(), &files);
    for file in &files {
        let key = file.display().to_string();
        let (got, want) = (&after_crashes[&key][0], &reference[&key][0]);
        if want["state"] == "duplicate_file" || got["state"] == "duplicate_file" {
            // which of two identical files came first depends on timing; both runs keep one of them
            assert!(
                reference
                    .values()
                    .flatten()
                    .chain(after_crashes.values().flatten())
                    .any(|d| d["sha256"] == want["sha256"] && d["state"] != "duplicate_file"),
                "{key}"
            );
            continue;
        }
        assert_eq!(
            (&got["state"], &got["reason"]),
            (&want["state"], &want["reason"]),
            "{key}"
        );
        assert_eq!(
            got["invoice_ids"].as_array().unwrap().len(),
            want["invoice_ids"].as_array().unwrap().len(),
            "{key}"
        );
    }
    let count = |dir: &std::path::Path| {
        crate::support::backdesk_json(dir, &["invoices", "--json"])
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(
        count(crashed.path()),
        count(clean.path()),
        "the same invoices as a clean run"
    );
}
