//! Keyed filters: the VAT-category rules filter the same steps (`//cac:ClassifiedTaxCategory`,
//! `cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory`, `ram:ApplicableTradeTax` …) with a predicate comparing
//! the same key with a literal, once per category (`[normalize-space(cbc:ID) = 'S']`, `… = 'AE'`, `… = 'E'`
//! …). When a schema loads, [`super::share::Sharer`] turns a step's first predicate `key = 'literal'` into
//! [`Expr::KeyEq`] when the schema compares that key of that step's nodes with at least two literals; per
//! document, the step's nodes from an input node are grouped by their key's string values once
//! ([`KeyGroups`], kept in the [`super::share::Memo`]), and each literal is then a look-up.
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

use super::ast::{AxisStep, CmpOp, Expr, Function};
use super::eval::{Evaluator, Focus};
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
fn depends_on_node_only(expr: &Expr) -> bool {
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
        let mut groups = KeyGroups::default();
        for node in nodes {
            let Ok(values) = self.sequence(key, &Focus::of(node.clone())) else {
                return Ok(None);
            };
            for value in values.iter() {
                let Some(text) = value.compared_as_string() else {
                    return Ok(None);
                };
                let members = groups.groups.entry(text).or_default();
                // a node whose key gives the same value twice is in the group once
                if members.last().and_then(Item::order_key) != node.order_key() {
                    members.push(node.clone());
                }
            }
        }
        Ok(Some(Rc::new(groups)))
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
