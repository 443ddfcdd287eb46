//! A vendors.csv re-import that changes a vendor's bank details, on a real workspace driven by the real CLI:
//! the preview lists the change (masked) without keeping anything, the import lists it on stderr and in its
//! report and appends one `vendor_changed` entry (origin `import:FILE`, old → new, no call-back) to the
//! hash chain, which `audit verify` still finds intact. A re-import that changes no bank detail lists none.

use std::path::Path;

use backdesk::api::{MasterDataKind, Workspace};
use backdesk::model::VendorId;

use crate::support::{backdesk, backdesk_json, demo, stderr_of, write};

/// ELEKTRON's IBAN in demo/vendors.csv.
const ELEKTRON_IBAN: &str = "DE91100000000123456789";
/// Another valid IBAN (ISO 13616's example).
const NEW_IBAN: &str = "GB82WEST12345698765432";

/// A data directory with the demo's accounts and vendors imported by the CLI.
fn workspace_with_demo_vendors() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (kind, file) in [("accounts", "accounts.csv"), ("vendors", "vendors.csv")] {
        backdesk(dir.path(), &["import", kind, demo(file).to_str().unwrap()]).success();
    }
    dir
}

/// demo/vendors.csv with `from` replaced by `to`, written as DIR/upload/vendors.csv.
fn vendors_csv(dir: &Path, from: &str, to: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(demo("vendors.csv")).unwrap();
    assert!(text.contains(from), "the demo vendors hold {from}");
    std::fs::create_dir_all(dir.join("upload")).unwrap();
    write(&dir.join("upload"), "vendors.csv", text.replace(from, to))
}

fn audit_entries(dir: &Path) -> Vec<serde_json::Value> {
    let trail = backdesk_json(dir, &["audit", "export", "--format", "json"]);
    trail
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("the trail is a JSON array: {trail}"))
}

fn vendor_changes(dir: &Path) -> Vec<serde_json::Value> {
    audit_entries(dir)
        .into_iter()
        .filter(|e| e["action"] == "vendor_changed")
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changed_iban_is_previewed_masked_then_imported_and_audited_old_to_new() {
    let dir = workspace_with_demo_vendors();
    let file = vendors_csv(dir.path(), ELEKTRON_IBAN, NEW_IBAN);
    let entries_before = audit_entries(dir.path()).len();

    let workspace = Workspace::open(dir.path()).await.unwrap();
    let preview = workspace
        .preview_master_data(MasterDataKind::Vendors, &file)
        .await
        .unwrap();
    assert_eq!(preview.changed, 1, "{preview:?}");
    assert_eq!(preview.bank_changes.len(), 1, "{preview:?}");
    let change = &preview.bank_changes[0];
    assert_eq!(
        (change.vendor_id.as_str(), change.name.as_str(), change.field),
        ("V-ELEK", "ELEKTRON Industrieservice GmbH", "iban")
    );
    assert_eq!(change.old.as_deref(), Some("••••••••••••••••••6789"));
    assert_eq!(change.new.as_deref(), Some("••••••••••••••••••5432"));
    let on_file = workspace.vendor_record(&VendorId("V-ELEK".into())).await.unwrap();
    assert_eq!(
        on_file.vendor.iban.as_deref(),
        Some(ELEKTRON_IBAN),
        "the preview keeps nothing"
    );
    drop(workspace);
    assert_eq!(
        audit_entries(dir.path()).len(),
        entries_before,
        "the preview audits nothing"
    );

    let imported = backdesk(dir.path(), &["import", "vendors", file.to_str().unwrap()]).success();
    let stderr = stderr_of(&imported);
    assert!(
        stderr.contains(
            "warning: vendors.csv: V-ELEK ELEKTRON Industrieservice GmbH: IBAN …6789 → …5432 — confirm the new \
             account with the vendor by phone before paying to it"
        ),
        "{stderr}"
    );
    assert!(
        !stderr.contains(NEW_IBAN) && !stderr.contains(ELEKTRON_IBAN),
        "masked: {stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&imported.get_output().stdout).unwrap();
    assert_eq!(report["changed"], 1);
    assert_eq!(report["bank_changes"][0]["vendor_id"], "V-ELEK");
    assert_eq!(report["bank_changes"][0]["new"], "••••••••••••••••••5432");

    let audited = vendor_changes(dir.path());
    assert_eq!(audited.len(), 1, "one entry for the one vendor: {audited:?}");
    let detail = &audited[0]["detail"];
    assert_eq!(detail["vendor_id"], "V-ELEK");
    assert_eq!(detail["origin"], "import:vendors.csv");
    assert!(detail["call_back"].is_null(), "{detail}");
    assert_eq!(
        detail["changes"],
        serde_json::json!([{"field": "iban", "old": ELEKTRON_IBAN, "new": NEW_IBAN}])
    );
    let verified = backdesk(dir.path(), &["audit", "verify"]).success();
    assert!(
        stderr_of(&verified).contains("audit trail intact"),
        "{}",
        stderr_of(&verified)
    );

    let workspace = Workspace::open(dir.path()).await.unwrap();
    let record = workspace.vendor_record(&VendorId("V-ELEK".into())).await.unwrap();
    assert_eq!(record.vendor.iban.as_deref(), Some(NEW_IBAN));
    assert_eq!(
        record.history.len(),
        1,
        "the vendor's history shows the imported change"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reimport_that_changes_no_bank_detail_lists_and_audits_nothing() {
    let dir = workspace_with_demo_vendors();
    let identical = demo("vendors.csv");
    let new_email = vendors_csv(dir.path(), "rechnung@elektron.example", "ap@elektron.example");
    let entries_before = audit_entries(dir.path()).len();

    let workspace = Workspace::open(dir.path()).await.unwrap();
    for file in [&identical, &new_email] {
        let preview = workspace
            .preview_master_data(MasterDataKind::Vendors, file)
            .await
            .unwrap();
        assert!(preview.bank_changes.is_empty(), "{}: {preview:?}", file.display());
    }
    drop(workspace);

    for (file, changed) in [(&identical, 0), (&new_email, 1)] {
        let imported = backdesk(dir.path(), &["import", "vendors", file.to_str().unwrap()]).success();
        let report: serde_json::Value = serde_json::from_slice(&imported.get_output().stdout).unwrap();
        assert_eq!(report["changed"], changed, "{report}");
        assert_eq!(report["bank_changes"], serde_json::json!([]), "{report}");
        assert!(!stderr_of(&imported).contains("confirm the new account"));
    }
    assert_eq!(audit_entries(dir.path()).len(), entries_before, "nothing audited");
    backdesk(dir.path(), &["audit", "verify"]).success();
}
