//! `backdesk validate FILE --json` as contracts/cli.md says: the four keys, exit 0 when only warnings or
//! nothing fire, 1 when fatal rules fire, 3 naming the file for unreadable, hostile or non-invoice input.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

use super::rules_corpus::corpora;
use super::support::write;

fn validate(file: &Path) -> assert_cmd::assert::Assert {
    Command::cargo_bin("backdesk")
        .expect("the backdesk binary is built with the tests")
        .args(["validate", "--json"])
        .arg(file)
        .env_remove("BACKDESK_DATA_DIR")
        .assert()
}

fn json(assert: &assert_cmd::assert::Assert) -> Value {
    serde_json::from_slice(&assert.get_output().stdout).expect("stdout is JSON")
}

fn stderr(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

#[test]
fn a_valid_invoice_gives_the_four_keys_and_exit_0() {
    let file = corpora().join("en16931/ubl/examples/ubl-tc434-example1.xml");
    let out = validate(&file).code(0);
    let value = json(&out);
    let keys: Vec<&String> = value.as_object().expect("an object").keys().collect();
    assert_eq!(keys, ["fatal", "profile", "syntax", "warning"]);
    assert_eq!(value["syntax"], "ubl");
    assert_eq!(value["profile"], "urn:cen.eu:en16931:2017");
    assert_eq!(value["fatal"], serde_json::json!([]));
}

#[test]
fn fatal_rules_give_their_ids_and_exit_1() {
    let file = corpora().join(
        "zugferd/XML-Rechnung/UBL/not_validating_full_invoice_based_onTest_EeISI_300_CENfullmodel.ubl.xml",
    );
    let out = validate(&file).code(1);
    assert_eq!(json(&out)["fatal"], serde_json::json!(["BR-CO-10", "BR-CO-15"]));
    assert!(
        stderr(&out).contains("[BR-CO-10]-Sum of Invoice line net amount"),
        "{}",
        stderr(&out)
    );
}

/// CII example 1 with its grand total (BT-112) changed so that BR-CO-15 breaks.
fn cii_with_broken_total() -> String {
    let original =
        std::fs::read_to_string(corpora().join("en16931/cii/examples/CII_example1.xml")).expect("example");
    let total = "<ram:GrandTotalAmount>";
    let at = original.find(total).expect("the example states a grand total") + total.len();
    let end = at + original[at..].find('<').expect("closing tag");
    format!("{}{}{}", &original[..at], "999999.99", &original[end..])
}

#[test]
fn a_broken_total_in_a_cii_invoice_is_caught() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = validate(&write(dir.path(), "broken.xml", cii_with_broken_total())).code(1);
    let fatal = json(&out)["fatal"].clone();
    assert!(
        fatal
            .as_array()
            .is_some_and(|ids| ids.iter().any(|id| id == "BR-CO-15")),
        "{fatal}"
    );
}

#[test]
fn minimum_profile_is_recognised_and_not_checked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let broken = cii_with_broken_total();
    let minimum = broken.replace("urn:cen.eu:en16931:2017", "urn:factur-x.eu:1p0:minimum");
    assert_ne!(minimum, broken, "the example names EN 16931 as its guideline");
    // the same broken total passes: MINIMUM does not claim EN 16931, so its rules are not applied
    let out = validate(&write(dir.path(), "minimum.xml", minimum)).code(0);
    assert_eq!(json(&out)["profile"], "urn:factur-x.eu:1p0:minimum");
    assert_eq!(json(&out)["fatal"], serde_json::json!([]));
    assert!(stderr(&out).contains("not applied"), "{}", stderr(&out));
}

#[test]
fn hostile_and_unreadable_input_exits_3_naming_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = [
        (
            "xxe.xml",
            r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>"#
                .to_owned(),
            "DTD",
        ),
        (
            "bomb.xml",
            r#"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><l>&b;</l>"#
                .to_owned(),
            "DTD",
        ),
        (
            "deep.xml",
            format!("{}{}", "<a>".repeat(500), "</a>".repeat(500)),
            "deeper",
        ),
        ("truncated.xml", "<Invoice><cbc:ID>".to_owned(), "malformed"),
        ("note.xml", "<note>not an invoice</note>".to_owned(), "not a UBL"),
        ("scan.pdf", "%PDF-1.7\n".to_owned(), "truncated"),
    ];
    for (name, content, expected) in cases {
        let file = write(dir.path(), name, content);
        let out = validate(&file).code(3);
        let message = stderr(&out);
        assert!(
            message.contains(name) && message.contains(expected),
            "{name}: {message}"
        );
        assert!(
            out.get_output().stdout.is_empty(),
            "{name}: no JSON for unreadable input"
        );
    }
    let missing = validate(&dir.path().join("absent.xml")).code(3);
    assert!(stderr(&missing).contains("absent.xml"));
}
