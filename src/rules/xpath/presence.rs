//! A rule's presence checks decided together in one walk. The syntax-binding rules ask, hundreds of times
//! on one context element, whether a path of child names exists (`not(cac:X/cbc:Y)`, UBL-CR-*,
//! CII-SR-*) or how often it occurs (`count(ram:X) <= 1`). Asked one by one, each costs a trip through
//! the compiled test and the document's index even when the answer is "absent". [`PresenceBatch`] puts
//! every such path of a rule into one trie of names; one walk down the context element's children along
//! the trie counts the nodes of every path at once, and each check is then a comparison of its count.
//!
//! The counts are exact: a path of child names (possibly ending at an attribute) meets each of its nodes
//! once, because every node has one parent; and such a path can raise no error. So each verdict is the one
//! the compiled test (and the interpreter) gives.

use std::cmp::Ordering;

use rust_decimal::prelude::ToPrimitive;

use super::ast::{Axis, AxisStep, CmpOp, Expr, NodeTest, PathStart, PathStep};
use super::compile::Test;
use super::eval::{attribute_matches, is_child_chain, node_matches_in};
use super::index::DocIndex;
use super::value::ordering_holds;
use crate::rules::tree::Node;

/// Fewer presence checks than this in a rule are left to their compiled tests: a walk of the context's
/// children costs more than a handful of look-ups in the index.
const FEWEST_WORTH_A_WALK: usize = 8;

/// What a check asks of its path's count.
#[derive(Debug)]
enum Question {
    /// The path selects something (`cac:X`, `exists(cac:X)`), or nothing when `negated` (`not(cac:X)`).
    Exists { negated: bool },
    /// `count(path) op than` (as a general or a value comparison: they agree on two numbers), with `than`
    /// as its floor (saturated to `i64`) and whether it is whole.
    Count { op: CmpOp, floor: i64, whole: bool },
}

/// One node of the trie: a path's step from its parent node (the root is the context element).
#[derive(Debug, Default)]
struct TrieNode {
    /// Child element steps: each name test with its trie node, ordered by the name's hash.
    children: Vec<(u64, NodeTest, usize)>,
    /// Attribute steps (a path's last): each name test with its trie node.
    attributes: Vec<(NodeTest, usize)>,
}

/// The trie nodes whose counts add up to a check's count: nearly always one.
#[derive(Debug)]
enum Ends {
    One(usize),
    Several(Vec<usize>),
}

/// How many nodes each path of a [`PresenceBatch`]'s trie selects from one context element.
#[derive(Debug)]
pub struct Counts(Vec<u32>);

/// The presence checks of one rule, as a trie of their paths.
#[derive(Debug)]
pub struct PresenceBatch {
    trie: Vec<TrieNode>,
    /// Per check of the rule, in order: the trie nodes whose counts added up decide it (one per chain
    /// of its path: two different chains of names never select the same node, and equal chains are one
    /// trie node), and how; `None` for the checks left to their compiled tests.
    checks: Vec<Option<(Ends, Question)>>,
}

