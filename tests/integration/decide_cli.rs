//! Decisions from the command line: a changed bank account is held until a person confirms it out of band
//! (and the confirmation becomes history), and `policy replay` reports what a proposed policy would change.

use crate::support::{backdesk, backdesk_json, demo, workspace_with_demo_master_data, write};

/// The demo Elektron invoice asking to be paid into another (valid) IBAN, under another number.
fn elektron_paying_elsewhere(dir: &std::path::Path, number: &str) -> std::path::PathBuf {
    let xml = std::fs::read_to_string(demo("inbox/elektron-181301674.xml")).unwrap();
    let changed = xml
        .replace("DE91100000000123456789", "DE89370400440532013000")
        .replace("181301674", number);
    write(dir, &format!("elektron-{number}.xml"), changed)
}

#[test]
fn a_new_bank_account_is_held_until_confirmed_and_then_becomes_history() {
    let dir = workspace_with_demo_master_data();
    let files = tempfile::tempdir().unwrap();
    let first = elektron_paying_elsewhere(files.path(), "900001");
    let report = backdesk_json(dir.path(), &["ingest", first.to_str().unwrap()]);
    let id = report["invoice_ids"][0].as_i64().unwrap().to_string();
    let invoice = backdesk_json(dir.path(), &["invoice", &id, "--json"]);
    assert_eq!(invoice["status"], "exception");
    assert_eq!(invoice["reasons"][0]["code"], "BANK_DETAILS_CHANGED");
    assert_eq!(
        invoice["reasons"][0]["detail"]["on_file"][0],
        "DE91100000000123456789"
    );
    assert_eq!(invoice["decisions"][0]["policy_version"], "default-1");

    let decision = backdesk_json(
        dir.path(),
        &[
            "confirm-bank",
            &id,
            "--as",
            "ann",
            "--how",
            "called the number on file",
        ],
    );
    assert_eq!(decision["status"], "awaiting_approval", "the only reason is gone");
    let invoice = backdesk_json(dir.path(), &["invoice", &id, "--json"]);
    assert_eq!(invoice["status"], "awaiting_approval");
    assert_eq!(
        invoice["decisions"].as_array().unwrap().len(),
        2,
        "both decisions are kept"
    );

    // the confirmed account is now this vendor's history: the next invoice paying into it is not held
    let second = elektron_paying_elsewhere(files.path(), "900002");
    let report = backdesk_json(dir.path(), &["ingest", second.to_str().unwrap()]);
    let id2 = report["invoice_ids"][0].as_i64().unwrap().to_string();
    let invoice = backdesk_json(dir.path(), &["invoice", &id2, "--json"]);
    let codes: Vec<&str> = invoice["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&"BANK_DETAILS_CHANGED"), "{codes:?}");
}

#[test]
fn a_confirmation_needs_who_and_how() {
    let dir = workspace_with_demo_master_data();
    backdesk(dir.path(), &["confirm-bank", "1", "--as", "ann", "--how", " "]).code(2);
}

#[test]
fn policy_replay_reports_counts_and_the_invoices_that_flip_without_saving() {
    let dir = workspace_with_demo_master_data();
    backdesk(dir.path(), &["ingest", demo("inbox").to_str().unwrap()]).success();
    let proposed = write(
        dir.path(),
        "proposed.toml",
        "version = \"2026-12\"\n[tolerances]\ntotal_absolute = \"10.00\"\n",
    );
    let report = backdesk_json(
        dir.path(),
        &["policy", "replay", proposed.to_str().unwrap(), "--json"],
    );
    assert_eq!(report["proposed_version"], "2026-12");
    assert_eq!(report["invoices"], 5);
    assert_eq!(report["current"]["exception"], 2);
    assert_eq!(
        report["proposed"]["exception"], 1,
        "a 10.00 total tolerance absorbs the freight"
    );
    assert_eq!(report["flips"][0]["invoice_number"], "471102");
    assert_eq!(report["flips"][0]["from"], "exception");
    assert_eq!(
        report["flips"][0]["to"], "straight_through",
        "197.65 with its PO matched"
    );
    let still = backdesk_json(dir.path(), &["invoices", "--status", "exception", "--json"]);
    assert_eq!(still.as_array().unwrap().len(), 2, "a replay saves nothing");
}

#[test]
fn a_policy_file_with_a_mistake_is_refused_naming_the_file() {
    let dir = workspace_with_demo_master_data();
    let bad = write(
        dir.path(),
        "bad.toml",
        "version = \"1\"\n[tolerances]\nprice_percent = 2\n",
    );
    let assert = backdesk(dir.path(), &["policy", "replay", bad.to_str().unwrap()]).code(3);
    assert!(crate::support::stderr_of(&assert).contains("bad.toml"));
}

#[test]
fn invoices_awaiting_approval_list_the_steps_the_policy_asks_for() {
    let dir = workspace_with_demo_master_data();
    backdesk(dir.path(), &["ingest", demo("inbox").to_str().unwrap()]).success();
    let invoices = backdesk_json(dir.path(), &["invoices", "--json"]);
    let enexis = invoices
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["invoice_number"] == "1100512149")
        .unwrap();
    assert_eq!(enexis["status"], "awaiting_approval");
    let steps = enexis["approval_steps"].as_array().unwrap();
    assert_eq!(steps.len(), 1, "from-1000 and no-po both ask for a manager: once");
    assert_eq!(steps[0]["role"], "manager");
    assert_eq!(steps[0]["rule"], "from-1000");
}

