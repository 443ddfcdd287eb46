//! The rules' lean parse (`rules::RulesText`: attachment payloads cut before parsing) gives exactly the
//! verdict of the whole text on every XML file of the corpora, and it does cut payloads there (otherwise
//! this test would compare a parse with itself).

use backdesk::formats::xml::parse_safely;
use backdesk::rules::{validate, RulesText};

use super::rules_corpus::{corpora, relative, xml_files};

#[test]
fn cutting_attachment_payloads_changes_no_verdict_on_any_corpus_file() {
    let mut compared = 0;
    let mut cut_files = 0;
    let mut cut_bytes = 0;
    for file in xml_files(&corpora()) {
        let bytes = std::fs::read(&file).expect("corpus files are readable");
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let lean = RulesText::new(text);
        let whole = parse_safely(text);
        let parsed = lean.parse();
        match (&whole, &parsed) {
            (Ok(whole), Ok(parsed)) => {
                assert_eq!(
                    validate(whole),
                    validate(parsed),
                    "{}: the lean parse changes the verdict",
                    relative(&file)
                );
                compared += 1;
            }
            (Err(a), Err(b)) => assert_eq!(a, b, "{}: the refusal differs", relative(&file)),
            _ => panic!("{}: one parse fails and the other does not", relative(&file)),
        }
        if lean.cut_payloads() > 0 && parsed.is_ok_and(|d| d.input_text().len() < text.len()) {
            cut_files += 1;
            cut_bytes += text.len() - lean.text().len();
        }
    }
    assert!(compared >= 400, "only {compared} corpus files were compared");
    // the corpora carry base64 attachments (XRechnung and EN 16931 examples): some must have been cut
    assert!(
        cut_files >= 10,
        "only {cut_files} files had attachment payloads cut"
    );
    println!("{compared} files compared, {cut_files} parsed lean, {cut_bytes} bytes of payload not parsed");
}
