//! The watch as the desktop app runs it (`Workspace::start_watching`): a dropped file is taken in and the
//! batch ends with one summary event counting the new exceptions (what the shell turns into a
//! notification); progress is published as "n of m" and coalesced.

use std::time::Duration;

use backdesk::api::{CoreEvent, Workspace};

use crate::support::demo;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watched_drop_ends_in_one_batch_summary_that_counts_new_exceptions() {
    let data = tempfile::tempdir().unwrap();
    let inbox = tempfile::tempdir().unwrap();
    let workspace = Workspace::open(data.path()).await.unwrap();
    let mut events = workspace.subscribe();
    let watch = workspace.start_watching(inbox.path().to_owned());
    tokio::time::sleep(Duration::from_millis(300)).await;

    // no vendors on file: both invoices are exceptions (UNKNOWN_VENDOR)
    for name in ["bluem-20150483.xml", "enexis-1100512149.xml"] {
        std::fs::copy(demo(&format!("inbox/{name}")), inbox.path().join(name)).unwrap();
    }
    let mut seen = Vec::new();
    let summary = tokio::time::timeout(Duration::from_secs(10), async {
        let mut processed = 0;
        loop {
            let event = events.recv().await.unwrap();
            seen.push(event.clone());
            if let CoreEvent::BatchFinished {
                processed: p,
                exceptions,
                ..
            } = event
            {
                processed += p;
                if processed >= 2 {
                    return exceptions;
                }
            }
        }
    })
    .await
    .expect("the batch finishes");
    assert!(summary >= 1, "the summary counts new exceptions: {seen:?}");
    assert!(
        seen.iter()
            .any(|e| matches!(e, CoreEvent::IngestProgress { done, total } if done == total)),
        "progress reaches n of n: {seen:?}"
    );
    let report = watch.stop().await.unwrap();
    assert_eq!((report.processed, report.exceptions), (2, 2), "{report:?}");
    assert_eq!(workspace.list_invoices(None).await.unwrap().len(), 2);
}
