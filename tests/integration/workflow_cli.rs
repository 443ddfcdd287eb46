//! The workflow from the command line against a real data directory: people, a correction that clears an
//! exception, separation of duties, approval, a correction after approval re-opening it, rejection, the
//! audit trail in `invoice ID --json`, `audit verify` and `audit export`.

use crate::support::{backdesk, backdesk_json, demo, stderr_of, workspace_with_demo_master_data, write};

const ON_FILE: &str = "DE91100000000123456789";

/// The demo Elektron invoice asking to be paid into another IBAN (an exception until a person acts).
fn elektron_paying_elsewhere(dir: &std::path::Path) -> std::path::PathBuf {
    let xml = std::fs::read_to_string(demo("inbox/elektron-181301674.xml")).unwrap();
    write(
        dir,
        "elektron-paying-elsewhere.xml",
        xml.replace(ON_FILE, "DE89370400440532013000"),
    )
}

#[test]
fn correct_approve_reopen_and_reject_from_the_command_line() {
    let dir = workspace_with_demo_master_data();
    let data = dir.path();
    let files = tempfile::tempdir().unwrap();
    let report = backdesk_json(
        data,
        &[
            "ingest",
            elektron_paying_elsewhere(files.path()).to_str().unwrap(),
        ],
    );
    let id = report["invoice_ids"][0].as_i64().unwrap().to_string();

    for (name, role) in [("ann", "clerk"), ("mia", "manager"), ("max", "manager")] {
        backdesk(data, &["people", "add", name, "--role", role]).success();
    }
    backdesk(
        data,
        &["people", "add", "olga", "--role", "owner", "--limit", "50000"],
    )
    .success();
    let people = backdesk_json(data, &["people", "--json"]);
    assert_eq!(people.as_array().unwrap().len(), 4);
    assert_eq!(people[3]["name"], "olga");
    assert_eq!(people[3]["approval_limit"], "50000");
    let bad = backdesk(data, &["people", "add", "eve", "--role", "boss"]).code(2);
    assert!(
        stderr_of(&bad).contains("clerk, manager or owner"),
        "{}",
        stderr_of(&bad)
    );

    // an exception cannot be approved; a manager corrects the IBAN back to the one on file
    let refused = backdesk(data, &["approve", &id, "--as", "mia"]).code(2);
    assert!(
        stderr_of(&refused).contains("resolve its reasons"),
        "{}",
        stderr_of(&refused)
    );
    let corrected = backdesk_json(data, &["correct", &id, &format!("iban={ON_FILE}"), "--as", "mia"]);
    assert_eq!(corrected["status_before"], "exception");
    assert_eq!(corrected["status"], "awaiting_approval", "{corrected}");
    assert_eq!(corrected["changes"][0]["old"], "DE89370400440532013000");
    assert_eq!(corrected["changes"][0]["new"], ON_FILE);

    // separation of duties: the corrector cannot be the only approver; a clerk cannot take a manager's step
    let refused = backdesk(data, &["approve", &id, "--as", "mia"]).code(2);
    assert!(
        stderr_of(&refused).contains("cannot be its only approver"),
        "{}",
        stderr_of(&refused)
    );
    let refused = backdesk(data, &["approve", &id, "--as", "ann"]).code(2);
    assert!(
        stderr_of(&refused).contains("needs a manager"),
        "{}",
        stderr_of(&refused)
    );
    let approved = backdesk_json(
        data,
        &["approve", &id, "--as", "max", "--comment", "matches the PO"],
    );
    assert_eq!(approved["status"], "approved");

    // a change after approval re-opens approval and says so
    let assert = backdesk(data, &["correct", &id, "buyer_reference=PROJ-42", "--as", "ann"]).success();
    assert!(
        stderr_of(&assert).contains("re-opens approval"),
        "{}",
        stderr_of(&assert)
    );
    let invoice = backdesk_json(data, &["invoice", &id, "--json"]);
    assert_eq!(invoice["status"], "awaiting_approval");
    assert_eq!(invoice["approval"]["current_step"], 1);
    assert_eq!(
        invoice["approval"]["steps"][0]["approvals"]
            .as_array()
            .unwrap()
            .len(),
        0,
        "earlier approvals no longer count"
    );

    backdesk(
        data,
        &["reject", &id, "--as", "max", "--reason", "ordered elsewhere"],
    )
    .success();
    let refused = backdesk(data, &["approve", &id, "--as", "max"]).code(2);
    assert!(
        stderr_of(&refused).contains("rejected"),
        "{}",
        stderr_of(&refused)
    );
    let refused = backdesk(data, &["correct", &id, "buyer_reference=X", "--as", "ann"]).code(2);
    assert!(stderr_of(&refused).contains("closed"), "{}", stderr_of(&refused));

    // the whole story is in the invoice's audit trail, in order
    let invoice = backdesk_json(data, &["invoice", &id, "--json"]);
    assert_eq!(invoice["status"], "rejected");
    let actions: Vec<(&str, &str)> = invoice["audit_trail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["actor"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        [
            ("received", "backdesk"),
            ("field_corrected", "mia"),
            ("status_changed", "mia"),
            ("approved", "max"),
            ("status_changed", "max"),
            ("field_corrected", "ann"),
            ("status_changed", "ann"),
            ("rejected", "max"),
            ("status_changed", "max"),
        ]
    );
    let trail = invoice["audit_trail"].as_array().unwrap();
    assert_eq!(trail[1]["detail"]["old"], "DE89370400440532013000");
    assert_eq!(trail[6]["detail"]["from"], "approved");

    let verified = backdesk(data, &["audit", "verify"]).success();
    assert!(
        stderr_of(&verified).contains("intact"),
        "{}",
        stderr_of(&verified)
    );
    let json = backdesk_json(data, &["audit", "export", "--format", "json"]);
    let entries = json.as_array().unwrap();
    assert!(
        entries.len() >= 9 + 4,
        "people and the invoice: {}",
        entries.len()
    );
    let csv = backdesk(data, &["audit", "export", "--format", "csv"])
        .success()
        .get_output()
        .stdout
        .clone();
    let csv = String::from_utf8(csv).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "id",
            "at",
            "actor",
            "action",
            "invoice_id",
            "detail",
            "prev_hash",
            "hash"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), entries.len());
    assert_eq!(
        rows.last().unwrap()[7],
        *entries.last().unwrap()["hash"].as_str().unwrap()
    );
    backdesk(data, &["audit", "export", "--format", "xml"]).code(2);
}

