//! Whole-file parity with the reference validator: on every whole invoice XML under `shared/corpora`, the
//! set of fatal rules (and of warnings) our engine fires equals what `en16931-oracle validate` recorded in
//! `tests/fixtures/oracle/whole-files.jsonl` (regenerate with `scripts/oracle-record.sh`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use backdesk::rules::{run_official_rules, Flag};
use serde_json::Value;

use super::rules_corpus::{corpora, relative, xml_files};

/// Files where we deliberately differ from the oracle, with the reason. Empty: on release 1.3.16 and these
/// corpora the oracle raised no XSLT error (upstream issues #369/#381 would be listed here) and we agree
/// everywhere. An entry that no longer differs fails the test, so the list cannot go stale.
const DELIBERATE_DIVERGENCES: &[(&str, &str)] = &[];

fn recorded() -> BTreeMap<String, Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/oracle/whole-files.jsonl");
    let text =
        std::fs::read_to_string(&path).expect("the oracle recording exists (scripts/oracle-record.sh)");
    text.lines()
        .map(|line| {
            let record: Value = serde_json::from_str(line).expect("the recording is JSON lines");
            (
                record["file"]
                    .as_str()
                    .expect("each record names its file")
                    .to_owned(),
                record,
            )
        })
        .collect()
}

/// The whole invoice XMLs of the corpora, chosen as the recording script chooses them.
fn whole_files() -> Vec<String> {
    xml_files(&corpora())
        .iter()
        .map(|f| relative(f))
        .filter(|f| {
            let artefact = ["ubl", "cii"].iter().any(|s| {
                ["schematron", "xslt", "schema"]
                    .iter()
                    .any(|d| f.starts_with(&format!("en16931/{s}/{d}/")))
            });
            let test_set = ["Invoice-unit-UBL", "CreditNote-unit-UBL", "cii"]
                .iter()
                .any(|d| f.starts_with(&format!("en16931/test/{d}/")));
            !artefact && !test_set
        })
        .collect()
}

fn ids(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[test]
fn every_whole_corpus_file_fires_the_oracles_rules() {
    let recorded = recorded();
    let files = whole_files();
    let missing: Vec<&String> = files.iter().filter(|f| !recorded.contains_key(*f)).collect();
    assert!(
        missing.is_empty(),
        "not in the oracle recording (rerun scripts/oracle-record.sh): {missing:?}"
    );

    let mut differences = Vec::new();
    let mut compared = 0;
    for file in &files {
        let record = &recorded[file];
        if record["syntax"].is_null() || record.get("oracle_error").is_some() {
            continue;
        }
        let text = std::fs::read_to_string(corpora().join(file)).expect("corpus XML is UTF-8");
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        // the rules' own parse (attachment payloads cut), as the pipeline runs them
        let lean = backdesk::rules::RulesText::new(text);
        let doc = lean.parse().unwrap_or_else(|e| panic!("{file}: {e}"));
        let fired = run_official_rules(&doc).unwrap_or_else(|| panic!("{file}: not UBL or CII to us"));
        let (mut fatal, mut warning) = (BTreeSet::new(), BTreeSet::new());
        for f in fired {
            match f.flag {
                Flag::Fatal => fatal.insert(f.id),
                Flag::Warning => warning.insert(f.id),
            };
        }
        compared += 1;
        let (want_fatal, want_warning) = (ids(&record["fatal"]), ids(&record["warning"]));
        let differs = fatal != want_fatal || warning != want_warning;
        let allowed = DELIBERATE_DIVERGENCES.iter().any(|(f, _)| f == file);
        if differs && !allowed {
            differences.push(format!(
                "{file}: fatal ours {fatal:?} oracle {want_fatal:?}; warning ours {warning:?} oracle {want_warning:?}"
            ));
        } else if !differs && allowed {
            differences.push(format!(
                "{file}: listed as a divergence but agrees with the oracle now"
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "{} file(s) differ:\n{}",
        differences.len(),
        differences.join("\n")
    );
    assert!(
        compared >= 200,
        "only {compared} files compared: corpora or recording incomplete"
    );
}
