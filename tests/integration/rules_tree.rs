//! The rules' own XML reader (`rules::tree::read`) against `formats::xml::parse_safely` (roxmltree with our
//! limits): over every corpus XML, the XML embedded in the corpus PDFs, hand-written documents with every
//! construct the grammar has, and thousands of mutations of all of them (truncations, flipped bytes,
//! inserted markup, references, undeclared prefixes, duplicate attributes, deep nesting), the reader
//! accepts exactly the documents `parse_safely` accepts, and then builds the same tree: node kinds and
//! links, names and namespaces, attributes in order, text, comments and processing instructions.

use std::path::Path;

use backdesk::formats::pdf_invoice::embedded_invoice_xml;
use backdesk::formats::xml::{parse_safely, MAX_DEPTH};
use backdesk::rules::tree::{self, Document, Node};

use super::rules_corpus::{corpora, relative};

/// A node in a form both trees give: kind, links, name, attributes and text.
#[derive(Debug, PartialEq)]
pub(super) struct Flat {
    kind: &'static str,
    parent: Option<u32>,
    prev: Option<u32>,
    next: Option<u32>,
    first: Option<u32>,
    last: Option<u32>,
    subtree: usize,
    namespace: Option<String>,
    name: String,
    attributes: Vec<(Option<String>, String, String)>,
    text: Option<String>,
    pi: Option<(String, Option<String>)>,
    /// In-scope namespace declarations, and the prefix looked up for each URI.
    namespaces: Vec<(Option<String>, String, Option<String>)>,
}

pub(super) fn flatten_ours(doc: &Document<'_>) -> Vec<Flat> {
    let id = |n: Option<Node<'_, '_>>| n.map(|n| n.id().get());
    doc.descendants()
        .map(|n| Flat {
            kind: if n.is_root() {
                "root"
            } else if n.is_element() {
                "element"
            } else if n.is_text() {
                "text"
            } else if n.is_comment() {
                "comment"
            } else {
                "pi"
            },
            parent: id(n.parent()),
            prev: id(n.prev_sibling()),
            next: id(n.next_sibling()),
            first: id(n.first_child()),
            last: id(n.last_child()),
            subtree: n.descendants().len(),
            namespace: n.tag_name().namespace().map(str::to_owned),
            name: n.tag_name().name().to_owned(),
            attributes: n
                .attributes()
                .map(|a| {
                    (
                        a.namespace().map(str::to_owned),
                        a.name().to_owned(),
                        a.value().to_owned(),
                    )
                })
                .collect(),
            text: n.text().map(str::to_owned),
            pi: n.pi().map(|(t, v)| (t.to_owned(), v.map(str::to_owned))),
            namespaces: n
                .namespaces()
                .map(|(p, uri)| {
                    (
                        p.map(str::to_owned),
                        uri.to_owned(),
                        n.lookup_prefix(uri).map(str::to_owned),
                    )
                })
                .collect(),
        })
        .collect()
}

pub(super) fn flatten_roxmltree(doc: &roxmltree::Document<'_>) -> Vec<Flat> {
    let id = |n: Option<roxmltree::Node<'_, '_>>| n.map(|n| n.id().get());
    doc.descendants()
        .map(|n| Flat {
            kind: match n.node_type() {
                roxmltree::NodeType::Root => "root",
                roxmltree::NodeType::Element => "element",
                roxmltree::NodeType::Text => "text",
                roxmltree::NodeType::Comment => "comment",
                roxmltree::NodeType::PI => "pi",
            },
            parent: id(n.parent()),
            prev: id(n.prev_sibling()),
            next: id(n.next_sibling()),
            first: id(n.first_child()),
            last: id(n.last_child()),
            subtree: n.descendants().len(),
            namespace: n.tag_name().namespace().map(str::to_owned),
            name: n.tag_name().name().to_owned(),
            attributes: n
                .attributes()
                .map(|a| {
                    (
                        a.namespace().map(str::to_owned),
                        a.name().to_owned(),
                        a.value().to_owned(),
                    )
                })
                .collect(),
            text: n.text().map(str::to_owned),
            pi: n.pi().map(|p| (p.target.to_owned(), p.value.map(str::to_owned))),
            namespaces: n
                .namespaces()
                .map(|ns| {
                    let uri = ns.uri();
                    (
                        ns.name().map(str::to_owned),
                        uri.to_owned(),
                        n.lookup_prefix(uri).map(str::to_owned),
                    )
                })
                .collect(),
        })
        .collect()
}

/// What the two readers made of one text.
enum Outcome {
    BothAccept,
    BothRefuse,
    /// The one construct the reader leaves to `parse_safely` (two default namespace declarations on one
    /// tag), whose tree `parse_for_rules` then copies.
    LeftToParseSafely,
}

