//! Shared helpers: a temp data directory and the `backdesk` binary driven as a user would.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The committed demo material.
pub fn demo(path: &str) -> PathBuf {
    repo().join("demo").join(path)
}

/// `backdesk --data-dir DIR ARGS…`
pub fn backdesk(data_dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("backdesk")
        .expect("the backdesk binary is built with the tests")
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("BACKDESK_DATA_DIR")
        .assert()
}

/// Runs a command that must succeed and parses its JSON stdout.
pub fn backdesk_json(data_dir: &Path, args: &[&str]) -> serde_json::Value {
    let output = backdesk(data_dir, args).success().get_output().stdout.clone();
    serde_json::from_slice(&output).expect("stdout is JSON")
}

/// The stderr of a finished command as text.
pub fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

/// Writes a file into a directory and returns its path.
pub fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write fixture");
    path
}

/// A data directory with the demo vendors, POs and receipts imported.
pub fn workspace_with_demo_master_data() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (kind, file) in [
        ("accounts", "accounts.csv"),
        ("vendors", "vendors.csv"),
        ("purchase-orders", "purchase_orders.csv"),
        ("receipts", "receipts.csv"),
    ] {
        backdesk(
            dir.path(),
            &["import", kind, demo(file).to_str().expect("utf-8 path")],
        )
        .success();
    }
    dir
}
