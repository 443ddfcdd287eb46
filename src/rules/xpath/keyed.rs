//! Keyed filters: the VAT-category rules filter the same steps (`//cac:ClassifiedTaxCategory`,
//! `cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory`, `ram:ApplicableTradeTax` …) with a predicate comparing
//! the same key with a literal, once per category (`[normalize-space(cbc:ID) = 'S']`, `… = 'AE'`, `… = 'E'`
//! …). When a schema loads, [`super::share::Sharer`] turns a step's first predicate `key = 'literal'` into
//! [`Expr::KeyEq`] when the schema compares that key of that step's nodes with at least two literals; per
//! document, the step's nodes from an input node are grouped by their key's string values once
//! ([`KeyGroups`], kept in the [`super::share::Memo`]), and each literal is then a look-up.
//!
//! When the keyed predicate is the only one of a path's last step and steps come before it
//! (`//cac:TaxCategory[…VAT…]/cbc:ID[normalize-space(.) = 'E']`,
//! `//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax[ram:CategoryCode = 'E']`), the whole path's
//! nodes, that predicate left out, are grouped once per document (per context node for a relative path;
//! [`super::ast::PathGroup`]), so each category's rule is one look-up instead of one per input node. The
//! predicate depends on its node alone, so the literal's group among the whole path's nodes, in document
//! order, is what the path gives. Any error or non-node while building those groups leaves the path to
//! the evaluation as written (which raises, or stops early in `exists()`, exactly as before).
//!
//! The grouping means exactly what the general comparison means: a node whose key gives several values is
//! in the group of each; a node whose key gives nothing is in none; the key's own value is used as it is
//! (`normalize-space(cbc:ID)` and `cbc:ID` are different keys); each group keeps the axis order. A string
//! literal compared with untypedAtomic or string values is a string comparison that cannot fail, so the
//! grouping is used only when every node's key evaluated without an error to strings or nodes: a key that
//! raises an error or gives another type (a number, a date) on some node leaves the predicate to the
//! interpreter for that input node, which then raises or decides exactly as before.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::rc::Rc;

use super::ast::{AxisStep, CmpOp, Expr, Function, PathStart, PathStep};
use super::eval::{sort_document_order, Evaluator, Focus};
use super::index::Fnv;
use super::value::{Item, XResult};

/// A step's nodes from one input node, grouped by the string values of a key.
#[derive(Debug, Default)]
pub struct KeyGroups<'a, 'i> {
    groups: HashMap<Cow<'a, str>, Vec<Item<'a, 'i>>, BuildHasherDefault<Fnv>>,
}

impl<'a, 'i> KeyGroups<'a, 'i> {
    /// The nodes whose key has the value `literal` among its values, in axis order.
    pub fn get(&self, literal: &str) -> &[Item<'a, 'i>] {
        self.groups.get(literal).map_or(&[], Vec::as_slice)
    }
}

/// The nodes a keyed predicate keeps from one input node: its literal's group among the groups the memo
/// keeps (shared with it, not copied).
pub struct Keyed<'a, 'i> {
    groups: Rc<KeyGroups<'a, 'i>>,
    literal: &'a str,
}

impl<'a, 'i> Keyed<'a, 'i> {
    /// The nodes, in axis order.
    pub fn nodes(&self) -> &[Item<'a, 'i>] {
        self.groups.get(self.literal)
    }
}

/// The key and literal of a predicate that grouping can answer: `key = 'literal'` (a general comparison
/// with a string literal on the right) whose key depends on nothing but its context node (no variable, no
/// `position()`/`last()`, no quantifier) and is not itself a literal.
pub fn candidate(predicate: &Expr) -> Option<(&Expr, &str)> {
    let Expr::General(CmpOp::Eq, key, literal) = predicate.bare() else {
        return None;
    };
    let Expr::Str(text) = literal.as_ref() else {
        return None;
    };
    let literal_key = matches!(key.bare(), Expr::Str(_) | Expr::Num(_) | Expr::Double(_));
    (!literal_key && depends_on_node_only(key)).then_some((key, text.as_str()))
}

/// Whether the expression's value is a function of the document and the context node alone.
pub(super) fn depends_on_node_only(expr: &Expr) -> bool {
    let own = !matches!(
        expr,
        Expr::Var(_)
            | Expr::Global(_)
            | Expr::Quantified { .. }
            | Expr::Call(Function::Position | Function::Last, _)
    );
    let mut children = true;
    super::share::for_each_child(expr, &mut |child| {
        children = children && depends_on_node_only(child)
    });
    own && children
}