impl PresenceBatch {
    /// The batch of a rule's checks (their compiled tests, in order), or `None` when too few of them ask
    /// only about the presence of child-name paths.
    pub fn of<'t>(tests: impl IntoIterator<Item = &'t Test>) -> Option<PresenceBatch> {
        let mut batch = PresenceBatch {
            trie: vec![TrieNode::default()],
            checks: Vec::new(),
        };
        for test in tests {
            let decided = question(test).map(|(chains, question)| {
                let mut ends: Vec<usize> = chains.iter().map(|chain| batch.insert(chain)).collect();
                ends.sort_unstable();
                ends.dedup();
                let ends = match ends.as_slice() {
                    [one] => Ends::One(*one),
                    _ => Ends::Several(ends),
                };
                (ends, question)
            });
            batch.checks.push(decided);
        }
        (batch.decided() >= FEWEST_WORTH_A_WALK).then_some(batch)
    }

    /// How many of the rule's checks the batch decides.
    fn decided(&self) -> usize {
        self.checks.iter().filter(|c| c.is_some()).count()
    }

    /// Adds a path's steps to the trie; returns the node of its last step.
    fn insert(&mut self, steps: &[PathStep]) -> usize {
        let mut at = 0;
        for step in steps {
            let PathStep::Axis(AxisStep { axis, test, .. }) = step else {
                unreachable!("question() passes child chains only");
            };
            let NodeTest::Name(_, _, key) = test else {
                unreachable!("question() passes name tests only");
            };
            let next = self.trie.len();
            let node = &mut self.trie[at];
            let found = if *axis == Axis::Attribute {
                node.attributes.iter().find(|(t, _)| t == test).map(|&(_, n)| n)
            } else {
                node.children
                    .iter()
                    .find(|(_, t, _)| t == test)
                    .map(|&(_, _, n)| n)
            };
            at = match found {
                Some(existing) => existing,
                None => {
                    if *axis == Axis::Attribute {
                        node.attributes.push((test.clone(), next));
                    } else {
                        let place = node.children.partition_point(|(h, _, _)| *h <= key.hash);
                        node.children.insert(place, (key.hash, test.clone(), next));
                    }
                    self.trie.push(TrieNode::default());
                    next
                }
            };
        }
        at
    }

    /// The number of nodes each path of the trie selects from `context`, from one walk of its children
    /// along the trie (for [`PresenceBatch::verdict`]).
    pub fn count_from(&self, index: &DocIndex<'_, '_>, context: Node<'_, '_>) -> Counts {
        let mut counts = vec![0u32; self.trie.len()];
        self.count(index, 0, context, &mut counts);
        Counts(counts)
    }

    /// The verdict of the rule's check number `check` from the counts on its context element, or `None`
    /// when the batch leaves that check to its compiled test.
    #[inline]
    pub fn verdict(&self, check: usize, counts: &Counts) -> Option<bool> {
        let (ends, question) = self.checks.get(check)?.as_ref()?;
        let count = match ends {
            Ends::One(end) => counts.0[*end],
            Ends::Several(ends) => ends.iter().map(|&end| counts.0[end]).sum(),
        };
        Some(match *question {
            Question::Exists { negated } => (count > 0) != negated,
            Question::Count { op, floor, whole } => {
                // a whole count against a number: below its floor is less, above it greater, at it equal
                // only when the number is whole (else less)
                let ordering = match i64::from(count).cmp(&floor) {
                    Ordering::Equal if !whole => Ordering::Less,
                    ordering => ordering,
                };
                ordering_holds(op, ordering)
            }
        })
    }

    /// Adds to `counts` the nodes below `node` (which trie node `at` stands for) on every path of the trie.
    fn count(&self, index: &DocIndex<'_, '_>, at: usize, node: Node<'_, '_>, counts: &mut [u32]) {
        let here = &self.trie[at];
        if !here.attributes.is_empty() {
            for attribute in node.attributes() {
                for (test, next) in &here.attributes {
                    if attribute_matches(&attribute, test) {
                        counts[*next] += 1;
                    }
                }
            }
        }
        if here.children.is_empty() {
            return;
        }
        for (child, hash) in index.element_children(node) {
            let first = here.children.partition_point(|(h, _, _)| *h < hash);
            // the hash is equal: the names are confirmed
            for (_, test, next) in here.children[first..].iter().take_while(|(h, _, _)| *h == hash) {
                if node_matches_in(Some(index), child, test) {
                    counts[*next] += 1;
                    self.count(index, *next, child, counts);
                }
            }
        }
    }
}

/// The child chains from the context whose nodes a compiled test's path selects, and the question the
/// test asks of their number, when it asks only whether (or how often) the path selects nodes.
fn question(test: &Test) -> Option<(Vec<Vec<PathStep>>, Question)> {
    let (path, question) = match test {
        Test::NodePath(path) => (path, Question::Exists { negated: false }),
        Test::Not(inner) => match inner.as_ref() {
            Test::NodePath(path) => (path, Question::Exists { negated: true }),
            _ => return None,
        },
        Test::CountCompare { path, op, than, .. } => (
            path,
            Question::Count {
                op: *op,
                floor: than.floor().to_i64().unwrap_or(if than.is_sign_negative() {
                    i64::MIN
                } else {
                    i64::MAX
                }),
                whole: than.fract().is_zero(),
            },
        ),
        _ => return None,
    };
    Some((child_chains(path.expr())?, question))
}