#[test]
fn the_same_invoice_number_written_differently_is_a_duplicate_until_a_person_overrides_it() {
    let dir = workspace_with_demo_master_data();
    backdesk(
        dir.path(),
        &["ingest", demo("inbox/bluem-20150483.xml").to_str().unwrap()],
    )
    .success();
    let files = tempfile::tempdir().unwrap();
    let xml = std::fs::read_to_string(demo("inbox/bluem-20150483.xml")).unwrap();
    let again = write(
        files.path(),
        "bluem-again.xml",
        xml.replacen(">20150483<", ">INV-0020150483<", 1),
    );
    let report = backdesk_json(dir.path(), &["ingest", again.to_str().unwrap()]);
    let id = report["invoice_ids"][0].as_i64().unwrap().to_string();
    let invoice = backdesk_json(dir.path(), &["invoice", &id, "--json"]);
    assert_eq!(invoice["status"], "exception");
    assert_eq!(invoice["reasons"][0]["code"], "DUPLICATE_INVOICE");
    assert_eq!(invoice["reasons"][0]["detail"]["normalised"], "20150483");

    backdesk(dir.path(), &["not-duplicate", &id, "--as", "ann"]).code(2);
    let decision = backdesk_json(
        dir.path(),
        &[
            "not-duplicate",
            &id,
            "--as",
            "ann",
            "--reason",
            "re-issued with a new layout, paid once",
        ],
    );
    let codes: Vec<&str> = decision["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert!(
        !codes.contains(&"DUPLICATE_INVOICE") && !codes.contains(&"POSSIBLE_DUPLICATE"),
        "{codes:?}"
    );
    assert_eq!(decision["status"], "awaiting_approval");
}

#[test]
fn a_saved_policy_decides_the_next_invoices_and_a_change_needs_a_new_version() {
    let dir = workspace_with_demo_master_data();
    let strict = write(
        dir.path(),
        "strict.toml",
        "version = \"strict-1\"\n[straight_through]\nenabled = false\n",
    );
    backdesk(dir.path(), &["policy", "set", strict.to_str().unwrap()]).success();
    let shown = backdesk(dir.path(), &["policy", "show"]).success();
    assert!(String::from_utf8_lossy(&shown.get_output().stdout).contains("version = \"strict-1\""));

    let same_version = write(
        dir.path(),
        "changed.toml",
        "version = \"strict-1\"\n[duplicates]\nwindow_days = 3\n",
    );
    let refused = backdesk(dir.path(), &["policy", "set", same_version.to_str().unwrap()]).code(2);
    assert!(crate::support::stderr_of(&refused).contains("new `version`"));

    // the next invoice is decided under the saved policy, and says so
    backdesk(
        dir.path(),
        &[
            "ingest",
            demo("inbox/lieferant-471102-teilrechnung.xml").to_str().unwrap(),
        ],
    )
    .success();
    let invoices = backdesk_json(dir.path(), &["invoices", "--json"]);
    let invoice = &invoices[0];
    let id = invoice["id"].as_i64().unwrap().to_string();
    let detail = backdesk_json(dir.path(), &["invoice", &id, "--json"]);
    assert_eq!(detail["decisions"][0]["policy_version"], "strict-1");
}
