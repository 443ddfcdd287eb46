//! Backup and restore of a whole workspace through one file: a round trip gives the same invoices and
//! originals in a new folder; a truncated or corrupted backup is refused with a clear message and leaves
//! nothing behind; a restore never writes into an existing workspace.

use std::path::Path;

use backdesk::api::backup::{read_backup_manifest, restore_backup};
use backdesk::api::demo::open_demo_workspace;

fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

async fn demo_backup() -> (tempfile::TempDir, std::path::PathBuf, usize) {
    let dir = tempfile::tempdir().unwrap();
    let workspace = open_demo_workspace(&dir.path().join("demo")).await.unwrap();
    let invoices = workspace.list_invoices(None).await.unwrap().len();
    assert!(
        invoices >= 4,
        "the demo should hold its invoices, found {invoices}"
    );
    let file = dir.path().join("books.backdesk-backup");
    let report = workspace.back_up(&file).await.unwrap();
    assert_eq!(report.invoice_count, invoices);
    assert!(report.entries > invoices, "database + every original: {report:?}");
    assert_eq!(std::fs::metadata(&file).unwrap().len(), report.bytes);
    (dir, file, invoices)
}

#[tokio::test]
async fn a_backup_restored_into_a_new_folder_has_the_same_invoices_and_originals() {
    let (dir, file, invoices) = demo_backup().await;
    let target = dir.path().join("restored");
    let report = restore_backup(&file, &target).await.unwrap();
    assert_eq!(report.invoice_count, invoices);
    let restored = backdesk::api::Workspace::open(&target).await.unwrap();
    let before = open_demo_workspace(&dir.path().join("demo")).await.unwrap();
    let list = |invoices: Vec<backdesk::api::InvoiceSummary>| {
        invoices
            .into_iter()
            .map(|i| (i.invoice_number, i.status))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        list(restored.list_invoices(None).await.unwrap()),
        list(before.list_invoices(None).await.unwrap())
    );
    assert_eq!(
        files_under(&target.join("archive")),
        files_under(&dir.path().join("demo").join("archive")),
        "every original comes back byte for byte"
    );
    let original = restored
        .original_document(restored.list_invoices(None).await.unwrap()[0].id)
        .await
        .unwrap();
    assert!(!original.bytes.is_empty());
    assert!(
        !dir.path().read_dir().unwrap().any(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.contains(".restoring-") || name.ends_with(".partial") || name.ends_with(".snapshot.db")
        }),
        "no staging or partial files are left behind"
    );
}

#[tokio::test]
async fn a_truncated_backup_is_refused_and_nothing_is_created() {
    let (dir, file, _) = demo_backup().await;
    let bytes = std::fs::read(&file).unwrap();
    for cut in [bytes.len() - 1, bytes.len() / 2, 10] {
        let short = dir.path().join(format!("short-{cut}.backdesk-backup"));
        std::fs::write(&short, &bytes[..cut]).unwrap();
        let target = dir.path().join(format!("restored-{cut}"));
        let error = restore_backup(&short, &target).await.unwrap_err().to_string();
        assert!(error.contains("not a complete Backdesk backup"), "{error}");
        assert!(
            error.contains(&short.display().to_string()),
            "the message names the file: {error}"
        );
        assert!(
            !target.exists(),
            "a refused restore must not create {}",
            target.display()
        );
    }
}

#[tokio::test]
async fn a_corrupted_byte_is_caught_by_the_hashes_and_nothing_is_left() {
    let (dir, file, _) = demo_backup().await;
    let manifest = read_backup_manifest(&file).unwrap();
    let last = manifest.entries.last().unwrap();
    assert!(last.path.starts_with("archive/"), "{manifest:?}");
    let mut bytes = std::fs::read(&file).unwrap();
    // flip a byte inside the last original (just before the manifest)
    let manifest_len =
        u64::from_le_bytes(bytes[bytes.len() - 16..bytes.len() - 8].try_into().unwrap()) as usize;
    let at = bytes.len() - 16 - manifest_len - 1;
    bytes[at] ^= 0x20;
    let bad = dir.path().join("bad.backdesk-backup");
    std::fs::write(&bad, &bytes).unwrap();
    let target = dir.path().join("restored");
    let error = restore_backup(&bad, &target).await.unwrap_err().to_string();
    assert!(error.contains(&last.path) && error.contains("SHA-256"), "{error}");
    assert!(!target.exists());
    assert_eq!(
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("restoring"))
            .count(),
        0,
        "the staging folder is removed"
    );
}