#[test]
fn metrics_and_queues_from_the_command_line() {
    let dir = workspace_with_demo_master_data();
    let data = dir.path();
    let files = tempfile::tempdir().unwrap();
    backdesk_json(
        data,
        &[
            "ingest",
            elektron_paying_elsewhere(files.path()).to_str().unwrap(),
        ],
    );
    let metrics = backdesk_json(data, &["metrics", "--json"]);
    assert_eq!(metrics["invoices_received"], 1);
    assert_eq!(metrics["exceptions"], 1);
    assert_eq!(metrics["exceptions_by_reason"]["BANK_DETAILS_CHANGED"], 1);
    assert_eq!(metrics["minutes_per_manual_invoice"], 15);
    let queues = backdesk_json(data, &["queues", "--json"]);
    assert_eq!(queues["exception"][0]["reasons"][0], "BANK_DETAILS_CHANGED");
    assert_eq!(queues["sla_hours"]["exception"], 48);
    assert!(queues["exception"][0]["owner"].is_null());

    let id = queues["exception"][0]["invoice_id"].as_i64().unwrap().to_string();
    backdesk(data, &["people", "add", "ann", "--role", "clerk"]).success();
    let refused = backdesk(data, &["assign", &id, "--to", "bob", "--as", "ann"]).code(2);
    assert!(
        stderr_of(&refused).contains("people add bob"),
        "{}",
        stderr_of(&refused)
    );
    backdesk(data, &["assign", &id, "--to", "ann", "--as", "ann"]).success();
    let queues = backdesk_json(data, &["queues", "--json"]);
    assert_eq!(queues["exception"][0]["owner"], "ann");
    backdesk(
        data,
        &["hold", &id, "--as", "ann", "--reason", "asked the vendor"],
    )
    .success();
    let queues = backdesk_json(data, &["queues", "--json"]);
    assert_eq!(queues["exception"].as_array().unwrap().len(), 0);
    assert_eq!(queues["on_hold"][0]["reasons"][0], "asked the vendor");
    assert_eq!(queues["on_hold"][0]["owner"], "ann");
    backdesk(data, &["release", &id, "--as", "ann"]).success();
    let queues = backdesk_json(data, &["queues", "--json"]);
    assert_eq!(queues["exception"].as_array().unwrap().len(), 1);
    assert_eq!(queues["on_hold"].as_array().unwrap().len(), 0);
    let reminders = backdesk_json(data, &["reminders", "--json"]);
    assert_eq!(reminders.as_array().unwrap().len(), 0);
    let trail = backdesk_json(data, &["invoice", &id, "--json"])["audit_trail"].clone();
    let actions: Vec<&str> = trail
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["received", "assigned", "hold", "hold"]);
}

