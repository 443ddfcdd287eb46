//! Official parity on the VEFA rule tests: every `testSet` under `corpora/en16931/test` is read directly,
//! each embedded invoice goes through our engine, and each expectation (`success`: the rule does not fire;
//! `error`/`warning`: it fires as that flag, `number` times when given) must hold — counted exactly as
//! `shared/tools/en16931-oracle unit-tests` counts (1,142 expectations, all passing for the reference).

use std::collections::HashMap;

use backdesk::rules::{run_official_rules, Flag};

use super::rules_corpus::{corpora, relative, standalone, xml_files};

const VEFA: &str = "http://difi.no/xsd/vefa/validator/1.0";

/// How many times each rule fired, per flag.
#[derive(Default)]
struct Tally {
    fatal: HashMap<String, usize>,
    warning: HashMap<String, usize>,
}

fn tally(xml: &str) -> Result<Tally, String> {
    let doc = backdesk::formats::xml::parse_safely(xml)?;
    let fired = run_official_rules(&doc).ok_or("the test document is neither UBL nor CII")?;
    let mut tally = Tally::default();
    for f in fired {
        if let Some(error) = f.error {
            return Err(format!("{} could not be evaluated: {error}", f.id));
        }
        let counts = match f.flag {
            Flag::Fatal => &mut tally.fatal,
            Flag::Warning => &mut tally.warning,
        };
        *counts.entry(f.id).or_default() += 1;
    }
    Ok(tally)
}

#[test]
fn every_vefa_rule_test_gets_the_official_verdict() {
    let files = xml_files(&corpora().join("en16931/test"));
    let (mut passed, mut failures) = (0usize, Vec::new());
    for file in &files {
        let text = std::fs::read_to_string(file).expect("test files are UTF-8");
        let doc = roxmltree::Document::parse(&text).expect("test files are well-formed");
        let set = doc.root_element();
        if set.tag_name().name() != "testSet" {
            continue;
        }
        for (index, test) in set
            .children()
            .filter(|n| n.has_tag_name((VEFA, "test")))
            .enumerate()
        {
            let Some(invoice) = test
                .children()
                .find(|n| n.is_element() && n.tag_name().namespace() != Some(VEFA))
            else {
                continue;
            };
            let got = tally(&standalone(invoice, &text));
            let Some(expectations) = test.children().find(|n| n.has_tag_name((VEFA, "assert"))) else {
                continue;
            };
            for expectation in expectations.children().filter(|n| n.is_element()) {
                let kind = expectation.tag_name().name();
                if !matches!(kind, "success" | "error" | "warning") {
                    continue;
                }
                let rule = expectation.text().unwrap_or("").trim();
                let number: Option<usize> = expectation.attribute("number").and_then(|n| n.parse().ok());
                let ok = match &got {
                    Err(_) => false,
                    Ok(t) => {
                        let count = |m: &HashMap<String, usize>| m.get(rule).copied().unwrap_or(0);
                        match kind {
                            "success" => count(&t.fatal) + count(&t.warning) == 0,
                            _ => {
                                let n = count(if kind == "error" { &t.fatal } else { &t.warning });
                                number.map_or(n >= 1, |want| n == want)
                            }
                        }
                    }
                };
                if ok {
                    passed += 1;
                } else {
                    let detail = match &got {
                        Err(e) => e.clone(),
                        Ok(t) => {
                            let mut fired: Vec<_> = t.fatal.keys().chain(t.warning.keys()).cloned().collect();
                            fired.sort();
                            format!("fired {fired:?}")
                        }
                    };
                    failures.push(format!(
                        "{} test {index}: expected {kind} {rule}: {detail}",
                        relative(file)
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} expectations differ from the official verdict:\n{}",
        failures.len(),
        passed + failures.len(),
        failures.join("\n")
    );
    // the reference run counts 1,142 expectations; fewer means test sets were not found or read
    assert_eq!(passed, 1142, "expectations checked");
}