/// Compares the readers on `text`; a difference is returned as a sentence.
fn compare(text: &str) -> Result<Outcome, String> {
    let ours = tree::read(text);
    let theirs = parse_safely(text);
    match (&ours, &theirs) {
        (Ok(ours), Ok(theirs)) => {
            let (a, b) = (flatten_ours(ours), flatten_roxmltree(theirs));
            if a.len() != b.len() {
                return Err(format!("{} nodes, roxmltree {}", a.len(), b.len()));
            }
            if let Some((x, y)) = a.iter().zip(&b).find(|(x, y)| x != y) {
                return Err(format!("node differs:\n ours {x:?}\n roxmltree {y:?}"));
            }
            // the copy made when our reader leaves a document to roxmltree is the same tree too
            if flatten_ours(&Document::from_roxmltree(theirs)) != b {
                return Err("the copy of roxmltree's tree differs".to_owned());
            }
            Ok(Outcome::BothAccept)
        }
        (Err(_), Err(_)) => {
            // what users see is parse_safely's refusal, unchanged
            match tree::parse_for_rules(text) {
                Err(message) if Some(&message) == theirs.as_ref().err() => Ok(Outcome::BothRefuse),
                _ => Err("parse_for_rules does not give parse_safely's refusal".to_owned()),
            }
        }
        (Err(r), Ok(theirs)) if r.what == tree::SECOND_DEFAULT_NAMESPACE => {
            let copied = tree::parse_for_rules(text).map_err(|e| format!("parse_for_rules refuses: {e}"))?;
            if flatten_ours(&copied) != flatten_roxmltree(theirs) {
                return Err("the copy of roxmltree's tree differs".to_owned());
            }
            Ok(Outcome::LeftToParseSafely)
        }
        (Ok(_), Err(e)) => Err(format!("we accept, roxmltree refuses: {e}")),
        (Err(r), Ok(_)) => Err(format!("we refuse ({r:?}), roxmltree accepts")),
    }
}

/// A small deterministic generator (xorshift), so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// A char boundary of `text`, often near markup.
    fn position(&mut self, text: &str) -> usize {
        let mut at = self.below(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        if self.below(2) == 0 {
            // move to the next `<` or `&` or quote: where the grammar has decisions to make
            if let Some(offset) = text[at.min(text.len())..].find(['<', '&', '"', '>']) {
                at += offset + self.below(3);
            }
        }
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }
}

const INSERTS: &[&str] = &[
    "<",
    ">",
    "&",
    "]]>",
    "]]",
    "&amp;",
    "&lt;",
    "&#13;",
    "&#10;",
    "&#x9;",
    "&#x1;",
    "&#0;",
    "&#xD800;",
    "&#x110000;",
    "&foo;",
    "&amp",
    "&#;",
    "<![CDATA[a\r\nb]]>",
    "<![CDATA[]]>",
    "<!--c-->",
    "<!--c--->",
    "<!-- a -- b -->",
    "<?pi x?>",
    "<?pi?>",
    "<?xml version=\"1.0\"?>",
    "<?xml-stylesheet a?>",
    "\r\n",
    "\r",
    "\t",
    "<p:x/>",
    "<x:y xmlns:x=\"urn:x\"/>",
    " xmlns:p=\"urn:p\"",
    " a=\"1\" a=\"2\"",
    " a=\"1\"",
    " p:a=\"1\"",
    " xml:lang=\"de\"",
    " xmlns=\"\"",
    " xmlns:p=\"\"",
    " xmlns:xml=\"urn:x\"",
    " xmlns:xml=\"http://www.w3.org/XML/1998/namespace\"",
    " xmlns=\"http://www.w3.org/2000/xmlns/\"",
    " xmlns:a=\"urn:1\" xmlns:a=\"urn:2\"",
    " xmlns=\"urn:1\" xmlns=\"urn:2\"",
    " b='x&#10;y\tz\r\nw'",
    " c=\"<\"",
    "</x>",
    "<x>",
    "<x/>",
    "<!DOCTYPE x>",
    "\u{FFFF}",
    "\u{FFFE}",
    "\u{1}",
    "\u{7f}",
    "é",
    "€",
    "<é/>",
    "<a:b:c/>",
    "<1x/>",
    "<x y/>",
    "<x y=z/>",
    "</ x>",
    "< x/>",
    "<xmlns:x/>",
    "<xml:x/>",
    "\u{feff}",
    "x",
    " ",
    "\n\n",
];

fn mutate(text: &str, rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => text[..rng.position(text)].to_owned(),
        1 => {
            let at = rng.position(text);
            let insert = INSERTS[rng.below(INSERTS.len())];
            format!("{}{insert}{}", &text[..at], &text[at..])
        }
        2 => {
            // replace one character
            let at = rng.position(text);
            let len = text[at..].chars().next().map_or(0, char::len_utf8);
            let insert = INSERTS[rng.below(INSERTS.len())];
            format!("{}{insert}{}", &text[..at], &text[at + len..])
        }
        _ => {
            // remove a run of characters
            let at = rng.position(text);
            let mut end = (at + 1 + rng.below(12)).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            format!("{}{}", &text[..at], &text[end..])
        }
    }
}