#[tokio::test]
async fn a_restore_never_writes_into_an_existing_workspace() {
    let (dir, file, _) = demo_backup().await;
    let live = dir.path().join("demo");
    let before = files_under(&live.join("archive"));
    let error = restore_backup(&file, &live).await.unwrap_err().to_string();
    assert!(
        error.contains("not empty") && error.contains("new folder"),
        "{error}"
    );
    assert_eq!(files_under(&live.join("archive")), before);
    // an empty folder is fine
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    restore_backup(&file, &empty).await.unwrap();
}

#[tokio::test]
async fn the_cli_backs_up_and_restores_and_refuses_a_cut_file_with_exit_3() {
    let (dir, _, invoices) = demo_backup().await;
    let data = dir.path().join("demo");
    let file = dir.path().join("cli.backdesk-backup");
    let report = crate::support::backdesk_json(&data, &["backup", file.to_str().unwrap()]);
    assert_eq!(report["invoice_count"], invoices);
    let target = dir.path().join("cli-restored");
    let restored = crate::support::backdesk_json(
        &data,
        &["restore", file.to_str().unwrap(), target.to_str().unwrap()],
    );
    assert_eq!(restored["invoice_count"], invoices);
    let listed = crate::support::backdesk_json(&target, &["invoices", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), invoices);

    let bytes = std::fs::read(&file).unwrap();
    let cut = dir.path().join("cut.backdesk-backup");
    std::fs::write(&cut, &bytes[..bytes.len() - 100]).unwrap();
    let again = dir.path().join("cli-restored-2");
    let assert = crate::support::backdesk(
        &data,
        &["restore", cut.to_str().unwrap(), again.to_str().unwrap()],
    )
    .code(3);
    assert!(crate::support::stderr_of(&assert).contains("cut.backdesk-backup"));
    assert!(!again.exists());
}

/// Rewrites a backup's manifest with `edit` (lengths and trailer kept consistent), as a newer Backdesk or a
/// tampered file would have it.
fn with_manifest(bytes: &[u8], edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let len = u64::from_le_bytes(bytes[bytes.len() - 16..bytes.len() - 8].try_into().unwrap()) as usize;
    let start = bytes.len() - 16 - len;
    let mut manifest: serde_json::Value = serde_json::from_slice(&bytes[start..bytes.len() - 16]).unwrap();
    edit(&mut manifest);
    let json = serde_json::to_vec(&manifest).unwrap();
    let mut out = bytes[..start].to_vec();
    out.extend_from_slice(&json);
    out.extend_from_slice(&(json.len() as u64).to_le_bytes());
    out.extend_from_slice(b"BDBKEND\n");
    out
}

#[tokio::test]
async fn a_backup_from_a_newer_schema_or_with_an_escaping_path_is_refused() {
    let (dir, file, _) = demo_backup().await;
    let bytes = std::fs::read(&file).unwrap();

    let newer = dir.path().join("newer.backdesk-backup");
    std::fs::write(
        &newer,
        with_manifest(&bytes, |m| m["schema_version"] = 9999.into()),
    )
    .unwrap();
    let target = dir.path().join("from-newer");
    let error = restore_backup(&newer, &target).await.unwrap_err().to_string();
    assert!(
        error.contains("newer Backdesk") && error.contains("9999"),
        "{error}"
    );
    assert!(!target.exists());

    let escaping = dir.path().join("escaping.backdesk-backup");
    std::fs::write(
        &escaping,
        with_manifest(&bytes, |m| m["entries"][1]["path"] = "../outside".into()),
    )
    .unwrap();
    let target = dir.path().join("from-escaping");
    let error = restore_backup(&escaping, &target).await.unwrap_err().to_string();
    assert!(error.contains("unsafe path"), "{error}");
    assert!(!target.exists() && !dir.path().join("outside").exists());
}
