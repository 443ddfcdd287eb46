//! `backdesk watch` as a real process on a real folder: files already there are taken first; editor-style
//! saves (temp file + rename), downloads with a partial name, slow copies and 1,000 files dropped at once
//! each end in exactly one state; a restart takes nothing twice; SIGTERM stops it cleanly.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::intake_support::{
    assert_each_file_once, binary, corpus_xml, documents_by_path, files_under, wait_for,
};
use crate::support::demo;

/// A running `backdesk watch`; killed if the test fails before it is stopped.
struct Watch {
    child: Option<Child>,
}

impl Watch {
    fn start(data_dir: &Path, inbox: &Path, polling: bool) -> Self {
        // the database is created before the test starts polling it: two processes creating the same
        // new database at once race on its first migration (see the report to the lead)
        crate::support::backdesk(data_dir, &["init"]).success();
        let mut command = Command::new(binary());
        command
            .arg("--data-dir")
            .arg(data_dir)
            .arg("watch")
            .arg(inbox)
            .env_remove("BACKDESK_DATA_DIR")
            .env_remove("BACKDESK_WATCH_POLLING")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if polling {
            command.env("BACKDESK_WATCH_POLLING", "1");
        }
        Self {
            child: Some(command.spawn().expect("backdesk watch starts")),
        }
    }

    /// Sends SIGTERM and returns (exit success, stdout report, stderr).
    fn stop(mut self) -> (bool, Value, String) {
        let child = self.child.take().unwrap();
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success());
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let report = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("watch prints its report as JSON ({e}); stderr: {stderr}"));
        (output.status.success(), report, stderr)
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Waits until `count` documents are recorded and none is still in flight.
fn wait_for_documents(data_dir: &Path, count: usize, limit: Duration) {
    wait_for(&format!("{count} finished documents"), limit, || {
        let documents = documents_by_path(data_dir);
        let all: Vec<&Value> = documents.values().flatten().collect();
        all.len() >= count && all.iter().all(|d| d["state"] != "received")
    });
}

fn invoice_bytes(name: &str) -> Vec<u8> {
    std::fs::read(demo(&format!("inbox/{name}"))).unwrap()
}