/// The child chains from the context ([`is_child_chain`]) whose union is `expr`: a chain, a union of
/// chains, or a union of chains followed by steps that continue each of them as a chain
/// (`(cac:InvoiceLine|cac:CreditNoteLine)/cac:Item/cbc:Name`).
fn child_chains(expr: &Expr) -> Option<Vec<Vec<PathStep>>> {
    match expr.bare() {
        Expr::Path(PathStart::Context, steps) => is_child_chain(steps).then(|| vec![steps.clone()]),
        Expr::Path(PathStart::Expr(start), steps) => child_chains(start)?
            .into_iter()
            .map(|mut chain| {
                chain.extend(steps.iter().cloned());
                is_child_chain(&chain).then_some(chain)
            })
            .collect(),
        Expr::Union(a, b) => {
            let mut chains = child_chains(a)?;
            chains.extend(child_chains(b)?);
            Some(chains)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::rules::tree::Document;
    use crate::rules::xpath::{parse, Evaluator, Focus, Globals, Item};

    /// Tests that ask only about child-name paths: bare paths, `not()`, `exists()`/`empty()`, `count()`
    /// against whole and fractional numbers, attributes at the end, unions of chains continued by steps,
    /// a chain given twice in one union, a name in another namespace, and a name most documents lack.
    const PRESENCE: [&str; 16] = [
        "not(a)",
        "not(a/b)",
        "a/b/c",
        "exists(a/b/@k)",
        "empty(a/@k)",
        "not(q:a)",
        "count(a) <= 1",
        "count(a/b) = 2",
        "count(a/b/c) < 1.5",
        "count(a/b) gt 1",
        "count(@k) = 1",
        "not((a|e)/b)",
        "count((a|e)/b/c) >= 2",
        "not(a|e|a)",
        "count((a|a)/b) = 2",
        "not(z/b)",
    ];

    /// Tests the batch leaves to their compiled tests: predicates, other axes, a path from the root, a
    /// comparison of values.
    const OTHERS: [&str; 5] = ["not(a[b])", "not(.//b)", "not(/r/a)", "a/b = 'x'", "not(../a)"];

    const DOCS: [&str; 4] = [
        "<r xmlns:q='urn:q'><a k='1'><b><c/><c/></b><b/></a><a/><e><b><c/></b></e><q:a/><x k='2'><a><b/></a></x></r>",
        "<r><e><b/></e><x><a k=''/><a><b k='3'><c>text</c></b></a></x></r>",
        "<r xmlns:q='urn:q'><q:a k='1'><b/></q:a><a xmlns='urn:q'><b/></a><z><b/></z></r>",
        "<r/>",
    ];

    #[test]
    fn a_batch_gives_every_presence_test_its_compiled_verdict_on_every_element() {
        let namespaces = HashMap::from([("q".to_owned(), "urn:q".to_owned())]);
        let asts: Vec<_> = PRESENCE
            .iter()
            .chain(&OTHERS)
            .map(|text| parse(text, &namespaces).unwrap())
            .collect();
        let tests: Vec<Test> = asts.iter().map(Test::compile).collect();
        let batch = PresenceBatch::of(&tests).unwrap();
        assert_eq!(batch.decided(), PRESENCE.len());
        let globals = Globals::default();
        let mut verdicts = Vec::new();
        for xml in DOCS {
            let doc = Document::parse(xml).unwrap();
            let index = DocIndex::new(&doc);
            for node in doc.descendants().filter(|n| n.is_element()) {
                let counts = batch.count_from(&index, node);
                let focus = Focus::of(Item::Node(node));
                for (at, (test, text)) in tests.iter().zip(PRESENCE.iter().chain(&OTHERS)).enumerate() {
                    let batched = batch.verdict(at, &counts);
                    assert_eq!(batched.is_some(), at < PRESENCE.len(), "{text}");
                    let Some(batched) = batched else {
                        continue;
                    };
                    let compiled =
                        test.holds(&mut Evaluator::new(doc.root(), &globals, Some(&index)), &focus);
                    let interpreted = Evaluator::new(doc.root(), &globals, None).boolean(&asts[at], &focus);
                    assert_eq!(
                        Ok(batched),
                        compiled,
                        "{text} on <{}> in {xml}",
                        node.tag_name().name()
                    );
                    assert_eq!(
                        Ok(batched),
                        interpreted,
                        "{text} on <{}> in {xml}",
                        node.tag_name().name()
                    );
                    verdicts.push((at, batched));
                }
            }
        }
        // every presence test is true somewhere and false somewhere
        for (at, text) in PRESENCE.iter().enumerate() {
            assert!(verdicts.contains(&(at, true)), "{text} never true");
            assert!(verdicts.contains(&(at, false)), "{text} never false");
        }
    }

    #[test]
    fn a_rule_with_few_presence_tests_leaves_them_to_their_compiled_tests() {
        let namespaces = HashMap::from([("q".to_owned(), "urn:q".to_owned())]);
        let tests: Vec<Test> = PRESENCE[..FEWEST_WORTH_A_WALK - 1]
            .iter()
            .map(|text| Test::compile(&parse(text, &namespaces).unwrap()))
            .collect();
        assert!(PresenceBatch::of(&tests).is_none());
    }
}