/// Documents with every construct of the grammar, each accepted by roxmltree.
fn handwritten() -> Vec<String> {
    let nested = |n: usize| format!("{}x{}", "<a>".repeat(n), "</a>".repeat(n));
    let mut docs: Vec<String> = [
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<!-- before -->\n<?pi before?>\n<r/>\n<!-- after --><?pi?>\n",
        "\u{feff}<?xml version='1.0'?><r xmlns=\"urn:d\" xmlns:p=\"urn:p\"><p:a p:x=\"1\" x=\"2\" xml:lang=\"de\"/><b xmlns=\"\"><c/></b><d xmlns:p=\"urn:q\"><p:e/></d><p:f/></r>",
        "<r>text &amp; &lt;more&gt; &quot;q&quot; &apos;a&apos; &#65;&#x42;&#x20AC; end</r>",
        "<r>line\r\nbreak\rcarriage &#13;kept&#13;\r\n &#10;\r&lt;\r</r>",
        "<r>a<![CDATA[<b>&amp;\r\n]]>c<!--x-->d<![CDATA[]]><?p v?>e</r>",
        "<r a=\"x&#10;y\tz\r\nw\r&amp;&#9;\" b='\"' c=\"'\">\t \n</r>",
        "<r xmlns:a=\"urn:x\" xmlns:b=\"urn:x\"><e a:k=\"1\" k=\"2\"/></r>",
        "<r xmlns=\"urn:1\" xmlns=\"urn:2\"><e/></r>",
        "<r xmlns:p=\"\"><p:e/></r>",
        "<r xmlns:xml=\"http://www.w3.org/XML/1998/namespace\" xml:space=\"preserve\"> </r>",
        "<ré xmlns:ñ=\"urn:ñ\"><ñ:élément ñ:ä=\"ö\">ü</ñ:élément></ré>",
        "<r><a>1</a ><b\n\tx = '1'\n/></r >",
        "<r>]] > ]>  ] </r>",
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r>ascii</r>",
        "<?xml\tversion=\"1.0\"?><r/>",
        "<r><?xml-stylesheet href=\"a\"?><?a?b?><?t\u{e9}?></r>",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    docs.push(nested(MAX_DEPTH - 1));
    docs.push(nested(MAX_DEPTH));
    docs.push(nested(MAX_DEPTH + 10));
    docs
}

fn embedded_xml(dir: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for path in super::formats_pdf::files_with_extension(dir, "pdf") {
        let bytes = std::fs::read(&path).expect("corpus PDFs are readable");
        if let Ok(Some((_, xml))) = embedded_invoice_xml(&bytes) {
            if let Ok(text) = String::from_utf8(xml) {
                found.push((relative(&path), text));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn the_rules_reader_accepts_and_builds_exactly_what_parse_safely_does() {
    let mut inputs: Vec<(String, String)> = handwritten()
        .into_iter()
        .enumerate()
        .map(|(i, text)| (format!("handwritten #{i}"), text))
        .collect();
    let mut corpus_xml = 0;
    for file in super::rules_corpus::xml_files(&corpora()) {
        let bytes = std::fs::read(&file).expect("corpus files are readable");
        if let Ok(text) = String::from_utf8(bytes) {
            inputs.push((relative(&file), text));
            corpus_xml += 1;
        }
    }
    let embedded = embedded_xml(&corpora());
    let embedded_count = embedded.len();
    inputs.extend(embedded);
    assert!(corpus_xml >= 400, "only {corpus_xml} corpus XML files");
    assert!(embedded_count >= 50, "only {embedded_count} embedded XMLs");

    let mut failures = Vec::new();
    let (mut accepted, mut refused, mut left) = (0, 0, 0);
    let mut count = |outcome: Result<Outcome, String>, what: &dyn Fn() -> String| match outcome {
        Ok(Outcome::BothAccept) => accepted += 1,
        Ok(Outcome::BothRefuse) => refused += 1,
        Ok(Outcome::LeftToParseSafely) => left += 1,
        Err(difference) => failures.push(format!("{}: {difference}", what())),
    };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for (name, text) in &inputs {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        count(compare(text), &|| name.clone());
        // many mutations of small documents, a few of large ones (the time goes into reading them)
        let mutations = if text.len() < 20_000 {
            24
        } else if text.len() < 200_000 {
            8
        } else {
            2
        };
        for round in 0..mutations {
            let mut mutant = mutate(text, &mut rng);
            if round % 3 == 2 {
                mutant = mutate(&mutant, &mut rng);
            }
            count(compare(&mutant), &|| {
                format!(
                    "{name}, mutation {round}: {:?}",
                    mutant.chars().take(300).collect::<String>()
                )
            });
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences, the first ones:\n{}",
        failures.len(),
        failures.iter().take(8).cloned().collect::<Vec<_>>().join("\n")
    );
    // both outcomes are exercised many times, or the comparison proves little
    assert!(
        accepted >= 2_000 && refused >= 2_000,
        "{accepted} accepted, {refused} refused"
    );
    println!(
        "{accepted} texts accepted and {refused} refused by both readers, trees equal; {left} with two \
         default namespace declarations on a tag left to parse_safely"
    );
}
