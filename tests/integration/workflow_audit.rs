//! The audit trail is tamper-evident: edited with the real `sqlite3` command line on the real database file,
//! an altered entry, a removed one, two swapped ones and a cut-off tail are each found by `backdesk audit
//! verify` (exit 1), naming the first bad entry; without dropping its triggers the table refuses the edit.

use std::path::Path;
use std::process::Command;

use crate::support::{backdesk, backdesk_json, demo, stderr_of, workspace_with_demo_master_data, write};

/// A data directory whose trail has six entries: 1 received, 2–4 people, 5 a correction, 6 its status change.
fn trail_of_six() -> tempfile::TempDir {
    let dir = workspace_with_demo_master_data();
    let files = tempfile::tempdir().unwrap();
    let xml = std::fs::read_to_string(demo("inbox/elektron-181301674.xml")).unwrap();
    let file = write(
        files.path(),
        "e.xml",
        xml.replace("DE91100000000123456789", "DE89370400440532013000"),
    );
    let report = backdesk_json(dir.path(), &["ingest", file.to_str().unwrap()]);
    let id = report["invoice_ids"][0].as_i64().unwrap().to_string();
    for name in ["ann", "mia", "max"] {
        backdesk(dir.path(), &["people", "add", name, "--role", "manager"]).success();
    }
    backdesk(
        dir.path(),
        &["correct", &id, "iban=DE91100000000123456789", "--as", "ann"],
    )
    .success();
    let verified = backdesk(dir.path(), &["audit", "verify", "--json"]).success();
    let json: serde_json::Value = serde_json::from_slice(&verified.get_output().stdout).unwrap();
    assert_eq!(
        (json["ok"].as_bool(), json["entries"].as_i64()),
        (Some(true), Some(6)),
        "{json}"
    );
    dir
}

fn sqlite3(data: &Path, sql: &str) -> std::process::Output {
    Command::new("sqlite3")
        .arg(data.join("backdesk.db"))
        .arg(sql)
        .output()
        .expect("the sqlite3 command line is installed")
}

fn tamper(sql: &str) -> String {
    let dir = trail_of_six();
    let out = sqlite3(dir.path(), sql);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let broken = backdesk(dir.path(), &["audit", "verify"]).code(1);
    stderr_of(&broken)
}

const UNLOCK: &str = "DROP TRIGGER audit_log_append_only_update; DROP TRIGGER audit_log_append_only_delete;";

#[test]
fn the_table_refuses_edits_while_its_triggers_stand() {
    let dir = trail_of_six();
    let out = sqlite3(dir.path(), "UPDATE audit_log SET actor = 'eve' WHERE id = 3;");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("append-only"));
    let out = sqlite3(dir.path(), "DELETE FROM audit_log WHERE id = 3;");
    assert!(!out.status.success());
    backdesk(dir.path(), &["audit", "verify"]).success();
}

#[test]
fn an_altered_entry_is_named() {
    let message = tamper(&format!(
        "{UNLOCK} UPDATE audit_log SET actor = 'eve' WHERE id = 3;"
    ));
    assert!(
        message.contains("broken at entry 3: entry 3 was altered"),
        "{message}"
    );
    let message = tamper(&format!(
        "{UNLOCK} UPDATE audit_log SET detail = replace(detail, 'DE91', 'DE00') WHERE id = 5;"
    ));
    assert!(message.contains("broken at entry 5"), "{message}");
}

#[test]
fn a_removed_entry_is_named() {
    let message = tamper(&format!("{UNLOCK} DELETE FROM audit_log WHERE id = 2;"));
    assert!(
        message.contains("broken at entry 2: entry 2 is missing"),
        "{message}"
    );
    // removing the newest entries leaves a valid chain; the recorded head finds them
    let message = tamper(&format!("{UNLOCK} DELETE FROM audit_log WHERE id >= 5;"));
    assert!(
        message.contains("broken at entry 5: entry 5 is missing"),
        "{message}"
    );
}

#[test]
fn swapped_entries_are_named() {
    // exchange everything but the ids of entries 3 and 4
    let swap = "CREATE TEMP TABLE t AS SELECT * FROM audit_log WHERE id IN (3, 4);
        UPDATE audit_log SET
            at = (SELECT at FROM t WHERE t.id = 7 - audit_log.id),
            actor = (SELECT actor FROM t WHERE t.id = 7 - audit_log.id),
            action = (SELECT action FROM t WHERE t.id = 7 - audit_log.id),
            invoice_id = (SELECT invoice_id FROM t WHERE t.id = 7 - audit_log.id),
            detail = (SELECT detail FROM t WHERE t.id = 7 - audit_log.id),
            prev_hash = (SELECT prev_hash FROM t WHERE t.id = 7 - audit_log.id),
            hash = (SELECT hash FROM t WHERE t.id = 7 - audit_log.id)
        WHERE id IN (3, 4);";
    let message = tamper(&format!("{UNLOCK} {swap}"));
    assert!(message.contains("broken at entry 3"), "{message}");
    // or by exchanging the ids themselves
    let message = tamper(&format!(
        "{UNLOCK} UPDATE audit_log SET id = -3 WHERE id = 3; UPDATE audit_log SET id = 3 WHERE id = 4;
         UPDATE audit_log SET id = 4 WHERE id = -3;"
    ));
    assert!(message.contains("broken at entry 3"), "{message}");
}

#[test]
fn a_rewritten_head_is_named() {
    let message = tamper("UPDATE audit_head SET last_hash = 'f00d';");
    assert!(
        message.contains("broken at entry 6: entry 6 differs from the recorded head"),
        "{message}"
    );
    let message = tamper("DELETE FROM audit_head;");
    assert!(message.contains("no recorded head"), "{message}");
}
