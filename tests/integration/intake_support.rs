//! Helpers for the intake tests: a mixed inbox built from the shared corpora, the `backdesk` binary as a
//! child process, and checks over what the data directory recorded.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::support::{backdesk_json, repo};

/// The e-invoice XML examples of the shared corpora, in a stable order.
pub fn corpus_xml() -> Vec<PathBuf> {
    let root = repo().join("../shared/corpora");
    assert!(
        root.is_dir(),
        "the corpora are missing at {}: check out shared/ beside the repository (CI does)",
        root.display()
    );
    let mut files = Vec::new();
    for folder in ["xrechnung-testsuite", "en16931"] {
        walk(&root.join(folder), &mut files);
    }
    files.retain(|f| f.extension().is_some_and(|e| e == "xml"));
    files.sort();
    assert!(files.len() > 300, "the corpora hold {} XML files", files.len());
    files
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// A small deterministic random source (xorshift), seeded so a failing run can be repeated.
pub struct Random(u64);

impl Random {
    /// From `BACKDESK_TEST_SEED`, or the clock (printed, so a failure can be replayed).
    pub fn seeded(name: &str) -> Self {
        let seed = std::env::var("BACKDESK_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        eprintln!("{name}: BACKDESK_TEST_SEED={seed}");
        Self(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Uniform in `[low, high)`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low)
    }
}

/// Fills `inbox` with at least `count` files: corpus invoices (some copied twice under other names and in
/// sub-folders: duplicate bytes), and junk: empty, truncated, binary, text, hostile XML.
pub fn mixed_inbox(inbox: &Path, count: usize) -> usize {
    let corpus = corpus_xml();
    std::fs::create_dir_all(inbox.join("sub/deeper")).unwrap();
    let mut written = 0;
    for (i, file) in corpus.iter().enumerate() {
        let bytes = std::fs::read(file).unwrap();
        let name = format!("{i:04}-{}", file.file_name().unwrap().to_string_lossy());
        std::fs::write(inbox.join(&name), &bytes).unwrap();
        written += 1;
        if i % 10 == 0 {
            std::fs::write(inbox.join("sub").join(format!("copy-{name}")), &bytes).unwrap();
            written += 1;
        }
        if i % 25 == 0 {
            std::fs::write(
                inbox.join("sub/deeper").join(format!("truncated-{name}")),
                &bytes[..bytes.len() / 3],
            )
            .unwrap();
            written += 1;
        }
    }
    let mut junk = 0;
    while written < count || junk < 40 {
        let name = format!("junk-{junk:03}");
        match junk % 5 {
            0 => std::fs::write(inbox.join(format!("{name}.xml")), b"").unwrap(),
            1 => std::fs::write(
                inbox.join(format!("{name}.pdf")),
                (0..2048u32 + junk as u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect::<Vec<_>>(),
            )
            .unwrap(),
            2 => std::fs::write(inbox.join(format!("{name}.txt")), format!("not an invoice {junk}")).unwrap(),
            3 => std::fs::write(
                inbox.join(format!("{name}.xml")),
                format!(r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Invoice>&e;{junk}</Invoice>"#),
            )
            .unwrap(),
            _ => std::fs::write(inbox.join(format!("{name}.xml")), format!("<Invoice><ID>{junk}</ID>")).unwrap(),
        }
        junk += 1;
        written += 1;
    }
    written
}

/// Every file under a folder (recursively), sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    files
}

/// The SHA-256 of a file's bytes as hex.
pub fn sha256_of(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

/// The `backdesk` binary.
pub fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("backdesk")
}

/// Starts `backdesk --data-dir DATA ARGS…` as a child process (stdout and stderr captured).
pub fn spawn(data_dir: &Path, args: &[&str]) -> Child {
    Command::new(binary())
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("BACKDESK_DATA_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the backdesk binary starts")
}

/// The documents recorded, keyed by path.
pub fn documents_by_path(data_dir: &Path) -> HashMap<String, Vec<Value>> {
    let documents = backdesk_json(data_dir, &["documents", "--json"]);
    let mut by_path: HashMap<String, Vec<Value>> = HashMap::new();
    for document in documents.as_array().unwrap() {
        by_path
            .entry(document["path"].as_str().unwrap().to_owned())
            .or_default()
            .push(document.clone());
    }
    by_path
}

/// Checks the outcome every intake test wants: each file of the inbox recorded exactly once, in a final
/// state, with its bytes archived unchanged; no invoice recorded twice. Returns the documents by path.
pub fn assert_each_file_once(data_dir: &Path, files: &[PathBuf]) -> HashMap<String, Vec<Value>> {
    let by_path = documents_by_path(data_dir);
    for file in files {
        let key = file.display().to_string();
        let docs = by_path
            .get(&key)
            .unwrap_or_else(|| panic!("{key} was never recorded"));
        assert_eq!(docs.len(), 1, "{key} is recorded once: {docs:#?}");
        let doc = &docs[0];
        let state = doc["state"].as_str().unwrap();
        assert!(
            ["processed", "rejected", "duplicate_file"].contains(&state),
            "{key} ends in a final state, not '{state}'"
        );
        if state == "rejected" {
            assert!(
                doc["reason"].is_string() && doc["reason_message"].is_string(),
                "{doc:#}"
            );
        }
        let sha = sha256_of(file);
        assert_eq!(doc["sha256"], sha, "{key}");
        let archived = data_dir.join("archive").join(&sha[..2]).join(&sha);
        assert_eq!(
            std::fs::read(&archived).unwrap_or_else(|e| panic!("{} is archived: {e}", key)),
            std::fs::read(file).unwrap(),
            "{key} is archived byte for byte"
        );
    }
    assert_eq!(
        by_path.values().map(Vec::len).sum::<usize>(),
        files.len(),
        "nothing but the inbox files was recorded"
    );
    let invoices = backdesk_json(data_dir, &["invoices", "--json"]);
    let mut from_bytes: HashMap<String, usize> = HashMap::new();
    for invoice in invoices.as_array().unwrap() {
        *from_bytes
            .entry(invoice["document_sha256"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert!(
        from_bytes.values().all(|&n| n == 1),
        "no invoice is recorded twice: {from_bytes:?}"
    );
    by_path
}

/// Waits until `check` holds, polling; panics with `what` after `limit`.
pub fn wait_for(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
