//! `backdesk hires …` through the real binary against a real SQLite file: add (flags and JSON on stdin),
//! list, show, ingest of a hire's folder, tick, due, remind (.eml), templates export/import (versions; a hire
//! keeps its version), purge.

use assert_cmd::Command;

use super::onboarding_documents::{pages, text_pdf, Kind, Lang, Spec};
use super::support::{backdesk, backdesk_json, stderr_of};

fn add_from_stdin(data: &std::path::Path, json: &str) -> serde_json::Value {
    let output = Command::cargo_bin("backdesk")
        .unwrap()
        .arg("--data-dir")
        .arg(data)
        .args(["hires", "add", "-"])
        .write_stdin(json)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&output).unwrap()
}

#[test]
fn a_coordinator_runs_onboarding_from_the_command_line() {
    let data = tempfile::tempdir().unwrap();
    let inbox = tempfile::tempdir().unwrap();
    let d = data.path();

    let anna = backdesk_json(
        d,
        &[
            "hires",
            "add",
            "--name",
            "Anna Schmidt",
            "--email",
            "anna@example.com",
            "--start",
            "2026-06-01",
            "--type",
            "intern",
            "--country",
            "AT",
        ],
    );
    assert_eq!(anna["template_key"], "intern-default");
    assert_eq!(anna["folder"], "onboarding/anna-schmidt");
    let anna_id = anna["id"].as_i64().unwrap();
    let bob = add_from_stdin(
        d,
        r#"{"name": "Bob Lee", "email": "bob@example.com", "start_date": "2026-06-15",
            "employment_type": "employee", "country": "GB"}"#,
    );
    assert_eq!(bob["template_key"], "employee-default");
    assert_eq!(bob["template_version"], 1);
    let bob_id = bob["id"].as_i64().unwrap().to_string();

    let list = backdesk_json(d, &["hires", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["stage"], "new");

    // a clean ID card dropped in Anna's folder ticks her ID item with no human step
    let folder = inbox.path().join("onboarding").join("anna-schmidt");
    std::fs::create_dir_all(&folder).unwrap();
    let card = text_pdf(&pages(&Spec::new(Kind::IdCard, Lang::En, ("Anna", "Schmidt"))));
    std::fs::write(folder.join("id.pdf"), card).unwrap();
    backdesk(d, &["ingest", inbox.path().to_str().unwrap()]).success();
    let show = backdesk_json(d, &["hires", "show", &anna_id.to_string(), "--json"]);
    let id_item = show["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "id")
        .unwrap();
    assert_eq!(
        (id_item["state"].as_str(), id_item["done_by"].as_str()),
        (Some("done"), Some("backdesk"))
    );
    assert_eq!(show["stage"], "collecting");

    // a person ticks a task; an unknown item is an error naming it
    backdesk(
        d,
        &[
            "hires",
            "tick",
            &anna_id.to_string(),
            "it_account",
            "--as",
            "it-desk",
        ],
    )
    .success();
    let unknown = backdesk(d, &["hires", "tick", &anna_id.to_string(), "coffee", "--as", "x"]).failure();
    assert!(stderr_of(&unknown).contains("coffee"), "{}", stderr_of(&unknown));

    // due on a given day: Anna's open documents are due a week before her start
    let due = backdesk_json(
        d,
        &["hires", "due", "--today", "2026-05-27", "--days", "3", "--json"],
    );
    let keys: Vec<(&str, &str)> = due
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["item_key"].as_str().unwrap(), d["urgency"].as_str().unwrap()))
        .collect();
    assert!(keys.contains(&("right_to_work", "overdue")), "{keys:?}");
    assert!(
        !keys.iter().any(|(k, _)| *k == "id" || *k == "it_account"),
        "done items are not due: {keys:?}"
    );

    // the reminder draft
    let eml = data.path().join("anna.eml");
    let mailto = backdesk(
        d,
        &[
            "hires",
            "remind",
            &anna_id.to_string(),
            "--out",
            eml.to_str().unwrap(),
        ],
    )
    .success();
    let url = String::from_utf8_lossy(&mailto.get_output().stdout).into_owned();
    assert!(url.starts_with("mailto:anna@example.com?subject="), "{url}");
    let text = std::fs::read_to_string(&eml).unwrap();
    assert!(
        text.contains("To: anna@example.com\r\n") && text.contains("Right-to-work evidence"),
        "{text}"
    );
    assert!(!text.contains("Identity document"), "{text}");

    // templates: export, change, import → a new version; Bob keeps v1, a new hire gets v2
    let exported = backdesk(d, &["hires", "templates", "export"])
        .success()
        .get_output()
        .stdout
        .clone();
    let mut file_value: toml::Value = toml::from_str(&String::from_utf8(exported).unwrap()).unwrap();
    for template in file_value["templates"].as_array_mut().unwrap() {
        if template["key"].as_str() == Some("employee-default") {
            template["retention_days"] = toml::Value::Integer(2555);
        }
    }
    let changed = toml::to_string(&file_value).unwrap();
    let file = data.path().join("templates.toml");
    std::fs::write(&file, changed).unwrap();
    let imported = backdesk_json(d, &["hires", "templates", "import", file.to_str().unwrap()]);
    let versions: Vec<(String, serde_json::Value)> = imported
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["key"].as_str().unwrap().to_owned(), t["new_version"].clone()))
        .collect();
    assert!(
        versions.contains(&("employee-default".to_owned(), serde_json::json!(2))),
        "{versions:?}"
    );
    assert!(
        versions.contains(&("intern-default".to_owned(), serde_json::Value::Null)),
        "{versions:?}"
    );
    assert_eq!(
        backdesk_json(d, &["hires", "show", &bob_id, "--json"])["template_version"],
        1
    );
    let carol = backdesk_json(
        d,
        &[
            "hires",
            "add",
            "--name",
            "Carol Ng",
            "--start",
            "2026-07-01",
            "--country",
            "GB",
        ],
    );
    assert_eq!(
        (
            carol["template_version"].as_i64(),
            carol["retention_days"].as_i64()
        ),
        (Some(2), Some(2555))
    );

    // purge: Anna (intern, 2 years) is past retention in 2028-07; her original leaves the archive
    let purge = backdesk_json(d, &["hires", "purge", "--as", "dpo", "--today", "2028-07-01"]);
    assert_eq!(purge["hires_purged"], serde_json::json!([anna_id]));
    assert_eq!(purge["originals_removed"], 1);
    let tomb = backdesk_json(d, &["hires", "show", &anna_id.to_string(), "--json"]);
    assert_eq!(
        (tomb["name"].as_str(), tomb["stage"].as_str()),
        (Some("(purged)"), Some("purged"))
    );
    backdesk(d, &["audit", "verify"]).success();
}
