//! The rules' lean parse (`rules::RulesText`: attachment payloads read as one character) gives exactly the
//! verdict of the whole text on every XML file of the corpora, and it does cut payloads there (otherwise
//! this test would compare a parse with itself); its tree is the tree of the text with those payloads cut
//! out beforehand (`RulesText::text`), read by the rules' reader and by roxmltree.

use backdesk::formats::xml::parse_safely;
use backdesk::rules::{tree, validate, RulesText};

use super::rules_corpus::{corpora, relative, xml_files};
use super::rules_tree::{flatten_ours, flatten_roxmltree};

/// Every corpus XML file that is UTF-8, with its text (a byte order mark taken off).
fn corpus_texts() -> impl Iterator<Item = (std::path::PathBuf, String)> {
    xml_files(&corpora()).into_iter().filter_map(|file| {
        let bytes = std::fs::read(&file).expect("corpus files are readable");
        let text = String::from_utf8(bytes).ok()?;
        let text = text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text);
        Some((file, text))
    })
}

#[test]
fn cutting_attachment_payloads_changes_no_verdict_on_any_corpus_file() {
    let mut compared = 0;
    let mut cut_files = 0;
    let mut cut_bytes = 0;
    for (file, text) in corpus_texts() {
        let text = text.as_str();
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
        if let Ok(parsed) = &parsed {
            // cutting while reading is cutting the text first
            let cut_text = lean.text();
            let flat = flatten_ours(parsed);
            let read_cut = tree::read(&cut_text).expect("the cut text is read");
            assert!(
                flat == flatten_ours(&read_cut),
                "{}: the lean parse is not the cut text's tree",
                relative(&file)
            );
            let roxmltree_cut = parse_safely(&cut_text).expect("the cut text parses");
            assert!(
                flat == flatten_roxmltree(&roxmltree_cut),
                "{}: the lean parse is not roxmltree's tree of the cut text",
                relative(&file)
            );
            if parsed.cut_payloads() > 0 {
                cut_files += 1;
                cut_bytes += text.len() - cut_text.len();
            }
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

/// The e-invoice readers take attachments' attributes, never their content, so they read the rules' tree
/// with the payloads cut (`formats::einvoice` parses once for the reader and the rules): on every corpus
/// file that tree gives the same canonical invoice as the tree of the whole text.
#[test]
fn the_readers_give_the_same_invoice_from_the_tree_without_payloads() {
    use backdesk::formats::{cii, ubl};
    use backdesk::rules::Syntax;
    let mut compared = 0;
    let mut cut = 0;
    for (file, text) in corpus_texts() {
        let text = text.as_str();
        let (Ok(lean), Ok(whole)) = (RulesText::new(text).parse(), tree::parse_for_rules(text)) else {
            continue;
        };
        let read = |doc: &tree::Document<'_>| match Syntax::of(doc) {
            Some(Syntax::Ubl) => Some(ubl::read_tree(doc)),
            Some(Syntax::Cii) => Some(cii::read_tree(doc)),
            _ => None,
        };
        let Some(Ok(invoice)) = read(&whole) else {
            continue;
        };
        assert_eq!(
            read(&lean),
            Some(Ok(invoice)),
            "{}: the invoice differs without the payloads",
            relative(&file)
        );
        compared += 1;
        cut += usize::from(lean.cut_payloads() > 0);
    }
    assert!(compared >= 200, "only {compared} corpus invoices were compared");
    assert!(cut >= 10, "only {cut} of them had payloads cut");
    println!("{compared} invoices compared, {cut} of them read without their payloads");
}