fn state_of(data_dir: &Path, file: &Path) -> String {
    let documents = documents_by_path(data_dir);
    documents[&file.display().to_string()][0]["state"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn files_already_there_come_first_new_ones_follow_and_a_restart_takes_nothing_twice() {
    let data = tempfile::tempdir().unwrap();
    let inbox = tempfile::tempdir().unwrap();
    std::fs::write(
        inbox.path().join("before-1.xml"),
        invoice_bytes("bluem-20150483.xml"),
    )
    .unwrap();
    std::fs::create_dir(inbox.path().join("sub")).unwrap();
    std::fs::write(
        inbox.path().join("sub/before-2.xml"),
        invoice_bytes("enexis-1100512149.xml"),
    )
    .unwrap();

    let watch = Watch::start(data.path(), inbox.path(), false);
    wait_for_documents(data.path(), 2, Duration::from_secs(20));
    std::fs::write(
        inbox.path().join("sub/after.xml"),
        invoice_bytes("koksmaat-12115118.xml"),
    )
    .unwrap();
    wait_for_documents(data.path(), 3, Duration::from_secs(20));
    let (ok, report, stderr) = watch.stop();
    assert!(ok, "SIGTERM ends watch with success: {stderr}");
    assert_eq!(report["processed"], 3, "{report:#}");
    assert!(stderr.contains("of"), "progress on stderr: {stderr}");

    let again = Watch::start(data.path(), inbox.path(), false);
    std::thread::sleep(Duration::from_secs(1));
    let (ok, report, _) = again.stop();
    assert!(ok);
    assert_eq!(report["already_taken"], 3, "{report:#}");
    assert_each_file_once(data.path(), &files_under(inbox.path()));
}

#[test]
fn editor_saves_and_partial_downloads_are_taken_once_under_their_final_name() {
    let data = tempfile::tempdir().unwrap();
    let inbox = tempfile::tempdir().unwrap();
    let watch = Watch::start(data.path(), inbox.path(), false);
    std::thread::sleep(Duration::from_millis(500));

    // an editor: write a temp file beside the target, then rename it over the target
    let saved = inbox.path().join("saved.xml");
    let temp = inbox.path().join(".saved.xml.tmp");
    std::fs::write(&temp, invoice_bytes("bluem-20150483.xml")).unwrap();
    std::fs::rename(&temp, &saved).unwrap();
    // a browser: a .crdownload written in pieces, renamed when complete
    let partial = inbox.path().join("download.xml.crdownload");
    let bytes = invoice_bytes("lieferant-471102-teilrechnung.xml");
    {
        let mut file = std::fs::File::create(&partial).unwrap();
        for chunk in bytes.chunks(bytes.len() / 4 + 1) {
            file.write_all(chunk).unwrap();
            std::thread::sleep(Duration::from_millis(300));
        }
    }
    let downloaded = inbox.path().join("download.xml");
    std::fs::rename(&partial, &downloaded).unwrap();
    // an office lock file that stays
    std::fs::write(inbox.path().join("~$notes.docx"), b"lock").unwrap();

    wait_for_documents(data.path(), 2, Duration::from_secs(20));
    // the editor saves again: the new bytes are a new version of the file
    let temp = inbox.path().join(".saved.xml.tmp");
    std::fs::write(&temp, invoice_bytes("elektron-181301674.xml")).unwrap();
    std::fs::rename(&temp, &saved).unwrap();
    wait_for_documents(data.path(), 3, Duration::from_secs(20));
    let (ok, _, stderr) = watch.stop();
    assert!(ok, "{stderr}");

    let documents = documents_by_path(data.path());
    let names: Vec<&String> = documents.keys().collect();
    assert_eq!(documents.len(), 2, "only final names are recorded: {names:?}");
    assert_eq!(
        documents[&saved.display().to_string()].len(),
        2,
        "two saves, two versions"
    );
    assert!(
        documents.values().flatten().all(|d| d["state"] == "processed"),
        "{documents:#?}"
    );
}

#[test]
fn a_slow_copy_growing_for_five_seconds_is_taken_once_when_complete() {
    let data = tempfile::tempdir().unwrap();
    let inbox = tempfile::tempdir().unwrap();
    let watch = Watch::start(data.path(), inbox.path(), false);
    std::thread::sleep(Duration::from_millis(500));

    let target = inbox.path().join("slow.xml");
    let bytes = invoice_bytes("enexis-1100512149.xml");
    let chunks: Vec<&[u8]> = bytes.chunks(bytes.len() / 25 + 1).collect();
    {
        let mut file = std::fs::File::create(&target).unwrap();
        for chunk in chunks {
            file.write_all(chunk).unwrap();
            file.flush().unwrap();
            std::thread::sleep(Duration::from_millis(200));
        }
        assert!(
            documents_by_path(data.path()).is_empty(),
            "nothing is taken while the copy is still growing"
        );
    }
    wait_for_documents(data.path(), 1, Duration::from_secs(20));
    std::thread::sleep(Duration::from_millis(500));
    let (ok, _, stderr) = watch.stop();
    assert!(ok, "{stderr}");
    let documents = assert_each_file_once(data.path(), std::slice::from_ref(&target));
    assert_eq!(state_of(data.path(), &target), "processed", "{documents:#?}");
}

fn drop_a_thousand(inbox: &Path) -> Vec<PathBuf> {
    let corpus = corpus_xml();
    let mut dropped = Vec::new();
    for i in 0..1000 {
        let mut bytes = std::fs::read(&corpus[i % corpus.len()]).unwrap();
        // distinct bytes for each file, still well-formed XML
        bytes.extend_from_slice(format!("\n<!-- copy {i} -->\n").as_bytes());
        let path = inbox.join(format!("drop-{i:04}.xml"));
        std::fs::write(&path, bytes).unwrap();
        dropped.push(path);
    }
    dropped
}

#[test]
fn a_thousand_files_dropped_at_once_each_end_in_one_state() {
    let data = tempfile::tempdir().unwrap();
    let inbox = tempfile::tempdir().unwrap();
    let watch = Watch::start(data.path(), inbox.path(), false);
    std::thread::sleep(Duration::from_millis(500));
    let dropped = drop_a_thousand(inbox.path());
    wait_for_documents(data.path(), 1000, Duration::from_secs(120));
    let (ok, report, stderr) = watch.stop();
    assert!(ok, "{stderr}");
    assert_eq!(report["files"], 1000, "{report:#}");
    assert!(stderr.contains("of 1000"), "batch progress n of m: {stderr}");
    assert_each_file_once(data.path(), &dropped);
}

#[test]
fn a_polled_inbox_takes_files_too_and_says_why_it_polls() {
    let data = tempfile::tempdir().unwrap();
    let inbox = tempfile::tempdir().unwrap();
    let watch = Watch::start(data.path(), inbox.path(), true);
    std::thread::sleep(Duration::from_millis(500));
    let file = inbox.path().join("polled.xml");
    let temp = inbox.path().join("polled.xml.part");
    std::fs::write(&temp, invoice_bytes("bluem-20150483.xml")).unwrap();
    std::fs::rename(&temp, &file).unwrap();
    wait_for_documents(data.path(), 1, Duration::from_secs(20));
    let (ok, _, stderr) = watch.stop();
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("polled") || stderr.contains("BACKDESK_WATCH_POLLING"),
        "{stderr}"
    );
    assert_each_file_once(data.path(), &[file]);
}

#[test]
fn a_deleted_inbox_stops_the_watch_with_a_message_instead_of_going_quiet() {
    let data = tempfile::tempdir().unwrap();
    let outer = tempfile::tempdir().unwrap();
    let inbox = outer.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    let mut watch = Watch::start(data.path(), &inbox, false);
    std::thread::sleep(Duration::from_millis(500));
    std::fs::remove_dir_all(&inbox).unwrap();
    // the child stays in `watch` until it ended, so a failing wait still kills it
    wait_for("watch to stop on its own", Duration::from_secs(15), || {
        watch.child.as_mut().unwrap().try_wait().unwrap().is_some()
    });
    let output = watch.child.take().unwrap().wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "a data/IO error: {stderr}");
    assert!(stderr.contains("inbox") && stderr.contains("gone"), "{stderr}");
}

#[test]
fn a_folder_named_relative_or_absolute_is_the_same_folder() {
    let data = tempfile::tempdir().unwrap();
    let outer = tempfile::tempdir().unwrap();
    let inbox = outer.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    std::fs::write(inbox.join("a.xml"), invoice_bytes("bluem-20150483.xml")).unwrap();
    assert_cmd::Command::new(binary())
        .current_dir(outer.path())
        .args(["--data-dir", data.path().to_str().unwrap(), "ingest", "inbox"])
        .env_remove("BACKDESK_DATA_DIR")
        .assert()
        .success();
    let again = crate::support::backdesk_json(data.path(), &["ingest", inbox.to_str().unwrap()]);
    assert_eq!(again["already_taken"], 1, "{again:#}");
    assert_each_file_once(data.path(), &[inbox.join("a.xml")]);
}