#[test]
fn correcting_a_missing_field_clears_it_but_the_e_invoice_stays_in_breach_of_its_rules() {
    let dir = workspace_with_demo_master_data();
    let data = dir.path();
    let files = tempfile::tempdir().unwrap();
    // the demo Bluem invoice without its number (BT-1)
    let xml = std::fs::read_to_string(demo("inbox/bluem-20150483.xml")).unwrap();
    let start = xml.find("<cbc:ID>").unwrap();
    let end = xml[start..].find("</cbc:ID>").unwrap() + start + "</cbc:ID>".len();
    let file = write(
        files.path(),
        "no-number.xml",
        format!("{}{}", &xml[..start], &xml[end..]),
    );
    let report = backdesk_json(data, &["ingest", file.to_str().unwrap()]);
    let id = report["invoice_ids"][0].as_i64().unwrap().to_string();
    let invoice = backdesk_json(data, &["invoice", &id, "--json"]);
    assert_eq!(invoice["status"], "exception");
    let codes = |invoice: &serde_json::Value| -> Vec<String> {
        invoice["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(codes(&invoice), ["MISSING_FIELD", "EINVOICE_RULE_VIOLATION"]);

    backdesk(data, &["people", "add", "ann", "--role", "clerk"]).success();
    let corrected = backdesk_json(data, &["correct", &id, "invoice_number=20150483", "--as", "ann"]);
    assert_eq!(corrected["changes"][0]["old"], serde_json::Value::Null);
    // the data is complete now, but the e-invoice as received still breaks BR-02 (an invoice shall have a
    // number): that needs a corrected e-invoice from the vendor, so it stays an exception
    assert_eq!(corrected["status"], "exception", "{corrected}");
    assert_eq!(
        corrected["reasons"],
        serde_json::json!(["EINVOICE_RULE_VIOLATION"])
    );
    let invoice = backdesk_json(data, &["invoice", &id, "--json"]);
    assert_eq!(invoice["invoice_number"], "20150483");
    assert_eq!(invoice["fields"]["invoice_number"]["method"], "manual");
    assert_eq!(invoice["fields"]["invoice_number"]["confidence"], 1.0);
    assert_eq!(
        invoice["invoice"]["number"], "20150483",
        "the canonical invoice is corrected too"
    );
    assert_eq!(codes(&invoice), ["EINVOICE_RULE_VIOLATION"]);
    assert!(invoice["reasons"][0]["message"]
        .as_str()
        .unwrap()
        .contains("BR-02"));
}