impl<'a, 'i> Evaluator<'a, 'i, '_> {
    /// The nodes of `step` from `item` that the step's first predicate keeps, when that predicate is an
    /// [`Expr::KeyEq`], in axis order, taken from the groups kept for this input node (built on first use).
    /// `None` (evaluate the predicate as written): no memo, an item that is not a node, another first
    /// predicate, or a key that raised an error or gave a value other than a string on some node.
    pub(super) fn keyed_nodes(
        &mut self,
        item: &Item<'a, 'i>,
        step: &'a AxisStep,
    ) -> XResult<Option<Keyed<'a, 'i>>> {
        let Some(Expr::KeyEq(keyed)) = step.predicates.first().map(Expr::bare) else {
            return Ok(None);
        };
        let (Some(memo), Some(at)) = (self.memo, super::share::node_key(item)) else {
            return Ok(None);
        };
        let groups = match memo.key_groups(keyed.group, at) {
            Some(known) => known,
            None => {
                let built = self.group_by_key(item, step, &keyed.key)?;
                memo.keep_key_groups(keyed.group, at, built.clone());
                built
            }
        };
        Ok(groups.map(|groups| Keyed {
            groups,
            literal: keyed.literal(),
        }))
    }

    /// The step's nodes from `item` (predicates not applied) grouped by `key`'s string values; `None`
    /// when the key raises an error or gives a value that is not a string or a node on some node.
    fn group_by_key(
        &mut self,
        item: &Item<'a, 'i>,
        step: &'a AxisStep,
        key: &'a Expr,
    ) -> XResult<Option<Rc<KeyGroups<'a, 'i>>>> {
        let mut nodes = Vec::new();
        self.axis_nodes(item, step, &mut nodes)?;
        Ok(self.group_nodes(nodes, key))
    }

    /// `nodes` grouped by `key`'s string values, each group in the nodes' order; `None` when the key
    /// raises an error or gives a value that is not a string or a node on some node.
    fn group_nodes(&mut self, nodes: Vec<Item<'a, 'i>>, key: &'a Expr) -> Option<Rc<KeyGroups<'a, 'i>>> {
        let mut groups = KeyGroups::default();
        for node in nodes {
            let values = self.sequence(key, &Focus::of(node.clone())).ok()?;
            for value in values.iter() {
                let text = value.compared_as_string()?;
                let members = groups.groups.entry(text).or_default();
                // a node whose key gives the same value twice is in the group once
                if members.last().and_then(Item::order_key) != node.order_key() {
                    members.push(node.clone());
                }
            }
        }
        Some(Rc::new(groups))
    }

    /// The nodes of a whole path whose last step's only predicate is a [`Expr::KeyEq`] with a
    /// [`super::ast::PathGroup`], in document order: its literal's group among the path's nodes (that
    /// predicate left out) grouped by key, built on first use and kept in the memo per context node when
    /// the path is relative. The predicate depends on its node alone, so filtering the whole path's nodes
    /// gives what filtering each input node's do. `None` (evaluate the path as written, which raises or
    /// stops early exactly as before): no memo or group, a context that is not a node for a relative path,
    /// or any error or value other than a node or string while building the groups.
    pub(super) fn grouped_path(
        &mut self,
        start: &'a PathStart,
        steps: &'a [PathStep],
        focus: &Focus<'a, 'i>,
    ) -> Option<Keyed<'a, 'i>> {
        let (PathStep::Axis(last), prefix) = steps.split_last()? else {
            return None;
        };
        let Expr::KeyEq(keyed) = last.predicates.first()?.bare() else {
            return None;
        };
        let group = keyed.path_group?;
        let memo = self.memo?;
        let node = if group.uses_focus {
            super::share::node_key(&focus.item)?
        } else {
            u64::MAX
        };
        let groups = match memo.key_groups(group.fingerprint, node) {
            Some(known) => known,
            None => {
                let built = self.group_path(start, prefix, last, &keyed.key, focus);
                memo.keep_key_groups(group.fingerprint, node, built.clone());
                built
            }
        }?;
        Some(Keyed {
            groups,
            literal: keyed.literal(),
        })
    }

    /// The nodes of `start/prefix/last` (`last`'s predicates not applied) grouped by `key`.
    fn group_path(
        &mut self,
        start: &'a PathStart,
        prefix: &'a [PathStep],
        last: &'a AxisStep,
        key: &'a Expr,
        focus: &Focus<'a, 'i>,
    ) -> Option<Rc<KeyGroups<'a, 'i>>> {
        let inputs = self.path(start, prefix, focus).ok()?;
        let mut nodes = Vec::new();
        for input in &inputs {
            if !input.is_node() {
                return None;
            }
            self.axis_nodes(input, last, &mut nodes).ok()?;
        }
        if inputs.len() > 1 || last.axis.is_reverse() {
            sort_document_order(&mut nodes);
        }
        self.group_nodes(nodes, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::xpath::index::DocIndex;
    use crate::rules::xpath::parse::xs_prefix;
    use crate::rules::xpath::share::{Memo, Sharer};
    use crate::rules::xpath::{parse, Globals};

    /// Categories as the VAT rules meet them: padded codes, a repeated code, a missing code, a node with
    /// two codes, nested elements of the same name, attributes, values that are not numbers.
    const XML: &str = "<r>\
        <l n='1'><c><id> S </id><p>19</p><t><id>vat</id></t></c><c><id>Z</id><p>0</p><t><id>VAT</id></t></c></l>\
        <l n='2'><c><id>S</id><p>7</p><t><id>VAT</id></t></c><c><p>x</p></c></l>\
        <l n='3'><c k='AE'><id>AE</id><p>y</p><c><id>S</id><p>5</p></c></c></l>\
        <x><c><id>E</id><id>S</id><p>1</p></c></x>\
        <w><c><id>A</id><c><id>S</id></c><id>S</id></c></w>\
        </r>";

    /// The expressions over one key compared with several literals, so that the sharer makes them keyed.
    const EXPRS: &[&str] = &[
        "//c[normalize-space(id) = 'S']",
        "//c[normalize-space(id) = 'Z']",
        "//c[normalize-space(id) = 'AE']",
        "//c[normalize-space(id) = '']",
        "count(//c[id = 'S'])",
        "count(//c[id = 'E'])",
        "//c[id = ' S ']",
        "l/c[id = 'S']/p",
        "l/c[id = 'Z']/p",
        "exists(l/c[id = 'S'][p > 10])",
        "exists(l/c[id = 'Z'][p > 10])",
        "exists(//c[id = 'S'][xs:decimal(p) > 6])",
        "exists(l/c[id = 'AE'][xs:decimal(p) > 6])",
        "count(//c[id = 'S'][xs:decimal(p) > 6])",
        "//c[id = 'S'][1]",
        "//c[id = 'S'][last()]/p",
        "l/c[t/normalize-space(upper-case(id)) = 'VAT']",
        "l/c[t/normalize-space(upper-case(id)) = 'X']",
        "l[c/id = 'S']/@n",
        "l[c/id = 'Z']/@n",
        "//@k[. = 'AE']",
        "//@k[. = 'S']",
        "//c[xs:decimal(p) = '7']",
        "//c[xs:decimal(p) = '5']",
        "l/c/c[id = 'S']/ancestor::c[id = 'AE']",
        "l/c/c[id = 'S']/ancestor::c[id = 'S']",
        // whole paths ending in a keyed step (grouped once per context node, or once when absolute)
        "l/c/id[normalize-space(.) = 'S']",
        "l/c/id[normalize-space(.) = 'Z']",
        "count(//l/c[id = 'S'])",
        "exists(//l/c[id = 'AE'])",
        "not(//l/c[id = 'E'])",
        "//c[t/normalize-space(upper-case(id)) = 'VAT']/id[normalize-space(.) = 'S']",
        "exists(//c[t/normalize-space(upper-case(id)) = 'VAT']/id[normalize-space(.) = 'Z'])",
        "count(//c/c[id = 'S'])",
        "count(//c/c[id = 'AE'])",
        "(1, 2)/c[id = 'S']",
        "(l, x)/c[id = 'E']",
        // from nested inputs: an outer node's nodes after an inner one's, and the same node twice
        "//c/id[. = 'S']",
        "//c/id[. = 'A']",
        "//c/descendant::id[. = 'S']",
        "//c/descendant::id[. = 'A']",
    ];

    fn parse_all(exprs: &[&str]) -> Vec<Expr> {
        exprs.iter().map(|e| parse(e, &xs_prefix()).unwrap()).collect()
    }

    /// Every expression evaluated on every element as context, as a sequence and as a boolean, by the plain
    /// interpreter and with the keyed look-ups: the same items in the same order, the same errors.
    fn compare(xml: &str) -> usize {
        let plain = parse_all(EXPRS);
        let mut keyed = plain.clone();
        let mut sharer = Sharer::new();
        keyed.iter().for_each(|e| {
            sharer.count(e);
        });
        keyed.iter_mut().for_each(|e| {
            sharer.wrap(e);
        });
        assert!(sharer.keyed() >= 20, "{} predicates made keyed", sharer.keyed());
        assert!(
            sharer.grouped_paths() >= 12,
            "{} whole paths grouped",
            sharer.grouped_paths()
        );
        let doc = crate::rules::tree::Document::parse(xml).unwrap();
        let index = DocIndex::new(&doc);
        let globals = Globals::default();
        let memo = Memo::new();
        let show = |items: XResult<Vec<Item<'_, '_>>>| {
            items
                .map(|items| {
                    items
                        .iter()
                        .map(|i| format!("{:?}={}", i.order_key(), i.string()))
                        .collect::<Vec<_>>()
                })
                .map_err(|e| e.to_string())
        };
        let mut contexts: Vec<Item<'_, '_>> = doc
            .root()
            .descendants()
            .filter(|n| n.is_element())
            .map(Item::Node)
            .collect();
        contexts.push(Item::Node(doc.root()));
        for (plain, keyed) in plain.iter().zip(&keyed) {
            for context in &contexts {
                let focus = Focus::of(context.clone());
                let mut reference = Evaluator::new(doc.root(), &globals, Some(&index));
                let mut fast = Evaluator::new(doc.root(), &globals, Some(&index)).with_memo(&memo);
                assert_eq!(
                    show(fast.eval(keyed, &focus)),
                    show(reference.eval(plain, &focus)),
                    "{plain:?} on {context:?}"
                );
                assert_eq!(
                    fast.boolean(keyed, &focus).map_err(|e| e.to_string()),
                    reference.boolean(plain, &focus).map_err(|e| e.to_string()),
                    "{plain:?} on {context:?}"
                );
            }
        }
        memo.key_group_count()
    }

    #[test]
    fn keyed_filters_give_the_interpreters_nodes_and_errors() {
        let groups = compare(XML);
        assert!(groups > 10, "{groups} groups built");
    }

    #[test]
    fn a_key_that_fails_on_some_node_leaves_the_predicate_to_the_interpreter() {
        // a category with two codes: normalize-space() of two items is an error on that node only
        let xml = XML.replace("<id>Z</id>", "<id>Z</id><id>Z2</id>");
        compare(&xml);
        // every node's key fine: the same document without the second code
        compare(&XML.replace("<x>", "<y>").replace("</x>", "</y>"));
    }

    /// The path group of the keyed predicate at the end of `expr`'s path, if any.
    fn path_group(expr: &Expr) -> Option<crate::rules::xpath::ast::PathGroup> {
        let Expr::Path(_, steps) = expr.bare() else {
            return None;
        };
        let Some(super::PathStep::Axis(last)) = steps.last() else {
            return None;
        };
        match last.predicates.first()?.bare() {
            Expr::KeyEq(keyed) => keyed.path_group,
            _ => None,
        }
    }

    #[test]
    fn a_whole_path_ending_in_a_keyed_step_is_answered_from_one_grouping() {
        let mut exprs = parse_all(&[
            "//l/c[id = 'S']",
            "//l/c[id = 'Z']",
            "l/c[id = 'S']",
            "//c[id = 'S']",
        ]);
        let mut sharer = Sharer::new();
        exprs.iter().for_each(|e| {
            sharer.count(e);
        });
        exprs.iter_mut().for_each(|e| {
            sharer.wrap(e);
        });
        let groups: Vec<_> = exprs.iter().map(path_group).collect();
        let (absolute_s, absolute_z) = (groups[0].unwrap(), groups[1].unwrap());
        // one grouping for both literals; the relative path keeps its own, per context node
        assert_eq!(absolute_s.fingerprint, absolute_z.fingerprint);
        assert!(!absolute_s.uses_focus);
        assert!(groups[2].unwrap().uses_focus);
        assert_ne!(groups[2].unwrap().fingerprint, absolute_s.fingerprint);
        // one step from the root has one input node: nothing to gain, left to the step's own groups
        assert!(groups[3].is_none());
        let doc = crate::rules::tree::Document::parse(XML).unwrap();
        let index = DocIndex::new(&doc);
        let globals = Globals::default();
        let memo = Memo::new();
        let mut ev = Evaluator::new(doc.root(), &globals, Some(&index)).with_memo(&memo);
        let focus = Focus::of(Item::Node(doc.root()));
        let s = ev.eval(&exprs[0], &focus).unwrap().len();
        let z = ev.eval(&exprs[1], &focus).unwrap().len();
        assert_eq!((s, z), (1, 1));
        // the whole path's grouping is kept, built once for the document
        let kept = memo
            .key_groups(absolute_s.fingerprint, u64::MAX)
            .flatten()
            .unwrap();
        assert_eq!(
            (kept.get("S").len(), kept.get("Z").len(), kept.get("AE").len()),
            (1, 1, 1)
        );
    }

    #[test]
    fn a_predicate_compared_with_one_literal_only_is_left_as_written() {
        let mut exprs = parse_all(&["//c[id = 'S']", "//c[id = 'S']", "//c[p = 'S']"]);
        let mut sharer = Sharer::new();
        exprs.iter().for_each(|e| {
            sharer.count(e);
        });
        exprs.iter_mut().for_each(|e| {
            sharer.wrap(e);
        });
        assert_eq!(sharer.keyed(), 0);
    }
}
